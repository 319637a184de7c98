/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout.h: a Google Takeout as the user downloaded it: one .zip, a
 * multi-part set of zips, a .tgz, or an extracted folder. Read with
 * libarchive, never unpacked to disk. */
#pragma once

#include <gio/gio.h>

#include "gpm-problem.h"

G_BEGIN_DECLS

#define GPM_TAKEOUT_ERROR (gpm_takeout_error_quark ())
typedef enum {
  GPM_TAKEOUT_ERROR_NOT_FOUND,       /* a path does not exist */
  GPM_TAKEOUT_ERROR_UNSUPPORTED,     /* not a zip, tgz or folder */
  GPM_TAKEOUT_ERROR_CORRUPT,         /* the archive cannot be read at all */
  GPM_TAKEOUT_ERROR_NO_ENTRY,        /* read_entry: no such entry */
  GPM_TAKEOUT_ERROR_TOO_LARGE,       /* read_entry: over the limit asked for */
} GpmTakeoutError;
GQuark gpm_takeout_error_quark (void);

/* JSON entries larger than this are reported, not read. */
#define GPM_TAKEOUT_MAX_JSON_SIZE (64 * 1024 * 1024)

/* An entry's name (UTF-8, '/'-separated, relative to the part's root or
 * the folder opened) is kept as its folder and its base name: a takeout's
 * 200,000 names are mostly the same "Takeout/Google+ Stream/Posts/" (issue
 * 13). gpm_takeout_dup_entry_name() makes the whole name. */
typedef struct {
  const char *base_name; /* after the last '/' (the whole name when there is none) */
  goffset     size;      /* uncompressed size, -1 if not known (yet): read it
                          * with gpm_takeout_get_entry_size() */
  guint       part;      /* which of the opened paths holds it */
  guint       folder;    /* (private: its folder's number) */
} GpmTakeoutEntry;

/* Called for each .json entry, in archive order, from the thread that runs
 * gpm_takeout_load(). @data's bytes are followed by a NUL (not counted in
 * its size); the callee takes a reference to keep them. */
typedef void (*GpmTakeoutJsonFunc)     (const char *name,
                                        GBytes     *data,
                                        gpointer    user_data);
/* @done and @total in bytes of input read (total may be 0 when unknown). */
typedef void (*GpmTakeoutProgressFunc) (guint64  done,
                                        guint64  total,
                                        gpointer user_data);

/* Call once at program start, before any thread exists. libarchive turns
 * each zip entry's DOS time into a time_t with mktime(), and glibc's
 * mktime() stats /etc/localtime on every call unless TZ is set: two stats
 * per entry, a third of the indexing time of a big takeout. This sets
 * TZ=":/etc/localtime" (the same zone) when TZ is unset.
 * @malloc_arenas bounds malloc's arenas (M_ARENA_MAX): GPM_MALLOC_ARENAS_LEAN
 * for a process that keeps a takeout open (the app), GPM_MALLOC_ARENAS_FAST
 * for one that reads it and exits (the CLI). */
#define GPM_MALLOC_ARENAS_LEAN 2
#define GPM_MALLOC_ARENAS_FAST 4
void         gpm_takeout_setup_process  (int          malloc_arenas);

#define GPM_TYPE_TAKEOUT (gpm_takeout_get_type ())
G_DECLARE_FINAL_TYPE (GpmTakeout, gpm_takeout, GPM, TAKEOUT, GObject)

/* @paths: NULL-terminated; several zips are one multi-part set, in the order
 * given. Checks the paths exist (else NOT_FOUND) and are of a supported
 * kind, by their first bytes or name: fails with UNSUPPORTED only when none
 * is a zip, a tar (.tgz, .tar.gz/bz2/xz/zst) or a folder; an unusable part
 * among good ones is reported by gpm_takeout_load(). Reads nothing else.
 * A folder is walked recursively (16 levels, hidden folders skipped,
 * symbolic links followed only to files inside it). */
GpmTakeout  *gpm_takeout_new            (const char * const *paths,
                                         GError            **error);
const char * const *gpm_takeout_get_paths (GpmTakeout *self);
/* Whether a part is a tar (.tgz, …): its entries are reached only by
 * decompressing the archive up to them, where a zip's or a folder's are
 * read directly. */
gboolean     gpm_takeout_has_tar_parts  (GpmTakeout *self);

/* JSON entries larger than @max_size bytes are reported instead of read
 * (default GPM_TAKEOUT_MAX_JSON_SIZE). Call before gpm_takeout_load(). */
void         gpm_takeout_set_max_json_size (GpmTakeout *self,
                                            gsize       max_size);

/* One pass over every part: lists all entries and hands each .json entry's
 * bytes to @json_func. Media bytes are skipped, not inflated (but for the
 * photos' first bytes, checked by a helper thread, see
 * gpm_takeout_check_image()). Unsafe names
 * (absolute, "..") are refused and reported as problems; so are JSON entries
 * over GPM_TAKEOUT_MAX_JSON_SIZE, and a truncated or corrupt part (whatever
 * could be read before the damage is still delivered). Returns FALSE only
 * when nothing could be read at all, or on cancellation. Blocking: run it in
 * a thread. */
gboolean     gpm_takeout_load           (GpmTakeout             *self,
                                         GpmTakeoutJsonFunc      json_func,
                                         GpmTakeoutProgressFunc  progress_func,
                                         gpointer                user_data,
                                         GCancellable           *cancellable,
                                         GError                **error);

/* After load: all entries (GpmTakeoutEntry*, sorted by name) and problems
 * (GpmProblem*), in the order found. Entries stay valid as long as @self.
 * Only regular files are entries; a name found in two parts is kept once
 * (the first) and the other reported. */
