/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page-audiences.c: the ticks changed (the sidebar): the
 * plan's audiences, the posts they select, and a running migration
 * following them. Choosing the posts is a walk over every post (50 ms at
 * 100,000, more with a run's own checks), so a worker does it on copies of
 * the plan; the main thread takes the result of the latest tick only. */
#define G_LOG_DOMAIN "gpm-migrate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-migrate-page-private.h"
#include "gpm-util.h"

/* One tick's choosing. The worker reads the inputs and fills the outputs;
 * the main thread alone touches @outer. */
typedef struct {
  guint      serial;      /* self->select_serial when it began: a newer tick drops it */
  GTask     *outer;       /* the caller's task; NULL once it has been answered */
  GStrv      keys;
  gboolean   running;     /* a run follows: its posts, count and audiences too */
  GpmPlan   *changed;     /* a copy of the page's plan with the new ticks */
  GpmPlan   *effective;   /* running: what the migrator gets (the targets dropped when the aspects failed) */
  GPtrArray *all_posts;
  /* out */
  GPtrArray *posts;       /* the ticked posts, each once */
  GPtrArray *run_posts;   /* running: those the run sends */
  guint      n_to_send;
  GPtrArray *scopes;
  GPtrArray *people;
} Select;

static void
select_free (Select *s)
{
  g_clear_object (&s->outer);
  g_strfreev (s->keys);
  g_clear_object (&s->changed);
  g_clear_object (&s->effective);
  g_ptr_array_unref (s->all_posts);
  g_clear_pointer (&s->posts, g_ptr_array_unref);
  g_clear_pointer (&s->run_posts, g_ptr_array_unref);
  g_clear_pointer (&s->scopes, g_ptr_array_unref);
  g_clear_pointer (&s->people, g_ptr_array_unref);
  g_free (s);
}

/* What a running migration is given: the ticked posts with something of
 * the user's own (the migrator would only skip the others), each once */
static GPtrArray *
run_posts (GpmPlan   *plan,
           GPtrArray *all)
{
  GPtrArray *posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < all->len; i++)
    if (gpm_plan_selects_post (plan, g_ptr_array_index (all, i)) &&
        !gpm_plan_is_nothing_own (plan, g_ptr_array_index (all, i)) &&
        g_hash_table_add (seen, (gpointer) gpm_journal_post_key (g_ptr_array_index (all, i))))
      g_ptr_array_add (posts, g_object_ref (g_ptr_array_index (all, i)));
  return posts;
}

static void
select_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Select *s = task_data;

  s->posts = _gpm_migrate_page_ticked_posts (s->changed, s->all_posts);
  if (s->running)
    {
      GpmPlanCounts counts;

      s->run_posts = run_posts (s->changed, s->all_posts);
      /* the progress's total (gpm_plan_count(), as a start counts it) */
      gpm_plan_count (s->effective, s->posts, &counts);
      s->n_to_send = counts.n_to_send;
      _gpm_migrate_page_dup_scopes (s->changed, s->posts, &s->scopes, &s->people);
    }
  g_task_return_boolean (task, TRUE);
}

/* The pending tick's caller is answered: its change was taken (@ok) or
 * replaced by a newer one; the worker's late result is then dropped */
static void
answer_pending (GpmMigratePage *self,
                gboolean        ok)
{
  Select *s;

  if (self->select_task == NULL)
    return;
  s = g_task_get_task_data (self->select_task);
  if (s->outer != NULL)
    {
      if (ok)
        g_task_return_boolean (s->outer, TRUE);
      else
        g_task_return_new_error (s->outer, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Replaced by newer ticks"));
      g_clear_object (&s->outer);
    }
  g_clear_object (&self->select_task);
  self->select_serial++;
}

static void select_done_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data);

/* @outer's ticks (@keys) to be chosen in a worker. Not running, the plan
 * takes them at once (it is the window's too, and saved as it is); a run
 * takes them once the posts are chosen, or refuses them. */
static void
start_select (GpmMigratePage *self,
              GStrv           keys,
              GTask          *outer)
{
  g_autoptr(GTask) task = NULL;
  Select *s = g_new0 (Select, 1);

  answer_pending (self, FALSE);
  s->serial = self->select_serial;
  s->outer = g_object_ref (outer);
  s->keys = keys;
  /* (an export goes on with its own posts: refused at a tick, see
   * check_can_update(), and no run to follow when it began after one) */
  s->running = gpm_migrate_page_is_running (self) && !self->exporting;
  if (!s->running)
    gpm_plan_set_audiences (self->plan, (const char * const *) keys);
  s->changed = gpm_plan_copy (self->plan);
  gpm_plan_set_audiences (s->changed, (const char * const *) keys);
  if (s->running)
    {
      s->effective = gpm_plan_copy (s->changed);
      if (self->aspects_failed)
        gpm_plan_clear_targets (s->effective);
    }
  s->all_posts = g_ptr_array_ref (self->all_posts);

  task = g_task_new (self, NULL, select_done_cb, NULL);
  g_task_set_source_tag (task, start_select);
  g_task_set_task_data (task, s, (GDestroyNotify) select_free);
  g_set_object (&self->select_task, task);
  gpm_task_run_in_thread (task, select_thread);
}

