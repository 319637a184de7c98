/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-web.c: the test pod's web front end: Devise's sign-in (the
 * form, two-factor, rack-attack's throttle), the session cookie and its CSRF
 * token, the stream page with gon.user, and the controllers the web client
 * posts to: status_messages, photos (fine-uploader's raw body or
 * multipart), aspects and a person's stream. */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>

#include "gpm-test-pod-private.h"

#define SIGN_IN_LIMIT 20

#define SIGN_IN_PERIOD_US ((gint64) 5 * 60 * G_USEC_PER_SEC)

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

Session *
_gpm_test_pod_find_session (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autofree char *id = cookie_value (msg, "_diaspora_session");

  return id ? g_hash_table_lookup (self->sessions, id) : NULL;
}

Session *
_gpm_test_pod_new_session (GpmTestPod *self, SoupServerMessage *msg)
{
  Session *s = g_new0 (Session, 1);
  g_autofree char *cookie = NULL;

  s->id = _gpm_test_pod_new_guid ();
  s->csrf = _gpm_test_pod_new_guid ();
  g_hash_table_insert (self->sessions, s->id, s);
  cookie = g_strdup_printf ("_diaspora_session=%s; path=/; HttpOnly; SameSite=Lax", s->id);
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie", cookie);
  return s;
}

static gboolean
wants_json (SoupServerMessage *msg, const char *path)
{
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Accept");

  return g_str_has_suffix (path, ".json") || (accept && strstr (accept, "application/json"));
}

/* Devise's authenticate_user! */
User *
_gpm_test_pod_web_user_or_respond (GpmTestPod *self, SoupServerMessage *msg, const char *path, Session **session_out)
{
  Session *s = _gpm_test_pod_find_session (self, msg);

  if (s && s->user)
    {
      if (session_out)
        *session_out = s;
      return s->user;
    }
  if (wants_json (msg, path))
    _gpm_test_pod_respond (msg, 401, "application/json; charset=utf-8",
                           "{\"error\":\"You need to sign in or sign up before continuing.\"}");
  else
    _gpm_test_pod_redirect (msg, self, "/users/sign_in");
  return NULL;
}

/* protect_from_forgery: a bad token signs out and redirects to sign-in;
 * a signed-in user is mailed a "CSRF token fail" warning first
 * (app/controllers/application_controller.rb:11-19 at v0.9.1.0, :12-20 at
 * v0.7.18.2: Workers::Mail::CsrfTokenFail, sign_out current_user) */
gboolean
_gpm_test_pod_csrf_ok_or_respond (GpmTestPod *self, SoupServerMessage *msg, Session *s, const char *form_token)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "X-CSRF-Token");
  /* Rails takes a valid token from the form or from the header */
  if (s && ((form_token && g_str_equal (form_token, s->csrf)) || (header && g_str_equal (header, s->csrf))))
    return TRUE;
  if (s && s->user)
    self->csrf_fail_mails++;
  if (s)
    s->user = NULL;
  _gpm_test_pod_redirect (msg, self, "/users/sign_in");
  return FALSE;
}

void
_gpm_test_pod_page_sign_in (GpmTestPod *self, SoupServerMessage *msg, Session *s, const char *alert)
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

  _gpm_test_pod_respond (msg, 200, "text/html; charset=utf-8", html);
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

  _gpm_test_pod_respond (msg, 200, "text/html; charset=utf-8", html);
}

