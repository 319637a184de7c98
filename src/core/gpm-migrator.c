/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-migrator"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-comments.h"
#include "gpm-long-post.h"
#include "gpm-image.h"
#include "gpm-core-enums.h"
#include "gpm-migrator.h"
#include "gpm-photo-resize.h"
#include "gpm-plan.h"
#include "gpm-util.h"

/* An attempt is looked for among the account's posts created since the
 * attempt, less this much for a pod whose clock is behind ours. */
#define CHECK_SLACK_SECONDS 3600
/* 429 answers are not failures: they get their own, larger budget. */
#define MAX_RATE_LIMITED 50
/* diaspora's poll question column. */
#define MAX_POLL_QUESTION_CHARS 255
/* diaspora destroys pending photos a day after their upload, once a day
 * (app/workers/cleanup_pending_photos.rb): photo ids older than this are
 * never sent; fresh ones are uploaded instead. */
#define PHOTO_MAX_AGE_USEC ((gint64) 3 * 3600 * G_USEC_PER_SEC)
/* How many times a post the pod kept without all its photos is taken back
 * and sent again before the post is marked failed. */
#define MAX_REPAIRS 2
/* How many 403/422 answers to a post request (checked on the pod each
 * time) before they count as the pod's refusal. */
#define MAX_AMBIGUOUS_REFUSALS 2
/* Retries of a photo upload answered 500 (see upload_photos()). */
#define MAX_PHOTO_INTERNAL_ERRORS 1
/* A photo the pod answers 413 for is shrunk to this share of its long
 * side and sent again, down to PHOTO_MIN_SIDE pixels. */
#define PHOTO_SHRINK_NUM 7
#define PHOTO_SHRINK_DEN 10
#define PHOTO_MIN_SIDE 480u

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

G_DEFINE_FINAL_TYPE (GpmMigrator, gpm_migrator, G_TYPE_OBJECT)

G_DEFINE_QUARK (gpm-migrator-error-quark, gpm_migrator_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_N_TOTAL,
  PROP_N_DONE,
  PROP_N_SKIPPED,
  PROP_N_FAILED,
  PROP_N_LEFT,
  PROP_ETA,
  PROP_DELAY,
  PROP_MAX_PER_DAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_POST_STARTED,
  SIGNAL_POST_FINISHED,
  SIGNAL_WAITING,
  SIGNAL_AUTH_REQUIRED,
  SIGNAL_FINISHED,
  SIGNAL_RETRYING,
  SIGNAL_PLAN_APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ items */

G_DEFINE_BOXED_TYPE (GpmMigratorItem, gpm_migrator_item, gpm_migrator_item_ref, gpm_migrator_item_unref)

GpmMigratorItem *
gpm_migrator_item_ref (GpmMigratorItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return g_atomic_rc_box_acquire (item);
}

static void
item_clear (gpointer data)
{
  GpmMigratorItem *item = data;

  g_clear_object (&item->post);
  g_free (item->key);
  g_clear_pointer (&item->aspects, g_ptr_array_unref);
  g_free (item->visibility);
  g_free (item->text);
  g_clear_pointer (&item->photos, g_ptr_array_unref);
  g_free (item->poll_question);
  g_clear_pointer (&item->poll_answers, g_ptr_array_unref);
  g_free (item->location);
  g_clear_error (&item->skip);
  g_clear_error (&item->error);
  g_clear_pointer (&item->comments, g_ptr_array_unref);
  g_clear_pointer (&item->continuation, g_ptr_array_unref);
}

void
gpm_migrator_item_unref (GpmMigratorItem *item)
{
  g_return_if_fail (item != NULL);
  g_atomic_rc_box_release_full (item, item_clear);
}

/* The content's words without markup, for a poll question: at most
 * @max_chars characters, the last one "…" when the text was cut. */
static char *
poll_question (const char *html,
               guint       max_chars)
{
  g_autofree char *text = gpm_convert_html_to_plain (html, max_chars + 1);

  if (g_utf8_strlen (text, -1) > max_chars)
    {
      *g_utf8_offset_to_pointer (text, max_chars - 1) = '\0';
      return g_strconcat (text, "…", NULL);
    }
  return g_steal_pointer (&text);
}

/* Audience, conversion, photos, poll and location of one post. Used by the
 * dry run and by the worker alike, so a dry run shows what a run sends. */
static GpmMigratorItem *
make_item (GpmMigrator     *self,
           GpmPost         *post,
           GpmPlan         *plan,
           GpmJournalState  journal_state)
{
  GpmMigratorItem *item = g_atomic_rc_box_new0 (GpmMigratorItem);
  const GpmPoll *poll;
  const char *address;
  const char *edited;
  g_autofree char *reason = NULL;
  g_autoptr(GError) audience_error = NULL;

  item->post = g_object_ref (post);
  item->key = g_strdup (gpm_journal_post_key (post));
  item->journal_state = journal_state;
  item->aspects = g_ptr_array_new_with_free_func (g_free);
  item->photos = g_ptr_array_new_with_free_func (g_free);

  /* Who sees it: the plan's rule (gpm_plan_resolve_audience()). */
  if (!gpm_plan_resolve_audience (plan, post, &item->is_public, item->aspects, &item->all_aspects,
                                  &audience_error))
    {
      g_set_error_literal (&item->skip, GPM_MIGRATOR_ERROR,
                           g_error_matches (audience_error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_NO_AUDIENCE)
                             ? GPM_MIGRATOR_ERROR_NO_AUDIENCE : GPM_MIGRATOR_ERROR_NO_ASPECT,
                           audience_error->message);
      return item;
    }
  if (item->is_public)
    item->visibility = g_strdup ("public");
  else
    {
      g_autoptr(GString) names = g_string_new ("aspect:");

      if (item->all_aspects)
        g_string_append (names, _("all aspects"));
      for (guint i = 0; !item->all_aspects && i < item->aspects->len; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (item->aspects, i));
      item->visibility = g_string_free (g_steal_pointer (&names), FALSE);
    }

  /* Left out by the user in the plan. */
  if (gpm_plan_is_post_excluded (plan, item->key))
    {
      g_set_error_literal (&item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_BY_USER, _("Left out by you"));
      return item;
    }
  edited = gpm_plan_get_post_text (plan, item->key);

  /* A reshare of someone else's words alone: never sent (it would be the
   * hashtag footer only, and two of them the same post). */
  if (edited == NULL && gpm_convert_post_is_nothing_own (post, self->convert_settings, &reason))
    {
      g_set_error_literal (&item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOTHING_OWN, reason);
      return item;
    }

  if (self->convert_func == NULL)
    {
      g_set_error (&item->error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOT_READY,
                   _("No conversion is set up"));
      return item;
    }
  item->text = self->convert_func (post, item->photos, self->convert_data, &item->error);
  if (item->text == NULL)
    {
      if (item->error == NULL)
        g_set_error (&item->error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_CONVERT,
                     _("The post could not be converted"));
      return item;
    }
  /* The user's own words instead of the conversion; the photos stay. */
  if (edited != NULL)
    {
      g_free (item->text);
      item->text = g_strdup (edited);
    }
  if (!g_utf8_validate (item->text, -1, NULL))
    {
      g_set_error (&item->error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_CONVERT,
                   _("The converted text is not valid UTF-8"));
      return item;
    }
  if (g_utf8_strlen (item->text, -1) > GPM_DIASPORA_MAX_TEXT_CHARS)
    {
      /* Moved, not failed: the post up to a boundary under the limit, the
       * rest in the author's own comments under it (post_own_comments). */
      g_auto(GStrv) parts = gpm_long_post_split (item->text, GPM_DIASPORA_MAX_TEXT_CHARS);

      g_free (item->text);
      item->text = g_strdup (parts[0]);
      item->continuation = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 1; parts[i] != NULL; i++)
        g_ptr_array_add (item->continuation, g_strdup (parts[i]));
    }

  poll = gpm_post_get_poll (post);
  if (poll != NULL && poll->choices != NULL)
    {
      item->poll_answers = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < poll->choices->len; i++)
        {
          const GpmPollChoice *choice = g_ptr_array_index (poll->choices, i);

          if (choice->description != NULL && *choice->description != '\0')
            g_ptr_array_add (item->poll_answers, g_strdup (choice->description));
        }
      if (item->poll_answers->len >= 2)
        {
          item->poll_question = poll_question (gpm_post_get_content (post), MAX_POLL_QUESTION_CHARS);
          if (item->poll_question == NULL || *item->poll_question == '\0')
            {
              g_free (item->poll_question);
              item->poll_question = g_strdup (_("Poll"));
            }
        }
      else
        g_clear_pointer (&item->poll_answers, g_ptr_array_unref);
    }

  /* Only when the user asked for the place, and only one the pod keeps. */
  if (gpm_convert_pod_location (post, self->convert_settings, &address) != NULL)
    item->location = g_strdup (address);

  return item;
}

/* Selected posts, each once, oldest first. */
static GPtrArray *
sorted_posts (GPtrArray *posts)
{
  GPtrArray *sorted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);

      if (g_hash_table_add (seen, (gpointer) gpm_journal_post_key (post)))
        g_ptr_array_add (sorted, g_object_ref (post));
    }
  g_ptr_array_sort (sorted, gpm_plan_compare_posts);
  return sorted;
}

GPtrArray *
gpm_migrator_plan (GpmMigrator *self,
                   GPtrArray   *posts)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_migrator_item_unref);
  g_autoptr(GPtrArray) sorted = NULL;

  g_return_val_if_fail (GPM_IS_MIGRATOR (self), items);
  g_return_val_if_fail (posts != NULL, items);

  sorted = sorted_posts (posts);
  for (guint i = 0; i < sorted->len; i++)
    {
      GpmPost *post = g_ptr_array_index (sorted, i);
      GpmJournalState state = GPM_JOURNAL_STATE_PENDING;

      if (self->journal != NULL)
        {
          g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (self->journal, gpm_journal_post_key (post), NULL);

          if (entry != NULL && entry->state == GPM_JOURNAL_STATE_SKIPPED && entry->by_user)
            {
              GpmMigratorItem *item = make_item (self, post, self->plan, entry->state);

              g_clear_error (&item->skip);
              g_clear_error (&item->error);
              g_clear_pointer (&item->text, g_free);
              g_set_error_literal (&item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_BY_USER,
                                   entry->reason != NULL ? entry->reason : _("Skipped by you"));
              g_ptr_array_add (items, item);
              continue;
            }
          if (entry != NULL)
            state = entry->state;
        }
      {
        GpmMigratorItem *item = make_item (self, post, self->plan, state);

        /* the user's own comments that would follow it */
        if (self->comments_func != NULL && item->skip == NULL && item->error == NULL)
          item->comments = self->comments_func (post, self->comments_data, NULL);
        g_ptr_array_add (items, item);
      }
    }
  return items;
}

/* ----------------------------------------------------------------- events */

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

