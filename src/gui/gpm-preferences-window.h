/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GPM_TYPE_PREFERENCES_WINDOW (gpm_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (GpmPreferencesWindow, gpm_preferences_window, GPM, PREFERENCES_WINDOW, AdwPreferencesWindow)

GpmPreferencesWindow *gpm_preferences_window_new (GtkWindow *parent);

G_END_DECLS
