/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-route.c: every request the test pod's SoupServer gets: the
 * nginx in front (body limit, a moved pod, the Server header), the faults a
 * test injected, and which controller answers (config/routes.rb); nodeinfo
 * and its .well-known document. */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>

#include "gpm-test-pod-private.h"

static void
handle_nodeinfo_jrd (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autofree char *body = g_strdup_printf (
    "{\"links\":[{\"rel\":\"http://nodeinfo.diaspora.software/ns/schema/1.0\",\"href\":\"%s/nodeinfo/1.0\"},"
    "{\"rel\":\"http://nodeinfo.diaspora.software/ns/schema/2.0\",\"href\":\"%s/nodeinfo/2.0\"}]}",
    self->url, self->url);

  _gpm_test_pod_respond (msg, 200, "application/json; charset=utf-8", body);
}

static void
handle_nodeinfo (GpmTestPod *self, SoupServerMessage *msg, const char *version)
{
  g_autofree char *body = NULL;

  if (!g_str_equal (version, "1.0") && !g_str_equal (version, "2.0"))
    {
      _gpm_test_pod_respond (msg, 404, "text/plain", "");
      return;
    }
  body = g_strdup_printf (
    "{\"version\":\"%s\",\"software\":{\"name\":\"diaspora\",\"version\":\"%s\"},"
    "\"protocols\":%s,\"services\":{\"inbound\":[],\"outbound\":[]},\"openRegistrations\":true,"
    "\"usage\":{\"users\":{\"total\":%u}},\"metadata\":{\"nodeName\":\"diaspora* test pod\"}}",
    version, self->version,
    g_str_equal (version, "1.0") ? "{\"inbound\":[\"diaspora\"],\"outbound\":[\"diaspora\"]}" : "[\"diaspora\"]",
    g_hash_table_size (self->users));
  _gpm_test_pod_respond (msg, 200, "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"", body);
}

typedef struct {
  SoupServerMessage *msg;
  GpmTestPod        *self;
  gboolean           close;
  char              *method;   /* set: do the work only now (late-save) */
  char              *path;
} Delayed;

static void route (GpmTestPod *self, SoupServerMessage *msg, const char *method, const char *path,
                   GHashTable *query, gboolean null_id);

static gboolean
delayed_answer (gpointer user_data)
{
  Delayed *d = user_data;

  if (d->method != NULL)
    {
      g_mutex_lock (&d->self->lock);
      route (d->self, d->msg, d->method, d->path, NULL, FALSE);
      g_mutex_unlock (&d->self->lock);
    }
  soup_server_message_unpause (d->msg);
  return G_SOURCE_REMOVE;
}

static void
delayed_free (gpointer user_data)
{
  Delayed *d = user_data;

  g_object_unref (d->msg);
  g_free (d->method);
  g_free (d->path);
  g_free (d);
}

static void
close_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream)
    g_io_stream_close (stream, NULL, NULL);
}

static Fault *
take_fault_locked (GpmTestPod *self, const char *path)
{
  for (GList *l = self->faults.head; l; l = l->next)
    {
      Fault *f = l->data;

      if (f->remaining > 0 && (f->prefix == NULL || g_str_has_prefix (path, f->prefix)))
        {
          Fault *copy = g_new0 (Fault, 1);

          *copy = *f;
          copy->prefix = NULL;
          if (--f->remaining == 0)
            {
              g_queue_delete_link (&self->faults, l);
              _gpm_test_pod_fault_free (f);
            }
          return copy;
        }
    }
  return NULL;
}

