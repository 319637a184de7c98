/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-window-migration.c: the migrate page shown for a signed-in pod; the
 * offer to continue a takeout moved before; the migration state of each
 * post in the list, read from the journal in a worker (the GUI never calls
 * the journal on the main thread: docs/HACKING.md, Threads). */
#define G_LOG_DOMAIN "gpm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-gui-util.h"
#include "gpm-journal.h"
#include "gpm-plan.h"
#include "gpm-util.h"
#include "gpm-window-private.h"

/* Migration state in the post list */

static const char *
post_state_func (GpmPost     *post,
                 const char **out_label,
                 gpointer     user_data)
{
  GpmWindow *self = user_data;
  gpointer value = g_hash_table_lookup (self->post_states, gpm_journal_post_key (post));

  if (value == NULL)
    return NULL;

  switch ((GpmJournalState) (GPOINTER_TO_INT (value) - 1))
    {
    case GPM_JOURNAL_STATE_POSTED:
      *out_label = _("Posted");
      return "emblem-ok-symbolic";
    case GPM_JOURNAL_STATE_FAILED:
      *out_label = _("Failed");
      return "dialog-error-symbolic";
    case GPM_JOURNAL_STATE_SKIPPED:
      *out_label = _("Skipped");
      return "action-unavailable-symbolic";
    case GPM_JOURNAL_STATE_UPLOADING:
    case GPM_JOURNAL_STATE_ATTEMPTING:
      *out_label = _("Being posted");
      return "content-loading-symbolic";
    case GPM_JOURNAL_STATE_PENDING:
    case GPM_JOURNAL_N_STATES:
    default:
      return NULL;
    }
}

typedef struct {
  GpmJournal *journal;
  GStrv       keys;      /* NULL: every row */
} StatesRead;

static void
states_read_free (StatesRead *read)
{
  gpm_object_unref_in_worker (read->journal);
  g_strfreev (read->keys);
  g_free (read);
}

/* Worker: key → state + 1 for the rows asked for (0 for a key without a row). */
static void
states_read_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  StatesRead *read = task_data;
  g_autoptr(GHashTable) states = NULL;
  GError *error = NULL;

  if (read->keys == NULL)
    {
      /* the states alone, not every row whole */
      states = gpm_journal_dup_states (read->journal, &error);
      if (states == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; read->keys[i] != NULL; i++)
        {
          g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (read->journal, read->keys[i], NULL);

          g_hash_table_insert (states, g_strdup (read->keys[i]),
                               GINT_TO_POINTER (entry != NULL ? entry->state + 1 : 0));
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&states), (GDestroyNotify) g_hash_table_unref);
}

static void states_read (GpmWindow *self);

static void
states_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GpmWindow *self = GPM_WINDOW (source);
  StatesRead *read = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) states = g_task_propagate_pointer (G_TASK (result), &error);
  GHashTableIter iter;
  gpointer key, value;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the window is gone */

  self->states_loading = FALSE;
  if (states == NULL)
    g_message ("The journal's states could not be read: %s", error->message);
  else if (read->journal == self->state_journal)
    {
      if (read->keys == NULL)
        {
          /* Every row read: the read's table is the window's (its keys its own) */
          g_hash_table_unref (self->post_states);
          self->post_states = g_steal_pointer (&states);
        }
      else
        {
          g_hash_table_iter_init (&iter, states);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              if (value == NULL)
                g_hash_table_remove (self->post_states, key);
              else
                g_hash_table_insert (self->post_states, g_strdup (key), value);
            }
        }
      gpm_post_list_refresh_states (self->post_list);
    }

  /* What was asked for meanwhile */
  states_read (self);
}

/* Reads what the post list must show again (every row after the journal
 * changed, else the keys of the posts done since), one read at a time. */
