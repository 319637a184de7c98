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
 * every post's author) while the pod lists its aspects; the page shows the
 * plan once both are there. */
typedef struct {
  GPtrArray  *all_posts;
  char       *account;
  char       *typed_account;
  char       *guid;
  guint       pending;
  GpmJournal *journal;
  guint       n_posted;
  GPtrArray  *aspects;
  GError     *journal_error;
  GError     *aspects_error;
} Prepare;

static void
prepare_free (Prepare *p)
{
  g_ptr_array_unref (p->all_posts);
  g_free (p->account);
  g_free (p->typed_account);
  g_free (p->guid);
  g_clear_pointer (&p->journal, gpm_object_unref_in_worker);
  g_clear_pointer (&p->aspects, g_ptr_array_unref);
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
  g_autofree char *identity = gpm_journal_takeout_identity (p->all_posts);
  GError *error = NULL;
  /* one journal per takeout and account, found wherever an earlier run
   * (the CLI too) filed it */
  GpmJournal *journal = gpm_journal_open_for_account (identity, p->account, p->typed_account, p->guid,
                                                      TRUE, &error);
  guint counts[GPM_JOURNAL_N_STATES] = { 0 };

  if (journal == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* What the statement says is already there (p is read once this returns) */
  if (gpm_journal_count (journal, counts, NULL))
    p->n_posted = counts[GPM_JOURNAL_STATE_POSTED];
  g_task_return_pointer (task, journal, g_object_unref);
}

/* Both halves are in: the migrator, the aspect rows, the statement. */
static void
prepare_finish_plan (GpmMigratePage *self,
                     Prepare        *p)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autoptr(GpmConvertSettings) convert_settings = NULL;

  /* The old migrator first: the page's reference to the old journal,
   * dropped in a worker, is then its last (closing it is disk work) */
  if (self->migrator != NULL)
    g_signal_handlers_disconnect_by_data (self->migrator, self);
  g_clear_object (&self->migrator);
  gpm_object_unref_in_worker (self->journal);
  self->journal = g_object_ref (p->journal);
  self->n_posted_before = p->n_posted;

  self->migrator = gpm_migrator_new (self->pod, self->journal);
  /* Converted with the user's settings, photos from the archive. */
  convert_settings = gpm_convert_settings_new_from_gsettings (settings);
  /* links to the user's own posts point to their copies on the pod */
  convert_settings->links = gpm_links_new (p->all_posts);
  gpm_migrator_use_takeout (self->migrator, self->takeout, convert_settings);
  gpm_migrator_set_max_per_day (self->migrator, g_settings_get_uint (settings, "max-posts-per-day"));

  _gpm_migrate_page_connect_migrator (self);

  g_clear_pointer (&self->aspects, g_ptr_array_unref);
  self->aspects = p->aspects ? g_ptr_array_ref (p->aspects) : g_ptr_array_new ();
  if (p->aspects_error != NULL)
    {
      g_autofree char *message = gpm_gui_error_message (p->aspects_error);
      g_autofree char *text = g_strdup_printf (_("The pod's aspects could not be listed, so private posts can only be skipped: %s"),
                                               message);
      gtk_label_set_label (self->plan_message_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->plan_message_label), TRUE);
    }
  gtk_widget_set_visible (self->preparing_box, FALSE);
  _gpm_migrate_page_build_mapping_rows (self);
  gtk_widget_set_sensitive (self->start_button, TRUE);
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
      g_clear_object (&self->prepare_task);
      prepare_finish_plan (self, p);
      g_task_return_boolean (task, TRUE);
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

