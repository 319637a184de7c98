/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-journal-comments.c: the rows of the user's own comments
 * under a migrated post, written like a post's (ATTEMPTING on the disk
 * before the request leaves, then POSTED or FAILED), and the mark that all
 * of a post's comments were handled */
#define G_LOG_DOMAIN "gpm-journal"

#include "config.h"

#include "gpm-journal-private.h"

GpmJournalComment *
gpm_journal_comment_copy (const GpmJournalComment *comment)
{
  GpmJournalComment *copy = g_memdup2 (comment, sizeof *comment);

  copy->text = g_strdup (comment->text);
  copy->remote_id = g_strdup (comment->remote_id);
  copy->reason = g_strdup (comment->reason);
  return copy;
}

void
gpm_journal_comment_free (GpmJournalComment *comment)
{
  if (comment == NULL)
    return;
  g_free (comment->text);
  g_free (comment->remote_id);
  g_free (comment->reason);
  g_free (comment);
}

G_DEFINE_BOXED_TYPE (GpmJournalComment, gpm_journal_comment,
                     gpm_journal_comment_copy, gpm_journal_comment_free)

GPtrArray *
gpm_journal_list_comments (GpmJournal *self,
                           const char *post_key)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_journal_comment_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), rows);
  g_return_val_if_fail (post_key != NULL, rows);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT idx, state, text, remote_id, reason, updated_at, late, attempted_at FROM comments"
                               " WHERE post_key = ?1 AND idx >= 0 ORDER BY idx", NULL);
  if (stmt != NULL)
    {
      _gpm_journal_bind_text (stmt, 1, post_key);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          GpmJournalComment *c = g_new0 (GpmJournalComment, 1);
          g_autofree char *state = _gpm_journal_column_text (stmt, 1);

          c->index = (guint) sqlite3_column_int (stmt, 0);
          if (!gpm_journal_state_from_string (state, &c->state))
            c->state = GPM_JOURNAL_STATE_FAILED;
          c->text = _gpm_journal_column_text (stmt, 2);
          c->remote_id = _gpm_journal_column_text (stmt, 3);
          c->reason = _gpm_journal_column_text (stmt, 4);
          c->updated_at = sqlite3_column_int64 (stmt, 5);
          c->late = c->state == GPM_JOURNAL_STATE_ATTEMPTING && sqlite3_column_int (stmt, 6) != 0;
          c->attempted_at = sqlite3_column_int64 (stmt, 7);
          g_ptr_array_add (rows, c);
        }
      sqlite3_finalize (stmt);
    }
  return rows;
}

/* One comment row written (and an event), in one transaction. */
static gboolean
set_comment (GpmJournal      *self,
             const char      *post_key,
             gint             index,
             GpmJournalState  state,
             const char      *text,
             const char      *remote_id,
             const char      *reason,
             GError         **error)
{
  gboolean full_sync = state == GPM_JOURNAL_STATE_ATTEMPTING;
  gint64 now = gpm_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *event_key = g_strdup_printf ("%s#comment-%d", post_key, index);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (post_key != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  /* Like a post's ATTEMPTING: on the disk before the request leaves. */
  if (!_gpm_journal_begin_locked (self, full_sync, error))
    return FALSE;
  /* A posted comment never changes again. An attempt is late (its answer
   * may still come) until gpm_journal_set_comment_answered(). */
  stmt = _gpm_journal_prepare_locked (self, "INSERT INTO comments (post_key, idx, state, text, remote_id, reason, updated_at,"
                                      "   late, attempted_at)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, CASE WHEN ?3 = 'attempting' THEN ?7 ELSE 0 END)"
                                      " ON CONFLICT (post_key, idx) DO UPDATE SET state = ?3,"
                                      "   text = COALESCE (?4, text), remote_id = ?5, reason = ?6, updated_at = ?7,"
                                      "   late = CASE WHEN ?3 = 'attempting' THEN 1 ELSE comments.late END,"
                                      "   attempted_at = CASE WHEN ?3 = 'attempting' THEN ?7 ELSE comments.attempted_at END"
                                      " WHERE comments.state != 'posted'", error);
  if (stmt == NULL)
    return _gpm_journal_rollback_locked (self, full_sync);
  _gpm_journal_bind_text (stmt, 1, post_key);
  sqlite3_bind_int (stmt, 2, index);
  _gpm_journal_bind_text (stmt, 3, gpm_journal_state_to_string (state));
  _gpm_journal_bind_text (stmt, 4, text);
  _gpm_journal_bind_text (stmt, 5, remote_id);
  _gpm_journal_bind_text (stmt, 6, reason);
  sqlite3_bind_int64 (stmt, 7, now);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _gpm_journal_set_db_error (self, error, "UPSERT comment");
      return _gpm_journal_rollback_locked (self, full_sync);
    }
  return _gpm_journal_commit_with_event_locked (self, full_sync, now, event_key, state, remote_id != NULL ? remote_id : reason, error);
}

