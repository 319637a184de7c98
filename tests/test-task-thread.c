/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm_task_run_in_thread(): a task's source object and data are let go in
 * the thread that made the task, never in the worker. The GUI's windows and
 * pages are their workers' source objects: one finalized in GTask's worker
 * tore GTK and WebKit down off the main thread (WebKit aborts without a
 * word: the intermittent SIGABRT of test-gui-migrate). GTask's worker drops
 * its own reference right after it queued the callback, so the race is
 * lost only when the worker is preempted there; this program makes it
 * certain: its own g_source_attach(), which libgio's calls reach before
 * GLib's, holds a worker back right after it queued a source for the main
 * thread, so the callback and the caller's unrefs run first. */
#define G_LOG_DOMAIN "test-task-thread"

#include <dlfcn.h>   /* RTLD_NEXT: the build defines _GNU_SOURCE */

#include <gio/gio.h>

#include "gpm-util.h"

#define HOLD_USEC (100 * 1000)

static GThread *main_thread;
static int hold_workers;

guint
g_source_attach (GSource      *source,
                 GMainContext *context)
{
  static guint (*real_attach) (GSource *, GMainContext *);
  guint id;

  if (real_attach == NULL)
    real_attach = (guint (*) (GSource *, GMainContext *)) dlsym (RTLD_NEXT, "g_source_attach");
  id = real_attach (source, context);
  if (g_atomic_int_get (&hold_workers) && g_thread_self () != main_thread &&
      (context == NULL || context == g_main_context_default ()))
    g_usleep (HOLD_USEC);
  return id;
}

typedef struct {
  GObject  *source;
  GThread  *source_released;   /* the thread each was let go in */
  GThread  *data_released;
  gboolean  func_saw_task;
  gboolean  returned;
  guint     n_callbacks;
} Witness;

static void
source_gone (gpointer  data,
             GObject  *where_the_object_was)
{
  g_atomic_pointer_set (&((Witness *) data)->source_released, g_thread_self ());
}

static void
data_gone (gpointer data)
{
  g_atomic_pointer_set (&((Witness *) data)->data_released, g_thread_self ());
}

static void
work_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Witness *w = task_data;

  w->func_saw_task = g_thread_self () != main_thread && source_object == w->source &&
                     cancellable == g_task_get_cancellable (task);
  g_task_return_boolean (task, TRUE);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Witness *w = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_true (source == w->source);
  w->returned = g_task_propagate_boolean (G_TASK (result), NULL);
  w->n_callbacks++;
}

/* A task on a source object only the task holds once it runs (a window
 * destroyed while its worker reads), run by @run_in_thread. */
static void
run_task (void (*run_in_thread) (GTask *, GTaskThreadFunc),
          Witness *w)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GTask *task;
  gint64 deadline;

  w->source = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_weak_ref (w->source, source_gone, w);
  task = g_task_new (w->source, cancellable, done_cb, w);
  g_task_set_task_data (task, w, data_gone);

  g_atomic_int_set (&hold_workers, TRUE);
  run_in_thread (task, work_thread);
  g_object_unref (task);
  g_object_unref (w->source);
  /* until both are gone (each hold of a worker is 100 ms) */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((g_atomic_pointer_get (&w->source_released) == NULL || g_atomic_pointer_get (&w->data_released) == NULL) &&
         g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_atomic_int_set (&hold_workers, FALSE);
  g_assert_nonnull (w->source_released);
  g_assert_nonnull (w->data_released);
}

/* What the GUI's workers did before: GTask's own worker lets the source
 * object go when it loses the race this program makes certain. (Skipped
 * where a GLib releases the task in the caller's thread itself.) */
static void
test_gtask_race (void)
{
  Witness w = { 0 };

  run_task (g_task_run_in_thread, &w);
  g_assert_cmpuint (w.n_callbacks, ==, 1);
  if (w.source_released == main_thread)
    {
      g_test_skip ("this GLib's GTask lets the task go in the caller's thread");
      return;
    }
  g_assert_true (w.source_released != main_thread);
}

static void
test_released_in_caller (void)
{
  Witness w = { 0 };

  run_task (gpm_task_run_in_thread, &w);
  g_assert_true (w.func_saw_task);
  g_assert_cmpuint (w.n_callbacks, ==, 1);
  g_assert_true (w.returned);
  g_assert_true (w.source_released == main_thread);
  g_assert_true (w.data_released == main_thread);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  g_test_add_func ("/task-thread/gtask-race", test_gtask_race);
  g_test_add_func ("/task-thread/released-in-caller", test_released_in_caller);

  return g_test_run ();
}
