/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-gen-write.c: writing the generated takeout (gpm-takeout-gen.c
 * builds its files) in each form: a zip, a multi-part set, a .tgz, an
 * extracted folder, damaged parts; the media's bytes made as they are
 * written; the manifest saved for the tests. */
#define G_LOG_DOMAIN "gpm-takeout-gen"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gpm-takeout-gen.h"
#include "gpm-takeout-gen-private.h"
#include "gpm-test-json.h"

#define MEDIA_CHUNK (1024 * 1024)

typedef struct {
  GpmGenForm      form;
  struct archive *a;
  char           *root;
  locale_t        utf8;
  locale_t        c;
  guchar         *chunk;
  gboolean        mojibake;  /* tgz: UTF-8 names read as Latin-1 and written as UTF-8 again */
  const char     *rezip;     /* zips: GpmGenOptions.rezip */
} Sink;

static gboolean
archive_fail (struct archive *a,
              const char     *what,
              GError        **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what,
               archive_error_string (a) ? archive_error_string (a) : "libarchive error");
  return FALSE;
}

static gboolean
sink_open (Sink        *s,
           GpmGenForm   form,
           const char  *path,
           GError     **error)
{
  s->form = form;
  if (form == GPM_GEN_FORM_FOLDER)
    {
      s->root = g_strdup (path);
      return TRUE;
    }

  s->a = archive_write_new ();
  if (form == GPM_GEN_FORM_TGZ)
    {
      archive_write_set_format_pax_restricted (s->a);
      archive_write_add_filter_gzip (s->a);
      archive_write_set_bytes_in_last_block (s->a, 1);
    }
  else
    {
      archive_write_set_format_zip (s->a);
      archive_write_set_bytes_per_block (s->a, 0);
    }
  if (archive_write_open_filename (s->a, path) != ARCHIVE_OK)
    return archive_fail (s->a, path, error);
  return TRUE;
}

/* A small real JPEG: every generated photo starts with it and goes on with
 * random bytes up to its size (decoders stop at the image's end), so the
 * photos pass the image checks a real takeout's pass. */
static GBytes *
jpeg_head (void)
{
  static GBytes *jpeg;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8, 8);
      g_autoptr(GError) error = NULL;
      char *buf = NULL;
      gsize len = 0;

      gdk_pixbuf_fill (pixbuf, 0x4a7ab0ff);
      if (!gdk_pixbuf_save_to_buffer (pixbuf, &buf, &len, "jpeg", &error, "quality", "50", NULL))
        g_error ("cannot make a JPEG: %s", error->message);
      jpeg = g_bytes_new_take (buf, len);
      g_once_init_leave (&once, 1);
    }
  return jpeg;
}

/* The next @n bytes of a media file into @s->chunk (@at: where in the file). */
static void
fill_media_chunk (Sink    *s,
                  GenFile *f,
                  guint64 *rng,
                  guint64  at,
                  gsize    n)
{
  for (gsize k = 0; k < n; k += 8)
    {
      guint64 v = _gpm_takeout_gen_rng_next (rng);
      memcpy (s->chunk + k, &v, 8);
    }
  if (at == 0 && !f->junk)
    {
      gsize len;
      const void *head = g_bytes_get_data (jpeg_head (), &len);
      memcpy (s->chunk, head, MIN (len, n));
    }
}

