/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-scope-sidebar"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <time.h>

#include "gpm-a11y.h"
#include "gpm-scope-row.h"
#include "gpm-scope-sidebar.h"
#include "gpm-util.h"

/* DESIGN: the ticks of audiences that appear while a takeout is read.
 *
 * The tree shows the first posts at once and grows as the rest is read:
 * counts go up, audiences not seen before are added in their place. A node
 * on screen never changes its tick by itself: what the user sees and ticks
 * stays as it is. A new audience gets the tick it would have had at the
 * start, unless the user said something that covers it:
 *
 *  1. the user ticked or unticked its group's box (Circles, Communities,
 *     Collections, Events, People) since the last preset: the same, as the
 *     last time (unticking "Communities" means no community, also one
 *     found later);
 *  2. else, after a saved selection was put back (gpm_scope_sidebar_select_keys():
 *     a plan or a migration going on): ticked when it is one of its keys;
 *  3. else the last preset: "Everything" ticks it, "Nothing" does not,
 *     "Essentially public" (the start) ticks Public and the communities
 *     not known to be closed (DESIGN in gpm-scope.h).
 *
 * So ticking or unticking single audiences (unticking one community)
 * leaves the rest to the default (a new community comes ticked), while
 * narrowing by a group or a preset ("Nothing", then Public) holds for the
 * audiences found later too. The plan and a migration's record keep the
 * keys ticked when they are made, after the whole takeout is read
 * (Migrate… waits for it), as before.
 *
 * A community's class can change while the takeout is read (a later post
 * is public: open; the first post with isPublic comes: the others closed).
 * When the read ends (gpm_scope_sidebar_update_index()) each community
 * the user did not tick or untick since the last rule was set gets the
 * rule's tick again, so a community found closed at the end is not left
 * ticked by the guess made when its first post came; a box the user
 * ticked or unticked stays as it is. */
typedef enum {
  BASE_DEFAULT,  /* "essentially public" */
  BASE_ALL,
  BASE_NONE,
} Base;

struct _GpmScopeSidebar
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkListView   *list_view;
  GtkLabel      *summary_label;
  GtkLabel      *public_note_label;
  GMenu         *preset_section;

  GpmScopeIndex *index;       /* the takeout's, once it is read */
  GPtrArray     *posts;       /* GpmPost*: every post counted in the tree */
  GListStore    *roots;
  guint          changed_idle;
  GCancellable  *building;
  GCancellable  *counting;    /* the summary's count being made */
  guint          counted;     /* posts[0, counted) are in n_selected */
  guint          n_selected;

  /* The tick an audience new to the tree gets (DESIGN above) */
  Base           base;
  gint8          group_ticks[GPM_SCOPE_N_KINDS];  /* -1, or the user's last tick of the group */
  GHashTable    *wanted;      /* the keys of a selection put back, or NULL */
  guint          applying;    /* the sidebar sets ticks itself: not the user's choice */
  char          *unknown_note; /* the note's words when the takeout does not say which communities were closed */
  guint          rule_serial; /* one more at each set_rule(): a leaf's "gpm-user-ticked" of an older one is stale */
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

/* The summary: "N of M posts selected" */

static gboolean
post_is_ticked (GpmPost    *post,
                GHashTable *ticked)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);

  for (guint k = 0; scopes != NULL && k < scopes->len; k++)
    if (g_hash_table_contains (ticked, gpm_scope_get_key (g_ptr_array_index (scopes, k))))
      return TRUE;
  return FALSE;
}

static GHashTable *
ticked_set (GStrv keys)
{
  GHashTable *ticked = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; keys[i] != NULL; i++)
    g_hash_table_add (ticked, keys[i]);
  return ticked;
}

static void
show_summary (GpmScopeSidebar *self)
{
  guint total = self->posts != NULL ? self->posts->len : 0;
  g_autofree char *text = NULL;
  g_autofree char *selected = NULL;
  g_autofree char *all = NULL;

  if (self->roots == NULL)
    {
      gtk_label_set_label (self->summary_label, "");
      return;
    }
  /* grouped as the language writes numbers (gpm_format_count()) */
  selected = gpm_format_count (self->n_selected);
  all = gpm_format_count (total);
  /* Translators: "12 of 1,340 posts selected" */
  text = g_strdup_printf (ngettext ("%s of %s post selected", "%s of %s posts selected", total), selected, all);
  gtk_label_set_label (self->summary_label, text);
}

