/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-full.c: a post's attachments (author, link, media, album,
 * reshared post, location, poll), parsed with json-glib from just those
 * members of its JSON the first time a getter asks (gpm-post.c's
 * ensure_full()); a reshared post's whole tree. */
#define G_LOG_DOMAIN "gpm-post"

#include "config.h"

#include "gpm-json-scan.h"
#include "gpm-post-private.h"
#include "gpm-util.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

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

/* Everything from a parsed tree: used for reshared posts, which arrive as
 * part of their resharer's full parse. */
static void
fill_from_object (GpmPost    *self,
                  JsonObject *root)
{
  g_autofree char *created = str_member (root, "creationTime");
  g_autofree char *updated = str_member (root, "updateTime");
  g_autofree char *url = str_member (root, "url");
  g_autofree char *resource_name = str_member (root, "resourceName");
  g_autofree char *content = str_member (root, "content");
  const char *texts[POST_N_TEXTS] = { url, resource_name, content && *content ? content : NULL, NULL, NULL, NULL };

  gpm_post_set_texts (self, texts);
  gpm_post_set_times (self, created, updated);
  self->n_comments = array_len (root, "comments");
  self->n_plus_ones = array_len (root, "plusOnes");
  self->n_reshares = array_len (root, "reshares");
  self->attachments = (guint8) attachments_of_object (root);
  gpm_post_fill_full (self, root);
  self->flags |= POST_FULL_LOADED;
}

void
gpm_post_fill_full (GpmPost    *self,
                    JsonObject *root)
{
  self->full = gpm_post_full_new (self->entry_name, root);
}

PostFull *
gpm_post_full_new (const char *entry_name,
                   JsonObject *root)
{
  JsonObject *o;
  PostFull *full = g_new0 (PostFull, 1);

  full->author = parse_person (gpm_json_get_object (root, "author"));
  if ((o = gpm_json_get_object (root, "link")))
    {
      full->link = g_new0 (GpmLink, 1);
      full->link->title = str_member (o, "title");
      full->link->url = str_member (o, "url");
      full->link->image_url = str_member (o, "imageUrl");
    }
  full->media = parse_media (gpm_json_get_object (root, "media"));
  if ((o = gpm_json_get_object (root, "album")))
    {
      JsonArray *items = gpm_json_get_array (o, "media");
      full->album = g_ptr_array_new_with_free_func ((GDestroyNotify) media_free);
      for (guint i = 0; items && i < json_array_get_length (items); i++)
        {
          JsonObject *item = gpm_json_array_get_object (items, i);
          if (item != NULL)
            g_ptr_array_add (full->album, parse_media (item));
        }
    }
  if ((o = gpm_json_get_object (root, "location")))
    {
      double lat, lon;
      full->location = g_new0 (GpmLocation, 1);
      full->location->display_name = str_member (o, "displayName");
      full->location->physical_address = str_member (o, "physicalAddress");
      /* A number too large for a double reads as infinity: such a place, or
       * one off the globe, is kept by its name only (the pod and JSON take
       * finite coordinates). */
      if (num_member (o, "latitude", &lat) && num_member (o, "longitude", &lon) &&
          isfinite (lat) && isfinite (lon) && fabs (lat) <= 90 && fabs (lon) <= 180)
        {
          full->location->latitude = lat;
          full->location->longitude = lon;
          full->location->has_coordinates = TRUE;
        }
    }
  full->poll = parse_poll (gpm_json_get_object (root, "poll"));

  if ((o = gpm_json_get_object (root, "resharedPost")))
    {
      full->reshared = g_object_new (GPM_TYPE_POST, NULL);
      full->reshared->entry_name = g_strdup (entry_name);
      fill_from_object (full->reshared, o);
    }
  return full;
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
JsonObject *
gpm_post_parse_full_members (GBytes      *raw,
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

void
gpm_post_full_free (PostFull *full)
{
  person_free (full->author);
  link_free (full->link);
  media_free (full->media);
  g_clear_pointer (&full->album, g_ptr_array_unref);
  g_clear_object (&full->reshared);
  location_free (full->location);
  poll_free (full->poll);
  g_free (full);
}
