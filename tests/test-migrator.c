/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The migrator against the test pod, through every fault the pod injects.
 * The invariant checked everywhere: each selected post that may be posted is
 * on the pod exactly once, with its photos and the right visibility, the
 * others are not there at all, and the journal agrees. */
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

typedef struct {
  GpmTestAcl acl;
  guint n_photos;
} PostSpec;

typedef struct {
  GpmTestPod *server;
  GpmPod     *pod;
  GpmJournal *journal;
  GPtrArray  *posts;
  GArray     *specs;
  gint64      family;
  gint64      friends;
  gboolean    api;
  gboolean    retried;   /* a failed post was sent again by a later run: out of order */
  guint       big_side;  /* photos that are not the PNG: portrait 2:3, long side at most this */
  gsize       big_size;  /* ... and at most this many bytes (0: any) */
} Fixture;

/* Post pNN: "Post number NN & bold". */
static GpmPost *
make_post (guint       index,
           const char *created,
           GpmTestAcl  acl,
           guint       n_photos)
{
  g_autofree char *id = g_strdup_printf ("p%02u", index);
  g_autofree char *content = g_strdup_printf ("Post number %u &amp; <b>bold</b>", index);

  return gpm_test_post_new (id, created, content, acl, n_photos);
}

/* What the test's conversion adds: nothing, or a Markdown image and an
 * RTL-wrapped hashtag (which the pod answers changed), or for posts p00 and
 * p04 the same text. */
static enum { TEXT_PLAIN, TEXT_FANCY, TEXT_SAME } text_kind;

/* The test's conversion: deterministic text naming the post, and its photos. */
static char *
test_convert (GpmPost    *post,
              GPtrArray  *photos,
              gpointer    user_data,
              GError    **error)
{
  const char *key = gpm_journal_post_key (post);

  gpm_test_posts_add_photos (post, photos);
  if (text_kind == TEXT_SAME && (g_str_has_suffix (key, "/p00") || g_str_has_suffix (key, "/p04")))
    return g_strdup ("The same words twice\n\n#repost #gplusarchive");
  if (text_kind == TEXT_FANCY)
    return g_strdup_printf ("%s ![A café](https://photos.example/caf%%C3%%A9%s.jpg \"title\")\n\n"
                            "\u202b#\u200fשלום\u202c #repost #gplusarchive\nOriginally %s",
                            gpm_post_get_content (post), key + strlen ("users/1/posts/"), key);
  return g_strdup_printf ("%s\n\n#repost #gplusarchive\nOriginally %s", gpm_post_get_content (post), key);
}

static char *
expected_text (GpmPost *post)
{
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);

  return test_convert (post, photos, NULL, NULL);
}

