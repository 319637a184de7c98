/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout.c: the GpmTakeout object: its parts (what each path is, and
 * which parts of a multi-part set were not opened), the index of entries and
 * its lookup tables, entry names, and reading one entry again (straight
 * from a zip's local header, else by walking the archive).
 * The load pass is in gpm-takeout-load.c and gpm-takeout-folder.c, media in
 * gpm-takeout-media.c (gpm-takeout-private.h). */
#define G_LOG_DOMAIN "gpm-takeout"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gpm-archive-reader.h"
#include "gpm-archive-stream.h"
#include "gpm-takeout-private.h"

G_DEFINE_QUARK (gpm-takeout-error-quark, gpm_takeout_error)

G_DEFINE_FINAL_TYPE (GpmTakeout, gpm_takeout, G_TYPE_OBJECT)

void
gpm_takeout_setup_process (int malloc_arenas)
{
  if (g_getenv ("TZ") == NULL && g_file_test ("/etc/localtime", G_FILE_TEST_EXISTS))
    g_setenv ("TZ", ":/etc/localtime", FALSE);
  /* A few malloc arenas, not one a thread. Lean (two): the reading threads
   * free every post's JSON among what the index keeps, and each arena of
   * its own kept that free space (at 100,000 posts the app held 17-28 MB
   * free in its heaps, 7-11 MB with two; its peak 10-15 MB lower; the time
   * to read the same). Fast (four): a command reading a zip has four
   * threads allocating at once (loading, inflating, parsing, the photos),
   * which on two arenas took turns at malloc's arena lock: 206 sleeps on
   * it per run of `scopes` on 20,000 posts (`perf`, sched_switch), 9 with
   * four, the peak at 100,000 posts the same (111 MB). */
  mallopt (M_ARENA_MAX, malloc_arenas);
}

void
gpm_takeout_entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->sidecar_urls);   /* (one block, gpm_takeout_sidecar_urls()) */
  if (e->rare != NULL)
    {
      g_free (e->rare->raw_name);
      g_clear_error (&e->rare->image_error);
      g_free (e->rare);
    }
}

const char *
gpm_takeout_entry_raw_name (const Entry *e)
{
  return e->rare ? e->rare->raw_name : NULL;
}

/* Takes @error (NULL: the check passed). */
void
gpm_takeout_entry_set_image_error (Entry  *e,
                                   GError *error)
{
  if (error != NULL && e->rare == NULL)
    e->rare = g_new0 (EntryRare, 1);
  if (e->rare != NULL)
    {
      g_clear_error (&e->rare->image_error);
      e->rare->image_error = error;
    }
  e->image_checked = TRUE;
}

/* The folders: interned strings at fixed places, so that a reader needs
 * no lock (a number is handed out only once its string is there). */
#define FOLDERS_MAX 1024
static const char *folders[FOLDERS_MAX];
static gsize folder_lens[FOLDERS_MAX];
static guint32 folder_hashes[FOLDERS_MAX];  /* g_str_hash()'s state after the folder and "/" */
static guint n_folders = 1;   /* (0 is FOLDER_NONE) */
static GMutex folders_lock;

/* The folder found last (0: none yet): a takeout's entries come folder by
 * folder, so most names are in the same folder as the one before. */
static guint last_folder;

static gboolean
folder_is (guint       i,
           const char *folder,
           gsize       len)
{
  return folder_lens[i] == len && memcmp (folders[i], folder, len) == 0;
}

