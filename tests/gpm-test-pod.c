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
 */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <libsoup/soup.h>

#include "gpm-diaspora.h"
#include "gpm-test-pod.h"

#define MAX_TEXT GPM_DIASPORA_MAX_TEXT_CHARS
#define SIGN_IN_LIMIT 20
#define SIGN_IN_PERIOD_US ((gint64) 5 * 60 * G_USEC_PER_SEC)
#define PAGE_SIZE 15

typedef struct {
  char      *username;
  char      *password;
  char      *otp;
  char      *guid;
  gint64     person_id;
  GPtrArray *aspects;   /* Aspect* */
  GArray    *otp_times; /* gint64 monotonic: second-step POSTs */
} User;

typedef struct {
  gint64  id;
  char   *name;
} Aspect;

typedef struct {
  char *id;
  char *csrf;
  User *user;       /* signed in */
  User *otp_user;   /* password accepted, waiting for the code */
} Session;

typedef struct {
  char      *client_id;
  char      *client_secret;
  char      *name;
  GPtrArray *redirect_uris;
} Client;

typedef struct {
  char   *code;
  Client *client;
  User   *user;
  char   *redirect_uri;
  char   *challenge;
  char   *method;
  char  **scopes;     /* what the app asked for and the user approved */
  gboolean used;
} Grant;

typedef struct {
  char   *token;
  Client *client;
  User   *user;
  char   *refresh;    /* set on refresh tokens */
  gint64  expires;    /* real time, µs */
  gboolean is_refresh;
  char  **scopes;     /* the authorization's (Api::OpenidConnect::Authorization#scopes) */
} Token;

typedef struct {
  char            *prefix;
  GpmTestPodFault  kind;
  guint            param;
  guint            remaining;
} Fault;

typedef struct {
  GpmTestPodPost *post;
  gint64          created_us;
} StoredPost;

struct _GpmTestPod
{
  GObject       parent_instance;

  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  guint         port;
  GError       *start_error;
  gboolean      started;
  GCond         cond;

  GMutex        lock;
  GHashTable   *users;     /* username → User* */
  GHashTable   *sessions;  /* id → Session* */
  GPtrArray    *clients;   /* Client* */
  GPtrArray    *grants;    /* Grant* */
  GPtrArray    *tokens;    /* Token* */
  GPtrArray    *posts;     /* StoredPost* */
  GPtrArray    *photos;    /* GpmTestPodPhoto* */
  GPtrArray    *comments;  /* GpmTestPodComment*, oldest first */
  GQueue        faults;    /* Fault* */
  GPtrArray    *paths;     /* char*, every request seen */
  GArray       *sign_in_times; /* gint64 monotonic */
  gboolean      api_enabled; /* API v1 routes and scopes (diaspora >= 0.9.0.0) */
  char         *version;     /* what nodeinfo and X-Diaspora-Version say */
  char         *moved_to;    /* not NULL: every request is sent there (301) */
  gboolean      rotate_refresh; /* a refresh gives a new refresh token */
  gboolean      check_images;
  gsize         body_limit;
  gint64        time_offset_us;
  char         *camo_root;
  char         *camo_key;
  char         *browser_user;
  gboolean      browser_approves;
  guint         token_lifetime;
  gint64        next_id;
};

G_DEFINE_FINAL_TYPE (GpmTestPod, gpm_test_pod, G_TYPE_OBJECT)

/* ----------------------------------------------------------------- helpers */

static char *
new_guid (void)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < 4; i++)
    g_string_append_printf (s, "%08x", g_random_int ());
  return g_string_free (s, FALSE);
}

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

static void
client_free (Client *c)
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

static void
fault_free (Fault *f)
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

static gpointer
copy_string (gconstpointer src, gpointer data)
{
  return g_strdup (src);
}

static GpmTestPodPost *
post_copy (const GpmTestPodPost *p)
{
  GpmTestPodPost *c = g_new0 (GpmTestPodPost, 1);

  c->id = p->id;
  c->guid = g_strdup (p->guid);
  c->author = g_strdup (p->author);
  c->text = g_strdup (p->text);
  c->is_public = p->is_public;
  c->aspect_ids = g_array_copy (p->aspect_ids);
  c->photo_guids = g_ptr_array_copy (p->photo_guids, copy_string, NULL);
  g_ptr_array_set_free_func (c->photo_guids, g_free);
  c->poll_question = g_strdup (p->poll_question);
  c->poll_answers = g_ptr_array_copy (p->poll_answers, copy_string, NULL);
  g_ptr_array_set_free_func (c->poll_answers, g_free);
  c->location_address = g_strdup (p->location_address);
  c->latitude = p->latitude;
  c->longitude = p->longitude;
  c->provider_display_name = g_strdup (p->provider_display_name);
  c->via_api = p->via_api;
  c->request_body = g_strdup (p->request_body);
  return c;
}

static GpmTestPodPhoto *
photo_copy (const GpmTestPodPhoto *p)
{
  GpmTestPodPhoto *c = g_new0 (GpmTestPodPhoto, 1);

  *c = *p;
  c->guid = g_strdup (p->guid);
  c->author = g_strdup (p->author);
  c->post_guid = g_strdup (p->post_guid);
  return c;
}

static char *
iso_time (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) dt2 = g_date_time_add (dt, us % G_USEC_PER_SEC);
  g_autofree char *base = g_date_time_format (dt2, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, (int) ((us % G_USEC_PER_SEC) / 1000));
}

static void
respond (SoupServerMessage *msg, guint status, const char *content_type, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  /* a second answer (a fault after the work) replaces the first */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  if (body)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
respond_json_node (SoupServerMessage *msg, guint status, JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  respond (msg, status, "application/json; charset=utf-8", text);
}

static void
respond_builder (SoupServerMessage *msg, guint status, JsonBuilder *b)
{
  g_autoptr(JsonNode) node = json_builder_get_root (b);

  respond_json_node (msg, status, node);
}

static void
respond_api_error (SoupServerMessage *msg, guint code, const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  respond_builder (msg, code, b);
}

static void
redirect (SoupServerMessage *msg, GpmTestPod *self, const char *path)
{
  g_autofree char *to = g_str_has_prefix (path, "http") ? g_strdup (path) : g_strconcat (self->url, path, NULL);

  soup_server_message_set_redirect (msg, 302, to);
}

static char *
request_body (SoupServerMessage *msg, gsize *len)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize l = g_bytes_get_size (bytes);

  if (len)
    *len = l;
  return g_strndup (g_bytes_get_data (bytes, NULL), l);
}

static JsonObject *
request_json (SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  g_autofree char *body = request_body (msg, &len);
  JsonNode *root;

  if (len == 0 || !json_parser_load_from_data (parser, body, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

static GHashTable *
request_form (SoupServerMessage *msg)
{
  g_autofree char *body = request_body (msg, NULL);

  return soup_form_decode (body);
}

static char *
cookie_value (SoupServerMessage *msg, const char *name)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Cookie");
  g_auto(GStrv) parts = NULL;

  if (header == NULL)
    return NULL;
  parts = g_strsplit (header, ";", -1);
  for (guint i = 0; parts[i]; i++)
    {
      char *p = g_strstrip (parts[i]);
      gsize n = strlen (name);

      if (strncmp (p, name, n) == 0 && p[n] == '=')
        return g_strdup (p + n + 1);
    }
  return NULL;
}

static const char *
jstr (JsonObject *o, const char *name)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  n = json_object_get_member (o, name);
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return NULL;
}

/* A member as Ruby's "#{value}" writes it: "" when missing or null. */
static char *
json_value_text (JsonObject *o, const char *name)
{
  JsonNode *n = o && json_object_has_member (o, name) ? json_object_get_member (o, name) : NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return g_strdup ("");
  switch (json_node_get_value_type (n))
    {
    case G_TYPE_STRING: return g_strdup (json_node_get_string (n));
    case G_TYPE_INT64: return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
    case G_TYPE_DOUBLE: return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (n)));
    default: return g_strdup ("");
    }
}

static gint64
jint (JsonNode *n)
{
  if (!JSON_NODE_HOLDS_VALUE (n))
    return -1;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return json_node_get_int (n);
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (n), NULL, 10);
  return -1;
}

static Session *
find_session (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autofree char *id = cookie_value (msg, "_diaspora_session");

  return id ? g_hash_table_lookup (self->sessions, id) : NULL;
}

static Session *
new_session (GpmTestPod *self, SoupServerMessage *msg)
{
  Session *s = g_new0 (Session, 1);
  g_autofree char *cookie = NULL;

  s->id = new_guid ();
  s->csrf = new_guid ();
  g_hash_table_insert (self->sessions, s->id, s);
  cookie = g_strdup_printf ("_diaspora_session=%s; path=/; HttpOnly; SameSite=Lax", s->id);
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie", cookie);
  return s;
}

static User *
find_user_by_guid (GpmTestPod *self, const char *guid)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->users);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_str_equal (((User *) value)->guid, guid))
      return value;
  return NULL;
}

static gboolean
wants_json (SoupServerMessage *msg, const char *path)
{
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Accept");

  return g_str_has_suffix (path, ".json") || (accept && strstr (accept, "application/json"));
}

/* Devise's authenticate_user! */
static User *
web_user_or_respond (GpmTestPod *self, SoupServerMessage *msg, const char *path, Session **session_out)
{
  Session *s = find_session (self, msg);

  if (s && s->user)
    {
      if (session_out)
        *session_out = s;
      return s->user;
    }
  if (wants_json (msg, path))
    respond (msg, 401, "application/json; charset=utf-8",
             "{\"error\":\"You need to sign in or sign up before continuing.\"}");
  else
    redirect (msg, self, "/users/sign_in");
  return NULL;
}

/* protect_from_forgery: a bad token signs out and redirects to sign-in */
static gboolean
csrf_ok_or_respond (GpmTestPod *self, SoupServerMessage *msg, Session *s, const char *form_token)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "X-CSRF-Token");
  /* Rails takes a valid token from the form or from the header */
  if (s && ((form_token && g_str_equal (form_token, s->csrf)) || (header && g_str_equal (header, s->csrf))))
    return TRUE;
  if (s)
    s->user = NULL;
  redirect (msg, self, "/users/sign_in");
  return FALSE;
}

/* ---------------------------------------------------------------- web pages */

static void
page_sign_in (GpmTestPod *self, SoupServerMessage *msg, Session *s, const char *alert)
{
  g_autofree char *html = g_strdup_printf (
    "<!DOCTYPE html><html><head><title>diaspora* test pod</title>"
    "<meta name=\"csrf-param\" content=\"authenticity_token\" />\n"
    "<meta name=\"csrf-token\" content=\"%s\" />\n</head><body>%s%s%s"
    "<form class=\"new_user\" id=\"new_user\" action=\"/users/sign_in\" accept-charset=\"UTF-8\" method=\"post\">"
    "<input name=\"utf8\" type=\"hidden\" value=\"&#x2713;\" />"
    "<input type=\"hidden\" name=\"authenticity_token\" value=\"%s\" />"
    "<input placeholder=\"Username\" type=\"text\" name=\"user[username]\" id=\"user_username\" />"
    "<input placeholder=\"Password\" type=\"password\" name=\"user[password]\" id=\"user_password\" />"
    "<input name=\"user[remember_me]\" type=\"hidden\" value=\"0\" />"
    "<input type=\"submit\" name=\"commit\" value=\"Sign in\" /></form></body></html>",
    s->csrf, alert ? "<div class=\"alert\">" : "", alert ? alert : "", alert ? "</div>" : "", s->csrf);

  respond (msg, 200, "text/html; charset=utf-8", html);
}

