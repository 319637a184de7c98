/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-takeout"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gpm-archive-reader.h"
#include "gpm-archive-stream.h"
#include "gpm-image.h"
#include "gpm-takeout.h"
#include "gpm-zip-directory.h"

/* How deep an extracted folder is walked (Takeout/Google+ Stream/Posts is 3). */
#define MAX_FOLDER_DEPTH 16

G_DEFINE_QUARK (gpm-takeout-error-quark, gpm_takeout_error)

typedef enum {
  PART_ZIP,
  PART_TAR,
  PART_DIR,
  PART_UNKNOWN,
} PartKind;

typedef struct {
  char     *path;
  PartKind  kind;
  guint64   size;        /* file size; for a folder, its progress weight once walked */
  gboolean  streaming;   /* a zip whose central directory is unreadable */
  GArray   *directory;   /* zip: GpmZipRecord by ordinal, read on first use */
  gboolean  directory_read;
  gboolean  sidecars_read; /* folder: its sidecars' urls were read while loading */
} Part;

typedef struct _Entry Entry;
struct _Entry {
  GpmTakeoutEntry  pub;            /* first: an Entry* is a GpmTakeoutEntry* */
  guint            ordinal;        /* header number in its archive part */
  char            *raw_name;       /* folder: on-disk relative path, when not @pub.name */
  Entry           *next_same_base; /* chain of entries with the same base name */
  char           **sidecar_read;   /* archive: a .metadata.csv's url column, read while loading
                                    * (its bytes are not kept: a big takeout has 100,000 of them) */
  char           **sidecar_urls;   /* media: the url column of its sidecar, NULL without one */
  gboolean         image_checked;  /* the cheap image check ran (guarded by the takeout's lock) */
  GError          *image_error;    /* … and failed with this */
};

typedef struct {
  GPtrArray  *entries;   /* Entry*, sorted by name, owned */
  GHashTable *by_name;   /* name → Entry* */
  GHashTable *by_base;   /* base name → first Entry* of its chain */
  GHashTable *by_url;    /* a sidecar's url → the media Entry* it describes;
                          * built on first use, under the takeout's sidecar_lock */
} Index;

struct _GpmTakeout {
  GObject     parent_instance;

  char      **paths;
  Part       *parts;
  guint       n_parts;
  gsize       max_json_size;

  GMutex      lock;      /* guards @index, @problems, @retired */
  Index      *index;
  GPtrArray  *problems;
  GPtrArray  *retired;   /* indices of earlier loads: their entries stay valid */

  GMutex      directory_lock; /* guards the parts' @directory */

  GMutex      sidecar_lock;   /* guards building the index's by_url table */
  GHashTable *own_refs;       /* base name → how many of the posts' own media name it */
  GHashTable *other_refs;     /* base names other people's media name (comments, reshares) */
};

G_DEFINE_FINAL_TYPE (GpmTakeout, gpm_takeout, G_TYPE_OBJECT)

void
gpm_takeout_setup_process (void)
{
  if (g_getenv ("TZ") == NULL && g_file_test ("/etc/localtime", G_FILE_TEST_EXISTS))
    g_setenv ("TZ", ":/etc/localtime", FALSE);
}

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->pub.name);
  g_free (e->raw_name);
  g_strfreev (e->sidecar_read);
  g_strfreev (e->sidecar_urls);
  g_clear_error (&e->image_error);
  g_free (e);
}

static int
entry_compare (gconstpointer a,
               gconstpointer b)
{
  const Entry *ea = *(const Entry * const *) a;
  const Entry *eb = *(const Entry * const *) b;

  return strcmp (ea->pub.name, eb->pub.name);
}

static const char *
base_name_of (const char *name)
{
  const char *slash = strrchr (name, '/');
  return slash ? slash + 1 : name;
}

static gboolean
entries_sorted (GPtrArray *entries)
{
  for (guint i = 1; i < entries->len; i++)
    if (entry_compare (&entries->pdata[i - 1], &entries->pdata[i]) > 0)
      return FALSE;
  return TRUE;
}

/* The lookup tables are built on the first lookup: listing a takeout's
 * scopes never needs them. */
/* @by_name: the names seen while loading, when they were all kept (takes it). */
static Index *
index_new (GPtrArray  *entries,
           GHashTable *by_name)
{
  Index *index = g_new0 (Index, 1);

  index->by_name = by_name;
  /* A folder's walk lists its files in order already. */
  if (!entries_sorted (entries))
    g_ptr_array_sort (entries, entry_compare);
  index->entries = entries;
  return index;
}

/* Called with self->lock held. */
static void
index_ensure_tables (Index *index)
{
  gboolean names_known = index->by_name != NULL;

  if (index->by_base != NULL)
    return;
  if (!names_known)
    index->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  index->by_base = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = index->entries->len; i > 0; i--)
    {
      Entry *e = g_ptr_array_index (index->entries, i - 1);
      const char *base = base_name_of (e->pub.name);

      if (!names_known)
        g_hash_table_insert (index->by_name, e->pub.name, e);
      e->next_same_base = g_hash_table_lookup (index->by_base, base);
      g_hash_table_insert (index->by_base, (gpointer) base, e);
    }
}

static void
index_free (gpointer data)
{
  Index *index = data;

  g_clear_pointer (&index->by_name, g_hash_table_unref);
  g_clear_pointer (&index->by_base, g_hash_table_unref);
  g_clear_pointer (&index->by_url, g_hash_table_unref);
  g_ptr_array_unref (index->entries);
  g_free (index);
}

static Index *
get_index (GpmTakeout *self)
{
  Index *index;

  g_mutex_lock (&self->lock);
  index = self->index;
  g_mutex_unlock (&self->lock);
  return index;
}

/* The index with its lookup tables. */
static Index *
get_index_for_lookups (GpmTakeout *self)
{
  Index *index;

  g_mutex_lock (&self->lock);
  index = self->index;
  if (index != NULL)
    index_ensure_tables (index);
  g_mutex_unlock (&self->lock);
  return index;
}

static void
gpm_takeout_finalize (GObject *object)
{
  GpmTakeout *self = GPM_TAKEOUT (object);

  for (guint i = 0; i < self->n_parts; i++)
    {
      g_free (self->parts[i].path);
      g_clear_pointer (&self->parts[i].directory, g_array_unref);
    }
  g_free (self->parts);
  g_strfreev (self->paths);
  g_clear_pointer (&self->index, index_free);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->directory_lock);
  g_mutex_clear (&self->sidecar_lock);
  g_clear_pointer (&self->own_refs, g_hash_table_unref);
  g_clear_pointer (&self->other_refs, g_hash_table_unref);

  G_OBJECT_CLASS (gpm_takeout_parent_class)->finalize (object);
}

static void
gpm_takeout_class_init (GpmTakeoutClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gpm_takeout_finalize;
}

static void
gpm_takeout_init (GpmTakeout *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->directory_lock);
  g_mutex_init (&self->sidecar_lock);
  self->own_refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->other_refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_json_size = GPM_TAKEOUT_MAX_JSON_SIZE;
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
  self->retired = g_ptr_array_new_with_free_func (index_free);
}

static PartKind
classify_file (const char *path)
{
  guint8 head[512];
  gssize n = 0;
  GpmArchiveKind kind;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      do
        n = read (fd, head, sizeof head);
      while (n < 0 && errno == EINTR);
      close (fd);
    }
  if (n > 0 && gpm_archive_sniff (head, n, &kind))
    return kind == GPM_ARCHIVE_ZIP ? PART_ZIP : PART_TAR;

  /* Damaged beyond the magic: the name says what it was meant to be. */
  if (g_str_has_suffix (lower, ".zip"))
    return PART_ZIP;
  if (g_str_has_suffix (lower, ".tgz") || g_str_has_suffix (lower, ".tar.gz") ||
      g_str_has_suffix (lower, ".tar"))
    return PART_TAR;
  return PART_UNKNOWN;
}

GpmTakeout *
gpm_takeout_new (const char * const *paths,
                 GError            **error)
{
  g_autoptr(GpmTakeout) self = NULL;
  gboolean any_known = FALSE;
  guint n;

  if (paths == NULL || paths[0] == NULL)
    {
      g_set_error_literal (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_NOT_FOUND,
                           _("No takeout given"));
      return NULL;
    }

  self = g_object_new (GPM_TYPE_TAKEOUT, NULL);
  n = g_strv_length ((char **) paths);
  self->paths = g_strdupv ((char **) paths);
  self->parts = g_new0 (Part, n);
  self->n_parts = n;

  for (guint i = 0; i < n; i++)
    {
      Part *part = &self->parts[i];
      GStatBuf st;

      part->path = g_strdup (paths[i]);
      if (g_stat (paths[i], &st) != 0)
        {
          int saved = errno;
          g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_NOT_FOUND,
                       "%s: %s", paths[i], g_strerror (saved));
          return NULL;
        }
      if (S_ISDIR (st.st_mode))
        part->kind = PART_DIR;
      else if (S_ISREG (st.st_mode))
        {
          part->kind = classify_file (paths[i]);
          part->size = st.st_size;
        }
      else
        part->kind = PART_UNKNOWN;
      any_known |= part->kind != PART_UNKNOWN;
    }

  if (!any_known)
    {
      g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_UNSUPPORTED,
                   _("%s: not a zip or tgz archive, nor a folder"), paths[0]);
      return NULL;
    }

  return g_steal_pointer (&self);
}

