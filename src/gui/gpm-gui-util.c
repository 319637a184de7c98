/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-gui-util"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-gui-util.h"
#include "gpm-pod.h"
#include "gpm-util.h"

/* @post's creation time in local time as @format says, or "No date". */
static char *
format_creation_time (GpmPost    *post,
                      const char *format)
{
  GDateTime *created = gpm_post_get_creation_time (post);
  g_autoptr(GDateTime) local = NULL;

  if (created == NULL)
    return g_strdup (_("No date"));

  local = g_date_time_to_local (created);
  return g_date_time_format (local, format);
}

char *
gpm_gui_format_post_date (GpmPost *post)
{
  /* Translators: a post's date in the post list, as people write it
   * ("Jan 20, 2019"); see g_date_time_format() for the codes. German might
   * use "%-d. %b %Y", French "%-d %b %Y". */
  return format_creation_time (post, _("%b %-d, %Y"));
}

char *
gpm_gui_format_post_date_time (GpmPost *post)
{
  /* Translators: a post's date and time above the original Google+ post
   * ("Sunday, January 20, 2019, 14:05"); see g_date_time_format() for the
   * codes. */
  return format_creation_time (post, _("%A, %B %-d, %Y, %H:%M"));
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
      if (gpm_scope_get_community_class (g_ptr_array_index (scopes, i)) == GPM_COMMUNITY_CLOSED)
        /* Translators: after a closed community's name in "Shared with …" */
        g_string_append (names, _(" (a closed community: goes to an aspect, never public)"));
      else if (((const GpmScope *) g_ptr_array_index (scopes, i))->kind == GPM_SCOPE_COMMUNITY)
        /* Translators: after a community's name in "Shared with …" */
        g_string_append (names, _(" (a community: becomes public on diaspora*)"));
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

/* A message from below, without the raw HTTP status codes some carry
 * ("HTTP 422", "(error 503)"): they mean nothing to the people reading it. */
char *
gpm_gui_strip_http_codes (const char *message)
{
  static GRegex *codes;
  g_autofree char *stripped = NULL;

  if (g_once_init_enter (&codes))
    g_once_init_leave (&codes, g_regex_new ("\\s*\\(?\\b(?:HTTP(?:/1\\.[01])?|error|status)\\s*[1-5][0-9][0-9]\\b\\)?",
                                            G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL));
  stripped = g_regex_replace_literal (codes, message ? message : "", -1, 0, "", 0, NULL);
  if (stripped == NULL)
    return g_strdup (message ? message : "");
  g_strstrip (stripped);
  /* "refused the request: HTTP 422." leaves "refused the request: ." */
  while (g_str_has_suffix (stripped, ": .") || g_str_has_suffix (stripped, ":"))
    stripped[strlen (stripped) - (g_str_has_suffix (stripped, ":") ? 1 : 3)] = '\0';
  return g_steal_pointer (&stripped);
}

char *
gpm_gui_error_message (const GError *error)
{
  if (error == NULL)
    return g_strdup ("");

  if (error->domain != GPM_POD_ERROR)
    return gpm_gui_strip_http_codes (error->message);

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
      return g_strdup (_("The secure connection to the pod failed (its certificate, or its https setup), so it is not safe to sign in. Ask the pod's administrator."));
    case GPM_POD_ERROR_NOT_DIASPORA:
      return g_strdup (_("There is a website at this address, but it is not a diaspora* pod."));
    case GPM_POD_ERROR_WRONG_CREDENTIALS:
      return g_strdup (_("The user name, password or code is not right. Please check them and try again."));
    case GPM_POD_ERROR_ACCOUNT_LOCKED:
      /* the pod's own answer, said by the client in the user's words */
      return g_strdup (error->message);
    case GPM_POD_ERROR_TWO_FACTOR_NEEDED:
      return g_strdup (_("Your account is protected with two-factor authentication. Enter the code from your authenticator app."));
    case GPM_POD_ERROR_RATE_LIMITED:
      return g_strdup (_("Too many attempts. The pod asks to wait a few minutes before trying again."));
    case GPM_POD_ERROR_TEXT_TOO_LONG:
      {
        g_autofree char *chars = gpm_format_count (GPM_DIASPORA_MAX_TEXT_CHARS);
        g_autofree char *bytes = gpm_format_count (GPM_DIASPORA_MAX_TEXT_BYTES);

        return g_strdup_printf (_("The post is longer than the pod allows: diaspora* takes at most %s characters, and "
                                  "a pod that stores posts in MySQL at most %s bytes."),
                                chars, bytes);
      }
    case GPM_POD_ERROR_SERVER:
      return g_strdup (_("The pod has a problem right now. Try again later."));
    case GPM_POD_ERROR_EXPIRED:
    case GPM_POD_ERROR_NOT_SIGNED_IN:
      return g_strdup (_("You are signed out of the pod. Please sign in again."));
    case GPM_POD_ERROR_NO_API:
      return g_strdup (_("This pod does not offer sign-in through the browser. Use your password."));
    case GPM_POD_ERROR_DENIED:
      return g_strdup (_("The sign-in was not allowed in the browser, or the browser did not come back."));
    case GPM_POD_ERROR_REJECTED:
    case GPM_POD_ERROR_PROTOCOL:
    default:
      return gpm_gui_strip_http_codes (error->message);
    }
}

