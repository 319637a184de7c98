/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-journal"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gpm-journal.h"

static GpmPost *
make_post (const char *entry_name,
           const char *resource_name,
           const char *author,
           const char *created)
{
  g_autoptr(GString) json = g_string_new ("{");
  g_autoptr(GError) error = NULL;
  GpmPost *post;

  g_string_append_printf (json, "\"creationTime\": \"%s\",", created);
  if (author != NULL)
    g_string_append_printf (json, "\"author\": {\"displayName\": \"Ada\", \"resourceName\": \"%s\"},", author);
  if (resource_name != NULL)
    g_string_append_printf (json, "\"resourceName\": \"%s\",", resource_name);
  g_string_append (json, "\"content\": \"hello\","
                         "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}");
  post = gpm_post_new_from_data (entry_name, json->str, -1, &error);
  g_assert_no_error (error);
  return post;
}

static char *
temp_db (const char *name)
{
  return g_build_filename (g_get_user_data_dir (), "journals", name, NULL);
}

static void
test_journal_identity (void)
{
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) reordered = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) anonymous = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) anonymous2 = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  g_autofree char *id3 = NULL;
  g_autofree char *id4 = NULL;
  g_autofree char *path1 = NULL;
  g_autofree char *path2 = NULL;
  g_autofree char *path3 = NULL;
  g_autofree char *data_dir = NULL;

  g_ptr_array_add (posts, make_post ("a.json", "users/1/posts/A", "users/1", "2018-01-01 00:00:00+0000"));
  g_ptr_array_add (posts, make_post ("b.json", "users/1/posts/B", "users/1", "2018-01-02 00:00:00+0000"));
  g_ptr_array_add (posts, make_post ("c.json", "users/1/posts/C", "users/2", "2018-01-03 00:00:00+0000"));
  g_ptr_array_add (reordered, g_object_ref (g_ptr_array_index (posts, 2)));
  g_ptr_array_add (reordered, g_object_ref (g_ptr_array_index (posts, 0)));

  id1 = gpm_journal_takeout_identity (posts);
  g_assert_cmpstr (id1, ==, "author:users/1");
  /* A tie goes to the smaller id, whatever the order. */
  id2 = gpm_journal_takeout_identity (reordered);
  g_assert_cmpstr (id2, ==, "author:users/1");

  /* Without authors: a hash of the sorted keys, independent of order. */
  g_ptr_array_add (anonymous, make_post ("x.json", "users/9/posts/X", NULL, "2018-01-01 00:00:00+0000"));
  g_ptr_array_add (anonymous, make_post ("y.json", NULL, NULL, "2018-01-01 00:00:00+0000"));
  g_ptr_array_add (anonymous2, g_object_ref (g_ptr_array_index (anonymous, 1)));
  g_ptr_array_add (anonymous2, g_object_ref (g_ptr_array_index (anonymous, 0)));
  id3 = gpm_journal_takeout_identity (anonymous);
  id4 = gpm_journal_takeout_identity (anonymous2);
  g_assert_true (g_str_has_prefix (id3, "posts:"));
  g_assert_cmpstr (id3, ==, id4);
  g_assert_cmpstr (gpm_journal_post_key (g_ptr_array_index (anonymous, 0)), ==, "users/9/posts/X");
  g_assert_cmpstr (gpm_journal_post_key (g_ptr_array_index (anonymous, 1)), ==, "y.json");

  /* One file per takeout × account, in the user's data folder. */
  path1 = gpm_journal_default_path (id1, "ada@pod.example");
  path2 = gpm_journal_default_path (id1, "bob@pod.example");
  path3 = gpm_journal_default_path (id3, "ada@pod.example");
  data_dir = g_build_filename (g_get_user_data_dir (), "gplus-migrate", NULL);
  g_assert_true (g_str_has_prefix (path1, data_dir));
  g_assert_true (g_str_has_suffix (path1, ".sqlite"));
  g_assert_cmpstr (path1, !=, path2);
  g_assert_cmpstr (path1, !=, path3);

  {
    g_autofree char *a1 = gpm_journal_account_name ("https://pod.example", "ada");
    g_autofree char *a2 = gpm_journal_account_name ("http://127.0.0.1:3000", "ada");
    g_assert_cmpstr (a1, ==, "ada@pod.example");
    g_assert_cmpstr (a2, ==, "ada@127.0.0.1:3000");
  }
  /* canonical: diaspora strips and lower-cases user names; the address as
   * gpm_pod_normalize_address() makes it; a diaspora ID as the pod gives it */
  {
    struct { const char *pod, *user, *out; } cases[] = {
      { "https://pod.example", "Ada", "ada@pod.example" },
      { "  POD.example/ ", " ada ", "ada@pod.example" },
      { "https://pod.example:443", "ADA", "ada@pod.example" },
      { "http://127.0.0.1:3000/", "ada", "ada@127.0.0.1:3000" },
      { "http://localhost:3000", "ada", "ada@localhost:3000" },
      { "http://localhost:3000", " Ada@127.0.0.1:3000", "ada@127.0.0.1:3000" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *a = gpm_journal_account_name (cases[i].pod, cases[i].user);
        g_assert_cmpstr (a, ==, cases[i].out);
      }
  }
}

