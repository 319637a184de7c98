/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-plan"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "gpm-migrator.h"
#include "gpm-plan.h"
#include "gpm-scope.h"

#define SECONDS_PER_DAY 86400
/* The version of the rows gpm_plan_save() writes. */
#define PLAN_VERSION "1"

typedef struct {
  GpmPlanTarget  target;
  char          *aspect;   /* ASPECT only */
} Target;

struct _GpmPlan
{
  GObject     parent_instance;

  GHashTable *audiences;   /* scope key → itself */
  GHashTable *targets;     /* scope key → Target* */
  GHashTable *excluded;    /* post key → itself */
  GHashTable *texts;       /* post key → Markdown */
  guint       delay;
  guint       max_per_day;
  gboolean    own_comments;
  gboolean    location;
  gboolean    archive_links;
  GpmPlan    *restored;    /* a copy of the saved plan last taken back (gpm_plan_restore()) */
};

G_DEFINE_FINAL_TYPE (GpmPlan, gpm_plan, G_TYPE_OBJECT)

G_DEFINE_QUARK (gpm-plan-error-quark, gpm_plan_error)

static void
target_free (Target *t)
{
  g_free (t->aspect);
  g_free (t);
}

static void
gpm_plan_finalize (GObject *object)
{
  GpmPlan *self = GPM_PLAN (object);

  g_hash_table_unref (self->audiences);
  g_hash_table_unref (self->targets);
  g_hash_table_unref (self->excluded);
  g_hash_table_unref (self->texts);
  g_clear_object (&self->restored);

  G_OBJECT_CLASS (gpm_plan_parent_class)->finalize (object);
}

static void
gpm_plan_class_init (GpmPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gpm_plan_finalize;
}

static void
gpm_plan_init (GpmPlan *self)
{
  self->audiences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) target_free);
  self->excluded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->delay = GPM_MIGRATOR_DEFAULT_DELAY;
  self->archive_links = TRUE;
}

GpmPlan *
gpm_plan_new (void)
{
  return g_object_new (GPM_TYPE_PLAN, NULL);
}

static int
compare_strv_items (const void *a,
                    const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The keys of a set, sorted (byte order: the same on every machine). */
static GStrv
dup_sorted (GHashTable *table)
{
  guint n = 0;
  GStrv keys = (GStrv) g_hash_table_get_keys_as_array (table, &n);

  for (guint i = 0; i < n; i++)
    keys[i] = g_strdup (keys[i]);
  qsort (keys, n, sizeof (char *), compare_strv_items);
  return keys;
}

GpmPlan *
gpm_plan_copy (GpmPlan *self)
{
  GpmPlan *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);

  copy = gpm_plan_new ();
  g_hash_table_iter_init (&iter, self->audiences);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (copy->audiences, g_strdup (key));
  g_hash_table_iter_init (&iter, self->targets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Target *t = value;

      gpm_plan_set_target (copy, key, t->target, t->aspect);
    }
  g_hash_table_iter_init (&iter, self->excluded);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (copy->excluded, g_strdup (key));
  g_hash_table_iter_init (&iter, self->texts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->texts, g_strdup (key), g_strdup (value));
  copy->delay = self->delay;
  copy->max_per_day = self->max_per_day;
  copy->own_comments = self->own_comments;
  copy->location = self->location;
  copy->archive_links = self->archive_links;
  return copy;
}

void
gpm_plan_restore (GpmPlan  *self,
                  GpmPlan  *saved,
                  gboolean  with_audiences)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (GPM_IS_PLAN (saved));

  if (with_audiences)
    {
      g_hash_table_remove_all (self->audiences);
      g_hash_table_iter_init (&iter, saved->audiences);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (self->audiences, g_strdup (key));
    }
  g_hash_table_iter_init (&iter, saved->targets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (self->targets, key))
      {
        const Target *t = value;

        gpm_plan_set_target (self, key, t->target, t->aspect);
      }
  g_hash_table_iter_init (&iter, saved->excluded);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (self->excluded, g_strdup (key));
  g_hash_table_iter_init (&iter, saved->texts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (self->texts, key))
      g_hash_table_insert (self->texts, g_strdup (key), g_strdup (value));
  self->delay = saved->delay;
  self->max_per_day = saved->max_per_day;
  self->own_comments = saved->own_comments;
  self->location = saved->location;
  self->archive_links = saved->archive_links;
  /* what came from it, for gpm_plan_switch_account() */
  if (saved != self->restored)
    {
      g_clear_object (&self->restored);
      self->restored = gpm_plan_copy (saved);
    }
}

