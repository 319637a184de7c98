/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-scope-node"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-scope-node.h"
#include "gpm-gui-util.h"

struct _GpmScopeNode
{
  GObject       parent_instance;

  char         *title;
  char         *sort_key;   /* the title's collation key: children are kept in its order */
  char         *key;
  char         *icon_name;
  GpmScopeKind  kind;       /* a leaf's scope kind, a group's members' */
  guint         count;
  guint         last_post;  /* the post gpm_scope_tree_add_posts() counted last here */
  gboolean      is_private;
  gboolean      becomes_public;   /* a community not known to be closed, or the Communities group */
  guint8        community_class;  /* a community's GpmCommunityClass */
  gboolean      has_public_post;  /* a community: a post to it read so far has isPublic true */
  gboolean      active;
  gboolean      inconsistent;
  GListStore   *children;
  GpmScopeNode *parent;   /* weak: the parent owns its children */
};

G_DEFINE_FINAL_TYPE (GpmScopeNode, gpm_scope_node, G_TYPE_OBJECT)

enum {
  TOGGLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_TITLE,
  PROP_KEY,
  PROP_COUNT,
  PROP_IS_PRIVATE,
  PROP_ICON_NAME,
  PROP_ACTIVE,
  PROP_INCONSISTENT,
  PROP_COMMUNITY_CLASS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gpm_scope_node_finalize (GObject *object)
{
  GpmScopeNode *self = GPM_SCOPE_NODE (object);

  g_free (self->title);
  g_free (self->sort_key);
  g_free (self->key);
  g_free (self->icon_name);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (gpm_scope_node_parent_class)->finalize (object);
}

static void
gpm_scope_node_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GpmScopeNode *self = GPM_SCOPE_NODE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;
    case PROP_IS_PRIVATE:
      g_value_set_boolean (value, self->is_private);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_INCONSISTENT:
      g_value_set_boolean (value, self->inconsistent);
      break;
    case PROP_COMMUNITY_CLASS:
      g_value_set_uint (value, self->community_class);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_scope_node_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  GpmScopeNode *self = GPM_SCOPE_NODE (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      gpm_scope_node_set_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gpm_scope_node_class_init (GpmScopeNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gpm_scope_node_finalize;
  object_class->get_property = gpm_scope_node_get_property;
  object_class->set_property = gpm_scope_node_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_PRIVATE] =
    g_param_spec_boolean ("is-private", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCONSISTENT] =
    g_param_spec_boolean ("inconsistent", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A community's GpmCommunityClass: it may change while the takeout is
   * read (a later post is public, or the first post with isPublic comes) */
  properties[PROP_COMMUNITY_CLASS] =
    g_param_spec_uint ("community-class", NULL, NULL, 0, GPM_COMMUNITY_CLOSED, GPM_COMMUNITY_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* gpm_scope_node_set_active() changed this node's tick (the check box,
   * Space, a caller): what the sidebar takes for the user's choice. Not
   * emitted for the nodes a change reaches from there (children, parents). */
  signals[TOGGLED] =
    g_signal_new ("toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
gpm_scope_node_init (GpmScopeNode *self)
{
}

static GpmScopeNode *
node_new (GpmScopeKind kind,
          const char  *title,
          const char  *key,
          const char  *icon_name,
          gboolean     is_private)
{
  GpmScopeNode *self = g_object_new (GPM_TYPE_SCOPE_NODE, NULL);

  self->kind = kind;
  self->title = g_strdup (title);
  self->sort_key = g_utf8_collate_key (title, -1);
  self->key = g_strdup (key);
  self->icon_name = g_strdup (icon_name);
  self->is_private = is_private;

  return self;
}

GpmScopeKind
gpm_scope_node_get_kind (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), GPM_SCOPE_PUBLIC);
  return self->kind;
}

const char *
gpm_scope_node_get_title (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), NULL);
  return self->title;
}

const char *
gpm_scope_node_get_key (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), NULL);
  return self->key;
}

guint
gpm_scope_node_get_count (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), 0);
  return self->count;
}

gboolean
gpm_scope_node_get_is_private (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), FALSE);
  return self->is_private;
}

