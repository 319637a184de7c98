/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The migrator against the test pod: the dry run, whole runs on the web
 * and the API path through every fault the pod injects, signing in again,
 * pause, cancel and the daily cap, the plan's decisions, locations.
 * Uncertain answers, restarts and photos the pod loses are in
 * test-migrator-uncertain.c; the fixture and the invariant both check, in
 * test-migrator-common.c. */
#define G_LOG_DOMAIN "test-migrator"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gpm-import.h"
#include "gpm-diaspora.h"
#include "gpm-journal.h"
#include "gpm-long-post.h"
#include "gpm-migrator.h"
#include "gpm-pod.h"
#include "gpm-test-pod.h"
#include "gpm-test-posts.h"
#include "test-migrator-common.h"

static void
test_plain (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };
  guint counts[GPM_JOURNAL_N_STATES];

  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (state.n_started, ==, f->posts->len);
  g_assert_cmpuint (state.n_finished, ==, f->posts->len);
  g_assert_cmpuint (state.n_auth, ==, 0);
  /* Oldest first. */
  for (guint i = 0; i < state.finished_order->len; i++)
    g_assert_cmpstr (g_ptr_array_index (state.finished_order, i), ==,
                     gpm_journal_post_key (g_ptr_array_index (f->posts, f->posts->len - 1 - i)));
  g_assert_cmpuint (gpm_migrator_get_n_done (migrator), ==, 6);
  g_assert_cmpuint (gpm_migrator_get_n_skipped (migrator), ==, 2);
  g_assert_cmpint (gpm_migrator_get_eta (migrator), ==, 0);
  run_state_clear (&state);
  assert_pod_and_journal (f, G_MAXUINT);
  g_assert_true (gpm_journal_count (f->journal, counts, &error));
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_POSTED], ==, 6);
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_SKIPPED], ==, 2);

  /* A second run sends nothing. */
  {
    guint before = gpm_test_pod_count_requests (f->server, f->api ? "/api/v1/posts" : "/status_messages");

    assert_complete_run (f, migrator);
    g_assert_cmpuint (gpm_test_pod_count_requests (f->server, f->api ? "/api/v1/posts" : "/status_messages"), ==, before);
  }
}

typedef struct {
  const char      *path;       /* web path; NULL: any */
  const char      *api_path;
  GpmTestPodFault  fault;
  guint            param;
  guint            count;
} FaultSpec;

static void
test_fault (Fixture       *f,
            gconstpointer  data)
{
  const FaultSpec *spec = g_object_get_data (G_OBJECT (f->pod), "fault");
  g_autoptr(GpmMigrator) migrator = make_migrator (f);

  gpm_test_pod_inject_fault (f->server, f->api ? spec->api_path : spec->path, spec->fault, spec->param, spec->count);
  assert_complete_run (f, migrator);
}

static const FaultSpec faults[] = {
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_STATUS, 500, 2 },
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_STATUS, 502, 2 },
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_STATUS, 503, 3 },
  { "/photos", "/api/v1/photos", GPM_TEST_POD_FAULT_STATUS, 503, 2 },
  { "/people/", "/api/v1/users/", GPM_TEST_POD_FAULT_STATUS, 503, 1 },
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_RATE_LIMIT, 1, 2 },
  { "/photos", "/api/v1/photos", GPM_TEST_POD_FAULT_RATE_LIMIT, 1, 1 },
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_SLOW, 2600, 1 },
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 3 },
  { "/photos", "/api/v1/photos", GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 2 },
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 1 },
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_EXPIRE_TOKEN, 0, 1 },
  { "/photos", "/api/v1/photos", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 1 },
  /* saved, then 403 (web) / 422 (API) from an exception after the save */
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_SAVE_THEN_STATUS, 0, 3 },
  /* saved, then answered {} */
  { "/status_messages", "/api/v1/posts", GPM_TEST_POD_FAULT_EMPTY_ANSWER, 0, 2 },
};

static void
fault_set_up (Fixture       *f,
              gconstpointer  data)
{
  fixture_set_up (f, GINT_TO_POINTER (FALSE));
  g_object_set_data (G_OBJECT (f->pod), "fault", (gpointer) data);
}

