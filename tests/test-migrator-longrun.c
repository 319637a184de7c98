/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-migrator-longrun.c: what months of posting meet, against the pod
 * double (test-migrator-common.c): the pod down for longer than the
 * retries last (its port closed, a maintenance page, its certificate),
 * the machine asleep in the middle of a wait (the wall clock moved on, the
 * monotonic one did not: gpm_set_real_time_offset() and
 * gpm_migrator_time_changed() stand for it, so nothing here sleeps for
 * real), the daily cap across a night, photos uploaded before a sleep,
 * a clock set hours ahead of the pod's, the takeout's disk unplugged.
 * Each ends with every postable post on the pod exactly once. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "gpm-diaspora.h"
#include "gpm-import.h"
#include "gpm-plan.h"
#include "gpm-test-posts.h"
#include "gpm-util.h"
#include "test-migrator-common.h"

/* ------------------------------------------------------------ the pod down */

typedef struct {
  Fixture     *f;
  GpmMigrator *migrator;
  guint        n_outage_waits;   /* "waiting" for a pod that cannot be reached */
  guint        up_after;         /* the pod comes back after this many of them */
  gboolean     stopped;          /* the test stopped the pod's machine */
} Outage;

static void
outage_waiting (GpmMigrator *migrator,
                guint        seconds,
                const char  *reason,
                Outage      *o)
{
  if (strstr (reason, "cannot be reached") == NULL)
    return;
  if (++o->n_outage_waits == o->up_after)
    {
      if (o->stopped)
        gpm_test_pod_set_down (o->f->server, FALSE);
      gpm_test_pod_clear_faults (o->f->server);
    }
}

static void
outage_post_finished (GpmMigrator *migrator,
                      GpmPost     *post,
                      int          journal_state,
                      GError      *error,
                      Outage      *o)
{
  /* After the first post the pod's machine goes away for a long while */
  if (!o->stopped && o->n_outage_waits == 0 && journal_state == GPM_JOURNAL_STATE_POSTED)
    {
      o->stopped = TRUE;
      gpm_test_pod_set_down (o->f->server, TRUE);
    }
}

/* The pod's machine stops after the first post (every connection refused)
 * for longer than any post's retries last: the run waits for it, asking
 * every few minutes, and goes on when it is back. No post is marked failed
 * (the old code failed every remaining post, a few minutes each, and ended
 * the run: a migration stopped until the user noticed). */
static void
test_pod_stopped (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  Outage o = { f, migrator, 0, 5, FALSE };

  gpm_migrator_set_retry_policy (migrator, 2, 1, 5);
  /* a second between posts: the pod stops before the next one */
  gpm_migrator_set_delay (migrator, 1);
  g_signal_connect (migrator, "waiting", G_CALLBACK (outage_waiting), &o);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (outage_post_finished), &o);
  assert_complete_run (f, migrator);
  g_assert_true (o.stopped);
  g_assert_cmpuint (o.n_outage_waits, >=, 5);
}

/* A maintenance page: 503 to every request (the own posts' listing and the
 * aspects too) for longer than the retries last. */
static void
test_pod_maintenance (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  Outage o = { f, migrator, 0, 4, FALSE };

  gpm_migrator_set_retry_policy (migrator, 2, 1, 5);
  gpm_test_pod_inject_fault (f->server, NULL, GPM_TEST_POD_FAULT_STATUS, 503, 10000);
  g_signal_connect (migrator, "waiting", G_CALLBACK (outage_waiting), &o);
  assert_complete_run (f, migrator);
  g_assert_cmpuint (o.n_outage_waits, ==, 4);
}

/* Only the post requests fail while the rest of the pod answers: that is
 * the post's own failure, reported as before (not waited for without end). */
static void
test_post_fails_pod_up (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };

  gpm_migrator_set_retry_policy (migrator, 2, 1, 5);
  gpm_test_pod_inject_fault (f->server, f->api ? "/api/v1/posts" : "/status_messages",
                             GPM_TEST_POD_FAULT_STATUS, 503, 1000);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 6);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 0);
  run_state_clear (&state);
}

/* The session ends (web: every session; API: every access token) and the
 * pod's machine stops just as the client signs in again (web: after the
 * sign-in, at the account page that gives the new CSRF token; API: the
 * refresh token's request): the renewal fails, then connections are refused.
 * That is an outage like any other: the run waits for the pod and goes on by
 * itself when it is back, signing in again then; the user is never asked
 * (auth-required cancels the run here), no post fails or goes twice. */
static void
resign_post_finished (GpmMigrator *migrator,
                      GpmPost     *post,
                      int          journal_state,
                      GError      *error,
                      Outage      *o)
{
  if (!o->stopped && journal_state == GPM_JOURNAL_STATE_POSTED)
    {
      o->stopped = TRUE;
      gpm_test_pod_inject_fault (o->f->server, NULL,
                                 o->f->api ? GPM_TEST_POD_FAULT_EXPIRE_TOKEN : GPM_TEST_POD_FAULT_EXPIRE_SESSION,
                                 0, 1);
      gpm_test_pod_inject_fault (o->f->server,
                                 o->f->api ? "/api/openid_connect/access_tokens" : "/bookmarklet",
                                 GPM_TEST_POD_FAULT_GO_DOWN, 0, 1);
    }
}

static void
test_pod_down_at_resign (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  Outage o = { f, migrator, 0, 3, FALSE };
  RunState state = { .fail_auth = TRUE };

  gpm_migrator_set_retry_policy (migrator, 2, 1, 5);
  gpm_migrator_set_delay (migrator, 1);
  g_signal_connect (migrator, "waiting", G_CALLBACK (outage_waiting), &o);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (resign_post_finished), &o);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (state.n_auth, ==, 0);
  g_assert_true (o.stopped);
  g_assert_cmpuint (o.n_outage_waits, >=, 3);
  g_assert_cmpint (gpm_migrator_get_state (migrator), ==, GPM_MIGRATOR_STATE_DONE);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_left (migrator), ==, 0);
  run_state_clear (&state);
  assert_pod_and_journal (f, G_MAXUINT);
}

/* The pod moves after the first post (nginx answers every request with a
 * 301 to the new address, as for a new domain or http → https): the run is
 * not waiting for it as for an outage (until the app restarts) but stops
 * with GPM_POD_ERROR_MOVED naming the new address; no post fails, nothing
 * is sent there (a POST redirected 301 must not become a GET). */
typedef struct {
  Fixture    *f;
  GpmTestPod *home;
  gboolean    moved;
} Mover;

static void
move_post_finished (GpmMigrator *migrator,
                    GpmPost     *post,
                    int          journal_state,
                    GError      *error,
                    Mover       *m)
{
  if (!m->moved && journal_state == GPM_JOURNAL_STATE_POSTED)
    {
      m->moved = TRUE;
      gpm_test_pod_set_moved (m->f->server, gpm_test_pod_get_url (m->home));
    }
}

