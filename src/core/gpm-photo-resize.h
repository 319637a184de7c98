/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-photo-resize.h: shrinking photos before they are uploaded.
 *
 * diaspora*'s own web client shrinks any photo over 4 MiB so that its long
 * side is at most 3072 pixels before uploading it
 * (app/assets/javascripts/helpers/post_photo_uploader.es6 in v0.9.1.0:
 * sizeLimit 4194304 at :11, scaleImage maxSize 3072 at :102-104; 0.7 has
 * no such uploader and sends the original). Takeout originals are often bigger,
 * and pods sit behind proxies whose body limit answers 413. The migrator
 * does the same as the web client with GdkPixbuf, and shrinks further when
 * the pod still answers 413.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Photos larger than this are shrunk before the first upload. */
#define GPM_PHOTO_RESIZE_LIMIT (4u * 1024 * 1024)
/* ... to at most this many pixels on their long side. */
#define GPM_PHOTO_RESIZE_MAX_SIDE 3072u

/* Decodes @data, turns it upright by its embedded (EXIF) orientation,
 * scales it so that its long side is at most @max_side pixels (never up),
 * flattens transparency onto white and encodes it as JPEG. *@long_side
 * (may be NULL) gets the long side of the result. Fails when @data is no
 * image GdkPixbuf can read. */
GBytes  *gpm_photo_shrink             (GBytes    *data,
                                       guint      max_side,
                                       guint     *long_side,
                                       GError   **error);

/* The long side, in pixels, of the upright image in @data; 0 when it is
 * no image GdkPixbuf can read. */
guint    gpm_photo_get_long_side      (GBytes    *data);

/* @filename with its extension replaced by ".jpg" (for a shrunk photo). */
char    *gpm_photo_jpeg_name          (const char *filename);

G_END_DECLS
