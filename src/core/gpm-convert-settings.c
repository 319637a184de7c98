/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-convert-settings.c: GpmConvertSettings, what the user chose for
 * the conversion (hashtags, the date line, inline links, location, links
 * to Google+, own comments), its defaults and the GSettings keys. */
#define G_LOG_DOMAIN "gpm-convert"

#include "config.h"

#include "gpm-convert-private.h"

G_DEFINE_BOXED_TYPE (GpmConvertSettings, gpm_convert_settings,
                     gpm_convert_settings_copy, gpm_convert_settings_free)

GpmConvertSettings *
gpm_convert_settings_new (void)
{
  static const char * const hashtags[] = { GPM_CONVERT_DEFAULT_HASHTAGS, NULL };
  GpmConvertSettings *s = g_new0 (GpmConvertSettings, 1);

  s->hashtags = g_strdupv ((char **) hashtags);
  s->photo_hashtags = TRUE;
  s->date_format = g_strdup (GPM_CONVERT_DEFAULT_DATE_FORMAT);
  s->date_locale = g_strdup ("C");
  s->context = TRUE;
  s->inline_links = FALSE;
  s->location = FALSE;
  s->archive_links = TRUE;
  return s;
}

GpmConvertSettings *
gpm_convert_settings_new_from_gsettings (GSettings *gsettings)
{
  GpmConvertSettings *s;

  g_return_val_if_fail (G_IS_SETTINGS (gsettings), NULL);

  s = gpm_convert_settings_new ();
  g_strfreev (s->hashtags);
  s->hashtags = g_settings_get_strv (gsettings, "hashtags");
  s->photo_hashtags = g_settings_get_boolean (gsettings, "add-photo-hashtags");
  g_free (s->date_format);
  s->date_format = g_settings_get_string (gsettings, "date-line-format");
  g_free (s->date_locale);
  s->date_locale = g_settings_get_string (gsettings, "date-line-locale");
  s->inline_links = g_settings_get_boolean (gsettings, "keep-inline-links");
  s->location = g_settings_get_boolean (gsettings, "include-location");
  s->archive_links = g_settings_get_boolean (gsettings, "archive-google-plus-links");
  s->own_comments = g_settings_get_boolean (gsettings, "include-own-comments");
  return s;
}

GpmConvertSettings *
gpm_convert_settings_copy (const GpmConvertSettings *settings)
{
  GpmConvertSettings *s;

  g_return_val_if_fail (settings != NULL, NULL);

  s = g_memdup2 (settings, sizeof *settings);
  s->hashtags = g_strdupv (settings->hashtags);
  s->date_format = g_strdup (settings->date_format);
  s->date_locale = g_strdup (settings->date_locale);
  if (s->links != NULL)
    g_object_ref (s->links);
  return s;
}

void
gpm_convert_settings_free (GpmConvertSettings *settings)
{
  if (settings == NULL)
    return;
  g_strfreev (settings->hashtags);
  g_free (settings->date_format);
  g_free (settings->date_locale);
  g_clear_object (&settings->links);
  g_free (settings);
}