gboolean
gpm_takeout_has_tar_parts (GpmTakeout *self)
{
  g_return_val_if_fail (GPM_IS_TAKEOUT (self), FALSE);

  for (guint i = 0; i < self->n_parts; i++)
    if (self->parts[i].kind == PART_TAR)
      return TRUE;
  return FALSE;
}

const char * const *
gpm_takeout_get_paths (GpmTakeout *self)
{
  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);
  return (const char * const *) self->paths;
}

void
gpm_takeout_set_max_json_size (GpmTakeout *self,
                               gsize       max_size)
{
  g_return_if_fail (GPM_IS_TAKEOUT (self));
  self->max_json_size = max_size;
}

/* Loading */

typedef struct {
  char    *raw;     /* relative path, on-disk bytes */
  goffset  size;
} FolderFile;

static void
folder_file_free (gpointer data)
{
  FolderFile *f = data;
  g_free (f->raw);
  g_free (f);
}

typedef struct {
  GpmTakeout              *self;
  GpmTakeoutJsonFunc       json_func;
  GpmTakeoutProgressFunc   progress_func;
  gpointer                 user_data;
  GCancellable            *cancellable;
  gsize                    limit;

  GPtrArray               *entries;   /* Entry*, owned */
  GHashTable              *seen;      /* name → Entry* */
  GPtrArray               *problems;  /* GpmProblem* */

  int                      dir_fd;    /* folder being read, -1 */
  char                    *dir_rel;   /* its relative path */

  guint64                  total;
  guint64                  base;      /* bytes of the parts before the current one */
  guint64                  last_reported;
  guint64                  step;
} LoadState;

static void
add_problem (LoadState  *st,
             const char *name,
             const char *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (LoadState  *st,
             const char *name,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (st->problems, gpm_problem_new (name, message));
}

static void
report_progress (LoadState *st,
                 guint64    done,
                 gboolean   force)
{
  if (st->progress_func == NULL)
    return;
  if (st->total && done > st->total)
    done = st->total;
  if (force || done >= st->last_reported + st->step)
    {
      st->last_reported = done;
      st->progress_func (done, st->total, st->user_data);
    }
}

static gboolean
is_json_name (const char *name)
{
  gsize len = strlen (name);
  return len >= 5 && g_ascii_strcasecmp (name + len - 5, ".json") == 0;
}

/* A clean relative name ("a/b/c"), or NULL with the reason when the name
 * could lead out of where the takeout is (absolute, drive letter, ".."). */
static char *
normalize_name (const char  *name,
                const char **why)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  gboolean clean = TRUE;

  if (name[0] == '/' || name[0] == '\\' ||
      (g_ascii_isalpha (name[0]) && name[1] == ':'))
    {
      *why = _("unsafe file name (absolute path); not read");
      return NULL;
    }

  /* Most names are clean already ("a/b/c": no backslash, no empty, "." or
   * ".." component): taken as they are, without splitting them. */
  for (const char *p = name, *part = name; clean; p++)
    {
      if (*p == '\\')
        clean = FALSE;
      else if (*p == '/' || *p == '\0')
        {
          gsize len = p - part;
          clean = len > 0 && !(part[0] == '.' && (len == 1 || (len == 2 && part[1] == '.')));
          if (*p == '\0')
            break;
          part = p + 1;
        }
    }
  if (clean)
    return g_strdup (name);

  kept = g_ptr_array_new ();

  parts = g_strsplit_set (name, "/\\", -1);
  for (guint i = 0; parts[i]; i++)
    {
      if (strcmp (parts[i], "..") == 0)
        {
          *why = _("unsafe file name (contains “..”); not read");
          return NULL;
        }
    }

  /* Only '/' separates; a backslash stays part of the name. */
  g_strfreev (g_steal_pointer (&parts));
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (parts[i][0] != '\0' && strcmp (parts[i], ".") != 0)
      g_ptr_array_add (kept, parts[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("/", (char **) kept->pdata);
}

/* From now on, names are checked against those seen: a folder's first walk
 * cannot list a name twice, so the table waits for what can (an archive, a
 * second part, a name made UTF-8). */
static void
ensure_seen (LoadState *st)
{
  if (st->seen != NULL)
    return;
  st->seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < st->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (st->entries, i);
      g_hash_table_insert (st->seen, e->pub.name, e);
    }
}

/* Takes @name. NULL when the name was already seen in an earlier part. */
static Entry *
add_entry (LoadState *st,
           guint      part,
           char      *name,
           goffset    size,
           guint      ordinal,
           char      *raw_name)
{
  Entry *e = st->seen ? g_hash_table_lookup (st->seen, name) : NULL;

  if (e != NULL)
    {
      add_problem (st, name, _("also in %s; this copy was ignored"),
                   st->self->parts[e->pub.part].path);
      g_free (name);
      g_free (raw_name);
      return NULL;
    }

  e = g_new0 (Entry, 1);
  e->pub.name = name;
  e->pub.size = size;
  e->pub.part = part;
  e->ordinal = ordinal;
  e->raw_name = raw_name;
  g_ptr_array_add (st->entries, e);
  if (st->seen)
    g_hash_table_insert (st->seen, e->pub.name, e);
  return e;
}

static void
too_large (LoadState  *st,
           const char *name,
           goffset     size)
{
  g_autofree char *limit = g_format_size (st->limit);

  if (size >= 0)
    {
      g_autofree char *have = g_format_size (size);
      add_problem (st, name, _("post file too large (%s, the limit is %s); not read"), have, limit);
    }
  else
    add_problem (st, name, _("post file too large (over %s); not read"), limit);
}

/* A growable buffer for one JSON entry; delivered as the GBytes it becomes,
 * so its bytes are never copied again. */
typedef struct {
  char  *data;
  gsize  len;
  gsize  cap;
} JsonBuf;

static void
json_buf_init (JsonBuf *b,
               goffset  size_hint)
{
  b->cap = (size_hint >= 0 ? (gsize) size_hint : 16 * 1024) + 2;
  b->data = g_malloc (b->cap);
  b->len = 0;
}

/* Room for at least one more byte and the final NUL, up to @limit + 1 bytes. */
static void
json_buf_grow (JsonBuf *b,
               gsize    limit)
{
  if (b->len + 1 >= b->cap)
    {
      b->cap = MIN (b->cap * 2, limit + 2);
      b->data = g_realloc (b->data, b->cap);
    }
}

static void
deliver (LoadState  *st,
         const char *name,
         JsonBuf    *b)
{
  g_autoptr(GBytes) bytes = NULL;

  /* Give back what the size hint over-estimated, then NUL-terminate. */
  if (b->cap > b->len + 1 + 1024)
    b->data = g_realloc (b->data, b->len + 1);
  b->data[b->len] = '\0';
  bytes = g_bytes_new_take (g_steal_pointer (&b->data), b->len);
  if (st->json_func)
    st->json_func (name, bytes, st->user_data);
}

static void
read_archive_json (LoadState      *st,
                   struct archive *a,
                   Entry          *e)
{
  JsonBuf b;

  if (e->pub.size > (goffset) st->limit)
    {
      too_large (st, e->pub.name, e->pub.size);
      return;
    }

  json_buf_init (&b, e->pub.size);
  for (;;)
    {
      la_ssize_t n;

      json_buf_grow (&b, st->limit);
      n = archive_read_data (a, b.data + b.len, b.cap - 1 - b.len);
      if (n == 0)
        break;
      if (n < 0)
        {
          const char *msg = archive_error_string (a);
          add_problem (st, e->pub.name, _("damaged entry (%s); not read"),
                       msg ? msg : _("read error"));
          g_free (b.data);
          return;
        }
      b.len += n;
      if (b.len > st->limit)
        {
          too_large (st, e->pub.name, -1);
          g_free (b.data);
          return;
        }
    }

  deliver (st, e->pub.name, &b);
}

/* A media's ".metadata.csv" sidecar (its url column says which photo the
 * file is). Sidecars are a few hundred bytes; in an archive they are kept
 * while it is read anyway, so finding media never reads the archive again
 * for them (a .tgz would be decompressed from its start for each one). */
#define SIDECAR_SUFFIX ".metadata.csv"
#define SIDECAR_MAX_SIZE (64 * 1024)

static gboolean
is_sidecar_name (const char *name)
{
  return g_str_has_suffix (name, SIDECAR_SUFFIX) && strlen (name) > strlen (SIDECAR_SUFFIX);
}

static char **sidecar_urls (const char *text);

static void
read_archive_sidecar (struct archive *a,
                      Entry          *e)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 chunk[4096];

  for (;;)
    {
      la_ssize_t n = archive_read_data (a, chunk, sizeof chunk);

      if (n == 0)
        break;
      if (n < 0 || data->len + n > SIDECAR_MAX_SIZE)
        return;   /* a damaged or odd sidecar is simply not used */
      g_byte_array_append (data, chunk, n);
    }
  g_byte_array_append (data, (const guint8 *) "", 1);
  e->sidecar_read = sidecar_urls ((const char *) data->data);
}