typedef struct {
  GpmMigrator     *self;
  EventKind        kind;
  GpmPost         *post;
  GpmJournalState  state;
  GError          *error;
  guint            seconds;
  char            *reason;
  guint            n_total;
  guint            n_done;
  guint            n_skipped;
  guint            n_failed;
  guint            n_left;
  gint64           eta;
} Event;

static void
event_free (gpointer data)
{
  Event *event = data;

  g_clear_object (&event->post);
  g_clear_error (&event->error);
  g_free (event->reason);
  g_object_unref (event->self);
  g_free (event);
}

static void
set_state (GpmMigrator      *self,
           GpmMigratorState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

#define UPDATE_COUNTER(field, prop) \
  G_STMT_START { \
    if (self->field != event->field) \
      { \
        self->field = event->field; \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      } \
  } G_STMT_END

static gboolean
dispatch_event (gpointer data)
{
  Event *event = data;
  GpmMigrator *self = event->self;

  g_object_freeze_notify (G_OBJECT (self));
  UPDATE_COUNTER (n_total, PROP_N_TOTAL);
  UPDATE_COUNTER (n_done, PROP_N_DONE);
  UPDATE_COUNTER (n_skipped, PROP_N_SKIPPED);
  UPDATE_COUNTER (n_failed, PROP_N_FAILED);
  UPDATE_COUNTER (n_left, PROP_N_LEFT);
  UPDATE_COUNTER (eta, PROP_ETA);
  if (event->kind == EVENT_AUTH_REQUIRED)
    set_state (self, GPM_MIGRATOR_STATE_PAUSED);
  else if (event->kind == EVENT_FINISHED)
    set_state (self, event->error == NULL ? GPM_MIGRATOR_STATE_DONE : GPM_MIGRATOR_STATE_STOPPED);
  g_object_thaw_notify (G_OBJECT (self));

  switch (event->kind)
    {
    case EVENT_PROGRESS:
      break;
    case EVENT_POST_STARTED:
      g_signal_emit (self, signals[SIGNAL_POST_STARTED], 0, event->post);
      break;
    case EVENT_POST_FINISHED:
      g_signal_emit (self, signals[SIGNAL_POST_FINISHED], 0, event->post, event->state, event->error);
      break;
    case EVENT_WAITING:
      g_signal_emit (self, signals[SIGNAL_WAITING], 0, event->seconds, event->reason);
      break;
    case EVENT_AUTH_REQUIRED:
      g_signal_emit (self, signals[SIGNAL_AUTH_REQUIRED], 0, event->error);
      break;
    case EVENT_RETRYING:
      g_signal_emit (self, signals[SIGNAL_RETRYING], 0, event->seconds, event->error);
      break;
    case EVENT_PLAN_APPLIED:
      g_signal_emit (self, signals[SIGNAL_PLAN_APPLIED], 0);
      break;
    case EVENT_FINISHED:
      {
        g_autoptr(GTask) task = g_steal_pointer (&self->task);

        if (self->cancellable != NULL)
          {
            g_cancellable_disconnect (self->cancellable, self->cancelled_id);
            self->cancelled_id = 0;
            g_clear_object (&self->cancellable);
          }
        g_signal_emit (self, signals[SIGNAL_FINISHED], 0, event->error);
        if (event->error != NULL)
          g_task_return_error (task, g_error_copy (event->error));
        else
          g_task_return_boolean (task, TRUE);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ worker */

typedef struct {
  GpmMigrator *self;
  GPtrArray   *posts;        /* GpmPost*, sorted */
  GpmPlan     *plan;         /* a copy: the worker's own */
  GHashTable  *handled;      /* post keys this run has handled (a new plan does not take them again) */
  GHashTable  *aspect_ids;   /* aspect name → gint64* */
  gboolean     aspects_listed;
  gboolean     wait_for_plan;    /* a new plan ends the wait (pacing only) */
  GRand       *rand;
  GError      *fatal;        /* why the run stops; NULL: cancelled */
  gint64       last_post_usec;   /* real time of the last post created */
  gint64       wait_usec;        /* spent in wait_until() */
  gint64       io_usec;          /* spent in pod calls and photo reads */
  guint        n_total;
  guint        n_done;
  guint        n_skipped;
  guint        n_failed;
  guint        n_left;
  guint        n_sent;
  gint64       sent_busy_usec;
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->posts, g_ptr_array_unref);
  g_clear_object (&run->plan);
  g_clear_pointer (&run->handled, g_hash_table_unref);
  g_clear_pointer (&run->aspect_ids, g_hash_table_unref);
  g_clear_pointer (&run->rand, g_rand_free);
  g_clear_error (&run->fatal);
  g_clear_object (&run->self);
  g_free (run);
}

static gint64
compute_eta (Run *run)
{
  GpmMigrator *self = run->self;
  gint64 per_post;
  gint64 eta;
  guint delay, cap;

  if (run->n_left == 0)
    return 0;
  g_mutex_lock (&self->mutex);
  delay = self->delay;
  cap = self->max_per_day;
  g_mutex_unlock (&self->mutex);

  per_post = run->n_sent > 0 ? run->sent_busy_usec / run->n_sent / G_USEC_PER_SEC : -1;
  if (per_post < 0 && delay == 0)
    return -1;
  eta = (gint64) run->n_left * (MAX (per_post, 1) + delay);
  if (cap > 0 && run->n_left > cap)
    eta = MAX (eta, (gint64) ((run->n_left - 1) / cap) * 24 * 3600);
  return eta;
}

static void
post_event (Run       *run,
            EventKind  kind,
            GpmPost   *post,
            GpmJournalState state,
            const GError *error,
            guint      seconds,
            const char *reason)
{
  Event *event = g_new0 (Event, 1);

  event->self = g_object_ref (run->self);
  event->kind = kind;
  event->post = post != NULL ? g_object_ref (post) : NULL;
  event->state = state;
  event->error = error != NULL ? g_error_copy (error) : NULL;
  event->seconds = seconds;
  event->reason = g_strdup (reason);
  event->n_total = run->n_total;
  event->n_done = run->n_done;
  event->n_skipped = run->n_skipped;
  event->n_failed = run->n_failed;
  event->n_left = run->n_left;
  event->eta = compute_eta (run);
  gpm_main_context_post (run->self->context, G_PRIORITY_DEFAULT, "[gpm-migrator] event",
                         dispatch_event, event, event_free);
}

/* Waits until @deadline (monotonic µs), and while paused. FALSE when cancelled. */
static gboolean
wait_until (Run    *run,
            gint64  deadline)
{
  GpmMigrator *self = run->self;
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  g_mutex_lock (&self->mutex);
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
      g_cond_wait_until (&self->cond, &self->mutex, deadline);
    }
  ok = !self->cancel_requested;
  g_mutex_unlock (&self->mutex);
  run->wait_usec += g_get_monotonic_time () - start;
  return ok;
}

/* Between steps: waits while paused. FALSE when cancelled. */
static gboolean
checkpoint (Run *run)
{
  return wait_until (run, 0);
}

static void
wait_for_seconds_event (Run        *run,
                        gint64      usec,
                        const char *reason)
{
  guint seconds = (guint) ((usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

  post_event (run, EVENT_WAITING, NULL, 0, NULL, seconds, reason);
}

static gboolean
is_auth_error (const GError *error)
{
  return g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_SIGNED_IN) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_WRONG_CREDENTIALS) ||
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
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* An answer after which the post may exist even though the call failed. */
static gboolean
may_have_created (const GError *error)
{
  return gpm_pod_error_is_uncertain (error) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL);
}

/* A refusal that diaspora also gives for exceptions raised after the post
 * was saved (status_messages_controller.rb `rescue StandardError` → 403;
 * api/v1/posts_controller.rb → 422): it may exist all the same. */
static gboolean
is_ambiguous_refusal (const GError *error)
{
  guint status = gpm_pod_error_get_http_status (error);

  return g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED) && (status == 403 || status == 422);
}

static gboolean
is_transient (const GError *error)
{
  return gpm_pod_error_is_transient (error) || may_have_created (error);
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
  post_event (run, EVENT_AUTH_REQUIRED, NULL, 0, error, 0, NULL);
  return checkpoint (run);
}

/* Sleeps before retry @attempt (0-based) as the pod's retry policy says
 * (gpm_pod_retry_delay_ms()). FALSE when cancelled. */
static gboolean
backoff (Run          *run,
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
  wait_for_seconds_event (run, (gint64) ms * 1000, reason);
  post_event (run, EVENT_RETRYING, NULL, 0, error, (guint) ((ms + 999) / 1000), NULL);
  return wait_until (run, g_get_monotonic_time () + (gint64) ms * 1000);
}

static guint
get_max_retries (GpmMigrator *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->max_retries;
}

/* Stores why the run must stop (first reason wins). */
static void
set_fatal (Run          *run,
           const GError *error)
{
  if (run->fatal == NULL && error != NULL)
    run->fatal = g_error_copy (error);
}

/* What a step does after the pod answered it with an error. */
typedef enum {
  NEXT_GIVE_UP,  /* none of the cases below: the step ends with the error */
  NEXT_RETRY,    /* signed in again, or waited: do the step again */
  NEXT_STOP,     /* cancelled meanwhile, or the run must stop (run->fatal) */
} Next;

/* An ended session waits for a new sign-in; an error no retry can mend
 * (TLS, not a pod, …) stops the run. */
static Next
after_auth_or_fatal (Run          *run,
                     const GError *error)
{
  if (is_auth_error (error))
    return wait_for_auth (run, error) ? NEXT_RETRY : NEXT_STOP;
  if (is_fatal_error (error))
    {
      set_fatal (run, error);
      return NEXT_STOP;
    }
  return NEXT_GIVE_UP;
}

/* The retry policy of every step: a rate limit (at most MAX_RATE_LIMITED
 * times) and a transient error (at most @max_retries times, counted in
 * *@attempt) are waited out with backoff(). */
static Next
after_transient (Run          *run,
                 const GError *error,
                 guint        *attempt,
                 guint        *rate_limited,
                 guint         max_retries)
{
  if (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED) && *rate_limited < MAX_RATE_LIMITED)
    return backoff (run, (*rate_limited)++, error) ? NEXT_RETRY : NEXT_STOP;
  if (is_transient (error) && *attempt < max_retries)
    return backoff (run, (*attempt)++, error) ? NEXT_RETRY : NEXT_STOP;
  return NEXT_GIVE_UP;
}

/* after_auth_or_fatal(), then after_transient(). */
static Next
after_error (Run          *run,
             const GError *error,
             guint        *attempt,
             guint        *rate_limited,
             guint         max_retries)
{
  Next next = after_auth_or_fatal (run, error);

  if (next != NEXT_GIVE_UP)
    return next;
  return after_transient (run, error, attempt, rate_limited, max_retries);
}

