/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert-markdown.c: HTML → diaspora* Markdown (gpm_convert_html_to_markdown()).
 *
 * The seed converts the content with html2text (ignore_links, body_width 0).
 * This is that converter's state machine (html2text 2020.1.16, the parts a
 * Google+ post can reach: emphasis, strike, br, p/div, lists, headers,
 * blockquote, pre/code, hr, q, dl), driven by a walk over the tree libxml2's
 * HTML parser builds, so that posts html2text handles well come out the same
 * byte for byte. Where html2text's output would not render as the post did in
 * diaspora* (markdown-it), this one differs, on purpose:
 *  - it escapes what markdown-it would read as markup (emphasis delimiters
 *    that could pair, "# " headings, "> " quotes, "* " bullets, setext
 *    underlines, code spans, links, raw HTML, sub/superscript, entities);
 *  - it does not put spaces into words around emphasis ("a<b>b</b>c" is
 *    "a**b**c", not "a **b** c"), using "*" instead of "_" for italics
 *    inside a word, and only adds a space where markdown-it needs one to
 *    close the emphasis;
 *  - empty emphasis ("<b></b>") disappears instead of becoming "****", and
 *    whitespace at the inner edges of emphasis is moved outside the marks.
 *
 * This file holds html2text's output (o()), the text and emphasis, the walk
 * over the tree and what is done to the whole result; what each tag does is
 * gpm-convert-tags.c, the escaping gpm-convert-escape.c, the parsing
 * gpm-convert-html.c. */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert-private.h"

#include <string.h>

/* --- output --------------------------------------------------------------- */

static gunichar
last_char (GString *s)
{
  const char *p;
  if (s->len == 0)
    return 0;
  p = g_utf8_find_prev_char (s->str, s->str + s->len);
  return p ? g_utf8_get_char_validated (p, -1) : 0;
}

static void
h2t_out (H2T *h, const char *s, gssize len)
{
  if (len < 0)
    len = strlen (s);
  if (len == 0)
    return;
  /* Text ended in a backslash: it would escape punctuation written next. */
  if (h->backslash_at != 0 && h->backslash_at == h->out->len && g_ascii_ispunct (s[0]))
    g_string_append_c (h->out, '\\');
  h->backslash_at = 0;
  g_string_append_len (h->out, s, len);
  h->last_was_nl = s[len - 1] == '\n';
}

/* \s+ → " " */
static char *
collapse_ws (const char *s)
{
  GString *r = g_string_sized_new (strlen (s));
  gboolean in_ws = FALSE;
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (_gpm_convert_py_isspace (c))
        {
          if (!in_ws)
            g_string_append_c (r, ' ');
          in_ws = TRUE;
        }
      else
        {
          g_string_append_len (r, p, g_utf8_next_char (p) - p);
          in_ws = FALSE;
        }
    }
  return g_string_free (r, FALSE);
}

static char *
replace_all (const char *s, const char *from, const char *to)
{
  g_auto(GStrv) parts = g_strsplit (s, from, -1);
  return g_strjoinv (to, parts);
}

