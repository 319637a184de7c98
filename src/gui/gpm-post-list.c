/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list.c: the post list widget: the search entry, the heading,
 * the list view and its growing slice, and the rows' state (ticked, plan,
 * warnings, migration). Which posts match is the model's job
 * (gpm-post-list-model.c, in a worker), a row's look the row's
 * (gpm-post-list-row.c). */
#define G_LOG_DOMAIN "gpm-post-list"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "gpm-a11y.h"
#include "gpm-convert.h"
#include "gpm-gui-util.h"
#include "gpm-journal.h"
#include "gpm-post-check.h"
#include "gpm-post-list.h"
#include "gpm-post-list-model.h"
#include "gpm-post-list-row.h"
#include "gpm-post-list-slice.h"
#include "gpm-util.h"
/* GTK 4.8's list view keeps up to 200 rows around its anchor and creates,
 * binds and measures them all at once when a list fills up: 80 ms and more
 * for these rows. The view sees a slice of the list that grows by ROWS_STEP
 * a frame until it holds more rows than the view keeps, then all of it.
 * Each step also makes the X11 toplevel measure the whole window again
 * (GtkWindow's compute-size in the frame's update phase): about 12 ms a frame
 * with cairo for 12 rows, 14 for 24, 24-35 ms for the first steps, so the
 * steps are kept small. It starts empty: the first frame of a page just
 * shown lays out and paints all of it the first time (30-50 ms of CPU at
 * 100,000 posts with 12 rows in it). */
#define ROWS_STEP 12
#define ROWS_LIMIT 240
#define ROWS_ALL GPM_POST_LIST_SLICE_ALL
struct _GpmPostList
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;
  GtkLabel           *count_label;
  GtkLabel           *view_label;
  GtkWidget          *show_selected_button;
  GtkToggleButton    *warnings_button;
  AdwStatusPage      *empty_page;

  GpmPostListModel   *model;      /* every post, and those matching */
  GpmPostListSlice   *slice;      /* what the view sees, see ROWS_STEP */
  guint               grow_id;
  guint               grown_to;   /* the slice's size after the last step */
  gboolean            expecting;  /* posts are on their way (gpm_post_list_expect_posts()) */
  GtkSingleSelection *selection;

  GHashTable         *keys;      /* selected scope keys */
  GHashTable         *view_keys; /* the audience looked into, NULL: the selection */
  char               *view_heading;
  char               *search;    /* case-folded, NULL when empty */
  GpmPlan            *plan;      /* posts left out or edited, for the rows */
  GHashTable         *warnings;  /* GpmPost* → GpmPostWarnings; NULL: not checked yet */
  gboolean            warnings_only;
  gboolean            follow_top;  /* the newest post selected until the user picks another */
  gpointer            last_selected;  /* compared only, not a reference */

  GpmPostStateFunc    state_func;
  gpointer            state_data;
  GHashTable         *bound;     /* GtkListItem* currently bound */
  guint               state_serial;  /* changed whenever the rows' state may have */
  GdkFrameClock      *clock;     /* the view's, while realized */
  gulong              layout_id;
  guint               fill_id;   /* rows bound off screen are shown when idle */
};
G_DEFINE_FINAL_TYPE (GpmPostList, gpm_post_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_POST,
  N_PROPS
};

enum {
  ACTIVATE,
  SHOW_SELECTION,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
post_in_keys (GpmPost    *post,
              GHashTable *keys)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);

  for (guint i = 0; scopes != NULL && i < scopes->len; i++)
    if (g_hash_table_contains (keys, gpm_scope_get_key (g_ptr_array_index (scopes, i))))
      return TRUE;
  return FALSE;
}

/* The model filters with what the list holds now; the sets given to it
 * are not changed afterwards (each change makes new ones). */
static void
apply_filter (GpmPostList *self)
{
  gpm_post_list_model_set_filter (self->model, self->keys, self->view_keys, self->search,
                                  self->warnings_only, self->warnings);
}

