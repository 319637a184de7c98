/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-help-window"

#include "config.h"

#include "gpm-a11y.h"
#include "gpm-help-window.h"
#include "gpm-gui-util.h"

struct _GpmHelpWindow
{
  AdwWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (GpmHelpWindow, gpm_help_window, ADW_TYPE_WINDOW)

static gboolean
activate_link_cb (GtkLabel   *label,
                  const char *uri,
                  gpointer    user_data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (label));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  return TRUE;
}

static void
gpm_help_window_class_init (GpmHelpWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-help-window.ui");
  gtk_widget_class_bind_template_callback (widget_class, activate_link_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
gpm_help_window_init (GpmHelpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
}

GpmHelpWindow *
gpm_help_window_new (GtkWindow *parent)
{
  GpmHelpWindow *self = g_object_new (GPM_TYPE_HELP_WINDOW, "transient-for", parent, NULL);

  gpm_gui_fit_to_parent (GTK_WINDOW (self));
  return self;
}
