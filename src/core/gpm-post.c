/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post.c: the GpmPost object: what indexing kept and its getters, the
 * post's JSON read again when the attachments are first asked for (kept,
 * deflated for a .tgz, or from the takeout or the file), its warnings.
 * Indexing: gpm-post-index.c; the attachments: gpm-post-full.c. */
#define G_LOG_DOMAIN "gpm-post"

#include "config.h"

#include "gpm-post-private.h"
#include "gpm-takeout.h"

#include <glib/gi18n.h>

#include <string.h>

G_DEFINE_FINAL_TYPE (GpmPost, gpm_post, G_TYPE_OBJECT)

G_DEFINE_QUARK (gpm-post-error-quark, gpm_post_error)

static void
gpm_post_finalize (GObject *object)
{
  GpmPost *self = GPM_POST (object);

  if (!(self->flags & POST_ENTRY_NAME_BORROWED))
    g_free (self->entry_name);
  g_free (self->text);
  g_clear_pointer (&self->creation_time, g_date_time_unref);
  if (self->flags & POST_FULL_LOADED)
    g_clear_pointer (&self->full, gpm_post_full_free);
  else
    g_clear_pointer (&self->raw, g_bytes_unref);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_object (&self->source);
  g_free (self->media);  /* one block, strings and all */
  if (self->rare != NULL)
    {
      g_clear_pointer (&self->rare->warnings, g_ptr_array_unref);
      g_clear_pointer (&self->rare->update_time, g_date_time_unref);
      g_strfreev (self->rare->others_media_files);
      g_free (self->rare->raw_z);
      g_free (self->rare->url);
      g_free (self->rare);
    }

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
  static GPtrArray *no_scopes;  /* shared by the posts without an ACL; never added to */

  if (g_once_init_enter (&no_scopes))
    g_once_init_leave (&no_scopes, g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_scope_unref));
  self->scopes = g_ptr_array_ref (no_scopes);
}

/* What few posts have, made for the first of them. Not thread-safe: while
 * the post is made, or under the post's lock. */
PostRare *
gpm_post_rare (GpmPost *self)
{
  if (self->rare == NULL)
    self->rare = g_new0 (PostRare, 1);
  return self->rare;
}

/* Takes @warning. Most posts have none: the array is made for the first. */
void
gpm_post_add_warning (GpmPost *self,
                      char    *warning)
{
  PostRare *rare = gpm_post_rare (self);

  if (rare->warnings == NULL)
    rare->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (rare->warnings, warning);
}

void
gpm_post_set_texts (GpmPost          *self,
                    const char *const texts[POST_N_TEXTS])
{
  gsize len[POST_N_TEXTS], total = 0;
  char *p;

  g_free (self->text);
  self->text = NULL;
  self->flags &= ~((1u << POST_N_TEXTS) - 1);
  for (guint i = 0; i < POST_N_TEXTS; i++)
    {
      len[i] = texts[i] != NULL ? strlen (texts[i]) + 1 : 0;
      total += len[i];
      if (texts[i] != NULL)
        self->flags |= 1u << i;
    }
  if (total == 0)
    return;
  p = self->text = g_malloc (total);
  for (guint i = 0; i < POST_N_TEXTS; i++)
    if (texts[i] != NULL)
      {
        memcpy (p, texts[i], len[i]);
        p += len[i];
      }
}

/* The string @which (a POST_TEXT_ bit) of @text, or NULL. */
static const char *
get_text (GpmPost *self,
          guint    which)
{
  const char *p = self->text;

  if (!(self->flags & which))
    return NULL;
  for (guint bit = 1; bit < which; bit <<= 1)
    if (self->flags & bit)
      p += strlen (p) + 1;
  return p;
}

