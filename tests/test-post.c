/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "gpm-post.h"

static const char *simple_post =
  "{\"url\": \"https://plus.google.com/117832126248716550930/posts/UgjyOA5tNBv\","
  " \"creationTime\": \"2018-07-15 20:43:51+0000\","
  " \"updateTime\": \"2018-07-15 20:43:51+0000\","
  " \"author\": {\"displayName\": \"Ada\", \"resourceName\": \"users/117832126248716550930\"},"
  " \"content\": \"1 WTC\","
  " \"media\": {\"url\": \"https://lh3.example/x.jpg\", \"contentType\": \"image/*\", \"width\": 2838, \"height\": 3785,"
  "   \"description\": \"1 WTC\", \"resourceName\": \"media/Cix\", \"localFilePath\": \"1 WTC.jpg\"},"
  " \"location\": {\"latitude\": 40.7331168, \"longitude\": -74.0108977, \"displayName\": \"Hudson River Park Trust\","
  "   \"physicalAddress\": \"353 West St, New York, NY 10011, USA\"},"
  " \"resourceName\": \"users/117832126248716550930/posts/UgjyOA5tNBvbgHgCoAEC\","
  " \"comments\": [{\"content\": \"nice\"}, {\"content\": \"+1\"}],"
  " \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}";

static void
test_post_simple (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPost) post = gpm_post_new_from_data ("a.json", simple_post, -1, &error);
  GDateTime *dt;
  const GpmScope *scope;

  g_assert_no_error (error);
  g_assert_nonnull (post);
  g_assert_cmpstr (gpm_post_get_content (post), ==, "1 WTC");
  dt = gpm_post_get_creation_time (post);
  g_assert_nonnull (dt);
  g_assert_cmpint (g_date_time_get_year (dt), ==, 2018);
  g_assert_cmpint (g_date_time_get_hour (dt), ==, 20);
  g_assert_cmpint (g_date_time_get_utc_offset (dt), ==, 0);
  g_assert_cmpstr (gpm_post_get_author (post)->display_name, ==, "Ada");
  g_assert_cmpstr (gpm_post_get_media (post)->local_file_path, ==, "1 WTC.jpg");
  g_assert_cmpint (gpm_post_get_media (post)->width, ==, 2838);
  g_assert_true (gpm_post_get_location (post)->has_coordinates);
  g_assert_cmpfloat_with_epsilon (gpm_post_get_location (post)->longitude, -74.0108977, 1e-9);
  g_assert_cmpuint (gpm_post_get_n_comments (post), ==, 2);
  g_assert_cmpuint (gpm_post_get_scopes (post)->len, ==, 1);
  scope = g_ptr_array_index (gpm_post_get_scopes (post), 0);
  g_assert_cmpint (scope->kind, ==, GPM_SCOPE_PUBLIC);
  g_assert_cmpuint (gpm_post_get_warnings (post)->len, ==, 0);
}

/* A post file that starts with a UTF-8 byte-order mark (an editor on
 * Windows saved it again) reads as the same post: Python's json reads it
 * from bytes, json-glib reads it. */
