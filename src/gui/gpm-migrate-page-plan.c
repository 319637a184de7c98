/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page-plan.c: the plan shown before a migration starts: how
 * long it takes, a row per private audience to choose its aspect (people
 * in one group with one choice for all and their own where wanted; "New
 * Aspect…" makes one on the pod), the pace, and the plain statement of
 * what will happen. Every rule is the
 * plan's (gpm-plan.h); the page only shows it and changes it. */
#define G_LOG_DOMAIN "gpm-migrate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-gui-util.h"
#include "gpm-migrate-page-private.h"
#include "gpm-util.h"

void
_gpm_migrate_page_scope_free (PrivateScope *scope)
{
  g_free (scope->key);
  g_free (scope->label);
  g_free (scope);
}

/* Audiences */

/* Thread-safe (the prepare's worker calls it): @plan is the caller's own,
 * @posts are not changed meanwhile; every rule is the plan's */
void
_gpm_migrate_page_dup_scopes (GpmPlan    *plan,
                              GPtrArray  *posts,
                              GPtrArray **out_scopes,
                              GPtrArray **out_people)
{
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) keys = NULL;
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) _gpm_migrate_page_scope_free);
  GPtrArray *people = g_ptr_array_new_with_free_func ((GDestroyNotify) _gpm_migrate_page_scope_free);
  guint n_unnamed;

  keys = gpm_plan_dup_private_audiences (plan, posts, counts);
  /* Each key's name, from the first post carrying it; done once every key
   * has one */
  for (guint k = 0; keys[k] != NULL; k++)
    g_hash_table_insert (labels, keys[k], NULL);
  n_unnamed = g_hash_table_size (labels);
  for (guint i = 0; n_unnamed > 0 && posts != NULL && i < posts->len; i++)
    {
      GPtrArray *post_scopes = gpm_post_get_scopes (g_ptr_array_index (posts, i));

      for (guint j = 0; post_scopes != NULL && j < post_scopes->len; j++)
        {
          const GpmScope *scope = g_ptr_array_index (post_scopes, j);
          gpointer key, value;

          if (g_hash_table_lookup_extended (labels, gpm_scope_get_key (scope), &key, &value) && value == NULL)
            {
              g_hash_table_insert (labels, key, (gpointer) scope);
              n_unnamed--;
            }
        }
    }
  for (guint k = 0; keys[k] != NULL; k++)
    {
      const GpmScope *scope = g_hash_table_lookup (labels, keys[k]);
      PrivateScope *ps = g_new0 (PrivateScope, 1);

      ps->key = g_strdup (keys[k]);
      ps->label = g_strdup (scope != NULL ? gpm_gui_scope_label (scope) : keys[k]);
      ps->count = g_array_index (counts, guint, k);
      ps->person = scope != NULL && scope->kind == GPM_SCOPE_USER;
      ps->closed = scope != NULL && gpm_scope_get_community_class (scope) == GPM_COMMUNITY_CLOSED;
      g_ptr_array_add (ps->person ? people : scopes, ps);
    }
  *out_scopes = scopes;
  *out_people = people;
}

void
_gpm_migrate_page_collect_scopes (GpmMigratePage *self)
{
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  _gpm_migrate_page_dup_scopes (self->plan, self->posts, &self->scopes, &self->people);
}

/* Statement */

/* "the aspect Family", "all aspects" */
static char *
describe_target (GpmPlanTarget  target,
                 const char    *aspect)
{
  if (target == GPM_PLAN_TARGET_ALL_ASPECTS)
    return g_strdup (_("all your aspects"));
  /* Translators: where posts go, as in "… go to the aspect Family" */
  return g_strdup_printf (_("the aspect %s"), aspect);
}

/* @ps's posts a run still sends (@left: count_posts()'s) */
static guint
count_left (PrivateScope *ps,
            GHashTable   *left)
{
  return left != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (left, ps->key)) : ps->count;
}

/* A row's count: "3 posts", or with some on the pod "1 post left of 3";
 * a closed community's says what it is, as its sidebar row does (one line:
 * the count first, what is cut off at 400 px is the rest) */
static char *
dup_row_subtitle (PrivateScope *ps,
                  GHashTable   *left)
{
  guint n = count_left (ps, left);

  if (ps->closed && n == ps->count)
    /* Translators: the row of a closed (private) Google+ community on the
     * migrate page: its posts go to the aspect chosen in the row, never
     * public */
    return g_strdup_printf (ngettext ("%u post · closed community, never public",
                                      "%u posts · closed community, never public", ps->count), ps->count);
  if (ps->closed)
    /* Translators: as "%u posts · closed community, never public", with
     * some on the pod */
    return g_strdup_printf (ngettext ("%u post left of %u · closed community, never public",
                                      "%u posts left of %u · closed community, never public", n), n, ps->count);
  if (n == ps->count)
    return g_strdup_printf (ngettext ("%u post", "%u posts", ps->count), ps->count);
  /* Translators: an audience's posts not on the pod yet, of all its posts */
  return g_strdup_printf (ngettext ("%u post left of %u", "%u posts left of %u", n), n, ps->count);
}

/* The people's row's own header row: libadwaita 1.2 has no setter for its
 * subtitle's lines, its header is an AdwActionRow inside
 * (adw-expander-row.ui); NULL if a later libadwaita has none */
