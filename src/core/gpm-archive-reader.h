/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-archive-reader.h: private to the takeout module. Opens one zip or
 * tar(.gz) file with libarchive through our own I/O callbacks (small reads
 * after a seek, real skips with lseek, so skipped media are never read),
 * and turns entry names into UTF-8. */
#pragma once

#include <gio/gio.h>
#include <archive.h>
#include <archive_entry.h>

G_BEGIN_DECLS

/* Its own domain: the reader sits below the takeout module and knows
 * nothing of it. gpm_takeout_open_entry() passes these on when the archive
 * itself cannot be opened any more. */
#define GPM_ARCHIVE_READER_ERROR (gpm_archive_reader_error_quark ())
typedef enum {
  GPM_ARCHIVE_READER_ERROR_NOT_FOUND,  /* the file does not exist (any more) */
  GPM_ARCHIVE_READER_ERROR_IO,         /* the file cannot be opened or read */
  GPM_ARCHIVE_READER_ERROR_CORRUPT,    /* libarchive cannot read it as that kind of archive */
} GpmArchiveReaderError;
GQuark gpm_archive_reader_error_quark (void);

typedef enum {
  GPM_ARCHIVE_ZIP,
  GPM_ARCHIVE_TAR,   /* tar, optionally gzip/bzip2/xz compressed */
} GpmArchiveKind;

typedef struct _GpmArchiveReader GpmArchiveReader;

/* @streaming_zip: read a zip front to back (local headers) instead of
 * through its central directory; for zips whose end is missing. */
GpmArchiveReader *gpm_archive_reader_open         (const char     *path,
                                                   GpmArchiveKind  kind,
                                                   gboolean        streaming_zip,
                                                   GCancellable   *cancellable,
                                                   GError        **error);
/* A zip read with the streaming reader from @offset, a local header: one
 * entry reached without reading the central directory or the entries
 * before it (gpm-zip-directory finds the offsets). */
GpmArchiveReader *gpm_archive_reader_open_zip_at  (const char     *path,
                                                   guint64         offset,
                                                   GCancellable   *cancellable,
                                                   GError        **error);
struct archive   *gpm_archive_reader_get_archive  (GpmArchiveReader *self);
/* Byte offset reached in the file. */
guint64           gpm_archive_reader_get_position (GpmArchiveReader *self);
void              gpm_archive_reader_free         (GpmArchiveReader *self);

/* A name whose UTF-8 was read as Latin-1 (or Windows-1252) and written
 * again as UTF-8 ("GrÃ¼ÃŸe" for "Grüße"; Part II of the seed warns about
 * the names in Takeout's .tgz): the name it was, or NULL when @name is not
 * such a thing. */
char             *gpm_archive_undo_mojibake (const char *name);

/* @utf8 in NFC, or NULL when it is already (names on a Mac's HFS+ are NFD,
 * the posts' localFilePaths NFC). */
char             *gpm_archive_dup_nfc             (const char *utf8);

/* A name's raw bytes (NUL-terminated) as UTF-8: as they are when they are
 * valid UTF-8 (zip names with the UTF-8 flag), else from CP437 (zip) or
 * ISO-8859-1 (tar); double-encoded names repaired (gpm_archive_undo_mojibake());
 * then as libarchive makes them: NFC, and a zip's '\\' as '/' in a name
 * without '/' (Windows archivers). */
char             *gpm_archive_dup_utf8_name       (const char     *raw,
                                                   GpmArchiveKind  kind);
/* The entry's name, the same way. Call between gpm_archive_utf8_locale_push/pop. */
char             *gpm_archive_entry_dup_utf8_name (struct archive_entry *entry,
                                                   GpmArchiveKind        kind);

/* libarchive converts names to the thread's locale charset; these switch
 * the calling thread's LC_CTYPE to UTF-8 for the duration (other
 * categories unchanged). Returns a token for pop. */
gpointer          gpm_archive_utf8_locale_push    (void);
void              gpm_archive_utf8_locale_pop     (gpointer token);

/* Sniff the first bytes of a file. Returns FALSE if neither zip nor tar. */
gboolean          gpm_archive_sniff               (const guint8   *head,
                                                   gsize           len,
                                                   GpmArchiveKind *kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmArchiveReader, gpm_archive_reader_free)

G_END_DECLS
