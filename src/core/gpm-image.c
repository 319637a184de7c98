/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-image"

#include "config.h"

#include "gpm-image.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>

G_DEFINE_QUARK (gpm-image-error-quark, gpm_image_error)

typedef struct {
  int width;
  int height;
} Size;

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  Size *size = user_data;

  size->width = width;
  size->height = height;
}

static void
set_error_from_loader (GError     **error,
                       GError      *loader_error,
                       gboolean     known_format)
{
  if (!known_format || g_error_matches (loader_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
    g_set_error_literal (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_UNKNOWN, _("not an image"));
  else
    g_set_error (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_DAMAGED, _("damaged image (%s)"),
                 loader_error && loader_error->message ? loader_error->message : _("cannot be decoded"));
}

static gboolean
check_empty (gsize    length,
             GError **error)
{
  if (length > 0)
    return TRUE;
  g_set_error_literal (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_EMPTY, _("the file is empty"));
  return FALSE;
}

gboolean
gpm_image_check_head (const guint8 *data,
                      gsize         length,
                      gboolean      complete,
                      int          *width,
                      int          *height,
                      GError      **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) loader_error = NULL;
  Size size = { 0, 0 };
  gsize done = 0;
  gboolean ok = TRUE;

  if (width)
    *width = 0;
  if (height)
    *height = 0;
  if (!check_empty (length, error))
    return FALSE;

  loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &size);
  /* Small steps: the header is read as soon as it is there, and the pixels
   * after it are not decoded. */
  while (done < length && size.width == 0 && ok)
    {
      gsize n = MIN (length - done, 4096);

      ok = gdk_pixbuf_loader_write (loader, data + done, n, &loader_error);
      done += n;
    }
  /* Closing a loader that has only part of an image complains: not news. */
  gdk_pixbuf_loader_close (loader, NULL);

  if (size.width > 0 && size.height > 0)
    {
      if (width)
        *width = size.width;
      if (height)
        *height = size.height;
      return TRUE;
    }
  if (!ok)
    {
      set_error_from_loader (error, loader_error, gdk_pixbuf_loader_get_format (loader) != NULL);
      return FALSE;
    }
  if (complete || length < 128)
    {
      /* All of it, and no header: a loader that knew the format would have
       * found one. */
      set_error_from_loader (error, NULL, gdk_pixbuf_loader_get_format (loader) != NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
gpm_image_check (GBytes  *bytes,
                 GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) loader_error = NULL;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  gboolean ok;

  if (!check_empty (length, error))
    return FALSE;

  loader = gdk_pixbuf_loader_new ();
  ok = gdk_pixbuf_loader_write (loader, data, length, &loader_error);
  if (ok)
    ok = gdk_pixbuf_loader_close (loader, &loader_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);
  if (!ok || gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      set_error_from_loader (error, loader_error, gdk_pixbuf_loader_get_format (loader) != NULL);
      return FALSE;
    }
  return TRUE;
}
