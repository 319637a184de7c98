/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The whole way through the UI code: drop a takeout, tick an audience, sign
 * in through the dialog, map the circle to an aspect, migrate to the test
 * pod (127.0.0.1) and check what the pod received. Then what a long
 * migration meets: the sign-in's variants and signing in once, the per-post
 * decisions reaching the pod, closing the window (with and without the
 * Background portal), resuming an unfinished run. One program (~1,050
 * lines) so the app and its web process start once for these cases. */
#define G_LOG_DOMAIN "test-gui-migrate"

#include "config.h"

#include <glib/gstdio.h>

#include "gpm-application.h"
#include "gpm-background.h"
#include "gpm-gui-util.h"
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

/* args: the window, a text a label in it (a toast's too) contains */
static gboolean
window_says (gpointer data)
{
  gpointer *args = data;

  return gpm_test_gui_find_widget (args[0], FALSE, gpm_test_gui_widget_has_text, args[1]) != NULL;
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

/* A log row's subtitle: the skipped post's reason */
static gboolean
is_skip_reason (GtkWidget *widget,
                gpointer   data)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), "Shared with ");
}

static void
test_migrate_to_test_pod (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-migrate-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *pod = fx->pod;
  const char * const *paths = fx->paths;
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

  guid = gpm_test_pod_add_user (pod, "alice", "correct horse", NULL);
  family = gpm_test_pod_add_aspect (pod, "alice", "Family");
  gpm_test_pod_add_aspect (pod, "alice", "Work");
  gpm_test_pod_set_api_enabled (pod, FALSE);

  /* Not presented: without a window manager, focus moving between two
   * toplevels makes GTK 4.8 warn (fatally in a test). */
  window = gpm_window_new (gpm_test_gui_get_app ());
  /* Everything ticked (not just Public), so the person's post is selected
   * too and must be skipped (it has no aspect). */
  gpm_test_gui_open_everything (window, paths);

  /* Migrate… opens the sign-in dialog */
  dialog = gpm_test_gui_open_sign_in (window);
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
  /* The log's skipped post: its reason on one line, whole in its tooltip
   * (wrapping, such a label was measured ~120 times in the layout that
   * showed it: the first post's rows were 60-100 ms of text shaping) */
  {
    GtkWidget *reason = gpm_test_gui_find_widget (GTK_WIDGET (page), FALSE, is_skip_reason, NULL);

    g_assert_nonnull (reason);
    g_assert_false (gtk_label_get_wrap (GTK_LABEL (reason)));
    g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (reason)), ==, PANGO_ELLIPSIZE_END);
    g_assert_cmpstr (gtk_widget_get_tooltip_text (reason), ==, gtk_label_get_label (GTK_LABEL (reason)));
  }

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
    /* The last plan's duration is gone on entering again, until this
     * plan's count is in */
    g_assert_cmpstr (gtk_label_get_label (page->duration_label), ==, "Counting the posts…");
    g_assert_null (gpm_migrate_page_get_duration (page));
    g_assert_true (gpm_test_gui_wait (plan_has_message, page, 60));
    g_test_message ("message: %s", gpm_migrate_page_get_plan_message (page));
    g_assert_nonnull (strstr (gpm_migrate_page_get_plan_message (page), "aspects could not be listed"));
    statement = gpm_migrate_page_get_statement (page);
    g_assert_null (strstr (statement, "aspect Family"));
    /* the three public posts are on the pod: nothing left to send, the
     * private ones skipped with no aspect to choose */
    g_assert_true (gpm_migrate_page_is_all_on_pod (page));
    g_assert_nonnull (strstr (statement, "All 3 posts you chose are on 127.0.0.1:"));
    g_assert_nonnull (strstr (statement, "2 private posts are skipped."));
    g_assert_null (strstr (statement, "choose aspects"));
    g_assert_false (gtk_widget_get_visible (page->mapping_box));
    gpm_test_pod_clear_faults (pod);
    gpm_migrate_page_start (page);
    g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
    g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 4);
  }

  /* The same takeout opened again in a new window: what is on the pod is
   * found (in a worker) and shown. Every post the plan sends is there:
   * nothing to continue, no offer to; that it is complete is said once,
   * not on the next start */
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
    g_assert_null (again->continue_toast);
    g_assert_true (gpm_test_gui_wait (window_says, (gpointer[]) { again, "Your migration to alice@127.0.0.1:" }, 10));
    g_assert_true (window_says ((gpointer[]) { again, "is complete: all 4 posts you chose are there." }));
    g_assert_null (gpm_test_gui_find_widget (GTK_WIDGET (again), TRUE, gpm_test_gui_widget_has_text,
                                             (gpointer) "left off"));
    gtk_window_destroy (GTK_WINDOW (again));

    again = gpm_window_new (gpm_test_gui_get_app ());
    g_assert_true (gpm_test_gui_drop_paths (again, paths));
    g_assert_true (gpm_test_gui_wait_review (again));
    g_assert_true (gpm_test_gui_wait (has_state_journal, again, 60));
    g_assert_true (gpm_test_gui_wait (states_shown, again, 60));
    /* (a second for either to come) */
    g_assert_false (gpm_test_gui_wait (window_says, (gpointer[]) { again, "is complete" }, 1));
    g_assert_null (again->continue_toast);
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

static gboolean
is_button_labelled (GtkWidget *widget,
                    gpointer   label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  return gpm_test_gui_find_widget (widget, FALSE, is_button_labelled, (gpointer) label);
}

/* Signs @user in with a password through the dialog, as the user does,
 * and waits for the plan (its circle mapped to the aspect Family) */
