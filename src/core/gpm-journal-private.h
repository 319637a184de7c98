/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-journal-private.h: the journal's instance struct and the database
 * helpers its files share (gpm-journal.c: the object, opening and the
 * schema, the write transaction; -accounts.c: which journal is an
 * account's; -posts.c: the posts' rows; -comments.c: the own comments'
 * rows; -plan.c: the plan's rows). Functions named *_locked() expect
 * self->mutex held. */
#pragma once

#include <sqlite3.h>

#include "gpm-journal.h"
#include "gpm-util.h"

G_BEGIN_DECLS

struct _GpmJournal
{
  GObject  parent_instance;

  GMutex   mutex;       /* guards db */
  sqlite3 *db;
  char    *path;
  char    *account;
  char    *takeout_identity;
  int      lock_fd;
};

/* Sets @error from the connection's last error ("@what failed"); FALSE. */
gboolean      _gpm_journal_set_db_error    (GpmJournal    *self,
                                            GError       **error,
                                            const char    *what);
gboolean      _gpm_journal_exec_locked     (GpmJournal    *self,
                                            const char    *sql,
                                            GError       **error);
sqlite3_stmt *_gpm_journal_prepare_locked  (GpmJournal    *self,
                                            const char    *sql,
                                            GError       **error);
/* NULL binds SQL NULL. */
void          _gpm_journal_bind_text       (sqlite3_stmt  *stmt,
                                            int            column,
                                            const char    *text);
/* A copy of the column, or NULL. */
char         *_gpm_journal_column_text     (sqlite3_stmt  *stmt,
                                            int            column);
char         *_gpm_journal_get_meta_locked (GpmJournal    *self,
                                            const char    *name);
gboolean      _gpm_journal_set_meta_locked (GpmJournal    *self,
                                            const char    *name,
                                            const char    *value,
                                            GError       **error);

/* A write: _gpm_journal_begin_locked() (with @full_sync: synchronous=FULL,
 * so that it is on the disk before the request it announces leaves), the
 * statements, then _gpm_journal_commit_with_event_locked() (the history
 * event, COMMIT), or _gpm_journal_rollback_locked() (FALSE, for the caller
 * to return). */
gboolean      _gpm_journal_begin_locked    (GpmJournal    *self,
                                            gboolean       full_sync,
                                            GError       **error);
gboolean      _gpm_journal_rollback_locked (GpmJournal    *self,
                                            gboolean       full_sync);
gboolean      _gpm_journal_commit_with_event_locked (GpmJournal      *self,
                                                     gboolean         full_sync,
                                                     gint64           now,
                                                     const char      *key,
                                                     GpmJournalState  state,
                                                     const char      *detail,
                                                     GError         **error);

/* One transition of a post's row: @update_sql (its ?1 is the key, ?2 the
 * time, further parameters bound by @bind) and a history event, in one
 * transaction; takes the mutex. Fails with NOT_FOUND when no row matched. */
typedef void (*GpmJournalBindFunc) (sqlite3_stmt *stmt,
                                    gpointer      data);
gboolean      _gpm_journal_transition      (GpmJournal         *self,
                                            const char         *key,
                                            GpmJournalState     state,
                                            gboolean            full_sync,
                                            const char         *update_sql,
                                            GpmJournalBindFunc  bind,
                                            gpointer            bind_data,
                                            const char         *detail,
                                            GError            **error);

G_END_DECLS
