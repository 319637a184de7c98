/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page-prepare.c: preparing a plan: the journal opened in a
 * worker while the pod lists its aspects; the migrator made once both are
 * in. */
#define G_LOG_DOMAIN "gpm-migrate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-application.h"
#include "gpm-convert.h"
#include "gpm-gui-util.h"
#include "gpm-migrate-page-private.h"
#include "gpm-util.h"

/* Preparing: the journal is opened in a worker (naming the takeout reads
 * every post's author) and the ticked audiences' posts are chosen there,
 * while the pod lists its aspects; once both are in, the plan restored
 * from the journal, a second worker finds the private audiences; then the
 * page shows the plan. Each is a walk over every post (together 120–133 ms
 * at 100,000 posts): none on the UI thread. */
typedef struct {
  GpmPod     *pod;
  GPtrArray  *all_posts;
  GpmPlan    *select_plan;  /* the worker's copy of the plan, to choose the posts */
  GPtrArray  *posts;        /* the ticked audiences' posts */
  GPtrArray  *scopes;       /* PrivateScope*, from the second worker */
  GPtrArray  *people;
  guint       pending;
  GpmJournal *journal;
  GHashTable *posted;       /* keys of the POSTED rows */
  GArray     *recent;       /* gint64: the account's posted_at within 24 hours */
  gint64      last_posted_at;
  GpmPlan    *saved;        /* the plan kept in the journal, if any */
  GPtrArray  *aspects;
  GpmLinks   *links;        /* which addresses are the user's own posts */
  GError     *journal_error;
  GError     *aspects_error;
} Prepare;

static void
prepare_free (Prepare *p)
{
  g_object_unref (p->pod);
  g_ptr_array_unref (p->all_posts);
  g_clear_object (&p->select_plan);
  g_clear_pointer (&p->posts, g_ptr_array_unref);
  g_clear_pointer (&p->scopes, g_ptr_array_unref);
  g_clear_pointer (&p->people, g_ptr_array_unref);
  g_clear_pointer (&p->journal, gpm_object_unref_in_worker);
  g_clear_pointer (&p->posted, g_hash_table_unref);
  g_clear_pointer (&p->recent, g_array_unref);
  g_clear_object (&p->saved);
  g_clear_pointer (&p->aspects, g_ptr_array_unref);
  g_clear_object (&p->links);
  g_clear_error (&p->journal_error);
  g_clear_error (&p->aspects_error);
  g_free (p);
}

static void
open_journal_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Prepare *p = task_data;
  GError *error = NULL;
  g_autoptr(GError) plan_error = NULL;
  /* one journal per takeout and account, found wherever an earlier run
   * (the CLI too) filed it: the plan module's rule */
  GpmJournal *journal = gpm_plan_open_journal (p->pod, NULL, NULL, p->all_posts, NULL, &error);

  /* The audiences are the ones ticked on entering (restoring a saved plan
   * keeps them): chosen here, not on the UI thread */
  p->posts = _gpm_migrate_page_ticked_posts (p->select_plan, p->all_posts);
  if (journal == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* What the statement says is already there (p is read once this returns) */
  p->posted = gpm_journal_dup_posted_keys (journal);
  p->last_posted_at = gpm_journal_last_posted_at (journal);
  /* the daily cap is the pod account's: every journal of it counts */
  p->recent = gpm_journal_account_posted_times_since (journal, gpm_get_real_time () / G_USEC_PER_SEC - 24 * 3600);
  p->saved = gpm_plan_load (journal, &plan_error);
  if (plan_error != NULL)
    g_message ("%s", plan_error->message);
  /* A walk over every post (a fifth of a second at 100,000): here, not
   * on the UI thread */
  p->links = gpm_links_new (p->all_posts);
  g_task_return_pointer (task, journal, g_object_unref);
}

/* The options that change what is sent are the preferences' */
static void
plan_options_from_settings (GpmPlan *plan)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autoptr(GpmConvertSettings) convert_settings = gpm_convert_settings_new_from_gsettings (settings);

  gpm_plan_set_own_comments (plan, convert_settings->own_comments);
  gpm_plan_set_location (plan, convert_settings->location);
  gpm_plan_set_archive_links (plan, convert_settings->archive_links);
}