static void
states_read (GpmWindow *self)
{
  g_autoptr(GTask) task = NULL;
  StatesRead *read;

  if (self->states_loading || self->state_journal == NULL)
    return;
  if (!self->states_full && g_hash_table_size (self->states_pending) == 0)
    return;

  read = g_new0 (StatesRead, 1);
  read->journal = g_object_ref (self->state_journal);
  if (self->states_full)
    g_hash_table_remove_all (self->states_pending);
  else
    {
      /* The keys move to the read */
      read->keys = (GStrv) g_hash_table_get_keys_as_array (self->states_pending, NULL);
      g_hash_table_steal_all (self->states_pending);
    }
  self->states_full = FALSE;
  self->states_loading = TRUE;

  task = g_task_new (self, self->states_cancellable, states_read_cb, NULL);
  g_task_set_source_tag (task, states_read);
  g_task_set_task_data (task, read, (GDestroyNotify) states_read_free);
  gpm_task_run_in_thread (task, states_read_thread);
}

void
_gpm_window_set_state_journal (GpmWindow  *self,
                               GpmJournal *journal)
{
  if (journal != NULL)
    g_object_ref (journal);
  gpm_object_unref_in_worker (self->state_journal);   /* may close it */
  self->state_journal = journal;
  g_hash_table_remove_all (self->post_states);
  g_hash_table_remove_all (self->states_pending);
  self->states_full = TRUE;
  gpm_post_list_set_state_func (self->post_list, post_state_func, self);
  states_read (self);
}

GpmJournal *
gpm_window_get_state_journal (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);
  return self->state_journal;
}

int
gpm_window_get_post_state (GpmWindow *self,
                           GpmPost   *post)
{
  gpointer value;

  g_return_val_if_fail (GPM_IS_WINDOW (self), -1);
  g_return_val_if_fail (GPM_IS_POST (post), -1);

  value = g_hash_table_lookup (self->post_states, gpm_journal_post_key (post));
  return value != NULL ? GPOINTER_TO_INT (value) - 1 : -1;
}

static void
post_done_cb (GpmWindow *self,
              GpmPost   *post)
{
  g_hash_table_add (self->states_pending, g_strdup (gpm_journal_post_key (post)));
  states_read (self);
}

/* Migration */

static void
migration_prepared_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GpmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GpmMigratePage *page = GPM_MIGRATE_PAGE (source);

  if (!gpm_migrate_page_prepare_finish (page, result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The migration could not be prepared: %s"), error->message);
      gpm_window_add_toast (self, message);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "migrate") == 0 &&
          !gpm_migrate_page_is_running (page))
        gtk_stack_set_visible_child_name (self->main_stack, self->shown_import ? "review" : "welcome");
      return;
    }

  _gpm_window_set_state_journal (self, gpm_migrate_page_get_journal (page));
  /* The plan is now the account's (gpm_plan_switch_account()): its posts
   * left out and edited texts in the list and the preview */
  _gpm_window_posts_refresh (self);
}

GpmPlan *
gpm_window_get_plan (GpmWindow *self)
{
  g_return_val_if_fail (GPM_IS_WINDOW (self), NULL);

  if (self->shown_import == NULL)
    return NULL;
  /* One plan per takeout shown; the pace the user chose last is its default */
  if (self->plan == NULL || self->plan_import != self->shown_import)
    {
      g_clear_object (&self->plan);
      g_clear_pointer (&self->continue_audiences, g_strfreev);
      self->continuing = FALSE;
      self->plan = gpm_plan_new ();
      gpm_plan_set_delay (self->plan, g_settings_get_uint (self->settings, "post-delay-seconds"));
      gpm_plan_set_max_per_day (self->plan, g_settings_get_uint (self->settings, "max-posts-per-day"));
      g_set_weak_pointer (&self->plan_import, self->shown_import);
    }
  return self->plan;
}

/* libadwaita 1.2's AdwToastOverlay frees its record of a toast dismissed
 * while the toast's show animation still runs if the hide animation (300
 * ms) ends first, and the show's end then reads the freed record: a crash
 * (SIGSEGV under adw_animation_skip()). The show takes 500 ms when the
 * toast replaces another, 300 ms otherwise, and a hide started within the
 * show's frame can start earlier on the frame clock. The offer to continue
 * is shown when it is added (high priority): this long after that, its show
 * is over. */
#define CONTINUE_TOAST_SHOWN_MS 750

static gboolean
dismiss_toast_cb (gpointer toast)
{
  adw_toast_dismiss (toast);
  return G_SOURCE_REMOVE;
}

/* The offer taken or moot: its toast goes, now or once it is fully shown
 * (marked as going meanwhile; a toast whose window has gone in between
 * has nothing left to dismiss) */
