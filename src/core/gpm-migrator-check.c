/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrator-check.c: "is it on the pod?": whether a post or a comment sent
 * before (its answer lost or ambiguous) arrived, through one retry
 * skeleton (look_on_pod()); count-aware (a copy another journal row
 * accounts for is not this one); and the settle time, during which a post
 * whose answer never came is looked for again before it is sent again */
#define G_LOG_DOMAIN "gpm-migrator"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-migrator-private.h"

/* An attempt is looked for among the account's posts created since the
 * attempt, less this much for a pod whose clock is behind ours: not only
 * the minutes of a clock not kept in time, the hours of one set by hand to
 * the local time of a trip with the time zone left as it was (time zones
 * are at most 26 hours apart). With an hour, such a computer sent every
 * post whose answer was lost again. */
#define CHECK_SLACK_SECONDS (27 * 3600)

/* A post the pod shows with another number of photos than were sent (the
 * pod dropped photo ids it no longer had) is not the post that was meant. */
gboolean
_gpm_migrator_has_all_photos (const GpmPodPost *post,
                              guint             n_sent)
{
  return post->n_photos < 0 || (guint) post->n_photos == n_sent;
}

/* One look on the pod for look_on_pod(): CHECK_FOUND, CHECK_INCOMPLETE or
 * CHECK_NOT_FOUND, or anything with @error set when the pod could not be
 * asked. */
typedef CheckResult (*LookFunc) (Run      *run,
                                 gpointer  data,
                                 GError  **error);

/* The retry skeleton of every "is it there?" on the pod (a post, a
 * comment): @look between steps (pause and cancel take effect), its time
 * counted as I/O; an error waits for a new sign-in or backs off
 * (_gpm_migrator_after_error()) and looks again. CHECK_UNRESOLVED with the pod's error
 * in @error when it gave up, CHECK_STOP when the run must stop. */
static CheckResult
look_on_pod (Run         *run,
             const char  *what,
             LookFunc     look,
             gpointer     data,
             GError     **error)
{
  guint max_retries = _gpm_migrator_get_max_retries (run->self);
  guint attempt = 0;
  guint rate_limited = 0;

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      CheckResult result;
      Next after;
      gint64 start;

      if (!_gpm_migrator_checkpoint (run))
        return CHECK_STOP;
      start = g_get_monotonic_time ();
      result = look (run, data, &local);
      run->io_usec += g_get_monotonic_time () - start;
      if (local == NULL)
        return result;
      g_debug ("Checking %s on the pod: %s", what, local->message);
      after = _gpm_migrator_after_error (run, local, &attempt, &rate_limited, max_retries);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return CHECK_STOP;
      g_propagate_error (error, g_steal_pointer (&local));
      return CHECK_UNRESOLVED;
    }
}

typedef struct {
  const char  *key;
  const char  *text;
  guint        n_photos;
  gint64       since;
  GpmPodPost **out_post;
} PostLook;

static CheckResult
look_for_post (Run      *run,
               gpointer  data,
               GError  **error)
{
  PostLook *look = data;
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) found = gpm_pod_find_own_posts (self->pod, look->text, look->since - CHECK_SLACK_SECONDS,
                                                       0, NULL, error);

  if (found == NULL)
    return CHECK_UNRESOLVED;
  /* Two source posts may have the very same text: a match another row
   * accounts for is not this one, and of the others the oldest is this
   * attempt's (later ones would be other rows' attempts). */
  for (guint i = found->len; i-- > 0; )
    {
      GpmPodPost *p = g_ptr_array_index (found, i);

      if ((p->guid != NULL && gpm_journal_remote_is_claimed (self->journal, p->guid, look->key)) ||
          (p->id != NULL && gpm_journal_remote_is_claimed (self->journal, p->id, look->key)))
        continue;
      *look->out_post = gpm_pod_post_ref (p);
      return _gpm_migrator_has_all_photos (p, look->n_photos) ? CHECK_FOUND : CHECK_INCOMPLETE;
    }
  return CHECK_NOT_FOUND;
}

/* Is the post with @text and @n_photos photos, attempted at @since (Unix
 * s), on the pod? */
CheckResult
_gpm_migrator_check_pod (Run         *run,
                         const char  *key,
                         const char  *text,
                         guint        n_photos,
                         gint64       since,
                         GpmPodPost **out_post,
                         GError     **error)
{
  PostLook look = { key, text, n_photos, since, out_post };
  g_autoptr(GError) local = NULL;
  CheckResult result = look_on_pod (run, key, look_for_post, &look, &local);

  if (result == CHECK_UNRESOLVED)
    g_set_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNRESOLVED,
                 _("Could not check on the pod whether an earlier attempt created this post (%s); it will be checked before it is sent again"),
                 local->message);
  return result;
}

/* An answer after which the pod may still be working on the request: it
 * timed out or was cut off, or a proxy gave up waiting (502, 504). */
gboolean
_gpm_migrator_may_be_late (const GError *error)
{
  guint status = gpm_pod_error_get_http_status (error);

  return g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER) ||
         (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER) && (status == 502 || status == 504));
}

