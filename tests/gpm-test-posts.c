/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-test-posts"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <json-glib/json-glib.h>

#include "gpm-test-posts.h"

/* A valid 1×1 PNG. */
static const guint8 png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
  0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
  0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
  0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static const char *acl_json[] = {
  [GPM_TEST_ACL_PUBLIC] = "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}",
  [GPM_TEST_ACL_COMMUNITY] = "{\"communityAcl\": {\"community\": {\"resourceName\": \"communities/9\", \"displayName\": \"Pi\"}}}",
  [GPM_TEST_ACL_CIRCLE_FAMILY] = "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\","
                                 " \"resourceName\": \"circles/fam\", \"displayName\": \"Family\"}]}}",
  [GPM_TEST_ACL_YOUR_CIRCLES] = "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_YOUR_CIRCLES\"}]}}",
  [GPM_TEST_ACL_USER] = "{\"visibleToStandardAcl\": {\"users\": [{\"resourceName\": \"users/77\", \"displayName\": \"Bo\"}]}}",
  [GPM_TEST_ACL_COLLECTION] = "{\"collectionAcl\": {\"collection\": {\"resourceName\": \"collections/c1\", \"displayName\": \"Cats\"}}}",
};

GpmPost *
gpm_test_post_new (const char *id,
                   const char *created,
                   const char *content,
                   GpmTestAcl  acl,
                   guint       n_photos)
{
  return gpm_test_post_new_commented (id, created, content, acl, n_photos, 0, 0);
}

GpmPost *
gpm_test_post_new_commented (const char *id,
                             const char *created,
                             const char *content,
                             GpmTestAcl  acl,
                             guint       n_photos,
                             guint       n_own,
                             guint       n_others)
{
  g_autoptr(GString) json = g_string_new ("{");
  g_autoptr(JsonNode) text = json_node_init_string (json_node_alloc (), content);
  g_autofree char *quoted = json_to_string (text, FALSE);
  g_autofree char *entry = g_strdup_printf ("Takeout/Google+ Stream/Posts/%s.json", id);
  g_autoptr(GError) error = NULL;
  GpmPost *post;

  g_string_append_printf (json,
                          "\"creationTime\": \"%s\","
                          "\"author\": {\"displayName\": \"Ada\", \"resourceName\": \"users/1\"},"
                          "\"resourceName\": \"users/1/posts/%s\","
                          "\"content\": %s,",
                          created, id, quoted);
  if (n_photos == 1)
    g_string_append_printf (json, "\"media\": {\"url\": \"https://lh3.example/%s-0.jpg\", \"contentType\": \"image/*\","
                                  " \"localFilePath\": \"%s-0.png\"},", id, id);
  else if (n_photos > 1)
    {
      g_string_append (json, "\"album\": {\"media\": [");
      for (guint i = 0; i < n_photos; i++)
        g_string_append_printf (json, "%s{\"url\": \"https://lh3.example/%s-%u.jpg\", \"contentType\": \"image/*\","
                                      " \"localFilePath\": \"%s-%u.png\"}",
                                i > 0 ? "," : "", id, i, id, i);
      g_string_append (json, "]},");
    }
  if (n_own + n_others > 0)
    {
      g_string_append (json, "\"comments\": [{\"author\": {\"resourceName\": \"users/1\"}, \"content\": \"\"}");
      for (guint i = 0; i < n_own + n_others; i++)
        g_string_append_printf (json, ", {\"creationTime\": \"%s\", \"author\": {\"displayName\": \"%s\", \"resourceName\": \"%s\"},"
                                      " \"content\": \"Comment %u on %s\"}",
                                created, i < n_own ? "Ada" : "Bo", i < n_own ? "users/1" : "users/2", i, id);
      g_string_append (json, "],");
    }
  g_string_append_printf (json, "\"postAcl\": %s}", acl_json[acl]);
  post = gpm_post_new_from_data (entry, json->str, -1, &error);
  g_assert_no_error (error);
  return post;
}

GPtrArray *
gpm_test_posts_new (guint n)
{
  static const GpmTestAcl acls[] = {
    GPM_TEST_ACL_PUBLIC, GPM_TEST_ACL_COMMUNITY, GPM_TEST_ACL_CIRCLE_FAMILY, GPM_TEST_ACL_USER,
    GPM_TEST_ACL_YOUR_CIRCLES, GPM_TEST_ACL_COLLECTION, GPM_TEST_ACL_PUBLIC,
  };
  GPtrArray *posts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("k%03u", i);
      g_autofree char *created = g_strdup_printf ("2018-%02u-%02u %02u:00:00+0000",
                                                  1 + i / 28 % 12, 1 + i % 28, i % 24);
      g_autofree char *content = g_strdup_printf ("Post %u: *stars* &amp; <b>bold</b><br>line two", i);
      guint n_photos = i % 4 == 3 ? 2 : i % 3 == 1 ? 1 : 0;

      g_ptr_array_add (posts, gpm_test_post_new (id, created, content, acls[i % G_N_ELEMENTS (acls)], n_photos));
    }
  return posts;
}

