/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post.h: one Google+ post as read from a Takeout's post JSON. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "gpm-problem.h"
#include "gpm-scope.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

#define GPM_POST_ERROR (gpm_post_error_quark ())
typedef enum {
  GPM_POST_ERROR_EMPTY,      /* zero-byte file */
  GPM_POST_ERROR_SYNTAX,     /* malformed or truncated JSON */
  GPM_POST_ERROR_NOT_A_POST, /* valid JSON, but not a post object */
  GPM_POST_ERROR_NO_ACL,     /* a post without postAcl */
  GPM_POST_ERROR_NOT_OWN,    /* a post of the Google+ Communities export: anybody's */
} GpmPostError;
GQuark gpm_post_error_quark (void);

/* Attachments. Owned by the post; read-only for callers. */
typedef struct {
  char *display_name;
  char *resource_name;     /* "users/117…" */
  char *profile_url;
  char *avatar_url;
} GpmPerson;

typedef struct {
  char *title;
  char *url;
  char *image_url;
} GpmLink;

typedef struct {
  char *url;
  char *content_type;      /* "image/jpeg", "video/mp4", or the wildcard form Takeout writes */
  char *description;
  char *resource_name;
  char *local_file_path;   /* media.localFilePath when Takeout wrote it */
  int   width;
  int   height;
} GpmMedia;

typedef struct {
  char   *display_name;
  char   *physical_address;
  double  latitude;
  double  longitude;
  gboolean has_coordinates;
} GpmLocation;

typedef struct {
  char *description;
  char *image_url;
  char *image_local_file_path;
  char *resource_name;
  int   vote_count;
} GpmPollChoice;

typedef struct {
  GPtrArray *choices;      /* GpmPollChoice* */
  char      *image_url;
  char      *image_local_file_path;
  int        total_votes;
} GpmPoll;

/* Which attachments a post has, known without reading them. */
typedef enum {
  GPM_POST_HAS_MEDIA    = 1 << 0,
  GPM_POST_HAS_ALBUM    = 1 << 1,
  GPM_POST_HAS_LINK     = 1 << 2,
  GPM_POST_HAS_RESHARE  = 1 << 3,
  GPM_POST_HAS_POLL     = 1 << 4,
  GPM_POST_HAS_LOCATION = 1 << 5,
  GPM_POST_MEDIA_IS_VIDEO = 1 << 6,  /* the single "media" is a video (contentType video/…) */
} GpmPostAttachments;

/* One of the post's own media items (album items, then the single media),
 * as indexing read it: what finding and checking its file needs. */
typedef struct {
  char     *local_file_path;  /* NULL when the JSON has none */
  char     *url;              /* NULL when the JSON has none */
  gboolean  video;            /* contentType video/… */
} GpmPostMediaRef;

#define GPM_TYPE_POST (gpm_post_get_type ())
G_DECLARE_FINAL_TYPE (GpmPost, gpm_post, GPM, POST, GObject)

/* Parse one post. Indexing fields (ids, dates, content, scopes, counts,
 * attachment kinds) are read at once; the attachments themselves (author,
 * link, media, album, reshare, location, poll) the first time a getter asks
 * for them (thread-safe). @entry_name is where it came from (a path, or an entry name
 * inside an archive) and is kept for messages and `select` output.
 * Reshared posts (resharedPost) are parsed with the same code but carry no ACL. */
GpmPost           *gpm_post_new_from_data         (const char  *entry_name,
                                                   const char  *data,
                                                   gssize       length,
                                                   GError     **error);
/* The same, keeping a reference to @data instead of a copy. */
GpmPost           *gpm_post_new_from_bytes        (const char  *entry_name,
                                                   GBytes      *data,
                                                   GError     **error);
GpmPost           *gpm_post_new_from_file         (const char  *path,
                                                   GError     **error);
