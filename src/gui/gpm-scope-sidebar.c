/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-scope-sidebar"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-scope-row.h"
#include "gpm-scope-sidebar.h"
#include "gpm-util.h"

struct _GpmScopeSidebar
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkListView   *list_view;
  GtkLabel      *summary_label;
  GtkLabel      *public_note_label;

  GpmScopeIndex *index;
  GListStore    *roots;
  guint          changed_idle;
  GCancellable  *building;
  gboolean       keep_ticks;  /* the tree being built replaces one of the same takeout */
  GCancellable  *counting;    /* the summary's count being made */
};

G_DEFINE_FINAL_TYPE (GpmScopeSidebar, gpm_scope_sidebar, GTK_TYPE_WIDGET)

enum {
  SELECTION_CHANGED,
  VIEW_CHANGED,
  VIEW_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GListModel *
gpm_scope_sidebar_get_roots (GpmScopeSidebar *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_SIDEBAR (self), NULL);
  return self->roots ? G_LIST_MODEL (self->roots) : NULL;
}

GStrv
gpm_scope_sidebar_get_selected_keys (GpmScopeSidebar *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_SIDEBAR (self), NULL);

  if (self->roots == NULL)
    return g_new0 (char *, 1);

  return gpm_scope_tree_get_selected_keys (G_LIST_MODEL (self->roots));
}

gboolean
gpm_scope_sidebar_is_settled (GpmScopeSidebar *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_SIDEBAR (self), TRUE);
  return self->changed_idle == 0 && self->building == NULL && self->counting == NULL;
}

/* Viewing is not selecting: the row the user clicked (its name, not its
 * check box) or moved to with the arrow keys is the audience the post list
 * shows, ticked or not. The list's own selection holds it. */
GpmScopeNode *
gpm_scope_sidebar_get_viewed_node (GpmScopeSidebar *self)
{
  GtkSelectionModel *model;
  GtkTreeListRow *row;

  g_return_val_if_fail (GPM_IS_SCOPE_SIDEBAR (self), NULL);

  model = gtk_list_view_get_model (self->list_view);
  if (model == NULL)
    return NULL;
  row = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model));
  return row != NULL ? GPM_SCOPE_NODE (gtk_tree_list_row_get_item (row)) : NULL;
}

void
gpm_scope_sidebar_view_node (GpmScopeSidebar *self,
                             GpmScopeNode    *node)
{
  GtkSelectionModel *model;
  guint n;

  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));

  model = gtk_list_view_get_model (self->list_view);
  if (model == NULL)
    return;

  if (node == NULL)
    {
      gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), GTK_INVALID_LIST_POSITION);
      return;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (item == G_OBJECT (node))
        {
          gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), i);
          return;
        }
    }
}

static void
viewed_changed_cb (GpmScopeSidebar *self)
{
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

typedef struct {
  GpmScopeIndex *index;
  GStrv          keys;
} Count;

static void
count_free (Count *count)
{
  g_object_unref (count->index);
  g_strfreev (count->keys);
  g_free (count);
}

/* How many posts the ticks select: a walk over every post (tens of
 * milliseconds at 100,000), so not on the UI thread. */
static void
count_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Count *count = task_data;
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *posts = gpm_scope_index_get_posts (count->index);
  gssize n = 0;

  for (guint i = 0; count->keys[i] != NULL; i++)
    g_hash_table_add (wanted, count->keys[i]);
  for (guint i = 0; g_hash_table_size (wanted) > 0 && i < posts->len; i++)
    {
      GPtrArray *scopes = gpm_post_get_scopes (g_ptr_array_index (posts, i));

      for (guint k = 0; scopes != NULL && k < scopes->len; k++)
        if (g_hash_table_contains (wanted, gpm_scope_get_key (g_ptr_array_index (scopes, k))))
          {
            n++;
            break;
          }
    }
  g_task_return_int (task, n);
}

static void
count_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GpmScopeSidebar *self = GPM_SCOPE_SIDEBAR (source);
  Count *count = g_task_get_task_data (G_TASK (result));
  gssize selected = g_task_propagate_int (G_TASK (result), NULL);
  guint total = gpm_scope_index_get_posts (count->index)->len;
  g_autofree char *text = NULL;

  if (g_task_get_cancellable (G_TASK (result)) != self->counting)
    return;   /* superseded */
  g_clear_object (&self->counting);

  /* Translators: "12 of 340 posts selected" */
  text = g_strdup_printf (ngettext ("%u of %u post selected", "%u of %u posts selected", total),
                          (guint) selected, total);
  gtk_label_set_label (self->summary_label, text);
}

