/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-journal"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "gpm-journal.h"
#include "gpm-pod.h"

/* 2: posts.late and posts.attempted_at (added by ALTER TABLE when a
 * version 1 journal is opened; see gpm_journal_open()). */
#define SCHEMA_VERSION "2"

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

G_DEFINE_FINAL_TYPE (GpmJournal, gpm_journal, G_TYPE_OBJECT)

G_DEFINE_QUARK (gpm-journal-error-quark, gpm_journal_error)

G_DEFINE_BOXED_TYPE (GpmJournalEntry, gpm_journal_entry,
                     gpm_journal_entry_copy, gpm_journal_entry_free)

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

static gboolean add_alias (GpmJournal *self, const char *account, GError **error);

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

/* The journals of @takeout_identity in the data folder. */
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
      if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK
          || sqlite3_prepare_v2 (db, "SELECT name, value FROM meta", -1, &stmt, NULL) != SQLITE_OK)
        {
          sqlite3_close (db);
          continue;
        }
      sqlite3_busy_timeout (db, 2000);
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
      if (g_strcmp0 (takeout, takeout_identity) != 0 || m->account == NULL)
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

static gboolean
set_db_error (GpmJournal  *self,
              GError     **error,
              const char  *what)
{
  g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_DATABASE,
               _("Migration journal %s: %s failed: %s"),
               self->path, what, sqlite3_errmsg (self->db));
  return FALSE;
}

