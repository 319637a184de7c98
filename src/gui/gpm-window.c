/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-convert.h"
#include "gpm-gui-resources.h"
#include "gpm-gui-util.h"
#include "gpm-journal.h"
#include "gpm-problems-dialog.h"
#include "gpm-sign-in-dialog.h"
#include "gpm-util.h"
#include "gpm-window.h"

#define MAX_RECENT 6

struct _GpmWindow
{
  AdwApplicationWindow  parent_instance;

  /* template */
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *drop_box;
  GtkWidget            *back_button;
  GtkWidget            *forward_button;
  GtkWidget            *open_button;
  GtkWidget            *migrate_button;
  GtkMenuButton        *primary_menu_button;
  AdwWindowTitle       *window_title;
  GtkStack             *main_stack;
  AdwStatusPage        *welcome_page;
  GtkWidget            *recent_label;
  GtkListBox           *recent_list;
  GtkProgressBar       *import_progress;
  GtkLabel             *import_posts_label;
  GtkLabel             *import_problems_label;
  GtkRevealer          *problems_revealer;
  GtkLabel             *problems_label;
  AdwLeaflet           *leaflet;
  GpmScopeSidebar      *sidebar;
  GpmPostList          *post_list;
  GpmPreview           *preview;
  GpmMigratePage       *migrate_page;

  GSettings            *settings;
  GpmImport            *import;         /* the running one, or the one shown */
  GpmImport            *shown_import;   /* the one the review page shows */
  GCancellable         *import_cancellable;
  GStrv                 import_paths;
  guint                 pulse_id;
  GtkFileChooserNative *chooser;
  GpmJournal           *state_journal;  /* what the post list's state icons show */
  /* Its rows' states, read in a worker: the migrator's worker holds the
   * journal's connection (and fsyncs under it), so the list must not ask
   * the journal while it binds rows on the main thread. */
  GHashTable           *post_states;    /* journal key → GpmJournalState + 1 */
  GHashTable           *states_pending; /* keys to read again */
  gboolean              states_full;    /* the next read takes every row */
  gboolean              states_loading;
  GCancellable         *states_cancellable;
  AdwToast             *continue_toast; /* "Continue where you left off?", while shown */
};

G_DEFINE_FINAL_TYPE (GpmWindow, gpm_window, ADW_TYPE_APPLICATION_WINDOW)

void
gpm_window_add_toast (GpmWindow  *self,
                      const char *message)
{
  g_return_if_fail (GPM_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
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

/* Recent takeouts */

static char *
describe_paths (const char * const *paths,
                char              **out_folder)
{
  guint n = g_strv_length ((GStrv) paths);
  g_autofree char *base = NULL;

  if (n == 0)
    return NULL;

  base = g_path_get_basename (paths[0]);
  if (out_folder != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (paths[0]);
      g_autoptr(GFile) file = g_file_new_for_path (dir);
      *out_folder = g_file_get_parse_name (file);
    }

  if (n == 1)
    return g_steal_pointer (&base);

  /* Translators: a multi-part takeout: first file name and how many more parts */
  return g_strdup_printf (ngettext ("%s and %u more part", "%s and %u more parts", n - 1),
                          base, n - 1);
}

/* Each recent takeout is one string: the URIs of the files opened together,
 * separated by spaces (URIs never contain a raw space). */
static GStrv
recent_item_to_paths (const char *item)
{
  g_auto(GStrv) uris = g_strsplit (item, " ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; uris[i] != NULL; i++)
    {
      g_autofree char *path = NULL;

      if (*uris[i] == '\0')
        continue;
      path = g_filename_from_uri (uris[i], NULL, NULL);
      if (path != NULL)
        g_strv_builder_add (builder, path);
    }

  return g_strv_builder_end (builder);
}

static void
rebuild_recent (GpmWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-takeouts");
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL && shown < MAX_RECENT; i++)
    {
      g_auto(GStrv) paths = recent_item_to_paths (recent[i]);
      g_autofree char *folder = NULL;
      g_autofree char *title = describe_paths ((const char * const *) paths, &folder);
      GtkWidget *row, *icon;

      if (title == NULL)
        continue;

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      icon = gtk_image_new_from_icon_name ("go-next-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      g_object_set_data_full (G_OBJECT (row), "gpm-paths",
                              g_steal_pointer (&paths), (GDestroyNotify) g_strfreev);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }

  gtk_widget_set_visible (self->recent_label, shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), shown > 0);
}

static void
remember_recent (GpmWindow          *self,
                 const char * const *paths)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-takeouts");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) item = g_string_new (NULL);
  g_auto(GStrv) updated = NULL;
  guint kept = 1;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *uri = g_filename_to_uri (paths[i], NULL, NULL);

      if (uri == NULL)
        return;
      if (item->len > 0)
        g_string_append_c (item, ' ');
      g_string_append (item, uri);
    }

  g_strv_builder_add (builder, item->str);
  for (guint i = 0; recent[i] != NULL && kept < MAX_RECENT; i++)
    {
      if (g_str_equal (recent[i], item->str))
        continue;
      g_strv_builder_add (builder, recent[i]);
      kept++;
    }

  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-takeouts", (const char * const *) updated);
}