/* html2text's o(): indentation, paragraph breaks and pending spaces. */
void
_gpm_h2t_o (H2T *h, const char *data_in, gboolean puredata, int force)
{
  g_autofree char *data = NULL;
  g_autoptr(GString) bq = NULL;

  if (h->quiet)
    return;

  /* The common case: nothing to collapse, indent or break. */
  if (!puredata && !h->startpre && !h->pre && h->blockquote == 0 && !h->start
      && force == FORCE_NO && h->p_p == 0 && !h->space)
    {
      h2t_out (h, data_in, -1);
      return;
    }

  data = g_strdup (data_in);
  if (puredata && !h->pre)
    {
      char *c = collapse_ws (data);
      g_free (data);
      data = c;
      if (data[0] == ' ')
        {
          h->space = TRUE;
          memmove (data, data + 1, strlen (data));
        }
    }
  if (data[0] == '\0' && !force)
    return;

  if (h->startpre && !g_str_has_prefix (data, "\n") && !g_str_has_prefix (data, "\r\n"))
    {
      char *c = g_strconcat ("\n", data, NULL);
      g_free (data);
      data = c;
    }

  bq = g_string_new (NULL);
  for (int i = 0; i < h->blockquote; i++)
    g_string_append_c (bq, '>');
  if (!(force && data[0] == '>') && h->blockquote)
    g_string_append_c (bq, ' ');

  if (h->pre)
    {
      g_autofree char *nl = NULL;
      char *c;
      if (h->list->len == 0)
        g_string_append (bq, "    ");
      for (guint i = 0; i < h->list->len; i++)
        g_string_append (bq, "    ");
      nl = g_strconcat ("\n", bq->str, NULL);
      c = replace_all (data, "\n", nl);
      g_free (data);
      data = c;
    }

  if (h->startpre)
    {
      h->startpre = FALSE;
      if (h->list->len > 0)
        {
          const char *p = data;
          while (*p == '\n')
            p++;
          memmove (data, p, strlen (p) + 1);
        }
    }

  if (h->start)
    {
      h->space = FALSE;
      h->p_p = 0;
      h->start = FALSE;
    }

  if (force == FORCE_END)
    {
      h->p_p = 0;
      h2t_out (h, "\n", 1);
      h->space = FALSE;
    }

  if (h->p_p)
    {
      for (int i = 0; i < h->p_p; i++)
        {
          if (h->br_toggle)
            h2t_out (h, "  ", 2);
          h2t_out (h, "\n", 1);
          h2t_out (h, bq->str, bq->len);
        }
      h->space = FALSE;
      h->br_toggle = FALSE;
    }

  if (h->space)
    {
      if (!h->last_was_nl)
        h2t_out (h, " ", 1);
      h->space = FALSE;
    }

  h->p_p = 0;
  h2t_out (h, data, -1);
}

/* The character the next output will follow: whitespace when a paragraph
 * break or a space is pending, or nothing was written yet. */
static gunichar
effective_prev (H2T *h)
{
  if (h->start || h->p_p > 0 || (h->space && !h->last_was_nl) || h->out->len == 0)
    return ' ';
  return last_char (h->out);
}

/* --- text and emphasis ---------------------------------------------------- */

/* Python's str.strip(). */
static gboolean
strip_space (gunichar c, gboolean nbsp_too)
{
  return _gpm_convert_py_isspace (c) || (nbsp_too && (c == NBSP_MARK_CHAR || c == 0xfdd0 /* CHUNK_MARK */));
}

static char *
py_strip_full (const char *s, gboolean nbsp_too, gboolean *lead, gboolean *trail)
{
  const char *b = s, *e = s + strlen (s);
  while (*b && strip_space (g_utf8_get_char (b), nbsp_too))
    b = g_utf8_next_char (b);
  while (e > b)
    {
      const char *pc = g_utf8_find_prev_char (b, e);
      if (pc == NULL || !strip_space (g_utf8_get_char (pc), nbsp_too))
        break;
      e = pc;
    }
  /* Whitespace was stripped, not just the marks of pieces. */
  *lead = FALSE;
  for (const char *q = s; q < b; q = g_utf8_next_char (q))
    *lead = *lead || g_utf8_get_char (q) != 0xfdd0;
  *trail = FALSE;
  for (const char *q = e; *q; q = g_utf8_next_char (q))
    *trail = *trail || g_utf8_get_char (q) != 0xfdd0;
  return g_strndup (b, e - b);
}

static char *
py_strip (const char *s, gboolean *lead, gboolean *trail)
{
  return py_strip_full (s, FALSE, lead, trail);
}

static const char *
emph_mark (EmphKind kind)
{
  switch (kind)
    {
    case EMPH_ITALIC: return "_";
    case EMPH_STRONG: return "**";
    case EMPH_STRIKE: default: return "~~";
    }
}

/* Writes the marks of emphasis opened since the last text, now that text
 * starting with @first follows. */
