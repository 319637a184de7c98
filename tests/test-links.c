/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Google+ addresses in converted posts (issue 15 items 1 and 2): the owner's
 * own migrated posts point to the pod, every other address to its Internet
 * Archive form; the forms real takeouts use. */
#include "config.h"

#include <string.h>

#include "gpm-convert.h"
#include "gpm-links.h"
#include "gpm-render.h"
#include "gpm-test-posts.h"

#define OWNER "111111111111111111111"
#define ARCHIVE GPM_LINKS_ARCHIVE_PREFIX

static void
test_archive_url (void)
{
  g_autofree char *a = gpm_links_archive_url ("https://plus.google.com/+JaneDoe/posts/Xy");
  g_autofree char *b = gpm_links_archive_url ("plus.google.com/communities/123");
  g_autofree char *c = gpm_links_archive_url ("http://plus.google.com/a(b)");

  g_assert_cmpstr (a, ==, "https://web.archive.org/web/2019/https://plus.google.com/+JaneDoe/posts/Xy");
  g_assert_cmpstr (b, ==, "https://web.archive.org/web/2019/https://plus.google.com/communities/123");
  g_assert_cmpstr (c, ==, "https://web.archive.org/web/2019/http://plus.google.com/a%28b%29");
}

static void
test_parse (void)
{
  static const struct {
    const char *address;
    gboolean    google_plus;
    const char *profile;
    const char *post_id;
  } cases[] = {
    { "https://plus.google.com/" OWNER "/posts/UgjAbc", TRUE, OWNER, "UgjAbc" },
    { "https://plus.google.com/+JaneDoe/posts/Xy_z9", TRUE, "+JaneDoe", "Xy_z9" },
    { "https://plus.google.com/u/0/+JaneDoe/posts/Xy_z9?hl=de", TRUE, "+JaneDoe", "Xy_z9" },
    { "https://plus.google.com/u/1/" OWNER "/posts/K1#c", TRUE, OWNER, "K1" },
    { "https://plus.google.com/b/987/987/posts/P", TRUE, "987", "P" },
    { "http://plus.google.com/+J%C3%B6rg/posts/Q", TRUE, "+Jörg", "Q" },
    { "plus.google.com/+JaneDoe", TRUE, "+JaneDoe", NULL },
    { "https://plus.google.com/" OWNER, TRUE, OWNER, NULL },
    { "https://plus.google.com/communities/1234", TRUE, NULL, NULL },
    { "https://plus.google.com/u/0/communities/1234/stream/abc", TRUE, NULL, NULL },
    { "https://plus.google.com/collection/wWj1H", TRUE, NULL, NULL },
    { "https://plus.google.com/photos/123/albums/456", TRUE, NULL, NULL },
    { "https://PLUS.google.com/+A/posts/B", TRUE, "+A", "B" },
    { "https://plus.google.com", TRUE, NULL, NULL },
    { "https://plus.google.com.evil.example/+A/posts/B", FALSE, NULL, NULL },
    { "https://example.org/plus.google.com/+A", FALSE, NULL, NULL },
    { "https://google.com/+A/posts/B", FALSE, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *profile = NULL;
      g_autofree char *post_id = NULL;

      g_test_message ("%s", cases[i].address);
      g_assert_cmpint (gpm_links_parse (cases[i].address, &profile, &post_id), ==, cases[i].google_plus);
      g_assert_cmpstr (profile, ==, cases[i].profile);
      g_assert_cmpstr (post_id, ==, cases[i].post_id);
    }
}

/* Three posts of the owner, whose custom name is +JaneDoe. */
static GPtrArray *
owner_posts (void)
{
  GPtrArray *posts = g_ptr_array_new_with_free_func (g_object_unref);
  static const char * const urls[] = {
    "https://plus.google.com/+JaneDoe/posts/First1",
    "https://plus.google.com/" OWNER "/posts/Second2",
    "https://plus.google.com/+JaneDoe/posts/Third_3",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"url\": \"%s\", \"creationTime\": \"2018-0%u-01 10:00:00+0000\","
        " \"author\": {\"displayName\": \"Jane\", \"resourceName\": \"users/" OWNER "\","
        "  \"profilePageUrl\": \"https://plus.google.com/+JaneDoe\"},"
        " \"content\": \"post %u\", \"resourceName\": \"users/" OWNER "/posts/k%u\","
        " \"postAcl\": {\"isPublic\": true}}", urls[i], i + 1, i, i);
      g_autofree char *name = g_strdup_printf ("post%u.json", i);
      g_autoptr(GError) error = NULL;
      GpmPost *post = gpm_post_new_from_data (name, json, -1, &error);

      g_assert_no_error (error);
      g_ptr_array_add (posts, post);
    }
  return posts;
}

