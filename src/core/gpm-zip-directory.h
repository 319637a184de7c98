/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-zip-directory.h: private to the takeout module. Reads a zip's central
 * directory into a table of where each entry's local header is, in the
 * order libarchive's seekable reader visits the entries (by local header
 * offset), so that one entry can be reached without walking the others. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 offset;   /* of the local header, from the start of the file */
  guint16 flags;    /* general purpose bit flags */
  guint16 method;   /* compression method */
} GpmZipRecord;

/* The records sorted by offset, or NULL (with @error) when the central
 * directory cannot be read: not a zip, truncated, multi-disk. */
GArray *gpm_zip_directory_read (const char  *path,
                                GError     **error);

/* Whether libarchive's streaming reader, started at the record's local
 * header, reads this entry the way the seekable reader does: not for
 * encrypted entries (a stored entry whose sizes follow the data ends at
 * the descriptor whose CRC matches the data read, which libarchive checks). */
gboolean gpm_zip_record_is_direct (const GpmZipRecord *record);

G_END_DECLS
