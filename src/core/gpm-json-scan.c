/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-json-scan"

#include "gpm-json-scan.h"

#include <string.h>

#define MAX_DEPTH 512

typedef struct {
  const guchar *start;
  const guchar *p;
  const guchar *end;
  const char   *what;
  guint         depth;
} Scanner;

static gboolean
fail (Scanner *s, const char *what)
{
  if (s->what == NULL)
    s->what = what;
  return FALSE;
}

static inline void
skip_ws (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static inline gboolean
is_hex (guchar c)
{
  return g_ascii_isxdigit (c);
}

static gboolean
scan_string (Scanner *s)
{
  /* s->p at the opening quote */
  s->p++;
  for (;;)
    {
      const guchar *p = s->p;
      /* Fast path: plain characters. */
      while (p < s->end && *p != '"' && *p != '\\' && *p >= 0x20)
        p++;
      s->p = p;
      if (p >= s->end)
        return fail (s, "unterminated string");
      if (*p == '"')
        {
          s->p++;
          return TRUE;
        }
      if (*p < 0x20)
        return fail (s, "control character in a string");
      /* backslash */
      if (p + 1 >= s->end)
        return fail (s, "unterminated string");
      switch (p[1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          s->p = p + 2;
          break;
        case 'u':
          if (p + 6 > s->end || !is_hex (p[2]) || !is_hex (p[3]) || !is_hex (p[4]) || !is_hex (p[5]))
            {
              s->p = p;
              return fail (s, "bad \\u escape in a string");
            }
          s->p = p + 6;
          break;
        default:
          s->p = p;
          return fail (s, "bad escape in a string");
        }
    }
}

static gboolean
scan_number (Scanner *s)
{
  const guchar *p = s->p;

  if (p < s->end && *p == '-')
    p++;
  if (p >= s->end || !g_ascii_isdigit (*p))
    {
      s->p = p;
      return fail (s, "bad number");
    }
  if (*p == '0')
    p++;
  else
    while (p < s->end && g_ascii_isdigit (*p))
      p++;
  if (p < s->end && *p == '.')
    {
      p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        {
          s->p = p;
          return fail (s, "bad number");
        }
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < s->end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < s->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        {
          s->p = p;
          return fail (s, "bad number");
        }
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }
  s->p = p;
  return TRUE;
}

static gboolean
scan_literal (Scanner *s, const char *word)
{
  gsize n = strlen (word);
  if ((gsize) (s->end - s->p) < n || memcmp (s->p, word, n) != 0)
    return fail (s, "unexpected character");
  s->p += n;
  return TRUE;
}

static gboolean scan_value (Scanner *s, guint *n_elements);

static gboolean
scan_array (Scanner *s, guint *n_elements)
{
  guint n = 0;

  if (++s->depth > MAX_DEPTH)
    return fail (s, "nested too deeply");
  s->p++;
  skip_ws (s);
  if (s->p < s->end && *s->p == ']')
    {
      s->p++;
      s->depth--;
      *n_elements = 0;
      return TRUE;
    }
  for (;;)
    {
      guint ignored;
      skip_ws (s);
      if (!scan_value (s, &ignored))
        return FALSE;
      n++;
      skip_ws (s);
      if (s->p >= s->end)
        return fail (s, "unterminated array");
      if (*s->p == ',')
        {
          s->p++;
          continue;
        }
      if (*s->p == ']')
        {
          s->p++;
          break;
        }
      return fail (s, "expected ',' or ']'");
    }
  s->depth--;
  *n_elements = n;
  return TRUE;
}

/* With @func, reports each member (used for the root object only). */
static gboolean
scan_object (Scanner *s, GpmJsonMemberFunc func, gpointer user_data)
{
  if (++s->depth > MAX_DEPTH)
    return fail (s, "nested too deeply");
  s->p++;
  skip_ws (s);
  if (s->p < s->end && *s->p == '}')
    {
      s->p++;
      s->depth--;
      return TRUE;
    }
  for (;;)
    {
      const guchar *key_start;
      GpmJsonMember member = { 0 };

      skip_ws (s);
      if (s->p >= s->end)
        return fail (s, "unterminated object");
      if (*s->p != '"')
        return fail (s, "expected a member name");
      key_start = s->p;
      if (!scan_string (s))
        return FALSE;
      skip_ws (s);
      if (s->p >= s->end || *s->p != ':')
        return fail (s, "expected ':'");
      s->p++;
      skip_ws (s);
      member.value = (const char *) s->p;
      if (s->p < s->end)
        member.type = *s->p;
      if (!scan_value (s, &member.n_elements))
        return FALSE;
      if (func)
        {
          const guchar *q = key_start + 1;
          const guchar *key_end;
          g_autofree char *key = NULL;
          /* The key was validated; find its closing quote. */
          while (*q != '"')
            q += (*q == '\\') ? 2 : 1;
          key_end = q + 1;
          key = gpm_json_decode_string ((const char *) key_start, key_end - key_start);
          member.key = key ? key : "";
          member.value_len = (const char *) s->p - member.value;
          if (member.type == '-' || g_ascii_isdigit (member.type))
            member.type = 'n';
          else if (member.type == 'n')
            member.type = 'z';
          func (&member, user_data);
        }
      skip_ws (s);
      if (s->p >= s->end)
        return fail (s, "unterminated object");
      if (*s->p == ',')
        {
          s->p++;
          continue;
        }
      if (*s->p == '}')
        {
          s->p++;
          break;
        }
      return fail (s, "expected ',' or '}'");
    }
  s->depth--;
  return TRUE;
}

static gboolean
scan_value (Scanner *s, guint *n_elements)
{
  *n_elements = 0;
  if (s->p >= s->end)
    return fail (s, "unexpected end of data");
  switch (*s->p)
    {
    case '{':
      return scan_object (s, NULL, NULL);
    case '[':
      return scan_array (s, n_elements);
    case '"':
      return scan_string (s);
    case 't':
      return scan_literal (s, "true");
    case 'f':
      return scan_literal (s, "false");
    case 'n':
      return scan_literal (s, "null");
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return scan_number (s);
      return fail (s, "unexpected character");
    }
}

static void
locate (Scanner *s, guint *line, guint *column)
{
  guint l = 1, c = 1;
  for (const guchar *p = s->start; p < s->p && p < s->end; p++)
    {
      if (*p == '\n')
        {
          l++;
          c = 1;
        }
      else if ((*p & 0xC0) != 0x80)
        c++;
    }
  if (line)
    *line = l;
  if (column)
    *column = c;
}

GpmJsonScanResult
gpm_json_scan_object (const char        *data,
                      gsize              length,
                      GpmJsonMemberFunc  func,
                      gpointer           user_data,
                      guint             *error_line,
                      guint             *error_column,
                      const char       **error_what)
{
  Scanner s = { (const guchar *) data, (const guchar *) data, (const guchar *) data + length, NULL, 0 };
  gboolean ok;
  guint ignored;

  skip_ws (&s);
  if (s.p < s.end && *s.p == '{')
    ok = scan_object (&s, func, user_data);
  else
    ok = scan_value (&s, &ignored);
  if (ok)
    {
      skip_ws (&s);
      if (s.p < s.end)
        ok = fail (&s, "unexpected data after the end");
    }
  if (!ok)
    {
      locate (&s, error_line, error_column);
      if (error_what)
        *error_what = s.what;
      return GPM_JSON_SCAN_SYNTAX;
    }
  skip_ws (&s);
  {
    const guchar *first = (const guchar *) data;
    while (first < s.end && (*first == ' ' || *first == '\n' || *first == '\r' || *first == '\t'))
      first++;
    if (*first != '{')
      return GPM_JSON_SCAN_NOT_OBJECT;
  }
  return GPM_JSON_SCAN_OK;
}

static int
hex4 (const char *p)
{
  int v = 0;
  for (int i = 0; i < 4; i++)
    v = v * 16 + g_ascii_xdigit_value (p[i]);
  return v;
}

char *
gpm_json_decode_string (const char *value,
                        gsize       value_len)
{
  GString *out;
  const char *p, *end;

  if (value_len < 2 || value[0] != '"' || value[value_len - 1] != '"')
    return NULL;
  p = value + 1;
  end = value + value_len - 1;
  out = g_string_sized_new (value_len);
  while (p < end)
    {
      const char *q = p;
      while (q < end && *q != '\\')
        q++;
      g_string_append_len (out, p, q - p);
      p = q;
      if (p >= end)
        break;
      if (p + 1 >= end)
        goto bad;
      switch (p[1])
        {
        case '"': g_string_append_c (out, '"'); p += 2; break;
        case '\\': g_string_append_c (out, '\\'); p += 2; break;
        case '/': g_string_append_c (out, '/'); p += 2; break;
        case 'b': g_string_append_c (out, '\b'); p += 2; break;
        case 'f': g_string_append_c (out, '\f'); p += 2; break;
        case 'n': g_string_append_c (out, '\n'); p += 2; break;
        case 'r': g_string_append_c (out, '\r'); p += 2; break;
        case 't': g_string_append_c (out, '\t'); p += 2; break;
        case 'u':
          {
            gunichar c;
            if (p + 6 > end)
              goto bad;
            c = hex4 (p + 2);
            p += 6;
            if (c >= 0xD800 && c <= 0xDBFF && p + 6 <= end && p[0] == '\\' && p[1] == 'u')
              {
                gunichar lo = hex4 (p + 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF)
                  {
                    c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                  }
              }
            if (c == 0 || (c >= 0xD800 && c <= 0xDFFF))
              goto bad;  /* a NUL or a lone surrogate: not representable */
            g_string_append_unichar (out, c);
          }
          break;
        default:
          goto bad;
        }
    }
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    goto bad;
  return g_string_free (out, FALSE);

bad:
  g_string_free (out, TRUE);
  return NULL;
}