static void
update_summary (GpmScopeSidebar *self)
{
  g_autoptr(GTask) task = NULL;
  Count *count;

  if (self->counting != NULL)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);

  if (self->index == NULL)
    {
      gtk_label_set_label (self->summary_label, "");
      return;
    }

  count = g_new0 (Count, 1);
  count->index = g_object_ref (self->index);
  count->keys = gpm_scope_sidebar_get_selected_keys (self);
  self->counting = g_cancellable_new ();
  task = g_task_new (self, self->counting, count_done_cb, NULL);
  g_task_set_source_tag (task, update_summary);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, count, (GDestroyNotify) count_free);
  gpm_task_run_in_thread (task, count_thread);
}

/* Says what "essentially public" means, and that community posts become
 * public, when the takeout has any. */
static void
update_public_note (GpmScopeSidebar *self)
{
  gboolean communities = FALSE;
  guint n = self->roots ? g_list_model_get_n_items (G_LIST_MODEL (self->roots)) : 0;

  for (guint i = 0; i < n && !communities; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);
      communities = gpm_scope_node_get_becomes_public (node);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->public_note_label), communities);
}

static gboolean
emit_changed_idle (gpointer user_data)
{
  GpmScopeSidebar *self = user_data;

  self->changed_idle = 0;
  update_summary (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);

  return G_SOURCE_REMOVE;
}

static void
node_active_changed_cb (GpmScopeSidebar *self)
{
  if (self->changed_idle == 0)
    self->changed_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, emit_changed_idle, self, NULL);
}

static void
watch_leaves (GpmScopeSidebar *self,
              GListModel      *model)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (model, i);
      GListModel *children = gpm_scope_node_get_children (node);

      if (children != NULL)
        watch_leaves (self, children);
      else
        g_signal_connect_object (node, "notify::active",
                                 G_CALLBACK (node_active_changed_cb), self, G_CONNECT_SWAPPED);
    }
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  GListModel *children = gpm_scope_node_get_children (GPM_SCOPE_NODE (item));

  return children ? g_object_ref (children) : NULL;
}

void
gpm_scope_sidebar_apply_preset (GpmScopeSidebar *self,
                                const char      *preset)
{
  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));

  if (self->roots == NULL || self->index == NULL)
    return;

  if (g_strcmp0 (preset, "essentially-public") == 0)
    {
      g_auto(GStrv) keys = gpm_scope_index_essentially_public_keys (self->index);
      gpm_scope_tree_select_keys (G_LIST_MODEL (self->roots), (const char * const *) keys);
    }
  else
    {
      gboolean all = g_strcmp0 (preset, "everything") == 0;
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GpmScopeNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);
          gpm_scope_node_set_active (node, all);
        }
    }
}

/* Every leaf key of the tree under @model. */
static void
collect_keys (GListModel *model,
              GHashTable *keys)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (model, i);
      GListModel *children = gpm_scope_node_get_children (node);

      if (children != NULL)
        collect_keys (children, keys);
      else
        g_hash_table_add (keys, g_strdup (gpm_scope_node_get_key (node)));
    }
}