/* Files that may be photos, by name: not the takeout's own JSON, HTML and
 * CSV files, not videos. Checked while an archive is read (see
 * gpm_takeout_check_image()). */
static gboolean
may_be_photo (const char *name)
{
  static const char * const not_photos[] = {
    ".json", ".csv", ".html", ".htm", ".txt", ".vcf", ".ics",
    ".mp4", ".m4v", ".mov", ".webm", ".avi", ".3gp", ".mkv", ".wmv", ".mpg", ".mpeg", ".m4a", ".mp3",
  };
  const char *dot = strrchr (base_name_of (name), '.');

  for (gsize i = 0; dot && i < G_N_ELEMENTS (not_photos); i++)
    if (g_ascii_strcasecmp (dot, not_photos[i]) == 0)
      return FALSE;
  return TRUE;
}

/* The cheap image check on the first bytes of an entry (gpm-image.h). */
static gssize
read_more_archive (gpointer source, guint8 *buf, gsize size)
{
  la_ssize_t n = archive_read_data (source, buf, size);
  return n < 0 ? -1 : n;
}

static gssize
read_more_stream (gpointer source, guint8 *buf, gsize size)
{
  return g_input_stream_read (source, buf, size, NULL, NULL);
}

static GError *
check_image_head (GpmImageReadFunc read_func,
                  gpointer         source)
{
  GError *error = NULL;

  gpm_image_check_stream (read_func, source, NULL, NULL, &error);
  return error;
}

static void
check_archive_image (struct archive *a,
                     Entry          *e)
{
  e->image_error = check_image_head (read_more_archive, a);
  e->image_checked = TRUE;
}

typedef enum {
  READ_DONE,
  READ_FAILED_AT_START,
  READ_CANCELLED,
} ReadResult;

static ReadResult
read_archive_entries (LoadState        *st,
                      guint             part_idx,
                      GpmArchiveReader *reader)
{
  Part *part = &st->self->parts[part_idx];
  GpmArchiveKind kind = part->kind == PART_ZIP ? GPM_ARCHIVE_ZIP : GPM_ARCHIVE_TAR;
  struct archive *a = gpm_archive_reader_get_archive (reader);
  guint ordinal = 0;

  for (;;)
    {
      struct archive_entry *ae = NULL;
      g_autofree char *name = NULL;
      char *clean;
      const char *why = NULL;
      guint this_ordinal;
      Entry *e;
      int r;

      if (g_cancellable_is_cancelled (st->cancellable))
        return READ_CANCELLED;

      r = archive_read_next_header (a, &ae);
      if (r == ARCHIVE_EOF)
        break;
      if (r == ARCHIVE_FATAL)
        {
          const char *msg = archive_error_string (a);

          if (g_cancellable_is_cancelled (st->cancellable))
            return READ_CANCELLED;
          /* Nothing at all: the caller tries another way or reports it. */
          if (ordinal == 0 && !part->streaming)
            return READ_FAILED_AT_START;
          add_problem (st, part->path,
                       part->streaming
                       ? _("truncated or damaged zip (%s); the files after the damage could not be read")
                       : _("damaged or truncated archive (%s); the files after the damage could not be read"),
                       msg ? msg : _("read error"));
          break;
        }

      this_ordinal = ordinal++;
      report_progress (st, st->base + gpm_archive_reader_get_position (reader), FALSE);

      name = gpm_archive_entry_dup_utf8_name (ae, kind);
      if (name == NULL)
        {
          add_problem (st, part->path, _("an entry without a name was skipped"));
          continue;
        }
      if (r < ARCHIVE_WARN)
        {
          const char *msg = archive_error_string (a);
          add_problem (st, name, _("damaged entry (%s); not read"), msg ? msg : _("read error"));
          continue;
        }

      if (archive_entry_filetype (ae) == AE_IFDIR)
        continue;
      if (archive_entry_hardlink (ae) != NULL || archive_entry_filetype (ae) == AE_IFLNK)
        {
          add_problem (st, name, _("a link, not a file; not followed"));
          continue;
        }
      if (archive_entry_filetype (ae) != AE_IFREG)
        continue;

      clean = normalize_name (name, &why);
      if (clean == NULL)
        {
          add_problem (st, name, "%s", why);
          continue;
        }
      if (clean[0] == '\0')
        {
          g_free (clean);
          continue;
        }

      e = add_entry (st, part_idx, clean,
                     archive_entry_size_is_set (ae) ? archive_entry_size (ae) : -1,
                     this_ordinal, NULL);
      if (e != NULL && is_json_name (e->pub.name))
        read_archive_json (st, a, e);
      else if (e != NULL && is_sidecar_name (e->pub.name) && e->pub.size <= SIDECAR_MAX_SIZE)
        read_archive_sidecar (a, e);
      else if (e != NULL && may_be_photo (e->pub.name))
        check_archive_image (a, e);
    }

  return READ_DONE;
}

/* Zips are read with our own walk of the central directory (gpm-zip-directory):
 * libarchive's seekable reader keeps every record in memory while it reads
 * (30 MB for 200,000 entries) and does per entry work we do not need (times,
 * locale conversions); what the walk does not know (encryption, other
 * methods, a damaged directory) is left to libarchive. */

/* What a local header takes besides its name (its extra field is most often
 * the central one's: times, ids): reading this much more at the header
 * brings the first data along. */
#define LOCAL_HEADER_ROOM 96

/* The cheap image check's reads. */
static gssize
read_more_zip (gpointer source, guint8 *buf, gsize size)
{
  return gpm_zip_entry_reader_read (source, buf, size, NULL);
}

static void
read_zip_json (LoadState         *st,
               GpmZipEntryReader *reader,
               Entry             *e)
{
  g_autoptr(GError) error = NULL;
  JsonBuf b;

  json_buf_init (&b, e->pub.size);
  for (;;)
    {
      gssize n;

      json_buf_grow (&b, st->limit);
      n = gpm_zip_entry_reader_read (reader, b.data + b.len, b.cap - 1 - b.len, &error);
      if (n == 0)
        break;
      if (n < 0)
        {
          add_problem (st, e->pub.name, _("damaged entry (%s); not read"), error->message);
          g_free (b.data);
          return;
        }
      b.len += n;
      if (b.len > st->limit)
        {
          too_large (st, e->pub.name, -1);
          g_free (b.data);
          return;
        }
    }

  deliver (st, e->pub.name, &b);
}

static void
read_zip_sidecar (GpmZipEntryReader *reader,
                  Entry             *e)
{
  char data[SIDECAR_MAX_SIZE + 1];
  gsize len = 0;

  for (;;)
    {
      gssize n = gpm_zip_entry_reader_read (reader, data + len, sizeof data - 1 - len, NULL);

      if (n == 0)
        break;
      if (n < 0 || len + n > SIDECAR_MAX_SIZE)
        return;   /* a damaged or odd sidecar is simply not used */
      len += n;
    }
  data[len] = '\0';
  e->sidecar_read = sidecar_urls (data);
}

/* The photos' header checks and the sidecars' url columns are read by a
 * helper thread while the loading thread reads the posts: in a zip each is
 * a pread() at the entry's offset on the same descriptor (no order, no
 * shared position), and they were a third of the loading thread's time; in
 * a folder each is a file of its own, opened relative to the folder (as
 * many files as the posts: the media pass opened them one after another,
 * after the posts were read). */
typedef struct {
  Entry           *entry;
  GpmZipEntryInfo  info;     /* without its name */
  gboolean         sidecar;
} SideJob;

typedef struct {
  GThreadPool       *pool;
  GpmZipEntryReader *reader;  /* a zip's: the pool's one thread's */
  int                root_fd; /* a folder's, else -1 */
  GArray            *batch;   /* SideJob, filled by the loading thread */
} SideWork;

#define SIDE_BATCH 128

static gssize
read_more_fd (gpointer source, guint8 *buf, gsize size)
{
  ssize_t n;

  do
    n = read (GPOINTER_TO_INT (source), buf, size);
  while (n < 0 && errno == EINTR);
  return n;
}

/* A folder's file, as gpm_takeout_check_image() and index_ensure_sidecars()
 * would read it on first use. */
