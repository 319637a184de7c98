/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-gen.c: the generator's content model: the posts, their
 * audiences, media, comments and the odd and broken cases of a real
 * takeout, built from the seed as a list of files (GenFile) with the
 * manifest the tests check against. Writing them as a zip, multi-part set,
 * .tgz or folder is gpm-takeout-gen-write.c's. */
#define G_LOG_DOMAIN "gpm-takeout-gen"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "gpm-takeout-gen.h"
#include "gpm-takeout-gen-private.h"
#include "gpm-test-json.h"

#define OWNER_ID   "117832126248716550930"
#define OWNER_NAME "Gen Tester"

static const char *
base_name_of_path (const char *name)
{
  const char *slash = strrchr (name, '/');
  return slash ? slash + 1 : name;
}

guint64
_gpm_takeout_gen_rng_next (guint64 *state)
{
  /* splitmix64 */
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static guint
rng_below (guint64 *state,
           guint    n)
{
  return n ? _gpm_takeout_gen_rng_next (state) % n : 0;
}

static void
gen_scope_free (gpointer data)
{
  GpmGenScope *s = data;
  g_free (s->kind);
  g_free (s->id);
  g_free (s->name);
  g_free (s);
}

static void
add_scope (GPtrArray  *scopes,
           const char *kind,
           const char *id,
           const char *name)
{
  GpmGenScope *s = g_new0 (GpmGenScope, 1);
  s->kind = g_strdup (kind);
  s->id = g_strdup (id);
  s->name = g_strdup (name);
  g_ptr_array_add (scopes, s);
}

static void
gen_media_ref_free (gpointer data)
{
  GpmGenMediaRef *r = data;
  g_free (r->local_file_path);
  g_free (r->url);
  g_free (r->expected);
  g_free (r->quirk);
  g_free (r);
}

void
_gpm_takeout_gen_file_free (gpointer data)
{
  GenFile *f = data;

  g_free (f->entry.name);
  g_clear_pointer (&f->entry.scopes, g_ptr_array_unref);
  g_clear_pointer (&f->entry.media, g_ptr_array_unref);
  g_clear_pointer (&f->entry.media_refs, g_ptr_array_unref);
  g_free (f->entry.post);
  g_free (f->raw_name);
  g_clear_pointer (&f->data, g_bytes_unref);
  g_free (f);
}

void
_gpm_takeout_gen_damage_free (gpointer data)
{
  GpmGenDamage *d = data;
  g_free (d->path);
  g_free (d->reason);
  g_free (d);
}

void
gpm_takeout_gen_options_init (GpmGenOptions *options)
{
  memset (options, 0, sizeof *options);
  options->seed = 1;
  options->n_posts = 40;
  options->media_bytes = 256 * 1024;
  options->bad_cases = TRUE;
  options->json_limit = 64 * 1024;
  options->locale = "en";
  options->n_parts = 3;
}

const char *
gpm_takeout_gen_bad_reason (GpmGenBad bad)
{
  switch (bad)
    {
    case GPM_GEN_BAD_NONE: return NULL;
    case GPM_GEN_BAD_MALFORMED:
    case GPM_GEN_BAD_TRUNCATED: return "syntax";
    case GPM_GEN_BAD_NO_ACL: return "no-acl";
    case GPM_GEN_BAD_EMPTY: return "empty";
    case GPM_GEN_BAD_NOT_A_POST: return "not-a-post";
    case GPM_GEN_BAD_UNSAFE_DOTDOT:
    case GPM_GEN_BAD_UNSAFE_ABSOLUTE: return "unsafe";
    case GPM_GEN_BAD_TOO_LARGE: return "too-large";
    case GPM_GEN_BAD_LOST: return "lost";
    default: return "unknown";
    }
}

static const char * const form_names[] = { "folder", "zip", "multi", "tgz" };

const char *
gpm_takeout_gen_form_name (GpmGenForm form)
{
  return form_names[form];
}

gboolean
gpm_takeout_gen_form_from_name (const char *name,
                                GpmGenForm *form)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_names); i++)
    if (g_strcmp0 (name, form_names[i]) == 0)
      {
        *form = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
gpm_takeout_gen_entry_is_delivered (const GpmGenManifest *manifest,
                                    const GpmGenEntry    *entry)
{
  return g_str_has_suffix (entry->name, ".json") &&
         entry->bad != GPM_GEN_BAD_UNSAFE_DOTDOT &&
         entry->bad != GPM_GEN_BAD_UNSAFE_ABSOLUTE &&
         entry->bad != GPM_GEN_BAD_TOO_LARGE &&
         entry->bad != GPM_GEN_BAD_LOST;
}

/* The content model */


static const char * const texts[] = {
  "Sunset over the Hudson",
  "Grüße aus Köln",
  "Café au lait ☕ und Kuchen",
  "東京タワーの夜景",
  "Привет, мир",
  "Ελληνικά γράμματα",
  "Fête de la musique 🎉",
  "Straße & Brücke",
  "A long walk along the river with friends and a dog",
};

static const char * const media_bases[] = {
  "IMG_", "Straße_", "写真_", "DSC0", "Été à Paris ",
};

typedef struct { const char *id; const char *name; } Named;

static const Named circles[] = {
  { "circles/" OWNER_ID "-4eaf56378h22b473", "Personal" },
  { "circles/" OWNER_ID "-1a2b3c4d5e6f7a8b", "Familie" },
  { "circles/" OWNER_ID "-9f8e7d6c5b4a3f2e", NULL },
};
static const Named users[] = {
  { "users/100000000000000000001", "Ana Müller" },
  { "users/100000000000000000002", "Bjørn Ødegård" },
  { "users/100000000000000000003", NULL },
  { "users/100000000000000000004", "李小龍" },
};
static const Named collections[] = {
  { "collections/Qm9va3Mx", "Bücher" },
  { "collections/UGhvdG9z", "Photography" },
};
/* Open communities: their posts carry isPublic true, as real takeouts'
 * posts to open communities do (docs/takeout.md) */
static const Named communities[] = {
  { "communities/103604153020461235235", "Alte Städte / Old Towns" },
  { "communities/113390432655174294208", "Raspberry Pi" },
  { "communities/112164273001338979772", "Google+ Mass Migration" },
};
/* A closed community: no post to it is public (the seed blog's fourth
 * community, the one its author did not tick) */
static const Named closed_community = {
  "communities/100565566447202592471", "Free Open Source Software in Schools"
};
static const Named events[] = {
  { "events/c2VwdGVtYmVyZmVzdA", "Sommerfest 2018" },
  { "events/aGFja2F0aG9u", "Hackathon Zürich" },
};

static void
person (JsonBuilder *b,
        const char  *member,
        const char  *id,
        const char  *name)
{
  g_autofree char *num = g_strdup (strchr (id, '/') + 1);

  gpm_test_json_member_begin_object (b, member);
  if (name)
    {
      gpm_test_json_member_string (b, "displayName", name);
    }
  gpm_test_json_member_string (b, "resourceName", id);
  json_builder_set_member_name (b, "profilePageUrl");
  {
    g_autofree char *url = g_strdup_printf ("https://plus.google.com/%s", num);
    json_builder_add_string_value (b, url);
  }
  gpm_test_json_member_string (b, "avatarImageUrl", "https://lh3.googleusercontent.com/-abc/photo.jpg");
  json_builder_end_object (b);
}

static void
named_object (JsonBuilder *b,
              const char  *member,
              const Named *n)
{
  gpm_test_json_member_begin_object (b, member);
  gpm_test_json_member_string (b, "resourceName", n->id);
  if (n->name)
    {
      gpm_test_json_member_string (b, "displayName", n->name);
    }
  json_builder_end_object (b);
}

static void
users_array (JsonBuilder *b,
             GPtrArray   *scopes,
             guint        first,
             guint        count)
{
  gpm_test_json_member_begin_array (b, "users");
  for (guint k = 0; k < count; k++)
    {
      const Named *u = &users[(first + k) % G_N_ELEMENTS (users)];
      json_builder_begin_object (b);
      gpm_test_json_member_string (b, "resourceName", u->id);
      if (u->name)
        {
          gpm_test_json_member_string (b, "displayName", u->name);
        }
      json_builder_end_object (b);
      add_scope (scopes, "USER", u->id, u->name ? u->name : "-");
    }
  json_builder_end_array (b);
}

static void
circle (JsonBuilder *b,
        GPtrArray   *scopes,
        const char  *type,
        const Named *n)
{
  json_builder_begin_object (b);
  gpm_test_json_member_string (b, "type", type);
  if (n)
    {
      gpm_test_json_member_string (b, "resourceName", n->id);
      if (n->name)
        {
          gpm_test_json_member_string (b, "displayName", n->name);
        }
      add_scope (scopes, "CIRCLE", n->id, n->name ? n->name : "");
    }
  else if (g_str_equal (type, "CIRCLE_TYPE_PUBLIC"))
    add_scope (scopes, "PUBLIC", NULL, NULL);
  else if (g_str_equal (type, "CIRCLE_TYPE_YOUR_CIRCLES"))
    add_scope (scopes, "CIRCLES", NULL, NULL);
  else if (g_str_equal (type, "CIRCLE_TYPE_EXTENDED_CIRCLES"))
    add_scope (scopes, "EXTENDED", NULL, NULL);
  json_builder_end_object (b);
}

/* The postAcl of post @i; appends the scopes Part IV derives from it. */
static void
build_acl (JsonBuilder *b,
           guint        i,
           GPtrArray   *scopes,
           const Named **community,
           const Named **collection)
{
  guint kind = i % 12;

  gpm_test_json_member_begin_object (b, "postAcl");
  switch (kind)
    {
    case 0: case 11: case 6:
      gpm_test_json_member_begin_object (b, "visibleToStandardAcl");
      gpm_test_json_member_begin_array (b, "circles");
      circle (b, scopes, "CIRCLE_TYPE_PUBLIC", NULL);
      json_builder_end_array (b);
      json_builder_end_object (b);
      gpm_test_json_member_boolean (b, "isPublic", TRUE);
      break;
    case 1:
    case 2:
      gpm_test_json_member_begin_object (b, "visibleToStandardAcl");
      gpm_test_json_member_begin_array (b, "circles");
      circle (b, scopes, kind == 1 ? "CIRCLE_TYPE_YOUR_CIRCLES" : "CIRCLE_TYPE_EXTENDED_CIRCLES", NULL);
      json_builder_end_array (b);
      json_builder_end_object (b);
      break;
    case 3:
      gpm_test_json_member_begin_object (b, "visibleToStandardAcl");
      gpm_test_json_member_begin_array (b, "circles");
      circle (b, scopes, "CIRCLE_TYPE_USER_CIRCLE", &circles[(i / 12) % G_N_ELEMENTS (circles)]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      break;
    case 4:
      /* named circles and people together */
      gpm_test_json_member_begin_object (b, "visibleToStandardAcl");
      gpm_test_json_member_begin_array (b, "circles");
      circle (b, scopes, "CIRCLE_TYPE_USER_CIRCLE", &circles[0]);
      circle (b, scopes, "CIRCLE_TYPE_USER_CIRCLE", &circles[2]);
      json_builder_end_array (b);
      users_array (b, scopes, i / 12, 2);
      json_builder_end_object (b);
      break;
    case 5:
      gpm_test_json_member_begin_object (b, "visibleToStandardAcl");
      users_array (b, scopes, i / 12, 1 + (i / 12) % 3);
      json_builder_end_object (b);
      break;
    case 7:
      *collection = &collections[(i / 12) % G_N_ELEMENTS (collections)];
      gpm_test_json_member_begin_object (b, "collectionAcl");
      named_object (b, "collection", *collection);
      json_builder_end_object (b);
      add_scope (scopes, "COLLECTION", (*collection)->id, (*collection)->name ? (*collection)->name : "-");
      break;
    case 8:
    case 9:
      /* kind 9: the closed community, its post naming a member too */
      *community = kind == 9 ? &closed_community : &communities[(i / 12) % G_N_ELEMENTS (communities)];
      gpm_test_json_member_begin_object (b, "communityAcl");
      named_object (b, "community", *community);
      add_scope (scopes, "COMMUNITY", (*community)->id, (*community)->name);
      if (kind == 9)
        users_array (b, scopes, 1 + i / 12, 1);
      json_builder_end_object (b);
      if (kind == 8)
        gpm_test_json_member_boolean (b, "isPublic", TRUE);
      break;
    case 10:
    default:
      {
        const Named *ev = &events[(i / 12) % G_N_ELEMENTS (events)];
        gpm_test_json_member_begin_object (b, "eventAcl");
        named_object (b, "event", ev);
        json_builder_end_object (b);
        add_scope (scopes, "EVENT", ev->id, ev->name);
      }
      break;
    }
  if (i % 12 == 3)
    {
      gpm_test_json_member_boolean (b, "isLegacyAcl", TRUE);
    }
  json_builder_end_object (b);
}

static char *
sanitize_snippet (const char *text)
{
  GString *s = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text; *p && n < 40; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      if (strchr ("/\\:*?\"<>|", c) && c < 128)
        continue;
      g_string_append_unichar (s, c);
    }
  g_strstrip (s->str);
  s->len = strlen (s->str);
  if (s->len == 0)
    g_string_assign (s, "Post");
  return g_string_free (s, FALSE);
}

/* "dir/base.ext", "dir/base(1).ext", … as Takeout names duplicates. */
static char *
unique_name (Model      *m,
             const char *dir,
             const char *base,
             const char *ext)
{
  g_autofree char *key = g_strconcat (dir, "/", base, ext, NULL);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (m->name_counts, key));

  g_hash_table_insert (m->name_counts, g_strdup (key), GUINT_TO_POINTER (n + 1));
  if (n == 0)
    return g_steal_pointer (&key);
  return g_strdup_printf ("%s/%s(%u)%s", dir, base, n, ext);
}

