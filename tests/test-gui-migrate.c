/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The whole way through the UI code: drop a takeout, tick an audience, sign
 * in through the dialog, map the circle to an aspect, migrate to the test
 * pod (127.0.0.1) and check what the pod received. */
#define G_LOG_DOMAIN "test-gui-migrate"

#include "config.h"

#include <glib/gstdio.h>

#include "gpm-application.h"
#include "gpm-migrate-page-private.h"
#include "gpm-secrets.h"
#include "gpm-sign-in-dialog.h"
#include "gpm-test-gui-util.h"
#include "gpm-test-pod.h"
#include "gpm-window-private.h"

#define AUTHOR "\"author\": {\"displayName\": \"Alex Example\", \"resourceName\": \"users/1\"}"
#define PUBLIC_ACL "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}"
#define CIRCLE_ACL(id, name) "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\", \"resourceName\": \"" id "\", \"displayName\": \"" name "\"}]}}"
#define USER_ACL "\"postAcl\": {\"visibleToStandardAcl\": {\"users\": [{\"resourceName\": \"users/2\", \"displayName\": \"Bo\"}]}}"
#define POST(id, date, content, acl) \
  "{\"url\": \"https://plus.google.com/1/posts/" id "\", \"creationTime\": \"" date "\", \"updateTime\": \"" date "\", " \
  AUTHOR ", \"content\": \"" content "\", \"resourceName\": \"users/1/posts/" id "\", " acl "}"

static const GpmTestPostFile posts[] = {
  { "20180101 - A.json", POST ("a", "2018-01-01 10:00:00+0000", "First public post", PUBLIC_ACL) },
  { "20180202 - B.json", POST ("b", "2018-02-02 10:00:00+0000", "Second public post", PUBLIC_ACL) },
  { "20180303 - C.json", POST ("c", "2018-03-03 10:00:00+0000", "Only for the family", CIRCLE_ACL ("circles/1-f", "Family")) },
  { "20180404 - D.json", POST ("d", "2018-04-04 10:00:00+0000", "Just for Bo", USER_ACL) },
  /* A reshare with nothing of the user's own: left out, never sent. */
  { "20180505 - E.json", POST ("e", "2018-05-05 10:00:00+0000", "", "\"resharedPost\": {\"author\": {\"displayName\": \"Zoe\"}, "
                                                                   "\"content\": \"THEIR WORDS\"}, " PUBLIC_ACL) },
  /* A place: private by default, it never reaches the pod. */
  { "20180606 - F.json", POST ("f", "2018-06-06 10:00:00+0000", "Written somewhere",
                               "\"location\": {\"displayName\": \"Cafe Baker\", \"physicalAddress\": \"1 Baker St\", "
                               "\"latitude\": 51.5, \"longitude\": -0.1}, " PUBLIC_ACL) },
};

typedef struct {
  GpmWindow *window;
  const char *step;
} Wait;

static gboolean
statement_has_aspect (gpointer data)
{
  return strstr (gpm_migrate_page_get_statement (data), "aspect Family") != NULL;
}

static void
signed_in_cb (GpmSignInDialog *dialog,
              GpmPod          *pod,
              GpmPod         **out)
{
  *out = g_object_ref (pod);
}

static gboolean
keyring_written (gpointer dialog)
{
  return !gpm_sign_in_dialog_is_remembering (dialog);
}

/* The post list's states (read from the journal in a worker) show the
 * three posts on the pod and the one skipped */
static gboolean
states_shown (gpointer window)
{
  GPtrArray *all = gpm_import_get_posts (gpm_window_get_import (window));
  guint n_posted = 0, n_skipped = 0;

  for (guint i = 0; i < all->len; i++)
    {
      int state = gpm_window_get_post_state (window, g_ptr_array_index (all, i));

      n_posted += state == GPM_JOURNAL_STATE_POSTED;
      n_skipped += state == GPM_JOURNAL_STATE_SKIPPED;
    }
  /* what the first run posted (4, as the pod counts them) and skipped (1) */
  return n_posted == 4 && n_skipped == 1;
}

static gboolean
has_state_journal (gpointer window)
{
  return gpm_window_get_state_journal (window) != NULL;
}

static gboolean
on_review_page (gpointer window)
{
  return g_strcmp0 (gpm_window_get_page (window), "review") == 0;
}

static gboolean
plan_has_message (gpointer page)
{
  return *gpm_migrate_page_get_plan_message (page) != '\0';
}