static void
add_aspects_json (JsonBuilder *b, User *u)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < u->aspects->len; i++)
    {
      Aspect *a = g_ptr_array_index (u->aspects, i);

      json_builder_begin_object (b);
      _gpm_test_pod_aspect_members (b, a);
      gpm_test_json_member_boolean (b, "selected", TRUE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

void
_gpm_test_pod_page_signed_in (GpmTestPod *self, SoupServerMessage *msg, Session *s, User *u)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *gon = NULL;
  g_autofree char *html = NULL;
  g_autofree char *did = _gpm_test_pod_diaspora_id (self, u);

  /* gon with camel_case: true, like layouts/_head.haml */
  json_builder_begin_object (b);
  gpm_test_json_member_int (b, "id", u->person_id);
  gpm_test_json_member_string (b, "guid", u->guid);
  gpm_test_json_member_string (b, "name", u->username);
  gpm_test_json_member_string (b, "diasporaId", did);
  gpm_test_json_member_int (b, "notificationsCount", 0);
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
  _gpm_test_pod_respond (msg, 200, "text/html; charset=utf-8", html);
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

void
_gpm_test_pod_handle_sign_in_post (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = _gpm_test_pod_request_form (msg);
  Session *s = _gpm_test_pod_find_session (self, msg);
  const char *token = g_hash_table_lookup (form, "authenticity_token");
  const char *username = g_hash_table_lookup (form, "user[username]");
  const char *password = g_hash_table_lookup (form, "user[password]");
  const char *otp = g_hash_table_lookup (form, "user[otp_attempt]");
  User *u;

  if (sign_in_throttled (self, s))
    {
      _gpm_test_pod_respond (msg, 429, "text/plain", "Retry later\n");
      return;
    }
  if (s == NULL || token == NULL || !g_str_equal (token, s->csrf))
    {
      if (s)
        s->user = NULL;
      _gpm_test_pod_redirect (msg, self, "/users/sign_in");
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
          fresh = _gpm_test_pod_new_session (self, msg);
          fresh->user = u;
          _gpm_test_pod_redirect_path (msg, "/stream");
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
      _gpm_test_pod_page_sign_in (self, msg, s, "Invalid Username or password.");
      return;
    }
  if (u->locked)
    {
      /* the password was right, then Warden's after_set_user finds the
       * account inactive (Devise lockable: active_for_authentication? is
       * false while locked_at is set; diaspora sets it when an account is
       * closed or an admin locks it, app/models/user.rb:550-552 at v0.9.1.0):
       * recalled with devise.failure.locked (devise.en.yml:16) */
      _gpm_test_pod_page_sign_in (self, msg, s, "Your account is locked.");
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
    fresh = _gpm_test_pod_new_session (self, msg);
    fresh->user = u;
    _gpm_test_pod_redirect_path (msg, "/stream");
  }
}

void
_gpm_test_pod_handle_status_messages (GpmTestPod *self, SoupServerMessage *msg, const char *path, gboolean null_id)
{
  Session *s = NULL;
  User *u = _gpm_test_pod_web_user_or_respond (self, msg, path, &s);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(Creation) c = { 0 };
  StoredPost *sp = NULL;
  CreateResult result;
  JsonObject *sm;
  JsonNode *aspects;

  if (u == NULL || !_gpm_test_pod_csrf_ok_or_respond (self, msg, s, NULL))
    return;
  body = _gpm_test_pod_request_json (msg);
  if (body == NULL || !json_object_has_member (body, "status_message")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "status_message")))
    {
      _gpm_test_pod_respond (msg, 400, "text/plain", "param is missing or the value is empty: status_message");
      return;
    }
  sm = json_object_get_object_member (body, "status_message");
  c.text = _gpm_test_pod_jstr (sm, "text");
  c.provider = _gpm_test_pod_jstr (sm, "provider_display_name");
  aspects = json_object_has_member (body, "aspect_ids") ? json_object_get_member (body, "aspect_ids") : NULL;
  if (aspects && JSON_NODE_HOLDS_VALUE (aspects))
    {
      /* [*params[:aspect_ids]].first == "public" */
      c.is_public = g_strcmp0 (json_node_get_string (aspects), "public") == 0;
      if (!c.is_public && _gpm_test_pod_jint (aspects) > 0)
        {
          gint64 id = _gpm_test_pod_jint (aspects);
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
              gint64 id = _gpm_test_pod_jint (n);
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
          gint64 id = _gpm_test_pod_jint (json_array_get_element (arr, i));
          g_ptr_array_add (photos, g_strdup_printf ("%" G_GINT64_FORMAT, id));
        }
    }
  c.photo_refs = photos;
  c.poll_question = _gpm_test_pod_jstr (body, "poll_question");
  _gpm_test_pod_jstrings (body, "poll_answers", answers);
  c.poll_answers = answers;
  c.location_address = _gpm_test_pod_jstr (body, "location_address");
  c.location_coords = g_strdup (_gpm_test_pod_jstr (body, "location_coords"));
  c.request_body = _gpm_test_pod_request_body (msg, NULL);

  if (null_id)
    {
      _gpm_test_pod_unsaved_post_json (b, c.text ? c.text : "", c.is_public, FALSE);
      _gpm_test_pod_respond_builder (msg, 201, b);
      return;
    }
  /* format.json: render json: PostPresenter, status: 201
   * (app/controllers/status_messages_controller.rb:50 at v0.9.1.0); the
   * errors: BadAspectsIDs → 422 (:52-53), any other → handle_create_error,
   * 403 (:54-55, :68) */
  result = _gpm_test_pod_create_post (self, u, &c, &sp);
  if (_gpm_test_pod_respond_created (self, msg, result, sp, &c, FALSE, 201))
    return;
  switch (result)
    {
    case CREATE_BAD_ASPECTS:
      _gpm_test_pod_respond (msg, 422, "text/plain; charset=utf-8", "You can't post to those aspects.");
      break;
    case CREATE_BAD_PHOTOS:
      _gpm_test_pod_respond (msg, 403, "text/plain; charset=utf-8", "Couldn't find Photo");
      break;
    case CREATE_MISSING_CONTENT:
      _gpm_test_pod_respond (msg, 403, "text/plain; charset=utf-8", "StatusMessageCreationService::MissingContent");
      break;
    case CREATE_VALUE_TOO_LONG:
      /* rescue StandardError → handle_create_error: the exception's message */
      _gpm_test_pod_respond (msg, 403, "text/plain; charset=utf-8",
                             "Mysql2::Error: Data too long for column 'text' at row 1");
      break;
    case CREATE_OK:
    case CREATE_UNSAVED:
    default:
      g_assert_not_reached ();
    }
}