/* A plan belongs to one account: its journal keeps it
 * (gpm_journal_open_for_account()). When the user goes on with another
 * account (the app restored the last account's plan at start, then the
 * user signed in somewhere else), what carries over is what is about the
 * takeout, and what is about the pod does not:
 *
 *   - where private audiences go never carries: aspects are the account's
 *     own (a name may exist on both and mean other people), so the other
 *     account's choices, and its own saved ones, are all there is;
 *   - the ticked audiences are the user's ticks of now (the caller's);
 *   - the posts left out and the edited texts are about the takeout's
 *     posts. The account's saved plan, when it has one, is its own word
 *     on them: what came from the other account's saved plan gives way to
 *     it, but what the user changed since (in this session) stays and
 *     wins. An account without a saved plan starts from them as they are
 *     (the user sees them in the post list), and so do the pace and the
 *     options. */
void
gpm_plan_switch_account (GpmPlan *self,
                         GpmPlan *saved)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (saved == NULL || GPM_IS_PLAN (saved));

  g_hash_table_remove_all (self->targets);
  if (saved == NULL)
    return;
  if (self->restored != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->restored->excluded);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_remove (self->excluded, key);
      g_hash_table_iter_init (&iter, self->restored->texts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_strcmp0 (g_hash_table_lookup (self->texts, key), value) == 0)
          g_hash_table_remove (self->texts, key);
    }
  gpm_plan_restore (self, saved, FALSE);
}

/* ------------------------------------------------------------- audiences */

void
gpm_plan_set_audiences (GpmPlan            *self,
                        const char * const *scope_keys)
{
  g_return_if_fail (GPM_IS_PLAN (self));

  g_hash_table_remove_all (self->audiences);
  for (guint i = 0; scope_keys != NULL && scope_keys[i] != NULL; i++)
    g_hash_table_add (self->audiences, g_strdup (scope_keys[i]));
}

GStrv
gpm_plan_dup_audiences (GpmPlan *self)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  return dup_sorted (self->audiences);
}

void
gpm_plan_set_audience (GpmPlan    *self,
                       const char *scope_key,
                       gboolean    ticked)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (scope_key != NULL);

  if (ticked)
    g_hash_table_add (self->audiences, g_strdup (scope_key));
  else
    g_hash_table_remove (self->audiences, scope_key);
}

gboolean
gpm_plan_has_audience (GpmPlan    *self,
                       const char *scope_key)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  return scope_key != NULL && g_hash_table_contains (self->audiences, scope_key);
}

/* --------------------------------------------------------------- targets */

void
gpm_plan_set_target (GpmPlan       *self,
                     const char    *scope_key,
                     GpmPlanTarget  target,
                     const char    *aspect_name)
{
  Target *t;

  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (scope_key != NULL);
  g_return_if_fail (target != GPM_PLAN_TARGET_ASPECT || (aspect_name != NULL && *aspect_name != '\0'));

  t = g_new0 (Target, 1);
  t->target = target;
  t->aspect = target == GPM_PLAN_TARGET_ASPECT ? g_strdup (aspect_name) : NULL;
  g_hash_table_insert (self->targets, g_strdup (scope_key), t);
}

void
gpm_plan_unset_target (GpmPlan    *self,
                       const char *scope_key)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (scope_key != NULL);

  g_hash_table_remove (self->targets, scope_key);
}

guint
gpm_plan_drop_missing_aspects (GpmPlan            *self,
                               const char * const *aspect_names)
{
  GHashTableIter iter;
  Target *t;
  guint n = 0;

  g_return_val_if_fail (GPM_IS_PLAN (self), 0);

  g_hash_table_iter_init (&iter, self->targets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    if (t->target == GPM_PLAN_TARGET_ASPECT &&
        (aspect_names == NULL || !g_strv_contains (aspect_names, t->aspect)))
      {
        g_hash_table_iter_remove (&iter);
        n++;
      }
  return n;
}

void
gpm_plan_clear_targets (GpmPlan *self)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  g_hash_table_remove_all (self->targets);
}

gboolean
gpm_plan_has_target (GpmPlan    *self,
                     const char *scope_key)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  return scope_key != NULL && g_hash_table_contains (self->targets, scope_key);
}

GpmPlanTarget
gpm_plan_get_target (GpmPlan     *self,
                     const char  *scope_key,
                     const char **aspect_name)
{
  const Target *t;

  if (aspect_name != NULL)
    *aspect_name = NULL;
  g_return_val_if_fail (GPM_IS_PLAN (self), GPM_PLAN_TARGET_SKIP);
  g_return_val_if_fail (scope_key != NULL, GPM_PLAN_TARGET_SKIP);

  t = g_hash_table_lookup (self->targets, scope_key);
  if (t == NULL)
    return GPM_PLAN_TARGET_SKIP;
  if (aspect_name != NULL)
    *aspect_name = t->aspect;
  return t->target;
}