/* Posts counted into the tree since the summary's last count: counted
 * here, a batch's worth (unless a count of them all is on its way) */
static void
count_new_posts (GpmScopeSidebar *self)
{
  g_auto(GStrv) keys = NULL;
  g_autoptr(GHashTable) ticked = NULL;

  if (self->counting != NULL || self->posts == NULL || self->counted == self->posts->len)
    return;
  keys = gpm_scope_sidebar_get_selected_keys (self);
  ticked = ticked_set (keys);
  for (; self->counted < self->posts->len; self->counted++)
    if (post_is_ticked (g_ptr_array_index (self->posts, self->counted), ticked))
      self->n_selected++;
  show_summary (self);
}

typedef struct {
  GPtrArray *keep;    /* the sidebar's posts: they live while the count reads them */
  GPtrArray *posts;   /* its first posts, as they were (not referenced) */
  GStrv      keys;
} Count;

static void
count_free (Count *count)
{
  g_ptr_array_unref (count->keep);
  g_ptr_array_unref (count->posts);
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
  g_autoptr(GHashTable) ticked = ticked_set (count->keys);
  gssize n = 0;

  for (guint i = 0; g_hash_table_size (ticked) > 0 && i < count->posts->len; i++)
    if (post_is_ticked (g_ptr_array_index (count->posts, i), ticked))
      n++;
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

  if (g_task_get_cancellable (G_TASK (result)) != self->counting)
    return;   /* superseded */
  g_clear_object (&self->counting);

  self->n_selected = selected;
  self->counted = count->posts->len;
  show_summary (self);
  /* and the posts that came meanwhile */
  count_new_posts (self);
}

static void
update_summary (GpmScopeSidebar *self)
{
  g_autoptr(GTask) task = NULL;
  Count *count;

  if (self->counting != NULL)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);

  if (self->roots == NULL || self->posts == NULL)
    {
      show_summary (self);
      return;
    }

  count = g_new0 (Count, 1);
  count->keep = g_ptr_array_ref (self->posts);
  /* (a copy of the pointers: the array grows while the takeout is read) */
  count->posts = g_ptr_array_copy (self->posts, NULL, NULL);
  g_ptr_array_set_free_func (count->posts, NULL);
  count->keys = gpm_scope_sidebar_get_selected_keys (self);
  self->counting = g_cancellable_new ();
  task = g_task_new (self, self->counting, count_done_cb, NULL);
  g_task_set_source_tag (task, update_summary);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, count, (GDestroyNotify) count_free);
  gpm_task_run_in_thread (task, count_thread);
}

/* The "essentially public" preset's menu item says what it ticks: the
 * open communities when the takeout says which were closed (the closed
 * ones are left out), else all of them (an older takeout does not say) */
static void
update_preset_label (GpmScopeSidebar *self,
                     gboolean         classes_known)
{
  const char *label = classes_known ? _("_Essentially Public: Public and Open Communities")
                                    : _("_Essentially Public: Public and Communities");
  g_autofree char *now = NULL;
  g_autoptr(GMenuItem) item = NULL;

  if (g_menu_model_get_item_attribute (G_MENU_MODEL (self->preset_section), 0, G_MENU_ATTRIBUTE_LABEL, "s", &now) &&
      g_str_equal (now, label))
    return;
  item = g_menu_item_new (label, NULL);
  g_menu_item_set_action_and_target (item, "sidebar.preset", "s", "essentially-public");
  g_menu_remove (self->preset_section, 0);
  g_menu_insert_item (self->preset_section, 0, item);
}

/* Says what "essentially public" means, and that community posts become
 * public, when the takeout has any. */
