/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gui-plan.c: the migration plan in the app (issue 17): the duration
 * before Start, the pace, people as one group, All aspects, Back and Start
 * in the header bar, the plan kept in the journal and the same as the
 * CLI's from the same choices, "Continue" restoring it, and a run that
 * follows a new selection, counts down every second, says when it retries,
 * can be continued after a stop, and quits without criticals. */
#include "config.h"

#include <glib/gstdio.h>

#include "gpm-application.h"
#include "gpm-migrate-page-private.h"
#include "gpm-test-gui-util.h"
#include "gpm-test-pod.h"
#include "gpm-window-private.h"

#define AUTHOR "\"author\": {\"displayName\": \"Alex Example\", \"resourceName\": \"users/1\"}"
#define PUBLIC_ACL "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}"
#define CIRCLE(id, name) "{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\", \"resourceName\": \"" id "\", \"displayName\": \"" name "\"}"
#define CIRCLES_ACL(circles) "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [" circles "]}}"
#define USER_ACL(id, name) "\"postAcl\": {\"visibleToStandardAcl\": {\"users\": [{\"resourceName\": \"" id "\", \"displayName\": \"" name "\"}]}}"
#define POST(id, date, content, acl) \
  "{\"url\": \"https://plus.google.com/1/posts/" id "\", \"creationTime\": \"" date "\", \"updateTime\": \"" date "\", " \
  AUTHOR ", \"content\": \"" content "\", \"resourceName\": \"users/1/posts/" id "\", " acl "}"

