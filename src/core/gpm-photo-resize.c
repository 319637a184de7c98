/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-photo-resize"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <string.h>

#include "gpm-photo-resize.h"

#define JPEG_QUALITY "85"

typedef struct {
  guint max_side;   /* 0: full size */
  int   width, height;
} SizeRequest;

/* Decoding straight to the target size lets the JPEG loader scale while
 * it decodes (much faster than decoding a 20-megapixel original whole). */
static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  SizeRequest *req = user_data;
  int long_side = MAX (width, height);

  req->width = width;
  req->height = height;
  if (req->max_side > 0 && long_side > 0 && (guint) long_side > req->max_side)
    {
      double scale = (double) req->max_side / long_side;

      gdk_pixbuf_loader_set_size (loader, MAX (1, (int) (width * scale + 0.5)),
                                  MAX (1, (int) (height * scale + 0.5)));
    }
}

static GdkPixbuf *
decode_with (const char   *type,
             GBytes       *data,
             SizeRequest  *req,
             GError      **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  GdkPixbuf *pixbuf;

  loader = type != NULL ? gdk_pixbuf_loader_new_with_type (type, error) : gdk_pixbuf_loader_new ();
  if (loader == NULL)
    return NULL;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), req);
  if (!gdk_pixbuf_loader_write_bytes (loader, data, error))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }
  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE, _("The image is empty"));
      return NULL;
    }
  return g_object_ref (pixbuf);
}

/* gdk-pixbuf recognises formats through the MIME database; where there is
 * none (a sandbox, isolated tests) the formats photos come in are tried by
 * name. */
static GdkPixbuf *
decode (GBytes       *data,
        SizeRequest  *req,
        GError      **error)
{
  static const char *const types[] = { "jpeg", "png", "gif", "webp", "tiff", "bmp" };
  g_autoptr(GError) first = NULL;
  GdkPixbuf *pixbuf;

  pixbuf = decode_with (NULL, data, req, &first);
  if (pixbuf != NULL)
    return pixbuf;
  if (g_error_matches (first, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
    for (guint i = 0; i < G_N_ELEMENTS (types); i++)
      {
        g_autoptr(GError) local = NULL;

        pixbuf = decode_with (types[i], data, req, &local);
        if (pixbuf != NULL)
          return pixbuf;
        if (local != NULL && local->domain == GDK_PIXBUF_ERROR &&
            local->code != GDK_PIXBUF_ERROR_UNKNOWN_TYPE && req->width > 0)
          {
            /* the right loader, a damaged file */
            g_propagate_error (error, g_steal_pointer (&local));
            return NULL;
          }
      }
  g_propagate_error (error, g_steal_pointer (&first));
  return NULL;
}

guint
gpm_photo_get_long_side (GBytes *data)
{
  SizeRequest req = { 1, 0, 0 };   /* decode as small as the loader can */
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  g_return_val_if_fail (data != NULL, 0);
  pixbuf = decode (data, &req, NULL);
  return pixbuf != NULL ? (guint) MAX (req.width, req.height) : 0;
}

GBytes *
gpm_photo_shrink (GBytes   *data,
                  guint     max_side,
                  guint    *long_side,
                  GError  **error)
{
  SizeRequest req = { max_side, 0, 0 };
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GdkPixbuf) upright = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autofree char *buffer = NULL;
  gsize size = 0;
  int w, h;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (max_side > 0, NULL);

  decoded = decode (data, &req, error);
  if (decoded == NULL)
    return NULL;
  /* The JPEG written below carries no EXIF: turn the pixels instead. */
  upright = gdk_pixbuf_apply_embedded_orientation (decoded);
  if (upright == NULL)
    upright = g_object_ref (decoded);

  w = gdk_pixbuf_get_width (upright);
  h = gdk_pixbuf_get_height (upright);
  if ((guint) MAX (w, h) > max_side)
    {
      double scale = (double) max_side / MAX (w, h);

      w = MAX (1, (int) (w * scale + 0.5));
      h = MAX (1, (int) (h * scale + 0.5));
    }
  /* JPEG has no alpha: flatten onto white (and scale, when still needed). */
  if (gdk_pixbuf_get_has_alpha (upright))
    scaled = gdk_pixbuf_composite_color_simple (upright, w, h, GDK_INTERP_HYPER, 255, 8, 0xffffffu, 0xffffffu);
  else if (w != gdk_pixbuf_get_width (upright) || h != gdk_pixbuf_get_height (upright))
    scaled = gdk_pixbuf_scale_simple (upright, w, h, GDK_INTERP_HYPER);
  else
    scaled = g_object_ref (upright);
  if (scaled == NULL)
    {
      g_set_error_literal (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY,
                           _("Not enough memory to shrink the photo"));
      return NULL;
    }
  if (!gdk_pixbuf_save_to_buffer (scaled, &buffer, &size, "jpeg", error, "quality", JPEG_QUALITY, NULL))
    return NULL;
  if (long_side != NULL)
    *long_side = (guint) MAX (w, h);
  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}

char *
gpm_photo_jpeg_name (const char *filename)
{
  const char *dot = filename != NULL ? strrchr (filename, '.') : NULL;
  g_autofree char *stem = NULL;

  if (filename == NULL || *filename == '\0')
    return g_strdup ("photo.jpg");
  if (dot != NULL && dot != filename)
    {
      if (g_ascii_strcasecmp (dot, ".jpg") == 0 || g_ascii_strcasecmp (dot, ".jpeg") == 0)
        return g_strdup (filename);
      stem = g_strndup (filename, dot - filename);
    }
  else
    stem = g_strdup (filename);
  return g_strconcat (stem, ".jpg", NULL);
}
