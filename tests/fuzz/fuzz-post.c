/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the post parser: any bytes as one post JSON file,
 * parsed, its ACL turned into scopes, indexed, selected and formatted as the
 * `scopes` command would. A GLib warning or critical aborts. */
#define G_LOG_DOMAIN "fuzz-post"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "gpm-scope-index.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  gpm_fuzz_abort_on_warnings ();
  return 0;
}

/* json-glib writes a double back with "%.17g" and appends ".0" when that has
 * no '.', so 1e400 (read as inf) becomes "inf.0" and -1e180 becomes
 * "-1e+180.0": neither is JSON, and the oracle's copy would be refused where
 * the input was valid. No ACL member the app reads is a number, so every
 * double becomes 0 in the oracle's copy, which json-glib writes as "0.0". */
static void
json_numbers (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        json_numbers (member);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_numbers (json_array_get_element (array, i));
    }
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    json_node_set_double (node, 0);
}

static gboolean
has_surrogate_escape (const char *data, size_t size)
{
  for (size_t i = 0; i + 3 < size; i++)
    if (data[i] == '\\' && data[i + 1] == 'u' && g_ascii_tolower (data[i + 2]) == 'd' &&
        strchr ("89abcdefABCDEF", data[i + 3]) != NULL)
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPost) post = gpm_post_new_from_data ("fuzz.json", (const char *) data, size, &error);
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GpmScopeIndex) index = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_auto(GStrv) keys = NULL;
  GPtrArray *entries;

  if (post == NULL)
    {
      g_assert (error != NULL && error->domain == GPM_POST_ERROR);
      return 0;
    }

  /* Oracle: what the indexing scan accepted, json-glib's full parse accepts
   * too, with the same ACL and counts. The one known exception is a lone
   * UTF-16 surrogate escape, which json-glib refuses and Python's json (the
   * seed's) and the scan accept. */
  if (!has_surrogate_escape ((const char *) data, size))
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *root;
    JsonNode *acl;
    g_autoptr(GPtrArray) scopes = NULL;
    g_autofree char *acl_text = NULL;
    JsonNode *comments;

    g_assert (json_parser_load_from_data (parser, (const char *) data, size, NULL));
    g_assert (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
    root = json_node_get_object (json_parser_get_root (parser));
    acl = json_object_get_member (root, "postAcl");
    g_assert (acl != NULL && JSON_NODE_HOLDS_OBJECT (acl));
    /* json-glib's reading of the ACL, written out again, parses to the same scopes */
    json_numbers (acl);
    acl_text = json_to_string (acl, FALSE);
    scopes = gpm_scope_parse_acl (acl_text, strlen (acl_text), NULL);
    g_assert (scopes->len == gpm_post_get_scopes (post)->len);
    for (guint i = 0; i < scopes->len; i++)
      g_assert (gpm_scope_equal (g_ptr_array_index (scopes, i), g_ptr_array_index (gpm_post_get_scopes (post), i)));
    comments = json_object_get_member (root, "comments");
    if (comments && JSON_NODE_HOLDS_ARRAY (comments))
      g_assert (json_array_get_length (json_node_get_array (comments)) == gpm_post_get_n_comments (post));
  }

  /* Everything a consumer reads must be safe to read. */
  (void) gpm_post_get_creation_time (post);
  (void) gpm_post_get_author (post);
  (void) gpm_post_get_link (post);
  (void) gpm_post_get_media (post);
  (void) gpm_post_get_location (post);
  (void) gpm_post_get_poll (post);
  if (gpm_post_get_reshared_post (post))
    g_assert (gpm_post_get_scopes (gpm_post_get_reshared_post (post))->len == 0);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_problem_unref);
  gpm_post_collect_problems (post, problems);

  posts = g_ptr_array_new ();
  g_ptr_array_add (posts, post);
  index = gpm_scope_index_new (posts);
  entries = gpm_scope_index_get_entries (index);
  for (guint i = 0; i < entries->len; i++)
    {
      GpmScopeEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *line = gpm_scope_format_stat (e->scope, e->n_posts);
      g_assert (line != NULL);
      g_assert (gpm_scope_index_count_key (index, gpm_scope_get_key (e->scope)) == 1);
    }
  keys = gpm_scope_index_essentially_public_keys (index);
  selected = gpm_scope_index_select (index, (const char * const *) keys, TRUE);
  g_assert (selected->len <= 1);
  return 0;
}
