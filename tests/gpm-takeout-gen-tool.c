/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-gen-tool: writes a synthetic Google+ takeout (see
 * gpm-takeout-gen.h) and its manifest, or a fuzzing seed corpus. */
#define G_LOG_DOMAIN "gpm-takeout-gen-tool"

#include "config.h"

#include <stdlib.h>
#include <glib/gstdio.h>

#include "gpm-takeout-gen.h"

static gboolean
write_corpus (const char  *dir,
              GError     **error)
{
  g_autofree char *tmp = g_build_filename (dir, ".gen", NULL);
  guint n = 0;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot create", dir);
      return FALSE;
    }

  for (guint seed = 1; seed <= 3; seed++)
    for (GpmGenForm form = GPM_GEN_FORM_ZIP; form <= GPM_GEN_FORM_TGZ; form++)
      {
        GpmGenOptions o;
        g_autoptr(GpmGenManifest) m = NULL;
        g_autofree char *sub = g_strdup_printf ("%s/%u-%s", tmp, seed, gpm_takeout_gen_form_name (form));

        gpm_takeout_gen_options_init (&o);
        o.seed = seed;
        o.n_posts = 3 + seed;
        o.media_bytes = 2048;
        o.json_limit = 4096;
        o.cp437_names = TRUE;
        o.quirks = seed == 3;
        o.n_parts = 2;
        o.damaged_parts = seed == 2;
        o.locale = seed == 1 ? "en" : seed == 2 ? "de" : "fr";
        m = gpm_takeout_gen_write (&o, form, sub, error);
        if (m == NULL)
          return FALSE;
        for (guint k = 0; k < m->paths->len; k++)
          {
            g_autofree char *target = g_strdup_printf ("%s/seed-%u-%s-%u", dir, seed,
                                                       gpm_takeout_gen_form_name (form), k);
            if (g_rename (g_ptr_array_index (m->paths, k), target) != 0)
              {
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot move", target);
                return FALSE;
              }
            n++;
          }
        g_rmdir (sub);
      }
  g_rmdir (tmp);
  g_print ("%u corpus files in %s\n", n, dir);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  GpmGenOptions o;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmGenManifest) manifest = NULL;
  g_autofree char *form_name = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *corpus = NULL;
  g_autofree char *locale = NULL;
  g_autofree char *rezip = NULL;
  gint64 media_bytes = -1;
  int seed = 1, posts = -1, parts = 3, json_limit = -1;
  gboolean no_bad = FALSE, damaged = FALSE, cp437 = FALSE, quirks = FALSE;
  GOptionEntry entries[] = {
    { "seed", 's', 0, G_OPTION_ARG_INT, &seed, "Random seed (default 1)", "N" },
    { "posts", 'n', 0, G_OPTION_ARG_INT, &posts, "Number of good posts (default 40)", "N" },
    { "media-bytes", 'm', 0, G_OPTION_ARG_INT64, &media_bytes, "Total media bytes, about (default 256 KiB)", "BYTES" },
    { "form", 'f', 0, G_OPTION_ARG_STRING, &form_name, "folder, zip, multi or tgz (default zip)", "FORM" },
    { "parts", 'p', 0, G_OPTION_ARG_INT, &parts, "Parts of a multi-part set (default 3)", "N" },
    { "locale", 'l', 0, G_OPTION_ARG_STRING, &locale, "Folder names: en, de or fr", "LANG" },
    { "no-bad", 0, 0, G_OPTION_ARG_NONE, &no_bad, "Leave out the bad-input entries", NULL },
    { "json-limit", 0, 0, G_OPTION_ARG_INT, &json_limit, "Size limit the oversized JSON exceeds (default 65536)", "BYTES" },
    { "damaged-parts", 0, 0, G_OPTION_ARG_NONE, &damaged, "multi: add a truncated, a corrupt and a non-archive part", NULL },
    { "cp437", 0, 0, G_OPTION_ARG_NONE, &cp437, "zip: write some names in CP437 without the UTF-8 flag", NULL },
    { "quirks", 0, 0, G_OPTION_ARG_NONE, &quirks, "What real takeouts have: stale localFilePaths, same-named decoys, comments' photos named like a lost photo (the manifest's mediaRefs say what each must resolve to), post files with a BOM", NULL },
    { "rezip", 0, 0, G_OPTION_ARG_STRING, &rezip, "zip: names as a re-zipping tool writes them: windows (PowerShell's Compress-Archive, '\\' separators) or mac (HFS+, NFD)", "TOOL" },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest_path, "Write what was generated as JSON", "FILE" },
    { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus, "Write small archives as a fuzzing seed corpus into DIR and exit", "DIR" },
    { NULL }
  };
  GpmGenForm form = GPM_GEN_FORM_ZIP;

  context = g_option_context_new ("OUTDIR");
  g_option_context_set_summary (context, "Write a synthetic Google+ Stream takeout.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (corpus)
    {
      if (!write_corpus (corpus, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }

  if (argc != 2 || (form_name && !gpm_takeout_gen_form_from_name (form_name, &form)))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("%s", help);
      return 2;
    }

  gpm_takeout_gen_options_init (&o);
  o.seed = seed;
  if (posts >= 0)
    o.n_posts = posts;
  if (media_bytes >= 0)
    o.media_bytes = media_bytes;
  if (json_limit >= 0)
    o.json_limit = json_limit;
  o.bad_cases = !no_bad;
  o.n_parts = parts;
  o.damaged_parts = damaged;
  o.cp437_names = cp437;
  o.quirks = quirks;
  if (locale)
    o.locale = locale;
  o.rezip = rezip;

  manifest = gpm_takeout_gen_write (&o, form, argv[1], &error);
  if (manifest == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (manifest_path && !gpm_takeout_gen_manifest_save (manifest, manifest_path, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint k = 0; k < manifest->paths->len; k++)
    g_print ("%s\n", (char *) g_ptr_array_index (manifest->paths, k));
  return 0;
}
