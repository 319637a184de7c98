/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-preview-html.c: the preview's pages: the post as it was on Google+
 * (its own markup, media from the archive) and as it will be on diaspora*
 * (the converted Markdown rendered, the continuation and the user's own
 * comments under it). Built in the preview's render worker: nothing here
 * touches a widget. */
#define G_LOG_DOMAIN "gpm-preview"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-comments.h"
#include "gpm-diaspora.h"
#include "gpm-gui-util.h"
#include "gpm-long-post.h"
#include "gpm-preview.h"
#include "gpm-preview-private.h"
#include "gpm-render.h"

static const char preview_css[] =
  ":root { color-scheme: light dark; }\n"
  "body { font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.5;"
  "  margin: 0; padding: 18px; color: #1e1e1e; background: #ffffff; }\n"
  "@media (prefers-color-scheme: dark) {"
  "  body { color: #f0f0f0; background: #1e1e1e; }"
  "  .card, blockquote.reshare { border-color: #444 !important; }"
  "  a { color: #78aeed; } }\n"
  "a { color: #1c71d8; }\n"
  "article { max-width: 680px; margin: 0 auto; }\n"
  "header { display: flex; gap: 8px; align-items: baseline; margin-bottom: 8px; flex-wrap: wrap; }\n"
  "header .author { font-weight: bold; }\n"
  "header .date, header .audience, footer, .dim { opacity: 0.65; font-size: 0.9em; }\n"
  ".content { overflow-wrap: anywhere; }\n"
  "img { max-width: 100%; height: auto; border-radius: 6px; }\n"
  ".album { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 6px; }\n"
  ".album img { width: 100%; height: 140px; object-fit: cover; }\n"
  ".missing { padding: 12px; border: 1px dashed #999; border-radius: 6px; }\n"
  ".card { border: 1px solid #ddd; border-radius: 8px; padding: 10px 12px; margin: 10px 0; }\n"
  "blockquote.reshare { border-left: 3px solid #ddd; margin: 10px 0; padding: 4px 12px; }\n"
  "footer { margin-top: 16px; }\n"
  ".diaspora .markdown-content p { margin: 0 0 0.8em 0; }\n";


static void
append_media (GpmTakeout     *takeout,
              gboolean        remote_allowed,
              GString        *html,
              GpmPost        *post,
              const GpmMedia *media)
{
  const GpmTakeoutEntry *entry = NULL;
  gboolean video = media->content_type != NULL && g_str_has_prefix (media->content_type, "video/");
  g_autofree char *alt = gpm_gui_html_escape (media->description);

  if (takeout != NULL)
    entry = gpm_takeout_find_media (takeout, gpm_post_get_entry_name (post),
                                    media->local_file_path, media->url);

  if (entry != NULL && !video)
    {
      g_autofree char *name = gpm_takeout_dup_entry_name (takeout, entry);
      g_autofree char *uri = gpm_preview_media_uri (name);
      g_autofree char *escaped = gpm_gui_html_escape (uri);
      g_string_append_printf (html, "<img src=\"%s\" alt=\"%s\">", escaped, alt);
    }
  else if (remote_allowed && media->url != NULL && !video &&
           (g_str_has_prefix (media->url, "https://") || g_str_has_prefix (media->url, "http://")))
    {
      g_autofree char *escaped = gpm_gui_html_escape (media->url);
      g_string_append_printf (html, "<img src=\"%s\" alt=\"%s\">", escaped, alt);
    }
  else
    {
      g_string_append_printf (html, "<div class=\"missing\">%s%s%s</div>",
                              video ? _("Video") : _("Photo"),
                              entry == NULL ? " — " : "",
                              entry == NULL ? _("not in the takeout") : "");
    }
}

