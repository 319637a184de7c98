/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a takeout in every form against what the generator put in.
 *
 * One program of ~1,600 lines on purpose: most cases read the same five
 * generated takeouts (folder, zip, multi-part, .tgz, a damaged set, with
 * the quirks of real archives), which main() writes once; generating them
 * is most of the run time. The cases go from the forms (check_form) to the
 * posts' index and rereads, media lookup and image checks, the archive
 * layer (entries, the zip walk, damaged, truncated and foreign files, names
 * in other encodings), cancelling, the CLI's file list, and that reading
 * writes nothing. */
#define G_LOG_DOMAIN "test-takeout"

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <glib/gstdio.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "gpm-archive-reader.h"
#include "gpm-convert.h"
#include "gpm-image.h"
#include "gpm-import.h"
#include "gpm-takeout.h"
#include "gpm-takeout-gen.h"
#include "gpm-zip-directory.h"

static char *tmp_root;
static GpmGenManifest *manifests[4];       /* by GpmGenForm, with bad cases, CP437 names */
static GpmGenManifest *damaged;            /* multi-part with damaged parts */

typedef struct {
  GHashTable *json;     /* name → GBytes */
  GPtrArray  *order;    /* names in delivery order */
  guint64     last_done;
  guint64     last_total;
  guint       progress_calls;
  gboolean    progress_backwards;
} Loaded;

static void
loaded_free (Loaded *l)
{
  g_hash_table_unref (l->json);
  g_ptr_array_unref (l->order);
  g_free (l);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

static void
on_json (const char *name,
         GBytes     *bytes,
         gpointer    user_data)
{
  Loaded *l = user_data;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_nonnull (data);
  g_assert_cmpint (data[length], ==, '\0');
  g_assert_false (g_hash_table_contains (l->json, name));
  g_hash_table_insert (l->json, g_strdup (name), g_bytes_ref (bytes));
  g_ptr_array_add (l->order, g_strdup (name));
}

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Loaded *l = user_data;

  if (done < l->last_done)
    l->progress_backwards = TRUE;
  l->last_done = done;
  l->last_total = total;
  l->progress_calls++;
}

static Loaded *
load_paths (GPtrArray   *paths,
            gsize        json_limit,
            GpmTakeout **out_takeout)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) strv = g_ptr_array_new ();
  g_autoptr(GpmTakeout) takeout = NULL;
  Loaded *l = g_new0 (Loaded, 1);
  gboolean ok;

  l->json = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  l->order = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < paths->len; k++)
    g_ptr_array_add (strv, g_ptr_array_index (paths, k));
  g_ptr_array_add (strv, NULL);

  takeout = gpm_takeout_new ((const char * const *) strv->pdata, &error);
  g_assert_no_error (error);
  if (json_limit)
    gpm_takeout_set_max_json_size (takeout, json_limit);
  ok = gpm_takeout_load (takeout, on_json, on_progress, l, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (l->progress_backwards);
  g_assert_cmpuint (l->progress_calls, >, 0);
  g_assert_cmpuint (l->last_done, ==, l->last_total);

  if (out_takeout)
    *out_takeout = g_steal_pointer (&takeout);
  return l;
}

static void
assert_entry_name (GpmTakeout            *takeout,
                   const GpmTakeoutEntry *entry,
                   const char            *want)
{
  g_autofree char *name = gpm_takeout_dup_entry_name (takeout, entry);

  g_assert_cmpstr (name, ==, want);
}

