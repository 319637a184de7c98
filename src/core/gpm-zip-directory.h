/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-zip-directory.h: private to the takeout module. A zip's central
 * directory: as a table of where each entry's local header is, in the
 * order libarchive's seekable reader visits the entries (by local header
 * offset), so that one entry can be reached without walking the others;
 * and walked record by record with each entry's data read straight from
 * the file (stored or deflated, CRC checked), for the load pass
 * (gpm_takeout_load()): no record is kept, and reading is pread(2) on one
 * descriptor, so any thread may read any entry. */
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

/* One central directory record, as gpm_zip_walk_next() hands it out. */
typedef struct {
  guint64      offset;            /* of the local header, from the start of the file */
  guint64      compressed_size;
  guint64      size;              /* uncompressed */
  guint32      crc;
  guint32      external_attributes;
  guint16      made_by;           /* "version made by": the host in the high byte */
  guint16      flags;
  guint16      method;
  guint        ordinal;           /* its number in local header order (libarchive's) */
  const char  *name;              /* raw bytes, NOT NUL-terminated; valid until the next call */
  gsize        name_len;
} GpmZipEntryInfo;

typedef struct _GpmZipWalk GpmZipWalk;

/* Opens @path and checks its whole central directory in one streaming
 * pass: every record readable here (stored or deflated, not encrypted, no
 * Info-ZIP Unicode path field, local headers in increasing order, the
 * count right). NULL with @error otherwise: the caller reads the zip with
 * libarchive, which knows the rest. Holds one read window, not the
 * records (a 200,000-entry directory is 30 MB). */
GpmZipWalk *gpm_zip_walk_open      (const char       *path,
                                    GError          **error);
/* The next record in directory order (= local header order), FALSE at the end. */
gboolean    gpm_zip_walk_next      (GpmZipWalk       *walk,
                                    GpmZipEntryInfo  *info);
void        gpm_zip_walk_free      (GpmZipWalk       *walk);
/* How many records the directory says it has (a size hint: a zip of
 * 65,535 or more entries without zip64 records says 65,535). */
guint64     gpm_zip_walk_get_n_entries (GpmZipWalk   *walk);
/* The file, for gpm_zip_entry_reader_new() (valid as long as @walk). */
int         gpm_zip_walk_get_fd    (GpmZipWalk       *walk);
/* Whether the record is a directory, a symbolic link, or another file type
 * than a regular file, from its external attributes as libarchive reads them. */
typedef enum {
  GPM_ZIP_FILE_REGULAR,
  GPM_ZIP_FILE_DIRECTORY,
  GPM_ZIP_FILE_SYMLINK,
  GPM_ZIP_FILE_OTHER,
} GpmZipFileType;
GpmZipFileType gpm_zip_entry_info_get_type (const GpmZipEntryInfo *info);

/* One entry's data: the local header read, then the bytes inflated (or
 * copied when stored) on demand, and the CRC and size checked at the end. */
typedef struct _GpmZipEntryReader GpmZipEntryReader;

#define GPM_ZIP_ERROR (gpm_zip_error_quark ())
typedef enum {
  GPM_ZIP_ERROR_BAD_HEADER,   /* no local header where the directory says: the archive is damaged from here */
  GPM_ZIP_ERROR_BAD_DATA,     /* this entry's data: inflate error, CRC or size wrong, cut short */
  GPM_ZIP_ERROR_IO,
} GpmZipError;
GQuark gpm_zip_error_quark (void);

/* A reader over @fd (which must stay open), for one entry after another:
 * its buffers and inflate state are kept from one to the next. */
GpmZipEntryReader *gpm_zip_entry_reader_new   (int                     fd);
/* Reads @info's local header (BAD_HEADER when there is none) and gets
 * ready to read its data. @first_read: how much to read at the header at
 * once (its data follow: a small entry takes one read). */
gboolean           gpm_zip_entry_reader_start (GpmZipEntryReader      *reader,
                                               const GpmZipEntryInfo  *info,
                                               gsize                   first_read,
                                               GError                **error);
/* Right after gpm_zip_entry_reader_start(): the entry's compressed bytes
 * when they all came with its header (@len of them), else NULL. A copy
 * may be read elsewhere with gpm_zip_entry_reader_start_memory(). */
const guint8      *gpm_zip_entry_reader_peek_data   (GpmZipEntryReader      *reader,
                                                     gsize                  *len);
/* Gets ready to read @info's data from @data, its compressed_size bytes
 * (what gpm_zip_entry_reader_peek_data() gave): the reads, checks and
 * errors are those of reading it from the file. Any reader, even one made
 * with fd -1. */
gboolean           gpm_zip_entry_reader_start_memory (GpmZipEntryReader     *reader,
                                                      const GpmZipEntryInfo *info,
                                                      const guint8          *data,
                                                      GError               **error);
/* For a reader that mostly stops early (the photos' header checks): a
 * stored entry's CRC is computed only when it is read to its end, from
 * the file again; what the reads give is the same. */
void               gpm_zip_entry_reader_set_crc_at_end (GpmZipEntryReader *reader,
                                                        gboolean           at_end);
/* Up to @size bytes; 0 at the end (after the CRC and size checks passed). */
gssize             gpm_zip_entry_reader_read  (GpmZipEntryReader      *reader,
                                               void                   *buffer,
                                               gsize                   size,
                                               GError                **error);
void               gpm_zip_entry_reader_free  (GpmZipEntryReader      *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmZipWalk, gpm_zip_walk_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmZipEntryReader, gpm_zip_entry_reader_free)

G_END_DECLS
