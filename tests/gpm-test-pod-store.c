/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-store.c: what the test pod keeps and how diaspora shows it:
 * accounts and their aspects, photos (decoded like MiniMagick would, the
 * daily cleanup of pending ones), the status message creation service and
 * PostService#destroy that the web and API v1 controllers share, and a
 * post as PostPresenter renders it (text_for_json with camo). Called with
 * the pod's lock held. */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "gpm-test-pod-private.h"

User *
_gpm_test_pod_user_by_name (GpmTestPod *self, const char *name)
{
  return g_hash_table_lookup (self->users, name);
}

User *
_gpm_test_pod_find_user_by_guid (GpmTestPod *self, const char *guid)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->users);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_str_equal (((User *) value)->guid, guid))
      return value;
  return NULL;
}

char *
_gpm_test_pod_diaspora_id (GpmTestPod *self, User *u)
{
  return g_strdup_printf ("%s@127.0.0.1:%u", u->username, self->port);
}

/* Aspect validation (app/models/aspect.rb at v0.9.1.0 and v0.7.18.2):
 * name.strip! before validation (:21-23), presence and at most 20
 * characters (:17), unique per user ignoring case (:19, case_sensitive:
 * false). order_id: the largest so far + 1 (before_create, :25-27), which
 * is the end of the list here. NULL when it does not validate. */
Aspect *
_gpm_test_pod_create_aspect_locked (GpmTestPod *self, User *u, const char *name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name ? name : ""));
  g_autofree char *lower = g_utf8_strdown (stripped, -1);
  Aspect *a;

  if (*stripped == '\0' || g_utf8_strlen (stripped, -1) > 20)
    return NULL;
  for (guint i = 0; i < u->aspects->len; i++)
    {
      g_autofree char *other = g_utf8_strdown (((Aspect *) g_ptr_array_index (u->aspects, i))->name, -1);

      if (g_str_equal (lower, other))
        return NULL;
    }
  a = g_new0 (Aspect, 1);
  a->id = self->next_id++;
  a->name = g_steal_pointer (&stripped);
  g_ptr_array_add (u->aspects, a);
  return a;
}

/* "id" and "name": what every aspect object the pod answers with holds
 * (each caller cites the presenter or controller that adds the rest). */
void
_gpm_test_pod_aspect_members (JsonBuilder *b, const Aspect *a)
{
  gpm_test_json_member_int (b, "id", a->id);
  gpm_test_json_member_string (b, "name", a->name);
}

static GpmTestPodPhoto *
find_photo (GpmTestPod *self, const char *id_or_guid, gboolean by_guid)
{
  for (guint i = 0; i < self->photos->len; i++)
    {
      GpmTestPodPhoto *p = g_ptr_array_index (self->photos, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, p->id);

      if (by_guid ? g_str_equal (p->guid, id_or_guid) : g_str_equal (id, id_or_guid))
        return p;
    }
  return NULL;
}

static StoredPost *
find_post_by_guid (GpmTestPod *self, const char *id_or_guid)
{
  for (guint i = 0; i < self->posts->len; i++)
    {
      StoredPost *sp = g_ptr_array_index (self->posts, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, sp->post->id);

      if (g_str_equal (sp->post->guid, id_or_guid) || g_str_equal (id, id_or_guid))
        return sp;
    }
  return NULL;
}

/* Decodes @file like the pod's image processing (MiniMagick) would: FALSE
 * when it is no image. */
gboolean
_gpm_test_pod_decode_image (GBytes *file, int *width, int *height)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  g_autoptr(GdkPixbufLoader) loader = NULL;
  GdkPixbuf *pixbuf;

  *width = *height = 0;
  /* by signature: gdk-pixbuf's own sniffing needs the MIME database, which
   * tests with isolated XDG dirs do not have */
  if (len >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    loader = gdk_pixbuf_loader_new_with_type ("jpeg", NULL);
  else if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  else if (len >= 6 && memcmp (data, "GIF8", 4) == 0)
    loader = gdk_pixbuf_loader_new_with_type ("gif", NULL);
  if (loader == NULL)
    return FALSE;
  if (!gdk_pixbuf_loader_write_bytes (loader, file, NULL))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return FALSE;
    }
  if (!gdk_pixbuf_loader_close (loader, NULL) || (pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)) == NULL)
    return FALSE;
  *width = gdk_pixbuf_get_width (pixbuf);
  *height = gdk_pixbuf_get_height (pixbuf);
  return TRUE;
}

