/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod.c: a diaspora* pod client on libsoup3.
 *
 * Every operation is written once, blocking (soup_session_send, bounded in
 * time and size: send_bounded()),
 * and is safe to call from any thread (libsoup >= 3.2). The _async variants
 * run the blocking code in a GTask thread. Mutable account state (cookies,
 * CSRF token, tokens) lives behind self->lock; cookies are kept in a
 * SoupCookieJar that is NOT attached to the session, so every access to it
 * goes through that lock. No request follows redirects by itself: a
 * redirect to the sign-in page means the session has ended.
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-core-enums.h"
#include "gpm-pod.h"
#include "gpm-util.h"

#define DEFAULT_PROVIDER "G+ repost"
#define API_SCOPES "openid profile public:read public:modify private:read private:modify contacts:read"
#define BROWSER_WAIT_SECONDS (15 * 60)
/* How often a pod may send the client to another address during discovery
 * or sign-in (apex → www → https …). */
#define MAX_MOVES 5
/* Time and size bounds of every request (see send_bounded()). */
#define CONNECT_TIMEOUT 30
#define IO_TIMEOUT 60
#define REQUEST_TIMEOUT (15 * 60)
/* Answers larger than this are refused (a stream page of 15 posts of
 * 65,535 characters, escaped, is far below; sign-in pages are small). */
#define MAX_ANSWER_BYTES ((gsize) 16 * 1024 * 1024)
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

static void set_protocol (GError **error, guint status, const char *what);
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

  char         *address;   /* "https://host[:port]"; replaced (atomically) only when the pod
                            * turns out to have moved: read it with pod_address() */
  GPtrArray    *old_addresses; /* replaced ones, kept alive for gpm_pod_get_address() callers */
  SoupSession  *session;

  gint          connect_timeout; /* seconds, atomic */
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
  g_ptr_array_unref (self->old_addresses);
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
      g_value_set_string (value, gpm_pod_get_address (self));
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
  self->old_addresses = g_ptr_array_new_with_free_func (g_free);
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
  self->connect_timeout = CONNECT_TIMEOUT;
  self->session = soup_session_new_with_options ("timeout", IO_TIMEOUT,
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
  return g_atomic_pointer_get (&self->address);
}

void
gpm_pod_set_timeout (GpmPod *self, guint seconds)
{
  g_return_if_fail (GPM_IS_POD (self));
  soup_session_set_timeout (self->session, seconds);
}

void
gpm_pod_set_connect_timeout (GpmPod *self, guint seconds)
{
  g_return_if_fail (GPM_IS_POD (self));
  g_atomic_int_set (&self->connect_timeout, (gint) seconds);
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
  return g_strconcat (gpm_pod_get_address (self), path, NULL);
}

/* ------------------------------------------------------------ time bounds
 *
 * libsoup bounds each socket read or write ("timeout", also the TCP connect)
 * but not name resolution, and not a request as a whole: a host whose DNS
 * does not answer, or a server that drips one byte a minute, would hold a
 * request for many minutes. So each request also has a deadline to get
 * connected (CONNECT_TIMEOUT: resolving, TCP, TLS) and one for all of it
 * (REQUEST_TIMEOUT), enforced by cancelling it from one watchdog thread. */



static gpointer
watchdog_thread (gpointer loop)
{
  g_main_loop_run (loop);
  return NULL;
}

static GMainContext *
watchdog_context (void)
{
  static GMainContext *context;

  if (g_once_init_enter (&context))
    {
      GMainContext *c = g_main_context_new ();
      GMainLoop *loop = g_main_loop_new (c, FALSE);

      /* lives as long as the process; sleeps in poll() between deadlines */
      g_thread_unref (g_thread_new ("gpm-pod-watchdog", watchdog_thread, loop));
      g_once_init_leave (&context, c);
    }
  return context;
}

typedef struct {
  GCancellable *cancellable;  /* what the request runs with */
  gint          fired;        /* which deadline cancelled it: 0 none, 1 connect, 2 request */
  GSource      *connect_timer;
  GSource      *request_timer;
  guint         connect_seconds;
  gboolean      wrote_body;
} Deadlines;

