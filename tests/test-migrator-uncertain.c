/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The migrator against the test pod when it cannot be sure: answers that
 * may or may not have created the post (a listing that fails after them,
 * saves the pod makes late, two posts with the same text, a restart with
 * attempts left ATTEMPTING, late or answered), photos the pod cleans up or
 * keeps without, and photos it refuses (damaged, too big). The fixture and
 * the invariant: test-migrator-common.c. */
#define G_LOG_DOMAIN "test-migrator"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gpm-import.h"
#include "gpm-journal.h"
#include "gpm-migrator.h"
#include "gpm-pod.h"
#include "gpm-test-pod.h"
#include "gpm-test-posts.h"
#include "test-migrator-common.h"

/* An uncertain answer, then the look at the account's posts fails for a
 * while too: the post is still created once. */
static void
test_uncertain_then_listing_fails (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  const char *posts_path = f->api ? "/api/v1/posts" : "/status_messages";
  const char *list_path = f->api ? "/api/v1/users/" : "/people/";

  gpm_test_pod_inject_fault (f->server, posts_path, GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 2);
  gpm_test_pod_inject_fault (f->server, list_path, GPM_TEST_POD_FAULT_STATUS, 503, 2);
  gpm_test_pod_inject_fault (f->server, list_path, GPM_TEST_POD_FAULT_RATE_LIMIT, 1, 1);
  gpm_test_pod_inject_fault (f->server, list_path, GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 1);
  assert_complete_run (f, migrator);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->server, list_path), >=, 5);
}

/* The previous process died after marking attempts: one made it to the pod,
 * one did not. The run must find the first and send the second once. */
static void
test_restart_attempting (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *first = g_ptr_array_index (f->posts, f->posts->len - 1);   /* public, no photo */
  GpmPost *second = g_ptr_array_index (f->posts, f->posts->len - 5);  /* community */
  g_autofree char *first_text = expected_text (first);
  g_autofree char *second_text = expected_text (second);
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (first_text);
  g_autoptr(GpmPodPost) created = NULL;

  draft->is_public = TRUE;
  g_assert_true (gpm_journal_ensure_posts (f->journal, f->posts, &error));
  g_assert_true (gpm_journal_set_attempting (f->journal, gpm_journal_post_key (first), first_text, "public", &error));
  g_assert_true (gpm_journal_set_attempting (f->journal, gpm_journal_post_key (second), second_text, "public", &error));
  g_assert_no_error (error);
  created = gpm_pod_create_post (f->pod, draft, NULL, &error);
  g_assert_no_error (error);

  assert_complete_run (f, migrator);
  {
    g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (first), NULL);
    g_assert_cmpstr (entry->guid, ==, created->guid);
    g_assert_cmpuint (entry->attempts, ==, 1);
  }
}

/* Photos uploaded by a run that stopped before posting are destroyed by
 * the pod's daily cleanup; the next run must not send their ids (the web
 * path would publish the post without them). */
static void
test_photos_cleaned_between_runs (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { .cancel_on_wait = TRUE };

  /* The first post goes at once; the second (one photo) waits its turn and is cancelled there. */
  gpm_migrator_set_delay (migrator, 30);
  run_cancelled (f, migrator, &state);
  run_state_clear (&state);
  assert_pod_and_journal (f, 1);

  gpm_test_pod_cleanup_pending_photos (f->server, 0);
  gpm_migrator_set_delay (migrator, 0);
  assert_complete_run (f, migrator);
}

/* The cleanup runs between the upload and the post request: the web path
 * saves the post without the photo (201). It is taken back and posted again
 * with fresh uploads; the API refuses it (422) and it is sent again. */
static void
test_photos_cleaned_before_post (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);

  /* The first post has no photo; the second has one. */
  gpm_test_pod_inject_fault (f->server, f->api ? "/api/v1/posts" : "/status_messages",
                             GPM_TEST_POD_FAULT_CLEANUP_PHOTOS, 0, 2);
  assert_complete_run (f, migrator);
}

/* The cleanup meets the same post three times in a row (web: saved
 * without the photo each time): taken back each time, then failed with the
 * reason (MAX_REPAIRS), and nothing of it stays on the pod; the others go. */
