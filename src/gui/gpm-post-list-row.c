/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-row.c: a row of the post list. Every part a row may show is
 * in its template, made once with the row: binding a post only sets the
 * texts and shows or hides parts. (Made for each bind, the icons with their
 * tooltips and the badges were most of the main thread's time while
 * scrolling 100,000 posts, issue 13.)
 *
 * GTK 4.8's list view keeps about 200 rows bound around what it shows,
 * though only a dozen are on screen: a jump (dragging the scroll bar,
 * a search) binds them all again. Their labels' layouts (Pango) were most
 * of such a frame. So a row that already shows a post may be given another
 * without showing it yet (gpm_post_list_row_set_post() with @defer): its
 * name for screen readers is the new post's at once, its parts keep the
 * old post, unmeasured again, until gpm_post_list_row_show_pending() — the
 * post list calls it for the rows on screen in the same frame, and for the
 * others a few at a time when idle. */
#define G_LOG_DOMAIN "gpm-post-list"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-convert.h"
#include "gpm-gui-util.h"
#include "gpm-post-list-row.h"
#include "gpm-post-list-snippet.h"

#define MAX_BADGES 3

/* The attachment kinds a row shows an icon for: the icons are made when a
 * post first has one (most posts have none or one), which makes a new row
 * 7 widgets lighter (a row is made for each post that lands among the
 * first while the list fills) */
enum { KIND_LINK, KIND_ALBUM, KIND_PHOTO, KIND_VIDEO, KIND_RESHARE, KIND_POLL, KIND_LOCATION, N_KINDS };

static const struct {
  const char *icon;
  const char *label;
} kinds[N_KINDS] = {
  { "insert-link-symbolic", N_("Link") },
  { "image-x-generic-symbolic", N_("Album") },
  { "image-x-generic-symbolic", N_("Photo") },
  { "video-x-generic-symbolic", N_("Video") },
  { "emblem-shared-symbolic", N_("Reshare") },
  { "view-list-bullet-symbolic", N_("Poll") },
  { "mark-location-symbolic", N_("Location") },
};
#define SNIPPET_CHARS 160

struct _GpmPostListRow
{
  GtkWidget  parent_instance;

  GtkWidget *top;
  GtkWidget *date;
  GtkWidget *unselected;
  GtkWidget *left_out;
  GtkWidget *icons;
  GtkWidget *kind_icon[N_KINDS];  /* made when first shown (in the order of kinds[]) */
  GtkWidget *edited;
  GtkWidget *warning;
  GtkWidget *state;
  GtkWidget *snippet;
  GtkWidget *badges;
  GtkWidget *badge[MAX_BADGES];   /* labels: a row is made and dropped whole, so few widgets */
  GtkWidget *more;

  GString   *description;  /* the post's own parts, for screen readers */
  GString   *a11y;         /* with the state */

  GpmPost   *post;         /* the post bound (a ref) */
  char      *date_text;    /* its date and line of text */
  char      *snippet_text;
  gboolean   filled;       /* the parts have shown a post */
  gboolean   pending;      /* they show another post or an older state than the row's */
  /* the state, as last set */
  gboolean        unselected_state;
  gboolean        left_out_state;
  gboolean        edited_state;
  GpmPostWarnings warnings;
  char           *state_icon;
  char           *state_label;
};

G_DEFINE_FINAL_TYPE (GpmPostListRow, gpm_post_list_row, GTK_TYPE_WIDGET)

/* Setting a tooltip on a visible widget makes GTK 4.8 ask the X server
 * where the pointer is (a round trip, a fifth of the main thread's time
 * while scrolling, a quarter of a search's frame): only when it changes,
 * and on the widget hidden for that moment. */
static void
set_tooltip (GtkWidget  *widget,
             const char *text)
{
  gboolean visible;

  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0)
    return;
  visible = gtk_widget_get_visible (widget);
  if (visible)
    gtk_widget_set_visible (widget, FALSE);
  gtk_widget_set_tooltip_text (widget, text);
  if (visible)
    gtk_widget_set_visible (widget, TRUE);
}

static void
describe_icon (GpmPostListRow *self,
               gboolean        shown,
               const char     *label)
{
  if (shown)
    g_string_append_printf (self->description, ", %s", label);
}