void
_gpm_h2t_flush_opens (H2T *h, gunichar first)
{
  gunichar prev = effective_prev (h);
  GString *marks = g_string_new (NULL);
  guint first_new = h->emph->len - h->n_pending;
  gsize lead, pos;

  /* "<b>x</b><b>y</b>": one "**xy**", not "**x****y**". */
  if (h->have_close && h->out->len == h->close_end && h->p_p == 0 && !h->space && !h->space_before_open)
    {
      Emph *e = &g_array_index (h->emph, Emph, first_new);
      if (strcmp (emph_mark (e->kind), h->close_mark) == 0
          || (e->kind == EMPH_ITALIC && strcmp (h->close_mark, "*") == 0))
        {
          g_string_truncate (h->out, h->close_start);
          g_strlcpy (e->mark, h->close_mark, sizeof e->mark);
          e->open_pos = h->close_open_pos;
          e->pending = FALSE;
          first_new++;
          h->n_pending--;
        }
    }

  prev = effective_prev (h);
  if (h->n_pending == 0)
    {
      g_string_free (marks, TRUE);
      h->have_close = FALSE;
      return;
    }

  if (h->space_before_open)
    {
      h->space = TRUE;
      h->space_before_open = FALSE;
      prev = effective_prev (h);
    }

  if (!_gpm_convert_md_isspace (prev))
    {
      /* "a<b>"x"</b>": the marks would not open between a letter and punctuation. */
      if (!_gpm_convert_md_ispunct (prev) && (_gpm_convert_md_ispunct (first) || h->n_pending > 1))
        {
          h->space = TRUE;
          prev = ' ';
        }
    }
  else if (h->preceding_nonspace && !(h->space && !h->last_was_nl))
    {
      /* html2text writes " **" after text; harmless when a space or a
       * line break is already there, and keeps the output identical. */
      g_string_append_c (marks, ' ');
    }

  lead = marks->len;
  for (guint i = first_new; i < h->emph->len; i++)
    {
      Emph *e = &g_array_index (h->emph, Emph, i);
      const char *m = emph_mark (e->kind);
      if (e->kind == EMPH_ITALIC && !_gpm_convert_md_isspace (prev) && !_gpm_convert_md_ispunct (prev))
        m = "*";  /* intraword: "_" would not open */
      g_strlcpy (e->mark, m, sizeof e->mark);
      e->pending = FALSE;
      g_string_append (marks, m);
    }
  h->n_pending = 0;

  /* _gpm_h2t_o writes pending breaks and spaces first: the marks end the output. */
  _gpm_h2t_o (h, marks->str, FALSE, FORCE_NO);
  pos = h->out->len - (marks->len - lead);
  for (guint i = first_new; i < h->emph->len; i++)
    {
      Emph *e = &g_array_index (h->emph, Emph, i);
      e->open_pos = pos;
      pos += strlen (e->mark);
    }
  g_string_free (marks, TRUE);
  h->have_close = FALSE;
}

