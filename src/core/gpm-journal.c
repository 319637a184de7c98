/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-journal.c: the GpmJournal object and its database: opening
 * it (the schema, and the columns added since, for older journals), the
 * account's guid, the lock, and the transaction every write goes through
 * (a row's transition with its history event, synchronous=FULL before a
 * request leaves). The rows are in gpm-journal-posts.c, -comments.c and
 * -plan.c, finding an account's journal in -accounts.c; they share
 * gpm-journal-private.h */
#define G_LOG_DOMAIN "gpm-journal"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "gpm-journal-private.h"

/* 2: late and attempted_at in posts and comments (added by ALTER TABLE
 * when a version 1 journal is opened; see added_columns). */
#define SCHEMA_VERSION "2"

G_DEFINE_FINAL_TYPE (GpmJournal, gpm_journal, G_TYPE_OBJECT)

G_DEFINE_QUARK (gpm-journal-error-quark, gpm_journal_error)

static const char * const state_names[GPM_JOURNAL_N_STATES] = {
  "pending", "uploading", "attempting", "posted", "failed", "skipped",
};

const char *
gpm_journal_state_to_string (GpmJournalState state)
{
  g_return_val_if_fail (state < GPM_JOURNAL_N_STATES, NULL);
  return state_names[state];
}

gboolean
gpm_journal_state_from_string (const char      *str,
                               GpmJournalState *out_state)
{
  for (guint i = 0; i < GPM_JOURNAL_N_STATES; i++)
    if (g_strcmp0 (str, state_names[i]) == 0)
      {
        if (out_state != NULL)
          *out_state = i;
        return TRUE;
      }
  return FALSE;
}

static void
gpm_journal_finalize (GObject *object)
{
  GpmJournal *self = (GpmJournal *) object;

  gpm_journal_unlock (self);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_mutex_clear (&self->mutex);
  g_free (self->path);
  g_free (self->account);
  g_free (self->takeout_identity);

  G_OBJECT_CLASS (gpm_journal_parent_class)->finalize (object);
}

static void
gpm_journal_class_init (GpmJournalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gpm_journal_finalize;
}

static void
gpm_journal_init (GpmJournal *self)
{
  g_mutex_init (&self->mutex);
  self->lock_fd = -1;
}

gboolean
_gpm_journal_set_db_error (GpmJournal  *self,
                           GError     **error,
                           const char  *what)
{
  g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_DATABASE,
               _("Migration journal %s: %s failed: %s"),
               self->path, what, sqlite3_errmsg (self->db));
  return FALSE;
}