static void
fault_set_up_api (Fixture       *f,
                  gconstpointer  data)
{
  fixture_set_up (f, GINT_TO_POINTER (TRUE));
  g_object_set_data (G_OBJECT (f->pod), "fault", (gpointer) data);
}

/* The pod is down longer than the retries last: the posts fail with a
 * reason, nothing is doubled, and the next run posts them. */
static void
test_gave_up (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };
  guint counts[GPM_JOURNAL_N_STATES];

  gpm_migrator_set_retry_policy (migrator, 2, 1, 5);
  gpm_test_pod_inject_fault (f->server, "/status_messages", GPM_TEST_POD_FAULT_STATUS, 503, 1000);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 6);
  run_state_clear (&state);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 0);
  g_assert_true (gpm_journal_count (f->journal, counts, &error));
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_FAILED], ==, 6);

  gpm_test_pod_clear_faults (f->server);
  assert_complete_run (f, migrator);
}

/* The pod was set up afresh (or the account made again) under the same
 * address and name: the journal's "posted" rows are not on it any more, so
 * the run starts over instead of skipping everything. */
static void
test_account_recreated (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GpmMigrator) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_guid = NULL;
  g_autofree char *new_guid = NULL;

  assert_complete_run (f, migrator);
  old_guid = gpm_journal_dup_account_guid (f->journal);
  g_assert_nonnull (old_guid);

  g_clear_object (&f->server);
  g_clear_object (&f->pod);
  f->server = gpm_test_pod_new (0, &error);
  g_assert_no_error (error);
  g_free (gpm_test_pod_add_user (f->server, "ada", "correct horse", NULL));
  f->family = gpm_test_pod_add_aspect (f->server, "ada", "Family");
  f->friends = gpm_test_pod_add_aspect (f->server, "ada", "Friends");
  gpm_test_pod_set_browser_user (f->server, "ada", TRUE);
  f->pod = gpm_pod_new (gpm_test_pod_get_url (f->server), &error);
  g_assert_no_error (error);
  fixture_sign_in (f);

  again = make_migrator (f);
  assert_complete_run (f, again);
  new_guid = gpm_journal_dup_account_guid (f->journal);
  g_assert_cmpstr (new_guid, !=, old_guid);

  /* And a plain second run on the same account changes nothing. */
  assert_complete_run (f, again);
}

/* A post the user excluded stays off the pod although its audience is
 * selected, until they take it back. */
static void
test_skipped_by_user (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *excluded = g_ptr_array_index (f->posts, f->posts->len - 2);   /* public, one photo */
  g_autofree char *text = expected_text (excluded);
  g_autoptr(GPtrArray) plan = NULL;
  RunState state = { 0 };

  g_assert_true (gpm_journal_ensure_posts (f->journal, f->posts, &error));
  g_assert_true (gpm_journal_set_skipped_by_user (f->journal, gpm_journal_post_key (excluded), &error));
  g_assert_no_error (error);

  plan = gpm_migrator_plan (migrator, f->posts);
  g_assert_error (((GpmMigratorItem *) g_ptr_array_index (plan, 1))->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_BY_USER);

  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_migrator_get_n_skipped (migrator), ==, 3);
  run_state_clear (&state);
  {
    g_autoptr(GPtrArray) pod_posts = gpm_test_pod_dup_posts (f->server);
    g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (excluded), NULL);

    g_assert_cmpuint (pod_posts->len, ==, 5);
    for (guint i = 0; i < pod_posts->len; i++)
      g_assert_cmpstr (((GpmTestPodPost *) g_ptr_array_index (pod_posts, i))->text, !=, text);
    g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_SKIPPED);
    g_assert_true (entry->by_user);
  }

  g_assert_true (gpm_journal_set_pending (f->journal, gpm_journal_post_key (excluded), &error));
  f->retried = TRUE;
  assert_complete_run (f, migrator);
}

/* A session that cannot be renewed: the worker pauses and asks; the user
 * signs in again and it goes on. */
static void
test_auth_required (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };

  /* Every request to the posts path fails as expired, including the renewal's retry. */
  gpm_test_pod_inject_fault (f->server, f->api ? "/api/v1/posts" : "/status_messages",
                             f->api ? GPM_TEST_POD_FAULT_EXPIRE_TOKEN : GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 2);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (state.n_auth, >=, 1);
  run_state_clear (&state);
  assert_pod_and_journal (f, G_MAXUINT);
}

