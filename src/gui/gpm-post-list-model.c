/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-list-model.c: the post list's posts, newest first, and the ones
 * that match its filter (the audiences ticked or looked into, the search,
 * "with warnings").
 *
 * Why not GtkFilterListModel: when its filter changes, GTK 4.8's emits one
 * items-changed per run of matching posts it finds, and each costs the
 * slice, the selection and the list view about 0.4 ms: 100-200 ms per
 * filtering step of 512 scattered posts at 100,000 posts (issue 13). Here a
 * worker finds the matching posts and the view gets one change per pass:
 * the part between what the old and the new list have in common at their
 * start and end. Posts added while the takeout loads are filtered at once
 * on the main thread when that is cheap (no search: a few hash lookups a
 * post), else by a pass, and go into the list in steps (add_step()).
 *
 * What it keeps is compact: the posts in two arrays of pointers (every post
 * sorted, the matching ones), and the search texts only once a search asks
 * for them, case-folded, in one buffer built by the worker. */
#define G_LOG_DOMAIN "gpm-post-list"

#include "config.h"

#include <string.h>

#include <zlib.h>

#include "gpm-convert.h"
#include "gpm-gui-util.h"
#include "gpm-post-list-model.h"
#include "gpm-util.h"

typedef struct {
  GHashTable *keys;          /* scope keys ticked */
  GHashTable *view_keys;     /* the audience looked into, NULL: none */
  char       *search;        /* case-folded, NULL: no search */
  gboolean    warnings_only;
  GHashTable *warnings;      /* with warnings_only: the posts with warnings (a copy), NULL: not checked yet */
} Filter;

/* Each post's search text (its text, link, reshared text), case-folded, NUL
 * after each, in blocks of about TEXT_BLOCK bytes kept deflated (zlib level
 * 1): at 100,000 posts the texts were a second copy of every post's text,
 * 8 MB, now about a third of that; a pass inflates each block once (the
 * texts are in the order the pass reads them), ~20 ms at 100,000.
 * GpmPost* → (block << 16 | offset in it) + 1. Only a pass reads or
 * extends it, and one pass runs at a time. */
#define TEXT_BLOCK 32768

typedef struct {
  GBytes *deflated;
  gsize   size;          /* inflated */
} TextBlock;

typedef struct {
  gatomicrefcount ref;
  GHashTable     *at;
  GArray         *blocks;   /* TextBlock, the closed ones */
  GString        *open;     /* the block being filled (index blocks->len) */
  guint           inflated_block; /* which block @inflated holds, G_MAXUINT: none */
  GByteArray     *inflated;
} SearchTexts;

struct _GpmPostListModel
{
  GObject      parent_instance;

  GPtrArray   *owned;         /* GpmPost*, the refs, in the order given */
  GPtrArray   *all;           /* every post, newest first (no refs); never changed once made: a pass reads it */
  gboolean     all_sorted;    /* FALSE: as given, a pass sorts it */
  GPtrArray   *shown;         /* the matching ones, in order (no refs) */
  Filter      *filter;
  SearchTexts *texts;

  gboolean     running;       /* a pass is in its worker */
  gboolean     filter_dirty;  /* the filter changed since the running pass started */
  gboolean     posts_dirty;   /* posts were added that @shown may lack */
  guint        idle_id;       /* a pass is about to start */
  GpmPostListModelPinFunc pin_func;
  gpointer     pin_data;
  GPtrArray   *old;           /* while a change is told in pieces: the list before it */
  guint        old_split;     /* then the list is old[..old_split] + shown[new_split..] */
  guint        new_split;
  gboolean     before_old;    /* while a result replaces the list (replace()): shown + old */
  gboolean     filtering;     /* as last notified */
  GPtrArray   *pending;       /* posts given but not in @all yet, newest first (no refs): add_step() */
  GPtrArray   *adding;        /* matching posts in @all, not in @shown yet, newest first: add_step() */
  guint        add_id;        /* add_step() again */
  gint64       inside_time;   /* when add_step() last put posts among the view's rows */
};

static void gpm_post_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GpmPostListModel, gpm_post_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, gpm_post_list_model_iface_init))