static gboolean
write_folder_file (Sink     *s,
                   GenFile  *f,
                   guint64  *rng,
                   GError  **error)
{
  /* "mac": the folder copied from a Mac's HFS+, its names in NFD */
  g_autofree char *nfd = g_strcmp0 (s->rezip, "mac") == 0 ? g_utf8_normalize (f->entry.name, -1, G_NORMALIZE_NFD) : NULL;
  g_autofree char *path = g_build_filename (s->root, nfd ? nfd : f->entry.name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  FILE *fp;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  fp = fopen (path, "wb");
  if (fp == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  if (f->data)
    {
      gsize len;
      const void *data = g_bytes_get_data (f->data, &len);
      if (len)
        fwrite (data, 1, len, fp);
    }
  else
    {
      for (guint64 left = f->entry.size; left > 0;)
        {
          gsize n = MIN (left, MEDIA_CHUNK);
          fill_media_chunk (s, f, rng, f->entry.size - left, n);
          fwrite (s->chunk, 1, n, fp);
          left -= n;
        }
    }
  if (fclose (fp) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: write failed", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sink_add (Sink     *s,
          GenFile  *f,
          GError  **error)
{
  guint64 rng = f->media_seed;
  struct archive_entry *ae;
  g_autofree char *converted = NULL;  /* the name as written, when not as it is */
  const char *written = f->raw_name ? f->raw_name : f->entry.name;
  locale_t old;
  int r;

  if (s->chunk == NULL)
    s->chunk = g_malloc (MEDIA_CHUNK + 8);

  if (s->form == GPM_GEN_FORM_FOLDER)
    return write_folder_file (s, f, &rng, error);

  f->offset = archive_filter_bytes (s->a, -1);

  if (s->mojibake)
    {
      /* What Part II of the seed warns about: names garbled in the .tgz */
      converted = g_convert (written, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
      written = converted;
      old = uselocale (s->utf8);
    }
  else if (f->entry.cp437 && s->form != GPM_GEN_FORM_TGZ)
    {
      converted = g_convert (written, -1, "CP437", "UTF-8", NULL, NULL, NULL);
      written = converted;
      old = uselocale (s->c);         /* no UTF-8 flag for this one */
    }
  else
    old = uselocale (s->utf8);

  /* Names as another zip tool writes them (GpmGenOptions.rezip) */
  if (s->rezip != NULL && s->form != GPM_GEN_FORM_TGZ && converted == NULL)
    {
      if (strcmp (s->rezip, "windows") == 0)
        converted = g_strdelimit (g_strdup (written), "/", '\\');
      else if (strcmp (s->rezip, "mac") == 0)
        converted = g_utf8_normalize (written, -1, G_NORMALIZE_NFD);
      if (converted != NULL)
        written = converted;
    }

  if (s->form != GPM_GEN_FORM_TGZ)
    {
      if (f->data == NULL)
        archive_write_zip_set_compression_store (s->a);
      else
        archive_write_zip_set_compression_deflate (s->a);
    }

  ae = archive_entry_new ();
  archive_entry_copy_pathname (ae, written);
  archive_entry_set_filetype (ae, AE_IFREG);
  archive_entry_set_perm (ae, 0644);
  archive_entry_set_size (ae, f->entry.size);
  archive_entry_set_mtime (ae, f->mtime, 0);
  r = archive_write_header (s->a, ae);
  archive_entry_free (ae);
  uselocale (old);
  if (r < ARCHIVE_WARN)
    return archive_fail (s->a, f->entry.name, error);

  if (f->data)
    {
      gsize len;
      const void *data = g_bytes_get_data (f->data, &len);
      if (len && archive_write_data (s->a, data, len) < 0)
        return archive_fail (s->a, f->entry.name, error);
    }
  else
    {
      for (guint64 left = f->entry.size; left > 0;)
        {
          gsize n = MIN (left, MEDIA_CHUNK);
          fill_media_chunk (s, f, &rng, f->entry.size - left, n);
          if (archive_write_data (s->a, s->chunk, n) < 0)
            return archive_fail (s->a, f->entry.name, error);
          left -= n;
        }
    }
  if (archive_write_finish_entry (s->a) < ARCHIVE_WARN)
    return archive_fail (s->a, f->entry.name, error);
  return TRUE;
}

static gboolean
sink_close (Sink    *s,
            GError **error)
{
  gboolean ok = TRUE;

  if (s->a)
    {
      if (archive_write_close (s->a) != ARCHIVE_OK)
        ok = archive_fail (s->a, "close", error);
      archive_write_free (s->a);
      s->a = NULL;
    }
  g_clear_pointer (&s->root, g_free);
  g_clear_pointer (&s->chunk, g_free);
  return ok;
}

static char *
part_path (const char *dir,
           guint       part,
           const char *ext)
{
  g_autofree char *base = g_strdup_printf ("takeout-20181025T123456Z-%03u.%s", part + 1, ext);
  return g_build_filename (dir, base, NULL);
}

/* Writes @files (all of one part) into a damaged zip at @path. */
static gboolean
write_damaged_part (GpmGenManifest *manifest,
                    Sink           *proto,
                    GPtrArray      *files,
                    const char     *path,
                    const char     *reason,
                    GError        **error)
{
  Sink s = { 0 };
  guint k = reason[0] == 't' ? files->len / 2 : 2;
  GpmGenDamage *d;

  s.utf8 = proto->utf8;
  s.c = proto->c;
  if (!sink_open (&s, GPM_GEN_FORM_ZIP, path, error))
    return FALSE;
  for (guint j = 0; j < files->len; j++)
    if (!sink_add (&s, g_ptr_array_index (files, j), error))
      return FALSE;
  if (!sink_close (&s, error))
    return FALSE;

  k = MIN (k, files->len - 1);
  if (reason[0] == 't')
    {
      GenFile *cut = g_ptr_array_index (files, k);
      if (truncate (path, cut->offset + 10) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
          return FALSE;
        }
    }
  else
    {
      GenFile *bad = g_ptr_array_index (files, k);
      int fd = open (path, O_WRONLY);
      if (fd < 0 || pwrite (fd, "JUNK", 4, bad->offset) != 4)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot damage", path);
          if (fd >= 0)
            close (fd);
          return FALSE;
        }
      close (fd);
    }
  for (guint j = k; j < files->len; j++)
    {
      GenFile *f = g_ptr_array_index (files, j);
      f->entry.bad = GPM_GEN_BAD_LOST;
      g_clear_pointer (&f->entry.scopes, g_ptr_array_unref);
    }

  d = g_new0 (GpmGenDamage, 1);
  d->path = g_strdup (path);
  d->reason = g_strdup (reason);
  g_ptr_array_add (manifest->damages, d);
  return TRUE;
}

GpmGenManifest *
gpm_takeout_gen_write (const GpmGenOptions *options,
                       GpmGenForm           form,
                       const char          *dir,
                       GError             **error)
{
  g_autoptr(GpmGenManifest) manifest = g_new0 (GpmGenManifest, 1);
  Model m = { 0 };
  Sink *sinks = NULL;
  guint n_sinks = 1;
  gboolean ok = TRUE;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
      return NULL;
    }

  manifest->form = form;
  manifest->paths = g_ptr_array_new_with_free_func (g_free);
  manifest->damages = g_ptr_array_new_with_free_func (_gpm_takeout_gen_damage_free);
  manifest->json_limit = options->bad_cases ? options->json_limit : 0;

  m.options = options;
  m.rng = options->seed * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D) + 1;
  m.name_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m.files = g_ptr_array_new_with_free_func (_gpm_takeout_gen_file_free);
  m.comment_photos = g_ptr_array_new_with_free_func (g_free);
  _gpm_takeout_gen_build_model (&m);

  if (form == GPM_GEN_FORM_MULTI)
    {
      n_sinks = MAX (2, options->n_parts);
      _gpm_takeout_gen_assign_parts (&m, n_sinks);
    }

  /* Unsafe names cannot exist in a folder. */
  if (form == GPM_GEN_FORM_FOLDER)
    for (guint k = m.files->len; k > 0; k--)
      {
        GenFile *f = g_ptr_array_index (m.files, k - 1);
        if (f->entry.bad == GPM_GEN_BAD_UNSAFE_DOTDOT || f->entry.bad == GPM_GEN_BAD_UNSAFE_ABSOLUTE)
          g_ptr_array_remove_index (m.files, k - 1);
      }

  sinks = g_new0 (Sink, n_sinks);
  for (guint p = 0; p < n_sinks && ok; p++)
    {
      char *path;

      if (form == GPM_GEN_FORM_FOLDER)
        path = g_strdup (dir);
      else
        path = part_path (dir, p, form == GPM_GEN_FORM_TGZ ? "tgz" : "zip");
      sinks[p].utf8 = newlocale (LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
      sinks[p].c = newlocale (LC_CTYPE_MASK, "C", (locale_t) 0);
      sinks[p].mojibake = options->quirks && form == GPM_GEN_FORM_TGZ;
      sinks[p].rezip = options->rezip;
      ok = sink_open (&sinks[p], form, path, error);
      g_ptr_array_add (manifest->paths, path);
    }

  for (guint k = 0; k < m.files->len && ok; k++)
    {
      GenFile *f = g_ptr_array_index (m.files, k);
      ok = sink_add (&sinks[f->entry.part], f, error);
    }
  for (guint p = 0; p < n_sinks; p++)
    {
      if (!sink_close (&sinks[p], ok ? error : NULL))
        ok = FALSE;
    }

  if (ok && form == GPM_GEN_FORM_MULTI && options->damaged_parts)
    {
      const char *reasons[] = { "truncated", "corrupt" };

      for (guint r = 0; r < G_N_ELEMENTS (reasons) && ok; r++)
        {
          g_autoptr(GPtrArray) files = g_ptr_array_new ();
          guint first = m.files->len;
          guint part = n_sinks + r;
          char *path = part_path (dir, part, "zip");

          for (guint i = 0; i < 4; i++)
            _gpm_takeout_gen_build_post (&m, options->n_posts + 1000 * (r + 1) + i * 5, GPM_GEN_BAD_NONE, NULL);
          for (guint k = first; k < m.files->len; k++)
            {
              GenFile *f = g_ptr_array_index (m.files, k);
              f->entry.part = part;
              g_ptr_array_add (files, f);
            }
          g_ptr_array_add (manifest->paths, path);
          ok = write_damaged_part (manifest, &sinks[0], files, path, reasons[r], error);
        }
      if (ok)
        {
          /* Not an archive at all, though named like one. */
          char *path = part_path (dir, n_sinks + 2, "zip");
          guchar junk[4096];
          GpmGenDamage *d;

          for (gsize k = 0; k < sizeof junk; k++)
            junk[k] = _gpm_takeout_gen_rng_next (&m.rng) & 0xff;
          memcpy (junk, "GARBAGE!", 8);
          ok = g_file_set_contents (path, (const char *) junk, sizeof junk, error);
          g_ptr_array_add (manifest->paths, path);
          d = g_new0 (GpmGenDamage, 1);
          d->path = g_strdup (path);
          d->reason = g_strdup ("not-an-archive");
          g_ptr_array_add (manifest->damages, d);
        }
    }

  for (guint p = 0; p < n_sinks; p++)
    {
      freelocale (sinks[p].utf8);
      freelocale (sinks[p].c);
    }
  g_free (sinks);
  g_hash_table_unref (m.name_counts);
  g_ptr_array_unref (m.comment_photos);

  /* Only the manifest entries remain: GenFile starts with GpmGenEntry. */
  manifest->entries = m.files;
  if (!ok)
    return NULL;
  return g_steal_pointer (&manifest);
}

void
gpm_takeout_gen_manifest_free (GpmGenManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_clear_pointer (&manifest->paths, g_ptr_array_unref);
  g_clear_pointer (&manifest->entries, g_ptr_array_unref);
  g_clear_pointer (&manifest->damages, g_ptr_array_unref);
  g_free (manifest);
}

static const char * const type_names[] = { "post", "media", "metadata", "other" };
static const char * const bad_names[] = {
  NULL, "malformed", "truncated", "no-acl", "empty", "not-a-post",
  "unsafe-dotdot", "unsafe-absolute", "too-large", "lost",
};

gboolean
gpm_takeout_gen_manifest_save (GpmGenManifest *manifest,
                               const char     *path,
                               GError        **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  gpm_test_json_member_string (b, "form", gpm_takeout_gen_form_name (manifest->form));
  gpm_test_json_member_int (b, "jsonLimit", manifest->json_limit);
  gpm_test_json_member_strings (b, "paths", manifest->paths);

  gpm_test_json_member_begin_array (b, "damagedParts");
  for (guint k = 0; k < manifest->damages->len; k++)
    {
      GpmGenDamage *d = g_ptr_array_index (manifest->damages, k);
      json_builder_begin_object (b);
      gpm_test_json_member_string (b, "path", d->path);
      gpm_test_json_member_string (b, "reason", d->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  gpm_test_json_member_begin_array (b, "entries");
  for (guint k = 0; k < manifest->entries->len; k++)
    {
      GpmGenEntry *e = g_ptr_array_index (manifest->entries, k);

      json_builder_begin_object (b);
      gpm_test_json_member_string (b, "name", e->name);
      gpm_test_json_member_string (b, "type", type_names[e->type]);
      gpm_test_json_member_int (b, "part", e->part);
      gpm_test_json_member_int (b, "size", e->size);
      gpm_test_json_member_boolean (b, "delivered", gpm_takeout_gen_entry_is_delivered (manifest, e));
      if (e->cp437 && manifest->form != GPM_GEN_FORM_TGZ && manifest->form != GPM_GEN_FORM_FOLDER)
        {
          gpm_test_json_member_boolean (b, "cp437", TRUE);
        }
      if (e->bad != GPM_GEN_BAD_NONE)
        {
          gpm_test_json_member_string (b, "bad", bad_names[e->bad]);
          gpm_test_json_member_string (b, "reason", gpm_takeout_gen_bad_reason (e->bad));
        }
      if (e->post)
        {
          gpm_test_json_member_string (b, "post", e->post);
        }
      if (e->media && e->media->len)
        {
          gpm_test_json_member_strings (b, "media", e->media);
        }
      if (e->others)
        {
          gpm_test_json_member_boolean (b, "others", TRUE);
        }
      if (e->media_refs && e->media_refs->len)
        {
          gpm_test_json_member_begin_array (b, "mediaRefs");
          for (guint j = 0; j < e->media_refs->len; j++)
            {
              GpmGenMediaRef *r = g_ptr_array_index (e->media_refs, j);
              json_builder_begin_object (b);
              gpm_test_json_member_string_or_null (b, "localFilePath", r->local_file_path);
              if (r->bad_photo || r->link)
                gpm_test_json_member_boolean (b, r->link ? "link" : "badPhoto", TRUE);
              gpm_test_json_member_string (b, "url", r->url);
              gpm_test_json_member_string_or_null (b, "expected", r->expected);
              if (r->quirk)
                {
                  gpm_test_json_member_string (b, "quirk", r->quirk);
                }
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      if (e->scopes)
        {
          gpm_test_json_member_begin_array (b, "scopes");
          for (guint j = 0; j < e->scopes->len; j++)
            {
              GpmGenScope *s = g_ptr_array_index (e->scopes, j);
              json_builder_begin_object (b);
              gpm_test_json_member_string (b, "kind", s->kind);
              gpm_test_json_member_string_or_null (b, "id", s->id);
              gpm_test_json_member_string_or_null (b, "name", s->name);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  json = _gpm_takeout_gen_json_to_string (b);
  return g_file_set_contents (path, json, -1, error);
}