static void
side_job_run_file (SideWork *work,
                   SideJob  *job)
{
  Entry *e = job->entry;
  int fd = openat (work->root_fd, e->raw_name ? e->raw_name : e->pub.name, O_RDONLY | O_CLOEXEC);

  if (job->sidecar)
    {
      char data[SIDECAR_MAX_SIZE + 2];
      gsize len = 0;
      gssize n = 1;

      while (fd >= 0 && len <= SIDECAR_MAX_SIZE &&
             (n = read_more_fd (GINT_TO_POINTER (fd), (guint8 *) data + len, sizeof data - 1 - len)) > 0)
        len += n;
      if (fd >= 0 && n == 0 && len <= SIDECAR_MAX_SIZE)
        {
          data[len] = '\0';
          e->sidecar_read = sidecar_urls (data);
        }
    }
  else
    {
      /* A file that cannot be opened passes: reading it later says why. */
      e->image_error = fd >= 0 ? check_image_head (read_more_fd, GINT_TO_POINTER (fd)) : NULL;
      e->image_checked = TRUE;
    }
  if (fd >= 0)
    close (fd);
}

static void
side_batch_run (gpointer data,
                gpointer user_data)
{
  GArray *batch = data;
  SideWork *work = user_data;

  for (guint i = 0; i < batch->len; i++)
    {
      SideJob *job = &g_array_index (batch, SideJob, i);
      gsize head = LOCAL_HEADER_ROOM + job->info.name_len;

      if (work->root_fd >= 0)
        {
          side_job_run_file (work, job);
          continue;
        }

      if (!gpm_zip_entry_reader_start (work->reader, &job->info,
                                       job->sidecar ? head + job->info.compressed_size : head + 4096 + 256,
                                       NULL))
        continue;   /* (the loading thread read this header: the file changed since) */
      if (job->sidecar)
        read_zip_sidecar (work->reader, job->entry);
      else
        {
          job->entry->image_error = check_image_head (read_more_zip, work->reader);
          job->entry->image_checked = TRUE;
        }
    }
  g_array_unref (batch);
}

static void
side_work_flush (SideWork *work)
{
  if (work->batch != NULL && work->batch->len > 0)
    g_thread_pool_push (work->pool, g_steal_pointer (&work->batch), NULL);
}

/* @info: a zip entry's, NULL for a folder's file. */
static void
side_work_add (SideWork              *work,
               Entry                 *entry,
               const GpmZipEntryInfo *info,
               gboolean               sidecar)
{
  SideJob job = { entry, { 0 }, sidecar };

  if (info != NULL)
    {
      job.info = *info;
      job.info.name = NULL;
    }
  if (work->batch == NULL)
    work->batch = g_array_sized_new (FALSE, FALSE, sizeof (SideJob), SIDE_BATCH);
  g_array_append_val (work->batch, job);
  if (work->batch->len >= SIDE_BATCH)
    side_work_flush (work);
}

/* Waits for the helper to finish. */
static void
side_work_finish (SideWork *work)
{
  side_work_flush (work);
  g_clear_pointer (&work->batch, g_array_unref);
  g_thread_pool_free (work->pool, FALSE, TRUE);
  gpm_zip_entry_reader_free (work->reader);
  if (work->root_fd >= 0)
    close (work->root_fd);
}

/* @fd: the zip's, or -1 for a folder. */
static void
side_work_start (SideWork   *work,
                 int         zip_fd,
                 const char *folder)
{
  memset (work, 0, sizeof *work);
  work->root_fd = -1;
  if (zip_fd >= 0)
    work->reader = gpm_zip_entry_reader_new (zip_fd);
  else if (folder != NULL)
    work->root_fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  /* (exclusive: made now by this thread, whose priority it takes) */
  work->pool = g_thread_pool_new (side_batch_run, work, 1, TRUE, NULL);
}

/* FALSE when the walk cannot read this zip (nothing was read then). */
static gboolean
load_zip_part_direct (LoadState *st,
                      guint      part_idx)
{
  Part *part = &st->self->parts[part_idx];
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmZipWalk) walk = gpm_zip_walk_open (part->path, &error);
  g_autoptr(GpmZipEntryReader) reader = NULL;
  g_autofree char *raw = NULL;
  gsize raw_cap = 0;
  GpmZipEntryInfo info;
  SideWork side;

  if (walk == NULL)
    {
      g_debug ("%s: read with libarchive: %s", part->path, error->message);
      return FALSE;
    }
  reader = gpm_zip_entry_reader_new (gpm_zip_walk_get_fd (walk));
  side_work_start (&side, gpm_zip_walk_get_fd (walk), NULL);

  while (gpm_zip_walk_next (walk, &info))
    {
      g_autofree char *name = NULL;
      gboolean json, sidecar, photo;
      const char *why = NULL;
      char *clean;
      Entry *e;

      if ((info.ordinal & 63) == 0 && g_cancellable_is_cancelled (st->cancellable))
        break;
      report_progress (st, st->base + info.offset, FALSE);

      if (info.name_len + 1 > raw_cap)
        {
          raw_cap = info.name_len + 256;
          raw = g_realloc (raw, raw_cap);
        }
      memcpy (raw, info.name, info.name_len);
      raw[info.name_len] = '\0';
      if (strlen (raw) != info.name_len || raw[0] == '\0')
        {
          add_problem (st, part->path, _("an entry without a name was skipped"));
          continue;
        }
      name = gpm_archive_dup_utf8_name (raw, GPM_ARCHIVE_ZIP);

      switch (gpm_zip_entry_info_get_type (&info))
        {
        case GPM_ZIP_FILE_REGULAR:
          break;
        case GPM_ZIP_FILE_SYMLINK:
          add_problem (st, name, _("a link, not a file; not followed"));
          continue;
        case GPM_ZIP_FILE_DIRECTORY:
        case GPM_ZIP_FILE_OTHER:
        default:
          continue;
        }

      clean = normalize_name (name, &why);
      if (clean == NULL)
        {
          add_problem (st, name, "%s", why);
          continue;
        }
      if (clean[0] == '\0')
        {
          g_free (clean);
          continue;
        }

      json = is_json_name (clean);
      sidecar = !json && is_sidecar_name (clean) && info.size <= SIDECAR_MAX_SIZE;
      photo = !json && !sidecar && may_be_photo (clean);
      /* Every local header is read, as libarchive does: where one is not
       * there, the zip is damaged, and nothing after it is trusted. */
      if (!gpm_zip_entry_reader_start (reader, &info,
                                       LOCAL_HEADER_ROOM + info.name_len + (json ? info.compressed_size : 0),
                                       &error))
        {
          g_free (clean);
          if (g_error_matches (error, GPM_ZIP_ERROR, GPM_ZIP_ERROR_BAD_HEADER) && info.ordinal == 0)
            {
              /* Not even the first: read it the other way. */
              g_debug ("%s: read with libarchive: %s", part->path, error->message);
              side_work_finish (&side);
              return FALSE;
            }
          add_problem (st, part->path,
                       _("damaged or truncated archive (%s); the files after the damage could not be read"),
                       error->message);
          break;
        }

      e = add_entry (st, part_idx, clean, (goffset) info.size, info.ordinal, NULL);
      if (e == NULL)
        continue;
      if (json)
        {
          if (e->pub.size > (goffset) st->limit)
            too_large (st, e->pub.name, e->pub.size);
          else
            read_zip_json (st, reader, e);
        }
      else if (sidecar || photo)
        side_work_add (&side, e, &info, sidecar);
    }

  side_work_finish (&side);
  return TRUE;
}

