/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accessibility: what a screen reader and a keyboard user get, read the way
 * assistive technologies read it, over AT-SPI.
 *
 * GTK 4.8 has no API to read accessible properties back, so the test process
 * runs the app's windows (the code path of test-gui.c) and starts itself a
 * second time as a walker (`--atspi-walk`) that reads the accessibility tree
 * with libatspi, as Orca or Accerciser do, and presses Tab through the X
 * server (AT-SPI's keyboard event synthesis). The app process keeps running
 * its main loop meanwhile and records where GTK puts the focus.
 *
 * For every page (welcome, review, problems, sign-in, migrate, preferences,
 * help) the walk asserts that each control a user can act on or focus has a
 * name: non-empty, not GTK's fallback type name ("GtkLabel"), not doubled
 * ("_Migrate… Migrate…", GTK 4.8 adds a mnemonic label to the label it
 * computes), and that the audience check boxes say how many posts they hold.
 * The keyboard part asserts that Tab from the window reaches the main
 * controls and that every object that takes the focus is announced with a
 * name. A failure prints the role, the path in the tree and the GTK widget.
 *
 * Run under xvfb-run -a and tests/run-with-keyring.sh (a private session bus:
 * the accessibility bus is started by D-Bus activation, at-spi2-core). */
#define G_LOG_DOMAIN "test-a11y"

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <atspi/atspi.h>
#pragma GCC diagnostic pop
#include <string.h>

#include "gpm-help-window.h"
#include "gpm-preferences-window.h"
#include "gpm-problems-dialog.h"
#include "gpm-sign-in-dialog.h"
#include "gpm-test-gui-util.h"
#include "gpm-test-pod.h"

#define XK_Tab 0xff09

/* libatspi 2.46 declares no cleanup functions */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiAccessible, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiStateSet, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiEventListener, g_object_unref)

/* ------------------------------------------------------------------------ */
/* The walker (child process)                                               */
/* ------------------------------------------------------------------------ */

typedef struct {
  guint n_checked;
  guint n_failed;
} Walk;

/* GTK 4.8 answers the name of an unnamed object with its type name. */
static gboolean
name_is_missing (const char *name)
{
  g_autofree char *stripped = NULL;
  GRegex *type_name;
  gboolean result;

  if (name == NULL)
    return TRUE;
  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    return TRUE;

  type_name = g_regex_new ("^(Gtk|Adw|Gpm|WebKit)[A-Z][A-Za-z]*$", 0, 0, NULL);
  result = g_regex_match (type_name, stripped, 0, NULL);
  g_regex_unref (type_name);
  return result;
}

/* "_Migrate… Migrate…", "Seconds between two posts Seconds Between Two
 * Posts": the same words twice (a label and a labelled-by relation both
 * counted), read out twice by a screen reader. */
static gboolean
name_is_doubled (const char *name)
{
  g_autofree char *plain = NULL;
  g_autofree char *folded = NULL;
  gsize len;

  if (name == NULL)
    return FALSE;

  plain = g_strdup (name);
  {
    char *w = plain;
    for (const char *r = name; *r != '\0'; r++)
      if (*r != '_')
        *w++ = *r;
    *w = '\0';
  }
  folded = g_utf8_casefold (plain, -1);
  len = strlen (folded);
  if (len < 3 || len % 2 == 0)
    return FALSE;

  return folded[len / 2] == ' ' && strncmp (folded, folded + len / 2 + 1, len / 2) == 0;
}

