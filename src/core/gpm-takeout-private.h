/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-private.h: what the files of GpmTakeout share (private to
 * them): the parts, the entries and their index, the load pass's state,
 * and the functions one file calls in another. gpm-takeout.c holds the
 * object, its parts (and what a multi-part set lacks), the index and
 * reading one entry; gpm-takeout-load.c the load pass over archives (our
 * zip walk, libarchive for the rest); gpm-takeout-folder.c the same for an
 * extracted folder; gpm-takeout-media.c finding a post's media, the
 * sidecars and the photo checks. */
#pragma once

#include <gio/gio.h>

#include "gpm-image.h"
#include "gpm-takeout.h"
#include "gpm-zip-directory.h"

G_BEGIN_DECLS
/* How deep an extracted folder is walked (Takeout/Google+ Stream/Posts is 3). */
#define MAX_FOLDER_DEPTH 16

typedef enum {
  PART_ZIP,
  PART_TAR,
  PART_DIR,
  PART_UNKNOWN,
} PartKind;

typedef struct {
  char     *path;
  PartKind  kind;
  gboolean  by_name;     /* its first bytes are no zip or tar: its name said the kind */
  guint64   size;        /* file size; for a folder, its progress weight once walked */
  gboolean  streaming;   /* a zip whose central directory is unreadable */
  GArray   *offsets;     /* zip our walk read: each record's local header offset
                          * (guint64) by ordinal, so that opening an entry needs
                          * no second copy of the central directory (a 100,000-post
                          * zip's is 30 MB to read, 4 MB as records) */
  GArray   *directory;   /* zip read by libarchive: GpmZipRecord by ordinal, read
                          * on first use */
  gboolean  directory_read;
  gboolean  sidecars_read; /* folder: its sidecars' urls were read while loading */
} Part;

typedef struct _Entry Entry;

/* What few entries have. */
typedef struct {
  char            *raw_name;       /* folder: on-disk relative path, when not @pub.name */
  GError          *image_error;    /* the cheap image check failed with this */
} EntryRare;

/* 48 bytes (a takeout of 100,000 posts has 200,000 entries): what most
 * entries need, the rest behind @rare. */
struct _Entry {
  GpmTakeoutEntry  pub;            /* first: an Entry* is a GpmTakeoutEntry*; @pub.base_name
                                    * lives in the index's string chunk, after the whole
                                    * name for a post's JSON (the posts borrow it), alone
                                    * for the rest (gpm_takeout_entry_whole_name()) */
  guint            ordinal;        /* header number in its archive part */
  guint8           image_checked;  /* the cheap image check ran (guarded by the takeout's lock) */
  guint8           sidecar;        /* gpm_takeout_is_sidecar_name() of its whole name, set
                                    * with its name (the index's tables read it for every
                                    * entry: its name's end was two cache misses) */
  char           **sidecar_urls;   /* media: the url column of its sidecar (one block:
                                    * gpm_takeout_sidecar_urls()), NULL without one;
                                    * a sidecar read while loading: its own url column (its
                                    * bytes are not kept: a big takeout has 100,000 of them),
                                    * until index_ensure_sidecars() hands it to its media */
  EntryRare       *rare;           /* NULL for most */
};

typedef struct {
  GPtrArray  *entries;   /* Entry*, sorted by name, owned */
  GStringChunk *names;   /* their names (base names but for the JSON's) */
  GPtrArray  *slabs;     /* the blocks the entries live in, owned */
  GArray     *by_base;   /* guint32: the entries' positions in @entries, sorted by
                          * base name (a name is found by a binary search of
                          * @entries, a base name of this: at 200,000 entries two
                          * hash tables were 10 MB, this is 0.8 MB) */
  GHashTable *by_url;    /* a sidecar's url → the media Entry* it describes;
                          * built on first use, under the takeout's sidecar_lock */
} Index;

struct _GpmTakeout {
  GObject     parent_instance;

  char      **paths;
  Part       *parts;
  guint       n_parts;
  gsize       max_json_size;

  GMutex      lock;      /* guards @index (the pointer), @problems, @retired */
  Index      *index;
  GPtrArray  *problems;
  GPtrArray  *retired;   /* indices of earlier loads: their entries stay valid */