static GenFile *
add_file (Model          *m,
          char           *name,
          GpmGenFileType  type,
          GBytes         *data,
          gint64          mtime)
{
  GenFile *f = g_new0 (GenFile, 1);

  f->entry.name = name;
  f->entry.type = type;
  f->data = data;
  f->mtime = mtime;
  f->entry.size = data ? g_bytes_get_size (data) : 0;
  g_ptr_array_add (m->files, f);
  return f;
}

static gboolean
cp437_representable (const char *s)
{
  g_autofree char *c = NULL;
  gboolean ascii = TRUE;

  for (const char *p = s; *p; p++)
    if ((guchar) *p >= 128)
      ascii = FALSE;
  if (ascii)
    return FALSE;
  c = g_convert (s, -1, "CP437", "UTF-8", NULL, NULL, NULL);
  return c != NULL;
}

/* What is odd about a media item (GpmGenOptions.quirks), by its number. */
typedef enum {
  QUIRK_NONE,
  QUIRK_STALE,             /* localFilePath names a folder that is not there */
  QUIRK_STALE_DECOY,       /* … and another photo of the same name is elsewhere */
  QUIRK_EXACT_DECOY,       /* localFilePath names, exactly, another photo (its sidecar tells) */
  QUIRK_NO_SIDECAR,        /* stale, no sidecar: only its unique base name finds it */
  QUIRK_COMMENT_NAMESAKE,  /* stale and lost; a comment's photo has its name */
  QUIRK_EMPTY_PHOTO,       /* 0 bytes */
  QUIRK_DAMAGED_PHOTO,     /* random bytes: no image */
  QUIRK_VIDEO_LINK,        /* a YouTube video: a link, no file */
  N_QUIRKS
} Quirk;

