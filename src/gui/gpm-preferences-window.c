/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-gui-util.h"
#include "gpm-date-line.h"
#include "gpm-preferences-window.h"

struct _GpmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *hashtags_row;
  GtkSwitch            *photo_hashtags_switch;
  AdwComboRow          *date_line_row;       /* GpmDateLineStyle, then "Custom" */
  AdwComboRow          *date_language_row;   /* gpm_date_line_get_languages(), then "Other" */
  gboolean              date_updating;
  GtkSwitch            *inline_links_switch;
  GtkSwitch            *location_switch;
  GtkSwitch            *archive_links_switch;
  GtkSwitch            *own_comments_switch;
  GtkSpinButton        *delay_spin;
  GtkSpinButton        *per_day_spin;
  GtkSwitch            *remote_switch;
  GtkSwitch            *login_switch;
};

G_DEFINE_FINAL_TYPE (GpmPreferencesWindow, gpm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* "as" ['repost', 'plexodus'] <-> "#repost #plexodus" */
static gboolean
hashtags_get_mapping (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  g_autofree const char **tags = g_variant_get_strv (variant, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; tags[i] != NULL; i++)
    g_string_append_printf (text, "%s#%s", i > 0 ? " " : "", tags[i]);

  g_value_set_string (value, text->str);
  return TRUE;
}

static GVariant *
hashtags_set_mapping (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  g_auto(GStrv) words = g_strsplit_set (g_value_get_string (value), " \t,", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) tags = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];

      while (*word == '#')
        word++;
      if (*word != '\0')
        g_strv_builder_add (builder, word);
    }

  tags = g_strv_builder_end (builder);
  return g_variant_new_strv ((const char * const *) tags, -1);
}

/* The date line: named styles and languages, never strftime codes. The two
 * settings ("date-line-format", "date-line-locale") are shown as the style
 * and language that make them; a format set some other way (gsettings, the
 * CLI's users) shows as "Custom" and is kept until another style is chosen. */

static const char *
date_language_at (guint position)
{
  const char * const *languages = gpm_date_line_get_languages ();

  return position < g_strv_length ((GStrv) languages) ? languages[position] : NULL;
}

static char *
sample_line (const char *format,
             const char *locale)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (2018, 7, 15, 12, 0, 0);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);

  return gpm_date_line_apply (date, format, locale, warnings);
}

static void
set_strings (GtkStringList *list,
             GPtrArray     *strings)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  gboolean same = n == strings->len;

  /* Replaced only when they differ: a new model resets the row */
  for (guint i = 0; same && i < n; i++)
    same = g_str_equal (gtk_string_list_get_string (list, i), g_ptr_array_index (strings, i));
  if (!same)
    {
      g_ptr_array_add (strings, NULL);
      gtk_string_list_splice (list, 0, n, (const char * const *) strings->pdata);
      g_ptr_array_set_size (strings, strings->len - 1);
    }
}

static void
update_date_rows (GpmPreferencesWindow *self)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autofree char *format = NULL;
  g_autofree char *locale = NULL;
  const char * const *languages = gpm_date_line_get_languages ();
  g_autoptr(GPtrArray) styles = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *example = NULL;
  GpmDateLineStyle style = GPM_DATE_LINE_SHORT;
  const char *language = NULL;
  gboolean known;
  guint language_pos = 0, n_languages = g_strv_length ((GStrv) languages);

  /* Both settings are being written: once, when they are */
  if (self->date_updating)
    return;
  self->date_updating = TRUE;

  format = g_settings_get_string (settings, "date-line-format");
  locale = g_settings_get_string (settings, "date-line-locale");
  known = gpm_date_line_identify (format, locale, &style, &language);

  g_ptr_array_add (styles, _("Short date"));
  g_ptr_array_add (styles, _("Long date"));
  g_ptr_array_add (styles, _("Date in numbers"));
  g_ptr_array_add (styles, _("No date line"));
  if (!known)
    g_ptr_array_add (styles, _("Custom"));

  /* The language the locale names, even when the format is custom */
  if (language == NULL)
    for (guint i = 0; i < n_languages && language == NULL; i++)
      if (g_strcmp0 (gpm_date_line_locale (languages[i]), locale) == 0 ||
          (g_str_equal (languages[i], "en") && g_strcmp0 (locale, "POSIX") == 0))
        language = languages[i];
  for (guint i = 0; i < n_languages; i++)
    {
      g_ptr_array_add (names, (gpointer) gpm_date_line_language_name (languages[i]));
      if (g_strcmp0 (languages[i], language) == 0)
        language_pos = i;
    }
  if (language == NULL)
    {
      g_ptr_array_add (names, _("Other"));
      language_pos = n_languages;
    }

  set_strings (GTK_STRING_LIST (adw_combo_row_get_model (self->date_line_row)), styles);
  set_strings (GTK_STRING_LIST (adw_combo_row_get_model (self->date_language_row)), names);
  adw_combo_row_set_selected (self->date_line_row, known ? (guint) style : GPM_DATE_LINE_N_STYLES);
  adw_combo_row_set_selected (self->date_language_row, language_pos);

  /* The line itself, for a sample date: what followers will read */
  if (*format != '\0')
    example = sample_line (format, locale);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->date_line_row),
                               example != NULL ? example : _("Posts do not say when they were first published"));

  if (language != NULL && !gpm_date_line_language_available (language))
    {
      g_autofree char *text =
        /* Translators: %s is a language ("German") */
        g_strdup_printf (_("The language of your posts, for those who read them. %s day and month names are not installed on this computer: they are written in English."),
                         gpm_date_line_language_name (language));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->date_language_row), text);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->date_language_row),
                                 _("The language of your posts, for those who read them"));

  self->date_updating = FALSE;
}