static void
dismiss_continue_toast (GpmWindow *self)
{
  AdwToast *toast = self->continue_toast;
  gint64 shown_ms;

  if (toast == NULL || g_object_get_data (G_OBJECT (toast), "gpm-going") != NULL)
    return;
  shown_ms = (g_get_monotonic_time () - self->continue_toast_added) / 1000;
  if (shown_ms >= CONTINUE_TOAST_SHOWN_MS)
    {
      adw_toast_dismiss (toast);
      return;
    }
  g_object_set_data (G_OBJECT (toast), "gpm-going", GINT_TO_POINTER (TRUE));
  g_timeout_add_full (G_PRIORITY_DEFAULT, CONTINUE_TOAST_SHOWN_MS - shown_ms, dismiss_toast_cb,
                      g_object_ref (toast), g_object_unref);
}

void
gpm_window_show_migration (GpmWindow *self,
                           GpmPod    *pod)
{
  GpmPlan *plan;

  g_return_if_fail (GPM_IS_WINDOW (self));
  g_return_if_fail (self->shown_import != NULL);

  /* Continuing is what this does: the offer has been taken */
  dismiss_continue_toast (self);
  plan = gpm_window_get_plan (self);
  if (self->continuing && self->continue_audiences != NULL)
    {
      /* The whole plan comes back: its audiences ticked again too */
      gpm_scope_sidebar_select_keys (self->sidebar,
                                     (const char * const *) self->continue_audiences);
      gpm_plan_set_audiences (plan, (const char * const *) self->continue_audiences);
    }
  else
    {
      g_auto(GStrv) keys = gpm_scope_sidebar_get_selected_keys (self->sidebar);

      gpm_plan_set_audiences (plan, (const char * const *) keys);
    }
  self->continuing = FALSE;
  gpm_migrate_page_prepare_async (self->migrate_page, pod,
                                  gpm_import_get_takeout (self->shown_import),
                                  gpm_import_get_posts (self->shown_import),
                                  plan, NULL, migration_prepared_cb, g_object_ref (self));
  /* No crossfade: its frames paint the review page and the plan both
   * (30-45 ms each with cairo) */
  gtk_stack_set_visible_child_full (self->main_stack, "migrate", GTK_STACK_TRANSITION_TYPE_NONE);
}

static void
migrate_page_close_cb (GpmWindow *self)
{
  gtk_stack_set_visible_child_name (self->main_stack, self->shown_import ? "review" : "welcome");
}

/* Decisions about posts */

/* The plan restored at start from the last account's journal, before any
 * sign-in: the decisions go back into that journal (the account's word on
 * its posts, gpm_plan_switch_account()), with the audiences it had, which
 * come back with "Continue". Core writes one save at a time per journal,
 * the last one asked for last (gpm_plan_save_async()). */
void
_gpm_window_save_restored_plan (GpmWindow *self)
{
  g_autoptr(GpmPlan) copy = NULL;
  const char *restored;

  if (self->plan == NULL || self->state_journal == NULL)
    return;
  restored = g_object_get_data (G_OBJECT (self->plan), "gpm-restored-from");
  if (g_strcmp0 (restored, gpm_journal_get_path (self->state_journal)) != 0)
    return;
  copy = gpm_plan_copy (self->plan);
  gpm_plan_set_audiences (copy, (const char * const *) self->continue_audiences);
  gpm_plan_save_async (copy, self->state_journal, NULL, NULL, NULL);
}

/* A takeout that was partly moved before: offer to go on. The journal is
 * looked for in a worker (naming the takeout reads every post's author). */
typedef struct {
  GPtrArray  *posts;
  char       *pod;
  char       *user;
  GpmJournal *journal;
  guint       n_posted;
  GpmPlan    *saved;
  gboolean    complete;  /* every post @saved sends is on the pod */
  guint       n_chosen;  /* then: how many that is */
} FindJournal;

static void
find_journal_free (FindJournal *f)
{
  g_ptr_array_unref (f->posts);
  g_free (f->pod);
  g_free (f->user);
  g_clear_pointer (&f->journal, gpm_object_unref_in_worker);
  g_clear_object (&f->saved);
  g_free (f);
}

