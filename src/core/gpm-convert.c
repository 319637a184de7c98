/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert.h"

#include <glib/gi18n.h>
#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <locale.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------------
 * HTML → Markdown.
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
 * ------------------------------------------------------------------------ */

enum { FORCE_NO = 0, FORCE_YES = 1, FORCE_END = 2 };

/* html2text sees the text between tags in pieces, cut at each entity
 * ("&quot; - x" is '"' then " - x", whose dash it escapes). libxml2 joins
 * them into one text node; CHUNK_MARK (a Unicode noncharacter) keeps where
 * an entity ended. The parser reports an entity as characters that differ
 * from the bytes just read. */
#define CHUNK_MARK "\xef\xb7\x90"
#define CHUNK_MARK_LEN 3
/* html2text writes each &nbsp; entity as a space that whitespace collapsing
 * does not touch (a literal U+00A0 it collapses): NBSP_MARK stands for one
 * until the end. */
#define NBSP_MARK "\xef\xb7\x91"
#define NBSP_MARK_LEN 3
#define NBSP_MARK_CHAR 0xfdd1

static char *
strip_marks (const char *s)
{
  g_auto(GStrv) parts = g_strsplit (s, CHUNK_MARK, -1);
  return g_strjoinv (NULL, parts);
}


typedef struct {
  gboolean ordered;
  int      num;
} ListLevel;

typedef enum { EMPH_ITALIC, EMPH_STRONG, EMPH_STRIKE } EmphKind;

typedef struct {
  EmphKind kind;
  gboolean pending;    /* the mark is not written yet (no text so far) */
  char     mark[3];
  gsize    open_pos;   /* where the mark starts in the output */
} Emph;

typedef struct {
  GString  *out;
  gboolean  inline_links;

  /* html2text's state */
  int       quiet;
  int       p_p;
  gboolean  start;
  gboolean  space;
  gboolean  last_was_nl;
  gboolean  last_was_list;
  gboolean  br_toggle;
  GArray   *list;          /* ListLevel */
  int       blockquote;
  gboolean  pre;
  gboolean  startpre;
  gboolean  code;
  gboolean  quote;
  gboolean  stressed;
  gboolean  preceding_nonspace;  /* last char of the last text was not whitespace */

  /* emphasis */
  GArray   *emph;          /* Emph, innermost last */
  gsize     n_pending;     /* pending entries in emph */
  gboolean  space_before_open;
  gboolean  have_close;    /* last_close_* valid */
  gsize     close_start;   /* last closing mark: its start and end in the output */
  gsize     close_end;
  gsize     close_open_pos;
  char      close_mark[3];

  gboolean  trailing_backslash;  /* the text being written ends in a lone backslash */
  gsize     backslash_at;        /* the output's length right after it, or 0 */

  /* links kept inline */
  GArray   *links;         /* gboolean: this <a> is written as [text](url) */

  /* escaping needed by this document's text as a whole */
  gboolean  esc_star;
  gboolean  star_marks;     /* "**" marks are written: a '*' next to one joins it */
  gboolean  esc_under;
  gboolean  esc_tilde;
  gboolean  esc_caret;
  gboolean  esc_backtick;
  gboolean  esc_brackets;
} H2T;

/* Python's str.isspace() / re's \s, which html2text collapses and strips. */
static gboolean
py_isspace (gunichar c)
{
  switch (c)
    {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
    case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x85: case 0xa0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return TRUE;
    default:
      return c >= 0x2000 && c <= 0x200a;
    }
}

/* CommonMark's notions, for flanking delimiter runs. */
static gboolean
md_isspace (gunichar c)
{
  return c == 0 || c == NBSP_MARK_CHAR || g_unichar_isspace (c) || py_isspace (c);
}

static gboolean
md_ispunct (gunichar c)
{
  /* CommonMark 0.28 (markdown-it 8): ASCII punctuation or Unicode P*, not symbols. */
  if (c < 0x80)
    return g_ascii_ispunct (c);
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONNECT_PUNCTUATION: case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION: case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION: case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
      return TRUE;
    default:
      return FALSE;
    }
}

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
      if (py_isspace (c))
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
static void
h2t_o (H2T *h, const char *data_in, gboolean puredata, int force)
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

static void h2t_pbr (H2T *h) { if (h->p_p == 0) h->p_p = 1; }
static void h2t_p (H2T *h) { h->p_p = 2; }

/* The character the next output will follow: whitespace when a paragraph
 * break or a space is pending, or nothing was written yet. */
static gunichar
effective_prev (H2T *h)
{
  if (h->start || h->p_p > 0 || (h->space && !h->last_was_nl) || h->out->len == 0)
    return ' ';
  return last_char (h->out);
}

/* --- escaping ----------------------------------------------------------- */

static gboolean
ascii_digit_run (const char *p, const char **end)
{
  const char *q = p;
  while (g_ascii_isdigit (*q))
    q++;
  *end = q;
  return q > p;
}

static gboolean
py_space_at (const char *p)
{
  return *p != '\0' && py_isspace (g_utf8_get_char (p));
}

/* What will be a space in the output: whitespace, or an &nbsp; (possibly
 * behind the mark of a piece). */
static gboolean
space_at (const char *p)
{
  if (strncmp (p, CHUNK_MARK, CHUNK_MARK_LEN) == 0)
    p += CHUNK_MARK_LEN;
  return py_space_at (p) || strncmp (p, NBSP_MARK, NBSP_MARK_LEN) == 0;
}

/* Whether a run of @c at @p (run of @n bytes, previous char @prev, next
 * char @next) can open or close emphasis in CommonMark. */
static gboolean
run_can_pair (char c, gunichar prev, gunichar next)
{
  gboolean left = !md_isspace (next) && (!md_ispunct (next) || md_isspace (prev) || md_ispunct (prev));
  gboolean right = !md_isspace (prev) && (!md_ispunct (prev) || md_isspace (next) || md_ispunct (next));
  if (c == '_')
    return (left && (!right || md_ispunct (prev))) || (right && (!left || md_ispunct (next)));
  return left || right;
}

