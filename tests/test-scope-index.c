/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gpm-scope-index.h"

static GpmPost *
make_post (const char *name, const char *acl)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"creationTime\": \"2018-01-01 00:00:00+0000\", \"postAcl\": %s}", acl);
  GpmPost *post = gpm_post_new_from_data (name, json, -1, &error);
  g_assert_no_error (error);
  return post;
}

#define PUBLIC "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}"
#define CIRCLES "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_YOUR_CIRCLES\"}]}}"
#define FAMILY "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_USER_CIRCLE\", \"resourceName\": \"circles/1-fam\", \"displayName\": \"Family\"}]}}"
#define PI "{\"communityAcl\": {\"community\": {\"resourceName\": \"communities/31\", \"displayName\": \"Raspberry Pi\"}}}"
#define TOWNS "{\"communityAcl\": {\"community\": {\"resourceName\": \"communities/27\", \"displayName\": \"Alte Städte\"}, \"users\": [{\"resourceName\": \"users/5\", \"displayName\": \"Eve\"}]}}"
#define PUB_AND_FAMILY "{\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}, {\"type\": \"CIRCLE_TYPE_USER_CIRCLE\", \"resourceName\": \"circles/1-fam\", \"displayName\": \"Family\"}]}}"

static GpmScopeIndex *
make_index (void)
{
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (posts, make_post ("a.json", PI));
  g_ptr_array_add (posts, make_post ("b.json", FAMILY));
  g_ptr_array_add (posts, make_post ("c.json", PUBLIC));
  g_ptr_array_add (posts, make_post ("d.json", PUB_AND_FAMILY));
  g_ptr_array_add (posts, make_post ("e.json", CIRCLES));
  g_ptr_array_add (posts, make_post ("f.json", TOWNS));
  g_ptr_array_add (posts, make_post ("g.json", PUBLIC));
  return gpm_scope_index_new (posts);
}

static void
test_entries_order (void)
{
  g_autoptr(GpmScopeIndex) index = make_index ();
  GPtrArray *entries = gpm_scope_index_get_entries (index);
  /* Counts: PUBLIC 3, Family 2, then the ties in first-seen order: Pi, CIRCLES, Towns, Eve. */
  static const char * const expected[] = {
    "3 - PUBLIC",
    "2 - CIRCLE (Family):\t circles/1-fam",
    "1 - COMMUNITY (Raspberry Pi):\t communities/31",
    "1 - CIRCLES",
    "1 - COMMUNITY (Alte Städte):\t communities/27",
    "1 - USER (Eve):\t users/5",
  };

  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < entries->len; i++)
    {
      GpmScopeEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *line = gpm_scope_format_stat (e->scope, e->n_posts);
      g_assert_cmpstr (line, ==, expected[i]);
    }
  g_assert_cmpuint (gpm_scope_index_count_key (index, "PUBLIC"), ==, 3);
  g_assert_cmpuint (gpm_scope_index_count_key (index, "circles/1-fam"), ==, 2);
  g_assert_cmpuint (gpm_scope_index_count_key (index, "nope"), ==, 0);
}

static char *
names (GPtrArray *posts)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < posts->len; i++)
    {
      if (i)
        g_string_append_c (s, ' ');
      g_string_append (s, gpm_post_get_entry_name (g_ptr_array_index (posts, i)));
    }
  return g_string_free (s, FALSE);
}

static void
test_select (void)
{
  g_autoptr(GpmScopeIndex) index = make_index ();
  const char * const pub[] = { "PUBLIC", NULL };
  const char * const fam[] = { "circles/1-fam", "CIRCLES", NULL };
  const char * const none[] = { NULL };
  g_autoptr(GPtrArray) a = gpm_scope_index_select (index, pub, FALSE);
  g_autoptr(GPtrArray) b = gpm_scope_index_select (index, fam, FALSE);
  g_autoptr(GPtrArray) c = gpm_scope_index_select (index, none, TRUE);
  g_autoptr(GPtrArray) d = gpm_scope_index_select (index, none, FALSE);
  g_autofree char *sa = names (a), *sb = names (b), *sc = names (c);
  g_auto(GStrv) keys = gpm_scope_index_essentially_public_keys (index);

  /* d.json is public and in Family: listed once. */
  g_assert_cmpstr (sa, ==, "c.json d.json g.json");
  g_assert_cmpstr (sb, ==, "b.json d.json e.json");
  g_assert_cmpstr (sc, ==, "a.json c.json d.json f.json g.json");
  g_assert_cmpuint (d->len, ==, 0);
  g_assert_cmpuint (g_strv_length (keys), ==, 3);
  g_assert_cmpstr (keys[0], ==, "PUBLIC");
  g_assert_true (g_strv_contains ((const char * const *) keys, "communities/27"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scope-index/entries-order", test_entries_order);
  g_test_add_func ("/scope-index/select", test_select);
  return g_test_run ();
}