/* Roles a user acts on: they need a name whether or not they are focusable. */
static gboolean
role_is_actionable (AtspiRole role)
{
  switch (role)
    {
    case ATSPI_ROLE_PUSH_BUTTON:
    case ATSPI_ROLE_TOGGLE_BUTTON:
    case ATSPI_ROLE_CHECK_BOX:
    case ATSPI_ROLE_RADIO_BUTTON:
    case ATSPI_ROLE_MENU_ITEM:
    case ATSPI_ROLE_CHECK_MENU_ITEM:
    case ATSPI_ROLE_RADIO_MENU_ITEM:
    case ATSPI_ROLE_COMBO_BOX:
    case ATSPI_ROLE_ENTRY:
    case ATSPI_ROLE_PASSWORD_TEXT:
    case ATSPI_ROLE_SPIN_BUTTON:
    case ATSPI_ROLE_SLIDER:
    case ATSPI_ROLE_LIST:
    case ATSPI_ROLE_LIST_BOX:
    case ATSPI_ROLE_LIST_ITEM:
    case ATSPI_ROLE_TREE:
    case ATSPI_ROLE_TREE_TABLE:
    case ATSPI_ROLE_TREE_ITEM:
    case ATSPI_ROLE_TABLE:
    case ATSPI_ROLE_TABLE_CELL:
    case ATSPI_ROLE_LINK:
    case ATSPI_ROLE_PAGE_TAB:
    case ATSPI_ROLE_MENU:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Focusable containers that never keep the focus themselves in GTK 4
 * (a scrolled window hands it to its child). */
static gboolean
role_is_focus_container (AtspiRole role)
{
  return role == ATSPI_ROLE_SCROLL_PANE || role == ATSPI_ROLE_FRAME ||
         role == ATSPI_ROLE_DIALOG || role == ATSPI_ROLE_WINDOW ||
         role == ATSPI_ROLE_APPLICATION;
}

static gboolean
labelled_by_named (AtspiAccessible *accessible)
{
  g_autoptr(GArray) relations = atspi_accessible_get_relation_set (accessible, NULL);
  gboolean result = FALSE;

  for (guint i = 0; relations != NULL && i < relations->len; i++)
    {
      AtspiRelation *relation = g_array_index (relations, AtspiRelation *, i);

      if (atspi_relation_get_relation_type (relation) == ATSPI_RELATION_LABELLED_BY)
        for (int t = 0; t < atspi_relation_get_n_targets (relation); t++)
          {
            g_autoptr(AtspiAccessible) target = atspi_relation_get_target (relation, t);
            g_autofree char *name = atspi_accessible_get_name (target, NULL);

            result |= !name_is_missing (name);
          }
      g_object_unref (relation);
    }

  return result;
}

static char *
node_label (AtspiAccessible *accessible)
{
  g_autofree char *role = atspi_accessible_get_role_name (accessible, NULL);
  g_autofree char *name = atspi_accessible_get_name (accessible, NULL);

  g_autofree char *shortened = NULL;

  if (name == NULL || *name == '\0')
    return g_strdup_printf ("%s", role);
  if (g_utf8_strlen (name, -1) <= 40)
    return g_strdup_printf ("%s '%s'", role, name);
  shortened = g_utf8_substring (name, 0, 39);
  return g_strdup_printf ("%s '%s…'", role, shortened);
}

static void
report (Walk            *walk,
        const char      *reason,
        AtspiAccessible *accessible,
        const char      *path)
{
  g_autofree char *role = atspi_accessible_get_role_name (accessible, NULL);
  g_autofree char *name = atspi_accessible_get_name (accessible, NULL);
  AtspiComponent *component = atspi_accessible_get_component_iface (accessible);
  AtspiRect *rect = NULL;

  if (component != NULL)
    rect = atspi_component_get_extents (component, ATSPI_COORD_TYPE_WINDOW, NULL);

  /* One line for the app process: it finds the widget at the position. */
  g_print ("FAIL\t%s\t%s\t%s\t%s\t%d %d %d %d\n", reason, role, name ? name : "", path,
           rect ? rect->x : -1, rect ? rect->y : -1, rect ? rect->width : 0, rect ? rect->height : 0);
  walk->n_failed++;

  g_clear_pointer (&rect, g_free);
  g_clear_object (&component);
}

static void
check_node (Walk            *walk,
            AtspiAccessible *accessible,
            const char      *parent_path,
            gboolean         in_audience_tree)
{
  g_autoptr(GError) error = NULL;
  AtspiRole role = atspi_accessible_get_role (accessible, &error);
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  g_autofree char *path = NULL;
  g_autoptr(AtspiStateSet) states = NULL;
  gboolean focusable, check;
  int n_children;

  if (error != NULL)
    {
      g_print ("FAIL\tcannot read\t?\t\t%s\t-1 -1 0 0\n", parent_path);
      walk->n_failed++;
      return;
    }

  name = atspi_accessible_get_name (accessible, NULL);
  label = node_label (accessible);
  path = parent_path ? g_strdup_printf ("%s > %s", parent_path, label) : g_strdup (label);
  states = atspi_accessible_get_state_set (accessible);
  focusable = atspi_state_set_contains (states, ATSPI_STATE_FOCUSABLE);

  check = role_is_actionable (role) || (focusable && !role_is_focus_container (role));
  if (check)
    {
      walk->n_checked++;
      if (name_is_missing (name) && !labelled_by_named (accessible))
        report (walk, focusable ? "focusable, no name" : "actionable, no name", accessible, path);
      else if (name_is_doubled (name))
        report (walk, "name said twice", accessible, path);
    }

  /* The audience tree: each check box says what it is for, and how many
   * posts ticking it moves. */
  if (in_audience_tree && role == ATSPI_ROLE_CHECK_BOX)
    {
      g_autofree char *description = atspi_accessible_get_description (accessible, NULL);

      if (description == NULL || strstr (description, "post") == NULL)
        report (walk, "audience check box without its post count", accessible, path);
    }
  if (role == ATSPI_ROLE_LIST && g_strcmp0 (name, "Who Posts Were Shared With") == 0)
    in_audience_tree = TRUE;

  n_children = atspi_accessible_get_child_count (accessible, NULL);
  for (int i = 0; i < n_children; i++)
    {
      g_autoptr(AtspiAccessible) child = atspi_accessible_get_child_at_index (accessible, i, NULL);

      if (child != NULL)
        check_node (walk, child, path, in_audience_tree);
    }
}

static AtspiAccessible *
find_app (guint pid)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autoptr(AtspiAccessible) desktop = atspi_get_desktop (0);
      int n = atspi_accessible_get_child_count (desktop, NULL);

      for (int i = 0; i < n; i++)
        {
          g_autoptr(AtspiAccessible) app = atspi_accessible_get_child_at_index (desktop, i, NULL);

          if (app != NULL && atspi_accessible_get_process_id (app, NULL) == pid)
            return g_steal_pointer (&app);
        }
      g_usleep (100 * 1000);
    }

  return NULL;
}