GpmPlanTarget
gpm_plan_lookup_target (GpmPlan     *self,
                        const char  *scope_key,
                        const char **aspect_name)
{
  /* A person without a choice of their own: the people's */
  if (scope_key != NULL && !g_hash_table_contains (self->targets, scope_key) &&
      g_str_has_prefix (scope_key, "users/"))
    return gpm_plan_get_target (self, GPM_PLAN_PEOPLE_KEY, aspect_name);
  return gpm_plan_get_target (self, scope_key, aspect_name);
}

GStrv
gpm_plan_dup_target_aspects (GpmPlan  *self,
                             gboolean *all_aspects)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;
  gboolean all = FALSE;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);

  g_hash_table_iter_init (&iter, self->targets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Target *t = value;

      if (t->target == GPM_PLAN_TARGET_ALL_ASPECTS)
        all = TRUE;
      else if (t->target == GPM_PLAN_TARGET_ASPECT)
        g_hash_table_add (names, t->aspect);
    }
  if (all_aspects != NULL)
    *all_aspects = all;
  return dup_sorted (names);
}

void
gpm_plan_map_scope (GpmPlan    *self,
                    const char *scope_key,
                    const char *aspect_name)
{
  if (aspect_name == NULL)
    gpm_plan_unset_target (self, scope_key);
  else
    gpm_plan_set_target (self, scope_key, GPM_PLAN_TARGET_ASPECT, aspect_name);
}

/* ----------------------------------------------------------------- posts */

void
gpm_plan_set_post_excluded (GpmPlan    *self,
                            const char *post_key,
                            gboolean    excluded)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (post_key != NULL);

  if (excluded)
    g_hash_table_add (self->excluded, g_strdup (post_key));
  else
    g_hash_table_remove (self->excluded, post_key);
}

gboolean
gpm_plan_is_post_excluded (GpmPlan    *self,
                           const char *post_key)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  return post_key != NULL && g_hash_table_contains (self->excluded, post_key);
}

GStrv
gpm_plan_dup_excluded (GpmPlan *self)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  return dup_sorted (self->excluded);
}

void
gpm_plan_set_post_text (GpmPlan    *self,
                        const char *post_key,
                        const char *markdown)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (post_key != NULL);

  if (markdown == NULL)
    g_hash_table_remove (self->texts, post_key);
  else
    g_hash_table_insert (self->texts, g_strdup (post_key), g_strdup (markdown));
}

const char *
gpm_plan_get_post_text (GpmPlan    *self,
                        const char *post_key)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  return post_key != NULL ? g_hash_table_lookup (self->texts, post_key) : NULL;
}

GStrv
gpm_plan_dup_edited (GpmPlan *self)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  return dup_sorted (self->texts);
}

/* ------------------------------------------------------- pace and options */

void
gpm_plan_set_delay (GpmPlan *self,
                    guint    seconds)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  self->delay = seconds;
}

guint
gpm_plan_get_delay (GpmPlan *self)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), GPM_MIGRATOR_DEFAULT_DELAY);
  return self->delay;
}

void
gpm_plan_set_max_per_day (GpmPlan *self,
                          guint    max_per_day)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  self->max_per_day = max_per_day;
}

guint
gpm_plan_get_max_per_day (GpmPlan *self)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), 0);
  return self->max_per_day;
}

void
gpm_plan_set_own_comments (GpmPlan  *self,
                           gboolean  own_comments)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  self->own_comments = !!own_comments;
}

gboolean
gpm_plan_get_own_comments (GpmPlan *self)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  return self->own_comments;
}

void
gpm_plan_set_location (GpmPlan  *self,
                       gboolean  location)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  self->location = !!location;
}

gboolean
gpm_plan_get_location (GpmPlan *self)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  return self->location;
}

void
gpm_plan_set_archive_links (GpmPlan  *self,
                            gboolean  archive_links)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  self->archive_links = !!archive_links;
}

gboolean
gpm_plan_get_archive_links (GpmPlan *self)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), TRUE);
  return self->archive_links;
}

void
gpm_plan_apply_to_convert_settings (GpmPlan            *self,
                                    GpmConvertSettings *settings)
{
  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (settings != NULL);

  settings->own_comments = self->own_comments;
  settings->location = self->location;
  settings->archive_links = self->archive_links;
}

/* ----------------------------------------------------------------- rules */