void
gpm_gui_fit_to_parent (GtkWindow *window)
{
  GtkWindow *parent = gtk_window_get_transient_for (window);
  int width, height;

  g_return_if_fail (GTK_IS_WINDOW (window));

  /* The parent's size as laid out (a window not shown yet has none) */
  if (parent == NULL || gtk_widget_get_width (GTK_WIDGET (parent)) <= 0)
    return;
  gtk_window_get_default_size (window, &width, &height);
  if (width > gtk_widget_get_width (GTK_WIDGET (parent)))
    width = gtk_widget_get_width (GTK_WIDGET (parent));
  if (height > gtk_widget_get_height (GTK_WIDGET (parent)))
    height = gtk_widget_get_height (GTK_WIDGET (parent));
  gtk_window_set_default_size (window, width, height);
}

void
gpm_gui_wrap_button_label (GtkButton *button)
{
  GtkWidget *label = gtk_button_get_child (button);

  g_return_if_fail (GTK_IS_BUTTON (button));

  if (!GTK_IS_LABEL (label))
    return;
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
}

int
gpm_gui_window_width (GtkWindow *window)
{
  int width = 0, height = 0;

  g_return_val_if_fail (GTK_IS_WINDOW (window), 0);

  if (gtk_widget_get_width (GTK_WIDGET (window)) > 0)
    return gtk_widget_get_width (GTK_WIDGET (window));
  /* (GTK 4.8 writes both) */
  gtk_window_get_default_size (window, &width, &height);
  return MAX (width, 0);
}

AdwToast *
gpm_gui_toast_new (const char *title,
                   int         width)
{
  AdwToast *toast = adw_toast_new (title);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* The overlay gives a toast its natural width, even past the window's:
   * lines this long keep it, its button and its close button within the
   * window (about 25 characters at 400 px); at most 60, as wide as a
   * toast's own title */
  gtk_label_set_max_width_chars (GTK_LABEL (label), CLAMP ((width - 190) / 8, 20, 60));
  /* (the toast's own title style) */
  gtk_widget_add_css_class (label, "heading");
  adw_toast_set_custom_title (toast, label);
  return toast;
}

/* A piece of a name this long fits a toast's line at 400 px (about 25
 * characters, gpm_gui_toast_new()); a longer one is left to break anywhere
 * rather than to push the label past the window */
#define NAME_PIECE_MAX_CHARS 20

/* [@start, @end) of @text never broken across lines */
static void
keep_whole (PangoAttrList *attrs,
            const char    *text,
            gsize          start,
            gsize          end)
{
  PangoAttribute *attr;

  if (g_utf8_strlen (text + start, end - start) > NAME_PIECE_MAX_CHARS)
    return;
  attr = pango_attr_allow_breaks_new (FALSE);
  attr->start_index = start;
  attr->end_index = end;
  pango_attr_list_insert (attrs, attr);
}

void
gpm_gui_label_keep_name (GtkLabel   *label,
                         const char *name)
{
  const char *text, *at, *found;
  g_autoptr(GString) out = NULL;
  g_autoptr(PangoAttrList) attrs = NULL;
  gsize name_len;
  gboolean split;

  g_return_if_fail (GTK_IS_LABEL (label));

  if (name == NULL || *name == '\0')
    return;
  text = gtk_label_get_label (label);
  name_len = strlen (name);
  /* A name that fits a line moves to the next line whole; a longer one
   * breaks only before its '@' and dots: before each, a zero-width space
   * (Unicode's line breaking finds no break in "alice.b@pod.example.org"),
   * and the pieces between kept whole */
  split = g_utf8_strlen (name, -1) > NAME_PIECE_MAX_CHARS;
  attrs = pango_attr_list_new ();
  out = g_string_new (NULL);
  for (at = text; (found = strstr (at, name)) != NULL; at = found + name_len)
    {
      gsize piece;

      g_string_append_len (out, at, found - at);
      piece = out->len;
      for (const char *c = found; c < found + name_len; c++)
        {
          if (split && (*c == '@' || *c == '.') && c > found && c + 1 < found + name_len)
            {
              keep_whole (attrs, out->str, piece, out->len);
              g_string_append (out, "\u200b");
              piece = out->len;
            }
          g_string_append_c (out, *c);
        }
      keep_whole (attrs, out->str, piece, out->len);
    }
  if (at == text)
    return;
  g_string_append (out, at);
  gtk_label_set_label (label, out->str);
  gtk_label_set_attributes (label, attrs);
}
