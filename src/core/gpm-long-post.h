/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-long-post.h: a post longer than diaspora* takes (issue 17).
 *
 * diaspora* refuses a post over GPM_DIASPORA_MAX_TEXT_CHARS characters (a pod
 * on MySQL over GPM_DIASPORA_MAX_TEXT_BYTES bytes, the same number), and
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
 * most @max_bytes bytes; else the first part (cut at the last paragraph
 * break, else line break, else space, in the second half of what fits;
 * never inside a Markdown link, a character, or between a character and
 * its combining marks), followed by a blank line and gpm_long_post_note(),
 * then the rest in parts of at most @max_bytes bytes cut the same way, with
 * the whitespace at each cut left out (@max_bytes >= 64). Only bytes are
 * counted: diaspora*'s limit in characters (GPM_DIASPORA_MAX_TEXT_CHARS) is
 * the same number as a pod on MySQL's in bytes (GPM_DIASPORA_MAX_TEXT_BYTES),
 * and a text has never more characters than bytes. @markdown must be valid
 * UTF-8. */
GStrv        gpm_long_post_split        (const char *markdown,
                                         gsize       max_bytes);

/* How many parts gpm_long_post_split() makes of @text: 1 when it fits. */
guint        gpm_long_post_count_parts  (const char *text,
                                         gsize       max_bytes);

/* Whether @text is posted whole: at most @max_bytes bytes
 * (GPM_DIASPORA_MAX_TEXT_BYTES: a pod on MySQL takes no more, and no pod
 * more characters). */
gboolean     gpm_long_post_fits         (const char *text,
                                         gsize       max_bytes);

/* What the review, the preview and the post editor say of @markdown when
 * gpm_long_post_split() cuts it at GPM_DIASPORA_MAX_TEXT_BYTES (the one
 * rule: bytes; the words say characters when it is also over diaspora*'s
 * characters, else bytes): how long it is, what a pod takes, and in how
 * many comments the rest follows. NULL when it is posted whole. */
char        *gpm_long_post_dup_warning  (const char *markdown);

/* The note the first part ends with ("(continued in the comments)"),
 * translated. */
const char  *gpm_long_post_note         (void);

/* Whether @text, a text that was posted, may be the first part of a split
 * (it is at least a quarter of @max_bytes bytes long; every first part
 * is): the migrator looks again for the continuation of such posts only,
 * after a run that stopped between the post and its last part. */
gboolean     gpm_long_post_may_be_first (const char *text,
                                         gsize       max_bytes);

G_END_DECLS