static void
install_tree (GpmScopeSidebar *self,
              GListStore      *roots,
              gboolean         keep_ticks)
{
  GtkTreeListModel *tree;
  GtkSingleSelection *selection;
  g_autoptr(GStrvBuilder) ticked = NULL;
  g_autofree char *viewed = NULL;

  /* More of the same takeout read (a live rebuild while it loads): the
   * ticks the user made, ticked or unticked, and the audience looked into
   * stay; only audiences the old tree did not have get the default. */
  if (keep_ticks && self->roots != NULL)
    {
      g_auto(GStrv) selected = gpm_scope_tree_get_selected_keys (G_LIST_MODEL (self->roots));
      g_auto(GStrv) defaults = gpm_scope_index_essentially_public_keys (self->index);
      g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      GpmScopeNode *node = gpm_scope_sidebar_get_viewed_node (self);

      if (node != NULL)
        viewed = g_strdup (gpm_scope_node_get_key (node) ? gpm_scope_node_get_key (node)
                                                         : gpm_scope_node_get_title (node));
      collect_keys (G_LIST_MODEL (self->roots), known);
      ticked = g_strv_builder_new ();
      g_strv_builder_addv (ticked, (const char **) selected);
      for (guint i = 0; defaults[i] != NULL; i++)
        if (!g_hash_table_contains (known, defaults[i]))
          g_strv_builder_add (ticked, defaults[i]);
    }

  g_clear_object (&self->roots);
  self->roots = g_object_ref (roots);

  if (ticked != NULL)
    {
      g_auto(GStrv) keys = g_strv_builder_end (ticked);
      gpm_scope_tree_select_keys (G_LIST_MODEL (self->roots), (const char * const *) keys);
    }
  else
    gpm_scope_sidebar_apply_preset (self, "essentially-public");
  watch_leaves (self, G_LIST_MODEL (self->roots));

  tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)), FALSE, TRUE,
                                  create_children_cb, NULL, NULL);
  selection = gtk_single_selection_new (G_LIST_MODEL (tree));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  /* Made with autoselect on, it picked the first row: nothing is looked
   * into at first, the list shows the ticked audiences */
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  if (viewed != NULL)
    {
      GpmScopeNode *node = gpm_scope_tree_find (G_LIST_MODEL (self->roots), viewed);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (selection));

      for (guint i = 0; node != NULL && i < n; i++)
        {
          g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (selection), i);
          g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

          if (item == G_OBJECT (node))
            {
              gtk_single_selection_set_selected (selection, i);
              break;
            }
        }
    }
  g_signal_connect_object (selection, "notify::selected-item",
                           G_CALLBACK (viewed_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  update_public_note (self);
  node_active_changed_cb (self);
  viewed_changed_cb (self);
}

static void
build_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  /* Counting every scope of a big takeout takes a while: not on the UI
   * thread. The nodes are plain GObjects nobody else sees yet. */
  g_task_return_pointer (task, gpm_scope_node_build_tree (GPM_SCOPE_INDEX (task_data)), g_object_unref);
}

static void
build_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GpmScopeSidebar *self = GPM_SCOPE_SIDEBAR (source);
  g_autoptr(GListStore) roots = g_task_propagate_pointer (G_TASK (result), NULL);

  if (g_task_get_cancellable (G_TASK (result)) != self->building || roots == NULL)
    return;   /* superseded */

  g_clear_object (&self->building);
  install_tree (self, roots, self->keep_ticks);
}

static void
build (GpmScopeSidebar *self,
       GpmScopeIndex   *index,
       gboolean         keep_ticks)
{
  g_autoptr(GTask) task = NULL;

  g_set_object (&self->index, index);
  self->keep_ticks = keep_ticks;
  if (!keep_ticks)
    {
      g_clear_object (&self->roots);
      gtk_list_view_set_model (self->list_view, NULL);
      viewed_changed_cb (self);
    }

  if (self->building != NULL)
    g_cancellable_cancel (self->building);
  g_clear_object (&self->building);
  if (self->counting != NULL)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  self->building = g_cancellable_new ();

  task = g_task_new (self, self->building, build_done_cb, NULL);
  g_task_set_source_tag (task, gpm_scope_sidebar_set_index);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_object_ref (index), g_object_unref);
  gpm_task_run_in_thread (task, build_thread);
}

void
gpm_scope_sidebar_set_index (GpmScopeSidebar *self,
                             GpmScopeIndex   *index)
{
  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));
  g_return_if_fail (GPM_IS_SCOPE_INDEX (index));

  build (self, index, FALSE);
}

void
gpm_scope_sidebar_update_index (GpmScopeSidebar *self,
                                GpmScopeIndex   *index)
{
  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));
  g_return_if_fail (GPM_IS_SCOPE_INDEX (index));

  build (self, index, TRUE);
}

/* Rows */

static void row_activate_cb (GpmScopeSidebar *self, guint position);

/* A click on the name shows the audience (the list selects the row) and,
 * in a narrow window, goes on to its posts: single-click activation would
 * change the audience as the pointer passes over the rows. */
static void
title_clicked_cb (GpmScopeRow *row,
                  GtkListItem *item)
{
  GtkWidget *self = gtk_widget_get_ancestor (GTK_WIDGET (row), GPM_TYPE_SCOPE_SIDEBAR);

  if (self != NULL && gtk_list_item_get_item (item) != NULL)
    row_activate_cb (GPM_SCOPE_SIDEBAR (self), gtk_list_item_get_position (item));
}

/* The expander stays the list item's child: it is what the arrow keys
 * focus and what focused_expander() looks for. */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *row = gpm_scope_row_new ();

  g_signal_connect_object (row, "title-clicked", G_CALLBACK (title_clicked_cb), item, 0);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), row);
  gtk_list_item_set_child (item, expander);
}