/* A post that lost its postAcl (where gpm_post_new_from_bytes() fails with
 * GPM_POST_ERROR_NO_ACL), read anyway so it can be shown and converted: no
 * scopes (never selected, never posted), and a warning that says so. Other
 * errors as gpm_post_new_from_bytes(). */
GpmPost           *gpm_post_new_without_acl       (const char  *entry_name,
                                                   GBytes      *bytes,
                                                   GError     **error);

/* @entry_name, when not NULL, is the takeout's own copy of the post's entry
 * name (gpm_takeout_load()'s callback gets it), used instead of the post's. */
/* After indexing: the post's JSON is dropped from memory and read again
 * from @takeout (its entry name) when the attachments are first asked for;
 * with @keep_deflated (a .tgz, whose entries cannot be reached directly),
 * kept deflated in memory instead. Without a source a post keeps its JSON
 * until the attachments are read. */
void               gpm_post_set_source            (GpmPost    *self,
                                                   GpmTakeout *takeout,
                                                   const char *entry_name,
                                                   gboolean    keep_deflated);
/* The same for a post read with gpm_post_new_from_file(): its JSON is read
 * again from that file (which must stay) when the attachments are asked for. */
void               gpm_post_set_source_file       (GpmPost *self);
/* A scoped full view, for a pass over many posts (the warnings check):
 * until gpm_post_end_full_view(), the attachment getters called by THIS
 * thread on @self read a parse made for it, which the end frees, instead
 * of the one kept on the post for good. Other threads (the preview, the
 * migrator) see the post as usual meanwhile. One view per thread at a
 * time; a post read already uses what it has. The caller keeps a
 * reference to @self, and drops what a getter gave once the view ends. */
void               gpm_post_begin_full_view       (GpmPost *self);
void               gpm_post_end_full_view         (GpmPost *self);
/* The same, for a getter called from anywhere, inside another view or
 * not: begins a view only when this thread has none and the post's
 * attachments were not read already. TRUE when it did: end it then. */
gboolean           gpm_post_begin_full_view_if_free (GpmPost *self);
/* Whether the post's link, or the link of the post it reshares, has a url
 * (not empty): what gpm_convert_post_is_nothing_own() asks of every post
 * without text of its own. Read through a full view the first time and
 * kept as a bit, not as the attachments (the post list asks it of every
 * row, the plan's count of every post). */
gboolean           gpm_post_has_link_url          (GpmPost *self);
/* Whether @self's attachments are there for this thread: read for good
 * already, or in its full view. FALSE when the post's JSON could not be
 * read again (its takeout moved, its disk unplugged): the getters then
 * answer as if the post had no attachments, so nothing built from them
 * may be taken for the post. */
gboolean           gpm_post_full_is_readable      (GpmPost *self);
/* The post's JSON (kept, deflated, or read again from its takeout). */
GBytes            *gpm_post_dup_json              (GpmPost  *self,
                                                   GError  **error);

const char        *gpm_post_get_entry_name        (GpmPost *self);
/* The post's url; made from the resource name when it is the usual
 * "https://plus.google.com/" + its user and post ids, then kept on the post:
 * a pass over every post takes gpm_post_dup_url() instead. */
const char        *gpm_post_get_url               (GpmPost *self);
/* The same, a copy (free it): nothing kept on the post. */
char              *gpm_post_dup_url               (GpmPost *self);
const char        *gpm_post_get_resource_name     (GpmPost *self);
/* creationTime / updateTime ("2018-07-15 20:43:51+0000"); NULL if absent or unparsable. */
GDateTime         *gpm_post_get_creation_time     (GpmPost *self);
GDateTime         *gpm_post_get_update_time       (GpmPost *self);
const GpmPerson   *gpm_post_get_author            (GpmPost *self);
/* The author's resourceName (free it), NULL without one; read without the
 * full parse when that has not happened yet. */
char              *gpm_post_dup_author_id         (GpmPost *self);
/* The author's resourceName as the index read it (interned, not to be
 * freed), NULL when the post's JSON has none; never reads the JSON again. */