static void
test_post_bom (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *with_bom = g_strconcat ("\xef\xbb\xbf", simple_post, NULL);
  g_autofree char *author_id = NULL;
  g_autoptr(GpmPost) post = NULL;
  g_autofree char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("gpm-bom-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fd, with_bom, strlen (with_bom)), ==, (gssize) strlen (with_bom));
  close (fd);
  post = gpm_post_new_from_file (path, &error);
  g_unlink (path);
  g_assert_no_error (error);
  g_assert_nonnull (post);
  g_assert_cmpstr (gpm_post_get_content (post), ==, "1 WTC");
  g_assert_cmpuint (gpm_post_get_scopes (post)->len, ==, 1);
  author_id = gpm_post_dup_author_id (post);
  g_assert_cmpstr (author_id, ==, "users/117832126248716550930");
  /* The attachments, read later from the same bytes */
  g_assert_cmpstr (gpm_post_get_media (post)->local_file_path, ==, "1 WTC.jpg");
  g_assert_cmpstr (gpm_post_get_author (post)->display_name, ==, "Ada");
  g_assert_true (gpm_post_get_location (post)->has_coordinates);
  g_assert_cmpuint (gpm_post_get_warnings (post)->len, ==, 0);
  g_assert_cmpstr (gpm_post_get_media_files (post, FALSE)[0], ==, "1 WTC.jpg");
}

static void
test_post_acl_kinds (void)
{
  const char *json =
    "{\"creationTime\": \"2017-01-02 03:04:05-0800\", \"postAcl\": {"
    " \"visibleToStandardAcl\": {\"circles\": ["
    "   {\"type\": \"CIRCLE_TYPE_YOUR_CIRCLES\"}, {\"type\": \"CIRCLE_TYPE_EXTENDED_CIRCLES\"},"
    "   {\"type\": \"CIRCLE_TYPE_USER_CIRCLE\", \"resourceName\": \"circles/1-a\"},"
    "   {\"type\": \"CIRCLE_TYPE_MARTIAN\"}],"
    "  \"users\": [{\"resourceName\": \"users/2\"}, {\"resourceName\": \"users/3\", \"displayName\": \"Bo\"}]},"
    " \"collectionAcl\": {\"collection\": {\"resourceName\": \"collections/c1\", \"displayName\": \"Cats\"}},"
    " \"communityAcl\": {\"community\": {\"resourceName\": \"communities/9\", \"displayName\": \"Pi\"},"
    "   \"users\": [{\"resourceName\": \"users/4\", \"displayName\": \"Di\"}]},"
    " \"eventAcl\": {\"event\": {\"resourceName\": \"events/e1\", \"displayName\": \"Party\"}}}}";
  static const struct { GpmScopeKind kind; const char *id, *name; } expected[] = {
    { GPM_SCOPE_CIRCLES, NULL, NULL },
    { GPM_SCOPE_EXTENDED, NULL, NULL },
    { GPM_SCOPE_CIRCLE, "circles/1-a", "" },
    { GPM_SCOPE_USER, "users/2", "-" },
    { GPM_SCOPE_USER, "users/3", "Bo" },
    { GPM_SCOPE_COLLECTION, "collections/c1", "Cats" },
    { GPM_SCOPE_COMMUNITY, "communities/9", "Pi" },
    { GPM_SCOPE_USER, "users/4", "Di" },
    { GPM_SCOPE_EVENT, "events/e1", "Party" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPost) post = gpm_post_new_from_data ("b.json", json, -1, &error);
  GPtrArray *scopes;

  g_assert_no_error (error);
  scopes = gpm_post_get_scopes (post);
  g_assert_cmpuint (scopes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < scopes->len; i++)
    {
      const GpmScope *s = g_ptr_array_index (scopes, i);
      g_assert_cmpint (s->kind, ==, expected[i].kind);
      g_assert_cmpstr (s->id, ==, expected[i].id);
      g_assert_cmpstr (s->name, ==, expected[i].name);
    }
  /* The unknown circle type is reported, not dropped silently. */
  g_assert_cmpuint (gpm_post_get_warnings (post)->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (gpm_post_get_warnings (post), 0), "CIRCLE_TYPE_MARTIAN"));
  g_assert_cmpint (g_date_time_get_utc_offset (gpm_post_get_creation_time (post)) / G_TIME_SPAN_HOUR, ==, -8);
  g_assert_cmpstr (gpm_post_get_event (post)->name, ==, "Party");
}

/* ACL shapes real takeouts have that Part IV's script never saw
 * (FiXato/Plexodus-Tools: activity_data_structure.md lists every key of a
 * whole 2011–2019 archive; bin/generate_html_for_takeout_post.sh sorts real
 * posts by them): each keeps who the post was for, or says it is unknown. */
static void
test_post_acl_real_shapes (void)
{
  static const struct {
    const char *acl;
    const char *keys;      /* the scopes' keys, in order, space-separated */
    const char *warning;   /* a part of the one warning, or NULL: none */
  } cases[] = {
    /* postAcl.collectionAcl.users[]: a collection shared with people; they
     * were dropped, so the collection's people were not offered */
    { "{\"collectionAcl\": {\"collection\": {\"resourceName\": \"collections/c1\", \"displayName\": \"Family\"},"
      " \"users\": [{\"resourceName\": \"users/7\", \"displayName\": \"Bob\"}, {\"resourceName\": \"users/8\"}]}}",
      "collections/c1 users/7 users/8", NULL },
    /* postAcl.isLegacyAcl alone: no audience, so never selectable; it was
     * not even said */
    { "{\"isLegacyAcl\": true}", "", "names nobody" },
    { "{\"isLegacyAcl\": true, \"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_YOUR_CIRCLES\"}]}}",
      "CIRCLES", NULL },
    /* visibleToStandardAcl with neither circles nor people (the script's
     * "circle_and_userless" case) */
    { "{\"visibleToStandardAcl\": {}}", "", "names nobody" },
    /* a deleted community has no name (the script's
     * NAMELESS_OR_DELETED_COMMUNITY) */
    { "{\"communityAcl\": {\"community\": {\"resourceName\": \"communities/5\"}}}", "communities/5", NULL },
    /* the flags next to an audience change nothing */
    { "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}, \"isPublic\": true,"
      " \"isDomainRestricted\": false}", "PUBLIC", NULL },
    /* isDomainRestricted: a G Suite post kept inside the organisation
     * (Google+ Domains API, Acl.domainRestricted; googleapis/
     * google-api-php-client#1340: "public" with it set was not public): its
     * "public" is the domain, so it is not posted publicly */
    { "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}, \"isDomainRestricted\": true}",
      "", "not publicly" },
    { "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}, {\"type\": \"CIRCLE_TYPE_YOUR_CIRCLES\"}]},"
      " \"isDomainRestricted\": true}", "CIRCLES", "not publicly" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"creationTime\": \"2018-01-01 00:00:00+0000\", "
                                               "\"resourceName\": \"users/1/posts/x\", \"content\": \"hi\", "
                                               "\"postAcl\": %s}", cases[i].acl);
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPost) post = gpm_post_new_from_data ("x.json", json, -1, &error);
      g_autoptr(GString) keys = g_string_new (NULL);
      GPtrArray *scopes, *warnings;

      g_assert_no_error (error);
      scopes = gpm_post_get_scopes (post);
      for (guint k = 0; k < scopes->len; k++)
        g_string_append_printf (keys, "%s%s", k ? " " : "", gpm_scope_get_key (g_ptr_array_index (scopes, k)));
      g_assert_cmpstr (keys->str, ==, cases[i].keys);
      warnings = gpm_post_get_warnings (post);
      g_assert_cmpuint (warnings->len, ==, cases[i].warning != NULL);
      if (cases[i].warning != NULL)
        g_assert_nonnull (strstr (g_ptr_array_index (warnings, 0), cases[i].warning));
    }
}