static void
test_photos_cleaned_thrice (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  RunState state = { 0 };
  guint n_failed = 0;

  /* The first post has no photo (one fault); the second has one (three) */
  gpm_test_pod_inject_fault (f->server, "/status_messages", GPM_TEST_POD_FAULT_CLEANUP_PHOTOS, 0, 4);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  run_state_clear (&state);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, gpm_migrator_get_n_done (migrator));
  entries = gpm_journal_list (f->journal, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      GpmJournalEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state != GPM_JOURNAL_STATE_FAILED)
        continue;
      n_failed++;
      g_assert_nonnull (strstr (entry->reason, "without all of its photos 3 times"));
      g_assert_null (entry->remote_id);
    }
  g_assert_cmpuint (n_failed, ==, 1);
}

/* An earlier process died after the pod kept a post without its photos:
 * once before recording it (found by the check), once after (recorded in
 * the journal, not deleted yet). Both copies are deleted and the posts
 * sent again, complete. */
static void
test_restart_incomplete (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *found = g_ptr_array_index (f->posts, f->posts->len - 2);     /* public, one photo */
  GpmPost *recorded = g_ptr_array_index (f->posts, f->posts->len - 3);  /* Family, two photos */
  g_autofree char *found_text = expected_text (found);
  g_autofree char *recorded_text = expected_text (recorded);
  g_autoptr(GpmPodDraft) found_draft = gpm_pod_draft_new (found_text);
  g_autoptr(GpmPodDraft) recorded_draft = gpm_pod_draft_new (recorded_text);
  g_autoptr(GpmPodPost) found_copy = NULL;
  g_autoptr(GpmPodPost) recorded_copy = NULL;

  found_draft->is_public = TRUE;
  g_array_append_val (recorded_draft->aspect_ids, f->family);
  found_copy = gpm_pod_create_post (f->pod, found_draft, NULL, &error);
  g_assert_no_error (error);
  recorded_copy = gpm_pod_create_post (f->pod, recorded_draft, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (gpm_journal_ensure_posts (f->journal, f->posts, &error));
  g_assert_true (gpm_journal_add_photo (f->journal, gpm_journal_post_key (found), 0, "p01-0.png", "999", &error));
  g_assert_true (gpm_journal_set_attempting (f->journal, gpm_journal_post_key (found), found_text, "public", &error));
  g_assert_true (gpm_journal_set_attempting (f->journal, gpm_journal_post_key (recorded), recorded_text,
                                             "aspect:Family", &error));
  g_assert_true (gpm_journal_set_incomplete (f->journal, gpm_journal_post_key (recorded),
                                             recorded_copy->id != NULL ? recorded_copy->id : recorded_copy->guid,
                                             recorded_copy->guid, &error));
  g_assert_no_error (error);

  assert_complete_run (f, migrator);
}

static GBytes *
read_one_corrupt (GpmPost     *post,
                  const char  *photo,
                  gpointer     user_data,
                  GError     **error)
{
  if (g_strcmp0 (photo, user_data) == 0)
    return g_bytes_new_static ("\xff\xd8\xff\xe0 cut off", 11);
  return gpm_test_posts_read (post, photo, NULL, error);
}

/* A photo the pod's image processing cannot read: the web upload answers
 * 500 every time. It fails fast (not eight retries), its post fails naming
 * it, and every other post goes. */
static void
test_corrupt_photo (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *broken = g_ptr_array_index (f->posts, f->posts->len - 2);   /* public, one photo: p01-0.png */
  g_autoptr(GpmJournalEntry) entry = NULL;
  RunState state = { 0 };

  gpm_test_pod_set_check_images (f->server, TRUE);
  gpm_migrator_set_read_func (migrator, read_one_corrupt, (gpointer) "p01-0.png", NULL);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  run_state_clear (&state);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 1);
  g_assert_cmpuint (gpm_migrator_get_n_done (migrator), ==, 5);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 5);
  entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (broken), NULL);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_FAILED);
  g_assert_nonnull (strstr (entry->reason, "p01-0.png"));
  /* the five good photos once each, the bad one at most twice (web: each
   * refused multipart upload is followed by the raw one) */
  g_assert_cmpuint (gpm_test_pod_count_requests (f->server, f->api ? "/api/v1/photos" : "/photos"), <=, 5 + 2 * (f->api ? 1 : 2));
}

