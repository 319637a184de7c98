/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-plan.c: the plan object (gpm-plan.h) and what the user decided:
 * copying and restoring a plan, going on with another account, the
 * audiences, targets, posts left out, edited texts, the pace and the
 * options. The rules that follow from it are gpm-plan-rules.c (where a
 * post goes, which posts a run sends, the counts) and gpm-plan-estimate.c
 * (how long a run takes); keeping it in the journal is gpm-plan-journal.c.
 * They share gpm-plan-private.h. */
#define G_LOG_DOMAIN "gpm-plan"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gpm-migrator.h"
#include "gpm-plan-private.h"

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
GStrv
_gpm_plan_dup_sorted (GHashTable *table)
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
  return _gpm_plan_dup_sorted (self->audiences);
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
  return _gpm_plan_dup_sorted (names);
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
  return _gpm_plan_dup_sorted (self->excluded);
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
  return _gpm_plan_dup_sorted (self->texts);
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
