/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The review's "posts with warnings" (gpm-post-check): too long, a photo
 * missing, nothing of the user's own, read in part, a hashtag too long
 * in the user's text; an edited text
 * answers the first and the third. */
#define G_LOG_DOMAIN "test-post-check"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "gpm-diaspora.h"
#include "gpm-post-check.h"

#define PUBLIC_ACL "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}"
#define HEAD "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"resourceName\": \"users/1/posts/x\", "

static GpmPost *
post_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  GpmPost *post = gpm_post_new_from_data ("x.json", json, -1, &error);

  g_assert_no_error (error);
  return post;
}

static void
test_kinds (void)
{
  g_autoptr(GpmPost) plain = post_from (HEAD "\"content\": \"Hello\", " PUBLIC_ACL "}");
  g_autoptr(GpmPost) photo = post_from (HEAD "\"content\": \"Look\", "
                                        "\"media\": {\"url\": \"https://lh3.example/x/p.jpg\", \"contentType\": \"image/jpeg\", "
                                        "\"localFilePath\": \"p.jpg\"}, " PUBLIC_ACL "}");
  g_autoptr(GpmPost) video_link = post_from (HEAD "\"content\": \"Watch\", "
                                             "\"media\": {\"url\": \"https://www.youtube.com/watch?v=abc\", \"contentType\": \"video/*\"}, "
                                             PUBLIC_ACL "}");
  g_autoptr(GpmPost) reshare = post_from (HEAD "\"content\": \"\", "
                                          "\"resharedPost\": {\"author\": {\"displayName\": \"Bob\"}, \"content\": \"THEIR TEXT\"}, "
                                          PUBLIC_ACL "}");
  g_autoptr(GpmPost) martian = post_from (HEAD "\"content\": \"Hi\", \"postAcl\": {\"visibleToStandardAcl\": "
                                          "{\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}, {\"type\": \"CIRCLE_TYPE_MARTIAN\"}]}}}");
  g_autoptr(GString) long_json = g_string_new (HEAD "\"content\": \"");
  g_autoptr(GpmPost) too_long = NULL;
  g_autofree char *words = NULL;

  for (guint i = 0; i < GPM_DIASPORA_MAX_TEXT_CHARS / 10 + 10; i++)
    g_string_append (long_json, "word word ");
  g_string_append (long_json, "\", " PUBLIC_ACL "}");
  too_long = post_from (long_json->str);

  g_assert_cmpint (gpm_post_check (plain, NULL, NULL, NULL), ==, GPM_POST_WARNING_NONE);
  /* No takeout to find it in: the photo is missing */
  g_assert_cmpint (gpm_post_check (photo, NULL, NULL, NULL), ==, GPM_POST_WARNING_PHOTO);
  /* A video link is kept as a link, not a fault */
  g_assert_cmpint (gpm_post_check (video_link, NULL, NULL, NULL), ==, GPM_POST_WARNING_NONE);
  g_assert_cmpint (gpm_post_check (reshare, NULL, NULL, NULL), ==, GPM_POST_WARNING_NOTHING_OWN);
  g_assert_cmpint (gpm_post_check (martian, NULL, NULL, NULL), ==, GPM_POST_WARNING_READ_IN_PART);
  g_assert_cmpint (gpm_post_check (too_long, NULL, NULL, NULL), ==, GPM_POST_WARNING_TOO_LONG);

  /* The user's own text: short enough, and something to send */
  g_assert_cmpint (gpm_post_check (too_long, NULL, NULL, "Shortened."), ==, GPM_POST_WARNING_NONE);
  g_assert_cmpint (gpm_post_check (reshare, NULL, NULL, "My words on Bob's post"), ==, GPM_POST_WARNING_NONE);
  g_assert_cmpint (gpm_post_check (plain, NULL, NULL, long_json->str), ==, GPM_POST_WARNING_TOO_LONG);

  words = gpm_post_warnings_describe (GPM_POST_WARNING_TOO_LONG | GPM_POST_WARNING_PHOTO);
  g_assert_cmpstr (words, ==, "too long for diaspora*, a photo is missing or cannot be posted");
  g_clear_pointer (&words, g_free);
  words = gpm_post_warnings_describe (GPM_POST_WARNING_NONE);
  g_assert_cmpstr (words, ==, "");
}

/* A hashtag diaspora* cannot store (Diaspora::Taggable, over
 * GPM_DIASPORA_MAX_TAG_CHARS) in the user's own text: the pod would
 * refuse the post, so the review says so before sending. The converted
 * text escapes such a tag itself: no warning there. */
