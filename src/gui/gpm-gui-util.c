/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-gui-util"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-gui-util.h"
#include "gpm-pod.h"

static GQuark plain_quark;
static GQuark search_quark;

static void
append_entity (GString    *out,
               const char *entity,
               gsize       len)
{
  static const struct { const char *name; const char *text; } names[] = {
    { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
    { "apos", "'" }, { "nbsp", "\xc2\xa0" },
  };

  if (len > 1 && entity[0] == '#')
    {
      gunichar c;

      if (entity[1] == 'x' || entity[1] == 'X')
        c = (gunichar) g_ascii_strtoull (entity + 2, NULL, 16);
      else
        c = (gunichar) g_ascii_strtoull (entity + 1, NULL, 10);
      if (c != 0 && g_unichar_validate (c))
        {
          g_string_append_unichar (out, c);
          return;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strlen (names[i].name) == len && strncmp (entity, names[i].name, len) == 0)
      {
        g_string_append (out, names[i].text);
        return;
      }

  g_string_append_c (out, '&');
  g_string_append_len (out, entity, len);
  g_string_append_c (out, ';');
}

static char *
html_to_plain (const char *html)
{
  GString *out = g_string_new (NULL);
  const char *p = html;

  while (*p != '\0')
    {
      if (*p == '<')
        {
          const char *end = strchr (p, '>');

          if (end == NULL)
            break;
          if (g_ascii_strncasecmp (p, "<br", 3) == 0 ||
              g_ascii_strncasecmp (p, "</p", 3) == 0 ||
              g_ascii_strncasecmp (p, "</li", 4) == 0)
            g_string_append_c (out, '\n');
          p = end + 1;
        }
      else if (*p == '&')
        {
          const char *end = strchr (p, ';');

          if (end != NULL && end - p <= 10)
            {
              append_entity (out, p + 1, (gsize) (end - p - 1));
              p = end + 1;
            }
          else
            {
              g_string_append_c (out, '&');
              p++;
            }
        }
      else
        {
          g_string_append_c (out, *p);
          p++;
        }
    }

  if (!g_utf8_validate (out->str, -1, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, -1);
      g_string_free (out, TRUE);
      return valid;
    }

  return g_string_free (out, FALSE);
}

const char *
gpm_gui_post_get_plain_text (GpmPost *post)
{
  char *text;

  if (plain_quark == 0)
    plain_quark = g_quark_from_static_string ("gpm-gui-plain-text");

  text = g_object_get_qdata (G_OBJECT (post), plain_quark);
  if (text == NULL)
    {
      text = html_to_plain (gpm_post_get_content (post));
      g_strstrip (text);
      g_object_set_qdata_full (G_OBJECT (post), plain_quark, text, g_free);
    }

  return text;
}

const char *
gpm_gui_post_get_search_text (GpmPost *post)
{
  char *text;

  if (search_quark == 0)
    search_quark = g_quark_from_static_string ("gpm-gui-search-text");

  text = g_object_get_qdata (G_OBJECT (post), search_quark);
  if (text == NULL)
    {
      GString *all = g_string_new (gpm_gui_post_get_plain_text (post));
      const char *link_title, *link_url, *reshared;

      /* From the index: a search never reads the 100,000 posts again. */
      gpm_post_get_search_parts (post, &link_title, &link_url, &reshared);
      if (link_title != NULL || link_url != NULL)
        g_string_append_printf (all, "\n%s\n%s", link_title ? link_title : "", link_url ? link_url : "");
      if (reshared != NULL)
        {
          g_autofree char *plain = html_to_plain (reshared);
          g_string_append_printf (all, "\n%s", g_strstrip (plain));
        }

      text = g_utf8_casefold (all->str, -1);
      g_string_free (all, TRUE);
      g_object_set_qdata_full (G_OBJECT (post), search_quark, text, g_free);
    }

  return text;
}

char *
gpm_gui_format_post_date (GpmPost *post)
{
  GDateTime *created = gpm_post_get_creation_time (post);
  g_autoptr(GDateTime) local = NULL;

  if (created == NULL)
    return g_strdup (_("No date"));

  local = g_date_time_to_local (created);
  /* Translators: a post's date in the post list, as people write it
   * ("Jan 20, 2019"); see g_date_time_format() for the codes. German might
   * use "%-d. %b %Y", French "%-d %b %Y". */
  return g_date_time_format (local, _("%b %-d, %Y"));
}

char *
gpm_gui_format_post_date_time (GpmPost *post)
{
  GDateTime *created = gpm_post_get_creation_time (post);
  g_autoptr(GDateTime) local = NULL;

  if (created == NULL)
    return g_strdup (_("No date"));

  local = g_date_time_to_local (created);
  /* Translators: a post's date and time above the original Google+ post
   * ("Sunday, January 20, 2019, 14:05"); see g_date_time_format() for the
   * codes. */
  return g_date_time_format (local, _("%A, %B %-d, %Y, %H:%M"));
}

char *
gpm_gui_format_audience (GpmPost *post)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; scopes != NULL && i < scopes->len; i++)
    {
      if (i > 0)
        /* Translators: between the names of two audiences a post was shared with */
        g_string_append (names, _(", "));
      g_string_append (names, gpm_gui_scope_label (g_ptr_array_index (scopes, i)));
    }

  if (names->len == 0)
    return g_strdup (_("Shared with nobody the archive names"));
  /* Translators: %s is a list of audiences: "Public", "Family, Alice Smith" */
  return g_strdup_printf (_("Shared with %s"), names->str);
}

