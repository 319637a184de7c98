/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-plan-estimate.c: how long a run of the plan takes at its pace and
 * daily cap, and how the app and the CLI say it ("At 100 posts a day:
 * about 155 days, until May 12"). */
#define G_LOG_DOMAIN "gpm-plan"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-plan-private.h"

#define SECONDS_PER_DAY 86400

gint64
gpm_plan_estimate (GpmPlan    *self,
                   guint       n_posts,
                   GDateTime  *now,
                   GDateTime **end)
{
  guint64 delay, cap, seconds;

  g_return_val_if_fail (GPM_IS_PLAN (self), -1);
  g_return_val_if_fail (now != NULL, -1);

  delay = self->delay;
  cap = self->max_per_day;
  if (n_posts == 0)
    seconds = 0;
  /* The first post goes at once, the next ones a delay apart; with a cap
   * the migrator lets at most @cap go in any 24 hours, so a day's batch
   * starts a day after the previous one's first post. */
  else if (cap == 0 || cap * delay >= SECONDS_PER_DAY)
    seconds = (guint64) (n_posts - 1) * delay;
  else
    seconds = ((guint64) (n_posts - 1) / cap) * SECONDS_PER_DAY + ((guint64) (n_posts - 1) % cap) * delay;

  if (end != NULL)
    *end = g_date_time_add_seconds (now, (gdouble) seconds);
  return (gint64) seconds;
}

/* "about 155 days" */
static char *
describe_duration (gint64 seconds)
{
  guint n;

  if (seconds < 60)
    return g_strdup (_("less than a minute"));
  if (seconds < 3600)
    {
      n = (guint) ((seconds + 30) / 60);
      return g_strdup_printf (ngettext ("about %u minute", "about %u minutes", n), n);
    }
  if (seconds < 48 * 3600)
    {
      n = (guint) ((seconds + 1800) / 3600);
      return g_strdup_printf (ngettext ("about %u hour", "about %u hours", n), n);
    }
  n = (guint) ((seconds + SECONDS_PER_DAY / 2) / SECONDS_PER_DAY);
  return g_strdup_printf (ngettext ("about %u day", "about %u days", n), n);
}

/* When it ends, as people write it in their language: a time of day
 * within a day, a date otherwise, with the year only when it differs. */
static char *
describe_end (GDateTime *now,
              GDateTime *end,
              gint64     seconds)
{
  g_autoptr(GDateTime) local_now = g_date_time_to_local (now);
  g_autoptr(GDateTime) local_end = g_date_time_to_local (end);

  if (seconds < 20 * 3600)
    /* Translators: a time of day (g_date_time_format()), as in "until 14:05" */
    return g_date_time_format (local_end, C_("time of day", "%H:%M"));
  if (g_date_time_get_year (local_end) == g_date_time_get_year (local_now))
    /* Translators: a date without the year (g_date_time_format()), as in "until May 12" */
    return g_date_time_format (local_end, C_("date without year", "%B %-d"));
  /* Translators: a date with the year (g_date_time_format()), as in "until May 12, 2027" */
  return g_date_time_format (local_end, C_("date with year", "%B %-d, %Y"));
}

/* Whether the daily cap, not the delay, sets the pace of @n_posts */
static gboolean
cap_binds (GpmPlan *self,
           guint    n_posts)
{
  return self->max_per_day > 0 && (guint64) self->max_per_day * self->delay < SECONDS_PER_DAY &&
         n_posts > self->max_per_day;
}

char *
gpm_plan_describe_pace (GpmPlan *self,
                        guint    n_posts)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);

  if (cap_binds (self, n_posts))
    /* Translators: the pace, as in "At 100 posts a day: about 155 days, until May 12" */
    return g_strdup_printf (ngettext ("At %u post a day", "At %u posts a day", self->max_per_day), self->max_per_day);
  /* Translators: the pace, as in "One post every 60 seconds: about 3 hours, until 14:05" */
  return g_strdup_printf (ngettext ("One post every %u second", "One post every %u seconds", self->delay), self->delay);
}

char *
gpm_plan_describe_end (GpmPlan   *self,
                       guint      n_posts,
                       GDateTime *now)
{
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *until = NULL;
  gint64 seconds;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (n_posts == 0)
    return g_strdup (_("Nothing to send."));
  seconds = gpm_plan_estimate (self, n_posts, now, &end);
  duration = describe_duration (seconds);
  until = describe_end (now, end, seconds);
  /* Translators: "about 155 days, until May 12" */
  return g_strdup_printf (_("%s, until %s"), duration, until);
}

char *
gpm_plan_describe_estimate (GpmPlan   *self,
                            guint      n_posts,
                            GDateTime *now)
{
  g_autofree char *pace = NULL;
  g_autofree char *end = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (n_posts == 0)
    return g_strdup (_("Nothing to send."));
  pace = gpm_plan_describe_pace (self, n_posts);
  end = gpm_plan_describe_end (self, n_posts, now);
  /* Translators: "At 100 posts a day: about 155 days, until May 12" */
  return g_strdup_printf (_("%s: %s"), pace, end);
}
