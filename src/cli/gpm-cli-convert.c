/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "gpm-cli.h"
#include "gpm-cli-common.h"
#include "gpm-convert.h"
#include "gpm-post.h"
#include "gpm-render.h"

static const char *
kind_name (GpmConvertMediaKind kind)
{
  switch (kind)
    {
    case GPM_CONVERT_MEDIA_PHOTO: return "photo";
    case GPM_CONVERT_MEDIA_VIDEO: return "video";
    case GPM_CONVERT_MEDIA_OTHER: default: return "other";
    }
}

static JsonNode *
result_to_json (const char             *entry,
                const GpmConvertResult *r,
                const char             *html)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "entry");
  json_builder_add_string_value (b, entry);
  json_builder_set_member_name (b, "resourceName");
  if (gpm_post_get_resource_name (r->post))
    json_builder_add_string_value (b, gpm_post_get_resource_name (r->post));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "markdown");
  json_builder_add_string_value (b, r->markdown);
  json_builder_set_member_name (b, "html");
  if (html)
    json_builder_add_string_value (b, html);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "media");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->media->len; i++)
    {
      const GpmConvertMedia *m = g_ptr_array_index (r->media, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      if (m->file_name)
        json_builder_add_string_value (b, m->file_name);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "entry");
      if (m->entry)
        json_builder_add_string_value (b, m->entry);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, kind_name (m->kind));
      json_builder_set_member_name (b, "uploadable");
      json_builder_add_boolean_value (b, m->uploadable);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  /* What reading the post found (no postAcl, characters replaced…), then
   * what converting it found: nothing is dropped without a word. */
  for (guint i = 0; i < gpm_post_get_warnings (r->post)->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (gpm_post_get_warnings (r->post), i));
  for (guint i = 0; i < r->warnings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (r->warnings, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* A post file on its own: its media are looked for on disk relative to the
 * post file, as localFilePath names them ("../Photos/x.jpg" too: the user's
 * own folder, nothing is read but what a takeout's post names). */
static char *
resolve_next_to_file (const char     *post_entry,
                      const GpmMedia *media,
                      const char     *file_name,
                      gpointer        user_data)
{
  g_autofree char *dir = g_path_get_dirname (post_entry);
  g_autoptr(GFile) base = g_file_new_for_path (dir);
  g_autoptr(GFile) file = NULL;

  if (g_path_is_absolute (file_name))
    return NULL;
  file = g_file_resolve_relative_path (base, file_name);
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_REGULAR)
    return NULL;
  return g_file_get_path (file);
}

/* --jsonl: posts are converted and rendered by a pool of worker threads (one
 * JavaScript context each) and printed in order by the main thread, with at
 * most WINDOW posts in flight. */
#define WINDOW 2048

typedef struct {
  GpmCliInput *input;
  GpmTakeout  *takeout;
  GPtrArray   *posts;
  char       **lines;     /* per post, set by the workers */
  char       **errors;    /* per post: why there is no html, or NULL */
  gboolean     with_html;
  const GpmConvertSettings *settings;
  GMutex       lock;
  GCond        cond;
  GAsyncQueue *queue;     /* post numbers + 1; 0 … never; STOP ends a worker */
} Jobs;

#define STOP G_MAXUINT

static void convert_one (Jobs *jobs, guint i);

/* A worker owns its JavaScript context until it returns; joining the
 * workers before exit frees every context in its own thread. */
static gpointer
convert_worker (gpointer user_data)
{
  Jobs *jobs = user_data;

  for (;;)
    {
      guint job = GPOINTER_TO_UINT (g_async_queue_pop (jobs->queue));
      if (job == STOP)
        return NULL;
      convert_one (jobs, job - 1);
    }
}

static void
convert_one (Jobs *jobs, guint i)
{
  GpmPost *post = g_ptr_array_index (jobs->posts, i);
  g_autoptr(GpmConvertResult) r = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) render_error = NULL;
  g_autofree char *html = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  char *line;

  r = gpm_convert_post (post, jobs->settings, jobs->takeout ? gpm_convert_takeout_resolver : NULL, jobs->takeout);
  if (jobs->with_html)
    html = gpm_render_markdown (r->markdown, &render_error);
  name = gpm_cli_input_dup_display_name (jobs->input, gpm_post_get_entry_name (post));
  node = result_to_json (name, r, html);
  json_generator_set_root (gen, node);
  line = json_generator_to_data (gen, NULL);

  locker = g_mutex_locker_new (&jobs->lock);
  jobs->lines[i] = line;
  if (jobs->with_html && html == NULL)
    jobs->errors[i] = g_strdup_printf ("%s: %s", name, render_error->message);
  g_cond_broadcast (&jobs->cond);
}

static int
convert_takeout (const char *prog, char **paths, gboolean with_html,
                 const GpmConvertSettings *settings)
{
  GpmCliInput input;
  g_autoptr(GPtrArray) workers = g_ptr_array_new ();
  g_autoptr(GPtrArray) all_posts = NULL;
  Jobs jobs = { 0 };
  guint n, pushed = 0;
  int status = GPM_CLI_OK;

  if (!gpm_cli_input_load (&input, paths, prog))
    return GPM_CLI_BAD_INPUT;
  gpm_cli_input_print_problems (&input);
  if (input.problems->len > 0)
    status = GPM_CLI_BAD_INPUT;

  jobs.input = &input;
  jobs.with_html = with_html;
  jobs.settings = settings;
  jobs.takeout = input.import ? gpm_import_get_takeout (input.import) : NULL;
  /* Posts that lost their postAcl are shown too, with a warning. */
  all_posts = gpm_cli_input_dup_posts_with_unscoped (&input);
  jobs.posts = all_posts;
  n = jobs.posts->len;
  jobs.lines = g_new0 (char *, n + 1);
  jobs.errors = g_new0 (char *, n + 1);
  g_mutex_init (&jobs.lock);
  g_cond_init (&jobs.cond);

  gpm_convert_init ();
  if (with_html)
    {
      /* Loads the renderer once here, so a broken one fails before the
       * workers start (gpm-render also guards its first load itself). */
      g_autofree char *warm = gpm_render_markdown ("", NULL);
    }
  jobs.queue = g_async_queue_new ();
  for (guint w = 0; w < CLAMP (g_get_num_processors (), 1, 8); w++)
    g_ptr_array_add (workers, g_thread_new ("convert", convert_worker, &jobs));
  for (guint i = 0; i < n; i++)
    {
      char *line;
      while (pushed < n && pushed < i + WINDOW)
        {
          pushed++;
          g_async_queue_push (jobs.queue, GUINT_TO_POINTER (pushed));
        }
      g_mutex_lock (&jobs.lock);
      while (jobs.lines[i] == NULL)
        g_cond_wait (&jobs.cond, &jobs.lock);
      line = g_steal_pointer (&jobs.lines[i]);
      g_mutex_unlock (&jobs.lock);

      if (jobs.errors[i])
        {
          fprintf (stderr, "%s: %s\n", prog, jobs.errors[i]);
          g_clear_pointer (&jobs.errors[i], g_free);
          status = GPM_CLI_BAD_INPUT;
        }
      fputs (line, stdout);
      fputc ('\n', stdout);
      g_free (line);
    }
  for (guint w = 0; w < workers->len; w++)
    g_async_queue_push (jobs.queue, GUINT_TO_POINTER (STOP));
  for (guint w = 0; w < workers->len; w++)
    g_thread_join (g_ptr_array_index (workers, w));
  g_async_queue_unref (jobs.queue);

  g_free (jobs.lines);
  g_free (jobs.errors);
  g_mutex_clear (&jobs.lock);
  g_cond_clear (&jobs.cond);
  gpm_cli_input_exit (&input);
  return status;
}

int
gpm_cli_convert (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  gboolean html = FALSE, jsonl = FALSE, no_html = FALSE;
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autofree GOptionEntry *convert_entries = gpm_cli_convert_entries (settings);
  const GOptionEntry entries[] = {
    { "no-html", 0, 0, G_OPTION_ARG_NONE, &no_html, N_("With --jsonl: leave the preview HTML out (\"html\": null), which is faster"), NULL },
    { "html", 0, 0, G_OPTION_ARG_NONE, &html, N_("Print the preview HTML (as diaspora* shows the post) instead of the Markdown"), NULL },
    { "jsonl", 0, 0, G_OPTION_ARG_NONE, &jsonl, N_("Convert every post of a takeout: one JSON object per line"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, N_("POST.json | --jsonl TAKEOUT…") },
    { NULL }
  };

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Convert a Google+ post to diaspora* Markdown.\n\n"
                                       "With --jsonl, convert every post of a takeout (a zip, its parts, a .tgz\n"
                                       "or a folder) and print {\"entry\", \"resourceName\", \"markdown\", \"html\",\n"
                                       "\"media\", \"warnings\"} for each, one per line; each media is {\"file\" (as the\n"
                                       "post names it), \"entry\" (where it is in the takeout, or null), \"kind\" (photo,\n"
                                       "video, other), \"uploadable\"}."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, convert_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return GPM_CLI_USAGE;
    }


  if (no_html && !jsonl)
    {
      fprintf (stderr, _("%s: --no-html goes with --jsonl\n"), argv[0]);
      return GPM_CLI_USAGE;
    }
  if (jsonl)
    {
      if (html || args == NULL || args[0] == NULL)
        {
          fprintf (stderr, _("%s: --jsonl takes a takeout (and no --html)\n"), argv[0]);
          return GPM_CLI_USAGE;
        }
      return convert_takeout (argv[0], args, !no_html, settings);
    }

  if (args == NULL || args[0] == NULL || args[1] != NULL)
    {
      fprintf (stderr, _("%s: give exactly one post file\n"), argv[0]);
      return GPM_CLI_USAGE;
    }

  {
    g_autoptr(GpmPost) post = gpm_post_new_from_file (args[0], &error);
    g_autoptr(GpmConvertResult) r = NULL;
    if (post == NULL)
      {
        fprintf (stderr, "%s: %s: %s\n", argv[0], args[0], error->message);
        return GPM_CLI_BAD_INPUT;
      }
    r = gpm_convert_post (post, settings, resolve_next_to_file, NULL);
    for (guint i = 0; i < r->warnings->len; i++)
      fprintf (stderr, "%s: %s: %s\n", argv[0], args[0], (const char *) g_ptr_array_index (r->warnings, i));
    if (html)
      {
        g_autofree char *out = gpm_render_markdown (r->markdown, &error);
        if (out == NULL)
          {
            fprintf (stderr, "%s: %s: %s\n", argv[0], args[0], error->message);
            return GPM_CLI_BAD_INPUT;
          }
        fputs (out, stdout);
        if (*out && out[strlen (out) - 1] != '\n')
          fputc ('\n', stdout);
      }
    else
      {
        fputs (r->markdown, stdout);
        fputc ('\n', stdout);
      }
  }
  return GPM_CLI_OK;
}
