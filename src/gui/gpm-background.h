/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-background.h: leave to run with no window, and to start at login
 * (issue 17: a migration takes months).
 *
 * In a Flatpak, the Background portal (org.freedesktop.portal.Background,
 * RequestBackground) is asked: it lets the app run without a window and,
 * with autostart, starts it at login with --resume. Outside a sandbox, or
 * when the portal is absent, nothing needs permission to run on, and
 * starting at login is an XDG autostart file in $XDG_CONFIG_HOME/autostart. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  GPM_BACKGROUND_PORTAL,          /* the Background portal answered */
  GPM_BACKGROUND_AUTOSTART_FILE,  /* no portal: the autostart file written (or removed) */
} GpmBackgroundMethod;

/* $XDG_CONFIG_HOME/autostart/APP_ID.desktop */
char     *gpm_background_dup_autostart_path (void);

/* Writes the autostart file (Exec: this program with --resume) when
 * @autostart, else removes it. */
gboolean  gpm_background_write_autostart    (gboolean   autostart,
                                             GError   **error);

/* Asks to run in the background, and to start at login when @autostart.
 * @use_portal: ask the portal on @bus (else, or when it is absent, the
 * autostart file); @parent_window: the portal's window handle ("" none).
 * gpm_background_request() is the usual call: the portal inside a Flatpak. */
void      gpm_background_request_async      (GDBusConnection     *bus,
                                             gboolean             use_portal,
                                             const char          *parent_window,
                                             gboolean             autostart,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  gpm_background_request_finish     (GAsyncResult        *result,
                                             GpmBackgroundMethod *method,
                                             GError             **error);

/* Fire and forget, from the app: the result is logged. */
void      gpm_background_request            (gboolean             autostart);

/* Whether the app runs inside a Flatpak sandbox. */
gboolean  gpm_background_in_flatpak         (void);

G_END_DECLS
