/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GPM_TYPE_APPLICATION (gpm_application_get_type ())
G_DECLARE_FINAL_TYPE (GpmApplication, gpm_application, GPM, APPLICATION, AdwApplication)

GpmApplication *gpm_application_new          (void);
GSettings      *gpm_application_get_settings (GpmApplication *self);

/* The settings of the app (schema id = the app id), shared. */
GSettings      *gpm_settings_get_default     (void);

G_END_DECLS
