/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-screenshots: drives the real app classes under Xvfb through every page
 * and grabs the screen with ImageMagick's `import` after each step. Not a
 * test; build-aux/screenshots.sh runs it.
 *
 * Usage: gpm-screenshots OUTDIR TAKEOUT [BIG_TAKEOUT [BAD_TAKEOUT]] */
#define G_LOG_DOMAIN "gpm-screenshots"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "gpm-application.h"
#include "gpm-migrate-page-private.h"
#include "gpm-preferences-window.h"
#include "gpm-help-window.h"
#include "gpm-sign-in-dialog.h"
#include "gpm-test-gui-util.h"
#include "gpm-test-pod.h"

static const char *outdir;

static gboolean
true_cond (gpointer data)
{
  return FALSE;
}

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
shot (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", outdir, name);
  const char *argv[] = { "import", "-window", "root", path, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  settle (600);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error))
    g_error ("import: %s", error->message);
  g_print ("%s\n", path);
}

/* Crop the root-window grab to the window (no window manager: it sits at 0,0). */
static void
shot_sized (const char *name,
            int         width,
            int         height)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", outdir, name);
  g_autofree char *geometry = g_strdup_printf ("%dx%d+0+0", width, height);
  const char *argv[] = { "import", "-window", "root", "-crop", geometry, "+repage", path, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  settle (700);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error))
    g_error ("import: %s", error->message);
  g_print ("%s\n", path);
}

static gboolean
is_page (gpointer data)
{
  return g_strcmp0 (gpm_window_get_page (data), g_object_get_data (data, "want")) == 0;
}

static void
wait_page (GpmWindow  *window,
           const char *page)
{
  g_object_set_data (G_OBJECT (window), "want", (gpointer) page);
  gpm_test_gui_wait (is_page, window, 60);
}

static gboolean
has_posted (gpointer data)
{
  GpmMigrator *migrator = gpm_migrate_page_get_migrator (data);
  return migrator != NULL && gpm_migrator_get_n_done (migrator) >= 3;
}

static GpmWindow *
new_window (int width,
            int height)
{
  GpmWindow *window = gpm_window_new (gpm_test_gui_get_app ());

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  settle (300);
  return window;
}

static void
keep_pod_cb (GpmSignInDialog *dialog,
             GpmPod          *pod,
             GpmPod         **out)
{
  g_set_object (out, pod);
}

static gboolean
stack_settled (gpointer data)
{
  GtkWidget *stack = gtk_widget_get_ancestor (data, GTK_TYPE_STACK);
  return stack == NULL || !gtk_stack_get_transition_running (GTK_STACK (stack));
}

/* Waits until the stack holding @page has finished its crossfade to it: a
 * shot taken during it shows both pages. */
static void
wait_stack_settled (GtkWidget *page)
{
  gpm_test_gui_wait (stack_settled, page, 30);
}