static void
update_heading (GpmPostList *self)
{
  const char *text;

  if (self->view_keys != NULL)
    text = self->view_heading;
  else if (self->search != NULL)
    text = _("Search in all posts, selected or not");
  else
    text = _("Posts of the selected audiences");

  if (self->warnings_only)
    {
      g_autofree char *with = NULL;

      if (self->warnings == NULL)
        with = g_strdup (_("Looking for posts with warnings…"));
      else
        /* Translators: the post list's heading with the warnings filter on;
         * %s is what it shows otherwise ("Posts of the selected audiences") */
        with = g_strdup_printf (_("%s, with warnings"), text);
      gtk_label_set_label (self->view_label, with);
    }
  else
    gtk_label_set_label (self->view_label, text);
  gtk_widget_set_visible (self->show_selected_button, self->view_keys != NULL);

  if (self->warnings_only && self->warnings != NULL)
    {
      adw_status_page_set_title (self->empty_page, _("No Posts With Warnings"));
      adw_status_page_set_description (self->empty_page, _("None of these posts needs a look before it is moved."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No Posts"));
      adw_status_page_set_description (self->empty_page, _("Tick an audience on the left, or change the search."));
    }
}

static void
warnings_toggled_cb (GpmPostList *self)
{
  gpm_post_list_set_warnings_only (self, gtk_toggle_button_get_active (self->warnings_button));
}

void
gpm_post_list_set_warnings_only (GpmPostList *self,
                                 gboolean     only)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  if (gtk_toggle_button_get_active (self->warnings_button) != only)
    gtk_toggle_button_set_active (self->warnings_button, only);   /* comes back here */
  if (self->warnings_only == only)
    return;
  self->warnings_only = only;
  update_heading (self);
  apply_filter (self);
}

void
gpm_post_list_set_warnings (GpmPostList *self,
                            GHashTable  *warnings)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  g_clear_pointer (&self->warnings, g_hash_table_unref);
  self->warnings = warnings ? g_hash_table_ref (warnings) : NULL;
  update_heading (self);
  if (self->warnings_only)
    apply_filter (self);
  gpm_post_list_refresh_states (self);
}

GpmPostWarnings
gpm_post_list_get_post_warnings (GpmPostList *self,
                                 GpmPost     *post)
{
  g_return_val_if_fail (GPM_IS_POST_LIST (self), GPM_POST_WARNING_NONE);
  return self->warnings ? GPOINTER_TO_UINT (g_hash_table_lookup (self->warnings, post)) : GPM_POST_WARNING_NONE;
}

void
gpm_post_list_set_plan (GpmPostList *self,
                        GpmPlan     *plan)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  g_set_object (&self->plan, plan);
  gpm_post_list_refresh_states (self);
}

static void
update_count (GpmPostList *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  gboolean filtering = gpm_post_list_model_is_filtering (self->model) || self->expecting;
  g_autofree char *text = NULL;

  if (filtering)
    text = g_strdup (_("Looking through your posts…"));
  else
    {
      g_autofree char *n = gpm_format_count (shown);

      text = g_strdup_printf (ngettext ("%s post", "%s posts", shown), n);
    }
  gtk_label_set_label (self->count_label, text);

  gtk_stack_set_visible_child_name (self->stack,
                                    shown > 0 || filtering
                                    ? "list" : "empty");
}

static void
show_all_rows (GpmPostList *self)
{
  if (self->grow_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->grow_id);
      self->grow_id = 0;
    }
  gpm_post_list_slice_set_size (self->slice, ROWS_ALL);
}

static gboolean
grow_rows_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  GpmPostList *self = user_data;
  guint size = gpm_post_list_slice_get_size (self->slice);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

  if (n < size)
    {
      /* The filter has not found that many yet: wait, or it found them all */
      if (gpm_post_list_model_is_filtering (self->model))
        return G_SOURCE_CONTINUE;
      self->grow_id = 0;
      gpm_post_list_slice_set_size (self->slice, ROWS_ALL);
      return G_SOURCE_REMOVE;
    }

  /* Posts inserted among its rows widened it since (each a row made, to be
   * measured in this frame; gpm-post-list-model.c puts in a few a step),
   * or its first frame (the whole page laid out and painted the first
   * time): no more rows in this one */
  if (size != self->grown_to)
    {
      self->grown_to = size;
      return G_SOURCE_CONTINUE;
    }
  size += ROWS_STEP;
  if (size < ROWS_LIMIT)
    {
      gpm_post_list_slice_set_size (self->slice, size);
      self->grown_to = size;
      return G_SOURCE_CONTINUE;
    }

  self->grow_id = 0;
  gpm_post_list_slice_set_size (self->slice, ROWS_ALL);
  return G_SOURCE_REMOVE;
}