gboolean
gpm_plan_resolve_audience (GpmPlan    *self,
                           GpmPost    *post,
                           gboolean   *is_public,
                           GPtrArray  *aspects,
                           gboolean   *all_aspects,
                           GError    **error)
{
  GPtrArray *scopes;
  g_autoptr(GPtrArray) unmapped = NULL;
  gboolean found_public = FALSE, found_all = FALSE, found_aspect = FALSE;

  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  g_return_val_if_fail (GPM_IS_POST (post), FALSE);

  if (is_public != NULL)
    *is_public = FALSE;
  if (all_aspects != NULL)
    *all_aspects = FALSE;

  scopes = gpm_post_get_scopes (post);
  if (scopes == NULL || scopes->len == 0)
    {
      g_set_error (error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_NO_AUDIENCE,
                   _("The takeout does not say who the post was shared with"));
      return FALSE;
    }

  /* Who sees it: public (PUBLIC, COMMUNITY), or the mapped aspects. */
  for (guint i = 0; i < scopes->len; i++)
    if (gpm_scope_is_essentially_public (g_ptr_array_index (scopes, i)))
      found_public = TRUE;
  if (found_public)
    {
      if (is_public != NULL)
        *is_public = TRUE;
      return TRUE;
    }

  unmapped = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < scopes->len; i++)
    {
      const GpmScope *scope = g_ptr_array_index (scopes, i);
      const char *aspect = NULL;

      switch (gpm_plan_lookup_target (self, gpm_scope_get_key (scope), &aspect))
        {
        case GPM_PLAN_TARGET_ALL_ASPECTS:
          found_all = TRUE;
          break;
        case GPM_PLAN_TARGET_ASPECT:
          found_aspect = TRUE;
          if (aspects != NULL && !g_ptr_array_find_with_equal_func (aspects, aspect, g_str_equal, NULL))
            g_ptr_array_add (aspects, g_strdup (aspect));
          break;
        case GPM_PLAN_TARGET_SKIP:
        default:
          g_ptr_array_add (unmapped, gpm_scope_describe (scope));
          break;
        }
    }
  if (all_aspects != NULL)
    *all_aspects = found_all;
  if (found_all || found_aspect)
    return TRUE;

  {
    g_autofree char *list = NULL;

    g_ptr_array_add (unmapped, NULL);
    list = g_strjoinv (", ", (char **) unmapped->pdata);
    g_set_error (error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_NO_ASPECT,
                 _("Shared with %s, and no aspect is chosen for that audience (limited posts are never posted publicly)"),
                 list);
  }
  return FALSE;
}

gboolean
gpm_plan_selects_post (GpmPlan *self,
                       GpmPost *post)
{
  GPtrArray *scopes;

  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  g_return_val_if_fail (GPM_IS_POST (post), FALSE);

  scopes = gpm_post_get_scopes (post);
  for (guint i = 0; scopes != NULL && i < scopes->len; i++)
    if (g_hash_table_contains (self->audiences, gpm_scope_get_key (g_ptr_array_index (scopes, i))))
      return TRUE;
  return FALSE;
}

/* The conversion settings the plan's options imply, for the nothing-own rule. */
static GpmConvertSettings *
plan_convert_settings (GpmPlan *self)
{
  GpmConvertSettings *settings = gpm_convert_settings_new ();

  gpm_plan_apply_to_convert_settings (self, settings);
  return settings;
}

gboolean
gpm_plan_is_nothing_own (GpmPlan *self,
                         GpmPost *post)
{
  g_autoptr(GpmConvertSettings) settings = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  g_return_val_if_fail (GPM_IS_POST (post), FALSE);

  if (g_hash_table_contains (self->texts, gpm_journal_post_key (post)))
    return FALSE;
  settings = plan_convert_settings (self);
  return gpm_convert_post_is_nothing_own (post, settings, NULL);
}

typedef enum {
  FATE_NOT_SELECTED,
  FATE_EXCLUDED,
  FATE_NOTHING_OWN,
  FATE_SKIPPED,
  FATE_PUBLIC,
  FATE_LIMITED,
} Fate;

static Fate
post_fate (GpmPlan            *self,
           GpmPost            *post,
           GpmConvertSettings *settings)
{
  gboolean is_public = FALSE;

  if (!gpm_plan_selects_post (self, post))
    return FATE_NOT_SELECTED;
  if (g_hash_table_contains (self->excluded, gpm_journal_post_key (post)))
    return FATE_EXCLUDED;
  if (!gpm_plan_resolve_audience (self, post, &is_public, NULL, NULL, NULL))
    return FATE_SKIPPED;
  /* An edited text is the user's own, whatever the original had */
  if (!g_hash_table_contains (self->texts, gpm_journal_post_key (post)) &&
      gpm_convert_post_is_nothing_own (post, settings, NULL))
    return FATE_NOTHING_OWN;
  return is_public ? FATE_PUBLIC : FATE_LIMITED;
}

