/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-slice.c: the first @size posts of the post list's model, or
 * all of them (GPM_POST_LIST_SLICE_ALL), for its view: the list grows a few
 * rows a frame after it emptied (gpm-post-list.c).
 *
 * Why not GtkSliceListModel: GTK 4.8's tells a change that adds or removes
 * posts as everything from there to the end of the slice removed and added
 * again, at any size. Showing all 100,000 posts, one post inserted at the
 * top became 100,000 removed and 100,001 added: the list view then looked up
 * every post added (its rows' posts were among those removed), and its
 * selection did the same, and rows pushed out of those it keeps were
 * dropped, not given to the new posts (issue 13). Here a slice showing all
 * passes each change on as it is; a shorter one (a few hundred rows at
 * most) grows by the posts inserted in it, so that none is pushed out
 * (the view would drop its row), and a change that removes more than it
 * adds there pulls in the posts after, in a second change. */
#define G_LOG_DOMAIN "gpm-post-list"

#include "config.h"

#include "gpm-post-list-slice.h"

struct _GpmPostListSlice
{
  GObject     parent_instance;

  GListModel *model;
  guint       size;
  guint       n_telling;   /* while a change is told: its length then, else G_MAXUINT */
};

static void gpm_post_list_slice_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GpmPostListSlice, gpm_post_list_slice, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, gpm_post_list_slice_iface_init))

static GType
gpm_post_list_slice_get_item_type (GListModel *list)
{
  return g_list_model_get_item_type (GPM_POST_LIST_SLICE (list)->model);
}

static guint
gpm_post_list_slice_get_n_items (GListModel *list)
{
  GpmPostListSlice *self = GPM_POST_LIST_SLICE (list);

  if (self->n_telling != G_MAXUINT)
    return self->n_telling;
  return MIN (g_list_model_get_n_items (self->model), self->size);
}

static gpointer
gpm_post_list_slice_get_item (GListModel *list,
                              guint       position)
{
  GpmPostListSlice *self = GPM_POST_LIST_SLICE (list);

  if (position >= self->size)
    return NULL;
  return g_list_model_get_item (self->model, position);
}

static void
gpm_post_list_slice_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = gpm_post_list_slice_get_item_type;
  iface->get_n_items = gpm_post_list_slice_get_n_items;
  iface->get_item = gpm_post_list_slice_get_item;
}

static void
items_changed_cb (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GpmPostListSlice *self)
{
  if (self->size == GPM_POST_LIST_SLICE_ALL)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }
  if (position >= self->size)
    return;

  {
    guint n_model = g_list_model_get_n_items (model);
    guint n_old = MIN (n_model - added + removed, self->size);
    guint gone = MIN (removed, n_old - position), come = MIN (added, self->size - position);
    guint n_told = n_old - gone + come, n_new;

    /* grown by what would be pushed out (none while it has room: a first
     * batch into the empty list fills its first rows, no more) */
    if (n_told > self->size)
      self->size = n_told;
    n_new = MIN (n_model, self->size);
    self->n_telling = n_told;
    g_list_model_items_changed (G_LIST_MODEL (self), position, gone, come);
    self->n_telling = G_MAXUINT;
    if (n_new > n_told)
      g_list_model_items_changed (G_LIST_MODEL (self), n_told, 0, n_new - n_told);
  }
}

void
gpm_post_list_slice_set_size (GpmPostListSlice *self,
                              guint             size)
{
  guint before, after;

  g_return_if_fail (GPM_IS_POST_LIST_SLICE (self));

  if (self->size == size)
    return;
  before = gpm_post_list_slice_get_n_items (G_LIST_MODEL (self));
  self->size = size;
  after = gpm_post_list_slice_get_n_items (G_LIST_MODEL (self));
  if (before > after)
    g_list_model_items_changed (G_LIST_MODEL (self), after, before - after, 0);
  else if (before < after)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, after - before);
}

guint
gpm_post_list_slice_get_size (GpmPostListSlice *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST_SLICE (self), 0);
  return self->size;
}

static void
gpm_post_list_slice_dispose (GObject *object)
{
  GpmPostListSlice *self = GPM_POST_LIST_SLICE (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (gpm_post_list_slice_parent_class)->dispose (object);
}

static void
gpm_post_list_slice_class_init (GpmPostListSliceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = gpm_post_list_slice_dispose;
}

static void
gpm_post_list_slice_init (GpmPostListSlice *self)
{
  self->n_telling = G_MAXUINT;
}

GpmPostListSlice *
gpm_post_list_slice_new (GListModel *model,
                         guint       size)
{
  GpmPostListSlice *self = g_object_new (GPM_TYPE_POST_LIST_SLICE, NULL);

  self->model = model;
  self->size = size;
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), self);
  return self;
}