/* With the mutex held. */
gboolean
_gpm_journal_exec_locked (GpmJournal  *self,
                          const char  *sql,
                          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_DATABASE,
                   _("Migration journal %s: %s"), self->path,
                   message != NULL ? message : sqlite3_errmsg (self->db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
_gpm_journal_prepare_locked (GpmJournal  *self,
                             const char  *sql,
                             GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _gpm_journal_set_db_error (self, error, "prepare");
      return NULL;
    }
  return stmt;
}

void
_gpm_journal_bind_text (sqlite3_stmt *stmt,
                        int           column,
                        const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

char *
_gpm_journal_column_text (sqlite3_stmt *stmt,
                          int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

char *
_gpm_journal_get_meta_locked (GpmJournal *self,
                              const char *name)
{
  sqlite3_stmt *stmt = _gpm_journal_prepare_locked (self, "SELECT value FROM meta WHERE name = ?1", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  _gpm_journal_bind_text (stmt, 1, name);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = _gpm_journal_column_text (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

gboolean
_gpm_journal_set_meta_locked (GpmJournal  *self,
                              const char  *name,
                              const char  *value,
                              GError     **error)
{
  sqlite3_stmt *stmt = _gpm_journal_prepare_locked (self, "INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)", error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  _gpm_journal_bind_text (stmt, 1, name);
  _gpm_journal_bind_text (stmt, 2, value);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    return _gpm_journal_set_db_error (self, error, "INSERT meta");
  return TRUE;
}

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS meta ("
  "  name  TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS posts ("
  "  key        TEXT PRIMARY KEY,"
  "  entry_name TEXT NOT NULL,"
  "  created    INTEGER NOT NULL DEFAULT 0,"
  "  state      TEXT NOT NULL DEFAULT 'pending',"
  "  attempts   INTEGER NOT NULL DEFAULT 0,"
  "  text       TEXT,"
  "  visibility TEXT,"
  "  remote_id  TEXT,"
  "  guid       TEXT,"
  "  posted_at  INTEGER NOT NULL DEFAULT 0,"
  "  reason     TEXT,"
  "  updated_at INTEGER NOT NULL DEFAULT 0,"
  "  by_user    INTEGER NOT NULL DEFAULT 0,"
  "  late       INTEGER NOT NULL DEFAULT 1,"
  "  attempted_at INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS posts_posted ON posts (state, posted_at);"
  "CREATE INDEX IF NOT EXISTS posts_remote ON posts (remote_id);"
  "CREATE INDEX IF NOT EXISTS posts_guid ON posts (guid);"
  "CREATE TABLE IF NOT EXISTS photos ("
  "  post_key  TEXT NOT NULL,"
  "  idx       INTEGER NOT NULL,"
  "  source    TEXT,"
  "  remote_id TEXT NOT NULL,"
  "  PRIMARY KEY (post_key, idx));"
  /* Every transition, for the migration log and for anyone auditing. */
  "CREATE TABLE IF NOT EXISTS events ("
  "  id     INTEGER PRIMARY KEY,"
  "  time   INTEGER NOT NULL,"
  "  key    TEXT NOT NULL,"
  "  state  TEXT NOT NULL,"
  "  detail TEXT);"
  /* The user's own comments posted under a migrated post (added later:
   * CREATE … IF NOT EXISTS brings older journals along). idx -1 is the
   * post's "all its comments handled" mark. */
  "CREATE TABLE IF NOT EXISTS comments ("
  "  post_key   TEXT NOT NULL,"
  "  idx        INTEGER NOT NULL,"
  "  state      TEXT NOT NULL,"
  "  text       TEXT,"
  "  remote_id  TEXT,"
  "  reason     TEXT,"
  "  updated_at INTEGER NOT NULL DEFAULT 0,"
  "  late       INTEGER NOT NULL DEFAULT 1,"
  "  attempted_at INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (post_key, idx));"
  /* The user's migration plan (gpm-plan.c, issue 17; added later like
   * comments): rows of (part, key, value) the plan module writes and reads,
   * replaced as a whole. */
  "CREATE TABLE IF NOT EXISTS plan ("
  "  part  TEXT NOT NULL,"
  "  key   TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  PRIMARY KEY (part, key));";

/* Columns of the posts table added after the first journals were written:
 * a journal without one gets it (and what it means for the rows already
 * there) when it is opened. Older code opening a newer journal ignores
 * them. */
static const struct {
  const char *table;
  const char *name;
  const char *add_sql;
} added_columns[] = {
  { "posts", "by_user", "ALTER TABLE posts ADD COLUMN by_user INTEGER NOT NULL DEFAULT 0" },
  /* Whether the pod may still save an ATTEMPTING row's post (its answer
   * never came) and when it was sent. A journal from before cannot tell a
   * timeout from a refusal: its ATTEMPTING rows are taken as "may come
   * late" (DEFAULT 1), their attempt time the row's updated_at (what every
   * transition but the attempt's own left alone, gpm_journal_set_incomplete()
   * included). The safe side: at worst a restart within the settle time
   * of such an attempt waits for it (one look when it is older), where
   * taking a late save for a refusal would send the post twice. */
  { "posts", "late", "ALTER TABLE posts ADD COLUMN late INTEGER NOT NULL DEFAULT 1" },
  { "posts", "attempted_at", "ALTER TABLE posts ADD COLUMN attempted_at INTEGER NOT NULL DEFAULT 0;"
                             "UPDATE posts SET attempted_at = updated_at WHERE state = 'attempting'" },
  /* The same for a comment's attempt (set_comment() keeps updated_at the
   * attempt's time while it is ATTEMPTING). */
  { "comments", "late", "ALTER TABLE comments ADD COLUMN late INTEGER NOT NULL DEFAULT 1" },
  { "comments", "attempted_at", "ALTER TABLE comments ADD COLUMN attempted_at INTEGER NOT NULL DEFAULT 0;"
                                "UPDATE comments SET attempted_at = updated_at WHERE state = 'attempting'" },
};

GpmJournal *
gpm_journal_open (const char  *path,
                  const char  *takeout_identity,
                  const char  *account,
                  GError     **error)
{
  g_autoptr(GpmJournal) self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *old_identity = NULL;
  g_autofree char *old_account = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (takeout_identity != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  self = g_object_new (GPM_TYPE_JOURNAL, NULL);
  self->path = g_strdup (path);
  self->account = g_strdup (account);
  self->takeout_identity = g_strdup (takeout_identity);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_DATABASE,
                   _("Cannot open the migration journal %s: %s"), path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  /* A reader (status) and the worker may open it at the same time. */
  sqlite3_busy_timeout (self->db, 10000);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  if (!_gpm_journal_exec_locked (self,
                                 "PRAGMA journal_mode=WAL;"
                                 "PRAGMA synchronous=NORMAL;"
                                 "PRAGMA foreign_keys=ON;", error) ||
      !_gpm_journal_exec_locked (self, "BEGIN IMMEDIATE", error))
    return NULL;
  if (!_gpm_journal_exec_locked (self, schema_sql, error))
    goto rollback;
  for (guint i = 0; i < G_N_ELEMENTS (added_columns); i++)
    {
      g_autofree char *query = g_strdup_printf ("SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'",
                                                added_columns[i].table, added_columns[i].name);
      sqlite3_stmt *info = _gpm_journal_prepare_locked (self, query, error);
      gboolean has_column;

      if (info == NULL)
        goto rollback;
      has_column = sqlite3_step (info) == SQLITE_ROW;
      sqlite3_finalize (info);
      if (!has_column &&
          (!_gpm_journal_exec_locked (self, added_columns[i].add_sql, error) ||
           !_gpm_journal_set_meta_locked (self, "version", SCHEMA_VERSION, error)))
        goto rollback;
    }

  old_identity = _gpm_journal_get_meta_locked (self, "takeout");
  old_account = _gpm_journal_get_meta_locked (self, "account");
  if ((old_identity != NULL && strcmp (old_identity, takeout_identity) != 0) ||
      (old_account != NULL && strcmp (old_account, account) != 0))
    {
      g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_MISMATCH,
                   _("The migration journal %s belongs to another takeout or account (%s, %s)"),
                   path, old_identity ? old_identity : "?", old_account ? old_account : "?");
      goto rollback;
    }
  if (old_identity == NULL &&
      (!_gpm_journal_set_meta_locked (self, "takeout", takeout_identity, error) ||
       !_gpm_journal_set_meta_locked (self, "account", account, error) ||
       !_gpm_journal_set_meta_locked (self, "version", SCHEMA_VERSION, error)))
    goto rollback;
  if (!_gpm_journal_exec_locked (self, "COMMIT", error))
    goto rollback;

  g_debug ("Opened journal %s for %s", path, account);
  return g_steal_pointer (&self);

rollback:
  _gpm_journal_exec_locked (self, "ROLLBACK", NULL);
  return NULL;
}

GpmJournal *
gpm_journal_open_default (const char  *takeout_identity,
                          const char  *account,
                          GError     **error)
{
  g_autofree char *path = gpm_journal_default_path (takeout_identity, account);

  return gpm_journal_open (path, takeout_identity, account, error);
}

const char *
gpm_journal_get_path (GpmJournal *self)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);
  return self->path;
}

const char *
gpm_journal_get_account (GpmJournal *self)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);
  return self->account;
}

const char *
gpm_journal_get_takeout_identity (GpmJournal *self)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);
  return self->takeout_identity;
}

gboolean
gpm_journal_bind_account (GpmJournal  *self,
                          const char  *guid,
                          gboolean    *out_reset,
                          GError     **error)
{
  g_autofree char *old = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);

  if (out_reset != NULL)
    *out_reset = FALSE;
  if (guid == NULL || *guid == '\0')
    return TRUE;

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  if (!_gpm_journal_exec_locked (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  old = _gpm_journal_get_meta_locked (self, "account-guid");
  if (g_strcmp0 (old, guid) == 0)
    {
      _gpm_journal_exec_locked (self, "COMMIT", NULL);
      return TRUE;
    }
  if (old != NULL)
    {
      g_autofree char *detail = g_strdup_printf ("account %s was %s, is %s now", self->account, old, guid);

      if (!_gpm_journal_exec_locked (self, "DELETE FROM posts; DELETE FROM photos; DELETE FROM comments;", error))
        goto rollback;
      stmt = _gpm_journal_prepare_locked (self, "INSERT INTO events (time, key, state, detail) VALUES (?1, '*', 'reset', ?2)", error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_int64 (stmt, 1, gpm_get_real_time () / G_USEC_PER_SEC);
      _gpm_journal_bind_text (stmt, 2, detail);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          _gpm_journal_set_db_error (self, error, "INSERT event");
          sqlite3_finalize (stmt);
          goto rollback;
        }
      sqlite3_finalize (stmt);
      g_message ("%s: %s; starting over", self->path, detail);
      if (out_reset != NULL)
        *out_reset = TRUE;
    }
  if (!_gpm_journal_set_meta_locked (self, "account-guid", guid, error) ||
      !_gpm_journal_exec_locked (self, "COMMIT", error))
    goto rollback;
  return TRUE;

rollback:
  _gpm_journal_exec_locked (self, "ROLLBACK", NULL);
  return FALSE;
}

char *
gpm_journal_dup_account_guid (GpmJournal *self)
{
  char *guid;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  guid = _gpm_journal_get_meta_locked (self, "account-guid");
  return guid;
}

gboolean
gpm_journal_lock (GpmJournal  *self,
                  GError     **error)
{
  g_autofree char *lock_path = NULL;
  int fd;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);

  if (self->lock_fd >= 0)
    return TRUE;

  lock_path = g_strconcat (self->path, ".lock", NULL);
  /* The holder removes the file as it releases it (gpm_journal_unlock()):
   * one opened before that is a file no longer at the path, whose lock
   * keeps out nobody who opens the path now. So the lock counts only on
   * the file that is at the path; else it is opened again. */
  for (guint tries = 0;; tries++)
    {
      GStatBuf held, at_path;

      fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot open %s: %s"), lock_path, g_strerror (saved_errno));
          return FALSE;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          int saved_errno = errno;
          close (fd);
          if (saved_errno == EWOULDBLOCK)
            g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_BUSY,
                         _("Another migration of this takeout to %s is running"), self->account);
          else
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                         _("Cannot lock %s: %s"), lock_path, g_strerror (saved_errno));
          return FALSE;
        }
      if (fstat (fd, &held) == 0 && g_stat (lock_path, &at_path) == 0 &&
          held.st_dev == at_path.st_dev && held.st_ino == at_path.st_ino)
        break;
      close (fd);
      /* the file replaced under us again and again: someone else's */
      if (tries >= 100)
        {
          g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_BUSY,
                       _("Another migration of this takeout to %s is running"), self->account);
          return FALSE;
        }
    }
  self->lock_fd = fd;
  return TRUE;
}