/* Wrong password at renewal time: the user gives up; nothing is lost. */
static void
test_auth_cancel (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { .fail_auth = TRUE };

  gpm_test_pod_inject_fault (f->server, "/status_messages", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 2);
  run_cancelled (f, migrator, &state);
  g_assert_cmpuint (state.n_auth, ==, 1);
  g_assert_cmpint (gpm_migrator_get_state (migrator), ==, GPM_MIGRATOR_STATE_STOPPED);
  run_state_clear (&state);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 0);

  fixture_sign_in (f);
  assert_complete_run (f, migrator);
}

/* A pod that answers 201 with "id": null stores nothing: a failure, not a success. */
static void
test_null_id_once (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);

  gpm_test_pod_inject_fault (f->server, "/api/v1/posts", GPM_TEST_POD_FAULT_NULL_ID, 0, 1);
  assert_complete_run (f, migrator);
}

static void
test_null_id (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };

  /* Twice: the first answer gets one more try, the second is the pod's verdict. */
  gpm_test_pod_inject_fault (f->server, "/api/v1/posts", GPM_TEST_POD_FAULT_NULL_ID, 0, 2);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 1);
  run_state_clear (&state);
  {
    /* The oldest post is the one that failed, with a reason. */
    GpmPost *oldest = g_ptr_array_index (f->posts, f->posts->len - 1);
    g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (oldest), NULL);

    g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_FAILED);
    g_assert_nonnull (entry->reason);
    g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 5);
  }
  /* The next run retries it. */
  f->retried = TRUE;
  assert_complete_run (f, migrator);
}

/* Cancel after the first post; a new run finishes the rest. */
static void
test_cancel_resume (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { .cancel_after_first = TRUE };

  /* The first post goes at once; the second waits its turn and the cancel
   * reaches it there. (Without a wait the worker sent the second before
   * the main loop got to the first post-finished, which it is told of
   * through the main context, and cancelled.) */
  gpm_migrator_set_delay (migrator, 30);
  run_cancelled (f, migrator, &state);
  g_assert_cmpuint (state.n_finished, ==, 1);
  g_assert_cmpint (gpm_migrator_get_state (migrator), ==, GPM_MIGRATOR_STATE_STOPPED);
  run_state_clear (&state);
  assert_pod_and_journal (f, 1);

  gpm_migrator_set_delay (migrator, 0);
  assert_complete_run (f, migrator);
}

static gboolean
resume_later (gpointer data)
{
  GpmMigrator *migrator = data;

  g_assert_cmpint (gpm_migrator_get_state (migrator), ==, GPM_MIGRATOR_STATE_PAUSED);
  gpm_migrator_resume (migrator);
  return G_SOURCE_REMOVE;
}

static void
pause_on_first (GpmMigrator *migrator,
                GpmPost     *post,
                int          state,
                GError      *error,
                gpointer     data)
{
  guint *n = data;

  if ((*n)++ == 0)
    {
      gpm_migrator_pause (migrator);
      g_assert_cmpint (gpm_migrator_get_state (migrator), ==, GPM_MIGRATOR_STATE_PAUSED);
      g_idle_add (resume_later, migrator);
    }
}

static void
test_pause_resume (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  guint n = 0;

  g_signal_connect (migrator, "post-finished", G_CALLBACK (pause_on_first), &n);
  assert_complete_run (f, migrator);
  g_assert_cmpuint (n, ==, f->posts->len);
}

/* The daily cap waits (here: cancelled while waiting) and counts posts of
 * earlier runs too. */
static void
test_daily_cap (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { .cancel_on_wait = TRUE };

  gpm_migrator_set_max_per_day (migrator, 2);
  run_cancelled (f, migrator, &state);
  g_assert_cmpuint (state.n_waiting, ==, 1);
  run_state_clear (&state);
  assert_pod_and_journal (f, 2);

  memset (&state, 0, sizeof state);
  state.cancel_on_wait = TRUE;
  g_assert_false (run_migrator (f, migrator, &state, &error));
  g_clear_error (&error);
  run_state_clear (&state);
  assert_pod_and_journal (f, 2);

  gpm_migrator_set_max_per_day (migrator, 0);
  assert_complete_run (f, migrator);
}

