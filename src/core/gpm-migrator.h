/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrator.h: the background worker that reposts the selected posts.
 *
 * Queue: the selected posts that the journal does not record as posted,
 * oldest first (creationTime). For each: decide the audience (PUBLIC and
 * COMMUNITY go public; every other scope goes to the aspect the user mapped
 * its key to, and without a mapping the post is SKIPPED, never public),
 * convert, upload its photos (each remote id journaled), wait for the pacing
 * delay and the daily cap, mark it ATTEMPTING with the exact text, create the
 * post, mark it POSTED. An answer that may or may not have created the post
 * (timeout, connection closed, 5xx) is resolved by looking for that exact
 * text among the account's own recent posts before any retry; so is every
 * ATTEMPTING row found when a run starts (the previous process died).
 *
 * Transient errors (unreachable, 429, 5xx, no answer) are retried with
 * exponential backoff and jitter (Retry-After honoured), a bounded number of
 * times, then the post is marked FAILED (a later run retries it). An
 * authentication failure pauses the worker and emits "auth-required": sign
 * in again on the same GpmPod, then call gpm_migrator_resume() (or cancel).
 *
 * The worker runs in its own thread; properties and signals are notified on
 * the thread-default main context of the caller of gpm_migrator_run_async().
 */
#pragma once

#include <gio/gio.h>

#include "gpm-journal.h"
#include "gpm-pod.h"
#include "gpm-convert.h"
#include "gpm-plan.h"
#include "gpm-post.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

#define GPM_MIGRATOR_ERROR (gpm_migrator_error_quark ())
typedef enum {
  GPM_MIGRATOR_ERROR_NO_AUDIENCE,    /* skipped: the post has no ACL scopes */
  GPM_MIGRATOR_ERROR_NO_ASPECT,      /* skipped: limited post without an aspect mapping */
  GPM_MIGRATOR_ERROR_UNKNOWN_ASPECT, /* a mapped aspect name the account does not have */
  GPM_MIGRATOR_ERROR_CONVERT,        /* the conversion failed */
  GPM_MIGRATOR_ERROR_TOO_LONG,       /* unused since issue 17: a text over GPM_DIASPORA_MAX_TEXT_CHARS goes on in comments */
  GPM_MIGRATOR_ERROR_PHOTO,          /* a photo could not be read or was refused */
  GPM_MIGRATOR_ERROR_GAVE_UP,        /* transient errors went on past the retry limit */
  GPM_MIGRATOR_ERROR_UNRESOLVED,     /* could not check whether an attempt created the post */
  GPM_MIGRATOR_ERROR_NOT_READY,      /* run without a pod, journal or converter */
  GPM_MIGRATOR_ERROR_BY_USER,        /* skipped: the user excluded this post (gpm_journal_set_skipped_by_user) */
  GPM_MIGRATOR_ERROR_NOTHING_OWN,    /* skipped: nothing of the user's own to post (gpm_convert_post_is_nothing_own) */
} GpmMigratorError;
GQuark gpm_migrator_error_quark (void);

typedef enum {
  GPM_MIGRATOR_STATE_STOPPED,  /* not running: not started yet, cancelled, or stopped by an error */
  GPM_MIGRATOR_STATE_RUNNING,
  GPM_MIGRATOR_STATE_PAUSED,   /* by gpm_migrator_pause(), or waiting for a new sign-in */
  GPM_MIGRATOR_STATE_DONE,     /* every queued post was handled (some may have failed) */
} GpmMigratorState;  /* GPM_TYPE_MIGRATOR_STATE: gpm-core-enums.h (glib-mkenums) */

/* The text to post for @post, or NULL and @error. Appends to @photos (owns
 * char*, g_free) the archive entries of the photos to upload with it, in
 * order. Called from the worker thread (and from gpm_migrator_plan()'s). */
typedef char   *(*GpmMigratorConvertFunc) (GpmPost     *post,
                                           GPtrArray   *photos,
                                           gpointer     user_data,
                                           GError     **error);