typedef enum {
  CHECK_FOUND,
  CHECK_INCOMPLETE,   /* found, but without all of its photos: *out_post is it */
  CHECK_NOT_FOUND,
  CHECK_UNRESOLVED,
  CHECK_STOP,
} CheckResult;

/* A post the pod shows with another number of photos than were sent (the
 * pod dropped photo ids it no longer had) is not the post that was meant. */
static gboolean
has_all_photos (const GpmPodPost *post,
                guint             n_sent)
{
  return post->n_photos < 0 || (guint) post->n_photos == n_sent;
}

/* One look on the pod for look_on_pod(): CHECK_FOUND, CHECK_INCOMPLETE or
 * CHECK_NOT_FOUND, or anything with @error set when the pod could not be
 * asked. */
typedef CheckResult (*LookFunc) (Run      *run,
                                 gpointer  data,
                                 GError  **error);

/* The retry skeleton of every "is it there?" on the pod (a post, a
 * comment): @look between steps (pause and cancel take effect), its time
 * counted as I/O; an error waits for a new sign-in or backs off
 * (after_error()) and looks again. CHECK_UNRESOLVED with the pod's error
 * in @error when it gave up, CHECK_STOP when the run must stop. */
static CheckResult
look_on_pod (Run         *run,
             const char  *what,
             LookFunc     look,
             gpointer     data,
             GError     **error)
{
  guint max_retries = get_max_retries (run->self);
  guint attempt = 0;
  guint rate_limited = 0;

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      CheckResult result;
      Next after;
      gint64 start;

      if (!checkpoint (run))
        return CHECK_STOP;
      start = g_get_monotonic_time ();
      result = look (run, data, &local);
      run->io_usec += g_get_monotonic_time () - start;
      if (local == NULL)
        return result;
      g_debug ("Checking %s on the pod: %s", what, local->message);
      after = after_error (run, local, &attempt, &rate_limited, max_retries);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return CHECK_STOP;
      g_propagate_error (error, g_steal_pointer (&local));
      return CHECK_UNRESOLVED;
    }
}

typedef struct {
  const char  *key;
  const char  *text;
  guint        n_photos;
  gint64       since;
  GpmPodPost **out_post;
} PostLook;

static CheckResult
look_for_post (Run      *run,
               gpointer  data,
               GError  **error)
{
  PostLook *look = data;
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) found = gpm_pod_find_own_posts (self->pod, look->text, look->since - CHECK_SLACK_SECONDS,
                                                       0, NULL, error);

  if (found == NULL)
    return CHECK_UNRESOLVED;
  /* Two source posts may have the very same text: a match another row
   * accounts for is not this one, and of the others the oldest is this
   * attempt's (later ones would be other rows' attempts). */
  for (guint i = found->len; i-- > 0; )
    {
      GpmPodPost *p = g_ptr_array_index (found, i);

      if ((p->guid != NULL && gpm_journal_remote_is_claimed (self->journal, p->guid, look->key)) ||
          (p->id != NULL && gpm_journal_remote_is_claimed (self->journal, p->id, look->key)))
        continue;
      *look->out_post = gpm_pod_post_ref (p);
      return has_all_photos (p, look->n_photos) ? CHECK_FOUND : CHECK_INCOMPLETE;
    }
  return CHECK_NOT_FOUND;
}

/* Is the post with @text and @n_photos photos, attempted at @since (Unix
 * s), on the pod? */
static CheckResult
check_pod (Run         *run,
           const char  *key,
           const char  *text,
           guint        n_photos,
           gint64       since,
           GpmPodPost **out_post,
           GError     **error)
{
  PostLook look = { key, text, n_photos, since, out_post };
  g_autoptr(GError) local = NULL;
  CheckResult result = look_on_pod (run, key, look_for_post, &look, &local);

  if (result == CHECK_UNRESOLVED)
    g_set_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNRESOLVED,
                 _("Could not check on the pod whether an earlier attempt created this post (%s); it will be checked before it is sent again"),
                 local->message);
  return result;
}

/* An answer after which the pod may still be working on the request: it
 * timed out or was cut off, or a proxy gave up waiting (502, 504). */
static gboolean
may_be_late (const GError *error)
{
  guint status = gpm_pod_error_get_http_status (error);

  return g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER) ||
         (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER) && (status == 502 || status == 504));
}

/* check_pod() found nothing right after an answer that may be late (at
 * @answered_usec, real time): a busy pod may save the post minutes later.
 * Looks again at growing intervals until the settle time has passed, so
 * that the post is sent again only when it really is not coming. */
static CheckResult
check_pod_again (Run         *run,
                 const char  *key,
                 const char  *text,
                 guint        n_photos,
                 gint64       since,
                 gint64       answered_usec,
                 GpmPodPost **out_post,
                 GError     **error)
{
  GpmMigrator *self = run->self;
  gint64 settle;
  gint64 offset;

  g_mutex_lock (&self->mutex);
  settle = (gint64) self->settle_ms * 1000;
  g_mutex_unlock (&self->mutex);
  offset = MAX (settle / 16, 1);

  for (;;)
    {
      gint64 now = g_get_real_time ();
      gint64 wait;
      CheckResult result;

      if (now >= answered_usec + settle)
        return CHECK_NOT_FOUND;
      while (answered_usec + offset <= now && offset < settle)
        offset = MIN (offset * 2, settle);
      wait = answered_usec + offset - now;
      wait_for_seconds_event (run, wait, _("Checking again whether the pod saved the post"));
      if (!wait_until (run, g_get_monotonic_time () + wait))
        return CHECK_STOP;
      result = check_pod (run, key, text, n_photos, since, out_post, error);
      if (result != CHECK_NOT_FOUND)
        return result;
      offset = MIN (offset * 2, settle);
    }
}

/* @error by address: in journal_ok(run, f(…, &e), e) the compiler may read
 * e before calling f (argument order is unspecified; GCC does), which lost
 * every journal error. */
static gboolean
journal_ok (Run      *run,
            gboolean  ok,
            GError  **error)
{
  if (!ok)
    {
      set_fatal (run, *error);
      g_clear_error (error);
    }
  return ok;
}

/* Records the end of one post and tells the main context. */
static void
finish_post (Run             *run,
             GpmPost         *post,
             GpmJournalState  state,
             const GError    *error)
{
  if (run->n_left > 0)
    run->n_left--;
  switch (state)
    {
    case GPM_JOURNAL_STATE_POSTED:
      run->n_done++;
      break;
    case GPM_JOURNAL_STATE_SKIPPED:
      run->n_skipped++;
      break;
    default:
      run->n_failed++;
      break;
    }
  if (error != NULL)
    g_debug ("%s: %s: %s", gpm_post_get_entry_name (post), gpm_journal_state_to_string (state), error->message);
  post_event (run, EVENT_POST_FINISHED, post, state, error, 0, NULL);
}

static gboolean
mark_posted (Run        *run,
             GpmPost    *post,
             const char *key,
             GpmPodPost *remote)
{
  GError *error = NULL;
  const char *remote_id = remote->id != NULL ? remote->id : remote->guid;

  if (!journal_ok (run, gpm_journal_set_posted (run->self->journal, key, remote_id, remote->guid, 0, &error), &error))
    return FALSE;
  finish_post (run, post, GPM_JOURNAL_STATE_POSTED, NULL);
  return TRUE;
}

static gboolean
mark_failed (Run          *run,
             GpmPost      *post,
             const char   *key,
             const GError *why)
{
  GError *error = NULL;

  if (!journal_ok (run, gpm_journal_set_failed (run->self->journal, key, why->message, &error), &error))
    return FALSE;
  finish_post (run, post, GPM_JOURNAL_STATE_FAILED, why);
  return TRUE;
}

/* Pacing: at least "delay" seconds after the last post, and no more than
 * "max-per-day" posts in any 24 hours. FALSE when cancelled. */
static gboolean
wait_for_turn (Run *run)
{
  GpmMigrator *self = run->self;

  for (;;)
    {
      gint64 now = g_get_real_time ();
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

      if (delay > 0 && run->last_post_usec > 0 && now < run->last_post_usec + (gint64) delay * G_USEC_PER_SEC)
        {
          gint64 wait = run->last_post_usec + (gint64) delay * G_USEC_PER_SEC - now;
          g_autofree char *reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Waiting %u second between posts",
                                                                                    "Waiting %u seconds between posts", delay),
                                                                       delay);

          wait_for_seconds_event (run, wait, reason);
          if (!wait_until (run, g_get_monotonic_time () + wait))
            return FALSE;
          continue;
        }
      if (cap > 0)
        {
          gint64 window = now / G_USEC_PER_SEC - 24 * 3600;
          guint n = gpm_journal_count_posted_since (self->journal, window);

          if (n >= cap)
            {
              gint64 oldest = gpm_journal_oldest_posted_since (self->journal, window);
              gint64 wait = MAX ((oldest + 24 * 3600 + 1) * G_USEC_PER_SEC - now, G_USEC_PER_SEC);
              g_autofree char *reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Daily limit of %u post reached",
                                                                                        "Daily limit of %u posts reached", cap),
                                                                           cap);

              wait_for_seconds_event (run, wait, reason);
              if (!wait_until (run, g_get_monotonic_time () + wait))
                return FALSE;
              continue;
            }
        }
      return TRUE;
    }
}

typedef enum {
  REPAIR_DONE,         /* the incomplete copy is gone from the pod */
  REPAIR_UNRESOLVED,   /* could not delete it now: the row stays ATTEMPTING with it */
  REPAIR_STOP,
} RepairResult;

/* Deletes the incomplete copy @guid the journal recorded for @key. */
static RepairResult
delete_incomplete (Run         *run,
                   const char  *key,
                   const char  *guid,
                   GError     **error)
{
  GpmMigrator *self = run->self;
  guint max_retries = get_max_retries (self);
  Next after;
  guint attempt = 0;
  guint rate_limited = 0;

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      GError *jerror = NULL;
      gboolean deleted;
      gint64 start;

      if (!checkpoint (run))
        return REPAIR_STOP;
      start = g_get_monotonic_time ();
      deleted = gpm_pod_delete_post (self->pod, guid, NULL, &local);
      run->io_usec += g_get_monotonic_time () - start;
      if (deleted)
        return journal_ok (run, gpm_journal_clear_incomplete (self->journal, key, &jerror), &jerror)
               ? REPAIR_DONE : REPAIR_STOP;
      g_debug ("Deleting the incomplete copy %s of %s: %s", guid, key, local->message);
      after = after_error (run, local, &attempt, &rate_limited, max_retries);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return REPAIR_STOP;
      g_set_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNRESOLVED,
                   _("The pod kept this post without all of its photos, and deleting that copy failed (%s); "
                     "it will be deleted before the post is sent again"),
                   local->message);
      return REPAIR_UNRESOLVED;
    }
}

