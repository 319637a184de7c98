/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-api.c: the test pod's API v1 (diaspora >= 0.9.0.0): the
 * Bearer token and its scopes, the user, aspects (listing with Link
 * paging, creating), photos, posts and a user's posts. */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>

#include "gpm-test-pod-private.h"

Token *
_gpm_test_pod_find_token (GpmTestPod *self, const char *value, gboolean refresh)
{
  for (guint i = 0; i < self->tokens->len; i++)
    {
      Token *t = g_ptr_array_index (self->tokens, i);

      if (t->is_refresh == refresh && g_str_equal (t->token, value))
        return t;
    }
  return NULL;
}

/* The Rack::OAuth2 bearer middleware and require_access_token. */
User *
_gpm_test_pod_api_user_or_respond (GpmTestPod *self, SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  Token *t;

  if (auth == NULL || !g_str_has_prefix (auth, "Bearer "))
    {
      _gpm_test_pod_respond_api_error (msg, 403, "Unauthorized user");
      return NULL;
    }
  t = _gpm_test_pod_find_token (self, auth + strlen ("Bearer "), FALSE);
  if (t == NULL || t->expires < g_get_real_time ())
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer realm=\"OpenID Connect\", error=\"invalid_token\"");
      _gpm_test_pod_respond (msg, 401, "application/json", "{\"error\":\"invalid_token\"}");
      return NULL;
    }
  return t->user;
}

/* Does the request's token carry @scope? (Authorization#accessible?,
 * app/models/api/openid_connect/authorization.rb:56 at v0.9.1.0) */
gboolean
_gpm_test_pod_api_token_has_scope (GpmTestPod *self, SoupServerMessage *msg, const char *scope)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  Token *t = auth && g_str_has_prefix (auth, "Bearer ") ? _gpm_test_pod_find_token (self, auth + strlen ("Bearer "), FALSE) : NULL;

  return t != NULL && t->scopes != NULL && g_strv_contains ((const char * const *) t->scopes, scope);
}

static void
link_next_header (GpmTestPod *self, SoupServerMessage *msg, const char *path, guint page)
{
  g_autofree char *link = g_strdup_printf ("<%s%s?page=%u>; rel=\"next\"", self->url, path, page + 1);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link);
}

void
_gpm_test_pod_handle_api_user (GpmTestPod *self, SoupServerMessage *msg)
{
  User *u = _gpm_test_pod_api_user_or_respond (self, msg);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *did = NULL;

  if (u == NULL)
    return;
  did = _gpm_test_pod_diaspora_id (self, u);
  json_builder_begin_object (b);
  gpm_test_json_member_string (b, "guid", u->guid);
  gpm_test_json_member_string (b, "diaspora_id", did);
  gpm_test_json_member_string (b, "name", u->username);
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
}