static gboolean
load_archive_part (LoadState *st,
                   guint      part_idx)
{
  Part *part = &st->self->parts[part_idx];
  GpmArchiveKind kind = part->kind == PART_ZIP ? GPM_ARCHIVE_ZIP : GPM_ARCHIVE_TAR;
  g_autoptr(GpmArchiveReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  ReadResult result;

  /* The archive may have changed since it was last read */
  g_mutex_lock (&st->self->directory_lock);
  g_clear_pointer (&part->directory, g_array_unref);
  part->directory_read = FALSE;
  g_mutex_unlock (&st->self->directory_lock);

  part->streaming = FALSE;
  if (kind == GPM_ARCHIVE_ZIP && load_zip_part_direct (st, part_idx))
    return TRUE;
  reader = gpm_archive_reader_open (part->path, kind, FALSE, st->cancellable, &error);
  if (reader != NULL)
    {
      result = read_archive_entries (st, part_idx, reader);
      if (result != READ_FAILED_AT_START)
        return TRUE;
      g_clear_error (&error);
      {
        const char *msg = archive_error_string (gpm_archive_reader_get_archive (reader));
        g_set_error_literal (&error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_CORRUPT,
                             msg ? msg : kind == GPM_ARCHIVE_ZIP ? _("no central directory")
                                                                 : _("read error"));
      }
      g_clear_pointer (&reader, gpm_archive_reader_free);
    }
  if (g_cancellable_is_cancelled (st->cancellable))
    return FALSE;

  if (kind == GPM_ARCHIVE_ZIP)
    {
      /* No usable central directory (a truncated download, most often):
       * read the local headers from the front up to the damage. */
      g_autoptr(GError) error2 = NULL;

      reader = gpm_archive_reader_open (part->path, kind, TRUE, st->cancellable, &error2);
      if (reader != NULL)
        {
          guint before = st->entries->len;
          guint problems_before = st->problems->len;

          part->streaming = TRUE;
          result = read_archive_entries (st, part_idx, reader);
          /* Read to the end without trouble: only the directory was bad. */
          if (result == READ_DONE && st->problems->len == problems_before)
            add_problem (st, part->path,
                         _("damaged zip (%s); its files were read one by one from the front"),
                         error && error->message ? error->message : _("no central directory"));
          return st->entries->len > before;
        }
    }

  add_problem (st, part->path, _("cannot be read (%s)"),
               error && error->message ? error->message : _("not a zip or tgz archive"));
  return FALSE;
}

/* Names stored behind their one-byte d_type, sorted by name. */
static int
typed_name_compare (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (*(const char * const *) a + 1, *(const char * const *) b + 1);
}

static void
walk_folder (LoadState  *st,
             const char *root,
             const char *root_real,
             const char *rel,
             guint       depth,
             GPtrArray  *files)
{
  g_autofree char *path = rel ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct dirent *de;
  DIR *dir;

  if (g_cancellable_is_cancelled (st->cancellable))
    return;

  dir = opendir (path);
  if (dir == NULL)
    {
      int saved = errno;
      add_problem (st, path, _("cannot read folder (%s)"), g_strerror (saved));
      return;
    }
  /* The names with their d_type: no stat for the plain files and folders
   * (most file systems tell the type), sizes are looked up when needed. */
  while ((de = readdir (dir)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      {
        gsize len = strlen (de->d_name);
        char *name = g_malloc (len + 2);

        name[0] = (char) de->d_type;
        memcpy (name + 1, de->d_name, len + 1);
        g_ptr_array_add (names, name);
      }
  g_ptr_array_sort (names, typed_name_compare);

  for (guint i = 0; i < names->len; i++)
    {
      const char *typed = g_ptr_array_index (names, i);
      const char *name = typed + 1;
      g_autofree char *child_rel = rel ? g_strconcat (rel, "/", name, NULL) : g_strdup (name);
      struct stat sb;

      switch ((guchar) typed[0])
        {
        case DT_REG:
          sb.st_mode = S_IFREG;
          sb.st_size = -1;
          break;
        case DT_DIR:
          sb.st_mode = S_IFDIR;
          break;
        default:
          if (fstatat (dirfd (dir), name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
          break;
        }

      if (S_ISDIR (sb.st_mode))
        {
          if (name[0] == '.')
            continue;
          if (depth >= MAX_FOLDER_DEPTH)
            {
              g_autofree char *display = g_filename_display_name (child_rel);
              add_problem (st, display, _("folder nested too deep; not read"));
              continue;
            }
          walk_folder (st, root, root_real, child_rel, depth + 1, files);
        }
      else if (S_ISREG (sb.st_mode))
        {
          FolderFile *f = g_new0 (FolderFile, 1);
          f->raw = g_steal_pointer (&child_rel);
          f->size = sb.st_size;
          g_ptr_array_add (files, f);
        }
      else if (S_ISLNK (sb.st_mode))
        {
          g_autofree char *child_path = g_build_filename (root, child_rel, NULL);
          g_autofree char *real = realpath (child_path, NULL);
          g_autofree char *prefix = g_strconcat (root_real, "/", NULL);
          struct stat target;

          if (real && g_str_has_prefix (real, prefix) &&
              stat (real, &target) == 0 && S_ISREG (target.st_mode))
            {
              FolderFile *f = g_new0 (FolderFile, 1);
              f->raw = g_steal_pointer (&child_rel);
              f->size = target.st_size;
              g_ptr_array_add (files, f);
            }
          else
            {
              g_autofree char *display = g_filename_display_name (child_rel);
              add_problem (st, display, _("symbolic link not followed"));
            }
        }
    }
  closedir (dir);
}

/* An fd for the folder holding @rel (relative to @root), kept open while
 * its files are read one after another: opening each file relative to it
 * spares the kernel a walk of the whole path every time. */
static int
folder_fd_for (LoadState  *st,
               const char *root,
               const char *rel,
               const char **base)
{
  const char *slash = strrchr (rel, '/');
  g_autofree char *dir = slash ? g_strndup (rel, slash - rel) : g_strdup ("");

  *base = slash ? slash + 1 : rel;
  if (st->dir_fd >= 0 && g_strcmp0 (st->dir_rel, dir) == 0)
    return st->dir_fd;

  if (st->dir_fd >= 0)
    close (st->dir_fd);
  g_free (st->dir_rel);
  st->dir_rel = g_steal_pointer (&dir);
  {
    g_autofree char *path = g_build_filename (root, st->dir_rel, NULL);
    st->dir_fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  }
  return st->dir_fd;
}

static void
folder_fd_close (LoadState *st)
{
  if (st->dir_fd >= 0)
    close (st->dir_fd);
  st->dir_fd = -1;
  g_clear_pointer (&st->dir_rel, g_free);
}

static gboolean
read_folder_json (LoadState  *st,
                  const char *root,
                  Entry      *e)
{
  const char *rel = e->raw_name ? e->raw_name : e->pub.name;
  const char *base = NULL;
  int dir_fd, fd;
  JsonBuf b;

  if (e->pub.size > (goffset) st->limit)
    {
      too_large (st, e->pub.name, e->pub.size);
      return FALSE;
    }

  dir_fd = folder_fd_for (st, root, rel, &base);
  if (dir_fd < 0)
    {
      int saved = errno;
      add_problem (st, e->pub.name, _("cannot be read (%s)"), g_strerror (saved));
      return FALSE;
    }
  fd = openat (dir_fd, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ELOOP)
    fd = openat (dir_fd, base, O_RDONLY | O_CLOEXEC); /* a link checked by the walk */
  if (fd < 0)
    {
      int saved = errno;
      add_problem (st, e->pub.name, _("cannot be read (%s)"), g_strerror (saved));
      return FALSE;
    }

  json_buf_init (&b, e->pub.size);
  for (;;)
    {
      gsize want;
      ssize_t n;

      json_buf_grow (&b, st->limit);
      want = b.cap - 1 - b.len;
      n = read (fd, b.data + b.len, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_free (b.data);
          add_problem (st, e->pub.name, _("cannot be read (%s)"), g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      b.len += n;
      if (b.len > st->limit)
        {
          close (fd);
          g_free (b.data);
          too_large (st, e->pub.name, -1);
          return FALSE;
        }
      /* A regular file reads short only at its end: spare the read of 0. */
      if ((gsize) n < want)
        break;
    }
  close (fd);

  e->pub.size = b.len;
  deliver (st, e->pub.name, &b);
  return TRUE;
}

/* Progress through a folder counts files: their sizes are not looked up
 * before reading, so each JSON file weighs as much as a typical post. */
#define FOLDER_JSON_UNIT 4096

static guint64
count_json_files (GPtrArray *files)
{
  guint64 n = 0;

  for (guint j = 0; j < files->len; j++)
    {
      FolderFile *f = g_ptr_array_index (files, j);
      n += is_json_name (f->raw);
    }
  return n;
}

static void
load_folder_part (LoadState *st,
                  guint      part_idx,
                  GPtrArray *files)
{
  Part *part = &st->self->parts[part_idx];
  const char *root = part->path;
  guint64 done = 0;
  SideWork side;

  side_work_start (&side, -1, root);
  for (guint i = 0; i < files->len; i++)
    {
      FolderFile *f = g_ptr_array_index (files, i);
      char *name, *raw = NULL;
      Entry *e;

      if (g_cancellable_is_cancelled (st->cancellable))
        break;

      if (g_utf8_validate (f->raw, -1, NULL))
        {
          /* Extracted from a .tgz with double-encoded names: shown and
           * matched as they were meant, opened as they are. */
          name = gpm_archive_undo_mojibake (f->raw);
          if (name != NULL)
            {
              ensure_seen (st);
              raw = g_strdup (f->raw);
            }
          else
            name = g_strdup (f->raw);
        }
      else
        {
          ensure_seen (st);
          name = g_filename_display_name (f->raw);
          raw = g_strdup (f->raw);
        }

      e = add_entry (st, part_idx, name, f->size, 0, raw);
      if (e == NULL)
        continue;
      if (!is_json_name (e->pub.name))
        {
          if (side.root_fd >= 0 && is_sidecar_name (e->pub.name))
            side_work_add (&side, e, NULL, TRUE);
          else if (side.root_fd >= 0 && may_be_photo (e->pub.name))
            side_work_add (&side, e, NULL, FALSE);
          continue;
        }
      read_folder_json (st, root, e);
      done += FOLDER_JSON_UNIT;
      report_progress (st, st->base + done, FALSE);
    }
  folder_fd_close (st);
  part->sidecars_read = side.root_fd >= 0 && !g_cancellable_is_cancelled (st->cancellable);
  side_work_finish (&side);
}

gboolean
gpm_takeout_load (GpmTakeout             *self,
                  GpmTakeoutJsonFunc      json_func,
                  GpmTakeoutProgressFunc  progress_func,
                  gpointer                user_data,
                  GCancellable           *cancellable,
                  GError                **error)
{
  LoadState st = { 0 };
  g_autoptr(GPtrArray) folder_files = NULL;
  gpointer locale_token;
  guint readable_parts = 0;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), FALSE);

  st.self = self;
  st.json_func = json_func;
  st.progress_func = progress_func;
  st.user_data = user_data;
  st.cancellable = cancellable;
  st.limit = self->max_json_size;
  st.dir_fd = -1;
  st.entries = g_ptr_array_new_with_free_func (entry_free);
  st.problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);

  /* Walk the folders first so the total is known before reading starts. */
  folder_files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < self->n_parts; i++)
    {
      Part *part = &self->parts[i];
      GPtrArray *files = g_ptr_array_new_with_free_func (folder_file_free);

      g_ptr_array_add (folder_files, files);
      if (part->kind == PART_DIR)
        {
          g_autofree char *root_real = realpath (part->path, NULL);

          walk_folder (&st, part->path, root_real ? root_real : part->path, NULL, 0, files);
          part->size = count_json_files (files) * FOLDER_JSON_UNIT;
        }
      st.total += part->size;
    }
  st.step = MAX (st.total / 256, 64 * 1024);

  locale_token = gpm_archive_utf8_locale_push ();
  for (guint i = 0; i < self->n_parts && !g_cancellable_is_cancelled (cancellable); i++)
    {
      Part *part = &self->parts[i];
      GPtrArray *files = g_ptr_array_index (folder_files, i);

      if (i > 0 || part->kind != PART_DIR)
        ensure_seen (&st);
      switch (part->kind)
        {
        case PART_ZIP:
        case PART_TAR:
          if (load_archive_part (&st, i))
            readable_parts++;
          st.base += part->size;
          break;
        case PART_DIR:
          load_folder_part (&st, i, files);
          readable_parts++;
          st.base += part->size;
          break;
        case PART_UNKNOWN:
        default:
          add_problem (&st, part->path, _("not a zip or tgz archive, nor a folder; not read"));
          break;
        }
      report_progress (&st, st.base, FALSE);
    }
  gpm_archive_utf8_locale_pop (locale_token);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_clear_pointer (&st.seen, g_hash_table_unref);
      g_ptr_array_unref (st.entries);
      g_ptr_array_unref (st.problems);
      return FALSE;
    }

  report_progress (&st, st.total, TRUE);

  g_mutex_lock (&self->lock);
  if (self->index)
    g_ptr_array_add (self->retired, self->index);
  /* The names seen are the lookup table by name, once every name was kept. */
  self->index = index_new (st.entries, g_steal_pointer (&st.seen));
  g_ptr_array_unref (self->problems);
  self->problems = st.problems;
  g_mutex_unlock (&self->lock);

  if (readable_parts == 0)
    {
      GpmProblem *last = self->problems->len
                         ? g_ptr_array_index (self->problems, self->problems->len - 1) : NULL;

      if (last && self->n_parts == 1)
        g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_CORRUPT,
                     "%s: %s", last->name, last->message);
      else
        g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_CORRUPT,
                     _("%s: nothing could be read"), self->paths[0]);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
gpm_takeout_get_entries (GpmTakeout *self)
{
  Index *index;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);
  index = get_index (self);
  if (index == NULL)
    {
      /* Not loaded yet: an empty list, kept alive by the retired list. */
      g_mutex_lock (&self->lock);
      if (self->index == NULL)
        self->index = index_new (g_ptr_array_new_with_free_func (entry_free), NULL);
      index = self->index;
      g_mutex_unlock (&self->lock);
    }
  return index->entries;
}

GPtrArray *
gpm_takeout_get_problems (GpmTakeout *self)
{
  GPtrArray *problems;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);
  g_mutex_lock (&self->lock);
  problems = self->problems;
  g_mutex_unlock (&self->lock);
  return problems;
}