static GpmMigratePage *
sign_in_with_password (GpmWindow  *window,
                       GpmTestPod *pod,
                       const char *user)
{
  GpmSignInDialog *dialog;
  GpmMigratePage *page;

  /* a pod signed in to by an earlier test would be reused (sign in once) */
  gpm_application_forget_pods (gpm_test_gui_get_app ());
  dialog = gpm_test_gui_open_sign_in (window);
  gpm_sign_in_dialog_set_address (dialog, gpm_test_pod_get_url (pod));
  gpm_sign_in_dialog_set_username (dialog, user);
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  gpm_sign_in_dialog_set_password (dialog, "correct horse");
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_on_migrate_page, window, 60));
  page = gpm_window_get_migrate_page (window);
  g_assert_true (gpm_test_gui_wait (statement_has_aspect, page, 60));
  return page;
}

/* The preview's Leave Out pressed on the post saying @content */
static void
leave_out_post (GpmWindow  *window,
                const char *content)
{
  GpmPreview *preview = gpm_window_get_preview (window);
  GtkWidget *leave_out;

  gpm_preview_set_post (preview, gpm_test_gui_post_with (window, content));
  leave_out = find_button (GTK_WIDGET (preview), "_Leave Out");
  g_assert_nonnull (leave_out);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (leave_out), TRUE);
}

/* The text of the post saying @content edited to @text in the editor */
static void
edit_post (GpmWindow  *window,
           const char *content,
           const char *text)
{
  GpmPreview *preview = gpm_window_get_preview (window);
  GpmPostEditor *editor;

  gpm_preview_set_post (preview, gpm_test_gui_post_with (window, content));
  editor = gpm_preview_edit_text (preview);
  g_assert_nonnull (editor);
  gpm_post_editor_set_text (editor, text);
  gpm_post_editor_save (editor);
}

/* The pod received @n posts, none saying one of @absent, one saying @text;
 * and the page's journal keeps the posts saying @absent left out and the
 * post saying @edited with @text */
static void
assert_decisions_kept (GpmWindow          *window,
                       GpmTestPod         *pod,
                       guint               n,
                       const char * const *absent,
                       const char         *edited,
                       const char         *text)
{
  g_autoptr(GPtrArray) received = gpm_test_pod_dup_posts (pod);
  g_autoptr(GpmPlan) saved = NULL;
  g_autoptr(GError) error = NULL;
  gboolean edited_seen = FALSE;

  for (guint i = 0; i < received->len; i++)
    {
      GpmTestPodPost *post = g_ptr_array_index (received, i);

      g_test_message ("received: %s", post->text);
      for (guint k = 0; absent[k] != NULL; k++)
        g_assert_null (strstr (post->text, absent[k]));
      g_assert_null (strstr (post->text, edited));
      if (g_str_equal (post->text, text))
        edited_seen = TRUE;
    }
  g_assert_true (edited_seen);
  g_assert_cmpuint (received->len, ==, n);

  /* Kept in the journal, for the next time */
  saved = gpm_plan_load (gpm_migrate_page_get_journal (gpm_window_get_migrate_page (window)), &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  for (guint k = 0; absent[k] != NULL; k++)
    g_assert_true (gpm_plan_is_post_excluded (saved, gpm_journal_post_key (gpm_test_gui_post_with (window, absent[k]))));
  g_assert_cmpstr (gpm_plan_get_post_text (saved, gpm_journal_post_key (gpm_test_gui_post_with (window, edited))),
                   ==, text);
}

/* Issue 17 item 5 the whole way: a post left out and a text edited in the
 * review (before signing in) and a post left out on the plan page are the
 * plan's, kept in the journal, and the pod receives what they say */
static void
test_per_post_decisions (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-decide-XXXXXX", posts, G_N_ELEMENTS (posts));
  const char *absent[] = { "First public post", "Written somewhere", NULL };
  GpmWindow *window;
  GpmMigratePage *page;

  gpm_test_pod_add_user (fx->pod, "carol", "correct horse", NULL);
  gpm_test_pod_add_aspect (fx->pod, "carol", "Family");
  gpm_test_pod_set_api_enabled (fx->pod, FALSE);

  window = gpm_window_new (gpm_test_gui_get_app ());
  gpm_test_gui_open_everything (window, fx->paths);

  /* In the review: leave the first post out, edit the second's text */
  leave_out_post (window, "First public post");
  edit_post (window, "Second public post", "My edited words #repost");

  page = sign_in_with_password (window, fx->pod, "carol");

  /* On the plan page, one more left out: the page takes it and keeps it */
  leave_out_post (window, "Written somewhere");

  gpm_migrate_page_set_delay (page, 0);
  gpm_migrate_page_start (page);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");

  /* The edited one and the family's */
  assert_decisions_kept (window, fx->pod, 2, absent, "Second public post", "My edited words #repost");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
pod_has_a_post (gpointer pod)
{
  return gpm_test_pod_count_posts (pod) >= 1;
}

/* The same decisions taken while the migration runs: the posts not sent
 * yet follow them (the migrator has its own copy of the plan, which a
 * change of a post alone never reached), and the journal keeps them */
static void
test_decisions_while_running (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-running-XXXXXX", posts, G_N_ELEMENTS (posts));
  const char *absent[] = { "Written somewhere", NULL };
  GpmWindow *window;
  GpmMigratePage *page;

  gpm_test_pod_add_user (fx->pod, "dave", "correct horse", NULL);
  gpm_test_pod_add_aspect (fx->pod, "dave", "Family");
  gpm_test_pod_set_api_enabled (fx->pod, FALSE);

  window = gpm_window_new (gpm_test_gui_get_app ());
  gpm_test_gui_open_everything (window, fx->paths);
  page = sign_in_with_password (window, fx->pod, "dave");

  /* Oldest first, a pause between posts: the first is on the pod while
   * the rest wait */
  gpm_migrate_page_set_delay (page, 3);
  gpm_migrate_page_start (page);
  g_assert_true (gpm_test_gui_wait (pod_has_a_post, fx->pod, 60));
  g_assert_true (gpm_migrate_page_is_running (page));

  /* the last one left out, the second one's text edited */
  leave_out_post (window, "Written somewhere");
  edit_post (window, "Second public post", "Words changed while it ran");

  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, page, 120));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "done");

  /* the first, the edited second and the family's */
  assert_decisions_kept (window, fx->pod, 3, absent, "Second public post", "Words changed while it ran");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_pod (gpointer data)
{
  return *(GpmPod **) data != NULL;
}

