/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-window-import.c: opening a takeout (a zip, the parts of a set, a
 * .tgz or a folder) from the welcome page's recent list or anywhere else:
 * the import page's progress, then the review page. */
#define G_LOG_DOMAIN "gpm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-util.h"
#include "gpm-window-private.h"

#define MAX_RECENT 6

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

/* Import */

void
_gpm_window_stop_pulse (GpmWindow *self)
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
  g_autofree char *n = NULL;

  if (import != self->import)
    return;

  if (fraction < 0)
    {
      if (self->pulse_id == 0)
        self->pulse_id = g_timeout_add (100, pulse_cb, self);
    }
  else
    {
      _gpm_window_stop_pulse (self);
      gtk_progress_bar_set_fraction (self->import_progress, CLAMP (fraction, 0.0, 1.0));
    }

  /* "20,000 posts found", grouped as the language writes numbers */
  n = gpm_format_count (n_posts);
  posts = g_strdup_printf (ngettext ("%s post found", "%s posts found", n_posts), n);
  gtk_label_set_label (self->import_posts_label, posts);

  gtk_widget_set_visible (GTK_WIDGET (self->import_problems_label), n_problems > 0);
  if (n_problems > 0)
    {
      g_autofree char *problems =
        g_strdup_printf (ngettext ("%u problem found", "%u problems found", n_problems), n_problems);
      gtk_label_set_label (self->import_problems_label, problems);
    }
}

/* Posts while the takeout is read (issue 13): the review page shows the
 * first batch at once, each later batch is put in its place in the list,
 * and the sidebar's tree grows with each batch (its counts, the audiences
 * found, ticked by its rule: gpm-scope-sidebar.c). An import whose posts
 * are on screen while it reads is marked so ("gpm-loading"). */

static void
hand_over_posts (GpmWindow *self,
                 GPtrArray *posts)
{
  g_auto(GStrv) keys = NULL;

  /* The audiences these posts bring are ticked or not before the list
   * filters them (the same keys again cost the list nothing) */
  gpm_scope_sidebar_add_posts (self->sidebar, posts);
  keys = gpm_scope_sidebar_get_selected_keys (self->sidebar);
  gpm_post_list_set_scope_keys (self->post_list, (const char * const *) keys);
  gpm_post_list_add_posts (self->post_list, posts);
}

/* The first batch comes in two main loop iterations with a frame between:
 * the review page shown, its first frame laid out and painted (the page,
 * empty: 20-30 ms of CPU the first time at 100,000 posts), then the posts
 * handed to the sidebar (its tree and rows: 15-20 ms) and the list, and
 * their first frame. In one iteration and one frame these were the two
 * longest blocks of opening (30-35 ms of CPU each, issue 13). Posts read
 * meanwhile wait with them. */
#define FIRST_POSTS_KEY "gpm-first-posts"
/* (a window that has no frames, never shown: not later than this) */
#define FIRST_POSTS_TIMEOUT_MS 100

static void
hand_over_first_posts (GpmWindow *self,
                       GpmImport *import)
{
  g_autoptr(GPtrArray) posts = g_object_steal_data (G_OBJECT (import), FIRST_POSTS_KEY);

  if (posts != NULL && import == self->import)
    hand_over_posts (self, posts);
}

typedef struct {
  GWeakRef window;
  GpmImport *import;
  guint tick_id;
  guint timeout_id;
  guint idle_id;
} FirstPosts;

static void
first_posts_free (FirstPosts *first)
{
  GpmWindow *self = g_weak_ref_get (&first->window);

  if (self != NULL && first->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), first->tick_id);
  g_clear_object (&self);
  g_clear_handle_id (&first->timeout_id, g_source_remove);
  g_clear_handle_id (&first->idle_id, g_source_remove);
  g_weak_ref_clear (&first->window);
  g_object_unref (first->import);
  g_free (first);
}