const GpmTakeoutEntry *
gpm_takeout_lookup (GpmTakeout *self,
                    const char *name)
{
  Index *index;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  index = get_index_for_lookups (self);
  return index ? g_hash_table_lookup (index->by_name, name) : NULL;
}

/* Resolves "." and ".." inside @path; NULL if it climbs above the root. */
static char *
resolve_relative (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; parts[i]; i++)
    {
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          if (kept->len == 0)
            return NULL;
          g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, parts[i]);
    }
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("/", (char **) kept->pdata);
}

/* One CSV record from @p (RFC 4180 quoting); advances @p past it. */
static GPtrArray *
csv_record (const char **p)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *f = g_string_new (NULL);
  const char *s = *p;
  gboolean quoted = FALSE;

  for (;; s++)
    {
      if (quoted)
        {
          if (*s == '\0')
            break;
          if (*s == '"' && s[1] == '"')
            {
              g_string_append_c (f, '"');
              s++;
            }
          else if (*s == '"')
            quoted = FALSE;
          else
            g_string_append_c (f, *s);
          continue;
        }
      if (*s == '"' && f->len == 0)
        quoted = TRUE;
      else if (*s == ',')
        {
          g_ptr_array_add (fields, g_string_free (f, FALSE));
          f = g_string_new (NULL);
        }
      else if (*s == '\n' || *s == '\0')
        break;
      else if (*s != '\r')
        g_string_append_c (f, *s);
    }
  g_ptr_array_add (fields, g_string_free (f, FALSE));
  *p = *s ? s + 1 : s;
  return fields;
}

/* The url column of a sidecar's text; NULL without one. */
static char **
sidecar_urls (const char *text)
{
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GStrvBuilder) urls = g_strv_builder_new ();
  const char *p = text;
  char **result;
  int url_col = -1;

  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;
  header = csv_record (&p);
  for (guint c = 0; c < header->len; c++)
    if (g_ascii_strcasecmp (g_ptr_array_index (header, c), "url") == 0)
      url_col = c;
  if (url_col < 0)
    return NULL;
  while (*p)
    {
      g_autoptr(GPtrArray) rec = csv_record (&p);
      const char *url = (guint) url_col < rec->len ? g_ptr_array_index (rec, url_col) : NULL;

      if (url && *url)
        g_strv_builder_add (urls, url);
    }
  result = g_strv_builder_end (urls);
  if (result[0] == NULL)
    g_clear_pointer (&result, g_strfreev);
  return result;
}

/* Reads every sidecar once (an archive's were kept while loading; a
 * folder's are read from disk now) into each media entry's sidecar_urls and
 * the url → media table. Called with self->sidecar_lock held. */
static void
index_ensure_sidecars (GpmTakeout *self,
                       Index      *index)
{
  if (index->by_url != NULL)
    return;
  index->by_url = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < index->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (index->entries, i);
      g_autofree char *media_name = NULL;
      g_autofree char *text = NULL;
      Entry *media;

      if (!is_sidecar_name (e->pub.name))
        continue;
      media_name = g_strndup (e->pub.name, strlen (e->pub.name) - strlen (SIDECAR_SUFFIX));
      media = g_hash_table_lookup (index->by_name, media_name);
      if (media == NULL || media->sidecar_urls != NULL)
        continue;

      if (self->parts[e->pub.part].kind != PART_DIR || self->parts[e->pub.part].sidecars_read)
        {
          /* read while loading */
          media->sidecar_urls = g_steal_pointer (&e->sidecar_read);
          text = NULL;
        }
      else
        {
          g_autofree char *path = gpm_takeout_dup_entry_path (self, &e->pub);
          GStatBuf sb;

          if (g_stat (path, &sb) != 0 || sb.st_size > SIDECAR_MAX_SIZE ||
              !g_file_get_contents (path, &text, NULL, NULL))
            continue;
        }
      if (text != NULL)
        media->sidecar_urls = sidecar_urls (text);
      if (media->sidecar_urls == NULL)
        continue;
      for (guint k = 0; media->sidecar_urls[k]; k++)
        if (!g_hash_table_contains (index->by_url, media->sidecar_urls[k]))
          g_hash_table_insert (index->by_url, media->sidecar_urls[k], media);
    }
}