/* The bytes of @photo (an entry the convert function listed for @post).
 * Called from the worker thread. */
typedef GBytes *(*GpmMigratorReadFunc)    (GpmPost     *post,
                                           const char  *photo,
                                           gpointer     user_data,
                                           GError     **error);

/* The texts (char*, in order) of the user's own comments to post under
 * @post once it is on the pod (gpm-comments.h); NULL with @error when they
 * cannot be read (tried again by the next run). Called from the worker thread. */
typedef GPtrArray *(*GpmMigratorCommentsFunc) (GpmPost     *post,
                                               gpointer     user_data,
                                               GError     **error);

/* One post as the migrator would send it (gpm_migrator_plan()). */
#define GPM_TYPE_MIGRATOR_ITEM (gpm_migrator_item_get_type ())
typedef struct {
  GpmPost         *post;
  char            *key;            /* gpm_journal_post_key() */
  GpmJournalState  journal_state;  /* in the journal now (PENDING without a journal or row) */
  gboolean         is_public;
  GPtrArray       *aspects;        /* char*, aspect names, when !is_public */
  char            *visibility;     /* "public" or "aspect:NAME[, NAME…]": what the journal records */
  char            *text;           /* NULL when skipped or not converted; the first part when over the limit */
  GPtrArray       *photos;         /* char*, archive entries, in upload order */
  char            *poll_question;  /* NULL: no native poll */
  GPtrArray       *poll_answers;   /* char* */
  char            *location;       /* the address sent as diaspora*'s location; NULL: none
                                    * (gpm_convert_pod_location(): the place stays private
                                    * unless the settings include it) */
  GError          *skip;           /* non-NULL: will be skipped (NO_AUDIENCE, NO_ASPECT, BY_USER, NOTHING_OWN) */
  GError          *error;          /* non-NULL: will fail (CONVERT, TOO_LONG) */
  GPtrArray       *comments;       /* char*: the own comments to post under it (with a comments function), else NULL */
  gboolean         all_aspects;    /* limited to every aspect of the account (aspects is empty then) */
  GPtrArray       *continuation;   /* char*: a text over diaspora*'s limit goes on in these comments, posted
                                    * under it before the own ones (gpm_long_post_split()); else NULL */
} GpmMigratorItem;
GType            gpm_migrator_item_get_type (void) G_GNUC_CONST;
GpmMigratorItem *gpm_migrator_item_ref      (GpmMigratorItem *item);
void             gpm_migrator_item_unref    (GpmMigratorItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmMigratorItem, gpm_migrator_item_unref)

#define GPM_TYPE_MIGRATOR (gpm_migrator_get_type ())
G_DECLARE_FINAL_TYPE (GpmMigrator, gpm_migrator, GPM, MIGRATOR, GObject)

/* Properties:
 *   "state"        GpmMigratorState
 *   "n-total"      guint   selected posts of the run
 *   "n-done"       guint   posted (including by earlier runs)
 *   "n-skipped"    guint   skipped (no audience, no aspect mapping)
 *   "n-failed"     guint   failed in this run
 *   "n-left"       guint   still to do
 *   "eta"          gint64  seconds until the queue is done, -1 unknown
 *   "delay"        guint   seconds between two posts (default GPM_MIGRATOR_DEFAULT_DELAY)
 *   "max-per-day"  guint   posts per 24 hours, 0 = no cap (default 0)
 *
 * Signals (all on the caller's main context):
 *   "post-started"  (GpmPost *post)
 *   "post-finished" (GpmPost *post, GpmJournalState state, GError *error)
 *       state: POSTED, SKIPPED (error says why), FAILED (error says why) or
 *       ATTEMPTING (could not check whether it was created: resolved by the
 *       next run before anything is re-sent).
 *   "waiting"       (guint seconds, const char *reason)   pacing, cap, backoff
 *   "auth-required" (GError *error)  paused: sign in again, then resume
 *   "finished"      (GError *error)  NULL when done, else why it stopped
 *   "retrying"      (guint seconds, GError *error)  a step failed for a passing
 *       reason and is tried again in @seconds (after the "waiting" it also gets)
 *   "plan-applied"  ()  the worker took the plan of gpm_migrator_update_plan()
 */

