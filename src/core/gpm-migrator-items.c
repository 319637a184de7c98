/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrator-items.c: what a post becomes before it is sent: its audience (the
 * plan's rule), text (the conversion or the user's edit, a long one split),
 * photos, poll and location, as a GpmMigratorItem, for the dry run
 * (gpm_migrator_plan()) and the worker alike; and the usual wiring of the
 * conversion, photos and comments to a takeout (gpm_migrator_use_takeout()) */
#define G_LOG_DOMAIN "gpm-migrator"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpm-comments.h"
#include "gpm-diaspora.h"
#include "gpm-image.h"
#include "gpm-long-post.h"
#include "gpm-migrator-private.h"

/* diaspora's poll question and answer columns: `t.string` (polls.question,
 * poll_answers.answer, db/migrate/0000_create_schema.rb:397 and :367 at
 * v0.9.1.0), 255 characters on MySQL, where a longer one raises and the
 * post is not saved. */
#define MAX_POLL_QUESTION_CHARS 255
#define MAX_POLL_ANSWER_CHARS 255
/* locations.address, `t.string` too (db/migrate/0000_create_schema.rb:186). */
#define MAX_LOCATION_ADDRESS_CHARS 255

G_DEFINE_BOXED_TYPE (GpmMigratorItem, gpm_migrator_item, gpm_migrator_item_ref, gpm_migrator_item_unref)

GpmMigratorItem *
gpm_migrator_item_ref (GpmMigratorItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return g_atomic_rc_box_acquire (item);
}

static void
item_clear (gpointer data)
{
  GpmMigratorItem *item = data;

  g_clear_object (&item->post);
  g_free (item->key);
  g_clear_pointer (&item->aspects, g_ptr_array_unref);
  g_free (item->visibility);
  g_free (item->text);
  g_clear_pointer (&item->photos, g_ptr_array_unref);
  g_free (item->poll_question);
  g_clear_pointer (&item->poll_answers, g_ptr_array_unref);
  g_free (item->location);
  g_clear_error (&item->skip);
  g_clear_error (&item->error);
  g_clear_pointer (&item->comments, g_ptr_array_unref);
  g_clear_pointer (&item->continuation, g_ptr_array_unref);
}

void
gpm_migrator_item_unref (GpmMigratorItem *item)
{
  g_return_if_fail (item != NULL);
  g_atomic_rc_box_release_full (item, item_clear);
}

/* @text (taken) at most @max_chars characters, the last one "…" when it
 * was cut. */
static char *
cut_to_chars (char  *text,
              guint  max_chars)
{
  if (g_utf8_strlen (text, -1) > max_chars)
    {
      g_autofree char *cut = text;

      *g_utf8_offset_to_pointer (cut, max_chars - 1) = '\0';
      return g_strconcat (cut, "…", NULL);
    }
  return text;
}

/* Ruby's String#blank? (/\A[[:space:]]*\z/): only white space, any kind. */
static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* The content's words without markup, for a poll question: at most
 * @max_chars characters, the last one "…" when the text was cut. */
static char *
poll_question (const char *html,
               guint       max_chars)
{
  return cut_to_chars (gpm_convert_html_to_plain (html, max_chars + 1), max_chars);
}

static GpmMigratorItem *make_item (GpmMigrator     *self,
                                    GpmPost         *post,
                                    GpmPlan         *plan,
                                    GpmJournalState  journal_state);

/* Audience, conversion, photos, poll and location of one post. Used by the
 * dry run and by the worker alike, so a dry run shows what a run sends.
 * The post's attachments are read for it and dropped after (a full view):
 * a run over 100,000 posts does not keep them all. */
GpmMigratorItem *
_gpm_migrator_make_item (GpmMigrator     *self,
                         GpmPost         *post,
                         GpmPlan         *plan,
                         GpmJournalState  journal_state)
{
  GpmMigratorItem *item;

  gpm_post_begin_full_view (post);
  item = make_item (self, post, plan, journal_state);
  /* The post's JSON could not be read again: the conversion went on as if
   * it had no photos, link, poll or reshare, and that is not the post */
  if (item->skip == NULL && item->error == NULL && !gpm_post_full_is_readable (post))
    g_set_error (&item->error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_CONVERT,
                 _("The post could not be read from the takeout again"));
  gpm_post_end_full_view (post);
  return item;
}

