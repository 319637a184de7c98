/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-folder.c: the load pass over an extracted folder: the walk
 * (types from readdir, no stat per file, symbolic links only to files
 * inside, 16 levels), names from the disk's bytes made UTF-8, and each JSON
 * file read relative to its folder's descriptor. */
#define G_LOG_DOMAIN "gpm-takeout"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gpm-archive-reader.h"
#include "gpm-takeout-private.h"

/* Names stored behind their one-byte d_type, sorted by name. */
static int
typed_name_compare (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (*(const char * const *) a + 1, *(const char * const *) b + 1);
}

void
gpm_takeout_walk_folder (LoadState  *st,
                         const char *root,
                         const char *root_real,
                         const char *rel,
                         guint       depth,
                         GPtrArray  *files)
{
  g_autofree char *path = rel ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct dirent *de;
  DIR *dir;

  if (g_cancellable_is_cancelled (st->cancellable))
    return;

  dir = opendir (path);
  if (dir == NULL)
    {
      int saved = errno;
      gpm_takeout_load_problem (st, path, _("cannot read folder (%s)"), g_strerror (saved));
      return;
    }
  /* The names with their d_type: no stat for the plain files and folders
   * (most file systems tell the type), sizes are looked up when needed. */
  while ((de = readdir (dir)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      {
        gsize len = strlen (de->d_name);
        char *name = g_malloc (len + 2);

        name[0] = (char) de->d_type;
        memcpy (name + 1, de->d_name, len + 1);
        g_ptr_array_add (names, name);
      }
  g_ptr_array_sort (names, typed_name_compare);

  for (guint i = 0; i < names->len; i++)
    {
      const char *typed = g_ptr_array_index (names, i);
      const char *name = typed + 1;
      g_autofree char *child_rel = rel ? g_strconcat (rel, "/", name, NULL) : g_strdup (name);
      struct stat sb;

      switch ((guchar) typed[0])
        {
        case DT_REG:
          sb.st_mode = S_IFREG;
          sb.st_size = -1;
          break;
        case DT_DIR:
          sb.st_mode = S_IFDIR;
          break;
        default:
          if (fstatat (dirfd (dir), name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
          break;
        }

      if (S_ISDIR (sb.st_mode))
        {
          if (name[0] == '.')
            continue;
          if (depth >= MAX_FOLDER_DEPTH)
            {
              g_autofree char *display = g_filename_display_name (child_rel);
              gpm_takeout_load_problem (st, display, _("folder nested too deep; not read"));
              continue;
            }
          gpm_takeout_walk_folder (st, root, root_real, child_rel, depth + 1, files);
        }
      else if (S_ISREG (sb.st_mode))
        {
          FolderFile *f = g_new0 (FolderFile, 1);
          f->raw = g_steal_pointer (&child_rel);
          f->size = sb.st_size;
          g_ptr_array_add (files, f);
        }
      else if (S_ISLNK (sb.st_mode))
        {
          g_autofree char *child_path = g_build_filename (root, child_rel, NULL);
          g_autofree char *real = realpath (child_path, NULL);
          g_autofree char *prefix = g_strconcat (root_real, "/", NULL);
          struct stat target;

          if (real && g_str_has_prefix (real, prefix) &&
              stat (real, &target) == 0 && S_ISREG (target.st_mode))
            {
              FolderFile *f = g_new0 (FolderFile, 1);
              f->raw = g_steal_pointer (&child_rel);
              f->size = target.st_size;
              g_ptr_array_add (files, f);
            }
          else
            {
              g_autofree char *display = g_filename_display_name (child_rel);
              gpm_takeout_load_problem (st, display, _("symbolic link not followed"));
            }
        }
    }
  closedir (dir);
}

/* An fd for the folder holding @rel (relative to @root), kept open while
 * its files are read one after another: opening each file relative to it
 * spares the kernel a walk of the whole path every time. */
static int
folder_fd_for (LoadState  *st,
               const char *root,
               const char *rel,
               const char **base)
{
  const char *slash = strrchr (rel, '/');
  g_autofree char *dir = slash ? g_strndup (rel, slash - rel) : g_strdup ("");

  *base = slash ? slash + 1 : rel;
  if (st->dir_fd >= 0 && g_strcmp0 (st->dir_rel, dir) == 0)
    return st->dir_fd;

  if (st->dir_fd >= 0)
    close (st->dir_fd);
  g_free (st->dir_rel);
  st->dir_rel = g_steal_pointer (&dir);
  {
    g_autofree char *path = g_build_filename (root, st->dir_rel, NULL);
    st->dir_fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  }
  return st->dir_fd;
}

static void
folder_fd_close (LoadState *st)
{
  if (st->dir_fd >= 0)
    close (st->dir_fd);
  st->dir_fd = -1;
  g_clear_pointer (&st->dir_rel, g_free);
}

/* Reads all of @fd into @b (made by gpm_takeout_json_buf_init()): 0, or
 * the errno of a failed read, or -1 past @limit bytes (@b's data is then
 * the caller's to free). */
static int
read_json_fd (int      fd,
              JsonBuf *b,
              gsize    limit)
{
  for (;;)
    {
      gsize want;
      ssize_t n;

      gpm_takeout_json_buf_grow (b, limit);
      want = b->cap - 1 - b->len;
      n = read (fd, b->data + b->len, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno;
      if (n == 0)
        return 0;
      b->len += n;
      if (b->len > limit)
        return -1;
      /* A regular file reads short only at its end: spare the read of 0. */
      if ((gsize) n < want)
        return 0;
    }
}

static gboolean
read_folder_json (LoadState  *st,
                  const char *root,
                  Entry      *e)
{
  const char *name = gpm_takeout_entry_whole_name (e);   /* (a JSON's) */
  const char *rel = gpm_takeout_entry_raw_name (e) ? gpm_takeout_entry_raw_name (e) : name;
  const char *base = NULL;
  int dir_fd, fd, saved;
  JsonBuf b;

  if (e->pub.size > (goffset) st->limit)
    {
      gpm_takeout_load_too_large (st, name, e->pub.size);
      return FALSE;
    }

  dir_fd = folder_fd_for (st, root, rel, &base);
  if (dir_fd < 0)
    {
      saved = errno;
      gpm_takeout_load_problem (st, name, _("cannot be read (%s)"), g_strerror (saved));
      return FALSE;
    }
  fd = openat (dir_fd, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ELOOP)
    fd = openat (dir_fd, base, O_RDONLY | O_CLOEXEC); /* a link checked by the walk */
  if (fd < 0)
    {
      saved = errno;
      gpm_takeout_load_problem (st, name, _("cannot be read (%s)"), g_strerror (saved));
      return FALSE;
    }

  gpm_takeout_json_buf_init (&b, e->pub.size);
  saved = read_json_fd (fd, &b, st->limit);
  close (fd);
  if (saved != 0)
    {
      g_free (b.data);
      if (saved < 0)
        gpm_takeout_load_too_large (st, name, -1);
      else
        gpm_takeout_load_problem (st, name, _("cannot be read (%s)"), g_strerror (saved));
      return FALSE;
    }

  e->pub.size = b.len;
  gpm_takeout_load_deliver (st, name, &b);
  return TRUE;
}

guint64
gpm_takeout_count_json_files (GPtrArray *files)
{
  guint64 n = 0;

  for (guint j = 0; j < files->len; j++)
    {
      FolderFile *f = g_ptr_array_index (files, j);
      n += gpm_takeout_is_json_name (f->raw);
    }
  return n;
}

/* A problem of the first pass, put in its place among the second's. */
typedef struct {
  guint       file;
  GpmProblem *problem;
} HeldProblem;

/* Two passes: first every file becomes an entry (names, sizes) and the
 * photos and sidecars go to the helper thread at once, then the JSON files
 * are read. In one pass the helper waited for the JSON: the files are
 * sorted, and "20180101 - Post.json" sorts before "IMG_0001.jpg", so it
 * started when the posts were read. The problems keep the files' order. */
void
gpm_takeout_load_folder_part (LoadState *st,
                              guint      part_idx,
                              GPtrArray *files)
{
  Part *part = &st->self->parts[part_idx];
  const char *root = part->path;
  guint64 done = 0;
  SideWork side;
  g_autoptr(GArray) json = g_array_new (FALSE, FALSE, sizeof (Entry *));
  g_autoptr(GArray) json_files = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (HeldProblem));
  guint next_held = 0;

  gpm_takeout_side_work_start (&side, -1, root);
  for (guint i = 0; i < files->len; i++)
    {
      FolderFile *f = g_ptr_array_index (files, i);
      char *name, *raw = NULL;
      guint problems_before = st->problems->len;
      Entry *e;

      if (g_cancellable_is_cancelled (st->cancellable))
        break;

      if (g_utf8_validate (f->raw, -1, NULL))
        {
          /* Extracted from a .tgz with double-encoded names, or on a Mac's
           * HFS+ (names in NFD, where the posts' localFilePaths are NFC):
           * shown and matched as they were meant (NFC, as an archive's are),
           * opened as they are. */
          char *nfc;

          name = gpm_archive_undo_mojibake (f->raw);
          if ((nfc = gpm_archive_dup_nfc (name ? name : f->raw)) != NULL)
            {
              g_free (name);
              name = nfc;
            }
          if (name != NULL)
            {
              gpm_takeout_load_ensure_seen (st);
              raw = g_strdup (f->raw);
            }
          else
            name = g_strdup (f->raw);
        }
      else
        {
          gpm_takeout_load_ensure_seen (st);
          name = g_filename_display_name (f->raw);
          raw = g_strdup (f->raw);
        }

      e = gpm_takeout_load_add_entry (st, part_idx, name, f->size, 0, raw);
      /* The walk's list goes as the entries come (200,000 paths at 100,000 posts) */
      g_clear_pointer (&files->pdata[i], gpm_takeout_folder_file_free);
      while (st->problems->len > problems_before)
        {
          HeldProblem h = { i, g_ptr_array_steal_index (st->problems, problems_before) };
          g_array_append_val (held, h);
        }
      if (e == NULL)
        continue;
      if (gpm_takeout_is_json_name (e->pub.base_name))
        {
          g_array_append_val (json, e);
          g_array_append_val (json_files, i);
        }
      else if (side.root_fd >= 0 && gpm_takeout_entry_is_sidecar (e))
        gpm_takeout_side_work_add (&side, e, NULL, TRUE);
      else if (side.root_fd >= 0 && gpm_takeout_may_be_photo (e->pub.base_name))
        gpm_takeout_side_work_add (&side, e, NULL, FALSE);
    }
  /* (the helper starts on what is queued while the JSON is read) */
  gpm_takeout_side_work_flush (&side);

  for (guint k = 0; k < json->len; k++)
    {
      guint file = g_array_index (json_files, guint, k);

      if (g_cancellable_is_cancelled (st->cancellable))
        break;
      for (; next_held < held->len && g_array_index (held, HeldProblem, next_held).file < file; next_held++)
        g_ptr_array_add (st->problems, g_array_index (held, HeldProblem, next_held).problem);
      read_folder_json (st, root, g_array_index (json, Entry *, k));
      done += FOLDER_JSON_UNIT;
      gpm_takeout_load_progress (st, st->base + done, FALSE);
    }
  for (; next_held < held->len; next_held++)
    g_ptr_array_add (st->problems, g_array_index (held, HeldProblem, next_held).problem);
  folder_fd_close (st);
  part->sidecars_read = side.root_fd >= 0 && !g_cancellable_is_cancelled (st->cancellable);
  gpm_takeout_side_work_finish (&side);
}

static void
too_large (GError  **error,
           goffset   size,
           gsize     limit)
{
  g_autofree char *message = gpm_takeout_too_large_message (size, limit);

  g_set_error_literal (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_TOO_LARGE, message);
}

/* What g_file_get_contents() says of a file that cannot be read (the
 * CLI's message since its first file list), or its bytes after all. */
static GBytes *
read_json_file_slowly (const char  *path,
                       gsize        max_size,
                       GError     **error)
{
  char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  if (len > max_size)
    {
      g_free (data);
      too_large (error, len, max_size);
      return NULL;
    }
  return g_bytes_new_take (data, len);
}

GBytes *
gpm_takeout_read_json_file (int          dir_fd,
                            const char  *name,
                            const char  *path,
                            gsize        max_size,
                            GError     **error)
{
  struct stat sb;
  JsonBuf b;
  int fd, saved;

  fd = openat (dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && (fstat (fd, &sb) != 0 || !S_ISREG (sb.st_mode)))
    {
      close (fd);
      fd = -1;
    }
  if (fd < 0)
    return read_json_file_slowly (path, max_size, error);
  if (sb.st_size > (goffset) max_size)
    {
      close (fd);
      too_large (error, sb.st_size, max_size);
      return NULL;
    }

  gpm_takeout_json_buf_init (&b, sb.st_size);
  saved = read_json_fd (fd, &b, max_size);
  close (fd);
  if (saved != 0)
    {
      g_free (b.data);
      if (saved > 0)
        return read_json_file_slowly (path, max_size, error);
      too_large (error, -1, max_size);
      return NULL;
    }
  if (b.cap > b.len + 1 + 1024)
    b.data = g_realloc (b.data, b.len + 1);
  b.data[b.len] = '\0';
  return g_bytes_new_take (b.data, b.len);
}
