/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-problems-dialog.h: every file the import could not read, and why. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GPM_TYPE_PROBLEMS_DIALOG (gpm_problems_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GpmProblemsDialog, gpm_problems_dialog, GPM, PROBLEMS_DIALOG, AdwWindow)

/* @problems: GpmProblem*. */
GpmProblemsDialog *gpm_problems_dialog_new (GtkWindow *parent,
                                            GPtrArray *problems);

G_END_DECLS