static void
preview_loaded_cb (GpmPreview *preview,
                   gpointer    data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Opens @path and waits until the first post's preview has loaded: the
 * render thread starts with the window, and a shot taken before it is done
 * shows an empty preview. */
static void
open_takeout (GpmWindow  *window,
              const char *path)
{
  const char *paths[] = { path, NULL };
  GpmPreview *preview = gpm_window_get_preview (window);
  gboolean loaded = FALSE;
  gulong id = g_signal_connect (preview, "loaded", G_CALLBACK (preview_loaded_cb), &loaded);

  gpm_test_gui_drop_paths (window, paths);
  gpm_test_gui_wait_review (window);
  gpm_test_gui_wait_list (window);
  gpm_test_gui_wait (flag_is_set, &loaded, 30);
  g_signal_handler_disconnect (preview, id);
}

static void
select_post_with (GpmWindow  *window,
                  const char *text)
{
  GListModel *model = gpm_post_list_get_model (gpm_window_get_post_list (window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GpmPost) post = g_list_model_get_item (model, i);

      if (strstr (gpm_post_get_content (post), text) != NULL)
        {
          gpm_post_list_select_position (gpm_window_get_post_list (window), i);
          return;
        }
    }
}

/* The background notification (issue 17), as a desktop shows it: the
 * notification daemon @daemon (build-aux/screenshots.sh finds one; Xvfb has
 * none) on this session bus, GLib's org.freedesktop.Notifications backend
 * (no portal, no org.gtk.Notifications here) sending it. */
static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
notifier_ready (gpointer bus)
{
  return name_has_owner (bus, "org.freedesktop.Notifications");
}

typedef struct {
  int x, y, width, height;
} Box;

/* The daemon's biggest window on screen: the notification's bubble
 * (`xwininfo -root -tree` names each window's class) */
static gboolean
find_bubble (gpointer data)
{
  Box *box = data;
  const char *argv[] = { "xwininfo", "-root", "-tree", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("\"[Nn]otification-daemon\"\\)\\s+(\\d+)x(\\d+)\\+(-?\\d+)\\+(-?\\d+)",
                                         0, 0, NULL);

  box->width = box->height = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return FALSE;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (regex, lines[i], 0, &match))
        {
          g_autofree char *w = g_match_info_fetch (match, 1);
          g_autofree char *h = g_match_info_fetch (match, 2);
          g_autofree char *x = g_match_info_fetch (match, 3);
          g_autofree char *y = g_match_info_fetch (match, 4);

          if (atoi (w) * atoi (h) > box->width * box->height)
            *box = (Box) { atoi (x), atoi (y), atoi (w), atoi (h) };
        }
    }
  /* (the daemon's own small windows are not a notification) */
  return box->width > 100 && box->height > 50;
}

static gboolean
posted_one (gpointer page)
{
  GpmMigrator *migrator = gpm_migrate_page_get_migrator (page);

  return migrator != NULL && gpm_migrator_get_n_done (migrator) >= 1 &&
         *gpm_migrate_page_get_waiting (page) != '\0';
}

static gboolean
notification_sent (gpointer id)
{
  return gpm_application_get_notification (gpm_test_gui_get_app (), id) != NULL;
}