static AtspiAccessible *
find_window (AtspiAccessible *app,
             const char      *title)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      int n;

      atspi_accessible_clear_cache (app);
      n = atspi_accessible_get_child_count (app, NULL);
      for (int i = n - 1; i >= 0; i--)
        {
          g_autoptr(AtspiAccessible) window = atspi_accessible_get_child_at_index (app, i, NULL);
          g_autofree char *name = window ? atspi_accessible_get_name (window, NULL) : NULL;

          if (g_strcmp0 (name, title) == 0)
            return g_steal_pointer (&window);
        }
      g_usleep (100 * 1000);
    }

  return NULL;
}

typedef struct {
  GMainLoop       *loop;
  AtspiAccessible *focused;
} FocusWait;

static void
focus_event_cb (AtspiEvent *event,
                void       *user_data)
{
  FocusWait *wait = user_data;

  if (event->detail1 != 1)
    return;
  g_set_object (&wait->focused, event->source);
  g_main_loop_quit (wait->loop);
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Presses Tab @n_tabs times; prints each object AT-SPI reports focused, and
 * fails the ones a screen reader would announce without a name. */
static void
press_tabs (Walk *walk,
            guint pid,
            guint n_tabs)
{
  FocusWait wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(AtspiEventListener) listener = atspi_event_listener_new (focus_event_cb, &wait, NULL);
  g_autoptr(GError) error = NULL;

  if (!atspi_event_listener_register (listener, "object:state-changed:focused", &error))
    g_error ("cannot listen to focus events: %s", error->message);

  for (guint i = 0; i < n_tabs; i++)
    {
      guint timeout;

      g_clear_object (&wait.focused);
      if (!atspi_generate_keyboard_event (XK_Tab, NULL, ATSPI_KEY_SYM, &error))
        g_error ("cannot press Tab: %s", error->message);

      timeout = g_timeout_add (400, quit_loop_cb, wait.loop);
      g_main_loop_run (wait.loop);
      if (wait.focused != NULL)
        {
          g_autofree char *label = node_label (wait.focused);
          g_autofree char *name = atspi_accessible_get_name (wait.focused, NULL);

          /* The preview's page lives in WebKit's web process */
          if (atspi_accessible_get_process_id (wait.focused, NULL) != pid)
            g_print ("FOCUS\t%u\t%s (web content, another process)\n", i + 1, label);
          else
            {
              g_print ("FOCUS\t%u\t%s\n", i + 1, label);
              walk->n_checked++;
            }
          if (atspi_accessible_get_process_id (wait.focused, NULL) == pid &&
              name_is_missing (name) && !labelled_by_named (wait.focused))
            report (walk, "takes the focus, no name", wait.focused, label);
          g_source_remove (timeout);
        }
      else
        g_print ("FOCUS\t%u\t(no focus event)\n", i + 1);
    }

  atspi_event_listener_deregister (listener, "object:state-changed:focused", NULL);
  g_clear_object (&wait.focused);
  g_main_loop_unref (wait.loop);
}

/* --atspi-walk PID TITLE N_TABS */
static int
walker_main (int   argc,
             char *argv[])
{
  Walk walk = { 0, 0 };
  g_autoptr(AtspiAccessible) app = NULL;
  g_autoptr(AtspiAccessible) window = NULL;
  guint pid, n_tabs;

  if (argc != 5)
    {
      g_printerr ("usage: %s --atspi-walk PID TITLE N_TABS\n", argv[0]);
      return 2;
    }
  pid = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  n_tabs = (guint) g_ascii_strtoull (argv[4], NULL, 10);

  if (atspi_init () > 1)
    {
      g_printerr ("atspi_init failed: no accessibility bus\n");
      return 2;
    }

  app = find_app (pid);
  if (app == NULL)
    {
      g_printerr ("process %u is not on the accessibility bus (is at-spi2-core installed, GTK_A11Y unset?)\n", pid);
      return 2;
    }
  window = find_window (app, argv[3]);
  if (window == NULL)
    {
      g_printerr ("no window called '%s' in process %u\n", argv[3], pid);
      return 2;
    }

  check_node (&walk, window, NULL, FALSE);
  if (n_tabs > 0)
    press_tabs (&walk, pid, n_tabs);

  g_print ("CHECKED\t%u\t%u\n", walk.n_checked, walk.n_failed);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* The app side (the test)                                                  */
/* ------------------------------------------------------------------------ */

static char *self_exe;
static char *demo_takeout;
static char *broken_takeout;
static char *tmp_dir;

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
}

/* "GpmWindow > GpmPostList > GtkListView#list_view > GtkListItemWidget":
 * the widget, its ancestors from the app (Gpm…) and those with a template
 * id, which is what a developer greps for. */
static char *
describe_widget (GtkWidget *widget)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;

  if (widget == NULL)
    return g_strdup ("(none)");

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *type = G_OBJECT_TYPE_NAME (w);
      const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (w));

      if (id != NULL && g_str_has_prefix (id, "___"))   /* GtkBuilder's own names */
        id = NULL;

      if (w != widget && id == NULL && !g_str_has_prefix (type, "Gpm"))
        continue;
      g_ptr_array_insert (parts, 0, id != NULL ? g_strdup_printf ("%s#%s", type, id) : g_strdup (type));
    }
  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (" > ", (char **) parts->pdata);

  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    return g_strdup_printf ("%s (\"%s\")", joined, gtk_button_get_label (GTK_BUTTON (widget)));
  return g_steal_pointer (&joined);
}

