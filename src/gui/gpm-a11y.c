/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-a11y"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "gpm-a11y.h"

static void
button_changed_cb (GtkButton  *button,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  const char *tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (button));
  /* The child as it is now: GTK 4.8 notifies "label" while a button turns
   * from label to icon, before gtk_button_get_label() knows (it then casts
   * the new GtkImage to a GtkLabel). */
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (button));

  /* gtk_button_set_label() has set the raw label as the accessible label
   * and the label widget as labelled-by; the latter is the clean text. */
  if (GTK_IS_LABEL (child))
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  /* An icon-only button: its tooltip says what it does */
  else if (tooltip != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

void
gpm_a11y_fix_button_names (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (GTK_IS_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), "gpm-a11y-name") == NULL)
    {
      g_object_set_data (G_OBJECT (widget), "gpm-a11y-name", GINT_TO_POINTER (TRUE));
      g_signal_connect (widget, "notify::label", G_CALLBACK (button_changed_cb), NULL);
      g_signal_connect (widget, "notify::tooltip-text", G_CALLBACK (button_changed_cb), NULL);
      button_changed_cb (GTK_BUTTON (widget), NULL, NULL);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gpm_a11y_fix_button_names (child);
}

void
gpm_a11y_label_editable (GtkEditable *editable,
                         const char  *label)
{
  GtkEditable *delegate;

  g_return_if_fail (GTK_IS_EDITABLE (editable));

  delegate = gtk_editable_get_delegate (editable);
  gtk_accessible_update_property (GTK_ACCESSIBLE (delegate != NULL ? delegate : editable),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

void
gpm_a11y_label_list_item (GtkListItem *item,
                          const char  *label)
{
  GtkWidget *child;
  GtkWidget *row;

  g_return_if_fail (GTK_IS_LIST_ITEM (item));

  /* The child's parent is the list's row widget (GtkListItemWidget) */
  child = gtk_list_item_get_child (item);
  row = child != NULL ? gtk_widget_get_parent (child) : NULL;
  if (row != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Gives the focus to the first widget after (or before) @widget in Tab
 * order: GTK's own focus move from the window, with @widget's subtree
 * closed to it for the moment; past the last widget the window starts over
 * from its first (or last), as Tab does. */
static gboolean
focus_past (GtkWidget        *widget,
            GtkDirectionType  direction)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  gboolean moved;

  if (root == NULL)
    return FALSE;
  gtk_widget_set_can_focus (widget, FALSE);
  moved = gtk_widget_child_focus (GTK_WIDGET (root), direction);
  if (!moved)
    {
      gtk_root_set_focus (root, NULL);
      moved = gtk_widget_child_focus (GTK_WIDGET (root), direction);
    }
  gtk_widget_set_can_focus (widget, TRUE);
  return moved;
}

static gboolean
tab_leaves_key_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   gpointer               user_data)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  gboolean backward;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  backward = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  return focus_past (widget, backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
}

void
gpm_a11y_tab_leaves (GtkWidget *widget)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (tab_leaves_key_cb), NULL);
  gtk_widget_add_controller (widget, keys);
}

/* Calls @func on @widget and on everything under it, children first. */
static void
foreach_descendant (GtkWidget *widget,
                    void     (*func) (GtkWidget *widget))
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    foreach_descendant (child, func);
  func (widget);
}

static void
name_shortcuts_widget (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search shortcuts"), -1);
      gpm_a11y_label_editable (GTK_EDITABLE (widget), _("Search shortcuts"));
    }
  else if (GTK_IS_MENU_BUTTON (widget))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sections"), -1);
  else if (GTK_IS_TOGGLE_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
}

void
gpm_a11y_name_shortcuts_window (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  foreach_descendant (GTK_WIDGET (window), name_shortcuts_widget);
}

/* The title of the AdwPreferencesGroup around @widget, or NULL. */
static const char *
group_title (GtkWidget *widget)
{
  GtkWidget *group = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_GROUP);
  const char *title = group ? adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)) : NULL;

  return title != NULL && *title != '\0' ? title : NULL;
}

