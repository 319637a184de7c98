/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert.h"
#include "gpm-date-line.h"
#include "gpm-long-post.h"

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

/* Formatting nested deeper than this is dropped (its text kept): libxml2
 * stops reading a document at 256 levels and diaspora*'s markdown-it stops
 * nesting at 100 (maxNesting), and either would lose the rest of the text. */
#define MAX_NESTING 32

/* Elements that do not nest: void ones, and those whose end tag may be left
 * out (an unclosed <p> or <li> is no nesting). */
static gboolean
is_flat_element (const char *name,
                 gsize       len)
{
  static const char * const voids[] = { "br", "img", "hr", "wbr", "input", "meta", "link", "area",
                                        "base", "col", "embed", "param", "source", "track",
                                        "p", "li", "dt", "dd", "tr", "td", "th", "option" };

  for (guint i = 0; i < G_N_ELEMENTS (voids); i++)
    if (strlen (voids[i]) == len && g_ascii_strncasecmp (name, voids[i], len) == 0)
      return TRUE;
  return FALSE;
}

/* @html with the tags nested deeper than MAX_NESTING left out, or NULL when
 * it nests no deeper (the usual case). @deepest gets the depth seen. */
static char *
cap_nesting (const char *html,
             guint      *deepest)
{
  GString *out = NULL;
  guint depth = 0;

  *deepest = 0;
  for (const char *p = html; *p != '\0'; )
    {
      const char *end;
      const char *name;
      gsize name_len;
      gboolean closing;

      if (*p != '<')
        {
          if (out != NULL)
            g_string_append_c (out, *p);
          p++;
          continue;
        }
      if (strncmp (p, "<!--", 4) == 0 && (end = strstr (p + 4, "-->")) != NULL)
        end += 2;
      else
        end = strchr (p, '>');
      if (end == NULL)
        {
          if (out != NULL)
            g_string_append (out, p);
          break;
        }
      closing = p[1] == '/';
      name = p + (closing ? 2 : 1);
      name_len = strspn (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
      if (name_len > 0 && is_flat_element (name, name_len))
        ;  /* kept as it is */
      else if (name_len > 0 && !closing && end[-1] != '/')
        {
          depth++;
          *deepest = MAX (*deepest, depth);
          if (depth > MAX_NESTING && out == NULL)
            out = g_string_new_len (html, p - html);
          if (depth > MAX_NESTING)
            {
              p = end + 1;
              continue;
            }
        }
      else if (name_len > 0 && closing)
        {
          gboolean drop = depth > MAX_NESTING;

          depth = depth > 0 ? depth - 1 : 0;
          if (drop)
            {
              p = end + 1;
              continue;
            }
        }
      if (out != NULL)
        g_string_append_len (out, p, end + 1 - p);
      p = end + 1;
    }
  return out ? g_string_free (out, FALSE) : NULL;
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

static char *html_to_markdown (const char *html, gboolean inline_links);

char *
gpm_convert_html_to_markdown (const char *html,
                              gboolean    inline_links)
{
  g_autofree char *capped = NULL;
  guint deepest;

  g_return_val_if_fail (html != NULL, NULL);

  /* Deep nesting would stop the parser: its text is kept, not its marks. */
  if ((capped = cap_nesting (html, &deepest)) != NULL)
    html = capped;
  return html_to_markdown (html, inline_links);
}

/* gpm_convert_html_to_markdown() for @html that nests no deeper than MAX_NESTING. */
static char *
html_to_markdown (const char *html,
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
  s->location = FALSE;
  s->archive_links = TRUE;
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
  s->location = g_settings_get_boolean (gsettings, "include-location");
  s->archive_links = g_settings_get_boolean (gsettings, "archive-google-plus-links");
  s->own_comments = g_settings_get_boolean (gsettings, "include-own-comments");
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
  if (s->links != NULL)
    g_object_ref (s->links);
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
  g_clear_object (&settings->links);
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
  return g_atomic_rc_box_acquire (result);
}

static void
result_clear (gpointer data)
{
  GpmConvertResult *result = data;

  g_free (result->markdown);
  g_ptr_array_unref (result->media);
  g_ptr_array_unref (result->warnings);
  g_clear_object (&result->post);
}

void
gpm_convert_result_unref (GpmConvertResult *result)
{
  if (result != NULL)
    g_atomic_rc_box_release_full (result, result_clear);
}

/* ------------------------------------------------------------------------
 * Post → Markdown
 * ------------------------------------------------------------------------ */

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
  if (m->local_file_path != NULL && *m->local_file_path != '\0')
    return g_strdup (m->local_file_path);
  return gpm_takeout_dup_url_file_name (m->url);
}

/* A media item that is a link to a video elsewhere (YouTube, Vimeo…), not
 * a file: no localFilePath and no file found, and the url is a video site's,
 * or any site's but Google's own media storage for what is not a photo. It
 * is kept in the text as its link. */
static gboolean
media_is_link (const GpmMedia *m)
{
  static const char * const video_hosts[] = {
    "youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "dailymotion.com",
  };
  static const char * const media_hosts[] = {
    "googleusercontent.com", "ggpht.com", "googlevideo.com", "google.com",
  };
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (m == NULL || (m->local_file_path != NULL && *m->local_file_path != '\0') || m->url == NULL)
    return FALSE;
  uri = g_uri_parse (m->url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    return FALSE;
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return FALSE;
#define HOST_IS(h) (g_ascii_strcasecmp (host, h) == 0 || \
                    (g_str_has_suffix (host, h) && host[strlen (host) - strlen (h) - 1] == '.'))
  for (gsize i = 0; i < G_N_ELEMENTS (video_hosts); i++)
    if (HOST_IS (video_hosts[i]))
      return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (media_hosts); i++)
    if (HOST_IS (media_hosts[i]))
      return FALSE;
#undef HOST_IS
  return m->content_type == NULL || !g_str_has_prefix (m->content_type, "image/");
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
  if (cm->entry == NULL && media_is_link (m))
    {
      /* In the text (see gpm_convert_post); nothing to upload. */
      cm->link = TRUE;
      g_ptr_array_add (r->media, cm);
      return;
    }
  shown = cm->file_name ? cm->file_name : (m->url ? m->url : "?");

  if (cm->entry != NULL && cm->kind == GPM_CONVERT_MEDIA_PHOTO && resolver == gpm_convert_takeout_resolver)
    {
      /* 0 bytes, not an image, a damaged header: the pod would refuse it. */
      const GpmTakeoutEntry *e = gpm_takeout_lookup (resolver_data, cm->entry);
      g_autoptr(GError) error = NULL;

      if (e != NULL && !gpm_takeout_check_image (resolver_data, e, NULL, &error))
        {
          g_ptr_array_add (r->warnings, g_strdup_printf (_("The photo “%s” cannot be posted: %s."), shown, error->message));
          g_ptr_array_add (r->media, cm);
          return;
        }
    }
  if (cm->entry == NULL)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("The media file “%s” is not in the takeout."), shown));
  if (cm->kind == GPM_CONVERT_MEDIA_VIDEO)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("“%s” is a video: diaspora* takes photos only, so it will not be uploaded."), shown));
  else if (cm->kind == GPM_CONVERT_MEDIA_OTHER)
    g_ptr_array_add (r->warnings, g_strdup_printf (_("“%s” is not a photo diaspora* can take, so it will not be uploaded."), shown));
  cm->uploadable = cm->entry != NULL && cm->kind == GPM_CONVERT_MEDIA_PHOTO;
  g_ptr_array_add (r->media, cm);
}

