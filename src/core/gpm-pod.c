/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod.c: a diaspora* pod client on libsoup3.
 *
 * Every operation is written once, blocking (soup_session_send_and_read),
 * and is safe to call from any thread (libsoup >= 3.2). The _async variants
 * run the blocking code in a GTask thread. Mutable account state (cookies,
 * CSRF token, tokens) lives behind self->lock; cookies are kept in a
 * SoupCookieJar that is NOT attached to the session, so every access to it
 * goes through that lock. No request follows redirects by itself: a
 * redirect to the sign-in page means the session has ended.
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-core-enums.h"
#include "gpm-pod.h"
#include "gpm-util.h"

#define DEFAULT_PROVIDER "G+ repost"
#define API_SCOPES "openid profile public:read public:modify private:read private:modify contacts:read"
#define BROWSER_WAIT_SECONDS (15 * 60)
#define MAX_PAGES 50

/* ------------------------------------------------------------------ errors */

typedef struct {
  guint retry_after;
  guint http_status;
} GpmPodErrorPrivate;

static void
gpm_pod_error_private_init (GpmPodErrorPrivate *priv)
{
  priv->retry_after = 0;
  priv->http_status = 0;
}

static void
gpm_pod_error_private_copy (const GpmPodErrorPrivate *src, GpmPodErrorPrivate *dest)
{
  *dest = *src;
}

static void
gpm_pod_error_private_clear (GpmPodErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (GpmPodError, gpm_pod_error)

guint
gpm_pod_error_get_retry_after (const GError *error)
{
  GpmPodErrorPrivate *priv;

  if (error == NULL || error->domain != GPM_POD_ERROR)
    return 0;
  priv = gpm_pod_error_get_private (error);
  return priv ? priv->retry_after : 0;
}

guint
gpm_pod_error_get_http_status (const GError *error)
{
  GpmPodErrorPrivate *priv;

  if (error == NULL || error->domain != GPM_POD_ERROR)
    return 0;
  priv = gpm_pod_error_get_private (error);
  return priv ? priv->http_status : 0;
}

gboolean
gpm_pod_error_is_uncertain (const GError *error)
{
  if (error == NULL || error->domain != GPM_POD_ERROR)
    return FALSE;
  /* a 5xx may come from a step after the post was saved (diaspora saves,
   * then federates), or from a proxy that gave up waiting */
  return error->code == GPM_POD_ERROR_NO_ANSWER || error->code == GPM_POD_ERROR_SERVER;
}

gboolean
gpm_pod_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != GPM_POD_ERROR)
    return FALSE;
  switch ((GpmPodError) error->code)
    {
    case GPM_POD_ERROR_UNREACHABLE:
    case GPM_POD_ERROR_NO_ANSWER:
    case GPM_POD_ERROR_RATE_LIMITED:
    case GPM_POD_ERROR_SERVER:
      return TRUE;
    default:
      return FALSE;
    }
}

static void set_error (GError **error, GpmPodError code, guint http_status, guint retry_after,
                       const char *format, ...) G_GNUC_PRINTF (5, 6);

static void
set_error (GError      **error,
           GpmPodError   code,
           guint         http_status,
           guint         retry_after,
           const char   *format,
           ...)
{
  va_list args;
  GError *e;
  GpmPodErrorPrivate *priv;

  va_start (args, format);
  e = g_error_new_valist (GPM_POD_ERROR, code, format, args);
  va_end (args);
  priv = gpm_pod_error_get_private (e);
  if (priv)
    {
      priv->http_status = http_status;
      priv->retry_after = retry_after;
    }
  g_propagate_error (error, e);
}

/* ------------------------------------------------------------ value types */

G_DEFINE_BOXED_TYPE (GpmPodInfo, gpm_pod_info, gpm_pod_info_ref, gpm_pod_info_unref)

GpmPodInfo *
gpm_pod_info_ref (GpmPodInfo *info)
{
  g_atomic_int_inc (&info->ref_count);
  return info;
}

void
gpm_pod_info_unref (GpmPodInfo *info)
{
  if (!g_atomic_int_dec_and_test (&info->ref_count))
    return;
  g_free (info->software_name);
  g_free (info->software_version);
  g_free (info->node_name);
  g_free (info);
}

G_DEFINE_BOXED_TYPE (GpmPodAspect, gpm_pod_aspect, gpm_pod_aspect_ref, gpm_pod_aspect_unref)

GpmPodAspect *
gpm_pod_aspect_new (gint64 id, const char *name)
{
  GpmPodAspect *a = g_new0 (GpmPodAspect, 1);

  a->ref_count = 1;
  a->id = id;
  a->name = g_strdup (name);
  return a;
}

GpmPodAspect *
gpm_pod_aspect_ref (GpmPodAspect *aspect)
{
  g_atomic_int_inc (&aspect->ref_count);
  return aspect;
}

void
gpm_pod_aspect_unref (GpmPodAspect *aspect)
{
  if (!g_atomic_int_dec_and_test (&aspect->ref_count))
    return;
  g_free (aspect->name);
  g_free (aspect);
}

G_DEFINE_BOXED_TYPE (GpmPodDraft, gpm_pod_draft, gpm_pod_draft_copy, gpm_pod_draft_free)

GpmPodDraft *
gpm_pod_draft_new (const char *text)
{
  GpmPodDraft *d = g_new0 (GpmPodDraft, 1);

  d->text = g_strdup (text ? text : "");
  d->aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  d->photo_ids = g_ptr_array_new_with_free_func (g_free);
  d->poll_answers = g_ptr_array_new_with_free_func (g_free);
  d->provider_display_name = g_strdup (DEFAULT_PROVIDER);
  return d;
}

static GPtrArray *
strv_array_copy (GPtrArray *src)
{
  GPtrArray *dst = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; src && i < src->len; i++)
    g_ptr_array_add (dst, g_strdup (g_ptr_array_index (src, i)));
  return dst;
}

GpmPodDraft *
gpm_pod_draft_copy (const GpmPodDraft *draft)
{
  GpmPodDraft *d = g_new0 (GpmPodDraft, 1);

  d->text = g_strdup (draft->text);
  d->is_public = draft->is_public;
  d->aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (draft->aspect_ids)
    g_array_append_vals (d->aspect_ids, draft->aspect_ids->data, draft->aspect_ids->len);
  d->photo_ids = strv_array_copy (draft->photo_ids);
  d->poll_question = g_strdup (draft->poll_question);
  d->poll_answers = strv_array_copy (draft->poll_answers);
  d->location_address = g_strdup (draft->location_address);
  d->has_coordinates = draft->has_coordinates;
  d->latitude = draft->latitude;
  d->longitude = draft->longitude;
  d->provider_display_name = g_strdup (draft->provider_display_name);
  return d;
}

void
gpm_pod_draft_free (GpmPodDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->text);
  g_clear_pointer (&draft->aspect_ids, g_array_unref);
  g_clear_pointer (&draft->photo_ids, g_ptr_array_unref);
  g_free (draft->poll_question);
  g_clear_pointer (&draft->poll_answers, g_ptr_array_unref);
  g_free (draft->location_address);
  g_free (draft->provider_display_name);
  g_free (draft);
}

G_DEFINE_BOXED_TYPE (GpmPodPost, gpm_pod_post, gpm_pod_post_ref, gpm_pod_post_unref)

GpmPodPost *
gpm_pod_post_ref (GpmPodPost *post)
{
  g_atomic_int_inc (&post->ref_count);
  return post;
}

void
gpm_pod_post_unref (GpmPodPost *post)
{
  if (!g_atomic_int_dec_and_test (&post->ref_count))
    return;
  g_free (post->id);
  g_free (post->guid);
  g_free (post->text);
  g_clear_pointer (&post->created_at, g_date_time_unref);
  g_free (post);
}

/* ------------------------------------------------------------------ GpmPod */

struct _GpmPod
{
  GObject       parent_instance;

  char         *address;   /* "https://host[:port]", fixed */
  SoupSession  *session;

  GMutex        renew_lock; /* one renewal of an ended session at a time */
  gint          generation; /* bumped (atomically) by every renewal */

  GMutex        lock;      /* guards everything below */
  SoupCookieJar *jar;      /* not attached to the session */
  GpmPodAuth    auth;
  char         *username;
  char         *password;  /* web: remembered in memory to renew an ended session */
  char         *user_guid;
  char         *diaspora_id;
  char         *csrf_token;
  /* API v1 */
  char         *registration_endpoint;
  char         *authorization_endpoint;
  char         *token_endpoint;
  char         *client_id;
  char         *client_secret;
  char         *access_token;
  char         *refresh_token;
};

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_AUTH,
  PROP_API_SECRET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (GpmPod, gpm_pod, G_TYPE_OBJECT)

static void
secret_free (char *secret)
{
  if (secret)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

static void
clear_account_locked (GpmPod *self)
{
  GSList *cookies = soup_cookie_jar_all_cookies (self->jar);

  for (GSList *l = cookies; l; l = l->next)
    soup_cookie_jar_delete_cookie (self->jar, l->data);
  soup_cookies_free (cookies);
  self->auth = GPM_POD_AUTH_NONE;
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->password, secret_free);
  g_clear_pointer (&self->user_guid, g_free);
  g_clear_pointer (&self->diaspora_id, g_free);
  g_clear_pointer (&self->csrf_token, secret_free);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->client_secret, secret_free);
  g_clear_pointer (&self->access_token, secret_free);
  g_clear_pointer (&self->refresh_token, secret_free);
}

static void
gpm_pod_finalize (GObject *object)
{
  GpmPod *self = GPM_POD (object);

  clear_account_locked (self);
  g_clear_object (&self->jar);
  g_clear_object (&self->session);
  g_free (self->address);
  g_free (self->registration_endpoint);
  g_free (self->authorization_endpoint);
  g_free (self->token_endpoint);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->renew_lock);
  G_OBJECT_CLASS (gpm_pod_parent_class)->finalize (object);
}