/* The list emptied (new posts, or a refilter that starts over): the rows
 * come back a few at a time, one step a frame (tick callbacks run once the
 * view is realized). */
static void
start_growing (GpmPostList *self)
{
  /* None in the first frame (see ROWS_STEP), once there are frames: a
   * view never shown has its first rows as before */
  gpm_post_list_slice_set_size (self->slice, gtk_widget_get_realized (GTK_WIDGET (self->list_view)) ? 0 : ROWS_STEP);
  self->grown_to = G_MAXUINT;
  if (self->grow_id == 0)
    self->grow_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), grow_rows_cb, self, NULL);
}

/* A search or a tick replaces many posts: GTK 4.8 would look up every post
 * the change adds when a row it tracks (the top one, the selected one) is
 * among those it removes, 100-300 ms at 100,000 posts; starting over (as
 * GTK's own filter model did) drops its 200 rows and makes them again.
 * The model replaces the list whole instead (new posts before the old),
 * and the view moves to the new ones in between (replacing_cb()), binding
 * its rows to them. */
static gboolean
refiltering_cb (GpmPostList *self,
                guint        removed,
                guint        added)
{
  return removed + added > 2 * ROWS_LIMIT;
}

/* The list is the new result, then the old posts (which go next): the
 * selected post stays selected if in the result, else its first post is;
 * the view shows the result from its top. Its rows go to the new posts
 * (bound, shown in this frame if on screen). */
static void
replacing_cb (GpmPostList *self)
{
  GpmPost *selected = gtk_single_selection_get_selected_item (self->selection);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->slice));
  guint position = selected ? gpm_post_list_model_find_shown (self->model, selected) : 0;

  if (position >= n)
    position = 0;
  if (n > 0)
    {
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
    }
}

/* The posts whose rows the view has made (those on screen and a few
 * hundred around them, the focused one) and the selected one: a change
 * that removes none of them keeps the view's rows (the model tells its
 * changes around them). */
static void
pin_cb (GHashTable *pinned,
        gpointer    user_data)
{
  GpmPostList *self = user_data;
  GHashTableIter iter;
  gpointer item;

  if (gtk_single_selection_get_selected_item (self->selection) != NULL)
    g_hash_table_add (pinned, gtk_single_selection_get_selected_item (self->selection));
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    if (gtk_list_item_get_item (item) != NULL)
      g_hash_table_add (pinned, gtk_list_item_get_item (item));
}

static void
selection_changed_cb (GpmPostList *self)
{
  gpointer item = gtk_single_selection_get_selected_item (self->selection);

  /* A post picked (not the top one autoselect or slice_items_changed_cb()
   * chose) stays selected as posts come in. GTK 4.8 also tells of the same
   * post moved down by posts inserted above it. */
  if (item != self->last_selected && gtk_single_selection_get_selected (self->selection) != 0)
    self->follow_top = FALSE;
  self->last_selected = item;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_POST]);
}

/* Runs after the selection's own handler. Posts read later that are newer
 * go above the selected one, which GtkSingleSelection keeps: a takeout
 * opened from the command line (its first batch listed before the window
 * was shown) ended with an old post in the preview and the newest at the
 * top, unselected. Until the user picks a post, the top one is selected. */
static void
slice_items_changed_cb (GpmPostList *self,
                        guint        position,
                        guint        removed,
                        guint        added)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (self->follow_top && position == 0 && added > 0 &&
      selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, 0);
}

