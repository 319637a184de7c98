/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod-web.c: the web-session backend of the pod client.
 *
 * What diaspora's own front end (and diaspy) does, on every pod: the
 * sign-in form (with a two-factor code for accounts that use one), the
 * session cookie, and the CSRF token in X-CSRF-Token on every request that
 * changes something. The account's guid, handle and aspects come from
 * `gon.user` in a signed-in page. The password stays in memory for the life
 * of the GpmPod, so an ended session is renewed once (web_renew()). Photos
 * go up the way diaspora's uploader sends them (a multipart form, or the
 * raw body the older uploader used), posts to /status_messages.
 *
 * Installed by gpm_pod_sign_in_password() as the pod's GpmPodBackend.
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-pod-private.h"

/* ------------------------------------------------------------- HTML helpers */

/* The value of attribute @attr in the first tag that contains @marker. */
static char *
html_attr_near (const char *html, const char *marker, const char *attr)
{
  const char *hit = strstr (html, marker);
  const char *tag_start, *tag_end, *p;
  g_autofree char *needle = NULL;

  if (hit == NULL)
    return NULL;
  tag_start = hit;
  while (tag_start > html && *tag_start != '<')
    tag_start--;
  tag_end = strchr (hit, '>');
  if (tag_end == NULL)
    return NULL;
  needle = g_strconcat (attr, "=\"", NULL);
  p = g_strstr_len (tag_start, tag_end - tag_start, needle);
  if (p == NULL)
    {
      g_free (needle);
      needle = g_strconcat (attr, "='", NULL);
      p = g_strstr_len (tag_start, tag_end - tag_start, needle);
    }
  if (p == NULL)
    return NULL;
  p += strlen (needle);
  {
    const char *q = strchr (p, needle[strlen (needle) - 1]);
    g_autofree char *raw = NULL;
    GString *out;

    if (q == NULL || q > tag_end)
      return NULL;
    raw = g_strndup (p, q - p);
    /* undo the HTML escaping Rails applies to attribute values */
    out = g_string_new (raw);
    g_string_replace (out, "&#x2F;", "/", 0);
    g_string_replace (out, "&#47;", "/", 0);
    g_string_replace (out, "&#x3D;", "=", 0);
    g_string_replace (out, "&#43;", "+", 0);
    g_string_replace (out, "&quot;", "\"", 0);
    g_string_replace (out, "&lt;", "<", 0);
    g_string_replace (out, "&gt;", ">", 0);
    g_string_replace (out, "&amp;", "&", 0);
    return g_string_free (out, FALSE);
  }
}

static char *
html_csrf_token (const char *html)
{
  const char *markers[][2] = {
    { "name=\"csrf-token\"", "content" },
    { "name='csrf-token'", "content" },
    { "name=\"authenticity_token\"", "value" },
    { "name='authenticity_token'", "value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      char *token = html_attr_near (html, markers[i][0], markers[i][1]);
      if (token && *token)
        return token;
      g_free (token);
    }
  return NULL;
}

/* The JSON object assigned as `gon.user=` in the page (gon's script). */
static JsonObject *
html_gon_user (const char *html)
{
  const char *p = strstr (html, "gon.user");
  const char *start, *q;
  int depth = 0;
  gboolean in_string = FALSE;

  if (p == NULL)
    return NULL;
  start = p + strlen ("gon.user");
  while (g_ascii_isspace (*start))
    start++;
  if (*start != '=')
    return NULL;
  start++;
  while (g_ascii_isspace (*start))
    start++;
  if (*start != '{')
    return NULL;
  for (q = start; *q; q++)
    {
      if (in_string)
        {
          if (*q == '\\' && q[1])
            q++;
          else if (*q == '"')
            in_string = FALSE;
          continue;
        }
      if (*q == '"')
        in_string = TRUE;
      else if (*q == '{')
        depth++;
      else if (*q == '}' && --depth == 0)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonNode *root;

          if (!json_parser_load_from_data (parser, start, q - start + 1, NULL))
            return NULL;
          root = json_parser_get_root (parser);
          if (!JSON_NODE_HOLDS_OBJECT (root))
            return NULL;
          return json_object_ref (json_node_get_object (root));
        }
    }
  return NULL;
}
/* ----------------------------------------------------------- web session */

static gboolean web_sign_in (GpmPod *self, const char *username, const char *password,
                             const char *otp_code, gboolean renewing, GCancellable *cancellable,
                             GError **error);