static gboolean
on_connect_deadline (gpointer data)
{
  Deadlines *d = data;

  g_atomic_int_compare_and_exchange (&d->fired, 0, 1);
  g_cancellable_cancel (d->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
on_request_deadline (gpointer data)
{
  Deadlines *d = data;

  g_atomic_int_compare_and_exchange (&d->fired, 0, 2);
  g_cancellable_cancel (d->cancellable);
  return G_SOURCE_REMOVE;
}

static GSource *
deadline_start (guint seconds, GSourceFunc func, Deadlines *d)
{
  GSource *source = g_timeout_source_new_seconds (seconds);

  g_source_set_callback (source, func, d, NULL);
  g_source_attach (source, watchdog_context ());
  return source;
}

static void
deadline_stop (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_source_unref (*source);
      *source = NULL;
    }
}

/* Connected: a new connection is ready (TLS done), or the request went out
 * on one kept from before. */
static void
on_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *connection, gpointer data)
{
  if (event == G_SOCKET_CLIENT_COMPLETE)
    deadline_stop (&((Deadlines *) data)->connect_timer);
}

static void
on_wrote_headers (SoupMessage *msg, gpointer data)
{
  deadline_stop (&((Deadlines *) data)->connect_timer);
}

static void
on_wrote_body (SoupMessage *msg, gpointer data)
{
  ((Deadlines *) data)->wrote_body = TRUE;
}

static void
on_caller_cancelled (GCancellable *caller, gpointer data)
{
  g_cancellable_cancel (data);
}

/* soup_session_send() and the body read in full, within the deadlines and
 * at most MAX_ANSWER_BYTES. *@timed_out: a deadline ended it (not the
 * caller's @cancellable); *@too_large: the answer was over the limit. */
static GBytes *
send_bounded (GpmPod        *self,
              SoupMessage   *msg,
              Deadlines     *d,
              GCancellable  *cancellable,
              gboolean      *too_large,
              GError       **error)
{
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GByteArray) buf = NULL;
  gulong caller_handler = 0;
  GBytes *out = NULL;
  goffset length;

  d->cancellable = g_cancellable_new ();
  if (cancellable)
    caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                            g_object_ref (d->cancellable), g_object_unref);
  if (d->connect_seconds > 0)
    d->connect_timer = deadline_start (d->connect_seconds, on_connect_deadline, d);
  d->request_timer = deadline_start (REQUEST_TIMEOUT, on_request_deadline, d);
  g_signal_connect (msg, "network-event", G_CALLBACK (on_network_event), d);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), d);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (on_wrote_body), d);

  in = soup_session_send (self->session, msg, d->cancellable, error);
  if (in == NULL)
    goto out;
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  if (soup_message_headers_get_encoding (soup_message_get_response_headers (msg)) == SOUP_ENCODING_CONTENT_LENGTH
      && length > (goffset) MAX_ANSWER_BYTES)
    {
      *too_large = TRUE;
      goto out;
    }
  buf = g_byte_array_new ();
  for (;;)
    {
      guint8 chunk[16384];
      gssize n = g_input_stream_read (in, chunk, sizeof chunk, d->cancellable, error);

      if (n < 0)
        goto out;
      if (n == 0)
        break;
      if (buf->len + (gsize) n > MAX_ANSWER_BYTES)
        {
          *too_large = TRUE;
          goto out;
        }
      g_byte_array_append (buf, chunk, (guint) n);
    }
  g_input_stream_close (in, NULL, NULL);
  out = g_byte_array_free_to_bytes (g_steal_pointer (&buf));

out:
  if (in && out == NULL)
    /* drop the rest of a refused or broken answer with its connection */
    g_input_stream_close (in, NULL, NULL);
  deadline_stop (&d->connect_timer);
  deadline_stop (&d->request_timer);
  g_signal_handlers_disconnect_by_data (msg, d);
  if (caller_handler)
    g_cancellable_disconnect (cancellable, caller_handler);
  g_clear_object (&d->cancellable);
  return out;
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
  Deadlines deadlines = { 0 };
  gboolean too_large = FALSE;
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

  deadlines.connect_seconds = g_atomic_int_get (&self->connect_timeout);
  body = send_bounded (self, msg, &deadlines, cancellable, &too_large, &local);
  wrote_body = deadlines.wrote_body;
  if (too_large)
    {
      g_debug ("%s %s: answer over %" G_GSIZE_FORMAT " bytes", req->method, g_uri_get_path (uri),
               MAX_ANSWER_BYTES);
      g_clear_error (&local);
      /* a request that changes something was carried out all the same */
      if (g_str_equal (req->method, "GET"))
        set_protocol (error, soup_message_get_status (msg), _("the answer is far too large"));
      else
        set_error (error, GPM_POD_ERROR_NO_ANSWER, soup_message_get_status (msg), 0,
                   _("The pod %s gave an answer GPlus Migrate cannot read. The last step may or may "
                     "not have been done; it will be checked before trying again."), g_uri_get_host (uri));
      return FALSE;
    }

  if (local != NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_cancellable_is_cancelled (cancellable) && g_atomic_int_get (&deadlines.fired) != 0)
        {
          /* a deadline, not the caller: like libsoup's own timeouts below */
          g_clear_error (&local);
          g_set_error (&local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s",
                       g_atomic_int_get (&deadlines.fired) == 1 ? "could not connect in time"
                                                                  : "the request took too long");
        }
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

