/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-import.h: open a takeout, parse every post, build the scope index.
 * The one code path the CLI, the GUI's drop zone and the tests share. */
#pragma once

#include <gio/gio.h>

#include "gpm-post.h"
#include "gpm-problem.h"
#include "gpm-scope-index.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

#define GPM_TYPE_IMPORT (gpm_import_get_type ())
G_DECLARE_FINAL_TYPE (GpmImport, gpm_import, GPM, IMPORT, GObject)

/* Properties (notified on the thread that owns the main context the import
 * was started from): "n-posts", "n-problems", "fraction" (0..1, -1 unknown). */
GpmImport     *gpm_import_new          (const char * const *paths);
/* Loose post files, each path as given (the CLI's file list on stdin): read
 * and parsed on the same threads as a takeout's JSON, with the same
 * max-json-size, progress and batches. The posts and problems keep the
 * list's order; every file that is no post is a problem. There is no
 * takeout (gpm_import_get_takeout() is NULL): each post's attachments are
 * found relative to its file when wanted (gpm_post_set_source_file()). */
GpmImport     *gpm_import_new_for_file_list (const char * const *files);

/* JSON entries over @max_size bytes are reported, not read (default
 * GPM_TAKEOUT_MAX_JSON_SIZE). Call before running. */
void           gpm_import_set_max_json_size (GpmImport *self,
                                             gsize      max_size);

/* Blocking. */
gboolean       gpm_import_run          (GpmImport     *self,
                                        GCancellable  *cancellable,
                                        GError       **error);
/* Runs in a worker thread; progress properties are notified on the caller's
 * main context, and the posts are handed over there in batches as they are
 * read ("posts-added", a GPtrArray of GpmPost: the first batch at once,
 * then every 150 ms; the last one before gpm_import_run_finish() returns). */
void           gpm_import_run_async    (GpmImport           *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean       gpm_import_run_finish   (GpmImport     *self,
                                        GAsyncResult  *result,
                                        GError       **error);

/* Tests only, process-wide: @hook runs in a reading thread for each post
 * read, before the post is handed over; while it blocks, that post (and the
 * end of the run) waits, whatever the speed of the reading. NULL removes it. */
typedef void (*GpmImportPostHook) (GpmPost *post, gpointer user_data);
void           gpm_import_set_post_hook (GpmImportPostHook hook,
                                         gpointer          user_data);

guint          gpm_import_get_n_posts    (GpmImport *self);
guint          gpm_import_get_n_problems (GpmImport *self);
double         gpm_import_get_fraction   (GpmImport *self);

/* After a successful run: */
GpmTakeout    *gpm_import_get_takeout  (GpmImport *self);  /* NULL for a file list */
/* GpmPost*, sorted by entry name (file-name order); a file list's in its order. */
GPtrArray     *gpm_import_get_posts    (GpmImport *self);
/* Every problem: the takeout's (unsafe paths, corrupt parts, huge entries)
 * then the posts' (bad JSON, no ACL, …), each naming its file. */
GPtrArray     *gpm_import_get_problems (GpmImport *self);
GpmScopeIndex *gpm_import_get_index    (GpmImport *self);

G_END_DECLS