static void
page_two_factor (GpmTestPod *self, SoupServerMessage *msg, Session *s, const char *alert)
{
  g_autofree char *html = g_strdup_printf (
    "<!DOCTYPE html><html><head><title>Two-factor authentication</title>"
    "<meta name=\"csrf-param\" content=\"authenticity_token\" />\n"
    "<meta name=\"csrf-token\" content=\"%s\" />\n</head><body>%s"
    "<div class=\"container\" id=\"twofa\"><h1>Two-factor authentication</h1>"
    "<form class=\"block-form\" action=\"/users/sign_in\" accept-charset=\"UTF-8\" method=\"post\">"
    "<input type=\"hidden\" name=\"authenticity_token\" value=\"%s\" />"
    "<input placeholder=\"Two-factor authentication code\" required=\"required\" autofocus=\"autofocus\" "
    "class=\"input-block-level form-control\" type=\"text\" name=\"user[otp_attempt]\" id=\"user_otp_attempt\" />"
    "<button name=\"button\" type=\"submit\">Sign in</button></form></div></body></html>",
    s->csrf, alert ? alert : "", s->csrf);

  respond (msg, 200, "text/html; charset=utf-8", html);
}

static void
add_aspects_json (JsonBuilder *b, User *u)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < u->aspects->len; i++)
    {
      Aspect *a = g_ptr_array_index (u->aspects, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, a->id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, a->name);
      json_builder_set_member_name (b, "selected");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static char *
diaspora_id (GpmTestPod *self, User *u)
{
  return g_strdup_printf ("%s@127.0.0.1:%u", u->username, self->port);
}

static void
page_signed_in (GpmTestPod *self, SoupServerMessage *msg, Session *s, User *u)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *gon = NULL;
  g_autofree char *html = NULL;
  g_autofree char *did = diaspora_id (self, u);

  /* gon with camel_case: true, like layouts/_head.haml */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, u->person_id);
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, u->guid);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, u->username);
  json_builder_set_member_name (b, "diasporaId");
  json_builder_add_string_value (b, did);
  json_builder_set_member_name (b, "notificationsCount");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "aspects");
  add_aspects_json (b, u);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  gon = json_to_string (node, FALSE);
  html = g_strdup_printf (
    "<!DOCTYPE html><html><head><title>Stream</title>"
    "<script nonce=\"x\">\n//<![CDATA[\nwindow.gon={};gon.appConfig={\"settings\":{\"podname\":\"test\"}};"
    "gon.user=%s;gon.preloads={};\n//]]>\n</script>\n"
    "<meta name=\"csrf-param\" content=\"authenticity_token\" />\n"
    "<meta name=\"csrf-token\" content=\"%s\" />\n</head><body><div id=\"main-stream\"></div></body></html>",
    gon, s->csrf);
  respond (msg, 200, "text/html; charset=utf-8", html);
}

/* rack-attack's throttle: records this request, TRUE when over @limit in @period_us */
static gboolean
throttled (GArray *times, guint limit, gint64 period_us)
{
  gint64 now = g_get_monotonic_time ();
  guint keep = 0;

  for (guint i = 0; i < times->len; i++)
    {
      gint64 t = g_array_index (times, gint64, i);
      if (now - t < period_us)
        g_array_index (times, gint64, keep++) = t;
    }
  g_array_set_size (times, keep);
  g_array_append_val (times, now);
  return times->len > limit;
}

static gboolean
sign_in_throttled (GpmTestPod *self, Session *s)
{
  /* "logins/ip": 20 per 5 minutes; "otp/user_id": 20 per hour
   * (config/initializers/rack_attack.rb, new in 0.9.0.0: there is no such
   * file at v0.7.18.2, so older pods do not throttle) */
  gboolean by_ip, by_otp;

  if (!self->api_enabled)
    return FALSE;
  by_ip = throttled (self->sign_in_times, SIGN_IN_LIMIT, SIGN_IN_PERIOD_US);
  by_otp = s && s->otp_user && throttled (s->otp_user->otp_times, 20, (gint64) 60 * 60 * G_USEC_PER_SEC);
  return by_ip || by_otp;
}

static void
handle_sign_in_post (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = request_form (msg);
  Session *s = find_session (self, msg);
  const char *token = g_hash_table_lookup (form, "authenticity_token");
  const char *username = g_hash_table_lookup (form, "user[username]");
  const char *password = g_hash_table_lookup (form, "user[password]");
  const char *otp = g_hash_table_lookup (form, "user[otp_attempt]");
  User *u;

  if (sign_in_throttled (self, s))
    {
      respond (msg, 429, "text/plain", "Retry later\n");
      return;
    }
  if (s == NULL || token == NULL || !g_str_equal (token, s->csrf))
    {
      if (s)
        s->user = NULL;
      redirect (msg, self, "/users/sign_in");
      return;
    }

  /* second step */
  if (username == NULL && s->otp_user)
    {
      u = s->otp_user;
      if (otp && u->otp && g_str_equal (otp, u->otp))
        {
          Session *fresh;

          g_hash_table_remove (self->sessions, s->id);
          fresh = new_session (self, msg);
          fresh->user = u;
          redirect (msg, self, "/stream");
        }
      else
        page_two_factor (self, msg, s, "Invalid token");
      return;
    }

  /* Devise strips and lower-cases the name before looking it up
   * (config/initializers/devise.rb:66,71 case_insensitive_keys,
   * strip_whitespace_keys; app/models/user.rb:224) */
  if (username)
    {
      g_autofree char *canonical = g_ascii_strdown (g_strstrip (g_strdup (username)), -1);
      u = g_hash_table_lookup (self->users, canonical);
    }
  else
    u = NULL;
  if (u == NULL || password == NULL || !g_str_equal (password, u->password))
    {
      /* Devise recall: the form again, status 200 (responder error_status :ok) */
      page_sign_in (self, msg, s, "Invalid Username or password.");
      return;
    }
  if (u->otp)
    {
      s->otp_user = u;
      page_two_factor (self, msg, s, NULL);
      return;
    }
  {
    Session *fresh;

    g_hash_table_remove (self->sessions, s->id);
    fresh = new_session (self, msg);
    fresh->user = u;
    redirect (msg, self, "/stream");
  }
}

/* ------------------------------------------------------------------- posts */

static User *
user_by_name (GpmTestPod *self, const char *name)
{
  return g_hash_table_lookup (self->users, name);
}

static GpmTestPodPhoto *
find_photo (GpmTestPod *self, const char *id_or_guid, gboolean by_guid)
{
  for (guint i = 0; i < self->photos->len; i++)
    {
      GpmTestPodPhoto *p = g_ptr_array_index (self->photos, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, p->id);

      if (by_guid ? g_str_equal (p->guid, id_or_guid) : g_str_equal (id, id_or_guid))
        return p;
    }
  return NULL;
}

static StoredPost *
find_post_by_guid (GpmTestPod *self, const char *id_or_guid)
{
  for (guint i = 0; i < self->posts->len; i++)
    {
      StoredPost *sp = g_ptr_array_index (self->posts, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, sp->post->id);

      if (g_str_equal (sp->post->guid, id_or_guid) || g_str_equal (id, id_or_guid))
        return sp;
    }
  return NULL;
}

/* Workers::CleanupPendingPhotos (app/workers/cleanup_pending_photos.rb:8, the same in 0.7.18.2):
 * Photo.where(pending: true).where("created_at < ?", 1.day.ago).destroy_all,
 * run once a day (config/initializers/sidekiq_scheduled.rb:32-35). */
static guint
cleanup_pending_photos_locked (GpmTestPod *self, gint64 older_than_us)
{
  gint64 limit = g_get_real_time () - older_than_us;
  guint n = 0;

  for (guint i = 0; i < self->photos->len; i++)
    {
      GpmTestPodPhoto *ph = g_ptr_array_index (self->photos, i);

      if (ph->pending && ph->created_us <= limit)
        {
          g_ptr_array_remove_index (self->photos, i--);
          n++;
        }
    }
  return n;
}

/* PostService#destroy (app/services/post_service.rb:39-48) as used by
 * posts_controller.rb:59-65 (web, 204 for JSON) and
 * api/v1/posts_controller.rb:37-42 (204): the author's own post only
 * (Diaspora::NotMine → 403), a post that is not there → 404
 * (RecordNotFound; api/v1/posts_controller.rb:16-17). Its photos go with it
 * (status_message.rb:23, has_many :photos, dependent: :destroy). */
static void
delete_post (GpmTestPod *self, SoupServerMessage *msg, User *u, const char *id_or_guid, gboolean api)
{
  StoredPost *sp = find_post_by_guid (self, id_or_guid);

  if (sp == NULL)
    {
      if (api)
        respond_api_error (msg, 404, "Post with provided guid could not be found");
      else
        respond (msg, 404, "text/html", "<html><body>The page you were looking for doesn't exist.</body></html>");
      return;
    }
  if (!g_str_equal (sp->post->author, u->username))
    {
      if (api)
        respond_api_error (msg, 403, "Not allowed to delete the post");
      else
        respond (msg, 403, "text/plain; charset=utf-8", "You are not allowed to do that");
      return;
    }
  for (guint i = 0; i < self->photos->len; i++)
    {
      GpmTestPodPhoto *ph = g_ptr_array_index (self->photos, i);

      if (g_strcmp0 (ph->post_guid, sp->post->guid) == 0)
        g_ptr_array_remove_index (self->photos, i--);
    }
  g_ptr_array_remove (self->posts, sp);
  soup_server_message_set_status (msg, 204, NULL);
}

/* lib/diaspora/camo.rb:16-34 (image_url), with url_eligible? (:36-41). */
static char *
camo_image_url (GpmTestPod *self, const char *url)
{
  g_autofree char *unescaped = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *digest = NULL;
  GString *hex;

  if (!(g_str_has_prefix (url, "http") || g_str_has_prefix (url, "//")) ||
      g_str_has_prefix (url, self->url) || g_str_has_prefix (url, self->camo_root))
    return g_strdup (url);
  /* Addressable::URI.encode(Addressable::URI.unencode(url)) */
  unescaped = g_uri_unescape_string (url, NULL);
  if (unescaped == NULL)
    return g_strdup (url);
  encoded = g_uri_escape_string (unescaped, "!$&'()*+,;=:@/?#[]~", TRUE);
  digest = g_compute_hmac_for_string (G_CHECKSUM_SHA1, (const guchar *) self->camo_key, strlen (self->camo_key),
                                      encoded, -1);
  hex = g_string_new (NULL);
  for (const char *c = encoded; *c; c++)
    g_string_append_printf (hex, "%02x", (guchar) *c);
  {
    g_autofree char *encoded_hex = g_string_free (hex, FALSE);

    return g_strdup_printf ("%s/%s/%s", self->camo_root, digest, encoded_hex);
  }
}

typedef struct {
  GpmTestPod *self;
  guint       group;   /* the URL's group in the pattern */
} CamoData;

static gboolean
camo_replace (const GMatchInfo *info, GString *out, gpointer user_data)
{
  CamoData *d = user_data;
  g_autofree char *all = g_match_info_fetch (info, 0);
  g_autofree char *url = g_match_info_fetch (info, d->group);
  g_autofree char *camo = camo_image_url (d->self, url);
  const char *at = *url ? strstr (all, url) : NULL;

  /* link.gsub($4, image_url($4)) */
  if (at == NULL)
    g_string_append (out, all);
  else
    {
      g_string_append_len (out, all, at - all);
      g_string_append (out, camo);
      g_string_append (out, at + strlen (url));
    }
  return FALSE;
}

/* The text as diaspora answers it: PostPresenter#build_text
 * (post_presenter.rb:105-111) → MessageRenderer#plain_text_for_json
 * (lib/diaspora/message_renderer.rb:189-195; 0.7: :185-191): normalize
 * (:20-22, RTL-wrapped hashtags made plain), then, with camo on, camo_urls
 * (:98-100 → lib/diaspora/camo.rb:6-14). */
static char *
text_for_json (GpmTestPod *self, const char *text)
{
  g_autoptr(GRegex) rtl = g_regex_new ("[\\x{202a}\\x{202b}]#[\\x{200e}\\x{200f}\\x{202d}\\x{202e}](\\S+)\\x{202c}",
                                       0, 0, NULL);
  char *out = g_regex_replace (rtl, text, -1, 0, "#\\1", 0, NULL);

  if (self->camo_root != NULL)
    {
      g_autoptr(GRegex) md = g_regex_new ("(!\\[(.*?)\\]\\s?\\([ \\t]*()<?(\\S+?)>?[ \\t]*((['\"])(.*?)\\6[ \\t]*)?\\))",
                                          G_REGEX_DOTALL, 0, NULL);
      g_autoptr(GRegex) src = g_regex_new ("src=(['\"])(.+?)\\1", G_REGEX_DOTALL, 0, NULL);
      CamoData md_data = { self, 4 };
      CamoData src_data = { self, 2 };
      char *step;

      step = g_regex_replace_eval (md, out, -1, 0, 0, camo_replace, &md_data, NULL);
      g_free (out);
      out = g_regex_replace_eval (src, step, -1, 0, 0, camo_replace, &src_data, NULL);
      g_free (step);
    }
  return out;
}