guint
gpm_takeout_folder_intern (const char *folder,
                           gsize       len)
{
  g_autofree char *copy = NULL;
  const char *interned;
  guint n, i;

  /* Without a copy, a lock or a hash (this ran for each of a takeout's
   * 200,000 entries): the last folder, else the published ones (a number
   * is handed out only once its string and length are there). */
  i = (guint) g_atomic_int_get (&last_folder);
  if (i != FOLDER_NONE && folder_is (i, folder, len))
    return i;
  n = (guint) g_atomic_int_get (&n_folders);
  for (i = 1; i < n; i++)
    if (folder_is (i, folder, len))
      {
        g_atomic_int_set (&last_folder, (int) i);
        return i;
      }
  copy = g_strndup (folder, len);
  interned = g_intern_string (copy);
  g_mutex_lock (&folders_lock);
  n = (guint) g_atomic_int_get (&n_folders);
  for (; i < n; i++)
    if (folders[i] == interned)
      break;
  if (i == n && n < FOLDERS_MAX)
    {
      guint32 h = 5381;

      for (const signed char *p = (const signed char *) interned; *p != '\0'; p++)
        h = (h << 5) + h + (guint32) *p;
      folder_lens[n] = strlen (interned);
      folder_hashes[n] = (h << 5) + h + (guint32) '/';
      folders[n] = interned;
      g_atomic_int_set (&n_folders, (int) n + 1);
    }
  else if (i == n)
    i = FOLDER_NONE;   /* full: the whole name is kept */
  g_mutex_unlock (&folders_lock);
  if (i != FOLDER_NONE)
    g_atomic_int_set (&last_folder, (int) i);
  return i;
}

const char *
gpm_takeout_folder_name (guint folder)
{
  return folder == FOLDER_NONE ? NULL : folders[folder];
}

const char *
gpm_takeout_entry_whole_name (const Entry *e)
{
  if (e->pub.folder == FOLDER_NONE)
    return e->pub.base_name;
  if (gpm_takeout_is_json_name (e->pub.base_name))
    return e->pub.base_name - strlen (folders[e->pub.folder]) - 1;
  return NULL;
}

char *
gpm_takeout_entry_dup_name (const Entry *e)
{
  const char *whole = gpm_takeout_entry_whole_name (e);

  return whole ? g_strdup (whole) : g_strconcat (folders[e->pub.folder], "/", e->pub.base_name, NULL);
}

char *
gpm_takeout_dup_entry_name (GpmTakeout            *self,
                            const GpmTakeoutEntry *entry)
{
  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);
  g_return_val_if_fail (entry != NULL, NULL);

  return gpm_takeout_entry_dup_name ((const Entry *) entry);
}

/* The whole name's parts: folder, "/", base name (or the base name alone). */
static void
name_parts (const Entry *e,
            const char  *parts[3])
{
  if (e->pub.folder == FOLDER_NONE)
    parts[0] = e->pub.base_name, parts[1] = parts[2] = "";
  else
    parts[0] = folders[e->pub.folder], parts[1] = "/", parts[2] = e->pub.base_name;
}

static int
parts_compare (const char *a[3],
               const char *b[3])
{
  guint ia = 0, ib = 0;
  const char *pa = a[0], *pb = b[0];

  for (;;)
    {
      guchar ca, cb;

      while (*pa == '\0' && ia < 2)
        pa = a[++ia];
      while (*pb == '\0' && ib < 2)
        pb = b[++ib];
      ca = (guchar) *pa;
      cb = (guchar) *pb;
      if (ca != cb || ca == '\0')
        return (int) ca - (int) cb;
      pa++;
      pb++;
    }
}

int
gpm_takeout_entry_compare_name (const Entry *e,
                                const char  *name)
{
  gsize len;
  int c;

  if (e->pub.folder == FOLDER_NONE)
    return strcmp (e->pub.base_name, name);
  /* (strncmp stops where @name ends: a shorter name sorts first) */
  len = folder_lens[e->pub.folder];
  c = strncmp (folders[e->pub.folder], name, len);
  if (c != 0)
    return c;
  if (name[len] != '/')
    return (int) '/' - (int) (guchar) name[len];
  return strcmp (e->pub.base_name, name + len + 1);
}

