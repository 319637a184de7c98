/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pod.c: the diaspora* client (gpm-pod) against the pod double. */
#define G_LOG_DOMAIN "test-pod"

#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "gpm-pod.h"
#include "gpm-test-pod.h"

#define PASSWORD "correct horse battery staple"

typedef struct {
  GpmTestPod *tp;
  char       *alice_guid;
  gint64      friends;
  gint64      family;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->tp = gpm_test_pod_new (0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->tp);
  f->alice_guid = gpm_test_pod_add_user (f->tp, "alice", PASSWORD, NULL);
  g_free (gpm_test_pod_add_user (f->tp, "bob", "bobs password", "123456"));
  f->friends = gpm_test_pod_add_aspect (f->tp, "alice", "Friends");
  f->family = gpm_test_pod_add_aspect (f->tp, "alice", "Family");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->tp);
  g_free (f->alice_guid);
}

static GpmPod *
new_pod (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GpmPod *pod = gpm_pod_new (gpm_test_pod_get_url (f->tp), &error);

  g_assert_no_error (error);
  g_assert_nonnull (pod);
  return pod;
}

static GpmPod *
web_pod (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GpmPod *pod = new_pod (f);

  g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
  g_assert_no_error (error);
  return pod;
}

static GpmPod *
api_pod (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GpmPod *pod = new_pod (f);

  gpm_test_pod_set_browser_user (f->tp, "alice", TRUE);
  g_assert_true (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_no_error (error);
  return pod;
}

typedef GpmPod *(*PodMaker) (Fixture *f);

static GpmTestPodPost *
only_post (Fixture *f, GPtrArray **keep)
{
  *keep = gpm_test_pod_dup_posts (f->tp);
  g_assert_cmpuint ((*keep)->len, ==, 1);
  return g_ptr_array_index (*keep, 0);
}

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

/* ------------------------------------------------------ aspects and posts */

static void
test_aspects (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  GpmPodAspect *a;

  /* more than one API page (15) */
  for (int i = 0; i < 16; i++)
    {
      g_autofree char *name = g_strdup_printf ("Circle %02d", i);
      gpm_test_pod_add_aspect (f->tp, "alice", name);
    }
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 18);
  a = g_ptr_array_index (aspects, 0);
  g_assert_cmpint (a->id, ==, f->friends);
  g_assert_cmpstr (a->name, ==, "Friends");
  a = g_ptr_array_index (aspects, 17);
  g_assert_cmpstr (a->name, ==, "Circle 15");
}

static const char *
aspects_path (GpmPod *pod)
{
  return gpm_pod_get_auth (pod) == GPM_POD_AUTH_API ? "/api/v1/aspects" : "/aspects";
}

static void
test_create_aspect (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;
  g_autoptr(GpmPodAspect) wide = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  GpmPodAspect *last;
  const char *path = aspects_path (pod);
  /* 20 characters, 40 bytes: diaspora counts characters */
  const char *twenty = "Ääääääääääääääääääää";
  const char *refused[] = { "", "   ", "Twenty-one characters", NULL };
  guint n_requests;

  /* stripped as Aspect's before_validation does */
  made = gpm_pod_create_aspect (pod, "  Old Schoolmates \t", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpstr (made->name, ==, "Old Schoolmates");
  g_assert_cmpint (made->id, >, 0);
  g_assert_cmpint (made->id, !=, f->friends);
  g_assert_cmpint (made->id, !=, f->family);

  /* it is one of the account's aspects now, last */
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 3);
  last = g_ptr_array_index (aspects, 2);
  g_assert_cmpint (last->id, ==, made->id);
  g_assert_cmpstr (last->name, ==, "Old Schoolmates");

  /* unique per account, whatever the case: the pod refuses, and the error
   * says why (the web answers an empty 422) */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GpmPodAspect) again = gpm_pod_create_aspect (pod, i == 0 ? "old schoolmates" : "FRIENDS",
                                                             NULL, &error);

      g_assert_null (again);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NAME_TAKEN);
      g_assert_nonnull (strstr (error->message, i == 0 ? "Old Schoolmates" : "Friends"));
      g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 422);
      g_clear_error (&error);
    }
  n_requests = gpm_test_pod_count_requests (f->tp, path);

  /* empty and too long: refused before sending */
  for (guint i = 0; refused[i] != NULL; i++)
    {
      g_autoptr(GpmPodAspect) none = gpm_pod_create_aspect (pod, refused[i], NULL, &error);

      g_assert_null (none);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NAME_INVALID);
      g_clear_error (&error);
    }
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, path), ==, n_requests);

  wide = gpm_pod_create_aspect (pod, twenty, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wide->name, ==, twenty);

  g_clear_pointer (&aspects, g_ptr_array_unref);
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 4);
}

/* The answer never came, but the pod made it: the aspect list says so */
static void
test_create_aspect_no_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;
  g_autoptr(GPtrArray) aspects = NULL;

  gpm_test_pod_inject_fault (f->tp, aspects_path (pod), GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 1);
  made = gpm_pod_create_aspect (pod, "Neighbours", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpstr (made->name, ==, "Neighbours");
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 3);
  g_assert_cmpint (((GpmPodAspect *) g_ptr_array_index (aspects, 2))->id, ==, made->id);
}

static void
test_create_aspect_not_signed_in (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = gpm_pod_create_aspect (pod, "Neighbours", NULL, &error);

  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_SIGNED_IN);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/aspects"), ==, 0);
}

