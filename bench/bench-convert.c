/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-convert: imports a takeout, then times each stage of `convert
 * --jsonl` on its own, in one thread: the import, the posts' attachments
 * (read on first use), gpm_convert_post() over every post (media resolved in
 * the takeout), and gpm_render_markdown() over every result. Prints "posts N"
 * and "import S", "attachments S", "convert S", "render S". */
#define G_LOG_DOMAIN "bench-convert"

#include "config.h"

#include <stdio.h>

#include "gpm-convert.h"
#include "gpm-import.h"
#include "gpm-render.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GpmImport) import = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) markdown = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *posts;
  GpmTakeout *takeout;
  gint64 t0, ta, t1, t2, t3;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-convert TAKEOUT…\n");
      return 2;
    }

  t0 = g_get_monotonic_time ();
  import = gpm_import_new ((const char * const *) argv + 1);
  if (!gpm_import_run (import, NULL, &error))
    {
      fprintf (stderr, "bench-convert: %s\n", error->message);
      return 1;
    }
  posts = gpm_import_get_posts (import);
  takeout = gpm_import_get_takeout (import);

  /* The post model reads attachments on first use: do it here, so that the
   * convert stage is the conversion alone. */
  ta = g_get_monotonic_time ();
  for (guint i = 0; i < posts->len; i++)
    (void) gpm_post_get_author (g_ptr_array_index (posts, i));

  t1 = g_get_monotonic_time ();
  for (guint i = 0; i < posts->len; i++)
    {
      g_autoptr(GpmConvertResult) r = gpm_convert_post (g_ptr_array_index (posts, i), NULL,
                                                        gpm_convert_takeout_resolver, takeout);
      g_ptr_array_add (markdown, g_steal_pointer (&r->markdown));
    }

  t2 = g_get_monotonic_time ();
  for (guint i = 0; i < markdown->len; i++)
    {
      g_autofree char *html = gpm_render_markdown (g_ptr_array_index (markdown, i), NULL);
    }
  t3 = g_get_monotonic_time ();

  printf ("posts %u\nimport %.6f\nattachments %.6f\nconvert %.6f\nrender %.6f\n", posts->len,
          (ta - t0) / 1e6, (t1 - ta) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
  return 0;
}
