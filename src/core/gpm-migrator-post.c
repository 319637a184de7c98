/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrator-post.c: one post, start to end, in the worker thread: an attempt
 * an earlier run left resolved on the pod first, its photos uploaded right
 * before the request (shrunk to fit), the request journaled before it
 * leaves, every answer that may have created it checked before a retry,
 * a copy kept without all its photos taken back and sent again; and the
 * attempts a dead process left, resolved when a run starts */
#define G_LOG_DOMAIN "gpm-migrator"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-image.h"
#include "gpm-migrator-private.h"
#include "gpm-photo-resize.h"

/* diaspora destroys pending photos a day after their upload, once a day
 * (app/workers/cleanup_pending_photos.rb:8, Photo.where(pending: true)
 * .where("created_at < ?", 1.day.ago).destroy_all; scheduled daily at a
 * random time by config/initializers/sidekiq_scheduled.rb:32-35, the same
 * in 0.7.18.2): photo ids whose first upload is older than this are never
 * sent; fresh ones are uploaded instead. */
#define PHOTO_MAX_AGE_USEC ((gint64) 3 * 3600 * G_USEC_PER_SEC)

/* How many times a post the pod kept without all its photos is taken back
 * and sent again before the post is marked failed. */
#define MAX_REPAIRS 2

/* How many 403/422 answers to a post request (checked on the pod each
 * time) before they count as the pod's refusal. */
#define MAX_AMBIGUOUS_REFUSALS 2

/* How often a takeout that went missing is looked for (at most). */
#define TAKEOUT_POLL_MS 10000

/* Retries of a photo upload answered 500 (see upload_photos()). */
#define MAX_PHOTO_INTERNAL_ERRORS 1

/* A photo the pod answers 413 for is shrunk to this share of its long
 * side and sent again, down to PHOTO_MIN_SIDE pixels. */
#define PHOTO_SHRINK_NUM 7
#define PHOTO_SHRINK_DEN 10
#define PHOTO_MIN_SIDE 480u

/* A refusal that diaspora also gives for exceptions raised after the post
 * was saved (status_messages_controller.rb `rescue StandardError` → 403;
 * api/v1/posts_controller.rb → 422): it may exist all the same. */
static gboolean
is_ambiguous_refusal (const GError *error)
{
  guint status = gpm_pod_error_get_http_status (error);

  return g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED) && (status == 403 || status == 422);
}

/* Records the end of one post and tells the main context. */
static void
finish_post (Run             *run,
             GpmPost         *post,
             GpmJournalState  state,
             const GError    *error)
{
  if (run->n_left > 0)
    run->n_left--;
  switch (state)
    {
    case GPM_JOURNAL_STATE_POSTED:
      run->n_done++;
      break;
    case GPM_JOURNAL_STATE_SKIPPED:
      run->n_skipped++;
      break;
    default:
      run->n_failed++;
      break;
    }
  if (error != NULL)
    g_debug ("%s: %s: %s", gpm_post_get_entry_name (post), gpm_journal_state_to_string (state), error->message);
  _gpm_migrator_post_event (run, EVENT_POST_FINISHED, post, state, error, 0, NULL);
}

static gboolean
mark_posted (Run        *run,
             GpmPost    *post,
             const char *key,
             GpmPodPost *remote)
{
  GError *error = NULL;
  const char *remote_id = remote->id != NULL ? remote->id : remote->guid;

  if (!_gpm_migrator_journal_ok (run, gpm_journal_set_posted (run->self->journal, key, remote_id, remote->guid, 0, &error), &error))
    return FALSE;
  finish_post (run, post, GPM_JOURNAL_STATE_POSTED, NULL);
  return TRUE;
}

static gboolean
mark_failed (Run          *run,
             GpmPost      *post,
             const char   *key,
             const GError *why)
{
  GError *error = NULL;

  if (!_gpm_migrator_journal_ok (run, gpm_journal_set_failed (run->self->journal, key, why->message, &error), &error))
    return FALSE;
  finish_post (run, post, GPM_JOURNAL_STATE_FAILED, why);
  return TRUE;
}

typedef enum {
  REPAIR_DONE,         /* the incomplete copy is gone from the pod */
  REPAIR_UNRESOLVED,   /* could not delete it now: the row stays ATTEMPTING with it */
  REPAIR_STOP,
} RepairResult;

