/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-secrets"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-secrets.h"
#include "gpm-util.h"

const SecretSchema *
gpm_secrets_get_schema (void)
{
  static const SecretSchema schema = {
    "org.example.GPlusMigrate.Account", SECRET_SCHEMA_NONE,
    {
      { "pod", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static const char *
kind_to_string (GpmSecretKind kind)
{
  return kind == GPM_SECRET_API_SESSION ? "api-session" : "password";
}

static GHashTable *
make_attributes (const char    *pod,
                 const char    *username,
                 GpmSecretKind  kind)
{
  /* Owned copies: libsecret keeps the table past the call in its async
   * paths, and the caller's strings may be gone by then. */
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "pod", g_strdup (pod));
  g_hash_table_insert (attributes, (gpointer) "username", g_strdup (username));
  g_hash_table_insert (attributes, (gpointer) "kind", g_strdup (kind_to_string (kind)));
  return attributes;
}

static char *
make_label (const char    *pod,
            const char    *username,
            GpmSecretKind  kind)
{
  if (kind == GPM_SECRET_API_SESSION)
    /* Translators: keyring item label; %s are the user name and the pod address */
    return g_strdup_printf (_("GPlus Migrate: %s on %s (API session)"), username, pod);
  /* Translators: keyring item label; %s are the user name and the pod address */
  return g_strdup_printf (_("GPlus Migrate: %s on %s"), username, pod);
}

gboolean
gpm_secrets_store_sync (const char     *pod,
                        const char     *username,
                        GpmSecretKind   kind,
                        const char     *secret,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (pod != NULL && username != NULL && secret != NULL, FALSE);

  attributes = make_attributes (pod, username, kind);
  label = make_label (pod, username, kind);
  return secret_password_storev_sync (gpm_secrets_get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                      label, secret, cancellable, error);
}

char *
gpm_secrets_lookup_sync (const char     *pod,
                         const char     *username,
                         GpmSecretKind   kind,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_val_if_fail (pod != NULL && username != NULL, NULL);

  attributes = make_attributes (pod, username, kind);
  return secret_password_lookupv_sync (gpm_secrets_get_schema (), attributes, cancellable, error);
}

gboolean
gpm_secrets_clear_sync (const char     *pod,
                        const char     *username,
                        GpmSecretKind   kind,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_val_if_fail (pod != NULL && username != NULL, FALSE);

  attributes = make_attributes (pod, username, kind);
  return secret_password_clearv_sync (gpm_secrets_get_schema (), attributes, cancellable, error);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
gpm_secrets_store_async (const char          *pod,
                         const char          *username,
                         GpmSecretKind        kind,
                         const char          *secret,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GTask *task;

  g_return_if_fail (pod != NULL && username != NULL && secret != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_secrets_store_async);
  attributes = make_attributes (pod, username, kind);
  label = make_label (pod, username, kind);
  secret_password_storev (gpm_secrets_get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                          label, secret, cancellable, store_cb, task);
}

gboolean
gpm_secrets_store_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gpm_secrets_store_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) gpm_secrets_free);
}

void
gpm_secrets_lookup_async (const char          *pod,
                          const char          *username,
                          GpmSecretKind        kind,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (pod != NULL && username != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_secrets_lookup_async);
  attributes = make_attributes (pod, username, kind);
  secret_password_lookupv (gpm_secrets_get_schema (), attributes, cancellable, lookup_cb, task);
}

char *
gpm_secrets_lookup_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gpm_secrets_lookup_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removed = secret_password_clear_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, removed);
}

void
gpm_secrets_clear_async (const char          *pod,
                         const char          *username,
                         GpmSecretKind        kind,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (pod != NULL && username != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_secrets_clear_async);
  attributes = make_attributes (pod, username, kind);
  secret_password_clearv (gpm_secrets_get_schema (), attributes, cancellable, clear_cb, task);
}

gboolean
gpm_secrets_clear_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gpm_secrets_clear_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_secrets_free (char *secret)
{
  secret_password_free (secret);
}

/* ------------------------------------------------------ API session follower */

static void
follow_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* No keyring (or a locked one) only means signing in again next time. */
  if (!gpm_secrets_store_finish (result, &error))
    g_message ("The renewed sign-in could not be kept in the keyring: %s", error->message);
}

static void
weak_ref_free (gpointer data)
{
  GWeakRef *ref = data;

  g_weak_ref_clear (ref);
  g_free (ref);
}

/* In the follower's main context: read and store the current value (each
 * change posts one of these; the last store wins). */
static gboolean
follow_store_idle (gpointer data)
{
  g_autoptr(GpmPod) pod = g_weak_ref_get (data);
  g_autofree char *username = NULL;
  char *secret;

  if (pod == NULL)
    return G_SOURCE_REMOVE;
  username = gpm_pod_dup_username (pod);
  secret = gpm_pod_dup_api_secret (pod);
  if (username != NULL && secret != NULL)
    gpm_secrets_store_async (gpm_pod_get_address (pod), username, GPM_SECRET_API_SESSION, secret,
                             NULL, follow_stored_cb, NULL);
  gpm_secrets_free (secret);
  return G_SOURCE_REMOVE;
}

static void
follow_notify_cb (GpmPod *pod, GParamSpec *pspec, gpointer user_data)
{
  GMainContext *context = user_data;
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  /* any thread (a token refresh in the migrator's worker): hand over */
  g_weak_ref_init (ref, pod);
  gpm_main_context_post (context, G_PRIORITY_DEFAULT, "[gpm-secrets] keep API session",
                         follow_store_idle, ref, weak_ref_free);
}

static void
context_unref_closure (gpointer data, GClosure *closure)
{
  g_main_context_unref (data);
}

void
gpm_secrets_follow_api_session (GpmPod *pod)
{
  g_return_if_fail (GPM_IS_POD (pod));

  g_signal_connect_data (pod, "notify::api-secret", G_CALLBACK (follow_notify_cb),
                         g_main_context_ref_thread_default (), context_unref_closure, 0);
}