/* The row's line of text, as gpm_convert_dup_list_text() makes it, from
 * what the index keeps where it can: the post's own text, else its link's
 * title. The post's full JSON (read again from the archive, not kept) only
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

static gboolean
shows_video (GpmPostAttachments attachments)
{
  return !(attachments & GPM_POST_HAS_ALBUM) && (attachments & GPM_POST_HAS_MEDIA) && (attachments & GPM_POST_MEDIA_IS_VIDEO);
}

static gboolean
shows_photo (GpmPostAttachments attachments)
{
  return !(attachments & GPM_POST_HAS_ALBUM) && (attachments & GPM_POST_HAS_MEDIA) && !(attachments & GPM_POST_MEDIA_IS_VIDEO);
}

/* What a screen reader reads for the post's own parts: no widget touched */
static void
describe_post (GpmPostListRow *self)
{
  GPtrArray *scopes = gpm_post_get_scopes (self->post);
  GpmPostAttachments attachments = gpm_post_get_attachments (self->post);

  g_string_assign (self->description, self->date_text);
  g_string_append_printf (self->description, ", %s", *self->snippet_text == '\0' ? _("(No text)") : self->snippet_text);
  /* The attachment kinds, a video among them, are known from indexing: a
   * row never reads its post again. */
  describe_icon (self, (attachments & GPM_POST_HAS_LINK) != 0, _("Link"));
  describe_icon (self, (attachments & GPM_POST_HAS_ALBUM) != 0, _("Album"));
  describe_icon (self, shows_video (attachments), _("Video"));
  describe_icon (self, shows_photo (attachments), _("Photo"));
  describe_icon (self, (attachments & GPM_POST_HAS_RESHARE) != 0, _("Reshare"));
  describe_icon (self, (attachments & GPM_POST_HAS_POLL) != 0, _("Poll"));
  describe_icon (self, (attachments & GPM_POST_HAS_LOCATION) != 0, _("Location"));
  for (guint i = 0; scopes != NULL && i < scopes->len && i < MAX_BADGES; i++)
    {
      const GpmScope *scope = g_ptr_array_index (scopes, i);

      if (gpm_scope_get_community_class (scope) == GPM_COMMUNITY_CLOSED)
        g_string_append_printf (self->description, ", %s, %s", gpm_gui_scope_label (scope), _("closed community"));
      else if (scope->kind == GPM_SCOPE_COMMUNITY)
        g_string_append_printf (self->description, ", %s, %s", gpm_gui_scope_label (scope), _("becomes public"));
      else
        g_string_append_printf (self->description, ", %s", gpm_gui_scope_label (scope));
    }
}

static void
show_kind (GpmPostListRow *self,
           guint           kind,
           gboolean        shown)
{
  if (self->kind_icon[kind] == NULL && shown)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (kinds[kind].icon);
      GtkWidget *before = NULL;

      /* hidden while its tooltip is set: see set_tooltip() */
      gtk_widget_set_visible (icon, FALSE);
      gtk_widget_set_tooltip_text (icon, _(kinds[kind].label));
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _(kinds[kind].label), -1);
      for (guint k = kind; k-- > 0 && before == NULL;)
        before = self->kind_icon[k];
      gtk_box_insert_child_after (GTK_BOX (self->icons), icon, before);
      self->kind_icon[kind] = icon;
    }
  if (self->kind_icon[kind] != NULL)
    gtk_widget_set_visible (self->kind_icon[kind], shown);
}

/* The parts for the post */
static void
show_post (GpmPostListRow *self)
{
  GpmPost *post = self->post;
  g_autofree char *more = NULL;
  GPtrArray *scopes;
  GpmPostAttachments attachments;
  guint i;

  gtk_label_set_label (GTK_LABEL (self->date), self->date_text);
  if (*self->snippet_text == '\0')
    {
      gpm_post_list_snippet_set_text (GPM_POST_LIST_SNIPPET (self->snippet), _("(No text)"));
      gtk_widget_add_css_class (self->snippet, "dim-label");
    }
  else
    {
      gpm_post_list_snippet_set_text (GPM_POST_LIST_SNIPPET (self->snippet), self->snippet_text);
      gtk_widget_remove_css_class (self->snippet, "dim-label");
    }

  attachments = gpm_post_get_attachments (post);
  show_kind (self, KIND_LINK, (attachments & GPM_POST_HAS_LINK) != 0);
  show_kind (self, KIND_ALBUM, (attachments & GPM_POST_HAS_ALBUM) != 0);
  show_kind (self, KIND_VIDEO, shows_video (attachments));
  show_kind (self, KIND_PHOTO, shows_photo (attachments));
  show_kind (self, KIND_RESHARE, (attachments & GPM_POST_HAS_RESHARE) != 0);
  show_kind (self, KIND_POLL, (attachments & GPM_POST_HAS_POLL) != 0);
  show_kind (self, KIND_LOCATION, (attachments & GPM_POST_HAS_LOCATION) != 0);

  scopes = gpm_post_get_scopes (post);
  for (i = 0; i < MAX_BADGES; i++)
    {
      const GpmScope *scope = scopes != NULL && i < scopes->len ? g_ptr_array_index (scopes, i) : NULL;
      /* a closed community's post goes to an aspect: private, no globe */
      gboolean closed = scope != NULL && gpm_scope_get_community_class (scope) == GPM_COMMUNITY_CLOSED;
      gboolean community = scope != NULL && scope->kind == GPM_SCOPE_COMMUNITY && !closed;

      gtk_widget_set_visible (self->badge[i], scope != NULL);
      if (scope == NULL)
        continue;
      gtk_label_set_label (GTK_LABEL (self->badge[i]), gpm_gui_scope_label (scope));
      if (gpm_gui_scope_is_private (scope))
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
                   community ? _("A community post: diaspora* has no communities, so it becomes public")
                   : closed ? _("A closed community’s post: it goes to an aspect, never public") : NULL);
    }
  gtk_widget_set_visible (self->more, scopes != NULL && scopes->len > MAX_BADGES);
  if (scopes != NULL && scopes->len > MAX_BADGES)
    {
      more = g_strdup_printf ("+%u", scopes->len - MAX_BADGES);
      gtk_label_set_label (GTK_LABEL (self->more), more);
    }
}

