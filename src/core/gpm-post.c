/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-post"

#include "config.h"

#include "gpm-post.h"
#include "gpm-json-scan.h"
#include "gpm-takeout.h"
#include "gpm-util.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

/* What the full parse reads: apart, so the 100,000 posts never read carry
 * one pointer for it. */
typedef struct {
  GpmPerson   *author;
  GpmLink     *link;
  GpmMedia    *media;
  GPtrArray   *album;      /* GpmMedia*, or NULL */
  GpmPost     *reshared;
  GpmLocation *location;
  GpmPoll     *poll;
} PostFull;

struct _GpmPost
{
  GObject parent_instance;

  char        *entry_name;   /* owned unless @entry_name_borrowed */
  char        *url;
  char        *resource_name;
  char        *content;
  const char  *author_id;  /* interned: a takeout has one author, or a few */
  GDateTime   *creation_time;
  GDateTime   *update_time;  /* made from @update_unix on first use (under @full_lock) */
  gint64       update_unix;    /* seconds */
  gboolean     has_update_time;
  gboolean     entry_name_borrowed;  /* the takeout's entry name (gpm_post_set_source) */
  gboolean     from_file;            /* read again from the file @entry_name names */
  PostFull    *full;       /* the attachments, NULL until read (ensure_full) */
  GPtrArray   *scopes;     /* GpmScope* */
  GPtrArray   *warnings;   /* char*, NULL until the first (add_warning) */
  guint        n_comments;
  guint        n_plus_ones;
  guint        n_reshares;
  GpmPostAttachments attachments;
  GpmPostMediaRef *media_refs;      /* the post's own media and album items, or NULL */
  guint        n_media_refs;
  char       **own_media_files;    /* localFilePaths of the post's media and album (pointers into
                                    * @media_refs, not owned), or NULL */
  char       **others_media_files; /* of the comments' and the reshared post's media, or NULL */
  char        *search_extra;       /* link title, link url, reshared content: NUL-separated */
  guint8       search_parts;       /* which of the three are there (bits 0, 1, 2) */

  /* The index fields above are read when the post is created; the rest
   * (author, link, media, album, reshare, location, poll) the first time
   * someone asks, under @full_lock: from @raw while the post has it, else
   * from @raw_z (the JSON deflated, for a .tgz) or read again from @source. */
  GMutex       full_lock;
  gboolean     full_loaded;
  GBytes      *raw;
  GpmTakeout  *source;
  guint8      *raw_z;
  guint32      raw_z_len;
  guint32      raw_len;
};

G_DEFINE_FINAL_TYPE (GpmPost, gpm_post, G_TYPE_OBJECT)

G_DEFINE_QUARK (gpm-post-error-quark, gpm_post_error)

static void
person_free (GpmPerson *p)
{
  if (!p)
    return;
  g_free (p->display_name);
  g_free (p->resource_name);
  g_free (p->profile_url);
  g_free (p->avatar_url);
  g_free (p);
}

static void
link_free (GpmLink *l)
{
  if (!l)
    return;
  g_free (l->title);
  g_free (l->url);
  g_free (l->image_url);
  g_free (l);
}

static void
media_free (GpmMedia *m)
{
  if (!m)
    return;
  g_free (m->url);
  g_free (m->content_type);
  g_free (m->description);
  g_free (m->resource_name);
  g_free (m->local_file_path);
  g_free (m);
}

static void
location_free (GpmLocation *l)
{
  if (!l)
    return;
  g_free (l->display_name);
  g_free (l->physical_address);
  g_free (l);
}

static void
poll_choice_free (GpmPollChoice *c)
{
  g_free (c->description);
  g_free (c->image_url);
  g_free (c->image_local_file_path);
  g_free (c->resource_name);
  g_free (c);
}

static void
poll_free (GpmPoll *p)
{
  if (!p)
    return;
  g_clear_pointer (&p->choices, g_ptr_array_unref);
  g_free (p->image_url);
  g_free (p->image_local_file_path);
  g_free (p);
}