enum {
  PROP_0,
  PROP_FILTERING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REFILTERING,
  REPLACING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
filter_free (Filter *filter)
{
  g_clear_pointer (&filter->keys, g_hash_table_unref);
  g_clear_pointer (&filter->view_keys, g_hash_table_unref);
  g_clear_pointer (&filter->warnings, g_hash_table_unref);
  g_free (filter->search);
  g_free (filter);
}

static Filter *
filter_copy (const Filter *filter)
{
  Filter *copy = g_new0 (Filter, 1);

  copy->keys = filter->keys ? g_hash_table_ref (filter->keys) : NULL;
  copy->view_keys = filter->view_keys ? g_hash_table_ref (filter->view_keys) : NULL;
  copy->search = g_strdup (filter->search);
  copy->warnings_only = filter->warnings_only;
  copy->warnings = filter->warnings ? g_hash_table_ref (filter->warnings) : NULL;
  return copy;
}

static void
text_block_clear (gpointer data)
{
  g_bytes_unref (((TextBlock *) data)->deflated);
}

static SearchTexts *
search_texts_new (void)
{
  SearchTexts *texts = g_new0 (SearchTexts, 1);

  g_atomic_ref_count_init (&texts->ref);
  texts->at = g_hash_table_new (NULL, NULL);
  texts->blocks = g_array_new (FALSE, FALSE, sizeof (TextBlock));
  g_array_set_clear_func (texts->blocks, text_block_clear);
  texts->open = g_string_new (NULL);
  texts->inflated_block = G_MAXUINT;
  texts->inflated = g_byte_array_new ();
  return texts;
}

static SearchTexts *
search_texts_ref (SearchTexts *texts)
{
  g_atomic_ref_count_inc (&texts->ref);
  return texts;
}

static void
search_texts_unref (SearchTexts *texts)
{
  if (!g_atomic_ref_count_dec (&texts->ref))
    return;
  g_hash_table_unref (texts->at);
  g_array_unref (texts->blocks);
  g_string_free (texts->open, TRUE);
  g_byte_array_unref (texts->inflated);
  g_free (texts);
}

/* Deflates the open block into the closed ones. */
static void
search_texts_close_block (SearchTexts *texts)
{
  uLongf size = compressBound (texts->open->len);
  guint8 *out = g_malloc (size);
  TextBlock block = { NULL, texts->open->len };

  if (compress2 (out, &size, (const Bytef *) texts->open->str, texts->open->len, 1) != Z_OK)
    g_error ("cannot deflate the search texts");
  block.deflated = g_bytes_new_take (g_realloc (out, size), size);
  g_array_append_val (texts->blocks, block);
  g_string_truncate (texts->open, 0);
}

/* The text of the post at @at (as in texts->at), or NULL. */
static const char *
search_texts_get (SearchTexts *texts,
                  gsize        at)
{
  guint block, offset;
  const TextBlock *b;
  uLongf size;

  if (at == 0)
    return NULL;
  block = (at - 1) >> 16;
  offset = (at - 1) & 0xffff;
  if (block == texts->blocks->len)
    return texts->open->str + offset;
  if (block != texts->inflated_block)
    {
      b = &g_array_index (texts->blocks, TextBlock, block);
      g_byte_array_set_size (texts->inflated, b->size);
      size = b->size;
      if (uncompress (texts->inflated->data, &size, g_bytes_get_data (b->deflated, NULL),
                      g_bytes_get_size (b->deflated)) != Z_OK || size != b->size)
        g_error ("cannot inflate the search texts");
      texts->inflated_block = block;
    }
  return (const char *) texts->inflated->data + offset;
}

/* What a search looks in: the post's own text, its link's title and
 * address, the reshared post's text (all from the index: a search never
 * reads the posts again). */
static void
append_search_text (SearchTexts *texts,
                    GpmPost     *post)
{
  g_autofree char *plain = gpm_convert_html_to_plain (gpm_post_get_content (post), 0);
  g_autoptr(GString) all = g_string_new (plain);
  g_autofree char *folded = NULL;
  const char *link_title, *link_url, *reshared;

  gpm_post_get_search_parts (post, &link_title, &link_url, &reshared);
  if (link_title != NULL || link_url != NULL)
    g_string_append_printf (all, "\n%s\n%s", link_title ? link_title : "", link_url ? link_url : "");
  if (reshared != NULL)
    {
      g_autofree char *text = gpm_convert_html_to_plain (reshared, 0);
      g_string_append_printf (all, "\n%s", g_strstrip (text));
    }

  folded = g_utf8_casefold (all->str, all->len);
  if (texts->open->len >= TEXT_BLOCK)
    search_texts_close_block (texts);
  g_hash_table_insert (texts->at, post,
                       GSIZE_TO_POINTER (((gsize) texts->blocks->len << 16 | texts->open->len) + 1));
  g_string_append_len (texts->open, folded, strlen (folded) + 1);
}

static gboolean
post_in_keys (GpmPost    *post,
              GHashTable *keys)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);

  for (guint i = 0; keys != NULL && scopes != NULL && i < scopes->len; i++)
    if (g_hash_table_contains (keys, gpm_scope_get_key (g_ptr_array_index (scopes, i))))
      return TRUE;
  return FALSE;
}

/* Search finds audience names too ("Family"): a scope's name is folded and
 * compared once per pass (@names: key → whether it matches), not once per post. */
static gboolean
scopes_match_search (const Filter *filter,
                     GpmPost      *post,
                     GHashTable   *names)
{
  GPtrArray *scopes = gpm_post_get_scopes (post);

  for (guint i = 0; scopes != NULL && i < scopes->len; i++)
    {
      const GpmScope *scope = g_ptr_array_index (scopes, i);
      const char *key = gpm_scope_get_key (scope);
      gpointer cached;

      if (!g_hash_table_lookup_extended (names, key, NULL, &cached))
        {
          g_autofree char *folded = g_utf8_casefold (gpm_gui_scope_label (scope), -1);

          cached = GINT_TO_POINTER (strstr (folded, filter->search) != NULL);
          g_hash_table_insert (names, (gpointer) key, cached);
        }
      if (GPOINTER_TO_INT (cached))
        return TRUE;
    }
  return FALSE;
}

/* What the list holds: the posts of the audience looked into, whether it is
 * ticked or not; else, while searching, every post; else the posts of the
 * ticked audiences. @texts and @names only with a search. */
