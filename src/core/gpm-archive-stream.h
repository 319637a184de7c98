/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-archive-stream.h: private to the takeout module. A GInputStream over
 * the data of the entry a GpmArchiveReader is positioned at. */
#pragma once

#include <gio/gio.h>

#include "gpm-archive-reader.h"

G_BEGIN_DECLS

#define GPM_TYPE_ARCHIVE_STREAM (gpm_archive_stream_get_type ())
G_DECLARE_FINAL_TYPE (GpmArchiveStream, gpm_archive_stream, GPM, ARCHIVE_STREAM, GInputStream)

/* Takes ownership of @reader. @name is the entry's name, for messages. */
GInputStream *gpm_archive_stream_new (GpmArchiveReader *reader,
                                      const char       *name);

G_END_DECLS
