/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod-posts.c: what requests carry and answers hold, for both
 * backends.
 *
 * The boxed value types of gpm-pod.h; the bodies both backends build (forms
 * that are wiped when freed, file parts every rack parses); reading values
 * out of diaspora's JSON (the web front end's and API v1's answers differ
 * in names, not in meaning); the answers to a post, a comment or a delete
 * request, which both backends judge the same way (what counts as saved,
 * as refused, as uncertain); and "did it get created?": finding a post
 * again among the account's own by its text as diaspora gives it back
 * (plain_text_for_json).
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-pod-private.h"

/* ------------------------------------------------------------ value types */

G_DEFINE_BOXED_TYPE (GpmPodInfo, gpm_pod_info, gpm_pod_info_ref, gpm_pod_info_unref)

GpmPodInfo *
gpm_pod_info_ref (GpmPodInfo *info)
{
  return g_atomic_rc_box_acquire (info);
}

static void
info_clear (gpointer data)
{
  GpmPodInfo *info = data;

  g_free (info->software_name);
  g_free (info->software_version);
  g_free (info->node_name);
}

void
gpm_pod_info_unref (GpmPodInfo *info)
{
  g_atomic_rc_box_release_full (info, info_clear);
}

G_DEFINE_BOXED_TYPE (GpmPodAspect, gpm_pod_aspect, gpm_pod_aspect_ref, gpm_pod_aspect_unref)

GpmPodAspect *
gpm_pod_aspect_new (gint64 id, const char *name)
{
  GpmPodAspect *a = g_atomic_rc_box_new0 (GpmPodAspect);

  a->id = id;
  a->name = g_strdup (name);
  return a;
}

GpmPodAspect *
gpm_pod_aspect_ref (GpmPodAspect *aspect)
{
  return g_atomic_rc_box_acquire (aspect);
}

static void
aspect_clear (gpointer data)
{
  GpmPodAspect *aspect = data;

  g_free (aspect->name);
}

void
gpm_pod_aspect_unref (GpmPodAspect *aspect)
{
  g_atomic_rc_box_release_full (aspect, aspect_clear);
}

G_DEFINE_BOXED_TYPE (GpmPodDraft, gpm_pod_draft, gpm_pod_draft_copy, gpm_pod_draft_free)

GpmPodDraft *
gpm_pod_draft_new (const char *text)
{
  GpmPodDraft *d = g_new0 (GpmPodDraft, 1);

  d->text = g_strdup (text ? text : "");
  d->aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  d->photo_ids = g_ptr_array_new_with_free_func (g_free);
  d->poll_answers = g_ptr_array_new_with_free_func (g_free);
  d->provider_display_name = g_strdup (GPM_POD_DEFAULT_PROVIDER);
  return d;
}

static GPtrArray *
strv_array_copy (GPtrArray *src)
{
  GPtrArray *dst = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; src && i < src->len; i++)
    g_ptr_array_add (dst, g_strdup (g_ptr_array_index (src, i)));
  return dst;
}

GpmPodDraft *
gpm_pod_draft_copy (const GpmPodDraft *draft)
{
  GpmPodDraft *d = g_new0 (GpmPodDraft, 1);

  d->text = g_strdup (draft->text);
  d->is_public = draft->is_public;
  d->aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (draft->aspect_ids)
    g_array_append_vals (d->aspect_ids, draft->aspect_ids->data, draft->aspect_ids->len);
  d->photo_ids = strv_array_copy (draft->photo_ids);
  d->poll_question = g_strdup (draft->poll_question);
  d->poll_answers = strv_array_copy (draft->poll_answers);
  d->location_address = g_strdup (draft->location_address);
  d->has_coordinates = draft->has_coordinates;
  d->latitude = draft->latitude;
  d->longitude = draft->longitude;
  d->provider_display_name = g_strdup (draft->provider_display_name);
  return d;
}

void
gpm_pod_draft_free (GpmPodDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->text);
  g_clear_pointer (&draft->aspect_ids, g_array_unref);
  g_clear_pointer (&draft->photo_ids, g_ptr_array_unref);
  g_free (draft->poll_question);
  g_clear_pointer (&draft->poll_answers, g_ptr_array_unref);
  g_free (draft->location_address);
  g_free (draft->provider_display_name);
  g_free (draft);
}

