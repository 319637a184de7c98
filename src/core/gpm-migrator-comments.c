/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrator-comments.c: after a post is on the pod, in the worker thread: the
 * rest of a post over diaspora*'s limit, then the user's own comments, each
 * exactly once (journaled before it is sent, looked for on the pod when its
 * answer was lost) */
#define G_LOG_DOMAIN "gpm-migrator"

#include "config.h"

#include "gpm-diaspora.h"
#include "gpm-long-post.h"
#include "gpm-migrator-private.h"

typedef enum {
  COMMENT_POSTED,
  COMMENT_FAILED,      /* given up (journaled FAILED) */
  COMMENT_UNRESOLVED,  /* left ATTEMPTING for the next run */
  COMMENT_STOP,
} CommentResult;

static CommentResult
send_comment (Run        *run,
              const char *key,
              const char *post_guid,
              guint       index,
              const char *text)
{
  GpmMigrator *self = run->self;
  guint max_retries = _gpm_migrator_get_max_retries (self);
  Next after;
  guint attempt = 0;
  guint rate_limited = 0;
  GError *jerror = NULL;
  gboolean turn;

  run->turn_for_comment = TRUE;
  turn = _gpm_migrator_wait_for_turn (run);
  run->turn_for_comment = FALSE;
  if (!turn)
    return COMMENT_STOP;
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPodPost) created = NULL;
      g_autofree char *found = NULL;
      g_autoptr(GError) check_error = NULL;
      CheckResult checked;
      gint64 answered_usec;
      gint64 io;

      if (!_gpm_migrator_checkpoint (run))
        return COMMENT_STOP;
      if (!_gpm_migrator_journal_ok (run, gpm_journal_set_comment_attempting (self->journal, key, index, text, &jerror), &jerror))
        return COMMENT_STOP;
      io = g_get_monotonic_time ();
      created = gpm_pod_create_comment (self->pod, post_guid, text, NULL, &error);
      run->io_usec += g_get_monotonic_time () - io;
      answered_usec = gpm_get_real_time ();
      if (created != NULL)
        {
          run->last_post_usec = gpm_get_real_time ();
          if (!_gpm_migrator_journal_ok (run, gpm_journal_set_comment_posted (self->journal, key, index, created->guid, &jerror), &jerror))
            return COMMENT_STOP;
          return COMMENT_POSTED;
        }
      g_debug ("Comment %u of %s: %s", index, key, error->message);
      /* as a post's (gpm-migrator-post.c): only an answer that never came
       * leaves the attempt late */
      if (!_gpm_migrator_may_be_late (error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !_gpm_migrator_journal_ok (run, gpm_journal_set_comment_answered (self->journal, key, index, error->message,
                                                                            &jerror), &jerror))
        return COMMENT_STOP;
      after = _gpm_migrator_after_auth_or_fatal (run, error);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return COMMENT_STOP;
      if (_gpm_migrator_may_have_created (error))
        {
          if (!_gpm_migrator_backoff (run, attempt, error))
            return COMMENT_STOP;
          checked = _gpm_migrator_check_comment (run, key, post_guid, text, &found, &check_error);
          if (checked == CHECK_NOT_FOUND && _gpm_migrator_may_be_late (error))
            checked = _gpm_migrator_check_comment_again (run, key, post_guid, text, answered_usec,
                                                         &found, &check_error);
          switch (checked)
            {
            case CHECK_FOUND:
              run->last_post_usec = gpm_get_real_time ();
              if (!_gpm_migrator_journal_ok (run, gpm_journal_set_comment_posted (self->journal, key, index, found, &jerror), &jerror))
                return COMMENT_STOP;
              return COMMENT_POSTED;
            case CHECK_NOT_FOUND:
              /* each retry waited above, before its look */
              if (attempt++ < max_retries)
                continue;
              /* not there after every retry: the pod may be down (the
               * budget spent, the policy waits for it) */
              after = _gpm_migrator_after_transient (run, error, &attempt, &rate_limited, max_retries);
              if (after == NEXT_RETRY)
                continue;
              if (after == NEXT_STOP)
                return COMMENT_STOP;
              break;
            case CHECK_UNRESOLVED:
              g_message ("%s: %s", key, check_error->message);
              return COMMENT_UNRESOLVED;
            case CHECK_STOP:
            default:
              return COMMENT_STOP;
            }
        }
      else
        {
          after = _gpm_migrator_after_transient (run, error, &attempt, &rate_limited, max_retries);
          if (after == NEXT_RETRY)
            continue;
          if (after == NEXT_STOP)
            return COMMENT_STOP;
        }
      g_message ("%s: comment %u not posted: %s", key, index + 1, error->message);
      if (!_gpm_migrator_journal_ok (run, gpm_journal_set_comment_failed (self->journal, key, index, error->message, &jerror), &jerror))
        return COMMENT_STOP;
      return COMMENT_FAILED;
    }
}

/* The parts after the first of @post's text when it is over diaspora*'s
 * limit (converted again: the text is not kept), else none. char*. NULL
 * when it could not be converted now. */
