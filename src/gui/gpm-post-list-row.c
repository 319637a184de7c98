/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-row.c: a row of the post list. Every part a row may show is
 * in its template, made once with the row: binding a post only sets the
 * texts and shows or hides parts. (Made for each bind, the icons with their
 * tooltips and the badges were most of the main thread's time while
 * scrolling 100,000 posts, issue 13.) */
#define G_LOG_DOMAIN "gpm-post-list"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-convert.h"
#include "gpm-gui-util.h"
#include "gpm-post-list-row.h"

#define MAX_BADGES 3
#define SNIPPET_CHARS 160

struct _GpmPostListRow
{
  GtkWidget  parent_instance;

  GtkWidget *top;
  GtkWidget *date;
  GtkWidget *unselected;
  GtkWidget *left_out;
  GtkWidget *icons;
  GtkWidget *link_icon;
  GtkWidget *album_icon;
  GtkWidget *photo_icon;
  GtkWidget *video_icon;
  GtkWidget *reshare_icon;
  GtkWidget *poll_icon;
  GtkWidget *location_icon;
  GtkWidget *edited;
  GtkWidget *warning;
  GtkWidget *state;
  GtkWidget *snippet;
  GtkWidget *badges;
  GtkWidget *badge[MAX_BADGES];   /* labels: a row is made and dropped whole, so few widgets */
  GtkWidget *more;

  GString   *description;  /* the post's own parts, for screen readers */
  GString   *a11y;         /* with the state */
};

G_DEFINE_FINAL_TYPE (GpmPostListRow, gpm_post_list_row, GTK_TYPE_WIDGET)

/* Setting a tooltip makes GTK ask the X server where the pointer is (a
 * round trip, a fifth of the main thread's time while scrolling): only
 * when it changes. */
