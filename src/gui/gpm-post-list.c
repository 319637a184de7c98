/* SPDX-License-Identifier: GPL-3.0-or-later */
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

#define MAX_BADGES 3
#define SNIPPET_CHARS 160

/* GTK 4.8's list view keeps up to 200 rows around its anchor and creates,
 * binds and measures them all at once when a list fills up: 80 ms and more
 * for these rows. The view sees a slice of the list that grows by ROWS_STEP
 * a frame until it holds more rows than the view keeps, then all of it.
 * Each step also makes the X11 toplevel measure the whole window again
 * (GtkWindow's compute-size in the frame's update phase): about 12 ms a frame
 * with cairo for 12 rows, 14 for 24, 24-35 ms for the first steps, so the
 * steps are kept small. */
#define ROWS_STEP 12
#define ROWS_LIMIT 240
#define ROWS_ALL G_MAXUINT

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

  GListStore         *store;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSliceListModel  *slice;      /* what the view sees, see ROWS_STEP */
  guint               grow_id;
  GPtrArray          *adding;     /* GpmPost* given to add_posts(), not in the store yet */
  guint               add_id;
  GtkSingleSelection *selection;

  GHashTable         *keys;      /* selected scope keys */
  GHashTable         *view_keys; /* the audience looked into, NULL: the selection */
  char               *view_heading;
  char               *search;    /* case-folded, NULL when empty */
  GHashTable         *search_scopes; /* scope key → whether its name matches the search */
  GpmPlan            *plan;      /* posts left out or edited, for the rows */
  GHashTable         *warnings;  /* GpmPost* → GpmPostWarnings; NULL: not checked yet */
  gboolean            warnings_only;

  GpmPostStateFunc    state_func;
  gpointer            state_data;
  GHashTable         *bound;     /* GtkListItem* currently bound */
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

/* Search finds audience names too ("Family"): a scope's name is folded and
 * compared once per search, not once per post. */
static gboolean
scopes_match_search (GpmPostList *self,
                     GpmPost     *post)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);

  for (guint i = 0; scopes != NULL && i < scopes->len; i++)
    {
      const GpmScope *scope = g_ptr_array_index (scopes, i);
      const char *key = gpm_scope_get_key (scope);
      gpointer cached;

      if (!g_hash_table_lookup_extended (self->search_scopes, key, NULL, &cached))
        {
          g_autofree char *folded = g_utf8_casefold (gpm_gui_scope_label (scope), -1);

          cached = GINT_TO_POINTER (strstr (folded, self->search) != NULL);
          g_hash_table_insert (self->search_scopes, g_strdup (key), cached);
        }
      if (GPOINTER_TO_INT (cached))
        return TRUE;
    }
  return FALSE;
}

/* What the list holds: the posts of the audience looked into, whether it is
 * ticked or not; else, while searching, every post (those not ticked are
 * marked in their rows); else the posts of the ticked audiences. */
static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  GpmPostList *self = user_data;
  GpmPost *post = item;

  if (self->view_keys != NULL)
    {
      if (!post_in_keys (post, self->view_keys))
        return FALSE;
    }
  else if (self->search == NULL && !post_in_keys (post, self->keys))
    return FALSE;

  /* "Posts with warnings": nothing until the check has run */
  if (self->warnings_only && (self->warnings == NULL || !g_hash_table_contains (self->warnings, post)))
    return FALSE;

  if (self->search != NULL)
    return strstr (gpm_gui_post_get_search_text (post), self->search) != NULL ||
           scopes_match_search (self, post);

  return TRUE;
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
  gtk_filter_changed (GTK_FILTER (self->filter),
                      only ? GTK_FILTER_CHANGE_MORE_STRICT : GTK_FILTER_CHANGE_LESS_STRICT);
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
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
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
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *text = NULL;

  if (gtk_filter_list_model_get_pending (self->filtered) > 0 || (self->adding && self->adding->len > 0))
    text = g_strdup (_("Looking through your posts…"));
  else
    text = g_strdup_printf (ngettext ("%u post", "%u posts", shown), shown);
  gtk_label_set_label (self->count_label, text);

  gtk_stack_set_visible_child_name (self->stack,
                                    shown > 0 || gtk_filter_list_model_get_pending (self->filtered) > 0
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
  gtk_slice_list_model_set_size (self->slice, ROWS_ALL);
}

