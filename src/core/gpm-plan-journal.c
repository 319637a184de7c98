/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-plan-journal.c: a plan kept in the journal's plan table as rows
 * (part, key, value) in a fixed order, versioned (PLAN_VERSION): saving,
 * loading, comparing and printing them (--print-plan); and which journal a
 * takeout and an account use (gpm_plan_open_journal()). */
#define G_LOG_DOMAIN "gpm-plan"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-plan-private.h"
#include "gpm-util.h"

/* The version of the rows gpm_plan_save() writes. */
#define PLAN_VERSION "1"

static void
add_row (GPtrArray  *rows,
         const char *part,
         const char *key,
         const char *value)
{
  GpmJournalPlanRow *row = g_new0 (GpmJournalPlanRow, 1);

  row->part = g_strdup (part);
  row->key = g_strdup (key);
  row->value = g_strdup (value);
  g_ptr_array_add (rows, row);
}

/* The rows gpm_plan_save() writes, in a fixed order. */
static GPtrArray *
plan_rows (GpmPlan *self)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_journal_plan_row_free);
  g_auto(GStrv) audiences = _gpm_plan_dup_sorted (self->audiences);
  g_auto(GStrv) targets = _gpm_plan_dup_sorted (self->targets);
  g_auto(GStrv) excluded = _gpm_plan_dup_sorted (self->excluded);
  g_auto(GStrv) edited = _gpm_plan_dup_sorted (self->texts);
  char number[32];

  add_row (rows, "meta", "version", PLAN_VERSION);
  for (guint i = 0; audiences[i] != NULL; i++)
    add_row (rows, "audience", audiences[i], "1");
  for (guint i = 0; targets[i] != NULL; i++)
    {
      const Target *t = g_hash_table_lookup (self->targets, targets[i]);
      g_autofree char *value = t->target == GPM_PLAN_TARGET_ASPECT ? g_strconcat ("aspect:", t->aspect, NULL)
                               : g_strdup (t->target == GPM_PLAN_TARGET_ALL_ASPECTS ? "all-aspects" : "skip");

      add_row (rows, "target", targets[i], value);
    }
  for (guint i = 0; excluded[i] != NULL; i++)
    add_row (rows, "excluded", excluded[i], "1");
  for (guint i = 0; edited[i] != NULL; i++)
    add_row (rows, "text", edited[i], g_hash_table_lookup (self->texts, edited[i]));
  g_snprintf (number, sizeof number, "%u", self->delay);
  add_row (rows, "pace", "delay", number);
  g_snprintf (number, sizeof number, "%u", self->max_per_day);
  add_row (rows, "pace", "max-per-day", number);
  add_row (rows, "option", "own-comments", self->own_comments ? "1" : "0");
  add_row (rows, "option", "location", self->location ? "1" : "0");
  add_row (rows, "option", "archive-links", self->archive_links ? "1" : "0");
  return rows;
}

char *
gpm_plan_dump (GpmPlan *self)
{
  g_autoptr(GPtrArray) rows = NULL;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);

  rows = plan_rows (self);
  for (guint i = 0; i < rows->len; i++)
    {
      const GpmJournalPlanRow *row = g_ptr_array_index (rows, i);
      g_autofree char *value = g_strescape (row->value, NULL);

      g_string_append_printf (out, "%s\t%s\t%s\n", row->part, row->key, value);
    }
  return g_string_free (out, FALSE);
}

gboolean
gpm_plan_equal (GpmPlan *a,
                GpmPlan *b)
{
  g_autoptr(GPtrArray) ra = NULL;
  g_autoptr(GPtrArray) rb = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (a), FALSE);
  g_return_val_if_fail (GPM_IS_PLAN (b), FALSE);

  ra = plan_rows (a);
  rb = plan_rows (b);
  if (ra->len != rb->len)
    return FALSE;
  for (guint i = 0; i < ra->len; i++)
    {
      const GpmJournalPlanRow *x = g_ptr_array_index (ra, i);
      const GpmJournalPlanRow *y = g_ptr_array_index (rb, i);

      if (strcmp (x->part, y->part) != 0 || strcmp (x->key, y->key) != 0 || strcmp (x->value, y->value) != 0)
        return FALSE;
    }
  return TRUE;
}

gboolean
gpm_plan_save (GpmPlan     *self,
               GpmJournal  *journal,
               GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  g_return_val_if_fail (GPM_IS_JOURNAL (journal), FALSE);

  rows = plan_rows (self);
  return gpm_journal_replace_plan (journal, rows, error);
}

/* One save at a time per journal file, the last one last. The GUI saves
 * the plan at every decision, from the migrate page and from the window
 * (the plan restored before a sign-in), possibly into one journal: saves
 * running side by side could end with an older state written last. Each
 * journal file has a queue: one worker writes it, and a request made while
 * a save runs replaces the one still waiting, whose callers are then
 * answered by the newer state's save. Queues are keyed by the journal's
 * path (two GpmJournal objects may open one file) and exist while they
 * have work; gpm_plan_wait_saves() waits until none is left. */