/* #photo #photography only when a photo is really attached: one that will
 * be uploaded. Without a resolver nothing is known of the files: the post's
 * album or media decide, as in Part III. */
static gboolean
has_photo (GpmConvertResult *r,
           gboolean          has_media,
           gboolean          resolved)
{
  if (!resolved)
    return has_media;
  for (guint i = 0; i < r->media->len; i++)
    if (((GpmConvertMedia *) g_ptr_array_index (r->media, i))->uploadable)
      return TRUE;
  return FALSE;
}

/* A community's or collection's name, when the ACL gave one. */
static const char *
scope_display_name (const GpmScope *scope)
{
  if (scope == NULL || scope->name == NULL || *scope->name == '\0' || strcmp (scope->name, "-") == 0)
    return NULL;
  return scope->name;
}

/* Google+ is gone: its addresses point to the pod's copy or the archive. */
static void
rewrite_google_plus_links (GpmConvertResult         *r,
                           const GpmConvertSettings *settings)
{
  char *rewritten;

  if (!settings->archive_links && settings->own_post_lookup == NULL)
    return;
  rewritten = gpm_links_rewrite (settings->links, r->markdown, settings->archive_links,
                                 settings->own_post_lookup, settings->own_post_lookup_data);
  g_free (r->markdown);
  r->markdown = rewritten;
}

/* ---- Nothing of the user's own -------------------------------------------- */

