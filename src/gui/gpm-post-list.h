/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list.h: the posts of the ticked audiences, searchable. */
#pragma once

#include <gtk/gtk.h>

#include "gpm-plan.h"
#include "gpm-post.h"
#include "gpm-post-check.h"

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
/* Posts are on their way (gpm_post_list_add_posts()): until they come the
 * list says it is looking through them, not that there are none. */
void        gpm_post_list_expect_posts     (GpmPostList        *self);
/* Only posts with a scope whose key is in @keys are listed. */
void        gpm_post_list_set_scope_keys   (GpmPostList        *self,
                                            const char * const *keys);
/* While searching (and not looking into an audience) every post is
 * searched, its text and its audiences' names; rows of posts no ticked
 * audience holds say so. */
void        gpm_post_list_set_search_text  (GpmPostList        *self,
                                            const char         *text);
/* Viewing is not selecting: @keys (an audience, ticked or not) decide
 * which posts are listed instead of the ticked ones, under @heading; NULL
 * goes back to the ticked ones. "Show Ticked Posts" emits ::show-selection. */
void        gpm_post_list_set_view         (GpmPostList        *self,
                                            const char * const *keys,
                                            const char         *heading);
void        gpm_post_list_set_view_heading (GpmPostList        *self,
                                            const char         *heading);
gboolean    gpm_post_list_get_viewing      (GpmPostList        *self);
/* Per-post control: rows say which posts the plan leaves out or has an
 * edited text for (gpm_post_list_refresh_states() after a change). */
void        gpm_post_list_set_plan         (GpmPostList        *self,
                                            GpmPlan            *plan);
/* The check's result (gpm_post_check_all_async(); NULL: not run yet):
 * rows show a warning icon; with @only, just those posts are listed. */
void        gpm_post_list_set_warnings     (GpmPostList        *self,
                                            GHashTable         *warnings);
void        gpm_post_list_set_warnings_only (GpmPostList       *self,
                                             gboolean           only);
GpmPostWarnings gpm_post_list_get_post_warnings (GpmPostList   *self,
                                                 GpmPost       *post);
/* The line above the list: what it shows. */
const char *gpm_post_list_get_heading      (GpmPostList        *self);
void        gpm_post_list_set_state_func   (GpmPostList        *self,
                                            GpmPostStateFunc    func,
                                            gpointer            user_data);
/* Rebinds visible rows (after the migration state changed). */
void        gpm_post_list_refresh_states   (GpmPostList        *self);
/* The filtered list (GpmPost*) as shown. */
GListModel *gpm_post_list_get_model        (GpmPostList        *self);
/* TRUE while the filter is still working through the posts, or posts
 * are on their way (gpm_post_list_expect_posts()). */
gboolean    gpm_post_list_is_filtering     (GpmPostList        *self);
GpmPost    *gpm_post_list_get_selected_post (GpmPostList       *self);
void        gpm_post_list_select_position  (GpmPostList        *self,
                                            guint               position);
void        gpm_post_list_focus_search     (GpmPostList        *self);
void        gpm_post_list_focus            (GpmPostList        *self);
void        gpm_post_list_set_activate_on_single_click (GpmPostList *self,
                                                        gboolean     single);

G_END_DECLS
