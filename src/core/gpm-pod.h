/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod.h: a diaspora* pod client (discovery, sign-in, aspects, photos, posts).
 *
 * One GpmPod holds one long-lived SoupSession (cookies in memory) for one pod
 * and, once signed in, one account.
 *
 * Threads. Every network operation exists twice:
 *   - a blocking function (no suffix) that may be called from ANY thread,
 *     including several threads at once (libsoup >= 3.2 allows sending
 *     messages on one session from any thread; the session is configured
 *     once, in gpm_pod_new(), before any request). The migrator's worker
 *     thread uses these.
 *   - an _async/_finish pair over GTask for the GUI: the blocking function is
 *     run in a GTask thread and the callback is called on the thread-default
 *     main context of the caller.
 * Getters return copies (g_free them) because a sign-in or token refresh in
 * another thread may replace the value. Property notifications ("auth",
 * "api-secret") are emitted only in the thread-default main context of the
 * thread that called gpm_pod_new(): from other threads they are posted there.
 *
 * Security. Only https:// pods are accepted; http:// only for loopback hosts
 * (127.0.0.0/8, ::1, localhost). Certificate errors are never ignored.
 * Passwords are kept in memory only as long as the GpmPod lives (so an
 * expired web session can be renewed once, transparently); nothing is ever
 * written to disk or logged by this module.
 *
 * Sign-in. The web session (user name + password, and a two-factor code
 * for accounts that turned it on: diaspora 0.7.11.0 and later) works on
 * every pod. API v1 (OpenID Connect) exists from diaspora 0.9.0.0 on
 * (there was no 0.8 release); see gpm_pod_discover(). The API sign-in sends
 * a PKCE S256 challenge as RFC 8252 asks of native apps, but diaspora
 * ignores PKCE entirely (nothing in its source reads code_challenge or
 * code_verifier): what protects the code is the loopback redirect, the
 * random state checked on the way back and the client secret sent with the
 * code. state, nonce and verifier come from getrandom(2).
 *
 * Sessions that expire. A web session that the pod ends (redirect to
 * /users/sign_in, 401) is renewed once with the remembered password; an
 * API access token that expires is refreshed once with the refresh token.
 * If that fails the call ends with GPM_POD_ERROR_EXPIRED (sign in again).
 */
#pragma once

#include <gio/gio.h>

#include "gpm-diaspora.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------ errors */

#define GPM_POD_ERROR (gpm_pod_error_quark ())
typedef enum {
  GPM_POD_ERROR_INVALID_ADDRESS,   /* what the user typed is not a pod address */
  GPM_POD_ERROR_INSECURE,          /* http:// to a host that is not loopback */
  GPM_POD_ERROR_UNREACHABLE,       /* DNS failure, connection refused, no network: request NOT sent */
  GPM_POD_ERROR_NO_ANSWER,         /* request sent, then timeout / connection closed: it MAY have been carried out */
  GPM_POD_ERROR_TLS,               /* certificate or TLS problem (fatal, never retried) */
  GPM_POD_ERROR_NOT_DIASPORA,      /* the server does not look like a diaspora* pod */
  GPM_POD_ERROR_WRONG_CREDENTIALS, /* user name or password (or two-factor code) wrong */
  GPM_POD_ERROR_TWO_FACTOR_NEEDED, /* the account needs a two-factor code: ask and sign in again with it */
  GPM_POD_ERROR_RATE_LIMITED,      /* 429; see gpm_pod_error_get_retry_after() */
  GPM_POD_ERROR_TEXT_TOO_LONG,     /* post text over GPM_DIASPORA_MAX_TEXT_CHARS (or 201 with id null) */
  GPM_POD_ERROR_SERVER,            /* 5xx; see gpm_pod_error_get_http_status() */
  GPM_POD_ERROR_EXPIRED,           /* session / token expired and could not be renewed: sign in again */
  GPM_POD_ERROR_NOT_SIGNED_IN,     /* the operation needs a signed-in account */
  GPM_POD_ERROR_NO_API,            /* the pod does not offer API v1 (OpenID Connect) */
  GPM_POD_ERROR_DENIED,            /* the user refused the authorization in the browser */
  GPM_POD_ERROR_REJECTED,          /* another 4xx: the pod refused this request (e.g. bad photo) */
  GPM_POD_ERROR_PROTOCOL,          /* an answer this client does not understand */
  GPM_POD_ERROR_NAME_INVALID,      /* an aspect name the pod does not take: empty, too long */
  GPM_POD_ERROR_NAME_TAKEN,        /* the account has an aspect of that name already */
  GPM_POD_ERROR_NOT_PERMITTED,     /* the sign-in (an API token from before) does not allow this: sign in again */
  GPM_POD_ERROR_MOVED,             /* the pod answers every request with a permanent redirect (301/308) to
                                    * another address: sign in there (the message names it) */
  GPM_POD_ERROR_ACCOUNT_LOCKED,    /* the right password, and the pod says the account is locked
                                    * (closed, or locked by its administrator): no sign-in helps */
  GPM_POD_ERROR_REDIRECTED,        /* a temporary redirect (302, 303, 307) to another address: a sign-in
                                    * page in front of the pod (single sign-on proxy), a maintenance page,
                                    * a move for a while. Not followed; the message names the address */
} GpmPodError;

