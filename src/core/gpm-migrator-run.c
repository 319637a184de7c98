/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrator-run.c: the worker thread: its loop over the queue (the attempts
 * an earlier process left, the comments it did not finish, then the
 * posts), the waits that pause and cancel end, the retry policy every step
 * shares (sign in again, back off, give up), pacing and the daily cap, the
 * account's aspects, a new plan taken during a run */
#define G_LOG_DOMAIN "gpm-migrator"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-diaspora.h"
#include "gpm-long-post.h"
#include "gpm-migrator-private.h"

/* 429 answers are not failures: they get their own, larger budget. */
#define MAX_RATE_LIMITED 50

static void
run_free (Run *run)
{
  g_clear_pointer (&run->posts, g_ptr_array_unref);
  g_clear_object (&run->plan);
  g_clear_pointer (&run->handled, g_hash_table_unref);
  g_clear_pointer (&run->aspect_ids, g_hash_table_unref);
  g_clear_pointer (&run->sends, g_array_unref);
  g_clear_pointer (&run->rand, g_rand_free);
  g_clear_error (&run->fatal);
  g_clear_object (&run->self);
  g_free (run);
}

/* Waits until @deadline (monotonic µs), and while paused. FALSE when
 * cancelled. Ends early, TRUE, when the wall clock may have jumped
 * (gpm_migrator_time_changed()) and, for a pacing wait, with a new plan. */
gboolean
_gpm_migrator_wait_until (Run    *run,
                          gint64  deadline)
{
  GpmMigrator *self = run->self;
  gint64 start = g_get_monotonic_time ();
  gboolean ok;
  guint serial;

  g_mutex_lock (&self->mutex);
  serial = self->time_serial;
  while (!self->cancel_requested)
    {
      if (self->pause_requested)
        {
          g_cond_wait (&self->cond, &self->mutex);
          continue;
        }
      if (g_get_monotonic_time () >= deadline)
        break;
      if (run->wait_for_plan && self->next_plan != NULL)
        break;
      if (self->time_serial != serial)
        break;
      g_cond_wait_until (&self->cond, &self->mutex, deadline);
    }
  ok = !self->cancel_requested;
  g_mutex_unlock (&self->mutex);
  run->wait_usec += g_get_monotonic_time () - start;
  return ok;
}

/* The longest the worker sleeps without looking at the wall clock: a
 * machine that slept through a wait notices this long after waking. */
#define WAKE_USEC ((gint64) 60 * G_USEC_PER_SEC)

/* Waits @usec, and while paused. The wait is over once @usec have passed
 * on either clock: the monotonic one stops while the machine sleeps (a
 * night of suspend in the middle of a 24 hours' wait would make it 32),
 * the wall clock may be set back (the monotonic one still ends it). When
 * the two part (a wake-up, a clock set), the "waiting" with @reason (the
 * one the caller sent before) is sent again with the time now left.
 * FALSE when cancelled; TRUE early with a new plan for a pacing wait. */
gboolean
_gpm_migrator_sleep (Run        *run,
                     gint64      usec,
                     const char *reason)
{
  GpmMigrator *self = run->self;
  gint64 mono_start = g_get_monotonic_time ();
  gint64 real_start = gpm_get_real_time ();
  gint64 mono_end = mono_start + usec;
  gint64 real_end = real_start + usec;
  gint64 drift = 0;

  for (;;)
    {
      gint64 mono = g_get_monotonic_time ();
      gint64 real = gpm_get_real_time ();
      gint64 left = MIN (mono_end - mono, real_end - real);
      gint64 now_drift = (real - real_start) - (mono - mono_start);
      gboolean new_plan;

      if (left <= 0)
        return _gpm_migrator_checkpoint (run);
      /* The wall clock was set back during a wait for the turn: the
       * pacing is looked at again (posts now dated in the future count as
       * sent now) instead of waiting on the monotonic clock alone. */
      if (run->wait_for_plan && now_drift < drift - G_USEC_PER_SEC)
        return _gpm_migrator_checkpoint (run);
      if (reason != NULL && ABS (now_drift - drift) > G_USEC_PER_SEC)
        _gpm_migrator_waiting_event (run, left, reason);
      drift = now_drift;
      if (!_gpm_migrator_wait_until (run, mono + MIN (left, WAKE_USEC)))
        return FALSE;
      g_mutex_lock (&self->mutex);
      new_plan = run->wait_for_plan && self->next_plan != NULL;
      g_mutex_unlock (&self->mutex);
      if (new_plan)
        return TRUE;
    }
}

