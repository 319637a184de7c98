/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pod-connect.c: the diaspora* client (gpm-pod) reaching a pod: addresses,
 * discovery (0.7, 0.8, 0.9, moved pods, not diaspora, unreachable, TLS),
 * signing in through the web and the API, the notifications' context, the
 * retry delay and the pod double as a process (gpm-test-pod-tool). */
#define G_LOG_DOMAIN "test-pod"

#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "test-pod-common.h"

/* ------------------------------------------------------------ addresses */

static void
test_normalize (void)
{
  struct { const char *in, *out; } ok[] = {
    { "pod.example", "https://pod.example" },
    { "  Pod.Example  ", "https://pod.example" },
    { "https://pod.example/", "https://pod.example" },
    { "https://pod.example/users/sign_in?x=1", "https://pod.example" },
    { "pod.example:8443", "https://pod.example:8443" },
    { "https://pod.example:443/", "https://pod.example" },
    { "pod.example.", "https://pod.example" },
    { "http://127.0.0.1:3000", "http://127.0.0.1:3000" },
    { "http://127.8.9.10/", "http://127.8.9.10" },
    { "http://localhost:3000/", "http://localhost:3000" },
    { "http://[::1]:3000", "http://[::1]:3000" },
  };
  const char *insecure[] = { "http://pod.example", "http://10.0.0.1", "http://192.168.1.2:3000",
                             "http://[2001:db8::1]/", "http://localhost.example.org" };
  const char *invalid[] = { "", "   ", "ftp://pod.example", "https://", "user@pod.example",
                            "https://user:pw@pod.example", "pod example" };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = gpm_pod_normalize_address (ok[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, ok[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (insecure); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPod) pod = gpm_pod_new (insecure[i], &error);

      g_assert_null (pod);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_INSECURE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = gpm_pod_normalize_address (invalid[i], &error);

      g_assert_null (out);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_INVALID_ADDRESS);
    }
  g_assert_true (gpm_pod_host_is_loopback ("127.0.0.1"));
  g_assert_true (gpm_pod_host_is_loopback ("::1"));
  g_assert_true (gpm_pod_host_is_loopback ("[::1]"));
  g_assert_true (gpm_pod_host_is_loopback ("LOCALHOST"));
  g_assert_false (gpm_pod_host_is_loopback ("128.0.0.1"));
  g_assert_false (gpm_pod_host_is_loopback ("localhost.evil.example"));
}

/* ------------------------------------------------------------ discovery */

static void
test_discover (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodInfo) info = gpm_pod_discover (pod, NULL, &error);
  g_autoptr(GpmPodInfo) old = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (info->software_name, ==, "diaspora");
  g_assert_true (g_str_has_prefix (info->software_version, "0.9"));
  g_assert_cmpstr (info->node_name, ==, "diaspora* test pod");
  g_assert_true (info->has_api);
  g_assert_cmpint (gpm_pod_choose_auth (info, TRUE), ==, GPM_POD_AUTH_API);
  g_assert_cmpint (gpm_pod_choose_auth (info, FALSE), ==, GPM_POD_AUTH_WEB);

  gpm_test_pod_set_api_enabled (f->tp, FALSE);
  old = gpm_pod_discover (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (old->has_api);
  g_assert_cmpint (gpm_pod_choose_auth (old, TRUE), ==, GPM_POD_AUTH_WEB);
}

/* diaspora 0.7 serves OpenID Connect discovery but has no API v1: the
 * password sign-in is chosen, and works. */
static void
test_discover_0_7 (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodInfo) info = NULL;

  gpm_test_pod_set_version (f->tp, "0.7.18.2-p0b2c4d6e", FALSE);
  info = gpm_pod_discover (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->software_version, ==, "0.7.18.2-p0b2c4d6e");
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/.well-known/openid-configuration"), ==, 1);
  g_assert_false (info->has_api);
  g_assert_cmpint (gpm_pod_choose_auth (info, TRUE), ==, GPM_POD_AUTH_WEB);
  g_assert_false (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_API);
  g_clear_error (&error);
  /* the name as typed; diaspora strips and lower-cases it, so does the client */
  g_assert_true (gpm_pod_sign_in_password (pod, " Alice ", PASSWORD, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *guid = gpm_pod_dup_user_guid (pod);
    g_autofree char *name = gpm_pod_dup_username (pod);
    g_assert_cmpstr (guid, ==, f->alice_guid);
    g_assert_cmpstr (name, ==, "alice");
  }
}

