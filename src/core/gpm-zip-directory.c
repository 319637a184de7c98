/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-zip-directory"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "gpm-zip-directory.h"

/* APPNOTE.TXT 4.3.12-4.3.16 */
#define SIG_LOCAL        0x04034b50u
#define SIG_CENTRAL      0x02014b50u
#define SIG_END          0x06054b50u
#define SIG_END64        0x06064b50u
#define SIG_END64_LOC    0x07064b50u
#define LOCAL_SIZE       30
#define CENTRAL_SIZE     46
#define END_SIZE         22
#define END64_SIZE       56
#define END64_LOC_SIZE   20
/* The end record's comment length is a 16-bit field (APPNOTE 4.4.12), so
 * the record starts at most this far before the end. */
#define MAX_COMMENT      G_MAXUINT16
/* A central directory larger than this is not read here (the caller walks
 * the archive instead); 2.5 million entries of 100 bytes. */
#define MAX_DIRECTORY    (256 * 1024 * 1024)

#define FLAG_ENCRYPTED   0x0001
#define FLAG_STRONG      0x0040

#define METHOD_STORED    0
#define METHOD_DEFLATED  8

G_DEFINE_QUARK (gpm-zip-error-quark, gpm_zip_error)

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
le64 (const guint8 *p)
{
  return (guint64) le32 (p) | ((guint64) le32 (p + 4) << 32);
}

static gboolean
read_at (int      fd,
         guint64  offset,
         guint8  *buf,
         gsize    len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, buf + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

static gboolean
fail (GError     **error,
      const char  *why)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, why);
  return FALSE;
}

/* Finds the end of central directory record (and the zip64 one when there
 * is one): where the directory starts, how long it is, how many entries. */
static gboolean
find_directory (int       fd,
                guint64   file_size,
                guint64  *dir_offset,
                guint64  *dir_size,
                guint64  *n_entries,
                gint64   *correction,
                GError  **error)
{
  gsize tail_len = (gsize) MIN (file_size, (guint64) (END_SIZE + MAX_COMMENT + END64_LOC_SIZE));
  guint64 tail_start = file_size - tail_len;
  g_autofree guint8 *tail = NULL;
  const guint8 *end = NULL;
  guint64 end_pos, dir_end;

  if (tail_len < END_SIZE)
    return fail (error, "too short for a zip");

  tail = g_malloc (tail_len);
  if (!read_at (fd, tail_start, tail, tail_len))
    return fail (error, "cannot read the end of the zip");

  for (gsize i = tail_len - END_SIZE + 1; i > 0; i--)
    {
      const guint8 *p = tail + i - 1;

      if (le32 (p) == SIG_END && (i - 1) + END_SIZE + le16 (p + 20) <= tail_len)
        {
          end = p;
          break;
        }
    }
  if (end == NULL)
    return fail (error, "no end of central directory");

  end_pos = tail_start + (guint64) (end - tail);
  if (le16 (end + 4) != 0 || le16 (end + 6) != 0)
    return fail (error, "a multi-disk zip");

  *n_entries = le16 (end + 10);
  *dir_size = le32 (end + 12);
  *dir_offset = le32 (end + 16);
  dir_end = end_pos;

  if (end - tail >= END64_LOC_SIZE && le32 (end - END64_LOC_SIZE) == SIG_END64_LOC)
    {
      const guint8 *loc = end - END64_LOC_SIZE;
      guint64 end64_pos = le64 (loc + 8);
      guint8 end64[END64_SIZE];

      if (le32 (loc + 4) != 0 || le32 (loc + 16) > 1)
        return fail (error, "a multi-disk zip");
      /* The locator's offset is off by the data in front of the zip too;
       * the record is usually right before the locator. */
      if (end64_pos + END64_SIZE > end_pos - END64_LOC_SIZE ||
          !read_at (fd, end64_pos, end64, sizeof end64) || le32 (end64) != SIG_END64)
        {
          if (end_pos < END64_LOC_SIZE + END64_SIZE)
            return fail (error, "no zip64 end of central directory");
          end64_pos = end_pos - END64_LOC_SIZE - END64_SIZE;
          if (!read_at (fd, end64_pos, end64, sizeof end64) || le32 (end64) != SIG_END64)
            return fail (error, "no zip64 end of central directory");
        }
      if (le32 (end64 + 16) != 0 || le32 (end64 + 20) != 0)
        return fail (error, "a multi-disk zip");
      *n_entries = le64 (end64 + 32);
      *dir_size = le64 (end64 + 40);
      *dir_offset = le64 (end64 + 48);
      dir_end = end64_pos;
    }

  /* Data before the zip (a self-extractor stub) moves every offset; the
   * directory ends where the end record starts. */
  if (*dir_size > dir_end || *dir_size > MAX_DIRECTORY)
    return fail (error, "bad central directory size");
  *correction = (gint64) (dir_end - *dir_size) - (gint64) *dir_offset;
  if ((gint64) *dir_offset + *correction < 0)
    return fail (error, "bad central directory offset");
  *dir_offset = (guint64) ((gint64) *dir_offset + *correction);
  return TRUE;
}