static gboolean
filter_match (const Filter *filter,
              GpmPost      *post,
              SearchTexts  *texts,
              GHashTable   *names)
{
  if (filter->view_keys != NULL)
    {
      if (!post_in_keys (post, filter->view_keys))
        return FALSE;
    }
  else if (filter->search == NULL && !post_in_keys (post, filter->keys))
    return FALSE;

  /* "Posts with warnings": nothing until the check has run */
  if (filter->warnings_only && (filter->warnings == NULL || !g_hash_table_contains (filter->warnings, post)))
    return FALSE;

  if (filter->search != NULL)
    {
      const char *text = search_texts_get (texts, GPOINTER_TO_SIZE (g_hash_table_lookup (texts->at, post)));

      return (text != NULL && strstr (text, filter->search) != NULL) ||
             scopes_match_search (filter, post, names);
    }

  return TRUE;
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

/* Where @post goes in @array[@from..] (newest first): after every post it
 * does not sort before. */
static guint
insert_position (GPtrArray *array,
                 guint      from,
                 GpmPost   *post)
{
  guint lo = from, hi = array->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_newest_first (&array->pdata[mid], &post, NULL) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
append_range (GPtrArray *out,
              GPtrArray *from,
              guint      start,
              guint      end)
{
  guint n = out->len;

  if (end <= start)
    return;
  g_ptr_array_set_size (out, n + (end - start));
  memcpy (out->pdata + n, from->pdata + start, (end - start) * sizeof (gpointer));
}

/* A new array: @into with @sorted (newest first) merged in, each after the
 * posts it does not sort before. A binary search a post: a batch of a few
 * hundred into 100,000 costs the copy (a millisecond), not a walk comparing
 * dates. */
static GPtrArray *
merge_sorted (GPtrArray *into,
              GPtrArray *sorted)
{
  GPtrArray *out = g_ptr_array_sized_new (into->len + sorted->len);
  guint from = 0;

  for (guint k = 0; k < sorted->len; k++)
    {
      guint pos = insert_position (into, from, sorted->pdata[k]);

      append_range (out, into, from, pos);
      g_ptr_array_add (out, sorted->pdata[k]);
      from = pos;
    }
  append_range (out, into, from, into->len);
  return out;
}

/* The changes the view is told of cost it by what they add, not by how
 * many they are, when the list's tracked rows (the selected one, the one
 * at the top) fall in what one removes: GTK 4.8 then looks up every post
 * added, twice (the selection, the view), a millisecond per 3,000 posts.
 * So: posts only added come around the rows the view has made
 * (show_added()); other changes in pieces around the rows the view tracks
 * (show()); a filter's new result that replaces many posts is announced
 * (::refiltering: the view may have it replace the list whole, replace()). */

/* @state is shown now: the view learns of it by this one change (what it
 * reads in it matches what it was told). */
static void
emit_step (GpmPostListModel *self,
           GPtrArray        *state,
           guint             position,
           guint             removed,
           guint             added)
{
  GPtrArray *old = self->shown;

  self->shown = g_ptr_array_ref (state);
  g_ptr_array_unref (old);
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* One piece of a change told in pieces (show()): the list is then
 * old[..old_split] + shown[new_split..]. */
static void
emit_piece (GpmPostListModel *self,
            guint             old_start,
            guint             old_end,
            guint             new_start,
            guint             new_end,
            gboolean          split)
{
  if (old_end == old_start && new_end == new_start)
    return;
  if (split && old_end > old_start && new_end > new_start)
    {
      self->old_split = old_start;
      self->new_split = new_end;
      g_list_model_items_changed (G_LIST_MODEL (self), old_start, old_end - old_start, 0);
    }
  else
    split = FALSE;
  self->old_split = old_start;
  self->new_split = new_start;
  g_list_model_items_changed (G_LIST_MODEL (self), old_start, split ? 0 : old_end - old_start, new_end - new_start);
}

/* A filter's new result replaces the list whole, when the view asked for
 * it (::refiltering): added before the old list, then the old list removed.
 * No row the view has made is in what the first change removes, so it
 * keeps them all, and when it moves to the new posts meanwhile
 * (::replacing) it binds them to those; the second removes only the
 * rows it still tracks there (the focus). Telling it as one change makes
 * GTK 4.8 drop every row (or, when a row it tracks is in it, look up every
 * post added, twice) and make them again. */
static void
replace (GpmPostListModel *self,
         GPtrArray        *old,
         GPtrArray        *new_shown)
{
  g_ptr_array_unref (self->shown);
  self->shown = g_ptr_array_ref (new_shown);
  self->old = old;
  self->before_old = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, new_shown->len);
  g_signal_emit (self, signals[REPLACING], 0);
  self->old = NULL;
  self->before_old = FALSE;
  g_list_model_items_changed (G_LIST_MODEL (self), new_shown->len, old->len, 0);
}

/* Posts only added to the list (a batch while the takeout loads): told
 * so that no row the view has made is removed. GTK 4.8's list view drops a
 * removed row's widget (unless the same post comes back in the same
 * change), while a row pushed out of the rows it keeps by posts inserted
 * is given to a new post. So the runs of new posts that land between two
 * posts whose rows the view has (the pinned ones: pin_func() gives them
 * all) are told as inserts, and between those rows each stretch of the
 * list with new posts in it is told as one change, removed and added, with
 * no row in it. Each change costs the view a walk over its rows (about
 * 0.4 ms): the inserts are few (the view's rows are a few hundred of many
 * posts), else (a small list) this returns FALSE. Emitted from the end of
 * the list, each with the list as it is then: old[..old_split] +
 * shown[new_split..]. */
#define MAX_ROW_INSERTS 32

typedef struct {
  guint old_start, old_end;   /* what goes (none: an insert) */
  guint new_start, new_end;   /* what comes */
} Piece;

static gboolean
show_added (GpmPostListModel *self,
            GPtrArray        *old,
            GPtrArray        *new_shown,
            guint             prefix,
            guint             removed,
            guint             added)
{
  g_autoptr(GHashTable) pinned = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (guint) * 3);   /* old position, new start, length */
  g_autoptr(GArray) bounds = g_array_new (FALSE, FALSE, sizeof (guint) * 2); /* pinned: old and new position */
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  guint i = prefix, j = prefix, end_old = prefix + removed, end_new = prefix + added;
  guint r = 0, n_inserts = 0;

  if (self->pin_func != NULL)
    self->pin_func (pinned, self->pin_data);

  /* The runs of new posts, and where the pinned posts are */
  {
    guint edge[2] = { prefix - 1, prefix - 1 };   /* wraps for 0: only compared after +1 */
    g_array_append_vals (bounds, edge, 1);
  }
  while (i < end_old || j < end_new)
    {
      if (i < end_old && j < end_new && old->pdata[i] == new_shown->pdata[j])
        {
          if (g_hash_table_contains (pinned, old->pdata[i]))
            {
              guint pair[2] = { i, j };
              g_array_append_vals (bounds, pair, 1);
            }
          i++;
          j++;
          continue;
        }
      if (j >= end_new)
        return FALSE;   /* a post went: not only added */
      {
        guint run[3] = { i, j, 0 };

        while (j < end_new && (i >= end_old || old->pdata[i] != new_shown->pdata[j]))
          {
            j++;
            run[2]++;
          }
        g_array_append_vals (runs, run, 1);
      }
    }
  {
    guint edge[2] = { end_old, end_new };
    g_array_append_vals (bounds, edge, 1);
  }

  /* Between two pinned posts (or an end of the change): an insert if they
   * are next to each other, else one change for the stretch between */
  for (guint b = 0; b + 1 < bounds->len && r < runs->len; b++)
    {
      guint o0 = g_array_index (bounds, guint, b * 2) + 1, n0 = g_array_index (bounds, guint, b * 2 + 1) + 1;
      guint o1 = g_array_index (bounds, guint, (b + 1) * 2), n1 = g_array_index (bounds, guint, (b + 1) * 2 + 1);
      gboolean any = FALSE;

      while (r < runs->len && g_array_index (runs, guint, r * 3) <= o1)
        {
          if (o0 == o1)
            {
              Piece insert = { o0, o0, g_array_index (runs, guint, r * 3 + 1),
                               g_array_index (runs, guint, r * 3 + 1) + g_array_index (runs, guint, r * 3 + 2) };
              g_array_append_val (pieces, insert);
              n_inserts++;
            }
          any = TRUE;
          r++;
        }
      if (any && o0 < o1)
        {
          Piece stretch = { o0, o1, n0, n1 };
          g_array_append_val (pieces, stretch);
        }
    }
  if (n_inserts > MAX_ROW_INSERTS && g_list_model_get_n_items (G_LIST_MODEL (self)) > 0 &&
      g_hash_table_size (pinned) > 0)
    return FALSE;

  g_ptr_array_unref (self->shown);
  self->shown = g_ptr_array_ref (new_shown);
  self->old = old;
  for (guint k = pieces->len; k-- > 0;)
    {
      Piece *piece = &g_array_index (pieces, Piece, k);

      self->old_split = piece->old_start;
      self->new_split = piece->new_start;
      g_list_model_items_changed (G_LIST_MODEL (self), piece->old_start,
                                  piece->old_end - piece->old_start, piece->new_end - piece->new_start);
    }
  self->old = NULL;
  return TRUE;
}

/* @new_shown replaces what is shown; @refilter: it is a filter's new
 * result (::refiltering first, when it replaces posts). */
static void
show (GpmPostListModel *self,
      GPtrArray        *new_shown,
      gboolean          refilter)
{
  g_autoptr(GPtrArray) old = g_ptr_array_ref (self->shown);
  guint n_old = old->len, n_new = new_shown->len, prefix = 0, suffix = 0;
  guint removed, added;

  while (prefix < n_old && prefix < n_new && old->pdata[prefix] == new_shown->pdata[prefix])
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         old->pdata[n_old - 1 - suffix] == new_shown->pdata[n_new - 1 - suffix])
    suffix++;
  removed = n_old - prefix - suffix;
  added = n_new - prefix - suffix;
  if (refilter && removed > 0 && added > 0)
    {
      gboolean whole = FALSE;

      g_signal_emit (self, signals[REFILTERING], 0, removed, added, &whole);
      if (whole)
        {
          replace (self, old, new_shown);
          return;
        }
    }

  /* Posts only added (a batch while the takeout loads) */
  if (added > removed && show_added (self, old, new_shown, prefix, removed, added))
    return;

  /* Else in pieces between the pinned posts that stay (the selected one,
   * the rows on screen, the top one among them: those GTK tracks), each
   * with the list as it is then: the old list up to the piece, the new one
   * after it. No tracked row is then in what a piece removes, and the rows
   * that stay keep their widgets. A piece that held a pinned post that goes
   * (a small refilter) is told as removed, then added. */
  if (removed > 0 && added > 0 && self->pin_func != NULL)
    {
      g_autoptr(GHashTable) pinned = g_hash_table_new (NULL, NULL);
      g_autoptr(GHashTable) at_new = g_hash_table_new (NULL, NULL);
      g_autoptr(GArray) stays = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
      guint old_end = prefix + removed, new_end = prefix + added;
      gboolean goes;

      self->pin_func (pinned, self->pin_data);
      for (guint j = prefix; g_hash_table_size (pinned) > 0 && j < new_end; j++)
        if (g_hash_table_contains (pinned, new_shown->pdata[j]))
          g_hash_table_insert (at_new, new_shown->pdata[j], GUINT_TO_POINTER (j));
      for (guint i = prefix; g_hash_table_size (at_new) > 0 && i < old_end; i++)
        {
          gpointer j;

          if (g_hash_table_lookup_extended (at_new, old->pdata[i], NULL, &j))
            {
              guint pair[2] = { i, GPOINTER_TO_UINT (j) };
              g_array_append_vals (stays, pair, 1);
            }
        }
      if (stays->len > 0)
        {
          g_ptr_array_unref (self->shown);
          self->shown = g_ptr_array_ref (new_shown);
          self->old = old;
          for (guint k = stays->len; k-- > 0;)
            {
              guint o = g_array_index (stays, guint, k * 2), n = g_array_index (stays, guint, k * 2 + 1);

              goes = FALSE;
              for (guint i = o + 1; i < old_end && !goes; i++)
                goes = g_hash_table_contains (pinned, old->pdata[i]);
              emit_piece (self, o + 1, old_end, n + 1, new_end, goes);
              old_end = o;
              new_end = n;
            }
          goes = FALSE;
          for (guint i = prefix; i < old_end && !goes; i++)
            goes = g_hash_table_contains (pinned, old->pdata[i]);
          emit_piece (self, prefix, old_end, prefix, new_end, goes);
          self->old = NULL;
          return;
        }
    }

  emit_step (self, new_shown, prefix, removed, added);
}