static void
test_unknown_aspect (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };

  gpm_migrator_map_scope (migrator, "circles/fam", "Familie");
  g_assert_false (run_migrator (f, migrator, &state, &error));
  g_assert_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNKNOWN_ASPECT);
  g_assert_nonnull (strstr (error->message, "“Familie”"));
  g_assert_nonnull (strstr (error->message, "“Family”"));
  run_state_clear (&state);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 0);
}

/* Two migrations of the same journal never run at once. */
static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmJournal) other = gpm_journal_open (gpm_journal_get_path (f->journal),
                                                  gpm_journal_get_takeout_identity (f->journal),
                                                  gpm_journal_get_account (f->journal), &error);
  RunState state = { 0 };

  g_assert_no_error (error);
  g_assert_true (gpm_journal_lock (other, &error));
  g_assert_false (run_migrator (f, migrator, &state, &error));
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_BUSY);
  run_state_clear (&state);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 0);
}

/* The dry run: no network, no journal writes, the same decisions. */
static void
test_plan (void)
{
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  g_autoptr(GPtrArray) items = NULL;
  GpmMigratorItem *item;

  g_ptr_array_add (posts, make_post (3, "2018-01-03 00:00:00+0000", GPM_TEST_ACL_USER, 1));
  g_ptr_array_add (posts, make_post (2, "2018-01-02 00:00:00+0000", GPM_TEST_ACL_CIRCLE_FAMILY, 2));
  g_ptr_array_add (posts, make_post (1, "2018-01-01 00:00:00+0000", GPM_TEST_ACL_COMMUNITY, 1));
  g_ptr_array_add (posts, make_post (1, "2018-01-01 00:00:00+0000", GPM_TEST_ACL_COMMUNITY, 1)); /* twice: once */
  gpm_migrator_set_convert_func (migrator, test_convert, NULL, NULL);
  gpm_migrator_map_scope (migrator, "circles/fam", "Family");

  items = gpm_migrator_plan (migrator, posts);
  g_assert_cmpuint (items->len, ==, 3);

  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->key, ==, "users/1/posts/p01");
  g_assert_true (item->is_public);
  g_assert_cmpstr (item->visibility, ==, "public");
  g_assert_cmpuint (item->photos->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (item->photos, 0), ==, "p01-0.png");
  g_assert_null (item->skip);
  g_assert_null (item->error);
  g_assert_true (g_str_has_prefix (item->text, "Post number 1"));

  item = g_ptr_array_index (items, 1);
  g_assert_false (item->is_public);
  g_assert_cmpstr (item->visibility, ==, "aspect:Family");
  g_assert_cmpuint (item->aspects->len, ==, 1);
  g_assert_cmpuint (item->photos->len, ==, 2);

  item = g_ptr_array_index (items, 2);
  g_assert_error (item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NO_ASPECT);
  g_assert_nonnull (strstr (item->skip->message, "Shared with Bo, and no aspect"));
  g_assert_null (item->text);
  g_assert_null (item->visibility);
}

/* A reshare with nothing of the user's own is never sent: skipped, with why. */
static void
test_plan_nothing_own (void)
{
  const char *json =
    "{\"creationTime\": \"2018-01-01 00:00:00+0000\", \"resourceName\": \"users/1/posts/rs\", \"content\": \"\","
    " \"resharedPost\": {\"author\": {\"displayName\": \"Zoë\"}, \"content\": \"THEIR WORDS\"},"
    " \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  g_autoptr(GPtrArray) items = NULL;
  GpmMigratorItem *item;

  g_ptr_array_add (posts, gpm_post_new_from_data ("rs.json", json, -1, &error));
  g_assert_no_error (error);
  g_ptr_array_add (posts, make_post (1, "2018-01-02 00:00:00+0000", GPM_TEST_ACL_PUBLIC, 0));
  gpm_migrator_set_convert_func (migrator, test_convert, NULL, NULL);
  items = gpm_migrator_plan (migrator, posts);
  g_assert_cmpuint (items->len, ==, 2);
  item = g_ptr_array_index (items, 0);
  g_assert_error (item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOTHING_OWN);
  g_assert_nonnull (strstr (item->skip->message, "Nothing of yours to post"));
  g_assert_null (item->text);
  item = g_ptr_array_index (items, 1);
  g_assert_null (item->skip);
  g_assert_nonnull (item->text);
}

