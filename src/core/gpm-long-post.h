/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-long-post.h: a post longer than diaspora* takes (issue 17).
 *
 * diaspora* refuses a post over GPM_DIASPORA_MAX_TEXT_CHARS characters, and
 * a comment too. Such a post is moved anyway: the post carries the text up
 * to a paragraph, line or word boundary under the limit and a short note
 * that it goes on in the comments; the rest follows in the author's own
 * comments on that post, each under the limit, in order. The migrator posts
 * those parts through its comments step (each one journaled), the CLI's dry
 * run and the preview show them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The parts @markdown is posted in, in order: @markdown alone when it is at
 * most @max_chars characters; else the first part (cut at the last
 * paragraph break, else line break, else space, in the second half of what
 * fits; never inside a Markdown link or between a character and its
 * combining marks), followed by a blank line and gpm_long_post_note(), then
 * the rest in parts of at most @max_chars characters cut the same way, with
 * the whitespace at each cut left out. Every part is at most @max_chars
 * characters (@max_chars >= 64) and at most GPM_DIASPORA_MAX_TEXT_BYTES
 * bytes. @markdown must be valid UTF-8. */
GStrv        gpm_long_post_split        (const char *markdown,
                                         guint       max_chars);

/* Whether @text is posted whole: at most @max_chars characters and
 * GPM_DIASPORA_MAX_TEXT_BYTES bytes (gpm-diaspora.h: a pod on MySQL takes no
 * more). */
gboolean     gpm_long_post_fits         (const char *text,
                                         guint       max_chars);

/* The note the first part ends with ("(continued in the comments)"),
 * translated. */
const char  *gpm_long_post_note         (void);

/* Whether @text, a text that was posted, may be the first part of a split
 * (it is at least a quarter of @max_chars characters or of
 * GPM_DIASPORA_MAX_TEXT_BYTES bytes long; every first part is): the
 * migrator looks again for the continuation of such posts only, after a
 * run that stopped between the post and its last part. */
gboolean     gpm_long_post_may_be_first (const char *text,
                                         guint       max_chars);

G_END_DECLS
