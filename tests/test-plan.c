/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-plan.c: the migration plan (gpm-plan): its rules, its estimate, its
 * place in the journal, and the migrator following it. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>

#include "gpm-migrator.h"
#include "gpm-plan.h"
#include "gpm-scope-index.h"
#include "gpm-test-pod.h"

static const char *acl_public = "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}";
static const char *acl_community = "{\"communityAcl\": {\"community\": {\"resourceName\": \"communities/9\", \"displayName\": \"Pi\"}}}";
static const char *acl_family = "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\","
                                " \"resourceName\": \"circles/fam\", \"displayName\": \"Family\"}]}}";
/* shared with two circles at once */
static const char *acl_family_work = "{\"visibleToStandardAcl\": {\"circles\": ["
                                     "{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\", \"resourceName\": \"circles/fam\", \"displayName\": \"Family\"},"
                                     "{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\", \"resourceName\": \"circles/work\", \"displayName\": \"Work\"}]}}";
static const char *acl_work = "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\","
                              " \"resourceName\": \"circles/work\", \"displayName\": \"Work\"}]}}";
static const char *acl_bo = "{\"visibleToStandardAcl\": {\"users\": [{\"resourceName\": \"users/77\", \"displayName\": \"Bo\"}]}}";
static const char *acl_cy = "{\"visibleToStandardAcl\": {\"users\": [{\"resourceName\": \"users/78\", \"displayName\": \"Cy\"}]}}";

static GpmPost *
make_post (guint       index,
           const char *created,
           const char *acl,
           const char *content)
{
  g_autofree char *entry = g_strdup_printf ("Takeout/Google+ Stream/Posts/post %02u.json", index);
  g_autofree char *json = g_strdup_printf ("{\"creationTime\": \"%s\","
                                           "\"author\": {\"displayName\": \"Ada\", \"resourceName\": \"users/1\"},"
                                           "\"resourceName\": \"users/1/posts/p%02u\","
                                           "\"content\": \"%s\","
                                           "\"postAcl\": %s}",
                                           created, index, content, acl);
  g_autoptr(GError) error = NULL;
  GpmPost *post = gpm_post_new_from_data (entry, json, -1, &error);

  g_assert_no_error (error);
  return post;
}

/* p01 public, p02 community, p03 Family, p04 Family+Work, p05 Work, p06 Bo,
 * p07 Cy, p08 public with nothing of the user's own (an empty text) and
 * p09 public, given newest first. */
static GPtrArray *
make_posts (void)
{
  GPtrArray *posts = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (posts, make_post (9, "2018-01-09 00:00:00+0000", acl_public, "Nine"));
  g_ptr_array_add (posts, make_post (8, "2018-01-08 00:00:00+0000", acl_public, ""));
  g_ptr_array_add (posts, make_post (7, "2018-01-07 00:00:00+0000", acl_cy, "Seven"));
  g_ptr_array_add (posts, make_post (6, "2018-01-06 00:00:00+0000", acl_bo, "Six"));
  g_ptr_array_add (posts, make_post (5, "2018-01-05 00:00:00+0000", acl_work, "Five"));
  g_ptr_array_add (posts, make_post (4, "2018-01-04 00:00:00+0000", acl_family_work, "Four"));
  g_ptr_array_add (posts, make_post (3, "2018-01-03 00:00:00+0000", acl_family, "Three"));
  g_ptr_array_add (posts, make_post (2, "2018-01-02 00:00:00+0000", acl_community, "Two"));
  g_ptr_array_add (posts, make_post (1, "2018-01-01 00:00:00+0000", acl_public, "One"));
  return posts;
}

static GpmPost *
find_post (GPtrArray  *posts,
           const char *key)
{
  for (guint i = 0; i < posts->len; i++)
    if (g_str_equal (gpm_journal_post_key (g_ptr_array_index (posts, i)), key))
      return g_ptr_array_index (posts, i);
  g_assert_not_reached ();
}

static const char * const every_audience[] = {
  "PUBLIC", "communities/9", "circles/fam", "circles/work", "users/77", "users/78", NULL
};