static void
gpm_post_finalize (GObject *object)
{
  GpmPost *self = GPM_POST (object);

  if (!self->entry_name_borrowed)
    g_free (self->entry_name);
  g_free (self->url);
  g_free (self->resource_name);
  g_free (self->content);
  g_clear_pointer (&self->creation_time, g_date_time_unref);
  g_clear_pointer (&self->update_time, g_date_time_unref);
  if (self->full != NULL)
    {
      person_free (self->full->author);
      link_free (self->full->link);
      media_free (self->full->media);
      g_clear_pointer (&self->full->album, g_ptr_array_unref);
      g_clear_object (&self->full->reshared);
      location_free (self->full->location);
      poll_free (self->full->poll);
      g_free (self->full);
    }
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_clear_object (&self->source);
  g_free (self->raw_z);
  for (guint i = 0; i < self->n_media_refs; i++)
    {
      g_free (self->media_refs[i].local_file_path);
      g_free (self->media_refs[i].url);
    }
  g_free (self->media_refs);
  g_free (self->own_media_files);
  g_free (self->search_extra);
  g_strfreev (self->others_media_files);
  g_mutex_clear (&self->full_lock);

  G_OBJECT_CLASS (gpm_post_parent_class)->finalize (object);
}

static void
gpm_post_class_init (GpmPostClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gpm_post_finalize;
}

static void
gpm_post_init (GpmPost *self)
{
  self->content = g_strdup ("");
  self->scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_scope_unref);
  g_mutex_init (&self->full_lock);
}

/* Takes @warning. Most posts have none: the array is made for the first. */
static void
add_warning (GpmPost *self,
             char    *warning)
{
  if (self->warnings == NULL)
    self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, warning);
}

/* Lenient accessors: a wrong type is treated as absent. */
static char *
str_member (JsonObject *obj, const char *name)
{
  return g_strdup (gpm_json_get_string (obj, name, NULL));
}

static gboolean
num_member (JsonObject *obj, const char *name, double *out)
{
  JsonNode *n = obj ? json_object_get_member (obj, name) : NULL;
  GType t;
  if (!n || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  t = json_node_get_value_type (n);
  if (t == G_TYPE_INT64)
    *out = (double) json_node_get_int (n);
  else if (t == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else
    return FALSE;
  return TRUE;
}

static int
int_member (JsonObject *obj, const char *name)
{
  double d = 0;
  return num_member (obj, name, &d) ? (int) CLAMP (d, G_MININT, G_MAXINT) : 0;
}

static guint
array_len (JsonObject *obj, const char *name)
{
  JsonArray *a = gpm_json_get_array (obj, name);
  return a ? json_array_get_length (a) : 0;
}

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

static GpmPerson *
parse_person (JsonObject *obj)
{
  GpmPerson *p;
  if (!obj)
    return NULL;
  p = g_new0 (GpmPerson, 1);
  p->display_name = str_member (obj, "displayName");
  p->resource_name = str_member (obj, "resourceName");
  p->profile_url = str_member (obj, "profilePageUrl");
  p->avatar_url = str_member (obj, "avatarImageUrl");
  return p;
}

static GpmMedia *
parse_media (JsonObject *obj)
{
  GpmMedia *m;
  if (!obj)
    return NULL;
  m = g_new0 (GpmMedia, 1);
  m->url = str_member (obj, "url");
  m->content_type = str_member (obj, "contentType");
  m->description = str_member (obj, "description");
  m->resource_name = str_member (obj, "resourceName");
  m->local_file_path = str_member (obj, "localFilePath");
  m->width = int_member (obj, "width");
  m->height = int_member (obj, "height");
  return m;
}

static GpmPoll *
parse_poll (JsonObject *obj)
{
  GpmPoll *p;
  JsonArray *choices;
  if (!obj)
    return NULL;
  p = g_new0 (GpmPoll, 1);
  p->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) poll_choice_free);
  p->image_url = str_member (obj, "imageUrl");
  p->image_local_file_path = str_member (obj, "imageLocalFilePath");
  p->total_votes = int_member (obj, "totalVotes");
  choices = gpm_json_get_array (obj, "choices");
  for (guint i = 0; choices && i < json_array_get_length (choices); i++)
    {
      JsonObject *c = gpm_json_array_get_object (choices, i);
      GpmPollChoice *choice;
      if (c == NULL)
        continue;
      choice = g_new0 (GpmPollChoice, 1);
      choice->description = str_member (c, "description");
      choice->image_url = str_member (c, "imageUrl");
      choice->image_local_file_path = str_member (c, "imageLocalFilePath");
      choice->resource_name = str_member (c, "resourceName");
      choice->vote_count = int_member (c, "voteCount");
      g_ptr_array_add (p->choices, choice);
    }
  return p;
}