G_DEFINE_BOXED_TYPE (GpmPodPost, gpm_pod_post, gpm_pod_post_ref, gpm_pod_post_unref)

GpmPodPost *
gpm_pod_post_ref (GpmPodPost *post)
{
  return g_atomic_rc_box_acquire (post);
}

static void
post_clear (gpointer data)
{
  GpmPodPost *post = data;

  g_free (post->id);
  g_free (post->guid);
  g_free (post->text);
  g_clear_pointer (&post->created_at, g_date_time_unref);
}

void
gpm_pod_post_unref (GpmPodPost *post)
{
  g_atomic_rc_box_release_full (post, post_clear);
}

/* ------------------------------------------------------------------ aspects */

GpmPodAspect *
gpm_pod_aspect_from_json (JsonNode *n)
{
  g_autofree char *id = NULL;
  const char *name;

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  id = gpm_pod_json_id (json_node_get_object (n), "id");
  name = gpm_pod_json_string (json_node_get_object (n), "name", NULL);
  if (id == NULL || name == NULL)
    return NULL;
  return gpm_pod_aspect_new (g_ascii_strtoll (id, NULL, 10), name);
}

GPtrArray *
gpm_pod_aspects_from_json (JsonArray *arr)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_aspect_unref);

  for (guint i = 0; arr && i < json_array_get_length (arr); i++)
    {
      GpmPodAspect *aspect = gpm_pod_aspect_from_json (json_array_get_element (arr, i));

      if (aspect != NULL)
        g_ptr_array_add (out, aspect);
    }
  return out;
}

/* -------------------------------------------------------------------- posts */

static GDateTime *
parse_time (JsonObject *o, const char *name)
{
  const char *s = gpm_pod_json_string (o, name, NULL);

  return s ? g_date_time_new_from_iso8601 (s, NULL) : NULL;
}

/* A post; its guid, or its id when the pod gave no guid. */
GpmPodPost *
gpm_pod_post_from_json (JsonObject *o)
{
  GpmPodPost *p;
  const char *guid = gpm_pod_json_string (o, "guid", NULL);
  g_autofree char *id = gpm_pod_json_id (o, "id");

  if (guid == NULL && id == NULL)
    return NULL;
  p = g_atomic_rc_box_new0 (GpmPodPost);
  p->id = g_steal_pointer (&id);
  p->guid = g_strdup (guid ? guid : p->id);
  p->text = g_strdup (gpm_pod_json_string (o, "text", "body"));
  p->is_public = gpm_pod_json_bool (o, "public", FALSE);
  p->created_at = parse_time (o, "created_at");
  /* post_presenter.rb build_photos_json: one object per attached photo */
  p->n_photos = json_object_has_member (o, "photos") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "photos"))
    ? (gint) json_array_get_length (json_object_get_array_member (o, "photos")) : -1;
  return p;
}

/* A latitude or longitude as sent to the pod: fixed precision (6 decimals,
 * about 10 cm), never the binary noise of %.17g ("51.789200000000001"). */
const char *
gpm_pod_format_coordinate (char   buf[G_ASCII_DTOSTR_BUF_SIZE],
                           double value)
{
  return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.6f", value);
}
gboolean
gpm_pod_json_is_by (JsonObject *o, const char *guid, const char *diaspora_id)
{
  JsonObject *author;
  const char *value;

  if (!json_object_has_member (o, "author") || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "author")))
    return FALSE;
  author = json_object_get_object_member (o, "author");
  if (guid && (value = gpm_pod_json_string (author, "guid", NULL)))
    return g_str_equal (value, guid);
  value = gpm_pod_json_string (author, "diaspora_id", "diasporaId");
  return value && diaspora_id && g_ascii_strcasecmp (value, diaspora_id) == 0;
}


/* ------------------------------------------------- request bodies, JSON */

