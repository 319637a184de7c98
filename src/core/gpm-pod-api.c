/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod-api.c: the API v1 backend of the pod client (diaspora 0.9.0.0
 * and later; there was no 0.8 release).
 *
 * Sign-in is OpenID Connect: dynamic client registration (a new client per
 * sign-in), the browser sent to the authorization endpoint with the
 * loopback redirect of gpm-pod-redirect.c, the code exchanged for tokens.
 * The client sends a PKCE S256 challenge as RFC 8252 asks, but diaspora
 * ignores PKCE entirely (nothing in its source at v0.9.1.0 reads
 * code_challenge or code_verifier): the code is protected by the loopback
 * redirect, the state checked on the way back and the client secret the
 * token request carries. Requests carry the access token; an expired one is
 * refreshed once with the refresh token (api_refresh(), the backend's
 * renew). The session is kept as an opaque secret (gpm_pod_dup_api_secret())
 * for the keyring; a provider that rotates refresh tokens makes the pod
 * notify "api-secret".
 *
 * Installed by gpm_pod_sign_in_api() and gpm_pod_sign_in_api_secret() as
 * the pod's GpmPodBackend.
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-pod-private.h"
#include "gpm-util.h"

#define BROWSER_WAIT_SECONDS (15 * 60)

static char *
pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (sum, digest, &len);
  return gpm_pod_base64url (digest, len);
}

/* Token endpoint answer → stored tokens. *@refresh_changed: the answer
 * carried a refresh token other than the one kept (a provider that rotates
 * them; diaspora does not: handle_refresh_flow in
 * lib/api/openid_connect/token_endpoint.rb only makes a new access token). */
static gboolean
api_store_tokens (GpmPod *self, const GpmPodReply *reply, gboolean *refresh_changed, GError **error)
{
  g_autoptr(JsonNode) node = gpm_pod_reply_json (reply);
  const char *access, *refresh;

  if (reply->status == 400 || reply->status == 401)
    {
      gpm_pod_set_expired (error, reply->status);
      return FALSE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      gpm_pod_set_protocol (error, reply->status, _("no tokens"));
      return FALSE;
    }
  access = gpm_pod_json_string (json_node_get_object (node), "access_token", NULL);
  refresh = gpm_pod_json_string (json_node_get_object (node), "refresh_token", NULL);
  if (access == NULL)
    {
      if (gpm_pod_json_string (json_node_get_object (node), "error", NULL))
        gpm_pod_set_expired (error, reply->status);
      else
        gpm_pod_set_protocol (error, reply->status, _("no tokens"));
      return FALSE;
    }
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_clear_pointer (&self->access_token, gpm_pod_secret_free);
  self->access_token = g_strdup (access);
  if (refresh && g_strcmp0 (refresh, self->refresh_token) != 0)
    {
      g_clear_pointer (&self->refresh_token, gpm_pod_secret_free);
      self->refresh_token = g_strdup (refresh);
      if (refresh_changed)
        *refresh_changed = TRUE;
    }
  return TRUE;
}

static gboolean
api_refresh (GpmPod *self, GCancellable *cancellable, GError **error)
{
  GpmPodRequest req = { "POST", NULL, GPM_POD_REQUEST_ANONYMOUS, NULL, "application/x-www-form-urlencoded" };
  GpmPodReply reply = { 0 };
  gboolean rotated = FALSE;
  gboolean ok;

  g_mutex_lock (&self->lock);
  if (self->token_endpoint && self->refresh_token && self->client_id)
    {
      req.url = g_strdup (self->token_endpoint);
      req.body = gpm_pod_form_body ("grant_type", "refresh_token",
                                    "refresh_token", self->refresh_token,
                                    "client_id", self->client_id,
                                    "client_secret", self->client_secret,
                                    NULL);
    }
  g_mutex_unlock (&self->lock);
  if (req.url == NULL)
    {
      gpm_pod_set_expired (error, 0);
      return FALSE;
    }
  g_debug ("refreshing the access token");
  ok = gpm_pod_http_request (self, &req, &reply, cancellable, error)
       && api_store_tokens (self, &reply, &rotated, error);
  gpm_pod_reply_clear (&reply);
  /* the old refresh token may no longer work: whoever keeps the secret
   * must store the new one (gpm_secrets_follow_api_session()) */
  if (ok && rotated)
    gpm_pod_notify (self, GPM_POD_PROP_API_SECRET);
  return ok;
}