/* A 0.7.18.2 pod: the same AspectsController#create on the web session */
static void
test_create_aspect_0_7 (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;

  gpm_test_pod_set_api_enabled (f->tp, FALSE);
  pod = web_pod (f);
  made = gpm_pod_create_aspect (pod, "Neighbours", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (made->name, ==, "Neighbours");
}

/* A token from before the client asked for contacts:modify */
static void
test_create_aspect_old_token (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = api_pod (f);
  g_autoptr(GpmPod) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;
  g_autoptr(GPtrArray) aspects = NULL;

  gpm_test_pod_remove_token_scope (f->tp, "contacts:modify");
  made = gpm_pod_create_aspect (pod, "Neighbours", NULL, &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_PERMITTED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 403);
  g_assert_nonnull (strstr (error->message, "Sign in to the pod again"));
  g_clear_error (&error);
  /* reading still works (contacts:read) */
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 2);

  /* a new sign-in asks for the scope */
  again = api_pod (f);
  made = gpm_pod_create_aspect (again, "Neighbours", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (made->name, ==, "Neighbours");
}

/* The kept session says what it was authorized for: one kept before the
 * client asked for contacts:modify still signs in, and says it lacks it */
static void
test_api_secret_scopes (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = api_pod (f);
  g_autoptr(GpmPod) restored = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = gpm_pod_dup_api_secret (pod);
  g_autofree char *old = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  g_assert_true (gpm_pod_api_secret_has_scopes (secret));
  g_assert_true (json_parser_load_from_data (parser, secret, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_nonnull (strstr (json_object_get_string_member (o, "scope"), "contacts:modify"));
  json_object_remove_member (o, "scope");
  old = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_false (gpm_pod_api_secret_has_scopes (old));
  g_assert_false (gpm_pod_api_secret_has_scopes (NULL));

  g_assert_true (gpm_pod_sign_in_api_secret (restored, old, NULL, &error));
  g_assert_no_error (error);
  again = gpm_pod_dup_api_secret (restored);
  g_assert_false (gpm_pod_api_secret_has_scopes (again));
}

typedef struct {
  GMainLoop    *loop;
  GpmPodAspect *aspect;
  GError       *error;
} CreateAsync;

static void
on_aspect_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CreateAsync *c = user_data;

  c->aspect = gpm_pod_create_aspect_finish (GPM_POD (source), result, &c->error);
  g_main_loop_quit (c->loop);
}

static void
test_create_aspect_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  CreateAsync c = { g_main_loop_new (NULL, FALSE) };

  gpm_pod_create_aspect_async (pod, "Neighbours", NULL, on_aspect_created, &c);
  g_main_loop_run (c.loop);
  g_assert_no_error (c.error);
  g_assert_cmpstr (c.aspect->name, ==, "Neighbours");
  gpm_pod_aspect_unref (c.aspect);
  c.aspect = NULL;

  gpm_pod_create_aspect_async (pod, "neighbours", NULL, on_aspect_created, &c);
  g_main_loop_run (c.loop);
  g_assert_null (c.aspect);
  g_assert_error (c.error, GPM_POD_ERROR, GPM_POD_ERROR_NAME_TAKEN);
  g_clear_error (&c.error);
  g_main_loop_unref (c.loop);
}

static void
test_public_post_with_photos (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xe0 not really a jpeg", 22);
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Hello from G+ #repost\n\nOriginally posted on Google+");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  GpmTestPodPost *p;

  id1 = gpm_pod_upload_photo (pod, jpeg, "a.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  id2 = gpm_pod_upload_photo (pod, jpeg, "b.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id1, !=, id2);
  photos = gpm_test_pod_dup_photos (f->tp);
  g_assert_cmpuint (photos->len, ==, 2);
  g_assert_true (((GpmTestPodPhoto *) g_ptr_array_index (photos, 0))->pending);
  g_assert_cmpuint (((GpmTestPodPhoto *) g_ptr_array_index (photos, 0))->size, ==, 22);
  g_clear_pointer (&photos, g_ptr_array_unref);

  draft->is_public = TRUE;
  g_ptr_array_add (draft->photo_ids, g_strdup (id1));
  g_ptr_array_add (draft->photo_ids, g_strdup (id2));
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made->guid);
  g_assert_true (made->is_public);
  g_assert_cmpstr (made->text, ==, draft->text);

  p = only_post (f, &posts);
  g_assert_cmpstr (p->guid, ==, made->guid);
  g_assert_cmpstr (p->text, ==, draft->text);
  g_assert_true (p->is_public);
  g_assert_cmpuint (p->photo_guids->len, ==, 2);
  g_assert_cmpuint (p->aspect_ids->len, ==, 0);
  if (!p->via_api)
    g_assert_cmpstr (p->provider_display_name, ==, "G+ repost");
  photos = gpm_test_pod_dup_photos (f->tp);
  for (guint i = 0; i < photos->len; i++)
    {
      GpmTestPodPhoto *ph = g_ptr_array_index (photos, i);
      g_assert_false (ph->pending);
      g_assert_cmpstr (ph->post_guid, ==, made->guid);
    }
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* diaspora's daily cleanup destroys pending photos; a post request naming
 * one is saved without it on the web (201) and refused by the API (422).
 * The answer shows how many photos the post really got, and a post can be
 * deleted (a second delete finds it gone and still succeeds). */
static void
test_photos_cleaned_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xe0 not really a jpeg", 22);
  g_autofree char *kept = NULL;
  g_autofree char *gone = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Two photos, one cleaned up");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  gone = gpm_pod_upload_photo (pod, jpeg, "gone.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  /* younger than a day: the real schedule keeps it */
  g_assert_cmpuint (gpm_test_pod_cleanup_pending_photos (f->tp, 24 * 3600), ==, 0);
  g_assert_cmpuint (gpm_test_pod_cleanup_pending_photos (f->tp, 0), ==, 1);
  kept = gpm_pod_upload_photo (pod, jpeg, "kept.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);

  draft->is_public = TRUE;
  g_ptr_array_add (draft->photo_ids, g_strdup (kept));
  g_ptr_array_add (draft->photo_ids, g_strdup (gone));
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  if (api)
    {
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
      g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 422);
      g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpint (made->n_photos, ==, 1);
  g_assert_cmpuint (only_post (f, &posts)->photo_guids->len, ==, 1);

  g_assert_true (gpm_pod_delete_post (pod, made->guid, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
  /* again, the async way: already gone is fine */
  {
    g_autoptr(GAsyncResult) result = NULL;

    gpm_pod_delete_post_async (pod, made->guid, NULL, store_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (gpm_pod_delete_post_finish (pod, result, &error));
    g_assert_no_error (error);
  }
}

/* An image the pod's processing cannot read: 500 on the web path (not
 * among the errors photos_controller.rb rescues), 422 through the API. */
static void
test_corrupt_image (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) corrupt = g_bytes_new_static ("\xff\xd8\xff\xe0 not really a jpeg", 22);
  g_autofree char *id = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  gpm_test_pod_set_check_images (f->tp, TRUE);
  id = gpm_pod_upload_photo (pod, corrupt, "broken.jpg", "image/jpeg", NULL, &error);
  g_assert_null (id);
  if (api)
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  else
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, api ? 422 : 500);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, api ? "/api/v1/photos" : "/photos"), ==, 1);
}

