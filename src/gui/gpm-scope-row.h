/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-scope-row.h: one audience in the sidebar's tree: its check box,
 * name, private and becomes-public icons, and post count. */
#pragma once

#include <gtk/gtk.h>

#include "gpm-scope-node.h"

G_BEGIN_DECLS

#define GPM_TYPE_SCOPE_ROW (gpm_scope_row_get_type ())
G_DECLARE_FINAL_TYPE (GpmScopeRow, gpm_scope_row, GPM, SCOPE_ROW, GtkWidget)

GtkWidget *gpm_scope_row_new    (void);
/* Shows @node of @list_row. The row is the child of a GtkTreeExpander (the
 * list item's child, which the arrow keys focus): binding sets that
 * expander's list row and accessible name too. */
void       gpm_scope_row_bind   (GpmScopeRow    *self,
                                 GtkTreeListRow *list_row,
                                 GpmScopeNode   *node);
void       gpm_scope_row_unbind (GpmScopeRow    *self);

G_END_DECLS
