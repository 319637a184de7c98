/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-http.c: the test pod's requests and answers as Rails and
 * rack see them: answering (text, JSON, API v1 errors, redirects), reading a
 * body as JSON, a form or a multipart part (with rack's file-name rules),
 * JSON members read the way the controllers read params, new guids and
 * diaspora's time stamps. */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>

#include "gpm-test-pod-private.h"

char *
_gpm_test_pod_new_guid (void)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < 4; i++)
    g_string_append_printf (s, "%08x", g_random_int ());
  return g_string_free (s, FALSE);
}

char *
_gpm_test_pod_iso_time (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) dt2 = g_date_time_add (dt, us % G_USEC_PER_SEC);
  g_autofree char *base = g_date_time_format (dt2, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, (int) ((us % G_USEC_PER_SEC) / 1000));
}

void
_gpm_test_pod_respond (SoupServerMessage *msg, guint status, const char *content_type, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  /* a second answer (a fault after the work) replaces the first */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  if (body)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
respond_json_node (SoupServerMessage *msg, guint status, JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  _gpm_test_pod_respond (msg, status, "application/json; charset=utf-8", text);
}

void
_gpm_test_pod_respond_builder (SoupServerMessage *msg, guint status, JsonBuilder *b)
{
  g_autoptr(JsonNode) node = json_builder_get_root (b);

  respond_json_node (msg, status, node);
}

void
_gpm_test_pod_respond_api_error (SoupServerMessage *msg, guint code, const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  gpm_test_json_member_int (b, "code", code);
  gpm_test_json_member_string (b, "message", message);
  json_builder_end_object (b);
  _gpm_test_pod_respond_builder (msg, code, b);
}

/* On the pod's own address whatever host the request named: diaspora's
 * URL helpers take the configured one (config/application.rb:71-72,
 * routes.default_url_options from AppConfig.pod_uri; Devise's
 * new_user_session_url for an ended session). */
void
_gpm_test_pod_redirect (SoupServerMessage *msg, GpmTestPod *self, const char *path)
{
  g_autofree char *to = g_str_has_prefix (path, "http") ? g_strdup (path) : g_strconcat (self->url, path, NULL);

  soup_server_message_set_redirect (msg, 302, to);
}

/* Rails' redirect_to with a path (no _url helper): on the host and port
 * the request named, on http when the proxy does not say https
 * (ActionController::Redirecting#_compute_redirect_to_location:
 * request.protocol + request.host_with_port + path). diaspora sends a user
 * who signed in so, to after_sign_in_path_for, a path
 * (app/controllers/application_controller.rb:120-135 at v0.9.1.0,
 * :146-161 at v0.7.18.2), the same after the second step and for a signed-in
 * user asking for the sign-in form (Devise's require_no_authentication). */
void
_gpm_test_pod_redirect_path (SoupServerMessage *msg, const char *path)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *to = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                                    g_uri_get_port (uri), path, NULL, NULL);

  soup_server_message_set_redirect (msg, 302, to);
}

char *
_gpm_test_pod_request_body (SoupServerMessage *msg, gsize *len)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize l = g_bytes_get_size (bytes);

  if (len)
    *len = l;
  return g_strndup (g_bytes_get_data (bytes, NULL), l);
}

JsonObject *
_gpm_test_pod_request_json (SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  g_autofree char *body = _gpm_test_pod_request_body (msg, &len);
  JsonNode *root;

  if (len == 0 || !json_parser_load_from_data (parser, body, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

GHashTable *
_gpm_test_pod_request_form (SoupServerMessage *msg)
{
  g_autofree char *body = _gpm_test_pod_request_body (msg, NULL);

  return soup_form_decode (body);
}

const char *
_gpm_test_pod_jstr (JsonObject *o, const char *name)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  n = json_object_get_member (o, name);
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return NULL;
}

/* Appends the strings of the array member @name of @o to @out (copies),
 * passing over what is not a string; nothing when there is no such array. */
void
_gpm_test_pod_jstrings (JsonObject *o, const char *name, GPtrArray *out)
{
  JsonArray *arr;

  if (o == NULL || !json_object_has_member (o, name) || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, name)))
    return;
  arr = json_object_get_array_member (o, name);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);

      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_ptr_array_add (out, g_strdup (json_node_get_string (n)));
    }
}

/* A member as Ruby's "#{value}" writes it: "" when missing or null. */
char *
_gpm_test_pod_json_value_text (JsonObject *o, const char *name)
{
  JsonNode *n = o && json_object_has_member (o, name) ? json_object_get_member (o, name) : NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return g_strdup ("");
  switch (json_node_get_value_type (n))
    {
    case G_TYPE_STRING: return g_strdup (json_node_get_string (n));
    case G_TYPE_INT64: return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
    case G_TYPE_DOUBLE: return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (n)));
    default: return g_strdup ("");
    }
}

gint64
_gpm_test_pod_jint (JsonNode *n)
{
  if (!JSON_NODE_HOLDS_VALUE (n))
    return -1;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return json_node_get_int (n);
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (n), NULL, 10);
  return -1;
}