/* Between steps: waits while paused. FALSE when cancelled. */
gboolean
_gpm_migrator_checkpoint (Run *run)
{
  return _gpm_migrator_wait_until (run, 0);
}

void
_gpm_migrator_waiting_event (Run        *run,
                             gint64      usec,
                             const char *reason)
{
  guint seconds = (guint) ((usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

  _gpm_migrator_post_event (run, EVENT_WAITING, NULL, 0, NULL, seconds, reason);
}

static gboolean
is_auth_error (const GError *error)
{
  return g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_SIGNED_IN) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_WRONG_CREDENTIALS) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_ACCOUNT_LOCKED) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TWO_FACTOR_NEEDED) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_DENIED);
}

static gboolean
is_fatal_error (const GError *error)
{
  return g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TLS) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_INSECURE) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_INVALID_ADDRESS) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_DIASPORA) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_API) ||
         /* an API token without a scope the step needs (one from before the
          * client asked for it): the run stops, the step not done, until a
          * sign-in in the browser gives it (signing in again with the kept
          * session, as an ended one is, would give the same token) */
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_PERMITTED) ||
         /* the pod moved (a permanent redirect to another address): no
          * wait brings it back here; the run stops naming the new address
          * and the user signs in there */
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_MOVED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
is_redirected (const GError *error)
{
  return g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED);
}

/* An answer after which the post may exist even though the call failed.
 * A temporary redirect to another address too: what stands in front of a
 * pod (gpm-pod-http.c) answers before the pod sees the request, but a 303
 * says "done, see there": looked for before it is sent again. */
gboolean
_gpm_migrator_may_have_created (const GError *error)
{
  return gpm_pod_error_is_uncertain (error) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL) ||
         is_redirected (error);
}

gboolean
_gpm_migrator_is_transient (const GError *error)
{
  return gpm_pod_error_is_transient (error) || _gpm_migrator_may_have_created (error);
}

/* Pauses and asks for a new sign-in. FALSE when cancelled meanwhile. */
static gboolean
wait_for_auth (Run          *run,
               const GError *error)
{
  GpmMigrator *self = run->self;

  g_mutex_lock (&self->mutex);
  self->pause_requested = TRUE;
  g_mutex_unlock (&self->mutex);
  _gpm_migrator_post_event (run, EVENT_AUTH_REQUIRED, NULL, 0, error, 0, NULL);
  return _gpm_migrator_checkpoint (run);
}

/* Sleeps before retry @attempt (0-based) as the pod's retry policy says
 * (gpm_pod_retry_delay_ms()). FALSE when cancelled. */
gboolean
_gpm_migrator_backoff (Run          *run,
                       guint         attempt,
                       const GError *error)
{
  GpmMigrator *self = run->self;
  guint64 ms;
  guint base_ms, max_ms;
  g_autofree char *reason = NULL;

  g_mutex_lock (&self->mutex);
  base_ms = self->base_ms;
  max_ms = self->max_ms;
  g_mutex_unlock (&self->mutex);
  ms = gpm_pod_retry_delay_ms (error, attempt, base_ms, max_ms, run->rand);

  /* Translators: %s is the error, %u the number of the retry */
  reason = g_strdup_printf (_("%s — retry %u"), error != NULL ? error->message : "", attempt + 1);
  _gpm_migrator_waiting_event (run, (gint64) ms * 1000, reason);
  _gpm_migrator_post_event (run, EVENT_RETRYING, NULL, 0, error, (guint) ((ms + 999) / 1000), NULL);
  return _gpm_migrator_sleep (run, (gint64) ms * 1000, reason);
}