/* The central directory record at @p (@avail bytes there): FALSE when no
 * whole record is. The zip64 values are taken from the extra field. */
static gboolean
parse_central (const guint8    *p,
               gsize            avail,
               gint64           correction,
               GpmZipEntryInfo *info,
               gsize           *record_len,
               gboolean        *unicode_path)
{
  gsize name_len, extra_len, comment_len;
  const guint8 *x, *x_end;
  guint64 offset;

  if (avail < CENTRAL_SIZE || le32 (p) != SIG_CENTRAL)
    return FALSE;
  name_len = le16 (p + 28);
  extra_len = le16 (p + 30);
  comment_len = le16 (p + 32);
  *record_len = CENTRAL_SIZE + name_len + extra_len + comment_len;
  if (*record_len > avail)
    return FALSE;

  info->made_by = le16 (p + 4);
  info->flags = le16 (p + 8);
  info->method = le16 (p + 10);
  info->crc = le32 (p + 16);
  info->compressed_size = le32 (p + 20);
  info->size = le32 (p + 24);
  info->external_attributes = le32 (p + 38);
  offset = le32 (p + 42);
  info->name = (const char *) p + CENTRAL_SIZE;
  info->name_len = name_len;
  *unicode_path = FALSE;

  /* zip64: the 64-bit values follow in the extra field, in this order,
   * for the 32-bit fields that are all ones (APPNOTE 4.5.3). */
  x = p + CENTRAL_SIZE + name_len;
  x_end = x + extra_len;
  while (x + 4 <= x_end)
    {
      guint16 tag = le16 (x), len = le16 (x + 2);
      const guint8 *v = x + 4;
      const guint8 *v_end = v + len;

      if (v_end > x_end)
        break;
      if (tag == 0x0001)
        {
          if (info->size == G_MAXUINT32 && v + 8 <= v_end)
            {
              info->size = le64 (v);
              v += 8;
            }
          if (info->compressed_size == G_MAXUINT32 && v + 8 <= v_end)
            {
              info->compressed_size = le64 (v);
              v += 8;
            }
          if (offset == G_MAXUINT32 && v + 8 <= v_end)
            offset = le64 (v);
        }
      else if (tag == 0x7075)
        *unicode_path = TRUE;
      x = v_end;
    }

  info->offset = (guint64) ((gint64) offset + correction);
  return TRUE;
}

static int
record_compare (gconstpointer a,
                gconstpointer b)
{
  guint64 x = ((const GpmZipRecord *) a)->offset;
  guint64 y = ((const GpmZipRecord *) b)->offset;

  return (x > y) - (x < y);
}