/* A post id that ends the post's key is the key's own string, another
 * one a copy: both are found, each its post's */
static void
test_own_post_ids (void)
{
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  static const char * const ids[][2] = {
    { "Fourth4", "users/" OWNER "/posts/Fourth4" },   /* the key's end */
    { "ifth5", "users/" OWNER "/posts/Fifth5" },      /* the key's end too */
    { "Sixth6", "users/" OWNER "/posts/k6" },         /* another id */
  };
  g_autoptr(GpmLinks) links = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"url\": \"https://plus.google.com/" OWNER "/posts/%s\", \"creationTime\": \"2018-0%u-01 10:00:00+0000\","
        " \"author\": {\"displayName\": \"Jane\", \"resourceName\": \"users/" OWNER "\"},"
        " \"content\": \"post %u\", \"resourceName\": \"%s\", \"postAcl\": {\"isPublic\": true}}",
        ids[i][0], i + 1, i, ids[i][1]);
      g_autofree char *name = g_strdup_printf ("post%u.json", i);
      g_autoptr(GError) error = NULL;
      GpmPost *post = gpm_post_new_from_data (name, json, -1, &error);

      g_assert_no_error (error);
      g_ptr_array_add (posts, post);
    }
  links = gpm_links_new (posts);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *address = g_strdup_printf ("https://plus.google.com/" OWNER "/posts/%s", ids[i][0]);

      g_assert_cmpstr (gpm_links_find_own_post (links, address), ==, ids[i][1]);
    }
  g_assert_null (gpm_links_find_own_post (links, "https://plus.google.com/" OWNER "/posts/Fifth5"));
  g_assert_null (gpm_links_find_own_post (links, "https://plus.google.com/" OWNER "/posts/k6"));
}

/* Only the first two are on the pod. */
static char *
lookup (const char *key,
        gpointer    user_data)
{
  guint *calls = user_data;

  (*calls)++;
  if (strcmp (key, "users/" OWNER "/posts/k0") == 0)
    return g_strdup ("https://pod.example/posts/guid0");
  if (strcmp (key, "users/" OWNER "/posts/k1") == 0)
    return g_strdup ("https://pod.example/posts/guid1");
  return NULL;
}

static void
test_own_posts (void)
{
  g_autoptr(GPtrArray) posts = owner_posts ();
  g_autoptr(GpmLinks) links = gpm_links_new (posts);

  /* Both the custom name and the numeric id, whatever the post's url used. */
  g_assert_cmpstr (gpm_links_find_own_post (links, "https://plus.google.com/+JaneDoe/posts/First1"), ==, "users/" OWNER "/posts/k0");
  g_assert_cmpstr (gpm_links_find_own_post (links, "https://plus.google.com/" OWNER "/posts/First1"), ==, "users/" OWNER "/posts/k0");
  g_assert_cmpstr (gpm_links_find_own_post (links, "https://plus.google.com/u/0/+janedoe/posts/Second2"), ==, "users/" OWNER "/posts/k1");
  g_assert_cmpstr (gpm_links_find_own_post (links, "plus.google.com/+JaneDoe/posts/Third_3"), ==, "users/" OWNER "/posts/k2");
  /* Somebody else's post with the same id, an unknown post, a profile. */
  g_assert_null (gpm_links_find_own_post (links, "https://plus.google.com/+Bob/posts/First1"));
  g_assert_null (gpm_links_find_own_post (links, "https://plus.google.com/222/posts/First1"));
  g_assert_null (gpm_links_find_own_post (links, "https://plus.google.com/+JaneDoe/posts/Gone"));
  g_assert_null (gpm_links_find_own_post (links, "https://plus.google.com/+JaneDoe"));
}

