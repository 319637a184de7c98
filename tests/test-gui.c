/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UI tests: run under xvfb-run -a dbus-run-session (skipped without a display). */
#define G_LOG_DOMAIN "test-gui"

#include "config.h"

#include <libsoup/soup.h>

#include <glib/gstdio.h>

#include "gpm-takeout-gen.h"
#include "gpm-test-gui-util.h"

#define AUTHOR "\"author\": {\"displayName\": \"Alex Example\", \"resourceName\": \"users/1\"}"
#define PUBLIC_ACL "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}"
#define CIRCLE_ACL(id, name) "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\", \"resourceName\": \"" id "\", \"displayName\": \"" name "\"}]}}"
#define EXTENDED_ACL "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_EXTENDED_CIRCLES\"}]}}"
#define COMMUNITY_ACL(id, name) "\"postAcl\": {\"communityAcl\": {\"community\": {\"resourceName\": \"" id "\", \"displayName\": \"" name "\"}}}"
#define POST(date, content, acl) \
  "{\"url\": \"https://plus.google.com/1/posts/x\", \"creationTime\": \"" date "\", \"updateTime\": \"" date "\", " \
  AUTHOR ", \"content\": \"" content "\", \"resourceName\": \"users/1/posts/" date "\", " acl "}"

static const GpmTestPostFile posts[] = {
  { "20180101 - Happy new year.json", POST ("2018-01-01 10:00:00+0000", "Happy new year, everyone!", PUBLIC_ACL) },
  { "20180202 - Groundhog.json", POST ("2018-02-02 10:00:00+0000", "The groundhog saw its shadow.", PUBLIC_ACL) },
  { "20180303 - Post.json", POST ("2018-03-03 10:00:00+0000", "Kite flying in the park<br>with <b>friends</b>", PUBLIC_ACL) },
  { "20180404 - Raspberry.json", POST ("2018-04-04 10:00:00+0000", "My Raspberry Pi weather station", COMMUNITY_ACL ("communities/111", "Raspberry Pi")) },
  { "20180505 - Raspberry.json", POST ("2018-05-05 10:00:00+0000", "Weather station, version two", COMMUNITY_ACL ("communities/111", "Raspberry Pi")) },
  { "20180606 - Family.json", POST ("2018-06-06 10:00:00+0000", "Family dinner photos soon", CIRCLE_ACL ("circles/1-aaa", "Family")) },
  { "20180707 - Family.json", POST ("2018-07-07 10:00:00+0000", "Grandma turns ninety", CIRCLE_ACL ("circles/1-aaa", "Family")) },
  { "20180808 - Extended.json", POST ("2018-08-08 10:00:00+0000", "For friends of friends", EXTENDED_ACL) },
  { "20180909 - Broken.json", "{\"url\": \"https://plus.google.com/1/posts/broken\", \"content\": \"cut off" },
};

static char *tmp_dir;
static char *takeout_dir;

static gboolean
is_review (gpointer data)
{
  return g_strcmp0 (gpm_window_get_page (data), "review") == 0;
}

static GpmWindow *
open_test_takeout (void)
{
  GpmWindow *window = gpm_window_new (gpm_test_gui_get_app ());
  const char *paths[] = { takeout_dir, NULL };

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gpm_test_gui_drop_paths (window, paths));
  g_assert_cmpstr (gpm_window_get_page (window), ==, "import");
  g_assert_true (gpm_test_gui_wait_review (window));
  g_assert_true (is_review (window));
  gpm_test_gui_wait_list (window);

  return window;
}

static GpmScopeNode *
find_node (GpmWindow  *window,
           const char *key_or_title)
{
  GListModel *roots = gpm_scope_sidebar_get_roots (gpm_window_get_sidebar (window));
  GpmScopeNode *node = gpm_scope_tree_find (roots, key_or_title);

  g_assert_nonnull (node);
  return node;
}