static void
h2t_data (H2T *h, const char *text)
{
  g_autofree char *data = NULL;
  g_autofree char *escaped = NULL;
  gboolean lead = FALSE, trail = FALSE;
  gunichar prev, first;

  g_autofree char *valid = NULL;

  if (text == NULL || *text == '\0')
    return;
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  if (h->stressed)
    {
      data = py_strip (text, &lead, &trail);
      h->stressed = FALSE;
      if (lead && h->n_pending > 0)
        h->space_before_open = TRUE;
    }
  else
    data = g_strdup (text);

  if (h->n_pending > 0 && !h->pre)
    {
      /* Whitespace before the first text of an emphasis goes before its marks. */
      gboolean l2 = FALSE, t2 = FALSE;
      char *s = py_strip_full (data, TRUE, &l2, &t2);
      if (l2)
        h->space_before_open = TRUE;
      if (*s == '\0')
        {
          g_free (s);
          if (trail || t2)
            h->space_before_open = TRUE;
          return;
        }
      if (t2)
        trail = TRUE;
      g_free (data);
      data = s;
    }

  if (*data == '\0')
    {
      if (trail && !h->quiet)
        h->space = TRUE;
      return;
    }

  if (h->quiet)
    return;

  prev = h->n_pending > 0 ? '*' : effective_prev (h);
  h->trailing_backslash = FALSE;
  if (!h->code && !h->pre)
    escaped = _gpm_h2t_escape (h, data, prev,
                          h->n_pending == 0 && h->blockquote == 0
                          && (h->start || h->p_p > 0 || h->out->len == 0 || h->out->str[h->out->len - 1] == '\n'));
  else
    escaped = _gpm_convert_strip_marks (data);

  first = g_utf8_get_char (escaped);

  if (h->n_pending > 0)
    _gpm_h2t_flush_opens (h, first);
  else if (h->have_close && h->out->len == h->close_end && h->p_p == 0 && !h->space
           && !_gpm_convert_md_isspace (first))
    {
      /* Text right after a closing mark. */
      const char *before = h->out->str + h->close_start;
      gunichar pc = h->close_start > 0 ? g_utf8_get_char (g_utf8_find_prev_char (h->out->str, before)) : ' ';
      if (!_gpm_convert_md_ispunct (first))
        {
          if (_gpm_convert_md_ispunct (pc))
            h->space = TRUE;  /* '**"x"**y' would not close */
          else if (h->close_mark[0] == '_' && h->close_open_pos < h->out->len
                   && h->out->str[h->close_open_pos] == '_')
            {
              /* "_x_y" would not close: make it "*x*y". */
              h->out->str[h->close_open_pos] = '*';
              h->out->str[h->close_start] = '*';
            }
        }
    }
  h->have_close = FALSE;

  {
    gunichar c = g_utf8_get_char (g_utf8_prev_char (data + strlen (data)));
    h->preceding_nonspace = !_gpm_convert_py_isspace (c);
  }
  _gpm_h2t_o (h, escaped, TRUE, FORCE_NO);
  if (h->trailing_backslash && h->out->len > 0 && h->out->str[h->out->len - 1] == '\\')
    h->backslash_at = h->out->len;
  h->trailing_backslash = FALSE;
  if (trail)
    h->space = TRUE;
}

void
_gpm_h2t_emph_start (H2T *h, EmphKind kind)
{
  Emph e = { kind, TRUE, "", G_MAXSIZE - 1 };
  g_array_append_val (h->emph, e);
  h->n_pending++;
  h->stressed = TRUE;
}

void
_gpm_h2t_emph_end (H2T *h, EmphKind kind)
{
  Emph e;
  gboolean moved_space = FALSE;

  if (h->emph->len == 0)
    return;
  e = g_array_index (h->emph, Emph, h->emph->len - 1);
  g_array_set_size (h->emph, h->emph->len - 1);
  if (e.pending)
    {
      h->n_pending--;
      if (h->n_pending == 0 && h->space_before_open)
        {
          /* "<i> </i>": its space stays where it was. */
          h->space_before_open = FALSE;
          if (!_gpm_convert_md_isspace (last_char (h->out)))
            h->space = TRUE;
        }
      return;  /* nothing inside: no marks at all */
    }
  if (h->quiet)
    return;

  if (h->space)
    {
      moved_space = TRUE;
      h->space = FALSE;
    }
  if (!h->pre && h->p_p == 0)
    for (;;)
      {
        if (h->out->len > 0 && h->out->str[h->out->len - 1] == ' ')
          g_string_truncate (h->out, h->out->len - 1);
        else if (g_str_has_suffix (h->out->str, NBSP_MARK))
          g_string_truncate (h->out, h->out->len - NBSP_MARK_LEN);
        else
          break;
        moved_space = TRUE;
      }

  if (moved_space && h->p_p == 0)
    {
      /* "a \\ </b>": the backslash now stands right before the mark. */
      gsize n = 0;
      while (n < h->out->len && h->out->str[h->out->len - 1 - n] == '\\')
        n++;
      if (n % 2 == 1)
        g_string_append_c (h->out, '\\');
    }
  _gpm_h2t_o (h, e.mark, FALSE, FORCE_NO);
  h->have_close = TRUE;
  h->close_end = h->out->len;
  h->close_start = h->out->len - strlen (e.mark);
  h->close_open_pos = e.open_pos;
  g_strlcpy (h->close_mark, e.mark, sizeof h->close_mark);
  if (moved_space)
    h->space = TRUE;
}