/* The pod stored @key's post as @remote but without all of its photos:
 * record that copy, then delete it. Journaled first, so that a process
 * killed at any point deletes it on the next run and ends with one
 * complete copy. */
static RepairResult
repair_post (Run         *run,
             const char  *key,
             GpmPodPost  *remote,
             guint        n_sent,
             GError     **error)
{
  GError *jerror = NULL;

  g_message (_("%s: the pod kept the post with %d of its %u photos; deleting it to send it again with all of them"),
             key, remote->n_photos, n_sent);
  if (!journal_ok (run, gpm_journal_set_incomplete (run->self->journal, key,
                                                    remote->id != NULL ? remote->id : remote->guid,
                                                    remote->guid, &jerror), &jerror))
    return REPAIR_STOP;
  return delete_incomplete (run, key, remote->guid, error);
}

typedef enum {
  PHOTOS_OK,
  PHOTOS_FAILED,   /* the post is marked failed */
  PHOTOS_STOP,
} PhotosResult;

/* Replaces *@upload with @original shrunk to @max_side pixels (JPEG, upright).
 * FALSE, leaving it as it was, when @original is no image GdkPixbuf reads. */
static gboolean
shrink_photo (Run         *run,
              const char  *photo,
              GBytes      *original,
              guint        max_side,
              GBytes     **upload,
              char       **upload_name,
              guint       *side)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) shrunk = NULL;
  g_autofree char *name = NULL;
  gint64 start = g_get_monotonic_time ();
  guint long_side = 0;

  shrunk = gpm_photo_shrink (original, max_side, &long_side, &error);
  run->io_usec += g_get_monotonic_time () - start;
  if (shrunk == NULL)
    {
      g_debug ("Shrinking %s: %s", photo, error->message);
      return FALSE;
    }
  g_debug ("%s: %" G_GSIZE_FORMAT " bytes, shrunk to %u pixels: %" G_GSIZE_FORMAT " bytes",
           photo, g_bytes_get_size (original), long_side, g_bytes_get_size (shrunk));
  name = g_path_get_basename (photo);
  g_free (*upload_name);
  *upload_name = gpm_photo_jpeg_name (name);
  g_bytes_unref (*upload);
  *upload = g_steal_pointer (&shrunk);
  *side = long_side;
  return TRUE;
}

/* Uploads every photo of @item afresh, right before its post request, and
 * records their ids (the set the next attempt sends). Ids from an earlier
 * attempt are never reused: the pod may have destroyed them as pending
 * (daily cleanup), or a post that may exist may hold them (diaspora's web
 * path would move them from it). */
static PhotosResult
upload_photos (Run             *run,
               GpmMigratorItem *item,
               GPtrArray       *ids)
{
  GpmMigrator *self = run->self;
  guint max_retries = get_max_retries (self);
  Next after;
  GError *jerror = NULL;

  g_ptr_array_set_size (ids, 0);
  if (item->photos->len == 0)
    return PHOTOS_OK;
  if (!checkpoint (run))
    return PHOTOS_STOP;
  if (!journal_ok (run, gpm_journal_set_uploading (self->journal, item->key, &jerror), &jerror) ||
      !journal_ok (run, gpm_journal_clear_photos (self->journal, item->key, &jerror), &jerror))
    return PHOTOS_STOP;
  for (guint i = 0; i < item->photos->len; i++)
    {
      const char *photo = g_ptr_array_index (item->photos, i);
      g_autofree char *id = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *basename = NULL;
      g_autofree char *content_type = NULL;
      g_autofree char *mime = NULL;
      g_autoptr(GBytes) upload = NULL;     /* what is sent: @bytes, or @bytes shrunk */
      g_autofree char *upload_name = NULL;
      guint side = 0;                      /* long side of a shrunk @upload; 0: the original */
      guint attempt = 0;
      guint rate_limited = 0;
      guint internal_errors = 0;
      gint64 start;

      if (!checkpoint (run))
        return PHOTOS_STOP;

      start = g_get_monotonic_time ();
      bytes = self->read_func != NULL ? self->read_func (item->post, photo, self->read_data, &error) : NULL;
      run->io_usec += g_get_monotonic_time () - start;
      if (bytes == NULL)
        {
          g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                               _("Could not read the photo %s: %s"), photo,
                                               error != NULL ? error->message : _("no way to read photos"));
          return mark_failed (run, item->post, item->key, why) ? PHOTOS_FAILED : PHOTOS_STOP;
        }
      basename = g_path_get_basename (photo);
      content_type = g_content_type_guess (basename, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
      mime = g_content_type_get_mime_type (content_type);
      upload = g_bytes_ref (bytes);
      upload_name = g_strdup (basename);
      /* What diaspora's own web client does (post_photo_uploader.es6). */
      if (g_bytes_get_size (bytes) > GPM_PHOTO_RESIZE_LIMIT)
        shrink_photo (run, photo, bytes, GPM_PHOTO_RESIZE_MAX_SIDE, &upload, &upload_name, &side);

      for (;;)
        {
          g_clear_error (&error);
          start = g_get_monotonic_time ();
          id = gpm_pod_upload_photo (self->pod, upload, upload_name,
                                     side > 0 ? "image/jpeg" : mime != NULL ? mime : "application/octet-stream",
                                     NULL, &error);
          run->io_usec += g_get_monotonic_time () - start;
          if (id != NULL)
            break;
          g_debug ("Uploading %s: %s", photo, error->message);
          after = after_auth_or_fatal (run, error);
          if (after == NEXT_RETRY)
            continue;
          if (after == NEXT_STOP)
            return PHOTOS_STOP;
          /* 413: over the body limit of the pod's proxy. Smaller, and again. */
          if (gpm_pod_error_get_http_status (error) == 413)
            {
              guint current = side > 0 ? side : gpm_photo_get_long_side (bytes);
              guint next = current * PHOTO_SHRINK_NUM / PHOTO_SHRINK_DEN;

              if (current > 0 && next >= PHOTO_MIN_SIDE &&
                  shrink_photo (run, photo, bytes, next, &upload, &upload_name, &side))
                continue;
              {
                g_autoptr(GError) why = NULL;
                g_autofree char *size = g_format_size (g_bytes_get_size (upload));

                if (current == 0)
                  why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                     _("The photo %s is larger than the pod accepts (%s) and could not be shrunk; "
                                       "the post was not sent"),
                                     photo, size);
                else
                  why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                     _("The photo %s is larger than the pod accepts, even shrunk to %u pixels (%s); "
                                       "the post was not sent"),
                                     photo, current, size);
                return mark_failed (run, item->post, item->key, why) ? PHOTOS_FAILED : PHOTOS_STOP;
              }
            }
          /* diaspora's web upload answers 500 for an image its processing
           * cannot read (photos_controller.rb rescues only some errors):
           * the same bytes get the same answer. One more try for a passing
           * hiccup, then the photo fails, by name. */
          if (gpm_pod_error_get_http_status (error) == 500)
            {
              if (internal_errors++ < MAX_PHOTO_INTERNAL_ERRORS)
                {
                  if (!backoff (run, 0, error))
                    return PHOTOS_STOP;
                  continue;
                }
              {
                g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                                     _("The pod could not process the photo %s (error 500 on %u tries): "
                                                       "it may be damaged or in a format the pod does not take. "
                                                       "The post was not sent"),
                                                     photo, internal_errors);
                return mark_failed (run, item->post, item->key, why) ? PHOTOS_FAILED : PHOTOS_STOP;
              }
            }
          after = after_transient (run, error, &attempt, &rate_limited, max_retries);
          if (after == NEXT_RETRY)
            continue;
          if (after == NEXT_STOP)
            return PHOTOS_STOP;
          {
            g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR,
                                                 is_transient (error) ? GPM_MIGRATOR_ERROR_GAVE_UP : GPM_MIGRATOR_ERROR_PHOTO,
                                                 _("Could not upload the photo %s: %s"), photo, error->message);
            return mark_failed (run, item->post, item->key, why) ? PHOTOS_FAILED : PHOTOS_STOP;
          }
        }

      if (!journal_ok (run, gpm_journal_add_photo (self->journal, item->key, i, photo, id, &jerror), &jerror))
        return PHOTOS_STOP;
      g_ptr_array_add (ids, g_steal_pointer (&id));
    }
  return PHOTOS_OK;
}

static GpmPodDraft *
make_draft (Run             *run,
            GpmMigratorItem *item,
            GPtrArray       *photo_ids)
{
  GpmPodDraft *draft = gpm_pod_draft_new (item->text);
  const GpmLocation *location = gpm_convert_pod_location (item->post, run->self->convert_settings, NULL);

  draft->is_public = item->is_public;
  if (!item->is_public && item->all_aspects)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, run->aspect_ids);
      while (g_hash_table_iter_next (&iter, NULL, &id))
        g_array_append_val (draft->aspect_ids, *(gint64 *) id);
    }
  else if (!item->is_public)
    for (guint i = 0; i < item->aspects->len; i++)
      {
        gint64 *id = g_hash_table_lookup (run->aspect_ids, g_ptr_array_index (item->aspects, i));

        g_assert (id != NULL);
        g_array_append_val (draft->aspect_ids, *id);
      }
  for (guint i = 0; i < photo_ids->len; i++)
    g_ptr_array_add (draft->photo_ids, g_strdup (g_ptr_array_index (photo_ids, i)));
  if (item->poll_question != NULL)
    {
      draft->poll_question = g_strdup (item->poll_question);
      for (guint i = 0; i < item->poll_answers->len; i++)
        g_ptr_array_add (draft->poll_answers, g_strdup (g_ptr_array_index (item->poll_answers, i)));
    }
  if (item->location != NULL)
    {
      draft->location_address = g_strdup (item->location);
      if (location != NULL && location->has_coordinates)
        {
          draft->has_coordinates = TRUE;
          draft->latitude = location->latitude;
          draft->longitude = location->longitude;
        }
    }
  return draft;
}

/* The photos recorded for @key's last attempt: how many it sent. */
static guint
count_recorded_photos (Run        *run,
                       const char *key)
{
  g_autoptr(GPtrArray) ids = gpm_journal_get_photos (run->self->journal, key);

  return ids != NULL ? ids->len : 0;
}

/* When @entry's last post request was sent (Unix s): journals from before
 * attempted_at have it as updated_at (gpm-journal.c). */
static gint64
attempt_time_of (const GpmJournalEntry *entry)
{
  return entry->attempted_at > 0 ? entry->attempted_at : entry->updated_at;
}