static void
update_public_note (GpmScopeSidebar *self)
{
  gboolean communities = FALSE, all_known = TRUE;
  guint n = self->roots ? g_list_model_get_n_items (G_LIST_MODEL (self->roots)) : 0;

  for (guint i = 0; i < n && !communities; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);
      GListModel *children = gpm_scope_node_get_children (node);

      communities = gpm_scope_node_get_becomes_public (node);
      for (guint k = 0; communities && k < g_list_model_get_n_items (children); k++)
        {
          g_autoptr(GpmScopeNode) leaf = g_list_model_get_item (children, k);

          all_known &= gpm_scope_node_get_community_class (leaf) != GPM_COMMUNITY_UNKNOWN;
        }
    }

  /* The takeout says which communities were closed (isPublic), or it
   * does not (an older one: the template's words, the user unticks them) */
  if (communities && all_known)
    gtk_label_set_label (self->public_note_label,
                         _("Community posts become public on diaspora*, which has no communities. "
                           "Public and the open communities together are “essentially public”, the preset ticked at first. "
                           "The takeout says which communities were closed: those are marked, not ticked at first, "
                           "and their posts go to an aspect you choose, never public."));
  else if (communities)
    gtk_label_set_label (self->public_note_label, self->unknown_note);
  gtk_widget_set_visible (GTK_WIDGET (self->public_note_label), communities);
  update_preset_label (self, communities && all_known);
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

/* The ticks' rule (DESIGN above) */

static void
set_rule (GpmScopeSidebar    *self,
          Base                base,
          const char * const *wanted)
{
  self->base = base;
  self->rule_serial++;
  memset (self->group_ticks, -1, sizeof self->group_ticks);
  g_clear_pointer (&self->wanted, g_hash_table_unref);
  if (wanted != NULL)
    {
      self->wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; wanted[i] != NULL; i++)
        g_hash_table_add (self->wanted, g_strdup (wanted[i]));
    }
}

static gboolean
rule_ticks (GpmScopeSidebar *self,
            GpmScopeNode    *leaf)
{
  GpmScopeKind kind = gpm_scope_node_get_kind (leaf);

  if (gpm_scope_node_get_parent (leaf) != NULL && self->group_ticks[kind] >= 0)
    return self->group_ticks[kind] > 0;
  if (self->wanted != NULL)
    return g_hash_table_contains (self->wanted, gpm_scope_node_get_key (leaf));
  switch (self->base)
    {
    case BASE_ALL:
      return TRUE;
    case BASE_NONE:
      return FALSE;
    case BASE_DEFAULT:
    default:
      /* a closed community is private, as a circle is */
      return gpm_scope_kind_is_essentially_public (kind) &&
             gpm_scope_node_get_community_class (leaf) != GPM_COMMUNITY_CLOSED;
    }
}

/* The user ticked or unticked @leaf since the rule was set */
static gboolean
user_ticked (GpmScopeSidebar *self,
             GpmScopeNode    *leaf)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (leaf), "gpm-user-ticked")) == self->rule_serial;
}

/* The read ended: the communities the user left alone get the rule's tick
 * for the class they ended with (DESIGN above) */
static void
reapply_community_ticks (GpmScopeSidebar *self)
{
  g_autoptr(GpmScopeNode) group = NULL;
  GListModel *children;
  guint n;

  if (self->roots == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  for (guint i = 0; i < n && group == NULL; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      if (gpm_scope_node_get_children (node) != NULL && gpm_scope_node_get_kind (node) == GPM_SCOPE_COMMUNITY)
        group = g_steal_pointer (&node);
    }
  if (group == NULL)
    return;
  children = gpm_scope_node_get_children (group);
  self->applying++;
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(GpmScopeNode) leaf = g_list_model_get_item (children, i);
      gboolean tick = rule_ticks (self, leaf);

      if (!user_ticked (self, leaf) && gpm_scope_node_get_active (leaf) != tick)
        gpm_scope_node_set_active (leaf, tick);
    }
  self->applying--;
}

/* The user ticked or unticked a box: a group's is remembered for the
 * audiences of that group found later; a single audience's needs nothing,
 * its node keeps its tick */
static void
node_toggled_cb (GpmScopeSidebar *self,
                 GpmScopeNode    *node)
{
  if (self->applying > 0)
    return;
  if (gpm_scope_node_get_children (node) != NULL)
    self->group_ticks[gpm_scope_node_get_kind (node)] = gpm_scope_node_get_active (node) ? 1 : 0;
  else
    g_object_set_data (G_OBJECT (node), "gpm-user-ticked", GUINT_TO_POINTER (self->rule_serial));
}

