/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod.c: a diaspora* pod double on 127.0.0.1 (see gpm-test-pod.h).
 *
 * Behaviour follows diaspora's controllers: sessions_controller.rb (Devise
 * sign-in, two-factor second step), application_controller.rb (CSRF failure
 * signs out and redirects to the sign-in page), rack_attack.rb (20 sign-in
 * POSTs per 5 minutes per IP → 429 "Retry later"), status_messages_controller.rb
 * (201 + PostPresenter JSON; an unsaved post renders "id": null; 422 for bad
 * aspects; 403 for other errors), photos_controller.rb (always 200 JSON with
 * a success flag), status_message_creation_service.rb (photo ids that no
 * longer exist are ignored, photos attached to another post are moved),
 * workers/cleanup_pending_photos.rb (pending photos older than a day are
 * destroyed daily), posts_controller.rb (DELETE), aspects_controller.rb
 * (create; Aspect's validation), the api/v1 controllers (Bearer tokens, 401 invalid_token when expired,
 * 422 {"code","message"} errors, paging with Link headers, the token's
 * scopes) and the OpenID
 * Connect endpoints (dynamic registration, authorization, token, refresh).
 *
 * This file holds the object, its server thread and what tests set up
 * (accounts, aspects, versions, faults, the browser); the rest, sharing
 * gpm-test-pod-private.h: gpm-test-pod-route.c (each request, nginx in
 * front, faults), -http.c (requests and answers as Rails sees them),
 * -web.c (sign-in, CSRF, the web client's controllers), -store.c (posts,
 * photos, aspects and how diaspora renders them), -comments.c, -api.c
 * (API v1), -oidc.c (OpenID Connect) and -inspect.c (what tests read back,
 * the /_test/ interface).
 */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>

#include "gpm-test-pod-private.h"

G_DEFINE_FINAL_TYPE (GpmTestPod, gpm_test_pod, G_TYPE_OBJECT)

static void
user_free (User *u)
{
  g_free (u->username);
  g_free (u->password);
  g_free (u->otp);
  g_free (u->guid);
  g_ptr_array_unref (u->aspects);
  g_array_unref (u->otp_times);
  g_free (u);
}

static void
aspect_free (Aspect *a)
{
  g_free (a->name);
  g_free (a);
}

static void
session_free (Session *s)
{
  g_free (s->id);
  g_free (s->csrf);
  g_free (s);
}

void
_gpm_test_pod_client_free (Client *c)
{
  g_free (c->client_id);
  g_free (c->client_secret);
  g_free (c->name);
  g_ptr_array_unref (c->redirect_uris);
  g_free (c);
}

static void
grant_free (Grant *g)
{
  g_free (g->code);
  g_free (g->redirect_uri);
  g_free (g->challenge);
  g_free (g->method);
  g_strfreev (g->scopes);
  g_free (g);
}

static void
token_free (Token *t)
{
  g_free (t->token);
  g_free (t->refresh);
  g_strfreev (t->scopes);
  g_free (t);
}

void
_gpm_test_pod_fault_free (Fault *f)
{
  g_free (f->prefix);
  g_free (f);
}

void
gpm_test_pod_post_free (GpmTestPodPost *p)
{
  if (p == NULL)
    return;
  g_free (p->guid);
  g_free (p->author);
  g_free (p->text);
  g_array_unref (p->aspect_ids);
  g_ptr_array_unref (p->photo_guids);
  g_free (p->poll_question);
  g_ptr_array_unref (p->poll_answers);
  g_free (p->location_address);
  g_free (p->provider_display_name);
  g_free (p->request_body);
  g_free (p);
}

static void
stored_post_free (StoredPost *sp)
{
  gpm_test_pod_post_free (sp->post);
  g_free (sp);
}

void
gpm_test_pod_photo_free (GpmTestPodPhoto *p)
{
  if (p == NULL)
    return;
  g_free (p->guid);
  g_free (p->author);
  g_free (p->post_guid);
  g_free (p);
}

void
gpm_test_pod_comment_free (GpmTestPodComment *c)
{
  if (c == NULL)
    return;
  g_free (c->guid);
  g_free (c->post_guid);
  g_free (c->author);
  g_free (c->text);
  g_free (c);
}