/* Whether the dialog's message is shown as an error (red), or as a note
 * (the dialog itself need not be on screen) */
static gboolean
message_in_red (GpmSignInDialog *dialog)
{
  GtkWidget *label = gpm_test_gui_find_widget (GTK_WIDGET (dialog), FALSE, gpm_test_gui_widget_has_text,
                                               (gpointer) gpm_sign_in_dialog_get_message (dialog));

  g_assert_nonnull (label);
  return gtk_widget_has_css_class (label, "error");
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

/* Issue 17: the window closed mid-run, the migration goes on and finishes;
 * the application holds itself meanwhile; a notification shows the
 * progress with Pause and Open, which work. */
static gboolean
is_prepared (gpointer page)
{
  return gpm_migrate_page_get_journal (page) != NULL && g_strcmp0 (gpm_migrate_page_get_status (page), "plan") == 0 &&
         *gpm_migrate_page_get_statement (page) != '\0';
}

typedef struct {
  GpmApplication *app;
  const char     *id;
  const char     *needle;
} NoteWait;

static gboolean
notification_says (gpointer data)
{
  NoteWait *w = data;
  const char *text = gpm_application_get_notification (w->app, w->id);
  static char *last;

  if (g_strcmp0 (text, last) != 0)
    {
      g_free (last);
      last = g_strdup (text);
      g_test_message ("notification now: %s", text ? text : "(none)");
    }

  return text != NULL && strstr (text, w->needle) != NULL;
}

static gboolean
no_migration_held (gpointer app)
{
  return gpm_application_get_n_migrations (app) == 0;
}

static gboolean
posts_on_pod (gpointer pod)
{
  return gpm_test_pod_count_posts (pod) >= 1;
}

static void
test_migrate_in_background (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-bg-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *pod = fx->pod;
  const char * const *paths = fx->paths;
  g_autoptr(GError) error = NULL;
  GpmApplication *app = gpm_test_gui_get_app ();
  g_autoptr(GpmPod) client = NULL;
  g_autofree char *progress_id = NULL;
  GpmWindow *window;
  GpmMigratePage *page;
  guint id;
  NoteWait wait = { app, NULL, NULL };

  gpm_test_pod_add_user (pod, "bea", "bea password", NULL);
  gpm_test_pod_set_api_enabled (pod, FALSE);
  /* every post request takes a while: the run outlasts the closing */
  gpm_test_pod_inject_fault (pod, "/status_messages", GPM_TEST_POD_FAULT_SLOW, 400, 1000);

  window = gpm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  id = gtk_application_window_get_id (GTK_APPLICATION_WINDOW (window));
  progress_id = g_strdup_printf ("gpm-progress-%u", id);
  wait.id = progress_id;
  gpm_test_gui_open (window, paths);

  client = gpm_pod_new (gpm_test_pod_get_url (pod), &error);
  g_assert_no_error (error);
  g_assert_true (gpm_pod_sign_in_password (client, "bea", "bea password", NULL, NULL, &error));
  g_assert_no_error (error);
  gpm_window_show_migration (window, client);
  page = gpm_window_get_migrate_page (window);
  g_assert_true (gpm_test_gui_wait (is_prepared, page, 60));

  g_assert_cmpuint (gpm_application_get_n_migrations (app), ==, 0);
  gpm_migrate_page_set_delay (page, 1);
  gpm_migrate_page_start (page);
  g_assert_true (gpm_migrate_page_is_running (page));
  /* (its posts still being chosen in a worker: what follows, up to the
   * closing, is before the run begins, issue 13) */
  g_assert_true (gpm_migrate_page_is_starting (page));
  /* held, and recorded for a restart */
  g_assert_cmpuint (gpm_application_get_n_migrations (app), ==, 1);
  g_assert_true (gpm_window_has_unfinished_migration ());
  /* open, the window shows the progress itself */
  g_assert_null (gpm_application_get_notification (app, progress_id));

  /* Closed: it only hides, the run goes on */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_nonnull (g_list_find (gtk_application_get_windows (GTK_APPLICATION (app)), window));
  g_assert_true (gpm_migrate_page_is_running (page));
  g_assert_cmpuint (gpm_application_get_n_migrations (app), ==, 1);

  /* The notification: progress, Pause and Open for this window */
  wait.needle = " of 3 posted";
  g_assert_true (gpm_test_gui_wait (notification_says, &wait, 30));
  {
    const char *text = gpm_application_get_notification (app, progress_id);
    g_autofree char *pause = g_strdup_printf ("Pause=app.pause-migration(%u)", id);
    g_autofree char *open = g_strdup_printf ("Open=app.open-window(%u)", id);

    g_test_message ("notification: %s", text);
    g_assert_nonnull (strstr (text, "Moving your posts to "));
    g_assert_nonnull (strstr (text, " of 3 posted"));
    g_assert_nonnull (strstr (text, pause));
    g_assert_nonnull (strstr (text, open));
  }
  g_assert_true (gpm_test_gui_wait (posts_on_pod, pod, 60));
  /* between two posts, the wait */
  wait.needle = " posted · next in ";
  g_assert_true (gpm_test_gui_wait (notification_says, &wait, 30));

  /* Pause from the notification, then Resume */
  g_action_group_activate_action (G_ACTION_GROUP (app), "pause-migration", g_variant_new_uint32 (id));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "paused");
  wait.needle = "Resume=app.pause-migration";
  g_assert_true (gpm_test_gui_wait (notification_says, &wait, 30));
  g_action_group_activate_action (G_ACTION_GROUP (app), "pause-migration", g_variant_new_uint32 (id));
  g_assert_cmpstr (gpm_migrate_page_get_status (page), ==, "running");

  /* Open: the window again, showing the running migration; no notification */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-window", g_variant_new_uint32 (id));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpstr (gpm_window_get_page (window), ==, "migrate");
  g_assert_null (gpm_application_get_notification (app, progress_id));

  /* Launching the app again (activate: the app is unique) shows it too */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_application_activate (G_APPLICATION (app));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (gpm_migrate_page_is_running (page));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);

  /* Closed again: it finishes with no window, lets the application go, and
   * says so */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (gpm_test_gui_wait (no_migration_held, app, 120));
  wait.id = "gpm-migration";
  wait.needle = "3 posts are on your pod.";
  g_assert_true (gpm_test_gui_wait (notification_says, &wait, 30));
  g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 3);
  g_assert_null (gpm_application_get_notification (app, progress_id));
  /* finished: nothing to go on with at the next start */
  g_assert_false (gpm_window_has_unfinished_migration ());
  /* and the hidden window is gone */
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (g_list_find (gtk_application_get_windows (GTK_APPLICATION (app)), window) != NULL &&
           g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_null (g_list_find (gtk_application_get_windows (GTK_APPLICATION (app)), window));
}