/* --- the document ---------------------------------------------------------- */

static gboolean
is_wrapper (xmlNode *node)
{
  return strcmp ((const char *) node->name, "html") == 0 || strcmp ((const char *) node->name, "body") == 0;
}

static void
h2t_walk (H2T *h, xmlNode *node, guint depth)
{
  for (; node != NULL; node = node->next)
    {
      if (node->type == XML_TEXT_NODE)
        h2t_data (h, (const char *) node->content);
      else if (node->type == XML_ELEMENT_NODE)
        {
          gboolean wrapper = is_wrapper (node);
          if (depth > 256)
            {
              /* Absurd nesting: keep the text, drop the structure. */
              g_autofree char *text = (char *) xmlNodeGetContent (node);
              h2t_data (h, text);
              continue;
            }
          if (!wrapper)
            _gpm_h2t_tag (h, node, TRUE);
          h2t_walk (h, node->children, depth + 1);
          if (!wrapper)
            _gpm_h2t_tag (h, node, FALSE);
        }
    }
}

/* A line that is only "*", "+", "-", "1." or "1)" (text followed by a line
 * break, "-<br>") is an empty list item to markdown-it: escape its marker. */
static void
escape_bare_markers (GString *out)
{
  gsize line = 0;
  while (line < out->len)
    {
      const char *nl = memchr (out->str + line, '\n', out->len - line);
      gsize end = nl ? (gsize) (nl - out->str) : out->len;
      gsize b = line, e = end;
      while (b < e && out->str[b] == ' ')
        b++;
      while (e > b && out->str[e - 1] == ' ')
        e--;
      if (e > b)
        {
          gsize d = b;
          while (d < e && g_ascii_isdigit (out->str[d]))
            d++;
          if ((e == b + 1 && strchr ("*+-", out->str[b]) != NULL)
              || (d > b && d == e - 1 && (out->str[d] == '.' || out->str[d] == ')')))
            {
              gsize at = e - 1;
              g_string_insert_c (out, at, '\\');
              end++;
            }
        }
      line = end + 1;
    }
}

enum { HAS_ITALIC = 1, HAS_BOLD = 2, HAS_STRIKE = 4 };

/* Which kinds of emphasis the document has: a lone '*' could pair with the
 * marks written for italics ("*a*b*c") or bold, a lone '~' with strike's. */