static void
test_post_bad_input (void)
{
  static const struct { const char *data; int code; } cases[] = {
    { "", GPM_POST_ERROR_EMPTY },
    { "{\"postAcl\": {", GPM_POST_ERROR_SYNTAX },
    { "[1, 2]", GPM_POST_ERROR_NOT_A_POST },
    { "{\"creationTime\": \"2018-01-01 00:00:00+0000\", \"resourceName\": \"users/1/posts/x\"}", GPM_POST_ERROR_NO_ACL },
    { "{\"title\": \"photo metadata\"}", GPM_POST_ERROR_NOT_A_POST },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPost) post = gpm_post_new_from_data ("bad.json", cases[i].data, -1, &error);
      g_assert_null (post);
      g_assert_error (error, GPM_POST_ERROR, cases[i].code);
    }
}

/* Nothing silently dropped (issue 12): a post that lost its postAcl can be
 * read anyway (no scopes, said); text with an escaped NUL or a lone
 * surrogate (Python reads both) is kept, those characters replaced, said. */
static void
test_post_kept_and_said (void)
{
  const char *no_acl = "{\"creationTime\": \"2018-01-01 00:00:00+0000\", \"resourceName\": \"users/1/posts/x\", \"content\": \"mine\"}";
  const char *not_post = "{\"title\": \"photo metadata\"}";
  static const struct { const char *json; const char *content; } texts[] = {
    { "\"before\\u0000after\"", "before\xef\xbf\xbd" "after" },
    { "\"left \\ud83d right\"", "left \xef\xbf\xbd right" },
    { "\"pair \\ud83d\\ude00 ok\"", "pair \xf0\x9f\x98\x80 ok" },
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (no_acl, strlen (no_acl));
  g_autoptr(GBytes) not_post_bytes = g_bytes_new_static (not_post, strlen (not_post));
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPost) post = gpm_post_new_without_acl ("x.json", bytes, &error);
  g_autoptr(GpmPost) none = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (post);
  g_assert_cmpstr (gpm_post_get_content (post), ==, "mine");
  g_assert_cmpuint (gpm_post_get_scopes (post)->len, ==, 0);
  g_assert_cmpuint (gpm_post_get_warnings (post)->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (gpm_post_get_warnings (post), 0), "does not say who the post was shared with"));
  none = gpm_post_new_without_acl ("m.json", not_post_bytes, &error);
  g_assert_null (none);
  g_assert_error (error, GPM_POST_ERROR, GPM_POST_ERROR_NOT_A_POST);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"creationTime\": \"2018-01-01 00:00:00+0000\", \"content\": %s, "
                                               "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}",
                                               texts[i].json);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GpmPost) p = gpm_post_new_from_data ("t.json", json, -1, &local_error);

      g_assert_no_error (local_error);
      g_assert_cmpstr (gpm_post_get_content (p), ==, texts[i].content);
      g_assert_cmpuint (gpm_post_get_warnings (p)->len, ==, i < 2 ? 1 : 0);
    }
}