static gboolean
looks_like_entity (const char *p)
{
  /* p points after '&' */
  const char *q = p;
  if (*q == '#')
    {
      q++;
      if (*q == 'x' || *q == 'X')
        {
          q++;
          if (!g_ascii_isxdigit (*q))
            return FALSE;
          while (g_ascii_isxdigit (*q))
            q++;
        }
      else
        {
          if (!g_ascii_isdigit (*q))
            return FALSE;
          while (g_ascii_isdigit (*q))
            q++;
        }
      return *q == ';';
    }
  if (!g_ascii_isalnum (*q))
    return FALSE;
  while (g_ascii_isalnum (*q))
    q++;
  return *q == ';';
}

/* html2text's escape_md_section() (backslashes; "1." "+" "-" at the start of
 * the text or of a line in it), plus what markdown-it would otherwise read as
 * markup. @prev is the character the text will follow. */
static char *
h2t_escape (H2T *h, const char *data, gunichar prev, gboolean at_line_start)
{
  GString *r = g_string_sized_new (strlen (data) + 8);
  const char *p = data;
  gboolean line_start = TRUE;
  gboolean real = at_line_start;  /* html2text's piece starts where a line of the output starts */

  while (*p)
    {
      gunichar c;
      const char *next;

      if (line_start)
        {
          const char *q = p, *e;
          gboolean real_start = real;
          line_start = FALSE;
          real = FALSE;
          while (py_space_at (q) || strncmp (q, NBSP_MARK, NBSP_MARK_LEN) == 0
                 || (real_start && strncmp (q, CHUNK_MARK, CHUNK_MARK_LEN) == 0))
            q = g_utf8_next_char (q);
          {
            /* the spaces kept, the marks of pieces dropped */
            g_autofree char *lead = g_strndup (p, q - p);
            g_autofree char *kept = strip_marks (lead);
            g_string_append (r, kept);
          }
          if (q != p)
            prev = ' ';
          p = q;
          /* html2text: "1." "+" "-" at the start of each piece of text.
           * Also, where a line really starts: "1)", "* ", "_ ", "# ",
           * ">", "===" (lists, headings, quotes, setext underlines). */
          if (ascii_digit_run (p, &e) && (*e == '.' || (*e == ')' && real_start))
              && (py_space_at (e + 1) || (real_start && (space_at (e + 1) || e[1] == '\0'))))
            {
              g_string_append_len (r, p, e - p);
              g_string_append_c (r, '\\');
              g_string_append_c (r, *e);
              prev = *e;
              p = e + 1;
              continue;
            }
          /* Where a line really starts, also before an &nbsp; or the end of
           * this text (a space or a mark may follow: "-<b>x</b>"). A "+" at
           * the end is left alone: it is how a +mention starts. */
          if ((*p == '+' && (py_space_at (p + 1) || (real_start && space_at (p + 1))))
              || ((*p == '*' || *p == '_') && real_start && (space_at (p + 1) || p[1] == '\0')))
            {
              g_string_append_c (r, '\\');
              g_string_append_c (r, *p);
              prev = *p;
              p++;
              continue;
            }
          if (*p == '-' && (py_space_at (p + 1) || p[1] == '-'
                            || (real_start && (space_at (p + 1) || p[1] == '\0'))))
            {
              g_string_append (r, "\\-");
              prev = '-';
              p++;
              continue;
            }
          if (*p == '#' && real_start)
            {
              e = p;
              while (*e == '#')
                e++;
              if (*e == '\0' || space_at (e))
                {
                  g_string_append_c (r, '\\');
                  g_string_append_len (r, p, e - p);
                  prev = '#';
                  p = e;
                  continue;
                }
            }
          if (*p == '>' && real_start)
            {
              g_string_append (r, "\\>");
              prev = '>';
              p++;
              continue;
            }
          if (*p == '=' && real_start)
            {
              e = p;
              while (*e == '=')
                e++;
              for (;;)
                {
                  if (*e == ' ' || *e == '\t')
                    e++;
                  else if (strncmp (e, NBSP_MARK, NBSP_MARK_LEN) == 0 || strncmp (e, CHUNK_MARK, CHUNK_MARK_LEN) == 0)
                    e += 3;
                  else
                    break;
                }
              if (*e == '\0' || *e == '\n')
                {
                  g_string_append (r, "\\=");
                  prev = '=';
                  p++;
                  continue;
                }
            }
          if (*p == '\0')
            break;
        }

      if (strncmp (p, CHUNK_MARK, CHUNK_MARK_LEN) == 0)
        {
          /* Where html2text starts a new piece of text. */
          p += CHUNK_MARK_LEN;
          line_start = TRUE;
          continue;
        }

      c = g_utf8_get_char (p);
      next = g_utf8_next_char (p);

      switch (c)
        {
        case '\n':
          line_start = TRUE;
          g_string_append_c (r, '\n');
          break;
        case '\\':
          if (*next == '\0')
            {
              /* What follows may be a mark ("\_"): h2t_out doubles it then. */
              g_string_append_c (r, '\\');
              h->trailing_backslash = TRUE;
            }
          else if (g_ascii_ispunct (*next) || strncmp (next, CHUNK_MARK, CHUNK_MARK_LEN) == 0)
            g_string_append (r, "\\\\");
          else
            g_string_append_c (r, '\\');
          break;
        case '*': case '_': case '~': case '^':
          {
            gboolean wanted = (c == '*' && (h->esc_star || (h->star_marks && (p == data || p[1] == '\0'))))
                              || (c == '_' && h->esc_under)
                              || (c == '~' && h->esc_tilde) || (c == '^' && h->esc_caret);
            const char *e = p;
            gunichar after;
            while (*e == (char) c)
              e++;
            after = *e ? g_utf8_get_char (e) : 0;
            /* At the end, a space, a mark or more text may follow. */
            if (wanted && (after != 0 ? run_can_pair ((char) c, prev, after)
                                      : (run_can_pair ((char) c, prev, ' ') || run_can_pair ((char) c, prev, '*')
                                         || run_can_pair ((char) c, prev, 'a'))))
              for (const char *q = p; q < e; q++)
                {
                  g_string_append_c (r, '\\');
                  g_string_append_c (r, *q);
                }
            else
              g_string_append_len (r, p, e - p);
            prev = c;
            p = e;
            continue;
          }
        case '`':
          g_string_append (r, h->esc_backtick ? "\\`" : "`");
          break;
        case '[': case ']':
          if (h->esc_brackets)
            g_string_append_c (r, '\\');
          g_string_append_c (r, (char) c);
          break;
        case '<':
          {
            /* "&lt;b" is '<', a mark, then "b" */
            const char *la = strncmp (next, CHUNK_MARK, CHUNK_MARK_LEN) == 0 ? next + CHUNK_MARK_LEN : next;
            if (g_ascii_isalpha (*la) || *la == '/' || *la == '!' || *la == '?')
              g_string_append_c (r, '\\');
            g_string_append_c (r, '<');
            break;
          }
        case '&':
          if (looks_like_entity (strncmp (next, CHUNK_MARK, CHUNK_MARK_LEN) == 0 ? next + CHUNK_MARK_LEN : next))
            g_string_append_c (r, '\\');
          g_string_append_c (r, '&');
          break;
        default:
          g_string_append_len (r, p, next - p);
          break;
        }
      prev = c;
      p = next;
    }
  return g_string_free (r, FALSE);
}