/* Loads signed-in pages (/bookmarklet is light and carries gon + the CSRF
 * token; /stream and /contacts do too) and takes the fresh CSRF token and
 * the account data (gon.user) from them. Succeeds when a signed-in page was
 * seen, even if it had no gon (then *@gon_user_out stays NULL); EXPIRED when
 * the pod sends every page back to the sign-in form. */
static gboolean
web_load_account_page (GpmPod        *self,
                       JsonObject   **gon_user_out,
                       GCancellable  *cancellable,
                       GError       **error)
{
  const char *paths[] = { "/bookmarklet", "/stream", "/contacts" };
  gboolean signed_in_page = FALSE;
  gboolean sent_to_sign_in = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      GpmPodRequest req = { "GET", gpm_pod_url (self, paths[i]), GPM_POD_REQUEST_COOKIE, "text/html" };
      GpmPodReply reply = { 0 };
      g_autofree char *html = NULL;
      g_autofree char *token = NULL;
      g_autoptr(JsonObject) user = NULL;

      if (!gpm_pod_http_request (self, &req, &reply, cancellable, error))
        return FALSE;
      if ((reply.status >= 300 && reply.status < 400 && gpm_pod_reply_is_sign_in (&reply))
          || reply.status == 401)
        {
          gpm_pod_reply_clear (&reply);
          sent_to_sign_in = TRUE;
          continue;
        }
      if (reply.status != 200)
        {
          gpm_pod_reply_clear (&reply);
          continue;
        }
      html = g_strndup (gpm_pod_reply_text (&reply, NULL), reply.body ? g_bytes_get_size (reply.body) : 0);
      gpm_pod_reply_clear (&reply);
      if (strstr (html, "user[password]") != NULL)
        {
          /* the sign-in form itself */
          sent_to_sign_in = TRUE;
          continue;
        }
      signed_in_page = TRUE;
      token = html_csrf_token (html);
      user = html_gon_user (html);

      g_mutex_lock (&self->lock);
      if (token)
        {
          g_clear_pointer (&self->csrf_token, gpm_pod_secret_free);
          self->csrf_token = g_steal_pointer (&token);
        }
      if (user && gpm_pod_json_string (user, "guid", NULL))
        {
          g_free (self->user_guid);
          self->user_guid = g_strdup (gpm_pod_json_string (user, "guid", NULL));
        }
      if (user && gpm_pod_json_string (user, "diasporaId", "diaspora_id"))
        {
          g_free (self->diaspora_id);
          self->diaspora_id = g_strdup (gpm_pod_json_string (user, "diasporaId", "diaspora_id"));
        }
      g_mutex_unlock (&self->lock);
      if (user == NULL || self->csrf_token == NULL)
        continue;
      if (gon_user_out)
        *gon_user_out = g_steal_pointer (&user);
      return TRUE;
    }
  if (signed_in_page)
    return TRUE;
  if (sent_to_sign_in)
    {
      gpm_pod_set_expired (error, 401);
      return FALSE;
    }
  gpm_pod_set_error (error, GPM_POD_ERROR_NOT_DIASPORA, 0, 0,
                     _("%s does not look like a diaspora* pod."), gpm_pod_get_address (self));
  return FALSE;
}

/* With self->lock held: the jar emptied (a session's cookies gone). */
static void
forget_cookies_locked (GpmPod *self)
{
  GSList *cookies = soup_cookie_jar_all_cookies (self->jar);

  for (GSList *l = cookies; l; l = l->next)
    soup_cookie_jar_delete_cookie (self->jar, l->data);
  soup_cookies_free (cookies);
}