static void
test_scope_format (void)
{
  g_autoptr(GpmScope) pub = gpm_scope_new (GPM_SCOPE_PUBLIC, NULL, NULL);
  g_autoptr(GpmScope) circle = gpm_scope_new (GPM_SCOPE_CIRCLE, "circles/1-a", "Personal");
  g_autofree char *a = gpm_scope_format_stat (pub, 1249);
  g_autofree char *b = gpm_scope_format_stat (circle, 227);
  g_assert_cmpstr (a, ==, "1249 - PUBLIC");
  g_assert_cmpstr (b, ==, "227 - CIRCLE (Personal):\t circles/1-a");
}

/* The author's id read from the span before the full parse is the one the
 * full parse gives, in every form the reader meets. */
static void
test_post_author_id (void)
{
  static const struct { const char *author; const char *id; } cases[] = {
    { "\"author\": {\"displayName\": \"Ada\", \"resourceName\": \"users/1\"},", "users/1" },
    { "\"author\": {\"resourceName\": \"users/1\", \"resourceName\": \"users/2\"},", "users/2" },
    { "\"author\": {\"resourceName\": \"users/\\u00e9\\ud800\"},", "users/\xc3\xa9\xef\xbf\xbd" },
    { "\"author\": {\"resourceName\": 42},", NULL },
    { "\"author\": {\"displayName\": \"Ada\"},", NULL },
    { "\"author\": \"users/1\",", NULL },
    { "\"author\": {\"resourceName\": \"users/1\"}, \"author\": null,", NULL },
    { "\"author\": null, \"author\": {\"resourceName\": \"users/3\"},", "users/3" },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{%s \"creationTime\": \"2018-07-15 20:43:51+0000\", "
                                               "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": "
                                               "[{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}", cases[i].author);
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPost) post = gpm_post_new_from_data ("a.json", json, -1, &error);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      const GpmPerson *author;

      g_assert_no_error (error);
      before = gpm_post_dup_author_id (post);
      author = gpm_post_get_author (post);
      after = gpm_post_dup_author_id (post);
      g_assert_cmpstr (before, ==, cases[i].id);
      g_assert_cmpstr (after, ==, cases[i].id);
      g_assert_cmpstr (author ? author->resource_name : NULL, ==, cases[i].id);
    }
}

