/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-scope"

#include "gpm-scope.h"
#include "gpm-util.h"

G_DEFINE_BOXED_TYPE (GpmScope, gpm_scope, gpm_scope_ref, gpm_scope_unref)

static const char * const kind_names[GPM_SCOPE_N_KINDS] = {
  [GPM_SCOPE_PUBLIC] = "PUBLIC",
  [GPM_SCOPE_CIRCLES] = "CIRCLES",
  [GPM_SCOPE_EXTENDED] = "EXTENDED",
  [GPM_SCOPE_CIRCLE] = "CIRCLE",
  [GPM_SCOPE_USER] = "USER",
  [GPM_SCOPE_COLLECTION] = "COLLECTION",
  [GPM_SCOPE_COMMUNITY] = "COMMUNITY",
  [GPM_SCOPE_EVENT] = "EVENT",
};

GpmScope *
gpm_scope_new (GpmScopeKind kind,
               const char  *id,
               const char  *name)
{
  GpmScope *self;

  g_return_val_if_fail (kind < GPM_SCOPE_N_KINDS, NULL);

  self = g_new0 (GpmScope, 1);
  self->kind = kind;
  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->ref_count = 1;
  return self;
}

GpmScope *
gpm_scope_ref (GpmScope *scope)
{
  g_return_val_if_fail (scope != NULL, NULL);
  g_atomic_int_inc (&scope->ref_count);
  return scope;
}

void
gpm_scope_unref (GpmScope *scope)
{
  if (scope == NULL)
    return;
  if (g_atomic_int_dec_and_test (&scope->ref_count))
    {
      g_free (scope->id);
      g_free (scope->name);
      g_free (scope);
    }
}