static void
test_drop_builds_tree (void)
{
  GpmWindow *window = open_test_takeout ();
  GpmImport *import = gpm_window_get_import (window);
  GListModel *roots = gpm_scope_sidebar_get_roots (gpm_window_get_sidebar (window));
  GpmScopeNode *node;

  g_assert_cmpuint (gpm_import_get_n_posts (import), ==, 8);
  g_assert_cmpuint (gpm_import_get_n_problems (import), ==, 1);

  /* Public, Your circles, Extended circles, Circles, Communities */
  g_assert_cmpuint (g_list_model_get_n_items (roots), ==, 5);

  node = find_node (window, "PUBLIC");
  g_assert_cmpuint (gpm_scope_node_get_count (node), ==, 3);
  g_assert_false (gpm_scope_node_get_is_private (node));
  g_assert_true (gpm_scope_node_get_active (node));

  node = find_node (window, "EXTENDED");
  g_assert_cmpuint (gpm_scope_node_get_count (node), ==, 1);
  g_assert_true (gpm_scope_node_get_is_private (node));
  g_assert_false (gpm_scope_node_get_active (node));

  node = find_node (window, "CIRCLES");
  g_assert_cmpuint (gpm_scope_node_get_count (node), ==, 0);

  node = find_node (window, "Circles");
  g_assert_null (gpm_scope_node_get_key (node));
  g_assert_cmpuint (gpm_scope_node_get_count (node), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (gpm_scope_node_get_children (node)), ==, 1);
  g_assert_true (gpm_scope_node_get_is_private (node));

  node = find_node (window, "circles/1-aaa");
  g_assert_cmpstr (gpm_scope_node_get_title (node), ==, "Family");
  g_assert_cmpuint (gpm_scope_node_get_count (node), ==, 2);
  g_assert_true (gpm_scope_node_get_is_private (node));
  g_assert_false (gpm_scope_node_get_active (node));

  node = find_node (window, "communities/111");
  g_assert_cmpstr (gpm_scope_node_get_title (node), ==, "Raspberry Pi");
  g_assert_cmpuint (gpm_scope_node_get_count (node), ==, 2);
  g_assert_false (gpm_scope_node_get_is_private (node));
  g_assert_true (gpm_scope_node_get_active (node));   /* essentially public */
  g_assert_true (gpm_scope_node_get_active (find_node (window, "Communities")));

  /* The broken file is named in the problems */
  g_assert_cmpuint (gpm_import_get_problems (import)->len, ==, 1);
  g_assert_nonnull (strstr (((GpmProblem *) g_ptr_array_index (gpm_import_get_problems (import), 0))->name,
                            "20180909 - Broken.json"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The row widget (what the arrow keys focus) that shows @node */
static GtkWidget *
find_row_widget (GtkWidget    *widget,
                 GpmScopeNode *node)
{
  if (GTK_IS_TREE_EXPANDER (widget))
    {
      GtkTreeListRow *row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (widget));
      g_autoptr(GObject) item = row ? gtk_tree_list_row_get_item (row) : NULL;

      return item == G_OBJECT (node) ? gtk_widget_get_parent (widget) : NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_widget (child, node);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found)
        return found;
    }
  return NULL;
}

/* A takeout opened after another starts with an empty search */
static void
test_new_takeout_clears_search (void)
{
  GpmWindow *window = open_test_takeout ();
  GpmPostList *list = gpm_window_get_post_list (window);
  GListModel *model = gpm_post_list_get_model (list);
  GtkWidget *entry = find_descendant (GTK_WIDGET (list), GTK_TYPE_SEARCH_ENTRY);
  const char *paths[] = { takeout_dir, NULL };

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "no such words anywhere");
  gpm_post_list_set_search_text (list, "no such words anywhere");
  gpm_test_gui_wait_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_assert_true (gpm_test_gui_drop_paths (window, paths));
  g_assert_true (gpm_test_gui_wait_review (window));
  gpm_test_gui_wait_list (window);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Space on a focused audience row ticks it, as the shortcuts window says */
static void
test_space_ticks_focused_row (void)
{
  GpmWindow *window = open_test_takeout ();
  GtkWidget *sidebar = GTK_WIDGET (gpm_window_get_sidebar (window));
  GpmScopeNode *extended = find_node (window, "EXTENDED");
  GtkWidget *row = find_row_widget (sidebar, extended);

  g_assert_nonnull (row);
  g_assert_false (gpm_scope_node_get_active (extended));
  g_assert_true (gtk_widget_grab_focus (row));
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.toggle-focused", NULL));
  g_assert_true (gpm_scope_node_get_active (extended));
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.toggle-focused", NULL));
  g_assert_false (gpm_scope_node_get_active (extended));

  /* Outside the list, nothing is ticked */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.toggle-focused", NULL));
  g_assert_false (gpm_scope_node_get_active (extended));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
list_has (GListModel *model,
          const char *text)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmPost) post = g_list_model_get_item (model, i);

      if (strstr (gpm_post_get_content (post), text) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_tick_untick (void)
{
  GpmWindow *window = open_test_takeout ();
  GpmPostList *list = gpm_window_get_post_list (window);
  GListModel *model = gpm_post_list_get_model (list);
  g_autoptr(GpmPost) first = NULL;

  /* Essentially public: 3 public + 2 community posts, newest first */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
  first = g_list_model_get_item (model, 0);
  g_assert_cmpstr (gpm_post_get_content (first), ==, "Weather station, version two");
  g_assert_false (list_has (model, "Grandma"));

  /* Tick Family */
  gpm_scope_node_set_active (find_node (window, "circles/1-aaa"), TRUE);
  g_assert_true (gpm_scope_node_get_active (find_node (window, "Circles")));
  gpm_test_gui_wait_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 7);
  g_assert_true (list_has (model, "Grandma"));

  /* Untick Public */
  gpm_scope_node_set_active (find_node (window, "PUBLIC"), FALSE);
  gpm_test_gui_wait_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  g_assert_false (list_has (model, "Happy new year"));

  /* Untick one community through its group: the group goes off entirely */
  gpm_scope_node_set_active (find_node (window, "Communities"), FALSE);
  gpm_test_gui_wait_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_false (gpm_scope_node_get_inconsistent (find_node (window, "Communities")));

  /* Search narrows the list */
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 8);
  gpm_post_list_set_search_text (list, "WEATHER");
  gpm_test_gui_wait_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  gpm_post_list_set_search_text (list, "");
  gpm_test_gui_wait_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 8);

  /* Back to the preset */
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "essentially-public");
  gpm_test_gui_wait_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct {
  GpmPreview *preview;
  gboolean    loaded;
  char       *text;
} PreviewWait;

