/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-oidc.c: the test pod's OpenID Connect provider (since
 * diaspora 0.6.0.0): discovery, dynamic client registration, authorization
 * (the browser's signed-in user approves or denies), tokens by code with
 * PKCE and by refresh token. */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>

#include "gpm-test-pod-private.h"

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

void
_gpm_test_pod_handle_oidc_configuration (GpmTestPod *self, SoupServerMessage *msg)
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
      gpm_test_json_member_string (b, eps[i].key, u);
    }
  /* scopes_supported: Api::OpenidConnect::Authorization::SCOPES
   * (app/controllers/api/openid_connect/discovery_controller.rb:37 at
   * v0.9.1.0 and v0.7.18.2) */
  gpm_test_json_member_begin_array (b, "scopes_supported");
  for (const char * const *sc = pod_scopes (self); *sc; sc++)
    json_builder_add_string_value (b, *sc);
  json_builder_end_array (b);
  gpm_test_json_member_begin_array (b, "response_types_supported");
  json_builder_add_string_value (b, "code");
  json_builder_add_string_value (b, "id_token");
  json_builder_add_string_value (b, "id_token token");
  json_builder_end_array (b);
  gpm_test_json_member_begin_array (b, "token_endpoint_auth_methods_supported");
  json_builder_add_string_value (b, "client_secret_basic");
  json_builder_add_string_value (b, "client_secret_post");
  json_builder_add_string_value (b, "private_key_jwt");
  json_builder_end_array (b);
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
}

void
_gpm_test_pod_handle_oidc_register (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autoptr(JsonObject) body = _gpm_test_pod_request_json (msg);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  Client *c;
  JsonArray *uris;

  if (body == NULL || !json_object_has_member (body, "redirect_uris")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "redirect_uris"))
      || json_array_get_length (json_object_get_array_member (body, "redirect_uris")) == 0)
    {
      _gpm_test_pod_respond (msg, 400, "application/json",
                             "{\"error\":\"invalid_redirect_uri\",\"error_description\":\"redirect_uris is required\"}");
      return;
    }
  uris = json_object_get_array_member (body, "redirect_uris");
  c = g_new0 (Client, 1);
  c->client_id = _gpm_test_pod_new_guid ();
  c->client_secret = _gpm_test_pod_new_guid ();
  c->name = g_strdup (_gpm_test_pod_jstr (body, "client_name") ? _gpm_test_pod_jstr (body, "client_name") : "");
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
          _gpm_test_pod_client_free (c);
          _gpm_test_pod_respond (msg, 400, "application/json",
                                 "{\"error\":\"invalid_client_metadata\",\"error_description\":\"Validation failed: Client name has already been taken\"}");
          return;
        }
    }
  g_ptr_array_add (self->clients, c);

  json_builder_begin_object (b);
  gpm_test_json_member_string (b, "client_id", c->client_id);
  gpm_test_json_member_string (b, "client_secret", c->client_secret);
  gpm_test_json_member_string (b, "client_name", _gpm_test_pod_jstr (body, "client_name") ? _gpm_test_pod_jstr (body, "client_name") : "");
  gpm_test_json_member_strings (b, "redirect_uris", c->redirect_uris);
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
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

void
_gpm_test_pod_handle_oidc_authorize (GpmTestPod *self, SoupServerMessage *msg, GHashTable *query)
{
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *response_type = query ? g_hash_table_lookup (query, "response_type") : NULL;
  Client *c = find_client (self, client_id);
  User *u = self->browser_user ? _gpm_test_pod_user_by_name (self, self->browser_user) : NULL;
  g_autofree char *to = NULL;

  if (c == NULL || !client_has_redirect (c, redirect_uri) || g_strcmp0 (response_type, "code") != 0)
    {
      _gpm_test_pod_respond (msg, 400, "text/html; charset=utf-8",
                             "<html><body><h1>Could not authorize</h1><p>Invalid client id or redirect uri</p></body></html>");
      return;
    }
  if (u == NULL)
    {
      /* authenticate_user!: the browser is not signed in */
      _gpm_test_pod_redirect (msg, self, "/users/sign_in");
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

      g->code = _gpm_test_pod_new_guid ();
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
  _gpm_test_pod_redirect (msg, self, to);
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

  t->token = _gpm_test_pod_new_guid ();
  t->scopes = g_strdupv (scopes);
  t->client = c;
  t->user = u;
  t->is_refresh = refresh;
  t->expires = refresh ? G_MAXINT64 : g_get_real_time () + (gint64) self->token_lifetime * G_USEC_PER_SEC;
  g_ptr_array_add (self->tokens, t);
  return t;
}

void
_gpm_test_pod_handle_oidc_token (GpmTestPod *self, SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = _gpm_test_pod_request_form (msg);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  Client *c = find_client (self, g_hash_table_lookup (form, "client_id"));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  Token *access, *refresh = NULL;

  if (c == NULL || g_strcmp0 (c->client_secret, g_hash_table_lookup (form, "client_secret")) != 0)
    {
      _gpm_test_pod_respond (msg, 401, "application/json",
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
          _gpm_test_pod_respond (msg, 400, "application/json", "{\"error\":\"invalid_grant\"}");
          return;
        }
      g->used = TRUE;
      if (g->challenge)
        {
          g_autofree char *computed = verifier ? s256 (verifier) : NULL;

          if (g_strcmp0 (g->method, "S256") != 0 || computed == NULL || !g_str_equal (computed, g->challenge))
            {
              _gpm_test_pod_respond (msg, 400, "application/json",
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
      Token *r = value ? _gpm_test_pod_find_token (self, value, TRUE) : NULL;

      if (r == NULL || r->client != c)
        {
          _gpm_test_pod_respond (msg, 400, "application/json", "{\"error\":\"invalid_grant\"}");
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
      _gpm_test_pod_respond (msg, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}");
      return;
    }
  json_builder_begin_object (b);
  gpm_test_json_member_string (b, "access_token", access->token);
  gpm_test_json_member_string (b, "token_type", "Bearer");
  gpm_test_json_member_int (b, "expires_in", self->token_lifetime);
  if (refresh)
    {
      gpm_test_json_member_string (b, "refresh_token", refresh->token);
      gpm_test_json_member_string (b, "id_token", "eyJhbGciOiJub25lIn0.e30.");
    }
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, 200, b);
}
