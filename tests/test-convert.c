/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests for gpm-convert: Google+ post → diaspora* Markdown (Part III of the seed). */
#include "config.h"

#include <glib/gstdio.h>
#include <libxml/HTMLparser.h>
#include <locale.h>
#include <string.h>

#include "gpm-convert.h"
#include "gpm-render.h"
#include "gpm-test-posts.h"

/* ---- HTML → Markdown table ------------------------------------------------ */

typedef struct {
  const char *name;
  const char *html;
  const char *markdown;
} HtmlCase;

static const HtmlCase html_cases[] = {
  /* What html2text (the seed) writes, byte for byte. */
  { "plain", "Hello world", "Hello world\n" },
  { "empty-ish", " ", "\n" },
  { "bold", "a <b>bold</b> word", "a **bold** word\n" },
  { "strong", "<strong>strong</strong> text", "**strong** text\n" },
  { "italic", "an <i>italic</i> word", "an _italic_ word\n" },
  { "em", "<em>em</em> x", "_em_ x\n" },
  { "strike", "<del>gone</del> here", "~~gone~~ here\n" },
  { "strike-s", "<s>gone</s> <strike>too</strike>", "~~gone~~ ~~too~~\n" },
  { "nested", "<b>bold <i>and italic</i></b> end", "**bold _and italic_** end\n" },
  { "br", "one<br>two", "one  \ntwo\n" },
  { "br-br", "one<br><br>two", "one  \n  \ntwo\n" },
  { "br-after-space", "one <br>two", "one   \ntwo\n" },
  { "paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo\n" },
  { "ul", "<ul><li>a</li><li>b</li></ul>after", "  * a\n  * b\n\nafter\n" },
  { "ol", "intro<ol><li>a</li><li>b</li></ol>", "intro\n\n  1. a\n  2. b\n\n\n" },
  { "ol-start", "<ol start=\"3\"><li>c</li></ol>", "  3. c\n\n\n" },
  { "nested-list", "<ol><li>a<ul><li>b</li></ul></li></ol>", "  1. a\n    * b\n\n\n" },
  { "mention",
    "hi <span class=\"proflinkWrapper\"><span class=\"proflinkPrefix\">+</span><a class=\"proflink\" href=\"https://plus.google.com/1\" oid=\"1\">Zoë Ünïcode</a></span>!",
    "hi +Zoë Ünïcode!\n" },
  { "hashtag",
    "<a rel=\"nofollow\" class=\"ot-hashtag bidi_isolate\" href=\"https://plus.google.com/s/%23caf%C3%A9/posts\">#café</a> and <a class=\"ot-hashtag\" href=\"x\">#東京</a>",
    "#café and #東京\n" },
  { "link-dropped", "see <a href=\"https://example.com/\">this page</a>.", "see this page.\n" },
  { "link-url-text", "<a href=\"https://example.com/\">https://example.com/</a>", "https://example.com/\n" },
  { "entities", "AT&amp;T a &lt; b &gt; c &quot;q&quot; don&#39;t", "AT&T a < b > c \"q\" don't\n" },
  { "entity-then-dash", "&quot;Title&quot; - author", "\"Title\" \\- author\n" },
  { "nbsp-entity", "a&nbsp;b", "a b\n" },
  { "nbsp-entities", "a&nbsp;&nbsp;&nbsp;b", "a   b\n" },
  { "nbsp-literal", "a\xc2\xa0\xc2\xa0" "b", "a b\n" },
  { "emoji", "😀 🚀🌍 ok", "😀 🚀🌍 ok\n" },
  { "rtl", "שלום <b>עולם</b> مرحبا", "שלום **עולם** مرحبا\n" },
  { "whitespace", "a \n\t b", "a b\n" },
  { "dash-start", "- not a list", "\\- not a list\n" },
  { "plus-start", "+ not a list", "\\+ not a list\n" },
  { "number-start", "1. not a list", "1\\. not a list\n" },
  { "dash-after-tag", "<b>Title</b> - text", "**Title** \\- text\n" },
  { "backslash", "a\\b \\* c", "a\\b \\\\* c\n" },
  { "underscore-intraword", "snake_case_name", "snake_case_name\n" },
  { "lone-star", "5 * 3", "5 * 3\n" },
  { "lone-star-word", "a*b", "a*b\n" },
  { "header", "<h2>Title</h2>text", "## Title\n\ntext\n" },
  { "blockquote", "<blockquote>quoted</blockquote>after", "> quoted\n\nafter\n" },
  { "hr", "a<hr>b", "a\n\n* * *\n\nb\n" },
  { "img", "see <img src=\"https://e.x/a(1).png\" alt=\"a [pic]\"> here", "see ![a \\[pic\\]](https://e.x/a\\(1\\).png) here\n" },
  { "reshare-hat-tip", "Look - H/t to Bob", "Look - H/t to Bob\n" },
  { "hat-tip-only", " - H/t to Bob", "\\- H/t to Bob\n" },

  /* Where html2text's output would not render as the post did. */
  { "bold-intraword", "a<b>b</b>c", "a**b**c\n" },
  { "italic-intraword", "a<i>b</i>c", "a*b*c\n" },
  { "italic-before-word", "<i>it</i>text", "*it*text\n" },
  { "bold-then-colon", "<b>Update</b>: news", "**Update**: news\n" },
  { "bold-then-comma", "<b>bold</b>, x", "**bold**, x\n" },
  { "bold-punct-then-word", "<b>\"q\"</b>x", "**\"q\"** x\n" },
  { "empty-bold", "a<b></b>b", "ab\n" },
  { "empty-bold-space", "a <b> </b>b", "a b\n" },
  { "bold-inner-space", "a<b> b </b>c", "a **b** c\n" },
  { "bold-trailing-inner", "<b>foo <i>x</i> </b>bar", "**foo _x_** bar\n" },
  { "stars", "*not bold*", "\\*not bold\\*\n" },
  { "underscores", "_not italic_", "\\_not italic\\_\n" },
  { "star-bullet", "* item", "\\* item\n" },
  { "heading", "# not a heading", "\\# not a heading\n" },
  { "hashtag-line-start", "#tag at start", "#tag at start\n" },
  { "quote-start", "> not a quote", "\\> not a quote\n" },
  { "setext", "Title<br>===", "Title  \n\\===\n" },
  { "paren-list", "2) two", "2\\) two\n" },
  { "code-span", "use `ls` here", "use \\`ls\\` here\n" },
  { "link-syntax", "[x](http://y)", "\\[x\\](http://y)\n" },
  { "brackets-plain", "[sic]", "[sic]\n" },
  { "raw-html-text", "&lt;b&gt;not bold&lt;/b&gt;", "\\<b>not bold\\</b>\n" },
  { "entity-text", "&amp;copy; &amp;#65;", "\\&copy; \\&#65;\n" },
  { "sub-sup", "H~2~O and x^2^", "H\\~2\\~O and x\\^2\\^\n" },
  { "strike-text", "~~not struck~~", "\\~\\~not struck\\~\\~\n" },
  { "backslash-punct", "a\\: b", "a\\\\: b\n" },
  { "backslash-before-mark", "<b>a \\ </b>x <i>b\\</i> c", "**a \\\\** x _b\\\\_ c\n" },
  { "script-dropped", "a<script>alert(1)</script>b", "ab\n" },
  { "style-dropped", "a<style>p{}</style>b", "ab\n" },
  { "malformed", "<b>bold <i>both</b> italic</i>", "**bold _both_** italic\n" },
};

