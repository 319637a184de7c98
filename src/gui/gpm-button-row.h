/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-button-row.h: a row of buttons that stacks them, centered and all as
 * wide as the widest, when the width given is less than the row needs.
 * GTK 4.8 and libadwaita 1.2 have no breakpoints; a plain GtkBox of pill
 * buttons keeps a window from going narrower than the row. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GPM_TYPE_BUTTON_ROW (gpm_button_row_get_type ())

G_DECLARE_FINAL_TYPE (GpmButtonRow, gpm_button_row, GPM, BUTTON_ROW, GtkWidget)

GtkWidget *gpm_button_row_new         (void);
void       gpm_button_row_append      (GpmButtonRow *self,
                                       GtkWidget    *child);
int        gpm_button_row_get_spacing (GpmButtonRow *self);
void       gpm_button_row_set_spacing (GpmButtonRow *self,
                                       int           spacing);
/* Whether the last allocation put the children in a column */
gboolean   gpm_button_row_get_stacked (GpmButtonRow *self);

G_END_DECLS