static void
test_migrate_to_test_pod (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) pod = gpm_test_pod_new (0, &error);
  g_autofree char *tmp = g_dir_make_tmp ("gpm-test-gui-migrate-XXXXXX", NULL);
  g_autofree char *takeout = g_build_filename (tmp, "Takeout", NULL);
  const char *paths[] = { takeout, NULL };
  g_autofree char *guid = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GpmPod) signed_in = NULL;
  GpmWindow *window;
  GpmSignInDialog *dialog;
  g_autoptr(GpmSignInDialog) signed_in_dialog = NULL;
  GpmMigratePage *page;
  const char *statement;
  gint64 family;
  guint n_public = 0, n_family = 0;

  g_assert_no_error (error);
  guid = gpm_test_pod_add_user (pod, "alice", "correct horse", NULL);
  family = gpm_test_pod_add_aspect (pod, "alice", "Family");
  gpm_test_pod_add_aspect (pod, "alice", "Work");
  gpm_test_pod_set_api_enabled (pod, FALSE);

  gpm_test_gui_write_takeout (tmp, posts, G_N_ELEMENTS (posts));

  /* Not presented: without a window manager, focus moving between two
   * toplevels makes GTK 4.8 warn (fatally in a test). */
  window = gpm_window_new (gpm_test_gui_get_app ());
  g_assert_true (gpm_test_gui_drop_paths (window, paths));
  g_assert_true (gpm_test_gui_wait_review (window));
  gpm_test_gui_wait_list (window);

  /* Public is ticked; add everything, so the person's post is selected too
   * and must be skipped (it has no aspect). */
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);

  /* Migrate… opens the sign-in dialog */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.migrate", NULL);
  dialog = gpm_test_gui_find_sign_in_dialog ();
  g_assert_nonnull (dialog);
  gpm_sign_in_dialog_set_can_open_browser (dialog, FALSE);
  gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (pod));
  gpm_sign_in_dialog_set_username (dialog, "alice");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");

  /* A wrong password is said plainly */
  gpm_sign_in_dialog_set_password (dialog, "wrong");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  g_assert_nonnull (strstr (gpm_sign_in_dialog_get_message (dialog), "not right"));

  gpm_sign_in_dialog_set_password (dialog, "correct horse");
  g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), &signed_in);
  /* Kept past its closing, to ask it about the keyring write */
  signed_in_dialog = g_object_ref (dialog);
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_on_migrate_page, window, 60));

  page = gpm_window_get_migrate_page (window);
  g_assert_true (gpm_test_gui_wait (statement_has_aspect, page, 60));
  statement = gpm_migrate_page_get_statement (page);
  g_test_message ("statement: %s", statement);
  g_assert_nonnull (strstr (statement, "3 posts will be published publicly on 127.0.0.1:"));
  g_assert_nonnull (strstr (statement, "1 post has nothing of yours to post"));
  g_assert_nonnull (strstr (statement, " as alice."));
  g_assert_nonnull (strstr (statement, "1 post shared with Family goes to the aspect Family."));
  g_assert_nonnull (strstr (statement, "1 private post is skipped."));
  /* issue 15: what happens to the user's own comments and to Google+ links */
  g_assert_nonnull (strstr (statement, "Your own comments under these posts stay behind"));
  g_assert_nonnull (strstr (statement, "other Google+ addresses to the Internet Archive"));

  gpm_migrate_page_set_delay (page, 0);
  gpm_migrate_page_start (page);
  g_assert_true (gpm_migrate_page_is_running (page));
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");
  g_assert_true (gpm_test_gui_wait (states_shown, window, 60));

  received = gpm_test_pod_dup_posts (pod);
  g_assert_cmpuint (received->len, ==, 4);
  for (guint i = 0; i < received->len; i++)
    {
      GpmTestPodPost *post = g_ptr_array_index (received, i);

      g_assert_cmpstr (post->author, ==, "alice");
      g_assert_null (strstr (post->text, "Just for Bo"));
      g_assert_null (strstr (post->text, "THEIR WORDS"));
      g_assert_null (strstr (post->text, "Baker"));
      g_assert_null (post->location_address);
      g_assert_null (strstr (post->request_body, "location"));
      if (strstr (post->text, "Only for the family") != NULL)
        {
          g_assert_false (post->is_public);
          g_assert_cmpuint (post->aspect_ids->len, ==, 1);
          g_assert_cmpint (g_array_index (post->aspect_ids, gint64, 0), ==, family);
          n_family++;
        }
      else
        {
          g_assert_true (post->is_public);
          g_assert_nonnull (strstr (post->text, "#repost #gplusarchive"));
          n_public++;
        }
    }
  g_assert_cmpuint (n_public, ==, 3);
  g_assert_cmpuint (n_family, ==, 1);

  /* The account is remembered in the keyring, written through libsecret's
   * async call: once the dialog says the write is over, it is there */
  {
    g_autofree char *address = gpm_pod_normalize_address (gpm_test_pod_get_url (pod), NULL);
    g_autoptr(GError) keyring_error = NULL;
    char *secret = NULL;

    g_assert_true (gpm_test_gui_wait (keyring_written, signed_in_dialog, 60));
    secret = gpm_secrets_lookup_sync (address, "alice", GPM_SECRET_PASSWORD, NULL, &keyring_error);
    g_assert_no_error (keyring_error);
    g_assert_cmpstr (secret, ==, "correct horse");
    gpm_secrets_free (secret);
  }

  /* Running again posts nothing twice */
  gpm_migrate_page_start (page);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
  g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 4);

  /* Planned again while the pod cannot list its aspects: the plan says so,
   * offers no aspect, and still starts (the private posts are skipped) */
  {
    const char *prefixes[] = { "/bookmarklet", "/stream", "/contacts" };

    for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
      gpm_test_pod_inject_fault (pod, prefixes[i], GPM_TEST_POD_FAULT_STATUS, 500, 10);
    g_assert_nonnull (signed_in);
    gpm_window_show_migration (window, signed_in);
    g_assert_true (gpm_test_gui_on_migrate_page (window));
    g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "plan");
    g_assert_true (gpm_test_gui_wait (plan_has_message, page, 60));
    g_test_message ("message: %s", gpm_migrate_page_get_plan_message (page));
    g_assert_nonnull (strstr (gpm_migrate_page_get_plan_message (page), "aspects could not be listed"));
    statement = gpm_migrate_page_get_statement (page);
    g_assert_null (strstr (statement, "aspect Family"));
    g_assert_nonnull (strstr (statement, "2 private posts are skipped."));
    g_assert_nonnull (strstr (statement, "4 posts of this takeout are already on the pod."));
    gpm_test_pod_clear_faults (pod);
    gpm_migrate_page_start (page);
    g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
    g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 4);
  }

  /* The same takeout opened again in a new window: what is on the pod is
   * found (in a worker) and shown, and continuing is offered */
  {
    GpmWindow *again = gpm_window_new (gpm_test_gui_get_app ());
    guint counts[GPM_JOURNAL_N_STATES] = { 0 };

    g_assert_true (gpm_test_gui_drop_paths (again, paths));
    g_assert_true (gpm_test_gui_wait_review (again));
    g_assert_true (gpm_test_gui_wait (has_state_journal, again, 60));
    g_assert_true (gpm_journal_count (gpm_window_get_state_journal (again), counts, NULL));
    g_assert_cmpuint (counts[GPM_JOURNAL_STATE_POSTED], ==, 4);
    g_assert_cmpstr (gpm_journal_get_path (gpm_window_get_state_journal (again)), ==,
                     gpm_journal_get_path (gpm_migrate_page_get_journal (page)));
    g_assert_true (gpm_test_gui_wait (states_shown, again, 60));
    gtk_window_destroy (GTK_WINDOW (again));
  }

  /* A journal that cannot be opened: said in a toast, back to the posts */
  {
    g_autofree char *journal_path = g_strdup (gpm_journal_get_path (gpm_migrate_page_get_journal (page)));
    g_autofree char *moved = g_strconcat (journal_path, ".moved", NULL);

    g_assert_cmpint (g_rename (journal_path, moved), ==, 0);
    g_assert_cmpint (g_mkdir (journal_path, 0700), ==, 0);
    gpm_window_show_migration (window, signed_in);
    g_assert_true (gpm_test_gui_wait (on_review_page, window, 60));
    g_assert_cmpint (g_rmdir (journal_path), ==, 0);
    g_assert_cmpint (g_rename (moved, journal_path), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found)
        return found;
    }
  return NULL;
}