/* Can @path be opened and (a file) read? */
static gboolean
path_is_readable (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  struct stat st;
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fstat (fd, &st) == 0;
  if (ok && S_ISREG (st.st_mode))
    {
      char byte;
      gssize n;

      do
        n = read (fd, &byte, 1);
      while (n < 0 && errno == EINTR);
      ok = n == 1;
    }
  close (fd);
  return ok;
}

char *
_gpm_migrator_dup_missing_takeout (GpmMigrator *self)
{
  const char * const *paths;

  if (self->takeout == NULL)
    return NULL;
  paths = gpm_takeout_get_paths (self->takeout);
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    if (!path_is_readable (paths[i]))
      return g_strdup (paths[i]);
  return NULL;
}

static GpmMigratorItem *
make_item (GpmMigrator     *self,
           GpmPost         *post,
           GpmPlan         *plan,
           GpmJournalState  journal_state)
{
  GpmMigratorItem *item = g_atomic_rc_box_new0 (GpmMigratorItem);
  const GpmPoll *poll;
  const char *address;
  const char *edited;
  g_autofree char *reason = NULL;
  g_autoptr(GError) audience_error = NULL;

  item->post = g_object_ref (post);
  item->key = g_strdup (gpm_journal_post_key (post));
  item->journal_state = journal_state;
  item->aspects = g_ptr_array_new_with_free_func (g_free);
  item->photos = g_ptr_array_new_with_free_func (g_free);

  /* Who sees it: the plan's rule (gpm_plan_resolve_audience()). */
  if (!gpm_plan_resolve_audience (plan, post, &item->is_public, item->aspects, &item->all_aspects,
                                  &audience_error))
    {
      g_set_error_literal (&item->skip, GPM_MIGRATOR_ERROR,
                           g_error_matches (audience_error, GPM_PLAN_ERROR, GPM_PLAN_ERROR_NO_AUDIENCE)
                             ? GPM_MIGRATOR_ERROR_NO_AUDIENCE : GPM_MIGRATOR_ERROR_NO_ASPECT,
                           audience_error->message);
      return item;
    }
  if (item->is_public)
    item->visibility = g_strdup ("public");
  else
    {
      g_autoptr(GString) names = g_string_new ("aspect:");

      if (item->all_aspects)
        g_string_append (names, _("all aspects"));
      for (guint i = 0; !item->all_aspects && i < item->aspects->len; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (item->aspects, i));
      item->visibility = g_string_free (g_steal_pointer (&names), FALSE);
    }

  /* Left out by the user in the plan. */
  if (gpm_plan_is_post_excluded (plan, item->key))
    {
      g_set_error_literal (&item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_BY_USER, _("Left out by you"));
      return item;
    }
  edited = gpm_plan_get_post_text (plan, item->key);

  /* A reshare of someone else's words alone: never sent (it would be the
   * hashtag footer only, and two of them the same post). */
  if (edited == NULL && gpm_convert_post_is_nothing_own (post, self->convert_settings, &reason))
    {
      g_set_error_literal (&item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOTHING_OWN, reason);
      return item;
    }

  if (self->convert_func == NULL)
    {
      g_set_error (&item->error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_NOT_READY,
                   _("No conversion is set up"));
      return item;
    }
  item->text = self->convert_func (post, item->photos, self->convert_data, &item->error);
  if (item->text == NULL)
    {
      if (item->error == NULL)
        g_set_error (&item->error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_CONVERT,
                     _("The post could not be converted"));
      return item;
    }
  /* The user's own words instead of the conversion; the photos stay. */
  if (edited != NULL)
    {
      g_free (item->text);
      item->text = g_strdup (edited);
    }
  if (!g_utf8_validate (item->text, -1, NULL))
    {
      g_set_error (&item->error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_CONVERT,
                   _("The converted text is not valid UTF-8"));
      return item;
    }
  if (!gpm_long_post_fits (item->text, GPM_DIASPORA_MAX_TEXT_BYTES))
    {
      /* Moved, not failed: the post up to a boundary under the limit, the
       * rest in the author's own comments under it (gpm-migrator-comments.c). */
      g_auto(GStrv) parts = gpm_long_post_split (item->text, GPM_DIASPORA_MAX_TEXT_BYTES);

      g_free (item->text);
      item->text = g_strdup (parts[0]);
      item->continuation = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 1; parts[i] != NULL; i++)
        g_ptr_array_add (item->continuation, g_strdup (parts[i]));
    }

  poll = gpm_post_get_poll (post);
  if (poll != NULL && poll->choices != NULL)
    {
      item->poll_answers = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < poll->choices->len; i++)
        {
          const GpmPollChoice *choice = g_ptr_array_index (poll->choices, i);
          g_autofree char *answer = choice->description != NULL ? g_strstrip (g_strdup (choice->description)) : NULL;

          /* PollAnswer validates :answer, presence: true (app/models/poll_answer.rb:10):
           * a blank one (spaces only too) fails the poll, which fails the
           * post (status_message.rb:25, has_one :poll, autosave: true) */
          if (answer != NULL && !is_blank (answer))
            g_ptr_array_add (item->poll_answers, cut_to_chars (g_steal_pointer (&answer), MAX_POLL_ANSWER_CHARS));
        }
      if (item->poll_answers->len >= 2)
        {
          item->poll_question = poll_question (gpm_post_get_content (post), MAX_POLL_QUESTION_CHARS);
          if (item->poll_question == NULL || is_blank (item->poll_question))
            {
              g_free (item->poll_question);
              item->poll_question = g_strdup (_("Poll"));
            }
        }
      else
        g_clear_pointer (&item->poll_answers, g_ptr_array_unref);
    }

  /* Only when the user asked for the place, and only one the pod keeps. */
  if (gpm_convert_pod_location (post, self->convert_settings, &address) != NULL)
    item->location = cut_to_chars (g_strdup (address), MAX_LOCATION_ADDRESS_CHARS);

  return item;
}