void
gpm_plan_count (GpmPlan       *self,
                GPtrArray     *posts,
                GpmPlanCounts *counts)
{
  gpm_plan_count_with_posted (self, posts, NULL, counts);
}

void
gpm_plan_count_with_posted (GpmPlan       *self,
                            GPtrArray     *posts,
                            GHashTable    *posted,
                            GpmPlanCounts *counts)
{
  g_autoptr(GpmConvertSettings) settings = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (counts != NULL);

  memset (counts, 0, sizeof *counts);
  settings = plan_convert_settings (self);
  for (guint i = 0; posts != NULL && i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      Fate fate;

      if (!g_hash_table_add (seen, (gpointer) gpm_journal_post_key (post)))
        continue;
      fate = post_fate (self, post, settings);
      if (fate != FATE_NOT_SELECTED)
        counts->n_selected++;
      if ((fate == FATE_PUBLIC || fate == FATE_LIMITED) && posted != NULL &&
          g_hash_table_contains (posted, gpm_journal_post_key (post)))
        counts->n_posted++;
      switch (fate)
        {
        case FATE_EXCLUDED:
          counts->n_excluded++;
          break;
        case FATE_NOTHING_OWN:
          counts->n_nothing_own++;
          break;
        case FATE_SKIPPED:
          counts->n_skipped++;
          break;
        case FATE_PUBLIC:
          counts->n_public++;
          break;
        case FATE_LIMITED:
          counts->n_limited++;
          break;
        case FATE_NOT_SELECTED:
        default:
          break;
        }
    }
  counts->n_to_send = counts->n_public + counts->n_limited;
}

gint
gpm_plan_compare_posts (gconstpointer a,
                        gconstpointer b)
{
  GpmPost *pa = *(GpmPost * const *) a;
  GpmPost *pb = *(GpmPost * const *) b;
  GDateTime *ta = gpm_post_get_creation_time (pa);
  GDateTime *tb = gpm_post_get_creation_time (pb);
  int cmp;

  /* Oldest first; posts without a date after the others. */
  if (ta != NULL && tb != NULL && (cmp = g_date_time_compare (ta, tb)) != 0)
    return cmp;
  if ((ta == NULL) != (tb == NULL))
    return ta == NULL ? 1 : -1;
  cmp = g_strcmp0 (gpm_post_get_entry_name (pa), gpm_post_get_entry_name (pb));
  if (cmp != 0)
    return cmp;
  return g_strcmp0 (gpm_journal_post_key (pa), gpm_journal_post_key (pb));
}

GPtrArray *
gpm_plan_select_posts (GpmPlan   *self,
                       GPtrArray *posts)
{
  GPtrArray *selected = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmConvertSettings) settings = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (GPM_IS_PLAN (self), selected);

  settings = plan_convert_settings (self);
  for (guint i = 0; posts != NULL && i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      Fate fate;

      if (!g_hash_table_add (seen, (gpointer) gpm_journal_post_key (post)))
        continue;
      fate = post_fate (self, post, settings);
      if (fate == FATE_PUBLIC || fate == FATE_LIMITED)
        g_ptr_array_add (selected, g_object_ref (post));
    }
  g_ptr_array_sort (selected, gpm_plan_compare_posts);
  return selected;
}

GStrv
gpm_plan_dup_private_audiences (GpmPlan   *self,
                                GPtrArray *posts,
                                GArray    *counts)
{
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = 0;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);

  if (counts != NULL)
    g_array_set_size (counts, 0);
  for (guint i = 0; posts != NULL && i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      GPtrArray *scopes = gpm_post_get_scopes (post);
      gboolean is_public = FALSE;

      if (!g_hash_table_add (seen, (gpointer) gpm_journal_post_key (post)) ||
          !gpm_plan_selects_post (self, post) ||
          g_hash_table_contains (self->excluded, gpm_journal_post_key (post)))
        continue;
      for (guint j = 0; scopes != NULL && j < scopes->len; j++)
        is_public |= gpm_scope_is_essentially_public (g_ptr_array_index (scopes, j));
      if (is_public)
        continue;
      for (guint j = 0; scopes != NULL && j < scopes->len; j++)
        {
          const char *key = gpm_scope_get_key (g_ptr_array_index (scopes, j));
          gpointer at;

          if (!g_hash_table_lookup_extended (index, key, NULL, &at))
            {
              at = GUINT_TO_POINTER (n++);
              g_hash_table_insert (index, (gpointer) key, at);
              g_strv_builder_add (keys, key);
              if (counts != NULL)
                {
                  guint zero = 0;
                  g_array_append_val (counts, zero);
                }
            }
          if (counts != NULL)
            g_array_index (counts, guint, GPOINTER_TO_UINT (at))++;
        }
    }
  return g_strv_builder_end (keys);
}