static void
test_long_hashtag (void)
{
  g_autoptr(GString) tag = g_string_new ("#");
  g_autoptr(GString) long_json = g_string_new (HEAD "\"content\": \"Before ");
  g_autoptr(GpmPost) plain = post_from (HEAD "\"content\": \"Hello\", " PUBLIC_ACL "}");
  g_autoptr(GpmPost) long_tag = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *fits = NULL;
  g_autofree char *words = NULL;

  for (guint i = 0; i < GPM_DIASPORA_MAX_TAG_CHARS; i++)
    g_string_append_c (tag, 'a');
  /* exactly the limit: a tag the pod takes */
  fits = g_strdup_printf ("Edited %s and more", tag->str);
  g_assert_cmpint (gpm_post_check (plain, NULL, NULL, fits), ==, GPM_POST_WARNING_NONE);
  /* one more: refused */
  g_string_append_c (tag, 'a');
  edited = g_strdup_printf ("Edited\n%s and more", tag->str);
  g_assert_cmpint (gpm_post_check (plain, NULL, NULL, edited), ==, GPM_POST_WARNING_LONG_HASHTAG);
  /* escaped by the user, or not a tag (no space before '#'): plain text */
  g_clear_pointer (&edited, g_free);
  edited = g_strdup_printf ("Edited \\%s and x%s", tag->str, tag->str);
  g_assert_cmpint (gpm_post_check (plain, NULL, NULL, edited), ==, GPM_POST_WARNING_NONE);

  /* The converted text: escaped by the converter, nothing to fix */
  g_string_append (long_json, tag->str);
  g_string_append (long_json, "\", " PUBLIC_ACL "}");
  long_tag = post_from (long_json->str);
  g_assert_cmpint (gpm_post_check (long_tag, NULL, NULL, NULL), ==, GPM_POST_WARNING_NONE);
  /* …but the user's text replacing it is the one checked */
  g_clear_pointer (&edited, g_free);
  edited = g_strdup_printf ("Mine %s", tag->str);
  g_assert_cmpint (gpm_post_check (long_tag, NULL, NULL, edited), ==, GPM_POST_WARNING_LONG_HASHTAG);

  words = gpm_post_warnings_describe (GPM_POST_WARNING_LONG_HASHTAG | GPM_POST_WARNING_TOO_LONG);
  g_assert_cmpstr (words, ==, "too long for diaspora*, a hashtag longer than diaspora* takes");
}

static void
check_all_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GHashTable **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = gpm_post_check_all_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_all (void)
{
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTable *found = NULL;

  g_ptr_array_add (posts, post_from (HEAD "\"content\": \"Hello\", " PUBLIC_ACL "}"));
  g_ptr_array_add (posts, post_from (HEAD "\"content\": \"\", \"resharedPost\": {\"content\": \"THEIRS\"}, " PUBLIC_ACL "}"));

  gpm_post_check_all_async (posts, NULL, NULL, NULL, NULL, check_all_cb, &found);
  while (found == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (g_hash_table_size (found), ==, 1);
  g_assert_false (g_hash_table_contains (found, g_ptr_array_index (posts, 0)));
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (found, g_ptr_array_index (posts, 1))), ==,
                    GPM_POST_WARNING_NOTHING_OWN);
  g_hash_table_unref (found);
}

/* The check reads a post's attachments for itself and keeps none of them
 * on the post (they were ~85 MB at 100,000 posts): with its file gone
 * afterwards, the post has no attachments to give; one read before the
 * check keeps its own. */
static void
test_keeps_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("gpm-post-check-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(GpmPost) post = NULL;
  g_autoptr(GpmPost) read_before = NULL;
  const char *json = HEAD "\"content\": \"Look\", "
                     "\"media\": {\"url\": \"https://lh3.example/x/p.jpg\", \"contentType\": \"image/jpeg\", "
                     "\"localFilePath\": \"p.jpg\"}, " PUBLIC_ACL "}";

  g_assert_no_error (error);
  path = g_build_filename (dir, "p.json", NULL);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
  post = gpm_post_new_from_file (path, &error);
  g_assert_no_error (error);
  gpm_post_set_source_file (post);
  read_before = gpm_post_new_from_file (path, &error);
  g_assert_no_error (error);
  gpm_post_set_source_file (read_before);
  g_assert_nonnull (gpm_post_get_media (read_before));

  /* The photo was seen (and is missing: no takeout) */
  g_assert_cmpint (gpm_post_check (post, NULL, NULL, NULL), ==, GPM_POST_WARNING_PHOTO);
  g_assert_cmpint (gpm_post_check (read_before, NULL, NULL, NULL), ==, GPM_POST_WARNING_PHOTO);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_null (gpm_post_get_media (post));
  g_assert_cmpstr (gpm_post_get_media (read_before)->local_file_path, ==, "p.jpg");
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/post-check/kinds", test_kinds);
  g_test_add_func ("/post-check/all", test_all);
  g_test_add_func ("/post-check/keeps-nothing", test_keeps_nothing);
  g_test_add_func ("/post-check/long-hashtag", test_long_hashtag);

  return g_test_run ();
}
