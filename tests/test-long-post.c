/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm_long_post_split(): a post over diaspora*'s limit as a post and its
 * continuation (issue 17): every part under the limit, cut at the best
 * boundary, nothing lost, no character or Markdown link broken. */
#define G_LOG_DOMAIN "test-long-post"

#include <string.h>

#include "gpm-diaspora.h"
#include "gpm-long-post.h"

/* The text without its whitespace: what a split must keep, in order. */
static char *
no_space (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (s, g_utf8_get_char (p));
  return g_string_free (s, FALSE);
}

/* The parts are well formed and hold exactly @text. */
static void
assert_parts (const char  *text,
              GStrv        parts,
              guint        max)
{
  const char *note = gpm_long_post_note ();
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autofree char *want = no_space (text);
  g_autofree char *got = NULL;
  guint n = g_strv_length (parts);

  g_assert_cmpuint (n, >=, 1);
  for (guint i = 0; i < n; i++)
    {
      const char *part = parts[i];

      g_assert_true (g_utf8_validate (part, -1, NULL));
      g_assert_cmpint (g_utf8_strlen (part, -1), <=, max);
      /* the limit is in bytes (never more characters than bytes) */
      g_assert_cmpuint (strlen (part), <=, max);
      g_assert_cmpuint (strlen (part), <=, GPM_DIASPORA_MAX_TEXT_BYTES);
      g_assert_cmpstr (part, !=, "");
      if (n > 1)
        {
          /* diaspora* strips a comment: the parts are stripped already */
          g_assert_false (g_unichar_isspace (g_utf8_get_char (part)));
          g_assert_false (g_unichar_ismark (g_utf8_get_char (part)));
        }
      if (i == 0 && n > 1)
        {
          g_autofree char *tail = g_strconcat ("\n\n", note, NULL);

          g_assert_true (g_str_has_suffix (part, tail));
          g_string_append_len (joined, part, strlen (part) - strlen (note));
        }
      else
        g_string_append (joined, part);
    }
  got = no_space (joined->str);
  g_assert_cmpstr (got, ==, want);
}

static void
test_short (void)
{
  const char *text = "  A post that fits.\n\n#repost  ";
  g_auto(GStrv) parts = gpm_long_post_split (text, GPM_DIASPORA_MAX_TEXT_BYTES);

  g_assert_cmpuint (g_strv_length (parts), ==, 1);
  /* untouched: what is sent is exactly the converted text */
  g_assert_cmpstr (parts[0], ==, text);
}

static void
test_paragraphs (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;

  /* 160 paragraphs of 1,000 characters: 160,000 + blank lines */
  for (guint i = 0; i < 160; i++)
    {
      g_autofree char *line = g_strdup_printf ("Paragraph %03u ", i);

      if (i > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, line);
      for (guint k = strlen (line); k < 1000; k++)
        g_string_append_c (text, k % 10 == 9 && k < 999 ? ' ' : 'a' + k % 26);
    }
  parts = gpm_long_post_split (text->str, GPM_DIASPORA_MAX_TEXT_BYTES);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  assert_parts (text->str, parts, GPM_DIASPORA_MAX_TEXT_CHARS);
  /* cut between paragraphs: each continuation starts a paragraph, and the
   * parts joined by blank lines are the text */
  g_assert_true (g_str_has_prefix (parts[1], "Paragraph "));
  g_assert_true (g_str_has_prefix (parts[2], "Paragraph "));
  {
    const char *note = gpm_long_post_note ();
    g_autofree char *first = g_strndup (parts[0], strlen (parts[0]) - strlen (note) - 2);
    g_autofree char *joined = g_strjoin ("\n\n", first, parts[1], parts[2], NULL);

    g_assert_cmpstr (joined, ==, text->str);
  }
  /* as much as fits: the first part is within one paragraph of the limit */
  g_assert_cmpint (g_utf8_strlen (parts[0], -1), >, GPM_DIASPORA_MAX_TEXT_CHARS - 1100);
  g_assert_true (gpm_long_post_may_be_first (parts[0], GPM_DIASPORA_MAX_TEXT_BYTES));
  g_assert_false (gpm_long_post_may_be_first ("Post 3", GPM_DIASPORA_MAX_TEXT_BYTES));
}

