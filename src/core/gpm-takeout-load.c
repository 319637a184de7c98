/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-load.c: gpm_takeout_load(), the one pass over every part:
 * the entries listed (names made clean and UTF-8, a name twice reported),
 * each JSON entry read into the buffer it is handed over in, problems for
 * what cannot be read. Zips by our own walk of the central directory,
 * tars and odd zips by libarchive; the photos' header checks and the
 * sidecars by a helper thread beside it. Folders: gpm-takeout-folder.c. */
#define G_LOG_DOMAIN "gpm-takeout"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#ifdef HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "gpm-archive-reader.h"
#include "gpm-takeout-private.h"

void
gpm_takeout_folder_file_free (gpointer data)
{
  FolderFile *f = data;

  if (f == NULL)
    return;
  g_free (f->raw);
  g_free (f);
}

void
gpm_takeout_load_problem (LoadState  *st,
                          const char *name,
                          const char *format,
                          ...) G_GNUC_PRINTF (3, 4);

void
gpm_takeout_load_problem (LoadState  *st,
                          const char *name,
                          const char *format,
                          ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (st->problems, gpm_problem_new (name, message));
}

void
gpm_takeout_load_progress (LoadState *st,
                           guint64    done,
                           gboolean   force)
{
  if (st->progress_func == NULL)
    return;
  if (st->total && done > st->total)
    done = st->total;
  if (force || done >= st->last_reported + st->step)
    {
      st->last_reported = done;
      st->progress_func (done, st->total, st->user_data);
    }
}

/* The names seen so far: an open-addressing set of the entries (their
 * places in st->entries), each slot with its name's hash, so that a name
 * not seen yet (all but a few) costs one probe of one array, where a
 * GHashTable looked it up and added it in two arrays, each a cache miss at
 * 200,000 entries (a tenth of the loading thread's time). */
typedef struct {
  guint32 hash;
  guint32 at;      /* the entry's place in st->entries + 1; 0: empty */
} SeenSlot;

struct _SeenSet {
  SeenSlot *slots;
  guint32   mask;  /* slots - 1, a power of two less one */
  guint32   n;
};

/* g_str_hash() of the whole name (gpm_takeout_entry_name_hash()'s), mixed:
 * names that differ only near their end keep few low bits apart. */
