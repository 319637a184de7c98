/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-takeout-gen-private.h: what the content model (gpm-takeout-gen.c)
 * and the writer (gpm-takeout-gen-write.c) share. */
#pragma once

#include <json-glib/json-glib.h>

#include "gpm-takeout-gen.h"

G_BEGIN_DECLS

/* What the generator writes for one file: its manifest entry plus content. */
typedef struct {
  GpmGenEntry  entry;       /* first: GenFile* is a GpmGenEntry* */
  char        *raw_name;    /* the name written, when not entry.name (unsafe cases) */
  GBytes      *data;        /* NULL: a small JPEG, then random bytes from @media_seed */
  guint64      media_seed;
  gboolean     junk;        /* media: random bytes only, no image */
  gint64       mtime;
  guint64      offset;      /* where its header starts in its part */
} GenFile;

typedef struct {
  const GpmGenOptions *options;
  guint64              rng;
  const char          *stream_dir;   /* "Takeout/Google+ Stream" */
  const char          *posts_dir;    /* "Takeout/Google+ Stream/Posts" */
  GHashTable          *name_counts;  /* base name → times used */
  guint                media_counter;
  guint64              media_each;
  GPtrArray           *comment_photos; /* char*: localFilePaths for the next post's comments */
  GPtrArray           *files;        /* GenFile* */
} Model;

guint64  _gpm_takeout_gen_rng_next       (guint64 *state);
void     _gpm_takeout_gen_file_free      (gpointer data);
void     _gpm_takeout_gen_damage_free    (gpointer data);
char    *_gpm_takeout_gen_json_to_string (JsonBuilder *b);
/* One post, added to @m's files. @bad decides what is wrong with it (NONE,
 * NO_ACL, TOO_LARGE, UNSAFE_*); @name_override replaces the usual
 * "YYYYMMDD - text.json". */
GenFile *_gpm_takeout_gen_build_post     (Model      *m,
                                          guint       i,
                                          GpmGenBad   bad,
                                          const char *name_override);
/* Every file of the takeout @m->options asks for, in @m->files */
void     _gpm_takeout_gen_build_model    (Model *m);
/* Multi-part: which part each file goes in */
void     _gpm_takeout_gen_assign_parts   (Model *m,
                                          guint  n_parts);

G_END_DECLS
