/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-tool: runs the diaspora* pod double for other processes.
 *
 *   gpm-test-pod-tool [--port N] [--user NAME:PASSWORD[:OTP]]… [--aspect NAME:ASPECT]…
 *                     [--no-api] [--browser-user NAME] [--dump-file PATH]
 *                     [--body-limit BYTES] [--camo ROOT] [--check-images]
 *
 * Prints "url http://127.0.0.1:PORT" first, then "user NAME GUID" and
 * "aspect NAME ASPECT ID" lines, then "ready", on stdout (flushed), and
 * serves until SIGINT/SIGTERM or until stdin reaches end of file (so it dies
 * with the test that started it). What it stored: GET /_test/dump, and on
 * exit the same JSON in --dump-file. Faults: POST /_test/fault (see
 * gpm-test-pod.h).
 */
#define G_LOG_DOMAIN "gpm-test-pod-tool"

#include <stdio.h>
#include <glib-unix.h>

#include "gpm-test-pod.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin (gint fd, GIOCondition condition, gpointer user_data)
{
  char buf[256];
  gssize n = read (fd, buf, sizeof buf);

  if (n <= 0)
    {
      g_main_loop_quit (user_data);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  int port = 0;
  g_auto(GStrv) users = NULL;
  g_auto(GStrv) aspects = NULL;
  gboolean no_api = FALSE;
  g_autofree char *version = NULL;
  g_autofree char *moved_to = NULL;
  gboolean watch_stdin = FALSE;
  g_autofree char *dump_file = NULL;
  g_autofree char *browser_user = NULL;
  g_autofree char *camo = NULL;
  gint64 body_limit = 0;
  gboolean check_images = FALSE;
  GOptionEntry entries[] = {
    { "body-limit", 0, 0, G_OPTION_ARG_INT64, &body_limit, "Answer larger requests 413, like nginx", "BYTES" },
    { "camo", 0, 0, G_OPTION_ARG_STRING, &camo, "Rewrite image URLs in answers through this camo root", "ROOT" },
    { "check-images", 0, 0, G_OPTION_ARG_NONE, &check_images, "Refuse uploads that are no image", NULL },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: any free one)", "N" },
    { "user", 0, 0, G_OPTION_ARG_STRING_ARRAY, &users, "An account", "NAME:PASSWORD[:OTP]" },
    { "aspect", 0, 0, G_OPTION_ARG_STRING_ARRAY, &aspects, "An aspect of an account", "NAME:ASPECT" },
    { "no-api", 0, 0, G_OPTION_ARG_NONE, &no_api, "Act like a pod without API v1 (0.7.18.2)", NULL },
    { "moved-to", 0, 0, G_OPTION_ARG_STRING, &moved_to, "Answer every request with a 301 to URL + path", "URL" },
    { "pod-version", 0, 0, G_OPTION_ARG_STRING, &version, "The version nodeinfo says (with --no-api: without API v1)", "VERSION" },
    { "browser-user", 0, 0, G_OPTION_ARG_STRING, &browser_user, "Who approves authorizations", "NAME" },
    { "dump-file", 0, 0, G_OPTION_ARG_FILENAME, &dump_file, "Write what was stored here on exit", "PATH" },
    { "watch-stdin", 0, 0, G_OPTION_ARG_NONE, &watch_stdin, "Exit when stdin is closed", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a diaspora* pod double on 127.0.0.1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) pod = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  pod = gpm_test_pod_new (port, &error);
  if (pod == NULL)
    {
      g_printerr ("gpm-test-pod-tool: %s\n", error->message);
      return 1;
    }
  gpm_test_pod_set_api_enabled (pod, !no_api);
  if (version)
    gpm_test_pod_set_version (pod, version, !no_api);
  if (moved_to)
    gpm_test_pod_set_moved (pod, moved_to);
  gpm_test_pod_set_body_limit (pod, (gsize) MAX (body_limit, 0));
  gpm_test_pod_set_check_images (pod, check_images);
  if (camo != NULL)
    gpm_test_pod_set_camo (pod, camo, "gpm-test-pod-tool camo key");
  printf ("url %s\n", gpm_test_pod_get_url (pod));
  for (guint i = 0; users && users[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (users[i], ":", 3);
      g_autofree char *guid = NULL;

      if (f[0] == NULL || f[1] == NULL)
        {
          g_printerr ("gpm-test-pod-tool: --user %s: expected NAME:PASSWORD[:OTP]\n", users[i]);
          return 2;
        }
      guid = gpm_test_pod_add_user (pod, f[0], f[1], f[2]);
      printf ("user %s %s\n", f[0], guid);
    }
  for (guint i = 0; aspects && aspects[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (aspects[i], ":", 2);
      gint64 id;

      if (f[0] == NULL || f[1] == NULL || (id = gpm_test_pod_add_aspect (pod, f[0], f[1])) < 0)
        {
          g_printerr ("gpm-test-pod-tool: --aspect %s: expected NAME:ASPECT of a known user\n", aspects[i]);
          return 2;
        }
      printf ("aspect %s %s %" G_GINT64_FORMAT "\n", f[0], f[1], id);
    }
  if (browser_user)
    gpm_test_pod_set_browser_user (pod, browser_user, TRUE);
  printf ("ready\n");
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  if (watch_stdin)
    g_unix_fd_add (0, G_IO_IN | G_IO_HUP, on_stdin, loop);
  g_main_loop_run (loop);

  if (dump_file)
    {
      g_autofree char *json = gpm_test_pod_dump_json (pod);

      if (!g_file_set_contents (dump_file, json, -1, &error))
        {
          g_printerr ("gpm-test-pod-tool: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}