static guint32
seen_mix (guint32 h)
{
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static void
seen_set_free (SeenSet *set)
{
  g_free (set->slots);
  g_free (set);
}

static void
seen_set_insert (SeenSet *set,
                 guint32  hash,
                 guint32  at)
{
  guint32 i = hash & set->mask;

  while (set->slots[i].at != 0)
    i = (i + 1) & set->mask;
  set->slots[i].hash = hash;
  set->slots[i].at = at;
  set->n++;
}

/* Room for one more, at most half full. */
static void
seen_set_reserve (SeenSet *set)
{
  SeenSlot *old = set->slots;
  guint32 old_size = set->mask + 1;

  if ((set->n + 1) * 2 <= old_size)
    return;
  set->slots = g_new0 (SeenSlot, (gsize) old_size * 2);
  set->mask = old_size * 2 - 1;
  set->n = 0;
  for (guint32 i = 0; i < old_size; i++)
    if (old[i].at != 0)
      seen_set_insert (set, old[i].hash, old[i].at);
  g_free (old);
}

/* The entry named @name (of @hash) in @set, or NULL. */
static Entry *
seen_set_find (SeenSet    *set,
               GPtrArray  *entries,
               guint32     hash,
               const char *name)
{
  for (guint32 i = hash & set->mask; set->slots[i].at != 0; i = (i + 1) & set->mask)
    if (set->slots[i].hash == hash)
      {
        Entry *e = g_ptr_array_index (entries, set->slots[i].at - 1);

        if (gpm_takeout_entry_compare_name (e, name) == 0)
          return e;
      }
  return NULL;
}

/* From now on, names are checked against those seen: a folder's first walk
 * cannot list a name twice, so the set waits for what can (an archive, a
 * second part, a name made UTF-8). */
void
gpm_takeout_load_ensure_seen (LoadState *st)
{
  if (st->seen != NULL)
    return;
  st->seen = g_new0 (SeenSet, 1);
  st->seen->mask = (1u << 16) - 1;
  st->seen->slots = g_new0 (SeenSlot, st->seen->mask + 1);
  for (guint i = 0; i < st->entries->len; i++)
    {
      seen_set_reserve (st->seen);
      seen_set_insert (st->seen, seen_mix (gpm_takeout_entry_name_hash (g_ptr_array_index (st->entries, i))), i + 1);
    }
}

/* Keeps @name (a clean name, taken) in the chunk as the entry's folder and
 * base name: the base name alone, or, for a post's JSON, after the whole
 * name (the posts borrow it). */
static void
set_name (LoadState *st,
          Entry     *e,
          char      *name)
{
  const char *slash = strrchr (name, '/');
  guint folder = slash ? gpm_takeout_folder_intern (name, (gsize) (slash - name)) : FOLDER_NONE;

  e->pub.folder = folder;
  e->sidecar = gpm_takeout_is_sidecar_name (name);
  if (folder == FOLDER_NONE)
    e->pub.base_name = g_string_chunk_insert (st->names, name);
  else if (gpm_takeout_is_json_name (slash + 1))
    e->pub.base_name = g_string_chunk_insert (st->names, name) + (slash + 1 - name);
  else
    e->pub.base_name = g_string_chunk_insert (st->names, slash + 1);
  g_free (name);
}

/* Takes @name. NULL when the name was already seen in an earlier part. */
Entry *
gpm_takeout_load_add_entry (LoadState *st,
                            guint      part,
                            char      *name,
                            goffset    size,
                            guint      ordinal,
                            char      *raw_name)
{
  guint32 hash = 0;
  Entry *e = NULL;

  if (st->seen != NULL)
    {
      guint32 h = 5381;   /* (g_str_hash()) */

      for (const signed char *p = (const signed char *) name; *p != '\0'; p++)
        h = (h << 5) + h + (guint32) *p;
      hash = seen_mix (h);
      e = seen_set_find (st->seen, st->entries, hash, name);
    }

  if (e != NULL)
    {
      gpm_takeout_load_problem (st, name, _("also in %s; this copy was ignored"),
                                st->self->parts[e->pub.part].path);
      g_free (name);
      g_free (raw_name);
      return NULL;
    }

  if (st->slabs->len == 0 || st->slab_used == ENTRY_SLAB)
    {
      g_ptr_array_add (st->slabs, g_new0 (Entry, ENTRY_SLAB));
      st->slab_used = 0;
    }
  e = (Entry *) g_ptr_array_index (st->slabs, st->slabs->len - 1) + st->slab_used++;
  set_name (st, e, name);
  e->pub.size = size;
  e->pub.part = part;
  e->ordinal = ordinal;
  if (raw_name != NULL)
    {
      e->rare = g_new0 (EntryRare, 1);
      e->rare->raw_name = raw_name;
    }
  g_ptr_array_add (st->entries, e);
  if (st->seen)
    {
      seen_set_reserve (st->seen);
      seen_set_insert (st->seen, hash, st->entries->len);
    }
  return e;
}

char *
gpm_takeout_too_large_message (goffset size,
                               gsize   limit)
{
  g_autofree char *max = g_format_size (limit);

  if (size >= 0)
    {
      g_autofree char *have = g_format_size (size);
      return g_strdup_printf (_("post file too large (%s, the limit is %s); not read"), have, max);
    }
  return g_strdup_printf (_("post file too large (over %s); not read"), max);
}

void
gpm_takeout_load_too_large (LoadState  *st,
                            const char *name,
                            goffset     size)
{
  g_autofree char *message = gpm_takeout_too_large_message (size, st->limit);

  g_ptr_array_add (st->problems, gpm_problem_new (name, message));
}

void
gpm_takeout_json_buf_init (JsonBuf *b,
                           goffset  size_hint)
{
  b->cap = (size_hint >= 0 ? (gsize) size_hint : 16 * 1024) + 2;
  b->data = g_malloc (b->cap);
  b->len = 0;
}

/* Room for at least one more byte and the final NUL, up to @limit + 1 bytes. */
void
gpm_takeout_json_buf_grow (JsonBuf *b,
                           gsize    limit)
{
  if (b->len + 1 >= b->cap)
    {
      b->cap = MIN (b->cap * 2, limit + 2);
      b->data = g_realloc (b->data, b->cap);
    }
}

void
gpm_takeout_load_deliver (LoadState  *st,
                          const char *name,
                          JsonBuf    *b)
{
  g_autoptr(GBytes) bytes = NULL;

  /* Give back what the size hint over-estimated, then NUL-terminate. */
  if (b->cap > b->len + 1 + 1024)
    b->data = g_realloc (b->data, b->len + 1);
  b->data[b->len] = '\0';
  bytes = g_bytes_new_take (g_steal_pointer (&b->data), b->len);
  if (st->json_func)
    st->json_func (name, bytes, st->user_data);
}

static void
read_archive_json (LoadState      *st,
                   struct archive *a,
                   Entry          *e)
{
  JsonBuf b;

  if (e->pub.size > (goffset) st->limit)
    {
      gpm_takeout_load_too_large (st, gpm_takeout_entry_whole_name (e), e->pub.size);
      return;
    }

  gpm_takeout_json_buf_init (&b, e->pub.size);
  for (;;)
    {
      la_ssize_t n;

      gpm_takeout_json_buf_grow (&b, st->limit);
      n = archive_read_data (a, b.data + b.len, b.cap - 1 - b.len);
      if (n == 0)
        break;
      if (n < 0)
        {
          const char *msg = archive_error_string (a);
          gpm_takeout_load_problem (st, gpm_takeout_entry_whole_name (e), _("damaged entry (%s); not read"),
                                    msg ? msg : _("read error"));
          g_free (b.data);
          return;
        }
      b.len += n;
      if (b.len > st->limit)
        {
          gpm_takeout_load_too_large (st, gpm_takeout_entry_whole_name (e), -1);
          g_free (b.data);
          return;
        }
    }

  gpm_takeout_load_deliver (st, gpm_takeout_entry_whole_name (e), &b);
}

static void
read_archive_sidecar (struct archive *a,
                      Entry          *e)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 chunk[4096];

  for (;;)
    {
      la_ssize_t n = archive_read_data (a, chunk, sizeof chunk);

      if (n == 0)
        break;
      if (n < 0 || data->len + n > SIDECAR_MAX_SIZE)
        return;   /* a damaged or odd sidecar is simply not used */
      g_byte_array_append (data, chunk, n);
    }
  g_byte_array_append (data, (const guint8 *) "", 1);
  e->sidecar_urls = gpm_takeout_sidecar_urls ((const char *) data->data);
}

/* The cheap image check on the first bytes of an entry (gpm-image.h). */
static gssize
read_more_archive (gpointer source, guint8 *buf, gsize size)
{
  la_ssize_t n = archive_read_data (source, buf, size);
  return n < 0 ? -1 : n;
}

static void
check_archive_image (struct archive *a,
                     Entry          *e)
{
  gpm_takeout_entry_set_image_error (e, gpm_takeout_check_image_head (read_more_archive, a));
}

typedef enum {
  READ_DONE,
  READ_FAILED_AT_START,
  READ_CANCELLED,
} ReadResult;