/* --- text and emphasis ---------------------------------------------------- */

/* Python's str.strip(). */
static gboolean
strip_space (gunichar c, gboolean nbsp_too)
{
  return py_isspace (c) || (nbsp_too && (c == NBSP_MARK_CHAR || c == 0xfdd0 /* CHUNK_MARK */));
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
static void
flush_opens (H2T *h, gunichar first)
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

  if (!md_isspace (prev))
    {
      /* "a<b>"x"</b>": the marks would not open between a letter and punctuation. */
      if (!md_ispunct (prev) && (md_ispunct (first) || h->n_pending > 1))
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
      if (e->kind == EMPH_ITALIC && !md_isspace (prev) && !md_ispunct (prev))
        m = "*";  /* intraword: "_" would not open */
      g_strlcpy (e->mark, m, sizeof e->mark);
      e->pending = FALSE;
      g_string_append (marks, m);
    }
  h->n_pending = 0;

  /* h2t_o writes pending breaks and spaces first: the marks end the output. */
  h2t_o (h, marks->str, FALSE, FORCE_NO);
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
    escaped = h2t_escape (h, data, prev,
                          h->n_pending == 0 && h->blockquote == 0
                          && (h->start || h->p_p > 0 || h->out->len == 0 || h->out->str[h->out->len - 1] == '\n'));
  else
    escaped = strip_marks (data);

  first = g_utf8_get_char (escaped);

  if (h->n_pending > 0)
    flush_opens (h, first);
  else if (h->have_close && h->out->len == h->close_end && h->p_p == 0 && !h->space
           && !md_isspace (first))
    {
      /* Text right after a closing mark. */
      const char *before = h->out->str + h->close_start;
      gunichar pc = h->close_start > 0 ? g_utf8_get_char (g_utf8_find_prev_char (h->out->str, before)) : ' ';
      if (!md_ispunct (first))
        {
          if (md_ispunct (pc))
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
    h->preceding_nonspace = !py_isspace (c);
  }
  h2t_o (h, escaped, TRUE, FORCE_NO);
  if (h->trailing_backslash && h->out->len > 0 && h->out->str[h->out->len - 1] == '\\')
    h->backslash_at = h->out->len;
  h->trailing_backslash = FALSE;
  if (trail)
    h->space = TRUE;
}

static void
emph_start (H2T *h, EmphKind kind)
{
  Emph e = { kind, TRUE, "", G_MAXSIZE - 1 };
  g_array_append_val (h->emph, e);
  h->n_pending++;
  h->stressed = TRUE;
}

static void
emph_end (H2T *h, EmphKind kind)
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
          if (!md_isspace (last_char (h->out)))
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
  h2t_o (h, e.mark, FALSE, FORCE_NO);
  h->have_close = TRUE;
  h->close_end = h->out->len;
  h->close_start = h->out->len - strlen (e.mark);
  h->close_open_pos = e.open_pos;
  g_strlcpy (h->close_mark, e.mark, sizeof h->close_mark);
  if (moved_space)
    h->space = TRUE;
}

/* --- tags ----------------------------------------------------------------- */

static int
header_level (const char *tag)
{
  if (tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '9' && tag[2] == '\0')
    return tag[1] - '0';
  return 0;
}

static gboolean
has_class (xmlNode *node, const char *cls)
{
  g_autofree char *v = (char *) xmlGetProp (node, BAD_CAST "class");
  g_auto(GStrv) parts = NULL;
  if (v == NULL)
    return FALSE;
  parts = g_strsplit_set (v, " \t\n", -1);
  return g_strv_contains ((const char * const *) parts, cls);
}

