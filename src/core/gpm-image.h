/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-image.h: is a media file a photo a pod can take? Checked locally with
 * GdkPixbuf, before anything is uploaded: a cheap look at the head of the
 * file while the takeout is read, a full decode where the bytes are read
 * anyway (preview, upload). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GPM_IMAGE_ERROR (gpm_image_error_quark ())
typedef enum {
  GPM_IMAGE_ERROR_EMPTY,      /* 0 bytes */
  GPM_IMAGE_ERROR_UNKNOWN,    /* not an image format GdkPixbuf knows */
  GPM_IMAGE_ERROR_DAMAGED,    /* the format is known, the image cannot be decoded */
} GpmImageError;
GQuark gpm_image_error_quark (void);

/* How many bytes of a file's head gpm_image_check_head() wants: enough for
 * a JPEG's header behind a large EXIF block. */
#define GPM_IMAGE_HEAD_SIZE (128 * 1024)

/* The cheap check: @data is the first bytes of a file (all of it when
 * @complete). Recognises the format and reads the size from the header, no
 * pixel is decoded. Fails when the file is empty, of no image format, or its
 * header is damaged; a head too short to tell passes (unless @complete).
 * @width and @height (may be NULL) get the size, or 0 when not known. */
gboolean gpm_image_check_head (const guint8 *data,
                               gsize         length,
                               gboolean      complete,
                               int          *width,
                               int          *height,
                               GError      **error);

/* Reads up to @size bytes into @buf: the bytes read, 0 at the end, -1 on
 * an error. */
typedef gssize (*GpmImageReadFunc) (gpointer source,
                                    guint8  *buf,
                                    gsize    size);

/* The cheap check on a file read from its start in 4 KiB steps, as far as
 * its header goes (at most GPM_IMAGE_HEAD_SIZE): what a takeout's loader
 * uses, so the photos' data is neither read nor decoded. A read error
 * passes (whoever reads the file says why). */
gboolean gpm_image_check_stream (GpmImageReadFunc  read_func,
                                 gpointer          source,
                                 int              *width,
                                 int              *height,
                                 GError          **error);

/* "image/jpeg", "image/png" or "image/gif" when @bytes begin with that
 * format's magic number (the formats every pod takes), else NULL. Needs no
 * MIME database. */
const char *gpm_image_common_mime_type (GBytes *bytes);

/* The full check: decodes the whole image. */
gboolean gpm_image_check      (GBytes       *bytes,
                               GError      **error);

G_END_DECLS
