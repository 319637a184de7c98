/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-scope-sidebar.h: the audience tree with check boxes. */
#pragma once

#include <gtk/gtk.h>

#include "gpm-scope-index.h"
#include "gpm-scope-node.h"

G_BEGIN_DECLS

#define GPM_TYPE_SCOPE_SIDEBAR (gpm_scope_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (GpmScopeSidebar, gpm_scope_sidebar, GPM, SCOPE_SIDEBAR, GtkWidget)

/* A takeout read already: its tree (built in a worker) with the default
 * ticks ("essentially public"). Emits ::selection-changed. */
void        gpm_scope_sidebar_set_index          (GpmScopeSidebar *self,
                                                  GpmScopeIndex   *index);
/* A takeout being read: begin() forgets the tree shown; the first
 * gpm_scope_sidebar_add_posts() shows the tree of its posts with the
 * default ticks, each later one counts its posts in place (counts, new
 * audiences ticked by the rule in gpm-scope-sidebar.c: what the user ticked
 * meanwhile stays), a batch's cost, not the takeout's; then
 * gpm_scope_sidebar_update_index() with its index once it is read. A
 * change of the ticks emits ::selection-changed (from an idle). */
void        gpm_scope_sidebar_begin              (GpmScopeSidebar *self);
void        gpm_scope_sidebar_add_posts          (GpmScopeSidebar *self,
                                                  GPtrArray       *posts);
void        gpm_scope_sidebar_update_index       (GpmScopeSidebar *self,
                                                  GpmScopeIndex   *index);
/* Root GpmScopeNode list (groups hold their children). */
GListModel *gpm_scope_sidebar_get_roots          (GpmScopeSidebar *self);
GStrv       gpm_scope_sidebar_get_selected_keys  (GpmScopeSidebar *self);
/* FALSE while a change of the ticks has not been announced yet. */
gboolean    gpm_scope_sidebar_is_settled         (GpmScopeSidebar *self);
/* "essentially-public", "everything" or "nothing": the ticks now and of
 * the audiences found later. */
void        gpm_scope_sidebar_apply_preset       (GpmScopeSidebar *self,
                                                  const char      *preset);
/* Exactly @keys ticked (a saved plan or migration put back), also for the
 * audiences of the tree not shown yet. */
void        gpm_scope_sidebar_select_keys        (GpmScopeSidebar    *self,
                                                  const char * const *keys);
/* The audience whose posts the list shows, ticked or not (the row the user
 * clicked by its name or moved to), or NULL: the ticked ones. Changes emit
 * ::view-changed; Enter, a double click or a click on a name ::view-activated. */
GpmScopeNode *gpm_scope_sidebar_get_viewed_node  (GpmScopeSidebar *self);
void        gpm_scope_sidebar_view_node          (GpmScopeSidebar *self,
                                                  GpmScopeNode    *node);

G_END_DECLS
