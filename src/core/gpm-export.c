/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-export"

#include "config.h"

#include "gpm-export.h"
#include "gpm-util.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "gpm-comments.h"
#include "gpm-problem.h"

G_DEFINE_QUARK (gpm-export-error-quark, gpm_export_error)

/* ---- names ---------------------------------------------------------------- */

/* The post's text, without markup, on one line. */
static char *
content_text (GpmPost *post)
{
  return gpm_convert_html_to_plain (gpm_post_get_content (post), 0);
}

/* The first words of the post's text, for the index: 80 characters, then
 * "…". */
static char *
post_title (GpmPost *post)
{
  g_autofree char *text = gpm_convert_html_to_plain (gpm_post_get_content (post), 81);

  if (*text == '\0')
    return g_strdup (_("(no text)"));
  if (g_utf8_strlen (text, -1) > 80)
    {
      *g_utf8_offset_to_pointer (text, 80) = '\0';
      return g_strconcat (text, "…", NULL);
    }
  return g_steal_pointer (&text);
}

char *
gpm_export_dup_base_name (GpmPost *post)
{
  GDateTime *date = gpm_post_get_creation_time (post);
  g_autofree char *text = content_text (post);
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  g_autoptr(GString) slug = g_string_new (NULL);
  g_autofree char *day = date ? g_date_time_format (date, "%Y-%m-%d") : g_strdup ("undated");
  const char *p = ascii;

  /* Whole words, "let's" as one, up to 8 words or 50 characters. */
  for (guint words = 0; *p && words < 8;)
    {
      g_autoptr(GString) word = g_string_new (NULL);
      while (*p && !g_ascii_isalnum (*p))
        p++;
      while (*p && (g_ascii_isalnum (*p) || (*p == '\'' && g_ascii_isalnum (p[1]))))
        {
          if (*p != '\'')
            g_string_append_c (word, g_ascii_tolower (*p));
          p++;
        }
      if (word->len == 0)
        break;
      if (slug->len > 0 && slug->len + 1 + word->len > 50)
        break;
      if (slug->len > 0)
        g_string_append_c (slug, '-');
      g_string_append_len (slug, word->str, MIN (word->len, 50));
      words++;
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);
  return g_strdup_printf ("%s-%s", day, slug->len ? slug->str : "post");
}

/* A media file's name in the export: the base name of its archive entry,
 * without anything that could leave the folder or hide the file. */
static char *
media_out_name (const char *entry)
{
  const char *base = strrchr (entry, '/');
  g_autofree char *name = g_strdup (base ? base + 1 : entry);
  for (char *p = name; *p; p++)
    if (*p == '\\' || *p == ':' || (guchar) *p < 0x20)
      *p = '_';
  while (name[0] == '.')
    name[0] = '_';
  if (name[0] == '\0')
    return g_strdup ("media");
  return g_steal_pointer (&name);
}

/* ---- YAML ----------------------------------------------------------------- */

/* A double-quoted YAML scalar (also a JSON string). */
static void
yaml_quote (GString *s, const char *v)
{
  g_string_append_c (s, '"');
  for (const char *p = v ? v : ""; *p; p++)
    {
      guchar c = *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", c);
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\x%02x", c);
      else if (c >= 0x80)
        {
          /* YAML's printable set leaves out the C1 controls (all but NEL),
           * U+FEFF, U+FFFE and U+FFFF: escaped (names from a .tgz whose
           * UTF-8 was read as Latin-1 are full of C1 controls). */
          gunichar u = g_utf8_get_char_validated (p, -1);
          const char *next;

          if (u == (gunichar) -1 || u == (gunichar) -2)
            {
              g_string_append (s, "\\ufffd");   /* not UTF-8: one byte */
              continue;
            }
          next = g_utf8_next_char (p);
          if ((u >= 0x80 && u <= 0x9f && u != 0x85) || u == 0xfeff || u == 0xfffe || u == 0xffff)
            g_string_append_printf (s, "\\u%04x", u);
          else
            g_string_append_len (s, p, next - p);
          p = next - 1;
        }
      else
        g_string_append_c (s, c);
    }
  g_string_append_c (s, '"');
}

static void
yaml_key_string (GString *s, const char *indent, const char *key, const char *v)
{
  g_string_append_printf (s, "%s%s: ", indent, key);
  yaml_quote (s, v);
  g_string_append_c (s, '\n');
}