  GMutex      directory_lock; /* guards the parts' @directory and @offsets */

  GMutex      sidecar_lock;   /* guards building the index's by_url table */
  GMutex      tables_lock;    /* guards building the index's by_base table */
  GHashTable *own_refs;       /* base name → how many of the posts' own media name it */
  GHashTable *other_refs;     /* base names other people's media name (comments, reshares) */
  GStringChunk *ref_names;    /* their keys (not a malloc each: 50,000 photos) */
};

/* Loading */

typedef struct _SeenSet SeenSet;

typedef struct {
  char    *raw;     /* relative path, on-disk bytes */
  goffset  size;
} FolderFile;

typedef struct {
  GpmTakeout              *self;
  GpmTakeoutJsonFunc       json_func;
  GpmTakeoutProgressFunc   progress_func;
  gpointer                 user_data;
  GCancellable            *cancellable;
  gsize                    limit;

  GPtrArray               *entries;   /* Entry*, owned */
  GStringChunk            *names;     /* theirs: one block, not a malloc each */
  GPtrArray               *slabs;     /* the entries themselves, ENTRY_SLAB a block (a
                                       * malloc each took 64 bytes for 48) */
  guint                    slab_used; /* entries taken from the last block */
  SeenSet                 *seen;      /* the names seen (gpm-takeout-load.c) */
  GPtrArray               *problems;  /* GpmProblem* */

  int                      dir_fd;    /* folder being read, -1 */
  char                    *dir_rel;   /* its relative path */

  guint64                  total;
  guint64                  base;      /* bytes of the parts before the current one */
  guint64                  last_reported;
  guint64                  step;
} LoadState;

/* A growable buffer for one JSON entry; delivered as the GBytes it becomes,
 * so its bytes are never copied again. */
typedef struct {
  char  *data;
  gsize  len;
  gsize  cap;
} JsonBuf;

/* A media's ".metadata.csv" sidecar (its url column says which photo the
 * file is). Sidecars are a few hundred bytes; in an archive they are kept
 * while it is read anyway, so finding media never reads the archive again
 * for them (a .tgz would be decompressed from its start for each one). */
#define SIDECAR_SUFFIX ".metadata.csv"

#define SIDECAR_MAX_SIZE (64 * 1024)

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
  int              zip_fd;   /* the zip it is in, -1 in a folder */
} SideJob;

/* One helper serves all the zips of a multi-part set (the loading thread
 * no longer waits for it at the end of each part): each job names its zip. */
typedef struct {
  GThreadPool       *pool;
  GpmZipEntryReader *reader;  /* a zip's: the pool's one thread's, made for the
                               * first job of each zip */
  int                reader_fd; /* the zip @reader reads */
  int                zip_fd;  /* the zip of the jobs added now (the loading
                               * thread's), -1 for a folder's */
  gpointer           deflater; /* its libdeflate decompressor, NULL without libdeflate */
  int                root_fd; /* a folder's, else -1 */
  GArray            *batch;   /* SideJob, filled by the loading thread */
} SideWork;

/* Progress through a folder counts files: their sizes are not looked up
 * before reading, so each JSON file weighs as much as a typical post. */
#define FOLDER_JSON_UNIT 4096

/* gpm-takeout.c: entries, names, the index */
#define ENTRY_SLAB 4096
/* The entries' folders: one table for the process (few: a takeout has a
 * handful), so a folder's number means the same in every load and every
 * takeout. FOLDER_NONE: the entry's base name is its whole name (no
 * folder, or the table was full). */
#define FOLDER_NONE 0
guint gpm_takeout_folder_intern (const char *folder,
                                 gsize       len);
const char *gpm_takeout_folder_name (guint folder);
/* The whole name where the chunk has it (a JSON entry's, or one without a
 * folder), else NULL: gpm_takeout_entry_dup_name(). */
const char *gpm_takeout_entry_whole_name (const Entry *e);
char *gpm_takeout_entry_dup_name (const Entry *e);
/* Compare as the whole names would, without making them. */
int gpm_takeout_entry_compare_name (const Entry *e,
                                    const char  *name);
int gpm_takeout_entry_compare (const Entry *a,
                               const Entry *b);