static const char * const quirk_names[] = {
  NULL, "stale-path", "stale-path-decoy", "exact-decoy", "stale-no-sidecar", "lost-comment-namesake",
  "empty-photo", "damaged-photo", "video-link",
};

static GenFile *
add_media_file (Model       *m,
                char        *name,
                const char  *post,
                gint64       mtime,
                guint64      size,
                guint64      seed,
                const char  *sidecar_url,
                const char  *description,
                int          w,
                int          h)
{
  GenFile *mf = add_file (m, name, GPM_GEN_FILE_MEDIA, NULL, mtime);

  mf->media_seed = seed;
  mf->entry.size = size;
  mf->entry.post = g_strdup (post);
  if (sidecar_url != NULL)
    {
      g_autofree char *csv = g_strdup_printf ("url,title,description,creationTime,width,height\n%s,%s,\"%s\",%" G_GINT64_FORMAT ",%d,%d\n",
                                              sidecar_url, base_name_of_path (name), description, mtime, w, h);
      GenFile *side = add_file (m, g_strconcat (name, ".metadata.csv", NULL), GPM_GEN_FILE_METADATA,
                                g_bytes_new (csv, strlen (csv)), mtime);
      side->entry.post = g_strdup (post);
    }
  return mf;
}

static void
media_object (Model       *m,
              JsonBuilder *b,
              GenFile     *post,
              gint64       mtime,
              const char  *description)
{
  g_autofree char *base = NULL;
  char *name;
  const char *prefix = media_bases[m->media_counter % G_N_ELEMENTS (media_bases)];
  guint number = m->media_counter % 10 == 9 ? 1 : m->media_counter;  /* some repeat → "(1)" */
  Quirk quirk = m->options->quirks ? m->media_counter % N_QUIRKS : QUIRK_NONE;
  guint64 size, seed;
  g_autofree char *url = NULL;
  g_autofree char *rn = NULL;
  g_autofree char *local = NULL;
  GpmGenMediaRef *ref;
  int w = 800 + rng_below (&m->rng, 3000), h = 600 + rng_below (&m->rng, 3000);

  m->media_counter++;
  base = g_strdup_printf ("%s%04u", prefix, number);
  name = unique_name (m, m->posts_dir, base, ".jpg");
  size = m->media_each / 2 + rng_below (&m->rng, (guint) MIN (m->media_each + 1, G_MAXUINT));
  size = MAX (size, 1024);
  seed = _gpm_takeout_gen_rng_next (&m->rng);

  url = g_strdup_printf ("https://lh3.googleusercontent.com/-%08x/photo.jpg", (guint) _gpm_takeout_gen_rng_next (&m->rng));
  rn = g_strdup_printf ("media/CixBRjFRaXBN%016" G_GINT64_MODIFIER "x", _gpm_takeout_gen_rng_next (&m->rng));

  ref = g_new0 (GpmGenMediaRef, 1);
  ref->quirk = g_strdup (quirk_names[quirk]);
  if (quirk == QUIRK_VIDEO_LINK)
    {
      g_free (url);
      url = g_strdup_printf ("https://www.youtube.com/watch?v=%011" G_GINT64_MODIFIER "x", seed & G_GUINT64_CONSTANT (0xffffffffff));
      ref->link = TRUE;
    }
  ref->url = g_strdup (url);
  switch (quirk)
    {
    case QUIRK_NONE:
    case QUIRK_EMPTY_PHOTO:
    case QUIRK_DAMAGED_PHOTO:
      local = g_strdup (base_name_of_path (name));
      break;
    case QUIRK_VIDEO_LINK:
      break;
    case QUIRK_EXACT_DECOY:
      local = g_strconcat ("../Photos/Shared album/", base_name_of_path (name), NULL);
      break;
    default:
      local = g_strconcat ("Old Album/", base_name_of_path (name), NULL);
      break;
    }
  ref->local_file_path = g_strdup (local);

  if (quirk == QUIRK_STALE_DECOY || quirk == QUIRK_EXACT_DECOY)
    {
      /* Another photo of the same name, with its own sidecar. */
      g_autofree char *decoy_url = g_strdup_printf ("https://lh3.googleusercontent.com/-%08x/photo.jpg",
                                                    (guint) _gpm_takeout_gen_rng_next (&m->rng));
      add_media_file (m, g_strconcat (m->stream_dir, "/Photos/Shared album/", base_name_of_path (name), NULL),
                      NULL, mtime, 300 + rng_below (&m->rng, 2000), _gpm_takeout_gen_rng_next (&m->rng), decoy_url, "decoy", w, h);
    }

  if (quirk == QUIRK_VIDEO_LINK)
    {
      /* No file: the name is not used. */
      g_free (name);
    }
  else if (quirk == QUIRK_COMMENT_NAMESAKE)
    {
      /* The user's own photo is lost; a comment's photo has the name. */
      GenFile *cf = add_media_file (m, name, post->entry.name, mtime, size, seed, NULL, description, w, h);
      cf->entry.others = TRUE;
      g_ptr_array_add (m->comment_photos, g_strdup (base_name_of_path (name)));
    }
  else
    {
      GenFile *mf = add_media_file (m, name, post->entry.name, mtime, quirk == QUIRK_EMPTY_PHOTO ? 0 : size, seed,
                                    quirk == QUIRK_NO_SIDECAR ? NULL : url, description, w, h);
      mf->junk = quirk == QUIRK_DAMAGED_PHOTO;
      ref->bad_photo = quirk == QUIRK_EMPTY_PHOTO || quirk == QUIRK_DAMAGED_PHOTO;
      g_ptr_array_add (post->entry.media, g_strdup (name));
      ref->expected = g_strdup (name);
    }
  g_ptr_array_add (post->entry.media_refs, ref);

  json_builder_begin_object (b);
  gpm_test_json_member_string (b, "url", url);
  gpm_test_json_member_string (b, "contentType", quirk == QUIRK_VIDEO_LINK ? "video/*" : "image/*");
  gpm_test_json_member_int (b, "width", w);
  gpm_test_json_member_int (b, "height", h);
  gpm_test_json_member_string (b, "description", description);
  gpm_test_json_member_string (b, "resourceName", rn);
  if (local != NULL)
    {
      gpm_test_json_member_string (b, "localFilePath", local);
    }
  json_builder_end_object (b);
}

