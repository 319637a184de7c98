/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod.c: the public face of the diaspora* pod client.
 *
 * The GpmPod object (its properties, whose notifications are emitted in
 * the main context the pod was made in: gpm_pod_notify()), the error
 * domain, and the operations of gpm-pod.h: each checks what
 * is the same for every pod (signed in, text length, aspects) and hands
 * over to the backend the sign-in installed (gpm-pod-web.c, gpm-pod-api.c;
 * see gpm-pod-private.h for the map of the files). Every operation is
 * written once, blocking, and safe to call from any thread; the _async
 * variants (gpm-pod-async.c) run it in a GTask thread. Mutable account
 * state (cookies, CSRF token, tokens, the backend) lives behind
 * self->lock.
 */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gpm-core-enums.h"
#include "gpm-pod-private.h"
#include "gpm-util.h"

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

void
gpm_pod_set_error (GError      **error,
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

void
gpm_pod_set_expired (GError **error, guint status)
{
  gpm_pod_set_error (error, GPM_POD_ERROR_EXPIRED, status, 0,
                     _("Your sign-in to the pod has expired. Please sign in again."));
}

void
gpm_pod_set_protocol (GError **error, guint status, const char *what)
{
  gpm_pod_set_error (error, GPM_POD_ERROR_PROTOCOL, status, 0,
                     _("The pod gave an answer GPlus Migrate does not understand (%s)."), what);
}

void
gpm_pod_set_rejected (GError **error, const GpmPodReply *reply)
{
  g_autofree char *why = gpm_pod_reply_message (reply);

  gpm_pod_set_error (error, GPM_POD_ERROR_REJECTED, reply->status, 0,
                     _("The pod refused the request: %s"), why);
}

void
gpm_pod_set_photo_refused (GError **error, guint status, const char *filename, const char *why)
{
  gpm_pod_set_error (error, GPM_POD_ERROR_REJECTED, status, 0,
                     _("The pod refused the photo “%s”: %s"), filename, why);
}

/* ------------------------------------------------------------------ GpmPod */

/* the property ids are GpmPodProperty (gpm-pod-private.h) */
#define N_PROPS (GPM_POD_PROP_API_SECRET + 1)

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (GpmPod, gpm_pod, G_TYPE_OBJECT)

void
gpm_pod_secret_free (char *secret)
{
  if (secret)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

void
gpm_pod_clear_account_locked (GpmPod *self)
{
  GSList *cookies = soup_cookie_jar_all_cookies (self->jar);

  for (GSList *l = cookies; l; l = l->next)
    soup_cookie_jar_delete_cookie (self->jar, l->data);
  soup_cookies_free (cookies);
  self->backend = NULL;
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->password, gpm_pod_secret_free);
  g_clear_pointer (&self->user_guid, g_free);
  g_clear_pointer (&self->diaspora_id, g_free);
  g_clear_pointer (&self->csrf_token, gpm_pod_secret_free);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->client_secret, gpm_pod_secret_free);
  g_clear_pointer (&self->access_token, gpm_pod_secret_free);
  g_clear_pointer (&self->refresh_token, gpm_pod_secret_free);
  g_clear_pointer (&self->api_scopes, g_free);
}

static void
gpm_pod_finalize (GObject *object)
{
  GpmPod *self = GPM_POD (object);

  gpm_pod_clear_account_locked (self);
  g_clear_object (&self->jar);
  g_clear_object (&self->session);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_free (self->address);
  g_ptr_array_unref (self->old_addresses);
  g_free (self->display_name);
  g_free (self->registration_endpoint);
  g_free (self->authorization_endpoint);
  g_free (self->token_endpoint);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->renew_lock);
  g_cond_clear (&self->renewed_cond);
  G_OBJECT_CLASS (gpm_pod_parent_class)->finalize (object);
}

