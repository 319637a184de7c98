/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The date line's named styles and languages (gpm-date-line): what the
 * preferences offer instead of strftime codes, and that they map to the
 * settings and back. */
#define G_LOG_DOMAIN "test-date-line"

#include "config.h"

#include <string.h>

#include "gpm-date-line.h"

#define SEED_FORMAT "Originally posted on Google+ on %a %b %d, %Y"

static void
test_seed_default (void)
{
  g_autofree char *format = gpm_date_line_format (GPM_DATE_LINE_SHORT, "en");
  g_autofree char *example = gpm_date_line_example (GPM_DATE_LINE_SHORT, "en");
  GpmDateLineStyle style;
  const char *language;

  /* The schema's defaults are "English, like Google+", short */
  g_assert_cmpstr (format, ==, SEED_FORMAT);
  g_assert_cmpstr (gpm_date_line_locale ("en"), ==, "C");
  g_assert_true (gpm_date_line_identify (SEED_FORMAT, "C", &style, &language));
  g_assert_cmpint (style, ==, GPM_DATE_LINE_SHORT);
  g_assert_cmpstr (language, ==, "en");
  g_assert_cmpstr (example, ==, "Originally posted on Google+ on Sun Jul 15, 2018");
}

static void
test_round_trip (void)
{
  const char * const *languages = gpm_date_line_get_languages ();

  g_assert_cmpstr (languages[0], ==, "en");
  g_assert_cmpstr (languages[1], ==, "app");
  for (guint i = 0; languages[i] != NULL; i++)
    for (GpmDateLineStyle s = 0; s < GPM_DATE_LINE_N_STYLES; s++)
      {
        g_autofree char *format = gpm_date_line_format (s, languages[i]);
        g_autofree char *example = gpm_date_line_example (s, languages[i]);
        GpmDateLineStyle style;
        const char *language;

        g_assert_nonnull (gpm_date_line_language_name (languages[i]));
        g_assert_true (gpm_date_line_identify (format, gpm_date_line_locale (languages[i]), &style, &language));
        g_assert_cmpint (style, ==, s);
        g_assert_cmpstr (language, ==, languages[i]);
        if (s == GPM_DATE_LINE_NONE)
          {
            g_assert_cmpstr (format, ==, "");
            g_assert_null (example);
          }
        else
          {
            /* A sentence with a year, no strftime codes left */
            g_assert_nonnull (example);
            g_assert_nonnull (strstr (example, "2018"));
            g_assert_null (strchr (example, '%'));
          }
      }
}

/* The words follow the language; the day and month names need the
 * language's locale, which a system may lack: then they are English and the
 * converter says so */
static void
test_german (void)
{
  g_autofree char *format = gpm_date_line_format (GPM_DATE_LINE_LONG, "de");
  g_autoptr(GDateTime) date = g_date_time_new_utc (2019, 1, 20, 10, 0, 0);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *line = gpm_date_line_apply (date, format, gpm_date_line_locale ("de"), warnings);

  g_assert_true (g_str_has_prefix (line, "Ursprünglich auf Google+ veröffentlicht am "));
  if (gpm_date_line_language_available ("de"))
    {
      g_assert_cmpstr (line, ==, "Ursprünglich auf Google+ veröffentlicht am Sonntag, 20. Januar 2019");
      g_assert_cmpuint (warnings->len, ==, 0);
    }
  else
    {
      g_test_message ("de_DE.UTF-8 is not installed: English names and a warning");
      g_assert_cmpstr (line, ==, "Ursprünglich auf Google+ veröffentlicht am Sunday, 20. January 2019");
      g_assert_cmpuint (warnings->len, ==, 1);
      g_assert_nonnull (strstr (g_ptr_array_index (warnings, 0), "not installed"));
    }
}

static void
test_unknown (void)
{
  GpmDateLineStyle style;
  const char *language;

  /* Set some other way (gsettings, an older version): not one of ours */
  g_assert_false (gpm_date_line_identify ("Posted %Y", "C", &style, &language));
  g_assert_false (gpm_date_line_identify (SEED_FORMAT, "xx_XX.UTF-8", &style, &language));
  /* No date line at all is one */
  g_assert_true (gpm_date_line_identify ("", "de_DE.UTF-8", &style, &language));
  g_assert_cmpint (style, ==, GPM_DATE_LINE_NONE);
  g_assert_cmpstr (language, ==, "de");
  g_assert_true (gpm_date_line_language_available ("en"));
  g_assert_true (gpm_date_line_language_available ("app"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/date-line/seed-default", test_seed_default);
  g_test_add_func ("/date-line/round-trip", test_round_trip);
  g_test_add_func ("/date-line/german", test_german);
  g_test_add_func ("/date-line/unknown", test_unknown);

  return g_test_run ();
}