static void
test_lines_then_words (void)
{
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GString) words = g_string_new (NULL);
  g_auto(GStrv) by_line = NULL;
  g_auto(GStrv) by_word = NULL;

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (lines, "line %02u with some words in it\n", i);
  by_line = gpm_long_post_split (lines->str, 400);
  assert_parts (lines->str, by_line, 400);
  for (guint i = 1; by_line[i] != NULL; i++)
    g_assert_true (g_str_has_prefix (by_line[i], "line "));

  for (guint i = 0; i < 300; i++)
    g_string_append_printf (words, "word%03u ", i);
  by_word = gpm_long_post_split (words->str, 200);
  assert_parts (words->str, by_word, 200);
  for (guint i = 1; by_word[i] != NULL; i++)
    g_assert_true (g_str_has_prefix (by_word[i], "word"));
}

static void
test_multibyte (void)
{
  /* no space at all: a hard cut, never inside a character nor between a
   * letter and its accent, nor inside a joined emoji */
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;

  for (guint i = 0; i < 400; i++)
    g_string_append (text, i % 3 == 0 ? "e\xcc\x81" : i % 3 == 1 ? "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb" : "\xe6\x97\xa5");
  parts = gpm_long_post_split (text->str, 100);
  g_assert_cmpuint (g_strv_length (parts), >, 5);
  assert_parts (text->str, parts, 100);
  for (guint i = 1; parts[i] != NULL; i++)
    {
      gunichar c = g_utf8_get_char (parts[i]);

      g_assert_true (c == 'e' || c == 0x1F469 || c == 0x65E5);
    }
}

/* Under the characters but over the bytes a pod on MySQL keeps in
 * posts.text (a TEXT column: 65,535 bytes, gpm-diaspora.h): 40,000
 * characters of Greek, two bytes each, are split too, every part within
 * the bytes; an ASCII text of the same length is not. */
static void
test_bytes (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) ascii = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) whole = NULL;

  for (guint i = 0; i < 4000; i++)
    {
      g_string_append (text, i % 50 == 49 ? "\u03b1\u03b2\u03b3\u03b4\u03b5\u03b6\u03b7\u03b8\u03b9\n\n"
                                          : "\u03b1\u03b2\u03b3\u03b4\u03b5\u03b6\u03b7\u03b8\u03b9 ");
      g_string_append (ascii, "abcdefghi ");
    }
  g_assert_cmpint (g_utf8_strlen (text->str, -1), <, GPM_DIASPORA_MAX_TEXT_CHARS);
  g_assert_cmpuint (text->len, >, GPM_DIASPORA_MAX_TEXT_BYTES);
  g_assert_false (gpm_long_post_fits (text->str, GPM_DIASPORA_MAX_TEXT_BYTES));
  g_assert_true (gpm_long_post_fits (ascii->str, GPM_DIASPORA_MAX_TEXT_BYTES));

  parts = gpm_long_post_split (text->str, GPM_DIASPORA_MAX_TEXT_BYTES);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  assert_parts (text->str, parts, GPM_DIASPORA_MAX_TEXT_CHARS);
  /* cut at a paragraph, as much as fits */
  g_assert_true (g_str_has_prefix (parts[1], "\u03b1"));
  g_assert_cmpuint (strlen (parts[0]), >, GPM_DIASPORA_MAX_TEXT_BYTES - 1100);
  g_assert_true (gpm_long_post_may_be_first (parts[0], GPM_DIASPORA_MAX_TEXT_BYTES));

  whole = gpm_long_post_split (ascii->str, GPM_DIASPORA_MAX_TEXT_BYTES);
  g_assert_cmpuint (g_strv_length (whole), ==, 1);

  /* The warning the review, the preview and the editor show follows the
   * same rule: the Greek text is said to be cut (in bytes), the ASCII one
   * not; one over the characters too says characters */
  {
    g_autofree char *greek = gpm_long_post_dup_warning (text->str);
    g_autofree char *plain = gpm_long_post_dup_warning (ascii->str);
    g_autofree char *n = g_strdup_printf ("The post takes %u,%03u bytes; a diaspora* pod that stores posts in MySQL "
                                          "takes at most 65,535. It is posted up to a paragraph under that, and the "
                                          "rest follows in 1 comment of yours under it.",
                                          (guint) text->len / 1000, (guint) text->len % 1000);
    g_autofree char *twice = g_strconcat (ascii->str, ascii->str, NULL);
    g_autofree char *longer = gpm_long_post_dup_warning (twice);

    g_assert_cmpstr (greek, ==, n);
    g_assert_null (plain);
    g_assert_cmpstr (longer, ==, "The post is 80,000 characters long; diaspora* takes at most 65,535. It is posted up to "
                                 "a paragraph under that, and the rest follows in 1 comment of yours under it.");
  }
}