GPtrArray   *gpm_takeout_get_entries    (GpmTakeout *self);
GPtrArray   *gpm_takeout_get_problems   (GpmTakeout *self);
const GpmTakeoutEntry *gpm_takeout_lookup (GpmTakeout *self,
                                           const char *name);
/* The entry's size in bytes. An extracted folder's files are not stat()ed
 * while the takeout is indexed (20,000 posts come with as many media files);
 * this looks the size up on first use (thread-safe). -1 when the file
 * cannot be stat()ed any more, or an archive did not record it. */
goffset      gpm_takeout_get_entry_size (GpmTakeout            *self,
                                         const GpmTakeoutEntry *entry);

/* The file of one media item of a post, or NULL when the takeout does not
 * have it: the one function convert, export, preview and posting use.
 * @local_file_path is the JSON's localFilePath (or NULL), @url the media's
 * url (or NULL). In this order:
 *  1. the exact path, relative to @post_entry's folder (in any part of the
 *     set), then from the takeout's root; @url's last segment stands in for
 *     a missing localFilePath (only when no other file has that name and no
 *     post names it). Not taken when the file's .metadata.csv sidecar gives
 *     another url: the path is stale and names another photo.
 *  2. the file whose sidecar's url column is @url.
 *  3. localFilePath's base name, only when exactly one file has it, no
 *     comment or reshared post names it (gpm_takeout_add_media_reference),
 *     no other media item of the user's names it, and its sidecar does not
 *     give another url.
 * Never a same-named file by guess: a wrong photo is worse than none. */
const GpmTakeoutEntry *gpm_takeout_find_media (GpmTakeout *self,
                                               const char *post_entry,
                                               const char *local_file_path,
                                               const char *url);
/* What the posts say about their media files, for the base-name rule of
 * gpm_takeout_find_media(): each localFilePath (or, for a media without
 * one, its url) of the posts' own media and albums (@others FALSE), and of
 * other people's media in the posts (comments, reshared posts: @others
 * TRUE). Thread-safe; GpmImport calls it for every post it reads. */
void         gpm_takeout_add_media_reference (GpmTakeout *self,
                                              const char *file_name,
                                              gboolean    others);
/* The last segment of a media url, unescaped ("photo.jpg"); NULL without one. */
char        *gpm_takeout_dup_url_file_name (const char *url);

/* The cheap check of a photo (gpm_image_check_head(): not empty, a format
 * GdkPixbuf knows, a readable header): an archive's entries are checked
 * while gpm_takeout_load() reads past them anyway (32 KiB of each file that
 * may be a photo, up to GPM_IMAGE_HEAD_SIZE for long JPEG headers); a
 * folder's file is read on first use. The result is kept. Thread-safe.
 * FALSE with a GPM_IMAGE_ERROR when it is no usable photo. A file that
 * cannot be read passes (reading it later says why), and so does one that
 * is no photo by its name (.json, .mp4, …). */
gboolean     gpm_takeout_check_image    (GpmTakeout             *self,
                                         const GpmTakeoutEntry  *entry,
                                         GCancellable           *cancellable,
                                         GError                **error);

/* Whether the parts opened are all of a multi-part set ("takeout-…-001.zip",
 * "-002.zip", …), from their names: a gap in the numbers, or parts of the
 * same set in the folder of those opened but not opened. @n_missing_media:
 * how many of the posts' media files were not found; when the first part
 * was opened alone and no other is in sight, that names the next part as a
 * likely place. A problem (named by the first
 * part) that says which parts to add, or NULL. Reads the parts' folder. */
GpmProblem  *gpm_takeout_check_parts    (GpmTakeout *self,
                                         guint       n_missing_media);

/* The entry's whole name ("Takeout/Google+ Stream/Posts/a.jpg"): free it. */
char        *gpm_takeout_dup_entry_name (GpmTakeout            *self,
                                         const GpmTakeoutEntry *entry);

/* For an entry of an extracted folder: its path on disk (free it);
 * NULL for an entry inside an archive. */
char        *gpm_takeout_dup_entry_path (GpmTakeout            *self,
                                         const GpmTakeoutEntry *entry);

/* Streams one entry's bytes (thread-safe; each call opens its own reader).
 * Call after gpm_takeout_load(). A zip entry is reached straight at its
 * local header (the central directory's offsets), else by hopping from
 * local header to local header (no data read on the way); a .tgz entry
 * needs the archive decompressed up to it. */
GInputStream *gpm_takeout_open_entry    (GpmTakeout    *self,
                                         const char    *name,
                                         GCancellable  *cancellable,
                                         GError       **error);
/* Whole entry in memory; fails with TOO_LARGE past @max_size (0 = no limit). */
GBytes      *gpm_takeout_read_entry     (GpmTakeout    *self,
                                         const char    *name,
                                         gsize          max_size,
                                         GCancellable  *cancellable,
                                         GError       **error);

/* A loose post file, not part of a takeout (a file list's: the CLI's
 * stdin): @name opened relative to @dir_fd (AT_FDCWD: as given), the same
 * file as @path. Its bytes, NUL-terminated; GPM_TAKEOUT_ERROR_TOO_LARGE
 * over @max_size bytes (the message a takeout's entry gets), else the
 * message g_file_get_contents() gives for @path. Read with the folder's
 * loop (and, like it, relative to a folder's descriptor when the caller
 * keeps one: no walk of the whole path for each file). */
GBytes      *gpm_takeout_read_json_file (int            dir_fd,
                                         const char    *name,
                                         const char    *path,
                                         gsize          max_size,
                                         GError       **error);

G_END_DECLS
