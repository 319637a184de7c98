/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-render"

#include "gpm-render.h"

#include <glib/gi18n.h>
#include <jsc/jsc.h>
#include <json-glib/json-glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <string.h>

#include "js/gpm-render-resources.h"

#define RESOURCE_PREFIX "/org/example/GPlusMigrate/render/"

/* Load order: the order diaspora's app/assets/javascripts/main.js requires them,
 * then our configuration (the equivalent of app/helpers/text_formatter.js). */
static const char * const scripts[] = {
  "markdown-it.js",
  "markdown-it-diaspora-mention.js",
  "markdown-it-for-inline.js",
  "markdown-it-footnote.js",
  "markdown-it-hashtag.js",
  "markdown-it-sanitizer.js",
  "markdown-it-sub.js",
  "markdown-it-sup.js",
  "markdown-it-html5-embed.js",
  "gpm-render-setup.js",
};

/* The browser globals the scripts' UMD wrappers look for. */
static const char prelude[] =
  "var window = globalThis; var self = globalThis;";

typedef struct {
  JSCContext *context;
  JSCValue   *render;   /* gpmRender (text, flags, mentionsJson, currentUserGuid) */
} GpmRenderer;

G_DEFINE_QUARK (gpm-render-error-quark, gpm_render_error)

static void
gpm_renderer_free (gpointer data)
{
  GpmRenderer *self = data;

  if (self == NULL)
    return;
  g_clear_object (&self->render);
  g_clear_object (&self->context);
  g_free (self);
}

static GPrivate renderer_key = G_PRIVATE_INIT (gpm_renderer_free);

static void
set_error_from_exception (GError       **error,
                          GpmRenderError code,
                          JSCException  *exception,
                          const char    *what)
{
  const char *uri = jsc_exception_get_source_uri (exception);

  g_set_error (error, GPM_RENDER_ERROR, code, "%s: %s:%u: %s",
               what,
               uri != NULL ? uri : "?",
               jsc_exception_get_line_number (exception),
               jsc_exception_get_message (exception));
}

static gboolean
evaluate (JSCContext  *context,
          const char  *code,
          gssize       length,
          const char  *uri,
          GError     **error)
{
  g_autoptr(JSCValue) result = NULL;
  JSCException *exception;

  result = jsc_context_evaluate_with_source_uri (context, code, length, uri, 1);
  exception = jsc_context_get_exception (context);
  if (exception != NULL)
    {
      set_error_from_exception (error, GPM_RENDER_ERROR_INIT, exception,
                                _("Could not load the Markdown renderer"));
      jsc_context_clear_exception (context);
      return FALSE;
    }
  return TRUE;
}

/* The scripts' bytes, looked up once for every thread: looking them up from
 * several threads starting at once raced inside GResource. */
static GBytes *script_bytes[G_N_ELEMENTS (scripts)];
static GError *script_error;

static gboolean
load_scripts (GError **error)
{
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (scripts) && script_error == NULL; i++)
        {
          g_autofree char *path = g_strconcat (RESOURCE_PREFIX, scripts[i], NULL);
          script_bytes[i] = g_resource_lookup_data (gpm_render_js_get_resource (), path,
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, &script_error);
        }
      g_once_init_leave (&loaded, 1);
    }
  if (script_error != NULL)
    {
      g_propagate_error (error, g_error_copy (script_error));
      return FALSE;
    }
  return TRUE;
}

static GpmRenderer *
gpm_renderer_new (GError **error)
{
  g_autoptr(JSCContext) context = jsc_context_new ();
  g_autoptr(JSCValue) render = NULL;
  GpmRenderer *self;

  if (!evaluate (context, prelude, -1, "gpm-render-prelude.js", error))
    return NULL;

  if (!load_scripts (error))
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      gsize size = 0;
      const char *code = g_bytes_get_data (script_bytes[i], &size);

      if (!evaluate (context, code, (gssize) size, scripts[i], error))
        return NULL;
    }

  render = jsc_context_get_value (context, "gpmRender");
  if (!jsc_value_is_function (render))
    {
      g_set_error_literal (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_INIT,
                           _("Could not load the Markdown renderer: gpmRender is missing"));
      return NULL;
    }

  self = g_new0 (GpmRenderer, 1);
  self->context = g_steal_pointer (&context);
  self->render = g_steal_pointer (&render);
  return self;
}

/* This thread's renderer, created on first use. */
static GpmRenderer *
gpm_renderer_get (GError **error)
{
  GpmRenderer *self = g_private_get (&renderer_key);

  if (self == NULL)
    {
      self = gpm_renderer_new (error);
      if (self == NULL)
        return NULL;
      g_private_set (&renderer_key, self);
    }
  return self;
}