const char *
gpm_scope_node_get_icon_name (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), NULL);
  return self->icon_name;
}

GListModel *
gpm_scope_node_get_children (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), NULL);
  return self->children ? G_LIST_MODEL (self->children) : NULL;
}

GpmScopeNode *
gpm_scope_node_get_parent (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), NULL);
  return self->parent;
}

gboolean
gpm_scope_node_get_active (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), FALSE);
  return self->active;
}

gboolean
gpm_scope_node_get_inconsistent (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), FALSE);
  return self->inconsistent;
}

static void
set_state (GpmScopeNode *self,
           gboolean      active,
           gboolean      inconsistent)
{
  if (self->active != active)
    {
      self->active = active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
    }
  if (self->inconsistent != inconsistent)
    {
      self->inconsistent = inconsistent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCONSISTENT]);
    }
}

static void
set_down (GpmScopeNode *self,
          gboolean      active)
{
  set_state (self, active, FALSE);

  if (self->children != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->children));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GpmScopeNode) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);
          set_down (child, active);
        }
    }
}

static void
update_up (GpmScopeNode *self)
{
  guint n, n_active = 0;
  gboolean any_inconsistent = FALSE;

  if (self == NULL || self->children == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->children));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

      n_active += child->active ? 1 : 0;
      any_inconsistent |= child->inconsistent;
    }

  set_state (self, n > 0 && n_active == n,
             any_inconsistent || (n_active > 0 && n_active < n));
  update_up (self->parent);
}

void
gpm_scope_node_set_active (GpmScopeNode *self,
                           gboolean      active)
{
  g_return_if_fail (GPM_IS_SCOPE_NODE (self));

  active = !!active;
  if (self->active == active && !self->inconsistent)
    return;

  set_down (self, active);
  update_up (self->parent);
  g_signal_emit (self, signals[TOGGLED], 0);
}

static const char *
unnamed_title (GpmScopeKind kind)
{
  switch (kind)
    {
    case GPM_SCOPE_CIRCLE:
      return _("Unnamed circle");
    case GPM_SCOPE_USER:
      return _("Unnamed person");
    case GPM_SCOPE_COLLECTION:
      return _("Unnamed collection");
    case GPM_SCOPE_COMMUNITY:
      return _("Unnamed community");
    case GPM_SCOPE_EVENT:
      return _("Unnamed event");
    case GPM_SCOPE_PUBLIC:
    case GPM_SCOPE_CIRCLES:
    case GPM_SCOPE_EXTENDED:
    case GPM_SCOPE_N_KINDS:
    default:
      return "-";
    }
}

static int
compare_nodes_by_title (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  const GpmScopeNode *na = a, *nb = b;

  return strcmp (na->sort_key, nb->sort_key);
}

/* The tree's order: the global audiences, then the groups in this order */
static const struct {
  GpmScopeKind kind;
  const char *title;
  const char *icon_name;
  gboolean is_private;
} groups[] = {
  { GPM_SCOPE_CIRCLE, N_("Circles"), "system-users-symbolic", TRUE },
  { GPM_SCOPE_COMMUNITY, N_("Communities"), "network-workgroup-symbolic", FALSE },
  { GPM_SCOPE_COLLECTION, N_("Collections"), "folder-symbolic", TRUE },
  { GPM_SCOPE_EVENT, N_("Events"), "x-office-calendar-symbolic", TRUE },
  { GPM_SCOPE_USER, N_("People"), "avatar-default-symbolic", TRUE },
};

static guint
root_rank (GpmScopeNode *node)
{
  if (node->children == NULL)
    return node->kind;  /* PUBLIC, CIRCLES, EXTENDED: 0, 1, 2 */
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    if (groups[g].kind == node->kind)
      return 3 + g;
  return G_MAXUINT;
}

static int
compare_roots (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  guint ra = root_rank ((GpmScopeNode *) a), rb = root_rank ((GpmScopeNode *) b);

  return ra < rb ? -1 : ra > rb;
}

