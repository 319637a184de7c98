/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert-media.c: a post's photos and videos: which kind each is,
 * where it is in the takeout (gpm_convert_takeout_resolver()), whether
 * the pod can take it, what the conversion warns about, and which are
 * links to a video site kept in the text. */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert-private.h"

#include <glib/gi18n.h>
#include <string.h>

void
_gpm_convert_media_free (GpmConvertMedia *m)
{
  g_free (m->file_name);
  g_free (m->entry);
  g_free (m);
}

static GpmConvertMediaKind
media_kind (const GpmMedia *m, const char *file_name)
{
  static const char * const video_ext[] = { ".mp4", ".m4v", ".mov", ".webm", ".avi", ".3gp", ".mkv", ".wmv", ".mpg", ".mpeg", NULL };
  static const char * const photo_ext[] = { ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".heic", ".tif", ".tiff", NULL };
  g_autofree char *lower = file_name ? g_ascii_strdown (file_name, -1) : NULL;

  if (m->content_type != NULL)
    {
      if (g_str_has_prefix (m->content_type, "video/"))
        return GPM_CONVERT_MEDIA_VIDEO;
      if (g_str_has_prefix (m->content_type, "image/") && strcmp (m->content_type, "image/*") != 0)
        return GPM_CONVERT_MEDIA_PHOTO;
    }
  for (guint i = 0; lower && video_ext[i]; i++)
    if (g_str_has_suffix (lower, video_ext[i]))
      return GPM_CONVERT_MEDIA_VIDEO;
  for (guint i = 0; lower && photo_ext[i]; i++)
    if (g_str_has_suffix (lower, photo_ext[i]))
      return GPM_CONVERT_MEDIA_PHOTO;
  if (m->content_type != NULL && g_str_has_prefix (m->content_type, "image/"))
    return GPM_CONVERT_MEDIA_PHOTO;
  return GPM_CONVERT_MEDIA_OTHER;
}

/* localFilePath, else the last path segment of the url, decoded. */
static char *
media_file_name (const GpmMedia *m)
{
  if (m->local_file_path != NULL && *m->local_file_path != '\0')
    return g_strdup (m->local_file_path);
  return gpm_takeout_dup_url_file_name (m->url);
}

/* A media item that is a link to a video elsewhere (YouTube, Vimeo…), not
 * a file: no localFilePath and no file found, and the url is a video site's,
 * or any site's but Google's own media storage for what is not a photo. It
 * is kept in the text as its link. */
static gboolean
media_is_link (const GpmMedia *m)
{
  static const char * const video_hosts[] = {
    "youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "dailymotion.com",
  };
  static const char * const media_hosts[] = {
    "googleusercontent.com", "ggpht.com", "googlevideo.com", "google.com",
  };
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (m == NULL || (m->local_file_path != NULL && *m->local_file_path != '\0') || m->url == NULL)
    return FALSE;
  uri = g_uri_parse (m->url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    return FALSE;
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return FALSE;
#define HOST_IS(h) (g_ascii_strcasecmp (host, h) == 0 || \
                    (g_str_has_suffix (host, h) && host[strlen (host) - strlen (h) - 1] == '.'))
  for (gsize i = 0; i < G_N_ELEMENTS (video_hosts); i++)
    if (HOST_IS (video_hosts[i]))
      return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (media_hosts); i++)
    if (HOST_IS (media_hosts[i]))
      return FALSE;
#undef HOST_IS
  return m->content_type == NULL || !g_str_has_prefix (m->content_type, "image/");
}

void
_gpm_convert_add_media (GpmConvertResult        *r,
           const GpmMedia          *m,
           const char              *post_entry,
           GpmConvertMediaResolver  resolver,
           gpointer                 resolver_data)
{
  GpmConvertMedia *cm = g_new0 (GpmConvertMedia, 1);
  const char *shown;

  cm->media = m;
  cm->file_name = media_file_name (m);
  cm->kind = media_kind (m, cm->file_name);
  if (cm->file_name != NULL && resolver != NULL)
    cm->entry = resolver (post_entry, m, cm->file_name, resolver_data);
  if (cm->entry == NULL && media_is_link (m))
    {
      /* In the text (see gpm_convert_post); nothing to upload. */
      cm->link = TRUE;
      g_ptr_array_add (r->media, cm);
      return;
    }
  shown = cm->file_name ? cm->file_name : (m->url ? m->url : "?");

  if (cm->entry != NULL && cm->kind == GPM_CONVERT_MEDIA_PHOTO && resolver == gpm_convert_takeout_resolver)
    {
      /* 0 bytes, not an image, a damaged header: the pod would refuse it. */
      const GpmTakeoutEntry *e = gpm_takeout_lookup (resolver_data, cm->entry);
      g_autoptr(GError) error = NULL;

      if (e != NULL && !gpm_takeout_check_image (resolver_data, e, NULL, &error))
        {
          g_ptr_array_add (r->warnings, g_strdup_printf (_("The photo “%s” cannot be posted: %s."), shown, error->message));
          g_ptr_array_add (r->media, cm);
          return;
        }
    }
  if (cm->entry == NULL)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("The media file “%s” is not in the takeout."), shown));
  if (cm->kind == GPM_CONVERT_MEDIA_VIDEO)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("“%s” is a video: diaspora* takes photos only, so it will not be uploaded."), shown));
  else if (cm->kind == GPM_CONVERT_MEDIA_OTHER)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("“%s” is not a photo diaspora* can take, so it will not be uploaded."), shown));
  cm->uploadable = cm->entry != NULL && cm->kind == GPM_CONVERT_MEDIA_PHOTO;
  g_ptr_array_add (r->media, cm);
}

/* #photo #photography only when a photo is really attached: one that will
 * be uploaded. Without a resolver nothing is known of the files: the post's
 * album or media decide, as in Part III. */
gboolean
_gpm_convert_has_photo (GpmConvertResult *r,
           gboolean          has_media,
           gboolean          resolved)
{
  if (!resolved)
    return has_media;
  for (guint i = 0; i < r->media->len; i++)
    if (((GpmConvertMedia *) g_ptr_array_index (r->media, i))->uploadable)
      return TRUE;
  return FALSE;
}

char *
gpm_convert_takeout_resolver (const char     *post_entry,
                              const GpmMedia *media,
                              const char     *file_name,
                              gpointer        user_data)
{
  GpmTakeout *takeout = user_data;
  const GpmTakeoutEntry *entry;

  g_return_val_if_fail (GPM_IS_TAKEOUT (takeout), NULL);

  if (media != NULL)
    entry = gpm_takeout_find_media (takeout, post_entry, media->local_file_path, media->url);
  else
    entry = gpm_takeout_find_media (takeout, post_entry, file_name, NULL);
  return entry != NULL ? gpm_takeout_dup_entry_name (takeout, entry) : NULL;
}