static void
gpm_pod_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GpmPod *self = GPM_POD (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_AUTH:
      g_value_set_enum (value, gpm_pod_get_auth (self));
      break;
    case PROP_API_SECRET:
      g_value_take_string (value, gpm_pod_dup_api_secret (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_pod_class_init (GpmPodClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gpm_pod_finalize;
  object_class->get_property = gpm_pod_get_property;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTH] =
    g_param_spec_enum ("auth", NULL, NULL, GPM_TYPE_POD_AUTH, GPM_POD_AUTH_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_API_SECRET] =
    g_param_spec_string ("api-secret", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gpm_pod_init (GpmPod *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->renew_lock);
  self->jar = soup_cookie_jar_new ();
  soup_cookie_jar_set_accept_policy (self->jar, SOUP_COOKIE_JAR_ACCEPT_ALWAYS);
}

/* -------------------------------------------------------------- addresses */

gboolean
gpm_pod_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) addr = NULL;
  g_autofree char *h = NULL;
  gsize len;

  if (host == NULL || *host == '\0')
    return FALSE;
  h = g_ascii_strdown (host, -1);
  len = strlen (h);
  if (len > 2 && h[0] == '[' && h[len - 1] == ']')
    {
      h[len - 1] = '\0';
      memmove (h, h + 1, len - 1);
    }
  if (g_str_equal (h, "localhost") || g_str_equal (h, "localhost."))
    return TRUE;
  addr = g_inet_address_new_from_string (h);
  return addr != NULL && g_inet_address_get_is_loopback (addr);
}

static gboolean
uri_is_allowed (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  return g_ascii_strcasecmp (scheme, "http") == 0 && gpm_pod_host_is_loopback (g_uri_get_host (uri));
}

char *
gpm_pod_normalize_address (const char *typed, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *with_scheme = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  int port;

  text = g_strstrip (g_strdup (typed ? typed : ""));
  if (*text == '\0')
    {
      set_error (error, GPM_POD_ERROR_INVALID_ADDRESS, 0, 0,
                 _("Type the address of your pod, for example diasp.org."));
      return NULL;
    }
  if (strstr (text, "://") == NULL)
    with_scheme = g_strconcat ("https://", text, NULL);
  else
    with_scheme = g_strdup (text);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || g_uri_get_userinfo (uri) != NULL
      || strpbrk (g_uri_get_host (uri), " \t/\\@") != NULL)
    {
      set_error (error, GPM_POD_ERROR_INVALID_ADDRESS, 0, 0,
                 _("“%s” is not a pod address. Type the address of your pod, for example diasp.org."),
                 text);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    {
      set_error (error, GPM_POD_ERROR_INVALID_ADDRESS, 0, 0,
                 _("“%s” is not a pod address. Type the address of your pod, for example diasp.org."),
                 text);
      return NULL;
    }
  if (!uri_is_allowed (uri))
    {
      set_error (error, GPM_POD_ERROR_INSECURE, 0, 0,
                 _("GPlus Migrate only connects to pods over a secure connection (https). "
                   "“%s” is not secure."), text);
      return NULL;
    }

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  port = g_uri_get_port (uri);
  if ((g_ascii_strcasecmp (scheme, "https") == 0 && port == 443)
      || (g_ascii_strcasecmp (scheme, "http") == 0 && port == 80))
    port = -1;
  {
    g_autofree char *lscheme = g_ascii_strdown (scheme, -1);
    gsize hlen = strlen (host);

    /* strip a trailing dot of a fully qualified name */
    if (hlen > 1 && host[hlen - 1] == '.')
      host[hlen - 1] = '\0';
    return g_uri_join (G_URI_FLAGS_NONE, lscheme, NULL, host, port, "", NULL, NULL);
  }
}

GpmPod *
gpm_pod_new (const char *address, GError **error)
{
  g_autofree char *normal = gpm_pod_normalize_address (address, error);
  GpmPod *self;

  if (normal == NULL)
    return NULL;
  self = g_object_new (GPM_TYPE_POD, NULL);
  self->address = g_steal_pointer (&normal);
  self->session = soup_session_new_with_options ("timeout", 60,
                                                 "idle-timeout", 60,
                                                 "user-agent", "GPlusMigrate/" PACKAGE_VERSION " ",
                                                 NULL);
  {
    /* a pod on this machine is never reached through a proxy */
    g_autoptr(GUri) uri = g_uri_parse (self->address, G_URI_FLAGS_NONE, NULL);

    if (uri && gpm_pod_host_is_loopback (g_uri_get_host (uri)))
      soup_session_set_proxy_resolver (self->session, NULL);
  }
  return self;
}

const char *
gpm_pod_get_address (GpmPod *self)
{
  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  return self->address;
}

void
gpm_pod_set_timeout (GpmPod *self, guint seconds)
{
  g_return_if_fail (GPM_IS_POD (self));
  soup_session_set_timeout (self->session, seconds);
}

GpmPodAuth
gpm_pod_get_auth (GpmPod *self)
{
  GpmPodAuth auth;

  g_return_val_if_fail (GPM_IS_POD (self), GPM_POD_AUTH_NONE);
  g_mutex_lock (&self->lock);
  auth = self->auth;
  g_mutex_unlock (&self->lock);
  return auth;
}

static char *
dup_locked (GpmPod *self, char **field)
{
  char *copy;

  g_mutex_lock (&self->lock);
  copy = g_strdup (*field);
  g_mutex_unlock (&self->lock);
  return copy;
}

char *
gpm_pod_dup_username (GpmPod *self)
{
  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  return dup_locked (self, &self->username);
}

char *
gpm_pod_dup_user_guid (GpmPod *self)
{
  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  return dup_locked (self, &self->user_guid);
}

char *
gpm_pod_dup_diaspora_id (GpmPod *self)
{
  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  return dup_locked (self, &self->diaspora_id);
}

GpmPodAuth
gpm_pod_choose_auth (const GpmPodInfo *info, gboolean can_open_browser)
{
  if (info != NULL && info->has_api && can_open_browser)
    return GPM_POD_AUTH_API;
  return GPM_POD_AUTH_WEB;
}

void
gpm_pod_sign_out (GpmPod *self)
{
  g_return_if_fail (GPM_IS_POD (self));
  g_mutex_lock (&self->lock);
  clear_account_locked (self);
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
}

/* ---------------------------------------------------------------- HTTP core */

typedef enum {
  AUTH_NONE,    /* anonymous (discovery, sign-in pages) */
  AUTH_COOKIE,  /* web session: cookie + CSRF header */
  AUTH_BEARER,  /* API access token */
} RequestAuth;

/* One request, rebuilt into a fresh SoupMessage each time it is sent (so a
 * request can be repeated after renewing an ended session). */
typedef struct {
  const char    *method;
  char          *url;           /* absolute */
  RequestAuth    auth;
  const char    *accept;        /* NULL: application/json */
  const char    *content_type;  /* for body */
  GBytes        *body;
  SoupMultipart *multipart;
  /* or built at each sending, with the CSRF token of that moment */
  SoupMultipart *(*build_multipart) (gconstpointer data, const char *csrf_token);
  gconstpointer  build_data;
  gboolean       web_xhr;       /* X-Requested-With + X-CSRF-Token */
} Request;

typedef struct {
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
} Reply;

static void
request_clear (Request *req)
{
  g_clear_pointer (&req->url, g_free);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->multipart, soup_multipart_free);
}

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  reply->status = 0;
}

static char *
pod_url (GpmPod *self, const char *path)
{
  return g_strconcat (self->address, path, NULL);
}

static void
on_wrote_body (SoupMessage *msg, gpointer user_data)
{
  gboolean *wrote = user_data;
  *wrote = TRUE;
}

static guint
parse_retry_after (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Retry-After");
  guint64 secs;
  char *end = NULL;

  if (value == NULL)
    return 0;
  secs = g_ascii_strtoull (value, &end, 10);
  if (end != value && (*end == '\0' || g_ascii_isspace (*end)))
    return (guint) MIN (secs, G_MAXUINT);
  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    GTimeSpan diff;

    if (when == NULL)
      return 0;
    diff = g_date_time_difference (when, now);
    return diff > 0 ? (guint) (diff / G_TIME_SPAN_SECOND) + 1 : 1;
  }
}

static void
describe_tls_flags (GTlsCertificateFlags flags, GString *out)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_string_append (out, _("it is not signed by a known authority"));
  else if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_string_append (out, _("it belongs to a different site"));
  else if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_string_append (out, _("it has expired"));
  else if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_string_append (out, _("it is not valid yet"));
  else if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_string_append (out, _("it has been revoked"));
  else if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_string_append (out, _("it uses insecure cryptography"));
  else
    g_string_append (out, _("it could not be verified"));
}

/* Sends @req once. Transport failures become typed errors; any HTTP status is
 * returned in @reply (not an error). */
static gboolean
send_once (GpmPod        *self,
           const Request *req,
           Reply         *reply,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessageHeaders *hdrs;
  gboolean wrote_body = FALSE;

  uri = g_uri_parse (req->url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      set_error (error, GPM_POD_ERROR_PROTOCOL, 0, 0,
                 _("The pod gave an answer GPlus Migrate does not understand (%s)."),
                 _("an address is not valid"));
      return FALSE;
    }
  if (!uri_is_allowed (uri))
    {
      set_error (error, GPM_POD_ERROR_INSECURE, 0, 0,
                 _("GPlus Migrate only connects to pods over a secure connection (https). "
                   "“%s” is not secure."), g_uri_get_host (uri));
      return FALSE;
    }

  if (req->build_multipart)
    {
      g_autofree char *token = NULL;
      SoupMultipart *multipart;

      g_mutex_lock (&self->lock);
      token = g_strdup (self->csrf_token);
      g_mutex_unlock (&self->lock);
      multipart = req->build_multipart (req->build_data, token);
      msg = soup_message_new_from_multipart (req->url, multipart);
      soup_multipart_free (multipart);
    }
  else if (req->multipart)
    {
      msg = soup_message_new_from_multipart (req->url, req->multipart);
    }
  else
    {
      msg = soup_message_new_from_uri (req->method, uri);
      if (req->body)
        soup_message_set_request_body_from_bytes (msg, req->content_type, req->body);
    }
  if (msg == NULL)
    {
      set_error (error, GPM_POD_ERROR_PROTOCOL, 0, 0,
                 _("The pod gave an answer GPlus Migrate does not understand (%s)."),
                 _("an address is not valid"));
      return FALSE;
    }
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  hdrs = soup_message_get_request_headers (msg);
  soup_message_headers_replace (hdrs, "Accept", req->accept ? req->accept : "application/json");

  g_mutex_lock (&self->lock);
  {
    GSList *cookies = soup_cookie_jar_get_cookie_list (self->jar, uri, TRUE);

    if (cookies)
      {
        g_autofree char *header = soup_cookies_to_cookie_header (cookies);
        soup_message_headers_replace (hdrs, "Cookie", header);
        soup_cookies_free (cookies);
      }
    if (req->web_xhr)
      {
        soup_message_headers_replace (hdrs, "X-Requested-With", "XMLHttpRequest");
        if (self->csrf_token)
          soup_message_headers_replace (hdrs, "X-CSRF-Token", self->csrf_token);
      }
    if (req->auth == AUTH_BEARER && self->access_token)
      {
        g_autofree char *bearer = g_strconcat ("Bearer ", self->access_token, NULL);
        soup_message_headers_replace (hdrs, "Authorization", bearer);
        explicit_bzero (bearer, strlen (bearer));
      }
  }
  g_mutex_unlock (&self->lock);

  g_signal_connect (msg, "wrote-body", G_CALLBACK (on_wrote_body), &wrote_body);
  body = soup_session_send_and_read (self->session, msg, cancellable, &local);
  g_signal_handlers_disconnect_by_func (msg, on_wrote_body, &wrote_body);

  if (local != NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (local->domain == G_TLS_ERROR || soup_message_get_tls_peer_certificate_errors (msg) != 0)
        {
          g_autoptr(GString) why = g_string_new (NULL);
          GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors (msg);

          if (flags != 0)
            describe_tls_flags (flags, why);
          else
            g_string_append (why, local->message);
          set_error (error, GPM_POD_ERROR_TLS, 0, 0,
                     _("The secure connection to %s failed: %s. To protect your account, "
                       "GPlus Migrate does not connect to it. The pod's administrator must fix this."),
                     g_uri_get_host (uri), why->str);
          return FALSE;
        }
      g_debug ("%s %s: %s (request %s)", req->method, g_uri_get_path (uri), local->message,
               wrote_body ? "sent" : "not sent");
      if (wrote_body)
        set_error (error, GPM_POD_ERROR_NO_ANSWER, 0, 0,
                   _("The pod %s did not answer. The last step may or may not have been done; "
                     "it will be checked before trying again."), g_uri_get_host (uri));
      else
        set_error (error, GPM_POD_ERROR_UNREACHABLE, 0, 0,
                   _("Could not reach the pod %s. Check your internet connection and the pod "
                     "address, or try again later."), g_uri_get_host (uri));
      return FALSE;
    }

  /* keep cookies */
  {
    GSList *cookies = soup_cookies_from_response (msg);

    g_mutex_lock (&self->lock);
    for (GSList *l = cookies; l; l = l->next)
      soup_cookie_jar_add_cookie_full (self->jar, soup_cookie_copy (l->data), uri, uri);
    g_mutex_unlock (&self->lock);
    soup_cookies_free (cookies);
  }

  reply->status = soup_message_get_status (msg);
  reply->body = g_steal_pointer (&body);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return TRUE;
}