static void
recent_row_activated_cb (GpmWindow     *self,
                         GtkListBoxRow *row)
{
  const char * const *paths = g_object_get_data (G_OBJECT (row), "gpm-paths");
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_path (paths[i]));

  gpm_window_open_files (self, (GFile **) files->pdata, files->len);
}

static void offer_continue (GpmWindow *self, GpmImport *import);
static void set_state_journal (GpmWindow *self, GpmJournal *journal);

/* Import */

static void
stop_pulse (GpmWindow *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static gboolean
pulse_cb (gpointer user_data)
{
  GpmWindow *self = user_data;

  gtk_progress_bar_pulse (self->import_progress);
  return G_SOURCE_CONTINUE;
}

static void
import_progress_cb (GpmWindow  *self,
                    GParamSpec *pspec,
                    GpmImport  *import)
{
  guint n_posts = gpm_import_get_n_posts (import);
  guint n_problems = gpm_import_get_n_problems (import);
  double fraction = gpm_import_get_fraction (import);
  g_autofree char *posts = NULL;

  if (import != self->import)
    return;

  if (fraction < 0)
    {
      if (self->pulse_id == 0)
        self->pulse_id = g_timeout_add (100, pulse_cb, self);
    }
  else
    {
      stop_pulse (self);
      gtk_progress_bar_set_fraction (self->import_progress, CLAMP (fraction, 0.0, 1.0));
    }

  posts = g_strdup_printf (ngettext ("%u post found", "%u posts found", n_posts), n_posts);
  gtk_label_set_label (self->import_posts_label, posts);

  gtk_widget_set_visible (GTK_WIDGET (self->import_problems_label), n_problems > 0);
  if (n_problems > 0)
    {
      g_autofree char *problems =
        g_strdup_printf (ngettext ("%u problem found", "%u problems found", n_problems), n_problems);
      gtk_label_set_label (self->import_problems_label, problems);
    }
}

static void
show_problems_summary (GpmWindow *self,
                       GpmImport *import)
{
  GPtrArray *problems = gpm_import_get_problems (import);
  g_autofree char *text = NULL;

  if (problems == NULL || problems->len == 0)
    {
      gtk_revealer_set_reveal_child (self->problems_revealer, FALSE);
      return;
    }

  text = g_strdup_printf (ngettext ("%u file could not be read. The rest of your posts are here.",
                                    "%u files could not be read. The rest of your posts are here.",
                                    problems->len),
                          problems->len);
  gtk_label_set_label (self->problems_label, text);
  gtk_revealer_set_reveal_child (self->problems_revealer, TRUE);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpmWindow) self = user_data;
  GpmImport *import = GPM_IMPORT (object);
  g_autoptr(GError) error = NULL;

  if (import != self->import)
    return;  /* superseded by a newer open */

  stop_pulse (self);
  g_clear_object (&self->import_cancellable);

  if (!gpm_import_run_finish (import, result, &error))
    {
      /* Back to what was shown before */
      g_set_object (&self->import, self->shown_import);
      gtk_stack_set_visible_child_name (self->main_stack,
                                        self->shown_import != NULL ? "review" : "welcome");
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not open the takeout: %s"), error->message);
          gpm_window_add_toast (self, message);
        }
      return;
    }

  g_set_object (&self->shown_import, import);
  set_state_journal (self, NULL);
  remember_recent (self, (const char * const *) self->import_paths);

  gpm_preview_set_takeout (self->preview, gpm_import_get_takeout (import));
  {
    /* The default selection at once; the sidebar's tree follows from its thread */
    g_auto(GStrv) keys = gpm_scope_index_essentially_public_keys (gpm_import_get_index (import));
    gpm_post_list_set_scope_keys (self->post_list, (const char * const *) keys);
  }
  gpm_post_list_set_posts (self->post_list, gpm_import_get_posts (import));
  gpm_scope_sidebar_set_index (self->sidebar, gpm_import_get_index (import));
  show_problems_summary (self, import);

  adw_leaflet_set_visible_child_name (self->leaflet, "posts");
  /* No crossfade here: for its 200 ms each frame would paint the import
   * page and the review page (its list just filling) both, 14-37 ms of
   * cairo paint on top of the list's own work, the longest block of opening */
  gtk_stack_set_visible_child_full (self->main_stack, "review", GTK_STACK_TRANSITION_TYPE_NONE);
  gpm_post_list_focus (self->post_list);
  offer_continue (self, import);
}