static AdwActionRow *
find_action_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      AdwActionRow *row = ADW_IS_ACTION_ROW (child) ? ADW_ACTION_ROW (child) : find_action_row (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* The people's one choice, in sight while their group is closed */
static void
update_people_subtitle (GpmMigratePage *self,
                        GpmPlan        *plan)
{
  const char *aspect = NULL;
  guint n_posts = 0;
  g_autofree char *where = NULL;
  g_autofree char *subtitle = NULL;

  /* (those still to send) */
  for (guint i = 0; i < self->people->len; i++)
    n_posts += count_left (g_ptr_array_index (self->people, i), self->left_counts);
  switch (gpm_plan_get_target (plan, GPM_PLAN_PEOPLE_KEY, &aspect))
    {
    case GPM_PLAN_TARGET_ASPECT:
      where = g_strdup_printf (_("to the aspect “%s”"), aspect);
      break;
    case GPM_PLAN_TARGET_ALL_ASPECTS:
      where = g_strdup (_("to all aspects"));
      break;
    case GPM_PLAN_TARGET_SKIP:
    default:
      where = g_strdup (_("skipped"));
      break;
    }
  /* Translators: "3 posts shared with single people: skipped, unless chosen for a person" */
  subtitle = g_strdup_printf (ngettext ("%u post shared with single people: %s, unless chosen for a person",
                                        "%u posts shared with single people: %s, unless chosen for a person",
                                        n_posts),
                              n_posts, where);
  adw_expander_row_set_subtitle (self->people_row, subtitle);
  /* the whole sentence, where the line is cut short */
  {
    AdwActionRow *header = find_action_row (GTK_WIDGET (self->people_row));

    gtk_widget_set_tooltip_text (header != NULL ? GTK_WIDGET (header) : GTK_WIDGET (self->people_row), subtitle);
  }
}

GpmPlan *
_gpm_migrate_page_dup_effective_plan (GpmMigratePage *self)
{
  GpmPlan *plan = gpm_plan_copy (self->plan);

  if (self->aspects_failed)
    gpm_plan_clear_targets (plan);
  return plan;
}

static void show_duration (GpmMigratePage      *self,
                           GpmPlan             *plan,
                           const GpmPlanCounts *counts);

/* The plan's counts of @posts and each private audience's posts not on
 * the pod yet (@out_left: key → count; NULL when none is on the pod, the
 * rows' counts are then the statement's), in one walk. In any thread. */
static void
count_posts (GpmPlan        *plan,
             GPtrArray      *posts,
             GHashTable     *posted,
             GpmPlanCounts  *counts,
             GHashTable    **out_left)
{
  g_autoptr(GHashTable) left = NULL;

  if (posts != NULL && posted != NULL && g_hash_table_size (posted) > 0)
    left = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gpm_plan_count_left_per_audience (plan, posts, posted, counts, left);
  *out_left = g_steal_pointer (&left);
}

/* The sentences on the posts the plan leaves out: those the user left out,
 * those with nothing of the user's own */
static void
append_left_behind (GString             *text,
                    const GpmPlanCounts *counts)
{
  if (counts->n_excluded > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, ngettext ("%u post is left out by you.", "%u posts are left out by you.",
                                              counts->n_excluded),
                              counts->n_excluded);
    }
  if (counts->n_nothing_own > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              ngettext ("%u post has nothing of yours to post (a reshare of someone else’s words) and is left out.",
                                        "%u posts have nothing of yours to post (reshares of someone else’s words) and are left out.",
                                        counts->n_nothing_own),
                              counts->n_nothing_own);
    }
}

/* Everything the plan sends is on the pod already: how many, where, and
 * what would move more */
static char *
describe_all_on_pod (const GpmPlanCounts *counts,
                     const char          *host,
                     const char          *user,
                     gboolean             can_choose,
                     gboolean             more_to_tick)
{
  GString *text = g_string_new (NULL);
  guint n_limited = counts->n_posted - counts->n_public_posted;

  /* Translators: "All 16 posts you chose are on pod.example.org, posted as alice." */
  g_string_append_printf (text,
                          ngettext ("The %u post you chose is on %s, posted as %s.",
                                    "All %u posts you chose are on %s, posted as %s.", counts->n_posted),
                          counts->n_posted, host, user);
  if (n_limited > 0)
    {
      g_string_append_c (text, ' ');
      if (n_limited == counts->n_posted)
        g_string_append (text, ngettext ("It is visible to the aspects chosen for it only.",
                                         "They are visible to the aspects chosen for them only.", n_limited));
      else
        g_string_append_printf (text,
                                ngettext ("%u of them is visible to the aspects chosen for it only.",
                                          "%u of them are visible to the aspects chosen for them only.", n_limited),
                                n_limited);
    }
  g_string_append_c (text, ' ');
  g_string_append (text, _("Nothing is posted twice."));
  if (counts->n_skipped > 0 && !can_choose)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, ngettext ("%u private post is skipped.", "%u private posts are skipped.",
                                              counts->n_skipped),
                              counts->n_skipped);
    }
  else if (counts->n_skipped > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              ngettext ("%u private post is skipped: choose an aspect for its audience below to move it too.",
                                        "%u private posts are skipped: choose aspects for their audiences below to move them too.",
                                        counts->n_skipped),
                              counts->n_skipped);
    }
  append_left_behind (text, counts);
  if (more_to_tick)
    {
      g_string_append (text, "\n\n");
      g_string_append (text, _("To move more of your posts, tick more audiences."));
    }
  return g_string_free (text, FALSE);
}

/* The aspect rows are all there (they are shown once whole) */
static gboolean
mapping_rows_built (GpmMigratePage *self)
{
  return self->mapping_rows != NULL && self->scopes != NULL && self->people != NULL
         && self->scopes->len + self->people->len > 0
         && self->mapping_rows->len == self->scopes->len
         && (self->people->len == 0 || self->people_row != NULL);
}

/* The rows are wanted unless everything is on the pod and no private
 * audience is skipped (choosing an aspect for one sends more) */
static gboolean
mapping_box_wanted (GpmMigratePage *self)
{
  return !gtk_widget_get_visible (self->done_box)
         || (self->counted && self->shown_counts.n_skipped > 0 && !self->aspects_failed);
}

/* The plan as it is to be done, or (@all_on_pod) as done: its title, what
 * is said and shown, and no Start with nothing left to send */
static void
show_all_on_pod (GpmMigratePage *self,
                 gboolean        all_on_pod,
                 gboolean        nothing_left)
{
  gtk_label_set_label (self->plan_title, all_on_pod ? _("Your Posts Are on the Pod") : _("Ready to Move Your Posts"));
  gtk_widget_set_visible (self->done_box, all_on_pod);
  gtk_widget_set_visible (self->duration_box, !all_on_pod);
  gtk_widget_set_visible (self->pace_group, !all_on_pod);
  gtk_widget_set_visible (self->summary_box, !all_on_pod);
  if (mapping_rows_built (self))
    gtk_widget_set_visible (self->mapping_box, mapping_box_wanted (self));
  if (all_on_pod && self->pod != NULL)
    {
      g_autofree char *tooltip = g_strdup_printf (_("Your profile on %s, in the web browser"),
                                                  gpm_pod_get_display_name (self->pod));

      gtk_widget_set_tooltip_text (self->view_pod_button, tooltip);
    }
  if (self->nothing_left != nothing_left)
    {
      self->nothing_left = nothing_left;
      _gpm_migrate_page_update_header (self);
    }
}

