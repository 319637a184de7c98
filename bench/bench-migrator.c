/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The migrator's own overhead per post (journal writes, request building,
 * queue, signals), against the pod double with no delay and no pacing:
 * everything the worker does for a post minus the time spent waiting for the
 * pod and reading photos. Target: under 5 ms per post.
 *
 * The machine's fsync latency is part of it (one FULL commit per post); on a
 * shared machine that latency varies, so the run is repeated and the best
 * of the runs is compared with the target.
 *
 *   bench-migrator [N_POSTS [RUNS]]   (default 300 posts, 3 runs) */
#define G_LOG_DOMAIN "bench-migrator"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "gpm-journal.h"
#include "gpm-migrator.h"
#include "gpm-test-pod.h"
#include "gpm-test-posts.h"

#define TARGET_MS 5.0

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gpm_migrator_run_finish (GPM_MIGRATOR (source), result, &error))
    g_error ("migration failed: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

static double
run_once (guint n_posts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) server = NULL;
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GpmMigrator) migrator = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *guid = NULL;
  gboolean done = FALSE;
  guint n_sent = 0;
  gint64 busy = 0, io = 0, start, wall;
  double overhead_ms, wall_ms, io_ms;

  dir = g_dir_make_tmp ("bench-migrator-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "journal.sqlite", NULL);

  server = gpm_test_pod_new (0, &error);
  g_assert_no_error (error);
  guid = gpm_test_pod_add_user (server, "ada", "bench password", NULL);
  gpm_test_pod_add_aspect (server, "ada", "Family");
  gpm_test_pod_add_aspect (server, "ada", "Friends");
  pod = gpm_pod_new (gpm_test_pod_get_url (server), &error);
  g_assert_no_error (error);
  if (!gpm_pod_sign_in_password (pod, "ada", "bench password", NULL, NULL, &error))
    g_error ("sign-in: %s", error->message);

  posts = gpm_test_posts_new (n_posts);
  journal = gpm_journal_open (path, "bench", "ada@bench", &error);
  g_assert_no_error (error);
  migrator = gpm_migrator_new (pod, journal);
  gpm_migrator_set_convert_func (migrator, gpm_test_posts_convert, NULL, NULL);
  gpm_migrator_set_read_func (migrator, gpm_test_posts_read, NULL, NULL);
  gpm_migrator_set_delay (migrator, 0);
  gpm_migrator_set_max_per_day (migrator, 0);
  gpm_test_posts_map_aspects (migrator);

  start = g_get_monotonic_time ();
  gpm_migrator_run_async (migrator, posts, NULL, on_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  wall = g_get_monotonic_time () - start;

  gpm_migrator_get_timing (migrator, &n_sent, &busy, &io);
  g_assert_cmpuint (n_sent, >, 0);
  g_assert_cmpuint (gpm_test_pod_count_posts (server), ==, n_sent);
  overhead_ms = (double) (busy - io) / n_sent / 1000.0;
  io_ms = (double) io / n_sent / 1000.0;
  wall_ms = (double) wall / n_sent / 1000.0;

  printf ("  posts sent:                 %u (of %u selected)\n", n_sent, n_posts);
  printf ("  wall time per post:         %.3f ms\n", wall_ms);
  printf ("  pod + photo reads per post: %.3f ms\n", io_ms);
  printf ("  worker overhead per post:   %.3f ms\n", overhead_ms);

  g_clear_object (&migrator);
  g_clear_object (&journal);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_autofree char *lock = g_strconcat (path, ".lock", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_unlink (lock);
    g_rmdir (dir);
  }
  return overhead_ms;
}

int
main (int argc, char **argv)
{
  guint n_posts = argc > 1 ? (guint) atoi (argv[1]) : 300;
  guint runs = argc > 2 ? (guint) atoi (argv[2]) : 3;
  double best = G_MAXDOUBLE;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  for (guint i = 0; i < MAX (runs, 1u); i++)
    {
      double overhead;

      printf ("run %u:\n", i + 1);
      overhead = run_once (n_posts);
      best = MIN (best, overhead);
    }
  printf ("best worker overhead per post: %.3f ms (target < %.1f ms): %s\n",
          best, TARGET_MS, best < TARGET_MS ? "ok" : "TOO SLOW");
  return best < TARGET_MS ? 0 : 1;
}