void
gpm_journal_unlock (GpmJournal *self)
{
  g_return_if_fail (GPM_IS_JOURNAL (self));

  if (self->lock_fd < 0)
    return;
  /* Removed while still held, so nobody locks it between the two and
   * takes it for the lock (gpm_journal_lock() checks the file is the one
   * at the path). A process that dies leaves it; the next release goes. */
  {
    g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);

    if (g_unlink (lock_path) != 0 && errno != ENOENT)
      g_debug ("Removing %s: %s", lock_path, g_strerror (errno));
  }
  flock (self->lock_fd, LOCK_UN);
  close (self->lock_fd);
  self->lock_fd = -1;
}

/* BEGIN IMMEDIATE; with @full_sync, synchronous=FULL first, so that the
 * step is on the disk before the request it announces leaves. */
gboolean
_gpm_journal_begin_locked (GpmJournal  *self,
                           gboolean     full_sync,
                           GError     **error)
{
  if ((full_sync && !_gpm_journal_exec_locked (self, "PRAGMA synchronous=FULL", error)) ||
      !_gpm_journal_exec_locked (self, "BEGIN IMMEDIATE", error))
    {
      if (full_sync)
        _gpm_journal_exec_locked (self, "PRAGMA synchronous=NORMAL", NULL);
      return FALSE;
    }
  return TRUE;
}