static void
append_original_body (GpmTakeout *takeout,
                      gboolean    remote_allowed,
                      GString    *html,
                      GpmPost    *post,
                      gboolean    nested)
{
  const GpmPerson *author = gpm_post_get_author (post);
  const GpmLink *link = gpm_post_get_link (post);
  const GpmMedia *media = gpm_post_get_media (post);
  GPtrArray *album = gpm_post_get_album (post);
  GpmPost *reshared = gpm_post_get_reshared_post (post);
  const GpmLocation *location = gpm_post_get_location (post);
  const GpmPoll *poll = gpm_post_get_poll (post);
  g_autofree char *name = gpm_gui_html_escape (author && author->display_name ? author->display_name : _("Unknown author"));

  g_string_append (html, "<header>");
  g_string_append_printf (html, "<span class=\"author\">%s</span>", name);
  if (gpm_post_get_creation_time (post) != NULL)
    {
      g_autofree char *date = gpm_gui_format_post_date_time (post);
      g_autofree char *escaped = gpm_gui_html_escape (date);
      g_string_append_printf (html, "<span class=\"date\">%s</span>", escaped);
    }
  {
    g_autofree char *audience = gpm_gui_format_audience (post);
    g_autofree char *escaped = gpm_gui_html_escape (audience);
    g_string_append_printf (html, "<span class=\"audience\">%s</span>", escaped);
  }
  g_string_append (html, "</header>");

  /* Google+'s own markup; page scripts are off and the CSP blocks loads. */
  g_string_append_printf (html, "<div class=\"content\">%s</div>", gpm_post_get_content (post));

  if (media != NULL)
    append_media (takeout, remote_allowed, html, post, media);

  if (album != NULL && album->len > 0)
    {
      g_string_append (html, "<div class=\"album\">");
      for (guint i = 0; i < album->len; i++)
        append_media (takeout, remote_allowed, html, post, g_ptr_array_index (album, i));
      g_string_append (html, "</div>");
    }

  if (link != NULL && link->url != NULL)
    {
      g_autofree char *url = gpm_gui_html_escape (link->url);
      g_autofree char *title = gpm_gui_html_escape (link->title ? link->title : link->url);
      g_string_append_printf (html, "<div class=\"card\"><a href=\"%s\">%s</a><div class=\"dim\">%s</div></div>",
                              url, title, url);
    }

  if (reshared != NULL && !nested)
    {
      g_string_append (html, "<blockquote class=\"reshare\">");
      append_original_body (takeout, remote_allowed, html, reshared, TRUE);
      g_string_append (html, "</blockquote>");
    }

  if (poll != NULL)
    {
      g_string_append (html, "<div class=\"card\"><ul>");
      for (guint i = 0; poll->choices != NULL && i < poll->choices->len; i++)
        {
          const GpmPollChoice *choice = g_ptr_array_index (poll->choices, i);
          g_autofree char *text = gpm_gui_html_escape (choice->description);
          g_string_append_printf (html, "<li>%s <span class=\"dim\">(%d)</span></li>", text, choice->vote_count);
        }
      g_string_append (html, "</ul></div>");
    }

  if (location != NULL)
    {
      g_autofree char *place = gpm_gui_html_escape (location->display_name);
      g_autofree char *address = gpm_gui_html_escape (location->physical_address);
      g_string_append_printf (html, "<p class=\"dim\">📍 %s %s</p>", place, address);
    }
}

void
_gpm_preview_append_head (GString  *html,
                          gboolean  remote_allowed)
{
  g_string_append (html, "<!DOCTYPE html><html><head><meta charset=\"utf-8\">");
  /* Nothing loads but the archive's media (and, when allowed, remote images). */
  g_string_append_printf (html,
                          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                          "img-src " MEDIA_SCHEME ": data:%s; media-src " MEDIA_SCHEME ":%s; "
                          "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">",
                          remote_allowed ? " https: http:" : "",
                          remote_allowed ? " https: http:" : "");
  g_string_append_printf (html, "<style>%s</style></head>", preview_css);
}

char *
_gpm_preview_build_original_html (GpmTakeout *takeout,
                                  gboolean    remote_allowed,
                                  GpmPost    *post)
{
  GString *html = g_string_new (NULL);

  _gpm_preview_append_head (html, remote_allowed);
  g_string_append (html, "<body><article class=\"original\">");
  append_original_body (takeout, remote_allowed, html, post, FALSE);
  g_string_append_printf (html, "<footer>%s</footer>",
                          _("Comments, +1s and reshares by other people are not migrated."));
  g_string_append (html, "</article></body></html>");

  return g_string_free (html, FALSE);
}

/* The comments under the post as they will be posted: the continuation
 * of a text over diaspora*'s limit (@continuation, NULL-terminated), then
 * the user's own comments (when the preference brings them along). */