static const char *
leaf_title (const GpmScope *scope)
{
  /* An audience of a named kind without its name: "Unnamed circle", … in
   * the tree (gpm_gui_scope_label()'s "Unnamed" is for a post's badge) */
  if (scope->kind != GPM_SCOPE_PUBLIC && scope->kind != GPM_SCOPE_CIRCLES &&
      scope->kind != GPM_SCOPE_EXTENDED &&
      (scope->name == NULL || *scope->name == '\0' || g_str_equal (scope->name, "-")))
    return unnamed_title (scope->kind);
  return gpm_gui_scope_label (scope);
}

/* What gpm_scope_tree_add_posts() finds its nodes by, kept on the roots */
typedef struct {
  GHashTable   *leaves;                       /* key → GpmScopeNode (the stores own them) */
  GpmScopeNode *groups[GPM_SCOPE_N_KINDS];
  guint         post;                         /* the post being counted: a node counts it once */
  gboolean      has_public_key;               /* a post read so far has isPublic */
} TreeIndex;

static void
tree_index_free (TreeIndex *t)
{
  g_hash_table_unref (t->leaves);
  g_free (t);
}

static TreeIndex *
tree_index (GListStore *roots)
{
  TreeIndex *t = g_object_get_data (G_OBJECT (roots), "gpm-scope-tree");

  if (t == NULL)
    {
      t = g_new0 (TreeIndex, 1);
      t->leaves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_object_set_data_full (G_OBJECT (roots), "gpm-scope-tree", t, (GDestroyNotify) tree_index_free);
    }
  return t;
}

/* A community leaf's class (the rule is core's: gpm_community_class_decide(),
 * over the posts read so far; the scope index decides the same over the
 * whole takeout): a closed one is private, as a circle is, and does not
 * become public */
static void
set_community_class (GpmScopeNode      *leaf,
                     GpmCommunityClass  klass,
                     gboolean           notify)
{
  gboolean closed = klass == GPM_COMMUNITY_CLOSED;

  if (leaf->community_class == klass)
    return;
  leaf->community_class = klass;
  leaf->becomes_public = !closed;
  if (leaf->is_private != closed)
    {
      leaf->is_private = closed;
      if (notify)
        g_object_notify_by_pspec (G_OBJECT (leaf), properties[PROP_IS_PRIVATE]);
    }
  if (notify)
    g_object_notify_by_pspec (G_OBJECT (leaf), properties[PROP_COMMUNITY_CLASS]);
}

static void
update_community_classes (TreeIndex *t)
{
  GpmScopeNode *group = t->groups[GPM_SCOPE_COMMUNITY];
  guint n = group != NULL ? g_list_model_get_n_items (G_LIST_MODEL (group->children)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) leaf = g_list_model_get_item (G_LIST_MODEL (group->children), i);

      set_community_class (leaf, gpm_community_class_decide (leaf->has_public_post, t->has_public_key), TRUE);
    }
}

/* A leaf for @scope, unticked, with no post yet, put in its place (its group
 * made if it is the first of its kind; the group's tick follows its leaves) */
static GpmScopeNode *
add_leaf (GListStore     *roots,
          TreeIndex      *t,
          const GpmScope *scope)
{
  const char *key = gpm_scope_get_key (scope);
  g_autoptr(GpmScopeNode) leaf = NULL;
  GpmScopeNode *group = NULL;

  if (gpm_scope_kind_is_global (scope->kind))
    {
      gboolean pub = scope->kind == GPM_SCOPE_PUBLIC;

      leaf = node_new (scope->kind, leaf_title (scope), key,
                       pub ? "web-browser-symbolic" : "system-users-symbolic", !pub);
      g_list_store_insert_sorted (roots, leaf, compare_roots, NULL);
    }
  else
    {
      guint g;

      for (g = 0; g < G_N_ELEMENTS (groups) && groups[g].kind != scope->kind; g++)
        ;
      g_return_val_if_fail (g < G_N_ELEMENTS (groups), NULL);
      group = t->groups[scope->kind];
      if (group == NULL)
        {
          g_autoptr(GpmScopeNode) made = node_new (scope->kind, _(groups[g].title), NULL,
                                                   groups[g].icon_name, groups[g].is_private);

          made->children = g_list_store_new (GPM_TYPE_SCOPE_NODE);
          /* diaspora* has no communities: their posts go out public */
          made->becomes_public = scope->kind == GPM_SCOPE_COMMUNITY;
          g_list_store_insert_sorted (roots, made, compare_roots, NULL);
          group = t->groups[scope->kind] = made;
        }
      leaf = node_new (scope->kind, leaf_title (scope), key, NULL, group->is_private);
      leaf->parent = group;
      leaf->becomes_public = group->becomes_public;
      if (scope->kind == GPM_SCOPE_COMMUNITY)
        set_community_class (leaf, gpm_community_class_decide (FALSE, t->has_public_key), FALSE);
      g_list_store_insert_sorted (group->children, leaf, compare_nodes_by_title, NULL);
      /* What update_up() would find without walking the group's children
       * (thousands of people at the first batch): one more leaf, unticked,
       * leaves the group unticked, and half ticked if any was ticked. A
       * group is a root: nothing above it. */
      set_state (group, FALSE, group->inconsistent || group->active);
    }
  g_hash_table_insert (t->leaves, g_strdup (key), leaf);
  return leaf;
}