static void
test_html_case (gconstpointer data)
{
  const HtmlCase *c = data;
  g_autofree char *md = gpm_convert_html_to_markdown (c->html, FALSE);
  g_assert_cmpstr (md, ==, c->markdown);
}

static void
test_invalid_utf8 (void)
{
  /* Found by fuzz-convert: a lone lead byte at the end of a text node. */
  static const char html[] = "\xcb<i>\xb0" "as{a <a href=ot_>***** 6.14 \xf0";
  g_autofree char *md = gpm_convert_html_to_markdown (html, FALSE);
  g_assert_true (g_utf8_validate (md, -1, NULL));
  g_assert_true (g_str_has_suffix (md, "\n"));
  g_assert_nonnull (strstr (md, "6.14"));
}

static void
test_inline_links (void)
{
  g_autofree char *md = gpm_convert_html_to_markdown (
    "see <a href=\"https://example.com/a(b)\">this page</a>, <a href=\"https://x.y/\">https://x.y/</a> "
    "<a class=\"ot-hashtag\" href=\"https://plus.google.com/s/%23t\">#t</a>", TRUE);
  g_assert_cmpstr (md, ==, "see [this page](https://example.com/a\\(b\\)), https://x.y/ #t\n");
  g_clear_pointer (&md, g_free);
  md = gpm_convert_html_to_markdown ("<a href=\"javascript:alert(1)\">click</a> <a href=\"data:text/html,x\">here</a> "
                                     "<a href=\"/relative\">rel</a>", TRUE);
  g_assert_cmpstr (md, ==, "click here rel\n");
}

/* ---- visible text survives diaspora's renderer ------------------------------ */

/* Formatting as marks in the text: private-use characters around bold,
 * italic and struck-through runs. */
#define M_STRONG_OPEN  "\xee\x80\x81"
#define M_STRONG_CLOSE "\xee\x80\x82"
#define M_EM_OPEN      "\xee\x80\x83"
#define M_EM_CLOSE     "\xee\x80\x84"
#define M_DEL_OPEN     "\xee\x80\x85"
#define M_DEL_CLOSE    "\xee\x80\x86"

static void
append_visible (GString *s, xmlNode *node)
{
  for (; node; node = node->next)
    {
      if (node->type == XML_TEXT_NODE)
        g_string_append (s, (const char *) node->content);
      else if (node->type == XML_ELEMENT_NODE)
        {
          const char *n = (const char *) node->name;
          const char *open = NULL, *close = NULL;
          if (strcmp (n, "script") == 0 || strcmp (n, "style") == 0)
            continue;
          if (strcmp (n, "b") == 0 || strcmp (n, "strong") == 0)
            open = M_STRONG_OPEN, close = M_STRONG_CLOSE;
          else if (strcmp (n, "i") == 0 || strcmp (n, "em") == 0)
            open = M_EM_OPEN, close = M_EM_CLOSE;
          else if (strcmp (n, "del") == 0 || strcmp (n, "s") == 0 || strcmp (n, "strike") == 0)
            open = M_DEL_OPEN, close = M_DEL_CLOSE;
          if (strcmp (n, "br") == 0 || strcmp (n, "p") == 0 || strcmp (n, "li") == 0)
            g_string_append_c (s, ' ');
          if (open)
            g_string_append (s, open);
          append_visible (s, node->children);
          if (close)
            g_string_append (s, close);
          if (strcmp (n, "p") == 0 || strcmp (n, "li") == 0)
            g_string_append_c (s, ' ');
        }
    }
}

static char *
replace_str (char *text, const char *from, const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);
  g_free (text);
  return g_strjoinv (to, parts);
}

/* The text a reader sees with its formatting marks: whitespace collapsed and
 * moved out of the marks, adjacent runs of one format joined, empty runs
 * dropped, diaspora's typography undone. */
