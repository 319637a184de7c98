/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod.h: a diaspora* pod double on 127.0.0.1 for tests.
 *
 * It acts as diaspora 0.9.1.0, or 0.7.18.2 (OpenID Connect with the 0.7
 * scopes, no API v1, no sign-in throttle), or any version string; it reads
 * multipart file names the way rack 2.2 does; it can send everything to
 * another address (301), rotate refresh tokens, and stream answers without
 * end.
 *
 * It answers like diaspora's controllers do (sign-in page with CSRF token,
 * session cookie, two-factor second step, the 20-per-5-minutes sign-in
 * throttle, aspects, pending photo upload that always answers 200 JSON,
 * status_messages with the text limit (GPM_DIASPORA_MAX_TEXT_CHARS), comments (web and API,
 * same limit), nodeinfo, API v1 with
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
 * expire-session, expire-token, null-id, huge, cleanup-photos,
 * save-then-status, late-save, empty-answer); POST
 * /_test/cleanup {"older_than":SECONDS} runs the daily cleanup of pending
 * photos now; POST /_test/user with
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
  GPM_TEST_POD_FAULT_HUGE,              /* do the work, then answer 200 with @param MiB (chunked, no length) */
  GPM_TEST_POD_FAULT_CLEANUP_PHOTOS,    /* the daily cleanup of pending photos runs (any age) just before this request */
  GPM_TEST_POD_FAULT_SAVE_THEN_STATUS,  /* do the work (store the post), then answer like an exception raised after
                                         * the save: web 403 with the message, API 422 (@param: another status) */
  GPM_TEST_POD_FAULT_LATE_SAVE,         /* hold the request; do the work and answer only after @param milliseconds
                                         * (a busy pod that saves after the client gave up waiting) */
  GPM_TEST_POD_FAULT_EMPTY_ANSWER,      /* do the work (store the post), then answer {} */
  GPM_TEST_POD_FAULT_GO_DOWN,           /* the pod's machine stops as the request arrives: the connection closed
                                         * without an answer, then every connection refused (gpm_test_pod_set_down()
                                         * TRUE) until the test starts it again */
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
  char      *location_address;      /* NULL: none (or dropped, as diaspora drops one without coordinates) */
  double     latitude, longitude;   /* 0 when not given */
  char      *provider_display_name;
  gboolean   via_api;
  char      *request_body;          /* the creation request as received (what the client sent) */
} GpmTestPodPost;

typedef struct {
  gint64   id;
  char    *guid;
  char    *author;
  gsize    size;                    /* bytes uploaded */
  gboolean pending;                 /* not attached to a post yet */
  char    *post_guid;               /* the post it is attached to, NULL while pending */
  gint64   created_us;              /* real time of the upload */
  int      width, height;           /* as decoded; 0 when the bytes are no image */
} GpmTestPodPhoto;

/* A comment (comments_controller.rb, api/v1/comments_controller.rb). */
typedef struct {
  gint64  id;
  char   *guid;
  char   *post_guid;
  char   *author;                   /* username */
  char   *text;                     /* stripped, as Comment#text= stores it */
  gboolean via_api;
} GpmTestPodComment;

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
/* TRUE (default): a 0.9.1.0 pod. FALSE: a 0.7.18.2 pod, which serves
 * OpenID Connect discovery, registration and authorization with the 0.7
 * scopes (authorizing API v1 scopes fails with invalid_scope) and has no
 * /api/v1 routes. */
void        gpm_test_pod_set_api_enabled (GpmTestPod *self, gboolean enabled);
/* Any version string for nodeinfo and X-Diaspora-Version (a development
 * snapshot: "0.8.0.0-p…"), with API v1 and its scopes or without. */
void        gpm_test_pod_set_version     (GpmTestPod *self, const char *version, gboolean api);
/* Not NULL: answer every request with a 301 to @url + the same path and
 * query, like a pod's apex (or plain http) server block that sends
 * everything to www (or https). */
void        gpm_test_pod_set_moved        (GpmTestPod *self, const char *url);
/* Not NULL: answer every request (whose path starts with @path_prefix, if
 * not NULL) with a temporary redirect (@status 302, 303 or 307) to @url +
 * the same path and query, as what is in front of a pod may: a single
 * sign-on proxy whose session ended, a maintenance page, a move for a
 * while. NULL: answer again. */
void        gpm_test_pod_set_redirected   (GpmTestPod *self, const char *url, guint status,
                                           const char *path_prefix);
/* Who approves (or, with @approve FALSE, refuses) authorization requests
 * opened with gpm_test_pod_open_in_browser(). */
void        gpm_test_pod_set_browser_user (GpmTestPod *self, const char *username, gboolean approve);
/* A GpmPodOpenUriFunc (@user_data: the GpmTestPod): "the user's browser"
 * follows @uri in another thread: the pod's authorization page, then the
 * redirect back to the app's loopback callback. */
void        gpm_test_pod_open_in_browser  (const char *uri, gpointer user_data);
/* TRUE: every refresh also gives a new refresh token and kills the old one
 * (diaspora keeps it; other OpenID providers rotate). */