static void
notify_count (gpointer key,
              gpointer value,
              gpointer user_data)
{
  g_object_notify_by_pspec (key, properties[PROP_COUNT]);
}

void
gpm_scope_tree_add_posts (GListStore *roots,
                          GPtrArray  *posts,
                          GPtrArray  *new_leaves)
{
  TreeIndex *t;
  g_autoptr(GHashTable) counted = g_hash_table_new (NULL, NULL);
  gboolean classes_changed = FALSE;

  g_return_if_fail (G_IS_LIST_STORE (roots));

  t = tree_index (roots);
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      GPtrArray *scopes = gpm_post_get_scopes (post);
      GpmAclPublic is_public = gpm_post_get_acl_public (post);

      if (is_public != GPM_ACL_PUBLIC_ABSENT && !t->has_public_key)
        classes_changed = t->has_public_key = TRUE;

      /* A post counts once in each audience and group, whatever its ACL
       * repeats: gpm_scope_index_count_key()'s count, the CLI's `select` */
      t->post++;
      for (guint k = 0; scopes != NULL && k < scopes->len; k++)
        {
          const GpmScope *scope = g_ptr_array_index (scopes, k);
          GpmScopeNode *leaf = g_hash_table_lookup (t->leaves, gpm_scope_get_key (scope));

          if (leaf == NULL)
            {
              leaf = add_leaf (roots, t, scope);
              if (leaf == NULL)
                continue;
              if (new_leaves != NULL)
                g_ptr_array_add (new_leaves, g_object_ref (leaf));
            }
          if (leaf->kind == GPM_SCOPE_COMMUNITY && is_public == GPM_ACL_PUBLIC_TRUE && !leaf->has_public_post)
            classes_changed = leaf->has_public_post = TRUE;
          for (GpmScopeNode *node = leaf; node != NULL; node = node->parent)
            if (node->last_post != t->post)
              {
                node->last_post = t->post;
                node->count++;
                g_hash_table_add (counted, node);
              }
        }
    }
  /* One notify per node and batch */
  g_hash_table_foreach (counted, notify_count, NULL);
  /* New leaves have theirs already; the others may change with this batch */
  if (classes_changed)
    update_community_classes (t);
}