/* One journal per takeout and account, however the account was typed, and
 * a different person behind the same name is noticed. */
static void
test_journal_open_for_account (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmJournal) first = NULL;
  g_autoptr(GpmJournal) old_style = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *old_path = NULL;
  gboolean reset = FALSE;

  /* nothing yet: not created unless asked */
  g_assert_null (gpm_journal_open_for_account ("t", "ada@127.0.0.1:3000", NULL, NULL, FALSE, &error));
  g_assert_no_error (error);

  /* signed in through "localhost": filed under the pod's diaspora ID */
  first = gpm_journal_open_for_account ("t", "ada@127.0.0.1:3000", "ada@localhost:3000", "guid-ada", TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (gpm_journal_bind_account (first, "guid-ada", &reset, &error));
  g_assert_true (gpm_journal_ensure (first, "k1", "k1.json", 0, &error));
  first_path = g_strdup (gpm_journal_get_path (first));
  g_assert_cmpstr (gpm_journal_get_account (first), ==, "ada@127.0.0.1:3000");
  g_clear_object (&first);

  /* offline (status), as typed then: found through the alias */
  {
    g_autoptr(GpmJournal) j = gpm_journal_open_for_account ("t", "ada@localhost:3000", NULL, NULL, FALSE, &error);
    g_assert_no_error (error);
    g_assert_nonnull (j);
    g_assert_cmpstr (gpm_journal_get_path (j), ==, first_path);
  }
  /* signed in again: the same one; another takeout: none */
  {
    g_autoptr(GpmJournal) j = gpm_journal_open_for_account ("t", "ada@127.0.0.1:3000", NULL, "guid-ada", TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (gpm_journal_get_path (j), ==, first_path);
    g_assert_null (gpm_journal_open_for_account ("other", "ada@localhost:3000", NULL, NULL, FALSE, &error));
    g_assert_no_error (error);
  }

  /* a journal filed under the name as typed before names were canonical
   * ("Bea@old.example") is found by the person's guid, and by its name */
  old_path = gpm_journal_default_path ("t", "Bea@old.example");
  old_style = gpm_journal_open (old_path, "t", "Bea@old.example", &error);
  g_assert_no_error (error);
  g_assert_true (gpm_journal_bind_account (old_style, "guid-bea", NULL, &error));
  g_clear_object (&old_style);
  {
    g_autoptr(GpmJournal) j = gpm_journal_open_for_account ("t", "bea@www.old.example", NULL, "guid-bea", TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (gpm_journal_get_path (j), ==, old_path);
  }
  {
    g_autoptr(GpmJournal) j = gpm_journal_open_for_account ("t", "bea@old.example", NULL, NULL, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (gpm_journal_get_path (j), ==, old_path);
  }

  /* another person behind ada@127.0.0.1:3000 now (account deleted and made
   * again): her journal, and binding notices and starts over */
  {
    g_autoptr(GpmJournal) j = gpm_journal_open_for_account ("t", "ada@127.0.0.1:3000", NULL, "guid-new", TRUE, &error);
    g_autoptr(GPtrArray) rows = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (gpm_journal_get_path (j), ==, first_path);
    g_assert_true (gpm_journal_bind_account (j, "guid-new", &reset, &error));
    g_assert_true (reset);
    rows = gpm_journal_list (j, &error);
    g_assert_cmpuint (rows->len, ==, 0);
  }
}

static void
test_journal_states (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("states.sqlite");
  g_autoptr(GpmJournal) journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_autoptr(GpmJournalEntry) entry = NULL;
  g_autoptr(GpmPost) post = make_post ("a.json", "users/1/posts/A", "users/1", "2018-07-15 20:43:51+0000");
  g_autoptr(GPtrArray) photos = NULL;
  g_autofree char *photo = NULL;
  guint counts[GPM_JOURNAL_N_STATES];
  gboolean ok;

  g_assert_no_error (error);
  g_assert_cmpstr (gpm_journal_get_path (journal), ==, path);

  ok = gpm_journal_ensure_post (journal, post, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  entry = gpm_journal_lookup (journal, "users/1/posts/A", &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_PENDING);
  g_assert_cmpstr (entry->entry_name, ==, "a.json");
  g_assert_cmpint (entry->created, ==, 1531687431);
  g_assert_cmpuint (entry->attempts, ==, 0);
  g_assert_null (entry->text);
  g_clear_pointer (&entry, gpm_journal_entry_free);

  g_assert_null (gpm_journal_lookup (journal, "nope", &error));
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Photos, one by one. */
  g_assert_true (gpm_journal_set_uploading (journal, "users/1/posts/A", &error));
  g_assert_no_error (error);
  g_assert_true (gpm_journal_add_photo (journal, "users/1/posts/A", 1, "b.jpg", "42", &error));
  g_assert_true (gpm_journal_add_photo (journal, "users/1/posts/A", 0, "a.jpg", "41", &error));
  g_assert_no_error (error);
  photos = gpm_journal_get_photos (journal, "users/1/posts/A");
  g_assert_cmpuint (photos->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (photos, 0), ==, "41");
  g_assert_cmpstr (g_ptr_array_index (photos, 1), ==, "42");
  photo = gpm_journal_get_photo (journal, "users/1/posts/A", 1);
  g_assert_cmpstr (photo, ==, "42");
  g_assert_null (gpm_journal_get_photo (journal, "users/1/posts/A", 2));

  /* Attempting stores the exact text and counts attempts. */
  g_assert_true (gpm_journal_set_attempting (journal, "users/1/posts/A", "Hello *world*\n#repost", "public", &error));
  g_assert_no_error (error);
  /* An attempt must be resolved on the pod before it can go back to pending or be skipped. */
  g_assert_false (gpm_journal_set_pending (journal, "users/1/posts/A", &error));
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (gpm_journal_set_skipped (journal, "users/1/posts/A", "no", &error));
  g_clear_error (&error);
  g_assert_true (gpm_journal_set_attempting (journal, "users/1/posts/A", "Hello *world*\n#repost", "public", &error));
  entry = gpm_journal_lookup (journal, "users/1/posts/A", &error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_ATTEMPTING);
  g_assert_cmpuint (entry->attempts, ==, 2);
  g_assert_cmpstr (entry->text, ==, "Hello *world*\n#repost");
  g_assert_cmpstr (entry->visibility, ==, "public");
  g_clear_pointer (&entry, gpm_journal_entry_free);

  g_assert_true (gpm_journal_set_posted (journal, "users/1/posts/A", "1001", "guid-a", 1700000000, &error));
  g_assert_no_error (error);
  g_assert_true (gpm_journal_is_posted (journal, "users/1/posts/A"));
  entry = gpm_journal_lookup (journal, "users/1/posts/A", &error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_POSTED);
  g_assert_cmpstr (entry->remote_id, ==, "1001");
  g_assert_cmpstr (entry->guid, ==, "guid-a");
  g_assert_cmpint (entry->posted_at, ==, 1700000000);
  g_clear_pointer (&entry, gpm_journal_entry_free);

  /* Posted is final: no way back, no failure on top. */
  g_assert_false (gpm_journal_set_pending (journal, "users/1/posts/A", &error));
  g_clear_error (&error);
  g_assert_false (gpm_journal_set_failed (journal, "users/1/posts/A", "x", &error));
  g_clear_error (&error);
  g_assert_false (gpm_journal_set_attempting (journal, "users/1/posts/A", "again", "public", &error));
  g_clear_error (&error);
  g_assert_false (gpm_journal_set_uploading (journal, "users/1/posts/A", &error));
  g_clear_error (&error);
  /* ensure() keeps the existing row. */
  g_assert_true (gpm_journal_ensure_post (journal, post, &error));
  g_assert_true (gpm_journal_is_posted (journal, "users/1/posts/A"));

  /* Claims, by id or guid, for anyone else. */
  g_assert_true (gpm_journal_remote_is_claimed (journal, "1001", NULL));
  g_assert_true (gpm_journal_remote_is_claimed (journal, "guid-a", "users/1/posts/B"));
  g_assert_false (gpm_journal_remote_is_claimed (journal, "guid-a", "users/1/posts/A"));
  g_assert_false (gpm_journal_remote_is_claimed (journal, "guid-z", NULL));

  /* Failed and skipped, with reasons; failed can be retried. */
  g_assert_true (gpm_journal_ensure (journal, "k/B", "b.json", 10, &error));
  g_assert_true (gpm_journal_ensure (journal, "k/C", "c.json", 5, &error));
  g_assert_true (gpm_journal_ensure (journal, "k/D", "d.json", 0, &error));
  g_assert_true (gpm_journal_set_failed (journal, "k/B", "The pod refused the photo", &error));
  g_assert_true (gpm_journal_set_skipped (journal, "k/C", "No aspect for circle Family", &error));
  g_assert_no_error (error);
  entry = gpm_journal_lookup (journal, "k/C", &error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_SKIPPED);
  g_assert_cmpstr (entry->reason, ==, "No aspect for circle Family");
  g_clear_pointer (&entry, gpm_journal_entry_free);

  g_assert_true (gpm_journal_count (journal, counts, &error));
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_POSTED], ==, 1);
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_FAILED], ==, 1);
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_SKIPPED], ==, 1);
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_PENDING], ==, 1);

  /* By the user: kept apart from automatic skips, cleared by set_pending. */
  g_assert_true (gpm_journal_set_skipped_by_user (journal, "k/D", &error));
  entry = gpm_journal_lookup (journal, "k/D", &error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_SKIPPED);
  g_assert_true (entry->by_user);
  g_clear_pointer (&entry, gpm_journal_entry_free);
  g_assert_true (gpm_journal_set_pending (journal, "k/D", &error));
  entry = gpm_journal_lookup (journal, "k/D", &error);
  g_assert_false (entry->by_user);
  g_clear_pointer (&entry, gpm_journal_entry_free);
  entry = gpm_journal_lookup (journal, "k/C", &error);
  g_assert_false (entry->by_user);
  g_clear_pointer (&entry, gpm_journal_entry_free);

  g_assert_true (gpm_journal_set_pending (journal, "k/B", &error));
  entry = gpm_journal_lookup (journal, "k/B", &error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_PENDING);
  g_assert_null (entry->reason);
  g_clear_pointer (&entry, gpm_journal_entry_free);

  /* In bulk: new rows pending, existing rows untouched. */
  {
    g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GpmJournalEntry) e = NULL;

    g_ptr_array_add (more, g_object_ref (post));
    g_ptr_array_add (more, make_post ("e.json", "users/1/posts/E", "users/1", "2019-01-01 00:00:00+0000"));
    g_assert_true (gpm_journal_ensure_posts (journal, more, &error));
    g_assert_no_error (error);
    g_assert_true (gpm_journal_is_posted (journal, "users/1/posts/A"));
    e = gpm_journal_lookup (journal, "users/1/posts/E", &error);
    g_assert_cmpint (e->state, ==, GPM_JOURNAL_STATE_PENDING);
    g_assert_cmpstr (e->entry_name, ==, "e.json");
  }

  /* Oldest post first. */
  {
    g_autoptr(GPtrArray) list = gpm_journal_list (journal, &error);
    const char *order[] = { "k/D", "k/C", "k/B", "users/1/posts/A", "users/1/posts/E" };

    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 5);
    for (guint i = 0; i < 5; i++)
      g_assert_cmpstr (((GpmJournalEntry *) g_ptr_array_index (list, i))->key, ==, order[i]);

    /* The rows of one state: those of the whole list, in its order */
    for (GpmJournalState state = 0; state < GPM_JOURNAL_N_STATES; state++)
      {
        g_autoptr(GPtrArray) in_state = gpm_journal_list_in_state (journal, state, &error);
        guint n = 0;

        g_assert_no_error (error);
        for (guint i = 0; i < list->len; i++)
          {
            const GpmJournalEntry *row = g_ptr_array_index (list, i);

            if (row->state != state)
              continue;
            g_assert_cmpuint (n, <, in_state->len);
            g_assert_cmpstr (((GpmJournalEntry *) g_ptr_array_index (in_state, n))->key, ==, row->key);
            n++;
          }
        g_assert_cmpuint (in_state->len, ==, n);
      }
    /* Every row's state alone: what the whole list says */
    {
      g_autoptr(GHashTable) states = gpm_journal_dup_states (journal, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_hash_table_size (states), ==, list->len);
      for (guint i = 0; i < list->len; i++)
        {
          const GpmJournalEntry *row = g_ptr_array_index (list, i);

          g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (states, row->key)), ==, row->state + 1);
        }
    }
    {
      g_autoptr(GPtrArray) posted = gpm_journal_list_in_state (journal, GPM_JOURNAL_STATE_POSTED, &error);

      g_assert_cmpuint (posted->len, ==, 1);
      g_assert_cmpstr (((GpmJournalEntry *) g_ptr_array_index (posted, 0))->key, ==, "users/1/posts/A");
    }
  }

  /* Daily cap arithmetic. */
  g_assert_true (gpm_journal_set_posted (journal, "k/B", "1002", "guid-b", 1700003600, &error));
  {
    g_autoptr(GArray) both = gpm_journal_posted_times_since (journal, 1700000000);
    g_autoptr(GArray) later = gpm_journal_posted_times_since (journal, 1700000001);
    g_autoptr(GArray) none = gpm_journal_posted_times_since (journal, 1800000000);

    g_assert_cmpuint (both->len, ==, 2);
    g_assert_cmpuint (later->len, ==, 1);
    g_assert_cmpint (g_array_index (later, gint64, 0), ==, 1700003600);
    g_assert_cmpuint (none->len, ==, 0);
  }
  g_assert_cmpint (gpm_journal_last_posted_at (journal), ==, 1700003600);
  g_assert_true (gpm_journal_flush (journal, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (gpm_journal_state_to_string (GPM_JOURNAL_STATE_ATTEMPTING), ==, "attempting");
  {
    GpmJournalState state;
    g_assert_true (gpm_journal_state_from_string ("skipped", &state));
    g_assert_cmpint (state, ==, GPM_JOURNAL_STATE_SKIPPED);
    g_assert_false (gpm_journal_state_from_string ("posted?", &state));
  }
}

static void
test_journal_reopen (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("reopen.sqlite");
  g_autoptr(GpmJournal) journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_autoptr(GpmJournal) again = NULL;
  g_autoptr(GpmJournal) other = NULL;
  g_autoptr(GpmJournalEntry) entry = NULL;

  g_assert_no_error (error);
  g_assert_true (gpm_journal_ensure (journal, "k/A", "a.json", 1, &error));
  g_assert_true (gpm_journal_set_attempting (journal, "k/A", "text", "aspect:Family", &error));
  g_clear_object (&journal);

  again = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);
  entry = gpm_journal_lookup (again, "k/A", &error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_ATTEMPTING);
  g_assert_cmpstr (entry->visibility, ==, "aspect:Family");

  other = gpm_journal_open (path, "author:users/1", "bob@pod.example", &error);
  g_assert_null (other);
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_MISMATCH);
  g_clear_error (&error);
  other = gpm_journal_open (path, "author:users/2", "ada@pod.example", &error);
  g_assert_null (other);
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_MISMATCH);
}