/* Each audience row says how many of its posts are left to send */
static void
update_row_subtitles (GpmMigratePage *self)
{
  GPtrArray *lists[] = { self->mapping_rows, self->person_rows };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        AdwActionRow *row = g_ptr_array_index (lists[l], i);
        g_autofree char *subtitle = dup_row_subtitle (g_object_get_data (G_OBJECT (row), "gpm-scope"),
                                                      self->left_counts);

        if (g_strcmp0 (adw_action_row_get_subtitle (row), subtitle) != 0)
          adw_action_row_set_subtitle (row, subtitle);
      }
}

static void
show_statement (GpmMigratePage      *self,
                GpmPlan             *plan,
                const GpmPlanCounts *c,
                GHashTable          *left)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;
  GpmPlanCounts counts = *c;
  guint n_people_mapped = 0;
  guint n_left = counts.n_to_send - counts.n_posted;
  gboolean all_on_pod = counts.n_to_send > 0 && n_left == 0;

  host = g_strdup (gpm_pod_get_display_name (self->pod));
  user = gpm_pod_dup_username (self->pod);

  if (all_on_pod)
    {
      /* Every post of the takeout ticked: no more audiences to tick */
      gboolean more_to_tick = self->all_posts != NULL && counts.n_selected < self->all_posts->len;
      g_autofree char *done = describe_all_on_pod (&counts, host, user ? user : "?", !self->aspects_failed,
                                                   more_to_tick);

      g_string_append (text, done);
      gtk_label_set_label (self->done_label, done);
      gtk_widget_set_visible (self->more_button, more_to_tick);
    }
  else
    {
      guint n_public_left = counts.n_public - counts.n_public_posted;

      /* What a run still sends: the posts on the pod already are not in
       * these counts (they are said last). A count of none is not said:
       * the first sentence names the pod and the account whatever goes */
      if (n_public_left > 0)
        g_string_append_printf (text,
                                ngettext ("%u post will be published publicly on %s as %s.",
                                          "%u posts will be published publicly on %s as %s.",
                                          n_public_left),
                                n_public_left, host, user ? user : "?");
      else if (n_left > 0)
        /* Translators: followed by one sentence per audience ("27 posts shared with Family go to …") */
        g_string_append_printf (text,
                                ngettext ("%u post will be posted on %s as %s, not publicly.",
                                          "%u posts will be posted on %s as %s, none of them publicly.",
                                          n_left),
                                n_left, host, user ? user : "?");
      else
        g_string_append_printf (text, _("Nothing will be posted on %s as %s."), host, user ? user : "?");

      for (guint k = 0; self->scopes != NULL && k < self->scopes->len; k++)
        {
          PrivateScope *ps = g_ptr_array_index (self->scopes, k);
          const char *aspect = NULL;
          GpmPlanTarget target = gpm_plan_lookup_target (plan, ps->key, &aspect);
          g_autofree char *where = NULL;
          guint n = count_left (ps, left);

          if (target == GPM_PLAN_TARGET_SKIP || n == 0)
            continue;
          where = describe_target (target, aspect);
          g_string_append_c (text, ' ');
          /* Translators: "27 posts shared with Family go to the aspect Family." */
          g_string_append_printf (text,
                                  ngettext ("%u post shared with %s goes to %s.",
                                            "%u posts shared with %s go to %s.", n),
                                  n, ps->label, where);
        }
      for (guint k = 0; self->people != NULL && k < self->people->len; k++)
        {
          PrivateScope *ps = g_ptr_array_index (self->people, k);

          if (gpm_plan_lookup_target (plan, ps->key, NULL) != GPM_PLAN_TARGET_SKIP)
            n_people_mapped += count_left (ps, left);
        }
      if (n_people_mapped > 0)
        {
          g_string_append_c (text, ' ');
          g_string_append_printf (text,
                                  ngettext ("%u post shared with single people goes to the aspects chosen for them.",
                                            "%u posts shared with single people go to the aspects chosen for them.",
                                            n_people_mapped),
                                  n_people_mapped);
        }

      if (counts.n_skipped > 0)
        {
          g_string_append_c (text, ' ');
          g_string_append_printf (text, ngettext ("%u private post is skipped.", "%u private posts are skipped.",
                                                  counts.n_skipped),
                                  counts.n_skipped);
        }
      append_left_behind (text, &counts);

      g_string_append (text, "\n\n");
      if (gpm_plan_get_own_comments (plan))
        g_string_append (text, _("The comments you wrote under these posts follow each post, with their dates. "
                                 "Other people’s comments are never copied."));
      else
        g_string_append (text, _("Your own comments under these posts stay behind: a reply can read oddly without "
                                 "the comments it answered. Preferences can bring them along."));
      if (gpm_plan_get_archive_links (plan))
        {
          g_string_append_c (text, ' ');
          g_string_append (text, _("Links to your earlier posts will point to their copies on the pod, other Google+ "
                                   "addresses to the Internet Archive."));
        }

      /* Counted from the posted keys the worker that opened the journal
       * read: no journal call here, on the main thread */
      if (counts.n_posted > 0)
        {
          g_string_append (text, "\n\n");
          g_string_append_printf (text,
                                  ngettext ("%u of the posts you chose is on the pod already. It will not be posted again.",
                                            "%u of the posts you chose are on the pod already. They will not be posted again.",
                                            counts.n_posted),
                                  counts.n_posted);
        }
    }

  gtk_label_set_label (self->statement_label, text->str);
  /* Selectable, so it can be copied; but an empty one would be an unnamed Tab stop */
  gtk_label_set_selectable (self->statement_label, text->len > 0);

  /* The rows' counts too are of what is left */
  if (left != self->left_counts)
    {
      g_clear_pointer (&self->left_counts, g_hash_table_unref);
      self->left_counts = left != NULL ? g_hash_table_ref (left) : NULL;
      update_row_subtitles (self);
    }
  if (self->people_row != NULL)
    update_people_subtitle (self, plan);
  self->shown_counts = counts;
  self->counted = TRUE;
  show_all_on_pod (self, all_on_pod, n_left == 0);
  show_duration (self, plan, &counts);
}