/* Nothing was found right after an answer that may be late (at
 * @answered_usec, real time): a busy pod may save it minutes later. Calls
 * @again (a whole check: _gpm_migrator_check_pod() or
 * _gpm_migrator_check_comment()) at growing intervals until the settle time
 * has passed, so that it is sent again only when it really is not coming. */
static CheckResult
settle_looks (Run         *run,
              gint64       answered_usec,
              const char  *reason,
              LookFunc     again,
              gpointer     data,
              GError     **error)
{
  GpmMigrator *self = run->self;
  gint64 settle;
  gint64 offset;

  g_mutex_lock (&self->mutex);
  settle = (gint64) self->settle_ms * 1000;
  g_mutex_unlock (&self->mutex);
  offset = MAX (settle / 16, 1);

  for (;;)
    {
      gint64 now = gpm_get_real_time ();
      gint64 wait;
      CheckResult result;

      if (now >= answered_usec + settle)
        return CHECK_NOT_FOUND;
      while (answered_usec + offset <= now && offset < settle)
        offset = MIN (offset * 2, settle);
      wait = answered_usec + offset - now;
      _gpm_migrator_waiting_event (run, wait, reason);
      if (!_gpm_migrator_sleep (run, wait, reason))
        return CHECK_STOP;
      result = again (run, data, error);
      if (result != CHECK_NOT_FOUND)
        return result;
      offset = MIN (offset * 2, settle);
    }
}

static CheckResult
check_post_again (Run      *run,
                  gpointer  data,
                  GError  **error)
{
  PostLook *look = data;

  return _gpm_migrator_check_pod (run, look->key, look->text, look->n_photos, look->since, look->out_post, error);
}

CheckResult
_gpm_migrator_check_pod_again (Run         *run,
                               const char  *key,
                               const char  *text,
                               guint        n_photos,
                               gint64       since,
                               gint64       answered_usec,
                               GpmPodPost **out_post,
                               GError     **error)
{
  PostLook look = { key, text, n_photos, since, out_post };

  return settle_looks (run, answered_usec, _("Checking again whether the pod saved the post"),
                       check_post_again, &look, error);
}

/* Normalised for comparing with what the pod stored (Comment#text= strips). */
static char *
comment_key (const char *text)
{
  char *key = g_strdup (text);

  return g_strstrip (key);
}

typedef struct {
  const char  *key;
  const char  *post_guid;
  const char  *wanted;     /* comment_key() of the text */
  char       **out_guid;
} CommentLook;

static CheckResult
look_for_comment (Run      *run,
                  gpointer  data,
                  GError  **error)
{
  CommentLook *look = data;
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) on_pod = gpm_pod_list_own_comments (self->pod, look->post_guid, NULL, error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) claimed = NULL;

  if (on_pod == NULL)
    return CHECK_UNRESOLVED;
  rows = gpm_journal_list_comments (self->journal, look->key);
  claimed = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < rows->len; i++)
    {
      GpmJournalComment *row = g_ptr_array_index (rows, i);
      if (row->state == GPM_JOURNAL_STATE_POSTED && row->remote_id != NULL)
        g_hash_table_add (claimed, row->remote_id);
    }
  for (guint i = 0; i < on_pod->len; i++)
    {
      GpmPodPost *c = g_ptr_array_index (on_pod, i);
      g_autofree char *have = comment_key (c->text ? c->text : "");

      if (strcmp (have, look->wanted) == 0 && !g_hash_table_contains (claimed, c->guid))
        {
          *look->out_guid = g_strdup (c->guid);
          return CHECK_FOUND;
        }
    }
  return CHECK_NOT_FOUND;
}

/* Is the comment with @text, maybe sent before, under @post_guid on the
 * pod? It is when the pod has more of the account's comments with that text
 * than the journal records as posted for the post. */
CheckResult
_gpm_migrator_check_comment (Run         *run,
                             const char  *key,
                             const char  *post_guid,
                             const char  *text,
                             char       **out_guid,
                             GError     **error)
{
  g_autofree char *wanted = comment_key (text);
  CommentLook look = { key, post_guid, wanted, out_guid };
  g_autoptr(GError) local = NULL;
  CheckResult result = look_on_pod (run, key, look_for_comment, &look, &local);

  if (result == CHECK_UNRESOLVED)
    g_set_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNRESOLVED,
                 _("Could not check on the pod whether an earlier attempt created this comment (%s); it will be checked before it is sent again"),
                 local->message);
  return result;
}

typedef struct {
  const char  *key;
  const char  *post_guid;
  const char  *text;
  char       **out_guid;
} CommentAgain;

static CheckResult
check_comment_again (Run      *run,
                     gpointer  data,
                     GError  **error)
{
  CommentAgain *again = data;

  return _gpm_migrator_check_comment (run, again->key, again->post_guid, again->text, again->out_guid, error);
}

CheckResult
_gpm_migrator_check_comment_again (Run         *run,
                                   const char  *key,
                                   const char  *post_guid,
                                   const char  *text,
                                   gint64       answered_usec,
                                   char       **out_guid,
                                   GError     **error)
{
  CommentAgain again = { key, post_guid, text, out_guid };

  return settle_looks (run, answered_usec, _("Checking again whether the pod saved the comment"),
                       check_comment_again, &again, error);
}