static void
route (GpmTestPod *self, SoupServerMessage *msg, const char *method, const char *path,
       GHashTable *query, gboolean null_id)
{
  gboolean get = g_str_equal (method, "GET");
  gboolean post = g_str_equal (method, "POST");

  if (get && g_str_equal (path, "/.well-known/nodeinfo"))
    handle_nodeinfo_jrd (self, msg);
  else if (get && g_str_has_prefix (path, "/nodeinfo/"))
    handle_nodeinfo (self, msg, path + strlen ("/nodeinfo/"));
  else if (get && g_str_equal (path, "/.well-known/openid-configuration"))
    /* every pod since 0.6.0.0 (config/routes.rb:247 at v0.7.18.2) */
    _gpm_test_pod_handle_oidc_configuration (self, msg);
  else if (g_str_equal (path, "/users/sign_in"))
    {
      if (post)
        _gpm_test_pod_handle_sign_in_post (self, msg);
      else
        {
          Session *s = _gpm_test_pod_find_session (self, msg);

          if (s && s->user)
            _gpm_test_pod_redirect_path (msg, "/stream");
          else
            _gpm_test_pod_page_sign_in (self, msg, s ? s : _gpm_test_pod_new_session (self, msg), NULL);
        }
    }
  else if (get && (g_str_equal (path, "/stream") || g_str_equal (path, "/bookmarklet")))
    {
      Session *s = NULL;
      User *u = _gpm_test_pod_web_user_or_respond (self, msg, path, &s);

      if (u)
        _gpm_test_pod_page_signed_in (self, msg, s, u);
    }
  else if (post && g_str_equal (path, "/status_messages"))
    _gpm_test_pod_handle_status_messages (self, msg, path, null_id);
  else if (post && g_str_equal (path, "/aspects"))
    _gpm_test_pod_handle_web_create_aspect (self, msg, path);
  else if (post && g_str_equal (path, "/photos"))
    _gpm_test_pod_handle_photos (self, msg, path, query);
  else if (g_str_equal (method, "DELETE") && g_str_has_prefix (path, "/posts/"))
    {
      /* config/routes.rb:31, resources :posts, only: %i(show destroy) */
      Session *s = NULL;
      User *u = _gpm_test_pod_web_user_or_respond (self, msg, path, &s);

      if (u != NULL && _gpm_test_pod_csrf_ok_or_respond (self, msg, s, NULL))
        _gpm_test_pod_delete_post (self, msg, u, path + strlen ("/posts/"), FALSE);
    }
  else if (get && g_str_equal (path, "/stream.json"))
    _gpm_test_pod_handle_person_stream (self, msg, path, NULL, query);
  else if (get && g_str_has_prefix (path, "/people/") && g_str_has_suffix (path, "/stream.json"))
    {
      g_autofree char *guid = g_strndup (path + strlen ("/people/"),
                                         strlen (path) - strlen ("/people/") - strlen ("/stream.json"));
      _gpm_test_pod_handle_person_stream (self, msg, path, guid, query);
    }
  else if ((g_str_has_prefix (path, "/posts/") ||
            (self->api_enabled && g_str_has_prefix (path, "/api/v1/posts/"))) &&
           strstr (path, "/comments") != NULL)
    /* a post's comments (routes.rb:39 and :233 at v0.9.1.0); other
     * /posts/… routes (DELETE) are matched on their own */
    _gpm_test_pod_handle_comments (self, msg, method, path, query);
  else if (!self->api_enabled && g_str_has_prefix (path, "/api/v1/"))
    /* no api_version(… "api/v1") block before 0.9.0.0 (config/routes.rb:227
     * at v0.9.1.0; only namespace :api/:openid_connect at v0.7.18.2:230):
     * Rails' 404 page */
    _gpm_test_pod_respond (msg, 404, "text/html", "<html><body>The page you were looking for doesn't exist.</body></html>");
  else if (post && g_str_equal (path, "/api/openid_connect/clients"))
    _gpm_test_pod_handle_oidc_register (self, msg);
  else if ((get || post) && g_str_equal (path, "/api/openid_connect/authorizations/new"))
    _gpm_test_pod_handle_oidc_authorize (self, msg, query);
  else if (post && g_str_equal (path, "/api/openid_connect/access_tokens"))
    _gpm_test_pod_handle_oidc_token (self, msg);
  else if (get && g_str_equal (path, "/api/v1/user"))
    _gpm_test_pod_handle_api_user (self, msg);
  else if (get && g_str_equal (path, "/api/v1/aspects"))
    _gpm_test_pod_handle_api_aspects (self, msg, path, query);
  else if (post && g_str_equal (path, "/api/v1/aspects"))
    _gpm_test_pod_handle_api_create_aspect (self, msg);
  else if (post && g_str_equal (path, "/api/v1/photos"))
    _gpm_test_pod_handle_api_photos (self, msg);
  else if (post && g_str_equal (path, "/api/v1/posts"))
    _gpm_test_pod_handle_api_posts (self, msg, null_id);
  else if (g_str_equal (method, "DELETE") && g_str_has_prefix (path, "/api/v1/posts/"))
    {
      /* config/routes.rb:232, api/v1 resources :posts, only: %i[show create destroy] */
      User *u = _gpm_test_pod_api_user_or_respond (self, msg);

      if (u != NULL)
        _gpm_test_pod_delete_post (self, msg, u, path + strlen ("/api/v1/posts/"), TRUE);
    }
  else if (get && g_str_has_prefix (path, "/api/v1/users/") && g_str_has_suffix (path, "/posts"))
    {
      g_autofree char *guid = g_strndup (path + strlen ("/api/v1/users/"),
                                         strlen (path) - strlen ("/api/v1/users/") - strlen ("/posts"));
      _gpm_test_pod_handle_api_user_posts (self, msg, path, guid, query);
    }
  else if (g_str_has_prefix (path, "/api/"))
    _gpm_test_pod_respond_api_error (msg, 404, "Not found");
  else
    _gpm_test_pod_respond (msg, 404, "text/html", "<html><body>The page you were looking for doesn't exist.</body></html>");
}

