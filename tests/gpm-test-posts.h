/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-posts.h: Google+ posts for migration tests, made one by one or
 * as a deterministic set (every audience kind, with and without photos),
 * the conversion and photo reader the migrator gets in tests, the expected
 * outcome per post, and small file helpers the tests share. */
#pragma once

#include "gpm-migrator.h"

G_BEGIN_DECLS

/* The audiences a test post can have. */
typedef enum {
  GPM_TEST_ACL_PUBLIC,
  GPM_TEST_ACL_COMMUNITY,
  GPM_TEST_ACL_CIRCLE_FAMILY,   /* "circles/fam": mapped to aspect "Family" */
  GPM_TEST_ACL_YOUR_CIRCLES,    /* "CIRCLES": mapped to aspect "Friends" */
  GPM_TEST_ACL_USER,            /* never mapped: skipped */
  GPM_TEST_ACL_COLLECTION,      /* never mapped: skipped */
} GpmTestAcl;

/* The post "users/1/posts/@id" by Ada (entry "…/Posts/@id.json"), created
 * at @created ("2018-07-01 20:43:51+0000"), with the HTML @content, @acl
 * and @n_photos photos "@id-N.png" (one: a media, more: an album). */
GpmPost   *gpm_test_post_new           (const char *id,
                                        const char *created,
                                        const char *content,
                                        GpmTestAcl  acl,
                                        guint       n_photos);
/* The same with comments: @n_own by Ada (with text), @n_others by Bo, and
 * one by Ada with no text (a photo alone: not one of hers to post). */
GpmPost   *gpm_test_post_new_commented (const char *id,
                                        const char *created,
                                        const char *content,
                                        GpmTestAcl  acl,
                                        guint       n_photos,
                                        guint       n_own,
                                        guint       n_others);
/* @n posts, oldest first, "users/1/posts/kNNN". */
GPtrArray *gpm_test_posts_new          (guint n);
/* Maps the scopes the set uses ("circles/fam" → "Family", "CIRCLES" →
 * "Friends"); USER and COLLECTION posts stay unmapped (skipped). */
void       gpm_test_posts_map_aspects  (GpmMigrator *migrator);
/* Appends the archive entries of @post's photos to @photos (char*), in order. */
void       gpm_test_posts_add_photos   (GpmPost *post, GPtrArray *photos);
/* The migrator's conversion and photo reader for these posts (every photo
 * is the same valid 1×1 PNG, gpm_test_posts_photo_size() bytes). */
char      *gpm_test_posts_convert      (GpmPost *post, GPtrArray *photos, gpointer user_data, GError **error);
/* The same, but every eighth post from k002 on is longer than diaspora*
 * takes (about 160,000 characters in paragraphs before the usual text):
 * posted in parts (gpm_long_post_split()). */
char      *gpm_test_posts_convert_long (GpmPost *post, GPtrArray *photos, gpointer user_data, GError **error);
GBytes    *gpm_test_posts_read         (GpmPost *post, const char *photo, gpointer user_data, GError **error);
gsize      gpm_test_posts_photo_size   (void);
/* What must happen to @post with the mapping above: NULL when it must be
 * skipped, else "public" or the aspect name. */
const char *gpm_test_posts_expected_audience (GpmPost *post);
guint      gpm_test_posts_n_photos     (GpmPost *post);
/* The migrator's comments function for these posts (the user's own
 * comments): every third post has three, "Own comment K on kNNN". */
GPtrArray *gpm_test_posts_comments     (GpmPost *post, gpointer user_data, GError **error);

/* The app's GSettings schema compiled in the build tree (data/); NULL, and
 * the test skipped (g_test_skip()), when it is not there. */
GSettingsSchema *gpm_test_lookup_app_schema (void);
/* The app's settings in memory (a new memory backend each call); NULL, and
 * the test skipped, without the compiled schema. */
GSettings *gpm_test_app_settings_new   (void);

/* Removes @path and everything below it (links are not followed). */
void       gpm_test_remove_tree        (const char *path);

G_END_DECLS
