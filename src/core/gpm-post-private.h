/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-private.h: what the files of GpmPost share (private to them):
 * the instance struct and the attachments read on first use. gpm-post.c
 * holds the object, its getters and reading the JSON again (kept,
 * deflated, or from the takeout); gpm-post-index.c the indexing pass over
 * a post's JSON (gpm-json-scan: spans, no tree); gpm-post-full.c the
 * attachments parsed with json-glib on first use. */
#pragma once

#include "gpm-post.h"

G_BEGIN_DECLS

/* What the full parse reads: apart, so the 100,000 posts never read carry
 * one pointer for it. */
typedef struct {
  GpmPerson   *author;
  GpmLink     *link;
  GpmMedia    *media;
  GPtrArray   *album;      /* GpmMedia*, or NULL */
  GpmPost     *reshared;
  GpmLocation *location;
  GpmPoll     *poll;
} PostFull;

struct _GpmPost
{
  GObject parent_instance;

  char        *entry_name;   /* owned unless @entry_name_borrowed */
  char        *url;
  char        *resource_name;
  char        *content;
  const char  *author_id;  /* interned: a takeout has one author, or a few */
  GDateTime   *creation_time;
  GDateTime   *update_time;  /* made from @update_unix on first use (under @full_lock) */
  gint64       update_unix;    /* seconds */
  gboolean     has_update_time;
  gboolean     entry_name_borrowed;  /* the takeout's entry name (gpm_post_set_source) */
  gboolean     from_file;            /* read again from the file @entry_name names */
  PostFull    *full;       /* the attachments, NULL until read (ensure_full) */
  GPtrArray   *scopes;     /* GpmScope* */
  GPtrArray   *warnings;   /* char*, NULL until the first (gpm_post_add_warning) */
  guint        n_comments;
  guint        n_plus_ones;
  guint        n_reshares;
  GpmPostAttachments attachments;
  GpmPostMediaRef *media_refs;      /* the post's own media and album items, or NULL */
  guint        n_media_refs;
  char       **own_media_files;    /* localFilePaths of the post's media and album (pointers into
                                    * @media_refs, not owned), or NULL */
  char       **others_media_files; /* of the comments' and the reshared post's media, or NULL */
  char        *search_extra;       /* link title, link url, reshared content: NUL-separated */
  guint8       search_parts;       /* which of the three are there (bits 0, 1, 2) */

  /* The index fields above are read when the post is created; the rest
   * (author, link, media, album, reshare, location, poll) the first time
   * someone asks, under @full_lock: from @raw while the post has it, else
   * from @raw_z (the JSON deflated, for a .tgz) or read again from @source. */
  GMutex       full_lock;
  gboolean     full_loaded;
  GBytes      *raw;
  GpmTakeout  *source;
  guint8      *raw_z;
  guint32      raw_z_len;
  guint32      raw_len;
};

/* gpm-post.c */
void gpm_post_add_warning (GpmPost *self,
                           char    *warning);

/* gpm-post-index.c */
void gpm_post_set_times (GpmPost    *self,
                         const char *created,
                         const char *updated);
GpmPost *gpm_post_new_indexed (const char  *entry_name,
                               GBytes      *bytes,
                               gboolean     without_acl,
                               GError     **error);

/* gpm-post-full.c */
void gpm_post_fill_full (GpmPost    *self,
                         JsonObject *root);
PostFull *gpm_post_full_new (const char *entry_name,
                             JsonObject *root);
JsonObject *gpm_post_parse_full_members (GBytes      *raw,
                                         const char **what);
void gpm_post_full_free (PostFull *full);

G_END_DECLS