static void
update_filtering (GpmPostListModel *self)
{
  gboolean filtering = gpm_post_list_model_is_filtering (self);

  if (filtering == self->filtering)
    return;
  self->filtering = filtering;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
}

/* The pass: sorts the posts if they came unsorted, builds the search texts
 * a search needs, and finds the matching posts. */

typedef struct {
  GPtrArray   *all;
  gboolean     sort;
  GPtrArray   *owned;    /* keeps the posts alive while the worker reads them */
  Filter      *filter;
  SearchTexts *texts;
  GPtrArray   *sorted;   /* out, with sort */
  GPtrArray   *shown;    /* out */
  gboolean     new_filter; /* the filter changed since the pass before */
} Pass;

static void
pass_free (Pass *pass)
{
  g_ptr_array_unref (pass->all);
  g_ptr_array_unref (pass->owned);
  filter_free (pass->filter);
  g_clear_pointer (&pass->texts, search_texts_unref);
  g_clear_pointer (&pass->sorted, g_ptr_array_unref);
  g_clear_pointer (&pass->shown, g_ptr_array_unref);
  g_free (pass);
}

static void
pass_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Pass *pass = task_data;
  GPtrArray *all = pass->all;
  g_autoptr(GHashTable) names = NULL;

  if (pass->sort)
    {
      pass->sorted = g_ptr_array_copy (pass->all, NULL, NULL);
      g_ptr_array_sort_with_data (pass->sorted, compare_newest_first, NULL);
      all = pass->sorted;
    }

  if (pass->filter->search != NULL)
    {
      names = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < all->len; i++)
        if (!g_hash_table_contains (pass->texts->at, all->pdata[i]))
          append_search_text (pass->texts, all->pdata[i]);
    }

  pass->shown = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    if (filter_match (pass->filter, all->pdata[i], pass->texts, names))
      g_ptr_array_add (pass->shown, all->pdata[i]);

  g_task_return_boolean (task, TRUE);
}