/* A run may take no new selection while it exports */
static gboolean
check_can_update (GpmMigratePage  *self,
                  GError         **error)
{
  if (gpm_migrate_page_is_running (self) && self->exporting)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("The export goes on with the posts it started with; export again for the new selection."));
      return FALSE;
    }
  return TRUE;
}

static void
select_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GpmMigratePage *self = GPM_MIGRATE_PAGE (source);
  Select *s = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GpmPlan) now = NULL;
  GError *error = NULL;
  gboolean follows;

  /* A newer tick, a new plan or the page gone: dropped (its caller has
   * been answered) */
  if (s->serial != self->select_serial || s->outer == NULL || self->plan == NULL)
    return;
  outer = g_steal_pointer (&s->outer);
  g_clear_object (&self->select_task);

  /* The plan changed otherwise meanwhile (a post left out, a run that
   * started): the posts are chosen again from it */
  follows = gpm_migrate_page_is_running (self) && !self->exporting;
  now = gpm_plan_copy (self->plan);
  gpm_plan_set_audiences (now, (const char * const *) s->keys);
  if (!gpm_plan_equal (now, s->changed) || (follows && !s->running))
    {
      start_select (self, g_steal_pointer (&s->keys), outer);
      return;
    }

  /* A run that ended meanwhile needs nothing more than the posts */
  if (follows)
    {
      /* the posts not sent yet follow the new selection, or nothing changes */
      if (!gpm_migrator_update_plan (self->migrator, s->effective, s->run_posts, &error))
        {
          g_task_return_error (outer, error);
          return;
        }
      gpm_plan_set_audiences (self->plan, (const char * const *) s->keys);
    }
  else if (s->running)
    gpm_plan_set_audiences (self->plan, (const char * const *) s->keys);

  g_clear_pointer (&self->posts, g_ptr_array_unref);
  self->posts = g_steal_pointer (&s->posts);
  /* Not running: the page is out of sight (the ticks are on the review
   * page); Migrate… prepares the plan again, so nothing more */
  if (follows)
    {
      self->n_expected = s->n_to_send;
      _gpm_migrate_page_update_progress (self);
      if (self->journal != NULL)
        {
          g_clear_pointer (&self->scopes, g_ptr_array_unref);
          g_clear_pointer (&self->people, g_ptr_array_unref);
          self->scopes = g_steal_pointer (&s->scopes);
          self->people = g_steal_pointer (&s->people);
          _gpm_migrate_page_update_statement (self);
          gpm_migrate_page_save_plan (self);
        }
    }
  g_task_return_boolean (outer, TRUE);
}

void
gpm_migrate_page_update_audiences_async (GpmMigratePage      *self,
                                         const char * const  *scope_keys,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GpmPlan) changed = NULL;
  GError *error = NULL;
  gboolean same;

  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_migrate_page_update_audiences_async);
  if (self->plan == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!check_can_update (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  changed = gpm_plan_copy (self->plan);
  gpm_plan_set_audiences (changed, scope_keys);
  /* The same ticks (the sidebar announces every change, even back), and
   * nothing else changed. A run is compared with the plan it follows, the
   * migrator's own copy: a post left out or a text edited changes the
   * page's plan itself, so comparing with that one never saw them, and the
   * run sent the post it was told to leave out */
  if (gpm_migrate_page_is_running (self))
    {
      g_autoptr(GpmPlan) effective = gpm_plan_copy (changed);

      if (self->aspects_failed)
        gpm_plan_clear_targets (effective);
      same = gpm_plan_equal (effective, gpm_migrator_get_plan (self->migrator));
    }
  else
    same = gpm_plan_equal (changed, self->plan);
  if (same)
    {
      Select *pending = self->select_task ? g_task_get_task_data (self->select_task) : NULL;

      /* back to the plan's ticks before a run took the pending ones (not
       * running, the plan has the pending ones: they stay) */
      if (pending != NULL && pending->running)
        answer_pending (self, FALSE);
      g_task_return_boolean (task, TRUE);
      return;
    }
  start_select (self, g_strdupv ((char **) scope_keys), task);
}

gboolean
gpm_migrate_page_update_audiences_finish (GpmMigratePage  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_gpm_migrate_page_settle_audiences (GpmMigratePage *self)
{
  Select *s;

  if (self->select_task == NULL)
    return;
  s = g_task_get_task_data (self->select_task);
  /* A run is given its posts by the pending choosing itself */
  if (s->running && gpm_migrate_page_is_running (self))
    return;
  /* Rare (a start or a count right after a tick): chosen here, at once */
  gpm_plan_set_audiences (self->plan, (const char * const *) s->keys);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  self->posts = _gpm_migrate_page_ticked_posts (self->plan, self->all_posts);
  answer_pending (self, TRUE);
}

gboolean
_gpm_migrate_page_take_audiences (GpmMigratePage *self)
{
  Select *s;

  if (self->select_task == NULL)
    return FALSE;
  s = g_task_get_task_data (self->select_task);
  /* (not running, the plan has them already; a run's that ended meanwhile
   * had not taken them yet) */
  gpm_plan_set_audiences (self->plan, (const char * const *) s->keys);
  answer_pending (self, TRUE);
  return TRUE;
}

void
_gpm_migrate_page_drop_audiences (GpmMigratePage *self)
{
  answer_pending (self, FALSE);
}