void
_gpm_test_pod_handle_photos (GpmTestPod *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  Session *s = NULL;
  User *u = _gpm_test_pod_web_user_or_respond (self, msg, path, &s);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GpmTestPodPhoto *ph;
  g_autoptr(GBytes) form_token = NULL;
  g_autoptr(GBytes) form_pending = NULL;
  g_autofree char *token = NULL;
  g_autofree char *filename = NULL;
  gboolean pending;

  if (u == NULL)
    return;
  if (!(query && g_hash_table_lookup (query, "qqfile")))
    {
      form_token = _gpm_test_pod_multipart_part (msg, "authenticity_token", NULL);
      form_pending = _gpm_test_pod_multipart_part (msg, "photo[pending]", NULL);
    }
  if (form_token)
    token = g_strndup (g_bytes_get_data (form_token, NULL), g_bytes_get_size (form_token));
  if (!_gpm_test_pod_csrf_ok_or_respond (self, msg, s, token))
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
      filename = g_strdup (g_hash_table_lookup (query, "qqfile"));
    }
  else
    {
      file = _gpm_test_pod_multipart_part (msg, "qqfile", &filename);
      if (file && filename == NULL)
        {
          /* rack did not see a file: params[:qqfile] is a String, so
           * file_handler takes the legacy raw-body branch and makes
           * Tempfile.new(<the image bytes as a name>), which raises
           * (photos_controller.rb:119-131 at v0.9.1.0; rescuing_photo_errors
           * rescues only TypeError, IntegrityError, RuntimeError): 500 */
          _gpm_test_pod_respond (msg, 500, "text/html", "<html><body><h1>500</h1></body></html>");
          return;
        }
      /* cropped files come as "blob", their name in qqfilename (:113-114) */
      if (file && g_strcmp0 (filename, "blob") == 0)
        {
          g_autoptr(GBytes) qqfilename = _gpm_test_pod_multipart_part (msg, "qqfilename", NULL);

          g_free (filename);
          filename = qqfilename ? g_strndup (g_bytes_get_data (qqfilename, NULL), g_bytes_get_size (qqfilename)) : NULL;
        }
    }
  if (file == NULL || g_bytes_get_size (file) == 0)
    {
      /* rescuing_photo_errors: still 200 */
      _gpm_test_pod_respond (msg, 200, "application/json; charset=utf-8",
                             "{\"success\":false,\"error\":\"Photo upload failed. Are you sure an image was added?\"}");
      return;
    }
  if (!_gpm_test_pod_extension_allowed (self, filename))
    {
      /* CarrierWave::IntegrityError: rescuing_photo_errors (:157-165) answers 200 */
      _gpm_test_pod_respond (msg, 200, "application/json; charset=utf-8",
                             "{\"success\":false,\"error\":\"Photo upload failed. Are you sure that was an image?\"}");
      return;
    }
  {
    int w, h;

    /* rescuing_photo_errors (photos_controller.rb:157-165) rescues only
     * TypeError, CarrierWave::IntegrityError and RuntimeError; MiniMagick's
     * error for a file it cannot read is none of them: Rails' 500 page. */
    if (self->check_images && !_gpm_test_pod_decode_image (file, &w, &h))
      {
        _gpm_test_pod_respond (msg, 500, "text/html",
                               "<html><body><h1>We're sorry, but something went wrong.</h1></body></html>");
        return;
      }
  }
  ph = _gpm_test_pod_store_photo (self, u, file, pending);
  json_builder_begin_object (b);
  gpm_test_json_member_boolean (b, "success", TRUE);
  gpm_test_json_member_begin_object (b, "data");
  gpm_test_json_member_begin_object (b, "photo");
  gpm_test_json_member_int (b, "id", ph->id);
  gpm_test_json_member_string (b, "guid", ph->guid);
  gpm_test_json_member_boolean (b, "pending", ph->pending);
  gpm_test_json_member_int (b, "author_id", u->person_id);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
}