/* The post's JSON again: kept, deflated, or read from the takeout. */
static GBytes *
load_raw (GpmPost     *self,
          GError     **error)
{
  if (!(self->flags & POST_FULL_LOADED) && self->raw != NULL)
    return g_bytes_ref (self->raw);
  if (self->rare != NULL && self->rare->raw_z != NULL)
    {
      g_autoptr(GConverter) inflater = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
      const PostRare *rare = self->rare;
      char *out = g_malloc ((gsize) rare->raw_len + 1);
      gsize n_read = 0, n_written = 0;

      if (g_converter_convert (inflater, rare->raw_z, rare->raw_z_len, out, rare->raw_len + 1,
                               G_CONVERTER_INPUT_AT_END, &n_read, &n_written, error) != G_CONVERTER_FINISHED ||
          n_written != rare->raw_len)
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
  if (self->flags & POST_FROM_FILE)
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
  g_bit_lock (&self->lock, POST_LOCK_BIT);
  if (!(self->flags & POST_FULL_LOADED))
    {
      g_autoptr(GBytes) raw = load_raw (self, NULL);
      const char *what = NULL;
      g_autoptr(JsonObject) root = raw ? gpm_post_parse_full_members (raw, &what) : NULL;

      /* Not read (the takeout still loading, or gone): no attachments this
       * time, and another try on the next call. */
      if (raw == NULL)
        {
          g_bit_unlock (&self->lock, POST_LOCK_BIT);
          return self;
        }
      /* (first: the attachments take its place) */
      g_clear_pointer (&self->raw, g_bytes_unref);
      if (root != NULL)
        gpm_post_fill_full (self, root);
      else
        gpm_post_add_warning (self, g_strdup_printf ("attachments unreadable: %s", what));
      if (self->rare != NULL)
        g_clear_pointer (&self->rare->raw_z, g_free);
      self->flags |= POST_FULL_LOADED;
    }
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
  return self;
}

/* The scoped full view (gpm_post_begin_full_view()): at most one per
 * thread, seen only by that thread's getters, so no other thread ever
 * holds a pointer into what gpm_post_end_full_view() frees. */
typedef struct {
  GpmPost  *post;   /* not a reference: the caller holds one until the end */
  PostFull *full;
} FullView;

static void
full_view_free (gpointer data)
{
  FullView *view = data;

  g_clear_pointer (&view->full, gpm_post_full_free);
  g_free (view);
}

static GPrivate full_view = G_PRIVATE_INIT (full_view_free);

void
gpm_post_begin_full_view (GpmPost *self)
{
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(JsonObject) root = NULL;
  const char *what = NULL;
  FullView *view;

  g_return_if_fail (GPM_IS_POST (self));

  g_bit_lock (&self->lock, POST_LOCK_BIT);
  /* Read already (the preview's post, say): the post's own is used. */
  if (self->flags & POST_FULL_LOADED)
    {
      g_bit_unlock (&self->lock, POST_LOCK_BIT);
      return;
    }
  raw = load_raw (self, NULL);
  g_bit_unlock (&self->lock, POST_LOCK_BIT);

  /* Not read, or not parsable: the getters take the usual way, which
   * tries again or records the warning on the post. */
  root = raw ? gpm_post_parse_full_members (raw, &what) : NULL;
  if (root == NULL)
    return;

  view = g_private_get (&full_view);
  if (view == NULL)
    {
      view = g_new0 (FullView, 1);
      g_private_set (&full_view, view);
    }
  g_clear_pointer (&view->full, gpm_post_full_free);
  view->post = self;
  view->full = gpm_post_full_new (self->entry_name, root);
}

void
gpm_post_end_full_view (GpmPost *self)
{
  FullView *view = g_private_get (&full_view);

  if (view != NULL && view->post == self)
    {
      view->post = NULL;
      g_clear_pointer (&view->full, gpm_post_full_free);
    }
}

gboolean
gpm_post_begin_full_view_if_free (GpmPost *self)
{
  FullView *view = g_private_get (&full_view);
  gboolean loaded;

  g_return_val_if_fail (GPM_IS_POST (self), FALSE);

  if (view != NULL && view->post != NULL)
    return FALSE;
  g_bit_lock (&self->lock, POST_LOCK_BIT);
  loaded = (self->flags & POST_FULL_LOADED) != 0;
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
  if (loaded)
    return FALSE;
  gpm_post_begin_full_view (self);
  return TRUE;
}

static gboolean
link_has_url (GpmPost *post)
{
  const GpmLink *link = gpm_post_get_link (post);

  return link != NULL && link->url != NULL && *link->url != '\0';
}

gboolean
gpm_post_has_link_url (GpmPost *self)
{
  gboolean has, scoped;
  guint16 flags;

  g_return_val_if_fail (GPM_IS_POST (self), FALSE);

  if (!(self->attachments & (GPM_POST_HAS_LINK | GPM_POST_HAS_RESHARE)))
    return FALSE;
  g_bit_lock (&self->lock, POST_LOCK_BIT);
  flags = self->flags;
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
  if (flags & POST_LINK_URL_KNOWN)
    return (flags & POST_HAS_LINK_URL) != 0;

  scoped = gpm_post_begin_full_view_if_free (self);
  has = ((self->attachments & GPM_POST_HAS_LINK) && link_has_url (self)) ||
        ((self->attachments & GPM_POST_HAS_RESHARE) && gpm_post_get_reshared_post (self) != NULL &&
         link_has_url (gpm_post_get_reshared_post (self)));
  /* Kept only when the attachments were read (not while the takeout is
   * still loading, or gone: then the next call tries again). */
  if (gpm_post_full_is_readable (self))
    {
      g_bit_lock (&self->lock, POST_LOCK_BIT);
      self->flags |= POST_LINK_URL_KNOWN | (has ? POST_HAS_LINK_URL : 0);
      g_bit_unlock (&self->lock, POST_LOCK_BIT);
    }
  if (scoped)
    gpm_post_end_full_view (self);
  return has;
}

gboolean
gpm_post_full_is_readable (GpmPost *self)
{
  FullView *view;
  gboolean loaded;

  g_return_val_if_fail (GPM_IS_POST (self), FALSE);

  g_bit_lock (&self->lock, POST_LOCK_BIT);
  loaded = (self->flags & POST_FULL_LOADED) != 0;
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
  if (loaded)
    return TRUE;
  view = g_private_get (&full_view);
  return view != NULL && view->post == self && view->full != NULL;
}

GBytes *
gpm_post_dup_json (GpmPost  *self,
                   GError  **error)
{
  GBytes *raw;

  g_return_val_if_fail (GPM_IS_POST (self), NULL);

  g_bit_lock (&self->lock, POST_LOCK_BIT);
  raw = load_raw (self, error);
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
  return raw;
}

static void set_source_locked (GpmPost    *self,
                               GpmTakeout *takeout,
                               const char *entry_name,
                               gboolean    keep_deflated);

void
gpm_post_set_source (GpmPost    *self,
                     GpmTakeout *takeout,
                     const char *entry_name,
                     gboolean    keep_deflated)
{
  g_return_if_fail (GPM_IS_POST (self));
  g_return_if_fail (GPM_IS_TAKEOUT (takeout));

  g_bit_lock (&self->lock, POST_LOCK_BIT);
  set_source_locked (self, takeout, entry_name, keep_deflated);
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
}

static void
set_source_locked (GpmPost    *self,
                   GpmTakeout *takeout,
                   const char *entry_name,
                   gboolean    keep_deflated)
{
  if (entry_name != NULL && !(self->flags & POST_ENTRY_NAME_BORROWED) && strcmp (entry_name, self->entry_name) == 0)
    {
      /* The takeout's copy lives as long as the takeout, which the post holds. */
      g_free (self->entry_name);
      self->entry_name = (char *) entry_name;
      self->flags |= POST_ENTRY_NAME_BORROWED;
      g_set_object (&self->source, takeout);
    }
  if ((self->flags & POST_FULL_LOADED) || self->raw == NULL)
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
      PostRare *rare = gpm_post_rare (self);

      rare->raw_z = g_realloc (out, MAX (n_written, 1));
      rare->raw_z_len = (guint32) n_written;
      rare->raw_len = (guint32) len;
    }
  g_clear_pointer (&self->raw, g_bytes_unref);
}

