/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-date-line.h: the date line's named styles and languages ("Originally
 * posted on Google+ on Sun Jul 15, 2018", "Ursprünglich auf Google+
 * veröffentlicht am So., 15. Jul 2018"), so people choose words, never
 * strftime codes. They map to the settings the converter reads:
 * "date-line-format" (a strftime format) and "date-line-locale". */
#pragma once

#include <glib.h>
#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  GPM_DATE_LINE_SHORT,     /* the seed's: "Sun Jul 15, 2018" */
  GPM_DATE_LINE_LONG,      /* "Sunday, July 15, 2018" */
  GPM_DATE_LINE_NUMERIC,   /* "2018-07-15" */
  GPM_DATE_LINE_NONE,      /* no date line */
  GPM_DATE_LINE_N_STYLES
} GpmDateLineStyle;

/* The languages offered, as codes: "en" (English, like Google+ and the
 * seed, the "C" locale), "app" (the desktop's language), then "de", "fr",
 * "es", "it", "nl", "pt", "pl". NULL-terminated, static. */
const char * const *gpm_date_line_get_languages (void);
/* The language's name in the user's language ("German"). */
const char         *gpm_date_line_language_name (const char *language);
/* The strftime format the converter applies, "" for NONE. */
char               *gpm_date_line_format        (GpmDateLineStyle  style,
                                                 const char       *language);
/* The LC_TIME locale for @language: "C", "" (the desktop's) or
 * "de_DE.UTF-8"… */
const char         *gpm_date_line_locale        (const char *language);
/* Whether the system can write @language's day and month names (its
 * locale is installed); "en" and "app" always can. */
gboolean            gpm_date_line_language_available (const char *language);
/* Which style and language make @format and @locale; FALSE when none
 * does (a format set some other way, say with gsettings). The language
 * is static. */
gboolean            gpm_date_line_identify      (const char        *format,
                                                 const char        *locale,
                                                 GpmDateLineStyle  *out_style,
                                                 const char       **out_language);

/* @format (strftime) applied to @date as it was written (its own UTC
 * offset), with @locale's day and month names ("C": English; "": the
 * desktop's). A locale that is not installed gives English and a warning
 * in @warnings; a format that gives nothing, NULL and a warning. */
char               *gpm_date_line_apply         (GDateTime   *date,
                                                 const char  *format,
                                                 const char  *locale,
                                                 GPtrArray   *warnings);
/* The date line of @style in @language for a sample date (Sunday, July 15,
 * 2018), to show the choices. NULL for NONE. */
char               *gpm_date_line_example       (GpmDateLineStyle  style,
                                                 const char       *language);

G_END_DECLS