static char *
visible_text (const char *html)
{
  static const char *typo[][2] = {
    { "“", "\"" }, { "”", "\"" }, { "‘", "'" }, { "’", "'" }, { "…", "..." },
    { "—", "---" }, { "–", "--" }, { "©", "(c)" }, { "™", "(tm)" }, { "±", "+-" },
    { "↔", "<->" }, { "→", "->" }, { "←", "<-" }, { "♥", "<3" },
    { "\t", " " }, { "\n", " " }, { "\r", " " }, { "\xc2\xa0", " " },
  };
  static const char *marks[][2] = {
    { M_STRONG_OPEN, M_STRONG_CLOSE }, { M_EM_OPEN, M_EM_CLOSE }, { M_DEL_OPEN, M_DEL_CLOSE },
  };
  g_autofree char *wrapped = g_strconcat ("<html><body>", html, "</body></html>", NULL);
  htmlDocPtr doc = htmlReadMemory (wrapped, strlen (wrapped), NULL, "UTF-8",
                                   HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GString) r = g_string_new (NULL);
  char *text;
  gboolean changed = TRUE;

  append_visible (s, xmlDocGetRootElement (doc));
  xmlFreeDoc (doc);
  text = g_string_free (g_steal_pointer (&s), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (typo); i++)
    text = replace_str (text, typo[i][0], typo[i][1]);
  while (changed)
    {
      g_autofree char *before = g_strdup (text);
      for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
        {
          g_autofree char *sp_close = g_strconcat (" ", marks[i][1], NULL);
          g_autofree char *close_sp = g_strconcat (marks[i][1], " ", NULL);
          g_autofree char *open_sp = g_strconcat (marks[i][0], " ", NULL);
          g_autofree char *sp_open = g_strconcat (" ", marks[i][0], NULL);
          g_autofree char *empty = g_strconcat (marks[i][0], marks[i][1], NULL);
          g_autofree char *join = g_strconcat (marks[i][1], marks[i][0], NULL);
          text = replace_str (text, sp_close, close_sp);
          text = replace_str (text, open_sp, sp_open);
          text = replace_str (text, empty, "");
          text = replace_str (text, join, "");
          text = replace_str (text, "  ", " ");
        }
      changed = strcmp (text, before) != 0;
    }
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == ',' && r->len && r->str[r->len - 1] == ',')
        continue;  /* typographer: ",," → "," */
      else if ((c == '!' || c == '?') && r->len >= 3 && r->str[r->len - 1] == (char) c
               && r->str[r->len - 2] == (char) c && r->str[r->len - 3] == (char) c)
        continue;  /* typographer: "!!!!" → "!!!" */
      g_string_append_unichar (r, c);
    }
  g_free (text);
  g_strstrip (r->str);
  return g_strdup (r->str);
}

static const char *pieces[] = {
  "lorem", "ipsum", "über", "東京", "שלום", "مرحبا", "😀", "C++", "e-mail", "3.14",
  "snake_case", "don&#39;t", "&quot;q&quot;", "AT&amp;T", "a &lt; b", "x &gt; y", "50%",
  "C#", "mail@example.com", "end.", "wait!", "(paren)", "ok,", "fine:", "*star*",
  "_under_", "# heading", "&gt; quote", "1. one", "- dash", "+ plus", "`code`", "[x](y)",
  "~~s~~", "a*b", "**", "\\", "2) two", "===", "x^2^", "H~2~O", "&amp;copy;", "*", "_",
  "__init__", "**kw", "[a]: b", "&lt;i&gt;", "#tag", "## two", "1986. year",
  "&nbsp;", "a&nbsp;&nbsp;b", "&nbsp;# x", "&nbsp;-", "\xc2\xa0",
};

static const char *
piece (GRand *rand)
{
  return pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];
}

static char *
random_html (GRand *rand)
{
  g_autoptr(GString) s = g_string_new (NULL);
  int n = g_rand_int_range (rand, 1, 10);
  for (int i = 0; i < n; i++)
    {
      int k = g_rand_int_range (rand, 0, 10);
      const char *sep = (const char *[]) { " ", " ", " ", "<br>", "", ", " }[g_rand_int_range (rand, 0, 6)];
      const char *a = piece (rand), *b = piece (rand), *last = NULL;
      /* Emphasis that starts with punctuation right after a letter, or ends
       * with punctuation right before one ("a<b>"q"</b>x") cannot open or
       * close in Markdown without a space: the one thing that changes. */
      if (k < 4 && s->len > 0 && !g_ascii_isspace (s->str[s->len - 1]) && g_ascii_ispunct (a[0]))
        g_string_append_c (s, ' ');
      switch (k)
        {
        case 0: g_string_append_printf (s, "<b>%s</b>", last = a); break;
        case 1: g_string_append_printf (s, "<i>%s %s</i>", a, last = b); break;
        case 2: g_string_append_printf (s, "<del>%s</del>", last = a); break;
        case 3: g_string_append_printf (s, "<b>%s <i>%s</i></b>", a, b);
                last = "_";  /* "**a _b_**" ends in punctuation */
                break;
        default: g_string_append (s, a); break;
        }
      if (last != NULL && *sep == '\0' && g_ascii_ispunct (last[strlen (last) - 1]))
        sep = " ";
      g_string_append (s, sep);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_visible_text (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20181028);

  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *html = random_html (rand);
      g_autofree char *md = gpm_convert_html_to_markdown (html, FALSE);
      g_autoptr(GError) error = NULL;
      g_autofree char *rendered = gpm_render_markdown (md, &error);
      g_autofree char *want = NULL;
      g_autofree char *got = NULL;

      g_assert_no_error (error);
      want = visible_text (html);
      got = visible_text (rendered);
      if (g_strcmp0 (want, got) != 0)
        g_test_message ("html: %s\nmarkdown: %s\nrendered: %s", html, md, rendered);
      g_assert_cmpstr (got, ==, want);
    }
}

/* ---- whole posts ------------------------------------------------------------- */

static GpmPost *
post_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  GpmPost *post = gpm_post_new_from_data ("Takeout/Google+ Stream/Posts/20180715 - Post.json", json, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (post);
  return post;
}

#define PUBLIC_ACL "\"postAcl\": {\"visibleToStandardAcl\": {\"circles\": [{\"type\": \"CIRCLE_TYPE_PUBLIC\"}]}}"
#define TAGS "#repost #gplusarchive #googleplus #gplusrefugees #plexodus"
#define DATE "Originally posted on Google+ on Sun Jul 15, 2018"

static GpmConvertResult *
convert_json (const char *json, const GpmConvertSettings *settings)
{
  g_autoptr(GpmPost) post = post_from_json (json);
  return gpm_convert_post (post, settings, NULL, NULL);
}

static void
test_post_simple (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"1 WTC\", "
    "\"comments\": [{\"content\": \"SECRET COMMENT\"}], \"plusOnes\": [{}], \"reshares\": [{}], "
    PUBLIC_ACL "}", NULL);
  g_assert_cmpstr (r->markdown, ==, "1 WTC\n\n" TAGS "\n" DATE);
  g_assert_null (strstr (r->markdown, "SECRET"));
  g_assert_false (r->too_long);
  g_assert_cmpuint (r->media->len, ==, 0);
  g_assert_cmpuint (r->warnings->len, ==, 0);
  g_assert_null (r->poll);
  g_assert_null (r->location);
}