static void schedule_pass (GpmPostListModel *self);
static void start_adding (GpmPostListModel *self);

/* The posts of @new_shown that @old lacks, in order; NULL if @old has one
 * @new_shown lacks (both in the list's order) */
static GPtrArray *
added_to (GPtrArray *old,
          GPtrArray *new_shown)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  guint j = 0;

  for (guint i = 0; i < new_shown->len; i++)
    {
      if (j < old->len && new_shown->pdata[i] == old->pdata[j])
        j++;
      else
        g_ptr_array_add (added, new_shown->pdata[i]);
    }
  return j == old->len ? g_steal_pointer (&added) : NULL;
}

static void
pass_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GpmPostListModel *self = GPM_POST_LIST_MODEL (source);
  Pass *pass = g_task_get_task_data (G_TASK (result));

  self->running = FALSE;

  if (pass->sort)
    {
      if (self->all == pass->all)
        {
          g_ptr_array_unref (self->all);
          self->all = g_ptr_array_ref (pass->sorted);
          self->all_sorted = TRUE;
        }
      else
        /* Posts came meanwhile: sorted with them next time */
        self->posts_dirty = TRUE;
    }

  /* A pass over posts that more have joined since is shown (the next
   * adds them); one for a filter changed since is not. One that only adds
   * posts (more read, an audience more) adds them in steps. */
  if (!self->filter_dirty && self->all_sorted)
    {
      g_autoptr(GPtrArray) added = self->pin_func != NULL ? added_to (self->shown, pass->shown) : NULL;

      if (added != NULL)
        {
          g_ptr_array_unref (self->adding);
          self->adding = g_steal_pointer (&added);
        }
      else
        {
          g_ptr_array_set_size (self->adding, 0);
          show (self, pass->shown, pass->new_filter);
        }
    }

  if (self->filter_dirty || self->posts_dirty)
    schedule_pass (self);
  else if (self->adding->len > 0 || self->pending->len > 0)
    start_adding (self);
  update_filtering (self);
}