static void
test_plan_audience_rule (void)
{
  g_autoptr(GPtrArray) posts = make_posts ();
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  g_autoptr(GPtrArray) aspects = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gboolean is_public = FALSE, all = FALSE;

  /* public and community posts go public, whatever is mapped */
  g_assert_true (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p02"), &is_public, aspects, &all, &error));
  g_assert_no_error (error);
  g_assert_true (is_public);
  g_assert_cmpuint (aspects->len, ==, 0);

  /* a private post without a target is skipped, never public */
  g_assert_false (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p03"), &is_public, aspects, &all, &error));
  g_assert_error (error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_NO_ASPECT);
  g_assert_nonnull (strstr (error->message, "Family"));
  g_assert_false (is_public);
  g_clear_error (&error);

  /* two circles to two aspects, each once */
  gpm_plan_map_scope (plan, "circles/fam", "Family");
  gpm_plan_map_scope (plan, "circles/work", "Family");
  g_assert_true (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p04"), &is_public, aspects, &all, &error));
  g_assert_false (is_public);
  g_assert_false (all);
  g_assert_cmpuint (aspects->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (aspects, 0), ==, "Family");
  g_ptr_array_set_size (aspects, 0);

  /* people: one choice for all, one person overridden */
  gpm_plan_set_target (plan, GPM_PLAN_PEOPLE_KEY, GPM_PLAN_TARGET_ASPECT, "Friends");
  gpm_plan_set_target (plan, "users/78", GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
  g_assert_cmpint (gpm_plan_lookup_target (plan, "users/77", NULL), ==, GPM_PLAN_TARGET_ASPECT);
  g_assert_cmpint (gpm_plan_get_target (plan, "users/77", NULL), ==, GPM_PLAN_TARGET_SKIP);
  g_assert_true (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p06"), &is_public, aspects, &all, &error));
  g_assert_cmpstr (g_ptr_array_index (aspects, 0), ==, "Friends");
  g_assert_false (all);
  g_ptr_array_set_size (aspects, 0);
  g_assert_true (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p07"), &is_public, aspects, &all, &error));
  g_assert_cmpuint (aspects->len, ==, 0);
  g_assert_true (all);

  /* one person skipped while the others go to Friends; unset: Friends again */
  gpm_plan_set_target (plan, "users/77", GPM_PLAN_TARGET_SKIP, NULL);
  g_assert_true (gpm_plan_has_target (plan, "users/77"));
  g_assert_false (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p06"), NULL, NULL, NULL, NULL));
  gpm_plan_unset_target (plan, "users/77");
  g_assert_false (gpm_plan_has_target (plan, "users/77"));
  g_assert_true (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p06"), NULL, NULL, NULL, NULL));

  /* the people's choice does not reach circles */
  gpm_plan_map_scope (plan, "circles/work", NULL);
  g_assert_false (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p05"), NULL, NULL, NULL, NULL));

  {
    gboolean any_all = FALSE;
    g_auto(GStrv) names = gpm_plan_dup_target_aspects (plan, &any_all);

    g_assert_true (any_all);
    g_assert_cmpuint (g_strv_length (names), ==, 2);
    g_assert_cmpstr (names[0], ==, "Family");
    g_assert_cmpstr (names[1], ==, "Friends");
  }
}

static void
test_plan_select (void)
{
  g_autoptr(GPtrArray) posts = make_posts ();
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  g_autoptr(GPtrArray) selected = NULL;
  g_autoptr(GArray) counts_per = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) privates = NULL;
  GpmPlanCounts counts;

  gpm_plan_set_audiences (plan, every_audience);
  gpm_plan_map_scope (plan, "circles/fam", "Family");
  gpm_plan_set_post_excluded (plan, "users/1/posts/p09", TRUE);

  /* the same post twice in the input (shared with two circles): once */
  g_ptr_array_add (posts, g_object_ref (find_post (posts, "users/1/posts/p04")));
  selected = gpm_plan_select_posts (plan, posts);
  /* p01, p02 public; p03, p04 Family; not p05 (Work skipped), p06, p07
   * (people skipped), p08 (nothing own), p09 (left out); oldest first */
  g_assert_cmpuint (selected->len, ==, 4);
  g_assert_cmpstr (gpm_journal_post_key (g_ptr_array_index (selected, 0)), ==, "users/1/posts/p01");
  g_assert_cmpstr (gpm_journal_post_key (g_ptr_array_index (selected, 1)), ==, "users/1/posts/p02");
  g_assert_cmpstr (gpm_journal_post_key (g_ptr_array_index (selected, 2)), ==, "users/1/posts/p03");
  g_assert_cmpstr (gpm_journal_post_key (g_ptr_array_index (selected, 3)), ==, "users/1/posts/p04");

  gpm_plan_count (plan, posts, &counts);
  g_assert_cmpuint (counts.n_selected, ==, 9);
  g_assert_cmpuint (counts.n_public, ==, 2);
  g_assert_cmpuint (counts.n_limited, ==, 2);
  g_assert_cmpuint (counts.n_skipped, ==, 3);
  g_assert_cmpuint (counts.n_excluded, ==, 1);
  g_assert_cmpuint (counts.n_nothing_own, ==, 1);
  g_assert_cmpuint (counts.n_to_send, ==, selected->len);
  g_assert_cmpuint (counts.n_posted, ==, 0);

  /* some on the pod already: a public and a Family post, and posts the
   * plan does not send (p05: Work is skipped) are not counted */
  {
    g_autoptr(GHashTable) posted = g_hash_table_new (g_str_hash, g_str_equal);

    g_hash_table_add (posted, (gpointer) "users/1/posts/p02");
    g_hash_table_add (posted, (gpointer) "users/1/posts/p03");
    g_hash_table_add (posted, (gpointer) "users/1/posts/p05");
    gpm_plan_count_with_posted (plan, posts, posted, &counts);
    g_assert_cmpuint (counts.n_to_send, ==, 4);
    g_assert_cmpuint (counts.n_posted, ==, 2);
    g_assert_cmpuint (counts.n_public_posted, ==, 1);

    /* the same walk counts each private audience's posts not on the pod:
     * what the private audiences' rule counts of the posts left */
    {
      g_autoptr(GHashTable) left = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GPtrArray) not_posted = g_ptr_array_new ();
      g_autoptr(GArray) left_per = g_array_new (FALSE, FALSE, sizeof (guint));
      g_auto(GStrv) keys = NULL;
      GpmPlanCounts same;

      gpm_plan_count_left_per_audience (plan, posts, posted, &same, left);
      g_assert_cmpmem (&same, sizeof same, &counts, sizeof counts);
      for (guint i = 0; i < posts->len; i++)
        if (!g_hash_table_contains (posted, gpm_journal_post_key (g_ptr_array_index (posts, i))))
          g_ptr_array_add (not_posted, g_ptr_array_index (posts, i));
      keys = gpm_plan_dup_private_audiences (plan, not_posted, left_per);
      g_assert_cmpuint (g_hash_table_size (left), ==, g_strv_length (keys));
      for (guint k = 0; keys[k] != NULL; k++)
        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (left, keys[k])), ==,
                          g_array_index (left_per, guint, k));
      /* p03 (Family) is on the pod, p04 is left */
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (left, "circles/fam")), ==, 1);
    }
  }

  /* the private audiences needing a target, each post once */
  privates = gpm_plan_dup_private_audiences (plan, posts, counts_per);
  g_assert_cmpuint (g_strv_length (privates), ==, 4);
  g_assert_cmpstr (privates[0], ==, "users/78");
  g_assert_cmpuint (g_array_index (counts_per, guint, 0), ==, 1);
  g_assert_cmpstr (privates[1], ==, "users/77");
  g_assert_cmpstr (privates[2], ==, "circles/work");
  g_assert_cmpuint (g_array_index (counts_per, guint, 2), ==, 2);
  g_assert_cmpstr (privates[3], ==, "circles/fam");
  g_assert_cmpuint (g_array_index (counts_per, guint, 3), ==, 2);

  /* an edited text makes a post the user's own; unticking an audience
   * takes its posts out */
  gpm_plan_set_post_text (plan, "users/1/posts/p08", "My words now");
  gpm_plan_set_audience (plan, "communities/9", FALSE);
  g_clear_pointer (&selected, g_ptr_array_unref);
  selected = gpm_plan_select_posts (plan, posts);
  g_assert_cmpuint (selected->len, ==, 4);
  g_assert_cmpstr (gpm_journal_post_key (g_ptr_array_index (selected, 1)), ==, "users/1/posts/p03");
  g_assert_cmpstr (gpm_journal_post_key (g_ptr_array_index (selected, 3)), ==, "users/1/posts/p08");
}

static void
test_plan_estimate (void)
{
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 12, 8, 10, 0, 0);
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *text = NULL;
  gint64 seconds;

  /* nothing to send takes no time */
  g_assert_cmpint (gpm_plan_estimate (plan, 0, now, NULL), ==, 0);

  /* the example: 15,506 posts at 100 a day, a minute apart */
  gpm_plan_set_delay (plan, 60);
  gpm_plan_set_max_per_day (plan, 100);
  seconds = gpm_plan_estimate (plan, 15506, now, &end);
  g_assert_cmpint (seconds, ==, (gint64) 155 * 86400 + 5 * 60);
  g_assert_cmpint (g_date_time_get_year (end), ==, 2027);
  g_assert_cmpint (g_date_time_get_month (end), ==, 5);
  g_assert_cmpint (g_date_time_get_day_of_month (end), ==, 12);
  text = gpm_plan_describe_estimate (plan, 15506, now);
  g_assert_cmpstr (text, ==, "At 100 posts a day: about 155 days, until May 12, 2027");
  g_clear_pointer (&text, g_free);

  /* a cap the delay never reaches does not count */
  gpm_plan_set_delay (plan, 3600);
  g_assert_cmpint (gpm_plan_estimate (plan, 11, now, NULL), ==, 10 * 3600);
  text = gpm_plan_describe_estimate (plan, 11, now);
  g_assert_cmpstr (text, ==, "One post every 3600 seconds: about 10 hours, until 20:00");
  g_clear_pointer (&text, g_free);

  /* no cap: the delay alone */
  gpm_plan_set_delay (plan, 20);
  gpm_plan_set_max_per_day (plan, 0);
  g_assert_cmpint (gpm_plan_estimate (plan, 4, now, NULL), ==, 60);
  text = gpm_plan_describe_estimate (plan, 4, now);
  g_assert_cmpstr (text, ==, "One post every 20 seconds: about 1 minute, until 10:01");
  g_clear_pointer (&text, g_free);

  /* within the year: no year */
  gpm_plan_set_delay (plan, 60);
  gpm_plan_set_max_per_day (plan, 10);
  g_clear_pointer (&now, g_date_time_unref);
  now = g_date_time_new_utc (2026, 3, 1, 10, 0, 0);
  text = gpm_plan_describe_estimate (plan, 50, now);
  g_assert_cmpstr (text, ==, "At 10 posts a day: about 4 days, until March 5");
}

static char *
temp_journal_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-plan-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "journal.sqlite", NULL);
}

