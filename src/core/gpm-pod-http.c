/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod-http.c: the HTTP layer of the pod client, under both backends.
 *
 * One SoupSession per pod; every request is written once, blocking
 * (soup_session_send), and is safe to call from any thread (libsoup >= 3.2).
 * Here: pod addresses and which URLs may be requested at all (https, or
 * http to loopback); sending a GpmPodRequest, bounded in time (connecting,
 * each read, the whole request: a watchdog thread cancels what runs over)
 * and in size (MAX_ANSWER_BYTES); the cookies, kept in a SoupCookieJar that
 * is NOT attached to the session, so every access to it goes through
 * self->lock; pods that moved (apex → www, http → https); transport
 * failures and HTTP statuses mapped to GPM_POD_ERROR codes (what may have
 * been carried out and what surely was not); renewing an ended session
 * once, for every thread that hit it, through the backend; and the one
 * retry policy every caller waits by (gpm_pod_retry_delay_ms()). No request
 * follows redirects by itself: a redirect to the sign-in page means the
 * session has ended.
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-pod-private.h"

/* How often a pod may send the client to another address during discovery
 * or sign-in (apex → www → https …). */
#define MAX_MOVES 5
/* The whole of one request (see send_bounded()). */
#define REQUEST_TIMEOUT (15 * 60)
/* Answers larger than this are refused (a stream page of 15 posts of
 * GPM_DIASPORA_MAX_TEXT_CHARS characters, escaped, is far below; sign-in pages are small). */
#define MAX_ANSWER_BYTES ((gsize) 16 * 1024 * 1024)

SoupSession *
gpm_pod_http_session_new (const char *address)
{
  SoupSession *session = soup_session_new_with_options ("timeout", GPM_POD_IO_TIMEOUT,
                                                        "idle-timeout", 60,
                                                        "user-agent", "GPlusMigrate/" PACKAGE_VERSION " ",
                                                        NULL);
  /* a pod on this machine is never reached through a proxy */
  g_autoptr(GUri) uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL);

  if (uri && gpm_pod_host_is_loopback (g_uri_get_host (uri)))
    soup_session_set_proxy_resolver (session, NULL);
  return session;
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

gboolean
gpm_pod_uri_is_allowed (GUri *uri)
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
      gpm_pod_set_error (error, GPM_POD_ERROR_INVALID_ADDRESS, 0, 0,
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
      gpm_pod_set_error (error, GPM_POD_ERROR_INVALID_ADDRESS, 0, 0,
                         _("“%s” is not a pod address. Type the address of your pod, for example diasp.org."),
                         text);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_INVALID_ADDRESS, 0, 0,
                         _("“%s” is not a pod address. Type the address of your pod, for example diasp.org."),
                         text);
      return NULL;
    }
  if (!gpm_pod_uri_is_allowed (uri))
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_INSECURE, 0, 0,
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



/* ---------------------------------------------------------------- requests */

void
gpm_pod_request_clear (GpmPodRequest *req)
{
  g_clear_pointer (&req->url, g_free);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->multipart, soup_multipart_free);
}

void
gpm_pod_reply_clear (GpmPodReply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  reply->status = 0;
}

char *
gpm_pod_url (GpmPod *self, const char *path)
{
  return g_strconcat (gpm_pod_get_address (self), path, NULL);
}

char *
gpm_pod_url_for_guid (GpmPod     *self,
                      const char *prefix,
                      const char *guid,
                      const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (guid, NULL, FALSE);

  return g_strconcat (gpm_pod_get_address (self), prefix, escaped, suffix, NULL);
}

/* ------------------------------------------------------------ time bounds
 *
 * libsoup bounds each socket read or write ("timeout", also the TCP connect)
 * but not name resolution, and not a request as a whole: a host whose DNS
 * does not answer, or a server that drips one byte a minute, would hold a
 * request for many minutes. So each request also has a deadline to get
 * connected (GPM_POD_CONNECT_TIMEOUT: resolving, TCP, TLS) and one for all of it
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

guint64
gpm_pod_retry_delay_ms (const GError *error,
                        guint         attempt,
                        guint         base_ms,
                        guint         max_ms,
                        GRand        *rand)
{
  guint64 ms = MIN ((guint64) base_ms << MIN (attempt, 24u), (guint64) max_ms);
  guint retry_after = gpm_pod_error_get_retry_after (error);

  /* "Equal jitter": half fixed, half random, so clients that failed
   * together do not all come back at the same instant. */
  if (ms > 1)
    {
      gint32 half = (gint32) MIN (ms / 2 + 1, (guint64) G_MAXINT32);

      ms = ms / 2 + (guint64) (rand ? g_rand_int_range (rand, 0, half) : g_random_int_range (0, half));
    }
  if (retry_after > 0)
    ms = MAX (ms, (guint64) retry_after * 1000);
  return ms;
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

