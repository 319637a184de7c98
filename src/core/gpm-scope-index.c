/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-scope-index"

#include "gpm-scope-index.h"

struct _GpmScopeIndex
{
  GObject    parent_instance;

  GPtrArray  *posts;    /* GpmPost* */
  GPtrArray  *entries;  /* GpmScopeEntry*, sorted as the seed prints them */
  GHashTable *by_key;   /* key → KeyCount (each post once) */
  gboolean    has_public_key;  /* a post's ACL has isPublic */
};

/* Counts, not lists of the posts: at 100,000 posts the lists were 4.6 MB
 * (and 400,000 references taken), and only their lengths were read. */
typedef struct {
  guint          count;
  gconstpointer  last;   /* the last post counted (not a reference) */
} KeyCount;

G_DEFINE_FINAL_TYPE (GpmScopeIndex, gpm_scope_index, G_TYPE_OBJECT)

static void
scope_entry_free (GpmScopeEntry *entry)
{
  gpm_scope_unref (entry->scope);
  g_free (entry);
}

static void
gpm_scope_index_finalize (GObject *object)
{
  GpmScopeIndex *self = GPM_SCOPE_INDEX (object);

  g_clear_pointer (&self->posts, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);

  G_OBJECT_CLASS (gpm_scope_index_parent_class)->finalize (object);
}

static void
gpm_scope_index_class_init (GpmScopeIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gpm_scope_index_finalize;
}

static void
gpm_scope_index_init (GpmScopeIndex *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) scope_entry_free);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Python's sorted(..., reverse=True, key=count) is stable: ties keep first-seen order. */
static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const GpmScopeEntry *ea = a;
  const GpmScopeEntry *eb = b;
  if (ea->n_posts != eb->n_posts)
    return ea->n_posts > eb->n_posts ? -1 : 1;
  return 0;
}

/* The communities' classes over the whole takeout (DESIGN in gpm-scope.h),
 * set on every COMMUNITY scope of the posts (the posts of a takeout share
 * their scopes, but posts made apart may not): whoever holds a post then
 * knows whether its community was closed, without the index. */
static void
classify_communities (GpmScopeIndex *self)
{
  g_autoptr(GHashTable) open_ids = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean has_key = FALSE;

  for (guint i = 0; i < self->posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (self->posts, i);
      GpmAclPublic is_public = gpm_post_get_acl_public (post);
      GPtrArray *scopes = gpm_post_get_scopes (post);

      if (is_public == GPM_ACL_PUBLIC_ABSENT)
        continue;
      has_key = TRUE;
      for (guint j = 0; is_public == GPM_ACL_PUBLIC_TRUE && j < scopes->len; j++)
        {
          const GpmScope *scope = g_ptr_array_index (scopes, j);

          if (scope->kind == GPM_SCOPE_COMMUNITY)
            g_hash_table_add (open_ids, (gpointer) gpm_scope_get_key (scope));
        }
    }
  self->has_public_key = has_key;
  for (guint i = 0; i < self->posts->len; i++)
    {
      GPtrArray *scopes = gpm_post_get_scopes (g_ptr_array_index (self->posts, i));

      for (guint j = 0; j < scopes->len; j++)
        {
          GpmScope *scope = g_ptr_array_index (scopes, j);

          if (scope->kind == GPM_SCOPE_COMMUNITY)
            gpm_scope_set_community_class (scope,
                                           gpm_community_class_decide (g_hash_table_contains (open_ids, gpm_scope_get_key (scope)),
                                                                       has_key));
        }
    }
}

