/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-private.h: what the gpm-test-pod-*.c files share: the pod's
 * instance struct and its records (accounts, sessions, OpenID clients,
 * grants and tokens, faults, stored posts), the status message creation
 * service's input, and the calls between the files. gpm-test-pod.c's
 * opening comment says which file holds what. The handlers and the
 * *_locked calls run in the server thread with self->lock held
 * (_gpm_test_pod_server_handler() takes it). */
#pragma once

#include <libsoup/soup.h>

#include "gpm-diaspora.h"
#include "gpm-test-json.h"
#include "gpm-test-pod.h"

G_BEGIN_DECLS

#define MAX_TEXT GPM_DIASPORA_MAX_TEXT_CHARS

#define PAGE_SIZE 15

typedef struct {
  char      *username;
  char      *password;
  char      *otp;
  char      *guid;
  gint64     person_id;
  GPtrArray *aspects;   /* Aspect* */
  GArray    *otp_times; /* gint64 monotonic: second-step POSTs */
  gboolean   locked;    /* Devise lockable: locked_at set (closed, or by an admin) */
} User;

typedef struct {
  gint64  id;
  char   *name;
} Aspect;

typedef struct {
  char *id;
  char *csrf;
  User *user;       /* signed in */
  User *otp_user;   /* password accepted, waiting for the code */
} Session;

typedef struct {
  char      *client_id;
  char      *client_secret;
  char      *name;
  GPtrArray *redirect_uris;
} Client;

typedef struct {
  char   *code;
  Client *client;
  User   *user;
  char   *redirect_uri;
  char   *challenge;
  char   *method;
  char  **scopes;     /* what the app asked for and the user approved */
  gboolean used;
} Grant;

typedef struct {
  char   *token;
  Client *client;
  User   *user;
  char   *refresh;    /* set on refresh tokens */
  gint64  expires;    /* real time, µs */
  gboolean is_refresh;
  char  **scopes;     /* the authorization's (Api::OpenidConnect::Authorization#scopes) */
} Token;

typedef struct {
  char            *prefix;
  GpmTestPodFault  kind;
  guint            param;
  guint            remaining;
} Fault;

typedef struct {
  GpmTestPodPost *post;
  gint64          created_us;
} StoredPost;

struct _GpmTestPod
{
  GObject       parent_instance;

  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  guint         port;
  GError       *start_error;
  gboolean      started;
  GCond         cond;

  GMutex        lock;
  GHashTable   *users;     /* username → User* */
  GHashTable   *sessions;  /* id → Session* */
  GPtrArray    *clients;   /* Client* */
  GPtrArray    *grants;    /* Grant* */
  GPtrArray    *tokens;    /* Token* */
  GPtrArray    *posts;     /* StoredPost* */
  GPtrArray    *photos;    /* GpmTestPodPhoto* */
  GPtrArray    *comments;  /* GpmTestPodComment*, oldest first */
  GQueue        faults;    /* Fault* */
  GPtrArray    *paths;     /* char*, every request seen */
  GArray       *sign_in_times; /* gint64 monotonic */
  guint         csrf_fail_mails; /* "CSRF token fail" warnings mailed to users */
  gboolean      api_enabled; /* API v1 routes and scopes (diaspora >= 0.9.0.0) */
  char         *version;     /* what nodeinfo and X-Diaspora-Version say */
  char         *moved_to;    /* not NULL: every request is sent there (moved_status) */
  guint         moved_status; /* 301 (a move), or a temporary 302, 303, 307 */
  char         *moved_prefix; /* not NULL: only requests whose path starts with it are */
  gboolean      rotate_refresh; /* a refresh gives a new refresh token */
  gboolean      check_images;
  gboolean      mysql;       /* texts are MySQL TEXT columns (gpm-diaspora.h) */
  gsize         body_limit;
  gint64        time_offset_us;
  gint64        fixed_time_us; /* not 0: every new post's time */
  char         *camo_root;
  char         *camo_key;
  char         *browser_user;
  gboolean      browser_approves;
  guint         token_lifetime;
  gint64        next_id;
};

/* What a controller hands the shared creation service
 * (_gpm_test_pod_create_post(), which stores the post or answers why not,
 * a CreateResult the controller renders). */
