/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod-discover.c: what kind of server the address is, before any
 * sign-in.
 *
 * /.well-known/nodeinfo and the newest nodeinfo document it links (software
 * name and version; without nodeinfo, a diaspora* sign-in page will do),
 * then /.well-known/openid-configuration: whether the pod offers API v1,
 * decided from its scopes and version, or probed (see api_guess()). The
 * OpenID endpoints found are kept in the pod for gpm-pod-api.c. Anonymous
 * requests only; a pod that moved is followed (gpm-pod-http.c).
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-pod-private.h"

static gboolean
get_json (GpmPod        *self,
          const char    *url,
          JsonNode     **out,
          guint         *status_out,
          GCancellable  *cancellable,
          GError       **error)
{
  GpmPodRequest req = { "GET", g_strdup (url), GPM_POD_REQUEST_ANONYMOUS };
  GpmPodReply reply = { 0 };

  if (!gpm_pod_http_request (self, &req, &reply, cancellable, error))
    return FALSE;
  *status_out = reply.status;
  *out = reply.status == 200 ? gpm_pod_reply_json (&reply) : NULL;
  gpm_pod_reply_clear (&reply);
  return TRUE;
}

/* Whether the pod offers API v1. Every pod since 0.6.0.0 serves OpenID
 * Connect discovery, but API v1 and its scopes came with 0.9.0.0 (0.7.18.2
 * offers "openid sub aud name nickname profile picture read write" and no
 * /api/v1 routes): asking such a pod for API scopes ends in invalid_scope.
 * So: the scopes the pod lists must include ours; then a release version
 * decides; a 0.8 version (there was no 0.8 release: a development
 * snapshot between 0.7 and 0.9) or none is probed. */
typedef enum {
  API_NO,
  API_YES,
  API_PROBE,
} ApiGuess;

/* "0.9.1.0-p3d8f1a2b" → 0, 9. */
static gboolean
parse_version (const char *version, guint64 *major, guint64 *minor)
{
  char *end = NULL;

  if (version == NULL || !g_ascii_isdigit (*version))
    return FALSE;
  *major = g_ascii_strtoull (version, &end, 10);
  if (*end != '.' || !g_ascii_isdigit (end[1]))
    return FALSE;
  *minor = g_ascii_strtoull (end + 1, NULL, 10);
  return TRUE;
}

static ApiGuess
api_guess (JsonObject *oidc, const char *version)
{
  guint64 major, minor;

  if (json_object_has_member (oidc, "scopes_supported")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (oidc, "scopes_supported")))
    {
      JsonArray *offered = json_object_get_array_member (oidc, "scopes_supported");
      g_auto(GStrv) wanted = g_strsplit (GPM_POD_API_SCOPES, " ", -1);

      for (guint i = 0; wanted[i]; i++)
        {
          gboolean found = FALSE;

          for (guint j = 0; j < json_array_get_length (offered) && !found; j++)
            {
              JsonNode *n = json_array_get_element (offered, j);

              found = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                      && g_strcmp0 (json_node_get_string (n), wanted[i]) == 0;
            }
          if (!found)
            return API_NO;
        }
    }
  if (!parse_version (version, &major, &minor))
    return API_PROBE;
  if (major > 0 || minor >= 9)
    return API_YES;
  if (minor == 8)
    return API_PROBE;
  return API_NO;
}

/* GET /api/v1/user without a token: a pod with API v1 answers 403
 * "Unauthorized user" (lib/api/openid_connect/protected_resource_endpoint.rb,
 * app/controllers/api/v1/base_controller.rb) or 401; one without has no such
 * route (404). */
static gboolean
probe_api_v1 (GpmPod *self, ApiGuess *out, GCancellable *cancellable, GError **error)
{
  GpmPodRequest req = { "GET", gpm_pod_url (self, "/api/v1/user"), GPM_POD_REQUEST_ANONYMOUS };
  GpmPodReply reply = { 0 };

  if (!gpm_pod_http_request (self, &req, &reply, cancellable, error))
    return FALSE;
  *out = reply.status == 401 || reply.status == 403 ? API_YES : API_NO;
  gpm_pod_reply_clear (&reply);
  return TRUE;
}