typedef struct {
  char       *path;
  GpmJournal *journal;   /* the waiting request's */
  GpmPlan    *plan;      /* the state waiting to be written, NULL: none */
  GPtrArray  *tasks;     /* the requests its save answers */
} SaveQueue;

static GMutex save_lock;
static GCond save_idle;          /* a queue ran dry */
static GHashTable *save_queues;  /* path → SaveQueue, while its worker runs */

typedef struct {
  GTask  *task;
  GError *error;
} SaveResult;

/* In the task's own context: its callback, then its last reference there */
static gboolean
save_result_idle (gpointer data)
{
  SaveResult *r = data;

  if (r->error != NULL)
    g_task_return_error (r->task, g_steal_pointer (&r->error));
  else
    g_task_return_boolean (r->task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
save_result_free (SaveResult *r)
{
  g_object_unref (r->task);
  g_clear_error (&r->error);
  g_free (r);
}

static void
save_queue_thread (GTask        *runner,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SaveQueue *q = task_data;

  g_mutex_lock (&save_lock);
  while (q->plan != NULL)
    {
      g_autoptr(GpmPlan) plan = g_steal_pointer (&q->plan);
      g_autoptr(GpmJournal) journal = g_steal_pointer (&q->journal);
      g_autoptr(GPtrArray) tasks = g_steal_pointer (&q->tasks);
      g_autoptr(GError) error = NULL;

      q->tasks = g_ptr_array_new ();
      g_mutex_unlock (&save_lock);

      gpm_plan_save (plan, journal, &error);
      for (guint i = 0; i < tasks->len; i++)
        {
          SaveResult *r = g_new0 (SaveResult, 1);

          r->task = g_ptr_array_index (tasks, i);
          r->error = error != NULL ? g_error_copy (error) : NULL;
          gpm_main_context_post (g_task_get_context (r->task), G_PRIORITY_DEFAULT, "gpm-plan-saved",
                                 save_result_idle, r, (GDestroyNotify) save_result_free);
        }

      g_mutex_lock (&save_lock);
    }
  g_hash_table_remove (save_queues, q->path);
  g_free (q->path);
  g_ptr_array_unref (q->tasks);
  g_free (q);
  g_cond_broadcast (&save_idle);
  g_mutex_unlock (&save_lock);
  g_task_return_boolean (runner, TRUE);
}

/* A save nobody waits for: its failure is said in the log */
static void
save_logged_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gpm_plan_save_finish (GPM_PLAN (source), result, &error))
    g_warning ("The migration plan could not be saved: %s", error->message);
}

void
gpm_plan_save_async (GpmPlan             *self,
                     GpmJournal          *journal,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;
  GpmPlan *copy;
  const char *path;
  SaveQueue *q;

  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (GPM_IS_JOURNAL (journal));

  if (callback == NULL)
    {
      callback = save_logged_cb;
      user_data = NULL;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_plan_save_async);
  copy = gpm_plan_copy (self);
  path = gpm_journal_get_path (journal);

  g_mutex_lock (&save_lock);
  if (save_queues == NULL)
    save_queues = g_hash_table_new (g_str_hash, g_str_equal);
  q = g_hash_table_lookup (save_queues, path);
  if (q == NULL)
    {
      g_autoptr(GTask) runner = NULL;

      q = g_new0 (SaveQueue, 1);
      q->path = g_strdup (path);
      q->tasks = g_ptr_array_new ();
      g_hash_table_insert (save_queues, q->path, q);
      /* No source object, nothing owned: the worker frees the queue */
      runner = g_task_new (NULL, NULL, NULL, NULL);
      g_task_set_source_tag (runner, gpm_plan_save_async);
      g_task_set_task_data (runner, q, NULL);
      g_task_run_in_thread (runner, save_queue_thread);
    }
  /* The state of now replaces the one still waiting (the worker has not
   * taken it yet, so no newer state is lost) */
  g_clear_object (&q->plan);
  g_clear_pointer (&q->journal, gpm_object_unref_in_worker);
  q->plan = copy;
  q->journal = g_object_ref (journal);
  g_ptr_array_add (q->tasks, task);
  g_mutex_unlock (&save_lock);
}

void
gpm_plan_wait_saves (void)
{
  g_mutex_lock (&save_lock);
  while (save_queues != NULL && g_hash_table_size (save_queues) > 0)
    g_cond_wait (&save_idle, &save_lock);
  g_mutex_unlock (&save_lock);
}