GArray *
gpm_zip_directory_read (const char  *path,
                        GError     **error)
{
  g_autoptr(GArray) records = NULL;
  g_autofree guint8 *dir = NULL;
  guint64 dir_offset = 0, dir_size = 0, n_entries = 0;
  gint64 correction = 0;
  struct stat st;
  gsize pos = 0;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return NULL;
    }

  ok = fstat (fd, &st) == 0 &&
       find_directory (fd, (guint64) st.st_size, &dir_offset, &dir_size, &n_entries, &correction, error);
  if (ok)
    {
      dir = g_malloc (MAX (dir_size, 1));
      ok = read_at (fd, dir_offset, dir, dir_size) || fail (error, "cannot read the central directory");
    }
  close (fd);
  if (!ok)
    return NULL;

  records = g_array_sized_new (FALSE, FALSE, sizeof (GpmZipRecord), (guint) MIN (n_entries, 1u << 20));
  for (;;)
    {
      GpmZipEntryInfo info;
      GpmZipRecord record;
      gboolean unicode_path;
      gsize len;

      if (!parse_central (dir + pos, dir_size - pos, correction, &info, &len, &unicode_path))
        break;
      record.offset = info.offset;
      record.flags = info.flags;
      record.method = info.method;
      g_array_append_val (records, record);
      pos += len;
    }

  if (records->len != n_entries && n_entries != G_MAXUINT16)
    {
      fail (error, "the central directory is damaged");
      return NULL;
    }

  g_array_sort (records, record_compare);
  return g_steal_pointer (&records);
}

gboolean
gpm_zip_record_is_direct (const GpmZipRecord *record)
{
  return (record->flags & (FLAG_ENCRYPTED | FLAG_STRONG)) == 0;
}

/* Walking the directory for the load pass */

/* The directory is read through a window of this size (it grows only for
 * a record larger than it: names, extra fields and comments of 64 KiB each). */
#define WALK_WINDOW (1024 * 1024)

struct _GpmZipWalk {
  int      fd;
  guint64  dir_offset;
  guint64  dir_size;
  guint64  n_entries;
  gint64   correction;

  guint8  *buf;
  gsize    buf_cap;
  gsize    buf_pos;      /* next record in @buf */
  gsize    buf_len;
  guint64  read_pos;     /* directory bytes read into @buf so far */
  guint    ordinal;
  gboolean failed;       /* a record was not whole, or could not be read */
};

/* At least @need bytes of the directory from @buf_pos on in @buf, when the
 * directory has them. */
static gboolean
walk_fill (GpmZipWalk *walk,
           gsize       need)
{
  gsize have = walk->buf_len - walk->buf_pos;
  gsize want;

  if (have >= need)
    return TRUE;
  if (walk->read_pos + (need - have) > walk->dir_size)
    return FALSE;
  memmove (walk->buf, walk->buf + walk->buf_pos, have);
  walk->buf_pos = 0;
  walk->buf_len = have;
  if (need > walk->buf_cap)
    {
      walk->buf_cap = need;
      walk->buf = g_realloc (walk->buf, walk->buf_cap);
    }
  want = (gsize) MIN ((guint64) (walk->buf_cap - have), walk->dir_size - walk->read_pos);
  if (!read_at (walk->fd, walk->dir_offset + walk->read_pos, walk->buf + have, want))
    {
      walk->failed = TRUE;
      return FALSE;
    }
  walk->read_pos += want;
  walk->buf_len += want;
  return TRUE;
}

static gboolean
walk_next (GpmZipWalk      *walk,
           GpmZipEntryInfo *info,
           gboolean        *unicode_path)
{
  const guint8 *p;
  gsize len;

  if (walk->read_pos == walk->dir_size && walk->buf_pos == walk->buf_len)
    return FALSE;   /* the end */
  if (!walk_fill (walk, CENTRAL_SIZE))
    goto not_whole;
  p = walk->buf + walk->buf_pos;
  if (le32 (p) != SIG_CENTRAL)
    goto not_whole;
  len = CENTRAL_SIZE + le16 (p + 28) + le16 (p + 30) + le16 (p + 32);
  if (!walk_fill (walk, len))
    goto not_whole;
  p = walk->buf + walk->buf_pos;
  if (!parse_central (p, walk->buf_len - walk->buf_pos, walk->correction, info, &len, unicode_path))
    goto not_whole;
  walk->buf_pos += len;
  info->ordinal = walk->ordinal++;
  return TRUE;

not_whole:
  walk->failed = TRUE;
  return FALSE;
}

