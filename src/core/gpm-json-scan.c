/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-json-scan"

#include "config.h"

#include "gpm-json-scan.h"

#include <glib/gi18n.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* GpmJsonMember.type from a value's first byte: 'n' for a number, 'z' for
 * null, else the byte itself ('{', '[', '"', 't', 'f'). */
static inline char
span_type (char first)
{
  if (first == '-' || g_ascii_isdigit (first))
    return 'n';
  return first == 'n' ? 'z' : first;
}

/* After a value in an array or object: consumes a ',' (more follows) or
 * @close (the container ends, *closed set); anything else fails. */
static inline gboolean
next_or_close (Scanner    *s,
               guchar      close,
               const char *unterminated,
               const char *expected,
               gboolean   *closed)
{
  if (s->p >= s->end)
    return fail (s, unterminated);
  if (*s->p != ',' && *s->p != close)
    return fail (s, expected);
  *closed = *s->p == close;
  s->p++;
  return TRUE;
}

static inline gboolean
is_ws (guchar c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Takeout's JSON is indented: runs of spaces are most of its bytes. */
static inline void
skip_ws (Scanner *s)
{
  const guchar *p = s->p;

  if (p >= s->end || !is_ws (*p))
    return;
#ifdef __SSE2__
  while (s->end - p >= 16)
    {
      __m128i chunk = _mm_loadu_si128 ((const __m128i *) p);
      __m128i ws = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (chunk, _mm_set1_epi8 (' ')),
                                               _mm_cmpeq_epi8 (chunk, _mm_set1_epi8 ('\n'))),
                                 _mm_or_si128 (_mm_cmpeq_epi8 (chunk, _mm_set1_epi8 ('\r')),
                                               _mm_cmpeq_epi8 (chunk, _mm_set1_epi8 ('\t'))));
      int mask = _mm_movemask_epi8 (ws);

      if (mask != 0xFFFF)
        {
          s->p = p + __builtin_ctz (~mask);
          return;
        }
      p += 16;
    }
#endif
  while (p < s->end && is_ws (*p))
    p++;
  s->p = p;
}

static inline gboolean
is_hex (guchar c)
{
  return g_ascii_isxdigit (c);
}

/* The end of the UTF-8 sequence starting at @p (a byte >= 0x80), or NULL
 * when it is not well-formed UTF-8 (overlong forms, surrogates, past
 * U+10FFFF, truncated): what g_utf8_validate() refuses. */