static void
h2t_tag (H2T *h, xmlNode *node, gboolean start)
{
  const char *tag = (const char *) node->name;
  int hn;

  /* Most of a post: spans (mentions) and links dropped to their text. */
  if (strcmp (tag, "span") == 0 || (tag[0] == 'a' && tag[1] == '\0' && !h->inline_links))
    {
      h->last_was_list = FALSE;
      return;
    }
  hn = header_level (tag);

  if (hn)
    {
      h2t_p (h);
      if (start)
        {
          char buf[16];
          memset (buf, '#', hn);
          buf[hn] = ' ';
          buf[hn + 1] = '\0';
          h2t_o (h, buf, FALSE, FORCE_NO);
        }
      return;
    }

  if (strcmp (tag, "p") == 0 || strcmp (tag, "div") == 0)
    h2t_p (h);

  if (strcmp (tag, "br") == 0 && start)
    h2t_o (h, h->blockquote > 0 ? "  \n> " : "  \n", FALSE, FORCE_NO);

  if (strcmp (tag, "hr") == 0 && start)
    {
      h2t_p (h);
      h2t_o (h, "* * *", FALSE, FORCE_NO);
      h2t_p (h);
    }

  if (strcmp (tag, "head") == 0 || strcmp (tag, "style") == 0 || strcmp (tag, "script") == 0)
    h->quiet += start ? 1 : -1;

  if (strcmp (tag, "blockquote") == 0)
    {
      if (start)
        {
          h2t_p (h);
          h2t_o (h, "> ", FALSE, FORCE_YES);
          h->start = TRUE;
          h->blockquote++;
        }
      else
        {
          h->blockquote--;
          h2t_p (h);
        }
    }

  if (strcmp (tag, "em") == 0 || strcmp (tag, "i") == 0 || strcmp (tag, "u") == 0)
    start ? emph_start (h, EMPH_ITALIC) : emph_end (h, EMPH_ITALIC);
  if (strcmp (tag, "strong") == 0 || strcmp (tag, "b") == 0)
    start ? emph_start (h, EMPH_STRONG) : emph_end (h, EMPH_STRONG);
  if (strcmp (tag, "del") == 0 || strcmp (tag, "strike") == 0 || strcmp (tag, "s") == 0)
    start ? emph_start (h, EMPH_STRIKE) : emph_end (h, EMPH_STRIKE);

  if ((strcmp (tag, "kbd") == 0 || strcmp (tag, "code") == 0 || strcmp (tag, "tt") == 0) && !h->pre)
    {
      h2t_o (h, "`", FALSE, FORCE_NO);
      h->code = !h->code;
    }

  if (strcmp (tag, "q") == 0)
    {
      h2t_o (h, "\"", FALSE, FORCE_NO);
      h->quote = !h->quote;
    }

  if (strcmp (tag, "a") == 0 && h->inline_links)
    {
      if (start)
        {
          g_autofree char *href = (char *) xmlGetProp (node, BAD_CAST "href");
          g_autofree char *raw_text = (char *) xmlNodeGetContent (node);
          g_autofree char *text = raw_text ? strip_marks (raw_text) : NULL;
          /* Only web and mail links are kept: never javascript: or data:. */
          gboolean keep = href != NULL
                          && (g_ascii_strncasecmp (href, "http://", 7) == 0
                              || g_ascii_strncasecmp (href, "https://", 8) == 0
                              || g_ascii_strncasecmp (href, "mailto:", 7) == 0)
                          && strpbrk (href, " \t\r\n<>") == NULL
                          && !has_class (node, "ot-hashtag") && !has_class (node, "proflink")
                          && text != NULL && *g_strstrip (text) != '\0' && strcmp (text, href) != 0;
          g_array_append_val (h->links, keep);
          if (keep)
            h2t_o (h, "[", FALSE, FORCE_NO);
        }
      else if (h->links->len > 0)
        {
          gboolean keep = g_array_index (h->links, gboolean, h->links->len - 1);
          g_array_set_size (h->links, h->links->len - 1);
          if (keep)
            {
              g_autofree char *href = (char *) xmlGetProp (node, BAD_CAST "href");
              g_autoptr(GString) s = g_string_new ("](");
              for (const char *p = href; *p; p++)
                {
                  if (*p == '(' || *p == ')' || *p == '\\' || *p == '[' || *p == ']')
                    g_string_append_c (s, '\\');
                  if (*p == ' ')
                    g_string_append (s, "%20");
                  else
                    g_string_append_c (s, *p);
                }
              g_string_append_c (s, ')');
              h2t_o (h, s->str, FALSE, FORCE_NO);
            }
        }
    }

  if (strcmp (tag, "img") == 0 && start)
    {
      /* html2text: "![alt](src)", with \ [ ] ( ) escaped in both. */
      g_autofree char *src = (char *) xmlGetProp (node, BAD_CAST "src");
      g_autofree char *alt = (char *) xmlGetProp (node, BAD_CAST "alt");
      if (src != NULL)
        {
          g_autoptr(GString) img = g_string_new ("![");
          for (const char *p = alt ? alt : ""; *p; p++)
            {
              if (strchr ("\\[]()", *p))
                g_string_append_c (img, '\\');
              g_string_append_c (img, *p);
            }
          g_string_append (img, "](");
          for (const char *p = src; *p; p++)
            {
              if (strchr ("\\[]()", *p))
                g_string_append_c (img, '\\');
              g_string_append_c (img, *p);
            }
          g_string_append_c (img, ')');
          if (h->n_pending > 0)
            flush_opens (h, '!');
          h2t_o (h, img->str, FALSE, FORCE_NO);
        }
    }

  if (strcmp (tag, "dl") == 0 && start)
    h2t_p (h);
  if (strcmp (tag, "dt") == 0 && !start)
    h2t_pbr (h);
  if (strcmp (tag, "dd") == 0 && start)
    h2t_o (h, "    ", FALSE, FORCE_NO);
  if (strcmp (tag, "dd") == 0 && !start)
    h2t_pbr (h);

  if (strcmp (tag, "ol") == 0 || strcmp (tag, "ul") == 0)
    {
      if (h->list->len == 0 && !h->last_was_list)
        h2t_p (h);
      if (start)
        {
          ListLevel l = { tag[0] == 'o', 0 };
          g_autofree char *st = (char *) xmlGetProp (node, BAD_CAST "start");
          if (st != NULL)
            {
              char *end = NULL;
              gint64 v = g_ascii_strtoll (g_strstrip (st), &end, 10);
              if (end != st && *end == '\0' && v > G_MININT && v < G_MAXINT)
                l.num = (int) v - 1;
            }
          g_array_append_val (h->list, l);
        }
      else if (h->list->len > 0)
        {
          g_array_set_size (h->list, h->list->len - 1);
          if (h->list->len == 0)
            h2t_o (h, "\n", FALSE, FORCE_NO);
        }
      h->last_was_list = TRUE;
    }
  else
    h->last_was_list = FALSE;

  if (strcmp (tag, "li") == 0)
    {
      h2t_pbr (h);
      if (start)
        {
          ListLevel dflt = { FALSE, 0 };
          ListLevel *li = h->list->len > 0 ? &g_array_index (h->list, ListLevel, h->list->len - 1) : &dflt;
          g_autoptr(GString) ind = g_string_new (NULL);
          for (guint i = 0; i < h->list->len; i++)
            g_string_append (ind, "  ");
          h2t_o (h, ind->str, FALSE, FORCE_NO);
          if (!li->ordered)
            h2t_o (h, "* ", FALSE, FORCE_NO);
          else
            {
              char buf[32];
              li->num++;
              g_snprintf (buf, sizeof buf, "%d. ", li->num);
              h2t_o (h, buf, FALSE, FORCE_NO);
            }
          h->start = TRUE;
        }
    }

  if (strcmp (tag, "pre") == 0)
    {
      if (start)
        {
          h->startpre = TRUE;
          h->pre = TRUE;
        }
      else
        h->pre = FALSE;
      h2t_p (h);
    }
}

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
            h2t_tag (h, node, TRUE);
          h2t_walk (h, node->children, depth + 1);
          if (!wrapper)
            h2t_tag (h, node, FALSE);
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