static void
name_about_widget (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    {
      GtkWidget *child = gtk_widget_get_first_child (widget);

      /* The version: a label put in the button, not its label */
      if (GTK_IS_LABEL (child) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
        gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY, child, NULL, -1);
      /* Icon-only: the subpages' back buttons */
      else if (GTK_IS_IMAGE (child) && gtk_widget_get_tooltip_text (widget) == NULL)
        {
          const char *icon = gtk_image_get_icon_name (GTK_IMAGE (child));

          if (g_strcmp0 (icon, "go-previous-symbolic") == 0)
            gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back"), -1);
        }
    }
  else if (GTK_IS_LIST_BOX (widget) && group_title (widget) == NULL)
    {
      /* A list of rows without a heading: named by its first row */
      GtkWidget *row = gtk_widget_get_first_child (widget);

      if (ADW_IS_PREFERENCES_ROW (row))
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), -1);
    }
  else if (GTK_IS_TEXT_VIEW (widget))
    {
      /* The debugging information, or a license's text */
      gboolean debug_info = FALSE;

      for (GtkWidget *w = widget; w != NULL && !debug_info; w = gtk_widget_get_parent (w))
        debug_info = g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)), "debug_info_page") == 0;
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      debug_info ? _("Debugging information") : _("License"), -1);
    }
}

void
gpm_a11y_name_about_window (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  gpm_a11y_fix_button_names (GTK_WIDGET (window));
  foreach_descendant (GTK_WIDGET (window), name_about_widget);
}

/* AdwComboRow */

static void
combo_choice_setup_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  in_popover)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                  "icon-name", "object-select-symbolic",
                                  NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 1);
  gtk_label_set_max_width_chars (GTK_LABEL (label),
                                 GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "gpm-max-width-chars")));
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (icon, 6);
  gtk_widget_set_visible (icon, GPOINTER_TO_INT (in_popover));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_list_item_set_child (item, box);
}

static void
combo_choice_selected_cb (AdwComboRow *row,
                          GParamSpec  *pspec,
                          GtkListItem *item)
{
  GtkWidget *icon = gtk_widget_get_last_child (gtk_list_item_get_child (item));

  gtk_widget_set_opacity (icon, adw_combo_row_get_selected_item (row) == gtk_list_item_get_item (item) ? 1.0 : 0.0);
}

static void
combo_choice_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      AdwComboRow              *row)
{
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (gtk_list_item_get_child (item))), text);
  gpm_a11y_label_list_item (item, text);
  g_signal_connect (row, "notify::selected-item", G_CALLBACK (combo_choice_selected_cb), item);
  combo_choice_selected_cb (row, NULL, item);
}

static void
combo_choice_unbind_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        AdwComboRow              *row)
{
  g_signal_handlers_disconnect_by_func (row, combo_choice_selected_cb, item);
}

void
gpm_a11y_name_combo_row (GtkWidget  *combo_row,
                         const char *name)
{
  gpm_a11y_name_combo_row_with_width (combo_row, name, -1);
}

void
gpm_a11y_name_combo_row_with_width (GtkWidget  *combo_row,
                                    const char *name,
                                    int         max_width_chars)
{
  AdwComboRow *row = ADW_COMBO_ROW (combo_row);

  for (guint in_popover = 0; in_popover < 2; in_popover++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

      g_object_set_data (G_OBJECT (factory), "gpm-max-width-chars", GINT_TO_POINTER (max_width_chars));
      g_signal_connect (factory, "setup", G_CALLBACK (combo_choice_setup_cb), GUINT_TO_POINTER (in_popover));
      g_signal_connect (factory, "bind", G_CALLBACK (combo_choice_bind_cb), row);
      g_signal_connect (factory, "unbind", G_CALLBACK (combo_choice_unbind_cb), row);
      if (in_popover)
        adw_combo_row_set_list_factory (row, factory);
      else
        adw_combo_row_set_factory (row, factory);
      g_object_unref (factory);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (combo_row, ADW_TYPE_COMBO_ROW, "current")),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (combo_row, ADW_TYPE_COMBO_ROW, "list")),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}