static gboolean
signal_started (gpointer user_data)
{
  GpmTestPod *self = user_data;

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

typedef struct {
  GpmTestPod *self;
  guint       port;
} ThreadArgs;

static gpointer
server_thread (gpointer user_data)
{
  ThreadArgs *args = user_data;
  GpmTestPod *self = args->self;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, args->port);
  GError *error = NULL;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new ("server-header", "nginx ", NULL);
  soup_server_add_handler (self->server, NULL, _gpm_test_pod_server_handler, self, NULL);
  if (!soup_server_listen (self->server, addr, 0, &error))
    {
      g_mutex_lock (&self->lock);
      self->start_error = error;
      self->started = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
    }
  else
    {
      GSList *uris = soup_server_get_uris (self->server);

      self->port = g_uri_get_port (uris->data);
      self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
      {
        GSource *idle = g_idle_source_new ();
        g_source_set_callback (idle, signal_started, self, NULL);
        g_source_attach (idle, self->context);
        g_source_unref (idle);
      }
      g_main_loop_run (self->loop);
      soup_server_disconnect (self->server);
    }
  g_clear_object (&self->server);
  /* let pending sources finish */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  g_free (args);
  return NULL;
}

static void
gpm_test_pod_finalize (GObject *object)
{
  GpmTestPod *self = GPM_TEST_POD (object);

  if (self->thread)
    {
      g_main_loop_quit (self->loop);
      g_main_context_wakeup (self->context);
      g_thread_join (self->thread);
    }
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->start_error);
  g_free (self->url);
  g_hash_table_unref (self->sessions);
  g_hash_table_unref (self->users);
  g_ptr_array_unref (self->clients);
  g_ptr_array_unref (self->grants);
  g_ptr_array_unref (self->tokens);
  g_ptr_array_unref (self->posts);
  g_ptr_array_unref (self->photos);
  g_ptr_array_unref (self->comments);
  g_queue_clear_full (&self->faults, (GDestroyNotify) _gpm_test_pod_fault_free);
  g_ptr_array_unref (self->paths);
  g_array_unref (self->sign_in_times);
  g_free (self->browser_user);
  g_free (self->version);
  g_free (self->moved_to);
  g_free (self->moved_prefix);
  g_free (self->camo_root);
  g_free (self->camo_key);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gpm_test_pod_parent_class)->finalize (object);
}

static void
gpm_test_pod_class_init (GpmTestPodClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gpm_test_pod_finalize;
}

static void
gpm_test_pod_init (GpmTestPod *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) user_free);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_free);
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) _gpm_test_pod_client_free);
  self->grants = g_ptr_array_new_with_free_func ((GDestroyNotify) grant_free);
  self->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);
  self->posts = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_post_free);
  self->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_photo_free);
  self->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_comment_free);
  g_queue_init (&self->faults);
  self->paths = g_ptr_array_new_with_free_func (g_free);
  self->sign_in_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->api_enabled = TRUE;
  /* AppConfig.version_string: the number, "-p" and the git revision when
   * run from a checkout (lib/configuration_methods.rb:71) */
  self->version = g_strdup ("0.9.1.0-p3d8f1a2b");
  self->browser_approves = TRUE;
  self->token_lifetime = 3600;
  self->next_id = 1;
}