static void
gpm_pod_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GpmPod *self = GPM_POD (object);

  switch (prop_id)
    {
    case GPM_POD_PROP_ADDRESS:
      g_value_set_string (value, gpm_pod_get_address (self));
      break;
    case GPM_POD_PROP_AUTH:
      g_value_set_enum (value, gpm_pod_get_auth (self));
      break;
    case GPM_POD_PROP_API_SECRET:
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

  properties[GPM_POD_PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[GPM_POD_PROP_AUTH] =
    g_param_spec_enum ("auth", NULL, NULL, GPM_TYPE_POD_AUTH, GPM_POD_AUTH_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[GPM_POD_PROP_API_SECRET] =
    g_param_spec_string ("api-secret", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gpm_pod_init (GpmPod *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->renew_lock);
  g_cond_init (&self->renewed_cond);
  self->old_addresses = g_ptr_array_new_with_free_func (g_free);
  self->jar = soup_cookie_jar_new ();
  soup_cookie_jar_set_accept_policy (self->jar, SOUP_COOKIE_JAR_ACCEPT_ALWAYS);
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
  self->connect_timeout = GPM_POD_CONNECT_TIMEOUT;
  self->session = gpm_pod_http_session_new (self->address);
  /* notifications go where the pod was made (gpm_pod_notify()) */
  self->owner_context = g_main_context_ref_thread_default ();
  self->owner_thread = g_thread_self ();
  return self;
}

const char *
gpm_pod_get_address (GpmPod *self)
{
  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  return g_atomic_pointer_get (&self->address);
}

const char *
gpm_pod_get_display_name (GpmPod *self)
{
  const char *address;
  const char *host;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  if (self->display_name != NULL)
    return self->display_name;
  address = gpm_pod_get_address (self);
  host = strstr (address, "://");
  return host != NULL ? host + 3 : address;
}

void
gpm_pod_set_display_name (GpmPod *self, const char *name)
{
  g_return_if_fail (GPM_IS_POD (self));
  g_free (self->display_name);
  self->display_name = g_strdup (name);
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
  g_return_val_if_fail (GPM_IS_POD (self), GPM_POD_AUTH_NONE);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->backend ? self->backend->auth : GPM_POD_AUTH_NONE;
}

static char *
dup_locked (GpmPod *self, char **field)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return g_strdup (*field);
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
  gpm_pod_clear_account_locked (self);
  g_mutex_unlock (&self->lock);
  gpm_pod_notify (self, GPM_POD_PROP_AUTH);
}

/* ------------------------------------------------------ the owner's context */

typedef struct {
  GpmPod     *pod;
  GParamSpec *pspec;
} Notify;

static gboolean
notify_idle (gpointer data)
{
  Notify *n = data;

  g_object_notify_by_pspec (G_OBJECT (n->pod), n->pspec);
  return G_SOURCE_REMOVE;
}

static void
notify_free (gpointer data)
{
  Notify *n = data;

  g_object_unref (n->pod);
  g_free (n);
}

void
gpm_pod_notify (GpmPod *self, GpmPodProperty prop)
{
  GMainContext *here = g_main_context_ref_thread_default ();
  gboolean in_owner;
  Notify *n;

  /* a GTask worker's thread-default context is the global default too, so
   * the context alone does not tell: only the owner thread, running in the
   * owner context, emits at once */
  in_owner = g_thread_self () == self->owner_thread && here == self->owner_context;
  g_main_context_unref (here);
  if (in_owner)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
      return;
    }
  n = g_new0 (Notify, 1);
  n->pod = g_object_ref (self);
  n->pspec = properties[prop];
  gpm_main_context_post (self->owner_context, G_PRIORITY_DEFAULT, "[gpm-pod] notify",
                         notify_idle, n, notify_free);
}

void
gpm_pod_set_backend (GpmPod *self, const GpmPodBackend *backend)
{
  g_mutex_lock (&self->lock);
  self->backend = backend;
  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------- operations */

/* The backend of the sign-in, or NULL with NOT_SIGNED_IN. */
static const GpmPodBackend *
require_backend (GpmPod *self, GError **error)
{
  const GpmPodBackend *backend;

  /* not in the middle of another thread's sign-in: its outcome decides */
  g_mutex_lock (&self->lock);
  gpm_pod_http_wait_session_locked (self, NULL, NULL);
  backend = self->backend;
  g_mutex_unlock (&self->lock);
  if (backend == NULL)
    gpm_pod_set_error (error, GPM_POD_ERROR_NOT_SIGNED_IN, 0, 0, _("Sign in to the pod first."));
  return backend;
}

GPtrArray *
gpm_pod_list_aspects (GpmPod *self, GCancellable *cancellable, GError **error)
{
  const GpmPodBackend *backend;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  if ((backend = require_backend (self, error)) == NULL)
    return NULL;
  return backend->list_aspects (self, cancellable, error);
}

/* diaspora compares aspect names case-insensitively (validates_uniqueness_of
 * :name, case_sensitive: false: LOWER() in the database) */
static GpmPodAspect *
find_aspect_named (GPtrArray *aspects, const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  for (guint i = 0; aspects != NULL && i < aspects->len; i++)
    {
      GpmPodAspect *aspect = g_ptr_array_index (aspects, i);
      g_autofree char *other = g_utf8_casefold (aspect->name, -1);

      if (g_str_equal (folded, other))
        return aspect;
    }
  return NULL;
}

GpmPodAspect *
gpm_pod_create_aspect (GpmPod        *self,
                       const char    *name,
                       GCancellable  *cancellable,
                       GError       **error)
{
  const GpmPodBackend *backend;
  g_autofree char *stripped = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  GpmPodAspect *aspect;
  GpmPodAspect *existing;
  glong chars;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  if ((backend = require_backend (self, error)) == NULL)
    return NULL;

  /* Aspect: before_validation { name.strip! }, then presence and at most
   * 20 characters (app/models/aspect.rb:17-22) */
  stripped = g_strstrip (g_strdup (name));
  chars = g_utf8_strlen (stripped, -1);
  if (chars == 0)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_NAME_INVALID, 0, 0, _("An aspect needs a name."));
      return NULL;
    }
  if (chars > GPM_POD_ASPECT_NAME_MAX_CHARS)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_NAME_INVALID, 0, 0,
                         ngettext ("“%s” is too long for an aspect name: the pod takes at most %d character.",
                                   "“%s” is too long for an aspect name: the pod takes at most %d characters.",
                                   GPM_POD_ASPECT_NAME_MAX_CHARS),
                         stripped, GPM_POD_ASPECT_NAME_MAX_CHARS);
      return NULL;
    }

  aspect = backend->create_aspect (self, stripped, cancellable, &local_error);
  if (aspect != NULL)
    return aspect;
  if (!g_error_matches (local_error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED)
      && !gpm_pod_error_is_uncertain (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* The pod's refusal does not say why (the web answers an empty 422), and
   * an answer that never came may hide a creation: the account's aspects
   * tell */
  aspects = backend->list_aspects (self, cancellable, NULL);
  existing = find_aspect_named (aspects, stripped);
  if (existing != NULL && gpm_pod_error_is_uncertain (local_error))
    return gpm_pod_aspect_ref (existing);   /* made after all */
  if (existing != NULL)
    gpm_pod_set_error (error, GPM_POD_ERROR_NAME_TAKEN, gpm_pod_error_get_http_status (local_error), 0,
                       _("You already have an aspect named “%s”."), existing->name);
  else if (gpm_pod_error_get_http_status (local_error) == 422)
    gpm_pod_set_error (error, GPM_POD_ERROR_REJECTED, 422, 0,
                       _("The pod did not accept “%s” as an aspect name."), stripped);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

char *
gpm_pod_upload_photo (GpmPod        *self,
                      GBytes        *data,
                      const char    *filename,
                      const char    *content_type,
                      GCancellable  *cancellable,
                      GError       **error)
{
  const GpmPodBackend *backend;
  g_autofree char *name = NULL;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  if ((backend = require_backend (self, error)) == NULL)
    return NULL;
  if (content_type == NULL)
    content_type = "application/octet-stream";
  /* the pod takes a photo by its name's extension */
  name = gpm_pod_photo_file_name (filename != NULL && *filename != '\0' ? filename : "photo.jpg", content_type);
  return backend->upload_photo (self, data, name, content_type, cancellable, error);
}

/* A hashtag over GPM_DIASPORA_MAX_TAG_CHARS fails the post or comment
 * (Diaspora::Taggable#tag_name_max_length, lib/diaspora/taggable.rb:17-20;
 * Comment is Taggable too, app/models/comment.rb:14,20): said as such,
 * not as "too long", and not sent. */
static gboolean
check_hashtags (const char *text, GError **error)
{
  glong longest = 0;
  g_autofree char *escaped = gpm_escape_long_hashtags (text, NULL, &longest);

  if (longest == 0)
    return TRUE;
  gpm_pod_set_error (error, GPM_POD_ERROR_REJECTED, 0, 0,
                     _("A hashtag in the text is %'ld characters long; diaspora* takes hashtags of at most %d "
                       "characters. It was not posted."),
                     longest, GPM_DIASPORA_MAX_TAG_CHARS);
  return FALSE;
}

GpmPodPost *
gpm_pod_create_post (GpmPod             *self,
                     const GpmPodDraft  *draft,
                     GCancellable       *cancellable,
                     GError            **error)
{
  const GpmPodBackend *backend;
  glong chars;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (draft != NULL && draft->text != NULL, NULL);
  if ((backend = require_backend (self, error)) == NULL)
    return NULL;

  chars = g_utf8_strlen (draft->text, -1);
  if (chars > GPM_DIASPORA_MAX_TEXT_CHARS)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_TEXT_TOO_LONG, 0, 0,
                         _("The post has %ld characters; the pod accepts at most %'d. It was not posted."),
                         chars, GPM_DIASPORA_MAX_TEXT_CHARS);
      return NULL;
    }
  if (!check_hashtags (draft->text, error))
    return NULL;
  if (!draft->is_public && (draft->aspect_ids == NULL || draft->aspect_ids->len == 0))
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_REJECTED, 0, 0,
                         _("A limited post needs at least one aspect; it was not posted."));
      return NULL;
    }
  return backend->create_post (self, draft, cancellable, error);
}