static const char *
reply_text (const Reply *reply, gsize *len)
{
  gsize l = 0;
  const char *data = reply->body ? g_bytes_get_data (reply->body, &l) : NULL;

  if (len)
    *len = l;
  return data ? data : "";
}

static JsonNode *
reply_json (const Reply *reply)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = reply_text (reply, &len);

  if (len == 0 || !json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static gboolean
location_is_sign_in (const Reply *reply)
{
  const char *loc = soup_message_headers_get_one (reply->headers, "Location");

  return loc != NULL && strstr (loc, "/users/sign_in") != NULL;
}

static char *
short_message_from_body (const Reply *reply)
{
  g_autoptr(JsonNode) node = reply_json (reply);
  gsize len;
  const char *text;

  if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      const char *keys[] = { "message", "error_description", "error" };

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (json_object_has_member (o, keys[i])
            && JSON_NODE_HOLDS_VALUE (json_object_get_member (o, keys[i]))
            && json_object_get_string_member (o, keys[i]))
          return g_strdup (json_object_get_string_member (o, keys[i]));
    }
  text = reply_text (reply, &len);
  if (len > 0 && len < 300 && g_utf8_validate (text, len, NULL) && memchr (text, '<', len) == NULL)
    return g_strstrip (g_strndup (text, len));
  return g_strdup_printf ("HTTP %u", reply->status);
}

/* Turns a final HTTP status into an error (FALSE) or accepts it (TRUE). */
static gboolean
check_status (const Reply *reply, GError **error)
{
  guint s = reply->status;

  if (s == 429)
    {
      guint after = parse_retry_after (reply->headers);

      if (after > 0)
        set_error (error, GPM_POD_ERROR_RATE_LIMITED, s, after,
                   g_dngettext (NULL, "The pod asks to slow down. Trying again in %u second.",
                                "The pod asks to slow down. Trying again in %u seconds.", after), after);
      else
        set_error (error, GPM_POD_ERROR_RATE_LIMITED, s, 0,
                   _("The pod asks to slow down. Try again in a few minutes."));
      return FALSE;
    }
  if (s >= 500)
    {
      set_error (error, GPM_POD_ERROR_SERVER, s, parse_retry_after (reply->headers),
                 _("The pod has a problem right now (error %u). Try again later."), s);
      return FALSE;
    }
  return TRUE;
}

static void
set_expired (GError **error, guint status)
{
  set_error (error, GPM_POD_ERROR_EXPIRED, status, 0,
             _("Your sign-in to the pod has expired. Please sign in again."));
}

static void
set_protocol (GError **error, guint status, const char *what)
{
  set_error (error, GPM_POD_ERROR_PROTOCOL, status, 0,
             _("The pod gave an answer GPlus Migrate does not understand (%s)."), what);
}

static void
set_rejected (GError **error, const Reply *reply)
{
  g_autofree char *why = short_message_from_body (reply);

  set_error (error, GPM_POD_ERROR_REJECTED, reply->status, 0,
             _("The pod refused the request: %s"), why);
}

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

static const char *
obj_string (JsonObject *o, const char *a, const char *b)
{
  const char *names[] = { a, b };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *n;

      if (names[i] == NULL || !json_object_has_member (o, names[i]))
        continue;
      n = json_object_get_member (o, names[i]);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        return json_node_get_string (n);
    }
  return NULL;
}

/* id as text, whether the JSON has a number or a string */
static char *
obj_id (JsonObject *o, const char *name)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  n = json_object_get_member (o, name);
  if (!JSON_NODE_HOLDS_VALUE (n))
    return NULL;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
  if (json_node_get_value_type (n) == G_TYPE_STRING && *json_node_get_string (n))
    return g_strdup (json_node_get_string (n));
  return NULL;
}

/* ----------------------------------------------------------- web session */

static gboolean web_sign_in (GpmPod *self, const char *username, const char *password,
                             const char *otp_code, GCancellable *cancellable, GError **error);
static gboolean api_refresh (GpmPod *self, GCancellable *cancellable, GError **error);

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
      Request req = { "GET", pod_url (self, paths[i]), AUTH_COOKIE, "text/html" };
      Reply reply = { 0 };
      g_autofree char *html = NULL;
      g_autofree char *token = NULL;
      g_autoptr(JsonObject) user = NULL;
      gboolean ok;

      ok = send_once (self, &req, &reply, cancellable, error);
      request_clear (&req);
      if (!ok)
        return FALSE;
      if (!check_status (&reply, error))
        {
          reply_clear (&reply);
          return FALSE;
        }
      if ((reply.status >= 300 && reply.status < 400 && location_is_sign_in (&reply))
          || reply.status == 401)
        {
          reply_clear (&reply);
          sent_to_sign_in = TRUE;
          continue;
        }
      if (reply.status != 200)
        {
          reply_clear (&reply);
          continue;
        }
      html = g_strndup (reply_text (&reply, NULL), reply.body ? g_bytes_get_size (reply.body) : 0);
      reply_clear (&reply);
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
          g_clear_pointer (&self->csrf_token, secret_free);
          self->csrf_token = g_steal_pointer (&token);
        }
      if (user && obj_string (user, "guid", NULL))
        {
          g_free (self->user_guid);
          self->user_guid = g_strdup (obj_string (user, "guid", NULL));
        }
      if (user && obj_string (user, "diasporaId", "diaspora_id"))
        {
          g_free (self->diaspora_id);
          self->diaspora_id = g_strdup (obj_string (user, "diasporaId", "diaspora_id"));
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
      set_expired (error, 401);
      return FALSE;
    }
  set_error (error, GPM_POD_ERROR_NOT_DIASPORA, 0, 0,
             _("%s does not look like a diaspora* pod."), self->address);
  return FALSE;
}

/* Renews an ended web session with the remembered password, or refreshes
 * the API token. */
static gboolean
renew_session (GpmPod *self, GCancellable *cancellable, GError **error)
{
  GpmPodAuth auth;
  g_autofree char *username = NULL;
  char *password = NULL;
  gboolean ok;

  g_mutex_lock (&self->lock);
  auth = self->auth;
  username = g_strdup (self->username);
  password = g_strdup (self->password);
  g_mutex_unlock (&self->lock);

  if (auth == GPM_POD_AUTH_API)
    {
      secret_free (password);
      return api_refresh (self, cancellable, error);
    }
  if (auth != GPM_POD_AUTH_WEB || username == NULL || password == NULL)
    {
      secret_free (password);
      set_expired (error, 0);
      return FALSE;
    }
  g_debug ("web session ended; signing in again");
  ok = web_sign_in (self, username, password, NULL, cancellable, error);
  secret_free (password);
  if (!ok && error && *error && ((*error)->code == GPM_POD_ERROR_WRONG_CREDENTIALS
                                 || (*error)->code == GPM_POD_ERROR_TWO_FACTOR_NEEDED))
    {
      g_clear_error (error);
      set_expired (error, 0);
    }
  return ok;
}

/* Is this answer to a signed-in request "your session/token has ended"? */
static gboolean
reply_means_expired (const Reply *reply, RequestAuth auth)
{
  if (auth == AUTH_COOKIE)
    return reply->status == 401
      || (reply->status >= 300 && reply->status < 400 && location_is_sign_in (reply));
  if (auth == AUTH_BEARER)
    {
      const char *www = soup_message_headers_get_one (reply->headers, "WWW-Authenticate");

      if (reply->status == 401)
        return TRUE;
      if (reply->status == 403 && www && strstr (www, "invalid_token"))
        return TRUE;
      if (reply->status == 403)
        {
          g_autofree char *msg = short_message_from_body (reply);
          return strstr (msg, "Unauthorized user") != NULL;
        }
    }
  return FALSE;
}

/* After a request sent in session @generation was answered "your session
 * has ended": renews the session, unless another thread already did since
 * (then the caller just repeats its request). *@renewed_by_me stops a
 * second renewal for the same request. FALSE with @error when renewing
 * failed or was already tried. */
