/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The migration in a child process (gpm-migrate-tool) against the pod double
 * in another (gpm-test-pod-tool), killed with SIGKILL at random instants
 * (seeded by the test's --seed), restarted, and finally run to the end: every
 * post that may be posted is on the pod exactly once with its photos and
 * audience, the others are not, and the journal agrees. */
#define G_LOG_DOMAIN "test-migrator-kill"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "gpm-diaspora.h"
#include "gpm-journal.h"
#include "gpm-long-post.h"
#include "gpm-test-posts.h"

#define N_POSTS 24
#define N_ROUNDS 8
#define PASSWORD "kill test password"

typedef struct {
  GSubprocess *process;
  char        *url;
  gint64       family;
  gint64       friends;
} PodTool;

static void
pod_tool_start (PodTool *tool)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "gpm-test-pod-tool", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;

  tool->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                    path, "--user", "ada:" PASSWORD, "--aspect", "ada:Family",
                                    "--aspect", "ada:Friends", "--watch-stdin", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (tool->process));
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "url "))
        tool->url = g_strdup (line + 4);
      else if (g_str_has_prefix (line, "aspect ada Family "))
        tool->family = g_ascii_strtoll (line + strlen ("aspect ada Family "), NULL, 10);
      else if (g_str_has_prefix (line, "aspect ada Friends "))
        tool->friends = g_ascii_strtoll (line + strlen ("aspect ada Friends "), NULL, 10);
      else if (strcmp (line, "ready") == 0)
        break;
    }
  g_assert_nonnull (tool->url);
  g_assert_cmpint (tool->family, >, 0);
  g_assert_cmpint (tool->friends, >, 0);
}

static void
pod_tool_stop (PodTool *tool)
{
  g_autoptr(GError) error = NULL;

  /* Closing its stdin ends it. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (tool->process), NULL, NULL);
  g_subprocess_wait (tool->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&tool->process);
  g_clear_pointer (&tool->url, g_free);
}

static GBytes *
pod_request (PodTool    *tool,
             const char *method,
             const char *path,
             const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (tool->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  GBytes *answer;

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), <, 300);
  return answer;
}

static void
inject (PodTool    *tool,
        const char *kind,
        const char *path,
        guint       param,
        guint       count)
{
  g_autofree char *body = g_strdup_printf ("{\"kind\":\"%s\",\"path\":\"%s\",\"param\":%u,\"count\":%u}",
                                           kind, path, param, count);
  g_autoptr(GBytes) answer = pod_request (tool, "POST", "/_test/fault", body);
}

static gboolean with_comments;
static gboolean with_long;    /* some posts over diaspora*'s limit: a post and its continuation in comments */

/* The test data's flags. */
#define WITH_COMMENTS 1
#define WITH_LONG     2

static GSubprocess *
migrate_start (PodTool *tool)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "gpm-migrate-tool", NULL);
  g_autofree char *n = g_strdup_printf ("%d", N_POSTS);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  GOutputStream *in;

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);

  /* The child's journal goes where this test looks for it. */
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  /* The password goes through a pipe, never argv. */
  {
    const char *argv[] = { path, "--pod", tool->url, "--user", "ada", "--posts", n, NULL, NULL, NULL };
    guint argc = 7;

    if (with_comments)
      argv[argc++] = "--with-comments";
    if (with_long)
      argv[argc++] = "--with-long";
    process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  }
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (process);
  g_assert_true (g_output_stream_write_all (in, PASSWORD "\n", strlen (PASSWORD) + 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (in, NULL, &error));
  g_assert_no_error (error);
  return process;
}