static void
find_journal_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  FindJournal *f = task_data;
  g_autoptr(GHashTable) posted = NULL;

  /* the journal the migration keeps (gpm_plan_open_journal()), not created here */
  f->journal = gpm_plan_open_journal (NULL, f->pod, f->user, f->posts, NULL, NULL);
  if (f->journal == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  posted = gpm_journal_dup_posted_keys (f->journal);
  f->n_posted = g_hash_table_size (posted);
  /* the plan kept with it: what was decided, to continue with */
  {
    g_autoptr(GError) error = NULL;

    f->saved = gpm_plan_load (f->journal, &error);
    if (error != NULL)
      g_message ("%s", error->message);
  }
  /* Nothing left of it to continue: every post it sends is on the pod
   * (the plan page's "Your Posts Are on the Pod", the same count) */
  if (f->saved != NULL)
    {
      GpmPlanCounts counts;

      gpm_plan_count_with_posted (f->saved, f->posts, posted, &counts);
      f->complete = counts.n_to_send > 0 && counts.n_posted == counts.n_to_send;
      f->n_chosen = counts.n_to_send;
    }
  g_task_return_boolean (task, TRUE);
}

/* "Continue": the saved plan's audiences come back with it */
static void
continue_clicked_cb (GpmWindow *self,
                     AdwToast  *toast)
{
  /* (taken already, or moot: its toast is on its way out) */
  if (g_object_get_data (G_OBJECT (toast), "gpm-going") != NULL)
    return;
  self->continuing = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.migrate", NULL);
}

void
gpm_window_continue_migration (GpmWindow *self,
                               GpmPod    *pod)
{
  g_return_if_fail (GPM_IS_WINDOW (self));

  self->continuing = TRUE;
  gpm_window_show_migration (self, pod);
}

/* A migration with nothing left to send: no offer to continue it, but
 * said once (per journal and number of posts on the pod; a run that
 * sends more is said again), not on every start */