static ReadResult
read_archive_entries (LoadState        *st,
                      guint             part_idx,
                      GpmArchiveReader *reader)
{
  Part *part = &st->self->parts[part_idx];
  GpmArchiveKind kind = part->kind == PART_ZIP ? GPM_ARCHIVE_ZIP : GPM_ARCHIVE_TAR;
  struct archive *a = gpm_archive_reader_get_archive (reader);
  guint ordinal = 0;

  for (;;)
    {
      struct archive_entry *ae = NULL;
      g_autofree char *name = NULL;
      char *clean;
      const char *why = NULL;
      guint this_ordinal;
      Entry *e;
      int r;

      if (g_cancellable_is_cancelled (st->cancellable))
        return READ_CANCELLED;

      r = archive_read_next_header (a, &ae);
      if (r == ARCHIVE_EOF)
        break;
      if (r == ARCHIVE_FATAL)
        {
          const char *msg = archive_error_string (a);

          if (g_cancellable_is_cancelled (st->cancellable))
            return READ_CANCELLED;
          /* Nothing at all: the caller tries another way or reports it. */
          if (ordinal == 0 && !part->streaming)
            return READ_FAILED_AT_START;
          gpm_takeout_load_problem (st, part->path,
                                    part->streaming
                                    ? _("truncated or damaged zip (%s); the files after the damage could not be read")
                                    : _("damaged or truncated archive (%s); the files after the damage could not be read"),
                                    msg ? msg : _("read error"));
          break;
        }

      this_ordinal = ordinal++;
      gpm_takeout_load_progress (st, st->base + gpm_archive_reader_get_position (reader), FALSE);

      name = gpm_archive_entry_dup_utf8_name (ae, kind);
      if (name == NULL)
        {
          gpm_takeout_load_problem (st, part->path, _("an entry without a name was skipped"));
          continue;
        }
      if (r < ARCHIVE_WARN)
        {
          const char *msg = archive_error_string (a);
          gpm_takeout_load_problem (st, name, _("damaged entry (%s); not read"), msg ? msg : _("read error"));
          continue;
        }

      if (archive_entry_filetype (ae) == AE_IFDIR)
        continue;
      if (archive_entry_hardlink (ae) != NULL || archive_entry_filetype (ae) == AE_IFLNK)
        {
          gpm_takeout_load_problem (st, name, _("a link, not a file; not followed"));
          continue;
        }
      if (archive_entry_filetype (ae) != AE_IFREG)
        continue;

      clean = gpm_takeout_normalize_name (name, &why);
      if (clean == NULL)
        {
          gpm_takeout_load_problem (st, name, "%s", why);
          continue;
        }
      if (clean[0] == '\0')
        {
          g_free (clean);
          continue;
        }

      e = gpm_takeout_load_add_entry (st, part_idx, clean,
                                      archive_entry_size_is_set (ae) ? archive_entry_size (ae) : -1,
                                      this_ordinal, NULL);
      if (e != NULL && gpm_takeout_is_json_name (e->pub.base_name))
        read_archive_json (st, a, e);
      else if (e != NULL && gpm_takeout_entry_is_sidecar (e) && e->pub.size <= SIDECAR_MAX_SIZE)
        read_archive_sidecar (a, e);
      else if (e != NULL && gpm_takeout_may_be_photo (e->pub.base_name))
        check_archive_image (a, e);
    }

  return READ_DONE;
}

/* Zips are read with our own walk of the central directory (gpm-zip-directory):
 * libarchive's seekable reader keeps every record in memory while it reads
 * (30 MB for 200,000 entries) and does per entry work we do not need (times,
 * locale conversions); what the walk does not know (encryption, other
 * methods, a damaged directory) is left to libarchive. */

/* What a local header takes besides its name (its extra field is most often
 * the central one's: times, ids): reading this much more at the header
 * brings the first data along. */
#define LOCAL_HEADER_ROOM 96

/* The cheap image check's reads. */
static gssize
read_more_zip (gpointer source, guint8 *buf, gsize size)
{
  return gpm_zip_entry_reader_read (source, buf, size, NULL);
}

static void
read_zip_json (LoadState         *st,
               GpmZipEntryReader *reader,
               Entry             *e)
{
  g_autoptr(GError) error = NULL;
  JsonBuf b;

  gpm_takeout_json_buf_init (&b, e->pub.size);
  for (;;)
    {
      gssize n;

      gpm_takeout_json_buf_grow (&b, st->limit);
      n = gpm_zip_entry_reader_read (reader, b.data + b.len, b.cap - 1 - b.len, &error);
      if (n == 0)
        break;
      if (n < 0)
        {
          gpm_takeout_load_problem (st, gpm_takeout_entry_whole_name (e), _("damaged entry (%s); not read"), error->message);
          g_free (b.data);
          return;
        }
      b.len += n;
      if (b.len > st->limit)
        {
          gpm_takeout_load_too_large (st, gpm_takeout_entry_whole_name (e), -1);
          g_free (b.data);
          return;
        }
    }

  gpm_takeout_load_deliver (st, gpm_takeout_entry_whole_name (e), &b);
}

static void
read_zip_sidecar (GpmZipEntryReader *reader,
                  Entry             *e)
{
  char data[SIDECAR_MAX_SIZE + 1];
  gsize len = 0;

  for (;;)
    {
      gssize n = gpm_zip_entry_reader_read (reader, data + len, sizeof data - 1 - len, NULL);

      if (n == 0)
        break;
      if (n < 0 || len + n > SIDECAR_MAX_SIZE)
        return;   /* a damaged or odd sidecar is simply not used */
      len += n;
    }
  data[len] = '\0';
  e->sidecar_urls = gpm_takeout_sidecar_urls (data);
}

#define SIDE_BATCH 128

/* A deflated sidecar that came whole with its header, inflated at once
 * with libdeflate; FALSE (nothing read) when that is not so or its size or
 * CRC is not the directory's: the zlib read then decides. */