/* @expect: "GpmPostList/list_view": a part is a type name or a template id;
 * the parts must appear in this order among the description's. */
static gboolean
description_matches (const char *description,
                     const char *expect)
{
  g_auto(GStrv) tokens = g_strsplit (description, " > ", -1);
  g_auto(GStrv) parts = g_strsplit (expect, "/", -1);
  guint t = 0;

  for (guint p = 0; parts[p] != NULL; p++)
    {
      g_autofree char *as_id = g_strdup_printf ("#%s", parts[p]);
      g_autofree char *as_type = g_strdup_printf ("%s#", parts[p]);
      gboolean found = FALSE;

      for (; tokens[t] != NULL && !found; t++)
        {
          g_auto(GStrv) words = g_strsplit (tokens[t], " ", 2);

          found = g_str_equal (words[0], parts[p]) || g_str_has_suffix (words[0], as_id) ||
                  g_str_has_prefix (words[0], as_type);
        }
      if (!found)
        return FALSE;
    }

  return TRUE;
}

/* The widget AT-SPI placed at (x, y, w, h) in @window, if one is there with
 * exactly those bounds (objects on hidden pages report stale places). */
static char *
widget_at (GtkWindow *window,
           int        x,
           int        y,
           int        w,
           int        h)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (window), x + w / 2.0, y + h / 2.0,
                                       GTK_PICK_INSENSITIVE | GTK_PICK_NON_TARGETABLE);

  for (GtkWidget *widget = picked; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      graphene_rect_t bounds;

      if (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds) &&
          ABS (bounds.origin.x - x) <= 2 && ABS (bounds.origin.y - y) <= 2 &&
          ABS (bounds.size.width - w) <= 2 && ABS (bounds.size.height - h) <= 2)
        return describe_widget (widget);
    }

  return NULL;
}