/* The pod answers texts through plain_text_for_json: with camo on, image
 * URLs point to the proxy, and RTL-wrapped hashtags come back plain. The
 * check after uncertain answers still finds each post: once on the pod. */
static void
test_camo_rtl (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);

  text_kind = TEXT_FANCY;
  gpm_test_pod_set_camo (f->server, "https://camo.pod.example", "a secret");
  gpm_test_pod_inject_fault (f->server, f->api ? "/api/v1/posts" : "/status_messages",
                             GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 6);
  assert_complete_run (f, migrator);
}

/* The pod saves a post a second after the client stopped waiting (2 s):
 * the first look finds nothing, the post stays uncertain and is looked for
 * again over the settle time instead of being sent a second time. */
static void
test_late_save (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  gint64 start = g_get_monotonic_time ();

  gpm_migrator_set_settle_time (migrator, 6000);
  gpm_test_pod_inject_fault (f->server, f->api ? "/api/v1/posts" : "/status_messages",
                             GPM_TEST_POD_FAULT_LATE_SAVE, 3000, 1);
  assert_complete_run (f, migrator);
  /* found by a later look (2 s timeout + 1 s), long before the settle time ran out */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 7 * G_USEC_PER_SEC);
}

/* Two source posts with the very same text, both left ATTEMPTING by a
 * process that died: the first did reach the pod, the second too and was
 * even recorded. Each row takes its own copy, none is sent again. */
static void
test_same_text (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *first = g_ptr_array_index (f->posts, f->posts->len - 1);    /* p00, public */
  GpmPost *second = g_ptr_array_index (f->posts, f->posts->len - 5);   /* p04, community */
  g_autofree char *text = NULL;
  g_autofree char *second_text = NULL;
  g_autoptr(GpmPodDraft) draft = NULL;
  g_autoptr(GpmPodPost) first_copy = NULL;
  g_autoptr(GpmPodPost) second_copy = NULL;

  text_kind = TEXT_SAME;
  text = expected_text (first);
  second_text = expected_text (second);
  g_assert_cmpstr (text, ==, second_text);
  draft = gpm_pod_draft_new (text);
  draft->is_public = TRUE;
  g_assert_true (gpm_journal_ensure_posts (f->journal, f->posts, &error));
  g_assert_true (gpm_journal_set_attempting (f->journal, gpm_journal_post_key (first), text, "public", &error));
  first_copy = gpm_pod_create_post (f->pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gpm_journal_set_attempting (f->journal, gpm_journal_post_key (second), text, "public", &error));
  second_copy = gpm_pod_create_post (f->pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gpm_journal_set_posted (f->journal, gpm_journal_post_key (second),
                                         second_copy->id != NULL ? second_copy->id : second_copy->guid,
                                         second_copy->guid, 0, &error));
  g_assert_no_error (error);

  {
    RunState state = { 0 };

    g_assert_true (run_migrator (f, migrator, &state, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
    run_state_clear (&state);
  }
  g_assert_cmpuint (count_on_pod (f, text), ==, 2);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 6);
  {
    g_autoptr(GpmJournalEntry) a = gpm_journal_lookup (f->journal, gpm_journal_post_key (first), NULL);
    g_autoptr(GpmJournalEntry) b = gpm_journal_lookup (f->journal, gpm_journal_post_key (second), NULL);

    g_assert_cmpint (a->state, ==, GPM_JOURNAL_STATE_POSTED);
    g_assert_cmpstr (a->guid, ==, first_copy->guid);
    g_assert_cmpstr (b->guid, ==, second_copy->guid);
  }
}

/* A process killed right after sending a post and started again at once,
 * while the pod is still saving that post: the restart does not send it
 * again but keeps looking until the settle time, counted from the attempt,
 * has passed, and finds the late copy. One copy in the end. */
/* 3 s of the test pod's work: past a late save (at most 3 s after its
 * request), whatever the run did meanwhile. */
static void
iterate_past_late_save (void)
{
  gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (10 * 1000), TRUE);
}

typedef struct {
  GpmPod      *pod;
  GpmPodDraft *draft;
} LateSend;