guint
_gpm_migrator_get_max_retries (GpmMigrator *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->max_retries;
}

/* Stores why the run must stop (first reason wins). */
void
_gpm_migrator_set_fatal (Run          *run,
                         const GError *error)
{
  if (run->fatal == NULL && error != NULL)
    run->fatal = g_error_copy (error);
}

/* An ended session waits for a new sign-in; an error no retry can mend
 * (TLS, not a pod, …) stops the run. */
Next
_gpm_migrator_after_auth_or_fatal (Run          *run,
                                   const GError *error)
{
  if (is_auth_error (error))
    return wait_for_auth (run, error) ? NEXT_RETRY : NEXT_STOP;
  /* A certificate that fails after it worked (it expired before the
   * pod's admin renewed it, a captive portal): never bypassed, waited
   * out like a pod that is down. Only when the pod answers otherwise
   * does it stop the run. (Straight to the wait, not through
   * _gpm_migrator_after_transient(): it is no error a quick retry mends,
   * and every step comes here first, without a budget.) */
  if (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TLS))
    {
      Next next = _gpm_migrator_wait_for_pod (run, error);

      if (next != NEXT_GIVE_UP)
        return next;
    }
  if (is_fatal_error (error))
    {
      _gpm_migrator_set_fatal (run, error);
      return NEXT_STOP;
    }
  return NEXT_GIVE_UP;
}

/* An error the whole pod (or the way to it) may be behind: unreachable,
 * no answer, 5xx, a rate limit, an answer that is not what the pod gives
 * (a maintenance page), a certificate that fails (expired before its
 * renewal, a captive portal), a redirect to another address (waited for
 * REDIRECT_MAX_WAIT_USEC at most). */
static gboolean
is_outage_error (const GError *error)
{
  return _gpm_migrator_is_transient (error) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TLS) ||
         is_redirected (error);
}

/* How long a redirect to another address (GPM_POD_ERROR_REDIRECTED) is
 * waited out before the run stops with it: a night's maintenance page
 * passes, a single sign-on proxy in front of the pod does not (no app gets
 * through it), and the user hears of it the same day. The wait shows the
 * address from its start. */
#define REDIRECT_MAX_WAIT_USEC ((gint64) 6 * 3600 * G_USEC_PER_SEC)

/* A step failed with @error after all its retries. When the pod itself is
 * down (for hours, for days: maintenance, a move, the laptop offline) the
 * post is not to blame, and failing it (then the next, and the next: the
 * whole queue in an afternoon, a run that ends and waits for the user)
 * would be wrong: so the pod is asked something that needs no post (the
 * account's aspects) and, while that fails too, asked again at the
 * longest backoff, without end (pause and cancel end it; an ended
 * session asks for a sign-in). NEXT_RETRY: it was down and is back (the
 * step starts over, with its whole budget); NEXT_GIVE_UP: it answers, so
 * the failure is the step's own; NEXT_STOP. */