/* Deletes the incomplete copy @guid the journal recorded for @key. */
static RepairResult
delete_incomplete (Run         *run,
                   const char  *key,
                   const char  *guid,
                   GError     **error)
{
  GpmMigrator *self = run->self;
  guint max_retries = _gpm_migrator_get_max_retries (self);
  Next after;
  guint attempt = 0;
  guint rate_limited = 0;

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      GError *jerror = NULL;
      gboolean deleted;
      gint64 start;

      if (!_gpm_migrator_checkpoint (run))
        return REPAIR_STOP;
      start = g_get_monotonic_time ();
      deleted = gpm_pod_delete_post (self->pod, guid, NULL, &local);
      run->io_usec += g_get_monotonic_time () - start;
      if (deleted)
        return _gpm_migrator_journal_ok (run, gpm_journal_clear_incomplete (self->journal, key, &jerror), &jerror)
               ? REPAIR_DONE : REPAIR_STOP;
      g_debug ("Deleting the incomplete copy %s of %s: %s", guid, key, local->message);
      after = _gpm_migrator_after_error (run, local, &attempt, &rate_limited, max_retries);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return REPAIR_STOP;
      g_set_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_UNRESOLVED,
                   _("The pod kept this post without all of its photos, and deleting that copy failed (%s); "
                     "it will be deleted before the post is sent again"),
                   local->message);
      return REPAIR_UNRESOLVED;
    }
}

/* The pod stored @key's post as @remote but without all of its photos:
 * record that copy, then delete it. Journaled first, so that a process
 * killed at any point deletes it on the next run and ends with one
 * complete copy. */
static RepairResult
repair_post (Run         *run,
             const char  *key,
             GpmPodPost  *remote,
             guint        n_sent,
             GError     **error)
{
  GError *jerror = NULL;

  g_message (_("%s: the pod kept the post with %d of its %u photos; deleting it to send it again with all of them"),
             key, remote->n_photos, n_sent);
  if (!_gpm_migrator_journal_ok (run, gpm_journal_set_incomplete (run->self->journal, key,
                                                    remote->id != NULL ? remote->id : remote->guid,
                                                    remote->guid, &jerror), &jerror))
    return REPAIR_STOP;
  return delete_incomplete (run, key, remote->guid, error);
}

/* Whether a repair (or the deletion of an incomplete copy) ended @post's
 * step: not when the copy is gone (REPAIR_DONE: the post goes on); when it
 * could not be deleted now (*@error says why), the row stays ATTEMPTING for
 * the next run (*@out_ret TRUE); when the run must stop, *@out_ret is
 * FALSE. @error by address, as in _gpm_migrator_journal_ok(): the repair
 * that sets it is an argument of the same call. */
static gboolean
repair_ends_post (Run           *run,
                  GpmPost       *post,
                  RepairResult   result,
                  GError       **error,
                  gboolean      *out_ret)
{
  switch (result)
    {
    case REPAIR_DONE:
      return FALSE;
    case REPAIR_UNRESOLVED:
      finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, *error);
      *out_ret = TRUE;
      return TRUE;
    case REPAIR_STOP:
    default:
      *out_ret = FALSE;
      return TRUE;
    }
}

typedef enum {
  PHOTOS_OK,
  PHOTOS_FAILED,   /* the post is marked failed */
  PHOTOS_STOP,
} PhotosResult;

/* Something could not be read from the takeout. When its file or folder
 * is gone (moved, its disk unplugged between two sessions, or while the
 * migration waited) the post is not to blame: waits, saying which path is
 * missing, and looks again every few seconds, without end (pause and cancel
 * end it). NEXT_RETRY: it is back, read again; NEXT_GIVE_UP: it is there,
 * the failure is the post's own; NEXT_STOP. */
Next
_gpm_migrator_wait_for_takeout (Run *run)
{
  GpmMigrator *self = run->self;
  gboolean was_missing = FALSE;

  for (;;)
    {
      g_autofree char *missing = _gpm_migrator_dup_missing_takeout (self);
      g_autofree char *reason = NULL;
      guint ms;

      if (missing == NULL)
        return was_missing ? NEXT_RETRY : NEXT_GIVE_UP;
      if (!was_missing)
        g_message ("The takeout %s cannot be read: waiting for it", missing);
      was_missing = TRUE;
      g_mutex_lock (&self->mutex);
      ms = MIN (self->max_ms, TAKEOUT_POLL_MS);
      g_mutex_unlock (&self->mutex);
      /* Translators: %s is the takeout's file or folder */
      reason = g_strdup_printf (_("The takeout %s cannot be found. Was it moved, or is its disk unplugged? "
                                  "Nothing is lost: the migration goes on by itself when it is back."), missing);
      _gpm_migrator_waiting_event (run, (gint64) ms * 1000, reason);
      /* said as what it is, with the countdown to the next look (the app's
       * "Retrying in …"), not as the time to the next post */
      {
        g_autoptr(GError) why = g_error_new_literal (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOT_READY, reason);

        _gpm_migrator_post_event (run, EVENT_RETRYING, NULL, 0, why, (ms + 999) / 1000, NULL);
      }
      if (!_gpm_migrator_sleep (run, (gint64) ms * 1000, reason))
        return NEXT_STOP;
    }
}