/* How long: the posts still to send, each once, never the skipped */
static void
show_duration (GpmMigratePage      *self,
               GpmPlan             *plan,
               const GpmPlanCounts *counts)
{
  g_autofree char *duration = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  guint n_left = counts->n_to_send - counts->n_posted;

  if (n_left == 0)
    {
      duration = g_strdup (counts->n_posted > 0 ? _("Everything selected is on the pod already")
                                               : _("Nothing to send."));
      gtk_label_set_label (self->duration_label, duration);
      gtk_label_set_label (self->pace_label, "");
    }
  else
    {
      /* The one estimate (the CLI's dry run's, the migrator's time left
       * at its start): each post's own comments and long post's parts
       * (gpm_plan_dup_run_sends(), with the count), the posts the pod
       * account was sent in the last 24 hours, by any of its journals,
       * holding today's cap (read with the journal) */
      gint64 seconds;
      g_autofree char *end = NULL;
      g_autofree char *pace = gpm_plan_describe_pace (plan, n_left);
      g_autofree char *takes = NULL;

      seconds = gpm_plan_estimate_sends (gpm_plan_get_delay (plan), gpm_plan_get_max_per_day (plan),
                                         self->shown_sends, 0, self->recent_posted,
                                         self->last_posted_at, g_date_time_to_unix (now));
      duration = gpm_plan_describe_seconds (plan, n_left, seconds, now);
      end = gpm_plan_describe_end_seconds (plan, n_left, seconds, now);
      /* Translators: "Takes about 155 days, until May 12" */
      takes = g_strdup_printf (_("Takes %s"), end);
      gtk_label_set_label (self->duration_label, takes);
      gtk_label_set_label (self->pace_label, pace);
    }
  /* the whole sentence, where the lines are cut short */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->duration_label), duration);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pace_label), duration);
  {
    g_autofree char *sentence = g_strdup_printf (ngettext ("%u post to send. %s.", "%u posts to send. %s.", n_left),
                                                 n_left, duration);

    gtk_label_set_label (self->summary_duration_label, sentence);
  }
}

/* Counting means every post through the plan's rules (and a reshare's
 * attachments read): 150–288 ms on the main thread at 100,000 posts. Up to
 * this many it is done at once, so the statement never lags a choice;
 * above, in a worker, and the statement and duration change when the count
 * arrives (one-line duration labels, the statement at the page's bottom:
 * nothing under the pointer moves). */
#define COUNT_AT_ONCE_MAX_POSTS 2000

typedef struct {
  GpmPlan    *plan;
  GPtrArray  *posts;
  GHashTable *posted;
  guint       serial;
  GpmPlanCounts counts;
  GHashTable *left;     /* count_posts()'s */
  GArray     *sends;    /* gpm_plan_dup_run_sends(): the duration's */
} Count;

static void
count_free (Count *count)
{
  g_clear_object (&count->plan);
  g_clear_pointer (&count->posts, g_ptr_array_unref);
  g_clear_pointer (&count->posted, g_hash_table_unref);
  g_clear_pointer (&count->left, g_hash_table_unref);
  g_clear_pointer (&count->sends, g_array_unref);
  g_free (count);
}

static void
count_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Count *count = task_data;

  /* The plan is the page's own copy; the posts and @posted are replaced,
   * never changed, on the main thread */
  count_posts (count->plan, count->posts, count->posted, &count->counts, &count->left);
  count->sends = gpm_plan_dup_run_sends (count->plan, count->posts, count->posted, gpm_plan_get_own_comments (count->plan));
  g_task_return_boolean (task, TRUE);
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GpmMigratePage *self = GPM_MIGRATE_PAGE (source);
  Count *count = g_task_get_task_data (G_TASK (result));

  /* A newer count is on its way, or the page was closed meanwhile */
  if (count->serial != self->count_serial || self->plan == NULL || self->pod == NULL)
    return;
  g_debug ("the statement's count of %u posts arrived", count->posts ? count->posts->len : 0);
  /* A pace set since the count began changes no count, only the duration
   * (_gpm_migrate_page_update_duration() started none): the page's pace */
  gpm_plan_set_delay (count->plan, gpm_plan_get_delay (self->plan));
  gpm_plan_set_max_per_day (count->plan, gpm_plan_get_max_per_day (self->plan));
  g_clear_pointer (&self->shown_sends, g_array_unref);
  self->shown_sends = g_steal_pointer (&count->sends);
  show_statement (self, count->plan, &count->counts, count->left);
}

void
_gpm_migrate_page_update_statement (GpmMigratePage *self)
{
  g_autoptr(GpmPlan) plan = NULL;
  g_autoptr(GTask) task = NULL;
  Count *count;

  self->count_serial++;
  /* the posts of ticks still being chosen, if any: the count is of them */
  _gpm_migrate_page_settle_audiences (self);
  /* While the plan is prepared its posts are being chosen in the worker:
   * the count follows when they are in */
  if (self->plan == NULL || self->pod == NULL || self->prepare_task != NULL)
    return;
  plan = _gpm_migrate_page_dup_effective_plan (self);

  if (self->posts == NULL || self->posts->len <= COUNT_AT_ONCE_MAX_POSTS)
    {
      GpmPlanCounts counts;
      g_autoptr(GHashTable) left = NULL;

      count_posts (plan, self->posts, self->posted, &counts, &left);
      g_clear_pointer (&self->shown_sends, g_array_unref);
      self->shown_sends = gpm_plan_dup_run_sends (plan, self->posts, self->posted, gpm_plan_get_own_comments (plan));
      show_statement (self, plan, &counts, left);
      return;
    }

  /* The first count of this plan: the duration's line says why it is
   * empty (later ones keep the last statement until theirs arrives) */
  if (*gtk_label_get_label (self->duration_label) == '\0')
    _gpm_migrate_page_show_counting (self);
  count = g_new0 (Count, 1);
  count->plan = g_steal_pointer (&plan);
  count->posts = g_ptr_array_ref (self->posts);
  count->posted = self->posted ? g_hash_table_ref (self->posted) : NULL;
  count->serial = self->count_serial;
  task = g_task_new (self, NULL, counted_cb, NULL);
  g_task_set_source_tag (task, _gpm_migrate_page_update_statement);
  g_task_set_task_data (task, count, (GDestroyNotify) count_free);
  gpm_task_run_in_thread (task, count_thread);
}