char *
gpm_pod_upload_file_name (const char *filename)
{
  const char *base = filename ? filename : "";
  g_autofree char *ascii = NULL;
  g_autofree char *ext = NULL;
  GString *out = g_string_new (NULL);
  char *dot;

  for (const char *p = base; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  /* "Été à Paris(1).jpg" → "Ete a Paris(1).jpg" */
  ascii = g_str_to_ascii (base, "C");
  dot = strrchr (ascii, '.');
  if (dot && dot != ascii && dot[1] != '\0' && strlen (dot + 1) <= 8)
    {
      gboolean alnum = TRUE;

      for (const char *p = dot + 1; *p; p++)
        alnum = alnum && g_ascii_isalnum (*p);
      if (alnum)
        {
          ext = g_ascii_strdown (dot + 1, -1);
          *dot = '\0';
        }
    }
  for (const char *p = ascii; *p && out->len < 100; p++)
    {
      char c = g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '_';

      if (c == '_' && (out->len == 0 || out->str[out->len - 1] == '_'))
        continue;
      g_string_append_c (out, c);
    }
  while (out->len > 0 && (out->str[out->len - 1] == '_' || out->str[out->len - 1] == '.'))
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "photo");
  if (ext)
    g_string_append_printf (out, ".%s", ext);
  return g_string_free (out, FALSE);
}

const char *
gpm_pod_photo_type_extension (const char *content_type)
{
  static const struct { const char *type, *ext; } types[] = {
    { "image/jpeg", "jpg" }, { "image/pjpeg", "jpg" }, { "image/png", "png" }, { "image/gif", "gif" },
  };

  for (guint i = 0; content_type != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strcasecmp (content_type, types[i].type) == 0)
      return types[i].ext;
  return NULL;
}

char *
gpm_pod_photo_file_name (const char *filename,
                         const char *content_type)
{
  static const char *const allowed[] = { GPM_POD_PHOTO_EXTENSIONS };
  const char *name = filename != NULL && *filename != '\0' ? filename : "photo";
  const char *dot = strrchr (name, '.');
  const char *ext;
  gboolean short_ext = dot != NULL && dot != name && dot[1] != '\0' && strlen (dot + 1) <= 5;

  for (const char *p = dot != NULL ? dot + 1 : ""; short_ext && *p != '\0'; p++)
    short_ext = g_ascii_isalnum (*p);
  for (guint i = 0; short_ext && i < G_N_ELEMENTS (allowed); i++)
    if (g_ascii_strcasecmp (dot + 1, allowed[i]) == 0)
      return g_strdup (name);
  ext = gpm_pod_photo_type_extension (content_type);
  if (ext == NULL)
    return g_strdup (name);
  if (short_ext)
    return g_strdup_printf ("%.*s.%s", (int) (dot - name), name, ext);
  return g_strdup_printf ("%s.%s", name, ext);
}

/* A file part whose Content-Disposition every rack parses. libsoup writes
 * only filename*=UTF-8''… for a name that is not ASCII, leaving "(", ")"
 * and "'" unescaped; rack 2.2 (what diaspora pins) then does not see a file
 * at all (Rack::Multipart::Parser#get_filename: the RFC 2183 form must match
 * whole, and filename*= may hold only RFC 2231 attribute characters) and
 * the pod answers 500 (web) or 422 (API). A plain quoted ASCII name of
 * letters, digits, "-", "_" and "." is read the same by every parser; the
 * pod renames stored photos anyway. */
void
gpm_pod_multipart_append_file (SoupMultipart *mp,
                               const char    *name,
                               const char    *filename,
                               const char    *content_type,
                               GBytes        *data)
{
  g_autoptr(SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autofree char *safe = gpm_pod_upload_file_name (filename);
  g_autofree char *disposition = g_strdup_printf ("form-data; name=\"%s\"; filename=\"%s\"", name, safe);

  soup_message_headers_replace (h, "Content-Disposition", disposition);
  soup_message_headers_replace (h, "Content-Type", content_type ? content_type : "application/octet-stream");
  soup_multipart_append_part (mp, h, data);
}
const char *
gpm_pod_json_string (JsonObject *o, const char *a, const char *b)
{
  const char *names[] = { a, b };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *n;

      if (names[i] == NULL || !json_object_has_member (o, names[i]))
        continue;
      n = json_object_get_member (o, names[i]);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        return json_node_get_string (n);
    }
  return NULL;
}

