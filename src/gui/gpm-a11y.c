/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-a11y"

#include "config.h"

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