int
gpm_takeout_entry_compare (const Entry *a,
                           const Entry *b)
{
  const char *pa[3], *pb[3];

  if (a->pub.folder == b->pub.folder)
    return strcmp (a->pub.base_name, b->pub.base_name);
  name_parts (a, pa);
  name_parts (b, pb);
  return parts_compare (pa, pb);
}

/* g_str_hash() of the whole name */
guint
gpm_takeout_entry_name_hash (const Entry *e)
{
  guint32 h = e->pub.folder == FOLDER_NONE ? 5381 : folder_hashes[e->pub.folder];

  for (const signed char *p = (const signed char *) e->pub.base_name; *p != '\0'; p++)
    h = (h << 5) + h + (guint32) *p;
  return h;
}

static int
entry_compare (gconstpointer a,
               gconstpointer b)
{
  return gpm_takeout_entry_compare (*(const Entry * const *) a, *(const Entry * const *) b);
}

const char *
gpm_takeout_base_name (const char *name)
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

static int
entry_compare_data (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  return entry_compare (a, b);
}

typedef struct {
  gpointer *items;
  guint     n;
} SortPart;

static gpointer
sort_part (gpointer data)
{
  SortPart *part = data;

  g_qsort_with_data (part->items, (gint) part->n, sizeof (gpointer), entry_compare_data, NULL);
  return NULL;
}

/* The entries of an archive (not sorted) by name: the two halves at once,
 * one by a thread of its own, then merged. This is the last step of a
 * load, when the other threads are done or nearly (35 ms at 200,000
 * entries on one core). */
static void
entries_sort (GPtrArray *entries)
{
  guint n = entries->len, half = n / 2;
  SortPart second = { entries->pdata + half, n - half };
  g_autofree gpointer *merged = NULL;
  GThread *thread;
  guint a = 0, b = half, o = 0;

  if (n < 16384 || g_get_num_processors () < 2)
    {
      g_ptr_array_sort (entries, entry_compare);
      return;
    }
  thread = g_thread_new ("gpm-takeout-sort", sort_part, &second);
  g_qsort_with_data (entries->pdata, (gint) half, sizeof (gpointer), entry_compare_data, NULL);
  g_thread_join (thread);
  merged = g_new (gpointer, n);
  while (a < half && b < n)
    merged[o++] = entry_compare (&entries->pdata[a], &entries->pdata[b]) <= 0 ? entries->pdata[a++] : entries->pdata[b++];
  while (a < half)
    merged[o++] = entries->pdata[a++];
  while (b < n)
    merged[o++] = entries->pdata[b++];
  memcpy (entries->pdata, merged, n * sizeof (gpointer));
}

/* The lookup table by base name is built on the first lookup: listing a
 * takeout's scopes never needs it. */
Index *
gpm_takeout_index_new (GPtrArray    *entries,
                       GPtrArray    *slabs,
                       GStringChunk *names)
{
  Index *index = g_new0 (Index, 1);

  index->names = names;
  index->slabs = slabs;
  /* A folder's walk lists its files in order already. */
  if (!entries_sorted (entries))
    entries_sort (entries);
  index->entries = entries;
  return index;
}

/* The entry named @name: a binary search of the entries, sorted by name. */
Entry *
gpm_takeout_index_find (Index      *index,
                        const char *name)
{
  guint lo = 0, hi = index->entries->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      Entry *e = g_ptr_array_index (index->entries, mid);
      int c = -gpm_takeout_entry_compare_name (e, name);

      if (c == 0)
        return e;
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return NULL;
}

typedef struct {
  const char *base;
  guint32     position;
} BaseName;

static int
base_name_compare (gconstpointer a,
                   gconstpointer b)
{
  const BaseName *ba = a;
  const BaseName *bb = b;
  int c = strcmp (ba->base, bb->base);

  return c ? c : (ba->position > bb->position) - (ba->position < bb->position);
}