/* One post, start to end. FALSE: stop the run (cancelled, or run->fatal). */
static gboolean
process_post (Run     *run,
              GpmPost *post)
{
  GpmMigrator *self = run->self;
  const char *key = gpm_journal_post_key (post);
  g_autoptr(GpmJournalEntry) entry = NULL;
  g_autoptr(GpmMigratorItem) item = NULL;
  g_autoptr(GPtrArray) photo_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GpmPodDraft) draft = NULL;
  GError *jerror = NULL;
  guint max_retries = get_max_retries (self);
  Next after;
  guint attempt = 0;
  guint rate_limited = 0;
  guint repairs = 0;
  guint refusals = 0;
  gboolean refused_once = FALSE;
  gint64 photos_at = 0;   /* monotonic time of the upload of photo_ids; 0: none usable */
  gint64 start = g_get_monotonic_time ();
  gint64 wait_start = run->wait_usec;
  gint64 io_start = run->io_usec;

  entry = gpm_journal_lookup (self->journal, key, &jerror);
  if (!journal_ok (run, entry != NULL, &jerror))
    return FALSE;
  if (entry->state == GPM_JOURNAL_STATE_POSTED)
    {
      /* Found on the pod while resolving the attempts left by an earlier run. */
      run->n_done++;
      run->n_left--;
      post_event (run, EVENT_PROGRESS, NULL, 0, NULL, 0, NULL);
      return TRUE;
    }

  post_event (run, EVENT_POST_STARTED, post, 0, NULL, 0, NULL);

  if (entry->state == GPM_JOURNAL_STATE_SKIPPED && entry->by_user)
    {
      g_autoptr(GError) why = g_error_new_literal (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_BY_USER,
                                                   entry->reason != NULL ? entry->reason : _("Skipped by you"));

      finish_post (run, post, GPM_JOURNAL_STATE_SKIPPED, why);
      return TRUE;
    }

  /* An incomplete copy an earlier run left on the pod: take it back first. */
  if (entry->state == GPM_JOURNAL_STATE_ATTEMPTING && entry->guid != NULL)
    {
      g_autoptr(GError) error = NULL;

      switch (delete_incomplete (run, key, entry->guid, &error))
        {
        case REPAIR_DONE:
          break;
        case REPAIR_UNRESOLVED:
          finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, error);
          return TRUE;
        case REPAIR_STOP:
        default:
          return FALSE;
        }
    }

  /* A previous attempt whose outcome nobody saw: look before anything else. */
  if (entry->state == GPM_JOURNAL_STATE_ATTEMPTING && entry->text != NULL)
    {
      g_autoptr(GpmPodPost) found = NULL;
      g_autoptr(GError) error = NULL;
      guint n_sent = count_recorded_photos (run, key);
      gint64 attempted_at = attempt_time_of (entry);
      CheckResult result = check_pod (run, key, entry->text, n_sent, attempted_at, &found, &error);

      /* Its answer never came (a kill or a crash in the middle of the
       * request, a timeout, a cut connection, 502/504 before a quit): a
       * busy pod may still save the post, so it stays uncertain until the
       * settle time has passed since the attempt, as within a run (an
       * attempt long past gets the one look above). An attempt the pod
       * answered (a 503, a refusal) is sent again without waiting. */
      if (result == CHECK_NOT_FOUND && entry->late)
        result = check_pod_again (run, key, entry->text, n_sent, attempted_at,
                                  attempted_at * G_USEC_PER_SEC, &found, &error);
      switch (result)
        {
        case CHECK_FOUND:
          return mark_posted (run, post, key, found);
        case CHECK_INCOMPLETE:
          switch (repair_post (run, key, found, n_sent, &error))
            {
            case REPAIR_DONE:
              break;
            case REPAIR_UNRESOLVED:
              finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, error);
              return TRUE;
            case REPAIR_STOP:
            default:
              return FALSE;
            }
          break;
        case CHECK_NOT_FOUND:
          break;
        case CHECK_UNRESOLVED:
          finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, error);
          return TRUE;
        case CHECK_STOP:
        default:
          return FALSE;
        }
    }

  item = make_item (self, post, run->plan, entry->state);
  if (item->skip != NULL)
    {
      if (entry->state == GPM_JOURNAL_STATE_ATTEMPTING &&
          !journal_ok (run, gpm_journal_set_failed (self->journal, key, item->skip->message, &jerror), &jerror))
        return FALSE;
      if (!journal_ok (run, gpm_journal_set_skipped (self->journal, key, item->skip->message, &jerror), &jerror))
        return FALSE;
      finish_post (run, post, GPM_JOURNAL_STATE_SKIPPED, item->skip);
      return TRUE;
    }
  if (item->error != NULL)
    return mark_failed (run, post, key, item->error);
  if ((entry->state == GPM_JOURNAL_STATE_FAILED || entry->state == GPM_JOURNAL_STATE_SKIPPED) &&
      !journal_ok (run, gpm_journal_set_pending (self->journal, key, &jerror), &jerror))
    return FALSE;

  {
    gboolean turn, new_plan;

    run->wait_for_plan = TRUE;
    turn = wait_for_turn (run);
    run->wait_for_plan = FALSE;
    if (!turn)
      return FALSE;
    g_mutex_lock (&self->mutex);
    new_plan = self->next_plan != NULL;
    g_mutex_unlock (&self->mutex);
    /* The plan changed while this post waited its turn: nothing was sent
     * for it yet, the new plan's queue decides whether it goes */
    if (new_plan)
      {
        g_hash_table_remove (run->handled, key);
        return TRUE;
      }
  }

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPodPost) created = NULL;
      gint64 attempt_time;
      gint64 answered_usec;
      CheckResult checked;
      gint64 io;

      if (!checkpoint (run))
        return FALSE;
      /* Photos right before the post request: uploaded for this attempt,
       * or for an earlier one of this run that surely created nothing and
       * is recent enough for the pod to still hold them. */
      if (draft == NULL || photos_at == 0 || g_get_monotonic_time () - photos_at > PHOTO_MAX_AGE_USEC)
        {
          if (item->photos->len > 0 || draft == NULL)
            {
              switch (upload_photos (run, item, photo_ids))
                {
                case PHOTOS_OK:
                  break;
                case PHOTOS_FAILED:
                  return TRUE;
                case PHOTOS_STOP:
                default:
                  return FALSE;
                }
              g_clear_pointer (&draft, gpm_pod_draft_free);
              draft = make_draft (run, item, photo_ids);
            }
          photos_at = g_get_monotonic_time ();
          /* a step of its own: pause and cancel take effect here too */
          if (!checkpoint (run))
            return FALSE;
        }

      if (!journal_ok (run, gpm_journal_set_attempting (self->journal, key, item->text, item->visibility, &jerror), &jerror))
        return FALSE;
      attempt_time = g_get_real_time () / G_USEC_PER_SEC;
      io = g_get_monotonic_time ();
      created = gpm_pod_create_post (self->pod, draft, NULL, &error);
      run->io_usec += g_get_monotonic_time () - io;
      answered_usec = g_get_real_time ();

      if (created != NULL && created->guid != NULL && !has_all_photos (created, photo_ids->len))
        {
          g_autoptr(GError) repair_error = NULL;

          /* Saved, but some photo ids were no longer on the pod: those
           * photos are gone, the copy is taken back, and the post goes
           * again with fresh uploads. */
          photos_at = 0;
          switch (repair_post (run, key, created, photo_ids->len, &repair_error))
            {
            case REPAIR_DONE:
              break;
            case REPAIR_UNRESOLVED:
              finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, repair_error);
              return TRUE;
            case REPAIR_STOP:
            default:
              return FALSE;
            }
          if (repairs++ < MAX_REPAIRS)
            continue;
          {
            g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                                 _("The pod kept the post without all of its photos %u times; "
                                                   "it was taken back each time and is not on the pod"),
                                                 repairs);
            return mark_failed (run, post, key, why);
          }
        }
      if (created != NULL && created->guid != NULL)
        {
          run->last_post_usec = g_get_real_time ();
          if (!mark_posted (run, post, key, created))
            return FALSE;
          g_mutex_lock (&self->mutex);
          self->n_sent++;
          self->busy_usec += (g_get_monotonic_time () - start) - (run->wait_usec - wait_start);
          self->io_usec += run->io_usec - io_start;
          g_mutex_unlock (&self->mutex);
          run->n_sent++;
          run->sent_busy_usec += g_get_monotonic_time () - start;
          return TRUE;
        }
      if (created != NULL)
        g_set_error (&error, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL, _("The pod answered without the new post’s guid"));

      g_debug ("Posting %s: %s", key, error->message);
      /* The pod is done with this request: whatever it saved can be seen
       * now, so a restart need not wait for a late save. Without an answer
       * (or with a proxy's 502/504) the row stays "late". */
      if (!may_be_late (error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !journal_ok (run, gpm_journal_set_answered (self->journal, key, error->message, &jerror), &jerror))
        return FALSE;
      after = after_auth_or_fatal (run, error);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return FALSE;
      if (may_have_created (error) || is_ambiguous_refusal (error))
        {
          g_autoptr(GpmPodPost) found = NULL;
          g_autoptr(GError) check_error = NULL;
          gboolean refused = is_ambiguous_refusal (error);

          /* These photo ids may now belong to a post on the pod (and after
           * a refusal they may be why: the API refuses ids that are gone). */
          photos_at = 0;
          /* Give the pod time to finish what it may be doing, then look. */
          if (!backoff (run, attempt, error))
            return FALSE;
          checked = check_pod (run, key, item->text, photo_ids->len, attempt_time, &found, &check_error);
          if (checked == CHECK_NOT_FOUND && may_be_late (error))
            checked = check_pod_again (run, key, item->text, photo_ids->len, attempt_time, answered_usec,
                                       &found, &check_error);
          switch (checked)
            {
            case CHECK_FOUND:
              run->last_post_usec = g_get_real_time ();
              return mark_posted (run, post, key, found);
            case CHECK_INCOMPLETE:
              switch (repair_post (run, key, found, photo_ids->len, &check_error))
                {
                case REPAIR_DONE:
                  break;
                case REPAIR_UNRESOLVED:
                  finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, check_error);
                  return TRUE;
                case REPAIR_STOP:
                default:
                  return FALSE;
                }
              G_GNUC_FALLTHROUGH;
            case CHECK_NOT_FOUND:
              if (refused)
                {
                  /* Not there: the pod may really have refused it; try
                   * again with fresh photos a few times, then believe it. */
                  if (refusals++ < MAX_AMBIGUOUS_REFUSALS)
                    continue;
                  return mark_failed (run, post, key, error);
                }
              if (attempt++ < max_retries)
                continue;
              {
                g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_GAVE_UP,
                                                     _("Gave up after %u attempts: %s"), attempt, error->message);
                return mark_failed (run, post, key, why);
              }
            case CHECK_UNRESOLVED:
              finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, check_error);
              return TRUE;
            case CHECK_STOP:
            default:
              return FALSE;
            }
        }
      after = after_transient (run, error, &attempt, &rate_limited, max_retries);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return FALSE;
      if (is_transient (error))
        {
          g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_GAVE_UP,
                                               _("Gave up after %u attempts: %s"), attempt + 1, error->message);
          return mark_failed (run, post, key, why);
        }
      /* An answer for a post the pod did not save ("id": null): nothing was
       * stored, so one more try cannot double it; a second such answer is
       * the pod's verdict. */
      if (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TEXT_TOO_LONG) && !refused_once)
        {
          refused_once = TRUE;
          if (!backoff (run, 0, error))
            return FALSE;
          continue;
        }
      return mark_failed (run, post, key, error);
    }
}

