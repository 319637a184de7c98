/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page-export.c: "Export to folder" on the same page: the
 * selected posts written as Markdown files, with the run's progress. */
#define G_LOG_DOMAIN "gpm-migrate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-application.h"
#include "gpm-convert.h"
#include "gpm-export.h"
#include "gpm-migrate-page-private.h"

/* Export */

static void
export_progress_cb (guint       done,
                    guint       total,
                    const char *entry,
                    gpointer    user_data)
{
  GpmMigratePage *self = user_data;
  g_autofree char *text = g_strdup_printf (ngettext ("%u of %u post written", "%u of %u posts written", total),
                                           done, total);

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  gtk_label_set_label (self->progress_label, text);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpmMigratePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  gboolean ok = gpm_export_posts_finish (result, &problems, &error);

  g_clear_object (&self->cancellable);
  self->status = ok ? "done" : "stopped";
  _gpm_migrate_page_set_running_ui (self, FALSE);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const GpmProblem *problem = g_ptr_array_index (problems, i);
      _gpm_migrate_page_add_log_row (self, problem->name, problem->message, "dialog-warning-symbolic", _("Problem"));
    }

  if (ok)
    {
      gtk_label_set_label (self->run_title, _("Export Finished"));
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      _gpm_migrate_page_notify_done (self, _("Your posts have been exported"), gtk_label_get_label (self->progress_label));
    }
  else
    {
      gtk_label_set_label (self->run_title, _("Export Stopped"));
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->waiting_label, error->message);
    }

  _gpm_migrate_page_emit_finished (self);
}

static void
folder_launched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GpmMigratePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The folder could not be opened: %s"), error->message);
      gtk_label_set_label (self->waiting_label, text);
    }
}

void
_gpm_migrate_page_open_export_folder (GpmMigratePage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;

  if (self->export_dir == NULL)
    return;

  /* GTK 4.8 has no GtkFileLauncher; GIO's default handler for the folder
   * (the file manager, or the portal inside a sandbox) */
  file = g_file_new_for_path (self->export_dir);
  uri = g_file_get_uri (file);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self))));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, folder_launched_cb, g_object_ref (self));
}

void
gpm_migrate_page_export (GpmMigratePage *self,
                         GpmTakeout     *takeout,
                         GPtrArray      *posts,
                         const char     *dir)
{
  g_autoptr(GpmConvertSettings) settings = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *where = NULL;

  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  if (gpm_migrate_page_is_running (self))
    return;

  settings = gpm_convert_settings_new_from_gsettings (gpm_settings_get_default ());
  file = g_file_new_for_path (dir);
  where = g_file_get_parse_name (file);

  _gpm_migrate_page_clear_log (self);

  self->exporting = TRUE;
  g_free (self->export_dir);
  self->export_dir = g_strdup (dir);
  self->status = "running";
  gtk_label_set_label (self->run_title, _("Exporting Your Posts"));
  gtk_label_set_label (self->waiting_label, where);
  gtk_widget_set_visible (self->retry_button, FALSE);
  _gpm_migrate_page_set_running_ui (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  export_progress_cb (0, posts->len, NULL, self);
  gtk_stack_set_visible_child_name (self->stack, "run");

  self->cancellable = g_cancellable_new ();
  gpm_export_posts_async (takeout, posts, dir, settings, export_progress_cb, self,
                          self->cancellable, export_done_cb, g_object_ref (self));
}