static void
sax_characters (void *ctx, const xmlChar *ch, int len)
{
  xmlParserCtxtPtr ctxt = ctx;
  const xmlChar *cur = ctxt->input ? ctxt->input->cur : NULL;
  const xmlChar *base = ctxt->input ? ctxt->input->base : NULL;
  gboolean raw = FALSE;

  if (cur != NULL && base != NULL)
    {
      /* The parser may have dropped what it read from the buffer already:
       * compare what is left of it. */
      ptrdiff_t avail = MIN ((ptrdiff_t) len, cur - base);
      raw = avail > 0 && memcmp (cur - avail, ch + len - avail, avail) == 0;
    }

  if (!raw && len == 2 && ch[0] == 0xc2 && ch[1] == 0xa0)
    xmlSAX2Characters (ctx, BAD_CAST NBSP_MARK, NBSP_MARK_LEN);  /* &nbsp; */
  else
    xmlSAX2Characters (ctx, ch, len);
  if (!raw)
    xmlSAX2Characters (ctx, BAD_CAST CHUNK_MARK, CHUNK_MARK_LEN);
}

static void
free_parser (gpointer ctxt)
{
  htmlFreeParserCtxt (ctxt);
}

/* One parser context per thread, reset for each post (its dictionary and
 * buffers are reused: a good part of the time a post takes). */
static GPrivate parser_key = G_PRIVATE_INIT (free_parser);

static htmlDocPtr
parse_html (const char *html)
{
  htmlParserCtxtPtr ctxt = g_private_get (&parser_key);
  htmlDocPtr doc;

  if (ctxt == NULL)
    {
      ctxt = htmlNewParserCtxt ();
      if (ctxt == NULL)
        return NULL;
      g_private_set (&parser_key, ctxt);
    }
  if (ctxt->sax != NULL)
    ctxt->sax->characters = sax_characters;
  doc = htmlCtxtReadMemory (ctxt, html, (int) MIN (strlen (html), (gsize) G_MAXINT), NULL, "UTF-8",
                            HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  return doc;
}

static guint
count_char (const char *s, char c)
{
  guint n = 0;
  for (; *s; s++)
    n += *s == c;
  return n;
}

void
gpm_convert_init (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      xmlInitParser ();
      g_once_init_leave (&once, 1);
    }
}