static void
walk_rewind (GpmZipWalk *walk)
{
  walk->buf_pos = walk->buf_len = 0;
  walk->read_pos = 0;
  walk->ordinal = 0;
  walk->failed = FALSE;
}

void
gpm_zip_walk_free (GpmZipWalk *walk)
{
  if (walk == NULL)
    return;
  if (walk->fd >= 0)
    close (walk->fd);
  g_free (walk->buf);
  g_free (walk);
}

GpmZipWalk *
gpm_zip_walk_open (const char  *path,
                   GError     **error)
{
  g_autoptr(GpmZipWalk) walk = g_new0 (GpmZipWalk, 1);
  GpmZipEntryInfo info;
  guint64 last_end = 0;
  gboolean unicode_path;
  struct stat st;

  walk->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (walk->fd < 0)
    {
      int saved = errno;
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return NULL;
    }
  if (fstat (walk->fd, &st) != 0)
    {
      int saved = errno;
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return NULL;
    }
  if (!find_directory (walk->fd, (guint64) st.st_size, &walk->dir_offset, &walk->dir_size,
                       &walk->n_entries, &walk->correction, error))
    return NULL;
  walk->buf_cap = (gsize) MIN ((guint64) WALK_WINDOW, MAX (walk->dir_size, CENTRAL_SIZE));
  walk->buf = g_malloc (walk->buf_cap);

  /* Everything checked before anything is handed out, so that the caller
   * can still read the zip another way. */
  while (walk_next (walk, &info, &unicode_path))
    {
      if (info.flags & (FLAG_ENCRYPTED | FLAG_STRONG))
        return fail (error, "encrypted entries"), NULL;
      if (info.method != METHOD_STORED && info.method != METHOD_DEFLATED)
        return fail (error, "a compression method other than deflate"), NULL;
      if (unicode_path)
        return fail (error, "Info-ZIP Unicode path fields"), NULL;
      if (info.offset < last_end || info.offset + LOCAL_SIZE > walk->dir_offset)
        return fail (error, "local headers out of order"), NULL;
      last_end = info.offset + LOCAL_SIZE + info.name_len;
    }
  if (walk->failed || (walk->ordinal != walk->n_entries && walk->n_entries != G_MAXUINT16))
    return fail (error, "the central directory is damaged"), NULL;
  walk_rewind (walk);
  return g_steal_pointer (&walk);
}

gboolean
gpm_zip_walk_next (GpmZipWalk      *walk,
                   GpmZipEntryInfo *info)
{
  gboolean unicode_path;

  return walk_next (walk, info, &unicode_path);
}

guint64
gpm_zip_walk_get_n_entries (GpmZipWalk *walk)
{
  g_return_val_if_fail (walk != NULL, 0);

  return walk->n_entries;
}

int
gpm_zip_walk_get_fd (GpmZipWalk *walk)
{
  return walk->fd;
}

GpmZipFileType
gpm_zip_entry_info_get_type (const GpmZipEntryInfo *info)
{
  guint host = info->made_by >> 8;
  guint32 mode = 0;

  /* As libarchive: a Unix host's mode is in the high half of the external
   * attributes, MS-DOS's directory bit in the low byte; a name ending in a
   * slash is a directory whatever the attributes say. */
  if (host == 3)
    mode = info->external_attributes >> 16;
  else if (host == 0 && (info->external_attributes & 0x10))
    mode = S_IFDIR;
  if (info->name_len > 0 && info->name[info->name_len - 1] == '/')
    return GPM_ZIP_FILE_DIRECTORY;
  switch (mode & S_IFMT)
    {
    case 0:
    case S_IFREG:
      return GPM_ZIP_FILE_REGULAR;
    case S_IFDIR:
      return GPM_ZIP_FILE_DIRECTORY;
    case S_IFLNK:
      return GPM_ZIP_FILE_SYMLINK;
    default:
      return GPM_ZIP_FILE_OTHER;
    }
}