static void
test_pod_moved (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) home = gpm_test_pod_new (0, &error);
  g_autofree char *home_address = NULL;
  Mover m = { f, home, FALSE };
  Outage o = { f, migrator, 0, 0, FALSE };   /* counts waits for an outage; never brings one back */
  RunState state = { .fail_auth = TRUE };

  g_assert_no_error (error);
  home_address = gpm_pod_normalize_address (gpm_test_pod_get_url (home), NULL);
  gpm_migrator_set_retry_policy (migrator, 2, 1, 5);
  gpm_migrator_set_delay (migrator, 1);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (move_post_finished), &m);
  g_signal_connect (migrator, "waiting", G_CALLBACK (outage_waiting), &o);
  g_assert_false (run_migrator (f, migrator, &state, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_MOVED);
  g_assert_nonnull (strstr (error->message, home_address));
  g_assert_true (m.moved);
  g_assert_cmpuint (state.n_auth, ==, 0);
  g_assert_cmpuint (o.n_outage_waits, ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_requests (home, "/"), ==, 0);
  run_state_clear (&state);
  assert_pod_and_journal (f, 1);
}

/* ---------------------------------------------------------- clock jumps */

typedef struct {
  Fixture     *f;
  GpmMigrator *migrator;
  guint        n_posted;          /* posted so far by this run */
  GArray      *posted_at_jump;    /* n_posted when each jump was made */
  gint64       jumps[8];          /* seconds to move the clock on at each wait (0: end) */
  guint        n_jumps;
  gboolean     cleanup_photos;    /* the pod's daily photo cleanup runs during the first jump */
  guint        jump_source;
} Sleeper;

static gint64 clock_offset;

static void
jump_clock (gint64 seconds)
{
  clock_offset += seconds * G_USEC_PER_SEC;
  gpm_set_real_time_offset (clock_offset);
}

static gboolean
sleeper_jump (gpointer data)
{
  Sleeper *s = data;

  s->jump_source = 0;
  if (s->n_jumps >= G_N_ELEMENTS (s->jumps) || s->jumps[s->n_jumps] == 0)
    return G_SOURCE_REMOVE;
  g_array_append_val (s->posted_at_jump, s->n_posted);
  if (s->cleanup_photos && s->n_jumps == 0)
    g_assert_cmpuint (gpm_test_pod_cleanup_pending_photos (s->f->server, 0), >, 0);
  /* The machine slept this long: the wall clock moved on, the monotonic
   * one did not (the worker is in the middle of its wait by now). */
  jump_clock (s->jumps[s->n_jumps++]);
  gpm_migrator_time_changed (s->migrator);
  return G_SOURCE_REMOVE;
}

static void
sleeper_waiting (GpmMigrator *migrator,
                 guint        seconds,
                 const char  *reason,
                 Sleeper     *s)
{
  if (s->jump_source == 0)
    s->jump_source = g_timeout_add (300, sleeper_jump, s);
}

static void
sleeper_post_finished (GpmMigrator *migrator,
                       GpmPost     *post,
                       int          journal_state,
                       GError      *error,
                       Sleeper     *s)
{
  if (journal_state == GPM_JOURNAL_STATE_POSTED)
    s->n_posted++;
}

static void
sleeper_init (Sleeper     *s,
              Fixture     *f,
              GpmMigrator *migrator)
{
  s->f = f;
  s->migrator = migrator;
  s->posted_at_jump = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (migrator, "waiting", G_CALLBACK (sleeper_waiting), s);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (sleeper_post_finished), s);
}

static void
sleeper_clear (Sleeper *s)
{
  g_clear_handle_id (&s->jump_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (s->migrator, s);
  g_clear_pointer (&s->posted_at_jump, g_array_unref);
}

static void
clock_tear_down (Fixture       *f,
                 gconstpointer  data)
{
  clock_offset = 0;
  gpm_set_real_time_offset (0);
  fixture_tear_down (f, data);
}

/* What stands in front of the pod sends every request to another address
 * for a while after the first post (a 302 of a single sign-on proxy whose
 * session ended, a 307 to a maintenance page): the run is waiting, saying
 * where the pod sends it, never follows it (nothing reaches that address,
 * no POST becomes a GET), asks no sign-in, fails no post. The old code
 * took the answer for an unreadable one and waited as for an outage,
 * without end and without saying why. */
typedef struct {
  Fixture    *f;
  GpmTestPod *elsewhere;
  char       *address;      /* elsewhere's, as the message names it */
  guint       status;
  const char *prefix;       /* only these requests (NULL: all) */
  gboolean    redirected;
  guint       n_waits;      /* "waiting" naming the address */
  guint       clear_after;  /* the redirect ends after this many (0: never) */
  gint64      jump;         /* seconds the clock moves on at each (0: none) */
} Redirect;

static void
redirect_post_finished (GpmMigrator *migrator,
                        GpmPost     *post,
                        int          journal_state,
                        GError      *error,
                        Redirect    *r)
{
  if (!r->redirected && journal_state == GPM_JOURNAL_STATE_POSTED)
    {
      r->redirected = TRUE;
      gpm_test_pod_set_redirected (r->f->server, gpm_test_pod_get_url (r->elsewhere), r->status, r->prefix);
    }
}

static void
redirect_waiting (GpmMigrator *migrator,
                  guint        seconds,
                  const char  *reason,
                  Redirect    *r)
{
  if (strstr (reason, r->address) == NULL)
    return;
  r->n_waits++;
  if (r->jump != 0)
    jump_clock (r->jump);
  if (r->n_waits == r->clear_after)
    gpm_test_pod_set_redirected (r->f->server, NULL, 0, NULL);
}

static void
redirect_init (Redirect    *r,
               Fixture     *f,
               GpmMigrator *migrator,
               guint        status)
{
  g_autoptr(GError) error = NULL;

  r->f = f;
  r->status = status;
  r->elsewhere = gpm_test_pod_new (0, &error);
  g_assert_no_error (error);
  r->address = gpm_pod_normalize_address (gpm_test_pod_get_url (r->elsewhere), NULL);
  gpm_migrator_set_retry_policy (migrator, 2, 1, 5);
  /* a second between posts: the redirect is there before the next one */
  gpm_migrator_set_delay (migrator, 1);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (redirect_post_finished), r);
  g_signal_connect (migrator, "waiting", G_CALLBACK (redirect_waiting), r);
}