/* The account behind the access token. Within a sign-in (between
 * gpm_pod_http_sign_in_begin() and _end()), which holds the renewal's lock:
 * no renewal, a refused brand-new token is EXPIRED. */
static gboolean
api_load_user (GpmPod *self, GCancellable *cancellable, GError **error)
{
  GpmPodRequest req = { "GET", gpm_pod_url (self, "/api/v1/user"), GPM_POD_REQUEST_BEARER };
  GpmPodReply reply = { 0 };
  g_autoptr(JsonNode) node = NULL;
  const char *guid;

  if (!gpm_pod_http_request (self, &req, &reply, cancellable, error))
    return FALSE;
  if (reply.status == 401)
    {
      gpm_pod_set_expired (error, reply.status);
      gpm_pod_reply_clear (&reply);
      return FALSE;
    }
  node = gpm_pod_reply_json (&reply);
  if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_OBJECT (node)
      || (guid = gpm_pod_json_string (json_node_get_object (node), "guid", NULL)) == NULL)
    {
      gpm_pod_set_protocol (error, reply.status, _("no account data"));
      gpm_pod_reply_clear (&reply);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  g_free (self->user_guid);
  self->user_guid = g_strdup (guid);
  g_free (self->diaspora_id);
  self->diaspora_id = g_strdup (gpm_pod_json_string (json_node_get_object (node), "diaspora_id", NULL));
  g_free (self->username);
  self->username = self->diaspora_id ? g_strndup (self->diaspora_id, strcspn (self->diaspora_id, "@"))
                                     : NULL;
  g_mutex_unlock (&self->lock);
  gpm_pod_reply_clear (&reply);
  return TRUE;
}

static gboolean
api_ensure_endpoints (GpmPod *self, GCancellable *cancellable, GError **error)
{
  gboolean have;
  g_autoptr(GpmPodInfo) info = NULL;

  g_mutex_lock (&self->lock);
  have = self->registration_endpoint && self->authorization_endpoint && self->token_endpoint;
  g_mutex_unlock (&self->lock);
  if (have)
    return TRUE;
  info = gpm_pod_discover (self, cancellable, error);
  if (info == NULL)
    return FALSE;
  if (!info->has_api)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_NO_API, 0, 0,
                         _("This pod does not offer sign-in for apps. Sign in with your user name and "
                   "password instead."));
      return FALSE;
    }
  return TRUE;
}


typedef struct {
  GpmPodOpenUriFunc func;
  gpointer          data;
  char             *uri;
} OpenUri;

static gboolean
open_uri_idle (gpointer user_data)
{
  OpenUri *o = user_data;

  o->func (o->uri, o->data);
  return G_SOURCE_REMOVE;
}

static void
open_uri_free (gpointer user_data)
{
  OpenUri *o = user_data;

  g_free (o->uri);
  g_free (o);
}

/* Step 4 of the sign-in: the authorization code exchanged for tokens,
 * which replace the session (an answer that never came leaves the old one),
 * then the account they belong to. */