void
gpm_post_list_set_posts (GpmPostList *self,
                         GPtrArray   *posts)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  /* Another takeout starts with an empty search: the last one's words would
   * hide its posts behind "No Posts". The entry's own "search-changed" comes
   * later and then finds nothing to change. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_clear_pointer (&self->search, g_free);
  apply_filter (self);

  self->follow_top = TRUE;
  self->expecting = FALSE;
  start_growing (self);
  gpm_post_list_model_set_posts (self->model, posts);
  update_count (self);
}

void
gpm_post_list_expect_posts (GpmPostList *self)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  self->expecting = TRUE;
  update_count (self);
}

void
gpm_post_list_add_posts (GpmPostList *self,
                         GPtrArray   *posts)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  if (posts == NULL || posts->len == 0)
    return;
  self->expecting = FALSE;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    start_growing (self);
  gpm_post_list_model_add_posts (self->model, posts);
  update_count (self);
}

static gboolean
same_keys (GHashTable *a,
           GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  if (a == NULL || b == NULL)
    return a == b;
  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      return FALSE;
  return TRUE;
}

void
gpm_post_list_set_scope_keys (GpmPostList        *self,
                              const char * const *keys)
{
  g_autoptr(GHashTable) new_keys = NULL;

  g_return_if_fail (GPM_IS_POST_LIST (self));

  new_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    g_hash_table_add (new_keys, g_strdup (keys[i]));

  /* The same selection (the sidebar's default preset arriving after the
   * window set it, a live rebuild of the sidebar): nothing to do */
  if (same_keys (new_keys, self->keys))
    return;

  g_clear_pointer (&self->keys, g_hash_table_unref);
  self->keys = g_steal_pointer (&new_keys);
  /* Looking into an audience or searching, the ticks only mark rows */
  if (self->view_keys == NULL && self->search == NULL)
    apply_filter (self);
  gpm_post_list_refresh_states (self);
}

void
gpm_post_list_set_view (GpmPostList        *self,
                        const char * const *keys,
                        const char         *heading)
{
  g_autoptr(GHashTable) view_keys = NULL;

  g_return_if_fail (GPM_IS_POST_LIST (self));

  if (keys != NULL)
    {
      view_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; keys[i] != NULL; i++)
        g_hash_table_add (view_keys, g_strdup (keys[i]));
    }
  g_free (self->view_heading);
  self->view_heading = g_strdup (heading);
  update_heading (self);

  /* The same audience (the sidebar made again while the takeout loads) */
  if (same_keys (view_keys, self->view_keys))
    return;
  g_clear_pointer (&self->view_keys, g_hash_table_unref);
  self->view_keys = g_steal_pointer (&view_keys);
  update_heading (self);
  apply_filter (self);
}
void
gpm_post_list_set_view_heading (GpmPostList *self,
                                const char  *heading)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  g_free (self->view_heading);
  self->view_heading = g_strdup (heading);
  update_heading (self);
}

gboolean
gpm_post_list_get_viewing (GpmPostList *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST (self), FALSE);
  return self->view_keys != NULL;
}

const char *
gpm_post_list_get_heading (GpmPostList *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST (self), NULL);
  return gtk_label_get_label (self->view_label);
}

void
gpm_post_list_set_search_text (GpmPostList *self,
                               const char  *text)
{
  g_autofree char *folded = NULL;

  g_return_if_fail (GPM_IS_POST_LIST (self));

  if (text != NULL && *text != '\0')
    folded = g_utf8_casefold (text, -1);

  if (g_strcmp0 (folded, self->search) == 0)
    return;

  /* A post found is the one looked at: it stays selected when the search
   * is cleared (the newest came back in the preview, the focus left on
   * the post found) */
  if (folded != NULL)
    self->follow_top = FALSE;
  g_free (self->search);
  self->search = g_steal_pointer (&folded);
  update_heading (self);
  apply_filter (self);
  gpm_post_list_refresh_states (self);
}

void
gpm_post_list_set_state_func (GpmPostList      *self,
                              GpmPostStateFunc  func,
                              gpointer          user_data)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  self->state_func = func;
  self->state_data = user_data;
  gpm_post_list_refresh_states (self);
}

static void update_state (GpmPostList *self, GtkListItem *item);

void
gpm_post_list_refresh_states (GpmPostList *self)
{
  GHashTableIter iter;
  gpointer item;

  g_return_if_fail (GPM_IS_POST_LIST (self));

  /* Only the rows on screen are bound; the others get it when bound */
  self->state_serial++;
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    update_state (self, item);
}

GListModel *
gpm_post_list_get_model (GpmPostList *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST (self), NULL);
  return G_LIST_MODEL (self->model);
}

