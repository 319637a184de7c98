/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-archive-reader"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gpm-archive-reader.h"

/* Reads start small after a seek or skip (a local header and a small JSON
 * entry fit) and double while the archive reads on, so that hopping over
 * media costs one small read per entry, and long runs read in big blocks. */
#define MIN_READ  (4 * 1024)
#define MAX_READ  (256 * 1024)

G_DEFINE_QUARK (gpm-archive-reader-error-quark, gpm_archive_reader_error)

struct _GpmArchiveReader {
  struct archive *archive;
  int             fd;
  guint64         pos;
  gsize           next_read;
  guchar         *buf;
  GCancellable   *cancellable;
};

static la_ssize_t
client_read (struct archive *a,
             void           *data,
             const void    **buffer)
{
  GpmArchiveReader *self = data;
  ssize_t n;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      archive_set_error (a, ECANCELED, "%s", _("Cancelled"));
      return -1;
    }

  do
    n = read (self->fd, self->buf, self->next_read);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      archive_set_error (a, errno, "%s", g_strerror (errno));
      return -1;
    }

  self->pos += n;
  if (self->next_read < MAX_READ)
    self->next_read *= 2;
  *buffer = self->buf;
  return n;
}

static la_int64_t
client_seek (struct archive *a,
             void           *data,
             la_int64_t      offset,
             int             whence)
{
  GpmArchiveReader *self = data;
  off_t r = lseek (self->fd, offset, whence);

  if (r < 0)
    {
      archive_set_error (a, errno, "%s", g_strerror (errno));
      return ARCHIVE_FATAL;
    }
  self->pos = r;
  self->next_read = MIN_READ;
  return r;
}

static la_int64_t
client_skip (struct archive *a,
             void           *data,
             la_int64_t      request)
{
  GpmArchiveReader *self = data;
  off_t r = lseek (self->fd, request, SEEK_CUR);

  if (r < 0)
    return 0; /* libarchive reads and discards instead */
  self->pos = r;
  self->next_read = MIN_READ;
  return request;
}

gboolean
gpm_archive_sniff (const guint8   *head,
                   gsize           len,
                   GpmArchiveKind *kind)
{
  static const guint8 xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
  static const guint8 zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };

  if (len >= 4 && head[0] == 'P' && head[1] == 'K' &&
      ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) ||
       (head[2] == 7 && head[3] == 8)))
    {
      *kind = GPM_ARCHIVE_ZIP;
      return TRUE;
    }
  if ((len >= 2 && head[0] == 0x1f && head[1] == 0x8b) ||
      (len >= 3 && memcmp (head, "BZh", 3) == 0) ||
      (len >= sizeof xz && memcmp (head, xz, sizeof xz) == 0) ||
      (len >= sizeof zstd && memcmp (head, zstd, sizeof zstd) == 0) ||
      (len >= 262 && memcmp (head + 257, "ustar", 5) == 0))
    {
      *kind = GPM_ARCHIVE_TAR;
      return TRUE;
    }
  return FALSE;
}