static gboolean
api_exchange_code (GpmPod        *self,
                   const char    *token_endpoint,
                   const char    *code,
                   const char    *redirect_uri,
                   const char    *client_id,
                   const char    *client_secret,
                   const char    *verifier,
                   GCancellable  *cancellable,
                   GError       **error)
{
  GpmPodRequest req = { "POST", g_strdup (token_endpoint), GPM_POD_REQUEST_ANONYMOUS, NULL,
                        "application/x-www-form-urlencoded" };
  GpmPodReply reply = { 0 };
  gboolean ok;

  req.body = gpm_pod_form_body ("grant_type", "authorization_code",
                                "code", code,
                                "redirect_uri", redirect_uri,
                                "client_id", client_id,
                                "client_secret", client_secret,
                                "code_verifier", verifier,
                                NULL);
  ok = gpm_pod_http_send (self, &req, &reply, cancellable, error);
  gpm_pod_request_clear (&req);
  if (!ok)
    return FALSE;
  g_mutex_lock (&self->lock);
  gpm_pod_clear_account_locked (self);
  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (client_secret);
  self->api_scopes = g_strdup (GPM_POD_API_SCOPES);
  g_mutex_unlock (&self->lock);
  ok = gpm_pod_http_check_status (&reply, error) && api_store_tokens (self, &reply, NULL, error);
  if (!ok && error && *error && (*error)->code == GPM_POD_ERROR_EXPIRED)
    {
      g_clear_error (error);
      gpm_pod_set_error (error, GPM_POD_ERROR_DENIED, reply.status, 0,
                         _("The pod did not accept the authorization. Please try again."));
    }
  gpm_pod_reply_clear (&reply);
  if (!ok)
    return FALSE;

  gpm_pod_set_backend (self, &gpm_pod_api_backend);
  ok = api_load_user (self, cancellable, error);
  if (!ok)
    gpm_pod_set_backend (self, NULL);
  return ok;
}

