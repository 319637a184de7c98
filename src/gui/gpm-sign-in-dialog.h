/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-sign-in-dialog.h: sign in to a diaspora* pod: address and account,
 * pod detection, browser (API) sign-in when offered, else password and
 * two-factor code; the account is remembered in the keyring. */
#pragma once

#include <adwaita.h>

#include "gpm-pod.h"

G_BEGIN_DECLS

#define GPM_TYPE_SIGN_IN_DIALOG (gpm_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GpmSignInDialog, gpm_sign_in_dialog, GPM, SIGN_IN_DIALOG, AdwWindow)

/* Emits ::signed-in (GpmPod *pod) and closes once signed in. */
GpmSignInDialog *gpm_sign_in_dialog_new          (GtkWindow       *parent);

/* What the user would type and press (the tests drive the dialog so). */
void             gpm_sign_in_dialog_set_address  (GpmSignInDialog *self,
                                                  const char      *address);
void             gpm_sign_in_dialog_set_username (GpmSignInDialog *self,
                                                  const char      *username);
void             gpm_sign_in_dialog_set_password (GpmSignInDialog *self,
                                                  const char      *password);
void             gpm_sign_in_dialog_set_code     (GpmSignInDialog *self,
                                                  const char      *code);
void             gpm_sign_in_dialog_continue     (GpmSignInDialog *self);
/* "address", "password", "code", "browser" or "busy". */
const char      *gpm_sign_in_dialog_get_step     (GpmSignInDialog *self);
/* Signs in at once when the keyring remembers the account the fields name
 * (the last one): nothing to type (issue 17). */
void             gpm_sign_in_dialog_sign_in_remembered (GpmSignInDialog *self);
/* The browser could not be opened: the link to copy, and the password way. */
void             gpm_sign_in_dialog_browser_failed (GpmSignInDialog *self);
/* The link shown to copy, NULL when none. */
const char      *gpm_sign_in_dialog_get_link     (GpmSignInDialog *self);
/* The message shown to the user, "" when none. */
const char      *gpm_sign_in_dialog_get_message  (GpmSignInDialog *self);
/* Browser sign-in is used only when this is TRUE (default). */
void             gpm_sign_in_dialog_set_can_open_browser (GpmSignInDialog *self,
                                                          gboolean         can);

/* TRUE while the account is being written to the keyring (which goes on
 * after the dialog closed). */
gboolean         gpm_sign_in_dialog_is_remembering (GpmSignInDialog *self);

/* What opens the pod's authorization page; default: the user's browser
 * (gtk_show_uri). */
void             gpm_sign_in_dialog_set_uri_opener (GpmSignInDialog   *self,
                                                    GpmPodOpenUriFunc  func,
                                                    gpointer           user_data);

G_END_DECLS
