/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 15: the user's own comments come along, Google+ links don't die.
 * A small extracted takeout whose posts carry comments by the owner and by
 * other people (each of theirs with a token that must never show up), posted
 * through the migrator to the pod double (web session and API): each
 * migrated post has exactly its own comments, in order, when asked and none
 * otherwise; links to earlier own posts point to their copies on the pod;
 * lost answers and faults never double a comment; export writes the same. */
#define G_LOG_DOMAIN "test-own-comments"

#include <glib/gstdio.h>
#include <string.h>

#include "gpm-comments.h"
#include "gpm-export.h"
#include "gpm-import.h"
#include "gpm-journal.h"
#include "gpm-migrator.h"
#include "gpm-pod.h"
#include "gpm-test-pod.h"

#define POSTS "Takeout/Google+ Stream/Posts/"
#define OWNER "users/100200300400500600700"
#define OWNER_URL "https://plus.google.com/+AdaLovelace"
#define ACL_PUBLIC "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}"
#define OTHER_TOKEN "ZQXOTHERS"

/* One comment of the takeout: by the owner or by somebody else. */
#define OWN(text, time) \
  "{\"creationTime\": \"" time "\", \"author\": {\"displayName\": \"Ada\", \"resourceName\": \"" OWNER "\"," \
  " \"profilePageUrl\": \"" OWNER_URL "\"}, \"content\": \"" text "\"}"
#define OTHERS(n) \
  "{\"creationTime\": \"2018-01-01 12:00:00+0000\", \"author\": {\"displayName\": \"Bob " OTHER_TOKEN "\"," \
  " \"resourceName\": \"users/999\"}, \"content\": \"" OTHER_TOKEN " words " #n "\"}"

typedef struct {
  const char *name;
  const char *json;
} TakeoutFile;

static const TakeoutFile files[] = {
  { "20180101 - First.json",
    "{\"url\": \"" OWNER_URL "/posts/FirstPost1\", \"creationTime\": \"2018-01-01 10:00:00+0000\","
    " \"author\": {\"displayName\": \"Ada\", \"resourceName\": \"" OWNER "\", \"profilePageUrl\": \"" OWNER_URL "\"},"
    " \"content\": \"The first post\", \"resourceName\": \"" OWNER "/posts/FirstPost1\", " ACL_PUBLIC ","
    " \"comments\": [" OTHERS (1) ", " OWN ("Own reply one", "2018-01-02 09:00:00+0000") ", "
    OTHERS (2) ", " OWN ("Own <b>second</b> reply", "2018-01-03 09:00:00+0000") "]}" },
  { "20180201 - Second.json",
    "{\"url\": \"https://plus.google.com/100200300400500600700/posts/SecondPost2\", \"creationTime\": \"2018-02-01 10:00:00+0000\","
    " \"author\": {\"displayName\": \"Ada\", \"resourceName\": \"" OWNER "\", \"profilePageUrl\": \"" OWNER_URL "\"},"
    " \"content\": \"As I said: <a href=\\\"" OWNER_URL "/posts/FirstPost1\\\">" OWNER_URL "/posts/FirstPost1</a>"
    " and in <a href=\\\"https://plus.google.com/communities/112233\\\">https://plus.google.com/communities/112233</a>\","
    " \"resourceName\": \"" OWNER "/posts/SecondPost2\", " ACL_PUBLIC ","
    " \"comments\": [" OWN ("See also https://plus.google.com/u/0/100200300400500600700/posts/FirstPost1", "2018-02-02 09:00:00+0000")
    ", " OTHERS (3) "]}" },
  { "20180301 - Third.json",
    "{\"url\": \"" OWNER_URL "/posts/ThirdPost3\", \"creationTime\": \"2018-03-01 10:00:00+0000\","
    " \"author\": {\"displayName\": \"Ada\", \"resourceName\": \"" OWNER "\"},"
    " \"content\": \"Only others commented\", \"resourceName\": \"" OWNER "/posts/ThirdPost3\", " ACL_PUBLIC ","
    " \"comments\": [" OTHERS (4) ", " OTHERS (5) "]}" },
  { "20180401 - Fourth.json",
    "{\"url\": \"" OWNER_URL "/posts/FourthPost4\", \"creationTime\": \"2018-04-01 10:00:00+0000\","
    " \"author\": {\"displayName\": \"Ada\", \"resourceName\": \"" OWNER "\"},"
    " \"content\": \"No comments at all\", \"resourceName\": \"" OWNER "/posts/FourthPost4\", " ACL_PUBLIC "}" },
  { "20180501 - Fifth.json",
    "{\"url\": \"" OWNER_URL "/posts/FifthPost5\", \"creationTime\": \"2018-05-01 10:00:00+0000\","
    " \"author\": {\"displayName\": \"Ada\", \"resourceName\": \"" OWNER "\"},"
    " \"content\": \"Three of mine\", \"resourceName\": \"" OWNER "/posts/FifthPost5\", " ACL_PUBLIC ","
    " \"comments\": [" OWN ("a", "2018-05-01 11:00:00+0000") ", " OWN ("Thanks!", "2018-05-01 12:00:00+0000") ", "
    OTHERS (6) ", " OWN ("Thanks!", "2018-05-01 13:00:00+0000") "]}" },
};

