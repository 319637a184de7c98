/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-button-row"

#include "config.h"

#include "gpm-button-row.h"

struct _GpmButtonRow
{
  GtkWidget parent_instance;

  int       spacing;
  gboolean  stacked;
};

static void gpm_button_row_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GpmButtonRow, gpm_button_row, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE,
                                                      gpm_button_row_buildable_init))

enum {
  PROP_0,
  PROP_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkBuildableIface *parent_buildable_iface;

/* The widths the two layouts need, over the children that take space
 * (hidden ones take none) */
typedef struct
{
  int n;        /* children laid out */
  int row_min;  /* side by side, each at its minimum */
  int row_nat;  /* side by side, each at its natural width */
  int col_min;  /* stacked: the widest minimum */
  int col_nat;  /* stacked: the widest natural width */
} Widths;

static void
measure_widths (GpmButtonRow *self,
                Widths       *w)
{
  *w = (Widths) { 0 };

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min, nat;

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      w->row_min += min;
      w->row_nat += nat;
      w->col_min = MAX (w->col_min, min);
      w->col_nat = MAX (w->col_nat, nat);
      w->n++;
    }

  if (w->n > 1)
    {
      w->row_min += (w->n - 1) * self->spacing;
      w->row_nat += (w->n - 1) * self->spacing;
    }
}

/* A row only when every child gets its natural width: squeezed pill
 * buttons would ellipsize or overflow */
static gboolean
fits_in_row (const Widths *w,
             int           width)
{
  return width < 0 || width >= w->row_nat;
}

/* Stacked children are all as wide as the widest, as GNOME's status pages
 * stack their pill buttons, but no wider than @width */
static int
column_width (const Widths *w,
              int           width)
{
  return MAX (w->col_min, MIN (w->col_nat, width));
}

static void
gpm_button_row_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  GpmButtonRow *self = GPM_BUTTON_ROW (widget);
  Widths w;

  measure_widths (self, &w);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Whatever the height: stacked is always possible */
      *minimum = w.col_min;
      *natural = MAX (w.col_min, w.row_nat);
      return;
    }

  *minimum = *natural = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_width, min, nat;

      if (!gtk_widget_should_layout (child))
        continue;

      if (fits_in_row (&w, for_size))
        {
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &child_width, NULL, NULL);
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, child_width, &min, &nat, NULL, NULL);
          *minimum = MAX (*minimum, min);
          *natural = MAX (*natural, nat);
        }
      else
        {
          child_width = column_width (&w, for_size);
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, child_width, &min, &nat, NULL, NULL);
          *minimum += min;
          *natural += nat;
        }
    }

  if (!fits_in_row (&w, for_size) && w.n > 1)
    {
      *minimum += (w.n - 1) * self->spacing;
      *natural += (w.n - 1) * self->spacing;
    }
}

static void
gpm_button_row_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  GpmButtonRow *self = GPM_BUTTON_ROW (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  Widths w;
  int x, y = 0;

  measure_widths (self, &w);
  self->stacked = !fits_in_row (&w, width);

  /* The row centered in a wider allocation */
  x = (width - w.row_nat) / 2;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkAllocation alloc;
      int nat;

      if (!gtk_widget_should_layout (child))
        continue;

      if (self->stacked)
        {
          alloc.width = column_width (&w, width);
          alloc.x = (width - alloc.width) / 2;
          alloc.y = y;
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, alloc.width, &alloc.height, NULL, NULL, NULL);
          y += alloc.height + self->spacing;
        }
      else
        {
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
          alloc.width = nat;
          alloc.x = rtl ? width - x - nat : x;
          alloc.y = 0;
          alloc.height = height;
          x += nat + self->spacing;
        }

      gtk_widget_size_allocate (child, &alloc, -1);
    }
}

static GtkSizeRequestMode
gpm_button_row_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
gpm_button_row_buildable_add_child (GtkBuildable *buildable,
                                    GtkBuilder   *builder,
                                    GObject      *child,
                                    const char   *type)
{
  if (type == NULL && GTK_IS_WIDGET (child))
    gpm_button_row_append (GPM_BUTTON_ROW (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
gpm_button_row_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = gpm_button_row_buildable_add_child;
}

static void
gpm_button_row_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (gpm_button_row_parent_class)->dispose (object);
}

static void
gpm_button_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GpmButtonRow *self = GPM_BUTTON_ROW (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_button_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  GpmButtonRow *self = GPM_BUTTON_ROW (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      gpm_button_row_set_spacing (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_button_row_class_init (GpmButtonRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_button_row_dispose;
  object_class->get_property = gpm_button_row_get_property;
  object_class->set_property = gpm_button_row_set_property;

  widget_class->measure = gpm_button_row_measure;
  widget_class->size_allocate = gpm_button_row_size_allocate;
  widget_class->get_request_mode = gpm_button_row_get_request_mode;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "buttonrow");
}

static void
gpm_button_row_init (GpmButtonRow *self)
{
}

GtkWidget *
gpm_button_row_new (void)
{
  return g_object_new (GPM_TYPE_BUTTON_ROW, NULL);
}

void
gpm_button_row_append (GpmButtonRow *self,
                       GtkWidget    *child)
{
  g_return_if_fail (GPM_IS_BUTTON_ROW (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  /* Appended in order: the focus goes left to right, top to bottom */
  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

int
gpm_button_row_get_spacing (GpmButtonRow *self)
{
  g_return_val_if_fail (GPM_IS_BUTTON_ROW (self), 0);

  return self->spacing;
}

void
gpm_button_row_set_spacing (GpmButtonRow *self,
                            int           spacing)
{
  g_return_if_fail (GPM_IS_BUTTON_ROW (self));

  if (self->spacing == spacing)
    return;

  self->spacing = spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}

gboolean
gpm_button_row_get_stacked (GpmButtonRow *self)
{
  g_return_val_if_fail (GPM_IS_BUTTON_ROW (self), FALSE);

  return self->stacked;
}