static void
test_poll_location (void)
{
  const char *json =
    "{\"creationTime\": \"2018-01-01 00:00:00+0000\", \"resourceName\": \"users/1/posts/poll\","
    " \"content\": \"Which &amp; <b>one</b>?\","
    " \"poll\": {\"choices\": [{\"description\": \"Tea\"}, {\"description\": \"Coffee\"},"
    "   {\"description\": \" \"}, {\"description\": \"\\u00a0\"}, {\"description\": \"  Milk \"}, {\"description\": \"@LONG@\"}]},"
    " \"location\": {\"displayName\": \"Park\", \"physicalAddress\": \"1 Main St\", \"latitude\": 1.5, \"longitude\": 2.5},"
    " \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autofree char *long_answer = g_strnfill (300, 'w');
  g_autoptr(GString) data = g_string_new (json);
  GpmMigratorItem *item;

  g_string_replace (data, "@LONG@", long_answer, 1);
  g_ptr_array_add (posts, gpm_post_new_from_data ("poll.json", data->str, -1, &error));
  g_assert_no_error (error);
  gpm_migrator_set_convert_func (migrator, test_convert, NULL, NULL);
  items = gpm_migrator_plan (migrator, posts);
  item = g_ptr_array_index (items, 0);
  /* the words as the post shows them: no space where only the bold ends */
  g_assert_cmpstr (item->poll_question, ==, "Which & one?");
  /* diaspora validates every answer's presence (blank ones would fail the
   * whole post) and keeps at most 255 characters of one on MySQL */
  g_assert_cmpuint (item->poll_answers->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (item->poll_answers, 1), ==, "Coffee");
  g_assert_cmpstr (g_ptr_array_index (item->poll_answers, 2), ==, "Milk");
  g_assert_cmpint (g_utf8_strlen (g_ptr_array_index (item->poll_answers, 3), -1), ==, 255);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (item->poll_answers, 3), "w…"));
  g_assert_null (item->location);  /* the default: the place stays private */

  settings->location = TRUE;
  gpm_migrator_set_convert_settings (migrator, settings);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = gpm_migrator_plan (migrator, posts);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->location, ==, "1 Main St");

  /* locations.address keeps 255 characters on MySQL: a longer one is cut */
  {
    g_autoptr(GString) long_place = g_string_new (json);

    g_string_replace (long_place, "@LONG@", "x", 1);
    g_string_replace (long_place, "1 Main St", long_answer, 1);
    g_ptr_array_set_size (posts, 0);
    g_ptr_array_add (posts, gpm_post_new_from_data ("place.json", long_place->str, -1, &error));
    g_assert_no_error (error);
    g_clear_pointer (&items, g_ptr_array_unref);
    items = gpm_migrator_plan (migrator, posts);
    item = g_ptr_array_index (items, 0);
    g_assert_cmpint (g_utf8_strlen (item->location, -1), ==, 255);
    g_assert_true (g_str_has_suffix (item->location, "w…"));
  }
}

/* A takeout folder with two posts that have a place: one with coordinates,
 * one with only a name (what Google+ wrote for a place picked by name). */
static GpmImport *
import_places (const char *root, const char *suffix)
{
  const char *paths[] = { root, NULL };
  g_autoptr(GError) error = NULL;
  GpmImport *import;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *dir = g_build_filename (root, "Takeout", "Google+ Stream", "Posts", NULL);
      g_autofree char *path = g_strdup_printf ("%s/2018070%u - Place %s.json", dir, i + 1, suffix);
      g_autofree char *json = g_strdup_printf (
        "{\"resourceName\": \"users/1/posts/place-%s-%u\", \"creationTime\": \"2018-07-0%u 10:00:00+0000\","
        " \"content\": \"Written somewhere %s%u\", \"location\": %s,"
        " \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}",
        suffix, i, i + 1, suffix, i,
        i == 0 ? "{\"displayName\": \"Café Baker\", \"physicalAddress\": \"1 Baker St, London\","
                 " \"latitude\": 51.7892, \"longitude\": -0.1234}"
               : "{\"displayName\": \"Kiel harbour\"}");

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_file_set_contents (path, json, -1, &error);
      g_assert_no_error (error);
    }
  import = gpm_import_new (paths);
  gpm_import_run (import, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_import_get_posts (import)->len, ==, 2);
  return import;
}

