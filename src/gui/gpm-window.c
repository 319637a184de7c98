/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-window.c: the main window: its pages (welcome, import, review,
 * migrate), the header bar, the review page's wiring and the window's
 * life. The rest of it is in gpm-window-*.c (gpm-window-private.h). */
#define G_LOG_DOMAIN "gpm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-convert.h"
#include "gpm-gui-resources.h"
#include "gpm-gui-util.h"
#include "gpm-util.h"
#include "gpm-window-private.h"

G_DEFINE_FINAL_TYPE (GpmWindow, gpm_window, ADW_TYPE_APPLICATION_WINDOW)

void
gpm_window_add_toast (GpmWindow  *self,
                      const char *message)
{
  g_return_if_fail (GPM_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay,
                               gpm_gui_toast_new (message, gpm_gui_window_width (GTK_WINDOW (self))));
}

const char *
gpm_window_get_page (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

GpmImport *
gpm_window_get_import (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return self->import;
}

GpmScopeSidebar *
gpm_window_get_sidebar (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return self->sidebar;
}

GpmPostList *
gpm_window_get_post_list (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return self->post_list;
}

GpmPreview *
gpm_window_get_preview (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return self->preview;
}

void
gpm_window_show_pane (GpmWindow  *self,
                      const char *pane)
{
  g_return_if_fail (GPM_IS_WINDOW (self));
  adw_leaflet_set_visible_child_name (self->leaflet, pane);
}

GpmMigratePage *
gpm_window_get_migrate_page (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return self->migrate_page;
}

GPtrArray *
gpm_window_dup_selected_posts (GpmWindow *self)
{
  g_auto(GStrv) keys = NULL;

  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);

  if (self->shown_import == NULL)
    return g_ptr_array_new ();

  keys = gpm_scope_sidebar_get_selected_keys (self->sidebar);
  return gpm_scope_index_select (gpm_import_get_index (self->shown_import), (const char * const *) keys, FALSE);
}

static void
update_header_cb (GpmWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  gboolean review = g_strcmp0 (page, "review") == 0;
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  const char *child = adw_leaflet_get_visible_child_name (self->leaflet);

  gtk_widget_set_visible (self->back_button, review && folded && g_strcmp0 (child, "sidebar") != 0);
  gtk_widget_set_visible (self->forward_button, review && folded && g_strcmp0 (child, "sidebar") == 0);
  gtk_widget_set_visible (self->open_button, review && !folded);
  gtk_widget_set_visible (self->migrate_button, review);
  /* Narrow: an icon, so the title keeps some room */
  if (folded)
    gtk_button_set_icon_name (GTK_BUTTON (self->migrate_button), "mail-send-symbolic");
  else
    gtk_button_set_label (GTK_BUTTON (self->migrate_button),
                          self->migrate_page != NULL && gpm_migrate_page_is_running (self->migrate_page)
                          ? _("_Migration…") : _("_Migrate…"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->migrate_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Migrate"), -1);
  gpm_post_list_set_activate_on_single_click (self->post_list, folded);

  if (review && folded)
    {
      if (g_strcmp0 (child, "sidebar") == 0)
        gtk_widget_set_tooltip_text (self->back_button, NULL);
      else if (g_strcmp0 (child, "posts") == 0)
        gtk_widget_set_tooltip_text (self->back_button, _("Back to Audiences"));
      else
        gtk_widget_set_tooltip_text (self->back_button, _("Back to Posts"));
    }
}

static gboolean
update_header_idle_cb (gpointer data)
{
  g_autoptr(GpmWindow) self = g_weak_ref_get (data);

  if (self != NULL && self->leaflet != NULL)
    update_header_cb (self);
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* The leaflet folds while it is laid out: the header bar above it was
 * laid out already, so its buttons change after this frame (changed now,
 * GTK 4.8 draws the header bar unallocated and warns) */
static void
folded_cb (GpmWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  g_idle_add_full (G_PRIORITY_DEFAULT, update_header_idle_cb, ref, weak_ref_free);
}

static void
back_clicked_cb (GpmWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
forward_clicked_cb (GpmWindow *self)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "posts");
}

/* Review wiring */

/* "Posts shared with Family (not selected)": the post list's heading while
 * the user looks into an audience, saying whether it is ticked. */
static char *
view_heading (GpmScopeNode *node)
{
  const char *title = gpm_scope_node_get_title (node);

  if (gpm_scope_node_get_inconsistent (node))
    /* Translators: the post list's heading; %s is an audience ("Family") */
    return g_strdup_printf (_("Posts shared with %s (partly selected)"), title);
  if (gpm_scope_node_get_active (node))
    return g_strdup_printf (_("Posts shared with %s (selected)"), title);
  return g_strdup_printf (_("Posts shared with %s (not selected)"), title);
}

static void
sidebar_selection_changed_cb (GpmWindow       *self,
                              GpmScopeSidebar *sidebar)
{
  g_auto(GStrv) keys = gpm_scope_sidebar_get_selected_keys (sidebar);
  GpmScopeNode *viewed = gpm_scope_sidebar_get_viewed_node (sidebar);

  gpm_post_list_set_scope_keys (self->post_list, (const char * const *) keys);
  if (viewed != NULL)
    {
      g_autofree char *heading = view_heading (viewed);
      gpm_post_list_set_view_heading (self->post_list, heading);
    }
}

/* Viewing is not selecting: the audience clicked by its name is shown in
 * the post list whether it is ticked or not. */
static void
sidebar_view_changed_cb (GpmWindow       *self,
                         GpmScopeSidebar *sidebar)
{
  GpmScopeNode *viewed = gpm_scope_sidebar_get_viewed_node (sidebar);
  g_auto(GStrv) keys = NULL;
  g_autofree char *heading = NULL;

  if (viewed != NULL)
    {
      keys = gpm_scope_node_dup_keys (viewed);
      heading = view_heading (viewed);
    }
  gpm_post_list_set_view (self->post_list, (const char * const *) keys, heading);
}

static void
sidebar_view_activated_cb (GpmWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "posts");
}

static void
show_selection_cb (GpmWindow *self)
{
  gpm_scope_sidebar_view_node (self->sidebar, NULL);
}

static void
selected_post_changed_cb (GpmWindow   *self,
                          GParamSpec  *pspec,
                          GpmPostList *list)
{
  gpm_preview_set_post (self->preview, gpm_post_list_get_selected_post (list));
}

static void
post_activated_cb (GpmWindow   *self,
                   GpmPost     *post,
                   GpmPostList *list)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "preview");
}