/* The file name rack 2.2 (what diaspora pins: Gemfile.lock at v0.9.1.0,
 * rack 2.2.23) sees in a part's Content-Disposition, or NULL: then the part
 * is a plain string parameter, not a file. Rack::Multipart::Parser#get_filename
 * (lib/rack/multipart/parser.rb:391 at v2.2.23) with the regexes of
 * lib/rack/multipart.rb:16-38: the RFC 2183 form must match as a whole, and
 * its filename*= value may only hold RFC 2231 attribute characters or %XX;
 * else the "broken" form needs a plain filename=. So libsoup's
 * filename*=UTF-8''%C3%89t%C3%A9%20%C3%A0%20Paris(1).jpg (the "(" and ")"
 * unescaped) is no file at all. */
static char *
rack_filename (const char *disposition)
{
#define TOKEN "[^\\s()<>,;:\\\\\"/\\[\\]?=]+"
#define CONDISP "Content-Disposition:\\s*" TOKEN "\\s*"
#define VALUE "\"(?:\\\\\"|[^\"])*\"|" TOKEN
#define ATTRIBUTE_CHAR "[^ \\x00-\\x1f\\x7f)(><@,;:\\\\\"/\\[\\]?='*%]"
#define ATTRIBUTE ATTRIBUTE_CHAR "+"
#define REGULAR_PARAMETER "(" ATTRIBUTE "(?:\\*[0-9]+)?)=(" VALUE ")"
#define EXTENDED_OTHER_VALUE "%[0-9a-fA-F]{2}|" ATTRIBUTE_CHAR
#define EXTENDED_OTHER_PARAMETER "(" ATTRIBUTE "\\*[1-9][0-9]*\\*)=((?:" EXTENDED_OTHER_VALUE ")*)"
#define EXTENDED_INITIAL_PARAMETER "(" ATTRIBUTE "(?:\\*0)?\\*)=([a-zA-Z0-9\\-]*'[a-zA-Z0-9\\-]*'(?:" EXTENDED_OTHER_VALUE ")*)"
#define DISPPARM ";\\s*(?:" REGULAR_PARAMETER "|" EXTENDED_INITIAL_PARAMETER "|" EXTENDED_OTHER_PARAMETER ")\\s*"
  g_autofree char *head = g_strconcat ("Content-Disposition: ", disposition, "\r\n", NULL);
  g_autoptr(GRegex) rfc2183 = g_regex_new ("^" CONDISP "(?:" DISPPARM ")+$",
                                           G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GRegex) dispparm = g_regex_new (DISPPARM, G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GRegex) broken = g_regex_new ("^" CONDISP ".*;\\s*filename=(" VALUE ")",
                                          G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  char *filename = NULL;
  char *extended = NULL;

  g_assert (rfc2183 && dispparm && broken);
  if (g_regex_match (rfc2183, head, 0, NULL))
    {
      /* params = Hash[*head.scan(DISPPARM).flat_map(&:compact)] */
      g_regex_match (dispparm, head, 0, &m);
      while (g_match_info_matches (m))
        {
          for (int g = 1; g + 1 <= 6; g += 2)
            {
              g_autofree char *key = g_match_info_fetch (m, g);
              g_autofree char *value = g_match_info_fetch (m, g + 1);

              if (key && g_str_equal (key, "filename") && filename == NULL)
                filename = g_steal_pointer (&value);
              else if (key && g_str_equal (key, "filename*") && extended == NULL)
                extended = g_steal_pointer (&value);
            }
          g_match_info_next (m, NULL);
        }
      if (filename == NULL && extended != NULL)
        {
          const char *q = strchr (extended, '\'');

          q = q ? strchr (q + 1, '\'') : NULL;
          filename = q ? g_uri_unescape_string (q + 1, NULL) : NULL;
        }
      g_free (extended);
    }
  else
    {
      g_clear_pointer (&m, g_match_info_free);
      if (g_regex_match (broken, head, 0, &m))
        filename = g_match_info_fetch (m, 1);
    }
  if (filename && filename[0] == '"')
    {
      gsize len = strlen (filename);

      memmove (filename, filename + 1, len);
      if (len >= 2 && filename[len - 2] == '"')
        filename[len - 2] = '\0';
    }
  return filename;
#undef TOKEN
#undef CONDISP
#undef VALUE
#undef ATTRIBUTE_CHAR
#undef ATTRIBUTE
#undef REGULAR_PARAMETER
#undef EXTENDED_OTHER_VALUE
#undef EXTENDED_OTHER_PARAMETER
#undef EXTENDED_INITIAL_PARAMETER
#undef DISPPARM
}

/* The part named @name of a multipart/form-data request. @filename: the
 * file name as rack sees it (NULL: rack takes the part for a string, not a
 * file). */
GBytes *
_gpm_test_pod_multipart_part (SoupServerMessage *msg, const char *name, char **filename)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  SoupMultipart *mp = soup_multipart_new_from_message (soup_server_message_get_request_headers (msg), body);
  GBytes *found = NULL;

  if (mp == NULL)
    return NULL;
  for (int i = 0; i < soup_multipart_get_length (mp); i++)
    {
      SoupMessageHeaders *h;
      GBytes *part;
      g_autoptr(GHashTable) params = NULL;

      if (!soup_multipart_get_part (mp, i, &h, &part))
        continue;
      if (soup_message_headers_get_content_disposition (h, NULL, &params)
          && g_strcmp0 (g_hash_table_lookup (params, "name"), name) == 0)
        {
          found = g_bytes_ref (part);
          if (filename)
            *filename = rack_filename (soup_message_headers_get_one (h, "Content-Disposition"));
          break;
        }
    }
  soup_multipart_free (mp);
  return found;
}