static void
background_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GpmBackgroundMethod *method = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (gpm_background_request_finish (result, method, &error));
  g_assert_no_error (error);
}

static gboolean
method_known (gpointer data)
{
  return *(int *) data >= 0;
}

/* No Background portal on the bus (as outside a desktop, or a desktop
 * without xdg-desktop-portal): starting at login is an XDG autostart file,
 * removed again when the option is off. */
static void
test_background_without_portal (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *path = gpm_background_dup_autostart_path ();
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "autostart", NULL);
  int method = -1;

  g_assert_nonnull (bus);
  g_assert_true (g_str_has_prefix (path, config));
  g_assert_true (g_str_has_suffix (path, "/autostart/" APP_ID ".desktop"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  gpm_background_request_async (bus, TRUE, "", TRUE, NULL, background_done_cb, &method);
  g_assert_true (gpm_test_gui_wait (method_known, &method, 30));
  g_assert_cmpint (method, ==, GPM_BACKGROUND_AUTOSTART_FILE);
  {
    g_autoptr(GKeyFile) file = g_key_file_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *exec = NULL;

    g_assert_true (g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error));
    g_assert_no_error (error);
    exec = g_key_file_get_string (file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_suffix (exec, " --resume"));
    g_assert_cmpstr (g_key_file_get_string (file, G_KEY_FILE_DESKTOP_GROUP, "Type", NULL), ==, "Application");
  }

  method = -1;
  gpm_background_request_async (bus, TRUE, "", FALSE, NULL, background_done_cb, &method);
  g_assert_true (gpm_test_gui_wait (method_known, &method, 30));
  g_assert_cmpint (method, ==, GPM_BACKGROUND_AUTOSTART_FILE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Issue 17: the app started again after a migration was cut off (a
 * reboot): it asks once, then goes on with the same audiences, aspects and
 * pace, signed in with what the keyring remembers. */
static gboolean
run_done_or_gone (gpointer data)
{
  return gpm_application_get_n_migrations (gpm_test_gui_get_app ()) == 0 &&
         gpm_test_pod_count_posts (data) >= 4;
}

static void
test_resume_unfinished (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-resume-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *pod = fx->pod;
  const char * const *paths = fx->paths;
  g_autoptr(GError) error = NULL;
  const char *scopes[] = { "PUBLIC", "circles/1-f", NULL };
  g_autofree char *address = NULL;
  g_autofree char *identity = NULL;
  g_autoptr(GVariantBuilder) record = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GVariantBuilder) aspects = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  GSettings *settings = gpm_settings_get_default ();
  g_auto(GStrv) consent = NULL;
  AdwMessageDialog *dialog;
  GpmWindow *window;
  gint64 family;
  g_autoptr(GPtrArray) received = NULL;

  gpm_test_pod_add_user (pod, "cleo", "cleo password", NULL);
  family = gpm_test_pod_add_aspect (pod, "cleo", "Family");
  gpm_test_pod_set_api_enabled (pod, FALSE);
  address = gpm_pod_normalize_address (gpm_test_pod_get_url (pod), NULL);
  g_assert_true (gpm_secrets_store_sync (address, "cleo", GPM_SECRET_PASSWORD, "cleo password", NULL, &error));
  g_assert_no_error (error);

  /* What the cut-off run recorded */
  g_variant_builder_add (aspects, "{ss}", "circles/1-f", "Family");
  g_variant_builder_add (record, "{sv}", "pod", g_variant_new_string (address));
  g_variant_builder_add (record, "{sv}", "user", g_variant_new_string ("cleo"));
  g_variant_builder_add (record, "{sv}", "api", g_variant_new_boolean (FALSE));
  g_variant_builder_add (record, "{sv}", "paths", g_variant_new_strv (paths, -1));
  g_variant_builder_add (record, "{sv}", "scopes", g_variant_new_strv (scopes, -1));
  g_variant_builder_add (record, "{sv}", "aspects", g_variant_builder_end (aspects));
  g_variant_builder_add (record, "{sv}", "delay", g_variant_new_uint32 (0));
  g_settings_set_value (settings, "unfinished-migration", g_variant_builder_end (record));
  g_assert_true (gpm_window_has_unfinished_migration ());

  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  gpm_window_offer_resume (window);
  /* asked once */
  dialog = ADW_MESSAGE_DIALOG (gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cleo"));
  adw_message_dialog_response (dialog, "continue");
  /* (a click closes it; the call alone does not) */
  gtk_window_destroy (GTK_WINDOW (dialog));
  identity = g_strdup_printf ("%s\tcleo\t%s", address, fx->takeout);
  consent = g_settings_get_strv (settings, "resume-consent");
  g_assert_true (g_strv_contains ((const char * const *) consent, identity));

  /* It goes on and finishes: the public posts and the family's, nothing else */
  if (!gpm_test_gui_wait (run_done_or_gone, pod, 120))
    g_test_message ("not done: %u posts on the pod, %u runs, page %s, waiting: %s",
                    gpm_test_pod_count_posts (pod), gpm_application_get_n_migrations (gpm_test_gui_get_app ()),
                    gpm_migrate_page_get_status (gpm_window_get_migrate_page (window)),
                    gpm_migrate_page_get_waiting (gpm_window_get_migrate_page (window)));
  g_assert_true (run_done_or_gone (pod));
  g_assert_cmpstr (gpm_migrate_page_get_status (gpm_window_get_migrate_page (window)), ==, "done");
  received = gpm_test_pod_dup_posts (pod);
  g_assert_cmpuint (received->len, ==, 4);
  for (guint i = 0; i < received->len; i++)
    {
      GpmTestPodPost *post = g_ptr_array_index (received, i);

      g_assert_null (strstr (post->text, "Just for Bo"));
      if (strstr (post->text, "Only for the family") != NULL)
        {
          g_assert_false (post->is_public);
          g_assert_cmpint (g_array_index (post->aspect_ids, gint64, 0), ==, family);
        }
      else
        g_assert_true (post->is_public);
    }
  g_assert_false (gpm_window_has_unfinished_migration ());
  /* The sidebar shows what ran: its default ticks, announced once its tree
   * was built (in a thread), used to take the circle out of a run that
   * had started before */
  {
    g_auto(GStrv) ticked = gpm_scope_sidebar_get_selected_keys (gpm_window_get_sidebar (window));

    g_assert_true (g_strv_contains ((const char * const *) ticked, "PUBLIC"));
    g_assert_true (g_strv_contains ((const char * const *) ticked, "circles/1-f"));
    g_assert_cmpuint (g_strv_length (ticked), ==, 2);
  }

  /* Agreed once: the next time it goes on without asking */
  g_settings_set_value (settings, "unfinished-migration", g_variant_new_parsed (
    "{'pod': <%s>, 'user': <'cleo'>, 'api': <false>, 'paths': <%^as>, 'scopes': <['PUBLIC']>, 'aspects': <@a{ss} {}>, 'delay': <uint32 0>}",
    address, paths));
  {
    GpmWindow *again = gpm_window_new (gpm_test_gui_get_app ());

    gtk_window_present (GTK_WINDOW (again));
    gpm_window_offer_resume (again);
    {
      GtkWindow *asked = gpm_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

      if (asked != NULL)
        g_test_message ("asked: %s / %s", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (asked)),
                        adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (asked)));
      g_assert_null (asked);
    }
    g_assert_true (gpm_test_gui_wait (gpm_test_gui_on_migrate_page, again, 60));
    g_assert_true (gpm_test_gui_wait (run_done_or_gone, pod, 120));
    g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, gpm_window_get_migrate_page (again), 60));
    /* nothing twice */
    g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 4);
    gtk_window_destroy (GTK_WINDOW (again));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
