/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-scope-index.h: posts grouped by audience, with counts and selection. */
#pragma once

#include <glib-object.h>

#include "gpm-post.h"

G_BEGIN_DECLS

/* One distinct scope of the takeout with its posts. */
typedef struct {
  GpmScope  *scope;
  guint      n_posts;  /* how many ACL tuples carry it (a post carrying it twice counts twice) */
} GpmScopeEntry;

#define GPM_TYPE_SCOPE_INDEX (gpm_scope_index_get_type ())
G_DECLARE_FINAL_TYPE (GpmScopeIndex, gpm_scope_index, GPM, SCOPE_INDEX, GObject)

/* @posts: GpmPost*, in the order the seed would see them: the whole
 * takeout, for the communities' classes it sets on the posts' scopes are
 * those of @posts (DESIGN in gpm-scope.h). */
GpmScopeIndex *gpm_scope_index_new            (GPtrArray *posts);
GPtrArray     *gpm_scope_index_get_posts      (GpmScopeIndex *self);

/* Distinct scopes (GpmScopeEntry*), by (kind, id, name) like the seed's
 * stats dict, sorted by count descending, ties in first-seen order: the
 * order of the seed's output. */
GPtrArray     *gpm_scope_index_get_entries    (GpmScopeIndex *self);
/* Number of posts carrying a scope with this key ("PUBLIC", "CIRCLES",
 * "EXTENDED" or an id); a post counts once. */
guint          gpm_scope_index_count_key      (GpmScopeIndex *self,
                                               const char    *key);

/* Whether a post of the takeout has postAcl.isPublic (then a community no
 * post of which has it true was closed: DESIGN in gpm-scope.h). */
gboolean       gpm_scope_index_has_public_key (GpmScopeIndex *self);
/* The class of the community with this key ("communities/…"): the index
 * sets it on the posts' scopes too (gpm_scope_get_community_class()). */
GpmCommunityClass gpm_scope_index_get_community_class (GpmScopeIndex *self,
                                                       const char    *key);

/* Posts (GpmPost*, index order, each once) that carry at least one scope whose
 * key is in @keys (the seed's filter: --public, --circles, --ext-circles, --id).
 * When @essentially_public, PUBLIC and every COMMUNITY not known to be
 * closed are added to @keys. */
GPtrArray     *gpm_scope_index_select         (GpmScopeIndex      *self,
                                               const char * const *keys,
                                               gboolean            essentially_public);
/* The keys of the "essentially public" preset for this takeout: PUBLIC
 * and the communities not known to be closed. */
GStrv          gpm_scope_index_essentially_public_keys (GpmScopeIndex *self);

G_END_DECLS
