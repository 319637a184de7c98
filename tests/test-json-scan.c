/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The indexing scanner agrees with json-glib on what is valid JSON and on the
 * values it hands out. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "gpm-json-scan.h"
#include "gpm-post.h"

static gboolean
glib_accepts (const char *doc)
{
  g_autoptr(JsonParser) p = json_parser_new ();
  return json_parser_load_from_data (p, doc, -1, NULL);
}

static void
test_validity (void)
{
  /* glib_lenient: json-glib accepts it, Python's json (the seed's) and RFC 8259 do not. */
  static const struct { const char *doc; GpmJsonScanResult want; gboolean glib_lenient; } cases[] = {
    { "{}", GPM_JSON_SCAN_OK },
    { " \n{\"a\": [1, -2.5e+3, true, false, null, {\"b\": \"\\u00e9\\n\"}]}\n", GPM_JSON_SCAN_OK },
    { "[1, 2]", GPM_JSON_SCAN_NOT_OBJECT },
    { "\"text\"", GPM_JSON_SCAN_NOT_OBJECT },
    { "{", GPM_JSON_SCAN_SYNTAX },
    { "{\"a\": }", GPM_JSON_SCAN_SYNTAX },
    { "{\"a\": [1, 2}", GPM_JSON_SCAN_SYNTAX },
    { "{\"a\": \"unterminated}", GPM_JSON_SCAN_SYNTAX },
    { "{\"a\" 1}", GPM_JSON_SCAN_SYNTAX },
    { "{\"a\": 1 \"b\": 2}", GPM_JSON_SCAN_SYNTAX },
    { "{\"a\": tru}", GPM_JSON_SCAN_SYNTAX },
    { "{\"a\": \"bad \\x escape\"}", GPM_JSON_SCAN_SYNTAX, TRUE },
    { "{\"a\": 1} trailing", GPM_JSON_SCAN_SYNTAX },
    { "{\"a\": \"tab\there\"}", GPM_JSON_SCAN_SYNTAX, TRUE },
    { "", GPM_JSON_SCAN_SYNTAX },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *what = NULL;
      guint line = 0, col = 0;
      GpmJsonScanResult r = gpm_json_scan_object (cases[i].doc, strlen (cases[i].doc), NULL, NULL, &line, &col, &what);
      g_test_message ("case %u: %s", i, cases[i].doc);
      g_assert_cmpint (r, ==, cases[i].want);
      if (r == GPM_JSON_SCAN_SYNTAX)
        {
          g_assert_nonnull (what);
          g_assert_cmpuint (line, >=, 1);
          /* json-glib reads an empty document as "no root"; everything else it rejects too. */
          if (cases[i].doc[0] != '\0')
            g_assert_cmpint (glib_accepts (cases[i].doc), ==, cases[i].glib_lenient);
        }
      else
        g_assert_true (glib_accepts (cases[i].doc));
    }
}

static void
collect (const GpmJsonMember *m, gpointer data)
{
  GString *s = data;
  g_string_append_printf (s, "%s:%c:%u:%.*s|", m->key, m->type, m->n_elements, (int) m->value_len, m->value);
}

static void
test_members (void)
{
  const char *doc = "{\"a\\u0062\": [1, [2, 3], {}], \"s\": \"x\\\"y\", \"n\": -0.5, \"z\": null, \"o\": {\"k\": [1]}}";
  g_autoptr(GString) s = g_string_new (NULL);

  g_assert_cmpint (gpm_json_scan_object (doc, strlen (doc), collect, s, NULL, NULL, NULL), ==, GPM_JSON_SCAN_OK);
  g_assert_cmpstr (s->str, ==,
                   "ab:[:3:[1, [2, 3], {}]|s:\":0:\"x\\\"y\"|n:n:0:-0.5|z:z:0:null|o:{:0:{\"k\": [1]}|");
}

static void
test_decode (void)
{
  static const struct { const char *lit, *want; } cases[] = {
    { "\"plain\"", "plain" },
    { "\"\\u00e9t\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\"", "été 😀 \"q\" \\ / \n" },
    { "\"\\u0026lt;b\\u0026gt;\"", "&lt;b&gt;" },
    { "\"lone \\ud800\"", NULL },
    { "\"nul \\u0000\"", NULL },
    { "not a string", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = gpm_json_decode_string (cases[i].lit, strlen (cases[i].lit));
      g_assert_cmpstr (got, ==, cases[i].want);
    }
}

/* The scan-based index fields equal what a full json-glib parse gives. */
static void
test_post_index_matches_full_parse (void)
{
  const char *doc =
    "{\"content\": \"first\", \"url\": \"https://plus.google.com/1/posts/a\","
    " \"creationTime\": \"2016-02-29 23:59:59+0530\","
    " \"comments\": [{\"content\": \"x\"}, {\"content\": \"y\", \"media\": {\"url\": \"u\"}}],"
    " \"plusOnes\": [], \"album\": {\"media\": [{\"url\": \"m1\"}, {\"url\": \"m2\"}]},"
    " \"content\": \"second \\u2013 wins\","
    " \"resharedPost\": {\"author\": {\"displayName\": \"Orig\"}, \"link\": {\"url\": \"https://e.org\"}},"
    " \"postAcl\": {\"communityAcl\": {\"community\": {\"resourceName\": \"communities/1\", \"displayName\": \"C\"}}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPost) post = gpm_post_new_from_data ("p.json", doc, -1, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, doc, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  /* json-glib keeps the last of duplicate members; so does the scan. */
  g_assert_cmpstr (gpm_post_get_content (post), ==, json_object_get_string_member (root, "content"));
  g_assert_cmpuint (gpm_post_get_n_comments (post), ==, 2);
  g_assert_cmpuint (gpm_post_get_n_plus_ones (post), ==, 0);
  g_assert_cmpint (gpm_post_get_attachments (post), ==, GPM_POST_HAS_ALBUM | GPM_POST_HAS_RESHARE);
  g_assert_cmpint (g_date_time_get_utc_offset (gpm_post_get_creation_time (post)) / G_TIME_SPAN_MINUTE, ==, 330);
  /* Attachments are read on first use. */
  g_assert_cmpuint (gpm_post_get_album (post)->len, ==, 2);
  g_assert_cmpstr (gpm_post_get_link (gpm_post_get_reshared_post (post))->url, ==, "https://e.org");
  g_assert_cmpstr (gpm_post_get_author (gpm_post_get_reshared_post (post))->display_name, ==, "Orig");
  g_assert_cmpstr (gpm_post_get_community (post)->name, ==, "C");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-scan/validity", test_validity);
  g_test_add_func ("/json-scan/members", test_members);
  g_test_add_func ("/json-scan/decode", test_decode);
  g_test_add_func ("/json-scan/post-index-matches-full-parse", test_post_index_matches_full_parse);
  return g_test_run ();
}
