/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-journal-posts.c: one row per post: adding the rows,
 * reading them, the photos of the next attempt, every transition of a
 * post's state (each one transaction with its history event), and the
 * counts the migrator paces itself by */
#define G_LOG_DOMAIN "gpm-journal"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-journal-private.h"

G_DEFINE_BOXED_TYPE (GpmJournalEntry, gpm_journal_entry,
                     gpm_journal_entry_copy, gpm_journal_entry_free)

GpmJournalEntry *
gpm_journal_entry_copy (const GpmJournalEntry *entry)
{
  GpmJournalEntry *copy = g_new0 (GpmJournalEntry, 1);

  *copy = *entry;
  copy->key = g_strdup (entry->key);
  copy->entry_name = g_strdup (entry->entry_name);
  copy->text = g_strdup (entry->text);
  copy->visibility = g_strdup (entry->visibility);
  copy->remote_id = g_strdup (entry->remote_id);
  copy->guid = g_strdup (entry->guid);
  copy->reason = g_strdup (entry->reason);
  return copy;
}

void
gpm_journal_entry_free (GpmJournalEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->key);
  g_free (entry->entry_name);
  g_free (entry->text);
  g_free (entry->visibility);
  g_free (entry->remote_id);
  g_free (entry->guid);
  g_free (entry->reason);
  g_free (entry);
}

const char *
gpm_journal_post_key (GpmPost *post)
{
  const char *key = gpm_post_get_resource_name (post);

  if (key != NULL && *key != '\0')
    return key;
  return gpm_post_get_entry_name (post);
}

gboolean
gpm_journal_ensure (GpmJournal  *self,
                    const char  *key,
                    const char  *entry_name,
                    gint64       created,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self,
                                      "INSERT OR IGNORE INTO posts (key, entry_name, created, state, updated_at)"
                                      " VALUES (?1, ?2, ?3, 'pending', ?4)", error);
  if (stmt == NULL)
    return FALSE;
  _gpm_journal_bind_text (stmt, 1, key);
  _gpm_journal_bind_text (stmt, 2, entry_name != NULL ? entry_name : key);
  sqlite3_bind_int64 (stmt, 3, created);
  sqlite3_bind_int64 (stmt, 4, gpm_get_real_time () / G_USEC_PER_SEC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    _gpm_journal_set_db_error (self, error, "INSERT post");
  return ok;
}

gboolean
gpm_journal_ensure_post (GpmJournal  *self,
                         GpmPost     *post,
                         GError     **error)
{
  GDateTime *created;

  g_return_val_if_fail (GPM_IS_POST (post), FALSE);

  created = gpm_post_get_creation_time (post);
  return gpm_journal_ensure (self, gpm_journal_post_key (post), gpm_post_get_entry_name (post),
                             created != NULL ? g_date_time_to_unix (created) : 0, error);
}

/* The takeout's fingerprint is the journal's rows: each post's key with
 * its creation time, written by the first run. A post of @posts whose key
 * the journal knows with another creation time is another post (a
 * different takeout at the same path, the journal found by the same
 * author or the same entry names): posting by the journal's states would
 * send wrong things, or miss some. A takeout downloaded again (the same
 * posts, its files perhaps named otherwise) has the same keys and times.
 * A post without a creation time says nothing. Caller holds the lock. */
static gboolean
check_same_takeout_locked (GpmJournal  *self,
                           GPtrArray   *posts,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  guint n_differ = 0;
  g_autofree char *example = NULL;
  gint64 example_here = 0, example_there = 0;

  stmt = _gpm_journal_prepare_locked (self, "SELECT created FROM posts WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      GDateTime *created = gpm_post_get_creation_time (post);
      gint64 here = created != NULL ? g_date_time_to_unix (created) : 0;
      gint64 there;

      if (here == 0)
        continue;
      sqlite3_reset (stmt);
      _gpm_journal_bind_text (stmt, 1, gpm_journal_post_key (post));
      if (sqlite3_step (stmt) != SQLITE_ROW)
        continue;
      there = sqlite3_column_int64 (stmt, 0);
      if (there == 0 || there == here)
        continue;
      if (n_differ++ == 0)
        {
          example = g_strdup (gpm_post_get_entry_name (post));
          example_here = here;
          example_there = there;
        }
    }
  sqlite3_finalize (stmt);
  if (n_differ > 0)
    {
      g_autoptr(GDateTime) here = g_date_time_new_from_unix_utc (example_here);
      g_autoptr(GDateTime) there = g_date_time_new_from_unix_utc (example_there);
      g_autofree char *here_s = g_date_time_format (here, "%Y-%m-%d %H:%M:%S UTC");
      g_autofree char *there_s = g_date_time_format (there, "%Y-%m-%d %H:%M:%S UTC");

      g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_MISMATCH,
                   g_dngettext (GETTEXT_PACKAGE,
                                "This takeout is not the one this migration began with: %u post has the name of "
                                "one it knows but another date (%s: written %s, the migration knows %s). Open "
                                "the takeout the migration began with; nothing was sent.",
                                "This takeout is not the one this migration began with: %u posts have the names of "
                                "ones it knows but other dates (%s: written %s, the migration knows %s). Open "
                                "the takeout the migration began with; nothing was sent.", n_differ),
                   n_differ, example, here_s, there_s);
      return FALSE;
    }
  return TRUE;
}