static gboolean
has_problem (GpmTakeout *takeout,
             const char *name)
{
  GPtrArray *problems = gpm_takeout_get_problems (takeout);

  for (guint k = 0; k < problems->len; k++)
    {
      GpmProblem *p = g_ptr_array_index (problems, k);
      if (g_strcmp0 (p->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_refused (const GpmGenEntry *e)
{
  return e->bad == GPM_GEN_BAD_UNSAFE_DOTDOT || e->bad == GPM_GEN_BAD_UNSAFE_ABSOLUTE;
}

/* The folder form's copy of @name, read straight from disk. */
static GBytes *
folder_bytes (const char *name)
{
  g_autofree char *path = g_build_filename (g_ptr_array_index (manifests[GPM_GEN_FORM_FOLDER]->paths, 0), name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* Every form delivers exactly the manifest's JSON entries, the same bytes,
 * lists exactly the entries that are there and reports every refused one. */
static void
check_form (GpmGenForm form)
{
  GpmGenManifest *m = manifests[form];
  g_autoptr(GpmTakeout) takeout = NULL;
  g_autoptr(Loaded) l = load_paths (m->paths, m->json_limit, &takeout);
  GPtrArray *entries = gpm_takeout_get_entries (takeout);
  guint delivered = 0, listed = 0, refused = 0, too_large = 0, cp437 = 0, non_ascii = 0;
  guint suffix1 = 0, suffix2 = 0;

  for (guint k = 0; k < m->entries->len; k++)
    {
      GpmGenEntry *e = g_ptr_array_index (m->entries, k);
      const GpmTakeoutEntry *te = gpm_takeout_lookup (takeout, e->name);

      if (is_refused (e))
        {
          refused++;
          g_assert_null (te);
          g_assert_true (has_problem (takeout, e->name));
          continue;
        }

      g_assert_nonnull (te);
      listed++;
      suffix1 += g_str_has_suffix (e->name, "(1).json");
      suffix2 += g_str_has_suffix (e->name, "(2).json");
      g_assert_cmpint (gpm_takeout_get_entry_size (takeout, te), ==, e->size);
      g_assert_cmpuint (te->part, ==, e->part);
      if (e->cp437 && form != GPM_GEN_FORM_FOLDER && form != GPM_GEN_FORM_TGZ)
        cp437++;
      for (const char *p = e->name; *p; p++)
        if ((guchar) *p >= 0x80)
          {
            non_ascii++;
            break;
          }

      if (gpm_takeout_gen_entry_is_delivered (m, e))
        {
          GBytes *got = g_hash_table_lookup (l->json, e->name);
          g_autoptr(GBytes) want = NULL;

          g_assert_nonnull (got);
          delivered++;
          /* Same bytes as the extracted folder has. */
          want = folder_bytes (e->name);
          g_assert_true (g_bytes_equal (got, want));
        }
      else
        g_assert_false (g_hash_table_contains (l->json, e->name));

      if (e->bad == GPM_GEN_BAD_TOO_LARGE)
        {
          too_large++;
          g_assert_true (has_problem (takeout, e->name));
        }
    }

  g_assert_cmpuint (g_hash_table_size (l->json), ==, delivered);
  g_assert_cmpuint (entries->len, ==, listed);
  g_assert_cmpuint (too_large, ==, 1);
  g_assert_cmpuint (suffix1, >, 3);
  g_assert_cmpuint (suffix2, >, 0);
  g_assert_cmpuint (non_ascii, >, 10);
  if (form == GPM_GEN_FORM_FOLDER)
    g_assert_cmpuint (refused, ==, 0);
  else
    g_assert_cmpuint (refused, ==, 2);
  if (form == GPM_GEN_FORM_ZIP || form == GPM_GEN_FORM_MULTI)
    g_assert_cmpuint (cp437, >, 2);
  /* No other problems than the ones expected. */
  g_assert_cmpuint (gpm_takeout_get_problems (takeout)->len, ==, refused + too_large);

  /* Sorted by name. */
  for (guint k = 1; k < entries->len; k++)
    {
      g_autofree char *a = gpm_takeout_dup_entry_name (takeout, g_ptr_array_index (entries, k - 1));
      g_autofree char *b = gpm_takeout_dup_entry_name (takeout, g_ptr_array_index (entries, k));
      g_assert_cmpint (strcmp (a, b), <, 0);
    }
}

static void
test_folder (void)
{
  check_form (GPM_GEN_FORM_FOLDER);
}

static void
test_zip (void)
{
  check_form (GPM_GEN_FORM_ZIP);
}

static void
test_multi (void)
{
  check_form (GPM_GEN_FORM_MULTI);
}

static void
test_tgz (void)
{
  check_form (GPM_GEN_FORM_TGZ);
}

/* Imported posts keep an index, not their JSON: what needs more reads it
 * again (a zip's entry directly, a folder's file, a .tgz's deflated copy),
 * and finds what a post read from the file itself has. */
static void
test_reread (void)
{
  for (GpmGenForm form = 0; form < 4; form++)
    {
      g_autoptr(GPtrArray) strv = g_ptr_array_new ();
      g_autoptr(GpmImport) import = NULL;
      g_autoptr(GError) error = NULL;
      GPtrArray *posts;
      guint with_media = 0, with_link = 0, reshares = 0;

      for (guint k = 0; k < manifests[form]->paths->len; k++)
        g_ptr_array_add (strv, g_ptr_array_index (manifests[form]->paths, k));
      g_ptr_array_add (strv, NULL);
      import = gpm_import_new ((const char * const *) strv->pdata);
      gpm_import_set_max_json_size (import, manifests[form]->json_limit);
      g_assert_true (gpm_import_run (import, NULL, &error));
      g_assert_no_error (error);
      posts = gpm_import_get_posts (import);
      g_assert_cmpuint (posts->len, >, 50);
      for (guint i = 0; i < posts->len; i++)
        {
          GpmPost *post = g_ptr_array_index (posts, i);
          g_autoptr(GBytes) want_bytes = folder_bytes (gpm_post_get_entry_name (post));
          g_autoptr(GBytes) got_bytes = gpm_post_dup_json (post, &error);
          g_autoptr(GpmPost) want = NULL;
          const GpmMedia *m, *wm;
          const char *title, *url, *reshared;
          guint n_refs = 0;

          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (got_bytes, want_bytes));
          want = gpm_post_new_without_acl (gpm_post_get_entry_name (post), want_bytes, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (gpm_post_get_content (post), ==, gpm_post_get_content (want));
          g_assert_cmpint (gpm_post_get_attachments (post), ==, gpm_post_get_attachments (want));
          g_assert_cmpuint (gpm_post_get_scopes (post)->len, ==, gpm_post_get_scopes (want)->len);

          /* What indexing kept, without a second read */
          gpm_post_get_media_refs (post, &n_refs);
          gpm_post_get_search_parts (post, &title, &url, &reshared);

          /* The attachments, read again */
          m = gpm_post_get_media (post);
          wm = gpm_post_get_media (want);
          g_assert_true ((m == NULL) == (wm == NULL));
          if (m != NULL)
            {
              with_media++;
              g_assert_cmpstr (m->local_file_path, ==, wm->local_file_path);
              g_assert_cmpstr (m->url, ==, wm->url);
              g_assert_cmpint (!!(gpm_post_get_attachments (post) & GPM_POST_MEDIA_IS_VIDEO), ==,
                               m->content_type != NULL && g_str_has_prefix (m->content_type, "video/"));
            }
          g_assert_cmpuint (n_refs, ==, (m != NULL) + (gpm_post_get_album (post) ? gpm_post_get_album (post)->len : 0));
          if (gpm_post_get_link (post) != NULL)
            {
              with_link++;
              g_assert_cmpstr (gpm_post_get_link (post)->url, ==, gpm_post_get_link (want)->url);
              g_assert_cmpstr (url, ==, gpm_post_get_link (post)->url);
              g_assert_cmpstr (title, ==, gpm_post_get_link (post)->title);
            }
          else
            g_assert_null (url);
          if (gpm_post_get_reshared_post (post) != NULL)
            {
              reshares++;
              g_assert_cmpstr (reshared, ==, gpm_post_get_content (gpm_post_get_reshared_post (post)));
            }
          {
            g_autofree char *author = gpm_post_dup_author_id (post);
            g_assert_cmpstr (author, ==, gpm_post_get_author (want) ? gpm_post_get_author (want)->resource_name : NULL);
          }
        }
      g_assert_cmpuint (with_media, >, 0);
      g_assert_cmpuint (with_link, >, 0);
      g_assert_cmpuint (reshares, >, 0);
    }
}

/* The folder opened at Takeout, or at the posts folder, names entries
 * relative to it. */
static void
test_folder_roots (void)
{
  GpmGenManifest *m = manifests[GPM_GEN_FORM_FOLDER];
  const char *roots[] = { "Takeout", "Takeout/Google+-Stream/Beiträge" };

  for (guint r = 0; r < G_N_ELEMENTS (roots); r++)
    {
      g_autofree char *root = g_build_filename (g_ptr_array_index (m->paths, 0), roots[r], NULL);
      g_autofree char *prefix = g_strconcat (roots[r], "/", NULL);
      g_autoptr(GPtrArray) paths = g_ptr_array_new ();
      g_autoptr(GpmTakeout) takeout = NULL;
      g_autoptr(Loaded) l = NULL;
      guint expected = 0;

      g_ptr_array_add (paths, root);
      l = load_paths (paths, m->json_limit, &takeout);
      for (guint k = 0; k < m->entries->len; k++)
        {
          GpmGenEntry *e = g_ptr_array_index (m->entries, k);
          if (g_str_has_prefix (e->name, prefix))
            {
              const GpmTakeoutEntry *te = gpm_takeout_lookup (takeout, e->name + strlen (prefix));
              g_autofree char *path = NULL;
              g_autofree char *want = g_build_filename (root, e->name + strlen (prefix), NULL);

              g_assert_nonnull (te);
              path = gpm_takeout_dup_entry_path (takeout, te);
              g_assert_cmpstr (path, ==, want);
              expected++;
            }
        }
      g_assert_cmpuint (gpm_takeout_get_entries (takeout)->len, ==, expected);
      g_ptr_array_set_size (paths, 0);
    }
}

/* Media of a post in another part are found through the post. */
static void
test_cross_part_media (void)
{
  GpmGenManifest *m = manifests[GPM_GEN_FORM_MULTI];
  g_autoptr(GpmTakeout) takeout = NULL;
  g_autoptr(Loaded) l = load_paths (m->paths, m->json_limit, &takeout);
  g_assert_cmpuint (g_hash_table_size (l->json), >, 0);
  GHashTable *parts = g_hash_table_new (g_str_hash, g_str_equal);
  guint crossing = 0;

  for (guint k = 0; k < m->entries->len; k++)
    {
      GpmGenEntry *e = g_ptr_array_index (m->entries, k);
      if (e->type == GPM_GEN_FILE_POST)
        g_hash_table_insert (parts, e->name, e);
    }
  for (guint k = 0; k < m->entries->len; k++)
    {
      GpmGenEntry *e = g_ptr_array_index (m->entries, k);
      GpmGenEntry *post;
      const GpmTakeoutEntry *found;
      const char *base;

      if (e->type != GPM_GEN_FILE_MEDIA || e->post == NULL)
        continue;
      post = g_hash_table_lookup (parts, e->post);
      g_assert_nonnull (post);
      base = strrchr (e->name, '/') + 1;

      /* a bare name (the JSON's localFilePath), and a path from elsewhere */
      found = gpm_takeout_find_media (takeout, post->name, base, NULL);
      g_assert_nonnull (found);
      assert_entry_name (takeout, found, e->name);
      g_assert_cmpuint (found->part, ==, e->part);
      {
        /* a path through the parent folder (stale paths: /takeout/media-resolution) */
        g_autofree char *dir = g_path_get_dirname (e->name);
        g_autofree char *folder = g_path_get_basename (dir);
        g_autofree char *odd = g_strconcat ("../", folder, "/", base, NULL);
        found = gpm_takeout_find_media (takeout, post->name, odd, NULL);
        g_assert_nonnull (found);
        assert_entry_name (takeout, found, e->name);
      }
      if (e->part != post->part)
        crossing++;
    }
  g_assert_cmpuint (crossing, >, 0);
  g_assert_null (gpm_takeout_find_media (takeout, "Takeout/x.json", "no-such-photo.jpg", NULL));
  g_hash_table_unref (parts);
}

static gboolean
has_problem_about (GPtrArray  *problems,
                   const char *name,
                   const char *about)
{
  for (guint k = 0; k < problems->len; k++)
    {
      GpmProblem *p = g_ptr_array_index (problems, k);
      if (g_strcmp0 (p->name, name) == 0 && strstr (p->message, about) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_string_with (GPtrArray  *strings,
                 const char *part)
{
  for (guint k = 0; k < strings->len; k++)
    if (strstr (g_ptr_array_index (strings, k), part) != NULL)
      return TRUE;
  return FALSE;
}

/* Every media item of every post resolves to the file that holds its
 * bytes, or is reported missing: stale localFilePaths, a stale path that
 * names another photo exactly, same-named decoys elsewhere, a file only its
 * base name finds, and a lost photo whose name a comment's photo has. In
 * every form, through the import (which tells the takeout the comments'
 * file names) and through the converter's resolver. */
static void
check_media_resolution (GpmGenManifest *m)
{
  g_autoptr(GPtrArray) strv = g_ptr_array_new ();
  g_autoptr(GpmImport) import = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) quirks = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *posts_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  GpmTakeout *takeout;
  GPtrArray *posts;
  guint checked = 0, missing = 0, bad_photos = 0, bad_photo_problems = 0;

  for (guint k = 0; k < m->paths->len; k++)
    g_ptr_array_add (strv, g_ptr_array_index (m->paths, k));
  g_ptr_array_add (strv, NULL);
  import = gpm_import_new ((const char * const *) strv->pdata);
  if (m->json_limit)
    gpm_import_set_max_json_size (import, m->json_limit);
  g_assert_true (gpm_import_run (import, NULL, &error));
  g_assert_no_error (error);
  takeout = gpm_import_get_takeout (import);
  posts = gpm_import_get_posts (import);
  for (guint k = 0; k < posts->len; k++)
    g_hash_table_insert (posts_by_name, (gpointer) gpm_post_get_entry_name (g_ptr_array_index (posts, k)),
                         g_ptr_array_index (posts, k));

  for (guint k = 0; k < m->entries->len; k++)
    {
      GpmGenEntry *e = g_ptr_array_index (m->entries, k);
      GpmPost *post;

      if (e->type != GPM_GEN_FILE_POST || e->media_refs == NULL || e->bad != GPM_GEN_BAD_NONE)
        continue;
      guint good_photos = 0;
      g_autoptr(GpmConvertResult) r = NULL;

      post = g_hash_table_lookup (posts_by_name, e->name);
      g_assert_nonnull (post);
      r = gpm_convert_post (post, NULL, gpm_convert_takeout_resolver, takeout);
      for (guint j = 0; j < e->media_refs->len; j++)
        {
          GpmGenMediaRef *ref = g_ptr_array_index (e->media_refs, j);
          const GpmTakeoutEntry *found = gpm_takeout_find_media (takeout, e->name, ref->local_file_path, ref->url);
          GpmMedia media = { .url = ref->url, .local_file_path = ref->local_file_path };
          g_autofree char *resolved = gpm_convert_takeout_resolver (e->name, &media, ref->local_file_path, takeout);
          g_autofree char *found_name = found ? gpm_takeout_dup_entry_name (takeout, found) : NULL;

          if (g_strcmp0 (found_name, ref->expected) != 0)
            g_error ("%s: media %s (%s) resolved to %s, expected %s", e->name, ref->local_file_path,
                     ref->quirk ? ref->quirk : "plain", found_name ? found_name : "nothing",
                     ref->expected ? ref->expected : "nothing");
          g_assert_cmpstr (resolved, ==, ref->expected);
          if (ref->quirk)
            g_hash_table_add (quirks, ref->quirk);
          missing += ref->expected == NULL;
          checked++;

          bad_photos += ref->bad_photo;
          if (ref->bad_photo)
            {
              /* Shown in the review, and not uploaded. */
              g_autofree char *warning = g_strdup_printf ("“%s” cannot be posted", ref->local_file_path);
              g_assert_true (has_problem_about (gpm_import_get_problems (import), e->name, ref->expected));
              g_assert_true (has_string_with (r->warnings, warning));
            }
          else if (ref->link)
            {
              /* A link in the text, not a missing file. */
              g_assert_nonnull (strstr (r->markdown, ref->url));
              g_assert_false (has_string_with (r->warnings, ref->url));
            }
          else if (ref->expected != NULL)
            good_photos++;
        }
      for (guint j = 0; j < r->media->len; j++)
        {
          const GpmConvertMedia *cm = g_ptr_array_index (r->media, j);
          g_assert_true (!cm->uploadable || cm->entry != NULL);
        }
      /* #photo #photography only with a photo really attached */
      g_assert_cmpint (strstr (r->markdown, "#photo #photography") != NULL, ==, good_photos > 0);
    }
  /* Every kind of quirk was met, and some photos are rightly missing. */
  g_assert_cmpuint (g_hash_table_size (quirks), ==, 8);
  /* Nothing else is a problem: every other photo passed the image check. */
  {
    GPtrArray *problems = gpm_import_get_problems (import);
    for (guint k = 0; k < problems->len; k++)
      {
        GpmProblem *p = g_ptr_array_index (problems, k);
        if (strstr (p->message, "cannot be posted"))
          bad_photo_problems++;
      }
    g_assert_cmpuint (bad_photo_problems, ==, bad_photos);
  }
  g_assert_cmpuint (missing, >, 0);
  g_assert_cmpuint (checked, >, 20);
  g_hash_table_unref (posts_by_name);
}

static void
test_media_resolution (void)
{
  for (GpmGenForm form = GPM_GEN_FORM_FOLDER; form <= GPM_GEN_FORM_TGZ; form++)
    check_media_resolution (manifests[form]);
}

/* The problem an import of @paths reports about the set's parts, or NULL. */
static char *
parts_problem (const char * const *paths)
{
  g_autoptr(GpmImport) import = gpm_import_new (paths);
  g_autoptr(GError) error = NULL;
  GPtrArray *problems;
  char *found = NULL;

  g_assert_true (gpm_import_run (import, NULL, &error));
  g_assert_no_error (error);
  problems = gpm_import_get_problems (import);
  for (guint k = 0; k < problems->len; k++)
    {
      GpmProblem *p = g_ptr_array_index (problems, k);
      if (strstr (p->message, "multi-part") || strstr (p->message, "more parts"))
        {
          g_assert_null (found);
          g_assert_cmpstr (p->name, ==, paths[0]);
          found = g_strdup (p->message);
        }
    }
  return found;
}

/* An incomplete multi-part set says which parts to add: from the parts
 * next to the one opened, from a gap in the numbers, and, with the part
 * alone in its folder, from the posts' media that are not there. */
static void
test_missing_parts (void)
{
  GpmGenManifest *m = manifests[GPM_GEN_FORM_MULTI];
  const char *p1 = g_ptr_array_index (m->paths, 0);
  const char *p3 = g_ptr_array_index (m->paths, 2);
  g_autofree char *alone_dir = g_build_filename (tmp_root, "alone", NULL);
  g_autofree char *base = g_path_get_basename (p1);
  g_autofree char *alone = g_build_filename (alone_dir, base, NULL);
  g_autofree char *msg = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_str_has_suffix (p1, "-001.zip"));
  {
    const char *paths[] = { p1, NULL };
    msg = parts_problem (paths);
    g_assert_nonnull (msg);
    g_assert_nonnull (strstr (msg, "takeout-20181025T123456Z-002.zip, takeout-20181025T123456Z-003.zip"));
    g_clear_pointer (&msg, g_free);
  }
  {
    const char *paths[] = { p1, p3, NULL };
    msg = parts_problem (paths);
    g_assert_nonnull (msg);
    g_assert_nonnull (strstr (msg, "add takeout-20181025T123456Z-002.zip"));
    g_assert_null (strstr (msg, "003"));
    g_clear_pointer (&msg, g_free);
  }
  {
    const char *paths[] = { alone, NULL };
    g_assert_true (g_file_get_contents (p1, &contents, &len, NULL));
    g_assert_cmpint (g_mkdir_with_parents (alone_dir, 0755), ==, 0);
    g_assert_true (g_file_set_contents (alone, contents, len, NULL));
    msg = parts_problem (paths);
    g_assert_nonnull (msg);
    g_assert_nonnull (strstr (msg, "media files of the posts are not in the parts opened"));
    g_assert_nonnull (strstr (msg, "takeout-20181025T123456Z-002.zip and any after it"));
    g_clear_pointer (&msg, g_free);
    g_remove (alone);
    g_rmdir (alone_dir);
  }
  {
    g_autoptr(GPtrArray) all = g_ptr_array_new ();
    for (guint k = 0; k < m->paths->len; k++)
      g_ptr_array_add (all, g_ptr_array_index (m->paths, k));
    g_ptr_array_add (all, NULL);
    msg = parts_problem ((const char * const *) all->pdata);
    g_assert_null (msg);
  }
}

/* The rules by hand, on a folder: the comment's photo, and a file named
 * like two of the user's photos, are never taken by name. */
static void
test_media_namesakes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_build_filename (tmp_root, "namesakes", NULL);
  g_autofree char *posts_dir = g_build_filename (root, "Takeout", "Google+ Stream", "Posts", NULL);
  g_autofree char *other_dir = g_build_filename (root, "Takeout", "Google+ Stream", "Photos", NULL);
  g_autoptr(GpmImport) import = NULL;
  const char *paths[2] = { root, NULL };
  GpmTakeout *takeout;
  const GpmTakeoutEntry *found;
  static const char acl[] = "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}";
  struct { const char *dir, *name, *text; } files[] = {
    /* A post whose photo is lost, with a comment whose photo has its name. */
    { posts_dir, "20180101 - A.json", NULL },
    { posts_dir, "IMG_1.jpg", "the comment's photo" },
    /* Two posts naming the same stale file; one file of that name. */
    { posts_dir, "20180102 - B.json", NULL },
    { posts_dir, "20180103 - C.json", NULL },
    { other_dir, "IMG_2.jpg", "one of them" },
    /* Unique, unclaimed: found by its name. */
    { posts_dir, "20180104 - D.json", NULL },
    { other_dir, "IMG_3.jpg", "D's photo" },
    /* No localFilePath: named by the url */
    { posts_dir, "20180105 - E.json", NULL },
    { posts_dir, "20180106 - F.json", NULL },
    { posts_dir, "photo.jpg", "someone's photo.jpg" },
    { posts_dir, "IMG_4.jpg", "F's photo" },
  };
  g_autofree char *a = g_strdup_printf ("{\"creationTime\": \"2018-01-01 10:00:00+0000\", \"resourceName\": \"users/1/posts/A\", "
                                         "\"media\": {\"url\": \"https://x/a.jpg\", \"localFilePath\": \"Old/IMG_1.jpg\"}, "
                                         "\"comments\": [{\"content\": \"look\", \"media\": {\"url\": \"https://x/c.jpg\", \"localFilePath\": \"IMG_1.jpg\"}}], %s}", acl);
  g_autofree char *b = g_strdup_printf ("{\"creationTime\": \"2018-01-02 10:00:00+0000\", \"resourceName\": \"users/1/posts/B\", "
                                         "\"album\": {\"media\": [{\"url\": \"https://x/b.jpg\", \"localFilePath\": \"Old/IMG_2.jpg\"}]}, %s}", acl);
  g_autofree char *c = g_strdup_printf ("{\"creationTime\": \"2018-01-03 10:00:00+0000\", \"resourceName\": \"users/1/posts/C\", "
                                         "\"media\": {\"url\": \"https://x/c2.jpg\", \"localFilePath\": \"Gone/IMG_2.jpg\"}, %s}", acl);
  g_autofree char *d = g_strdup_printf ("{\"creationTime\": \"2018-01-04 10:00:00+0000\", \"resourceName\": \"users/1/posts/D\", "
                                         "\"media\": {\"url\": \"https://x/d.jpg\", \"localFilePath\": \"Old/IMG_3.jpg\"}, %s}", acl);
  g_autofree char *e = g_strdup_printf ("{\"creationTime\": \"2018-01-05 10:00:00+0000\", \"resourceName\": \"users/1/posts/E\", "
                                         "\"media\": {\"url\": \"https://x/e/photo.jpg\"}, %s}", acl);
  g_autofree char *f = g_strdup_printf ("{\"creationTime\": \"2018-01-06 10:00:00+0000\", \"resourceName\": \"users/1/posts/F\", "
                                         "\"album\": {\"media\": [{\"url\": \"https://x/f/photo.jpg\"}, {\"url\": \"https://x/f/IMG_4.jpg\"}]}, %s}", acl);
  const char *texts[] = { a, NULL, b, c, NULL, d, NULL, e, f, NULL, NULL };

  for (guint k = 0; k < G_N_ELEMENTS (files); k++)
    {
      g_autofree char *path = g_build_filename (files[k].dir, files[k].name, NULL);
      g_assert_cmpint (g_mkdir_with_parents (files[k].dir, 0755), ==, 0);
      g_file_set_contents (path, files[k].text ? files[k].text : texts[k], -1, &error);
      g_assert_no_error (error);
    }
  import = gpm_import_new (paths);
  g_assert_true (gpm_import_run (import, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_import_get_posts (import)->len, ==, 6);
  takeout = gpm_import_get_takeout (import);

  g_assert_null (gpm_takeout_find_media (takeout, "Takeout/Google+ Stream/Posts/20180101 - A.json", "Old/IMG_1.jpg", "https://x/a.jpg"));
  /* The comment's own reference still reaches its file exactly. */
  found = gpm_takeout_find_media (takeout, "Takeout/Google+ Stream/Posts/20180101 - A.json", "IMG_1.jpg", "https://x/c.jpg");
  g_assert_nonnull (found);
  g_assert_null (gpm_takeout_find_media (takeout, "Takeout/Google+ Stream/Posts/20180102 - B.json", "Old/IMG_2.jpg", "https://x/b.jpg"));
  g_assert_null (gpm_takeout_find_media (takeout, "Takeout/Google+ Stream/Posts/20180103 - C.json", "Gone/IMG_2.jpg", "https://x/c2.jpg"));
  found = gpm_takeout_find_media (takeout, "Takeout/Google+ Stream/Posts/20180104 - D.json", "Old/IMG_3.jpg", "https://x/d.jpg");
  g_assert_nonnull (found);
  assert_entry_name (takeout, found, "Takeout/Google+ Stream/Photos/IMG_3.jpg");
  /* Without localFilePath, two posts whose urls end in "photo.jpg": the one
   * file of that name next to them is neither's by name alone. */
  g_assert_null (gpm_takeout_find_media (takeout, "Takeout/Google+ Stream/Posts/20180105 - E.json", NULL, "https://x/e/photo.jpg"));
  g_assert_null (gpm_takeout_find_media (takeout, "Takeout/Google+ Stream/Posts/20180106 - F.json", NULL, "https://x/f/photo.jpg"));
  /* … while a url-named file nobody else names is found next to its post */
  found = gpm_takeout_find_media (takeout, "Takeout/Google+ Stream/Posts/20180106 - F.json", NULL, "https://x/f/IMG_4.jpg");
  g_assert_nonnull (found);
  assert_entry_name (takeout, found, "Takeout/Google+ Stream/Posts/IMG_4.jpg");
}

/* The image checks on real bytes: a JPEG, nothing, junk, a PNG damaged in
 * its data (its header passes the cheap check, the full decode fails; an
 * image merely cut short decodes, grey or transparent where data is
 * missing, as it would on the pod). */
static void
test_image_check (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 300, 200);
  g_autoptr(GError) error = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree char *png = NULL;
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GBytes) cut = NULL;
  guint8 junk[4096];
  gsize len = 0, png_len = 0;
  int w = 0, h = 0;

  /* noise, so the PNG's data is more than its header */
  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 300 * 3; x++)
      gdk_pixbuf_get_pixels (pixbuf)[y * gdk_pixbuf_get_rowstride (pixbuf) + x] = g_test_rand_int () & 0xff;
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &len, "jpeg", &error, NULL));
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, &png_len, "png", &error, NULL));
  whole = g_bytes_new (jpeg, len);
  png[png_len / 2] ^= 0x55;
  cut = g_bytes_new (png, png_len);
  for (gsize k = 0; k < sizeof junk; k++)
    junk[k] = g_test_rand_int () & 0xff;
  junk[0] = 'J';

  g_assert_true (gpm_image_check_head ((guint8 *) jpeg, len, TRUE, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, 300);
  g_assert_cmpint (h, ==, 200);
  g_assert_true (gpm_image_check (whole, &error));
  g_assert_no_error (error);
  /* a head that ends before the header: cannot tell, passes */
  g_assert_true (gpm_image_check_head ((guint8 *) jpeg, 100, FALSE, &w, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, 0);

  g_assert_true (gpm_image_check_head ((guint8 *) png, png_len, TRUE, &w, NULL, &error));
  g_assert_cmpint (w, ==, 300);
  g_assert_false (gpm_image_check (cut, &error));
  g_assert_error (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_DAMAGED);
  g_clear_error (&error);

  g_assert_false (gpm_image_check_head (junk, 0, TRUE, NULL, NULL, &error));
  g_assert_error (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_false (gpm_image_check_head (junk, sizeof junk, FALSE, NULL, NULL, &error));
  g_assert_error (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_UNKNOWN);
  g_clear_error (&error);
}

/* The cheap check as it was before gpm-image.c walked a JPEG's head
 * itself: GdkPixbuf's loader fed in 4 KiB steps up to its size callback. */
static void
on_reference_size (GdkPixbufLoader *loader, int w, int h, gpointer data)
{
  int *size = data;

  size[0] = w;
  size[1] = h;
}

static gboolean
reference_check_head (const guint8 *data,
                      gsize         length,
                      gboolean      complete,
                      int          *width,
                      GError      **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) loader_error = NULL;
  int size[2] = { 0, 0 };
  gsize done = 0;
  gboolean ok = TRUE, cut = FALSE, known;

  complete = complete || length == 0;
  *width = 0;
  while (ok && size[0] == 0 && done < GPM_IMAGE_HEAD_SIZE)
    {
      gsize n = MIN (length - done, 4096);

      if (n == 0)
        {
          cut = !complete;
          break;
        }
      if (loader == NULL)
        {
          loader = length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0
                   ? gdk_pixbuf_loader_new_with_type ("jpeg", NULL) : gdk_pixbuf_loader_new ();
          g_signal_connect (loader, "size-prepared", G_CALLBACK (on_reference_size), size);
        }
      ok = gdk_pixbuf_loader_write (loader, data + done, n, &loader_error);
      done += n;
    }
  if (loader != NULL)
    gdk_pixbuf_loader_close (loader, NULL);
  if (cut && ok && size[0] == 0)
    return TRUE;
  if (done == 0)
    {
      g_set_error_literal (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_EMPTY, "the file is empty");
      return FALSE;
    }
  if (size[0] > 0 && size[1] > 0)
    {
      *width = size[0];
      return TRUE;
    }
  known = gdk_pixbuf_loader_get_format (loader) != NULL;
  if (!ok || complete || done < 128)
    {
      GError *le = ok ? NULL : loader_error;

      if (!known || g_error_matches (le, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
        g_set_error_literal (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_UNKNOWN, "not an image");
      else
        g_set_error (error, GPM_IMAGE_ERROR, GPM_IMAGE_ERROR_DAMAGED, "damaged image (%s)",
                     le && le->message ? le->message : "cannot be decoded");
      return FALSE;
    }
  return TRUE;
}

/* A JPEG with @segment (marker, then its bytes) put in after the SOI. */
static GBytes *
jpeg_with_segment (GBytes       *jpeg,
                   guint8        marker,
                   const guint8 *body,
                   gsize         body_len)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (jpeg, &len);
  GByteArray *out = g_byte_array_new ();
  guint8 head[4] = { 0xff, marker, (body_len + 2) >> 8, (body_len + 2) & 0xff };

  g_byte_array_append (out, d, 2);
  g_byte_array_append (out, head, 4);
  g_byte_array_append (out, body, body_len);
  g_byte_array_append (out, d + 2, len - 2);
  return g_byte_array_free_to_bytes (out);
}

/* gpm-image.c reads a JPEG's head itself (libjpeg's checks up to the first
 * scan) and asks GdkPixbuf only when it cannot tell: on real JPEGs, with
 * EXIF, comments, restart intervals, fill bytes, and thousands of them
 * damaged in their header or cut short, the verdict, the error and the
 * size are what GdkPixbuf's loader alone gives. */
static void
test_image_check_jpeg_walk (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 120, 70);
  g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  static const guint8 interesting[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 17, 0x10, 0x11, 0x13, 0x14,
                                        0x21, 0x22, 0x41, 0x44, 0x45, 0x80, 0xc0, 0xc2, 0xc4, 0xd8, 0xd9,
                                        0xda, 0xdb, 0xdd, 0xe0, 0xe1, 0xfe, 0xff };
  guint n_walked = 0;

  for (int y = 0; y < 70; y++)
    for (int x = 0; x < 120 * 3; x++)
      gdk_pixbuf_get_pixels (pixbuf)[y * gdk_pixbuf_get_rowstride (pixbuf) + x] = g_test_rand_int () & 0xff;
  for (int q = 0; q < 2; q++)
    {
      g_autoptr(GError) error = NULL;
      char *buf = NULL;
      gsize len = 0;
      g_autoptr(GBytes) plain = NULL;
      guint8 exif[20000], dri[2] = { 0, 4 };

      g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buf, &len, "jpeg", &error,
                                                "quality", q ? "95" : "40", NULL));
      plain = g_bytes_new_take (buf, len);
      g_ptr_array_add (bases, g_bytes_ref (plain));
      memcpy (exif, "Exif\0\0", 6);
      for (gsize k = 6; k < sizeof exif; k++)
        exif[k] = g_test_rand_int () & 0xff;
      /* a long EXIF block (the head is read in 4 KiB steps), a comment, DRI */
      g_ptr_array_add (bases, jpeg_with_segment (plain, 0xe1, exif, q ? sizeof exif : 3000));
      g_ptr_array_add (bases, jpeg_with_segment (plain, 0xfe, (const guint8 *) "a comment", 9));
      g_ptr_array_add (bases, jpeg_with_segment (plain, 0xdd, dri, 2));
      g_ptr_array_add (bases, jpeg_with_segment (plain, 0xe5, (const guint8 *) "\xff\xff\xff", 0));
      /* the scan's components in another order than the frame's */
      {
        guint8 *swapped = g_memdup2 (buf, len);

        for (gsize k = 2; k + 8 < len && swapped[k] == 0xff; k += 2 + (swapped[k + 2] << 8 | swapped[k + 3]))
          if (swapped[k + 1] == 0xda)
            {
              guint8 id = swapped[k + 5];

              swapped[k + 5] = swapped[k + 7];
              swapped[k + 7] = id;
              break;
            }
        g_ptr_array_add (bases, g_bytes_new_take (swapped, len));
      }
    }

  for (guint i = 0; i < 6000; i++)
    {
      GBytes *base = g_ptr_array_index (bases, i % bases->len);
      gsize len = 0, sos = 0;
      const guint8 *d = g_bytes_get_data (base, &len);
      g_autofree guint8 *copy = g_memdup2 (d, len);
      g_autoptr(GError) got_error = NULL;
      g_autoptr(GError) want_error = NULL;
      gboolean complete = g_test_rand_bit ();
      gboolean got, want;
      int got_w = 0, want_w = 0;

      /* the header: up to the end of the first SOS segment */
      for (gsize k = 2; sos == 0 && k + 4 < len && d[k] == 0xff; k += 2 + (d[k + 2] << 8 | d[k + 3]))
        if (d[k + 1] == 0xda)
          sos = k + 2 + (d[k + 2] << 8 | d[k + 3]);
      g_assert_cmpuint (sos, >, 0);
      g_assert_cmpuint (sos, <, len);
      if (i >= bases->len)
        for (int m = g_test_rand_int_range (1, 4); m > 0; m--)
          {
            gsize at = g_test_rand_int_range (2, (gint32) sos + 1);

            copy[at] = g_test_rand_bit () ? interesting[g_test_rand_int_range (0, G_N_ELEMENTS (interesting))]
                                          : g_test_rand_int () & 0xff;
          }
      if (i >= bases->len && g_test_rand_int_range (0, 4) == 0)
        len = g_test_rand_int_range (0, (gint32) sos + 8);

      want = reference_check_head (copy, len, complete, &want_w, &want_error);
      got = gpm_image_check_head (copy, len, complete, &got_w, NULL, &got_error);
      if (got != want || got_w != want_w ||
          (want_error != NULL) != (got_error != NULL) ||
          (want_error != NULL && (want_error->code != got_error->code ||
                                  (want_error->code == GPM_IMAGE_ERROR_DAMAGED &&
                                   strcmp (want_error->message, got_error->message) != 0))))
        g_error ("case %u (%" G_GSIZE_FORMAT " bytes, %s): GdkPixbuf says %d, %d (%s), the walk %d, %d (%s)",
                 i, len, complete ? "complete" : "a head", want, want_w,
                 want_error ? want_error->message : "-", got, got_w, got_error ? got_error->message : "-");
      n_walked += got && got_w > 0;
    }
  /* (most of the damaged ones are the loader's to judge; the rest are read) */
  g_assert_cmpuint (n_walked, >, 1000);
}