static void
redirect_clear (Redirect    *r,
                GpmMigrator *migrator)
{
  g_signal_handlers_disconnect_by_data (migrator, r);
  g_assert_cmpuint (gpm_test_pod_count_requests (r->elsewhere, "/"), ==, 0);
  g_clear_object (&r->elsewhere);
  g_clear_pointer (&r->address, g_free);
}

/* A maintenance page for a while: the run goes on when it is gone. */
static void
test_pod_redirected_passes (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  Redirect r = { .clear_after = 3 };
  RunState state = { .fail_auth = TRUE };

  redirect_init (&r, f, migrator, 302);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_true (r.redirected);
  g_assert_cmpuint (r.n_waits, >=, 3);
  g_assert_cmpuint (state.n_auth, ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_left (migrator), ==, 0);
  run_state_clear (&state);
  redirect_clear (&r, migrator);
  assert_pod_and_journal (f, G_MAXUINT);
}

/* A proxy no app gets through: after hours of waiting (the clock moved on
 * two hours at each wait) the run stops with GPM_POD_ERROR_REDIRECTED,
 * naming the address; nothing failed, nothing doubled. */
static void
test_pod_redirected_stops (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  Redirect r = { .jump = 2 * 3600 };
  RunState state = { .fail_auth = TRUE };

  redirect_init (&r, f, migrator, 307);
  g_assert_false (run_migrator (f, migrator, &state, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED);
  g_assert_nonnull (strstr (error->message, r.address));
  g_assert_true (r.redirected);
  /* not at the first wait: six hours of them */
  g_assert_cmpuint (r.n_waits, >=, 3);
  g_assert_cmpuint (state.n_auth, ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 1);
  run_state_clear (&state);
  redirect_clear (&r, migrator);
  assert_pod_and_journal (f, 1);
}

/* A proxy in front of the post requests only (the rest of the pod
 * answers): the run does not fail every post one by one, nor wait on, but
 * stops with GPM_POD_ERROR_REDIRECTED after the post's retries and one more
 * round (the redirect might have just ended); nothing failed, nothing
 * doubled (each redirected request was looked for on the pod first). */
static void
test_pod_redirected_posts (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GError) error = NULL;
  Redirect r = { .prefix = f->api ? "/api/v1/posts" : "/status_messages" };
  RunState state = { .fail_auth = TRUE };

  redirect_init (&r, f, migrator, 302);
  g_assert_false (run_migrator (f, migrator, &state, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED);
  g_assert_nonnull (strstr (error->message, r.address));
  g_assert_true (r.redirected);
  g_assert_cmpuint (state.n_auth, ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 1);
  run_state_clear (&state);
  redirect_clear (&r, migrator);
  assert_pod_and_journal (f, 1);
}

/* An hour between posts, and the machine asleep through each of those
 * hours: a post follows each wake-up at once, as it would have without the
 * sleep (the old wait, on the monotonic clock, would have lasted another
 * hour after each wake-up: here, the test's timeout). */
static void
test_sleep_between_posts (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  Sleeper s = { 0 };

  for (guint i = 0; i < 7; i++)
    s.jumps[i] = 3600;
  gpm_migrator_set_delay (migrator, 3600);
  sleeper_init (&s, f, migrator);
  assert_complete_run (f, migrator);
  /* one wait (and one sleep) between two posts, no more */
  g_assert_cmpuint (s.n_posted, ==, 6);
  g_assert_cmpuint (s.posted_at_jump->len, ==, 5);
  for (guint i = 0; i < s.posted_at_jump->len; i++)
    g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, i), ==, i + 1);
  sleeper_clear (&s);
}

/* Two posts a day. After the first two, the machine sleeps for a night (8
 * hours): still within the 24 hours, nothing more goes. Then it is awake
 * for the rest of the day: two more, not a burst of the rest. */
static void
test_daily_cap_across_night (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  Sleeper s = { 0 };
  const gint64 jumps[] = { 8 * 3600, 16 * 3600 + 5, 8 * 3600, 16 * 3600 + 5, 0 };

  memcpy (s.jumps, jumps, sizeof jumps);
  gpm_migrator_set_max_per_day (migrator, 2);
  sleeper_init (&s, f, migrator);
  assert_complete_run (f, migrator);
  g_assert_cmpuint (s.n_posted, ==, 6);
  g_assert_cmpuint (s.posted_at_jump->len, ==, 4);
  g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, 0), ==, 2);
  g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, 1), ==, 2);   /* nothing during the night */
  g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, 2), ==, 4);   /* two the next day */
  g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, 3), ==, 4);
  sleeper_clear (&s);
}

/* The first two posts of a day at two a day go with the clock three days
 * ahead; then it is set right (back three days) while the run waits for
 * the cap. The posts dated "in the future" count as sent now: the wait is
 * a day at most, and a day later (the machine asleep) two more go. The old
 * cap counted them until the clock caught up: four days without posting. */
static void
cap_waiting (GpmMigrator *migrator,
             guint        seconds,
             const char  *reason,
             Sleeper     *s)
{
  if (strstr (reason, "Daily limit") != NULL)
    g_assert_cmpuint (seconds, <=, 24 * 3600 + 1);
}

static gboolean
cap_stalled (gpointer data)
{
  g_error ("the daily cap still holds a day after the clock was set back");
  return G_SOURCE_REMOVE;
}

static void
test_daily_cap_clock_set_back (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  Sleeper s = { 0 };
  guint watchdog;
  const gint64 jumps[] = { -3 * 24 * 3600, 24 * 3600 + 5, 24 * 3600 + 5, 0 };

  jump_clock (3 * 24 * 3600);
  memcpy (s.jumps, jumps, sizeof jumps);
  gpm_migrator_set_max_per_day (migrator, 2);
  g_signal_connect (migrator, "waiting", G_CALLBACK (cap_waiting), &s);
  sleeper_init (&s, f, migrator);
  /* the run takes a second or two; the stalled one waits on */
  watchdog = g_timeout_add_seconds (30, cap_stalled, NULL);
  assert_complete_run (f, migrator);
  g_source_remove (watchdog);
  g_assert_cmpuint (s.n_posted, ==, 6);
  g_assert_cmpuint (s.posted_at_jump->len, ==, 3);
  g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, 0), ==, 2);
  g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, 1), ==, 2);   /* the clock set back: still today */
  g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, 2), ==, 4);   /* a day later, two more */
  g_signal_handlers_disconnect_by_func (migrator, cap_waiting, &s);
  sleeper_clear (&s);
}

/* Posts dated ahead of the clock are re-dated at the run's start and when
 * the clock went back, not by an UPDATE before every post. Seen here by a
 * post marked sent "in two days" during the run (what a clock set back
 * leaves): the next turns leave it as it is while the clock runs on (the
 * old code re-dated it at the next one), and the first turn after the
 * clock is set back an hour (no gpm_migrator_time_changed(): the app does
 * not call it) re-dates it. */
