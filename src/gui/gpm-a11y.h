/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-a11y.h: accessible names GTK 4.8 gets wrong or leaves out.
 * tests/test-a11y.c reads them back over AT-SPI. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTK 4.8 names a button with a text label twice: its raw label (mnemonic
 * underscore and all) and the label widget inside, which a screen reader
 * reads one after the other ("_Migrate… Migrate…"). Keeps only the label
 * widget's name; and names an icon-only button after its tooltip (as
 * libadwaita 1.2's "Show Text" button in AdwPasswordEntryRow needs). For
 * every GtkButton in @widget's subtree (toggle buttons too), now and after
 * each label or tooltip change. */
void gpm_a11y_fix_button_names (GtkWidget *widget);

/* Names the text widget inside an entry (GtkSearchEntry, AdwEntryRow): it
 * is what takes the focus, and GTK 4.8 leaves it unnamed. */
void gpm_a11y_label_editable   (GtkEditable *editable,
                                const char  *label);

/* Names the row a GtkListView focuses for @item: GTK 4.8 has no accessible
 * label for list items (4.12 has gtk_list_item_set_accessible_label()). */
void gpm_a11y_label_list_item  (GtkListItem *item,
                                const char  *label);

/* Tab and Shift+Tab inside @widget move the focus past it, to the widget
 * after (or before) it, instead of through it. For GTK 4.8's list views,
 * where every row is a Tab stop (20,000 posts, as many presses; 4.12 has
 * GtkListView:tab-behavior), and for the preview's web view, which keeps the
 * focus in a text view of its own. Inside, the arrow keys still move. */
void gpm_a11y_tab_leaves       (GtkWidget   *widget);

/* Names what GTK 4.8's GtkShortcutsWindow leaves unnamed: its search
 * entry, its search button and its section menu button. */
void gpm_a11y_name_shortcuts_window (GtkWindow *window);

/* Names what libadwaita 1.2's AdwAboutWindow leaves unnamed or names twice:
 * the version button, buttons with a mnemonic, the subpages' back buttons,
 * lists of rows without a heading, the license and debugging texts. */
void gpm_a11y_name_about_window (GtkWindow *window);

/* Gives an AdwComboRow of strings (GtkStringList) factories that look like
 * libadwaita 1.2's own (a label; in the popover a check mark on the chosen
 * one) but name each choice's list row, which libadwaita's leave unnamed,
 * and names its two lists @name. */
void gpm_a11y_name_combo_row (GtkWidget  *combo_row,
                              const char *name);
/* The same, the choices' labels at most @max_width_chars wide (ellipsized;
 * -1: as wide as they are), so that rows fit a narrow window (the plan
 * page's aspect rows: 28, for 400 px). */
void gpm_a11y_name_combo_row_with_width (GtkWidget  *combo_row,
                                         const char *name,
                                         int         max_width_chars);

G_END_DECLS