static gpointer
read_in_thread (gpointer data)
{
  gpointer *args = data;
  GpmTakeout *takeout = args[0];
  const char *name = args[1];
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = gpm_takeout_open_entry (takeout, name, NULL, &error);
  GByteArray *got = g_byte_array_new ();
  guint8 buf[1000];   /* odd small reads */
  gssize n;

  g_assert_no_error (error);
  while ((n = g_input_stream_read (stream, buf, sizeof buf, NULL, &error)) > 0)
    g_byte_array_append (got, buf, n);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  return g_byte_array_free_to_bytes (got);
}

/* open_entry and read_entry give every entry's bytes, in every form, also
 * from several threads at once. */
static void
test_open_entry (void)
{
  for (GpmGenForm form = GPM_GEN_FORM_FOLDER; form <= GPM_GEN_FORM_TGZ; form++)
    {
      GpmGenManifest *m = manifests[form];
      g_autoptr(GpmTakeout) takeout = NULL;
      g_autoptr(Loaded) l = load_paths (m->paths, m->json_limit, &takeout);
      g_assert_cmpuint (g_hash_table_size (l->json), >, 0);
      g_autoptr(GPtrArray) threads = g_ptr_array_new ();
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      GBytes *bytes;
      guint media = 0;

      for (guint k = 0; k < m->entries->len; k++)
        {
          GpmGenEntry *e = g_ptr_array_index (m->entries, k);
          g_autoptr(GBytes) got = NULL;
          g_autoptr(GBytes) want = NULL;

          if (is_refused (e) || (e->type != GPM_GEN_FILE_MEDIA && e->type != GPM_GEN_FILE_METADATA))
            continue;
          got = gpm_takeout_read_entry (takeout, e->name, 0, NULL, &error);
          g_assert_no_error (error);
          want = folder_bytes (e->name);
          g_assert_true (g_bytes_equal (got, want));
          if (e->type == GPM_GEN_FILE_MEDIA)
            {
              if (media++ < 6)
                g_ptr_array_add (names, e->name);
              if (media == 1)
                {
                  bytes = gpm_takeout_read_entry (takeout, e->name, e->size - 1, NULL, &error);
                  g_assert_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_TOO_LARGE);
                  g_assert_null (bytes);
                  g_clear_error (&error);
                }
            }
        }
      g_assert_cmpuint (media, >, 10);

      for (guint k = 0; k < names->len; k++)
        {
          gpointer *args = g_new (gpointer, 2);
          args[0] = takeout;
          args[1] = g_ptr_array_index (names, k);
          g_ptr_array_add (threads, g_thread_new ("reader", read_in_thread, args));
          g_ptr_array_add (threads, args);
        }
      for (guint k = 0; k < threads->len; k += 2)
        {
          g_autoptr(GBytes) got = g_thread_join (g_ptr_array_index (threads, k));
          gpointer *args = g_ptr_array_index (threads, k + 1);
          g_autoptr(GBytes) want = folder_bytes (args[1]);
          g_assert_true (g_bytes_equal (got, want));
          g_free (args);
        }

      bytes = gpm_takeout_read_entry (takeout, "Takeout/no such file.jpg", 0, NULL, &error);
      g_assert_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_NO_ENTRY);
      g_assert_null (bytes);
    }
}