char *
gpm_convert_html_to_markdown (const char *html,
                              gboolean    inline_links)
{
  g_autofree char *doc_text = NULL;
  g_autofree char *wrapped = NULL;
  htmlDocPtr doc;
  xmlNode *root;
  H2T h = { 0 };

  g_return_val_if_fail (html != NULL, NULL);

  gpm_convert_init ();
  /* The walk steps through UTF-8: give the parser nothing else. */
  if (!g_utf8_validate (html, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (html, -1);
      wrapped = g_strconcat ("<html><body>", valid, "</body></html>", NULL);
    }
  else
    wrapped = g_strconcat ("<html><body>", html, "</body></html>", NULL);
  doc = parse_html (wrapped);

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
  h2t_o (&h, "", FALSE, FORCE_END);

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

/* ------------------------------------------------------------------------
 * Settings
 * ------------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (GpmConvertSettings, gpm_convert_settings,
                     gpm_convert_settings_copy, gpm_convert_settings_free)

GpmConvertSettings *
gpm_convert_settings_new (void)
{
  static const char * const hashtags[] = { GPM_CONVERT_DEFAULT_HASHTAGS, NULL };
  GpmConvertSettings *s = g_new0 (GpmConvertSettings, 1);

  s->hashtags = g_strdupv ((char **) hashtags);
  s->photo_hashtags = TRUE;
  s->date_format = g_strdup (GPM_CONVERT_DEFAULT_DATE_FORMAT);
  s->date_locale = g_strdup ("C");
  s->context = TRUE;
  s->inline_links = FALSE;
  s->location_text = FALSE;
  return s;
}

GpmConvertSettings *
gpm_convert_settings_new_from_gsettings (GSettings *gsettings)
{
  GpmConvertSettings *s;

  g_return_val_if_fail (G_IS_SETTINGS (gsettings), NULL);

  s = gpm_convert_settings_new ();
  g_strfreev (s->hashtags);
  s->hashtags = g_settings_get_strv (gsettings, "hashtags");
  s->photo_hashtags = g_settings_get_boolean (gsettings, "add-photo-hashtags");
  g_free (s->date_format);
  s->date_format = g_settings_get_string (gsettings, "date-line-format");
  g_free (s->date_locale);
  s->date_locale = g_settings_get_string (gsettings, "date-line-locale");
  s->inline_links = g_settings_get_boolean (gsettings, "keep-inline-links");
  s->location_text = g_settings_get_boolean (gsettings, "include-location");
  return s;
}

GpmConvertSettings *
gpm_convert_settings_copy (const GpmConvertSettings *settings)
{
  GpmConvertSettings *s;

  g_return_val_if_fail (settings != NULL, NULL);

  s = g_memdup2 (settings, sizeof *settings);
  s->hashtags = g_strdupv (settings->hashtags);
  s->date_format = g_strdup (settings->date_format);
  s->date_locale = g_strdup (settings->date_locale);
  return s;
}

void
gpm_convert_settings_free (GpmConvertSettings *settings)
{
  if (settings == NULL)
    return;
  g_strfreev (settings->hashtags);
  g_free (settings->date_format);
  g_free (settings->date_locale);
  g_free (settings);
}

/* ------------------------------------------------------------------------
 * Result
 * ------------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (GpmConvertResult, gpm_convert_result,
                     gpm_convert_result_ref, gpm_convert_result_unref)

static void
convert_media_free (GpmConvertMedia *m)
{
  g_free (m->file_name);
  g_free (m->entry);
  g_free (m);
}

GpmConvertResult *
gpm_convert_result_ref (GpmConvertResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  g_atomic_int_inc (&result->ref_count);
  return result;
}

void
gpm_convert_result_unref (GpmConvertResult *result)
{
  if (result == NULL || !g_atomic_int_dec_and_test (&result->ref_count))
    return;
  g_free (result->markdown);
  g_ptr_array_unref (result->media);
  g_ptr_array_unref (result->warnings);
  g_clear_object (&result->post);
  g_free (result);
}

/* ------------------------------------------------------------------------
 * Post → Markdown
 * ------------------------------------------------------------------------ */

static locale_t
c_time_locale (void)
{
  static gsize once = 0;
  static locale_t loc;
  if (g_once_init_enter (&once))
    {
      loc = newlocale (LC_TIME_MASK, "C", (locale_t) 0);
      g_once_init_leave (&once, 1);
    }
  return loc;
}

/* The date line: @format applied to the post's own date, as written in the
 * JSON (its own UTC offset), in @locale_name's language. */
static char *
format_date_line (GDateTime  *date,
                  const char *format,
                  const char *locale_name,
                  GPtrArray  *warnings)
{
  struct tm tm = { 0 };
  locale_t loc = (locale_t) 0;
  gboolean own = FALSE;
  char buf[1024];
  size_t n;

  tm.tm_year = g_date_time_get_year (date) - 1900;
  tm.tm_mon = g_date_time_get_month (date) - 1;
  tm.tm_mday = g_date_time_get_day_of_month (date);
  tm.tm_hour = g_date_time_get_hour (date);
  tm.tm_min = g_date_time_get_minute (date);
  tm.tm_sec = g_date_time_get_second (date);
  tm.tm_wday = g_date_time_get_day_of_week (date) % 7;
  tm.tm_yday = g_date_time_get_day_of_year (date) - 1;
  tm.tm_gmtoff = (long) (g_date_time_get_utc_offset (date) / G_TIME_SPAN_SECOND);
  tm.tm_zone = g_date_time_get_timezone_abbreviation (date);

  if (locale_name != NULL && *locale_name == '\0')
    {
      /* The desktop's (LC_ALL, LC_TIME, LANG). */
      loc = newlocale (LC_TIME_MASK, "", (locale_t) 0);
      own = loc != (locale_t) 0;
    }
  else if (locale_name != NULL && strcmp (locale_name, "C") != 0 && strcmp (locale_name, "POSIX") != 0)
    {
      loc = newlocale (LC_TIME_MASK, locale_name, (locale_t) 0);
      if (loc == (locale_t) 0 && strchr (locale_name, '.') == NULL)
        {
          g_autofree char *utf8 = g_strconcat (locale_name, ".UTF-8", NULL);
          loc = newlocale (LC_TIME_MASK, utf8, (locale_t) 0);
        }
      if (loc == (locale_t) 0)
        g_ptr_array_add (warnings, g_strdup_printf (_("The language “%s” for the date is not installed; the date is in English."),
                                                    locale_name));
      else
        own = TRUE;
    }
  if (loc == (locale_t) 0)
    loc = c_time_locale ();

  buf[0] = '\0';
  n = strftime_l (buf, sizeof buf, format, &tm, loc);
  if (own)
    freelocale (loc);
  if (n == 0 && *format != '\0')
    {
      g_ptr_array_add (warnings, g_strdup (_("The date line format gives no text or too much; the date line is left out.")));
      return NULL;
    }
  if (!g_utf8_validate (buf, -1, NULL))
    return g_utf8_make_valid (buf, -1);
  return g_strdup (buf);
}

static GpmConvertMediaKind
media_kind (const GpmMedia *m, const char *file_name)
{
  static const char * const video_ext[] = { ".mp4", ".m4v", ".mov", ".webm", ".avi", ".3gp", ".mkv", ".wmv", ".mpg", ".mpeg", NULL };
  static const char * const photo_ext[] = { ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".heic", ".tif", ".tiff", NULL };
  g_autofree char *lower = file_name ? g_ascii_strdown (file_name, -1) : NULL;

  if (m->content_type != NULL)
    {
      if (g_str_has_prefix (m->content_type, "video/"))
        return GPM_CONVERT_MEDIA_VIDEO;
      if (g_str_has_prefix (m->content_type, "image/") && strcmp (m->content_type, "image/*") != 0)
        return GPM_CONVERT_MEDIA_PHOTO;
    }
  for (guint i = 0; lower && video_ext[i]; i++)
    if (g_str_has_suffix (lower, video_ext[i]))
      return GPM_CONVERT_MEDIA_VIDEO;
  for (guint i = 0; lower && photo_ext[i]; i++)
    if (g_str_has_suffix (lower, photo_ext[i]))
      return GPM_CONVERT_MEDIA_PHOTO;
  if (m->content_type != NULL && g_str_has_prefix (m->content_type, "image/"))
    return GPM_CONVERT_MEDIA_PHOTO;
  return GPM_CONVERT_MEDIA_OTHER;
}

/* localFilePath, else the last path segment of the url, decoded. */
static char *
media_file_name (const GpmMedia *m)
{
  const char *url = m->url;
  const char *end, *slash;
  g_autofree char *seg = NULL;
  char *dec;

  if (m->local_file_path != NULL && *m->local_file_path != '\0')
    return g_strdup (m->local_file_path);
  if (url == NULL || *url == '\0')
    return NULL;
  end = url + strcspn (url, "?#");
  while (end > url && end[-1] == '/')
    end--;
  slash = g_strrstr_len (url, end - url, "/");
  seg = g_strndup (slash ? slash + 1 : url, end - (slash ? slash + 1 : url));
  if (*seg == '\0')
    return NULL;
  dec = g_uri_unescape_string (seg, "/");
  return dec ? dec : g_steal_pointer (&seg);
}

static void
add_media (GpmConvertResult        *r,
           const GpmMedia          *m,
           const char              *post_entry,
           GpmConvertMediaResolver  resolver,
           gpointer                 resolver_data)
{
  GpmConvertMedia *cm = g_new0 (GpmConvertMedia, 1);
  const char *shown;

  cm->media = m;
  cm->file_name = media_file_name (m);
  cm->kind = media_kind (m, cm->file_name);
  if (cm->file_name != NULL && resolver != NULL)
    cm->entry = resolver (post_entry, m, cm->file_name, resolver_data);
  shown = cm->file_name ? cm->file_name : (m->url ? m->url : "?");

  if (cm->entry == NULL)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("The media file “%s” is not in the takeout."), shown));
  if (cm->kind == GPM_CONVERT_MEDIA_VIDEO)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("“%s” is a video: diaspora* takes photos only, so it will not be uploaded."), shown));
  else if (cm->kind == GPM_CONVERT_MEDIA_OTHER)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("“%s” is not a photo diaspora* can take, so it will not be uploaded."), shown));
  cm->uploadable = cm->entry != NULL && cm->kind == GPM_CONVERT_MEDIA_PHOTO;
  g_ptr_array_add (r->media, cm);
}