GpmPodInfo *
gpm_pod_discover (GpmPod *self, GCancellable *cancellable, GError **error)
{
  g_autoptr(JsonNode) jrd = NULL;
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(JsonNode) oidc = NULL;
  g_autofree char *url = NULL;
  g_autofree char *href = NULL;
  g_autoptr(GpmPodInfo) info = NULL;
  guint status = 0;
  JsonObject *o;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);

  {
    GpmPodReply reply = { 0 };

    if (!gpm_pod_http_get_following_moves (self, "/.well-known/nodeinfo", NULL, &reply, cancellable, error))
      return NULL;
    if (!gpm_pod_http_check_status (&reply, error))
      {
        gpm_pod_reply_clear (&reply);
        return NULL;
      }
    status = reply.status;
    jrd = reply.status == 200 ? gpm_pod_reply_json (&reply) : NULL;
    gpm_pod_reply_clear (&reply);
  }
  if (jrd && JSON_NODE_HOLDS_OBJECT (jrd)
      && json_object_has_member (json_node_get_object (jrd), "links")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (jrd), "links")))
    {
      JsonArray *links = json_object_get_array_member (json_node_get_object (jrd), "links");

      /* the newest schema the pod lists */
      for (guint i = 0; i < json_array_get_length (links); i++)
        {
          JsonNode *n = json_array_get_element (links, i);
          const char *rel, *h;

          if (!JSON_NODE_HOLDS_OBJECT (n))
            continue;
          rel = gpm_pod_json_string (json_node_get_object (n), "rel", NULL);
          h = gpm_pod_json_string (json_node_get_object (n), "href", NULL);
          if (rel && h && g_str_has_prefix (rel, "http://nodeinfo.diaspora.software/ns/schema/")
              && (href == NULL || g_strcmp0 (h, href) > 0))
            {
              g_free (href);
              href = g_strdup (h);
            }
        }
    }
  if (href != NULL && !get_json (self, href, &doc, &status, cancellable, error))
    return NULL;
  if (doc && JSON_NODE_HOLDS_OBJECT (doc)
      && json_object_has_member (json_node_get_object (doc), "software")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (doc), "software")))
    {
      o = json_node_get_object (doc);
      info = g_atomic_rc_box_new0 (GpmPodInfo);
      {
        JsonObject *sw = json_object_get_object_member (o, "software");
        info->software_name = g_strdup (gpm_pod_json_string (sw, "name", NULL));
        info->software_version = g_strdup (gpm_pod_json_string (sw, "version", NULL));
      }
      if (json_object_has_member (o, "metadata")
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "metadata")))
        info->node_name = g_strdup (gpm_pod_json_string (json_object_get_object_member (o, "metadata"),
                                                         "nodeName", NULL));
      if (g_strcmp0 (info->software_name, "diaspora") != 0)
        {
          gpm_pod_set_error (error, GPM_POD_ERROR_NOT_DIASPORA, 0, 0,
                             _("%s runs %s, not diaspora*. GPlus Migrate can only post to diaspora* pods."),
                             gpm_pod_get_address (self), info->software_name ? info->software_name : _("other software"));
          return NULL;
        }
    }
  else
    {
      /* no nodeinfo: a diaspora* sign-in page (and the X-Diaspora-Version
       * header every diaspora* page carries) will do */
      GpmPodReply reply = { 0 };
      gboolean looks_like;

      if (!gpm_pod_http_get_following_moves (self, "/users/sign_in", "text/html", &reply, cancellable, error))
        return NULL;
      if (!gpm_pod_http_check_status (&reply, error))
        {
          gpm_pod_reply_clear (&reply);
          return NULL;
        }
      looks_like = reply.status == 200 && strstr (gpm_pod_reply_text (&reply, NULL), "user[password]") != NULL
                   && (strstr (gpm_pod_reply_text (&reply, NULL), "user[username]") != NULL
                       || soup_message_headers_get_one (reply.headers, "X-Diaspora-Version") != NULL);
      if (!looks_like)
        {
          gpm_pod_reply_clear (&reply);
          gpm_pod_set_error (error, GPM_POD_ERROR_NOT_DIASPORA, status, 0,
                             _("%s does not look like a diaspora* pod."), gpm_pod_get_address (self));
          return NULL;
        }
      info = g_atomic_rc_box_new0 (GpmPodInfo);
      info->software_name = g_strdup ("diaspora");
      info->software_version = g_strdup (soup_message_headers_get_one (reply.headers, "X-Diaspora-Version"));
      gpm_pod_reply_clear (&reply);
    }

  g_clear_pointer (&url, g_free);
  url = gpm_pod_url (self, "/.well-known/openid-configuration");
  if (!get_json (self, url, &oidc, &status, cancellable, error))
    return NULL;
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->registration_endpoint, g_free);
  g_clear_pointer (&self->authorization_endpoint, g_free);
  g_clear_pointer (&self->token_endpoint, g_free);
  g_mutex_unlock (&self->lock);
  if (oidc && JSON_NODE_HOLDS_OBJECT (oidc))
    {
      JsonObject *c = json_node_get_object (oidc);
      const char *reg = gpm_pod_json_string (c, "registration_endpoint", NULL);
      const char *authz = gpm_pod_json_string (c, "authorization_endpoint", NULL);
      const char *tok = gpm_pod_json_string (c, "token_endpoint", NULL);

      if (reg && authz && tok)
        {
          ApiGuess guess = api_guess (c, info->software_version);

          if (guess == API_PROBE && !probe_api_v1 (self, &guess, cancellable, error))
            return NULL;
          g_debug ("%s %s: API v1 %s", gpm_pod_get_address (self),
                   info->software_version ? info->software_version : "(no version)",
                   guess == API_YES ? "offered" : "not offered");
          if (guess != API_YES)
            return g_steal_pointer (&info);
          info->has_api = TRUE;
          g_mutex_lock (&self->lock);
          g_free (self->registration_endpoint);
          g_free (self->authorization_endpoint);
          g_free (self->token_endpoint);
          self->registration_endpoint = g_strdup (reg);
          self->authorization_endpoint = g_strdup (authz);
          self->token_endpoint = g_strdup (tok);
          g_mutex_unlock (&self->lock);
        }
    }
  return g_steal_pointer (&info);
}