static GpmScopeRow *
item_row (GtkListItem *item)
{
  return GPM_SCOPE_ROW (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (gtk_list_item_get_child (item))));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr(GpmScopeNode) node = gtk_tree_list_row_get_item (row);

  gpm_scope_row_bind (item_row (item), row, node);
  gpm_a11y_label_list_item (item, gpm_scope_node_get_title (node));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gpm_scope_row_unbind (item_row (item));
}

/* Enter or a double click on a row: that audience's posts (it is already
 * the one viewed); the window shows the post list when it is folded. */
static void
row_activate_cb (GpmScopeSidebar *self,
                 guint            position)
{
  GtkSelectionModel *model = gtk_list_view_get_model (self->list_view);

  if (model == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (model)))
    return;

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), position);
  g_signal_emit (self, signals[VIEW_ACTIVATED], 0);
}

/* The row the keyboard focus is in: the focus sits on the list's row widget
 * (above the expander, after the arrow keys), on the expander, or on the
 * check button inside it. */
static GtkTreeExpander *
focused_expander (GpmScopeSidebar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    return NULL;

  for (GtkWidget *w = focus; w != NULL && w != GTK_WIDGET (self->list_view); w = gtk_widget_get_parent (w))
    if (GTK_IS_TREE_EXPANDER (w))
      return GTK_TREE_EXPANDER (w);

  if (GTK_IS_TREE_EXPANDER (gtk_widget_get_first_child (focus)))
    return GTK_TREE_EXPANDER (gtk_widget_get_first_child (focus));
  return NULL;
}

/* Space ticks or unticks the focused audience, as the shortcuts window
 * says. GtkListView binds Space on its rows to selecting them, which does
 * nothing here (the list has no selection; ticking is the selection), so
 * the sidebar takes Space in the capture phase while the focus is in a row.
 * Elsewhere the key goes on as usual. */
static gboolean
toggle_focused_cb (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  GpmScopeSidebar *self = GPM_SCOPE_SIDEBAR (widget);
  GtkTreeExpander *expander = focused_expander (self);
  GtkTreeListRow *row;
  g_autoptr(GpmScopeNode) node = NULL;

  if (expander == NULL || (row = gtk_tree_expander_get_list_row (expander)) == NULL)
    return FALSE;

  node = gtk_tree_list_row_get_item (row);
  gpm_scope_node_set_active (node, !gpm_scope_node_get_active (node));
  return TRUE;
}

static void
toggle_focused_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  toggle_focused_cb (widget, NULL, NULL);
}

static void
preset_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  gpm_scope_sidebar_apply_preset (GPM_SCOPE_SIDEBAR (widget), g_variant_get_string (param, NULL));
}

static void
gpm_scope_sidebar_dispose (GObject *object)
{
  GpmScopeSidebar *self = GPM_SCOPE_SIDEBAR (object);

  g_clear_handle_id (&self->changed_idle, g_source_remove);
  if (self->building != NULL)
    g_cancellable_cancel (self->building);
  g_clear_object (&self->building);
  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_SCOPE_SIDEBAR);
  g_clear_object (&self->roots);
  g_clear_object (&self->index);

  G_OBJECT_CLASS (gpm_scope_sidebar_parent_class)->dispose (object);
}

static void
gpm_scope_sidebar_class_init (GpmScopeSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_scope_sidebar_dispose;

  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The audience the post list should show changed
   * (gpm_scope_sidebar_get_viewed_node(), NULL for the ticked ones). */
  signals[VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[VIEW_ACTIVATED] =
    g_signal_new ("view-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-scope-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmScopeSidebar, box);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeSidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeSidebar, summary_label);
  gtk_widget_class_bind_template_child (widget_class, GpmScopeSidebar, public_note_label);
  gtk_widget_class_bind_template_callback (widget_class, row_activate_cb);

  gtk_widget_class_install_action (widget_class, "sidebar.preset", "s", preset_action);
  gtk_widget_class_install_action (widget_class, "sidebar.toggle-focused", NULL, toggle_focused_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gpm-scope-sidebar");
}

static void
gpm_scope_sidebar_init (GpmScopeSidebar *self)
{
  GtkListItemFactory *factory;
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_space, 0),
                                                          gtk_callback_action_new (toggle_focused_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  gpm_a11y_tab_leaves (GTK_WIDGET (self->list_view));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
}