typedef struct {
  Fixture    *f;
  const char *key;          /* the post dated ahead */
  guint       n_posted;
  gint64      ahead;        /* its posted_at (Unix s) */
} Ahead;

static gint64
posted_at_of (GpmJournal *journal,
              const char *key)
{
  g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (journal, key, NULL);

  g_assert_nonnull (entry);
  g_assert_cmpint (entry->state, ==, GPM_JOURNAL_STATE_POSTED);
  return entry->posted_at;
}

static void
ahead_post_finished (GpmMigrator *migrator,
                     GpmPost     *post,
                     int          journal_state,
                     GError      *error,
                     Ahead       *a)
{
  g_autoptr(GError) local = NULL;

  if (journal_state != GPM_JOURNAL_STATE_POSTED)
    return;
  switch (++a->n_posted)
    {
    case 1:
      /* the first turn has re-dated what was there; this one comes after */
      a->ahead = gpm_get_real_time () / G_USEC_PER_SEC + 2 * 24 * 3600;
      g_assert_true (gpm_journal_set_posted (a->f->journal, a->key, "99", "guid-ahead", a->ahead, &local));
      g_assert_no_error (local);
      break;
    case 2:
      /* a turn without a clock change: left as it is */
      g_assert_cmpint (posted_at_of (a->f->journal, a->key), ==, a->ahead);
      jump_clock (-3600);
      break;
    case 3:
      /* the turn after the clock went back */
      g_assert_cmpint (posted_at_of (a->f->journal, a->key), <=, gpm_get_real_time () / G_USEC_PER_SEC);
      break;
    default:
      break;
    }
}

static void
test_clamp_when_clock_changes (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GpmPost) extra = make_post (20, "2018-08-01 10:00:00+0000", GPM_TEST_ACL_PUBLIC, 0);
  g_autoptr(GError) error = NULL;
  Ahead a = { f, gpm_journal_post_key (extra), 0, 0 };
  RunState state = { 0 };

  g_assert_true (gpm_journal_ensure_post (f->journal, extra, &error));
  g_assert_no_error (error);
  /* a second between posts: each post-finished is seen before the next turn */
  gpm_migrator_set_delay (migrator, 1);
  gpm_migrator_set_max_per_day (migrator, 100);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (ahead_post_finished), &a);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (a.n_posted, ==, 6);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 6);
  run_state_clear (&state);
  g_signal_handlers_disconnect_by_data (migrator, &a);
}

/* A rate limit with a Retry-After of two hours after the photos of a post
 * were uploaded; the machine sleeps two days meanwhile, and the pod's
 * daily cleanup destroys the pending photos. The photos are uploaded
 * afresh: the post arrives whole at the first request, no copy without
 * its photos is made (and federated) and taken back. The old code
 * measured the photos' age on the monotonic clock, which a sleep stops. */
static void
test_photos_after_sleep (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  Sleeper s = { 0 };
  const char *path = f->api ? "/api/v1/posts" : "/status_messages";

  s.jumps[0] = 2 * 24 * 3600;
  s.cleanup_photos = TRUE;
  /* p00 (no photo) goes as usual (a harmless fault takes its turn in the
   * queue), the rate limit meets p01 (one photo) */
  gpm_test_pod_inject_fault (f->server, path, GPM_TEST_POD_FAULT_SLOW, 1, 1);
  gpm_test_pod_inject_fault (f->server, path, GPM_TEST_POD_FAULT_RATE_LIMIT, 7200, 1);
  sleeper_init (&s, f, migrator);
  assert_complete_run (f, migrator);
  g_assert_cmpuint (s.posted_at_jump->len, ==, 1);
  /* one request per post, the refused one, and no repair */
  g_assert_cmpuint (gpm_test_pod_count_requests (f->server, path), ==, 6 + 1);
  sleeper_clear (&s);
}

/* The same with the wait in the middle of a post's uploads: p02's first
 * photo goes up, the second meets a rate limit of two hours, the machine
 * sleeps two days meanwhile and the pod's daily cleanup destroys the first
 * one (pending). Both are uploaded again before the post goes: it arrives
 * whole at the first request. The old code dated the photos at the end of
 * the uploads, so the destroyed one counted as fresh: the pod kept the post
 * without it (web) or refused it (API), and it was taken back and sent again. */
static void
test_photos_wait_mid_upload (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  Sleeper s = { 0 };
  const char *path = f->api ? "/api/v1/posts" : "/status_messages";
  const char *photos = f->api ? "/api/v1/photos" : "/photos";

  s.jumps[0] = 2 * 24 * 3600;
  s.cleanup_photos = TRUE;
  /* p01's photo and p02's first go as usual, the rate limit meets p02's second */
  gpm_test_pod_inject_fault (f->server, photos, GPM_TEST_POD_FAULT_SLOW, 1, 2);
  gpm_test_pod_inject_fault (f->server, photos, GPM_TEST_POD_FAULT_RATE_LIMIT, 7200, 1);
  sleeper_init (&s, f, migrator);
  assert_complete_run (f, migrator);
  g_assert_cmpuint (s.posted_at_jump->len, ==, 1);
  g_assert_cmpuint (g_array_index (s.posted_at_jump, guint, 0), ==, 2);   /* p00, p01 */
  /* one request per post, no repair */
  g_assert_cmpuint (gpm_test_pod_count_requests (f->server, path), ==, 6);
  /* p01 1, p02 1 + the refused one + both again, p03 1, p07 3 */
  g_assert_cmpuint (gpm_test_pod_count_requests (f->server, photos), ==, 1 + 4 + 1 + 3);
  sleeper_clear (&s);
}

/* The computer's clock is six hours ahead of the pod's (set by hand to
 * the local time of a trip, the time zone left as it was). The answer to
 * a post request is lost after the pod stored it: the look on the pod
 * must find it all the same, and not send it again. */
static void
test_clock_ahead_of_pod (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);

  jump_clock (6 * 3600);
  gpm_test_pod_inject_fault (f->server, f->api ? "/api/v1/posts" : "/status_messages",
                             GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 2);
  assert_complete_run (f, migrator);
}

/* ---------------------------------------------------------- how long */

typedef struct {
  guint n_checked;
  guint delay;
} EtaCheck;

static void
eta_post_finished (GpmMigrator *migrator,
                   GpmPost     *post,
                   int          journal_state,
                   GError      *error,
                   EtaCheck    *c)
{
  gint64 eta = gpm_migrator_get_eta (migrator);
  guint n_left;

  if (journal_state != GPM_JOURNAL_STATE_POSTED)
    return;
  /* the posts still to send (6 of the fixture's 8 are; the two the plan
   * skips take no time, though they are "left" until their turn) */
  n_left = 6 - ++c->n_checked;
  /* the delay per post left, and the (loopback) posts' own work: not
   * the delay twice (a post's time counted its wait for its turn). The
   * next post's wait is what is left of its delay, counted in whole
   * seconds from the last post's: a second less once the clock's second
   * turned since (seen on a loaded machine) */
  g_assert_cmpint (eta, >=, (gint64) n_left * c->delay - 1);
  g_assert_cmpint (eta, <=, (gint64) n_left * c->delay + 1);
}