GpmTestPodPhoto *
_gpm_test_pod_store_photo (GpmTestPod *self, User *u, GBytes *file, gboolean pending)
{
  GpmTestPodPhoto *ph = g_new0 (GpmTestPodPhoto, 1);
  gsize size = g_bytes_get_size (file);

  _gpm_test_pod_decode_image (file, &ph->width, &ph->height);

  ph->id = self->next_id++;
  ph->guid = _gpm_test_pod_new_guid ();
  ph->author = g_strdup (u->username);
  ph->size = size;
  ph->pending = pending;
  ph->created_us = g_get_real_time ();
  g_ptr_array_add (self->photos, ph);
  return ph;
}

/* Workers::CleanupPendingPhotos (app/workers/cleanup_pending_photos.rb:8, the same in 0.7.18.2):
 * Photo.where(pending: true).where("created_at < ?", 1.day.ago).destroy_all,
 * run once a day (config/initializers/sidekiq_scheduled.rb:32-35). */
guint
_gpm_test_pod_cleanup_pending_photos_locked (GpmTestPod *self, gint64 older_than_us)
{
  gint64 limit = g_get_real_time () - older_than_us;
  guint n = 0;

  for (guint i = 0; i < self->photos->len; i++)
    {
      GpmTestPodPhoto *ph = g_ptr_array_index (self->photos, i);

      if (ph->pending && ph->created_us <= limit)
        {
          g_ptr_array_remove_index (self->photos, i--);
          n++;
        }
    }
  return n;
}

void
_gpm_test_pod_creation_clear (Creation *c)
{
  g_free (c->location_coords);
  g_free (c->request_body);
}

/* Ruby's #blank? for a string (NULL: nil): white space only, any kind
 * (/\A[[:space:]]*\z/), what `presence: true` and `.present?` test. */
gboolean
_gpm_test_pod_is_blank (const char *text)
{
  for (const char *p = text ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* CarrierWave's extension check of an upload (Photo.diaspora_initialize →
 * unprocessed_image.store!, app/models/photo.rb:79-81): the original file
 * name's extension (CarrierWave::SanitizedFile#extension: what follows the
 * last dot, any case) must be one of UnprocessedImage#extension_allowlist,
 * jpg jpeg png gif (app/uploaders/unprocessed_image.rb:20-22 at v0.7.18.2),
 * and webp since 0.9 (:14-16 at v0.9.1.0); else store! raises
 * CarrierWave::IntegrityError. */
gboolean
_gpm_test_pod_extension_allowed (GpmTestPod *self, const char *filename)
{
  static const char *const allowed[] = { "jpg", "jpeg", "png", "gif" };
  const char *dot = filename ? strrchr (filename, '.') : NULL;

  if (dot == NULL || dot == filename)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (g_ascii_strcasecmp (dot + 1, allowed[i]) == 0)
      return TRUE;
  return g_ascii_strcasecmp (dot + 1, "webp") == 0 && !g_str_has_prefix (self->version, "0.7.");
}

/* The person a diaspora ID names: this pod knows its own users only
 * (Person.find_or_fetch_by_identifier finds nobody else here). */
static User *
find_person_locked (GpmTestPod *self, const char *diaspora_id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->users);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_autofree char *did = _gpm_test_pod_diaspora_id (self, value);

      if (g_str_equal (did, diaspora_id))
        return value;
    }
  return NULL;
}

typedef struct {
  GpmTestPod *self;
  gboolean    filter;
} MentionRewrite;

static gboolean
rewrite_mention (const GMatchInfo *info, GString *out, gpointer user_data)
{
  MentionRewrite *r = user_data;
  g_autofree char *all = g_match_info_fetch (info, 0);
  g_autofree char *name = g_match_info_fetch (info, 1);
  g_autofree char *id = g_match_info_fetch (info, 2);
  User *person;

  /* mention_attrs: [name.strip.presence, diaspora_id.strip] */
  g_strstrip (name);
  g_strstrip (id);
  person = find_person_locked (r->self, id);
  if (!r->filter)
    {
      /* 0.7's backport_mention_syntax: "@{id}" of a known person → "@{Name; id}" */
      if (person && *name == '\0' && strchr (all, ';') == NULL)
        g_string_append_printf (out, "@{%s; %s}", person->username, id);
      else
        g_string_append (out, all);
      return FALSE;
    }
  /* filter_people: nobody is in an aspect of this pod's users, so no
   * mention stays; profile_link, or display_name || diaspora_id */
  if (person)
    g_string_append_printf (out, "@[%s](/people/%s)", *name ? name : person->username, person->guid);
  else
    g_string_append_printf (out, "@%s", *name ? name : id);
  return FALSE;
}