const char        *gpm_post_peek_author_id        (GpmPost *self);
/* The G+ pseudo-HTML content, "" when the post has none. */
const char        *gpm_post_get_content           (GpmPost *self);
const GpmLink     *gpm_post_get_link              (GpmPost *self);
/* The single "media" attachment, or NULL. */
const GpmMedia    *gpm_post_get_media             (GpmPost *self);
/* album.media[], GpmMedia*; NULL when the post has no album. */
GPtrArray         *gpm_post_get_album             (GpmPost *self);
gboolean           gpm_post_has_album             (GpmPost *self);
/* Cheap: known from indexing, reads no attachment. */
GpmPostAttachments gpm_post_get_attachments       (GpmPost *self);
GpmPost           *gpm_post_get_reshared_post     (GpmPost *self);
const GpmLocation *gpm_post_get_location          (GpmPost *self);
const GpmPoll     *gpm_post_get_poll              (GpmPost *self);

/* The ACL as scopes (GpmScope*, owned by the post), in the seed's order. */
GPtrArray         *gpm_post_get_scopes            (GpmPost *self);
/* Replaces the post's scopes with an equal array shared with other posts
 * (GpmImport keeps one per distinct ACL). Nobody changes a post's scopes. */
void               gpm_post_share_scopes          (GpmPost   *self,
                                                   GPtrArray *scopes);
/* What the post's postAcl.isPublic says (read when the post is indexed). */
GpmAclPublic       gpm_post_get_acl_public        (GpmPost *self);
/* Whether the post goes out publicly (the one rule, gpm_plan_resolve_audience()
 * and the plan's counts follow it): isPublic true, whatever its audiences;
 * else a PUBLIC audience; else, unless isPublic is false, a community not
 * known to be closed (gpm_scope_is_essentially_public()). */
gboolean           gpm_post_is_essentially_public (GpmPost *self);
/* The community (COMMUNITY scope) or collection the post was in, or NULL. */
const GpmScope    *gpm_post_get_community         (GpmPost *self);
const GpmScope    *gpm_post_get_collection        (GpmPost *self);
const GpmScope    *gpm_post_get_event             (GpmPost *self);

/* Other people's activity: counted, never migrated. */
guint              gpm_post_get_n_comments        (GpmPost *self);
guint              gpm_post_get_n_plus_ones       (GpmPost *self);
guint              gpm_post_get_n_reshares        (GpmPost *self);
/* The comments the author wrote under their own post, with text: what
 * gpm_comments_read_own() finds (with the author's resourceName), counted
 * at indexing so that the estimate of a run needs no post read again. */
guint              gpm_post_get_n_own_comments    (GpmPost *self);

/* The media files the post's JSON names, read when the post is: each
 * media's localFilePath, or its url when it has none; of the post's own
 * media and album (@others FALSE), or of other people's media in it, the
 * comments' and the reshared post's (@others TRUE). NULL when none. */
const char * const *gpm_post_get_media_files      (GpmPost  *self,
                                                   gboolean  others);

/* The post's own media items as read when indexing (*@n_refs of them, NULL
 * when none): no second read of the post. */
const GpmPostMediaRef *gpm_post_get_media_refs    (GpmPost *self,
                                                   guint   *n_refs);

/* What search looks at besides the content, known from indexing: the
 * link's title and url, the reshared post's content (HTML); NULL when the
 * post has none. Any out pointer may be NULL. */
void               gpm_post_get_search_parts      (GpmPost     *self,
                                                   const char **link_title,
                                                   const char **link_url,
                                                   const char **reshared_content);

/* Non-fatal problems met while parsing (unknown ACL shapes, bad dates), strings. */
GPtrArray         *gpm_post_get_warnings          (GpmPost *self);

/* Appends one GpmProblem per warning (named by the post's entry name) to @problems. */
void               gpm_post_collect_problems      (GpmPost   *self,
                                                   GPtrArray *problems);


G_END_DECLS