static gboolean
renew_after_expired (GpmPod        *self,
                     gint           generation,
                     gboolean      *renewed_by_me,
                     GCancellable  *cancellable,
                     GError       **error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&self->renew_lock);
  if (g_atomic_int_get (&self->generation) == generation)
    {
      if (*renewed_by_me)
        {
          set_expired (error, 401);
          ok = FALSE;
        }
      else
        {
          *renewed_by_me = TRUE;
          ok = renew_session (self, cancellable, error);
          if (ok)
            g_atomic_int_inc (&self->generation);
        }
    }
  g_mutex_unlock (&self->renew_lock);
  return ok;
}

/* Sends a signed-in request; when the pod says the session has ended,
 * renews it (once per request, and once for all threads that hit it at the
 * same time) and repeats the request. Rate limits and 5xx become errors;
 * other statuses are returned. */
static gboolean
send_authed (GpmPod        *self,
             const Request *req,
             Reply         *reply,
             GCancellable  *cancellable,
             GError       **error)
{
  gboolean renewed_by_me = FALSE;

  for (int attempt = 0; attempt < 4; attempt++)
    {
      gint generation = g_atomic_int_get (&self->generation);

      if (!send_once (self, req, reply, cancellable, error))
        return FALSE;
      if (!check_status (reply, error))
        {
          reply_clear (reply);
          return FALSE;
        }
      if (!reply_means_expired (reply, req->auth))
        return TRUE;
      reply_clear (reply);
      if (!renew_after_expired (self, generation, &renewed_by_me, cancellable, error))
        return FALSE;
    }
  set_expired (error, 401);
  return FALSE;
}

static gboolean
require_auth (GpmPod *self, GpmPodAuth *auth_out, GError **error)
{
  GpmPodAuth auth = gpm_pod_get_auth (self);

  if (auth == GPM_POD_AUTH_NONE)
    {
      set_error (error, GPM_POD_ERROR_NOT_SIGNED_IN, 0, 0, _("Sign in to the pod first."));
      return FALSE;
    }
  *auth_out = auth;
  return TRUE;
}

static GBytes *
form_body (const char *first_key, ...) G_GNUC_NULL_TERMINATED;

static GBytes *
form_body (const char *first_key, ...)
{
  GString *s = g_string_new (NULL);
  va_list args;
  const char *key = first_key;

  va_start (args, first_key);
  while (key)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        {
          if (s->len)
            g_string_append_c (s, '&');
          g_string_append_uri_escaped (s, key, NULL, FALSE);
          g_string_append_c (s, '=');
          g_string_append_uri_escaped (s, value, NULL, FALSE);
        }
      key = va_arg (args, const char *);
    }
  va_end (args);
  {
    gsize len = s->len;
    char *data = g_string_free (s, FALSE);
    /* forms carry passwords and tokens: wiped when released */
    return g_bytes_new_with_free_func (data, len, (GDestroyNotify) secret_free, data);
  }
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
  Request req = { "POST", pod_url (self, "/users/sign_in"), AUTH_NONE, "text/html",
                  "application/x-www-form-urlencoded", g_bytes_ref (form) };
  Reply reply = { 0 };
  gboolean ok;

  *signed_in = FALSE;
  ok = send_once (self, &req, &reply, cancellable, error);
  request_clear (&req);
  if (!ok)
    return FALSE;
  if (!check_status (&reply, error))
    {
      reply_clear (&reply);
      return FALSE;
    }
  if (reply.status >= 300 && reply.status < 400)
    *signed_in = !location_is_sign_in (&reply);
  else
    {
      *page_out = g_strndup (reply_text (&reply, NULL), reply.body ? g_bytes_get_size (reply.body) : 0);
      /* a pod that shows a signed-in page at once (no redirect); checked
       * by loading the account page afterwards */
      *signed_in = reply.status == 200 && strstr (*page_out, "user[password]") == NULL
                   && !page_is_two_factor (*page_out);
    }
  reply_clear (&reply);
  return TRUE;
}

