/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-application"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-gui-util.h"
#include "gpm-background.h"
#include "gpm-convert.h"
#include "gpm-help-window.h"
#include "gpm-migrate-page.h"
#include "gpm-plan.h"
#include "gpm-preferences-window.h"
#include "gpm-window.h"

struct _GpmApplication
{
  AdwApplication  parent_instance;

  guint           n_migrations;    /* runs holding the application (gpm_application_hold_migration) */
  gboolean        quitting;        /* app.quit: closing a window stops its run */
  gboolean        resume_requested; /* --resume (started at login) */
  GHashTable     *notifications;   /* id → what was last sent under it (tests) */
  GHashTable     *pods;            /* "address\tuser" → GpmPod signed in this session */
};

G_DEFINE_FINAL_TYPE (GpmApplication, gpm_application, ADW_TYPE_APPLICATION)

static void gpm_application_finalize (GObject *object);

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

static gboolean
any_migration_running (GpmApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (GPM_IS_WINDOW (l->data) &&
        gpm_migrate_page_is_running (gpm_window_get_migrate_page (GPM_WINDOW (l->data))))
      return TRUE;
  return FALSE;
}

/* Launching the app again (or a notification's Open) while a migration
 * runs with its window closed shows that window again: the application is
 * unique, so this is the running one. */
static void
gpm_application_activate (GApplication *app)
{
  GpmApplication *self = GPM_APPLICATION (app);
  gboolean resume = self->resume_requested;
  GpmWindow *window;

  self->resume_requested = FALSE;
  /* Started at login with nothing to go on with: no window at all */
  if (resume && !any_migration_running (self) && !gpm_window_has_unfinished_migration ())
    return;

  window = get_or_create_window (self);
  gtk_window_present (GTK_WINDOW (window));
  if (!any_migration_running (self))
    gpm_window_offer_resume (window);
}

static int
gpm_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  if (g_variant_dict_contains (options, "resume"))
    GPM_APPLICATION (app)->resume_requested = TRUE;
  return -1;
}

static GtkWindow *
window_by_id (GpmApplication *self,
              GVariant       *param)
{
  return gtk_application_get_window_by_id (GTK_APPLICATION (self), g_variant_get_uint32 (param));
}

/* The progress notification's Open: the window of that migration */
static void
open_window_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkWindow *window = window_by_id (user_data, param);

  if (window != NULL)
    gtk_window_present (window);
  else
    g_application_activate (G_APPLICATION (user_data));
}

/* The progress notification's Pause (and Resume) */
static void
pause_migration_action (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  GtkWindow *window = window_by_id (user_data, param);

  if (GPM_IS_WINDOW (window))
    {
      gpm_migrate_page_toggle_pause (gpm_window_get_migrate_page (GPM_WINDOW (window)));
      /* the notification says so at once (Resume), not after the step */
      gpm_window_update_progress_notification (GPM_WINDOW (window));
    }
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
  gpm_gui_fit_to_parent (GTK_WINDOW (about));
  gtk_window_present (GTK_WINDOW (about));
}

/* Closing each window lets a window with a migration running ask first. */
static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GpmApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Quitting stops a migration that runs with its window closed too: the
   * window comes back to ask */
  self->quitting = TRUE;
  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (!gtk_widget_get_visible (GTK_WIDGET (l->data)))
        gtk_window_present (GTK_WINDOW (l->data));
      gtk_window_close (GTK_WINDOW (l->data));
    }
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "open", open_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "about", about_action },
  { "help", help_action },
  { "quit", quit_action },
  { "open-window", open_window_action, "u" },
  { "pause-migration", pause_migration_action, "u" },
};

static void
start_at_login_changed_cb (GSettings  *settings,
                           const char *key,
                           gpointer    user_data)
{
  gpm_background_request (g_settings_get_boolean (settings, key));
}

