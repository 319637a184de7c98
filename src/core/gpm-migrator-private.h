/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrator-private.h: the migrator's instance struct, a run's state and
 * what its files share, the way the GUI splits gpm-window.c:
 *
 *   gpm-migrator.c           the GObject: properties, signals, the public
 *                            setters, run/pause/resume/cancel, and the
 *                            events the worker hands to the caller's context
 *   gpm-migrator-items.c     what a post becomes (audience, text, photos,
 *                            poll, location): the dry run and the worker
 *                            alike; the takeout wiring (use_takeout)
 *   gpm-migrator-run.c       the worker thread: its loop, waits, pause and
 *                            cancel, the retry policy, pacing and the daily
 *                            cap, the account's aspects, a new plan
 *   gpm-migrator-check.c     "is it on the pod?" for a post or a comment
 *                            sent before, and the settle time
 *   gpm-migrator-post.c      one post: photos, the request, the answers
 *                            that may have created it, repairs; the
 *                            attempts a dead process left
 *   gpm-migrator-comments.c  the user's own comments (and a long post's
 *                            continuation) under a posted post
 *
 * Functions named _gpm_migrator_*() run in the worker thread unless they
 * say otherwise; they take the Run. */
#pragma once

#include "gpm-migrator.h"
#include "gpm-util.h"

G_BEGIN_DECLS

struct _GpmMigrator
{
  GObject                 parent_instance;

  GpmPod                 *pod;
  GpmJournal             *journal;
  GpmMigratorConvertFunc  convert_func;
  gpointer                convert_data;
  GDestroyNotify          convert_destroy;
  GpmConvertSettings     *convert_settings;  /* NULL: the defaults (the place stays private) */
  GpmMigratorReadFunc     read_func;
  gpointer                read_data;
  GDestroyNotify          read_destroy;
  GpmMigratorCommentsFunc comments_func;
  gpointer                comments_data;
  GDestroyNotify          comments_destroy;
  GpmPlan                *plan;          /* audiences' targets, left out, edited (main thread) */
  GpmTakeout             *takeout;       /* gpm_migrator_use_takeout()'s: looked for when a read fails */

  /* Shared with the worker thread. */
  GMutex                  mutex;
  GCond                   cond;
  guint                   delay;
  guint                   max_per_day;
  guint                   max_retries;
  guint                   base_ms;
  guint                   max_ms;
  guint                   settle_ms;
  gboolean                pause_requested;
  gboolean                cancel_requested;
  guint                   time_serial;   /* gpm_migrator_time_changed(): waits look at the clock again */
  guint                   n_sent;
  gint64                  busy_usec;
  GpmPlan                *next_plan;     /* gpm_migrator_update_plan(): for the worker to take */
  GPtrArray              *next_posts;
  gint64                  io_usec;

  /* Main thread. */
  GMainContext           *context;
  GTask                  *task;
  GCancellable           *cancellable;
  gulong                  cancelled_id;
  GpmMigratorState        state;
  guint                   n_total;
  guint                   n_done;
  guint                   n_skipped;
  guint                   n_failed;
  guint                   n_left;
  gint64                  eta;
};

/* One run of the queue: the worker thread's own state (nothing here is
 * touched by the main thread once the worker started). */
typedef struct {
  GpmMigrator *self;
  GPtrArray   *posts;        /* GpmPost*, sorted (by the worker, first) */
  GpmPlan     *plan;         /* a copy: the worker's own */
  GHashTable  *handled;      /* post keys this run has handled (a new plan does not take them again) */
  GHashTable  *aspect_ids;   /* aspect name → gint64* */
  gboolean     aspects_listed;
  gboolean     wait_for_plan;    /* a new plan ends the wait (pacing only) */
  GRand       *rand;
  GError      *fatal;        /* why the run stops; NULL: cancelled */
  gint64       last_post_usec;   /* real time of the last post created */
  gint64       wait_usec;        /* spent in _gpm_migrator_wait_until() */
  gint64       io_usec;          /* spent in pod calls and photo reads */
  guint        n_total;
  guint        n_done;
  guint        n_skipped;
  guint        n_failed;
  guint        n_left;
  GArray      *sends;            /* gpm_plan_dup_sends() of the queue, a guint per post: its last
                                  * n_left are the time left (the ETA's) */
  gboolean     turn_for_comment; /* the wait for the turn is a comment's: the delay, not the cap */
  gint64       clamp_high;       /* the latest real time a turn saw since posts were re-dated (0: not yet) */
  guint        clamp_serial;     /* the migrator's time_serial then */
  gboolean     redirect_answered; /* a redirected step was given one more go: the pod answered meanwhile */
  guint        n_sent;
  gint64       sent_busy_usec;   /* the posts sent: their time, less their waits */
} Run;

/* What the worker tells the caller's main context (gpm-migrator.c). */
typedef enum {
  EVENT_PROGRESS,
  EVENT_POST_STARTED,
  EVENT_POST_FINISHED,
  EVENT_WAITING,
  EVENT_AUTH_REQUIRED,
  EVENT_FINISHED,
  EVENT_RETRYING,
  EVENT_PLAN_APPLIED,
} EventKind;

/* What a step does after the pod answered it with an error. */
typedef enum {
  NEXT_GIVE_UP,  /* none of the cases below: the step ends with the error */
  NEXT_RETRY,    /* signed in again, or waited: do the step again */
  NEXT_STOP,     /* cancelled meanwhile, or the run must stop (run->fatal) */
} Next;