static gboolean
web_sign_in (GpmPod        *self,
             const char    *username,
             const char    *password,
             const char    *otp_code,
             GCancellable  *cancellable,
             GError       **error)
{
  Request req = { "GET", pod_url (self, "/users/sign_in"), AUTH_NONE, "text/html" };
  Reply reply = { 0 };
  g_autofree char *html = NULL;
  g_autofree char *page = NULL;
  char *token = NULL;
  g_autoptr(GBytes) form = NULL;
  gboolean signed_in = FALSE;
  gboolean ok;

  /* a clean start: no cookies from an earlier session */
  g_mutex_lock (&self->lock);
  {
    GSList *cookies = soup_cookie_jar_all_cookies (self->jar);
    for (GSList *l = cookies; l; l = l->next)
      soup_cookie_jar_delete_cookie (self->jar, l->data);
    soup_cookies_free (cookies);
  }
  g_mutex_unlock (&self->lock);

  ok = send_once (self, &req, &reply, cancellable, error);
  request_clear (&req);
  if (!ok)
    return FALSE;
  if (!check_status (&reply, error))
    {
      reply_clear (&reply);
      return FALSE;
    }
  html = g_strndup (reply_text (&reply, NULL), reply.body ? g_bytes_get_size (reply.body) : 0);
  token = html_csrf_token (html);
  if (reply.status != 200 || strstr (html, "user[password]") == NULL)
    {
      secret_free (token);
      reply_clear (&reply);
      set_error (error, GPM_POD_ERROR_NOT_DIASPORA, 0, 0,
                 _("%s does not look like a diaspora* pod: it has no sign-in page."), self->address);
      return FALSE;
    }
  reply_clear (&reply);

  form = form_body ("utf8", "✓",
                    "authenticity_token", token,
                    "user[username]", username,
                    "user[password]", password,
                    "user[remember_me]", "1",
                    "commit", "Sign in",
                    NULL);
  secret_free (token);
  ok = web_post_sign_in (self, form, &signed_in, &page, cancellable, error);
  g_clear_pointer (&form, g_bytes_unref);
  if (!ok)
    return FALSE;

  if (!signed_in && page && page_is_two_factor (page))
    {
      g_autofree char *page2 = NULL;

      if (otp_code == NULL || *otp_code == '\0')
        {
          set_error (error, GPM_POD_ERROR_TWO_FACTOR_NEEDED, 0, 0,
                     _("This account uses two-factor authentication. Enter the code from your "
                       "authenticator app."));
          return FALSE;
        }
      token = html_csrf_token (page);
      form = form_body ("utf8", "✓",
                        "authenticity_token", token,
                        "user[otp_attempt]", otp_code,
                        "user[remember_me]", "1",
                        "commit", "Sign in",
                        NULL);
      secret_free (token);
      if (!web_post_sign_in (self, form, &signed_in, &page2, cancellable, error))
        return FALSE;
      if (!signed_in)
        {
          set_error (error, GPM_POD_ERROR_WRONG_CREDENTIALS, 0, 0,
                     _("The two-factor code is not correct. Enter the current code from your "
                       "authenticator app."));
          return FALSE;
        }
    }
  else if (!signed_in)
    {
      set_error (error, GPM_POD_ERROR_WRONG_CREDENTIALS, 0, 0,
                 _("The user name or password is not correct."));
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  self->auth = GPM_POD_AUTH_WEB;
  if (self->username != username)
    {
      g_free (self->username);
      self->username = g_strdup (username);
    }
  if (self->password != password)
    {
      g_clear_pointer (&self->password, secret_free);
      self->password = g_strdup (password);
    }
  g_mutex_unlock (&self->lock);

  /* the fresh CSRF token and the account's guid */
  if (web_load_account_page (self, NULL, cancellable, error))
    {
      g_mutex_lock (&self->lock);
      if (self->diaspora_id == NULL)
        {
          g_autoptr(GUri) uri = g_uri_parse (self->address, G_URI_FLAGS_NONE, NULL);

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
          set_error (error, GPM_POD_ERROR_WRONG_CREDENTIALS, 0, 0,
                     _("The pod did not accept the sign-in."));
        }
      g_mutex_lock (&self->lock);
      self->auth = GPM_POD_AUTH_NONE;
      g_mutex_unlock (&self->lock);
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

  g_mutex_lock (&self->lock);
  clear_account_locked (self);
  g_mutex_unlock (&self->lock);

  /* "alice@pod.example" on pod.example: the pod wants just "alice" */
  {
    const char *at = strchr (username, '@');
    g_autoptr(GUri) uri = g_uri_parse (self->address, G_URI_FLAGS_NONE, NULL);

    if (at && uri && g_ascii_strcasecmp (at + 1, g_uri_get_host (uri)) == 0)
      {
        g_autofree char *local = g_strndup (username, at - username);

        ok = web_sign_in (self, local, password, otp_code, cancellable, error);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
        return ok;
      }
  }

  ok = web_sign_in (self, username, password, otp_code, cancellable, error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
  return ok;
}

/* ------------------------------------------------------------- discovery */

static gboolean
get_json (GpmPod        *self,
          const char    *url,
          JsonNode     **out,
          guint         *status_out,
          GCancellable  *cancellable,
          GError       **error)
{
  Request req = { "GET", g_strdup (url), AUTH_NONE };
  Reply reply = { 0 };
  gboolean ok;

  ok = send_once (self, &req, &reply, cancellable, error);
  request_clear (&req);
  if (!ok)
    return FALSE;
  if (!check_status (&reply, error))
    {
      reply_clear (&reply);
      return FALSE;
    }
  *status_out = reply.status;
  *out = reply.status == 200 ? reply_json (&reply) : NULL;
  reply_clear (&reply);
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

  url = pod_url (self, "/.well-known/nodeinfo");
  if (!get_json (self, url, &jrd, &status, cancellable, error))
    return NULL;
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
          rel = obj_string (json_node_get_object (n), "rel", NULL);
          h = obj_string (json_node_get_object (n), "href", NULL);
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
      info = g_new0 (GpmPodInfo, 1);
      info->ref_count = 1;
      {
        JsonObject *sw = json_object_get_object_member (o, "software");
        info->software_name = g_strdup (obj_string (sw, "name", NULL));
        info->software_version = g_strdup (obj_string (sw, "version", NULL));
      }
      if (json_object_has_member (o, "metadata")
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "metadata")))
        info->node_name = g_strdup (obj_string (json_object_get_object_member (o, "metadata"),
                                                "nodeName", NULL));
      if (g_strcmp0 (info->software_name, "diaspora") != 0)
        {
          set_error (error, GPM_POD_ERROR_NOT_DIASPORA, 0, 0,
                     _("%s runs %s, not diaspora*. GPlus Migrate can only post to diaspora* pods."),
                     self->address, info->software_name ? info->software_name : _("other software"));
          return NULL;
        }
    }
  else
    {
      /* no nodeinfo: a diaspora* sign-in page (and the X-Diaspora-Version
       * header every diaspora* page carries) will do */
      Request req = { "GET", pod_url (self, "/users/sign_in"), AUTH_NONE, "text/html" };
      Reply reply = { 0 };
      gboolean ok, looks_like;

      ok = send_once (self, &req, &reply, cancellable, error);
      request_clear (&req);
      if (!ok)
        return NULL;
      if (!check_status (&reply, error))
        {
          reply_clear (&reply);
          return NULL;
        }
      looks_like = reply.status == 200 && strstr (reply_text (&reply, NULL), "user[password]") != NULL
                   && (strstr (reply_text (&reply, NULL), "user[username]") != NULL
                       || soup_message_headers_get_one (reply.headers, "X-Diaspora-Version") != NULL);
      if (!looks_like)
        {
          reply_clear (&reply);
          set_error (error, GPM_POD_ERROR_NOT_DIASPORA, status, 0,
                     _("%s does not look like a diaspora* pod."), self->address);
          return NULL;
        }
      info = g_new0 (GpmPodInfo, 1);
      info->ref_count = 1;
      info->software_name = g_strdup ("diaspora");
      info->software_version = g_strdup (soup_message_headers_get_one (reply.headers, "X-Diaspora-Version"));
      reply_clear (&reply);
    }

  g_clear_pointer (&url, g_free);
  url = pod_url (self, "/.well-known/openid-configuration");
  if (!get_json (self, url, &oidc, &status, cancellable, error))
    return NULL;
  if (oidc && JSON_NODE_HOLDS_OBJECT (oidc))
    {
      JsonObject *c = json_node_get_object (oidc);
      const char *reg = obj_string (c, "registration_endpoint", NULL);
      const char *authz = obj_string (c, "authorization_endpoint", NULL);
      const char *tok = obj_string (c, "token_endpoint", NULL);

      if (reg && authz && tok)
        {
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

/* ------------------------------------------------------------------ API v1 */

static char *
base64url (const guchar *data, gsize len)
{
  char *b64 = g_base64_encode (data, len);

  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  for (char *e = b64 + strlen (b64); e > b64 && e[-1] == '='; e--)
    e[-1] = '\0';
  return b64;
}

static char *
random_token (gsize bytes)
{
  g_autofree guchar *buf = g_malloc (bytes);
  char *out;

  /* GRand is seeded from /dev/urandom; good enough for state and verifier
   * on a loopback redirect, which are single-use. */
  for (gsize i = 0; i < bytes; i++)
    buf[i] = (guchar) g_random_int_range (0, 256);
  out = base64url (buf, bytes);
  explicit_bzero (buf, bytes);
  return out;
}

static char *
pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (sum, digest, &len);
  return base64url (digest, len);
}

/* Token endpoint answer → stored tokens. */
static gboolean
api_store_tokens (GpmPod *self, const Reply *reply, GError **error)
{
  g_autoptr(JsonNode) node = reply_json (reply);
  const char *access, *refresh;

  if (reply->status == 400 || reply->status == 401)
    {
      set_expired (error, reply->status);
      return FALSE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_protocol (error, reply->status, _("no tokens"));
      return FALSE;
    }
  access = obj_string (json_node_get_object (node), "access_token", NULL);
  refresh = obj_string (json_node_get_object (node), "refresh_token", NULL);
  if (access == NULL)
    {
      if (obj_string (json_node_get_object (node), "error", NULL))
        set_expired (error, reply->status);
      else
        set_protocol (error, reply->status, _("no tokens"));
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->access_token, secret_free);
  self->access_token = g_strdup (access);
  if (refresh)
    {
      g_clear_pointer (&self->refresh_token, secret_free);
      self->refresh_token = g_strdup (refresh);
    }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
api_refresh (GpmPod *self, GCancellable *cancellable, GError **error)
{
  Request req = { "POST", NULL, AUTH_NONE, NULL, "application/x-www-form-urlencoded" };
  Reply reply = { 0 };
  gboolean ok;

  g_mutex_lock (&self->lock);
  if (self->token_endpoint && self->refresh_token && self->client_id)
    {
      req.url = g_strdup (self->token_endpoint);
      req.body = form_body ("grant_type", "refresh_token",
                            "refresh_token", self->refresh_token,
                            "client_id", self->client_id,
                            "client_secret", self->client_secret,
                            NULL);
    }
  g_mutex_unlock (&self->lock);
  if (req.url == NULL)
    {
      set_expired (error, 0);
      return FALSE;
    }
  g_debug ("refreshing the access token");
  ok = send_once (self, &req, &reply, cancellable, error);
  request_clear (&req);
  if (!ok)
    return FALSE;
  ok = check_status (&reply, error) && api_store_tokens (self, &reply, error);
  reply_clear (&reply);
  if (ok)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_SECRET]);
  return ok;
}

static gboolean
api_load_user (GpmPod *self, GCancellable *cancellable, GError **error)
{
  Request req = { "GET", pod_url (self, "/api/v1/user"), AUTH_BEARER };
  Reply reply = { 0 };
  g_autoptr(JsonNode) node = NULL;
  gboolean ok;
  const char *guid;

  ok = send_authed (self, &req, &reply, cancellable, error);
  request_clear (&req);
  if (!ok)
    return FALSE;
  node = reply_json (&reply);
  if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_OBJECT (node)
      || (guid = obj_string (json_node_get_object (node), "guid", NULL)) == NULL)
    {
      set_protocol (error, reply.status, _("no account data"));
      reply_clear (&reply);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  g_free (self->user_guid);
  self->user_guid = g_strdup (guid);
  g_free (self->diaspora_id);
  self->diaspora_id = g_strdup (obj_string (json_node_get_object (node), "diaspora_id", NULL));
  g_free (self->username);
  self->username = self->diaspora_id ? g_strndup (self->diaspora_id, strcspn (self->diaspora_id, "@"))
                                     : NULL;
  g_mutex_unlock (&self->lock);
  reply_clear (&reply);
  return TRUE;
}

static gboolean
api_ensure_endpoints (GpmPod *self, GCancellable *cancellable, GError **error)
{
  gboolean have;
  g_autoptr(GpmPodInfo) info = NULL;

  g_mutex_lock (&self->lock);
  have = self->token_endpoint != NULL;
  g_mutex_unlock (&self->lock);
  if (have)
    return TRUE;
  info = gpm_pod_discover (self, cancellable, error);
  if (info == NULL)
    return FALSE;
  if (!info->has_api)
    {
      set_error (error, GPM_POD_ERROR_NO_API, 0, 0,
                 _("This pod does not offer sign-in for apps. Sign in with your user name and "
                   "password instead."));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  char       *state;
  char       *code;
  char       *error;
  gboolean    done;
  GMainContext *context;
} Callback;

static void
callback_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Callback *cb = user_data;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query ? g_hash_table_lookup (query, "code") : NULL;
  const char *err = query ? g_hash_table_lookup (query, "error") : NULL;
  g_autofree char *page = NULL;

  if (cb->done || g_strcmp0 (state, cb->state) != 0 || (code == NULL && err == NULL))
    {
      soup_server_message_set_status (msg, 400, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        "Bad request", 11);
      return;
    }
  cb->code = g_strdup (code);
  cb->error = g_strdup (err);
  cb->done = TRUE;
  page = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>GPlus Migrate</title>"
                          "</head><body><p>%s</p></body></html>",
                          code ? _("You are signed in. You can close this window and return to GPlus Migrate.")
                               : _("The authorization was not given. You can close this window."));
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
  g_main_context_wakeup (cb->context);
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

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;
  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled_source (GCancellable *cancellable, gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* @invoke_context: where to call @open_uri (NULL: right here). */
static gboolean
api_sign_in (GpmPod            *self,
             GpmPodOpenUriFunc  open_uri,
             gpointer           open_uri_data,
             GMainContext      *invoke_context,
             GCancellable      *cancellable,
             GError           **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *redirect_uri = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  g_autofree char *authz_url = NULL;
  g_autofree char *reg_endpoint = NULL;
  g_autofree char *authz_endpoint = NULL;
  g_autofree char *token_endpoint = NULL;
  Callback cb = { 0 };
  gboolean ok = FALSE;
  gboolean timed_out = FALSE;
  GSource *timeout_source = NULL;
  GSource *cancel_source = NULL;

  if (!api_ensure_endpoints (self, cancellable, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  reg_endpoint = g_strdup (self->registration_endpoint);
  authz_endpoint = g_strdup (self->authorization_endpoint);
  token_endpoint = g_strdup (self->token_endpoint);
  g_mutex_unlock (&self->lock);

  /* 1. the loopback redirect (RFC 8252), in a context of our own */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  server = soup_server_new ("server-header", "GPlusMigrate ", NULL);
  cb.context = context;
  cb.state = random_token (24);
  soup_server_add_handler (server, "/callback", callback_handler, &cb, NULL);
  {
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
    g_autoptr(GError) local = NULL;

    if (!soup_server_listen (server, addr, 0, &local))
      {
        set_error (error, GPM_POD_ERROR_PROTOCOL, 0, 0,
                   _("Could not prepare the sign-in: %s"), local->message);
        goto out;
      }
  }
  uris = soup_server_get_uris (server);
  redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/callback", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  /* 2. dynamic client registration. diaspora wants client_name unique per
   * redirect URI; a second try gets a distinct name. */
  for (int attempt = 0; attempt < 2 && client_id == NULL; attempt++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *name = NULL;
      Request req = { "POST", g_strdup (reg_endpoint), AUTH_NONE, NULL, "application/json" };
      Reply reply = { 0 };

      if (attempt == 0)
        name = g_strdup ("GPlus Migrate");
      else
        name = g_strdup_printf ("GPlus Migrate %04x", g_random_int_range (0, 0x10000));
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
      ok = send_once (self, &req, &reply, cancellable, error);
      request_clear (&req);
      if (!ok)
        goto out;
      ok = FALSE;
      if (!check_status (&reply, error))
        {
          reply_clear (&reply);
          goto out;
        }
      answer = reply_json (&reply);
      if (answer && JSON_NODE_HOLDS_OBJECT (answer))
        {
          client_id = g_strdup (obj_string (json_node_get_object (answer), "client_id", NULL));
          client_secret = g_strdup (obj_string (json_node_get_object (answer), "client_secret", NULL));
        }
      if (client_id == NULL && (attempt == 1 || reply.status != 400))
        {
          g_autofree char *why = short_message_from_body (&reply);
          set_error (error, GPM_POD_ERROR_REJECTED, reply.status, 0,
                     _("The pod refused to register GPlus Migrate as an app: %s"), why);
          reply_clear (&reply);
          goto out;
        }
      reply_clear (&reply);
    }

  /* 3. the browser */
  verifier = random_token (48);
  challenge = pkce_challenge (verifier);
  nonce = random_token (16);
  {
    GString *u = g_string_new (authz_endpoint);

    g_string_append_c (u, strchr (authz_endpoint, '?') ? '&' : '?');
    g_string_append (u, "response_type=code&client_id=");
    g_string_append_uri_escaped (u, client_id, NULL, FALSE);
    g_string_append (u, "&redirect_uri=");
    g_string_append_uri_escaped (u, redirect_uri, NULL, FALSE);
    g_string_append (u, "&scope=");
    g_string_append_uri_escaped (u, API_SCOPES, NULL, FALSE);
    g_string_append (u, "&state=");
    g_string_append (u, cb.state);
    g_string_append (u, "&nonce=");
    g_string_append (u, nonce);
    g_string_append (u, "&code_challenge=");
    g_string_append (u, challenge);
    g_string_append (u, "&code_challenge_method=S256");
    authz_url = g_string_free (u, FALSE);
  }
  {
    g_autoptr(GUri) check = g_uri_parse (authz_url, SOUP_HTTP_URI_FLAGS, NULL);
    if (check == NULL || !uri_is_allowed (check))
      {
        set_error (error, GPM_POD_ERROR_INSECURE, 0, 0,
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

  timeout_source = g_timeout_source_new_seconds (BROWSER_WAIT_SECONDS);
  g_source_set_callback (timeout_source, on_wait_timeout, &timed_out, NULL);
  g_source_attach (timeout_source, context);
  if (cancellable)
    {
      cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (cancel_source, G_SOURCE_FUNC (on_cancelled_source), NULL, NULL);
      g_source_attach (cancel_source, context);
    }
  while (!cb.done && !timed_out && !g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (context, TRUE);
  /* let the browser receive its page */
  for (int i = 0; i < 10 && g_main_context_pending (context); i++)
    g_main_context_iteration (context, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;
  if (!cb.done)
    {
      set_error (error, GPM_POD_ERROR_DENIED, 0, 0,
                 _("The sign-in in the browser was not finished in time. Please try again."));
      goto out;
    }
  if (cb.code == NULL)
    {
      set_error (error, GPM_POD_ERROR_DENIED, 0, 0,
                 _("The authorization was refused in the browser (%s)."), cb.error);
      goto out;
    }

  /* 4. code → tokens */
  {
    Request req = { "POST", g_strdup (token_endpoint), AUTH_NONE, NULL,
                    "application/x-www-form-urlencoded" };
    Reply reply = { 0 };

    req.body = form_body ("grant_type", "authorization_code",
                          "code", cb.code,
                          "redirect_uri", redirect_uri,
                          "client_id", client_id,
                          "client_secret", client_secret,
                          "code_verifier", verifier,
                          NULL);
    ok = send_once (self, &req, &reply, cancellable, error);
    request_clear (&req);
    if (!ok)
      goto out;
    g_mutex_lock (&self->lock);
    clear_account_locked (self);
    self->client_id = g_strdup (client_id);
    self->client_secret = g_strdup (client_secret);
    g_mutex_unlock (&self->lock);
    ok = check_status (&reply, error) && api_store_tokens (self, &reply, error);
    if (!ok && error && *error && (*error)->code == GPM_POD_ERROR_EXPIRED)
      {
        g_clear_error (error);
        set_error (error, GPM_POD_ERROR_DENIED, reply.status, 0,
                   _("The pod did not accept the authorization. Please try again."));
      }
    reply_clear (&reply);
    if (!ok)
      goto out;
  }

  g_mutex_lock (&self->lock);
  self->auth = GPM_POD_AUTH_API;
  g_mutex_unlock (&self->lock);
  ok = api_load_user (self, cancellable, error);
  if (!ok)
    {
      g_mutex_lock (&self->lock);
      self->auth = GPM_POD_AUTH_NONE;
      g_mutex_unlock (&self->lock);
    }

out:
  if (timeout_source)
    {
      g_source_destroy (timeout_source);
      g_source_unref (timeout_source);
    }
  if (cancel_source)
    {
      g_source_destroy (cancel_source);
      g_source_unref (cancel_source);
    }
  if (server)
    soup_server_disconnect (server);
  g_clear_object (&server);
  g_main_context_pop_thread_default (context);
  g_free (cb.state);
  g_free (cb.code);
  g_free (cb.error);
  if (verifier)
    explicit_bzero (verifier, strlen (verifier));
  if (client_secret)
    explicit_bzero (client_secret, strlen (client_secret));
  return ok;
}

gboolean
gpm_pod_sign_in_api (GpmPod            *self,
                     GpmPodOpenUriFunc  open_uri,
                     gpointer           open_uri_data,
                     GCancellable      *cancellable,
                     GError           **error)
{
  gboolean ok;

  g_return_val_if_fail (GPM_IS_POD (self), FALSE);
  g_return_val_if_fail (open_uri != NULL, FALSE);
  ok = api_sign_in (self, open_uri, open_uri_data, NULL, cancellable, error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
  if (ok)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_SECRET]);
  return ok;
}

char *
gpm_pod_dup_api_secret (GpmPod *self)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_mutex_lock (&self->lock);
  if (self->auth != GPM_POD_AUTH_API || self->refresh_token == NULL)
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
  json_builder_end_object (b);
  g_mutex_unlock (&self->lock);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
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
  gboolean ok;

  g_return_val_if_fail (GPM_IS_POD (self), FALSE);
  if (secret == NULL || !json_parser_load_from_data (parser, secret, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      set_expired (error, 0);
      return FALSE;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  endpoint = obj_string (o, "token_endpoint", NULL);
  client_id = obj_string (o, "client_id", NULL);
  refresh = obj_string (o, "refresh_token", NULL);
  if (endpoint == NULL || client_id == NULL || refresh == NULL)
    {
      set_expired (error, 0);
      return FALSE;
    }
  {
    g_autoptr(GUri) uri = g_uri_parse (endpoint, SOUP_HTTP_URI_FLAGS, NULL);
    if (uri == NULL || !uri_is_allowed (uri))
      {
        set_expired (error, 0);
        return FALSE;
      }
  }
  g_mutex_lock (&self->lock);
  clear_account_locked (self);
  g_free (self->token_endpoint);
  self->token_endpoint = g_strdup (endpoint);
  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (obj_string (o, "client_secret", NULL));
  self->refresh_token = g_strdup (refresh);
  self->auth = GPM_POD_AUTH_API;
  g_mutex_unlock (&self->lock);

  ok = api_refresh (self, cancellable, error) && api_load_user (self, cancellable, error);
  if (!ok)
    {
      g_mutex_lock (&self->lock);
      clear_account_locked (self);
      g_mutex_unlock (&self->lock);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
  return ok;
}

/* ------------------------------------------------------------------ aspects */

static GPtrArray *
aspects_from_array (JsonArray *arr)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_aspect_unref);

  for (guint i = 0; arr && i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      g_autofree char *id = NULL;
      const char *name;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      id = obj_id (json_node_get_object (n), "id");
      name = obj_string (json_node_get_object (n), "name", NULL);
      if (id && name)
        g_ptr_array_add (out, gpm_pod_aspect_new (g_ascii_strtoll (id, NULL, 10), name));
    }
  return out;
}

/* The rel="next" URL of a Link header, or NULL. */
static char *
link_next (const Reply *reply)
{
  const char *link = soup_message_headers_get_one (reply->headers, "Link");
  g_auto(GStrv) parts = NULL;

  if (link == NULL)
    return NULL;
  parts = g_strsplit (link, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      const char *lt = strchr (parts[i], '<');
      const char *gt = lt ? strchr (lt, '>') : NULL;

      if (gt && strstr (gt, "rel=\"next\""))
        return g_strndup (lt + 1, gt - lt - 1);
    }
  return NULL;
}

GPtrArray *
gpm_pod_list_aspects (GpmPod *self, GCancellable *cancellable, GError **error)
{
  GpmPodAuth auth;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  if (!require_auth (self, &auth, error))
    return NULL;

  if (auth == GPM_POD_AUTH_WEB)
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
          if (!renew_after_expired (self, generation, &renewed_by_me, cancellable, error)
              || !web_load_account_page (self, &user, cancellable, error))
            return NULL;
        }
      if (!json_object_has_member (user, "aspects")
          || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (user, "aspects")))
        {
          set_protocol (error, 200, _("no aspects"));
          return NULL;
        }
      return aspects_from_array (json_object_get_array_member (user, "aspects"));
    }
  else
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_aspect_unref);
      g_autofree char *url = pod_url (self, "/api/v1/aspects");

      for (int page = 0; url && page < MAX_PAGES; page++)
        {
          Request req = { "GET", g_steal_pointer (&url), AUTH_BEARER };
          Reply reply = { 0 };
          g_autoptr(JsonNode) node = NULL;
          g_autoptr(GPtrArray) some = NULL;
          gboolean ok;

          ok = send_authed (self, &req, &reply, cancellable, error);
          request_clear (&req);
          if (!ok)
            return NULL;
          node = reply_json (&reply);
          if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
            {
              if (reply.status == 403)
                set_rejected (error, &reply);
              else
                set_protocol (error, reply.status, _("no aspects"));
              reply_clear (&reply);
              return NULL;
            }
          some = aspects_from_array (json_node_get_array (node));
          if (some->len == 0)
            {
              reply_clear (&reply);
              break;
            }
          for (guint i = 0; i < some->len; i++)
            g_ptr_array_add (all, gpm_pod_aspect_ref (g_ptr_array_index (some, i)));
          url = link_next (&reply);
          reply_clear (&reply);
        }
      return g_steal_pointer (&all);
    }
}

/* ------------------------------------------------------------------- photos */

static gboolean
obj_bool (JsonObject *o, const char *name, gboolean fallback)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return fallback;
  n = json_object_get_member (o, name);
  if (!JSON_NODE_HOLDS_VALUE (n))
    return fallback;
  if (json_node_get_value_type (n) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (n);
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (n), "true") == 0;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return json_node_get_int (n) != 0;
  return fallback;
}

static void
set_photo_refused (GError **error, guint status, const char *filename, const char *why)
{
  set_error (error, GPM_POD_ERROR_REJECTED, status, 0,
             _("The pod refused the photo “%s”: %s"), filename, why);
}

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
  soup_multipart_append_form_file (mp, "qqfile", f->filename, f->content_type, f->data);
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
  Request req = { "POST", NULL, AUTH_COOKIE };
  Reply reply = { 0 };
  UploadForm form = { data, filename, content_type };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  char *id = NULL;
  GString *url;

  url = g_string_new (self->address);
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

  if (!send_authed (self, &req, &reply, cancellable, error))
    {
      request_clear (&req);
      return NULL;
    }
  request_clear (&req);

  if (reply.status == 413)
    {
      set_photo_refused (error, reply.status, filename, _("it is larger than the pod accepts"));
      reply_clear (&reply);
      return NULL;
    }
  node = reply_json (&reply);
  o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (reply.status >= 400 || o == NULL || !obj_bool (o, "success", TRUE))
    {
      g_autofree char *why = o && obj_string (o, "error", NULL) ? g_strdup (obj_string (o, "error", NULL))
                                                                : short_message_from_body (&reply);
      set_photo_refused (error, reply.status, filename, why);
      reply_clear (&reply);
      return NULL;
    }
  if (json_object_has_member (o, "data") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "data")))
    {
      JsonObject *d = json_object_get_object_member (o, "data");

      if (json_object_has_member (d, "photo") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (d, "photo")))
        d = json_object_get_object_member (d, "photo");
      id = obj_id (d, "id");
    }
  if (id == NULL)
    id = obj_id (o, "id");
  if (id == NULL)
    set_protocol (error, reply.status, _("no photo id"));
  reply_clear (&reply);
  return id;
}