/* What diaspora does to the mentions in a new post's text
 * (Diaspora::Mentionable::REGEX, lib/diaspora/mentionable.rb:10). 0.7 first
 * writes "@{id}" of a known person in the old syntax (the local author's
 * posts, lib/diaspora/mentions_container.rb:10 → mentionable.rb:79-86 at
 * v0.7.18.2). Then a limited post's mentions of people who are not in its
 * aspects become profile links, or plain "@name" when the person is not
 * known (status_message_creation_service.rb:81 at v0.9.1.0, :75 at
 * v0.7.18.2 → StatusMessage#filter_mentions, status_message.rb:125-127 →
 * Mentionable.filter_people, mentionable.rb:59-72). */
static char *
mentions_as_stored_locked (GpmTestPod *self, const char *text, gboolean is_public)
{
  static GRegex *mention;
  MentionRewrite r = { self, FALSE };
  g_autofree char *backported = NULL;

  if (g_once_init_enter (&mention))
    g_once_init_leave (&mention, g_regex_new ("@\\{(?:([^}]+?); )?([^} ]+)\\}", 0, 0, NULL));
  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup (text);
  if (g_str_has_prefix (self->version, "0.7."))
    backported = g_regex_replace_eval (mention, text, -1, 0, 0, rewrite_mention, &r, NULL);
  else
    backported = g_strdup (text);
  if (is_public)
    return g_steal_pointer (&backported);
  r.filter = TRUE;
  return g_regex_replace_eval (mention, backported, -1, 0, 0, rewrite_mention, &r, NULL);
}

/* Whether @text has a hashtag over 255 characters: Taggable's
 * before_validation build_tags takes the tags (tag_strings, `(?:^|\s)#([tag
 * characters]+|<3)`, lib/diaspora/taggable.rb:36-45; the characters from
 * config/initializers/acts_as_taggable_on.rb:8; Ruby's [[:word:]] is
 * letters, marks, decimal digits and connector punctuation) and tag_name_max_length
 * fails the creation for a longer one (:13-20), the same at v0.7.18.2. */
static gboolean
has_overlong_tag (const char *text)
{
  static GRegex *tag;
  g_autoptr(GMatchInfo) info = NULL;

  if (g_once_init_enter (&tag))
    g_once_init_leave (&tag, g_regex_new ("(?:^|[ \\t\\r\\n\\f\\v])#([\\p{L}\\p{M}\\p{Nd}\\p{Pc}\\x{055b}\\x{055c}\\x{055e}\\x{058a}_-]+)",
                                          G_REGEX_MULTILINE, 0, NULL));
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (g_regex_match (tag, text, 0, &info); g_match_info_matches (info); g_match_info_next (info, NULL))
    {
      g_autofree char *name = g_match_info_fetch (info, 1);

      if (g_utf8_strlen (name, -1) > 255)
        return TRUE;
    }
  return FALSE;
}