static gpointer
late_send_thread (gpointer data)
{
  LateSend *l = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) created = gpm_pod_create_post (l->pod, l->draft, NULL, &error);

  /* the client gives up before the pod saves: what the killed process saw */
  return NULL;
}

static void
test_restart_late_save (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *first = g_ptr_array_index (f->posts, f->posts->len - 1);    /* p00, public */
  g_autofree char *text = expected_text (first);
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (text);
  const char *path = f->api ? "/api/v1/posts" : "/status_messages";
  LateSend late = { f->pod, draft };
  GThread *sender;

  draft->is_public = TRUE;
  g_assert_true (gpm_journal_ensure_posts (f->journal, f->posts, &error));
  g_assert_true (gpm_journal_set_attempting (f->journal, gpm_journal_post_key (first), text, "public", &error));
  {
    g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (first), NULL);

    /* sent, no answer recorded: what a kill in the middle of the request leaves */
    g_assert_true (entry->late);
  }
  /* the killed process's request: the pod saves it 2.5 s from now */
  gpm_test_pod_inject_fault (f->server, path, GPM_TEST_POD_FAULT_LATE_SAVE, 2500, 1);
  sender = g_thread_new ("late-send", late_send_thread, &late);
  while (gpm_test_pod_count_requests (f->server, path) == 0)
    g_usleep (10 * 1000);

  gpm_migrator_set_settle_time (migrator, 8000);
  {
    RunState state = { 0 };

    g_assert_true (run_migrator (f, migrator, &state, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
    run_state_clear (&state);
  }
  g_thread_join (sender);
  iterate_past_late_save ();

  g_assert_cmpuint (count_on_pod (f, text), ==, 1);
  {
    g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (first), NULL);

    g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_POSTED);
  }
}

/* A run stopped while it waits to send again a post the pod refused with
 * 503 (an answer: nothing was saved), then started again with a long
 * settle time: the restart looks once and sends the post at once, instead
 * of waiting for a late save that cannot come (what Stop and Continue on
 * the plan page did with every attempt). One copy in the end. */
static void
test_restart_after_refusal (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GpmMigrator) first_run = make_migrator (f);
  g_autoptr(GpmMigrator) second_run = NULL;
  GpmPost *first = g_ptr_array_index (f->posts, f->posts->len - 1);    /* p00, public, no photos */
  RunState state = { .cancel_on_wait = TRUE };
  gint64 start;

  /* a long backoff after the 503: the test stops the run in it */
  gpm_migrator_set_retry_policy (first_run, 6, 60000, 60000);
  gpm_test_pod_inject_fault (f->server, f->api ? "/api/v1/posts" : "/status_messages",
                             GPM_TEST_POD_FAULT_STATUS, 503, 1);
  run_cancelled (f, first_run, &state);
  g_assert_cmpuint (state.n_waiting, ==, 1);
  run_state_clear (&state);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 0);
  {
    g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (first), NULL);

    g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_ATTEMPTING);
    g_assert_false (entry->late);
    g_assert_cmpint (entry->attempted_at, >, 0);
  }

  second_run = make_migrator (f);
  gpm_migrator_set_settle_time (second_run, 60000);
  start = g_get_monotonic_time ();
  assert_complete_run (f, second_run);
  g_test_message ("restart after a 503: %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
}

/* The user's own comment under p00 (none under the others). */
#define OWN_COMMENT "My own comment, which the pod saves late"

static GPtrArray *
one_own_comment (GpmPost    *post,
                 gpointer    user_data,
                 GError    **error)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  if (g_str_has_suffix (gpm_journal_post_key (post), "/p00"))
    g_ptr_array_add (texts, g_strdup (OWN_COMMENT));
  return texts;
}

static const char *
comments_prefix (Fixture *f)
{
  return f->api ? "/api/v1/posts/" : "/posts/";
}

static guint
count_comments_on_pod (Fixture    *f,
                       const char *text)
{
  g_autoptr(GPtrArray) comments = gpm_test_pod_dup_comments (f->server);
  guint n = 0;

  for (guint i = 0; i < comments->len; i++)
    if (g_str_equal (((GpmTestPodComment *) g_ptr_array_index (comments, i))->text, text))
      n++;
  return n;
}

/* A comment the pod saves after the client gave up waiting (timeout 2 s,
 * saved at 3 s): looked for again over the settle time, not sent twice. */