static char *
mentions_to_json (const GpmRenderPerson *mentions,
                  gsize                  n_mentions)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (gsize i = 0; i < n_mentions; i++)
    {
      const GpmRenderPerson *p = &mentions[i];

      if (p->diaspora_id == NULL)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "diaspora_id");
      json_builder_add_string_value (builder, p->diaspora_id);
      json_builder_set_member_name (builder, "guid");
      json_builder_add_string_value (builder, p->guid != NULL ? p->guid : "");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, p->name != NULL ? p->name : "");
      if (p->url != NULL)
        {
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, p->url);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* ---- the safety check ---------------------------------------------------------------- */

/* Every element markdown-it, its plugins, the sanitizer and the media template make
 * (libxml2 adds html/head/body around a fragment). */
static const char * const safe_elements[] = {
  "html", "head", "body",
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
  "em", "strong", "b", "s", "sub", "sup", "ul", "ol", "li", "a", "img",
  "table", "thead", "tbody", "tr", "th", "td",
  "section", "div", "video", "audio", "source",
};

static const char * const safe_attributes[] = {
  "href", "src", "data-remote-src", "alt", "title", "class", "id", "target", "rel",
  "start", "style", "type", "controls", "preload",
};

static gboolean
in_list (const char        *name,
         const char * const *list,
         gsize              n)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The URL as a browser reads it: leading C0 controls and spaces dropped, tabs and
 * newlines removed anywhere. */