static void
start_pass (GpmPostListModel *self)
{
  g_autoptr(GTask) task = NULL;
  Pass *pass = g_new0 (Pass, 1);

  pass->all = g_ptr_array_ref (self->all);
  pass->sort = !self->all_sorted;
  pass->owned = g_ptr_array_ref (self->owned);
  pass->filter = filter_copy (self->filter);
  if (self->filter->search != NULL)
    pass->texts = search_texts_ref (self->texts);

  pass->new_filter = self->filter_dirty;
  /* Posts waiting to be shown may not match the new filter: the pass finds
   * those that do */
  if (self->filter_dirty)
    g_ptr_array_set_size (self->adding, 0);
  self->running = TRUE;
  self->filter_dirty = FALSE;
  self->posts_dirty = FALSE;

  task = g_task_new (self, NULL, pass_done_cb, NULL);
  g_task_set_source_tag (task, start_pass);
  g_task_set_task_data (task, pass, (GDestroyNotify) pass_free);
  gpm_task_run_in_thread (task, pass_thread);
}

static gboolean
start_pass_idle (gpointer user_data)
{
  GpmPostListModel *self = user_data;

  self->idle_id = 0;
  if (!self->running)
    start_pass (self);
  update_filtering (self);
  return G_SOURCE_REMOVE;
}

/* A pass once the changes made now are all in (the filter and the posts
 * are often set together); after the running one, if any. */
static void
schedule_pass (GpmPostListModel *self)
{
  if (!self->running && self->idle_id == 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, start_pass_idle, self, NULL);
  update_filtering (self);
}

void
gpm_post_list_model_set_posts (GpmPostListModel *self,
                               GPtrArray        *posts)
{
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();

  g_return_if_fail (GPM_IS_POST_LIST_MODEL (self));

  /* Nothing of the old posts stays shown once their refs go */
  show (self, empty, FALSE);
  g_clear_handle_id (&self->add_id, g_source_remove);
  g_ptr_array_set_size (self->pending, 0);
  g_ptr_array_set_size (self->adding, 0);

  g_ptr_array_unref (self->owned);
  self->owned = g_ptr_array_new_full (posts ? posts->len : 0, g_object_unref);
  for (guint i = 0; posts != NULL && i < posts->len; i++)
    g_ptr_array_add (self->owned, g_object_ref (g_ptr_array_index (posts, i)));
  g_ptr_array_unref (self->all);
  self->all = g_ptr_array_copy (self->owned, NULL, NULL);
  g_ptr_array_set_free_func (self->all, NULL);
  /* Sorting 100,000 posts takes the main loop 50 ms: the pass sorts them */
  self->all_sorted = self->all->len < 2;
  g_clear_pointer (&self->texts, search_texts_unref);
  self->texts = search_texts_new ();

  if (self->all->len > 0)
    {
      self->posts_dirty = TRUE;
      schedule_pass (self);
    }
  update_filtering (self);
}

/* Posts added while the takeout loads (and the posts a pass finds beyond
 * those shown) go into the list in steps, one an idle, each with at most
 * STEP_INSIDE new posts among the rows the view has (the pinned ones), in
 * at most STEP_INSERTS runs: each run is a change that costs the view a
 * walk over its rows, each post in it a row bound (while the list grows,
 * gpm-post-list.c, or is shorter than the rows GTK keeps, a new row made)
 * and the next frame measures them. A batch of 5,000 posts put in at once
 * was up to 30 ms of changes, 90 ms with the rows it made (issue 13). The
 * posts that land elsewhere cost the view little: up to STEP_POSTS a step. */
#define STEP_INSIDE 12
#define STEP_INSERTS 12
/* ...at most this many posts looked at (each a few binary searches among
 * 100,000 posts: a batch of 10,000 at once was 20-55 ms)... */
#define STEP_POSTS 2048
/* ...and the steps that put posts among the view's rows one a frame:
 * between two frames the main loop is idle many times, and the rows a
 * frame lays out are what costs */
#define STEP_INSIDE_INTERVAL_MS 16

static gboolean
is_pinned_at (GPtrArray  *shown,
              GHashTable *pinned,
              guint       position)
{
  return position < shown->len && g_hash_table_contains (pinned, shown->pdata[position]);
}

static gboolean add_step_idle (gpointer user_data);

/* Can posts be shown now (no pass to wait for)? */
static gboolean
can_show_now (GpmPostListModel *self)
{
  return !self->running && self->idle_id == 0 && !self->filter_dirty && !self->posts_dirty &&
         self->all_sorted;
}