void
gpm_window_open_files (GpmWindow  *self,
                       GFile     **files,
                       guint       n_files)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (GPM_IS_WINDOW (self));

  if (n_files == 0)
    return;

  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (files[i]);
          g_autofree char *message = g_strdup_printf (_("“%s” is not a file on this computer. Download it first, then open it."), uri);
          gpm_window_add_toast (self, message);
          return;
        }
      g_strv_builder_add (builder, path);
    }
  paths = g_strv_builder_end (builder);

  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);

  g_strfreev (self->import_paths);
  self->import_paths = g_steal_pointer (&paths);

  g_set_object (&self->import, NULL);
  self->import = gpm_import_new ((const char * const *) self->import_paths);
  self->import_cancellable = g_cancellable_new ();

  g_signal_connect_object (self->import, "notify::n-posts", G_CALLBACK (import_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->import, "notify::n-problems", G_CALLBACK (import_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->import, "notify::fraction", G_CALLBACK (import_progress_cb), self, G_CONNECT_SWAPPED);

  title = describe_paths ((const char * const *) self->import_paths, &folder);
  adw_window_title_set_subtitle (self->window_title, title);

  gtk_progress_bar_set_fraction (self->import_progress, 0.0);
  import_progress_cb (self, NULL, self->import);
  gtk_stack_set_visible_child_name (self->main_stack, "import");

  /* Load the renderer while the posts are read */
  gpm_preview_warm_up ();

  gpm_import_run_async (self->import, self->import_cancellable, import_done_cb, g_object_ref (self));
}

static void
import_cancel_clicked_cb (GpmWindow *self)
{
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
}

/* Drag and drop */

gboolean
gpm_window_handle_drop (GpmWindow    *self,
                        const GValue *value)
{
  GdkFileList *file_list;
  g_autoptr(GPtrArray) files = NULL;
  GSList *list;

  g_return_val_if_fail (GPM_IS_WINDOW (self), FALSE);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  file_list = g_value_get_boxed (value);
  list = gdk_file_list_get_files (file_list);
  files = g_ptr_array_new ();
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  g_slist_free (list);

  if (files->len == 0)
    return FALSE;

  gpm_window_open_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         GpmWindow     *self)
{
  gtk_widget_remove_css_class (self->drop_box, "drop-active");
  return gpm_window_handle_drop (self, value);
}

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               GpmWindow     *self)
{
  gtk_widget_add_css_class (self->drop_box, "drop-active");
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               GpmWindow     *self)
{
  gtk_widget_remove_css_class (self->drop_box, "drop-active");
}

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

/* Migration state in the post list */

static const char *
post_state_func (GpmPost     *post,
                 const char **out_label,
                 gpointer     user_data)
{
  GpmWindow *self = user_data;
  gpointer value = g_hash_table_lookup (self->post_states, gpm_journal_post_key (post));

  if (value == NULL)
    return NULL;

  switch ((GpmJournalState) (GPOINTER_TO_INT (value) - 1))
    {
    case GPM_JOURNAL_STATE_POSTED:
      *out_label = _("Posted");
      return "emblem-ok-symbolic";
    case GPM_JOURNAL_STATE_FAILED:
      *out_label = _("Failed");
      return "dialog-error-symbolic";
    case GPM_JOURNAL_STATE_SKIPPED:
      *out_label = _("Skipped");
      return "action-unavailable-symbolic";
    case GPM_JOURNAL_STATE_UPLOADING:
    case GPM_JOURNAL_STATE_ATTEMPTING:
      *out_label = _("Being posted");
      return "content-loading-symbolic";
    case GPM_JOURNAL_STATE_PENDING:
    case GPM_JOURNAL_N_STATES:
    default:
      return NULL;
    }
}

typedef struct {
  GpmJournal *journal;
  GStrv       keys;      /* NULL: every row */
} StatesRead;

