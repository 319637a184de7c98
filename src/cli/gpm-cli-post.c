/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `post`: repost the selected posts to a diaspora* pod, slowly, resumably. */
#define G_LOG_DOMAIN "gpm-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "gpm-cli.h"
#include "gpm-cli-common.h"
#include "gpm-convert.h"
#include "gpm-journal.h"
#include "gpm-migrator.h"
#include "gpm-plan.h"
#include "gpm-pod.h"
#include "gpm-secrets.h"

/* Photos larger than this are not read into memory (diaspora's own limit is far lower). */

typedef struct {
  GpmTakeout  *takeout;
  GpmPod      *pod;
  GpmMigrator *migrator;
  GMainLoop   *loop;
  char        *username;
  char        *password;
  gboolean     ok;
  GError      *error;
  guint        n_interrupts;
  guint        n_auth;
  guint        index;
  guint        n_sent;      /* posted by this run */
} PostRun;

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

/* A line from the terminal, without echo when @secret. NULL without a terminal. */
static char *
prompt_tty (const char *question,
            gboolean    secret)
{
  struct termios saved, quiet;
  char buffer[1024];
  gboolean restore = FALSE;
  FILE *tty;
  char *line = NULL;

  tty = fopen ("/dev/tty", "r+");
  if (tty == NULL)
    return NULL;
  fputs (question, tty);
  fflush (tty);
  if (secret && tcgetattr (fileno (tty), &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      quiet.c_lflag |= ECHONL;
      restore = tcsetattr (fileno (tty), TCSAFLUSH, &quiet) == 0;
    }
  if (fgets (buffer, sizeof buffer, tty) != NULL)
    {
      buffer[strcspn (buffer, "\r\n")] = '\0';
      line = g_strdup (buffer);
    }
  explicit_bzero (buffer, sizeof buffer);
  if (restore)
    tcsetattr (fileno (tty), TCSAFLUSH, &saved);
  fclose (tty);
  return line;
}

static char *
read_password_stdin (void)
{
  GString *line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (c == EOF && line->len == 0)
    {
      g_string_free (line, TRUE);
      return NULL;
    }
  return g_string_free (line, FALSE);
}

/* Sign-in attempts when the pod is down or throttles (pods since 0.9.0.0
 * allow 20 per 5 minutes), waiting as the pod's retry policy says. */
#define SIGN_IN_TRIES 10

/* Seconds to wait before retry @attempt (gpm_pod_retry_delay_ms()). */
static guint
retry_wait (const GError *error,
            guint         attempt)
{
  guint64 ms = gpm_pod_retry_delay_ms (error, attempt, GPM_POD_RETRY_BASE_MS, GPM_POD_RETRY_MAX_MS, NULL);

  return (guint) ((ms + 999) / 1000);
}

/* Finds the pod (following its moves: apex → www, http → https), waiting
 * and trying again while it is unreachable or busy, like sign_in(). */
static gboolean
discover (PostRun  *run,
          GError  **error)
{
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GpmPodInfo) info = gpm_pod_discover (run->pod, NULL, &local);
      guint wait;

      if (info != NULL)
        return TRUE;
      if (!gpm_pod_error_is_transient (local) || attempt + 1 >= SIGN_IN_TRIES)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      wait = retry_wait (local, attempt);
      /* Translators: %s is why reaching the pod failed, %u a number of seconds */
      fprintf (stderr, _("Reaching the pod failed (%s); trying again in %u s\n"), local->message, wait);
      g_usleep ((gulong) wait * G_USEC_PER_SEC);
    }
}

/* Signs in with the password, asking for a two-factor code on the terminal
 * when needed; waits and tries again while the pod is unreachable, busy or
 * rate limiting. */