char *
gpm_pod_upload_photo (GpmPod        *self,
                      GBytes        *data,
                      const char    *filename,
                      const char    *content_type,
                      GCancellable  *cancellable,
                      GError       **error)
{
  GpmPodAuth auth;
  Request req = { "POST", NULL, AUTH_BEARER };
  Reply reply = { 0 };
  g_autoptr(JsonNode) node = NULL;
  char *id = NULL;
  gboolean ok;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  if (!require_auth (self, &auth, error))
    return NULL;
  if (filename == NULL || *filename == '\0')
    filename = "photo.jpg";
  if (content_type == NULL)
    content_type = "application/octet-stream";

  if (auth == GPM_POD_AUTH_WEB)
    {
      g_autoptr(GError) first = NULL;

      id = web_upload_once (self, data, filename, content_type, FALSE, cancellable, &first);
      if (id != NULL)
        return id;
      /* a refusal of the form may be a pod that only takes the raw upload;
       * pending photos cost nothing, so try that once */
      if (!g_error_matches (first, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED)
          && !g_error_matches (first, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL))
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

  req.url = pod_url (self, "/api/v1/photos");
  req.multipart = soup_multipart_new ("multipart/form-data");
  soup_multipart_append_form_string (req.multipart, "pending", "true");
  soup_multipart_append_form_file (req.multipart, "image", filename, content_type, data);
  ok = send_authed (self, &req, &reply, cancellable, error);
  request_clear (&req);
  if (!ok)
    return NULL;
  if (reply.status >= 400)
    {
      g_autofree char *why = reply.status == 413 ? g_strdup (_("it is larger than the pod accepts"))
                                                 : short_message_from_body (&reply);
      set_photo_refused (error, reply.status, filename, why);
      reply_clear (&reply);
      return NULL;
    }
  node = reply_json (&reply);
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    id = g_strdup (obj_string (json_node_get_object (node), "guid", NULL));
  if (id == NULL)
    set_protocol (error, reply.status, _("no photo id"));
  reply_clear (&reply);
  return id;
}

/* -------------------------------------------------------------------- posts */

static GDateTime *
parse_time (JsonObject *o, const char *name)
{
  const char *s = obj_string (o, name, NULL);

  return s ? g_date_time_new_from_iso8601 (s, NULL) : NULL;
}

/* A post; its guid, or its id when the pod gave no guid. */
static GpmPodPost *
post_from_json (JsonObject *o)
{
  GpmPodPost *p;
  const char *guid = obj_string (o, "guid", NULL);
  g_autofree char *id = obj_id (o, "id");

  if (guid == NULL && id == NULL)
    return NULL;
  p = g_new0 (GpmPodPost, 1);
  p->ref_count = 1;
  p->id = g_steal_pointer (&id);
  p->guid = g_strdup (guid ? guid : p->id);
  p->text = g_strdup (obj_string (o, "text", "body"));
  p->is_public = obj_bool (o, "public", FALSE);
  p->created_at = parse_time (o, "created_at");
  return p;
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
  json_builder_add_string_value (b, d->provider_display_name ? d->provider_display_name : DEFAULT_PROVIDER);
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
          g_autofree char *coords = NULL;

          g_ascii_dtostr (lat, sizeof lat, d->latitude);
          g_ascii_dtostr (lng, sizeof lng, d->longitude);
          coords = g_strdup_printf ("%s,%s", lat, lng);
          json_builder_set_member_name (b, "location_coords");
          json_builder_add_string_value (b, coords);
        }
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static char *
draft_api_json (const GpmPodDraft *d)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

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
  if (d->location_address)
    {
      json_builder_set_member_name (b, "location");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "address");
      json_builder_add_string_value (b, d->location_address);
      if (d->has_coordinates)
        {
          json_builder_set_member_name (b, "lat");
          json_builder_add_double_value (b, d->latitude);
          json_builder_set_member_name (b, "lng");
          json_builder_add_double_value (b, d->longitude);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
set_too_long (GError **error, guint status, glong chars)
{
  set_error (error, GPM_POD_ERROR_TEXT_TOO_LONG, status, 0,
             _("The post has %ld characters; the pod accepts at most %'d. It was not posted."),
             chars, GPM_DIASPORA_MAX_TEXT_CHARS);
}

GpmPodPost *
gpm_pod_create_post (GpmPod             *self,
                     const GpmPodDraft  *draft,
                     GCancellable       *cancellable,
                     GError            **error)
{
  GpmPodAuth auth;
  Request req = { "POST", NULL, AUTH_NONE, NULL, "application/json" };
  Reply reply = { 0 };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  GpmPodPost *post;
  glong chars;
  gboolean ok;
  char *json;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (draft != NULL && draft->text != NULL, NULL);
  if (!require_auth (self, &auth, error))
    return NULL;

  chars = g_utf8_strlen (draft->text, -1);
  if (chars > GPM_DIASPORA_MAX_TEXT_CHARS)
    {
      set_too_long (error, 0, chars);
      return NULL;
    }
  if (!draft->is_public && (draft->aspect_ids == NULL || draft->aspect_ids->len == 0))
    {
      set_error (error, GPM_POD_ERROR_REJECTED, 0, 0,
                 _("A limited post needs at least one aspect; it was not posted."));
      return NULL;
    }

  if (auth == GPM_POD_AUTH_WEB)
    {
      /* the CSRF token goes in the X-CSRF-Token header (like diaspora's
       * front end), so a request repeated after renewing the session
       * carries the new one */
      json = draft_web_json (draft);
      req.url = pod_url (self, "/status_messages");
      req.auth = AUTH_COOKIE;
      req.web_xhr = TRUE;
    }
  else
    {
      json = draft_api_json (draft);
      req.url = pod_url (self, "/api/v1/posts");
      req.auth = AUTH_BEARER;
    }
  req.body = g_bytes_new_take (json, strlen (json));

  ok = send_authed (self, &req, &reply, cancellable, error);
  request_clear (&req);
  if (!ok)
    return NULL;

  if (reply.status >= 400)
    {
      set_rejected (error, &reply);
      reply_clear (&reply);
      return NULL;
    }
  node = reply_json (&reply);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_protocol (error, reply.status, _("no post in the answer"));
      reply_clear (&reply);
      return NULL;
    }
  o = json_node_get_object (node);
  /* diaspora renders an unsaved post (validation failed, e.g. over-long text)
   * with "id": null (web) or without created_at (API) */
  if ((json_object_has_member (o, "id") && json_node_is_null (json_object_get_member (o, "id")))
      || (obj_string (o, "guid", NULL) == NULL && !json_object_has_member (o, "id"))
      || (auth == GPM_POD_AUTH_API && !json_object_has_member (o, "created_at")
          && !json_object_has_member (o, "id")))
    {
      set_error (error, GPM_POD_ERROR_TEXT_TOO_LONG, reply.status, 0,
                 _("The pod did not store the post (diaspora* does this with posts it finds too "
                   "long; this one has %ld characters). It was not posted."), chars);
      reply_clear (&reply);
      return NULL;
    }
  post = post_from_json (o);
  if (post == NULL)
    {
      set_protocol (error, reply.status, _("no post in the answer"));
      reply_clear (&reply);
      return NULL;
    }
  if (post->text == NULL)
    post->text = g_strdup (draft->text);
  /* learn the account's guid from its first post when the pages had none */
  if (json_object_has_member (o, "author") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "author")))
    {
      const char *author = obj_string (json_object_get_object_member (o, "author"), "guid", NULL);

      g_mutex_lock (&self->lock);
      if (self->user_guid == NULL && author)
        self->user_guid = g_strdup (author);
      g_mutex_unlock (&self->lock);
    }
  reply_clear (&reply);
  return post;
}

