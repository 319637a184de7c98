/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-comments.c: a post's comments, created and listed, on the
 * web (comments_controller.rb) and through API v1
 * (api/v1/comments_controller.rb). */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>

#include "gpm-test-pod-private.h"

/* PostService#find! (app/services/post_service.rb:16 at v0.9.1.0): by guid
 * or id, among the posts the user may see. */
static StoredPost *
visible_post (GpmTestPod *self, const char *id_or_guid, User *viewer)
{
  for (guint i = 0; i < self->posts->len; i++)
    {
      StoredPost *sp = g_ptr_array_index (self->posts, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, sp->post->id);

      if ((g_str_equal (sp->post->guid, id_or_guid) || g_str_equal (id, id_or_guid)) &&
          (sp->post->is_public || (viewer && g_str_equal (sp->post->author, viewer->username))))
        return sp;
    }
  return NULL;
}

/* Comment#text= strips (app/models/comment.rb:61-63) and the model
 * validates presence and at most 65,535 characters (comment.rb:31). */
GpmTestPodComment *
_gpm_test_pod_store_comment (GpmTestPod *self, StoredPost *sp, User *u, const char *text, gboolean via_api)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  GpmTestPodComment *c;

  if (*stripped == '\0' || g_utf8_strlen (stripped, -1) > MAX_TEXT)
    return NULL;
  c = g_new0 (GpmTestPodComment, 1);
  c->id = self->next_id++;
  c->guid = _gpm_test_pod_new_guid ();
  c->post_guid = g_strdup (sp->post->guid);
  c->author = g_strdup (u->username);
  c->text = g_steal_pointer (&stripped);
  c->via_api = via_api;
  g_ptr_array_add (self->comments, c);
  return c;
}

/* CommentPresenter#as_json (web, app/presenters/comment_presenter.rb:4-14)
 * or #as_api_response (API, :16-26), the parts a client reads. */
static void
comment_to_json (GpmTestPod *self, JsonBuilder *b, GpmTestPodComment *c, gboolean api)
{
  User *u = _gpm_test_pod_user_by_name (self, c->author);
  g_autofree char *did = u ? _gpm_test_pod_diaspora_id (self, u) : NULL;

  json_builder_begin_object (b);
  if (!api)
    {
      gpm_test_json_member_int (b, "id", c->id);
    }
  gpm_test_json_member_string (b, "guid", c->guid);
  gpm_test_json_member_string (b, api ? "body" : "text", c->text);
  gpm_test_json_member_begin_object (b, "author");
  gpm_test_json_member_string (b, "guid", u ? u->guid : "");
  gpm_test_json_member_string (b, "diaspora_id", did ? did : "");
  gpm_test_json_member_string (b, "name", c->author);
  json_builder_end_object (b);
  {
    g_autofree char *created = _gpm_test_pod_iso_time (g_get_real_time ());
    gpm_test_json_member_string (b, "created_at", created);
  }
  json_builder_end_object (b);
}

/* Web: POST /posts/:post_id/comments and GET /posts/:post_id/comments(.json)
 * (config/routes.rb:39 at v0.9.1.0 and v0.7.18.2;
 * app/controllers/comments_controller.rb at v0.9.1.0: create :34-47, index
 * :20-26, respond_create_success :63-69; at v0.7.18.2 the same: create
 * :20-33, index :49-55, respond_create_success :63-69). API v1: POST and
 * GET /api/v1/posts/:post_id/comments (routes.rb:233 at v0.9.1.0;
 * app/controllers/api/v1/comments_controller.rb: create :22-29, index
 * :31-39). */