static GpmPostAttachments
attachments_of_object (JsonObject *root)
{
  GpmPostAttachments kinds = 0;
  if (gpm_json_get_object (root, "media"))
    kinds |= GPM_POST_HAS_MEDIA;
  if (gpm_json_get_object (root, "album"))
    kinds |= GPM_POST_HAS_ALBUM;
  if (gpm_json_get_object (root, "link"))
    kinds |= GPM_POST_HAS_LINK;
  if (gpm_json_get_object (root, "resharedPost"))
    kinds |= GPM_POST_HAS_RESHARE;
  if (gpm_json_get_object (root, "poll"))
    kinds |= GPM_POST_HAS_POLL;
  if (gpm_json_get_object (root, "location"))
    kinds |= GPM_POST_HAS_LOCATION;
  return kinds;
}

static void
set_times (GpmPost *self, const char *created, const char *updated)
{
  self->creation_time = parse_time (created);
  if (created && !self->creation_time)
    add_warning (self, g_strdup_printf ("unreadable creationTime \"%s\"", created));
  {
    g_autoptr(GDateTime) update = parse_time (updated);
    /* Kept as a number: no one asks for it but the preview. */
    if (update != NULL)
      {
        self->update_unix = g_date_time_to_unix (update);  /* Takeout writes whole seconds */
        self->has_update_time = TRUE;
      }
  }
}

static void fill_full (GpmPost *self, JsonObject *root);

/* Everything from a parsed tree: used for reshared posts, which arrive as
 * part of their resharer's full parse. */
static void
fill_from_object (GpmPost    *self,
                  JsonObject *root)
{
  g_autofree char *created = str_member (root, "creationTime");
  g_autofree char *updated = str_member (root, "updateTime");
  char *content;

  self->url = str_member (root, "url");
  self->resource_name = str_member (root, "resourceName");
  content = str_member (root, "content");
  if (content)
    {
      g_free (self->content);
      self->content = content;
    }
  set_times (self, created, updated);
  self->n_comments = array_len (root, "comments");
  self->n_plus_ones = array_len (root, "plusOnes");
  self->n_reshares = array_len (root, "reshares");
  self->attachments = attachments_of_object (root);
  fill_full (self, root);
  self->full_loaded = TRUE;
}

static void
fill_full (GpmPost    *self,
           JsonObject *root)
{
  JsonObject *o;

  self->full = g_new0 (PostFull, 1);

  self->full->author = parse_person (gpm_json_get_object (root, "author"));
  if ((o = gpm_json_get_object (root, "link")))
    {
      self->full->link = g_new0 (GpmLink, 1);
      self->full->link->title = str_member (o, "title");
      self->full->link->url = str_member (o, "url");
      self->full->link->image_url = str_member (o, "imageUrl");
    }
  self->full->media = parse_media (gpm_json_get_object (root, "media"));
  if ((o = gpm_json_get_object (root, "album")))
    {
      JsonArray *items = gpm_json_get_array (o, "media");
      self->full->album = g_ptr_array_new_with_free_func ((GDestroyNotify) media_free);
      for (guint i = 0; items && i < json_array_get_length (items); i++)
        {
          JsonObject *item = gpm_json_array_get_object (items, i);
          if (item != NULL)
            g_ptr_array_add (self->full->album, parse_media (item));
        }
    }
  if ((o = gpm_json_get_object (root, "location")))
    {
      double lat, lon;
      self->full->location = g_new0 (GpmLocation, 1);
      self->full->location->display_name = str_member (o, "displayName");
      self->full->location->physical_address = str_member (o, "physicalAddress");
      /* A number too large for a double reads as infinity: such a place, or
       * one off the globe, is kept by its name only (the pod and JSON take
       * finite coordinates). */
      if (num_member (o, "latitude", &lat) && num_member (o, "longitude", &lon) &&
          isfinite (lat) && isfinite (lon) && fabs (lat) <= 90 && fabs (lon) <= 180)
        {
          self->full->location->latitude = lat;
          self->full->location->longitude = lon;
          self->full->location->has_coordinates = TRUE;
        }
    }
  self->full->poll = parse_poll (gpm_json_get_object (root, "poll"));

  if ((o = gpm_json_get_object (root, "resharedPost")))
    {
      self->full->reshared = g_object_new (GPM_TYPE_POST, NULL);
      self->full->reshared->entry_name = g_strdup (self->entry_name);
      fill_from_object (self->full->reshared, o);
    }
}