static GpmPost *
post_with (GpmWindow  *window,
           const char *content)
{
  GPtrArray *all = gpm_import_get_posts (gpm_window_get_import (window));

  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (gpm_post_get_content (g_ptr_array_index (all, i)), content))
      return g_ptr_array_index (all, i);
  g_assert_not_reached ();
}

/* Issue 17 item 5 the whole way: a post left out and a text edited in the
 * review (before signing in) and a post left out on the plan page are the
 * plan's, kept in the journal, and the pod receives what they say */
static void
test_per_post_decisions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) pod = gpm_test_pod_new (0, &error);
  g_autofree char *tmp = g_dir_make_tmp ("gpm-test-gui-decide-XXXXXX", NULL);
  g_autofree char *takeout = g_build_filename (tmp, "Takeout", NULL);
  const char *paths[] = { takeout, NULL };
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GpmPod) signed_in = NULL;
  g_autoptr(GpmPlan) saved = NULL;
  GpmWindow *window;
  GpmPreview *preview;
  GpmSignInDialog *dialog;
  GpmPostEditor *editor;
  GpmMigratePage *page;
  GtkWidget *leave_out;
  gboolean edited_seen = FALSE;

  g_assert_no_error (error);
  gpm_test_pod_add_user (pod, "carol", "correct horse", NULL);
  gpm_test_pod_add_aspect (pod, "carol", "Family");
  gpm_test_pod_set_api_enabled (pod, FALSE);
  gpm_test_gui_write_takeout (tmp, posts, G_N_ELEMENTS (posts));

  window = gpm_window_new (gpm_test_gui_get_app ());
  g_assert_true (gpm_test_gui_drop_paths (window, paths));
  g_assert_true (gpm_test_gui_wait_review (window));
  gpm_test_gui_wait_list (window);
  gpm_scope_sidebar_apply_preset (gpm_window_get_sidebar (window), "everything");
  gpm_test_gui_wait_list (window);
  preview = gpm_window_get_preview (window);

  /* In the review: leave the first post out, edit the second's text */
  gpm_preview_set_post (preview, post_with (window, "First public post"));
  leave_out = find_button (GTK_WIDGET (preview), "_Leave Out");
  g_assert_nonnull (leave_out);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (leave_out), TRUE);
  gpm_preview_set_post (preview, post_with (window, "Second public post"));
  editor = gpm_preview_edit_text (preview);
  g_assert_nonnull (editor);
  gpm_post_editor_set_text (editor, "My edited words #repost");
  gpm_post_editor_save (editor);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.migrate", NULL);
  dialog = gpm_test_gui_find_sign_in_dialog ();
  g_assert_nonnull (dialog);
  gpm_sign_in_dialog_set_can_open_browser (dialog, FALSE);
  gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (pod));
  gpm_sign_in_dialog_set_username (dialog, "carol");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  gpm_sign_in_dialog_set_password (dialog, "correct horse");
  g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), &signed_in);
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_on_migrate_page, window, 60));
  page = gpm_window_get_migrate_page (window);
  g_assert_true (gpm_test_gui_wait (statement_has_aspect, page, 60));

  /* On the plan page, one more left out: the page takes it and keeps it */
  gpm_preview_set_post (preview, post_with (window, "Written somewhere"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (leave_out), TRUE);

  gpm_migrate_page_set_delay (page, 0);
  gpm_migrate_page_start (page);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");

  received = gpm_test_pod_dup_posts (pod);
  for (guint i = 0; i < received->len; i++)
    {
      GpmTestPodPost *post = g_ptr_array_index (received, i);

      g_test_message ("received: %s", post->text);
      g_assert_null (strstr (post->text, "First public post"));
      g_assert_null (strstr (post->text, "Second public post"));
      g_assert_null (strstr (post->text, "Written somewhere"));
      if (g_str_equal (post->text, "My edited words #repost"))
        edited_seen = TRUE;
    }
  g_assert_true (edited_seen);
  /* The edited one and the family's */
  g_assert_cmpuint (received->len, ==, 2);

  /* Kept in the journal, for the next time */
  saved = gpm_plan_load (gpm_migrate_page_get_journal (page), &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  g_assert_true (gpm_plan_is_post_excluded (saved, gpm_journal_post_key (post_with (window, "First public post"))));
  g_assert_true (gpm_plan_is_post_excluded (saved, gpm_journal_post_key (post_with (window, "Written somewhere"))));
  g_assert_cmpstr (gpm_plan_get_post_text (saved, gpm_journal_post_key (post_with (window, "Second public post"))),
                   ==, "My edited words #repost");

  gtk_window_destroy (GTK_WINDOW (window));
  gpm_test_rm_rf (tmp);
}

static gboolean
has_pod (gpointer data)
{
  return *(GpmPod **) data != NULL;
}

/* Browser (API v1) sign-in when the pod offers it; two-factor on a pod
 * without the API; messages a person understands for the usual mistakes. */
/* "The browser" of a pod that is downgraded to 0.7 under it */
static void
downgrade_then_open (const char *uri, gpointer user_data)
{
  gpm_test_pod_set_version (user_data, "0.7.18.2", FALSE);
  gpm_test_pod_open_in_browser (uri, user_data);
}

static void
test_sign_in_variants (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) pod = gpm_test_pod_new (0, &error);
  g_autofree char *guid1 = NULL;
  g_autofree char *guid2 = NULL;
  GpmSignInDialog *dialog;
  GpmPod *signed_in = NULL;
  g_autofree char *username = NULL;

  g_assert_no_error (error);
  guid1 = gpm_test_pod_add_user (pod, "bob", "bobs password", NULL);
  guid2 = gpm_test_pod_add_user (pod, "carol", "carols password", "123456");
  g_free (gpm_test_pod_add_user (pod, "dave", "daves password", NULL));
  g_free (gpm_test_pod_add_user (pod, "erin", "erins password", NULL));
  gpm_test_pod_set_browser_user (pod, "bob", TRUE);

  /* Not a pod address */
  dialog = gpm_sign_in_dialog_new (NULL);
  gpm_sign_in_dialog_set_address (dialog, "http://example.org");
  gpm_sign_in_dialog_set_username (dialog, "bob");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "address");
  g_assert_nonnull (strstr (gpm_sign_in_dialog_get_message (dialog), "https://"));

  /* The browser way */
  g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), &signed_in);
  gpm_sign_in_dialog_set_uri_opener (dialog, gpm_test_pod_open_in_browser, pod);
  gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (pod));
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (has_pod, &signed_in, 60));
  g_assert_cmpint (gpm_pod_get_auth (signed_in), ==, GPM_POD_AUTH_API);
  g_clear_object (&signed_in);

  /* Two-factor, password way */
  gpm_test_pod_set_api_enabled (pod, FALSE);
  dialog = gpm_sign_in_dialog_new (NULL);
  g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), &signed_in);
  gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (pod));
  gpm_sign_in_dialog_set_username (dialog, "carol");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  gpm_sign_in_dialog_set_password (dialog, "carols password");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "code");
  gpm_sign_in_dialog_set_code (dialog, "000000");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "code");
  g_assert_nonnull (strstr (gpm_sign_in_dialog_get_message (dialog), "not right"));
  gpm_sign_in_dialog_set_code (dialog, "123456");
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (has_pod, &signed_in, 60));
  g_assert_cmpint (gpm_pod_get_auth (signed_in), ==, GPM_POD_AUTH_WEB);
  username = gpm_pod_dup_username (signed_in);
  g_assert_cmpstr (username, ==, "carol");
  g_clear_object (&signed_in);

  /* A pod that turns out to have no API scopes when the browser asks
   * (invalid_scope): the dialog asks for the password by itself */
  gpm_test_pod_set_api_enabled (pod, TRUE);
  dialog = gpm_sign_in_dialog_new (NULL);
  g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), &signed_in);
  gpm_sign_in_dialog_set_uri_opener (dialog, downgrade_then_open, pod);
  gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (pod));
  gpm_sign_in_dialog_set_username (dialog, "dave");
  gpm_test_pod_set_browser_user (pod, "dave", TRUE);
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  gpm_sign_in_dialog_set_password (dialog, "daves password");
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (has_pod, &signed_in, 60));
  g_assert_cmpint (gpm_pod_get_auth (signed_in), ==, GPM_POD_AUTH_WEB);
  g_clear_object (&signed_in);

  /* An address that redirects: the pod's own address is kept */
  {
    g_autoptr(GpmTestPod) apex = gpm_test_pod_new (0, &error);
    g_autofree char *last_pod = NULL;

    g_assert_no_error (error);
    gpm_test_pod_set_moved (apex, gpm_test_pod_get_url (pod));
    dialog = gpm_sign_in_dialog_new (NULL);
    g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), &signed_in);
    gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (apex));
    gpm_sign_in_dialog_set_username (dialog, "erin");
    gpm_sign_in_dialog_continue (dialog);
    gpm_test_gui_wait_sign_in_step (dialog, "password");
    gpm_sign_in_dialog_set_password (dialog, "erins password");
    gpm_sign_in_dialog_continue (dialog);
    g_assert_true (gpm_test_gui_wait (has_pod, &signed_in, 60));
    g_assert_cmpstr (gpm_pod_get_address (signed_in), ==, gpm_test_pod_get_url (pod));
    last_pod = g_settings_get_string (gpm_settings_get_default (), "last-pod");
    g_assert_cmpstr (last_pod, ==, gpm_test_pod_get_url (pod));
    g_clear_object (&signed_in);
  }
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

  g_test_add_func ("/gui/migrate-to-test-pod", test_migrate_to_test_pod);
  g_test_add_func ("/gui/sign-in-variants", test_sign_in_variants);
  g_test_add_func ("/gui/per-post-decisions", test_per_post_decisions);

  return g_test_run ();
}