/* A zip entry is reached straight from the central directory's offsets
 * (gpm-zip-directory): plain, zip64, and with data in front of the zip
 * (a self-extractor stub moves every offset), stored entries with their
 * sizes after the data (as zip writers that stream write them) too. */
static void
write_direct_zip (const char *path,
                  gboolean    zip64,
                  gsize       prefix)
{
  struct archive *a = archive_write_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  static const char *names[] = { "Takeout/", "Takeout/a.txt", "Takeout/b.jpg", "Takeout/c.json" };
  gsize used = 0;
  guint8 *buf;
  gsize size = 1024 * 1024;

  buf = g_malloc0 (size);
  archive_write_set_format_zip (a);
  if (zip64)
    g_assert_cmpint (archive_write_set_format_option (a, "zip", "zip64", "1"), ==, ARCHIVE_OK);
  archive_write_set_bytes_per_block (a, 0);
  g_assert_cmpint (archive_write_open_memory (a, buf + prefix, size - prefix, &used), ==, ARCHIVE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      struct archive_entry *ae = archive_entry_new ();
      g_autofree char *data = g_strdup_printf ("%s %u %s", names[i], i, "lorem ipsum dolor sit amet");
      gboolean dir = g_str_has_suffix (names[i], "/");

      archive_entry_set_pathname (ae, names[i]);
      archive_entry_set_filetype (ae, dir ? AE_IFDIR : AE_IFREG);
      archive_entry_set_perm (ae, 0644);
      if (g_str_has_suffix (names[i], ".jpg"))
        archive_write_zip_set_compression_store (a);
      else
        archive_write_zip_set_compression_deflate (a);
      /* no size: the writer streams, the sizes follow the data */
      g_assert_cmpint (archive_write_header (a, ae), ==, ARCHIVE_OK);
      if (!dir)
        g_assert_cmpint (archive_write_data (a, data, strlen (data)), ==, (la_ssize_t) strlen (data));
      archive_entry_free (ae);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  memset (buf, 'x', prefix);
  g_assert_true (g_file_set_contents (path, (const char *) buf, (gssize) (prefix + used), NULL));
  g_free (buf);
}

static void
test_zip_direct (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gpm-zip-direct-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "takeout.zip", NULL);

  /* (libarchive does not read a zip64 zip with data in front) */
  for (guint variant = 0; variant < 3; variant++)
    {
      gboolean zip64 = variant == 1;
      gsize prefix = variant == 2 ? 1000 : 0;
      g_autoptr(GpmTakeout) takeout = NULL;
      g_autoptr(GArray) records = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      const char *paths[] = { path, NULL };
      gsize length;

      write_direct_zip (path, zip64, prefix);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

      records = gpm_zip_directory_read (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (records->len, ==, 4);
      for (guint i = 0; i < records->len; i++)
        {
          const GpmZipRecord *r = &g_array_index (records, GpmZipRecord, i);

          g_assert_cmpuint (r->offset, <, length);
          g_assert_true (i == 0 || r->offset > g_array_index (records, GpmZipRecord, i - 1).offset);
          g_assert_cmpmem (contents + r->offset, 4, "PK\003\004", 4);
          g_assert_true (gpm_zip_record_is_direct (r));
        }

      takeout = gpm_takeout_new (paths, &error);
      g_assert_no_error (error);
      g_assert_true (gpm_takeout_load (takeout, NULL, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      for (guint i = 1; i < 4; i++)
        {
          static const char *names[] = { NULL, "Takeout/a.txt", "Takeout/b.jpg", "Takeout/c.json" };
          g_autofree char *want = g_strdup_printf ("%s %u %s", names[i], i, "lorem ipsum dolor sit amet");
          g_autoptr(GBytes) got = gpm_takeout_read_entry (takeout, names[i], 0, NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), want, strlen (want));
        }

      /* Proof that the entries are not found by walking: with the first
       * local header broken, walking stops there, the direct way does not. */
      if (variant == 0)
        {
          g_autoptr(GBytes) got = NULL;

          contents[g_array_index (records, GpmZipRecord, 0).offset] = 'X';
          g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
          got = gpm_takeout_read_entry (takeout, "Takeout/c.json", 0, NULL, &error);
          g_assert_no_error (error);
          g_assert_nonnull (got);
        }

      /* The entries our walk listed keep their local header offsets: with
       * the end of the central directory gone after loading (and the first
       * local header broken, so walking finds nothing), they are still
       * opened, with no second reading of the directory. */
      if (variant == 0)
        {
          g_autoptr(GpmTakeout) fresh = NULL;
          g_autoptr(GBytes) got = NULL;
          const char *end = NULL;

          write_direct_zip (path, FALSE, 0);
          fresh = gpm_takeout_new (paths, &error);
          g_assert_no_error (error);
          g_assert_true (gpm_takeout_load (fresh, NULL, NULL, NULL, NULL, &error));
          g_assert_no_error (error);

          g_clear_pointer (&contents, g_free);
          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          contents[g_array_index (records, GpmZipRecord, 0).offset] = 'X';
          for (gsize i = 0; i + 4 <= length; i++)
            if (memcmp (contents + i, "PK\005\006", 4) == 0)
              end = contents + i;
          g_assert_nonnull (end);
          contents[end - contents] = 'X';
          g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
          g_clear_pointer (&records, g_array_unref);
          records = gpm_zip_directory_read (path, &error);
          g_assert_null (records);
          g_clear_error (&error);

          got = gpm_takeout_read_entry (fresh, "Takeout/c.json", 0, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                           "Takeout/c.json 3 lorem ipsum dolor sit amet",
                           strlen ("Takeout/c.json 3 lorem ipsum dolor sit amet"));
        }
    }

  /* Not a zip's end: no table, and the entries are found by walking */
  g_assert_true (g_file_set_contents (path, "PK\003\004 not really", -1, NULL));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) records = gpm_zip_directory_read (path, &error);
    g_assert_null (records);
    g_assert_nonnull (error);
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* The load pass's own walk of a zip (gpm-zip-directory): stored and
 * deflated entries, sizes after the data, zip64, data in front; a JSON
 * entry whose data are damaged is listed but not delivered, and named in a
 * problem, as libarchive's reader did. */
static void
collect_json (const char *name,
              GBytes     *data,
              gpointer    user_data)
{
  g_hash_table_insert (user_data, g_strdup (name), g_bytes_ref (data));
}

static void
test_zip_walk (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gpm-zip-walk-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "takeout.zip", NULL);
  const char *want = "Takeout/c.json 3 lorem ipsum dolor sit amet";

  for (guint variant = 0; variant < 4; variant++)
    {
      gboolean zip64 = variant == 1;
      gboolean broken = variant == 3;
      gsize prefix = variant == 2 ? 1000 : 0;
      g_autoptr(GpmTakeout) takeout = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) json = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_bytes_unref);
      const char *paths[] = { path, NULL };
      GPtrArray *entries, *problems;
      GBytes *got;

      write_direct_zip (path, zip64, prefix);
      if (broken)
        {
          g_autofree char *contents = NULL;
          gsize length;
          const char *local;

          /* the local header of c.json (the first copy of its name), its data after it */
          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          local = memmem (contents, length, "Takeout/c.json", 14);
          g_assert_nonnull (local);
          local -= 30;
          g_assert_cmpmem (local, 4, "PK\003\004", 4);
          contents[(local - contents) + 30 + 14 + (guint8) local[28] + ((guint8) local[29] << 8) + 4] ^= 0x55;
          g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
        }

      takeout = gpm_takeout_new (paths, &error);
      g_assert_no_error (error);
      g_assert_true (gpm_takeout_load (takeout, collect_json, NULL, json, NULL, &error));
      g_assert_no_error (error);

      entries = gpm_takeout_get_entries (takeout);
      g_assert_cmpuint (entries->len, ==, 3);   /* the folder is no entry */
      g_assert_nonnull (gpm_takeout_lookup (takeout, "Takeout/c.json"));
      g_assert_cmpint (gpm_takeout_lookup (takeout, "Takeout/b.jpg")->size, ==, strlen ("Takeout/b.jpg 2 lorem ipsum dolor sit amet"));
      problems = gpm_takeout_get_problems (takeout);
      got = g_hash_table_lookup (json, "Takeout/c.json");
      if (!broken)
        {
          g_assert_cmpuint (problems->len, ==, 0);
          g_assert_nonnull (got);
          g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), want, strlen (want));
          /* NUL after the last byte */
          g_assert_cmpint (((const char *) g_bytes_get_data (got, NULL))[g_bytes_get_size (got)], ==, 0);
        }
      else
        {
          GpmProblem *problem;

          g_assert_null (got);
          g_assert_cmpuint (problems->len, ==, 1);
          problem = g_ptr_array_index (problems, 0);
          g_assert_cmpstr (problem->name, ==, "Takeout/c.json");
          g_assert_nonnull (strstr (problem->message, "damaged"));
        }
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
collect_json_order (const char *name,
                    GBytes     *data,
                    gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup (name));
}