/* The journal's posts are the takeout's fingerprint: a takeout at the same
 * path with posts of the same keys but other dates (another takeout whose
 * posts have no resourceName, keyed by entry name) is refused before
 * anything changes; the same posts downloaded again (their files named
 * otherwise, one post more) go on. */
static void
test_journal_same_takeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("same-takeout.sqlite");
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) other = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmJournalEntry) entry = NULL;
  guint counts[GPM_JOURNAL_N_STATES] = { 0 };

  g_unlink (path);
  journal = gpm_journal_open (path, "posts:abc", "ada@pod.example", &error);
  g_assert_no_error (error);
  g_ptr_array_add (first, make_post ("Posts/a.json", NULL, NULL, "2018-07-01 10:00:00+0000"));
  g_ptr_array_add (first, make_post ("Posts/b.json", NULL, NULL, "2018-07-02 10:00:00+0000"));
  g_ptr_array_add (first, make_post ("Posts/x.json", "users/1/posts/x", "users/1", "2018-07-03 10:00:00+0000"));
  g_assert_true (gpm_journal_ensure_posts (journal, first, &error));
  g_assert_no_error (error);
  g_assert_true (gpm_journal_set_posted (journal, "Posts/a.json", "1", "guid-a", 0, &error));

  /* downloaded again: the same posts; x's file named otherwise, one more */
  g_ptr_array_add (again, make_post ("Posts/a.json", NULL, NULL, "2018-07-01 10:00:00+0000"));
  g_ptr_array_add (again, make_post ("Posts/b.json", NULL, NULL, "2018-07-02 10:00:00+0000"));
  g_ptr_array_add (again, make_post ("Posts/x(1).json", "users/1/posts/x", "users/1", "2018-07-03 10:00:00+0000"));
  g_ptr_array_add (again, make_post ("Posts/c.json", NULL, NULL, "2018-07-04 10:00:00+0000"));
  g_assert_true (gpm_journal_ensure_posts (journal, again, &error));
  g_assert_no_error (error);

  /* another takeout at the same path: a.json is another post */
  g_ptr_array_add (other, make_post ("Posts/a.json", NULL, NULL, "2019-01-05 08:00:00+0000"));
  g_ptr_array_add (other, make_post ("Posts/d.json", NULL, NULL, "2019-01-06 08:00:00+0000"));
  g_assert_false (gpm_journal_ensure_posts (journal, other, &error));
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "not the one this migration began with"));
  g_assert_nonnull (strstr (error->message, "Posts/a.json"));
  g_clear_error (&error);
  /* nothing changed: no row for d, a still posted */
  g_assert_true (gpm_journal_count (journal, counts, &error));
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_PENDING] + counts[GPM_JOURNAL_STATE_POSTED], ==, 4);
  entry = gpm_journal_lookup (journal, "Posts/a.json", &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_POSTED);
  g_clear_object (&journal);
  g_unlink (path);
}

