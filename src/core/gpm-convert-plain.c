/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert-plain.c: a post as plain text: the one HTML → text
 * converter (gpm_convert_html_to_plain(), for the post list, search, poll
 * questions and export titles), whether a post holds anything of the
 * user's own (gpm_convert_post_is_nothing_own()), and the post list's
 * line (gpm_convert_dup_list_text()). */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert-private.h"

#include <glib/gi18n.h>
#include <string.h>

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
  if ((capped = _gpm_convert_cap_nesting (html, &deepest)) != NULL)
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

const char *
_gpm_convert_reshared_author_name (GpmPost *reshared)
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
  if (reason == NULL)
    {
      /* The post list asks this of every row and the plan's count of every
       * post: the links' answer is kept on the post, not their attachments. */
      if (gpm_post_has_link_url (post))
        return FALSE;
      text = gpm_convert_html_to_plain (content, 1);
      return *text == '\0';
    }
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
      const char *name = _gpm_convert_reshared_author_name (reshared);

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
  gboolean scoped;

  g_return_val_if_fail (GPM_IS_POST (post), NULL);

  text = gpm_convert_html_to_plain (gpm_post_get_content (post), max_chars);
  if (*text != '\0')
    return g_steal_pointer (&text);
  g_clear_pointer (&text, g_free);
  /* The attachments read for this line are not kept: the post list asks
   * it of every post without text of its own it shows. */
  scoped = gpm_post_begin_full_view_if_free (post);
  link = gpm_post_get_link (post);
  if (link != NULL && link->title != NULL && *link->title != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (link->title, -1);
      g_autofree char *title = gpm_convert_html_to_plain (escaped, max_chars);

      if (*title != '\0')
        text = g_steal_pointer (&title);
    }
  if (text == NULL)
    {
      reshared = gpm_post_get_reshared_post (post);
      if (reshared != NULL)
        {
          const char *name = _gpm_convert_reshared_author_name (reshared);

          /* Translators: the post list's line for a reshare without text of the user's own */
          text = name ? g_strdup_printf (_("Reshare of %s’s post"), name) : g_strdup (_("Reshare of a post"));
        }
      else
        text = g_strdup ("");
    }
  if (scoped)
    gpm_post_end_full_view (post);
  return g_steal_pointer (&text);
}