gboolean
gpm_pod_delete_post (GpmPod        *self,
                     const char    *guid,
                     GCancellable  *cancellable,
                     GError       **error)
{
  const GpmPodBackend *backend;

  g_return_val_if_fail (GPM_IS_POD (self), FALSE);
  g_return_val_if_fail (guid != NULL && *guid != '\0', FALSE);
  if ((backend = require_backend (self, error)) == NULL)
    return FALSE;
  return backend->delete_post (self, guid, cancellable, error);
}

GPtrArray *
gpm_pod_list_own_posts_since (GpmPod        *self,
                              guint          max_posts,
                              gint64         since,
                              GCancellable  *cancellable,
                              GError       **error)
{
  const GpmPodBackend *backend;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  if ((backend = require_backend (self, error)) == NULL)
    return NULL;
  return backend->list_own_posts (self, max_posts, since, cancellable, error);
}

GPtrArray *
gpm_pod_list_own_posts (GpmPod        *self,
                        guint          max_posts,
                        GCancellable  *cancellable,
                        GError       **error)
{
  return gpm_pod_list_own_posts_since (self, max_posts > 0 ? max_posts : 20, G_MININT64,
                                       cancellable, error);
}

GpmPodPost *
gpm_pod_create_comment (GpmPod        *self,
                        const char    *post_guid,
                        const char    *text,
                        GCancellable  *cancellable,
                        GError       **error)
{
  const GpmPodBackend *backend;
  glong chars;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (post_guid != NULL && text != NULL, NULL);
  if ((backend = require_backend (self, error)) == NULL)
    return NULL;
  chars = g_utf8_strlen (text, -1);
  if (chars > GPM_DIASPORA_MAX_TEXT_CHARS)
    {
      gpm_pod_set_error (error, GPM_POD_ERROR_TEXT_TOO_LONG, 0, 0,
                         _("The comment has %ld characters; the pod accepts at most %'d. It was not posted."),
                         chars, GPM_DIASPORA_MAX_TEXT_CHARS);
      return NULL;
    }
  if (!check_hashtags (text, error))
    return NULL;
  return backend->create_comment (self, post_guid, text, cancellable, error);
}

GPtrArray *
gpm_pod_list_own_comments (GpmPod        *self,
                           const char    *post_guid,
                           GCancellable  *cancellable,
                           GError       **error)
{
  const GpmPodBackend *backend;

  g_return_val_if_fail (GPM_IS_POD (self), NULL);
  g_return_val_if_fail (post_guid != NULL, NULL);
  if ((backend = require_backend (self, error)) == NULL)
    return NULL;
  return backend->list_own_comments (self, post_guid, cancellable, error);
}