/* Renews an ended web session with the password remembered in memory. */
static gboolean
web_renew (GpmPod *self, GCancellable *cancellable, GError **error)
{
  g_autofree char *username = NULL;
  char *password = NULL;
  gboolean ok;

  g_mutex_lock (&self->lock);
  username = g_strdup (self->username);
  password = g_strdup (self->password);
  g_mutex_unlock (&self->lock);

  if (username == NULL || password == NULL)
    {
      gpm_pod_secret_free (password);
      gpm_pod_set_expired (error, 0);
      return FALSE;
    }
  g_debug ("web session ended; signing in again");
  ok = web_sign_in (self, username, password, NULL, TRUE, cancellable, error);
  gpm_pod_secret_free (password);
  if (!ok && error && *error && ((*error)->code == GPM_POD_ERROR_WRONG_CREDENTIALS
                                 || (*error)->code == GPM_POD_ERROR_ACCOUNT_LOCKED
                                 || (*error)->code == GPM_POD_ERROR_TWO_FACTOR_NEEDED))
    {
      g_clear_error (error);
      gpm_pod_set_expired (error, 0);
    }
  else if (!ok)
    {
      /* Not a refusal: the pod could not be reached (down, 502/503, no
       * answer) at that moment. The sign-in stays, so the next request
       * that finds the session ended tries again, and the caller waits
       * for the pod as for any outage (a migration must not stop for
       * it). What the half-done sign-in left is dropped: a new session's
       * cookie with the old session's CSRF token would make diaspora sign
       * the new session out and mail the user a warning
       * (app/controllers/application_controller.rb:11-19); without a
       * cookie the pod answers "sign in" and the renewal is tried again. */
      g_mutex_lock (&self->lock);
      forget_cookies_locked (self);
      g_clear_pointer (&self->csrf_token, gpm_pod_secret_free);
      g_mutex_unlock (&self->lock);
      /* a page that is not diaspora's where its sign-in was a moment ago
       * (a maintenance page answered 200): an outage, not another server */
      if (error && *error && (*error)->code == GPM_POD_ERROR_NOT_DIASPORA)
        (*error)->code = GPM_POD_ERROR_PROTOCOL;
    }
  return ok;
}

static gboolean
page_is_two_factor (const char *html)
{
  return strstr (html, "otp_attempt") != NULL;
}

/* POSTs the sign-in form. Sets *@signed_in or *@two_factor from the answer. */
static gboolean
web_post_sign_in (GpmPod        *self,
                  GBytes        *form,
                  gboolean      *signed_in,
                  char         **page_out,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GpmPodRequest req = { "POST", gpm_pod_url (self, "/users/sign_in"), GPM_POD_REQUEST_ANONYMOUS, "text/html",
                  "application/x-www-form-urlencoded", g_bytes_ref (form) };
  GpmPodReply reply = { 0 };

  *signed_in = FALSE;
  if (!gpm_pod_http_request (self, &req, &reply, cancellable, error))
    return FALSE;
  if (reply.status >= 300 && reply.status < 400)
    *signed_in = !gpm_pod_reply_is_sign_in (&reply);
  else
    {
      *page_out = g_strndup (gpm_pod_reply_text (&reply, NULL), reply.body ? g_bytes_get_size (reply.body) : 0);
      /* a pod that shows a signed-in page at once (no redirect); checked
       * by loading the account page afterwards */
      *signed_in = reply.status == 200 && strstr (*page_out, "user[password]") == NULL
                   && !page_is_two_factor (*page_out);
    }
  gpm_pod_reply_clear (&reply);
  return TRUE;
}