static const GpmTestPostFile posts[] = {
  { "20180101 - A.json", POST ("a", "2018-01-01 10:00:00+0000", "First public post", PUBLIC_ACL) },
  { "20180202 - B.json", POST ("b", "2018-02-02 10:00:00+0000", "Second public post", PUBLIC_ACL) },
  { "20180303 - C.json", POST ("c", "2018-03-03 10:00:00+0000", "Only for the family", CIRCLES_ACL (CIRCLE ("circles/1-f", "Family"))) },
  { "20180404 - D.json", POST ("d", "2018-04-04 10:00:00+0000", "Just for Bo", USER_ACL ("users/2", "Bo")) },
  { "20180505 - E.json", POST ("e", "2018-05-05 10:00:00+0000", "Just for Cy", USER_ACL ("users/3", "Cy")) },
  /* shared with two circles: counted and sent once */
  { "20180606 - F.json", POST ("f", "2018-06-06 10:00:00+0000", "Family and work",
                               CIRCLES_ACL (CIRCLE ("circles/1-f", "Family") "," CIRCLE ("circles/2-w", "Work"))) },
  /* nothing of the user's own: never counted */
  { "20180707 - G.json", POST ("g", "2018-07-07 10:00:00+0000", "", "\"resharedPost\": {\"author\": {\"displayName\": \"Zoe\"}, "
                                                                   "\"content\": \"THEIR WORDS\"}, " PUBLIC_ACL) },
};

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static gboolean
prepared (gpointer page)
{
  return gtk_widget_get_sensitive (((GpmMigratePage *) page)->header_start_button) &&
         gpm_migrate_page_get_journal (page) != NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  return gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
no_window_left (gpointer data)
{
  return gpm_test_gui_find_toplevel (GPM_TYPE_WINDOW) == NULL;
}

static gboolean
people_rows_made (gpointer data)
{
  GpmMigratePage *page = data;

  return page->person_rows != NULL && page->person_rows->len == page->people->len && page->person_rows_idle == 0;
}

static gboolean
has_posts (gpointer data)
{
  gpointer *args = data;

  return gpm_test_pod_count_posts (args[0]) >= GPOINTER_TO_UINT (args[1]);
}

static gboolean
waiting_says (gpointer data)
{
  gpointer *args = data;

  return strstr (gpm_migrate_page_get_waiting (args[0]), args[1]) != NULL;
}

static gboolean
is_running (gpointer page)
{
  return gpm_migrate_page_is_running (page);
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint id = g_timeout_add (50, keep_waking, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

/* What gpm_migrate_page_update_audiences_async() answered */
typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Updated;

static void
updated_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Updated *u = data;

  u->ok = gpm_migrate_page_update_audiences_finish (GPM_MIGRATE_PAGE (source), result, &u->error);
  u->done = TRUE;
}

static gboolean
updated (gpointer data)
{
  return ((Updated *) data)->done;
}

/* The page's posts are those of the plan's ticks, in order */
static void
assert_posts_follow_plan (GpmMigratePage *page)
{
  g_autoptr(GPtrArray) expected = _gpm_migrate_page_ticked_posts (gpm_migrate_page_get_plan (page),
                                                                  page->all_posts);

  g_assert_nonnull (page->posts);
  g_assert_cmpuint (page->posts->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_true (g_ptr_array_index (page->posts, i) == g_ptr_array_index (expected, i));
}

static GpmPod *
sign_in_as (GpmTestPod *server,
            const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) pod = gpm_pod_new (gpm_test_pod_get_url (server), &error);
  g_autoptr(GpmPodInfo) info = NULL;

  g_assert_no_error (error);
  info = gpm_pod_discover (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gpm_pod_sign_in_password (pod, username, "correct horse", NULL, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&pod);
}

/* The plan the page keeps is in its journal */
static gboolean
plan_saved (gpointer page)
{
  g_autoptr(GpmPlan) saved = gpm_plan_load (gpm_migrate_page_get_journal (page), NULL);

  return saved != NULL && gpm_plan_equal (saved, gpm_migrate_page_get_plan (page));
}

static gboolean
plan_restored (gpointer window)
{
  GpmPlan *plan = gpm_window_get_plan (window);

  return plan != NULL && gpm_plan_has_target (plan, "users/3");
}

/* The CLI's plan from the same choices: `post --dry-run --print-plan` */
static char *
cli_plan (const char *takeout,
          GpmPlan    *plan)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) audiences = gpm_plan_dup_audiences (plan);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *cli = g_getenv ("GPM_CLI");
  int status = -1;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, g_strdup (cli));
  g_ptr_array_add (argv, g_strdup ("post"));
  g_ptr_array_add (argv, g_strdup ("--dry-run"));
  g_ptr_array_add (argv, g_strdup ("--print-plan"));
  for (guint i = 0; audiences[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup_printf ("--id=%s", audiences[i]));
  g_ptr_array_add (argv, g_strdup ("--aspect=circles/1-f=Family"));
  g_ptr_array_add (argv, g_strdup ("--aspect=circles/2-w=Work"));
  g_ptr_array_add (argv, g_strdup ("--all-aspects=users/*"));
  g_ptr_array_add (argv, g_strdup ("--skip=users/3"));
  g_ptr_array_add (argv, g_strdup_printf ("--delay=%u", gpm_plan_get_delay (plan)));
  g_ptr_array_add (argv, g_strdup_printf ("--max-per-day=%u", gpm_plan_get_max_per_day (plan)));
  g_ptr_array_add (argv, g_strdup (takeout));
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("cli: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
test_plan_page (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-plan-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *server = fx->pod;
  const char * const *paths = fx->paths;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GpmPlan) saved = NULL;
  GpmWindow *window;
  GpmMigratePage *page;
  GpmPlan *plan;
  const char *statement;
  gint64 family, work;
  gpointer args[2];

  gpm_test_pod_add_user (server, "alice", "correct horse", NULL);
  family = gpm_test_pod_add_aspect (server, "alice", "Family");
  work = gpm_test_pod_add_aspect (server, "alice", "Work");
  gpm_test_pod_set_api_enabled (server, FALSE);
  pod = sign_in_as (server, "alice");

  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gpm_test_gui_open_everything (window, paths);

  /* Before the plan: Back and Start are not in the header bar */
  page = gpm_window_get_migrate_page (window);
  g_assert_false (gtk_widget_get_visible (page->header_start_button));
  gpm_window_show_migration (window, pod);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_statement_ready, page, 60));
  plan = gpm_migrate_page_get_plan (page);
  g_assert_true (plan == gpm_window_get_plan (window));

  /* Back and Start in the header bar, at 1100 px and at 400 px */
  g_assert_true (gtk_widget_get_ancestor (page->header_start_button, ADW_TYPE_HEADER_BAR) != NULL);
  g_assert_true (gtk_widget_get_ancestor (page->header_back_button, ADW_TYPE_HEADER_BAR) != NULL);
  g_assert_true (gtk_widget_get_visible (page->header_start_button));
  g_assert_true (gtk_widget_get_visible (page->header_back_button));
  g_assert_true (gtk_widget_get_sensitive (page->header_start_button));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 720);
  iterate_for (200);
  g_assert_true (gtk_widget_get_visible (page->header_start_button));

  /* Each circle goes to the aspect named like it; people are skipped */
  statement = gpm_migrate_page_get_statement (page);
  g_test_message ("statement: %s", statement);
  g_assert_nonnull (strstr (statement, "2 posts shared with Family go to the aspect Family."));
  g_assert_nonnull (strstr (statement, "1 post shared with Work goes to the aspect Work."));
  g_assert_nonnull (strstr (statement, "2 private posts are skipped."));

  /* The duration before Start: public a, b; c; f once (two circles); not
   * g (nothing own), not the people (skipped). At one post a day: 3 days */
  gpm_migrate_page_set_max_per_day (page, 1);
  g_test_message ("duration: %s", gpm_migrate_page_get_duration (page));
  g_assert_true (g_str_has_prefix (gpm_migrate_page_get_duration (page), "At 1 post a day: about 3 days, until "));
  g_assert_cmpuint (gpm_plan_get_max_per_day (plan), ==, 1);
  /* the next plan's default */
  g_assert_cmpuint (g_settings_get_uint (gpm_settings_get_default (), "max-posts-per-day"), ==, 1);
  /* The pace changes no count: the duration again from the last count,
   * no recount (a walk over every post, in a worker, at 100,000) */
  {
    guint serial = page->count_serial;

    gpm_migrate_page_set_max_per_day (page, 2);
    g_test_message ("duration: %s", gpm_migrate_page_get_duration (page));
    g_assert_true (g_str_has_prefix (gpm_migrate_page_get_duration (page), "At 2 posts a day: "));
    g_assert_cmpuint (page->count_serial, ==, serial);
    gpm_migrate_page_set_max_per_day (page, 1);
    g_assert_true (g_str_has_prefix (gpm_migrate_page_get_duration (page), "At 1 post a day: about 3 days, until "));
  }

  /* People: one group, one choice for all (All aspects), one person
   * (Cy) skipped on their own row, made when the group is opened */
  g_assert_cmpuint (page->people->len, ==, 2);
  g_assert_nonnull (page->people_row);
  adw_combo_row_set_selected (page->people_combo, 1);
  g_assert_cmpint (gpm_plan_lookup_target (plan, "users/2", NULL), ==, GPM_PLAN_TARGET_ALL_ASPECTS);
  g_assert_null (page->person_rows);
  adw_expander_row_set_expanded (page->people_row, TRUE);
  g_assert_true (gpm_test_gui_wait (people_rows_made, page, 30));
  for (guint i = 0; i < page->person_rows->len; i++)
    {
      AdwComboRow *row = g_ptr_array_index (page->person_rows, i);
      PrivateScope *ps = g_object_get_data (G_OBJECT (row), "gpm-scope");

      g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);   /* like everyone else */
      if (g_str_equal (ps->key, "users/3"))
        adw_combo_row_set_selected (row, 1);                        /* skip */
    }
  g_assert_cmpint (gpm_plan_lookup_target (plan, "users/3", NULL), ==, GPM_PLAN_TARGET_SKIP);
  g_assert_cmpint (gpm_plan_lookup_target (plan, "users/2", NULL), ==, GPM_PLAN_TARGET_ALL_ASPECTS);
  statement = gpm_migrate_page_get_statement (page);
  g_assert_nonnull (strstr (statement, "1 post shared with single people goes to the aspects chosen for them."));
  g_assert_nonnull (strstr (statement, "1 private post is skipped."));
  g_assert_true (g_str_has_prefix (gpm_migrate_page_get_duration (page), "At 1 post a day: about 4 days, until "));

  /* The same choices in the CLI make the same plan */
  g_assert_true (gpm_test_gui_wait (plan_saved, page, 30));
  saved = gpm_plan_load (gpm_migrate_page_get_journal (page), &error);
  g_assert_no_error (error);
  {
    g_autofree char *from_cli = cli_plan (fx->takeout, plan);
    g_autofree char *from_app = gpm_plan_dump (saved);

    g_assert_cmpstr (from_cli, ==, from_app);
  }

  /* Ticks changed twice in a row (their posts are chosen in a worker): the
   * first is replaced, whichever worker ends first, and the page's plan
   * and posts are the last ticks'; a start (or a count) right after a tick
   * takes its posts at once. Issue 13: no walk over every post on the UI
   * thread at a tick. */
  {
    g_auto(GStrv) ticked = gpm_plan_dup_audiences (plan);
    const char *only_public[] = { "PUBLIC", NULL };
    guint n_ticked;

    assert_posts_follow_plan (page);
    n_ticked = page->posts->len;
    for (guint round = 0; round < 6; round++)
      {
        Updated first = { 0 }, second = { 0 };

        gpm_migrate_page_update_audiences_async (page, only_public, NULL, updated_cb, &first);
        /* not running: the plan has the ticks at once */
        {
          g_auto(GStrv) now = gpm_plan_dup_audiences (plan);
          g_assert_cmpstrv (now, only_public);
        }
        gpm_migrate_page_update_audiences_async (page, (const char * const *) ticked, NULL, updated_cb, &second);
        g_assert_true (gpm_test_gui_wait (updated, &first, 30));
        g_assert_true (gpm_test_gui_wait (updated, &second, 30));
        g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_false (first.ok);
        g_assert_no_error (second.error);
        g_assert_true (second.ok);
        /* the first's worker ends late, or has: its posts are not taken */
        iterate_for (20);
        g_assert_null (page->select_task);
        assert_posts_follow_plan (page);
        g_assert_cmpuint (page->posts->len, ==, n_ticked);
        g_clear_error (&first.error);
      }
    {
      Updated one = { 0 }, back = { 0 };
      guint serial = page->select_serial;

      gpm_migrate_page_update_audiences_async (page, only_public, NULL, updated_cb, &one);
      _gpm_migrate_page_settle_audiences (page);
      assert_posts_follow_plan (page);
      g_assert_cmpuint (page->posts->len, <, n_ticked);
      g_assert_cmpuint (page->select_serial, !=, serial);
      g_assert_true (gpm_test_gui_wait (updated, &one, 30));
      g_assert_true (one.ok);
      iterate_for (20);
      assert_posts_follow_plan (page);
      gpm_migrate_page_update_audiences_async (page, (const char * const *) ticked, NULL, updated_cb, &back);
      g_assert_true (gpm_test_gui_wait (updated, &back, 30));
      g_assert_true (back.ok);
      g_assert_cmpuint (page->posts->len, ==, n_ticked);
    }
  }

  /* A run: a post every 2 s; the countdown ticks every second */
  gpm_migrate_page_set_max_per_day (page, 10000);
  gpm_migrate_page_set_delay (page, 3);
  gpm_migrate_page_start (page);
  g_assert_false (gtk_widget_get_visible (page->header_start_button));
  args[0] = server;
  args[1] = GUINT_TO_POINTER (1);
  g_assert_true (gpm_test_gui_wait (has_posts, args, 60));
  args[0] = page;
  args[1] = "Next post in";
  g_assert_true (gpm_test_gui_wait (waiting_says, args, 30));
  {
    g_autofree char *before = g_strdup (gpm_migrate_page_get_waiting (page));

    iterate_for (1100);
    g_test_message ("countdown: %s, then %s", before, gpm_migrate_page_get_waiting (page));
    g_assert_cmpstr (before, !=, gpm_migrate_page_get_waiting (page));
  }

  /* Ticks changed twice in a row during the run: the run follows the last
   * (the posts chosen in a worker, the first's result dropped) */
  {
    g_auto(GStrv) ticked = gpm_plan_dup_audiences (plan);
    const char *only_public[] = { "PUBLIC", NULL };
    const char *none[] = { NULL };
    Updated first = { 0 }, second = { 0 };
    GpmPlan *followed;

    gpm_migrate_page_update_audiences_async (page, none, NULL, updated_cb, &first);
    /* running: the plan takes the ticks once the run has */
    {
      g_auto(GStrv) now = gpm_plan_dup_audiences (plan);
      g_assert_cmpstrv (now, ticked);
    }
    gpm_migrate_page_update_audiences_async (page, (const char * const *) only_public, NULL, updated_cb, &second);
    g_assert_true (gpm_test_gui_wait (updated, &first, 30));
    g_assert_true (gpm_test_gui_wait (updated, &second, 30));
    g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_true (second.ok);
    g_clear_error (&first.error);
    followed = gpm_migrator_get_plan (gpm_migrate_page_get_migrator (page));
    {
      g_auto(GStrv) now = gpm_plan_dup_audiences (plan);
      g_auto(GStrv) run = gpm_plan_dup_audiences (followed);
      g_assert_cmpstrv (now, only_public);
      g_assert_cmpstrv (run, only_public);
    }
    assert_posts_follow_plan (page);
    /* and back */
    memset (&second, 0, sizeof second);
    gpm_migrate_page_update_audiences_async (page, (const char * const *) ticked, NULL, updated_cb, &second);
    g_assert_true (gpm_test_gui_wait (updated, &second, 30));
    g_assert_true (second.ok);
    {
      g_auto(GStrv) run = gpm_plan_dup_audiences (gpm_migrator_get_plan (gpm_migrate_page_get_migrator (page)));
      g_assert_cmpstrv (run, ticked);
    }
    assert_posts_follow_plan (page);
    g_assert_true (gpm_migrate_page_is_running (page));
  }

  /* Unticking everything during the run: the posts not sent yet follow
   * (today's bug: unticking was accepted and ignored) */
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "nothing");
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 60));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");
  g_assert_cmpuint (gpm_test_pod_count_posts (server), ==, 1);
  {
    g_auto(GStrv) none = gpm_plan_dup_audiences (plan);

    g_assert_null (none[0]);
  }

  /* Ticked again; a passing error says it retries, and when */
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);
  iterate_for (100);
  gpm_test_pod_inject_fault (server, "/status_messages", GPM_TEST_POD_FAULT_STATUS, 503, 1);
  gpm_migrate_page_set_delay (page, 1);
  gpm_migrate_page_start (page);
  args[0] = page;
  args[1] = "Retrying in";
  g_assert_true (gpm_test_gui_wait (waiting_says, args, 60));
  g_test_message ("retry: %s", gpm_migrate_page_get_waiting (page));

  /* Stopped, then continued from the page */
  gpm_migrate_page_stop (page);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 60));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "stopped");
  g_assert_true (gtk_widget_get_visible (page->resume_button));
  gpm_migrate_page_set_delay (page, 0);
  g_signal_emit_by_name (page->resume_button, "clicked");
  g_assert_true (gpm_migrate_page_is_running (page));
  g_assert_false (gtk_widget_get_visible (page->resume_button));
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");
  /* the total counts what is sent, not Cy's skipped post */
  g_test_message ("progress: %s", gtk_label_get_label (page->progress_label));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (page->progress_label), "5 of 5 posts posted · 1 skipped"));

  /* a, b, c, f (once, to both circles' aspects), Bo's to all aspects; not Cy's */
  received = gpm_test_pod_dup_posts (server);
  g_assert_cmpuint (received->len, ==, 5);
  for (guint i = 0; i < received->len; i++)
    {
      GpmTestPodPost *post = g_ptr_array_index (received, i);

      g_assert_null (strstr (post->text, "Just for Cy"));
      if (strstr (post->text, "Just for Bo") != NULL || strstr (post->text, "Family and work") != NULL)
        {
          g_assert_false (post->is_public);
          g_assert_cmpuint (post->aspect_ids->len, ==, 2);
          g_assert_true (g_array_index (post->aspect_ids, gint64, 0) == family ||
                         g_array_index (post->aspect_ids, gint64, 1) == family);
          g_assert_true (g_array_index (post->aspect_ids, gint64, 0) == work ||
                         g_array_index (post->aspect_ids, gint64, 1) == work);
        }
    }

  /* "Continue where you left off" in a new window restores the whole plan */
  g_assert_true (gpm_test_gui_wait (plan_saved, page, 30));
  g_clear_object (&saved);
  saved = gpm_plan_load (gpm_migrate_page_get_journal (page), &error);
  g_assert_no_error (error);
  g_settings_set_string (gpm_settings_get_default (), "last-pod", gpm_pod_get_address (pod));
  g_settings_set_string (gpm_settings_get_default (), "last-user", "alice");
  {
    GpmWindow *again = gpm_window_new (gpm_test_gui_get_app ());
    GpmMigratePage *again_page = gpm_window_get_migrate_page (again);
    g_auto(GStrv) ticked = NULL;
    g_auto(GStrv) saved_audiences = gpm_plan_dup_audiences (saved);

    gpm_test_gui_open (again, paths);
    g_assert_true (gpm_test_gui_wait (plan_restored, again, 60));
    /* the sidebar's preset first; Continue ticks what the plan had */
    gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (again), "nothing");
    gpm_test_gui_wait_list (again);
    gpm_window_continue_migration (again, pod);
    g_assert_true (gpm_test_gui_wait (gpm_test_gui_statement_ready, again_page, 60));
    g_assert_true (gpm_plan_equal (gpm_migrate_page_get_plan (again_page), saved));
    ticked = gpm_scope_sidebar_get_selected_keys (gpm_window_get_sidebar (again));
    qsort (ticked, g_strv_length (ticked), sizeof (char *), compare_strings);
    g_assert_cmpstrv (ticked, saved_audiences);
    gtk_window_destroy (GTK_WINDOW (again));
  }

  /* An export runs with the posts it started with: a new selection is refused, with why */
  {
    g_autofree char *out = g_build_filename (fx->tmp, "export", NULL);
    Updated refused = { 0 };
    const char *none[] = { NULL };
    g_autoptr(GPtrArray) selected = gpm_window_dup_selected_posts (window);

    gpm_migrate_page_export (page, gpm_import_get_takeout (gpm_window_get_import (window)), selected, out);
    g_assert_true (gpm_migrate_page_is_running (page));
    gpm_migrate_page_update_audiences_async (page, none, NULL, updated_cb, &refused);
    g_assert_true (gpm_test_gui_wait (updated, &refused, 30));
    g_assert_false (refused.ok);
    g_assert_error (refused.error, G_IO_ERROR, G_IO_ERROR_BUSY);
    g_test_message ("refused: %s", refused.error->message);
    g_clear_error (&refused.error);
    g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 60));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static AdwComboRow *