static void
states_read_free (StatesRead *read)
{
  gpm_object_unref_in_worker (read->journal);
  g_strfreev (read->keys);
  g_free (read);
}

/* Worker: key → state + 1 for the rows asked for (0 for a key without a row). */
static void
states_read_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  StatesRead *read = task_data;
  g_autoptr(GHashTable) states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GError *error = NULL;

  if (read->keys == NULL)
    {
      g_autoptr(GPtrArray) rows = gpm_journal_list (read->journal, &error);

      if (rows == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      for (guint i = 0; i < rows->len; i++)
        {
          const GpmJournalEntry *entry = g_ptr_array_index (rows, i);

          g_hash_table_insert (states, g_strdup (entry->key), GINT_TO_POINTER (entry->state + 1));
        }
    }
  else
    for (guint i = 0; read->keys[i] != NULL; i++)
      {
        g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (read->journal, read->keys[i], NULL);

        g_hash_table_insert (states, g_strdup (read->keys[i]),
                             GINT_TO_POINTER (entry != NULL ? entry->state + 1 : 0));
      }

  g_task_return_pointer (task, g_steal_pointer (&states), (GDestroyNotify) g_hash_table_unref);
}

static void states_read (GpmWindow *self);

static void
states_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GpmWindow *self = GPM_WINDOW (source);
  StatesRead *read = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) states = g_task_propagate_pointer (G_TASK (result), &error);
  GHashTableIter iter;
  gpointer key, value;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the window is gone */

  self->states_loading = FALSE;
  if (states == NULL)
    g_warning ("The journal's states could not be read: %s", error->message);
  else if (read->journal == self->state_journal)
    {
      if (read->keys == NULL)
        g_hash_table_remove_all (self->post_states);
      g_hash_table_iter_init (&iter, states);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (value == NULL)
            g_hash_table_remove (self->post_states, key);
          else
            g_hash_table_insert (self->post_states, g_strdup (key), value);
        }
      gpm_post_list_refresh_states (self->post_list);
    }

  /* What was asked for meanwhile */
  states_read (self);
}

/* Reads what the post list must show again (every row after the journal
 * changed, else the keys of the posts done since), one read at a time. */
static void
states_read (GpmWindow *self)
{
  g_autoptr(GTask) task = NULL;
  StatesRead *read;

  if (self->states_loading || self->state_journal == NULL)
    return;
  if (!self->states_full && g_hash_table_size (self->states_pending) == 0)
    return;

  read = g_new0 (StatesRead, 1);
  read->journal = g_object_ref (self->state_journal);
  if (self->states_full)
    g_hash_table_remove_all (self->states_pending);
  else
    {
      /* The keys move to the read */
      read->keys = (GStrv) g_hash_table_get_keys_as_array (self->states_pending, NULL);
      g_hash_table_steal_all (self->states_pending);
    }
  self->states_full = FALSE;
  self->states_loading = TRUE;

  task = g_task_new (self, self->states_cancellable, states_read_cb, NULL);
  g_task_set_source_tag (task, states_read);
  g_task_set_task_data (task, read, (GDestroyNotify) states_read_free);
  g_task_run_in_thread (task, states_read_thread);
}

static void
set_state_journal (GpmWindow  *self,
                   GpmJournal *journal)
{
  if (journal != NULL)
    g_object_ref (journal);
  gpm_object_unref_in_worker (self->state_journal);   /* may close it */
  self->state_journal = journal;
  g_hash_table_remove_all (self->post_states);
  g_hash_table_remove_all (self->states_pending);
  self->states_full = TRUE;
  gpm_post_list_set_state_func (self->post_list, post_state_func, self);
  states_read (self);
}

GpmJournal *
gpm_window_get_state_journal (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return self->state_journal;
}

int
gpm_window_get_post_state (GpmWindow *self,
                           GpmPost   *post)
{
  gpointer value;

  g_return_val_if_fail (GPM_IS_WINDOW (self), -1);
  g_return_val_if_fail (GPM_IS_POST (post), -1);

  value = g_hash_table_lookup (self->post_states, gpm_journal_post_key (post));
  return value != NULL ? GPOINTER_TO_INT (value) - 1 : -1;
}

static void
post_done_cb (GpmWindow *self,
              GpmPost   *post)
{
  g_hash_table_add (self->states_pending, g_strdup (gpm_journal_post_key (post)));
  states_read (self);
}

/* Migration and export */