/* Runs the posts of @import through the real conversion with "Include the
 * place" @on; returns what the pod stored for them, in posting order. */
static GPtrArray *
post_places (Fixture *f, GpmImport *import, gboolean on)
{
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (f->pod, f->journal);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  guint before = gpm_test_pod_count_posts (f->server);
  GPtrArray *posts = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_post_free);
  RunState state = { 0 };

  settings->location = on;
  gpm_migrator_use_takeout (migrator, gpm_import_get_takeout (import), settings);
  gpm_migrator_set_delay (migrator, 0);
  g_clear_pointer (&f->posts, g_ptr_array_unref);
  f->posts = g_ptr_array_ref (gpm_import_get_posts (import));
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  run_state_clear (&state);

  all = gpm_test_pod_dup_posts (f->server);
  g_assert_cmpuint (all->len, ==, before + 2);
  while (all->len > before)
    g_ptr_array_add (posts, g_ptr_array_steal_index (all, before));
  return posts;
}

/* Issue 12: with "Include the place a post was written at" off (the
 * default) no location reaches the pod: no location fields, no address in
 * the text. On: diaspora's own location with coordinates of fixed
 * precision; a place without coordinates (which diaspora would drop) in the
 * text instead. */
static void
test_location_at_pod (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("gpm-places-XXXXXX", &error);
  g_autofree char *off_root = g_build_filename (root, "off", NULL);
  g_autofree char *on_root = g_build_filename (root, "on", NULL);
  g_autoptr(GpmImport) off_import = import_places (off_root, "off");
  g_autoptr(GpmImport) on_import = import_places (on_root, "on");
  g_autoptr(GPtrArray) off = post_places (f, off_import, FALSE);
  g_autoptr(GPtrArray) on = post_places (f, on_import, TRUE);
  const GpmTestPodPost *p;

  for (guint i = 0; i < off->len; i++)
    {
      p = g_ptr_array_index (off, i);
      g_assert_nonnull (strstr (p->text, "Written somewhere off"));
      g_assert_nonnull (p->request_body);
      g_assert_null (strstr (p->request_body, "location"));
      g_assert_null (strstr (p->request_body, "Baker"));
      g_assert_null (strstr (p->request_body, "Kiel"));
      g_assert_null (strstr (p->request_body, "51.7"));
      g_assert_null (strstr (p->text, "📍"));
      g_assert_null (p->location_address);
    }

  p = g_ptr_array_index (on, 0);
  g_assert_nonnull (strstr (p->text, "Written somewhere on0"));
  g_assert_cmpstr (p->location_address, ==, "1 Baker St, London");
  g_assert_cmpfloat_with_epsilon (p->latitude, 51.7892, 1e-9);
  g_assert_cmpfloat_with_epsilon (p->longitude, -0.1234, 1e-9);
  if (f->api)
    g_assert_nonnull (strstr (p->request_body, "\"lat\":51.789200,\"lng\":-0.123400"));
  else
    g_assert_nonnull (strstr (p->request_body, "\"location_coords\":\"51.789200,-0.123400\""));
  g_assert_null (strstr (p->text, "📍"));  /* diaspora shows it under the post */

  p = g_ptr_array_index (on, 1);
  g_assert_nonnull (strstr (p->text, "Written somewhere on1"));
  g_assert_nonnull (strstr (p->text, "\n📍 Kiel harbour\n"));
  g_assert_null (strstr (p->request_body, "location"));
  g_assert_null (p->location_address);

  gpm_test_remove_tree (root);
}

/* The text for every post of test_mysql_bytes(). */
static char *
fixed_convert (GpmPost    *post,
               GPtrArray  *photos,
               gpointer    user_data,
               GError    **error)
{
  return g_strdup (user_data);
}

/* A pod on MySQL keeps at most 65,535 bytes of a text (gpm-diaspora.h): a
 * post of 40,000 Greek characters (76,000 bytes), under diaspora*'s
 * characters, goes as a post within the bytes and a comment with the rest,
 * like one over the characters; sent whole, the pod refused it (403). */