/* Replaces *@upload with @original shrunk to @max_side pixels (JPEG, upright).
 * FALSE, leaving it as it was, when @original is no image GdkPixbuf reads. */
static gboolean
shrink_photo (Run         *run,
              const char  *photo,
              GBytes      *original,
              guint        max_side,
              GBytes     **upload,
              char       **upload_name,
              guint       *side)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) shrunk = NULL;
  g_autofree char *name = NULL;
  gint64 start = g_get_monotonic_time ();
  guint long_side = 0;

  shrunk = gpm_photo_shrink (original, max_side, &long_side, &error);
  run->io_usec += g_get_monotonic_time () - start;
  if (shrunk == NULL)
    {
      g_debug ("Shrinking %s: %s", photo, error->message);
      return FALSE;
    }
  g_debug ("%s: %" G_GSIZE_FORMAT " bytes, shrunk to %u pixels: %" G_GSIZE_FORMAT " bytes",
           photo, g_bytes_get_size (original), long_side, g_bytes_get_size (shrunk));
  name = g_path_get_basename (photo);
  g_free (*upload_name);
  *upload_name = gpm_photo_jpeg_name (name);
  g_bytes_unref (*upload);
  *upload = g_steal_pointer (&shrunk);
  *side = long_side;
  return TRUE;
}

/* Are photo ids uploaded at @mono (monotonic µs) and @real (wall clock µs)
 * still on the pod? Both clocks: the monotonic one stops while the machine
 * sleeps, the wall clock may be set back. */
static gboolean
photos_fresh (gint64 mono,
              gint64 real)
{
  gint64 now = gpm_get_real_time ();

  return mono != 0 && g_get_monotonic_time () - mono <= PHOTO_MAX_AGE_USEC &&
         now >= real && now - real <= PHOTO_MAX_AGE_USEC;
}

/* Uploads every photo of @item afresh, right before its post request, and
 * records their ids (the set the next attempt sends). Ids from an earlier
 * attempt are never reused: the pod may have destroyed them as pending
 * (daily cleanup), or a post that may exist may hold them (diaspora's web
 * path would move them from it). *@at_mono and *@at_real: when the first
 * of them was sent (its successful request), the age of the whole set:
 * a wait between two uploads (a rate limit, the takeout unplugged, the pod
 * down for hours) ages the ones before it; now when there are none. */
