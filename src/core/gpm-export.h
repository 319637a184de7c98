/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-export.h: selected posts written to a folder as Markdown files
 * (YYYY-MM-DD-slug.md with a YAML front matter), their media next to them,
 * and an index.md: the target that needs no pod. */
#pragma once

#include <gio/gio.h>

#include "gpm-convert.h"
#include "gpm-post.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

#define GPM_EXPORT_ERROR (gpm_export_error_quark ())
typedef enum {
  GPM_EXPORT_ERROR_NOT_EMPTY,   /* the folder has files and was not made by an export */
  GPM_EXPORT_ERROR_MANIFEST,    /* the export's own record in the folder is unreadable */
} GpmExportError;
GQuark gpm_export_error_quark (void);

/* The file in the folder that records what an export wrote there; a folder
 * that has it may be exported into again (and is updated in place). */
#define GPM_EXPORT_MANIFEST ".gplus-migrate-export.json"

/* @done of @total posts written; @entry is the post just written. */
typedef void (*GpmExportProgressFunc) (guint       done,
                                       guint       total,
                                       const char *entry,
                                       gpointer    user_data);

/* Writes @posts (GpmPost*) into @dir (created when missing), converting each
 * with @settings (NULL: defaults) and copying its photos and videos out of
 * @takeout (NULL: no media). Posts exported before keep their file names, so
 * running it again rewrites them in place; files whose content did not change
 * are not touched. The folder and index.md hold the selection: what an
 * earlier run wrote for posts not in @posts now (or left out, like posts with
 * nothing of the user's own) is removed, except a .md changed since it was
 * written (kept, reported). Refuses a non-empty folder without GPM_EXPORT_MANIFEST.
 * Problems with single posts or media (a missing file, a failed copy) go to
 * @problems (GpmProblem*, may be NULL) and the export goes on.
 * Blocking; @progress is called on the calling thread. */
gboolean gpm_export_posts        (GpmTakeout                *takeout,
                                  GPtrArray                 *posts,
                                  const char                *dir,
                                  const GpmConvertSettings  *settings,
                                  GpmExportProgressFunc      progress,
                                  gpointer                   progress_data,
                                  GPtrArray                 *problems,
                                  GCancellable              *cancellable,
                                  GError                   **error);

/* The same in a worker thread. @progress (may be NULL) is called on the
 * thread-default main context of the caller; @progress_data must stay valid
 * until @callback runs. */
void     gpm_export_posts_async  (GpmTakeout                *takeout,
                                  GPtrArray                 *posts,
                                  const char                *dir,
                                  const GpmConvertSettings  *settings,
                                  GpmExportProgressFunc      progress,
                                  gpointer                   progress_data,
                                  GCancellable              *cancellable,
                                  GAsyncReadyCallback        callback,
                                  gpointer                   user_data);
/* @problems: (out) (optional) (transfer container) GpmProblem*. */
gboolean gpm_export_posts_finish (GAsyncResult  *result,
                                  GPtrArray    **problems,
                                  GError       **error);

/* "2018-07-15-first-words-of-the-post" (ASCII, at most ~60 characters). */
char    *gpm_export_dup_base_name (GpmPost *post);

G_END_DECLS