static void
assert_exactly_once (PodTool   *tool,
                     GPtrArray *posts)
{
  g_autoptr(GBytes) dump = pod_request (tool, "GET", "/_test/dump", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  g_autofree char *identity = gpm_journal_takeout_identity (posts);
  g_autofree char *account = gpm_journal_account_name (tool->url, "ada");
  JsonArray *pod_posts;
  JsonArray *photos;
  guint expected_total = 0;

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (dump, NULL), g_bytes_get_size (dump), &error));
  pod_posts = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "posts");
  photos = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "photos");
  journal = gpm_journal_open_default (identity, account, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *whole = (with_long ? gpm_test_posts_convert_long : gpm_test_posts_convert) (post, names, NULL, NULL);
      g_auto(GStrv) parts = gpm_long_post_split (whole, GPM_DIASPORA_MAX_TEXT_BYTES);
      const char *text = parts[0];
      const char *audience = gpm_test_posts_expected_audience (post);
      g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (journal, gpm_journal_post_key (post), &error);
      JsonObject *match = NULL;
      guint count = 0;

      g_assert_no_error (error);
      for (guint j = 0; j < json_array_get_length (pod_posts); j++)
        {
          JsonObject *p = json_array_get_object_element (pod_posts, j);

          if (g_strcmp0 (json_object_get_string_member (p, "text"), text) == 0)
            {
              count++;
              match = p;
            }
        }
      if (audience == NULL)
        {
          g_assert_cmpuint (count, ==, 0);
          g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_SKIPPED);
          continue;
        }
      expected_total++;
      if (count != 1)
        g_error ("%s is on the pod %u times", gpm_journal_post_key (post), count);
      g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_POSTED);
      g_assert_cmpstr (entry->guid, ==, json_object_get_string_member (match, "guid"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (match, "photos")), ==, names->len);
      for (guint k = 0; k < json_array_get_length (json_object_get_array_member (match, "photos")); k++)
        {
          const char *guid = json_array_get_string_element (json_object_get_array_member (match, "photos"), k);
          gboolean attached = FALSE;

          for (guint m = 0; m < json_array_get_length (photos); m++)
            {
              JsonObject *photo = json_array_get_object_element (photos, m);

              if (g_strcmp0 (json_object_get_string_member (photo, "guid"), guid) == 0)
                attached = !json_object_get_boolean_member (photo, "pending") &&
                           json_object_get_int_member (photo, "size") == (gint64) gpm_test_posts_photo_size ();
            }
          g_assert_true (attached);
        }
      if (strcmp (audience, "public") == 0)
        g_assert_true (json_object_get_boolean_member (match, "public"));
      else
        {
          JsonArray *aspects = json_object_get_array_member (match, "aspect_ids");

          g_assert_false (json_object_get_boolean_member (match, "public"));
          g_assert_cmpuint (json_array_get_length (aspects), ==, 1);
          g_assert_cmpint (json_array_get_int_element (aspects, 0), ==,
                           strcmp (audience, "Family") == 0 ? tool->family : tool->friends);
        }
    }
  g_assert_cmpuint (json_array_get_length (pod_posts), ==, expected_total);

  {
    /* The user's own comments: under each posted post exactly those, in
     * order, when asked for; none otherwise. */
    JsonArray *comments = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "comments");
    guint expected_comments = 0;
    guint n_long = 0;

    for (guint i = 0; i < posts->len; i++)
      {
        GpmPost *post = g_ptr_array_index (posts, i);
        g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (journal, gpm_journal_post_key (post), NULL);
        g_autoptr(GPtrArray) own = gpm_test_posts_comments (post, NULL, NULL);
        g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
        g_autofree char *whole = (with_long ? gpm_test_posts_convert_long : gpm_test_posts_convert) (post, names, NULL, NULL);
        g_auto(GStrv) parts = gpm_long_post_split (whole, GPM_DIASPORA_MAX_TEXT_BYTES);
        guint n = 0;

        /* the continuation of a post over the limit first, in order */
        for (guint k = 1; parts[k] != NULL; k++)
          g_ptr_array_add (want, g_strdup (parts[k]));
        for (guint k = 0; with_comments && k < own->len; k++)
          g_ptr_array_add (want, g_strdup (g_ptr_array_index (own, k)));

        if (entry->state != GPM_JOURNAL_STATE_POSTED)
          continue;
        for (guint j = 0; j < json_array_get_length (comments); j++)
          {
            JsonObject *c = json_array_get_object_element (comments, j);

            if (g_strcmp0 (json_object_get_string_member (c, "post"), entry->guid) != 0)
              continue;
            g_assert_true (with_comments || with_long);
            if (n >= want->len)
              g_error ("%s has more comments than its own %u", gpm_journal_post_key (post), want->len);
            g_assert_cmpstr (json_object_get_string_member (c, "text"), ==, g_ptr_array_index (want, n));
            n++;
          }
        g_assert_cmpuint (n, ==, want->len);
        expected_comments += want->len;
        if (g_strv_length (parts) > 1)
          n_long++;
      }
    g_assert_cmpuint (json_array_get_length (comments), ==, expected_comments);
    /* the test data has over-long posts that were posted, in three parts */
    if (with_long)
      g_assert_cmpuint (n_long, >, 0);
  }
}