void
_gpm_test_pod_handle_api_aspects (GpmTestPod *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  User *u = _gpm_test_pod_api_user_or_respond (self, msg);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *page_s = query ? g_hash_table_lookup (query, "page") : NULL;
  guint page = page_s ? (guint) g_ascii_strtoull (page_s, NULL, 10) : 1;

  if (u == NULL)
    return;
  if (page < 1)
    page = 1;
  json_builder_begin_array (b);
  for (guint i = (page - 1) * PAGE_SIZE; i < u->aspects->len && i < page * PAGE_SIZE; i++)
    {
      Aspect *a = g_ptr_array_index (u->aspects, i);

      json_builder_begin_object (b);
      _gpm_test_pod_aspect_members (b, a);
      gpm_test_json_member_int (b, "order", i);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (u->aspects->len > page * PAGE_SIZE)
    link_next_header (self, msg, path, page);
  _gpm_test_pod_respond_builder (msg, 200, b);
}

/* POST /api/v1/aspects: Api::V1::AspectsController#create
 * (app/controllers/api/v1/aspects_controller.rb at v0.9.1.0) */
void
_gpm_test_pod_handle_api_create_aspect (GpmTestPod *self, SoupServerMessage *msg)
{
  User *u = _gpm_test_pod_api_user_or_respond (self, msg);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *name;
  Aspect *a;

  if (u == NULL)
    return;
  /* before_action only: %i[create update destroy] { require_access_token
   * %w[contacts:modify] } (:10-12): Bearer::Forbidden(:insufficient_scope),
   * rescued as render_error 403, e.message (base_controller.rb:23-25) */
  if (!_gpm_test_pod_api_token_has_scope (self, msg, "contacts:modify"))
    {
      _gpm_test_pod_respond_api_error (msg, 403, "insufficient_scope");
      return;
    }
  body = _gpm_test_pod_request_json (msg);
  name = body ? _gpm_test_pod_jstr (body, "name") : NULL;
  /* params.require(%i[name]): missing or blank → ParameterMissing →
   * 422 "Failed to create the aspect" (:31, :38-39); an aspect that does
   * not validate: the same (:36) */
  if (name == NULL || *name == '\0' || (a = _gpm_test_pod_create_aspect_locked (self, u, name)) == NULL)
    {
      _gpm_test_pod_respond_api_error (msg, 422, "Failed to create the aspect");
      return;
    }
  /* render json: AspectPresenter#as_api_json(true): id, name, order
   * (:34; app/presenters/aspect_presenter.rb:14-20) */
  json_builder_begin_object (b);
  _gpm_test_pod_aspect_members (b, a);
  gpm_test_json_member_int (b, "order", u->aspects->len - 1);
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
}

void
_gpm_test_pod_handle_api_photos (GpmTestPod *self, SoupServerMessage *msg)
{
  User *u = _gpm_test_pod_api_user_or_respond (self, msg);
  g_autoptr(GBytes) image = NULL;
  g_autofree char *image_name = NULL;
  g_autoptr(GBytes) pending = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GpmTestPodPhoto *ph;
  g_autofree char *created = NULL;

  if (u == NULL)
    return;
  image = _gpm_test_pod_multipart_part (msg, "image", &image_name);
  pending = _gpm_test_pod_multipart_part (msg, "pending", NULL);
  /* an image part rack did not take for a file is a String: PhotoService
   * refuses raw files (app/services/photo_service.rb:15,40) → RuntimeError
   * → 422 (app/controllers/api/v1/photos_controller.rb:48) */
  if (image == NULL || g_bytes_get_size (image) == 0 || image_name == NULL)
    {
      _gpm_test_pod_respond_api_error (msg, 422, "Failed to create the photo");
      return;
    }
  /* CarrierWave::IntegrityError, rescued (api/v1/photos_controller.rb:48): 422 */
  if (!_gpm_test_pod_extension_allowed (self, image_name))
    {
      _gpm_test_pod_respond_api_error (msg, 422, "Failed to create the photo");
      return;
    }
  {
    int w, h;

    /* api/v1/photos_controller.rb:48 rescues MiniMagick::Error too: 422 */
    if (self->check_images && !_gpm_test_pod_decode_image (image, &w, &h))
      {
        _gpm_test_pod_respond_api_error (msg, 422, "Failed to create the photo");
        return;
      }
  }
  ph = _gpm_test_pod_store_photo (self, u, image,
                                  pending && g_bytes_get_size (pending) == 4
                                  && memcmp (g_bytes_get_data (pending, NULL), "true", 4) == 0);
  created = _gpm_test_pod_iso_time (g_get_real_time ());
  json_builder_begin_object (b);
  gpm_test_json_member_string (b, "guid", ph->guid);
  gpm_test_json_member_string (b, "created_at", created);
  gpm_test_json_member_begin_object (b, "dimensions");
  gpm_test_json_member_int (b, "height", 1);
  gpm_test_json_member_int (b, "width", 1);
  json_builder_end_object (b);
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
}

void
_gpm_test_pod_handle_api_posts (GpmTestPod *self, SoupServerMessage *msg, gboolean null_id)
{
  User *u = _gpm_test_pod_api_user_or_respond (self, msg);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(Creation) c = { 0 };
  StoredPost *sp = NULL;
  CreateResult result;

  if (u == NULL)
    return;
  body = _gpm_test_pod_request_json (msg);
  if (body == NULL || !json_object_has_member (body, "public"))
    {
      _gpm_test_pod_respond_api_error (msg, 422, "param is missing or the value is empty: public");
      return;
    }
  c.via_api = TRUE;
  c.photos_by_guid = TRUE;
  c.text = _gpm_test_pod_jstr (body, "body");
  c.is_public = json_object_get_boolean_member (body, "public");
  if (json_object_has_member (body, "aspects") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "aspects")))
    {
      JsonArray *arr = json_object_get_array_member (body, "aspects");

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          gint64 id = _gpm_test_pod_jint (json_array_get_element (arr, i));
          g_array_append_val (aspect_ids, id);
        }
    }
  c.aspect_ids = aspect_ids;
  _gpm_test_pod_jstrings (body, "photos", photos);
  c.photo_refs = photos;
  if (json_object_has_member (body, "poll"))
    {
      JsonObject *poll = JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "poll"))
        ? json_object_get_object_member (body, "poll") : NULL;
      JsonArray *arr = poll && json_object_has_member (poll, "poll_answers")
        && JSON_NODE_HOLDS_ARRAY (json_object_get_member (poll, "poll_answers"))
        ? json_object_get_array_member (poll, "poll_answers") : NULL;

      c.poll_question = _gpm_test_pod_jstr (poll, "question");
      /* add_poll_params: InvalidArgument for a blank question, no answers,
       * or a blank answer (api/v1/posts_controller.rb:81-95), rescued as 422 */
      if (_gpm_test_pod_is_blank (c.poll_question) || arr == NULL || json_array_get_length (arr) == 0)
        {
          _gpm_test_pod_respond_api_error (msg, 422, "Failed to create the post");
          return;
        }
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);

          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING
              || _gpm_test_pod_is_blank (json_node_get_string (n)))
            {
              _gpm_test_pod_respond_api_error (msg, 422, "Failed to create the post");
              return;
            }
          g_ptr_array_add (answers, g_strdup (json_node_get_string (n)));
        }
      c.poll_answers = answers;
    }
  if (json_object_has_member (body, "location")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "location")))
    {
      JsonObject *loc = json_object_get_object_member (body, "location");

      g_autofree char *lat = _gpm_test_pod_json_value_text (loc, "lat");
      g_autofree char *lng = _gpm_test_pod_json_value_text (loc, "lng");

      c.location_address = _gpm_test_pod_jstr (loc, "address");
      /* app/controllers/api/v1/posts_controller.rb:64-65 */
      c.location_coords = g_strdup_printf ("%s,%s", lat, lng);
    }
  c.request_body = _gpm_test_pod_request_body (msg, NULL);

  if (null_id)
    {
      /* the double for a pod that answers 201 with "id": null */
      json_builder_begin_object (b);
      gpm_test_json_member_null (b, "id");
      json_builder_end_object (b);
      _gpm_test_pod_respond_builder (msg, 201, b);
      return;
    }
  /* render json: PostPresenter#as_api_response, status 200 (:32); any
   * error: rescue StandardError → 422 (:33-34) */
  result = _gpm_test_pod_create_post (self, u, &c, &sp);
  if (!_gpm_test_pod_respond_created (self, msg, result, sp, &c, TRUE, 200))
    _gpm_test_pod_respond_api_error (msg, 422, "Failed to create the post");
}