typedef struct {
  GtkWindow *window;
  GPtrArray *focus_log;     /* char *: describe_widget() of each focus */
  gulong     handler;
  char      *output;
  gboolean   done;
  GError    *error;
} WalkRun;

static void
focus_changed_cb (GtkWindow  *window,
                  GParamSpec *pspec,
                  WalkRun    *run)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  if (focus != NULL)
    g_ptr_array_add (run->focus_log, describe_widget (focus));
}

static void
walker_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  WalkRun *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->output, NULL, &run->error);
  run->done = TRUE;
}

/* Walks @window's accessibility tree (and presses Tab @n_tabs times from
 * the window, focus reset) and asserts every check passed; then that each
 * of @expect (NULL-terminated, see description_matches()) got the focus. */
static void
check_window (GtkWindow          *window,
              const char         *what,
              guint               n_tabs,
              const char * const *expect)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *tabs = g_strdup_printf ("%u", n_tabs);
  const char *argv[] = { self_exe, "--atspi-walk", pid, gtk_window_get_title (window), tabs, NULL };
  g_autoptr(GSubprocess) walker = NULL;
  g_autoptr(GPtrArray) focus_log = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = NULL;
  WalkRun run = { window, focus_log, 0, NULL, FALSE, NULL };
  guint n_checked = 0, n_failed = 0;
  gboolean summary = FALSE;

  g_assert_nonnull (argv[3]);
  settle (300);
  if (n_tabs > 0)
    gtk_window_set_focus (window, NULL);
  run.handler = g_signal_connect (window, "notify::focus-widget", G_CALLBACK (focus_changed_cb), &run);

  walker = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &run.error);
  g_assert_no_error (run.error);
  g_subprocess_communicate_utf8_async (walker, NULL, NULL, walker_done_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (run.error);
  settle (300);   /* the last key presses */
  g_signal_handler_disconnect (window, run.handler);

  if (!g_subprocess_get_if_exited (walker) || g_subprocess_get_exit_status (walker) != 0)
    g_error ("%s: the AT-SPI walker failed (see its message above); output:\n%s", what, run.output);

  lines = g_strsplit (run.output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);

      if (f[0] == NULL)
        continue;
      if (g_str_equal (f[0], "FAIL") && g_strv_length (f) == 6)
        {
          int x = -1, y = -1, w = 0, h = 0;
          g_autofree char *widget = NULL;

          if (sscanf (f[5], "%d %d %d %d", &x, &y, &w, &h) == 4 && w > 0 && h > 0)
            widget = widget_at (window, x, y, w, h);
          g_test_message ("%s: %s: role %s, name \"%s\"\n#   path: %s\n#   widget: %s",
                          what, f[1], f[2], f[3], f[4], widget ? widget : "(not on screen)");
        }
      else if (g_str_equal (f[0], "FOCUS") && g_strv_length (f) == 3)
        g_test_message ("%s: Tab %s: AT-SPI focus on %s", what, f[1], f[2]);
      else if (g_str_equal (f[0], "CHECKED") && g_strv_length (f) == 3)
        {
          n_checked = (guint) g_ascii_strtoull (f[1], NULL, 10);
          n_failed = (guint) g_ascii_strtoull (f[2], NULL, 10);
          summary = TRUE;
        }
    }
  for (guint i = 0; i < focus_log->len; i++)
    g_test_message ("%s: focus %u: %s", what, i + 1, (char *) g_ptr_array_index (focus_log, i));

  g_assert_true (summary);
  g_test_message ("%s: %u objects checked, %u failed", what, n_checked, n_failed);
  g_assert_cmpuint (n_checked, >, 0);
  if (n_failed > 0)
    g_test_fail_printf ("%s: %u accessibility failures (listed above)", what, n_failed);

  /* No trap: Tab always takes the focus on, out of every widget it entered
   * (a list of 20,000 posts, the web view); the walk goes round the window.
   * A list: more than four presses inside it. The preview holds a fixed set
   * of controls (the two views, Leave Out, Edit Text…, the page): a trap
   * there comes back to one of them before leaving, or stays longer than
   * they are many. */
  {
    guint longest = 0, run_len = 0, run_start = 0;
    const char *previous_area = NULL;
    gboolean repeated = FALSE;

    for (guint i = 0; i < focus_log->len; i++)
      {
        const char *d = g_ptr_array_index (focus_log, i);
        const char *area = strstr (d, "GpmPreview") ? "preview" : strstr (d, "GtkListView") ? d : NULL;
        gboolean same = area != NULL && previous_area != NULL && g_str_equal (area, previous_area);

        run_len = same ? run_len + 1 : 1;
        if (!same)
          run_start = i;
        else if (g_str_equal (area, "preview"))
          for (guint j = run_start; j < i; j++)
            repeated |= g_str_equal (g_ptr_array_index (focus_log, j), d);
        previous_area = area;
        longest = MAX (longest, g_strcmp0 (area, "preview") == 0 && run_len <= 6 ? MIN (run_len, 4) : run_len);
      }
    if (longest > 4)
      g_test_fail_printf ("%s: Tab stayed %u presses in a row inside one list or the preview", what, longest);
    if (repeated)
      g_test_fail_printf ("%s: Tab went round inside the preview", what);
  }

  for (guint e = 0; expect != NULL && expect[e] != NULL; e++)
    {
      gboolean reached = FALSE;

      for (guint i = 0; i < focus_log->len && !reached; i++)
        reached = description_matches (g_ptr_array_index (focus_log, i), expect[e]);
      if (!reached)
        g_test_fail_printf ("%s: %u presses of Tab never reached %s (the focus went where listed above)",
                            what, n_tabs, expect[e]);
    }
}