typedef struct {
  const char *text;
  const char *provider;
  gboolean    is_public;
  GArray     *aspect_ids;   /* gint64 */
  GPtrArray  *photo_refs;   /* char*: ids (web) or guids (API) */
  gboolean    photos_by_guid;
  const char *poll_question;
  GPtrArray  *poll_answers;
  const char *location_address;
  char       *location_coords;  /* "LAT,LNG" as the controller hands it on */
  gboolean    via_api;
  char       *request_body;     /* as received */
} Creation;

typedef enum {
  CREATE_OK,
  CREATE_UNSAVED,     /* validation failed: over-long text, a poll that does not validate */
  CREATE_VALUE_TOO_LONG, /* MySQL refused the text: ActiveRecord::ValueTooLong */
  CREATE_BAD_ASPECTS,
  CREATE_BAD_PHOTOS,
  CREATE_MISSING_CONTENT,
} CreateResult;

/* gpm-test-pod.c */
void _gpm_test_pod_client_free (Client *c);
void _gpm_test_pod_fault_free (Fault *f);
void _gpm_test_pod_go_down_later (GpmTestPod *self);
void _gpm_test_pod_add_user_locked (GpmTestPod *self, const char *username, const char *password,
                                    const char *otp, char **guid_out);
gint64 _gpm_test_pod_add_aspect_locked (GpmTestPod *self, const char *username, const char *name);
void _gpm_test_pod_inject_fault_locked (GpmTestPod *self, const char *prefix, GpmTestPodFault kind,
                                        guint param, guint count);

/* gpm-test-pod-http.c */
char *_gpm_test_pod_new_guid (void);
char *_gpm_test_pod_iso_time (gint64 us);
void _gpm_test_pod_respond (SoupServerMessage *msg, guint status, const char *content_type,
                            const char *body);
void _gpm_test_pod_respond_builder (SoupServerMessage *msg, guint status, JsonBuilder *b);
void _gpm_test_pod_respond_api_error (SoupServerMessage *msg, guint code, const char *message);
void _gpm_test_pod_redirect (SoupServerMessage *msg, GpmTestPod *self, const char *path);
void _gpm_test_pod_redirect_path (SoupServerMessage *msg, const char *path);
char *_gpm_test_pod_request_body (SoupServerMessage *msg, gsize *len);
JsonObject *_gpm_test_pod_request_json (SoupServerMessage *msg);
GHashTable *_gpm_test_pod_request_form (SoupServerMessage *msg);
const char *_gpm_test_pod_jstr (JsonObject *o, const char *name);
void _gpm_test_pod_jstrings (JsonObject *o, const char *name, GPtrArray *out);
char *_gpm_test_pod_json_value_text (JsonObject *o, const char *name);
gint64 _gpm_test_pod_jint (JsonNode *n);
GBytes *_gpm_test_pod_multipart_part (SoupServerMessage *msg, const char *name, char **filename);

/* gpm-test-pod-route.c */
void _gpm_test_pod_server_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                                   GHashTable *query, gpointer user_data);

/* gpm-test-pod-store.c */
gboolean _gpm_test_pod_is_blank (const char *text);
gboolean _gpm_test_pod_extension_allowed (GpmTestPod *self, const char *filename);

/* gpm-test-pod-api.c */
gboolean _gpm_test_pod_api_token_has_scope (GpmTestPod *self, SoupServerMessage *msg, const char *scope);

/* gpm-test-pod-web.c */
Session *_gpm_test_pod_find_session (GpmTestPod *self, SoupServerMessage *msg);
Session *_gpm_test_pod_new_session (GpmTestPod *self, SoupServerMessage *msg);
User *_gpm_test_pod_web_user_or_respond (GpmTestPod *self, SoupServerMessage *msg,
                                         const char *path, Session **session_out);
gboolean _gpm_test_pod_csrf_ok_or_respond (GpmTestPod *self, SoupServerMessage *msg, Session *s,
                                           const char *form_token);
void _gpm_test_pod_page_sign_in (GpmTestPod *self, SoupServerMessage *msg, Session *s,
                                 const char *alert);
void _gpm_test_pod_page_signed_in (GpmTestPod *self, SoupServerMessage *msg, Session *s, User *u);
void _gpm_test_pod_handle_sign_in_post (GpmTestPod *self, SoupServerMessage *msg);
void _gpm_test_pod_handle_status_messages (GpmTestPod *self, SoupServerMessage *msg,
                                           const char *path, gboolean null_id);