gboolean
gpm_pod_http_wait_session_locked (GpmPod        *self,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  while (self->renewer != NULL && self->renewer != g_thread_self ())
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_cond_wait_until (&self->renewed_cond, &self->lock,
                         g_get_monotonic_time () + G_TIME_SPAN_MILLISECOND * 100);
    }
  return TRUE;
}

/* What a request carries of the session, taken at one moment. */
typedef struct {
  char *cookie_header;
  char *csrf_token;
  char *bearer;
  guint epoch;
} SessionSnapshot;

static void
session_snapshot_clear (SessionSnapshot *snap)
{
  g_clear_pointer (&snap->cookie_header, gpm_pod_secret_free);
  g_clear_pointer (&snap->csrf_token, gpm_pod_secret_free);
  g_clear_pointer (&snap->bearer, gpm_pod_secret_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SessionSnapshot, session_snapshot_clear)

/* Sends @req once. Transport failures become typed errors; any HTTP status is
 * returned in @reply (not an error). */
gboolean
gpm_pod_http_send (GpmPod               *self,
                   const GpmPodRequest  *req,
                   GpmPodReply          *reply,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessageHeaders *hdrs;
  Deadlines deadlines = { 0 };
  gboolean too_large = FALSE;
  gboolean wrote_body = FALSE;
  g_auto(SessionSnapshot) snap = { 0 };

  uri = g_uri_parse (req->url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_PROTOCOL, 0, 0,
                         _("The pod gave an answer GPlus Migrate does not understand (%s)."),
                         _("an address is not valid"));
      return FALSE;
    }
  if (!gpm_pod_uri_is_allowed (uri))
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_INSECURE, 0, 0,
                         _("GPlus Migrate only connects to pods over a secure connection (https). "
                   "“%s” is not secure."), g_uri_get_host (uri));
      return FALSE;
    }

  /* the session's cookies and CSRF token as one snapshot, never while
   * another thread is renewing the session (see GpmPod.renewer) */
  g_mutex_lock (&self->lock);
  if (!gpm_pod_http_wait_session_locked (self, cancellable, error))
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  snap.epoch = self->session_epoch;
  {
    GSList *cookies = soup_cookie_jar_get_cookie_list (self->jar, uri, TRUE);

    if (cookies)
      {
        snap.cookie_header = soup_cookies_to_cookie_header (cookies);
        soup_cookies_free (cookies);
      }
  }
  snap.csrf_token = g_strdup (self->csrf_token);
  if (req->auth == GPM_POD_REQUEST_BEARER && self->access_token)
    snap.bearer = g_strconcat ("Bearer ", self->access_token, NULL);
  g_mutex_unlock (&self->lock);

  if (req->build_multipart)
    {
      SoupMultipart *multipart;

      multipart = req->build_multipart (req->build_data, snap.csrf_token);
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
      gpm_pod_set_error (error, GPM_POD_ERROR_PROTOCOL, 0, 0,
                         _("The pod gave an answer GPlus Migrate does not understand (%s)."),
                         _("an address is not valid"));
      return FALSE;
    }
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  hdrs = soup_message_get_request_headers (msg);
  soup_message_headers_replace (hdrs, "Accept", req->accept ? req->accept : "application/json");

  if (snap.cookie_header)
    soup_message_headers_replace (hdrs, "Cookie", snap.cookie_header);
  if (req->web_xhr)
    {
      soup_message_headers_replace (hdrs, "X-Requested-With", "XMLHttpRequest");
      if (snap.csrf_token)
        soup_message_headers_replace (hdrs, "X-CSRF-Token", snap.csrf_token);
    }
  if (snap.bearer)
    soup_message_headers_replace (hdrs, "Authorization", snap.bearer);

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
        gpm_pod_set_protocol (error, soup_message_get_status (msg), _("the answer is far too large"));
      else
        gpm_pod_set_error (error, GPM_POD_ERROR_NO_ANSWER, soup_message_get_status (msg), 0,
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
          gpm_pod_set_error (error, GPM_POD_ERROR_TLS, 0, 0,
                             _("The secure connection to %s failed: %s. To protect your account, "
                       "GPlus Migrate does not connect to it. The pod's administrator must fix this."),
                     g_uri_get_host (uri), why->str);
          return FALSE;
        }
      g_debug ("%s %s: %s (request %s)", req->method, g_uri_get_path (uri), local->message,
               wrote_body ? "sent" : "not sent");
      if (wrote_body)
        gpm_pod_set_error (error, GPM_POD_ERROR_NO_ANSWER, 0, 0,
                           _("The pod %s did not answer. The last step may or may not have been done; "
                     "it will be checked before trying again."), g_uri_get_host (uri));
      else
        gpm_pod_set_error (error, GPM_POD_ERROR_UNREACHABLE, 0, 0,
                           _("Could not reach the pod %s. Check your internet connection and the pod "
                     "address, or try again later."), g_uri_get_host (uri));
      return FALSE;
    }

  /* keep cookies */
  {
    GSList *cookies = soup_cookies_from_response (msg);

    g_mutex_lock (&self->lock);
    /* not those of a session that was renewed meanwhile */
    if (snap.epoch == self->session_epoch)
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
moved_address (const char *url, const GpmPodReply *reply, GError **error)
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

/* A permanent redirect (301, 308) of a request the client made at the
 * pod's address to another origin: the pod has moved (a new domain, http
 * → https). No request follows it (SOUP_MESSAGE_NO_REDIRECT: libsoup would
 * resend a POST redirected 301 as a GET, and a page's 200 would look like
 * success; the cookies and token belong to the old origin anyway): the
 * request fails with GPM_POD_ERROR_MOVED naming the new address, which is
 * no outage to wait for but a new sign-in there for the user. The
 * anonymous discovery and sign-in pages follow moves instead
 * (gpm_pod_http_get_following_moves()). TRUE (@error set) when moved. */
static gboolean
reply_means_moved (const char *url, const GpmPodReply *reply, GError **error)
{
  g_autofree char *moved = NULL;
  g_autoptr(GError) local = NULL;

  if (reply->status != 301 && reply->status != 308)
    return FALSE;
  moved = moved_address (url, reply, &local);
  if (moved == NULL && local == NULL)
    return FALSE;
  /* Translators: %s is the pod's new address */
  gpm_pod_set_error (error, GPM_POD_ERROR_MOVED, reply->status, 0,
                     _("The pod has moved to %s. Sign in there to go on."),
                     moved != NULL ? moved : soup_message_headers_get_one (reply->headers, "Location"));
  return TRUE;
}

/* The port @uri names, or its scheme's. */
static int
uri_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/* Whether @reply's Location (relative to @url) names @url's host: the same
 * host and port, or the same host with the other scheme on both schemes'
 * default ports (http → https; or a Rails app behind a proxy that does not
 * pass X-Forwarded-Proto, answering https with http). */
static gboolean
redirect_stays_on_host (const char *url, const GpmPodReply *reply)
{
  const char *location = soup_message_headers_get_one (reply->headers, "Location");
  g_autoptr(GUri) base = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(GUri) to = NULL;

  if (location == NULL || base == NULL)
    return TRUE;
  to = g_uri_parse_relative (base, location, SOUP_HTTP_URI_FLAGS, NULL);
  if (to == NULL || g_uri_get_host (to) == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (g_uri_get_host (to), g_uri_get_host (base)) != 0)
    return FALSE;
  if (uri_port (to) == uri_port (base))
    return TRUE;
  return g_ascii_strcasecmp (g_uri_get_scheme (to), g_uri_get_scheme (base)) != 0
         && g_uri_get_port (to) <= 0 && g_uri_get_port (base) <= 0;
}

static gboolean
status_is_temporary_redirect (guint status)
{
  return status == 302 || status == 303 || status == 307;
}

/* GPM_POD_ERROR_REDIRECTED for @reply to a request at @url, which sends
 * the client to @to (normalised) or to its Location. */
static void
set_redirected (const char *url, const GpmPodReply *reply, const char *to, GError **error)
{
  g_autoptr(GUri) from = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  /* Translators: the first %s is the pod (a host name), the second the address it sends to */
  gpm_pod_set_error (error, GPM_POD_ERROR_REDIRECTED, reply->status, 0,
                     _("The pod %s sends GPlus Migrate to another address, %s: a sign-in page in front of "
                       "the pod, a maintenance page, or a move for a while. Nothing was sent there. Open the "
                       "pod in your browser to see what it asks."),
                     from != NULL ? g_uri_get_host (from) : url,
                     to != NULL ? to : soup_message_headers_get_one (reply->headers, "Location"));
}

/* A temporary redirect (302, 303, 307) of a request to another origin,
 * other than to the sign-in page. diaspora sends a signed-in request
 * elsewhere only to its sign-in page, the session ended: Devise's
 * new_user_session_url, on the pod's configured host
 * (config/application.rb:71-72 sets routes.default_url_options from
 * AppConfig.pod_uri, which may differ from the address typed: localhost
 * for 127.0.0.1), still "session ended" (reply_means_expired()); its other
 * redirects are paths on the request's host, and a create is answered in
 * JSON (app/controllers/status_messages_controller.rb:46-51,
 * photos_controller.rb:149-150, at v0.9.1.0). So it comes from what is in
 * front of the pod: a single sign-on proxy whose own session ended (nginx
 * auth_request with "error_page 401 =302 https://sso…/?rd=…"), a
 * maintenance page ("return 302 https://status…"), a move for a while. No
 * request follows it (a POST must not become a GET, and the cookies and
 * token belong to the pod): the request fails with
 * GPM_POD_ERROR_REDIRECTED naming the address, which the migrator waits
 * out for a bounded time, showing it, then stops the run with it
 * (gpm-migrator-run.c). The anonymous requests (discovery, the sign-in
 * form and its POST) likewise, but only for another host: diaspora answers
 * them itself, with no redirect or with one to a path on the request's
 * host (the signed-in user to after_sign_in_path_for, a path:
 * app/controllers/application_controller.rb:120-135 at v0.9.1.0, :146-161
 * at v0.7.18.2; Rails' redirect_to puts a path on request.host_with_port,
 * and on http when the proxy does not say https); a sign-in POST
 * redirected to another host counted as signed in. TRUE (@error set) when
 * redirected. */
static gboolean
reply_means_redirected (const GpmPodRequest *req, const GpmPodReply *reply, GError **error)
{
  const char *url = req->url;
  g_autofree char *to = NULL;
  g_autoptr(GError) local = NULL;

  if (gpm_pod_reply_is_sign_in (reply) || !status_is_temporary_redirect (reply->status))
    return FALSE;
  if (req->auth == GPM_POD_REQUEST_ANONYMOUS && redirect_stays_on_host (url, reply))
    return FALSE;
  to = moved_address (url, reply, &local);
  if (to == NULL && local == NULL)
    return FALSE;
  set_redirected (url, reply, to, error);
  return TRUE;
}

/* An anonymous GET of @path on the pod that follows the pod's moves: an
 * answer that sends it to another origin (a pod reached at its apex that
 * lives at www., http that goes to https) makes that origin the pod's
 * address from then on (gpm_pod_get_address()), and the request is made
 * again there. A move to another host is permanent (301, 308); a temporary
 * redirect there (302, 303, 307: a sign-on proxy, a maintenance page) is
 * GPM_POD_ERROR_REDIRECTED, not followed: its address would become the
 * pod's, and the password would be posted there (web_sign_in()). A
 * temporary one to the same host on https is followed as before. Other
 * answers, redirects within the pod too, are returned. */
gboolean
gpm_pod_http_get_following_moves (GpmPod        *self,
                                  const char    *path,
                                  const char    *accept,
                                  GpmPodReply   *reply,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  for (guint hop = 0;; hop++)
    {
      GpmPodRequest req = { "GET", gpm_pod_url (self, path), GPM_POD_REQUEST_ANONYMOUS, accept };
      g_autofree char *moved = NULL;
      g_autoptr(GError) local = NULL;
      gboolean ok;
      gboolean redirected = FALSE;

      ok = gpm_pod_http_send (self, &req, reply, cancellable, error);
      if (ok && hop < MAX_MOVES)
        moved = moved_address (req.url, reply, &local);
      if ((moved != NULL || local != NULL) && status_is_temporary_redirect (reply->status)
          && !redirect_stays_on_host (req.url, reply))
        {
          set_redirected (req.url, reply, moved, error);
          redirected = TRUE;
        }
      gpm_pod_request_clear (&req);
      if (!ok)
        return FALSE;
      if (redirected || local != NULL)
        {
          gpm_pod_reply_clear (reply);
          if (!redirected)
            g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (moved == NULL)
        return TRUE;
      g_debug ("%s moved to %s", gpm_pod_get_address (self), moved);
      gpm_pod_reply_clear (reply);
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->old_addresses, g_atomic_pointer_get (&self->address));
      g_atomic_pointer_set (&self->address, g_steal_pointer (&moved));
      g_mutex_unlock (&self->lock);
    }
}

const char *
gpm_pod_reply_text (const GpmPodReply *reply, gsize *len)
{
  gsize l = 0;
  const char *data = reply->body ? g_bytes_get_data (reply->body, &l) : NULL;

  if (len)
    *len = l;
  return data ? data : "";
}

JsonNode *
gpm_pod_reply_json (const GpmPodReply *reply)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = gpm_pod_reply_text (reply, &len);

  if (len == 0 || !json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

gboolean
gpm_pod_reply_is_sign_in (const GpmPodReply *reply)
{
  const char *loc = soup_message_headers_get_one (reply->headers, "Location");

  return loc != NULL && strstr (loc, "/users/sign_in") != NULL;
}

char *
gpm_pod_reply_message (const GpmPodReply *reply)
{
  g_autoptr(JsonNode) node = gpm_pod_reply_json (reply);
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
  text = gpm_pod_reply_text (reply, &len);
  if (len > 0 && len < 300 && g_utf8_validate (text, len, NULL) && memchr (text, '<', len) == NULL)
    return g_strstrip (g_strndup (text, len));
  return g_strdup_printf ("HTTP %u", reply->status);
}

/* Turns a final HTTP status into an error (FALSE) or accepts it (TRUE). */
gboolean
gpm_pod_http_check_status (const GpmPodReply *reply, GError **error)
{
  guint s = reply->status;

  if (s == 429)
    {
      guint after = parse_retry_after (reply->headers);

      if (after > 0)
        gpm_pod_set_error (error, GPM_POD_ERROR_RATE_LIMITED, s, after,
                           g_dngettext (NULL, "The pod asks to slow down. Trying again in %u second.",
                                "The pod asks to slow down. Trying again in %u seconds.", after), after);
      else
        gpm_pod_set_error (error, GPM_POD_ERROR_RATE_LIMITED, s, 0,
                           _("The pod asks to slow down. Try again in a few minutes."));
      return FALSE;
    }
  if (s >= 500)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_SERVER, s, parse_retry_after (reply->headers),
                         _("The pod has a problem right now (error %u). Try again later."), s);
      return FALSE;
    }
  return TRUE;
}