Next
_gpm_migrator_wait_for_pod (Run          *run,
                            const GError *error)
{
  GpmMigrator *self = run->self;
  gboolean was_down = FALSE;
  g_autoptr(GError) last = g_error_copy (error);
  /* when the redirects began (both clocks: a sleep stops the monotonic one) */
  gint64 redirected_mono = is_redirected (error) ? g_get_monotonic_time () : 0;
  gint64 redirected_real = is_redirected (error) ? gpm_get_real_time () : 0;

  if (!is_redirected (error))
    run->redirect_answered = FALSE;

  for (guint n = 0;; n++)
    {
      g_autoptr(GPtrArray) aspects = NULL;
      g_autoptr(GError) local = NULL;
      g_autofree char *reason = NULL;
      guint base_ms, max_ms;
      guint64 ms;
      gint64 start;

      if (!_gpm_migrator_checkpoint (run))
        return NEXT_STOP;
      start = g_get_monotonic_time ();
      aspects = gpm_pod_list_aspects (self->pod, NULL, &local);
      run->io_usec += g_get_monotonic_time () - start;
      if (aspects != NULL && !was_down && is_redirected (error))
        {
          /* The pod answers, and the step was sent elsewhere: the
           * redirect may have ended just now (the step goes again, once),
           * or it stands in front of some of the pod's pages only (a
           * proxy): not the post's fault, and every post would meet it,
           * so the run stops */
          if (run->redirect_answered)
            {
              _gpm_migrator_set_fatal (run, error);
              return NEXT_STOP;
            }
          run->redirect_answered = TRUE;
          return NEXT_RETRY;
        }
      if (aspects != NULL)
        {
          if (was_down)
            run->redirect_answered = FALSE;
          return was_down ? NEXT_RETRY : NEXT_GIVE_UP;
        }
      g_debug ("Is the pod there? %s", local->message);
      if (is_auth_error (local))
        {
          if (!wait_for_auth (run, local))
            return NEXT_STOP;
          continue;
        }
      if (g_error_matches (local, GPM_POD_ERROR, GPM_POD_ERROR_MOVED))
        {
          /* not down but moved: waiting would never end */
          _gpm_migrator_set_fatal (run, local);
          return NEXT_STOP;
        }
      if (!is_outage_error (local))
        return NEXT_GIVE_UP;
      if (!is_redirected (local))
        redirected_mono = redirected_real = 0;
      else if (redirected_mono == 0)
        {
          redirected_mono = g_get_monotonic_time ();
          redirected_real = gpm_get_real_time ();
        }
      else if (g_get_monotonic_time () - redirected_mono > REDIRECT_MAX_WAIT_USEC ||
               gpm_get_real_time () - redirected_real > REDIRECT_MAX_WAIT_USEC)
        {
          _gpm_migrator_set_fatal (run, local);
          return NEXT_STOP;
        }
      was_down = TRUE;
      g_clear_error (&last);
      last = g_steal_pointer (&local);

      g_mutex_lock (&self->mutex);
      base_ms = self->base_ms;
      max_ms = self->max_ms;
      g_mutex_unlock (&self->mutex);
      /* from the longest backoff on: the step's own retries came first */
      ms = gpm_pod_retry_delay_ms (last, MAX (n, 16), base_ms, max_ms, run->rand);
      if (is_redirected (last))
        /* Translators: %s says where the pod sends the app (a sentence) */
        reason = g_strdup_printf (_("%s Nothing is lost: the migration goes on by itself when the pod answers "
                                    "again; if it still does not in a few hours, the migration stops."),
                                  last->message);
      else
        /* Translators: %s is why the pod cannot be reached */
        reason = g_strdup_printf (_("The pod cannot be reached (%s). Nothing is lost: "
                                    "the migration goes on by itself when it is back."), last->message);
      _gpm_migrator_waiting_event (run, (gint64) ms * 1000, reason);
      _gpm_migrator_post_event (run, EVENT_RETRYING, NULL, 0, last, (guint) ((ms + 999) / 1000), NULL);
      if (!_gpm_migrator_sleep (run, (gint64) ms * 1000, reason))
        return NEXT_STOP;
    }
}

/* The retry policy of every step: a rate limit (at most MAX_RATE_LIMITED
 * times) and a transient error (at most @max_retries times, counted in
 * *@attempt) are waited out with _gpm_migrator_backoff(); past those,
 * a pod that is down is waited for (_gpm_migrator_wait_for_pod()) with
 * both budgets given back when it is back. */