CreateResult
_gpm_test_pod_create_post (GpmTestPod *self, User *u, Creation *c, StoredPost **out)
{
  GpmTestPodPost *p;
  StoredPost *sp;

  if ((c->text == NULL || *c->text == '\0') && (c->photo_refs == NULL || c->photo_refs->len == 0))
    return CREATE_MISSING_CONTENT;
  if (!c->is_public)
    {
      guint found = 0;

      for (guint i = 0; c->aspect_ids && i < c->aspect_ids->len; i++)
        for (guint j = 0; j < u->aspects->len; j++)
          if (((Aspect *) g_ptr_array_index (u->aspects, j))->id == g_array_index (c->aspect_ids, gint64, i))
            found++;
      if (found == 0)
        return CREATE_BAD_ASPECTS;
    }
  /* API: api/v1/posts_controller.rb:68-79 (add_photo_ids): every guid must
   * name a pending photo of the author; Photo.find_by! raises for a guid
   * that is gone, a photo of another post raises InvalidArgument, and both
   * end in `rescue StandardError` → 422 (:33-34). The web path has no such
   * check (below). */
  for (guint i = 0; c->via_api && c->photo_refs && i < c->photo_refs->len; i++)
    {
      GpmTestPodPhoto *ph = find_photo (self, g_ptr_array_index (c->photo_refs, i), c->photos_by_guid);

      if (ph == NULL || !g_str_equal (ph->author, u->username) || !ph->pending)
        return CREATE_BAD_PHOTOS;
    }
  if (c->text && g_utf8_strlen (c->text, -1) > MAX_TEXT)
    return CREATE_UNSAVED;
  if (c->text && has_overlong_tag (c->text))
    return CREATE_UNSAVED;
  /* add_poll builds a poll when poll_question is present?
   * (status_message_creation_service.rb:44-51 at v0.9.1.0); Poll validates
   * at least two answers and the question's presence (app/models/poll.rb:16-17,
   * :23-25), PollAnswer each answer's (poll_answer.rb:10), and the post
   * validates its poll (status_message.rb:25, has_one :poll, autosave:
   * true): the post is not saved, and rendered all the same */
  if (!_gpm_test_pod_is_blank (c->poll_question))
    {
      guint n = c->poll_answers ? c->poll_answers->len : 0;

      if (n < 2)
        return CREATE_UNSAVED;
      for (guint i = 0; i < n; i++)
        if (_gpm_test_pod_is_blank (g_ptr_array_index (c->poll_answers, i)))
          return CREATE_UNSAVED;
    }
  /* valid, but over what posts.text holds on MySQL: `t.text :text`
   * (db/migrate/0000_create_schema.rb:412 at v0.9.1.0, the same at
   * v0.7.18.2) is a TEXT column, 65,535 bytes; the mysql2 adapter's strict
   * mode makes the INSERT raise ActiveRecord::ValueTooLong inside
   * status_message.save (status_message_creation_service.rb:16), and the
   * transaction saves nothing */
  if (self->mysql && c->text && strlen (c->text) > GPM_DIASPORA_MAX_TEXT_BYTES)
    return CREATE_VALUE_TOO_LONG;
  /* polls.question, poll_answers.answer and locations.address are
   * `t.string` (0000_create_schema.rb:397, :367, :186): VARCHAR(255) on
   * MySQL, characters (utf8mb4), the same ValueTooLong past it */
  if (self->mysql && !_gpm_test_pod_is_blank (c->poll_question))
    {
      if (g_utf8_strlen (c->poll_question, -1) > 255)
        return CREATE_VALUE_TOO_LONG;
      for (guint i = 0; c->poll_answers && i < c->poll_answers->len; i++)
        if (g_utf8_strlen (g_ptr_array_index (c->poll_answers, i), -1) > 255)
          return CREATE_VALUE_TOO_LONG;
    }
  if (self->mysql && c->location_address && g_utf8_strlen (c->location_address, -1) > 255)
    return CREATE_VALUE_TOO_LONG;

  p = g_new0 (GpmTestPodPost, 1);
  p->id = self->next_id++;
  p->guid = _gpm_test_pod_new_guid ();
  p->author = g_strdup (u->username);
  p->text = mentions_as_stored_locked (self, c->text ? c->text : "", c->is_public);
  p->is_public = c->is_public;
  p->aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!c->is_public && c->aspect_ids)
    g_array_append_vals (p->aspect_ids, c->aspect_ids->data, c->aspect_ids->len);
  p->photo_guids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; c->photo_refs && i < c->photo_refs->len; i++)
    {
      GpmTestPodPhoto *ph = find_photo (self, g_ptr_array_index (c->photo_refs, i), c->photos_by_guid);

      /* Web: status_message_creation_service.rb:54-61 (add_photos; 0.7.18.2: :50) takes
       * Photo.where(id: photos, author_id: …): ids that no longer exist
       * (the daily cleanup destroyed them) are silently left out, and
       * photos already attached to another post are taken from it, with no
       * pending filter. The post is saved and answered 201 all the same. */
      if (ph == NULL || !g_str_equal (ph->author, u->username))
        continue;
      if (ph->post_guid != NULL)
        {
          StoredPost *owner = find_post_by_guid (self, ph->post_guid);

          if (owner != NULL)
            for (guint j = 0; j < owner->post->photo_guids->len; j++)
              if (g_str_equal (g_ptr_array_index (owner->post->photo_guids, j), ph->guid))
                g_ptr_array_remove_index (owner->post->photo_guids, j--);
          g_clear_pointer (&ph->post_guid, g_free);
        }
      ph->pending = FALSE;
      ph->post_guid = g_strdup (p->guid);
      g_ptr_array_add (p->photo_guids, g_strdup (ph->guid));
    }
  p->poll_question = _gpm_test_pod_is_blank (c->poll_question) ? NULL : g_strdup (c->poll_question);
  p->poll_answers = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; p->poll_question && c->poll_answers && i < c->poll_answers->len; i++)
    g_ptr_array_add (p->poll_answers, g_strdup (g_ptr_array_index (c->poll_answers, i)));
  /* diaspora builds a location only when an address is given
   * (app/services/status_message_creation_service.rb:41), splits the
   * coordinates at ',' (app/models/location.rb:4,14) and validates lat and
   * lng (app/models/location.rb:5): an invalid location is not saved, the post
   * is (has_one autosave), so a location without coordinates is dropped
   * without a word. */
  if (c->location_address && *c->location_address && c->location_coords)
    {
      g_auto(GStrv) ll = g_strsplit (c->location_coords, ",", -1);

      if (ll[0] != NULL && *g_strstrip (ll[0]) != '\0' && ll[1] != NULL && *g_strstrip (ll[1]) != '\0')
        {
          p->location_address = g_strdup (c->location_address);
          p->latitude = g_ascii_strtod (ll[0], NULL);
          p->longitude = g_ascii_strtod (ll[1], NULL);
        }
    }
  p->request_body = g_strdup (c->request_body);
  p->provider_display_name = g_strdup (c->provider);
  p->via_api = c->via_api;

  sp = g_new0 (StoredPost, 1);
  sp->post = p;
  sp->created_us = self->fixed_time_us ? self->fixed_time_us : g_get_real_time () + self->time_offset_us;
  /* posts.created_at is `t.datetime` without precision
   * (db/migrate/0000_create_schema.rb:413 at v0.9.1.0, a Migration[4.2]):
   * timestamp (microseconds) on PostgreSQL, DATETIME (whole seconds) on MySQL */
  if (self->mysql)
    sp->created_us -= sp->created_us % G_USEC_PER_SEC;
  g_ptr_array_add (self->posts, sp);
  *out = sp;
  return CREATE_OK;
}

