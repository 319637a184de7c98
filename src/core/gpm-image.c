/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-image"

#include "config.h"

#include "gpm-image.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <string.h>

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

/* A loader for the format the first bytes name. The common formats are
 * told by their magic numbers here: GdkPixbuf's own choice runs GIO's
 * content type guess over the whole MIME database, which was most of the
 * cost of checking a photo's head. */
static GdkPixbufLoader *
loader_for (const guint8 *data,
            gsize         length)
{
  static const struct { const char *magic; gsize len; const char *type; } known[] = {
    { "\xff\xd8\xff", 3, "jpeg" },
    { "\x89PNG\r\n\x1a\n", 8, "png" },
    { "GIF87a", 6, "gif" },
    { "GIF89a", 6, "gif" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (length >= known[i].len && memcmp (data, known[i].magic, known[i].len) == 0)
      {
        GdkPixbufLoader *loader = gdk_pixbuf_loader_new_with_type (known[i].type, NULL);
        if (loader != NULL)
          return loader;
      }
  return gdk_pixbuf_loader_new ();
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
gpm_image_check_stream (GpmImageReadFunc   read_func,
                        gpointer           source,
                        int               *width,
                        int               *height,
                        GError           **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) loader_error = NULL;
  guint8 chunk[4096];
  Size size = { 0, 0 };
  gsize done = 0;
  gboolean ok = TRUE, complete = FALSE, cut = FALSE;

  if (width)
    *width = 0;
  if (height)
    *height = 0;

  /* Small steps: the header is read as soon as it is there, and the bytes
   * after it are neither read nor decoded. */
  while (ok && size.width == 0 && done < GPM_IMAGE_HEAD_SIZE)
    {
      gssize n = read_func (source, chunk, sizeof chunk);

      if (n < 0)
        {
          cut = TRUE;   /* a read error is for whoever reads the file to say */
          break;
        }
      if (n == 0)
        {
          complete = TRUE;
          break;
        }
      if (loader == NULL)
        {
          loader = loader_for (chunk, n);
          g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &size);
        }
      ok = gdk_pixbuf_loader_write (loader, chunk, n, &loader_error);
      done += n;
    }
  /* Closing a loader that has only part of an image complains: not news. */
  if (loader != NULL)
    gdk_pixbuf_loader_close (loader, NULL);
  if (cut && ok && size.width == 0)
    return TRUE;
  if (!check_empty (done, error))
    return FALSE;

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
  if (complete || done < 128)
    {
      /* All of it, and no header: a loader that knew the format would have
       * found one. */
      set_error_from_loader (error, NULL, gdk_pixbuf_loader_get_format (loader) != NULL);
      return FALSE;
    }
  return TRUE;   /* a header longer than GPM_IMAGE_HEAD_SIZE: cannot tell */
}

typedef struct {
  const guint8 *data;
  gsize         left;
  gboolean      complete;
} Memory;

static gssize
read_memory (gpointer source,
             guint8  *buf,
             gsize    size)
{
  Memory *m = source;
  gsize n = MIN (size, m->left);

  /* The end of a head that is not the whole file: "cannot tell". */
  if (n == 0 && !m->complete)
    return -1;
  memcpy (buf, m->data, n);
  m->data += n;
  m->left -= n;
  return n;
}

gboolean
gpm_image_check_head (const guint8 *data,
                      gsize         length,
                      gboolean      complete,
                      int          *width,
                      int          *height,
                      GError      **error)
{
  Memory m = { data, length, complete || length == 0 };

  return gpm_image_check_stream (read_memory, &m, width, height, error);
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

  loader = loader_for (data, length);
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