/* The pace when nobody chose one, in seconds between two posts: the
 * migrator's "delay", the CLI's --delay and the GSettings key
 * post-delay-seconds (tests/test-settings.c checks the schema agrees). A
 * minute: a pod's followers see a trickle, not a flood, and the daily cap
 * decides how long a large takeout takes anyway. */
#define GPM_MIGRATOR_DEFAULT_DELAY 60
/* The shortest pace the app offers (the key's range, the spin buttons);
 * only tests and benchmarks go below it. */
#define GPM_MIGRATOR_MIN_DELAY 20

/* @pod and @journal may be NULL for gpm_migrator_plan() only. */
GpmMigrator *gpm_migrator_new           (GpmPod       *pod,
                                         GpmJournal   *journal);

void         gpm_migrator_set_convert_func (GpmMigrator           *self,
                                            GpmMigratorConvertFunc func,
                                            gpointer               user_data,
                                            GDestroyNotify         destroy);
void         gpm_migrator_set_read_func    (GpmMigrator           *self,
                                            GpmMigratorReadFunc    func,
                                            gpointer               user_data,
                                            GDestroyNotify         destroy);

/* With a comments function, the user's own comments follow each post the
 * journal records as posted (this run's and earlier runs'): in order, paced
 * like posts (the delay, not the daily cap), each ATTEMPTING in the journal
 * before it is sent and POSTED after; an answer that may or may not have
 * created it is resolved by listing the post's comments on the pod before
 * it is sent again. NULL: no comments (the default). */
void         gpm_migrator_set_comments_func (GpmMigrator            *self,
                                             GpmMigratorCommentsFunc func,
                                             gpointer                user_data,
                                             GDestroyNotify          destroy);

/* The conversion settings the posts are sent with, as far as the migrator
 * itself sends them (the location: gpm_convert_pod_location()); NULL: the
 * defaults. gpm_migrator_use_takeout() sets them. */
void         gpm_migrator_set_convert_settings (GpmMigrator              *self,
                                                const GpmConvertSettings *settings);

/* The usual wiring of the two above: posts converted by the convert module
 * with @settings (NULL: the defaults, the seed's format), photos read from
 * @takeout; with @settings->own_comments, the user's own comments read
 * from @takeout too. What the CLI and the app both use. */
void         gpm_migrator_use_takeout      (GpmMigrator              *self,
                                            GpmTakeout               *takeout,
                                            const GpmConvertSettings *settings);

/* The pod address of the post journaled as @key when it is POSTED
 * (<pod>/posts/<guid>), else NULL: a GpmLinksLookupFunc over the
 * migrator's journal (@user_data: the GpmMigrator). gpm_migrator_use_takeout()
 * hands it to the conversion when the settings carry the owner's links. */
char        *gpm_migrator_own_post_lookup  (const char  *key,
                                            gpointer     user_data);

void         gpm_migrator_set_delay        (GpmMigrator *self,
                                            guint        seconds);
guint        gpm_migrator_get_delay        (GpmMigrator *self);
void         gpm_migrator_set_max_per_day  (GpmMigrator *self,
                                            guint        max_per_day);
guint        gpm_migrator_get_max_per_day  (GpmMigrator *self);
/* Backoff: @base_ms × 2^attempt (capped at @max_ms), with jitter, at most
 * @max_retries retries per step. Defaults: 8 retries, 2 s, 5 min. */
void         gpm_migrator_set_retry_policy (GpmMigrator *self,
                                            guint        max_retries,
                                            guint        base_ms,
                                            guint        max_ms);

/* After an answer that came too late or never (timeout, connection
 * closed, 502/504 from a proxy), the pod may still be saving the post: it
 * is looked for again over @ms milliseconds (checks at 1/16, 1/8, … of it)
 * before it is sent again. So is, after a restart, an attempt the journal
 * records as late (gpm_journal_set_answered() never called: its answer
 * never came), over @ms from the attempt's time. Default: 5 minutes. */
