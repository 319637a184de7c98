/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-scope"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-scope.h"
#include "gpm-json-scan.h"

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

  self = g_atomic_rc_box_new0 (GpmScope);
  self->kind = kind;
  self->id = g_strdup (id);
  self->name = g_strdup (name);
  return self;
}

GpmScope *
gpm_scope_ref (GpmScope *scope)
{
  g_return_val_if_fail (scope != NULL, NULL);
  return g_atomic_rc_box_acquire (scope);
}

static void
scope_clear (GpmScope *scope)
{
  g_free (scope->id);
  g_free (scope->name);
}

void
gpm_scope_unref (GpmScope *scope)
{
  if (scope != NULL)
    g_atomic_rc_box_release_full (scope, (GDestroyNotify) scope_clear);
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

/* The default audiences, one rule for the CLI's --essentially-public, the
 * index's preset and the sidebar's default ticks: public posts and posts to
 * communities, less the communities the takeout shows were closed (see
 * DESIGN in gpm-scope.h) */
gboolean
gpm_scope_kind_is_essentially_public (GpmScopeKind kind)
{
  return kind == GPM_SCOPE_PUBLIC || kind == GPM_SCOPE_COMMUNITY;
}

gboolean
gpm_scope_is_essentially_public (const GpmScope *scope)
{
  return gpm_scope_kind_is_essentially_public (scope->kind) &&
         gpm_scope_get_community_class (scope) != GPM_COMMUNITY_CLOSED;
}

GpmCommunityClass
gpm_community_class_decide (gboolean has_public_post,
                            gboolean takeout_has_key)
{
  if (has_public_post)
    return GPM_COMMUNITY_OPEN;
  return takeout_has_key ? GPM_COMMUNITY_CLOSED : GPM_COMMUNITY_UNKNOWN;
}

GpmCommunityClass
gpm_scope_get_community_class (const GpmScope *scope)
{
  if (scope->kind != GPM_SCOPE_COMMUNITY)
    return GPM_COMMUNITY_UNKNOWN;
  return (GpmCommunityClass) g_atomic_int_get (&scope->community_class);
}

void
gpm_scope_set_community_class (GpmScope         *scope,
                               GpmCommunityClass klass)
{
  g_return_if_fail (scope != NULL);
  if (scope->kind == GPM_SCOPE_COMMUNITY)
    g_atomic_int_set (&scope->community_class, (gint) klass);
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
gpm_scope_describe (const GpmScope *scope)
{
  const char *name = scope->name;

  if (name != NULL && (*name == '\0' || strcmp (name, "-") == 0))
    name = NULL;

  switch (scope->kind)
    {
    case GPM_SCOPE_PUBLIC:
      return g_strdup (_("the public"));
    case GPM_SCOPE_CIRCLES:
      return g_strdup (_("your circles"));
    case GPM_SCOPE_EXTENDED:
      return g_strdup (_("your extended circles"));
    case GPM_SCOPE_CIRCLE:
      /* Translators: %s is the name of a Google+ circle */
      return name ? g_strdup_printf (_("the circle “%s”"), name) : g_strdup (_("a circle"));
    case GPM_SCOPE_USER:
      return name ? g_strdup (name) : g_strdup (_("one person"));
    case GPM_SCOPE_COLLECTION:
      /* Translators: %s is the name of a Google+ collection */
      return name ? g_strdup_printf (_("the collection “%s”"), name) : g_strdup (_("a collection"));
    case GPM_SCOPE_COMMUNITY:
      /* Translators: %s is the name of a Google+ community */
      return name ? g_strdup_printf (_("the community “%s”"), name) : g_strdup (_("a community"));
    case GPM_SCOPE_EVENT:
      /* Translators: %s is the name of a Google+ event */
      return name ? g_strdup_printf (_("the guests of the event “%s”"), name) : g_strdup (_("the guests of an event"));
    case GPM_SCOPE_N_KINDS:
    default:
      return g_strdup (_("an audience the archive does not name"));
    }
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

/* Reading the ACL's spans (see gpm-json-scan.h), each object scanned once,
 * with json-glib's leniency: a member of the wrong type counts as missing. */

/* The decoded string in @m (free it), or NULL when it is not a string. */
static char *
span_string (const GpmJsonMember *m,
             gboolean             present)
{
  if (!present || m->type != '"')
    return NULL;
  return gpm_json_decode_string_lenient (m->value, m->value_len);
}

static const char * const id_keys[] = { "resourceName", "displayName", NULL };

/* resourceName (NULL when missing) and displayName of a circle, user or container. */
static char *
get_id_and_name (const GpmJsonMember *object,
                 char               **name)
{
  GpmJsonMember v[2];
  guint32 found = gpm_json_span_get_members (object, id_keys, v);

  *name = span_string (&v[1], found & 2);
  return span_string (&v[0], found & 1);
}

typedef struct {
  GPtrArray  *result;
  GPtrArray  *warnings;
  const char *where;
  guint       index;
} UsersState;

static void
on_user (const GpmJsonMember *user,
         gpointer             user_data)
{
  UsersState *st = user_data;
  guint i = st->index++;
  g_autofree char *name = NULL;
  g_autofree char *id = get_id_and_name (user, &name);

  if (id == NULL)
    {
      /* Words for the problems list: posts and people, not ACL keys */
      warn (st->warnings, _("one of the people it was shared with (number %u) has no id in the archive"), i + 1);
      return;
    }
  g_ptr_array_add (st->result, gpm_scope_new (GPM_SCOPE_USER, id, name ? name : "-"));
}

static void
add_users (GPtrArray           *result,
           const GpmJsonMember *users,
           const char          *where,
           GPtrArray           *warnings)
{
  UsersState st = { result, warnings, where, 0 };

  if (users->type == '[')
    gpm_json_span_foreach_element (users, on_user, &st);
}

/* The ACL keys Part IV handles, and those it ignores knowingly. */
enum { ACL_STANDARD, ACL_COLLECTION, ACL_COMMUNITY, ACL_EVENT, ACL_LEGACY, ACL_DOMAIN, ACL_PUBLIC, N_ACL_KEYS_READ };
static const char * const known_acl_keys[] = {
  [ACL_STANDARD] = "visibleToStandardAcl",
  [ACL_COLLECTION] = "collectionAcl",
  [ACL_COMMUNITY] = "communityAcl",
  [ACL_EVENT] = "eventAcl",
  [ACL_LEGACY] = "isLegacyAcl",
  [ACL_DOMAIN] = "isDomainRestricted",
  [ACL_PUBLIC] = "isPublic",
  NULL
};

/* A collection, community or event: postAcl.@acl_key.@member.
 * @users (may be NULL) receives the container's "users" member. */
static void
add_container (GPtrArray           *result,
               const GpmJsonMember *outer,
               const char          *acl_key,
               const char          *member,
               GpmScopeKind         kind,
               GpmJsonMember       *users,
               GPtrArray           *warnings)
{
  const char *keys[] = { member, "users", NULL };
  GpmJsonMember v[2];
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  guint32 found;

  if (outer->type != '{')
    {
      warn (warnings, _("the archive's record of who the post was shared with is damaged"));
      return;
    }
  found = gpm_json_span_get_members (outer, keys, v);
  if (users != NULL && (found & 2))
    *users = v[1];
  if ((found & 1) && v[0].type == '{')
    id = get_id_and_name (&v[0], &name);
  if (id == NULL)
    {
      g_autoptr(GpmScope) unnamed = gpm_scope_new (kind, "-", NULL);
      g_autofree char *what = gpm_scope_describe (unnamed);

      /* Translators: %s is "a collection", "a community", "the guests of an event" */
      warn (warnings, _("it was shared with %s that has no id in the archive"), what);
      return;
    }
  g_ptr_array_add (result, gpm_scope_new (kind, id, name ? name : "-"));
}

typedef struct {
  GPtrArray *result;
  GPtrArray *warnings;
} CirclesState;

static const char * const circle_keys[] = { "type", "resourceName", "displayName", NULL };

static void
on_circle (const GpmJsonMember *circle,
           gpointer             user_data)
{
  CirclesState *st = user_data;
  GpmJsonMember v[3];
  guint32 found = gpm_json_span_get_members (circle, circle_keys, v);
  g_autofree char *type = span_string (&v[0], found & 1);

  if (g_strcmp0 (type, "CIRCLE_TYPE_PUBLIC") == 0)
    g_ptr_array_add (st->result, gpm_scope_new (GPM_SCOPE_PUBLIC, NULL, NULL));
  else if (g_strcmp0 (type, "CIRCLE_TYPE_YOUR_CIRCLES") == 0)
    g_ptr_array_add (st->result, gpm_scope_new (GPM_SCOPE_CIRCLES, NULL, NULL));
  else if (g_strcmp0 (type, "CIRCLE_TYPE_EXTENDED_CIRCLES") == 0)
    g_ptr_array_add (st->result, gpm_scope_new (GPM_SCOPE_EXTENDED, NULL, NULL));
  else if (g_strcmp0 (type, "CIRCLE_TYPE_USER_CIRCLE") == 0)
    {
      g_autofree char *id = span_string (&v[1], found & 2);
      g_autofree char *name = NULL;

      if (id == NULL)
        {
          warn (st->warnings, _("it was shared with a circle that has no id in the archive"));
          return;
        }
      name = span_string (&v[2], found & 4);
      g_ptr_array_add (st->result, gpm_scope_new (GPM_SCOPE_CIRCLE, id, name ? name : ""));
    }
  else
    /* Translators: %s is the archive's word for it, "CIRCLE_TYPE_…" */
    warn (st->warnings, _("it was shared with a kind of circle this app does not know (“%s”)"),
          type ? type : "-");
}

/* The ACL's own members: those read kept (the last of equal names), the
 * unknown ones reported once each, in the order first seen. */
typedef struct {
  GPtrArray     *unknown;   /* char *, made when the first one comes */
  GpmJsonMember  member[N_ACL_KEYS_READ];
  guint32        found;
  gboolean       domain_public;  /* a PUBLIC left out: isDomainRestricted */
} AclState;

static void
on_acl_member (const GpmJsonMember *m,
               gpointer             user_data)
{
  AclState *st = user_data;

  for (guint i = 0; known_acl_keys[i] != NULL; i++)
    if (strcmp (m->key, known_acl_keys[i]) == 0)
      {
        if (i < N_ACL_KEYS_READ)
          {
            st->member[i] = *m;
            st->found |= 1u << i;
          }
        return;
      }
  if (st->unknown == NULL)
    st->unknown = g_ptr_array_new_with_free_func (g_free);
  if (!g_ptr_array_find_with_equal_func (st->unknown, m->key, g_str_equal, NULL))
    g_ptr_array_add (st->unknown, g_strdup (m->key));
}

GPtrArray *
gpm_scope_parse_acl (const char *data,
                     gsize       length,
                     GPtrArray  *warnings)
{
  return gpm_scope_parse_acl_full (data, length, warnings, NULL);
}

GPtrArray *
gpm_scope_parse_acl_full (const char   *data,
                          gsize         length,
                          GPtrArray    *warnings,
                          GpmAclPublic *is_public)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_scope_unref);
  GpmJsonMember acl = { 0 };
  GpmJsonMember collection_users = { 0 };
  GpmJsonMember community_users = { 0 };
  AclState st = { 0 };

  g_return_val_if_fail (data != NULL, result);

  while (length > 0 && g_ascii_isspace (*data))
    {
      data++;
      length--;
    }
  acl.value = data;
  acl.value_len = length;
  acl.type = length > 0 ? data[0] : 0;

  gpm_json_span_foreach_member (&acl, on_acl_member, &st);

  /* isPublic: whether the post was visible to everyone (what tells an open
   * community from a closed one, DESIGN in gpm-scope.h). A boolean of
   * another type counts as missing, as elsewhere; inside a G Suite domain
   * "public" was the organisation, never the public. */
  if (is_public != NULL)
    {
      *is_public = GPM_ACL_PUBLIC_ABSENT;
      if ((st.found & (1u << ACL_PUBLIC)) && st.member[ACL_PUBLIC].type == 't')
        *is_public = ((st.found & (1u << ACL_DOMAIN)) && st.member[ACL_DOMAIN].type == 't')
                     ? GPM_ACL_PUBLIC_FALSE : GPM_ACL_PUBLIC_TRUE;
      else if ((st.found & (1u << ACL_PUBLIC)) && st.member[ACL_PUBLIC].type == 'f')
        *is_public = GPM_ACL_PUBLIC_FALSE;
    }

  /* Post is public or has a visibility defined by circles and/or users. */
  if ((st.found & (1u << ACL_STANDARD)) && st.member[ACL_STANDARD].type == '{')
    {
      static const char * const keys[] = { "circles", "users", NULL };
      CirclesState circles = { result, warnings };
      guint before = result->len;
      GpmJsonMember v[2];
      guint32 found = gpm_json_span_get_members (&st.member[ACL_STANDARD], keys, v);

      if ((found & 1) && v[0].type == '[')
        gpm_json_span_foreach_element (&v[0], on_circle, &circles);
      if (found & 2)
        add_users (result, &v[1], "visibleToStandardAcl", warnings);

      /* isDomainRestricted: a G Suite account's post kept inside its
       * organisation; "public" there was everyone in the domain, never the
       * public (Google+ Domains API, Acl.domainRestricted: "whether access
       * is restricted to the domain"; googleapis/google-api-php-client#1340:
       * a public post with it set showed no "Public"). Real takeouts have
       * the key (FiXato/Plexodus-Tools, activity_data_structure.md). Such a
       * post must not go out publicly: its PUBLIC is left out, and said. */
      if ((st.found & (1u << ACL_DOMAIN)) && st.member[ACL_DOMAIN].type == 't')
        for (guint i = before; i < result->len; i++)
          if (((GpmScope *) g_ptr_array_index (result, i))->kind == GPM_SCOPE_PUBLIC)
            {
              g_ptr_array_remove_index (result, i--);
              st.domain_public = TRUE;
            }
    }

  /* Post is part of a collection (could be public or private). Part IV
   * reads no people there, but real takeouts have them as they have them
   * under communityAcl (postAcl.collectionAcl.users[], in the keys of a
   * whole 2011–2019 archive: FiXato/Plexodus-Tools,
   * activity_data_structure.md): a private collection shared with people. */
  if (st.found & (1u << ACL_COLLECTION))
    {
      add_container (result, &st.member[ACL_COLLECTION], "collectionAcl", "collection",
                     GPM_SCOPE_COLLECTION, &collection_users, warnings);
      add_users (result, &collection_users, "collectionAcl", warnings);
    }

  /* Post is part of a community (could be public or closed). */
  if (st.found & (1u << ACL_COMMUNITY))
    {
      add_container (result, &st.member[ACL_COMMUNITY], "communityAcl", "community",
                     GPM_SCOPE_COMMUNITY, &community_users, warnings);
      add_users (result, &community_users, "communityAcl", warnings);
    }

  /* Post is part of an event. Part IV read the name from the wrong variable. */
  if (st.found & (1u << ACL_EVENT))
    add_container (result, &st.member[ACL_EVENT], "eventAcl", "event",
                   GPM_SCOPE_EVENT, NULL, warnings);

  /* Unknown keys are reported after what was read */
  for (guint i = 0; st.unknown != NULL && i < st.unknown->len; i++)
    /* Translators: %s is the archive's word for it */
    warn (warnings, _("it was shared with a kind of audience this app does not know (“%s”)"),
          (const char *) g_ptr_array_index (st.unknown, i));
  g_clear_pointer (&st.unknown, g_ptr_array_unref);

  if (st.domain_public)
    warn (warnings, _("it was shared with everyone in your organisation (your G Suite domain), not publicly, "
                      "so it is not counted as public"));
  /* isLegacyAcl says how Google+ kept the ACL, not who saw the post: with
   * nothing else the post has no audience to be selected by, which is said
   * (FiXato/Plexodus-Tools, bin/generate_html_for_takeout_post.sh, reads
   * no audience from it either). */
  else if (result->len == 0)
    warn (warnings, _("the archive names nobody it was shared with"));

  return result;
}