gboolean
gpm_journal_ensure_posts (GpmJournal  *self,
                          GPtrArray   *posts,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 now = gpm_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (posts != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  if (!_gpm_journal_exec_locked (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!check_same_takeout_locked (self, posts, error))
    goto rollback;
  stmt = _gpm_journal_prepare_locked (self,
                                      "INSERT OR IGNORE INTO posts (key, entry_name, created, state, updated_at)"
                                      " VALUES (?1, ?2, ?3, 'pending', ?4)", error);
  if (stmt == NULL)
    goto rollback;
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      GDateTime *created = gpm_post_get_creation_time (post);

      sqlite3_reset (stmt);
      _gpm_journal_bind_text (stmt, 1, gpm_journal_post_key (post));
      _gpm_journal_bind_text (stmt, 2, gpm_post_get_entry_name (post));
      sqlite3_bind_int64 (stmt, 3, created != NULL ? g_date_time_to_unix (created) : 0);
      sqlite3_bind_int64 (stmt, 4, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          _gpm_journal_set_db_error (self, error, "INSERT post");
          sqlite3_finalize (stmt);
          goto rollback;
        }
    }
  sqlite3_finalize (stmt);
  if (!_gpm_journal_exec_locked (self, "COMMIT", error))
    goto rollback;
  return TRUE;

rollback:
  _gpm_journal_exec_locked (self, "ROLLBACK", NULL);
  return FALSE;
}

#define ENTRY_COLUMNS \
  "key, entry_name, created, state, attempts, text, visibility, remote_id, guid," \
  " posted_at, reason, updated_at, by_user, late, attempted_at"

static GpmJournalEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  GpmJournalEntry *entry = g_new0 (GpmJournalEntry, 1);

  entry->key = _gpm_journal_column_text (stmt, 0);
  entry->entry_name = _gpm_journal_column_text (stmt, 1);
  entry->created = sqlite3_column_int64 (stmt, 2);
  if (!gpm_journal_state_from_string ((const char *) sqlite3_column_text (stmt, 3), &entry->state))
    entry->state = GPM_JOURNAL_STATE_PENDING;
  entry->attempts = (guint) sqlite3_column_int (stmt, 4);
  entry->text = _gpm_journal_column_text (stmt, 5);
  entry->visibility = _gpm_journal_column_text (stmt, 6);
  entry->remote_id = _gpm_journal_column_text (stmt, 7);
  entry->guid = _gpm_journal_column_text (stmt, 8);
  entry->posted_at = sqlite3_column_int64 (stmt, 9);
  entry->reason = _gpm_journal_column_text (stmt, 10);
  entry->updated_at = sqlite3_column_int64 (stmt, 11);
  entry->by_user = sqlite3_column_int (stmt, 12) != 0;
  entry->late = entry->state == GPM_JOURNAL_STATE_ATTEMPTING && sqlite3_column_int (stmt, 13) != 0;
  entry->attempted_at = sqlite3_column_int64 (stmt, 14);
  return entry;
}

GpmJournalEntry *
gpm_journal_lookup (GpmJournal  *self,
                    const char  *key,
                    GError     **error)
{
  GpmJournalEntry *entry = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT " ENTRY_COLUMNS " FROM posts WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;
  _gpm_journal_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entry = entry_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND,
                 _("The migration journal has no record of %s"), key);
  else
    _gpm_journal_set_db_error (self, error, "SELECT post");
  sqlite3_finalize (stmt);
  return entry;
}