void
_gpm_test_pod_server_handler (SoupServer        *server,
                              SoupServerMessage *msg,
                              const char        *path,
                              GHashTable        *query,
                              gpointer           user_data)
{
  GpmTestPod *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  Fault *fault = NULL;

  g_mutex_lock (&self->lock);
  if (g_str_has_prefix (path, "/_test/"))
    {
      _gpm_test_pod_handle_test_api (self, msg, method, path);
      g_mutex_unlock (&self->lock);
      return;
    }
  g_ptr_array_add (self->paths, g_strdup (path));
  /* nginx in front of the pod (diaspora's documented setup) with
   * client_max_body_size: 413 and nginx's own page, the app never sees it */
  if (self->body_limit > 0 && soup_server_message_get_request_body (msg)->length > (goffset) self->body_limit)
    {
      _gpm_test_pod_respond (msg, 413, "text/html",
                             "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
                             "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
                             "</body>\r\n</html>\r\n");
      g_mutex_unlock (&self->lock);
      return;
    }
  if (self->moved_to && (self->moved_prefix == NULL || g_str_has_prefix (path, self->moved_prefix)))
    {
      /* what nginx's "return 301 https://www.$host$request_uri;" does for a
       * pod's apex or plain-http server block; with 302/303/307, what may
       * stand in front of a pod (diaspora's own redirects stay on its
       * host, see reply_means_redirected() in gpm-pod-http.c): a single
       * sign-on proxy (nginx auth_request, "error_page 401 =302
       * https://sso…"), "return 302" to a maintenance page */
      GUri *uri = soup_server_message_get_uri (msg);
      g_autofree char *to = g_strconcat (self->moved_to, path, g_uri_get_query (uri) ? "?" : "",
                                         g_uri_get_query (uri) ? g_uri_get_query (uri) : "", NULL);

      soup_server_message_set_redirect (msg, self->moved_status, to);
      g_mutex_unlock (&self->lock);
      return;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Diaspora-Version", self->version);
  fault = take_fault_locked (self, path);

  if (fault && fault->kind == GPM_TEST_POD_FAULT_STATUS)
    {
      g_autofree char *body = g_strdup_printf ("<html><body><h1>%u</h1></body></html>", fault->param);
      _gpm_test_pod_respond (msg, fault->param ? fault->param : 500, "text/html", body);
    }
  else if (fault && fault->kind == GPM_TEST_POD_FAULT_RATE_LIMIT)
    {
      g_autofree char *after = g_strdup_printf ("%u", fault->param);

      if (fault->param)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", after);
      _gpm_test_pod_respond (msg, 429, "text/plain", "Retry later\n");
    }
  else if (fault && fault->kind == GPM_TEST_POD_FAULT_LATE_SAVE)
    ;   /* routed when the delay is over, below */
  else if (fault && fault->kind == GPM_TEST_POD_FAULT_GO_DOWN)
    ;   /* no answer; the machine stops, below */
  else
    {
      if (fault && fault->kind == GPM_TEST_POD_FAULT_EXPIRE_SESSION)
        {
          GHashTableIter iter;
          gpointer value;

          g_hash_table_iter_init (&iter, self->sessions);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            ((Session *) value)->user = NULL;
        }
      if (fault && fault->kind == GPM_TEST_POD_FAULT_CLEANUP_PHOTOS)
        _gpm_test_pod_cleanup_pending_photos_locked (self, 0);
      if (fault && fault->kind == GPM_TEST_POD_FAULT_EXPIRE_TOKEN)
        for (guint i = 0; i < self->tokens->len; i++)
          {
            Token *t = g_ptr_array_index (self->tokens, i);
            if (!t->is_refresh)
              t->expires = 0;
          }
      route (self, msg, method, path, query, fault && fault->kind == GPM_TEST_POD_FAULT_NULL_ID);
      if (fault && fault->kind == GPM_TEST_POD_FAULT_HUGE)
        {
          /* a broken proxy or app server that streams without end */
          SoupMessageBody *body = soup_server_message_get_response_body (msg);
          g_autofree char *mib = g_malloc (1024 * 1024);

          memset (mib, 'x', 1024 * 1024);
          soup_server_message_set_status (msg, 200, NULL);
          soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                             SOUP_ENCODING_CHUNKED);
          soup_message_body_truncate (body);
          for (guint i = 0; i < fault->param; i++)
            soup_message_body_append (body, SOUP_MEMORY_COPY, mib, 1024 * 1024);
          soup_message_body_complete (body);
        }
      /* An exception after status_message.save (Redis down when the
       * federation job is queued, say) lands in the controller's rescue:
       * web status_messages_controller.rb:54-55 → handle_create_error
       * (:64-69) renders the message with 403; api/v1/posts_controller.rb:33-34
       * renders 422 "Failed to create the post". The post stays saved. */
      if (fault && fault->kind == GPM_TEST_POD_FAULT_SAVE_THEN_STATUS)
        {
          if (g_str_has_prefix (path, "/api/"))
            _gpm_test_pod_respond_api_error (msg, fault->param ? fault->param : 422, "Failed to create the post");
          else
            _gpm_test_pod_respond (msg, fault->param ? fault->param : 403, "text/plain; charset=utf-8",
                                   "Error connecting to Redis on 127.0.0.1:6379 (Errno::ECONNREFUSED)");
        }
      /* an empty object, as some proxies and caches hand out */
      if (fault && fault->kind == GPM_TEST_POD_FAULT_EMPTY_ANSWER)
        _gpm_test_pod_respond (msg, soup_server_message_get_status (msg), "application/json; charset=utf-8", "{}");
    }
  g_mutex_unlock (&self->lock);

  if (fault && fault->kind == GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE)
    close_connection (msg);
  else if (fault && fault->kind == GPM_TEST_POD_FAULT_GO_DOWN)
    {
      close_connection (msg);
      _gpm_test_pod_go_down_later (self);
    }
  else if (fault && (fault->kind == GPM_TEST_POD_FAULT_SLOW || fault->kind == GPM_TEST_POD_FAULT_LATE_SAVE))
    {
      Delayed *d = g_new0 (Delayed, 1);
      GSource *source = g_timeout_source_new (fault->param);

      d->msg = g_object_ref (msg);
      d->self = self;
      if (fault->kind == GPM_TEST_POD_FAULT_LATE_SAVE)
        {
          d->method = g_strdup (method);
          d->path = g_strdup (path);
        }
      soup_server_message_pause (msg);
      g_source_set_callback (source, delayed_answer, d, delayed_free);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
  g_free (fault);
}