/* A proxy's body limit (nginx client_max_body_size): 413, once. */
static void
test_body_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (64 * 1024), 64 * 1024);
  g_autofree char *id = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  gpm_test_pod_set_body_limit (f->tp, 32 * 1024);
  id = gpm_pod_upload_photo (pod, big, "big.jpg", "image/jpeg", NULL, &error);
  g_assert_null (id);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 413);
  /* no second try the raw way: it is just as large */
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, api ? "/api/v1/photos" : "/photos"), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
}

/* The web path takes photo ids that are attached to another post away
 * from it (no pending filter); the API refuses them. */
static void
test_photos_moved (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xe0 not really a jpeg", 22);
  g_autofree char *id = NULL;
  g_autoptr(GpmPodDraft) first = gpm_pod_draft_new ("First");
  g_autoptr(GpmPodDraft) second = gpm_pod_draft_new ("Second");
  g_autoptr(GpmPodPost) a = NULL;
  g_autoptr(GpmPodPost) b = NULL;
  g_autoptr(GPtrArray) own = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  id = gpm_pod_upload_photo (pod, jpeg, "a.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  first->is_public = second->is_public = TRUE;
  g_ptr_array_add (first->photo_ids, g_strdup (id));
  g_ptr_array_add (second->photo_ids, g_strdup (id));
  a = gpm_pod_create_post (pod, first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->n_photos, ==, 1);
  b = gpm_pod_create_post (pod, second, NULL, &error);
  if (api)
    {
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (b->n_photos, ==, 1);
  own = gpm_pod_list_own_posts (pod, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (own->len, ==, 2);
  for (guint i = 0; i < own->len; i++)
    {
      GpmPodPost *p = g_ptr_array_index (own, i);

      g_assert_cmpint (p->n_photos, ==, g_str_equal (p->guid, b->guid) ? 1 : 0);
    }
}

/* A pod that refuses the multipart form gets the raw upload (diaspy's way). */
/* Takeout names with accents and ( ) [ ] ' = @ ; reach the pod as files:
 * the test pod parses Content-Disposition the way rack 2.2 does. */
static void
test_photo_file_names (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xe0 not really a jpeg", 22);
  const char *names[] = { "Été à Paris(1).jpg", "[x] l'été=@;.JPEG", "Фото (2).png", "日本.jpg",
                          "a \"quoted\" \\ name.jpg", "(1)", "" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *id = gpm_pod_upload_photo (pod, jpeg, names[i], "image/jpeg", NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (id);
    }
  {
    g_autoptr(GPtrArray) photos = gpm_test_pod_dup_photos (f->tp);
    g_assert_cmpuint (photos->len, ==, G_N_ELEMENTS (names));
  }
}

static void
test_upload_file_name (void)
{
  struct { const char *in, *out; } cases[] = {
    { "Été à Paris(1).jpg", "Ete_a_Paris_1.jpg" },
    { "[x] l'été=@;.JPEG", "x_l_ete.jpeg" },
    { "Takeout/Google+ Stream/Photos/IMG_0001.JPG", "IMG_0001.jpg" },
    { "日本.jpg", "photo.jpg" },
    { "", "photo" },
    { "no extension", "no_extension" },
    { "archive.tar.gz", "archive.tar.gz" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = gpm_pod_upload_file_name (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_web_raw_upload (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xe0 raw", 8);
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) photos = NULL;

  gpm_test_pod_inject_fault (f->tp, "/photos", GPM_TEST_POD_FAULT_STATUS, 422, 1);
  id = gpm_pod_upload_photo (pod, jpeg, "raw.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  photos = gpm_test_pod_dup_photos (f->tp);
  g_assert_cmpuint (photos->len, ==, 1);
  g_assert_cmpuint (((GpmTestPodPhoto *) g_ptr_array_index (photos, 0))->size, ==, 8);
  g_assert_true (((GpmTestPodPhoto *) g_ptr_array_index (photos, 0))->pending);

  /* refused both ways: the first refusal is reported */
  g_clear_pointer (&id, g_free);
  gpm_test_pod_inject_fault (f->tp, "/photos", GPM_TEST_POD_FAULT_STATUS, 422, 2);
  id = gpm_pod_upload_photo (pod, jpeg, "raw.jpg", "image/jpeg", NULL, &error);
  g_assert_null (id);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "raw.jpg"));
  g_clear_error (&error);

  /* an empty file: photos_controller answers 200 with success false */
  {
    g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
    id = gpm_pod_upload_photo (pod, empty, "empty.jpg", "image/jpeg", NULL, &error);
    g_assert_null (id);
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
    g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 200);
    g_assert_nonnull (strstr (error->message, "Are you sure an image was added?"));
  }
}

static void
test_limited_post (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Only for family");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  GpmTestPodPost *p;

  /* no aspect: refused before anything is sent */
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_clear_error (&error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);

  /* an aspect that is not the account's: the pod refuses */
  {
    gint64 bogus = 987654;
    g_array_append_val (draft->aspect_ids, bogus);
    made = gpm_pod_create_post (pod, draft, NULL, &error);
    g_assert_null (made);
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
    g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 422);
    g_clear_error (&error);
    g_array_set_size (draft->aspect_ids, 0);
  }

  g_array_append_val (draft->aspect_ids, f->family);
  g_array_append_val (draft->aspect_ids, f->friends);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (made->is_public);
  p = only_post (f, &posts);
  g_assert_false (p->is_public);
  g_assert_cmpuint (p->aspect_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (p->aspect_ids, gint64, 0), ==, f->family);
  g_assert_cmpint (g_array_index (p->aspect_ids, gint64, 1), ==, f->friends);
}

static void
test_poll_and_location (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Which one?");
  g_autoptr(GpmPodDraft) copy = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  GpmTestPodPost *p;

  draft->is_public = TRUE;
  draft->poll_question = g_strdup ("Tea or coffee?");
  g_ptr_array_add (draft->poll_answers, g_strdup ("Tea"));
  g_ptr_array_add (draft->poll_answers, g_strdup ("Coffee"));
  draft->location_address = g_strdup ("Kiel, Germany");
  draft->has_coordinates = TRUE;
  draft->latitude = 54.3233;
  draft->longitude = 10.1228;
  copy = gpm_pod_draft_copy (draft);
  made = gpm_pod_create_post (pod, copy, NULL, &error);
  g_assert_no_error (error);
  p = only_post (f, &posts);
  g_assert_cmpstr (p->poll_question, ==, "Tea or coffee?");
  g_assert_cmpuint (p->poll_answers->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (p->poll_answers, 1), ==, "Coffee");
  g_assert_cmpstr (p->location_address, ==, "Kiel, Germany");
  g_assert_cmpfloat_with_epsilon (p->latitude, 54.3233, 1e-9);
  g_assert_cmpfloat_with_epsilon (p->longitude, 10.1228, 1e-9);
  /* Fixed precision, never %.17g's 54.323300000000003. */
  g_assert_true (strstr (p->request_body, "54.323300,10.122800") != NULL       /* web: location_coords */
                 || strstr (p->request_body, "\"lat\":54.323300,\"lng\":10.122800") != NULL);  /* API */
  g_assert_null (strstr (p->request_body, "54.3233000"));
}

/* diaspora drops a location without coordinates without a word
 * (app/models/location.rb:5): the test pod does too, and saves the post. */
static void
test_location_without_coordinates (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Somewhere");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  GpmTestPodPost *p;

  draft->is_public = TRUE;
  draft->location_address = g_strdup ("Kiel harbour");
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  p = only_post (f, &posts);
  g_assert_cmpstr (p->text, ==, "Somewhere");
  g_assert_nonnull (strstr (p->request_body, "Kiel harbour"));
  g_assert_null (p->location_address);
}

static char *
text_of_length (glong chars)
{
  GString *s = g_string_new (NULL);

  /* multi-byte characters: the limit is in characters, not bytes */
  for (glong i = 0; i < chars; i++)
    g_string_append (s, i % 2 ? "ä" : "a");
  return g_string_free (s, FALSE);
}

static void
test_text_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *max = text_of_length (GPM_DIASPORA_MAX_TEXT_CHARS);
  g_autofree char *over = text_of_length (GPM_DIASPORA_MAX_TEXT_CHARS + 1);
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (over);
  g_autoptr(GpmPodPost) made = NULL;
  guint sent;

  draft->is_public = TRUE;
  sent = gpm_test_pod_count_requests (f->tp, NULL);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_TEXT_TOO_LONG);
  g_assert_false (gpm_pod_error_is_transient (error));
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, NULL), ==, sent);
  g_clear_error (&error);

  g_free (draft->text);
  draft->text = g_strdup (max);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

static void
test_null_id (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("stored nothing");
  g_autoptr(GpmPodPost) made = NULL;

  draft->is_public = TRUE;
  gpm_test_pod_inject_fault (f->tp, NULL, GPM_TEST_POD_FAULT_NULL_ID, 0, 1);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_TEXT_TOO_LONG);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
}

