/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-takeout: runs gpm_takeout_load() over a takeout with a callback
 * that only counts, and prints what it found and how long it took. */
#define G_LOG_DOMAIN "bench-takeout"

#include "config.h"

#include <stdio.h>

#include "gpm-takeout.h"

typedef struct {
  guint   n_json;
  guint64 json_bytes;
} Counts;

static void
count_json (const char *name,
            GBytes     *data,
            gpointer    user_data)
{
  Counts *c = user_data;
  c->n_json++;
  c->json_bytes += g_bytes_get_size (data);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTakeout) takeout = NULL;
  gboolean verbose = FALSE;
  gboolean read_entries = FALSE;
  Counts counts = { 0 };
  GPtrArray *problems;
  gint64 start;
  int first = 1;

  gpm_takeout_setup_process (GPM_MALLOC_ARENAS_LEAN);

  for (; first < argc && argv[first][0] == '-'; first++)
    {
      if (g_str_equal (argv[first], "-v"))
        verbose = TRUE;
      else if (g_str_equal (argv[first], "-r"))
        read_entries = TRUE;
      else
        break;
    }
  if (argc <= first)
    {
      g_printerr ("usage: bench-takeout [-v] [-r] TAKEOUT…\n"
                  "  -v  list the problems\n"
                  "  -r  also time read_entry on 20 entries\n");
      return 2;
    }

  start = g_get_monotonic_time ();
  takeout = gpm_takeout_new ((const char * const *) argv + first, &error);
  if (takeout == NULL || !gpm_takeout_load (takeout, count_json, NULL, &counts, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  problems = gpm_takeout_get_problems (takeout);
  printf ("entries: %u\njson: %u (%" G_GUINT64_FORMAT " bytes)\nproblems: %u\nseconds: %.3f\n",
          gpm_takeout_get_entries (takeout)->len, counts.n_json, counts.json_bytes,
          problems->len, (g_get_monotonic_time () - start) / 1e6);
  /* Streaming single entries (previews, uploads): 20 spread over the takeout. */
  if (read_entries)
  {
    GPtrArray *entries = gpm_takeout_get_entries (takeout);
    double worst = 0, sum = 0;
    guint n = 0;

    for (guint k = 0; entries->len && k < entries->len; k += MAX (1, entries->len / 20))
      {
        const GpmTakeoutEntry *e = g_ptr_array_index (entries, k);
        g_autoptr(GBytes) bytes = NULL;
        double s;

        start = g_get_monotonic_time ();
        g_autofree char *name = gpm_takeout_dup_entry_name (takeout, e);

        bytes = gpm_takeout_read_entry (takeout, name, 0, NULL, &error);
        if (bytes == NULL)
          {
            g_printerr ("%s\n", error->message);
            return 1;
          }
        s = (g_get_monotonic_time () - start) / 1e6;
        worst = MAX (worst, s);
        sum += s;
        n++;
      }
    if (n)
      printf ("read_entry: %u entries, %.3f s on average, %.3f s at worst\n", n, sum / n, worst);
  }

  if (verbose)
    for (guint k = 0; k < problems->len; k++)
      {
        g_autofree char *s = gpm_problem_to_string (g_ptr_array_index (problems, k));
        printf ("  %s\n", s);
      }
  return 0;
}