Next
_gpm_migrator_after_transient (Run          *run,
                               const GError *error,
                               guint        *attempt,
                               guint        *rate_limited,
                               guint         max_retries)
{
  Next next;

  if (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED) && *rate_limited < MAX_RATE_LIMITED)
    return _gpm_migrator_backoff (run, (*rate_limited)++, error) ? NEXT_RETRY : NEXT_STOP;
  if (_gpm_migrator_is_transient (error) && *attempt < max_retries)
    return _gpm_migrator_backoff (run, (*attempt)++, error) ? NEXT_RETRY : NEXT_STOP;
  if (!_gpm_migrator_is_transient (error))
    return NEXT_GIVE_UP;
  next = _gpm_migrator_wait_for_pod (run, error);
  if (next == NEXT_RETRY)
    {
      *attempt = 0;
      *rate_limited = 0;
    }
  return next;
}

/* _gpm_migrator_after_auth_or_fatal(), then _gpm_migrator_after_transient(). */
Next
_gpm_migrator_after_error (Run          *run,
                           const GError *error,
                           guint        *attempt,
                           guint        *rate_limited,
                           guint         max_retries)
{
  Next next = _gpm_migrator_after_auth_or_fatal (run, error);

  if (next != NEXT_GIVE_UP)
    return next;
  return _gpm_migrator_after_transient (run, error, attempt, rate_limited, max_retries);
}

/* @error by address: in _gpm_migrator_journal_ok(run, f(…, &e), e) the compiler may read
 * e before calling f (argument order is unspecified; GCC does), which lost
 * every journal error. */
gboolean
_gpm_migrator_journal_ok (Run      *run,
                          gboolean  ok,
                          GError  **error)
{
  if (!ok)
    {
      _gpm_migrator_set_fatal (run, *error);
      g_clear_error (error);
    }
  return ok;
}

/* Re-dates the journal's posts dated later than @now (real µs), the wall
 * clock set back since they were sent (gpm_journal_clamp_posted_at(): an
 * UPDATE): at the run's first look at the cap (an earlier run may have
 * sent them), then only when the clock may have gone back since: it shows
 * less than at an earlier look, or gpm_migrator_time_changed() said so.
 * Posts are sent seconds after a look: a clock set back by less leaves
 * them those seconds ahead at most. */
static void
clamp_posted_at (Run    *run,
                 gint64  now)
{
  GpmMigrator *self = run->self;
  guint serial;

  g_mutex_lock (&self->mutex);
  serial = self->time_serial;
  g_mutex_unlock (&self->mutex);
  if (run->clamp_high == 0 || serial != run->clamp_serial || now < run->clamp_high)
    {
      gpm_journal_clamp_posted_at (self->journal, now / G_USEC_PER_SEC);
      run->clamp_serial = serial;
      run->clamp_high = now;
    }
  run->clamp_high = MAX (run->clamp_high, now);
}

/* Pacing: at least "delay" seconds after the last post, and no more than
 * "max-per-day" posts in any 24 hours. FALSE when cancelled. */
