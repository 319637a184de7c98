/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-media.c: finding a post's media files (gpm_takeout_find_media(),
 * docs/takeout.md "Media"): the sidecars' url columns, the names the posts
 * use, the base-name rule; and the cheap photo check. */
#define G_LOG_DOMAIN "gpm-takeout"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gpm-takeout-private.h"

gboolean
gpm_takeout_is_sidecar_name (const char *name)
{
  return g_str_has_suffix (name, SIDECAR_SUFFIX) && strlen (name) > strlen (SIDECAR_SUFFIX);
}

gboolean
gpm_takeout_entry_is_sidecar (const Entry *e)
{
  return e->sidecar;
}

/* Files that may be photos, by name: not the takeout's own JSON, HTML and
 * CSV files, not videos. Checked while an archive is read (see
 * gpm_takeout_check_image()). */
gboolean
gpm_takeout_may_be_photo (const char *name)
{
  static const char * const not_photos[] = {
    ".json", ".csv", ".html", ".htm", ".txt", ".vcf", ".ics",
    ".mp4", ".m4v", ".mov", ".webm", ".avi", ".3gp", ".mkv", ".wmv", ".mpg", ".mpeg", ".m4a", ".mp3",
  };
  const char *dot = strrchr (gpm_takeout_base_name (name), '.');

  for (gsize i = 0; dot && i < G_N_ELEMENTS (not_photos); i++)
    if (g_ascii_strcasecmp (dot, not_photos[i]) == 0)
      return FALSE;
  return TRUE;
}

static gssize
read_more_stream (gpointer source, guint8 *buf, gsize size)
{
  return g_input_stream_read (source, buf, size, NULL, NULL);
}

GError *
gpm_takeout_check_image_head (GpmImageReadFunc read_func,
                              gpointer         source)
{
  GError *error = NULL;

  gpm_image_check_stream (read_func, source, NULL, NULL, &error);
  return error;
}

/* Resolves "." and ".." inside @path; NULL if it climbs above the root. */
static char *
resolve_relative (const char *path)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = NULL;

  /* Most paths have no empty, "." or ".." component: as they are. */
  if (_gpm_takeout_path_is_clean (path, FALSE))
    return g_strdup (path);

  parts = g_strsplit (path, "/", -1);
  kept = g_ptr_array_new ();

  for (guint i = 0; parts[i]; i++)
    {
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          if (kept->len == 0)
            return NULL;
          g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, parts[i]);
    }
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("/", (char **) kept->pdata);
}

/* One field of a CSV record (RFC 4180 quoting) from *@p into @f; advances
 * *@p past it and its comma, or, when it ends the record (*@last), past
 * the record. Each field goes into the same string: a takeout has 50,000
 * sidecars (a string and an array for each field and record were a third
 * of the helper thread's reading of them). */
static void
csv_field (const char **p,
           GString     *f,
           gboolean    *last)
{
  const char *s = *p;
  gboolean quoted = FALSE;

  g_string_truncate (f, 0);
  for (;; s++)
    {
      if (quoted)
        {
          if (*s == '\0')
            break;
          if (*s == '"' && s[1] == '"')
            {
              g_string_append_c (f, '"');
              s++;
            }
          else if (*s == '"')
            quoted = FALSE;
          else
            g_string_append_c (f, *s);
          continue;
        }
      if (*s == '"' && f->len == 0)
        quoted = TRUE;
      else if (*s == ',')
        {
          *p = s + 1;
          *last = FALSE;
          return;
        }
      else if (*s == '\n' || *s == '\0')
        break;
      else if (*s != '\r')
        g_string_append_c (f, *s);
    }
  *last = TRUE;
  *p = *s ? s + 1 : s;
}

/* The url column of a sidecar's text, NULL-terminated, in one block with
 * its strings (free it with g_free(): a takeout keeps one for each of its
 * 50,000 photos); NULL without one. */
