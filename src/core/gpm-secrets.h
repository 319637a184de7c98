/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-secrets.h: pod account secrets in the user's keyring (libsecret).
 *
 * Items use the schema "org.example.GPlusMigrate.Account" with the
 * attributes "pod" (the normalised pod address, gpm_pod_normalize_address),
 * "username" and "kind" ("password", or "api-session" for the opaque string
 * of gpm_pod_dup_api_secret). Secrets never go to settings, the journal, logs
 * or argv; free them with gpm_secrets_free(), which wipes the memory. */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "gpm-pod.h"

G_BEGIN_DECLS

typedef enum {
  GPM_SECRET_PASSWORD,     /* the account's password (web sign-in) */
  GPM_SECRET_API_SESSION,  /* gpm_pod_dup_api_secret() (API v1 sign-in) */
} GpmSecretKind;

const SecretSchema *gpm_secrets_get_schema (void);

/* Blocking; call from a thread or the CLI. */
gboolean  gpm_secrets_store_sync   (const char     *pod,
                                    const char     *username,
                                    GpmSecretKind   kind,
                                    const char     *secret,
                                    GCancellable   *cancellable,
                                    GError        **error);
/* NULL without @error when there is none. */
char     *gpm_secrets_lookup_sync  (const char     *pod,
                                    const char     *username,
                                    GpmSecretKind   kind,
                                    GCancellable   *cancellable,
                                    GError        **error);
/* TRUE when something was removed. */
gboolean  gpm_secrets_clear_sync   (const char     *pod,
                                    const char     *username,
                                    GpmSecretKind   kind,
                                    GCancellable   *cancellable,
                                    GError        **error);

void      gpm_secrets_store_async  (const char          *pod,
                                    const char          *username,
                                    GpmSecretKind        kind,
                                    const char          *secret,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  gpm_secrets_store_finish (GAsyncResult        *result,
                                    GError             **error);
void      gpm_secrets_lookup_async (const char          *pod,
                                    const char          *username,
                                    GpmSecretKind        kind,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* NULL without @error when there is none. */
char     *gpm_secrets_lookup_finish (GAsyncResult       *result,
                                     GError            **error);
void      gpm_secrets_clear_async  (const char          *pod,
                                    const char          *username,
                                    GpmSecretKind        kind,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  gpm_secrets_clear_finish (GAsyncResult        *result,
                                    GError             **error);

/* Keeps @pod's API session in the keyring: whenever it changes (the pod
 * rotated the refresh token while refreshing, in whatever thread), the new
 * gpm_pod_dup_api_secret() is stored for the pod's address and account,
 * from the thread-default main context of the caller (which must run). Call
 * it once, where the GpmPod is made; it lasts as long as @pod. */
void      gpm_secrets_follow_api_session (GpmPod *pod);

/* Wipes and frees a secret returned by this module (NULL is fine). */
void      gpm_secrets_free         (char *secret);

G_END_DECLS