static void
test_post_empty_content (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"\", " PUBLIC_ACL "}", NULL);
  g_assert_cmpstr (r->markdown, ==, TAGS "\n" DATE);
  /* Only the footer: flagged, never posted. */
  g_assert_true (r->nothing_own);
  g_assert_cmpuint (r->warnings->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (r->warnings, 0), "Nothing of yours to post"));
}

static void
test_post_date_own_offset (void)
{
  /* 23:30 at -0700 is already the 16th in UTC: the seed prints the post's own date. */
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 23:30:00-0700\", \"content\": \"x\", " PUBLIC_ACL "}", NULL);
  g_assert_cmpstr (r->markdown, ==, "x\n\n" TAGS "\n" DATE);
}

static void
test_post_link (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Read this\", "
    "\"link\": {\"title\": \"T\", \"url\": \"https://example.com/a\"}, " PUBLIC_ACL "}", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;

  g_assert_cmpstr (r->markdown, ==, "Read this\n\n" TAGS "\n" DATE "\n\nhttps://example.com/a");
  /* An empty line before it: diaspora* renders the link as a paragraph of
   * its own (issue 12), not as the end of the date line's paragraph. */
  html = gpm_render_markdown (r->markdown, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (html, "</p>\n<p><a href=\"https://example.com/a\""));
}

static void
test_post_reshare_with_link (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"So <b>true</b>\", "
    "\"resharedPost\": {\"author\": {\"displayName\": \"Zoë Original\"}, \"content\": \"THEIR TEXT\", "
    "\"link\": {\"url\": \"https://example.net/shared\"}}, " PUBLIC_ACL "}", NULL);
  g_assert_cmpstr (r->markdown, ==, "So **true** \\- H/t to Zoë Original\n\n" TAGS "\n" DATE "\n\nhttps://example.net/shared");
}

static void
test_post_reshare_without_link (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Look\", "
    "\"resharedPost\": {\"author\": {\"displayName\": \"Bob\"}, \"content\": \"THEIR TEXT\", "
    "\"media\": {\"url\": \"https://lh3.example/x/THEIRS.jpg\", \"contentType\": \"image/*\"}}, " PUBLIC_ACL "}", NULL);
  g_autofree char *list = gpm_convert_dup_list_text (r->post, 160);

  g_assert_cmpstr (r->markdown, ==, "Look\n\n" TAGS "\n" DATE);
  g_assert_cmpuint (r->media->len, ==, 0);  /* not the author's photo */
  g_assert_false (r->nothing_own);          /* "Look" is the user's own */
  g_assert_cmpstr (list, ==, "Look");
}

/* Issue 12: a reshare with no text and no link of the user's own would be
 * the hashtag footer alone (and two of them the same post). Flagged, left
 * out; the list shows whose post it was, never their words. */
static void
test_post_reshare_nothing_own (void)
{
  const char *cases[] = {
    "\"content\": \"\", ",
    "\"content\": \"<br> &nbsp;<b></b>\", ",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"creationTime\": \"2018-07-15 20:43:51+0000\", %s"
        "\"resharedPost\": {\"author\": {\"displayName\": \"Zoë Original\"}, \"content\": \"THEIR <b>WORDS</b>\", "
        "\"media\": {\"url\": \"https://lh3.example/x/THEIRS.jpg\", \"contentType\": \"image/*\"}}, " PUBLIC_ACL "}",
        cases[i]);
      g_autoptr(GpmConvertResult) r = convert_json (json, NULL);
      g_autofree char *list = gpm_convert_dup_list_text (r->post, 160);
      g_autofree char *reason = NULL;

      g_assert_true (r->nothing_own);
      g_assert_true (gpm_convert_post_is_nothing_own (r->post, NULL, &reason));
      g_assert_nonnull (strstr (reason, "Nothing of yours to post"));
      g_assert_nonnull (strstr (reason, "Zoë Original"));
      g_assert_cmpuint (r->warnings->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (r->warnings, 0), ==, reason);
      g_assert_null (strstr (r->markdown, "WORDS"));
      g_assert_null (strstr (r->markdown, "H/t"));
      g_assert_cmpstr (list, ==, "Reshare of Zoë Original’s post");
    }
}

/* The reshared post's author is unknown: no dangling "H/t to". */
static void
test_post_reshare_no_author (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Worth it\", "
    "\"resharedPost\": {\"content\": \"THEIR TEXT\", \"link\": {\"url\": \"https://e.x/a\"}}, " PUBLIC_ACL "}", NULL);
  g_autoptr(GpmConvertResult) bare = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", "
    "\"resharedPost\": {\"author\": {\"displayName\": \" \"}, \"content\": \"THEIR TEXT\"}, " PUBLIC_ACL "}", NULL);
  g_autofree char *list = gpm_convert_dup_list_text (bare->post, 160);

  g_assert_cmpstr (r->markdown, ==, "Worth it\n\n" TAGS "\n" DATE "\n\nhttps://e.x/a");
  g_assert_false (r->nothing_own);  /* the link is kept */
  g_assert_true (bare->nothing_own);
  g_assert_null (strstr (bare->markdown, "H/t"));
  g_assert_null (strstr (bare->markdown, "THEIR"));
  g_assert_cmpstr (list, ==, "Reshare of a post");
}

/* Very deep nesting (libxml2 stops at 256 levels, markdown-it at 100): the
 * text is kept, the formatting past 32 levels is left out, and it is said. */
