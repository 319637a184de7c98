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
    /* a UTF-8 byte-order mark before the document (RFC 8259 §8.1) */
    { "\xef\xbb\xbf{\"a\": 1}", GPM_JSON_SCAN_OK },
    { "\xef\xbb\xbf\n {}", GPM_JSON_SCAN_OK },
    { "\xef\xbb\xbf[1]", GPM_JSON_SCAN_NOT_OBJECT },
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

static char *
glib_tree_text (const char *doc)
{
  g_autoptr(JsonParser) p = json_parser_new ();

  if (!json_parser_load_from_data (p, doc, -1, NULL))
    return NULL;
  return json_to_string (json_parser_get_root (p), FALSE);
}

/* gpm_json_parse() builds the tree json-glib's parser builds. */
static void
test_tree (void)
{
  static const char * const docs[] = {
    "{}",
    "[]",
    " \n{\"a\": [1, -2.5e+3, true, false, null, {\"b\": \"\\u00e9\\n\"}]}\n",
    "{\"int\": 9007199254740993, \"neg\": -0, \"exp\": 1E2, \"frac\": 0.125}",
    "{\"dup\": 1, \"other\": [], \"dup\": {\"x\": \"last wins\"}}",
    "{\"esc\": \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\ud83d\\ude00 \\u05e9\"}",
    "{\"text\": \"Stra\u00dfe \u65e5\u672c \xf0\x9f\x99\x82 a longer string, long enough for the wide path\"}",
    "[[[[[\"deep\"]]]], {\"k\": {\"k\": {\"k\": null}}}]",
    "\"just a string\"",
    "42",
    "\xef\xbb\xbf{\"after\": \"a byte-order mark\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autofree char *want = glib_tree_text (docs[i]);
      g_autoptr(JsonNode) ours = gpm_json_parse (docs[i], strlen (docs[i]), NULL, NULL, NULL);
      g_autofree char *got = NULL;

      g_test_message ("doc %u: %s", i, docs[i]);
      g_assert_nonnull (want);
      g_assert_nonnull (ours);
      g_assert_true (json_node_is_immutable (ours));
      got = json_to_string (ours, FALSE);
      g_assert_cmpstr (got, ==, want);
    }

  /* What the scan refuses, the tree refuses, with where and why. */
  {
    static const char * const bad[] = {
      "{", "{\"a\": }", "[1, 2", "{\"a\" 1}", "{\"a\": 1} x", "tru", "", "{\"a\": \"\\x\"}",
    };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        const char *what = NULL;
        guint line = 0, col = 0;
        g_autoptr(JsonNode) node = gpm_json_parse (bad[i], strlen (bad[i]), &line, &col, &what);

        g_assert_null (node);
        g_assert_nonnull (what);
        g_assert_cmpuint (line, ==, 1);
        g_assert_cmpuint (col, >=, 1);
      }
  }
}

/* Lone surrogates and escaped NULs, which json-glib refuses (the whole
 * document), become U+FFFD: a post with one stays readable. */
static void
test_tree_lenient (void)
{
  const char *doc = "{\"a\": \"x\\ud800y\", \"b\": \"n\\u0000l\", \"c\": \"\\udc00\"}";
  g_autoptr(JsonNode) node = gpm_json_parse (doc, strlen (doc), NULL, NULL, NULL);
  JsonObject *o;

  g_assert_false (glib_accepts (doc));
  g_assert_nonnull (node);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "a"), ==, "x\xef\xbf\xbdy");
  g_assert_cmpstr (json_object_get_string_member (o, "b"), ==, "n\xef\xbf\xbdl");
  g_assert_cmpstr (json_object_get_string_member (o, "c"), ==, "\xef\xbf\xbd");
  /* the strict decoder still says no */
  g_assert_null (gpm_json_decode_string ("\"x\\ud800y\"", 10));
}

/* The scan checks that strings are UTF-8, at every position of the wide
 * (16 bytes at a time) and the narrow path, with g_utf8_validate()'s rules. */