static gboolean
read_zip_sidecar_at_once (SideWork        *work,
                          const SideJob   *job)
{
#ifdef HAVE_LIBDEFLATE
  char data[SIDECAR_MAX_SIZE + 1];
  const guint8 *in;
  gsize in_len = 0;
  size_t got = 0;

  if (work->deflater == NULL || job->info.method != 8 /* deflated */ || job->info.size > SIDECAR_MAX_SIZE ||
      (in = gpm_zip_entry_reader_peek_data (work->reader, &in_len)) == NULL)
    return FALSE;
  if (libdeflate_deflate_decompress (work->deflater, in, in_len, data, (size_t) job->info.size, &got) != LIBDEFLATE_SUCCESS ||
      got != job->info.size || libdeflate_crc32 (0, data, got) != job->info.crc)
    return FALSE;
  data[got] = '\0';
  job->entry->sidecar_urls = gpm_takeout_sidecar_urls (data);
  return TRUE;
#else
  return FALSE;
#endif
}

static gssize
read_more_fd (gpointer source, guint8 *buf, gsize size)
{
  ssize_t n;

  do
    n = read (GPOINTER_TO_INT (source), buf, size);
  while (n < 0 && errno == EINTR);
  return n;
}

/* A folder's file, as gpm_takeout_check_image() and index_ensure_sidecars()
 * would read it on first use. */
static void
side_job_run_file (SideWork *work,
                   SideJob  *job)
{
  Entry *e = job->entry;
  const char *raw = gpm_takeout_entry_raw_name (e);
  g_autofree char *name = raw ? NULL : gpm_takeout_entry_dup_name (e);
  int fd = openat (work->root_fd, raw ? raw : name, O_RDONLY | O_CLOEXEC);

  if (job->sidecar)
    {
      char data[SIDECAR_MAX_SIZE + 2];
      gsize len = 0;
      gssize n = 1;

      while (fd >= 0 && len <= SIDECAR_MAX_SIZE &&
             (n = read_more_fd (GINT_TO_POINTER (fd), (guint8 *) data + len, sizeof data - 1 - len)) > 0)
        len += n;
      if (fd >= 0 && n == 0 && len <= SIDECAR_MAX_SIZE)
        {
          data[len] = '\0';
          e->sidecar_urls = gpm_takeout_sidecar_urls (data);
        }
    }
  else
    {
      /* A file that cannot be opened passes: reading it later says why. */
      gpm_takeout_entry_set_image_error (e, fd >= 0 ? gpm_takeout_check_image_head (read_more_fd, GINT_TO_POINTER (fd)) : NULL);
    }
  if (fd >= 0)
    close (fd);
}

static void
side_batch_run (gpointer data,
                gpointer user_data)
{
  GArray *batch = data;
  SideWork *work = user_data;

  for (guint i = 0; i < batch->len; i++)
    {
      SideJob *job = &g_array_index (batch, SideJob, i);
      gsize head = LOCAL_HEADER_ROOM + job->info.name_len;

      if (work->root_fd >= 0)
        {
          side_job_run_file (work, job);
          continue;
        }

      if (work->reader == NULL || job->zip_fd != work->reader_fd)
        {
          gpm_zip_entry_reader_free (work->reader);
          work->reader = gpm_zip_entry_reader_new (job->zip_fd);
          gpm_zip_entry_reader_set_crc_at_end (work->reader, TRUE);
          work->reader_fd = job->zip_fd;
        }
      if (!gpm_zip_entry_reader_start (work->reader, &job->info,
                                       job->sidecar ? head + job->info.compressed_size : head + 4096 + 256,
                                       NULL))
        continue;   /* (the loading thread read this header: the file changed since) */
      if (job->sidecar && !read_zip_sidecar_at_once (work, job))
        read_zip_sidecar (work->reader, job->entry);
      else if (!job->sidecar)
        {
          gpm_takeout_entry_set_image_error (job->entry, gpm_takeout_check_image_head (read_more_zip, work->reader));
        }
    }
  g_array_unref (batch);
}

void
gpm_takeout_side_work_flush (SideWork *work)
{
  if (work->batch != NULL && work->batch->len > 0)
    g_thread_pool_push (work->pool, g_steal_pointer (&work->batch), NULL);
}

/* @info: a zip entry's, NULL for a folder's file. */
void
gpm_takeout_side_work_add (SideWork              *work,
                           Entry                 *entry,
                           const GpmZipEntryInfo *info,
                           gboolean               sidecar)
{
  SideJob job = { entry, { 0 }, sidecar, work->zip_fd };

  if (info != NULL)
    {
      job.info = *info;
      job.info.name = NULL;
    }
  if (work->batch == NULL)
    work->batch = g_array_sized_new (FALSE, FALSE, sizeof (SideJob), SIDE_BATCH);
  g_array_append_val (work->batch, job);
  if (work->batch->len >= SIDE_BATCH)
    gpm_takeout_side_work_flush (work);
}

/* Waits for the helper to finish. */
void
gpm_takeout_side_work_finish (SideWork *work)
{
  gpm_takeout_side_work_flush (work);
  g_clear_pointer (&work->batch, g_array_unref);
  g_thread_pool_free (work->pool, FALSE, TRUE);
  gpm_zip_entry_reader_free (work->reader);
#ifdef HAVE_LIBDEFLATE
  g_clear_pointer (&work->deflater, libdeflate_free_decompressor);
#endif
  if (work->root_fd >= 0)
    close (work->root_fd);
}

/* @fd: the zip's, or -1 for a folder. */
void
gpm_takeout_side_work_start (SideWork   *work,
                             int         zip_fd,
                             const char *folder)
{
  memset (work, 0, sizeof *work);
  work->root_fd = -1;
  work->reader_fd = -1;
  work->zip_fd = zip_fd;
  if (zip_fd >= 0)
    {
#ifdef HAVE_LIBDEFLATE
      work->deflater = libdeflate_alloc_decompressor ();
#endif
    }
  else if (folder != NULL)
    work->root_fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  /* (exclusive: made now by this thread, whose priority it takes) */
  work->pool = g_thread_pool_new (side_batch_run, work, 1, TRUE, NULL);
}

