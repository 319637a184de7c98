/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert-tags.c: what each HTML tag does to the Markdown being
 * written: html2text's handle_tag(), for the tags a Google+ post can hold
 * (headers, paragraphs, breaks, quotes, emphasis, code, links, images,
 * lists, pre). */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert-private.h"

#include <string.h>

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

void
_gpm_h2t_tag (H2T *h, xmlNode *node, gboolean start)
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
          _gpm_h2t_o (h, buf, FALSE, FORCE_NO);
        }
      return;
    }

  if (strcmp (tag, "p") == 0 || strcmp (tag, "div") == 0)
    h2t_p (h);

  if (strcmp (tag, "br") == 0 && start)
    _gpm_h2t_o (h, h->blockquote > 0 ? "  \n> " : "  \n", FALSE, FORCE_NO);

  if (strcmp (tag, "hr") == 0 && start)
    {
      h2t_p (h);
      _gpm_h2t_o (h, "* * *", FALSE, FORCE_NO);
      h2t_p (h);
    }

  if (strcmp (tag, "head") == 0 || strcmp (tag, "style") == 0 || strcmp (tag, "script") == 0)
    h->quiet += start ? 1 : -1;

  if (strcmp (tag, "blockquote") == 0)
    {
      if (start)
        {
          h2t_p (h);
          _gpm_h2t_o (h, "> ", FALSE, FORCE_YES);
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
    start ? _gpm_h2t_emph_start (h, EMPH_ITALIC) : _gpm_h2t_emph_end (h, EMPH_ITALIC);
  if (strcmp (tag, "strong") == 0 || strcmp (tag, "b") == 0)
    start ? _gpm_h2t_emph_start (h, EMPH_STRONG) : _gpm_h2t_emph_end (h, EMPH_STRONG);
  if (strcmp (tag, "del") == 0 || strcmp (tag, "strike") == 0 || strcmp (tag, "s") == 0)
    start ? _gpm_h2t_emph_start (h, EMPH_STRIKE) : _gpm_h2t_emph_end (h, EMPH_STRIKE);

  if ((strcmp (tag, "kbd") == 0 || strcmp (tag, "code") == 0 || strcmp (tag, "tt") == 0) && !h->pre)
    {
      _gpm_h2t_o (h, "`", FALSE, FORCE_NO);
      h->code = !h->code;
    }

  if (strcmp (tag, "q") == 0)
    {
      _gpm_h2t_o (h, "\"", FALSE, FORCE_NO);
      h->quote = !h->quote;
    }

  if (strcmp (tag, "a") == 0 && h->inline_links)
    {
      if (start)
        {
          g_autofree char *href = (char *) xmlGetProp (node, BAD_CAST "href");
          g_autofree char *raw_text = (char *) xmlNodeGetContent (node);
          g_autofree char *text = raw_text ? _gpm_convert_strip_marks (raw_text) : NULL;
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
            _gpm_h2t_o (h, "[", FALSE, FORCE_NO);
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
              _gpm_h2t_o (h, s->str, FALSE, FORCE_NO);
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
            _gpm_h2t_flush_opens (h, '!');
          _gpm_h2t_o (h, img->str, FALSE, FORCE_NO);
        }
    }

  if (strcmp (tag, "dl") == 0 && start)
    h2t_p (h);
  if (strcmp (tag, "dt") == 0 && !start)
    h2t_pbr (h);
  if (strcmp (tag, "dd") == 0 && start)
    _gpm_h2t_o (h, "    ", FALSE, FORCE_NO);
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
            _gpm_h2t_o (h, "\n", FALSE, FORCE_NO);
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
          _gpm_h2t_o (h, ind->str, FALSE, FORCE_NO);
          if (!li->ordered)
            _gpm_h2t_o (h, "* ", FALSE, FORCE_NO);
          else
            {
              char buf[32];
              li->num++;
              g_snprintf (buf, sizeof buf, "%d. ", li->num);
              _gpm_h2t_o (h, buf, FALSE, FORCE_NO);
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