GQuark   gpm_pod_error_quark            (void);
/* Seconds the pod asked to wait (Retry-After) for GPM_POD_ERROR_RATE_LIMITED,
 * 0 when not given or for other errors. */
guint    gpm_pod_error_get_retry_after  (const GError *error);
/* HTTP status of the answer that caused @error, 0 when there was none. */
guint    gpm_pod_error_get_http_status  (const GError *error);
/* TRUE when the failed request may nevertheless have been carried out by the
 * pod (GPM_POD_ERROR_NO_ANSWER; GPM_POD_ERROR_SERVER, since diaspora can fail
 * after saving and proxies give up waiting): check the account's own posts
 * (gpm_pod_find_own_post) before any retry. */
gboolean gpm_pod_error_is_uncertain     (const GError *error);
/* TRUE for errors worth retrying later with backoff (unreachable, no answer,
 * rate limited, server errors). */
gboolean gpm_pod_error_is_transient     (const GError *error);

/* The one retry policy for requests to a pod (the migrator's steps, the
 * CLI's discovery and sign-in): retry what gpm_pod_error_is_transient()
 * allows, a bounded number of times, waiting gpm_pod_retry_delay_ms()
 * before each retry. */
#define GPM_POD_RETRY_BASE_MS 2000
#define GPM_POD_RETRY_MAX_MS  (5 * 60 * 1000)
/* Milliseconds to wait before retry @attempt (0-based) after @error:
 * @base_ms × 2^@attempt, at most @max_ms, with "equal jitter" (half fixed,
 * half random: from @rand, or GLib's global generator when NULL), and never
 * less than the Retry-After the pod sent with @error. */
guint64  gpm_pod_retry_delay_ms         (const GError *error,
                                         guint         attempt,
                                         guint         base_ms,
                                         guint         max_ms,
                                         GRand        *rand);

/* ------------------------------------------------------------ value types */

/* What /.well-known/nodeinfo says. */
#define GPM_TYPE_POD_INFO (gpm_pod_info_get_type ())
typedef struct {
  char     *software_name;     /* "diaspora" */
  char     *software_version;  /* "0.9.0.0-…", NULL when the pod does not say */
  char     *node_name;         /* metadata.nodeName, may be NULL */
  gboolean  has_api;           /* the pod offers API v1 (OpenID Connect discovery answers) */
} GpmPodInfo;
GType       gpm_pod_info_get_type (void) G_GNUC_CONST;
GpmPodInfo *gpm_pod_info_ref      (GpmPodInfo *info);
void        gpm_pod_info_unref    (GpmPodInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmPodInfo, gpm_pod_info_unref)

#define GPM_TYPE_POD_ASPECT (gpm_pod_aspect_get_type ())
typedef struct {
  gint64  id;
  char   *name;
} GpmPodAspect;
GType         gpm_pod_aspect_get_type (void) G_GNUC_CONST;
GpmPodAspect *gpm_pod_aspect_new      (gint64 id, const char *name);
GpmPodAspect *gpm_pod_aspect_ref      (GpmPodAspect *aspect);
void          gpm_pod_aspect_unref    (GpmPodAspect *aspect);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmPodAspect, gpm_pod_aspect_unref)

/* What to post. Create with gpm_pod_draft_new(), fill the fields directly
 * (all owned by the draft), free with gpm_pod_draft_free(). */