gboolean
gpm_plan_save_finish (GpmPlan       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
parse_uint (const char *text,
            guint      *out)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

GpmPlan *
gpm_plan_load (GpmJournal  *journal,
               GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GpmPlan) plan = NULL;
  gboolean versioned = FALSE;

  g_return_val_if_fail (GPM_IS_JOURNAL (journal), NULL);

  rows = gpm_journal_list_plan (journal, error);
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    return NULL;

  plan = gpm_plan_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      const GpmJournalPlanRow *row = g_ptr_array_index (rows, i);
      gboolean ok = TRUE;

      if (strcmp (row->part, "meta") == 0)
        {
          if (strcmp (row->key, "version") == 0)
            {
              versioned = TRUE;
              /* A newer app's plan: its rows may mean something else */
              ok = strcmp (row->value, PLAN_VERSION) == 0;
            }
        }
      else if (strcmp (row->part, "audience") == 0)
        g_hash_table_add (plan->audiences, g_strdup (row->key));
      else if (strcmp (row->part, "target") == 0)
        {
          if (g_str_has_prefix (row->value, "aspect:") && row->value[7] != '\0')
            gpm_plan_set_target (plan, row->key, GPM_PLAN_TARGET_ASPECT, row->value + 7);
          else if (strcmp (row->value, "all-aspects") == 0)
            gpm_plan_set_target (plan, row->key, GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
          else if (strcmp (row->value, "skip") == 0)
            gpm_plan_set_target (plan, row->key, GPM_PLAN_TARGET_SKIP, NULL);
          else
            ok = FALSE;
        }
      else if (strcmp (row->part, "excluded") == 0)
        g_hash_table_add (plan->excluded, g_strdup (row->key));
      else if (strcmp (row->part, "text") == 0)
        g_hash_table_insert (plan->texts, g_strdup (row->key), g_strdup (row->value));
      else if (strcmp (row->part, "pace") == 0 && strcmp (row->key, "delay") == 0)
        ok = parse_uint (row->value, &plan->delay);
      else if (strcmp (row->part, "pace") == 0 && strcmp (row->key, "max-per-day") == 0)
        ok = parse_uint (row->value, &plan->max_per_day);
      else if (strcmp (row->part, "option") == 0 && strcmp (row->key, "own-comments") == 0)
        plan->own_comments = strcmp (row->value, "1") == 0;
      else if (strcmp (row->part, "option") == 0 && strcmp (row->key, "location") == 0)
        plan->location = strcmp (row->value, "1") == 0;
      else if (strcmp (row->part, "option") == 0 && strcmp (row->key, "archive-links") == 0)
        plan->archive_links = strcmp (row->value, "1") == 0;
      /* other rows: a later version's additions, ignored */

      if (!ok)
        {
          g_set_error (error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_CORRUPT,
                       _("The migration plan kept in %s cannot be read (%s %s = %s)"),
                       gpm_journal_get_path (journal), row->part, row->key, row->value);
          return NULL;
        }
    }
  if (!versioned)
    {
      g_set_error (error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_CORRUPT,
                   _("The migration plan kept in %s has no version"), gpm_journal_get_path (journal));
      return NULL;
    }
  return g_steal_pointer (&plan);
}

GpmJournal *
gpm_plan_open_journal (GpmPod      *pod,
                       const char  *typed_address,
                       const char  *typed_user,
                       GPtrArray   *all_posts,
                       gboolean    *out_reset,
                       GError     **error)
{
  g_autofree char *identity = NULL;
  g_autofree char *typed_account = NULL;
  g_autofree char *account = NULL;
  g_autofree char *username = NULL;
  g_autofree char *diaspora_id = NULL;
  g_autofree char *guid = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  const char *address;

  g_return_val_if_fail (pod == NULL || GPM_IS_POD (pod), NULL);
  g_return_val_if_fail (all_posts != NULL, NULL);

  if (out_reset != NULL)
    *out_reset = FALSE;
  identity = gpm_journal_takeout_identity (all_posts);
  if (pod == NULL)
    {
      g_return_val_if_fail (typed_address != NULL && typed_user != NULL, NULL);
      typed_account = gpm_journal_account_name (typed_address, typed_user);
      /* a dry run reads the journal if there is one, and creates nothing */
      return gpm_journal_open_for_account (identity, typed_account, NULL, NULL, FALSE, error);
    }

  address = gpm_pod_get_address (pod);
  username = gpm_pod_dup_username (pod);
  diaspora_id = gpm_pod_dup_diaspora_id (pod);
  guid = gpm_pod_dup_user_guid (pod);
  if (typed_user == NULL)
    typed_user = username;
  /* the account as the pod names it, and as typed (remembered as an alias
   * so that a run without signing in finds the journal too) */
  account = gpm_journal_account_name (address, diaspora_id != NULL ? diaspora_id : username);
  if (typed_user != NULL)
    typed_account = gpm_journal_account_name (typed_address != NULL ? typed_address : address, typed_user);
  journal = gpm_journal_open_for_account (identity, account, typed_account, guid, TRUE, error);
  if (journal == NULL)
    return NULL;
  if (guid != NULL && !gpm_journal_bind_account (journal, guid, out_reset, error))
    return NULL;
  return g_steal_pointer (&journal);
}