/* PostService#destroy (app/services/post_service.rb:39-48) as used by
 * posts_controller.rb:59-65 (web, 204 for JSON) and
 * api/v1/posts_controller.rb:37-42 (204): the author's own post only
 * (Diaspora::NotMine → 403), a post that is not there → 404
 * (RecordNotFound; api/v1/posts_controller.rb:16-17). Its photos go with it
 * (status_message.rb:23, has_many :photos, dependent: :destroy). */
void
_gpm_test_pod_delete_post (GpmTestPod *self, SoupServerMessage *msg, User *u, const char *id_or_guid, gboolean api)
{
  StoredPost *sp = find_post_by_guid (self, id_or_guid);

  if (sp == NULL)
    {
      if (api)
        _gpm_test_pod_respond_api_error (msg, 404, "Post with provided guid could not be found");
      else
        _gpm_test_pod_respond (msg, 404, "text/html", "<html><body>The page you were looking for doesn't exist.</body></html>");
      return;
    }
  if (!g_str_equal (sp->post->author, u->username))
    {
      if (api)
        _gpm_test_pod_respond_api_error (msg, 403, "Not allowed to delete the post");
      else
        _gpm_test_pod_respond (msg, 403, "text/plain; charset=utf-8", "You are not allowed to do that");
      return;
    }
  for (guint i = 0; i < self->photos->len; i++)
    {
      GpmTestPodPhoto *ph = g_ptr_array_index (self->photos, i);

      if (g_strcmp0 (ph->post_guid, sp->post->guid) == 0)
        g_ptr_array_remove_index (self->photos, i--);
    }
  g_ptr_array_remove (self->posts, sp);
  soup_server_message_set_status (msg, 204, NULL);
}