static void
test_post_deep_nesting (void)
{
  g_autoptr(GString) html = g_string_new ("start ");
  g_autoptr(GString) json = g_string_new ("{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"");
  g_autoptr(GpmConvertResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rendered = NULL;
  g_autofree char *list = NULL;

  for (guint i = 0; i < 3000; i++)
    g_string_append (html, i % 2 ? "<b>" : "<blockquote>");
  g_string_append (html, "deep words");
  for (guint i = 3000; i-- > 0; )
    g_string_append (html, i % 2 ? "</b>" : "</blockquote>");
  g_string_append (html, " end");
  g_string_append_printf (json, "%s\", " PUBLIC_ACL "}", html->str);
  r = convert_json (json->str, NULL);
  g_assert_nonnull (strstr (r->markdown, "deep words"));
  g_assert_nonnull (strstr (r->markdown, "end"));
  g_assert_false (r->nothing_own);
  g_assert_cmpuint (r->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (r->warnings, 0), "3000 levels"));
  rendered = gpm_render_markdown (r->markdown, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (rendered, "deep words"));
  g_assert_nonnull (strstr (rendered, "end"));
  list = gpm_convert_dup_list_text (r->post, 0);
  g_assert_cmpstr (list, ==, "start deep words end");
}

/* The list's line is the user's own text as plain text on one line. */
static void
test_list_text (void)
{
  g_autoptr(GpmPost) own = post_from_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"<b>Hello</b> &amp; good<br>bye\", " PUBLIC_ACL "}");
  g_autoptr(GpmPost) link = post_from_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"link\": {\"title\": \"A &lt;title&gt;\", \"url\": \"https://e.x/\"}, " PUBLIC_ACL "}");
  g_autofree char *a = gpm_convert_dup_list_text (own, 160);
  g_autofree char *b = gpm_convert_dup_list_text (own, 5);
  g_autofree char *c = gpm_convert_dup_list_text (link, 160);

  g_assert_cmpstr (a, ==, "Hello & good bye");
  g_assert_cmpstr (b, ==, "Hello");
  g_assert_cmpstr (c, ==, "A &lt;title&gt;");  /* a title is text, not HTML */
  g_assert_false (gpm_convert_post_is_nothing_own (own, NULL, NULL));
  g_assert_false (gpm_convert_post_is_nothing_own (link, NULL, NULL));
}

/* Issue 13: the post list and the plan's count ask whether a post is the
 * user's own without a reason, for every post without text: the links'
 * answer is kept on the post (gpm_post_has_link_url()), the attachments
 * read for it are not. The same answers as the full read, asked twice. */
static void
test_nothing_own_without_reason (void)
{
  static const struct {
    const char *members;
    gboolean    has_link_url;
    gboolean    nothing_own;
  } cases[] = {
    { "\"link\": {\"url\": \"https://e.x/\"}, ", TRUE, FALSE },
    { "\"link\": {\"title\": \"No url\", \"url\": \"\"}, ", FALSE, TRUE },
    { "\"resharedPost\": {\"author\": {\"displayName\": \"Bob\"}, \"link\": {\"url\": \"https://e.x/\"}}, ", TRUE, FALSE },
    { "\"resharedPost\": {\"author\": {\"displayName\": \"Bob\"}, \"content\": \"THEIRS\"}, ", FALSE, TRUE },
    { "\"content\": \"<br>\", \"link\": {\"url\": \"https://e.x/\"}, "
      "\"resharedPost\": {\"content\": \"THEIRS\"}, ", TRUE, FALSE },
    { "\"content\": \"Mine\", ", FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"creationTime\": \"2018-07-15 20:43:51+0000\", %s" PUBLIC_ACL "}",
                                               cases[i].members);
      g_autoptr(GpmPost) asked = post_from_json (json);
      g_autoptr(GpmPost) full = post_from_json (json);
      g_autofree char *reason = NULL;

      g_assert_cmpint (gpm_post_has_link_url (asked), ==, cases[i].has_link_url);
      g_assert_cmpint (gpm_convert_post_is_nothing_own (asked, NULL, NULL), ==, cases[i].nothing_own);
      g_assert_cmpint (gpm_convert_post_is_nothing_own (asked, NULL, NULL), ==, cases[i].nothing_own);
      g_assert_cmpint (gpm_post_has_link_url (asked), ==, cases[i].has_link_url);
      g_assert_cmpint (gpm_convert_post_is_nothing_own (full, NULL, &reason), ==, cases[i].nothing_own);
      g_assert_cmpint (reason != NULL, ==, cases[i].nothing_own);
      /* and the attachments are there when asked for after */
      g_assert_cmpint (gpm_post_get_link (asked) != NULL, ==, g_str_has_prefix (cases[i].members, "\"link\"") ||
                                                             strstr (cases[i].members, "<br>") != NULL);
    }
}

static void
test_post_reshare_empty_content (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", "
    "\"resharedPost\": {\"author\": {\"displayName\": \"Bob\"}, \"link\": {\"url\": \"https://e.x/\"}}, " PUBLIC_ACL "}", NULL);
  g_assert_cmpstr (r->markdown, ==, "\\- H/t to Bob\n\n" TAGS "\n" DATE "\n\nhttps://e.x/");
}

static void
test_post_community (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"hi\", "
    "\"postAcl\": {\"communityAcl\": {\"community\": {\"resourceName\": \"communities/1\", \"displayName\": \"Linux Users\"}}}}", NULL);
  g_assert_cmpstr (r->markdown, ==, "hi\n\n" TAGS "\n" DATE "  ( Linux Users)");
}

static void
test_post_collection (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"hi\", "
    "\"postAcl\": {\"collectionAcl\": {\"collection\": {\"resourceName\": \"collections/1\", \"displayName\": \"My Trips\"}}}}", NULL);
  g_assert_cmpstr (r->markdown, ==, "hi\n\n" TAGS "\n" DATE "  ( My Trips)");
}

static char *
fake_resolver (const char *post_entry, const GpmMedia *media, const char *file_name, gpointer user_data)
{
  const char * const *present = user_data;
  g_assert_cmpstr (post_entry, ==, "Takeout/Google+ Stream/Posts/20180715 - Post.json");
  g_assert_nonnull (media);
  if (g_strv_contains (present, file_name))
    return g_strconcat ("Takeout/Google+ Stream/Posts/", file_name, NULL);
  return NULL;
}

