/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-model.h: the post list's posts, newest first, filtered in a
 * worker: a GListModel of the GpmPost* that match. */
#pragma once

#include <gio/gio.h>

#include "gpm-post.h"

G_BEGIN_DECLS

#define GPM_TYPE_POST_LIST_MODEL (gpm_post_list_model_get_type ())
G_DECLARE_FINAL_TYPE (GpmPostListModel, gpm_post_list_model, GPM, POST_LIST_MODEL, GObject)

GpmPostListModel *gpm_post_list_model_new        (void);

/* Every post (GpmPost*, any order): replaces those there were. */
void     gpm_post_list_model_set_posts           (GpmPostListModel *self,
                                                  GPtrArray        *posts);
/* More posts (a batch read while the takeout loads), each put in its place. */
void     gpm_post_list_model_add_posts           (GpmPostListModel *self,
                                                  GPtrArray        *posts);

/* Which posts match. @keys, @view_keys: sets of scope keys (not changed
 * afterwards: a worker reads them); @view_keys non-NULL lists the posts of
 * that audience, else with @search (case-folded) every post is searched,
 * else the posts of @keys are listed. @warnings (GpmPost* → flags, NULL: not
 * checked yet) counts only with @warnings_only. */
void     gpm_post_list_model_set_filter          (GpmPostListModel *self,
                                                  GHashTable       *keys,
                                                  GHashTable       *view_keys,
                                                  const char       *search,
                                                  gboolean          warnings_only,
                                                  GHashTable       *warnings);

/* Adds to @pinned (a set of GpmPost*) the posts whose rows the view
 * tracks or shows: the selected one, those on screen. */
typedef void (*GpmPostListModelPinFunc) (GHashTable *pinned,
                                         gpointer    user_data);
/* A change is told to the view in pieces between the pinned posts that
 * stay, so the view keeps their rows and never looks up every post added. */
void     gpm_post_list_model_set_pin_func        (GpmPostListModel        *self,
                                                  GpmPostListModelPinFunc  func,
                                                  gpointer                 user_data);
/* TRUE until the posts and filter set last are all in the list
 * (notify::filtering). */
gboolean gpm_post_list_model_is_filtering        (GpmPostListModel *self);
/* TRUE while posts added are still going into the list (a few an idle) */
gboolean gpm_post_list_model_is_adding           (GpmPostListModel *self);
/* Every post given, matching or not. */
guint    gpm_post_list_model_get_n_posts         (GpmPostListModel *self);
guint    gpm_post_list_model_find_shown          (GpmPostListModel *self,
                                                  GpmPost          *post);

G_END_DECLS