gboolean
gpm_journal_is_posted (GpmJournal *self,
                       const char *key)
{
  g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (self, key, NULL);

  return entry != NULL && entry->state == GPM_JOURNAL_STATE_POSTED;
}

gboolean
gpm_journal_set_uploading (GpmJournal  *self,
                           const char  *key,
                           GError     **error)
{
  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_UPLOADING, FALSE,
                                  "UPDATE posts SET state = 'uploading', reason = NULL, updated_at = ?2"
                                  " WHERE key = ?1 AND state IN ('pending', 'uploading', 'attempting', 'failed')",
                                  NULL, NULL, NULL, error);
}

gboolean
gpm_journal_add_photo (GpmJournal  *self,
                       const char  *key,
                       guint        index,
                       const char  *source,
                       const char  *remote_id,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (remote_id != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self,
                                      "INSERT OR REPLACE INTO photos (post_key, idx, source, remote_id)"
                                      " VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  _gpm_journal_bind_text (stmt, 1, key);
  sqlite3_bind_int (stmt, 2, (int) index);
  _gpm_journal_bind_text (stmt, 3, source);
  _gpm_journal_bind_text (stmt, 4, remote_id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    _gpm_journal_set_db_error (self, error, "INSERT photo");
  return ok;
}

char *
gpm_journal_get_photo (GpmJournal *self,
                       const char *key,
                       guint       index)
{
  sqlite3_stmt *stmt;
  char *remote_id = NULL;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT remote_id FROM photos WHERE post_key = ?1 AND idx = ?2", NULL);
  if (stmt != NULL)
    {
      _gpm_journal_bind_text (stmt, 1, key);
      sqlite3_bind_int (stmt, 2, (int) index);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        remote_id = _gpm_journal_column_text (stmt, 0);
      sqlite3_finalize (stmt);
    }
  return remote_id;
}

GPtrArray *
gpm_journal_get_photos (GpmJournal *self,
                        const char *key)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), ids);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT remote_id FROM photos WHERE post_key = ?1 ORDER BY idx", NULL);
  if (stmt != NULL)
    {
      _gpm_journal_bind_text (stmt, 1, key);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (ids, _gpm_journal_column_text (stmt, 0));
      sqlite3_finalize (stmt);
    }
  return ids;
}

gboolean
gpm_journal_clear_photos (GpmJournal  *self,
                          const char  *key,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "DELETE FROM photos WHERE post_key = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _gpm_journal_bind_text (stmt, 1, key);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    _gpm_journal_set_db_error (self, error, "DELETE photos");
  return ok;
}

typedef struct {
  const char *s1;
  const char *s2;
  gint64      i1;
} BindArgs;

static void
bind_s1_s2 (sqlite3_stmt *stmt,
            gpointer      data)
{
  BindArgs *args = data;

  _gpm_journal_bind_text (stmt, 3, args->s1);
  _gpm_journal_bind_text (stmt, 4, args->s2);
}

static void
bind_s1 (sqlite3_stmt *stmt,
         gpointer      data)
{
  BindArgs *args = data;

  _gpm_journal_bind_text (stmt, 3, args->s1);
}

static void
bind_posted (sqlite3_stmt *stmt,
             gpointer      data)
{
  BindArgs *args = data;

  _gpm_journal_bind_text (stmt, 3, args->s1);
  _gpm_journal_bind_text (stmt, 4, args->s2);
  sqlite3_bind_int64 (stmt, 5, args->i1);
}

gboolean
gpm_journal_set_attempting (GpmJournal  *self,
                            const char  *key,
                            const char  *text,
                            const char  *visibility,
                            GError     **error)
{
  BindArgs args = { text, visibility, 0 };

  g_return_val_if_fail (text != NULL, FALSE);

  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_ATTEMPTING, TRUE,
                                  "UPDATE posts SET state = 'attempting', attempts = attempts + 1,"
                                  " text = ?3, visibility = ?4, reason = NULL, updated_at = ?2,"
                                  " late = 1, attempted_at = ?2"
                                  " WHERE key = ?1 AND state IN ('pending', 'uploading', 'attempting', 'failed')",
                                  bind_s1_s2, &args, visibility, error);
}

