/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-post"

#include "config.h"

#include "gpm-post.h"

#include <glib/gi18n.h>

#include <string.h>

struct _GpmPost
{
  GObject parent_instance;

  char        *entry_name;
  char        *url;
  char        *resource_name;
  char        *content;
  GDateTime   *creation_time;
  GDateTime   *update_time;
  GpmPerson   *author;
  GpmLink     *link;
  GpmMedia    *media;
  GPtrArray   *album;      /* GpmMedia*, or NULL */
  GpmPost     *reshared;
  GpmLocation *location;
  GpmPoll     *poll;
  GPtrArray   *scopes;     /* GpmScope* */
  GPtrArray   *warnings;   /* char* */
  guint        n_comments;
  guint        n_plus_ones;
  guint        n_reshares;
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

  g_free (self->entry_name);
  g_free (self->url);
  g_free (self->resource_name);
  g_free (self->content);
  g_clear_pointer (&self->creation_time, g_date_time_unref);
  g_clear_pointer (&self->update_time, g_date_time_unref);
  person_free (self->author);
  link_free (self->link);
  media_free (self->media);
  g_clear_pointer (&self->album, g_ptr_array_unref);
  g_clear_object (&self->reshared);
  location_free (self->location);
  poll_free (self->poll);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);

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
  self->warnings = g_ptr_array_new_with_free_func (g_free);
}