static void
test_mysql_bytes (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *joined = NULL;
  RunState state = { 0 };
  GpmTestPodPost *p;
  GpmTestPodComment *c;

  for (guint i = 0; i < 4000; i++)
    g_string_append (text, i % 50 == 49 ? "\u03b1\u03b2\u03b3\u03b4\u03b5\u03b6\u03b7\u03b8\u03b9\n\n"
                                        : "\u03b1\u03b2\u03b3\u03b4\u03b5\u03b6\u03b7\u03b8\u03b9 ");
  g_strchomp (text->str);
  g_string_set_size (text, strlen (text->str));
  gpm_test_pod_set_mysql (f->server, TRUE);
  g_ptr_array_set_size (f->posts, 1);   /* one public post */
  gpm_migrator_set_convert_func (migrator, fixed_convert, g_strdup (text->str), g_free);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_migrator_get_n_done (migrator), ==, 1);
  run_state_clear (&state);

  posts = gpm_test_pod_dup_posts (f->server);
  comments = gpm_test_pod_dup_comments (f->server);
  g_assert_cmpuint (posts->len, ==, 1);
  g_assert_cmpuint (comments->len, ==, 1);
  p = g_ptr_array_index (posts, 0);
  c = g_ptr_array_index (comments, 0);
  g_assert_cmpuint (strlen (p->text), <=, GPM_DIASPORA_MAX_TEXT_BYTES);
  g_assert_cmpstr (c->post_guid, ==, p->guid);
  /* nothing lost: the post (less its note) and the comment are the text */
  g_assert_true (g_str_has_suffix (p->text, gpm_long_post_note ()));
  body = g_strndup (p->text, strlen (p->text) - strlen (gpm_long_post_note ()) - 2);
  joined = g_strconcat (body, "\n\n", c->text, NULL);
  g_assert_true (g_str_equal (joined, text->str));   /* (not cmpstr: 76 kB in a failure) */
}

/* test_photo_formats(): one post with two photos named as takeouts may
 * name them. */
static char *
two_photos_convert (GpmPost    *post,
                    GPtrArray  *photos,
                    gpointer    user_data,
                    GError    **error)
{
  g_ptr_array_add (photos, g_strdup ("Photos/scan.bmp"));
  g_ptr_array_add (photos, g_strdup ("Photos/IMG_0002"));
  return g_strdup ("Two photos");
}

static GBytes *
two_photos_read (GpmPost     *post,
                 const char  *photo,
                 gpointer     user_data,
                 GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 60, 40);
  g_autofree char *data = NULL;
  gsize len = 0;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &data, &len, g_str_has_suffix (photo, ".bmp") ? "bmp" : "png",
                                            error, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

/* diaspora takes a photo by its name's extension (jpg jpeg png gif, webp
 * since 0.9: app/uploaders/unprocessed_image.rb): a BMP goes as a JPEG of
 * the same size, a PNG named without an extension under its type's; both
 * reach the post (the test pod refuses the others as diaspora does). */
static void
test_photo_formats (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };
  GpmTestPodPost *p;

  gpm_test_pod_set_check_images (f->server, TRUE);
  g_ptr_array_set_size (f->posts, 1);   /* one public post */
  gpm_migrator_set_convert_func (migrator, two_photos_convert, NULL, NULL);
  gpm_migrator_set_read_func (migrator, two_photos_read, NULL, NULL);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_migrator_get_n_done (migrator), ==, 1);
  run_state_clear (&state);

  posts = gpm_test_pod_dup_posts (f->server);
  photos = gpm_test_pod_dup_photos (f->server);
  g_assert_cmpuint (posts->len, ==, 1);
  p = g_ptr_array_index (posts, 0);
  g_assert_cmpuint (p->photo_guids->len, ==, 2);
  g_assert_cmpuint (photos->len, ==, 2);
  for (guint i = 0; i < photos->len; i++)
    {
      GpmTestPodPhoto *photo = g_ptr_array_index (photos, i);

      g_assert_cmpstr (photo->post_guid, ==, p->guid);
      g_assert_cmpint (photo->width, ==, 60);
      g_assert_cmpint (photo->height, ==, 40);
    }
}

