/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-index.c: a post read for the index (gpm_post_new_from_bytes()):
 * one validating scan of its JSON (gpm-json-scan) hands out the spans of its
 * members; the ACL, dates, content, counts, attachment kinds, its media
 * items and the names of others' media, and the search parts are taken
 * from them, no tree built. */
#define G_LOG_DOMAIN "gpm-post"

#include "config.h"

#include "gpm-json-scan.h"
#include "gpm-post-private.h"

#include <glib/gi18n.h>

#include <string.h>

/* "2018-07-15 20:43:51+0000" (also accepts ISO 8601 "T" forms). */
static GDateTime *
parse_time (const char *s)
{
  g_autofree char *iso = NULL;
  gsize len;

  if (s == NULL || *s == '\0')
    return NULL;

  /* Takeout's own form, "2018-07-15 20:43:51+0000", read directly: GLib's
   * ISO 8601 reader makes a time zone from the text each time. */
  if (strlen (s) == 24 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' &&
      s[16] == ':' && strcmp (s + 19, "+0000") == 0)
    {
      static const int digits[] = { 0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18 };
      static GTimeZone *plus_zero;  /* the zone GLib's reader makes of "+00:00" */
      int v[G_N_ELEMENTS (digits)];

      if (g_once_init_enter (&plus_zero))
        g_once_init_leave (&plus_zero, g_time_zone_new_identifier ("+00:00"));
      for (gsize i = 0; i < G_N_ELEMENTS (digits); i++)
        {
          if (!g_ascii_isdigit (s[digits[i]]))
            goto general;
          v[i] = s[digits[i]] - '0';
        }
      return g_date_time_new (plus_zero,
                              v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3],
                              v[4] * 10 + v[5], v[6] * 10 + v[7],
                              v[8] * 10 + v[9], v[10] * 10 + v[11],
                              v[12] * 10 + v[13]);
    }

general:
  iso = g_strdup (s);
  if (strlen (iso) > 10 && iso[10] == ' ')
    iso[10] = 'T';
  len = strlen (iso);
  /* GLib wants "+00:00" or "+0000"? It accepts both ±hh:mm and ±hhmm. */
  if (len >= 5 && (iso[len - 5] == '+' || iso[len - 5] == '-'))
    {
      g_autofree char *fixed = g_strdup_printf ("%.*s%.3s:%s", (int) (len - 5), iso,
                                                iso + len - 5, iso + len - 2);
      return g_date_time_new_from_iso8601 (fixed, NULL);
    }
  return g_date_time_new_from_iso8601 (iso, NULL);
}

void
gpm_post_set_times (GpmPost *self, const char *created, const char *updated)
{
  self->creation_time = parse_time (created);
  if (created && !self->creation_time)
    gpm_post_add_warning (self, g_strdup_printf ("unreadable creationTime \"%s\"", created));
  {
    g_autoptr(GDateTime) update = parse_time (updated);
    /* Kept as a number: no one asks for it but the preview. */
    if (update != NULL)
      {
        self->update_unix = g_date_time_to_unix (update);  /* Takeout writes whole seconds */
        self->flags |= POST_HAS_UPDATE_TIME;
      }
  }
}

/* The top-level members indexing needs, as spans of the raw text (last one wins). */
typedef struct {
  GpmJsonMember acl, created, updated, url, resource_name, content, author;
  GpmJsonMember media, album, comments, reshared, link;
  guint n_comments, n_plus_ones, n_reshares;
  GpmPostAttachments attachments;
} Members;