static gboolean
post_is_by (JsonObject *o, const char *guid, const char *diaspora_id)
{
  JsonObject *author;
  const char *value;

  if (!json_object_has_member (o, "author") || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "author")))
    return FALSE;
  author = json_object_get_object_member (o, "author");
  if (guid && (value = obj_string (author, "guid", NULL)))
    return g_str_equal (value, guid);
  value = obj_string (author, "diaspora_id", "diasporaId");
  return value && diaspora_id && g_ascii_strcasecmp (value, diaspora_id) == 0;
}

GPtrArray *
gpm_pod_list_own_posts (GpmPod        *self,
                        guint          max_posts,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GpmPodAuth auth;
  g_autofree char *guid = NULL;
  g_autofree char *diaspora_id = NULL;
  g_autofree char *stream_path = NULL;  /* web: the stream to page through */
  gboolean filter = FALSE;              /* web: a stream with other people's posts too */
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_post_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *url = NULL;
  gint64 max_time = G_MAXINT64;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  if (!require_auth (self, &auth, error))
    return NULL;
  guid = gpm_pod_dup_user_guid (self);
  diaspora_id = gpm_pod_dup_diaspora_id (self);
  if (max_posts == 0)
    max_posts = 20;

  if (auth == GPM_POD_AUTH_API)
    {
      g_autofree char *path = NULL;

      if (guid == NULL)
        {
          set_error (error, GPM_POD_ERROR_NOT_SIGNED_IN, 0, 0, _("Sign in to the pod first."));
          return NULL;
        }
      path = g_strdup_printf ("/api/v1/users/%s/posts", guid);
      url = pod_url (self, path);
    }
  else
    {
      /* the person's own stream; without a guid, the main stream filtered */
      filter = guid == NULL;
      stream_path = guid ? g_strdup_printf ("/people/%s/stream.json", guid) : g_strdup ("/stream.json");
      url = pod_url (self, stream_path);
    }

  for (int page = 0; url && posts->len < max_posts && page < MAX_PAGES; page++)
    {
      Request req = { "GET", g_steal_pointer (&url), auth == GPM_POD_AUTH_WEB ? AUTH_COOKIE : AUTH_BEARER };
      Reply reply = { 0 };
      g_autoptr(JsonNode) node = NULL;
      JsonArray *arr;
      guint added = 0;
      gint64 oldest = G_MAXINT64;
      gboolean ok;

      req.web_xhr = auth == GPM_POD_AUTH_WEB;
      ok = send_authed (self, &req, &reply, cancellable, error);
      request_clear (&req);
      if (!ok)
        return NULL;
      if (auth == GPM_POD_AUTH_WEB && page == 0 && !filter && reply.status == 404)
        {
          /* no person stream: the main stream, filtered */
          reply_clear (&reply);
          filter = TRUE;
          g_free (stream_path);
          stream_path = g_strdup ("/stream.json");
          url = pod_url (self, stream_path);
          page--;
          continue;
        }
      node = reply_json (&reply);
      if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          set_protocol (error, reply.status, _("no list of posts"));
          reply_clear (&reply);
          return NULL;
        }
      arr = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (arr) && posts->len < max_posts; i++)
        {
          JsonNode *n = json_array_get_element (arr, i);
          GpmPodPost *p;

          if (!JSON_NODE_HOLDS_OBJECT (n) || (p = post_from_json (json_node_get_object (n))) == NULL)
            continue;
          if (p->created_at)
            oldest = MIN (oldest, g_date_time_to_unix (p->created_at));
          if (g_hash_table_contains (seen, p->guid)
              || (filter && !post_is_by (json_node_get_object (n), guid, diaspora_id)))
            {
              gpm_pod_post_unref (p);
              continue;
            }
          g_hash_table_add (seen, g_strdup (p->guid));
          g_ptr_array_add (posts, p);
          added++;
        }
      if (auth == GPM_POD_AUTH_API)
        url = added > 0 ? link_next (&reply) : NULL;
      else if (oldest != G_MAXINT64)
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
              url = pod_url (self, path);
              max_time = next;
            }
        }
      reply_clear (&reply);
    }
  return g_steal_pointer (&posts);
}

