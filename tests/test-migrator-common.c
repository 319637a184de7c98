/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the migrator's tests against the test pod share (test-migrator.c,
 * test-migrator-uncertain.c): the fixture (a test pod with a signed-in
 * account, its journal and eight posts of every audience), the test's
 * conversion, running a migrator to its end or until the test cancels it,
 * and the invariant every test checks: each selected post that may be
 * posted is on the pod exactly once, with its photos and the right
 * visibility, the others are not there at all, and the journal agrees. */
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

/* Post pNN: "Post number NN & bold". */
GpmPost *
make_post (guint       index,
           const char *created,
           GpmTestAcl  acl,
           guint       n_photos)
{
  g_autofree char *id = g_strdup_printf ("p%02u", index);
  g_autofree char *content = g_strdup_printf ("Post number %u &amp; <b>bold</b>", index);

  return gpm_test_post_new (id, created, content, acl, n_photos);
}

TextKind text_kind;

/* The test's conversion: deterministic text naming the post, and its photos. */
char *
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

char *
expected_text (GpmPost *post)
{
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);

  return test_convert (post, photos, NULL, NULL);
}

/* How many posts on the pod have exactly @text. */
guint
count_on_pod (Fixture    *f,
              const char *text)
{
  g_autoptr(GPtrArray) pod_posts = gpm_test_pod_dup_posts (f->server);
  guint n = 0;

  for (guint i = 0; i < pod_posts->len; i++)
    if (g_str_equal (((GpmTestPodPost *) g_ptr_array_index (pod_posts, i))->text, text))
      n++;
  return n;
}

void
fixture_sign_in (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->api)
    g_assert_true (gpm_pod_sign_in_api (f->pod, gpm_test_pod_open_in_browser, f->server, NULL, &error));
  else
    g_assert_true (gpm_pod_sign_in_password (f->pod, "ada", "correct horse", NULL, NULL, &error));
  g_assert_no_error (error);
}

void
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

void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_strdup (gpm_journal_get_path (f->journal));
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);

  text_kind = TEXT_PLAIN;
  g_clear_object (&f->journal);
  /* every run released the journal's lock, and its file went with it */
  g_assert_false (g_file_test (lock_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&f->posts, g_ptr_array_unref);
  g_clear_pointer (&f->specs, g_array_unref);
  g_clear_object (&f->pod);
  g_clear_object (&f->server);
  g_unlink (path);
}

GpmMigrator *
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

gboolean
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

void
run_state_clear (RunState *state)
{
  g_clear_pointer (&state->finished_order, g_ptr_array_unref);
  g_clear_object (&state->result);
}

/* Runs @migrator until the test cancels it (RunState's cancel_*): the run
 * must end with CANCELLED. */
void
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
void
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

void
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
