/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-journal-accounts.c: which journal belongs to a takeout
 * and an account: the takeout's identity, the canonical account name, the
 * default path, and finding the one journal of an account wherever an
 * earlier run filed it (its guid, its aliases) */
#define G_LOG_DOMAIN "gpm-journal"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "gpm-journal-private.h"
#include "gpm-pod.h"

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char *
gpm_journal_takeout_identity (GPtrArray *posts)
{
  g_autoptr(GHashTable) authors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GChecksum) checksum = NULL;
  const char *best = NULL;
  guint best_count = 0;

  g_return_val_if_fail (posts != NULL, NULL);

  /* The author of a Google+ Stream takeout is one person: their id names
   * the takeout whatever its packaging. Most frequent wins, ties by name. */
  for (guint i = 0; i < posts->len; i++)
    {
      char *id = gpm_post_dup_author_id (g_ptr_array_index (posts, i));
      gpointer key, value;
      guint count = 1;

      if (id == NULL || *id == '\0')
        {
          g_free (id);
          continue;
        }
      if (g_hash_table_lookup_extended (authors, id, &key, &value))
        {
          count = GPOINTER_TO_UINT (value) + 1;
          g_free (id);
          id = key;
          g_hash_table_steal (authors, id);  /* inserted again below, not freed */
        }
      g_hash_table_insert (authors, id, GUINT_TO_POINTER (count));
      if (count > best_count || (count == best_count && strcmp (id, best) < 0))
        {
          best = id;
          best_count = count;
        }
    }
  if (best != NULL)
    return g_strdup_printf ("author:%s", best);

  for (guint i = 0; i < posts->len; i++)
    g_ptr_array_add (keys, (gpointer) gpm_journal_post_key (g_ptr_array_index (posts, i)));
  g_ptr_array_sort (keys, compare_strings);
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      g_checksum_update (checksum, (const guchar *) key, strlen (key) + 1);
    }
  return g_strdup_printf ("posts:%s", g_checksum_get_string (checksum));
}

char *
gpm_journal_account_name (const char *pod_address,
                          const char *username)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *address = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (pod_address != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);

  /* diaspora strips and lower-cases user names (app/models/user.rb
   * strip_and_downcase_username; devise.rb case_insensitive_keys,
   * strip_whitespace_keys): "Alice " is alice */
  user = g_ascii_strdown (g_strstrip (g_strdup (username)), -1);
  if (strchr (user, '@') != NULL)
    return g_steal_pointer (&user);   /* a whole diaspora ID */
  address = gpm_pod_normalize_address (pod_address, NULL);
  uri = g_uri_parse (address ? address : pod_address, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup_printf ("%s@%s", user, pod_address);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s@%s:%d", user, g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup_printf ("%s@%s", user, g_uri_get_host (uri));
}

/* What a journal file says about itself, read without opening it as a
 * GpmJournal. */
typedef struct {
  char      *path;
  char      *account;
  char      *guid;
  GPtrArray *aliases;
} JournalMeta;

static void
journal_meta_free (JournalMeta *m)
{
  g_free (m->path);
  g_free (m->account);
  g_free (m->guid);
  g_ptr_array_unref (m->aliases);
  g_free (m);
}

/* The journals of @takeout_identity in the data folder (NULL: of every
 * takeout). */
static GPtrArray *
scan_journals (const char *takeout_identity)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "gplus-migrate", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) journal_meta_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *takeout = NULL;
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;
      JournalMeta *m;

      if (!g_str_has_prefix (name, "journal-") || !g_str_has_suffix (name, ".sqlite"))
        continue;
      path = g_build_filename (dir, name, NULL);
      /* The busy timeout before the first statement: preparing reads the
       * schema, which waits for a journal another connection is closing
       * (its WAL checkpoint) instead of skipping that journal */
      if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK
          || sqlite3_busy_timeout (db, 2000) != SQLITE_OK
          || sqlite3_prepare_v2 (db, "SELECT name, value FROM meta", -1, &stmt, NULL) != SQLITE_OK)
        {
          g_debug ("%s skipped: %s", path, db != NULL ? sqlite3_errmsg (db) : "out of memory");
          sqlite3_close (db);
          continue;
        }
      m = g_new0 (JournalMeta, 1);
      m->aliases = g_ptr_array_new_with_free_func (g_free);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *key = (const char *) sqlite3_column_text (stmt, 0);
          const char *value = (const char *) sqlite3_column_text (stmt, 1);

          if (key == NULL || value == NULL)
            continue;
          if (g_str_equal (key, "takeout"))
            takeout = g_strdup (value);
          else if (g_str_equal (key, "account"))
            m->account = g_strdup (value);
          else if (g_str_equal (key, "account-guid"))
            m->guid = g_strdup (value);
          else if (g_str_has_prefix (key, "alias:"))
            g_ptr_array_add (m->aliases, g_strdup (key + strlen ("alias:")));
        }
      sqlite3_finalize (stmt);
      sqlite3_close (db);
      if ((takeout_identity != NULL && g_strcmp0 (takeout, takeout_identity) != 0) || m->account == NULL)
        {
          journal_meta_free (m);
          continue;
        }
      m->path = g_steal_pointer (&path);
      g_ptr_array_add (out, m);
    }
  return out;
}

static gboolean
same_account (const char *stored, const char *account)
{
  g_autofree char *canonical = NULL;

  if (stored == NULL || account == NULL)
    return FALSE;
  /* journals made before names were made canonical ("Alice@pod") */
  canonical = g_ascii_strdown (stored, -1);
  return g_str_equal (g_strstrip (canonical), account);
}

