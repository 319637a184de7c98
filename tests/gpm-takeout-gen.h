/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-gen.h: writes a synthetic Google+ Stream takeout (folder,
 * zip, multi-part zip set or tgz) from a seed, and describes what it put
 * in, so tests can compare what the reader finds against it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  GPM_GEN_FORM_FOLDER,   /* DIR/Takeout/…; open DIR */
  GPM_GEN_FORM_ZIP,      /* DIR/takeout-20181025T123456Z-001.zip */
  GPM_GEN_FORM_MULTI,    /* DIR/takeout-20181025T123456Z-001.zip, -002.zip, … */
  GPM_GEN_FORM_TGZ,      /* DIR/takeout-20181025T123456Z-001.tgz */
} GpmGenForm;

typedef enum {
  GPM_GEN_FILE_POST,     /* a post JSON (good or bad) */
  GPM_GEN_FILE_MEDIA,    /* a photo or video */
  GPM_GEN_FILE_METADATA, /* a media's .metadata.csv sidecar */
  GPM_GEN_FILE_OTHER,    /* other files of the takeout (index.html, a non-post JSON) */
} GpmGenFileType;

/* Why an entry is bad. Reasons the reader itself reports (UNSAFE_*,
 * TOO_LARGE, LOST) come with a problem from gpm_takeout_load(); the others
 * are delivered as JSON and left to the post parser. */
typedef enum {
  GPM_GEN_BAD_NONE,
  GPM_GEN_BAD_MALFORMED,      /* "syntax" */
  GPM_GEN_BAD_TRUNCATED,      /* "syntax" */
  GPM_GEN_BAD_NO_ACL,         /* "no-acl" */
  GPM_GEN_BAD_EMPTY,          /* "empty" */
  GPM_GEN_BAD_NOT_A_POST,     /* "not-a-post" */
  GPM_GEN_BAD_UNSAFE_DOTDOT,  /* "unsafe" */
  GPM_GEN_BAD_UNSAFE_ABSOLUTE,/* "unsafe" */
  GPM_GEN_BAD_TOO_LARGE,      /* "too-large" */
  GPM_GEN_BAD_LOST,           /* "lost": after the damage in a damaged part */
} GpmGenBad;

/* One media item as a post's JSON names it, and the file it must resolve to. */
typedef struct {
  char *local_file_path;  /* as written in the JSON */
  char *url;
  char *expected;         /* the entry that holds its bytes; NULL: must be reported missing */
  char *quirk;            /* NULL, or what is odd about it ("stale-path", …) */
  gboolean bad_photo;     /* the file is there but no photo (0 bytes, not an image) */
  gboolean link;          /* a video link (YouTube), not a file: kept in the text */
} GpmGenMediaRef;

typedef struct {
  char *kind;   /* "PUBLIC", "CIRCLES", "EXTENDED", "CIRCLE", "USER", "COLLECTION", "COMMUNITY", "EVENT" */
  char *id;     /* NULL for PUBLIC, CIRCLES, EXTENDED */
  char *name;   /* NULL for PUBLIC, CIRCLES, EXTENDED; "" nameless circle; "-" other nameless */
} GpmGenScope;

typedef struct {
  char           *name;     /* the entry name the reader must report (UTF-8) */
  GpmGenFileType  type;
  GpmGenBad       bad;
  guint           part;     /* index into the manifest's paths */
  guint64         size;
  gboolean        cp437;    /* zip: name stored in CP437 without the UTF-8 flag */
  GPtrArray      *scopes;   /* GpmGenScope*, in the seed's parse_acl order; posts only */
  GPtrArray      *media;    /* char*: this post's media entry names */
  GPtrArray      *media_refs; /* GpmGenMediaRef*: posts, each media item of theirs */
  char           *post;     /* media and sidecars: the post entry they belong to */
  gboolean        others;   /* media: a photo in a comment (somebody else's), not the post's */
} GpmGenEntry;

typedef struct {
  char      *path;     /* the damaged part */
  char      *reason;   /* "truncated", "corrupt", "not-an-archive" */
} GpmGenDamage;

typedef struct {
  GpmGenForm  form;
  GPtrArray  *paths;    /* char*: what to open */
  GPtrArray  *entries;  /* GpmGenEntry*, in write order */
  GPtrArray  *damages;  /* GpmGenDamage* */
  gsize       json_limit;
} GpmGenManifest;

typedef struct {
  guint32      seed;
  guint        n_posts;        /* good posts */
  guint64      media_bytes;    /* about this many bytes of media in all */
  gboolean     bad_cases;      /* add every bad-input entry */
  gsize        json_limit;     /* with bad_cases: the oversized JSON is just above this; 0 = none */
  const char  *locale;         /* folder names: "en" (default), "de", "fr" */
  guint        n_parts;        /* MULTI: how many parts (default 3) */
  gboolean     damaged_parts;  /* MULTI: add a truncated, a corrupt and a non-archive part */
  gboolean     cp437_names;    /* zips: some names in CP437 without the UTF-8 flag */
  gboolean     quirks;         /* what real takeouts have: stale localFilePaths,
                                * same-named decoys, comments' photos named like a
                                * lost photo of the user's, post files with a BOM,
                                * 0-byte and damaged photos, YouTube links as media,
                                * a .tgz whose UTF-8 names were read as Latin-1 and
                                * written as UTF-8 again */
  const char  *rezip;          /* zips: the takeout extracted and zipped again by
                                * another tool, its names as that tool writes them
                                * (the manifest keeps the names the reader must
                                * report): NULL; "windows", PowerShell's
                                * Compress-Archive ('\\' separates folders);
                                * "mac", a Mac's HFS+ (names in NFD; a folder's
                                * too: the takeout extracted on a Mac) */
} GpmGenOptions;

void            gpm_takeout_gen_options_init  (GpmGenOptions *options);

/* Writes the takeout into @dir (created if needed). */
GpmGenManifest *gpm_takeout_gen_write         (const GpmGenOptions *options,
                                               GpmGenForm           form,
                                               const char          *dir,
                                               GError             **error);
gboolean        gpm_takeout_gen_manifest_save (GpmGenManifest *manifest,
                                               const char     *path,
                                               GError        **error);
void            gpm_takeout_gen_manifest_free (GpmGenManifest *manifest);

const char     *gpm_takeout_gen_bad_reason    (GpmGenBad bad);
const char     *gpm_takeout_gen_form_name     (GpmGenForm form);
gboolean        gpm_takeout_gen_form_from_name (const char *name,
                                                GpmGenForm *form);
/* Entries the reader must deliver as JSON (present, *.json, not refused, not lost). */
gboolean        gpm_takeout_gen_entry_is_delivered (const GpmGenManifest *manifest,
                                                    const GpmGenEntry    *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmGenManifest, gpm_takeout_gen_manifest_free)

G_END_DECLS