mapping_row (GpmMigratePage *page,
             const char     *key)
{
  for (guint i = 0; page->mapping_rows != NULL && i < page->mapping_rows->len; i++)
    {
      AdwComboRow *row = g_ptr_array_index (page->mapping_rows, i);
      PrivateScope *ps = g_object_get_data (G_OBJECT (row), "gpm-scope");

      if (g_str_equal (ps->key, key))
        return row;
    }
  return NULL;
}

static gboolean
rows_made (gpointer data)
{
  GpmMigratePage *page = data;

  return page->mapping_rows != NULL && page->rows_idle == 0;
}

static const char *
row_choice (AdwComboRow *row,
            guint        i)
{
  GListModel *model = adw_combo_row_get_model (row);
  g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

/* The "New Aspect" dialog on screen whose text has @data in it */
static gboolean
new_aspect_dialog_says (gpointer data)
{
  AdwMessageDialog *dialog = (AdwMessageDialog *) gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && g_strcmp0 (adw_message_dialog_get_heading (dialog), "New Aspect") == 0
         && strstr (adw_message_dialog_get_body (dialog), data) != NULL;
}

static gboolean
target_is (gpointer data)
{
  gpointer *args = data;
  const char *aspect = NULL;

  return gpm_plan_get_target (args[0], args[1], &aspect) == GPM_PLAN_TARGET_ASPECT && g_strcmp0 (aspect, args[2]) == 0;
}

/* "New Aspect…" on the plan page: the aspect made on the pod, chosen for
 * the audience, kept in the plan */
/* Alice (with an aspect Family) signed in, the takeout open with every
 * audience ticked, in a window of 1100 × 720 showing her plan */
static GpmWindow *
plan_shown_for_alice (GpmTestGuiPodTakeout *fx,
                      GpmPod              **out_pod)
{
  GpmWindow *window;

  gpm_test_pod_add_user (fx->pod, "alice", "correct horse", NULL);
  gpm_test_pod_add_aspect (fx->pod, "alice", "Family");
  *out_pod = sign_in_as (fx->pod, "alice");
  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  gpm_test_gui_open_everything (window, fx->paths);
  gpm_window_show_migration (window, *out_pod);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_statement_ready, gpm_window_get_migrate_page (window), 60));
  return window;
}