static void
remove_journal (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

static void
test_plan_journal (void)
{
  g_autofree char *path = temp_journal_path ();
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  g_autoptr(GpmPlan) loaded = NULL;
  g_autoptr(GpmPlan) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) audiences = NULL;
  const char *aspect = NULL;

  journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);

  /* no plan kept yet: none, and no error */
  g_assert_null (gpm_plan_load (journal, &error));
  g_assert_no_error (error);

  gpm_plan_set_audiences (plan, every_audience);
  gpm_plan_map_scope (plan, "circles/fam", "Family “close”");
  gpm_plan_set_target (plan, GPM_PLAN_PEOPLE_KEY, GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
  gpm_plan_set_target (plan, "users/77", GPM_PLAN_TARGET_ASPECT, "Bo's");
  gpm_plan_set_target (plan, "users/78", GPM_PLAN_TARGET_SKIP, NULL);
  gpm_plan_set_post_excluded (plan, "users/1/posts/p09", TRUE);
  gpm_plan_set_post_text (plan, "users/1/posts/p03", "Edited\n\n**text** with a\ttab");
  gpm_plan_set_delay (plan, 90);
  gpm_plan_set_max_per_day (plan, 100);
  gpm_plan_set_own_comments (plan, TRUE);
  gpm_plan_set_location (plan, TRUE);
  gpm_plan_set_archive_links (plan, FALSE);
  g_assert_true (gpm_plan_save (plan, journal, &error));
  g_assert_no_error (error);

  /* read back by another connection, as the next start of the app would */
  g_clear_object (&journal);
  journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);
  loaded = gpm_plan_load (journal, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_true (gpm_plan_equal (plan, loaded));
  audiences = gpm_plan_dup_audiences (loaded);
  g_assert_cmpuint (g_strv_length (audiences), ==, 6);
  g_assert_cmpint (gpm_plan_get_target (loaded, "circles/fam", &aspect), ==, GPM_PLAN_TARGET_ASPECT);
  g_assert_cmpstr (aspect, ==, "Family “close”");
  g_assert_cmpint (gpm_plan_get_target (loaded, GPM_PLAN_PEOPLE_KEY, NULL), ==, GPM_PLAN_TARGET_ALL_ASPECTS);
  g_assert_true (gpm_plan_has_target (loaded, "users/78"));
  g_assert_cmpint (gpm_plan_lookup_target (loaded, "users/78", NULL), ==, GPM_PLAN_TARGET_SKIP);
  g_assert_true (gpm_plan_is_post_excluded (loaded, "users/1/posts/p09"));
  g_assert_cmpstr (gpm_plan_get_post_text (loaded, "users/1/posts/p03"), ==, "Edited\n\n**text** with a\ttab");
  g_assert_cmpuint (gpm_plan_get_delay (loaded), ==, 90);
  g_assert_cmpuint (gpm_plan_get_max_per_day (loaded), ==, 100);
  g_assert_true (gpm_plan_get_own_comments (loaded));
  g_assert_true (gpm_plan_get_location (loaded));
  g_assert_false (gpm_plan_get_archive_links (loaded));

  /* a copy is equal and independent; saving again replaces the old rows */
  copy = gpm_plan_copy (loaded);
  g_assert_true (gpm_plan_equal (copy, loaded));
  gpm_plan_set_post_excluded (copy, "users/1/posts/p09", FALSE);
  gpm_plan_set_post_text (copy, "users/1/posts/p03", NULL);
  g_assert_false (gpm_plan_equal (copy, loaded));
  g_assert_true (gpm_plan_save (copy, journal, &error));
  g_clear_object (&loaded);
  loaded = gpm_plan_load (journal, &error);
  g_assert_no_error (error);
  g_assert_false (gpm_plan_is_post_excluded (loaded, "users/1/posts/p09"));
  g_assert_null (gpm_plan_get_post_text (loaded, "users/1/posts/p03"));
  g_assert_true (gpm_plan_equal (copy, loaded));

  g_clear_object (&journal);
  remove_journal (path);
}

