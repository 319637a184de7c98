/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod-redirect.c: where the browser comes back to after the API
 * sign-in.
 *
 * RFC 8252 (OAuth for native apps): a SoupServer on 127.0.0.1 at a port the
 * kernel picks serves http://127.0.0.1:PORT/callback for one answer; it
 * checks the `state` the authorization request carried (random, from
 * getrandom(2)) and shows the browser a page saying it may be closed. The
 * server runs in a main context of its own, iterated only by
 * gpm_pod_redirect_wait() in the thread signing in, so it never touches the
 * caller's loop. Its own file because it is the one place the client is a
 * server, and the one place it waits for a person.
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "gpm-pod-private.h"

struct _GpmPodRedirect
{
  GMainContext *context;
  SoupServer   *server;
  char         *uri;
  char         *state;
  char         *code;
  char         *error;
  gboolean      done;
};

char *
gpm_pod_base64url (const guchar *data, gsize len)
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
char *
gpm_pod_random_token (gsize bytes)
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
  out = gpm_pod_base64url (buf, bytes);
  explicit_bzero (buf, bytes);
  return out;
}

static void
callback_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  GpmPodRedirect *cb = user_data;
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

GpmPodRedirect *
gpm_pod_redirect_new (GError **error)
{
  g_autoptr(GpmPodRedirect) r = g_new0 (GpmPodRedirect, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GError) local = NULL;
  GSList *uris;

  /* the server listens in the thread-default context at listen time */
  r->context = g_main_context_new ();
  g_main_context_push_thread_default (r->context);
  r->server = soup_server_new ("server-header", "GPlusMigrate ", NULL);
  r->state = gpm_pod_random_token (24);
  soup_server_add_handler (r->server, "/callback", callback_handler, r, NULL);
  if (!soup_server_listen (r->server, addr, 0, &local))
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_PROTOCOL, 0, 0,
                         _("Could not prepare the sign-in: %s"), local->message);
      return NULL;
    }
  uris = soup_server_get_uris (r->server);
  r->uri = g_strdup_printf ("http://127.0.0.1:%d/callback", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&r);
}

const char *
gpm_pod_redirect_get_uri (GpmPodRedirect *redirect)
{
  return redirect->uri;
}

const char *
gpm_pod_redirect_get_state (GpmPodRedirect *redirect)
{
  return redirect->state;
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

gboolean
gpm_pod_redirect_wait (GpmPodRedirect  *redirect,
                       guint            seconds,
                       GCancellable    *cancellable,
                       char           **code,
                       char           **refusal,
                       GError         **error)
{
  g_autoptr(GSource) timeout_source = g_timeout_source_new_seconds (seconds);
  g_autoptr(GSource) cancel_source = NULL;
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout_source, on_wait_timeout, &timed_out, NULL);
  g_source_attach (timeout_source, redirect->context);
  if (cancellable)
    {
      cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (cancel_source, G_SOURCE_FUNC (on_cancelled_source), NULL, NULL);
      g_source_attach (cancel_source, redirect->context);
    }
  while (!redirect->done && !timed_out && !g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (redirect->context, TRUE);
  /* let the browser receive its page */
  for (int i = 0; i < 10 && g_main_context_pending (redirect->context); i++)
    g_main_context_iteration (redirect->context, FALSE);
  g_source_destroy (timeout_source);
  if (cancel_source)
    g_source_destroy (cancel_source);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!redirect->done)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_DENIED, 0, 0,
                         _("The sign-in in the browser was not finished in time. Please try again."));
      return FALSE;
    }
  *code = g_strdup (redirect->code);
  *refusal = g_strdup (redirect->error);
  return TRUE;
}

void
gpm_pod_redirect_free (GpmPodRedirect *redirect)
{
  if (redirect == NULL)
    return;
  if (redirect->server)
    soup_server_disconnect (redirect->server);
  g_clear_object (&redirect->server);
  g_main_context_pop_thread_default (redirect->context);
  g_main_context_unref (redirect->context);
  g_free (redirect->uri);
  g_free (redirect->state);
  g_free (redirect->code);
  g_free (redirect->error);
  g_free (redirect);
}