/* An attempt is "late" (the pod may still save it) from the moment it is
 * journaled until an answer is recorded; the answer keeps its time. */
static void
test_journal_late (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("late.sqlite");
  g_autoptr(GpmJournal) journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_autoptr(GpmJournalEntry) entry = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 attempted_at;

  g_assert_no_error (error);
  g_assert_true (gpm_journal_ensure (journal, "k/A", "a.json", 1, &error));
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_false (entry->late);   /* nothing sent */
  g_clear_pointer (&entry, gpm_journal_entry_free);
  /* only an attempt gets an answer */
  g_assert_false (gpm_journal_set_answered (journal, "k/A", "503", &error));
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (gpm_journal_set_attempting (journal, "k/A", "text", "public", &error));
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_true (entry->late);
  g_assert_cmpint (entry->attempted_at, >=, before);
  g_assert_cmpint (entry->attempted_at, <=, g_get_real_time () / G_USEC_PER_SEC);
  attempted_at = entry->attempted_at;
  g_clear_pointer (&entry, gpm_journal_entry_free);

  g_usleep (1100 * 1000);   /* a second later: the answer keeps the attempt's time */
  g_assert_true (gpm_journal_set_answered (journal, "k/A", "503", &error));
  g_assert_no_error (error);
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_ATTEMPTING);
  g_assert_false (entry->late);
  g_assert_cmpint (entry->attempted_at, ==, attempted_at);
  g_assert_cmpint (entry->updated_at, ==, attempted_at);
  g_clear_pointer (&entry, gpm_journal_entry_free);

  /* kept across a reopen */
  g_clear_object (&journal);
  journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_false (entry->late);
  g_clear_pointer (&entry, gpm_journal_entry_free);

  /* sent again: late again, a new time */
  g_assert_true (gpm_journal_set_attempting (journal, "k/A", "text", "public", &error));
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_true (entry->late);
  g_assert_cmpint (entry->attempted_at, >, attempted_at);
  g_clear_pointer (&entry, gpm_journal_entry_free);

  /* an incomplete copy is an answer too */
  g_assert_true (gpm_journal_set_incomplete (journal, "k/A", "7", "guid-7", &error));
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_false (entry->late);
  g_assert_cmpstr (entry->guid, ==, "guid-7");
  g_clear_pointer (&entry, gpm_journal_entry_free);

  /* once posted, nothing is late */
  g_assert_true (gpm_journal_set_attempting (journal, "k/A", "text", "public", &error));
  g_assert_true (gpm_journal_set_posted (journal, "k/A", "8", "guid-8", 0, &error));
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_false (entry->late);

  /* a comment's attempt likewise */
  g_assert_false (gpm_journal_set_comment_answered (journal, "k/A", 0, "503", &error));
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (gpm_journal_set_comment_attempting (journal, "k/A", 0, "a comment", &error));
  {
    g_autoptr(GPtrArray) rows = gpm_journal_list_comments (journal, "k/A");
    GpmJournalComment *c = g_ptr_array_index (rows, 0);

    g_assert_true (c->late);
    g_assert_cmpint (c->attempted_at, >=, before);
    attempted_at = c->attempted_at;
  }
  g_assert_true (gpm_journal_set_comment_answered (journal, "k/A", 0, "503", &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) rows = gpm_journal_list_comments (journal, "k/A");
    GpmJournalComment *c = g_ptr_array_index (rows, 0);

    g_assert_cmpint (c->state, ==, GPM_JOURNAL_STATE_ATTEMPTING);
    g_assert_false (c->late);
    g_assert_cmpint (c->attempted_at, ==, attempted_at);
  }
  g_assert_true (gpm_journal_set_comment_attempting (journal, "k/A", 0, "a comment", &error));
  {
    g_autoptr(GPtrArray) rows = gpm_journal_list_comments (journal, "k/A");

    g_assert_true (((GpmJournalComment *) g_ptr_array_index (rows, 0))->late);
  }
  g_assert_true (gpm_journal_set_comment_posted (journal, "k/A", 0, "c-guid", &error));
  {
    g_autoptr(GPtrArray) rows = gpm_journal_list_comments (journal, "k/A");

    g_assert_false (((GpmJournalComment *) g_ptr_array_index (rows, 0))->late);
  }
}

