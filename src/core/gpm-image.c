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
static const struct { const char *magic; gsize len; const char *type; } known[] = {
  { "\xff\xd8\xff", 3, "jpeg" },
  { "\x89PNG\r\n\x1a\n", 8, "png" },
  { "GIF87a", 6, "gif" },
  { "GIF89a", 6, "gif" },
};

const char *
gpm_image_common_mime_type (GBytes *bytes)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (length >= known[i].len && memcmp (data, known[i].magic, known[i].len) == 0)
      return g_str_equal (known[i].type, "jpeg") ? "image/jpeg"
             : g_str_equal (known[i].type, "png") ? "image/png" : "image/gif";
  return NULL;
}

static GdkPixbufLoader *
loader_for (const guint8 *data,
            gsize         length)
{
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

/* JPEG markers (ITU T.81 table B.1) */
enum {
  M_SOF0 = 0xc0, M_SOF1 = 0xc1, M_SOF2 = 0xc2, M_DHT = 0xc4,
  M_SOI = 0xd8, M_SOS = 0xda, M_DQT = 0xdb, M_DRI = 0xdd,
  M_APP0 = 0xe0, M_APP15 = 0xef, M_COM = 0xfe,
};

#define JPEG_MAX_DIMENSION 65500   /* libjpeg's */

/* Whether libjpeg's jpeg_read_header(), which is what GdkPixbuf's JPEG
 * loader runs before it reports the size, reads this head up to the first
 * scan without an error: 1 (with the size), 0 when the head ends first, -1
 * when this walk does not know (then the loader is asked). It takes only
 * what libjpeg-turbo takes without complaint, checked the way its
 * jdmarker.c and jdinput.c check it: SOF0/1/2 of 8-bit samples with 1 or 3
 * components, their sampling factors, quantization and Huffman tables
 * well formed, DRI, APPn and COM of a sane length, and a SOS naming
 * components of the frame; anything else (arithmetic coding, 12-bit
 * samples, bytes between markers, odd lengths) is the loader's to judge.
 * The loader goes on to decode the first rows and keeps a GObject, a
 * module and a full-size pixel buffer: that was most of a photo check. */
static int
jpeg_head_size (const guint8 *d,
                gsize         len,
                int          *width,
                int          *height)
{
  gsize p = 2;
  guint8 ids[3];
  guint n_ids = 0;

  if (len < 3 || d[0] != 0xff || d[1] != M_SOI || d[2] != 0xff)
    return -1;
  for (;;)
    {
      guint marker, seg;
      const guint8 *s;

      /* A marker: 0xff, any 0xff fill bytes, its code. */
      if (p >= len)
        return 0;
      if (d[p] != 0xff)
        return -1;
      while (p < len && d[p] == 0xff)
        p++;
      if (p + 3 > len)
        return 0;
      marker = d[p];
      seg = (guint) d[p + 1] << 8 | d[p + 2];   /* the segment's length, its own 2 bytes included */
      if (seg < 2)
        return -1;
      if (p + 1 + seg > len)
        return 0;   /* libjpeg waits for the whole segment too */
      s = d + p + 3;
      seg -= 2;
      p += 1 + 2 + seg;

      if ((marker >= M_APP0 && marker <= M_APP15) || marker == M_COM)
        continue;
      switch (marker)
        {
        case M_SOF0:
        case M_SOF1:
        case M_SOF2:
          {
            guint h, w;

            if (n_ids > 0 || seg < 6)
              return -1;
            h = (guint) s[1] << 8 | s[2];
            w = (guint) s[3] << 8 | s[4];
            if (s[0] != 8 || h == 0 || w == 0 ||
                h > JPEG_MAX_DIMENSION || w > JPEG_MAX_DIMENSION ||
                (s[5] != 1 && s[5] != 3) || seg != 6 + 3u * s[5])
              return -1;
            for (guint c = 0; c < s[5]; c++)
              {
                const guint8 *comp = s + 6 + 3 * c;
                guint hs = comp[1] >> 4, vs = comp[1] & 15;

                for (guint k = 0; k < c; k++)
                  if (ids[k] == comp[0])
                    return -1;
                if (hs < 1 || hs > 4 || vs < 1 || vs > 4 || comp[2] > 3)
                  return -1;
                ids[c] = comp[0];
              }
            n_ids = s[5];
            *width = (int) w;
            *height = (int) h;
          }
          break;
        case M_DQT:
          for (gsize i = 0; i < seg;)
            {
              guint prec = s[i] >> 4;

              if (prec > 1 || (s[i] & 15) > 3 || i + 1 + 64 * (prec + 1) > seg)
                return -1;
              i += 1 + 64 * (prec + 1);
            }
          break;
        case M_DHT:
          for (gsize i = 0; i < seg;)
            {
              guint count = 0;

              if (i + 17 > seg || (s[i] & ~0x13) != 0)
                return -1;
              for (guint k = 1; k <= 16; k++)
                count += s[i + k];
              if (count > 256 || i + 17 + count > seg)
                return -1;
              i += 17 + count;
            }
          break;
        case M_DRI:
          if (seg != 2)
            return -1;
          break;
        case M_SOS:
          {
            guint n = seg > 0 ? s[0] : 0;

            if (n_ids == 0 || n < 1 || n > 4 || seg != 4 + 2 * n)
              return -1;
            /* libjpeg-turbo looks a scan's i-th component up among the
             * frame's from the i-th on: the frame's order, none twice. */
            for (guint c = 0; c < n; c++)
              {
                guint k = 0;

                while (k < n_ids && ids[k] != s[1 + 2 * c])
                  k++;
                if (k == n_ids || k < c)
                  return -1;
                for (guint j = 0; j < c; j++)
                  if (s[1 + 2 * j] == s[1 + 2 * c])
                    return -1;
              }
            return 1;
          }
        default:
          return -1;
        }
    }
}

/* The loader for the format the first read names, with its size callback. */
static void
feed_loader (GdkPixbufLoader **loader,
             Size             *size,
             const guint8     *data,
             gsize             n,
             gboolean         *ok,
             GError          **loader_error)
{
  if (*loader == NULL)
    {
      *loader = loader_for (data, n);
      g_signal_connect (*loader, "size-prepared", G_CALLBACK (on_size_prepared), size);
    }
  *ok = gdk_pixbuf_loader_write (*loader, data, n, loader_error);
}

/* The head jpeg_head_size() reads, kept as it was read: when the walk
 * cannot tell, the loader gets the same writes it got without the walk. */
typedef struct {
  guint8 *data;
  gsize   len;
  gsize   cap;
  gsize   steps[64];
  guint   n_steps;
  guint8  stack[8192];   /* most heads; a long EXIF block goes to the heap */
} Head;

static gboolean
head_append (Head         *head,
             const guint8 *data,
             gsize         n)
{
  if (head->n_steps == G_N_ELEMENTS (head->steps) || head->len + n > GPM_IMAGE_HEAD_SIZE)
    return FALSE;
  if (head->len + n > head->cap)
    {
      head->cap = GPM_IMAGE_HEAD_SIZE;
      if (head->data == head->stack)
        head->data = memcpy (g_malloc (head->cap), head->stack, head->len);
      else
        head->data = g_realloc (head->data, head->cap);
    }
  memcpy (head->data + head->len, data, n);
  head->len += n;
  head->steps[head->n_steps++] = n;
  return TRUE;
}

/* Feeds the loader the head's reads while it would have read on. */
static void
head_replay (Head             *head,
             GdkPixbufLoader **loader,
             Size             *size,
             gboolean         *ok,
             GError          **loader_error)
{
  gsize at = 0;

  for (guint i = 0; i < head->n_steps && *ok && size->width == 0; at += head->steps[i], i++)
    feed_loader (loader, size, head->data + at, head->steps[i], ok, loader_error);
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
  Head head;
  gboolean walking = TRUE;
  Size size = { 0, 0 };
  gsize done = 0;
  gboolean ok = TRUE, complete = FALSE, cut = FALSE;

  if (width)
    *width = 0;
  if (height)
    *height = 0;
  head.data = head.stack;
  head.len = 0;
  head.cap = sizeof head.stack;
  head.n_steps = 0;

  /* Small steps: the header is read as soon as it is there, and the bytes
   * after it are neither read nor decoded. A JPEG's is walked here; the
   * loader gets the bytes when the walk cannot tell. */
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
      done += n;
      if (walking)
        {
          gboolean kept = head_append (&head, chunk, n);

          if (kept)
            {
              int r = jpeg_head_size (head.data, head.len, &size.width, &size.height);

              if (r > 0)
                {
                  walking = FALSE;
                  break;
                }
              size.width = size.height = 0;
              if (r == 0)
                continue;
            }
          walking = FALSE;
          head_replay (&head, &loader, &size, &ok, &loader_error);
          if (kept || !ok || size.width != 0)
            continue;
        }
      feed_loader (&loader, &size, chunk, n, &ok, &loader_error);
    }
  /* Cut short or complete before the walk could tell. */
  if (walking)
    head_replay (&head, &loader, &size, &ok, &loader_error);
  if (head.data != head.stack)
    g_free (head.data);

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