guint gpm_takeout_entry_name_hash (const Entry *e);
/* gpm_takeout_is_sidecar_name() of its whole name */
gboolean gpm_takeout_entry_is_sidecar (const Entry *e);
/* Frees what the entry holds, not the entry (it lives in a slab). */
void gpm_takeout_entry_free (gpointer data);
const char *gpm_takeout_base_name (const char *name);
gboolean gpm_takeout_is_json_name (const char *name);
char *gpm_takeout_normalize_name (const char  *name,
                                  const char **why);
char *gpm_takeout_normalize_name_take (char       **name,
                                       const char **why);
Index *gpm_takeout_index_new (GPtrArray    *entries,
                              GPtrArray    *slabs,
                              GStringChunk *names);
Entry *gpm_takeout_index_find (Index      *index,
                               const char *name);
Entry *gpm_takeout_index_find_base (Index      *index,
                                    const char *base,
                                    gboolean   *unique);
const char *gpm_takeout_entry_raw_name (const Entry *e);
void gpm_takeout_entry_set_image_error (Entry  *e,
                                        GError *error);
Index *gpm_takeout_get_index_for_lookups (GpmTakeout *self);

/* gpm-takeout-load.c: the load pass, its problems and entries, the JSON
 * buffers, the helper thread for photos and sidecars */
void gpm_takeout_load_problem (LoadState  *st,
                               const char *name,
                               const char *format,
                               ...) G_GNUC_PRINTF (3, 4);
void gpm_takeout_load_progress (LoadState *st,
                                guint64    done,
                                gboolean   force);
void gpm_takeout_load_ensure_seen (LoadState *st);
Entry *gpm_takeout_load_add_entry (LoadState *st,
                                   guint      part,
                                   char      *name,
                                   goffset    size,
                                   guint      ordinal,
                                   char      *raw_name);
char *gpm_takeout_too_large_message (goffset size,
                                     gsize   limit);
void gpm_takeout_load_too_large (LoadState  *st,
                                 const char *name,
                                 goffset     size);
void gpm_takeout_json_buf_init (JsonBuf *b,
                                goffset  size_hint);
void gpm_takeout_json_buf_grow (JsonBuf *b,
                                gsize    limit);
void gpm_takeout_load_deliver (LoadState  *st,
                               const char *name,
                               JsonBuf    *b);
/* @zip_fd: the zip of the jobs added next, -1 for @folder's files (set
 * @work's zip_fd for the next zip). */
void gpm_takeout_side_work_start (SideWork   *work,
                                  int         zip_fd,
                                  const char *folder);
void gpm_takeout_side_work_add (SideWork              *work,
                                Entry                 *entry,
                                const GpmZipEntryInfo *info,
                                gboolean               sidecar);
/* Hands what was added so far to the helper. */
void gpm_takeout_side_work_flush (SideWork *work);
void gpm_takeout_side_work_finish (SideWork *work);

/* gpm-takeout-folder.c: an extracted folder */
void gpm_takeout_folder_file_free (gpointer data);
void gpm_takeout_walk_folder (LoadState  *st,
                              const char *root,
                              const char *root_real,
                              const char *rel,
                              guint       depth,
                              GPtrArray  *files);
guint64 gpm_takeout_count_json_files (GPtrArray *files);
void gpm_takeout_load_folder_part (LoadState *st,
                                   guint      part_idx,
                                   GPtrArray *files);

/* gpm-takeout-media.c: media files, sidecars, photo checks */
gboolean gpm_takeout_is_sidecar_name (const char *name);
gboolean gpm_takeout_may_be_photo (const char *name);
GError *gpm_takeout_check_image_head (GpmImageReadFunc read_func,
                                      gpointer         source);
char **gpm_takeout_sidecar_urls (const char *text);

/* Whether @path has no empty, "." or ".." component (nor a backslash, if
 * @backslash_unclean) */
gboolean _gpm_takeout_path_is_clean (const char *path,
                                     gboolean    backslash_unclean);

/* Sets GPM_TAKEOUT_ERROR_UNSUPPORTED: @path is no takeout (by its name) */
void gpm_takeout_set_not_takeout_error (GError     **error,
                                        const char  *path);

G_END_DECLS