void
_gpm_migrate_page_show_counting (GpmMigratePage *self)
{
  /* a new plan's first count: nothing known of it yet */
  show_all_on_pod (self, FALSE, FALSE);
  g_clear_pointer (&self->left_counts, g_hash_table_unref);
  gtk_label_set_label (self->duration_label, _("Counting the posts…"));
  gtk_label_set_label (self->pace_label, "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->duration_label), NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pace_label), NULL);
}

void
_gpm_migrate_page_update_duration (GpmMigratePage *self)
{
  g_autoptr(GpmPlan) plan = NULL;

  if (self->plan == NULL || self->pod == NULL || self->prepare_task != NULL)
    return;
  /* No count of this plan shown yet: one */
  if (!self->counted)
    {
      _gpm_migrate_page_update_statement (self);
      return;
    }
  plan = _gpm_migrate_page_dup_effective_plan (self);
  show_duration (self, plan, &self->shown_counts);
}

const char *
gpm_migrate_page_get_statement (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return gtk_label_get_label (self->statement_label);
}

const char *
gpm_migrate_page_get_plan_message (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return gtk_label_get_label (self->plan_message_label);
}

gboolean
gpm_migrate_page_is_all_on_pod (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), FALSE);
  return gtk_widget_get_visible (self->done_box);
}

char *
gpm_migrate_page_dup_profile_uri (GpmMigratePage *self)
{
  g_autofree char *guid = NULL;

  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);

  if (self->pod == NULL)
    return NULL;
  guid = gpm_pod_dup_user_guid (self->pod);
  /* diaspora's people#show finds a person by guid (config/routes.rb:177,
   * app/models/person.rb:215, v0.9.1.0): the account's posts, newest
   * first; else the pod's front page */
  if (guid == NULL || *guid == '\0')
    return g_strconcat (gpm_pod_get_address (self->pod), "/", NULL);
  {
    g_autofree char *escaped = g_uri_escape_string (guid, NULL, FALSE);

    return g_strconcat (gpm_pod_get_address (self->pod), "/people/", escaped, NULL);
  }
}

void
_gpm_migrate_page_view_pod (GpmMigratePage *self)
{
  g_autofree char *uri = gpm_migrate_page_dup_profile_uri (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (uri != NULL)
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

const char *
gpm_migrate_page_get_duration (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return gtk_widget_get_tooltip_text (GTK_WIDGET (self->duration_label));
}

/* Rows: the choices of a row are [Like everyone else (people only)],
 * Skip, All aspects, then each aspect, then "New Aspect…" (which asks
 * for a name and makes the aspect on the pod) unless the pod's aspects
 * could not be listed. */

static guint
first_aspect_choice (gboolean person)
{
  return person ? 3 : 2;
}

static guint
choice_of (GpmMigratePage *self,
           const char     *key,
           gboolean        person)
{
  const char *aspect = NULL;
  GpmPlanTarget target;

  if (person && !gpm_plan_has_target (self->plan, key))
    return 0;
  target = gpm_plan_get_target (self->plan, key, &aspect);
  if (target == GPM_PLAN_TARGET_SKIP)
    return person ? 1 : 0;
  if (target == GPM_PLAN_TARGET_ALL_ASPECTS)
    return person ? 2 : 1;
  for (guint a = 0; self->aspects != NULL && a < self->aspects->len; a++)
    if (g_strcmp0 (((GpmPodAspect *) g_ptr_array_index (self->aspects, a))->name, aspect) == 0)
      return first_aspect_choice (person) + a;
  return person ? 1 : 0;
}

static void
set_choice (GpmMigratePage *self,
            const char     *key,
            gboolean        person,
            guint           selected)
{
  guint first = first_aspect_choice (person);

  if (person && selected == 0)
    gpm_plan_unset_target (self->plan, key);
  else if (selected == first - 2)
    gpm_plan_set_target (self->plan, key, GPM_PLAN_TARGET_SKIP, NULL);
  else if (selected == first - 1)
    gpm_plan_set_target (self->plan, key, GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
  else if (self->aspects != NULL && selected - first < self->aspects->len)
    gpm_plan_set_target (self->plan, key, GPM_PLAN_TARGET_ASPECT,
                         ((GpmPodAspect *) g_ptr_array_index (self->aspects, selected - first))->name);
}

/* The rows show the plan again (after a change made elsewhere) */
static void
sync_rows (GpmMigratePage *self)
{
  self->updating_rows = TRUE;
  for (guint i = 0; self->mapping_rows != NULL && i < self->mapping_rows->len; i++)
    {
      AdwComboRow *row = g_ptr_array_index (self->mapping_rows, i);
      PrivateScope *ps = g_object_get_data (G_OBJECT (row), "gpm-scope");
      guint choice = choice_of (self, ps->key, ps->person);

      if (adw_combo_row_get_selected (row) != choice)
        adw_combo_row_set_selected (row, choice);
    }
  for (guint i = 0; self->person_rows != NULL && i < self->person_rows->len; i++)
    {
      AdwComboRow *row = g_ptr_array_index (self->person_rows, i);
      PrivateScope *ps = g_object_get_data (G_OBJECT (row), "gpm-scope");
      guint choice = choice_of (self, ps->key, TRUE);

      if (adw_combo_row_get_selected (row) != choice)
        adw_combo_row_set_selected (row, choice);
    }
  if (self->people_combo != NULL)
    {
      guint choice = choice_of (self, GPM_PLAN_PEOPLE_KEY, FALSE);

      if (adw_combo_row_get_selected (self->people_combo) != choice)
        adw_combo_row_set_selected (self->people_combo, choice);
    }
  self->updating_rows = FALSE;
}

void
gpm_migrate_page_set_target (GpmMigratePage *self,
                             const char     *scope_key,
                             GpmPlanTarget   target,
                             const char     *aspect_name)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));
  g_return_if_fail (self->plan != NULL);

  gpm_plan_set_target (self->plan, scope_key, target, aspect_name);
  sync_rows (self);
  _gpm_migrate_page_update_statement (self);
}