void
gpm_test_posts_map_aspects (GpmMigrator *migrator)
{
  gpm_migrator_map_scope (migrator, "circles/fam", "Family");
  gpm_migrator_map_scope (migrator, "CIRCLES", "Friends");
}

void
gpm_test_posts_add_photos (GpmPost   *post,
                           GPtrArray *photos)
{
  const GpmMedia *media = gpm_post_get_media (post);
  GPtrArray *album = gpm_post_get_album (post);

  if (media != NULL && media->local_file_path != NULL)
    g_ptr_array_add (photos, g_strdup (media->local_file_path));
  for (guint i = 0; album != NULL && i < album->len; i++)
    g_ptr_array_add (photos, g_strdup (((GpmMedia *) g_ptr_array_index (album, i))->local_file_path));
}

char *
gpm_test_posts_convert (GpmPost    *post,
                        GPtrArray  *photos,
                        gpointer    user_data,
                        GError    **error)
{
  gpm_test_posts_add_photos (post, photos);
  return g_strdup_printf ("%s\n\n#repost #gplusarchive\nOriginally %s", gpm_post_get_content (post),
                          gpm_journal_post_key (post));
}

char *
gpm_test_posts_convert_long (GpmPost    *post,
                             GPtrArray  *photos,
                             gpointer    user_data,
                             GError    **error)
{
  g_autofree char *text = gpm_test_posts_convert (post, photos, user_data, error);
  const char *k = strrchr (gpm_journal_post_key (post), 'k');
  guint index = k ? (guint) g_ascii_strtoull (k + 1, NULL, 10) : 0;
  GString *s;

  if (index % 8 != 2)
    return g_steal_pointer (&text);
  s = g_string_new (NULL);
  for (guint p = 0; p < 240; p++)
    {
      g_string_append_printf (s, "Paragraph %u of k%03u:", p, index);
      for (guint w = 0; w < 140; w++)
        g_string_append_printf (s, " w%u", (p * 7 + w) % 1000);
      g_string_append (s, "\n\n");
    }
  g_string_append (s, text);
  return g_string_free (s, FALSE);
}

GBytes *
gpm_test_posts_read (GpmPost     *post,
                     const char  *photo,
                     gpointer     user_data,
                     GError     **error)
{
  return g_bytes_new_static (png, sizeof png);
}

gsize
gpm_test_posts_photo_size (void)
{
  return sizeof png;
}

const char *
gpm_test_posts_expected_audience (GpmPost *post)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);

  /* the plan's own rule (a closed community's post is not public) */
  if (gpm_post_is_essentially_public (post))
    return "public";
  for (guint i = 0; i < scopes->len; i++)
    {
      const char *key = gpm_scope_get_key (g_ptr_array_index (scopes, i));

      if (g_strcmp0 (key, "circles/fam") == 0)
        return "Family";
      if (g_strcmp0 (key, "CIRCLES") == 0)
        return "Friends";
    }
  return NULL;
}

guint
gpm_test_posts_n_photos (GpmPost *post)
{
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = gpm_test_posts_convert (post, photos, NULL, NULL);

  return photos->len;
}

GPtrArray *
gpm_test_posts_comments (GpmPost     *post,
                         gpointer     user_data,
                         GError     **error)
{
  const char *key = gpm_journal_post_key (post);
  const char *k = strrchr (key, 'k');
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  guint index = k ? (guint) g_ascii_strtoull (k + 1, NULL, 10) : 1;

  if (index % 3 == 0)
    for (guint i = 0; i < 3; i++)
      g_ptr_array_add (texts, g_strdup_printf ("Own comment %u on k%03u", i + 1, index));
  return texts;
}

GSettingsSchema *
gpm_test_lookup_app_schema (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "..", "data", NULL);
  g_autoptr(GSettingsSchemaSource) source = g_settings_schema_source_new_from_directory (dir, NULL, FALSE, NULL);
  GSettingsSchema *schema;

  if (source == NULL)
    {
      g_test_skip ("the compiled GSettings schema is not in the build tree");
      return NULL;
    }
  schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);
  g_assert_nonnull (schema);
  return schema;
}

GSettings *
gpm_test_app_settings_new (void)
{
  g_autoptr(GSettingsSchema) schema = gpm_test_lookup_app_schema ();
  g_autoptr(GSettingsBackend) backend = NULL;

  if (schema == NULL)
    return NULL;
  backend = g_memory_settings_backend_new ();
  return g_settings_new_full (schema, backend, NULL);
}

void
gpm_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          gpm_test_remove_tree (child);
        }
    }
  g_remove (path);
}
