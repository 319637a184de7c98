/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list.h: the posts of the ticked audiences, searchable. */
#pragma once

#include <gtk/gtk.h>

#include "gpm-post.h"

G_BEGIN_DECLS

#define GPM_TYPE_POST_LIST (gpm_post_list_get_type ())
G_DECLARE_FINAL_TYPE (GpmPostList, gpm_post_list, GPM, POST_LIST, GtkWidget)

/* What a row shows as the post's migration state: an icon name and a
 * label for screen readers, or NULL for none. */
typedef const char *(*GpmPostStateFunc) (GpmPost     *post,
                                         const char **out_label,
                                         gpointer     user_data);

/* @posts: GpmPost*; shown newest first. */
void        gpm_post_list_set_posts        (GpmPostList        *self,
                                            GPtrArray          *posts);
/* More posts (a batch read while the takeout loads), each put in its place. */
void        gpm_post_list_add_posts        (GpmPostList        *self,
                                            GPtrArray          *posts);
/* Only posts with a scope whose key is in @keys are listed. */
void        gpm_post_list_set_scope_keys   (GpmPostList        *self,
                                            const char * const *keys);
void        gpm_post_list_set_search_text  (GpmPostList        *self,
                                            const char         *text);
void        gpm_post_list_set_state_func   (GpmPostList        *self,
                                            GpmPostStateFunc    func,
                                            gpointer            user_data);
/* Rebinds visible rows (after the migration state changed). */
void        gpm_post_list_refresh_states   (GpmPostList        *self);
/* The filtered list (GpmPost*) as shown. */
GListModel *gpm_post_list_get_model        (GpmPostList        *self);
/* TRUE while the filter is still working through the posts. */
gboolean    gpm_post_list_is_filtering     (GpmPostList        *self);
GpmPost    *gpm_post_list_get_selected_post (GpmPostList       *self);
void        gpm_post_list_select_position  (GpmPostList        *self,
                                            guint               position);
void        gpm_post_list_focus_search     (GpmPostList        *self);
void        gpm_post_list_focus            (GpmPostList        *self);
void        gpm_post_list_set_activate_on_single_click (GpmPostList *self,
                                                        gboolean     single);

G_END_DECLS