/* What the problems list says about a post is in words about posts and
 * people, not the archive's keys (issue 17): every odd audience shape gives
 * a warning that names no ACL, resourceName or JSON. */
static void
test_post_warnings_in_words (void)
{
  static const char *acls[] = {
    "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_MARTIAN\"}]}}",
    "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\"}]}}",
    "{\"visibleToStandardAcl\": {\"users\": [{\"displayName\": \"Bo\"}]}}",
    "{\"collectionAcl\": 5}",
    "{\"communityAcl\": {\"community\": {\"displayName\": \"Cats\"}}}",
    "{\"martianAcl\": {}}",
    "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}, \"isDomainRestricted\": true}",
    "{}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (acls); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"creationTime\": \"2018-01-01 00:00:00+0000\", "
                                               "\"resourceName\": \"users/1/posts/x\", \"content\": \"hi\", "
                                               "\"postAcl\": %s}", acls[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPost) post = gpm_post_new_from_data ("x.json", json, -1, &error);
      GPtrArray *warnings;

      g_assert_no_error (error);
      warnings = gpm_post_get_warnings (post);
      g_assert_cmpuint (warnings->len, >=, 1);
      for (guint w = 0; w < warnings->len; w++)
        {
          /* The archive's own word for an unknown kind is quoted (“…”):
           * the rest is checked */
          g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (warnings, w), "“", 2);
          const char *text = parts[0];

          g_test_message ("%s: %s", acls[i], (const char *) g_ptr_array_index (warnings, w));
          g_assert_nonnull (strstr (text, "shared with"));
          g_assert_null (strstr (text, "ACL"));
          g_assert_null (strstr (text, "Acl"));
          g_assert_null (strstr (text, "resourceName"));
          g_assert_null (strstr (text, "JSON"));
        }
    }
}

/* What the index keeps of a post (issue 13: 100,000 of them in memory):
 * every string as the JSON has it, whichever of them are absent; the url
 * not kept when the resource name says it (made again), kept when it says
 * more (a "+name") or something else. */
