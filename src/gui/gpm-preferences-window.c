/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-preferences-window.h"

struct _GpmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *hashtags_row;
  GtkSwitch            *photo_hashtags_switch;
  AdwEntryRow          *date_line_row;
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

static void
gpm_preferences_window_class_init (GpmPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, hashtags_row);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, photo_hashtags_switch);
  gtk_widget_class_bind_template_child (widget_class, GpmPreferencesWindow, date_line_row);
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
  gpm_a11y_label_editable (GTK_EDITABLE (self->date_line_row),
                           adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->date_line_row)));

  g_settings_bind_with_mapping (settings, "hashtags", self->hashtags_row, "text",
                                G_SETTINGS_BIND_DEFAULT, hashtags_get_mapping, hashtags_set_mapping,
                                NULL, NULL);
  g_settings_bind (settings, "add-photo-hashtags", self->photo_hashtags_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "date-line-format", self->date_line_row, "text", G_SETTINGS_BIND_DEFAULT);
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
  return g_object_new (GPM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}