static GpmArchiveReader *
reader_open (const char     *path,
             GpmArchiveKind  kind,
             gboolean        streaming_zip,
             guint64         start,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(GpmArchiveReader) self = g_new0 (GpmArchiveReader, 1);
  struct archive *a;
  int r;

  self->fd = -1;
  self->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->fd < 0)
    {
      int saved = errno;
      g_set_error (error, GPM_ARCHIVE_READER_ERROR,
                   saved == ENOENT ? GPM_ARCHIVE_READER_ERROR_NOT_FOUND : GPM_ARCHIVE_READER_ERROR_IO,
                   "%s", g_strerror (saved));
      return NULL;
    }
  if (start > 0 && lseek (self->fd, (off_t) start, SEEK_SET) < 0)
    {
      int saved = errno;
      g_set_error (error, GPM_ARCHIVE_READER_ERROR, GPM_ARCHIVE_READER_ERROR_IO, "%s", g_strerror (saved));
      return NULL;
    }
  self->pos = start;
  self->buf = g_malloc (MAX_READ);
  self->next_read = MIN_READ;
  self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;

  a = self->archive = archive_read_new ();
  if (kind == GPM_ARCHIVE_ZIP)
    {
      if (streaming_zip)
        archive_read_support_format_zip_streamable (a);
      else
        archive_read_support_format_zip_seekable (a);
    }
  else
    {
      archive_read_support_format_tar (a);
      archive_read_support_filter_gzip (a);
      archive_read_support_filter_bzip2 (a);
      archive_read_support_filter_xz (a);
      archive_read_support_filter_zstd (a);
    }

  archive_read_set_read_callback (a, client_read);
  archive_read_set_skip_callback (a, client_skip);
  if (kind == GPM_ARCHIVE_ZIP && !streaming_zip)
    archive_read_set_seek_callback (a, client_seek);
  archive_read_set_callback_data (a, self);

  r = archive_read_open1 (a);
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_set_error (error, GPM_ARCHIVE_READER_ERROR, GPM_ARCHIVE_READER_ERROR_CORRUPT,
                   "%s", archive_error_string (a) ? archive_error_string (a) : _("unreadable archive"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

GpmArchiveReader *
gpm_archive_reader_open (const char     *path,
                         GpmArchiveKind  kind,
                         gboolean        streaming_zip,
                         GCancellable   *cancellable,
                         GError        **error)
{
  return reader_open (path, kind, streaming_zip, 0, cancellable, error);
}

GpmArchiveReader *
gpm_archive_reader_open_zip_at (const char    *path,
                                guint64        offset,
                                GCancellable  *cancellable,
                                GError       **error)
{
  return reader_open (path, GPM_ARCHIVE_ZIP, TRUE, offset, cancellable, error);
}

struct archive *
gpm_archive_reader_get_archive (GpmArchiveReader *self)
{
  return self->archive;
}

guint64
gpm_archive_reader_get_position (GpmArchiveReader *self)
{
  return self->pos;
}

void
gpm_archive_reader_free (GpmArchiveReader *self)
{
  if (self == NULL)
    return;
  if (self->archive)
    archive_read_free (self->archive);
  if (self->fd >= 0)
    close (self->fd);
  g_clear_object (&self->cancellable);
  g_free (self->buf);
  g_free (self);
}

/* Windows-1252's characters at 0x80–0x9F (the rest of its first 256 are
 * Latin-1's); 0 where it has none. */
static const gunichar cp1252_high[32] = {
  0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
  0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

char *
gpm_archive_undo_mojibake (const char *name)
{
  char stack[256];
  g_autofree char *heap = NULL;
  char *bytes;
  gsize n = 0;
  gboolean high = FALSE;
  const char *p;

  /* Plain ASCII, most names: nothing to undo. */
  for (p = name; *p && (guchar) *p < 0x80; p++)
    ;
  if (*p == '\0')
    return NULL;

  /* (one byte for each character: no longer than @name; a copy only for
   * the rare long name, as this runs for each of a takeout's names) */
  bytes = strlen (name) < sizeof stack ? stack : (heap = g_malloc (strlen (name) + 1));
  for (p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint byte = 0;

      if (c < 0x100)
        byte = c;
      else
        {
          for (guint k = 0; k < G_N_ELEMENTS (cp1252_high) && byte == 0; k++)
            if (cp1252_high[k] == c)
              byte = 0x80 + k;
          if (byte == 0)
            return NULL;   /* a character no single byte was decoded into */
        }
      high |= byte >= 0x80;
      bytes[n++] = (char) byte;
    }
  /* Only when the bytes are UTF-8 with at least one multi-byte character:
   * text really meant as Latin-1 ("Café") almost never is. */
  if (!high || !g_utf8_validate_len (bytes, n, NULL))
    return NULL;
  return g_strndup (bytes, n);
}

/* Characters NFC leaves as they are, whatever follows them but a combining
 * mark (itself outside these ranges): Latin and IPA below the combining
 * diacritics, Cyrillic but its combining marks, kana but the voicing marks
 * (a Mac's NFD writes "が" as "か" + U+3099), CJK ideographs, Hangul
 * syllables. Names of these alone, most names, need no normalizing
 * (g_utf8_normalize() was 0.7 µs a name). */
static gboolean
nfc_stable (gunichar c)
{
  return c < 0x300 || (c >= 0x400 && c <= 0x482) || (c >= 0x48a && c <= 0x52f) ||
         (c >= 0x3040 && c <= 0x3098) || (c >= 0x309b && c <= 0x30ff) ||
         (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3);
}

char *
gpm_archive_dup_nfc (const char *utf8)
{
  const char *p;
  char *nfc;

  /* Plain ASCII, most names: NFC already. */
  for (p = utf8; *p && (guchar) *p < 0x80; p++)
    ;
  for (; *p && nfc_stable (g_utf8_get_char (p)); p = g_utf8_next_char (p))
    ;
  if (*p == '\0')
    return NULL;
  nfc = g_utf8_normalize (utf8, -1, G_NORMALIZE_NFC);
  if (nfc != NULL && strcmp (nfc, utf8) == 0)
    g_clear_pointer (&nfc, g_free);
  return nfc;
}

/* @utf8 (taken) as every reader of the takeout names it, whether libarchive
 * read the name or our own walk of a zip's directory did (the names a load
 * pass lists must be the names an entry is found by again):
 *  - a zip name with '\\' and no '/' has its folders separated by '\\':
 *    Windows archivers write such names (PowerShell's Compress-Archive before
 *    Microsoft.PowerShell.Archive 1.2.3.0, issue #48 there), and libarchive
 *    reads them with '/' (archive_read_support_format_zip.c, "Windows
 *    archivers sometimes use backslash as the directory separator");
 *  - names in NFC: a folder zipped on a Mac's HFS+ has its names in NFD,
 *    libarchive reads UTF-8 names as NFC (archive_string.c, "translate NFD
 *    characters to NFC ones"), and the posts' localFilePaths are NFC. */
static char *
canonical_name (char           *utf8,
                GpmArchiveKind  kind)
{
  char *nfc;

  if (kind == GPM_ARCHIVE_ZIP && strchr (utf8, '\\') != NULL && strchr (utf8, '/') == NULL)
    g_strdelimit (utf8, "\\", '/');

  if ((nfc = gpm_archive_dup_nfc (utf8)) != NULL)
    {
      g_free (utf8);
      utf8 = nfc;
    }
  return utf8;
}

char *
gpm_archive_dup_utf8_name (const char     *raw,
                           GpmArchiveKind  kind)
{
  char *utf8;

  if (g_utf8_validate (raw, -1, NULL))
    {
      utf8 = gpm_archive_undo_mojibake (raw);
      return canonical_name (utf8 ? utf8 : g_strdup (raw), kind);
    }

  /* No UTF-8 flag and not UTF-8: zip tools wrote the legacy DOS code
   * page; tar has no rule, Latin-1 is the common case and never fails. */
  utf8 = g_convert (raw, -1, "UTF-8", kind == GPM_ARCHIVE_ZIP ? "CP437" : "ISO-8859-1",
                    NULL, NULL, NULL);
  if (utf8 == NULL)
    utf8 = g_utf8_make_valid (raw, -1);
  return canonical_name (utf8, kind);
}

char *
gpm_archive_entry_dup_utf8_name (struct archive_entry *entry,
                                 GpmArchiveKind        kind)
{
  const char *raw = archive_entry_pathname (entry);

  if (raw == NULL)
    raw = archive_entry_pathname_utf8 (entry);
  if (raw == NULL)
    return NULL;
  return gpm_archive_dup_utf8_name (raw, kind);
}

gpointer
gpm_archive_utf8_locale_push (void)
{
  locale_t base, loc;

  base = duplocale (uselocale ((locale_t) 0));
  if (base == (locale_t) 0)
    return NULL;
  loc = newlocale (LC_CTYPE_MASK, "C.UTF-8", base);
  if (loc == (locale_t) 0)
    loc = newlocale (LC_CTYPE_MASK, "en_US.UTF-8", base);
  if (loc == (locale_t) 0)
    {
      freelocale (base);
      return NULL;
    }
  /* @loc now owns @base's storage. */
  return uselocale (loc);
}

void
gpm_archive_utf8_locale_pop (gpointer token)
{
  locale_t ours;

  if (token == NULL)
    return;
  ours = uselocale ((locale_t) token);
  freelocale (ours);
}