/* -------------------------------------------------------------- estimate */

gint64
gpm_plan_estimate (GpmPlan    *self,
                   guint       n_posts,
                   GDateTime  *now,
                   GDateTime **end)
{
  guint64 delay, cap, seconds;

  g_return_val_if_fail (GPM_IS_PLAN (self), -1);
  g_return_val_if_fail (now != NULL, -1);

  delay = self->delay;
  cap = self->max_per_day;
  if (n_posts == 0)
    seconds = 0;
  /* The first post goes at once, the next ones a delay apart; with a cap
   * the migrator lets at most @cap go in any 24 hours, so a day's batch
   * starts a day after the previous one's first post. */
  else if (cap == 0 || cap * delay >= SECONDS_PER_DAY)
    seconds = (guint64) (n_posts - 1) * delay;
  else
    seconds = ((guint64) (n_posts - 1) / cap) * SECONDS_PER_DAY + ((guint64) (n_posts - 1) % cap) * delay;

  if (end != NULL)
    *end = g_date_time_add_seconds (now, (gdouble) seconds);
  return (gint64) seconds;
}

/* "about 155 days" */
static char *
describe_duration (gint64 seconds)
{
  guint n;

  if (seconds < 60)
    return g_strdup (_("less than a minute"));
  if (seconds < 3600)
    {
      n = (guint) ((seconds + 30) / 60);
      return g_strdup_printf (ngettext ("about %u minute", "about %u minutes", n), n);
    }
  if (seconds < 48 * 3600)
    {
      n = (guint) ((seconds + 1800) / 3600);
      return g_strdup_printf (ngettext ("about %u hour", "about %u hours", n), n);
    }
  n = (guint) ((seconds + SECONDS_PER_DAY / 2) / SECONDS_PER_DAY);
  return g_strdup_printf (ngettext ("about %u day", "about %u days", n), n);
}

/* When it ends, as people write it in their language: a time of day
 * within a day, a date otherwise, with the year only when it differs. */
static char *
describe_end (GDateTime *now,
              GDateTime *end,
              gint64     seconds)
{
  g_autoptr(GDateTime) local_now = g_date_time_to_local (now);
  g_autoptr(GDateTime) local_end = g_date_time_to_local (end);

  if (seconds < 20 * 3600)
    /* Translators: a time of day (g_date_time_format()), as in "until 14:05" */
    return g_date_time_format (local_end, C_("time of day", "%H:%M"));
  if (g_date_time_get_year (local_end) == g_date_time_get_year (local_now))
    /* Translators: a date without the year (g_date_time_format()), as in "until May 12" */
    return g_date_time_format (local_end, C_("date without year", "%B %-d"));
  /* Translators: a date with the year (g_date_time_format()), as in "until May 12, 2027" */
  return g_date_time_format (local_end, C_("date with year", "%B %-d, %Y"));
}

/* Whether the daily cap, not the delay, sets the pace of @n_posts */
static gboolean
cap_binds (GpmPlan *self,
           guint    n_posts)
{
  return self->max_per_day > 0 && (guint64) self->max_per_day * self->delay < SECONDS_PER_DAY &&
         n_posts > self->max_per_day;
}

char *
gpm_plan_describe_pace (GpmPlan *self,
                        guint    n_posts)
{
  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);

  if (cap_binds (self, n_posts))
    /* Translators: the pace, as in "At 100 posts a day: about 155 days, until May 12" */
    return g_strdup_printf (ngettext ("At %u post a day", "At %u posts a day", self->max_per_day), self->max_per_day);
  /* Translators: the pace, as in "One post every 60 seconds: about 3 hours, until 14:05" */
  return g_strdup_printf (ngettext ("One post every %u second", "One post every %u seconds", self->delay), self->delay);
}

char *
gpm_plan_describe_end (GpmPlan   *self,
                       guint      n_posts,
                       GDateTime *now)
{
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *until = NULL;
  gint64 seconds;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (n_posts == 0)
    return g_strdup (_("Nothing to send."));
  seconds = gpm_plan_estimate (self, n_posts, now, &end);
  duration = describe_duration (seconds);
  until = describe_end (now, end, seconds);
  /* Translators: "about 155 days, until May 12" */
  return g_strdup_printf (_("%s, until %s"), duration, until);
}

char *
gpm_plan_describe_estimate (GpmPlan   *self,
                            guint      n_posts,
                            GDateTime *now)
{
  g_autofree char *pace = NULL;
  g_autofree char *end = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (n_posts == 0)
    return g_strdup (_("Nothing to send."));
  pace = gpm_plan_describe_pace (self, n_posts);
  end = gpm_plan_describe_end (self, n_posts, now);
  /* Translators: "At 100 posts a day: about 155 days, until May 12" */
  return g_strdup_printf (_("%s: %s"), pace, end);
}

