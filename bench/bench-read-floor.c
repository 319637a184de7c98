/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-read-floor: the least any program pays to read a takeout folder's
 * post JSON: every *.json file below FOLDER opened, read whole and closed,
 * nothing parsed. bench-scopes.sh times it next to the seed script and
 * `gplus-migrate-cli scopes FOLDER`, to tell how fast `scopes` could be at all.
 *
 * With --same-files, the files `scopes FOLDER` opens besides: each
 * sidecar (*.metadata.csv) read whole, and the first 4 KiB of every other
 * file that may be a photo (what the photo check reads of a JPEG; the
 * takeout's own HTML and CSV files and videos are not opened), one thread
 * as `scopes` reads them on two.
 *
 *   bench-read-floor [--same-files] FOLDER */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static char buf[1 << 20];
static long n_files, n_bytes;
static int same_files;

static int
has_suffix (const char *name, size_t len, const char *suffix)
{
  size_t n = strlen (suffix);
  return len > n && strcasecmp (name + len - n, suffix) == 0;
}

/* gpm_takeout_may_be_photo()'s list: files whose head `scopes` reads */
static int
may_be_photo (const char *name, size_t len)
{
  static const char * const not_photos[] = {
    ".json", ".csv", ".html", ".htm", ".txt", ".vcf", ".ics",
    ".mp4", ".m4v", ".mov", ".webm", ".avi", ".3gp", ".mkv", ".wmv", ".mpg", ".mpeg", ".m4a", ".mp3",
  };
  const char *dot = strrchr (name, '.');

  for (size_t i = 0; dot && i < sizeof not_photos / sizeof not_photos[0]; i++)
    if (strcasecmp (dot, not_photos[i]) == 0)
      return 0;
  return len > 0;
}

static void
read_file (int dir_fd, const char *name, size_t at_most)
{
  int fd = openat (dir_fd, name, O_RDONLY | O_CLOEXEC);
  ssize_t n;
  size_t got = 0;

  if (fd < 0)
    return;
  while (got < at_most && (n = read (fd, buf, at_most - got < sizeof buf ? at_most - got : sizeof buf)) > 0)
    {
      n_bytes += n;
      got += n;
    }
  close (fd);
  n_files++;
}

static void
walk (int dir_fd)
{
  DIR *dir = fdopendir (dir_fd);
  struct dirent *de;

  if (dir == NULL)
    return;
  while ((de = readdir (dir)) != NULL)
    {
      size_t len = strlen (de->d_name);

      if (de->d_name[0] == '.')
        continue;
      if (de->d_type == DT_DIR)
        {
          int sub = openat (dirfd (dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (sub >= 0)
            walk (sub);
        }
      else if (len > 5 && strcmp (de->d_name + len - 5, ".json") == 0)
        read_file (dirfd (dir), de->d_name, (size_t) -1);
      else if (same_files && has_suffix (de->d_name, len, ".metadata.csv"))
        read_file (dirfd (dir), de->d_name, (size_t) -1);
      else if (same_files && may_be_photo (de->d_name, len))
        read_file (dirfd (dir), de->d_name, 4096);
    }
  closedir (dir);
}

int
main (int    argc,
      char **argv)
{
  int fd;

  if (argc == 3 && strcmp (argv[1], "--same-files") == 0)
    {
      same_files = 1;
      argv++;
      argc--;
    }
  if (argc != 2)
    {
      fprintf (stderr, "usage: bench-read-floor [--same-files] FOLDER\n");
      return 2;
    }
  fd = open (argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      perror (argv[1]);
      return 1;
    }
  walk (fd);
  printf ("%ld %s, %ld bytes\n", n_files, same_files ? "files" : "JSON files", n_bytes);
  return 0;
}