/* @invoke_context: where to call @open_uri (NULL: right here). */
static gboolean
api_sign_in (GpmPod             *self,
             GpmPodOpenUriFunc   open_uri,
             gpointer            open_uri_data,
             GMainContext       *invoke_context,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autoptr(GpmPodRedirect) redirect = NULL;
  const char *redirect_uri;
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  g_autofree char *authz_url = NULL;
  g_autofree char *reg_endpoint = NULL;
  g_autofree char *authz_endpoint = NULL;
  g_autofree char *token_endpoint = NULL;
  g_autofree char *code = NULL;
  g_autofree char *refusal = NULL;
  gboolean ok = FALSE;

  if (!api_ensure_endpoints (self, cancellable, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  reg_endpoint = g_strdup (self->registration_endpoint);
  authz_endpoint = g_strdup (self->authorization_endpoint);
  token_endpoint = g_strdup (self->token_endpoint);
  g_mutex_unlock (&self->lock);

  /* 1. the loopback redirect (RFC 8252), in a context of its own */
  redirect = gpm_pod_redirect_new (error);
  if (redirect == NULL)
    goto out;
  redirect_uri = gpm_pod_redirect_get_uri (redirect);

  /* 2. dynamic client registration. diaspora wants client_name unique per
   * redirect URI; a second try gets a distinct name. */
  for (int attempt = 0; attempt < 2 && client_id == NULL; attempt++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *name = NULL;
      GpmPodRequest req = { "POST", g_strdup (reg_endpoint), GPM_POD_REQUEST_ANONYMOUS, NULL, "application/json" };
      GpmPodReply reply = { 0 };

      if (attempt == 0)
        name = g_strdup ("GPlus Migrate");
      else
        {
          g_autofree char *suffix = gpm_pod_random_token (3);
          name = g_strdup_printf ("GPlus Migrate %s", suffix);
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "client_name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "application_type");
      json_builder_add_string_value (b, "native");
      json_builder_set_member_name (b, "redirect_uris");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, redirect_uri);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "response_types");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "code");
      json_builder_end_array (b);
      json_builder_set_member_name (b, "token_endpoint_auth_method");
      json_builder_add_string_value (b, "client_secret_post");
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      {
        char *text = json_to_string (root, FALSE);
        req.body = g_bytes_new_take (text, strlen (text));
      }
      if (!gpm_pod_http_request (self, &req, &reply, cancellable, error))
        goto out;
      answer = gpm_pod_reply_json (&reply);
      if (answer && JSON_NODE_HOLDS_OBJECT (answer))
        {
          client_id = g_strdup (gpm_pod_json_string (json_node_get_object (answer), "client_id", NULL));
          client_secret = g_strdup (gpm_pod_json_string (json_node_get_object (answer), "client_secret", NULL));
        }
      if (client_id == NULL && (attempt == 1 || reply.status != 400))
        {
          g_autofree char *why = gpm_pod_reply_message (&reply);
          gpm_pod_set_error (error, GPM_POD_ERROR_REJECTED, reply.status, 0,
                             _("The pod refused to register GPlus Migrate as an app: %s"), why);
          gpm_pod_reply_clear (&reply);
          goto out;
        }
      gpm_pod_reply_clear (&reply);
    }

  /* 3. the browser */
  verifier = gpm_pod_random_token (48);
  challenge = pkce_challenge (verifier);
  nonce = gpm_pod_random_token (16);
  {
    GString *u = g_string_new (authz_endpoint);

    g_string_append_c (u, strchr (authz_endpoint, '?') ? '&' : '?');
    g_string_append (u, "response_type=code&client_id=");
    g_string_append_uri_escaped (u, client_id, NULL, FALSE);
    g_string_append (u, "&redirect_uri=");
    g_string_append_uri_escaped (u, redirect_uri, NULL, FALSE);
    g_string_append (u, "&scope=");
    g_string_append_uri_escaped (u, GPM_POD_API_SCOPES, NULL, FALSE);
    g_string_append (u, "&state=");
    g_string_append (u, gpm_pod_redirect_get_state (redirect));
    g_string_append (u, "&nonce=");
    g_string_append (u, nonce);
    g_string_append (u, "&code_challenge=");
    g_string_append (u, challenge);
    g_string_append (u, "&code_challenge_method=S256");
    authz_url = g_string_free (u, FALSE);
  }
  {
    g_autoptr(GUri) check = g_uri_parse (authz_url, SOUP_HTTP_URI_FLAGS, NULL);
    if (check == NULL || !gpm_pod_uri_is_allowed (check))
      {
        gpm_pod_set_error (error, GPM_POD_ERROR_INSECURE, 0, 0,
                           _("GPlus Migrate only connects to pods over a secure connection (https). "
                     "“%s” is not secure."), authz_endpoint);
        goto out;
      }
  }
  if (invoke_context)
    {
      OpenUri *o = g_new0 (OpenUri, 1);

      o->func = open_uri;
      o->data = open_uri_data;
      o->uri = g_strdup (authz_url);
      gpm_main_context_post (invoke_context, G_PRIORITY_DEFAULT, "[gpm-pod] open browser",
                             open_uri_idle, o, open_uri_free);
    }
  else
    open_uri (authz_url, open_uri_data);

  if (!gpm_pod_redirect_wait (redirect, BROWSER_WAIT_SECONDS, cancellable, &code, &refusal, error))
    goto out;
  if (code == NULL && g_strcmp0 (refusal, "invalid_scope") == 0)
    {
      /* a pod that has OpenID Connect but not the API scopes (0.7, or a
       * development snapshot that discovery could not tell apart) */
      gpm_pod_set_error (error, GPM_POD_ERROR_NO_API, 0, 0,
                         _("This pod does not offer sign-in for apps. Sign in with your user name and "
                   "password instead."));
      goto out;
    }
  if (code == NULL)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_DENIED, 0, 0,
                         _("The authorization was refused in the browser (%s)."), refusal);
      goto out;
    }

  /* 4. code → tokens. From here to the account, the old session goes and
   * the new one comes: other threads' requests wait (as during a web
   * sign-in or a renewal, gpm_pod_http_sign_in_begin()), so none goes out
   * with the old token or none, and none renews the old session meanwhile
   * (its tokens stored around the new ones'). */
  gpm_pod_http_sign_in_begin (self);
  ok = api_exchange_code (self, token_endpoint, code, redirect_uri, client_id, client_secret, verifier,
                          cancellable, error);
  gpm_pod_http_sign_in_end (self);

out:
  g_clear_pointer (&redirect, gpm_pod_redirect_free);
  if (verifier)
    explicit_bzero (verifier, strlen (verifier));
  if (client_secret)
    explicit_bzero (client_secret, strlen (client_secret));
  return ok;
}