gboolean
_gpm_migrator_wait_for_turn (Run *run)
{
  GpmMigrator *self = run->self;

  for (;;)
    {
      gint64 now = gpm_get_real_time ();
      guint delay, cap;
      gboolean new_plan;

      g_mutex_lock (&self->mutex);
      delay = self->delay;
      cap = self->max_per_day;
      new_plan = self->next_plan != NULL;
      g_mutex_unlock (&self->mutex);
      /* The post waited for may be out of the new plan: the caller looks */
      if (new_plan)
        return TRUE;

      /* The wall clock was set back since the last post: that post was
       * now at the latest (else the wait for it would last until the
       * clock is back where it was) */
      if (run->last_post_usec > now)
        run->last_post_usec = now;
      if (delay > 0 && run->last_post_usec > 0 && now < run->last_post_usec + (gint64) delay * G_USEC_PER_SEC)
        {
          gint64 wait = run->last_post_usec + (gint64) delay * G_USEC_PER_SEC - now;
          g_autofree char *reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Waiting %u second between posts",
                                                                                    "Waiting %u seconds between posts", delay),
                                                                       delay);

          _gpm_migrator_waiting_event (run, wait, reason);
          if (!_gpm_migrator_sleep (run, wait, reason))
            return FALSE;
          continue;
        }
      /* A comment (an own comment, a long post's continuation) does not
       * count toward the cap and does not wait for it: it goes with its
       * post, not a day later (and the estimate can say when) */
      if (cap > 0 && !run->turn_for_comment)
        {
          gint64 window = now / G_USEC_PER_SEC - 24 * 3600;

          /* Posts dated later than now (the clock was set back by days)
           * count as sent now: held until 24 hours from now, not until the
           * clock catches up. Stored, so that the next look (and the next
           * run) lets them age. A clock set forward frees the cap early
           * once, at most one day's posts, still at the delay's pace: it
           * cannot be told from a machine that slept (the monotonic clock
           * stops in both cases), and the posts sent after it are dated
           * in the new time. */
          clamp_posted_at (run, now);
          /* the posts the pod account was sent: by this journal and by
           * the account's others (another takeout into it) */
          g_autoptr(GArray) times = gpm_journal_account_posted_times_since (self->journal, window);
          guint n = times->len;

          if (n >= cap)
            {
              gint64 oldest = G_MAXINT64;
              gint64 wait;

              /* a time later than now (another journal's, its clock set
               * back) counts as now, as this journal's (clamped above) */
              for (guint k = 0; k < n; k++)
                oldest = MIN (oldest, MIN (g_array_index (times, gint64, k), now / G_USEC_PER_SEC));
              wait = MAX ((oldest + 24 * 3600 + 1) * G_USEC_PER_SEC - now, G_USEC_PER_SEC);
              g_autofree char *reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Daily limit of %u post reached",
                                                                                        "Daily limit of %u posts reached", cap),
                                                                           cap);

              _gpm_migrator_waiting_event (run, wait, reason);
              if (!_gpm_migrator_sleep (run, wait, reason))
                return FALSE;
              continue;
            }
        }
      return TRUE;
    }
}

/* Maps the plan's aspect names to the account's aspect ids (listing them
 * once, again when a new plan names one not seen). FALSE: stop (run->fatal). */
static gboolean
resolve_aspects (Run *run)
{
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) aspects = NULL;
  g_auto(GStrv) names = NULL;
  gboolean all = FALSE;
  gboolean missing = FALSE;
  guint attempt = 0;
  guint max_retries = _gpm_migrator_get_max_retries (self);

  names = gpm_plan_dup_target_aspects (run->plan, &all);
  if (names[0] == NULL && !all)
    return TRUE;
  for (guint i = 0; names[i] != NULL; i++)
    missing |= !g_hash_table_contains (run->aspect_ids, names[i]);
  if (run->aspects_listed && !missing)
    return TRUE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;

      if (!_gpm_migrator_checkpoint (run))
        return FALSE;
      aspects = gpm_pod_list_aspects (self->pod, NULL, &error);
      if (aspects != NULL)
        break;
      if (is_auth_error (error))
        {
          if (!wait_for_auth (run, error))
            return FALSE;
          continue;
        }
      if (_gpm_migrator_is_transient (error) && !is_fatal_error (error) && attempt < max_retries)
        {
          if (!_gpm_migrator_backoff (run, attempt++, error))
            return FALSE;
          continue;
        }
      /* A pod that is down when a run starts (after a reboot, before the
       * network is up) is waited for, not a reason to stop. Not through
       * _gpm_migrator_after_error(): this step is the very request the
       * wait makes, so a pod that answers it there (NEXT_GIVE_UP, "the
       * failure is the step's own" for any other step) lets it go again,
       * a certificate error too */
      if (is_outage_error (error))
        {
          Next next = _gpm_migrator_wait_for_pod (run, error);

          if (next == NEXT_STOP)
            return FALSE;
          attempt = 0;
          continue;
        }
      _gpm_migrator_set_fatal (run, error);
      return FALSE;
    }

  run->aspects_listed = TRUE;
  g_hash_table_remove_all (run->aspect_ids);
  for (guint i = 0; i < aspects->len; i++)
    {
      GpmPodAspect *aspect = g_ptr_array_index (aspects, i);

      g_hash_table_insert (run->aspect_ids, g_strdup (aspect->name), g_memdup2 (&aspect->id, sizeof aspect->id));
    }

  for (guint n = 0; names[n] != NULL; n++)
    if (!g_hash_table_contains (run->aspect_ids, names[n]))
      {
        g_autoptr(GString) list = g_string_new (NULL);

        for (guint i = 0; i < aspects->len; i++)
          g_string_append_printf (list, "%s“%s”", i > 0 ? ", " : "", ((GpmPodAspect *) g_ptr_array_index (aspects, i))->name);
        run->fatal = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNKNOWN_ASPECT,
                                  _("The account has no aspect named “%s” (it has %s)"),
                                  names[n], list->len > 0 ? list->str : _("none"));
        return FALSE;
      }
  if (all && aspects->len == 0)
    {
      run->fatal = g_error_new_literal (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNKNOWN_ASPECT,
                                        _("Posts are to go to all aspects, and the account has none"));
      return FALSE;
    }
  return TRUE;
}