static char *
convert_cb (GpmPost    *post,
            GPtrArray  *photos,
            gpointer    user_data,
            GError    **error)
{
  return g_strdup_printf ("Converted %s", gpm_journal_post_key (post));
}

static GpmMigratorItem *
find_item (GPtrArray  *items,
           const char *key)
{
  for (guint i = 0; i < items->len; i++)
    {
      GpmMigratorItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->key, key))
        return item;
    }
  g_assert_not_reached ();
}

/* The migrator's dry run follows the plan: targets, left out, edited. */
static void
test_plan_migrator (void)
{
  g_autoptr(GPtrArray) posts = make_posts ();
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  g_autoptr(GPtrArray) items = NULL;
  GpmMigratorItem *item;

  gpm_plan_set_audiences (plan, every_audience);
  gpm_plan_map_scope (plan, "circles/fam", "Family");
  gpm_plan_set_target (plan, GPM_PLAN_PEOPLE_KEY, GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
  gpm_plan_set_post_excluded (plan, "users/1/posts/p09", TRUE);
  gpm_plan_set_post_text (plan, "users/1/posts/p03", "My own words");
  gpm_plan_set_delay (plan, 123);
  gpm_plan_set_max_per_day (plan, 7);
  gpm_migrator_set_convert_func (migrator, convert_cb, NULL, NULL);
  gpm_migrator_use_plan (migrator, plan);
  g_assert_cmpuint (gpm_migrator_get_delay (migrator), ==, 123);
  g_assert_cmpuint (gpm_migrator_get_max_per_day (migrator), ==, 7);
  /* a copy: changing the caller's plan later changes nothing */
  gpm_plan_map_scope (plan, "circles/work", "Work");

  items = gpm_migrator_plan (migrator, posts);
  g_assert_cmpuint (items->len, ==, 9);
  item = find_item (items, "users/1/posts/p01");
  g_assert_true (item->is_public);
  g_assert_cmpstr (item->text, ==, "Converted users/1/posts/p01");
  item = find_item (items, "users/1/posts/p03");
  g_assert_cmpstr (item->text, ==, "My own words");
  g_assert_cmpstr (item->visibility, ==, "aspect:Family");
  item = find_item (items, "users/1/posts/p05");
  g_assert_error (item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NO_ASPECT);
  item = find_item (items, "users/1/posts/p06");
  g_assert_null (item->skip);
  g_assert_true (item->all_aspects);
  item = find_item (items, "users/1/posts/p08");
  g_assert_error (item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOTHING_OWN);
  item = find_item (items, "users/1/posts/p09");
  g_assert_error (item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_BY_USER);
  g_assert_null (item->text);

  /* the old mapping call edits the migrator's own plan */
  gpm_migrator_map_scope (migrator, "circles/work", "Work");
  g_assert_cmpint (gpm_plan_get_target (gpm_migrator_get_plan (migrator), "circles/work", NULL), ==,
                   GPM_PLAN_TARGET_ASPECT);
}

/* A closed community (the takeout's posts have isPublic, none of its own
 * true): its posts are never posted publicly; they go to the aspect the
 * plan maps the community to, like a circle's, else they are skipped. An
 * open community's posts stay public. */
static void
test_plan_closed_community (void)
{
  static const char *acl_open = "{\"communityAcl\": {\"community\": {\"resourceName\": \"communities/9\", \"displayName\": \"Pi\"}},"
                                " \"isPublic\": true}";
  static const char *acl_closed = "{\"communityAcl\": {\"community\": {\"resourceName\": \"communities/66\", \"displayName\": \"Club\"}}}";
  static const char *acl_public_key = "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}, \"isPublic\": true}";
  static const char * const audiences[] = { "PUBLIC", "communities/9", "communities/66", NULL };
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmScopeIndex) index = NULL;
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) aspects = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) private_keys = NULL;
  GpmMigratorItem *item;
  GpmPlanCounts counts;
  gboolean is_public = TRUE;

  g_ptr_array_add (posts, make_post (1, "2018-01-01 00:00:00+0000", acl_public_key, "One"));
  g_ptr_array_add (posts, make_post (2, "2018-01-02 00:00:00+0000", acl_open, "Two"));
  g_ptr_array_add (posts, make_post (3, "2018-01-03 00:00:00+0000", acl_closed, "Three"));
  g_ptr_array_add (posts, make_post (4, "2018-01-04 00:00:00+0000", acl_closed, "Four"));
  /* the index over the takeout classes the communities */
  index = gpm_scope_index_new (posts);
  g_assert_cmpint (gpm_scope_index_get_community_class (index, "communities/66"), ==, GPM_COMMUNITY_CLOSED);

  gpm_plan_set_audiences (plan, audiences);
  g_assert_false (gpm_plan_resolve_audience (plan, find_post (posts, "users/1/posts/p03"), &is_public, aspects, NULL, &error));
  g_assert_error (error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_NO_ASPECT);
  g_assert_false (is_public);
  g_clear_error (&error);
  gpm_plan_count (plan, posts, &counts);
  g_assert_cmpuint (counts.n_public, ==, 2);
  g_assert_cmpuint (counts.n_skipped, ==, 2);
  private_keys = gpm_plan_dup_private_audiences (plan, posts, NULL);
  g_assert_cmpstrv (private_keys, ((const char * const []) { "communities/66", NULL }));

  gpm_migrator_set_convert_func (migrator, convert_cb, NULL, NULL);
  gpm_migrator_use_plan (migrator, plan);
  items = gpm_migrator_plan (migrator, posts);
  item = find_item (items, "users/1/posts/p02");
  g_assert_null (item->skip);
  g_assert_true (item->is_public);
  item = find_item (items, "users/1/posts/p03");
  g_assert_error (item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NO_ASPECT);
  g_assert_false (item->is_public);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* mapped to an aspect: limited to it, never public */
  gpm_plan_map_scope (plan, "communities/66", "Club");
  gpm_migrator_use_plan (migrator, plan);
  items = gpm_migrator_plan (migrator, posts);
  item = find_item (items, "users/1/posts/p04");
  g_assert_null (item->skip);
  g_assert_false (item->is_public);
  g_assert_cmpstr (item->visibility, ==, "aspect:Club");
  gpm_plan_count (plan, posts, &counts);
  g_assert_cmpuint (counts.n_public, ==, 2);
  g_assert_cmpuint (counts.n_limited, ==, 2);
}