void
gpm_migrate_page_map_scope (GpmMigratePage *self,
                            const char     *scope_key,
                            const char     *aspect_name)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));
  g_return_if_fail (self->plan != NULL);

  gpm_plan_map_scope (self->plan, scope_key, aspect_name);
  sync_rows (self);
  _gpm_migrate_page_update_statement (self);
}

/* "New Aspect…": a name asked for, the aspect made on the pod, then chosen
 * for the audience and kept in the plan */

typedef struct {
  GpmMigratePage *page;
  GpmPod         *pod;
  GpmPlan        *plan;
  char           *key;
  gboolean        person;
  char           *label;   /* the audience's name, NULL for all people */
  char           *typed;   /* the name as typed */
} NewAspect;

static void ask_new_aspect (GpmMigratePage *self, const char *key, gboolean person, const char *label,
                            const char *text, const char *problem);

static NewAspect *
new_aspect_new (GpmMigratePage *page,
                const char     *key,
                gboolean        person,
                const char     *label,
                const char     *typed)
{
  NewAspect *na = g_new0 (NewAspect, 1);

  na->page = g_object_ref (page);
  na->pod = g_object_ref (page->pod);
  na->plan = g_object_ref (page->plan);
  na->key = g_strdup (key);
  na->person = person;
  na->label = g_strdup (label);
  na->typed = g_strdup (typed);
  return na;
}

static void
new_aspect_free (NewAspect *na)
{
  g_object_unref (na->page);
  g_object_unref (na->pod);
  g_object_unref (na->plan);
  g_free (na->key);
  g_free (na->label);
  g_free (na->typed);
  g_free (na);
}

static gboolean
is_new_aspect_choice (GpmMigratePage *self,
                      AdwComboRow    *row,
                      gboolean        person)
{
  guint n_aspects = self->aspects != NULL ? self->aspects->len : 0;

  return !self->aspects_failed
         && adw_combo_row_get_selected (row) == first_aspect_choice (person) + n_aspects;
}

/* Every row's choices get the new aspect, before "New Aspect…" (never the
 * selected choice, so no row's selection moves) */
static void
add_aspect_choice (GpmMigratePage *self,
                   GpmPodAspect   *aspect)
{
  g_autofree char *name = g_strdup_printf (_("Aspect “%s”"), aspect->name);
  const char *names[] = { name, NULL };
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  for (guint i = 0; self->mapping_rows != NULL && i < self->mapping_rows->len; i++)
    g_ptr_array_add (rows, g_ptr_array_index (self->mapping_rows, i));
  for (guint i = 0; self->person_rows != NULL && i < self->person_rows->len; i++)
    g_ptr_array_add (rows, g_ptr_array_index (self->person_rows, i));
  if (self->people_combo != NULL)
    g_ptr_array_add (rows, self->people_combo);
  self->updating_rows = TRUE;
  for (guint i = 0; i < rows->len; i++)
    {
      GtkStringList *model = GTK_STRING_LIST (adw_combo_row_get_model (g_ptr_array_index (rows, i)));
      guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

      gtk_string_list_splice (model, n > 0 ? n - 1 : 0, 0, names);
    }
  self->updating_rows = FALSE;
}

static void
new_aspect_created_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  NewAspect *na = user_data;
  GpmMigratePage *self = na->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) aspect = gpm_pod_create_aspect_finish (GPM_POD (source), result, &error);

  gtk_widget_set_sensitive (self->mapping_box, TRUE);
  /* The page moved on to another pod or plan meanwhile: nothing to choose */
  if (self->pod != na->pod || self->plan != na->plan || self->aspects == NULL)
    {
      new_aspect_free (na);
      return;
    }
  if (aspect == NULL)
    {
      g_autofree char *message = gpm_gui_error_message (error);

      /* asked again, with why and the name as typed; not once the window
       * has closed (a dialog of no window, keeping the page alive) */
      if (GTK_IS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))))
        ask_new_aspect (self, na->key, na->person, na->label, na->typed, message);
      new_aspect_free (na);
      return;
    }
  g_ptr_array_add (self->aspects, gpm_pod_aspect_ref (aspect));
  add_aspect_choice (self, aspect);
  gpm_plan_set_target (self->plan, na->key, GPM_PLAN_TARGET_ASPECT, aspect->name);
  sync_rows (self);
  _gpm_migrate_page_update_statement (self);
  gpm_migrate_page_save_plan (self);
  new_aspect_free (na);
}

/* The name as diaspora keeps it: without surrounding white space */
static char *
new_aspect_name (GtkEditable *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (entry)));
}

static void
new_aspect_name_changed_cb (GtkEditable      *entry,
                            AdwMessageDialog *dialog)
{
  g_autofree char *name = new_aspect_name (entry);
  glong chars = g_utf8_strlen (name, -1);

  adw_message_dialog_set_response_enabled (dialog, "create", chars > 0 && chars <= GPM_POD_ASPECT_NAME_MAX_CHARS);
}

static void
new_aspect_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        NewAspect        *na)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = new_aspect_name (entry);

  if (g_strcmp0 (response, "create") != 0 || *name == '\0'
      || na->page->pod != na->pod || na->page->plan != na->plan)
    return;
  /* one at a time; the rows wait for it */
  gtk_widget_set_sensitive (na->page->mapping_box, FALSE);
  gpm_pod_create_aspect_async (na->pod, name, NULL, new_aspect_created_cb,
                               new_aspect_new (na->page, na->key, na->person, na->label,
                                               gtk_editable_get_text (entry)));
}

static void
new_aspect_closure_free (gpointer  data,
                         GClosure *closure)
{
  new_aspect_free (data);
}

/* Asks for the name of a new aspect for the audience @key (@label: its
 * name, suggested; NULL: the people), @text in the entry and @problem said
 * when asked again. */