static void
post_to_json (GpmTestPod *self, JsonBuilder *b, StoredPost *sp, gboolean api)
{
  GpmTestPodPost *p = sp->post;
  g_autofree char *text = text_for_json (self, p->text);
  g_autofree char *created = iso_time (sp->created_us);
  User *u = user_by_name (self, p->author);

  json_builder_begin_object (b);
  if (!api)
    {
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, p->id);
    }
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, p->guid);
  json_builder_set_member_name (b, api ? "body" : "text");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "public");
  json_builder_add_boolean_value (b, p->is_public);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "post_type");
  json_builder_add_string_value (b, "StatusMessage");
  json_builder_set_member_name (b, "provider_display_name");
  if (p->provider_display_name)
    json_builder_add_string_value (b, p->provider_display_name);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "author");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, u ? u->guid : "");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, p->author);
  json_builder_end_object (b);
  /* post_presenter.rb:135-136 (build_photos_json) renders each photo with
   * photo_presenter.rb:21-35 as_api_json: dimensions and sizes, no id and
   * no guid (as_api_json(full=false)), on the web and the API alike. */
  json_builder_set_member_name (b, "photos");
  json_builder_begin_array (b);
  for (guint i = 0; i < p->photo_guids->len; i++)
    {
      g_autofree char *raw = g_strdup_printf ("%s/uploads/images/%s.jpg", self->url,
                                              (const char *) g_ptr_array_index (p->photo_guids, i));

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dimensions");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, 1);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "sizes");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "raw");
      json_builder_add_string_value (b, raw);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (p->poll_question)
    {
      json_builder_set_member_name (b, "poll");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "question");
      json_builder_add_string_value (b, p->poll_question);
      json_builder_set_member_name (b, "poll_answers");
      json_builder_begin_array (b);
      for (guint i = 0; i < p->poll_answers->len; i++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "answer");
          json_builder_add_string_value (b, g_ptr_array_index (p->poll_answers, i));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  if (p->location_address)
    {
      json_builder_set_member_name (b, "location");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "address");
      json_builder_add_string_value (b, p->location_address);
      json_builder_set_member_name (b, "lat");
      json_builder_add_double_value (b, p->latitude);
      json_builder_set_member_name (b, "lng");
      json_builder_add_double_value (b, p->longitude);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/* An unsaved post as the presenter renders it: "id": null, no created_at. */
static void
unsaved_post_json (JsonBuilder *b, const char *text, gboolean is_public, gboolean api)
{
  g_autofree char *guid = new_guid ();

  json_builder_begin_object (b);
  if (!api)
    {
      json_builder_set_member_name (b, "id");
      json_builder_add_null_value (b);
    }
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, guid);
  json_builder_set_member_name (b, api ? "body" : "text");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "public");
  json_builder_add_boolean_value (b, is_public);
  if (!api)
    {
      json_builder_set_member_name (b, "created_at");
      json_builder_add_null_value (b);
    }
  json_builder_end_object (b);
}

/* The shared creation service: returns the stored post, or NULL with
 * *@status / *@message set for the controller to render. */
typedef struct {
  const char *text;
  const char *provider;
  gboolean    is_public;
  GArray     *aspect_ids;   /* gint64 */
  GPtrArray  *photo_refs;   /* char*: ids (web) or guids (API) */
  gboolean    photos_by_guid;
  const char *poll_question;
  GPtrArray  *poll_answers;
  const char *location_address;
  char       *location_coords;  /* "LAT,LNG" as the controller hands it on */
  gboolean    via_api;
  char       *request_body;     /* as received */
} Creation;

static void
creation_clear (Creation *c)
{
  g_free (c->location_coords);
  g_free (c->request_body);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Creation, creation_clear)

typedef enum {
  CREATE_OK,
  CREATE_UNSAVED,     /* validation failed: over-long text */
  CREATE_BAD_ASPECTS,
  CREATE_BAD_PHOTOS,
  CREATE_MISSING_CONTENT,
} CreateResult;

static CreateResult
create_post (GpmTestPod *self, User *u, Creation *c, StoredPost **out)
{
  GpmTestPodPost *p;
  StoredPost *sp;

  if ((c->text == NULL || *c->text == '\0') && (c->photo_refs == NULL || c->photo_refs->len == 0))
    return CREATE_MISSING_CONTENT;
  if (!c->is_public)
    {
      guint found = 0;

      for (guint i = 0; c->aspect_ids && i < c->aspect_ids->len; i++)
        for (guint j = 0; j < u->aspects->len; j++)
          if (((Aspect *) g_ptr_array_index (u->aspects, j))->id == g_array_index (c->aspect_ids, gint64, i))
            found++;
      if (found == 0)
        return CREATE_BAD_ASPECTS;
    }
  /* API: api/v1/posts_controller.rb:68-79 (add_photo_ids): every guid must
   * name a pending photo of the author; Photo.find_by! raises for a guid
   * that is gone, a photo of another post raises InvalidArgument, and both
   * end in `rescue StandardError` → 422 (:33-34). The web path has no such
   * check (below). */
  for (guint i = 0; c->via_api && c->photo_refs && i < c->photo_refs->len; i++)
    {
      GpmTestPodPhoto *ph = find_photo (self, g_ptr_array_index (c->photo_refs, i), c->photos_by_guid);

      if (ph == NULL || !g_str_equal (ph->author, u->username) || !ph->pending)
        return CREATE_BAD_PHOTOS;
    }
  if (c->text && g_utf8_strlen (c->text, -1) > MAX_TEXT)
    return CREATE_UNSAVED;

  p = g_new0 (GpmTestPodPost, 1);
  p->id = self->next_id++;
  p->guid = new_guid ();
  p->author = g_strdup (u->username);
  p->text = g_strdup (c->text ? c->text : "");
  p->is_public = c->is_public;
  p->aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!c->is_public && c->aspect_ids)
    g_array_append_vals (p->aspect_ids, c->aspect_ids->data, c->aspect_ids->len);
  p->photo_guids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; c->photo_refs && i < c->photo_refs->len; i++)
    {
      GpmTestPodPhoto *ph = find_photo (self, g_ptr_array_index (c->photo_refs, i), c->photos_by_guid);

      /* Web: status_message_creation_service.rb:54-61 (add_photos; 0.7.18.2: :50) takes
       * Photo.where(id: photos, author_id: …): ids that no longer exist
       * (the daily cleanup destroyed them) are silently left out, and
       * photos already attached to another post are taken from it, with no
       * pending filter. The post is saved and answered 201 all the same. */
      if (ph == NULL || !g_str_equal (ph->author, u->username))
        continue;
      if (ph->post_guid != NULL)
        {
          StoredPost *owner = find_post_by_guid (self, ph->post_guid);

          if (owner != NULL)
            for (guint j = 0; j < owner->post->photo_guids->len; j++)
              if (g_str_equal (g_ptr_array_index (owner->post->photo_guids, j), ph->guid))
                g_ptr_array_remove_index (owner->post->photo_guids, j--);
          g_clear_pointer (&ph->post_guid, g_free);
        }
      ph->pending = FALSE;
      ph->post_guid = g_strdup (p->guid);
      g_ptr_array_add (p->photo_guids, g_strdup (ph->guid));
    }
  p->poll_question = g_strdup (c->poll_question);
  p->poll_answers = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; c->poll_question && c->poll_answers && i < c->poll_answers->len; i++)
    g_ptr_array_add (p->poll_answers, g_strdup (g_ptr_array_index (c->poll_answers, i)));
  /* diaspora builds a location only when an address is given
   * (app/services/status_message_creation_service.rb:41), splits the
   * coordinates at ',' (app/models/location.rb:4,14) and validates lat and
   * lng (app/models/location.rb:5): an invalid location is not saved, the post
   * is (has_one autosave), so a location without coordinates is dropped
   * without a word. */
  if (c->location_address && *c->location_address && c->location_coords)
    {
      g_auto(GStrv) ll = g_strsplit (c->location_coords, ",", -1);

      if (ll[0] != NULL && *g_strstrip (ll[0]) != '\0' && ll[1] != NULL && *g_strstrip (ll[1]) != '\0')
        {
          p->location_address = g_strdup (c->location_address);
          p->latitude = g_ascii_strtod (ll[0], NULL);
          p->longitude = g_ascii_strtod (ll[1], NULL);
        }
    }
  p->request_body = g_strdup (c->request_body);
  p->provider_display_name = g_strdup (c->provider);
  p->via_api = c->via_api;

  sp = g_new0 (StoredPost, 1);
  sp->post = p;
  sp->created_us = g_get_real_time () + self->time_offset_us;
  g_ptr_array_add (self->posts, sp);
  *out = sp;
  return CREATE_OK;
}