/* Selected posts, each once, oldest first. */
GPtrArray *
_gpm_migrator_sorted_posts (GPtrArray *posts)
{
  GPtrArray *sorted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);

      if (g_hash_table_add (seen, (gpointer) gpm_journal_post_key (post)))
        g_ptr_array_add (sorted, g_object_ref (post));
    }
  g_ptr_array_sort (sorted, gpm_plan_compare_posts);
  return sorted;
}

GPtrArray *
gpm_migrator_plan (GpmMigrator *self,
                   GPtrArray   *posts)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_migrator_item_unref);
  g_autoptr(GPtrArray) sorted = NULL;

  g_return_val_if_fail (GPM_IS_MIGRATOR (self), items);
  g_return_val_if_fail (posts != NULL, items);

  sorted = _gpm_migrator_sorted_posts (posts);
  for (guint i = 0; i < sorted->len; i++)
    {
      GpmPost *post = g_ptr_array_index (sorted, i);
      GpmJournalState state = GPM_JOURNAL_STATE_PENDING;

      if (self->journal != NULL)
        {
          g_autoptr(GpmJournalEntry) entry = gpm_journal_lookup (self->journal, gpm_journal_post_key (post), NULL);

          if (entry != NULL && entry->state == GPM_JOURNAL_STATE_SKIPPED && entry->by_user)
            {
              GpmMigratorItem *item = _gpm_migrator_make_item (self, post, self->plan, entry->state);

              g_clear_error (&item->skip);
              g_clear_error (&item->error);
              g_clear_pointer (&item->text, g_free);
              g_set_error_literal (&item->skip, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_BY_USER,
                                   entry->reason != NULL ? entry->reason : _("Skipped by you"));
              g_ptr_array_add (items, item);
              continue;
            }
          if (entry != NULL)
            state = entry->state;
        }
      {
        GpmMigratorItem *item = _gpm_migrator_make_item (self, post, self->plan, state);

        /* the user's own comments that would follow it */
        if (self->comments_func != NULL && item->skip == NULL && item->error == NULL)
          item->comments = self->comments_func (post, self->comments_data, NULL);
        g_ptr_array_add (items, item);
      }
    }
  return items;
}

/* ------------------------------------------------------- the takeout wiring */

/* The largest photo read into memory for an upload. */
#define MAX_PHOTO_SIZE (256 * 1024 * 1024)

typedef struct {
  GpmTakeout         *takeout;
  GpmConvertSettings *settings;   /* NULL: the defaults */
  GpmMigrator        *migrator;   /* unowned: it owns this */
} TakeoutSource;

