/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-snippet.c: the start of a post's text in a post list row,
 * two lines at most, ellipsized at the end.
 *
 * Why not a GtkLabel: GTK 4.8's label lays its text out again (a copy of
 * its layout, shaped anew) for its minimum width, its natural width, its
 * height at the row's width and its allocation: four shapings of up to 160
 * characters each time a row shows another post, 2-4 ms a row, most of a
 * frame when the list's rows change (a search, a jump while scrolling;
 * issue 13). Here the widths asked for come from the font's metrics (as
 * the label's width-chars and max-width-chars did), and the text is laid
 * out once for the width the row gets. Screen readers read it as a label. */
#define G_LOG_DOMAIN "gpm-post-list"

#include "config.h"

#include "gpm-post-list-snippet.h"

#define LINES 2
#define MIN_CHARS 20
#define NAT_CHARS 40

struct _GpmPostListSnippet
{
  GtkWidget    parent_instance;

  char        *text;
  PangoLayout *layout;      /* for the widget's font; NULL until measured */
  PangoLayout *measuring;   /* the same text, for widths it is asked about but not given */
  int          char_width;  /* the font's approximate character width (Pango units), 0: not known */
  PangoFontDescription *font;  /* the font they are for */
};

G_DEFINE_FINAL_TYPE (GpmPostListSnippet, gpm_post_list_snippet, GTK_TYPE_WIDGET)

static PangoLayout *
ensure_layout (GpmPostListSnippet *self)
{
  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->text ? self->text : "");
      pango_layout_set_wrap (self->layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      /* negative: at most that many lines */
      pango_layout_set_height (self->layout, -LINES);
    }
  return self->layout;
}

static int
char_width (GpmPostListSnippet *self)
{
  if (self->char_width == 0)
    {
      PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
      PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);

      /* as GtkLabel's width-chars: the wider of a character and a digit */
      self->char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                              pango_font_metrics_get_approximate_digit_width (metrics));
      pango_font_metrics_unref (metrics);
    }
  return self->char_width;
}

static void
gpm_post_list_snippet_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  GpmPostListSnippet *self = GPM_POST_LIST_SNIPPET (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = PANGO_PIXELS_CEIL (char_width (self) * MIN_CHARS);
      *natural = PANGO_PIXELS_CEIL (char_width (self) * NAT_CHARS);
    }
  else
    {
      PangoLayout *layout = ensure_layout (self);
      int width = for_size >= 0 ? for_size : PANGO_PIXELS_CEIL (char_width (self) * NAT_CHARS);
      int allocated = gtk_widget_get_width (widget);
      int height;

      /* The layout drawn is for the width the row has; asked without a
       * width, its height at that width; asked at another (a window's size
       * computed anew), a second layout (each keeps its lines while its
       * width stays: Pango shapes the text again at each new width) */
      if (allocated > 0 && for_size < 0)
        pango_layout_get_pixel_size (layout, NULL, &height);
      else if (allocated > 0 && width != allocated)
        {
          if (self->measuring == NULL)
            self->measuring = pango_layout_copy (layout);
          pango_layout_set_width (self->measuring, width * PANGO_SCALE);
          pango_layout_get_pixel_size (self->measuring, NULL, &height);
        }
      else
        {
          pango_layout_set_width (layout, width * PANGO_SCALE);
          pango_layout_get_pixel_size (layout, NULL, &height);
        }
      *minimum = *natural = height;
    }
}

/* Its height depends on its width (a widget's default is a constant size:
 * GTK would measure it without one) */
static GtkSizeRequestMode
gpm_post_list_snippet_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
gpm_post_list_snippet_size_allocate (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline)
{
  /* the same width as measured: Pango keeps its lines */
  pango_layout_set_width (ensure_layout (GPM_POST_LIST_SNIPPET (widget)), width * PANGO_SCALE);
}

static void
gpm_post_list_snippet_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  GpmPostListSnippet *self = GPM_POST_LIST_SNIPPET (widget);
  GdkRGBA color;

  if (self->text == NULL || *self->text == '\0')
    return;
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
G_GNUC_END_IGNORE_DEPRECATIONS
  pango_layout_set_width (ensure_layout (self), gtk_widget_get_width (widget) * PANGO_SCALE);
  gtk_snapshot_append_layout (snapshot, self->layout, &color);
}

/* A new font (a style change that changes it: not the row's selection):
 * laid out again */
static void
gpm_post_list_snippet_css_changed (GtkWidget         *widget,
                                   GtkCssStyleChange *change)
{
  GpmPostListSnippet *self = GPM_POST_LIST_SNIPPET (widget);
  const PangoFontDescription *font;

  GTK_WIDGET_CLASS (gpm_post_list_snippet_parent_class)->css_changed (widget, change);
  font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  if (self->font != NULL && font != NULL && pango_font_description_equal (self->font, font))
    return;
  g_clear_pointer (&self->font, pango_font_description_free);
  self->font = font ? pango_font_description_copy (font) : NULL;
  g_clear_object (&self->layout);
  g_clear_object (&self->measuring);
  self->char_width = 0;
  gtk_widget_queue_resize (widget);
}

void
gpm_post_list_snippet_set_text (GpmPostListSnippet *self,
                                const char         *text)
{
  g_return_if_fail (GPM_IS_POST_LIST_SNIPPET (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, text ? text : "", -1);
  if (self->measuring != NULL)
    pango_layout_set_text (self->measuring, text ? text : "", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
gpm_post_list_snippet_get_text (GpmPostListSnippet *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST_SNIPPET (self), NULL);
  return self->text;
}

GtkWidget *
gpm_post_list_snippet_new (void)
{
  return g_object_new (GPM_TYPE_POST_LIST_SNIPPET, NULL);
}

static void
gpm_post_list_snippet_finalize (GObject *object)
{
  GpmPostListSnippet *self = GPM_POST_LIST_SNIPPET (object);

  g_clear_object (&self->layout);
  g_clear_object (&self->measuring);
  g_clear_pointer (&self->font, pango_font_description_free);
  g_free (self->text);
  G_OBJECT_CLASS (gpm_post_list_snippet_parent_class)->finalize (object);
}

static void
gpm_post_list_snippet_class_init (GpmPostListSnippetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = gpm_post_list_snippet_finalize;
  widget_class->get_request_mode = gpm_post_list_snippet_get_request_mode;
  widget_class->measure = gpm_post_list_snippet_measure;
  widget_class->size_allocate = gpm_post_list_snippet_size_allocate;
  widget_class->snapshot = gpm_post_list_snippet_snapshot;
  widget_class->css_changed = gpm_post_list_snippet_css_changed;

  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
gpm_post_list_snippet_init (GpmPostListSnippet *self)
{
}