typedef struct {
  GpmMigrator *migrator;
  GPtrArray   *posts;
  GpmPlan     *plan;
  guint        n_posted;
  guint        n_retrying;
  gboolean     updated;
  gboolean     applied;
  gboolean     finished;
  GError      *error;
} RunState;

static void
post_finished_cb (GpmMigrator     *migrator,
                  GpmPost         *post,
                  GpmJournalState  state,
                  GError          *error,
                  RunState        *rs)
{
  if (state != GPM_JOURNAL_STATE_POSTED)
    return;
  rs->n_posted++;
  /* After the first post: only the family's posts from now on */
  if (!rs->updated)
    {
      const char *family[] = { "circles/fam", NULL };
      g_autoptr(GPtrArray) selected = NULL;
      g_autoptr(GError) refused = NULL;
      g_autoptr(GpmPlan) other_options = NULL;

      gpm_plan_set_audiences (rs->plan, family);
      selected = gpm_plan_select_posts (rs->plan, rs->posts);
      /* what changes the texts cannot change during a run */
      other_options = gpm_plan_copy (rs->plan);
      gpm_plan_set_location (other_options, TRUE);
      g_assert_false (gpm_migrator_update_plan (migrator, other_options, selected, &refused));
      g_assert_nonnull (refused);
      g_assert_true (gpm_migrator_update_plan (migrator, rs->plan, selected, NULL));
      rs->updated = TRUE;
    }
}

static void
retrying_cb (GpmMigrator *migrator,
             guint        seconds,
             GError      *error,
             RunState    *rs)
{
  g_assert_nonnull (error);
  rs->n_retrying++;
}

static void
plan_applied_cb (GpmMigrator *migrator,
                 RunState    *rs)
{
  rs->applied = TRUE;
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  RunState *rs = data;

  gpm_migrator_run_finish (GPM_MIGRATOR (source), result, &rs->error);
  rs->finished = TRUE;
}

/* A plan changed during a run: the posts not sent yet follow it, those
 * sent stay; a passing error is announced with its retry */