/* A 0.8 version is a development snapshot: the client asks /api/v1. */
static void
test_discover_0_8 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  for (int api = 0; api < 2; api++)
    {
      g_autoptr(GpmPod) pod = new_pod (f);
      g_autoptr(GpmPodInfo) info = NULL;
      guint probes = gpm_test_pod_count_requests (f->tp, "/api/v1/user");

      gpm_test_pod_set_version (f->tp, "0.8.0.0-p1234abcd", api);
      info = gpm_pod_discover (pod, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (info->has_api, ==, api);
      /* without the API scopes it is told at once; with them, probed */
      g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/api/v1/user"), ==, probes + api);
    }
  /* a release 0.9 is not probed */
  {
    g_autoptr(GpmPod) pod = new_pod (f);
    g_autoptr(GpmPodInfo) info = NULL;
    guint probes = gpm_test_pod_count_requests (f->tp, "/api/v1/user");

    gpm_test_pod_set_version (f->tp, "0.9.0.0", TRUE);
    info = gpm_pod_discover (pod, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (info->has_api);
    g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/api/v1/user"), ==, probes);
  }
}

/* A pod that turns out to lack the API scopes in the browser (invalid_scope)
 * is NO_API, so the caller falls back to the password. */
static void
test_api_invalid_scope (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodInfo) info = gpm_pod_discover (pod, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (info->has_api);
  /* the pod is downgraded after discovery */
  gpm_test_pod_set_version (f->tp, "0.7.18.2", FALSE);
  gpm_test_pod_set_browser_user (f->tp, "alice", TRUE);
  g_assert_false (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_API);
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_NONE);
}

/* A pod reached at an address that redirects (apex → www, http → https):
 * discovery and sign-in follow, and the final address is the pod's. */
static void
test_moved (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) apex = gpm_test_pod_new (0, &error);
  g_autofree char *typed = NULL;

  g_assert_no_error (error);
  gpm_test_pod_set_moved (apex, gpm_test_pod_get_url (f->tp));
  /* as typed: "localhost" for the apex */
  typed = g_strdup_printf ("http://LOCALHOST:%s/", strrchr (gpm_test_pod_get_url (apex), ':') + 1);

  /* discovery, then web sign-in */
  {
    g_autoptr(GpmPod) pod = gpm_pod_new (typed, &error);
    g_autoptr(GpmPodInfo) info = NULL;

    g_assert_no_error (error);
    info = gpm_pod_discover (pod, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (info->has_api);
    g_assert_cmpstr (gpm_pod_get_address (pod), ==, gpm_test_pod_get_url (f->tp));
    g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  /* sign-in without discovery first; then the API sign-in */
  {
    g_autoptr(GpmPod) pod = gpm_pod_new (typed, &error);
    g_autofree char *guid = NULL;

    g_assert_no_error (error);
    g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (gpm_pod_get_address (pod), ==, gpm_test_pod_get_url (f->tp));
    guid = gpm_pod_dup_user_guid (pod);
    g_assert_cmpstr (guid, ==, f->alice_guid);
  }
  {
    g_autoptr(GpmPod) pod = gpm_pod_new (typed, &error);

    g_assert_no_error (error);
    gpm_test_pod_set_browser_user (f->tp, "alice", TRUE);
    g_assert_true (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (gpm_pod_get_address (pod), ==, gpm_test_pod_get_url (f->tp));
  }
  /* a move to plain http off this machine is refused */
  {
    g_autoptr(GpmPod) pod = gpm_pod_new (typed, &error);
    g_autoptr(GpmPodInfo) info = NULL;

    gpm_test_pod_set_moved (apex, "http://pod.example");
    info = gpm_pod_discover (pod, NULL, &error);
    g_assert_null (info);
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_INSECURE);
  }
}

/* "The other host" a pod's front may send the client to: a sign-on proxy
 * or a maintenance page, here at its worst, a look-alike of a diaspora*
 * sign-in form that takes any POST. It runs in its own thread (the pod
 * client blocks this one) and records what reaches it. */
typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  GMutex        lock;
  GCond         ready;
  guint         requests;
  guint         posts;
  guint         password_seen;
} OtherHost;

static void
other_host_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                    GHashTable *query, gpointer user_data)
{
  OtherHost *o = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  static const char page[] =
    "<html><body><form action=\"/users/sign_in\" method=\"post\">"
    "<input name=\"authenticity_token\" value=\"sso-token\">"
    "<input name=\"user[username]\"><input name=\"user[password]\" type=\"password\">"
    "</form></body></html>";

  g_mutex_lock (&o->lock);
  o->requests++;
  if (g_str_equal (soup_server_message_get_method (msg), "POST"))
    o->posts++;
  /* the password, as typed or in a form */
  if (strstr (text, PASSWORD))
    o->password_seen++;
  else
    {
      g_autoptr(GHashTable) form = soup_form_decode (text);

      if (g_strcmp0 (g_hash_table_lookup (form, "user[password]"), PASSWORD) == 0)
        o->password_seen++;
    }
  g_mutex_unlock (&o->lock);
  if (g_str_equal (soup_server_message_get_method (msg), "POST"))
    soup_server_message_set_redirect (msg, 302, "/stream");
  else
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
    }
}