static void
update_actions (GpmWindow *self)
{
  gboolean review = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "review") == 0;
  gboolean busy = gpm_migrate_page_is_running (self->migrate_page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.migrate", review || busy);
  if (!adw_leaflet_get_folded (self->leaflet))
    gtk_button_set_label (GTK_BUTTON (self->migrate_button), busy ? _("_Migration…") : _("_Migrate…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", self->shown_import != NULL && !busy);
}

static void
migration_prepared_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GpmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GpmMigratePage *page = GPM_MIGRATE_PAGE (source);

  if (!gpm_migrate_page_prepare_finish (page, result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The migration could not be prepared: %s"), error->message);
      gpm_window_add_toast (self, message);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "migrate") == 0 &&
          !gpm_migrate_page_is_running (page))
        gtk_stack_set_visible_child_name (self->main_stack, self->shown_import ? "review" : "welcome");
      return;
    }

  set_state_journal (self, gpm_migrate_page_get_journal (page));
}

void
gpm_window_show_migration (GpmWindow *self,
                           GpmPod    *pod)
{
  g_autoptr(GPtrArray) posts = NULL;

  g_return_if_fail (GPM_IS_WINDOW (self));
  g_return_if_fail (self->shown_import != NULL);

  /* Continuing is what this does: the offer has been taken */
  if (self->continue_toast != NULL)
    adw_toast_dismiss (self->continue_toast);
  posts = gpm_window_dup_selected_posts (self);
  gpm_migrate_page_prepare_async (self->migrate_page, pod,
                                  gpm_import_get_takeout (self->shown_import),
                                  gpm_import_get_posts (self->shown_import),
                                  posts, NULL, migration_prepared_cb, g_object_ref (self));
  /* No crossfade: its frames paint the review page and the plan both
   * (30-45 ms each with cairo) */
  gtk_stack_set_visible_child_full (self->main_stack, "migrate", GTK_STACK_TRANSITION_TYPE_NONE);
}

static void
signed_in_cb (GpmSignInDialog *dialog,
              GpmPod          *pod,
              GpmWindow       *self)
{
  gpm_window_show_migration (self, pod);
}