/* ---------------------------------------------- the user's own comments */

/* Normalised for comparing with what the pod stored (Comment#text= strips). */
static char *
comment_key (const char *text)
{
  char *key = g_strdup (text);

  return g_strstrip (key);
}

typedef struct {
  const char  *key;
  const char  *post_guid;
  const char  *wanted;     /* comment_key() of the text */
  char       **out_guid;
} CommentLook;

static CheckResult
look_for_comment (Run      *run,
                  gpointer  data,
                  GError  **error)
{
  CommentLook *look = data;
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) on_pod = gpm_pod_list_own_comments (self->pod, look->post_guid, NULL, error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) claimed = NULL;

  if (on_pod == NULL)
    return CHECK_UNRESOLVED;
  rows = gpm_journal_list_comments (self->journal, look->key);
  claimed = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < rows->len; i++)
    {
      GpmJournalComment *row = g_ptr_array_index (rows, i);
      if (row->state == GPM_JOURNAL_STATE_POSTED && row->remote_id != NULL)
        g_hash_table_add (claimed, row->remote_id);
    }
  for (guint i = 0; i < on_pod->len; i++)
    {
      GpmPodPost *c = g_ptr_array_index (on_pod, i);
      g_autofree char *have = comment_key (c->text ? c->text : "");

      if (strcmp (have, look->wanted) == 0 && !g_hash_table_contains (claimed, c->guid))
        {
          *look->out_guid = g_strdup (c->guid);
          return CHECK_FOUND;
        }
    }
  return CHECK_NOT_FOUND;
}

/* Is the comment with @text, maybe sent before, under @post_guid on the
 * pod? It is when the pod has more of the account's comments with that text
 * than the journal records as posted for the post. */
static CheckResult
check_comment (Run         *run,
               const char  *key,
               const char  *post_guid,
               const char  *text,
               char       **out_guid,
               GError     **error)
{
  g_autofree char *wanted = comment_key (text);
  CommentLook look = { key, post_guid, wanted, out_guid };
  g_autoptr(GError) local = NULL;
  CheckResult result = look_on_pod (run, key, look_for_comment, &look, &local);

  if (result == CHECK_UNRESOLVED)
    g_set_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNRESOLVED,
                 _("Could not check on the pod whether an earlier attempt created this comment (%s); it will be checked before it is sent again"),
                 local->message);
  return result;
}

typedef enum {
  COMMENT_POSTED,
  COMMENT_FAILED,      /* given up (journaled FAILED) */
  COMMENT_UNRESOLVED,  /* left ATTEMPTING for the next run */
  COMMENT_STOP,
} CommentResult;

static CommentResult
send_comment (Run        *run,
              const char *key,
              const char *post_guid,
              guint       index,
              const char *text)
{
  GpmMigrator *self = run->self;
  guint max_retries = get_max_retries (self);
  Next after;
  guint attempt = 0;
  guint rate_limited = 0;
  GError *jerror = NULL;

  if (!wait_for_turn (run))
    return COMMENT_STOP;
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPodPost) created = NULL;
      g_autofree char *found = NULL;
      g_autoptr(GError) check_error = NULL;
      gint64 io;

      if (!checkpoint (run))
        return COMMENT_STOP;
      if (!journal_ok (run, gpm_journal_set_comment_attempting (self->journal, key, index, text, &jerror), &jerror))
        return COMMENT_STOP;
      io = g_get_monotonic_time ();
      created = gpm_pod_create_comment (self->pod, post_guid, text, NULL, &error);
      run->io_usec += g_get_monotonic_time () - io;
      if (created != NULL)
        {
          run->last_post_usec = g_get_real_time ();
          if (!journal_ok (run, gpm_journal_set_comment_posted (self->journal, key, index, created->guid, &jerror), &jerror))
            return COMMENT_STOP;
          return COMMENT_POSTED;
        }
      g_debug ("Comment %u of %s: %s", index, key, error->message);
      after = after_auth_or_fatal (run, error);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return COMMENT_STOP;
      if (may_have_created (error))
        {
          if (!backoff (run, attempt, error))
            return COMMENT_STOP;
          switch (check_comment (run, key, post_guid, text, &found, &check_error))
            {
            case CHECK_FOUND:
              run->last_post_usec = g_get_real_time ();
              if (!journal_ok (run, gpm_journal_set_comment_posted (self->journal, key, index, found, &jerror), &jerror))
                return COMMENT_STOP;
              return COMMENT_POSTED;
            case CHECK_NOT_FOUND:
              if (attempt++ < max_retries)
                continue;
              break;
            case CHECK_UNRESOLVED:
              g_message ("%s: %s", key, check_error->message);
              return COMMENT_UNRESOLVED;
            case CHECK_STOP:
            default:
              return COMMENT_STOP;
            }
        }
      else
        {
          after = after_transient (run, error, &attempt, &rate_limited, max_retries);
          if (after == NEXT_RETRY)
            continue;
          if (after == NEXT_STOP)
            return COMMENT_STOP;
        }
      g_message ("%s: comment %u not posted: %s", key, index + 1, error->message);
      if (!journal_ok (run, gpm_journal_set_comment_failed (self->journal, key, index, error->message, &jerror), &jerror))
        return COMMENT_STOP;
      return COMMENT_FAILED;
    }
}

/* The parts after the first of @post's text when it is over diaspora*'s
 * limit (converted again: the text is not kept), else none. char*. */
static GPtrArray *
continuation_of (GpmMigrator *self,
                 GpmPost     *post)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  g_auto(GStrv) split = NULL;

  if (self->convert_func == NULL)
    return parts;
  text = self->convert_func (post, photos, self->convert_data, NULL);
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return parts;
  split = gpm_long_post_split (text, GPM_DIASPORA_MAX_TEXT_CHARS);
  for (guint i = 1; split[i] != NULL; i++)
    g_ptr_array_add (parts, g_strdup (split[i]));
  return parts;
}

/* After @post is on the pod: its own comments, each exactly once. FALSE:
 * stop the run (cancelled, or run->fatal). */
static gboolean
post_own_comments (Run     *run,
                   GpmPost *post)
{
  GpmMigrator *self = run->self;
  const char *key = gpm_journal_post_key (post);
  g_autoptr(GpmJournalEntry) entry = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  GError *jerror = NULL;

  if (run->fatal != NULL)
    return FALSE;
  entry = gpm_journal_lookup (self->journal, key, NULL);
  if (entry == NULL || entry->state != GPM_JOURNAL_STATE_POSTED || entry->guid == NULL ||
      (self->comments_func == NULL && !gpm_long_post_may_be_first (entry->text, GPM_DIASPORA_MAX_TEXT_CHARS)) ||
      gpm_journal_comments_done (self->journal, key))
    return TRUE;

  /* A post over the limit goes on in the first comments (in order, under
   * the same journal rows by index), then come the user's own. */
  texts = continuation_of (self, post);
  if (self->comments_func != NULL)
    {
      g_autoptr(GPtrArray) own = self->comments_func (post, self->comments_data, &error);

      if (own == NULL)
        {
          g_message ("%s: the comments could not be read: %s", gpm_post_get_entry_name (post), error->message);
          return TRUE;
        }
      for (guint i = 0; i < own->len; i++)
        g_ptr_array_add (texts, g_strdup (g_ptr_array_index (own, i)));
    }
  if (texts->len == 0 && self->comments_func == NULL)
    return TRUE;
  rows = gpm_journal_list_comments (self->journal, key);
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      GpmJournalComment *row = NULL;

      for (guint r = 0; r < rows->len; r++)
        if (((GpmJournalComment *) g_ptr_array_index (rows, r))->index == i)
          row = g_ptr_array_index (rows, r);
      if (row != NULL && (row->state == GPM_JOURNAL_STATE_POSTED || row->state == GPM_JOURNAL_STATE_FAILED))
        continue;
      if (row != NULL && row->state == GPM_JOURNAL_STATE_ATTEMPTING && row->text != NULL)
        {
          /* sent before, answer lost (a kill, a fault): look first */
          g_autofree char *found = NULL;
          g_autoptr(GError) check_error = NULL;

          switch (check_comment (run, key, entry->guid, row->text, &found, &check_error))
            {
            case CHECK_FOUND:
              if (!journal_ok (run, gpm_journal_set_comment_posted (self->journal, key, i, found, &jerror), &jerror))
                return FALSE;
              continue;
            case CHECK_NOT_FOUND:
              break;
            case CHECK_UNRESOLVED:
              g_message ("%s: %s", gpm_post_get_entry_name (post), check_error->message);
              return TRUE;
            case CHECK_STOP:
            default:
              return FALSE;
            }
        }
      switch (send_comment (run, key, entry->guid, i, text))
        {
        case COMMENT_POSTED:
        case COMMENT_FAILED:
          break;
        case COMMENT_UNRESOLVED:
          /* the rest wait for this one (their order), till the next run */
          return TRUE;
        case COMMENT_STOP:
        default:
          return FALSE;
        }
    }
  /* every one posted or given up: later runs need not read the post again */
  return journal_ok (run, gpm_journal_set_comments_done (self->journal, key, &jerror), &jerror);
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
  guint max_retries = get_max_retries (self);

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

      if (!checkpoint (run))
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
      if (is_transient (error) && !is_fatal_error (error) && attempt < max_retries)
        {
          if (!backoff (run, attempt++, error))
            return FALSE;
          continue;
        }
      set_fatal (run, error);
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