static void
convert_settings_changed_cb (GpmWindow *self)
{
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new_from_gsettings (self->settings);

  gpm_preview_set_convert_settings (self->preview, settings);
}

static void
remote_previews_changed_cb (GpmWindow *self)
{
  gpm_preview_set_remote_allowed (self->preview, g_settings_get_boolean (self->settings, "allow-remote-previews"));
}

/* Window state */

static gboolean
close_confirmed_idle (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
confirm_close_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  GpmWindow        *self)
{
  if (g_strcmp0 (response, "stop") != 0)
    {
      /* Kept going: quitting is called off */
      if (GPM_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))))
        gpm_application_cancel_quit (GPM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
      return;
    }

  gpm_migrate_page_stop (self->migrate_page);
  g_object_set_data (G_OBJECT (self), "gpm-close-confirmed", GINT_TO_POINTER (1));
  /* Once the dialog is gone: closed from its "response", the window was
   * finalized before the dialog, whose dispose then left its freed
   * transient parent ("invalid (NULL) class pointer" on quitting) */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, close_confirmed_idle, g_object_ref (self), g_object_unref);
}

static gboolean
gpm_window_close_request (GtkWindow *window)
{
  GpmWindow *self = GPM_WINDOW (window);
  int width, height;

  /* A migration goes on with the window closed (issue 17); quitting asks */
  if (g_object_get_data (G_OBJECT (self), "gpm-close-confirmed") == NULL &&
      _gpm_window_background_close (self))
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      return TRUE;
    }

  if (gpm_migrate_page_is_running (self->migrate_page) &&
      g_object_get_data (G_OBJECT (self), "gpm-close-confirmed") == NULL)
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Stop Moving Your Posts?"),
                                                           _("The post being sent now is finished first. "
                                                             "Open this takeout again later to continue: "
                                                             "nothing will be posted twice.")));
      /* Named like its heading, for window lists and screen readers */
      gtk_window_set_title (GTK_WINDOW (dialog), _("Stop Moving Your Posts?"));
      adw_message_dialog_add_responses (dialog, "keep", _("_Keep Going"), "stop", _("_Stop and Close"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "keep");
      adw_message_dialog_set_close_response (dialog, "keep");
      /* Its buttons would read "_Keep Going Keep Going" (GTK 4.8) */
      gpm_a11y_fix_button_names (GTK_WIDGET (dialog));
      g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_close_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);

  return GTK_WINDOW_CLASS (gpm_window_parent_class)->close_request (window);
}