char *
_gpm_takeout_gen_json_to_string (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  return json_generator_to_data (gen, NULL);
}

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S+0000");
}

/* One post. @bad decides what is wrong with it (NONE, NO_ACL, TOO_LARGE,
 * UNSAFE_*); @name_override replaces the usual "YYYYMMDD - text.json". */
GenFile *
_gpm_takeout_gen_build_post (Model      *m,
                             guint       i,
                             GpmGenBad   bad,
                             const char *name_override)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *json = NULL;
  g_autofree char *created = NULL;
  g_autofree char *snippet = NULL;
  g_autofree char *date = NULL;
  g_autofree char *post_id = NULL;
  g_autofree char *html = NULL;
  g_autoptr(GDateTime) dt = NULL;
  const Named *community = NULL, *collection = NULL;
  guint day = (i / 4) % 2900, slot = i % 4;
  /* Four posts a day: the day's text twice (→ "(1)"), then posts without
   * text ("Post", "Post(1)", and "Post(2)" every third day). */
  const char *text = slot == 0 || (slot == 1 && day % 3 != 0) ? texts[day % G_N_ELEMENTS (texts)] : "";
  gint64 t = G_GINT64_CONSTANT (1309478400) + (gint64) day * 86400 + 8 * 3600 + slot * 3 * 3600 + i % 3600;
  GenFile *post;
  char *name;

  dt = g_date_time_new_from_unix_utc (t);
  date = g_date_time_format (dt, "%Y%m%d");
  snippet = sanitize_snippet (text);
  if (name_override)
    name = g_strdup (name_override);
  else
    {
      g_autofree char *base = g_strdup_printf ("%s - %s", date, snippet);
      name = unique_name (m, m->posts_dir, base, ".json");
    }

  post = add_file (m, name, GPM_GEN_FILE_POST, NULL, t);
  post->entry.bad = bad;
  post->entry.media = g_ptr_array_new_with_free_func (g_free);
  post->entry.media_refs = g_ptr_array_new_with_free_func (gen_media_ref_free);
  post->entry.scopes = g_ptr_array_new_with_free_func (gen_scope_free);
  if (m->options->cp437_names && cp437_representable (name))
    post->entry.cp437 = TRUE;

  post_id = g_strdup_printf ("Ugj%012" G_GINT64_MODIFIER "xAoAEC", _gpm_takeout_gen_rng_next (&m->rng) & G_GUINT64_CONSTANT (0xffffffffffff));
  created = format_time (t);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "url");
  {
    g_autofree char *url = g_strdup_printf ("https://plus.google.com/%s/posts/%s", OWNER_ID, post_id);
    json_builder_add_string_value (b, url);
  }
  gpm_test_json_member_string (b, "creationTime", created);
  gpm_test_json_member_string (b, "updateTime", created);
  person (b, "author", "users/" OWNER_ID, OWNER_NAME);

  if (text[0] || bad == GPM_GEN_BAD_TOO_LARGE)
    {
      GString *content = g_string_new (NULL);
      g_autofree char *escaped = g_markup_escape_text (text[0] ? text : "Photo of the day", -1);

      g_string_append_printf (content, "%s<br><br><b>#%s</b> see <a href=\"https://example.org/%u\" class=\"ot-anchor\">example.org/%u</a>",
                              escaped, i % 2 ? "photography" : "Köln", i, i);
      if (bad == GPM_GEN_BAD_TOO_LARGE)
        while (content->len < m->options->json_limit + 1024)
          g_string_append (content, " padding padding padding padding padding padding");
      html = g_string_free (content, FALSE);
      gpm_test_json_member_string (b, "content", html);
    }

  if (i % 5 == 0)
    {
      json_builder_set_member_name (b, "media");
      media_object (m, b, post, t, text);
    }
  else if (i % 7 == 3)
    {
      guint n = 2 + i % 3;
      gpm_test_json_member_begin_object (b, "album");
      gpm_test_json_member_begin_array (b, "media");
      for (guint k = 0; k < n; k++)
        media_object (m, b, post, t, k == 0 ? text : "");
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  else if (i % 3 == 1)
    {
      g_autofree char *url = g_strdup_printf ("https://example.org/article/%u?x=1&y=ä", i);
      gpm_test_json_member_begin_object (b, "link");
      gpm_test_json_member_string (b, "title", "An article – with “quotes”");
      gpm_test_json_member_string (b, "url", url);
      gpm_test_json_member_string (b, "imageUrl", "https://example.org/preview.jpg");
      json_builder_end_object (b);
    }

  if (i % 11 == 5)
    {
      gpm_test_json_member_begin_object (b, "resharedPost");
      gpm_test_json_member_string (b, "url", "https://plus.google.com/100000000000000000001/posts/Abc");
      person (b, "author", users[0].id, users[0].name);
      gpm_test_json_member_string (b, "content", "Original words by somebody else");
      gpm_test_json_member_begin_object (b, "link");
      gpm_test_json_member_string (b, "title", "Shared link");
      gpm_test_json_member_string (b, "url", "https://example.com/shared");
      json_builder_end_object (b);
      gpm_test_json_member_string (b, "resourceName", "users/100000000000000000001/posts/Abc");
      json_builder_end_object (b);
    }

  if (i % 13 == 6)
    {
      gpm_test_json_member_begin_object (b, "poll");
      gpm_test_json_member_begin_array (b, "choices");
      for (guint k = 0; k < 3; k++)
        {
          g_autofree char *desc = g_strdup_printf ("Option %c", 'A' + k);
          g_autofree char *rn = g_strdup_printf ("polls/%u/choices/%u", i, k);
          json_builder_begin_object (b);
          gpm_test_json_member_string (b, "description", desc);
          gpm_test_json_member_string (b, "resourceName", rn);
          gpm_test_json_member_int (b, "voteCount", k + 1);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      gpm_test_json_member_int (b, "totalVotes", 6);
      json_builder_end_object (b);
    }

  if (i % 4 == 2)
    {
      gpm_test_json_member_begin_object (b, "location");
      gpm_test_json_member_string (b, "displayName", "Hudson River Park Trust");
      gpm_test_json_member_string (b, "physicalAddress", "353 West St, New York, NY 10011, USA");
      gpm_test_json_member_double (b, "latitude", 40.7331168);
      gpm_test_json_member_double (b, "longitude", -74.0108977);
      json_builder_end_object (b);
    }

  if (i % 6 == 0 || m->comment_photos->len > 0)
    {
      gpm_test_json_member_begin_array (b, "comments");
      for (guint k = 0; k < 2 && i % 6 == 0; k++)
        {
          json_builder_begin_object (b);
          person (b, "author", users[k].id, users[k].name);
          gpm_test_json_member_string (b, "content", k ? "Schön!" : "Nice one");
          gpm_test_json_member_string (b, "creationTime", created);
          json_builder_end_object (b);
        }
      /* Somebody else's photo in a comment. */
      for (guint k = 0; k < m->comment_photos->len; k++)
        {
          json_builder_begin_object (b);
          person (b, "author", users[3].id, users[3].name);
          gpm_test_json_member_string (b, "content", "Mine looks like this");
          gpm_test_json_member_string (b, "creationTime", created);
          gpm_test_json_member_begin_object (b, "media");
          gpm_test_json_member_string (b, "url", "https://lh3.googleusercontent.com/-c0mment/photo.jpg");
          gpm_test_json_member_string (b, "contentType", "image/jpeg");
          gpm_test_json_member_string (b, "localFilePath", g_ptr_array_index (m->comment_photos, k));
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
      g_ptr_array_set_size (m->comment_photos, 0);
      json_builder_end_array (b);
    }
  if (i % 6 == 0)
    {
      gpm_test_json_member_begin_array (b, "plusOnes");
      json_builder_begin_object (b);
      person (b, "plusOner", users[3].id, users[3].name);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  if (i % 9 == 0)
    {
      gpm_test_json_member_begin_array (b, "reshares");
      json_builder_begin_object (b);
      person (b, "resharer", users[1].id, users[1].name);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }

  json_builder_set_member_name (b, "resourceName");
  {
    g_autofree char *rn = g_strdup_printf ("users/%s/posts/%s", OWNER_ID, post_id);
    json_builder_add_string_value (b, rn);
  }

  if (bad != GPM_GEN_BAD_NO_ACL)
    {
      g_autoptr(GPtrArray) scratch = g_ptr_array_new_with_free_func (gen_scope_free);
      build_acl (b, i, bad == GPM_GEN_BAD_NONE ? post->entry.scopes : scratch, &community, &collection);
    }
  if (community)
    {
      gpm_test_json_member_begin_object (b, "communityAttachment");
      gpm_test_json_member_string (b, "displayName", community->name);
      gpm_test_json_member_string (b, "resourceName", community->id);
      json_builder_end_object (b);
    }
  if (collection)
    {
      gpm_test_json_member_begin_object (b, "collectionAttachment");
      gpm_test_json_member_string (b, "displayName", collection->name);
      gpm_test_json_member_string (b, "resourceName", collection->id);
      gpm_test_json_member_string (b, "permalink", "https://plus.google.com/collection/abc");
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json = _gpm_takeout_gen_json_to_string (b);
  if (m->options->quirks && i % 8 == 2)
    {
      /* Saved again by an editor that writes a byte-order mark */
      char *with_bom = g_strconcat ("\xef\xbb\xbf", json, NULL);
      g_free (json);
      json = with_bom;
    }
  {
    gsize len = strlen (json);
    post->data = g_bytes_new_take (g_steal_pointer (&json), len);
    post->entry.size = len;
  }
  return post;
}

static GenFile *
add_bad_bytes (Model      *m,
               const char *base,
               GpmGenBad   bad,
               const char *data,
               gsize       len)
{
  char *name = unique_name (m, m->posts_dir, base, ".json");
  GenFile *f = add_file (m, name, GPM_GEN_FILE_POST, g_bytes_new (data, len), 1514764800);

  f->entry.bad = bad;
  return f;
}

static void
add_bad_cases (Model *m)
{
  GenFile *f;
  static const char malformed[] =
    "{\n  \"url\": \"https://plus.google.com/117832126248716550930/posts/Bad\",\n"
    "  \"creationTime\": \"2018-01-01 10:00:00+0000\"\n"
    "  \"content\": \"a comma is missing above\",\n  \"postAcl\": {}\n}\n";
  static const char not_a_post[] =
    "{\n  \"kind\": \"activityLog\",\n  \"items\": [ { \"resourceName\": \"plusOnes/1\" } ]\n}\n";

  add_bad_bytes (m, "20180101 - Kaputt", GPM_GEN_BAD_MALFORMED, malformed, strlen (malformed));

  /* A real post cut in the middle. */
  f = _gpm_takeout_gen_build_post (m, 1, GPM_GEN_BAD_NONE, NULL);
  {
    gsize len = g_bytes_get_size (f->data);
    GBytes *half = g_bytes_new_from_bytes (f->data, 0, len / 2);

    g_free (f->entry.name);
    f->entry.name = unique_name (m, m->posts_dir, "20180102 - Abgeschnitten", ".json");
    f->entry.bad = GPM_GEN_BAD_TRUNCATED;
    g_clear_pointer (&f->entry.scopes, g_ptr_array_unref);
    g_bytes_unref (f->data);
    f->data = half;
    f->entry.size = len / 2;
  }

  f = _gpm_takeout_gen_build_post (m, 12 * 7, GPM_GEN_BAD_NO_ACL, NULL);
  g_free (f->entry.name);
  f->entry.name = unique_name (m, m->posts_dir, "20180103 - Ohne ACL", ".json");

  add_bad_bytes (m, "20180104 - Post", GPM_GEN_BAD_EMPTY, "", 0);

  {
    char *name = g_strconcat (m->stream_dir, "/ActivityLog/Plus Ones on posts.json", NULL);
    f = add_file (m, name, GPM_GEN_FILE_OTHER, g_bytes_new_static (not_a_post, strlen (not_a_post)), 1514764800);
    f->entry.bad = GPM_GEN_BAD_NOT_A_POST;
  }

  f = _gpm_takeout_gen_build_post (m, 24, GPM_GEN_BAD_UNSAFE_DOTDOT, "Takeout/../../gpm-escaped.json");
  f = _gpm_takeout_gen_build_post (m, 36, GPM_GEN_BAD_UNSAFE_ABSOLUTE, "/tmp/gpm-absolute.json");

  if (m->options->json_limit > 0)
    {
      f = _gpm_takeout_gen_build_post (m, 48, GPM_GEN_BAD_TOO_LARGE, NULL);
      g_free (f->entry.name);
      f->entry.name = unique_name (m, m->posts_dir, "20180105 - Riesig", ".json");
    }
}

void
_gpm_takeout_gen_build_model (Model *m)
{
  const GpmGenOptions *o = m->options;
  guint n_media_guess;

  if (g_strcmp0 (o->locale, "de") == 0)
    {
      m->stream_dir = "Takeout/Google+-Stream";
      m->posts_dir = "Takeout/Google+-Stream/Beiträge";
    }
  else if (g_strcmp0 (o->locale, "fr") == 0)
    {
      m->stream_dir = "Takeout/Flux Google+";
      m->posts_dir = "Takeout/Flux Google+/Posts";
    }
  else
    {
      m->stream_dir = "Takeout/Google+ Stream";
      m->posts_dir = "Takeout/Google+ Stream/Posts";
    }

  /* Media per post: 1 for every 5th, 2-4 for the album posts (see _gpm_takeout_gen_build_post). */
  n_media_guess = 0;
  for (guint i = 0; i < o->n_posts; i++)
    n_media_guess += i % 5 == 0 ? 1 : i % 7 == 3 ? 2 + i % 3 : 0;
  n_media_guess = MAX (n_media_guess, 1);
  m->media_each = o->media_bytes / n_media_guess;

  {
    static const char index_html[] = "<!DOCTYPE html><html><body>Takeout archive</body></html>\n";
    add_file (m, g_strdup ("Takeout/index.html"), GPM_GEN_FILE_OTHER,
              g_bytes_new_static (index_html, strlen (index_html)), 1540470896);
  }

  for (guint i = 0; i < o->n_posts; i++)
    _gpm_takeout_gen_build_post (m, i, GPM_GEN_BAD_NONE, NULL);

  if (o->bad_cases)
    add_bad_cases (m);
}

/* Multi-part: fill the parts in order by size, then move the media of
 * every third media post into the next part. */
void
_gpm_takeout_gen_assign_parts (Model *m,
                               guint  n_parts)
{
  guint64 total = 0, cum = 0;
  GHashTable *post_part = g_hash_table_new (g_str_hash, g_str_equal);
  guint moved = 0;

  for (guint k = 0; k < m->files->len; k++)
    total += ((GenFile *) g_ptr_array_index (m->files, k))->entry.size + 512;
  for (guint k = 0; k < m->files->len; k++)
    {
      GenFile *f = g_ptr_array_index (m->files, k);
      f->entry.part = MIN (n_parts - 1, (guint) (cum * n_parts / MAX (total, 1)));
      cum += f->entry.size + 512;
      if (f->entry.type == GPM_GEN_FILE_POST)
        g_hash_table_insert (post_part, f->entry.name, GUINT_TO_POINTER (f->entry.part));
    }
  for (guint k = 0; k < m->files->len; k++)
    {
      GenFile *f = g_ptr_array_index (m->files, k);
      gpointer pp;

      if ((f->entry.type == GPM_GEN_FILE_MEDIA || f->entry.type == GPM_GEN_FILE_METADATA) &&
          f->entry.post && g_hash_table_lookup_extended (post_part, f->entry.post, NULL, &pp))
        {
          GenFile *media = f->entry.type == GPM_GEN_FILE_MEDIA ? f : g_ptr_array_index (m->files, k - 1);
          guint which = GPOINTER_TO_UINT (pp);

          if (f->entry.type == GPM_GEN_FILE_MEDIA)
            moved++;
          /* a media and its sidecar move together */
          if ((moved % 3) == 1)
            f->entry.part = (which + 1) % n_parts;
          else
            f->entry.part = media->entry.part;
        }
    }
  g_hash_table_unref (post_part);
}