/* Inflating a zip's post JSON is most of what the loading thread does
 * (as much CPU as `unzip -p` takes), while the parser thread parses
 * it: a thread of its own inflates it instead, and the loading thread
 * walks on. The compressed bytes come with the local header, which the
 * walk reads anyway; they are copied and inflated in batches, and handed
 * over in archive order by the loading thread (the parser gets the posts
 * in the same order), each problem in the place it had when the loading
 * thread inflated (its index in the problems then). */
#define INFLATE_BATCH_ENTRIES 64
#define INFLATE_BATCH_BYTES (128 * 1024)
#define INFLATE_BATCHES_AHEAD 8

typedef struct {
  Entry           *entry;
  GpmZipEntryInfo  info;          /* without its name */
  gsize            data_at;       /* in the batch's data */
  guint            problem_at;    /* the problems' count when it was queued */
  JsonBuf          buf;           /* the JSON, data NULL when not read */
  char            *problem;       /* why not */
} InflateJob;

typedef struct {
  GArray     *jobs;    /* InflateJob */
  GByteArray *data;    /* their compressed bytes */
  gboolean    done;    /* (the inflater's lock) */
} InflateBatch;

typedef struct {
  GThreadPool       *pool;
  GpmZipEntryReader *reader;      /* the pool's one thread's */
#ifdef HAVE_LIBDEFLATE
  struct libdeflate_decompressor *deflater;   /* the same thread's */
#endif
  gsize              limit;
  GMutex             lock;
  GCond              cond;
  GQueue             pending;     /* InflateBatch*, in archive order */
  InflateBatch      *filling;
  guint              n_inserted;  /* problems put in so far */
} Inflater;

static void
inflate_job (Inflater     *inf,
             InflateBatch *batch,
             InflateJob   *job)
{
  g_autoptr(GError) error = NULL;
  JsonBuf *b = &job->buf;
  const guint8 *data = batch->data->data + job->data_at;

#ifdef HAVE_LIBDEFLATE
  /* A whole deflated entry at once, its size known: libdeflate inflates it
   * about twice as fast as zlib. Only a clean result is taken (the
   * directory's size and CRC); anything else is read again below, so a
   * damaged entry is reported in zlib's words, as before. */
  if (job->info.method == 8 /* deflated */ && inf->deflater != NULL)
    {
      size_t got = 0;

      gpm_takeout_json_buf_init (b, job->entry->pub.size);
      if (libdeflate_deflate_decompress (inf->deflater, data, (size_t) job->info.compressed_size,
                                         b->data, (size_t) job->info.size, &got) == LIBDEFLATE_SUCCESS &&
          got == job->info.size && libdeflate_crc32 (0, b->data, got) == job->info.crc)
        {
          b->len = got;
          return;
        }
      g_clear_pointer (&b->data, g_free);
    }
#endif

  /* What read_zip_json() does, from the copy. */
  if (!gpm_zip_entry_reader_start_memory (inf->reader, &job->info, data, &error))
    {
      job->problem = g_strdup_printf (_("damaged entry (%s); not read"), error->message);
      return;
    }
  gpm_takeout_json_buf_init (b, job->entry->pub.size);
  for (;;)
    {
      gssize n;

      gpm_takeout_json_buf_grow (b, inf->limit);
      n = gpm_zip_entry_reader_read (inf->reader, b->data + b->len, b->cap - 1 - b->len, &error);
      if (n == 0)
        break;
      if (n < 0)
        {
          job->problem = g_strdup_printf (_("damaged entry (%s); not read"), error->message);
          g_clear_pointer (&b->data, g_free);
          return;
        }
      b->len += n;
      if (b->len > inf->limit)
        {
          job->problem = gpm_takeout_too_large_message (-1, inf->limit);
          g_clear_pointer (&b->data, g_free);
          return;
        }
    }
}

static void
inflate_batch_run (gpointer data,
                   gpointer user_data)
{
  InflateBatch *batch = data;
  Inflater *inf = user_data;

  for (guint i = 0; i < batch->jobs->len; i++)
    inflate_job (inf, batch, &g_array_index (batch->jobs, InflateJob, i));
  g_mutex_lock (&inf->lock);
  batch->done = TRUE;
  g_cond_broadcast (&inf->cond);
  g_mutex_unlock (&inf->lock);
}

static void
inflater_start (Inflater *inf,
                gsize     limit)
{
  memset (inf, 0, sizeof *inf);
  inf->limit = limit;
  inf->reader = gpm_zip_entry_reader_new (-1);
#ifdef HAVE_LIBDEFLATE
  inf->deflater = libdeflate_alloc_decompressor ();
#endif
  g_mutex_init (&inf->lock);
  g_cond_init (&inf->cond);
  g_queue_init (&inf->pending);
  /* (exclusive: made now by this thread, whose priority it takes) */
  inf->pool = g_thread_pool_new (inflate_batch_run, inf, 1, TRUE, NULL);
}

/* Hands over the batches inflated so far, in order; with @wait, all of them. */
static void
inflater_drain (Inflater  *inf,
                LoadState *st,
                gboolean   wait)
{
  for (;;)
    {
      InflateBatch *batch;

      g_mutex_lock (&inf->lock);
      batch = g_queue_peek_head (&inf->pending);
      while (batch != NULL && !batch->done && wait)
        g_cond_wait (&inf->cond, &inf->lock);
      if (batch != NULL && !batch->done)
        batch = NULL;
      if (batch != NULL)
        g_queue_pop_head (&inf->pending);
      g_mutex_unlock (&inf->lock);
      if (batch == NULL)
        return;

      for (guint i = 0; i < batch->jobs->len; i++)
        {
          InflateJob *job = &g_array_index (batch->jobs, InflateJob, i);

          if (job->problem != NULL)
            g_ptr_array_insert (st->problems, (int) (job->problem_at + inf->n_inserted++),
                                gpm_problem_new (gpm_takeout_entry_whole_name (job->entry), job->problem));
          else if (job->buf.data != NULL && !g_cancellable_is_cancelled (st->cancellable))
            gpm_takeout_load_deliver (st, gpm_takeout_entry_whole_name (job->entry), &job->buf);
          g_free (job->buf.data);
          g_free (job->problem);
        }
      g_array_unref (batch->jobs);
      g_byte_array_unref (batch->data);
      g_free (batch);
    }
}