static void
preview_loaded_cb (GpmPreview  *preview,
                   PreviewWait *wait)
{
  wait->loaded = TRUE;
}

static gboolean
preview_is_loaded (gpointer data)
{
  return ((PreviewWait *) data)->loaded;
}

static void
text_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PreviewWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->text = gpm_preview_read_text_finish (GPM_PREVIEW (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
text_is_read (gpointer data)
{
  return ((PreviewWait *) data)->text != NULL;
}

static char *
select_and_read (GpmWindow   *window,
                 PreviewWait *wait,
                 guint        position)
{
  GpmPostList *list = gpm_window_get_post_list (window);

  wait->loaded = FALSE;
  g_clear_pointer (&wait->text, g_free);
  gpm_post_list_select_position (list, position);
  g_assert_true (gpm_preview_get_post (wait->preview) == gpm_post_list_get_selected_post (list));
  g_assert_true (gpm_test_gui_wait (preview_is_loaded, wait, 30));

  gpm_preview_read_text_async (wait->preview, NULL, text_read_cb, wait);
  g_assert_true (gpm_test_gui_wait (text_is_read, wait, 30));

  return g_steal_pointer (&wait->text);
}

static void
test_preview_text (void)
{
  GpmWindow *window = open_test_takeout ();
  PreviewWait wait = { gpm_window_get_preview (window), FALSE, NULL };
  WebKitSettings *settings = webkit_web_view_get_settings (gpm_preview_get_web_view (wait.preview));
  g_autofree char *text = NULL;
  gulong id;

  g_assert_false (webkit_settings_get_enable_javascript_markup (settings));
  id = g_signal_connect (wait.preview, "loaded", G_CALLBACK (preview_loaded_cb), &wait);

  /* Newest first: position 2 is "Kite flying in the park<br>with <b>friends</b>" */
  gpm_preview_set_mode (wait.preview, GPM_PREVIEW_ORIGINAL);
  text = select_and_read (window, &wait, 2);
  g_assert_nonnull (strstr (text, "Alex Example"));
  g_assert_nonnull (strstr (text, "Kite flying in the park\nwith friends"));
  g_assert_null (strstr (text, "<b>"));
  /* a readable date, and who it was shared with */
  g_assert_nonnull (strstr (text, "Saturday, March 3, 2018"));
  g_assert_nonnull (strstr (text, "Shared with Public"));
  g_clear_pointer (&text, g_free);

  text = select_and_read (window, &wait, 0);
  g_assert_nonnull (strstr (text, "Weather station, version two"));
  g_clear_pointer (&text, g_free);

  /* As diaspora* will show it: converted (Part III) and rendered */
  gpm_preview_set_mode (wait.preview, GPM_PREVIEW_DIASPORA);
  text = select_and_read (window, &wait, 2);
  g_assert_nonnull (strstr (text, "Kite flying in the park"));
  g_assert_nonnull (strstr (text, "#repost #gplusarchive #googleplus #gplusrefugees #plexodus"));
  g_assert_nonnull (strstr (text, "Originally posted on Google+ on Sat Mar 03, 2018"));
  g_clear_pointer (&text, g_free);

  text = select_and_read (window, &wait, 0);
  g_assert_nonnull (strstr (text, "Originally posted on Google+ on Sat May 05, 2018"));
  g_assert_nonnull (strstr (text, "( Raspberry Pi)"));
  g_clear_pointer (&text, g_free);

  /* Switching faster than the preview draws: what it ends with, and says it
   * has loaded, is the post selected last (posts replace the page's body) */
  for (guint round = 0; round < 3; round++)
    {
      GpmPostList *list = gpm_window_get_post_list (window);

      gpm_post_list_select_position (list, 2);
      gpm_post_list_select_position (list, 1);
      text = select_and_read (window, &wait, 0);
      g_assert_nonnull (strstr (text, "Originally posted on Google+ on Sat May 05, 2018"));
      g_assert_null (strstr (text, "Kite flying"));
      g_clear_pointer (&text, g_free);
      text = select_and_read (window, &wait, 2);
      g_assert_nonnull (strstr (text, "Kite flying in the park"));
      g_assert_null (strstr (text, "May 05, 2018"));
      g_clear_pointer (&text, g_free);
    }

  g_signal_handler_disconnect (wait.preview, id);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A generated takeout (zip, every kind of audience, bad entries too),
 * dropped like a user would: each node's count must be the number of good
 * posts the generator gave that audience. */
static void
on_posts_added (GpmImport *import,
                GPtrArray *added,
                GPtrArray *seen)
{
  g_assert_cmpuint (added->len, >, 0);
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (seen, g_object_ref (g_ptr_array_index (added, i)));
}

static void
assert_newest_first (GListModel *model,
                     guint       n)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GpmPost) a = g_list_model_get_item (model, i - 1);
      g_autoptr(GpmPost) b = g_list_model_get_item (model, i);
      g_assert_cmpint (g_date_time_compare (gpm_post_get_creation_time (a), gpm_post_get_creation_time (b)), >=, 0);
    }
}

