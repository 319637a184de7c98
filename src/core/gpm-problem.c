/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-problem"

#include "gpm-problem.h"

G_DEFINE_BOXED_TYPE (GpmProblem, gpm_problem, gpm_problem_ref, gpm_problem_unref)

GpmProblem *
gpm_problem_new (const char *name,
                 const char *message)
{
  GpmProblem *self = g_atomic_rc_box_new0 (GpmProblem);

  self->name = g_strdup (name);
  self->message = g_strdup (message);
  return self;
}

GpmProblem *
gpm_problem_newf (const char *name,
                  const char *format,
                  ...)
{
  GpmProblem *self;
  va_list args;
  va_start (args, format);
  self = g_atomic_rc_box_new0 (GpmProblem);
  self->name = g_strdup (name);
  self->message = g_strdup_vprintf (format, args);
  va_end (args);
  return self;
}

GpmProblem *
gpm_problem_ref (GpmProblem *problem)
{
  return g_atomic_rc_box_acquire (problem);
}

static void
problem_clear (GpmProblem *problem)
{
  g_free (problem->name);
  g_free (problem->message);
}

void
gpm_problem_unref (GpmProblem *problem)
{
  if (problem != NULL)
    g_atomic_rc_box_release_full (problem, (GDestroyNotify) problem_clear);
}

char *
gpm_problem_to_string (const GpmProblem *problem)
{
  return g_strdup_printf ("%s: %s", problem->name, problem->message);
}