/* A journal written before attempts recorded their answer (schema 1)
 * opens; its ATTEMPTING row may come late, attempted when it was last
 * updated; its other rows are as they were. */
static void
test_journal_old_schema (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("old-schema.sqlite");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GpmJournalEntry) entry = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_unlink (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO meta VALUES ('takeout', 'author:users/1'), ('account', 'ada@pod.example'), ('version', '1');"
    "CREATE TABLE posts (key TEXT PRIMARY KEY, entry_name TEXT NOT NULL, created INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, text TEXT, visibility TEXT,"
    "  remote_id TEXT, guid TEXT, posted_at INTEGER NOT NULL DEFAULT 0, reason TEXT,"
    "  updated_at INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO posts (key, entry_name, state, attempts, text, visibility, updated_at)"
    "  VALUES ('k/A', 'a.json', 'attempting', 1, 'text', 'public', 1700000000);"
    "INSERT INTO posts (key, entry_name, state, attempts, text, visibility, remote_id, guid, posted_at, updated_at)"
    "  VALUES ('k/B', 'b.json', 'posted', 1, 'b', 'public', '9', 'guid-9', 1700000100, 1700000100);"
    "CREATE TABLE comments (post_key TEXT NOT NULL, idx INTEGER NOT NULL, state TEXT NOT NULL, text TEXT,"
    "  remote_id TEXT, reason TEXT, updated_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (post_key, idx));"
    "INSERT INTO comments VALUES ('k/B', 0, 'attempting', 'c', NULL, NULL, 1700000200);",
    NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_ATTEMPTING);
  g_assert_true (entry->late);
  g_assert_cmpint (entry->attempted_at, ==, 1700000000);
  g_assert_false (entry->by_user);
  g_clear_pointer (&entry, gpm_journal_entry_free);
  entry = gpm_journal_lookup (journal, "k/B", &error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_POSTED);
  g_assert_false (entry->late);
  g_assert_cmpstr (entry->guid, ==, "guid-9");
  g_clear_pointer (&entry, gpm_journal_entry_free);
  {
    g_autoptr(GPtrArray) rows = gpm_journal_list_comments (journal, "k/B");
    GpmJournalComment *c = g_ptr_array_index (rows, 0);

    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_true (c->late);
    g_assert_cmpint (c->attempted_at, ==, 1700000200);
  }
  /* and works on */
  g_assert_true (gpm_journal_set_answered (journal, "k/A", "503", &error));
  g_assert_no_error (error);
  g_clear_object (&journal);
  journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_false (entry->late);
  g_assert_cmpint (entry->attempted_at, ==, 1700000000);
}