static void
test_post_album (void)
{
  const char *present[] = { "IMG_1.jpg", "IMG_2.jpg", NULL };
  g_autoptr(GpmPost) post = post_from_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Trip\", "
    "\"album\": {\"media\": ["
    "{\"url\": \"https://lh3.googleusercontent.com/-a/b/IMG_1.jpg\", \"contentType\": \"image/*\"}, "
    "{\"url\": \"https://lh3.googleusercontent.com/-a/b/whatever\", \"contentType\": \"image/jpeg\", \"localFilePath\": \"IMG_2.jpg\"}, "
    "{\"url\": \"https://lh3.googleusercontent.com/-a/b/IMG%203.jpg?sz=1\", \"contentType\": \"image/*\"}]}, "
    PUBLIC_ACL "}");
  g_autoptr(GpmConvertResult) r = gpm_convert_post (post, NULL, fake_resolver, present);
  GpmConvertMedia *m;

  g_assert_cmpstr (r->markdown, ==, "Trip\n\n" TAGS " #photo #photography\n" DATE);
  g_assert_cmpuint (r->media->len, ==, 3);
  m = g_ptr_array_index (r->media, 0);
  g_assert_cmpstr (m->file_name, ==, "IMG_1.jpg");
  g_assert_cmpstr (m->entry, ==, "Takeout/Google+ Stream/Posts/IMG_1.jpg");
  g_assert_true (m->uploadable);
  g_assert_cmpint (m->kind, ==, GPM_CONVERT_MEDIA_PHOTO);
  m = g_ptr_array_index (r->media, 1);
  g_assert_cmpstr (m->file_name, ==, "IMG_2.jpg");
  g_assert_true (m->uploadable);
  m = g_ptr_array_index (r->media, 2);
  g_assert_cmpstr (m->file_name, ==, "IMG 3.jpg");
  g_assert_null (m->entry);
  g_assert_false (m->uploadable);
  g_assert_cmpuint (r->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (r->warnings, 0), "IMG 3.jpg"));
}

static void
test_post_video (void)
{
  const char *present[] = { "VID_1.mp4", NULL };
  g_autoptr(GpmPost) post = post_from_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Clip\", "
    "\"media\": {\"url\": \"https://lh3.googleusercontent.com/x/VID_1.mp4\", \"contentType\": \"video/*\"}, "
    PUBLIC_ACL "}");
  g_autoptr(GpmConvertResult) r = gpm_convert_post (post, NULL, fake_resolver, present);
  GpmConvertMedia *m;

  /* A video is not uploaded: no photo is attached, no #photo #photography. */
  g_assert_cmpstr (r->markdown, ==, "Clip\n\n" TAGS "\n" DATE);
  g_assert_cmpuint (r->media->len, ==, 1);
  m = g_ptr_array_index (r->media, 0);
  g_assert_cmpint (m->kind, ==, GPM_CONVERT_MEDIA_VIDEO);
  g_assert_cmpstr (m->entry, ==, "Takeout/Google+ Stream/Posts/VID_1.mp4");
  g_assert_false (m->uploadable);
  g_assert_cmpuint (r->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (r->warnings, 0), "video"));
}

/* A YouTube video in "media" is a link, not a missing file: its url ends
 * the post as the link does, nothing is reported missing, no photo tags. */
static void
test_post_video_link (void)
{
  const char *present[] = { NULL };
  g_autoptr(GpmPost) post = post_from_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Watch this\", "
    "\"media\": {\"url\": \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\", \"contentType\": \"video/*\", "
    "\"width\": 480, \"height\": 360}, "
    PUBLIC_ACL "}");
  g_autoptr(GpmConvertResult) r = gpm_convert_post (post, NULL, fake_resolver, present);
  const GpmConvertMedia *m;

  g_assert_true (g_str_has_prefix (r->markdown, "Watch this\n\n" TAGS "\n" DATE));
  g_assert_true (g_str_has_suffix (r->markdown, "\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ"));
  g_assert_null (strstr (r->markdown, "#photo"));
  g_assert_cmpuint (r->warnings->len, ==, 0);
  g_assert_cmpuint (r->media->len, ==, 1);
  m = g_ptr_array_index (r->media, 0);
  g_assert_true (m->link);
  g_assert_false (m->uploadable);
  g_assert_null (m->entry);
}

static void
test_post_poll_location (void)
{
  g_autoptr(GpmConvertResult) r = convert_json (
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Which one?\", "
    "\"poll\": {\"choices\": [{\"description\": \"Tea\", \"voteCount\": 3}, {\"description\": \"Coffee\", \"voteCount\": 5}], \"totalVotes\": 8}, "
    "\"location\": {\"displayName\": \"Hudson River Park\", \"physicalAddress\": \"353 West St\", \"latitude\": 40.73, \"longitude\": -74.01}, "
    PUBLIC_ACL "}", NULL);
  g_autoptr(GpmConvertSettings) with_place = gpm_convert_settings_new ();
  g_autoptr(GpmConvertResult) placed = NULL;
  const GpmPollChoice *c;
  const char *address = "unset";

  g_assert_cmpstr (r->markdown, ==, "Which one?\n\n" TAGS "\n" DATE);
  g_assert_nonnull (r->poll);
  g_assert_cmpuint (r->poll->choices->len, ==, 2);
  c = g_ptr_array_index (r->poll->choices, 1);
  g_assert_cmpstr (c->description, ==, "Coffee");
  /* The default: the place stays private, nowhere. */
  g_assert_null (r->location);
  g_assert_null (gpm_convert_pod_location (r->post, NULL, &address));
  g_assert_null (address);

  /* Asked for: diaspora*'s own location (it has coordinates), not a text line. */
  with_place->location = TRUE;
  placed = gpm_convert_post (r->post, with_place, NULL, NULL);
  g_assert_cmpstr (placed->markdown, ==, "Which one?\n\n" TAGS "\n" DATE);
  g_assert_nonnull (placed->location);
  g_assert_cmpstr (placed->location->display_name, ==, "Hudson River Park");
  g_assert_true (placed->location->has_coordinates);
  g_assert_cmpfloat_with_epsilon (placed->location->latitude, 40.73, 1e-9);
  g_assert_true (gpm_convert_pod_location (r->post, with_place, &address) == placed->location);
  g_assert_cmpstr (address, ==, "353 West St");
}

/* A coordinate too large for a double (read as infinity) or off the globe
 * leaves the place without coordinates, named by its address: diaspora*
 * would drop such a location (app/models/location.rb validates lat and lng),
 * so the place goes into the text. */
