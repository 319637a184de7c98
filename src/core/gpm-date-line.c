/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-date-line"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>
#include <time.h>

#include "gpm-date-line.h"

/* Each language's own words and date order: the date line is read by the
 * people who read the posts, so it follows the posts' language, not the
 * app's (the app may be in English for a German-writing user). The English
 * short style is the seed's line exactly. */
typedef struct {
  const char *code;
  const char *name;     /* N_() */
  const char *locale;
  const char *phrase;   /* before the date; a strftime format, no '%' */
  const char *styles[GPM_DATE_LINE_NONE];
} Language;

static const Language languages[] = {
  { "en", N_("English, like Google+"), "C", "Originally posted on Google+ on ",
    { "%a %b %d, %Y", "%A, %B %-d, %Y", "%Y-%m-%d" } },
  { "de", N_("German"), "de_DE.UTF-8", "Ursprünglich auf Google+ veröffentlicht am ",
    { "%a, %d. %b %Y", "%A, %-d. %B %Y", "%d.%m.%Y" } },
  { "fr", N_("French"), "fr_FR.UTF-8", "Publié à l’origine sur Google+ le ",
    { "%a %d %b %Y", "%A %-d %B %Y", "%d/%m/%Y" } },
  { "es", N_("Spanish"), "es_ES.UTF-8", "Publicado originalmente en Google+ el ",
    { "%a %d %b %Y", "%A, %-d de %B de %Y", "%d/%m/%Y" } },
  { "it", N_("Italian"), "it_IT.UTF-8", "Pubblicato originariamente su Google+ il ",
    { "%a %d %b %Y", "%A %-d %B %Y", "%d/%m/%Y" } },
  { "nl", N_("Dutch"), "nl_NL.UTF-8", "Oorspronkelijk geplaatst op Google+ op ",
    { "%a %d %b %Y", "%A %-d %B %Y", "%d-%m-%Y" } },
  { "pt", N_("Portuguese"), "pt_BR.UTF-8", "Publicado originalmente no Google+ em ",
    { "%a, %d %b %Y", "%A, %-d de %B de %Y", "%d/%m/%Y" } },
  { "pl", N_("Polish"), "pl_PL.UTF-8", "Pierwotnie opublikowano w Google+ ",
    { "%a, %d %b %Y", "%A, %-d %B %Y", "%d.%m.%Y" } },
};

static locale_t
c_time_locale (void)
{
  static gsize once = 0;
  static locale_t loc;
  if (g_once_init_enter (&once))
    {
      loc = newlocale (LC_TIME_MASK, "C", (locale_t) 0);
      g_once_init_leave (&once, 1);
    }
  return loc;
}

/* The date line: @format applied to the post's own date, as written in the
 * JSON (its own UTC offset), in @locale_name's language. */
char *
gpm_date_line_apply (GDateTime  *date,
                     const char *format,
                     const char *locale_name,
                     GPtrArray  *warnings)
{
  struct tm tm = { 0 };
  locale_t loc = (locale_t) 0;
  gboolean own = FALSE;
  char buf[1024];
  size_t n;

  tm.tm_year = g_date_time_get_year (date) - 1900;
  tm.tm_mon = g_date_time_get_month (date) - 1;
  tm.tm_mday = g_date_time_get_day_of_month (date);
  tm.tm_hour = g_date_time_get_hour (date);
  tm.tm_min = g_date_time_get_minute (date);
  tm.tm_sec = g_date_time_get_second (date);
  tm.tm_wday = g_date_time_get_day_of_week (date) % 7;
  tm.tm_yday = g_date_time_get_day_of_year (date) - 1;
  tm.tm_gmtoff = (long) (g_date_time_get_utc_offset (date) / G_TIME_SPAN_SECOND);
  tm.tm_zone = g_date_time_get_timezone_abbreviation (date);

  if (locale_name != NULL && *locale_name == '\0')
    {
      /* The desktop's (LC_ALL, LC_TIME, LANG). */
      loc = newlocale (LC_TIME_MASK, "", (locale_t) 0);
      own = loc != (locale_t) 0;
    }
  else if (locale_name != NULL && strcmp (locale_name, "C") != 0 && strcmp (locale_name, "POSIX") != 0)
    {
      loc = newlocale (LC_TIME_MASK, locale_name, (locale_t) 0);
      if (loc == (locale_t) 0 && strchr (locale_name, '.') == NULL)
        {
          g_autofree char *utf8 = g_strconcat (locale_name, ".UTF-8", NULL);
          loc = newlocale (LC_TIME_MASK, utf8, (locale_t) 0);
        }
      if (loc == (locale_t) 0)
        g_ptr_array_add (warnings, g_strdup_printf (_("The language “%s” for the date is not installed; the date is in English."),
                                                    locale_name));
      else
        own = TRUE;
    }
  if (loc == (locale_t) 0)
    loc = c_time_locale ();

  buf[0] = '\0';
  n = strftime_l (buf, sizeof buf, format, &tm, loc);
  if (own)
    freelocale (loc);
  if (n == 0 && *format != '\0')
    {
      g_ptr_array_add (warnings, g_strdup (_("The date line format gives no text or too much; the date line is left out.")));
      return NULL;
    }
  if (!g_utf8_validate (buf, -1, NULL))
    return g_utf8_make_valid (buf, -1);
  return g_strdup (buf);
}