/* Reading one entry's data */

#define READ_CHUNK (64 * 1024)

/* Local headers are read through a window: where entries are small (a
 * post's JSON, a sidecar, small photos), one read brings the next few
 * headers and their data along. It grows while it serves more than one
 * entry and most of it was theirs, and falls back to a header's size when
 * entries are far apart (large photos: their bytes are not read; a post,
 * its sidecar and the header of its 400 KB photo leave 60 KiB of a 64 KiB
 * window unread). */
#define WINDOW_MIN (4 * 1024)
#define WINDOW_MAX (64 * 1024)

struct _GpmZipEntryReader {
  int       fd;
  guint8   *win;
  guint64   win_start;
  gsize     win_len;
  gboolean  win_eof;     /* the window ends where the file does */
  guint     win_served;  /* entries started in it */
  gsize     win_useful;  /* how far into it those entries reach: their headers, and
                          * the data of those that end in it */
  gsize     win_size;    /* of the next window read */
  guint8   *in;
  gsize     in_cap;
  gsize     refill_size; /* of the next read of data: from small (a photo's
                          * header check reads a few KiB) doubling to @in_cap */
  guint64   next;        /* where the compressed bytes not yet read start */
  guint64   left;        /* compressed bytes not yet read */
  gboolean  deflated;
  z_stream  z;
  gboolean  z_ready;
  gboolean  stream_end;
  gboolean  done;
  guint32   crc;
  guint32   want_crc;
  guint64   out;
  guint64   want_size;
  gboolean  crc_at_end;  /* stored entries: the CRC only when read to the end */
  gboolean  crc_later;   /* this entry's */
  guint64   data_start;  /* of its stored bytes */
};

GpmZipEntryReader *
gpm_zip_entry_reader_new (int fd)
{
  GpmZipEntryReader *r = g_new0 (GpmZipEntryReader, 1);

  r->fd = fd;
  r->in_cap = READ_CHUNK;
  r->in = g_malloc (r->in_cap);
  r->win = g_malloc (READ_CHUNK);
  r->win_size = WINDOW_MIN;
  return r;
}

void
gpm_zip_entry_reader_free (GpmZipEntryReader *r)
{
  if (r == NULL)
    return;
  if (r->z_ready)
    inflateEnd (&r->z);
  g_free (r->in);
  g_free (r->win);
  g_free (r);
}

static gssize
pread_some (int      fd,
            guint8  *buf,
            gsize    len,
            guint64  offset)
{
  ssize_t n;

  do
    n = pread (fd, buf, len, (off_t) offset);
  while (n < 0 && errno == EINTR);
  return n;
}

/* Ready to read @info's data: the checks' state reset, inflate ready. */
static gboolean
begin_entry (GpmZipEntryReader      *r,
             const GpmZipEntryInfo  *info,
             GError                **error)
{
  r->deflated = info->method == METHOD_DEFLATED;
  r->want_crc = info->crc;
  r->want_size = info->size;
  r->crc = crc32 (0, Z_NULL, 0);
  r->out = 0;
  r->stream_end = FALSE;
  r->done = FALSE;
  r->crc_later = FALSE;
  r->refill_size = WINDOW_MIN;
  if (r->deflated)
    {
      if (!r->z_ready)
        {
          memset (&r->z, 0, sizeof r->z);
          if (inflateInit2 (&r->z, -MAX_WBITS) != Z_OK)
            {
              g_set_error_literal (error, GPM_ZIP_ERROR, GPM_ZIP_ERROR_IO, "out of memory");
              return FALSE;
            }
          r->z_ready = TRUE;
        }
      else
        inflateReset (&r->z);
    }
  return TRUE;
}