static void
test_own_posts (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GpmPodPost) found = NULL;

  for (int i = 0; i < 20; i++)
    {
      g_autofree char *text = g_strdup_printf ("post number %d\n", i);
      g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (text);
      g_autoptr(GpmPodPost) made = NULL;

      draft->is_public = i % 2 == 0;
      if (!draft->is_public)
        g_array_append_val (draft->aspect_ids, f->friends);
      made = gpm_pod_create_post (pod, draft, NULL, &error);
      g_assert_no_error (error);
      /* distinct seconds are not needed: pages overlap by design */
    }
  mine = gpm_pod_list_own_posts (pod, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 10);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (mine, 0))->text, ==, "post number 19\n");

  /* the newest match, trailing whitespace and \r ignored */
  found = gpm_pod_find_own_post (pod, "post number 17\r\n", 15, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_false (found->is_public);
  g_clear_pointer (&found, gpm_pod_post_unref);
  found = gpm_pod_find_own_post (pod, "never posted", 15, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

static void
test_own_posts_paging (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = NULL;

  for (int i = 0; i < 18; i++)
    {
      g_autofree char *text = g_strdup_printf ("paged %d", i);
      g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (text);
      g_autoptr(GpmPodPost) made = NULL;

      draft->is_public = TRUE;
      made = gpm_pod_create_post (pod, draft, NULL, &error);
      g_assert_no_error (error);
      if (i == 2)
        g_usleep (1100 * 1000); /* web paging is by whole seconds (max_time) */
    }
  mine = gpm_pod_list_own_posts (pod, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 18);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (mine, 17))->text, ==, "paged 0");
}