static void
ask_new_aspect (GpmMigratePage *self,
                const char     *key,
                gboolean        person,
                const char     *label,
                const char     *text,
                const char     *problem)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *host = g_strdup (gpm_pod_get_display_name (self->pod));
  g_autofree char *body = NULL;
  g_autofree char *suggestion = NULL;
  AdwMessageDialog *dialog;

  if (label != NULL)
    body = g_strdup_printf (_("The posts shared with “%s” will go to the new aspect on %s. "
                              "Its name can have up to %d characters."),
                            label, host, GPM_POD_ASPECT_NAME_MAX_CHARS);
  else
    body = g_strdup_printf (_("The posts shared with single people will go to the new aspect on %s. "
                              "Its name can have up to %d characters."),
                            host, GPM_POD_ASPECT_NAME_MAX_CHARS);
  if (problem != NULL)
    {
      g_autofree char *both = g_strdup_printf ("%s\n\n%s", problem, body);

      g_free (body);
      body = g_steal_pointer (&both);
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("New Aspect"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "create", _("C_reate"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "create");
  adw_message_dialog_set_close_response (dialog, "cancel");

  /* The audience's name suggested, as much of it as the pod takes */
  if (text == NULL && label != NULL)
    text = suggestion = g_utf8_substring (label, 0, MIN (g_utf8_strlen (label, -1), GPM_POD_ASPECT_NAME_MAX_CHARS));
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Aspect name"));
  gpm_a11y_label_editable (GTK_EDITABLE (entry), _("Aspect name"));
  adw_message_dialog_set_extra_child (dialog, entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (new_aspect_name_changed_cb), dialog, 0);
  new_aspect_name_changed_cb (GTK_EDITABLE (entry), dialog);

  g_signal_connect_data (dialog, "response", G_CALLBACK (new_aspect_response_cb),
                         new_aspect_new (self, key, person, label, NULL), new_aspect_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
combo_selected_cb (AdwComboRow    *row,
                   GParamSpec     *pspec,
                   GpmMigratePage *self)
{
  PrivateScope *ps = g_object_get_data (G_OBJECT (row), "gpm-scope");
  const char *key = ps != NULL ? ps->key : GPM_PLAN_PEOPLE_KEY;
  gboolean person = ps != NULL && ps->person;

  if (self->updating_rows || self->plan == NULL)
    return;
  if (is_new_aspect_choice (self, row, person))
    {
      /* the row shows the plan's choice until the aspect is made */
      self->updating_rows = TRUE;
      adw_combo_row_set_selected (row, choice_of (self, key, person));
      self->updating_rows = FALSE;
      ask_new_aspect (self, key, person, ps != NULL ? ps->label : NULL, NULL, NULL);
      return;
    }
  set_choice (self, key, person, adw_combo_row_get_selected (row));
  _gpm_migrate_page_update_statement (self);
  gpm_migrate_page_save_plan (self);
}

void
_gpm_migrate_page_remove_mapping_rows (GpmMigratePage *self)
{
  g_clear_handle_id (&self->rows_idle, g_source_remove);
  g_clear_handle_id (&self->person_rows_idle, g_source_remove);
  if (self->mapping_rows != NULL)
    for (guint i = 0; i < self->mapping_rows->len; i++)
      adw_preferences_group_remove (self->mapping_group, g_ptr_array_index (self->mapping_rows, i));
  g_clear_pointer (&self->mapping_rows, g_ptr_array_unref);
  if (self->people_row != NULL)
    adw_preferences_group_remove (self->mapping_group, GTK_WIDGET (self->people_row));
  self->people_row = NULL;
  self->people_combo = NULL;
  g_clear_pointer (&self->person_rows, g_ptr_array_unref);
}

/* The choices: @person rows start with "Like everyone else". */
static GtkStringList *
new_choices (GpmMigratePage *self,
             gboolean        person)
{
  GtkStringList *model = gtk_string_list_new (NULL);

  if (person)
    gtk_string_list_append (model, _("Like everyone else"));
  gtk_string_list_append (model, _("Skip these posts"));
  gtk_string_list_append (model, _("All aspects"));
  for (guint a = 0; self->aspects != NULL && a < self->aspects->len; a++)
    {
      GpmPodAspect *aspect = g_ptr_array_index (self->aspects, a);
      g_autofree char *name = g_strdup_printf (_("Aspect “%s”"), aspect->name);

      gtk_string_list_append (model, name);
    }
  if (!self->aspects_failed)
    gtk_string_list_append (model, _("New Aspect…"));
  return model;
}

/* A combo row titled @title choosing among @model, showing @selected. */
static AdwComboRow *
new_combo_row (GpmMigratePage *self,
               const char     *title,
               const char     *subtitle,
               GtkStringList  *model,
               guint           selected)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* One line each, ellipsized (the full name is the row's accessible name
   * and tooltip): wrapping labels in rows are measured for many widths
   * on every layout, 14 rows cost ~100 ms on the first one */
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), title);
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, selected);
  /* Each choice named for screen readers, the lists after the audience;
   * the choices at most 28 characters wide, so that a row fits 400 px */
  gpm_a11y_name_combo_row_with_width (GTK_WIDGET (row), title, 28);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (combo_selected_cb), self, 0);
  return row;
}

/* The row choosing the target of @ps. */
static AdwComboRow *
new_mapping_row (GpmMigratePage *self,
                 PrivateScope   *ps)
{
  g_autoptr(GtkStringList) model = new_choices (self, ps->person);
  g_autofree char *subtitle = dup_row_subtitle (ps, self->left_counts);
  AdwComboRow *row;

  self->updating_rows = TRUE;
  row = new_combo_row (self, ps->label, subtitle, model, choice_of (self, ps->key, ps->person));
  self->updating_rows = FALSE;
  g_object_set_data (G_OBJECT (row), "gpm-scope", ps);
  return row;
}

/* A few rows at a time, below the redraw's priority: a frame between two
 * steps, each measuring only its new rows (a combo row costs 2-3 ms to make
 * and about as much to lay out the first time; people can be hundreds). */
#define ROWS_PER_STEP 6