gboolean
gpm_journal_set_posted (GpmJournal  *self,
                        const char  *key,
                        const char  *remote_id,
                        const char  *guid,
                        gint64       posted_at,
                        GError     **error)
{
  BindArgs args = { remote_id, guid, posted_at > 0 ? posted_at : gpm_get_real_time () / G_USEC_PER_SEC };

  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_POSTED, FALSE,
                                  "UPDATE posts SET state = 'posted', remote_id = ?3, guid = ?4,"
                                  " posted_at = ?5, reason = NULL, updated_at = ?2"
                                  " WHERE key = ?1",
                                  bind_posted, &args, remote_id, error);
}

/* These three keep updated_at and attempted_at: the time of the attempt,
 * which the check on the pod looks back to (and a journal from before
 * attempted_at takes from updated_at). */
gboolean
gpm_journal_set_answered (GpmJournal  *self,
                          const char  *key,
                          const char  *why,
                          GError     **error)
{
  g_autofree char *detail = g_strdup_printf ("answered: %s", why != NULL ? why : "");

  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_ATTEMPTING, FALSE,
                                  "UPDATE posts SET late = 0 WHERE key = ?1 AND state = 'attempting'",
                                  NULL, NULL, detail, error);
}

/* The pod answered with the post it saved: nothing more will come. */
gboolean
gpm_journal_set_incomplete (GpmJournal  *self,
                            const char  *key,
                            const char  *remote_id,
                            const char  *guid,
                            GError     **error)
{
  BindArgs args = { remote_id, guid, 0 };
  g_autofree char *detail = g_strdup_printf ("incomplete copy %s", guid);

  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_ATTEMPTING, FALSE,
                                  "UPDATE posts SET remote_id = ?3, guid = ?4, late = 0"
                                  " WHERE key = ?1 AND state = 'attempting'",
                                  bind_s1_s2, &args, detail, error);
}

gboolean
gpm_journal_clear_incomplete (GpmJournal  *self,
                              const char  *key,
                              GError     **error)
{
  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_ATTEMPTING, FALSE,
                                  "UPDATE posts SET remote_id = NULL, guid = NULL"
                                  " WHERE key = ?1 AND state = 'attempting'",
                                  NULL, NULL, "incomplete copy deleted", error);
}

gboolean
gpm_journal_set_failed (GpmJournal  *self,
                        const char  *key,
                        const char  *reason,
                        GError     **error)
{
  BindArgs args = { reason, NULL, 0 };

  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_FAILED, FALSE,
                                  "UPDATE posts SET state = 'failed', reason = ?3, updated_at = ?2"
                                  " WHERE key = ?1 AND state <> 'posted'",
                                  bind_s1, &args, reason, error);
}

gboolean
gpm_journal_set_skipped (GpmJournal  *self,
                         const char  *key,
                         const char  *reason,
                         GError     **error)
{
  BindArgs args = { reason, NULL, 0 };

  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_SKIPPED, FALSE,
                                  "UPDATE posts SET state = 'skipped', reason = ?3, by_user = 0, updated_at = ?2"
                                  " WHERE key = ?1 AND state IN ('pending', 'uploading', 'failed', 'skipped')",
                                  bind_s1, &args, reason, error);
}

gboolean
gpm_journal_set_skipped_by_user (GpmJournal  *self,
                                 const char  *key,
                                 GError     **error)
{
  BindArgs args = { _("Skipped by you"), NULL, 0 };

  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_SKIPPED, FALSE,
                                  "UPDATE posts SET state = 'skipped', reason = ?3, by_user = 1, updated_at = ?2"
                                  " WHERE key = ?1 AND state IN ('pending', 'uploading', 'failed', 'skipped')",
                                  bind_s1, &args, "by user", error);
}

gboolean
gpm_journal_set_pending (GpmJournal  *self,
                         const char  *key,
                         GError     **error)
{
  return _gpm_journal_transition (self, key, GPM_JOURNAL_STATE_PENDING, FALSE,
                                  "UPDATE posts SET state = 'pending', reason = NULL, by_user = 0, updated_at = ?2"
                                  " WHERE key = ?1 AND state IN ('pending', 'uploading', 'failed', 'skipped')",
                                  NULL, NULL, NULL, error);
}

