/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-scope.h: who a post was shared with (Part IV of the seed blog). */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The order is the order the sidebar shows them in. */
typedef enum {
  GPM_SCOPE_PUBLIC,
  GPM_SCOPE_CIRCLES,     /* all of "your circles" */
  GPM_SCOPE_EXTENDED,    /* extended circles */
  GPM_SCOPE_CIRCLE,      /* one named circle (id, name) */
  GPM_SCOPE_USER,        /* one person (id, name) */
  GPM_SCOPE_COLLECTION,
  GPM_SCOPE_COMMUNITY,
  GPM_SCOPE_EVENT,
  GPM_SCOPE_N_KINDS
} GpmScopeKind;

#define GPM_TYPE_SCOPE (gpm_scope_get_type ())

/* One entry of a post's ACL, the seed's (kind, id, name) tuple.
 * For PUBLIC, CIRCLES and EXTENDED, id and name are NULL. */
typedef struct {
  GpmScopeKind kind;
  char *id;    /* e.g. "circles/1178…-4eaf…", "communities/1036…" */
  char *name;  /* display name; "" for a nameless circle, "-" for other nameless scopes */
  gint community_class;  /* GpmCommunityClass, for a COMMUNITY; atomic: see
                          * gpm_scope_set_community_class() */
} GpmScope;    /* in a g_atomic_rc_box: gpm_scope_ref/unref() */

/* What a post's postAcl.isPublic says: real takeouts carry it (the keys of
 * whole archives in FiXato/Plexodus-Tools list postAcl.isPublic beside
 * communityAcl); older ones do not. */
typedef enum {
  GPM_ACL_PUBLIC_ABSENT,
  GPM_ACL_PUBLIC_FALSE,
  GPM_ACL_PUBLIC_TRUE,
} GpmAclPublic;

/* DESIGN: closed communities. A community's posts were seen by everyone
 * (an open community) or by its members only (a closed one). The takeout
 * says which through its posts' isPublic: OPEN when a post to it has
 * isPublic true; CLOSED when none has and the takeout uses the key (a post
 * has isPublic true or false); UNKNOWN when the takeout never has the key
 * (older takeouts: counted as open, as the seed's author did, and the
 * sidebar asks the user to untick the closed ones). Decided in one place,
 * gpm_community_class_decide(), by the scope index over the whole takeout
 * (gpm_scope_index_new() sets it on every COMMUNITY scope of its posts, so
 * gpm_scope_is_essentially_public() and the plan's rules see it without
 * being handed the index) and by the sidebar over the posts read so far. */
typedef enum {
  GPM_COMMUNITY_UNKNOWN,
  GPM_COMMUNITY_OPEN,
  GPM_COMMUNITY_CLOSED,
} GpmCommunityClass;

GpmCommunityClass gpm_community_class_decide (gboolean has_public_post,
                                              gboolean takeout_has_key);

GType        gpm_scope_get_type     (void) G_GNUC_CONST;
GpmScope    *gpm_scope_new          (GpmScopeKind kind, const char *id, const char *name);
GpmScope    *gpm_scope_ref          (GpmScope *scope);
void         gpm_scope_unref        (GpmScope *scope);

/* The seed's Visibility names: "PUBLIC", "CIRCLES", "EXTENDED", "CIRCLE", ... */
const char  *gpm_scope_kind_to_string   (GpmScopeKind kind);
gboolean     gpm_scope_kind_from_string (const char *str, GpmScopeKind *out_kind);
/* TRUE for PUBLIC, CIRCLES, EXTENDED: the kinds without an id. */
gboolean     gpm_scope_kind_is_global   (GpmScopeKind kind);
/* TRUE only for PUBLIC and COMMUNITY (the "essentially public" policy),
 * when nothing is known of the community (see gpm_scope_is_essentially_public()). */
gboolean     gpm_scope_kind_is_essentially_public (GpmScopeKind kind);
/* PUBLIC, or a COMMUNITY that is not known to be closed. */
gboolean     gpm_scope_is_essentially_public (const GpmScope *scope);
/* A COMMUNITY's class as the last index over its posts decided (UNKNOWN
 * for other kinds and before any index). */
GpmCommunityClass gpm_scope_get_community_class (const GpmScope *scope);
/* Set by the scope index (any thread: atomic); the scope may be shared. */
void         gpm_scope_set_community_class (GpmScope         *scope,
                                            GpmCommunityClass klass);

/* Equality and hash on the whole (kind, id, name) tuple, as the seed's stats dict. */
gboolean     gpm_scope_equal        (gconstpointer a, gconstpointer b);
guint        gpm_scope_hash         (gconstpointer scope);

/* A stable key for a scope: "PUBLIC", "CIRCLES", "EXTENDED", or the id. What
 * `select --id` and the selection code match against. */
const char  *gpm_scope_get_key      (const GpmScope *scope);

/* Who the scope is, in words for a person reading a log or a message:
 * "your extended circles", "the circle “Family”", "Alice Smith". */
char        *gpm_scope_describe     (const GpmScope *scope);

/* One line of the seed's statistics output, without the newline:
 * "%d - %s" or "%d - %s (%s):\t %s". */
char        *gpm_scope_format_stat  (const GpmScope *scope, guint count);

/* Parse a postAcl object exactly as Part IV's parse_acl() does (with the
 * event displayName bug fixed). @data is the object's JSON text, as a scan
 * with gpm_json_scan_object() checked it (no tree is built: 20,000 of them
 * cost more than reading the files). Returns a GPtrArray of GpmScope (owned).
 * Shapes the seed does not know (an unknown circle type, an ACL key never
 * seen) are appended to @warnings (may be NULL) as human-readable strings. */
GPtrArray   *gpm_scope_parse_acl    (const char *data,
                                     gsize       length,
                                     GPtrArray  *warnings);
/* The same, and what the ACL's isPublic says in @is_public (may be NULL).
 * A post kept inside a G Suite domain (isDomainRestricted) is never TRUE:
 * its "public" was the organisation. */
GPtrArray   *gpm_scope_parse_acl_full (const char   *data,
                                       gsize         length,
                                       GPtrArray    *warnings,
                                       GpmAclPublic *is_public);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmScope, gpm_scope_unref)

G_END_DECLS