/* A zip's post JSON is inflated by a thread of its own (gpm-takeout-load.c)
 * and handed over by the loading thread: in archive order, each damaged
 * entry's problem in its place among the others (here: JSON over the size
 * limit, which the loading thread reports as it walks), batch after batch. */
static void
test_zip_inflated_aside (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gpm-zip-aside-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "takeout.zip", NULL);
  g_autoptr(GPtrArray) want_json = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) want_problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) got_json = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GByteArray) zip = g_byte_array_new ();
  g_autoptr(GpmTakeout) takeout = NULL;
  g_autoptr(GError) error = NULL;
  struct archive *a = archive_write_new ();
  const char *paths[] = { path, NULL };
  gsize size = 8 * 1024 * 1024, used = 0;
  guint8 *buf = g_malloc0 (size);
  GPtrArray *problems;

  archive_write_set_format_zip (a);
  archive_write_set_bytes_per_block (a, 0);
  g_assert_cmpint (archive_write_open_memory (a, buf, size, &used), ==, ARCHIVE_OK);
  for (guint i = 0; i < 900; i++)
    {
      struct archive_entry *ae = archive_entry_new ();
      g_autofree char *name = g_strdup_printf ("Takeout/Posts/%04u.json", i);
      GString *data = g_string_new (NULL);
      gboolean big = i % 97 == 13;

      /* some text that deflates, longer for the ones over the limit */
      for (guint k = 0; k < (big ? 400u : 20u + i % 50); k++)
        g_string_append_printf (data, "%u %s ", k * i, k % 3 ? "lorem" : "ipsum");
      archive_entry_set_pathname (ae, name);
      archive_entry_set_filetype (ae, AE_IFREG);
      archive_entry_set_perm (ae, 0644);
      archive_entry_set_size (ae, (la_int64_t) data->len);
      archive_write_zip_set_compression_deflate (a);
      g_assert_cmpint (archive_write_header (a, ae), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (a, data->str, data->len), ==, (la_ssize_t) data->len);
      archive_entry_free (ae);
      g_string_free (data, TRUE);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  g_byte_array_append (zip, buf, (guint) used);
  g_free (buf);

  for (guint i = 0; i < 900; i++)
    {
      g_autofree char *name = g_strdup_printf ("Takeout/Posts/%04u.json", i);
      guint8 *local = memmem (zip->data, zip->len, name, strlen (name));

      g_assert_nonnull (local);
      local -= 30;
      g_assert_cmpmem (local, 4, "PK\003\004", 4);
      if (i % 97 == 13)
        g_ptr_array_add (want_problems, g_strdup_printf ("%s: post file too large", name));
      else if (i % 53 == 20)
        {
          /* a CRC in the central directory that is not its data's: the
           * data inflate cleanly, the check fails */
          const guint8 *eocd = zip->data + zip->len - 22;
          guint8 *central = zip->data + (eocd[16] | eocd[17] << 8 | eocd[18] << 16 | (guint) eocd[19] << 24);

          g_assert_cmpmem (eocd, 4, "PK\005\006", 4);
          while (memcmp (central, "PK\001\002", 4) == 0 &&
                 !((gsize) (central[28] | central[29] << 8) == strlen (name) && memcmp (central + 46, name, strlen (name)) == 0))
            central += 46 + (central[28] | central[29] << 8) + (central[30] | central[31] << 8) + (central[32] | central[33] << 8);
          g_assert_cmpmem (central, 4, "PK\001\002", 4);
          central[16] ^= 0x01;
          g_ptr_array_add (want_problems, g_strdup_printf ("%s: damaged entry", name));
        }
      else if (i % 31 == 7 || i % 89 == 88)
        {
          /* a byte of its deflated data changed: inflate or the CRC fails */
          local[30 + strlen (name) + (local[28] | local[29] << 8) + 2] ^= 0x55;
          g_ptr_array_add (want_problems, g_strdup_printf ("%s: damaged entry", name));
        }
      else
        g_ptr_array_add (want_json, g_steal_pointer (&name));
    }
  g_assert_true (g_file_set_contents (path, (const char *) zip->data, zip->len, NULL));

  /* A damaged entry's message is zlib's, as the entry reader gives it
   * (libdeflate, when the build has it, is taken only for a clean result). */
  {
    g_autoptr(GpmZipWalk) walk = gpm_zip_walk_open (path, &error);
    g_autoptr(GpmZipEntryReader) reader = NULL;
    GpmZipEntryInfo info;
    guint k = 0;

    g_assert_no_error (error);
    reader = gpm_zip_entry_reader_new (gpm_zip_walk_get_fd (walk));
    while (gpm_zip_walk_next (walk, &info))
      {
        g_autofree char *name = g_strndup (info.name, info.name_len);
        char chunk[4096];
        gssize n;

        while (k < want_problems->len && !g_str_has_prefix (g_ptr_array_index (want_problems, k), name))
          k++;
        if (k == want_problems->len || !g_str_has_suffix (g_ptr_array_index (want_problems, k), "damaged entry"))
          {
            k = 0;
            continue;
          }
        g_assert_true (gpm_zip_entry_reader_start (reader, &info, 65536, &error));
        while ((n = gpm_zip_entry_reader_read (reader, chunk, sizeof chunk, &error)) > 0)
          ;
        g_assert_cmpint (n, <, 0);
        g_free (want_problems->pdata[k]);
        want_problems->pdata[k] = g_strdup_printf ("%s: damaged entry (%s); not read", name, error->message);
        g_clear_error (&error);
        k = 0;
      }
  }

  takeout = gpm_takeout_new (paths, &error);
  g_assert_no_error (error);
  gpm_takeout_set_max_json_size (takeout, 2000);
  g_assert_true (gpm_takeout_load (takeout, collect_json_order, NULL, got_json, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (got_json->len, ==, want_json->len);
  for (guint i = 0; i < got_json->len; i++)
    g_assert_cmpstr (g_ptr_array_index (got_json, i), ==, g_ptr_array_index (want_json, i));
  problems = gpm_takeout_get_problems (takeout);
  g_assert_cmpuint (problems->len, ==, want_problems->len);
  for (guint i = 0; i < problems->len; i++)
    {
      GpmProblem *problem = g_ptr_array_index (problems, i);
      g_autofree char *got = g_strdup_printf ("%s: %s", problem->name, problem->message);

      g_assert_true (g_str_has_prefix (got, g_ptr_array_index (want_problems, i)));
      if (strstr (got, "damaged") != NULL)
        g_assert_cmpstr (got, ==, g_ptr_array_index (want_problems, i));
    }
  g_unlink (path);
  g_rmdir (dir);
}

/* A truncated, a corrupt and a non-archive part: each is reported by its
 * path; everything before the damage, and all other parts, are read. */
static void
test_damaged_parts (void)
{
  GpmGenManifest *m = damaged;
  g_autoptr(GpmTakeout) takeout = NULL;
  g_autoptr(Loaded) l = load_paths (m->paths, 0, &takeout);
  guint lost = 0, delivered = 0, listed = 0;

  g_assert_cmpuint (m->damages->len, ==, 3);
  for (guint k = 0; k < m->damages->len; k++)
    {
      GpmGenDamage *d = g_ptr_array_index (m->damages, k);
      g_assert_true (has_problem (takeout, d->path));
    }

  for (guint k = 0; k < m->entries->len; k++)
    {
      GpmGenEntry *e = g_ptr_array_index (m->entries, k);
      const GpmTakeoutEntry *te = gpm_takeout_lookup (takeout, e->name);

      if (is_refused (e))
        continue;
      if (e->bad == GPM_GEN_BAD_LOST)
        {
          lost++;
          g_assert_null (te);
          g_assert_false (g_hash_table_contains (l->json, e->name));
          continue;
        }
      g_assert_nonnull (te);
      listed++;
      if (gpm_takeout_gen_entry_is_delivered (m, e))
        {
          g_assert_true (g_hash_table_contains (l->json, e->name));
          delivered++;
        }
    }
  g_assert_cmpuint (lost, >, 0);
  g_assert_cmpuint (g_hash_table_size (l->json), ==, delivered);
  g_assert_cmpuint (gpm_takeout_get_entries (takeout)->len, ==, listed);

  /* Entries before the damage in the damaged parts stream fine. */
  for (guint k = 0; k < m->entries->len; k++)
    {
      GpmGenEntry *e = g_ptr_array_index (m->entries, k);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) got = NULL;

      if (e->part < m->paths->len - 3 || e->bad != GPM_GEN_BAD_NONE)
        continue;
      got = gpm_takeout_read_entry (takeout, e->name, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (got), ==, e->size);
    }
}

static void
copy_file (const char *from,
           const char *to,
           gsize       keep)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_file_get_contents (from, &data, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, data, MIN (len, keep), &error);
  g_assert_no_error (error);
}