/* Issue 13: the posts reach the list while the takeout is read, in
 * batches ("posts-added"), each put in its place; the list ends as if it
 * had been given them all at once. */
static void
test_posts_while_reading (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "streamed", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) once = g_hash_table_new (NULL, NULL);
  GpmGenOptions options;
  GpmGenManifest *manifest;
  GpmWindow *window;
  g_autoptr(GpmImport) import = NULL;
  GPtrArray *all;

  gpm_takeout_gen_options_init (&options);
  options.n_posts = 1500;
  options.seed = 13;
  options.bad_cases = FALSE;
  manifest = gpm_takeout_gen_write (&options, GPM_GEN_FORM_MULTI, dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < manifest->paths->len; i++)
    g_ptr_array_add (paths, g_ptr_array_index (manifest->paths, i));
  g_ptr_array_add (paths, NULL);

  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gpm_test_gui_drop_paths (window, (const char * const *) paths->pdata));
  import = g_object_ref (gpm_window_get_import (window));  /* its posts outlive the window */
  g_signal_connect (import, "posts-added", G_CALLBACK (on_posts_added), seen);
  g_assert_true (gpm_test_gui_wait_review (window));
  gpm_test_gui_wait_list (window);
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);

  /* Every post came once, before the import said it was done */
  all = gpm_import_get_posts (import);
  g_assert_cmpuint (all->len, ==, 1500);
  g_assert_cmpuint (seen->len, ==, all->len);
  for (guint i = 0; i < seen->len; i++)
    g_assert_true (g_hash_table_add (once, g_ptr_array_index (seen, i)));
  for (guint i = 0; i < all->len; i++)
    g_assert_true (g_hash_table_contains (once, g_ptr_array_index (all, i)));
  assert_newest_first (gpm_post_list_get_model (gpm_window_get_post_list (window)), all->len);
  gtk_window_destroy (GTK_WINDOW (window));

  /* Batches in any order, into runs or all over the list, keep the list
   * sorted and the selected post selected */
  {
    GpmPostList *list = g_object_ref_sink (g_object_new (GPM_TYPE_POST_LIST, NULL));
    g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
    g_autofree const char **key_array = NULL;
    g_autoptr(GPtrArray) shuffled = g_ptr_array_copy (all, NULL, NULL);
    g_autoptr(GRand) rand = g_rand_new_with_seed (13);
    GpmPost *selected = NULL;
    guint done = 0;

    g_ptr_array_set_free_func (shuffled, NULL);
    for (guint i = 0; i < all->len; i++)
      {
        GPtrArray *scopes = gpm_post_get_scopes (g_ptr_array_index (all, i));
        for (guint k = 0; k < scopes->len; k++)
          g_hash_table_add (keys, (gpointer) gpm_scope_get_key (g_ptr_array_index (scopes, k)));
      }
    key_array = (const char **) g_hash_table_get_keys_as_array (keys, NULL);
    gpm_post_list_set_scope_keys (list, key_array);
    for (guint i = shuffled->len; i > 1; i--)
      {
        guint j = g_rand_int_range (rand, 0, i);
        gpointer t = shuffled->pdata[i - 1];
        shuffled->pdata[i - 1] = shuffled->pdata[j];
        shuffled->pdata[j] = t;
      }
    /* a few small batches (few runs), then big ones all over */
    while (done < shuffled->len)
      {
        guint n = MIN (done < 20 ? 3 : 400, shuffled->len - done);
        g_autoptr(GPtrArray) batch = g_ptr_array_new ();

        for (guint k = 0; k < n; k++)
          g_ptr_array_add (batch, shuffled->pdata[done + k]);
        gpm_post_list_add_posts (list, batch);
        done += n;
        if (done == 21)
          gpm_post_list_select_position (list, 5);
        if (done > 21)
          g_assert_true (gpm_post_list_get_selected_post (list) == selected);
        selected = gpm_post_list_get_selected_post (list);
      }
    /* The list is not shown, so its rows never grow: wait for the posts */
    for (guint i = 0; i < 100000 && g_list_model_get_n_items (gpm_post_list_get_model (list)) < all->len; i++)
      g_main_context_iteration (NULL, FALSE);
    assert_newest_first (gpm_post_list_get_model (list), all->len);
    g_object_unref (list);
  }
  gpm_takeout_gen_manifest_free (manifest);
}