static void
inflater_flush (Inflater  *inf,
                LoadState *st)
{
  InflateBatch *batch = g_steal_pointer (&inf->filling);

  if (batch == NULL)
    return;
  /* At most so many batches wait, in memory. */
  while (g_queue_get_length (&inf->pending) >= INFLATE_BATCHES_AHEAD)
    {
      guint before = g_queue_get_length (&inf->pending);

      inflater_drain (inf, st, FALSE);
      if (g_queue_get_length (&inf->pending) == before)
        {
          g_mutex_lock (&inf->lock);
          while (!((InflateBatch *) g_queue_peek_head (&inf->pending))->done)
            g_cond_wait (&inf->cond, &inf->lock);
          g_mutex_unlock (&inf->lock);
        }
    }
  g_mutex_lock (&inf->lock);
  g_queue_push_tail (&inf->pending, batch);
  g_mutex_unlock (&inf->lock);
  g_thread_pool_push (inf->pool, batch, NULL);
}

static void
inflater_add (Inflater              *inf,
              LoadState             *st,
              Entry                 *e,
              const GpmZipEntryInfo *info,
              const guint8          *data)
{
  InflateJob job = { e, *info, 0, st->problems->len, { NULL, 0, 0 }, NULL };

  job.info.name = NULL;
  if (inf->filling == NULL)
    {
      inf->filling = g_new0 (InflateBatch, 1);
      inf->filling->jobs = g_array_sized_new (FALSE, FALSE, sizeof (InflateJob), INFLATE_BATCH_ENTRIES);
      inf->filling->data = g_byte_array_sized_new (INFLATE_BATCH_BYTES);
    }
  job.data_at = inf->filling->data->len;
  /* (the problems before it that are still to be put in count too) */
  job.problem_at -= inf->n_inserted;
  g_byte_array_append (inf->filling->data, data, (guint) info->compressed_size);
  g_array_append_val (inf->filling->jobs, job);
  if (inf->filling->jobs->len >= INFLATE_BATCH_ENTRIES || inf->filling->data->len >= INFLATE_BATCH_BYTES)
    inflater_flush (inf, st);
  inflater_drain (inf, st, FALSE);
}

/* Everything handed over; the thread gone. */
static void
inflater_finish (Inflater  *inf,
                 LoadState *st)
{
  inflater_flush (inf, st);
  inflater_drain (inf, st, TRUE);
  g_thread_pool_free (inf->pool, FALSE, TRUE);
  gpm_zip_entry_reader_free (inf->reader);
#ifdef HAVE_LIBDEFLATE
  g_clear_pointer (&inf->deflater, libdeflate_free_decompressor);
#endif
  g_mutex_clear (&inf->lock);
  g_cond_clear (&inf->cond);
}

/* The inflater and the photo and sidecar helper, kept from one zip of a
 * set to the next: the loading thread used to wait for both at the end of
 * each part (on a loaded machine, up to 0.2 s a part for the helper's
 * queue), with both idle while it began the next. Finished before anything
 * else hands over posts (libarchive, a folder), and at the end. */
typedef struct {
  gboolean  started;
  gboolean  inflating;
  SideWork  side;
  Inflater  inflater;
  GArray   *fds;        /* int: the zips' descriptors the helper reads (copies) */
} ZipHelpers;

static void
zip_helpers_finish (ZipHelpers *h,
                    LoadState  *st)
{
  if (!h->started)
    return;
  if (h->inflating)
    inflater_finish (&h->inflater, st);
  gpm_takeout_side_work_finish (&h->side);
  for (guint i = 0; i < h->fds->len; i++)
    close (g_array_index (h->fds, int, i));
  g_array_unref (h->fds);
  h->started = FALSE;
}

/* For a zip's jobs (@fd, the walk's: the helper reads a copy of it). FALSE
 * when none could be made: the helpers are then finished with the zip. */
static gboolean
zip_helpers_begin (ZipHelpers *h,
                   LoadState  *st,
                   int         fd)
{
  int copy = fcntl (fd, F_DUPFD_CLOEXEC, 0);

  if (!h->started)
    {
      h->started = TRUE;
      h->inflating = g_get_num_processors () > 1;
      h->fds = g_array_new (FALSE, FALSE, sizeof (int));
      gpm_takeout_side_work_start (&h->side, copy >= 0 ? copy : fd, NULL);
      if (h->inflating)
        inflater_start (&h->inflater, st->limit);
    }
  if (copy < 0)
    {
      h->side.zip_fd = fd;
      return FALSE;
    }
  g_array_append_val (h->fds, copy);
  h->side.zip_fd = copy;
  return TRUE;
}