static gpointer
other_host_thread (gpointer data)
{
  OtherHost *o = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (loopback, 0);

  g_main_context_push_thread_default (o->context);
  o->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (o->server, NULL, other_host_handler, o, NULL);
  g_assert_true (soup_server_listen (o->server, addr, 0, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (o->server);
  g_mutex_lock (&o->lock);
  o->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&o->ready);
  g_mutex_unlock (&o->lock);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  g_main_loop_run (o->loop);
  soup_server_disconnect (o->server);
  g_clear_object (&o->server);
  g_main_context_pop_thread_default (o->context);
  return NULL;
}

static OtherHost *
other_host_new (void)
{
  OtherHost *o = g_new0 (OtherHost, 1);

  g_mutex_init (&o->lock);
  g_cond_init (&o->ready);
  o->context = g_main_context_new ();
  o->loop = g_main_loop_new (o->context, FALSE);
  o->thread = g_thread_new ("other-host", other_host_thread, o);
  g_mutex_lock (&o->lock);
  while (o->url == NULL)
    g_cond_wait (&o->ready, &o->lock);
  g_mutex_unlock (&o->lock);
  return o;
}

static gboolean
other_host_quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
other_host_free (OtherHost *o)
{
  g_main_context_invoke (o->context, other_host_quit, o->loop);
  g_thread_join (o->thread);
  g_main_loop_unref (o->loop);
  g_main_context_unref (o->context);
  g_mutex_clear (&o->lock);
  g_cond_clear (&o->ready);
  g_free (o->url);
  g_free (o);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtherHost, other_host_free)

/* What stands in front of the pod sends discovery and the sign-in
 * elsewhere for a while (302, 303, 307: a single sign-on proxy, nginx
 * auth_request with "error_page 401 =302 https://sso…"; a maintenance
 * page): that is no move. The old client followed it as one, made the
 * other host the pod's address and posted the password to its form. Now
 * discovery and the sign-in fail with GPM_POD_ERROR_REDIRECTED naming that
 * address, the pod's address stays, and nothing reaches the other host,
 * the password least of all; when the redirect ends, both work. */
static void
test_redirected_discovery (Fixture *f, gconstpointer data)
{
  g_autoptr(OtherHost) other = other_host_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *other_address = gpm_pod_normalize_address (other->url, &error);
  const guint statuses[] = { 302, 303, 307 };
  /* everything, or only the sign-in form and its POST */
  const char *prefixes[] = { NULL, "/users/sign_in" };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    for (guint j = 0; j < G_N_ELEMENTS (prefixes); j++)
      {
        g_autoptr(GpmPod) pod = new_pod (f);
        g_autoptr(GpmPodInfo) info = NULL;

        gpm_test_pod_set_redirected (f->tp, other->url, statuses[i], prefixes[j]);
        info = gpm_pod_discover (pod, NULL, &error);
        if (prefixes[j] == NULL)
          {
            g_assert_null (info);
            g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED);
            g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, statuses[i]);
            g_assert_nonnull (strstr (error->message, other_address));
            g_clear_error (&error);
          }
        else
          {
            /* nodeinfo answers; the sign-in page is not needed */
            g_assert_no_error (error);
            g_assert_nonnull (info);
          }
        g_assert_cmpstr (gpm_pod_get_address (pod), ==, gpm_test_pod_get_url (f->tp));

        g_assert_false (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
        g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED);
        g_assert_nonnull (strstr (error->message, other_address));
        g_clear_error (&error);
        g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_NONE);
        g_assert_cmpstr (gpm_pod_get_address (pod), ==, gpm_test_pod_get_url (f->tp));
      }
  g_mutex_lock (&other->lock);
  g_assert_cmpuint (other->requests, ==, 0);
  g_assert_cmpuint (other->posts, ==, 0);
  g_assert_cmpuint (other->password_seen, ==, 0);
  g_mutex_unlock (&other->lock);

  /* the redirect ends: discovery and the sign-in, with diaspora's own
   * redirect after it (to /stream on the address asked) */
  gpm_test_pod_set_redirected (f->tp, NULL, 0, NULL);
  {
    g_autoptr(GpmPod) pod = new_pod (f);
    g_autoptr(GpmPodInfo) info = gpm_pod_discover (pod, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (info);
    g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (gpm_pod_get_address (pod), ==, gpm_test_pod_get_url (f->tp));
  }
}

/* The pod reached at another name than its configured one (localhost for
 * 127.0.0.1): diaspora's redirect after the sign-in is a path on the host
 * asked (app/controllers/application_controller.rb:120-135), and the
 * pod's other pages name the configured one; the sign-in works, with no
 * REDIRECTED. */