/* The top-level members fill_full() reads, as spans of the raw text (the
 * last of equal names wins, as in a parsed tree). Everything else, the
 * comments and +1s above all, is only scanned, never built. */
static const char * const full_keys[] = {
  "author", "link", "media", "album", "location", "poll", "resharedPost",
};

typedef struct {
  GpmJsonMember member[G_N_ELEMENTS (full_keys)];
  gboolean      found[G_N_ELEMENTS (full_keys)];
} FullMembers;

static void
on_full_member (const GpmJsonMember *m,
                gpointer             user_data)
{
  FullMembers *out = user_data;

  for (gsize i = 0; i < G_N_ELEMENTS (full_keys); i++)
    if (strcmp (m->key, full_keys[i]) == 0)
      {
        out->member[i] = *m;
        out->member[i].key = full_keys[i];
        out->found[i] = TRUE;
        return;
      }
}

/* A tree of just the members fill_full() needs; NULL with @what on a syntax error. */
static JsonObject *
parse_full_members (GBytes      *raw,
                    const char **what)
{
  g_autoptr(JsonObject) root = json_object_new ();
  FullMembers found = { 0 };
  gsize len = 0;
  const char *data = g_bytes_get_data (raw, &len);

  if (gpm_json_scan_object (data, len, on_full_member, &found, NULL, NULL, what) != GPM_JSON_SCAN_OK)
    {
      if (*what == NULL)
        *what = "not an object";
      return NULL;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (full_keys); i++)
    if (found.found[i])
      {
        JsonNode *node = gpm_json_parse (found.member[i].value, found.member[i].value_len, NULL, NULL, what);
        if (node == NULL)
          return NULL;
        json_object_set_member (root, full_keys[i], node);
      }
  return g_steal_pointer (&root);
}

/* The post's JSON again: kept, deflated, or read from the takeout. */
static GBytes *
load_raw (GpmPost     *self,
          GError     **error)
{
  if (self->raw != NULL)
    return g_bytes_ref (self->raw);
  if (self->raw_z != NULL)
    {
      g_autoptr(GConverter) inflater = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
      char *out = g_malloc ((gsize) self->raw_len + 1);
      gsize n_read = 0, n_written = 0;

      if (g_converter_convert (inflater, self->raw_z, self->raw_z_len, out, self->raw_len + 1,
                               G_CONVERTER_INPUT_AT_END, &n_read, &n_written, error) != G_CONVERTER_FINISHED ||
          n_written != self->raw_len)
        {
          g_free (out);
          if (error && *error == NULL)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "damaged in memory");
          return NULL;
        }
      out[n_written] = '\0';
      return g_bytes_new_take (out, n_written);
    }
  if (self->source != NULL)
    return gpm_takeout_read_entry (self->source, self->entry_name, 0, NULL, error);
  if (self->from_file)
    {
      char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (self->entry_name, &data, &len, error))
        return NULL;
      return g_bytes_new_take (data, len);
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no longer in memory");
  return NULL;
}

/* Reads the attachments on first use. Thread-safe; cheap once done. */
static GpmPost *
ensure_full (GpmPost *self)
{
  g_mutex_lock (&self->full_lock);
  if (!self->full_loaded)
    {
      g_autoptr(GBytes) raw = load_raw (self, NULL);
      const char *what = NULL;
      g_autoptr(JsonObject) root = raw ? parse_full_members (raw, &what) : NULL;

      /* Not read (the takeout still loading, or gone): no attachments this
       * time, and another try on the next call. */
      if (raw == NULL)
        {
          g_mutex_unlock (&self->full_lock);
          return self;
        }
      if (root != NULL)
        fill_full (self, root);
      else
        add_warning (self, g_strdup_printf ("attachments unreadable: %s", what));
      g_clear_pointer (&self->raw, g_bytes_unref);
      g_clear_pointer (&self->raw_z, g_free);
      self->full_loaded = TRUE;
    }
  g_mutex_unlock (&self->full_lock);
  return self;
}