const char *
gpm_scope_kind_to_string (GpmScopeKind kind)
{
  g_return_val_if_fail (kind < GPM_SCOPE_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
gpm_scope_kind_from_string (const char   *str,
                            GpmScopeKind *out_kind)
{
  for (guint i = 0; i < GPM_SCOPE_N_KINDS; i++)
    if (g_strcmp0 (str, kind_names[i]) == 0)
      {
        if (out_kind)
          *out_kind = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
gpm_scope_kind_is_global (GpmScopeKind kind)
{
  return kind == GPM_SCOPE_PUBLIC || kind == GPM_SCOPE_CIRCLES || kind == GPM_SCOPE_EXTENDED;
}

gboolean
gpm_scope_is_essentially_public (const GpmScope *scope)
{
  return scope->kind == GPM_SCOPE_PUBLIC || scope->kind == GPM_SCOPE_COMMUNITY;
}

gboolean
gpm_scope_equal (gconstpointer a,
                 gconstpointer b)
{
  const GpmScope *sa = a, *sb = b;
  return sa->kind == sb->kind &&
         g_strcmp0 (sa->id, sb->id) == 0 &&
         g_strcmp0 (sa->name, sb->name) == 0;
}

guint
gpm_scope_hash (gconstpointer p)
{
  const GpmScope *s = p;
  guint h = s->kind;
  if (s->id)
    h = h * 31 + g_str_hash (s->id);
  if (s->name)
    h = h * 31 + g_str_hash (s->name);
  return h;
}

const char *
gpm_scope_get_key (const GpmScope *scope)
{
  if (gpm_scope_kind_is_global (scope->kind) || scope->id == NULL)
    return kind_names[scope->kind];
  return scope->id;
}

char *
gpm_scope_format_stat (const GpmScope *scope,
                       guint           count)
{
  if (gpm_scope_kind_is_global (scope->kind))
    return g_strdup_printf ("%u - %s", count, kind_names[scope->kind]);
  /* Python's '%s' % None prints "None"; keep byte-identical output. */
  return g_strdup_printf ("%u - %s (%s):\t %s", count, kind_names[scope->kind],
                          scope->name ? scope->name : "None",
                          scope->id ? scope->id : "None");
}

static void
warn (GPtrArray *warnings, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
warn (GPtrArray  *warnings,
      const char *fmt,
      ...)
{
  va_list args;
  if (warnings == NULL)
    return;
  va_start (args, fmt);
  g_ptr_array_add (warnings, g_strdup_vprintf (fmt, args));
  va_end (args);
}

static void
add_users (GPtrArray *result, JsonArray *users, const char *where, GPtrArray *warnings)
{
  if (users == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = gpm_json_array_get_object (users, i);
      const char *id = gpm_json_get_string (user, "resourceName", NULL);
      if (id == NULL)
        {
          warn (warnings, "%s.users[%u] has no resourceName", where, i);
          continue;
        }
      g_ptr_array_add (result, gpm_scope_new (GPM_SCOPE_USER, id,
                                              gpm_json_get_string (user, "displayName", "-")));
    }
}

/* The ACL keys Part IV handles, and those it ignores knowingly. */
static const char * const known_acl_keys[] = {
  "visibleToStandardAcl", "collectionAcl", "communityAcl", "eventAcl",
  "isLegacyAcl", "isPublic", "isDomainRestricted", NULL
};

static void
add_container (GPtrArray   *result,
               JsonObject  *acl,
               const char  *acl_key,
               const char  *member,
               GpmScopeKind kind,
               GPtrArray   *warnings)
{
  JsonObject *outer = gpm_json_get_object (acl, acl_key);
  JsonObject *inner;
  const char *id;

  if (outer == NULL)
    {
      if (json_object_has_member (acl, acl_key))
        warn (warnings, "postAcl.%s is not an object", acl_key);
      return;
    }
  inner = gpm_json_get_object (outer, member);
  id = gpm_json_get_string (inner, "resourceName", NULL);
  if (id == NULL)
    {
      warn (warnings, "postAcl.%s.%s has no resourceName", acl_key, member);
      return;
    }
  g_ptr_array_add (result, gpm_scope_new (kind, id, gpm_json_get_string (inner, "displayName", "-")));
}

GPtrArray *
gpm_scope_parse_acl (JsonObject *acl,
                     GPtrArray  *warnings)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_scope_unref);
  JsonObject *standard;
  JsonObject *community;
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (acl != NULL, result);

  /* Post is public or has a visibility defined by circles and/or users. */
  standard = gpm_json_get_object (acl, "visibleToStandardAcl");
  if (standard)
    {
      JsonArray *circles = gpm_json_get_array (standard, "circles");
      for (guint i = 0; circles && i < json_array_get_length (circles); i++)
        {
          JsonObject *circle = gpm_json_array_get_object (circles, i);
          const char *type = gpm_json_get_string (circle, "type", NULL);

          if (g_strcmp0 (type, "CIRCLE_TYPE_PUBLIC") == 0)
            g_ptr_array_add (result, gpm_scope_new (GPM_SCOPE_PUBLIC, NULL, NULL));
          else if (g_strcmp0 (type, "CIRCLE_TYPE_YOUR_CIRCLES") == 0)
            g_ptr_array_add (result, gpm_scope_new (GPM_SCOPE_CIRCLES, NULL, NULL));
          else if (g_strcmp0 (type, "CIRCLE_TYPE_EXTENDED_CIRCLES") == 0)
            g_ptr_array_add (result, gpm_scope_new (GPM_SCOPE_EXTENDED, NULL, NULL));
          else if (g_strcmp0 (type, "CIRCLE_TYPE_USER_CIRCLE") == 0)
            {
              const char *id = gpm_json_get_string (circle, "resourceName", NULL);
              if (id == NULL)
                warn (warnings, "a user circle without resourceName");
              else
                g_ptr_array_add (result, gpm_scope_new (GPM_SCOPE_CIRCLE, id,
                                                        gpm_json_get_string (circle, "displayName", "")));
            }
          else
            warn (warnings, "unknown circle type \"%s\"", type ? type : "(none)");
        }
      add_users (result, gpm_json_get_array (standard, "users"), "visibleToStandardAcl", warnings);
    }

  /* Post is part of a collection (could be public or private). */
  add_container (result, acl, "collectionAcl", "collection", GPM_SCOPE_COLLECTION, warnings);

  /* Post is part of a community (could be public or closed). */
  add_container (result, acl, "communityAcl", "community", GPM_SCOPE_COMMUNITY, warnings);
  community = gpm_json_get_object (acl, "communityAcl");
  if (community)
    add_users (result, gpm_json_get_array (community, "users"), "communityAcl", warnings);

  /* Post is part of an event. Part IV read the name from the wrong variable. */
  add_container (result, acl, "eventAcl", "event", GPM_SCOPE_EVENT, warnings);

  members = json_object_get_members (acl);
  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (known_acl_keys, l->data))
      warn (warnings, "unknown ACL entry \"%s\"", (const char *) l->data);

  if (result->len == 0 && !json_object_has_member (acl, "isLegacyAcl"))
    warn (warnings, "the ACL names no audience");

  return result;
}