/* --------------------------------------------------------------- journal */

static void
add_row (GPtrArray  *rows,
         const char *part,
         const char *key,
         const char *value)
{
  GpmJournalPlanRow *row = g_new0 (GpmJournalPlanRow, 1);

  row->part = g_strdup (part);
  row->key = g_strdup (key);
  row->value = g_strdup (value);
  g_ptr_array_add (rows, row);
}

/* The rows gpm_plan_save() writes, in a fixed order. */
static GPtrArray *
plan_rows (GpmPlan *self)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_journal_plan_row_free);
  g_auto(GStrv) audiences = dup_sorted (self->audiences);
  g_auto(GStrv) targets = dup_sorted (self->targets);
  g_auto(GStrv) excluded = dup_sorted (self->excluded);
  g_auto(GStrv) edited = dup_sorted (self->texts);
  char number[32];

  add_row (rows, "meta", "version", PLAN_VERSION);
  for (guint i = 0; audiences[i] != NULL; i++)
    add_row (rows, "audience", audiences[i], "1");
  for (guint i = 0; targets[i] != NULL; i++)
    {
      const Target *t = g_hash_table_lookup (self->targets, targets[i]);
      g_autofree char *value = t->target == GPM_PLAN_TARGET_ASPECT ? g_strconcat ("aspect:", t->aspect, NULL)
                               : g_strdup (t->target == GPM_PLAN_TARGET_ALL_ASPECTS ? "all-aspects" : "skip");

      add_row (rows, "target", targets[i], value);
    }
  for (guint i = 0; excluded[i] != NULL; i++)
    add_row (rows, "excluded", excluded[i], "1");
  for (guint i = 0; edited[i] != NULL; i++)
    add_row (rows, "text", edited[i], g_hash_table_lookup (self->texts, edited[i]));
  g_snprintf (number, sizeof number, "%u", self->delay);
  add_row (rows, "pace", "delay", number);
  g_snprintf (number, sizeof number, "%u", self->max_per_day);
  add_row (rows, "pace", "max-per-day", number);
  add_row (rows, "option", "own-comments", self->own_comments ? "1" : "0");
  add_row (rows, "option", "location", self->location ? "1" : "0");
  add_row (rows, "option", "archive-links", self->archive_links ? "1" : "0");
  return rows;
}

char *
gpm_plan_dump (GpmPlan *self)
{
  g_autoptr(GPtrArray) rows = NULL;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);

  rows = plan_rows (self);
  for (guint i = 0; i < rows->len; i++)
    {
      const GpmJournalPlanRow *row = g_ptr_array_index (rows, i);
      g_autofree char *value = g_strescape (row->value, NULL);

      g_string_append_printf (out, "%s\t%s\t%s\n", row->part, row->key, value);
    }
  return g_string_free (out, FALSE);
}

gboolean
gpm_plan_equal (GpmPlan *a,
                GpmPlan *b)
{
  g_autoptr(GPtrArray) ra = NULL;
  g_autoptr(GPtrArray) rb = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (a), FALSE);
  g_return_val_if_fail (GPM_IS_PLAN (b), FALSE);

  ra = plan_rows (a);
  rb = plan_rows (b);
  if (ra->len != rb->len)
    return FALSE;
  for (guint i = 0; i < ra->len; i++)
    {
      const GpmJournalPlanRow *x = g_ptr_array_index (ra, i);
      const GpmJournalPlanRow *y = g_ptr_array_index (rb, i);

      if (strcmp (x->part, y->part) != 0 || strcmp (x->key, y->key) != 0 || strcmp (x->value, y->value) != 0)
        return FALSE;
    }
  return TRUE;
}

gboolean
gpm_plan_save (GpmPlan     *self,
               GpmJournal  *journal,
               GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (self), FALSE);
  g_return_val_if_fail (GPM_IS_JOURNAL (journal), FALSE);

  rows = plan_rows (self);
  return gpm_journal_replace_plan (journal, rows, error);
}

static gboolean
parse_uint (const char *text,
            guint      *out)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