char **
gpm_takeout_sidecar_urls (const char *text)
{
  g_autoptr(GString) f = g_string_sized_new (256);
  g_autoptr(GStrvBuilder) urls = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  const char *p = text;
  char **result;
  char *out;
  gsize n, chars = 0;
  int url_col = -1;
  gboolean last = FALSE;

  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;
  /* (the last column named so) */
  for (int c = 0; !last; c++)
    {
      csv_field (&p, f, &last);
      if (g_ascii_strcasecmp (f->str, "url") == 0)
        url_col = c;
    }
  if (url_col < 0)
    return NULL;
  while (*p)
    {
      last = FALSE;
      for (int c = 0; !last; c++)
        {
          csv_field (&p, f, &last);
          if (c == url_col && f->len > 0)
            g_strv_builder_add (urls, f->str);
        }
    }
  strv = g_strv_builder_end (urls);
  if (strv[0] == NULL)
    return NULL;
  for (n = 0; strv[n] != NULL; n++)
    chars += strlen (strv[n]) + 1;
  result = g_malloc ((n + 1) * sizeof (char *) + chars);
  out = (char *) (result + n + 1);
  for (gsize i = 0; i < n; i++)
    {
      gsize len = strlen (strv[i]) + 1;

      result[i] = memcpy (out, strv[i], len);
      out += len;
    }
  result[n] = NULL;
  return result;
}

/* The media "X" of the sidecar "X.metadata.csv" at @at sorts just before
 * it (between them only names that go on from "X" with a byte below
 * ".metadata.csv"): TRUE when the few entries before it tell whether it
 * is there (@media, or NULL), FALSE when a search of the index must. */
static gboolean
media_before_sidecar (Index  *index,
                      guint   at,
                      Entry **media)
{
  const Entry *sidecar = g_ptr_array_index (index->entries, at);
  gsize len = strlen (sidecar->pub.base_name) - strlen (SIDECAR_SUFFIX);

  if (sidecar->pub.folder == FOLDER_NONE)
    return FALSE;
  for (guint k = at; k > 0 && at - k < 4; k--)
    {
      Entry *e = g_ptr_array_index (index->entries, k - 1);
      int c;

      if (e->pub.folder != sidecar->pub.folder)
        return FALSE;
      c = strncmp (e->pub.base_name, sidecar->pub.base_name, len);
      if (c < 0)
        {
          *media = NULL;   /* (sorted: no "X" after this one) */
          return TRUE;
        }
      if (c == 0 && e->pub.base_name[len] == '\0')
        {
          *media = e;
          return TRUE;
        }
    }
  return FALSE;
}

/* Reads every sidecar once (an archive's were kept while loading; a
 * folder's are read from disk now) into each media entry's sidecar_urls and
 * the url → media table. Called with self->sidecar_lock held. */
static void
index_ensure_sidecars (GpmTakeout *self,
                       Index      *index)
{
  if (index->by_url != NULL)
    return;
  index->by_url = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < index->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (index->entries, i);
      g_autofree char *media_name = NULL;
      g_autofree char *text = NULL;
      Entry *media;

      if (!gpm_takeout_entry_is_sidecar (e))
        continue;
      if (!media_before_sidecar (index, i, &media))
        {
          media_name = gpm_takeout_entry_dup_name (e);
          media_name[strlen (media_name) - strlen (SIDECAR_SUFFIX)] = '\0';
          media = gpm_takeout_index_find (index, media_name);
        }
      if (self->parts[e->pub.part].kind != PART_DIR || self->parts[e->pub.part].sidecars_read)
        {
          /* Read while loading: the sidecar's own column, handed to its media
           * (a sidecar's sidecar, "X.metadata.csv.metadata.csv", sorts after
           * it: the sidecar's own column is handed on before it gets one). */
          g_autofree char **urls = g_steal_pointer (&e->sidecar_urls);

          if (media == NULL || media->sidecar_urls != NULL)
            continue;
          media->sidecar_urls = g_steal_pointer (&urls);
        }
      else if (media == NULL || media->sidecar_urls != NULL)
        continue;
      else
        {
          g_autofree char *path = gpm_takeout_dup_entry_path (self, &e->pub);
          GStatBuf sb;

          if (g_stat (path, &sb) != 0 || sb.st_size > SIDECAR_MAX_SIZE ||
              !g_file_get_contents (path, &text, NULL, NULL))
            continue;
        }
      if (text != NULL)
        media->sidecar_urls = gpm_takeout_sidecar_urls (text);
      if (media->sidecar_urls == NULL)
        continue;
      for (guint k = 0; media->sidecar_urls[k]; k++)
        if (!g_hash_table_contains (index->by_url, media->sidecar_urls[k]))
          g_hash_table_insert (index->by_url, media->sidecar_urls[k], media);
    }
}