static gboolean
web_sign_in (GpmPod        *self,
             const char    *username,
             const char    *password,
             const char    *otp_code,
             gboolean       renewing,
             GCancellable  *cancellable,
             GError       **error)
{
  GpmPodReply reply = { 0 };
  g_autofree char *html = NULL;
  g_autofree char *page = NULL;
  char *token = NULL;
  g_autoptr(GBytes) form = NULL;
  gboolean signed_in = FALSE;
  gboolean ok;

  /* a clean start: no cookies from an earlier session */
  g_mutex_lock (&self->lock);
  forget_cookies_locked (self);
  g_mutex_unlock (&self->lock);

  if (!gpm_pod_http_get_following_moves (self, "/users/sign_in", "text/html", &reply, cancellable, error))
    return FALSE;
  if (!gpm_pod_http_check_status (&reply, error))
    {
      gpm_pod_reply_clear (&reply);
      return FALSE;
    }
  html = g_strndup (gpm_pod_reply_text (&reply, NULL), reply.body ? g_bytes_get_size (reply.body) : 0);
  token = html_csrf_token (html);
  if (reply.status != 200 || strstr (html, "user[password]") == NULL)
    {
      gpm_pod_secret_free (token);
      gpm_pod_reply_clear (&reply);
      gpm_pod_set_error (error, GPM_POD_ERROR_NOT_DIASPORA, 0, 0,
                         _("%s does not look like a diaspora* pod: it has no sign-in page."), gpm_pod_get_address (self));
      return FALSE;
    }
  gpm_pod_reply_clear (&reply);

  form = gpm_pod_form_body ("utf8", "✓",
                            "authenticity_token", token,
                            "user[username]", username,
                            "user[password]", password,
                            "user[remember_me]", "1",
                            "commit", "Sign in",
                            NULL);
  gpm_pod_secret_free (token);
  ok = web_post_sign_in (self, form, &signed_in, &page, cancellable, error);
  g_clear_pointer (&form, g_bytes_unref);
  if (!ok)
    return FALSE;

  if (!signed_in && page && page_is_two_factor (page))
    {
      g_autofree char *page2 = NULL;

      if (otp_code == NULL || *otp_code == '\0')
        {
          gpm_pod_set_error (error, GPM_POD_ERROR_TWO_FACTOR_NEEDED, 0, 0,
                             _("This account uses two-factor authentication. Enter the code from your "
                       "authenticator app."));
          return FALSE;
        }
      token = html_csrf_token (page);
      form = gpm_pod_form_body ("utf8", "✓",
                                "authenticity_token", token,
                                "user[otp_attempt]", otp_code,
                                "user[remember_me]", "1",
                                "commit", "Sign in",
                                NULL);
      gpm_pod_secret_free (token);
      if (!web_post_sign_in (self, form, &signed_in, &page2, cancellable, error))
        return FALSE;
      if (!signed_in)
        {
          gpm_pod_set_error (error, GPM_POD_ERROR_WRONG_CREDENTIALS, 0, 0,
                             _("The two-factor code is not correct. Enter the current code from your "
                       "authenticator app."));
          return FALSE;
        }
    }
  else if (!signed_in && page && strstr (page, "Your account is locked.") != NULL)
    {
      /* the right password for an account the pod locked (closed, or locked
       * by an admin: User#close_account!, app/models/user.rb:550-552; Devise
       * lockable's devise.failure.locked, config/locales/devise/devise.en.yml:16
       * at v0.9.1.0, recalled into the sign-in form): no password helps */
      gpm_pod_set_error (error, GPM_POD_ERROR_ACCOUNT_LOCKED, 0, 0,
                         _("This account is locked on the pod: it was closed, or the pod’s administrator "
                           "locked it. It cannot sign in."));
      return FALSE;
    }
  else if (!signed_in)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_WRONG_CREDENTIALS, 0, 0,
                         _("The user name or password is not correct."));
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  self->backend = &gpm_pod_web_backend;
  if (self->username != username)
    {
      g_free (self->username);
      self->username = g_strdup (username);
    }
  if (self->password != password)
    {
      g_clear_pointer (&self->password, gpm_pod_secret_free);
      self->password = g_strdup (password);
    }
  g_mutex_unlock (&self->lock);

  /* the fresh CSRF token and the account's guid */
  if (web_load_account_page (self, NULL, cancellable, error))
    {
      g_mutex_lock (&self->lock);
      if (self->diaspora_id == NULL)
        {
          g_autoptr(GUri) uri = g_uri_parse (gpm_pod_get_address (self), G_URI_FLAGS_NONE, NULL);

          if (g_uri_get_port (uri) > 0)
            self->diaspora_id = g_strdup_printf ("%s@%s:%d", self->username, g_uri_get_host (uri),
                                                 g_uri_get_port (uri));
          else
            self->diaspora_id = g_strdup_printf ("%s@%s", self->username, g_uri_get_host (uri));
        }
      g_mutex_unlock (&self->lock);
    }
  else
    {
      if (error && *error && (*error)->code == GPM_POD_ERROR_EXPIRED)
        {
          /* the pod did not keep the session: cookies refused */
          g_clear_error (error);
          gpm_pod_set_error (error, GPM_POD_ERROR_WRONG_CREDENTIALS, 0, 0,
                             _("The pod did not accept the sign-in."));
        }
      /* a renewal keeps the sign-in unless the pod refused it (web_renew()) */
      if (!renewing || error == NULL || *error == NULL || (*error)->code == GPM_POD_ERROR_WRONG_CREDENTIALS
          || (*error)->code == GPM_POD_ERROR_ACCOUNT_LOCKED)
        gpm_pod_set_backend (self, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
gpm_pod_sign_in_password (GpmPod        *self,
                          const char    *username,
                          const char    *password,
                          const char    *otp_code,
                          GCancellable  *cancellable,
                          GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (GPM_IS_POD (self), FALSE);
  g_return_val_if_fail (username != NULL && password != NULL, FALSE);

  /* The old session goes, the new cookie comes with the sign-in and its
   * CSRF token with the account page after it: other threads' requests
   * wait meanwhile, as during a renewal, so none goes out with a cookie
   * and a token of different sessions (diaspora would sign the new one
   * out and mail the user a "CSRF token fail" warning,
   * app/controllers/application_controller.rb:11-19) or with none. */
  gpm_pod_http_sign_in_begin (self);
  g_mutex_lock (&self->lock);
  gpm_pod_clear_account_locked (self);
  g_mutex_unlock (&self->lock);

  /* diaspora strips and lower-cases user names (app/models/user.rb
   * strip_and_downcase_username; devise.rb case_insensitive_keys and
   * strip_whitespace_keys), so "Alice " signs in as alice: the name kept
   * (keyring, journal) is the account's own. "alice@pod.example" on
   * pod.example: the pod wants just "alice". */
  {
    g_autofree char *name = g_ascii_strdown (g_strstrip (g_strdup (username)), -1);
    char *at = strchr (name, '@');
    g_autoptr(GUri) uri = g_uri_parse (gpm_pod_get_address (self), G_URI_FLAGS_NONE, NULL);

    if (at && uri && g_ascii_strcasecmp (at + 1, g_uri_get_host (uri)) == 0)
      *at = '\0';
    ok = web_sign_in (self, name, password, otp_code, FALSE, cancellable, error);
  }
  gpm_pod_http_sign_in_end (self);
  gpm_pod_notify (self, GPM_POD_PROP_AUTH);
  return ok;
}

/* ------------------------------------------------------------ photos and posts */

typedef struct {
  GBytes     *data;
  const char *filename;
  const char *content_type;
} UploadForm;

/* The form diaspora's uploader (FineUploader, params in the body) sends. */
static SoupMultipart *
build_upload_form (gconstpointer user_data, const char *csrf_token)
{
  const UploadForm *f = user_data;
  SoupMultipart *mp = soup_multipart_new ("multipart/form-data");
  g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (f->data));
  g_autofree char *uuid = g_uuid_string_random ();

  if (csrf_token)
    soup_multipart_append_form_string (mp, "authenticity_token", csrf_token);
  soup_multipart_append_form_string (mp, "photo[pending]", "true");
  soup_multipart_append_form_string (mp, "photo[aspect_ids]", "all");
  soup_multipart_append_form_string (mp, "qquuid", uuid);
  soup_multipart_append_form_string (mp, "qqfilename", f->filename);
  soup_multipart_append_form_string (mp, "qqtotalfilesize", size);
  gpm_pod_multipart_append_file (mp, "qqfile", f->filename, f->content_type, f->data);
  return mp;
}

/* One upload the way the web uploader does it: @raw FALSE sends a
 * multipart form with the file as "qqfile"; @raw TRUE sends the bytes as
 * the body with ?qqfile=NAME (the older XHR uploader, which diaspy uses).
 * photos_controller.rb answers 200 with {"success":…} either way. */
static char *
web_upload_once (GpmPod        *self,
                 GBytes        *data,
                 const char    *filename,
                 const char    *content_type,
                 gboolean       raw,
                 GCancellable  *cancellable,
                 GError       **error)
{
  GpmPodRequest req = { "POST", NULL, GPM_POD_REQUEST_COOKIE };
  GpmPodReply reply = { 0 };
  UploadForm form = { data, filename, content_type };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  char *id = NULL;
  GString *url;

  url = g_string_new (gpm_pod_get_address (self));
  g_string_append (url, "/photos?photo%5Bpending%5D=true&photo%5Baspect_ids%5D=all&set_profile_photo=false");
  req.web_xhr = TRUE;
  if (raw)
    {
      g_string_append (url, "&qqfile=");
      g_string_append_uri_escaped (url, filename, NULL, FALSE);
      req.content_type = content_type;
      req.body = g_bytes_ref (data);
    }
  else
    {
      req.build_multipart = build_upload_form;
      req.build_data = &form;
    }
  req.url = g_string_free (url, FALSE);

  if (!gpm_pod_http_send_authed (self, &req, &reply, cancellable, error))
    return NULL;

  if (reply.status == 413)
    {
      gpm_pod_set_photo_refused (error, reply.status, filename, _("it is larger than the pod accepts"));
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  node = gpm_pod_reply_json (&reply);
  o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (reply.status >= 400 || o == NULL || !gpm_pod_json_bool (o, "success", TRUE))
    {
      g_autofree char *why = o && gpm_pod_json_string (o, "error", NULL) ? g_strdup (gpm_pod_json_string (o, "error", NULL))
                                                                : gpm_pod_reply_message (&reply);
      gpm_pod_set_photo_refused (error, reply.status, filename, why);
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  if (json_object_has_member (o, "data") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "data")))
    {
      JsonObject *d = json_object_get_object_member (o, "data");

      if (json_object_has_member (d, "photo") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (d, "photo")))
        d = json_object_get_object_member (d, "photo");
      id = gpm_pod_json_id (d, "id");
    }
  if (id == NULL)
    id = gpm_pod_json_id (o, "id");
  if (id == NULL)
    gpm_pod_set_protocol (error, reply.status, _("no photo id"));
  gpm_pod_reply_clear (&reply);
  return id;
}

