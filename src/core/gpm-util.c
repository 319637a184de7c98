/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-util"

#include "gpm-util.h"

void
gpm_main_context_post (GMainContext   *context,
                       int             priority,
                       const char     *name,
                       GSourceFunc     func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, name);
  g_source_attach (source, context);
  g_source_unref (source);
}

JsonObject *
gpm_json_get_object (JsonObject *obj,
                     const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
gpm_json_get_array (JsonObject *obj,
                    const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
gpm_json_get_string (JsonObject *obj,
                     const char *member,
                     const char *fallback)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return fallback;
}

JsonObject *
gpm_json_array_get_object (JsonArray *array,
                           guint      index)
{
  JsonNode *node = array && index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}