/* When @reply (to an anonymous GET of @url) sends the client to another
 * origin (apex → www, http → https, another port), the address of that
 * origin, normalised; NULL when it is no move. INSECURE when the new origin
 * would be plain http to a host that is not loopback. */
static char *
moved_address (const char *url, const Reply *reply, GError **error)
{
  const char *location;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) to = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *from = NULL;

  if (reply->status != 301 && reply->status != 302 && reply->status != 303
      && reply->status != 307 && reply->status != 308)
    return NULL;
  location = soup_message_headers_get_one (reply->headers, "Location");
  base = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (location == NULL || base == NULL)
    return NULL;
  to = g_uri_parse_relative (base, location, SOUP_HTTP_URI_FLAGS, NULL);
  if (to == NULL || g_uri_get_host (to) == NULL)
    return NULL;
  origin = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (to), NULL, g_uri_get_host (to),
                       g_uri_get_port (to), "", NULL, NULL);
  from = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (base), NULL, g_uri_get_host (base),
                     g_uri_get_port (base), "", NULL, NULL);
  normal = gpm_pod_normalize_address (origin, error);
  if (normal == NULL)
    return NULL;
  {
    g_autofree char *normal_from = gpm_pod_normalize_address (from, NULL);

    if (g_strcmp0 (normal, normal_from) == 0)
      return NULL;
  }
  return g_steal_pointer (&normal);
}

/* An anonymous GET of @path on the pod that follows the pod's moves: an
 * answer that sends it to another origin (a pod reached at its apex that
 * lives at www., http that goes to https) makes that origin the pod's
 * address from then on (gpm_pod_get_address()), and the request is made
 * again there. Other answers, redirects within the pod too, are returned. */