static void
test_create_aspect (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-plan-XXXXXX", posts, G_N_ELEMENTS (posts));
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GpmPlan) saved = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  GpmWindow *window;
  GpmMigratePage *page;
  AdwComboRow *work_row, *family_row;
  AdwMessageDialog *dialog;
  GtkEditable *entry;
  guint n_choices, family_choice;
  gpointer args[3];

  window = plan_shown_for_alice (fx, &pod);
  page = gpm_window_get_migrate_page (window);
  g_assert_true (gpm_test_gui_wait (rows_made, page, 30));

  /* Work has no aspect yet: skipped; "New Aspect…" is its last choice */
  work_row = mapping_row (page, "circles/2-w");
  family_row = mapping_row (page, "circles/1-f");
  g_assert_nonnull (work_row);
  g_assert_cmpuint (adw_combo_row_get_selected (work_row), ==, 0);
  family_choice = adw_combo_row_get_selected (family_row);
  g_assert_cmpstr (row_choice (family_row, family_choice), ==, "Aspect “Family”");
  n_choices = g_list_model_get_n_items (adw_combo_row_get_model (work_row));
  g_assert_cmpstr (row_choice (work_row, n_choices - 1), ==, "New Aspect…");

  /* choosing it asks for a name, the circle's suggested; the row keeps
   * showing the plan's choice meanwhile */
  adw_combo_row_set_selected (work_row, n_choices - 1);
  g_assert_true (gpm_test_gui_wait (new_aspect_dialog_says, "shared with “Work”", 10));
  g_assert_cmpuint (adw_combo_row_get_selected (work_row), ==, 0);
  dialog = (AdwMessageDialog *) gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "Work");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "create"));
  /* an empty or too long name cannot be sent */
  gtk_editable_set_text (entry, "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "create"));
  gtk_editable_set_text (entry, "A name much too long for diaspora");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "create"));

  /* a name the account has (in another case): asked again, with why */
  gtk_editable_set_text (entry, "family");
  adw_message_dialog_response (dialog, "create");
  g_assert_true (gpm_test_gui_wait (new_aspect_dialog_says, "You already have an aspect named “Family”", 30));
  dialog = (AdwMessageDialog *) gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "family");
  g_assert_cmpint (gpm_plan_lookup_target (gpm_migrate_page_get_plan (page), "circles/2-w", NULL), ==,
                   GPM_PLAN_TARGET_SKIP);

  gtk_editable_set_text (entry, " Work mates ");
  adw_message_dialog_response (dialog, "create");
  args[0] = gpm_migrate_page_get_plan (page);
  args[1] = "circles/2-w";
  args[2] = "Work mates";
  g_assert_true (gpm_test_gui_wait (target_is, args, 30));

  /* on the pod, in every row's choices (before "New Aspect…"), chosen in
   * Work's row, said in the statement; Family's row keeps its choice */
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 2);
  g_assert_cmpstr (((GpmPodAspect *) g_ptr_array_index (aspects, 1))->name, ==, "Work mates");
  g_assert_cmpstr (row_choice (work_row, adw_combo_row_get_selected (work_row)), ==, "Aspect “Work mates”");
  g_assert_cmpstr (row_choice (work_row, n_choices), ==, "New Aspect…");
  g_assert_cmpstr (row_choice (family_row, n_choices - 1), ==, "Aspect “Work mates”");
  g_assert_cmpuint (adw_combo_row_get_selected (family_row), ==, family_choice);
  g_assert_nonnull (strstr (gpm_migrate_page_get_statement (page),
                            "1 post shared with Work goes to the aspect Work mates."));

  /* kept in the journal: the next plan of this account has it */
  g_assert_true (gpm_test_gui_wait (plan_saved, page, 30));
  saved = gpm_plan_load (gpm_migrate_page_get_journal (page), &error);
  g_assert_no_error (error);
  g_assert_true (target_is ((gpointer[]) { saved, "circles/2-w", "Work mates" }));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The plan's count is shown (whatever it says) */
static gboolean
plan_counted (gpointer page)
{
  return ((GpmMigratePage *) page)->counted && ((GpmMigratePage *) page)->prepare_task == NULL;
}

static gboolean
all_on_pod (gpointer page)
{
  return plan_counted (page) && gpm_migrate_page_is_all_on_pod (page);
}

/* Start is not offered: the count says there is nothing to send, and
 * nothing is on the pod */
static gboolean
nothing_to_start (gpointer page)
{
  return plan_counted (page) && !gtk_widget_get_visible (((GpmMigratePage *) page)->header_start_button)
         && !gpm_migrate_page_is_all_on_pod (page);
}

static gboolean
start_offered (gpointer page)
{
  return plan_counted (page) && gtk_widget_get_visible (((GpmMigratePage *) page)->header_start_button);
}

/* The plan after some of its posts, then all, are on the pod: the counts
 * and the duration are of what is left; with nothing left it says so, with
 * how many and where, offers the pod and more audiences, and no Start (in
 * German too, at 400 px) */