static inline const guchar *
utf8_sequence_end (const guchar *p,
                   const guchar *end)
{
  guchar c = p[0];

  if (c < 0xC2)
    return NULL;
  if (c < 0xE0)
    return end - p >= 2 && (p[1] & 0xC0) == 0x80 ? p + 2 : NULL;
  if (c < 0xF0)
    {
      if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
          (c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
        return NULL;
      return p + 3;
    }
  if (c < 0xF5)
    {
      if (end - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80 ||
          (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
        return NULL;
      return p + 4;
    }
  return NULL;
}

/* The first byte at or after @p that is a quote, a backslash, a control
 * character or not ASCII. */
static inline const guchar *
skip_plain (const guchar *p,
            const guchar *end)
{
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8 ('"');
  const __m128i backslash = _mm_set1_epi8 ('\\');
  const __m128i space = _mm_set1_epi8 (0x20);

  while (end - p >= 16)
    {
      __m128i chunk = _mm_loadu_si128 ((const __m128i *) p);
      /* signed: bytes >= 0x80 are negative, so "< 0x20" catches them too */
      __m128i special = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (chunk, quote),
                                                    _mm_cmpeq_epi8 (chunk, backslash)),
                                      _mm_cmplt_epi8 (chunk, space));
      int mask = _mm_movemask_epi8 (special);

      if (mask != 0)
        return p + __builtin_ctz (mask);
      p += 16;
    }
#endif
  while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
    p++;
  return p;
}

/* Checks the string's syntax and that it is UTF-8. */
static gboolean
scan_string (Scanner *s)
{
  /* s->p at the opening quote */
  s->p++;
  for (;;)
    {
      const guchar *p = skip_plain (s->p, s->end);

      s->p = p;
      if (p >= s->end)
        return fail (s, N_("unterminated string"));
      if (*p == '"')
        {
          s->p++;
          return TRUE;
        }
      if (*p >= 0x80)
        {
          const guchar *next = utf8_sequence_end (p, s->end);
          if (next == NULL)
            return fail (s, GPM_JSON_SCAN_NOT_UTF8);
          s->p = next;
          continue;
        }
      if (*p < 0x20)
        return fail (s, N_("control character in a string"));
      /* backslash */
      if (p + 1 >= s->end)
        return fail (s, N_("unterminated string"));
      switch (p[1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          s->p = p + 2;
          break;
        case 'u':
          if (p + 6 > s->end || !is_hex (p[2]) || !is_hex (p[3]) || !is_hex (p[4]) || !is_hex (p[5]))
            {
              s->p = p;
              return fail (s, N_("bad \\u escape in a string"));
            }
          s->p = p + 6;
          break;
        default:
          s->p = p;
          return fail (s, N_("bad escape in a string"));
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
      return fail (s, N_("bad number"));
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
          return fail (s, N_("bad number"));
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
          return fail (s, N_("bad number"));
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
    return fail (s, N_("unexpected character"));
  s->p += n;
  return TRUE;
}

static gboolean scan_value (Scanner *s, guint *n_elements);

static gboolean
scan_array (Scanner *s, guint *n_elements)
{
  guint n = 0;

  if (++s->depth > MAX_DEPTH)
    return fail (s, N_("nested too deeply"));
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
      gboolean closed;

      skip_ws (s);
      if (!scan_value (s, &ignored))
        return FALSE;
      n++;
      skip_ws (s);
      if (!next_or_close (s, ']', N_("unterminated array"), N_("expected ',' or ']'"), &closed))
        return FALSE;
      if (closed)
        break;
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
    return fail (s, N_("nested too deeply"));
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
      const guchar *key_start, *key_end;
      GpmJsonMember member = { 0 };
      gboolean closed;

      skip_ws (s);
      if (s->p >= s->end)
        return fail (s, N_("unterminated object"));
      if (*s->p != '"')
        return fail (s, N_("expected a member name"));
      key_start = s->p;
      if (!scan_string (s))
        return FALSE;
      key_end = s->p - 1;  /* its closing quote */
      skip_ws (s);
      if (s->p >= s->end || *s->p != ':')
        return fail (s, N_("expected ':'"));
      s->p++;
      skip_ws (s);
      member.value = (const char *) s->p;
      if (s->p < s->end)
        member.type = *s->p;
      if (!scan_value (s, &member.n_elements))
        return FALSE;
      if (func)
        {
          const guchar *q = key_end;
          g_autofree char *key = NULL;
          /* (the scan found the closing quote: the key is not walked again) */
          gboolean escaped = memchr (key_start + 1, '\\', q - key_start - 1) != NULL;
          char plain[128];

          if (!escaped && (gsize) (q - key_start - 1) < sizeof plain)
            {
              memcpy (plain, key_start + 1, q - key_start - 1);
              plain[q - key_start - 1] = '\0';
              member.key = plain;
            }
          else
            {
              key = gpm_json_decode_string ((const char *) key_start, q + 1 - key_start);
              member.key = key ? key : "";
            }
          member.value_len = (const char *) s->p - member.value;
          member.type = span_type (member.type);
          func (&member, user_data);
        }
      skip_ws (s);
      if (!next_or_close (s, '}', N_("unterminated object"), N_("expected ',' or '}'"), &closed))
        return FALSE;
      if (closed)
        break;
    }
  s->depth--;
  return TRUE;
}

static gboolean
scan_value (Scanner *s, guint *n_elements)
{
  *n_elements = 0;
  if (s->p >= s->end)
    return fail (s, N_("unexpected end of data"));
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
      return fail (s, N_("unexpected character"));
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

/* A document may start with a UTF-8 byte-order mark: RFC 8259 §8.1 lets a
 * parser ignore it, json-glib and Python (reading bytes) do, and Takeout
 * files re-saved by some Windows editors have one. */
static gsize
bom_length (const char *data,
            gsize       length)
{
  return length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
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

  s.p += bom_length (data, length);
  skip_ws (&s);
  if (s.p < s.end && *s.p == '{')
    ok = scan_object (&s, func, user_data);
  else
    ok = scan_value (&s, &ignored);
  if (ok)
    {
      skip_ws (&s);
      if (s.p < s.end)
        ok = fail (&s, N_("unexpected data after the end"));
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
    const guchar *first = (const guchar *) data + bom_length (data, length);
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

/* With @lenient, a lone surrogate or an escaped NUL (which a C string cannot
 * hold) becomes U+FFFD instead of failing the whole string. */
static char *
decode_string (const char *value,
               gsize       value_len,
               gboolean    lenient)
{
  GString *out;
  const char *p, *end;

  if (value_len < 2 || value[0] != '"' || value[value_len - 1] != '"')
    return NULL;
  p = value + 1;
  end = value + value_len - 1;
  if (memchr (p, '\\', end - p) == NULL)
    {
      /* Nothing to decode (most strings). */
      if (memchr (p, '\0', end - p) != NULL || !g_utf8_validate_len (p, end - p, NULL))
        return NULL;
      return g_strndup (p, end - p);
    }
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
              {
                if (!lenient)
                  goto bad;  /* a NUL or a lone surrogate: not representable */
                c = 0xFFFD;
              }
            g_string_append_unichar (out, c);
          }
          break;
        default:
          goto bad;
        }
    }
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    goto bad;
  {
    /* A GString rounds up to a power of two: the post's index keeps these
     * strings, so give the rest back. */
    gsize len = out->len;
    return g_realloc (g_string_free (out, FALSE), len + 1);
  }

bad:
  g_string_free (out, TRUE);
  return NULL;
}

char *
gpm_json_decode_string (const char *value,
                        gsize       value_len)
{
  return decode_string (value, value_len, FALSE);
}

/* ---- building a tree ----------------------------------------------------------------- */

static JsonNode *build_value (Scanner *s);

static char *
build_string (Scanner *s)
{
  const guchar *start = s->p;
  gboolean escaped = FALSE;
  char *str;

  if (!scan_string (s))
    return NULL;
  for (const guchar *q = start + 1; q < s->p - 1; q++)
    if (*q == '\\')
      {
        escaped = TRUE;
        break;
      }
  if (escaped)
    str = decode_string ((const char *) start, s->p - start, TRUE);
  else
    str = g_strndup ((const char *) start + 1, s->p - start - 2);
  if (str == NULL)
    {
      s->p = start;
      fail (s, GPM_JSON_SCAN_NOT_UTF8);
      return NULL;
    }
  return str;
}

static JsonNode *
build_object (Scanner *s)
{
  g_autoptr(JsonObject) object = json_object_new ();

  if (++s->depth > MAX_DEPTH)
    {
      fail (s, N_("nested too deeply"));
      return NULL;
    }
  s->p++;
  skip_ws (s);
  if (s->p < s->end && *s->p == '}')
    s->p++;
  else
    for (;;)
      {
        g_autofree char *key = NULL;
        JsonNode *value;
        gboolean closed;

        skip_ws (s);
        if (s->p >= s->end || *s->p != '"')
          {
            fail (s, s->p >= s->end ? N_("unterminated object") : N_("expected a member name"));
            return NULL;
          }
        key = build_string (s);
        if (key == NULL)
          return NULL;
        skip_ws (s);
        if (s->p >= s->end || *s->p != ':')
          {
            fail (s, N_("expected ':'"));
            return NULL;
          }
        s->p++;
        skip_ws (s);
        value = build_value (s);
        if (value == NULL)
          return NULL;
        json_object_set_member (object, key, value);  /* the last of equal names wins */
        skip_ws (s);
        if (!next_or_close (s, '}', N_("unterminated object"), N_("expected ',' or '}'"), &closed))
          return NULL;
        if (closed)
          break;
      }
  s->depth--;
  return json_node_init_object (json_node_alloc (), object);
}

static JsonNode *
build_array (Scanner *s)
{
  g_autoptr(JsonArray) array = json_array_new ();

  if (++s->depth > MAX_DEPTH)
    {
      fail (s, N_("nested too deeply"));
      return NULL;
    }
  s->p++;
  skip_ws (s);
  if (s->p < s->end && *s->p == ']')
    s->p++;
  else
    for (;;)
      {
        JsonNode *value;
        gboolean closed;

        skip_ws (s);
        value = build_value (s);
        if (value == NULL)
          return NULL;
        json_array_add_element (array, value);
        skip_ws (s);
        if (!next_or_close (s, ']', N_("unterminated array"), N_("expected ',' or ']'"), &closed))
          return NULL;
        if (closed)
          break;
      }
  s->depth--;
  return json_node_init_array (json_node_alloc (), array);
}

/* Numbers as json-glib reads them: integers as gint64, the rest as double. */
static JsonNode *
build_number (Scanner *s)
{
  const guchar *start = s->p;
  char buf[64];
  g_autofree char *big = NULL;
  const char *text;
  gsize len;
  gboolean is_double = FALSE;

  if (!scan_number (s))
    return NULL;
  len = s->p - start;
  for (gsize i = 0; i < len; i++)
    if (start[i] == '.' || start[i] == 'e' || start[i] == 'E')
      is_double = TRUE;
  if (len < sizeof buf)
    {
      memcpy (buf, start, len);
      buf[len] = '\0';
      text = buf;
    }
  else
    text = big = g_strndup ((const char *) start, len);
  if (is_double)
    return json_node_init_double (json_node_alloc (), g_ascii_strtod (text, NULL));
  return json_node_init_int (json_node_alloc (), g_ascii_strtoll (text, NULL, 10));
}

static JsonNode *
build_value (Scanner *s)
{
  if (s->p >= s->end)
    {
      fail (s, N_("unexpected end of data"));
      return NULL;
    }
  switch (*s->p)
    {
    case '{':
      return build_object (s);
    case '[':
      return build_array (s);
    case '"':
      {
        char *str = build_string (s);
        JsonNode *node;

        if (str == NULL)
          return NULL;
        node = json_node_init_string (json_node_alloc (), str);
        g_free (str);
        return node;
      }
    case 't':
      return scan_literal (s, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return scan_literal (s, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return scan_literal (s, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return build_number (s);
      fail (s, N_("unexpected character"));
      return NULL;
    }
}

JsonNode *
gpm_json_parse (const char  *data,
                gsize        length,
                guint       *error_line,
                guint       *error_column,
                const char **error_what)
{
  Scanner s = { (const guchar *) data, (const guchar *) data, (const guchar *) data + length, NULL, 0 };
  g_autoptr(JsonNode) root = NULL;

  s.p += bom_length (data, length);
  skip_ws (&s);
  root = build_value (&s);
  if (root != NULL)
    {
      skip_ws (&s);
      if (s.p < s.end)
        {
          fail (&s, N_("unexpected data after the end"));
          g_clear_pointer (&root, json_node_unref);
        }
    }
  if (root == NULL)
    {
      locate (&s, error_line, error_column);
      if (error_what)
        *error_what = s.what;
      return NULL;
    }
  json_node_seal (root);
  return g_steal_pointer (&root);
}

char *
gpm_json_decode_string_lenient (const char *value,
                                gsize       value_len)
{
  return decode_string (value, value_len, TRUE);
}

/* ---- reading spans -------------------------------------------------------------------- */

void
gpm_json_span_foreach_member (const GpmJsonMember *object,
                              GpmJsonMemberFunc    func,
                              gpointer             user_data)
{
  if (object->type != '{')
    return;
  gpm_json_scan_object (object->value, object->value_len, func, user_data, NULL, NULL, NULL);
}

typedef struct {
  const char * const *names;
  GpmJsonMember      *out;
  guint32             found;
} FindMembers;

static void
on_find_members (const GpmJsonMember *m,
                 gpointer             user_data)
{
  FindMembers *find = user_data;

  for (guint i = 0; find->names[i] != NULL && i < 32; i++)
    if (strcmp (m->key, find->names[i]) == 0)
      {
        find->out[i] = *m;
        find->out[i].key = find->names[i];
        find->found |= 1u << i;
        return;
      }
}

guint32
gpm_json_span_get_members (const GpmJsonMember *object,
                           const char * const  *names,
                           GpmJsonMember       *out)
{
  FindMembers find = { names, out, 0 };

  gpm_json_span_foreach_member (object, on_find_members, &find);
  return find.found;
}

void
gpm_json_span_foreach_element (const GpmJsonMember *array,
                               GpmJsonMemberFunc    func,
                               gpointer             user_data)
{
  Scanner s = { (const guchar *) array->value, (const guchar *) array->value,
                (const guchar *) array->value + array->value_len, NULL, 0 };

  if (array->type != '[')
    return;
  s.p++;
  for (;;)
    {
      GpmJsonMember element = { 0 };

      skip_ws (&s);
      if (s.p >= s.end || *s.p == ']')
        return;
      element.value = (const char *) s.p;
      element.type = *s.p;
      if (!scan_value (&s, &element.n_elements))
        return;
      element.value_len = (const char *) s.p - element.value;
      element.type = span_type (element.type);
      func (&element, user_data);
      skip_ws (&s);
      if (s.p < s.end && *s.p == ',')
        s.p++;
    }
}
