/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod-private.h: what the files of the pod client share, and nothing
 * outside them includes.
 *
 * The client is split by protocol:
 *
 *   gpm-pod.c           the public GpmPod: the error domain, properties and
 *                       their notifications (in the owner's context), the
 *                       operations (checks, then the backend)
 *   gpm-pod-async.c     the _async wrappers: each operation in a GTask thread
 *   gpm-pod-http.c      the HTTP layer: addresses, one SoupSession, every
 *                       request bounded in time and size, pod moves, HTTP
 *                       statuses and transport failures mapped to
 *                       GPM_POD_ERROR, renewing an ended session, the
 *                       retry policy (gpm_pod_retry_delay_ms())
 *   gpm-pod-posts.c     value types, request bodies, reading answers the
 *                       same way for both backends, "did it get created?"
 *   gpm-pod-discover.c  nodeinfo and OpenID Connect discovery: is this
 *                       diaspora*, does it offer API v1
 *   gpm-pod-web.c       the web-session backend (cookie + CSRF token, what
 *                       diaspora's own front end and diaspy use)
 *   gpm-pod-api.c       the API v1 backend (OpenID Connect sign-in, tokens)
 *   gpm-pod-redirect.c  the loopback server the browser comes back to
 *
 * A sign-in installs its backend (GpmPodBackend) in the pod; every
 * operation after that goes through it instead of asking which kind of
 * sign-in this is.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-pod.h"

G_BEGIN_DECLS

#define GPM_POD_DEFAULT_PROVIDER "G+ repost"
/* The scopes API v1 needs (diaspora 0.9: Api::OpenidConnect::Authorization::SCOPES).
 * contacts:modify: creating an aspect (Api::V1::AspectsController, before_action
 * only: %i[create update destroy], app/controllers/api/v1/aspects_controller.rb:10
 * at v0.9.1.0); interactions: commenting, the rest of a long post and the
 * user's own comments (Api::V1::CommentsController, require_access_token
 * %w[interactions public:read] for create, app/controllers/api/v1/comments_controller.rb:10-12).
 * Tokens from before one was asked for lack it (NOT_PERMITTED). */
#define GPM_POD_API_SCOPES "openid profile public:read public:modify private:read private:modify contacts:read contacts:modify interactions"
/* What a kept session (gpm_pod_dup_api_secret()) without a "scope" was asked
 * for: the scopes before contacts:modify */
#define GPM_POD_API_SCOPES_BEFORE_1 "openid profile public:read public:modify private:read private:modify contacts:read"
/* Time bounds of every request (see gpm-pod-http.c). */
#define GPM_POD_CONNECT_TIMEOUT 30
#define GPM_POD_IO_TIMEOUT 60
/* Pages a listing follows at most. */
#define GPM_POD_MAX_PAGES 50

typedef struct _GpmPodBackend GpmPodBackend;

struct _GpmPod
{
  GObject       parent_instance;

  char         *address;   /* "https://host[:port]"; replaced (atomically) only when the pod
                            * turns out to have moved: read it with gpm_pod_get_address() */
  GPtrArray    *old_addresses; /* replaced ones, kept alive for gpm_pod_get_address() callers */
  char         *display_name; /* NULL: the address's; set before use (gpm_pod_set_display_name) */
  SoupSession  *session;
  GMainContext *owner_context; /* where the pod was made: its notifications are emitted there */
  GThread      *owner_thread;

  gint          connect_timeout; /* seconds, atomic */
  GMutex        renew_lock; /* one renewal of an ended session at a time */
  gint          generation; /* bumped (atomically) by every renewal */

  GMutex        lock;      /* guards everything below */
  /* While a thread renews an ended session (renewer), its cookies and its
   * CSRF token change at different moments (sign-in, then the account
   * page): other threads' requests wait on renewed_cond until both are new,
   * so none sends a new cookie with an old token (diaspora signs such a
   * session out and mails the user a warning). Every renewal bumps
   * session_epoch; cookies in answers to requests sent in an earlier epoch
   * are dropped (they belong to the ended session). */
  GThread      *renewer;
  GCond         renewed_cond;
  guint         session_epoch;
  SoupCookieJar *jar;      /* not attached to the session */
  const GpmPodBackend *backend; /* set by a sign-in; NULL: not signed in */
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
  char         *api_scopes;  /* what the session's authorization was asked for */
};

/* ------------------------------------------------------ requests, answers */

typedef enum {
  GPM_POD_REQUEST_ANONYMOUS, /* discovery, sign-in pages */
  GPM_POD_REQUEST_COOKIE,    /* web session: cookie + CSRF header */
  GPM_POD_REQUEST_BEARER,    /* API access token */
} GpmPodRequestAuth;

/* One request, rebuilt into a fresh SoupMessage each time it is sent (so a
 * request can be repeated after renewing an ended session). */
typedef struct {
  const char        *method;
  char              *url;           /* absolute */
  GpmPodRequestAuth  auth;
  const char        *accept;        /* NULL: application/json */
  const char        *content_type;  /* for body */
  GBytes            *body;
  SoupMultipart     *multipart;
  /* or built at each sending, with the CSRF token of that moment */
  SoupMultipart   *(*build_multipart) (gconstpointer data, const char *csrf_token);
  gconstpointer      build_data;
  gboolean           web_xhr;       /* X-Requested-With + X-CSRF-Token */
} GpmPodRequest;

typedef struct {
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
} GpmPodReply;

/* ------------------------------------------------------------- backends */

/* One way of being signed in: the operations that differ between the web
 * session and API v1. Called by gpm-pod.c after its own checks (signed in,
 * text length, aspects), from any thread. */
struct _GpmPodBackend
{
  GpmPodAuth   auth;
  /* renew an ended session (the remembered password, the refresh token) */
  gboolean    (*renew)             (GpmPod *self, GCancellable *cancellable, GError **error);
  GPtrArray  *(*list_aspects)      (GpmPod *self, GCancellable *cancellable, GError **error);
  /* @name already checked (stripped, not empty, not too long); a refusal
   * is REJECTED with the pod's status */
  GpmPodAspect *(*create_aspect)   (GpmPod *self, const char *name, GCancellable *cancellable,
                                    GError **error);
  char       *(*upload_photo)      (GpmPod *self, GBytes *data, const char *filename,
                                    const char *content_type, GCancellable *cancellable,
                                    GError **error);
  GpmPodPost *(*create_post)       (GpmPod *self, const GpmPodDraft *draft, GCancellable *cancellable,
                                    GError **error);
  gboolean    (*delete_post)       (GpmPod *self, const char *guid, GCancellable *cancellable,
                                    GError **error);
  /* newest first, until @max_posts or a post older than @since */
  GPtrArray  *(*list_own_posts)    (GpmPod *self, guint max_posts, gint64 since,
                                    GCancellable *cancellable, GError **error);
  GpmPodPost *(*create_comment)    (GpmPod *self, const char *post_guid, const char *text,
                                    GCancellable *cancellable, GError **error);
  GPtrArray  *(*list_own_comments) (GpmPod *self, const char *post_guid,
                                    GCancellable *cancellable, GError **error);
};

extern const GpmPodBackend gpm_pod_web_backend;
extern const GpmPodBackend gpm_pod_api_backend;

/* gpm-pod-api.c: the browser sign-in; @invoke_context: where to call
 * @open_uri (NULL: right here). Emits its notifications. */
gboolean gpm_pod_api_sign_in (GpmPod            *self,
                              GpmPodOpenUriFunc  open_uri,
                              gpointer           open_uri_data,
                              GMainContext      *invoke_context,
                              GCancellable      *cancellable,
                              GError           **error);

/* ------------------------------------------------------- the GpmPod object */

typedef enum {
  GPM_POD_PROP_ADDRESS = 1,
  GPM_POD_PROP_AUTH,
  GPM_POD_PROP_API_SECRET,
} GpmPodProperty;

/* Emits notify::@prop in the pod's owner context: at once when called
 * there, else posted (gpm_main_context_post()) from this worker thread. */
void  gpm_pod_notify             (GpmPod *self, GpmPodProperty prop);
/* Call with self->lock held. */
void  gpm_pod_clear_account_locked (GpmPod *self);
/* Sets the backend (NULL: signed out), under self->lock. */
void  gpm_pod_set_backend        (GpmPod *self, const GpmPodBackend *backend);
void  gpm_pod_secret_free        (char *secret);

/* The newest @max_posts posts of the account, back to @since (Unix
 * seconds; G_MININT64: no limit), through the backend. */
GPtrArray  *gpm_pod_list_own_posts_since (GpmPod *self, guint max_posts, gint64 since,
                                          GCancellable *cancellable, GError **error);

/* gpm-pod-posts.c: answers as both backends read them */
GPtrArray  *gpm_pod_aspects_from_json (JsonArray *arr);
/* One aspect ({"id", "name", …}), or NULL when the answer names none. */
GpmPodAspect *gpm_pod_aspect_from_json (JsonNode *node);
/* A post (or comment) of a pod answer; its guid, or its id when the pod
 * gave no guid. NULL when it names none. */
GpmPodPost *gpm_pod_post_from_json (JsonObject *o);
/* A latitude or longitude as sent: 6 decimals, never %.17g's noise */
const char *gpm_pod_format_coordinate (char buf[G_ASCII_DTOSTR_BUF_SIZE], double value);
/* These three send @req (and clear it). Sends a post request and reads the answer: the post, or TEXT_TOO_LONG for
 * one the pod did not save ("id": null; without created_at when
 * @needs_created_at, API v1), PROTOCOL for one that names none ({}: it may
 * have been saved), REJECTED for a 4xx. */
GpmPodPost *gpm_pod_send_post      (GpmPod *self, GpmPodRequest *req, const GpmPodDraft *draft,
                                    gboolean needs_created_at, GCancellable *cancellable,
                                    GError **error);
/* A delete: TRUE also for 404 (already gone). */
gboolean    gpm_pod_send_delete    (GpmPod *self, GpmPodRequest *req,
                                    GCancellable *cancellable, GError **error);
/* Sends an aspect creation and reads the answer (the aspect as JSON):
 * REJECTED with the status for a refusal, NOT_PERMITTED for an API token
 * without the scope. */
GpmPodAspect *gpm_pod_send_create_aspect (GpmPod *self, GpmPodRequest *req,
                                          GCancellable *cancellable, GError **error);
GpmPodPost *gpm_pod_send_comment   (GpmPod *self, GpmPodRequest *req, const char *text,
                                    GCancellable *cancellable, GError **error);
/* The account's own comments from @url (taken), following Link: rel="next"
 * when @paged. */
GPtrArray  *gpm_pod_list_comments  (GpmPod *self, char *url, GpmPodRequestAuth auth, gboolean paged,
                                    GCancellable *cancellable, GError **error);
/* Adds the posts of one page to @posts (skipping ones in @seen, and, when
 * @filter, other people's); returns how many were added; *@oldest: the
 * oldest creation time seen (left alone when none). */
guint       gpm_pod_take_posts     (JsonArray   *page,
                                    GPtrArray   *posts,
                                    GHashTable  *seen,
                                    guint        max_posts,
                                    gboolean     filter,
                                    const char  *guid,
                                    const char  *diaspora_id,
                                    gint64      *oldest);
/* Is the post or comment @o by this account (author guid, else diaspora id)? */
gboolean    gpm_pod_json_is_by     (JsonObject *o, const char *guid, const char *diaspora_id);

/* ------------------------------------------------------------ HTTP layer */

void        gpm_pod_request_clear  (GpmPodRequest *req);
void        gpm_pod_reply_clear    (GpmPodReply *reply);
/* the pod's address + @path */
char       *gpm_pod_url            (GpmPod *self, const char *path);
/* the pod's address + @prefix + @guid (URI-escaped) + @suffix */
char       *gpm_pod_url_for_guid   (GpmPod *self, const char *prefix, const char *guid, const char *suffix);
/* https, or http to a loopback host */
gboolean    gpm_pod_uri_is_allowed (GUri *uri);
SoupSession *gpm_pod_http_session_new (const char *address);

/* Sends @req once. Transport failures become typed errors; any HTTP status
 * is returned in @reply (not an error). */
gboolean    gpm_pod_http_send         (GpmPod *self, const GpmPodRequest *req, GpmPodReply *reply,
                                       GCancellable *cancellable, GError **error);
/* gpm_pod_http_send(), then gpm_pod_http_check_status(): rate limits and
 * 5xx become errors (@reply left empty), other statuses are returned.
 * Clears @req. */
gboolean    gpm_pod_http_request      (GpmPod *self, GpmPodRequest *req, GpmPodReply *reply,
                                       GCancellable *cancellable, GError **error);
/* The same for a signed-in request: an ended session is renewed (once)
 * and the request repeated. Clears @req. */
gboolean    gpm_pod_http_send_authed  (GpmPod *self, GpmPodRequest *req, GpmPodReply *reply,
                                       GCancellable *cancellable, GError **error);
/* An anonymous GET of @path that follows the pod's moves to another origin. */
gboolean    gpm_pod_http_get_following_moves (GpmPod *self, const char *path, const char *accept,
                                              GpmPodReply *reply, GCancellable *cancellable,
                                              GError **error);
/* After an answer "your session has ended" to a request sent in
 * @generation: renews the session unless another thread already did. */
gboolean    gpm_pod_http_renew_after_expired (GpmPod *self, gint generation, gboolean *renewed_by_me,
                                              GCancellable *cancellable, GError **error);
/* Around a new interactive sign-in, which changes cookies and CSRF token
 * (or tokens) at different moments as a renewal does: other threads'
 * requests wait from _begin to _end (GpmPod.renewer), no renewal runs
 * meanwhile, and requests answered "ended" before it are repeated with the
 * new session instead of renewing the old one (the generation is bumped). */
void        gpm_pod_http_sign_in_begin (GpmPod *self);
void        gpm_pod_http_sign_in_end   (GpmPod *self);
/* With self->lock held: waits while another thread renews the session or
 * signs in. FALSE (@error set) when @cancellable was cancelled. */
gboolean    gpm_pod_http_wait_session_locked (GpmPod *self, GCancellable *cancellable, GError **error);
/* A final status as an error (429, 5xx: FALSE) or accepted (TRUE). */
gboolean    gpm_pod_http_check_status (const GpmPodReply *reply, GError **error);

const char *gpm_pod_reply_text        (const GpmPodReply *reply, gsize *len);
JsonNode   *gpm_pod_reply_json        (const GpmPodReply *reply);
gboolean    gpm_pod_reply_is_sign_in  (const GpmPodReply *reply);
/* A short reason from the answer's JSON or plain text ("HTTP 422" at worst). */
char       *gpm_pod_reply_message     (const GpmPodReply *reply);
/* The rel="next" URL of the answer's Link header, or NULL. */
char       *gpm_pod_reply_link_next   (const GpmPodReply *reply);

/* gpm-pod-posts.c: bodies and JSON */
/* application/x-www-form-urlencoded; NULL values are left out; wiped when freed */
GBytes     *gpm_pod_form_body         (const char *first_key, ...) G_GNUC_NULL_TERMINATED;
/* {"@key": "@value"} */
GBytes     *gpm_pod_json_body         (const char *key, const char *value);
/* A file part every rack parses (gpm_pod_upload_file_name()). */
void        gpm_pod_multipart_append_file (SoupMultipart *mp, const char *name, const char *filename,
                                           const char *content_type, GBytes *data);

/* lenient reads of pod JSON */
const char *gpm_pod_json_string       (JsonObject *o, const char *a, const char *b);
char       *gpm_pod_json_id           (JsonObject *o, const char *name);
gboolean    gpm_pod_json_bool         (JsonObject *o, const char *name, gboolean fallback);

/* errors (gpm-pod.c): GPM_POD_ERROR with the HTTP status and Retry-After */
void        gpm_pod_set_error         (GError **error, GpmPodError code, guint http_status,
                                       guint retry_after, const char *format, ...) G_GNUC_PRINTF (5, 6);
void        gpm_pod_set_expired       (GError **error, guint status);
void        gpm_pod_set_protocol      (GError **error, guint status, const char *what);
void        gpm_pod_set_rejected      (GError **error, const GpmPodReply *reply);
void        gpm_pod_set_photo_refused (GError **error, guint status, const char *filename,
                                       const char *why);

/* gpm-pod-redirect.c: the loopback redirect of the browser sign-in (RFC
 * 8252). Made in and pushed as the thread-default of a main context of its
 * own until freed. */
typedef struct _GpmPodRedirect GpmPodRedirect;

GpmPodRedirect *gpm_pod_redirect_new       (GError **error);
/* http://127.0.0.1:PORT/callback */
const char     *gpm_pod_redirect_get_uri   (GpmPodRedirect *redirect);
/* the random state the answer must carry */
const char     *gpm_pod_redirect_get_state (GpmPodRedirect *redirect);
/* Waits for the browser (at most @seconds, or until @cancellable): TRUE
 * with *@code or *@refusal (the OAuth error) set; FALSE with CANCELLED or
 * DENIED (not in time). */
gboolean        gpm_pod_redirect_wait      (GpmPodRedirect *redirect, guint seconds,
                                            GCancellable *cancellable, char **code, char **refusal,
                                            GError **error);
void            gpm_pod_redirect_free      (GpmPodRedirect *redirect);
/* random bytes from getrandom(2), base64url */
char           *gpm_pod_random_token       (gsize bytes);
char           *gpm_pod_base64url          (const guchar *data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmPodRedirect, gpm_pod_redirect_free)

G_END_DECLS