gboolean
gpm_post_list_is_filtering (GpmPostList *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST (self), FALSE);
  return self->expecting || gpm_post_list_model_is_filtering (self->model) || gpm_post_list_model_is_adding (self->model) ||
         g_list_model_get_n_items (G_LIST_MODEL (self->model)) > gpm_post_list_slice_get_size (self->slice);
}

GpmPost *
gpm_post_list_get_selected_post (GpmPostList *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

void
gpm_post_list_select_position (GpmPostList *self,
                               guint        position)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));
  if (position >= gpm_post_list_slice_get_size (self->slice))
    show_all_rows (self);
  gtk_single_selection_set_selected (self->selection, position);
}

void
gpm_post_list_focus_search (GpmPostList *self)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
gpm_post_list_focus (GpmPostList *self)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

void
gpm_post_list_set_activate_on_single_click (GpmPostList *self,
                                            gboolean     single)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));
  gtk_list_view_set_single_click_activate (self->list_view, single);
}

static void
search_changed_cb (GpmPostList *self)
{
  gpm_post_list_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
show_selected_clicked_cb (GpmPostList *self)
{
  g_signal_emit (self, signals[SHOW_SELECTION], 0);
}

static void
stop_search_cb (GpmPostList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
activate_cb (GpmPostList *self,
             guint        position)
{
  g_autoptr(GpmPost) post = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (post == NULL)
    return;

  gtk_single_selection_set_selected (self->selection, position);
  g_signal_emit (self, signals[ACTIVATE], 0, post);
}

/* Rows */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              GpmPostList              *self)
{
  gtk_list_item_set_child (item, gpm_post_list_row_new ());
}

/* The rows bound off screen are shown once the list has not moved for
 * FILL_DELAY ms, FILL_STEP every FILL_INTERVAL ms: each costs the next
 * frame its labels measured again, 1-3 ms a row (shown while scrolling,
 * they doubled a frame's work) */
#define FILL_STEP 4
#define FILL_DELAY 250
#define FILL_INTERVAL 20

static gboolean
fill_rows_cb (gpointer user_data)
{
  GpmPostList *self = user_data;
  GHashTableIter iter;
  gpointer item;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->bound);
  while (n < FILL_STEP && g_hash_table_iter_next (&iter, &item, NULL))
    {
      GpmPostListRow *row = GPM_POST_LIST_ROW (gtk_list_item_get_child (item));

      if (gpm_post_list_row_is_pending (row))
        {
          gpm_post_list_row_show_pending (row);
          n++;
        }
    }
  if (n == FILL_STEP)
    return G_SOURCE_CONTINUE;
  self->fill_id = 0;
  return G_SOURCE_REMOVE;
}

/* After GTK has laid the view out: the rows on screen that wait show their
 * posts; the layout runs again in the same frame, so no row is ever seen
 * with another post than its own. (Measuring a row's labels again costs
 * 1-3 ms: only those.) */
static void
layout_cb (GdkFrameClock *clock,
           GpmPostList   *self)
{
  GtkWidget *view = GTK_WIDGET (self->list_view);
  double height = gtk_widget_get_height (view);
  GHashTableIter iter;
  gpointer item;

  if (self->fill_id == 0 || !gtk_widget_get_mapped (view))
    return;
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      GtkWidget *child = gtk_list_item_get_child (item);
      GtkWidget *row = child ? gtk_widget_get_parent (child) : NULL;
      graphene_rect_t bounds;

      /* GTK 4.8's list view hides the rows it keeps off screen
       * (gtk_widget_set_child_visible()) and no longer allocates them: their
       * bounds are where they last were on screen. (Checked by bounds
       * alone, ~200 rows were shown at each scroll step at 100,000 posts,
       * ~60 at 20,000, half of such a frame.) */
      if (row != NULL && gpm_post_list_row_is_pending (GPM_POST_LIST_ROW (child)) &&
          gtk_widget_get_child_visible (row) &&
          gtk_widget_compute_bounds (row, view, &bounds) &&
          bounds.origin.y + bounds.size.height > 0 && bounds.origin.y < height)
        gpm_post_list_row_show_pending (GPM_POST_LIST_ROW (child));
    }
}