static gboolean
grow_rows_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  GpmPostList *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->slice);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if (n < size)
    {
      /* The filter has not found that many yet: wait, or it found them all */
      if (gtk_filter_list_model_get_pending (self->filtered) > 0)
        return G_SOURCE_CONTINUE;
      self->grow_id = 0;
      gtk_slice_list_model_set_size (self->slice, ROWS_ALL);
      return G_SOURCE_REMOVE;
    }

  size += ROWS_STEP;
  if (size < ROWS_LIMIT)
    {
      gtk_slice_list_model_set_size (self->slice, size);
      return G_SOURCE_CONTINUE;
    }

  self->grow_id = 0;
  gtk_slice_list_model_set_size (self->slice, ROWS_ALL);
  return G_SOURCE_REMOVE;
}

/* The list emptied (new posts, or a refilter that starts over): the rows
 * come back a few at a time, one step a frame (tick callbacks run once the
 * view is realized). */
static void
start_growing (GpmPostList *self)
{
  gtk_slice_list_model_set_size (self->slice, ROWS_STEP);
  if (self->grow_id == 0)
    self->grow_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), grow_rows_cb, self, NULL);
}

static void
selection_changed_cb (GpmPostList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_POST]);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  GDateTime *ta = gpm_post_get_creation_time (*(GpmPost **) a);
  GDateTime *tb = gpm_post_get_creation_time (*(GpmPost **) b);

  if (ta == NULL || tb == NULL)
    return (ta == NULL) - (tb == NULL);

  return -g_date_time_compare (ta, tb);
}

void
gpm_post_list_set_posts (GpmPostList *self,
                         GPtrArray   *posts)
{
  g_autoptr(GPtrArray) sorted = NULL;

  g_return_if_fail (GPM_IS_POST_LIST (self));

  sorted = g_ptr_array_new ();
  for (guint i = 0; posts != NULL && i < posts->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (posts, i));
  g_ptr_array_sort_with_data (sorted, compare_newest_first, NULL);

  /* Another takeout starts with an empty search: the last one's words would
   * hide its posts behind "No Posts". The entry's own "search-changed" comes
   * later and then finds nothing to change. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_clear_pointer (&self->search, g_free);

  start_growing (self);

  /* Posts still being added belonged to the takeout before */
  g_clear_handle_id (&self->add_id, g_source_remove);
  g_ptr_array_set_size (self->adding, 0);
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       sorted->pdata, sorted->len);
  update_count (self);
}

#define MAX_SPLICES 4

/* Where @post goes in the store (newest first): after every post it does
 * not sort before. */