static void
test_comment_late_save (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);

  gpm_migrator_set_comments_func (migrator, one_own_comment, NULL, NULL);
  gpm_migrator_set_settle_time (migrator, 6000);
  gpm_test_pod_inject_fault (f->server, comments_prefix (f), GPM_TEST_POD_FAULT_LATE_SAVE, 3000, 1);
  assert_complete_run (f, migrator);
  iterate_past_late_save ();
  g_assert_cmpuint (count_comments_on_pod (f, OWN_COMMENT), ==, 1);
}

/* A process killed right after sending a comment, started again at once
 * while the pod is still saving it: the restart keeps looking until the
 * settle time, counted from the attempt, has passed, and finds it. */
typedef struct {
  GpmPod     *pod;
  const char *post_guid;
} LateComment;

static gpointer
late_comment_thread (gpointer data)
{
  LateComment *l = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) created = gpm_pod_create_comment (l->pod, l->post_guid, OWN_COMMENT, NULL, &error);

  /* the client gives up before the pod saves: what the killed process saw */
  return NULL;
}

static void
test_restart_comment_late_save (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *first = g_ptr_array_index (f->posts, f->posts->len - 1);    /* p00, public */
  const char *key = gpm_journal_post_key (first);
  g_autofree char *text = expected_text (first);
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (text);
  g_autoptr(GpmPodPost) post = NULL;
  LateComment late = { f->pod, NULL };
  GThread *sender;

  /* the post made it, the process died while sending its comment */
  draft->is_public = TRUE;
  g_assert_true (gpm_journal_ensure_posts (f->journal, f->posts, &error));
  g_assert_true (gpm_journal_set_attempting (f->journal, key, text, "public", &error));
  post = gpm_pod_create_post (f->pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gpm_journal_set_posted (f->journal, key, post->id != NULL ? post->id : post->guid,
                                         post->guid, 0, &error));
  g_assert_true (gpm_journal_set_comment_attempting (f->journal, key, 0, OWN_COMMENT, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) rows = gpm_journal_list_comments (f->journal, key);

    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_true (((GpmJournalComment *) g_ptr_array_index (rows, 0))->late);
  }
  late.post_guid = post->guid;
  gpm_test_pod_inject_fault (f->server, comments_prefix (f), GPM_TEST_POD_FAULT_LATE_SAVE, 2500, 1);
  sender = g_thread_new ("late-comment", late_comment_thread, &late);
  while (gpm_test_pod_count_requests (f->server, comments_prefix (f)) == 0)
    g_usleep (10 * 1000);

  gpm_migrator_set_comments_func (migrator, one_own_comment, NULL, NULL);
  gpm_migrator_set_settle_time (migrator, 8000);
  assert_complete_run (f, migrator);
  g_thread_join (sender);
  iterate_past_late_save ();
  g_assert_cmpuint (count_comments_on_pod (f, OWN_COMMENT), ==, 1);
  {
    g_autoptr(GPtrArray) rows = gpm_journal_list_comments (f->journal, key);

    g_assert_cmpint (((GpmJournalComment *) g_ptr_array_index (rows, 0))->state, ==, GPM_JOURNAL_STATE_POSTED);
  }
}

/* A JPEG of noise (so it stays big) over 4 MiB, stored 3600×2400 with EXIF
 * orientation 6: shown turned 90°, 2400×3600. */
static GBytes *
big_rotated_jpeg (void)
{
  static GBytes *cached;
  static const guint8 exif[] = {
    0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,          /* TIFF header, IFD at 8 */
    0x00, 0x01,                                            /* one entry */
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,        /* Orientation, SHORT, 1 */
    0x00, 0x06, 0x00, 0x00,                                /* = 6 */
    0x00, 0x00, 0x00, 0x00,                                /* no next IFD */
  };

  if (cached == NULL)
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 3600, 2400);
      g_autoptr(GRand) rand = g_rand_new_with_seed (7);
      g_autoptr(GError) error = NULL;
      g_autofree char *jpeg = NULL;
      GByteArray *out = g_byte_array_new ();
      guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
      gsize n = (gsize) gdk_pixbuf_get_rowstride (pixbuf) * 2400;
      gsize len = 0;

      for (gsize i = 0; i + 4 <= n; i += 4)
        {
          guint32 r = g_rand_int (rand);
          memcpy (pixels + i, &r, 4);
        }
      g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &len, "jpeg", &error, "quality", "95", NULL));
      g_assert_no_error (error);
      g_byte_array_append (out, (const guint8 *) jpeg, 2);   /* SOI */
      g_byte_array_append (out, exif, sizeof exif);
      g_byte_array_append (out, (const guint8 *) jpeg + 2, len - 2);
      cached = g_byte_array_free_to_bytes (out);
      g_assert_cmpuint (g_bytes_get_size (cached), >, 4 * 1024 * 1024);
    }
  return g_bytes_ref (cached);
}