/* The time left shown while the migration runs follows the pace, for the
 * posts that will be sent. */
static void
test_eta_follows_pace (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  EtaCheck c = { 0, 1 };

  gpm_migrator_set_delay (migrator, c.delay);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (eta_post_finished), &c);
  assert_complete_run (f, migrator);
  g_assert_cmpuint (c.n_checked, ==, 6);
}

/* The up-front estimate is the run's schedule: a post with two comments of
 * its author's (each waits the delay), two posts a day, one of them sent an
 * hour before this run (it holds today's cap). Every wait is skipped by
 * moving the wall clock on by it: the run's simulated length is what the
 * estimate said, and so is the time left the migrator shows at its start.
 * The old estimate (the posts alone, a delay apart, the cap from zero) was
 * a day and the comments' delays short. */
typedef struct {
  GpmMigrator *migrator;
  gint64       jumped;      /* seconds the clock was moved on */
  guint        n_jumps;
  guint        pending;     /* seconds of the next jump, 0: none */
  guint        source;
  gint64       first_eta;
} Schedule;

static gboolean
schedule_jump (gpointer data)
{
  Schedule *sc = data;

  sc->source = 0;
  sc->jumped += sc->pending;
  sc->n_jumps++;
  jump_clock (sc->pending);
  sc->pending = 0;
  gpm_migrator_time_changed (sc->migrator);
  return G_SOURCE_REMOVE;
}

static void
schedule_waiting (GpmMigrator *migrator,
                  guint        seconds,
                  const char  *reason,
                  Schedule    *sc)
{
  /* a moment later: the worker is in its wait by then */
  if (sc->source != 0)
    return;
  sc->pending = seconds;
  sc->source = g_timeout_add (200, schedule_jump, sc);
}

static void
schedule_eta (GpmMigrator *migrator,
              GParamSpec  *pspec,
              Schedule    *sc)
{
  if (sc->first_eta < 0 && gpm_migrator_get_eta (migrator) > 0)
    sc->first_eta = gpm_migrator_get_eta (migrator);
}

static GPtrArray *
own_comment_texts (GpmPost   *post,
                   gpointer   user_data,
                   GError   **error)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  /* the takeout's reading (gpm_comments_read_own()) is test-own-comments' */
  for (guint i = 0; i < gpm_post_get_n_own_comments (post); i++)
    g_ptr_array_add (texts, g_strdup_printf ("Comment %u on %s", i, gpm_journal_post_key (post)));
  return texts;
}

static void
test_estimate_is_schedule (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GpmPlan) plan = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) to_send = g_ptr_array_new ();
  RunState first = { 0 };
  Schedule sc = { migrator, 0, 0, 0, 0, -1 };
  gint64 estimate, mono_start, elapsed;
  guint n_posts = 0;

  /* p07 (public, three photos) with two comments of Ada's and one of Bo's */
  for (guint i = 0; i < f->posts->len; i++)
    if (g_str_has_suffix (gpm_journal_post_key (g_ptr_array_index (f->posts, i)), "/p07"))
      {
        GpmPost *post = gpm_test_post_new_commented ("p07", "2018-07-08 20:43:51+0000", "Post number 7 &amp; <b>bold</b>",
                                                     GPM_TEST_ACL_PUBLIC, 3, 2, 1);

        g_assert_cmpuint (gpm_post_get_n_own_comments (post), ==, 2);
        g_object_unref (g_ptr_array_index (f->posts, i));
        f->posts->pdata[i] = post;
      }
  gpm_migrator_set_comments_func (migrator, own_comment_texts, NULL, NULL);
  gpm_migrator_set_delay (migrator, 600);
  gpm_migrator_set_max_per_day (migrator, 2);
  /* the migrator's plan (its aspects mapped) at its pace */
  plan = gpm_plan_copy (gpm_migrator_get_plan (migrator));
  gpm_plan_set_delay (plan, 600);
  gpm_plan_set_max_per_day (plan, 2);
  gpm_plan_set_own_comments (plan, TRUE);

  /* the first post, then stopped; an hour later the run goes on */
  first.cancel_after_first = TRUE;
  run_cancelled (f, migrator, &first);
  run_state_clear (&first);
  jump_clock (3600);

  items = gpm_migrator_plan (migrator, f->posts);
  for (guint i = 0; i < items->len; i++)
    {
      GpmMigratorItem *item = g_ptr_array_index (items, i);

      if (item->journal_state != GPM_JOURNAL_STATE_POSTED && item->skip == NULL && item->error == NULL)
        g_ptr_array_add (to_send, item->post);
    }
  g_assert_cmpuint (to_send->len, ==, 5);
  /* every post given: the one on the pod (the journal says) and the ones
   * the plan skips take no time, as the dry run's items say */
  estimate = gpm_plan_estimate_run (plan, f->posts, f->journal, gpm_get_real_time () / G_USEC_PER_SEC, &n_posts);
  g_assert_cmpuint (n_posts, ==, to_send->len);
  /* the cap: the second post of today at once, the others a day apart */
  g_assert_cmpint (estimate, >, 2 * 86400);

  g_signal_connect (migrator, "waiting", G_CALLBACK (schedule_waiting), &sc);
  g_signal_connect (migrator, "notify::eta", G_CALLBACK (schedule_eta), &sc);
  mono_start = g_get_monotonic_time ();
  assert_complete_run (f, migrator);
  elapsed = sc.jumped + (g_get_monotonic_time () - mono_start) / G_USEC_PER_SEC;
  g_test_message ("estimate %" G_GINT64_FORMAT " s, run %" G_GINT64_FORMAT " s in %u waits, first ETA %" G_GINT64_FORMAT,
                  estimate, elapsed, sc.n_jumps, sc.first_eta);
  /* each wait is skipped whole seconds up, a moment later */
  g_assert_cmpint (elapsed, >=, estimate);
  g_assert_cmpint (elapsed, <=, estimate + 2 * (gint64) sc.n_jumps + 2);
  g_assert_cmpint (sc.first_eta, >=, estimate - 2);
  g_assert_cmpint (sc.first_eta, <=, estimate + 2);
  g_clear_handle_id (&sc.source, g_source_remove);
  g_signal_handlers_disconnect_by_data (migrator, &sc);
}