static void
on_member (const GpmJsonMember *m,
           gpointer             user_data)
{
  Members *out = user_data;
  const char *k = m->key;

#define TAKE(name, field) if (strcmp (k, name) == 0) { out->field = *m; out->field.key = NULL; return; }
  TAKE ("postAcl", acl)
  TAKE ("creationTime", created)
  TAKE ("updateTime", updated)
  TAKE ("url", url)
  TAKE ("resourceName", resource_name)
  TAKE ("content", content)
  TAKE ("author", author)
#undef TAKE
  /* Kept for the media file names (see collect_media_files), then counted below. */
  if (strcmp (k, "media") == 0)
    out->media = *m;
  else if (strcmp (k, "album") == 0)
    out->album = *m;
  else if (strcmp (k, "comments") == 0)
    out->comments = *m;
  else if (strcmp (k, "resharedPost") == 0)
    out->reshared = *m;
  else if (strcmp (k, "link") == 0)
    out->link = *m;
#define KIND(name, flag) if (strcmp (k, name) == 0) { \
    if (m->type == '{') out->attachments |= flag; else out->attachments &= ~flag; return; }
  KIND ("media", GPM_POST_HAS_MEDIA)
  KIND ("album", GPM_POST_HAS_ALBUM)
  KIND ("link", GPM_POST_HAS_LINK)
  KIND ("resharedPost", GPM_POST_HAS_RESHARE)
  KIND ("poll", GPM_POST_HAS_POLL)
  KIND ("location", GPM_POST_HAS_LOCATION)
#undef KIND
#define COUNT(name, field) if (strcmp (k, name) == 0) { out->field = m->type == '[' ? m->n_elements : 0; return; }
  COUNT ("comments", n_comments)
  COUNT ("plusOnes", n_plus_ones)
  COUNT ("reshares", n_reshares)
#undef COUNT
}

static char *
member_string (const GpmJsonMember *m)
{
  return m->type == '"' ? gpm_json_decode_string (m->value, m->value_len) : NULL;
}

/* The media file names in a post's JSON, read from the scanned spans
 * without building them: what the takeout needs to know to never take one
 * person's photo for another's (gpm_takeout_add_media_reference). */
static void
add_local_file_path (const GpmJsonMember *media,
                     gpointer             user_data)
{
  static const char * const keys[] = { "localFilePath", "url", NULL };
  GpmJsonMember v[2];
  guint32 found;

  if (media->type != '{')
    return;
  found = gpm_json_span_get_members (media, keys, v);
  /* localFilePath, else the url (whose last segment names the file) */
  for (guint i = 0; i < 2; i++)
    if ((found & (1u << i)) && v[i].type == '"')
      {
        char *name = gpm_json_decode_string_lenient (v[i].value, v[i].value_len);
        if (name != NULL && *name != '\0')
          {
            g_ptr_array_add (user_data, name);
            return;
          }
        g_free (name);
      }
}

/* The post author's own comments with text (gpm_comments_parse_own():
 * the comment's author.resourceName is the post's; one without text is
 * left out when converted), compared as the raw JSON strings. */
typedef struct {
  GpmJsonMember owner;
  guint         n;
} OwnCount;

static void
count_own_comment (const GpmJsonMember *comment,
                   gpointer             user_data)
{
  static const char * const keys[] = { "author", "content", NULL };
  static const char * const author_keys[] = { "resourceName", NULL };
  OwnCount *count = user_data;
  GpmJsonMember v[2], id[1];

  if (comment->type != '{' || (gpm_json_span_get_members (comment, keys, v) & 3) != 3 ||
      v[0].type != '{' || v[1].type != '"' || v[1].value_len <= 2)
    return;
  if ((gpm_json_span_get_members (&v[0], author_keys, id) & 1) && id[0].type == '"' &&
      id[0].value_len == count->owner.value_len && memcmp (id[0].value, count->owner.value, id[0].value_len) == 0)
    count->n++;
}

/* The "media" and "album.media[]" of a post, a reshared post or a comment. */
static void
add_attachment_files (const GpmJsonMember *object,
                      gpointer             user_data)
{
  static const char * const keys[] = { "media", "album", NULL };
  static const char * const album_keys[] = { "media", NULL };
  GpmJsonMember v[2], items[1];
  guint32 found;

  if (object->type != '{')
    return;
  found = gpm_json_span_get_members (object, keys, v);
  if (found & 1)
    add_local_file_path (&v[0], user_data);
  if ((found & 2) && v[1].type == '{' &&
      (gpm_json_span_get_members (&v[1], album_keys, items) & 1) && items[0].type == '[')
    gpm_json_span_foreach_element (&items[0], add_local_file_path, user_data);
}

static gboolean
span_mentions_files (const GpmJsonMember *m)
{
  return m->value_len > 0 && memmem (m->value, m->value_len, "\"media\"", 7) != NULL;
}

