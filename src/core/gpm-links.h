/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-links.h: Google+ addresses in a converted post. Google+ is gone, so
 * every plus.google.com address is a dead link: a link to one of the user's
 * own posts that is already on the pod points to that copy, and every other
 * one becomes its Internet Archive form (https://web.archive.org/web/2019/
 * <address>, which the Wayback Machine resolves to its nearest copy) with the
 * original address as the link's text. */
#pragma once

#include <gio/gio.h>

#include "gpm-post.h"

G_BEGIN_DECLS

#define GPM_LINKS_ARCHIVE_PREFIX "https://web.archive.org/web/2019/"

/* The Internet Archive form of a Google+ @address ("https://" is added when
 * it has no scheme). */
char     *gpm_links_archive_url (const char *address);

/* TRUE when @address is on plus.google.com. *@out_profile: whose page or
 * post it is, as written ("+CustomName", decoded, or a numeric id), NULL
 * for communities, collections and the like; *@out_post_id: the id after
 * "/posts/", or NULL. Handles "/u/0/" and "/b/ID/" account prefixes. */
gboolean  gpm_links_parse       (const char  *address,
                                 char       **out_profile,
                                 char       **out_post_id);

/* The pod address of the migrated post journaled as @key, or NULL when it
 * is not on the pod (not migrated, not yet, or failed). */
typedef char *(*GpmLinksLookupFunc) (const char *key,
                                     gpointer    user_data);

#define GPM_TYPE_LINKS (gpm_links_get_type ())
G_DECLARE_FINAL_TYPE (GpmLinks, gpm_links, GPM, LINKS, GObject)

/* Learns the takeout's owner (the posts' author: the numeric id of
 * "users/ID" and every "+CustomName" its posts' and profile addresses use)
 * and the id of each of @posts' own address (GpmPost*, every post of the
 * takeout). Immutable afterwards: safe to share between threads. */
GpmLinks   *gpm_links_new             (GPtrArray  *posts);

/* The journal key (gpm_journal_post_key()) of the owner's post @address
 * links to, or NULL when it is somebody else's or not in the takeout. */
const char *gpm_links_find_own_post   (GpmLinks   *self,
                                       const char *address);

/* @markdown with its Google+ addresses rewritten. @self may be NULL (no
 * address is then known to be the owner's). An own post that @lookup (may
 * be NULL) finds becomes its pod address; every other address becomes
 * "[address](archive form)" when @archive, else stays. Addresses already in
 * a link's target ("](…)") are replaced by the new target alone. */
char       *gpm_links_rewrite         (GpmLinks           *self,
                                       const char         *markdown,
                                       gboolean            archive,
                                       GpmLinksLookupFunc  lookup,
                                       gpointer            lookup_data);

G_END_DECLS