static char *
draft_web_json (const GpmPodDraft *d)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status_message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, d->text);
  json_builder_set_member_name (b, "provider_display_name");
  json_builder_add_string_value (b, d->provider_display_name ? d->provider_display_name : GPM_POD_DEFAULT_PROVIDER);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "aspect_ids");
  if (d->is_public)
    json_builder_add_string_value (b, "public");
  else
    {
      json_builder_begin_array (b);
      for (guint i = 0; i < d->aspect_ids->len; i++)
        {
          g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (d->aspect_ids, gint64, i));
          json_builder_add_string_value (b, s);
        }
      json_builder_end_array (b);
    }
  if (d->photo_ids && d->photo_ids->len)
    {
      json_builder_set_member_name (b, "photos");
      json_builder_begin_array (b);
      for (guint i = 0; i < d->photo_ids->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (d->photo_ids, i));
      json_builder_end_array (b);
    }
  if (d->poll_question)
    {
      json_builder_set_member_name (b, "poll_question");
      json_builder_add_string_value (b, d->poll_question);
      json_builder_set_member_name (b, "poll_answers");
      json_builder_begin_array (b);
      for (guint i = 0; d->poll_answers && i < d->poll_answers->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (d->poll_answers, i));
      json_builder_end_array (b);
    }
  if (d->location_address)
    {
      json_builder_set_member_name (b, "location_address");
      json_builder_add_string_value (b, d->location_address);
      if (d->has_coordinates)
        {
          char lat[G_ASCII_DTOSTR_BUF_SIZE], lng[G_ASCII_DTOSTR_BUF_SIZE];
          g_autofree char *coords = g_strdup_printf ("%s,%s", gpm_pod_format_coordinate (lat, d->latitude),
                                                     gpm_pod_format_coordinate (lng, d->longitude));

          json_builder_set_member_name (b, "location_coords");
          json_builder_add_string_value (b, coords);
        }
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* ------------------------------------------------------------- operations */

static GPtrArray *
web_list_aspects (GpmPod *self, GCancellable *cancellable, GError **error)
{
  g_autoptr(JsonObject) user = NULL;
  gint generation = g_atomic_int_get (&self->generation);
  gboolean renewed_by_me = FALSE;

  /* the page may have ended the session: renew once */
  if (!web_load_account_page (self, &user, cancellable, error))
    {
      if (!(error && *error && (*error)->code == GPM_POD_ERROR_EXPIRED))
        return NULL;
      g_clear_error (error);
      if (!gpm_pod_http_renew_after_expired (self, generation, &renewed_by_me, cancellable, error)
          || !web_load_account_page (self, &user, cancellable, error))
        return NULL;
    }
  if (user == NULL || !json_object_has_member (user, "aspects")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (user, "aspects")))
    {
      gpm_pod_set_protocol (error, 200, _("no aspects"));
      return NULL;
    }
  return gpm_pod_aspects_from_json (json_object_get_array_member (user, "aspects"));
}