static void
test_post_location_bad_coordinates (void)
{
  const char *cases[] = { "-1e999", "1e400", "91", "-90.5" };
  g_autoptr(GpmConvertSettings) with_place = gpm_convert_settings_new ();

  with_place->location = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Here\", "
        "\"location\": {\"displayName\": \"Park\", \"physicalAddress\": \"353 West St\", "
        "\"latitude\": %s, \"longitude\": -74.01}, " PUBLIC_ACL "}", cases[i]);
      g_autoptr(GpmConvertResult) r = convert_json (json, with_place);
      g_autoptr(GpmConvertResult) off = convert_json (json, NULL);

      g_assert_nonnull (r->location);
      g_assert_cmpstr (r->location->physical_address, ==, "353 West St");
      g_assert_false (r->location->has_coordinates);
      g_assert_null (gpm_convert_pod_location (r->post, with_place, NULL));
      g_assert_cmpstr (r->markdown, ==, "Here\n\n📍 Park, 353 West St\n" TAGS "\n" DATE);
      g_assert_null (off->location);
      g_assert_cmpstr (off->markdown, ==, "Here\n\n" TAGS "\n" DATE);
    }
}

/* A place with coordinates and no name: diaspora* builds no location
 * without an address (status_message_creation_service.rb add_location), so
 * with the place asked for it goes into the text as its coordinates; it
 * was lost. */
static void
test_post_location_no_name (void)
{
  const char *json =
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"Here\", "
    "\"location\": {\"latitude\": 40.7331168, \"longitude\": -74.0108977}, " PUBLIC_ACL "}";
  g_autoptr(GpmConvertSettings) with_place = gpm_convert_settings_new ();
  g_autoptr(GpmConvertResult) r = NULL;
  g_autoptr(GpmConvertResult) off = convert_json (json, NULL);

  with_place->location = TRUE;
  r = convert_json (json, with_place);
  g_assert_nonnull (r->location);
  g_assert_null (gpm_convert_pod_location (r->post, with_place, NULL));
  g_assert_cmpstr (r->markdown, ==, "Here\n\n📍 40.733117, -74.010898\n" TAGS "\n" DATE);
  g_assert_cmpstr (off->markdown, ==, "Here\n\n" TAGS "\n" DATE);
}

static void
test_post_too_long (void)
{
  g_autoptr(GString) json = g_string_new ("{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"");
  g_autoptr(GpmConvertResult) r = NULL;
  for (int i = 0; i < 70000 / 10; i++)
    g_string_append (json, "ééééé ééé ");
  g_string_append (json, "\", " PUBLIC_ACL "}");
  r = convert_json (json->str, NULL);
  g_assert_true (r->too_long);
  g_assert_cmpuint (r->n_chars, >, GPM_DIASPORA_MAX_TEXT_CHARS);
  g_assert_cmpuint (r->n_chars, ==, g_utf8_strlen (r->markdown, -1));
  g_assert_true (g_str_has_suffix (r->markdown, DATE));  /* not cut */
  g_assert_cmpuint (r->warnings->len, ==, 1);
}

/* A hashtag over 255 characters fails the whole post on diaspora*
 * (lib/diaspora/taggable.rb:17-20): its '#' is escaped so it is text, with
 * a warning; a 255-character one stays a tag. */
static void
test_post_long_hashtag (void)
{
  g_autofree char *long_tag = NULL;
  g_autofree char *ok_tag = NULL;
  g_autofree char *json = NULL;
  g_autofree char *want = NULL;
  g_autoptr(GpmConvertResult) r = NULL;
  g_autoptr(GString) l = g_string_new (NULL);
  g_autoptr(GString) k = g_string_new (NULL);

  for (int i = 0; i < 300; i++)
    g_string_append (l, i % 2 ? "é" : "x");
  for (int i = 0; i < 255; i++)
    g_string_append (k, "a");
  long_tag = g_strdup (l->str);
  ok_tag = g_strdup (k->str);
  json = g_strdup_printf ("{\"creationTime\": \"2018-07-15 20:43:51+0000\", "
                          "\"content\": \"#%s and #%s<br>#%s\", " PUBLIC_ACL "}",
                          ok_tag, long_tag, long_tag);
  r = convert_json (json, NULL);
  want = g_strdup_printf ("#%s and \\#%s  \n\\#%s\n\n" TAGS "\n" DATE, ok_tag, long_tag, long_tag);
  g_assert_cmpstr (r->markdown, ==, want);
  g_assert_cmpuint (r->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (r->warnings, 0), "255"));
  g_assert_false (r->too_long);
}

static void
test_settings (void)
{
  g_autoptr(GpmConvertSettings) s = gpm_convert_settings_new ();
  g_autoptr(GpmConvertSettings) copy = NULL;
  g_autoptr(GpmConvertResult) r = NULL;
  const char *json =
    "{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"See <a href=\\\"https://e.x/p\\\">this</a>\", "
    "\"media\": {\"url\": \"https://lh3.example/IMG.jpg\", \"contentType\": \"image/*\"}, "
    "\"location\": {\"displayName\": \"Park *A*\", \"physicalAddress\": \"1 Main St\"}, "
    "\"postAcl\": {\"communityAcl\": {\"community\": {\"displayName\": \"Linux\"}}}}";

  g_strfreev (s->hashtags);
  s->hashtags = g_strsplit ("archive #gplus", " ", -1);
  s->photo_hashtags = FALSE;
  g_free (s->date_format);
  s->date_format = g_strdup ("Google+ %Y-%m-%d");
  s->context = FALSE;
  s->inline_links = TRUE;
  s->location = TRUE;
  copy = gpm_convert_settings_copy (s);
  r = convert_json (json, copy);
  g_assert_cmpstr (r->markdown, ==, "See [this](https://e.x/p)\n\n📍 Park \\*A\\*, 1 Main St\n#archive #gplus\nGoogle+ 2018-07-15");

  g_clear_pointer (&r, gpm_convert_result_unref);
  g_clear_pointer (&copy->hashtags, g_strfreev);
  g_clear_pointer (&copy->date_format, g_free);
  r = convert_json (json, copy);
  g_assert_cmpstr (r->markdown, ==, "See [this](https://e.x/p)\n\n📍 Park \\*A\\*, 1 Main St");
}