gboolean
gpm_pod_api_sign_in (GpmPod             *self,
                     GpmPodOpenUriFunc   open_uri,
                     gpointer            open_uri_data,
                     GMainContext       *invoke_context,
                     GCancellable       *cancellable,
                     GError            **error)
{
  gboolean ok = api_sign_in (self, open_uri, open_uri_data, invoke_context, cancellable, error);

  gpm_pod_notify (self, GPM_POD_PROP_AUTH);
  if (ok)
    gpm_pod_notify (self, GPM_POD_PROP_API_SECRET);
  return ok;
}

gboolean
gpm_pod_sign_in_api (GpmPod             *self,
                     GpmPodOpenUriFunc   open_uri,
                     gpointer            open_uri_data,
                     GCancellable       *cancellable,
                     GError            **error)
{
  g_return_val_if_fail (GPM_IS_POD (self), FALSE);
  g_return_val_if_fail (open_uri != NULL, FALSE);
  return gpm_pod_api_sign_in (self, open_uri, open_uri_data, NULL, cancellable, error);
}

char *
gpm_pod_dup_api_secret (GpmPod *self)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_mutex_lock (&self->lock);
  if (self->backend != &gpm_pod_api_backend || self->refresh_token == NULL)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "token_endpoint");
  json_builder_add_string_value (b, self->token_endpoint);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, self->client_id);
  json_builder_set_member_name (b, "client_secret");
  json_builder_add_string_value (b, self->client_secret);
  json_builder_set_member_name (b, "refresh_token");
  json_builder_add_string_value (b, self->refresh_token);
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, self->api_scopes ? self->api_scopes : GPM_POD_API_SCOPES_BEFORE_1);
  json_builder_end_object (b);
  g_mutex_unlock (&self->lock);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

gboolean
gpm_pod_api_secret_has_scopes (const char *secret)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) needed = g_strsplit (GPM_POD_API_SCOPES, " ", -1);
  g_auto(GStrv) given = NULL;
  const char *scope;

  if (secret == NULL || !json_parser_load_from_data (parser, secret, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  scope = gpm_pod_json_string (json_node_get_object (json_parser_get_root (parser)), "scope", NULL);
  given = g_strsplit (scope ? scope : GPM_POD_API_SCOPES_BEFORE_1, " ", -1);
  for (guint i = 0; needed[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) given, needed[i]))
      return FALSE;
  return TRUE;
}

