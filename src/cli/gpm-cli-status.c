/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `status`: what the migration journal says about a takeout and a pod account. */
#define G_LOG_DOMAIN "gpm-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "gpm-cli.h"
#include "gpm-cli-common.h"
#include "gpm-journal.h"
#include "gpm-pod.h"

static const char *
state_label (GpmJournalState state)
{
  static const char *labels[GPM_JOURNAL_N_STATES] = {
    N_("waiting"), N_("uploading photos"), N_("sent, not confirmed"),
    N_("posted"), N_("failed"), N_("skipped"),
  };
  return _(labels[state]);
}

int
gpm_cli_status (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pod_typed = NULL;
  g_autofree char *username = NULL;
  g_autofree char *address = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *account = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gboolean verbose = FALSE;
  guint counts[GPM_JOURNAL_N_STATES] = { 0 };
  GpmCliInput input = { 0 };
  int status = GPM_CLI_OK;
  GOptionEntry options[] = {
    { "pod", 0, 0, G_OPTION_ARG_STRING, &pod_typed, N_("The diaspora* pod"), N_("URL") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &username, N_("Your user name on the pod"), N_("NAME") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("List every post, not only the ones that need attention"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("TAKEOUT…"));
  g_option_context_set_summary (context, _("Show how far the migration of TAKEOUT to the account has got."));
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2 || pod_typed == NULL || username == NULL)
    {
      fprintf (stderr, "gplus-migrate-cli: %s\n", error != NULL ? error->message : _("TAKEOUT, --pod and --user are needed"));
      fprintf (stderr, _("Try “%s --help”.\n"), argv[0]);
      return GPM_CLI_USAGE;
    }

  address = gpm_pod_normalize_address (pod_typed, &error);
  if (address == NULL)
    {
      fprintf (stderr, "gplus-migrate-cli: %s: %s\n", pod_typed, error->message);
      return GPM_CLI_BAD_INPUT;
    }
  if (!gpm_cli_input_load (&input, argv + 1, "gplus-migrate-cli"))
    return GPM_CLI_BAD_INPUT;
  gpm_cli_input_print_problems (&input);

  identity = gpm_journal_takeout_identity (gpm_import_get_posts (input.import));
  account = gpm_journal_account_name (address, username);
  /* the journal the post command keeps for this account (the rule is
   * gpm_journal_open_for_account()), without creating one */
  journal = gpm_journal_open_for_account (identity, account, NULL, NULL, FALSE, &error);
  if (journal == NULL && error == NULL)
    {
      printf (_("Nothing migrated yet from this takeout to %s.\n"), account);
      gpm_cli_input_clear (&input);
      return GPM_CLI_OK;
    }
  if (journal == NULL || !gpm_journal_count (journal, counts, &error) ||
      (entries = gpm_journal_list (journal, &error)) == NULL)
    {
      fprintf (stderr, "gplus-migrate-cli: %s\n", error->message);
      gpm_cli_input_clear (&input);
      return GPM_CLI_BAD_INPUT;
    }
  path = g_strdup (gpm_journal_get_path (journal));
  g_free (account);
  account = g_strdup (gpm_journal_get_account (journal));

  printf (_("Account: %s\n"), account);
  printf (_("Journal: %s\n"), path);
  printf (_("Posts in the takeout: %u\n"), gpm_import_get_posts (input.import)->len);
  for (guint i = 0; i < GPM_JOURNAL_N_STATES; i++)
    printf ("  %-22s %u\n", state_label (i), counts[i]);
  if (counts[GPM_JOURNAL_STATE_POSTED] > 0)
    {
      g_autoptr(GDateTime) last = g_date_time_new_from_unix_local (gpm_journal_last_posted_at (journal));
      g_autofree char *when = g_date_time_format (last, "%c");

      printf (_("Last post: %s\n"), when);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      GpmJournalEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *name = NULL;

      if (!verbose && entry->state == GPM_JOURNAL_STATE_POSTED)
        continue;
      if (!verbose && entry->state == GPM_JOURNAL_STATE_PENDING)
        continue;
      name = gpm_cli_input_dup_display_name (&input, entry->entry_name);
      printf ("%s: %s", name, state_label (entry->state));
      if (entry->state == GPM_JOURNAL_STATE_POSTED && entry->guid != NULL)
        printf (" (%s)", entry->guid);
      if (entry->reason != NULL)
        printf (" — %s", entry->reason);
      printf ("\n");
    }

  gpm_cli_input_clear (&input);
  return status;
}