/* Takes the plan gpm_migrator_update_plan() left, if any: @queue becomes
 * its posts that are neither posted nor handled by this run yet. TRUE when
 * it did; *@ok FALSE when the run must stop. */
static gboolean
take_next_plan (Run        *run,
                GPtrArray **queue,
                gboolean   *ok)
{
  GpmMigrator *self = run->self;
  g_autoptr(GpmPlan) plan = NULL;
  g_autoptr(GPtrArray) given = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  GError *error = NULL;
  GPtrArray *next;

  g_mutex_lock (&self->mutex);
  plan = g_steal_pointer (&self->next_plan);
  given = g_steal_pointer (&self->next_posts);
  g_mutex_unlock (&self->mutex);
  if (plan == NULL)
    return FALSE;
  posts = _gpm_migrator_sorted_posts (given);

  g_set_object (&run->plan, plan);
  if (!_gpm_migrator_journal_ok (run, gpm_journal_ensure_posts (self->journal, posts, &error), &error) ||
      !resolve_aspects (run))
    {
      *ok = FALSE;
      return TRUE;
    }
  next = g_ptr_array_new ();
  run->n_done = 0;
  run->n_total = 0;
  {
    g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer key;

    for (guint i = 0; i < posts->len; i++)
      {
        GpmPost *post = g_ptr_array_index (posts, i);
        const char *post_key = gpm_journal_post_key (post);

        g_hash_table_add (keys, (gpointer) post_key);
        run->n_total++;
        if (gpm_journal_is_posted (self->journal, post_key))
          run->n_done++;
        else if (!g_hash_table_contains (run->handled, post_key))
          g_ptr_array_add (next, post);
      }
    /* What this run handled before the change still counts */
    g_hash_table_iter_init (&iter, run->handled);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (keys, key))
        {
          run->n_total++;
          if (gpm_journal_is_posted (self->journal, key))
            run->n_done++;
        }
  }
  /* The posts stay alive: the run holds the new list */
  g_clear_pointer (&run->posts, g_ptr_array_unref);
  run->posts = g_steal_pointer (&posts);
  g_ptr_array_unref (*queue);
  *queue = next;
  run->n_left = next->len;
  g_clear_pointer (&run->sends, g_array_unref);
  run->sends = gpm_plan_dup_sends (run->plan, next, NULL, self->comments_func != NULL);
  _gpm_migrator_post_event (run, EVENT_PLAN_APPLIED, NULL, 0, NULL, 0, NULL);
  return TRUE;
}

