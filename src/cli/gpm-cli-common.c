/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-cli"

#include "config.h"

#include "gpm-cli-common.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

GOptionEntry *
gpm_cli_selection_entries (GpmCliSelection *sel)
{
  GOptionEntry entries[] = {
    { "public", 0, 0, G_OPTION_ARG_NONE, &sel->public_, N_("Posts shared publicly"), NULL },
    { "circles", 0, 0, G_OPTION_ARG_NONE, &sel->circles, N_("Posts shared with all your circles"), NULL },
    { "ext-circles", 0, 0, G_OPTION_ARG_NONE, &sel->ext_circles, N_("Posts shared with your extended circles"), NULL },
    { "id", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sel->ids, N_("Posts shared with this circle, person, collection, community or event (repeatable)"), N_("ID") },
    { "essentially-public", 0, 0, G_OPTION_ARG_NONE, &sel->essentially_public, N_("Public posts and posts to communities"), NULL },
    { NULL }
  };
  return g_memdup2 (entries, sizeof entries);
}

GOptionEntry *
gpm_cli_convert_entries (GpmConvertSettings *settings)
{
  GOptionEntry entries[] = {
    { "include-location", 0, 0, G_OPTION_ARG_NONE, &settings->location,
      N_("Include the place a post was written at (as the pod's location, or in the text when it has no coordinates)"), NULL },
    { "no-archive-links", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &settings->archive_links,
      N_("Leave Google+ addresses as they are instead of linking to their Internet Archive copy"), NULL },
    { NULL }
  };
  return g_memdup2 (entries, sizeof entries);
}

gboolean
gpm_cli_selection_is_empty (const GpmCliSelection *sel)
{
  return !sel->public_ && !sel->circles && !sel->ext_circles &&
         !sel->essentially_public && (sel->ids == NULL || sel->ids[0] == NULL);
}

void
gpm_cli_selection_clear (GpmCliSelection *sel)
{
  g_clear_pointer (&sel->ids, g_strfreev);
}

/* The file list on stdin: one path a line, as `find … -name '*.json'` prints. */
static GStrv
read_stdin_paths (void)
{
  g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();
  g_autoptr(GIOChannel) in = g_io_channel_unix_new (STDIN_FILENO);
  char *line = NULL;
  gsize len = 0;

  g_io_channel_set_encoding (in, NULL, NULL);
  while (g_io_channel_read_line (in, &line, &len, NULL, NULL) == G_IO_STATUS_NORMAL)
    {
      g_autofree char *path = g_strstrip (line);

      line = NULL;
      if (*path != '\0')
        g_strv_builder_add (paths, path);
    }
  return g_strv_builder_end (paths);
}

static gint64 max_json_size = GPM_TAKEOUT_MAX_JSON_SIZE;

GOptionEntry *
gpm_cli_input_entries (void)
{
  GOptionEntry entries[] = {
    { "max-json-size", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &max_json_size,
      N_("Report JSON files larger than this many bytes instead of reading them"), N_("BYTES") },
    { NULL }
  };
  return g_memdup2 (entries, sizeof entries);
}

gboolean
gpm_cli_input_load (GpmCliInput  *input,
                    char        **paths,
                    const char   *prog)
{
  g_autoptr(GError) error = NULL;

  memset (input, 0, sizeof *input);
  input->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);

  if (paths == NULL || paths[0] == NULL)
    {
      g_auto(GStrv) files = read_stdin_paths ();
      input->import = gpm_import_new_for_file_list ((const char * const *) files);
    }
  else
    input->import = gpm_import_new ((const char * const *) paths);
  gpm_import_set_max_json_size (input->import, MAX (max_json_size, 1));
  if (!gpm_import_run (input->import, NULL, &error))
    {
      fprintf (stderr, "%s: %s\n", prog, error->message);
      gpm_cli_input_clear (input);
      return FALSE;
    }
  input->index = g_object_ref (gpm_import_get_index (input->import));
  {
    GPtrArray *problems = gpm_import_get_problems (input->import);
    for (guint i = 0; i < problems->len; i++)
      g_ptr_array_add (input->problems, gpm_problem_ref (g_ptr_array_index (problems, i)));
  }
  return TRUE;
}

void
gpm_cli_input_clear (GpmCliInput *input)
{
  g_clear_object (&input->import);
  g_clear_object (&input->index);
  g_clear_pointer (&input->problems, g_ptr_array_unref);
}

/* What gpm_cli_input_exit() left for the kernel to reclaim; kept reachable
 * so leak checkers see it as in use, not lost. */
static GpmCliInput kept_until_exit;

