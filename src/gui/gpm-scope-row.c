/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-scope-row.c: a row of the audience tree. Its parts are in its
 * template; binding a node sets texts, shows or hides the icons and binds
 * the check box to the node's ticked state. */
#define G_LOG_DOMAIN "gpm-scope-sidebar"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-scope-row.h"
#include "gpm-util.h"

struct _GpmScopeRow
{
  GtkWidget  parent_instance;

  GtkWidget *check;
  GtkWidget *labels;      /* the title, and the subtitle under it */
  GtkWidget *title;
  GtkWidget *subtitle;
  GtkWidget *lock;
  GtkWidget *globe;
  GtkWidget *count;

  GBinding  *active_binding;
  GBinding  *inconsistent_binding;
  GpmScopeNode *node;       /* bound: its count is followed while the takeout is read */
  gulong     count_handler;
  gulong     class_handler;
};

G_DEFINE_FINAL_TYPE (GpmScopeRow, gpm_scope_row, GTK_TYPE_WIDGET)

enum {
  TITLE_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
title_released_cb (GtkGestureClick *click,
                   int              n_press,
                   double           x,
                   double           y,
                   GpmScopeRow     *self)
{
  if (n_press == 1)
    g_signal_emit (self, signals[TITLE_CLICKED], 0);
}

static GtkTreeExpander *
get_expander (GpmScopeRow *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  return GTK_IS_TREE_EXPANDER (parent) ? GTK_TREE_EXPANDER (parent) : NULL;
}

/* The count and what a screen reader says of the row, again at each
 * notify::count of a takeout being read */
static void
update_count (GpmScopeRow *self)
{
  GpmScopeNode *node = self->node;
  GtkTreeExpander *expander = get_expander (self);
  guint n = gpm_scope_node_get_count (node);
  gboolean becomes_public = gpm_scope_node_get_becomes_public (node);
  /* grouped as the language writes numbers: "1,667" */
  g_autofree char *count_text = gpm_format_count (n);
  g_autofree char *description = NULL;

  gtk_label_set_label (GTK_LABEL (self->count), count_text);
  if (gpm_scope_node_get_community_class (node) == GPM_COMMUNITY_CLOSED)
    description = g_strdup_printf (ngettext ("%s post, closed community: it goes to an aspect, never public",
                                             "%s posts, closed community: they go to an aspect, never public", n), count_text);
  else if (gpm_scope_node_get_is_private (node))
    description = g_strdup_printf (ngettext ("%s post, private", "%s posts, private", n), count_text);
  else if (becomes_public)
    description = g_strdup_printf (ngettext ("%s post, becomes public", "%s posts, become public", n), count_text);
  else
    description = g_strdup_printf (ngettext ("%s post", "%s posts", n), count_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, gpm_scope_node_get_title (node),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  /* The row and the expander take the focus too (arrow keys): same name */
  if (expander != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (expander),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, gpm_scope_node_get_title (node),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

/* The lock and the subtitle, again when a community's class changes
 * while the takeout is read */
static void
update_class (GpmScopeRow *self)
{
  GpmScopeNode *node = self->node;

  gtk_widget_set_visible (self->lock, gpm_scope_node_get_is_private (node));
  gtk_widget_set_visible (self->subtitle, gpm_scope_node_get_community_class (node) == GPM_COMMUNITY_CLOSED);
  update_count (self);
}

void
gpm_scope_row_bind (GpmScopeRow    *self,
                    GtkTreeListRow *list_row,
                    GpmScopeNode   *node)
{
  GtkTreeExpander *expander;
  gboolean becomes_public;

  g_return_if_fail (GPM_IS_SCOPE_ROW (self));
  g_return_if_fail (GTK_IS_TREE_LIST_ROW (list_row));
  g_return_if_fail (GPM_IS_SCOPE_NODE (node));

  gpm_scope_row_unbind (self);

  becomes_public = gpm_scope_node_get_becomes_public (node);
  expander = get_expander (self);
  if (expander != NULL)
    gtk_tree_expander_set_list_row (expander, list_row);
  gtk_label_set_label (GTK_LABEL (self->title), gpm_scope_node_get_title (node));
  /* On the group only: every open community under it is the same */
  gtk_widget_set_visible (self->globe, becomes_public && gpm_scope_node_get_children (node) != NULL);
  self->node = g_object_ref (node);
  self->count_handler = g_signal_connect_swapped (node, "notify::count", G_CALLBACK (update_count), self);
  self->class_handler = g_signal_connect_swapped (node, "notify::community-class", G_CALLBACK (update_class), self);
  update_class (self);

  self->active_binding = g_object_bind_property (node, "active", self->check, "active",
                                                 G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  self->inconsistent_binding = g_object_bind_property (node, "inconsistent", self->check, "inconsistent",
                                                       G_BINDING_SYNC_CREATE);
}

void
gpm_scope_row_unbind (GpmScopeRow *self)
{
  GtkTreeExpander *expander;

  g_return_if_fail (GPM_IS_SCOPE_ROW (self));

  /* The bindings are owned by the node and the check box: unbinding drops
   * them, so the pointers are only cleared. */
  if (self->active_binding != NULL)
    g_binding_unbind (g_steal_pointer (&self->active_binding));
  if (self->inconsistent_binding != NULL)
    g_binding_unbind (g_steal_pointer (&self->inconsistent_binding));
  if (self->node != NULL)
    {
      g_clear_signal_handler (&self->count_handler, self->node);
      g_clear_signal_handler (&self->class_handler, self->node);
    }
  g_clear_object (&self->node);
  expander = get_expander (self);
  if (expander != NULL)
    gtk_tree_expander_set_list_row (expander, NULL);
}

GtkWidget *
gpm_scope_row_new (void)
{
  return g_object_new (GPM_TYPE_SCOPE_ROW, NULL);
}

static void
gpm_scope_row_dispose (GObject *object)
{
  GpmScopeRow *self = GPM_SCOPE_ROW (object);

  if (self->active_binding != NULL)
    g_binding_unbind (g_steal_pointer (&self->active_binding));
  if (self->inconsistent_binding != NULL)
    g_binding_unbind (g_steal_pointer (&self->inconsistent_binding));
  if (self->node != NULL)
    {
      g_clear_signal_handler (&self->count_handler, self->node);
      g_clear_signal_handler (&self->class_handler, self->node);
    }
  g_clear_object (&self->node);
  gtk_widget_dispose_template (GTK_WIDGET (object), GPM_TYPE_SCOPE_ROW);
  G_OBJECT_CLASS (gpm_scope_row_parent_class)->dispose (object);
}

static void
gpm_scope_row_class_init (GpmScopeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_scope_row_dispose;

  /* A single click on the audience's name (not on its check box) */
  signals[TITLE_CLICKED] =
    g_signal_new ("title-clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-scope-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmScopeRow, check);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeRow, labels);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeRow, title);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeRow, subtitle);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeRow, lock);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeRow, globe);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeRow, count);
  gtk_widget_class_bind_template_callback (widget_class, title_released_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  /* Styled as the GtkBox it replaces */
  gtk_widget_class_set_css_name (widget_class, "box");
}

static void
gpm_scope_row_init (GpmScopeRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
}