void
_gpm_test_pod_handle_comments (GpmTestPod *self, SoupServerMessage *msg, const char *method, const char *path,
                               GHashTable *query)
{
  gboolean api = g_str_has_prefix (path, "/api/v1/posts/");
  const char *rest = path + strlen (api ? "/api/v1/posts/" : "/posts/");
  const char *slash = strchr (rest, '/');
  g_autofree char *post_id = slash ? g_strndup (rest, slash - rest) : NULL;
  gboolean get = g_str_equal (method, "GET");
  gboolean post = g_str_equal (method, "POST");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  Session *s = NULL;
  User *u;
  StoredPost *sp;

  if (post_id == NULL || *post_id == '\0' ||
      !(g_str_equal (slash, "/comments") || (!api && get && g_str_equal (slash, "/comments.json"))) ||
      !(get || post))
    {
      if (api)
        _gpm_test_pod_respond_api_error (msg, 404, "Not found");
      else
        _gpm_test_pod_respond (msg, 404, "text/html", "<html><body>The page you were looking for doesn't exist.</body></html>");
      return;
    }

  if (api)
    {
      /* before_action require_access_token (api/v1/comments_controller.rb:6-12) */
      u = _gpm_test_pod_api_user_or_respond (self, msg);
      if (u == NULL)
        return;
      /* create: require_access_token %w[interactions public:read] (:10-12 at
       * v0.9.1.0; index: %w[public:read], :6-8), every one of them
       * (Authorization#accessible?, authorization.rb:56-59): else
       * Bearer::Forbidden(:insufficient_scope), rendered 403 with its
       * message (base_controller.rb:23-25) */
      if (!_gpm_test_pod_api_token_has_scope (self, msg, "public:read")
          || (post && !_gpm_test_pod_api_token_has_scope (self, msg, "interactions")))
        {
          _gpm_test_pod_respond_api_error (msg, 403, "insufficient_scope");
          return;
        }
    }
  else
    {
      /* before_action :authenticate_user!, except: :index (comments_controller.rb:8);
       * the posts double only has the account's own and public posts, so index
       * asks for a user too */
      u = _gpm_test_pod_web_user_or_respond (self, msg, path, &s);
      if (u == NULL || (post && !_gpm_test_pod_csrf_ok_or_respond (self, msg, s, NULL)))
        return;
    }

  sp = visible_post (self, post_id, u);
  if (sp == NULL)
    {
      /* api: rescue_from RecordNotFound (api/v1/comments_controller.rb:14-16);
       * web: create renders comments.create.error with 404 (:37-39) */
      if (api)
        _gpm_test_pod_respond_api_error (msg, 404, "Post with provided guid could not be found");
      else
        _gpm_test_pod_respond (msg, 404, "text/plain", "Failed to comment.");
      return;
    }

  if (get)
    {
      /* CommentService#find_for_post → comments.for_a_stream: oldest first
       * (comment_service.rb:13-15, comment.rb:38). The API pages them
       * (RestPaginatorBuilder: per_page, default 15, at most 100,
       * lib/api/paging/rest_paginator_builder.rb:6-7,73-79), with a Link
       * rel="next" header (api/v1/base_controller.rb:51-58); this double
       * pages by number. */
      g_autoptr(GPtrArray) list = g_ptr_array_new ();
      const char *per_page_s = query ? g_hash_table_lookup (query, "per_page") : NULL;
      const char *page_s = query ? g_hash_table_lookup (query, "page") : NULL;
      guint per_page = per_page_s ? (guint) CLAMP (g_ascii_strtoll (per_page_s, NULL, 10), 1, 100) : 15;
      guint page = page_s ? (guint) MAX (g_ascii_strtoll (page_s, NULL, 10), 1) : 1;

      for (guint i = 0; i < self->comments->len; i++)
        {
          GpmTestPodComment *c = g_ptr_array_index (self->comments, i);
          if (g_str_equal (c->post_guid, sp->post->guid))
            g_ptr_array_add (list, c);
        }
      json_builder_begin_array (b);
      for (guint i = api ? (page - 1) * per_page : 0; i < list->len && (!api || i < page * per_page); i++)
        comment_to_json (self, b, g_ptr_array_index (list, i), api);
      json_builder_end_array (b);
      if (api && list->len > page * per_page)
        {
          g_autofree char *link = g_strdup_printf ("<%s%s?per_page=%u&page=%u>; rel=\"next\"",
                                                   self->url, path, per_page, page + 1);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link);
        }
      _gpm_test_pod_respond_builder (msg, 200, b);
      return;
    }

  {
    g_autoptr(JsonObject) body = _gpm_test_pod_request_json (msg);
    const char *text = body ? _gpm_test_pod_jstr (body, api ? "body" : "text") : NULL;
    GpmTestPodComment *c;

    if (api && text == NULL)
      {
        /* params.require(:body) */
        _gpm_test_pod_respond_api_error (msg, 422, "param is missing or the value is empty: body");
        return;
      }
    if (self->mysql && text != NULL && strlen (text) > GPM_DIASPORA_MAX_TEXT_BYTES
        && g_utf8_strlen (text, -1) <= MAX_TEXT)
      {
        /* comments.text is a TEXT column too (db/migrate/0000_create_schema.rb:104
         * at v0.9.1.0): ActiveRecord::ValueTooLong, which neither
         * comments_controller.rb rescues (:34-47; api: only RecordNotFound and
         * RecordInvalid, api/v1/comments_controller.rb:14-20): Rails' 500, or
         * Api::V1::BaseController's rescue_from Exception (:12-16) */
        if (api)
          _gpm_test_pod_respond_api_error (msg, 500, "Mysql2::Error: Data too long for column 'text' at row 1");
        else
          _gpm_test_pod_respond (msg, 500, "text/html", "<html><body><h1>We're sorry, but something went wrong.</h1></body></html>");
        return;
      }
    c = _gpm_test_pod_store_comment (self, sp, u, text, api);
    if (c == NULL)
      {
        /* save! raises RecordInvalid: the API rescues it as 422 "User is not
         * allowed to comment" (api/v1/comments_controller.rb:18-20); the web
         * controller does not, and Rails answers 422 */
        if (api)
          _gpm_test_pod_respond_api_error (msg, 422, "User is not allowed to comment");
        else
          _gpm_test_pod_respond (msg, 422, "text/html", "<html><body>The change you wanted was rejected.</body></html>");
        return;
      }
    /* 201 + the presenter (comments_controller.rb:63-65; api :28) */
    comment_to_json (self, b, c, api);
    _gpm_test_pod_respond_builder (msg, 201, b);
  }
}
