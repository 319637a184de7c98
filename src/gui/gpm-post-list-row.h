/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-row.h: one post in the post list: its date, what it has
 * (link, photo, …), the start of its text, its audiences, and its state. */
#pragma once

#include <gtk/gtk.h>

#include "gpm-post.h"
#include "gpm-post-check.h"

G_BEGIN_DECLS

#define GPM_TYPE_POST_LIST_ROW (gpm_post_list_row_get_type ())
G_DECLARE_FINAL_TYPE (GpmPostListRow, gpm_post_list_row, GPM, POST_LIST_ROW, GtkWidget)

GtkWidget  *gpm_post_list_row_new             (void);
/* Shows @post (NULL: none). With @defer, a row that shows a post already
 * keeps showing it (its name for screen readers is @post's) until
 * gpm_post_list_row_show_pending(). */
void        gpm_post_list_row_set_post        (GpmPostListRow  *self,
                                               GpmPost         *post,
                                               gboolean         defer);
/* The post shown or about to be (NULL: none) */
GpmPost    *gpm_post_list_row_get_post        (GpmPostListRow  *self);
/* Whether the row's parts wait for gpm_post_list_row_show_pending() */
gboolean    gpm_post_list_row_is_pending      (GpmPostListRow  *self);
void        gpm_post_list_row_show_pending    (GpmPostListRow  *self);
/* What the row says of the post's place in the migration: not ticked, left
 * out or edited by the user, its warnings, and a state icon (NULL: none)
 * with its label. Returns what a screen reader reads for the row (the
 * post's own parts, then these). */
const char *gpm_post_list_row_set_state       (GpmPostListRow  *self,
                                               gboolean         unselected,
                                               gboolean         left_out,
                                               gboolean         edited,
                                               GpmPostWarnings  warnings,
                                               const char      *state_icon,
                                               const char      *state_label);

G_END_DECLS