GBytes *
gpm_post_dup_json (GpmPost  *self,
                   GError  **error)
{
  GBytes *raw;

  g_return_val_if_fail (GPM_IS_POST (self), NULL);

  g_mutex_lock (&self->full_lock);
  raw = load_raw (self, error);
  g_mutex_unlock (&self->full_lock);
  return raw;
}

void
gpm_post_set_source (GpmPost    *self,
                     GpmTakeout *takeout,
                     const char *entry_name,
                     gboolean    keep_deflated)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (GPM_IS_POST (self));
  g_return_if_fail (GPM_IS_TAKEOUT (takeout));

  locker = g_mutex_locker_new (&self->full_lock);
  if (entry_name != NULL && !self->entry_name_borrowed && strcmp (entry_name, self->entry_name) == 0)
    {
      /* The takeout's copy lives as long as the takeout, which the post holds. */
      g_free (self->entry_name);
      self->entry_name = (char *) entry_name;
      self->entry_name_borrowed = TRUE;
      g_set_object (&self->source, takeout);
    }
  if (self->full_loaded || self->raw == NULL)
    return;
  g_set_object (&self->source, takeout);
  if (keep_deflated && g_bytes_get_size (self->raw) < G_MAXUINT32 / 2)
    {
      /* A .tgz entry can only be reached by decompressing the archive up
       * to it: the JSON stays in memory, deflated (about a quarter). */
      g_autoptr(GConverter) deflater = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 1));
      gsize len = 0, n_read = 0, n_written = 0;
      const char *data = g_bytes_get_data (self->raw, &len);
      gsize cap = len + len / 8 + 128;
      guint8 *out = g_malloc (cap);

      if (g_converter_convert (deflater, data, len, out, cap, G_CONVERTER_INPUT_AT_END,
                               &n_read, &n_written, NULL) != G_CONVERTER_FINISHED)
        {
          g_free (out);
          return;  /* kept as it is */
        }
      self->raw_z = g_realloc (out, MAX (n_written, 1));
      self->raw_z_len = (guint32) n_written;
      self->raw_len = (guint32) len;
    }
  g_clear_pointer (&self->raw, g_bytes_unref);
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
    ref.video = v[2].value_len >= 6 && memcmp (v[2].value, "video/", 6) == 0;
  g_array_append_val (user_data, ref);
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

  self->n_media_refs = refs->len;
  self->media_refs = refs->len > 0 ? (GpmPostMediaRef *) g_array_free (refs, FALSE) : (g_array_free (refs, TRUE), NULL);
  self->own_media_files = strv_from_array (own);
  self->others_media_files = strv_from_array (others);
}

/* What search needs besides the content, so it never reads the post again:
 * the link's title and url, the reshared post's content. */
static void
collect_search_parts (GpmPost       *self,
                      const Members *m)
{
  static const char * const link_keys[] = { "title", "url", NULL };
  static const char * const reshare_keys[] = { "content", NULL };
  g_autofree char *parts[3] = { NULL, NULL, NULL };
  GpmJsonMember v[2];
  GString *all;

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
  if (!parts[0] && !parts[1] && !parts[2])
    return;
  all = g_string_new (NULL);
  for (guint i = 0; i < 3; i++)
    {
      if (parts[i] != NULL)
        {
          self->search_parts |= 1u << i;
          g_string_append (all, parts[i]);
        }
      g_string_append_c (all, '\0');
    }
  {
    gsize len = all->len;
    self->search_extra = g_realloc (g_string_free (all, FALSE), len + 1);
  }
}

void
gpm_post_get_search_parts (GpmPost     *self,
                           const char **link_title,
                           const char **link_url,
                           const char **reshared_content)
{
  const char *p = self->search_extra;
  const char **out[3] = { link_title, link_url, reshared_content };

  for (guint i = 0; i < 3; i++)
    {
      if (out[i] != NULL)
        *out[i] = p != NULL && (self->search_parts & (1u << i)) ? p : NULL;
      if (p != NULL)
        p += strlen (p) + 1;
    }
}