/* The time left is the queue's: posts skipped as nothing of the user's
 * own take no time, and a text over the bytes a pod on MySQL keeps
 * (55,000 characters of Greek: under the characters, over the bytes) goes
 * in two parts, counted so up front. At the start of each post the time
 * left is its sends and the rest's, a delay each; the old count lowered
 * the posts to send only for those sent, so a skipped post stayed in it
 * to the end (a delay too much from the first one on), and counted the
 * long post's characters (a part short). */
typedef struct {
  Schedule *sc;
  guint     n_checked;
} QueueEta;

static void
queue_eta_started (GpmMigrator *migrator,
                   GpmPost     *post,
                   QueueEta    *q)
{
  /* the sends from this post on, each 600 s after the one before; the
   * first of all at once */
  static const struct { const char *id; gint64 eta; } expected[] = {
    { "/q1", 3 * 600 }, { "/q2", 2 * 600 }, { "/q3", 2 * 600 }, { "/q4", 600 }, { "/q5", 600 },
  };
  gint64 eta = gpm_migrator_get_eta (migrator);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (g_str_has_suffix (gpm_journal_post_key (post), expected[i].id))
      {
        g_test_message ("%s: time left %" G_GINT64_FORMAT " s", expected[i].id, eta);
        g_assert_cmpint (eta, >=, expected[i].eta - 2);
        g_assert_cmpint (eta, <=, expected[i].eta + 2);
        q->n_checked++;
      }
}

static void
test_eta_is_queue (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = NULL;
  g_autoptr(GpmPlan) plan = NULL;
  g_autoptr(GString) greek = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Schedule sc = { NULL, 0, 0, 0, 0, -1 };
  QueueEta q = { &sc, 0 };
  RunState state = { 0 };
  gint64 estimate, mono_start, elapsed;
  guint n_posts = 0;

  while (greek->len < 104000)
    g_string_append (greek, "\u03b1\u03b2\u03b3\u03b4\u03b5\u03b6\u03b7\u03b8\u03b9 ");
  g_assert_cmpint (g_utf8_strlen (greek->str, -1), <, GPM_DIASPORA_MAX_TEXT_CHARS);
  g_clear_pointer (&f->posts, g_ptr_array_unref);
  f->posts = g_ptr_array_new_with_free_func (g_object_unref);
  /* newest first: the run sorts */
  g_ptr_array_add (f->posts, gpm_test_post_new ("q5", "2018-07-05 10:00:00+0000", "Five", GPM_TEST_ACL_PUBLIC, 0));
  g_ptr_array_add (f->posts, gpm_test_post_new ("q4", "2018-07-04 10:00:00+0000", "", GPM_TEST_ACL_PUBLIC, 0));
  g_ptr_array_add (f->posts, gpm_test_post_new ("q3", "2018-07-03 10:00:00+0000", "Three", GPM_TEST_ACL_PUBLIC, 0));
  g_ptr_array_add (f->posts, gpm_test_post_new ("q2", "2018-07-02 10:00:00+0000", "", GPM_TEST_ACL_PUBLIC, 0));
  g_ptr_array_add (f->posts, gpm_test_post_new ("q1", "2018-07-01 10:00:00+0000", greek->str, GPM_TEST_ACL_PUBLIC, 0));

  migrator = make_migrator (f);
  sc.migrator = migrator;
  gpm_migrator_set_delay (migrator, 600);
  plan = gpm_plan_copy (gpm_migrator_get_plan (migrator));
  gpm_plan_set_delay (plan, 600);
  gpm_plan_set_own_comments (plan, FALSE);
  g_assert_true (gpm_plan_is_nothing_own (plan, g_ptr_array_index (f->posts, 1)));

  /* q1, its second part, q3, q5 */
  estimate = gpm_plan_estimate_run (plan, f->posts, f->journal, gpm_get_real_time () / G_USEC_PER_SEC, &n_posts);
  g_assert_cmpuint (n_posts, ==, 3);
  g_assert_cmpint (estimate, ==, 3 * 600);

  g_signal_connect (migrator, "waiting", G_CALLBACK (schedule_waiting), &sc);
  g_signal_connect (migrator, "notify::eta", G_CALLBACK (schedule_eta), &sc);
  g_signal_connect (migrator, "post-started", G_CALLBACK (queue_eta_started), &q);
  mono_start = g_get_monotonic_time ();
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  elapsed = sc.jumped + (g_get_monotonic_time () - mono_start) / G_USEC_PER_SEC;
  g_test_message ("estimate %" G_GINT64_FORMAT " s, run %" G_GINT64_FORMAT " s in %u waits, first ETA %" G_GINT64_FORMAT,
                  estimate, elapsed, sc.n_jumps, sc.first_eta);
  g_assert_cmpuint (q.n_checked, ==, 5);
  g_assert_cmpuint (gpm_migrator_get_n_done (migrator), ==, 3);
  g_assert_cmpuint (gpm_migrator_get_n_skipped (migrator), ==, 2);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->server), ==, 3);
  g_assert_cmpint (elapsed, >=, estimate);
  g_assert_cmpint (elapsed, <=, estimate + 2 * (gint64) sc.n_jumps + 2);
  g_assert_cmpint (sc.first_eta, >=, estimate - 2);
  g_assert_cmpint (sc.first_eta, <=, estimate + 2);
  g_assert_cmpint (gpm_migrator_get_eta (migrator), ==, 0);
  run_state_clear (&state);
  g_clear_handle_id (&sc.source, g_source_remove);
  g_signal_handlers_disconnect_by_data (migrator, &sc);
  g_signal_handlers_disconnect_by_data (migrator, &q);
}

/* Two takeouts (a person's and their page's), each with its journal, into
 * one pod account: the daily cap protects the account, so the posts the
 * other journal sent in the last 24 hours hold it for this run too, in the
 * run's waits and in the estimate. Two posts a day; the page's two went an
 * hour ago: this run's first post waits 23 hours, and the run lasts what
 * the estimate said. The old cap was per journal: both migrations posted
 * their two a day, twice the pace the user chose for the account. */
typedef struct {
  guint    n_finished;
  gboolean first_wait_seen;
  guint    first_wait;       /* seconds */
  gboolean first_wait_cap;   /* it was the daily limit's */
} CapWatch;

static void
account_cap_waiting (GpmMigrator *migrator,
                     guint        seconds,
                     const char  *reason,
                     CapWatch    *w)
{
  if (w->first_wait_seen)
    return;
  w->first_wait_seen = TRUE;
  w->first_wait = seconds;
  w->first_wait_cap = w->n_finished == 0 && strstr (reason, "Daily limit") != NULL;
}

static void
account_cap_finished (GpmMigrator *migrator,
                      GpmPost     *post,
                      int          journal_state,
                      GError      *error,
                      CapWatch    *w)
{
  w->n_finished++;
}