static guint
insert_position (GListModel *store,
                 GpmPost    *post)
{
  guint lo = 0, hi = g_list_model_get_n_items (store);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(GpmPost) other = g_list_model_get_item (store, mid);

      if (compare_newest_first (&other, &post, NULL) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Puts the newest of @self->adding in the store: those whose places span at
 * most MAX_MERGE_RANGE posts of it, so one step stays short however the
 * batch is spread (a step that replaces N posts costs the models and the
 * view about 1 ms per 1,000). */
#define MAX_MERGE_RANGE 12000

static void
add_step (GpmPostList *self)
{
  GListModel *store = G_LIST_MODEL (self->store);
  GPtrArray *sorted = self->adding;
  g_autofree guint *positions = NULL;
  g_autoptr(GPtrArray) merged = NULL;
  GpmPost *selected = gpm_post_list_get_selected_post (self);
  guint first, last, n, lo, hi, k = 0, n_runs = 1, sel_store = G_MAXUINT, sel_merged = G_MAXUINT;

  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  /* A list shown from its top stays there: the view would otherwise follow
   * the row it shows first as newer posts come in above it, down to an
   * empty stretch of the list */
  gboolean at_top = vadj == NULL || gtk_adjustment_get_value (vadj) <= 0;

  if (g_list_model_get_n_items (store) == 0)
    start_growing (self);

  /* How many of the newest fit: the places are in order, so a binary search */
  first = insert_position (store, g_ptr_array_index (sorted, 0));
  lo = 1;
  hi = sorted->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo + 1) / 2;
      if (insert_position (store, g_ptr_array_index (sorted, mid - 1)) - first <= MAX_MERGE_RANGE)
        lo = mid;
      else
        hi = mid - 1;
    }
  n = lo;
  last = insert_position (store, g_ptr_array_index (sorted, n - 1));

  /* One walk over that part of the list: where each post goes, and the
   * part merged */
  positions = g_new (guint, n);
  merged = g_ptr_array_new_full (last - first + n, g_object_unref);
  for (guint pos = first; pos < last; pos++)
    {
      GpmPost *old = g_list_model_get_item (store, pos);

      while (k < n && compare_newest_first (&old, &sorted->pdata[k], NULL) > 0)
        {
          positions[k] = pos;
          n_runs += k > 0 && positions[k - 1] != pos;
          g_ptr_array_add (merged, g_object_ref (sorted->pdata[k++]));
        }
      if (old == selected)
        {
          sel_store = pos;
          sel_merged = merged->len;
        }
      g_ptr_array_add (merged, old);
    }
  while (k < n)
    {
      positions[k] = last;
      n_runs += k > 0 && positions[k - 1] != last;
      g_ptr_array_add (merged, g_object_ref (sorted->pdata[k++]));
    }

  if (n_runs <= MAX_SPLICES)
    {
      /* Each run of posts that lands in one place is one splice (a takeout
       * read in date order makes one run a batch), from the last, so no
       * position moves. */
      for (guint end = n; end > 0;)
        {
          guint start = end - 1;

          while (start > 0 && positions[start - 1] == positions[end - 1])
            start--;
          g_list_store_splice (self->store, positions[start], 0, sorted->pdata + start, end - start);
          end = start;
        }
    }
  /* Posts all over that part: a splice each would cost the models and the
   * view a change each (half a millisecond each). The part is replaced at
   * once, in two pieces around the selected post, which stays (and the
   * preview with it). */
  else if (sel_store == G_MAXUINT)
    g_list_store_splice (self->store, first, last - first, merged->pdata, merged->len);
  else
    {
      g_list_store_splice (self->store, first, sel_store - first, merged->pdata, sel_merged);
      g_list_store_splice (self->store, first + sel_merged + 1, last - sel_store - 1,
                           merged->pdata + sel_merged + 1, merged->len - sel_merged - 1);
    }
  g_ptr_array_remove_range (sorted, 0, n);
  if (at_top && g_list_model_get_n_items (G_LIST_MODEL (self->slice)) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}

static gpointer
ref_post (gconstpointer post,
          gpointer      user_data)
{
  return g_object_ref ((gpointer) post);
}

static gboolean
add_idle_cb (gpointer user_data)
{
  GpmPostList *self = user_data;

  if (self->adding->len > 0)
    add_step (self);
  update_count (self);
  if (self->adding->len > 0)
    return G_SOURCE_CONTINUE;
  self->add_id = 0;
  return G_SOURCE_REMOVE;
}

void
gpm_post_list_add_posts (GpmPostList *self,
                         GPtrArray   *posts)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  if (posts == NULL || posts->len == 0)
    return;

  /* The first step at once (the first posts on screen now), the rest a
   * step an idle, below the frame clock's priority */
  g_ptr_array_extend (self->adding, posts, ref_post, NULL);
  g_ptr_array_sort_with_data (self->adding, compare_newest_first, NULL);
  if (self->add_id == 0)
    {
      add_step (self);
      update_count (self);
      if (self->adding->len > 0)
        self->add_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_idle_cb, self, NULL);
    }
}