/* POST /aspects: AspectsController#create (app/controllers/aspects_controller.rb:14-29
 * at v0.9.1.0 and v0.7.18.2; config/routes.rb:61, resources :aspects) */
void
_gpm_test_pod_handle_web_create_aspect (GpmTestPod *self, SoupServerMessage *msg, const char *path)
{
  Session *s = NULL;
  User *u = _gpm_test_pod_web_user_or_respond (self, msg, path, &s);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *name = NULL;
  Aspect *a;

  if (u == NULL || !_gpm_test_pod_csrf_ok_or_respond (self, msg, s, NULL))
    return;
  /* params.require(:aspect).permit(:name, …) (:91-93 at v0.9.1.0): the
   * "aspect" object of a JSON body, or the JSON body's own "name" wrapped
   * into it by wrap_parameters format: [:json]
   * (config/initializers/wrap_parameters.rb:10; what the front end's
   * app.aspects.create({name, person_id}) sends), or the form's aspect[name] */
  body = _gpm_test_pod_request_json (msg);
  if (body != NULL && json_object_has_member (body, "aspect")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "aspect")))
    name = _gpm_test_pod_jstr (json_object_get_object_member (body, "aspect"), "name");
  else if (body != NULL)
    name = _gpm_test_pod_jstr (body, "name");
  else if ((form = _gpm_test_pod_request_form (msg)) != NULL)
    name = g_hash_table_lookup (form, "aspect[name]");
  if (name == NULL)
    {
      /* ActionController::ParameterMissing: Rails answers 400 */
      _gpm_test_pod_respond (msg, 400, "text/plain", "param is missing or the value is empty: aspect");
      return;
    }
  /* @aspect.save fails: head :unprocessable_entity, whatever the format (:27) */
  if ((a = _gpm_test_pod_create_aspect_locked (self, u, name)) == NULL)
    {
      _gpm_test_pod_respond (msg, 422, NULL, NULL);
      return;
    }
  /* render json: {id:, name:} (:19, :25), for HTML requests too */
  json_builder_begin_object (b);
  _gpm_test_pod_aspect_members (b, a);
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
}

void
_gpm_test_pod_handle_person_stream (GpmTestPod *self, SoupServerMessage *msg, const char *path, const char *guid,
                                    GHashTable *query)
{
  /* No sign-in needed: before_action :authenticate_user!, except: %i(show
   * stream hovercard) (app/controllers/people_controller.rb:10 at v0.9.1.0
   * and v0.7.18.2); without a user Stream::Person#posts is the person's
   * public posts (lib/stream/person.rb:17-19). guid NULL: the main stream
   * (StreamsController#multi, which wants a user), here the viewer's own
   * posts. */
  Session *s = _gpm_test_pod_find_session (self, msg);
  User *viewer = s != NULL ? s->user : NULL;
  User *author;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *max_time = query ? g_hash_table_lookup (query, "max_time") : NULL;
  gint64 max_s = max_time ? g_ascii_strtoll (max_time, NULL, 10) : G_MAXINT64;
  guint n = 0;

  if (guid == NULL && (viewer = _gpm_test_pod_web_user_or_respond (self, msg, path, NULL)) == NULL)
    return;
  author = guid != NULL ? _gpm_test_pod_find_user_by_guid (self, guid) : viewer;
  if (author == NULL)
    {
      _gpm_test_pod_respond (msg, 404, "application/json", "{\"error\":\"not found\"}");
      return;
    }
  list = _gpm_test_pod_posts_of (self, author, viewer);
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len && n < PAGE_SIZE; i++)
    {
      StoredPost *sp = g_ptr_array_index (list, i);

      if (sp->created_us / G_USEC_PER_SEC >= max_s)
        continue;
      _gpm_test_pod_post_to_json (self, b, sp, FALSE);
      n++;
    }
  json_builder_end_array (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
}