static void
gpm_window_dispose (GObject *object)
{
  GpmWindow *self = GPM_WINDOW (object);

  _gpm_window_stop_pulse (self);
  _gpm_window_posts_dispose (self);
  _gpm_window_background_dispose (self);
  g_cancellable_cancel (self->states_cancellable);
  g_clear_weak_pointer (&self->continue_toast);
  _gpm_window_migration_dispose (self);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_WINDOW);
  /* Here, not in finalize: a worker's callback that comes after (the
   * import's, the live index's, the journal lookup's) compares its import
   * with these and so does nothing to a window that is gone */
  g_clear_object (&self->import);
  g_clear_object (&self->shown_import);

  G_OBJECT_CLASS (gpm_window_parent_class)->dispose (object);
}

static void
gpm_window_finalize (GObject *object)
{
  GpmWindow *self = GPM_WINDOW (object);

  g_clear_pointer (&self->state_journal, gpm_object_unref_in_worker);
  g_clear_pointer (&self->post_states, g_hash_table_unref);
  g_clear_pointer (&self->states_pending, g_hash_table_unref);
  g_clear_object (&self->states_cancellable);
  g_clear_pointer (&self->import_paths, g_strfreev);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (gpm_window_parent_class)->finalize (object);
}

static void
gpm_window_class_init (GpmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = gpm_window_dispose;
  object_class->finalize = gpm_window_finalize;
  window_class->close_request = gpm_window_close_request;

  /* Pulls the resources' object file (and its registering constructor)
   * out of the static library. */
  (void) gpm_gui_get_resource ();

  g_type_ensure (GPM_TYPE_SCOPE_SIDEBAR);
  g_type_ensure (GPM_TYPE_POST_LIST);
  g_type_ensure (GPM_TYPE_PREVIEW);
  g_type_ensure (GPM_TYPE_MIGRATE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, drop_box);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, forward_button);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, migrate_button);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, recent_label);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, import_progress);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, import_posts_label);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, import_problems_label);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, problems_revealer);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, problems_label);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, post_list);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, GpmWindow, migrate_page);
  gtk_widget_class_bind_template_callback (widget_class, update_header_cb);
  gtk_widget_class_bind_template_callback (widget_class, folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, forward_clicked_cb);
  _gpm_window_class_import_init (widget_class);
  _gpm_window_class_actions_init (widget_class);
}

static void
gpm_window_init (GpmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
  /* The menu it opens is unnamed in GTK 4.8: named like its button */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_menu_button_get_popover (self->primary_menu_button)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Main Menu"), -1);

  self->settings = g_object_ref (gpm_settings_get_default ());
  _gpm_window_migration_init (self);
  _gpm_window_background_init (self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  _gpm_window_dnd_init (self);

  g_signal_connect_object (self->sidebar, "selection-changed",
                           G_CALLBACK (sidebar_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "view-changed",
                           G_CALLBACK (sidebar_view_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "view-activated",
                           G_CALLBACK (sidebar_view_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->post_list, "show-selection",
                           G_CALLBACK (show_selection_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->post_list, "notify::selected-post",
                           G_CALLBACK (selected_post_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->post_list, "activate",
                           G_CALLBACK (post_activated_cb), self, G_CONNECT_SWAPPED);

  {
    static const char *convert_keys[] = { "hashtags", "add-photo-hashtags", "date-line-format",
                                          "date-line-locale", "keep-inline-links", "include-location",
                                          "archive-google-plus-links", "include-own-comments" };
    for (guint i = 0; i < G_N_ELEMENTS (convert_keys); i++)
      {
        g_autofree char *signal = g_strconcat ("changed::", convert_keys[i], NULL);
        g_signal_connect_object (self->settings, signal, G_CALLBACK (convert_settings_changed_cb),
                                 self, G_CONNECT_SWAPPED);
      }
  }
  g_signal_connect_object (self->settings, "changed::allow-remote-previews",
                           G_CALLBACK (remote_previews_changed_cb), self, G_CONNECT_SWAPPED);
  convert_settings_changed_cb (self);
  remote_previews_changed_cb (self);

  _gpm_window_import_init (self);
  _gpm_window_posts_init (self);
  update_header_cb (self);
  _gpm_window_actions_init (self);
}

GpmWindow *
gpm_window_new (GpmApplication *application)
{
  GpmWindow *self = g_object_new (GPM_TYPE_WINDOW, "application", application, NULL);
  GtkShortcutsWindow *shortcuts = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));

  /* Set when the window joined the application (gtk/help-overlay.ui) */
  if (shortcuts != NULL)
    gpm_a11y_name_shortcuts_window (GTK_WINDOW (shortcuts));
  return self;
}