/* AspectsController#create (app/controllers/aspects_controller.rb:14 at
 * v0.9.1.0 and v0.7.18.2; routes.rb:61, resources :aspects): reads
 * params.require(:aspect).permit(:name, …) and answers JSON whatever was
 * asked: {"id", "name"}, or an empty 422 (head :unprocessable_entity) for a
 * name Aspect does not validate. diaspora's own front end posts
 * {"name", "person_id"} and lets Rails wrap it into "aspect"; this sends it
 * wrapped. */
static GpmPodAspect *
web_create_aspect (GpmPod *self, const char *name, GCancellable *cancellable, GError **error)
{
  GpmPodRequest req = { "POST", gpm_pod_url (self, "/aspects"), GPM_POD_REQUEST_COOKIE, NULL,
                        "application/json" };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *json;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "aspect");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  req.body = g_bytes_new_take (json, strlen (json));
  /* the CSRF token in X-CSRF-Token, as for posts */
  req.web_xhr = TRUE;
  return gpm_pod_send_create_aspect (self, &req, cancellable, error);
}

static char *
web_upload_photo (GpmPod        *self,
                  GBytes        *data,
                  const char    *filename,
                  const char    *content_type,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GError) first = NULL;
  char *id;

  id = web_upload_once (self, data, filename, content_type, FALSE, cancellable, &first);
  if (id != NULL)
    return id;
  /* a refusal of the form may be a pod that only takes the raw upload;
   * pending photos cost nothing, so try that once */
  if ((!g_error_matches (first, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED)
       && !g_error_matches (first, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL))
      || gpm_pod_error_get_http_status (first) == 413)   /* too large either way */
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return NULL;
    }
  g_debug ("multipart photo upload refused (%s); trying the raw upload", first->message);
  id = web_upload_once (self, data, filename, content_type, TRUE, cancellable, NULL);
  if (id == NULL)
    g_propagate_error (error, g_steal_pointer (&first));
  return id;
}