static void
test_post_index_strings (void)
{
  static const char *derived =
    "{\"url\": \"https://plus.google.com/117832126248716550930/posts/UgjA\","
    " \"resourceName\": \"users/117832126248716550930/posts/UgjA\","
    " \"creationTime\": \"2018-07-15 20:43:51+0000\","
    " \"album\": {\"media\": [{\"url\": \"https://lh3.example/a.jpg\", \"localFilePath\": \"a.jpg\", \"contentType\": \"image/*\"},"
    "                         {\"url\": \"https://lh3.example/b.mp4\", \"contentType\": \"video/mp4\"}]},"
    " \"media\": {\"localFilePath\": \"c.jpg\", \"contentType\": \"image/jpeg\"},"
    " \"link\": {\"title\": \"A title\", \"url\": \"https://example.org/x\"},"
    " \"resharedPost\": {\"content\": \"Their <b>text</b>\", \"url\": \"https://plus.google.com/+Bob/posts/B\","
    "                   \"resourceName\": \"users/2/posts/B\"},"
    " \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}";
  static const char *vanity =
    "{\"url\": \"https://plus.google.com/+AdaLovelace/posts/UgjA\","
    " \"resourceName\": \"users/117832126248716550930/posts/UgjA\","
    " \"content\": \"\","
    " \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPost) post = gpm_post_new_from_data ("d.json", derived, -1, &error);
  g_autoptr(GpmPost) plus = NULL;
  g_autoptr(GpmPost) simple = NULL;
  g_autofree char *url = NULL;
  const GpmPostMediaRef *refs;
  const char * const *files;
  const char *title, *link_url, *reshared;
  guint n_refs = 0;

  g_assert_no_error (error);
  url = gpm_post_dup_url (post);
  g_assert_cmpstr (url, ==, "https://plus.google.com/117832126248716550930/posts/UgjA");
  g_assert_cmpstr (gpm_post_get_url (post), ==, url);
  g_assert_true (gpm_post_get_url (post) == gpm_post_get_url (post));  /* made once, kept */
  g_assert_cmpstr (gpm_post_get_resource_name (post), ==, "users/117832126248716550930/posts/UgjA");
  g_assert_cmpstr (gpm_post_get_content (post), ==, "");
  gpm_post_get_search_parts (post, &title, &link_url, &reshared);
  g_assert_cmpstr (title, ==, "A title");
  g_assert_cmpstr (link_url, ==, "https://example.org/x");
  g_assert_cmpstr (reshared, ==, "Their <b>text</b>");
  g_assert_cmpint (gpm_post_get_attachments (post) & GPM_POST_MEDIA_IS_VIDEO, ==, 0);

  /* the album's items, then the single media; their files' names */
  refs = gpm_post_get_media_refs (post, &n_refs);
  g_assert_cmpuint (n_refs, ==, 3);
  g_assert_cmpstr (refs[0].local_file_path, ==, "a.jpg");
  g_assert_cmpstr (refs[0].url, ==, "https://lh3.example/a.jpg");
  g_assert_false (refs[0].video);
  g_assert_null (refs[1].local_file_path);
  g_assert_cmpstr (refs[1].url, ==, "https://lh3.example/b.mp4");
  g_assert_true (refs[1].video);
  g_assert_cmpstr (refs[2].local_file_path, ==, "c.jpg");
  g_assert_null (refs[2].url);
  files = gpm_post_get_media_files (post, FALSE);
  g_assert_cmpuint (g_strv_length ((char **) files), ==, 3);
  g_assert_cmpstr (files[0], ==, "a.jpg");
  g_assert_cmpstr (files[1], ==, "https://lh3.example/b.mp4");
  g_assert_cmpstr (files[2], ==, "c.jpg");
  g_assert_null (gpm_post_get_media_files (post, TRUE));

  /* the reshared post, from the full parse */
  g_assert_cmpstr (gpm_post_get_content (gpm_post_get_reshared_post (post)), ==, "Their <b>text</b>");
  g_assert_cmpstr (gpm_post_get_url (gpm_post_get_reshared_post (post)), ==, "https://plus.google.com/+Bob/posts/B");
  g_assert_cmpstr (gpm_post_get_resource_name (gpm_post_get_reshared_post (post)), ==, "users/2/posts/B");

  plus = gpm_post_new_from_data ("v.json", vanity, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gpm_post_get_url (plus), ==, "https://plus.google.com/+AdaLovelace/posts/UgjA");
  g_clear_pointer (&url, g_free);
  url = gpm_post_dup_url (plus);
  g_assert_cmpstr (url, ==, "https://plus.google.com/+AdaLovelace/posts/UgjA");
  g_assert_cmpstr (gpm_post_get_content (plus), ==, "");
  gpm_post_get_search_parts (plus, &title, &link_url, &reshared);
  g_assert_null (title);
  g_assert_null (link_url);
  g_assert_null (reshared);
  g_assert_null (gpm_post_get_media_refs (plus, &n_refs));
  g_assert_cmpuint (n_refs, ==, 0);
  g_assert_null (gpm_post_get_media_files (plus, FALSE));

  /* another post id in the url than in the resource name: kept as it is */
  simple = gpm_post_new_from_data ("a.json", simple_post, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gpm_post_get_url (simple), ==, "https://plus.google.com/117832126248716550930/posts/UgjyOA5tNBv");
  g_assert_cmpstr (gpm_post_get_resource_name (simple), ==, "users/117832126248716550930/posts/UgjyOA5tNBvbgHgCoAEC");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/post/simple", test_post_simple);
  g_test_add_func ("/post/acl-kinds", test_post_acl_kinds);
  g_test_add_func ("/post/acl-real-shapes", test_post_acl_real_shapes);
  g_test_add_func ("/post/bom", test_post_bom);
  g_test_add_func ("/post/bad-input", test_post_bad_input);
  g_test_add_func ("/post/kept-and-said", test_post_kept_and_said);
  g_test_add_func ("/post/warnings-in-words", test_post_warnings_in_words);
  g_test_add_func ("/post/author-id", test_post_author_id);
  g_test_add_func ("/post/index-strings", test_post_index_strings);
  g_test_add_func ("/scope/format", test_scope_format);
  return g_test_run ();
}