static void
test_utf8 (void)
{
  static const struct { const char *bytes; gboolean valid; } seqs[] = {
    { "\xc3\xa9", TRUE },          /* é */
    { "\xe2\x80\x93", TRUE },      /* – */
    { "\xf0\x9f\x98\x80", TRUE },  /* 😀 */
    { "\xef\xbf\xbf", TRUE },      /* U+FFFF */
    { "\xf4\x8f\xbf\xbf", TRUE },  /* U+10FFFF */
    { "\xc0\xaf", FALSE },         /* overlong "/" */
    { "\xe0\x80\xaf", FALSE },     /* overlong */
    { "\xed\xa0\x80", FALSE },     /* a surrogate */
    { "\xf4\x90\x80\x80", FALSE }, /* past U+10FFFF */
    { "\xf8\x88\x80\x80\x80", FALSE },
    { "\xc3", FALSE },             /* cut short */
    { "\xe2\x80", FALSE },
    { "\x80", FALSE },             /* a lone continuation byte */
    { "\xff", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (seqs); i++)
    for (guint pad = 0; pad < 40; pad += 3)
      {
        g_autofree char *padding = g_strnfill (pad, 'x');
        g_autofree char *doc = g_strdup_printf ("{\"k\": \"%s%s tail of some length\"}", padding, seqs[i].bytes);
        const char *what = NULL;
        GpmJsonScanResult r = gpm_json_scan_object (doc, strlen (doc), NULL, NULL, NULL, NULL, &what);

        g_assert_cmpint (g_utf8_validate (doc, -1, NULL), ==, seqs[i].valid);
        if (seqs[i].valid)
          g_assert_cmpint (r, ==, GPM_JSON_SCAN_OK);
        else
          {
            g_assert_cmpint (r, ==, GPM_JSON_SCAN_SYNTAX);
            g_assert_cmpstr (what, ==, GPM_JSON_SCAN_NOT_UTF8);
          }
      }

  /* Quotes, backslashes and control characters found at every offset of a chunk. */
  for (guint pad = 0; pad < 40; pad++)
    {
      g_autofree char *padding = g_strnfill (pad, 'y');
      g_autofree char *ok = g_strdup_printf ("{\"k\": \"%s\\\"%s\", \"n\": 1}", padding, padding);
      g_autofree char *ctl = g_strdup_printf ("{\"k\": \"%s\x01%s\"}", padding, padding);
      GpmJsonMember m[2];
      static const char * const names[] = { "k", "n", NULL };
      GpmJsonMember object = { .value = ok, .value_len = strlen (ok), .type = '{' };

      g_assert_cmpint (gpm_json_scan_object (ok, strlen (ok), NULL, NULL, NULL, NULL, NULL), ==, GPM_JSON_SCAN_OK);
      g_assert_cmpint (gpm_json_span_get_members (&object, names, m), ==, 3);
      g_assert_cmpuint (m[0].value_len, ==, 2 * pad + 4);
      g_assert_cmpint (m[1].type, ==, 'n');
      g_assert_cmpint (gpm_json_scan_object (ctl, strlen (ctl), NULL, NULL, NULL, NULL, NULL), ==, GPM_JSON_SCAN_SYNTAX);
    }
}

static void
count_element (const GpmJsonMember *m, gpointer data)
{
  GString *types = data;
  g_assert_null (m->key);
  g_string_append_c (types, m->type);
}

static void
test_spans (void)
{
  const char *doc = "{\"list\": [ {\"a\": 1}, [2], \"s\", 3.5, true, false, null ], \"o\": {\"x\": 1, \"x\": \"two\"}}";
  GpmJsonMember root = { .value = doc, .value_len = strlen (doc), .type = '{' };
  GpmJsonMember list, o, x;
  g_autoptr(GString) types = g_string_new (NULL);
  g_autofree char *two = NULL;

  static const char * const root_names[] = { "list", "missing", "o", NULL };
  static const char * const x_name[] = { "x", NULL };
  static const char * const a_name[] = { "a", NULL };
  GpmJsonMember found[3];

  g_assert_cmpuint (gpm_json_span_get_members (&root, root_names, found), ==, 1 | 4);  /* no "missing" */
  list = found[0];
  o = found[2];
  g_assert_cmpint (list.type, ==, '[');
  gpm_json_span_foreach_element (&list, count_element, types);
  g_assert_cmpstr (types->str, ==, "{[\"ntfz");
  g_assert_cmpuint (gpm_json_span_get_members (&list, a_name, found), ==, 0);  /* not an object */
  g_assert_cmpuint (gpm_json_span_get_members (&o, x_name, &x), ==, 1);      /* the last one */
  two = gpm_json_decode_string (x.value, x.value_len);
  g_assert_cmpstr (two, ==, "two");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-scan/validity", test_validity);
  g_test_add_func ("/json-scan/members", test_members);
  g_test_add_func ("/json-scan/decode", test_decode);
  g_test_add_func ("/json-scan/tree", test_tree);
  g_test_add_func ("/json-scan/tree-lenient", test_tree_lenient);
  g_test_add_func ("/json-scan/utf8", test_utf8);
  g_test_add_func ("/json-scan/spans", test_spans);
  g_test_add_func ("/json-scan/post-index-matches-full-parse", test_post_index_matches_full_parse);
  return g_test_run ();
}