/* A community's or collection's name, when the ACL gave one. */
static const char *
scope_display_name (const GpmScope *scope)
{
  if (scope == NULL || scope->name == NULL || *scope->name == '\0' || strcmp (scope->name, "-") == 0)
    return NULL;
  return scope->name;
}

GpmConvertResult *
gpm_convert_post (GpmPost                  *post,
                  const GpmConvertSettings *settings,
                  GpmConvertMediaResolver   resolver,
                  gpointer                  resolver_data)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *content = NULL;
  const GpmLink *link;
  const char *link_url = NULL;
  GpmPost *reshared;
  GPtrArray *album;
  const GpmMedia *media;
  GpmConvertResult *r;

  g_return_val_if_fail (GPM_IS_POST (post), NULL);

  if (settings == NULL)
    {
      static gsize once = 0;
      static GpmConvertSettings *shared_defaults;
      if (g_once_init_enter (&once))
        {
          shared_defaults = gpm_convert_settings_new ();
          g_once_init_leave (&once, 1);
        }
      settings = shared_defaults;
    }

  r = g_new0 (GpmConvertResult, 1);
  r->ref_count = 1;
  r->post = g_object_ref (post);
  r->media = g_ptr_array_new_with_free_func ((GDestroyNotify) convert_media_free);
  r->warnings = g_ptr_array_new_with_free_func (g_free);
  r->poll = gpm_post_get_poll (post);
  r->location = gpm_post_get_location (post);

  lines = g_ptr_array_new_with_free_func (g_free);
  content = g_strdup (gpm_post_get_content (post));
  link = gpm_post_get_link (post);
  if (link != NULL)
    link_url = link->url;
  album = gpm_post_get_album (post);
  media = gpm_post_get_media (post);

  /* A reshared link: the link, and a hat tip to whoever posted it. */
  reshared = gpm_post_get_reshared_post (post);
  if (reshared != NULL && gpm_post_get_link (reshared) != NULL)
    {
      const GpmPerson *author = gpm_post_get_author (reshared);
      char *c;
      link_url = gpm_post_get_link (reshared)->url;
      c = g_strconcat (content, " - H/t to ",
                       author && author->display_name ? author->display_name : "", NULL);
      g_free (content);
      content = c;
    }

  if (*content != '\0')
    g_ptr_array_add (lines, gpm_convert_html_to_markdown (content, settings->inline_links));

  if (settings->location_text && r->location != NULL
      && ((r->location->display_name && *r->location->display_name)
          || (r->location->physical_address && *r->location->physical_address)))
    {
      const GpmLocation *l = r->location;
      g_autoptr(GString) html = g_string_new ("📍 ");
      g_autofree char *md = NULL;
      if (l->display_name && *l->display_name)
        {
          g_autofree char *e = g_markup_escape_text (l->display_name, -1);
          g_string_append (html, e);
        }
      if (l->physical_address && *l->physical_address
          && g_strcmp0 (l->physical_address, l->display_name) != 0)
        {
          g_autofree char *e = g_markup_escape_text (l->physical_address, -1);
          if (l->display_name && *l->display_name)
            g_string_append (html, ", ");
          g_string_append (html, e);
        }
      md = gpm_convert_html_to_markdown (html->str, FALSE);
      g_strchomp (md);
      g_ptr_array_add (lines, g_steal_pointer (&md));
    }

  {
    g_autoptr(GString) tags = g_string_new (NULL);
    for (guint i = 0; settings->hashtags && settings->hashtags[i]; i++)
      {
        const char *tag = settings->hashtags[i];
        while (*tag == '#' || *tag == ' ')
          tag++;  /* "#repost" typed with its '#' */
        if (*tag != '\0')
          g_string_append_printf (tags, "%s#%s", tags->len ? " " : "", tag);
      }
    if (settings->photo_hashtags && (album != NULL || media != NULL))
      g_string_append_printf (tags, "%s#photo #photography", tags->len ? " " : "");
    if (tags->len > 0)
      g_ptr_array_add (lines, g_string_free (g_steal_pointer (&tags), FALSE));
  }

  if (settings->date_format != NULL && *settings->date_format != '\0')
    {
      GDateTime *date = gpm_post_get_creation_time (post);
      if (date == NULL)
        g_ptr_array_add (r->warnings, g_strdup (_("The post has no readable creation date, so the date line is left out.")));
      else
        {
          char *line = format_date_line (date, settings->date_format, settings->date_locale, r->warnings);
          const char *context = NULL;
          if (settings->context)
            {
              context = scope_display_name (gpm_post_get_community (post));
              if (context == NULL)
                context = scope_display_name (gpm_post_get_collection (post));
            }
          if (line != NULL && context != NULL)
            {
              char *l2 = g_strconcat (line, "  ( ", context, ")", NULL);
              g_free (line);
              line = l2;
            }
          if (line != NULL)
            g_ptr_array_add (lines, line);
        }
    }

  if (link_url != NULL && *link_url != '\0')
    g_ptr_array_add (lines, g_strdup (link_url));

  g_ptr_array_add (lines, NULL);
  r->markdown = g_strjoinv ("\n", (char **) lines->pdata);
  r->n_chars = g_utf8_strlen (r->markdown, -1);
  r->too_long = r->n_chars > GPM_DIASPORA_MAX_TEXT_CHARS;
  if (r->too_long)
    g_ptr_array_add (r->warnings,
                     g_strdup_printf (_("The post is %lu characters long; diaspora* takes at most %d. It is not cut: shorten it before posting."),
                                      (unsigned long) r->n_chars, GPM_DIASPORA_MAX_TEXT_CHARS));

  for (guint i = 0; album && i < album->len; i++)
    add_media (r, g_ptr_array_index (album, i), gpm_post_get_entry_name (post), resolver, resolver_data);
  if (media != NULL)
    add_media (r, media, gpm_post_get_entry_name (post), resolver, resolver_data);

  return r;
}

