/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-plan-estimate.c: how long a run of the plan takes at its pace and
 * daily cap, and how the app and the CLI say it ("At 100 posts a day:
 * about 155 days, until May 12"). */
#define G_LOG_DOMAIN "gpm-plan"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include <string.h>

#include "gpm-convert.h"
#include "gpm-diaspora.h"
#include "gpm-long-post.h"
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

/* The most a post's Markdown has per byte of its HTML content: every
 * character escaped (gpm-convert-escape.c), and the lines after it (tags,
 * date, link) */
#define MARKDOWN_GROWTH 2
#define MARKDOWN_TAIL_BYTES 4096

guint
gpm_plan_post_extra_sends (GpmPlan  *self,
                           GpmPost  *post,
                           gboolean  own_comments)
{
  const char *edited;
  const char *content;
  guint n;

  g_return_val_if_fail (GPM_IS_PLAN (self), 0);
  g_return_val_if_fail (GPM_IS_POST (post), 0);

  n = own_comments ? gpm_post_get_n_own_comments (post) : 0;
  /* A text over the limit goes in parts (gpm_long_post_split(), by the
   * bytes: a pod on MySQL takes no more, and no pod more characters), the
   * parts after the post each a send: counted by the split itself, of the
   * text the migrator sends, the edited one or the content's Markdown.
   * Only a long content is converted here (a handful in a takeout): a
   * shorter one cannot make a text over the limit. */
  edited = gpm_plan_get_post_text (self, gpm_journal_post_key (post));
  if (edited != NULL)
    return n + gpm_long_post_count_parts (edited, GPM_DIASPORA_MAX_TEXT_BYTES) - 1;
  content = gpm_post_get_content (post);
  if (strlen (content) * MARKDOWN_GROWTH + MARKDOWN_TAIL_BYTES > GPM_DIASPORA_MAX_TEXT_BYTES)
    {
      g_autofree char *markdown = gpm_convert_html_to_markdown (content, FALSE);

      n += gpm_long_post_count_parts (markdown, GPM_DIASPORA_MAX_TEXT_BYTES) - 1;
    }
  return n;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

gint64
gpm_plan_estimate_sends (guint         delay_seconds,
                         guint         cap,
                         GArray       *sends,
                         guint         from,
                         GArray       *recent,
                         gint64        last_sent,
                         gint64        now)
{
  gint64 delay = delay_seconds, t = now, last, end = now;
  guint head = 0, filled = 0;
  g_autofree gint64 *ring = NULL;   /* the last @cap posts' times, oldest at @head */

  last = last_sent > 0 ? MIN (last_sent, now) : G_MININT64;
  if (cap > 0)
    {
      guint n_recent = recent != NULL ? recent->len : 0;
      g_autofree gint64 *sorted = n_recent > 0 ? g_memdup2 (recent->data, sizeof (gint64) * n_recent) : NULL;

      ring = g_new0 (gint64, cap);
      if (n_recent > 0)
        qsort (sorted, n_recent, sizeof (gint64), compare_int64);
      for (guint i = n_recent > cap ? n_recent - cap : 0; i < n_recent; i++)
        {
          ring[head] = MIN (sorted[i], now);
          head = (head + 1) % cap;
          filled = MIN (filled + 1, cap);
        }
    }
  for (guint p = from; sends != NULL && p < sends->len; p++)
    for (guint s = 0; s < g_array_index (sends, guint, p); s++)
      {
        if (last != G_MININT64)
          t = MAX (t, last + delay);
        /* _gpm_migrator_wait_for_turn(): a post waits while @cap were
         * posted at or after 24 hours ago, until a second after the
         * oldest of them is 24 hours old; an extra send waits the delay */
        if (s == 0 && cap > 0)
          {
            if (filled == cap && ring[head] >= t - SECONDS_PER_DAY)
              t = ring[head] + SECONDS_PER_DAY + 1;
            ring[head] = t;
            head = (head + 1) % cap;
            filled = MIN (filled + 1, cap);
          }
        last = end = t;
      }
  return end - now;
}

guint
gpm_plan_count_sent (GArray *sends,
                     guint   from)
{
  guint n = 0;

  for (guint p = from; sends != NULL && p < sends->len; p++)
    n += g_array_index (sends, guint, p) > 0;
  return n;
}

gint64
gpm_plan_estimate_run (GpmPlan    *self,
                       GPtrArray  *posts,
                       GpmJournal *journal,
                       gint64      now,
                       guint      *n_posts)
{
  g_autoptr(GArray) sends = NULL;
  g_autoptr(GArray) recent = NULL;
  g_autoptr(GHashTable) posted = NULL;
  gint64 last = 0;

  g_return_val_if_fail (GPM_IS_PLAN (self), -1);
  g_return_val_if_fail (posts != NULL, -1);

  if (journal != NULL)
    {
      posted = gpm_journal_dup_posted_keys (journal);
      if (self->max_per_day > 0)
        recent = gpm_journal_account_posted_times_since (journal, now - SECONDS_PER_DAY);
      last = gpm_journal_last_posted_at (journal);
    }
  sends = gpm_plan_dup_run_sends (self, posts, posted, self->own_comments);
  if (n_posts != NULL)
    *n_posts = gpm_plan_count_sent (sends, 0);
  return gpm_plan_estimate_sends (self->delay, self->max_per_day, sends, 0, recent, last, now);
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

static char *
describe_end_seconds (GDateTime *now,
                      gint64     seconds)
{
  g_autoptr(GDateTime) end = g_date_time_add_seconds (now, (gdouble) seconds);
  g_autofree char *duration = NULL;
  g_autofree char *until = NULL;

  duration = describe_duration (seconds);
  until = describe_end (now, end, seconds);
  /* Translators: "about 155 days, until May 12" */
  return g_strdup_printf (_("%s, until %s"), duration, until);
}

char *
gpm_plan_describe_end_seconds (GpmPlan   *self,
                               guint      n_posts,
                               gint64     seconds,
                               GDateTime *now)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (n_posts == 0)
    return g_strdup (_("Nothing to send."));
  return describe_end_seconds (now, seconds);
}

char *
gpm_plan_describe_seconds (GpmPlan   *self,
                           guint      n_posts,
                           gint64     seconds,
                           GDateTime *now)
{
  g_autofree char *pace = NULL;
  g_autofree char *end = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (n_posts == 0)
    return g_strdup (_("Nothing to send."));
  pace = gpm_plan_describe_pace (self, n_posts);
  end = describe_end_seconds (now, seconds);
  /* Translators: "At 100 posts a day: about 155 days, until May 12" */
  return g_strdup_printf (_("%s: %s"), pace, end);
}

char *
gpm_plan_describe_estimate (GpmPlan   *self,
                            guint      n_posts,
                            GDateTime *now)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (n_posts == 0)
    return g_strdup (_("Nothing to send."));
  return gpm_plan_describe_seconds (self, n_posts, gpm_plan_estimate (self, n_posts, now, NULL), now);
}
