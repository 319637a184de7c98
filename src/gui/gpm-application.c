/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-application"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-convert.h"
#include "gpm-help-window.h"
#include "gpm-preferences-window.h"
#include "gpm-window.h"

struct _GpmApplication
{
  AdwApplication  parent_instance;
};

G_DEFINE_FINAL_TYPE (GpmApplication, gpm_application, ADW_TYPE_APPLICATION)

GSettings *
gpm_settings_get_default (void)
{
  static GSettings *settings;

  if (g_once_init_enter (&settings))
    g_once_init_leave (&settings, g_settings_new (APP_ID));

  return settings;
}

GSettings *
gpm_application_get_settings (GpmApplication *self)
{
  g_return_val_if_fail (GPM_IS_APPLICATION (self), NULL);

  return gpm_settings_get_default ();
}

static GpmWindow *
get_or_create_window (GpmApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (gpm_window_new (self));

  return GPM_WINDOW (window);
}

static void
gpm_application_activate (GApplication *app)
{
  GpmWindow *window = get_or_create_window (GPM_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
}

/* Every file given at once is one takeout: a zip, the parts of a
 * multi-part set, a .tgz or a folder. */
static void
gpm_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  GpmWindow *window = get_or_create_window (GPM_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  gpm_window_open_files (window, files, (guint) n_files);
}

static void
open_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GpmWindow *window = get_or_create_window (GPM_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
  gpm_window_choose_takeout (window);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GpmPreferencesWindow *prefs = gpm_preferences_window_new (parent);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
help_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GpmHelpWindow *help = gpm_help_window_new (parent);

  gtk_window_present (GTK_WINDOW (help));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-help-overlay", NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  static const char *developers[] = { "The GPlus Migrate authors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-icon", APP_ID,
                        "application-name", _("GPlus Migrate"),
                        "developer-name", _("The GPlus Migrate authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Move your Google+ posts from a Google Takeout archive to a diaspora* pod, "
                                      "respecting who each post was shared with."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gpm_a11y_name_about_window (GTK_WINDOW (about));
  gtk_window_present (GTK_WINDOW (about));
}

/* Closing each window lets a window with a migration running ask first. */
static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "open", open_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "about", about_action },
  { "help", help_action },
  { "quit", quit_action },
};

static void
gpm_application_startup (GApplication *app)
{
  static const char *open_accels[] = { "<Control>o", NULL };
  /* The file chooser opens files or a folder, not both: an extracted
   * takeout has its own accelerator */
  static const char *open_folder_accels[] = { "<Control><Shift>o", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "F1", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (gpm_application_parent_class)->startup (app);

  /* The preview and the migrator convert posts in worker threads */
  gpm_convert_init ();

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open-folder", open_folder_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.search", search_accels);
}

static void
gpm_application_class_init (GpmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = gpm_application_activate;
  app_class->open = gpm_application_open;
  app_class->startup = gpm_application_startup;
}

static void
gpm_application_init (GpmApplication *self)
{
}

GpmApplication *
gpm_application_new (void)
{
  return g_object_new (GPM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", APP_PATH,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}
