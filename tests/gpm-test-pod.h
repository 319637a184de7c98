/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod.h: a diaspora* pod double on 127.0.0.1 for tests.
 *
 * It answers like diaspora's controllers do (sign-in page with CSRF token,
 * session cookie, two-factor second step, the 20-per-5-minutes sign-in
 * throttle, aspects, pending photo upload that always answers 200 JSON,
 * status_messages with the text limit (GPM_DIASPORA_MAX_TEXT_CHARS), nodeinfo, API v1 with
 * OpenID Connect registration / authorization / token (PKCE S256) /
 * refresh, posts, photos, user streams) and injects faults on demand.
 *
 * The server runs in its own thread with its own GMainContext, so tests may
 * call the blocking GpmPod functions from the main thread. Every function
 * here is thread-safe.
 *
 * For other processes (gpm-test-pod-tool): GET /_test/dump answers the JSON
 * of gpm_test_pod_dump_json(); POST /_test/fault with a JSON body
 * {"kind":"status","path":"/status_messages","param":503,"count":2}
 * injects a fault (kinds: status, rate-limit, slow, close-after-store,
 * expire-session, expire-token, null-id); POST /_test/user with
 * {"username":…, "password":…, "otp":…?} adds a user and
 * POST /_test/aspect {"username":…, "name":…} an aspect and
 * POST /_test/browser {"username":…, "approve":true} sets who approves
 * authorization requests in "the browser".
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  GPM_TEST_POD_FAULT_STATUS,            /* answer @param (500, 502, 503) without doing anything */
  GPM_TEST_POD_FAULT_RATE_LIMIT,        /* 429 with Retry-After: @param seconds */
  GPM_TEST_POD_FAULT_SLOW,              /* do the work, answer after @param milliseconds */
  GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, /* do the work (store the post), then close the connection without an answer */
  GPM_TEST_POD_FAULT_EXPIRE_SESSION,    /* end every web session, then answer like an expired session */
  GPM_TEST_POD_FAULT_EXPIRE_TOKEN,      /* expire every access token, then answer 401 invalid_token */
  GPM_TEST_POD_FAULT_NULL_ID,           /* API post creation: 201 with "id": null, store nothing */
} GpmTestPodFault;

typedef struct {
  gint64     id;
  char      *guid;
  char      *author;                /* username */
  char      *text;
  gboolean   is_public;
  GArray    *aspect_ids;            /* gint64 */
  GPtrArray *photo_guids;           /* char* */
  char      *poll_question;         /* NULL: none */
  GPtrArray *poll_answers;          /* char* */
  char      *location_address;      /* NULL: none */
  double     latitude, longitude;   /* 0 when not given */
  char      *provider_display_name;
  gboolean   via_api;
} GpmTestPodPost;

typedef struct {
  gint64   id;
  char    *guid;
  char    *author;
  gsize    size;                    /* bytes uploaded */
  gboolean pending;                 /* not attached to a post yet */
  char    *post_guid;               /* the post it is attached to, NULL while pending */
} GpmTestPodPhoto;

#define GPM_TYPE_TEST_POD (gpm_test_pod_get_type ())
G_DECLARE_FINAL_TYPE (GpmTestPod, gpm_test_pod, GPM, TEST_POD, GObject)

/* Starts listening on 127.0.0.1 (@port 0: a free port). NULL + @error if it can't. */
GpmTestPod *gpm_test_pod_new            (guint port, GError **error);
/* "http://127.0.0.1:PORT" */
const char *gpm_test_pod_get_url        (GpmTestPod *self);

/* Accounts. @otp_code non-NULL turns on two-factor for the account. Returns the person guid. */
char       *gpm_test_pod_add_user       (GpmTestPod *self, const char *username,
                                         const char *password, const char *otp_code);
gint64      gpm_test_pod_add_aspect     (GpmTestPod *self, const char *username, const char *name);
/* API v1 and OpenID Connect on (default) or off (an older pod). */
void        gpm_test_pod_set_api_enabled (GpmTestPod *self, gboolean enabled);
/* Who approves (or, with @approve FALSE, refuses) authorization requests
 * opened with gpm_test_pod_open_in_browser(). */
void        gpm_test_pod_set_browser_user (GpmTestPod *self, const char *username, gboolean approve);
/* A GpmPodOpenUriFunc (@user_data: the GpmTestPod): "the user's browser"
 * follows @uri in another thread: the pod's authorization page, then the
 * redirect back to the app's loopback callback. */
void        gpm_test_pod_open_in_browser  (const char *uri, gpointer user_data);
/* Access tokens last @seconds (default 3600). */
void        gpm_test_pod_set_token_lifetime (GpmTestPod *self, guint seconds);

/* Faults: the next @count requests whose path starts with @path_prefix (NULL:
 * any path except /_test/) get @fault with @param. Faults queue in order. */
void        gpm_test_pod_inject_fault   (GpmTestPod *self, const char *path_prefix,
                                         GpmTestPodFault fault, guint param, guint count);
void        gpm_test_pod_clear_faults   (GpmTestPod *self);

/* What it stored (copies; free with g_ptr_array_unref). Oldest first. */
GPtrArray  *gpm_test_pod_dup_posts      (GpmTestPod *self);   /* GpmTestPodPost* */
GPtrArray  *gpm_test_pod_dup_photos     (GpmTestPod *self);   /* GpmTestPodPhoto* */
guint       gpm_test_pod_count_posts    (GpmTestPod *self);
/* Requests seen whose path starts with @path_prefix (NULL: all). */
guint       gpm_test_pod_count_requests (GpmTestPod *self, const char *path_prefix);
/* {"posts":[…], "photos":[…], "requests":N} */
char       *gpm_test_pod_dump_json      (GpmTestPod *self);

void        gpm_test_pod_post_free      (GpmTestPodPost *post);
void        gpm_test_pod_photo_free     (GpmTestPodPhoto *photo);

G_END_DECLS
