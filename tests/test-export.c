/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests for gpm-export: posts → a folder of Markdown files, round trips. */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gpm-export.h"
#include "gpm-import.h"
#include "gpm-problem.h"
#include "gpm-test-posts.h"

typedef struct {
  char      *root;      /* temporary folder */
  char      *takeout;   /* root/in: an extracted takeout */
  char      *out;       /* root/out */
  GpmImport *import;
} Fixture;

#define POSTS "Takeout/Google+ Stream/Posts/"
#define ACL_PUBLIC "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}"

static void
write_file (const char *root, const char *rel, const char *contents, gssize len)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *dir, const char *rel)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* A small real photo (a photo that is no image is not posted). */
static GBytes *
real_jpeg (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 4, 4);
  g_autoptr(GError) error = NULL;
  char *buf = NULL;
  gsize len = 0;

  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  gdk_pixbuf_save_to_buffer (pixbuf, &buf, &len, "jpeg", &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buf, len);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *paths[2] = { NULL, NULL };
  g_autoptr(GBytes) jpeg = real_jpeg ();

  f->root = g_dir_make_tmp ("gpm-export-XXXXXX", &error);
  g_assert_no_error (error);
  f->takeout = g_build_filename (f->root, "in", NULL);
  f->out = g_build_filename (f->root, "out", NULL);

  write_file (f->takeout, POSTS "20180715 - 1 WTC.json",
    "{\"url\": \"https://plus.google.com/1/posts/A\", \"resourceName\": \"users/1/posts/A\", "
    "\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"<b>1 WTC</b>\", "
    "\"media\": {\"url\": \"https://lh3.example/x/Tower.jpg\", \"contentType\": \"image/*\", \"localFilePath\": \"Tower.jpg\"}, "
    "\"location\": {\"displayName\": \"Hudson \\\"River\\\" Park\", \"physicalAddress\": \"353 West St\", \"latitude\": 40.5, \"longitude\": -74.25}, "
    ACL_PUBLIC "}", -1);
  write_file (f->takeout, POSTS "Tower.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  write_file (f->takeout, POSTS "20180715 - 1 WTC(1).json",
    "{\"url\": \"https://plus.google.com/1/posts/B\", \"resourceName\": \"users/1/posts/B\", "
    "\"creationTime\": \"2018-07-15 21:00:00+0000\", \"content\": \"1 WTC!\", "
    "\"album\": {\"media\": [{\"url\": \"https://lh3.example/x/Missing.jpg\", \"contentType\": \"image/*\"}, "
    "{\"url\": \"https://lh3.example/x/Clip.mp4\", \"contentType\": \"video/*\"}]}, "
    "\"postAcl\": {\"communityAcl\": {\"community\": {\"resourceName\": \"communities/9\", \"displayName\": \"Towers\"}}}}", -1);
  write_file (f->takeout, POSTS "Clip.mp4", "video bytes", -1);
  write_file (f->takeout, POSTS "20120101 - Private.json",
    "{\"resourceName\": \"users/1/posts/C\", \"creationTime\": \"2012-01-01 10:00:00+0000\", \"content\": \"Private\", "
    "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_YOUR_CIRCLES\"}]}}}", -1);

  paths[0] = f->takeout;
  f->import = gpm_import_new (paths);
  gpm_import_run (f->import, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_import_get_posts (f->import)->len, ==, 3);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->import);
  gpm_test_remove_tree (f->root);
  g_free (f->root);
  g_free (f->takeout);
  g_free (f->out);
}

static GPtrArray *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  return names;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char **) a, *(char **) b);
}