/* One zip cut at various points: the start is read, the cut reported. */
static void
test_truncated_zip (void)
{
  GpmGenManifest *m = manifests[GPM_GEN_FORM_ZIP];
  const char *zip = g_ptr_array_index (m->paths, 0);
  g_autofree char *cut = g_build_filename (tmp_root, "cut.zip", NULL);
  g_autofree char *tcut = g_build_filename (tmp_root, "cut.tgz", NULL);
  GStatBuf st;
  guint fractions[] = { 10, 50, 90, 99 };

  g_assert_cmpint (g_stat (zip, &st), ==, 0);
  for (guint f = 0; f < G_N_ELEMENTS (fractions); f++)
    {
      g_autoptr(GPtrArray) paths = g_ptr_array_new ();
      g_autoptr(GpmTakeout) takeout = NULL;
      g_autoptr(Loaded) l = NULL;
      GHashTableIter iter;
      gpointer key, value;

      copy_file (zip, cut, st.st_size * fractions[f] / 100);
      g_ptr_array_add (paths, cut);
      l = load_paths (paths, m->json_limit, &takeout);
      g_assert_true (has_problem (takeout, cut));
      g_assert_cmpuint (g_hash_table_size (l->json), >, 0);
      g_hash_table_iter_init (&iter, l->json);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_autoptr(GBytes) want = folder_bytes (key);
          g_assert_true (g_bytes_equal (value, want));
        }
    }

  /* The same for a tgz. */
  {
    const char *tgz = g_ptr_array_index (manifests[GPM_GEN_FORM_TGZ]->paths, 0);
    g_autoptr(GPtrArray) paths = g_ptr_array_new ();
    g_autoptr(GpmTakeout) takeout = NULL;
    g_autoptr(Loaded) l = NULL;

    g_assert_cmpint (g_stat (tgz, &st), ==, 0);
    copy_file (tgz, tcut, st.st_size / 2);
    g_ptr_array_add (paths, tcut);
    l = load_paths (paths, m->json_limit, &takeout);
    g_assert_true (has_problem (takeout, tcut));
    g_assert_cmpuint (g_hash_table_size (l->json), >, 0);
  }
}

static void
test_not_an_archive (void)
{
  g_autofree char *txt = g_build_filename (tmp_root, "notes.txt", NULL);
  g_autofree char *fake = g_build_filename (tmp_root, "fake.zip", NULL);
  g_autofree char *missing = g_build_filename (tmp_root, "missing.zip", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTakeout) takeout = NULL;
  const char *one[2] = { NULL, NULL };

  g_file_set_contents (txt, "hello, not a takeout\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (fake, "hello, not a zip either\n", -1, &error);
  g_assert_no_error (error);

  one[0] = txt;
  takeout = gpm_takeout_new (one, &error);
  g_assert_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_UNSUPPORTED);
  g_assert_null (takeout);
  /* its name, not its path */
  g_assert_cmpstr (error->message, ==, "“notes.txt” is not a Google Takeout archive (a .zip or .tgz file) or folder");
  g_clear_error (&error);

  one[0] = missing;
  takeout = gpm_takeout_new (one, &error);
  g_assert_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  one[0] = fake;
  takeout = gpm_takeout_new (one, &error);
  g_assert_no_error (error);
  g_assert_false (gpm_takeout_load (takeout, NULL, NULL, NULL, NULL, &error));
  /* named .zip, but no zip: said in our words, not libarchive's
   * "Unrecognized archive format" and the path; those stay in the problems */
  g_assert_error (error, GPM_TAKEOUT_ERROR, GPM_TAKEOUT_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "“fake.zip” is not a Google Takeout archive (a .zip or .tgz file) or folder");
  g_assert_true (has_problem (takeout, fake));
}

/* In a folder, links inside it are followed, links out of it are not. */
static void
test_folder_links (void)
{
  g_autofree char *root = g_build_filename (tmp_root, "links", NULL);
  g_autofree char *posts = g_build_filename (root, "Takeout", "Posts", NULL);
  g_autofree char *inside = g_build_filename (posts, "a.json", NULL);
  g_autofree char *outside = g_build_filename (tmp_root, "outside.json", NULL);
  g_autofree char *link_in = g_build_filename (posts, "b.json", NULL);
  g_autofree char *link_out = g_build_filename (posts, "out.json", NULL);
  g_autofree char *link_dir = g_build_filename (posts, "loop", NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GpmTakeout) takeout = NULL;
  g_autoptr(Loaded) l = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (posts, 0755), ==, 0);
  g_file_set_contents (inside, "{\"a\": 1}", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (outside, "{\"secret\": 1}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("a.json", link_in), ==, 0);
  g_assert_cmpint (symlink (outside, link_out), ==, 0);
  g_assert_cmpint (symlink ("..", link_dir), ==, 0);

  g_ptr_array_add (paths, root);
  l = load_paths (paths, 0, &takeout);
  g_assert_cmpuint (g_hash_table_size (l->json), ==, 2);
  g_assert_nonnull (gpm_takeout_lookup (takeout, "Takeout/Posts/a.json"));
  g_assert_nonnull (gpm_takeout_lookup (takeout, "Takeout/Posts/b.json"));
  g_assert_null (gpm_takeout_lookup (takeout, "Takeout/Posts/out.json"));
  g_assert_true (has_problem (takeout, "Takeout/Posts/out.json"));
  g_assert_true (has_problem (takeout, "Takeout/Posts/loop"));
  g_assert_cmpuint (gpm_takeout_get_entries (takeout)->len, ==, 2);
  g_ptr_array_set_size (paths, 0);
}

/* A tar whose names are neither UTF-8 nor marked: read as Latin-1. And a
 * pax tar (what the generator writes) keeps UTF-8 names. */
static void
test_tar_names (void)
{
  g_autofree char *path = g_build_filename (tmp_root, "latin1.tgz", NULL);
  const char *names[] = { "Takeout/Posts/Gr\xfc\xdf" "e.json", "Takeout/Posts/plain.json" };
  locale_t c = newlocale (LC_CTYPE_MASK, "C", (locale_t) 0);
  locale_t old = uselocale (c);
  struct archive *a = archive_write_new ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GpmTakeout) takeout = NULL;
  g_autoptr(Loaded) l = NULL;

  archive_write_set_format_ustar (a);
  archive_write_add_filter_gzip (a);
  g_assert_cmpint (archive_write_open_filename (a, path), ==, ARCHIVE_OK);
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      struct archive_entry *ae = archive_entry_new ();
      archive_entry_copy_pathname (ae, names[k]);
      archive_entry_set_filetype (ae, AE_IFREG);
      archive_entry_set_perm (ae, 0644);
      archive_entry_set_size (ae, 2);
      g_assert_cmpint (archive_write_header (a, ae), >=, ARCHIVE_WARN);
      g_assert_cmpint (archive_write_data (a, "{}", 2), ==, 2);
      archive_entry_free (ae);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  uselocale (old);
  freelocale (c);

  g_ptr_array_add (paths, path);
  l = load_paths (paths, 0, &takeout);
  g_assert_true (g_hash_table_contains (l->json, "Takeout/Posts/Grüße.json"));
  g_assert_true (g_hash_table_contains (l->json, "Takeout/Posts/plain.json"));
  g_assert_cmpuint (gpm_takeout_get_problems (takeout)->len, ==, 0);
}

/* Names whose UTF-8 was read as Latin-1 or Windows-1252 and written again
 * as UTF-8 are repaired; names that are just Latin-1 text, or other
 * scripts, are left alone. (The generated .tgz with quirks has such names
 * throughout: /takeout/tgz and /takeout/media-resolution read it.) */
static void
test_mojibake_names (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "Gr\xc3\x83\xc2\xbc\xc3\x83\xc2\x9f" "e.json", "Grüße.json" },           /* via Latin-1 */
    { "Gr\xc3\x83\xc2\xbc\xc3\x83\xc5\xb8" "e.json", "Grüße.json" },           /* via Windows-1252: ß → "ÃŸ" */
    { "\xc3\xa6\xc2\x9d\xc2\xb1\xc3\xa4\xc2\xba\xc2\xac.jpg", "東京.jpg" },
    { "Caf\xc3\xa9.jpg", NULL },
    { "\xc3\x89t\xc3\xa9 \xc3\xa0 Paris.jpg", NULL },
    { "東京タワー.jpg", NULL },
    { "plain.json", NULL },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *got = gpm_archive_undo_mojibake (cases[k].in);
      g_assert_cmpstr (got, ==, cases[k].out);
    }
}

/* Names as libarchive makes them (test_rezipped_names() for why): NFC,
 * a zip's '\\' as '/' when the name has no '/'; names already so, most of
 * them, are taken as they are (gpm_archive_dup_nfc() returns NULL). */
static void
test_canonical_names (void)
{
  static const struct { const char *in; GpmArchiveKind kind; const char *out; } cases[] = {
    { "Gru\xcc\x88\xc3\x9f" "e.json", GPM_ARCHIVE_ZIP, "Grüße.json" },          /* HFS+ NFD */
    { "\xe3\x81\x8b\xe3\x82\x99.jpg", GPM_ARCHIVE_TAR, "が.jpg" },                 /* か + U+3099 */
    { "\xe2\x84\xa6.jpg", GPM_ARCHIVE_ZIP, "\xce\xa9.jpg" },                           /* OHM SIGN → Ω */
    { "Caf\xc3\xa9.jpg", GPM_ARCHIVE_ZIP, "Café.jpg" },
    { "東京タワー.jpg", GPM_ARCHIVE_ZIP, "東京タワー.jpg" },
    { "Привет, мир.json", GPM_ARCHIVE_ZIP, "Привет, мир.json" },
    { "Takeout\\Google+ Stream\\Posts\\a.json", GPM_ARCHIVE_ZIP, "Takeout/Google+ Stream/Posts/a.json" },
    { "Takeout/Posts/a\\b.json", GPM_ARCHIVE_ZIP, "Takeout/Posts/a\\b.json" },       /* has '/': kept */
    { "Takeout\\a.json", GPM_ARCHIVE_TAR, "Takeout\\a.json" },                      /* a tar's name */
  };
  static const char * const already[] = { "plain.json", "Grüße.json", "東京.jpg", "한국어.jpg", "Ærø.jpg" };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *got = gpm_archive_dup_utf8_name (cases[k].in, cases[k].kind);
      g_assert_cmpstr (got, ==, cases[k].out);
    }
  for (guint k = 0; k < G_N_ELEMENTS (already); k++)
    {
      g_autofree char *nfc = g_utf8_normalize (already[k], -1, G_NORMALIZE_NFC);
      g_autofree char *got = gpm_archive_dup_nfc (already[k]);
      g_assert_cmpstr (nfc, ==, already[k]);
      g_assert_null (got);
    }
}

/* A takeout extracted and zipped again by another tool keeps its posts
 * and photos. Both tools write names that libarchive reads otherwise than
 * the bytes say, so the load pass's names and the names found when an
 * entry is opened again (the posts' attachments, the photos) must be made
 * the same way, or every post loses its link, photos and reshare:
 *  - "windows": PowerShell's Compress-Archive (Microsoft.PowerShell.Archive
 *    before 1.2.3.0, the one Windows PowerShell 5.1 ships) separates folders
 *    with '\' (PowerShell/Microsoft.PowerShell.Archive#48, and
 *    libarchive/libarchive#970, which made libarchive read such names with
 *    '/': libarchive/archive_read_support_format_zip.c, "Windows archivers
 *    sometimes use backslash as the directory separator");
 *  - "mac": a folder on a Mac's HFS+ has its names in NFD ("u" + U+0308 for
 *    "ü"), and so does a zip made of it, where the posts' localFilePaths are
 *    NFC; libarchive reads UTF-8 names as NFC (libarchive/archive_string.c,
 *    "translate NFD characters to NFC ones", not on Apple).
 * The posts' localFilePaths (NFC, '/') must find their photos too. */