static gboolean
get_following_moves (GpmPod        *self,
                     const char    *path,
                     const char    *accept,
                     Reply         *reply,
                     GCancellable  *cancellable,
                     GError       **error)
{
  for (guint hop = 0;; hop++)
    {
      Request req = { "GET", pod_url (self, path), AUTH_NONE, accept };
      g_autofree char *moved = NULL;
      g_autoptr(GError) local = NULL;
      gboolean ok;

      ok = send_once (self, &req, reply, cancellable, error);
      if (ok && hop < MAX_MOVES)
        moved = moved_address (req.url, reply, &local);
      request_clear (&req);
      if (!ok)
        return FALSE;
      if (local != NULL)
        {
          reply_clear (reply);
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (moved == NULL)
        return TRUE;
      g_debug ("%s moved to %s", gpm_pod_get_address (self), moved);
      reply_clear (reply);
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->old_addresses, g_atomic_pointer_get (&self->address));
      g_atomic_pointer_set (&self->address, g_steal_pointer (&moved));
      g_mutex_unlock (&self->lock);
    }
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

/* ---------------------------------------------------------------- multipart */

char *
gpm_pod_upload_file_name (const char *filename)
{
  const char *base = filename ? filename : "";
  g_autofree char *ascii = NULL;
  g_autofree char *ext = NULL;
  GString *out = g_string_new (NULL);
  char *dot;

  for (const char *p = base; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  /* "Été à Paris(1).jpg" → "Ete a Paris(1).jpg" */
  ascii = g_str_to_ascii (base, "C");
  dot = strrchr (ascii, '.');
  if (dot && dot != ascii && dot[1] != '\0' && strlen (dot + 1) <= 8)
    {
      gboolean alnum = TRUE;

      for (const char *p = dot + 1; *p; p++)
        alnum = alnum && g_ascii_isalnum (*p);
      if (alnum)
        {
          ext = g_ascii_strdown (dot + 1, -1);
          *dot = '\0';
        }
    }
  for (const char *p = ascii; *p && out->len < 100; p++)
    {
      char c = g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '_';

      if (c == '_' && (out->len == 0 || out->str[out->len - 1] == '_'))
        continue;
      g_string_append_c (out, c);
    }
  while (out->len > 0 && (out->str[out->len - 1] == '_' || out->str[out->len - 1] == '.'))
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "photo");
  if (ext)
    g_string_append_printf (out, ".%s", ext);
  return g_string_free (out, FALSE);
}

/* A file part whose Content-Disposition every rack parses. libsoup writes
 * only filename*=UTF-8''… for a name that is not ASCII, leaving "(", ")"
 * and "'" unescaped; rack 2.2 (what diaspora pins) then does not see a file
 * at all (Rack::Multipart::Parser#get_filename: the RFC 2183 form must match
 * whole, and filename*= may hold only RFC 2231 attribute characters) and
 * the pod answers 500 (web) or 422 (API). A plain quoted ASCII name of
 * letters, digits, "-", "_" and "." is read the same by every parser; the
 * pod renames stored photos anyway. */
static void
multipart_append_file (SoupMultipart *mp,
                       const char    *name,
                       const char    *filename,
                       const char    *content_type,
                       GBytes        *data)
{
  g_autoptr(SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autofree char *safe = gpm_pod_upload_file_name (filename);
  g_autofree char *disposition = g_strdup_printf ("form-data; name=\"%s\"; filename=\"%s\"", name, safe);

  soup_message_headers_replace (h, "Content-Disposition", disposition);
  soup_message_headers_replace (h, "Content-Type", content_type ? content_type : "application/octet-stream");
  soup_multipart_append_part (mp, h, data);
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
             _("%s does not look like a diaspora* pod."), gpm_pod_get_address (self));
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

  if (!get_following_moves (self, "/users/sign_in", "text/html", &reply, cancellable, error))
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
                 _("%s does not look like a diaspora* pod: it has no sign-in page."), gpm_pod_get_address (self));
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
    ok = web_sign_in (self, name, password, otp_code, cancellable, error);
  }
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
      g_auto(GStrv) wanted = g_strsplit (API_SCOPES, " ", -1);

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
  Request req = { "GET", pod_url (self, "/api/v1/user"), AUTH_NONE };
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
  *out = reply.status == 401 || reply.status == 403 ? API_YES : API_NO;
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

  {
    Reply reply = { 0 };

    if (!get_following_moves (self, "/.well-known/nodeinfo", NULL, &reply, cancellable, error))
      return NULL;
    if (!check_status (&reply, error))
      {
        reply_clear (&reply);
        return NULL;
      }
    status = reply.status;
    jrd = reply.status == 200 ? reply_json (&reply) : NULL;
    reply_clear (&reply);
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
                     gpm_pod_get_address (self), info->software_name ? info->software_name : _("other software"));
          return NULL;
        }
    }
  else
    {
      /* no nodeinfo: a diaspora* sign-in page (and the X-Diaspora-Version
       * header every diaspora* page carries) will do */
      Reply reply = { 0 };
      gboolean looks_like;

      if (!get_following_moves (self, "/users/sign_in", "text/html", &reply, cancellable, error))
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
                     _("%s does not look like a diaspora* pod."), gpm_pod_get_address (self));
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
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->registration_endpoint, g_free);
  g_clear_pointer (&self->authorization_endpoint, g_free);
  g_clear_pointer (&self->token_endpoint, g_free);
  g_mutex_unlock (&self->lock);
  if (oidc && JSON_NODE_HOLDS_OBJECT (oidc))
    {
      JsonObject *c = json_node_get_object (oidc);
      const char *reg = obj_string (c, "registration_endpoint", NULL);
      const char *authz = obj_string (c, "authorization_endpoint", NULL);
      const char *tok = obj_string (c, "token_endpoint", NULL);

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

/* @bytes from the kernel's cryptographic generator (getrandom(2)), base64url.
 * GRand (a Mersenne Twister) is predictable from its output and is no
 * source for OAuth state, nonce or PKCE verifier. getrandom() only fails
 * when interrupted or before the pool is ready at early boot; it blocks
 * then, and is asked again. */
static char *
random_token (gsize bytes)
{
  g_autofree guchar *buf = g_malloc (bytes);
  gsize got = 0;
  char *out;

  while (got < bytes)
    {
      ssize_t n = getrandom (buf + got, bytes - got, 0);

      if (n > 0)
        got += (gsize) n;
      else if (n < 0 && errno != EINTR)
        g_error ("getrandom: %s", g_strerror (errno));
    }
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

/* Token endpoint answer → stored tokens. *@refresh_changed: the answer
 * carried a refresh token other than the one kept (a provider that rotates
 * them; diaspora does not: handle_refresh_flow in
 * lib/api/openid_connect/token_endpoint.rb only makes a new access token). */
static gboolean
api_store_tokens (GpmPod *self, const Reply *reply, gboolean *refresh_changed, GError **error)
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
  if (refresh && g_strcmp0 (refresh, self->refresh_token) != 0)
    {
      g_clear_pointer (&self->refresh_token, secret_free);
      self->refresh_token = g_strdup (refresh);
      if (refresh_changed)
        *refresh_changed = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
api_refresh (GpmPod *self, GCancellable *cancellable, GError **error)
{
  Request req = { "POST", NULL, AUTH_NONE, NULL, "application/x-www-form-urlencoded" };
  Reply reply = { 0 };
  gboolean rotated = FALSE;
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
  ok = check_status (&reply, error) && api_store_tokens (self, &reply, &rotated, error);
  reply_clear (&reply);
  /* the old refresh token may no longer work: whoever keeps the secret
   * must store the new one (gpm_secrets_follow_api_session()) */
  if (ok && rotated)
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
  have = self->registration_endpoint && self->authorization_endpoint && self->token_endpoint;
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
        {
          g_autofree char *suffix = random_token (3);
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
  if (cb.code == NULL && g_strcmp0 (cb.error, "invalid_scope") == 0)
    {
      /* a pod that has OpenID Connect but not the API scopes (0.7, or a
       * development snapshot that discovery could not tell apart) */
      set_error (error, GPM_POD_ERROR_NO_API, 0, 0,
                 _("This pod does not offer sign-in for apps. Sign in with your user name and "
                   "password instead."));
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
    ok = check_status (&reply, error) && api_store_tokens (self, &reply, NULL, error);
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
  gboolean rotated;
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
  if (ok)
    {
      /* the refresh above may have rotated the refresh token before the
       * account was known: say so again now that it is */
      g_mutex_lock (&self->lock);
      rotated = g_strcmp0 (self->refresh_token, refresh) != 0;
      g_mutex_unlock (&self->lock);
      if (rotated)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_SECRET]);
    }
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
  multipart_append_file (mp, "qqfile", f->filename, f->content_type, f->data);
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

  req.url = pod_url (self, "/api/v1/photos");
  req.multipart = soup_multipart_new ("multipart/form-data");
  soup_multipart_append_form_string (req.multipart, "pending", "true");
  multipart_append_file (req.multipart, "image", filename, content_type, data);
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
  /* post_presenter.rb build_photos_json: one object per attached photo */
  p->n_photos = json_object_has_member (o, "photos") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "photos"))
    ? (gint) json_array_get_length (json_object_get_array_member (o, "photos")) : -1;
  return p;
}

/* A latitude or longitude as sent to the pod: fixed precision (6 decimals,
 * about 10 cm), never the binary noise of %.17g ("51.789200000000001"). */
static const char *
format_coordinate (char   buf[G_ASCII_DTOSTR_BUF_SIZE],
                   double value)
{
  return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.6f", value);
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
          g_autofree char *coords = g_strdup_printf ("%s,%s", format_coordinate (lat, d->latitude),
                                                     format_coordinate (lng, d->longitude));

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

          g_string_append_printf (out, ",\"lat\":%s,\"lng\":%s", format_coordinate (lat, d->latitude),
                                  format_coordinate (lng, d->longitude));
        }
      g_string_append (out, "}}");
      g_free (json);
      json = g_string_free (g_steal_pointer (&out), FALSE);
    }
  return json;
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
  /* "{}" (or an object naming no post at all) is no diaspora answer: from a
   * proxy or a cache, the post may well have been saved */
  if (!json_object_has_member (o, "id") && !json_object_has_member (o, "guid")
      && !json_object_has_member (o, "created_at"))
    {
      set_protocol (error, reply.status, _("an empty answer"));
      reply_clear (&reply);
      return NULL;
    }
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