static void
test_sign_in_other_name (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (gpm_test_pod_get_url (f->tp), G_URI_FLAGS_NONE, NULL);
  g_autofree char *local = g_strdup_printf ("http://localhost:%d", g_uri_get_port (uri));
  g_autoptr(GpmPod) pod = gpm_pod_new (local, &error);
  g_autoptr(GpmPodInfo) info = NULL;

  g_assert_no_error (error);
  info = gpm_pod_discover (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gpm_pod_get_address (pod), ==, local);
}

/* A server that is not a pod, in this thread's main context (async API). */
static void
not_a_pod_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                   GHashTable *query, gpointer user_data)
{
  if (g_str_equal (path, "/.well-known/nodeinfo"))
    {
      static const char jrd[] = "{\"links\":[{\"rel\":\"http://nodeinfo.diaspora.software/ns/schema/2.0\","
                                "\"href\":\"%s/nodeinfo/2.0\"}]}";
      g_autofree char *body = g_strdup_printf (jrd, (const char *) user_data);

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
    }
  else if (g_str_equal (path, "/nodeinfo/2.0"))
    {
      static const char doc[] = "{\"version\":\"2.0\",\"software\":{\"name\":\"mastodon\",\"version\":\"4.2\"}}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, doc, strlen (doc));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
on_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;
  GpmPodInfo *info = gpm_pod_discover_finish (GPM_POD (source), result, error);

  g_assert_null (info);
}

/* @server listening on 127.0.0.1 at a port the kernel picks (HTTPS with
 * @flags SOUP_SERVER_LISTEN_HTTPS); its address. */
static char *
listen_on_loopback (SoupServer             *server,
                    SoupServerListenOptions flags)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  char *url;

  g_assert_true (soup_server_listen (server, addr, flags, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("%s://127.0.0.1:%d", flags & SOUP_SERVER_LISTEN_HTTPS ? "https" : "http",
                         g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

static void
test_not_diaspora (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) pod = NULL;
  g_autofree char *url = listen_on_loopback (server, 0);

  soup_server_add_handler (server, NULL, not_a_pod_handler, url, NULL);

  pod = gpm_pod_new (url, &error);
  g_assert_no_error (error);
  gpm_pod_discover_async (pod, NULL, on_discovered, &error);
  for (int i = 0; i < 100000 && error == NULL; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_DIASPORA);
  g_assert_nonnull (strstr (error->message, "mastodon"));
}

static void
old_pod_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                 GHashTable *query, gpointer user_data)
{
  static const char page[] = "<html><head><meta name=\"csrf-token\" content=\"abc\" /></head><body>"
                             "<form action=\"/users/sign_in\" method=\"post\">"
                             "<input name=\"user[username]\" /><input name=\"user[password]\" type=\"password\" />"
                             "</form></body></html>";

  if (g_str_equal (path, "/users/sign_in"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "X-Diaspora-Version", "0.6.7.0-p1234");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
on_discovered_ok (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GpmPodInfo **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = gpm_pod_discover_finish (GPM_POD (source), result, &error);
  g_assert_no_error (error);
}

/* A pod without nodeinfo is recognised by its sign-in page. */
static void
test_discover_without_nodeinfo (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) pod = NULL;
  g_autofree char *url = listen_on_loopback (server, 0);
  GpmPodInfo *info = NULL;

  soup_server_add_handler (server, NULL, old_pod_handler, NULL, NULL);

  pod = gpm_pod_new (url, &error);
  g_assert_no_error (error);
  gpm_pod_discover_async (pod, NULL, on_discovered_ok, &info);
  for (int i = 0; i < 100000 && info == NULL; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (info);
  g_assert_cmpstr (info->software_name, ==, "diaspora");
  g_assert_cmpstr (info->software_version, ==, "0.6.7.0-p1234");
  g_assert_false (info->has_api);
  gpm_pod_info_unref (info);
}

static void
test_unreachable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GpmPodInfo) info = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  /* a port that nothing listens on: bind one, then close it */
  {
    g_autoptr(GSocketListener) l = g_socket_listener_new ();
    port = g_socket_listener_add_any_inet_port (l, NULL, &error);
    g_assert_no_error (error);
    g_socket_listener_close (l);
  }
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  pod = gpm_pod_new (url, &error);
  g_assert_no_error (error);
  info = gpm_pod_discover (pod, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_UNREACHABLE);
  g_assert_true (gpm_pod_error_is_transient (error));
  g_assert_false (gpm_pod_error_is_uncertain (error));
}

/* A pod that cannot be connected to (its accept queue is full, so the
 * kernel drops the SYNs) fails within the connect timeout, even with no I/O
 * timeout at all. */
static void
test_connect_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GPtrArray) fillers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GpmPodInfo) info = NULL;
  g_autofree char *url = NULL;
  gint64 start;

  g_assert_no_error (error);
  g_socket_set_listen_backlog (listener, 0);
  g_assert_true (g_socket_bind (listener, any, TRUE, &error));
  g_assert_true (g_socket_listen (listener, &error));
  bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 4; i++)
    {
      GSocket *c = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);

      g_socket_set_blocking (c, FALSE);
      g_socket_connect (c, bound, NULL, NULL);
      g_ptr_array_add (fillers, c);
    }
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  pod = gpm_pod_new (url, &error);
  gpm_pod_set_timeout (pod, 0);
  gpm_pod_set_connect_timeout (pod, 2);
  start = g_get_monotonic_time ();
  info = gpm_pod_discover (pod, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_UNREACHABLE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1 * G_USEC_PER_SEC);
}