/* ------------------------------------------------------------------ faults */

static GpmPodPost *
post_once (GpmPod *pod, const char *text, GError **error)
{
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (text);

  draft->is_public = TRUE;
  return gpm_pod_create_post (pod, draft, NULL, error);
}

static const char *
post_path (GpmPod *pod)
{
  return gpm_pod_get_auth (pod) == GPM_POD_AUTH_API ? "/api/v1/posts" : "/status_messages";
}

/* The pod answers plain_text_for_json: camo rewrites Markdown image URLs,
 * RTL-wrapped hashtags come back plain. The check still finds the post, and
 * counts posts with the same text. */
static void
test_camo_rtl (Fixture *f, gconstpointer data)
{
  static const char text[] = "Look ![a café](https://photos.example/caf%C3%A9.jpg \"t\") and "
                             "<img src=\"http://photos.example/b.png\">\n\u202b#\u200fשלום\u202c #repost";
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GpmPodPost) again = NULL;
  g_autoptr(GpmPodPost) found = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) same = NULL;

  gpm_test_pod_set_camo (f->tp, "https://camo.example", "secret");
  made = post_once (pod, text, &error);
  g_assert_no_error (error);
  own = gpm_pod_list_own_posts (pod, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (own->len, ==, 1);
  /* what the pod answers is not what was sent */
  g_assert_null (strstr (((GpmPodPost *) g_ptr_array_index (own, 0))->text, "https://photos.example"));
  g_assert_nonnull (strstr (((GpmPodPost *) g_ptr_array_index (own, 0))->text, "https://camo.example/"));
  g_assert_nonnull (strstr (((GpmPodPost *) g_ptr_array_index (own, 0))->text, "\n#שלום #repost"));

  found = gpm_pod_find_own_post (pod, text, 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->guid, ==, made->guid);
  g_assert_null (gpm_pod_find_own_post (pod, "Look ![a café](https://photos.example/other.jpg)", 20, NULL, &error));

  again = post_once (pod, text, &error);
  g_assert_no_error (error);
  same = gpm_pod_find_own_posts (pod, text, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (same->len, ==, 2);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (same, 0))->guid, ==, again->guid);
}

/* "Did it get created?" looks back as far as it is asked (not a fixed
 * number of posts), and no further. */
static void
test_find_since (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) target = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) none = NULL;
  const char *list_path = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API ? "/api/v1/users/" : "/people/";
  guint before;

  /* a second apart (the web stream pages by whole seconds, like diaspora's max_time) */
  gpm_test_pod_set_time_offset (f->tp, -100);
  target = post_once (pod, "the one to find", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *text = g_strdup_printf ("later post %u", i);
      g_autoptr(GpmPodPost) p = NULL;

      gpm_test_pod_set_time_offset (f->tp, -99 + (gint64) i);
      p = post_once (pod, text, &error);
      g_assert_no_error (error);
    }
  found = gpm_pod_find_own_posts (pod, "the one to find", g_get_real_time () / G_USEC_PER_SEC - 101, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (found, 0))->guid, ==, target->guid);

  before = gpm_test_pod_count_requests (f->tp, list_path);
  none = gpm_pod_find_own_posts (pod, "the one to find", g_get_real_time () / G_USEC_PER_SEC + 60, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, list_path) - before, ==, 1);
}