static PhotosResult
upload_photos (Run             *run,
               GpmMigratorItem *item,
               GPtrArray       *ids,
               gint64          *at_mono,
               gint64          *at_real)
{
  GpmMigrator *self = run->self;
  guint max_retries = _gpm_migrator_get_max_retries (self);
  Next after;
  GError *jerror = NULL;

  g_ptr_array_set_size (ids, 0);
  *at_mono = g_get_monotonic_time ();
  *at_real = gpm_get_real_time ();
  if (item->photos->len == 0)
    return PHOTOS_OK;
  if (!_gpm_migrator_checkpoint (run))
    return PHOTOS_STOP;
  if (!_gpm_migrator_journal_ok (run, gpm_journal_set_uploading (self->journal, item->key, &jerror), &jerror) ||
      !_gpm_migrator_journal_ok (run, gpm_journal_clear_photos (self->journal, item->key, &jerror), &jerror))
    return PHOTOS_STOP;
  for (guint i = 0; i < item->photos->len; i++)
    {
      const char *photo = g_ptr_array_index (item->photos, i);
      g_autofree char *id = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *basename = NULL;
      g_autofree char *content_type = NULL;
      g_autofree char *mime = NULL;
      g_autoptr(GBytes) upload = NULL;     /* what is sent: @bytes, or @bytes shrunk */
      g_autofree char *upload_name = NULL;
      guint side = 0;                      /* long side of a shrunk @upload; 0: the original */
      guint attempt = 0;
      guint rate_limited = 0;
      guint internal_errors = 0;
      const char *common;
      gint64 start;

      if (!_gpm_migrator_checkpoint (run))
        return PHOTOS_STOP;

      start = g_get_monotonic_time ();
      bytes = self->read_func != NULL ? self->read_func (item->post, photo, self->read_data, &error) : NULL;
      run->io_usec += g_get_monotonic_time () - start;
      if (bytes == NULL && self->read_func != NULL)
        switch (_gpm_migrator_wait_for_takeout (run))
          {
          case NEXT_RETRY:
            i--;   /* this photo again */
            continue;
          case NEXT_STOP:
            return PHOTOS_STOP;
          case NEXT_GIVE_UP:
          default:
            break;
          }
      if (bytes == NULL)
        {
          g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                               _("Could not read the photo %s: %s"), photo,
                                               error != NULL ? error->message : _("no way to read photos"));
          return mark_failed (run, item->post, item->key, why) ? PHOTOS_FAILED : PHOTOS_STOP;
        }
      basename = g_path_get_basename (photo);
      if ((common = gpm_image_common_mime_type (bytes)) != NULL)
        mime = g_strdup (common);
      else
        {
          content_type = g_content_type_guess (basename, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
          mime = g_content_type_get_mime_type (content_type);
        }
      upload = g_bytes_ref (bytes);
      upload_name = g_strdup (basename);
      /* What diaspora's own web client does (post_photo_uploader.es6). */
      if (g_bytes_get_size (bytes) > GPM_PHOTO_RESIZE_LIMIT)
        shrink_photo (run, photo, bytes, GPM_PHOTO_RESIZE_MAX_SIDE, &upload, &upload_name, &side);
      /* A format the pod refuses by its extension (BMP, TIFF, WebP: only 0.9
       * takes it, gpm_pod_photo_file_name()) goes as a JPEG of the same size; one
       * GdkPixbuf cannot read goes as it is, for the pod to say. */
      else if (gpm_pod_photo_type_extension (mime) == NULL)
        shrink_photo (run, photo, bytes, G_MAXUINT, &upload, &upload_name, &side);

      for (;;)
        {
          gint64 sent_real = gpm_get_real_time ();

          g_clear_error (&error);
          start = g_get_monotonic_time ();
          id = gpm_pod_upload_photo (self->pod, upload, upload_name,
                                     side > 0 ? "image/jpeg" : mime != NULL ? mime : "application/octet-stream",
                                     NULL, &error);
          run->io_usec += g_get_monotonic_time () - start;
          if (id != NULL)
            {
              /* diaspora dates the photo (created_at) while it handles
               * this request: its start is a safe bound */
              if (ids->len == 0)
                {
                  *at_mono = start;
                  *at_real = sent_real;
                }
              break;
            }
          g_debug ("Uploading %s: %s", photo, error->message);
          after = _gpm_migrator_after_auth_or_fatal (run, error);
          if (after == NEXT_RETRY)
            continue;
          if (after == NEXT_STOP)
            return PHOTOS_STOP;
          /* 413: over the body limit of the pod's proxy. Smaller, and again. */
          if (gpm_pod_error_get_http_status (error) == 413)
            {
              guint current = side > 0 ? side : gpm_photo_get_long_side (bytes);
              guint next = current * PHOTO_SHRINK_NUM / PHOTO_SHRINK_DEN;

              if (current > 0 && next >= PHOTO_MIN_SIDE &&
                  shrink_photo (run, photo, bytes, next, &upload, &upload_name, &side))
                continue;
              {
                g_autoptr(GError) why = NULL;
                g_autofree char *size = g_format_size (g_bytes_get_size (upload));

                if (current == 0)
                  why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                     _("The photo %s is larger than the pod accepts (%s) and could not be shrunk; "
                                       "the post was not sent"),
                                     photo, size);
                else
                  why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                     _("The photo %s is larger than the pod accepts, even shrunk to %u pixels (%s); "
                                       "the post was not sent"),
                                     photo, current, size);
                return mark_failed (run, item->post, item->key, why) ? PHOTOS_FAILED : PHOTOS_STOP;
              }
            }
          /* diaspora's web upload answers 500 for an image its processing
           * cannot read (photos_controller.rb rescues only some errors):
           * the same bytes get the same answer. One more try for a passing
           * hiccup, then the photo fails, by name. */
          if (gpm_pod_error_get_http_status (error) == 500)
            {
              /* the retry policy with this budget: then, unless the whole
               * pod answers 500 (its database down), the photo fails */
              after = _gpm_migrator_after_transient (run, error, &internal_errors, &rate_limited,
                                                     MAX_PHOTO_INTERNAL_ERRORS);
              if (after == NEXT_RETRY)
                continue;
              if (after == NEXT_STOP)
                return PHOTOS_STOP;
              {
                g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                                     _("The pod could not process the photo %s (error 500 on %u tries): "
                                                       "it may be damaged or in a format the pod does not take. "
                                                       "The post was not sent"),
                                                     photo, internal_errors + 1);
                return mark_failed (run, item->post, item->key, why) ? PHOTOS_FAILED : PHOTOS_STOP;
              }
            }
          after = _gpm_migrator_after_transient (run, error, &attempt, &rate_limited, max_retries);
          if (after == NEXT_RETRY)
            continue;
          if (after == NEXT_STOP)
            return PHOTOS_STOP;
          {
            g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR,
                                                 _gpm_migrator_is_transient (error) ? GPM_MIGRATOR_ERROR_GAVE_UP : GPM_MIGRATOR_ERROR_PHOTO,
                                                 _("Could not upload the photo %s: %s"), photo, error->message);
            return mark_failed (run, item->post, item->key, why) ? PHOTOS_FAILED : PHOTOS_STOP;
          }
        }

      if (!_gpm_migrator_journal_ok (run, gpm_journal_add_photo (self->journal, item->key, i, photo, id, &jerror), &jerror))
        return PHOTOS_STOP;
      g_ptr_array_add (ids, g_steal_pointer (&id));
    }
  return PHOTOS_OK;
}