/* id as text, whether the JSON has a number or a string */
char *
gpm_pod_json_id (JsonObject *o, const char *name)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  n = json_object_get_member (o, name);
  if (!JSON_NODE_HOLDS_VALUE (n))
    return NULL;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
  if (json_node_get_value_type (n) == G_TYPE_STRING && *json_node_get_string (n))
    return g_strdup (json_node_get_string (n));
  return NULL;
}
gboolean
gpm_pod_json_bool (JsonObject *o, const char *name, gboolean fallback)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return fallback;
  n = json_object_get_member (o, name);
  if (!JSON_NODE_HOLDS_VALUE (n))
    return fallback;
  if (json_node_get_value_type (n) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (n);
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (n), "true") == 0;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return json_node_get_int (n) != 0;
  return fallback;
}

GBytes *
gpm_pod_json_body (const char *key, const char *value)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *json;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  return g_bytes_new_take (json, strlen (json));
}

GBytes *
gpm_pod_form_body (const char *first_key, ...)
{
  GString *s = g_string_new (NULL);
  va_list args;
  const char *key = first_key;

  va_start (args, first_key);
  while (key)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        {
          if (s->len)
            g_string_append_c (s, '&');
          g_string_append_uri_escaped (s, key, NULL, FALSE);
          g_string_append_c (s, '=');
          g_string_append_uri_escaped (s, value, NULL, FALSE);
        }
      key = va_arg (args, const char *);
    }
  va_end (args);
  {
    gsize len = s->len;
    char *data = g_string_free (s, FALSE);
    /* forms carry passwords and tokens: wiped when released */
    return g_bytes_new_with_free_func (data, len, (GDestroyNotify) gpm_pod_secret_free, data);
  }
}

/* ------------------------------------------------------ answers to requests */

GpmPodPost *
gpm_pod_send_post (GpmPod               *self,
                   GpmPodRequest        *req,
                   const GpmPodDraft    *draft,
                   gboolean              needs_created_at,
                   GCancellable         *cancellable,
                   GError              **error)
{
  GpmPodReply reply = { 0 };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  GpmPodPost *post;

  if (!gpm_pod_http_send_authed (self, req, &reply, cancellable, error))
    return NULL;
  if (reply.status >= 400)
    {
      gpm_pod_set_rejected (error, &reply);
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  node = gpm_pod_reply_json (&reply);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      gpm_pod_set_protocol (error, reply.status, _("no post in the answer"));
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  o = json_node_get_object (node);
  /* "{}" (or an object naming no post at all) is no diaspora answer: from a
   * proxy or a cache, the post may well have been saved */
  if (!json_object_has_member (o, "id") && !json_object_has_member (o, "guid")
      && !json_object_has_member (o, "created_at"))
    {
      gpm_pod_set_protocol (error, reply.status, _("an empty answer"));
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  /* diaspora renders an unsaved post (validation failed, e.g. over-long text)
   * with "id": null (web) or without created_at (API) */
  if ((json_object_has_member (o, "id") && json_node_is_null (json_object_get_member (o, "id")))
      || (gpm_pod_json_string (o, "guid", NULL) == NULL && !json_object_has_member (o, "id"))
      || (needs_created_at && !json_object_has_member (o, "created_at")
          && !json_object_has_member (o, "id")))
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_TEXT_TOO_LONG, reply.status, 0,
                         _("The pod did not store the post (diaspora* does this with posts it finds too "
                           "long; this one has %ld characters). It was not posted."),
                         g_utf8_strlen (draft->text, -1));
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  post = gpm_pod_post_from_json (o);
  if (post == NULL)
    {
      gpm_pod_set_protocol (error, reply.status, _("no post in the answer"));
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  if (post->text == NULL)
    post->text = g_strdup (draft->text);
  /* learn the account's guid from its first post when the pages had none */
  if (json_object_has_member (o, "author") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "author")))
    {
      const char *author = gpm_pod_json_string (json_object_get_object_member (o, "author"), "guid", NULL);

      g_mutex_lock (&self->lock);
      if (self->user_guid == NULL && author)
        self->user_guid = g_strdup (author);
      g_mutex_unlock (&self->lock);
    }
  gpm_pod_reply_clear (&reply);
  return post;
}