static gboolean
start_filling_cb (gpointer user_data)
{
  GpmPostList *self = user_data;

  /* Not when idle: the main loop is idle many times between two frames,
   * and all ~200 rows shown at once made the next frame measure them all
   * (40-60 ms, the longest block of opening and searching at 100,000) */
  self->fill_id = g_timeout_add_full (G_PRIORITY_LOW, FILL_INTERVAL, fill_rows_cb, self, NULL);
  return G_SOURCE_REMOVE;
}

static void
view_realize_cb (GpmPostList *self)
{
  self->clock = g_object_ref (gtk_widget_get_frame_clock (GTK_WIDGET (self->list_view)));
  self->layout_id = g_signal_connect_after (self->clock, "layout", G_CALLBACK (layout_cb), self);
  /* Shown for the first time (the review page when the first posts
   * arrive): its first frame without rows, as start_growing() does */
  if (self->grow_id != 0 && self->grown_to == G_MAXUINT)
    gpm_post_list_slice_set_size (self->slice, 0);
  /* rows left waiting when it was unrealized */
  if (self->fill_id == 0)
    self->fill_id = g_timeout_add (FILL_DELAY, start_filling_cb, self);
}

static void
view_unrealize_cb (GpmPostList *self)
{
  /* The window goes: its rows are not shown any more (GTK 4.8 may drop
   * them without unbinding) */
  g_clear_handle_id (&self->fill_id, g_source_remove);
  if (self->clock != NULL)
    g_clear_signal_handler (&self->layout_id, self->clock);
  g_clear_object (&self->clock);
}

static GQuark state_serial_quark;

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             GpmPostList              *self)
{
  GpmPostListRow *row = GPM_POST_LIST_ROW (gtk_list_item_get_child (item));
  GpmPost *post = gtk_list_item_get_item (item);
  /* GTK 4.8 binds a row again whenever its position or selection changes:
   * each batch of posts inserted while a takeout is read rebinds every row
   * after it, thousands a frame at 100,000 posts. A row bound again to its
   * post, its state unchanged since it was set, keeps it (the state and the
   * name for screen readers were most of such a frame). */
  gboolean same = post != NULL && post == gpm_post_list_row_get_post (row) &&
                  GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (item), state_serial_quark)) == self->state_serial + 1;

  /* Shown at once while the view is not on screen: nothing lays it out */
  gpm_post_list_row_set_post (row, post,
                              gtk_widget_get_mapped (GTK_WIDGET (self->list_view)));
  g_hash_table_add (self->bound, item);
  if (!same)
    update_state (self, item);
  if (gpm_post_list_row_is_pending (row))
    {
      g_clear_handle_id (&self->fill_id, g_source_remove);
      self->fill_id = g_timeout_add (FILL_DELAY, start_filling_cb, self);
    }
}

static void
update_state (GpmPostList *self,
              GtkListItem *item)
{
  GpmPostListRow *row = GPM_POST_LIST_ROW (gtk_list_item_get_child (item));
  GpmPost *post = gtk_list_item_get_item (item);
  const char *state_icon = NULL, *state_label = NULL;
  const char *key, *a11y;
  gboolean left_out, edited;
  GpmPostWarnings warnings;

  if (post == NULL || row == NULL)
    return;

  key = self->plan ? gpm_journal_post_key (post) : NULL;
  left_out = key != NULL && gpm_plan_is_post_excluded (self->plan, key);
  edited = key != NULL && gpm_plan_get_post_text (self->plan, key) != NULL;
  warnings = gpm_post_list_get_post_warnings (self, post);
  /* Before the check has run: the cheap one, nothing of the user's own */
  if (self->warnings == NULL && !edited && gpm_convert_post_is_nothing_own (post, NULL, NULL))
    warnings = GPM_POST_WARNING_NOTHING_OWN;
  if (self->state_func != NULL)
    state_icon = self->state_func (post, &state_label, self->state_data);

  g_object_set_qdata (G_OBJECT (item), state_serial_quark, GUINT_TO_POINTER (self->state_serial + 1));
  a11y = gpm_post_list_row_set_state (row, !post_in_keys (post, self->keys), left_out, edited,
                                      warnings, state_icon, state_label);
  /* The row is what takes the focus: it carries the name */
  gpm_a11y_label_list_item (item, a11y);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               GpmPostList              *self)
{
  g_hash_table_remove (self->bound, item);
}