static guint
scan_emphasis (xmlNode *node, guint depth)
{
  guint found = 0;
  for (; node != NULL && depth < 300; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      {
        const char *n = (const char *) node->name;
        if (!strcmp (n, "i") || !strcmp (n, "em") || !strcmp (n, "u"))
          found |= HAS_ITALIC;
        else if (!strcmp (n, "b") || !strcmp (n, "strong"))
          found |= HAS_BOLD;
        else if (!strcmp (n, "del") || !strcmp (n, "s") || !strcmp (n, "strike"))
          found |= HAS_STRIKE;
        found |= scan_emphasis (node->children, depth + 1);
      }
  return found;
}

static guint
count_char (const char *s, char c)
{
  guint n = 0;
  for (; *s; s++)
    n += *s == c;
  return n;
}

char *
gpm_convert_html_to_markdown (const char *html,
                              gboolean    inline_links)
{
  g_autofree char *capped = NULL;
  guint deepest;

  g_return_val_if_fail (html != NULL, NULL);

  /* Deep nesting would stop the parser: its text is kept, not its marks. */
  if ((capped = _gpm_convert_cap_nesting (html, &deepest)) != NULL)
    html = capped;
  return _gpm_convert_html_to_markdown_capped (html, inline_links);
}

/* gpm_convert_html_to_markdown() for @html that nests no deeper than MAX_NESTING. */
char *
_gpm_convert_html_to_markdown_capped (const char *html,
                  gboolean    inline_links)
{
  g_autofree char *doc_text = NULL;
  g_autofree char *wrapped = NULL;
  htmlDocPtr doc;
  xmlNode *root;
  H2T h = { 0 };

  gpm_convert_init ();
  /* The walk steps through UTF-8: give the parser nothing else. */
  if (!g_utf8_validate (html, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (html, -1);
      wrapped = g_strconcat ("<html><body>", valid, "</body></html>", NULL);
    }
  else
    wrapped = g_strconcat ("<html><body>", html, "</body></html>", NULL);
  doc = _gpm_convert_parse_html (wrapped);

  h.out = g_string_sized_new (strlen (html) + 16);
  h.inline_links = inline_links;
  h.start = TRUE;
  h.list = g_array_new (FALSE, FALSE, sizeof (ListLevel));
  h.emph = g_array_new (FALSE, FALSE, sizeof (Emph));
  h.links = g_array_new (FALSE, FALSE, sizeof (gboolean));

  root = doc ? xmlDocGetRootElement (doc) : NULL;
  if (root != NULL)
    {
      doc_text = (char *) xmlNodeGetContent (root);
      if (doc_text != NULL && !g_utf8_validate (doc_text, -1, NULL))
        g_clear_pointer (&doc_text, g_free);
    }
  if (doc_text != NULL)
    {
      /* A lone delimiter pairs with nothing, unless this writes marks too. */
      guint found = scan_emphasis (root, 0);
      /* A lone '*' inside bold ("**a *b**") or italics pairs with the marks. */
      h.star_marks = (found & (HAS_ITALIC | HAS_BOLD)) != 0;
      h.esc_star = count_char (doc_text, '*') >= (h.star_marks ? 1 : 2);
      h.esc_under = count_char (doc_text, '_') >= ((found & HAS_ITALIC) ? 1 : 2);
      h.esc_tilde = count_char (doc_text, '~') >= ((found & HAS_STRIKE) ? 1 : 2);
      h.esc_caret = count_char (doc_text, '^') >= 2;
      h.esc_backtick = count_char (doc_text, '`') >= 2;
      h.esc_brackets = (strchr (doc_text, '[') != NULL || strchr (doc_text, ']') != NULL)
                       && (strstr (doc_text, "](") || strstr (doc_text, "][") || strstr (doc_text, "]:"));
      h2t_walk (&h, root, 0);
    }

  /* html2text's finish() */
  h.quiet = 0;
  h2t_pbr (&h);
  _gpm_h2t_o (&h, "", FALSE, FORCE_END);

  if (strstr (h.out->str, NBSP_MARK) != NULL)
    {
      /* A space, as html2text writes it; at the start of a line a real
       * U+00A0, as four spaces there would make a code block. */
      GString *r = g_string_sized_new (h.out->len);
      gboolean leading = TRUE;
      for (const char *p = h.out->str; *p; )
        {
          if (strncmp (p, NBSP_MARK, NBSP_MARK_LEN) == 0)
            {
              g_string_append (r, leading ? "\xc2\xa0" : " ");
              p += NBSP_MARK_LEN;
              continue;
            }
          if (*p == '\n')
            leading = TRUE;
          else if (*p != ' ')
            leading = FALSE;
          g_string_append_c (r, *p++);
        }
      g_string_free (h.out, TRUE);
      h.out = r;
    }
  escape_bare_markers (h.out);

  if (doc)
    xmlFreeDoc (doc);
  g_array_unref (h.list);
  g_array_unref (h.emph);
  g_array_unref (h.links);

  if (!g_utf8_validate (h.out->str, h.out->len, NULL))
    {
      char *valid = g_utf8_make_valid (h.out->str, h.out->len);
      g_string_free (h.out, TRUE);
      return valid;
    }
  return g_string_free (h.out, FALSE);
}