/* The rel="next" URL of a Link header, or NULL. */
char *
gpm_pod_reply_link_next (const GpmPodReply *reply)
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

/* ------------------------------------------------------- ended sessions */

/* Other threads' requests wait from here until session_change_end()
 * (GpmPod.renewer); cookies in answers to requests sent before are
 * dropped (the epoch). */
static void
session_change_begin (GpmPod *self)
{
  g_mutex_lock (&self->lock);
  self->renewer = g_thread_self ();
  self->session_epoch++;
  g_mutex_unlock (&self->lock);
}

static void
session_change_end (GpmPod *self)
{
  g_mutex_lock (&self->lock);
  self->renewer = NULL;
  g_cond_broadcast (&self->renewed_cond);
  g_mutex_unlock (&self->lock);
}

/* Renews an ended session the way the signed-in backend does it (the web
 * session with the remembered password, API v1 with the refresh token). */
static gboolean
renew_session (GpmPod *self, GCancellable *cancellable, GError **error)
{
  const GpmPodBackend *backend;
  gboolean ok;

  g_mutex_lock (&self->lock);
  backend = self->backend;
  g_mutex_unlock (&self->lock);
  if (backend == NULL)
    {
      gpm_pod_set_expired (error, 0);
      return FALSE;
    }
  session_change_begin (self);
  ok = backend->renew (self, cancellable, error);
  session_change_end (self);
  return ok;
}