/* The rows in @state (all of them: -1), oldest post first */
static GPtrArray *
list_rows (GpmJournal  *self,
           int          state,
           GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_journal_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self,
                                      state < 0 ? "SELECT " ENTRY_COLUMNS " FROM posts ORDER BY created, entry_name, key"
                                                : "SELECT " ENTRY_COLUMNS " FROM posts WHERE state = ?1"
                                                  " ORDER BY created, entry_name, key",
                                      error);
  if (stmt == NULL)
    return NULL;
  if (state >= 0)
    _gpm_journal_bind_text (stmt, 1, gpm_journal_state_to_string (state));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _gpm_journal_set_db_error (self, error, "SELECT posts");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
gpm_journal_list (GpmJournal  *self,
                  GError     **error)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);
  return list_rows (self, -1, error);
}

GPtrArray *
gpm_journal_list_in_state (GpmJournal       *self,
                           GpmJournalState   state,
                           GError          **error)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (state < GPM_JOURNAL_N_STATES, NULL);
  return list_rows (self, state, error);
}

gboolean
gpm_journal_count (GpmJournal  *self,
                   guint       *counts,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  memset (counts, 0, sizeof (guint) * GPM_JOURNAL_N_STATES);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT state, COUNT(*) FROM posts GROUP BY state", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GpmJournalState state;

      if (gpm_journal_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state))
        counts[state] = (guint) sqlite3_column_int (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    _gpm_journal_set_db_error (self, error, "SELECT counts");
  return rc == SQLITE_DONE;
}

static gint64
query_int64 (GpmJournal *self,
             const char *sql,
             gint64      param)
{
  sqlite3_stmt *stmt;
  gint64 value = 0;

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, sql, NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, param);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  return value;
}

GArray *
gpm_journal_posted_times_since (GpmJournal *self,
                                gint64      since)
{
  sqlite3_stmt *stmt;
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (GPM_IS_JOURNAL (self), times);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT posted_at FROM posts WHERE state = 'posted' AND posted_at >= ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, since);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 t = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (times, t);
        }
      sqlite3_finalize (stmt);
    }
  return times;
}

guint
gpm_journal_clamp_posted_at (GpmJournal *self,
                             gint64      now)
{
  sqlite3_stmt *stmt;
  guint moved = 0;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), 0);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "UPDATE posts SET posted_at = ?1 WHERE state = 'posted' AND posted_at > ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, now);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        moved = (guint) sqlite3_changes (self->db);
      sqlite3_finalize (stmt);
    }
  return moved;
}

gint64
gpm_journal_last_posted_at (GpmJournal *self)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), 0);
  return query_int64 (self, "SELECT IFNULL(MAX(posted_at), 0) FROM posts WHERE state = 'posted' AND ?1 = ?1", 0);
}

GHashTable *
gpm_journal_dup_posted_keys (GpmJournal *self)
{
  sqlite3_stmt *stmt;
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (GPM_IS_JOURNAL (self), keys);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT key FROM posts WHERE state = 'posted'", NULL);
  if (stmt != NULL)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_hash_table_add (keys, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      sqlite3_finalize (stmt);
    }
  return keys;
}

GHashTable *
gpm_journal_dup_states (GpmJournal  *self,
                        GError     **error)
{
  g_autoptr(GHashTable) states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT key, state FROM posts", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GpmJournalState state;

      if (!gpm_journal_state_from_string ((const char *) sqlite3_column_text (stmt, 1), &state))
        state = GPM_JOURNAL_STATE_PENDING;   /* as entry_from_row() reads it */
      g_hash_table_insert (states, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), GINT_TO_POINTER (state + 1));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _gpm_journal_set_db_error (self, error, "SELECT posts");
      return NULL;
    }
  return g_steal_pointer (&states);
}

gboolean
gpm_journal_remote_is_claimed (GpmJournal *self,
                               const char *remote,
                               const char *except_key)
{
  sqlite3_stmt *stmt;
  gboolean claimed = FALSE;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self,
                                      "SELECT 1 FROM posts WHERE (remote_id = ?1 OR guid = ?1) AND state = 'posted'"
                                      " AND key IS NOT ?2 LIMIT 1", NULL);
  if (stmt != NULL)
    {
      _gpm_journal_bind_text (stmt, 1, remote);
      _gpm_journal_bind_text (stmt, 2, except_key);
      claimed = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_finalize (stmt);
    }
  return claimed;
}