static void
watch_node (GpmScopeSidebar *self,
            GpmScopeNode    *node)
{
  if (g_object_get_data (G_OBJECT (node), "gpm-watched") != NULL)
    return;
  g_object_set_data (G_OBJECT (node), "gpm-watched", self);
  g_signal_connect_object (node, "toggled", G_CALLBACK (node_toggled_cb), self, G_CONNECT_SWAPPED);
  if (gpm_scope_node_get_children (node) == NULL)
    g_signal_connect_object (node, "notify::active",
                             G_CALLBACK (node_active_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Leaves new to the tree (and their groups): watched, ticked by the rule */
static void
take_new_leaves (GpmScopeSidebar *self,
                 GPtrArray       *leaves)
{
  self->applying++;
  for (guint i = 0; i < leaves->len; i++)
    {
      GpmScopeNode *leaf = g_ptr_array_index (leaves, i);

      if (gpm_scope_node_get_parent (leaf) != NULL)
        watch_node (self, gpm_scope_node_get_parent (leaf));
      watch_node (self, leaf);
      if (rule_ticks (self, leaf))
        gpm_scope_node_set_active (leaf, TRUE);
    }
  self->applying--;
}

static void
collect_leaves (GListModel *model,
                GPtrArray  *out)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      GpmScopeNode *node = g_list_model_get_item (model, i);
      GListModel *children = gpm_scope_node_get_children (node);

      if (children != NULL)
        {
          collect_leaves (children, out);
          g_object_unref (node);
        }
      else
        g_ptr_array_add (out, node);
    }
}

/* Every audience ticked as the rule says: a preset, a selection put back,
 * a new tree. A group whose audiences all get the same tick is set as one
 * (a tick per leaf updates the group each time: thousands of people) */
static void
apply_rule (GpmScopeSidebar *self)
{
  guint n;

  if (self->roots == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  self->applying++;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);
      GListModel *children = gpm_scope_node_get_children (node);
      guint n_children = children != NULL ? g_list_model_get_n_items (children) : 0;
      g_autofree gboolean *ticks = NULL;
      guint n_ticked = 0;

      if (children == NULL)
        {
          gpm_scope_node_set_active (node, rule_ticks (self, node));
          continue;
        }
      ticks = g_new (gboolean, n_children);
      for (guint k = 0; k < n_children; k++)
        {
          g_autoptr(GpmScopeNode) leaf = g_list_model_get_item (children, k);

          ticks[k] = rule_ticks (self, leaf);
          n_ticked += ticks[k] ? 1 : 0;
        }
      if (n_ticked == 0 || n_ticked == n_children)
        gpm_scope_node_set_active (node, n_ticked > 0);
      else
        for (guint k = 0; k < n_children; k++)
          {
            g_autoptr(GpmScopeNode) leaf = g_list_model_get_item (children, k);

            gpm_scope_node_set_active (leaf, ticks[k]);
          }
    }
  self->applying--;
}

void
gpm_scope_sidebar_apply_preset (GpmScopeSidebar *self,
                                const char      *preset)
{
  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));

  if (g_strcmp0 (preset, "essentially-public") == 0)
    set_rule (self, BASE_DEFAULT, NULL);
  else
    set_rule (self, g_strcmp0 (preset, "everything") == 0 ? BASE_ALL : BASE_NONE, NULL);
  apply_rule (self);
}

void
gpm_scope_sidebar_select_keys (GpmScopeSidebar    *self,
                               const char * const *keys)
{
  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));

  set_rule (self, BASE_NONE, keys != NULL ? keys : (const char * const []) { NULL });
  apply_rule (self);
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  GListModel *children = gpm_scope_node_get_children (GPM_SCOPE_NODE (item));

  return children ? g_object_ref (children) : NULL;
}