char *
gpm_takeout_dup_url_file_name (const char *url)
{
  const char *end, *slash;
  g_autofree char *seg = NULL;
  char *dec;

  if (url == NULL || *url == '\0')
    return NULL;
  end = url + strcspn (url, "?#");
  while (end > url && end[-1] == '/')
    end--;
  slash = g_strrstr_len (url, end - url, "/");
  seg = g_strndup (slash ? slash + 1 : url, end - (slash ? slash + 1 : url));
  if (*seg == '\0')
    return NULL;
  dec = g_uri_unescape_string (seg, "/");
  return dec ? dec : g_steal_pointer (&seg);
}

void
gpm_takeout_add_media_reference (GpmTakeout *self,
                                 const char *file_name,
                                 gboolean    others)
{
  g_autofree char *from_url = NULL;
  const char *base;

  g_return_if_fail (GPM_IS_TAKEOUT (self));
  if (file_name == NULL || *file_name == '\0')
    return;
  /* A url (a media without localFilePath): its last segment is the name. */
  if (strstr (file_name, "://") != NULL && (from_url = gpm_takeout_dup_url_file_name (file_name)) == NULL)
    return;
  base = gpm_takeout_base_name (from_url ? from_url : file_name);
  /* (the name is copied only when it is new: most are counted once more) */
  g_mutex_lock (&self->lock);
  if (others)
    {
      if (!g_hash_table_contains (self->other_refs, base))
        g_hash_table_add (self->other_refs, g_string_chunk_insert (self->ref_names, base));
    }
  else
    {
      gpointer key, n;

      if (g_hash_table_lookup_extended (self->own_refs, base, &key, &n))
        {
          g_hash_table_steal (self->own_refs, key);
          g_hash_table_insert (self->own_refs, key, GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
        }
      else
        g_hash_table_insert (self->own_refs, g_string_chunk_insert (self->ref_names, base), GUINT_TO_POINTER (1));
    }
  g_mutex_unlock (&self->lock);
}

/* Whether @e's own sidecar says it is another photo than @url. */
static gboolean
sidecar_contradicts (const Entry *e,
                     const char  *url)
{
  return url != NULL && *url != '\0' && e->sidecar_urls != NULL &&
         !g_strv_contains ((const char * const *) e->sidecar_urls, url);
}

/* The one file named @base, when taking it by that name alone cannot take
 * somebody else's photo: no other file has that name, no comment or
 * reshared post names it, no other media item of the user's names it, and
 * its sidecar (if any) does not describe another photo. */
static Entry *
unique_by_base_name (GpmTakeout *self,
                     Index      *index,
                     const char *base,
                     const char *url)
{
  gboolean unique = FALSE;
  Entry *e = gpm_takeout_index_find_base (index, base, &unique);
  gboolean claimed;

  if (e == NULL || !unique || gpm_takeout_entry_is_sidecar (e))
    return NULL;
  g_mutex_lock (&self->lock);
  claimed = g_hash_table_contains (self->other_refs, base) ||
            GPOINTER_TO_UINT (g_hash_table_lookup (self->own_refs, base)) > 1;
  g_mutex_unlock (&self->lock);
  if (claimed || sidecar_contradicts (e, url))
    return NULL;
  return e;
}

/* Profile and scrapbook (cover) photos: a post names them
 * "../Photos/Profile photos/X", the takeout has them in
 * "Photos/Miscellaneous Photos/Profile photos/X" (FiXato/Plexodus-Tools,
 * plexodus-tools.jq, get_all_resource_urls_and_local_filepaths, rewrites
 * the one into the other). Their names are often "photo.jpg", which the
 * base-name rule must not take. */
static Entry *
find_misc_photo (Index      *index,
                 const char *dir,
                 const char *file_name)
{
  static const char * const kinds[] = { "Profile photos/", "Scrapbook photos/" };
  static const char prefix[] = "../Photos/";

  if (!g_str_has_prefix (file_name, prefix))
    return NULL;
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (g_str_has_prefix (file_name + strlen (prefix), kinds[k]))
      {
        g_autofree char *moved = g_strconcat (dir, "/", prefix, "Miscellaneous Photos/",
                                              file_name + strlen (prefix), NULL);
        g_autofree char *wanted = resolve_relative (moved);

        return wanted ? gpm_takeout_index_find (index, wanted) : NULL;
      }
  return NULL;
}

const GpmTakeoutEntry *
gpm_takeout_find_media (GpmTakeout *self,
                        const char *post_entry,
                        const char *local_file_path,
                        const char *url)
{
  Index *index;
  g_autofree char *dir = NULL;
  g_autofree char *from_url = NULL;
  const char *file_name = local_file_path;
  Entry *exact = NULL;
  Entry *e;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), NULL);

  index = gpm_takeout_get_index_for_lookups (self);
  if (index == NULL)
    return NULL;
  if (file_name == NULL || *file_name == '\0')
    file_name = from_url = gpm_takeout_dup_url_file_name (url);

  g_mutex_lock (&self->sidecar_lock);
  index_ensure_sidecars (self, index);
  g_mutex_unlock (&self->sidecar_lock);

  /* 1. The exact path: relative to the post's folder (in any part of the
   * set), then from the takeout's root. */
  if (file_name != NULL)
    {
      g_autofree char *joined = NULL;
      g_autofree char *wanted = NULL;

      dir = post_entry && strchr (post_entry, '/') ? g_path_get_dirname (post_entry) : g_strdup ("");
      joined = dir[0] ? g_strconcat (dir, "/", file_name, NULL) : g_strdup (file_name);
      wanted = resolve_relative (joined);
      if (wanted)
        exact = gpm_takeout_index_find (index, wanted);
      if (exact == NULL)
        {
          g_clear_pointer (&wanted, g_free);
          wanted = resolve_relative (file_name);
          if (wanted)
            exact = gpm_takeout_index_find (index, wanted);
        }
      if (exact == NULL && dir[0] != '\0')
        exact = find_misc_photo (index, dir, file_name);
      /* A stale path that now names another photo (its sidecar says so) is
       * not this one. A name made from the url ("photo.jpg", which many
       * photos share) counts only when no other file or post has it. */
      if (exact != NULL && !sidecar_contradicts (exact, url) &&
          (from_url == NULL || unique_by_base_name (self, index, gpm_takeout_base_name (exact->pub.base_name), url) == exact))
        return &exact->pub;
    }

  /* 2. The sidecar whose url column is the media's url. */
  if (url != NULL && *url != '\0' && (e = g_hash_table_lookup (index->by_url, url)))
    return &e->pub;

  /* 3. The base name of localFilePath, only when it can mean nothing else.
   * A name made from the url ("photo.jpg") is no file name: not by itself. */
  if (from_url == NULL && file_name != NULL && exact == NULL &&
      (e = unique_by_base_name (self, index, gpm_takeout_base_name (file_name), url)))
    return &e->pub;

  return NULL;
}

