/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-post-check"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-diaspora.h"
#include "gpm-journal.h"
#include "gpm-long-post.h"
#include "gpm-post-check.h"
#include "gpm-util.h"

GpmPostWarnings
gpm_post_check (GpmPost                  *post,
                const GpmConvertSettings *settings,
                GpmTakeout               *takeout,
                const char               *edited_text)
{
  g_autoptr(GpmConvertResult) result = NULL;
  GpmPostWarnings warnings = GPM_POST_WARNING_NONE;
  GPtrArray *read_warnings;

  g_return_val_if_fail (GPM_IS_POST (post), GPM_POST_WARNING_NONE);

  /* The attachments are parsed for this check only: kept on every post
   * checked, they were ~85 MB at 100,000 posts. */
  gpm_post_begin_full_view (post);
  result = gpm_convert_post (post, settings, takeout ? gpm_convert_takeout_resolver : NULL, takeout);

  if (edited_text != NULL ? !gpm_long_post_fits (edited_text, GPM_DIASPORA_MAX_TEXT_BYTES) : result->too_long)
    warnings |= GPM_POST_WARNING_TOO_LONG;
  if (result->nothing_own && edited_text == NULL)
    warnings |= GPM_POST_WARNING_NOTHING_OWN;
  /* The converted text has its over-long hashtags escaped already
   * (gpm_convert_post()); the user's own text goes as typed, and the pod
   * would refuse it (gpm_pod_create_post() does not send it): said here,
   * where it can still be fixed */
  if (edited_text != NULL)
    {
      glong longest = 0;
      g_autofree char *escaped = gpm_escape_long_hashtags (edited_text, NULL, &longest);

      if (longest > 0)
        warnings |= GPM_POST_WARNING_LONG_HASHTAG;
    }

  /* A photo the post had that will not arrive: not in the takeout, or in
   * it but damaged (the converter's image check). Video links and videos
   * are what diaspora* cannot take, not a fault of the post. */
  for (guint i = 0; i < result->media->len; i++)
    {
      const GpmConvertMedia *media = g_ptr_array_index (result->media, i);

      if (media->link || media->kind != GPM_CONVERT_MEDIA_PHOTO)
        continue;
      if (media->entry == NULL || !media->uploadable)
        warnings |= GPM_POST_WARNING_PHOTO;
    }
  /* The result points into the view (its poll, its place): gone first. */
  g_clear_pointer (&result, gpm_convert_result_unref);
  gpm_post_end_full_view (post);

  read_warnings = gpm_post_get_warnings (post);
  if (read_warnings != NULL && read_warnings->len > 0)
    warnings |= GPM_POST_WARNING_READ_IN_PART;

  return warnings;
}

char *
gpm_post_warnings_describe (GpmPostWarnings warnings)
{
  g_autoptr(GString) text = g_string_new (NULL);
  static const struct { GpmPostWarnings flag; const char *words; } clauses[] = {
    { GPM_POST_WARNING_TOO_LONG, N_("too long for diaspora*") },
    { GPM_POST_WARNING_PHOTO, N_("a photo is missing or cannot be posted") },
    { GPM_POST_WARNING_NOTHING_OWN, N_("nothing of yours to post") },
    { GPM_POST_WARNING_READ_IN_PART, N_("read only in part") },
    { GPM_POST_WARNING_LONG_HASHTAG, N_("a hashtag longer than diaspora* takes") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (clauses); i++)
    if (warnings & clauses[i].flag)
      {
        if (text->len > 0)
          /* Translators: between two warnings about a post */
          g_string_append (text, _(", "));
        g_string_append (text, _(clauses[i].words));
      }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct {
  GPtrArray          *posts;
  GpmConvertSettings *settings;
  GpmTakeout         *takeout;
  GpmPlan            *plan;
} CheckAll;

static void
check_all_free (CheckAll *data)
{
  g_ptr_array_unref (data->posts);
  g_clear_pointer (&data->settings, gpm_convert_settings_free);
  g_clear_object (&data->takeout);
  g_clear_object (&data->plan);
  g_free (data);
}

static void
check_all_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  CheckAll *data = task_data;
  g_autoptr(GHashTable) found = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < data->posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (data->posts, i);
      GpmPostWarnings warnings;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_task_return_error_if_cancelled (task);
          return;
        }
      warnings = gpm_post_check (post, data->settings, data->takeout,
                                 data->plan ? gpm_plan_get_post_text (data->plan, gpm_journal_post_key (post)) : NULL);
      if (warnings != GPM_POST_WARNING_NONE)
        g_hash_table_insert (found, post, GUINT_TO_POINTER (warnings));
    }

  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_hash_table_unref);
}

void
gpm_post_check_all_async (GPtrArray                *posts,
                          const GpmConvertSettings *settings,
                          GpmTakeout               *takeout,
                          GpmPlan                  *plan,
                          GCancellable             *cancellable,
                          GAsyncReadyCallback       callback,
                          gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  CheckAll *data = g_new0 (CheckAll, 1);

  g_task_set_source_tag (task, gpm_post_check_all_async);
  data->posts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; posts != NULL && i < posts->len; i++)
    g_ptr_array_add (data->posts, g_object_ref (g_ptr_array_index (posts, i)));
  data->settings = settings ? gpm_convert_settings_copy (settings) : NULL;
  data->takeout = takeout ? g_object_ref (takeout) : NULL;
  /* A plan is not thread-safe: the worker reads its own copy */
  data->plan = plan ? gpm_plan_copy (plan) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) check_all_free);
  g_task_run_in_thread (task, check_all_thread);
}

GHashTable *
gpm_post_check_all_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