static void
on_child_exited (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_kill_restart (gconstpointer data)
{
  g_autoptr(GPtrArray) posts = gpm_test_posts_new (N_POSTS);
  g_autoptr(GError) error = NULL;
  PodTool tool = { 0 };
  guint round;

  pod_tool_start (&tool);
  /* Uncertain answers early on, then every request slow enough for the
   * kills to land in the middle of requests. Faults on a path are used in order. */
  inject (&tool, "close-after-store", "/status_messages", 0, 2);
  inject (&tool, "status", "/status_messages", 503, 1);
  /* diaspora's daily cleanup of pending photos right before post requests,
   * six times, but never three in a row: the cleanup runs once a day, so one
   * post meets it at most twice (the migrator's MAX_REPAIRS in
   * gpm-migrator-post.c: a third time in a row fails the post, as
   * /migrator/web/photos-cleaned-thrice checks), whatever the kills. Between them: saved, then answered as after an exception (403),
   * or with {}. */
  inject (&tool, "cleanup-photos", "/status_messages", 0, 2);
  inject (&tool, "save-then-status", "/status_messages", 0, 1);
  inject (&tool, "cleanup-photos", "/status_messages", 0, 2);
  inject (&tool, "empty-answer", "/status_messages", 0, 1);
  inject (&tool, "cleanup-photos", "/status_messages", 0, 2);
  inject (&tool, "slow", "/status_messages", 150, 100000);
  inject (&tool, "slow", "/photos", 30, 100000);
  inject (&tool, "slow", "/people/", 20, 100000);
  with_comments = (GPOINTER_TO_INT (data) & WITH_COMMENTS) != 0;
  with_long = (GPOINTER_TO_INT (data) & WITH_LONG) != 0;
  if (with_comments || with_long)
    /* and the comments' requests: lost answers */
    inject (&tool, "close-after-store", "/posts/", 0, 2);
  /* Requests under /posts/ (deleting an incomplete copy; comments) take a
   * while too: kills land mid-repair. */
  inject (&tool, "slow", "/posts/", 100, 100000);

  for (round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr(GSubprocess) child = migrate_start (&tool);
      guint delay_ms = (guint) g_test_rand_int_range (40, 700);
      gboolean exited = FALSE;
      gboolean timed_out = FALSE;
      guint timeout_id;

      g_subprocess_wait_async (child, NULL, on_child_exited, &exited);
      timeout_id = g_timeout_add (delay_ms, on_timeout, &timed_out);
      while (!exited && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (!timed_out)
        g_source_remove (timeout_id);
      if (!exited)
        g_subprocess_send_signal (child, SIGKILL);
      while (!exited)
        g_main_context_iteration (NULL, TRUE);

      if (g_subprocess_get_if_exited (child))
        {
          /* It finished before the kill: the migration is complete. */
          g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
          break;
        }
      g_assert_true (g_subprocess_get_if_signaled (child));
      g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
      g_test_message ("round %u: killed after %u ms", round, delay_ms);
      /* The daily cleanup runs between this run and the next: photos the
       * killed run uploaded but did not attach are gone. */
      g_bytes_unref (pod_request (&tool, "POST", "/_test/cleanup", "{\"older_than\":0}"));
    }
  g_test_message ("%u rounds killed", round);

  /* The last run goes to the end. */
  {
    g_autoptr(GSubprocess) child = migrate_start (&tool);

    g_assert_true (g_subprocess_wait (child, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_exited (child));
    g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  }

  assert_exactly_once (&tool, posts);
  pod_tool_stop (&tool);
}

int
main (int argc, char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_data_func ("/migrator/kill-restart", GINT_TO_POINTER (0), test_kill_restart);
  g_test_add_data_func ("/migrator/kill-restart-own-comments", GINT_TO_POINTER (WITH_COMMENTS), test_kill_restart);
  g_test_add_data_func ("/migrator/kill-restart-long-posts", GINT_TO_POINTER (WITH_LONG | WITH_COMMENTS), test_kill_restart);
  g_test_add_data_func ("/migrator/kill-restart-long-posts-only", GINT_TO_POINTER (WITH_LONG), test_kill_restart);

  return g_test_run ();
}