/* FALSE when the walk cannot read this zip (nothing was read then). */
static gboolean
load_zip_part_direct (LoadState  *st,
                      guint       part_idx,
                      ZipHelpers *h)
{
  Part *part = &st->self->parts[part_idx];
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmZipWalk) walk = gpm_zip_walk_open (part->path, &error);
  g_autoptr(GpmZipEntryReader) reader = NULL;
  g_autofree char *raw = NULL;
  gsize raw_cap = 0;
  g_autoptr(GArray) offsets = NULL;
  GpmZipEntryInfo info;
  SideWork *side = &h->side;
  Inflater *inflater = &h->inflater;
  gboolean inflating, kept;

  if (walk == NULL)
    {
      g_debug ("%s: read with libarchive: %s", part->path, error->message);
      return FALSE;
    }
  offsets = g_array_sized_new (FALSE, FALSE, sizeof (guint64),
                               (guint) MIN (gpm_zip_walk_get_n_entries (walk), 1u << 20));
  reader = gpm_zip_entry_reader_new (gpm_zip_walk_get_fd (walk));
  kept = zip_helpers_begin (h, st, gpm_zip_walk_get_fd (walk));
  inflating = h->inflating;

  while (gpm_zip_walk_next (walk, &info))
    {
      g_autofree char *name = NULL;
      gboolean json, sidecar, photo;
      const char *why = NULL;
      char *clean;
      Entry *e;

      if ((info.ordinal & 63) == 0 && g_cancellable_is_cancelled (st->cancellable))
        break;
      gpm_takeout_load_progress (st, st->base + info.offset, FALSE);
      /* (the walk takes no encrypted zip: every entry can be opened there) */
      g_assert (info.ordinal == offsets->len);
      g_array_append_val (offsets, info.offset);

      if (info.name_len + 1 > raw_cap)
        {
          raw_cap = info.name_len + 256;
          raw = g_realloc (raw, raw_cap);
        }
      /* (a NUL in the name ends it, as in libarchive; an empty name is skipped below) */
      memcpy (raw, info.name, info.name_len);
      raw[info.name_len] = '\0';
      name = gpm_archive_dup_utf8_name (raw, GPM_ARCHIVE_ZIP);

      switch (gpm_zip_entry_info_get_type (&info))
        {
        case GPM_ZIP_FILE_REGULAR:
          break;
        case GPM_ZIP_FILE_SYMLINK:
          gpm_takeout_load_problem (st, name, _("a link, not a file; not followed"));
          continue;
        case GPM_ZIP_FILE_DIRECTORY:
        case GPM_ZIP_FILE_OTHER:
        default:
          continue;
        }

      clean = gpm_takeout_normalize_name_take (&name, &why);
      if (clean == NULL)
        {
          gpm_takeout_load_problem (st, name, "%s", why);
          continue;
        }
      if (clean[0] == '\0')
        {
          g_free (clean);
          continue;
        }

      json = gpm_takeout_is_json_name (clean);
      sidecar = !json && gpm_takeout_is_sidecar_name (clean) && info.size <= SIDECAR_MAX_SIZE;
      photo = !json && !sidecar && gpm_takeout_may_be_photo (clean);
      /* Every local header is read, as libarchive does: where one is not
       * there, the zip is damaged, and nothing after it is trusted. */
      if (!gpm_zip_entry_reader_start (reader, &info,
                                       LOCAL_HEADER_ROOM + info.name_len + (json ? info.compressed_size : 0),
                                       &error))
        {
          g_free (clean);
          if (g_error_matches (error, GPM_ZIP_ERROR, GPM_ZIP_ERROR_BAD_HEADER) && info.ordinal == 0)
            {
              /* Not even the first: read it the other way. */
              g_debug ("%s: read with libarchive: %s", part->path, error->message);
              if (!kept)
                zip_helpers_finish (h, st);
              return FALSE;
            }
          gpm_takeout_load_problem (st, part->path,
                                    _("damaged or truncated archive (%s); the files after the damage could not be read"),
                                    error->message);
          break;
        }

      e = gpm_takeout_load_add_entry (st, part_idx, clean, (goffset) info.size, info.ordinal, NULL);
      if (e == NULL)
        continue;
      if (json)
        {
          const guint8 *data = NULL;
          gsize len = 0;

          if (e->pub.size > (goffset) st->limit)
            gpm_takeout_load_too_large (st, gpm_takeout_entry_whole_name (e), e->pub.size);
          else if (inflating && (data = gpm_zip_entry_reader_peek_data (reader, &len)) != NULL)
            inflater_add (inflater, st, e, &info, data);
          else
            {
              /* (after the ones before it) */
              if (inflating)
                {
                  inflater_flush (inflater, st);
                  inflater_drain (inflater, st, TRUE);
                }
              read_zip_json (st, reader, e);
            }
        }
      else if (sidecar || photo)
        gpm_takeout_side_work_add (side, e, &info, sidecar);
    }

  /* (the walk closes its descriptor: the helper has its copy, else is done) */
  gpm_takeout_side_work_flush (side);
  if (!kept)
    zip_helpers_finish (h, st);

  g_mutex_lock (&st->self->directory_lock);
  part->offsets = g_steal_pointer (&offsets);
  g_mutex_unlock (&st->self->directory_lock);
  return TRUE;
}