resume_retry_scheduled (gpointer data)
{
  return GPM_WINDOW (data)->resume_retry_id != 0;
}

static gboolean
public_posts_done (gpointer data)
{
  return gpm_application_get_n_migrations (gpm_test_gui_get_app ()) == 0 &&
         gpm_test_pod_count_posts (data) >= 3;
}

/* Cleo's migration of @fx's takeout, recorded to go on at login and agreed
 * to: her password kept, the record's fields after its scopes @fields. */
static void
record_cleo_resume (GpmTestGuiPodTakeout *fx,
                    const char           *fields)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *record = NULL;
  GSettings *settings = gpm_settings_get_default ();
  const char *consent[2] = { NULL, NULL };

  gpm_test_pod_add_user (fx->pod, "cleo", "cleo password", NULL);
  gpm_test_pod_set_api_enabled (fx->pod, FALSE);
  address = gpm_pod_normalize_address (gpm_test_pod_get_url (fx->pod), NULL);
  g_assert_true (gpm_secrets_store_sync (address, "cleo", GPM_SECRET_PASSWORD, "cleo password", NULL, &error));
  g_assert_no_error (error);
  record = g_strconcat ("{'pod': <%s>, 'user': <'cleo'>, 'api': <false>, 'paths': <%^as>, 'scopes': <['PUBLIC']>, ",
                        fields, "}", NULL);
  g_settings_set_value (settings, "unfinished-migration", g_variant_new_parsed (record, address, fx->paths));
  identity = g_strdup_printf ("%s\tcleo\t%s", address, fx->takeout);
  consent[0] = identity;
  g_settings_set_strv (settings, "resume-consent", consent);
}

/* Going on at login, agreed before, while the pod cannot be reached (the
 * network not up yet, the pod down for the night): the window says so and
 * signs in again by itself until it can, then the run goes on. Before, the
 * first failed sign-in ended it with "Use Migrate… to continue", and the
 * migration stood still until the user came. */
static void
test_resume_pod_down (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-resume-down-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *pod = fx->pod;
  GpmWindow *window;

  record_cleo_resume (fx, "'aspects': <@a{ss} {}>, 'delay': <uint32 0>");

  gpm_test_pod_set_down (pod, TRUE);
  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  gpm_window_offer_resume (window);
  /* the sign-in failed (connection refused): tried again later */
  g_assert_true (gpm_test_gui_wait (resume_retry_scheduled, window, 60));
  g_assert_nonnull (window->resume);
  g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 0);

  gpm_test_pod_set_down (pod, FALSE);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_on_migrate_page, window, 60));
  g_assert_true (gpm_test_gui_wait (public_posts_done, pod, 120));
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, gpm_window_get_migrate_page (window), 60));
  g_assert_cmpstr (gpm_migrate_page_get_status (gpm_window_get_migrate_page (window)), ==, "done");
  g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 3);
  g_assert_false (gpm_window_has_unfinished_migration ());
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Going on at login behind a sign-on proxy or a maintenance redirect
 * (every request sent to another address for a while): waited on like a pod
 * down, not given up; the run goes on once the pod answers again. The other
 * address here answers, and like a diaspora* pod that knows cleo's password
 * (the worst case): the sign-in with the remembered password must not go
 * there (the old client's discovery and sign-in followed the redirect and
 * posted it), nor anything else. */