gpointer
_gpm_migrator_worker (gpointer data)
{
  Run *run = data;
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  g_autoptr(GPtrArray) comments_left = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *guid = NULL;
  gboolean ok = TRUE;

  /* each once, oldest first: here, not in the caller's (UI) thread */
  {
    GPtrArray *sorted = _gpm_migrator_sorted_posts (run->posts);

    g_ptr_array_unref (run->posts);
    run->posts = sorted;
  }
  guid = gpm_pod_dup_user_guid (self->pod);
  if (!gpm_journal_lock (self->journal, &error) ||
      !gpm_journal_bind_account (self->journal, guid, NULL, &error) ||
      !gpm_journal_ensure_posts (self->journal, run->posts, &error))
    {
      _gpm_migrator_set_fatal (run, error);
      ok = FALSE;
    }
  run->last_post_usec = gpm_journal_last_posted_at (self->journal) * G_USEC_PER_SEC;

  if (ok)
    for (guint i = 0; i < run->posts->len; i++)
      {
        GpmPost *post = g_ptr_array_index (run->posts, i);

        if (gpm_journal_is_posted (self->journal, gpm_journal_post_key (post)))
          {
            run->n_done++;
            /* posted by an earlier run that stopped before its comments
             * (or before the continuation of a post over the limit) */
            if (!gpm_journal_comments_done (self->journal, gpm_journal_post_key (post)))
              {
                g_autoptr(GpmJournalEntry) posted = NULL;

                if (self->comments_func == NULL)
                  posted = gpm_journal_lookup (self->journal, gpm_journal_post_key (post), NULL);
                if (self->comments_func != NULL ||
                    (posted != NULL && gpm_long_post_may_be_first (posted->text, GPM_DIASPORA_MAX_TEXT_BYTES)))
                  g_ptr_array_add (comments_left, post);
              }
          }
        else
          g_ptr_array_add (queue, post);
      }
  run->n_total = run->posts->len;
  run->n_left = queue->len;
  g_clear_pointer (&run->sends, g_array_unref);
  run->sends = gpm_plan_dup_sends (run->plan, queue, NULL, self->comments_func != NULL);
  _gpm_migrator_post_event (run, EVENT_PROGRESS, NULL, 0, NULL, 0, NULL);

  ok = ok && resolve_aspects (run) && _gpm_migrator_resolve_attempts (run);
  for (guint i = 0; ok && i < comments_left->len; i++)
    ok = _gpm_migrator_checkpoint (run) && _gpm_migrator_post_own_comments (run, g_ptr_array_index (comments_left, i));
  for (guint i = 0; ok; i++)
    {
      GpmPost *post;

      ok = _gpm_migrator_checkpoint (run);
      /* A plan changed during the run: its posts from now on */
      if (ok && take_next_plan (run, &queue, &ok))
        i = 0;
      if (!ok || i >= queue->len)
        break;
      post = g_ptr_array_index (queue, i);
      g_hash_table_add (run->handled, g_strdup (gpm_journal_post_key (post)));
      ok = _gpm_migrator_process_post (run, post) && _gpm_migrator_post_own_comments (run, post);
    }

  {
    g_autoptr(GError) flush_error = NULL;
    g_autofree char *learned = gpm_pod_dup_user_guid (self->pod);
    g_autofree char *stored = gpm_journal_dup_account_guid (self->journal);

    /* A pod whose pages do not name the account teaches its guid with the
     * first post. Only ever stored here, never compared: a reset now would
     * forget the posts of this very run. */
    if (guid == NULL && learned != NULL && stored == NULL &&
        !gpm_journal_bind_account (self->journal, learned, NULL, &flush_error))
      g_warning ("%s", flush_error->message);
    g_clear_error (&flush_error);
    if (!gpm_journal_flush (self->journal, &flush_error))
      g_warning ("%s", flush_error->message);
  }
  gpm_journal_unlock (self->journal);

  if (!ok && run->fatal == NULL)
    g_set_error (&run->fatal, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The migration was stopped"));
  _gpm_migrator_post_event (run, EVENT_FINISHED, NULL, 0, run->fatal, 0, NULL);
  run_free (run);
  return NULL;
}