gboolean
gpm_journal_set_comment_attempting (GpmJournal  *self,
                                    const char  *post_key,
                                    guint        index,
                                    const char  *text,
                                    GError     **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  return set_comment (self, post_key, (gint) index, GPM_JOURNAL_STATE_ATTEMPTING, text, NULL, NULL, error);
}

gboolean
gpm_journal_set_comment_answered (GpmJournal  *self,
                                  const char  *post_key,
                                  guint        index,
                                  const char  *why,
                                  GError     **error)
{
  gint64 now = gpm_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *event_key = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (post_key != NULL, FALSE);

  event_key = g_strdup_printf ("%s#comment-%u", post_key, index);
  detail = g_strdup_printf ("answered: %s", why != NULL ? why : "");
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  if (!_gpm_journal_begin_locked (self, FALSE, error))
    return FALSE;
  /* keeps updated_at and attempted_at: the attempt's time */
  stmt = _gpm_journal_prepare_locked (self, "UPDATE comments SET late = 0"
                                      " WHERE post_key = ?1 AND idx = ?2 AND state = 'attempting'", error);
  if (stmt == NULL)
    return _gpm_journal_rollback_locked (self, FALSE);
  _gpm_journal_bind_text (stmt, 1, post_key);
  sqlite3_bind_int (stmt, 2, (int) index);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _gpm_journal_set_db_error (self, error, "UPDATE comment");
      return _gpm_journal_rollback_locked (self, FALSE);
    }
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND,
                   "The migration journal has no attempt of comment %u of %s", index + 1, post_key);
      return _gpm_journal_rollback_locked (self, FALSE);
    }
  return _gpm_journal_commit_with_event_locked (self, FALSE, now, event_key, GPM_JOURNAL_STATE_ATTEMPTING, detail, error);
}

gboolean
gpm_journal_set_comment_posted (GpmJournal  *self,
                                const char  *post_key,
                                guint        index,
                                const char  *remote_id,
                                GError     **error)
{
  return set_comment (self, post_key, (gint) index, GPM_JOURNAL_STATE_POSTED, NULL, remote_id, NULL, error);
}

gboolean
gpm_journal_set_comment_failed (GpmJournal  *self,
                                const char  *post_key,
                                guint        index,
                                const char  *reason,
                                GError     **error)
{
  return set_comment (self, post_key, (gint) index, GPM_JOURNAL_STATE_FAILED, NULL, NULL, reason, error);
}

gboolean
gpm_journal_set_comments_done (GpmJournal  *self,
                               const char  *post_key,
                               GError     **error)
{
  return set_comment (self, post_key, -1, GPM_JOURNAL_STATE_POSTED, NULL, NULL, NULL, error);
}

gboolean
gpm_journal_comments_done (GpmJournal *self,
                           const char *post_key)
{
  sqlite3_stmt *stmt;
  gboolean done = FALSE;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (post_key != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT 1 FROM comments WHERE post_key = ?1 AND idx = -1", NULL);
  if (stmt != NULL)
    {
      _gpm_journal_bind_text (stmt, 1, post_key);
      done = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_finalize (stmt);
    }
  return done;
}