static GpmPodDraft *
make_draft (Run             *run,
            GpmMigratorItem *item,
            GPtrArray       *photo_ids)
{
  GpmPodDraft *draft = gpm_pod_draft_new (item->text);
  const GpmLocation *location = gpm_convert_pod_location (item->post, run->self->convert_settings, NULL);

  draft->is_public = item->is_public;
  if (!item->is_public && item->all_aspects)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, run->aspect_ids);
      while (g_hash_table_iter_next (&iter, NULL, &id))
        g_array_append_val (draft->aspect_ids, *(gint64 *) id);
    }
  else if (!item->is_public)
    for (guint i = 0; i < item->aspects->len; i++)
      {
        gint64 *id = g_hash_table_lookup (run->aspect_ids, g_ptr_array_index (item->aspects, i));

        g_assert (id != NULL);
        g_array_append_val (draft->aspect_ids, *id);
      }
  for (guint i = 0; i < photo_ids->len; i++)
    g_ptr_array_add (draft->photo_ids, g_strdup (g_ptr_array_index (photo_ids, i)));
  if (item->poll_question != NULL)
    {
      draft->poll_question = g_strdup (item->poll_question);
      for (guint i = 0; i < item->poll_answers->len; i++)
        g_ptr_array_add (draft->poll_answers, g_strdup (g_ptr_array_index (item->poll_answers, i)));
    }
  if (item->location != NULL)
    {
      draft->location_address = g_strdup (item->location);
      if (location != NULL && location->has_coordinates)
        {
          draft->has_coordinates = TRUE;
          draft->latitude = location->latitude;
          draft->longitude = location->longitude;
        }
    }
  return draft;
}

/* The photos recorded for @key's last attempt: how many it sent. */
static guint
count_recorded_photos (Run        *run,
                       const char *key)
{
  g_autoptr(GPtrArray) ids = gpm_journal_get_photos (run->self->journal, key);

  return ids != NULL ? ids->len : 0;
}

/* When @entry's last post request was sent (Unix s): journals from before
 * attempted_at have it as updated_at (gpm-journal.c). */
static gint64
attempt_time_of (const GpmJournalEntry *entry)
{
  return entry->attempted_at > 0 ? entry->attempted_at : entry->updated_at;
}

