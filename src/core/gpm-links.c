/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-links"

#include "config.h"

#include <string.h>

#include "gpm-journal.h"
#include "gpm-links.h"

#define HOST "plus.google.com"
#define HOST_LEN (sizeof HOST - 1)

struct _GpmLinks
{
  GObject     parent_instance;

  GHashTable *profiles;   /* the owner's ids and "+names", lower case */
  GHashTable *posts;      /* post id (from the post's url) → journal key (both the post's own) */
  GPtrArray  *kept;       /* the posts whose keys @posts holds */
  GStringChunk *ids;      /* the post ids that are not the end of their post's key */
};

G_DEFINE_TYPE (GpmLinks, gpm_links, G_TYPE_OBJECT)

char *
gpm_links_archive_url (const char *address)
{
  g_autoptr(GString) url = g_string_new (GPM_LINKS_ARCHIVE_PREFIX);

  g_return_val_if_fail (address != NULL, NULL);

  if (g_ascii_strncasecmp (address, "https://", 8) != 0 && g_ascii_strncasecmp (address, "http://", 7) != 0)
    g_string_append (url, "https://");
  /* A Markdown link target ends at a space or an unbalanced parenthesis. */
  for (const char *p = address; *p; p++)
    if (*p == ' ' || *p == '(' || *p == ')' || *p == '<' || *p == '>')
      g_string_append_printf (url, "%%%02X", (guchar) *p);
    else
      g_string_append_c (url, *p);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

gboolean
gpm_links_parse (const char  *address,
                 char       **out_profile,
                 char       **out_post_id)
{
  const char *p = address;
  const char *end;
  g_autofree char *path = NULL;
  g_auto(GStrv) segs = NULL;
  guint i = 0;

  if (out_profile != NULL)
    *out_profile = NULL;
  if (out_post_id != NULL)
    *out_post_id = NULL;
  g_return_val_if_fail (address != NULL, FALSE);

  if (g_ascii_strncasecmp (p, "https://", 8) == 0)
    p += 8;
  else if (g_ascii_strncasecmp (p, "http://", 7) == 0)
    p += 7;
  if (g_ascii_strncasecmp (p, HOST, HOST_LEN) != 0)
    return FALSE;
  p += HOST_LEN;
  if (*p == ':')
    p += strspn (p + 1, "0123456789") + 1;
  if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
    return FALSE;

  end = p + strcspn (p, "?#");
  path = g_strndup (p, end - p);
  segs = g_strsplit (*path == '/' ? path + 1 : path, "/", -1);

  /* "/u/0/…" (signed in as account 0), "/b/PAGE_ID/…" (acting as a page). */
  if (segs[0] != NULL && (strcmp (segs[0], "u") == 0 || strcmp (segs[0], "b") == 0) && segs[1] != NULL)
    i = 2;
  if (segs[i] == NULL || *segs[i] == '\0')
    return TRUE;
  if (segs[i][0] == '+' || all_digits (segs[i]))
    {
      if (out_profile != NULL)
        {
          char *decoded = g_uri_unescape_string (segs[i], NULL);
          *out_profile = decoded != NULL ? decoded : g_strdup (segs[i]);
        }
      if (segs[i + 1] != NULL && strcmp (segs[i + 1], "posts") == 0 &&
          segs[i + 2] != NULL && *segs[i + 2] != '\0' && out_post_id != NULL)
        *out_post_id = g_strdup (segs[i + 2]);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ owner */

static void
add_profile (GpmLinks   *self,
             const char *profile)
{
  if (profile != NULL && *profile != '\0')
    g_hash_table_add (self->profiles, g_utf8_casefold (profile, -1));
}

GpmLinks *
gpm_links_new (GPtrArray *posts)
{
  GpmLinks *self;

  g_return_val_if_fail (posts != NULL, NULL);

  self = g_object_new (GPM_TYPE_LINKS, NULL);
  /* The journal keys are the posts' own strings, not copies (5 MB at
   * 100,000 posts), and so are the post ids where the key ends with one
   * ("users/ID/posts/POST_ID", 3 MB more): the posts are kept as long as
   * the links. */
  self->kept = g_ptr_array_new_full (posts->len, g_object_unref);
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      g_autofree char *author = gpm_post_dup_author_id (post);
      g_autofree char *profile = NULL;
      g_autofree char *post_id = NULL;
      g_autofree char *url = gpm_post_dup_url (post);  /* (not kept on each post) */

      if (author != NULL && g_str_has_prefix (author, "users/"))
        add_profile (self, author + strlen ("users/"));
      g_ptr_array_add (self->kept, g_object_ref (post));
      if (url != NULL && gpm_links_parse (url, &profile, &post_id))
        {
          add_profile (self, profile);
          if (post_id != NULL)
            {
              const char *key = gpm_journal_post_key (post);
              size_t key_len = strlen (key), id_len = strlen (post_id);
              const char *id = key_len >= id_len && strcmp (key + key_len - id_len, post_id) == 0
                               ? key + key_len - id_len
                               : g_string_chunk_insert_const (self->ids, post_id);

              g_hash_table_insert (self->posts, (gpointer) id, (gpointer) key);
            }
        }
      if (i == 0)
        {
          /* The profile address names the custom name posts may not use. */
          const GpmPerson *person = gpm_post_get_author (post);
          g_autofree char *from_page = NULL;

          if (person != NULL && person->profile_url != NULL &&
              gpm_links_parse (person->profile_url, &from_page, NULL))
            add_profile (self, from_page);
        }
    }
  return self;
}

const char *
gpm_links_find_own_post (GpmLinks   *self,
                         const char *address)
{
  g_autofree char *profile = NULL;
  g_autofree char *post_id = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (GPM_IS_LINKS (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (!gpm_links_parse (address, &profile, &post_id) || profile == NULL || post_id == NULL)
    return NULL;
  folded = g_utf8_casefold (profile, -1);
  if (!g_hash_table_contains (self->profiles, folded))
    return NULL;
  return g_hash_table_lookup (self->posts, post_id);
}

/* ---------------------------------------------------------------- rewrite */

/* Ends an address in Markdown text: what linkify and a link's brackets
 * would not take either. */
static gboolean
is_stop (const char *p)
{
  if (*p == '\0' || g_ascii_isspace (*p) || strchr ("<>\"'`[](){}|^", *p) != NULL)
    return TRUE;
  /* U+00A0, which the converter writes for a no-break space. */
  return (guchar) p[0] == 0xc2 && (guchar) p[1] == 0xa0;
}

/* The address's text with the converter's Markdown escapes removed. */
static char *
unescape_markdown (const char *s,
                   gsize       len)
{
  GString *out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '\\' && i + 1 < len && g_ascii_ispunct (s[i + 1]))
        i++;
      g_string_append_c (out, s[i]);
    }
  return g_string_free (out, FALSE);
}

char *
gpm_links_rewrite (GpmLinks           *self,
                   const char         *markdown,
                   gboolean            archive,
                   GpmLinksLookupFunc  lookup,
                   gpointer            lookup_data)
{
  GString *out;
  const char *copied;
  const char *p;

  g_return_val_if_fail (self == NULL || GPM_IS_LINKS (self), NULL);
  g_return_val_if_fail (markdown != NULL, NULL);

  out = g_string_sized_new (strlen (markdown) + 64);
  copied = markdown;
  for (p = markdown; *p; p++)
    {
      const char *start, *end;
      g_autofree char *text = NULL;
      g_autofree char *address = NULL;
      g_autofree char *target = NULL;
      gsize lead = 0;
      gboolean in_target, in_text;

      if ((*p != 'p' && *p != 'P') || g_ascii_strncasecmp (p, HOST, HOST_LEN) != 0)
        continue;
      start = p;
      if (start - markdown >= 8 && g_ascii_strncasecmp (start - 8, "https://", 8) == 0)
        start -= 8;
      else if (start - markdown >= 7 && g_ascii_strncasecmp (start - 7, "http://", 7) == 0)
        start -= 7;
      /* Part of a longer address (already archived, another host) or a word. */
      if ((start > markdown && (g_ascii_isalnum (start[-1]) || strchr ("/.-_@%+=", start[-1]) != NULL)) ||
          (p[HOST_LEN] != '\0' && (g_ascii_isalnum (p[HOST_LEN]) || p[HOST_LEN] == '.' || p[HOST_LEN] == '-' || p[HOST_LEN] == '_')))
        {
          p += HOST_LEN - 1;
          continue;
        }

      end = p + HOST_LEN;
      while (!is_stop (end))
        end += end[0] == '\\' && g_ascii_ispunct (end[1]) && !is_stop (end + 1) ? 2 : 1;
      /* Sentence punctuation after the address is not part of it (as
       * linkify decides), nor are emphasis marks that close the ones
       * right before it ("**https://…**"). */
      while (start - lead > markdown && strchr ("*_~", start[-1 - (gssize) lead]) != NULL)
        lead++;
      for (;;)
        {
          if (end > p + HOST_LEN && strchr (".,:;!?", end[-1]) != NULL)
            end -= end - 1 > p + HOST_LEN && end[-2] == '\\' ? 2 : 1;
          else if (lead > 0 && end > p + HOST_LEN && end[-1] == start[-(gssize) lead] && end[-2] != '\\')
            {
              end--;
              lead--;
            }
          else
            break;
        }

      text = g_strndup (start, end - start);
      address = unescape_markdown (start, end - start);
      in_target = start - markdown >= 2 && start[-2] == ']' && start[-1] == '(';
      in_text = !in_target && start > markdown && start[-1] == '[' && g_str_has_prefix (end, "](");

      if (self != NULL && lookup != NULL)
        {
          const char *key = gpm_links_find_own_post (self, address);
          if (key != NULL)
            target = lookup (key, lookup_data);
        }

      g_string_append_len (out, copied, start - copied);
      if (target != NULL)
        g_string_append (out, target);
      else if (archive && in_target)
        {
          g_autofree char *archived = gpm_links_archive_url (address);
          g_string_append (out, archived);
        }
      else if (archive && !in_text)
        {
          g_autofree char *archived = gpm_links_archive_url (address);
          g_string_append_printf (out, "[%s](%s)", text, archived);
        }
      else
        g_string_append (out, text);
      copied = end;
      p = end - 1;
    }
  g_string_append (out, copied);
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- GObject */

static void
gpm_links_finalize (GObject *object)
{
  GpmLinks *self = (GpmLinks *) object;

  g_clear_pointer (&self->profiles, g_hash_table_unref);
  g_clear_pointer (&self->posts, g_hash_table_unref);
  g_clear_pointer (&self->kept, g_ptr_array_unref);
  g_clear_pointer (&self->ids, g_string_chunk_free);
  G_OBJECT_CLASS (gpm_links_parent_class)->finalize (object);
}

static void
gpm_links_class_init (GpmLinksClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gpm_links_finalize;
}

static void
gpm_links_init (GpmLinks *self)
{
  self->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->posts = g_hash_table_new (g_str_hash, g_str_equal);
  self->ids = g_string_chunk_new (256);
}