static void
test_generated_takeout_counts (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "generated", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  GpmGenOptions options;
  GpmGenManifest *manifest;
  GpmWindow *window;
  GListModel *roots;
  GHashTableIter iter;
  gpointer key, value;
  guint n_good = 0, n_checked = 0;

  gpm_takeout_gen_options_init (&options);
  options.n_posts = 300;
  options.seed = 7;
  options.bad_cases = TRUE;
  /* No "too large" post: its limit is the generator's, not the app's
   * (GPM_TAKEOUT_MAX_JSON_SIZE), so the app would read it. */
  options.json_limit = 0;
  manifest = gpm_takeout_gen_write (&options, GPM_GEN_FORM_MULTI, dir, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < manifest->entries->len; i++)
    {
      GpmGenEntry *entry = g_ptr_array_index (manifest->entries, i);
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      if (entry->type != GPM_GEN_FILE_POST || entry->bad != GPM_GEN_BAD_NONE)
        continue;
      n_good++;
      for (guint j = 0; entry->scopes != NULL && j < entry->scopes->len; j++)
        {
          GpmGenScope *scope = g_ptr_array_index (entry->scopes, j);
          const char *k = scope->id ? scope->id : scope->kind;

          if (!g_hash_table_add (seen, (gpointer) k))
            continue;
          g_hash_table_insert (expected, g_strdup (k),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (expected, k)) + 1));
        }
    }
  g_assert_cmpuint (n_good, ==, 300);

  for (guint i = 0; i < manifest->paths->len; i++)
    g_ptr_array_add (paths, g_ptr_array_index (manifest->paths, i));
  g_ptr_array_add (paths, NULL);

  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gpm_test_gui_drop_paths (window, (const char * const *) paths->pdata));
  g_assert_true (gpm_test_gui_wait_review (window));
  gpm_test_gui_wait_list (window);

  /* (a post without an ACL is kept, with its problem, but has no audience) */
  g_assert_cmpuint (gpm_import_get_n_posts (gpm_window_get_import (window)), >=, n_good);
  g_assert_cmpuint (gpm_import_get_n_problems (gpm_window_get_import (window)), >, 0);

  roots = gpm_scope_sidebar_get_roots (gpm_window_get_sidebar (window));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GpmScopeNode *node = gpm_scope_tree_find (roots, key);

      g_assert_nonnull (node);
      if (gpm_scope_node_get_count (node) != GPOINTER_TO_UINT (value))
        g_error ("%s: the tree says %u posts, the generator wrote %u",
                 (const char *) key, gpm_scope_node_get_count (node), GPOINTER_TO_UINT (value));
      /* The default: exactly public and communities are ticked */
      g_assert_cmpint (gpm_scope_node_get_active (node), ==,
                       g_str_equal (key, "PUBLIC") || g_str_has_prefix (key, "communities/"));
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 10);

  gtk_window_destroy (GTK_WINDOW (window));
  gpm_takeout_gen_manifest_free (manifest);
}

