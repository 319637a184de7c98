/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-check.h: which posts deserve a look before they are sent (the
 * review's "posts with warnings"): too long for diaspora*, a photo missing
 * from the takeout or one the pod would refuse, nothing of the user's own,
 * or read only in part. From gpm_convert_post()'s result and the post's own
 * warnings, so it says what the preview and the migrator will find. */
#pragma once

#include <gio/gio.h>

#include "gpm-convert.h"
#include "gpm-plan.h"
#include "gpm-post.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

typedef enum {
  GPM_POST_WARNING_NONE        = 0,
  GPM_POST_WARNING_TOO_LONG    = 1 << 0,  /* over GPM_DIASPORA_MAX_TEXT_CHARS */
  GPM_POST_WARNING_PHOTO       = 1 << 1,  /* a photo missing, or one the pod would refuse */
  GPM_POST_WARNING_NOTHING_OWN = 1 << 2,  /* nothing of the user's own: never sent */
  GPM_POST_WARNING_READ_IN_PART = 1 << 3, /* the post's file was read with a problem */
  GPM_POST_WARNING_LONG_HASHTAG = 1 << 4, /* the user's text has a hashtag over GPM_DIASPORA_MAX_TAG_CHARS */
} GpmPostWarnings;

/* @post's warnings under @settings (NULL: the defaults), its media looked
 * up in @takeout (may be NULL: every media file counts as missing). With
 * @edited_text (the user's own text for it, may be NULL) the length is
 * that text's, a hashtag in it over GPM_DIASPORA_MAX_TAG_CHARS is flagged
 * (the pod would refuse it; the converted text escapes such tags itself),
 * and a post with nothing of its own is one to send. */
GpmPostWarnings gpm_post_check          (GpmPost                  *post,
                                         const GpmConvertSettings *settings,
                                         GpmTakeout               *takeout,
                                         const char               *edited_text);
/* The warnings in words, one clause each ("too long for diaspora*, a photo
 * is missing or cannot be posted"); "" for none. */
char           *gpm_post_warnings_describe (GpmPostWarnings warnings);

/* gpm_post_check() for each of @posts (GpmPost*) in a worker thread, with
 * the texts @plan (may be NULL) has for them. The result
 * (gpm_post_check_all_finish()) maps each post with a warning (GpmPost*,
 * not referenced: @posts' own) to its GpmPostWarnings (GUINT_TO_POINTER).
 * @settings, @plan and the posts are copied or referenced. */
void            gpm_post_check_all_async  (GPtrArray                *posts,
                                           const GpmConvertSettings *settings,
                                           GpmTakeout               *takeout,
                                           GpmPlan                  *plan,
                                           GCancellable             *cancellable,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);
GHashTable     *gpm_post_check_all_finish (GAsyncResult             *result,
                                           GError                  **error);

G_END_DECLS