/* With the mutex held. */
static gboolean
exec_locked (GpmJournal  *self,
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

static sqlite3_stmt *
prepare_locked (GpmJournal  *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, "prepare");
      return NULL;
    }
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static char *
get_meta_locked (GpmJournal *self,
                 const char *name)
{
  sqlite3_stmt *stmt = prepare_locked (self, "SELECT value FROM meta WHERE name = ?1", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, name);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = column_text (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
set_meta_locked (GpmJournal  *self,
                 const char  *name,
                 const char  *value,
                 GError     **error)
{
  sqlite3_stmt *stmt = prepare_locked (self, "INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)", error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, value);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    return set_db_error (self, error, "INSERT meta");
  return TRUE;
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
  old = get_meta_locked (self, key);
  if (old == NULL)
    ok = set_meta_locked (self, key, "1", error);
  return ok;
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
  const char *name;
  const char *add_sql;
} added_columns[] = {
  { "by_user", "ALTER TABLE posts ADD COLUMN by_user INTEGER NOT NULL DEFAULT 0" },
  /* Whether the pod may still save an ATTEMPTING row's post (its answer
   * never came) and when it was sent. A journal from before cannot tell a
   * timeout from a refusal: its ATTEMPTING rows are taken as "may come
   * late" (DEFAULT 1), their attempt time the row's updated_at (what every
   * transition but the attempt's own left alone, gpm_journal_set_incomplete()
   * included). The safe side: at worst a restart within the settle time
   * of such an attempt waits for it (one look when it is older), where
   * taking a late save for a refusal would send the post twice. */
  { "late", "ALTER TABLE posts ADD COLUMN late INTEGER NOT NULL DEFAULT 1" },
  { "attempted_at", "ALTER TABLE posts ADD COLUMN attempted_at INTEGER NOT NULL DEFAULT 0;"
                    "UPDATE posts SET attempted_at = updated_at WHERE state = 'attempting'" },
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

  g_mutex_lock (&self->mutex);
  if (!exec_locked (self,
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;", error) ||
      !exec_locked (self, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&self->mutex);
      return NULL;
    }
  if (!exec_locked (self, schema_sql, error))
    goto rollback;
  for (guint i = 0; i < G_N_ELEMENTS (added_columns); i++)
    {
      g_autofree char *query = g_strdup_printf ("SELECT 1 FROM pragma_table_info('posts') WHERE name = '%s'",
                                                added_columns[i].name);
      sqlite3_stmt *info = prepare_locked (self, query, error);
      gboolean has_column;

      if (info == NULL)
        goto rollback;
      has_column = sqlite3_step (info) == SQLITE_ROW;
      sqlite3_finalize (info);
      if (!has_column &&
          (!exec_locked (self, added_columns[i].add_sql, error) ||
           !set_meta_locked (self, "version", SCHEMA_VERSION, error)))
        goto rollback;
    }

  old_identity = get_meta_locked (self, "takeout");
  old_account = get_meta_locked (self, "account");
  if ((old_identity != NULL && strcmp (old_identity, takeout_identity) != 0) ||
      (old_account != NULL && strcmp (old_account, account) != 0))
    {
      g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_MISMATCH,
                   _("The migration journal %s belongs to another takeout or account (%s, %s)"),
                   path, old_identity ? old_identity : "?", old_account ? old_account : "?");
      goto rollback;
    }
  if (old_identity == NULL &&
      (!set_meta_locked (self, "takeout", takeout_identity, error) ||
       !set_meta_locked (self, "account", account, error) ||
       !set_meta_locked (self, "version", SCHEMA_VERSION, error)))
    goto rollback;
  if (!exec_locked (self, "COMMIT", error))
    goto rollback;
  g_mutex_unlock (&self->mutex);

  g_debug ("Opened journal %s for %s", path, account);
  return g_steal_pointer (&self);

rollback:
  exec_locked (self, "ROLLBACK", NULL);
  g_mutex_unlock (&self->mutex);
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
  if (!exec_locked (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  old = get_meta_locked (self, "account-guid");
  if (g_strcmp0 (old, guid) == 0)
    {
      exec_locked (self, "COMMIT", NULL);
      return TRUE;
    }
  if (old != NULL)
    {
      g_autofree char *detail = g_strdup_printf ("account %s was %s, is %s now", self->account, old, guid);

      if (!exec_locked (self, "DELETE FROM posts; DELETE FROM photos; DELETE FROM comments;", error))
        goto rollback;
      stmt = prepare_locked (self, "INSERT INTO events (time, key, state, detail) VALUES (?1, '*', 'reset', ?2)", error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
      bind_text (stmt, 2, detail);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_db_error (self, error, "INSERT event");
          sqlite3_finalize (stmt);
          goto rollback;
        }
      sqlite3_finalize (stmt);
      g_message ("%s: %s; starting over", self->path, detail);
      if (out_reset != NULL)
        *out_reset = TRUE;
    }
  if (!set_meta_locked (self, "account-guid", guid, error) ||
      !exec_locked (self, "COMMIT", error))
    goto rollback;
  return TRUE;

rollback:
  exec_locked (self, "ROLLBACK", NULL);
  return FALSE;
}

char *
gpm_journal_dup_account_guid (GpmJournal *self)
{
  char *guid;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  guid = get_meta_locked (self, "account-guid");
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
  self->lock_fd = fd;
  return TRUE;
}

void
gpm_journal_unlock (GpmJournal *self)
{
  g_return_if_fail (GPM_IS_JOURNAL (self));

  if (self->lock_fd < 0)
    return;
  flock (self->lock_fd, LOCK_UN);
  close (self->lock_fd);
  self->lock_fd = -1;
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
  stmt = prepare_locked (self,
                         "INSERT OR IGNORE INTO posts (key, entry_name, created, state, updated_at)"
                         " VALUES (?1, ?2, ?3, 'pending', ?4)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, entry_name != NULL ? entry_name : key);
  sqlite3_bind_int64 (stmt, 3, created);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    set_db_error (self, error, "INSERT post");
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

gboolean
gpm_journal_ensure_posts (GpmJournal  *self,
                          GPtrArray   *posts,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (posts != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  if (!exec_locked (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare_locked (self,
                         "INSERT OR IGNORE INTO posts (key, entry_name, created, state, updated_at)"
                         " VALUES (?1, ?2, ?3, 'pending', ?4)", error);
  if (stmt == NULL)
    goto rollback;
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      GDateTime *created = gpm_post_get_creation_time (post);

      sqlite3_reset (stmt);
      bind_text (stmt, 1, gpm_journal_post_key (post));
      bind_text (stmt, 2, gpm_post_get_entry_name (post));
      sqlite3_bind_int64 (stmt, 3, created != NULL ? g_date_time_to_unix (created) : 0);
      sqlite3_bind_int64 (stmt, 4, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_db_error (self, error, "INSERT post");
          sqlite3_finalize (stmt);
          goto rollback;
        }
    }
  sqlite3_finalize (stmt);
  if (!exec_locked (self, "COMMIT", error))
    goto rollback;
  return TRUE;

rollback:
  exec_locked (self, "ROLLBACK", NULL);
  return FALSE;
}

#define ENTRY_COLUMNS \
  "key, entry_name, created, state, attempts, text, visibility, remote_id, guid," \
  " posted_at, reason, updated_at, by_user, late, attempted_at"

static GpmJournalEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  GpmJournalEntry *entry = g_new0 (GpmJournalEntry, 1);

  entry->key = column_text (stmt, 0);
  entry->entry_name = column_text (stmt, 1);
  entry->created = sqlite3_column_int64 (stmt, 2);
  if (!gpm_journal_state_from_string ((const char *) sqlite3_column_text (stmt, 3), &entry->state))
    entry->state = GPM_JOURNAL_STATE_PENDING;
  entry->attempts = (guint) sqlite3_column_int (stmt, 4);
  entry->text = column_text (stmt, 5);
  entry->visibility = column_text (stmt, 6);
  entry->remote_id = column_text (stmt, 7);
  entry->guid = column_text (stmt, 8);
  entry->posted_at = sqlite3_column_int64 (stmt, 9);
  entry->reason = column_text (stmt, 10);
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
  stmt = prepare_locked (self, "SELECT " ENTRY_COLUMNS " FROM posts WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entry = entry_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND,
                 _("The migration journal has no record of %s"), key);
  else
    set_db_error (self, error, "SELECT post");
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

/* BEGIN IMMEDIATE; with @full_sync, synchronous=FULL first, so that the
 * step is on the disk before the request it announces leaves. */
static gboolean
begin_locked (GpmJournal  *self,
              gboolean     full_sync,
              GError     **error)
{
  if ((full_sync && !exec_locked (self, "PRAGMA synchronous=FULL", error)) ||
      !exec_locked (self, "BEGIN IMMEDIATE", error))
    {
      if (full_sync)
        exec_locked (self, "PRAGMA synchronous=NORMAL", NULL);
      return FALSE;
    }
  return TRUE;
}

/* Undoes what begin_locked() began; FALSE, for the caller to return. */
static gboolean
rollback_locked (GpmJournal *self,
                 gboolean    full_sync)
{
  exec_locked (self, "ROLLBACK", NULL);
  if (full_sync)
    exec_locked (self, "PRAGMA synchronous=NORMAL", NULL);
  return FALSE;
}

/* The end of a write begun with begin_locked(): the event appended, then
 * COMMIT; rolled back when either fails. */
static gboolean
commit_with_event_locked (GpmJournal       *self,
                          gboolean          full_sync,
                          gint64            now,
                          const char       *key,
                          GpmJournalState   state,
                          const char       *detail,
                          GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare_locked (self, "INSERT INTO events (time, key, state, detail) VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return rollback_locked (self, full_sync);
  sqlite3_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, key);
  bind_text (stmt, 3, state_names[state]);
  bind_text (stmt, 4, detail);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "INSERT event");
      return rollback_locked (self, full_sync);
    }
  if (!exec_locked (self, "COMMIT", error))
    return rollback_locked (self, full_sync);
  if (full_sync)
    exec_locked (self, "PRAGMA synchronous=NORMAL", NULL);
  return TRUE;
}

/* One transition: UPDATE the row (the statement's ?1 is the key, ?2 the
 * time, further parameters bound by the caller through @bind) and append an
 * event, in one transaction. Fails with NOT_FOUND when no row matched. */
typedef void (*BindFunc) (sqlite3_stmt *stmt, gpointer data);

static gboolean
transition (GpmJournal      *self,
            const char      *key,
            GpmJournalState  state,
            gboolean         full_sync,
            const char      *update_sql,
            BindFunc         bind,
            gpointer         bind_data,
            const char      *detail,
            GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int changes;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  if (!begin_locked (self, full_sync, error))
    return FALSE;

  stmt = prepare_locked (self, update_sql, error);
  if (stmt == NULL)
    return rollback_locked (self, full_sync);
  bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, now);
  if (bind != NULL)
    bind (stmt, bind_data);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "UPDATE post");
      return rollback_locked (self, full_sync);
    }
  changes = sqlite3_changes (self->db);
  if (changes == 0)
    {
      g_set_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_NOT_FOUND,
                   _("The migration journal has no record of %s in a state that allows “%s”"),
                   key, state_names[state]);
      return rollback_locked (self, full_sync);
    }
  return commit_with_event_locked (self, full_sync, now, key, state, detail, error);
}

gboolean
gpm_journal_flush (GpmJournal  *self,
                   GError     **error)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  /* A checkpoint syncs the WAL, then the database. */
  return exec_locked (self, "PRAGMA wal_checkpoint(PASSIVE)", error);
}

gboolean
gpm_journal_set_uploading (GpmJournal  *self,
                           const char  *key,
                           GError     **error)
{
  return transition (self, key, GPM_JOURNAL_STATE_UPLOADING, FALSE,
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
  stmt = prepare_locked (self,
                         "INSERT OR REPLACE INTO photos (post_key, idx, source, remote_id)"
                         " VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  sqlite3_bind_int (stmt, 2, (int) index);
  bind_text (stmt, 3, source);
  bind_text (stmt, 4, remote_id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    set_db_error (self, error, "INSERT photo");
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
  stmt = prepare_locked (self, "SELECT remote_id FROM photos WHERE post_key = ?1 AND idx = ?2", NULL);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, key);
      sqlite3_bind_int (stmt, 2, (int) index);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        remote_id = column_text (stmt, 0);
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
  stmt = prepare_locked (self, "SELECT remote_id FROM photos WHERE post_key = ?1 ORDER BY idx", NULL);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, key);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (ids, column_text (stmt, 0));
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
  stmt = prepare_locked (self, "DELETE FROM photos WHERE post_key = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    set_db_error (self, error, "DELETE photos");
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

  bind_text (stmt, 3, args->s1);
  bind_text (stmt, 4, args->s2);
}

static void
bind_s1 (sqlite3_stmt *stmt,
         gpointer      data)
{
  BindArgs *args = data;

  bind_text (stmt, 3, args->s1);
}

static void
bind_posted (sqlite3_stmt *stmt,
             gpointer      data)
{
  BindArgs *args = data;

  bind_text (stmt, 3, args->s1);
  bind_text (stmt, 4, args->s2);
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

  return transition (self, key, GPM_JOURNAL_STATE_ATTEMPTING, TRUE,
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
  BindArgs args = { remote_id, guid, posted_at > 0 ? posted_at : g_get_real_time () / G_USEC_PER_SEC };

  return transition (self, key, GPM_JOURNAL_STATE_POSTED, FALSE,
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

  return transition (self, key, GPM_JOURNAL_STATE_ATTEMPTING, FALSE,
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

  return transition (self, key, GPM_JOURNAL_STATE_ATTEMPTING, FALSE,
                     "UPDATE posts SET remote_id = ?3, guid = ?4, late = 0"
                     " WHERE key = ?1 AND state = 'attempting'",
                     bind_s1_s2, &args, detail, error);
}

gboolean
gpm_journal_clear_incomplete (GpmJournal  *self,
                              const char  *key,
                              GError     **error)
{
  return transition (self, key, GPM_JOURNAL_STATE_ATTEMPTING, FALSE,
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

  return transition (self, key, GPM_JOURNAL_STATE_FAILED, FALSE,
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

  return transition (self, key, GPM_JOURNAL_STATE_SKIPPED, FALSE,
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

  return transition (self, key, GPM_JOURNAL_STATE_SKIPPED, FALSE,
                     "UPDATE posts SET state = 'skipped', reason = ?3, by_user = 1, updated_at = ?2"
                     " WHERE key = ?1 AND state IN ('pending', 'uploading', 'failed', 'skipped')",
                     bind_s1, &args, "by user", error);
}

gboolean
gpm_journal_set_pending (GpmJournal  *self,
                         const char  *key,
                         GError     **error)
{
  return transition (self, key, GPM_JOURNAL_STATE_PENDING, FALSE,
                     "UPDATE posts SET state = 'pending', reason = NULL, by_user = 0, updated_at = ?2"
                     " WHERE key = ?1 AND state IN ('pending', 'uploading', 'failed', 'skipped')",
                     NULL, NULL, NULL, error);
}

GPtrArray *
gpm_journal_list (GpmJournal  *self,
                  GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_journal_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), NULL);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "SELECT " ENTRY_COLUMNS " FROM posts ORDER BY created, entry_name, key", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "SELECT posts");
      return NULL;
    }
  return g_steal_pointer (&entries);
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
  stmt = prepare_locked (self, "SELECT state, COUNT(*) FROM posts GROUP BY state", error);
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
    set_db_error (self, error, "SELECT counts");
  return rc == SQLITE_DONE;
}

guint
gpm_journal_count_posted_since (GpmJournal *self,
                                gint64      since)
{
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), 0);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "SELECT COUNT(*) FROM posts WHERE state = 'posted' AND posted_at >= ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, since);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = (guint) sqlite3_column_int (stmt, 0);
      sqlite3_finalize (stmt);
    }
  return count;
}

static gint64
query_int64 (GpmJournal *self,
             const char *sql,
             gint64      param)
{
  sqlite3_stmt *stmt;
  gint64 value = 0;

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, sql, NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, param);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  return value;
}

gint64
gpm_journal_oldest_posted_since (GpmJournal *self,
                                 gint64      since)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), 0);
  return query_int64 (self, "SELECT IFNULL(MIN(posted_at), 0) FROM posts WHERE state = 'posted' AND posted_at >= ?1", since);
}