gboolean
gpm_takeout_check_image (GpmTakeout             *self,
                         const GpmTakeoutEntry  *entry,
                         GCancellable           *cancellable,
                         GError                **error)
{
  Entry *e = (Entry *) entry;
  g_autoptr(GInputStream) stream = NULL;
  GError *found;
  gboolean checked;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!gpm_takeout_may_be_photo (entry->base_name))
    return TRUE;
  g_mutex_lock (&self->lock);
  checked = e->image_checked;
  g_mutex_unlock (&self->lock);

  if (!checked)
    {
      /* A folder's file (an archive's were checked while it was read). */
      g_autofree char *name = gpm_takeout_entry_dup_name (e);

      stream = gpm_takeout_open_entry (self, name, cancellable, NULL);
      found = stream ? gpm_takeout_check_image_head (read_more_stream, stream) : NULL;
      g_mutex_lock (&self->lock);
      if (!e->image_checked)
        gpm_takeout_entry_set_image_error (e, g_steal_pointer (&found));
      else
        g_clear_error (&found);
      g_mutex_unlock (&self->lock);
    }

  g_mutex_lock (&self->lock);
  found = e->rare && e->rare->image_error ? g_error_copy (e->rare->image_error) : NULL;
  g_mutex_unlock (&self->lock);
  if (found == NULL)
    return TRUE;
  g_propagate_error (error, found);
  return FALSE;
}