static void
test_daily_cap_per_account (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GpmMigrator) migrator = make_migrator (f);
  g_autoptr(GpmPlan) plan = NULL;
  g_autoptr(GpmJournal) page = NULL;
  g_autoptr(GArray) recent = NULL;
  g_autoptr(GError) error = NULL;
  Schedule sc = { migrator, 0, 0, 0, 0, -1 };
  CapWatch w = { 0 };
  gint64 now = gpm_get_real_time () / G_USEC_PER_SEC;
  gint64 estimate, mono_start, elapsed;

  /* the page's takeout, its own journal, the same account */
  page = gpm_journal_open_default ("author:users/2", gpm_journal_get_account (f->journal), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gpm_journal_get_path (page), !=, gpm_journal_get_path (f->journal));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *key = g_strdup_printf ("users/2/posts/page%u", i);

      g_assert_true (gpm_journal_ensure (page, key, "page.json", 1530000000 + i, &error));
      g_assert_true (gpm_journal_set_attempting (page, key, "From the page", "public", &error));
      g_assert_true (gpm_journal_set_posted (page, key, "1", "guid", now - 3600, &error));
      g_assert_no_error (error);
    }
  recent = gpm_journal_account_posted_times_since (f->journal, now - 24 * 3600);
  g_assert_cmpuint (recent->len, ==, 2);

  gpm_migrator_set_delay (migrator, 60);
  gpm_migrator_set_max_per_day (migrator, 2);
  plan = gpm_plan_copy (gpm_migrator_get_plan (migrator));
  gpm_plan_set_delay (plan, 60);
  gpm_plan_set_max_per_day (plan, 2);
  /* six posts, two a day from 24 hours after the page's (a minute apart) */
  estimate = gpm_plan_estimate_run (plan, f->posts, f->journal, now, NULL);
  g_assert_cmpint (estimate, ==, 2 * 86401 + 82801 + 60);

  g_signal_connect (migrator, "waiting", G_CALLBACK (account_cap_waiting), &w);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (account_cap_finished), &w);
  g_signal_connect (migrator, "waiting", G_CALLBACK (schedule_waiting), &sc);
  g_signal_connect (migrator, "notify::eta", G_CALLBACK (schedule_eta), &sc);
  mono_start = g_get_monotonic_time ();
  assert_complete_run (f, migrator);
  elapsed = sc.jumped + (g_get_monotonic_time () - mono_start) / G_USEC_PER_SEC;
  g_test_message ("estimate %" G_GINT64_FORMAT " s, run %" G_GINT64_FORMAT " s in %u waits, first ETA %" G_GINT64_FORMAT
                  ", first wait %u s", estimate, elapsed, sc.n_jumps, sc.first_eta, w.first_wait);
  /* before any post, the account's cap (the page's two) */
  g_assert_true (w.first_wait_cap);
  g_assert_cmpuint (w.first_wait, >=, 82800);
  g_assert_cmpuint (w.first_wait, <=, 82802);
  g_assert_cmpint (elapsed, >=, estimate);
  g_assert_cmpint (elapsed, <=, estimate + 2 * (gint64) sc.n_jumps + 2);
  g_assert_cmpint (sc.first_eta, >=, estimate - 2);
  g_assert_cmpint (sc.first_eta, <=, estimate + 2);
  /* the page's journal is only read */
  g_assert_cmpint (gpm_journal_last_posted_at (page), ==, now - 3600);
  g_clear_handle_id (&sc.source, g_source_remove);
  g_signal_handlers_disconnect_by_data (migrator, &sc);
  g_signal_handlers_disconnect_by_data (migrator, &w);
}

/* ------------------------------------------------------ the takeout gone */

typedef struct {
  char    *root;      /* the takeout folder */
  char    *away;      /* where it is while "unplugged" */
  gboolean gone;
  guint    n_missing_waits;
  guint    n_posted;
} Unplug;

static void
unplug_post_finished (GpmMigrator *migrator,
                      GpmPost     *post,
                      int          journal_state,
                      GError      *error,
                      Unplug      *u)
{
  g_assert_cmpint (journal_state, ==, GPM_JOURNAL_STATE_POSTED);
  /* after the first post, the disk the takeout is on goes */
  if (u->n_posted++ == 0)
    {
      g_assert_cmpint (g_rename (u->root, u->away), ==, 0);
      u->gone = TRUE;
    }
}

static void
unplug_waiting (GpmMigrator *migrator,
                guint        seconds,
                const char  *reason,
                Unplug      *u)
{
  if (strstr (reason, "cannot be found") == NULL)
    return;
  /* the message names the path the user has to bring back */
  g_assert_nonnull (strstr (reason, u->root));
  if (++u->n_missing_waits == 3)
    {
      g_assert_cmpint (g_rename (u->away, u->root), ==, 0);
      u->gone = FALSE;
    }
}

/* The takeout's disk is unplugged in the middle of the migration (or the
 * folder moved): the run says which path it cannot find and waits for it,
 * and when it is back goes on. No post is marked failed, and none is sent
 * without what it could not read: the old code sent the rest converted
 * without their attachments (here the link: a post's JSON read again for
 * them failed silently), so they arrived broken, for good. */
static void
test_takeout_unplugged (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("gpm-unplug-XXXXXX", &error);
  g_autofree char *root = g_build_filename (tmp, "takeout", NULL);
  g_autofree char *away = g_build_filename (tmp, "away", NULL);
  g_autofree char *dir = g_build_filename (root, "Takeout", "Google+ Stream", "Posts", NULL);
  const char *paths[] = { root, NULL };
  g_autoptr(GpmImport) import = NULL;
  g_autoptr(GpmMigrator) migrator = NULL;
  g_autoptr(GPtrArray) on_pod = NULL;
  Unplug u = { root, away, FALSE, 0, 0 };
  RunState state = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/2018070%u - Linked %u.json", dir, i + 1, i);
      g_autofree char *json = g_strdup_printf (
        "{\"resourceName\": \"users/1/posts/linked-%u\", \"creationTime\": \"2018-07-0%u 10:00:00+0000\","
        " \"content\": \"Worth reading %u\", \"link\": {\"url\": \"https://example.org/article-%u\","
        " \"title\": \"Article %u\"},"
        " \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}}",
        i, i + 1, i, i, i);

      g_file_set_contents (path, json, -1, &error);
      g_assert_no_error (error);
    }
  import = gpm_import_new (paths);
  gpm_import_run (import, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_import_get_posts (import)->len, ==, 3);

  migrator = gpm_migrator_new (f->pod, f->journal);
  gpm_migrator_use_takeout (migrator, gpm_import_get_takeout (import), NULL);
  /* a second between posts: the takeout is gone before the third is read */
  gpm_migrator_set_delay (migrator, 1);
  gpm_migrator_set_retry_policy (migrator, 2, 1, 5);
  g_clear_pointer (&f->posts, g_ptr_array_unref);
  f->posts = g_ptr_array_ref (gpm_import_get_posts (import));
  g_signal_connect (migrator, "post-finished", G_CALLBACK (unplug_post_finished), &u);
  g_signal_connect (migrator, "waiting", G_CALLBACK (unplug_waiting), &u);
  g_assert_true (run_migrator (f, migrator, &state, &error));
  g_assert_no_error (error);
  run_state_clear (&state);

  g_assert_cmpuint (u.n_missing_waits, >=, 3);
  g_assert_false (u.gone);
  g_assert_cmpuint (gpm_migrator_get_n_failed (migrator), ==, 0);
  g_assert_cmpuint (gpm_migrator_get_n_done (migrator), ==, 3);
  on_pod = gpm_test_pod_dup_posts (f->server);
  g_assert_cmpuint (on_pod->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const GpmTestPodPost *p = g_ptr_array_index (on_pod, i);
      g_autofree char *words = g_strdup_printf ("Worth reading %u", i);
      g_autofree char *link = g_strdup_printf ("https://example.org/article-%u", i);

      g_assert_nonnull (strstr (p->text, words));
      g_assert_nonnull (strstr (p->text, link));
    }
  gpm_test_remove_tree (tmp);
}

