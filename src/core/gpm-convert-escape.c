/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert-escape.c: the characters html2text and markdown-it see
 * (Python's whitespace, CommonMark's whitespace and punctuation) and the
 * escaping of a piece of text before gpm-convert-markdown.c writes it, so
 * that what the post said is not read as Markdown markup. */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert-private.h"

#include <string.h>

/* Python's str.isspace() / re's \s, which html2text collapses and strips. */
gboolean
_gpm_convert_py_isspace (gunichar c)
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
gboolean
_gpm_convert_md_isspace (gunichar c)
{
  return c == 0 || c == NBSP_MARK_CHAR || g_unichar_isspace (c) || _gpm_convert_py_isspace (c);
}

gboolean
_gpm_convert_md_ispunct (gunichar c)
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
  return *p != '\0' && _gpm_convert_py_isspace (g_utf8_get_char (p));
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
  gboolean left = !_gpm_convert_md_isspace (next) && (!_gpm_convert_md_ispunct (next) || _gpm_convert_md_isspace (prev) || _gpm_convert_md_ispunct (prev));
  gboolean right = !_gpm_convert_md_isspace (prev) && (!_gpm_convert_md_ispunct (prev) || _gpm_convert_md_isspace (next) || _gpm_convert_md_ispunct (next));
  if (c == '_')
    return (left && (!right || _gpm_convert_md_ispunct (prev))) || (right && (!left || _gpm_convert_md_ispunct (next)));
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
char *
_gpm_h2t_escape (H2T *h, const char *data, gunichar prev, gboolean at_line_start)
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
            g_autofree char *kept = _gpm_convert_strip_marks (lead);
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
