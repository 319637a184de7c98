/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "gpm-cli.h"
#include "gpm-cli-common.h"
#include "gpm-export.h"

typedef struct {
  gboolean tty;
  gint64   last;
} Progress;

static void
on_progress (guint done, guint total, const char *entry, gpointer user_data)
{
  Progress *p = user_data;
  gint64 now = g_get_monotonic_time ();

  /* At most a few lines a second; always the last one. */
  if (done != total && now - p->last < (p->tty ? 100 : 2000) * G_TIME_SPAN_MILLISECOND)
    return;
  p->last = now;
  /* On a terminal the line rewrites itself; in a log each update is a line. */
  if (p->tty)
    fputc ('\r', stderr);
  fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "Exported %u of %u post", "Exported %u of %u posts", total),
           done, total);
  if (!p->tty || done == total)
    fputc ('\n', stderr);
  fflush (stderr);
}

int
gpm_cli_export (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
  g_autofree GOptionEntry *sel_entries = NULL;
  g_autofree GOptionEntry *convert_entries = NULL;
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autofree char *out = NULL;
  GpmCliSelection sel = { 0 };
  GpmCliInput input;
  Progress progress = { isatty (STDERR_FILENO), 0 };
  int status;
  gboolean with_own_comments = FALSE;
  GOptionEntry options[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The folder to write to (created when missing; must be empty or an earlier export)"), N_("DIR") },
    { "with-own-comments", 0, 0, G_OPTION_ARG_NONE, &with_own_comments, N_("Add the comments you wrote under your own posts to each post’s file (never other people’s)"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("[TAKEOUT…] --out DIR"));
  g_option_context_set_summary (context,
    _("Write the selected posts to a folder as Markdown files (YYYY-MM-DD-slug.md\n"
      "with a YAML front matter), their photos and videos next to them, and an\n"
      "index.md. Running it again updates the folder in place to the new selection.\n\n"
      "TAKEOUT is a Google Takeout .zip (or all parts of a multi-part set), a .tgz, or\n"
      "an extracted folder. Without TAKEOUT, reads the paths of post JSON files on\n"
      "standard input, one per line (then no media are copied)."));
  sel_entries = gpm_cli_selection_entries (&sel);
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, sel_entries, GETTEXT_PACKAGE);
  convert_entries = gpm_cli_convert_entries (settings);
  g_option_context_add_main_entries (context, convert_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      fprintf (stderr, _("Try “%s --help”.\n"), argv[0]);
      gpm_cli_selection_clear (&sel);
      return GPM_CLI_USAGE;
    }
  if (out == NULL || *out == '\0')
    {
      fprintf (stderr, "%s\n", _("gplus-migrate-cli export: say where to write: --out DIR"));
      gpm_cli_selection_clear (&sel);
      return GPM_CLI_USAGE;
    }
  if (gpm_cli_selection_is_empty (&sel))
    {
      fprintf (stderr, "%s\n", _("gplus-migrate-cli export: say which posts to export: --public, --circles, --ext-circles, --essentially-public or --id ID"));
      gpm_cli_selection_clear (&sel);
      return GPM_CLI_USAGE;
    }

  if (!gpm_cli_input_load (&input, argv + 1, "gplus-migrate-cli"))
    {
      gpm_cli_selection_clear (&sel);
      return GPM_CLI_BAD_INPUT;
    }
  gpm_cli_input_print_problems (&input);
  status = input.problems->len > 0 ? GPM_CLI_BAD_INPUT : GPM_CLI_OK;

  posts = gpm_cli_input_select (&input, &sel);
  settings->own_comments = with_own_comments;
  if (!gpm_export_posts (input.import ? gpm_import_get_takeout (input.import) : NULL,
                         posts, out, settings, on_progress, &progress, problems, NULL, &error))
    {
      fprintf (stderr, "gplus-migrate-cli: %s\n", error->message);
      status = GPM_CLI_BAD_INPUT;
    }
  for (guint i = 0; i < problems->len; i++)
    {
      GpmProblem *p = g_ptr_array_index (problems, i);
      g_autofree char *name = gpm_cli_input_dup_display_name (&input, p->name);
      fprintf (stderr, "gplus-migrate-cli: %s: %s\n", name, p->message);
    }
  gpm_cli_input_clear (&input);
  gpm_cli_selection_clear (&sel);
  return status;
}