#define GPM_TYPE_POD_DRAFT (gpm_pod_draft_get_type ())
typedef struct {
  char      *text;              /* the Markdown body */
  gboolean   is_public;         /* TRUE: public; FALSE: limited to aspect_ids */
  GArray    *aspect_ids;        /* gint64; used when !is_public, must not be empty then */
  GPtrArray *photo_ids;         /* char*, ids from gpm_pod_upload_photo() */
  char      *poll_question;     /* NULL: no poll */
  GPtrArray *poll_answers;      /* char*, at least 2 when poll_question is set */
  char      *location_address;  /* NULL: no location */
  gboolean   has_coordinates;
  double     latitude;
  double     longitude;
  char      *provider_display_name; /* defaults to "G+ repost" (web session only: API v1 has no such field) */
} GpmPodDraft;
GType        gpm_pod_draft_get_type (void) G_GNUC_CONST;
GpmPodDraft *gpm_pod_draft_new      (const char *text);
GpmPodDraft *gpm_pod_draft_copy     (const GpmPodDraft *draft);
void         gpm_pod_draft_free     (GpmPodDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmPodDraft, gpm_pod_draft_free)

/* A post that exists on the pod. */
#define GPM_TYPE_POD_POST (gpm_pod_post_get_type ())
typedef struct {
  char      *id;          /* numeric id as text (web); NULL through the API, which only gives guids */
  char      *guid;        /* always set (a pod that gives no guid: the id) */
  char      *text;        /* the Markdown body as the pod stored it */
  gboolean   is_public;
  GDateTime *created_at;  /* may be NULL */
  gint       n_photos;    /* photos attached, as the pod shows them; -1 when the answer does not say */
} GpmPodPost;
GType       gpm_pod_post_get_type (void) G_GNUC_CONST;
GpmPodPost *gpm_pod_post_ref      (GpmPodPost *post);
void        gpm_pod_post_unref    (GpmPodPost *post);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmPodPost, gpm_pod_post_unref)

typedef enum {
  GPM_POD_AUTH_NONE,  /* not signed in */
  GPM_POD_AUTH_WEB,   /* web session with cookie + CSRF token (every pod) */
  GPM_POD_AUTH_API,   /* API v1 with OpenID Connect tokens (diaspora 0.9+) */
} GpmPodAuth;

/* Called with the authorization URL that must be opened in the user's
 * browser (GUI: gtk_show_uri; CLI: print it). Called on the thread that
 * started the sign-in (for the _async variant: the caller's thread-default
 * main context). */
typedef void (*GpmPodOpenUriFunc) (const char *uri, gpointer user_data);

/* ------------------------------------------------------------------ GpmPod */

#define GPM_TYPE_POD (gpm_pod_get_type ())
G_DECLARE_FINAL_TYPE (GpmPod, gpm_pod, GPM, POD, GObject)

/* Normalise what a user typed ("pod.example", "https://pod.example/",
 * "POD.example:8443", "http://127.0.0.1:3000") to "https://pod.example"
 * (scheme + host [+ port], no path, no trailing slash). No scheme means
 * https. Fails with INVALID_ADDRESS or INSECURE (http:// to non-loopback). */
char      *gpm_pod_normalize_address  (const char *typed, GError **error);
/* TRUE for 127.0.0.0/8, ::1 and "localhost". */
gboolean   gpm_pod_host_is_loopback   (const char *host);

/* The name a photo is uploaded under: @filename's base name transliterated
 * to ASCII, anything but letters, digits, "-", "_" and "." made "_", the
 * extension kept ("Été à Paris(1).jpg" → "Ete_a_Paris_1.jpg"), so every
 * multipart parser (rack 2.2's too) sees the part as a file. */
char      *gpm_pod_upload_file_name   (const char *filename);

/* The extensions diaspora* takes a photo by: UnprocessedImage#extension_allowlist
 * checks the uploaded file's name (CarrierWave, any case): jpg jpeg png gif
 * (app/uploaders/unprocessed_image.rb:20-22 at v0.7.18.2), webp too since 0.9
 * (:14-16 at v0.9.1.0); any other name, one without an extension too, is
 * refused (CarrierWave::IntegrityError) whatever the bytes are. */
#define GPM_POD_PHOTO_EXTENSIONS "jpg", "jpeg", "png", "gif"

/* @filename as a photo of @content_type is uploaded under: as it is when
 * its extension is one of GPM_POD_PHOTO_EXTENSIONS; else, for image/jpeg,
 * image/png and image/gif, with that type's extension in place of its own
 * ("scan.jfif" → "scan.jpg") or added ("IMG_0001" → "IMG_0001.jpg"). */
