/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-snippet.h: the start of a post's text in a post list row:
 * two lines at most, ellipsized, laid out once for the row's width. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GPM_TYPE_POST_LIST_SNIPPET (gpm_post_list_snippet_get_type ())
G_DECLARE_FINAL_TYPE (GpmPostListSnippet, gpm_post_list_snippet, GPM, POST_LIST_SNIPPET, GtkWidget)

GtkWidget  *gpm_post_list_snippet_new      (void);
void        gpm_post_list_snippet_set_text (GpmPostListSnippet *self,
                                            const char         *text);
const char *gpm_post_list_snippet_get_text (GpmPostListSnippet *self);

G_END_DECLS