/* A merge sort of the runs already in order: the entries are sorted by
 * whole name, so the base names of one folder come in order and a takeout's
 * few folders make few runs (qsort() compared 200,000 names 18 times each). */
static void
base_names_sort (BaseName *bases,
                 guint     n)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree BaseName *tmp = NULL;
  BaseName *from = bases, *to;

  for (guint i = 0; i < n; i++)
    if (i == 0 || base_name_compare (&bases[i - 1], &bases[i]) > 0)
      g_array_append_val (runs, i);
  if (runs->len <= 1)
    return;
  to = tmp = g_new (BaseName, n);
  g_array_append_val (runs, n);
  while (runs->len > 2)
    {
      guint *r = (guint *) (gpointer) runs->data;
      guint k = 0, m = runs->len - 1;   /* runs */

      for (guint j = 0; j < m; j += 2, k++)
        {
          guint a = r[j], mid = j + 1 < m ? r[j + 1] : r[m], end = j + 1 < m ? r[j + 2] : r[m];
          guint b = mid, o = a;

          while (a < mid && b < end)
            to[o++] = base_name_compare (&from[a], &from[b]) <= 0 ? from[a++] : from[b++];
          while (a < mid)
            to[o++] = from[a++];
          while (b < end)
            to[o++] = from[b++];
          r[k] = r[j];
        }
      r[k] = r[m];
      g_array_set_size (runs, k + 1);
      {
        BaseName *swap = from;
        from = to;
        to = swap;
      }
    }
  if (from != bases)
    memcpy (bases, from, n * sizeof (BaseName));
}

/* Called with self->tables_lock held (after the load: the entries no
 * longer change). */
static void
index_ensure_tables (Index *index)
{
  guint n = index->entries->len;
  BaseName *bases;

  if (index->by_base != NULL)
    return;
  bases = g_new (BaseName, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      Entry *e = g_ptr_array_index (index->entries, i);

      /* (a name in a folder is its base name already) */
      bases[i].base = e->pub.folder != FOLDER_NONE ? e->pub.base_name : gpm_takeout_base_name (e->pub.base_name);
      bases[i].position = i;
    }
  base_names_sort (bases, n);
  index->by_base = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  for (guint i = 0; i < n; i++)
    g_array_append_val (index->by_base, bases[i].position);
  g_free (bases);
}

/* The first entry whose base name is @base, or NULL; @unique: no other
 * entry has that base name. */
Entry *
gpm_takeout_index_find_base (Index      *index,
                             const char *base,
                             gboolean   *unique)
{
  guint lo = 0, hi = index->by_base->len;
  Entry *e;

#define AT(i) ((Entry *) g_ptr_array_index (index->entries, g_array_index (index->by_base, guint32, (i))))
  /* The first whose base name is not below @base */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (strcmp (gpm_takeout_base_name (AT (mid)->pub.base_name), base) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == index->by_base->len || strcmp (gpm_takeout_base_name ((e = AT (lo))->pub.base_name), base) != 0)
    return NULL;
  *unique = lo + 1 == index->by_base->len ||
            strcmp (gpm_takeout_base_name (AT (lo + 1)->pub.base_name), base) != 0;
#undef AT
  return e;
}