static const char * const codes[] = { "en", "app", "de", "fr", "es", "it", "nl", "pt", "pl", NULL };

const char * const *
gpm_date_line_get_languages (void)
{
  return codes;
}

static const Language *
find_language (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_strcmp0 (languages[i].code, code) == 0)
      return &languages[i];
  return NULL;
}

/* "app": the words of the desktop's language when it is one of ours, else
 * English's (the date itself is the desktop's locale either way) */
static const Language *
app_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *code = g_strndup (names[i], strcspn (names[i], "_.@"));
      const Language *language = find_language (code);

      if (g_str_equal (names[i], "C") || g_str_equal (names[i], "POSIX"))
        break;
      if (language != NULL)
        return language;
    }
  return &languages[0];
}

static const Language *
resolve (const char *code)
{
  if (g_strcmp0 (code, "app") == 0)
    return app_language ();
  return find_language (code);
}

const char *
gpm_date_line_language_name (const char *language)
{
  const Language *l;

  if (g_strcmp0 (language, "app") == 0)
    return _("The app’s language");
  l = find_language (language);
  return l != NULL ? _(l->name) : language;
}

char *
gpm_date_line_format (GpmDateLineStyle  style,
                      const char       *language)
{
  const Language *l = resolve (language);

  g_return_val_if_fail (style < GPM_DATE_LINE_N_STYLES, NULL);

  if (style == GPM_DATE_LINE_NONE)
    return g_strdup ("");
  if (l == NULL)
    l = &languages[0];
  return g_strconcat (l->phrase, l->styles[style], NULL);
}

const char *
gpm_date_line_locale (const char *language)
{
  const Language *l;

  if (g_strcmp0 (language, "app") == 0)
    return "";
  l = find_language (language);
  return l != NULL ? l->locale : "C";
}

gboolean
gpm_date_line_language_available (const char *language)
{
  const char *name = gpm_date_line_locale (language);
  locale_t loc;

  if (*name == '\0' || g_str_equal (name, "C"))
    return TRUE;
  loc = newlocale (LC_TIME_MASK, name, (locale_t) 0);
  if (loc == (locale_t) 0)
    return FALSE;
  freelocale (loc);
  return TRUE;
}

gboolean
gpm_date_line_identify (const char        *format,
                        const char        *locale,
                        GpmDateLineStyle  *out_style,
                        const char       **out_language)
{
  const char *language = NULL;

  if (format == NULL || *format == '\0')
    {
      /* No date line: the language stays as the locale says */
      language = "en";
      for (guint i = 0; codes[i] != NULL; i++)
        if (g_strcmp0 (gpm_date_line_locale (codes[i]), locale) == 0)
          language = codes[i];
      if (out_style != NULL)
        *out_style = GPM_DATE_LINE_NONE;
      if (out_language != NULL)
        *out_language = language;
      return TRUE;
    }

  if (locale == NULL || g_str_equal (locale, "C") || g_str_equal (locale, "POSIX"))
    language = "en";
  else
    for (guint i = 0; codes[i] != NULL && language == NULL; i++)
      if (g_str_equal (gpm_date_line_locale (codes[i]), locale))
        language = codes[i];
  if (language == NULL)
    return FALSE;

  for (GpmDateLineStyle s = 0; s < GPM_DATE_LINE_NONE; s++)
    {
      g_autofree char *candidate = gpm_date_line_format (s, language);

      if (g_str_equal (candidate, format))
        {
          if (out_style != NULL)
            *out_style = s;
          if (out_language != NULL)
            *out_language = language;
          return TRUE;
        }
    }
  return FALSE;
}

char *
gpm_date_line_example (GpmDateLineStyle  style,
                       const char       *language)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (2018, 7, 15, 12, 0, 0);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *format = gpm_date_line_format (style, language);

  if (style == GPM_DATE_LINE_NONE)
    return NULL;
  return gpm_date_line_apply (date, format, gpm_date_line_locale (language), warnings);
}