static void
shot_notification (const char *daemon,
                   GpmTestPod *pod,
                   const char *takeout)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GSubprocess) notifier = NULL;
  g_autoptr(GpmPod) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = g_strdup_printf ("%s/notification.png", outdir);
  g_autofree char *geometry = NULL;
  GpmMigratePage *page;
  GpmWindow *window;
  Box box = { 0 };
  int status;

  if (bus == NULL)
    return;
  notifier = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, daemon, NULL);
  if (notifier == NULL || !gpm_test_gui_wait (notifier_ready, bus, 30))
    {
      g_printerr ("no notification shot: %s does not serve org.freedesktop.Notifications%s%s\n", daemon,
                  error ? ": " : "", error ? error->message : "");
      return;
    }

  /* A second account on the pod double: a journal of its own, so the run
   * has posts to send */
  gpm_test_pod_add_user (pod, "bea", "bea password", NULL);
  client = gpm_pod_new (gpm_test_pod_get_url (pod), &error);
  if (client == NULL || !gpm_pod_sign_in_password (client, "bea", "bea password", NULL, NULL, &error))
    g_error ("sign-in: %s", error->message);
  /* as a pod is named (not "127.0.0.1:PORT") */
  gpm_pod_set_display_name (client, "pod.example");

  window = new_window (1100, 720);
  open_takeout (window, takeout);
  gpm_window_show_migration (window, client);
  page = gpm_window_get_migrate_page (window);
  wait_page (window, "migrate");
  gpm_test_gui_wait (gpm_test_gui_statement_ready, page, 30);
  /* The default pace: the first post, then the wait before the next */
  gpm_migrate_page_set_delay (page, GPM_MIGRATOR_DEFAULT_DELAY);
  gpm_migrate_page_start (page);
  gpm_test_gui_wait (posted_one, page, 60);

  /* Closed: the run goes on, the notification says how far it is */
  gtk_window_close (GTK_WINDOW (window));
  id = g_strdup_printf ("gpm-progress-%u", gtk_application_window_get_id (GTK_APPLICATION_WINDOW (window)));
  gpm_test_gui_wait (notification_sent, id, 30);
  if (!gpm_test_gui_wait (find_bubble, &box, 30))
    g_error ("the notification did not appear");
  settle (1000);
  find_bubble (&box);

  /* The bubble alone; its rounded corners show the bare root window
   * around them, made transparent */
  geometry = g_strdup_printf ("%dx%d%+d%+d", box.width, box.height, box.x, box.y);
  {
    g_autofree char *right = g_strdup_printf ("color %d,0 floodfill", box.width - 1);
    g_autofree char *bottom = g_strdup_printf ("color 0,%d floodfill", box.height - 1);
    g_autofree char *corner = g_strdup_printf ("color %d,%d floodfill", box.width - 1, box.height - 1);
    const char *grab[] = { "import", "-window", "root", "-crop", geometry, "+repage", path, NULL };
    const char *corners[] = { "convert", path, "-alpha", "set", "-fill", "none", "-fuzz", "2%",
                              "-draw", "color 0,0 floodfill", "-draw", right, "-draw", bottom, "-draw", corner,
                              path, NULL };

    if (!g_spawn_sync (NULL, (char **) grab, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error) ||
        !g_spawn_sync (NULL, (char **) corners, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error))
      g_error ("import: %s", error->message);
  }
  g_print ("%s (%s)\n", path, gpm_application_get_notification (gpm_test_gui_get_app (), id));

  gpm_migrate_page_stop (page);
  gpm_test_gui_wait (gpm_test_gui_run_ended, page, 60);
  if (g_list_find (gtk_application_get_windows (GTK_APPLICATION (gpm_test_gui_get_app ())), window) != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_subprocess_force_exit (notifier);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("gpm-shots-XXXXXX", NULL);
  g_autoptr(GpmTestPod) pod = NULL;
  GpmWindow *window;
  GtkWindow *other;
  GpmSignInDialog *dialog;
  GpmMigratePage *page;
  GpmPod *signed_in = NULL;
  const char *takeout;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* Translated screenshots: LANGUAGE=de GPM_LOCALEDIR=BUILDDIR/po (the
   * catalogues meson builds) or an installed LOCALEDIR. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("GPM_LOCALEDIR") ? g_getenv ("GPM_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  if (argc < 3)
    {
      g_printerr ("usage: gpm-screenshots OUTDIR TAKEOUT [BIG_TAKEOUT]\n");
      return 2;
    }
  outdir = argv[1];
  takeout = argv[2];

  if (!gpm_test_gui_init (&argc, &argv))
    return 1;
  (void) true_cond;

  /* Welcome, normal and narrow */
  window = new_window (1100, 720);
  shot_sized ("welcome", 1100, 720);
  gtk_window_destroy (GTK_WINDOW (window));
  window = new_window (400, 720);
  shot_sized ("welcome-narrow", 400, 720);
  gtk_window_destroy (GTK_WINDOW (window));

  /* Import progress on a big takeout */
  if (argc > 3)
    {
      const char *paths[] = { argv[3], NULL };

      window = new_window (1100, 720);
      gpm_test_gui_drop_paths (window, paths);
      settle (150);
      shot_sized ("import", 1100, 720);
      gpm_test_gui_wait_review (window);
      gtk_window_destroy (GTK_WINDOW (window));
    }

  /* A takeout with unreadable files: the problems bar and the details */
  if (argc > 4)
    {
      window = new_window (1100, 720);
      open_takeout (window, argv[4]);
      shot_sized ("review-problems", 1100, 720);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-problems", NULL);
      shot ("problems");
      gtk_window_destroy (GTK_WINDOW (window));
    }

  /* Review */
  window = new_window (1100, 720);
  open_takeout (window, takeout);
  select_post_with (window, "1 WTC");
  shot_sized ("review", 1100, 720);
  gpm_preview_set_mode (gpm_window_get_preview (window), GPM_PREVIEW_ORIGINAL);
  shot_sized ("review-original", 1100, 720);
  gpm_preview_set_mode (gpm_window_get_preview (window), GPM_PREVIEW_DIASPORA);
  select_post_with (window, "Poll time");
  shot_sized ("review-poll", 1100, 720);

  /* Dark style */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  select_post_with (window, "1 WTC");
  shot_sized ("review-dark", 1100, 720);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  select_post_with (window, "Poll time");

  /* Help, preferences, shortcuts */
  other = GTK_WINDOW (gpm_help_window_new (GTK_WINDOW (window)));
  gtk_window_present (other);
  shot ("help");
  gtk_window_destroy (other);
  other = GTK_WINDOW (gpm_preferences_window_new (GTK_WINDOW (window)));
  gtk_window_present (other);
  shot ("preferences");
  gtk_window_destroy (other);
  other = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) ?
          GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))) : NULL;
  if (other != NULL)
    {
      gtk_window_present (other);
      shot ("shortcuts");
      gtk_widget_set_visible (GTK_WIDGET (other), FALSE);
    }

  /* Sign in and migrate against a local pod double */
  pod = gpm_test_pod_new (0, NULL);
  gpm_test_pod_add_user (pod, "alice", "correct horse", NULL);
  gpm_test_pod_add_aspect (pod, "alice", "Family");
  gpm_test_pod_add_aspect (pod, "alice", "Climbing friends");
  gpm_test_pod_set_api_enabled (pod, FALSE);

  /* (the group's title in the screenshots' language) */
  gpm_scope_node_set_active (gpm_scope_tree_find (gpm_scope_sidebar_get_roots (gpm_window_get_sidebar (window)), _("Circles")), TRUE);
  gpm_test_gui_wait_list (window);

  dialog = gpm_sign_in_dialog_new (GTK_WINDOW (window));
  g_signal_connect_swapped (dialog, "signed-in", G_CALLBACK (gpm_window_show_migration), window);
  g_signal_connect (dialog, "signed-in", G_CALLBACK (keep_pod_cb), &signed_in);
  gpm_sign_in_dialog_set_can_open_browser (dialog, FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
  gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (pod));
  gpm_sign_in_dialog_set_username (dialog, "alice");
  shot ("sign-in");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  gpm_sign_in_dialog_set_password (dialog, "correct horse");
  shot ("sign-in-password");
  gpm_sign_in_dialog_continue (dialog);
  wait_page (window, "migrate");

  page = gpm_window_get_migrate_page (window);
  gpm_test_gui_wait (gpm_test_gui_statement_ready, page, 30);
  wait_stack_settled (GTK_WIDGET (page));
  shot_sized ("migrate", 1100, 720);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wait_stack_settled (GTK_WIDGET (page));
  shot_sized ("migrate-dark", 1100, 720);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gpm_migrate_page_set_delay (page, 1);
  gpm_migrate_page_start (page);
  gpm_test_gui_wait (has_posted, page, 60);
  shot_sized ("migrate-progress", 1100, 720);
  gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120);
  shot_sized ("migrate-done", 1100, 720);
  g_signal_emit_by_name (page, "close");
  wait_stack_settled (GTK_WIDGET (gpm_window_get_post_list (window)));
  shot_sized ("review-after-migration", 1100, 720);
  gtk_window_destroy (GTK_WINDOW (window));

  /* Narrow review: audiences, posts, preview */
  window = new_window (400, 720);
  open_takeout (window, takeout);
  shot_sized ("review-narrow-posts", 400, 720);
  select_post_with (window, "1 WTC");
  g_signal_emit_by_name (gpm_window_get_post_list (window), "activate",
                         gpm_post_list_get_selected_post (gpm_window_get_post_list (window)));
  shot_sized ("review-narrow-preview", 400, 720);
  gpm_window_show_pane (window, "sidebar");
  shot_sized ("review-narrow-audiences", 400, 720);

  /* Narrow plan, with the same circles ticked */
  gpm_scope_node_set_active (gpm_scope_tree_find (gpm_scope_sidebar_get_roots (gpm_window_get_sidebar (window)), _("Circles")), TRUE);
  gpm_test_gui_wait_list (window);
  gpm_window_show_migration (window, signed_in);
  page = gpm_window_get_migrate_page (window);
  gpm_test_gui_wait (gpm_test_gui_statement_ready, page, 30);
  wait_stack_settled (GTK_WIDGET (page));
  shot_sized ("migrate-narrow", 400, 720);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wait_stack_settled (GTK_WIDGET (page));
  shot_sized ("migrate-narrow-dark", 400, 720);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&signed_in);

  /* Last: the daemon's bubbles would sit on the other shots */
  if (g_getenv ("GPM_NOTIFICATION_DAEMON") != NULL)
    shot_notification (g_getenv ("GPM_NOTIFICATION_DAEMON"), pod, takeout);

  return 0;
}