void
gpm_post_list_set_scope_keys (GpmPostList        *self,
                              const char * const *keys)
{
  g_autoptr(GHashTable) new_keys = NULL;
  GHashTableIter iter;
  gpointer key;
  gboolean same;

  g_return_if_fail (GPM_IS_POST_LIST (self));

  new_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    g_hash_table_add (new_keys, g_strdup (keys[i]));

  /* The same selection (the sidebar's default preset arriving after the
   * window set it): a refilter would empty the list and rebuild every row. */
  same = g_hash_table_size (new_keys) == g_hash_table_size (self->keys);
  g_hash_table_iter_init (&iter, new_keys);
  while (same && g_hash_table_iter_next (&iter, &key, NULL))
    same = g_hash_table_contains (self->keys, key);
  if (same)
    return;

  {
    /* More keys (a community found while the takeout is read): only the
     * posts not shown are looked at again, and the list is not emptied. */
    gboolean superset = g_hash_table_size (new_keys) > g_hash_table_size (self->keys);

    g_hash_table_iter_init (&iter, self->keys);
    while (superset && g_hash_table_iter_next (&iter, &key, NULL))
      superset = g_hash_table_contains (new_keys, key);

    g_clear_pointer (&self->keys, g_hash_table_unref);
    self->keys = g_steal_pointer (&new_keys);
    /* Looking into an audience or searching, the ticks only mark rows */
    if (self->view_keys == NULL && self->search == NULL)
      gtk_filter_changed (GTK_FILTER (self->filter),
                          superset ? GTK_FILTER_CHANGE_LESS_STRICT : GTK_FILTER_CHANGE_DIFFERENT);
  }
  gpm_post_list_refresh_states (self);
}