static void
test_journal_lock (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("lock.sqlite");
  g_autoptr(GpmJournal) a = gpm_journal_open (path, "t", "ada@pod.example", &error);
  g_autoptr(GpmJournal) b = gpm_journal_open (path, "t", "ada@pod.example", &error);

  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  int fd;

  g_assert_no_error (error);
  g_assert_true (gpm_journal_lock (a, &error));
  g_assert_true (gpm_journal_lock (a, &error));
  g_assert_false (gpm_journal_lock (b, &error));
  g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_BUSY);
  g_clear_error (&error);
  /* the lock is on the file at the path, for any other process too */
  fd = g_open (lock_path, O_RDWR | O_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), !=, 0);
  /* released, the file goes (runs left one beside every journal) */
  gpm_journal_unlock (a);
  g_assert_false (g_file_test (lock_path, G_FILE_TEST_EXISTS));
  /* one who opened it before that holds a file no longer there: the
   * next lock is not theirs to block, and is on the file at the path */
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);
  g_assert_true (gpm_journal_lock (b, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (lock_path, G_FILE_TEST_EXISTS));
  close (fd);
  fd = g_open (lock_path, O_RDWR | O_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), !=, 0);
  close (fd);
  g_clear_object (&b);   /* finalize releases the lock */
  g_assert_false (g_file_test (lock_path, G_FILE_TEST_EXISTS));
  g_assert_true (gpm_journal_lock (a, &error));
  g_assert_no_error (error);
}