/* A server that takes the connection and never answers: bounded by the I/O
 * timeout; the request was sent, so it may have been carried out. */
static void
test_never_answers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) l = g_socket_listener_new ();
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GpmPodInfo) info = NULL;
  g_autofree char *url = NULL;
  guint16 port;
  gint64 start;

  /* listening, never accepting: the kernel completes the handshake */
  {
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
    g_autoptr(GSocketAddress) effective = NULL;

    g_assert_true (g_socket_listener_add_address (l, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                  NULL, &effective, &error));
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  }
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  pod = gpm_pod_new (url, &error);
  gpm_pod_set_timeout (pod, 1);
  start = g_get_monotonic_time ();
  info = gpm_pod_discover (pod, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
tls_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
             GHashTable *query, gpointer user_data)
{
  soup_server_message_set_status (msg, 200, NULL);
}

typedef struct {
  GpmPod *pod;
  GError *error;
  gint    done;
} TlsClient;

static gpointer
tls_client_thread (gpointer data)
{
  TlsClient *c = data;
  GpmPodInfo *info = gpm_pod_discover (c->pod, NULL, &c->error);

  g_assert_null (info);
  g_atomic_int_set (&c->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_tls_failure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autofree char *url = NULL;
  TlsClient c = { 0 };
  GThread *thread;

  cert = g_tls_certificate_new_from_file (g_test_get_filename (G_TEST_DIST, "data", "pod-selfsigned.pem", NULL),
                                          &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, tls_handler, NULL, NULL);
  url = listen_on_loopback (server, SOUP_SERVER_LISTEN_HTTPS);

  c.pod = gpm_pod_new (url, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("client", tls_client_thread, &c);
  /* serve the handshake here until the client gives up */
  while (!g_atomic_int_get (&c.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_assert_error (c.error, GPM_POD_ERROR, GPM_POD_ERROR_TLS);
  g_assert_false (gpm_pod_error_is_transient (c.error));
  g_assert_nonnull (strstr (c.error->message, "not signed by a known authority"));
  g_test_message ("TLS message: %s", c.error->message);
  g_error_free (c.error);
  g_object_unref (c.pod);
}

/* ------------------------------------------------------------ web sign-in */

/* A closed or locked account: the right password, and the pod says it is
 * locked (not "wrong password", which would have the user try again). */
static void
test_web_locked (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;

  gpm_test_pod_lock_user (f->tp, "alice");
  g_assert_false (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_ACCOUNT_LOCKED);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);
  g_assert_false (gpm_pod_sign_in_password (pod, "alice", "wrong", NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "not correct"));
}

static void
test_web_sign_in (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *guid = NULL;
  g_autofree char *user = NULL;
  g_autofree char *did = NULL;

  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_NONE);
  g_assert_false (gpm_pod_sign_in_password (pod, "alice", "wrong", NULL, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_WRONG_CREDENTIALS);
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_NONE);
  g_clear_error (&error);
  g_assert_false (gpm_pod_sign_in_password (pod, "nobody", PASSWORD, NULL, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_WRONG_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "not correct"));
  g_clear_error (&error);

  /* the full handle of an account on this pod works too */
  {
    g_autofree char *handle = g_strconcat ("alice@127.0.0.1", NULL);
    g_assert_true (gpm_pod_sign_in_password (pod, handle, PASSWORD, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_WEB);
  guid = gpm_pod_dup_user_guid (pod);
  user = gpm_pod_dup_username (pod);
  did = gpm_pod_dup_diaspora_id (pod);
  g_assert_cmpstr (guid, ==, f->alice_guid);
  g_assert_cmpstr (user, ==, "alice");
  g_assert_true (g_str_has_prefix (did, "alice@127.0.0.1:"));
  g_assert_null (gpm_pod_dup_api_secret (pod));

  gpm_pod_sign_out (pod);
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_NONE);
  {
    g_autoptr(GPtrArray) aspects = gpm_pod_list_aspects (pod, NULL, &error);
    g_assert_null (aspects);
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_SIGNED_IN);
  }
}

static void
test_web_two_factor (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;

  g_assert_false (gpm_pod_sign_in_password (pod, "bob", "bobs password", NULL, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_TWO_FACTOR_NEEDED);
  g_clear_error (&error);
  g_assert_false (gpm_pod_sign_in_password (pod, "bob", "bobs password", "999999", NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_WRONG_CREDENTIALS);
  g_clear_error (&error);
  g_assert_false (gpm_pod_sign_in_password (pod, "bob", "wrong", "123456", NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_WRONG_CREDENTIALS);
  g_clear_error (&error);
  g_assert_true (gpm_pod_sign_in_password (pod, "bob", "bobs password", "123456", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_WEB);
}

static void
test_web_throttle (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;

  /* rack-attack: 20 sign-in POSTs per 5 minutes, then 429 */
  for (int i = 0; i < 20; i++)
    {
      g_assert_false (gpm_pod_sign_in_password (pod, "alice", "wrong", NULL, NULL, &error));
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_WRONG_CREDENTIALS);
      g_clear_error (&error);
    }
  g_assert_false (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 429);
  g_assert_true (gpm_pod_error_is_transient (error));
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/users/sign_in"), ==, 42);
}

/* ------------------------------------------------------------ API sign-in */

static void
test_api_sign_in (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = api_pod (f);
  g_autoptr(GpmPod) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *guid = gpm_pod_dup_user_guid (pod);
  g_autofree char *secret = gpm_pod_dup_api_secret (pod);
  g_autofree char *user = gpm_pod_dup_username (pod);
  g_autoptr(GPtrArray) aspects = NULL;

  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_API);
  g_assert_cmpstr (guid, ==, f->alice_guid);
  g_assert_cmpstr (user, ==, "alice");
  g_assert_nonnull (secret);
  g_assert_null (strstr (secret, PASSWORD));

  /* the keyring secret restores the session without a browser */
  again = new_pod (f);
  g_assert_true (gpm_pod_sign_in_api_secret (again, secret, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gpm_pod_get_auth (again), ==, GPM_POD_AUTH_API);
  aspects = gpm_pod_list_aspects (again, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 2);

  /* a secret the pod no longer knows */
  g_clear_object (&again);
  again = new_pod (f);
  g_assert_false (gpm_pod_sign_in_api_secret (again, "{\"token_endpoint\":\"http://127.0.0.1:1/x\","
                                                     "\"client_id\":\"a\",\"refresh_token\":\"b\"}",
                                              NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_UNREACHABLE);
  g_clear_error (&error);
  g_assert_false (gpm_pod_sign_in_api_secret (again, "not json", NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED);
}

/* diaspora refuses a second client with the same name and redirect URI */
static void
test_api_register_again (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;

  gpm_test_pod_set_browser_user (f->tp, "alice", TRUE);
  gpm_test_pod_inject_fault (f->tp, "/api/openid_connect/clients", GPM_TEST_POD_FAULT_STATUS, 400, 1);
  g_assert_true (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/api/openid_connect/clients"), ==, 2);

  gpm_test_pod_inject_fault (f->tp, "/api/openid_connect/clients", GPM_TEST_POD_FAULT_STATUS, 400, 2);
  g_assert_false (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
}

static void
test_api_denied (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;

  gpm_test_pod_set_browser_user (f->tp, "alice", FALSE);
  g_assert_false (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_DENIED);
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_NONE);
}

static void
test_api_not_offered (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;

  gpm_test_pod_set_api_enabled (f->tp, FALSE);
  g_assert_false (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_API);
}

static void
cancel_on_open (const char *uri, gpointer user_data)
{
  g_assert_true (g_str_has_prefix (uri, "http://127.0.0.1:"));
  g_assert_nonnull (strstr (uri, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (uri, "redirect_uri=http%3A%2F%2F127.0.0.1%3A"));
  g_cancellable_cancel (user_data);
}

static void
test_api_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_assert_false (gpm_pod_sign_in_api (pod, cancel_on_open, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* -------------------------------------------------- the tool, as a process */

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static void
test_tool (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tool = g_test_build_filename (G_TEST_BUILT, "gpm-test-pod-tool", NULL);
  g_autofree char *dump_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *guid = NULL;
  g_autofree char *dumped = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("from another process");
  g_autoptr(GPtrArray) aspects = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 aspect_id = 0;
  int fd;

  fd = g_file_open_tmp ("gpm-test-pod-dump-XXXXXX.json", &dump_path, &error);
  g_assert_no_error (error);
  close (fd);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           tool, "--user", "carol:secret words", "--aspect", "carol:Friends",
                           "--dump-file", dump_path, "--watch-stdin", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *line = read_line (out);

      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "url "))
        url = g_strdup (line + 4);
      else if (g_str_has_prefix (line, "user carol "))
        guid = g_strdup (line + strlen ("user carol "));
      else if (g_str_has_prefix (line, "aspect carol Friends "))
        aspect_id = g_ascii_strtoll (line + strlen ("aspect carol Friends "), NULL, 10);
      else if (g_str_equal (line, "ready"))
        break;
    }
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_cmpint (aspect_id, >, 0);

  pod = gpm_pod_new (url, &error);
  g_assert_no_error (error);
  g_assert_true (gpm_pod_sign_in_password (pod, "carol", "secret words", NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *mine = gpm_pod_dup_user_guid (pod);
    g_assert_cmpstr (mine, ==, guid);
  }
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((GpmPodAspect *) g_ptr_array_index (aspects, 0))->id, ==, aspect_id);

  /* a fault injected over HTTP */
  {
    g_autofree char *fault_url = g_strconcat (url, "/_test/fault", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", fault_url);
    static const char body[] = "{\"kind\":\"status\",\"path\":\"/status_messages\",\"param\":503,\"count\":1}";
    g_autoptr(GBytes) reply = NULL;

    soup_message_set_request_body_from_bytes (msg, "application/json",
                                              g_bytes_new_static (body, strlen (body)));
    reply = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  }
  g_array_append_val (draft->aspect_ids, aspect_id);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 503);
  g_clear_error (&error);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);

  /* what it stored, over HTTP */
  {
    g_autofree char *dump_url = g_strconcat (url, "/_test/dump", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", dump_url);
    g_autoptr(GBytes) reply = soup_session_send_and_read (session, msg, NULL, &error);
    JsonArray *posts;

    g_assert_no_error (error);
    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                               g_bytes_get_size (reply), &error));
    posts = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "posts");
    g_assert_cmpuint (json_array_get_length (posts), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (posts, 0), "text"), ==,
                     "from another process");
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (posts, 0), "public"));
  }

  /* closing stdin ends it, and it leaves the dump behind */
  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (proc), NULL, &error));
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (dump_path, &dumped, NULL, &error));
  g_assert_nonnull (strstr (dumped, "from another process"));
  g_unlink (dump_path);
}