static void
migrate_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  GpmWindow *self = GPM_WINDOW (widget);
  g_autoptr(GPtrArray) posts = NULL;
  GpmSignInDialog *dialog;

  if (gpm_migrate_page_is_running (self->migrate_page))
    {
      gtk_stack_set_visible_child_name (self->main_stack, "migrate");
      return;
    }
  if (self->shown_import == NULL)
    return;

  posts = gpm_window_dup_selected_posts (self);
  if (posts->len == 0)
    {
      gpm_window_add_toast (self, _("No posts are selected. Tick the audiences to move first."));
      return;
    }

  dialog = gpm_sign_in_dialog_new (GTK_WINDOW (self));
  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (signed_in_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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
  g_autoptr(GPtrArray) posts = NULL;

  if (self->shown_import == NULL)
    return;

  posts = gpm_window_dup_selected_posts (self);
  if (posts->len == 0)
    {
      gpm_window_add_toast (self, _("No posts are selected. Tick the audiences to export first."));
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Export the Selected Posts to a Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (export_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
migrate_page_close_cb (GpmWindow *self)
{
  gtk_stack_set_visible_child_name (self->main_stack, self->shown_import ? "review" : "welcome");
}

/* A takeout that was partly moved before: offer to go on. The journal is
 * looked for in a worker (naming the takeout reads every post's author). */
typedef struct {
  GPtrArray  *posts;
  char       *pod;
  char       *user;
  GpmJournal *journal;
  guint       n_posted;
} FindJournal;

static void
find_journal_free (FindJournal *f)
{
  g_ptr_array_unref (f->posts);
  g_free (f->pod);
  g_free (f->user);
  g_clear_pointer (&f->journal, gpm_object_unref_in_worker);
  g_free (f);
}

static void
find_journal_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  FindJournal *f = task_data;
  g_autofree char *identity = gpm_journal_takeout_identity (f->posts);
  g_autofree char *account = gpm_journal_account_name (f->pod, f->user);
  g_autofree char *path = gpm_journal_default_path (identity, account);
  guint counts[GPM_JOURNAL_N_STATES] = { 0 };

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    f->journal = gpm_journal_open (path, identity, account, NULL);
  if (f->journal != NULL && gpm_journal_count (f->journal, counts, NULL))
    f->n_posted = counts[GPM_JOURNAL_STATE_POSTED];
  g_task_return_boolean (task, TRUE);
}

static void
journal_found_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GpmWindow *self = GPM_WINDOW (source);
  g_autoptr(GpmImport) import = user_data;
  FindJournal *f = g_task_get_task_data (G_TASK (result));
  g_autofree char *title = NULL;
  AdwToast *toast;

  /* Another takeout shown meanwhile, or a migration already prepared */
  if (self->shown_import != import || self->state_journal != NULL || f->n_posted == 0)
    return;

  /* Show which posts are already on the pod */
  set_state_journal (self, f->journal);

  title = g_strdup_printf (ngettext ("%u post of this takeout is already on your pod. Continue where you left off?",
                                     "%u posts of this takeout are already on your pod. Continue where you left off?",
                                     f->n_posted),
                           f->n_posted);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Continue"));
  adw_toast_set_action_name (toast, "win.migrate");
  adw_toast_set_timeout (toast, 0);
  g_set_weak_pointer (&self->continue_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
offer_continue (GpmWindow *self,
                GpmImport *import)
{
  g_autofree char *pod = g_settings_get_string (self->settings, "last-pod");
  g_autofree char *user = g_settings_get_string (self->settings, "last-user");
  g_autoptr(GTask) task = NULL;
  FindJournal *f;

  if (*pod == '\0' || *user == '\0')
    return;

  f = g_new0 (FindJournal, 1);
  f->posts = g_ptr_array_ref (gpm_import_get_posts (import));
  f->pod = g_steal_pointer (&pod);
  f->user = g_steal_pointer (&user);
  task = g_task_new (self, NULL, journal_found_cb, g_object_ref (import));
  g_task_set_source_tag (task, offer_continue);
  g_task_set_task_data (task, f, (GDestroyNotify) find_journal_free);
  g_task_run_in_thread (task, find_journal_thread);
}

/* Review wiring */

static void
sidebar_selection_changed_cb (GpmWindow       *self,
                              GpmScopeSidebar *sidebar)
{
  g_auto(GStrv) keys = gpm_scope_sidebar_get_selected_keys (sidebar);

  gpm_post_list_set_scope_keys (self->post_list, (const char * const *) keys);
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

static void
confirm_close_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  GpmWindow        *self)
{
  if (g_strcmp0 (response, "stop") != 0)
    return;

  gpm_migrate_page_stop (self->migrate_page);
  g_object_set_data (G_OBJECT (self), "gpm-close-confirmed", GINT_TO_POINTER (1));
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
gpm_window_close_request (GtkWindow *window)
{
  GpmWindow *self = GPM_WINDOW (window);
  int width, height;

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

  stop_pulse (self);
  g_cancellable_cancel (self->states_cancellable);
  g_clear_weak_pointer (&self->continue_toast);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_WINDOW);

  G_OBJECT_CLASS (gpm_window_parent_class)->dispose (object);
}

static void
gpm_window_finalize (GObject *object)
{
  GpmWindow *self = GPM_WINDOW (object);

  g_clear_object (&self->import);
  g_clear_object (&self->shown_import);
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
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, forward_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_cancel_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-problems", NULL, show_problems_action);
  gtk_widget_class_install_action (widget_class, "win.migrate", NULL, migrate_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
}

static void
gpm_window_init (GpmWindow *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
  /* The menu it opens is unnamed in GTK 4.8: named like its button */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_menu_button_get_popover (self->primary_menu_button)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Main Menu"), -1);

  self->settings = g_object_ref (gpm_settings_get_default ());
  self->post_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->states_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->states_cancellable = g_cancellable_new ();

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  g_signal_connect (target, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (target, "leave", G_CALLBACK (drop_leave_cb), self);
  gtk_widget_add_controller (self->drop_box, GTK_EVENT_CONTROLLER (target));

  g_signal_connect_object (self->sidebar, "selection-changed",
                           G_CALLBACK (sidebar_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->post_list, "notify::selected-post",
                           G_CALLBACK (selected_post_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->post_list, "activate",
                           G_CALLBACK (post_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::recent-takeouts",
                           G_CALLBACK (rebuild_recent), self, G_CONNECT_SWAPPED);

  {
    static const char *convert_keys[] = { "hashtags", "add-photo-hashtags", "date-line-format",
                                          "date-line-locale", "keep-inline-links", "include-location" };
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

  g_signal_connect_object (self->migrate_page, "close", G_CALLBACK (migrate_page_close_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrate_page, "finished", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrate_page, "post-done", G_CALLBACK (post_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->main_stack, "notify::visible-child-name", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  rebuild_recent (self);
  update_header_cb (self);
  update_actions (self);
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