static void
test_all_on_pod (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-plan-XXXXXX", posts, G_N_ELEMENTS (posts));
  g_autoptr(GpmPod) pod = NULL;
  g_autofree char *guid = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *expected_uri = NULL;
  GpmScopeSidebar *sidebar;
  GpmWindow *window;
  GpmMigratePage *page;
  GpmPlan *plan;
  const char *statement;
  const char *only_public[] = { "PUBLIC", NULL };

  guid = gpm_test_pod_add_user (fx->pod, "alice", "correct horse", NULL);
  gpm_test_pod_add_aspect (fx->pod, "alice", "Family");
  pod = sign_in_as (fx->pod, "alice");
  /* Not presented (see test_plan_page()) */
  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gpm_test_gui_open_everything (window, fx->paths);
  sidebar = gpm_window_get_sidebar (window);
  page = gpm_window_get_migrate_page (window);

  /* First only the public posts, the first left out: b is sent */
  gpm_scope_tree_select_keys (gpm_scope_sidebar_get_roots (sidebar), only_public);
  gpm_test_gui_wait_list (window);
  plan = gpm_window_get_plan (window);
  gpm_plan_set_post_excluded (plan, "users/1/posts/a", TRUE);
  gpm_window_show_migration (window, pod);
  g_assert_true (gpm_test_gui_wait (start_offered, page, 60));
  g_assert_false (gpm_migrate_page_is_all_on_pod (page));
  gpm_migrate_page_set_delay (page, 0);
  gpm_migrate_page_start (page);
  g_assert_false (gtk_widget_get_visible (page->run_view_pod_button));
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
  g_assert_cmpuint (gpm_test_pod_count_posts (fx->pod), ==, 1);
  /* "All Done" offers the pod, as the plan's all-on-pod state does */
  g_assert_cmpstr (gtk_label_get_label (page->run_title), ==, "All Done");
  g_assert_true (gtk_widget_get_visible (page->run_view_pod_button));
  g_assert_true (gtk_widget_has_css_class (page->run_view_pod_button, "suggested-action"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (page->run_view_pod_button), gpm_pod_get_display_name (pod)));
  g_assert_true (gtk_widget_get_visible (page->done_button));

  /* The plan again: its one post is on the pod; more audiences can be
   * ticked ("Choose More Audiences": back to the posts) */
  gpm_window_show_migration (window, pod);
  g_assert_true (gpm_test_gui_wait (all_on_pod, page, 60));
  statement = gpm_migrate_page_get_statement (page);
  g_test_message ("public on the pod: %s", statement);
  g_assert_nonnull (strstr (statement, "The 1 post you chose is on 127.0.0.1:"));
  g_assert_nonnull (strstr (statement, "1 post is left out by you."));
  g_assert_nonnull (strstr (statement, "To move more of your posts, tick more audiences."));
  g_assert_null (strstr (statement, "aspects"));
  g_assert_false (gtk_widget_get_visible (page->mapping_box));
  g_assert_true (gtk_widget_get_visible (page->more_button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (page->more_button)), ==, "_Choose More Audiences");
  g_signal_emit_by_name (page->more_button, "clicked");
  g_assert_cmpstr (gpm_window_get_page (window), ==, "review");

  /* Everything ticked, a back in: a, c and f are left, b is on the pod.
   * The counts are of what is left (b is not "published publicly" again),
   * and so is the duration */
  gpm_plan_set_post_excluded (plan, "users/1/posts/a", FALSE);
  gpm_scope_sidebar_apply_preset (sidebar, "everything");
  gpm_test_gui_wait_list (window);
  gpm_window_show_migration (window, pod);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_statement_ready, page, 60));
  g_assert_true (gpm_test_gui_wait (start_offered, page, 60));
  statement = gpm_migrate_page_get_statement (page);
  g_test_message ("some on the pod: %s", statement);
  g_assert_nonnull (strstr (statement, "1 post will be published publicly on 127.0.0.1:"));
  g_assert_nonnull (strstr (statement, "2 posts shared with Family go to the aspect Family."));
  g_assert_nonnull (strstr (statement, "2 private posts are skipped."));
  g_assert_nonnull (strstr (statement, "1 of the posts you chose is on the pod already. It will not be posted again."));
  g_assert_false (gpm_migrate_page_is_all_on_pod (page));
  g_assert_true (gpm_test_gui_wait (rows_made, page, 30));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (mapping_row (page, "circles/1-f"))), ==, "2 posts");
  g_test_message ("summary: %s", gtk_label_get_label (page->summary_duration_label));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (page->summary_duration_label), "3 posts to send. "));
  gpm_migrate_page_set_delay (page, 60);
  gpm_migrate_page_set_max_per_day (page, 1);
  g_test_message ("duration: %s", gpm_migrate_page_get_duration (page));
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *three = gpm_plan_describe_estimate (plan, 3, now);
    g_autofree char *four = gpm_plan_describe_estimate (plan, 4, now);

    /* (the same to the minute: "…, until" and what follows left out).
     * b, sent minutes ago, holds today's cap: the three left take the
     * days four would from nothing (the old estimate said two) */
    *strstr (three, ", until") = '\0';
    *strstr (four, ", until") = '\0';
    g_assert_cmpstr (three, !=, four);
    g_assert_true (g_str_has_prefix (gpm_migrate_page_get_duration (page), four));
  }
  {
    /* The one estimate: the CLI's dry run's and the migrator's at its
     * start (gpm_plan_estimate_run(): check-cli-post.py,
     * test-migrator-longrun's estimate-is-schedule), of the page's plan,
     * posts and journal */
    g_autoptr(GpmPlan) effective = _gpm_migrate_page_dup_effective_plan (page);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    guint n = 0;
    gint64 seconds = gpm_plan_estimate_run (effective, page->posts, page->journal, g_date_time_to_unix (now), &n);
    g_autofree char *core = gpm_plan_describe_seconds (effective, n, seconds, now);

    g_assert_cmpuint (n, ==, 3);
    g_assert_cmpstr (gpm_migrate_page_get_duration (page), ==, core);
  }
  gpm_migrate_page_set_max_per_day (page, 100);
  gpm_migrate_page_set_delay (page, 0);
  gpm_migrate_page_start (page);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
  g_assert_cmpuint (gpm_test_pod_count_posts (fx->pod), ==, 4);

  /* Everything chosen is on the pod: said with how many and where; no
   * Start, no pace; the pod and more audiences offered */
  gpm_window_show_migration (window, pod);
  g_assert_true (gpm_test_gui_wait (all_on_pod, page, 60));
  statement = gpm_migrate_page_get_statement (page);
  g_test_message ("all on the pod: %s", statement);
  g_assert_nonnull (strstr (statement, "All 4 posts you chose are on 127.0.0.1:"));
  g_assert_nonnull (strstr (statement, ", posted as alice."));
  g_assert_nonnull (strstr (statement, "2 of them are visible to the aspects chosen for them only."));
  g_assert_nonnull (strstr (statement, "2 private posts are skipped: choose aspects for their audiences below"));
  g_assert_null (strstr (statement, "will be published"));
  g_assert_cmpstr (gtk_label_get_label (page->done_label), ==, statement);
  g_assert_cmpstr (gtk_label_get_label (page->plan_title), ==, "Your Posts Are on the Pod");
  g_assert_false (gtk_widget_get_visible (page->header_start_button));
  g_assert_true (gtk_widget_get_visible (page->header_back_button));
  g_assert_true (gtk_widget_get_visible (page->done_box));
  g_assert_false (gtk_widget_get_visible (page->pace_group));
  g_assert_false (gtk_widget_get_visible (page->summary_box));
  g_assert_false (gtk_widget_get_visible (page->duration_box));
  /* the skipped audiences' rows stay: an aspect chosen there moves more;
   * their counts too are of what is left */
  g_assert_true (gpm_test_gui_wait (rows_made, page, 30));
  g_assert_true (gtk_widget_get_visible (page->mapping_box));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (mapping_row (page, "circles/1-f"))), ==,
                   "0 posts left of 2");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (mapping_row (page, "circles/2-w"))), ==,
                   "0 posts left of 1");
  uri = gpm_migrate_page_dup_profile_uri (page);
  expected_uri = g_strconcat (gpm_pod_get_address (pod), "/people/", guid, NULL);
  g_assert_cmpstr (uri, ==, expected_uri);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (page->view_pod_button), gpm_pod_get_display_name (pod)));

  /* An aspect for the people: their two posts are to send, Start is back */
  adw_combo_row_set_selected (page->people_combo, 1);
  g_assert_true (start_offered (page));
  statement = gpm_migrate_page_get_statement (page);
  g_test_message ("people mapped: %s", statement);
  /* none public left: no "0 posts will be published"; the pod and the
   * account still said, first */
  g_assert_null (strstr (statement, "published publicly"));
  g_assert_null (strstr (statement, "0 posts"));
  g_assert_true (g_str_has_prefix (statement, "2 posts will be posted on 127.0.0.1:"));
  g_assert_nonnull (strstr (statement, " as alice, none of them publicly. 2 posts shared with single people"));
  g_assert_nonnull (strstr (statement, "2 posts shared with single people go to the aspects chosen for them."));
  g_assert_nonnull (strstr (statement, "4 of the posts you chose are on the pod already."));
  g_assert_null (strstr (statement, "shared with Family go"));
  g_assert_true (gtk_widget_get_visible (page->pace_group));
  g_assert_cmpstr (gtk_label_get_label (page->plan_title), ==, "Ready to Move Your Posts");
  /* and skipped again */
  adw_combo_row_set_selected (page->people_combo, 0);
  g_assert_true (all_on_pod (page));
  g_assert_false (gtk_widget_get_visible (page->header_start_button));

  /* Every audience ticked: none more to tick; back to the posts by Back */
  statement = gpm_migrate_page_get_statement (page);
  g_assert_null (strstr (statement, "tick more audiences"));
  g_assert_false (gtk_widget_get_visible (page->more_button));
  g_signal_emit_by_name (page->header_back_button, "clicked");
  g_assert_cmpstr (gpm_window_get_page (window), ==, "review");

  /* Nothing ticked: nothing to send, no Start either */
  gpm_scope_sidebar_apply_preset (sidebar, "nothing");
  gpm_test_gui_wait_list (window);
  gpm_window_show_migration (window, pod);
  g_assert_true (gpm_test_gui_wait (nothing_to_start, page, 60));
  g_assert_cmpstr (gpm_migrate_page_get_duration (page), ==, "Nothing to send.");
  g_assert_cmpstr (gtk_label_get_label (page->plan_title), ==, "Ready to Move Your Posts");
  statement = gpm_migrate_page_get_statement (page);
  g_test_message ("nothing ticked: %s", statement);
  g_assert_true (g_str_has_prefix (statement, "Nothing will be posted on 127.0.0.1:"));
  g_assert_null (strstr (statement, "0 posts"));
  gtk_window_destroy (GTK_WINDOW (window));

  /* In German, in a window 400 px wide: the page fits it */
  gpm_test_gui_set_language ("de");
  {
    GtkWidget *row;
    int min = 0;

    window = gpm_window_new (gpm_test_gui_get_app ());
    gtk_window_set_default_size (GTK_WINDOW (window), 400, 720);
    gtk_window_present (GTK_WINDOW (window));
    gpm_test_gui_open_everything (window, fx->paths);
    page = gpm_window_get_migrate_page (window);
    gpm_window_show_migration (window, pod);
    g_assert_true (gpm_test_gui_wait (all_on_pod, page, 60));
    g_assert_true (gpm_test_gui_wait (rows_made, page, 30));
    iterate_for (200);
    g_test_message ("German: %s", gpm_migrate_page_get_statement (page));
    g_assert_cmpstr (gtk_label_get_label (page->plan_title), !=, "Your Posts Are on the Pod");
    gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
    g_test_message ("the page's minimum width %d, at %d", min, gtk_widget_get_width (GTK_WIDGET (page)));
    g_assert_cmpint (min, <=, 400);
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (page)), <=, 400);
    row = gtk_widget_get_parent (page->view_pod_button);
    g_assert_cmpint (gtk_widget_get_width (row), <=, gtk_widget_get_width (GTK_WIDGET (page)));
    gtk_window_destroy (GTK_WINDOW (window));
  }
  gpm_test_gui_set_language ("C");
}

/* A takeout that says isPublic, everything ticked: the closed community's
 * row says what it is, not only its name (as its sidebar row does) */
static void
test_closed_community_row (void)
{
  static const GpmTestPostFile closed_posts[] = {
    { "20180101 - A.json", POST ("a", "2018-01-01 10:00:00+0000", "Hello world",
                                 "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}, \"isPublic\": true}") },
    { "20180202 - B.json", POST ("b", "2018-02-02 10:00:00+0000", "Closed community post",
                                 "\"postAcl\": {\"communityAcl\": {\"community\": {\"resourceName\": \"communities/66\", \"displayName\": \"Secret Club\"}}}") },
    { "20180303 - C.json", POST ("c", "2018-03-03 10:00:00+0000", "Only for the family", CIRCLES_ACL (CIRCLE ("circles/1-f", "Family"))) },
  };
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-plan-XXXXXX", closed_posts, G_N_ELEMENTS (closed_posts));
  g_autoptr(GpmPod) pod = NULL;
  GpmWindow *window;
  GpmMigratePage *page;
  AdwComboRow *row;

  gpm_test_pod_add_user (fx->pod, "alice", "correct horse", NULL);
  gpm_test_pod_add_aspect (fx->pod, "alice", "Family");
  pod = sign_in_as (fx->pod, "alice");
  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  gpm_test_gui_open_everything (window, fx->paths);
  page = gpm_window_get_migrate_page (window);
  gpm_window_show_migration (window, pod);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_statement_ready, page, 60));
  g_assert_true (gpm_test_gui_wait (rows_made, page, 30));

  row = mapping_row (page, "communities/66");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Secret Club");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "1 post · closed community, never public");
  /* a circle's row only counts */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (mapping_row (page, "circles/1-f"))), ==, "1 post");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
continue_offered (gpointer window)
{
  return ((GpmWindow *) window)->continue_toast != NULL;
}

static gboolean
offer_gone (gpointer window)
{
  return ((GpmWindow *) window)->continue_toast == NULL;
}