void
gpm_post_get_search_parts (GpmPost     *self,
                           const char **link_title,
                           const char **link_url,
                           const char **reshared_content)
{
  if (link_title != NULL)
    *link_title = get_text (self, POST_TEXT_LINK_TITLE);
  if (link_url != NULL)
    *link_url = get_text (self, POST_TEXT_LINK_URL);
  if (reshared_content != NULL)
    *reshared_content = get_text (self, POST_TEXT_RESHARED);
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

GpmPost *
gpm_post_new_from_bytes (const char  *entry_name,
                         GBytes      *bytes,
                         GError     **error)
{
  return gpm_post_new_indexed (entry_name, bytes, FALSE, error);
}

GpmPost *
gpm_post_new_without_acl (const char  *entry_name,
                          GBytes      *bytes,
                          GError     **error)
{
  return gpm_post_new_indexed (entry_name, bytes, TRUE, error);
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
  g_return_if_fail (GPM_IS_POST (self));

  g_bit_lock (&self->lock, POST_LOCK_BIT);
  if (!(self->flags & POST_FULL_LOADED) && self->source == NULL)
    {
      self->flags |= POST_FROM_FILE;
      g_clear_pointer (&self->raw, g_bytes_unref);
    }
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
}

const char *gpm_post_get_entry_name (GpmPost *self) { return self->entry_name; }
char *
gpm_post_dup_url (GpmPost *self)
{
  g_return_val_if_fail (GPM_IS_POST (self), NULL);

  if (self->flags & POST_URL_FROM_RESOURCE)
    return g_strconcat (POST_URL_HOST, get_text (self, POST_TEXT_RESOURCE_NAME) + strlen ("users/"), NULL);
  return g_strdup (get_text (self, POST_TEXT_URL));
}

const char *
gpm_post_get_url (GpmPost *self)
{
  const char *url;

  if (!(self->flags & POST_URL_FROM_RESOURCE))
    return get_text (self, POST_TEXT_URL);
  g_bit_lock (&self->lock, POST_LOCK_BIT);
  if (gpm_post_rare (self)->url == NULL)
    self->rare->url = gpm_post_dup_url (self);
  url = self->rare->url;
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
  return url;
}
const char *gpm_post_get_resource_name (GpmPost *self) { return get_text (self, POST_TEXT_RESOURCE_NAME); }
GDateTime *gpm_post_get_creation_time (GpmPost *self) { return self->creation_time; }
GDateTime *
gpm_post_get_update_time (GpmPost *self)
{
  GDateTime *time = NULL;

  if (!(self->flags & POST_HAS_UPDATE_TIME))
    return NULL;
  g_bit_lock (&self->lock, POST_LOCK_BIT);
  if (gpm_post_rare (self)->update_time == NULL)
    self->rare->update_time = g_date_time_new_from_unix_utc (self->update_unix);
  time = self->rare->update_time;
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
  return time;
}

static const PostFull *
get_full (GpmPost *self)
{
  static const PostFull none;  /* the attachments could not be read */
  FullView *view = g_private_get (&full_view);

  if (view != NULL && view->post == self && view->full != NULL)
    return view->full;
  ensure_full (self);
  return (self->flags & POST_FULL_LOADED) && self->full ? self->full : &none;
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

const char *
gpm_post_peek_author_id (GpmPost *self)
{
  g_return_val_if_fail (GPM_IS_POST (self), NULL);
  return self->author_id;
}

const char *
gpm_post_get_content (GpmPost *self)
{
  const char *content = get_text (self, POST_TEXT_CONTENT);

  return content != NULL ? content : "";
}
const GpmLink *gpm_post_get_link (GpmPost *self) { return get_full (self)->link; }
const GpmMedia *gpm_post_get_media (GpmPost *self) { return get_full (self)->media; }
GPtrArray *gpm_post_get_album (GpmPost *self) { return get_full (self)->album; }
gboolean gpm_post_has_album (GpmPost *self) { return (self->attachments & GPM_POST_HAS_ALBUM) != 0; }
GpmPostAttachments gpm_post_get_attachments (GpmPost *self) { return (GpmPostAttachments) self->attachments; }
GpmPost *gpm_post_get_reshared_post (GpmPost *self) { return get_full (self)->reshared; }
const GpmLocation *gpm_post_get_location (GpmPost *self) { return get_full (self)->location; }
const GpmPoll *gpm_post_get_poll (GpmPost *self) { return get_full (self)->poll; }
GPtrArray *gpm_post_get_scopes (GpmPost *self) { return self->scopes; }

GpmAclPublic
gpm_post_get_acl_public (GpmPost *self)
{
  guint16 flags;

  g_return_val_if_fail (GPM_IS_POST (self), GPM_ACL_PUBLIC_ABSENT);

  /* (set before the post is shared; other bits change under the lock) */
  g_bit_lock (&self->lock, POST_LOCK_BIT);
  flags = self->flags;
  g_bit_unlock (&self->lock, POST_LOCK_BIT);
  if (!(flags & POST_ACL_PUBLIC_KNOWN))
    return GPM_ACL_PUBLIC_ABSENT;
  return (flags & POST_ACL_PUBLIC) ? GPM_ACL_PUBLIC_TRUE : GPM_ACL_PUBLIC_FALSE;
}

gboolean
gpm_post_is_essentially_public (GpmPost *self)
{
  GpmAclPublic is_public;

  g_return_val_if_fail (GPM_IS_POST (self), FALSE);

  is_public = gpm_post_get_acl_public (self);
  if (is_public == GPM_ACL_PUBLIC_TRUE)
    return TRUE;
  for (guint i = 0; i < self->scopes->len; i++)
    {
      const GpmScope *scope = g_ptr_array_index (self->scopes, i);

      /* A post the takeout says was not public is not made public by its
       * community: the post's own word comes before its community's */
      if (scope->kind == GPM_SCOPE_PUBLIC ||
          (is_public != GPM_ACL_PUBLIC_FALSE && gpm_scope_is_essentially_public (scope)))
        return TRUE;
    }
  return FALSE;
}

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

  if (self->rare != NULL && self->rare->warnings != NULL)
    return self->rare->warnings;
  if (g_once_init_enter (&none))
    g_once_init_leave (&none, g_ptr_array_new ());
  return none;
}

guint gpm_post_get_n_comments (GpmPost *self) { return self->n_comments; }
guint gpm_post_get_n_own_comments (GpmPost *self) { return self->n_own_comments; }
guint gpm_post_get_n_plus_ones (GpmPost *self) { return self->n_plus_ones; }
guint gpm_post_get_n_reshares (GpmPost *self) { return self->n_reshares; }
const GpmPostMediaRef *
gpm_post_get_media_refs (GpmPost *self,
                         guint   *n_refs)
{
  *n_refs = self->media != NULL ? self->media->n_refs : 0;
  return self->media != NULL ? self->media->refs : NULL;
}

const char * const *gpm_post_get_media_files (GpmPost *self, gboolean others)
{
  if (others)
    return (const char * const *) (self->rare != NULL ? self->rare->others_media_files : NULL);
  return (const char * const *) (self->media != NULL ? self->media->own_files : NULL);
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

  GPtrArray *warnings = gpm_post_get_warnings (self);

  for (guint i = 0; i < warnings->len; i++)
    g_ptr_array_add (problems, gpm_problem_new (self->entry_name, g_ptr_array_index (warnings, i)));
}