static void
fixture_sign_in (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->api)
    g_assert_true (gpm_pod_sign_in_api (f->pod, gpm_test_pod_open_in_browser, f->server, NULL, &error));
  else
    g_assert_true (gpm_pod_sign_in_password (f->pod, "ada", "correct horse", NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const PostSpec default_specs[] = {
    { GPM_TEST_ACL_PUBLIC, 0 },
    { GPM_TEST_ACL_PUBLIC, 1 },
    { GPM_TEST_ACL_CIRCLE_FAMILY, 2 },
    { GPM_TEST_ACL_USER, 1 },
    { GPM_TEST_ACL_COMMUNITY, 0 },
    { GPM_TEST_ACL_YOUR_CIRCLES, 0 },
    { GPM_TEST_ACL_COLLECTION, 0 },
    { GPM_TEST_ACL_PUBLIC, 3 },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *guid = NULL;
  g_autofree char *path = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *account = NULL;

  f->api = GPOINTER_TO_INT (data);
  f->server = gpm_test_pod_new (0, &error);
  g_assert_no_error (error);
  guid = gpm_test_pod_add_user (f->server, "ada", "correct horse", NULL);
  g_assert_nonnull (guid);
  f->family = gpm_test_pod_add_aspect (f->server, "ada", "Family");
  f->friends = gpm_test_pod_add_aspect (f->server, "ada", "Friends");
  gpm_test_pod_set_browser_user (f->server, "ada", TRUE);

  f->pod = gpm_pod_new (gpm_test_pod_get_url (f->server), &error);
  g_assert_no_error (error);
  gpm_pod_set_timeout (f->pod, 2);
  fixture_sign_in (f);

  /* Newest first in the array: the migrator must sort. */
  f->posts = g_ptr_array_new_with_free_func (g_object_unref);
  f->specs = g_array_new (FALSE, FALSE, sizeof (PostSpec));
  for (guint i = G_N_ELEMENTS (default_specs); i-- > 0; )
    {
      g_autofree char *created = g_strdup_printf ("2018-07-%02u 20:43:51+0000", i + 1);

      g_ptr_array_add (f->posts, make_post (i, created, default_specs[i].acl, default_specs[i].n_photos));
      g_array_append_val (f->specs, default_specs[i]);
    }

  identity = gpm_journal_takeout_identity (f->posts);
  account = gpm_journal_account_name (gpm_pod_get_address (f->pod), "ada");
  path = gpm_journal_default_path (identity, account);
  f->journal = gpm_journal_open (path, identity, account, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_strdup (gpm_journal_get_path (f->journal));

  text_kind = TEXT_PLAIN;
  g_clear_object (&f->journal);
  g_clear_pointer (&f->posts, g_ptr_array_unref);
  g_clear_pointer (&f->specs, g_array_unref);
  g_clear_object (&f->pod);
  g_clear_object (&f->server);
  g_unlink (path);
}

static GpmMigrator *
make_migrator (Fixture *f)
{
  GpmMigrator *migrator = gpm_migrator_new (f->pod, f->journal);

  gpm_migrator_set_convert_func (migrator, test_convert, NULL, NULL);
  gpm_migrator_set_read_func (migrator, gpm_test_posts_read, NULL, NULL);
  gpm_migrator_set_delay (migrator, 0);
  gpm_migrator_set_retry_policy (migrator, 6, 1, 20);
  gpm_migrator_set_settle_time (migrator, 1000);
  gpm_test_posts_map_aspects (migrator);
  return migrator;
}

typedef struct {
  GAsyncResult *result;
  guint         n_started;
  guint         n_finished;
  guint         n_auth;
  guint         n_waiting;
  GPtrArray    *finished_order;   /* keys, in post-finished order */
  Fixture      *fixture;
  gboolean      cancel_after_first;
  gboolean      cancel_on_wait;
  gboolean      fail_auth;         /* on auth-required: cancel instead of signing in */
} RunState;

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunState *state = user_data;

  state->result = g_object_ref (result);
}

static void
on_post_started (GpmMigrator *migrator,
                 GpmPost     *post,
                 RunState    *state)
{
  state->n_started++;
}

static void
on_post_finished (GpmMigrator *migrator,
                  GpmPost     *post,
                  int          journal_state,
                  GError      *error,
                  RunState    *state)
{
  state->n_finished++;
  g_ptr_array_add (state->finished_order, g_strdup (gpm_journal_post_key (post)));
  if (state->cancel_after_first)
    gpm_migrator_cancel (migrator);
}

static void
on_waiting (GpmMigrator *migrator,
            guint        seconds,
            const char  *reason,
            RunState    *state)
{
  state->n_waiting++;
  if (state->cancel_on_wait)
    gpm_migrator_cancel (migrator);
}

static void
on_auth_required (GpmMigrator *migrator,
                  GError      *error,
                  RunState    *state)
{
  g_assert_nonnull (error);
  g_assert_cmpint (gpm_migrator_get_state (migrator), ==, GPM_MIGRATOR_STATE_PAUSED);
  state->n_auth++;
  if (state->fail_auth)
    {
      gpm_migrator_cancel (migrator);
      return;
    }
  /* The user signs in again, then the worker goes on. */
  fixture_sign_in (state->fixture);
  gpm_migrator_resume (migrator);
}

static gboolean
run_migrator (Fixture     *f,
              GpmMigrator *migrator,
              RunState    *state,
              GError     **error)
{
  gboolean ok;

  state->fixture = f;
  state->finished_order = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (migrator, "post-started", G_CALLBACK (on_post_started), state);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (on_post_finished), state);
  g_signal_connect (migrator, "waiting", G_CALLBACK (on_waiting), state);
  g_signal_connect (migrator, "auth-required", G_CALLBACK (on_auth_required), state);
  gpm_migrator_run_async (migrator, f->posts, NULL, on_run_done, state);
  g_assert_cmpint (gpm_migrator_get_state (migrator), ==, GPM_MIGRATOR_STATE_RUNNING);
  while (state->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = gpm_migrator_run_finish (migrator, state->result, error);
  g_clear_object (&state->result);
  g_signal_handlers_disconnect_by_data (migrator, state);
  return ok;
}

static void
run_state_clear (RunState *state)
{
  g_clear_pointer (&state->finished_order, g_ptr_array_unref);
  g_clear_object (&state->result);
}

/* Runs @migrator until the test cancels it (RunState's cancel_*): the run
 * must end with CANCELLED. */
static void
run_cancelled (Fixture     *f,
               GpmMigrator *migrator,
               RunState    *state)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (run_migrator (f, migrator, state, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
acl_is_posted (GpmTestAcl acl)
{
  return acl != GPM_TEST_ACL_USER && acl != GPM_TEST_ACL_COLLECTION;
}

/* The invariant. @only_first: how many posts (oldest first) must be there; G_MAXUINT for all. */
static void
assert_pod_and_journal (Fixture *f,
                        guint    only_first)
{
  g_autoptr(GPtrArray) pod_posts = gpm_test_pod_dup_posts (f->server);
  g_autoptr(GPtrArray) photos = gpm_test_pod_dup_photos (f->server);
  guint expected_total = 0;
  guint n_seen = 0;
  gint64 last_id = 0;

  for (guint i = f->posts->len; i-- > 0; )   /* oldest first */
    {
      GpmPost *post = g_ptr_array_index (f->posts, i);
      const PostSpec *spec = &g_array_index (f->specs, PostSpec, i);
      const char *key = gpm_journal_post_key (post);
      g_autofree char *text = expected_text (post);
      g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (f->journal, key, NULL);
      GpmTestPodPost *match = NULL;
      guint count = 0;
      gboolean expected;

      for (guint j = 0; j < pod_posts->len; j++)
        {
          GpmTestPodPost *p = g_ptr_array_index (pod_posts, j);

          if (strcmp (p->text, text) == 0)
            {
              count++;
              match = p;
            }
        }

      expected = acl_is_posted (spec->acl) && n_seen < only_first;
      if (acl_is_posted (spec->acl))
        n_seen++;
      if (!expected)
        {
          g_assert_cmpuint (count, ==, 0);
          if (!acl_is_posted (spec->acl) && only_first == G_MAXUINT)
            {
              g_assert_nonnull (entry);
              g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_SKIPPED);
              g_assert_nonnull (entry->reason);
              /* in words, not the seed's USER / COLLECTION */
              g_assert_nonnull (strstr (entry->reason, spec->acl == GPM_TEST_ACL_USER ? "Shared with Bo," : "Shared with the collection “Cats”,"));
            }
          continue;
        }

      expected_total++;
      g_assert_cmpuint (count, ==, 1);
      /* Oldest first. */
      if (!f->retried)
        g_assert_cmpint (match->id, >, last_id);
      last_id = match->id;
      g_assert_cmpstr (match->author, ==, "ada");
      if (!f->api)   /* API v1 has no provider_display_name */
        g_assert_cmpstr (match->provider_display_name, ==, "G+ repost");
      g_assert_cmpuint (match->photo_guids->len, ==, spec->n_photos);
      for (guint k = 0; k < match->photo_guids->len; k++)
        {
          gboolean attached = FALSE;

          for (guint m = 0; m < photos->len; m++)
            {
              GpmTestPodPhoto *photo = g_ptr_array_index (photos, m);

              if (g_strcmp0 (photo->guid, g_ptr_array_index (match->photo_guids, k)) == 0)
                {
                  attached = !photo->pending && g_strcmp0 (photo->post_guid, match->guid) == 0;
                  if (photo->size != gpm_test_posts_photo_size ())
                    {
                      /* a big photo, shrunk: upright (portrait), in proportion, within the limits */
                      g_assert_cmpuint (f->big_side, >, 0);
                      g_assert_cmpint (photo->height, >, photo->width);
                      g_assert_cmpint (photo->height, <=, f->big_side);
                      g_assert_cmpint (ABS (photo->height * 2 - photo->width * 3), <=, 3);
                      if (f->big_size > 0)
                        g_assert_cmpuint (photo->size, <=, f->big_size);
                    }
                }
            }
          g_assert_true (attached);
        }
      switch (spec->acl)
        {
        case GPM_TEST_ACL_PUBLIC:
        case GPM_TEST_ACL_COMMUNITY:
          g_assert_true (match->is_public);
          break;
        case GPM_TEST_ACL_CIRCLE_FAMILY:
          g_assert_false (match->is_public);
          g_assert_cmpuint (match->aspect_ids->len, ==, 1);
          g_assert_cmpint (g_array_index (match->aspect_ids, gint64, 0), ==, f->family);
          break;
        case GPM_TEST_ACL_YOUR_CIRCLES:
          g_assert_false (match->is_public);
          g_assert_cmpuint (match->aspect_ids->len, ==, 1);
          g_assert_cmpint (g_array_index (match->aspect_ids, gint64, 0), ==, f->friends);
          break;
        default:
          g_assert_not_reached ();
        }

      g_assert_nonnull (entry);
      g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_POSTED);
      g_assert_cmpstr (entry->guid, ==, match->guid);
      g_assert_cmpstr (entry->text, ==, text);
      g_assert_cmpstr (entry->visibility, ==,
                       spec->acl == GPM_TEST_ACL_CIRCLE_FAMILY ? "aspect:Family" :
                       spec->acl == GPM_TEST_ACL_YOUR_CIRCLES ? "aspect:Friends" : "public");
    }
  g_assert_cmpuint (pod_posts->len, ==, expected_total);
}

static void
assert_complete_run (Fixture     *f,
                     GpmMigrator *migrator)
{
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };
  gboolean ok;

  ok = run_migrator (f, migrator, &state, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (gpm_migrator_get_state (migrator), ==, GPM_MIGRATOR_STATE_DONE);
  g_assert_cmpuint (gpm_migrator_get_n_total (migrator), ==, f->posts->len);
  g_assert_cmpuint (gpm_migrator_get_n_left (migrator), ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_skipped (migrator) + gpm_migrator_get_n_done (migrator), ==, f->posts->len);
  run_state_clear (&state);
  assert_pod_and_journal (f, G_MAXUINT);
}

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
  g_autoptr(GPtrArray) pod_posts = NULL;
  guint n_same = 0;

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
  pod_posts = gpm_test_pod_dup_posts (f->server);
  for (guint i = 0; i < pod_posts->len; i++)
    if (g_str_equal (((GpmTestPodPost *) g_ptr_array_index (pod_posts, i))->text, text))
      n_same++;
  g_assert_cmpuint (n_same, ==, 2);
  g_assert_cmpuint (pod_posts->len, ==, 6);
  {
    g_autoptr(GpmJournalEntry) a = gpm_journal_lookup (f->journal, gpm_journal_post_key (first), NULL);
    g_autoptr(GpmJournalEntry) b = gpm_journal_lookup (f->journal, gpm_journal_post_key (second), NULL);

    g_assert_cmpint (a->state, ==, GPM_JOURNAL_STATE_POSTED);
    g_assert_cmpstr (a->guid, ==, first_copy->guid);
    g_assert_cmpstr (b->guid, ==, second_copy->guid);
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
    " \"poll\": {\"choices\": [{\"description\": \"Tea\"}, {\"description\": \"Coffee\"}]},"
    " \"location\": {\"displayName\": \"Park\", \"physicalAddress\": \"1 Main St\", \"latitude\": 1.5, \"longitude\": 2.5},"
    " \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  GpmMigratorItem *item;

  g_ptr_array_add (posts, gpm_post_new_from_data ("poll.json", json, -1, &error));
  g_assert_no_error (error);
  gpm_migrator_set_convert_func (migrator, test_convert, NULL, NULL);
  items = gpm_migrator_plan (migrator, posts);
  item = g_ptr_array_index (items, 0);
  /* the words as the post shows them: no space where only the bold ends */
  g_assert_cmpstr (item->poll_question, ==, "Which & one?");
  g_assert_cmpuint (item->poll_answers->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (item->poll_answers, 1), ==, "Coffee");
  g_assert_null (item->location);  /* the default: the place stays private */

  settings->location = TRUE;
  gpm_migrator_set_convert_settings (migrator, settings);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = gpm_migrator_plan (migrator, posts);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->location, ==, "1 Main St");
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
  g_test_add ("/migrator/web/uncertain-then-listing-fails", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_uncertain_then_listing_fails, fixture_tear_down);
  g_test_add ("/migrator/api/uncertain-then-listing-fails", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_uncertain_then_listing_fails, fixture_tear_down);
  g_test_add ("/migrator/web/account-recreated", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_account_recreated, fixture_tear_down);
  g_test_add ("/migrator/api/account-recreated", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_account_recreated, fixture_tear_down);
  g_test_add ("/migrator/web/skipped-by-user", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_skipped_by_user, fixture_tear_down);
  g_test_add ("/migrator/web/gave-up", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_gave_up, fixture_tear_down);
  g_test_add ("/migrator/web/auth-required", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_auth_required, fixture_tear_down);
  g_test_add ("/migrator/api/auth-required", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_auth_required, fixture_tear_down);
  g_test_add ("/migrator/web/auth-cancel", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_auth_cancel, fixture_tear_down);
  g_test_add ("/migrator/api/null-id-once", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_null_id_once, fixture_tear_down);
  g_test_add ("/migrator/api/null-id", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_null_id, fixture_tear_down);
  g_test_add ("/migrator/web/restart-attempting", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_restart_attempting, fixture_tear_down);
  g_test_add ("/migrator/api/restart-attempting", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_restart_attempting, fixture_tear_down);
  g_test_add ("/migrator/web/photos-cleaned-between-runs", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photos_cleaned_between_runs, fixture_tear_down);
  g_test_add ("/migrator/api/photos-cleaned-between-runs", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_photos_cleaned_between_runs, fixture_tear_down);
  g_test_add ("/migrator/web/photos-cleaned-before-post", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photos_cleaned_before_post, fixture_tear_down);
  g_test_add ("/migrator/api/photos-cleaned-before-post", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_photos_cleaned_before_post, fixture_tear_down);
  g_test_add ("/migrator/web/restart-incomplete", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_restart_incomplete, fixture_tear_down);
  g_test_add ("/migrator/api/restart-incomplete", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_restart_incomplete, fixture_tear_down);
  g_test_add ("/migrator/web/corrupt-photo", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_corrupt_photo, fixture_tear_down);
  g_test_add ("/migrator/api/corrupt-photo", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_corrupt_photo, fixture_tear_down);
  g_test_add ("/migrator/web/big-photo", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_big_photo, fixture_tear_down);
  g_test_add ("/migrator/api/big-photo", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_big_photo, fixture_tear_down);
  g_test_add ("/migrator/web/photo-too-large", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photo_too_large, fixture_tear_down);
  g_test_add ("/migrator/api/photo-too-large", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_photo_too_large, fixture_tear_down);
  g_test_add ("/migrator/web/photo-never-fits", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_photo_never_fits, fixture_tear_down);
  g_test_add ("/migrator/web/camo-rtl", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_camo_rtl, fixture_tear_down);
  g_test_add ("/migrator/api/camo-rtl", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_camo_rtl, fixture_tear_down);
  g_test_add ("/migrator/web/late-save", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_late_save, fixture_tear_down);
  g_test_add ("/migrator/api/late-save", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_late_save, fixture_tear_down);
  g_test_add ("/migrator/web/same-text", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_same_text, fixture_tear_down);
  g_test_add ("/migrator/api/same-text", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_same_text, fixture_tear_down);
  g_test_add ("/migrator/web/cancel-resume", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_cancel_resume, fixture_tear_down);
  g_test_add ("/migrator/web/pause-resume", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_pause_resume, fixture_tear_down);
  g_test_add ("/migrator/web/daily-cap", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_daily_cap, fixture_tear_down);
  g_test_add ("/migrator/web/unknown-aspect", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_unknown_aspect, fixture_tear_down);
  g_test_add ("/migrator/web/location", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_location_at_pod, fixture_tear_down);
  g_test_add ("/migrator/api/location", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_location_at_pod, fixture_tear_down);
  g_test_add ("/migrator/web/busy", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_busy, fixture_tear_down);

  return g_test_run ();
}