char      *gpm_pod_photo_file_name    (const char *filename, const char *content_type);
/* The extension diaspora* takes a photo of @content_type under ("jpg" for
 * image/jpeg), NULL for a type it does not take by any of its extensions. */
const char *gpm_pod_photo_type_extension (const char *content_type);

/* NULL with INVALID_ADDRESS / INSECURE when @address is refused. */
GpmPod    *gpm_pod_new                (const char *address, GError **error);

/* Normalised. A pod that sends discovery or the sign-in page to another
 * origin (apex → www, http → https; gpm_pod_discover(),
 * gpm_pod_sign_in_password()) is at that address from then on: read it
 * after those to show and remember the pod's final address. */
const char *gpm_pod_get_address       (GpmPod *self);
/* The pod as the app names it to the user: its address without the scheme
 * ("diasp.org"), or the name set, once and before use, with
 * gpm_pod_set_display_name() (the screenshots show their pod double on
 * 127.0.0.1 as "pod.example"). */
const char *gpm_pod_get_display_name  (GpmPod *self);
void        gpm_pod_set_display_name  (GpmPod *self, const char *name);
GpmPodAuth  gpm_pod_get_auth          (GpmPod *self);
char       *gpm_pod_dup_username      (GpmPod *self);          /* as signed in, NULL before */
char       *gpm_pod_dup_user_guid     (GpmPod *self);          /* the account's person guid */
char       *gpm_pod_dup_diaspora_id   (GpmPod *self);          /* "user@pod.example", may be NULL */
/* Per-request I/O timeout in seconds (default 60; 0 = none): how long one
 * read or write may wait. Call it from the thread that created the pod,
 * before any request (libsoup's rule). Every request is also bounded as a
 * whole (15 minutes), its answer to 16 MiB (a larger one is PROTOCOL, or
 * NO_ANSWER after a request that changes something), and its connecting
 * (name lookup, TCP, TLS) to gpm_pod_set_connect_timeout() seconds. */
void        gpm_pod_set_timeout       (GpmPod *self, guint seconds);
/* Seconds to get connected (default 30; 0 = only the I/O timeout). A pod
 * not reached in time is UNREACHABLE. Any thread, any time. */
void        gpm_pod_set_connect_timeout (GpmPod *self, guint seconds);

/* Which way to sign in: API when the pod offers it and a browser can be
 * opened, the web session otherwise. */
GpmPodAuth  gpm_pod_choose_auth       (const GpmPodInfo *info, gboolean can_open_browser);

/* Discovery: /.well-known/nodeinfo (+ the document it links; without
 * nodeinfo, a diaspora* sign-in page) and the OpenID Connect discovery
 * document. has_api only when the pod really offers API v1: its
 * scopes_supported has the scopes this client asks for, and its version is
 * 0.9 or later, or (a 0.8 development snapshot, or no version) GET
 * /api/v1/user answers like API v1. NOT_DIASPORA when it isn't one. */