/* "Continue" taken the moment its offer comes, the offer's toast replacing
 * another: the offer goes, once it is shown (libadwaita 1.2's overlay
 * frees its record of a toast dismissed while its show animation runs, and
 * the show's end then reads it: under MALLOC_PERTURB_, which meson test
 * sets, a SIGSEGV in adw_animation_skip()) */
static void
test_continue_at_once (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-plan-XXXXXX", posts, G_N_ELEMENTS (posts));
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(AdwToast) busy = adw_toast_new ("Busy");
  GSettings *settings = gpm_settings_get_default ();
  GpmWindow *window, *again;
  GpmMigratePage *page;

  /* a plan kept in this account's journal: the next window offers to continue */
  window = plan_shown_for_alice (fx, &pod);
  page = gpm_window_get_migrate_page (window);
  g_assert_true (gpm_test_gui_wait (plan_saved, page, 30));
  g_settings_set_string (settings, "last-pod", gpm_pod_get_address (pod));
  g_settings_set_string (settings, "last-user", "alice");

  /* another toast on screen when the offer comes */
  again = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_set_default_size (GTK_WINDOW (again), 1100, 720);
  gtk_window_present (GTK_WINDOW (again));
  adw_toast_set_timeout (busy, 0);
  adw_toast_overlay_add_toast (again->toast_overlay, g_object_ref (busy));
  iterate_for (500);
  gpm_test_gui_open (again, fx->paths);
  g_assert_true (gpm_test_gui_wait (continue_offered, again, 60));
  /* (the offer in view now if it waited for that toast) */
  adw_toast_dismiss (busy);
  gpm_window_continue_migration (again, pod);
  g_assert_true (gpm_test_gui_wait (offer_gone, again, 10));
  g_assert_true (gpm_test_gui_wait (prepared, gpm_window_get_migrate_page (again), 60));
  /* every toast animation over */
  iterate_for (1000);

  gtk_window_destroy (GTK_WINDOW (again));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The window closed while "New Aspect…" asks the pod for the aspect, and
 * the pod refuses the name: not asked again, in a dialog of no window (the
 * page kept alive by it) */
static void
test_close_while_creating_aspect (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-plan-XXXXXX", posts, G_N_ELEMENTS (posts));
  g_autoptr(GpmPod) pod = NULL;
  GpmWindow *window;
  GpmMigratePage *page;
  AdwComboRow *work_row;
  AdwMessageDialog *dialog;
  guint n_choices;

  window = plan_shown_for_alice (fx, &pod);
  page = gpm_window_get_migrate_page (window);
  g_assert_true (gpm_test_gui_wait (rows_made, page, 30));

  work_row = mapping_row (page, "circles/2-w");
  n_choices = g_list_model_get_n_items (adw_combo_row_get_model (work_row));
  adw_combo_row_set_selected (work_row, n_choices - 1);
  g_assert_true (gpm_test_gui_wait (new_aspect_dialog_says, "shared with “Work”", 10));
  dialog = (AdwMessageDialog *) gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "family");
  /* the pod takes 2 s to answer; the window closes meanwhile */
  gpm_test_pod_inject_fault (fx->pod, "/api/v1/aspects", GPM_TEST_POD_FAULT_SLOW, 2000, 1);
  adw_message_dialog_response (dialog, "create");
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (3000);
  g_assert_null (gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

/* Prepares the plan of @window for @pod and waits until it is shown */
static void
plan_for (GpmWindow *window,
          GpmPod    *pod)
{
  GpmMigratePage *page = gpm_window_get_migrate_page (window);

  gpm_window_show_migration (window, pod);
  g_assert_true (gpm_test_gui_wait (prepared, page, 60));
  g_assert_true (gpm_test_gui_wait (rows_made, page, 30));
}

/* The plan restored at start is the last account's; another account
 * signed in gets its own: never the other's aspect choices */
static void
test_other_account (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-plan-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *server = fx->pod;
  const char * const *paths = fx->paths;
  g_autoptr(GpmPod) alice = NULL;
  g_autoptr(GpmPod) bob = NULL;
  GpmWindow *window, *first, *second;
  GpmMigratePage *page;
  GpmPlan *plan;
  const char *aspect = NULL;

  gpm_test_pod_add_user (server, "alice", "correct horse", NULL);
  gpm_test_pod_add_aspect (server, "alice", "Family");
  gpm_test_pod_add_aspect (server, "alice", "Work");
  gpm_test_pod_add_user (server, "bob", "correct horse", NULL);
  /* an aspect of the same name: other people, another account */
  gpm_test_pod_add_aspect (server, "bob", "Work");
  alice = sign_in_as (server, "alice");
  bob = sign_in_as (server, "bob");

  /* Alice's plan: Family's posts to her Work aspect, post a left out, b edited */
  window = gpm_window_new (gpm_test_gui_get_app ());
  gpm_test_gui_open_everything (window, paths);
  page = gpm_window_get_migrate_page (window);
  plan_for (window, alice);
  plan = gpm_migrate_page_get_plan (page);
  gpm_migrate_page_set_target (page, "circles/1-f", GPM_PLAN_TARGET_ASPECT, "Work");
  gpm_plan_set_post_excluded (plan, "users/1/posts/a", TRUE);
  gpm_plan_set_post_text (plan, "users/1/posts/b", "Alice's words");
  gpm_migrate_page_save_plan (page);
  g_assert_true (gpm_test_gui_wait (plan_saved, page, 30));
  /* Left open: a journal closed (in a worker) while the next window looks
   * for it can be missed (gpm-journal.c's scan sets no busy timeout before
   * reading a journal's meta) */
  first = window;

  /* The app again: Alice's plan comes back at start (she was the last) */
  g_settings_set_string (gpm_settings_get_default (), "last-pod", gpm_pod_get_address (alice));
  g_settings_set_string (gpm_settings_get_default (), "last-user", "alice");
  window = gpm_window_new (gpm_test_gui_get_app ());
  page = gpm_window_get_migrate_page (window);
  gpm_test_gui_open (window, paths);
  plan = gpm_window_get_plan (window);
  {
    gpointer args[] = { plan, "circles/1-f", "Work" };

    g_assert_true (gpm_test_gui_wait (target_is, args, 60));
  }
  g_assert_true (gpm_plan_is_post_excluded (plan, "users/1/posts/a"));
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);

  /* Bob, who has no plan yet: nothing of Alice's aspects, though he has
   * a "Work" too; the takeout's decisions (post a left out, b's text)
   * and the ticks carry over */
  plan_for (window, bob);
  g_assert_true (gpm_migrate_page_get_plan (page) == plan);
  g_assert_false (gpm_plan_has_target (plan, "circles/1-f"));
  g_assert_cmpint (gpm_plan_lookup_target (plan, "circles/1-f", NULL), ==, GPM_PLAN_TARGET_SKIP);
  /* the aspect named like the circle is suggested, his own */
  g_assert_cmpint (gpm_plan_get_target (plan, "circles/2-w", &aspect), ==, GPM_PLAN_TARGET_ASPECT);
  g_assert_cmpstr (aspect, ==, "Work");
  g_assert_null (strstr (gpm_migrate_page_get_statement (page), "shared with Family go to"));
  g_assert_true (gpm_plan_is_post_excluded (plan, "users/1/posts/a"));
  g_assert_cmpstr (gpm_plan_get_post_text (plan, "users/1/posts/b"), ==, "Alice's words");
  g_assert_true (gpm_plan_has_audience (plan, "PUBLIC"));
  /* his own choices, kept in his journal: Family to all his aspects,
   * post a not left out */
  gpm_migrate_page_set_target (page, "circles/1-f", GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
  gpm_plan_set_post_excluded (plan, "users/1/posts/a", FALSE);
  gpm_migrate_page_save_plan (page);
  g_assert_true (gpm_test_gui_wait (plan_saved, page, 30));

  /* Back to Alice: hers again */
  plan_for (window, alice);
  g_assert_cmpint (gpm_plan_get_target (plan, "circles/1-f", &aspect), ==, GPM_PLAN_TARGET_ASPECT);
  g_assert_cmpstr (aspect, ==, "Work");
  g_assert_true (gpm_plan_is_post_excluded (plan, "users/1/posts/a"));
  second = window;

  /* The app again with Alice last: then Bob signs in, and gets his plan,
   * not the one restored at start */
  window = gpm_window_new (gpm_test_gui_get_app ());
  page = gpm_window_get_migrate_page (window);
  gpm_test_gui_open (window, paths);
  plan = gpm_window_get_plan (window);
  {
    gpointer args[] = { plan, "circles/1-f", "Work" };

    g_assert_true (gpm_test_gui_wait (target_is, args, 60));
  }
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);
  plan_for (window, bob);
  g_assert_cmpint (gpm_plan_get_target (plan, "circles/1-f", NULL), ==, GPM_PLAN_TARGET_ALL_ASPECTS);
  g_assert_false (gpm_plan_is_post_excluded (plan, "users/1/posts/a"));
  g_assert_cmpstr (gpm_plan_get_post_text (plan, "users/1/posts/b"), ==, "Alice's words");
  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_destroy (GTK_WINDOW (first));
}

static gboolean
post_a_excluded (gpointer plan)
{
  return gpm_plan_is_post_excluded (plan, "users/1/posts/a");
}

/* The journal the window restored its plan from keeps post a in */
static gboolean
journal_keeps_a (gpointer window)
{
  GpmJournal *journal = gpm_window_get_state_journal (window);
  g_autoptr(GpmPlan) saved = journal != NULL ? gpm_plan_load (journal, NULL) : NULL;

  return saved != NULL && !gpm_plan_is_post_excluded (saved, "users/1/posts/a");
}

/* A decision taken before signing in, on the plan the app restored at
 * start: kept at once in that account's journal, with the audiences
 * "Continue" brings back. It was kept nowhere: the next start (or going
 * back to that account, gpm_plan_switch_account()) left the post out again. */
static void
test_decisions_before_sign_in (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-before-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *server = fx->pod;
  const char * const *paths = fx->paths;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) erin = NULL;
  g_auto(GStrv) audiences = NULL;
  g_auto(GStrv) audiences_after = NULL;
  GpmWindow *window, *first, *second;
  GpmMigratePage *page;
  GpmPreview *preview;
  GtkWidget *leave_out;
  GpmPlan *plan;

  gpm_test_pod_add_user (server, "erin", "correct horse", NULL);
  erin = sign_in_as (server, "erin");

  /* Erin's plan, saved: post a left out */
  window = gpm_window_new (gpm_test_gui_get_app ());
  gpm_test_gui_open_everything (window, paths);
  page = gpm_window_get_migrate_page (window);
  plan_for (window, erin);
  plan = gpm_migrate_page_get_plan (page);
  gpm_plan_set_post_excluded (plan, "users/1/posts/a", TRUE);
  gpm_migrate_page_save_plan (page);
  g_assert_true (gpm_test_gui_wait (plan_saved, page, 30));
  audiences = gpm_plan_dup_audiences (plan);
  g_assert_cmpuint (g_strv_length (audiences), >, 0);
  first = window;

  /* The app again, Erin last: her plan comes back; post a taken back in
   * the review, nobody signed in */
  g_settings_set_string (gpm_settings_get_default (), "last-pod", gpm_pod_get_address (erin));
  g_settings_set_string (gpm_settings_get_default (), "last-user", "erin");
  window = gpm_window_new (gpm_test_gui_get_app ());
  gpm_test_gui_open (window, paths);
  plan = gpm_window_get_plan (window);
  g_assert_true (gpm_test_gui_wait (post_a_excluded, plan, 60));
  preview = gpm_window_get_preview (window);
  gpm_preview_set_post (preview, gpm_test_gui_post_with (window, "First public post"));
  leave_out = gpm_test_gui_find_widget (GTK_WIDGET (preview), FALSE, gpm_test_gui_widget_has_text, "_Leave Out");
  g_assert_true (GTK_IS_TOGGLE_BUTTON (leave_out));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (leave_out)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (leave_out), FALSE);
  g_assert_false (gpm_plan_is_post_excluded (plan, "users/1/posts/a"));
  /* kept in her journal at once, her ticks with it */
  g_assert_true (gpm_test_gui_wait (journal_keeps_a, window, 30));
  {
    g_autoptr(GpmPlan) saved = gpm_plan_load (gpm_window_get_state_journal (window), &error);

    g_assert_no_error (error);
    audiences_after = gpm_plan_dup_audiences (saved);
    g_assert_true (g_strv_equal ((const char * const *) audiences, (const char * const *) audiences_after));
  }
  second = window;

  /* and the app again: post a stays in */
  window = gpm_window_new (gpm_test_gui_get_app ());
  gpm_test_gui_open (window, paths);
  g_assert_true (gpm_test_gui_wait (journal_keeps_a, window, 60));
  g_assert_false (gpm_plan_is_post_excluded (gpm_window_get_plan (window), "users/1/posts/a"));

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_destroy (GTK_WINDOW (first));
}