GpmPost *
gpm_post_new_from_data (const char  *entry_name,
                        const char  *data,
                        gssize       length,
                        GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  if (length < 0)
    length = data ? strlen (data) : 0;
  bytes = g_bytes_new (data, length);
  return gpm_post_new_from_bytes (entry_name, bytes, error);
}

static GpmPost *post_new (const char *entry_name, GBytes *bytes, gboolean without_acl, GError **error);

GpmPost *
gpm_post_new_from_bytes (const char  *entry_name,
                         GBytes      *bytes,
                         GError     **error)
{
  return post_new (entry_name, bytes, FALSE, error);
}

GpmPost *
gpm_post_new_without_acl (const char  *entry_name,
                          GBytes      *bytes,
                          GError     **error)
{
  return post_new (entry_name, bytes, TRUE, error);
}

static GpmPost *
post_new (const char  *entry_name,
          GBytes      *bytes,
          gboolean     without_acl,
          GError     **error)
{
  g_autoptr(GpmPost) self = NULL;
  g_autoptr(GPtrArray) scopes = NULL;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;
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
                   line, column, what);
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
  self->url = member_string (&m.url);
  self->resource_name = member_string (&m.resource_name);
  created = member_string (&m.created);

  if (m.acl.type != '{')
    {
      /* A post that lost its ACL still has a creation time and a post resource name. */
      if (created && ((self->resource_name && strstr (self->resource_name, "/posts/")) ||
                      (self->url && strstr (self->url, "/posts/"))))
        {
          if (!without_acl)
            {
              g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_NO_ACL,
                           _("the archive does not say who the post was shared with"));
              return NULL;
            }
          add_warning (self,
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
      g_free (self->content);
      self->content = member_string (&m.content);
      if (self->content == NULL)
        {
          /* An escaped NUL or a lone surrogate (Python reads both): the
           * text is kept, those characters become U+FFFD, and it is said. */
          self->content = gpm_json_decode_string_lenient (m.content.value, m.content.value_len);
          if (self->content != NULL)
            add_warning (self,
                             g_strdup (_("the post's text has characters that are not text (a NUL or half of a UTF-16 pair): each is replaced by “�”")));
        }
      if (self->content == NULL)
        self->content = g_strdup ("");
    }
  updated = member_string (&m.updated);
  set_times (self, created, updated);
  self->n_comments = m.n_comments;
  self->n_plus_ones = m.n_plus_ones;
  self->n_reshares = m.n_reshares;
  self->attachments = m.attachments;

  if (m.acl.type == '{')
    {
      g_autoptr(GPtrArray) acl_warnings = g_ptr_array_new_with_free_func (g_free);

      scopes = gpm_scope_parse_acl (m.acl.value, m.acl.value_len, acl_warnings);
      g_ptr_array_extend_and_steal (self->scopes, g_steal_pointer (&scopes));
      for (guint i = 0; i < acl_warnings->len; i++)
        add_warning (self,
                         g_strdup_printf (_("read, but who it was shared with is partly unknown: %s"),
                                          (const char *) g_ptr_array_index (acl_warnings, i)));
    }

  collect_media_files (self, &m);
  collect_search_parts (self, &m);
  self->raw = g_bytes_ref (bytes);
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

GpmPost *
gpm_post_new_from_file (const char  *path,
                        GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return gpm_post_new_from_data (path, data, len, error);
}

void
gpm_post_set_source_file (GpmPost *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (GPM_IS_POST (self));

  locker = g_mutex_locker_new (&self->full_lock);
  if (self->full_loaded || self->source != NULL)
    return;
  self->from_file = TRUE;
  g_clear_pointer (&self->raw, g_bytes_unref);
}

const char *gpm_post_get_entry_name (GpmPost *self) { return self->entry_name; }
const char *gpm_post_get_url (GpmPost *self) { return self->url; }
const char *gpm_post_get_resource_name (GpmPost *self) { return self->resource_name; }
GDateTime *gpm_post_get_creation_time (GpmPost *self) { return self->creation_time; }
GDateTime *
gpm_post_get_update_time (GpmPost *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->full_lock);

  if (self->update_time == NULL && self->has_update_time)
    self->update_time = g_date_time_new_from_unix_utc (self->update_unix);
  return self->update_time;
}
static const PostFull *
get_full (GpmPost *self)
{
  static const PostFull none;  /* the attachments could not be read */

  ensure_full (self);
  return self->full ? self->full : &none;
}