static gboolean
add_person_rows_step (gpointer data)
{
  GpmMigratePage *self = data;

  for (guint n = 0; n < ROWS_PER_STEP && self->person_rows->len < self->people->len; n++)
    {
      AdwComboRow *row = new_mapping_row (self, g_ptr_array_index (self->people, self->person_rows->len));

      adw_expander_row_add_row (self->people_row, GTK_WIDGET (row));
      g_ptr_array_add (self->person_rows, row);
    }
  if (self->person_rows->len < self->people->len)
    return G_SOURCE_CONTINUE;
  self->person_rows_idle = 0;
  return G_SOURCE_REMOVE;
}

/* Each person's own row only once the group is opened: most people never
 * need one, and hundreds of combo rows are slow to make. */
static void
people_expanded_cb (AdwExpanderRow *row,
                    GParamSpec     *pspec,
                    GpmMigratePage *self)
{
  if (!adw_expander_row_get_expanded (row) || self->person_rows != NULL)
    return;
  self->person_rows = g_ptr_array_new ();
  self->person_rows_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_person_rows_step, self, NULL);
}

/* Names every list inside @widget after @label */
static void
name_lists (GtkWidget  *widget,
            const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      name_lists (child, label);
    }
}

static void
add_people_row (GpmMigratePage *self)
{
  g_autoptr(GtkStringList) model = new_choices (self, FALSE);
  g_autofree char *title = g_strdup_printf (ngettext ("%u Person", "%u People", self->people->len), self->people->len);

  self->people_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->people_row), title);
  /* One line, ellipsized, as the other rows' (the tooltip has it
   * whole): wrapping, it is measured 128 times in the layout that shows
   * the rows (11 ms at 100,000 posts) */
#if ADW_CHECK_VERSION (1, 3, 0)
  adw_expander_row_set_subtitle_lines (self->people_row, 1);
#else
  {
    AdwActionRow *header = find_action_row (GTK_WIDGET (self->people_row));

    if (header != NULL)
      adw_action_row_set_subtitle_lines (header, 1);
  }
#endif
  update_people_subtitle (self, self->plan);
  /* libadwaita 1.2 leaves the row and its lists unnamed for screen readers */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->people_row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  name_lists (GTK_WIDGET (self->people_row), title);
  g_signal_connect_object (self->people_row, "notify::expanded", G_CALLBACK (people_expanded_cb), self, 0);

  self->updating_rows = TRUE;
  self->people_combo = new_combo_row (self, _("Everyone"), NULL, model, choice_of (self, GPM_PLAN_PEOPLE_KEY, FALSE));
  self->updating_rows = FALSE;
  adw_expander_row_add_row (self->people_row, GTK_WIDGET (self->people_combo));
  adw_preferences_group_add (self->mapping_group, GTK_WIDGET (self->people_row));
}

static gboolean
add_rows_step (gpointer data)
{
  GpmMigratePage *self = data;

  for (guint n = 0; n < ROWS_PER_STEP && self->mapping_rows->len < self->scopes->len; n++)
    {
      AdwComboRow *row = new_mapping_row (self, g_ptr_array_index (self->scopes, self->mapping_rows->len));

      adw_preferences_group_add (self->mapping_group, GTK_WIDGET (row));
      g_ptr_array_add (self->mapping_rows, row);
    }
  if (self->mapping_rows->len < self->scopes->len)
    return G_SOURCE_CONTINUE;
  if (self->people->len > 0)
    add_people_row (self);
  /* Shown once whole: the group laid out with some rows, then again with
   * more, measures its wrapping description far more often (GTK 4.8);
   * not when everything is on the pod and nothing is skipped */
  gtk_widget_set_visible (self->mapping_box, mapping_box_wanted (self));
  self->rows_idle = 0;
  return G_SOURCE_REMOVE;
}

void
_gpm_migrate_page_build_mapping_rows (GpmMigratePage *self)
{
  _gpm_migrate_page_remove_mapping_rows (self);
  self->mapping_rows = g_ptr_array_new ();

  /* Suggest the aspect named like the circle, for an audience nobody chose for */
  for (guint k = 0; k < self->scopes->len; k++)
    {
      PrivateScope *ps = g_ptr_array_index (self->scopes, k);

      for (guint a = 0; !gpm_plan_has_target (self->plan, ps->key) && self->aspects != NULL && a < self->aspects->len; a++)
        {
          GpmPodAspect *aspect = g_ptr_array_index (self->aspects, a);

          if (g_utf8_collate (aspect->name, ps->label) == 0)
            gpm_plan_set_target (self->plan, ps->key, GPM_PLAN_TARGET_ASPECT, aspect->name);
        }
    }

  gtk_widget_set_visible (self->mapping_box, FALSE);
  _gpm_migrate_page_update_statement (self);
  if (self->scopes->len > 0 || self->people->len > 0)
    self->rows_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_rows_step, self, NULL);
}

/* Pace */

void
_gpm_migrate_page_show_pace (GpmMigratePage *self)
{
  self->updating_rows = TRUE;
  gtk_spin_button_set_value (self->delay_spin, gpm_plan_get_delay (self->plan));
  gtk_spin_button_set_value (self->max_spin, gpm_plan_get_max_per_day (self->plan));
  self->updating_rows = FALSE;
}

/* Header bar */

void
_gpm_migrate_page_update_header (GpmMigratePage *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  /* The window's stack shows the page (mapped or not: a test's window) */
  gboolean shown = GTK_IS_STACK (parent) ? gtk_stack_get_visible_child (GTK_STACK (parent)) == GTK_WIDGET (self)
                                         : gtk_widget_get_mapped (GTK_WIDGET (self));
  gboolean plan = g_strcmp0 (self->status, "plan") == 0;

  gtk_widget_set_visible (self->header_back_button, shown);
  gtk_widget_set_tooltip_text (self->header_back_button, plan ? _("Back to Posts") : _("Back to Posts; the migration goes on"));
  /* no Start that would send nothing (the page says why) */
  gtk_widget_set_visible (self->header_start_button, shown && plan && !self->exporting && !self->nothing_left);
}

/* Saving */

/* In the journal, for the next start and the CLI (core writes one save at
 * a time per journal, the last one asked for last) */
void
gpm_migrate_page_save_plan (GpmMigratePage *self)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  if (self->journal == NULL || self->plan == NULL)
    return;
  gpm_plan_save_async (self->plan, self->journal, NULL, NULL, NULL);
}