static void
test_rezipped_names (void)
{
  static const char * const tools[] = { "windows", "mac" };

  for (guint t = 0; t < G_N_ELEMENTS (tools); t++)
    {
      g_autofree char *dir = g_build_filename (tmp_root, "rezip", tools[t], NULL);
      g_autoptr(GpmGenManifest) m = NULL;
      g_autoptr(GpmTakeout) takeout = NULL;
      g_autoptr(Loaded) l = NULL;
      g_autoptr(GError) error = NULL;
      GpmGenOptions o;
      guint reread = 0, non_ascii = 0;

      gpm_takeout_gen_options_init (&o);
      o.seed = 11;
      o.n_posts = 40;
      o.media_bytes = 1024 * 1024;
      o.locale = "de";
      o.quirks = TRUE;
      o.bad_cases = FALSE;
      o.rezip = tools[t];
      m = gpm_takeout_gen_write (&o, GPM_GEN_FORM_ZIP, dir, &error);
      g_assert_no_error (error);

      l = load_paths (m->paths, 0, &takeout);
      g_assert_cmpuint (gpm_takeout_get_problems (takeout)->len, ==, 0);
      for (guint k = 0; k < m->entries->len; k++)
        {
          GpmGenEntry *e = g_ptr_array_index (m->entries, k);
          GBytes *loaded;
          g_autoptr(GBytes) again = NULL;

          /* Listed under the name the takeout meant */
          g_assert_nonnull (gpm_takeout_lookup (takeout, e->name));
          for (const char *p = e->name; *p; p++)
            if ((guchar) *p >= 0x80)
              {
                non_ascii++;
                break;
              }
          if (!gpm_takeout_gen_entry_is_delivered (m, e))
            continue;
          /* and read again by it, as the attachments and photos are */
          loaded = g_hash_table_lookup (l->json, e->name);
          g_assert_nonnull (loaded);
          again = gpm_takeout_read_entry (takeout, e->name, 0, NULL, &error);
          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (loaded, again));
          reread++;
        }
      g_assert_cmpuint (reread, >=, 40);
      g_assert_cmpuint (non_ascii, >, 5);

      /* Every photo found (through the posts read again), none taken wrongly */
      check_media_resolution (m);
    }
}

/* A takeout extracted on a Mac's HFS+ and copied over: the files' names
 * are NFD on disk ("e" + U+0301 for "é"), the posts' localFilePaths NFC
 * (the folder form of GpmGenOptions.rezip "mac"; see
 * test_rezipped_names() for the sources). The names are the takeout's
 * (NFC), the files opened by their names on disk, and a photo without a
 * sidecar is found by its path as well as one with a sidecar is. */
static void
test_nfd_folder (void)
{
  g_autofree char *dir = g_build_filename (tmp_root, "nfd-folder", NULL);
  g_autoptr(GpmGenManifest) m = NULL;
  g_autoptr(GError) error = NULL;
  GpmGenOptions o;
  guint non_ascii = 0, plain = 0, plain_non_ascii = 0;

  gpm_takeout_gen_options_init (&o);
  o.seed = 13;
  o.n_posts = 40;
  o.media_bytes = 512 * 1024;
  o.locale = "de";
  o.quirks = TRUE;
  o.bad_cases = FALSE;
  o.rezip = "mac";
  m = gpm_takeout_gen_write (&o, GPM_GEN_FORM_FOLDER, dir, &error);
  g_assert_no_error (error);

  {
    g_autoptr(GpmTakeout) takeout = NULL;
    g_autoptr(Loaded) l = load_paths (m->paths, 0, &takeout);

    g_assert_cmpuint (gpm_takeout_get_problems (takeout)->len, ==, 0);
    for (guint k = 0; k < m->entries->len; k++)
      {
        GpmGenEntry *e = g_ptr_array_index (m->entries, k);
        const GpmTakeoutEntry *te = gpm_takeout_lookup (takeout, e->name);
        g_autoptr(GBytes) again = NULL;

        g_assert_nonnull (te);
        g_assert_cmpint (gpm_takeout_get_entry_size (takeout, te), ==, e->size);
        non_ascii += g_utf8_strlen (e->name, -1) != (glong) strlen (e->name);
        if (!gpm_takeout_gen_entry_is_delivered (m, e))
          continue;
        g_assert_nonnull (g_hash_table_lookup (l->json, e->name));
        again = gpm_takeout_read_entry (takeout, e->name, 0, NULL, &error);
        g_assert_no_error (error);
      }
    g_assert_cmpuint (non_ascii, >, 5);
  }
  check_media_resolution (m);

  /* Without the sidecars, each photo that is where its post says is found
   * by that path. */
  for (guint k = 0; k < m->entries->len; k++)
    {
      GpmGenEntry *e = g_ptr_array_index (m->entries, k);

      if (e->type == GPM_GEN_FILE_METADATA)
        {
          g_autofree char *nfd = g_utf8_normalize (e->name, -1, G_NORMALIZE_NFD);
          g_autofree char *path = g_build_filename (dir, nfd, NULL);
          g_assert_cmpint (g_remove (path), ==, 0);
        }
    }
  {
    g_autoptr(GpmTakeout) takeout = NULL;
    g_autoptr(Loaded) l = load_paths (m->paths, 0, &takeout);

    for (guint k = 0; k < m->entries->len; k++)
      {
        GpmGenEntry *e = g_ptr_array_index (m->entries, k);

        for (guint j = 0; e->media_refs != NULL && j < e->media_refs->len; j++)
          {
            GpmGenMediaRef *ref = g_ptr_array_index (e->media_refs, j);
            const GpmTakeoutEntry *found;
            g_autofree char *found_name = NULL;

            if (ref->quirk != NULL || ref->expected == NULL || ref->link || ref->local_file_path == NULL)
              continue;
            found = gpm_takeout_find_media (takeout, e->name, ref->local_file_path, ref->url);
            found_name = found ? gpm_takeout_dup_entry_name (takeout, found) : NULL;
            g_assert_cmpstr (found_name, ==, ref->expected);
            plain++;
            plain_non_ascii += g_utf8_strlen (ref->local_file_path, -1) != (glong) strlen (ref->local_file_path);
          }
      }
  }
  g_assert_cmpuint (plain, >=, 3);
  g_assert_cmpuint (plain_non_ascii, >=, 1);
}

/* A takeout of a community's owner or moderator has the Google+
 * Communities export beside the Stream: the community's posts, whoever
 * wrote them, one JSON file each like the Stream's
 * ("Takeout/Google+ Communities/NAME/Posts/", FiXato/Plexodus-Tools,
 * bin/get_all_public_post_urls.sh; Members.vcf beside them,
 * codekaar/google-plus-migration, Migration.php). Such a post was read as
 * the user's own, and selected with the community (essentially public):
 * somebody else's post reposted under the user's name. It is left out,
 * and said. */