static char *
url_as_browser_reads (const char *value)
{
  GString *s = g_string_new (NULL);

  while (*value != '\0' && (guchar) *value <= 0x20)
    value++;
  for (const char *p = value; *p != '\0'; p++)
    if (*p != '\t' && *p != '\n' && *p != '\r')
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

/* The lower-cased scheme of @url, or NULL for a relative URL. */
static char *
url_scheme (const char *url)
{
  const char *p = url;

  if (!g_ascii_isalpha (*p))
    return NULL;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (*p != ':')
    return NULL;
  return g_ascii_strdown (url, p - url);
}

static gboolean
scheme_is_script (const char *scheme)
{
  static const char * const bad[] = {
    "javascript", "vbscript", "livescript", "data", "file", "blob", "filesystem",
  };
  return scheme != NULL && in_list (scheme, bad, G_N_ELEMENTS (bad));
}

/* markdown-it lets data: URLs through for these image types only (GOOD_DATA_RE), as
 * link or image targets. An image cannot run script; SVG could, and is not one of them. */
static gboolean
is_safe_data_image (const char *url)
{
  static const char * const types[] = {
    "data:image/gif;", "data:image/png;", "data:image/jpeg;", "data:image/webp;",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strncasecmp (url, types[i], strlen (types[i])) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
check_href (const char *value)
{
  g_autofree char *url = url_as_browser_reads (value);
  g_autofree char *scheme = url_scheme (url);

  if (scheme != NULL && g_str_equal (scheme, "data"))
    return is_safe_data_image (url);
  return !scheme_is_script (scheme);
}

static gboolean
check_src (const char    *value,
           gboolean       allow_remote)
{
  g_autofree char *url = url_as_browser_reads (value);
  g_autofree char *scheme = url_scheme (url);

  if (scheme == NULL)
    {
      /* "//host/x" and "\\host/x" reach the network */
      if ((url[0] == '/' || url[0] == '\\') && (url[1] == '/' || url[1] == '\\'))
        return allow_remote;
      if (url[0] == '\\')
        return allow_remote;
      return TRUE;
    }
  if (g_str_equal (scheme, "data"))
    return is_safe_data_image (url);
  if (scheme_is_script (scheme))
    return FALSE;
  return allow_remote;
}

static gboolean
check_style (const char *value)
{
  return g_str_equal (value, "text-align:left") ||
         g_str_equal (value, "text-align:right") ||
         g_str_equal (value, "text-align:center");
}

static gboolean
check_node (xmlNode        *node,
            GpmRenderFlags  flags,
            GError        **error)
{
  for (; node != NULL; node = node->next)
    {
      const char *name = (const char *) node->name;
      gboolean media;

      if (node->type != XML_ELEMENT_NODE)
        continue;

      if (!in_list (name, safe_elements, G_N_ELEMENTS (safe_elements)))
        {
          g_set_error (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_UNSAFE,
                       _("The rendered post contains an element that is not allowed: <%s>"), name);
          return FALSE;
        }
      media = g_ascii_strcasecmp (name, "source") == 0;

      for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
        {
          const char *aname = (const char *) attr->name;
          xmlChar *content = xmlNodeGetContent ((xmlNode *) attr);
          g_autofree char *value = g_strdup (content != NULL ? (const char *) content : "");
          gboolean ok;

          xmlFree (content);

          if (!in_list (aname, safe_attributes, G_N_ELEMENTS (safe_attributes)))
            ok = FALSE;
          else if (g_ascii_strcasecmp (aname, "href") == 0)
            ok = check_href (value);
          else if (g_ascii_strcasecmp (aname, "src") == 0)
            ok = check_src (value, (flags & (media ? GPM_RENDER_ALLOW_REMOTE_MEDIA
                                                   : GPM_RENDER_ALLOW_REMOTE_IMAGES)) != 0);
          else if (g_ascii_strcasecmp (aname, "style") == 0)
            ok = check_style (value);
          else
            ok = TRUE;

          if (!ok)
            {
              g_set_error (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_UNSAFE,
                           _("The rendered post contains an attribute that is not allowed: <%s %s=\"%s\">"),
                           name, aname, value);
              return FALSE;
            }
        }

      if (!check_node (node->children, flags, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
gpm_render_check_html (const char      *html,
                       GpmRenderFlags   flags,
                       GError         **error)
{
  static gsize initialized = 0;
  htmlDocPtr doc;
  gboolean ok;
  gsize len;

  g_return_val_if_fail (html != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&initialized, 1);
    }

  len = strlen (html);
  if (len == 0)
    return TRUE;
  if (len > G_MAXINT)
    {
      g_set_error_literal (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_UNSAFE,
                           _("The rendered post is too large to check"));
      return FALSE;
    }

  doc = htmlReadMemory (html, (int) len, NULL, "UTF-8",
                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                        HTML_PARSE_NOIMPLIED | HTML_PARSE_COMPACT);
  if (doc == NULL)
    {
      g_set_error_literal (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_UNSAFE,
                           _("The rendered post could not be checked"));
      return FALSE;
    }
  ok = check_node (doc->children, flags, error);
  xmlFreeDoc (doc);
  return ok;
}

/* ---- rendering ------------------------------------------------------------------------ */

char *
gpm_render_markdown_full (const char             *markdown,
                          GpmRenderFlags          flags,
                          const GpmRenderPerson  *mentions,
                          gsize                   n_mentions,
                          const char             *current_user_guid,
                          GError                **error)
{
  g_autofree char *mentions_json = NULL;
  g_autoptr(JSCValue) result = NULL;
  g_autofree char *html = NULL;
  JSCException *exception;
  GpmRenderer *renderer;

  g_return_val_if_fail (markdown != NULL, NULL);
  g_return_val_if_fail (mentions != NULL || n_mentions == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (markdown, -1, NULL))
    {
      g_set_error_literal (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_INVALID,
                           _("The text is not valid UTF-8"));
      return NULL;
    }

  renderer = gpm_renderer_get (error);
  if (renderer == NULL)
    return NULL;

  if (n_mentions > 0)
    mentions_json = mentions_to_json (mentions, n_mentions);

  result = jsc_value_function_call (renderer->render,
                                    G_TYPE_STRING, markdown,
                                    G_TYPE_UINT, (guint) flags,
                                    G_TYPE_STRING, mentions_json,
                                    G_TYPE_STRING, current_user_guid,
                                    G_TYPE_NONE);
  exception = jsc_context_get_exception (renderer->context);
  if (exception != NULL)
    {
      set_error_from_exception (error, GPM_RENDER_ERROR_SCRIPT, exception,
                                _("Could not render the post"));
      jsc_context_clear_exception (renderer->context);
      return NULL;
    }
  if (result == NULL || !jsc_value_is_string (result))
    {
      g_set_error_literal (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_SCRIPT,
                           _("Could not render the post: the renderer returned no text"));
      return NULL;
    }

  html = jsc_value_to_string (result);
  if (!gpm_render_check_html (html, flags, error))
    return NULL;
  return g_steal_pointer (&html);
}

gboolean
gpm_render_warm_up (GError **error)
{
  /* What gpm_convert_post() makes of a typical post: text with emphasis,
   * escapes, a list, links, a mention, non-Latin text, the hashtags and the
   * context line. Creating the context alone leaves the first post ~20 ms. */
  static const char sample[] =
    "Hello **world**, _this_ is ~~not~~ a \\*test\\* \\# with \\> escapes "
    "and [a link](https://example.com/a) or https://example.org/b 🎉\n\n"
    "* one\n* two\n\n1\\. three\n\n"
    "@{Jane Doe; jane@pod.example} Ελληνικά 日本語 Straße\n\n"
    "#repost #gplusarchive #googleplus #gplusrefugees #plexodus #photo #photography\n"
    "Originally posted on Google+ on Sun Jul 15, 2018  ( Community)\n"
    "https://example.com/c";
  g_autofree char *html = NULL;

  html = gpm_render_markdown_full (sample, GPM_RENDER_FLAGS_NONE, NULL, 0, NULL, error);
  return html != NULL;
}

char *
gpm_render_markdown (const char  *markdown,
                     GError     **error)
{
  return gpm_render_markdown_full (markdown, GPM_RENDER_FLAGS_NONE, NULL, 0, NULL, error);
}