static gboolean
export_ended (gpointer data)
{
  const char *status = gpm_migrate_page_get_status (data);
  return g_str_equal (status, "done") || g_str_equal (status, "stopped");
}

/* Export to folder: the selected posts as Markdown files, with the same
 * progress page as a migration. */
static void
test_export_to_folder (void)
{
  GpmWindow *window = open_test_takeout ();
  GpmMigratePage *page = gpm_window_get_migrate_page (window);
  g_autofree char *dir = g_build_filename (tmp_dir, "export", NULL);
  g_autoptr(GPtrArray) selected = gpm_window_dup_selected_posts (window);
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint n_markdown = 0;
  gboolean found_kite = FALSE;

  g_assert_cmpuint (selected->len, ==, 5);
  gpm_migrate_page_export (page, gpm_import_get_takeout (gpm_window_get_import (window)), selected, dir);
  g_assert_true (gpm_migrate_page_is_running (page));
  g_assert_true (gpm_test_gui_wait (export_ended, page, 60));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");

  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".md") && !g_str_equal (name, "index.md"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *text = NULL;

        g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
        g_assert_null (strstr (text, "Grandma"));
        found_kite |= strstr (text, "Kite flying in the park") != NULL;
        n_markdown++;
      }
  g_assert_cmpuint (n_markdown, ==, 5);
  g_assert_true (found_kite);

  gtk_window_destroy (GTK_WINDOW (window));
}


static void
count_request_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  guint *n_requests = user_data;

  (*n_requests)++;
  soup_server_message_set_status (msg, 404, NULL);
}

/* Nothing is loaded from the network unless remote previews are allowed:
 * a post whose markup points at a server on 127.0.0.1 is previewed, in both
 * modes, and the server counts the requests. */