static char *
describe_warnings (GpmPostWarnings warnings)
{
  g_autofree char *words = gpm_post_warnings_describe (warnings);

  /* Translators: a post's warnings in its row: "Warning: too long for diaspora*" */
  return g_strdup_printf (_("Warning: %s"), words);
}

/* The parts for the state */
static void
show_state (GpmPostListRow *self)
{
  gtk_widget_set_visible (self->unselected, self->unselected_state);
  gtk_widget_set_visible (self->left_out, self->left_out_state);
  gtk_widget_set_visible (self->edited, self->edited_state);

  gtk_widget_set_visible (self->warning, self->warnings != GPM_POST_WARNING_NONE);
  if (self->warnings != GPM_POST_WARNING_NONE)
    {
      g_autofree char *label = describe_warnings (self->warnings);

      set_tooltip (self->warning, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->warning), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }

  gtk_widget_set_visible (self->state, self->state_icon != NULL);
  if (self->state_icon != NULL)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (self->state), self->state_icon);
      set_tooltip (self->state, self->state_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->state),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, self->state_label, -1);
    }
}

void
gpm_post_list_row_set_post (GpmPostListRow *self,
                            GpmPost        *post,
                            gboolean        defer)
{
  g_return_if_fail (GPM_IS_POST_LIST_ROW (self));

  if (post != NULL && post == self->post)
    {
      if (!defer)
        gpm_post_list_row_show_pending (self);
      return;
    }
  g_set_object (&self->post, post);
  g_string_truncate (self->description, 0);
  if (post == NULL)
    return;

  g_free (self->date_text);
  g_free (self->snippet_text);
  self->date_text = gpm_gui_format_post_date (post);
  /* The user's own text, or "Reshare of NAME's post": never the reshared
   * post's text (core decides; the row shows it). */
  self->snippet_text = dup_list_text (post);
  describe_post (self);

  if (defer && self->filled)
    {
      self->pending = TRUE;
      return;
    }
  show_post (self);
  self->filled = TRUE;
  self->pending = FALSE;
}

GpmPost *
gpm_post_list_row_get_post (GpmPostListRow *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST_ROW (self), NULL);
  return self->post;
}

gboolean
gpm_post_list_row_is_pending (GpmPostListRow *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST_ROW (self), FALSE);
  return self->pending;
}

void
gpm_post_list_row_show_pending (GpmPostListRow *self)
{
  g_return_if_fail (GPM_IS_POST_LIST_ROW (self));

  if (!self->pending || self->post == NULL)
    return;
  self->pending = FALSE;
  show_post (self);
  show_state (self);
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

  self->unselected_state = unselected;
  self->left_out_state = left_out;
  self->edited_state = edited;
  self->warnings = warnings;
  if (g_strcmp0 (self->state_icon, state_icon) != 0)
    {
      g_free (self->state_icon);
      self->state_icon = g_strdup (state_icon);
    }
  if (g_strcmp0 (self->state_label, state_label) != 0)
    {
      g_free (self->state_label);
      self->state_label = g_strdup (state_label);
    }

  g_string_assign (self->a11y, self->description->str);
  if (unselected)
    g_string_append_printf (self->a11y, ", %s", _("Not selected"));
  if (left_out)
    g_string_append_printf (self->a11y, ", %s", _("Left out"));
  if (edited)
    g_string_append_printf (self->a11y, ", %s", _("Text edited by you"));
  if (warnings != GPM_POST_WARNING_NONE)
    {
      g_autofree char *label = describe_warnings (warnings);
      g_string_append_printf (self->a11y, ", %s", label);
    }
  if (state_icon != NULL && state_label != NULL)
    g_string_append_printf (self->a11y, ", %s", state_label);

  if (!self->pending)
    show_state (self);
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
  g_clear_object (&GPM_POST_LIST_ROW (object)->post);
  gtk_widget_dispose_template (GTK_WIDGET (object), GPM_TYPE_POST_LIST_ROW);
  G_OBJECT_CLASS (gpm_post_list_row_parent_class)->dispose (object);
}

static void
gpm_post_list_row_finalize (GObject *object)
{
  GpmPostListRow *self = GPM_POST_LIST_ROW (object);

  g_string_free (self->description, TRUE);
  g_string_free (self->a11y, TRUE);
  g_free (self->date_text);
  g_free (self->snippet_text);
  g_free (self->state_icon);
  g_free (self->state_label);
  G_OBJECT_CLASS (gpm_post_list_row_parent_class)->finalize (object);
}

static void
gpm_post_list_row_class_init (GpmPostListRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_post_list_row_dispose;
  object_class->finalize = gpm_post_list_row_finalize;

  g_type_ensure (GPM_TYPE_POST_LIST_SNIPPET);
  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-post-list-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, top);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, date);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, unselected);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, left_out);
  gtk_widget_class_bind_template_child (widget_class, GpmPostListRow, icons);
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