/* Undoes what _gpm_journal_begin_locked() began; FALSE, for the caller to return. */
gboolean
_gpm_journal_rollback_locked (GpmJournal *self,
                              gboolean    full_sync)
{
  _gpm_journal_exec_locked (self, "ROLLBACK", NULL);
  if (full_sync)
    _gpm_journal_exec_locked (self, "PRAGMA synchronous=NORMAL", NULL);
  return FALSE;
}

/* The end of a write begun with _gpm_journal_begin_locked(): the event appended, then
 * COMMIT; rolled back when either fails. */
gboolean
_gpm_journal_commit_with_event_locked (GpmJournal       *self,
                                       gboolean          full_sync,
                                       gint64            now,
                                       const char       *key,
                                       GpmJournalState   state,
                                       const char       *detail,
                                       GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _gpm_journal_prepare_locked (self, "INSERT INTO events (time, key, state, detail) VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return _gpm_journal_rollback_locked (self, full_sync);
  sqlite3_bind_int64 (stmt, 1, now);
  _gpm_journal_bind_text (stmt, 2, key);
  _gpm_journal_bind_text (stmt, 3, state_names[state]);
  _gpm_journal_bind_text (stmt, 4, detail);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _gpm_journal_set_db_error (self, error, "INSERT event");
      return _gpm_journal_rollback_locked (self, full_sync);
    }
  if (!_gpm_journal_exec_locked (self, "COMMIT", error))
    return _gpm_journal_rollback_locked (self, full_sync);
  if (full_sync)
    _gpm_journal_exec_locked (self, "PRAGMA synchronous=NORMAL", NULL);
  return TRUE;
}