gint64
gpm_journal_last_posted_at (GpmJournal *self)
{
  g_return_val_if_fail (GPM_IS_JOURNAL (self), 0);
  return query_int64 (self, "SELECT IFNULL(MAX(posted_at), 0) FROM posts WHERE state = 'posted' AND ?1 = ?1", 0);
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
  stmt = prepare_locked (self,
                         "SELECT 1 FROM posts WHERE (remote_id = ?1 OR guid = ?1) AND state = 'posted'"
                         " AND key IS NOT ?2 LIMIT 1", NULL);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, remote);
      bind_text (stmt, 2, except_key);
      claimed = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_finalize (stmt);
    }
  return claimed;
}

/* ------------------------------------------------------------------ comments */

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
  stmt = prepare_locked (self, "SELECT idx, state, text, remote_id, reason, updated_at FROM comments"
                               " WHERE post_key = ?1 AND idx >= 0 ORDER BY idx", NULL);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, post_key);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          GpmJournalComment *c = g_new0 (GpmJournalComment, 1);
          g_autofree char *state = column_text (stmt, 1);

          c->index = (guint) sqlite3_column_int (stmt, 0);
          if (!gpm_journal_state_from_string (state, &c->state))
            c->state = GPM_JOURNAL_STATE_FAILED;
          c->text = column_text (stmt, 2);
          c->remote_id = column_text (stmt, 3);
          c->reason = column_text (stmt, 4);
          c->updated_at = sqlite3_column_int64 (stmt, 5);
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
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *event_key = g_strdup_printf ("%s#comment-%d", post_key, index);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GPM_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (post_key != NULL, FALSE);

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  /* Like a post's ATTEMPTING: on the disk before the request leaves. */
  if (!begin_locked (self, full_sync, error))
    return FALSE;
  /* A posted comment never changes again. */
  stmt = prepare_locked (self, "INSERT INTO comments (post_key, idx, state, text, remote_id, reason, updated_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                               " ON CONFLICT (post_key, idx) DO UPDATE SET state = ?3,"
                               "   text = COALESCE (?4, text), remote_id = ?5, reason = ?6, updated_at = ?7"
                               " WHERE comments.state != 'posted'", error);
  if (stmt == NULL)
    return rollback_locked (self, full_sync);
  bind_text (stmt, 1, post_key);
  sqlite3_bind_int (stmt, 2, index);
  bind_text (stmt, 3, state_names[state]);
  bind_text (stmt, 4, text);
  bind_text (stmt, 5, remote_id);
  bind_text (stmt, 6, reason);
  sqlite3_bind_int64 (stmt, 7, now);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "UPSERT comment");
      return rollback_locked (self, full_sync);
    }
  return commit_with_event_locked (self, full_sync, now, event_key, state, remote_id != NULL ? remote_id : reason, error);
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
  stmt = prepare_locked (self, "SELECT 1 FROM comments WHERE post_key = ?1 AND idx = -1", NULL);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, post_key);
      done = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_finalize (stmt);
    }
  return done;
}

