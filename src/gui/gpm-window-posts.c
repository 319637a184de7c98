/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-window-posts.c: per-post control in the review (issue 17 item 5).
 * The decisions are the window's plan's (gpm_window_get_plan(): posts left
 * out, edited texts), which the migrate page saves in the journal and the
 * migrator follows; the preview changes them, the list shows them. The
 * posts with warnings are found by converting every post in a worker
 * (gpm_post_check_all_async()). */
#define G_LOG_DOMAIN "gpm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-convert.h"
#include "gpm-post-check.h"
#include "gpm-window-private.h"

GHashTable *
gpm_window_get_post_warnings (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return self->post_warnings;
}

typedef struct {
  GpmWindow *window;
  GPtrArray *posts;   /* those checked: an entry missing from the result has none */
  gint64     started;
} Check;

static void
check_free (Check *check)
{
  g_object_unref (check->window);
  g_ptr_array_unref (check->posts);
  g_free (check);
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Check *check = user_data;
  GpmWindow *self = check->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) found = gpm_post_check_all_finish (result, &error);

  if (found == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Checking the posts: %s", error->message);
      check_free (check);
      return;
    }

  g_debug ("%u posts checked for warnings in %.0f ms, %u with warnings", check->posts->len,
           (g_get_monotonic_time () - check->started) / 1000.0, g_hash_table_size (found));
  if (self->post_warnings == NULL)
    self->post_warnings = g_steal_pointer (&found);
  else
    {
      /* One post again (its text edited): its entry replaced */
      GHashTableIter iter;
      gpointer post, flags;

      for (guint i = 0; i < check->posts->len; i++)
        g_hash_table_remove (self->post_warnings, g_ptr_array_index (check->posts, i));
      g_hash_table_iter_init (&iter, found);
      while (g_hash_table_iter_next (&iter, &post, &flags))
        g_hash_table_insert (self->post_warnings, post, flags);
    }
  gpm_post_list_set_warnings (self->post_list, self->post_warnings);
  check_free (check);
}

static void
start_check (GpmWindow *self,
             GPtrArray *posts)
{
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new_from_gsettings (self->settings);
  Check *check = g_new0 (Check, 1);

  if (self->checks_cancellable == NULL)
    self->checks_cancellable = g_cancellable_new ();
  check->window = g_object_ref (self);
  check->posts = g_ptr_array_ref (posts);
  check->started = g_get_monotonic_time ();
  gpm_post_check_all_async (posts, settings,
                            self->shown_import ? gpm_import_get_takeout (self->shown_import) : NULL,
                            gpm_window_get_plan (self), self->checks_cancellable, checked_cb, check);
}

static void
check_all (GpmWindow *self)
{
  if (self->checks_cancellable != NULL)
    g_cancellable_cancel (self->checks_cancellable);
  g_clear_object (&self->checks_cancellable);
  g_clear_pointer (&self->post_warnings, g_hash_table_unref);
  gpm_post_list_set_warnings (self->post_list, NULL);

  if (self->shown_import != NULL)
    start_check (self, gpm_import_get_posts (self->shown_import));
}

void
_gpm_window_posts_show_import (GpmWindow *self,
                               GpmImport *import)
{
  GpmPlan *plan = gpm_window_get_plan (self);

  gpm_post_list_set_plan (self->post_list, plan);
  gpm_preview_set_plan (self->preview, plan);
  check_all (self);
}

void
_gpm_window_posts_refresh (GpmWindow *self)
{
  gpm_post_list_refresh_states (self->post_list);
  gpm_preview_refresh (self->preview);
  check_all (self);
}

static void
audiences_updated_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GpmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gpm_migrate_page_update_audiences_finish (GPM_MIGRATE_PAGE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("The running migration goes on as it was: %s"), error->message);

      gpm_window_add_toast (self, message);
    }
}

static void
post_changed_cb (GpmWindow  *self,
                 GpmPost    *post,
                 GpmPreview *preview)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new_full (1, g_object_unref);

  gpm_post_list_refresh_states (self->post_list);

  /* A prepared or running migration takes the decision at once (the
   * migrator for the posts not sent yet) and keeps it in the journal */
  if (gpm_migrate_page_get_plan (self->migrate_page) != NULL &&
      gpm_migrate_page_get_plan (self->migrate_page) == self->plan)
    {
      g_auto(GStrv) keys = gpm_plan_dup_audiences (self->plan);

      gpm_migrate_page_update_audiences_async (self->migrate_page, (const char * const *) keys, NULL,
                                               audiences_updated_cb, g_object_ref (self));
      /* in its journal now (a run's own change is saved once it takes it) */
      gpm_migrate_page_save_plan (self->migrate_page);
    }
  /* Before any sign-in: into the journal the plan was restored from */
  else
    _gpm_window_save_restored_plan (self);

  /* An edited text can end a warning (too long, nothing of yours): that
   * post is checked again, once the whole check has run */
  if (self->post_warnings != NULL)
    {
      g_ptr_array_add (one, g_object_ref (post));
      start_check (self, one);
    }
}

/* Settings that change the converted text change its warnings */
static void
convert_settings_changed_cb (GpmWindow *self)
{
  if (self->shown_import != NULL)
    check_all (self);
}

void
_gpm_window_posts_init (GpmWindow *self)
{
  static const char *keys[] = { "hashtags", "add-photo-hashtags", "date-line-format",
                                "date-line-locale", "include-location", "include-own-comments" };

  g_signal_connect_object (self->preview, "post-changed", G_CALLBACK (post_changed_cb), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", keys[i], NULL);
      g_signal_connect_object (self->settings, signal, G_CALLBACK (convert_settings_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
}

void
_gpm_window_posts_dispose (GpmWindow *self)
{
  if (self->checks_cancellable != NULL)
    g_cancellable_cancel (self->checks_cancellable);
  g_clear_object (&self->checks_cancellable);
  g_clear_pointer (&self->post_warnings, g_hash_table_unref);
}