GpmScopeIndex *
gpm_scope_index_new (GPtrArray *posts)
{
  GpmScopeIndex *self = g_object_new (GPM_TYPE_SCOPE_INDEX, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (gpm_scope_hash, gpm_scope_equal);

  self->posts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      GPtrArray *scopes = gpm_post_get_scopes (post);

      g_ptr_array_add (self->posts, g_object_ref (post));
      for (guint j = 0; j < scopes->len; j++)
        {
          GpmScope *scope = g_ptr_array_index (scopes, j);
          GpmScopeEntry *entry = g_hash_table_lookup (seen, scope);
          const char *key = gpm_scope_get_key (scope);
          KeyCount *keyed;

          /* The seed counts every ACL tuple, even one a post carries twice. */
          if (entry == NULL)
            {
              entry = g_new0 (GpmScopeEntry, 1);
              entry->scope = gpm_scope_ref (scope);
              g_ptr_array_add (self->entries, entry);
              g_hash_table_insert (seen, entry->scope, entry);
            }
          entry->n_posts++;

          keyed = g_hash_table_lookup (self->by_key, key);
          if (keyed == NULL)
            {
              keyed = g_new0 (KeyCount, 1);
              g_hash_table_insert (self->by_key, g_strdup (key), keyed);
            }
          if (keyed->count == 0 || keyed->last != post)
            {
              keyed->count++;
              keyed->last = post;
            }
        }
    }
  classify_communities (self);
  /* Python's sort is stable; so is g_list_sort (a merge sort). */
  {
    GList *list = NULL;
    g_ptr_array_set_free_func (self->entries, NULL);
    for (guint i = self->entries->len; i > 0; i--)
      list = g_list_prepend (list, g_ptr_array_index (self->entries, i - 1));
    g_ptr_array_set_size (self->entries, 0);
    g_ptr_array_set_free_func (self->entries, (GDestroyNotify) scope_entry_free);
    list = g_list_sort (list, compare_entries);
    for (GList *l = list; l; l = l->next)
      g_ptr_array_add (self->entries, l->data);
    g_list_free (list);
  }
  return self;
}

GPtrArray *
gpm_scope_index_get_posts (GpmScopeIndex *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_INDEX (self), NULL);
  return self->posts;
}

GPtrArray *
gpm_scope_index_get_entries (GpmScopeIndex *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_INDEX (self), NULL);
  return self->entries;
}

guint
gpm_scope_index_count_key (GpmScopeIndex *self,
                           const char    *key)
{
  const KeyCount *keyed;

  g_return_val_if_fail (GPM_IS_SCOPE_INDEX (self), 0);
  keyed = g_hash_table_lookup (self->by_key, key);
  return keyed ? keyed->count : 0;
}

gboolean
gpm_scope_index_has_public_key (GpmScopeIndex *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_INDEX (self), FALSE);
  return self->has_public_key;
}

GpmCommunityClass
gpm_scope_index_get_community_class (GpmScopeIndex *self,
                                     const char    *key)
{
  g_return_val_if_fail (GPM_IS_SCOPE_INDEX (self), GPM_COMMUNITY_UNKNOWN);

  for (guint i = 0; i < self->entries->len; i++)
    {
      GpmScopeEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->scope->kind == GPM_SCOPE_COMMUNITY && g_strcmp0 (gpm_scope_get_key (entry->scope), key) == 0)
        return gpm_scope_get_community_class (entry->scope);
    }
  return GPM_COMMUNITY_UNKNOWN;
}

GStrv
gpm_scope_index_essentially_public_keys (GpmScopeIndex *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) added = g_hash_table_new (g_str_hash, g_str_equal);

  g_strv_builder_add (builder, gpm_scope_kind_to_string (GPM_SCOPE_PUBLIC));
  for (guint i = 0; i < self->entries->len; i++)
    {
      GpmScopeEntry *entry = g_ptr_array_index (self->entries, i);
      const char *key = gpm_scope_get_key (entry->scope);
      if (entry->scope->kind != GPM_SCOPE_PUBLIC && gpm_scope_is_essentially_public (entry->scope)
          && g_hash_table_add (added, (gpointer) key))
        g_strv_builder_add (builder, key);
    }
  return g_strv_builder_end (builder);
}

GPtrArray *
gpm_scope_index_select (GpmScopeIndex      *self,
                        const char * const *keys,
                        gboolean            essentially_public)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) preset = NULL;
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (GPM_IS_SCOPE_INDEX (self), result);

  for (guint i = 0; keys && keys[i]; i++)
    g_hash_table_add (wanted, (gpointer) keys[i]);
  if (essentially_public)
    {
      preset = gpm_scope_index_essentially_public_keys (self);
      for (guint i = 0; preset[i]; i++)
        g_hash_table_add (wanted, preset[i]);
    }
  if (g_hash_table_size (wanted) == 0)
    return result;

  for (guint i = 0; i < self->posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (self->posts, i);
      GPtrArray *scopes = gpm_post_get_scopes (post);
      for (guint j = 0; j < scopes->len; j++)
        {
          const GpmScope *scope = g_ptr_array_index (scopes, j);
          /* The seed's filter: a global kind matches by kind, others by id. */
          if (g_hash_table_contains (wanted, gpm_scope_get_key (scope)))
            {
              g_ptr_array_add (result, g_object_ref (post));
              break;
            }
        }
    }
  return result;
}
