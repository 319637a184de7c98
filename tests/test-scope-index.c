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

/* A postAcl with isPublic (the shape of real takeouts) */
#define WITH_IS_PUBLIC(acl, value) "{" acl ", \"isPublic\": " value "}"
#define PI_ACL "\"communityAcl\": {\"community\": {\"resourceName\": \"communities/31\", \"displayName\": \"Raspberry Pi\"}}"
#define SECRET_ACL "\"communityAcl\": {\"community\": {\"resourceName\": \"communities/66\", \"displayName\": \"Secret Club\"}}"
#define PUBLIC_ACL "\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}"

static GpmCommunityClass
class_of (GpmScopeIndex *index,
          const char    *key)
{
  GpmCommunityClass klass = gpm_scope_index_get_community_class (index, key);
  GPtrArray *posts = gpm_scope_index_get_posts (index);

  /* every post's own scope says the same as the index */
  for (guint i = 0; i < posts->len; i++)
    {
      const GpmScope *scope = gpm_post_get_community (g_ptr_array_index (posts, i));

      if (scope != NULL && g_strcmp0 (scope->id, key) == 0)
        g_assert_cmpint (gpm_scope_get_community_class (scope), ==, klass);
    }
  return klass;
}

/* Open, closed, unknown: the takeout's isPublic tells them apart */
static void
test_community_class (void)
{
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmScopeIndex) index = NULL;
  g_autoptr(GpmScopeIndex) old_index = NULL;
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) old_keys = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_autofree char *selected_names = NULL;

  g_assert_cmpint (gpm_community_class_decide (TRUE, TRUE), ==, GPM_COMMUNITY_OPEN);
  g_assert_cmpint (gpm_community_class_decide (FALSE, TRUE), ==, GPM_COMMUNITY_CLOSED);
  g_assert_cmpint (gpm_community_class_decide (FALSE, FALSE), ==, GPM_COMMUNITY_UNKNOWN);

  /* Pi has a public post (the second one: a late one counts the same),
   * the Secret Club none; the public post says the takeout has the key */
  g_ptr_array_add (posts, make_post ("a.json", "{" PI_ACL "}"));
  g_ptr_array_add (posts, make_post ("b.json", "{" SECRET_ACL "}"));
  g_ptr_array_add (posts, make_post ("c.json", WITH_IS_PUBLIC (PUBLIC_ACL, "true")));
  g_ptr_array_add (posts, make_post ("d.json", "{" SECRET_ACL "}"));
  g_ptr_array_add (posts, make_post ("e.json", WITH_IS_PUBLIC (PI_ACL, "true")));
  index = gpm_scope_index_new (posts);
  g_assert_true (gpm_scope_index_has_public_key (index));
  g_assert_cmpint (gpm_post_get_acl_public (g_ptr_array_index (posts, 0)), ==, GPM_ACL_PUBLIC_ABSENT);
  g_assert_cmpint (gpm_post_get_acl_public (g_ptr_array_index (posts, 4)), ==, GPM_ACL_PUBLIC_TRUE);
  g_assert_cmpint (class_of (index, "communities/31"), ==, GPM_COMMUNITY_OPEN);
  g_assert_cmpint (class_of (index, "communities/66"), ==, GPM_COMMUNITY_CLOSED);
  g_assert_cmpint (gpm_scope_index_get_community_class (index, "PUBLIC"), ==, GPM_COMMUNITY_UNKNOWN);
  /* an open community's post without the key goes public; a closed one's never */
  g_assert_true (gpm_post_is_essentially_public (g_ptr_array_index (posts, 0)));
  g_assert_false (gpm_post_is_essentially_public (g_ptr_array_index (posts, 1)));
  g_assert_false (gpm_scope_is_essentially_public (gpm_post_get_community (g_ptr_array_index (posts, 1))));

  /* the preset leaves the closed community out */
  keys = gpm_scope_index_essentially_public_keys (index);
  g_assert_true (g_strv_contains ((const char * const *) keys, "communities/31"));
  g_assert_false (g_strv_contains ((const char * const *) keys, "communities/66"));
  selected = gpm_scope_index_select (index, (const char * const []) { NULL }, TRUE);
  selected_names = names (selected);
  g_assert_cmpstr (selected_names, ==, "a.json c.json e.json");

  /* An older takeout without the key: nothing known, as before (the
   * community is essentially public, the sidebar asks the user) */
  g_ptr_array_add (old, make_post ("a.json", "{" PI_ACL "}"));
  g_ptr_array_add (old, make_post ("b.json", "{" SECRET_ACL "}"));
  g_ptr_array_add (old, make_post ("c.json", "{" PUBLIC_ACL "}"));
  old_index = gpm_scope_index_new (old);
  g_assert_false (gpm_scope_index_has_public_key (old_index));
  g_assert_cmpint (class_of (old_index, "communities/31"), ==, GPM_COMMUNITY_UNKNOWN);
  g_assert_cmpint (class_of (old_index, "communities/66"), ==, GPM_COMMUNITY_UNKNOWN);
  old_keys = gpm_scope_index_essentially_public_keys (old_index);
  g_assert_true (g_strv_contains ((const char * const *) old_keys, "communities/66"));
  g_assert_true (gpm_post_is_essentially_public (g_ptr_array_index (old, 1)));
}

