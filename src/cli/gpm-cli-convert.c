/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "gpm-cli.h"
#include "gpm-convert.h"
#include "gpm-post.h"

int
gpm_cli_convert (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  gboolean html = FALSE, jsonl = FALSE;
  const GOptionEntry entries[] = {
    { "html", 0, 0, G_OPTION_ARG_NONE, &html, N_("Print the preview HTML instead of the Markdown"), NULL },
    { "jsonl", 0, 0, G_OPTION_ARG_NONE, &jsonl, N_("Convert every post of a takeout, one JSON object per line"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, N_("POST.json") },
    { NULL }
  };

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Convert a Google+ post to diaspora* Markdown."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return GPM_CLI_USAGE;
    }
  if (args == NULL || args[0] == NULL || args[1] != NULL)
    {
      fprintf (stderr, _("%s: give exactly one post file\n"), argv[0]);
      return GPM_CLI_USAGE;
    }

  {
    g_autoptr(GpmPost) post = gpm_post_new_from_file (args[0], &error);
    g_autoptr(GpmConvertResult) r = NULL;
    if (post == NULL)
      {
        fprintf (stderr, "%s: %s\n", args[0], error->message);
        return GPM_CLI_BAD_INPUT;
      }
    r = gpm_convert_post (post, NULL, NULL, NULL);
    fputs (r->markdown, stdout);
    fputc ('\n', stdout);
  }
  return GPM_CLI_OK;
}