static void
test_plan_update_during_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) server = gpm_test_pod_new (0, &error);
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GpmPodInfo) info = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GPtrArray) posts = make_posts ();
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  g_autofree char *path = temp_journal_path ();
  RunState rs = { 0 };

  g_assert_no_error (error);
  gpm_test_pod_add_user (server, "ada", "correct horse", NULL);
  gpm_test_pod_add_aspect (server, "ada", "Family");
  gpm_test_pod_set_api_enabled (server, FALSE);
  pod = gpm_pod_new (gpm_test_pod_get_url (server), &error);
  g_assert_no_error (error);
  info = gpm_pod_discover (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gpm_pod_sign_in_password (pod, "ada", "correct horse", NULL, NULL, &error));
  journal = gpm_journal_open (path, "author:users/1", "ada@test", &error);
  g_assert_no_error (error);

  gpm_plan_set_audiences (plan, every_audience);
  gpm_plan_map_scope (plan, "circles/fam", "Family");
  gpm_plan_set_delay (plan, 1);
  rs.migrator = gpm_migrator_new (pod, journal);
  rs.posts = posts;
  rs.plan = plan;
  gpm_migrator_set_convert_func (rs.migrator, convert_cb, NULL, NULL);
  gpm_migrator_set_retry_policy (rs.migrator, 3, 100, 200);
  gpm_migrator_use_plan (rs.migrator, plan);
  g_signal_connect (rs.migrator, "post-finished", G_CALLBACK (post_finished_cb), &rs);
  g_signal_connect (rs.migrator, "retrying", G_CALLBACK (retrying_cb), &rs);
  g_signal_connect (rs.migrator, "plan-applied", G_CALLBACK (plan_applied_cb), &rs);
  gpm_test_pod_inject_fault (server, "/status_messages", GPM_TEST_POD_FAULT_STATUS, 503, 1);

  {
    g_autoptr(GPtrArray) selected = gpm_plan_select_posts (plan, posts);

    gpm_migrator_run_async (rs.migrator, selected, NULL, run_done_cb, &rs);
  }
  for (guint i = 0; i < 3000 && !rs.finished; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (rs.finished);
  g_assert_no_error (rs.error);
  g_assert_true (rs.applied);
  g_assert_cmpuint (rs.n_retrying, ==, 1);

  /* p01 before the change; then the family's p03 and p04 only (not p02,
   * the community post, which was next) */
  received = gpm_test_pod_dup_posts (server);
  g_assert_cmpuint (received->len, ==, 3);
  g_assert_cmpuint (rs.n_posted, ==, 3);
  g_assert_true (gpm_journal_is_posted (journal, "users/1/posts/p01"));
  g_assert_false (gpm_journal_is_posted (journal, "users/1/posts/p02"));
  g_assert_true (gpm_journal_is_posted (journal, "users/1/posts/p03"));
  g_assert_true (gpm_journal_is_posted (journal, "users/1/posts/p04"));
  /* p01, handled before the change, still counts */
  g_assert_cmpuint (gpm_migrator_get_n_total (rs.migrator), ==, 3);
  g_assert_cmpuint (gpm_migrator_get_n_done (rs.migrator), ==, 3);

  g_clear_object (&rs.migrator);
  g_clear_object (&journal);
  remove_journal (path);
}