gboolean
gpm_pod_send_delete (GpmPod               *self,
                     GpmPodRequest        *req,
                     GCancellable         *cancellable,
                     GError              **error)
{
  GpmPodReply reply = { 0 };
  gboolean ok = TRUE;

  if (!gpm_pod_http_send_authed (self, req, &reply, cancellable, error))
    return FALSE;
  /* 404: already gone (deleted by an earlier try whose answer was lost) */
  if (reply.status >= 400 && reply.status != 404)
    {
      gpm_pod_set_rejected (error, &reply);
      ok = FALSE;
    }
  gpm_pod_reply_clear (&reply);
  return ok;
}

/* API v1's answer to a token without a scope the request needs:
 * Api::OpenidConnect::ProtectedResourceEndpoint#require_access_token
 * raises Bearer::Forbidden.new(:insufficient_scope), answered 403
 * {"code":403,"message":"insufficient_scope"} by Api::V1::BaseController
 * (lib/api/openid_connect/protected_resource_endpoint.rb:32,
 * app/controllers/api/v1/base_controller.rb:25 at v0.9.1.0) */
static gboolean
reply_is_insufficient_scope (const GpmPodReply *reply,
                             JsonNode          *node)
{
  return reply->status == 403 && node != NULL && JSON_NODE_HOLDS_OBJECT (node)
         && g_strcmp0 (gpm_pod_json_string (json_node_get_object (node), "message", NULL), "insufficient_scope") == 0;
}

GpmPodAspect *
gpm_pod_send_create_aspect (GpmPod         *self,
                            GpmPodRequest  *req,
                            GCancellable   *cancellable,
                            GError        **error)
{
  GpmPodReply reply = { 0 };
  g_autoptr(JsonNode) node = NULL;
  GpmPodAspect *aspect = NULL;

  if (!gpm_pod_http_send_authed (self, req, &reply, cancellable, error))
    return NULL;
  node = gpm_pod_reply_json (&reply);
  if (reply_is_insufficient_scope (&reply, node))
    gpm_pod_set_error (error, GPM_POD_ERROR_NOT_PERMITTED, reply.status, 0,
                       _("Your sign-in does not allow creating aspects yet (it was given before GPlus Migrate "
                         "asked for that). Sign in to the pod again to allow it."));
  else if (reply.status >= 400)
    gpm_pod_set_rejected (error, &reply);
  else if ((aspect = gpm_pod_aspect_from_json (node)) == NULL)
    gpm_pod_set_protocol (error, reply.status, _("no aspect"));
  gpm_pod_reply_clear (&reply);
  return aspect;
}