static void
add_step (GpmPostListModel *self,
          gboolean          may_go_inside)
{
  /* Without a search a post is matched in a few hash lookups: at once */
  gboolean now = can_show_now (self) && self->filter->search == NULL;
  guint n_inside = 0;

  /* The posts given: into @all, the matching ones to be shown */
  if (self->pending->len > 0)
    {
      g_autoptr(GPtrArray) take = g_ptr_array_new ();
      g_autoptr(GPtrArray) matching = g_ptr_array_new ();
      g_autoptr(GPtrArray) rest = g_ptr_array_new ();
      GPtrArray *all;

      for (guint i = 0; i < self->pending->len; i++)
        {
          GpmPost *post = self->pending->pdata[i];

          if (now && i >= STEP_POSTS)
            g_ptr_array_add (rest, post);
          else
            {
              g_ptr_array_add (take, post);
              if (now && filter_match (self->filter, post, NULL, NULL))
                g_ptr_array_add (matching, post);
            }
        }
      g_ptr_array_unref (self->pending);
      self->pending = g_steal_pointer (&rest);

      /* A new array: a running pass reads the old one */
      if (self->all_sorted)
        all = merge_sorted (self->all, take);
      else
        {
          all = g_ptr_array_copy (self->all, NULL, NULL);
          g_ptr_array_extend (all, take, NULL, NULL);
        }
      g_ptr_array_unref (self->all);
      self->all = all;

      if (now)
        {
          GPtrArray *adding = merge_sorted (self->adding, matching);

          g_ptr_array_unref (self->adding);
          self->adding = adding;
        }
      else
        {
          /* a pass finds them */
          self->posts_dirty = TRUE;
          schedule_pass (self);
        }
    }

  /* The matching ones into the list */
  now = can_show_now (self);
  if (now && self->adding->len > 0)
    {
      g_autoptr(GHashTable) pinned = g_hash_table_new (NULL, NULL);
      g_autoptr(GPtrArray) show_now = g_ptr_array_new ();
      g_autoptr(GPtrArray) keep = g_ptr_array_new ();
      g_autoptr(GPtrArray) shown = NULL;
      guint from = 0, n_inserts = 0, last_gap = G_MAXUINT;

      if (self->pin_func != NULL)
        self->pin_func (pinned, self->pin_data);
      for (guint i = 0; i < self->adding->len; i++)
        {
          GpmPost *post = self->adding->pdata[i];
          guint p;

          if (i >= STEP_POSTS)
            {
              g_ptr_array_add (keep, post);
              continue;
            }
          /* Between two rows the view has (or before the first, after the last) */
          p = from = insert_position (self->shown, from, post);
          if (self->shown->len > 0 &&
              (p == 0 || is_pinned_at (self->shown, pinned, p - 1)) &&
              (p == self->shown->len || is_pinned_at (self->shown, pinned, p)))
            {
              if (!may_go_inside || n_inside == STEP_INSIDE || (p != last_gap && n_inserts == STEP_INSERTS))
                {
                  g_ptr_array_add (keep, post);
                  continue;
                }
              n_inside++;
              if (p != last_gap)
                n_inserts++;
              last_gap = p;
            }
          g_ptr_array_add (show_now, post);
        }
      g_ptr_array_unref (self->adding);
      self->adding = g_steal_pointer (&keep);

      shown = merge_sorted (self->shown, show_now);
      show (self, shown, FALSE);
    }

  if (n_inside > 0)
    self->inside_time = g_get_monotonic_time ();
  if (self->add_id == 0 && (self->pending->len > 0 || (now && self->adding->len > 0)))
    self->add_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE,
                                       n_inside > 0 || !may_go_inside ? STEP_INSIDE_INTERVAL_MS : 0,
                                       add_step_idle, self, NULL);
}

static gboolean
add_step_idle (gpointer user_data)
{
  GpmPostListModel *self = user_data;

  self->add_id = 0;
  add_step (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
start_adding (GpmPostListModel *self)
{
  g_clear_handle_id (&self->add_id, g_source_remove);
  add_step (self, g_get_monotonic_time () - self->inside_time >= STEP_INSIDE_INTERVAL_MS * G_TIME_SPAN_MILLISECOND);
}

void
gpm_post_list_model_add_posts (GpmPostListModel *self,
                               GPtrArray        *posts)
{
  g_autoptr(GPtrArray) sorted = NULL;
  GPtrArray *pending;

  g_return_if_fail (GPM_IS_POST_LIST_MODEL (self));

  if (posts == NULL || posts->len == 0)
    return;

  sorted = g_ptr_array_copy (posts, NULL, NULL);
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort_with_data (sorted, compare_newest_first, NULL);
  for (guint i = 0; i < sorted->len; i++)
    g_ptr_array_add (self->owned, g_object_ref (sorted->pdata[i]));

  pending = merge_sorted (self->pending, sorted);
  g_ptr_array_unref (self->pending);
  self->pending = pending;
  /* The first posts on screen at once; else a step when idle (not in the
   * same main loop iteration as the batch's sort) */
  if (self->shown->len == 0)
    start_adding (self);
  else if (self->add_id == 0)
    self->add_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_step_idle, self, NULL);
}

gboolean
gpm_post_list_model_is_adding (GpmPostListModel *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST_MODEL (self), FALSE);
  return self->pending->len > 0 || self->adding->len > 0;
}