static void
count_signal (gpointer  page,
              guint    *n)
{
  (*n)++;
}

static gboolean
run_begun (gpointer page)
{
  return !gpm_migrate_page_is_starting (page);
}

static gboolean
run_ended_or_begun (gpointer page)
{
  return !gpm_migrate_page_is_running (page) || !gpm_migrate_page_is_starting (page);
}

static void
prepare_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Updated *u = data;

  u->ok = gpm_migrate_page_prepare_finish (GPM_MIGRATE_PAGE (source), result, &u->error);
  u->done = TRUE;
}

/* Issue 13: Start chooses the run's posts in a worker (0.5 s of the UI
 * thread at 100,000 posts). Between the click and the run's beginning the
 * page says it is starting and is running for the rest of the app; what
 * the user does in that gap applies to the run: a stop ends it (nothing
 * sent), a pause holds its first post, ticks (taken or still being chosen
 * at the click) and a post left out are what it sends. */
static void
test_start_gap (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-start-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *server = fx->pod;
  g_autoptr(GpmPod) pod = NULL;
  const char *only_public[] = { "PUBLIC", NULL };
  const char *public_family[] = { "PUBLIC", "circles/1-f", NULL };
  GpmWindow *window;
  GpmMigratePage *page;
  GpmPlan *plan;
  guint n_started = 0, n_finished = 0;
  gpointer args[2];

  gpm_test_pod_add_user (server, "alice", "correct horse", NULL);
  gpm_test_pod_add_aspect (server, "alice", "Family");
  pod = sign_in_as (server, "alice");
  window = gpm_window_new (gpm_test_gui_get_app ());
  gpm_test_gui_open_everything (window, fx->paths);
  page = gpm_window_get_migrate_page (window);
  plan_for (window, pod);
  plan = gpm_migrate_page_get_plan (page);
  gpm_migrate_page_set_delay (page, 0);
  g_signal_connect (page, "started", G_CALLBACK (count_signal), &n_started);
  g_signal_connect (page, "finished", G_CALLBACK (count_signal), &n_finished);

  /* Ticks whose posts are still being chosen at the click, then, before
   * the run begins, post b left out and a pause: the run begins paused,
   * with the public post a alone (g has nothing of the user's own) */
  {
    Updated ticked = { 0 };

    gpm_migrate_page_update_audiences_async (page, only_public, NULL, updated_cb, &ticked);
    g_assert_nonnull (page->select_task);
    gpm_migrate_page_start (page);
    g_assert_null (page->select_task);
    g_assert_true (gpm_migrate_page_is_starting (page));
    gpm_plan_set_post_excluded (plan, "users/1/posts/b", TRUE);
    gpm_migrate_page_toggle_pause (page);
    g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "paused");
    g_assert_true (gpm_test_gui_wait (run_begun, page, 30));
    g_assert_true (ticked.done && ticked.ok);
  }
  g_assert_cmpuint (n_started, ==, 1);
  g_assert_true (gpm_migrate_page_is_running (page));
  assert_posts_follow_plan (page);
  g_assert_cmpuint (page->n_expected, ==, 1);
  g_assert_cmpint (gpm_migrator_get_state (gpm_migrate_page_get_migrator (page)), ==, GPM_MIGRATOR_STATE_PAUSED);
  iterate_for (500);
  g_assert_cmpuint (gpm_test_pod_count_posts (server), ==, 0);
  g_assert_cmpstr (gtk_label_get_label (page->progress_label), ==, "0 of 1 post posted");
  gpm_migrate_page_toggle_pause (page);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 60));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");
  g_assert_cmpuint (gpm_test_pod_count_posts (server), ==, 1);
  g_assert_cmpuint (n_finished, ==, 1);

  /* Started again (post b back in): the page says it is starting, Start is
   * gone and a second start or a new plan does nothing; Stop ends it at
   * once, and its posts, chosen meanwhile, never go */
  gpm_plan_set_post_excluded (plan, "users/1/posts/b", FALSE);
  gpm_migrate_page_start (page);
  {
    GTask *starting = page->start_task;
    Updated prepared_again = { 0 };

    g_assert_nonnull (starting);
    g_assert_true (gpm_migrate_page_is_running (page));
    g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "running");
    g_assert_false (gtk_widget_get_visible (page->header_start_button));
    g_assert_cmpstr (gtk_label_get_label (page->progress_label), ==, "Starting…");
    gpm_migrate_page_start (page);
    g_assert_true (page->start_task == starting);
    gpm_migrate_page_prepare_async (page, pod, page->takeout, page->all_posts, plan, NULL,
                                    prepare_done_cb, &prepared_again);
    g_assert_true (gpm_migrate_page_is_starting (page));
    /* (stopped before the main loop runs again: the worker has ended or
     * not, its result waits for the main loop) */
    gpm_migrate_page_stop (page);
    g_assert_true (gpm_test_gui_wait (updated, &prepared_again, 10));
    g_assert_error (prepared_again.error, G_IO_ERROR, G_IO_ERROR_BUSY);
    g_clear_error (&prepared_again.error);
  }
  g_assert_false (gpm_migrate_page_is_running (page));
  g_assert_false (gpm_migrate_page_is_starting (page));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "stopped");
  g_assert_cmpuint (n_started, ==, 2);
  g_assert_cmpuint (n_finished, ==, 2);
  g_assert_true (gtk_widget_get_visible (page->resume_button));
  iterate_for (500);
  g_assert_cmpuint (gpm_test_pod_count_posts (server), ==, 1);
  g_assert_cmpuint (n_finished, ==, 2);
  g_assert_cmpint (gpm_migrator_get_state (gpm_migrate_page_get_migrator (page)), !=, GPM_MIGRATOR_STATE_RUNNING);

  /* Continued, and new ticks before the run begins (whichever of the two
   * workers ends first): the run sends theirs, b and Family's c and f (f
   * once, shared with Work too) */
  {
    Updated ticked = { 0 };

    gpm_migrate_page_start (page);
    g_assert_true (gpm_migrate_page_is_starting (page));
    gpm_migrate_page_update_audiences_async (page, public_family, NULL, updated_cb, &ticked);
    g_assert_true (gpm_test_gui_wait (updated, &ticked, 30));
    g_assert_no_error (ticked.error);
    g_assert_true (ticked.ok);
    g_assert_true (gpm_test_gui_wait (run_ended_or_begun, page, 30));
  }
  args[0] = server;
  args[1] = GUINT_TO_POINTER (4);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 60));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");
  g_assert_true (has_posts (args));
  g_assert_cmpuint (gpm_test_pod_count_posts (server), ==, 4);
  {
    g_auto(GStrv) now = gpm_plan_dup_audiences (plan);

    g_assert_cmpstrv (now, public_family);
  }
  assert_posts_follow_plan (page);
  g_assert_cmpuint (n_started, ==, 3);
  g_assert_cmpuint (n_finished, ==, 3);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Quitting (Stop and Close) before a started run began: it never begins,
 * nothing is sent, the window goes, no criticals */