static void
handle_status_messages (GpmTestPod *self, SoupServerMessage *msg, const char *path, gboolean null_id)
{
  Session *s = NULL;
  User *u = web_user_or_respond (self, msg, path, &s);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(Creation) c = { 0 };
  StoredPost *sp = NULL;
  JsonObject *sm;
  JsonNode *aspects;

  if (u == NULL || !csrf_ok_or_respond (self, msg, s, NULL))
    return;
  body = request_json (msg);
  if (body == NULL || !json_object_has_member (body, "status_message")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "status_message")))
    {
      respond (msg, 400, "text/plain", "param is missing or the value is empty: status_message");
      return;
    }
  sm = json_object_get_object_member (body, "status_message");
  c.text = jstr (sm, "text");
  c.provider = jstr (sm, "provider_display_name");
  aspects = json_object_has_member (body, "aspect_ids") ? json_object_get_member (body, "aspect_ids") : NULL;
  if (aspects && JSON_NODE_HOLDS_VALUE (aspects))
    {
      /* [*params[:aspect_ids]].first == "public" */
      c.is_public = g_strcmp0 (json_node_get_string (aspects), "public") == 0;
      if (!c.is_public && jint (aspects) > 0)
        {
          gint64 id = jint (aspects);
          g_array_append_val (aspect_ids, id);
        }
    }
  else if (aspects && JSON_NODE_HOLDS_ARRAY (aspects))
    {
      JsonArray *arr = json_node_get_array (aspects);

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);

          if (i == 0 && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
              && g_str_equal (json_node_get_string (n), "public"))
            c.is_public = TRUE;
          else if (i == 0 && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                   && g_str_equal (json_node_get_string (n), "all_aspects"))
            for (guint j = 0; j < u->aspects->len; j++)
              g_array_append_val (aspect_ids, ((Aspect *) g_ptr_array_index (u->aspects, j))->id);
          else
            {
              gint64 id = jint (n);
              g_array_append_val (aspect_ids, id);
            }
        }
    }
  c.aspect_ids = aspect_ids;
  if (json_object_has_member (body, "photos") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "photos")))
    {
      JsonArray *arr = json_object_get_array_member (body, "photos");

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          gint64 id = jint (json_array_get_element (arr, i));
          g_ptr_array_add (photos, g_strdup_printf ("%" G_GINT64_FORMAT, id));
        }
    }
  c.photo_refs = photos;
  c.poll_question = jstr (body, "poll_question");
  if (json_object_has_member (body, "poll_answers")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "poll_answers")))
    {
      JsonArray *arr = json_object_get_array_member (body, "poll_answers");

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);
          if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
            g_ptr_array_add (answers, g_strdup (json_node_get_string (n)));
        }
    }
  c.poll_answers = answers;
  c.location_address = jstr (body, "location_address");
  c.location_coords = g_strdup (jstr (body, "location_coords"));
  c.request_body = request_body (msg, NULL);

  if (null_id)
    {
      unsaved_post_json (b, c.text ? c.text : "", c.is_public, FALSE);
      respond_builder (msg, 201, b);
      return;
    }
  switch (create_post (self, u, &c, &sp))
    {
    case CREATE_OK:
      post_to_json (self, b, sp, FALSE);
      respond_builder (msg, 201, b);
      break;
    case CREATE_UNSAVED:
      unsaved_post_json (b, c.text, c.is_public, FALSE);
      respond_builder (msg, 201, b);
      break;
    case CREATE_BAD_ASPECTS:
      respond (msg, 422, "text/plain; charset=utf-8", "You can't post to those aspects.");
      break;
    case CREATE_BAD_PHOTOS:
      respond (msg, 403, "text/plain; charset=utf-8", "Couldn't find Photo");
      break;
    case CREATE_MISSING_CONTENT:
      respond (msg, 403, "text/plain; charset=utf-8", "StatusMessageCreationService::MissingContent");
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The file name rack 2.2 (what diaspora pins: Gemfile.lock at v0.9.1.0,
 * rack 2.2.23) sees in a part's Content-Disposition, or NULL: then the part
 * is a plain string parameter, not a file. Rack::Multipart::Parser#get_filename
 * (lib/rack/multipart/parser.rb:391 at v2.2.23) with the regexes of
 * lib/rack/multipart.rb:16-38: the RFC 2183 form must match as a whole, and
 * its filename*= value may only hold RFC 2231 attribute characters or %XX;
 * else the "broken" form needs a plain filename=. So libsoup's
 * filename*=UTF-8''%C3%89t%C3%A9%20%C3%A0%20Paris(1).jpg (the "(" and ")"
 * unescaped) is no file at all. */
static char *
rack_filename (const char *disposition)
{
#define TOKEN "[^\\s()<>,;:\\\\\"/\\[\\]?=]+"
#define CONDISP "Content-Disposition:\\s*" TOKEN "\\s*"
#define VALUE "\"(?:\\\\\"|[^\"])*\"|" TOKEN
#define ATTRIBUTE_CHAR "[^ \\x00-\\x1f\\x7f)(><@,;:\\\\\"/\\[\\]?='*%]"
#define ATTRIBUTE ATTRIBUTE_CHAR "+"
#define REGULAR_PARAMETER "(" ATTRIBUTE "(?:\\*[0-9]+)?)=(" VALUE ")"
#define EXTENDED_OTHER_VALUE "%[0-9a-fA-F]{2}|" ATTRIBUTE_CHAR
#define EXTENDED_OTHER_PARAMETER "(" ATTRIBUTE "\\*[1-9][0-9]*\\*)=((?:" EXTENDED_OTHER_VALUE ")*)"
#define EXTENDED_INITIAL_PARAMETER "(" ATTRIBUTE "(?:\\*0)?\\*)=([a-zA-Z0-9\\-]*'[a-zA-Z0-9\\-]*'(?:" EXTENDED_OTHER_VALUE ")*)"
#define DISPPARM ";\\s*(?:" REGULAR_PARAMETER "|" EXTENDED_INITIAL_PARAMETER "|" EXTENDED_OTHER_PARAMETER ")\\s*"
  g_autofree char *head = g_strconcat ("Content-Disposition: ", disposition, "\r\n", NULL);
  g_autoptr(GRegex) rfc2183 = g_regex_new ("^" CONDISP "(?:" DISPPARM ")+$",
                                           G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GRegex) dispparm = g_regex_new (DISPPARM, G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GRegex) broken = g_regex_new ("^" CONDISP ".*;\\s*filename=(" VALUE ")",
                                          G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  char *filename = NULL;
  char *extended = NULL;

  g_assert (rfc2183 && dispparm && broken);
  if (g_regex_match (rfc2183, head, 0, NULL))
    {
      /* params = Hash[*head.scan(DISPPARM).flat_map(&:compact)] */
      g_regex_match (dispparm, head, 0, &m);
      while (g_match_info_matches (m))
        {
          for (int g = 1; g + 1 <= 6; g += 2)
            {
              g_autofree char *key = g_match_info_fetch (m, g);
              g_autofree char *value = g_match_info_fetch (m, g + 1);

              if (key && g_str_equal (key, "filename") && filename == NULL)
                filename = g_steal_pointer (&value);
              else if (key && g_str_equal (key, "filename*") && extended == NULL)
                extended = g_steal_pointer (&value);
            }
          g_match_info_next (m, NULL);
        }
      if (filename == NULL && extended != NULL)
        {
          const char *q = strchr (extended, '\'');

          q = q ? strchr (q + 1, '\'') : NULL;
          filename = q ? g_uri_unescape_string (q + 1, NULL) : NULL;
        }
      g_free (extended);
    }
  else
    {
      g_clear_pointer (&m, g_match_info_free);
      if (g_regex_match (broken, head, 0, &m))
        filename = g_match_info_fetch (m, 1);
    }
  if (filename && filename[0] == '"')
    {
      gsize len = strlen (filename);

      memmove (filename, filename + 1, len);
      if (len >= 2 && filename[len - 2] == '"')
        filename[len - 2] = '\0';
    }
  return filename;
#undef TOKEN
#undef CONDISP
#undef VALUE
#undef ATTRIBUTE_CHAR
#undef ATTRIBUTE
#undef REGULAR_PARAMETER
#undef EXTENDED_OTHER_VALUE
#undef EXTENDED_OTHER_PARAMETER
#undef EXTENDED_INITIAL_PARAMETER
#undef DISPPARM
}

/* The part named @name of a multipart/form-data request. @filename: the
 * file name as rack sees it (NULL: rack takes the part for a string, not a
 * file). */
static GBytes *
multipart_part (SoupServerMessage *msg, const char *name, char **filename)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  SoupMultipart *mp = soup_multipart_new_from_message (soup_server_message_get_request_headers (msg), body);
  GBytes *found = NULL;

  if (mp == NULL)
    return NULL;
  for (int i = 0; i < soup_multipart_get_length (mp); i++)
    {
      SoupMessageHeaders *h;
      GBytes *part;
      g_autoptr(GHashTable) params = NULL;

      if (!soup_multipart_get_part (mp, i, &h, &part))
        continue;
      if (soup_message_headers_get_content_disposition (h, NULL, &params)
          && g_strcmp0 (g_hash_table_lookup (params, "name"), name) == 0)
        {
          found = g_bytes_ref (part);
          if (filename)
            *filename = rack_filename (soup_message_headers_get_one (h, "Content-Disposition"));
          break;
        }
    }
  soup_multipart_free (mp);
  return found;
}

/* Decodes @file like the pod's image processing (MiniMagick) would: FALSE
 * when it is no image. */
static gboolean
decode_image (GBytes *file, int *width, int *height)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  g_autoptr(GdkPixbufLoader) loader = NULL;
  GdkPixbuf *pixbuf;

  *width = *height = 0;
  /* by signature: gdk-pixbuf's own sniffing needs the MIME database, which
   * tests with isolated XDG dirs do not have */
  if (len >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    loader = gdk_pixbuf_loader_new_with_type ("jpeg", NULL);
  else if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  else if (len >= 6 && memcmp (data, "GIF8", 4) == 0)
    loader = gdk_pixbuf_loader_new_with_type ("gif", NULL);
  if (loader == NULL)
    return FALSE;
  if (!gdk_pixbuf_loader_write_bytes (loader, file, NULL))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return FALSE;
    }
  if (!gdk_pixbuf_loader_close (loader, NULL) || (pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)) == NULL)
    return FALSE;
  *width = gdk_pixbuf_get_width (pixbuf);
  *height = gdk_pixbuf_get_height (pixbuf);
  return TRUE;
}

static GpmTestPodPhoto *
store_photo (GpmTestPod *self, User *u, GBytes *file, gboolean pending)
{
  GpmTestPodPhoto *ph = g_new0 (GpmTestPodPhoto, 1);
  gsize size = g_bytes_get_size (file);

  decode_image (file, &ph->width, &ph->height);

  ph->id = self->next_id++;
  ph->guid = new_guid ();
  ph->author = g_strdup (u->username);
  ph->size = size;
  ph->pending = pending;
  ph->created_us = g_get_real_time ();
  g_ptr_array_add (self->photos, ph);
  return ph;
}

static void
handle_photos (GpmTestPod *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  Session *s = NULL;
  User *u = web_user_or_respond (self, msg, path, &s);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GpmTestPodPhoto *ph;
  g_autoptr(GBytes) form_token = NULL;
  g_autoptr(GBytes) form_pending = NULL;
  g_autofree char *token = NULL;
  gboolean pending;

  if (u == NULL)
    return;
  if (!(query && g_hash_table_lookup (query, "qqfile")))
    {
      form_token = multipart_part (msg, "authenticity_token", NULL);
      form_pending = multipart_part (msg, "photo[pending]", NULL);
    }
  if (form_token)
    token = g_strndup (g_bytes_get_data (form_token, NULL), g_bytes_get_size (form_token));
  if (!csrf_ok_or_respond (self, msg, s, token))
    return;
  /* params merge the query and the form */
  pending = (query && g_strcmp0 (g_hash_table_lookup (query, "photo[pending]"), "true") == 0)
            || (form_pending && g_bytes_get_size (form_pending) == 4
                && memcmp (g_bytes_get_data (form_pending, NULL), "true", 4) == 0);
  if (query && g_hash_table_lookup (query, "qqfile"))
    {
      /* file_handler: params[:qqfile] is a String → the raw body is the file */
      SoupMessageBody *raw = soup_server_message_get_request_body (msg);
      file = soup_message_body_flatten (raw);
    }
  else
    {
      g_autofree char *filename = NULL;

      file = multipart_part (msg, "qqfile", &filename);
      if (file && filename == NULL)
        {
          /* rack did not see a file: params[:qqfile] is a String, so
           * file_handler takes the legacy raw-body branch and makes
           * Tempfile.new(<the image bytes as a name>), which raises
           * (photos_controller.rb:119-131 at v0.9.1.0; rescuing_photo_errors
           * rescues only TypeError, IntegrityError, RuntimeError): 500 */
          respond (msg, 500, "text/html", "<html><body><h1>500</h1></body></html>");
          return;
        }
    }
  if (file == NULL || g_bytes_get_size (file) == 0)
    {
      /* rescuing_photo_errors: still 200 */
      respond (msg, 200, "application/json; charset=utf-8",
               "{\"success\":false,\"error\":\"Photo upload failed. Are you sure an image was added?\"}");
      return;
    }
  {
    int w, h;

    /* rescuing_photo_errors (photos_controller.rb:157-165) rescues only
     * TypeError, CarrierWave::IntegrityError and RuntimeError; MiniMagick's
     * error for a file it cannot read is none of them: Rails' 500 page. */
    if (self->check_images && !decode_image (file, &w, &h))
      {
        respond (msg, 500, "text/html",
                 "<html><body><h1>We're sorry, but something went wrong.</h1></body></html>");
        return;
      }
  }
  ph = store_photo (self, u, file, pending);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "photo");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, ph->id);
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, ph->guid);
  json_builder_set_member_name (b, "pending");
  json_builder_add_boolean_value (b, ph->pending);
  json_builder_set_member_name (b, "author_id");
  json_builder_add_int_value (b, u->person_id);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static gint
compare_newest_first (gconstpointer a, gconstpointer b)
{
  const StoredPost *x = *(StoredPost * const *) a;
  const StoredPost *y = *(StoredPost * const *) b;

  return x->created_us < y->created_us ? 1 : (x->created_us > y->created_us ? -1 : 0);
}

/* Posts of @author visible to @viewer, newest first. */
static GPtrArray *
posts_of (GpmTestPod *self, User *author, User *viewer)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->posts->len; i++)
    {
      StoredPost *sp = g_ptr_array_index (self->posts, i);

      if (g_str_equal (sp->post->author, author->username) && (sp->post->is_public || author == viewer))
        g_ptr_array_add (out, sp);
    }
  g_ptr_array_sort (out, compare_newest_first);
  return out;
}