/* isPublic false, or true inside a G Suite domain, says the takeout has
 * the key but makes no community open; a post's own false wins over its
 * community's openness, its own true over its audiences */
static void
test_post_is_public (void)
{
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpmScopeIndex) index = NULL;

  g_ptr_array_add (posts, make_post ("a.json", WITH_IS_PUBLIC (SECRET_ACL, "false")));
  g_ptr_array_add (posts, make_post ("b.json", WITH_IS_PUBLIC (SECRET_ACL ", \"isDomainRestricted\": true", "true")));
  g_ptr_array_add (posts, make_post ("c.json", WITH_IS_PUBLIC (PI_ACL, "true")));
  g_ptr_array_add (posts, make_post ("d.json", WITH_IS_PUBLIC (PI_ACL, "false")));
  g_ptr_array_add (posts, make_post ("e.json", WITH_IS_PUBLIC ("\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_YOUR_CIRCLES\"}]}", "true")));
  g_ptr_array_add (posts, make_post ("f.json", WITH_IS_PUBLIC (PI_ACL, "\"yes\"")));
  index = gpm_scope_index_new (posts);
  g_assert_cmpint (gpm_post_get_acl_public (g_ptr_array_index (posts, 0)), ==, GPM_ACL_PUBLIC_FALSE);
  g_assert_cmpint (gpm_post_get_acl_public (g_ptr_array_index (posts, 1)), ==, GPM_ACL_PUBLIC_FALSE);
  g_assert_cmpint (gpm_post_get_acl_public (g_ptr_array_index (posts, 5)), ==, GPM_ACL_PUBLIC_ABSENT);
  g_assert_cmpint (class_of (index, "communities/66"), ==, GPM_COMMUNITY_CLOSED);
  g_assert_cmpint (class_of (index, "communities/31"), ==, GPM_COMMUNITY_OPEN);
  g_assert_false (gpm_post_is_essentially_public (g_ptr_array_index (posts, 0)));
  g_assert_false (gpm_post_is_essentially_public (g_ptr_array_index (posts, 1)));
  g_assert_true (gpm_post_is_essentially_public (g_ptr_array_index (posts, 2)));
  g_assert_false (gpm_post_is_essentially_public (g_ptr_array_index (posts, 3)));
  g_assert_true (gpm_post_is_essentially_public (g_ptr_array_index (posts, 4)));
  g_assert_true (gpm_post_is_essentially_public (g_ptr_array_index (posts, 5)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scope-index/entries-order", test_entries_order);
  g_test_add_func ("/scope-index/select", test_select);
  g_test_add_func ("/scope-index/community-class", test_community_class);
  g_test_add_func ("/scope-index/post-is-public", test_post_is_public);
  return g_test_run ();
}