static void
test_communities_export (void)
{
  static const char *mine =
    "{\"creationTime\": \"2018-01-01 10:00:00+0000\", \"author\": {\"displayName\": \"Me\", \"resourceName\": \"users/1\"},"
    " \"content\": \"mine\", \"resourceName\": \"users/1/posts/a\","
    " \"postAcl\": {\"communityAcl\": {\"community\": {\"resourceName\": \"communities/77\", \"displayName\": \"Linux Users\"}}}}";
  static const char *theirs =
    "{\"creationTime\": \"2018-01-02 10:00:00+0000\", \"author\": {\"displayName\": \"Somebody Else\", \"resourceName\": \"users/999\"},"
    " \"content\": \"theirs\", \"resourceName\": \"users/999/posts/b\","
    " \"media\": {\"url\": \"https://lh3.googleusercontent.com/x/y/sunset.jpg\", \"contentType\": \"image/*\", \"localFilePath\": \"sunset.jpg\"},"
    " \"postAcl\": {\"communityAcl\": {\"community\": {\"resourceName\": \"communities/77\", \"displayName\": \"Linux Users\"}}, \"isPublic\": true}}";
  g_autofree char *root = g_build_filename (tmp_root, "communities", NULL);
  g_autofree char *stream = g_build_filename (root, "Takeout", "Google+ Stream", "Posts", NULL);
  g_autofree char *community = g_build_filename (root, "Takeout", "Google+ Communities", "Linux Users", NULL);
  g_autofree char *community_posts = g_build_filename (community, "Posts", NULL);
  g_autofree char *mine_path = g_build_filename (stream, "20180101 - mine.json", NULL);
  g_autofree char *theirs_path = g_build_filename (community_posts, "20180102 - theirs.json", NULL);
  g_autofree char *members = g_build_filename (community, "Members.vcf", NULL);
  /* The same export under another language's name (its folder names are
   * translated as the Stream's are: "Stream do Google+" in Portuguese,
   * ricbit/Oldies, 2019-02-gplus/gplus.py): only its author tells. */
  g_autofree char *other_posts = g_build_filename (root, "Takeout", "Comunidades do Google+", "Linux", "Posts", NULL);
  g_autofree char *other_path = g_build_filename (other_posts, "20180103 - outro.json", NULL);
  const char *paths[] = { root, NULL };
  g_autoptr(GpmImport) import = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *posts;

  g_assert_cmpint (g_mkdir_with_parents (stream, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (community_posts, 0755), ==, 0);
  g_assert_true (g_file_set_contents (mine_path, mine, -1, NULL));
  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *name = g_strdup_printf ("20180101 - mine(%u).json", k + 1);
      g_autofree char *path = g_build_filename (stream, name, NULL);
      g_autofree char *json = g_strdup (mine);

      json[strstr (json, "posts/a") - json + 6] = 'b' + k;   /* another resourceName */
      g_assert_true (g_file_set_contents (path, json, -1, NULL));
    }
  g_assert_cmpint (g_mkdir_with_parents (other_posts, 0755), ==, 0);
  g_assert_true (g_file_set_contents (other_path, theirs, -1, NULL));
  g_assert_true (g_file_set_contents (theirs_path, theirs, -1, NULL));
  g_assert_true (g_file_set_contents (members, "BEGIN:VCARD\r\nFN:Somebody Else\r\nEND:VCARD\r\n", -1, NULL));
  {
    /* their photo, which one of the user's posts names too (lost from the Stream) */
    g_autofree char *photo = g_build_filename (community_posts, "sunset.jpg", NULL);
    g_assert_true (g_file_set_contents (photo, "not read", -1, NULL));
  }

  import = gpm_import_new (paths);
  g_assert_true (gpm_import_run (import, NULL, &error));
  g_assert_no_error (error);
  posts = gpm_import_get_posts (import);
  g_assert_cmpuint (posts->len, ==, 4);
  g_assert_true (has_problem_about (gpm_import_get_problems (import),
                                    "Takeout/Google+ Communities/Linux Users/Posts/20180102 - theirs.json",
                                    "Google+ Communities export"));
  g_assert_true (has_problem_about (gpm_import_get_problems (import),
                                    "Takeout/Comunidades do Google+/Linux/Posts/20180103 - outro.json",
                                    "written by somebody else (Somebody Else)"));
  /* Somebody else's photo is never a post's by its name alone */
  g_assert_null (gpm_takeout_find_media (gpm_import_get_takeout (import), "Takeout/Google+ Stream/Posts/20180101 - mine.json",
                                         "sunset.jpg", "https://lh3.googleusercontent.com/m/n/sunset.jpg"));
  for (guint k = 0; k < posts->len; k++)
    if (strstr (gpm_post_get_entry_name (g_ptr_array_index (posts, k)), "mine") != NULL)
      g_assert_false (has_problem_about (gpm_import_get_problems (import),
                                         gpm_post_get_entry_name (g_ptr_array_index (posts, k)), "somebody else"));

  /* The same from a file list (`find Takeout -name '*.json' | gplus-migrate-cli scopes`) */
  {
    const char *files[] = { mine_path, theirs_path, NULL };
    g_autoptr(GpmImport) listed = gpm_import_new_for_file_list (files);

    g_assert_true (gpm_import_run (listed, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (gpm_import_get_posts (listed)->len, ==, 1);
    g_assert_true (has_problem_about (gpm_import_get_problems (listed), theirs_path, "Google+ Communities export"));
  }
}

/* Profile and scrapbook (cover) photos: the post names
 * "../Photos/Profile photos/photo.jpg", the takeout has it in
 * "Photos/Miscellaneous Photos/Profile photos/" (FiXato/Plexodus-Tools,
 * plexodus-tools.jq, get_all_resource_urls_and_local_filepaths). With
 * another "photo.jpg" in the takeout and no sidecar, nothing found it. */
static void
test_misc_photos (void)
{
  static const char *post =
    "{\"creationTime\": \"2016-03-01 10:00:00+0000\", \"author\": {\"resourceName\": \"users/1\"},"
    " \"resourceName\": \"users/1/posts/p\", \"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}},"
    " \"album\": {\"media\": [{\"url\": \"https://lh3.googleusercontent.com/-a/b/c/photo.jpg\", \"contentType\": \"image/*\","
    "   \"localFilePath\": \"../Photos/Profile photos/photo.jpg\"},"
    "  {\"url\": \"https://lh3.googleusercontent.com/-d/e/f/cover.jpg\", \"contentType\": \"image/*\","
    "   \"localFilePath\": \"../Photos/Scrapbook photos/cover.jpg\"}]}}";
  static const char * const files[] = {
    "Takeout/Google+ Stream/Posts/20160301 - Post.json",
    "Takeout/Google+ Stream/Photos/Miscellaneous Photos/Profile photos/photo.jpg",
    "Takeout/Google+ Stream/Photos/Miscellaneous Photos/Scrapbook photos/cover.jpg",
    "Takeout/Google+ Stream/Photos/Photos from posts/2015-01-01/photo.jpg",   /* another photo.jpg */
    "Takeout/Google+ Stream/Photos/Photos from posts/2015-01-01/cover.jpg",   /* another cover.jpg */
  };
  g_autofree char *root = g_build_filename (tmp_root, "misc-photos", NULL);
  const char *paths[] = { root, NULL };
  g_autoptr(GpmImport) import = NULL;
  g_autoptr(GError) error = NULL;
  GpmTakeout *takeout;
  const GpmTakeoutEntry *found;
  g_autofree char *profile = NULL;
  g_autofree char *cover = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (files); k++)
    {
      g_autofree char *path = g_build_filename (root, files[k], NULL);
      g_autofree char *dir = g_path_get_dirname (path);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_assert_true (g_file_set_contents (path, k == 0 ? post : "not read", -1, NULL));
    }
  import = gpm_import_new (paths);
  g_assert_true (gpm_import_run (import, NULL, &error));
  g_assert_no_error (error);
  takeout = gpm_import_get_takeout (import);

  found = gpm_takeout_find_media (takeout, files[0], "../Photos/Profile photos/photo.jpg",
                                  "https://lh3.googleusercontent.com/-a/b/c/photo.jpg");
  profile = found ? gpm_takeout_dup_entry_name (takeout, found) : NULL;
  g_assert_cmpstr (profile, ==, files[1]);
  found = gpm_takeout_find_media (takeout, files[0], "../Photos/Scrapbook photos/cover.jpg",
                                  "https://lh3.googleusercontent.com/-d/e/f/cover.jpg");
  cover = found ? gpm_takeout_dup_entry_name (takeout, found) : NULL;
  g_assert_cmpstr (cover, ==, files[2]);
  /* Other folders are not guessed */
  g_assert_null (gpm_takeout_find_media (takeout, files[0], "../Photos/Album photos/photo.jpg", NULL));
}

static void
test_cancel (void)
{
  GpmGenManifest *m = manifests[GPM_GEN_FORM_ZIP];
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTakeout) takeout = NULL;
  const char *one[2] = { g_ptr_array_index (m->paths, 0), NULL };

  takeout = gpm_takeout_new (one, &error);
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_false (gpm_takeout_load (takeout, NULL, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The CLI's file list on stdin: loose post files through the import's
 * threads and batches, posts and problems in the list's order, every file
 * that is no post reported (each was named), max-json-size applied. */
static void
count_added (GpmImport *import,
             GPtrArray *posts,
             gpointer   user_data)
{
  *(guint *) user_data += posts->len;
}

static void
file_list_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gpm_import_run_finish (GPM_IMPORT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_file_list (void)
{
  GpmGenManifest *m = manifests[GPM_GEN_FORM_FOLDER];
  const char *root = g_ptr_array_index (m->paths, 0);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) place = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) problem_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *missing = g_build_filename (tmp_root, "no-such-post.json", NULL);
  g_autoptr(GpmImport) import = NULL;
  GPtrArray *posts, *problems;
  guint n_good = 0, n_bad = 0, n_added = 0, too_large = 0, last = 0;
  gboolean done = FALSE;

  /* Every JSON file of the folder, last name first; then two that cannot be read. */
  for (guint k = m->entries->len; k-- > 0;)
    {
      GpmGenEntry *e = g_ptr_array_index (m->entries, k);

      if (!g_str_has_suffix (e->name, ".json"))
        continue;
      g_ptr_array_add (files, g_build_filename (root, e->name, NULL));
      if (e->bad == GPM_GEN_BAD_NONE)
        n_good++;
      else
        n_bad++;
    }
  g_ptr_array_add (files, g_strdup (missing));
  g_ptr_array_add (files, g_strdup (root));  /* a folder */
  for (guint k = 0; k < files->len; k++)
    g_hash_table_insert (place, files->pdata[k], GUINT_TO_POINTER (k + 1));
  g_ptr_array_add (files, NULL);
  g_assert_cmpuint (n_bad, >=, 6);

  import = gpm_import_new_for_file_list ((const char * const *) files->pdata);
  gpm_import_set_max_json_size (import, m->json_limit);
  g_signal_connect (import, "posts-added", G_CALLBACK (count_added), &n_added);
  gpm_import_run_async (import, NULL, file_list_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_null (gpm_import_get_takeout (import));
  posts = gpm_import_get_posts (import);
  g_assert_cmpuint (posts->len, ==, n_good);
  g_assert_cmpuint (n_added, ==, n_good);
  g_assert_cmpuint (gpm_import_get_n_posts (import), ==, n_good);
  g_assert_cmpfloat (gpm_import_get_fraction (import), ==, 1.0);
  for (guint k = 0; k < posts->len; k++)
    {
      GpmPost *post = g_ptr_array_index (posts, k);
      guint at = GPOINTER_TO_UINT (g_hash_table_lookup (place, gpm_post_get_entry_name (post)));

      g_assert_cmpuint (at, >, last);   /* the list's order */
      last = at;
    }

  problems = gpm_import_get_problems (import);
  last = 0;
  for (guint k = 0; k < problems->len; k++)
    {
      GpmProblem *p = g_ptr_array_index (problems, k);
      guint at = GPOINTER_TO_UINT (g_hash_table_lookup (place, p->name));

      g_assert_cmpuint (at, >=, last);
      last = at;
      g_hash_table_add (problem_names, p->name);
      if (strstr (p->message, "too large") != NULL)
        too_large++;
    }
  /* Each bad file (not-a-post ones too), the missing one, the folder. */
  for (guint k = 0; files->pdata[k] != NULL; k++)
    if (!g_hash_table_contains (problem_names, files->pdata[k]))
      {
        gboolean is_post = FALSE;

        for (guint j = 0; j < posts->len && !is_post; j++)
          is_post = g_str_equal (gpm_post_get_entry_name (g_ptr_array_index (posts, j)), files->pdata[k]);
        g_assert_true (is_post);
      }
  g_assert_true (g_hash_table_contains (problem_names, missing));
  g_assert_true (g_hash_table_contains (problem_names, root));
  g_assert_cmpuint (too_large, ==, 1);
  g_assert_cmpuint (gpm_scope_index_get_posts (gpm_import_get_index (import))->len, ==, n_good);

  /* Under a smaller limit, more files are too large, and said so. */
  {
    g_autoptr(GpmImport) small = gpm_import_new_for_file_list ((const char * const *) files->pdata);
    g_autoptr(GError) error = NULL;
    guint n_over = 0;

    gpm_import_set_max_json_size (small, 1500);
    g_assert_true (gpm_import_run (small, NULL, &error));
    g_assert_no_error (error);
    for (guint k = 0; k < gpm_import_get_problems (small)->len; k++)
      {
        GpmProblem *p = g_ptr_array_index (gpm_import_get_problems (small), k);
        n_over += strstr (p->message, "too large") != NULL;
      }
    g_assert_cmpuint (n_over, >, 1);
    g_assert_cmpuint (gpm_import_get_posts (small)->len, <, n_good);
  }
}

/* Reading wrote nothing: no escaped or absolute file appeared, and the
 * temporary tree has exactly the files the generator and tests made. A
 * symbolic link is one entry, never followed: /takeout/folder-links leaves
 * links/Takeout/Posts/loop (→ ..), and following it counted the posts again
 * at every level down to where the kernel's path lookup gave up (ELOOP after
 * 40 links), a depth that is not the tree's: a run once stopped 12 levels
 * (36 entries) earlier in the first count than in the second. */
static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gboolean subdir = !g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
                        g_file_test (path, G_FILE_TEST_IS_DIR);

      n += subdir ? count_files (path) : 1;
    }
  return n;
}

static void
test_nothing_written (void)
{
  g_autofree char *parent = g_path_get_dirname (tmp_root);
  g_autofree char *escaped = g_build_filename (parent, "gpm-escaped.json", NULL);
  guint before = count_files (tmp_root);

  for (GpmGenForm form = GPM_GEN_FORM_FOLDER; form <= GPM_GEN_FORM_TGZ; form++)
    {
      g_autoptr(GpmTakeout) takeout = NULL;
      g_autoptr(Loaded) l = load_paths (manifests[form]->paths, manifests[form]->json_limit, &takeout);
      g_assert_cmpuint (g_hash_table_size (l->json), >, 0);
      GPtrArray *entries = gpm_takeout_get_entries (takeout);

      for (guint k = 0; k < entries->len; k++)
        {
          g_autofree char *name = gpm_takeout_dup_entry_name (takeout, g_ptr_array_index (entries, k));
          g_autoptr(GInputStream) s = gpm_takeout_open_entry (takeout, name, NULL, NULL);
          g_assert_nonnull (s);
        }
    }
  g_assert_false (g_file_test ("/tmp/gpm-absolute.json", G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("gpm-escaped.json", G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (tmp_root), ==, before);
}

static void
rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
    }
  g_remove (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  GpmGenOptions o;
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmp_root = g_dir_make_tmp ("gpm-test-takeout-XXXXXX", &error);
  g_assert_no_error (error);

  gpm_takeout_gen_options_init (&o);
  o.seed = 7;
  o.n_posts = 60;
  o.media_bytes = 3 * 1024 * 1024;
  o.locale = "de";
  o.cp437_names = TRUE;
  o.quirks = TRUE;
  o.json_limit = 32 * 1024;
  for (GpmGenForm form = GPM_GEN_FORM_FOLDER; form <= GPM_GEN_FORM_TGZ; form++)
    {
      g_autofree char *dir = g_build_filename (tmp_root, gpm_takeout_gen_form_name (form), NULL);
      manifests[form] = gpm_takeout_gen_write (&o, form, dir, &error);
      g_assert_no_error (error);
    }
  {
    g_autofree char *dir = g_build_filename (tmp_root, "damaged", NULL);
    o.locale = "fr";
    o.damaged_parts = TRUE;
    o.bad_cases = FALSE;
    damaged = gpm_takeout_gen_write (&o, GPM_GEN_FORM_MULTI, dir, &error);
    g_assert_no_error (error);
  }

  g_test_add_func ("/takeout/folder", test_folder);
  g_test_add_func ("/takeout/zip", test_zip);
  g_test_add_func ("/takeout/multi", test_multi);
  g_test_add_func ("/takeout/tgz", test_tgz);
  g_test_add_func ("/takeout/reread", test_reread);
  g_test_add_func ("/takeout/folder-roots", test_folder_roots);
  g_test_add_func ("/takeout/cross-part-media", test_cross_part_media);
  g_test_add_func ("/takeout/media-resolution", test_media_resolution);
  g_test_add_func ("/takeout/media-namesakes", test_media_namesakes);
  g_test_add_func ("/takeout/image-check", test_image_check);
  g_test_add_func ("/takeout/image-check-jpeg-walk", test_image_check_jpeg_walk);
  g_test_add_func ("/takeout/missing-parts", test_missing_parts);
  g_test_add_func ("/takeout/open-entry", test_open_entry);
  g_test_add_func ("/takeout/zip-direct", test_zip_direct);
  g_test_add_func ("/takeout/zip-walk", test_zip_walk);
  g_test_add_func ("/takeout/zip-inflated-aside", test_zip_inflated_aside);
  g_test_add_func ("/takeout/damaged-parts", test_damaged_parts);
  g_test_add_func ("/takeout/truncated", test_truncated_zip);
  g_test_add_func ("/takeout/not-an-archive", test_not_an_archive);
  g_test_add_func ("/takeout/folder-links", test_folder_links);
  g_test_add_func ("/takeout/tar-names", test_tar_names);
  g_test_add_func ("/takeout/mojibake-names", test_mojibake_names);
  g_test_add_func ("/takeout/canonical-names", test_canonical_names);
  g_test_add_func ("/takeout/rezipped-names", test_rezipped_names);
  g_test_add_func ("/takeout/nfd-folder", test_nfd_folder);
  g_test_add_func ("/takeout/communities-export", test_communities_export);
  g_test_add_func ("/takeout/misc-photos", test_misc_photos);
  g_test_add_func ("/takeout/cancel", test_cancel);
  g_test_add_func ("/takeout/file-list", test_file_list);
  g_test_add_func ("/takeout/nothing-written", test_nothing_written);

  ret = g_test_run ();

  for (guint k = 0; k < G_N_ELEMENTS (manifests); k++)
    gpm_takeout_gen_manifest_free (manifests[k]);
  gpm_takeout_gen_manifest_free (damaged);
  rm_rf (tmp_root);
  g_free (tmp_root);
  return ret;
}