static void
handle_person_stream (GpmTestPod *self, SoupServerMessage *msg, const char *path, const char *guid,
                      GHashTable *query)
{
  User *viewer = web_user_or_respond (self, msg, path, NULL);
  User *author;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *max_time = query ? g_hash_table_lookup (query, "max_time") : NULL;
  gint64 max_s = max_time ? g_ascii_strtoll (max_time, NULL, 10) : G_MAXINT64;
  guint n = 0;

  if (viewer == NULL)
    return;
  author = find_user_by_guid (self, guid);
  if (author == NULL)
    {
      respond (msg, 404, "application/json", "{\"error\":\"not found\"}");
      return;
    }
  list = posts_of (self, author, viewer);
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len && n < PAGE_SIZE; i++)
    {
      StoredPost *sp = g_ptr_array_index (list, i);

      if (sp->created_us / G_USEC_PER_SEC >= max_s)
        continue;
      post_to_json (self, b, sp, FALSE);
      n++;
    }
  json_builder_end_array (b);
  respond_builder (msg, 200, b);
}

/* ------------------------------------------------------------------ API v1 */

static Token *
find_token (GpmTestPod *self, const char *value, gboolean refresh)
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
static User *
api_user_or_respond (GpmTestPod *self, SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  Token *t;

  if (auth == NULL || !g_str_has_prefix (auth, "Bearer "))
    {
      respond_api_error (msg, 403, "Unauthorized user");
      return NULL;
    }
  t = find_token (self, auth + strlen ("Bearer "), FALSE);
  if (t == NULL || t->expires < g_get_real_time ())
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer realm=\"OpenID Connect\", error=\"invalid_token\"");
      respond (msg, 401, "application/json", "{\"error\":\"invalid_token\"}");
      return NULL;
    }
  return t->user;
}

static void
link_next_header (GpmTestPod *self, SoupServerMessage *msg, const char *path, guint page)
{
  g_autofree char *link = g_strdup_printf ("<%s%s?page=%u>; rel=\"next\"", self->url, path, page + 1);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link);
}

static void
handle_api_aspects (GpmTestPod *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  User *u = api_user_or_respond (self, msg);
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
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, a->id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, a->name);
      json_builder_set_member_name (b, "order");
      json_builder_add_int_value (b, i);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (u->aspects->len > page * PAGE_SIZE)
    link_next_header (self, msg, path, page);
  respond_builder (msg, 200, b);
}

/* Aspect validation (app/models/aspect.rb at v0.9.1.0 and v0.7.18.2):
 * name.strip! before validation (:21-23), presence and at most 20
 * characters (:17), unique per user ignoring case (:19, case_sensitive:
 * false). order_id: the largest so far + 1 (before_create, :25-27), which
 * is the end of the list here. NULL when it does not validate. */
static Aspect *
create_aspect_locked (GpmTestPod *self, User *u, const char *name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name ? name : ""));
  g_autofree char *lower = g_utf8_strdown (stripped, -1);
  Aspect *a;

  if (*stripped == '\0' || g_utf8_strlen (stripped, -1) > 20)
    return NULL;
  for (guint i = 0; i < u->aspects->len; i++)
    {
      g_autofree char *other = g_utf8_strdown (((Aspect *) g_ptr_array_index (u->aspects, i))->name, -1);

      if (g_str_equal (lower, other))
        return NULL;
    }
  a = g_new0 (Aspect, 1);
  a->id = self->next_id++;
  a->name = g_steal_pointer (&stripped);
  g_ptr_array_add (u->aspects, a);
  return a;
}

/* Does the request's token carry @scope? (Authorization#accessible?,
 * app/models/api/openid_connect/authorization.rb:56 at v0.9.1.0) */
static gboolean
api_token_has_scope (GpmTestPod *self, SoupServerMessage *msg, const char *scope)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  Token *t = auth && g_str_has_prefix (auth, "Bearer ") ? find_token (self, auth + strlen ("Bearer "), FALSE) : NULL;

  return t != NULL && t->scopes != NULL && g_strv_contains ((const char * const *) t->scopes, scope);
}

/* POST /api/v1/aspects: Api::V1::AspectsController#create
 * (app/controllers/api/v1/aspects_controller.rb at v0.9.1.0) */
static void
handle_api_create_aspect (GpmTestPod *self, SoupServerMessage *msg)
{
  User *u = api_user_or_respond (self, msg);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *name;
  Aspect *a;

  if (u == NULL)
    return;
  /* before_action only: %i[create update destroy] { require_access_token
   * %w[contacts:modify] } (:10-12): Bearer::Forbidden(:insufficient_scope),
   * rescued as render_error 403, e.message (base_controller.rb:23-25) */
  if (!api_token_has_scope (self, msg, "contacts:modify"))
    {
      respond_api_error (msg, 403, "insufficient_scope");
      return;
    }
  body = request_json (msg);
  name = body ? jstr (body, "name") : NULL;
  /* params.require(%i[name]): missing or blank → ParameterMissing →
   * 422 "Failed to create the aspect" (:31, :38-39); an aspect that does
   * not validate: the same (:36) */
  if (name == NULL || *name == '\0' || (a = create_aspect_locked (self, u, name)) == NULL)
    {
      respond_api_error (msg, 422, "Failed to create the aspect");
      return;
    }
  /* render json: AspectPresenter#as_api_json(true): id, name, order
   * (:34; app/presenters/aspect_presenter.rb:14-20) */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, a->name);
  json_builder_set_member_name (b, "order");
  json_builder_add_int_value (b, u->aspects->len - 1);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

/* POST /aspects: AspectsController#create (app/controllers/aspects_controller.rb:14-29
 * at v0.9.1.0 and v0.7.18.2; config/routes.rb:61, resources :aspects) */
static void
handle_web_create_aspect (GpmTestPod *self, SoupServerMessage *msg, const char *path)
{
  Session *s = NULL;
  User *u = web_user_or_respond (self, msg, path, &s);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *name = NULL;
  Aspect *a;

  if (u == NULL || !csrf_ok_or_respond (self, msg, s, NULL))
    return;
  /* params.require(:aspect).permit(:name, …) (:91-93 at v0.9.1.0): the
   * "aspect" object of a JSON body, or the JSON body's own "name" wrapped
   * into it by wrap_parameters format: [:json]
   * (config/initializers/wrap_parameters.rb:10; what the front end's
   * app.aspects.create({name, person_id}) sends), or the form's aspect[name] */
  body = request_json (msg);
  if (body != NULL && json_object_has_member (body, "aspect")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "aspect")))
    name = jstr (json_object_get_object_member (body, "aspect"), "name");
  else if (body != NULL)
    name = jstr (body, "name");
  else if ((form = request_form (msg)) != NULL)
    name = g_hash_table_lookup (form, "aspect[name]");
  if (name == NULL)
    {
      /* ActionController::ParameterMissing: Rails answers 400 */
      respond (msg, 400, "text/plain", "param is missing or the value is empty: aspect");
      return;
    }
  /* @aspect.save fails: head :unprocessable_entity, whatever the format (:27) */
  if ((a = create_aspect_locked (self, u, name)) == NULL)
    {
      respond (msg, 422, NULL, NULL);
      return;
    }
  /* render json: {id:, name:} (:19, :25), for HTML requests too */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, a->name);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static void
handle_api_user (GpmTestPod *self, SoupServerMessage *msg)
{
  User *u = api_user_or_respond (self, msg);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *did = NULL;

  if (u == NULL)
    return;
  did = diaspora_id (self, u);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, u->guid);
  json_builder_set_member_name (b, "diaspora_id");
  json_builder_add_string_value (b, did);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, u->username);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static void
handle_api_photos (GpmTestPod *self, SoupServerMessage *msg)
{
  User *u = api_user_or_respond (self, msg);
  g_autoptr(GBytes) image = NULL;
  g_autofree char *image_name = NULL;
  g_autoptr(GBytes) pending = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GpmTestPodPhoto *ph;
  g_autofree char *created = NULL;

  if (u == NULL)
    return;
  image = multipart_part (msg, "image", &image_name);
  pending = multipart_part (msg, "pending", NULL);
  /* an image part rack did not take for a file is a String: PhotoService
   * refuses raw files (app/services/photo_service.rb:15,40) → RuntimeError
   * → 422 (app/controllers/api/v1/photos_controller.rb:48) */
  if (image == NULL || g_bytes_get_size (image) == 0 || image_name == NULL)
    {
      respond_api_error (msg, 422, "Failed to create the photo");
      return;
    }
  {
    int w, h;

    /* api/v1/photos_controller.rb:48 rescues MiniMagick::Error too: 422 */
    if (self->check_images && !decode_image (image, &w, &h))
      {
        respond_api_error (msg, 422, "Failed to create the photo");
        return;
      }
  }
  ph = store_photo (self, u, image,
                    pending && g_bytes_get_size (pending) == 4
                    && memcmp (g_bytes_get_data (pending, NULL), "true", 4) == 0);
  created = iso_time (g_get_real_time ());
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, ph->guid);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "dimensions");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, 1);
  json_builder_end_object (b);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static void
handle_api_posts (GpmTestPod *self, SoupServerMessage *msg, gboolean null_id)
{
  User *u = api_user_or_respond (self, msg);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(Creation) c = { 0 };
  StoredPost *sp = NULL;

  if (u == NULL)
    return;
  body = request_json (msg);
  if (body == NULL || !json_object_has_member (body, "public"))
    {
      respond_api_error (msg, 422, "param is missing or the value is empty: public");
      return;
    }
  c.via_api = TRUE;
  c.photos_by_guid = TRUE;
  c.text = jstr (body, "body");
  c.is_public = json_object_get_boolean_member (body, "public");
  if (json_object_has_member (body, "aspects") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "aspects")))
    {
      JsonArray *arr = json_object_get_array_member (body, "aspects");

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          gint64 id = jint (json_array_get_element (arr, i));
          g_array_append_val (aspect_ids, id);
        }
    }
  c.aspect_ids = aspect_ids;
  if (json_object_has_member (body, "photos") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "photos")))
    {
      JsonArray *arr = json_object_get_array_member (body, "photos");

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);
          if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
            g_ptr_array_add (photos, g_strdup (json_node_get_string (n)));
        }
    }
  c.photo_refs = photos;
  if (json_object_has_member (body, "poll"))
    {
      JsonObject *poll = JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "poll"))
        ? json_object_get_object_member (body, "poll") : NULL;
      JsonArray *arr = poll && json_object_has_member (poll, "poll_answers")
        && JSON_NODE_HOLDS_ARRAY (json_object_get_member (poll, "poll_answers"))
        ? json_object_get_array_member (poll, "poll_answers") : NULL;

      c.poll_question = jstr (poll, "question");
      if (c.poll_question == NULL || *c.poll_question == '\0' || arr == NULL || json_array_get_length (arr) == 0)
        {
          respond_api_error (msg, 422, "Failed to create the post");
          return;
        }
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);

          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING
              || *json_node_get_string (n) == '\0')
            {
              respond_api_error (msg, 422, "Failed to create the post");
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

      g_autofree char *lat = json_value_text (loc, "lat");
      g_autofree char *lng = json_value_text (loc, "lng");

      c.location_address = jstr (loc, "address");
      /* app/controllers/api/v1/posts_controller.rb:64-65 */
      c.location_coords = g_strdup_printf ("%s,%s", lat, lng);
    }
  c.request_body = request_body (msg, NULL);

  if (null_id)
    {
      /* the double for a pod that answers 201 with "id": null */
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_null_value (b);
      json_builder_end_object (b);
      respond_builder (msg, 201, b);
      return;
    }
  switch (create_post (self, u, &c, &sp))
    {
    case CREATE_OK:
      post_to_json (self, b, sp, TRUE);
      respond_builder (msg, 200, b);
      break;
    case CREATE_UNSAVED:
      unsaved_post_json (b, c.text, c.is_public, TRUE);
      respond_builder (msg, 200, b);
      break;
    default:
      respond_api_error (msg, 422, "Failed to create the post");
      break;
    }
}