/* A relative path in a Markdown link destination. */
static char *
md_path (const char *path)
{
  return g_uri_escape_string (path, "/", FALSE);
}

static void add_problem (GPtrArray *problems, const char *name, const char *message);

/* The user's own comments under the post's text, when asked for
 * (gpm-comments.h): each with its date line, in their order. */
static char *
append_own_comments (char                     *text,
                     GpmTakeout               *takeout,
                     GpmPost                  *post,
                     const GpmConvertSettings *settings,
                     GPtrArray                *problems)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  GString *s;

  if (gpm_post_get_n_comments (post) == 0)
    return text;
  if (takeout != NULL)
    own = gpm_comments_read_own (takeout, post, &error);
  else
    {
      /* posts named on standard input: the entry is the file's path */
      g_autofree char *json = NULL;
      gsize len = 0;

      if (g_file_get_contents (gpm_post_get_entry_name (post), &json, &len, &error))
        own = gpm_comments_parse_own (json, (gssize) len, &error);
    }
  if (own == NULL)
    {
      add_problem (problems, gpm_post_get_entry_name (post), error->message);
      return text;
    }
  texts = gpm_comments_convert (own, settings);
  if (texts->len == 0)
    return text;
  s = g_string_new (text);
  g_free (text);
  g_string_append_printf (s, "\n## %s\n", _("My comments"));
  for (guint i = 0; i < texts->len; i++)
    g_string_append_printf (s, "\n%s%s\n", i > 0 ? "* * *\n\n" : "", (const char *) g_ptr_array_index (texts, i));
  return g_string_free (s, FALSE);
}

/* Six decimals (about 10 cm), as sent to a pod, without trailing zeros:
 * never the binary noise of %.17g ("51.789200000000001"). */
static const char *
format_coordinate (char   buf[G_ASCII_DTOSTR_BUF_SIZE],
                   double value)
{
  char *end;

  g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.6f", value);
  end = buf + strlen (buf);
  while (end > buf && end[-1] == '0')
    *--end = '\0';
  if (end > buf && end[-1] == '.')
    *--end = '\0';
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");
  return buf;
}

static char *
front_matter_and_body (GpmPost                *post,
                       const GpmConvertResult *r,
                       const char             *title,
                       GPtrArray              *media_files,  /* char*, relative; NULL where not copied */
                       GPtrArray              *scope_lines)
{
  GString *s = g_string_new ("---\n");
  GDateTime *date = gpm_post_get_creation_time (post);
  const GpmLocation *loc = r->location;
  g_autofree char *url = gpm_post_dup_url (post);

  yaml_key_string (s, "", "title", title);
  if (date)
    {
      g_autofree char *iso = g_date_time_format (date, "%Y-%m-%dT%H:%M:%S%:z");
      yaml_key_string (s, "", "date", iso);
    }
  if (url != NULL)
    yaml_key_string (s, "", "url", url);
  if (gpm_post_get_resource_name (post))
    yaml_key_string (s, "", "resource_name", gpm_post_get_resource_name (post));
  g_string_append (s, "scopes:");
  if (scope_lines->len == 0)
    g_string_append (s, " []");
  g_string_append_c (s, '\n');
  for (guint i = 0; i < scope_lines->len; i++)
    g_string_append (s, g_ptr_array_index (scope_lines, i));
  if (loc)
    {
      g_string_append (s, "location:\n");
      if (loc->display_name)
        yaml_key_string (s, "  ", "name", loc->display_name);
      if (loc->physical_address)
        yaml_key_string (s, "  ", "address", loc->physical_address);
      if (loc->has_coordinates)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_printf (s, "  latitude: %s\n", format_coordinate (buf, loc->latitude));
          g_string_append_printf (s, "  longitude: %s\n", format_coordinate (buf, loc->longitude));
        }
    }
  if (r->poll && r->poll->choices->len > 0)
    {
      g_string_append (s, "poll:\n");
      for (guint i = 0; i < r->poll->choices->len; i++)
        {
          const GpmPollChoice *c = g_ptr_array_index (r->poll->choices, i);
          g_string_append (s, "  - ");
          yaml_quote (s, c->description);
          g_string_append_c (s, '\n');
        }
    }
  if (media_files->len > 0)
    {
      g_string_append (s, "media:\n");
      for (guint i = 0; i < media_files->len; i++)
        if (g_ptr_array_index (media_files, i))
          {
            g_string_append (s, "  - ");
            yaml_quote (s, g_ptr_array_index (media_files, i));
            g_string_append_c (s, '\n');
          }
    }
  if (r->too_long)
    g_string_append_printf (s, "too_long: true\n");
  g_string_append (s, "---\n\n");
  g_string_append (s, r->markdown);
  g_string_append_c (s, '\n');

  for (guint i = 0; i < media_files->len; i++)
    {
      const char *file = g_ptr_array_index (media_files, i);
      const GpmConvertMedia *m = g_ptr_array_index (r->media, i);
      g_autofree char *dest = NULL;
      if (file == NULL)
        continue;
      dest = md_path (file);
      if (m->kind == GPM_CONVERT_MEDIA_PHOTO)
        g_string_append_printf (s, "\n![](%s)\n", dest);
      else
        g_string_append_printf (s, "\n[%s](%s)\n", _("Video"), dest);
    }
  return g_string_free (s, FALSE);
}