void        gpm_test_pod_set_rotate_refresh_tokens (GpmTestPod *self, gboolean rotate);
/* Takes @scope out of every token given so far: tokens of an app that
 * signed in before it asked for that scope (contacts:modify, which creating
 * an aspect needs). */
void        gpm_test_pod_remove_token_scope (GpmTestPod *self, const char *scope);
/* Check uploaded images like diaspora's image processing does (default
 * off: generated takeouts carry random bytes as photos): a file that does
 * not decode is answered 500 on the web path, 422 through the API. */
void        gpm_test_pod_set_check_images (GpmTestPod *self, gboolean check);
/* The pod on MySQL instead of PostgreSQL (default off): a post's or a
 * comment's text over GPM_DIASPORA_MAX_TEXT_BYTES bytes raises
 * ActiveRecord::ValueTooLong and nothing is saved (gpm-diaspora.h); posts
 * made from now on have their time in whole seconds. */
void        gpm_test_pod_set_mysql      (GpmTestPod *self, gboolean mysql);
/* The pod behind a proxy with a request body limit (nginx's
 * client_max_body_size): larger requests are answered 413 before the pod
 * sees them. 0: no limit (default). */
void        gpm_test_pod_set_body_limit (GpmTestPod *self, gsize bytes);
/* Camo on (privacy.camo.proxy_markdown_images, off by default in
 * diaspora's defaults.yml): post texts in answers have their Markdown image
 * URLs rewritten to @root/HMAC-SHA1(@key, url)/hex(url). NULL turns it off.
 * RTL-wrapped hashtags are made plain in answers either way. */
void        gpm_test_pod_set_camo       (GpmTestPod *self, const char *root, const char *key);
/* Posts created from now on get the pod's clock plus @seconds as their
 * time (negative: in the past), so tests can have posts seconds apart. */
void        gpm_test_pod_set_time_offset (GpmTestPod *self, gint64 seconds);
/* The pod's machine stops (connections refused) or starts again, on the
 * same port and with everything it stored. */
void        gpm_test_pod_set_down       (GpmTestPod *self, gboolean down);

/* Posts created from now on all get the time @unix_us (0: the clock
 * again), as posts made in the same second (or microsecond) would. */
void        gpm_test_pod_set_fixed_time (GpmTestPod *self, gint64 unix_us);
/* Access tokens last @seconds (default 3600). */
void        gpm_test_pod_set_token_lifetime (GpmTestPod *self, guint seconds);

/* Faults: the next @count requests whose path starts with @path_prefix (NULL:
 * any path except /_test/) get @fault with @param. Faults queue in order. */
void        gpm_test_pod_inject_fault   (GpmTestPod *self, const char *path_prefix,
                                         GpmTestPodFault fault, guint param, guint count);
void        gpm_test_pod_clear_faults   (GpmTestPod *self);
/* Ends every web session without a word, as a password changed on the pod
 * does (Devise checks the session's authenticatable salt); the next
 * request of such a session is anonymous. */
void        gpm_test_pod_end_sessions   (GpmTestPod *self);
/* The pod locks the account (closed, or by an admin): it can sign in no more. */
void        gpm_test_pod_lock_user      (GpmTestPod *self, const char *username);
/* The user changes the password on the pod: every web session ends too. */
void        gpm_test_pod_set_password   (GpmTestPod *self, const char *username, const char *password);

/* Runs diaspora's daily Workers::CleanupPendingPhotos now: destroys the
 * pending (unattached) photos uploaded more than @older_than_seconds ago
 * (diaspora: one day). Returns how many went. */
guint       gpm_test_pod_cleanup_pending_photos (GpmTestPod *self, guint older_than_seconds);

/* What it stored (copies; free with g_ptr_array_unref). Oldest first. */
GPtrArray  *gpm_test_pod_dup_posts      (GpmTestPod *self);   /* GpmTestPodPost* */
GPtrArray  *gpm_test_pod_dup_photos     (GpmTestPod *self);   /* GpmTestPodPhoto* */
guint       gpm_test_pod_count_posts    (GpmTestPod *self);
/* Requests seen whose path starts with @path_prefix (NULL: all). */
guint       gpm_test_pod_count_requests (GpmTestPod *self, const char *path_prefix);
/* How often a signed-in request came with a wrong CSRF token: diaspora then
 * signs the session out and mails the user a "CSRF token fail" warning. */
guint       gpm_test_pod_count_csrf_fail_mails (GpmTestPod *self);
/* {"posts":[…], "photos":[…], "comments":[…], "requests":N, "aspects":{"USER":[{"id","name"}…]}} */
char       *gpm_test_pod_dump_json      (GpmTestPod *self);

/* Comments, oldest first (copies; free with g_ptr_array_unref). */
GPtrArray  *gpm_test_pod_dup_comments   (GpmTestPod *self);   /* GpmTestPodComment* */
/* Somebody (@username) comments on the post @post_guid; FALSE when there is no such post or user. */
gboolean    gpm_test_pod_add_comment    (GpmTestPod *self, const char *post_guid,
                                         const char *username, const char *text);
void        gpm_test_pod_comment_free   (GpmTestPodComment *comment);

void        gpm_test_pod_post_free      (GpmTestPodPost *post);
void        gpm_test_pod_photo_free     (GpmTestPodPhoto *photo);

G_END_DECLS