gboolean
gpm_pod_delete_post (GpmPod        *self,
                     const char    *guid,
                     GCancellable  *cancellable,
                     GError       **error)
{
  GpmPodAuth auth;
  Request req = { "DELETE", NULL, AUTH_NONE };
  Reply reply = { 0 };
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  gboolean ok;

  g_return_val_if_fail (GPM_IS_POD (self), FALSE);
  g_return_val_if_fail (guid != NULL && *guid != '\0', FALSE);
  if (!require_auth (self, &auth, error))
    return FALSE;
  escaped = g_uri_escape_string (guid, NULL, FALSE);
  if (auth == GPM_POD_AUTH_WEB)
    {
      /* posts_controller.rb#destroy: 204 for JSON; CSRF token in the header */
      path = g_strconcat ("/posts/", escaped, NULL);
      req.auth = AUTH_COOKIE;
      req.web_xhr = TRUE;
    }
  else
    {
      path = g_strconcat ("/api/v1/posts/", escaped, NULL);
      req.auth = AUTH_BEARER;
    }
  req.url = pod_url (self, path);
  ok = send_authed (self, &req, &reply, cancellable, error);
  request_clear (&req);
  if (!ok)
    return FALSE;
  /* 404: already gone (deleted by an earlier try whose answer was lost) */
  if (reply.status >= 400 && reply.status != 404)
    {
      set_rejected (error, &reply);
      ok = FALSE;
    }
  reply_clear (&reply);
  return ok;
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

/* The account's posts, newest first, until @max_posts of them or until one
 * older than @since (Unix seconds; G_MININT64: no limit). */
static GPtrArray *
list_own_posts (GpmPod        *self,
                guint          max_posts,
                gint64         since,
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
      if (oldest != G_MAXINT64 && oldest < since)
        url = NULL;   /* back as far as asked */
      else if (auth == GPM_POD_AUTH_API)
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

GPtrArray *
gpm_pod_list_own_posts (GpmPod        *self,
                        guint          max_posts,
                        GCancellable  *cancellable,
                        GError       **error)
{
  return list_own_posts (self, max_posts > 0 ? max_posts : 20, G_MININT64, cancellable, error);
}

/* A Markdown image URL as it was before the pod's camo proxy rewrote it
 * (lib/diaspora/camo.rb: ROOT/HMAC/hex of the URL) and without percent
 * encoding (camo re-encodes it: Addressable::URI.encode(unencode(url))). */
static gboolean
canonical_image_url (const GMatchInfo *info, GString *out, gpointer user_data)
{
  static GRegex *camo;
  guint group = GPOINTER_TO_UINT (user_data);
  g_autofree char *all = g_match_info_fetch (info, 0);
  g_autofree char *url = g_match_info_fetch (info, group);
  g_autoptr(GMatchInfo) camo_info = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *unescaped = NULL;
  int start = 0, end = 0;

  if (g_once_init_enter (&camo))
    g_once_init_leave (&camo, g_regex_new ("/[0-9a-f]{40}/((?:[0-9a-f]{2})+)$", G_REGEX_OPTIMIZE, 0, NULL));
  if (g_regex_match (camo, url, 0, &camo_info))
    {
      g_autofree char *hex = g_match_info_fetch (camo_info, 1);
      GString *decoded = g_string_new (NULL);

      for (const char *h = hex; h[0] && h[1]; h += 2)
        g_string_append_c (decoded, (char) (g_ascii_xdigit_value (h[0]) * 16 + g_ascii_xdigit_value (h[1])));
      if (g_utf8_validate (decoded->str, decoded->len, NULL) && strlen (decoded->str) == decoded->len &&
          (g_str_has_prefix (decoded->str, "http") || g_str_has_prefix (decoded->str, "//")))
        plain = g_string_free (decoded, FALSE);
      else
        g_string_free (decoded, TRUE);
    }
  if (plain == NULL)
    plain = g_strdup (url);
  unescaped = g_uri_unescape_string (plain, NULL);
  if (!g_match_info_fetch_pos (info, group, &start, &end) || start < 0)
    {
      g_string_append (out, all);
      return FALSE;
    }
  {
    int all_start = 0;

    g_match_info_fetch_pos (info, 0, &all_start, NULL);
    g_string_append_len (out, all, start - all_start);
    g_string_append (out, unescaped != NULL ? unescaped : plain);
    g_string_append (out, all + (end - all_start));
  }
  return FALSE;
}

/* A post's text as compared by "did it get created?": what diaspora's
 * plain_text_for_json changes undone on both sides (lib/diaspora/
 * message_renderer.rb: normalize turns RTL-wrapped hashtags into plain
 * ones; camo_urls, same patterns as lib/diaspora/camo.rb), without \r and
 * surrounding whitespace. */
static char *
text_key (const char *text)
{
  static GRegex *rtl, *image, *src;
  GString *s = g_string_new (NULL);
  g_autofree char *stripped = NULL;
  g_autofree char *plain_tags = NULL;
  g_autofree char *images = NULL;
  char *result;

  if (g_once_init_enter (&rtl))
    {
      image = g_regex_new ("(!\\[(.*?)\\]\\s?\\([ \\t]*()<?(\\S+?)>?[ \\t]*((['\"])(.*?)\\6[ \\t]*)?\\))",
                           G_REGEX_DOTALL | G_REGEX_OPTIMIZE, 0, NULL);
      src = g_regex_new ("src=(['\"])(.+?)\\1", G_REGEX_DOTALL | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&rtl, g_regex_new ("[\\x{202a}\\x{202b}]#[\\x{200e}\\x{200f}\\x{202d}\\x{202e}](\\S+)\\x{202c}",
                                                    G_REGEX_OPTIMIZE, 0, NULL));
    }
  for (const char *p = text ? text : ""; *p; p++)
    if (*p != '\r')
      g_string_append_c (s, *p);
  stripped = g_string_free (s, FALSE);
  if (!g_utf8_validate (stripped, -1, NULL))
    return g_strstrip (g_steal_pointer (&stripped));
  plain_tags = g_regex_replace (rtl, stripped, -1, 0, "#\\1", 0, NULL);
  if (plain_tags == NULL)
    plain_tags = g_strdup (stripped);
  images = g_regex_replace_eval (image, plain_tags, -1, 0, 0, canonical_image_url, GUINT_TO_POINTER (4), NULL);
  if (images == NULL)
    images = g_strdup (plain_tags);
  result = g_regex_replace_eval (src, images, -1, 0, 0, canonical_image_url, GUINT_TO_POINTER (2), NULL);
  if (result == NULL)
    result = g_strdup (images);
  return g_strstrip (result);
}

GPtrArray *
gpm_pod_find_own_posts (GpmPod        *self,
                        const char    *text,
                        gint64         since,
                        guint          max_posts,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *want = NULL;
  GPtrArray *found;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  posts = list_own_posts (self, max_posts > 0 ? max_posts : G_MAXUINT, since, cancellable, error);
  if (posts == NULL)
    return NULL;
  want = text_key (text);
  found = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_post_unref);
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPodPost *p = g_ptr_array_index (posts, i);
      g_autofree char *have = text_key (p->text);

      if (p->created_at != NULL && g_date_time_to_unix (p->created_at) < since)
        continue;
      if (g_str_equal (have, want))
        g_ptr_array_add (found, gpm_pod_post_ref (p));
    }
  return found;
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
  OP_DELETE_POST,
  OP_FIND_OWN_POSTS,
} Op;