void
gpm_migrate_page_prepare_async (GpmMigratePage      *self,
                                GpmPod              *pod,
                                GpmTakeout          *takeout,
                                GPtrArray           *all_posts,
                                GPtrArray           *posts,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autoptr(GpmConvertSettings) convert_settings = gpm_convert_settings_new_from_gsettings (settings);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) journal_task = NULL;
  g_autofree char *username = NULL;
  g_autofree char *diaspora_id = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  Prepare *p;

  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));
  g_return_if_fail (GPM_IS_POD (pod));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_migrate_page_prepare_async);
  if (gpm_migrate_page_is_running (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, _("A migration is already running"));
      return;
    }

  username = gpm_pod_dup_username (pod);
  diaspora_id = gpm_pod_dup_diaspora_id (pod);
  p = g_new0 (Prepare, 1);
  p->all_posts = g_ptr_array_ref (all_posts);
  /* the account as the pod names it, and as the window's "continue?"
   * question will look it up (last-pod, last-user) */
  p->account = gpm_journal_account_name (gpm_pod_get_address (pod), diaspora_id ? diaspora_id : username);
  p->typed_account = username ? gpm_journal_account_name (gpm_pod_get_address (pod), username) : NULL;
  p->guid = gpm_pod_dup_user_guid (pod);
  p->pending = 2;
  g_task_set_task_data (task, p, (GDestroyNotify) prepare_free);
  /* A newer plan replaces one still being prepared */
  g_set_object (&self->prepare_task, task);

  g_set_object (&self->pod, pod);
  g_set_object (&self->takeout, takeout);
  /* Posts with nothing of the user's own are out of the selection: the
   * migrator would only skip them. */
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  self->posts = g_ptr_array_new_full (posts->len, g_object_unref);
  self->n_nothing_own = 0;
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);

      if (gpm_convert_post_is_nothing_own (post, convert_settings, NULL))
        self->n_nothing_own++;
      else
        g_ptr_array_add (self->posts, g_object_ref (post));
    }
  self->exporting = FALSE;
  if (self->migrator != NULL)
    g_signal_handlers_disconnect_by_data (self->migrator, self);
  g_clear_object (&self->migrator);
  g_clear_pointer (&self->journal, gpm_object_unref_in_worker);
  gpm_migrate_page_set_delay (self, g_settings_get_uint (settings, "post-delay-seconds"));

  /* Audiences: essentially public posts go public; the private scopes of
   * the others need an aspect each. */
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  self->scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) _gpm_migrate_page_scope_free);
  self->n_public = 0;
  for (guint i = 0; i < self->posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (self->posts, i);
      GPtrArray *scopes = gpm_post_get_scopes (post);
      gboolean is_public = FALSE;

      for (guint j = 0; scopes != NULL && j < scopes->len; j++)
        is_public |= gpm_scope_is_essentially_public (g_ptr_array_index (scopes, j));
      if (is_public)
        {
          self->n_public++;
          continue;
        }

      for (guint j = 0; scopes != NULL && j < scopes->len; j++)
        {
          const GpmScope *scope = g_ptr_array_index (scopes, j);
          const char *key = gpm_scope_get_key (scope);
          PrivateScope *ps = g_hash_table_lookup (seen, key);

          if (ps == NULL)
            {
              ps = g_new0 (PrivateScope, 1);
              ps->key = g_strdup (key);
              ps->label = g_strdup (gpm_gui_scope_label (scope));
              g_ptr_array_add (self->scopes, ps);
              g_hash_table_insert (seen, ps->key, ps);
            }
          ps->count++;
        }
    }

  /* The plan without its aspect rows until the pod has listed them */
  g_clear_pointer (&self->aspects, g_ptr_array_unref);
  _gpm_migrate_page_remove_mapping_rows (self);
  gtk_widget_set_visible (self->mapping_box, FALSE);
  _gpm_migrate_page_update_statement (self);
  gtk_widget_set_visible (self->preparing_box, TRUE);
  gtk_label_set_label (self->plan_message_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->plan_message_label), FALSE);
  gtk_widget_set_sensitive (self->start_button, FALSE);
  gtk_label_set_label (self->waiting_label, "");
  self->status = "plan";
  gtk_stack_set_visible_child_name (self->stack, "plan");

  journal_task = g_task_new (self, NULL, journal_opened_cb, g_object_ref (task));
  g_task_set_source_tag (journal_task, open_journal_thread);
  g_task_set_task_data (journal_task, p, NULL);
  g_task_run_in_thread (journal_task, open_journal_thread);
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