static GBytes *
read_one_big (GpmPost     *post,
              const char  *photo,
              gpointer     user_data,
              GError     **error)
{
  if (g_strcmp0 (photo, user_data) == 0)
    return big_rotated_jpeg ();
  return gpm_test_posts_read (post, photo, NULL, error);
}

/* A photo over 4 MiB is shrunk like diaspora's web client does (3072
 * pixels), upright, before it is uploaded. */
static void
test_big_photo (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);

  gpm_test_pod_set_check_images (f->server, TRUE);
  gpm_migrator_set_read_func (migrator, read_one_big, (gpointer) "p01-0.png", NULL);
  f->big_side = 3072;
  assert_complete_run (f, migrator);
  {
    g_autoptr(GPtrArray) photos = gpm_test_pod_dup_photos (f->server);
    guint n_big = 0;

    for (guint i = 0; i < photos->len; i++)
      {
        GpmTestPodPhoto *photo = g_ptr_array_index (photos, i);

        if (photo->size != gpm_test_posts_photo_size ())
          {
            n_big++;
            g_assert_cmpint (photo->width, ==, 2048);
            g_assert_cmpint (photo->height, ==, 3072);
          }
      }
    g_assert_cmpuint (n_big, ==, 1);
  }
}

/* Behind a proxy that takes at most 3 MiB (413 above): shrunk further until
 * it fits. */
static void
test_photo_too_large (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);

  gpm_test_pod_set_check_images (f->server, TRUE);
  gpm_test_pod_set_body_limit (f->server, 3 * 1024 * 1024);
  gpm_migrator_set_read_func (migrator, read_one_big, (gpointer) "p01-0.png", NULL);
  f->big_side = 3072 * 7 / 10;
  f->big_size = 3 * 1024 * 1024;
  assert_complete_run (f, migrator);
}

/* A limit no shrinking reaches: that post fails, naming the photo and why;
 * the others go. */
static void
test_photo_never_fits (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *big = g_ptr_array_index (f->posts, f->posts->len - 2);   /* public, one photo: p01-0.png */
  g_autoptr(GpmJournalEntry) entry = NULL;
  RunState state = { 0 };

  gpm_test_pod_set_body_limit (f->server, 20 * 1024);
  gpm_migrator_set_read_func (migrator, read_one_big, (gpointer) "p01-0.png", NULL);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  run_state_clear (&state);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 5);
  entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (big), NULL);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_FAILED);
  g_assert_nonnull (strstr (entry->reason, "p01-0.png"));
  g_assert_nonnull (strstr (entry->reason, "larger than the pod accepts"));
}

static GBytes *
read_one_damaged (GpmPost     *post,
                  const char  *photo,
                  gpointer     user_data,
                  GError     **error)
{
  static const char damaged[] = "\x89PNG\r\n\x1a\n but the rest is lost";

  if (g_strcmp0 (photo, user_data) == 0)
    return g_bytes_new_static (damaged, sizeof damaged - 1);
  return gpm_test_posts_read (post, photo, NULL, error);
}

/* A photo diaspora's processing cannot read is answered 500 on the web
 * path (gpm-test-pod-web.c): tried once more (a passing hiccup), then,
 * as the pod answers everything else, that post fails naming the photo;
 * the others go, and nothing waits for a pod that is not down. */