/* ------------------------------------------------------------------- plan */

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

  g_mutex_lock (&self->mutex);
  if (!exec_locked (self, "BEGIN IMMEDIATE", error))
    goto unlock;
  if (!exec_locked (self, "DELETE FROM plan", error))
    goto rollback;
  stmt = prepare_locked (self, "INSERT OR REPLACE INTO plan (part, key, value) VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    goto rollback;
  for (guint i = 0; i < rows->len; i++)
    {
      const GpmJournalPlanRow *row = g_ptr_array_index (rows, i);

      sqlite3_reset (stmt);
      bind_text (stmt, 1, row->part);
      bind_text (stmt, 2, row->key);
      bind_text (stmt, 3, row->value != NULL ? row->value : "");
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_db_error (self, error, "INSERT plan");
          goto rollback;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!exec_locked (self, "COMMIT", error))
    goto rollback;
  g_mutex_unlock (&self->mutex);
  return TRUE;

rollback:
  g_clear_pointer (&stmt, sqlite3_finalize);
  exec_locked (self, "ROLLBACK", NULL);
unlock:
  g_mutex_unlock (&self->mutex);
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

  g_mutex_lock (&self->mutex);
  stmt = prepare_locked (self, "SELECT part, key, value FROM plan ORDER BY part, key", error);
  if (stmt == NULL)
    {
      g_mutex_unlock (&self->mutex);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GpmJournalPlanRow *row = g_new0 (GpmJournalPlanRow, 1);

      row->part = column_text (stmt, 0);
      row->key = column_text (stmt, 1);
      row->value = column_text (stmt, 2);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "SELECT plan");
      g_mutex_unlock (&self->mutex);
      return NULL;
    }
  g_mutex_unlock (&self->mutex);
  return g_steal_pointer (&rows);
}