void
gpm_post_list_model_set_filter (GpmPostListModel *self,
                                GHashTable       *keys,
                                GHashTable       *view_keys,
                                const char       *search,
                                gboolean          warnings_only,
                                GHashTable       *warnings)
{
  Filter *filter;

  g_return_if_fail (GPM_IS_POST_LIST_MODEL (self));

  filter = self->filter;
  if (filter->keys == keys && filter->view_keys == view_keys &&
      g_strcmp0 (filter->search, search) == 0 && filter->warnings_only == warnings_only &&
      !warnings_only)
    return;

  g_clear_pointer (&filter->keys, g_hash_table_unref);
  g_clear_pointer (&filter->view_keys, g_hash_table_unref);
  g_clear_pointer (&filter->warnings, g_hash_table_unref);
  g_clear_pointer (&filter->search, g_free);
  filter->keys = keys ? g_hash_table_ref (keys) : NULL;
  filter->view_keys = view_keys ? g_hash_table_ref (view_keys) : NULL;
  filter->search = g_strdup (search);
  filter->warnings_only = warnings_only;
  if (warnings_only && warnings != NULL)
    {
      /* The window changes its table when a post is checked again: the
       * worker reads a copy */
      GHashTableIter iter;
      gpointer post;

      filter->warnings = g_hash_table_new (NULL, NULL);
      g_hash_table_iter_init (&iter, warnings);
      while (g_hash_table_iter_next (&iter, &post, NULL))
        g_hash_table_add (filter->warnings, post);
    }

  self->filter_dirty = TRUE;
  schedule_pass (self);
}

void
gpm_post_list_model_set_pin_func (GpmPostListModel        *self,
                                  GpmPostListModelPinFunc  func,
                                  gpointer                 user_data)
{
  g_return_if_fail (GPM_IS_POST_LIST_MODEL (self));
  self->pin_func = func;
  self->pin_data = user_data;
}

gboolean
gpm_post_list_model_is_filtering (GpmPostListModel *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST_MODEL (self), FALSE);
  return self->running || self->idle_id != 0 || self->filter_dirty || self->posts_dirty;
}

/* Where @post is among the matching posts, G_MAXUINT: not there */
guint
gpm_post_list_model_find_shown (GpmPostListModel *self,
                                GpmPost          *post)
{
  guint i;

  g_return_val_if_fail (GPM_IS_POST_LIST_MODEL (self), G_MAXUINT);
  return g_ptr_array_find (self->shown, post, &i) ? i : G_MAXUINT;
}

guint
gpm_post_list_model_get_n_posts (GpmPostListModel *self)
{
  g_return_val_if_fail (GPM_IS_POST_LIST_MODEL (self), 0);
  return self->all->len + self->pending->len;
}

static GType
gpm_post_list_model_get_item_type (GListModel *model)
{
  return GPM_TYPE_POST;
}

static guint
gpm_post_list_model_get_n_items (GListModel *model)
{
  GpmPostListModel *self = GPM_POST_LIST_MODEL (model);

  if (self->old != NULL && self->before_old)
    return self->shown->len + self->old->len;
  if (self->old != NULL)
    return self->old_split + self->shown->len - self->new_split;
  return self->shown->len;
}

static gpointer
gpm_post_list_model_get_item (GListModel *model,
                              guint       position)
{
  GpmPostListModel *self = GPM_POST_LIST_MODEL (model);

  if (self->old != NULL && self->before_old)
    {
      if (position < self->shown->len)
        return g_object_ref (self->shown->pdata[position]);
      position -= self->shown->len;
      return position < self->old->len ? g_object_ref (self->old->pdata[position]) : NULL;
    }
  if (self->old != NULL)
    {
      if (position < self->old_split)
        return g_object_ref (self->old->pdata[position]);
      position = position - self->old_split + self->new_split;
    }
  if (position >= self->shown->len)
    return NULL;
  return g_object_ref (self->shown->pdata[position]);
}

static void
gpm_post_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = gpm_post_list_model_get_item_type;
  iface->get_n_items = gpm_post_list_model_get_n_items;
  iface->get_item = gpm_post_list_model_get_item;
}

static void
gpm_post_list_model_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GpmPostListModel *self = GPM_POST_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_FILTERING:
      g_value_set_boolean (value, gpm_post_list_model_is_filtering (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_post_list_model_finalize (GObject *object)
{
  GpmPostListModel *self = GPM_POST_LIST_MODEL (object);

  /* A pass holds a ref: none runs now */
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_handle_id (&self->add_id, g_source_remove);
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->adding);
  g_ptr_array_unref (self->shown);
  g_ptr_array_unref (self->all);
  g_ptr_array_unref (self->owned);
  filter_free (self->filter);
  search_texts_unref (self->texts);

  G_OBJECT_CLASS (gpm_post_list_model_parent_class)->finalize (object);
}

static void
gpm_post_list_model_class_init (GpmPostListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gpm_post_list_model_finalize;
  object_class->get_property = gpm_post_list_model_get_property;

  properties[PROP_FILTERING] =
    g_param_spec_boolean ("filtering", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Before a filter's new result replaces posts (@removed of them by
   * @added): a handler returns TRUE to have it replace the list whole
   * (replace(): ::replacing in between) rather than in pieces. */
  signals[REFILTERING] =
    g_signal_new ("refiltering", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 2, G_TYPE_UINT, G_TYPE_UINT);
  /* While a new result replaces the list whole: the list is the new posts,
   * then the old ones, which go next. A view moves to the new ones now. */
  signals[REPLACING] =
    g_signal_new ("replacing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
gpm_post_list_model_init (GpmPostListModel *self)
{
  self->owned = g_ptr_array_new_with_free_func (g_object_unref);
  self->all = g_ptr_array_new ();
  self->all_sorted = TRUE;
  self->shown = g_ptr_array_new ();
  self->pending = g_ptr_array_new ();
  self->adding = g_ptr_array_new ();
  self->filter = g_new0 (Filter, 1);
  self->texts = search_texts_new ();
}

GpmPostListModel *
gpm_post_list_model_new (void)
{
  return g_object_new (GPM_TYPE_POST_LIST_MODEL, NULL);
}