static char *
text_key (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p; p++)
    if (*p != '\r')
      g_string_append_c (s, *p);
  return g_strstrip (g_string_free (s, FALSE));
}

GpmPodPost *
gpm_pod_find_own_post (GpmPod        *self,
                       const char    *text,
                       guint          max_posts,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *want = NULL;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  posts = gpm_pod_list_own_posts (self, max_posts, cancellable, error);
  if (posts == NULL)
    return NULL;
  want = text_key (text);
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPodPost *p = g_ptr_array_index (posts, i);
      g_autofree char *have = text_key (p->text);

      if (g_str_equal (have, want))
        return gpm_pod_post_ref (p);
    }
  return NULL;
}

/* -------------------------------------------------------------------- async */

typedef enum {
  OP_DISCOVER,
  OP_SIGN_IN_PASSWORD,
  OP_SIGN_IN_API,
  OP_SIGN_IN_API_SECRET,
  OP_LIST_ASPECTS,
  OP_UPLOAD_PHOTO,
  OP_CREATE_POST,
  OP_LIST_OWN_POSTS,
  OP_FIND_OWN_POST,
} Op;

typedef struct {
  Op                 op;
  char              *s1, *s2, *s3;  /* inputs (secrets wiped on free) */
  GBytes            *bytes;
  GpmPodDraft       *draft;
  guint              number;
  GpmPodOpenUriFunc  open_uri;
  gpointer           open_uri_data;
} TaskData;

static void
task_data_free (gpointer p)
{
  TaskData *d = p;

  secret_free (d->s1);
  secret_free (d->s2);
  secret_free (d->s3);
  g_clear_pointer (&d->bytes, g_bytes_unref);
  g_clear_pointer (&d->draft, gpm_pod_draft_free);
  g_free (d);
}

static void
task_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GpmPod *self = source;
  TaskData *d = task_data;
  GError *error = NULL;
  gpointer result = NULL;
  GDestroyNotify free_func = NULL;
  gboolean boolean_result = FALSE;
  gboolean is_boolean = FALSE;

  switch (d->op)
    {
    case OP_DISCOVER:
      result = gpm_pod_discover (self, cancellable, &error);
      free_func = (GDestroyNotify) gpm_pod_info_unref;
      break;
    case OP_SIGN_IN_PASSWORD:
      is_boolean = TRUE;
      boolean_result = gpm_pod_sign_in_password (self, d->s1, d->s2, d->s3, cancellable, &error);
      break;
    case OP_SIGN_IN_API:
      is_boolean = TRUE;
      boolean_result = api_sign_in (self, d->open_uri, d->open_uri_data, g_task_get_context (task),
                                    cancellable, &error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
      if (boolean_result)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_SECRET]);
      break;
    case OP_SIGN_IN_API_SECRET:
      is_boolean = TRUE;
      boolean_result = gpm_pod_sign_in_api_secret (self, d->s1, cancellable, &error);
      break;
    case OP_LIST_ASPECTS:
      result = gpm_pod_list_aspects (self, cancellable, &error);
      free_func = (GDestroyNotify) g_ptr_array_unref;
      break;
    case OP_UPLOAD_PHOTO:
      result = gpm_pod_upload_photo (self, d->bytes, d->s1, d->s2, cancellable, &error);
      free_func = g_free;
      break;
    case OP_CREATE_POST:
      result = gpm_pod_create_post (self, d->draft, cancellable, &error);
      free_func = (GDestroyNotify) gpm_pod_post_unref;
      break;
    case OP_LIST_OWN_POSTS:
      result = gpm_pod_list_own_posts (self, d->number, cancellable, &error);
      free_func = (GDestroyNotify) g_ptr_array_unref;
      break;
    case OP_FIND_OWN_POST:
      result = gpm_pod_find_own_post (self, d->s1, d->number, cancellable, &error);
      free_func = (GDestroyNotify) gpm_pod_post_unref;
      if (result == NULL && error == NULL)
        {
          /* "not found" is a successful answer */
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      break;
    default:
      g_assert_not_reached ();
    }

  if (error)
    g_task_return_error (task, error);
  else if (is_boolean)
    g_task_return_boolean (task, boolean_result);
  else
    g_task_return_pointer (task, result, free_func);
}

static void
run_async (GpmPod              *self,
           TaskData            *data,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, task_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, task_thread);
}

static TaskData *
task_data_new (Op op)
{
  TaskData *d = g_new0 (TaskData, 1);
  d->op = op;
  return d;
}

#define CHECK_FINISH(self, result, tag, fail) \
  G_STMT_START { \
    g_return_val_if_fail (GPM_IS_POD (self), fail); \
    g_return_val_if_fail (g_task_is_valid (result, self), fail); \
    g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == (tag), fail); \
  } G_STMT_END

void
gpm_pod_discover_async (GpmPod *self, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (GPM_IS_POD (self));
  run_async (self, task_data_new (OP_DISCOVER), gpm_pod_discover_async, cancellable, callback, user_data);
}

GpmPodInfo *
gpm_pod_discover_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_discover_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_sign_in_password_async (GpmPod *self, const char *username, const char *password,
                                const char *otp_code, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  d = task_data_new (OP_SIGN_IN_PASSWORD);
  d->s1 = g_strdup (username);
  d->s2 = g_strdup (password);
  d->s3 = g_strdup (otp_code);
  run_async (self, d, gpm_pod_sign_in_password_async, cancellable, callback, user_data);
}

gboolean
gpm_pod_sign_in_password_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_sign_in_password_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_pod_sign_in_api_async (GpmPod *self, GpmPodOpenUriFunc open_uri, gpointer open_uri_data,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (open_uri != NULL);
  d = task_data_new (OP_SIGN_IN_API);
  d->open_uri = open_uri;
  d->open_uri_data = open_uri_data;
  run_async (self, d, gpm_pod_sign_in_api_async, cancellable, callback, user_data);
}

gboolean
gpm_pod_sign_in_api_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_sign_in_api_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_pod_sign_in_api_secret_async (GpmPod *self, const char *secret, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  d = task_data_new (OP_SIGN_IN_API_SECRET);
  d->s1 = g_strdup (secret);
  run_async (self, d, gpm_pod_sign_in_api_secret_async, cancellable, callback, user_data);
}

gboolean
gpm_pod_sign_in_api_secret_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_sign_in_api_secret_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_pod_list_aspects_async (GpmPod *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (GPM_IS_POD (self));
  run_async (self, task_data_new (OP_LIST_ASPECTS), gpm_pod_list_aspects_async, cancellable,
             callback, user_data);
}

GPtrArray *
gpm_pod_list_aspects_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_list_aspects_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_upload_photo_async (GpmPod *self, GBytes *data, const char *filename,
                            const char *content_type, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (data != NULL);
  d = task_data_new (OP_UPLOAD_PHOTO);
  d->bytes = g_bytes_ref (data);
  d->s1 = g_strdup (filename);
  d->s2 = g_strdup (content_type);
  run_async (self, d, gpm_pod_upload_photo_async, cancellable, callback, user_data);
}

char *
gpm_pod_upload_photo_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_upload_photo_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_create_post_async (GpmPod *self, const GpmPodDraft *draft, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (draft != NULL);
  d = task_data_new (OP_CREATE_POST);
  d->draft = gpm_pod_draft_copy (draft);
  run_async (self, d, gpm_pod_create_post_async, cancellable, callback, user_data);
}

GpmPodPost *
gpm_pod_create_post_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_create_post_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_list_own_posts_async (GpmPod *self, guint max_posts, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  d = task_data_new (OP_LIST_OWN_POSTS);
  d->number = max_posts;
  run_async (self, d, gpm_pod_list_own_posts_async, cancellable, callback, user_data);
}

GPtrArray *
gpm_pod_list_own_posts_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_list_own_posts_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_find_own_post_async (GpmPod *self, const char *text, guint max_posts,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (text != NULL);
  d = task_data_new (OP_FIND_OWN_POST);
  d->s1 = g_strdup (text);
  d->number = max_posts;
  run_async (self, d, gpm_pod_find_own_post_async, cancellable, callback, user_data);
}

GpmPodPost *
gpm_pod_find_own_post_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_find_own_post_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