/* Both halves are in: the migrator, the aspect rows, the statement. */
static void
prepare_finish_plan (GpmMigratePage *self,
                     Prepare        *p)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autoptr(GpmConvertSettings) convert_settings = NULL;
  const char *restored = g_object_get_data (G_OBJECT (self->plan), "gpm-restored-from");

  /* The old migrator first: the page's reference to the old journal,
   * dropped in a worker, is then its last (closing it is disk work) */
  if (self->migrator != NULL)
    g_signal_handlers_disconnect_by_data (self->migrator, self);
  g_clear_object (&self->migrator);
  gpm_object_unref_in_worker (self->journal);
  self->journal = g_object_ref (p->journal);
  g_clear_pointer (&self->posted, g_hash_table_unref);
  self->posted = g_hash_table_ref (p->posted);
  g_clear_pointer (&self->recent_posted, g_array_unref);
  self->recent_posted = g_array_ref (p->recent);
  self->last_posted_at = p->last_posted_at;

  /* What was decided before for this takeout and account comes back once
   * (the window may have done it when it offered to continue). A plan
   * restored from, or prepared for, another account (another journal)
   * becomes this account's: its aspect choices are dropped, this
   * account's saved plan is taken (gpm_plan_switch_account() says what
   * carries over and why) */
  if (g_strcmp0 (restored, gpm_journal_get_path (self->journal)) != 0)
    {
      if (restored != NULL)
        gpm_plan_switch_account (self->plan, p->saved);
      else if (p->saved != NULL)
        gpm_plan_restore (self->plan, p->saved, FALSE);
      plan_options_from_settings (self->plan);
    }
  g_object_set_data_full (G_OBJECT (self->plan), "gpm-restored-from",
                          g_strdup (gpm_journal_get_path (self->journal)), g_free);

  self->migrator = gpm_migrator_new (self->pod, self->journal);
  /* Converted with the user's settings, photos from the archive. */
  convert_settings = gpm_convert_settings_new_from_gsettings (settings);
  gpm_plan_apply_to_convert_settings (self->plan, convert_settings);
  /* links to the user's own posts point to their copies on the pod */
  convert_settings->links = g_object_ref (p->links);
  gpm_migrator_use_takeout (self->migrator, self->takeout, convert_settings);

  _gpm_migrate_page_connect_migrator (self);

  g_clear_pointer (&self->aspects, g_ptr_array_unref);
  self->aspects = p->aspects ? g_ptr_array_ref (p->aspects) : g_ptr_array_new ();
  self->aspects_failed = p->aspects_error != NULL;
  if (p->aspects_error == NULL)
    {
      /* A saved plan naming an aspect deleted since: those audiences are
       * skipped until the user chooses again, never a refused run */
      g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;

      for (guint i = 0; i < self->aspects->len; i++)
        g_strv_builder_add (names, ((GpmPodAspect *) g_ptr_array_index (self->aspects, i))->name);
      strv = g_strv_builder_end (names);
      if (gpm_plan_drop_missing_aspects (self->plan, (const char * const *) strv) > 0)
        g_debug ("targets naming aspects the account does not have were unset");
    }
}

/* The private audiences are in: the page shows the plan */
static void
prepare_show_plan (GpmMigratePage *self,
                   Prepare        *p)
{
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  self->scopes = g_steal_pointer (&p->scopes);
  self->people = g_steal_pointer (&p->people);
  /* with the plan it is about */
  if (p->aspects_error != NULL)
    {
      g_autofree char *message = gpm_gui_error_message (p->aspects_error);
      g_autofree char *text = g_strdup_printf (_("The pod's aspects could not be listed, so private posts can only be skipped: %s"),
                                               message);
      gtk_label_set_label (self->plan_message_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->plan_message_label), TRUE);
    }
  gtk_widget_set_visible (self->preparing_box, FALSE);
  _gpm_migrate_page_show_pace (self);
  _gpm_migrate_page_build_mapping_rows (self);
  gtk_widget_set_sensitive (self->header_start_button, TRUE);
  gpm_migrate_page_save_plan (self);
}

static void
audiences_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Prepare *p = g_task_get_task_data (g_task_get_task_data (task));

  /* select_plan is, by now, a copy of the restored plan */
  _gpm_migrate_page_dup_scopes (p->select_plan, p->posts, &p->scopes, &p->people);
  g_task_return_boolean (task, TRUE);
}

static void
audiences_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GpmMigratePage *self = GPM_MIGRATE_PAGE (source);
  g_autoptr(GTask) task = user_data;

  if (self->prepare_task != task)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Replaced by a newer plan"));
      return;
    }
  g_clear_object (&self->prepare_task);
  prepare_show_plan (self, g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

/* One half of the prepare @task is done; the second completes it. */
static void
prepare_step_done (GpmMigratePage *self,
                   GTask          *task)
{
  Prepare *p = g_task_get_task_data (task);

  if (--p->pending > 0)
    return;

  if (self->prepare_task != task)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Replaced by a newer plan"));
  else if (p->journal_error != NULL)
    {
      g_clear_object (&self->prepare_task);
      gtk_widget_set_visible (self->preparing_box, FALSE);
      g_task_return_error (task, g_steal_pointer (&p->journal_error));
    }
  else
    {
      g_autoptr(GTask) audiences_task = NULL;

      prepare_finish_plan (self, p);
      self->posts = g_steal_pointer (&p->posts);
      /* The private audiences of the restored plan (its left-out posts
       * count), in a worker on a copy of it */
      g_clear_object (&p->select_plan);
      p->select_plan = gpm_plan_copy (self->plan);
      p->posts = g_ptr_array_ref (self->posts);
      audiences_task = g_task_new (self, NULL, audiences_done_cb, g_object_ref (task));
      g_task_set_source_tag (audiences_task, audiences_thread);
      g_task_set_task_data (audiences_task, g_object_ref (task), g_object_unref);
      gpm_task_run_in_thread (audiences_task, audiences_thread);
    }
}

static void
journal_opened_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Prepare *p = g_task_get_task_data (task);

  p->journal = g_task_propagate_pointer (G_TASK (result), &p->journal_error);
  prepare_step_done (GPM_MIGRATE_PAGE (source), task);
}