int
main (int argc, char **argv)
{
  /* Isolated XDG dirs have no GSettings schemas for GNOME's proxy module;
   * the test pod is on loopback anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/migrator/plan", test_plan);
  g_test_add_func ("/migrator/poll-location", test_poll_location);
  g_test_add_func ("/migrator/plan-nothing-own", test_plan_nothing_own);
  g_test_add ("/migrator/web/plain", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_plain, fixture_tear_down);
  g_test_add ("/migrator/api/plain", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_plain, fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      static const char *names[] = {
        [GPM_TEST_POD_FAULT_STATUS] = "status",
        [GPM_TEST_POD_FAULT_RATE_LIMIT] = "rate-limit",
        [GPM_TEST_POD_FAULT_SLOW] = "slow",
        [GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE] = "close-after-store",
        [GPM_TEST_POD_FAULT_EXPIRE_SESSION] = "expire-session",
        [GPM_TEST_POD_FAULT_EXPIRE_TOKEN] = "expire-token",
        [GPM_TEST_POD_FAULT_NULL_ID] = "null-id",
        [GPM_TEST_POD_FAULT_CLEANUP_PHOTOS] = "cleanup-photos",
        [GPM_TEST_POD_FAULT_SAVE_THEN_STATUS] = "save-then-status",
        [GPM_TEST_POD_FAULT_LATE_SAVE] = "late-save",
        [GPM_TEST_POD_FAULT_EMPTY_ANSWER] = "empty-answer",
      };
      const FaultSpec *spec = &faults[i];
      g_autofree char *web_path = g_strdelimit (g_strdup (spec->path + 1), "/", '-');
      g_autofree char *api_path = g_strdelimit (g_strdup (spec->api_path + 1), "/", '-');
      g_autofree char *web = g_strdup_printf ("/migrator/web/fault/%s-%u/%s", names[spec->fault], spec->param, web_path);
      g_autofree char *api = g_strdup_printf ("/migrator/api/fault/%s-%u/%s", names[spec->fault], spec->param, api_path);

      if (spec->fault != GPM_TEST_POD_FAULT_EXPIRE_TOKEN)
        g_test_add (web, Fixture, spec, fault_set_up, test_fault, fixture_tear_down);
      if (spec->fault != GPM_TEST_POD_FAULT_EXPIRE_SESSION)
        g_test_add (api, Fixture, spec, fault_set_up_api, test_fault, fixture_tear_down);
    }
  g_test_add ("/migrator/web/account-recreated", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_account_recreated, fixture_tear_down);
  g_test_add ("/migrator/api/account-recreated", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_account_recreated, fixture_tear_down);
  g_test_add ("/migrator/web/skipped-by-user", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_skipped_by_user, fixture_tear_down);
  g_test_add ("/migrator/web/gave-up", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_gave_up, fixture_tear_down);
  g_test_add ("/migrator/web/auth-required", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_auth_required, fixture_tear_down);
  g_test_add ("/migrator/api/auth-required", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_auth_required, fixture_tear_down);
  g_test_add ("/migrator/web/auth-cancel", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_auth_cancel, fixture_tear_down);
  g_test_add ("/migrator/api/null-id-once", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_null_id_once, fixture_tear_down);
  g_test_add ("/migrator/api/null-id", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_null_id, fixture_tear_down);
  g_test_add ("/migrator/web/cancel-resume", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_cancel_resume, fixture_tear_down);
  g_test_add ("/migrator/web/pause-resume", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_pause_resume, fixture_tear_down);
  g_test_add ("/migrator/web/daily-cap", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_daily_cap, fixture_tear_down);
  g_test_add ("/migrator/web/unknown-aspect", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_unknown_aspect, fixture_tear_down);
  g_test_add ("/migrator/web/location", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_location_at_pod, fixture_tear_down);
  g_test_add ("/migrator/api/location", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_location_at_pod, fixture_tear_down);
  g_test_add ("/migrator/web/mysql-bytes", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_mysql_bytes, fixture_tear_down);
  g_test_add ("/migrator/api/mysql-bytes", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_mysql_bytes, fixture_tear_down);
  g_test_add ("/migrator/web/photo-formats", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photo_formats, fixture_tear_down);
  g_test_add ("/migrator/api/photo-formats", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_photo_formats, fixture_tear_down);
  g_test_add ("/migrator/web/busy", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_busy, fixture_tear_down);

  return g_test_run ();
}