void
gpm_pod_http_sign_in_begin (GpmPod *self)
{
  /* after a renewal another thread runs; none starts until _end */
  g_mutex_lock (&self->renew_lock);
  session_change_begin (self);
}

void
gpm_pod_http_sign_in_end (GpmPod *self)
{
  /* a request answered "ended" before the sign-in is repeated with the
   * new session, not renewed with the old one */
  g_atomic_int_inc (&self->generation);
  session_change_end (self);
  g_mutex_unlock (&self->renew_lock);
}

/* Is this answer to a signed-in request "your session/token has ended"? */
static gboolean
reply_means_expired (const GpmPodReply *reply, GpmPodRequestAuth auth)
{
  if (auth == GPM_POD_REQUEST_COOKIE)
    return reply->status == 401
      || (reply->status >= 300 && reply->status < 400 && gpm_pod_reply_is_sign_in (reply));
  if (auth == GPM_POD_REQUEST_BEARER)
    {
      const char *www = soup_message_headers_get_one (reply->headers, "WWW-Authenticate");

      if (reply->status == 401)
        return TRUE;
      if (reply->status == 403 && www && strstr (www, "invalid_token"))
        return TRUE;
      if (reply->status == 403)
        {
          g_autofree char *msg = gpm_pod_reply_message (reply);
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
gboolean
gpm_pod_http_renew_after_expired (GpmPod        *self,
                                  gint           generation,
                                  gboolean      *renewed_by_me,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  gboolean ok = TRUE;

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->renew_lock);
  if (g_atomic_int_get (&self->generation) == generation)
    {
      if (*renewed_by_me)
        {
          gpm_pod_set_expired (error, 401);
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
  return ok;
}

/* Sends a signed-in request; when the pod says the session has ended,
 * renews it (once per request, and once for all threads that hit it at the
 * same time) and repeats the request. Rate limits and 5xx become errors;
 * other statuses are returned. */
static gboolean
send_authed (GpmPod               *self,
             const GpmPodRequest  *req,
             GpmPodReply          *reply,
             GCancellable         *cancellable,
             GError              **error)
{
  gboolean renewed_by_me = FALSE;

  for (int attempt = 0; attempt < 4; attempt++)
    {
      gint generation = g_atomic_int_get (&self->generation);

      if (!gpm_pod_http_send (self, req, reply, cancellable, error))
        return FALSE;
      if (!gpm_pod_http_check_status (reply, error) || reply_means_moved (req->url, reply, error) ||
          reply_means_redirected (req, reply, error))
        {
          gpm_pod_reply_clear (reply);
          return FALSE;
        }
      if (!reply_means_expired (reply, req->auth))
        return TRUE;
      gpm_pod_reply_clear (reply);
      if (!gpm_pod_http_renew_after_expired (self, generation, &renewed_by_me, cancellable, error))
        return FALSE;
    }
  gpm_pod_set_expired (error, 401);
  return FALSE;
}

gboolean
gpm_pod_http_send_authed (GpmPod         *self,
                          GpmPodRequest  *req,
                          GpmPodReply    *reply,
                          GCancellable   *cancellable,
                          GError        **error)
{
  gboolean ok = send_authed (self, req, reply, cancellable, error);

  gpm_pod_request_clear (req);
  return ok;
}

gboolean
gpm_pod_http_request (GpmPod         *self,
                      GpmPodRequest  *req,
                      GpmPodReply    *reply,
                      GCancellable   *cancellable,
                      GError        **error)
{
  gboolean ok = gpm_pod_http_send (self, req, reply, cancellable, error);

  if (ok && (!gpm_pod_http_check_status (reply, error) || reply_means_moved (req->url, reply, error) ||
             reply_means_redirected (req, reply, error)))
    {
      gpm_pod_reply_clear (reply);
      ok = FALSE;
    }
  gpm_pod_request_clear (req);
  return ok;
}