void
gpm_cli_input_exit (GpmCliInput *input)
{
  /* The command is done and the process ends: finalizing 20,000 posts one
   * by one costs longer than reading them did, and the kernel takes the
   * memory back at once. GPM_CLI_FREE_AT_EXIT=1 frees it all (for leak hunts). */
  if (g_strcmp0 (g_getenv ("GPM_CLI_FREE_AT_EXIT"), "1") == 0)
    {
      gpm_cli_input_clear (input);
      return;
    }
  gpm_cli_input_clear (&kept_until_exit);
  kept_until_exit = *input;
  memset (input, 0, sizeof *input);
}

void
gpm_cli_selection_add_keys (const GpmCliSelection *sel,
                            GStrvBuilder          *keys)
{
  if (sel->public_)
    g_strv_builder_add (keys, gpm_scope_kind_to_string (GPM_SCOPE_PUBLIC));
  if (sel->circles)
    g_strv_builder_add (keys, gpm_scope_kind_to_string (GPM_SCOPE_CIRCLES));
  if (sel->ext_circles)
    g_strv_builder_add (keys, gpm_scope_kind_to_string (GPM_SCOPE_EXTENDED));
  if (sel->ids != NULL)
    g_strv_builder_addv (keys, (const char **) sel->ids);
}

GPtrArray *
gpm_cli_input_select (GpmCliInput           *input,
                      const GpmCliSelection *sel)
{
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  gpm_cli_selection_add_keys (sel, keys);
  strv = g_strv_builder_end (keys);
  return gpm_scope_index_select (input->index, (const char * const *) strv, sel->essentially_public);
}

static gint
compare_entry_names (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (gpm_post_get_entry_name (*(GpmPost * const *) a),
                 gpm_post_get_entry_name (*(GpmPost * const *) b));
}

GPtrArray *
gpm_cli_input_dup_posts_with_unscoped (GpmCliInput *input)
{
  GpmTakeout *takeout = gpm_import_get_takeout (input->import);
  GPtrArray *indexed = gpm_scope_index_get_posts (input->index);
  GPtrArray *posts = g_ptr_array_new_full (indexed->len, g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_indexed = indexed->len;

  for (guint i = 0; i < indexed->len; i++)
    g_ptr_array_add (posts, g_object_ref (g_ptr_array_index (indexed, i)));

  for (guint i = 0; input->problems != NULL && i < input->problems->len; i++)
    {
      GpmProblem *p = g_ptr_array_index (input->problems, i);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GpmPost) post = NULL;

      if (p->name == NULL || !g_str_has_suffix (p->name, ".json") || !g_hash_table_add (seen, p->name))
        continue;
      if (takeout != NULL)
        bytes = gpm_takeout_read_entry (takeout, p->name, (gsize) MAX (max_json_size, 1), NULL, NULL);
      else
        {
          char *data = NULL;
          gsize len = 0;

          if (g_file_get_contents (p->name, &data, &len, NULL))
            bytes = g_bytes_new_take (data, len);
        }
      if (bytes == NULL)
        continue;
      /* Only a post whose one fault is the missing ACL. */
      post = gpm_post_new_from_bytes (p->name, bytes, &error);
      if (post != NULL || !g_error_matches (error, GPM_POST_ERROR, GPM_POST_ERROR_NO_ACL))
        continue;
      post = gpm_post_new_without_acl (p->name, bytes, NULL);
      if (post != NULL)
        g_ptr_array_add (posts, g_steal_pointer (&post));
    }
  if (takeout != NULL && posts->len > n_indexed)
    g_ptr_array_sort (posts, compare_entry_names);
  return posts;
}

char *
gpm_cli_input_dup_display_name (GpmCliInput *input,
                                const char  *name)
{
  GpmTakeout *takeout = gpm_import_get_takeout (input->import);
  const GpmTakeoutEntry *entry = takeout ? gpm_takeout_lookup (takeout, name) : NULL;
  char *path = entry ? gpm_takeout_dup_entry_path (takeout, entry) : NULL;

  return path ? path : g_strdup (name);
}

void
gpm_cli_input_print_problems (GpmCliInput *input)
{
  for (guint i = 0; i < input->problems->len; i++)
    {
      GpmProblem *p = g_ptr_array_index (input->problems, i);
      g_autofree char *name = gpm_cli_input_dup_display_name (input, p->name);
      fprintf (stderr, "gplus-migrate-cli: %s: %s\n", name, p->message);
    }
}

void
gpm_cli_print_json (JsonNode *node,
                    gboolean  pretty)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, pretty);
  text = json_generator_to_data (gen, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
}