typedef struct {
  Op                 op;
  char              *s1, *s2, *s3;  /* inputs (secrets wiped on free) */
  GBytes            *bytes;
  GpmPodDraft       *draft;
  guint              number;
  gint64             since;
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
    case OP_DELETE_POST:
      is_boolean = TRUE;
      boolean_result = gpm_pod_delete_post (self, d->s1, cancellable, &error);
      break;
    case OP_FIND_OWN_POSTS:
      result = gpm_pod_find_own_posts (self, d->s1, d->since, d->number, cancellable, &error);
      free_func = (GDestroyNotify) g_ptr_array_unref;
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

/* ----------------------------------------------------------------- comments */

GpmPodPost *
gpm_pod_create_comment (GpmPod        *self,
                        const char    *post_guid,
                        const char    *text,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GpmPodAuth auth;
  Request req = { "POST", NULL, AUTH_NONE, NULL, "application/json" };
  Reply reply = { 0 };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GpmPodPost *comment;
  glong chars;
  gboolean ok;
  char *json;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (post_guid != NULL && text != NULL, NULL);
  if (!require_auth (self, &auth, error))
    return NULL;

  chars = g_utf8_strlen (text, -1);
  if (chars > GPM_DIASPORA_MAX_TEXT_CHARS)
    {
      set_error (error, GPM_POD_ERROR_TEXT_TOO_LONG, 0, 0,
                 _("The comment has %ld characters; the pod accepts at most %'d. It was not posted."),
                 chars, GPM_DIASPORA_MAX_TEXT_CHARS);
      return NULL;
    }

  escaped = g_uri_escape_string (post_guid, NULL, FALSE);
  json_builder_begin_object (b);
  /* web: CommentsController#create reads params[:text]; API: params.require(:body) */
  json_builder_set_member_name (b, auth == GPM_POD_AUTH_WEB ? "text" : "body");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  req.body = g_bytes_new_take (json, strlen (json));
  if (auth == GPM_POD_AUTH_WEB)
    {
      path = g_strdup_printf ("/posts/%s/comments", escaped);
      req.auth = AUTH_COOKIE;
      req.web_xhr = TRUE;
    }
  else
    {
      path = g_strdup_printf ("/api/v1/posts/%s/comments", escaped);
      req.auth = AUTH_BEARER;
    }
  req.url = pod_url (self, path);

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
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (comment = post_from_json (json_node_get_object (node))) == NULL)
    {
      set_protocol (error, reply.status, _("no comment in the answer"));
      reply_clear (&reply);
      return NULL;
    }
  if (comment->text == NULL)
    comment->text = g_strdup (text);
  reply_clear (&reply);
  return comment;
}