static void
append_own_comments (GString                  *html,
                     GpmPost                  *post,
                     GpmTakeout               *takeout,
                     const GpmConvertSettings *settings,
                     GPtrArray                *warnings,
                     const char               *escaped_name,
                     char *const              *continuation)
{
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; continuation != NULL && continuation[i] != NULL; i++)
    g_ptr_array_add (texts, g_strdup (continuation[i]));
  if (settings->own_comments && takeout != NULL && gpm_post_get_n_comments (post) > 0)
    {
      own = gpm_comments_read_own (takeout, post, &error);
      if (own == NULL)
        g_ptr_array_add (warnings, g_strdup_printf (_("Your comments could not be read: %s"), error->message));
      else
        {
          g_autoptr(GPtrArray) converted = gpm_comments_convert (own, settings);

          for (guint i = 0; i < converted->len; i++)
            g_ptr_array_add (texts, g_strdup (g_ptr_array_index (converted, i)));
        }
    }
  if (texts->len == 0)
    return;
  g_string_append (html, "<section class=\"comments\"><hr>");
  for (guint i = 0; i < texts->len; i++)
    {
      g_autoptr(GError) render_error = NULL;
      g_autofree char *rendered = gpm_render_markdown (g_ptr_array_index (texts, i), &render_error);

      g_string_append_printf (html, "<div class=\"comment\"><header><span class=\"author\">%s</span></header>", escaped_name);
      if (rendered != NULL)
        g_string_append_printf (html, "<div class=\"markdown-content\">%s</div>", rendered);
      else
        {
          g_autofree char *message = gpm_gui_html_escape (render_error->message);
          g_string_append_printf (html, "<p class=\"missing\">%s</p>", message);
        }
      g_string_append (html, "</div>");
    }
  g_string_append (html, "</section>");
}

void
_gpm_preview_append_diaspora_body (GString                  *html,
                                   GpmPost                  *post,
                                   GpmTakeout               *takeout,
                                   const GpmConvertSettings *settings,
                                   gboolean                  remote_allowed,
                                   GpmConvertResult         *result,
                                   GPtrArray                *warnings)
{
  const GpmPerson *author = gpm_post_get_author (post);
  g_autofree char *name = gpm_gui_html_escape (author && author->display_name ? author->display_name : "");
  g_autoptr(GError) error = NULL;
  g_autofree char *rendered = NULL;
  const char *pod_address = NULL;
  gboolean any_photo = FALSE;
  /* over diaspora*'s limit: the post as it is sent, the rest as comments */
  g_auto(GStrv) parts = gpm_long_post_split (result->markdown, GPM_DIASPORA_MAX_TEXT_BYTES);

  g_string_append_printf (html, "<header><span class=\"author\">%s</span><span class=\"date\">%s</span></header>",
                          name, _("on diaspora*"));

  /* diaspora shows a post's photos above its text */
  for (guint i = 0; i < result->media->len; i++)
    {
      const GpmConvertMedia *media = g_ptr_array_index (result->media, i);
      g_autofree char *uri = NULL;
      g_autofree char *escaped = NULL;

      if (!media->uploadable || media->entry == NULL)
        continue;
      if (!any_photo)
        g_string_append (html, result->media->len > 1 ? "<div class=\"album\">" : "<div class=\"photos\">");
      any_photo = TRUE;
      uri = gpm_preview_media_uri (media->entry);
      escaped = gpm_gui_html_escape (uri);
      g_string_append_printf (html, "<img src=\"%s\" alt=\"\">", escaped);
    }
  if (any_photo)
    g_string_append (html, "</div>");

  rendered = gpm_render_markdown_full (parts[0],
                                       remote_allowed ? GPM_RENDER_FLAGS_DIASPORA : GPM_RENDER_FLAGS_NONE,
                                       NULL, 0, NULL, &error);
  if (rendered == NULL)
    {
      g_autofree char *message = gpm_gui_html_escape (error->message);
      g_string_append_printf (html, "<p class=\"missing\">%s</p>", message);
      g_ptr_array_add (warnings, g_strdup_printf (_("The preview could not be drawn: %s"), error->message));
    }
  else
    g_string_append_printf (html, "<div class=\"markdown-content\">%s</div>", rendered);

  if (result->poll != NULL)
    {
      g_string_append (html, "<div class=\"card\"><ul>");
      for (guint i = 0; result->poll->choices != NULL && i < result->poll->choices->len; i++)
        {
          const GpmPollChoice *choice = g_ptr_array_index (result->poll->choices, i);
          g_autofree char *text = gpm_gui_html_escape (choice->description);
          g_string_append_printf (html, "<li>%s</li>", text);
        }
      g_string_append (html, "</ul></div>");
    }

  /* diaspora's location line under a post: only the location the pod keeps
   * (a place without coordinates is in the text instead). */
  if (gpm_convert_pod_location (post, settings, &pod_address) != NULL)
    {
      g_autofree char *address = gpm_gui_html_escape (pod_address);
      g_string_append_printf (html, "<p class=\"dim\">%s</p>", address);
    }

  append_own_comments (html, post, takeout, settings, warnings, name, parts + 1);
}