static GpmWindow *
new_window (void)
{
  GpmWindow *window = gpm_window_new (gpm_test_gui_get_app ());

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  settle (300);
  return window;
}

static void
open_takeout (GpmWindow  *window,
              const char *path)
{
  const char *paths[] = { path, NULL };

  gpm_test_gui_open (window, paths);
}

/* The first widget under @widget of @type (and buildable id @id, if not NULL). */
typedef struct {
  GType       type;
  const char *id;
} WidgetKind;

static gboolean
is_widget_kind (GtkWidget *widget,
                gpointer   data)
{
  const WidgetKind *kind = data;

  return G_TYPE_CHECK_INSTANCE_TYPE (widget, kind->type) &&
         (kind->id == NULL || g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), kind->id) == 0);
}

static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *id)
{
  WidgetKind kind = { type, id };

  return gpm_test_gui_find_widget (widget, FALSE, is_widget_kind, &kind);
}

static void
close_window (GtkWindow *window)
{
  gtk_window_destroy (window);
  settle (200);
}

static void
test_welcome (void)
{
  GpmWindow *window = new_window ();
  const char *expect[] = { "choose_button", "choose_folder_button", "help_button",
                           "primary_menu_button", NULL };

  check_window (GTK_WINDOW (window), "welcome page", 10, expect);
  close_window (GTK_WINDOW (window));
}

static void
test_review (void)
{
  GpmWindow *window = new_window ();
  const char *expect[] = { "GpmScopeSidebar/list_view", "GpmScopeSidebar/preset_button",
                           "GpmPostList/search_entry", "GpmPostList/list_view",
                           "GpmPreview/diaspora_button", "GpmPreview/original_button",
                           "migrate_button", "open_button", "primary_menu_button", NULL };

  open_takeout (window, demo_takeout);
  gpm_post_list_select_position (gpm_window_get_post_list (window), 0);
  check_window (GTK_WINDOW (window), "review page", 80, expect);

  /* The primary menu, open */
  {
    GtkWidget *menu_button = find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, "primary_menu_button");

    g_assert_nonnull (menu_button);
    gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
    settle (300);
    check_window (GTK_WINDOW (window), "review page, primary menu open", 0, NULL);
    gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));
  }
  close_window (GTK_WINDOW (window));
}

