/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-test-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "gpm-test-gui-util.h"
#include "gpm-renderer.h"
#include "gpm-migrate-page-private.h"
#include "gpm-sign-in-dialog.h"
#include "gpm-background.h"
#include "gpm-secrets.h"

static GpmApplication *app;
static guint threads_at_start;
static guint threads_at_renderer_choice;
static gboolean gtk_ready_at_renderer_choice;

/* Threads of this process now (Linux) */
static guint
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

void
gpm_test_gui_get_renderer_choice (guint    *out_threads_at_start,
                                  guint    *out_threads_at_choice,
                                  gboolean *out_gtk_ready)
{
  *out_threads_at_start = threads_at_start;
  *out_threads_at_choice = threads_at_renderer_choice;
  *out_gtk_ready = gtk_ready_at_renderer_choice;
}

/* GTK 4.8 warns when a text entry loses focus to another toplevel without a
 * window manager (Xvfb): not a fault of the code under test. Every other
 * warning stays fatal. */
static gboolean
fatal_log_handler (const char     *log_domain,
                   GLogLevelFlags  log_level,
                   const char     *message,
                   gpointer        user_data)
{
  if (g_strcmp0 (log_domain, "Gtk") == 0 && (log_level & G_LOG_LEVEL_WARNING) &&
      strstr (message, "did not receive a focus-out event") != NULL)
    return FALSE;

  return TRUE;
}

gboolean
gpm_test_gui_init (int    *argc,
                   char ***argv)
{
  g_autoptr(GError) error = NULL;

  /* As the app does (src/main.c), before any thread */
  threads_at_start = count_threads ();
  gpm_takeout_setup_process (GPM_MALLOC_ARENAS_LEAN);
  gpm_renderer_choose ();
  threads_at_renderer_choice = count_threads ();
  gtk_ready_at_renderer_choice = gtk_is_initialized ();
  if (!gtk_init_check ())
    {
      gpm_renderer_choose_done ();
      return FALSE;
    }
  gpm_renderer_choose_done ();

  g_test_log_set_fatal_handler (fatal_log_handler, NULL);

  /* The main thread owns the main context for the whole run, as it does
   * inside g_application_run(): g_main_context_invoke() from a worker
   * thread then queues its callback instead of running it in the worker. */
  g_main_context_acquire (NULL);
  adw_init ();

  app = gpm_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("cannot register the application: %s", error->message);

  return TRUE;
}

GpmApplication *
gpm_test_gui_get_app (void)
{
  return app;
}

void
gpm_test_gui_reset_settings (void)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  g_settings_sync ();
}

typedef struct {
  char      *path;
  GTestFunc  func;
} CleanTest;

static GPtrArray *clean_tests;  /* CleanTest*, as added */

static void
clean_test_free (CleanTest *test)
{
  g_free (test->path);
  g_free (test);
}

/* Whether @path is in the temporary folder, where the UI test programs
 * (and tests/run-isolated.sh) put XDG_DATA_HOME and XDG_CONFIG_HOME: never
 * the developer's own. */
static gboolean
in_tmp_dir (const char *path)
{
  g_autofree char *tmp = g_canonicalize_filename (g_get_tmp_dir (), NULL);
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);

  return g_str_has_prefix (canonical, tmp) && canonical[strlen (tmp)] == G_DIR_SEPARATOR;
}