/* Targets naming aspects the account does not have are unset, the rest kept */
static void
test_plan_drop_missing_aspects (void)
{
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  const char *aspects[] = { "Friends", NULL };
  const char *name = NULL;

  gpm_plan_set_target (plan, "circles/family", GPM_PLAN_TARGET_ASPECT, "Family");
  gpm_plan_set_target (plan, "circles/friends", GPM_PLAN_TARGET_ASPECT, "Friends");
  gpm_plan_set_target (plan, "circles/all", GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
  gpm_plan_set_target (plan, "circles/skip", GPM_PLAN_TARGET_SKIP, NULL);

  g_assert_cmpuint (gpm_plan_drop_missing_aspects (plan, aspects), ==, 1);
  g_assert_false (gpm_plan_has_target (plan, "circles/family"));
  g_assert_cmpint (gpm_plan_lookup_target (plan, "circles/family", NULL), ==, GPM_PLAN_TARGET_SKIP);
  g_assert_cmpint (gpm_plan_get_target (plan, "circles/friends", &name), ==, GPM_PLAN_TARGET_ASPECT);
  g_assert_cmpstr (name, ==, "Friends");
  g_assert_cmpint (gpm_plan_get_target (plan, "circles/all", NULL), ==, GPM_PLAN_TARGET_ALL_ASPECTS);
  g_assert_true (gpm_plan_has_target (plan, "circles/skip"));

  /* an account without aspects keeps no aspect target */
  g_assert_cmpuint (gpm_plan_drop_missing_aspects (plan, NULL), ==, 1);
  g_assert_false (gpm_plan_has_target (plan, "circles/friends"));
}

/* The window's plan at start: Ada's saved plan restored, then the user's
 * own changes in this session */
static GpmPlan *
plan_restored_from (GpmPlan *saved)
{
  GpmPlan *plan = gpm_plan_new ();

  gpm_plan_set_audiences (plan, every_audience);
  gpm_plan_restore (plan, saved, FALSE);
  gpm_plan_set_post_excluded (plan, "users/1/posts/p05", TRUE);
  gpm_plan_set_post_excluded (plan, "users/1/posts/p02", FALSE);
  gpm_plan_set_post_text (plan, "users/1/posts/p04", "Session edit");
  return plan;
}

/* A plan belongs to one account: what carries over to another */
static void
test_plan_switch_account (void)
{
  g_autoptr(GpmPlan) ada = gpm_plan_new ();
  g_autoptr(GpmPlan) bo = gpm_plan_new ();
  g_autoptr(GpmPlan) fresh = NULL;
  g_autoptr(GpmPlan) plan = NULL;
  g_auto(GStrv) audiences = NULL;
  const char *aspect = NULL;

  gpm_plan_set_audiences (ada, (const char *[]) { "PUBLIC", NULL });
  gpm_plan_map_scope (ada, "circles/fam", "Work");
  gpm_plan_set_post_excluded (ada, "users/1/posts/p01", TRUE);
  gpm_plan_set_post_excluded (ada, "users/1/posts/p02", TRUE);
  gpm_plan_set_post_text (ada, "users/1/posts/p03", "Ada's edit");
  gpm_plan_set_delay (ada, 90);

  gpm_plan_set_target (bo, "circles/fam", GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
  gpm_plan_set_post_excluded (bo, "users/1/posts/p07", TRUE);
  gpm_plan_set_post_text (bo, "users/1/posts/p03", "Bo's edit");
  gpm_plan_set_delay (bo, 300);

  /* An account without a plan of its own: nothing of Ada's aspects (even
   * when it has an aspect of that name: it means other people there);
   * the posts left out and edited, the pace, the ticks as they are */
  fresh = plan_restored_from (ada);
  g_assert_cmpint (gpm_plan_get_target (fresh, "circles/fam", &aspect), ==, GPM_PLAN_TARGET_ASPECT);
  gpm_plan_switch_account (fresh, NULL);
  g_assert_false (gpm_plan_has_target (fresh, "circles/fam"));
  g_assert_cmpint (gpm_plan_lookup_target (fresh, "circles/fam", NULL), ==, GPM_PLAN_TARGET_SKIP);
  g_assert_true (gpm_plan_is_post_excluded (fresh, "users/1/posts/p01"));
  g_assert_false (gpm_plan_is_post_excluded (fresh, "users/1/posts/p02"));
  g_assert_true (gpm_plan_is_post_excluded (fresh, "users/1/posts/p05"));
  g_assert_cmpstr (gpm_plan_get_post_text (fresh, "users/1/posts/p03"), ==, "Ada's edit");
  g_assert_cmpstr (gpm_plan_get_post_text (fresh, "users/1/posts/p04"), ==, "Session edit");
  g_assert_cmpuint (gpm_plan_get_delay (fresh), ==, 90);
  audiences = gpm_plan_dup_audiences (fresh);
  g_assert_cmpuint (g_strv_length (audiences), ==, g_strv_length ((char **) every_audience));

  /* An account with its own plan: its aspects, its posts left out and
   * texts instead of Ada's; what the user changed this session stays */
  plan = plan_restored_from (ada);
  gpm_plan_switch_account (plan, bo);
  g_assert_cmpint (gpm_plan_get_target (plan, "circles/fam", NULL), ==, GPM_PLAN_TARGET_ALL_ASPECTS);
  g_assert_false (gpm_plan_is_post_excluded (plan, "users/1/posts/p01"));
  g_assert_false (gpm_plan_is_post_excluded (plan, "users/1/posts/p02"));
  g_assert_true (gpm_plan_is_post_excluded (plan, "users/1/posts/p05"));
  g_assert_true (gpm_plan_is_post_excluded (plan, "users/1/posts/p07"));
  g_assert_cmpstr (gpm_plan_get_post_text (plan, "users/1/posts/p03"), ==, "Bo's edit");
  g_assert_cmpstr (gpm_plan_get_post_text (plan, "users/1/posts/p04"), ==, "Session edit");
  g_assert_cmpuint (gpm_plan_get_delay (plan), ==, 300);

  /* and back to Ada: hers again, Bo's gone */
  gpm_plan_switch_account (plan, ada);
  g_assert_cmpint (gpm_plan_get_target (plan, "circles/fam", &aspect), ==, GPM_PLAN_TARGET_ASPECT);
  g_assert_cmpstr (aspect, ==, "Work");
  g_assert_true (gpm_plan_is_post_excluded (plan, "users/1/posts/p01"));
  g_assert_false (gpm_plan_is_post_excluded (plan, "users/1/posts/p07"));
  g_assert_true (gpm_plan_is_post_excluded (plan, "users/1/posts/p05"));
  g_assert_cmpstr (gpm_plan_get_post_text (plan, "users/1/posts/p03"), ==, "Ada's edit");
  g_assert_cmpstr (gpm_plan_get_post_text (plan, "users/1/posts/p04"), ==, "Session edit");
  g_assert_cmpuint (gpm_plan_get_delay (plan), ==, 90);
}

/* gpm_plan_save_async(): one save at a time per journal, the last state
 * asked for last; other journals never wait; a failure stops nothing */
typedef struct {
  GArray *done;     /* the requests' numbers, as their callbacks came */
  guint   n_failed;
} Saves;

typedef struct {
  Saves *saves;
  guint  number;
} SaveRequest;

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SaveRequest *req = user_data;
  g_autoptr(GError) error = NULL;

  if (!gpm_plan_save_finish (GPM_PLAN (source), result, &error))
    {
      g_assert_error (error, GPM_JOURNAL_ERROR, GPM_JOURNAL_ERROR_DATABASE);
      req->saves->n_failed++;
    }
  g_array_append_val (req->saves->done, req->number);
  g_free (req);
}

static void
save_numbered (GpmPlan    *plan,
               GpmJournal *journal,
               Saves      *saves,
               guint       number)
{
  SaveRequest *req = g_new0 (SaveRequest, 1);

  req->saves = saves;
  req->number = number;
  gpm_plan_save_async (plan, journal, NULL, save_done_cb, req);
}

static void
wait_saves_done (Saves *saves,
                 guint  n)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (saves->done->len < n && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (saves->done->len, ==, n);
}

/* @plan with one audience and a delay saved as request @number; its answer */
static void
save_audience_and_wait (GpmPlan    *plan,
                        const char *audience,
                        guint       delay,
                        GpmJournal *journal,
                        Saves      *saves,
                        guint       number)
{
  gpm_plan_set_audiences (plan, (const char * const []) { audience, NULL });
  gpm_plan_set_delay (plan, delay);
  save_numbered (plan, journal, saves, number);
  wait_saves_done (saves, number);
}

/* The plan in @path's journal, read by a connection of its own */
static guint
saved_delay (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmJournal) journal = gpm_journal_open (path, "author:users/1", "ada@pod.example", &error);
  g_autoptr(GpmPlan) plan = NULL;

  g_assert_no_error (error);
  plan = gpm_plan_load (journal, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return gpm_plan_get_delay (plan);
}

static void
sql (sqlite3    *db,
     const char *statement)
{
  char *message = NULL;

  if (sqlite3_exec (db, statement, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", statement, message);
}

static void
test_plan_save_queue (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path_a = temp_journal_path ();
  g_autofree char *path_b = temp_journal_path ();
  g_autoptr(GpmJournal) journal_a = NULL;
  g_autoptr(GpmJournal) journal_a2 = NULL;
  g_autoptr(GpmJournal) journal_b = NULL;
  g_autoptr(GpmPlan) plan = gpm_plan_new ();
  Saves saves = { g_array_new (FALSE, FALSE, sizeof (guint)), 0 };
  Saves saves_b = { g_array_new (FALSE, FALSE, sizeof (guint)), 0 };
  sqlite3 *blocker = NULL;

  journal_a = gpm_journal_open (path_a, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);
  /* a second object on the same file: the same queue */
  journal_a2 = gpm_journal_open (path_a, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);
  journal_b = gpm_journal_open (path_b, "author:users/1", "ada@pod.example", &error);
  g_assert_no_error (error);

  /* Journal A busy (another connection writing): its saves wait in the
   * queue, fired quickly from two objects; B's save does not wait for them */
  g_assert_cmpint (sqlite3_open (path_a, &blocker), ==, SQLITE_OK);
  sql (blocker, "BEGIN IMMEDIATE");
  for (guint i = 1; i <= 20; i++)
    {
      gpm_plan_set_delay (plan, i);
      save_numbered (plan, i % 2 ? journal_a : journal_a2, &saves, i);
    }
  /* the state is the one at the call: changing the plan now saves nothing */
  gpm_plan_set_delay (plan, 99);
  gpm_plan_set_delay (plan, 7);
  save_numbered (plan, journal_b, &saves_b, 1);
  wait_saves_done (&saves_b, 1);
  g_assert_cmpuint (saves_b.n_failed, ==, 0);
  g_assert_cmpuint (saved_delay (path_b), ==, 7);
  g_assert_cmpuint (saves.done->len, ==, 0);

  sql (blocker, "COMMIT");
  wait_saves_done (&saves, 20);
  g_assert_cmpuint (saves.n_failed, ==, 0);
  /* answered in the order asked (a request replaced by a later one is
   * answered with it), and the last state is the one kept */
  for (guint i = 1; i < saves.done->len; i++)
    g_assert_cmpuint (g_array_index (saves.done, guint, i - 1), <, g_array_index (saves.done, guint, i));
  g_assert_cmpuint (saved_delay (path_a), ==, 20);

  /* A failed save (the database refuses it) stops nothing: the next is written */
  sql (blocker, "CREATE TRIGGER refuse BEFORE INSERT ON plan WHEN NEW.key = 'refused' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  g_array_set_size (saves.done, 0);
  save_audience_and_wait (plan, "refused", 30, journal_a, &saves, 1);
  g_assert_cmpuint (saves.n_failed, ==, 1);
  g_assert_cmpuint (saved_delay (path_a), ==, 20);
  save_audience_and_wait (plan, "PUBLIC", 31, journal_a, &saves, 2);
  g_assert_cmpuint (saves.n_failed, ==, 1);
  g_assert_cmpuint (saved_delay (path_a), ==, 31);

  /* Quitting: gpm_plan_wait_saves() returns once the save is written,
   * with no main loop running (its answer comes later, or never) */
  sql (blocker, "BEGIN IMMEDIATE");
  gpm_plan_set_delay (plan, 44);
  save_numbered (plan, journal_a, &saves, 3);
  sql (blocker, "COMMIT");
  gpm_plan_wait_saves ();
  g_assert_cmpuint (saves.done->len, ==, 2);
  g_assert_cmpuint (saved_delay (path_a), ==, 44);
  wait_saves_done (&saves, 3);
  g_assert_cmpuint (saves.n_failed, ==, 1);

  sqlite3_close (blocker);
  g_clear_object (&journal_a);
  g_clear_object (&journal_a2);
  g_clear_object (&journal_b);
  g_array_unref (saves.done);
  g_array_unref (saves_b.done);
  remove_journal (path_a);
  remove_journal (path_b);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plan/audience-rule", test_plan_audience_rule);
  g_test_add_func ("/plan/select", test_plan_select);
  g_test_add_func ("/plan/estimate", test_plan_estimate);
  g_test_add_func ("/plan/journal", test_plan_journal);
  g_test_add_func ("/plan/save-queue", test_plan_save_queue);
  g_test_add_func ("/plan/migrator", test_plan_migrator);
  g_test_add_func ("/plan/closed-community", test_plan_closed_community);
  g_test_add_func ("/plan/update-during-run", test_plan_update_during_run);
  g_test_add_func ("/plan/drop-missing-aspects", test_plan_drop_missing_aspects);
  g_test_add_func ("/plan/switch-account", test_plan_switch_account);

  return g_test_run ();
}
