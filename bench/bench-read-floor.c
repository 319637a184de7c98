/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-read-floor: the least any program pays to read a takeout folder's
 * post JSON: every *.json file below FOLDER opened, read whole and closed,
 * nothing parsed. bench-scopes.sh times it next to the seed script and
 * `gplus-migrate-cli scopes FOLDER`, to tell how fast `scopes` could be at all.
 *
 *   bench-read-floor FOLDER */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 20];
static long n_files, n_bytes;

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
        {
          int fd = openat (dirfd (dir), de->d_name, O_RDONLY | O_CLOEXEC);
          ssize_t n;

          if (fd < 0)
            continue;
          while ((n = read (fd, buf, sizeof buf)) > 0)
            n_bytes += n;
          close (fd);
          n_files++;
        }
    }
  closedir (dir);
}

int
main (int    argc,
      char **argv)
{
  int fd;

  if (argc != 2)
    {
      fprintf (stderr, "usage: bench-read-floor FOLDER\n");
      return 2;
    }
  fd = open (argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      perror (argv[1]);
      return 1;
    }
  walk (fd);
  printf ("%ld JSON files, %ld bytes\n", n_files, n_bytes);
  return 0;
}