/* ---- .metadata.csv sidecars ------------------------------------------------ */

/* One CSV record from @p (RFC 4180 quoting); advances @p past it. */
static GPtrArray *
csv_record (const char **p)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *f = g_string_new (NULL);
  const char *s = *p;
  gboolean quoted = FALSE;

  for (;; s++)
    {
      if (quoted)
        {
          if (*s == '\0')
            break;
          if (*s == '"' && s[1] == '"')
            {
              g_string_append_c (f, '"');
              s++;
            }
          else if (*s == '"')
            quoted = FALSE;
          else
            g_string_append_c (f, *s);
          continue;
        }
      if (*s == '"' && f->len == 0)
        quoted = TRUE;
      else if (*s == ',')
        {
          g_ptr_array_add (fields, g_string_free (f, FALSE));
          f = g_string_new (NULL);
        }
      else if (*s == '\n' || *s == '\0')
        break;
      else if (*s != '\r')
        g_string_append_c (f, *s);
    }
  g_ptr_array_add (fields, g_string_free (f, FALSE));
  *p = *s ? s + 1 : s;
  return fields;
}

/* url → the media entry its sidecar describes. */
static GHashTable *
read_sidecars (GpmTakeout *takeout)
{
  static const char suffix[] = ".metadata.csv";
  GHashTable *by_url = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GPtrArray *entries = gpm_takeout_get_entries (takeout);
  g_autoptr(GPtrArray) sidecars = g_ptr_array_new ();
  gboolean on_disk = TRUE;

  for (guint i = 0; entries && i < entries->len; i++)
    {
      const GpmTakeoutEntry *e = g_ptr_array_index (entries, i);
      goffset size;

      if (!g_str_has_suffix (e->name, suffix))
        continue;
      size = gpm_takeout_get_entry_size (takeout, e);
      if (size >= 0 && size < 65536)
        {
          g_autofree char *path = on_disk ? gpm_takeout_dup_entry_path (takeout, e) : NULL;
          on_disk = on_disk && path != NULL;
          g_ptr_array_add (sidecars, (gpointer) e);
        }
    }
  if (!on_disk && sidecars->len > GPM_CONVERT_MAX_SIDECARS)
    {
      g_message ("%u .metadata.csv files in an archive: too many to read one by one; media are found by name only",
                 sidecars->len);
      return by_url;
    }

  for (guint i = 0; i < sidecars->len; i++)
    {
      const GpmTakeoutEntry *e = g_ptr_array_index (sidecars, i);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *text = NULL;
      g_autofree char *media = NULL;
      g_autoptr(GPtrArray) header = NULL;
      const char *p;
      int url_col = -1;

      if (on_disk)
        {
          /* An extracted folder: read the file straight away. */
          g_autofree char *path = gpm_takeout_dup_entry_path (takeout, e);
          gsize len = 0;
          if (path == NULL || !g_file_get_contents (path, &text, &len, NULL))
            continue;
        }
      else
        {
          bytes = gpm_takeout_read_entry (takeout, e->name, 65536, NULL, NULL);
          if (bytes == NULL)
            continue;
          text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
        }
      p = text;
      if (g_str_has_prefix (p, "\xef\xbb\xbf"))
        p += 3;
      header = csv_record (&p);
      for (guint c = 0; c < header->len; c++)
        if (g_ascii_strcasecmp (g_ptr_array_index (header, c), "url") == 0)
          url_col = c;
      if (url_col < 0)
        continue;
      media = g_strndup (e->name, strlen (e->name) - strlen (suffix));
      if (gpm_takeout_lookup (takeout, media) == NULL)
        continue;
      while (*p)
        {
          g_autoptr(GPtrArray) rec = csv_record (&p);
          const char *url = (guint) url_col < rec->len ? g_ptr_array_index (rec, url_col) : NULL;
          if (url && *url && !g_hash_table_contains (by_url, url))
            g_hash_table_insert (by_url, g_strdup (url), g_strdup (media));
        }
    }
  return by_url;
}

static GHashTable *
sidecars_for (GpmTakeout *takeout)
{
  static GMutex lock;
  GHashTable *by_url;

  g_mutex_lock (&lock);
  by_url = g_object_get_data (G_OBJECT (takeout), "gpm-convert-sidecars");
  if (by_url == NULL)
    {
      by_url = read_sidecars (takeout);
      g_object_set_data_full (G_OBJECT (takeout), "gpm-convert-sidecars", by_url,
                              (GDestroyNotify) g_hash_table_unref);
    }
  g_mutex_unlock (&lock);
  return by_url;
}

char *
gpm_convert_takeout_resolver (const char     *post_entry,
                              const GpmMedia *media,
                              const char     *file_name,
                              gpointer        user_data)
{
  GpmTakeout *takeout = user_data;
  const GpmTakeoutEntry *entry;
  const char *found;

  g_return_val_if_fail (GPM_IS_TAKEOUT (takeout), NULL);

  entry = gpm_takeout_find_media (takeout, post_entry, file_name);
  if (entry == NULL && media != NULL && media->local_file_path != NULL)
    {
      GpmMedia copy = *media;
      g_autofree char *base = NULL;
      copy.local_file_path = NULL;
      base = media_file_name (&copy);
      if (base && strcmp (base, file_name) != 0)
        entry = gpm_takeout_find_media (takeout, post_entry, base);
    }
  if (entry != NULL)
    return g_strdup (entry->name);
  if (media == NULL || media->url == NULL)
    return NULL;
  found = g_hash_table_lookup (sidecars_for (takeout), media->url);
  return g_strdup (found);
}