gboolean
gpm_pod_sign_in_api_secret (GpmPod        *self,
                            const char    *secret,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  const char *endpoint, *client_id, *refresh;
  gboolean rotated;
  gboolean ok;

  g_return_val_if_fail (GPM_IS_POD (self), FALSE);
  if (secret == NULL || !json_parser_load_from_data (parser, secret, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      gpm_pod_set_expired (error, 0);
      return FALSE;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  endpoint = gpm_pod_json_string (o, "token_endpoint", NULL);
  client_id = gpm_pod_json_string (o, "client_id", NULL);
  refresh = gpm_pod_json_string (o, "refresh_token", NULL);
  if (endpoint == NULL || client_id == NULL || refresh == NULL)
    {
      gpm_pod_set_expired (error, 0);
      return FALSE;
    }
  {
    g_autoptr(GUri) uri = g_uri_parse (endpoint, SOUP_HTTP_URI_FLAGS, NULL);
    if (uri == NULL || !gpm_pod_uri_is_allowed (uri))
      {
        gpm_pod_set_expired (error, 0);
        return FALSE;
      }
  }
  /* the old session goes, the new token comes with the refresh: other
   * threads' requests wait meanwhile (as in api_sign_in()), so none goes
   * out without a token and renews with the same refresh token (a
   * provider that rotates it lets only one of the two through) */
  gpm_pod_http_sign_in_begin (self);
  g_mutex_lock (&self->lock);
  gpm_pod_clear_account_locked (self);
  g_free (self->token_endpoint);
  self->token_endpoint = g_strdup (endpoint);
  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (gpm_pod_json_string (o, "client_secret", NULL));
  self->refresh_token = g_strdup (refresh);
  self->api_scopes = g_strdup (gpm_pod_json_string (o, "scope", NULL) ? gpm_pod_json_string (o, "scope", NULL)
                                                                      : GPM_POD_API_SCOPES_BEFORE_1);
  self->backend = &gpm_pod_api_backend;
  g_mutex_unlock (&self->lock);

  ok = api_refresh (self, cancellable, error) && api_load_user (self, cancellable, error);
  if (!ok)
    {
      g_mutex_lock (&self->lock);
      gpm_pod_clear_account_locked (self);
      g_mutex_unlock (&self->lock);
    }
  gpm_pod_http_sign_in_end (self);
  gpm_pod_notify (self, GPM_POD_PROP_AUTH);
  if (ok)
    {
      /* the refresh above may have rotated the refresh token before the
       * account was known: say so again now that it is */
      g_mutex_lock (&self->lock);
      rotated = g_strcmp0 (self->refresh_token, refresh) != 0;
      g_mutex_unlock (&self->lock);
      if (rotated)
        gpm_pod_notify (self, GPM_POD_PROP_API_SECRET);
    }
  return ok;
}
/* ------------------------------------------------------------- photos and posts */

static char *
draft_api_json (const GpmPodDraft *d)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *json;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "body");
  json_builder_add_string_value (b, d->text);
  json_builder_set_member_name (b, "public");
  json_builder_add_boolean_value (b, d->is_public);
  if (!d->is_public)
    {
      json_builder_set_member_name (b, "aspects");
      json_builder_begin_array (b);
      for (guint i = 0; i < d->aspect_ids->len; i++)
        json_builder_add_int_value (b, g_array_index (d->aspect_ids, gint64, i));
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
      json_builder_set_member_name (b, "poll");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "question");
      json_builder_add_string_value (b, d->poll_question);
      json_builder_set_member_name (b, "poll_answers");
      json_builder_begin_array (b);
      for (guint i = 0; d->poll_answers && i < d->poll_answers->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (d->poll_answers, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  if (d->location_address)
    {
      /* json-glib writes doubles as %.17g (51.789200000000001): the
       * location is appended by hand to send numbers of fixed precision. */
      g_autoptr(JsonNode) address = json_node_init_string (json_node_alloc (), d->location_address);
      g_autofree char *quoted = json_to_string (address, FALSE);
      g_autoptr(GString) out = g_string_new (json);

      g_string_truncate (out, out->len - 1);  /* the closing '}' */
      g_string_append_printf (out, ",\"location\":{\"address\":%s", quoted);
      if (d->has_coordinates)
        {
          char lat[G_ASCII_DTOSTR_BUF_SIZE], lng[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (out, ",\"lat\":%s,\"lng\":%s", gpm_pod_format_coordinate (lat, d->latitude),
                                  gpm_pod_format_coordinate (lng, d->longitude));
        }
      g_string_append (out, "}}");
      g_free (json);
      json = g_string_free (g_steal_pointer (&out), FALSE);
    }
  return json;
}

/* ------------------------------------------------------------- operations */

static GPtrArray *
api_list_aspects (GpmPod *self, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_aspect_unref);
  g_autofree char *url = gpm_pod_url (self, "/api/v1/aspects");

  for (int page = 0; url && page < GPM_POD_MAX_PAGES; page++)
    {
      GpmPodRequest req = { "GET", g_steal_pointer (&url), GPM_POD_REQUEST_BEARER };
      GpmPodReply reply = { 0 };
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GPtrArray) some = NULL;

      if (!gpm_pod_http_send_authed (self, &req, &reply, cancellable, error))
        return NULL;
      node = gpm_pod_reply_json (&reply);
      if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          if (reply.status == 403)
            gpm_pod_set_rejected (error, &reply);
          else
            gpm_pod_set_protocol (error, reply.status, _("no aspects"));
          gpm_pod_reply_clear (&reply);
          return NULL;
        }
      some = gpm_pod_aspects_from_json (json_node_get_array (node));
      if (some->len == 0)
        {
          gpm_pod_reply_clear (&reply);
          break;
        }
      for (guint i = 0; i < some->len; i++)
        g_ptr_array_add (all, gpm_pod_aspect_ref (g_ptr_array_index (some, i)));
      url = gpm_pod_reply_link_next (&reply);
      gpm_pod_reply_clear (&reply);
    }
  return g_steal_pointer (&all);
}