static void
date_choice_changed_cb (GpmPreferencesWindow *self)
{
  GSettings *settings = gpm_settings_get_default ();
  guint style = adw_combo_row_get_selected (self->date_line_row);
  const char *language = date_language_at (adw_combo_row_get_selected (self->date_language_row));

  if (self->date_updating)
    return;

  self->date_updating = TRUE;
  /* "Other" language: left as it is */
  if (language != NULL)
    g_settings_set_string (settings, "date-line-locale", gpm_date_line_locale (language));
  /* "Custom" style: the format is kept */
  if (style < GPM_DATE_LINE_N_STYLES)
    {
      g_autofree char *format = gpm_date_line_format (style, language != NULL ? language : "en");
      g_settings_set_string (settings, "date-line-format", format);
    }
  self->date_updating = FALSE;
  update_date_rows (self);
}

static void
gpm_preferences_window_class_init (GpmPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, hashtags_row);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, photo_hashtags_switch);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, date_line_row);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, date_language_row);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, inline_links_switch);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, location_switch);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, archive_links_switch);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, own_comments_switch);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, delay_spin);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, per_day_spin);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, remote_switch);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, login_switch);
}

static void
gpm_preferences_window_init (GpmPreferencesWindow *self)
{
  GSettings *settings = gpm_settings_get_default ();
  GObject *search_entry;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* libadwaita 1.2 leaves its search entry and results unnamed (search is
   * off here, but they are in the accessibility tree) */
  search_entry = gtk_widget_get_template_child (GTK_WIDGET (self), ADW_TYPE_PREFERENCES_WINDOW, "search_entry");
  gtk_accessible_update_property (GTK_ACCESSIBLE (search_entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search Preferences"), -1);
  gpm_a11y_label_editable (GTK_EDITABLE (search_entry), _("Search Preferences"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (GTK_WIDGET (self), ADW_TYPE_PREFERENCES_WINDOW,
                                                                                 "search_results")),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search Results"), -1);
  gpm_a11y_label_editable (GTK_EDITABLE (self->hashtags_row),
                           adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->hashtags_row)));

  g_settings_bind_with_mapping (settings, "hashtags", self->hashtags_row, "text",
                                G_SETTINGS_BIND_DEFAULT, hashtags_get_mapping, hashtags_set_mapping,
                                NULL, NULL);
  g_settings_bind (settings, "add-photo-hashtags", self->photo_hashtags_switch, "active", G_SETTINGS_BIND_DEFAULT);
  {
    g_autoptr(GtkStringList) styles = gtk_string_list_new (NULL);
    g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

    adw_combo_row_set_model (self->date_line_row, G_LIST_MODEL (styles));
    adw_combo_row_set_model (self->date_language_row, G_LIST_MODEL (names));
    gpm_a11y_name_combo_row (GTK_WIDGET (self->date_line_row),
                             adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->date_line_row)));
    gpm_a11y_name_combo_row (GTK_WIDGET (self->date_language_row),
                             adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->date_language_row)));
  }
  update_date_rows (self);
  g_signal_connect_object (self->date_line_row, "notify::selected",
                           G_CALLBACK (date_choice_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->date_language_row, "notify::selected",
                           G_CALLBACK (date_choice_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::date-line-format",
                           G_CALLBACK (update_date_rows), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::date-line-locale",
                           G_CALLBACK (update_date_rows), self, G_CONNECT_SWAPPED);
  g_settings_bind (settings, "keep-inline-links", self->inline_links_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "include-location", self->location_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "archive-google-plus-links", self->archive_links_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "include-own-comments", self->own_comments_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "post-delay-seconds", self->delay_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "max-posts-per-day", self->per_day_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "allow-remote-previews", self->remote_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "start-at-login", self->login_switch, "active", G_SETTINGS_BIND_DEFAULT);
}

GpmPreferencesWindow *
gpm_preferences_window_new (GtkWindow *parent)
{
  GpmPreferencesWindow *self = g_object_new (GPM_TYPE_PREFERENCES_WINDOW,
                                             "transient-for", parent,
                                             "modal", TRUE,
                                             NULL);

  gpm_gui_fit_to_parent (GTK_WINDOW (self));
  return self;
}