static void
aspects_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Prepare *p = g_task_get_task_data (task);

  p->aspects = gpm_pod_list_aspects_finish (GPM_POD (source), result, &p->aspects_error);
  prepare_step_done (g_task_get_source_object (task), task);
}

GPtrArray *
_gpm_migrate_page_ticked_posts (GpmPlan   *plan,
                                GPtrArray *all_posts)
{
  GPtrArray *posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < all_posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (all_posts, i);

      if (gpm_plan_selects_post (plan, post) && g_hash_table_add (seen, (gpointer) gpm_journal_post_key (post)))
        g_ptr_array_add (posts, g_object_ref (post));
    }
  return posts;
}

void
gpm_migrate_page_prepare_async (GpmMigratePage      *self,
                                GpmPod              *pod,
                                GpmTakeout          *takeout,
                                GPtrArray           *all_posts,
                                GpmPlan             *plan,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) journal_task = NULL;
  Prepare *p;

  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));
  g_return_if_fail (GPM_IS_POD (pod));
  g_return_if_fail (GPM_IS_PLAN (plan));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_migrate_page_prepare_async);
  if (gpm_migrate_page_is_running (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, _("A migration is already running"));
      return;
    }

  /* ticks still being chosen: this plan has them (the window's) */
  _gpm_migrate_page_drop_audiences (self);
  p = g_new0 (Prepare, 1);
  p->pod = g_object_ref (pod);
  p->all_posts = g_ptr_array_ref (all_posts);
  p->pending = 2;
  g_task_set_task_data (task, p, (GDestroyNotify) prepare_free);
  /* A newer plan replaces one still being prepared */
  g_set_object (&self->prepare_task, task);

  g_set_object (&self->pod, pod);
  g_set_object (&self->takeout, takeout);
  g_set_object (&self->plan, plan);
  g_clear_pointer (&self->all_posts, g_ptr_array_unref);
  self->all_posts = g_ptr_array_ref (all_posts);
  plan_options_from_settings (self->plan);
  p->select_plan = gpm_plan_copy (self->plan);
  /* The posts are chosen in the journal's worker */
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  self->counted = FALSE;
  self->exporting = FALSE;
  self->aspects_failed = FALSE;
  if (self->migrator != NULL)
    g_signal_handlers_disconnect_by_data (self->migrator, self);
  g_clear_object (&self->migrator);
  g_clear_pointer (&self->journal, gpm_object_unref_in_worker);
  g_clear_pointer (&self->posted, g_hash_table_unref);
  g_clear_pointer (&self->recent_posted, g_array_unref);
  g_clear_pointer (&self->shown_sends, g_array_unref);
  self->last_posted_at = 0;
  self->delay = gpm_plan_get_delay (self->plan);

  /* The plan without its aspect rows until the pod has listed them */
  g_clear_pointer (&self->aspects, g_ptr_array_unref);
  _gpm_migrate_page_remove_mapping_rows (self);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  _gpm_migrate_page_show_pace (self);
  gtk_widget_set_visible (self->mapping_box, FALSE);
  /* No count until the posts are chosen; the last plan's statement and
   * duration are gone (they would say what this plan does not) */
  _gpm_migrate_page_update_statement (self);
  gtk_label_set_label (self->statement_label, "");
  gtk_label_set_selectable (self->statement_label, FALSE);
  gtk_label_set_label (self->summary_duration_label, "");
  _gpm_migrate_page_show_counting (self);
  gtk_widget_set_visible (self->preparing_box, TRUE);
  gtk_label_set_label (self->plan_message_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->plan_message_label), FALSE);
  gtk_widget_set_sensitive (self->header_start_button, FALSE);
  gtk_label_set_label (self->waiting_label, "");
  self->status = "plan";
  gtk_stack_set_visible_child_name (self->stack, "plan");
  _gpm_migrate_page_update_header (self);

  journal_task = g_task_new (self, NULL, journal_opened_cb, g_object_ref (task));
  g_task_set_source_tag (journal_task, open_journal_thread);
  g_task_set_task_data (journal_task, p, NULL);
  gpm_task_run_in_thread (journal_task, open_journal_thread);
  gpm_pod_list_aspects_async (pod, NULL, aspects_done_cb, g_object_ref (task));
}

gboolean
gpm_migrate_page_prepare_finish (GpmMigratePage  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