/* Api::V1::AspectsController#create (app/controllers/api/v1/aspects_controller.rb:30
 * at v0.9.1.0): params.require(:name); 200 with the aspect ({"id", "name",
 * "order"}), 422 {"code", "message": "Failed to create the aspect"} for a
 * name Aspect does not validate. */
static GpmPodAspect *
api_create_aspect (GpmPod *self, const char *name, GCancellable *cancellable, GError **error)
{
  GpmPodRequest req = { "POST", gpm_pod_url (self, "/api/v1/aspects"), GPM_POD_REQUEST_BEARER, NULL,
                        "application/json" };

  req.body = gpm_pod_json_body ("name", name);
  return gpm_pod_send_create_aspect (self, &req, cancellable, error);
}

/* POST /api/v1/photos with "image" and pending=true: the photo's guid. */
static char *
api_upload_photo (GpmPod        *self,
                  GBytes        *data,
                  const char    *filename,
                  const char    *content_type,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GpmPodRequest req = { "POST", gpm_pod_url (self, "/api/v1/photos"), GPM_POD_REQUEST_BEARER };
  GpmPodReply reply = { 0 };
  g_autoptr(JsonNode) node = NULL;
  char *id = NULL;

  req.multipart = soup_multipart_new ("multipart/form-data");
  soup_multipart_append_form_string (req.multipart, "pending", "true");
  gpm_pod_multipart_append_file (req.multipart, "image", filename, content_type, data);
  if (!gpm_pod_http_send_authed (self, &req, &reply, cancellable, error))
    return NULL;
  if (reply.status >= 400)
    {
      g_autofree char *why = reply.status == 413 ? g_strdup (_("it is larger than the pod accepts"))
                                                 : gpm_pod_reply_message (&reply);
      gpm_pod_set_photo_refused (error, reply.status, filename, why);
      gpm_pod_reply_clear (&reply);
      return NULL;
    }
  node = gpm_pod_reply_json (&reply);
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    id = g_strdup (gpm_pod_json_string (json_node_get_object (node), "guid", NULL));
  if (id == NULL)
    gpm_pod_set_protocol (error, reply.status, _("no photo id"));
  gpm_pod_reply_clear (&reply);
  return id;
}

static GpmPodPost *
api_create_post (GpmPod             *self,
                 const GpmPodDraft  *draft,
                 GCancellable       *cancellable,
                 GError            **error)
{
  GpmPodRequest req = { "POST", gpm_pod_url (self, "/api/v1/posts"), GPM_POD_REQUEST_BEARER, NULL,
                        "application/json" };
  char *json = draft_api_json (draft);

  req.body = g_bytes_new_take (json, strlen (json));
  /* an unsaved post comes back without created_at */
  return gpm_pod_send_post (self, &req, draft, TRUE, cancellable, error);
}

static gboolean
api_delete_post (GpmPod        *self,
                 const char    *guid,
                 GCancellable  *cancellable,
                 GError       **error)
{
  GpmPodRequest req = { "DELETE", gpm_pod_url_for_guid (self, "/api/v1/posts/", guid, ""), GPM_POD_REQUEST_BEARER };

  return gpm_pod_send_delete (self, &req, cancellable, error);
}

/* /api/v1/users/GUID/posts, newest first, paged by time. diaspora's pager
 * (lib/api/paging/time_paginator.rb at v0.9.1.0) asks `created_at < before`
 * and links the next page with before = the page's oldest time cut to
 * milliseconds (:29, :92-94): posts sharing that time (same second on
 * MySQL) that did not fit the page would be skipped. So the next page is
 * asked for one second after the oldest post's second, which keeps them
 * (those already seen are skipped by guid); when that brings nothing new,
 * the same page once as large as the pod allows (per_page 100,
 * rest_paginator_builder.rb:6,86-92), then the pod's own next links until
 * the pages leave that second. */