/* ---------------------------------------------------------- notifications */

typedef struct {
  GMainContext *owner;
  guint         count;
  GThread      *thread;     /* where the last one ran */
  gboolean      in_owner;   /* while @owner was being iterated */
} Seen;

static void
on_notify_seen (GObject *object, GParamSpec *pspec, gpointer data)
{
  Seen *seen = data;

  seen->count++;
  seen->thread = g_thread_self ();
  seen->in_owner = g_main_context_is_owner (seen->owner);
}

static gpointer
sign_in_thread (gpointer pod)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
  g_assert_no_error (error);
  return NULL;
}

static gpointer
aspects_thread (gpointer pod)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) aspects = gpm_pod_list_aspects (pod, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (aspects);
  return NULL;
}

/* GpmPod notifies only in the main context it was made in: "auth" after a
 * sign-in and "api-secret" after a refresh that rotated the refresh token,
 * both in worker threads, arrive when that context runs, in its thread,
 * and not before (not in the worker, not in another context). */
static void
test_notify_owner_context (Fixture *f, gconstpointer data)
{
  g_autoptr(GMainContext) owner = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) pod = NULL;
  Seen auth = { owner }, secret = { owner };

  g_main_context_push_thread_default (owner);
  pod = new_pod (f);
  g_signal_connect (pod, "notify::auth", G_CALLBACK (on_notify_seen), &auth);
  g_signal_connect (pod, "notify::api-secret", G_CALLBACK (on_notify_seen), &secret);

  g_thread_join (g_thread_new ("sign-in", sign_in_thread, pod));
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_WEB);
  g_assert_cmpuint (auth.count, ==, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (auth.count, ==, 0);
  while (g_main_context_iteration (owner, FALSE))
    ;
  g_assert_cmpuint (auth.count, ==, 1);
  g_assert_true (auth.thread == g_thread_self ());
  g_assert_true (auth.in_owner);

  /* called in the owner's own thread and context: at once */
  gpm_test_pod_set_rotate_refresh_tokens (f->tp, TRUE);
  gpm_test_pod_set_browser_user (f->tp, "alice", TRUE);
  g_assert_true (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (auth.count, ==, 2);
  g_assert_cmpuint (secret.count, ==, 1);

  /* the token expires; the worker's request refreshes it and gets a new
   * refresh token */
  gpm_test_pod_inject_fault (f->tp, "/api/v1/aspects", GPM_TEST_POD_FAULT_EXPIRE_TOKEN, 0, 1);
  g_thread_join (g_thread_new ("aspects", aspects_thread, pod));
  g_assert_cmpuint (secret.count, ==, 1);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (secret.count, ==, 1);
  while (g_main_context_iteration (owner, FALSE))
    ;
  g_assert_cmpuint (secret.count, ==, 2);
  g_assert_true (secret.thread == g_thread_self ());
  g_assert_true (secret.in_owner);
  g_assert_cmpuint (auth.count, ==, 2);

  g_signal_handlers_disconnect_by_data (pod, &auth);
  g_signal_handlers_disconnect_by_data (pod, &secret);
  g_main_context_pop_thread_default (owner);
}

/* The pod as the app names it (the background notification): the address
 * without its scheme, or the name set, which changes nothing else. */
static void
test_display_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPod) pod = gpm_pod_new ("https://pod.example:8443", &error);
  g_autoptr(GpmPod) local = gpm_pod_new ("http://127.0.0.1:3000", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (gpm_pod_get_address (pod), ==, "https://pod.example:8443");
  g_assert_cmpstr (gpm_pod_get_display_name (pod), ==, "pod.example:8443");
  g_assert_cmpstr (gpm_pod_get_display_name (local), ==, "127.0.0.1:3000");
  gpm_pod_set_display_name (local, "pod.example");
  g_assert_cmpstr (gpm_pod_get_display_name (local), ==, "pod.example");
  g_assert_cmpstr (gpm_pod_get_address (local), ==, "http://127.0.0.1:3000");
}

