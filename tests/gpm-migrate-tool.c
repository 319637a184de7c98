/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-tool: migrates the posts of gpm-test-posts to a pod, in its
 * own process, so a test can kill it at any instant and start it again.
 *
 *   gpm-migrate-tool --pod URL --user NAME --posts N [--with-comments] [--with-long]   (password on stdin)
 *
 * The journal is the default one (under $XDG_DATA_HOME). Exits 0 when the
 * queue is done, 1 on error. */
#define G_LOG_DOMAIN "gpm-migrate-tool"

#include <stdio.h>
#include <string.h>

#include "gpm-journal.h"
#include "gpm-migrator.h"
#include "gpm-test-posts.h"

typedef struct {
  GpmPod     *pod;
  const char *user;
  char       *password;
  GMainLoop  *loop;
  gboolean    ok;
  GError     *error;
} Tool;

static gboolean
sign_in (Tool    *tool,
         GError **error)
{
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GError) local = NULL;

      if (gpm_pod_sign_in_password (tool->pod, tool->user, tool->password, NULL, NULL, &local))
        return TRUE;
      if (!g_error_matches (local, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED) &&
          !gpm_pod_error_is_transient (local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_usleep (G_USEC_PER_SEC * MAX (1, MIN (gpm_pod_error_get_retry_after (local), 5)));
    }
  g_set_error (error, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED, "sign-in kept failing");
  return FALSE;
}

static void
on_auth_required (GpmMigrator *migrator,
                  GError      *error,
                  Tool        *tool)
{
  g_autoptr(GError) local = NULL;

  if (sign_in (tool, &local))
    gpm_migrator_resume (migrator);
  else
    {
      g_printerr ("gpm-migrate-tool: %s\n", local->message);
      gpm_migrator_cancel (migrator);
    }
}

static void
on_post_finished (GpmMigrator *migrator,
                  GpmPost     *post,
                  int          state,
                  GError      *error,
                  Tool        *tool)
{
  g_printerr ("%s: %s%s%s\n", gpm_journal_post_key (post), gpm_journal_state_to_string (state),
              error ? ": " : "", error ? error->message : "");
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Tool *tool = user_data;

  tool->ok = gpm_migrator_run_finish (GPM_MIGRATOR (source), result, &tool->error);
  g_main_loop_quit (tool->loop);
}

int
main (int argc, char **argv)
{
  g_autofree char *url = NULL;
  g_autofree char *user = NULL;
  int n_posts = 20;
  gboolean with_comments = FALSE;
  gboolean with_long = FALSE;
  GOptionEntry entries[] = {
    { "with-long", 0, 0, G_OPTION_ARG_NONE, &with_long, "Make some test posts longer than diaspora* takes", NULL },
    { "with-comments", 0, 0, G_OPTION_ARG_NONE, &with_comments, "Post the test posts' own comments too", NULL },
    { "pod", 0, 0, G_OPTION_ARG_STRING, &url, "Pod address", "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "User name", "NAME" },
    { "posts", 0, 0, G_OPTION_ARG_INT, &n_posts, "Number of test posts", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GpmMigrator) migrator = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *account = NULL;
  char line[256];
  Tool tool = { 0 };

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || url == NULL || user == NULL)
    {
      g_printerr ("gpm-migrate-tool: %s\n", error ? error->message : "--pod and --user are needed");
      return 2;
    }
  if (fgets (line, sizeof line, stdin) == NULL)
    {
      g_printerr ("gpm-migrate-tool: no password on stdin\n");
      return 2;
    }
  line[strcspn (line, "\r\n")] = '\0';
  tool.password = g_strdup (line);
  tool.user = user;

  tool.pod = gpm_pod_new (url, &error);
  if (tool.pod == NULL || !sign_in (&tool, &error))
    {
      g_printerr ("gpm-migrate-tool: %s\n", error->message);
      return 1;
    }

  posts = gpm_test_posts_new (n_posts);
  identity = gpm_journal_takeout_identity (posts);
  account = gpm_journal_account_name (gpm_pod_get_address (tool.pod), user);
  journal = gpm_journal_open_default (identity, account, &error);
  if (journal == NULL)
    {
      g_printerr ("gpm-migrate-tool: %s\n", error->message);
      return 1;
    }

  migrator = gpm_migrator_new (tool.pod, journal);
  gpm_migrator_set_convert_func (migrator, with_long ? gpm_test_posts_convert_long : gpm_test_posts_convert, NULL, NULL);
  gpm_migrator_set_read_func (migrator, gpm_test_posts_read, NULL, NULL);
  if (with_comments)
    gpm_migrator_set_comments_func (migrator, gpm_test_posts_comments, NULL, NULL);
  gpm_migrator_set_delay (migrator, 0);
  gpm_migrator_set_retry_policy (migrator, 10, 5, 200);
  /* A restart right after a kill looks for a late save until this long
   * after the attempt (whole seconds in the journal): short, so that the
   * killed rounds still get on with the queue */
  gpm_migrator_set_settle_time (migrator, 300);
  gpm_test_posts_map_aspects (migrator);
  g_signal_connect (migrator, "auth-required", G_CALLBACK (on_auth_required), &tool);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (on_post_finished), &tool);

  tool.loop = g_main_loop_new (NULL, FALSE);
  gpm_migrator_run_async (migrator, posts, NULL, on_done, &tool);
  g_main_loop_run (tool.loop);
  g_main_loop_unref (tool.loop);

  if (!tool.ok)
    g_printerr ("gpm-migrate-tool: %s\n", tool.error->message);
  g_clear_error (&tool.error);
  g_clear_object (&tool.pod);
  g_free (tool.password);
  return tool.ok && gpm_migrator_get_n_failed (migrator) == 0 ? 0 : 1;
}