void
gpm_test_gui_reset_user_files (void)
{
  g_autofree char *journals = g_build_filename (g_get_user_data_dir (), "gplus-migrate", NULL);
  g_autofree char *autostart = gpm_background_dup_autostart_path ();

  /* The journals and remembered accounts: each UI test program sets its own
   * XDG_DATA_HOME. The autostart file: in a test's XDG_CONFIG_HOME (under
   * meson test always), never the developer's. */
  g_assert_true (in_tmp_dir (journals));
  gpm_test_rm_rf (journals);
  if (in_tmp_dir (autostart))
    g_remove (autostart);

  /* The keyring only when it is run-with-keyring.sh's throw-away one: every
   * item of the app's schema */
  if (g_getenv ("GPM_KEYRING_SESSION") != NULL)
    {
      g_autoptr(GHashTable) any = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GError) error = NULL;

      secret_password_clearv_sync (gpm_secrets_get_schema (), any, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
run_clean_test (gconstpointer data)
{
  const CleanTest *test = data;

  gpm_test_gui_reset_settings ();
  gpm_test_gui_reset_user_files ();
  test->func ();
}

void
gpm_test_gui_add_func (const char *testpath,
                       GTestFunc   test_func)
{
  CleanTest *test = g_new0 (CleanTest, 1);

  test->path = g_strdup (testpath);
  test->func = test_func;
  if (clean_tests == NULL)
    clean_tests = g_ptr_array_new ();
  g_ptr_array_add (clean_tests, test);
}

int
gpm_test_gui_run (void)
{
  guint n = clean_tests != NULL ? clean_tests->len : 0;

  /* GTest runs tests in the order they were added: shuffled first
   * (Fisher-Yates, by g_test_rand_int_range(), which --seed sets) */
  if (g_getenv ("GPM_TEST_GUI_SHUFFLE") != NULL)
    for (guint i = n; i > 1; i--)
      {
        guint j = (guint) g_test_rand_int_range (0, (gint32) i);
        gpointer swap = clean_tests->pdata[i - 1];

        clean_tests->pdata[i - 1] = clean_tests->pdata[j];
        clean_tests->pdata[j] = swap;
      }
  for (guint i = 0; i < n; i++)
    {
      CleanTest *test = g_ptr_array_index (clean_tests, i);

      g_test_add_data_func_full (test->path, test, run_clean_test, (GDestroyNotify) clean_test_free);
    }
  g_clear_pointer (&clean_tests, g_ptr_array_unref);
  return g_test_run ();
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
gpm_test_gui_wait (GpmTestCond cond,
                   gpointer    data,
                   guint       max_seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (max_seconds, timeout_cb, &timed_out);
  gboolean result;

  while (!(result = cond (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return result;
}

void
gpm_test_gui_write_takeout (const char            *dir,
                            const GpmTestPostFile *posts,
                            guint                  n_posts)
{
  g_autofree char *posts_dir = g_build_filename (dir, "Takeout", "Google+ Stream", "Posts", NULL);

  g_assert_cmpint (g_mkdir_with_parents (posts_dir, 0700), ==, 0);
  for (guint i = 0; i < n_posts; i++)
    {
      g_autofree char *path = g_build_filename (posts_dir, posts[i].file, NULL);
      g_autoptr(GError) error = NULL;

      g_file_set_contents (path, posts[i].json, -1, &error);
      g_assert_no_error (error);
    }
}

static GpmTestGuiPodTakeout *
takeout_new (const char            *tmp_template,
             const GpmTestPostFile *posts,
             guint                  n_posts)
{
  GpmTestGuiPodTakeout *fixture = g_new0 (GpmTestGuiPodTakeout, 1);
  g_autoptr(GError) error = NULL;

  fixture->tmp = g_dir_make_tmp (tmp_template, &error);
  g_assert_no_error (error);
  fixture->takeout = g_build_filename (fixture->tmp, "Takeout", NULL);
  fixture->paths[0] = fixture->takeout;
  if (posts != NULL)
    gpm_test_gui_write_takeout (fixture->tmp, posts, n_posts);
  return fixture;
}

GpmTestGuiPodTakeout *
gpm_test_gui_takeout_new (const char            *tmp_template,
                          const GpmTestPostFile *posts,
                          guint                  n_posts)
{
  return takeout_new (tmp_template, posts, n_posts);
}

GpmTestGuiPodTakeout *
gpm_test_gui_pod_takeout_new (const char            *tmp_template,
                              const GpmTestPostFile *posts,
                              guint                  n_posts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) pod = gpm_test_pod_new (0, &error);
  GpmTestGuiPodTakeout *fixture;

  g_assert_no_error (error);
  fixture = takeout_new (tmp_template, posts, n_posts);
  fixture->pod = g_steal_pointer (&pod);
  return fixture;
}

void
gpm_test_gui_pod_takeout_free (GpmTestGuiPodTakeout *fixture)
{
  g_clear_object (&fixture->pod);
  gpm_test_rm_rf (fixture->tmp);
  g_free (fixture->takeout);
  g_free (fixture->tmp);
  g_free (fixture);
}

gboolean
gpm_test_gui_drop_paths (GpmWindow          *window,
                         const char * const *paths)
{
  GSList *files = NULL;
  GdkFileList *list;
  GValue value = G_VALUE_INIT;
  gboolean result;

  for (guint i = 0; paths[i] != NULL; i++)
    files = g_slist_append (files, g_file_new_for_path (paths[i]));

  list = gdk_file_list_new_from_list (files);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, list);

  result = gpm_window_handle_drop (window, &value);

  g_value_unset (&value);
  g_slist_free_full (files, g_object_unref);
  return result;
}

static gboolean
import_done (gpointer data)
{
  GpmWindow *window = data;
  const char *page = gpm_window_get_page (window);

  /* The review page shows the first posts while the rest is read */
  return g_strcmp0 (page, "import") != 0 && !gpm_window_is_loading (window);
}

gboolean
gpm_test_gui_wait_review (GpmWindow *window)
{
  gpm_test_gui_wait (import_done, window, 60);
  return g_strcmp0 (gpm_window_get_page (window), "review") == 0;
}

static gboolean
list_ready (gpointer data)
{
  GpmWindow *window = data;

  return gpm_scope_sidebar_is_settled (gpm_window_get_sidebar (window)) &&
         !gpm_post_list_is_filtering (gpm_window_get_post_list (window));
}

void
gpm_test_gui_wait_list (GpmWindow *window)
{
  gpm_test_gui_wait (list_ready, window, 30);
}

void
gpm_test_gui_open (GpmWindow          *window,
                   const char * const *paths)
{
  g_assert_true (gpm_test_gui_drop_paths (window, paths));
  g_assert_true (gpm_test_gui_wait_review (window));
  gpm_test_gui_wait_list (window);
}

void
gpm_test_gui_open_everything (GpmWindow          *window,
                              const char * const *paths)
{
  gpm_test_gui_open (window, paths);
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);
}

GpmSignInDialog *
gpm_test_gui_open_sign_in (GpmWindow *window)
{
  GpmSignInDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.migrate", NULL);
  dialog = gpm_test_gui_find_sign_in_dialog ();
  g_assert_nonnull (dialog);
  gpm_sign_in_dialog_set_can_open_browser (dialog, FALSE);
  return dialog;
}

static gboolean
dialog_at_step (gpointer dialog)
{
  return g_str_equal (gpm_sign_in_dialog_get_step (dialog), g_object_get_data (G_OBJECT (dialog), "gpm-test-want"));
}

void
gpm_test_gui_wait_sign_in_step (GpmSignInDialog *dialog,
                                const char      *step)
{
  g_object_set_data (G_OBJECT (dialog), "gpm-test-want", (gpointer) step);
  if (!gpm_test_gui_wait (dialog_at_step, dialog, 60))
    g_error ("sign-in dialog at step %s (message: %s), expected %s",
             gpm_sign_in_dialog_get_step (dialog), gpm_sign_in_dialog_get_message (dialog), step);
}

gboolean
gpm_test_gui_on_migrate_page (gpointer window)
{
  return g_strcmp0 (gpm_window_get_page (window), "migrate") == 0;
}

gboolean
gpm_test_gui_run_ended (gpointer page)
{
  const char *status = gpm_migrate_page_get_status (page);

  return g_str_equal (status, "done") || g_str_equal (status, "stopped");
}

void
gpm_test_gui_set_language (const char *language)
{
  const char *messages = setlocale (LC_MESSAGES, NULL);

  /* glibc reads LANGUAGE at each lookup, but not under the "C" locale
   * (the tests' own: meson test runs them without LANG) */
  if (messages == NULL || strcmp (messages, "C") == 0 || strcmp (messages, "POSIX") == 0)
    g_assert_nonnull (setlocale (LC_MESSAGES, "C.UTF-8"));
  g_setenv ("LANGUAGE", language, TRUE);
  /* as gpm_i18n_init() binds it, to the catalogs of this build */
  bindtextdomain (GETTEXT_PACKAGE, GPM_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

void
gpm_test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        gpm_test_rm_rf (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

gboolean
gpm_test_gui_statement_ready (gpointer page)
{
  /* (or all on the pod: it may name no aspect) */
  return strstr (gpm_migrate_page_get_statement (page), "aspect") != NULL || gpm_migrate_page_is_all_on_pod (page);
}

GtkWindow *
gpm_test_gui_find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

GpmSignInDialog *
gpm_test_gui_find_sign_in_dialog (void)
{
  return (GpmSignInDialog *) gpm_test_gui_find_toplevel (GPM_TYPE_SIGN_IN_DIALOG);
}

GtkWidget *
gpm_test_gui_find_widget (GtkWidget          *widget,
                          gboolean            shown_only,
                          GpmTestWidgetMatch  match,
                          gpointer            data)
{
  if (shown_only && !gtk_widget_get_visible (widget))
    return NULL;
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gpm_test_gui_find_widget (child, shown_only, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
gpm_test_gui_widget_is_type (GtkWidget *widget,
                             gpointer   type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

gboolean
gpm_test_gui_widget_has_text (GtkWidget *widget,
                              gpointer   text)
{
  const char *label = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *seen = NULL;

  if (GTK_IS_LABEL (widget))
    label = gtk_label_get_label (GTK_LABEL (widget));
  else if (GTK_IS_BUTTON (widget))
    label = gtk_button_get_label (GTK_BUTTON (widget));
  if (label == NULL)
    return FALSE;
  /* as it reads: without the zero-width spaces where a name may break
   * (gpm_gui_label_keep_name()) */
  parts = g_strsplit (label, "\u200b", -1);
  seen = g_strjoinv ("", parts);
  return strstr (seen, text) != NULL;
}

GpmPost *
gpm_test_gui_post_with (GpmWindow  *window,
                        const char *content)
{
  GPtrArray *all = gpm_import_get_posts (gpm_window_get_import (window));

  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (gpm_post_get_content (g_ptr_array_index (all, i)), content))
      return g_ptr_array_index (all, i);
  g_assert_not_reached ();
}

static void
collect_mnemonics (GtkWidget  *widget,
                   GHashTable *seen,
                   const char *what)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    {
      guint keyval = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)));
      const char *text = gtk_label_get_label (GTK_LABEL (widget));
      const char *other;

      if (keyval != GDK_KEY_VoidSymbol)
        {
          other = g_hash_table_lookup (seen, GUINT_TO_POINTER (keyval));
          /* (one response twice: AdwMessageDialog keeps its buttons in a
           * row and in a column, and may map both) */
          if (other != NULL && !g_str_equal (other, text))
            {
              g_test_message ("LANGUAGE=%s, %s: “%s” and “%s” have the same mnemonic", g_getenv ("LANGUAGE"), what, other, text);
              g_test_fail_printf ("LANGUAGE=%s, %s: “%s” and “%s” have the same mnemonic", g_getenv ("LANGUAGE"), what, other, text);
            }
          g_hash_table_insert (seen, GUINT_TO_POINTER (keyval), (gpointer) text);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_mnemonics (child, seen, what);
}

void
gpm_test_gui_assert_mnemonics_unique (GtkWidget  *root,
                                      const char *what)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  collect_mnemonics (root, seen, what);
  g_test_message ("LANGUAGE=%s, %s: %u mnemonics", g_getenv ("LANGUAGE"), what, g_hash_table_size (seen));
}

void
gpm_test_gui_assert_labels_mnemonics_unique (const char * const *labels,
                                             const char         *what)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *text = g_dgettext (GETTEXT_PACKAGE, labels[i]);
      const char *mark = text;
      gunichar c;
      const char *other;

      /* the first '_' not doubled marks the next character */
      while ((mark = strchr (mark, '_')) != NULL && mark[1] == '_')
        mark += 2;
      g_assert_nonnull (mark);
      c = g_unichar_tolower (g_utf8_get_char (mark + 1));
      other = g_hash_table_lookup (seen, GUINT_TO_POINTER (c));
      if (other != NULL)
        {
          g_test_message ("LANGUAGE=%s, %s: “%s” and “%s” have the same mnemonic", g_getenv ("LANGUAGE"), what, other, text);
          g_test_fail_printf ("LANGUAGE=%s, %s: “%s” and “%s” have the same mnemonic", g_getenv ("LANGUAGE"), what, other, text);
        }
      g_hash_table_insert (seen, GUINT_TO_POINTER (c), (gpointer) text);
    }
}
