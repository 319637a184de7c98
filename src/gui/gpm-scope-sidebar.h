/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-scope-sidebar.h: the audience tree with check boxes. */
#pragma once

#include <gtk/gtk.h>

#include "gpm-scope-index.h"
#include "gpm-scope-node.h"

G_BEGIN_DECLS

#define GPM_TYPE_SCOPE_SIDEBAR (gpm_scope_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (GpmScopeSidebar, gpm_scope_sidebar, GPM, SCOPE_SIDEBAR, GtkWidget)

/* Rebuilds the tree and applies the "essentially public" preset.
 * Emits ::selection-changed. */
void        gpm_scope_sidebar_set_index          (GpmScopeSidebar *self,
                                                  GpmScopeIndex   *index);
/* Root GpmScopeNode list (groups hold their children). */
/* More of the same takeout (read while it loads): the tree is made again
 * for @index, keeping the user's ticks and the audience looked into;
 * audiences new in @index get the default. */
void        gpm_scope_sidebar_update_index       (GpmScopeSidebar *self,
                                                  GpmScopeIndex   *index);
GListModel *gpm_scope_sidebar_get_roots          (GpmScopeSidebar *self);
GStrv       gpm_scope_sidebar_get_selected_keys  (GpmScopeSidebar *self);
/* FALSE while a change of the ticks has not been announced yet. */
gboolean    gpm_scope_sidebar_is_settled         (GpmScopeSidebar *self);
/* "essentially-public", "everything" or "nothing". */
void        gpm_scope_sidebar_apply_preset       (GpmScopeSidebar *self,
                                                  const char      *preset);
/* The audience whose posts the list shows, ticked or not (the row the user
 * clicked by its name or moved to), or NULL: the ticked ones. Changes emit
 * ::view-changed; Enter, a double click or a click on a name ::view-activated. */
GpmScopeNode *gpm_scope_sidebar_get_viewed_node  (GpmScopeSidebar *self);
void        gpm_scope_sidebar_view_node          (GpmScopeSidebar *self,
                                                  GpmScopeNode    *node);

G_END_DECLS