static gboolean
is_block (const xmlNode *n)
{
  static const char * const blocks[] = { "br", "p", "div", "li", "ul", "ol", "blockquote", "tr", "td", "h1", "h2", "h3" };

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    if (g_ascii_strcasecmp ((const char *) n->name, blocks[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
plain_walk (const xmlNode *node,
            GString       *out)
{
  for (const xmlNode *n = node; n != NULL; n = n->next)
    {
      if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content != NULL)
        g_string_append (out, (const char *) n->content);
      else if (n->type == XML_ELEMENT_NODE)
        {
          /* never shown */
          if (g_ascii_strcasecmp ((const char *) n->name, "script") == 0
              || g_ascii_strcasecmp ((const char *) n->name, "style") == 0)
            continue;
          /* Line breaks, paragraphs and list items keep words apart. */
          if (is_block (n))
            g_string_append_c (out, ' ');
          plain_walk (n->children, out);
        }
    }
}

char *
gpm_convert_html_to_plain (const char *html,
                           guint       max_chars)
{
  g_autofree char *valid = NULL;
  g_autofree char *wrapped = NULL;
  g_autoptr(GString) raw = g_string_new (NULL);
  GString *out;
  htmlDocPtr doc;
  gboolean space = FALSE;
  guint n = 0;

  g_autofree char *capped = NULL;
  guint deepest;

  if (html == NULL || *html == '\0')
    return g_strdup ("");
  gpm_convert_init ();
  if ((capped = cap_nesting (html, &deepest)) != NULL)
    html = capped;
  if (!g_utf8_validate (html, -1, NULL))
    html = valid = g_utf8_make_valid (html, -1);
  wrapped = g_strconcat ("<html><body>", html, "</body></html>", NULL);
  doc = htmlReadMemory (wrapped, (int) MIN (strlen (wrapped), (gsize) G_MAXINT), NULL, "UTF-8",
                        HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  if (doc != NULL)
    {
      xmlNode *root = xmlDocGetRootElement (doc);

      if (root != NULL)
        plain_walk (root->children, raw);
      xmlFreeDoc (doc);
    }

  out = g_string_sized_new (raw->len);
  for (const char *p = raw->str; *p != '\0' && (max_chars == 0 || n < max_chars); p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (g_unichar_isspace (c) || c == 0x200B || c == 0xFEFF)
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        {
          g_string_append_c (out, ' ');
          n++;
          space = FALSE;
          if (max_chars != 0 && n >= max_chars)
            break;
        }
      g_string_append_unichar (out, c);
      n++;
    }
  return g_string_free (out, FALSE);
}

/* Quick: text outside the tags that is not white space or an entity means
 * the post has words of its own (most posts; no parse needed then). */
static gboolean
surely_has_text (const char *html)
{
  gboolean in_tag = FALSE;

  for (const char *p = html; p != NULL && *p != '\0'; p++)
    {
      if (in_tag)
        in_tag = *p != '>';
      else if (*p == '<')
        in_tag = TRUE;
      else if (*p == '&')
        {
          /* An entity may be white space (&nbsp;): the parse decides. */
          while (p[1] != '\0' && p[1] != ';' && p[1] != '<' && !g_ascii_isspace (p[1]))
            p++;
        }
      else if (g_ascii_isalnum (*p))
        return TRUE;
      else if ((guchar) *p >= 0x80)
        {
          /* Other scripts than Latin are words too; some spaces are not. */
          gunichar c = g_utf8_get_char_validated (p, -1);

          if (c != (gunichar) -1 && c != (gunichar) -2 && !g_unichar_isspace (c) && c != 0x200B && c != 0xFEFF)
            return TRUE;
        }
    }
  return FALSE;
}

static const char *
reshared_author_name (GpmPost *reshared)
{
  const GpmPerson *author = reshared ? gpm_post_get_author (reshared) : NULL;

  if (author == NULL || author->display_name == NULL)
    return NULL;
  for (const char *p = author->display_name; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return author->display_name;
  return NULL;
}

gboolean
gpm_convert_post_is_nothing_own (GpmPost                  *post,
                                 const GpmConvertSettings *settings,
                                 char                    **reason)
{
  GpmPostAttachments kinds;
  const GpmLink *link;
  GpmPost *reshared;
  const char *content;
  g_autofree char *text = NULL;

  g_return_val_if_fail (GPM_IS_POST (post), FALSE);

  if (reason != NULL)
    *reason = NULL;
  /* Cheapest first: the kinds and the content are known from indexing; the
   * links need the full parse (the post list asks this for every row). */
  kinds = gpm_post_get_attachments (post);
  if (kinds & (GPM_POST_HAS_MEDIA | GPM_POST_HAS_ALBUM | GPM_POST_HAS_POLL))
    return FALSE;
  if (settings != NULL && settings->location && (kinds & GPM_POST_HAS_LOCATION))
    return FALSE;
  content = gpm_post_get_content (post);
  if (surely_has_text (content))
    return FALSE;
  link = (kinds & GPM_POST_HAS_LINK) ? gpm_post_get_link (post) : NULL;
  if (link != NULL && link->url != NULL && *link->url != '\0')
    return FALSE;
  reshared = (kinds & GPM_POST_HAS_RESHARE) ? gpm_post_get_reshared_post (post) : NULL;
  link = reshared ? gpm_post_get_link (reshared) : NULL;
  if (link != NULL && link->url != NULL && *link->url != '\0')
    return FALSE;
  text = gpm_convert_html_to_plain (content, 1);
  if (*text != '\0')
    return FALSE;

  if (reason != NULL)
    {
      const char *name = reshared_author_name (reshared);

      if (reshared != NULL && name != NULL)
        *reason = g_strdup_printf (_("Nothing of yours to post: a reshare of %s’s post with no text or link of yours (their words are never reposted). It is left out."),
                                   name);
      else if (reshared != NULL)
        *reason = g_strdup (_("Nothing of yours to post: a reshare with no text or link of yours (the original author’s words are never reposted). It is left out."));
      else
        *reason = g_strdup (_("Nothing of yours to post: the post has no text, link, photo or poll. It is left out."));
    }
  return TRUE;
}

char *
gpm_convert_dup_list_text (GpmPost *post,
                           guint    max_chars)
{
  g_autofree char *text = NULL;
  const GpmLink *link;
  GpmPost *reshared;

  g_return_val_if_fail (GPM_IS_POST (post), NULL);

  text = gpm_convert_html_to_plain (gpm_post_get_content (post), max_chars);
  if (*text != '\0')
    return g_steal_pointer (&text);
  link = gpm_post_get_link (post);
  if (link != NULL && link->title != NULL && *link->title != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (link->title, -1);
      g_autofree char *title = gpm_convert_html_to_plain (escaped, max_chars);

      if (*title != '\0')
        return g_steal_pointer (&title);
    }
  reshared = gpm_post_get_reshared_post (post);
  if (reshared != NULL)
    {
      const char *name = reshared_author_name (reshared);

      /* Translators: the post list's line for a reshare without text of the user's own */
      return name ? g_strdup_printf (_("Reshare of %s’s post"), name) : g_strdup (_("Reshare of a post"));
    }
  return g_strdup ("");
}

const GpmLocation *
gpm_convert_pod_location (GpmPost                  *post,
                          const GpmConvertSettings *settings,
                          const char              **address)
{
  const GpmLocation *l;
  const char *a = NULL;

  g_return_val_if_fail (GPM_IS_POST (post), NULL);

  if (address != NULL)
    *address = NULL;
  if (settings == NULL || !settings->location)
    return NULL;  /* the default: the place stays private */
  l = gpm_post_get_location (post);
  if (l == NULL || !l->has_coordinates)
    return NULL;
  if (l->physical_address != NULL && *l->physical_address != '\0')
    a = l->physical_address;
  else if (l->display_name != NULL && *l->display_name != '\0')
    a = l->display_name;
  if (a == NULL)
    return NULL;
  if (address != NULL)
    *address = a;
  return l;
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

  r = g_atomic_rc_box_new0 (GpmConvertResult);
  r->post = g_object_ref (post);
  r->media = g_ptr_array_new_with_free_func ((GDestroyNotify) convert_media_free);
  r->warnings = g_ptr_array_new_with_free_func (g_free);
  r->poll = gpm_post_get_poll (post);
  /* The place stays private unless the user asked for it (issue 12). */
  r->location = settings->location ? gpm_post_get_location (post) : NULL;

  {
    g_autofree char *reason = NULL;

    r->nothing_own = gpm_convert_post_is_nothing_own (post, settings, &reason);
    if (reason != NULL)
      g_ptr_array_add (r->warnings, g_steal_pointer (&reason));
  }

  lines = g_ptr_array_new_with_free_func (g_free);
  content = g_strdup (gpm_post_get_content (post));
  {
    guint deepest;
    char *capped = cap_nesting (content, &deepest);

    /* Deep nesting would stop the parser: its text is kept, not its marks. */
    if (capped != NULL)
      {
        g_ptr_array_add (r->warnings,
                         g_strdup_printf (_("The post's formatting is nested %u levels deep: the formatting deeper than %u levels is left out, the text is kept."),
                                          deepest, MAX_NESTING));
        g_free (content);
        content = capped;
      }
  }
  link = gpm_post_get_link (post);
  if (link != NULL)
    link_url = link->url;
  album = gpm_post_get_album (post);
  media = gpm_post_get_media (post);
  for (guint i = 0; album && i < album->len; i++)
    add_media (r, g_ptr_array_index (album, i), gpm_post_get_entry_name (post), resolver, resolver_data);
  if (media != NULL)
    add_media (r, media, gpm_post_get_entry_name (post), resolver, resolver_data);

  /* A reshared link: the link, and a hat tip to whoever posted it. */
  reshared = gpm_post_get_reshared_post (post);
  if (reshared != NULL && gpm_post_get_link (reshared) != NULL)
    {
      const char *name = reshared_author_name (reshared);
      link_url = gpm_post_get_link (reshared)->url;
      /* Without the author's name, no dangling "H/t to". */
      if (name != NULL)
        {
          char *c = g_strconcat (content, " - H/t to ", name, NULL);
          g_free (content);
          content = c;
        }
    }

  if (*content != '\0')
    g_ptr_array_add (lines, html_to_markdown (content, settings->inline_links));
  /* A video link (YouTube…) is the post's link; any other gets a line. */
  for (guint i = 0; i < r->media->len; i++)
    {
      const GpmConvertMedia *cm = g_ptr_array_index (r->media, i);

      if (!cm->link)
        continue;
      if (link_url == NULL || *link_url == '\0')
        link_url = cm->media->url;
      else if (strcmp (link_url, cm->media->url) != 0)
        g_ptr_array_add (lines, g_strdup (cm->media->url));
    }

  /* A place the pod would drop (no coordinates) goes into the text, so it
   * is not lost; one the pod keeps is shown by diaspora* under the post. */
  if (r->location != NULL && gpm_convert_pod_location (post, settings, NULL) == NULL
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
    if (settings->photo_hashtags && has_photo (r, album != NULL || media != NULL, resolver != NULL))
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
          char *line = gpm_date_line_apply (date, settings->date_format, settings->date_locale, r->warnings);
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

  /* Part III's link comes last, after an empty line (the seed's listing lost
   * that line's body): only then does diaspora* render it as a paragraph of
   * its own, the one its link preview (OpenGraph) is made for. */
  if (link_url != NULL && *link_url != '\0')
    {
      if (lines->len > 0)
        g_ptr_array_add (lines, g_strdup (""));
      g_ptr_array_add (lines, g_strdup (link_url));
    }

  g_ptr_array_add (lines, NULL);
  r->markdown = g_strjoinv ("\n", (char **) lines->pdata);
  rewrite_google_plus_links (r, settings);
  r->n_chars = g_utf8_strlen (r->markdown, -1);
  r->too_long = r->n_chars > GPM_DIASPORA_MAX_TEXT_CHARS;
  if (r->too_long)
    {
      g_auto(GStrv) parts = gpm_long_post_split (r->markdown, GPM_DIASPORA_MAX_TEXT_CHARS);
      guint n_comments = g_strv_length (parts) - 1;

      g_ptr_array_add (r->warnings,
                       g_strdup_printf (g_dngettext (NULL,
                                                     "The post is %'lu characters long; diaspora* takes at most %'d. It is posted up to a paragraph under that, and the rest follows in %u comment of yours under it.",
                                                     "The post is %'lu characters long; diaspora* takes at most %'d. It is posted up to a paragraph under that, and the rest follows in %u comments of yours under it.",
                                                     n_comments),
                                        (unsigned long) r->n_chars, GPM_DIASPORA_MAX_TEXT_CHARS, n_comments));
    }

  return r;
}

char *
gpm_convert_takeout_resolver (const char     *post_entry,
                              const GpmMedia *media,
                              const char     *file_name,
                              gpointer        user_data)
{
  GpmTakeout *takeout = user_data;
  const GpmTakeoutEntry *entry;

  g_return_val_if_fail (GPM_IS_TAKEOUT (takeout), NULL);

  if (media != NULL)
    entry = gpm_takeout_find_media (takeout, post_entry, media->local_file_path, media->url);
  else
    entry = gpm_takeout_find_media (takeout, post_entry, file_name, NULL);
  return entry != NULL ? g_strdup (entry->name) : NULL;
}
