/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrator.c: the GpmMigrator object: properties, signals, the public
 * setters, run/pause/resume/cancel, and the events the worker thread hands
 * to the main context of the caller of gpm_migrator_run_async() (where
 * they become signals and notifications). The worker itself is in
 * gpm-migrator-run.c; gpm-migrator-private.h lists the other files */
#define G_LOG_DOMAIN "gpm-migrator"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-core-enums.h"
#include "gpm-migrator-private.h"
#include "gpm-util.h"

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

/* ----------------------------------------------------------------- events */

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

static gint64
compute_eta (Run *run)
{
  GpmMigrator *self = run->self;
  gint64 per_post;
  gint64 eta;
  guint delay, cap;
  guint from, n_sends = 0;

  /* The time left is the queue's: its posts not finished yet (the last
   * n_left, in order), of them the ones the plan sends (a post skipped as
   * nothing of the user's own, or without an audience, takes no time) */
  if (run->sends == NULL)
    return 0;
  from = run->sends->len - MIN (run->n_left, run->sends->len);
  for (guint i = from; i < run->sends->len; i++)
    n_sends += g_array_index (run->sends, guint, i);
  if (n_sends == 0)
    return 0;
  g_mutex_lock (&self->mutex);
  delay = self->delay;
  cap = self->max_per_day;
  g_mutex_unlock (&self->mutex);

  /* A post's own work (photos, request), its waits left out: they are the
   * delay and the cap, counted below (counted here too, the delay came
   * in twice and each night under the cap spread over every post). */
  per_post = run->n_sent > 0 ? run->sent_busy_usec / run->n_sent : -1;
  if (per_post < 0 && delay == 0)
    return -1;
  {
    /* The schedule of what is left, as the waits will go: the up-front
     * estimate's own (gpm_plan_estimate_sends()), the cap counting the
     * posts the pod account was sent in the last 24 hours, by any of its
     * journals (_gpm_migrator_wait_for_turn()'s) */
    gint64 now = gpm_get_real_time () / G_USEC_PER_SEC;
    g_autoptr(GArray) recent = cap > 0 ? gpm_journal_account_posted_times_since (self->journal, now - 24 * 3600) : NULL;

    eta = gpm_plan_estimate_sends (delay, cap, run->sends, from, recent, run->last_post_usec / G_USEC_PER_SEC, now);
    eta += ((gint64) n_sends * MAX (per_post, 0) + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC;
  }
  return eta;
}

void
_gpm_migrator_post_event (Run       *run,
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
  g_clear_object (&self->takeout);

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

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  self->max_retries = max_retries;
  self->base_ms = base_ms;
  self->max_ms = MAX (max_ms, base_ms);
}

void
gpm_migrator_set_settle_time (GpmMigrator *self,
                              guint        ms)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  self->settle_ms = ms;
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
  /* @posts as they are (the caller's array may hold no references); the
   * worker sorts them (100,000 posts: 70 ms, not the UI thread's) */
  self->next_posts = g_ptr_array_copy (posts, gpm_object_ref_copy, NULL);
  g_ptr_array_set_free_func (self->next_posts, g_object_unref);
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
  run->posts = g_ptr_array_copy (posts, gpm_object_ref_copy, NULL);
  g_ptr_array_set_free_func (run->posts, g_object_unref);
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

  g_thread_unref (g_thread_new ("gpm-migrator", _gpm_migrator_worker, run));
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
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  *flag = value;
  g_cond_broadcast (&self->cond);
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

/* Thread-safe. */
void
gpm_migrator_time_changed (GpmMigrator *self)
{
  g_return_if_fail (GPM_IS_MIGRATOR (self));

  g_mutex_lock (&self->mutex);
  self->time_serial++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
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

  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (n_sent != NULL)
    *n_sent = self->n_sent;
  if (busy_usec != NULL)
    *busy_usec = self->busy_usec;
  if (io_usec != NULL)
    *io_usec = self->io_usec;
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
