/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-plan-rules.c: the rules that follow from a plan, written once: where
 * a post goes (public, the aspects its audiences map to, or skipped: a
 * limited post is never posted publicly), which posts a run sends and in
 * which order, what the plan page counts, the private audiences it asks
 * about. */
#define G_LOG_DOMAIN "gpm-plan"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-plan-private.h"
#include "gpm-scope.h"

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
  gboolean found_all = FALSE, found_aspect = FALSE;

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

  /* Who sees it: public (isPublic true, PUBLIC, a community not known to
   * be closed: gpm_post_is_essentially_public()), or the mapped aspects (a
   * closed community's posts need one, as a circle's do) */
  if (gpm_post_is_essentially_public (post))
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
  gpm_plan_count_left_per_audience (self, posts, posted, counts, NULL);
}

/* Whether none of @post's audiences is essentially public: its audiences
 * need a target (gpm_plan_dup_private_audiences()'s rule) */
static gboolean
post_is_private (GpmPost *post)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);

  for (guint j = 0; scopes != NULL && j < scopes->len; j++)
    if (gpm_scope_is_essentially_public (g_ptr_array_index (scopes, j)))
      return FALSE;
  return TRUE;
}

void
gpm_plan_count_left_per_audience (GpmPlan       *self,
                                  GPtrArray     *posts,
                                  GHashTable    *posted,
                                  GpmPlanCounts *counts,
                                  GHashTable    *left)
{
  g_autoptr(GpmConvertSettings) settings = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  /* the counts by the posts' own keys (borrowed while they are walked) */
  g_autoptr(GHashTable) left_here = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (GPM_IS_PLAN (self));
  g_return_if_fail (counts != NULL);

  memset (counts, 0, sizeof *counts);
  settings = plan_convert_settings (self);
  for (guint i = 0; posts != NULL && i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      const char *key = gpm_journal_post_key (post);
      Fate fate;
      int on_pod = -1;  /* looked up once, when needed */

      if (!g_hash_table_add (seen, (gpointer) key))
        continue;
      fate = post_fate (self, post, settings);
      if (fate != FATE_NOT_SELECTED)
        counts->n_selected++;
      if ((fate == FATE_PUBLIC || fate == FATE_LIMITED) && posted != NULL &&
          (on_pod = g_hash_table_contains (posted, key)))
        {
          counts->n_posted++;
          if (fate == FATE_PUBLIC)
            counts->n_public_posted++;
        }
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

      /* The private audiences' posts not on the pod, in the same walk */
      if (left != NULL && fate != FATE_NOT_SELECTED && fate != FATE_EXCLUDED &&
          post_is_private (post))
        {
          GPtrArray *scopes = gpm_post_get_scopes (post);

          if (on_pod < 0)
            on_pod = posted != NULL && g_hash_table_contains (posted, key);
          for (guint j = 0; !on_pod && scopes != NULL && j < scopes->len; j++)
            {
              const char *scope_key = gpm_scope_get_key (g_ptr_array_index (scopes, j));

              g_hash_table_insert (left_here, (gpointer) scope_key,
                                   GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (left_here, scope_key)) + 1));
            }
        }
    }
  counts->n_to_send = counts->n_public + counts->n_limited;
  if (left != NULL)
    {
      GHashTableIter iter;
      gpointer scope_key, n;

      g_hash_table_iter_init (&iter, left_here);
      while (g_hash_table_iter_next (&iter, &scope_key, &n))
        g_hash_table_insert (left, g_strdup (scope_key), n);
    }
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

GArray *
gpm_plan_dup_sends (GpmPlan    *self,
                    GPtrArray  *posts,
                    GHashTable *posted,
                    gboolean    own_comments)
{
  GArray *sends = g_array_sized_new (FALSE, TRUE, sizeof (guint), posts != NULL ? posts->len : 0);
  g_autoptr(GpmConvertSettings) settings = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (GPM_IS_PLAN (self), sends);

  settings = plan_convert_settings (self);
  for (guint i = 0; posts != NULL && i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      const char *key = gpm_journal_post_key (post);
      guint n = 0;

      /* The migrator's rule (_gpm_migrator_make_item()): an audience with
       * somewhere to go, not left out, something of the user's own (an
       * edited text is); the audiences ticked are the caller's choice of
       * @posts, as they are the migrator's */
      if (g_hash_table_add (seen, (gpointer) key) &&
          (posted == NULL || !g_hash_table_contains (posted, key)) &&
          !g_hash_table_contains (self->excluded, key) &&
          gpm_plan_resolve_audience (self, post, NULL, NULL, NULL, NULL) &&
          (g_hash_table_contains (self->texts, key) || !gpm_convert_post_is_nothing_own (post, settings, NULL)))
        n = 1 + gpm_plan_post_extra_sends (self, post, own_comments);
      g_array_append_val (sends, n);
    }
  return sends;
}

GArray *
gpm_plan_dup_run_sends (GpmPlan    *self,
                        GPtrArray  *posts,
                        GHashTable *posted,
                        gboolean    own_comments)
{
  g_autoptr(GPtrArray) sorted = NULL;

  g_return_val_if_fail (GPM_IS_PLAN (self), NULL);

  if (posts == NULL)
    return g_array_new (FALSE, TRUE, sizeof (guint));
  /* the posts stay @posts' (the copy keeps its free function otherwise) */
  sorted = g_ptr_array_copy (posts, NULL, NULL);
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, gpm_plan_compare_posts);
  return gpm_plan_dup_sends (self, sorted, posted, own_comments);
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

      if (!g_hash_table_add (seen, (gpointer) gpm_journal_post_key (post)) ||
          !gpm_plan_selects_post (self, post) ||
          g_hash_table_contains (self->excluded, gpm_journal_post_key (post)))
        continue;
      if (gpm_post_is_essentially_public (post))
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