static void
filtering_changed_cb (GpmPostList *self)
{
  update_count (self);
}

static void
model_items_changed_cb (GpmPostList *self,
                        guint        position,
                        guint        removed,
                        guint        added)
{
  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0 &&
      gpm_post_list_slice_get_size (self->slice) > ROWS_STEP)
    start_growing (self);
  update_count (self);

  /* A list shown from its top stays there (the view has not moved yet):
   * it would otherwise follow the row it shows first as newer posts come
   * in above it, down to an empty stretch of the list */
  if (added > 0 && position == 0 && (vadj == NULL || gtk_adjustment_get_value (vadj) <= 0) &&
      g_list_model_get_n_items (G_LIST_MODEL (self->slice)) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}
static void
gpm_post_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GpmPostList *self = GPM_POST_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED_POST:
      g_value_set_object (value, gpm_post_list_get_selected_post (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_post_list_dispose (GObject *object)
{
  GpmPostList *self = GPM_POST_LIST (object);

  if (self->grow_id != 0 && self->list_view != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->grow_id);
  self->grow_id = 0;
  g_clear_handle_id (&self->fill_id, g_source_remove);
  view_unrealize_cb (self);
  /* The model may outlive the list (a worker's filtering holds it): what
   * it calls back would find the selection gone (a critical in
   * replacing_cb(), after a window closed mid-search) */
  if (self->model != NULL)
    {
      gpm_post_list_model_set_pin_func (self->model, NULL, NULL);
      g_signal_handlers_disconnect_by_data (self->model, self);
    }
  if (self->slice != NULL)
    g_signal_handlers_disconnect_by_data (self->slice, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_POST_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (gpm_post_list_parent_class)->dispose (object);
}

static void
gpm_post_list_finalize (GObject *object)
{
  GpmPostList *self = GPM_POST_LIST (object);

  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_clear_pointer (&self->view_keys, g_hash_table_unref);
  g_clear_pointer (&self->view_heading, g_free);
  g_clear_pointer (&self->warnings, g_hash_table_unref);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (gpm_post_list_parent_class)->finalize (object);
}

static void
gpm_post_list_class_init (GpmPostListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_post_list_dispose;
  object_class->finalize = gpm_post_list_finalize;
  object_class->get_property = gpm_post_list_get_property;

  properties[PROP_SELECTED_POST] =
    g_param_spec_object ("selected-post", NULL, NULL, GPM_TYPE_POST,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, GPM_TYPE_POST);
  /* "Show Ticked Posts" while looking into an audience */
  signals[SHOW_SELECTION] =
    g_signal_new ("show-selection", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  state_serial_quark = g_quark_from_static_string ("gpm-post-list-state-serial");

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-post-list.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, box);
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, stack);
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, list_view);
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, count_label);
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, view_label);
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, show_selected_button);
  gtk_widget_class_bind_template_callback (widget_class, show_selected_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, warnings_button);
  gtk_widget_class_bind_template_child (widget_class, GpmPostList, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, warnings_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gpm-post-list");
}

static void
gpm_post_list_init (GpmPostList *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->follow_top = TRUE;
  gpm_a11y_tab_leaves (GTK_WIDGET (self->list_view));
  gpm_a11y_label_editable (GTK_EDITABLE (self->search_entry), _("Search posts"));

  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->bound = g_hash_table_new (NULL, NULL);
  self->model = gpm_post_list_model_new ();
  gpm_post_list_model_set_pin_func (self->model, pin_cb, self);
  self->slice = gpm_post_list_slice_new (g_object_ref (G_LIST_MODEL (self->model)), ROWS_ALL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->slice)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);

  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "refiltering", G_CALLBACK (refiltering_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "replacing", G_CALLBACK (replacing_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::filtering", G_CALLBACK (filtering_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  /* after the selection's handler (connected when it was made) */
  g_signal_connect_object (self->slice, "items-changed", G_CALLBACK (slice_items_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_signal_connect_object (self->list_view, "realize", G_CALLBACK (view_realize_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list_view, "unrealize", G_CALLBACK (view_unrealize_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (factory);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));
  apply_filter (self);
  update_heading (self);
  update_count (self);
}
