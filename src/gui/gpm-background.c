/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-background"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gpm-background.h"

#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH     "/org/freedesktop/portal/desktop"

gboolean
gpm_background_in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

char *
gpm_background_dup_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

/* An Exec argument as the Desktop Entry spec quotes it. */
static char *
desktop_quote (const char *arg)
{
  GString *s;

  if (strpbrk (arg, " \t\n\"'\\><~|&;$*?#()`=%") == NULL)
    return g_strdup (arg);
  s = g_string_new ("\"");
  for (const char *p = arg; *p != '\0'; p++)
    {
      if (strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (s, '\\');
      if (*p == '%')
        g_string_append_c (s, '%');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

gboolean
gpm_background_write_autostart (gboolean   autostart,
                                GError   **error)
{
  g_autofree char *path = gpm_background_dup_autostart_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GKeyFile) file = NULL;
  g_autofree char *program = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *exec = NULL;

  if (!autostart)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not remove %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }

  /* This very program (an installed one, or the uninstalled build the
   * README runs), so what starts at login is what is running now. */
  program = g_file_read_link ("/proc/self/exe", NULL);
  if (program == NULL)
    program = g_strdup ("gplus-migrate");
  quoted = desktop_quote (program);
  exec = g_strdup_printf ("%s --resume", quoted);

  file = g_key_file_new ();
  g_key_file_set_string (file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, "Application");
  g_key_file_set_string (file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, _("GPlus Migrate"));
  g_key_file_set_string (file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Goes on moving your Google+ posts to your pod"));
  g_key_file_set_string (file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_string (file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
  g_key_file_set_boolean (file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (file, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  return g_key_file_save_to_file (file, path, error);
}

/* The portal */

typedef struct {
  GDBusConnection *bus;
  guint            response_id;
  gboolean         autostart;
  gboolean         returned;   /* the task has its result */
} Request;

static void
request_free (Request *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_clear_object (&request->bus);
  g_free (request);
}

static void
fall_back (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;

  request->returned = TRUE;
  if (!gpm_background_write_autostart (request->autostart, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, GPM_BACKGROUND_AUTOSTART_FILE);
}

static void
response_cb (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  /* held here: unsubscribing drops the subscription's reference */
  g_autoptr(GTask) task = g_object_ref (user_data);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  guint32 response = 2;
  gboolean background = FALSE;
  gboolean autostart = FALSE;

  g_dbus_connection_signal_unsubscribe (bus, request->response_id);
  request->response_id = 0;
  if (request->returned)
    return;
  request->returned = TRUE;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &background);
  g_variant_lookup (results, "autostart", "b", &autostart);
  g_debug ("Background portal: response %u, background %d, autostart %d", response, background, autostart);
  if (response != 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             _("Running in the background was not allowed"));
  else
    g_task_return_int (task, GPM_BACKGROUND_PORTAL);
}

static void
request_background_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      /* No portal (ServiceUnknown), or one without the Background interface */
      g_debug ("Background portal not available: %s", error->message);
      if (request->response_id != 0)
        {
          g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
          request->response_id = 0;
        }
      if (!request->returned)
        fall_back (task);
    }
  /* else the answer comes as the request's Response signal */
}

void
gpm_background_request_async (GDBusConnection     *bus,
                              gboolean             use_portal,
                              const char          *parent_window,
                              gboolean             autostart,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *handle = NULL;
  g_autoptr(GVariantBuilder) options = NULL;
  const char *commandline[] = { "gplus-migrate", "--resume", NULL };

  g_task_set_source_tag (task, gpm_background_request_async);
  request->autostart = autostart;
  request->bus = bus != NULL ? g_object_ref (bus) : NULL;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (!use_portal || bus == NULL)
    {
      fall_back (task);
      return;
    }

  /* The request's object path is known before the call
   * (org.freedesktop.portal.Request): subscribe first, so the answer cannot
   * come before the subscription. */
  token = g_strdup_printf ("gplus_migrate_%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (bus) + 1);
  g_strdelimit (sender, ".", '_');
  handle = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  request->response_id = g_dbus_connection_signal_subscribe (bus, PORTAL_BUS_NAME, "org.freedesktop.portal.Request",
                                                             "Response", handle, NULL,
                                                             G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE, response_cb,
                                                             g_object_ref (task), g_object_unref);

  options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (options, "{sv}", "reason",
                         g_variant_new_string (_("Your posts go on moving to your pod while the window is closed.")));
  g_variant_builder_add (options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (bus, PORTAL_BUS_NAME, PORTAL_PATH, "org.freedesktop.portal.Background",
                          "RequestBackground",
                          g_variant_new ("(sa{sv})", parent_window ? parent_window : "", options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          request_background_cb, g_object_ref (task));
}

gboolean
gpm_background_request_finish (GAsyncResult        *result,
                               GpmBackgroundMethod *method,
                               GError             **error)
{
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;
  if (method != NULL)
    *method = (GpmBackgroundMethod) value;
  return TRUE;
}

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GpmBackgroundMethod method;

  if (!gpm_background_request_finish (result, &method, &error))
    g_message ("Running in the background: %s", error->message);
  else
    g_debug ("Running in the background through %s",
             method == GPM_BACKGROUND_PORTAL ? "the portal" : "the autostart file");
}

void
gpm_background_request (gboolean autostart)
{
  GApplication *app = g_application_get_default ();
  GDBusConnection *bus = app != NULL ? g_application_get_dbus_connection (app) : NULL;

  gpm_background_request_async (bus, gpm_background_in_flatpak (), "", autostart, NULL, request_done_cb, NULL);
}
