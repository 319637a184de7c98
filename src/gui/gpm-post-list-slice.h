/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-slice.h: the first rows of the post list's model, or all of
 * them, for its view (see gpm-post-list-slice.c). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GPM_POST_LIST_SLICE_ALL G_MAXUINT

#define GPM_TYPE_POST_LIST_SLICE (gpm_post_list_slice_get_type ())
G_DECLARE_FINAL_TYPE (GpmPostListSlice, gpm_post_list_slice, GPM, POST_LIST_SLICE, GObject)

/* Takes @model */
GpmPostListSlice *gpm_post_list_slice_new      (GListModel       *model,
                                                guint             size);
void              gpm_post_list_slice_set_size (GpmPostListSlice *self,
                                                guint             size);
guint             gpm_post_list_slice_get_size (GpmPostListSlice *self);

G_END_DECLS
