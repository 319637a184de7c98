/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-problem"

#include "gpm-problem.h"

G_DEFINE_BOXED_TYPE (GpmProblem, gpm_problem, gpm_problem_ref, gpm_problem_unref)

GpmProblem *
gpm_problem_new (const char *name,
                 const char *message)
{
  GpmProblem *self = g_new0 (GpmProblem, 1);
  self->name = g_strdup (name);
  self->message = g_strdup (message);
  self->ref_count = 1;
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
  self = g_new0 (GpmProblem, 1);
  self->name = g_strdup (name);
  self->message = g_strdup_vprintf (format, args);
  self->ref_count = 1;
  va_end (args);
  return self;
}

GpmProblem *
gpm_problem_ref (GpmProblem *problem)
{
  g_atomic_int_inc (&problem->ref_count);
  return problem;
}

void
gpm_problem_unref (GpmProblem *problem)
{
  if (problem && g_atomic_int_dec_and_test (&problem->ref_count))
    {
      g_free (problem->name);
      g_free (problem->message);
      g_free (problem);
    }
}

char *
gpm_problem_to_string (const GpmProblem *problem)
{
  return g_strdup_printf ("%s: %s", problem->name, problem->message);
}