static void
say_complete_once (GpmWindow   *self,
                   FindJournal *f)
{
  g_autofree char *said = g_settings_get_string (self->settings, "complete-migration-said");
  g_autofree char *mark = g_strdup_printf ("%s\t%u", gpm_journal_get_path (f->journal), f->n_chosen);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (g_strcmp0 (said, mark) == 0)
    return;
  g_settings_set_string (self->settings, "complete-migration-said", mark);
  /* Translators: "Your migration to alice@pod.example.org is complete: all 16 posts you chose are there." */
  title = g_strdup_printf (ngettext ("Your migration to %s is complete: the %u post you chose is there.",
                                     "Your migration to %s is complete: all %u posts you chose are there.",
                                     f->n_chosen),
                           gpm_journal_get_account (f->journal), f->n_chosen);
  toast = gpm_gui_toast_new (title, gpm_gui_window_width (GTK_WINDOW (self)));
  gpm_gui_label_keep_name (GTK_LABEL (adw_toast_get_custom_title (toast)), gpm_journal_get_account (f->journal));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
journal_found_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GpmWindow *self = GPM_WINDOW (source);
  g_autoptr(GpmImport) import = user_data;
  FindJournal *f = g_task_get_task_data (G_TASK (result));
  g_autofree char *title = NULL;
  AdwToast *toast;

  /* Another takeout shown meanwhile, or a migration already prepared */
  if (self->shown_import != import || self->state_journal != NULL || (f->n_posted == 0 && f->saved == NULL))
    return;

  /* What was decided before comes back: posts left out, texts edited,
   * aspects, pace; the audiences once the user continues */
  if (f->saved != NULL)
    {
      GpmPlan *plan = gpm_window_get_plan (self);

      gpm_plan_restore (plan, f->saved, FALSE);
      /* Its posts left out and edited texts, in the list and the preview */
      _gpm_window_posts_refresh (self);
      g_object_set_data_full (G_OBJECT (plan), "gpm-restored-from",
                              g_strdup (gpm_journal_get_path (f->journal)), g_free);
      g_strfreev (self->continue_audiences);
      self->continue_audiences = gpm_plan_dup_audiences (f->saved);
    }

  /* Show which posts are already on the pod */
  _gpm_window_set_state_journal (self, f->journal);

  /* an offer for the takeout shown before is moot */
  dismiss_continue_toast (self);
  if (f->complete)
    {
      say_complete_once (self, f);
      return;
    }

  if (f->n_posted > 0)
    title = g_strdup_printf (ngettext ("%u post of this takeout is already on your pod. Continue where you left off?",
                                       "%u posts of this takeout are already on your pod. Continue where you left off?",
                                       f->n_posted),
                             f->n_posted);
  else
    title = g_strdup (_("A migration of this takeout was planned before. Continue where you left off?"));
  toast = gpm_gui_toast_new (title, gpm_gui_window_width (GTK_WINDOW (self)));
  adw_toast_set_button_label (toast, _("_Continue"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (continue_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_toast_set_timeout (toast, 0);
  /* shown now, even over another toast (dismiss_continue_toast()) */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_set_weak_pointer (&self->continue_toast, toast);
  self->continue_toast_added = g_get_monotonic_time ();
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_gpm_window_offer_continue (GpmWindow *self,
                            GpmImport *import)
{
  g_autofree char *pod = g_settings_get_string (self->settings, "last-pod");
  g_autofree char *user = g_settings_get_string (self->settings, "last-user");
  g_autoptr(GTask) task = NULL;
  FindJournal *f;

  if (*pod == '\0' || *user == '\0')
    return;

  f = g_new0 (FindJournal, 1);
  f->posts = g_ptr_array_ref (gpm_import_get_posts (import));
  f->pod = g_steal_pointer (&pod);
  f->user = g_steal_pointer (&user);
  task = g_task_new (self, NULL, journal_found_cb, g_object_ref (import));
  g_task_set_source_tag (task, _gpm_window_offer_continue);
  g_task_set_task_data (task, f, (GDestroyNotify) find_journal_free);
  gpm_task_run_in_thread (task, find_journal_thread);
}

typedef struct {
  GpmWindow *window;
  gboolean   running;   /* a run was going when the ticks changed */
} Ticks;

static void
audiences_updated_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Ticks *ticks = user_data;
  GpmWindow *self = ticks->window;
  g_autoptr(GError) error = NULL;

  if (!gpm_migrate_page_update_audiences_finish (GPM_MIGRATE_PAGE (source), result, &error))
    {
      /* newer ticks came before these were taken: theirs tell */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The running migration keeps its selection: %s"),
                                                      error->message);
          gpm_window_add_toast (self, message);
        }
    }
  else if (ticks->running)
    gpm_window_add_toast (self, _("The posts not sent yet follow the new selection."));
  g_object_unref (ticks->window);
  g_free (ticks);
}

/* The ticks changed: a running migration follows them for the posts not
 * sent yet (once they are chosen, in a worker), or says why it cannot */
static void
sidebar_selection_changed_cb (GpmWindow *self)
{
  g_auto(GStrv) keys = NULL;
  Ticks *ticks;

  if (gpm_migrate_page_get_plan (self->migrate_page) == NULL ||
      gpm_migrate_page_get_plan (self->migrate_page) != self->plan)
    return;
  keys = gpm_scope_sidebar_get_selected_keys (self->sidebar);
  ticks = g_new0 (Ticks, 1);
  ticks->window = g_object_ref (self);
  ticks->running = gpm_migrate_page_is_running (self->migrate_page);
  gpm_migrate_page_update_audiences_async (self->migrate_page, (const char * const *) keys, NULL,
                                           audiences_updated_cb, ticks);
}

void
_gpm_window_migration_dispose (GpmWindow *self)
{
  g_clear_object (&self->plan);
  g_clear_weak_pointer (&self->plan_import);
  g_clear_pointer (&self->continue_audiences, g_strfreev);
}

void
_gpm_window_migration_init (GpmWindow *self)
{
  self->post_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->states_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->states_cancellable = g_cancellable_new ();

  g_signal_connect_object (self->migrate_page, "close", G_CALLBACK (migrate_page_close_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "selection-changed", G_CALLBACK (sidebar_selection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* Back and Start of the plan in the window's header bar */
  gpm_migrate_page_attach_header (self->migrate_page,
                                  ADW_HEADER_BAR (gtk_widget_get_ancestor (self->back_button, ADW_TYPE_HEADER_BAR)));
  g_signal_connect_object (self->migrate_page, "post-done", G_CALLBACK (post_done_cb), self, G_CONNECT_SWAPPED);
}
