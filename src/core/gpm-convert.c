/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert.c: a post → the diaspora* Markdown that is sent
 * (gpm_convert_post(), Part III: the text, links kept or dropped, the
 * reshared link and hat tip, the place, hashtags, the date line, the link
 * last) and GpmConvertResult. The work is shared out between:
 *   gpm-convert-markdown.c  HTML → Markdown (html2text's state machine)
 *   gpm-convert-tags.c      what each tag does there
 *   gpm-convert-escape.c    escaping text so it stays text in Markdown
 *   gpm-convert-html.c      parsing the HTML (libxml2), deep nesting capped
 *   gpm-convert-plain.c     HTML → plain text, "nothing of the user's own"
 *   gpm-convert-media.c     photos and videos, found in the takeout
 *   gpm-convert-settings.c  GpmConvertSettings
 * with gpm-convert-private.h for what they share. */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert-private.h"
#include "gpm-date-line.h"
#include "gpm-long-post.h"
#include "gpm-util.h"

#include <glib/gi18n.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Result
 * ------------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (GpmConvertResult, gpm_convert_result,
                     gpm_convert_result_ref, gpm_convert_result_unref)

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
  r->media = g_ptr_array_new_with_free_func ((GDestroyNotify) _gpm_convert_media_free);
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
    char *capped = _gpm_convert_cap_nesting (content, &deepest);

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
    _gpm_convert_add_media (r, g_ptr_array_index (album, i), gpm_post_get_entry_name (post), resolver, resolver_data);
  if (media != NULL)
    _gpm_convert_add_media (r, media, gpm_post_get_entry_name (post), resolver, resolver_data);

  /* A reshared link: the link, and a hat tip to whoever posted it. */
  reshared = gpm_post_get_reshared_post (post);
  if (reshared != NULL && gpm_post_get_link (reshared) != NULL)
    {
      const char *name = _gpm_convert_reshared_author_name (reshared);
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
    g_ptr_array_add (lines, _gpm_convert_html_to_markdown_capped (content, settings->inline_links));
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

  /* A place the pod would drop (no coordinates; or no name, for diaspora*
   * builds a location only with an address: status_message_creation_service.rb
   * add_location) goes into the text, so it is not lost; one the pod keeps
   * is shown by diaspora* under the post. */
  if (r->location != NULL && gpm_convert_pod_location (post, settings, NULL) == NULL)
    {
      const GpmLocation *l = r->location;
      gboolean named = l->display_name && *l->display_name;
      gboolean addressed = l->physical_address && *l->physical_address;

      if (!named && !addressed && l->has_coordinates)
        {
          char lat[G_ASCII_DTOSTR_BUF_SIZE], lng[G_ASCII_DTOSTR_BUF_SIZE];

          g_ptr_array_add (lines, g_strdup_printf ("📍 %s, %s",
                                                   g_ascii_formatd (lat, sizeof lat, "%.6f", l->latitude),
                                                   g_ascii_formatd (lng, sizeof lng, "%.6f", l->longitude)));
        }
      else if (named || addressed)
        {
          g_autoptr(GString) html = g_string_new ("📍 ");
          g_autofree char *md = NULL;

          if (named)
            {
              g_autofree char *e = g_markup_escape_text (l->display_name, -1);
              g_string_append (html, e);
            }
          if (addressed && g_strcmp0 (l->physical_address, l->display_name) != 0)
            {
              g_autofree char *e = g_markup_escape_text (l->physical_address, -1);
              if (named)
                g_string_append (html, ", ");
              g_string_append (html, e);
            }
          md = gpm_convert_html_to_markdown (html->str, FALSE);
          g_strchomp (md);
          g_ptr_array_add (lines, g_steal_pointer (&md));
        }
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
    if (settings->photo_hashtags && _gpm_convert_has_photo (r, album != NULL || media != NULL, resolver != NULL))
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
  {
    /* a post with a hashtag diaspora* cannot store is not saved at all */
    guint n_long = 0;
    glong longest = 0;
    char *escaped = gpm_escape_long_hashtags (r->markdown, &n_long, &longest);

    g_free (r->markdown);
    r->markdown = escaped;
    if (n_long == 1)
      g_ptr_array_add (r->warnings,
                       g_strdup_printf (_("A hashtag in the post is %'ld characters long; diaspora* takes hashtags of at most %d characters and would refuse the post. It is posted as plain text, not as a hashtag."),
                                        longest, GPM_DIASPORA_MAX_TAG_CHARS));
    else if (n_long > 1)
      g_ptr_array_add (r->warnings,
                       g_strdup_printf (g_dngettext (NULL,
                                                     "%u hashtag in the post is too long (the longest has %'ld characters); diaspora* takes hashtags of at most %d characters and would refuse the post. They are posted as plain text, not as hashtags.",
                                                     "%u hashtags in the post are too long (the longest has %'ld characters); diaspora* takes hashtags of at most %d characters and would refuse the post. They are posted as plain text, not as hashtags.",
                                                     n_long),
                                        n_long, longest, GPM_DIASPORA_MAX_TAG_CHARS));
  }
  r->n_chars = g_utf8_strlen (r->markdown, -1);
  r->too_long = !gpm_long_post_fits (r->markdown, GPM_DIASPORA_MAX_TEXT_BYTES);
  if (r->too_long)
    g_ptr_array_add (r->warnings, gpm_long_post_dup_warning (r->markdown));

  return r;
}