GpmPodInfo *gpm_pod_discover          (GpmPod *self, GCancellable *cancellable, GError **error);
void        gpm_pod_discover_async    (GpmPod *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
GpmPodInfo *gpm_pod_discover_finish   (GpmPod *self, GAsyncResult *result, GError **error);

/* Web sign-in (like diaspy). @username: the pod user name ("alice"; an
 * "alice@pod.example" for this pod is accepted too). @otp_code: NULL the first time; when the call
 * fails with TWO_FACTOR_NEEDED, ask the user and call again with the code.
 * WRONG_CREDENTIALS for a wrong password or code, RATE_LIMITED after too
 * many attempts (pods since 0.9.0.0 allow 20 per 5 minutes and IP,
 * config/initializers/rack_attack.rb; older ones do not limit). */
gboolean    gpm_pod_sign_in_password        (GpmPod *self, const char *username, const char *password,
                                             const char *otp_code, GCancellable *cancellable,
                                             GError **error);
void        gpm_pod_sign_in_password_async  (GpmPod *self, const char *username, const char *password,
                                             const char *otp_code, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean    gpm_pod_sign_in_password_finish (GpmPod *self, GAsyncResult *result, GError **error);

/* API sign-in: registers a client (OpenID Connect dynamic registration),
 * serves http://127.0.0.1:PORT/callback on loopback, calls @open_uri with
 * the authorization URL (PKCE S256), waits for the browser to come back
 * (cancel with @cancellable), exchanges the code for tokens. NO_API when the
 * pod has no API, DENIED when the user refused or the browser did not come
 * back within 15 minutes. @open_uri must return at once (the loopback
 * server only runs after it returns). */
gboolean    gpm_pod_sign_in_api             (GpmPod *self, GpmPodOpenUriFunc open_uri, gpointer open_uri_data,
                                             GCancellable *cancellable, GError **error);
void        gpm_pod_sign_in_api_async       (GpmPod *self, GpmPodOpenUriFunc open_uri, gpointer open_uri_data,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean    gpm_pod_sign_in_api_finish      (GpmPod *self, GAsyncResult *result, GError **error);

/* The API session as an opaque secret string (JSON with the client id and
 * secret and the refresh token) to keep in the keyring, and its restoring
 * (refreshes the tokens; EXPIRED when the pod no longer accepts them).
 * The secret changes when a refresh brings a new refresh token (diaspora
 * keeps it; providers that rotate do not): "notify::api-secret" is emitted
 * (after a refresh in any thread, or at the end of a sign-in; always in the
 * main context the pod was made in, like every notification) — store the
 * new value; gpm_secrets_follow_api_session() does. */
char       *gpm_pod_dup_api_secret          (GpmPod *self);
gboolean    gpm_pod_sign_in_api_secret      (GpmPod *self, const char *secret,
                                             GCancellable *cancellable, GError **error);
void        gpm_pod_sign_in_api_secret_async  (GpmPod *self, const char *secret, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
gboolean    gpm_pod_sign_in_api_secret_finish (GpmPod *self, GAsyncResult *result, GError **error);

/* Whether the kept API session @secret was authorized for every scope this
 * client asks for now: one from before lacks contacts:modify (kept without
 * "scope"), which creating an aspect needs, or interactions, which
 * commenting needs. It still signs in and posts; an interactive sign-in
 * should ask the browser again. */
gboolean    gpm_pod_api_secret_has_scopes   (const char *secret);

/* Forget the session (cookies, tokens, remembered password). */
void        gpm_pod_sign_out                (GpmPod *self);

/* Aspects of the signed-in account: GpmPodAspect*, in the pod's order. */
GPtrArray  *gpm_pod_list_aspects            (GpmPod *self, GCancellable *cancellable, GError **error);
void        gpm_pod_list_aspects_async      (GpmPod *self, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *gpm_pod_list_aspects_finish     (GpmPod *self, GAsyncResult *result, GError **error);

/* The longest aspect name, in characters: Aspect validates :name,
 * length: {maximum: 20} (app/models/aspect.rb:17 at v0.9.1.0 and v0.7.18.2),
 * after name.strip! (:21). */
#define GPM_POD_ASPECT_NAME_MAX_CHARS 20

/* Creates an aspect named @name (surrounding whitespace removed, as
 * diaspora does) for the signed-in account: the new aspect, with its id.
 * Web session: POST /aspects {"aspect":{"name"}} (AspectsController#create:
 * the aspect as JSON, or 422 with no body); API v1: POST /api/v1/aspects
 * {"name"}, which needs the contacts:modify scope (a token from before this
 * client asked for it is NOT_PERMITTED: sign in again). Refused before
 * sending: an empty name or one over GPM_POD_ASPECT_NAME_MAX_CHARS
 * (NAME_INVALID). A name the account already has, in any case (diaspora
 * validates uniqueness per user, case-insensitively), is NAME_TAKEN. */
GpmPodAspect *gpm_pod_create_aspect         (GpmPod *self, const char *name,
                                             GCancellable *cancellable, GError **error);
void          gpm_pod_create_aspect_async   (GpmPod *self, const char *name, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GpmPodAspect *gpm_pod_create_aspect_finish  (GpmPod *self, GAsyncResult *result, GError **error);

/* Upload one photo as pending (to be attached to the next post). Returns the
 * id to put in GpmPodDraft.photo_ids (web: numeric id; API: guid). */
char       *gpm_pod_upload_photo            (GpmPod *self, GBytes *data, const char *filename,
                                             const char *content_type, GCancellable *cancellable,
                                             GError **error);
void        gpm_pod_upload_photo_async      (GpmPod *self, GBytes *data, const char *filename,
                                             const char *content_type, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
char       *gpm_pod_upload_photo_finish     (GpmPod *self, GAsyncResult *result, GError **error);

/* Create a post. Refused before sending: text over GPM_DIASPORA_MAX_TEXT_CHARS
 * (TEXT_TOO_LONG), a hashtag over GPM_DIASPORA_MAX_TAG_CHARS or a limited
 * post without aspects (REJECTED). A pod answer
 * for a post it did not save ("id": null, or no guid/created_at) is
 * TEXT_TOO_LONG, never success. A request answered "session ended" is
 * repeated after renewing the session (it was not carried out). */
GpmPodPost *gpm_pod_create_post             (GpmPod *self, const GpmPodDraft *draft,
                                             GCancellable *cancellable, GError **error);
void        gpm_pod_create_post_async       (GpmPod *self, const GpmPodDraft *draft,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GpmPodPost *gpm_pod_create_post_finish      (GpmPod *self, GAsyncResult *result, GError **error);

/* Deletes the account's own post @guid (its id works on the web too).
 * TRUE also when the pod no longer has it (404). Used to take back a post
 * the pod stored without all of its photos. */
gboolean    gpm_pod_delete_post             (GpmPod *self, const char *guid,
                                             GCancellable *cancellable, GError **error);
void        gpm_pod_delete_post_async       (GpmPod *self, const char *guid, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean    gpm_pod_delete_post_finish      (GpmPod *self, GAsyncResult *result, GError **error);

/* The account's own most recent posts, newest first, at most @max_posts
 * (pages through the stream as needed). GpmPodPost*. */
GPtrArray  *gpm_pod_list_own_posts          (GpmPod *self, guint max_posts,
                                             GCancellable *cancellable, GError **error);
void        gpm_pod_list_own_posts_async    (GpmPod *self, guint max_posts, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *gpm_pod_list_own_posts_finish   (GpmPod *self, GAsyncResult *result, GError **error);

/* "Did it get created?": the newest of the account's last @max_posts posts
 * whose text is @text as the pod returns it (see gpm_pod_find_own_posts()).
 * NULL with no error when there is none; NULL with @error when the check
 * itself failed. */
GpmPodPost *gpm_pod_find_own_post           (GpmPod *self, const char *text, guint max_posts,
                                             GCancellable *cancellable, GError **error);
/* Every post of the account created at or after @since (Unix seconds; the
 * stream is paged back that far, at most @max_posts posts, 0: no count
 * limit) whose text is @text as the pod returns it, newest first
 * (GpmPodPost*). diaspora answers plain_text_for_json: RTL-wrapped hashtags
 * made plain and, with camo on, Markdown image URLs rewritten to the camo
 * proxy; both are undone before comparing (and \r and surrounding
 * whitespace ignored). Two source posts may have the same text: the caller
 * decides which match is whose. */
GPtrArray  *gpm_pod_find_own_posts          (GpmPod *self, const char *text, gint64 since, guint max_posts,
                                             GCancellable *cancellable, GError **error);
void        gpm_pod_find_own_posts_async    (GpmPod *self, const char *text, gint64 since, guint max_posts,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *gpm_pod_find_own_posts_finish   (GpmPod *self, GAsyncResult *result, GError **error);
void        gpm_pod_find_own_post_async     (GpmPod *self, const char *text, guint max_posts,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GpmPodPost *gpm_pod_find_own_post_finish    (GpmPod *self, GAsyncResult *result, GError **error);

/* ---------------------------------------------------------------- comments */

/* A comment on one of the account's posts (the user's own comments that
 * come along with a migrated post): comments are GpmPodPost too (id, guid,
 * text, created_at; is_public is unused).
 *
 * Web session: POST /posts/POST_GUID/comments {"text"} (diaspora's
 * CommentsController#create, 201 + CommentPresenter JSON); API v1:
 * POST /api/v1/posts/POST_GUID/comments {"body"}. Over GPM_DIASPORA_MAX_TEXT_CHARS characters
 * (Comment validates the text's length) is TEXT_TOO_LONG without sending,
 * a hashtag over GPM_DIASPORA_MAX_TAG_CHARS REJECTED without sending; a refused comment is REJECTED; like posts, an answer that never came is
 * uncertain (gpm_pod_error_is_uncertain): list the comments before sending
 * it again. */
GpmPodPost *gpm_pod_create_comment          (GpmPod *self, const char *post_guid, const char *text,
                                             GCancellable *cancellable, GError **error);
/* The account's own comments on the post @post_guid, oldest first (other
 * people's are left out). Web: GET /posts/POST_GUID/comments.json; API v1:
 * GET /api/v1/posts/POST_GUID/comments, every page. GpmPodPost*. */
GPtrArray  *gpm_pod_list_own_comments       (GpmPod *self, const char *post_guid,
                                             GCancellable *cancellable, GError **error);

G_END_DECLS