static GPtrArray *
scope_yaml_lines (GpmPost *post)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *scopes = gpm_post_get_scopes (post);

  for (guint i = 0; i < scopes->len; i++)
    {
      const GpmScope *sc = g_ptr_array_index (scopes, i);
      GString *l = g_string_new ("  - kind: ");
      g_string_append (l, gpm_scope_kind_to_string (sc->kind));
      g_string_append_c (l, '\n');
      if (sc->id)
        yaml_key_string (l, "    ", "id", sc->id);
      if (sc->name)
        yaml_key_string (l, "    ", "name", sc->name);
      g_ptr_array_add (lines, g_string_free (l, FALSE));
    }
  return lines;
}

/* ---- files ---------------------------------------------------------------- */

/* Writes @contents to @path unless it holds exactly that already. */
static gboolean
write_if_changed (const char *path, const char *contents, gsize len, GError **error)
{
  g_autofree char *old = NULL;
  gsize old_len = 0;

  if (g_file_get_contents (path, &old, &old_len, NULL) && old_len == len && memcmp (old, contents, len) == 0)
    return TRUE;
  return g_file_set_contents (path, contents, len, error);
}

static gboolean
copy_entry (GpmTakeout   *takeout,
            const char   *entry,
            const char   *dest_path,
            GCancellable *cancellable,
            GError      **error)
{
  const GpmTakeoutEntry *e = gpm_takeout_lookup (takeout, entry);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  goffset size = e ? gpm_takeout_get_entry_size (takeout, e) : -1;
  GStatBuf st;

  /* Already there from an earlier run. */
  if (size >= 0 && g_stat (dest_path, &st) == 0 && (goffset) st.st_size == size)
    return TRUE;

  in = gpm_takeout_open_entry (takeout, entry, cancellable, error);
  if (in == NULL)
    return FALSE;
  out = g_file_replace (dest, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, error);
  if (out == NULL)
    return FALSE;
  if (g_output_stream_splice (G_OUTPUT_STREAM (out), in,
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              cancellable, error) < 0)
    return FALSE;
  return TRUE;
}

/* ---- manifest ------------------------------------------------------------- */

typedef struct {
  char *key;
  char *file;
  char *title;
  char *date;
  char *sha256;     /* of the .md as written; NULL from an older export */
  GStrv media;      /* the media files written for it, relative to the folder */
  gboolean written; /* by this run (in the selection) */
} ManifestPost;

static void
manifest_post_free (ManifestPost *m)
{
  g_free (m->key);
  g_free (m->file);
  g_free (m->title);
  g_free (m->date);
  g_free (m->sha256);
  g_strfreev (m->media);
  g_free (m);
}

typedef struct {
  GHashTable *by_key;   /* key → ManifestPost* (owned) */
  GHashTable *files;    /* file name → key (borrowed) */
} Manifest;

static void
manifest_clear (Manifest *m)
{
  g_clear_pointer (&m->files, g_hash_table_unref);
  g_clear_pointer (&m->by_key, g_hash_table_unref);
}

static void
manifest_put (Manifest *m, ManifestPost *p)
{
  g_hash_table_replace (m->by_key, p->key, p);
  g_hash_table_replace (m->files, p->file, p->key);
}

