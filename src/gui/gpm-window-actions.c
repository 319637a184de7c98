/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-window-actions.c: the window's actions (win.open-folder, win.search,
 * win.show-problems, win.migrate, win.export), with the file choosers they
 * open, and when they are enabled. */
#define G_LOG_DOMAIN "gpm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-problems-dialog.h"
#include "gpm-sign-in-dialog.h"
#include "gpm-window-private.h"

/* File chooser */

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     GpmWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) model = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
      guint n = g_list_model_get_n_items (model);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (files, g_list_model_get_item (model, i));

      gpm_window_open_files (self, (GFile **) files->pdata, files->len);
    }

  g_clear_object (&self->chooser);
}

static void
run_chooser (GpmWindow            *self,
             GtkFileChooserAction  action)
{
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  if (action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER)
    chooser = gtk_file_chooser_native_new (_("Choose the Extracted Takeout Folder"),
                                           GTK_WINDOW (self), action, _("_Open"), _("_Cancel"));
  else
    chooser = gtk_file_chooser_native_new (_("Choose Your Google Takeout"),
                                           GTK_WINDOW (self), action, _("_Open"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      GtkFileFilter *all = gtk_file_filter_new ();

      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
      gtk_file_filter_set_name (filter, _("Google Takeout (.zip, .tgz)"));
      gtk_file_filter_add_pattern (filter, "*.zip");
      gtk_file_filter_add_pattern (filter, "*.ZIP");
      gtk_file_filter_add_pattern (filter, "*.tgz");
      gtk_file_filter_add_pattern (filter, "*.tar.gz");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
      g_object_unref (filter);
      g_object_unref (all);
    }

  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  self->chooser = chooser;
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
gpm_window_choose_takeout (GpmWindow *self)
{
  g_return_if_fail (GPM_IS_WINDOW (self));
  run_chooser (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  run_chooser (GPM_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  GpmWindow *self = GPM_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "review") != 0)
    return;

  adw_leaflet_set_visible_child_name (self->leaflet, "posts");
  gpm_post_list_focus_search (self->post_list);
}

static void
show_problems_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  GpmWindow *self = GPM_WINDOW (widget);
  GpmProblemsDialog *dialog;

  if (self->shown_import == NULL)
    return;

  dialog = gpm_problems_dialog_new (GTK_WINDOW (self), gpm_import_get_problems (self->shown_import));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Migration and export */

void
_gpm_window_update_actions (GpmWindow *self)
{
  gboolean review = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "review") == 0;
  gboolean busy = gpm_migrate_page_is_running (self->migrate_page);

  /* The review shows the first posts while the takeout is still read: the
   * migration waits for all of them (the plan is made of the whole takeout) */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.migrate",
                                 (review && !gpm_window_is_loading (self)) || busy);
  if (!adw_leaflet_get_folded (self->leaflet))
    gtk_button_set_label (GTK_BUTTON (self->migrate_button), busy ? _("_Migration…") : _("_Migrate…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export",
                                 self->shown_import != NULL && !busy && !gpm_window_is_loading (self));
}

static void
signed_in_cb (GpmSignInDialog *dialog,
              GpmPod          *pod,
              GpmWindow       *self)
{
  gpm_window_show_migration (self, pod);
}

/* Whether the ticks select a post: a ticked audience with posts (the
 * sidebar counted them), without collecting 100,000 posts on the UI thread */
static gboolean
any_post_ticked (GpmWindow *self)
{
  GListModel *roots = gpm_scope_sidebar_get_roots (self->sidebar);
  g_auto(GStrv) keys = NULL;

  if (roots == NULL)
    {
      g_autoptr(GPtrArray) posts = gpm_window_dup_selected_posts (self);
      return posts->len > 0;
    }
  keys = gpm_scope_sidebar_get_selected_keys (self->sidebar);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      GpmScopeNode *node = gpm_scope_tree_find (roots, keys[i]);

      if (node != NULL && gpm_scope_node_get_count (node) > 0)
        return TRUE;
    }
  return FALSE;
}

/* Whether a takeout is shown and posts of it are ticked; if none are, a
 * toast says @none_ticked. */
static gboolean
have_selected_posts (GpmWindow  *self,
                     const char *none_ticked)
{
  if (self->shown_import == NULL)
    return FALSE;
  if (!any_post_ticked (self))
    {
      gpm_window_add_toast (self, none_ticked);
      return FALSE;
    }
  return TRUE;
}

static void
migrate_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  GpmWindow *self = GPM_WINDOW (widget);
  GpmSignInDialog *dialog;

  if (gpm_migrate_page_is_running (self->migrate_page))
    {
      gtk_stack_set_visible_child_name (self->main_stack, "migrate");
      return;
    }
  if (!have_selected_posts (self, _("No posts are selected. Tick the audiences to move first.")))
    return;

  /* Signed in once per pod and account per session (issue 17) */
  {
    GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
    g_autofree char *pod_address = g_settings_get_string (self->settings, "last-pod");
    g_autofree char *user = g_settings_get_string (self->settings, "last-user");
    GpmPod *pod = GPM_IS_APPLICATION (app) ? gpm_application_lookup_pod (GPM_APPLICATION (app), pod_address, user) : NULL;

    if (pod != NULL)
      {
        gpm_window_show_migration (self, pod);
        return;
      }
  }

  dialog = gpm_sign_in_dialog_new (GTK_WINDOW (self));
  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (signed_in_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  /* the keyring remembers the last account: no need to type anything */
  gpm_sign_in_dialog_sign_in_remembered (dialog);
}

static void
export_chooser_response_cb (GtkNativeDialog *dialog,
                            int              response,
                            GpmWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->shown_import != NULL)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = folder ? g_file_get_path (folder) : NULL;
      g_autoptr(GPtrArray) posts = gpm_window_dup_selected_posts (self);

      if (path == NULL)
        gpm_window_add_toast (self, _("Choose a folder on this computer."));
      else
        {
          gpm_migrate_page_export (self->migrate_page, gpm_import_get_takeout (self->shown_import), posts, path);
          gtk_stack_set_visible_child_name (self->main_stack, "migrate");
        }
    }

  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  GpmWindow *self = GPM_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (!have_selected_posts (self, _("No posts are selected. Tick the audiences to export first.")))
    return;

  chooser = gtk_file_chooser_native_new (_("Export the Selected Posts to a Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (export_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_gpm_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-problems", NULL, show_problems_action);
  gtk_widget_class_install_action (widget_class, "win.migrate", NULL, migrate_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
}

void
_gpm_window_actions_init (GpmWindow *self)
{
  g_signal_connect_object (self->migrate_page, "finished", G_CALLBACK (_gpm_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->main_stack, "notify::visible-child-name", G_CALLBACK (_gpm_window_update_actions), self, G_CONNECT_SWAPPED);
  _gpm_window_update_actions (self);
}