/* What a look on the pod found (gpm-migrator-check.c). */
typedef enum {
  CHECK_FOUND,
  CHECK_INCOMPLETE,   /* found, but without all of its photos: *out_post is it */
  CHECK_NOT_FOUND,
  CHECK_UNRESOLVED,
  CHECK_STOP,
} CheckResult;

/* gpm-migrator.c */
/* Hands @kind (with the run's counters and its ETA) to the main context of
 * the caller of gpm_migrator_run_async(), where it becomes signals and
 * property notifications. */
void             _gpm_migrator_post_event         (Run             *run,
                                                   EventKind        kind,
                                                   GpmPost         *post,
                                                   GpmJournalState  state,
                                                   const GError    *error,
                                                   guint            seconds,
                                                   const char      *reason);

/* gpm-migrator-items.c */
/* Audience, conversion, photos, poll and location of @post under @plan:
 * the worker's and the dry run's (gpm_migrator_plan(), the caller's
 * thread) alike. */
GpmMigratorItem *_gpm_migrator_make_item          (GpmMigrator     *self,
                                                   GpmPost         *post,
                                                   GpmPlan         *plan,
                                                   GpmJournalState  journal_state);
/* The first file or folder of the takeout given to
 * gpm_migrator_use_takeout() that cannot be read now (moved, its disk
 * unplugged), else NULL. Any thread. */
char            *_gpm_migrator_dup_missing_takeout (GpmMigrator    *self);
/* @posts each once, oldest first (a new array of refs). Any thread. */
GPtrArray       *_gpm_migrator_sorted_posts       (GPtrArray       *posts);

/* gpm-migrator-run.c */
/* The worker thread's function; frees @data (a Run). */
gpointer         _gpm_migrator_worker             (gpointer         data);
gboolean         _gpm_migrator_wait_until         (Run             *run,
                                                   gint64           deadline);
gboolean         _gpm_migrator_sleep              (Run             *run,
                                                   gint64           usec,
                                                   const char      *reason);
gboolean         _gpm_migrator_checkpoint         (Run             *run);
void             _gpm_migrator_waiting_event      (Run             *run,
                                                   gint64           usec,
                                                   const char      *reason);
gboolean         _gpm_migrator_may_have_created   (const GError    *error);
gboolean         _gpm_migrator_is_transient       (const GError    *error);
gboolean         _gpm_migrator_backoff            (Run             *run,
                                                   guint            attempt,
                                                   const GError    *error);
guint            _gpm_migrator_get_max_retries    (GpmMigrator     *self);
void             _gpm_migrator_set_fatal          (Run             *run,
                                                   const GError    *error);
Next             _gpm_migrator_wait_for_pod       (Run             *run,
                                                   const GError    *error);
Next             _gpm_migrator_after_auth_or_fatal (Run            *run,
                                                   const GError    *error);
Next             _gpm_migrator_after_transient    (Run             *run,
                                                   const GError    *error,
                                                   guint           *attempt,
                                                   guint           *rate_limited,
                                                   guint            max_retries);
Next             _gpm_migrator_after_error        (Run             *run,
                                                   const GError    *error,
                                                   guint           *attempt,
                                                   guint           *rate_limited,
                                                   guint            max_retries);
gboolean         _gpm_migrator_journal_ok         (Run             *run,
                                                   gboolean         ok,
                                                   GError         **error);
gboolean         _gpm_migrator_wait_for_turn      (Run             *run);

/* gpm-migrator-check.c */
gboolean         _gpm_migrator_has_all_photos     (const GpmPodPost *post,
                                                   guint            n_sent);
gboolean         _gpm_migrator_may_be_late        (const GError    *error);
CheckResult      _gpm_migrator_check_pod          (Run             *run,
                                                   const char      *key,
                                                   const char      *text,
                                                   guint            n_photos,
                                                   gint64           since,
                                                   GpmPodPost     **out_post,
                                                   GError         **error);
/* _gpm_migrator_check_pod() found nothing after an answer that may be late
 * (at @answered_usec, real time): looks again at growing intervals until
 * the settle time has passed since then. */
CheckResult      _gpm_migrator_check_pod_again    (Run             *run,
                                                   const char      *key,
                                                   const char      *text,
                                                   guint            n_photos,
                                                   gint64           since,
                                                   gint64           answered_usec,
                                                   GpmPodPost     **out_post,
                                                   GError         **error);
CheckResult      _gpm_migrator_check_comment      (Run             *run,
                                                   const char      *key,
                                                   const char      *post_guid,
                                                   const char      *text,
                                                   char           **out_guid,
                                                   GError         **error);
/* _gpm_migrator_check_pod_again() for a comment. */
CheckResult      _gpm_migrator_check_comment_again (Run            *run,
                                                   const char      *key,
                                                   const char      *post_guid,
                                                   const char      *text,
                                                   gint64           answered_usec,
                                                   char           **out_guid,
                                                   GError         **error);

/* gpm-migrator-post.c */
gboolean         _gpm_migrator_process_post       (Run             *run,
                                                   GpmPost         *post);
gboolean         _gpm_migrator_resolve_attempts   (Run             *run);
/* Something could not be read from the takeout: while its file or folder
 * is missing, waits for it. NEXT_RETRY: it came back; NEXT_GIVE_UP: it is
 * there (the failure is the post's own); NEXT_STOP. */
Next             _gpm_migrator_wait_for_takeout   (Run             *run);

/* gpm-migrator-comments.c */
gboolean         _gpm_migrator_post_own_comments  (Run             *run,
                                                   GpmPost         *post);

G_END_DECLS