int
main (int argc, char **argv)
{
  /* Each test's journals in a folder of its own, also when the program is
   * run by hand (as test-migrator.c); the proxy module would find no
   * GSettings schemas there, and the test pod is on loopback anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint api = 0; api < 2; api++)
    {
      const char *kind = api ? "api" : "web";
      gconstpointer data = GINT_TO_POINTER (api);
      g_autofree char *stopped = g_strdup_printf ("/migrator/%s/longrun/pod-stopped", kind);
      g_autofree char *maintenance = g_strdup_printf ("/migrator/%s/longrun/pod-maintenance", kind);
      g_autofree char *post_fails = g_strdup_printf ("/migrator/%s/longrun/post-fails-pod-up", kind);
      g_autofree char *sleep = g_strdup_printf ("/migrator/%s/longrun/sleep-between-posts", kind);
      g_autofree char *night = g_strdup_printf ("/migrator/%s/longrun/daily-cap-across-night", kind);
      g_autofree char *set_back = g_strdup_printf ("/migrator/%s/longrun/daily-cap-clock-set-back", kind);
      g_autofree char *photos = g_strdup_printf ("/migrator/%s/longrun/photos-after-sleep", kind);
      g_autofree char *mid_upload = g_strdup_printf ("/migrator/%s/longrun/photos-wait-mid-upload", kind);
      g_autofree char *clamp = g_strdup_printf ("/migrator/%s/longrun/clamp-when-clock-changes", kind);
      g_autofree char *ahead = g_strdup_printf ("/migrator/%s/longrun/clock-ahead-of-pod", kind);
      g_autofree char *unplugged = g_strdup_printf ("/migrator/%s/longrun/takeout-unplugged", kind);
      g_autofree char *schedule = g_strdup_printf ("/migrator/%s/longrun/estimate-is-schedule", kind);
      g_autofree char *eta = g_strdup_printf ("/migrator/%s/longrun/eta-follows-pace", kind);
      g_autofree char *eta_queue = g_strdup_printf ("/migrator/%s/longrun/eta-is-queue", kind);
      g_autofree char *account_cap = g_strdup_printf ("/migrator/%s/longrun/daily-cap-per-account", kind);
      g_autofree char *resign = g_strdup_printf ("/migrator/%s/longrun/pod-down-at-resign", kind);
      g_autofree char *moved = g_strdup_printf ("/migrator/%s/longrun/pod-moved", kind);
      g_autofree char *redirected = g_strdup_printf ("/migrator/%s/longrun/pod-redirected", kind);
      g_autofree char *redirected_stops = g_strdup_printf ("/migrator/%s/longrun/pod-redirected-stops", kind);
      g_autofree char *redirected_posts = g_strdup_printf ("/migrator/%s/longrun/pod-redirected-posts", kind);

      g_test_add (stopped, Fixture, data, fixture_set_up, test_pod_stopped, fixture_tear_down);
      g_test_add (maintenance, Fixture, data, fixture_set_up, test_pod_maintenance, fixture_tear_down);
      g_test_add (post_fails, Fixture, data, fixture_set_up, test_post_fails_pod_up, fixture_tear_down);
      g_test_add (resign, Fixture, data, fixture_set_up, test_pod_down_at_resign, fixture_tear_down);
      g_test_add (moved, Fixture, data, fixture_set_up, test_pod_moved, fixture_tear_down);
      g_test_add (redirected, Fixture, data, fixture_set_up, test_pod_redirected_passes, fixture_tear_down);
      g_test_add (redirected_stops, Fixture, data, fixture_set_up, test_pod_redirected_stops, clock_tear_down);
      g_test_add (redirected_posts, Fixture, data, fixture_set_up, test_pod_redirected_posts, fixture_tear_down);
      g_test_add (sleep, Fixture, data, fixture_set_up, test_sleep_between_posts, clock_tear_down);
      g_test_add (night, Fixture, data, fixture_set_up, test_daily_cap_across_night, clock_tear_down);
      g_test_add (set_back, Fixture, data, fixture_set_up, test_daily_cap_clock_set_back, clock_tear_down);
      g_test_add (photos, Fixture, data, fixture_set_up, test_photos_after_sleep, clock_tear_down);
      g_test_add (mid_upload, Fixture, data, fixture_set_up, test_photos_wait_mid_upload, clock_tear_down);
      if (!api)   /* the same worker either way; its waits are real here */
        g_test_add (clamp, Fixture, data, fixture_set_up, test_clamp_when_clock_changes, clock_tear_down);
      g_test_add (ahead, Fixture, data, fixture_set_up, test_clock_ahead_of_pod, clock_tear_down);
      g_test_add (unplugged, Fixture, data, fixture_set_up, test_takeout_unplugged, fixture_tear_down);
      g_test_add (schedule, Fixture, data, fixture_set_up, test_estimate_is_schedule, clock_tear_down);
      g_test_add (eta_queue, Fixture, data, fixture_set_up, test_eta_is_queue, clock_tear_down);
      g_test_add (account_cap, Fixture, data, fixture_set_up, test_daily_cap_per_account, clock_tear_down);
      if (!api)   /* the same worker either way; its waits are real here */
        g_test_add (eta, Fixture, data, fixture_set_up, test_eta_follows_pace, fixture_tear_down);
    }
  return g_test_run ();
}
