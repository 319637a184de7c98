/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-problem.h: a problem with one input file, reported to the user with its name. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GPM_TYPE_PROBLEM (gpm_problem_get_type ())

typedef struct {
  char *name;     /* the file or archive entry, as the user knows it */
  char *message;  /* why, in plain words */
} GpmProblem;   /* in a g_atomic_rc_box: gpm_problem_ref/unref() */

GType       gpm_problem_get_type (void) G_GNUC_CONST;
GpmProblem *gpm_problem_new      (const char *name, const char *message);
GpmProblem *gpm_problem_newf     (const char *name, const char *format, ...) G_GNUC_PRINTF (2, 3);
GpmProblem *gpm_problem_ref      (GpmProblem *problem);
void        gpm_problem_unref    (GpmProblem *problem);
/* "NAME: MESSAGE" */
char       *gpm_problem_to_string (const GpmProblem *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmProblem, gpm_problem_unref)

G_END_DECLS
