/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert-html.c: reading a post's HTML with libxml2 for the converters
 * (gpm-convert-markdown.c, gpm-convert-plain.c): one parser context per
 * thread whose SAX hook marks where html2text would have cut the text, the
 * marks removed again, and tags nested too deep for the parser or for
 * diaspora*'s markdown-it left out. */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert-private.h"

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <string.h>

char *
_gpm_convert_strip_marks (const char *s)
{
  g_auto(GStrv) parts = g_strsplit (s, CHUNK_MARK, -1);
  return g_strjoinv (NULL, parts);
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
char *
_gpm_convert_cap_nesting (const char *html,
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
      /* A comment (p[0] is '<'). Compared by hand: after strncmp(), GCC 12
       * with ASan warns of a -Wstringop-overread in the strstr() that cannot be. */
      if (p[1] == '!' && p[2] == '-' && p[3] == '-' && (end = strstr (p + 4, "-->")) != NULL)
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

/* A parser context of its own for each post. One context a thread, reset
 * for each post, was cheaper, but libxml2 2.9.14 can leave a freed input
 * buffer on a reused context's input stack: the next post's reset then
 * closed a freed encoder (a crash in iconv_close() under the warnings
 * check, seen in /gui/ticks-while-reading under load). */
htmlDocPtr
_gpm_convert_parse_html (const char *html)
{
  htmlParserCtxtPtr ctxt = htmlNewParserCtxt ();
  htmlDocPtr doc;

  if (ctxt == NULL)
    return NULL;
  if (ctxt->sax != NULL)
    ctxt->sax->characters = sax_characters;
  /* (the document keeps its own reference to the context's dictionary) */
  doc = htmlCtxtReadMemory (ctxt, html, (int) MIN (strlen (html), (gsize) G_MAXINT), NULL, "UTF-8",
                            HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  htmlFreeParserCtxt (ctxt);
  return doc;
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
