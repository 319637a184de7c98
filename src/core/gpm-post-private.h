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

/* What few posts have: apart, so the others carry one pointer for it. */
typedef struct {
  GPtrArray  *warnings;            /* char*, or NULL */
  GDateTime  *update_time;         /* made from update_unix on first use */
  char      **others_media_files;  /* of the comments' and the reshared post's media, or NULL */
  guint8     *raw_z;               /* the JSON deflated (a .tgz), or NULL */
  guint32     raw_z_len;
  guint32     raw_len;
  char       *url;                 /* made for gpm_post_get_url() (POST_URL_FROM_RESOURCE) */
} PostRare;

/* The post's own media items and the names of their files, in one block:
 * the refs, then own_files (NULL-terminated), then the strings they point to. */
typedef struct {
  guint            n_refs;
  char           **own_files;   /* localFilePath, else url, of each item that has one; NULL when none */
  GpmPostMediaRef  refs[];
} PostMedia;

/* Which of the strings in @text the post has, in this order (each
 * NUL-ended, the absent ones left out), and the flags. */
enum {
  POST_TEXT_URL             = 1 << 0,
  POST_TEXT_RESOURCE_NAME   = 1 << 1,
  POST_TEXT_CONTENT         = 1 << 2,
  POST_TEXT_LINK_TITLE      = 1 << 3,
  POST_TEXT_LINK_URL        = 1 << 4,
  POST_TEXT_RESHARED        = 1 << 5,
  POST_ACL_PUBLIC_KNOWN     = 1 << 6,  /* the ACL has isPublic (GpmAclPublic) ... */
  POST_ACL_PUBLIC           = 1 << 7,  /* ... and it is true */
  POST_ENTRY_NAME_BORROWED  = 1 << 8,  /* the takeout's entry name (gpm_post_set_source) */
  POST_FROM_FILE            = 1 << 9,  /* read again from the file @entry_name names */
  POST_FULL_LOADED          = 1 << 10,
  POST_HAS_UPDATE_TIME      = 1 << 11,
  POST_URL_FROM_RESOURCE    = 1 << 12, /* the url is POST_URL_HOST + the resource name after "users/" */
  POST_LINK_URL_KNOWN       = 1 << 13, /* gpm_post_has_link_url()'s answer is in POST_HAS_LINK_URL */
  POST_HAS_LINK_URL         = 1 << 14,
};
#define POST_URL_HOST "https://plus.google.com/"
#define POST_N_TEXTS 6

/* A post is kept for every post of the takeout (100,000 of them): the
 * instance holds what every post has, one block each for its strings and
 * its media, and a pointer to what few have (issue 13). */
struct _GpmPost
{
  GObject parent_instance;

  char        *entry_name;   /* owned unless POST_ENTRY_NAME_BORROWED */
  char        *text;         /* url, resource name, content, link title, link url,
                              * reshared content (see POST_TEXT_*); NULL when none */
  const char  *author_id;    /* interned: a takeout has one author, or a few */
  GDateTime   *creation_time;
  gint64       update_unix;  /* seconds, with POST_HAS_UPDATE_TIME */
  GPtrArray   *scopes;       /* GpmScope*; shared by the posts with the same ACL */
  PostMedia   *media;        /* NULL when the post has no media items */
  PostRare    *rare;         /* NULL until needed (post_rare()) */
  /* The index fields above are read when the post is created; the rest
   * (author, link, media, album, reshare, location, poll) the first time
   * someone asks, under @lock: from @raw while the post has it, else from
   * rare->raw_z (the JSON deflated, for a .tgz) or read again from @source.
   * The JSON is dropped when the attachments are read: one pointer for
   * both (a 128-byte instance, not 136: 1.6 MB at 100,000 posts). */
  union {
    GBytes    *raw;          /* until POST_FULL_LOADED; NULL once dropped */
    PostFull  *full;         /* with POST_FULL_LOADED: the attachments, or NULL
                              * when they could not be read */
  };
  GpmTakeout  *source;
  guint        n_comments;
  guint        n_own_comments;   /* of them, with text, by the post's author (the run's sends) */
  guint        n_plus_ones;
  guint        n_reshares;
  gint         lock;         /* g_bit_lock() bit 0: a GMutex would be 8 more bytes a post */
  guint16      flags;        /* POST_TEXT_*, POST_* */
  guint8       attachments;  /* GpmPostAttachments */
};

#define POST_LOCK_BIT 0

/* gpm-post.c */
void gpm_post_add_warning (GpmPost *self,
                           char    *warning);
PostRare *gpm_post_rare (GpmPost *self);
/* Sets the post's strings (@texts: POST_N_TEXTS of them, NULL when absent). */
void gpm_post_set_texts (GpmPost          *self,
                         const char *const texts[POST_N_TEXTS]);

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