/* lib/diaspora/camo.rb:16-34 (image_url), with url_eligible? (:36-41). */
static char *
camo_image_url (GpmTestPod *self, const char *url)
{
  g_autofree char *unescaped = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *digest = NULL;
  GString *hex;

  if (!(g_str_has_prefix (url, "http") || g_str_has_prefix (url, "//")) ||
      g_str_has_prefix (url, self->url) || g_str_has_prefix (url, self->camo_root))
    return g_strdup (url);
  /* Addressable::URI.encode(Addressable::URI.unencode(url)) */
  unescaped = g_uri_unescape_string (url, NULL);
  if (unescaped == NULL)
    return g_strdup (url);
  encoded = g_uri_escape_string (unescaped, "!$&'()*+,;=:@/?#[]~", TRUE);
  digest = g_compute_hmac_for_string (G_CHECKSUM_SHA1, (const guchar *) self->camo_key, strlen (self->camo_key),
                                      encoded, -1);
  hex = g_string_new (NULL);
  for (const char *c = encoded; *c; c++)
    g_string_append_printf (hex, "%02x", (guchar) *c);
  {
    g_autofree char *encoded_hex = g_string_free (hex, FALSE);

    return g_strdup_printf ("%s/%s/%s", self->camo_root, digest, encoded_hex);
  }
}

typedef struct {
  GpmTestPod *self;
  guint       group;   /* the URL's group in the pattern */
} CamoData;

static gboolean
camo_replace (const GMatchInfo *info, GString *out, gpointer user_data)
{
  CamoData *d = user_data;
  g_autofree char *all = g_match_info_fetch (info, 0);
  g_autofree char *url = g_match_info_fetch (info, d->group);
  g_autofree char *camo = camo_image_url (d->self, url);
  const char *at = *url ? strstr (all, url) : NULL;

  /* link.gsub($4, image_url($4)) */
  if (at == NULL)
    g_string_append (out, all);
  else
    {
      g_string_append_len (out, all, at - all);
      g_string_append (out, camo);
      g_string_append (out, at + strlen (url));
    }
  return FALSE;
}

/* The text as diaspora answers it: PostPresenter#build_text
 * (post_presenter.rb:105-111) → MessageRenderer#plain_text_for_json
 * (lib/diaspora/message_renderer.rb:189-195; 0.7: :185-191): normalize
 * (:20-22, RTL-wrapped hashtags made plain), then, with camo on, camo_urls
 * (:98-100 → lib/diaspora/camo.rb:6-14). */
static char *
text_for_json (GpmTestPod *self, const char *text)
{
  g_autoptr(GRegex) rtl = g_regex_new ("[\\x{202a}\\x{202b}]#[\\x{200e}\\x{200f}\\x{202d}\\x{202e}](\\S+)\\x{202c}",
                                       0, 0, NULL);
  char *out = g_regex_replace (rtl, text, -1, 0, "#\\1", 0, NULL);

  if (self->camo_root != NULL)
    {
      g_autoptr(GRegex) md = g_regex_new ("(!\\[(.*?)\\]\\s?\\([ \\t]*()<?(\\S+?)>?[ \\t]*((['\"])(.*?)\\6[ \\t]*)?\\))",
                                          G_REGEX_DOTALL, 0, NULL);
      g_autoptr(GRegex) src = g_regex_new ("src=(['\"])(.+?)\\1", G_REGEX_DOTALL, 0, NULL);
      CamoData md_data = { self, 4 };
      CamoData src_data = { self, 2 };
      char *step;

      step = g_regex_replace_eval (md, out, -1, 0, 0, camo_replace, &md_data, NULL);
      g_free (out);
      out = g_regex_replace_eval (src, step, -1, 0, 0, camo_replace, &src_data, NULL);
      g_free (step);
    }
  return out;
}