/* The daily cap is the pod account's: the posts of the last 24 hours of
 * every journal of the account (another takeout's into it, one bound to
 * the same person under another name), not of another account's. */
static void
add_posted (GpmJournal *journal,
            const char *key,
            gint64      posted_at)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gpm_journal_ensure (journal, key, "x.json", 1, &error));
  g_assert_true (gpm_journal_set_attempting (journal, key, "t", "public", &error));
  g_assert_true (gpm_journal_set_posted (journal, key, "1", key, posted_at, &error));
  g_assert_no_error (error);
}

static void
test_journal_account_times (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmJournal) mine = gpm_journal_open_default ("author:users/1", "ada@pod.example", &error);
  g_autoptr(GpmJournal) page = gpm_journal_open_default ("author:users/2", "ada@pod.example", &error);
  g_autoptr(GpmJournal) renamed = gpm_journal_open_default ("author:users/3", "ada@www.pod.example", &error);
  g_autoptr(GpmJournal) other = gpm_journal_open_default ("author:users/4", "bo@pod.example", &error);
  g_autoptr(GArray) times = NULL;
  g_autoptr(GArray) bo = NULL;
  gint64 sum = 0;

  g_assert_no_error (error);
  g_assert_true (gpm_journal_bind_account (mine, "guid-ada", NULL, &error));
  g_assert_true (gpm_journal_bind_account (renamed, "guid-ada", NULL, &error));
  g_assert_true (gpm_journal_bind_account (other, "guid-bo", NULL, &error));
  g_assert_no_error (error);
  add_posted (mine, "m/1", 1700000100);
  add_posted (mine, "m/0", 1600000000);   /* long before: not counted */
  add_posted (page, "p/1", 1700000200);
  add_posted (renamed, "r/1", 1700000300);
  add_posted (other, "o/1", 1700000400);

  times = gpm_journal_account_posted_times_since (mine, 1700000000);
  g_assert_cmpuint (times->len, ==, 3);
  for (guint i = 0; i < times->len; i++)
    sum += g_array_index (times, gint64, i) - 1700000000;
  g_assert_cmpint (sum, ==, 100 + 200 + 300);
  /* this journal's own only once, though it is in the data folder too */
  bo = gpm_journal_account_posted_times_since (other, 1700000000);
  g_assert_cmpuint (bo->len, ==, 1);
  g_assert_cmpint (g_array_index (bo, gint64, 0), ==, 1700000400);
}