static void
test_settings_locale (void)
{
  g_autoptr(GpmConvertSettings) s = gpm_convert_settings_new ();
  g_autoptr(GpmConvertResult) r = NULL;
  locale_t de = newlocale (LC_TIME_MASK, "de_DE.UTF-8", (locale_t) 0);

  if (de == (locale_t) 0)
    {
      g_test_skip ("de_DE.UTF-8 is not installed");
      return;
    }
  freelocale (de);
  g_free (s->date_locale);
  s->date_locale = g_strdup ("de_DE.UTF-8");
  g_free (s->date_format);
  s->date_format = g_strdup ("Ursprünglich auf Google+ am %A, %d. %B %Y");
  r = convert_json ("{\"creationTime\": \"2018-03-04 10:00:00+0000\", \"content\": \"x\", " PUBLIC_ACL "}", s);
  g_assert_true (g_str_has_suffix (r->markdown, "Ursprünglich auf Google+ am Sonntag, 04. März 2018"));
}

static void
test_settings_bad_locale (void)
{
  g_autoptr(GpmConvertSettings) s = gpm_convert_settings_new ();
  g_autoptr(GpmConvertResult) r = NULL;

  g_free (s->date_locale);
  s->date_locale = g_strdup ("xx_NOWHERE");
  r = convert_json ("{\"creationTime\": \"2018-07-15 20:43:51+0000\", \"content\": \"x\", " PUBLIC_ACL "}", s);
  g_assert_true (g_str_has_suffix (r->markdown, DATE));
  g_assert_cmpuint (r->warnings->len, ==, 1);
}

static void
test_settings_boxed (void)
{
  GType t = GPM_TYPE_CONVERT_SETTINGS;
  g_autoptr(GpmConvertSettings) s = gpm_convert_settings_new ();
  GpmConvertSettings *c = g_boxed_copy (t, s);
  g_assert_cmpstr (c->date_format, ==, GPM_CONVERT_DEFAULT_DATE_FORMAT);
  g_assert_cmpstr (c->date_locale, ==, "C");
  g_assert_cmpuint (g_strv_length (c->hashtags), ==, 5);
  g_assert_true (c->photo_hashtags);
  g_assert_true (c->context);
  g_assert_false (c->inline_links);
  g_assert_false (c->location);
  g_boxed_free (t, c);
}

static void
test_settings_gsettings (void)
{
  g_autoptr(GSettings) gsettings = gpm_test_app_settings_new ();
  g_autoptr(GpmConvertSettings) s = NULL;
  g_autoptr(GpmConvertSettings) d = gpm_convert_settings_new ();
  const char *tags[] = { "archive", NULL };

  if (gsettings == NULL)
    return;  /* skipped */

  /* The schema's defaults are the converter's (the seed's). */
  s = gpm_convert_settings_new_from_gsettings (gsettings);
  g_assert_true (g_strv_equal ((const char * const *) s->hashtags, (const char * const *) d->hashtags));
  g_assert_cmpstr (s->date_format, ==, d->date_format);
  g_assert_cmpstr (s->date_locale, ==, d->date_locale);
  g_assert_cmpint (s->photo_hashtags, ==, d->photo_hashtags);
  g_assert_cmpint (s->inline_links, ==, d->inline_links);
  g_assert_cmpint (s->location, ==, d->location);
  g_clear_pointer (&s, gpm_convert_settings_free);

  g_settings_set_strv (gsettings, "hashtags", tags);
  g_settings_set_boolean (gsettings, "add-photo-hashtags", FALSE);
  g_settings_set_string (gsettings, "date-line-format", "%Y");
  g_settings_set_string (gsettings, "date-line-locale", "");
  g_settings_set_boolean (gsettings, "keep-inline-links", TRUE);
  g_settings_set_boolean (gsettings, "include-location", TRUE);
  s = gpm_convert_settings_new_from_gsettings (gsettings);
  g_assert_true (g_strv_equal ((const char * const *) s->hashtags, tags));
  g_assert_false (s->photo_hashtags);
  g_assert_cmpstr (s->date_format, ==, "%Y");
  g_assert_cmpstr (s->date_locale, ==, "");
  g_assert_true (s->inline_links);
  g_assert_true (s->location);
  g_assert_true (s->context);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (html_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/convert/html/%s", html_cases[i].name);
      g_test_add_data_func (path, &html_cases[i], test_html_case);
    }
  g_test_add_func ("/convert/html/inline-links", test_inline_links);
  g_test_add_func ("/convert/html/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/convert/html/visible-text", test_visible_text);
  g_test_add_func ("/convert/post/simple", test_post_simple);
  g_test_add_func ("/convert/post/long-hashtag", test_post_long_hashtag);
  g_test_add_func ("/convert/post/empty-content", test_post_empty_content);
  g_test_add_func ("/convert/post/date-own-offset", test_post_date_own_offset);
  g_test_add_func ("/convert/post/link", test_post_link);
  g_test_add_func ("/convert/post/reshare-with-link", test_post_reshare_with_link);
  g_test_add_func ("/convert/post/reshare-without-link", test_post_reshare_without_link);
  g_test_add_func ("/convert/post/reshare-empty-content", test_post_reshare_empty_content);
  g_test_add_func ("/convert/post/reshare-nothing-own", test_post_reshare_nothing_own);
  g_test_add_func ("/convert/post/reshare-no-author", test_post_reshare_no_author);
  g_test_add_func ("/convert/post/list-text", test_list_text);
  g_test_add_func ("/convert/post/nothing-own-without-reason", test_nothing_own_without_reason);
  g_test_add_func ("/convert/post/deep-nesting", test_post_deep_nesting);
  g_test_add_func ("/convert/post/community", test_post_community);
  g_test_add_func ("/convert/post/collection", test_post_collection);
  g_test_add_func ("/convert/post/album", test_post_album);
  g_test_add_func ("/convert/post/video", test_post_video);
  g_test_add_func ("/convert/post/video-link", test_post_video_link);
  g_test_add_func ("/convert/post/poll-location", test_post_poll_location);
  g_test_add_func ("/convert/post/location-bad-coordinates", test_post_location_bad_coordinates);
  g_test_add_func ("/convert/post/location-no-name", test_post_location_no_name);
  g_test_add_func ("/convert/post/too-long", test_post_too_long);
  g_test_add_func ("/convert/settings/custom", test_settings);
  g_test_add_func ("/convert/settings/locale", test_settings_locale);
  g_test_add_func ("/convert/settings/bad-locale", test_settings_bad_locale);
  g_test_add_func ("/convert/settings/boxed", test_settings_boxed);
  g_test_add_func ("/convert/settings/gsettings", test_settings_gsettings);
  return g_test_run ();
}