/* Lenient accessors: a wrong type is treated as absent. */
static JsonObject *
obj_member (JsonObject *obj, const char *name)
{
  JsonNode *n = obj ? json_object_get_member (obj, name) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
arr_member (JsonObject *obj, const char *name)
{
  JsonNode *n = obj ? json_object_get_member (obj, name) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static char *
str_member (JsonObject *obj, const char *name)
{
  JsonNode *n = obj ? json_object_get_member (obj, name) : NULL;
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (n));
  return NULL;
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
  JsonArray *a = arr_member (obj, name);
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
  choices = arr_member (obj, "choices");
  for (guint i = 0; choices && i < json_array_get_length (choices); i++)
    {
      JsonNode *n = json_array_get_element (choices, i);
      JsonObject *c;
      GpmPollChoice *choice;
      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      c = json_node_get_object (n);
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

static void
fill_from_object (GpmPost    *self,
                  JsonObject *root,
                  gboolean    with_acl)
{
  JsonObject *o;
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
  self->creation_time = parse_time (created);
  if (created && !self->creation_time)
    g_ptr_array_add (self->warnings, g_strdup_printf ("unreadable creationTime \"%s\"", created));
  self->update_time = parse_time (updated);
  self->author = parse_person (obj_member (root, "author"));

  if ((o = obj_member (root, "link")))
    {
      self->link = g_new0 (GpmLink, 1);
      self->link->title = str_member (o, "title");
      self->link->url = str_member (o, "url");
      self->link->image_url = str_member (o, "imageUrl");
    }
  self->media = parse_media (obj_member (root, "media"));
  if ((o = obj_member (root, "album")))
    {
      JsonArray *items = arr_member (o, "media");
      self->album = g_ptr_array_new_with_free_func ((GDestroyNotify) media_free);
      for (guint i = 0; items && i < json_array_get_length (items); i++)
        {
          JsonNode *n = json_array_get_element (items, i);
          if (JSON_NODE_HOLDS_OBJECT (n))
            g_ptr_array_add (self->album, parse_media (json_node_get_object (n)));
        }
    }
  if ((o = obj_member (root, "location")))
    {
      double lat, lon;
      self->location = g_new0 (GpmLocation, 1);
      self->location->display_name = str_member (o, "displayName");
      self->location->physical_address = str_member (o, "physicalAddress");
      if (num_member (o, "latitude", &lat) && num_member (o, "longitude", &lon))
        {
          self->location->latitude = lat;
          self->location->longitude = lon;
          self->location->has_coordinates = TRUE;
        }
    }
  self->poll = parse_poll (obj_member (root, "poll"));

  if ((o = obj_member (root, "resharedPost")))
    {
      self->reshared = g_object_new (GPM_TYPE_POST, NULL);
      self->reshared->entry_name = g_strdup (self->entry_name);
      fill_from_object (self->reshared, o, FALSE);
    }

  self->n_comments = array_len (root, "comments");
  self->n_plus_ones = array_len (root, "plusOnes");
  self->n_reshares = array_len (root, "reshares");

  if (with_acl)
    {
      g_autoptr(GPtrArray) scopes = gpm_scope_parse_acl (obj_member (root, "postAcl"), self->warnings);
      g_ptr_array_extend_and_steal (self->scopes, g_steal_pointer (&scopes));
    }
}

gboolean
gpm_post_json_looks_like_post (JsonObject *object)
{
  if (object == NULL)
    return FALSE;
  if (json_object_has_member (object, "postAcl"))
    return TRUE;
  /* A post that lost its ACL still has a creation time and a post resource name. */
  if (json_object_has_member (object, "creationTime"))
    {
      g_autofree char *rn = str_member (object, "resourceName");
      g_autofree char *url = str_member (object, "url");
      if ((rn && strstr (rn, "/posts/")) || (url && strstr (url, "/posts/")))
        return TRUE;
    }
  return FALSE;
}

GpmPost *
gpm_post_new_from_data (const char  *entry_name,
                        const char  *data,
                        gssize       length,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GpmPost) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *obj;

  if (length < 0)
    length = data ? strlen (data) : 0;
  if (length == 0)
    {
      g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_EMPTY, _("the file is empty"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      const char *why = local_error->message;
      /* json-glib says "<data>:LINE:COL: Parse error: …"; the name is ours to give. */
      if (g_str_has_prefix (why, "<data>:"))
        why += strlen ("<data>:");
      g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_SYNTAX,
                   _("not valid JSON, the file is damaged or cut short (at %s)"), why);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_NOT_A_POST,
                   _("the JSON is not a Google+ post"));
      return NULL;
    }
  obj = json_node_get_object (root);
  if (obj_member (obj, "postAcl") == NULL)
    {
      if (gpm_post_json_looks_like_post (obj))
        g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_NO_ACL,
                     _("the post has no postAcl, so who it was shared with is unknown"));
      else
        g_set_error (error, GPM_POST_ERROR, GPM_POST_ERROR_NOT_A_POST,
                     _("the JSON is not a Google+ post"));
      return NULL;
    }

  self = g_object_new (GPM_TYPE_POST, NULL);
  self->entry_name = g_strdup (entry_name);
  fill_from_object (self, obj, TRUE);
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

const char *gpm_post_get_entry_name (GpmPost *self) { return self->entry_name; }
const char *gpm_post_get_url (GpmPost *self) { return self->url; }
const char *gpm_post_get_resource_name (GpmPost *self) { return self->resource_name; }
GDateTime *gpm_post_get_creation_time (GpmPost *self) { return self->creation_time; }
GDateTime *gpm_post_get_update_time (GpmPost *self) { return self->update_time; }
const GpmPerson *gpm_post_get_author (GpmPost *self) { return self->author; }
const char *gpm_post_get_content (GpmPost *self) { return self->content; }
const GpmLink *gpm_post_get_link (GpmPost *self) { return self->link; }
const GpmMedia *gpm_post_get_media (GpmPost *self) { return self->media; }
GPtrArray *gpm_post_get_album (GpmPost *self) { return self->album; }
gboolean gpm_post_has_album (GpmPost *self) { return self->album != NULL; }
GpmPost *gpm_post_get_reshared_post (GpmPost *self) { return self->reshared; }
const GpmLocation *gpm_post_get_location (GpmPost *self) { return self->location; }
const GpmPoll *gpm_post_get_poll (GpmPost *self) { return self->poll; }
GPtrArray *gpm_post_get_scopes (GpmPost *self) { return self->scopes; }
GPtrArray *gpm_post_get_warnings (GpmPost *self) { return self->warnings; }
guint gpm_post_get_n_comments (GpmPost *self) { return self->n_comments; }
guint gpm_post_get_n_plus_ones (GpmPost *self) { return self->n_plus_ones; }
guint gpm_post_get_n_reshares (GpmPost *self) { return self->n_reshares; }

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

  for (guint i = 0; i < self->warnings->len; i++)
    g_ptr_array_add (problems,
                     gpm_problem_newf (self->entry_name,
                                       _("read, but who it was shared with is partly unknown: %s"),
                                       (const char *) g_ptr_array_index (self->warnings, i)));
}