GpmPodPost *
gpm_pod_send_comment (GpmPod               *self,
                      GpmPodRequest        *req,
                      const char           *text,
                      GCancellable         *cancellable,
                      GError              **error)
{
  GpmPodReply reply = { 0 };
  g_autoptr(JsonNode) node = NULL;
  GpmPodPost *comment;

  if (!gpm_pod_http_send_authed (self, req, &reply, cancellable, error))
    return NULL;
  node = gpm_pod_reply_json (&reply);
  if (reply_is_insufficient_scope (&reply, node))
    {
      /* Api::V1::CommentsController#create wants the interactions scope
       * (app/controllers/api/v1/comments_controller.rb:10-12 at v0.9.1.0),
       * which tokens from before this client asked for it lack */
      gpm_pod_set_error (error, GPM_POD_ERROR_NOT_PERMITTED, reply.status, 0,
                         _("Your sign-in does not allow commenting yet (it was given before GPlus Migrate "
                           "asked for that). Sign in to the pod again to allow it."));
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  if (reply.status >= 400)
    {
      gpm_pod_set_rejected (error, &reply);
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (comment = gpm_pod_post_from_json (json_node_get_object (node))) == NULL)
    {
      gpm_pod_set_protocol (error, reply.status, _("no comment in the answer"));
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  if (comment->text == NULL)
    comment->text = g_strdup (text);
  gpm_pod_reply_clear (&reply);
  return comment;
}

GPtrArray *
gpm_pod_list_comments (GpmPod             *self,
                       char               *url,
                       GpmPodRequestAuth   auth,
                       gboolean            paged,
                       GCancellable       *cancellable,
                       GError            **error)
{
  g_autoptr(GPtrArray) comments = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_post_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *guid = gpm_pod_dup_user_guid (self);
  g_autofree char *diaspora_id = gpm_pod_dup_diaspora_id (self);

  for (int page = 0; url && page < GPM_POD_MAX_PAGES; page++)
    {
      GpmPodRequest req = { "GET", g_steal_pointer (&url), auth };
      GpmPodReply reply = { 0 };
      g_autoptr(JsonNode) node = NULL;
      JsonArray *arr;
      guint added = 0;

      req.web_xhr = auth == GPM_POD_REQUEST_COOKIE;
      if (!gpm_pod_http_send_authed (self, &req, &reply, cancellable, error))
        return NULL;
      if (reply.status == 404)
        {
          gpm_pod_set_rejected (error, &reply);
          gpm_pod_reply_clear (&reply);
          return NULL;
        }
      node = gpm_pod_reply_json (&reply);
      if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          gpm_pod_set_protocol (error, reply.status, _("no list of comments"));
          gpm_pod_reply_clear (&reply);
          return NULL;
        }
      arr = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);
          GpmPodPost *c;

          if (!JSON_NODE_HOLDS_OBJECT (n) || (c = gpm_pod_post_from_json (json_node_get_object (n))) == NULL)
            continue;
          added++;
          /* a pod whose pages never named the account: the comments under
           * the account's own post, whoever wrote them (an exact text
           * including the date line is the user's anyway) */
          if (g_hash_table_contains (seen, c->guid) ||
              ((guid != NULL || diaspora_id != NULL)
               && !gpm_pod_json_is_by (json_node_get_object (n), guid, diaspora_id)))
            {
              gpm_pod_post_unref (c);
              continue;
            }
          g_hash_table_add (seen, g_strdup (c->guid));
          g_ptr_array_add (comments, c);
        }
      url = paged && added > 0 ? gpm_pod_reply_link_next (&reply) : NULL;
      gpm_pod_reply_clear (&reply);
    }
  return g_steal_pointer (&comments);
}

guint
gpm_pod_take_posts (JsonArray  *page,
                    GPtrArray  *posts,
                    GHashTable *seen,
                    guint       max_posts,
                    gboolean    filter,
                    const char *guid,
                    const char *diaspora_id,
                    gint64     *oldest)
{
  guint added = 0;

  for (guint i = 0; i < json_array_get_length (page) && posts->len < max_posts; i++)
    {
      JsonNode *n = json_array_get_element (page, i);
      GpmPodPost *p;

      if (!JSON_NODE_HOLDS_OBJECT (n) || (p = gpm_pod_post_from_json (json_node_get_object (n))) == NULL)
        continue;
      if (p->created_at)
        *oldest = MIN (*oldest, g_date_time_to_unix (p->created_at));
      if (g_hash_table_contains (seen, p->guid)
          || (filter && !gpm_pod_json_is_by (json_node_get_object (n), guid, diaspora_id)))
        {
          gpm_pod_post_unref (p);
          continue;
        }
      g_hash_table_add (seen, g_strdup (p->guid));
      g_ptr_array_add (posts, p);
      added++;
    }
  return added;
}

/* ------------------------------------------------------ did it get created? */

/* A Markdown image URL as it was before the pod's camo proxy rewrote it
 * (lib/diaspora/camo.rb: ROOT/HMAC/hex of the URL) and without percent
 * encoding (camo re-encodes it: Addressable::URI.encode(unencode(url))). */