static gboolean
first_posts_idle_cb (gpointer user_data)
{
  FirstPosts *first = user_data;
  g_autoptr(GpmWindow) self = g_weak_ref_get (&first->window);

  first->idle_id = 0;
  if (self != NULL)
    hand_over_first_posts (self, first->import);
  first_posts_free (first);
  return G_SOURCE_REMOVE;
}

/* In the page's first frame (its update phase): the posts go in when it is
 * done, in an iteration of their own */
static void
first_posts_after_frame (FirstPosts *first)
{
  g_clear_handle_id (&first->timeout_id, g_source_remove);
  if (first->idle_id == 0)
    first->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, first_posts_idle_cb, first, NULL);
}

static gboolean
first_posts_tick_cb (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  FirstPosts *first = user_data;

  first->tick_id = 0;
  first_posts_after_frame (first);
  return G_SOURCE_REMOVE;
}

static gboolean
first_posts_timeout_cb (gpointer user_data)
{
  FirstPosts *first = user_data;

  first->timeout_id = 0;
  first_posts_after_frame (first);
  return G_SOURCE_REMOVE;
}

static void
import_posts_added_cb (GpmWindow *self,
                       GPtrArray *posts,
                       GpmImport *import)
{
  GPtrArray *waiting;

  if (import != self->import)
    return;

  if (g_object_get_data (G_OBJECT (import), "gpm-loading") == NULL)
    {
      FirstPosts *first = g_new0 (FirstPosts, 1);
      GPtrArray *first_posts = g_ptr_array_new_with_free_func (g_object_unref);

      /* The first posts: on screen now, the rest joins them */
      g_object_set_data (G_OBJECT (import), "gpm-loading", GINT_TO_POINTER (TRUE));

      _gpm_window_stop_pulse (self);
      gpm_preview_set_takeout (self->preview, NULL);
      gpm_post_list_set_posts (self->post_list, NULL);
      gpm_post_list_expect_posts (self->post_list);
      gpm_scope_sidebar_begin (self->sidebar);
      gtk_revealer_set_reveal_child (self->problems_revealer, FALSE);
      adw_leaflet_set_visible_child_name (self->leaflet, "posts");
      gtk_stack_set_visible_child_full (self->main_stack, "review", GTK_STACK_TRANSITION_TYPE_NONE);
      gpm_post_list_focus (self->post_list);

      g_ptr_array_extend (first_posts, posts, gpm_object_ref_copy, NULL);
      g_object_set_data_full (G_OBJECT (import), FIRST_POSTS_KEY, first_posts,
                              (GDestroyNotify) g_ptr_array_unref);
      g_weak_ref_init (&first->window, self);
      first->import = g_object_ref (import);
      first->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), first_posts_tick_cb, first, NULL);
      first->timeout_id = g_timeout_add (FIRST_POSTS_TIMEOUT_MS, first_posts_timeout_cb, first);
      return;
    }

  waiting = g_object_get_data (G_OBJECT (import), FIRST_POSTS_KEY);
  if (waiting != NULL)
    {
      g_ptr_array_extend (waiting, posts, gpm_object_ref_copy, NULL);
      return;
    }
  hand_over_posts (self, posts);
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

  /* Not all are unreadable files: a post can be read with a part of it
   * unknown, a photo be one the pod refuses */
  text = g_strdup_printf (ngettext ("%u file or post has a problem. The rest of your posts are here.",
                                    "%u files or posts have a problem. The rest of your posts are here.",
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
  gboolean ok = gpm_import_run_finish (import, result, &error);  /* the last posts arrive here */
  gboolean loading = g_object_get_data (G_OBJECT (import), "gpm-loading") != NULL;

  if (import != self->import)
    return;  /* superseded by a newer open */

  /* (a takeout read before its first posts' frame) */
  hand_over_first_posts (self, import);

  _gpm_window_stop_pulse (self);
  g_clear_object (&self->import_cancellable);
  /* Migrate… waits for the whole takeout */
  _gpm_window_update_actions (self);

  if (!ok)
    {
      /* Back to what was shown before */
      g_set_object (&self->import, self->shown_import);
      if (loading)
        {
          /* Its first posts were shown: show the takeout shown before again */
          GpmImport *shown = self->shown_import;
          gpm_post_list_set_posts (self->post_list, shown ? gpm_import_get_posts (shown) : NULL);
          if (shown != NULL)
            {
              g_auto(GStrv) keys = gpm_scope_index_essentially_public_keys (gpm_import_get_index (shown));
              gpm_post_list_set_scope_keys (self->post_list, (const char * const *) keys);
              gpm_scope_sidebar_set_index (self->sidebar, gpm_import_get_index (shown));
              gpm_preview_set_takeout (self->preview, gpm_import_get_takeout (shown));
            }
        }
      gtk_stack_set_visible_child_name (self->main_stack,
                                        self->shown_import != NULL ? "review" : "welcome");
      /* and the name of what is shown again, not of what failed */
      adw_window_title_set_subtitle (self->window_title,
                                     g_object_get_data (G_OBJECT (self->window_title), "gpm-shown-subtitle"));
      /* resuming at login, the takeout's disk not there yet: wait for it */
      if (_gpm_window_background_import_failed (self))
        return;
      /* (what is no takeout at all says so itself, by the file's name) */
      if (g_error_matches (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_UNSUPPORTED))
        gpm_window_add_toast (self, error->message);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not open the takeout: %s"), error->message);
          gpm_window_add_toast (self, message);
        }
      return;
    }

  g_set_object (&self->shown_import, import);
  g_object_set_data_full (G_OBJECT (self->window_title), "gpm-shown-subtitle",
                          g_strdup (adw_window_title_get_subtitle (self->window_title)), g_free);
  _gpm_window_set_state_journal (self, NULL);
  remember_recent (self, (const char * const *) self->import_paths);

  gpm_preview_set_takeout (self->preview, gpm_import_get_takeout (import));
  _gpm_window_posts_show_import (self, import);
  if (loading)
    {
      /* The posts are in the list already (they came while reading): only
       * the preview, which had no takeout to find media in, starts again. */
      gpm_preview_set_post (self->preview, gpm_post_list_get_selected_post (self->post_list));
      gpm_scope_sidebar_update_index (self->sidebar, gpm_import_get_index (import));
    }
  else
    {
      /* The default selection at once; the sidebar's tree follows from its thread */
      g_auto(GStrv) keys = gpm_scope_index_essentially_public_keys (gpm_import_get_index (import));
      gpm_post_list_set_scope_keys (self->post_list, (const char * const *) keys);
      gpm_post_list_set_posts (self->post_list, gpm_import_get_posts (import));
      gpm_scope_sidebar_set_index (self->sidebar, gpm_import_get_index (import));
    }
  show_problems_summary (self, import);

  adw_leaflet_set_visible_child_name (self->leaflet, "posts");
  /* No crossfade here: for its 200 ms each frame would paint the import
   * page and the review page (its list just filling) both, 14-37 ms of
   * cairo paint on top of the list's own work, the longest block of opening */
  gtk_stack_set_visible_child_full (self->main_stack, "review", GTK_STACK_TRANSITION_TYPE_NONE);
  if (!loading)
    gpm_post_list_focus (self->post_list);
  /* going on with an unfinished migration, else offering to */
  if (!_gpm_window_background_imported (self))
    _gpm_window_offer_continue (self, import);
}

gboolean
gpm_window_is_loading (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), FALSE);

  return self->import_cancellable != NULL;
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
  g_signal_connect_object (self->import, "posts-added", G_CALLBACK (import_posts_added_cb), self, G_CONNECT_SWAPPED);

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

void
_gpm_window_class_import_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_cancel_clicked_cb);
}

void
_gpm_window_import_init (GpmWindow *self)
{
  g_signal_connect_object (self->settings, "changed::recent-takeouts",
                           G_CALLBACK (rebuild_recent), self, G_CONNECT_SWAPPED);
  rebuild_recent (self);
}