/* "{}" for a post request: no post named, maybe saved: uncertain, not "refused". */
static void
test_fault_empty_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;

  gpm_test_pod_inject_fault (f->tp, post_path (pod), GPM_TEST_POD_FAULT_EMPTY_ANSWER, 0, 1);
  made = post_once (pod, "empty answer", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

static void
test_fault_server_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  guint codes[] = { 500, 502, 503, 504 };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPodPost) made = NULL;

      gpm_test_pod_inject_fault (f->tp, post_path (pod), GPM_TEST_POD_FAULT_STATUS, codes[i], 1);
      made = post_once (pod, "five hundred", &error);
      g_assert_null (made);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER);
      g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, codes[i]);
      g_assert_true (gpm_pod_error_is_transient (error));
      g_assert_true (gpm_pod_error_is_uncertain (error));
    }
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
}

static void
test_fault_rate_limited (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG", 4);

  gpm_test_pod_inject_fault (f->tp, NULL, GPM_TEST_POD_FAULT_RATE_LIMIT, 7, 2);
  made = post_once (pod, "slow down", &error);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED);
  g_assert_cmpuint (gpm_pod_error_get_retry_after (error), ==, 7);
  /* the retry policy waits at least as long as the pod asked */
  g_assert_cmpuint (gpm_pod_retry_delay_ms (error, 0, 100, 1000, NULL), ==, 7000);
  g_clear_error (&error);
  id = gpm_pod_upload_photo (pod, png, "p.png", "image/png", NULL, &error);
  g_assert_null (id);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  /* over: it works again */
  made = post_once (pod, "slow down", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* An exception after the save: 403 (web) or 422 (API), yet the post is there. */
static void
test_fault_saved_then_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GpmPodPost) found = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  gpm_test_pod_inject_fault (f->tp, post_path (pod), GPM_TEST_POD_FAULT_SAVE_THEN_STATUS, 0, 1);
  made = post_once (pod, "saved, then an exception", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, api ? 422 : 403);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_clear_error (&error);
  found = gpm_pod_find_own_post (pod, "saved, then an exception", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
}

static void
test_fault_closed_after_store (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GpmPodPost) found = NULL;

  gpm_test_pod_inject_fault (f->tp, post_path (pod), GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 1);
  made = post_once (pod, "did it get created?", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER);
  g_assert_true (gpm_pod_error_is_uncertain (error));
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_clear_error (&error);

  /* the check before any retry finds it */
  found = gpm_pod_find_own_post (pod, "did it get created?", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

static void
test_fault_slow (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;

  gpm_pod_set_timeout (pod, 1);
  gpm_test_pod_inject_fault (f->tp, post_path (pod), GPM_TEST_POD_FAULT_SLOW, 2500, 1);
  made = post_once (pod, "slow pod", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER);
  g_assert_true (gpm_pod_error_is_uncertain (error));
  /* the pod did store it: that is why the answer is "uncertain" */
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* An answer without end is cut at the size limit: a GET fails as not
 * understood, a post as uncertain (the pod did store it). */
static void
test_huge_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  struct rusage before, after;

  getrusage (RUSAGE_SELF, &before);
  gpm_test_pod_inject_fault (f->tp, gpm_pod_get_auth (pod) == GPM_POD_AUTH_API ? "/api/v1/aspects" : "/bookmarklet",
                             GPM_TEST_POD_FAULT_HUGE, 40, 1);
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_null (aspects);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL);
  g_assert_false (gpm_pod_error_is_transient (error));
  g_clear_error (&error);

  gpm_test_pod_inject_fault (f->tp, post_path (pod), GPM_TEST_POD_FAULT_HUGE, 40, 1);
  made = post_once (pod, "huge answer", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER);
  g_assert_true (gpm_pod_error_is_uncertain (error));
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  getrusage (RUSAGE_SELF, &after);
  /* the pod double itself holds each 40 MiB answer twice */
  g_test_message ("max RSS %ld -> %ld KiB", before.ru_maxrss, after.ru_maxrss);
}