static gboolean
canonical_image_url (const GMatchInfo *info, GString *out, gpointer user_data)
{
  static GRegex *camo;
  guint group = GPOINTER_TO_UINT (user_data);
  g_autofree char *all = g_match_info_fetch (info, 0);
  g_autofree char *url = g_match_info_fetch (info, group);
  g_autoptr(GMatchInfo) camo_info = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *unescaped = NULL;
  int start = 0, end = 0;

  if (g_once_init_enter (&camo))
    g_once_init_leave (&camo, g_regex_new ("/[0-9a-f]{40}/((?:[0-9a-f]{2})+)$", G_REGEX_OPTIMIZE, 0, NULL));
  if (g_regex_match (camo, url, 0, &camo_info))
    {
      g_autofree char *hex = g_match_info_fetch (camo_info, 1);
      GString *decoded = g_string_new (NULL);

      for (const char *h = hex; h[0] && h[1]; h += 2)
        g_string_append_c (decoded, (char) (g_ascii_xdigit_value (h[0]) * 16 + g_ascii_xdigit_value (h[1])));
      if (g_utf8_validate (decoded->str, decoded->len, NULL) && strlen (decoded->str) == decoded->len &&
          (g_str_has_prefix (decoded->str, "http") || g_str_has_prefix (decoded->str, "//")))
        plain = g_string_free (decoded, FALSE);
      else
        g_string_free (decoded, TRUE);
    }
  if (plain == NULL)
    plain = g_strdup (url);
  unescaped = g_uri_unescape_string (plain, NULL);
  if (!g_match_info_fetch_pos (info, group, &start, &end) || start < 0)
    {
      g_string_append (out, all);
      return FALSE;
    }
  {
    int all_start = 0;

    g_match_info_fetch_pos (info, 0, &all_start, NULL);
    g_string_append_len (out, all, start - all_start);
    g_string_append (out, unescaped != NULL ? unescaped : plain);
    g_string_append (out, all + (end - all_start));
  }
  return FALSE;
}

/* A post's text as compared by "did it get created?": what diaspora's
 * plain_text_for_json changes undone on both sides (lib/diaspora/
 * message_renderer.rb: normalize turns RTL-wrapped hashtags into plain
 * ones; camo_urls, same patterns as lib/diaspora/camo.rb), without \r and
 * surrounding whitespace. */
static char *
text_key (const char *text)
{
  static GRegex *rtl, *image, *src;
  GString *s = g_string_new (NULL);
  g_autofree char *stripped = NULL;
  g_autofree char *plain_tags = NULL;
  g_autofree char *images = NULL;
  char *result;

  if (g_once_init_enter (&rtl))
    {
      image = g_regex_new ("(!\\[(.*?)\\]\\s?\\([ \\t]*()<?(\\S+?)>?[ \\t]*((['\"])(.*?)\\6[ \\t]*)?\\))",
                           G_REGEX_DOTALL | G_REGEX_OPTIMIZE, 0, NULL);
      src = g_regex_new ("src=(['\"])(.+?)\\1", G_REGEX_DOTALL | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&rtl, g_regex_new ("[\\x{202a}\\x{202b}]#[\\x{200e}\\x{200f}\\x{202d}\\x{202e}](\\S+)\\x{202c}",
                                                    G_REGEX_OPTIMIZE, 0, NULL));
    }
  for (const char *p = text ? text : ""; *p; p++)
    if (*p != '\r')
      g_string_append_c (s, *p);
  stripped = g_string_free (s, FALSE);
  if (!g_utf8_validate (stripped, -1, NULL))
    return g_strstrip (g_steal_pointer (&stripped));
  plain_tags = g_regex_replace (rtl, stripped, -1, 0, "#\\1", 0, NULL);
  if (plain_tags == NULL)
    plain_tags = g_strdup (stripped);
  images = g_regex_replace_eval (image, plain_tags, -1, 0, 0, canonical_image_url, GUINT_TO_POINTER (4), NULL);
  if (images == NULL)
    images = g_strdup (plain_tags);
  result = g_regex_replace_eval (src, images, -1, 0, 0, canonical_image_url, GUINT_TO_POINTER (2), NULL);
  if (result == NULL)
    result = g_strdup (images);
  return g_strstrip (result);
}