/* The one retry policy: exponential, capped, half of it random. */
static void
test_retry_delay (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = g_error_new_literal (GPM_POD_ERROR, GPM_POD_ERROR_SERVER, "busy");
  gboolean varied = FALSE;
  guint64 first = 0;

  for (guint attempt = 0; attempt < 40; attempt++)
    {
      guint64 full = MIN ((guint64) 2000 << MIN (attempt, 24u), (guint64) 300000);

      for (int i = 0; i < 20; i++)
        {
          guint64 ms = gpm_pod_retry_delay_ms (error, attempt, 2000, 300000, rand);

          g_assert_cmpuint (ms, >=, full / 2);
          g_assert_cmpuint (ms, <=, full);
          if (attempt == 0 && i == 0)
            first = ms;
          else if (attempt == 0 && ms != first)
            varied = TRUE;
        }
    }
  g_assert_true (varied);
  g_assert_cmpuint (gpm_pod_retry_delay_ms (NULL, 3, 0, 0, NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pod/normalize", test_normalize);
  g_test_add_func ("/pod/not-diaspora", test_not_diaspora);
  g_test_add_func ("/pod/unreachable", test_unreachable);
  g_test_add_func ("/pod/connect-timeout", test_connect_timeout);
  g_test_add_func ("/pod/never-answers", test_never_answers);
  g_test_add_func ("/pod/discover-without-nodeinfo", test_discover_without_nodeinfo);
  g_test_add_func ("/pod/tls-failure", test_tls_failure);
  g_test_add_func ("/pod/tool", test_tool);
  g_test_add_func ("/pod/retry-delay", test_retry_delay);
  g_test_add_func ("/pod/display-name", test_display_name);
  pod_test_add ("/pod/discover", (GTestFixtureFunc) test_discover, NULL);
  pod_test_add ("/pod/discover-0.7", (GTestFixtureFunc) test_discover_0_7, NULL);
  pod_test_add ("/pod/moved", (GTestFixtureFunc) test_moved, NULL);
  pod_test_add ("/pod/redirected", (GTestFixtureFunc) test_redirected_discovery, NULL);
  pod_test_add ("/pod/web/sign-in-other-name", (GTestFixtureFunc) test_sign_in_other_name, NULL);
  pod_test_add ("/pod/discover-0.8", (GTestFixtureFunc) test_discover_0_8, NULL);
  pod_test_add ("/pod/api/invalid-scope", (GTestFixtureFunc) test_api_invalid_scope, NULL);
  pod_test_add ("/pod/web/sign-in", (GTestFixtureFunc) test_web_sign_in, NULL);
  pod_test_add ("/pod/web/locked", (GTestFixtureFunc) test_web_locked, NULL);
  pod_test_add ("/pod/web/two-factor", (GTestFixtureFunc) test_web_two_factor, NULL);
  pod_test_add ("/pod/web/throttle", (GTestFixtureFunc) test_web_throttle, NULL);
  pod_test_add ("/pod/api/sign-in", (GTestFixtureFunc) test_api_sign_in, NULL);
  pod_test_add ("/pod/api/denied", (GTestFixtureFunc) test_api_denied, NULL);
  pod_test_add ("/pod/api/register-again", (GTestFixtureFunc) test_api_register_again, NULL);
  pod_test_add ("/pod/api/not-offered", (GTestFixtureFunc) test_api_not_offered, NULL);
  pod_test_add ("/pod/api/cancelled", (GTestFixtureFunc) test_api_cancelled, NULL);
  pod_test_add ("/pod/notify-owner-context", (GTestFixtureFunc) test_notify_owner_context, NULL);

  return g_test_run ();
}