static void
test_problems (void)
{
  GpmWindow *window = new_window ();
  GtkWindow *dialog = NULL;
  const char *expect[] = { "problems_button", NULL };

  open_takeout (window, broken_takeout);
  g_assert_cmpuint (gpm_import_get_n_problems (gpm_window_get_import (window)), >, 0);
  check_window (GTK_WINDOW (window), "review page with problems", 8, expect);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-problems", NULL);
  dialog = gpm_test_gui_find_toplevel (GPM_TYPE_PROBLEMS_DIALOG);
  g_assert_nonnull (dialog);
  check_window (dialog, "problems dialog", 4, NULL);

  close_window (dialog);
  close_window (GTK_WINDOW (window));
}

static gboolean
has_posted (gpointer data)
{
  GpmMigrator *migrator = gpm_migrate_page_get_migrator (data);

  return migrator != NULL && gpm_migrator_get_n_done (migrator) >= 1;
}

/* Migrate… → the sign-in dialog (address, then password) → the migrate
 * page, planning and running. */
static void
test_sign_in_and_migrate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) pod = gpm_test_pod_new (0, &error);
  g_autofree char *guid = NULL;
  GpmWindow *window;
  GpmSignInDialog *dialog;
  GpmMigratePage *page;
  const char *expect_address[] = { "address_row", "username_row", "continue_button", NULL };
  const char *expect_password[] = { "password_row", "continue_button", NULL };
  const char *expect_plan[] = { "GpmMigratePage/AdwComboRow", "GpmMigratePage/delay_spin",
                                "AdwHeaderBar/GtkButton", NULL };
  const char *expect_run[] = { "GpmMigratePage/pause_button", "GpmMigratePage/stop_button", NULL };

  g_assert_no_error (error);
  guid = gpm_test_pod_add_user (pod, "alice", "correct horse", NULL);
  gpm_test_pod_add_aspect (pod, "alice", "Family");
  gpm_test_pod_add_aspect (pod, "alice", "Climbing friends");
  gpm_test_pod_set_api_enabled (pod, FALSE);

  window = new_window ();
  open_takeout (window, demo_takeout);
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);

  dialog = gpm_test_gui_open_sign_in (window);
  check_window (GTK_WINDOW (dialog), "sign-in dialog", 8, expect_address);

  gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (pod));
  gpm_sign_in_dialog_set_username (dialog, "alice");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  check_window (GTK_WINDOW (dialog), "sign-in dialog, password", 8, expect_password);

  gpm_sign_in_dialog_set_password (dialog, "correct horse");
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_on_migrate_page, window, 60));
  page = gpm_window_get_migrate_page (window);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_statement_ready, page, 60));
  settle (300);
  check_window (GTK_WINDOW (window), "migrate page", 30, expect_plan);

  /* An audience's aspect choices, open */
  {
    GtkWidget *row = find_widget (GTK_WIDGET (page), ADW_TYPE_COMBO_ROW, NULL);
    GtkWidget *popover;

    g_assert_nonnull (row);
    /* In sight first: the Tab walk above may have scrolled the plan past it */
    gtk_widget_grab_focus (row);
    settle (200);
    gtk_widget_activate (row);
    settle (300);
    popover = find_widget (row, GTK_TYPE_POPOVER, NULL);
    g_assert_true (popover != NULL && gtk_widget_get_visible (popover));
    check_window (GTK_WINDOW (window), "migrate page, aspect choices open", 0, NULL);
    gtk_popover_popdown (GTK_POPOVER (popover));
    settle (200);
  }

  gpm_migrate_page_set_delay (page, 2);
  gpm_migrate_page_start (page);
  g_assert_true (gpm_test_gui_wait (has_posted, page, 60));
  check_window (GTK_WINDOW (window), "migrate page, running", 20, expect_run);

  /* Quitting while posts are moving asks first (closing the window lets
   * them go on in the background: test-gui-migrate) */
  {
    AdwMessageDialog *ask;

    g_action_group_activate_action (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (window))), "quit", NULL);
    settle (200);
    ask = ADW_MESSAGE_DIALOG (gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
    g_assert_nonnull (ask);
    check_window (GTK_WINDOW (ask), "stop moving? dialog", 4, NULL);
    adw_message_dialog_response (ask, "keep");
    settle (200);
    g_assert_true (gpm_migrate_page_is_running (page));
  }

  gpm_migrate_page_stop (page);
  gpm_test_gui_wait (gpm_test_gui_run_ended, page, 60);
  check_window (GTK_WINDOW (window), "migrate page, stopped", 0, NULL);

  close_window (GTK_WINDOW (window));
}