/* One post, start to end. FALSE: stop the run (cancelled, or run->fatal). */
gboolean
_gpm_migrator_process_post (Run     *run,
                            GpmPost *post)
{
  GpmMigrator *self = run->self;
  const char *key = gpm_journal_post_key (post);
  g_autoptr(GpmJournalEntry) entry = NULL;
  g_autoptr(GpmMigratorItem) item = NULL;
  g_autoptr(GPtrArray) photo_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GpmPodDraft) draft = NULL;
  GError *jerror = NULL;
  guint max_retries = _gpm_migrator_get_max_retries (self);
  Next after;
  guint attempt = 0;
  guint rate_limited = 0;
  guint repairs = 0;
  guint refusals = 0;
  gboolean refused_once = FALSE;
  gint64 photos_at = 0;   /* monotonic time of the first upload of photo_ids; 0: none usable */
  gint64 photos_real = 0; /* ... and its wall-clock time (the monotonic clock stops while the machine sleeps) */
  gint64 start = g_get_monotonic_time ();
  gint64 wait_start = run->wait_usec;
  gint64 io_start = run->io_usec;
  gboolean ret;

  entry = gpm_journal_lookup (self->journal, key, &jerror);
  if (!_gpm_migrator_journal_ok (run, entry != NULL, &jerror))
    return FALSE;
  if (entry->state == GPM_JOURNAL_STATE_POSTED)
    {
      /* Found on the pod while resolving the attempts left by an earlier run. */
      run->n_done++;
      run->n_left--;
      _gpm_migrator_post_event (run, EVENT_PROGRESS, NULL, 0, NULL, 0, NULL);
      return TRUE;
    }

  _gpm_migrator_post_event (run, EVENT_POST_STARTED, post, 0, NULL, 0, NULL);

  if (entry->state == GPM_JOURNAL_STATE_SKIPPED && entry->by_user)
    {
      g_autoptr(GError) why = g_error_new_literal (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_BY_USER,
                                                   entry->reason != NULL ? entry->reason : _("Skipped by you"));

      finish_post (run, post, GPM_JOURNAL_STATE_SKIPPED, why);
      return TRUE;
    }

  /* An incomplete copy an earlier run left on the pod: take it back first. */
  if (entry->state == GPM_JOURNAL_STATE_ATTEMPTING && entry->guid != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (repair_ends_post (run, post, delete_incomplete (run, key, entry->guid, &error), &error, &ret))
        return ret;
    }

  /* A previous attempt whose outcome nobody saw: look before anything else. */
  if (entry->state == GPM_JOURNAL_STATE_ATTEMPTING && entry->text != NULL)
    {
      g_autoptr(GpmPodPost) found = NULL;
      g_autoptr(GError) error = NULL;
      guint n_sent = count_recorded_photos (run, key);
      gint64 attempted_at = attempt_time_of (entry);
      CheckResult result = _gpm_migrator_check_pod (run, key, entry->text, n_sent, attempted_at, &found, &error);

      /* Its answer never came (a kill or a crash in the middle of the
       * request, a timeout, a cut connection, 502/504 before a quit): a
       * busy pod may still save the post, so it stays uncertain until the
       * settle time has passed since the attempt, as within a run (an
       * attempt long past gets the one look above). An attempt the pod
       * answered (a 503, a refusal) is sent again without waiting. */
      if (result == CHECK_NOT_FOUND && entry->late)
        result = _gpm_migrator_check_pod_again (run, key, entry->text, n_sent, attempted_at,
                                                attempted_at * G_USEC_PER_SEC, &found, &error);
      switch (result)
        {
        case CHECK_FOUND:
          return mark_posted (run, post, key, found);
        case CHECK_INCOMPLETE:
          if (repair_ends_post (run, post, repair_post (run, key, found, n_sent, &error), &error, &ret))
            return ret;
          break;
        case CHECK_NOT_FOUND:
          break;
        case CHECK_UNRESOLVED:
          finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, error);
          return TRUE;
        case CHECK_STOP:
        default:
          return FALSE;
        }
    }

  item = _gpm_migrator_make_item (self, post, run->plan, entry->state);
  if (item->skip != NULL)
    {
      if (entry->state == GPM_JOURNAL_STATE_ATTEMPTING &&
          !_gpm_migrator_journal_ok (run, gpm_journal_set_failed (self->journal, key, item->skip->message, &jerror), &jerror))
        return FALSE;
      if (!_gpm_migrator_journal_ok (run, gpm_journal_set_skipped (self->journal, key, item->skip->message, &jerror), &jerror))
        return FALSE;
      finish_post (run, post, GPM_JOURNAL_STATE_SKIPPED, item->skip);
      return TRUE;
    }
  /* not read, for the takeout is gone (not the post's fault): wait for it */
  while (item->error != NULL)
    {
      switch (_gpm_migrator_wait_for_takeout (run))
        {
        case NEXT_RETRY:
          g_clear_pointer (&item, gpm_migrator_item_unref);
          item = _gpm_migrator_make_item (self, post, run->plan, entry->state);
          continue;
        case NEXT_STOP:
          return FALSE;
        case NEXT_GIVE_UP:
        default:
          break;
        }
      break;
    }
  if (item->error != NULL)
    return mark_failed (run, post, key, item->error);
  if ((entry->state == GPM_JOURNAL_STATE_FAILED || entry->state == GPM_JOURNAL_STATE_SKIPPED) &&
      !_gpm_migrator_journal_ok (run, gpm_journal_set_pending (self->journal, key, &jerror), &jerror))
    return FALSE;

  {
    gboolean turn, new_plan;

    run->wait_for_plan = TRUE;
    turn = _gpm_migrator_wait_for_turn (run);
    run->wait_for_plan = FALSE;
    if (!turn)
      return FALSE;
    g_mutex_lock (&self->mutex);
    new_plan = self->next_plan != NULL;
    g_mutex_unlock (&self->mutex);
    /* The plan changed while this post waited its turn: nothing was sent
     * for it yet, the new plan's queue decides whether it goes */
    if (new_plan)
      {
        g_hash_table_remove (run->handled, key);
        return TRUE;
      }
  }

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPodPost) created = NULL;
      gint64 attempt_time;
      gint64 answered_usec;
      CheckResult checked;
      gint64 io;

      if (!_gpm_migrator_checkpoint (run))
        return FALSE;
      /* Photos right before the post request: uploaded for this attempt,
       * or for an earlier one of this run that surely created nothing and
       * is recent enough for the pod to still hold them. */
      if (draft == NULL || !photos_fresh (photos_at, photos_real))
        {
          if (item->photos->len > 0 || draft == NULL)
            {
              switch (upload_photos (run, item, photo_ids, &photos_at, &photos_real))
                {
                case PHOTOS_OK:
                  break;
                case PHOTOS_FAILED:
                  return TRUE;
                case PHOTOS_STOP:
                default:
                  return FALSE;
                }
              g_clear_pointer (&draft, gpm_pod_draft_free);
              draft = make_draft (run, item, photo_ids);
            }
          else
            {
              photos_at = g_get_monotonic_time ();
              photos_real = gpm_get_real_time ();
            }
          /* a step of its own: pause and cancel take effect here too */
          if (!_gpm_migrator_checkpoint (run))
            return FALSE;
          /* the first photos went up before a long wait (for the pod, the
           * takeout, a rate limit): the pod may have destroyed them by
           * now, so they go up again */
          if (!photos_fresh (photos_at, photos_real))
            continue;
        }

      if (!_gpm_migrator_journal_ok (run, gpm_journal_set_attempting (self->journal, key, item->text, item->visibility, &jerror), &jerror))
        return FALSE;
      attempt_time = gpm_get_real_time () / G_USEC_PER_SEC;
      io = g_get_monotonic_time ();
      created = gpm_pod_create_post (self->pod, draft, NULL, &error);
      run->io_usec += g_get_monotonic_time () - io;
      answered_usec = gpm_get_real_time ();

      if (created != NULL && created->guid != NULL && !_gpm_migrator_has_all_photos (created, photo_ids->len))
        {
          g_autoptr(GError) repair_error = NULL;

          /* Saved, but some photo ids were no longer on the pod: those
           * photos are gone, the copy is taken back, and the post goes
           * again with fresh uploads. */
          photos_at = 0;
          if (repair_ends_post (run, post, repair_post (run, key, created, photo_ids->len, &repair_error),
                                &repair_error, &ret))
            return ret;
          if (repairs++ < MAX_REPAIRS)
            continue;
          {
            g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_PHOTO,
                                                 _("The pod kept the post without all of its photos %u times; "
                                                   "it was taken back each time and is not on the pod"),
                                                 repairs);
            return mark_failed (run, post, key, why);
          }
        }
      if (created != NULL && created->guid != NULL)
        {
          run->last_post_usec = gpm_get_real_time ();
          if (!mark_posted (run, post, key, created))
            return FALSE;
          g_mutex_lock (&self->mutex);
          self->n_sent++;
          self->busy_usec += (g_get_monotonic_time () - start) - (run->wait_usec - wait_start);
          self->io_usec += run->io_usec - io_start;
          g_mutex_unlock (&self->mutex);
          run->n_sent++;
          run->sent_busy_usec += (g_get_monotonic_time () - start) - (run->wait_usec - wait_start);
          return TRUE;
        }
      if (created != NULL)
        g_set_error (&error, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL, _("The pod answered without the new post’s guid"));

      g_debug ("Posting %s: %s", key, error->message);
      /* The pod is done with this request: whatever it saved can be seen
       * now, so a restart need not wait for a late save. Without an answer
       * (or with a proxy's 502/504) the row stays "late". */
      if (!_gpm_migrator_may_be_late (error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !_gpm_migrator_journal_ok (run, gpm_journal_set_answered (self->journal, key, error->message, &jerror), &jerror))
        return FALSE;
      after = _gpm_migrator_after_auth_or_fatal (run, error);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return FALSE;
      if (_gpm_migrator_may_have_created (error) || is_ambiguous_refusal (error))
        {
          g_autoptr(GpmPodPost) found = NULL;
          g_autoptr(GError) check_error = NULL;
          gboolean refused = is_ambiguous_refusal (error);

          /* These photo ids may now belong to a post on the pod (and after
           * a refusal they may be why: the API refuses ids that are gone). */
          photos_at = 0;
          /* Give the pod time to finish what it may be doing, then look. */
          if (!_gpm_migrator_backoff (run, attempt, error))
            return FALSE;
          checked = _gpm_migrator_check_pod (run, key, item->text, photo_ids->len, attempt_time, &found, &check_error);
          if (checked == CHECK_NOT_FOUND && _gpm_migrator_may_be_late (error))
            checked = _gpm_migrator_check_pod_again (run, key, item->text, photo_ids->len, attempt_time, answered_usec,
                                                     &found, &check_error);
          switch (checked)
            {
            case CHECK_FOUND:
              run->last_post_usec = gpm_get_real_time ();
              return mark_posted (run, post, key, found);
            case CHECK_INCOMPLETE:
              if (repair_ends_post (run, post, repair_post (run, key, found, photo_ids->len, &check_error),
                                    &check_error, &ret))
                return ret;
              G_GNUC_FALLTHROUGH;
            case CHECK_NOT_FOUND:
              if (refused)
                {
                  /* Not there: the pod may really have refused it; try
                   * again with fresh photos a few times, then believe it. */
                  if (refusals++ < MAX_AMBIGUOUS_REFUSALS)
                    continue;
                  return mark_failed (run, post, key, error);
                }
              /* each retry waited above, before its look */
              if (attempt++ < max_retries)
                continue;
              /* not there after every retry: the pod may be down (the
               * budget spent, the policy waits for it) */
              switch (_gpm_migrator_after_transient (run, error, &attempt, &rate_limited, max_retries))
                {
                case NEXT_RETRY:
                  continue;
                case NEXT_STOP:
                  return FALSE;
                case NEXT_GIVE_UP:
                default:
                  break;
                }
              {
                g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_GAVE_UP,
                                                     _("Gave up after %u attempts: %s"), attempt, error->message);
                return mark_failed (run, post, key, why);
              }
            case CHECK_UNRESOLVED:
              finish_post (run, post, GPM_JOURNAL_STATE_ATTEMPTING, check_error);
              return TRUE;
            case CHECK_STOP:
            default:
              return FALSE;
            }
        }
      after = _gpm_migrator_after_transient (run, error, &attempt, &rate_limited, max_retries);
      if (after == NEXT_RETRY)
        continue;
      if (after == NEXT_STOP)
        return FALSE;
      if (_gpm_migrator_is_transient (error))
        {
          g_autoptr(GError) why = g_error_new (GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_GAVE_UP,
                                               _("Gave up after %u attempts: %s"), attempt + 1, error->message);
          return mark_failed (run, post, key, why);
        }
      /* An answer for a post the pod did not save ("id": null): nothing was
       * stored, so one more try cannot double it; a second such answer is
       * the pod's verdict. */
      if (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TEXT_TOO_LONG) && !refused_once)
        {
          refused_once = TRUE;
          if (!_gpm_migrator_backoff (run, 0, error))
            return FALSE;
          continue;
        }
      return mark_failed (run, post, key, error);
    }
}