/* A pattern for the texts the pod may have made of @want (a text_key())
 * by rewriting its mentions (@{Name; user@pod} or @{user@pod},
 * lib/diaspora/mentionable.rb:10): in a limited post, each mention of
 * somebody outside its aspects becomes a link to the profile,
 * "@[Name](/people/GUID)", or "@Name" (else "@user@pod") when the pod does
 * not know the person (Mentionable.filter_people, :59-72 at v0.9.1.0,
 * called from status_message.rb:125-127 after the save, the same at
 * v0.7.18.2); 0.7 first writes "@{user@pod}" of a known person as
 * "@{Their Name; user@pod}" (mentions_container.rb:10, backport_mention_syntax,
 * mentionable.rb:79-86). NULL when @want has no mention (compare as is). */
static GRegex *
mention_pattern (const char *want)
{
  static GRegex *mention;
  g_autoptr(GMatchInfo) info = NULL;
  g_autoptr(GString) pattern = g_string_new ("\\A");
  gint last = 0;

  if (g_once_init_enter (&mention))
    g_once_init_leave (&mention, g_regex_new ("@\\{(?:([^}]+?); )?([^} ]+)\\}", G_REGEX_OPTIMIZE, 0, NULL));
  if (!g_utf8_validate (want, -1, NULL) || !g_regex_match (mention, want, 0, &info))
    return NULL;
  for (; g_match_info_matches (info); g_match_info_next (info, NULL))
    {
      g_autofree char *name = g_match_info_fetch (info, 1);
      g_autofree char *id = g_match_info_fetch (info, 2);
      g_autofree char *literal = NULL;
      g_autofree char *id_re = NULL;
      g_autofree char *shown_re = NULL;
      gint start = 0, end = 0;

      if (name == NULL || id == NULL)
        return NULL;
      g_match_info_fetch_pos (info, 0, &start, &end);
      literal = g_regex_escape_string (want + last, start - last);
      g_string_append (pattern, literal);
      last = end;
      g_strstrip (name);
      g_strstrip (id);
      id_re = g_regex_escape_string (id, -1);
      shown_re = g_regex_escape_string (*name ? name : id, -1);
      g_string_append_printf (pattern,
                              "@(?:\\{(?:[^}]*; )?%s\\}|\\[[^\\n]*?\\]\\((?:https?://[^/)\\s]+)?/people/[^)\\s]+\\)|%s)",
                              id_re, shown_re);
    }
  {
    g_autofree char *literal = g_regex_escape_string (want + last, -1);

    g_string_append (pattern, literal);
  }
  g_string_append (pattern, "\\z");
  return g_regex_new (pattern->str, 0, 0, NULL);
}

/* Whether the pod's @have is the text sent as @want (both text_key()ed),
 * @want_mentions its mention_pattern(). */
static gboolean
same_text (const char *have, const char *want, GRegex *want_mentions)
{
  if (g_str_equal (have, want))
    return TRUE;
  return want_mentions != NULL && g_regex_match (want_mentions, have, 0, NULL);
}

GPtrArray *
gpm_pod_find_own_posts (GpmPod        *self,
                        const char    *text,
                        gint64         since,
                        guint          max_posts,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *want = NULL;
  g_autoptr(GRegex) want_mentions = NULL;
  GPtrArray *found;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  posts = gpm_pod_list_own_posts_since (self, max_posts > 0 ? max_posts : G_MAXUINT, since, cancellable, error);
  if (posts == NULL)
    return NULL;
  want = text_key (text);
  want_mentions = mention_pattern (want);
  found = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_post_unref);
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPodPost *p = g_ptr_array_index (posts, i);
      g_autofree char *have = text_key (p->text);

      if (p->created_at != NULL && g_date_time_to_unix (p->created_at) < since)
        continue;
      if (same_text (have, want, want_mentions))
        g_ptr_array_add (found, gpm_pod_post_ref (p));
    }
  return found;
}

GpmPodPost *
gpm_pod_find_own_post (GpmPod        *self,
                       const char    *text,
                       guint          max_posts,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *want = NULL;
  g_autoptr(GRegex) want_mentions = NULL;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  posts = gpm_pod_list_own_posts (self, max_posts, cancellable, error);
  if (posts == NULL)
    return NULL;
  want = text_key (text);
  want_mentions = mention_pattern (want);
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPodPost *p = g_ptr_array_index (posts, i);
      g_autofree char *have = text_key (p->text);

      if (same_text (have, want, want_mentions))
        return gpm_pod_post_ref (p);
    }
  return NULL;
}
