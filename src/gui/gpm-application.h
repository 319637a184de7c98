/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "gpm-pod.h"

G_BEGIN_DECLS

#define GPM_TYPE_APPLICATION (gpm_application_get_type ())
G_DECLARE_FINAL_TYPE (GpmApplication, gpm_application, GPM, APPLICATION, AdwApplication)

GpmApplication *gpm_application_new          (void);
GSettings      *gpm_application_get_settings (GpmApplication *self);

/* A migration runs: the application stays while its window is closed
 * (g_application_hold). Released when the run ends. */
void            gpm_application_hold_migration    (GpmApplication *self);
void            gpm_application_release_migration (GpmApplication *self);
guint           gpm_application_get_n_migrations  (GpmApplication *self);
/* app.quit was asked for: closing a window stops its migration. */
gboolean        gpm_application_is_quitting       (GpmApplication *self);
/* The user kept a migration going when asked at quitting. */
void            gpm_application_cancel_quit       (GpmApplication *self);

/* Sends @notification under @id (when the desktop shows notifications);
 * @description, what it says in words ("title\nbody\nbuttons…"), is kept
 * for gpm_application_get_notification() (tests: a notification cannot be
 * read back). */
void            gpm_application_notify            (GpmApplication *self,
                                                   const char     *id,
                                                   GNotification  *notification,
                                                   const char     *description);
void            gpm_application_withdraw          (GpmApplication *self,
                                                   const char     *id);
/* The description of what was last sent under @id, NULL when none or withdrawn. */
const char     *gpm_application_get_notification  (GpmApplication *self,
                                                   const char     *id);

/* Signed in once per pod and account per session (issue 17): the pod a
 * sign-in gave, for the next migration of the session. */
void            gpm_application_remember_pod      (GpmApplication *self,
                                                   GpmPod         *pod);
/* The signed-in pod for @address and @username, NULL when none (not a reference). */
GpmPod         *gpm_application_lookup_pod        (GpmApplication *self,
                                                   const char     *address,
                                                   const char     *username);
void            gpm_application_forget_pods       (GpmApplication *self);

/* The settings of the app (schema id = the app id), shared. */
GSettings      *gpm_settings_get_default     (void);

G_END_DECLS