char *
gpm_takeout_dup_url_file_name (const char *url)
{
  const char *end, *slash;
  g_autofree char *seg = NULL;
  char *dec;

  if (url == NULL || *url == '\0')
    return NULL;
  end = url + strcspn (url, "?#");
  while (end > url && end[-1] == '/')
    end--;
  slash = g_strrstr_len (url, end - url, "/");
  seg = g_strndup (slash ? slash + 1 : url, end - (slash ? slash + 1 : url));
  if (*seg == '\0')
    return NULL;
  dec = g_uri_unescape_string (seg, "/");
  return dec ? dec : g_steal_pointer (&seg);
}

void
gpm_takeout_add_media_reference (GpmTakeout *self,
                                 const char *file_name,
                                 gboolean    others)
{
  g_autofree char *from_url = NULL;
  const char *base;

  g_return_if_fail (GPM_IS_TAKEOUT (self));
  if (file_name == NULL || *file_name == '\0')
    return;
  /* A url (a media without localFilePath): its last segment is the name. */
  if (strstr (file_name, "://") != NULL && (from_url = gpm_takeout_dup_url_file_name (file_name)) == NULL)
    return;
  base = base_name_of (from_url ? from_url : file_name);
  g_mutex_lock (&self->lock);
  if (others)
    g_hash_table_add (self->other_refs, g_strdup (base));
  else
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->own_refs, base));
      g_hash_table_insert (self->own_refs, g_strdup (base), GUINT_TO_POINTER (n + 1));
    }
  g_mutex_unlock (&self->lock);
}

/* Whether @e's own sidecar says it is another photo than @url. */
static gboolean
sidecar_contradicts (const Entry *e,
                     const char  *url)
{
  return url != NULL && *url != '\0' && e->sidecar_urls != NULL &&
         !g_strv_contains ((const char * const *) e->sidecar_urls, url);
}

/* The one file named @base, when taking it by that name alone cannot take
 * somebody else's photo: no other file has that name, no comment or
 * reshared post names it, no other media item of the user's names it, and
 * its sidecar (if any) does not describe another photo. */
static Entry *
unique_by_base_name (GpmTakeout *self,
                     Index      *index,
                     const char *base,
                     const char *url)
{
  Entry *e = g_hash_table_lookup (index->by_base, base);
  gboolean claimed;

  if (e == NULL || e->next_same_base != NULL || is_sidecar_name (e->pub.name))
    return NULL;
  g_mutex_lock (&self->lock);
  claimed = g_hash_table_contains (self->other_refs, base) ||
            GPOINTER_TO_UINT (g_hash_table_lookup (self->own_refs, base)) > 1;
  g_mutex_unlock (&self->lock);
  if (claimed || sidecar_contradicts (e, url))
    return NULL;
  return e;
}

const GpmTakeoutEntry *
gpm_takeout_find_media (GpmTakeout *self,
                        const char *post_entry,
                        const char *local_file_path,
                        const char *url)
{
  Index *index;
  g_autofree char *dir = NULL;
  g_autofree char *from_url = NULL;
  const char *file_name = local_file_path;
  Entry *exact = NULL;
  Entry *e;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);

  index = get_index_for_lookups (self);
  if (index == NULL)
    return NULL;
  if (file_name == NULL || *file_name == '\0')
    file_name = from_url = gpm_takeout_dup_url_file_name (url);

  g_mutex_lock (&self->sidecar_lock);
  index_ensure_sidecars (self, index);
  g_mutex_unlock (&self->sidecar_lock);

  /* 1. The exact path: relative to the post's folder (in any part of the
   * set), then from the takeout's root. */
  if (file_name != NULL)
    {
      g_autofree char *joined = NULL;
      g_autofree char *wanted = NULL;

      dir = post_entry && strchr (post_entry, '/') ? g_path_get_dirname (post_entry) : g_strdup ("");
      joined = dir[0] ? g_strconcat (dir, "/", file_name, NULL) : g_strdup (file_name);
      wanted = resolve_relative (joined);
      if (wanted)
        exact = g_hash_table_lookup (index->by_name, wanted);
      if (exact == NULL)
        {
          g_clear_pointer (&wanted, g_free);
          wanted = resolve_relative (file_name);
          if (wanted)
            exact = g_hash_table_lookup (index->by_name, wanted);
        }
      /* A stale path that now names another photo (its sidecar says so) is
       * not this one. A name made from the url ("photo.jpg", which many
       * photos share) counts only when no other file or post has it. */
      if (exact != NULL && !sidecar_contradicts (exact, url) &&
          (from_url == NULL || unique_by_base_name (self, index, base_name_of (exact->pub.name), url) == exact))
        return &exact->pub;
    }

  /* 2. The sidecar whose url column is the media's url. */
  if (url != NULL && *url != '\0' && (e = g_hash_table_lookup (index->by_url, url)))
    return &e->pub;

  /* 3. The base name of localFilePath, only when it can mean nothing else.
   * A name made from the url ("photo.jpg") is no file name: not by itself. */
  if (from_url == NULL && file_name != NULL && exact == NULL &&
      (e = unique_by_base_name (self, index, base_name_of (file_name), url)))
    return &e->pub;

  return NULL;
}

gboolean
gpm_takeout_check_image (GpmTakeout             *self,
                         const GpmTakeoutEntry  *entry,
                         GCancellable           *cancellable,
                         GError                **error)
{
  Entry *e = (Entry *) entry;
  g_autoptr(GInputStream) stream = NULL;
  GError *found;
  gboolean checked;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!may_be_photo (entry->name))
    return TRUE;
  g_mutex_lock (&self->lock);
  checked = e->image_checked;
  g_mutex_unlock (&self->lock);

  if (!checked)
    {
      /* A folder's file (an archive's were checked while it was read). */
      stream = gpm_takeout_open_entry (self, entry->name, cancellable, NULL);
      found = stream ? check_image_head (read_more_stream, stream) : NULL;
      g_mutex_lock (&self->lock);
      if (!e->image_checked)
        {
          e->image_error = found;
          e->image_checked = TRUE;
        }
      else
        g_clear_error (&found);
      g_mutex_unlock (&self->lock);
    }

  g_mutex_lock (&self->lock);
  found = e->image_error ? g_error_copy (e->image_error) : NULL;
  g_mutex_unlock (&self->lock);
  if (found == NULL)
    return TRUE;
  g_propagate_error (error, found);
  return FALSE;
}

/* "takeout-20181025T123456Z-002.zip" → prefix "takeout-20181025T123456Z-",
 * number 2, suffix ".zip". FALSE for a name that is no part of a set. */
static gboolean
parse_part_name (const char  *path,
                 char       **prefix,
                 guint       *number,
                 char       **suffix)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GRegex) re = g_regex_new ("^(.*-)([0-9]{3})(\\.zip|\\.tgz|\\.tar\\.gz|\\.tar\\.bz2|\\.tar\\.xz|\\.tar)$",
                                      G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *digits = NULL;

  if (!g_regex_match (re, base, 0, &match))
    return FALSE;
  *prefix = g_match_info_fetch (match, 1);
  digits = g_match_info_fetch (match, 2);
  *number = (guint) g_ascii_strtoull (digits, NULL, 10);
  *suffix = g_match_info_fetch (match, 3);
  return *number > 0;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GpmProblem *
gpm_takeout_check_parts (GpmTakeout *self,
                         guint       n_missing_media)
{
  g_autofree char *prefix = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GHashTable) opened = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) folder = NULL;
  g_autofree char *list = NULL;
  const char *first = NULL;
  guint highest = 0;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);

  /* The parts opened that are named as parts of one set. */
  for (guint i = 0; i < self->n_parts; i++)
    {
      g_autofree char *p = NULL, *sfx = NULL;
      guint number;

      if (self->parts[i].kind == PART_DIR || !parse_part_name (self->parts[i].path, &p, &number, &sfx))
        continue;
      if (prefix == NULL)
        {
          prefix = g_steal_pointer (&p);
          suffix = g_steal_pointer (&sfx);
          dir = g_path_get_dirname (self->parts[i].path);
          first = self->parts[i].path;
        }
      else if (strcmp (p, prefix) != 0)
        continue;
      g_hash_table_add (opened, GUINT_TO_POINTER (number));
      highest = MAX (highest, number);
    }
  if (prefix == NULL)
    return NULL;

  /* Gaps in the numbers, and parts of the same set next to those opened. */
  for (guint n = 1; n < highest; n++)
    if (!g_hash_table_contains (opened, GUINT_TO_POINTER (n)))
      g_ptr_array_add (missing, g_strdup_printf ("%s%03u%s", prefix, n, suffix));
  folder = g_dir_open (dir, 0, NULL);
  for (const char *name; folder && (name = g_dir_read_name (folder)); )
    {
      g_autofree char *p = NULL, *sfx = NULL;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      guint number;

      if (parse_part_name (path, &p, &number, &sfx) && strcmp (p, prefix) == 0 &&
          number > highest && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (missing, g_strdup (name));
    }
  g_ptr_array_sort (missing, compare_names);

  if (missing->len > 0)
    {
      g_ptr_array_add (missing, NULL);
      list = g_strjoinv (", ", (char **) missing->pdata);
      if (n_missing_media > 0)
        return gpm_problem_newf (first,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "a part of this multi-part takeout was not opened, and %u media file of the posts is missing: add %s",
                                              "a part of this multi-part takeout was not opened, and %u media files of the posts are missing: add %s",
                                              n_missing_media),
                                 n_missing_media, list);
      return gpm_problem_newf (first, _("a part of this multi-part takeout was not opened: add %s"), list);
    }
  if (n_missing_media > 0 && highest == 1)
    {
      /* The first part alone, no other in sight, but the posts' media point
       * elsewhere. (Several parts opened in a row: the user knew of the
       * set, and media missing then are stale paths.) */
      g_autofree char *next = g_strdup_printf ("%s%03u%s", prefix, highest + 1, suffix);
      return gpm_problem_newf (first,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "%u media file of the posts is not in the parts opened: if the takeout came in more parts, add them too (%s and any after it)",
                                            "%u media files of the posts are not in the parts opened: if the takeout came in more parts, add them too (%s and any after it)",
                                            n_missing_media),
                               n_missing_media, next);
    }
  return NULL;
}

