/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-comments"

#include "config.h"

#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>
#include <time.h>

#include "gpm-comments.h"
#include "gpm-links.h"

/* A post's JSON is never larger than this (the importer refuses larger). */
#define MAX_POST_JSON (64 * 1024 * 1024)

void
gpm_own_comment_free (GpmOwnComment *comment)
{
  if (comment == NULL)
    return;
  g_free (comment->content);
  g_clear_pointer (&comment->created, g_date_time_unref);
  g_free (comment->resource_name);
  g_free (comment);
}

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  n = json_object_get_member (o, name);
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static JsonObject *
member_object (JsonObject *o,
               const char *name)
{
  if (o == NULL || !json_object_has_member (o, name) ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, name)))
    return NULL;
  return json_object_get_object_member (o, name);
}

/* "2018-07-15 20:43:51+0000", as Takeout writes times. */
static GDateTime *
parse_time (const char *s)
{
  g_autoptr(GString) iso = NULL;

  if (s == NULL || strlen (s) < 19)
    return NULL;
  iso = g_string_new (s);
  if (iso->str[10] == ' ')
    iso->str[10] = 'T';
  if (iso->len >= 5 && (iso->str[iso->len - 5] == '+' || iso->str[iso->len - 5] == '-') &&
      strchr (iso->str + iso->len - 5, ':') == NULL)
    g_string_insert_c (iso, iso->len - 2, ':');
  return g_date_time_new_from_iso8601 (iso->str, NULL);
}

GPtrArray *
gpm_comments_parse_own (const char  *json,
                        gssize       len,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_own_comment_free);
  JsonNode *root;
  JsonObject *post, *author;
  JsonArray *comments;
  const char *owner_id, *owner_page;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_steal_pointer (&own);
  post = json_node_get_object (root);
  author = member_object (post, "author");
  owner_id = member_string (author, "resourceName");
  owner_page = member_string (author, "profilePageUrl");
  if ((owner_id == NULL || *owner_id == '\0') && (owner_page == NULL || *owner_page == '\0'))
    return g_steal_pointer (&own);  /* nobody to recognise */
  if (!json_object_has_member (post, "comments") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (post, "comments")))
    return g_steal_pointer (&own);

  comments = json_object_get_array_member (post, "comments");
  for (guint i = 0; i < json_array_get_length (comments); i++)
    {
      JsonNode *n = json_array_get_element (comments, i);
      JsonObject *c, *by;
      const char *id, *page;
      GpmOwnComment *oc;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      c = json_node_get_object (n);
      by = member_object (c, "author");
      id = member_string (by, "resourceName");
      page = member_string (by, "profilePageUrl");
      if (owner_id != NULL && *owner_id != '\0'
          ? g_strcmp0 (id, owner_id) != 0
          : (id != NULL || g_strcmp0 (page, owner_page) != 0))
        continue;
      oc = g_new0 (GpmOwnComment, 1);
      oc->content = g_strdup (member_string (c, "content") ? member_string (c, "content") : "");
      oc->created = parse_time (member_string (c, "creationTime"));
      oc->resource_name = g_strdup (member_string (c, "resourceName"));
      g_ptr_array_add (own, oc);
    }
  return g_steal_pointer (&own);
}

GPtrArray *
gpm_comments_read_own (GpmTakeout  *takeout,
                       GpmPost     *post,
                       GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (GPM_IS_TAKEOUT (takeout), NULL);
  g_return_val_if_fail (GPM_IS_POST (post), NULL);

  if (gpm_post_get_n_comments (post) == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_own_comment_free);
  bytes = gpm_takeout_read_entry (takeout, gpm_post_get_entry_name (post), MAX_POST_JSON, NULL, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  /* Takeout sometimes starts a file with a byte order mark. */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  return gpm_comments_parse_own (data, (gssize) len, error);
}

static char *
date_line (GDateTime *date)
{
  static gsize once = 0;
  static locale_t c_locale;
  struct tm tm = { 0 };
  char buf[256];

  if (g_once_init_enter (&once))
    {
      c_locale = newlocale (LC_TIME_MASK, "C", (locale_t) 0);
      g_once_init_leave (&once, 1);
    }
  tm.tm_year = g_date_time_get_year (date) - 1900;
  tm.tm_mon = g_date_time_get_month (date) - 1;
  tm.tm_mday = g_date_time_get_day_of_month (date);
  tm.tm_wday = g_date_time_get_day_of_week (date) % 7;
  tm.tm_yday = g_date_time_get_day_of_year (date) - 1;
  if (strftime_l (buf, sizeof buf, GPM_COMMENTS_DATE_FORMAT, &tm, c_locale) == 0)
    return NULL;
  return g_strdup (buf);
}

char *
gpm_comments_to_markdown (const GpmOwnComment      *comment,
                          const GpmConvertSettings *settings)
{
  g_autoptr(GpmConvertSettings) defaults = NULL;
  g_autofree char *md = NULL;
  g_autofree char *date = NULL;
  char *text;

  g_return_val_if_fail (comment != NULL, NULL);

  if (settings == NULL)
    settings = defaults = gpm_convert_settings_new ();
  md = gpm_convert_html_to_markdown (comment->content ? comment->content : "", settings->inline_links);
  g_strstrip (md);
  if (*md == '\0')
    return NULL;
  if (settings->archive_links || settings->own_post_lookup != NULL)
    {
      char *rewritten = gpm_links_rewrite (settings->links, md, settings->archive_links,
                                           settings->own_post_lookup, settings->own_post_lookup_data);
      g_free (md);
      md = rewritten;
    }
  date = comment->created ? date_line (comment->created) : NULL;
  text = date ? g_strconcat (md, "\n\n", date, NULL) : g_strdup (md);
  return text;
}

GPtrArray *
gpm_comments_convert (GPtrArray                *comments,
                      const GpmConvertSettings *settings)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; comments != NULL && i < comments->len; i++)
    {
      char *text = gpm_comments_to_markdown (g_ptr_array_index (comments, i), settings);

      if (text != NULL)
        g_ptr_array_add (texts, text);
    }
  return texts;
}