/* The owner's comments per file, in order, as posted (text + date line). */
static const char * const expected_comments[][4] = {
  { "Own reply one\n\nCommented on Google+ on Tue Jan 02, 2018",
    "Own **second** reply\n\nCommented on Google+ on Wed Jan 03, 2018", NULL },
  { NULL /* has a pod address: checked apart */, NULL },
  { NULL },
  { NULL },
  { "a\n\nCommented on Google+ on Tue May 01, 2018", "Thanks!\n\nCommented on Google+ on Tue May 01, 2018",
    "Thanks!\n\nCommented on Google+ on Tue May 01, 2018", NULL },
};
static const guint n_expected[] = { 2, 1, 0, 0, 3 };

typedef struct {
  char        *root;
  GpmTestPod  *server;
  GpmPod      *pod;
  GpmJournal  *journal;
  GpmImport   *import;
  gboolean     api;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *takeout = NULL;
  g_autofree char *journal_path = NULL;
  g_autofree char *identity = NULL;
  const char *paths[2] = { NULL, NULL };

  f->api = GPOINTER_TO_INT (data);
  f->root = g_dir_make_tmp ("gpm-own-comments-XXXXXX", &error);
  g_assert_no_error (error);
  takeout = g_build_filename (f->root, "takeout", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (takeout, POSTS, files[i].name, NULL);
      g_autofree char *dir = g_path_get_dirname (path);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_file_set_contents (path, files[i].json, -1, &error);
      g_assert_no_error (error);
    }
  paths[0] = takeout;
  f->import = gpm_import_new (paths);
  g_assert_true (gpm_import_run (f->import, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_import_get_posts (f->import)->len, ==, G_N_ELEMENTS (files));

  f->server = gpm_test_pod_new (0, &error);
  g_assert_no_error (error);
  g_free (gpm_test_pod_add_user (f->server, "ada", "correct horse", NULL));
  g_free (gpm_test_pod_add_user (f->server, "bob", "battery staple", NULL));
  gpm_test_pod_set_browser_user (f->server, "ada", TRUE);
  f->pod = gpm_pod_new (gpm_test_pod_get_url (f->server), &error);
  g_assert_no_error (error);
  gpm_pod_set_timeout (f->pod, 2);
  if (f->api)
    g_assert_true (gpm_pod_sign_in_api (f->pod, gpm_test_pod_open_in_browser, f->server, NULL, &error));
  else
    g_assert_true (gpm_pod_sign_in_password (f->pod, "ada", "correct horse", NULL, NULL, &error));
  g_assert_no_error (error);

  identity = gpm_journal_takeout_identity (gpm_import_get_posts (f->import));
  journal_path = g_build_filename (f->root, "journal.sqlite", NULL);
  f->journal = gpm_journal_open (journal_path, identity, "ada@test", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->journal);
  g_clear_object (&f->pod);
  g_clear_object (&f->server);
  g_clear_object (&f->import);
  remove_tree (f->root);
  g_free (f->root);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
run_migration (Fixture  *f,
               gboolean  own_comments)
{
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (f->pod, f->journal);
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  settings->own_comments = own_comments;
  settings->links = gpm_links_new (gpm_import_get_posts (f->import));
  gpm_migrator_use_takeout (migrator, gpm_import_get_takeout (f->import), settings);
  gpm_migrator_set_delay (migrator, 0);
  gpm_migrator_set_retry_policy (migrator, 4, 5, 20);
  gpm_migrator_run_async (migrator, gpm_import_get_posts (f->import), NULL, on_run_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gpm_migrator_run_finish (migrator, result, &error));
  g_assert_no_error (error);
}

/* The pod post that file @i became. */
static char *
pod_guid_of (Fixture *f,
             guint    i)
{
  GPtrArray *posts = gpm_import_get_posts (f->import);

  for (guint p = 0; p < posts->len; p++)
    {
      GpmPost *post = g_ptr_array_index (posts, p);

      if (g_str_has_suffix (gpm_post_get_entry_name (post), files[i].name))
        {
          g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (f->journal, gpm_journal_post_key (post), NULL);
          g_assert_nonnull (entry);
          g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_POSTED);
          return g_strdup (entry->guid);
        }
    }
  g_assert_not_reached ();
}

/* Nothing of other people's anywhere on the pod. */
static void
assert_no_other_tokens (Fixture *f)
{
  g_autofree char *dump = gpm_test_pod_dump_json (f->server);

  g_assert_null (strstr (dump, OTHER_TOKEN));
}

/* Every post on the pod once; each with exactly the owner's comments in
 * order when @with_comments, and none otherwise. */
static void
assert_pod (Fixture  *f,
            gboolean  with_comments)
{
  g_autoptr(GPtrArray) posts = gpm_test_pod_dup_posts (f->server);
  g_autoptr(GPtrArray) comments = gpm_test_pod_dup_comments (f->server);
  g_autofree char *first = pod_guid_of (f, 0);
  g_autofree char *first_url = g_strdup_printf ("%s/posts/%s", gpm_pod_get_address (f->pod), first);

  g_assert_cmpuint (posts->len, ==, G_N_ELEMENTS (files));
  assert_no_other_tokens (f);
  if (!with_comments)
    {
      g_assert_cmpuint (comments->len, ==, 0);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *guid = pod_guid_of (f, i);
      g_autoptr(GPtrArray) on_post = g_ptr_array_new ();

      for (guint c = 0; c < comments->len; c++)
        {
          GpmTestPodComment *comment = g_ptr_array_index (comments, c);
          if (g_str_equal (comment->post_guid, guid))
            {
              g_assert_cmpstr (comment->author, ==, "ada");
              g_ptr_array_add (on_post, comment);
            }
        }
      g_assert_cmpuint (on_post->len, ==, n_expected[i]);
      for (guint c = 0; c < on_post->len; c++)
        {
          GpmTestPodComment *comment = g_ptr_array_index (on_post, c);
          if (i == 1)
            {
              /* The comment's link to the first post points to its copy. */
              g_autofree char *want = g_strdup_printf ("See also %s\n\nCommented on Google+ on Fri Feb 02, 2018", first_url);
              g_assert_cmpstr (comment->text, ==, want);
            }
          else
            g_assert_cmpstr (comment->text, ==, expected_comments[i][c]);
        }
    }
  g_assert_cmpuint (comments->len, ==, 6);
}

/* The second post links to the first one's copy; the community is archived. */
static void
assert_links (Fixture *f)
{
  g_autoptr(GPtrArray) posts = gpm_test_pod_dup_posts (f->server);
  g_autofree char *first = pod_guid_of (f, 0);
  g_autofree char *second = pod_guid_of (f, 1);
  g_autofree char *first_url = g_strdup_printf ("%s/posts/%s", gpm_pod_get_address (f->pod), first);

  for (guint i = 0; i < posts->len; i++)
    {
      GpmTestPodPost *p = g_ptr_array_index (posts, i);

      if (!g_str_equal (p->guid, second))
        continue;
      g_assert_nonnull (strstr (p->text, first_url));
      g_assert_null (strstr (p->text, "/posts/FirstPost1"));
      g_assert_nonnull (strstr (p->text, "[https://plus.google.com/communities/112233](https://web.archive.org/web/2019/https://plus.google.com/communities/112233)"));
      return;
    }
  g_assert_not_reached ();
}

static void
test_parse_own (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) own = gpm_comments_parse_own (files[0].json, -1, &error);
  g_autoptr(GPtrArray) texts = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (own->len, ==, 2);
  texts = gpm_comments_convert (own, NULL);
  g_assert_cmpuint (texts->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (texts, 0), ==, expected_comments[0][0]);
  g_assert_cmpstr (g_ptr_array_index (texts, 1), ==, expected_comments[0][1]);

  g_clear_pointer (&own, g_ptr_array_unref);
  own = gpm_comments_parse_own (files[2].json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (own->len, ==, 0);
}

/* The journal's comment rows: attempting → posted, which never changes
 * again; failed; the done mark; an old journal gains the table; a reset
 * (another account behind the same name) drops them. */
static void
test_journal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("gpm-own-comments-journal-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "j.sqlite", NULL);
  g_autoptr(GpmJournal) journal = gpm_journal_open (path, "author:users/1", "ada@pod", &error);
  g_autoptr(GPtrArray) rows = NULL;
  gboolean reset = FALSE;

  g_assert_no_error (error);
  g_assert_true (gpm_journal_ensure (journal, "p1", "p1.json", 1, &error));
  g_assert_false (gpm_journal_comments_done (journal, "p1"));
  g_assert_true (gpm_journal_set_comment_attempting (journal, "p1", 0, "one", &error));
  g_assert_true (gpm_journal_set_comment_posted (journal, "p1", 0, "guid-one", &error));
  /* a posted row never changes */
  g_assert_true (gpm_journal_set_comment_attempting (journal, "p1", 0, "changed", &error));
  g_assert_true (gpm_journal_set_comment_attempting (journal, "p1", 1, "two", &error));
  g_assert_true (gpm_journal_set_comment_failed (journal, "p1", 1, "refused", &error));
  g_assert_true (gpm_journal_set_comment_attempting (journal, "p1", 2, "three", &error));
  g_assert_no_error (error);

  rows = gpm_journal_list_comments (journal, "p1");
  g_assert_cmpuint (rows->len, ==, 3);
  {
    GpmJournalComment *r0 = g_ptr_array_index (rows, 0), *r1 = g_ptr_array_index (rows, 1), *r2 = g_ptr_array_index (rows, 2);

    g_assert_cmpint (r0->state, ==, GPM_JOURNAL_STATE_POSTED);
    g_assert_cmpstr (r0->text, ==, "one");
    g_assert_cmpstr (r0->remote_id, ==, "guid-one");
    g_assert_cmpint (r1->state, ==, GPM_JOURNAL_STATE_FAILED);
    g_assert_cmpstr (r1->text, ==, "two");
    g_assert_cmpstr (r1->reason, ==, "refused");
    g_assert_cmpint (r2->state, ==, GPM_JOURNAL_STATE_ATTEMPTING);
    g_assert_cmpstr (r2->text, ==, "three");
  }
  g_assert_true (gpm_journal_set_comments_done (journal, "p1", &error));
  g_assert_true (gpm_journal_comments_done (journal, "p1"));
  {
    g_autoptr(GPtrArray) none = gpm_journal_list_comments (journal, "p2");
    g_assert_cmpuint (none->len, ==, 0);
  }

  /* reopened: all kept */
  g_clear_object (&journal);
  journal = gpm_journal_open (path, "author:users/1", "ada@pod", &error);
  g_assert_no_error (error);
  g_assert_true (gpm_journal_comments_done (journal, "p1"));

  /* another account behind the name: nothing recorded is there any more */
  g_assert_true (gpm_journal_bind_account (journal, "guid-a", &reset, &error));
  g_assert_true (gpm_journal_bind_account (journal, "guid-b", &reset, &error));
  g_assert_no_error (error);
  g_assert_true (reset);
  g_assert_false (gpm_journal_comments_done (journal, "p1"));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = gpm_journal_list_comments (journal, "p1");
  g_assert_cmpuint (rows->len, ==, 0);

  g_clear_object (&journal);
  remove_tree (dir);
}

/* The pod client's comment calls against the double (web and API). */
static void
test_pod_comments (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("A post to comment on");
  g_autoptr(GpmPodPost) post = NULL;
  g_autoptr(GpmPodPost) c1 = NULL;
  g_autoptr(GpmPodPost) c2 = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *too_long = g_strnfill (65536, 'x');
  guint requests;

  draft->is_public = TRUE;
  post = gpm_pod_create_post (f->pod, draft, NULL, &error);
  g_assert_no_error (error);

  c1 = gpm_pod_create_comment (f->pod, post->guid, "  first comment \n", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c1->guid);
  g_assert_true (gpm_test_pod_add_comment (f->server, post->guid, "bob", "Bob " OTHER_TOKEN));
  c2 = gpm_pod_create_comment (f->pod, post->guid, "second", NULL, &error);
  g_assert_no_error (error);

  /* Oldest first, the account's own only. */
  listed = gpm_pod_list_own_comments (f->pod, post->guid, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (listed, 0))->guid, ==, c1->guid);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (listed, 0))->text, ==, "first comment");
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (listed, 1))->text, ==, "second");

  /* Over diaspora's 65,535 characters: refused before sending. */
  requests = gpm_test_pod_count_requests (f->server, NULL);
  g_assert_null (gpm_pod_create_comment (f->pod, post->guid, too_long, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_TEXT_TOO_LONG);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->server, NULL), ==, requests);
  g_clear_error (&error);

  /* No such post. */
  g_assert_null (gpm_pod_create_comment (f->pod, "0123456789abcdef0123456789abcdef", "x", NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_clear_error (&error);

  /* More than one page (API: at most 100 a page). */
  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *text = g_strdup_printf ("many %u", i);
      g_autoptr(GpmPodPost) c = gpm_pod_create_comment (f->pod, post->guid, text, NULL, &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = gpm_pod_list_own_comments (f->pod, post->guid, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 122);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (listed, 121))->text, ==, "many 119");
}