static GPtrArray *
continuation_of (GpmMigrator *self,
                 GpmPost     *post)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  g_auto(GStrv) split = NULL;

  if (self->convert_func == NULL)
    return parts;
  gpm_post_begin_full_view (post);  /* (its attachments not kept after) */
  text = self->convert_func (post, photos, self->convert_data, NULL);
  /* not read again (the takeout gone): a text without the attachments is
   * not the post's, its last part would lack them */
  if (!gpm_post_full_is_readable (post))
    g_clear_pointer (&text, g_free);
  gpm_post_end_full_view (post);
  /* Not converted now: not "no continuation" (the own comments would take
   * its rows), the caller tries again later */
  if (text == NULL)
    {
      g_ptr_array_unref (parts);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    return parts;
  split = gpm_long_post_split (text, GPM_DIASPORA_MAX_TEXT_BYTES);
  for (guint i = 1; split[i] != NULL; i++)
    g_ptr_array_add (parts, g_strdup (split[i]));
  return parts;
}

/* After @post is on the pod: its own comments, each exactly once. FALSE:
 * stop the run (cancelled, or run->fatal). */
gboolean
_gpm_migrator_post_own_comments (Run     *run,
                                 GpmPost *post)
{
  GpmMigrator *self = run->self;
  const char *key = gpm_journal_post_key (post);
  g_autoptr(GpmJournalEntry) entry = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  GError *jerror = NULL;

  if (run->fatal != NULL)
    return FALSE;
  entry = gpm_journal_lookup (self->journal, key, NULL);
  if (entry == NULL || entry->state != GPM_JOURNAL_STATE_POSTED || entry->guid == NULL ||
      (self->comments_func == NULL && !gpm_long_post_may_be_first (entry->text, GPM_DIASPORA_MAX_TEXT_BYTES)) ||
      gpm_journal_comments_done (self->journal, key))
    return TRUE;

  /* Both read from the takeout: when it is gone (moved, unplugged), wait
   * for it, or the continuation would be missing and the own comments
   * take its rows */
  if (_gpm_migrator_wait_for_takeout (run) == NEXT_STOP)
    return FALSE;
  /* A post over the limit goes on in the first comments (in order, under
   * the same journal rows by index), then come the user's own. */
  texts = continuation_of (self, post);
  if (texts == NULL)
    {
      g_message ("%s: the post could not be converted again for what follows it in comments",
                 gpm_post_get_entry_name (post));
      return TRUE;
    }
  if (self->comments_func != NULL)
    {
      g_autoptr(GPtrArray) own = self->comments_func (post, self->comments_data, &error);

      if (own == NULL)
        {
          g_message ("%s: the comments could not be read: %s", gpm_post_get_entry_name (post), error->message);
          return TRUE;
        }
      for (guint i = 0; i < own->len; i++)
        g_ptr_array_add (texts, g_strdup (g_ptr_array_index (own, i)));
    }
  if (texts->len == 0 && self->comments_func == NULL)
    return TRUE;
  rows = gpm_journal_list_comments (self->journal, key);
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      GpmJournalComment *row = NULL;

      for (guint r = 0; r < rows->len; r++)
        if (((GpmJournalComment *) g_ptr_array_index (rows, r))->index == i)
          row = g_ptr_array_index (rows, r);
      if (row != NULL && (row->state == GPM_JOURNAL_STATE_POSTED || row->state == GPM_JOURNAL_STATE_FAILED))
        continue;
      if (row != NULL && row->state == GPM_JOURNAL_STATE_ATTEMPTING && row->text != NULL)
        {
          /* sent before, answer lost (a kill, a fault): look first */
          g_autofree char *found = NULL;
          g_autoptr(GError) check_error = NULL;
          CheckResult checked = _gpm_migrator_check_comment (run, key, entry->guid, row->text, &found, &check_error);

          /* its answer never came: the pod may still save it (as a post's) */
          if (checked == CHECK_NOT_FOUND && row->late)
            checked = _gpm_migrator_check_comment_again (run, key, entry->guid, row->text,
                                                         (row->attempted_at > 0 ? row->attempted_at : row->updated_at)
                                                         * G_USEC_PER_SEC, &found, &check_error);
          switch (checked)
            {
            case CHECK_FOUND:
              if (!_gpm_migrator_journal_ok (run, gpm_journal_set_comment_posted (self->journal, key, i, found, &jerror), &jerror))
                return FALSE;
              continue;
            case CHECK_NOT_FOUND:
              break;
            case CHECK_UNRESOLVED:
              g_message ("%s: %s", gpm_post_get_entry_name (post), check_error->message);
              return TRUE;
            case CHECK_STOP:
            default:
              return FALSE;
            }
        }
      switch (send_comment (run, key, entry->guid, i, text))
        {
        case COMMENT_POSTED:
        case COMMENT_FAILED:
          break;
        case COMMENT_UNRESOLVED:
          /* the rest wait for this one (their order), till the next run */
          return TRUE;
        case COMMENT_STOP:
        default:
          return FALSE;
        }
    }
  /* every one posted or given up: later runs need not read the post again */
  return _gpm_migrator_journal_ok (run, gpm_journal_set_comments_done (self->journal, key, &jerror), &jerror);
}