static void
test_preferences (void)
{
  GpmWindow *window = new_window ();
  GtkWindow *preferences = GTK_WINDOW (gpm_preferences_window_new (GTK_WINDOW (window)));
  const char *expect[] = { "hashtags_row", "photo_hashtags_switch", "date_line_row", "date_language_row",
                           "inline_links_switch", "location_switch", NULL };

  gtk_window_present (preferences);
  check_window (preferences, "preferences", 16, expect);
  close_window (preferences);
  close_window (GTK_WINDOW (window));
}

static void
test_help (void)
{
  GpmWindow *window = new_window ();
  GtkWindow *help = GTK_WINDOW (gpm_help_window_new (GTK_WINDOW (window)));

  gtk_window_present (help);
  check_window (help, "help window", 0, NULL);
  close_window (help);
  close_window (GTK_WINDOW (window));
}

static void
test_shortcuts (void)
{
  GpmWindow *window = new_window ();
  GtkWindow *shortcuts;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  settle (200);
  shortcuts = gpm_test_gui_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  check_window (shortcuts, "keyboard shortcuts", 0, NULL);
  gtk_widget_set_visible (GTK_WIDGET (shortcuts), FALSE);
  close_window (GTK_WINDOW (window));
}

static void
test_about (void)
{
  GpmWindow *window = new_window ();
  GtkWindow *about;

  gtk_window_present (GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (gpm_test_gui_get_app ()), "about", NULL);
  settle (300);
  about = gpm_test_gui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  check_window (about, "about window", 8, NULL);
  close_window (about);
  close_window (GTK_WINDOW (window));
}

static const GpmTestPostFile broken_posts[] = {
  { "20180101 - Fine.json",
    "{\"url\": \"https://plus.google.com/1/posts/a\", \"creationTime\": \"2018-01-01 10:00:00+0000\", "
    "\"author\": {\"displayName\": \"Alex Example\", \"resourceName\": \"users/1\"}, "
    "\"content\": \"A readable post\", \"resourceName\": \"users/1/posts/a\", "
    "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}" },
  { "20180202 - Broken.json", "{\"url\": \"https://plus.google.com/1/posts/b\", \"content\": \"cut off" },
};

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int ret;

  /* Names with "…" and other non-ASCII in the messages */
  setlocale (LC_ALL, "C.UTF-8");
  if (argc > 1 && g_str_equal (argv[1], "--atspi-walk"))
    return walker_main (argc, argv);

  g_test_init (&argc, &argv, NULL);

  if (g_strcmp0 (g_getenv ("GTK_A11Y"), "none") == 0)
    {
      g_print ("1..0 # SKIP GTK_A11Y=none: no accessibility tree to walk\n");
      return 0;
    }
  if (!gpm_test_gui_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run -a and tests/run-with-keyring.sh)\n");
      return 0;
    }

  /* The journal goes under XDG_DATA_HOME: never the user's own. */
  data_home = g_dir_make_tmp ("gpm-test-a11y-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_exe);
  demo_takeout = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "takeout-demo.zip", NULL);
  tmp_dir = g_dir_make_tmp ("gpm-test-a11y-XXXXXX", NULL);
  gpm_test_gui_write_takeout (tmp_dir, broken_posts, G_N_ELEMENTS (broken_posts));
  broken_takeout = g_build_filename (tmp_dir, "Takeout", NULL);

  gpm_test_gui_add_func ("/a11y/welcome", test_welcome);
  gpm_test_gui_add_func ("/a11y/review", test_review);
  gpm_test_gui_add_func ("/a11y/problems", test_problems);
  gpm_test_gui_add_func ("/a11y/sign-in-and-migrate", test_sign_in_and_migrate);
  gpm_test_gui_add_func ("/a11y/preferences", test_preferences);
  gpm_test_gui_add_func ("/a11y/help", test_help);
  gpm_test_gui_add_func ("/a11y/shortcuts", test_shortcuts);
  gpm_test_gui_add_func ("/a11y/about", test_about);

  ret = gpm_test_gui_run ();

  gpm_test_rm_rf (tmp_dir);
  gpm_test_rm_rf (data_home);
  g_free (tmp_dir);
  g_free (broken_takeout);
  g_free (demo_takeout);
  g_free (self_exe);
  return ret;
}