GPtrArray *
gpm_pod_list_own_comments (GpmPod        *self,
                           const char    *post_guid,
                           GCancellable  *cancellable,
                           GError       **error)
{
  GpmPodAuth auth;
  g_autoptr(GPtrArray) comments = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_pod_post_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *guid = NULL;
  g_autofree char *diaspora_id = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (post_guid != NULL, NULL);
  if (!require_auth (self, &auth, error))
    return NULL;
  guid = gpm_pod_dup_user_guid (self);
  diaspora_id = gpm_pod_dup_diaspora_id (self);

  escaped = g_uri_escape_string (post_guid, NULL, FALSE);
  if (auth == GPM_POD_AUTH_WEB)
    path = g_strdup_printf ("/posts/%s/comments.json", escaped);
  else
    /* oldest first (the "after" pager), the largest page the API gives */
    path = g_strdup_printf ("/api/v1/posts/%s/comments?per_page=100", escaped);
  url = pod_url (self, path);

  for (int page = 0; url && page < MAX_PAGES; page++)
    {
      Request req = { "GET", g_steal_pointer (&url), auth == GPM_POD_AUTH_WEB ? AUTH_COOKIE : AUTH_BEARER };
      Reply reply = { 0 };
      g_autoptr(JsonNode) node = NULL;
      JsonArray *arr;
      guint added = 0;
      gboolean ok;

      req.web_xhr = auth == GPM_POD_AUTH_WEB;
      ok = send_authed (self, &req, &reply, cancellable, error);
      request_clear (&req);
      if (!ok)
        return NULL;
      if (reply.status == 404)
        {
          set_rejected (error, &reply);
          reply_clear (&reply);
          return NULL;
        }
      node = reply_json (&reply);
      if (reply.status != 200 || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          set_protocol (error, reply.status, _("no list of comments"));
          reply_clear (&reply);
          return NULL;
        }
      arr = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);
          GpmPodPost *c;

          if (!JSON_NODE_HOLDS_OBJECT (n) || (c = post_from_json (json_node_get_object (n))) == NULL)
            continue;
          added++;
          /* a pod whose pages never named the account: the comments under
           * the account's own post, whoever wrote them (an exact text
           * including the date line is the user's anyway) */
          if (g_hash_table_contains (seen, c->guid) ||
              ((guid != NULL || diaspora_id != NULL) && !post_is_by (json_node_get_object (n), guid, diaspora_id)))
            {
              gpm_pod_post_unref (c);
              continue;
            }
          g_hash_table_add (seen, g_strdup (c->guid));
          g_ptr_array_add (comments, c);
        }
      url = auth == GPM_POD_AUTH_API && added > 0 ? link_next (&reply) : NULL;
      reply_clear (&reply);
    }
  return g_steal_pointer (&comments);
}

void
gpm_pod_delete_post_async (GpmPod *self, const char *guid, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (guid != NULL);
  d = task_data_new (OP_DELETE_POST);
  d->s1 = g_strdup (guid);
  run_async (self, d, gpm_pod_delete_post_async, cancellable, callback, user_data);
}

gboolean
gpm_pod_delete_post_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_delete_post_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_pod_find_own_posts_async (GpmPod *self, const char *text, gint64 since, guint max_posts,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (text != NULL);
  d = task_data_new (OP_FIND_OWN_POSTS);
  d->s1 = g_strdup (text);
  d->since = since;
  d->number = max_posts;
  run_async (self, d, gpm_pod_find_own_posts_async, cancellable, callback, user_data);
}

GPtrArray *
gpm_pod_find_own_posts_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_find_own_posts_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