static gboolean
safe_file_name (const char *name)
{
  return name && *name && name[0] != '.' && strchr (name, '/') == NULL && strchr (name, '\\') == NULL
         && g_str_has_suffix (name, ".md");
}

static gboolean
manifest_load (Manifest *m, const char *dir, gboolean *found, GError **error)
{
  g_autofree char *path = g_build_filename (dir, GPM_EXPORT_MANIFEST, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *posts;

  m->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) manifest_post_free);
  m->files = g_hash_table_new (g_str_hash, g_str_equal);
  *found = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!*found)
    return TRUE;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, GPM_EXPORT_ERROR, GPM_EXPORT_ERROR_MANIFEST,
                   _("%s: unreadable (%s)"), path, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "posts")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "posts")))
    {
      g_set_error (error, GPM_EXPORT_ERROR, GPM_EXPORT_ERROR_MANIFEST,
                   _("%s: not a GPlus Migrate export record"), path);
      return FALSE;
    }
  posts = json_object_get_array_member (json_node_get_object (root), "posts");
  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonNode *n = json_array_get_element (posts, i);
      JsonObject *o;
      ManifestPost *p;
      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      o = json_node_get_object (n);
      if (!safe_file_name (json_object_get_string_member_with_default (o, "file", NULL))
          || json_object_get_string_member_with_default (o, "key", NULL) == NULL)
        continue;
      p = g_new0 (ManifestPost, 1);
      p->key = g_strdup (json_object_get_string_member (o, "key"));
      p->file = g_strdup (json_object_get_string_member (o, "file"));
      p->title = g_strdup (json_object_get_string_member_with_default (o, "title", ""));
      p->date = g_strdup (json_object_get_string_member_with_default (o, "date", ""));
      p->sha256 = g_strdup (json_object_get_string_member_with_default (o, "sha256", NULL));
      if (json_object_has_member (o, "media") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "media")))
        {
          JsonArray *media = json_object_get_array_member (o, "media");
          g_autoptr(GStrvBuilder) files = g_strv_builder_new ();

          for (guint j = 0; j < json_array_get_length (media); j++)
            {
              JsonNode *f = json_array_get_element (media, j);

              if (JSON_NODE_HOLDS_VALUE (f) && json_node_get_value_type (f) == G_TYPE_STRING)
                g_strv_builder_add (files, json_node_get_string (f));
            }
          p->media = g_strv_builder_end (files);
        }
      manifest_put (m, p);
    }
  return TRUE;
}

static int
manifest_post_cmp (gconstpointer a, gconstpointer b)
{
  const ManifestPost *pa = *(ManifestPost **) a, *pb = *(ManifestPost **) b;
  int c = strcmp (pa->date, pb->date);  /* the post's time, ISO 8601 */
  if (c == 0)
    c = strcmp (pa->file, pb->file);
  return c ? c : strcmp (pa->key, pb->key);
}

static gboolean
manifest_save_and_index (Manifest *m, const char *dir, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = g_build_filename (dir, GPM_EXPORT_MANIFEST, NULL);
  g_autofree char *index_path = g_build_filename (dir, "index.md", NULL);
  g_autoptr(GString) index = g_string_new (NULL);
  gsize len;

  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, m->by_key);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);
  g_ptr_array_sort (list, manifest_post_cmp);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "generator");
  json_builder_add_string_value (b, "gplus-migrate " PACKAGE_VERSION);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "posts");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      ManifestPost *p = g_ptr_array_index (list, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, p->key);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, p->file);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, p->title);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, p->date);
      if (p->sha256 != NULL)
        {
          json_builder_set_member_name (b, "sha256");
          json_builder_add_string_value (b, p->sha256);
        }
      json_builder_set_member_name (b, "media");
      json_builder_begin_array (b);
      for (guint j = 0; p->media != NULL && p->media[j] != NULL; j++)
        json_builder_add_string_value (b, p->media[j]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json = json_generator_to_data (gen, &len);
  if (!write_if_changed (path, json, len, error))
    return FALSE;

  g_string_append_printf (index, "# %s\n\n", _("Google+ posts"));
  for (guint i = 0; i < list->len; i++)
    {
      ManifestPost *p = g_ptr_array_index (list, i);
      g_autofree char *dest = md_path (p->file);
      g_autoptr(GString) title = g_string_new (NULL);
      /* The title is text in a link: escape what Markdown would read. */
      for (const char *c = p->title; *c; c++)
        {
          if (strchr ("\\`*_[]<>#~^&|", *c))
            g_string_append_c (title, '\\');
          g_string_append_c (title, *c);
        }
      g_string_append_printf (index, "- %.10s [%s](%s)\n", p->date, title->str, dest);
    }
  return write_if_changed (index_path, index->str, index->len, error);
}