char *
gpm_takeout_dup_entry_path (GpmTakeout            *self,
                            const GpmTakeoutEntry *entry)
{
  const Entry *e = (const Entry *) entry;
  const Part *part;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);
  g_return_val_if_fail (entry != NULL && entry->part < self->n_parts, NULL);

  part = &self->parts[entry->part];
  if (part->kind != PART_DIR)
    return NULL;
  return g_build_filename (part->path, e->raw_name ? e->raw_name : e->pub.name, NULL);
}

goffset
gpm_takeout_get_entry_size (GpmTakeout            *self,
                            const GpmTakeoutEntry *entry)
{
  Entry *e = (Entry *) entry;
  g_autofree char *path = NULL;
  goffset size;
  struct stat sb;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), -1);
  g_return_val_if_fail (entry != NULL, -1);

  g_mutex_lock (&self->lock);
  size = e->pub.size;
  g_mutex_unlock (&self->lock);
  if (size >= 0)
    return size;

  path = gpm_takeout_dup_entry_path (self, entry);
  if (path == NULL || g_stat (path, &sb) != 0 || !S_ISREG (sb.st_mode))
    return -1;

  g_mutex_lock (&self->lock);
  e->pub.size = sb.st_size;
  g_mutex_unlock (&self->lock);
  return sb.st_size;
}

/* The part's central directory, read once (NULL when it cannot be). */
static GArray *
dup_directory (GpmTakeout *self,
               guint       part_idx)
{
  Part *part = &self->parts[part_idx];
  GArray *directory;

  g_mutex_lock (&self->directory_lock);
  if (!part->directory_read)
    {
      g_autoptr(GError) error = NULL;

      part->directory = gpm_zip_directory_read (part->path, &error);
      part->directory_read = TRUE;
      if (part->directory == NULL)
        g_debug ("%s: entries are reached by walking the zip: %s", part->path, error->message);
    }
  directory = part->directory ? g_array_ref (part->directory) : NULL;
  g_mutex_unlock (&self->directory_lock);

  return directory;
}

/* A zip entry reached through its local header offset from the central
 * directory: libarchive's streaming reader started there reads one entry.
 * NULL when that is not possible or the entry found there is not @e (the
 * caller then walks the archive, which always works). */
static GInputStream *
open_zip_entry_direct (GpmTakeout   *self,
                       const Entry  *e,
                       GCancellable *cancellable)
{
  const Part *part = &self->parts[e->pub.part];
  g_autoptr(GArray) directory = dup_directory (self, e->pub.part);
  g_autoptr(GpmArchiveReader) reader = NULL;
  struct archive_entry *ae = NULL;
  const GpmZipRecord *record;
  g_autofree char *raw = NULL;
  g_autofree char *clean = NULL;
  const char *why;
  gpointer token;
  int r;

  if (directory == NULL || e->ordinal >= directory->len)
    return NULL;
  record = &g_array_index (directory, GpmZipRecord, e->ordinal);
  if (!gpm_zip_record_is_direct (record))
    return NULL;

  reader = gpm_archive_reader_open_zip_at (part->path, record->offset, cancellable, NULL);
  if (reader == NULL)
    return NULL;

  token = gpm_archive_utf8_locale_push ();
  r = archive_read_next_header (gpm_archive_reader_get_archive (reader), &ae);
  if (r >= ARCHIVE_WARN)
    raw = gpm_archive_entry_dup_utf8_name (ae, GPM_ARCHIVE_ZIP);
  gpm_archive_utf8_locale_pop (token);

  clean = raw ? normalize_name (raw, &why) : NULL;
  if (clean == NULL || strcmp (clean, e->pub.name) != 0)
    return NULL;
  if (archive_entry_size_is_set (ae) && e->pub.size >= 0 && archive_entry_size (ae) != e->pub.size)
    return NULL;

  return gpm_archive_stream_new (g_steal_pointer (&reader), e->pub.name);
}

GInputStream *
gpm_takeout_open_entry (GpmTakeout    *self,
                        const char    *name,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GpmArchiveReader) reader = NULL;
  GpmArchiveKind kind;
  const Entry *e;
  const Part *part;
  struct archive *a;
  gpointer token;
  gboolean found = FALSE;
  guint ordinal = 0;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  e = (const Entry *) gpm_takeout_lookup (self, name);
  if (e == NULL)
    {
      g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_NO_ENTRY,
                   _("%s: no such file in the takeout"), name);
      return NULL;
    }

  part = &self->parts[e->pub.part];
  if (part->kind == PART_DIR)
    {
      g_autofree char *path = gpm_takeout_dup_entry_path (self, &e->pub);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      return G_INPUT_STREAM (g_file_read (file, cancellable, error));
    }

  if (part->kind == PART_ZIP && !part->streaming)
    {
      GInputStream *stream = open_zip_entry_direct (self, e, cancellable);

      if (stream != NULL)
        return stream;
    }

  kind = part->kind == PART_ZIP ? GPM_ARCHIVE_ZIP : GPM_ARCHIVE_TAR;
  reader = gpm_archive_reader_open (part->path, kind, part->streaming, cancellable, error);
  if (reader == NULL)
    return NULL;
  a = gpm_archive_reader_get_archive (reader);

  token = gpm_archive_utf8_locale_push ();
  for (;;)
    {
      struct archive_entry *ae = NULL;
      int r;

      if ((ordinal & 255) == 0 && g_cancellable_is_cancelled (cancellable))
        break;
      r = archive_read_next_header (a, &ae);
      if (r == ARCHIVE_EOF || r == ARCHIVE_FATAL)
        break;
      if (ordinal++ == e->ordinal)
        {
          g_autofree char *raw = gpm_archive_entry_dup_utf8_name (ae, kind);
          const char *why;
          g_autofree char *clean = raw ? normalize_name (raw, &why) : NULL;

          found = r >= ARCHIVE_WARN && clean && strcmp (clean, e->pub.name) == 0;
          break;
        }
    }
  gpm_archive_utf8_locale_pop (token);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!found)
    {
      g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_CORRUPT,
                   _("%s: cannot be found again in %s (%s)"), name, part->path,
                   archive_error_string (a) ? archive_error_string (a) : _("the archive changed"));
      return NULL;
    }

  return gpm_archive_stream_new (g_steal_pointer (&reader), e->pub.name);
}

GBytes *
gpm_takeout_read_entry (GpmTakeout    *self,
                        const char    *name,
                        gsize          max_size,
                        GCancellable  *cancellable,
                        GError       **error)
{
  const GpmTakeoutEntry *e;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = NULL;
  guint8 chunk[64 * 1024];
  goffset size;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);

  e = gpm_takeout_lookup (self, name);
  size = e != NULL ? gpm_takeout_get_entry_size (self, e) : -1;
  if (max_size > 0 && size > (goffset) max_size)
    {
      g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_TOO_LARGE,
                   _("%s: too large (%lld bytes)"), name, (long long) size);
      return NULL;
    }

  stream = gpm_takeout_open_entry (self, name, cancellable, error);
  if (stream == NULL)
    return NULL;

  data = g_byte_array_sized_new (size > 0 ? MIN (size, 64 * 1024 * 1024) : 0);
  for (;;)
    {
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (max_size > 0 && data->len + (gsize) n > max_size)
        {
          g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_TOO_LARGE,
                       _("%s: larger than %lu bytes"), name, (unsigned long) max_size);
          return NULL;
        }
      g_byte_array_append (data, chunk, n);
    }
  g_input_stream_close (stream, NULL, NULL);

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}
