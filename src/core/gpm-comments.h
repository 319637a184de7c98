/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-comments.h: the user's own comments under their own posts (issue 15).
 *
 * A post's JSON lists every comment; only those whose author is the post's
 * author (the takeout's owner) are ever read out. Other people's comments
 * are never posted, quoted or counted into any text. The comments are not
 * kept with the indexed post: they are read again from the takeout when a
 * post that has comments is migrated, exported or previewed with them. */
#pragma once

#include <gio/gio.h>

#include "gpm-convert.h"
#include "gpm-post.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

/* The line under each comment: its original date. */
#define GPM_COMMENTS_DATE_FORMAT "Commented on Google+ on %a %b %d, %Y"

typedef struct {
  char      *content;        /* the comment's HTML as Takeout wrote it */
  GDateTime *created;        /* its creationTime, NULL when unreadable */
  char      *resource_name;  /* may be NULL */
} GpmOwnComment;

void gpm_own_comment_free (GpmOwnComment *comment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmOwnComment, gpm_own_comment_free)

/* The own comments in the post JSON @json (@len bytes, -1: NUL-terminated),
 * in their original order (GpmOwnComment*). A comment is the owner's when
 * its author's resourceName is the post author's (else, without ids, when
 * the profile addresses match). */
GPtrArray *gpm_comments_parse_own   (const char  *json,
                                     gssize       len,
                                     GError     **error);

/* The same for @post, read again from @takeout (an empty array, without
 * reading, when the post has no comments at all). */
GPtrArray *gpm_comments_read_own    (GpmTakeout  *takeout,
                                     GpmPost     *post,
                                     GError     **error);

/* The text of one comment as posted under the migrated post: its content as
 * Markdown (converted and with its Google+ addresses rewritten like the
 * post's, by @settings, NULL: the defaults), a blank line, and the date line
 * GPM_COMMENTS_DATE_FORMAT. NULL for a comment with no text (a photo alone:
 * diaspora* comments take no photos). */
char      *gpm_comments_to_markdown (const GpmOwnComment      *comment,
                                     const GpmConvertSettings *settings);

/* gpm_comments_to_markdown() of each of @comments, leaving out those
 * without text (char*, in order). */
GPtrArray *gpm_comments_convert     (GPtrArray                *comments,
                                     const GpmConvertSettings *settings);

G_END_DECLS