const GpmPerson *gpm_post_get_author (GpmPost *self) { return get_full (self)->author; }

char *
gpm_post_dup_author_id (GpmPost *self)
{
  g_return_val_if_fail (GPM_IS_POST (self), NULL);

  /* Known from indexing for a post read from a file; a reshared post's
   * author comes with the full parse. */
  if (self->author_id != NULL)
    return g_strdup (self->author_id);
  return get_full (self)->author ? g_strdup (get_full (self)->author->resource_name) : NULL;
}
const char *gpm_post_get_content (GpmPost *self) { return self->content; }
const GpmLink *gpm_post_get_link (GpmPost *self) { return get_full (self)->link; }
const GpmMedia *gpm_post_get_media (GpmPost *self) { return get_full (self)->media; }
GPtrArray *gpm_post_get_album (GpmPost *self) { return get_full (self)->album; }
gboolean gpm_post_has_album (GpmPost *self) { return (self->attachments & GPM_POST_HAS_ALBUM) != 0; }
GpmPostAttachments gpm_post_get_attachments (GpmPost *self) { return self->attachments; }
GpmPost *gpm_post_get_reshared_post (GpmPost *self) { return get_full (self)->reshared; }
const GpmLocation *gpm_post_get_location (GpmPost *self) { return get_full (self)->location; }
const GpmPoll *gpm_post_get_poll (GpmPost *self) { return get_full (self)->poll; }
GPtrArray *gpm_post_get_scopes (GpmPost *self) { return self->scopes; }

void
gpm_post_share_scopes (GpmPost   *self,
                       GPtrArray *scopes)
{
  g_return_if_fail (GPM_IS_POST (self));
  g_return_if_fail (scopes->len == self->scopes->len);

  g_ptr_array_unref (self->scopes);
  self->scopes = g_ptr_array_ref (scopes);
}
GPtrArray *
gpm_post_get_warnings (GpmPost *self)
{
  static GPtrArray *none;  /* shared by the posts without warnings; never added to */

  if (self->warnings != NULL)
    return self->warnings;
  if (g_once_init_enter (&none))
    g_once_init_leave (&none, g_ptr_array_new ());
  return none;
}
guint gpm_post_get_n_comments (GpmPost *self) { return self->n_comments; }
guint gpm_post_get_n_plus_ones (GpmPost *self) { return self->n_plus_ones; }
guint gpm_post_get_n_reshares (GpmPost *self) { return self->n_reshares; }
const GpmPostMediaRef *
gpm_post_get_media_refs (GpmPost *self,
                         guint   *n_refs)
{
  *n_refs = self->n_media_refs;
  return self->media_refs;
}

const char * const *gpm_post_get_media_files (GpmPost *self, gboolean others)
{
  return (const char * const *) (others ? self->others_media_files : self->own_media_files);
}

static const GpmScope *
first_of_kind (GpmPost *self, GpmScopeKind kind)
{
  for (guint i = 0; i < self->scopes->len; i++)
    {
      const GpmScope *s = g_ptr_array_index (self->scopes, i);
      if (s->kind == kind)
        return s;
    }
  return NULL;
}

const GpmScope *gpm_post_get_community (GpmPost *self) { return first_of_kind (self, GPM_SCOPE_COMMUNITY); }
const GpmScope *gpm_post_get_collection (GpmPost *self) { return first_of_kind (self, GPM_SCOPE_COLLECTION); }
const GpmScope *gpm_post_get_event (GpmPost *self) { return first_of_kind (self, GPM_SCOPE_EVENT); }

void
gpm_post_collect_problems (GpmPost   *self,
                           GPtrArray *problems)
{
  g_return_if_fail (GPM_IS_POST (self));

  for (guint i = 0; self->warnings && i < self->warnings->len; i++)
    g_ptr_array_add (problems, gpm_problem_new (self->entry_name, g_ptr_array_index (self->warnings, i)));
}