static void
test_resume_pod_redirected (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-resume-redirected-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *pod = fx->pod;
  GpmWindow *window;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) sso = gpm_test_pod_new (0, &error);

  g_assert_no_error (error);
  gpm_test_pod_add_user (sso, "cleo", "cleo password", NULL);
  record_cleo_resume (fx, "'aspects': <@a{ss} {}>, 'delay': <uint32 0>");

  gpm_test_pod_set_redirected (pod, gpm_test_pod_get_url (sso), 302, NULL);
  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  gpm_window_offer_resume (window);
  g_assert_true (gpm_test_gui_wait (resume_retry_scheduled, window, 60));
  g_assert_nonnull (window->resume);
  g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_requests (sso, NULL), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_posts (sso), ==, 0);
  /* the toast names where the pod sends the app (the user may have to
   * sign in there in a browser), not only "cannot be reached" */
  {
    g_autoptr(GUri) uri = g_uri_parse (gpm_test_pod_get_url (sso), G_URI_FLAGS_NONE, NULL);
    g_autofree char *port = g_strdup_printf (":%d", g_uri_get_port (uri));
    gpointer args[] = { window, port };

    g_assert_true (gpm_test_gui_wait (window_says, args, 30));
  }

  gpm_test_pod_set_redirected (pod, NULL, 0, NULL);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_on_migrate_page, window, 60));
  g_assert_true (gpm_test_gui_wait (public_posts_done, pod, 120));
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, gpm_window_get_migrate_page (window), 60));
  g_assert_cmpstr (gpm_migrate_page_get_status (gpm_window_get_migrate_page (window)), ==, "done");
  g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 3);
  g_assert_cmpuint (gpm_test_pod_count_requests (sso, NULL), ==, 0);
  g_assert_false (gpm_window_has_unfinished_migration ());
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
resume_given_up (gpointer data)
{
  GpmWindow *window = data;

  return window->shown_import != NULL && window->resume == NULL;
}

/* Going on at login with another takeout at the recorded path (another
 * person's: another journal, whose posts none were sent): not resumed, and
 * the user is told; nothing is posted from it. */
static void
test_resume_other_takeout (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-resume-other-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *pod = fx->pod;
  GSettings *settings = gpm_settings_get_default ();
  GpmWindow *window;

  /* the migration began with the takeout of users/999 */
  record_cleo_resume (fx, "'takeout': <'author:users/999'>");

  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  gpm_window_offer_resume (window);
  g_assert_true (gpm_test_gui_wait (resume_given_up, window, 60));
  g_assert_false (gpm_migrate_page_is_running (gpm_window_get_migrate_page (window)));
  g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 0);
  g_settings_reset (settings, "unfinished-migration");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
resume_files_awaited (gpointer data)
{
  return GPM_WINDOW (data)->resume_files_id != 0;
}

/* Going on at login while the takeout's disk is not there yet: the window
 * says so, opens it once it is back, and the run goes on. Before, "Could
 * not open the takeout" ended it until the user opened it again. */
static void
test_resume_takeout_missing (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-resume-disk-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *pod = fx->pod;
  g_autofree char *away = g_strconcat (fx->paths[0], ".away", NULL);
  GpmWindow *window;

  record_cleo_resume (fx, "'aspects': <@a{ss} {}>, 'delay': <uint32 0>");

  g_assert_cmpint (g_rename (fx->paths[0], away), ==, 0);
  window = gpm_window_new (gpm_test_gui_get_app ());
  gtk_window_present (GTK_WINDOW (window));
  gpm_window_offer_resume (window);
  g_assert_true (gpm_test_gui_wait (resume_files_awaited, window, 60));
  g_assert_nonnull (window->resume);

  g_assert_cmpint (g_rename (away, fx->paths[0]), ==, 0);
  g_assert_true (gpm_test_gui_wait (public_posts_done, pod, 120));
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_run_ended, gpm_window_get_migrate_page (window), 60));
  g_assert_cmpstr (gpm_migrate_page_get_status (gpm_window_get_migrate_page (window)), ==, "done");
  g_assert_cmpuint (gpm_test_pod_count_posts (pod), ==, 3);
  g_assert_false (gpm_window_has_unfinished_migration ());
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Issue 17, item 9: sign in once. A diaspora* ID in the fields; an http://
 * hint for a pod without TLS; no raw HTTP codes; without a browser, the
 * password way at once, and a link to copy when the browser cannot be
 * opened; once signed in, Migrate… does not ask again in this session, and
 * the keyring's password signs in without typing. */
static gboolean
message_has_http_hint (gpointer dialog)
{
  return strstr (gpm_sign_in_dialog_get_message (dialog), "http://") != NULL &&
         g_strcmp0 (gpm_sign_in_dialog_get_step (dialog), "busy") != 0;
}

static void
failing_browser (const char *uri,
                 gpointer    dialog)
{
  gpm_sign_in_dialog_browser_failed (dialog);
}

static gboolean
link_shown (gpointer dialog)
{
  return gpm_sign_in_dialog_get_link (dialog) != NULL;
}