GpmPlan *
gpm_plan_load (GpmJournal  *journal,
               GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GpmPlan) plan = NULL;
  gboolean versioned = FALSE;

  g_return_val_if_fail (GPM_IS_JOURNAL (journal), NULL);

  rows = gpm_journal_list_plan (journal, error);
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    return NULL;

  plan = gpm_plan_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      const GpmJournalPlanRow *row = g_ptr_array_index (rows, i);
      gboolean ok = TRUE;

      if (strcmp (row->part, "meta") == 0)
        {
          if (strcmp (row->key, "version") == 0)
            {
              versioned = TRUE;
              /* A newer app's plan: its rows may mean something else */
              ok = strcmp (row->value, PLAN_VERSION) == 0;
            }
        }
      else if (strcmp (row->part, "audience") == 0)
        g_hash_table_add (plan->audiences, g_strdup (row->key));
      else if (strcmp (row->part, "target") == 0)
        {
          if (g_str_has_prefix (row->value, "aspect:") && row->value[7] != '\0')
            gpm_plan_set_target (plan, row->key, GPM_PLAN_TARGET_ASPECT, row->value + 7);
          else if (strcmp (row->value, "all-aspects") == 0)
            gpm_plan_set_target (plan, row->key, GPM_PLAN_TARGET_ALL_ASPECTS, NULL);
          else if (strcmp (row->value, "skip") == 0)
            gpm_plan_set_target (plan, row->key, GPM_PLAN_TARGET_SKIP, NULL);
          else
            ok = FALSE;
        }
      else if (strcmp (row->part, "excluded") == 0)
        g_hash_table_add (plan->excluded, g_strdup (row->key));
      else if (strcmp (row->part, "text") == 0)
        g_hash_table_insert (plan->texts, g_strdup (row->key), g_strdup (row->value));
      else if (strcmp (row->part, "pace") == 0 && strcmp (row->key, "delay") == 0)
        ok = parse_uint (row->value, &plan->delay);
      else if (strcmp (row->part, "pace") == 0 && strcmp (row->key, "max-per-day") == 0)
        ok = parse_uint (row->value, &plan->max_per_day);
      else if (strcmp (row->part, "option") == 0 && strcmp (row->key, "own-comments") == 0)
        plan->own_comments = strcmp (row->value, "1") == 0;
      else if (strcmp (row->part, "option") == 0 && strcmp (row->key, "location") == 0)
        plan->location = strcmp (row->value, "1") == 0;
      else if (strcmp (row->part, "option") == 0 && strcmp (row->key, "archive-links") == 0)
        plan->archive_links = strcmp (row->value, "1") == 0;
      /* other rows: a later version's additions, ignored */

      if (!ok)
        {
          g_set_error (error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_CORRUPT,
                       _("The migration plan kept in %s cannot be read (%s %s = %s)"),
                       gpm_journal_get_path (journal), row->part, row->key, row->value);
          return NULL;
        }
    }
  if (!versioned)
    {
      g_set_error (error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_CORRUPT,
                   _("The migration plan kept in %s has no version"), gpm_journal_get_path (journal));
      return NULL;
    }
  return g_steal_pointer (&plan);
}

GpmJournal *
gpm_plan_open_journal (GpmPod      *pod,
                       const char  *typed_address,
                       const char  *typed_user,
                       GPtrArray   *all_posts,
                       gboolean    *out_reset,
                       GError     **error)
{
  g_autofree char *identity = NULL;
  g_autofree char *typed_account = NULL;
  g_autofree char *account = NULL;
  g_autofree char *username = NULL;
  g_autofree char *diaspora_id = NULL;
  g_autofree char *guid = NULL;
  g_autoptr(GpmJournal) journal = NULL;
  const char *address;

  g_return_val_if_fail (pod == NULL || GPM_IS_POD (pod), NULL);
  g_return_val_if_fail (all_posts != NULL, NULL);

  if (out_reset != NULL)
    *out_reset = FALSE;
  identity = gpm_journal_takeout_identity (all_posts);
  if (pod == NULL)
    {
      g_return_val_if_fail (typed_address != NULL && typed_user != NULL, NULL);
      typed_account = gpm_journal_account_name (typed_address, typed_user);
      /* a dry run reads the journal if there is one, and creates nothing */
      return gpm_journal_open_for_account (identity, typed_account, NULL, NULL, FALSE, error);
    }

  address = gpm_pod_get_address (pod);
  username = gpm_pod_dup_username (pod);
  diaspora_id = gpm_pod_dup_diaspora_id (pod);
  guid = gpm_pod_dup_user_guid (pod);
  if (typed_user == NULL)
    typed_user = username;
  /* the account as the pod names it, and as typed (remembered as an alias
   * so that a run without signing in finds the journal too) */
  account = gpm_journal_account_name (address, diaspora_id != NULL ? diaspora_id : username);
  if (typed_user != NULL)
    typed_account = gpm_journal_account_name (typed_address != NULL ? typed_address : address, typed_user);
  journal = gpm_journal_open_for_account (identity, account, typed_account, guid, TRUE, error);
  if (journal == NULL)
    return NULL;
  if (guid != NULL && !gpm_journal_bind_account (journal, guid, out_reset, error))
    return NULL;
  return g_steal_pointer (&journal);
}