static void
gpm_application_startup (GApplication *app)
{
  static const char *open_accels[] = { "<Control>o", NULL };
  /* The file chooser opens files or a folder, not both: an extracted
   * takeout has its own accelerator */
  static const char *open_folder_accels[] = { "<Control><Shift>o", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  /* GNOME's: closes the window (a migration goes on without it) */
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *help_accels[] = { "F1", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (gpm_application_parent_class)->startup (app);

  /* The preview and the migrator convert posts in worker threads */
  gpm_convert_init ();

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  /* Starting at login is asked for (or given up) as soon as it is chosen */
  g_signal_connect (gpm_settings_get_default (), "changed::start-at-login",
                    G_CALLBACK (start_at_login_changed_cb), app);

  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open-folder", open_folder_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.search", search_accels);
}

/* The last window is gone: a decision it just saved (the plan, written in
 * a worker) is on disk before the process ends */
static void
gpm_application_shutdown (GApplication *app)
{
  gpm_plan_wait_saves ();
  G_APPLICATION_CLASS (gpm_application_parent_class)->shutdown (app);
}

static void
gpm_application_class_init (GpmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  app_class->activate = gpm_application_activate;
  app_class->handle_local_options = gpm_application_handle_local_options;
  object_class->finalize = gpm_application_finalize;
  app_class->open = gpm_application_open;
  app_class->startup = gpm_application_startup;
  app_class->shutdown = gpm_application_shutdown;
}

static void
gpm_application_init (GpmApplication *self)
{
  self->notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_application_add_main_option (G_APPLICATION (self), "resume", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Go on with an unfinished migration you agreed to (when started at login)"), NULL);
}

/* Running in the background */

void
gpm_application_hold_migration (GpmApplication *self)
{
  g_return_if_fail (GPM_IS_APPLICATION (self));

  self->n_migrations++;
  g_application_hold (G_APPLICATION (self));
}

void
gpm_application_release_migration (GpmApplication *self)
{
  g_return_if_fail (GPM_IS_APPLICATION (self));
  g_return_if_fail (self->n_migrations > 0);

  self->n_migrations--;
  g_application_release (G_APPLICATION (self));
}

guint
gpm_application_get_n_migrations (GpmApplication *self)
{
  g_return_val_if_fail (GPM_IS_APPLICATION (self), 0);
  return self->n_migrations;
}

void
gpm_application_cancel_quit (GpmApplication *self)
{
  g_return_if_fail (GPM_IS_APPLICATION (self));
  self->quitting = FALSE;
}

gboolean
gpm_application_is_quitting (GpmApplication *self)
{
  g_return_val_if_fail (GPM_IS_APPLICATION (self), FALSE);
  return self->quitting;
}

typedef struct {
  char          *id;
  GNotification *notification;
} Pending;

static void
has_notifier_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  GApplication *app = g_application_get_default ();
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  /* Not if it was withdrawn meanwhile (the run ended, the window came
   * back): it would stay on the desktop, stale */
  if (owned && GPM_IS_APPLICATION (app) &&
      gpm_application_get_notification (GPM_APPLICATION (app), pending->id) != NULL)
    g_application_send_notification (app, pending->id, pending->notification);
  g_free (pending->id);
  g_object_unref (pending->notification);
  g_free (pending);
}

void
gpm_application_notify (GpmApplication *self,
                        const char     *id,
                        GNotification  *notification,
                        const char     *description)
{
  GDBusConnection *bus;
  Pending *pending;

  g_return_if_fail (GPM_IS_APPLICATION (self));

  g_hash_table_insert (self->notifications, g_strdup (id), g_strdup (description));
  /* The app's icon beside the text (a desktop without the app's .desktop
   * file, GNOME's fallback daemon say, otherwise leaves the place empty) */
  {
    g_autoptr(GIcon) icon = g_themed_icon_new (APP_ID);

    g_notification_set_icon (notification, icon);
  }
  bus = g_application_get_dbus_connection (G_APPLICATION (self));
  if (bus == NULL)
    return;
  /* In a sandbox the portal shows it; elsewhere only when the desktop
   * has a notification service (sending one without it only logs a warning) */
  if (gpm_background_in_flatpak ())
    {
      g_application_send_notification (G_APPLICATION (self), id, notification);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->id = g_strdup (id);
  pending->notification = g_object_ref (notification);
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "NameHasOwner", g_variant_new ("(s)", "org.freedesktop.Notifications"),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          has_notifier_cb, pending);
}

void
gpm_application_withdraw (GpmApplication *self,
                          const char     *id)
{
  g_return_if_fail (GPM_IS_APPLICATION (self));

  if (g_hash_table_remove (self->notifications, id))
    g_application_withdraw_notification (G_APPLICATION (self), id);
}

const char *
gpm_application_get_notification (GpmApplication *self,
                                  const char     *id)
{
  g_return_val_if_fail (GPM_IS_APPLICATION (self), NULL);
  return g_hash_table_lookup (self->notifications, id);
}

/* Signing in once per pod and account per session */

static char *
pod_key (const char *address,
         const char *username)
{
  g_autofree char *normal = gpm_pod_normalize_address (address, NULL);
  g_autofree char *user = g_utf8_casefold (username, -1);

  return normal != NULL ? g_strdup_printf ("%s\t%s", normal, g_strstrip (user)) : NULL;
}

void
gpm_application_remember_pod (GpmApplication *self,
                              GpmPod         *pod)
{
  g_autofree char *username = NULL;
  g_autofree char *key = NULL;

  g_return_if_fail (GPM_IS_APPLICATION (self));
  g_return_if_fail (GPM_IS_POD (pod));

  username = gpm_pod_dup_username (pod);
  if (username == NULL)
    return;
  key = pod_key (gpm_pod_get_address (pod), username);
  if (key != NULL)
    g_hash_table_replace (self->pods, g_steal_pointer (&key), g_object_ref (pod));
}

GpmPod *
gpm_application_lookup_pod (GpmApplication *self,
                            const char     *address,
                            const char     *username)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (GPM_IS_APPLICATION (self), NULL);

  if (address == NULL || *address == '\0' || username == NULL || *username == '\0')
    return NULL;
  key = pod_key (address, username);
  return key != NULL ? g_hash_table_lookup (self->pods, key) : NULL;
}

void
gpm_application_forget_pods (GpmApplication *self)
{
  g_return_if_fail (GPM_IS_APPLICATION (self));
  g_hash_table_remove_all (self->pods);
}

static void
gpm_application_finalize (GObject *object)
{
  GpmApplication *self = GPM_APPLICATION (object);

  g_hash_table_unref (self->notifications);
  g_hash_table_unref (self->pods);
  G_OBJECT_CLASS (gpm_application_parent_class)->finalize (object);
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