void
_gpm_test_pod_post_to_json (GpmTestPod *self, JsonBuilder *b, StoredPost *sp, gboolean api)
{
  GpmTestPodPost *p = sp->post;
  g_autofree char *text = text_for_json (self, p->text);
  g_autofree char *created = _gpm_test_pod_iso_time (sp->created_us);
  User *u = _gpm_test_pod_user_by_name (self, p->author);

  json_builder_begin_object (b);
  if (!api)
    {
      gpm_test_json_member_int (b, "id", p->id);
    }
  gpm_test_json_member_string (b, "guid", p->guid);
  gpm_test_json_member_string (b, api ? "body" : "text", text);
  gpm_test_json_member_boolean (b, "public", p->is_public);
  gpm_test_json_member_string (b, "created_at", created);
  gpm_test_json_member_string (b, "post_type", "StatusMessage");
  gpm_test_json_member_string_or_null (b, "provider_display_name", p->provider_display_name);
  gpm_test_json_member_begin_object (b, "author");
  gpm_test_json_member_string (b, "guid", u ? u->guid : "");
  gpm_test_json_member_string (b, "name", p->author);
  json_builder_end_object (b);
  /* post_presenter.rb:135-136 (build_photos_json) renders each photo with
   * photo_presenter.rb:21-35 as_api_json: dimensions and sizes, no id and
   * no guid (as_api_json(full=false)), on the web and the API alike. */
  gpm_test_json_member_begin_array (b, "photos");
  for (guint i = 0; i < p->photo_guids->len; i++)
    {
      g_autofree char *raw = g_strdup_printf ("%s/uploads/images/%s.jpg", self->url,
                                              (const char *) g_ptr_array_index (p->photo_guids, i));

      json_builder_begin_object (b);
      gpm_test_json_member_begin_object (b, "dimensions");
      gpm_test_json_member_int (b, "height", 1);
      gpm_test_json_member_int (b, "width", 1);
      json_builder_end_object (b);
      gpm_test_json_member_begin_object (b, "sizes");
      gpm_test_json_member_string (b, "raw", raw);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (p->poll_question)
    {
      gpm_test_json_member_begin_object (b, "poll");
      gpm_test_json_member_string (b, "question", p->poll_question);
      gpm_test_json_member_begin_array (b, "poll_answers");
      for (guint i = 0; i < p->poll_answers->len; i++)
        {
          json_builder_begin_object (b);
          gpm_test_json_member_string (b, "answer", g_ptr_array_index (p->poll_answers, i));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  if (p->location_address)
    {
      gpm_test_json_member_begin_object (b, "location");
      gpm_test_json_member_string (b, "address", p->location_address);
      gpm_test_json_member_double (b, "lat", p->latitude);
      gpm_test_json_member_double (b, "lng", p->longitude);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/* The answer to a post created, or accepted unsaved (text over the limit,
 * rendered with "id": null): the post's JSON in the API's or the web's
 * shape, with @status (each controller passes its own and cites it).
 * FALSE, with nothing answered, when the creation failed: the caller
 * answers with its controller's error. */
gboolean
_gpm_test_pod_respond_created (GpmTestPod *self, SoupServerMessage *msg, CreateResult result,
                               StoredPost *sp, const Creation *c, gboolean api, guint status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (result == CREATE_OK)
    _gpm_test_pod_post_to_json (self, b, sp, api);
  else if (result == CREATE_UNSAVED)
    _gpm_test_pod_unsaved_post_json (b, c->text, c->is_public, api);
  else
    return FALSE;
  _gpm_test_pod_respond_builder (msg, status, b);
  return TRUE;
}

/* An unsaved post as the presenter renders it: "id": null, no created_at. */
void
_gpm_test_pod_unsaved_post_json (JsonBuilder *b, const char *text, gboolean is_public, gboolean api)
{
  g_autofree char *guid = _gpm_test_pod_new_guid ();

  json_builder_begin_object (b);
  if (!api)
    {
      gpm_test_json_member_null (b, "id");
    }
  gpm_test_json_member_string (b, "guid", guid);
  gpm_test_json_member_string (b, api ? "body" : "text", text);
  gpm_test_json_member_boolean (b, "public", is_public);
  if (!api)
    {
      gpm_test_json_member_null (b, "created_at");
    }
  json_builder_end_object (b);
}

static gint
compare_newest_first (gconstpointer a, gconstpointer b)
{
  const StoredPost *x = *(StoredPost * const *) a;
  const StoredPost *y = *(StoredPost * const *) b;

  return x->created_us < y->created_us ? 1 : (x->created_us > y->created_us ? -1 : 0);
}

/* Posts of @author visible to @viewer, newest first. */
GPtrArray *
_gpm_test_pod_posts_of (GpmTestPod *self, User *author, User *viewer)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->posts->len; i++)
    {
      StoredPost *sp = g_ptr_array_index (self->posts, i);

      if (g_str_equal (sp->post->author, author->username) && (sp->post->is_public || author == viewer))
        g_ptr_array_add (out, sp);
    }
  g_ptr_array_sort (out, compare_newest_first);
  return out;
}