static char **
strv_from_array (GPtrArray *names)
{
  if (names->len == 0)
    {
      g_ptr_array_free (names, TRUE);
      return NULL;
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

/* One of the post's own media items, as the import's photo check and the
 * list need it, read from the scanned span (no tree, no second read). */
static void
add_media_ref (const GpmJsonMember *media,
               gpointer             user_data)
{
  static const char * const keys[] = { "localFilePath", "url", "contentType", NULL };
  GpmJsonMember v[3];
  GpmPostMediaRef ref = { 0 };
  guint32 found;

  if (media->type != '{')
    return;
  found = gpm_json_span_get_members (media, keys, v);
  if ((found & 1) && v[0].type == '"')
    ref.local_file_path = gpm_json_decode_string_lenient (v[0].value, v[0].value_len);
  if ((found & 2) && v[1].type == '"')
    ref.url = gpm_json_decode_string_lenient (v[1].value, v[1].value_len);
  if ((found & 4) && v[2].type == '"')
    ref.video = v[2].value_len >= 7 && memcmp (v[2].value, "\"video/", 7) == 0;  /* (the span has the quotes) */
  g_array_append_val (user_data, ref);
}

/* The refs and the names of their files in one block (PostMedia): one
 * allocation a post instead of three and one a string. NULL without refs. */
static PostMedia *
media_block (GArray    *refs,
             GPtrArray *own)
{
  gsize head = sizeof (PostMedia) + refs->len * sizeof (GpmPostMediaRef);
  gsize files = own->len > 0 ? (own->len + 1) * sizeof (char *) : 0;
  gsize chars = 0;
  PostMedia *media;
  char *p;

  if (refs->len == 0)
    return NULL;
  for (guint i = 0; i < refs->len; i++)
    {
      const GpmPostMediaRef *ref = &g_array_index (refs, GpmPostMediaRef, i);
      chars += (ref->local_file_path ? strlen (ref->local_file_path) + 1 : 0) +
               (ref->url ? strlen (ref->url) + 1 : 0);
    }
  media = g_malloc (head + files + chars);
  media->n_refs = refs->len;
  media->own_files = own->len > 0 ? (char **) ((char *) media + head) : NULL;
  p = (char *) media + head + files;
  for (guint i = 0, k = 0; i < refs->len; i++)
    {
      const GpmPostMediaRef *ref = &g_array_index (refs, GpmPostMediaRef, i);
      GpmPostMediaRef *out = &media->refs[i];

      out->video = ref->video;
      out->local_file_path = out->url = NULL;
      if (ref->local_file_path != NULL)
        {
          out->local_file_path = memcpy (p, ref->local_file_path, strlen (ref->local_file_path) + 1);
          p += strlen (p) + 1;
        }
      if (ref->url != NULL)
        {
          out->url = memcpy (p, ref->url, strlen (ref->url) + 1);
          p += strlen (p) + 1;
        }
      /* own[] holds the refs' own strings, in the refs' order */
      if (k < own->len && own->pdata[k] == ref->local_file_path)
        media->own_files[k++] = out->local_file_path;
      else if (k < own->len && own->pdata[k] == ref->url)
        media->own_files[k++] = out->url;
    }
  if (media->own_files != NULL)
    media->own_files[own->len] = NULL;
  return media;
}

static void
collect_media_files (GpmPost       *self,
                     const Members *m)
{
  GArray *refs = g_array_new (FALSE, TRUE, sizeof (GpmPostMediaRef));
  GPtrArray *own = g_ptr_array_new ();
  GPtrArray *others = g_ptr_array_new ();

  /* The album's items, then the single media, as the photo check reads them. */
  if (m->album.type == '{')
    {
      static const char * const keys[] = { "media", NULL };
      GpmJsonMember items[1];
      if ((gpm_json_span_get_members (&m->album, keys, items) & 1) && items[0].type == '[')
        gpm_json_span_foreach_element (&items[0], add_media_ref, refs);
    }
  if (m->media.type == '{')
    {
      add_media_ref (&m->media, refs);
      if (refs->len > 0 && g_array_index (refs, GpmPostMediaRef, refs->len - 1).video)
        self->attachments |= GPM_POST_MEDIA_IS_VIDEO;
    }
  for (guint i = 0; i < refs->len; i++)
    {
      /* localFilePath, else the url (whose last segment names the file) */
      GpmPostMediaRef *ref = &g_array_index (refs, GpmPostMediaRef, i);
      if (ref->local_file_path != NULL && *ref->local_file_path != '\0')
        g_ptr_array_add (own, ref->local_file_path);
      else if (ref->url != NULL && *ref->url != '\0')
        g_ptr_array_add (own, ref->url);
    }
  /* Comments are most of a post's bytes: walked only when they have media. */
  if (m->comments.type == '[' && span_mentions_files (&m->comments))
    gpm_json_span_foreach_element (&m->comments, add_attachment_files, others);
  if (m->reshared.type == '{' && span_mentions_files (&m->reshared))
    add_attachment_files (&m->reshared, others);

  self->media = media_block (refs, own);
  for (guint i = 0; i < refs->len; i++)
    {
      g_free (g_array_index (refs, GpmPostMediaRef, i).local_file_path);
      g_free (g_array_index (refs, GpmPostMediaRef, i).url);
    }
  g_array_free (refs, TRUE);
  g_ptr_array_free (own, TRUE);
  if (others->len > 0)
    gpm_post_rare (self)->others_media_files = strv_from_array (others);
  else
    g_ptr_array_free (others, TRUE);
}

/* What search needs besides the content, so it never reads the post again:
 * the link's title and url, the reshared post's content. */
static void
collect_search_parts (const Members *m,
                      char          *parts[3])
{
  static const char * const link_keys[] = { "title", "url", NULL };
  static const char * const reshare_keys[] = { "content", NULL };
  GpmJsonMember v[2];

  if (m->link.type == '{')
    {
      guint32 found = gpm_json_span_get_members (&m->link, link_keys, v);
      for (guint i = 0; i < 2; i++)
        if ((found & (1u << i)) && v[i].type == '"')
          parts[i] = gpm_json_decode_string_lenient (v[i].value, v[i].value_len);
    }
  if (m->reshared.type == '{' &&
      (gpm_json_span_get_members (&m->reshared, reshare_keys, v) & 1) && v[0].type == '"')
    parts[2] = gpm_json_decode_string_lenient (v[0].value, v[0].value_len);
}

GpmPost *
gpm_post_new_indexed (const char  *entry_name,
                      GBytes      *bytes,
                      gboolean     without_acl,
                      GError     **error)
{
  g_autoptr(GpmPost) self = NULL;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *url = NULL;
  g_autofree char *resource_name = NULL;
  g_autofree char *content = NULL;
  char *search[3] = { NULL, NULL, NULL };
  Members m = { 0 };
  guint line = 0, column = 0;
  const char *what = NULL;
  const char *bad_utf8 = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (length == 0)
    {
      g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_EMPTY, _("the file is empty"));
      return NULL;
    }
  /* The scan checks the strings are UTF-8 on its way: no separate pass. */
  switch (gpm_json_scan_object (data, length, on_member, &m, &line, &column, &what))
    {
    case GPM_JSON_SCAN_SYNTAX:
      if (!g_utf8_validate_len (data, length, &bad_utf8))
        {
          g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_SYNTAX,
                       _("the file is damaged (not text at byte %lu)"),
                       (unsigned long) (bad_utf8 - data));
          return NULL;
        }
      g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_SYNTAX,
                   _("the file is damaged or cut short (line %u, column %u: %s)"),
                   line, column, _(what));
      return NULL;
    case GPM_JSON_SCAN_NOT_OBJECT:
      g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_NOT_A_POST, _("the file is not a Google+ post"));
      return NULL;
    case GPM_JSON_SCAN_OK:
    default:
      break;
    }

  self = g_object_new (GPM_TYPE_POST, NULL);
  self->entry_name = g_strdup (entry_name);
  url = member_string (&m.url);
  resource_name = member_string (&m.resource_name);
  created = member_string (&m.created);

  if (m.acl.type != '{')
    {
      /* A post that lost its ACL still has a creation time and a post resource name. */
      if (created && ((resource_name && strstr (resource_name, "/posts/")) ||
                      (url && strstr (url, "/posts/"))))
        {
          if (!without_acl)
            {
              g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_NO_ACL,
                           _("the archive does not say who the post was shared with"));
              return NULL;
            }
          gpm_post_add_warning (self,
                                g_strdup (_("the archive does not say who the post was shared with, so it is never posted")));
        }
      else
        {
          g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_NOT_A_POST, _("the file is not a Google+ post"));
          return NULL;
        }
    }

  if (m.content.type == '"')
    {
      content = member_string (&m.content);
      if (content == NULL)
        {
          /* An escaped NUL or a lone surrogate (Python reads both): the
           * text is kept, those characters become U+FFFD, and it is said. */
          content = gpm_json_decode_string_lenient (m.content.value, m.content.value_len);
          if (content != NULL)
            gpm_post_add_warning (self,
                                      g_strdup (_("the post's text has characters that are not text (a NUL or half of a UTF-16 pair): each is replaced by “�”")));
        }
    }
  updated = member_string (&m.updated);
  gpm_post_set_times (self, created, updated);
  self->n_comments = m.n_comments;
  self->n_plus_ones = m.n_plus_ones;
  self->n_reshares = m.n_reshares;
  self->attachments = (guint8) m.attachments;

  if (m.acl.type == '{')
    {
      g_autoptr(GPtrArray) acl_warnings = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_unref (self->scopes);
      GpmAclPublic is_public = GPM_ACL_PUBLIC_ABSENT;

      self->scopes = gpm_scope_parse_acl_full (m.acl.value, m.acl.value_len, acl_warnings, &is_public);
      /* two bits of the flags: no post grows for it */
      if (is_public != GPM_ACL_PUBLIC_ABSENT)
        self->flags |= POST_ACL_PUBLIC_KNOWN | (is_public == GPM_ACL_PUBLIC_TRUE ? POST_ACL_PUBLIC : 0);
      for (guint i = 0; i < acl_warnings->len; i++)
        gpm_post_add_warning (self,
                                  g_strdup_printf (_("read, but who it was shared with is partly unknown: %s"),
                                                   (const char *) g_ptr_array_index (acl_warnings, i)));
    }

  collect_media_files (self, &m);
  collect_search_parts (&m, search);
  {
    /* An empty content is "" to every caller: it is left out. */
    const char *texts[POST_N_TEXTS] = { url, resource_name, content && *content ? content : NULL,
                                        search[0], search[1], search[2] };
    /* The url says what the resource name says (at 100,000 posts, 7 MB):
     * kept once unless it says more (a "+name"). */
    if (url != NULL && resource_name != NULL && g_str_has_prefix (resource_name, "users/") &&
        g_str_has_prefix (url, POST_URL_HOST) &&
        strcmp (url + strlen (POST_URL_HOST), resource_name + strlen ("users/")) == 0)
      texts[0] = NULL;
    gpm_post_set_texts (self, texts);
    if (texts[0] == NULL && url != NULL)
      self->flags |= POST_URL_FROM_RESOURCE;
    for (guint i = 0; i < G_N_ELEMENTS (search); i++)
      g_free (search[i]);
  }
  self->raw = g_bytes_ref (bytes);
  if (m.author.type == '{' && m.comments.type == '[' && m.n_comments > 0)
    {
      static const char * const keys[] = { "resourceName", NULL };
      GpmJsonMember v[1];

      if ((gpm_json_span_get_members (&m.author, keys, v) & 1) && v[0].type == '"' && v[0].value_len > 2)
        {
          OwnCount count = { v[0], 0 };

          gpm_json_span_foreach_element (&m.comments, count_own_comment, &count);
          self->n_own_comments = count.n;
        }
    }
  if (m.author.type == '{')
    {
      /* Read as the full parse would: the last "resourceName", if a string */
      static const char * const keys[] = { "resourceName", NULL };
      GpmJsonMember v[1];

      if ((gpm_json_span_get_members (&m.author, keys, v) & 1) && v[0].type == '"')
        {
          g_autofree char *id = gpm_json_decode_string_lenient (v[0].value, v[0].value_len);
          self->author_id = id ? g_intern_string (id) : NULL;
        }
    }
  return g_steal_pointer (&self);
}