static void
test_sign_in_once (void)
{
  g_autoptr(GpmTestGuiPodTakeout) fx = gpm_test_gui_pod_takeout_new ("gpm-test-gui-once-XXXXXX", posts, G_N_ELEMENTS (posts));
  GpmTestPod *pod = fx->pod;
  const char * const *paths = fx->paths;
  g_autoptr(GError) error = NULL;
  const char *url;
  const char *host_port;
  g_autofree char *id = NULL;
  g_autofree char *hint = NULL;
  GpmSignInDialog *dialog;
  g_autoptr(GpmSignInDialog) kept = NULL;
  GpmPod *signed_in = NULL;
  GpmWindow *window;
  GpmApplication *app = gpm_test_gui_get_app ();

  gpm_test_pod_add_user (pod, "dora", "doras password", NULL);
  gpm_test_pod_set_api_enabled (pod, FALSE);
  url = gpm_test_pod_get_url (pod);
  host_port = url + strlen ("http://");
  id = g_strdup_printf ("dora@%s", host_port);

  /* No raw HTTP codes in what the user reads */
  for (int code = GPM_POD_ERROR_INVALID_ADDRESS; code <= GPM_POD_ERROR_PROTOCOL; code++)
    {
      g_autoptr(GError) e = g_error_new (GPM_POD_ERROR, code, "The pod refused the request: HTTP 422 (error 503).");
      g_autofree char *message = gpm_gui_error_message (e);

      g_assert_null (strstr (message, "422"));
      g_assert_null (strstr (message, "503"));
      g_assert_null (strstr (message, "HTTP"));
      g_assert_cmpstr (message, !=, "");
    }
  /* A locked account is said as such, not as a wrong password */
  {
    g_autoptr(GError) e = g_error_new (GPM_POD_ERROR, GPM_POD_ERROR_ACCOUNT_LOCKED, "This account is locked on the pod.");
    g_autofree char *message = gpm_gui_error_message (e);

    g_assert_cmpstr (message, ==, "This account is locked on the pod.");
  }

  /* A diaspora* ID in the user name field, and no scheme: https is tried,
   * the pod speaks plain http: the hint says what to type */
  dialog = gpm_sign_in_dialog_new (NULL);
  gpm_sign_in_dialog_set_can_open_browser (dialog, FALSE);
  gpm_sign_in_dialog_set_address (dialog, "");
  gpm_sign_in_dialog_set_username (dialog, id);
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait (message_has_http_hint, dialog, 60);
  g_test_message ("message: %s / step %s", gpm_sign_in_dialog_get_message (dialog), gpm_sign_in_dialog_get_step (dialog));
  g_assert_true (message_has_http_hint (dialog));
  hint = g_strdup_printf ("type its address as http://%s", host_port);
  g_test_message ("hint: %s", gpm_sign_in_dialog_get_message (dialog));
  g_assert_nonnull (strstr (gpm_sign_in_dialog_get_message (dialog), hint));
  g_assert_null (strstr (gpm_sign_in_dialog_get_message (dialog), "certificate"));
  g_assert_cmpstr (gpm_sign_in_dialog_get_step (dialog), ==, "address");

  /* As the hint says (the ID still in the user name field): the password */
  gpm_sign_in_dialog_set_address (dialog, url);
  gpm_sign_in_dialog_set_username (dialog, id);
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  gpm_sign_in_dialog_set_password (dialog, "doras password");
  g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), &signed_in);
  kept = g_object_ref (dialog);
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (has_pod, &signed_in, 60));
  {
    g_autofree char *username = gpm_pod_dup_username (signed_in);
    g_assert_cmpstr (username, ==, "dora");
  }
  g_assert_true (gpm_test_gui_wait (keyring_written, kept, 60));
  g_assert_true (gpm_application_lookup_pod (app, url, "dora") == signed_in);

  /* Migrate… again in this session: straight to the plan, nothing asked */
  window = gpm_window_new (app);
  gpm_test_gui_open (window, paths);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.migrate", NULL);
  g_assert_null (gpm_test_gui_find_sign_in_dialog ());
  g_assert_true (gpm_test_gui_on_migrate_page (window));
  g_assert_true (gpm_test_gui_wait (is_prepared, gpm_window_get_migrate_page (window), 60));

  /* A new session (the pods forgotten): the keyring's password signs in
   * without a word typed */
  gpm_application_forget_pods (app);
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (gpm_window_get_migrate_page (window)), GTK_TYPE_STACK)), "review");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.migrate", NULL);
  g_assert_true (gpm_test_gui_wait (gpm_test_gui_on_migrate_page, window, 60));
  g_assert_nonnull (gpm_application_lookup_pod (app, url, "dora"));
  g_assert_null (gpm_test_gui_find_sign_in_dialog ());
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&signed_in);

  /* A pod offering the browser way, and no browser on this computer: the
   * password way at once, and why */
  gpm_test_pod_set_api_enabled (pod, TRUE);
  dialog = gpm_sign_in_dialog_new (NULL);
  gpm_sign_in_dialog_set_can_open_browser (dialog, FALSE);
  gpm_sign_in_dialog_set_address (dialog, url);
  gpm_sign_in_dialog_set_username (dialog, "nobody-remembered");
  gpm_sign_in_dialog_continue (dialog);
  gpm_test_gui_wait_sign_in_step (dialog, "password");
  g_assert_nonnull (strstr (gpm_sign_in_dialog_get_message (dialog), "web browser"));
  /* (what to do, not an error: not in red) */
  g_assert_false (message_in_red (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A browser that cannot be opened: the link to copy, and the password */
  dialog = gpm_sign_in_dialog_new (NULL);
  gpm_sign_in_dialog_set_uri_opener (dialog, failing_browser, dialog);
  gpm_sign_in_dialog_set_address (dialog, url);
  gpm_sign_in_dialog_set_username (dialog, "nobody-remembered");
  gpm_sign_in_dialog_continue (dialog);
  g_assert_true (gpm_test_gui_wait (link_shown, dialog, 60));
  g_assert_cmpstr (gpm_sign_in_dialog_get_step (dialog), ==, "browser");
  g_assert_true (g_str_has_prefix (gpm_sign_in_dialog_get_link (dialog), url));
  g_assert_nonnull (strstr (gpm_sign_in_dialog_get_message (dialog), "Copy this link"));
  g_assert_false (message_in_red (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The sign-in dialog over a window 400 px wide (a phone's, or half a
 * laptop's screen): no wider than the window, and everything in it fits
 * that width, in every language and every step (issue: German's longer
 * words made it wider). */
static gboolean
is_allocated (gpointer widget)
{
  return gtk_widget_get_width (widget) > 0;
}

static void
assert_dialog_fits (GpmSignInDialog *dialog,
                    GtkWindow       *parent,
                    const char      *what)
{
  GtkWidget *content = adw_window_get_content (ADW_WINDOW (dialog));
  int min = 0, nat = 0;

  g_assert_true (gpm_test_gui_wait (is_allocated, content, 10));
  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_test_message ("LANGUAGE=%s, %s: the dialog is %d px wide, its content's minimum %d, natural %d",
                  g_getenv ("LANGUAGE"), what, gtk_widget_get_width (GTK_WIDGET (dialog)), min, nat);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, gtk_widget_get_width (GTK_WIDGET (parent)));
  g_assert_cmpint (min, <=, gtk_widget_get_width (GTK_WIDGET (dialog)));
  g_assert_cmpint (gtk_widget_get_width (content), <=, gtk_widget_get_width (GTK_WIDGET (parent)));
  /* and no mnemonic twice among what the step shows */
  gpm_test_gui_assert_mnemonics_unique (GTK_WIDGET (dialog), what);
}

static gboolean
has_message (gpointer dialog)
{
  return *gpm_sign_in_dialog_get_message (dialog) != '\0';
}

static void
test_sign_in_narrow (void)
{
  const char *languages[] = { "de", "fr", "C" };
  g_autoptr(GpmTestPod) pod = gpm_test_pod_new (0, NULL);
  const char *url = gpm_test_pod_get_url (pod);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autofree char *user = g_strdup_printf ("narrow-%u", i);
      GtkWindow *parent = GTK_WINDOW (gtk_window_new ());
      GpmSignInDialog *dialog;

      gpm_test_gui_set_language (languages[i]);
      gpm_test_pod_add_user (pod, user, "a password", "123456");
      gtk_window_set_default_size (parent, 400, 700);
      gtk_window_present (parent);
      g_assert_true (gpm_test_gui_wait (is_allocated, parent, 10));
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (parent)), ==, 400);

      /* The address; then a pod that cannot be reached, said under it */
      gpm_test_pod_set_api_enabled (pod, TRUE);
      dialog = gpm_sign_in_dialog_new (parent);
      gpm_sign_in_dialog_set_uri_opener (dialog, failing_browser, dialog);
      gtk_window_present (GTK_WINDOW (dialog));
      /* translated, so that this is the language's width */
      if (strcmp (languages[i], "C") != 0)
        g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), !=, "Sign In to Your Pod");
      assert_dialog_fits (dialog, parent, "address");
      gpm_sign_in_dialog_set_address (dialog, "http://127.0.0.1:1");
      gpm_sign_in_dialog_set_username (dialog, user);
      gpm_sign_in_dialog_continue (dialog);
      g_assert_true (gpm_test_gui_wait (has_message, dialog, 60));
      g_assert_true (message_in_red (dialog));
      assert_dialog_fits (dialog, parent, "address, pod unreachable");

      /* The browser way with no browser: the link to copy, the password way */
      gpm_sign_in_dialog_set_address (dialog, url);
      gpm_sign_in_dialog_continue (dialog);
      g_assert_true (gpm_test_gui_wait (link_shown, dialog, 60));
      assert_dialog_fits (dialog, parent, "browser, no browser");
      gtk_window_destroy (GTK_WINDOW (dialog));

      /* Password, then the two-factor code */
      gpm_test_pod_set_api_enabled (pod, FALSE);
      dialog = gpm_sign_in_dialog_new (parent);
      gtk_window_present (GTK_WINDOW (dialog));
      gpm_sign_in_dialog_set_address (dialog, url);
      gpm_sign_in_dialog_set_username (dialog, user);
      gpm_sign_in_dialog_continue (dialog);
      gpm_test_gui_wait_sign_in_step (dialog, "password");
      assert_dialog_fits (dialog, parent, "password");
      gpm_sign_in_dialog_set_password (dialog, "a password");
      gpm_sign_in_dialog_continue (dialog);
      gpm_test_gui_wait_sign_in_step (dialog, "code");
      assert_dialog_fits (dialog, parent, "code");
      gpm_sign_in_dialog_set_code (dialog, "000000");
      gpm_sign_in_dialog_continue (dialog);
      gpm_test_gui_wait_sign_in_step (dialog, "code");
      g_assert_true (has_message (dialog));
      assert_dialog_fits (dialog, parent, "code, wrong code");
      gtk_window_destroy (GTK_WINDOW (dialog));
      gtk_window_destroy (parent);
    }
  gpm_test_gui_set_language ("C");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("gpm-test-gui-data-XXXXXX", NULL);

  g_autofree char *config_home = g_dir_make_tmp ("gpm-test-gui-config-XXXXXX", NULL);

  /* The journal goes under XDG_DATA_HOME, the autostart file under
   * XDG_CONFIG_HOME: never the user's own. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!gpm_test_gui_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run -a dbus-run-session)\n");
      return 0;
    }

  gpm_test_gui_add_func ("/gui/migrate-to-test-pod", test_migrate_to_test_pod);
  gpm_test_gui_add_func ("/gui/sign-in-variants", test_sign_in_variants);
  gpm_test_gui_add_func ("/gui/per-post-decisions", test_per_post_decisions);
  gpm_test_gui_add_func ("/gui/decisions-while-running", test_decisions_while_running);
  gpm_test_gui_add_func ("/gui/migrate-in-background", test_migrate_in_background);
  gpm_test_gui_add_func ("/gui/background-without-portal", test_background_without_portal);
  gpm_test_gui_add_func ("/gui/resume-unfinished", test_resume_unfinished);
  gpm_test_gui_add_func ("/gui/resume-pod-down", test_resume_pod_down);
  gpm_test_gui_add_func ("/gui/resume-pod-redirected", test_resume_pod_redirected);
  gpm_test_gui_add_func ("/gui/resume-takeout-missing", test_resume_takeout_missing);
  gpm_test_gui_add_func ("/gui/resume-other-takeout", test_resume_other_takeout);
  gpm_test_gui_add_func ("/gui/sign-in-once", test_sign_in_once);
  gpm_test_gui_add_func ("/gui/sign-in-narrow", test_sign_in_narrow);

  return gpm_test_gui_run ();
}