gboolean
gpm_zip_entry_reader_start (GpmZipEntryReader      *r,
                            const GpmZipEntryInfo  *info,
                            gsize                   first_read,
                            GError                **error)
{
  gsize want = MIN (MAX (first_read, (gsize) LOCAL_SIZE), (gsize) READ_CHUNK);
  gsize header_len, have, avail;
  const guint8 *p;

  if (!(info->offset >= r->win_start && info->offset < r->win_start + r->win_len &&
        (info->offset + want <= r->win_start + r->win_len || r->win_eof)))
    {
      gssize n;
      gsize size;

      r->win_size = r->win_served > 1 && r->win_useful * 2 >= r->win_len ? MIN (r->win_size * 2, (gsize) WINDOW_MAX)
                                                                         : WINDOW_MIN;
      size = MAX (want, r->win_size);
      /* An entry whose data is larger than the window leaves no other
       * header in it: only what was asked for is read (a 20 GB takeout's
       * photos: 4 KiB copied for each 100-byte header was most of the
       * walk's system time). */
      if (info->compressed_size >= size)
        size = want;
      n = pread_some (r->fd, r->win, size, info->offset);
      if (n < 0)
        {
          int saved = errno;
          r->win_len = 0;
          g_set_error_literal (error, GPM_ZIP_ERROR, GPM_ZIP_ERROR_IO, g_strerror (saved));
          return FALSE;
        }
      r->win_start = info->offset;
      r->win_len = (gsize) n;
      r->win_eof = (gsize) n < size;
      r->win_served = 0;
      r->win_useful = 0;
    }
  r->win_served++;
  p = r->win + (info->offset - r->win_start);
  avail = (gsize) (r->win_start + r->win_len - info->offset);

  if (avail < LOCAL_SIZE || le32 (p) != SIG_LOCAL)
    {
      g_set_error_literal (error, GPM_ZIP_ERROR, GPM_ZIP_ERROR_BAD_HEADER, "Damaged Zip archive");  /* libarchive's words */
      return FALSE;
    }
  header_len = LOCAL_SIZE + le16 (p + 26) + le16 (p + 28);

  if (!begin_entry (r, info, error))
    return FALSE;
  /* The data that came with the header */
  have = avail > header_len ? (gsize) MIN ((guint64) (avail - header_len), info->compressed_size) : 0;
  r->win_useful = MAX (r->win_useful, (gsize) (info->offset - r->win_start) + MIN (header_len, avail) +
                                      (have == info->compressed_size ? have : 0));
  r->left = info->compressed_size - have;
  r->next = info->offset + header_len + have;
  r->data_start = info->offset + header_len;
  r->crc_later = r->crc_at_end && !r->deflated;
  r->z.next_in = (Bytef *) p + header_len;
  r->z.avail_in = (uInt) have;
  return TRUE;
}

const guint8 *
gpm_zip_entry_reader_peek_data (GpmZipEntryReader *r,
                                gsize             *len)
{
  if (r->left != 0 || r->out != 0)
    return NULL;
  *len = r->z.avail_in;
  return r->z.next_in;
}

gboolean
gpm_zip_entry_reader_start_memory (GpmZipEntryReader      *r,
                                   const GpmZipEntryInfo  *info,
                                   const guint8           *data,
                                   GError                **error)
{
  if (!begin_entry (r, info, error))
    return FALSE;
  r->left = 0;
  r->next = 0;
  r->z.next_in = (Bytef *) data;
  r->z.avail_in = (uInt) info->compressed_size;
  return TRUE;
}