static char *
dir_listing (const char *dir)
{
  g_autoptr(GPtrArray) names = list_dir (dir);
  g_autoptr(GString) s = g_string_new (NULL);
  g_ptr_array_sort (names, cmp_str);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (s, "%s\n", (char *) g_ptr_array_index (names, i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
export_all (Fixture *f, GPtrArray *problems, GError **error)
{
  return gpm_export_posts (gpm_import_get_takeout (f->import), gpm_import_get_posts (f->import),
                           f->out, NULL, NULL, NULL, problems, NULL, error);
}

static void
test_export_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
  g_autofree char *listing = NULL;
  g_autofree char *md = NULL;
  g_autofree char *md2 = NULL;
  g_autofree char *index = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree char *video = NULL;
  gboolean saw_missing = FALSE, saw_video = FALSE;

  g_assert_true (export_all (f, problems, &error));
  g_assert_no_error (error);

  listing = dir_listing (f->out);
  g_assert_cmpstr (listing, ==,
                   ".gplus-migrate-export.json\n"
                   "2012-01-01-private.md\n"
                   "2018-07-15-1-wtc\n"
                   "2018-07-15-1-wtc-2\n"
                   "2018-07-15-1-wtc-2.md\n"
                   "2018-07-15-1-wtc.md\n"
                   "index.md\n");

  /* Same day, same words: the first in file-name order gets the plain name. */
  md = read_file (f->out, "2018-07-15-1-wtc-2.md");
  g_assert_cmpstr (md, ==,
                   "---\n"
                   "title: \"1 WTC\"\n"
                   "date: \"2018-07-15T20:43:51+00:00\"\n"
                   "url: \"https://plus.google.com/1/posts/A\"\n"
                   "resource_name: \"users/1/posts/A\"\n"
                   "scopes:\n"
                   "  - kind: PUBLIC\n"
                   "media:\n"
                   "  - \"2018-07-15-1-wtc-2/Tower.jpg\"\n"
                   "---\n"
                   "\n"
                   "**1 WTC**\n"
                   "\n"
                   "#repost #gplusarchive #googleplus #gplusrefugees #plexodus #photo #photography\n"
                   "Originally posted on Google+ on Sun Jul 15, 2018\n"
                   "\n"
                   "![](2018-07-15-1-wtc-2/Tower.jpg)\n");
  /* The place stays private by default: not in the front matter, not in the text. */
  g_assert_null (strstr (md, "Hudson"));
  g_assert_null (strstr (md, "353 West"));
  {
    g_autofree char *path = g_build_filename (f->out, "2018-07-15-1-wtc-2/Tower.jpg", NULL);
    g_autoptr(GBytes) want = real_jpeg ();
    gsize len = 0;

    g_file_get_contents (path, &jpeg, &len, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (jpeg, len, g_bytes_get_data (want, NULL), g_bytes_get_size (want));
  }

  md2 = read_file (f->out, "2018-07-15-1-wtc.md");
  g_assert_true (g_str_has_prefix (md2, "---\ntitle: \"1 WTC!\"\n"));
  g_assert_nonnull (strstr (md2, "  - kind: COMMUNITY\n    id: \"communities/9\"\n    name: \"Towers\"\n"));
  g_assert_nonnull (strstr (md2, "Originally posted on Google+ on Sun Jul 15, 2018  ( Towers)\n"));
  g_assert_nonnull (strstr (md2, "\n[Video](2018-07-15-1-wtc/Clip.mp4)\n"));
  video = read_file (f->out, "2018-07-15-1-wtc/Clip.mp4");
  g_assert_cmpstr (video, ==, "video bytes");

  index = read_file (f->out, "index.md");
  g_assert_cmpstr (index, ==,
                   "# Google+ posts\n\n"
                   "- 2012-01-01 [Private](2012-01-01-private.md)\n"
                   "- 2018-07-15 [1 WTC](2018-07-15-1-wtc-2.md)\n"   /* 20:43 */
                   "- 2018-07-15 [1 WTC!](2018-07-15-1-wtc.md)\n");  /* 21:00 */

  for (guint i = 0; i < problems->len; i++)
    {
      GpmProblem *p = g_ptr_array_index (problems, i);
      if (strstr (p->message, "Missing.jpg"))
        saw_missing = TRUE;
      if (strstr (p->message, "Clip.mp4") && strstr (p->message, "video"))
        saw_video = TRUE;
    }
  g_assert_true (saw_missing);
  g_assert_true (saw_video);
}

/* "Include the place a post was written at" on: the front matter has it. */
static void
test_export_location (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autofree char *md = NULL;

  settings->location = TRUE;
  g_assert_true (gpm_export_posts (gpm_import_get_takeout (f->import), gpm_import_get_posts (f->import),
                                   f->out, settings, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  md = read_file (f->out, "2018-07-15-1-wtc-2.md");
  g_assert_nonnull (strstr (md, "  - kind: PUBLIC\n"
                                "location:\n"
                                "  name: \"Hudson \\\"River\\\" Park\"\n"
                                "  address: \"353 West St\"\n"
                                "  latitude: 40.5\n"
                                "  longitude: -74.25\n"
                                "media:\n"));
  /* diaspora* shows a place with coordinates under the post: no text line. */
  g_assert_null (strstr (md, "📍"));
}

/* Re-reads the fixture's takeout folder (after a test added posts to it). */
static void
reimport (Fixture *f)
{
  const char *paths[2] = { f->takeout, NULL };
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->import);
  f->import = gpm_import_new (paths);
  gpm_import_run (f->import, NULL, &error);
  g_assert_no_error (error);
}

/* A reshare with nothing of the user's own is not exported (it would be the
 * footer alone), and the problems say why. */
static void
test_export_nothing_own (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
  g_autofree char *listing = NULL;
  g_autofree char *index = NULL;
  gboolean told = FALSE;

  write_file (f->takeout, POSTS "20180801 - Reshare.json",
    "{\"resourceName\": \"users/1/posts/R\", \"creationTime\": \"2018-08-01 10:00:00+0000\", \"content\": \"\", "
    "\"resharedPost\": {\"author\": {\"displayName\": \"Zoë\"}, \"content\": \"THEIR WORDS\"}, " ACL_PUBLIC "}", -1);
  reimport (f);
  g_assert_cmpuint (gpm_import_get_posts (f->import)->len, ==, 4);
  g_assert_true (export_all (f, problems, &error));
  g_assert_no_error (error);

  listing = dir_listing (f->out);
  g_assert_null (strstr (listing, "2018-08-01"));
  index = read_file (f->out, "index.md");
  g_assert_null (strstr (index, "2018-08-01"));
  for (guint i = 0; i < problems->len; i++)
    {
      GpmProblem *p = g_ptr_array_index (problems, i);
      if (strstr (p->name, "Reshare.json") && strstr (p->message, "Nothing of yours to post"))
        told = TRUE;
    }
  g_assert_true (told);
}

/* Coordinates in the front matter: six decimals at most, no %.17g noise. */
static void
test_export_coordinates (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  g_autofree char *md = NULL;

  write_file (f->takeout, POSTS "20180901 - Quedlinburg.json",
    "{\"resourceName\": \"users/1/posts/Q\", \"creationTime\": \"2018-09-01 10:00:00+0000\", \"content\": \"Old town\", "
    "\"location\": {\"displayName\": \"Quedlinburg\", \"latitude\": 51.7892, \"longitude\": -0.0000001}, " ACL_PUBLIC "}", -1);
  reimport (f);
  settings->location = TRUE;
  g_assert_true (gpm_export_posts (gpm_import_get_takeout (f->import), gpm_import_get_posts (f->import),
                                   f->out, settings, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  md = read_file (f->out, "2018-09-01-old-town.md");
  g_assert_nonnull (strstr (md, "location:\n  name: \"Quedlinburg\"\n  latitude: 51.7892\n  longitude: 0\n"));
}

/* Issue 12: exporting again with a narrower selection leaves the folder and
 * index.md matching the selection; a file the user changed is kept. */
static void
test_export_narrower (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
  g_autoptr(GPtrArray) only_a = g_ptr_array_new ();
  g_autofree char *listing = NULL;
  g_autofree char *index = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *edited = g_build_filename (f->out, "2012-01-01-private.md", NULL);
  g_autofree char *clip = g_build_filename (f->out, "2018-07-15-1-wtc", "Clip.mp4", NULL);
  gboolean told = FALSE;

  g_assert_true (export_all (f, NULL, &error));
  g_assert_no_error (error);
  /* The user edits the private post's file. */
  write_file (f->out, "2012-01-01-private.md", "my own notes\n", -1);

  for (guint i = 0; i < gpm_import_get_posts (f->import)->len; i++)
    {
      GpmPost *p = g_ptr_array_index (gpm_import_get_posts (f->import), i);
      if (g_strcmp0 (gpm_post_get_resource_name (p), "users/1/posts/A") == 0)
        g_ptr_array_add (only_a, p);
    }
  g_assert_true (gpm_export_posts (gpm_import_get_takeout (f->import), only_a, f->out,
                                   NULL, NULL, NULL, problems, NULL, &error));
  g_assert_no_error (error);

  index = read_file (f->out, "index.md");
  g_assert_cmpstr (index, ==,
                   "# Google+ posts\n\n"
                   "- 2018-07-15 [1 WTC](2018-07-15-1-wtc-2.md)\n");
  listing = dir_listing (f->out);
  g_assert_cmpstr (listing, ==,
                   ".gplus-migrate-export.json\n"
                   "2012-01-01-private.md\n"       /* changed by the user: kept */
                   "2018-07-15-1-wtc-2\n"
                   "2018-07-15-1-wtc-2.md\n"
                   "index.md\n");
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));
  manifest = read_file (f->out, GPM_EXPORT_MANIFEST);
  g_assert_null (strstr (manifest, "users/1/posts/B"));
  g_assert_null (strstr (manifest, "users/1/posts/C"));
  for (guint i = 0; i < problems->len; i++)
    {
      GpmProblem *p = g_ptr_array_index (problems, i);
      if (g_str_equal (p->name, "2012-01-01-private.md") && strstr (p->message, "changed since"))
        told = TRUE;
    }
  g_assert_true (told);
  g_assert_true (g_file_test (edited, G_FILE_TEST_EXISTS));
}

static void
test_export_again_in_place (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listing1 = NULL;
  g_autofree char *listing2 = NULL;
  g_autofree char *md1 = NULL;
  g_autofree char *md2 = NULL;
  g_autofree char *path = g_build_filename (f->out, "2018-07-15-1-wtc-2.md", NULL);  /* post A */
  g_autoptr(GPtrArray) only_b = g_ptr_array_new ();
  GStatBuf st1, st2;

  g_assert_true (export_all (f, NULL, &error));
  g_assert_no_error (error);
  listing1 = dir_listing (f->out);
  md1 = read_file (f->out, "2018-07-15-1-wtc-2.md");
  g_assert_cmpint (g_stat (path, &st1), ==, 0);

  /* Only post A this time: alone, it keeps its "-2" name. */
  for (guint i = 0; i < gpm_import_get_posts (f->import)->len; i++)
    {
      GpmPost *p = g_ptr_array_index (gpm_import_get_posts (f->import), i);
      if (g_strcmp0 (gpm_post_get_resource_name (p), "users/1/posts/A") == 0)
        g_ptr_array_add (only_b, p);
    }
  g_assert_cmpuint (only_b->len, ==, 1);
  g_assert_true (gpm_export_posts (gpm_import_get_takeout (f->import), only_b, f->out,
                                   NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (export_all (f, NULL, &error));
  g_assert_no_error (error);

  listing2 = dir_listing (f->out);
  g_assert_cmpstr (listing2, ==, listing1);
  md2 = read_file (f->out, "2018-07-15-1-wtc-2.md");
  g_assert_cmpstr (md2, ==, md1);
  g_assert_cmpint (g_stat (path, &st2), ==, 0);
  g_assert_cmpint (st2.st_mtime, ==, st1.st_mtime);  /* unchanged: not rewritten */
}

static void
test_export_refuses_foreign_folder (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;

  write_file (f->out, "my-thesis.txt", "precious", -1);
  g_assert_false (export_all (f, NULL, &error));
  g_assert_error (error, GPM_EXPORT_ERROR, GPM_EXPORT_ERROR_NOT_EMPTY);
  listing = dir_listing (f->out);
  g_assert_cmpstr (listing, ==, "my-thesis.txt\n");
}

static void
test_export_bad_manifest (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  write_file (f->out, GPM_EXPORT_MANIFEST, "{not json", -1);
  g_assert_false (export_all (f, NULL, &error));
  g_assert_error (error, GPM_EXPORT_ERROR, GPM_EXPORT_ERROR_MANIFEST);
}

typedef struct {
  GMainLoop *loop;
  guint      calls;
  guint      last_done;
  guint      total;
  gboolean   ok;
  GPtrArray *problems;
  GError    *error;
} AsyncState;

static void
on_progress (guint done, guint total, const char *entry, gpointer user_data)
{
  AsyncState *s = user_data;
  g_assert_cmpuint (done, ==, s->last_done + 1);
  g_assert_nonnull (entry);
  s->last_done = done;
  s->total = total;
  s->calls++;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;
  s->ok = gpm_export_posts_finish (result, &s->problems, &s->error);
  g_main_loop_quit (s->loop);
}

static void
test_export_async (Fixture *f, gconstpointer data)
{
  AsyncState s = { 0 };
  g_autofree char *listing = NULL;

  s.loop = g_main_loop_new (NULL, FALSE);
  gpm_export_posts_async (gpm_import_get_takeout (f->import), gpm_import_get_posts (f->import),
                          f->out, NULL, on_progress, &s, NULL, on_done, &s);
  g_main_loop_run (s.loop);
  /* Progress calls queued before the result are all delivered by now. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_no_error (s.error);
  g_assert_true (s.ok);
  g_assert_cmpuint (s.calls, ==, 3);
  g_assert_cmpuint (s.total, ==, 3);
  g_assert_nonnull (s.problems);
  g_assert_cmpuint (s.problems->len, >=, 2);
  listing = dir_listing (f->out);
  g_assert_nonnull (strstr (listing, "2018-07-15-1-wtc.md\n"));
  g_ptr_array_unref (s.problems);
  g_main_loop_unref (s.loop);
}

static void
test_export_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  g_assert_false (gpm_export_posts (gpm_import_get_takeout (f->import), gpm_import_get_posts (f->import),
                                    f->out, NULL, NULL, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_sidecar_resolution (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("gpm-sidecar-XXXXXX", &error);
  g_autoptr(GpmImport) import = NULL;
  g_autoptr(GpmConvertResult) r = NULL;
  const char *paths[2] = { root, NULL };
  const GpmConvertMedia *m;

  g_assert_no_error (error);
  /* No localFilePath, and the url's base name is not the file's: only the
   * sidecar says which file it is. */
  write_file (root, POSTS "20180715 - Cologne.json",
    "{\"resourceName\": \"users/1/posts/S\", \"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Köln\", "
    "\"album\": {\"media\": [{\"url\": \"https://lh3.googleusercontent.com/-5de7add9/photo.jpg\", \"contentType\": \"image/*\"}, "
    "{\"url\": \"https://lh3.googleusercontent.com/-0000/photo.jpg\", \"contentType\": \"image/*\"}]}, "
    ACL_PUBLIC "}", -1);
  {
    g_autoptr(GBytes) jpeg = real_jpeg ();
    write_file (root, POSTS "Grüße aus Köln (1).jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  }
  write_file (root, POSTS "Grüße aus Köln (1).jpg.metadata.csv",
    "url,title,description,creationTime,width,height\n"
    "https://lh3.googleusercontent.com/-5de7add9/photo.jpg,Grüße aus Köln (1).jpg,\"Grüße, \"\"aus\"\" Köln\",1309604405,2087,3134\n", -1);

  import = gpm_import_new (paths);
  gpm_import_run (import, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_import_get_posts (import)->len, ==, 1);
  r = gpm_convert_post (g_ptr_array_index (gpm_import_get_posts (import), 0), NULL,
                        gpm_convert_takeout_resolver, gpm_import_get_takeout (import));
  g_assert_cmpuint (r->media->len, ==, 2);
  m = g_ptr_array_index (r->media, 0);
  g_assert_cmpstr (m->entry, ==, POSTS "Grüße aus Köln (1).jpg");
  g_assert_true (m->uploadable);
  m = g_ptr_array_index (r->media, 1);
  g_assert_null (m->entry);
  g_assert_cmpuint (r->warnings->len, ==, 1);

  g_clear_object (&import);
  gpm_test_remove_tree (root);
}

/* The front matter is valid YAML whatever the text holds: C1 controls
 * (what names and text read as Latin-1 are full of), U+FEFF, ASCII controls
 * are escaped. */
static void
test_yaml_controls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("gpm-yaml-XXXXXX", &error);
  g_autofree char *out = g_build_filename (root, "out", NULL);
  g_autofree char *in = g_build_filename (root, "in", NULL);
  g_autoptr(GpmImport) import = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
  g_autofree char *md = NULL;
  g_autoptr(GpmConvertSettings) settings = gpm_convert_settings_new ();
  const char *paths[2] = { in, NULL };

  g_assert_no_error (error);
  write_file (in, POSTS "20180715 - Odd.json",
    "{\"resourceName\": \"users/1/posts/Y\", \"creationTime\": \"2018-07-15 20:43:51+0000\", "
    "\"content\": \"Gr\\u00c3\\u00bc\\u0090e \\ufeffda\\u0085 \\u0001x\", "
    "\"location\": {\"displayName\": \"Caf\\u00c3\\u00a9\\u0090 \\ufeff\\u0001\"}, " ACL_PUBLIC "}", -1);
  import = gpm_import_new (paths);
  g_assert_true (gpm_import_run (import, NULL, &error));
  g_assert_no_error (error);
  settings->location = TRUE;
  g_assert_true (gpm_export_posts (gpm_import_get_takeout (import), gpm_import_get_posts (import),
                                   out, settings, NULL, NULL, problems, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GDir) d = g_dir_open (out, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)))
      if (g_str_has_suffix (name, ".md") && strcmp (name, "index.md") != 0)
        md = read_file (out, name);
  }
  g_assert_nonnull (md);
  /* the title is the post's visible text (gpm_convert_html_to_plain(): a
   * zero-width U+FEFF is no word), the place's name is kept as it is */
  g_assert_nonnull (strstr (md, "title: \"Gr\xc3\x83\xc2\xbc\\u0090e da\xc2\x85 x\"\n"));
  g_assert_nonnull (strstr (md, "  name: \"Caf\xc3\x83\xc2\xa9\\u0090 \\ufeff\\x01\"\n"));
  /* (the Markdown body after the front matter keeps the text as it is) */
  *strstr (md + 4, "\n---\n") = '\0';
  g_assert_null (strstr (md, "\xc2\x90"));
  g_assert_null (strstr (md, "\xef\xbb\xbf"));
  gpm_test_remove_tree (root);
}

static void
test_base_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPost) post = gpm_post_new_from_data ("x.json",
    "{\"creationTime\": \"2013-01-06 12:00:00+0100\", \"content\": \"New year&#39;s résolution list:<br>1. Read <b>more</b> books<br>2. Learn to bake bread and other extremely long words\", "
    ACL_PUBLIC "}", -1, &error);
  g_autofree char *base = NULL;
  g_assert_no_error (error);
  base = gpm_export_dup_base_name (post);
  g_assert_cmpstr (base, ==, "2013-01-06-new-years-resolution-list-1-read-more-books");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/export/round-trip", Fixture, NULL, fixture_set_up, test_export_round_trip, fixture_tear_down);
  g_test_add ("/export/again-in-place", Fixture, NULL, fixture_set_up, test_export_again_in_place, fixture_tear_down);
  g_test_add ("/export/location", Fixture, NULL, fixture_set_up, test_export_location, fixture_tear_down);
  g_test_add ("/export/nothing-own", Fixture, NULL, fixture_set_up, test_export_nothing_own, fixture_tear_down);
  g_test_add ("/export/narrower", Fixture, NULL, fixture_set_up, test_export_narrower, fixture_tear_down);
  g_test_add ("/export/coordinates", Fixture, NULL, fixture_set_up, test_export_coordinates, fixture_tear_down);
  g_test_add ("/export/refuses-foreign-folder", Fixture, NULL, fixture_set_up, test_export_refuses_foreign_folder, fixture_tear_down);
  g_test_add ("/export/bad-manifest", Fixture, NULL, fixture_set_up, test_export_bad_manifest, fixture_tear_down);
  g_test_add ("/export/async", Fixture, NULL, fixture_set_up, test_export_async, fixture_tear_down);
  g_test_add ("/export/cancelled", Fixture, NULL, fixture_set_up, test_export_cancelled, fixture_tear_down);
  g_test_add_func ("/export/base-name", test_base_name);
  g_test_add_func ("/export/yaml-controls", test_yaml_controls);
  g_test_add_func ("/export/sidecar-resolution", test_sidecar_resolution);
  return g_test_run ();
}