static void
test_photo_unreadable (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  GpmPost *damaged = g_ptr_array_index (f->posts, f->posts->len - 2);   /* public, one photo: p01-0.png */
  g_autoptr(GpmJournalEntry) entry = NULL;
  RunState state = { 0 };

  gpm_test_pod_set_check_images (f->server, TRUE);
  gpm_migrator_set_read_func (migrator, read_one_damaged, (gpointer) "p01-0.png", NULL);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  run_state_clear (&state);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 5);
  entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (damaged), NULL);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_FAILED);
  g_assert_nonnull (strstr (entry->reason, "p01-0.png"));
  g_assert_nonnull (strstr (entry->reason, "error 500 on 2 tries"));
}

int
main (int argc, char **argv)
{
  /* Isolated XDG dirs have no GSettings schemas for GNOME's proxy module;
   * the test pod is on loopback anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/migrator/web/uncertain-then-listing-fails", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_uncertain_then_listing_fails, fixture_tear_down);
  g_test_add ("/migrator/api/uncertain-then-listing-fails", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_uncertain_then_listing_fails, fixture_tear_down);
  g_test_add ("/migrator/web/restart-attempting", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_restart_attempting, fixture_tear_down);
  g_test_add ("/migrator/api/restart-attempting", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_restart_attempting, fixture_tear_down);
  g_test_add ("/migrator/web/photos-cleaned-between-runs", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photos_cleaned_between_runs, fixture_tear_down);
  g_test_add ("/migrator/api/photos-cleaned-between-runs", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_photos_cleaned_between_runs, fixture_tear_down);
  g_test_add ("/migrator/web/photos-cleaned-before-post", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photos_cleaned_before_post, fixture_tear_down);
  g_test_add ("/migrator/api/photos-cleaned-before-post", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_photos_cleaned_before_post, fixture_tear_down);
  g_test_add ("/migrator/web/photos-cleaned-thrice", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photos_cleaned_thrice, fixture_tear_down);
  g_test_add ("/migrator/web/restart-incomplete", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_restart_incomplete, fixture_tear_down);
  g_test_add ("/migrator/api/restart-incomplete", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_restart_incomplete, fixture_tear_down);
  g_test_add ("/migrator/web/corrupt-photo", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_corrupt_photo, fixture_tear_down);
  g_test_add ("/migrator/api/corrupt-photo", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_corrupt_photo, fixture_tear_down);
  g_test_add ("/migrator/web/big-photo", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_big_photo, fixture_tear_down);
  g_test_add ("/migrator/api/big-photo", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_big_photo, fixture_tear_down);
  g_test_add ("/migrator/web/photo-too-large", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photo_too_large, fixture_tear_down);
  g_test_add ("/migrator/api/photo-too-large", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_photo_too_large, fixture_tear_down);
  g_test_add ("/migrator/web/photo-never-fits", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photo_never_fits, fixture_tear_down);
  g_test_add ("/migrator/web/photo-unreadable", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photo_unreadable, fixture_tear_down);
  g_test_add ("/migrator/web/camo-rtl", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_camo_rtl, fixture_tear_down);
  g_test_add ("/migrator/api/camo-rtl", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_camo_rtl, fixture_tear_down);
  g_test_add ("/migrator/web/late-save", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_late_save, fixture_tear_down);
  g_test_add ("/migrator/api/late-save", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_late_save, fixture_tear_down);
  g_test_add ("/migrator/web/restart-late-save", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_restart_late_save, fixture_tear_down);
  g_test_add ("/migrator/api/restart-late-save", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_restart_late_save, fixture_tear_down);
  g_test_add ("/migrator/web/restart-after-refusal", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_restart_after_refusal, fixture_tear_down);
  g_test_add ("/migrator/api/restart-after-refusal", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_restart_after_refusal, fixture_tear_down);
  g_test_add ("/migrator/web/comment-late-save", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_comment_late_save, fixture_tear_down);
  g_test_add ("/migrator/api/comment-late-save", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_comment_late_save, fixture_tear_down);
  g_test_add ("/migrator/web/restart-comment-late-save", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_restart_comment_late_save, fixture_tear_down);
  g_test_add ("/migrator/api/restart-comment-late-save", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_restart_comment_late_save, fixture_tear_down);
  g_test_add ("/migrator/web/same-text", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_same_text, fixture_tear_down);
  g_test_add ("/migrator/api/same-text", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_same_text, fixture_tear_down);

  return g_test_run ();
}