void
gpm_post_list_set_view (GpmPostList        *self,
                        const char * const *keys,
                        const char         *heading)
{
  g_return_if_fail (GPM_IS_POST_LIST (self));

  g_clear_pointer (&self->view_keys, g_hash_table_unref);
  if (keys != NULL)
    {
      self->view_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; keys[i] != NULL; i++)
        g_hash_table_add (self->view_keys, g_strdup (keys[i]));
    }
  g_free (self->view_heading);
  self->view_heading = g_strdup (heading);

  update_heading (self);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
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
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  g_return_if_fail (GPM_IS_POST_LIST (self));

  if (text != NULL && *text != '\0')
    folded = g_utf8_casefold (text, -1);

  if (g_strcmp0 (folded, self->search) == 0)
    return;

  /* Starting or ending a search (outside an audience looked into) changes
   * which posts are searched: the ticked ones or all */
  if (self->search != NULL && folded != NULL && strstr (folded, self->search) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->search != NULL && folded != NULL && strstr (self->search, folded) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (self->search != NULL && folded == NULL && self->view_keys != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (self->search == NULL && self->view_keys != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;

  g_free (self->search);
  self->search = g_steal_pointer (&folded);
  g_hash_table_remove_all (self->search_scopes);
  update_heading (self);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
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
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    update_state (self, item);
}

GListModel *
gpm_post_list_get_model (GpmPostList *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

gboolean
gpm_post_list_is_filtering (GpmPostList *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST (self), FALSE);
  return self->adding->len > 0 ||
         gtk_filter_list_model_get_pending (self->filtered) > 0 ||
         g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > gtk_slice_list_model_get_size (self->slice);
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
  if (position >= gtk_slice_list_model_get_size (self->slice))
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
  g_autoptr(GpmPost) post = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (post == NULL)
    return;

  gtk_single_selection_set_selected (self->selection, position);
  g_signal_emit (self, signals[ACTIVATE], 0, post);
}

/* Rows */

typedef struct {
  GtkWidget *date;
  GtkWidget *unselected;
  GtkWidget *left_out;
  GtkWidget *edited;
  GtkWidget *warning;
  GtkWidget *icons;
  GtkWidget *state;
  GtkWidget *snippet;
  GtkWidget *badges;
} Row;

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              GpmPostList              *self)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  row->date = gtk_label_new (NULL);
  row->icons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  row->state = gtk_image_new ();
  /* A post shown while looking into an audience or searching that no
   * ticked audience holds: it will not be moved */
  row->unselected = gtk_label_new (_("Not selected"));
  gtk_widget_add_css_class (row->unselected, "dim-label");
  gtk_widget_add_css_class (row->unselected, "caption");
  /* The user's own decisions about the post (the plan) */
  row->left_out = gtk_label_new (_("Left out"));
  gtk_widget_add_css_class (row->left_out, "caption");
  gtk_widget_add_css_class (row->left_out, "left-out");
  row->edited = gtk_image_new_from_icon_name ("document-edit-symbolic");
  gtk_widget_set_tooltip_text (row->edited, _("Text edited by you"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->edited), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Text edited by you"), -1);
  row->warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (row->warning, "warning");
  row->snippet = gtk_label_new (NULL);
  row->badges = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

  gtk_widget_add_css_class (box, "post-row");
  gtk_label_set_xalign (GTK_LABEL (row->date), 0);
  gtk_widget_set_hexpand (row->date, TRUE);
  gtk_widget_add_css_class (row->date, "caption-heading");
  gtk_widget_add_css_class (row->icons, "dim-label");

  gtk_label_set_xalign (GTK_LABEL (row->snippet), 0);
  gtk_label_set_wrap (GTK_LABEL (row->snippet), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (row->snippet), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (row->snippet), 2);
  gtk_label_set_ellipsize (GTK_LABEL (row->snippet), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (row->snippet), 40);
  gtk_label_set_width_chars (GTK_LABEL (row->snippet), 20);

  gtk_box_append (GTK_BOX (top), row->date);
  gtk_box_append (GTK_BOX (top), row->unselected);
  gtk_box_append (GTK_BOX (top), row->left_out);
  gtk_box_append (GTK_BOX (top), row->icons);
  gtk_box_append (GTK_BOX (top), row->edited);
  gtk_box_append (GTK_BOX (top), row->warning);
  gtk_box_append (GTK_BOX (top), row->state);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), row->snippet);
  gtk_box_append (GTK_BOX (box), row->badges);

  gtk_list_item_set_child (item, box);
  g_object_set_data_full (G_OBJECT (item), "row", row, g_free);
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