static void
handle_api_user_posts (GpmTestPod *self, SoupServerMessage *msg, const char *path, const char *guid,
                       GHashTable *query)
{
  User *viewer = api_user_or_respond (self, msg);
  User *author;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *page_s = query ? g_hash_table_lookup (query, "page") : NULL;
  guint page = page_s ? (guint) g_ascii_strtoull (page_s, NULL, 10) : 1;

  if (viewer == NULL)
    return;
  author = find_user_by_guid (self, guid);
  if (author == NULL)
    {
      respond_api_error (msg, 404, "User not found");
      return;
    }
  if (page < 1)
    page = 1;
  list = posts_of (self, author, viewer);
  json_builder_begin_array (b);
  for (guint i = (page - 1) * PAGE_SIZE; i < list->len && i < page * PAGE_SIZE; i++)
    post_to_json (self, b, g_ptr_array_index (list, i), TRUE);
  json_builder_end_array (b);
  if (list->len > page * PAGE_SIZE)
    link_next_header (self, msg, path, page);
  respond_builder (msg, 200, b);
}

/* ------------------------------------------------------------- comments */

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

static GpmTestPodComment *
comment_copy (const GpmTestPodComment *c)
{
  GpmTestPodComment *copy = g_memdup2 (c, sizeof *c);

  copy->guid = g_strdup (c->guid);
  copy->post_guid = g_strdup (c->post_guid);
  copy->author = g_strdup (c->author);
  copy->text = g_strdup (c->text);
  return copy;
}

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
static GpmTestPodComment *
store_comment (GpmTestPod *self, StoredPost *sp, User *u, const char *text, gboolean via_api)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  GpmTestPodComment *c;

  if (*stripped == '\0' || g_utf8_strlen (stripped, -1) > MAX_TEXT)
    return NULL;
  c = g_new0 (GpmTestPodComment, 1);
  c->id = self->next_id++;
  c->guid = new_guid ();
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
  User *u = user_by_name (self, c->author);
  g_autofree char *did = u ? diaspora_id (self, u) : NULL;

  json_builder_begin_object (b);
  if (!api)
    {
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, c->id);
    }
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, c->guid);
  json_builder_set_member_name (b, api ? "body" : "text");
  json_builder_add_string_value (b, c->text);
  json_builder_set_member_name (b, "author");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "guid");
  json_builder_add_string_value (b, u ? u->guid : "");
  json_builder_set_member_name (b, "diaspora_id");
  json_builder_add_string_value (b, did ? did : "");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, c->author);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "created_at");
  {
    g_autofree char *created = iso_time (g_get_real_time ());
    json_builder_add_string_value (b, created);
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
static void
handle_comments (GpmTestPod *self, SoupServerMessage *msg, const char *method, const char *path,
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
        respond_api_error (msg, 404, "Not found");
      else
        respond (msg, 404, "text/html", "<html><body>The page you were looking for doesn't exist.</body></html>");
      return;
    }

  if (api)
    {
      /* before_action require_access_token (api/v1/comments_controller.rb:6-12) */
      u = api_user_or_respond (self, msg);
      if (u == NULL)
        return;
    }
  else
    {
      /* before_action :authenticate_user!, except: :index (comments_controller.rb:8);
       * the posts double only has the account's own and public posts, so index
       * asks for a user too */
      u = web_user_or_respond (self, msg, path, &s);
      if (u == NULL || (post && !csrf_ok_or_respond (self, msg, s, NULL)))
        return;
    }

  sp = visible_post (self, post_id, u);
  if (sp == NULL)
    {
      /* api: rescue_from RecordNotFound (api/v1/comments_controller.rb:14-16);
       * web: create renders comments.create.error with 404 (:37-39) */
      if (api)
        respond_api_error (msg, 404, "Post with provided guid could not be found");
      else
        respond (msg, 404, "text/plain", "Failed to comment.");
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
      respond_builder (msg, 200, b);
      return;
    }

  {
    g_autoptr(JsonObject) body = request_json (msg);
    const char *text = body ? jstr (body, api ? "body" : "text") : NULL;
    GpmTestPodComment *c;

    if (api && text == NULL)
      {
        /* params.require(:body) */
        respond_api_error (msg, 422, "param is missing or the value is empty: body");
        return;
      }
    c = store_comment (self, sp, u, text, api);
    if (c == NULL)
      {
        /* save! raises RecordInvalid: the API rescues it as 422 "User is not
         * allowed to comment" (api/v1/comments_controller.rb:18-20); the web
         * controller does not, and Rails answers 422 */
        if (api)
          respond_api_error (msg, 422, "User is not allowed to comment");
        else
          respond (msg, 422, "text/html", "<html><body>The change you wanted was rejected.</body></html>");
        return;
      }
    /* 201 + the presenter (comments_controller.rb:63-65; api :28) */
    comment_to_json (self, b, c, api);
    respond_builder (msg, 201, b);
  }
}

/* ------------------------------------------------------- OpenID Connect */

/* Api::OpenidConnect::Authorization::SCOPES
 * (app/models/api/openid_connect/authorization.rb:21 at v0.9.1.0 and
 * v0.7.18.2). The 0.7 pods serve OpenID Connect (since 0.6.0.0) but have no
 * API v1: none of the scopes an app needs to post. */
static const char * const scopes_0_9[] = {
  "contacts:modify", "contacts:read", "conversations", "email", "interactions", "name",
  "nickname", "notifications", "openid", "picture", "private:modify", "private:read",
  "profile", "profile:modify", "profile:read_private", "public:modify", "public:read",
  "sub", "tags:modify", "tags:read", NULL
};
static const char * const scopes_0_7[] = {
  "openid", "sub", "aud", "name", "nickname", "profile", "picture", "read", "write", NULL
};

static const char * const *
pod_scopes (GpmTestPod *self)
{
  return self->api_enabled ? scopes_0_9 : scopes_0_7;
}

static void
handle_oidc_configuration (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  struct { const char *key, *path; } eps[] = {
    { "issuer", "/" },
    { "registration_endpoint", "/api/openid_connect/clients" },
    { "authorization_endpoint", "/api/openid_connect/authorizations/new" },
    { "token_endpoint", "/api/openid_connect/access_tokens" },
    { "userinfo_endpoint", "/api/openid_connect/user_info" },
    { "jwks_uri", "/api/openid_connect/jwks.json" },
  };

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (eps); i++)
    {
      g_autofree char *u = g_strconcat (self->url, eps[i].path, NULL);
      json_builder_set_member_name (b, eps[i].key);
      json_builder_add_string_value (b, u);
    }
  /* scopes_supported: Api::OpenidConnect::Authorization::SCOPES
   * (app/controllers/api/openid_connect/discovery_controller.rb:37 at
   * v0.9.1.0 and v0.7.18.2) */
  json_builder_set_member_name (b, "scopes_supported");
  json_builder_begin_array (b);
  for (const char * const *sc = pod_scopes (self); *sc; sc++)
    json_builder_add_string_value (b, *sc);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "response_types_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "code");
  json_builder_add_string_value (b, "id_token");
  json_builder_add_string_value (b, "id_token token");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "token_endpoint_auth_methods_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "client_secret_basic");
  json_builder_add_string_value (b, "client_secret_post");
  json_builder_add_string_value (b, "private_key_jwt");
  json_builder_end_array (b);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static void
handle_oidc_register (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autoptr(JsonObject) body = request_json (msg);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  Client *c;
  JsonArray *uris;

  if (body == NULL || !json_object_has_member (body, "redirect_uris")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "redirect_uris"))
      || json_array_get_length (json_object_get_array_member (body, "redirect_uris")) == 0)
    {
      respond (msg, 400, "application/json",
               "{\"error\":\"invalid_redirect_uri\",\"error_description\":\"redirect_uris is required\"}");
      return;
    }
  uris = json_object_get_array_member (body, "redirect_uris");
  c = g_new0 (Client, 1);
  c->client_id = new_guid ();
  c->client_secret = new_guid ();
  c->name = g_strdup (jstr (body, "client_name") ? jstr (body, "client_name") : "");
  c->redirect_uris = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (uris); i++)
    {
      JsonNode *n = json_array_get_element (uris, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_ptr_array_add (c->redirect_uris, g_strdup (json_node_get_string (n)));
    }
  /* validates :client_name, uniqueness: {scope: :redirect_uris} */
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *other = g_ptr_array_index (self->clients, i);
      gboolean same = g_str_equal (other->name, c->name) && other->redirect_uris->len == c->redirect_uris->len;

      for (guint j = 0; same && j < c->redirect_uris->len; j++)
        same = g_str_equal (g_ptr_array_index (other->redirect_uris, j), g_ptr_array_index (c->redirect_uris, j));
      if (same)
        {
          client_free (c);
          respond (msg, 400, "application/json",
                   "{\"error\":\"invalid_client_metadata\",\"error_description\":\"Validation failed: Client name has already been taken\"}");
          return;
        }
    }
  g_ptr_array_add (self->clients, c);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, c->client_id);
  json_builder_set_member_name (b, "client_secret");
  json_builder_add_string_value (b, c->client_secret);
  json_builder_set_member_name (b, "client_name");
  json_builder_add_string_value (b, jstr (body, "client_name") ? jstr (body, "client_name") : "");
  json_builder_set_member_name (b, "redirect_uris");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->redirect_uris->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (c->redirect_uris, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static Client *
find_client (GpmTestPod *self, const char *id)
{
  for (guint i = 0; id && i < self->clients->len; i++)
    if (g_str_equal (((Client *) g_ptr_array_index (self->clients, i))->client_id, id))
      return g_ptr_array_index (self->clients, i);
  return NULL;
}

static gboolean
client_has_redirect (Client *c, const char *uri)
{
  for (guint i = 0; uri && i < c->redirect_uris->len; i++)
    if (g_str_equal (g_ptr_array_index (c->redirect_uris, i), uri))
      return TRUE;
  return FALSE;
}

static void
handle_oidc_authorize (GpmTestPod *self, SoupServerMessage *msg, GHashTable *query)
{
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *response_type = query ? g_hash_table_lookup (query, "response_type") : NULL;
  Client *c = find_client (self, client_id);
  User *u = self->browser_user ? user_by_name (self, self->browser_user) : NULL;
  g_autofree char *to = NULL;

  if (c == NULL || !client_has_redirect (c, redirect_uri) || g_strcmp0 (response_type, "code") != 0)
    {
      respond (msg, 400, "text/html; charset=utf-8",
               "<html><body><h1>Could not authorize</h1><p>Invalid client id or redirect uri</p></body></html>");
      return;
    }
  if (u == NULL)
    {
      /* authenticate_user!: the browser is not signed in */
      redirect (msg, self, "/users/sign_in");
      return;
    }
  /* an unknown scope: req.invalid_scope! "Unknown scope: …"
   * (lib/api/openid_connect/authorization_point/endpoint.rb:53), sent back
   * to the app's redirect URI */
  {
    const char *scope = g_hash_table_lookup (query, "scope");
    g_auto(GStrv) asked = g_strsplit (scope ? scope : "", " ", -1);

    for (guint i = 0; asked[i] && to == NULL; i++)
      if (*asked[i] && !g_strv_contains (pod_scopes (self), asked[i]))
        to = g_strdup_printf ("%s?error=invalid_scope&error_description=Unknown+scope&state=%s",
                              redirect_uri, state ? state : "");
  }
  if (to != NULL)
    ;
  else if (!self->browser_approves)
    to = g_strdup_printf ("%s?error=access_denied&error_description=User+denied+access&state=%s",
                          redirect_uri, state ? state : "");
  else
    {
      Grant *g = g_new0 (Grant, 1);

      g->code = new_guid ();
      g->client = c;
      g->user = u;
      g->redirect_uri = g_strdup (redirect_uri);
      g->challenge = g_strdup (g_hash_table_lookup (query, "code_challenge"));
      g->method = g_strdup (g_hash_table_lookup (query, "code_challenge_method"));
      g->scopes = g_strsplit (g_hash_table_lookup (query, "scope") ? g_hash_table_lookup (query, "scope") : "",
                              " ", -1);
      g_ptr_array_add (self->grants, g);
      to = g_strdup_printf ("%s?code=%s&state=%s", redirect_uri, g->code, state ? state : "");
    }
  redirect (msg, self, to);
}

static char *
s256 (const char *verifier)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  char *b64;

  g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (sum, digest, &len);
  b64 = g_base64_encode (digest, len);
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  for (char *e = b64 + strlen (b64); e > b64 && e[-1] == '='; e--)
    e[-1] = '\0';
  return b64;
}