void _gpm_test_pod_handle_photos (GpmTestPod *self, SoupServerMessage *msg, const char *path,
                                  GHashTable *query);
void _gpm_test_pod_handle_web_create_aspect (GpmTestPod *self, SoupServerMessage *msg,
                                             const char *path);
void _gpm_test_pod_handle_person_stream (GpmTestPod *self, SoupServerMessage *msg,
                                         const char *path, const char *guid, GHashTable *query);

/* gpm-test-pod-store.c */
User *_gpm_test_pod_user_by_name (GpmTestPod *self, const char *name);
User *_gpm_test_pod_find_user_by_guid (GpmTestPod *self, const char *guid);
char *_gpm_test_pod_diaspora_id (GpmTestPod *self, User *u);
Aspect *_gpm_test_pod_create_aspect_locked (GpmTestPod *self, User *u, const char *name);
void _gpm_test_pod_aspect_members (JsonBuilder *b, const Aspect *a);
gboolean _gpm_test_pod_decode_image (GBytes *file, int *width, int *height);
GpmTestPodPhoto *_gpm_test_pod_store_photo (GpmTestPod *self, User *u, GBytes *file,
                                            gboolean pending);
guint _gpm_test_pod_cleanup_pending_photos_locked (GpmTestPod *self, gint64 older_than_us);
void _gpm_test_pod_creation_clear (Creation *c);
CreateResult _gpm_test_pod_create_post (GpmTestPod *self, User *u, Creation *c, StoredPost **out);
gboolean _gpm_test_pod_respond_created (GpmTestPod *self, SoupServerMessage *msg, CreateResult result,
                                        StoredPost *sp, const Creation *c, gboolean api, guint status);
void _gpm_test_pod_delete_post (GpmTestPod *self, SoupServerMessage *msg, User *u,
                                const char *id_or_guid, gboolean api);
void _gpm_test_pod_post_to_json (GpmTestPod *self, JsonBuilder *b, StoredPost *sp, gboolean api);
void _gpm_test_pod_unsaved_post_json (JsonBuilder *b, const char *text, gboolean is_public,
                                      gboolean api);
GPtrArray *_gpm_test_pod_posts_of (GpmTestPod *self, User *author, User *viewer);

/* gpm-test-pod-comments.c */
GpmTestPodComment *_gpm_test_pod_store_comment (GpmTestPod *self, StoredPost *sp, User *u,
                                                const char *text, gboolean via_api);
void _gpm_test_pod_handle_comments (GpmTestPod *self, SoupServerMessage *msg, const char *method,
                                    const char *path, GHashTable *query);

/* gpm-test-pod-api.c */
Token *_gpm_test_pod_find_token (GpmTestPod *self, const char *value, gboolean refresh);
User *_gpm_test_pod_api_user_or_respond (GpmTestPod *self, SoupServerMessage *msg);
void _gpm_test_pod_handle_api_user (GpmTestPod *self, SoupServerMessage *msg);
void _gpm_test_pod_handle_api_aspects (GpmTestPod *self, SoupServerMessage *msg, const char *path,
                                       GHashTable *query);
void _gpm_test_pod_handle_api_create_aspect (GpmTestPod *self, SoupServerMessage *msg);
void _gpm_test_pod_handle_api_photos (GpmTestPod *self, SoupServerMessage *msg);
void _gpm_test_pod_handle_api_posts (GpmTestPod *self, SoupServerMessage *msg, gboolean null_id);
void _gpm_test_pod_handle_api_user_posts (GpmTestPod *self, SoupServerMessage *msg,
                                          const char *path, const char *guid, GHashTable *query);

/* gpm-test-pod-oidc.c */
void _gpm_test_pod_handle_oidc_configuration (GpmTestPod *self, SoupServerMessage *msg);
void _gpm_test_pod_handle_oidc_register (GpmTestPod *self, SoupServerMessage *msg);
void _gpm_test_pod_handle_oidc_authorize (GpmTestPod *self, SoupServerMessage *msg,
                                          GHashTable *query);
void _gpm_test_pod_handle_oidc_token (GpmTestPod *self, SoupServerMessage *msg);

/* gpm-test-pod-inspect.c */
void _gpm_test_pod_handle_test_api (GpmTestPod *self, SoupServerMessage *msg, const char *method,
                                    const char *path);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Creation, _gpm_test_pod_creation_clear)

G_END_DECLS