/* A new takeout's tree on screen (then grown in place while it is read) */
static void
install_tree (GpmScopeSidebar *self,
              GListStore      *roots)
{
  GtkTreeListModel *tree;
  GtkSingleSelection *selection;
  g_autoptr(GPtrArray) leaves = g_ptr_array_new_with_free_func (g_object_unref);

  g_clear_object (&self->roots);
  self->roots = g_object_ref (roots);
  collect_leaves (G_LIST_MODEL (self->roots), leaves);
  for (guint i = 0; i < leaves->len; i++)
    {
      GpmScopeNode *leaf = g_ptr_array_index (leaves, i);

      if (gpm_scope_node_get_parent (leaf) != NULL)
        watch_node (self, gpm_scope_node_get_parent (leaf));
      watch_node (self, leaf);
    }
  apply_rule (self);

  tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)), FALSE, TRUE,
                                  create_children_cb, NULL, NULL);
  selection = gtk_single_selection_new (G_LIST_MODEL (tree));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  /* Made with autoselect on, it picked the first row: nothing is looked
   * into at first, the list shows the ticked audiences */
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (selection, "notify::selected-item",
                           G_CALLBACK (viewed_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  update_public_note (self);
  node_active_changed_cb (self);
  viewed_changed_cb (self);
}

/* Another takeout: nothing of the one shown before stays */
static void
clear (GpmScopeSidebar *self)
{
  if (self->building != NULL)
    g_cancellable_cancel (self->building);
  g_clear_object (&self->building);
  if (self->counting != NULL)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  g_clear_object (&self->index);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  self->counted = self->n_selected = 0;
  set_rule (self, BASE_DEFAULT, NULL);
  if (self->roots != NULL)
    {
      g_clear_object (&self->roots);
      gtk_list_view_set_model (self->list_view, NULL);
      viewed_changed_cb (self);
    }
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
  install_tree (self, roots);
}

void
gpm_scope_sidebar_set_index (GpmScopeSidebar *self,
                             GpmScopeIndex   *index)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));
  g_return_if_fail (GPM_IS_SCOPE_INDEX (index));

  clear (self);
  self->index = g_object_ref (index);
  self->posts = g_ptr_array_ref (gpm_scope_index_get_posts (index));
  self->building = g_cancellable_new ();

  task = g_task_new (self, self->building, build_done_cb, NULL);
  g_task_set_source_tag (task, gpm_scope_sidebar_set_index);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_object_ref (index), g_object_unref);
  gpm_task_run_in_thread (task, build_thread);
}

void
gpm_scope_sidebar_begin (GpmScopeSidebar *self)
{
  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));

  clear (self);
  self->posts = g_ptr_array_new_with_free_func (g_object_unref);
}

void
gpm_scope_sidebar_add_posts (GpmScopeSidebar *self,
                             GPtrArray       *posts)
{
  g_autoptr(GPtrArray) leaves = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));
  g_return_if_fail (self->posts != NULL && self->index == NULL && self->building == NULL);

  for (guint i = 0; i < posts->len; i++)
    g_ptr_array_add (self->posts, g_object_ref (g_ptr_array_index (posts, i)));
  if (self->roots == NULL)
    {
      /* The first batch: its tree made before the view sees it, not one
       * change of the view per audience */
      g_autoptr(GListStore) roots = g_list_store_new (GPM_TYPE_SCOPE_NODE);

      gpm_scope_tree_add_posts (roots, posts, NULL);
      install_tree (self, roots);
    }
  else
    {
      gpm_scope_tree_add_posts (self->roots, posts, leaves);
      if (leaves->len > 0)
        take_new_leaves (self, leaves);
      /* (a community's class may have changed with the batch) */
      update_public_note (self);
    }
  count_new_posts (self);
}

void
gpm_scope_sidebar_update_index (GpmScopeSidebar *self,
                                GpmScopeIndex   *index)
{
  g_return_if_fail (GPM_IS_SCOPE_SIDEBAR (self));
  g_return_if_fail (GPM_IS_SCOPE_INDEX (index));

  if (self->roots == NULL || self->posts == NULL || self->index != NULL)
    {
      gpm_scope_sidebar_set_index (self, index);
      return;
    }
  /* The same posts, counted already: only their names may differ, and
   * the ticks of communities whose class changed while they were read */
  g_set_object (&self->index, index);
  gpm_scope_tree_set_titles (self->roots, index);
  reapply_community_ticks (self);
  update_public_note (self);
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
  if (self->counting != NULL)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_SCOPE_SIDEBAR);
  g_clear_object (&self->roots);
  g_clear_object (&self->index);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  g_clear_pointer (&self->wanted, g_hash_table_unref);
  g_clear_pointer (&self->unknown_note, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, GpmScopeSidebar, preset_section);
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
  self->unknown_note = g_strdup (gtk_label_get_label (self->public_note_label));
  set_rule (self, BASE_DEFAULT, NULL);

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
