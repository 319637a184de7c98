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

#include "gpm-zip-directory.h"

/* APPNOTE.TXT 4.3.12-4.3.16 */
#define SIG_CENTRAL      0x02014b50u
#define SIG_END          0x06054b50u
#define SIG_END64        0x06064b50u
#define SIG_END64_LOC    0x07064b50u
#define CENTRAL_SIZE     46
#define END_SIZE         22
#define END64_SIZE       56
#define END64_LOC_SIZE   20
#define MAX_COMMENT      65535
/* A central directory larger than this is not read here (the caller walks
 * the archive instead); 2.5 million entries of 100 bytes. */
#define MAX_DIRECTORY    (256 * 1024 * 1024)

#define FLAG_ENCRYPTED   0x0001
#define FLAG_STRONG      0x0040

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
  while (pos + CENTRAL_SIZE <= dir_size && le32 (dir + pos) == SIG_CENTRAL)
    {
      const guint8 *p = dir + pos;
      gsize name_len = le16 (p + 28), extra_len = le16 (p + 30), comment_len = le16 (p + 32);
      gsize next = pos + CENTRAL_SIZE + name_len + extra_len + comment_len;
      guint64 offset = le32 (p + 42);
      GpmZipRecord record;

      if (next > dir_size)
        break;

      /* zip64: the 64-bit values follow in the extra field, in this order,
       * for the 32-bit fields that are all ones (APPNOTE 4.5.3). */
      if (offset == G_MAXUINT32)
        {
          const guint8 *x = p + CENTRAL_SIZE + name_len;
          const guint8 *x_end = x + extra_len;

          while (x + 4 <= x_end)
            {
              guint16 tag = le16 (x), len = le16 (x + 2);
              const guint8 *v = x + 4;

              if (v + len > x_end)
                break;
              if (tag == 0x0001)
                {
                  if (le32 (p + 24) == G_MAXUINT32)
                    v += 8;
                  if (le32 (p + 20) == G_MAXUINT32)
                    v += 8;
                  if (v + 8 <= x + 4 + len)
                    offset = le64 (v);
                  break;
                }
              x = v + len;
            }
        }

      record.offset = (guint64) ((gint64) offset + correction);
      record.flags = le16 (p + 8);
      record.method = le16 (p + 10);
      g_array_append_val (records, record);
      pos = next;
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