static void
takeout_source_free (gpointer data)
{
  TakeoutSource *ts = data;

  g_clear_object (&ts->takeout);
  g_clear_pointer (&ts->settings, gpm_convert_settings_free);
  g_free (ts);
}

/* Links to the owner's posts already on the pod point there. */
static const GpmConvertSettings *
settings_with_lookup (TakeoutSource      *ts,
                      GpmConvertSettings *scratch)
{
  if (ts->settings != NULL && ts->settings->links != NULL && ts->settings->own_post_lookup == NULL)
    {
      *scratch = *ts->settings;
      scratch->own_post_lookup = gpm_migrator_own_post_lookup;
      scratch->own_post_lookup_data = ts->migrator;
      return scratch;
    }
  return ts->settings;
}

static GPtrArray *
takeout_comments (GpmPost    *post,
                  gpointer    user_data,
                  GError    **error)
{
  TakeoutSource *ts = user_data;
  GpmConvertSettings with_lookup;
  g_autoptr(GPtrArray) own = gpm_comments_read_own (ts->takeout, post, error);

  if (own == NULL)
    return NULL;
  return gpm_comments_convert (own, settings_with_lookup (ts, &with_lookup));
}

static char *
takeout_convert (GpmPost    *post,
                 GPtrArray  *photos,
                 gpointer    user_data,
                 GError    **error)
{
  TakeoutSource *ts = user_data;
  GpmConvertSettings with_lookup;
  const GpmConvertSettings *settings = settings_with_lookup (ts, &with_lookup);
  g_autoptr(GpmConvertResult) result = NULL;

  result = gpm_convert_post (post, settings, gpm_convert_takeout_resolver, ts->takeout);

  if (result == NULL || result->markdown == NULL)
    {
      g_set_error (error, GPM_MIGRATOR_ERROR, GPM_MIGRATOR_ERROR_CONVERT, _("The post could not be converted"));
      return NULL;
    }
  for (guint i = 0; result->media != NULL && i < result->media->len; i++)
    {
      const GpmConvertMedia *media = g_ptr_array_index (result->media, i);

      if (media->uploadable && media->entry != NULL &&
          !g_ptr_array_find_with_equal_func (photos, media->entry, g_str_equal, NULL))
        g_ptr_array_add (photos, g_strdup (media->entry));
    }
  return g_strdup (result->markdown);
}

static GBytes *
takeout_read_photo (GpmPost     *post,
                    const char  *photo,
                    gpointer     user_data,
                    GError     **error)
{
  GBytes *bytes = gpm_takeout_read_entry (user_data, photo, MAX_PHOTO_SIZE, NULL, error);

  /* The full decode, where the bytes are read anyway: a photo whose header
   * passed the import's check but whose data is damaged is not sent (the
   * pod would answer 500 to it). */
  if (bytes != NULL && !gpm_image_check (bytes, error))
    g_clear_pointer (&bytes, g_bytes_unref);
  return bytes;
}

void
gpm_migrator_use_takeout (GpmMigrator              *self,
                          GpmTakeout               *takeout,
                          const GpmConvertSettings *settings)
{
  TakeoutSource *ts;

  g_return_if_fail (GPM_IS_MIGRATOR (self));
  g_return_if_fail (GPM_IS_TAKEOUT (takeout));

  g_set_object (&self->takeout, takeout);
  ts = g_new0 (TakeoutSource, 1);
  ts->takeout = g_object_ref (takeout);
  ts->settings = settings ? gpm_convert_settings_copy (settings) : NULL;
  ts->migrator = self;
  gpm_migrator_set_convert_func (self, takeout_convert, ts, takeout_source_free);
  gpm_migrator_set_convert_settings (self, settings);
  gpm_migrator_set_read_func (self, takeout_read_photo, g_object_ref (takeout), g_object_unref);
  if (settings != NULL && settings->own_comments)
    {
      TakeoutSource *cs = g_new0 (TakeoutSource, 1);

      cs->takeout = g_object_ref (takeout);
      cs->settings = gpm_convert_settings_copy (settings);
      cs->migrator = self;
      gpm_migrator_set_comments_func (self, takeout_comments, cs, takeout_source_free);
    }
  else
    gpm_migrator_set_comments_func (self, NULL, NULL, NULL);
}