/* Attempts left by a process that died: resolve them first, selected or not. */
static gboolean
resolve_attempts (Run *run)
{
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  entries = gpm_journal_list (self->journal, &error);
  if (!journal_ok (run, entries != NULL, &error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      GpmJournalEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GpmPodPost) found = NULL;
      g_autoptr(GError) check_error = NULL;

      if (entry->state != GPM_JOURNAL_STATE_ATTEMPTING || entry->text == NULL)
        continue;
      /* An incomplete copy waiting to be deleted: its post deletes it when it comes up. */
      if (entry->guid != NULL)
        continue;
      switch (check_pod (run, entry->key, entry->text, count_recorded_photos (run, entry->key),
                         attempt_time_of (entry), &found, &check_error))
        {
        case CHECK_INCOMPLETE:
          switch (repair_post (run, entry->key, found, count_recorded_photos (run, entry->key), &check_error))
            {
            case REPAIR_DONE:
              break;
            case REPAIR_UNRESOLVED:
              g_message ("%s: %s", entry->entry_name, check_error->message);
              break;
            case REPAIR_STOP:
            default:
              return FALSE;
            }
          break;
        case CHECK_FOUND:
          g_debug ("%s was created by an earlier attempt", entry->key);
          if (!journal_ok (run, gpm_journal_set_posted (self->journal, entry->key,
                                                        found->id != NULL ? found->id : found->guid,
                                                        found->guid, 0, &error), &error))
            return FALSE;
          break;
        case CHECK_NOT_FOUND:
          /* Not there: the row stays ATTEMPTING until its post comes up;
           * its check then looks again, and for an attempt whose answer
           * never came keeps looking until the settle time has passed
           * (process_post()): one look each here, not a wait per row. */
          break;
        case CHECK_UNRESOLVED:
          g_message ("%s: %s", entry->entry_name, check_error->message);
          break;
        case CHECK_STOP:
        default:
          return FALSE;
        }
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
  g_autoptr(GPtrArray) posts = NULL;
  GError *error = NULL;
  GPtrArray *next;

  g_mutex_lock (&self->mutex);
  plan = g_steal_pointer (&self->next_plan);
  posts = g_steal_pointer (&self->next_posts);
  g_mutex_unlock (&self->mutex);
  if (plan == NULL)
    return FALSE;

  g_set_object (&run->plan, plan);
  if (!journal_ok (run, gpm_journal_ensure_posts (self->journal, posts, &error), &error) ||
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
  post_event (run, EVENT_PLAN_APPLIED, NULL, 0, NULL, 0, NULL);
  return TRUE;
}

static gpointer
worker (gpointer data)
{
  Run *run = data;
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  g_autoptr(GPtrArray) comments_left = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *guid = NULL;
  gboolean ok = TRUE;

  guid = gpm_pod_dup_user_guid (self->pod);
  if (!gpm_journal_lock (self->journal, &error) ||
      !gpm_journal_bind_account (self->journal, guid, NULL, &error) ||
      !gpm_journal_ensure_posts (self->journal, run->posts, &error))
    {
      set_fatal (run, error);
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
                    (posted != NULL && gpm_long_post_may_be_first (posted->text, GPM_DIASPORA_MAX_TEXT_CHARS)))
                  g_ptr_array_add (comments_left, post);
              }
          }
        else
          g_ptr_array_add (queue, post);
      }
  run->n_total = run->posts->len;
  run->n_left = queue->len;
  post_event (run, EVENT_PROGRESS, NULL, 0, NULL, 0, NULL);

  ok = ok && resolve_aspects (run) && resolve_attempts (run);
  for (guint i = 0; ok && i < comments_left->len; i++)
    ok = checkpoint (run) && post_own_comments (run, g_ptr_array_index (comments_left, i));
  for (guint i = 0; ok; i++)
    {
      GpmPost *post;

      ok = checkpoint (run);
      /* A plan changed during the run: its posts from now on */
      if (ok && take_next_plan (run, &queue, &ok))
        i = 0;
      if (!ok || i >= queue->len)
        break;
      post = g_ptr_array_index (queue, i);
      g_hash_table_add (run->handled, g_strdup (gpm_journal_post_key (post)));
      ok = process_post (run, post) && post_own_comments (run, post);
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
  post_event (run, EVENT_FINISHED, NULL, 0, run->fatal, 0, NULL);
  run_free (run);
  return NULL;
}

/* ------------------------------------------------------------------ GObject */

static void
gpm_migrator_dispose (GObject *object)
{
  GpmMigrator *self = (GpmMigrator *) object;

  g_clear_object (&self->pod);
  g_clear_object (&self->journal);
  if (self->convert_destroy != NULL)
    g_clear_pointer (&self->convert_data, self->convert_destroy);
  self->convert_func = NULL;
  if (self->read_destroy != NULL)
    g_clear_pointer (&self->read_data, self->read_destroy);
  self->read_func = NULL;
  if (self->comments_destroy != NULL)
    g_clear_pointer (&self->comments_data, self->comments_destroy);
  self->comments_func = NULL;

  G_OBJECT_CLASS (gpm_migrator_parent_class)->dispose (object);
}

static void
gpm_migrator_finalize (GObject *object)
{
  GpmMigrator *self = (GpmMigrator *) object;

  g_clear_object (&self->plan);
  g_clear_object (&self->next_plan);
  g_clear_pointer (&self->next_posts, g_ptr_array_unref);
  g_clear_pointer (&self->convert_settings, gpm_convert_settings_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (gpm_migrator_parent_class)->finalize (object);
}

static void
gpm_migrator_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GpmMigrator *self = GPM_MIGRATOR (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_N_TOTAL:
      g_value_set_uint (value, self->n_total);
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;
    case PROP_N_SKIPPED:
      g_value_set_uint (value, self->n_skipped);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;
    case PROP_N_LEFT:
      g_value_set_uint (value, self->n_left);
      break;
    case PROP_ETA:
      g_value_set_int64 (value, self->eta);
      break;
    case PROP_DELAY:
      g_value_set_uint (value, gpm_migrator_get_delay (self));
      break;
    case PROP_MAX_PER_DAY:
      g_value_set_uint (value, gpm_migrator_get_max_per_day (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_migrator_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  GpmMigrator *self = GPM_MIGRATOR (object);

  switch (prop_id)
    {
    case PROP_DELAY:
      gpm_migrator_set_delay (self, g_value_get_uint (value));
      break;
    case PROP_MAX_PER_DAY:
      gpm_migrator_set_max_per_day (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_migrator_class_init (GpmMigratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gpm_migrator_dispose;
  object_class->finalize = gpm_migrator_finalize;
  object_class->get_property = gpm_migrator_get_property;
  object_class->set_property = gpm_migrator_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, GPM_TYPE_MIGRATOR_STATE, GPM_MIGRATOR_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_TOTAL] =
    g_param_spec_uint ("n-total", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_DONE] =
    g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SKIPPED] =
    g_param_spec_uint ("n-skipped", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_FAILED] =
    g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_LEFT] =
    g_param_spec_uint ("n-left", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ETA] =
    g_param_spec_int64 ("eta", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DELAY] =
    g_param_spec_uint ("delay", NULL, NULL, 0, G_MAXUINT, GPM_MIGRATOR_DEFAULT_DELAY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PER_DAY] =
    g_param_spec_uint ("max-per-day", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_POST_STARTED] =
    g_signal_new ("post-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, GPM_TYPE_POST);
  signals[SIGNAL_POST_FINISHED] =
    g_signal_new ("post-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, GPM_TYPE_POST, GPM_TYPE_JOURNAL_STATE, G_TYPE_ERROR);
  signals[SIGNAL_WAITING] =
    g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_AUTH_REQUIRED] =
    g_signal_new ("auth-required", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_RETRYING] =
    g_signal_new ("retrying", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
  signals[SIGNAL_PLAN_APPLIED] =
    g_signal_new ("plan-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
gpm_migrator_init (GpmMigrator *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->plan = gpm_plan_new ();
  self->delay = GPM_MIGRATOR_DEFAULT_DELAY;
  self->max_retries = 8;
  self->base_ms = GPM_POD_RETRY_BASE_MS;
  self->max_ms = GPM_POD_RETRY_MAX_MS;
  self->settle_ms = 5 * 60 * 1000;
  self->eta = -1;
}

GpmMigrator *
gpm_migrator_new (GpmPod     *pod,
                  GpmJournal *journal)
{
  GpmMigrator *self;

  g_return_val_if_fail (pod == NULL || GPM_IS_POD (pod), NULL);
  g_return_val_if_fail (journal == NULL || GPM_IS_JOURNAL (journal), NULL);

  self = g_object_new (GPM_TYPE_MIGRATOR, NULL);
  self->pod = pod != NULL ? g_object_ref (pod) : NULL;
  self->journal = journal != NULL ? g_object_ref (journal) : NULL;
  return self;
}

void
gpm_migrator_set_convert_func (GpmMigrator            *self,
                               GpmMigratorConvertFunc  func,
                               gpointer                user_data,
                               GDestroyNotify          destroy)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (self->task == NULL);

  if (self->convert_destroy != NULL)
    g_clear_pointer (&self->convert_data, self->convert_destroy);
  self->convert_func = func;
  self->convert_data = user_data;
  self->convert_destroy = destroy;
}

void
gpm_migrator_set_convert_settings (GpmMigrator              *self,
                                   const GpmConvertSettings *settings)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (self->task == NULL);

  g_clear_pointer (&self->convert_settings, gpm_convert_settings_free);
  self->convert_settings = settings ? gpm_convert_settings_copy (settings) : NULL;
}

void
gpm_migrator_set_read_func (GpmMigrator         *self,
                            GpmMigratorReadFunc  func,
                            gpointer             user_data,
                            GDestroyNotify       destroy)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (self->task == NULL);

  if (self->read_destroy != NULL)
    g_clear_pointer (&self->read_data, self->read_destroy);
  self->read_func = func;
  self->read_data = user_data;
  self->read_destroy = destroy;
}

void
gpm_migrator_set_comments_func (GpmMigrator            *self,
                                GpmMigratorCommentsFunc func,
                                gpointer                user_data,
                                GDestroyNotify          destroy)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (self->task == NULL);

  if (self->comments_destroy != NULL && self->comments_data != NULL)
    self->comments_destroy (self->comments_data);
  self->comments_func = func;
  self->comments_data = user_data;
  self->comments_destroy = destroy;
}

/* Sets a number the worker may be waiting on (it wakes up to look again)
 * and notifies @prop when it changed. */
static void
set_wait_setting (GpmMigrator *self,
                  guint       *field,
                  guint        value,
                  guint        prop)
{
  gboolean changed;

  g_mutex_lock (&self->mutex);
  changed = *field != value;
  *field = value;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
gpm_migrator_set_delay (GpmMigrator *self,
                        guint        seconds)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));
  set_wait_setting (self, &self->delay, seconds, PROP_DELAY);
}

guint
gpm_migrator_get_delay (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), 0);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->delay;
}

void
gpm_migrator_set_max_per_day (GpmMigrator *self,
                              guint        max_per_day)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));
  set_wait_setting (self, &self->max_per_day, max_per_day, PROP_MAX_PER_DAY);
}

guint
gpm_migrator_get_max_per_day (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), 0);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->max_per_day;
}

void
gpm_migrator_set_retry_policy (GpmMigrator *self,
                               guint        max_retries,
                               guint        base_ms,
                               guint        max_ms)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));

  g_mutex_lock (&self->mutex);
  self->max_retries = max_retries;
  self->base_ms = base_ms;
  self->max_ms = MAX (max_ms, base_ms);
  g_mutex_unlock (&self->mutex);
}

void
gpm_migrator_set_settle_time (GpmMigrator *self,
                              guint        ms)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));

  g_mutex_lock (&self->mutex);
  self->settle_ms = ms;
  g_mutex_unlock (&self->mutex);
}