gboolean
_gpm_journal_transition (GpmJournal      *self,
                         const char      *key,
                         GpmJournalState  state,
                         gboolean         full_sync,
                         const char      *update_sql,
                         GpmJournalBindFunc bind,
                         gpointer         bind_data,
                         const char      *detail,
                         GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 now = gpm_get_real_time () / G_USEC_PER_SEC;
  int changes;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  if (!_gpm_journal_begin_locked (self, full_sync, error))
    return FALSE;

  stmt = _gpm_journal_prepare_locked (self, update_sql, error);
  if (stmt == NULL)
    return _gpm_journal_rollback_locked (self, full_sync);
  _gpm_journal_bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, now);
  if (bind != NULL)
    bind (stmt, bind_data);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _gpm_journal_set_db_error (self, error, "UPDATE post");
      return _gpm_journal_rollback_locked (self, full_sync);
    }
  changes = sqlite3_changes (self->db);
  if (changes == 0)
    {
      g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND,
                   _("The migration journal has no record of %s in a state that allows “%s”"),
                   key, state_names[state]);
      return _gpm_journal_rollback_locked (self, full_sync);
    }
  return _gpm_journal_commit_with_event_locked (self, full_sync, now, key, state, detail, error);
}

gboolean
gpm_journal_flush (GpmJournal  *self,
                   GError     **error)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  /* A checkpoint syncs the WAL, then the database. */
  return _gpm_journal_exec_locked (self, "PRAGMA wal_checkpoint(PASSIVE)", error);
}
