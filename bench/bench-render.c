/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-render: renders N generated posts with gpm_render_markdown() and prints posts/second.
 *
 *   bench-render [-n POSTS] [-t THREADS] [--remote]
 *
 * The posts look like converted Google+ posts: a few paragraphs with bold, italic,
 * hashtags, links and line breaks, the static hashtag line, the "Originally posted" line
 * and the post's URL. The first render in each thread (loading the scripts) is timed
 * separately. */
#define G_LOG_DOMAIN "bench-render"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jsc/jsc.h>

#include "gpm-render.h"

static const char * const words[] = {
  "sunset", "über", "the", "bay", "friends", "coffee", "🙂", "road", "trip", "שלום", "mountain",
  "photo", "weekend", "music", "garden", "rain", "book", "city", "light", "river", "日本",
};

static char *
generate_post (GRand *rand, guint index)
{
  GString *s = g_string_new (NULL);
  guint paragraphs = g_rand_int_range (rand, 1, 5);

  for (guint p = 0; p < paragraphs; p++)
    {
      guint n = g_rand_int_range (rand, 8, 60);

      for (guint w = 0; w < n; w++)
        {
          const char *word = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];

          switch (g_rand_int_range (rand, 0, 24))
            {
            case 0: g_string_append_printf (s, "*%s*", word); break;
            case 1: g_string_append_printf (s, "**%s**", word); break;
            case 2: g_string_append_printf (s, "#%s", word); break;
            case 3: g_string_append_printf (s, "https://example.org/%s/%u", word, index); break;
            case 4: g_string_append_printf (s, "\"%s\"", word); break;
            case 5: g_string_append_printf (s, "%s\n", word); break;
            case 6: g_string_append_printf (s, "~~%s~~", word); break;
            default: g_string_append (s, word); break;
            }
          g_string_append_c (s, w + 1 < n ? ' ' : '.');
        }
      g_string_append (s, "\n\n");
    }
  g_string_append (s, "#repost #gplusarchive #googleplus #gplusrefugees #plexodus\n");
  g_string_append (s, "Originally posted on Google+ on Sun Jul 15, 2018\n");
  g_string_append_printf (s, "https://plus.google.com/117832126248716550930/posts/Ugj%08u", index);
  return g_string_free (s, FALSE);
}

typedef struct {
  GPtrArray *posts;
  guint      start;
  guint      step;
  GpmRenderFlags flags;
  gsize      bytes_out;
  double     first_seconds;
} Work;

static gpointer
run (gpointer data)
{
  Work *work = data;
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = work->start; i < work->posts->len; i += work->step)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *html = gpm_render_markdown_full (g_ptr_array_index (work->posts, i),
                                                        work->flags, NULL, 0, NULL, &error);

      if (html == NULL)
        g_error ("post %u: %s", i, error->message);
      work->bytes_out += strlen (html);
      if (i == work->start)
        work->first_seconds = (g_get_monotonic_time () - t0) / 1e6;
    }
  return NULL;
}

/* The floor: markdown-it alone (no plugins, default options), the posts
 * rendered in one JavaScript loop, no C call per post and no check of the
 * output. What running diaspora's renderer in JavaScriptCore costs at least. */
static int
run_floor (GPtrArray  *posts,
           const char *script_path)
{
  g_autoptr(JSCContext) context = jsc_context_new ();
  g_autoptr(JSCValue) array = NULL;
  g_autoptr(JSCValue) result = NULL;
  g_autofree char *code = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  double ms;

  if (!g_file_get_contents (script_path, &code, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  g_clear_object (&result);
  result = jsc_context_evaluate (context, "var window = globalThis; var self = globalThis;", -1);
  g_clear_object (&result);
  result = jsc_context_evaluate_with_source_uri (context, code, len, "markdown-it.js", 1);
  array = jsc_value_new_array (context, G_TYPE_NONE);
  for (guint i = 0; i < posts->len; i++)
    {
      g_autoptr(JSCValue) s = jsc_value_new_string (context, g_ptr_array_index (posts, i));
      jsc_value_object_set_property_at_index (array, i, s);
    }
  jsc_context_set_value (context, "posts", array);
  g_clear_object (&result);
  result = jsc_context_evaluate (context,
    "(function () {"
    "  var md = markdownit(), out = 0;"
    "  for (var i = 0; i < Math.min(posts.length, 500); i++) out += md.render(posts[i]).length;"
    "  var t0 = Date.now();"
    "  for (var i = 0; i < posts.length; i++) out += md.render(posts[i]).length;"
    "  return Date.now() - t0;"
    "})()", -1);
  if (jsc_context_get_exception (context) != NULL)
    {
      fprintf (stderr, "%s\n", jsc_exception_get_message (jsc_context_get_exception (context)));
      return 1;
    }
  ms = jsc_value_to_double (result);
  printf ("floor, markdown-it alone in one JavaScript loop: %u posts in %.3f s, %.1f us a post\n",
          posts->len, ms / 1000, ms * 1000 / posts->len);
  return 0;
}

int
main (int argc, char **argv)
{
  gint n_posts = 5000;
  gint n_threads = 1;
  gboolean remote = FALSE;
  g_autofree char *floor_script = NULL;
  GOptionEntry entries[] = {
    { "floor", 0, 0, G_OPTION_ARG_FILENAME, &floor_script,
      "Only time markdown-it itself (no plugins), loaded from SCRIPT", "SCRIPT" },
    { "posts", 'n', 0, G_OPTION_ARG_INT, &n_posts, "Posts to render", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &n_threads, "Rendering threads", "N" },
    { "remote", 0, 0, G_OPTION_ARG_NONE, &remote, "Allow remote images and media", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20181015);
  g_autofree Work *work = NULL;
  g_autofree GThread **threads = NULL;
  gsize bytes_in = 0, bytes_out = 0;
  double first = 0, seconds;
  gint64 t0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (n_posts < 1 || n_threads < 1)
    {
      fprintf (stderr, "--posts and --threads must be at least 1\n");
      return 2;
    }

  for (gint i = 0; i < n_posts; i++)
    {
      char *post = generate_post (rand, i);

      bytes_in += strlen (post);
      g_ptr_array_add (posts, post);
    }

  if (floor_script != NULL)
    return run_floor (posts, floor_script);

  work = g_new0 (Work, n_threads);
  threads = g_new0 (GThread *, n_threads);
  t0 = g_get_monotonic_time ();
  for (gint t = 0; t < n_threads; t++)
    {
      work[t] = (Work) { posts, t, n_threads, remote ? GPM_RENDER_FLAGS_DIASPORA : GPM_RENDER_FLAGS_NONE, 0, 0 };
      threads[t] = g_thread_new ("render", run, &work[t]);
    }
  for (gint t = 0; t < n_threads; t++)
    {
      g_thread_join (threads[t]);
      bytes_out += work[t].bytes_out;
      first = MAX (first, work[t].first_seconds);
    }
  seconds = (g_get_monotonic_time () - t0) / 1e6;

  printf ("posts: %d (%.0f bytes of Markdown on average), threads: %d\n",
          n_posts, (double) bytes_in / n_posts, n_threads);
  printf ("first render (loading the scripts): %.3f s\n", first);
  printf ("total: %.3f s, %.0f posts/second (%.0f posts/second after the first render)\n",
          seconds, n_posts / seconds,
          n_posts > n_threads ? (n_posts - n_threads) / (seconds - first) : 0.0);
  printf ("HTML out: %zu bytes\n", bytes_out);
  return 0;
}