static GpmPodPost *
web_create_post (GpmPod             *self,
                 const GpmPodDraft  *draft,
                 GCancellable       *cancellable,
                 GError            **error)
{
  GpmPodRequest req = { "POST", gpm_pod_url (self, "/status_messages"), GPM_POD_REQUEST_COOKIE, NULL,
                        "application/json" };
  char *json = draft_web_json (draft);

  /* the CSRF token goes in the X-CSRF-Token header (like diaspora's front
   * end), so a request repeated after renewing the session carries the
   * new one */
  req.web_xhr = TRUE;
  req.body = g_bytes_new_take (json, strlen (json));
  /* an unsaved post comes back with "id": null */
  return gpm_pod_send_post (self, &req, draft, FALSE, cancellable, error);
}

static gboolean
web_delete_post (GpmPod        *self,
                 const char    *guid,
                 GCancellable  *cancellable,
                 GError       **error)
{
  GpmPodRequest req = { "DELETE", gpm_pod_url_for_guid (self, "/posts/", guid, ""), GPM_POD_REQUEST_COOKIE };

  /* posts_controller.rb#destroy: 204 for JSON; CSRF token in the header */
  req.web_xhr = TRUE;
  return gpm_pod_send_delete (self, &req, cancellable, error);
}

/* The person's own stream (/people/GUID/stream.json), or without a guid the
 * main stream filtered to the account's posts, paged back with max_time.
 * *@anonymous_ok: the listing came from the person stream, which answers
 * without a session too. */
static GPtrArray *
web_list_own_posts_once (GpmPod        *self,
                         guint          max_posts,
                         gint64         since,
                         gboolean      *anonymous_ok,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree char *guid = gpm_pod_dup_user_guid (self);
  g_autofree char *diaspora_id = gpm_pod_dup_diaspora_id (self);
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_post_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* a stream with other people's posts too: keep the account's only */
  gboolean filter = guid == NULL;
  g_autofree char *stream_path = guid ? g_strdup_printf ("/people/%s/stream.json", guid)
                                      : g_strdup ("/stream.json");
  g_autofree char *url = gpm_pod_url (self, stream_path);
  gint64 max_time = G_MAXINT64;

  for (int page = 0; url && posts->len < max_posts && page < GPM_POD_MAX_PAGES; page++)
    {
      GpmPodRequest req = { "GET", g_steal_pointer (&url), GPM_POD_REQUEST_COOKIE };
      GpmPodReply reply = { 0 };
      g_autoptr(JsonNode) node = NULL;
      gint64 oldest = G_MAXINT64;

      req.web_xhr = TRUE;
      if (!gpm_pod_http_send_authed (self, &req, &reply, cancellable, error))
        return NULL;
      if (page == 0 && !filter && reply.status == 404)
        {
          /* no person stream: the main stream, filtered */
          gpm_pod_reply_clear (&reply);
          filter = TRUE;
          g_free (stream_path);
          stream_path = g_strdup ("/stream.json");
          url = gpm_pod_url (self, stream_path);
          page--;
          continue;
        }
      node = gpm_pod_reply_json (&reply);
      if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          gpm_pod_set_protocol (error, reply.status, _("no list of posts"));
          gpm_pod_reply_clear (&reply);
          return NULL;
        }
      gpm_pod_take_posts (json_node_get_array (node), posts, seen, max_posts, filter, guid, diaspora_id,
                          &oldest);
      *anonymous_ok = !filter;
      gpm_pod_reply_clear (&reply);
      if (oldest != G_MAXINT64 && oldest < since)
        break;   /* back as far as asked */
      if (oldest != G_MAXINT64)
        {
          /* older posts: max_time (whole seconds) is exclusive. Ask first
           * for one second later, which keeps posts sharing the oldest
           * second (already seen ones are skipped by guid); when that brings
           * nothing new, ask strictly before it. */
          gint64 next = oldest + 1;

          if (next >= max_time)
            next = oldest;
          if (next < max_time)
            {
              g_autofree char *path = g_strdup_printf ("%s?max_time=%" G_GINT64_FORMAT, stream_path, next);
              url = gpm_pod_url (self, path);
              max_time = next;
            }
        }
    }
  return g_steal_pointer (&posts);
}

