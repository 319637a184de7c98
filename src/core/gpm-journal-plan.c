/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-journal-plan.c: the migration plan's rows, which the
 * plan module (gpm-plan.c) writes and reads; the journal only keeps them,
 * replaced as a whole */
#define G_LOG_DOMAIN "gpm-journal"

#include "config.h"

#include "gpm-journal-private.h"

void
gpm_journal_plan_row_free (GpmJournalPlanRow *row)
{
  if (row == NULL)
    return;
  g_free (row->part);
  g_free (row->key);
  g_free (row->value);
  g_free (row);
}

gboolean
gpm_journal_replace_plan (GpmJournal  *self,
                          GPtrArray   *rows,
                          GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (rows != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  if (!_gpm_journal_exec_locked (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!_gpm_journal_exec_locked (self, "DELETE FROM plan", error))
    goto rollback;
  stmt = _gpm_journal_prepare_locked (self, "INSERT OR REPLACE INTO plan (part, key, value) VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    goto rollback;
  for (guint i = 0; i < rows->len; i++)
    {
      const GpmJournalPlanRow *row = g_ptr_array_index (rows, i);

      sqlite3_reset (stmt);
      _gpm_journal_bind_text (stmt, 1, row->part);
      _gpm_journal_bind_text (stmt, 2, row->key);
      _gpm_journal_bind_text (stmt, 3, row->value != NULL ? row->value : "");
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          _gpm_journal_set_db_error (self, error, "INSERT plan");
          goto rollback;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!_gpm_journal_exec_locked (self, "COMMIT", error))
    goto rollback;
  return TRUE;

rollback:
  g_clear_pointer (&stmt, sqlite3_finalize);
  _gpm_journal_exec_locked (self, "ROLLBACK", NULL);
  return FALSE;
}

GPtrArray *
gpm_journal_list_plan (GpmJournal  *self,
                       GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_journal_plan_row_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = _gpm_journal_prepare_locked (self, "SELECT part, key, value FROM plan ORDER BY part, key", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GpmJournalPlanRow *row = g_new0 (GpmJournalPlanRow, 1);

      row->part = _gpm_journal_column_text (stmt, 0);
      row->key = _gpm_journal_column_text (stmt, 1);
      row->value = _gpm_journal_column_text (stmt, 2);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _gpm_journal_set_db_error (self, error, "SELECT plan");
      return NULL;
    }
  return g_steal_pointer (&rows);
}