static void
add_icon (GtkWidget  *box,
          const char *icon_name,
          const char *label,
          GString    *a11y)
{
  GtkWidget *image = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (image, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_box_append (GTK_BOX (box), image);
  g_string_append_printf (a11y, ", %s", label);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             GpmPostList              *self)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");
  GpmPost *post = gtk_list_item_get_item (item);
  g_autofree char *date = gpm_gui_format_post_date (post);
  /* The user's own text, or "Reshare of NAME's post": never the reshared
   * post's text (core decides; the row shows it). */
  g_autofree char *snippet = gpm_convert_dup_list_text (post, SNIPPET_CHARS);
  g_autoptr(GString) a11y = g_string_new (date);
  GPtrArray *scopes = gpm_post_get_scopes (post);
  GpmPostAttachments kinds;

  gtk_label_set_label (GTK_LABEL (row->date), date);

  if (*snippet == '\0')
    {
      g_free (snippet);
      snippet = g_strdup (_("(No text)"));
      gtk_widget_add_css_class (row->snippet, "dim-label");
    }
  else
    gtk_widget_remove_css_class (row->snippet, "dim-label");
  gtk_label_set_label (GTK_LABEL (row->snippet), snippet);
  g_string_append_printf (a11y, ", %s", snippet);

  clear_box (row->icons);
  /* The attachment kinds, a video among them, are known from indexing: a
   * row never reads its post again. */
  kinds = gpm_post_get_attachments (post);
  if (kinds & GPM_POST_HAS_LINK)
    add_icon (row->icons, "insert-link-symbolic", _("Link"), a11y);
  if (kinds & GPM_POST_HAS_ALBUM)
    add_icon (row->icons, "image-x-generic-symbolic", _("Album"), a11y);
  else if (kinds & GPM_POST_HAS_MEDIA)
    {
      gboolean video = (kinds & GPM_POST_MEDIA_IS_VIDEO) != 0;
      add_icon (row->icons, video ? "video-x-generic-symbolic" : "image-x-generic-symbolic",
                video ? _("Video") : _("Photo"), a11y);
    }
  if (kinds & GPM_POST_HAS_RESHARE)
    add_icon (row->icons, "emblem-shared-symbolic", _("Reshare"), a11y);
  if (kinds & GPM_POST_HAS_POLL)
    add_icon (row->icons, "view-list-bullet-symbolic", _("Poll"), a11y);
  if (kinds & GPM_POST_HAS_LOCATION)
    add_icon (row->icons, "mark-location-symbolic", _("Location"), a11y);

  clear_box (row->badges);
  for (guint i = 0; scopes != NULL && i < scopes->len; i++)
    {
      const GpmScope *scope = g_ptr_array_index (scopes, i);
      GtkWidget *badge;

      if (i == MAX_BADGES)
        {
          g_autofree char *more = g_strdup_printf ("+%u", scopes->len - MAX_BADGES);
          badge = gtk_label_new (more);
          gtk_widget_add_css_class (badge, "scope-badge");
          gtk_box_append (GTK_BOX (row->badges), badge);
          break;
        }

      badge = gtk_label_new (gpm_gui_scope_label (scope));
      gtk_label_set_ellipsize (GTK_LABEL (badge), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (badge), 16);
      gtk_widget_add_css_class (badge, "scope-badge");
      if (gpm_gui_scope_is_private (scope))
        gtk_widget_add_css_class (badge, "private");
      if (scope->kind == GPM_SCOPE_COMMUNITY)
        {
          /* diaspora* has no communities: the post goes out public. The
           * badge gets a globe before the name. */
          GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
          GtkWidget *globe = gtk_image_new_from_icon_name ("web-browser-symbolic");

          gtk_image_set_pixel_size (GTK_IMAGE (globe), 12);
          gtk_widget_remove_css_class (badge, "scope-badge");
          gtk_widget_add_css_class (box, "scope-badge");
          gtk_widget_set_tooltip_text (box, _("A community post: diaspora* has no communities, so it becomes public"));
          gtk_box_append (GTK_BOX (box), globe);
          gtk_box_append (GTK_BOX (box), badge);
          gtk_box_append (GTK_BOX (row->badges), box);
          g_string_append_printf (a11y, ", %s, %s", gpm_gui_scope_label (scope), _("becomes public"));
          continue;
        }
      gtk_box_append (GTK_BOX (row->badges), badge);
      g_string_append_printf (a11y, ", %s", gpm_gui_scope_label (scope));
    }

  g_object_set_data_full (G_OBJECT (item), "a11y", g_strdup (a11y->str), g_free);
  g_hash_table_add (self->bound, item);
  update_state (self, item);
}