/* Each part's links are whole: `[text](target)` never cut. */
static void
assert_links_whole (const char *part)
{
  guint open = 0, mid = 0, close = 0;

  for (const char *p = part; *p != '\0'; p++)
    {
      open += *p == '[';
      mid += p[0] == ']' && p[1] == '(';
      close += *p == ')';
    }
  g_assert_cmpuint (open, ==, mid);
  g_assert_cmpuint (mid, ==, close);
}

static void
test_links (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (text, "see [a link with several words number %u](https://example.com/%u) and ", i, i);
  for (guint max = 120; max < 400; max += 37)
    {
      g_auto(GStrv) p = gpm_long_post_split (text->str, max);

      assert_parts (text->str, p, max);
      for (guint i = 0; p[i] != NULL; i++)
        {
          g_autofree char *body = i == 0 ? g_strndup (p[0], strlen (p[0]) - strlen (gpm_long_post_note ()))
                                         : g_strdup (p[i]);
          assert_links_whole (body);
        }
    }
  parts = gpm_long_post_split (text->str, GPM_DIASPORA_MAX_TEXT_BYTES);
  g_assert_cmpuint (g_strv_length (parts), ==, 1);
}

static void
test_random (void)
{
  static const char *const pieces[] = {
    "a", "word", " ", "\n", "\n\n", "é", "e\xcc\x81", "\xf0\x9f\x91\x8d", "[x y](u)", "\\[", "(", ")", "**b**",
  };

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      guint max = g_test_rand_int_range (64, 300);
      guint n = g_test_rand_int_range (1, 600);
      g_auto(GStrv) parts = NULL;
      g_autofree char *visible = NULL;

      for (guint i = 0; i < n; i++)
        g_string_append (text, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
      visible = no_space (text->str);
      if (*visible == '\0')
        continue;
      parts = gpm_long_post_split (text->str, max);
      assert_parts (text->str, parts, max);
      /* the estimate's count is the split's (gpm_plan_post_extra_sends()) */
      g_assert_cmpuint (gpm_long_post_count_parts (text->str, max), ==, g_strv_length (parts));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/long-post/short", test_short);
  g_test_add_func ("/long-post/paragraphs", test_paragraphs);
  g_test_add_func ("/long-post/lines-then-words", test_lines_then_words);
  g_test_add_func ("/long-post/multibyte", test_multibyte);
  g_test_add_func ("/long-post/bytes", test_bytes);
  g_test_add_func ("/long-post/links", test_links);
  g_test_add_func ("/long-post/random", test_random);

  return g_test_run ();
}