static gboolean
load_archive_part (LoadState  *st,
                   guint       part_idx,
                   ZipHelpers *h)
{
  Part *part = &st->self->parts[part_idx];
  GpmArchiveKind kind = part->kind == PART_ZIP ? GPM_ARCHIVE_ZIP : GPM_ARCHIVE_TAR;
  g_autoptr(GpmArchiveReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  ReadResult result;

  /* The archive may have changed since it was last read */
  g_mutex_lock (&st->self->directory_lock);
  g_clear_pointer (&part->directory, g_array_unref);
  g_clear_pointer (&part->offsets, g_array_unref);
  part->directory_read = FALSE;
  g_mutex_unlock (&st->self->directory_lock);

  part->streaming = FALSE;
  if (kind == GPM_ARCHIVE_ZIP && load_zip_part_direct (st, part_idx, h))
    return TRUE;
  /* (the posts of the zips before first, in their order) */
  zip_helpers_finish (h, st);
  reader = gpm_archive_reader_open (part->path, kind, FALSE, st->cancellable, &error);
  if (reader != NULL)
    {
      result = read_archive_entries (st, part_idx, reader);
      if (result != READ_FAILED_AT_START)
        return TRUE;
      g_clear_error (&error);
      {
        const char *msg = archive_error_string (gpm_archive_reader_get_archive (reader));
        g_set_error_literal (&error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_CORRUPT,
                             msg ? msg : kind == GPM_ARCHIVE_ZIP ? _("no central directory")
                                                                 : _("read error"));
      }
      g_clear_pointer (&reader, gpm_archive_reader_free);
    }
  if (g_cancellable_is_cancelled (st->cancellable))
    return FALSE;

  if (kind == GPM_ARCHIVE_ZIP)
    {
      /* No usable central directory (a truncated download, most often):
       * read the local headers from the front up to the damage. */
      g_autoptr(GError) error2 = NULL;

      reader = gpm_archive_reader_open (part->path, kind, TRUE, st->cancellable, &error2);
      if (reader != NULL)
        {
          guint before = st->entries->len;
          guint problems_before = st->problems->len;

          part->streaming = TRUE;
          result = read_archive_entries (st, part_idx, reader);
          /* Read to the end without trouble: only the directory was bad. */
          if (result == READ_DONE && st->problems->len == problems_before)
            gpm_takeout_load_problem (st, part->path,
                                      _("damaged zip (%s); its files were read one by one from the front"),
                                      error && error->message ? error->message : _("no central directory"));
          return st->entries->len > before;
        }
    }

  gpm_takeout_load_problem (st, part->path, _("cannot be read (%s)"),
                            error && error->message ? error->message : _("not a zip or tgz archive"));
  return FALSE;
}

gboolean
gpm_takeout_load (GpmTakeout             *self,
                  GpmTakeoutJsonFunc      json_func,
                  GpmTakeoutProgressFunc  progress_func,
                  gpointer                user_data,
                  GCancellable           *cancellable,
                  GError                **error)
{
  LoadState st = { 0 };
  ZipHelpers helpers = { 0 };
  g_autoptr(GPtrArray) folder_files = NULL;
  gpointer locale_token;
  guint readable_parts = 0;

  g_return_val_if_fail (GPM_IS_TAKEOUT (self), FALSE);

  st.self = self;
  st.json_func = json_func;
  st.progress_func = progress_func;
  st.user_data = user_data;
  st.cancellable = cancellable;
  st.limit = self->max_json_size;
  st.dir_fd = -1;
  st.entries = g_ptr_array_new_with_free_func (gpm_takeout_entry_free);
  st.names = g_string_chunk_new (64 * 1024);
  st.slabs = g_ptr_array_new_with_free_func (g_free);
  st.problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);

  /* Walk the folders first so the total is known before reading starts. */
  folder_files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < self->n_parts; i++)
    {
      Part *part = &self->parts[i];
      GPtrArray *files = g_ptr_array_new_with_free_func (gpm_takeout_folder_file_free);

      g_ptr_array_add (folder_files, files);
      if (part->kind == PART_DIR)
        {
          g_autofree char *root_real = realpath (part->path, NULL);

          gpm_takeout_walk_folder (&st, part->path, root_real ? root_real : part->path, NULL, 0, files);
          part->size = gpm_takeout_count_json_files (files) * FOLDER_JSON_UNIT;
        }
      st.total += part->size;
    }
  st.step = MAX (st.total / 256, 64 * 1024);

  locale_token = gpm_archive_utf8_locale_push ();
  for (guint i = 0; i < self->n_parts && !g_cancellable_is_cancelled (cancellable); i++)
    {
      Part *part = &self->parts[i];
      GPtrArray *files = g_ptr_array_index (folder_files, i);

      if (i > 0 || part->kind != PART_DIR)
        gpm_takeout_load_ensure_seen (&st);
      switch (part->kind)
        {
        case PART_ZIP:
        case PART_TAR:
          if (load_archive_part (&st, i, &helpers))
            readable_parts++;
          st.base += part->size;
          break;
        case PART_DIR:
          zip_helpers_finish (&helpers, &st);
          gpm_takeout_load_folder_part (&st, i, files);
          readable_parts++;
          st.base += part->size;
          break;
        case PART_UNKNOWN:
        default:
          gpm_takeout_load_problem (&st, part->path, _("not a zip or tgz archive, nor a folder; not read"));
          break;
        }
      gpm_takeout_load_progress (&st, st.base, FALSE);
    }
  zip_helpers_finish (&helpers, &st);
  gpm_archive_utf8_locale_pop (locale_token);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_clear_pointer (&st.seen, seen_set_free);
      g_clear_pointer (&st.names, g_string_chunk_free);
      g_ptr_array_unref (st.entries);
      g_ptr_array_unref (st.slabs);
      g_ptr_array_unref (st.problems);
      return FALSE;
    }

  gpm_takeout_load_progress (&st, st.total, TRUE);

  g_mutex_lock (&self->lock);
  if (self->index)
    g_ptr_array_add (self->retired, self->index);
  /* A name is looked up by a binary search of the sorted entries after the
   * load: the names seen are not kept (5 MB at 200,000 entries). */
  g_clear_pointer (&st.seen, seen_set_free);
  self->index = gpm_takeout_index_new (st.entries, st.slabs, g_steal_pointer (&st.names));
  g_ptr_array_unref (self->problems);
  self->problems = st.problems;
  g_mutex_unlock (&self->lock);

  if (readable_parts == 0)
    {
      GpmProblem *last = self->problems->len
                         ? g_ptr_array_index (self->problems, self->problems->len - 1) : NULL;

      /* A single file whose first bytes are no archive (only its name
       * said so): no takeout at all, whatever libarchive said of it
       * (the problem above, and the debug log, keep its words) */
      if (self->n_parts == 1 && self->parts[0].by_name)
        {
          if (last)
            g_debug ("%s: %s", last->name, last->message);
          gpm_takeout_set_not_takeout_error (error, self->paths[0]);
        }
      else if (last && self->n_parts == 1)
        g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_CORRUPT,
                     "%s: %s", last->name, last->message);
      else
        g_set_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_CORRUPT,
                     _("%s: nothing could be read"), self->paths[0]);
      return FALSE;
    }
  return TRUE;
}