const char *
gpm_gui_scope_label (const GpmScope *scope)
{
  switch (scope->kind)
    {
    case GPM_SCOPE_PUBLIC:
      return _("Public");
    case GPM_SCOPE_CIRCLES:
      return _("Your circles");
    case GPM_SCOPE_EXTENDED:
      return _("Extended circles");
    case GPM_SCOPE_CIRCLE:
    case GPM_SCOPE_USER:
    case GPM_SCOPE_COLLECTION:
    case GPM_SCOPE_COMMUNITY:
    case GPM_SCOPE_EVENT:
      if (scope->name != NULL && *scope->name != '\0' && !g_str_equal (scope->name, "-"))
        return scope->name;
      return _("Unnamed");
    case GPM_SCOPE_N_KINDS:
    default:
      return "?";
    }
}

gboolean
gpm_gui_scope_is_private (const GpmScope *scope)
{
  return !gpm_scope_is_essentially_public (scope);
}

char *
gpm_gui_html_escape (const char *text)
{
  return g_markup_escape_text (text ? text : "", -1);
}

char *
gpm_gui_error_message (const GError *error)
{
  if (error == NULL)
    return g_strdup ("");

  if (error->domain != GPM_POD_ERROR)
    return g_strdup (error->message);

  switch ((GpmPodError) error->code)
    {
    case GPM_POD_ERROR_INVALID_ADDRESS:
      return g_strdup (_("This is not a pod address. A pod address looks like “pod.example.org”."));
    case GPM_POD_ERROR_INSECURE:
      return g_strdup (_("This address does not use a secure connection (https://), so your password could be read on the way. Use the pod's https:// address."));
    case GPM_POD_ERROR_UNREACHABLE:
      return g_strdup (_("The pod could not be reached. Check the address and your internet connection."));
    case GPM_POD_ERROR_NO_ANSWER:
      return g_strdup (_("The pod did not answer in time. It may be busy; try again in a moment."));
    case GPM_POD_ERROR_TLS:
      return g_strdup (_("The pod's security certificate is not valid, so the connection is not safe. Ask the pod's administrator."));
    case GPM_POD_ERROR_NOT_DIASPORA:
      return g_strdup (_("There is a website at this address, but it is not a diaspora* pod."));
    case GPM_POD_ERROR_WRONG_CREDENTIALS:
      return g_strdup (_("The user name, password or code is not right. Please check them and try again."));
    case GPM_POD_ERROR_TWO_FACTOR_NEEDED:
      return g_strdup (_("Your account is protected with two-factor authentication. Enter the code from your authenticator app."));
    case GPM_POD_ERROR_RATE_LIMITED:
      return g_strdup (_("Too many attempts. The pod asks to wait a few minutes before trying again."));
    case GPM_POD_ERROR_TEXT_TOO_LONG:
      return g_strdup_printf (_("The post is longer than diaspora* allows (%'d characters)."), GPM_DIASPORA_MAX_TEXT_CHARS);
    case GPM_POD_ERROR_SERVER:
      return g_strdup_printf (_("The pod has a problem right now (error %u). Try again later."),
                              gpm_pod_error_get_http_status (error));
    case GPM_POD_ERROR_EXPIRED:
    case GPM_POD_ERROR_NOT_SIGNED_IN:
      return g_strdup (_("You are signed out of the pod. Please sign in again."));
    case GPM_POD_ERROR_NO_API:
      return g_strdup (_("This pod does not offer sign-in through the browser. Use your password."));
    case GPM_POD_ERROR_DENIED:
      return g_strdup (_("The sign-in was not allowed in the browser, or the browser did not come back."));
    case GPM_POD_ERROR_REJECTED:
      return g_strdup_printf (_("The pod refused this: %s"), error->message);
    case GPM_POD_ERROR_PROTOCOL:
    default:
      return g_strdup_printf (_("The pod answered in a way this app does not understand: %s"), error->message);
    }
}