/* Whether the web session is still signed in, renewing it when it ended:
 * StreamsController wants a user (before_action :authenticate_user!,
 * app/controllers/streams_controller.rb:8 at v0.9.1.0 and v0.7.18.2) and
 * answers an ended session 401 (JSON); max_time=1 asks for the posts
 * before 1970: none, a cheap answer. */
static gboolean
web_confirm_session (GpmPod        *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  GpmPodRequest req = { "GET", gpm_pod_url (self, "/stream.json?max_time=1"), GPM_POD_REQUEST_COOKIE };
  GpmPodReply reply = { 0 };

  req.web_xhr = TRUE;
  if (!gpm_pod_http_send_authed (self, &req, &reply, cancellable, error))
    return FALSE;
  if (reply.status != 200)
    {
      gpm_pod_set_protocol (error, reply.status, _("no list of posts"));
      gpm_pod_reply_clear (&reply);
      return FALSE;
    }
  gpm_pod_reply_clear (&reply);
  return TRUE;
}

/* The account's posts. The person stream answers without a session too
 * (PeopleController: before_action :authenticate_user!, except: %i(show
 * stream hovercard), app/controllers/people_controller.rb:10 at v0.9.1.0 and
 * v0.7.18.2), with the public posts only (lib/stream/person.rb: posts):
 * from an ended session the limited ones would look missing, and be sent
 * again. So the session is confirmed after the listing, and the listing
 * made again when it had to be renewed. */
static GPtrArray *
web_list_own_posts (GpmPod        *self,
                    guint          max_posts,
                    gint64         since,
                    GCancellable  *cancellable,
                    GError       **error)
{
  for (guint round = 0; round < 2; round++)
    {
      gint generation = g_atomic_int_get (&self->generation);
      gboolean anonymous_ok = FALSE;
      g_autoptr(GPtrArray) posts = web_list_own_posts_once (self, max_posts, since, &anonymous_ok,
                                                            cancellable, error);

      if (posts == NULL)
        return NULL;
      if (!anonymous_ok)
        return g_steal_pointer (&posts);
      if (!web_confirm_session (self, cancellable, error))
        return NULL;
      if (g_atomic_int_get (&self->generation) == generation)
        return g_steal_pointer (&posts);
      g_debug ("the session ended during a listing of the account's posts; listing again");
    }
  gpm_pod_set_expired (error, 401);
  return NULL;
}

static GpmPodPost *
web_create_comment (GpmPod        *self,
                    const char    *post_guid,
                    const char    *text,
                    GCancellable  *cancellable,
                    GError       **error)
{
  GpmPodRequest req = { "POST", gpm_pod_url_for_guid (self, "/posts/", post_guid, "/comments"),
                        GPM_POD_REQUEST_COOKIE, NULL, "application/json" };

  /* CommentsController#create reads params[:text] */
  req.body = gpm_pod_json_body ("text", text);
  req.web_xhr = TRUE;
  return gpm_pod_send_comment (self, &req, text, cancellable, error);
}

static GPtrArray *
web_list_own_comments (GpmPod        *self,
                       const char    *post_guid,
                       GCancellable  *cancellable,
                       GError       **error)
{
  /* one page: CommentsController#index renders them all */
  return gpm_pod_list_comments (self, gpm_pod_url_for_guid (self, "/posts/", post_guid, "/comments.json"),
                                GPM_POD_REQUEST_COOKIE, FALSE,
                                cancellable, error);
}

const GpmPodBackend gpm_pod_web_backend = {
  .auth = GPM_POD_AUTH_WEB,
  .renew = web_renew,
  .list_aspects = web_list_aspects,
  .create_aspect = web_create_aspect,
  .upload_photo = web_upload_photo,
  .create_post = web_create_post,
  .delete_post = web_delete_post,
  .list_own_posts = web_list_own_posts,
  .create_comment = web_create_comment,
  .list_own_comments = web_list_own_comments,
};