static void
test_journal_account (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("account.sqlite");
  g_autoptr(GpmJournal) journal = gpm_journal_open (path, "t", "ada@pod.example", &error);
  g_autofree char *guid = NULL;
  gboolean reset = TRUE;
  guint counts[GPM_JOURNAL_N_STATES];

  g_assert_no_error (error);
  g_assert_null (gpm_journal_dup_account_guid (journal));
  g_assert_true (gpm_journal_bind_account (journal, NULL, &reset, &error));
  g_assert_false (reset);
  g_assert_true (gpm_journal_ensure (journal, "k/A", "a.json", 1, &error));
  g_assert_true (gpm_journal_set_attempting (journal, "k/A", "t", "public", &error));
  g_assert_true (gpm_journal_set_posted (journal, "k/A", "1", "g", 0, &error));
  g_assert_true (gpm_journal_bind_account (journal, "guid-1", &reset, &error));
  g_assert_false (reset);
  g_assert_true (gpm_journal_bind_account (journal, "guid-1", &reset, &error));
  g_assert_false (reset);
  g_assert_true (gpm_journal_is_posted (journal, "k/A"));

  /* Another account under the same name: nothing recorded holds any more. */
  g_assert_true (gpm_journal_bind_account (journal, "guid-2", &reset, &error));
  g_assert_no_error (error);
  g_assert_true (reset);
  g_assert_false (gpm_journal_is_posted (journal, "k/A"));
  g_assert_true (gpm_journal_count (journal, counts, &error));
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_POSTED], ==, 0);
  guid = gpm_journal_dup_account_guid (journal);
  g_assert_cmpstr (guid, ==, "guid-2");
}

/* A process killed right after a transition returned: the transition is on
 * disk, and the lock it held is free. */
static void
test_journal_killed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("killed.sqlite");
  g_autofree char *lock_path = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GpmJournalEntry) entry = NULL;
  int status = 0;
  pid_t pid;

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GpmJournal *child = gpm_journal_open (path, "t", "ada@pod.example", NULL);

      if (child == NULL || !gpm_journal_lock (child, NULL) ||
          !gpm_journal_ensure (child, "k/A", "a.json", 1, NULL) ||
          !gpm_journal_set_attempting (child, "k/A", "sent text", "public", NULL))
        _exit (3);
      kill (getpid (), SIGKILL);
      _exit (4);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  journal = gpm_journal_open (path, "t", "ada@pod.example", &error);
  g_assert_no_error (error);
  g_assert_true (gpm_journal_lock (journal, &error));
  g_assert_no_error (error);
  entry = gpm_journal_lookup (journal, "k/A", &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_ATTEMPTING);
  g_assert_cmpstr (entry->text, ==, "sent text");
  g_assert_cmpuint (entry->attempts, ==, 1);
  /* the lock file the dead process left goes with this release */
  gpm_journal_unlock (journal);
  lock_path = g_strconcat (path, ".lock", NULL);
  g_assert_false (g_file_test (lock_path, G_FILE_TEST_EXISTS));
}

#define N_THREADS 4
#define N_PER_THREAD 50

static gpointer
thread_func (gpointer data)
{
  GpmJournal *journal = data;
  guint id = GPOINTER_TO_UINT (g_thread_self ()) & 0xffff;

  for (guint i = 0; i < N_PER_THREAD; i++)
    {
      g_autofree char *key = g_strdup_printf ("t%p/%u", (void *) g_thread_self (), i);
      g_autofree char *remote = g_strdup_printf ("%u-%u", id, i);
      g_autoptr(GError) error = NULL;

      g_assert_true (gpm_journal_ensure (journal, key, key, i, &error));
      g_assert_true (gpm_journal_set_attempting (journal, key, key, "public", &error));
      g_assert_true (gpm_journal_set_posted (journal, key, remote, remote, 0, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

static void
test_journal_threads (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_db ("threads.sqlite");
  g_autoptr(GpmJournal) journal = gpm_journal_open (path, "t", "ada@pod.example", &error);
  GThread *threads[N_THREADS];
  guint counts[GPM_JOURNAL_N_STATES];

  g_assert_no_error (error);
  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("journal", thread_func, journal);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  g_assert_true (gpm_journal_count (journal, counts, &error));
  g_assert_cmpuint (counts[GPM_JOURNAL_STATE_POSTED], ==, N_THREADS * N_PER_THREAD);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/journal/identity", test_journal_identity);
  g_test_add_func ("/journal/states", test_journal_states);
  g_test_add_func ("/journal/reopen", test_journal_reopen);
  g_test_add_func ("/journal/same-takeout", test_journal_same_takeout);
  g_test_add_func ("/journal/late", test_journal_late);
  g_test_add_func ("/journal/old-schema", test_journal_old_schema);
  g_test_add_func ("/journal/lock", test_journal_lock);
  g_test_add_func ("/journal/account", test_journal_account);
  g_test_add_func ("/journal/account-posted-times", test_journal_account_times);
  g_test_add_func ("/journal/open-for-account", test_journal_open_for_account);
  g_test_add_func ("/journal/killed", test_journal_killed);
  g_test_add_func ("/journal/threads", test_journal_threads);

  return g_test_run ();
}
