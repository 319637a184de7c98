/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GL renderer's name can only be read from a GL context, which needs
 * gtk_init() and makes the GL driver start threads (llvmpipe's rasterizer
 * threads, GDK's own); the choice it leads to is an environment variable,
 * which must be set while the process has one thread (setenv() races
 * every getenv() of other threads, and GLib says so in a debug message).
 * So the context is made in a forked child, which only reports what it
 * found: the parent sets GSK_RENDERER before GTK starts at all. The
 * child's display connection costs one more at start-up (docs/gui.md). */
#define G_LOG_DOMAIN "gpm-renderer"

#include "config.h"

#include <epoxy/gl.h>
#include <errno.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gpm-renderer.h"

/* The child's answer */
enum {
  PROBE_HARDWARE = 'h',
  PROBE_SOFTWARE = 's',
  PROBE_NO_GL    = 'n',
};

/* Seconds the child may take to answer before the kernel ends it (a GL
 * driver that hangs must not keep the application from starting), and to
 * wait for gpm_renderer_choose_done() after. */
#define PROBE_TIMEOUT 10
#define PROBE_LINGER  60

/* The child, while it holds its display connection open */
static pid_t probe_pid = -1;
static int probe_fd = -1;

static gboolean
is_software (const char *renderer)
{
  return renderer != NULL &&
         (strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL ||
          strstr (renderer, "Software Rasterizer") != NULL);
}

/* In the child: answers on @fd, then keeps its display connection until
 * the parent has its own (closes its end): an X server left without
 * clients resets, and Xvfb refuses connections while it does. Ends with
 * _exit() (no atexit handlers, no stdio buffers of the parent's written
 * twice). */
G_GNUC_NORETURN static void
probe_child (int fd)
{
  GdkDisplay *display;
  GdkGLContext *context;
  char answer = PROBE_NO_GL;
  char byte;

  alarm (PROBE_TIMEOUT);
  if (gtk_init_check () && (display = gdk_display_get_default ()) != NULL)
    {
      context = gdk_display_create_gl_context (display, NULL);
      /* Without a GL context GTK itself paints with cairo */
      if (context != NULL && gdk_gl_context_realize (context, NULL))
        {
          gdk_gl_context_make_current (context);
          answer = is_software ((const char *) glGetString (GL_RENDERER)) ? PROBE_SOFTWARE : PROBE_HARDWARE;
        }
    }

  if (write (fd, &answer, 1) == 1)
    {
      alarm (PROBE_LINGER);
      while (read (fd, &byte, 1) < 0 && errno == EINTR)
        ;
    }
  _exit (0);
}

gboolean
gpm_renderer_choose (void)
{
  gint64 start = g_get_monotonic_time ();
  int fds[2];
  char answer = PROBE_NO_GL;
  ssize_t n;

  g_return_val_if_fail (probe_pid < 0, FALSE);

  /* The user's choice wins */
  if (g_getenv ("GSK_RENDERER") != NULL)
    return FALSE;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      g_debug ("socketpair: %s", g_strerror (errno));
      return FALSE;
    }
  fflush (stdout);
  fflush (stderr);
  probe_pid = fork ();
  if (probe_pid < 0)
    {
      g_debug ("fork: %s", g_strerror (errno));
      close (fds[0]);
      close (fds[1]);
      return FALSE;
    }
  if (probe_pid == 0)
    {
      close (fds[0]);
      probe_child (fds[1]);
    }

  close (fds[1]);
  probe_fd = fds[0];
  while ((n = read (probe_fd, &answer, 1)) < 0 && errno == EINTR)
    ;
  if (n != 1)
    answer = PROBE_NO_GL;   /* the child died (or timed out) first */

  g_debug ("OpenGL: %s (asked in %.1f ms)",
           answer == PROBE_SOFTWARE ? "software" : answer == PROBE_HARDWARE ? "hardware" : "none",
           (g_get_monotonic_time () - start) / 1000.0);
  if (answer != PROBE_SOFTWARE)
    return FALSE;

  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  return TRUE;
}

void
gpm_renderer_choose_done (void)
{
  if (probe_pid < 0)
    return;

  close (probe_fd);
  probe_fd = -1;
  while (waitpid (probe_pid, NULL, 0) < 0 && errno == EINTR)
    ;
  probe_pid = -1;
}
