/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-renderer"

#include "config.h"

#include <epoxy/gl.h>
#include <gtk/gtk.h>
#include <string.h>

#include "gpm-renderer.h"

static gboolean
is_software (const char *renderer)
{
  return renderer != NULL &&
         (strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL ||
          strstr (renderer, "Software Rasterizer") != NULL);
}

gboolean
gpm_renderer_choose (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean software;

  /* The user's choice wins; without a display there is nothing to paint */
  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL)
    return FALSE;

  context = gdk_display_create_gl_context (display, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    {
      /* GTK itself then paints with cairo */
      g_debug ("no OpenGL: %s", error ? error->message : "?");
      return FALSE;
    }
  gdk_gl_context_make_current (context);
  software = is_software ((const char *) glGetString (GL_RENDERER));
  g_debug ("OpenGL renderer: %s", (const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();

  if (software)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
  return software;
}