GpmTestPod *
gpm_test_pod_new (guint port, GError **error)
{
  g_autoptr(GpmTestPod) self = g_object_new (GPM_TYPE_TEST_POD, NULL);
  ThreadArgs *args = g_new0 (ThreadArgs, 1);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  args->self = self;
  args->port = port;
  self->thread = g_thread_new ("gpm-test-pod", server_thread, args);
  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  if (self->start_error)
    {
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
gpm_test_pod_get_url (GpmTestPod *self)
{
  return self->url;
}

void
_gpm_test_pod_add_user_locked (GpmTestPod *self, const char *username, const char *password, const char *otp,
                               char **guid_out)
{
  User *u = g_new0 (User, 1);

  u->username = g_strdup (username);
  u->password = g_strdup (password);
  u->otp = g_strdup (otp);
  u->guid = _gpm_test_pod_new_guid ();
  u->person_id = self->next_id++;
  u->aspects = g_ptr_array_new_with_free_func ((GDestroyNotify) aspect_free);
  u->otp_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_hash_table_replace (self->users, u->username, u);
  if (guid_out)
    *guid_out = g_strdup (u->guid);
}

char *
gpm_test_pod_add_user (GpmTestPod *self, const char *username, const char *password, const char *otp_code)
{
  char *guid = NULL;

  g_mutex_lock (&self->lock);
  _gpm_test_pod_add_user_locked (self, username, password, otp_code, &guid);
  g_mutex_unlock (&self->lock);
  return guid;
}

gint64
_gpm_test_pod_add_aspect_locked (GpmTestPod *self, const char *username, const char *name)
{
  User *u = _gpm_test_pod_user_by_name (self, username);
  Aspect *a;

  if (u == NULL)
    return -1;
  a = g_new0 (Aspect, 1);
  a->id = self->next_id++;
  a->name = g_strdup (name);
  g_ptr_array_add (u->aspects, a);
  return a->id;
}

gint64
gpm_test_pod_add_aspect (GpmTestPod *self, const char *username, const char *name)
{
  gint64 id;

  g_mutex_lock (&self->lock);
  id = _gpm_test_pod_add_aspect_locked (self, username, name);
  g_mutex_unlock (&self->lock);
  return id;
}

void
gpm_test_pod_set_api_enabled (GpmTestPod *self, gboolean enabled)
{
  gpm_test_pod_set_version (self, enabled ? "0.9.1.0-p3d8f1a2b" : "0.7.18.2-p0b2c4d6e", enabled);
}

void
gpm_test_pod_set_version (GpmTestPod *self, const char *version, gboolean api)
{
  g_mutex_lock (&self->lock);
  g_free (self->version);
  self->version = g_strdup (version);
  self->api_enabled = api;
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_remove_token_scope (GpmTestPod *self, const char *scope)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->tokens->len; i++)
    {
      Token *t = g_ptr_array_index (self->tokens, i);
      g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();

      for (guint j = 0; t->scopes != NULL && t->scopes[j] != NULL; j++)
        if (!g_str_equal (t->scopes[j], scope))
          g_strv_builder_add (kept, t->scopes[j]);
      g_strfreev (t->scopes);
      t->scopes = g_strv_builder_end (kept);
    }
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_rotate_refresh_tokens (GpmTestPod *self, gboolean rotate)
{
  g_mutex_lock (&self->lock);
  self->rotate_refresh = rotate;
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_moved (GpmTestPod *self, const char *url)
{
  g_mutex_lock (&self->lock);
  g_free (self->moved_to);
  self->moved_to = g_strdup (url);
  self->moved_status = 301;
  g_clear_pointer (&self->moved_prefix, g_free);
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_redirected (GpmTestPod *self, const char *url, guint status, const char *path_prefix)
{
  g_mutex_lock (&self->lock);
  g_free (self->moved_to);
  self->moved_to = g_strdup (url);
  self->moved_status = status;
  g_free (self->moved_prefix);
  self->moved_prefix = g_strdup (path_prefix);
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_browser_user (GpmTestPod *self, const char *username, gboolean approve)
{
  g_mutex_lock (&self->lock);
  g_free (self->browser_user);
  self->browser_user = g_strdup (username);
  self->browser_approves = approve;
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_check_images (GpmTestPod *self, gboolean check)
{
  g_mutex_lock (&self->lock);
  self->check_images = check;
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_mysql (GpmTestPod *self, gboolean mysql)
{
  g_mutex_lock (&self->lock);
  self->mysql = mysql;
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_body_limit (GpmTestPod *self, gsize bytes)
{
  g_mutex_lock (&self->lock);
  self->body_limit = bytes;
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_camo (GpmTestPod *self, const char *root, const char *key)
{
  g_mutex_lock (&self->lock);
  g_free (self->camo_root);
  g_free (self->camo_key);
  self->camo_root = g_strdup (root);
  self->camo_key = g_strdup (root != NULL ? (key != NULL ? key : "camo key") : NULL);
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_fixed_time (GpmTestPod *self, gint64 unix_us)
{
  g_mutex_lock (&self->lock);
  self->fixed_time_us = unix_us;
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_set_time_offset (GpmTestPod *self, gint64 seconds)
{
  g_mutex_lock (&self->lock);
  self->time_offset_us = seconds * G_USEC_PER_SEC;
  g_mutex_unlock (&self->lock);
}

typedef struct {
  GpmTestPod *self;
  gboolean    down;
  gboolean    done;
  GError     *error;
} DownArgs;

static gboolean
set_down_in_server (gpointer data)
{
  DownArgs *args = data;
  GpmTestPod *self = args->self;

  if (args->down)
    soup_server_disconnect (self->server);
  else
    {
      g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, self->port);

      soup_server_listen (self->server, addr, 0, &args->error);
    }
  g_mutex_lock (&self->lock);
  args->done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

static gboolean
go_down_in_server (gpointer data)
{
  GpmTestPod *self = data;

  soup_server_disconnect (self->server);
  return G_SOURCE_REMOVE;
}

/* From the server's own thread (a GPM_TEST_POD_FAULT_GO_DOWN): the port is
 * closed once the handler has returned. */
void
_gpm_test_pod_go_down_later (GpmTestPod *self)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, go_down_in_server, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Not diaspora but the machine it runs on: stopped (its port closed, every
 * connection refused) or started again on the same port. */
void
gpm_test_pod_set_down (GpmTestPod *self, gboolean down)
{
  DownArgs args = { self, down, FALSE, NULL };
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, set_down_in_server, &args, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
  g_mutex_lock (&self->lock);
  while (!args.done)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  g_assert_no_error (args.error);
}

void
gpm_test_pod_set_token_lifetime (GpmTestPod *self, guint seconds)
{
  g_mutex_lock (&self->lock);
  self->token_lifetime = seconds;
  g_mutex_unlock (&self->lock);
}

static gpointer
browser_thread (gpointer user_data)
{
  char *uri = user_data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);

  /* follow at most a few redirects: the pod's authorization, then the app's callback */
  for (int hop = 0; uri && hop < 5; hop++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      g_autoptr(GBytes) body = NULL;
      const char *location;

      g_clear_pointer (&uri, g_free);
      if (msg == NULL)
        break;
      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      body = soup_session_send_and_read (session, msg, NULL, NULL);
      location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
      if (SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (msg)) && location)
        {
          g_autoptr(GUri) next = g_uri_parse_relative (soup_message_get_uri (msg), location,
                                                       SOUP_HTTP_URI_FLAGS, NULL);
          uri = next ? g_uri_to_string (next) : NULL;
        }
    }
  g_free (uri);
  return NULL;
}

void
gpm_test_pod_open_in_browser (const char *uri, gpointer user_data)
{
  g_thread_unref (g_thread_new ("gpm-test-browser", browser_thread, g_strdup (uri)));
}

void
_gpm_test_pod_inject_fault_locked (GpmTestPod *self, const char *prefix, GpmTestPodFault kind, guint param, guint count)
{
  Fault *f = g_new0 (Fault, 1);

  f->prefix = g_strdup (prefix);
  f->kind = kind;
  f->param = param;
  f->remaining = count;
  g_queue_push_tail (&self->faults, f);
}

void
gpm_test_pod_inject_fault (GpmTestPod *self, const char *path_prefix, GpmTestPodFault fault,
                           guint param, guint count)
{
  g_mutex_lock (&self->lock);
  _gpm_test_pod_inject_fault_locked (self, path_prefix, fault, param, count);
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_end_sessions (GpmTestPod *self)
{
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Session *) value)->user = NULL;
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_lock_user (GpmTestPod *self, const char *username)
{
  User *u;

  g_mutex_lock (&self->lock);
  u = g_hash_table_lookup (self->users, username);
  g_assert_nonnull (u);
  u->locked = TRUE;
  g_mutex_unlock (&self->lock);
  gpm_test_pod_end_sessions (self);
}

void
gpm_test_pod_set_password (GpmTestPod *self, const char *username, const char *password)
{
  User *u;

  g_mutex_lock (&self->lock);
  u = g_hash_table_lookup (self->users, username);
  g_assert_nonnull (u);
  g_free (u->password);
  u->password = g_strdup (password);
  g_mutex_unlock (&self->lock);
  gpm_test_pod_end_sessions (self);
}

void
gpm_test_pod_clear_faults (GpmTestPod *self)
{
  g_mutex_lock (&self->lock);
  g_queue_clear_full (&self->faults, (GDestroyNotify) _gpm_test_pod_fault_free);
  g_queue_init (&self->faults);
  g_mutex_unlock (&self->lock);
}
