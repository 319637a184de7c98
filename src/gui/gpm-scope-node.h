/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-scope-node.h: one node of the sidebar's audience tree ("Public",
 * "Circles" ▸ "Family", …) with its post count and tri-state check. */
#pragma once

#include <gio/gio.h>

#include "gpm-scope-index.h"

G_BEGIN_DECLS

#define GPM_TYPE_SCOPE_NODE (gpm_scope_node_get_type ())
G_DECLARE_FINAL_TYPE (GpmScopeNode, gpm_scope_node, GPM, SCOPE_NODE, GObject)

/* The tree for @index: a GListStore of root GpmScopeNode. Groups (Circles,
 * Communities, …) appear only when the takeout has such scopes. Nothing is
 * selected yet. */
GListStore   *gpm_scope_node_build_tree      (GpmScopeIndex *index);
/* The same tree grown as a takeout is read: @posts counted into the nodes
 * of @roots (one notify::count per node changed), an audience seen for the
 * first time added in its place, unticked, and appended to @new_leaves
 * (may be NULL; referenced) for the caller to tick. Its cost is the batch's,
 * not the tree's. A post counts once per audience and group. */
void          gpm_scope_tree_add_posts       (GListStore    *roots,
                                              GPtrArray     *posts,
                                              GPtrArray     *new_leaves);
/* The names @index gives the audiences (a key named differently in some
 * posts takes its most used name), once the takeout is read. */
void          gpm_scope_tree_set_titles      (GListStore    *roots,
                                              GpmScopeIndex *index);

const char   *gpm_scope_node_get_title       (GpmScopeNode *self);
/* The scope key (gpm_scope_get_key()) of a leaf, NULL for a group. */
const char   *gpm_scope_node_get_key         (GpmScopeNode *self);
guint         gpm_scope_node_get_count       (GpmScopeNode *self);
gboolean      gpm_scope_node_get_is_private  (GpmScopeNode *self);
const char   *gpm_scope_node_get_icon_name   (GpmScopeNode *self);
/* A leaf's scope kind; a group's members' (GPM_SCOPE_CIRCLE for Circles, …). */
GpmScopeKind  gpm_scope_node_get_kind        (GpmScopeNode *self);
/* GListModel of GpmScopeNode, NULL for a leaf. */
GListModel   *gpm_scope_node_get_children    (GpmScopeNode *self);
GpmScopeNode *gpm_scope_node_get_parent      (GpmScopeNode *self);
/* The keys of every leaf under @self (itself for a leaf), NULL-terminated. */
GStrv         gpm_scope_node_dup_keys        (GpmScopeNode *self);
/* A community not known to be closed, or the Communities group: posted
 * public on diaspora*, which has no communities (the "essentially public"
 * preset takes them). */
gboolean      gpm_scope_node_get_becomes_public (GpmScopeNode *self);
/* A community leaf's class over the posts counted so far (it may change
 * while the takeout is read: notify::community-class); a closed one is
 * private (gpm_scope_node_get_is_private()). UNKNOWN for other nodes. */
GpmCommunityClass gpm_scope_node_get_community_class (GpmScopeNode *self);

/* A leaf is active when ticked; a group when all its children are, and
 * inconsistent when some are. Setting a group sets all its children; a
 * change emits ::toggled on @self (not on the nodes it reaches). */
gboolean      gpm_scope_node_get_active      (GpmScopeNode *self);
gboolean      gpm_scope_node_get_inconsistent (GpmScopeNode *self);
void          gpm_scope_node_set_active      (GpmScopeNode *self,
                                              gboolean      active);

/* Tree-wide helpers over a root list. */
/* The keys of every active leaf (NULL-terminated, sorted). */
GStrv         gpm_scope_tree_get_selected_keys (GListModel         *roots);
/* Ticks exactly the leaves whose key is in @keys. */
void          gpm_scope_tree_select_keys       (GListModel         *roots,
                                                const char * const *keys);
/* The node with @key (a leaf), or with @title (a group), or NULL. */
GpmScopeNode *gpm_scope_tree_find              (GListModel         *roots,
                                                const char         *key_or_title);

G_END_DECLS
