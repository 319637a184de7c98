/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the archive reader: the input is written to a file
 * (libarchive's zip reader needs to seek) and opened as a takeout: zip,
 * tgz, or whatever the sniffing makes of it; every JSON entry is delivered,
 * a few entries are streamed back and media looked up. */
#define G_LOG_DOMAIN "fuzz-takeout"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "gpm-takeout.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *input_path;
static char *tmp_dir;

static void
remove_tmp (void)
{
  if (input_path)
    g_remove (input_path);
  if (tmp_dir)
    g_rmdir (tmp_dir);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;

  gpm_takeout_setup_process (GPM_MALLOC_ARENAS_LEAN);
  /* A critical or warning is a bug: abort, so libFuzzer keeps the input. */
  gpm_fuzz_abort_on_warnings ();
  tmp_dir = g_dir_make_tmp ("gpm-fuzz-takeout-XXXXXX", &error);
  g_assert_no_error (error);
  /* .zip: input without any magic is still tried as a zip */
  input_path = g_build_filename (tmp_dir, "input.zip", NULL);
  atexit (remove_tmp);
  return 0;
}

static void
touch_json (const char *name,
            GBytes     *bytes,
            gpointer    user_data)
{
  guint *sum = user_data;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  g_assert (data[length] == '\0');
  g_assert (g_utf8_validate (name, -1, NULL));
  for (gsize k = 0; k < length; k++)
    *sum += (guchar) data[k];
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTakeout) takeout = NULL;
  const char *paths[2] = { input_path, NULL };
  GPtrArray *entries;
  guint sum = 0;

  if (!g_file_set_contents (input_path, (const char *) data, size, &error))
    return 0;

  takeout = gpm_takeout_new (paths, &error);
  if (takeout == NULL)
    return 0;
  gpm_takeout_set_max_json_size (takeout, 256 * 1024);
  gpm_takeout_load (takeout, touch_json, NULL, &sum, NULL, NULL);

  entries = gpm_takeout_get_entries (takeout);
  for (guint k = 0; k < entries->len && k < 8; k++)
    {
      GpmTakeoutEntry *e = g_ptr_array_index (entries, k);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *name = gpm_takeout_dup_entry_name (takeout, e);
      const char *base = strrchr (name, '/');

      g_assert (gpm_takeout_lookup (takeout, name) == e);
      bytes = gpm_takeout_read_entry (takeout, name, 1024 * 1024, NULL, NULL);
      if (bytes)
        g_assert (g_bytes_get_size (bytes) <= 1024 * 1024);
      gpm_takeout_find_media (takeout, name, base ? base + 1 : name, NULL);
    }
  gpm_takeout_get_problems (takeout);
  return 0;
}