static void
set_tooltip (GtkWidget  *widget,
             const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

static void
show_icon (GpmPostListRow *self,
           GtkWidget      *icon,
           gboolean        shown,
           const char     *label)
{
  gtk_widget_set_visible (icon, shown);
  if (shown)
    g_string_append_printf (self->description, ", %s", label);
}

/* The row's line of text, as gpm_convert_dup_list_text() makes it, from
 * what the index keeps where it can: the post's own text, else its link's
 * title. The post's full JSON (read again from the archive, and kept) only
 * for a reshare without either, for the reshared author's name. */
static char *
dup_list_text (GpmPost *post)
{
  g_autofree char *text = gpm_convert_html_to_plain (gpm_post_get_content (post), SNIPPET_CHARS);
  const char *link_title = NULL;

  if (*text != '\0')
    return g_steal_pointer (&text);
  gpm_post_get_search_parts (post, &link_title, NULL, NULL);
  if (link_title != NULL && *link_title != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (link_title, -1);
      g_autofree char *title = gpm_convert_html_to_plain (escaped, SNIPPET_CHARS);

      if (*title != '\0')
        return g_steal_pointer (&title);
    }
  if (gpm_post_get_attachments (post) & GPM_POST_HAS_RESHARE)
    return gpm_convert_dup_list_text (post, SNIPPET_CHARS);
  return g_strdup ("");
}

void
gpm_post_list_row_set_post (GpmPostListRow *self,
                            GpmPost        *post)
{
  g_autofree char *date = NULL;
  g_autofree char *snippet = NULL;
  GPtrArray *scopes;
  GpmPostAttachments kinds;
  guint i;

  g_return_if_fail (GPM_IS_POST_LIST_ROW (self));

  g_string_truncate (self->description, 0);
  if (post == NULL)
    return;

  date = gpm_gui_format_post_date (post);
  /* The user's own text, or "Reshare of NAME's post": never the reshared
   * post's text (core decides; the row shows it). */
  snippet = dup_list_text (post);
  gtk_label_set_label (GTK_LABEL (self->date), date);
  g_string_append (self->description, date);

  if (*snippet == '\0')
    {
      gtk_label_set_label (GTK_LABEL (self->snippet), _("(No text)"));
      gtk_widget_add_css_class (self->snippet, "dim-label");
      g_string_append_printf (self->description, ", %s", _("(No text)"));
    }
  else
    {
      gtk_label_set_label (GTK_LABEL (self->snippet), snippet);
      gtk_widget_remove_css_class (self->snippet, "dim-label");
      g_string_append_printf (self->description, ", %s", snippet);
    }

  /* The attachment kinds, a video among them, are known from indexing: a
   * row never reads its post again. */
  kinds = gpm_post_get_attachments (post);
  show_icon (self, self->link_icon, (kinds & GPM_POST_HAS_LINK) != 0, _("Link"));
  show_icon (self, self->album_icon, (kinds & GPM_POST_HAS_ALBUM) != 0, _("Album"));
  show_icon (self, self->video_icon,
             !(kinds & GPM_POST_HAS_ALBUM) && (kinds & GPM_POST_HAS_MEDIA) && (kinds & GPM_POST_MEDIA_IS_VIDEO),
             _("Video"));
  show_icon (self, self->photo_icon,
             !(kinds & GPM_POST_HAS_ALBUM) && (kinds & GPM_POST_HAS_MEDIA) && !(kinds & GPM_POST_MEDIA_IS_VIDEO),
             _("Photo"));
  show_icon (self, self->reshare_icon, (kinds & GPM_POST_HAS_RESHARE) != 0, _("Reshare"));
  show_icon (self, self->poll_icon, (kinds & GPM_POST_HAS_POLL) != 0, _("Poll"));
  show_icon (self, self->location_icon, (kinds & GPM_POST_HAS_LOCATION) != 0, _("Location"));

  scopes = gpm_post_get_scopes (post);
  for (i = 0; i < MAX_BADGES; i++)
    {
      const GpmScope *scope = scopes != NULL && i < scopes->len ? g_ptr_array_index (scopes, i) : NULL;
      gboolean community = scope != NULL && scope->kind == GPM_SCOPE_COMMUNITY;

      gtk_widget_set_visible (self->badge[i], scope != NULL);
      if (scope == NULL)
        continue;
      gtk_label_set_label (GTK_LABEL (self->badge[i]), gpm_gui_scope_label (scope));
      if (scope != NULL && gpm_gui_scope_is_private (scope))
        gtk_widget_add_css_class (self->badge[i], "private");
      else
        gtk_widget_remove_css_class (self->badge[i], "private");
      /* diaspora* has no communities: the post goes out public. The badge
       * gets a globe before the name (style.css). */
      if (community)
        gtk_widget_add_css_class (self->badge[i], "community");
      else
        gtk_widget_remove_css_class (self->badge[i], "community");
      set_tooltip (self->badge[i],
                   community ? _("A community post: diaspora* has no communities, so it becomes public") : NULL);
      if (community)
        g_string_append_printf (self->description, ", %s, %s", gpm_gui_scope_label (scope), _("becomes public"));
      else
        g_string_append_printf (self->description, ", %s", gpm_gui_scope_label (scope));
    }
  gtk_widget_set_visible (self->more, scopes != NULL && scopes->len > MAX_BADGES);
  if (scopes != NULL && scopes->len > MAX_BADGES)
    {
      g_autofree char *more = g_strdup_printf ("+%u", scopes->len - MAX_BADGES);
      gtk_label_set_label (GTK_LABEL (self->more), more);
    }
}

const char *
gpm_post_list_row_set_state (GpmPostListRow  *self,
                             gboolean         unselected,
                             gboolean         left_out,
                             gboolean         edited,
                             GpmPostWarnings  warnings,
                             const char      *state_icon,
                             const char      *state_label)
{
  g_return_val_if_fail (GPM_IS_POST_LIST_ROW (self), NULL);

  g_string_assign (self->a11y, self->description->str);

  gtk_widget_set_visible (self->unselected, unselected);
  if (unselected)
    g_string_append_printf (self->a11y, ", %s", _("Not selected"));
  gtk_widget_set_visible (self->left_out, left_out);
  if (left_out)
    g_string_append_printf (self->a11y, ", %s", _("Left out"));
  gtk_widget_set_visible (self->edited, edited);
  if (edited)
    g_string_append_printf (self->a11y, ", %s", _("Text edited by you"));

  gtk_widget_set_visible (self->warning, warnings != GPM_POST_WARNING_NONE);
  if (warnings != GPM_POST_WARNING_NONE)
    {
      g_autofree char *words = gpm_post_warnings_describe (warnings);
      /* Translators: a post's warnings in its row: "Warning: too long for diaspora*" */
      g_autofree char *label = g_strdup_printf (_("Warning: %s"), words);

      set_tooltip (self->warning, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->warning), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_string_append_printf (self->a11y, ", %s", label);
    }

  gtk_widget_set_visible (self->state, state_icon != NULL);
  if (state_icon != NULL)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (self->state), state_icon);
      set_tooltip (self->state, state_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->state),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, state_label, -1);
      if (state_label != NULL)
        g_string_append_printf (self->a11y, ", %s", state_label);
    }

  return self->a11y->str;
}

GtkWidget *
gpm_post_list_row_new (void)
{
  return g_object_new (GPM_TYPE_POST_LIST_ROW, NULL);
}

static void
gpm_post_list_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), GPM_TYPE_POST_LIST_ROW);
  G_OBJECT_CLASS (gpm_post_list_row_parent_class)->dispose (object);
}

static void
gpm_post_list_row_finalize (GObject *object)
{
  GpmPostListRow *self = GPM_POST_LIST_ROW (object);

  g_string_free (self->description, TRUE);
  g_string_free (self->a11y, TRUE);
  G_OBJECT_CLASS (gpm_post_list_row_parent_class)->finalize (object);
}

static void
gpm_post_list_row_class_init (GpmPostListRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_post_list_row_dispose;
  object_class->finalize = gpm_post_list_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-post-list-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, top);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, date);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, unselected);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, left_out);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, icons);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, link_icon);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, album_icon);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, photo_icon);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, video_icon);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, reshare_icon);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, poll_icon);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, location_icon);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, edited);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, warning);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, state);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, snippet);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, badges);
  gtk_widget_class_bind_template_child_full (widget_class, "badge0", FALSE, G_STRUCT_OFFSET (GpmPostListRow, badge[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "badge1", FALSE, G_STRUCT_OFFSET (GpmPostListRow, badge[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "badge2", FALSE, G_STRUCT_OFFSET (GpmPostListRow, badge[2]));
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, more);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gpm-post-list-row");
}

static void
gpm_post_list_row_init (GpmPostListRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 4);
  self->description = g_string_new (NULL);
  self->a11y = g_string_new (NULL);
}