static void
index_free (gpointer data)
{
  Index *index = data;

  g_clear_pointer (&index->by_base, g_array_unref);
  g_clear_pointer (&index->by_url, g_hash_table_unref);
  g_ptr_array_unref (index->entries);
  g_clear_pointer (&index->slabs, g_ptr_array_unref);
  g_clear_pointer (&index->names, g_string_chunk_free);
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
Index *
gpm_takeout_get_index_for_lookups (GpmTakeout *self)
{
  Index *index;

  g_mutex_lock (&self->lock);
  index = self->index;
  g_mutex_unlock (&self->lock);
  /* (not under self->lock: the import's parser threads note the posts'
   * media under it while the tables of a big takeout are built) */
  if (index != NULL)
    {
      g_mutex_lock (&self->tables_lock);
      index_ensure_tables (index);
      g_mutex_unlock (&self->tables_lock);
    }
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
      g_clear_pointer (&self->parts[i].offsets, g_array_unref);
    }
  g_free (self->parts);
  g_strfreev (self->paths);
  g_clear_pointer (&self->index, index_free);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->directory_lock);
  g_mutex_clear (&self->sidecar_lock);
  g_mutex_clear (&self->tables_lock);
  g_clear_pointer (&self->own_refs, g_hash_table_unref);
  g_clear_pointer (&self->other_refs, g_hash_table_unref);
  g_clear_pointer (&self->ref_names, g_string_chunk_free);

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
  g_mutex_init (&self->tables_lock);
  self->own_refs = g_hash_table_new (g_str_hash, g_str_equal);
  self->other_refs = g_hash_table_new (g_str_hash, g_str_equal);
  self->ref_names = g_string_chunk_new (16 * 1024);
  self->max_json_size = GPM_TAKEOUT_MAX_JSON_SIZE;
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
  self->retired = g_ptr_array_new_with_free_func (index_free);
}

/* What the user is told of a file that is not a takeout at all: its name,
 * not its path or libarchive's English words (those go to the problems
 * and the debug log) */
void
gpm_takeout_set_not_takeout_error (GError     **error,
                                   const char  *path)
{
  g_autofree char *name = g_filename_display_basename (path);

  g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_UNSUPPORTED,
               _("“%s” is not a Google Takeout archive (a .zip or .tgz file) or folder"), name);
}