static gboolean
sign_in (PostRun  *run,
         GError  **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *code = NULL;

  for (guint attempt = 0;; attempt++)
    {
      guint wait;

      g_clear_error (&local);
      if (gpm_pod_sign_in_password (run->pod, run->username, run->password, NULL, NULL, &local))
        return TRUE;
      if (!gpm_pod_error_is_transient (local) || attempt + 1 >= SIGN_IN_TRIES)
        break;
      wait = retry_wait (local, attempt);
      /* Translators: %s is why signing in failed, %u a number of seconds */
      fprintf (stderr, _("Signing in failed (%s); trying again in %u s\n"), local->message, wait);
      g_usleep ((gulong) wait * G_USEC_PER_SEC);
    }
  if (!g_error_matches (local, GPM_POD_ERROR, GPM_POD_ERROR_TWO_FACTOR_NEEDED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  code = prompt_tty (_("Two-factor authentication code: "), FALSE);
  if (code == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_clear_error (&local);
  return gpm_pod_sign_in_password (run->pod, run->username, run->password, g_strstrip (code), NULL, error);
}

static const char *
state_label (GpmJournalState state)
{
  switch (state)
    {
    case GPM_JOURNAL_STATE_POSTED:
      return _("posted");
    case GPM_JOURNAL_STATE_SKIPPED:
      return _("skipped");
    case GPM_JOURNAL_STATE_ATTEMPTING:
      return _("not confirmed");
    default:
      return _("failed");
    }
}

static void
on_post_started (GpmMigrator *migrator,
                 GpmPost     *post,
                 PostRun     *run)
{
  run->index++;
  fprintf (stderr, _("[%u/%u] %s…\n"), gpm_migrator_get_n_done (migrator) + gpm_migrator_get_n_skipped (migrator) +
           gpm_migrator_get_n_failed (migrator) + 1, gpm_migrator_get_n_total (migrator),
           gpm_post_get_entry_name (post));
}

static void
on_post_finished (GpmMigrator     *migrator,
                  GpmPost         *post,
                  GpmJournalState  state,
                  GError          *error,
                  PostRun         *run)
{
  if (error != NULL)
    fprintf (stderr, "  %s: %s\n", state_label (state), error->message);
  else
    fprintf (stderr, "  %s\n", state_label (state));
  if (state == GPM_JOURNAL_STATE_POSTED)
    run->n_sent++;
  /* Progress: sessions may expire again later in a long run. */
  run->n_auth = 0;
}

static void
on_waiting (GpmMigrator *migrator,
            guint        seconds,
            const char  *reason,
            PostRun     *run)
{
  /* Translators: %s says why, %u is a number of seconds */
  fprintf (stderr, _("  %s; waiting %u s\n"), reason, seconds);
}

static void
on_auth_required (GpmMigrator *migrator,
                  GError      *error,
                  PostRun     *run)
{
  g_autoptr(GError) local = NULL;

  fprintf (stderr, _("The pod asks to sign in again (%s)\n"), error->message);
  /* With the password we have, a few times in a row at most. */
  if (run->n_auth++ < 3 && sign_in (run, &local))
    {
      gpm_migrator_resume (migrator);
      return;
    }
  if (local != NULL && run->error == NULL)
    run->error = g_error_copy (local);
  gpm_migrator_cancel (migrator);
}

static gboolean
on_sigint (gpointer user_data)
{
  PostRun *run = user_data;

  if (run->n_interrupts++ == 0)
    {
      fputs (_("Stopping after the current step (press Ctrl+C again to quit at once)…\n"), stderr);
      gpm_migrator_cancel (run->migrator);
      return G_SOURCE_CONTINUE;
    }
  /* The journal is written before every step: quitting now loses nothing. */
  fputs (_("Quitting; the next run checks the pod for the post in flight.\n"), stderr);
  _exit (GPM_CLI_BAD_INPUT);
  return G_SOURCE_REMOVE;
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PostRun *run = user_data;
  GError *error = NULL;

  run->ok = gpm_migrator_run_finish (GPM_MIGRATOR (source), result, &error);
  if (error != NULL)
    {
      if (run->error == NULL)
        run->error = error;
      else
        g_error_free (error);
    }
  g_main_loop_quit (run->loop);
}

/* Prints what a run would send; returns how many it would send (@out_posted:
 * how many are on the pod already) */
static guint
print_plan (GPtrArray *items,
            guint     *out_posted)
{
  guint n = 0, n_posted = 0, n_skipped = 0, n_failed = 0;

  for (guint i = 0; i < items->len; i++)
    {
      GpmMigratorItem *item = g_ptr_array_index (items, i);

      if (item->journal_state == GPM_JOURNAL_STATE_POSTED)
        {
          n_posted++;
          continue;
        }
      n++;
      printf ("=== %u. %s (%s)\n", n, gpm_post_get_entry_name (item->post), item->key);
      if (item->skip != NULL)
        {
          n_skipped++;
          printf (_("Skipped: %s\n\n"), item->skip->message);
          continue;
        }
      if (item->error != NULL)
        {
          n_failed++;
          printf (_("Not sendable: %s\n\n"), item->error->message);
          continue;
        }
      if (item->is_public)
        printf (_("Visibility: public\n"));
      else
        {
          g_autofree char *names = NULL;

          g_ptr_array_add (item->aspects, NULL);
          names = g_strjoinv (", ", (char **) item->aspects->pdata);
          g_ptr_array_remove_index (item->aspects, item->aspects->len - 1);
          printf (_("Visibility: limited to aspects %s\n"), names);
        }
      for (guint j = 0; j < item->photos->len; j++)
        printf (_("Photo %u: %s\n"), j + 1, (const char *) g_ptr_array_index (item->photos, j));
      if (item->poll_question != NULL)
        {
          printf (_("Poll: %s\n"), item->poll_question);
          for (guint j = 0; j < item->poll_answers->len; j++)
            printf ("  - %s\n", (const char *) g_ptr_array_index (item->poll_answers, j));
        }
      if (item->location != NULL)
        printf (_("Location: %s\n"), item->location);
      printf ("--- %s\n%s\n--- %s\n\n", _("text"), item->text, _("end"));
      /* a text over diaspora*'s limit: the rest, in comments under the post */
      for (guint j = 0; item->continuation != NULL && j < item->continuation->len; j++)
        printf ("--- %s\n%s\n--- %s\n\n",
                _("continued in a comment"), (const char *) g_ptr_array_index (item->continuation, j), _("end"));
      for (guint j = 0; item->comments != NULL && j < item->comments->len; j++)
        printf ("--- %s %u\n%s\n--- %s\n\n", _("your comment"), j + 1,
                (const char *) g_ptr_array_index (item->comments, j), _("end"));
    }
  fflush (stdout);
  fprintf (stderr, _("Dry run: %u to send, %u already posted, %u skipped, %u not sendable. Nothing was sent.\n"),
           n - n_skipped - n_failed, n_posted, n_skipped, n_failed);
  *out_posted = n_posted;
  return n - n_skipped - n_failed;
}

/* The plan the options describe: what `post` saves in the journal, and
 * what the app builds from the same choices (tests/test-gui-migrate.c
 * checks they are the same). */
static GpmPlan *
build_plan (GpmCliInput              *input,
            const GpmCliSelection    *sel,
            const GpmConvertSettings *settings,
            int                       delay,
            int                       max_per_day,
            GStrv                     aspects,
            GStrv                     all_aspects,
            GStrv                     skip,
            GStrv                     left_out)
{
  GpmPlan *plan = gpm_plan_new ();
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  gpm_cli_selection_add_keys (sel, keys);
  if (sel->essentially_public)
    {
      g_auto(GStrv) preset = gpm_scope_index_essentially_public_keys (input->index);

      g_strv_builder_addv (keys, (const char **) preset);
    }
  strv = g_strv_builder_end (keys);
  gpm_plan_set_audiences (plan, (const char * const *) strv);

  for (guint i = 0; aspects != NULL && aspects[i] != NULL; i++)
    {
      const char *eq = strchr (aspects[i], '=');
      g_autofree char *scope = g_strndup (aspects[i], eq - aspects[i]);

      gpm_plan_map_scope (plan, scope, eq + 1);
    }
  for (guint i = 0; all_aspects != NULL && all_aspects[i] != NULL; i++)
    gpm_plan_set_target (plan, all_aspects[i], GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
  for (guint i = 0; skip != NULL && skip[i] != NULL; i++)
    gpm_plan_set_target (plan, skip[i], GPM_PLAN_TARGET_SKIP, NULL);
  for (guint i = 0; left_out != NULL && left_out[i] != NULL; i++)
    gpm_plan_set_post_excluded (plan, left_out[i], TRUE);
  gpm_plan_set_delay (plan, (guint) delay);
  gpm_plan_set_max_per_day (plan, (guint) max_per_day);
  gpm_plan_set_own_comments (plan, settings->own_comments);
  gpm_plan_set_location (plan, settings->location);
  gpm_plan_set_archive_links (plan, settings->archive_links);
  return plan;
}

/* What only the app can decide (texts edited, posts left out there) comes
 * from the plan kept in @journal, if any. */
static void
keep_saved_edits (GpmPlan    *plan,
                  GpmJournal *journal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPlan) saved = gpm_plan_load (journal, &error);
  g_auto(GStrv) excluded = NULL;
  g_auto(GStrv) edited = NULL;

  if (saved == NULL)
    {
      if (error != NULL)
        fprintf (stderr, "gplus-migrate-cli: %s\n", error->message);
      return;
    }
  excluded = gpm_plan_dup_excluded (saved);
  edited = gpm_plan_dup_edited (saved);
  for (guint i = 0; excluded[i] != NULL; i++)
    gpm_plan_set_post_excluded (plan, excluded[i], TRUE);
  for (guint i = 0; edited[i] != NULL; i++)
    gpm_plan_set_post_text (plan, edited[i], gpm_plan_get_post_text (saved, edited[i]));
  if (excluded[0] != NULL || edited[0] != NULL)
    fprintf (stderr, _("From the plan saved before: %u posts left out, %u texts edited\n"),
             g_strv_length (excluded), g_strv_length (edited));
}

static GpmMigrator *
new_migrator (GpmPod             *pod,
              GpmJournal         *journal,
              GpmTakeout         *takeout,
              GpmConvertSettings *settings,
              GpmPlan            *plan)
{
  GpmMigrator *migrator = gpm_migrator_new (pod, journal);

  gpm_plan_apply_to_convert_settings (plan, settings);
  gpm_migrator_use_takeout (migrator, takeout, settings);
  gpm_migrator_use_plan (migrator, plan);
  return migrator;
}

/* --create-aspect: each aspect the account has none of that name of
 * (diaspora compares names ignoring case), made on the pod before the run,
 * so that --aspect can name it; a run repeated to go on makes nothing
 * again. */
static gboolean
create_aspects (GpmPod              *pod,
                const char * const  *names,
                GError             **error)
{
  g_autoptr(GPtrArray) have = NULL;

  if (names == NULL || names[0] == NULL)
    return TRUE;
  if ((have = gpm_pod_list_aspects (pod, NULL, error)) == NULL)
    return FALSE;
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *wanted = g_utf8_casefold (g_strstrip (g_strdup (names[i])), -1);
      g_autoptr(GpmPodAspect) made = NULL;
      gboolean found = FALSE;

      for (guint j = 0; j < have->len && !found; j++)
        {
          g_autofree char *name = g_utf8_casefold (((GpmPodAspect *) g_ptr_array_index (have, j))->name, -1);

          found = g_str_equal (name, wanted);
        }
      if (found)
        continue;
      if ((made = gpm_pod_create_aspect (pod, names[i], NULL, error)) == NULL)
        return FALSE;
      fprintf (stderr, _("Made the aspect “%s” on the pod.\n"), made->name);
      g_ptr_array_add (have, gpm_pod_aspect_ref (made));
    }
  return TRUE;
}

int
gpm_cli_post (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree GOptionEntry *selection_entries = NULL;
  g_autoptr(GpmConvertSettings) convert_settings = gpm_convert_settings_new ();
  g_autofree GOptionEntry *convert_entries = gpm_cli_convert_entries (convert_settings);
  GpmCliSelection sel = { 0 };
  g_autofree char *pod_typed = NULL;
  g_autofree char *username = NULL;
  g_auto(GStrv) aspects = NULL;
  g_auto(GStrv) all_aspects = NULL;
  g_auto(GStrv) new_aspects = NULL;
  g_auto(GStrv) left_out = NULL;
  g_auto(GStrv) skip = NULL;
  g_autoptr(GpmPlan) plan = NULL;
  gboolean show_plan = FALSE;
  gboolean password_stdin = FALSE;
  gboolean remember = FALSE;
  gboolean dry_run = FALSE;
  gboolean with_own_comments = FALSE;
  int delay = GPM_MIGRATOR_DEFAULT_DELAY;
  g_autofree char *delay_help = g_strdup_printf (_("Seconds between two posts (default %d)"), GPM_MIGRATOR_DEFAULT_DELAY);
  int max_per_day = 0;
  int settle = -1;
  g_autofree char *address = NULL;
  g_autofree char *typed_address = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  g_autoptr(GpmMigrator) migrator = NULL;
  gboolean password_from_keyring = FALSE;
  GpmCliInput input = { 0 };
  PostRun run = { 0 };
  int status = GPM_CLI_OK;
  guint sigint_id;
  guint sigterm_id;
  GOptionEntry options[] = {
    { "pod", 0, 0, G_OPTION_ARG_STRING, &pod_typed, N_("The diaspora* pod (pod.example or https://pod.example)"), N_("URL") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &username, N_("Your user name on the pod"), N_("NAME") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the password from the first line of standard input"), NULL },
    { "save-password", 0, 0, G_OPTION_ARG_NONE, &remember, N_("Keep the password in the keyring for the next runs"), NULL },
    { "delay", 0, 0, G_OPTION_ARG_INT, &delay, delay_help, N_("SECONDS") },
    { "max-per-day", 0, 0, G_OPTION_ARG_INT, &max_per_day, N_("At most N posts in any 24 hours (default: no limit)"), N_("N") },
    { "settle", 0, 0, G_OPTION_ARG_INT, &settle, N_("How long a post whose answer was lost stays uncertain (the pod may still save it) before it is sent again (default 300)"), N_("SECONDS") },
    { "aspect", 0, 0, G_OPTION_ARG_STRING_ARRAY, &aspects, N_("Post what was shared with SCOPE_ID to this aspect (repeatable)"), N_("SCOPE_ID=ASPECT_NAME") },
    { "all-aspects", 0, 0, G_OPTION_ARG_STRING_ARRAY, &all_aspects, N_("Post what was shared with SCOPE_ID to all your aspects (repeatable)"), N_("SCOPE_ID") },
    { "create-aspect", 0, 0, G_OPTION_ARG_STRING_ARRAY, &new_aspects, N_("Make this aspect on the pod first, unless your account has one of that name (repeatable)"), N_("ASPECT_NAME") },
    { "skip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &skip, N_("Skip what was shared with SCOPE_ID (a person, when users/* go to an aspect; repeatable)"), N_("SCOPE_ID") },
    { "leave-out", 0, 0, G_OPTION_ARG_STRING_ARRAY, &left_out, N_("Do not post this post (its resourceName; repeatable)"), N_("POST_ID") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print what would be sent, in order, and send nothing"), NULL },
    { "print-plan", 0, 0, G_OPTION_ARG_NONE, &show_plan, N_("With --dry-run: print the migration plan as it would be saved, and nothing else"), NULL },
    { "with-own-comments", 0, 0, G_OPTION_ARG_NONE, &with_own_comments, N_("Also post the comments you wrote under your own posts, each under its post with its date (never other people’s)"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("TAKEOUT…"));
  g_option_context_set_summary (context,
    _("Repost the selected posts to a diaspora* pod, oldest first, slowly.\n\n"
      "Posts shared publicly or with a community are posted publicly. Posts shared\n"
      "with circles, people, collections or events go to the aspect given with\n"
      "--aspect for their audience (SCOPE_ID as `scopes --json` shows it: CIRCLES,\n"
      "EXTENDED, circles/…, users/…), and are skipped without one, never public.\n"
      "Every step is recorded: run the same command again to resume; nothing is\n"
      "posted twice. The password is read from standard input (--password-stdin),\n"
      "else the keyring, else asked for on the terminal."));
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  selection_entries = gpm_cli_selection_entries (&sel);
  g_option_context_add_main_entries (context, selection_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, convert_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "gplus-migrate-cli: %s\n", error->message);
      fprintf (stderr, _("Try “%s --help”.\n"), argv[0]);
      gpm_cli_selection_clear (&sel);
      return GPM_CLI_USAGE;
    }

#define USAGE_ERROR(...) \
  G_STMT_START { \
    fprintf (stderr, "gplus-migrate-cli: "); \
    fprintf (stderr, __VA_ARGS__); \
    fprintf (stderr, "\n"); \
    fprintf (stderr, _("Try “%s --help”.\n"), argv[0]); \
    status = GPM_CLI_USAGE; \
    goto out; \
  } G_STMT_END

  if (argc < 2)
    USAGE_ERROR ("%s", _("which takeout? Give the .zip (all parts), .tgz or folder"));
  if (gpm_cli_selection_is_empty (&sel))
    USAGE_ERROR ("%s", _("which posts? Give --public, --circles, --ext-circles, --id ID or --essentially-public"));
  if (!dry_run && (pod_typed == NULL || username == NULL))
    USAGE_ERROR ("%s", _("--pod and --user are needed"));
  if (show_plan && !dry_run)
    USAGE_ERROR ("%s", _("--print-plan goes with --dry-run"));
  if (delay < 0 || max_per_day < 0)
    USAGE_ERROR ("%s", _("--delay and --max-per-day cannot be negative"));
  if ((pod_typed == NULL) != (username == NULL))
    USAGE_ERROR ("%s", _("--pod and --user go together"));

  if (username != NULL)
    {
      /* as diaspora reads it ("Alice " is alice): one keyring entry */
      char *canonical = g_ascii_strdown (g_strstrip (username), -1);

      g_free (username);
      username = canonical;
    }
  if (pod_typed != NULL)
    {
      address = gpm_pod_normalize_address (pod_typed, &error);
      if (address == NULL)
        {
          fprintf (stderr, "gplus-migrate-cli: %s: %s\n", pod_typed, error->message);
          status = GPM_CLI_BAD_INPUT;
          goto out;
        }
    }

  if (!gpm_cli_input_load (&input, argv + 1, "gplus-migrate-cli"))
    {
      status = GPM_CLI_BAD_INPUT;
      goto out;
    }
  gpm_cli_input_print_problems (&input);
  selected = gpm_cli_input_select (&input, &sel);
  run.takeout = gpm_import_get_takeout (input.import);

  for (guint i = 0; aspects != NULL && aspects[i] != NULL; i++)
    {
      const char *eq = strchr (aspects[i], '=');

      if (eq == NULL || eq == aspects[i] || eq[1] == '\0')
        USAGE_ERROR (_("--aspect %s: expected SCOPE_ID=ASPECT_NAME"), aspects[i]);
    }
  /* The address as typed (normalised), before the pod says where it is */
  typed_address = g_strdup (address);

  convert_settings->own_comments = with_own_comments;
  /* Links to the user's own posts point to their copies on the pod. */
  convert_settings->links = gpm_links_new (gpm_import_get_posts (input.import));
  plan = build_plan (&input, &sel, convert_settings, delay, max_per_day, aspects, all_aspects, skip, left_out);

  if (dry_run)
    {
      g_autoptr(GPtrArray) items = NULL;

      /* A dry run reads the journal if there is one, and creates nothing. */
      if (address != NULL)
        {
          journal = gpm_plan_open_journal (NULL, typed_address, username, gpm_import_get_posts (input.import),
                                           NULL, &error);
          if (journal == NULL && error != NULL)
            {
              fprintf (stderr, "gplus-migrate-cli: %s\n", error->message);
              status = GPM_CLI_BAD_INPUT;
              goto out;
            }
        }
      if (journal != NULL)
        keep_saved_edits (plan, journal);
      if (show_plan)
        {
          g_autofree char *dump = gpm_plan_dump (plan);

          fputs (dump, stdout);
          goto out;
        }
      migrator = new_migrator (NULL, journal, run.takeout, convert_settings, plan);
      items = gpm_migrator_plan (migrator, selected);
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_local ();
        g_autofree char *estimate = NULL;
        guint n_posted = 0;
        /* How long for what is left: the posts on the pod already are
         * not sent again, so they take no time */
        guint n_to_send = print_plan (items, &n_posted);

        if (n_to_send == 0 && n_posted > 0)
          fprintf (stderr, g_dngettext (GETTEXT_PACKAGE,
                                        "The %u post you chose is on the pod already: nothing is left to send.\n",
                                        "All %u posts you chose are on the pod already: nothing is left to send.\n",
                                        n_posted),
                   n_posted);
        else
          {
            /* The one estimate (the plan page's, the migrator's time
             * left at its start): each post's continuation and own
             * comments a delay each, the posts the pod account was sent
             * in the last 24 hours (by any of its journals) holding
             * today's cap */
            guint n_sent = 0;
            gint64 seconds = gpm_plan_estimate_run (plan, selected, journal, g_date_time_to_unix (now), &n_sent);

            estimate = gpm_plan_describe_seconds (plan, n_sent, seconds, now);
            fprintf (stderr, "%s\n", estimate);
          }
      }
      goto out;
    }

  run.pod = gpm_pod_new (address, &error);
  if (run.pod == NULL)
    {
      fprintf (stderr, "gplus-migrate-cli: %s: %s\n", address, error->message);
      status = GPM_CLI_BAD_INPUT;
      goto out;
    }

  /* The pod's own address: the one typed may redirect (apex → www). */
  if (!discover (&run, &error))
    {
      fprintf (stderr, "gplus-migrate-cli: %s: %s\n", address, error->message);
      status = GPM_CLI_BAD_INPUT;
      goto out;
    }
  if (strcmp (gpm_pod_get_address (run.pod), address) != 0)
    {
      /* Translators: the address typed, then where the pod really is */
      fprintf (stderr, _("The pod %s is at %s\n"), address, gpm_pod_get_address (run.pod));
      g_free (address);
      address = g_strdup (gpm_pod_get_address (run.pod));
    }

  /* The password: standard input, else the keyring, else the terminal. Never argv. */
  run.username = g_strdup (username);
  if (password_stdin)
    {
      run.password = read_password_stdin ();
      if (run.password == NULL)
        {
          fprintf (stderr, "gplus-migrate-cli: %s\n", _("--password-stdin: standard input is empty"));
          status = GPM_CLI_USAGE;
          goto out;
        }
    }
  else
    {
      g_autoptr(GError) keyring_error = NULL;
      char *secret = gpm_secrets_lookup_sync (address, username, GPM_SECRET_PASSWORD, NULL, &keyring_error);

      if (secret != NULL)
        {
          run.password = g_strdup (secret);
          gpm_secrets_free (secret);
          password_from_keyring = TRUE;
        }
      else
        {
          g_autofree char *question = g_strdup_printf (_("Password for %s on %s: "), username, address);

          if (keyring_error != NULL)
            g_debug ("Keyring: %s", keyring_error->message);
          run.password = prompt_tty (question, TRUE);
          if (run.password == NULL)
            {
              fprintf (stderr, "gplus-migrate-cli: %s\n",
                       _("no password: give it on standard input with --password-stdin"));
              status = GPM_CLI_USAGE;
              goto out;
            }
        }
    }

  fprintf (stderr, _("Signing in to %s as %s…\n"), address, username);
  if (!sign_in (&run, &error))
    {
      fprintf (stderr, "gplus-migrate-cli: %s: %s\n", address, error->message);
      status = GPM_CLI_BAD_INPUT;
      goto out;
    }
  if (remember && !password_from_keyring)
    {
      g_autoptr(GError) keyring_error = NULL;

      if (!gpm_secrets_store_sync (address, username, GPM_SECRET_PASSWORD, run.password, NULL, &keyring_error))
        fprintf (stderr, _("gplus-migrate-cli: the password could not be saved in the keyring: %s\n"),
                 keyring_error->message);
    }

  if (!create_aspects (run.pod, (const char * const *) new_aspects, &error))
    {
      fprintf (stderr, "gplus-migrate-cli: %s\n", error->message);
      status = GPM_CLI_BAD_INPUT;
      goto out;
    }

  /* The journal: one per takeout and account, however the pod's address
   * and the user name were typed (the rule is gpm_plan_open_journal(), the
   * app's too) */
  {
    gboolean reset = FALSE;

    journal = gpm_plan_open_journal (run.pod, typed_address, username, gpm_import_get_posts (input.import),
                                     &reset, &error);
    if (journal == NULL)
      {
        fprintf (stderr, "gplus-migrate-cli: %s\n", error->message);
        status = GPM_CLI_BAD_INPUT;
        goto out;
      }
    if (reset)
      fprintf (stderr, _("%s is not the account this takeout was moved to before (it was deleted and "
                         "made again, or the pod was set up anew): nothing recorded is on it, so "
                         "everything selected is posted again.\n"), gpm_journal_get_account (journal));
  }
  keep_saved_edits (plan, journal);
  /* Kept with the journal: the app shows it and continues with it */
  if (!gpm_plan_save (plan, journal, &error))
    {
      fprintf (stderr, "gplus-migrate-cli: %s\n", error->message);
      status = GPM_CLI_BAD_INPUT;
      goto out;
    }
  migrator = new_migrator (run.pod, journal, run.takeout, convert_settings, plan);
  if (settle >= 0)
    gpm_migrator_set_settle_time (migrator, (guint) MIN (settle, G_MAXINT / 1000) * 1000);
  run.migrator = migrator;

  g_signal_connect (migrator, "post-started", G_CALLBACK (on_post_started), &run);
  g_signal_connect (migrator, "post-finished", G_CALLBACK (on_post_finished), &run);
  g_signal_connect (migrator, "waiting", G_CALLBACK (on_waiting), &run);
  g_signal_connect (migrator, "auth-required", G_CALLBACK (on_auth_required), &run);

  run.loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_sigint, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_sigint, &run);
  fprintf (stderr, _("Journal: %s\n"), gpm_journal_get_path (journal));
  gpm_migrator_run_async (migrator, selected, NULL, on_run_done, &run);
  g_main_loop_run (run.loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_pointer (&run.loop, g_main_loop_unref);

  fprintf (stderr, _("Posted %u of %u, skipped %u, failed %u, left %u.\n"),
           gpm_migrator_get_n_done (migrator), gpm_migrator_get_n_total (migrator),
           gpm_migrator_get_n_skipped (migrator), gpm_migrator_get_n_failed (migrator),
           gpm_migrator_get_n_left (migrator));
  /* "Posted 15 of 16" counts what earlier runs posted: say when this one
   * had nothing left to send */
  if (run.ok && run.n_sent == 0 && gpm_migrator_get_n_done (migrator) > 0 &&
      gpm_migrator_get_n_failed (migrator) == 0 && gpm_migrator_get_n_left (migrator) == 0)
    fprintf (stderr, "%s\n", _("Nothing was sent: the posts you chose were all on the pod already."));
  if (!run.ok)
    {
      if (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fprintf (stderr, "gplus-migrate-cli: %s\n", _("stopped; run the same command again to continue"));
      else
        fprintf (stderr, "gplus-migrate-cli: %s\n", run.error != NULL ? run.error->message : _("stopped"));
      status = GPM_CLI_BAD_INPUT;
    }
  else if (gpm_migrator_get_n_failed (migrator) > 0)
    {
      fprintf (stderr, "gplus-migrate-cli: %s\n",
               _("some posts failed (see above); run the same command again to retry them"));
      status = GPM_CLI_BAD_INPUT;
    }
  else if (input.problems->len > 0)
    /* The migration itself went through: the unreadable files were named
     * above, and their posts could not be selected. Not a failed run. */
    {
      fprintf (stderr, "gplus-migrate-cli: ");
      fprintf (stderr,
               g_dngettext (GETTEXT_PACKAGE,
                            "%u file of the takeout could not be read (named above); it was left out\n",
                            "%u files of the takeout could not be read (named above); they were left out\n",
                            input.problems->len),
               input.problems->len);
    }

out:
  wipe_free (run.password);
  g_free (run.username);
  g_clear_error (&run.error);
  g_clear_object (&run.pod);
  gpm_cli_selection_clear (&sel);
  gpm_cli_input_clear (&input);
  return status;
#undef USAGE_ERROR
}