static GPtrArray *
api_list_own_posts (GpmPod        *self,
                    guint          max_posts,
                    gint64         since,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *guid = gpm_pod_dup_user_guid (self);
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_post_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  gint64 before = G_MAXINT64;   /* of the last request; G_MAXINT64: none (the pod's default) */
  gboolean large = FALSE;

  if (guid == NULL)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_NOT_SIGNED_IN, 0, 0, _("Sign in to the pod first."));
      return NULL;
    }
  base = gpm_pod_url_for_guid (self, "/api/v1/users/", guid, "/posts");
  url = g_strdup (base);

  for (int page = 0; url && posts->len < max_posts && page < GPM_POD_MAX_PAGES; page++)
    {
      GpmPodRequest req = { "GET", g_steal_pointer (&url), GPM_POD_REQUEST_BEARER };
      GpmPodReply reply = { 0 };
      g_autoptr(JsonNode) node = NULL;
      gint64 oldest = G_MAXINT64;
      gint64 next = G_MAXINT64;

      if (!gpm_pod_http_send_authed (self, &req, &reply, cancellable, error))
        return NULL;
      node = gpm_pod_reply_json (&reply);
      if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          gpm_pod_set_protocol (error, reply.status, _("no list of posts"));
          gpm_pod_reply_clear (&reply);
          return NULL;
        }
      gpm_pod_take_posts (json_node_get_array (node), posts, seen, max_posts, FALSE, guid, NULL, &oldest);
      if (json_array_get_length (json_node_get_array (node)) == 0 || (oldest != G_MAXINT64 && oldest < since))
        {
          /* the last page, or back as far as asked */
          gpm_pod_reply_clear (&reply);
          break;
        }
      if (oldest != G_MAXINT64 && oldest + 1 < before)
        {
          next = oldest + 1;
          large = FALSE;
        }
      else if (oldest != G_MAXINT64 && !large)
        {
          /* the whole page in the second before `before`: maybe more posts
           * in it than a page holds */
          next = before;
          large = TRUE;
        }
      if (next != G_MAXINT64)
        {
          g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (next);
          g_autofree char *iso = t ? g_date_time_format_iso8601 (t) : NULL;

          if (iso)
            url = g_strdup_printf ("%s?%sbefore=%s", base, large ? "per_page=100&" : "", iso);
          before = next;
        }
      else
        {
          /* no times to page by, or a second with more posts than the
           * largest page: the pod's own link (strictly older, so some of
           * that second's may be missed), as long as pages stay in it */
          url = gpm_pod_reply_link_next (&reply);
        }
      gpm_pod_reply_clear (&reply);
    }
  return g_steal_pointer (&posts);
}

static GpmPodPost *
api_create_comment (GpmPod        *self,
                    const char    *post_guid,
                    const char    *text,
                    GCancellable  *cancellable,
                    GError       **error)
{
  GpmPodRequest req = { "POST", gpm_pod_url_for_guid (self, "/api/v1/posts/", post_guid, "/comments"),
                        GPM_POD_REQUEST_BEARER, NULL, "application/json" };

  /* Api::V1::CommentsController#create: params.require(:body) */
  req.body = gpm_pod_json_body ("body", text);
  return gpm_pod_send_comment (self, &req, text, cancellable, error);
}

static GPtrArray *
api_list_own_comments (GpmPod        *self,
                       const char    *post_guid,
                       GCancellable  *cancellable,
                       GError       **error)
{
  /* oldest first (the "after" pager), the largest page the API gives */
  return gpm_pod_list_comments (self, gpm_pod_url_for_guid (self, "/api/v1/posts/", post_guid,
                                                            "/comments?per_page=100"),
                                GPM_POD_REQUEST_BEARER, TRUE,
                                cancellable, error);
}

const GpmPodBackend gpm_pod_api_backend = {
  .auth = GPM_POD_AUTH_API,
  .renew = api_refresh,
  .list_aspects = api_list_aspects,
  .create_aspect = api_create_aspect,
  .upload_photo = api_upload_photo,
  .create_post = api_create_post,
  .delete_post = api_delete_post,
  .list_own_posts = api_list_own_posts,
  .create_comment = api_create_comment,
  .list_own_comments = api_list_own_comments,
};