static void
test_start_gap_quit (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-start-quit-XXXXXX", posts, G_N_ELEMENTS (posts));
      GpmTestPod *server = fx->pod;
      g_autoptr(GpmPod) pod = NULL;
      g_autoptr(GpmMigrator) migrator = NULL;
      GpmWindow *window;
      GpmMigratePage *page;

      gpm_test_pod_add_user (server, "alice", "correct horse", NULL);
      pod = sign_in_as (server, "alice");
      window = gpm_window_new (gpm_test_gui_get_app ());
      /* shown, as the app's: an unrealized window is not asked to close */
      gtk_window_present (GTK_WINDOW (window));
      gpm_test_gui_open_everything (window, fx->paths);
      page = gpm_window_get_migrate_page (window);
      gpm_window_show_migration (window, pod);
      g_assert_true (gpm_test_gui_wait (prepared, page, 60));
      gpm_migrate_page_set_delay (page, 0);
      migrator = g_object_ref (gpm_migrate_page_get_migrator (page));
      /* the run's first post would take 30 s */
      gpm_test_pod_inject_fault (server, "/status_messages", GPM_TEST_POD_FAULT_SLOW, 30000, 1);
      gpm_migrate_page_start (page);
      g_assert_true (gpm_migrate_page_is_starting (page));
      /* Quit: asked first, as for a run (the page is running) */
      g_action_group_activate_action (G_ACTION_GROUP (gpm_test_gui_get_app ()), "quit", NULL);
      g_assert_true (gpm_test_gui_wait (has_message_dialog, NULL, 10));
      g_assert_true (gpm_migrate_page_is_running (page));
      /* (the dialog came at once: the main loop has not run since the
       * start, so its worker's result has not been taken) */
      g_assert_true (gpm_migrate_page_is_starting (page));
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)), "stop");
      g_assert_true (gpm_test_gui_wait (no_window_left, NULL, 10));
      iterate_for (500);
      g_assert_cmpint (gpm_migrator_get_state (migrator), !=, GPM_MIGRATOR_STATE_RUNNING);
      g_assert_cmpuint (gpm_test_pod_count_posts (server), ==, 0);
      gpm_test_rm_rf (fx->tmp);
      exit (0);
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* this process's own criticals: WebKit's web process shares the stderr
   * and may say "(process:2): GLib-GIO-CRITICAL … AddMatch() … The
   * connection is closed" when its parent quits while it starts */
  g_test_trap_assert_stderr_unmatched ("*(test-gui-plan:*CRITICAL*");
  g_test_trap_assert_stderr_unmatched ("*GLib-GObject-WARNING*");
  g_test_trap_assert_stderr_unmatched ("*Gtk-WARNING*");
}

/* Quitting while a request is in flight: over within a second, and no
 * GLib criticals (the issue saw "invalid (NULL) class pointer") */
static void
test_quit_mid_request (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-quit-XXXXXX", posts, G_N_ELEMENTS (posts));
      GpmTestPod *server = fx->pod;
      const char * const *paths = fx->paths;
      g_autoptr(GpmPod) pod = NULL;
      GpmWindow *window;
      GpmMigratePage *page;
      gint64 start;

      gpm_test_pod_add_user (server, "alice", "correct horse", NULL);
      gpm_test_pod_set_api_enabled (server, FALSE);
      pod = sign_in_as (server, "alice");
      window = gpm_window_new (gpm_test_gui_get_app ());
      /* shown, as the app's: an unrealized window is not asked to close */
      gtk_window_present (GTK_WINDOW (window));
      gpm_test_gui_open (window, paths);
      gpm_window_show_migration (window, pod);
      page = gpm_window_get_migrate_page (window);
      g_assert_true (gpm_test_gui_wait (prepared, page, 60));
      gpm_migrate_page_set_delay (page, 0);
      /* the first post's request takes 30 s */
      gpm_test_pod_inject_fault (server, "/status_messages", GPM_TEST_POD_FAULT_SLOW, 30000, 1);
      gpm_migrate_page_start (page);
      g_assert_true (gpm_test_gui_wait (is_running, page, 10));
      iterate_for (1500);

      /* Quit (Ctrl+Q): closing the window alone lets the migration go on in
       * the background; quitting asks first */
      g_action_group_activate_action (G_ACTION_GROUP (gpm_test_gui_get_app ()), "quit", NULL);
      g_assert_true (gpm_test_gui_wait (has_message_dialog, NULL, 10));
      start = g_get_monotonic_time ();
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)), "stop");
      g_assert_true (gpm_test_gui_wait (no_window_left, NULL, 10));
      iterate_for (200);
      g_test_message ("closed in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
      /* (exit() runs no g_autoptr cleanup: the folder goes now, the pod
       * stays up) */
      gpm_test_rm_rf (fx->tmp);
      /* leaving now, with the worker's request in flight: what a quit does */
      exit (0);
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* this process's own criticals: WebKit's web process shares the stderr
   * and may say "(process:2): GLib-GIO-CRITICAL … AddMatch() … The
   * connection is closed" when its parent quits while it starts */
  g_test_trap_assert_stderr_unmatched ("*(test-gui-plan:*CRITICAL*");
  g_test_trap_assert_stderr_unmatched ("*class pointer*");
  /* (not every WARNING: a WebKit helper process may say it found no
   * accessibility bus in the test's session) */
  g_test_trap_assert_stderr_unmatched ("*GLib-GObject-WARNING*");
  g_test_trap_assert_stderr_unmatched ("*Gtk-WARNING*");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("gpm-test-gui-data-XXXXXX", NULL);

  /* The journal goes under XDG_DATA_HOME: never the user's own. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!gpm_test_gui_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run -a dbus-run-session)\n");
      return 0;
    }

  gpm_test_gui_add_func ("/gui/plan/page", test_plan_page);
  gpm_test_gui_add_func ("/gui/plan/closed-community-row", test_closed_community_row);
  gpm_test_gui_add_func ("/gui/plan/quit-mid-request", test_quit_mid_request);
  gpm_test_gui_add_func ("/gui/plan/create-aspect", test_create_aspect);
  gpm_test_gui_add_func ("/gui/plan/all-on-pod", test_all_on_pod);
  gpm_test_gui_add_func ("/gui/plan/start-gap", test_start_gap);
  gpm_test_gui_add_func ("/gui/plan/start-gap-quit", test_start_gap_quit);
  gpm_test_gui_add_func ("/gui/plan/other-account", test_other_account);
  gpm_test_gui_add_func ("/gui/plan/decisions-before-sign-in", test_decisions_before_sign_in);
  gpm_test_gui_add_func ("/gui/plan/continue-at-once", test_continue_at_once);
  gpm_test_gui_add_func ("/gui/plan/close-while-creating-aspect", test_close_while_creating_aspect);

  return gpm_test_gui_run ();
}