static Token *
issue_token (GpmTestPod *self, Client *c, User *u, gboolean refresh, char **scopes)
{
  Token *t = g_new0 (Token, 1);

  t->token = new_guid ();
  t->scopes = g_strdupv (scopes);
  t->client = c;
  t->user = u;
  t->is_refresh = refresh;
  t->expires = refresh ? G_MAXINT64 : g_get_real_time () + (gint64) self->token_lifetime * G_USEC_PER_SEC;
  g_ptr_array_add (self->tokens, t);
  return t;
}

static void
handle_oidc_token (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = request_form (msg);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  Client *c = find_client (self, g_hash_table_lookup (form, "client_id"));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  Token *access, *refresh = NULL;

  if (c == NULL || g_strcmp0 (c->client_secret, g_hash_table_lookup (form, "client_secret")) != 0)
    {
      respond (msg, 401, "application/json",
               "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed.\"}");
      return;
    }
  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      const char *code = g_hash_table_lookup (form, "code");
      const char *verifier = g_hash_table_lookup (form, "code_verifier");
      Grant *g = NULL;

      for (guint i = 0; code && i < self->grants->len; i++)
        if (g_str_equal (((Grant *) g_ptr_array_index (self->grants, i))->code, code))
          g = g_ptr_array_index (self->grants, i);
      if (g == NULL || g->used || g->client != c
          || g_strcmp0 (g->redirect_uri, g_hash_table_lookup (form, "redirect_uri")) != 0)
        {
          respond (msg, 400, "application/json", "{\"error\":\"invalid_grant\"}");
          return;
        }
      g->used = TRUE;
      if (g->challenge)
        {
          g_autofree char *computed = verifier ? s256 (verifier) : NULL;

          if (g_strcmp0 (g->method, "S256") != 0 || computed == NULL || !g_str_equal (computed, g->challenge))
            {
              respond (msg, 400, "application/json",
                       "{\"error\":\"invalid_grant\",\"error_description\":\"PKCE verification failed\"}");
              return;
            }
        }
      access = issue_token (self, c, g->user, FALSE, g->scopes);
      refresh = issue_token (self, c, g->user, TRUE, g->scopes);
    }
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      const char *value = g_hash_table_lookup (form, "refresh_token");
      Token *r = value ? find_token (self, value, TRUE) : NULL;

      if (r == NULL || r->client != c)
        {
          respond (msg, 400, "application/json", "{\"error\":\"invalid_grant\"}");
          return;
        }
      /* the authorization's scopes, unchanged */
      access = issue_token (self, c, r->user, FALSE, r->scopes);
      if (self->rotate_refresh)
        {
          /* not diaspora (handle_refresh_flow in
           * lib/api/openid_connect/token_endpoint.rb:40 keeps the refresh
           * token): a provider that rotates it (OAuth 2.0 Security BCP
           * §4.14), the old one dead from now on */
          refresh = issue_token (self, c, r->user, TRUE, r->scopes);
          g_ptr_array_remove (self->tokens, r);
        }
    }
  else
    {
      respond (msg, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}");
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, access->token);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, self->token_lifetime);
  if (refresh)
    {
      json_builder_set_member_name (b, "refresh_token");
      json_builder_add_string_value (b, refresh->token);
      json_builder_set_member_name (b, "id_token");
      json_builder_add_string_value (b, "eyJhbGciOiJub25lIn0.e30.");
    }
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

/* ---------------------------------------------------------------- nodeinfo */

static void
handle_nodeinfo_jrd (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autofree char *body = g_strdup_printf (
    "{\"links\":[{\"rel\":\"http://nodeinfo.diaspora.software/ns/schema/1.0\",\"href\":\"%s/nodeinfo/1.0\"},"
    "{\"rel\":\"http://nodeinfo.diaspora.software/ns/schema/2.0\",\"href\":\"%s/nodeinfo/2.0\"}]}",
    self->url, self->url);

  respond (msg, 200, "application/json; charset=utf-8", body);
}

static void
handle_nodeinfo (GpmTestPod *self, SoupServerMessage *msg, const char *version)
{
  g_autofree char *body = NULL;

  if (!g_str_equal (version, "1.0") && !g_str_equal (version, "2.0"))
    {
      respond (msg, 404, "text/plain", "");
      return;
    }
  body = g_strdup_printf (
    "{\"version\":\"%s\",\"software\":{\"name\":\"diaspora\",\"version\":\"%s\"},"
    "\"protocols\":%s,\"services\":{\"inbound\":[],\"outbound\":[]},\"openRegistrations\":true,"
    "\"usage\":{\"users\":{\"total\":%u}},\"metadata\":{\"nodeName\":\"diaspora* test pod\"}}",
    version, self->version,
    g_str_equal (version, "1.0") ? "{\"inbound\":[\"diaspora\"],\"outbound\":[\"diaspora\"]}" : "[\"diaspora\"]",
    g_hash_table_size (self->users));
  respond (msg, 200, "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"", body);
}

/* --------------------------------------------------------------- test API */

static void
dump_json_locked (GpmTestPod *self, JsonBuilder *b)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "posts");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->posts->len; i++)
    {
      StoredPost *sp = g_ptr_array_index (self->posts, i);
      GpmTestPodPost *p = sp->post;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, p->id);
      json_builder_set_member_name (b, "guid");
      json_builder_add_string_value (b, p->guid);
      json_builder_set_member_name (b, "author");
      json_builder_add_string_value (b, p->author);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, p->text);
      json_builder_set_member_name (b, "public");
      json_builder_add_boolean_value (b, p->is_public);
      json_builder_set_member_name (b, "aspect_ids");
      json_builder_begin_array (b);
      for (guint j = 0; j < p->aspect_ids->len; j++)
        json_builder_add_int_value (b, g_array_index (p->aspect_ids, gint64, j));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "photos");
      json_builder_begin_array (b);
      for (guint j = 0; j < p->photo_guids->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (p->photo_guids, j));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "poll_question");
      if (p->poll_question)
        json_builder_add_string_value (b, p->poll_question);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "poll_answers");
      json_builder_begin_array (b);
      for (guint j = 0; j < p->poll_answers->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (p->poll_answers, j));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "location_address");
      if (p->location_address)
        json_builder_add_string_value (b, p->location_address);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "lat");
      json_builder_add_double_value (b, p->latitude);
      json_builder_set_member_name (b, "lng");
      json_builder_add_double_value (b, p->longitude);
      json_builder_set_member_name (b, "provider_display_name");
      if (p->provider_display_name)
        json_builder_add_string_value (b, p->provider_display_name);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "via_api");
      json_builder_add_boolean_value (b, p->via_api);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "photos");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->photos->len; i++)
    {
      GpmTestPodPhoto *ph = g_ptr_array_index (self->photos, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, ph->id);
      json_builder_set_member_name (b, "guid");
      json_builder_add_string_value (b, ph->guid);
      json_builder_set_member_name (b, "author");
      json_builder_add_string_value (b, ph->author);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, ph->size);
      json_builder_set_member_name (b, "pending");
      json_builder_add_boolean_value (b, ph->pending);
      json_builder_set_member_name (b, "post");
      if (ph->post_guid)
        json_builder_add_string_value (b, ph->post_guid);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "comments");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->comments->len; i++)
    {
      GpmTestPodComment *c = g_ptr_array_index (self->comments, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "guid");
      json_builder_add_string_value (b, c->guid);
      json_builder_set_member_name (b, "post");
      json_builder_add_string_value (b, c->post_guid);
      json_builder_set_member_name (b, "author");
      json_builder_add_string_value (b, c->author);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, c->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "requests");
  json_builder_add_int_value (b, self->paths->len);
  /* each account's aspects: {"USER": [{"id", "name"}, …]} */
  json_builder_set_member_name (b, "aspects");
  json_builder_begin_object (b);
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->users);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        User *u = value;

        json_builder_set_member_name (b, u->username);
        json_builder_begin_array (b);
        for (guint i = 0; i < u->aspects->len; i++)
          {
            Aspect *a = g_ptr_array_index (u->aspects, i);

            json_builder_begin_object (b);
            json_builder_set_member_name (b, "id");
            json_builder_add_int_value (b, a->id);
            json_builder_set_member_name (b, "name");
            json_builder_add_string_value (b, a->name);
            json_builder_end_object (b);
          }
        json_builder_end_array (b);
      }
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static gboolean
fault_kind_from_string (const char *s, GpmTestPodFault *out)
{
  static const struct { const char *name; GpmTestPodFault kind; } kinds[] = {
    { "status", GPM_TEST_POD_FAULT_STATUS },
    { "rate-limit", GPM_TEST_POD_FAULT_RATE_LIMIT },
    { "slow", GPM_TEST_POD_FAULT_SLOW },
    { "close-after-store", GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE },
    { "expire-session", GPM_TEST_POD_FAULT_EXPIRE_SESSION },
    { "expire-token", GPM_TEST_POD_FAULT_EXPIRE_TOKEN },
    { "null-id", GPM_TEST_POD_FAULT_NULL_ID },
    { "huge", GPM_TEST_POD_FAULT_HUGE },
    { "cleanup-photos", GPM_TEST_POD_FAULT_CLEANUP_PHOTOS },
    { "save-then-status", GPM_TEST_POD_FAULT_SAVE_THEN_STATUS },
    { "late-save", GPM_TEST_POD_FAULT_LATE_SAVE },
    { "empty-answer", GPM_TEST_POD_FAULT_EMPTY_ANSWER },
  };

  for (guint i = 0; s && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (s, kinds[i].name))
      {
        *out = kinds[i].kind;
        return TRUE;
      }
  return FALSE;
}

static void add_user_locked (GpmTestPod *self, const char *username, const char *password,
                             const char *otp, char **guid_out);
static gint64 add_aspect_locked (GpmTestPod *self, const char *username, const char *name);
static void inject_fault_locked (GpmTestPod *self, const char *prefix, GpmTestPodFault kind,
                                 guint param, guint count);

static void
handle_test_api (GpmTestPod *self, SoupServerMessage *msg, const char *method, const char *path)
{
  g_autoptr(JsonObject) body = NULL;

  if (g_str_equal (path, "/_test/dump"))
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      dump_json_locked (self, b);
      respond_builder (msg, 200, b);
      return;
    }
  if (!g_str_equal (method, "POST"))
    {
      respond (msg, 405, "text/plain", "POST only\n");
      return;
    }
  body = request_json (msg);
  if (body == NULL)
    {
      respond (msg, 400, "text/plain", "JSON body expected\n");
      return;
    }
  if (g_str_equal (path, "/_test/fault"))
    {
      GpmTestPodFault kind;

      if (!fault_kind_from_string (jstr (body, "kind"), &kind))
        {
          respond (msg, 400, "text/plain", "unknown fault kind\n");
          return;
        }
      inject_fault_locked (self, jstr (body, "path"), kind,
                           json_object_has_member (body, "param") ? json_object_get_int_member (body, "param") : 0,
                           json_object_has_member (body, "count") ? json_object_get_int_member (body, "count") : 1);
      respond (msg, 200, "application/json", "{\"ok\":true}");
    }
  else if (g_str_equal (path, "/_test/cleanup"))
    {
      g_autofree char *answer = NULL;
      gint64 older = json_object_has_member (body, "older_than") ? json_object_get_int_member (body, "older_than")
                                                                 : 24 * 3600;

      answer = g_strdup_printf ("{\"destroyed\":%u}", cleanup_pending_photos_locked (self, older * G_USEC_PER_SEC));
      respond (msg, 200, "application/json", answer);
    }
  else if (g_str_equal (path, "/_test/user"))
    {
      g_autofree char *guid = NULL;
      g_autofree char *answer = NULL;

      if (jstr (body, "username") == NULL || jstr (body, "password") == NULL)
        {
          respond (msg, 400, "text/plain", "username and password expected\n");
          return;
        }
      add_user_locked (self, jstr (body, "username"), jstr (body, "password"), jstr (body, "otp"), &guid);
      answer = g_strdup_printf ("{\"guid\":\"%s\"}", guid);
      respond (msg, 200, "application/json", answer);
    }
  else if (g_str_equal (path, "/_test/aspect"))
    {
      gint64 id;
      g_autofree char *answer = NULL;

      if (jstr (body, "username") == NULL || jstr (body, "name") == NULL
          || (id = add_aspect_locked (self, jstr (body, "username"), jstr (body, "name"))) < 0)
        {
          respond (msg, 400, "text/plain", "known username and name expected\n");
          return;
        }
      answer = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT "}", id);
      respond (msg, 200, "application/json", answer);
    }
  else if (g_str_equal (path, "/_test/browser"))
    {
      g_free (self->browser_user);
      self->browser_user = g_strdup (jstr (body, "username"));
      self->browser_approves = !json_object_has_member (body, "approve")
        || json_object_get_boolean_member (body, "approve");
      respond (msg, 200, "application/json", "{\"ok\":true}");
    }
  else
    respond (msg, 404, "text/plain", "not found\n");
}