/* API v1 comments need the interactions scope (diaspora
 * app/controllers/api/v1/comments_controller.rb:10-12 at v0.9.1.0): the
 * client asks for it; a token from before it did lacks it, which is
 * NOT_PERMITTED (not a refusal of the comment): the run stops there with
 * that error (signing in again with the kept session would only give the
 * same token back; the app's sign-in asks the browser, as
 * gpm_pod_api_secret_has_scopes() says), and after a new sign-in the next
 * run posts every comment, none twice. */
static void
test_old_token (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = NULL;
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("A post to comment on");
  g_autoptr(GpmPodPost) post = NULL;
  g_autoptr(GpmPodPost) comment = NULL;
  g_autofree char *secret = gpm_pod_dup_api_secret (f->pod);
  g_autofree char *before = NULL;
  g_autofree char *first = NULL;

  g_assert_true (gpm_pod_api_secret_has_scopes (secret));
  g_assert_nonnull (strstr (secret, "interactions"));
  {
    g_autoptr(GString) s = g_string_new (secret);

    g_string_replace (s, " interactions", "", 0);
    before = g_string_free (g_steal_pointer (&s), FALSE);
  }
  g_assert_false (gpm_pod_api_secret_has_scopes (before));

  draft->is_public = TRUE;
  post = gpm_pod_create_post (f->pod, draft, NULL, &error);
  g_assert_no_error (error);
  gpm_test_pod_remove_token_scope (f->server, "interactions");
  g_assert_null (gpm_pod_create_comment (f->pod, post->guid, "a comment", NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_PERMITTED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 403);
  g_clear_error (&error);
  gpm_pod_delete_post (f->pod, post->guid, NULL, &error);
  g_assert_no_error (error);

  migrator = gpm_migrator_new (f->pod, f->journal);
  settings->own_comments = TRUE;
  settings->links = gpm_links_new (gpm_import_get_posts (f->import));
  gpm_migrator_use_takeout (migrator, gpm_import_get_takeout (f->import), settings);
  gpm_migrator_set_delay (migrator, 0);
  gpm_migrator_set_retry_policy (migrator, 4, 5, 20);
  gpm_migrator_run_async (migrator, gpm_import_get_posts (f->import), NULL, on_run_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (gpm_migrator_run_finish (migrator, result, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) none = gpm_test_pod_dup_comments (f->server);

    g_assert_cmpuint (none->len, ==, 0);
  }

  g_assert_true (gpm_pod_sign_in_api (f->pod, gpm_test_pod_open_in_browser, f->server, NULL, &error));
  g_assert_no_error (error);
  run_migration (f, TRUE);
  assert_pod (f, TRUE);
  /* a fresh sign-in carries the scope */
  first = pod_guid_of (f, 0);
  comment = gpm_pod_create_comment (f->pod, first, "one more", NULL, &error);
  g_assert_no_error (error);
}

static void
test_with_comments (Fixture       *f,
                    gconstpointer  data)
{
  run_migration (f, TRUE);
  assert_pod (f, TRUE);
  assert_links (f);
  /* A second run sends nothing more. */
  run_migration (f, TRUE);
  assert_pod (f, TRUE);
}

static void
test_without_comments (Fixture       *f,
                       gconstpointer  data)
{
  run_migration (f, FALSE);
  assert_pod (f, FALSE);
  assert_links (f);
}

/* Comments asked for only after the posts went: they follow them. */
static void
test_comments_later (Fixture       *f,
                     gconstpointer  data)
{
  run_migration (f, FALSE);
  assert_pod (f, FALSE);
  run_migration (f, TRUE);
  assert_pod (f, TRUE);
}

static const char *
comments_prefix (Fixture *f)
{
  return f->api ? "/api/v1/posts/" : "/posts/";
}

/* The comment is stored but its answer is lost; 503s; a rate limit: each
 * comment still arrives exactly once. */
static void
test_faults (Fixture       *f,
             gconstpointer  data)
{
  gpm_test_pod_inject_fault (f->server, comments_prefix (f), GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 1);
  gpm_test_pod_inject_fault (f->server, comments_prefix (f), GPM_TEST_POD_FAULT_STATUS, 503, 2);
  gpm_test_pod_inject_fault (f->server, comments_prefix (f), GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 2);
  gpm_test_pod_inject_fault (f->server, comments_prefix (f), GPM_TEST_POD_FAULT_RATE_LIMIT, 0, 1);
  run_migration (f, TRUE);
  assert_pod (f, TRUE);
}

/* A process killed after sending a comment, before its answer was
 * journaled: the row is ATTEMPTING and the comment is on the pod. The next
 * run finds it instead of sending it again. */
static void
test_killed_after_send (Fixture       *f,
                        gconstpointer  data)
{
  GPtrArray *posts = gpm_import_get_posts (f->import);
  g_autoptr(GError) error = NULL;
  g_autofree char *guid = NULL;
  const char *key = NULL;

  run_migration (f, FALSE);
  guid = pod_guid_of (f, 0);
  for (guint p = 0; p < posts->len; p++)
    if (g_str_has_suffix (gpm_post_get_entry_name (g_ptr_array_index (posts, p)), files[0].name))
      key = gpm_journal_post_key (g_ptr_array_index (posts, p));
  g_assert_nonnull (key);

  /* What the killed process did: journaled the attempt, and the pod stored it. */
  g_assert_true (gpm_journal_set_comment_attempting (f->journal, key, 0, expected_comments[0][0], &error));
  g_assert_no_error (error);
  {
    g_autoptr(GpmPodPost) c = gpm_pod_create_comment (f->pod, guid, expected_comments[0][0], NULL, &error);
    g_assert_no_error (error);
  }
  run_migration (f, TRUE);
  assert_pod (f, TRUE);
}

/* Export: rewritten links, and the own comments in the post's file when asked. */
static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *with = g_build_filename (f->root, "with", NULL);
  g_autofree char *without = g_build_filename (f->root, "without", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *path = NULL;

  settings->own_comments = TRUE;
  g_assert_true (gpm_export_posts (gpm_import_get_takeout (f->import), gpm_import_get_posts (f->import),
                                   with, settings, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  path = g_build_filename (with, "2018-01-01-the-first-post.md", NULL);
  g_assert_true (g_file_get_contents (path, &first, NULL, &error));
  g_assert_no_error (error);
  {
    const char *c0 = strstr (first, expected_comments[0][0]);
    const char *c1 = strstr (first, expected_comments[0][1]);
    g_assert_nonnull (c0);
    g_assert_nonnull (c1);
    g_assert_true (c0 < c1);
  }
  g_assert_null (strstr (first, OTHER_TOKEN));
  g_free (path);
  path = g_build_filename (with, "2018-02-01-as-i-said-https-plus-google-com-adalovelace-posts.md", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* whatever the slug: the file of the second post */
      g_autoptr(GDir) dir = g_dir_open (with, 0, NULL);
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_prefix (name, "2018-02-01") && g_str_has_suffix (name, ".md"))
          {
            g_free (path);
            path = g_build_filename (with, name, NULL);
          }
    }
  g_assert_true (g_file_get_contents (path, &second, NULL, &error));
  g_assert_no_error (error);
  /* No journal: every Google+ address in its archive form. */
  g_assert_nonnull (strstr (second, "[" OWNER_URL "/posts/FirstPost1](https://web.archive.org/web/2019/" OWNER_URL "/posts/FirstPost1)"));
  g_assert_nonnull (strstr (second, "See also [https://plus.google.com/u/0/100200300400500600700/posts/FirstPost1]"));
  g_assert_null (strstr (second, OTHER_TOKEN));

  settings->own_comments = FALSE;
  g_assert_true (gpm_export_posts (gpm_import_get_takeout (f->import), gpm_import_get_posts (f->import),
                                   without, settings, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_free (path);
  path = g_build_filename (without, "2018-01-01-the-first-post.md", NULL);
  g_assert_true (g_file_get_contents (path, &plain, NULL, &error));
  g_assert_null (strstr (plain, "Own reply one"));
  g_assert_null (strstr (plain, "Commented on Google+"));
}

typedef struct {
  char  *takeout;
  char  *away;
  guint  n_missing_waits;
} Unplug;

static void
unplug_waiting (GpmMigrator *migrator,
                guint        seconds,
                const char  *reason,
                Unplug      *u)
{
  if (strstr (reason, "cannot be found") != NULL && ++u->n_missing_waits == 2)
    g_assert_cmpint (g_rename (u->away, u->takeout), ==, 0);
}

/* The posts went in a run without the comments; the next run, with them,
 * starts while the takeout's disk is unplugged: it waits for the takeout
 * and then posts every comment, in order. Before, it found the comments
 * unreadable and ended, and they waited for yet another run. */
static void
test_takeout_unplugged (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *takeout = g_build_filename (f->root, "takeout", NULL);
  g_autofree char *away = g_build_filename (f->root, "away", NULL);
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (f->pod, f->journal);
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Unplug u = { takeout, away, 0 };

  run_migration (f, FALSE);
  assert_pod (f, FALSE);

  g_assert_cmpint (g_rename (takeout, away), ==, 0);
  settings->own_comments = TRUE;
  settings->links = gpm_links_new (gpm_import_get_posts (f->import));
  gpm_migrator_use_takeout (migrator, gpm_import_get_takeout (f->import), settings);
  gpm_migrator_set_delay (migrator, 0);
  gpm_migrator_set_retry_policy (migrator, 4, 5, 20);
  g_signal_connect (migrator, "waiting", G_CALLBACK (unplug_waiting), &u);
  gpm_migrator_run_async (migrator, gpm_import_get_posts (f->import), NULL, on_run_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gpm_migrator_run_finish (migrator, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (u.n_missing_waits, >=, 2);
  assert_pod (f, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/own-comments/parse", test_parse_own);
  g_test_add_func ("/own-comments/journal", test_journal);
  for (int api = 0; api <= 1; api++)
    {
      const char *kind = api ? "api" : "web";
      struct {
        const char *name;
        void (*func) (Fixture *, gconstpointer);
      } tests[] = {
        { "pod", test_pod_comments },
        { "with", test_with_comments },
        { "without", test_without_comments },
        { "later", test_comments_later },
        { "faults", test_faults },
        { "killed-after-send", test_killed_after_send },
        { "export", test_export },
        { "old-token", test_old_token },
        { "takeout-unplugged", test_takeout_unplugged },
      };

      for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
        {
          g_autofree char *path = NULL;

          if ((api && tests[i].func == test_export) || (!api && tests[i].func == test_old_token))
            continue;
          path = g_strdup_printf ("/own-comments/%s/%s", kind, tests[i].name);
          g_test_add (path, Fixture, GINT_TO_POINTER (api), fixture_set_up, tests[i].func, fixture_tear_down);
        }
    }
  return g_test_run ();
}