/* More compressed bytes into the input buffer; FALSE when the file has none. */
static gboolean
refill (GpmZipEntryReader  *r,
        GError            **error)
{
  gssize n;

  if (r->left == 0)
    return FALSE;
  n = pread_some (r->fd, r->in, (gsize) MIN ((guint64) r->refill_size, r->left), r->next);
  r->refill_size = MIN (r->refill_size * 2, r->in_cap);
  if (n < 0)
    {
      int saved = errno;
      g_set_error_literal (error, GPM_ZIP_ERROR, GPM_ZIP_ERROR_IO, g_strerror (saved));
      return FALSE;
    }
  if (n == 0)
    return FALSE;
  r->next += n;
  r->left -= n;
  r->z.next_in = r->in;
  r->z.avail_in = (uInt) n;
  return TRUE;
}

static gssize
bad_data (GError     **error,
          const char  *why)
{
  g_set_error_literal (error, GPM_ZIP_ERROR, GPM_ZIP_ERROR_BAD_DATA, why);
  return -1;
}

/* The CRC of a stored entry read to its end, from the file again: the
 * photo check mostly stops after the head, where a CRC checks nothing. */
static gboolean
crc_stored_data (GpmZipEntryReader  *r,
                 GError            **error)
{
  guint64 at = 0;

  r->crc_later = FALSE;
  while (at < r->out)
    {
      gssize n = pread_some (r->fd, r->in, (gsize) MIN ((guint64) r->in_cap, r->out - at), r->data_start + at);

      if (n <= 0)
        {
          g_set_error_literal (error, GPM_ZIP_ERROR, n < 0 ? GPM_ZIP_ERROR_IO : GPM_ZIP_ERROR_BAD_DATA,
                               n < 0 ? g_strerror (errno) : "Truncated ZIP file data");
          return FALSE;
        }
      r->crc = crc32 (r->crc, r->in, (uInt) n);
      at += (guint64) n;
    }
  return TRUE;
}

void
gpm_zip_entry_reader_set_crc_at_end (GpmZipEntryReader *r,
                                     gboolean           at_end)
{
  r->crc_at_end = at_end;
}

gssize
gpm_zip_entry_reader_read (GpmZipEntryReader  *r,
                           void               *buffer,
                           gsize               size,
                           GError            **error)
{
  gsize produced = 0;

  if (r->done || size == 0)
    return 0;

  while (produced == 0)
    {
      if (r->deflated)
        {
          gsize room = MIN (size, (gsize) G_MAXUINT32);
          gboolean dry = FALSE;
          int z;

          if (r->stream_end)
            break;
          if (r->z.avail_in == 0 && !refill (r, error))
            {
              if (error && *error)
                return -1;
              dry = TRUE;
            }
          r->z.next_out = buffer;
          r->z.avail_out = (uInt) room;
          z = inflate (&r->z, Z_NO_FLUSH);
          if (z == Z_STREAM_END)
            r->stream_end = TRUE;
          else if (z != Z_OK && z != Z_BUF_ERROR)
            return bad_data (error, r->z.msg ? r->z.msg : "ZIP decompression failed");
          produced = room - r->z.avail_out;
          /* No output, no input left, no end: the data was cut short. */
          if (produced == 0 && !r->stream_end && dry)
            return bad_data (error, "Truncated ZIP file data");
        }
      else
        {
          if (r->z.avail_in == 0 && !refill (r, error))
            {
              if (error && *error)
                return -1;
              break;
            }
          produced = MIN (size, (gsize) r->z.avail_in);
          memcpy (buffer, r->z.next_in, produced);
          r->z.next_in += produced;
          r->z.avail_in -= produced;
        }
    }

  if (produced > 0)
    {
      if (!r->crc_later)
        r->crc = crc32 (r->crc, buffer, (uInt) produced);
      r->out += produced;
      if (r->out > r->want_size)
        return bad_data (error, "ZIP uncompressed data is larger than the directory says");
      return (gssize) produced;
    }

  if (r->out != r->want_size)
    return bad_data (error, "Truncated ZIP file data");
  if (r->crc_later && !crc_stored_data (r, error))
    return -1;
  if (r->crc != r->want_crc)
    return bad_data (error, "ZIP bad CRC");
  r->done = TRUE;
  return 0;
}