/* ----------------------------------------------------------------- routing */

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
              fault_free (f);
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
    handle_oidc_configuration (self, msg);
  else if (g_str_equal (path, "/users/sign_in"))
    {
      if (post)
        handle_sign_in_post (self, msg);
      else
        {
          Session *s = find_session (self, msg);

          if (s && s->user)
            redirect (msg, self, "/stream");
          else
            page_sign_in (self, msg, s ? s : new_session (self, msg), NULL);
        }
    }
  else if (get && (g_str_equal (path, "/stream") || g_str_equal (path, "/bookmarklet")))
    {
      Session *s = NULL;
      User *u = web_user_or_respond (self, msg, path, &s);

      if (u)
        page_signed_in (self, msg, s, u);
    }
  else if (post && g_str_equal (path, "/status_messages"))
    handle_status_messages (self, msg, path, null_id);
  else if (post && g_str_equal (path, "/aspects"))
    handle_web_create_aspect (self, msg, path);
  else if (post && g_str_equal (path, "/photos"))
    handle_photos (self, msg, path, query);
  else if (g_str_equal (method, "DELETE") && g_str_has_prefix (path, "/posts/"))
    {
      /* config/routes.rb:31, resources :posts, only: %i(show destroy) */
      Session *s = NULL;
      User *u = web_user_or_respond (self, msg, path, &s);

      if (u != NULL && csrf_ok_or_respond (self, msg, s, NULL))
        delete_post (self, msg, u, path + strlen ("/posts/"), FALSE);
    }
  else if (get && g_str_has_prefix (path, "/people/") && g_str_has_suffix (path, "/stream.json"))
    {
      g_autofree char *guid = g_strndup (path + strlen ("/people/"),
                                         strlen (path) - strlen ("/people/") - strlen ("/stream.json"));
      handle_person_stream (self, msg, path, guid, query);
    }
  else if ((g_str_has_prefix (path, "/posts/") ||
            (self->api_enabled && g_str_has_prefix (path, "/api/v1/posts/"))) &&
           strstr (path, "/comments") != NULL)
    /* a post's comments (routes.rb:39 and :233 at v0.9.1.0); other
     * /posts/… routes (DELETE) are matched on their own */
    handle_comments (self, msg, method, path, query);
  else if (!self->api_enabled && g_str_has_prefix (path, "/api/v1/"))
    /* no api_version(… "api/v1") block before 0.9.0.0 (config/routes.rb:227
     * at v0.9.1.0; only namespace :api/:openid_connect at v0.7.18.2:230):
     * Rails' 404 page */
    respond (msg, 404, "text/html", "<html><body>The page you were looking for doesn't exist.</body></html>");
  else if (post && g_str_equal (path, "/api/openid_connect/clients"))
    handle_oidc_register (self, msg);
  else if ((get || post) && g_str_equal (path, "/api/openid_connect/authorizations/new"))
    handle_oidc_authorize (self, msg, query);
  else if (post && g_str_equal (path, "/api/openid_connect/access_tokens"))
    handle_oidc_token (self, msg);
  else if (get && g_str_equal (path, "/api/v1/user"))
    handle_api_user (self, msg);
  else if (get && g_str_equal (path, "/api/v1/aspects"))
    handle_api_aspects (self, msg, path, query);
  else if (post && g_str_equal (path, "/api/v1/aspects"))
    handle_api_create_aspect (self, msg);
  else if (post && g_str_equal (path, "/api/v1/photos"))
    handle_api_photos (self, msg);
  else if (post && g_str_equal (path, "/api/v1/posts"))
    handle_api_posts (self, msg, null_id);
  else if (g_str_equal (method, "DELETE") && g_str_has_prefix (path, "/api/v1/posts/"))
    {
      /* config/routes.rb:232, api/v1 resources :posts, only: %i[show create destroy] */
      User *u = api_user_or_respond (self, msg);

      if (u != NULL)
        delete_post (self, msg, u, path + strlen ("/api/v1/posts/"), TRUE);
    }
  else if (get && g_str_has_prefix (path, "/api/v1/users/") && g_str_has_suffix (path, "/posts"))
    {
      g_autofree char *guid = g_strndup (path + strlen ("/api/v1/users/"),
                                         strlen (path) - strlen ("/api/v1/users/") - strlen ("/posts"));
      handle_api_user_posts (self, msg, path, guid, query);
    }
  else if (g_str_has_prefix (path, "/api/"))
    respond_api_error (msg, 404, "Not found");
  else
    respond (msg, 404, "text/html", "<html><body>The page you were looking for doesn't exist.</body></html>");
}

static void
server_handler (SoupServer        *server,
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
      handle_test_api (self, msg, method, path);
      g_mutex_unlock (&self->lock);
      return;
    }
  g_ptr_array_add (self->paths, g_strdup (path));
  /* nginx in front of the pod (diaspora's documented setup) with
   * client_max_body_size: 413 and nginx's own page, the app never sees it */
  if (self->body_limit > 0 && soup_server_message_get_request_body (msg)->length > (goffset) self->body_limit)
    {
      respond (msg, 413, "text/html",
               "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
               "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
               "</body>\r\n</html>\r\n");
      g_mutex_unlock (&self->lock);
      return;
    }
  if (self->moved_to)
    {
      /* what nginx's "return 301 https://www.$host$request_uri;" does for a
       * pod's apex or plain-http server block */
      GUri *uri = soup_server_message_get_uri (msg);
      g_autofree char *to = g_strconcat (self->moved_to, path, g_uri_get_query (uri) ? "?" : "",
                                         g_uri_get_query (uri) ? g_uri_get_query (uri) : "", NULL);

      soup_server_message_set_redirect (msg, 301, to);
      g_mutex_unlock (&self->lock);
      return;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Diaspora-Version", self->version);
  fault = take_fault_locked (self, path);

  if (fault && fault->kind == GPM_TEST_POD_FAULT_STATUS)
    {
      g_autofree char *body = g_strdup_printf ("<html><body><h1>%u</h1></body></html>", fault->param);
      respond (msg, fault->param ? fault->param : 500, "text/html", body);
    }
  else if (fault && fault->kind == GPM_TEST_POD_FAULT_RATE_LIMIT)
    {
      g_autofree char *after = g_strdup_printf ("%u", fault->param);

      if (fault->param)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", after);
      respond (msg, 429, "text/plain", "Retry later\n");
    }
  else if (fault && fault->kind == GPM_TEST_POD_FAULT_LATE_SAVE)
    ;   /* routed when the delay is over, below */
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
        cleanup_pending_photos_locked (self, 0);
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
            respond_api_error (msg, fault->param ? fault->param : 422, "Failed to create the post");
          else
            respond (msg, fault->param ? fault->param : 403, "text/plain; charset=utf-8",
                     "Error connecting to Redis on 127.0.0.1:6379 (Errno::ECONNREFUSED)");
        }
      /* an empty object, as some proxies and caches hand out */
      if (fault && fault->kind == GPM_TEST_POD_FAULT_EMPTY_ANSWER)
        respond (msg, soup_server_message_get_status (msg), "application/json; charset=utf-8", "{}");
    }
  g_mutex_unlock (&self->lock);

  if (fault && fault->kind == GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE)
    close_connection (msg);
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

/* ------------------------------------------------------------ server thread */

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
  soup_server_add_handler (self->server, NULL, server_handler, self, NULL);
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

/* ------------------------------------------------------------------ object */

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
  g_queue_clear_full (&self->faults, (GDestroyNotify) fault_free);
  g_ptr_array_unref (self->paths);
  g_array_unref (self->sign_in_times);
  g_free (self->browser_user);
  g_free (self->version);
  g_free (self->moved_to);
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
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
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

static void
add_user_locked (GpmTestPod *self, const char *username, const char *password, const char *otp,
                 char **guid_out)
{
  User *u = g_new0 (User, 1);

  u->username = g_strdup (username);
  u->password = g_strdup (password);
  u->otp = g_strdup (otp);
  u->guid = new_guid ();
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
  add_user_locked (self, username, password, otp_code, &guid);
  g_mutex_unlock (&self->lock);
  return guid;
}

static gint64
add_aspect_locked (GpmTestPod *self, const char *username, const char *name)
{
  User *u = user_by_name (self, username);
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
  id = add_aspect_locked (self, username, name);
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
gpm_test_pod_set_time_offset (GpmTestPod *self, gint64 seconds)
{
  g_mutex_lock (&self->lock);
  self->time_offset_us = seconds * G_USEC_PER_SEC;
  g_mutex_unlock (&self->lock);
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

static void
inject_fault_locked (GpmTestPod *self, const char *prefix, GpmTestPodFault kind, guint param, guint count)
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
  inject_fault_locked (self, path_prefix, fault, param, count);
  g_mutex_unlock (&self->lock);
}

void
gpm_test_pod_clear_faults (GpmTestPod *self)
{
  g_mutex_lock (&self->lock);
  g_queue_clear_full (&self->faults, (GDestroyNotify) fault_free);
  g_queue_init (&self->faults);
  g_mutex_unlock (&self->lock);
}

GPtrArray *
gpm_test_pod_dup_posts (GpmTestPod *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_post_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->posts->len; i++)
    g_ptr_array_add (out, post_copy (((StoredPost *) g_ptr_array_index (self->posts, i))->post));
  g_mutex_unlock (&self->lock);
  return out;
}

GPtrArray *
gpm_test_pod_dup_photos (GpmTestPod *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_photo_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->photos->len; i++)
    g_ptr_array_add (out, photo_copy (g_ptr_array_index (self->photos, i)));
  g_mutex_unlock (&self->lock);
  return out;
}

guint
gpm_test_pod_count_posts (GpmTestPod *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->posts->len;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
gpm_test_pod_count_requests (GpmTestPod *self, const char *path_prefix)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->paths->len; i++)
    if (path_prefix == NULL || g_str_has_prefix (g_ptr_array_index (self->paths, i), path_prefix))
      n++;
  g_mutex_unlock (&self->lock);
  return n;
}

char *
gpm_test_pod_dump_json (GpmTestPod *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  g_mutex_lock (&self->lock);
  dump_json_locked (self, b);
  g_mutex_unlock (&self->lock);
  node = json_builder_get_root (b);
  return json_to_string (node, TRUE);
}

GPtrArray *
gpm_test_pod_dup_comments (GpmTestPod *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_comment_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->comments->len; i++)
    g_ptr_array_add (out, comment_copy (g_ptr_array_index (self->comments, i)));
  g_mutex_unlock (&self->lock);
  return out;
}

gboolean
gpm_test_pod_add_comment (GpmTestPod *self, const char *post_guid, const char *username, const char *text)
{
  User *u;
  StoredPost *sp = NULL;
  gboolean ok = FALSE;

  g_mutex_lock (&self->lock);
  u = user_by_name (self, username);
  for (guint i = 0; i < self->posts->len && u; i++)
    if (g_str_equal (((StoredPost *) g_ptr_array_index (self->posts, i))->post->guid, post_guid))
      sp = g_ptr_array_index (self->posts, i);
  if (u && sp)
    ok = store_comment (self, sp, u, text, FALSE) != NULL;
  g_mutex_unlock (&self->lock);
  return ok;
}

guint
gpm_test_pod_cleanup_pending_photos (GpmTestPod *self, guint older_than_seconds)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = cleanup_pending_photos_locked (self, (gint64) older_than_seconds * G_USEC_PER_SEC);
  g_mutex_unlock (&self->lock);
  return n;
}