/* Attempts left by a process that died: resolve them first, selected or not. */
gboolean
_gpm_migrator_resolve_attempts (Run *run)
{
  GpmMigrator *self = run->self;
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  /* (not every row: the run has just given each of its posts one, and
   * listing them all held ~19 MB at 100,000 posts) */
  entries = gpm_journal_list_in_state (self->journal, GPM_JOURNAL_STATE_ATTEMPTING, &error);
  if (!_gpm_migrator_journal_ok (run, entries != NULL, &error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      GpmJournalEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GpmPodPost) found = NULL;
      g_autoptr(GError) check_error = NULL;

      if (entry->state != GPM_JOURNAL_STATE_ATTEMPTING || entry->text == NULL)
        continue;
      /* An incomplete copy waiting to be deleted: its post deletes it when it comes up. */
      if (entry->guid != NULL)
        continue;
      switch (_gpm_migrator_check_pod (run, entry->key, entry->text, count_recorded_photos (run, entry->key),
                                       attempt_time_of (entry), &found, &check_error))
        {
        case CHECK_INCOMPLETE:
          switch (repair_post (run, entry->key, found, count_recorded_photos (run, entry->key), &check_error))
            {
            case REPAIR_DONE:
              break;
            case REPAIR_UNRESOLVED:
              g_message ("%s: %s", entry->entry_name, check_error->message);
              break;
            case REPAIR_STOP:
            default:
              return FALSE;
            }
          break;
        case CHECK_FOUND:
          g_debug ("%s was created by an earlier attempt", entry->key);
          if (!_gpm_migrator_journal_ok (run, gpm_journal_set_posted (self->journal, entry->key,
                                                        found->id != NULL ? found->id : found->guid,
                                                        found->guid, 0, &error), &error))
            return FALSE;
          break;
        case CHECK_NOT_FOUND:
          /* Not there: the row stays ATTEMPTING until its post comes up;
           * its check then looks again, and for an attempt whose answer
           * never came keeps looking until the settle time has passed
           * (_gpm_migrator_process_post()): one look each here, not a wait per row. */
          break;
        case CHECK_UNRESOLVED:
          g_message ("%s: %s", entry->entry_name, check_error->message);
          break;
        case CHECK_STOP:
        default:
          return FALSE;
        }
    }
  return TRUE;
}