void
gpm_migrator_map_scope (GpmMigrator *self,
                        const char  *scope_key,
                        const char  *aspect_name)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (scope_key != NULL);
  g_return_if_fail (self->task == NULL);

  gpm_plan_map_scope (self->plan, scope_key, aspect_name);
}

void
gpm_migrator_use_plan (GpmMigrator *self,
                       GpmPlan     *plan)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (GPM_IS_PLAN (plan));
  g_return_if_fail (self->task == NULL);

  g_clear_object (&self->plan);
  self->plan = gpm_plan_copy (plan);
  gpm_migrator_set_delay (self, gpm_plan_get_delay (plan));
  gpm_migrator_set_max_per_day (self, gpm_plan_get_max_per_day (plan));
}

GpmPlan *
gpm_migrator_get_plan (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), NULL);
  return self->plan;
}

gboolean
gpm_migrator_update_plan (GpmMigrator  *self,
                          GpmPlan      *plan,
                          GPtrArray    *posts,
                          GError      **error)
{
  g_autoptr(GpmPlan) copy = NULL;

  g_return_val_if_fail (GPM_IS_MIGRATOR (self), FALSE);
  g_return_val_if_fail (GPM_IS_PLAN (plan), FALSE);
  g_return_val_if_fail (posts != NULL, FALSE);

  /* What changes what is sent is fixed for a run: the texts already
   * posted were made with them, a change would make the rest differ. */
  if (gpm_plan_get_own_comments (plan) != gpm_plan_get_own_comments (self->plan) ||
      gpm_plan_get_location (plan) != gpm_plan_get_location (self->plan) ||
      gpm_plan_get_archive_links (plan) != gpm_plan_get_archive_links (self->plan))
    {
      g_set_error_literal (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOT_READY,
                           _("Comments, places and links cannot change during a migration: stop it first"));
      return FALSE;
    }

  copy = gpm_plan_copy (plan);
  g_set_object (&self->plan, copy);
  gpm_migrator_set_delay (self, gpm_plan_get_delay (plan));
  gpm_migrator_set_max_per_day (self, gpm_plan_get_max_per_day (plan));
  if (self->task == NULL)
    return TRUE;

  g_mutex_lock (&self->mutex);
  g_clear_object (&self->next_plan);
  g_clear_pointer (&self->next_posts, g_ptr_array_unref);
  self->next_plan = gpm_plan_copy (plan);
  self->next_posts = sorted_posts (posts);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  gpm_migrator_cancel (user_data);
}

void
gpm_migrator_run_async (GpmMigrator         *self,
                        GPtrArray           *posts,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (posts != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_migrator_run_async);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The migration is already running"));
      return;
    }
  if (self->pod == NULL || self->journal == NULL || self->convert_func == NULL)
    {
      g_task_return_new_error (task, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOT_READY,
                               _("The migration needs a pod account, a journal and a conversion"));
      return;
    }

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->task = g_steal_pointer (&task);

  g_mutex_lock (&self->mutex);
  self->cancel_requested = FALSE;
  self->pause_requested = FALSE;
  self->n_sent = 0;
  self->busy_usec = 0;
  self->io_usec = 0;
  g_mutex_unlock (&self->mutex);

  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
    }

  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->posts = sorted_posts (posts);
  run->plan = gpm_plan_copy (self->plan);
  run->handled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_lock (&self->mutex);
  g_clear_object (&self->next_plan);
  g_clear_pointer (&self->next_posts, g_ptr_array_unref);
  g_mutex_unlock (&self->mutex);
  run->aspect_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run->rand = g_rand_new ();

  g_object_freeze_notify (G_OBJECT (self));
  set_state (self, GPM_MIGRATOR_STATE_RUNNING);
  if (self->n_failed != 0)
    {
      self->n_failed = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  g_thread_unref (g_thread_new ("gpm-migrator", worker, run));
}

gboolean
gpm_migrator_run_finish (GpmMigrator   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gpm_migrator_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sets a request flag the worker looks at and wakes it up. */
static void
set_request (GpmMigrator *self,
             gboolean    *flag,
             gboolean     value)
{
  g_mutex_lock (&self->mutex);
  *flag = value;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
gpm_migrator_pause (GpmMigrator *self)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));

  set_request (self, &self->pause_requested, TRUE);
  if (self->state == GPM_MIGRATOR_STATE_RUNNING)
    set_state (self, GPM_MIGRATOR_STATE_PAUSED);
}

void
gpm_migrator_resume (GpmMigrator *self)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));

  set_request (self, &self->pause_requested, FALSE);
  if (self->state == GPM_MIGRATOR_STATE_PAUSED)
    set_state (self, GPM_MIGRATOR_STATE_RUNNING);
}

/* Thread-safe (also called from a GCancellable's "cancelled"). */
void
gpm_migrator_cancel (GpmMigrator *self)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));

  set_request (self, &self->cancel_requested, TRUE);
}

GpmMigratorState
gpm_migrator_get_state (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), GPM_MIGRATOR_STATE_STOPPED);
  return self->state;
}

guint
gpm_migrator_get_n_total (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), 0);
  return self->n_total;
}

guint
gpm_migrator_get_n_done (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), 0);
  return self->n_done;
}

guint
gpm_migrator_get_n_skipped (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), 0);
  return self->n_skipped;
}

guint
gpm_migrator_get_n_failed (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), 0);
  return self->n_failed;
}

guint
gpm_migrator_get_n_left (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), 0);
  return self->n_left;
}

gint64
gpm_migrator_get_eta (GpmMigrator *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATOR (self), -1);
  return self->eta;
}

void
gpm_migrator_get_timing (GpmMigrator *self,
                         guint       *n_sent,
                         gint64      *busy_usec,
                         gint64      *io_usec)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));

  g_mutex_lock (&self->mutex);
  if (n_sent != NULL)
    *n_sent = self->n_sent;
  if (busy_usec != NULL)
    *busy_usec = self->busy_usec;
  if (io_usec != NULL)
    *io_usec = self->io_usec;
  g_mutex_unlock (&self->mutex);
}

char *
gpm_migrator_own_post_lookup (const char *key,
                              gpointer    user_data)
{
  GpmMigrator *self = user_data;
  g_autoptr(GpmJournalEntry) entry = NULL;

  g_return_val_if_fail (GPM_IS_MIGRATOR (self), NULL);

  if (self->journal == NULL || self->pod == NULL)
    return NULL;
  entry = gpm_journal_lookup (self->journal, key, NULL);
  if (entry == NULL || entry->state != GPM_JOURNAL_STATE_POSTED || entry->guid == NULL)
    return NULL;
  return g_strdup_printf ("%s/posts/%s", gpm_pod_get_address (self->pod), entry->guid);
}

/* The largest photo read into memory for an upload. */
#define MAX_PHOTO_SIZE (256 * 1024 * 1024)

typedef struct {
  GpmTakeout         *takeout;
  GpmConvertSettings *settings;   /* NULL: the defaults */
  GpmMigrator        *migrator;   /* unowned: it owns this */
} TakeoutSource;

static void
takeout_source_free (gpointer data)
{
  TakeoutSource *ts = data;

  g_clear_object (&ts->takeout);
  g_clear_pointer (&ts->settings, gpm_convert_settings_free);
  g_free (ts);
}

/* Links to the owner's posts already on the pod point there. */
static const GpmConvertSettings *
settings_with_lookup (TakeoutSource      *ts,
                      GpmConvertSettings *scratch)
{
  if (ts->settings != NULL && ts->settings->links != NULL && ts->settings->own_post_lookup == NULL)
    {
      *scratch = *ts->settings;
      scratch->own_post_lookup = gpm_migrator_own_post_lookup;
      scratch->own_post_lookup_data = ts->migrator;
      return scratch;
    }
  return ts->settings;
}

static GPtrArray *
takeout_comments (GpmPost    *post,
                  gpointer    user_data,
                  GError    **error)
{
  TakeoutSource *ts = user_data;
  GpmConvertSettings with_lookup;
  g_autoptr(GPtrArray) own = gpm_comments_read_own (ts->takeout, post, error);

  if (own == NULL)
    return NULL;
  return gpm_comments_convert (own, settings_with_lookup (ts, &with_lookup));
}

static char *
takeout_convert (GpmPost    *post,
                 GPtrArray  *photos,
                 gpointer    user_data,
                 GError    **error)
{
  TakeoutSource *ts = user_data;
  GpmConvertSettings with_lookup;
  const GpmConvertSettings *settings = settings_with_lookup (ts, &with_lookup);
  g_autoptr(GpmConvertResult) result = NULL;

  result = gpm_convert_post (post, settings, gpm_convert_takeout_resolver, ts->takeout);

  if (result == NULL || result->markdown == NULL)
    {
      g_set_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_CONVERT, _("The post could not be converted"));
      return NULL;
    }
  for (guint i = 0; result->media != NULL && i < result->media->len; i++)
    {
      const GpmConvertMedia *media = g_ptr_array_index (result->media, i);

      if (media->uploadable && media->entry != NULL &&
          !g_ptr_array_find_with_equal_func (photos, media->entry, g_str_equal, NULL))
        g_ptr_array_add (photos, g_strdup (media->entry));
    }
  return g_strdup (result->markdown);
}

static GBytes *
takeout_read_photo (GpmPost     *post,
                    const char  *photo,
                    gpointer     user_data,
                    GError     **error)
{
  GBytes *bytes = gpm_takeout_read_entry (user_data, photo, MAX_PHOTO_SIZE, NULL, error);

  /* The full decode, where the bytes are read anyway: a photo whose header
   * passed the import's check but whose data is damaged is not sent (the
   * pod would answer 500 to it). */
  if (bytes != NULL && !gpm_image_check (bytes, error))
    g_clear_pointer (&bytes, g_bytes_unref);
  return bytes;
}

void
gpm_migrator_use_takeout (GpmMigrator              *self,
                          GpmTakeout               *takeout,
                          const GpmConvertSettings *settings)
{
  TakeoutSource *ts;

  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (GPM_IS_TAKEOUT (takeout));

  ts = g_new0 (TakeoutSource, 1);
  ts->takeout = g_object_ref (takeout);
  ts->settings = settings ? gpm_convert_settings_copy (settings) : NULL;
  ts->migrator = self;
  gpm_migrator_set_convert_func (self, takeout_convert, ts, takeout_source_free);
  gpm_migrator_set_convert_settings (self, settings);
  gpm_migrator_set_read_func (self, takeout_read_photo, g_object_ref (takeout), g_object_unref);
  if (settings != NULL && settings->own_comments)
    {
      TakeoutSource *cs = g_new0 (TakeoutSource, 1);

      cs->takeout = g_object_ref (takeout);
      cs->settings = gpm_convert_settings_copy (settings);
      cs->migrator = self;
      gpm_migrator_set_comments_func (self, takeout_comments, cs, takeout_source_free);
    }
  else
    gpm_migrator_set_comments_func (self, NULL, NULL, NULL);
}