void         gpm_migrator_set_settle_time  (GpmMigrator *self,
                                            guint        ms);

/* Posts carrying the scope with this key (gpm_scope_get_key: "CIRCLES",
 * "EXTENDED", "circles/…", "users/…", "collections/…", "events/…") go to
 * the account's aspect named @aspect_name; NULL removes the mapping. */
void         gpm_migrator_map_scope        (GpmMigrator *self,
                                            const char  *scope_key,
                                            const char  *aspect_name);

/* The decisions to follow (a copy is taken): targets of the private
 * audiences, posts left out (skipped, BY_USER) and edited texts (sent
 * instead of the conversion, with the post's photos), delay and daily cap.
 * The options that change the conversion go to the settings given to
 * gpm_migrator_use_takeout() (gpm_plan_apply_to_convert_settings()).
 * Not during a run: gpm_migrator_update_plan(). */
void         gpm_migrator_use_plan         (GpmMigrator *self,
                                            GpmPlan     *plan);
/* The plan followed (borrowed; gpm_migrator_map_scope() changes it). */
GpmPlan     *gpm_migrator_get_plan         (GpmMigrator *self);
/* A changed plan during a run: @posts (gpm_plan_select_posts()) replace
 * the queue for every post not sent yet; a post waiting for its turn is
 * looked at again. Refused (FALSE, @error says why) when it changes what
 * the texts are made of (own comments, location, archive links): the
 * posts already sent were made without it. Not running: like
 * gpm_migrator_use_plan(). */
gboolean     gpm_migrator_update_plan      (GpmMigrator  *self,
                                            GpmPlan      *plan,
                                            GPtrArray    *posts,
                                            GError      **error);

/* What a run would do with @posts, in order, without touching the network
 * or writing the journal (dry run). Already posted posts are included with
 * journal_state POSTED. With a comments function, each sendable item's
 * comments are read too (from the takeout: call it off the UI thread).
 * GpmMigratorItem*. */
GPtrArray   *gpm_migrator_plan             (GpmMigrator *self,
                                            GPtrArray   *posts);

/* Runs the queue for @posts (GpmPost*). Cancelling @cancellable is
 * gpm_migrator_cancel(). Finishes TRUE when every post was handled (some
 * may have failed: see "n-failed"), FALSE when cancelled
 * (G_IO_ERROR_CANCELLED) or stopped by an error (TLS, journal, unknown
 * aspect…). */
void         gpm_migrator_run_async        (GpmMigrator         *self,
                                            GPtrArray           *posts,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     gpm_migrator_run_finish       (GpmMigrator   *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* Take effect after the current step (a request is never interrupted). */
void         gpm_migrator_pause            (GpmMigrator *self);
void         gpm_migrator_resume           (GpmMigrator *self);
void         gpm_migrator_cancel           (GpmMigrator *self);
/* The machine woke from sleep or its wall clock was set: the worker's
 * waits look at the clock now (else within a minute). Thread-safe. */
void         gpm_migrator_time_changed     (GpmMigrator *self);

GpmMigratorState gpm_migrator_get_state    (GpmMigrator *self);
guint        gpm_migrator_get_n_total      (GpmMigrator *self);
guint        gpm_migrator_get_n_done       (GpmMigrator *self);
guint        gpm_migrator_get_n_skipped    (GpmMigrator *self);
guint        gpm_migrator_get_n_failed     (GpmMigrator *self);
guint        gpm_migrator_get_n_left       (GpmMigrator *self);
gint64       gpm_migrator_get_eta          (GpmMigrator *self);

/* Where the worker's time went in the last run: everything it did for the
 * posts it sent, and the part of that spent waiting for the pod or reading
 * photos (microseconds). The difference is the worker's own overhead. */
void         gpm_migrator_get_timing       (GpmMigrator *self,
                                            guint       *n_sent,
                                            gint64      *busy_usec,
                                            gint64      *io_usec);

G_END_DECLS