static void
test_preview_no_network (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("gpm-test-net-XXXXXX", NULL);
  g_autofree char *takeout = g_build_filename (tmp, "Takeout", NULL);
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  GSList *uris;
  guint port, n_requests = 0;
  GpmWindow *window;
  GpmPreview *preview;
  PreviewWait wait = { NULL, FALSE, NULL };
  const char *paths[] = { takeout, NULL };
  GpmTestPostFile file = { "20180101 - Remote.json", NULL };

  soup_server_add_handler (server, NULL, count_request_cb, &n_requests, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  json = g_strdup_printf ("{\"url\": \"https://plus.google.com/1/posts/r\", "
                          "\"creationTime\": \"2018-01-01 10:00:00+0000\", " AUTHOR ", "
                          "\"content\": \"<a id=\\\"l\\\" href=\\\"http://127.0.0.1:%u/link\\\">a link</a> Look <img src=\\\"http://127.0.0.1:%u/pixel.png\\\"> here "
                          "<iframe src=\\\"http://127.0.0.1:%u/frame\\\"></iframe>\", "
                          "\"media\": {\"url\": \"http://127.0.0.1:%u/photo.jpg\", \"contentType\": \"image/jpeg\"}, "
                          "\"resourceName\": \"users/1/posts/r\", " PUBLIC_ACL "}", port, port, port, port);
  file.json = json;
  gpm_test_gui_write_takeout (tmp, &file, 1);

  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gpm_test_gui_drop_paths (window, paths));
  g_assert_true (gpm_test_gui_wait_review (window));
  gpm_test_gui_wait_list (window);
  preview = wait.preview = gpm_window_get_preview (window);
  g_signal_connect (preview, "loaded", G_CALLBACK (preview_loaded_cb), &wait);

  /* Original view, remote previews off (the default) */
  gpm_preview_set_remote_allowed (preview, FALSE);
  wait.loaded = FALSE;
  gpm_preview_set_mode (preview, GPM_PREVIEW_ORIGINAL);
  g_assert_true (gpm_test_gui_wait (preview_is_loaded, &wait, 30));
  gpm_preview_read_text_async (preview, NULL, text_read_cb, &wait);
  g_assert_true (gpm_test_gui_wait (text_is_read, &wait, 30));
  g_assert_nonnull (strstr (wait.text, "Look"));
  g_clear_pointer (&wait.text, g_free);
  /* give any request time to arrive */
  {
    gint64 end = g_get_monotonic_time () + 500 * 1000;
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (n_requests, ==, 0);

  /* A link followed from the page does not navigate the preview (and with
   * no user's click, nothing is handed to the browser either) */
  webkit_web_view_evaluate_javascript (gpm_preview_get_web_view (preview),
                                       "document.getElementById('l').click()", -1,
                                       "gpm-test", NULL, NULL, NULL, NULL);
  {
    gint64 end = g_get_monotonic_time () + 500 * 1000;
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpstr (webkit_web_view_get_uri (gpm_preview_get_web_view (preview)), ==, "gpm-media:///");
  g_assert_cmpuint (n_requests, ==, 0);

  /* Allowed: the same page now loads the image (so the server is reachable) */
  wait.loaded = FALSE;
  gpm_preview_set_remote_allowed (preview, TRUE);
  g_assert_true (gpm_test_gui_wait (preview_is_loaded, &wait, 30));
  {
    gint64 end = g_get_monotonic_time () + 2000 * 1000;
    while (n_requests == 0 && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (n_requests, >, 0);

  gpm_preview_set_remote_allowed (preview, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
  gpm_test_rm_rf (tmp);
  (void) text;
}

/* Issue 15: the user's own comments under the post in the diaspora* view
 * when the preference brings them along; nobody else's, ever. */
static void
test_preview_own_comments (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("gpm-test-gui-comments-XXXXXX", NULL);
  const char *paths[] = { tmp, NULL };
  GpmTestPostFile file = { "20180101 - Commented.json",
    "{\"url\": \"https://plus.google.com/1/posts/c\", \"creationTime\": \"2018-01-01 10:00:00+0000\", " AUTHOR ", "
    "\"content\": \"A post with replies\", \"resourceName\": \"users/1/posts/c\", " PUBLIC_ACL ", "
    "\"comments\": [{\"creationTime\": \"2018-01-02 10:00:00+0000\", \"author\": {\"displayName\": \"Bob\", \"resourceName\": \"users/2\"},"
    " \"content\": \"QQOTHERSQQ words\"}, {\"creationTime\": \"2018-01-03 10:00:00+0000\", " AUTHOR ","
    " \"content\": \"My own answer\"}]}" };
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  GpmWindow *window;
  PreviewWait wait = { NULL, FALSE, NULL };
  g_autofree char *text = NULL;

  gpm_test_gui_write_takeout (tmp, &file, 1);
  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gpm_test_gui_drop_paths (window, paths));
  g_assert_true (gpm_test_gui_wait_review (window));
  gpm_test_gui_wait_list (window);
  wait.preview = gpm_window_get_preview (window);
  g_signal_connect (wait.preview, "loaded", G_CALLBACK (preview_loaded_cb), &wait);
  gpm_preview_set_mode (wait.preview, GPM_PREVIEW_DIASPORA);

  settings->own_comments = TRUE;
  gpm_preview_set_convert_settings (wait.preview, settings);
  text = select_and_read (window, &wait, 0);
  g_assert_nonnull (strstr (text, "A post with replies"));
  g_assert_nonnull (strstr (text, "My own answer"));
  g_assert_nonnull (strstr (text, "Commented on Google+ on Wed Jan 03, 2018"));
  g_assert_true (strstr (text, "A post with replies") < strstr (text, "My own answer"));
  g_assert_null (strstr (text, "QQOTHERSQQ"));
  g_clear_pointer (&text, g_free);

  settings->own_comments = FALSE;
  wait.loaded = FALSE;
  gpm_preview_set_convert_settings (wait.preview, settings);
  g_assert_true (gpm_test_gui_wait (preview_is_loaded, &wait, 30));
  gpm_preview_read_text_async (wait.preview, NULL, text_read_cb, &wait);
  g_assert_true (gpm_test_gui_wait (text_is_read, &wait, 30));
  g_assert_nonnull (strstr (wait.text, "A post with replies"));
  g_assert_null (strstr (wait.text, "My own answer"));
  g_assert_null (strstr (wait.text, "QQOTHERSQQ"));
  g_clear_pointer (&wait.text, g_free);

  g_signal_handlers_disconnect_by_data (wait.preview, &wait);
  gtk_window_destroy (GTK_WINDOW (window));
  gpm_test_rm_rf (tmp);
}

/* The renderer is chosen (an environment variable set) before GTK starts
 * and before any thread but the one JavaScriptCore's library starts when it
 * is loaded: the GL driver is asked in a child process. */
static void
test_renderer_chosen_before_threads (void)
{
  guint at_start, at_choice;
  gboolean gtk_ready;

  gpm_test_gui_get_renderer_choice (&at_start, &at_choice, &gtk_ready);
  g_test_message ("GSK_RENDERER=%s, threads: %u at start, %u at the choice",
                  g_getenv ("GSK_RENDERER"), at_start, at_choice);
  g_assert_false (gtk_ready);
  g_assert_cmpuint (at_choice, ==, at_start);
  g_assert_cmpuint (at_choice, <=, 2);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (!gpm_test_gui_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run -a dbus-run-session)\n");
      return 0;
    }

  tmp_dir = g_dir_make_tmp ("gpm-test-gui-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  gpm_test_gui_write_takeout (tmp_dir, posts, G_N_ELEMENTS (posts));
  takeout_dir = g_build_filename (tmp_dir, "Takeout", NULL);

  g_test_add_func ("/gui/renderer-chosen-before-threads", test_renderer_chosen_before_threads);
  g_test_add_func ("/gui/drop-builds-tree", test_drop_builds_tree);
  g_test_add_func ("/gui/tick-untick", test_tick_untick);
  g_test_add_func ("/gui/space-ticks-focused-row", test_space_ticks_focused_row);
  g_test_add_func ("/gui/new-takeout-clears-search", test_new_takeout_clears_search);
  g_test_add_func ("/gui/preview-text", test_preview_text);
  g_test_add_func ("/gui/generated-takeout-counts", test_generated_takeout_counts);
  g_test_add_func ("/gui/posts-while-reading", test_posts_while_reading);
  g_test_add_func ("/gui/export-to-folder", test_export_to_folder);
  g_test_add_func ("/gui/preview-no-network", test_preview_no_network);
  g_test_add_func ("/gui/preview-own-comments", test_preview_own_comments);

  ret = g_test_run ();

  gpm_test_rm_rf (tmp_dir);
  g_free (takeout_dir);
  g_free (tmp_dir);

  return ret;
}