static void
update_state (GpmPostList *self,
              GtkListItem *item)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");
  GpmPost *post = gtk_list_item_get_item (item);
  const char *state_icon = NULL, *state_label = NULL;
  g_autoptr(GString) a11y = g_string_new (g_object_get_data (G_OBJECT (item), "a11y"));

  if (post == NULL || row == NULL)
    return;

  gtk_widget_set_visible (row->unselected, !post_in_keys (post, self->keys));
  if (!post_in_keys (post, self->keys))
    g_string_append_printf (a11y, ", %s", _("Not selected"));

  {
    const char *key = self->plan ? gpm_journal_post_key (post) : NULL;
    gboolean left_out = key != NULL && gpm_plan_is_post_excluded (self->plan, key);
    gboolean edited = key != NULL && gpm_plan_get_post_text (self->plan, key) != NULL;
    GpmPostWarnings warnings = gpm_post_list_get_post_warnings (self, post);

    gtk_widget_set_visible (row->left_out, left_out);
    gtk_widget_set_visible (row->edited, edited);
    if (left_out)
      g_string_append_printf (a11y, ", %s", _("Left out"));
    if (edited)
      g_string_append_printf (a11y, ", %s", _("Text edited by you"));

    /* Before the check has run: the cheap one, nothing of the user's own */
    if (self->warnings == NULL && !edited && gpm_convert_post_is_nothing_own (post, NULL, NULL))
      warnings = GPM_POST_WARNING_NOTHING_OWN;
    gtk_widget_set_visible (row->warning, warnings != GPM_POST_WARNING_NONE);
    if (warnings != GPM_POST_WARNING_NONE)
      {
        g_autofree char *words = gpm_post_warnings_describe (warnings);
        /* Translators: a post's warnings in its row: "Warning: too long for diaspora*" */
        g_autofree char *label = g_strdup_printf (_("Warning: %s"), words);

        gtk_widget_set_tooltip_text (row->warning, label);
        gtk_accessible_update_property (GTK_ACCESSIBLE (row->warning), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        g_string_append_printf (a11y, ", %s", label);
      }
  }

  if (self->state_func != NULL)
    state_icon = self->state_func (post, &state_label, self->state_data);
  gtk_widget_set_visible (row->state, state_icon != NULL);
  if (state_icon != NULL)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (row->state), state_icon);
      gtk_widget_set_tooltip_text (row->state, state_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->state),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, state_label, -1);
      if (state_label != NULL)
        g_string_append_printf (a11y, ", %s", state_label);
    }

  /* The row is what takes the focus: it carries the name */
  gpm_a11y_label_list_item (item, a11y->str);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               GpmPostList              *self)
{
  g_hash_table_remove (self->bound, item);
}

static void
items_changed_cb (GpmPostList *self)
{
  update_count (self);
}

static void
filtered_items_changed_cb (GpmPostList *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0 &&
      gtk_slice_list_model_get_size (self->slice) > ROWS_STEP)
    start_growing (self);
  update_count (self);
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
  g_clear_handle_id (&self->add_id, g_source_remove);
  g_clear_pointer (&self->adding, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_POST_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (gpm_post_list_parent_class)->dispose (object);
}

static void
gpm_post_list_finalize (GObject *object)
{
  GpmPostList *self = GPM_POST_LIST (object);

  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_clear_pointer (&self->view_keys, g_hash_table_unref);
  g_clear_pointer (&self->view_heading, g_free);
  g_clear_pointer (&self->search_scopes, g_hash_table_unref);
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
  gpm_a11y_tab_leaves (GTK_WIDGET (self->list_view));
  gpm_a11y_label_editable (GTK_EDITABLE (self->search_entry), _("Search posts"));

  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->bound = g_hash_table_new (NULL, NULL);
  self->search_scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->store = g_list_store_new (GPM_TYPE_POST);
  self->adding = g_ptr_array_new_with_free_func (g_object_unref);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  self->slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)), 0, ROWS_ALL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->slice)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);

  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (filtered_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filtered, "notify::pending", G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (factory);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));
  update_heading (self);
  update_count (self);
}