/* A time of a `before`/`after` parameter (Time.iso8601), in microseconds. */
static gboolean
parse_iso_time (const char *s, gint64 *us)
{
  g_autoptr(GDateTime) t = s ? g_date_time_new_from_iso8601 (s, NULL) : NULL;

  if (t == NULL)
    return FALSE;
  *us = g_date_time_to_unix (t) * G_USEC_PER_SEC + g_date_time_get_microsecond (t);
  return TRUE;
}

/* The time pager of the API's user posts (api/v1/users_controller.rb:76-85
 * at v0.9.1.0 → time_pager, lib/api/paging/rest_paginator_builder.rb:26-38,
 * time_paginator.rb): `before` (default: a year from now, :70-73) gives
 * `created_at < before` newest first, `after` `created_at > after` oldest
 * first, per_page posts (default 15, 1..100, :6-7,86-92). A non-empty page
 * links the next one with its oldest time cut to milliseconds
 * (iso8601(3), time_paginator.rb:29-32,92-98), and the previous one with
 * its newest time plus a millisecond; other parameters are kept
 * (rest_paged_response_builder.rb:39-48; the Link header,
 * api/v1/base_controller.rb:51-55). */
void
_gpm_test_pod_handle_api_user_posts (GpmTestPod *self, SoupServerMessage *msg, const char *path, const char *guid,
                                     GHashTable *query)
{
  User *viewer = _gpm_test_pod_api_user_or_respond (self, msg);
  User *author;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GString) link = g_string_new (NULL);
  const char *before_s = query ? g_hash_table_lookup (query, "before") : NULL;
  const char *after_s = query ? g_hash_table_lookup (query, "after") : NULL;
  const char *per_page_s = query ? g_hash_table_lookup (query, "per_page") : NULL;
  gboolean descending = after_s == NULL || before_s != NULL;
  gint64 bound = g_get_real_time () + (gint64) 365 * 24 * 3600 * G_USEC_PER_SEC;
  gint64 limit = PAGE_SIZE;
  gint64 min_us = G_MAXINT64, max_us = G_MININT64;

  if (viewer == NULL)
    return;
  author = _gpm_test_pod_find_user_by_guid (self, guid);
  if (author == NULL)
    {
      _gpm_test_pod_respond_api_error (msg, 404, "User not found");
      return;
    }
  if ((before_s || after_s) && !parse_iso_time (descending ? before_s : after_s, &bound))
    {
      /* Time.iso8601 raises ArgumentError: rescued nowhere, a 500 */
      _gpm_test_pod_respond (msg, 500, "text/html", "<html><body><h1>500</h1></body></html>");
      return;
    }
  if (per_page_s)
    limit = CLAMP (g_ascii_strtoll (per_page_s, NULL, 10), 1, 100);
  list = _gpm_test_pod_posts_of (self, author, viewer);   /* newest first */
  for (guint k = 0; k < list->len && page->len < limit; k++)
    {
      StoredPost *sp = g_ptr_array_index (list, descending ? k : list->len - 1 - k);

      if (descending ? sp->created_us < bound : sp->created_us > bound)
        {
          g_ptr_array_add (page, sp);
          min_us = MIN (min_us, sp->created_us);
          max_us = MAX (max_us, sp->created_us);
        }
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < page->len; i++)
    _gpm_test_pod_post_to_json (self, b, g_ptr_array_index (page, i), TRUE);
  json_builder_end_array (b);
  if (page->len > 0)
    {
      g_autofree char *next = _gpm_test_pod_iso_time (descending ? min_us : max_us + 1000);
      g_autofree char *prev = _gpm_test_pod_iso_time (descending ? max_us + 1000 : min_us);
      g_autofree char *keep = per_page_s ? g_strdup_printf ("per_page=%s&", per_page_s) : g_strdup ("");

      g_string_append_printf (link, "<%s%s?%s%s=%s>; rel=\"next\", <%s%s?%s%s=%s>; rel=\"previous\"",
                              self->url, path, keep, descending ? "before" : "after", next,
                              self->url, path, keep, descending ? "after" : "before", prev);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link->str);
    }
  _gpm_test_pod_respond_builder (msg, 200, b);
}
