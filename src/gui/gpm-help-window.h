/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-help-window.h: how to request a Google Takeout and use the app. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GPM_TYPE_HELP_WINDOW (gpm_help_window_get_type ())
G_DECLARE_FINAL_TYPE (GpmHelpWindow, gpm_help_window, GPM, HELP_WINDOW, AdwWindow)

GpmHelpWindow *gpm_help_window_new (GtkWindow *parent);

G_END_DECLS