static gboolean
journal_meta_knows (const JournalMeta *m, const char *account)
{
  if (same_account (m->account, account))
    return TRUE;
  for (guint i = 0; i < m->aliases->len; i++)
    if (same_account (g_ptr_array_index (m->aliases, i), account))
      return TRUE;
  return FALSE;
}

/* Another name under which this journal's account is known (typed
 * differently, reached through another address), for
 * gpm_journal_open_for_account(). */
static gboolean
add_alias (GpmJournal  *self,
           const char  *account,
           GError     **error)
{
  g_autofree char *key = g_strconcat ("alias:", account, NULL);
  g_autofree char *old = NULL;
  gboolean ok = TRUE;

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  old = _gpm_journal_get_meta_locked (self, key);
  if (old == NULL)
    ok = _gpm_journal_set_meta_locked (self, key, "1", error);
  return ok;
}

GpmJournal *
gpm_journal_open_for_account (const char  *takeout_identity,
                              const char  *account,
                              const char  *typed_account,
                              const char  *guid,
                              gboolean     create,
                              GError     **error)
{
  g_autoptr(GPtrArray) found = NULL;
  const JournalMeta *pick = NULL;
  g_autoptr(GpmJournal) journal = NULL;

  g_return_val_if_fail (takeout_identity != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  found = scan_journals (takeout_identity);
  /* 1. this account, kept for this same person on the pod (or not bound yet) */
  for (guint i = 0; i < found->len && pick == NULL; i++)
    {
      const JournalMeta *m = g_ptr_array_index (found, i);

      if (same_account (m->account, account) && (guid == NULL || m->guid == NULL || g_str_equal (m->guid, guid)))
        pick = m;
    }
  /* 2. the same person under another name or address (typed differently
   * before, or the pod moved) */
  for (guint i = 0; guid != NULL && i < found->len && pick == NULL; i++)
    {
      const JournalMeta *m = g_ptr_array_index (found, i);

      if (g_strcmp0 (m->guid, guid) == 0)
        pick = m;
    }
  /* 3. the account's own journal although another person is behind it now
   * (gpm_journal_bind_account() notices and starts over), then what was
   * typed */
  for (guint i = 0; i < found->len && pick == NULL; i++)
    if (same_account (((JournalMeta *) g_ptr_array_index (found, i))->account, account))
      pick = g_ptr_array_index (found, i);
  for (guint i = 0; i < found->len && pick == NULL; i++)
    {
      const JournalMeta *m = g_ptr_array_index (found, i);

      if (journal_meta_knows (m, account) || (typed_account && journal_meta_knows (m, typed_account)))
        pick = m;
    }

  if (pick != NULL)
    journal = gpm_journal_open (pick->path, takeout_identity, pick->account, error);
  else if (create)
    journal = gpm_journal_open_default (takeout_identity, account, error);
  else
    return NULL;
  if (journal == NULL)
    return NULL;
  if ((!same_account (gpm_journal_get_account (journal), account)
       && !add_alias (journal, account, error))
      || (typed_account && !same_account (gpm_journal_get_account (journal), typed_account)
          && !add_alias (journal, typed_account, error)))
    return NULL;
  return g_steal_pointer (&journal);
}

/* Whether @path and @other are one file (a path given two ways). */
static gboolean
same_file (const char *path,
           const char *other)
{
  GStatBuf a, b;

  if (g_strcmp0 (path, other) == 0)
    return TRUE;
  return g_stat (path, &a) == 0 && g_stat (other, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The posted_at of the POSTED rows at or after @since in the journal file
 * at @path, appended to @times: read-only, beside whatever run holds it. */
static void
append_posted_times (const char *path,
                     gint64      since,
                     GArray     *times)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_busy_timeout (db, 2000) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "SELECT posted_at FROM posts WHERE state = 'posted' AND posted_at >= ?1",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      g_debug ("%s not counted: %s", path, db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, since);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 t = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (times, t);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

GArray *
gpm_journal_account_posted_times_since (GpmJournal *self,
                                        gint64      since)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *guid = NULL;
  GArray *times;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);

  times = gpm_journal_posted_times_since (self, since);
  guid = gpm_journal_dup_account_guid (self);
  /* The daily cap protects the pod account: a person's takeout and their
   * page's, each with its journal, into one account post at its pace
   * together. Its other journals: the same account name, or bound to the
   * same person on the pod; every takeout's. */
  found = scan_journals (NULL);
  for (guint i = 0; i < found->len; i++)
    {
      const JournalMeta *m = g_ptr_array_index (found, i);

      if (same_file (m->path, self->path))
        continue;
      if (journal_meta_knows (m, self->account) || (guid != NULL && g_strcmp0 (m->guid, guid) == 0))
        append_posted_times (m->path, since, times);
    }
  return times;
}

char *
gpm_journal_default_path (const char *takeout_identity,
                          const char *account)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *name = NULL;

  g_return_val_if_fail (takeout_identity != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  g_checksum_update (checksum, (const guchar *) takeout_identity, strlen (takeout_identity) + 1);
  g_checksum_update (checksum, (const guchar *) account, strlen (account));
  name = g_strdup_printf ("journal-%.32s.sqlite", g_checksum_get_string (checksum));
  return g_build_filename (g_get_user_data_dir (), "gplus-migrate", name, NULL);
}
