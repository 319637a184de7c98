/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "gpm-cli.h"
#include "gpm-takeout.h"
#include "gpm-util.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "scopes", gpm_cli_scopes, N_("Count the posts of each audience (visibility scope)") },
  { "select", gpm_cli_select, N_("List the posts shared with the given audiences") },
  { "convert", gpm_cli_convert, N_("Print a post as diaspora* Markdown (or its preview HTML)") },
  { "export", gpm_cli_export, N_("Write the selected posts to a folder as Markdown files") },
  { "post", gpm_cli_post, N_("Repost the selected posts to a diaspora* pod") },
  { "status", gpm_cli_status, N_("Show how far the migration to a pod account has got") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: gplus-migrate-cli COMMAND [OPTION…] [TAKEOUT…]"));
  fprintf (out, "%s\n", _("Move Google+ posts from a Google Takeout archive to a diaspora* pod."));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “gplus-migrate-cli COMMAND --help” for the options of a command."));
}

int
main (int argc, char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  gpm_takeout_setup_process (GPM_MALLOC_ARENAS_FAST);
  gpm_i18n_init ();

  if (argc < 2)
    {
      print_usage (stderr);
      return GPM_CLI_USAGE;
    }
  name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_usage (stdout);
      return GPM_CLI_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      printf ("gplus-migrate-cli %s\n", PACKAGE_VERSION);
      return GPM_CLI_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].run != NULL && strcmp (name, commands[i].name) == 0)
      {
        g_autofree char *prog = g_strdup_printf ("gplus-migrate-cli %s", name);
        argv[1] = prog;
        return commands[i].run (argc - 1, argv + 1);
      }

  fprintf (stderr, _("gplus-migrate-cli: unknown command “%s”\n\n"), name);
  print_usage (stderr);
  return GPM_CLI_USAGE;
}