static void
test_fault_expired_session (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  guint sign_ins = gpm_test_pod_count_requests (f->tp, "/users/sign_in");

  /* renewed once with the remembered password, then the post goes through */
  gpm_test_pod_inject_fault (f->tp, "/status_messages", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 1);
  made = post_once (pod, "after the session ended", &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/users/sign_in"), ==, sign_ins + 2);

  gpm_test_pod_inject_fault (f->tp, "/bookmarklet", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 1);
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 2);

  /* when renewing fails too, the caller must sign in again */
  gpm_test_pod_inject_fault (f->tp, "/status_messages", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 1);
  gpm_test_pod_inject_fault (f->tp, "/users/sign_in", GPM_TEST_POD_FAULT_STATUS, 500, 1);
  g_clear_pointer (&made, gpm_pod_post_unref);
  made = post_once (pod, "fails", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER);
  g_clear_error (&error);
  gpm_test_pod_inject_fault (f->tp, "/status_messages", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 2);
  made = post_once (pod, "fails", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

static void
test_fault_expired_token (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = api_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autofree char *before = gpm_pod_dup_api_secret (pod);
  guint refreshes = gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens");

  gpm_test_pod_inject_fault (f->tp, "/api/v1/posts", GPM_TEST_POD_FAULT_EXPIRE_TOKEN, 0, 1);
  made = post_once (pod, "after the token expired", &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens"), ==,
                    refreshes + 1);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_clear_pointer (&made, gpm_pod_post_unref);

  /* a pod that keeps refusing: EXPIRED, nothing posted */
  gpm_test_pod_inject_fault (f->tp, "/api/v1/posts", GPM_TEST_POD_FAULT_EXPIRE_TOKEN, 0, 2);
  made = post_once (pod, "refused", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

static void
test_csrf_needed (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;

  /* the client sends the session's CSRF token: a post goes through, and
   * the pod's CSRF check is real (a bad token ends the session, which the
   * client renews) */
  made = post_once (pod, "with token", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* ------------------------------------------------------------ many threads */

typedef struct {
  GpmPod *pod;
  int     worker;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  for (int i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("worker %d post %d", w->worker, i);
      g_autoptr(GpmPodPost) made = post_once (w->pod, text, &error);

      g_assert_no_error (error);
      g_assert_nonnull (made);
    }
  return NULL;
}

/* One GpmPod used from several threads at once (the blocking calls). */
static void
test_threads (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  Worker workers[4];
  GThread *threads[4];
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GHashTable) texts = g_hash_table_new (g_str_hash, g_str_equal);

  /* an ended session in the middle: renewed while others post */
  gpm_test_pod_inject_fault (f->tp, NULL, gpm_pod_get_auth (pod) == GPM_POD_AUTH_API
                                          ? GPM_TEST_POD_FAULT_EXPIRE_TOKEN : GPM_TEST_POD_FAULT_EXPIRE_SESSION,
                             0, 1);
  for (int i = 0; i < 4; i++)
    {
      workers[i].pod = pod;
      workers[i].worker = i;
      threads[i] = g_thread_new ("worker", worker_thread, &workers[i]);
    }
  for (int i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  posts = gpm_test_pod_dup_posts (f->tp);
  g_assert_cmpuint (posts->len, ==, 20);
  for (guint i = 0; i < posts->len; i++)
    g_hash_table_add (texts, ((GpmTestPodPost *) g_ptr_array_index (posts, i))->text);
  g_assert_cmpuint (g_hash_table_size (texts), ==, 20);
}

/* ------------------------------------------------------------------- async */

typedef struct {
  GMainLoop  *loop;
  GpmPod     *pod;
  GpmTestPod *tp;
  GError     *error;
  char       *photo;
  GpmPodPost *post;
  GPtrArray  *aspects;
} AsyncState;

static void
on_post (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;

  s->post = gpm_pod_create_post_finish (GPM_POD (source), result, &s->error);
  g_main_loop_quit (s->loop);
}

static void
on_photo (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("async post");

  s->photo = gpm_pod_upload_photo_finish (GPM_POD (source), result, &s->error);
  if (s->photo == NULL)
    {
      g_main_loop_quit (s->loop);
      return;
    }
  g_ptr_array_add (draft->photo_ids, g_strdup (s->photo));
  g_array_append_val (draft->aspect_ids, ((GpmPodAspect *) g_ptr_array_index (s->aspects, 1))->id);
  gpm_pod_create_post_async (s->pod, draft, NULL, on_post, s);
}

static void
on_aspects (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;
  g_autoptr(GBytes) data = g_bytes_new_static ("GIF89a", 6);

  s->aspects = gpm_pod_list_aspects_finish (GPM_POD (source), result, &s->error);
  if (s->aspects == NULL)
    {
      g_main_loop_quit (s->loop);
      return;
    }
  gpm_pod_upload_photo_async (s->pod, data, "x.gif", "image/gif", NULL, on_photo, s);
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;

  if (!gpm_pod_sign_in_password_finish (GPM_POD (source), result, &s->error))
    {
      g_main_loop_quit (s->loop);
      return;
    }
  gpm_pod_list_aspects_async (s->pod, NULL, on_aspects, s);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  AsyncState s = { 0 };
  g_autoptr(GPtrArray) posts = NULL;
  GpmTestPodPost *p;

  s.loop = g_main_loop_new (NULL, FALSE);
  s.pod = new_pod (f);
  s.tp = f->tp;
  gpm_pod_sign_in_password_async (s.pod, "alice", PASSWORD, NULL, NULL, on_signed_in, &s);
  g_main_loop_run (s.loop);
  g_assert_no_error (s.error);
  g_assert_nonnull (s.post);
  p = only_post (f, &posts);
  g_assert_cmpstr (p->text, ==, "async post");
  g_assert_false (p->is_public);
  g_assert_cmpint (g_array_index (p->aspect_ids, gint64, 0), ==, f->family);
  g_assert_cmpuint (p->photo_guids->len, ==, 1);

  g_main_loop_unref (s.loop);
  g_object_unref (s.pod);
  g_free (s.photo);
  gpm_pod_post_unref (s.post);
  g_ptr_array_unref (s.aspects);
}

typedef struct {
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
  int        opened;
} ApiAsync;

static void
count_and_open (const char *uri, gpointer user_data)
{
  ApiAsync *a = g_object_get_data (G_OBJECT (user_data), "state");

  /* called on the caller's main context */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  a->opened++;
  gpm_test_pod_open_in_browser (uri, user_data);
}

static void
on_api_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ApiAsync *a = user_data;

  a->ok = gpm_pod_sign_in_api_finish (GPM_POD (source), result, &a->error);
  g_main_loop_quit (a->loop);
}

static void
test_api_async (Fixture *f, gconstpointer data)
{
  ApiAsync a = { 0 };
  g_autoptr(GpmPod) pod = new_pod (f);

  a.loop = g_main_loop_new (NULL, FALSE);
  g_object_set_data (G_OBJECT (f->tp), "state", &a);
  gpm_test_pod_set_browser_user (f->tp, "alice", TRUE);
  gpm_pod_sign_in_api_async (pod, count_and_open, f->tp, NULL, on_api_signed_in, &a);
  g_main_loop_run (a.loop);
  g_assert_no_error (a.error);
  g_assert_true (a.ok);
  g_assert_cmpint (a.opened, ==, 1);
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_API);
  g_main_loop_unref (a.loop);
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

/* ------------------------------------------------------------------- main */

static void
add (const char *name, GTestFixtureFunc func, gconstpointer data)
{
  g_test_add (name, Fixture, data, fixture_setup, (void (*) (Fixture *, gconstpointer)) func, fixture_teardown);
}

#define ADD_BOTH(name, func) \
  G_STMT_START { \
    add ("/pod/web/" name, (GTestFixtureFunc) func, (gconstpointer) web_pod); \
    add ("/pod/api/" name, (GTestFixtureFunc) func, (gconstpointer) api_pod); \
  } G_STMT_END

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
  g_test_add_func ("/pod/upload-file-name", test_upload_file_name);
  g_test_add_func ("/pod/retry-delay", test_retry_delay);
  add ("/pod/discover", (GTestFixtureFunc) test_discover, NULL);
  add ("/pod/discover-0.7", (GTestFixtureFunc) test_discover_0_7, NULL);
  add ("/pod/moved", (GTestFixtureFunc) test_moved, NULL);
  add ("/pod/discover-0.8", (GTestFixtureFunc) test_discover_0_8, NULL);
  add ("/pod/api/invalid-scope", (GTestFixtureFunc) test_api_invalid_scope, NULL);
  add ("/pod/web/sign-in", (GTestFixtureFunc) test_web_sign_in, NULL);
  add ("/pod/web/two-factor", (GTestFixtureFunc) test_web_two_factor, NULL);
  add ("/pod/web/throttle", (GTestFixtureFunc) test_web_throttle, NULL);
  add ("/pod/web/csrf", (GTestFixtureFunc) test_csrf_needed, NULL);
  add ("/pod/web/expired-session", (GTestFixtureFunc) test_fault_expired_session, NULL);
  add ("/pod/web/async", (GTestFixtureFunc) test_async, NULL);
  add ("/pod/web/raw-upload", (GTestFixtureFunc) test_web_raw_upload, NULL);
  add ("/pod/api/sign-in", (GTestFixtureFunc) test_api_sign_in, NULL);
  add ("/pod/api/sign-in-async", (GTestFixtureFunc) test_api_async, NULL);
  add ("/pod/api/denied", (GTestFixtureFunc) test_api_denied, NULL);
  add ("/pod/api/register-again", (GTestFixtureFunc) test_api_register_again, NULL);
  add ("/pod/api/not-offered", (GTestFixtureFunc) test_api_not_offered, NULL);
  add ("/pod/api/cancelled", (GTestFixtureFunc) test_api_cancelled, NULL);
  add ("/pod/api/expired-token", (GTestFixtureFunc) test_fault_expired_token, NULL);
  add ("/pod/notify-owner-context", (GTestFixtureFunc) test_notify_owner_context, NULL);
  ADD_BOTH ("aspects", test_aspects);
  ADD_BOTH ("create-aspect", test_create_aspect);
  ADD_BOTH ("create-aspect-no-answer", test_create_aspect_no_answer);
  ADD_BOTH ("create-aspect-async", test_create_aspect_async);
  add ("/pod/create-aspect-not-signed-in", (GTestFixtureFunc) test_create_aspect_not_signed_in, NULL);
  add ("/pod/web/create-aspect-0.7", (GTestFixtureFunc) test_create_aspect_0_7, NULL);
  add ("/pod/api/create-aspect-old-token", (GTestFixtureFunc) test_create_aspect_old_token, NULL);
  add ("/pod/api/secret-scopes", (GTestFixtureFunc) test_api_secret_scopes, NULL);
  ADD_BOTH ("public-post-with-photos", test_public_post_with_photos);
  ADD_BOTH ("photo-file-names", test_photo_file_names);
  ADD_BOTH ("photos-cleaned-up", test_photos_cleaned_up);
  ADD_BOTH ("photos-moved", test_photos_moved);
  ADD_BOTH ("corrupt-image", test_corrupt_image);
  ADD_BOTH ("body-limit", test_body_limit);
  ADD_BOTH ("camo-rtl", test_camo_rtl);
  ADD_BOTH ("find-since", test_find_since);
  ADD_BOTH ("fault-empty-answer", test_fault_empty_answer);
  ADD_BOTH ("limited-post", test_limited_post);
  ADD_BOTH ("poll-and-location", test_poll_and_location);
  ADD_BOTH ("location-without-coordinates", test_location_without_coordinates);
  ADD_BOTH ("text-limit", test_text_limit);
  ADD_BOTH ("null-id", test_null_id);
  ADD_BOTH ("own-posts", test_own_posts);
  ADD_BOTH ("own-posts-paging", test_own_posts_paging);
  ADD_BOTH ("fault-server-errors", test_fault_server_errors);
  ADD_BOTH ("fault-rate-limited", test_fault_rate_limited);
  ADD_BOTH ("fault-closed-after-store", test_fault_closed_after_store);
  ADD_BOTH ("fault-saved-then-refused", test_fault_saved_then_refused);
  ADD_BOTH ("fault-slow", test_fault_slow);
  ADD_BOTH ("huge-answer", test_huge_answer);
  ADD_BOTH ("threads", test_threads);

  return g_test_run ();
}