static PartKind
classify_file (const char *path,
               gboolean   *by_name)
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
  *by_name = TRUE;
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
          part->kind = classify_file (paths[i], &part->by_name);
          part->size = st.st_size;
        }
      else
        part->kind = PART_UNKNOWN;
      any_known |= part->kind != PART_UNKNOWN;
    }

  if (!any_known)
    {
      gpm_takeout_set_not_takeout_error (error, paths[0]);
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

gboolean
gpm_takeout_is_json_name (const char *name)
{
  gsize len = strlen (name);
  return len >= 5 && g_ascii_strcasecmp (name + len - 5, ".json") == 0;
}

/* Whether @path has no empty, "." or ".." component (nor a backslash, if
 * @backslash_unclean): most names and paths are, and are taken as they are
 * without splitting them. */
gboolean
_gpm_takeout_path_is_clean (const char *path,
                            gboolean    backslash_unclean)
{
  for (const char *p = path, *part = path;; p++)
    {
      if (*p == '\\' && backslash_unclean)
        return FALSE;
      if (*p == '/' || *p == '\0')
        {
          gsize len = p - part;

          if (len == 0 || (part[0] == '.' && (len == 1 || (len == 2 && part[1] == '.'))))
            return FALSE;
          if (*p == '\0')
            return TRUE;
          part = p + 1;
        }
    }
}

/* A clean relative name ("a/b/c"), or NULL with the reason when the name
 * could lead out of where the takeout is (absolute, drive letter, ".."). */
static gboolean
is_absolute_name (const char *name)
{
  return name[0] == '/' || name[0] == '\\' || (g_ascii_isalpha (name[0]) && name[1] == ':');
}

/* gpm_takeout_normalize_name() of *@name, which it takes (sets to NULL)
 * when the name is clean already: most are, and are kept as they are (not
 * copied again for each of a takeout's names). */
char *
gpm_takeout_normalize_name_take (char       **name,
                                 const char **why)
{
  if (!is_absolute_name (*name) && _gpm_takeout_path_is_clean (*name, TRUE))
    return g_steal_pointer (name);
  return gpm_takeout_normalize_name (*name, why);
}

char *
gpm_takeout_normalize_name (const char  *name,
                            const char **why)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = NULL;

  if (is_absolute_name (name))
    {
      *why = _("unsafe file name (absolute path); not read");
      return NULL;
    }

  /* Most names are clean already ("a/b/c": no backslash, no empty, "." or
   * ".." component): taken as they are, without splitting them. */
  if (_gpm_takeout_path_is_clean (name, TRUE))
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
        self->index = gpm_takeout_index_new (g_ptr_array_new_with_free_func (gpm_takeout_entry_free), NULL, NULL);
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
  Entry *e;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  index = gpm_takeout_get_index_for_lookups (self);
  e = index ? gpm_takeout_index_find (index, name) : NULL;
  return e ? &e->pub : NULL;
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
  if (e->rare && e->rare->raw_name)
    return g_build_filename (part->path, e->rare->raw_name, NULL);
  return g_build_filename (part->path, gpm_takeout_folder_name (e->pub.folder) ? gpm_takeout_folder_name (e->pub.folder) : "",
                           e->pub.base_name, NULL);
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

/* The part's local header offsets by ordinal when our walk read it
 * (@offsets), else its central directory, read once (NULL when it cannot
 * be). */
static GArray *
dup_directory (GpmTakeout *self,
               guint       part_idx,
               GArray    **offsets)
{
  Part *part = &self->parts[part_idx];
  GArray *directory;

  g_mutex_lock (&self->directory_lock);
  *offsets = part->offsets ? g_array_ref (part->offsets) : NULL;
  if (*offsets == NULL && !part->directory_read)
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

/* A zip entry reached through its local header offset (kept by our walk,
 * else from the central directory read again): libarchive's streaming
 * reader started there reads one entry.
 * NULL when that is not possible or the entry found there is not @e (the
 * caller then walks the archive, which always works). */
static GInputStream *
open_zip_entry_direct (GpmTakeout   *self,
                       const Entry  *e,
                       GCancellable *cancellable)
{
  const Part *part = &self->parts[e->pub.part];
  g_autoptr(GArray) offsets = NULL;
  g_autoptr(GArray) directory = dup_directory (self, e->pub.part, &offsets);
  g_autoptr(GpmArchiveReader) reader = NULL;
  struct archive_entry *ae = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *clean = NULL;
  const char *why;
  guint64 offset;
  gpointer token;
  int r;

  if (offsets != NULL)
    {
      if (e->ordinal >= offsets->len)
        return NULL;
      offset = g_array_index (offsets, guint64, e->ordinal);
    }
  else
    {
      const GpmZipRecord *record;

      if (directory == NULL || e->ordinal >= directory->len)
        return NULL;
      record = &g_array_index (directory, GpmZipRecord, e->ordinal);
      if (!gpm_zip_record_is_direct (record))
        return NULL;
      offset = record->offset;
    }

  reader = gpm_archive_reader_open_zip_at (part->path, offset, cancellable, NULL);
  if (reader == NULL)
    return NULL;

  token = gpm_archive_utf8_locale_push ();
  r = archive_read_next_header (gpm_archive_reader_get_archive (reader), &ae);
  if (r >= ARCHIVE_WARN)
    raw = gpm_archive_entry_dup_utf8_name (ae, GPM_ARCHIVE_ZIP);
  gpm_archive_utf8_locale_pop (token);

  clean = raw ? gpm_takeout_normalize_name (raw, &why) : NULL;
  if (clean == NULL || gpm_takeout_entry_compare_name (e, clean) != 0)
    return NULL;
  if (archive_entry_size_is_set (ae) && e->pub.size >= 0 && archive_entry_size (ae) != e->pub.size)
    return NULL;

  return gpm_archive_stream_new (g_steal_pointer (&reader), clean);
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
          g_autofree char *clean = raw ? gpm_takeout_normalize_name (raw, &why) : NULL;

          found = r >= ARCHIVE_WARN && clean && gpm_takeout_entry_compare_name (e, clean) == 0;
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

  return gpm_archive_stream_new (g_steal_pointer (&reader), name);
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