void
gpm_scope_tree_set_titles (GListStore    *roots,
                           GpmScopeIndex *index)
{
  TreeIndex *t;
  GPtrArray *entries;
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (G_IS_LIST_STORE (roots));
  g_return_if_fail (GPM_IS_SCOPE_INDEX (index));

  /* A key named differently in different posts takes the name of its
   * first entry in the index's order (the most posts; then the first seen) */
  t = tree_index (roots);
  entries = gpm_scope_index_get_entries (index);
  for (guint i = 0; i < entries->len; i++)
    {
      const GpmScope *scope = ((GpmScopeEntry *) g_ptr_array_index (entries, i))->scope;
      const char *key = gpm_scope_get_key (scope);
      GpmScopeNode *leaf = g_hash_table_lookup (t->leaves, key);
      const char *title = leaf_title (scope);
      guint position;

      if (!g_hash_table_add (done, (gpointer) key) || leaf == NULL || leaf->parent == NULL ||
          g_str_equal (leaf->title, title))
        continue;
      g_object_ref (leaf);
      g_free (leaf->title);
      leaf->title = g_strdup (title);
      g_free (leaf->sort_key);
      leaf->sort_key = g_utf8_collate_key (title, -1);
      /* (moved to its new place: the row is made again with the new name) */
      if (g_list_store_find (leaf->parent->children, leaf, &position))
        g_list_store_remove (leaf->parent->children, position);
      g_list_store_insert_sorted (leaf->parent->children, leaf, compare_nodes_by_title, NULL);
      g_object_notify_by_pspec (G_OBJECT (leaf), properties[PROP_TITLE]);
      g_object_unref (leaf);
    }
}

GListStore *
gpm_scope_node_build_tree (GpmScopeIndex *index)
{
  GListStore *roots = g_list_store_new (GPM_TYPE_SCOPE_NODE);

  g_return_val_if_fail (GPM_IS_SCOPE_INDEX (index), roots);

  /* The same counting as while a takeout is read, so the counts are the
   * same whichever way the tree was made */
  gpm_scope_tree_add_posts (roots, gpm_scope_index_get_posts (index), NULL);
  gpm_scope_tree_set_titles (roots, index);
  return roots;
}

static void
collect_all_keys (GpmScopeNode *node,
                  GPtrArray    *out)
{
  guint n;

  if (node->children == NULL)
    {
      if (node->key != NULL)
        g_ptr_array_add (out, g_strdup (node->key));
      return;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (node->children));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) child = g_list_model_get_item (G_LIST_MODEL (node->children), i);
      collect_all_keys (child, out);
    }
}

GStrv
gpm_scope_node_dup_keys (GpmScopeNode *self)
{
  GPtrArray *out;

  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), NULL);

  out = g_ptr_array_new ();
  collect_all_keys (self, out);
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

GpmCommunityClass
gpm_scope_node_get_community_class (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), GPM_COMMUNITY_UNKNOWN);
  return (GpmCommunityClass) self->community_class;
}

gboolean
gpm_scope_node_get_becomes_public (GpmScopeNode *self)
{
  g_return_val_if_fail (GPM_IS_SCOPE_NODE (self), FALSE);
  return self->becomes_public;
}

static void
collect_keys (GListModel *model,
              GPtrArray  *out)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (model, i);

      if (node->children != NULL)
        collect_keys (G_LIST_MODEL (node->children), out);
      else if (node->active && node->key != NULL)
        g_ptr_array_add (out, g_strdup (node->key));
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

GStrv
gpm_scope_tree_get_selected_keys (GListModel *roots)
{
  GPtrArray *out = g_ptr_array_new ();

  collect_keys (roots, out);
  g_ptr_array_sort (out, compare_strings);
  g_ptr_array_add (out, NULL);

  return (GStrv) g_ptr_array_free (out, FALSE);
}

void
gpm_scope_tree_select_keys (GListModel         *roots,
                            const char * const *keys)
{
  guint n = g_list_model_get_n_items (roots);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (roots, i);

      if (node->children != NULL)
        gpm_scope_tree_select_keys (G_LIST_MODEL (node->children), keys);
      else
        gpm_scope_node_set_active (node, keys != NULL && g_strv_contains (keys, node->key));
    }
}

GpmScopeNode *
gpm_scope_tree_find (GListModel *roots,
                     const char *key_or_title)
{
  guint n = g_list_model_get_n_items (roots);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GpmScopeNode) node = g_list_model_get_item (roots, i);

      if (g_strcmp0 (node->key, key_or_title) == 0 ||
          (node->key == NULL && g_strcmp0 (node->title, key_or_title) == 0))
        return node;

      if (node->children != NULL)
        {
          GpmScopeNode *found = gpm_scope_tree_find (G_LIST_MODEL (node->children), key_or_title);
          if (found != NULL)
            return found;
        }
    }

  return NULL;
}
