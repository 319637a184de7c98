/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-posts.h: a deterministic set of Google+ posts for migration tests
 * (every audience kind, with and without photos), the conversion and photo
 * reader the migrator gets in tests, and the expected outcome per post. */
#pragma once

#include "gpm-migrator.h"

G_BEGIN_DECLS

/* @n posts, oldest first, "users/1/posts/kNN". */
GPtrArray *gpm_test_posts_new          (guint n);
/* Maps the scopes the set uses ("circles/fam" → "Family", "CIRCLES" →
 * "Friends"); USER and COLLECTION posts stay unmapped (skipped). */
void       gpm_test_posts_map_aspects  (GpmMigrator *migrator);
/* The migrator's conversion and photo reader for these posts. */
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

G_END_DECLS