static void
test_rewrite (void)
{
  g_autoptr(GPtrArray) posts = owner_posts ();
  g_autoptr(GpmLinks) links = gpm_links_new (posts);
  static const struct {
    const char *in;
    const char *out;      /* archive on, with the lookup */
    const char *no_archive;
  } cases[] = {
    /* Own posts on the pod, in every form. */
    { "see https://plus.google.com/+JaneDoe/posts/First1 now",
      "see https://pod.example/posts/guid0 now",
      "see https://pod.example/posts/guid0 now" },
    { "https://plus.google.com/u/0/" OWNER "/posts/Second2.",
      "https://pod.example/posts/guid1.",
      "https://pod.example/posts/guid1." },
    /* An own post not (yet) on the pod: the archive. */
    { "later: https://plus.google.com/+JaneDoe/posts/Third\\_3, ok",
      "later: [https://plus.google.com/+JaneDoe/posts/Third\\_3](" ARCHIVE "https://plus.google.com/+JaneDoe/posts/Third_3), ok",
      "later: https://plus.google.com/+JaneDoe/posts/Third\\_3, ok" },
    /* Other people's posts, communities, collections, profiles. */
    { "https://plus.google.com/+Bob/posts/First1",
      "[https://plus.google.com/+Bob/posts/First1](" ARCHIVE "https://plus.google.com/+Bob/posts/First1)", NULL },
    { "(https://plus.google.com/222/posts/Abc)",
      "([https://plus.google.com/222/posts/Abc](" ARCHIVE "https://plus.google.com/222/posts/Abc))", NULL },
    { "join https://plus.google.com/communities/1234!",
      "join [https://plus.google.com/communities/1234](" ARCHIVE "https://plus.google.com/communities/1234)!", NULL },
    { "https://plus.google.com/u/0/communities/1234/stream/x-y",
      "[https://plus.google.com/u/0/communities/1234/stream/x-y](" ARCHIVE "https://plus.google.com/u/0/communities/1234/stream/x-y)", NULL },
    { "plus.google.com/collection/wWj1H",
      "[plus.google.com/collection/wWj1H](" ARCHIVE "https://plus.google.com/collection/wWj1H)", NULL },
    { "http://plus.google.com/+Bob",
      "[http://plus.google.com/+Bob](" ARCHIVE "http://plus.google.com/+Bob)", NULL },
    { "**https://plus.google.com/+Bob/posts/X**",
      "**[https://plus.google.com/+Bob/posts/X](" ARCHIVE "https://plus.google.com/+Bob/posts/X)**", NULL },
    { "line one\nhttps://plus.google.com/+Bob/posts/X\nhttps://plus.google.com/+JaneDoe/posts/First1",
      "line one\n[https://plus.google.com/+Bob/posts/X](" ARCHIVE "https://plus.google.com/+Bob/posts/X)\nhttps://pod.example/posts/guid0",
      "line one\nhttps://plus.google.com/+Bob/posts/X\nhttps://pod.example/posts/guid0" },
    /* Inline links (keep-inline-links): the target alone changes. */
    { "[a post](https://plus.google.com/+Bob/posts/X)",
      "[a post](" ARCHIVE "https://plus.google.com/+Bob/posts/X)", NULL },
    { "[https://plus.google.com/+JaneDoe/posts/First1](https://plus.google.com/+JaneDoe/posts/First1)",
      "[https://pod.example/posts/guid0](https://pod.example/posts/guid0)",
      "[https://pod.example/posts/guid0](https://pod.example/posts/guid0)" },
    /* Left alone: archived already, other hosts, words. */
    { ARCHIVE "https://plus.google.com/+Bob", ARCHIVE "https://plus.google.com/+Bob", NULL },
    { "https://example.org/?u=https://plus.google.com/+Bob", "https://example.org/?u=https://plus.google.com/+Bob", NULL },
    { "https://plus.google.com.example/x", "https://plus.google.com.example/x", NULL },
    { "no address here", "no address here", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint calls = 0;
      g_autofree char *out = gpm_links_rewrite (links, cases[i].in, TRUE, lookup, &calls);
      g_autofree char *off = gpm_links_rewrite (links, cases[i].in, FALSE, lookup, &calls);
      g_autofree char *none = gpm_links_rewrite (NULL, cases[i].in, TRUE, NULL, NULL);

      g_test_message ("%s", cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_cmpstr (off, ==, cases[i].no_archive ? cases[i].no_archive : cases[i].in);
      /* Without the journal (preview, export), own posts are archived too. */
      g_assert_null (strstr (none, "pod.example"));
    }
}

/* Every plus.google.com address the rendered post links to is in its
 * archive form, shown with the original address. */
static void
test_convert_and_render (void)
{
  const char *json =
    "{\"url\": \"https://plus.google.com/+JaneDoe/posts/Four4\", \"creationTime\": \"2018-07-15 10:00:00+0000\","
    " \"author\": {\"displayName\": \"Jane\", \"resourceName\": \"users/" OWNER "\"},"
    " \"content\": \"Before: <a href=\\\"https://plus.google.com/+JaneDoe/posts/First1\\\" class=\\\"ot-anchor\\\">https://plus.google.com/+JaneDoe/posts/First1</a>"
    "  in <a href=\\\"https://plus.google.com/communities/1234\\\">https://plus.google.com/communities/1234</a>"
    "  by <span class=\\\"proflinkWrapper\\\"><span class=\\\"proflinkPrefix\\\">+</span><a class=\\\"proflink\\\" href=\\\"https://plus.google.com/222\\\" oid=\\\"222\\\">Bob</a></span>\","
    " \"link\": {\"url\": \"https://plus.google.com/222/posts/Q1\"},"
    " \"resourceName\": \"users/" OWNER "/posts/k3\", \"postAcl\": {\"isPublic\": true}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPost) post = gpm_post_new_from_data ("four.json", json, -1, &error);
  g_autoptr(GPtrArray) posts = owner_posts ();
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autoptr(GpmConvertResult) archived = NULL;
  g_autoptr(GpmConvertResult) linked = NULL;
  g_autoptr(GpmConvertResult) plain = NULL;
  g_autofree char *html = NULL;
  guint calls = 0;

  g_assert_no_error (error);
  g_assert_true (settings->archive_links);

  archived = gpm_convert_post (post, settings, NULL, NULL);
  g_assert_nonnull (strstr (archived->markdown,
                            "[https://plus.google.com/+JaneDoe/posts/First1](" ARCHIVE "https://plus.google.com/+JaneDoe/posts/First1)"));
  g_assert_nonnull (strstr (archived->markdown, "\n[https://plus.google.com/222/posts/Q1](" ARCHIVE "https://plus.google.com/222/posts/Q1)"));
  g_assert_cmpuint (archived->n_chars, ==, g_utf8_strlen (archived->markdown, -1));

  html = gpm_render_markdown (archived->markdown, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (html, "href=\"" ARCHIVE "https://plus.google.com/communities/1234\""));
  g_assert_nonnull (strstr (html, ">https://plus.google.com/communities/1234</a>"));
  g_assert_nonnull (strstr (html, "href=\"" ARCHIVE "https://plus.google.com/222/posts/Q1\""));
  {
    /* No link anywhere to plus.google.com itself. */
    const char *p = html;
    while ((p = strstr (p, "href=\"")) != NULL)
      {
        p += 6;
        g_assert_false (g_str_has_prefix (p, "https://plus.google.com"));
      }
  }

  settings->links = gpm_links_new (posts);
  settings->own_post_lookup = lookup;
  settings->own_post_lookup_data = &calls;
  linked = gpm_convert_post (post, settings, NULL, NULL);
  g_assert_nonnull (strstr (linked->markdown, "Before: https://pod.example/posts/guid0 in ["));
  g_assert_cmpuint (calls, ==, 1);

  settings->archive_links = FALSE;
  settings->own_post_lookup = NULL;
  plain = gpm_convert_post (post, settings, NULL, NULL);
  g_assert_null (strstr (plain->markdown, "web.archive.org"));
  g_assert_true (g_str_has_suffix (plain->markdown, "\nhttps://plus.google.com/222/posts/Q1"));

  {
    /* Copies keep the owner's addresses. */
    g_autoptr(GpmConvertSettings) copy = gpm_convert_settings_copy (settings);
    g_assert_true (copy->links == settings->links);
  }
}

static void
test_gsettings (void)
{
  g_autoptr(GSettings) gsettings = gpm_test_app_settings_new ();
  g_autoptr(GpmConvertSettings) on = NULL;
  g_autoptr(GpmConvertSettings) off = NULL;

  if (gsettings == NULL)
    return;  /* skipped */
  on = gpm_convert_settings_new_from_gsettings (gsettings);
  g_assert_true (on->archive_links);
  g_settings_set_boolean (gsettings, "archive-google-plus-links", FALSE);
  off = gpm_convert_settings_new_from_gsettings (gsettings);
  g_assert_false (off->archive_links);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/links/archive-url", test_archive_url);
  g_test_add_func ("/links/parse", test_parse);
  g_test_add_func ("/links/own-posts", test_own_posts);
  g_test_add_func ("/links/own-post-ids", test_own_post_ids);
  g_test_add_func ("/links/rewrite", test_rewrite);
  g_test_add_func ("/links/convert-and-render", test_convert_and_render);
  g_test_add_func ("/links/gsettings", test_gsettings);
  return g_test_run ();
}