/* ---- the export ------------------------------------------------------------ */

static gboolean
dir_is_empty (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  return d == NULL || g_dir_read_name (d) == NULL;
}

static const char *
post_key (GpmPost *post)
{
  const char *rn = gpm_post_get_resource_name (post);
  return rn && *rn ? rn : gpm_post_get_entry_name (post);
}

static char *
unique_base (Manifest *m, const char *dir, const char *base)
{
  for (guint n = 1; n < 100000; n++)
    {
      g_autofree char *candidate = n == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, n);
      g_autofree char *file = g_strconcat (candidate, ".md", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *media_dir = g_build_filename (dir, candidate, NULL);
      if (!g_hash_table_contains (m->files, file) && !g_file_test (path, G_FILE_TEST_EXISTS)
          && !g_file_test (media_dir, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

static void
add_problem (GPtrArray *problems, const char *name, const char *message)
{
  if (problems)
    g_ptr_array_add (problems, gpm_problem_new (name, message));
}

static gboolean
export_one (GpmTakeout               *takeout,
            GpmPost                  *post,
            const char               *dir,
            const GpmConvertSettings *settings,
            Manifest                 *m,
            GPtrArray                *problems,
            GCancellable             *cancellable,
            GError                  **error)
{
  const char *key = post_key (post);
  ManifestPost *known = key ? g_hash_table_lookup (m->by_key, key) : NULL;
  g_autoptr(GpmConvertResult) r = NULL;
  g_autoptr(GPtrArray) media_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) scope_lines = NULL;
  g_autoptr(GHashTable) used_media = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *base = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  ManifestPost *p;

  if (key == NULL)
    {
      add_problem (problems, "?", _("a post without a name was left out"));
      return TRUE;
    }

  if (known)
    base = g_strndup (known->file, strlen (known->file) - 3);
  else
    {
      g_autofree char *wanted = gpm_export_dup_base_name (post);
      base = unique_base (m, dir, wanted);
      if (base == NULL)
        {
          add_problem (problems, gpm_post_get_entry_name (post), _("no free file name for this post"));
          return TRUE;
        }
    }
  file = g_strconcat (base, ".md", NULL);
  path = g_build_filename (dir, file, NULL);

  r = gpm_convert_post (post, settings, takeout ? gpm_convert_takeout_resolver : NULL, takeout);
  for (guint i = 0; i < r->warnings->len; i++)
    add_problem (problems, gpm_post_get_entry_name (post), g_ptr_array_index (r->warnings, i));
  /* Nothing of the user's own (a warning says so): no file of footer only. */
  if (r->nothing_own)
    return TRUE;

  for (guint i = 0; i < r->media->len; i++)
    {
      const GpmConvertMedia *cm = g_ptr_array_index (r->media, i);
      g_autofree char *name = NULL;
      g_autofree char *rel = NULL;
      g_autofree char *media_dir = NULL;
      g_autofree char *dest = NULL;
      g_autoptr(GError) local_error = NULL;

      if (cm->entry == NULL || takeout == NULL)
        {
          g_ptr_array_add (media_files, NULL);
          continue;
        }
      name = media_out_name (cm->entry);
      if (g_hash_table_contains (used_media, name))
        {
          char *n2 = g_strdup_printf ("%u-%s", i + 1, name);
          g_free (name);
          name = n2;
        }
      media_dir = g_build_filename (dir, base, NULL);
      if (g_mkdir_with_parents (media_dir, 0755) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       _("%s: cannot create the folder (%s)"), media_dir, g_strerror (errno));
          return FALSE;
        }
      rel = g_strconcat (base, "/", name, NULL);
      dest = g_build_filename (dir, base, name, NULL);
      if (!copy_entry (takeout, cm->entry, dest, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          add_problem (problems, cm->entry, local_error->message);
          g_ptr_array_add (media_files, NULL);
          continue;
        }
      g_hash_table_add (used_media, g_strdup (name));
      g_ptr_array_add (media_files, g_steal_pointer (&rel));
    }

  title = post_title (post);
  scope_lines = scope_yaml_lines (post);
  text = front_matter_and_body (post, r, title, media_files, scope_lines);
  if (settings != NULL && settings->own_comments)
    text = append_own_comments (text, takeout, post, settings, problems);
  if (!write_if_changed (path, text, strlen (text), error))
    return FALSE;

  p = g_new0 (ManifestPost, 1);
  p->key = g_strdup (key);
  p->file = g_steal_pointer (&file);
  p->title = g_steal_pointer (&title);
  p->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  p->written = TRUE;
  {
    g_autoptr(GStrvBuilder) files = g_strv_builder_new ();

    for (guint i = 0; i < media_files->len; i++)
      if (g_ptr_array_index (media_files, i) != NULL)
        g_strv_builder_add (files, g_ptr_array_index (media_files, i));
    p->media = g_strv_builder_end (files);
  }
  p->date = gpm_post_get_creation_time (post)
            ? g_date_time_format (gpm_post_get_creation_time (post), "%Y-%m-%dT%H:%M:%S%:z")
            : g_strdup ("");
  if (known)
    g_hash_table_remove (m->files, known->file);
  manifest_put (m, p);
  return TRUE;
}

/* Removes what an earlier run wrote for the posts this run did not write:
 * their .md (when it is still as written; a file changed since is kept and
 * reported), their media and media folder, their manifest record. */
static void
remove_unselected (Manifest   *m,
                   const char *dir,
                   GPtrArray  *problems)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, m->by_key);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!((ManifestPost *) value)->written)
      g_ptr_array_add (gone, value);

  for (guint i = 0; i < gone->len; i++)
    {
      ManifestPost *p = g_ptr_array_index (gone, i);
      g_autofree char *path = g_build_filename (dir, p->file, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *sha = NULL;
      g_autofree char *base = g_strndup (p->file, strlen (p->file) - 3);
      g_autofree char *media_dir = g_build_filename (dir, base, NULL);
      gsize len = 0;

      if (g_file_get_contents (path, &contents, &len, NULL))
        sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
      if (contents != NULL && (p->sha256 == NULL || g_strcmp0 (sha, p->sha256) != 0))
        add_problem (problems, p->file,
                     _("not selected any more, but changed since it was exported: kept in the folder, left out of index.md"));
      else
        {
          g_remove (path);
          for (guint j = 0; p->media != NULL && p->media[j] != NULL; j++)
            {
              g_autofree char *media = g_build_filename (dir, p->media[j], NULL);

              /* Only files inside the post's own media folder. */
              if (g_str_has_prefix (p->media[j], base) && p->media[j][strlen (base)] == '/'
                  && strstr (p->media[j], "..") == NULL)
                g_remove (media);
            }
          g_rmdir (media_dir);  /* when empty */
        }
      g_hash_table_remove (m->files, p->file);
      g_hash_table_remove (m->by_key, p->key);
    }
}

gboolean
gpm_export_posts (GpmTakeout                *takeout,
                  GPtrArray                 *posts,
                  const char                *dir,
                  const GpmConvertSettings  *settings,
                  GpmExportProgressFunc      progress,
                  gpointer                   progress_data,
                  GPtrArray                 *problems,
                  GCancellable              *cancellable,
                  GError                   **error)
{
  Manifest m = { 0 };
  gboolean found = FALSE;
  gboolean ok = TRUE;

  g_return_val_if_fail (takeout == NULL || GPM_IS_TAKEOUT (takeout), FALSE);
  g_return_val_if_fail (posts != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (g_file_test (dir, G_FILE_TEST_EXISTS) && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, _("%s: not a folder"), dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("%s: cannot create the folder (%s)"), dir, g_strerror (errno));
      return FALSE;
    }
  if (!manifest_load (&m, dir, &found, error))
    {
      manifest_clear (&m);
      return FALSE;
    }
  if (!found && !dir_is_empty (dir))
    {
      g_set_error (error, GPM_EXPORT_ERROR, GPM_EXPORT_ERROR_NOT_EMPTY,
                   _("%s: the folder is not empty and holds no earlier export; choose an empty folder"), dir);
      manifest_clear (&m);
      return FALSE;
    }

  for (guint i = 0; i < posts->len && ok; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      ok = export_one (takeout, post, dir, settings, &m, problems, cancellable, error);
      if (ok && progress)
        progress (i + 1, posts->len, gpm_post_get_entry_name (post), progress_data);
    }
  /* The folder is the selection: what an earlier run wrote for posts not
   * selected now goes (index.md lists only the selection). */
  if (ok)
    remove_unselected (&m, dir, problems);
  /* Record what was written, even when stopped half-way. */
  if (ok)
    ok = manifest_save_and_index (&m, dir, error);
  else
    manifest_save_and_index (&m, dir, NULL);
  manifest_clear (&m);
  return ok;
}

/* ---- async ---------------------------------------------------------------- */

typedef struct {
  GpmTakeout            *takeout;
  GPtrArray             *posts;
  char                  *dir;
  GpmConvertSettings    *settings;
  GpmExportProgressFunc  progress;
  gpointer               progress_data;
  GMainContext          *context;
  GPtrArray             *problems;
} ExportData;

static void
export_data_free (ExportData *d)
{
  g_clear_object (&d->takeout);
  g_ptr_array_unref (d->posts);
  g_free (d->dir);
  gpm_convert_settings_free (d->settings);
  g_main_context_unref (d->context);
  g_ptr_array_unref (d->problems);
  g_free (d);
}

typedef struct {
  GpmExportProgressFunc progress;
  gpointer              data;
  guint                 done;
  guint                 total;
  char                 *entry;
} ProgressCall;

static gboolean
progress_call_run (gpointer user_data)
{
  ProgressCall *c = user_data;
  c->progress (c->done, c->total, c->entry, c->data);
  return G_SOURCE_REMOVE;
}

static void
progress_call_free (gpointer user_data)
{
  ProgressCall *c = user_data;
  g_free (c->entry);
  g_free (c);
}

static void
thread_progress (guint done, guint total, const char *entry, gpointer user_data)
{
  ExportData *d = user_data;
  ProgressCall *c = g_new0 (ProgressCall, 1);

  c->progress = d->progress;
  c->data = d->progress_data;
  c->done = done;
  c->total = total;
  c->entry = g_strdup (entry);
  gpm_main_context_post (d->context, G_PRIORITY_DEFAULT, "[gpm-export] progress",
                         progress_call_run, c, progress_call_free);
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportData *d = task_data;
  GError *error = NULL;

  if (gpm_export_posts (d->takeout, d->posts, d->dir, d->settings,
                        d->progress ? thread_progress : NULL, d,
                        d->problems, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
gpm_export_posts_async (GpmTakeout                *takeout,
                        GPtrArray                 *posts,
                        const char                *dir,
                        const GpmConvertSettings  *settings,
                        GpmExportProgressFunc      progress,
                        gpointer                   progress_data,
                        GCancellable              *cancellable,
                        GAsyncReadyCallback        callback,
                        gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *d;

  g_return_if_fail (takeout == NULL || GPM_IS_TAKEOUT (takeout));
  g_return_if_fail (posts != NULL);
  g_return_if_fail (dir != NULL);

  d = g_new0 (ExportData, 1);
  d->takeout = takeout ? g_object_ref (takeout) : NULL;
  d->posts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < posts->len; i++)
    g_ptr_array_add (d->posts, g_object_ref (g_ptr_array_index (posts, i)));
  d->dir = g_strdup (dir);
  d->settings = settings ? gpm_convert_settings_copy (settings) : gpm_convert_settings_new ();
  d->progress = progress;
  d->progress_data = progress_data;
  d->context = g_main_context_ref_thread_default ();
  d->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);

  gpm_convert_init ();
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_export_posts_async);
  g_task_set_task_data (task, d, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
gpm_export_posts_finish (GAsyncResult  *result,
                         GPtrArray    **problems,
                         GError       **error)
{
  GTask *task = G_TASK (result);
  ExportData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (task) == gpm_export_posts_async, FALSE);

  d = g_task_get_task_data (task);
  if (problems)
    *problems = g_ptr_array_ref (d->problems);
  return g_task_propagate_boolean (task, error);
}
