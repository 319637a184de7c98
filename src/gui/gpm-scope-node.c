/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-scope-node"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-scope-node.h"

struct _GpmScopeNode
{
  GObject       parent_instance;

  char         *title;
  char         *key;
  char         *icon_name;
  guint         count;
  gboolean      is_private;
  gboolean      becomes_public;   /* a community, or the Communities group */
  gboolean      active;
  gboolean      inconsistent;
  GListStore   *children;
  GpmScopeNode *parent;   /* weak: the parent owns its children */
};

G_DEFINE_FINAL_TYPE (GpmScopeNode, gpm_scope_node, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_KEY,
  PROP_COUNT,
  PROP_IS_PRIVATE,
  PROP_ICON_NAME,
  PROP_ACTIVE,
  PROP_INCONSISTENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gpm_scope_node_finalize (GObject *object)
{
  GpmScopeNode *self = GPM_SCOPE_NODE (object);

  g_free (self->title);
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
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gpm_scope_node_init (GpmScopeNode *self)
{
}

static GpmScopeNode *
node_new (const char *title,
          const char *key,
          const char *icon_name,
          guint       count,
          gboolean    is_private)
{
  GpmScopeNode *self = g_object_new (GPM_TYPE_SCOPE_NODE, NULL);

  self->title = g_strdup (title);
  self->key = g_strdup (key);
  self->icon_name = g_strdup (icon_name);
  self->count = count;
  self->is_private = is_private;

  return self;
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
  g_autofree char *ka = g_utf8_collate_key (na->title, -1);
  g_autofree char *kb = g_utf8_collate_key (nb->title, -1);

  return strcmp (ka, kb);
}

GListStore *
gpm_scope_node_build_tree (GpmScopeIndex *index)
{
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
  GListStore *roots = g_list_store_new (GPM_TYPE_SCOPE_NODE);
  GPtrArray *entries;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (GPM_IS_SCOPE_INDEX (index), roots);

  entries = gpm_scope_index_get_entries (index);

  {
    g_autoptr(GpmScopeNode) pub = node_new (_("Public"), "PUBLIC", "web-browser-symbolic",
                                            gpm_scope_index_count_key (index, "PUBLIC"), FALSE);
    g_autoptr(GpmScopeNode) circles = node_new (_("Your circles"), "CIRCLES", "system-users-symbolic",
                                                gpm_scope_index_count_key (index, "CIRCLES"), TRUE);
    g_autoptr(GpmScopeNode) extended = node_new (_("Extended circles"), "EXTENDED", "system-users-symbolic",
                                                 gpm_scope_index_count_key (index, "EXTENDED"), TRUE);
    /* An audience without posts is nothing to look at or tick: hidden */
    if (pub->count > 0)
      g_list_store_append (roots, pub);
    if (circles->count > 0)
      g_list_store_append (roots, circles);
    if (extended->count > 0)
      g_list_store_append (roots, extended);
  }

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_autoptr(GpmScopeNode) group = NULL;
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();
      g_autoptr(GPtrArray) posts = NULL;

      for (guint i = 0; i < entries->len; i++)
        {
          const GpmScopeEntry *entry = g_ptr_array_index (entries, i);
          const GpmScope *scope = entry->scope;
          const char *key = gpm_scope_get_key (scope);
          g_autoptr(GpmScopeNode) leaf = NULL;
          const char *title;

          if (scope->kind != groups[g].kind || g_hash_table_contains (seen, key) ||
              gpm_scope_index_count_key (index, key) == 0)
            continue;
          g_hash_table_add (seen, (gpointer) key);

          if (group == NULL)
            {
              group = node_new (_(groups[g].title), NULL, groups[g].icon_name, 0, groups[g].is_private);
              group->children = g_list_store_new (GPM_TYPE_SCOPE_NODE);
              /* diaspora* has no communities: their posts go out public */
              group->becomes_public = groups[g].kind == GPM_SCOPE_COMMUNITY;
            }

          title = scope->name;
          if (title == NULL || *title == '\0' || g_str_equal (title, "-"))
            title = unnamed_title (scope->kind);

          leaf = node_new (title, key, NULL, gpm_scope_index_count_key (index, key),
                           groups[g].is_private);
          leaf->parent = group;
          leaf->becomes_public = group->becomes_public;
          g_list_store_append (group->children, leaf);
          g_ptr_array_add (keys, (gpointer) key);
        }

      if (group == NULL)
        continue;

      g_list_store_sort (group->children, compare_nodes_by_title, NULL);
      g_ptr_array_add (keys, NULL);
      posts = gpm_scope_index_select (index, (const char * const *) keys->pdata, FALSE);
      group->count = posts->len;
      g_list_store_append (roots, group);
    }

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
