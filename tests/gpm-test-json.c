/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-json.c: see gpm-test-json.h. */
#include "gpm-test-json.h"

void
gpm_test_json_member_string (JsonBuilder *b,
                             const char  *name,
                             const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

void
gpm_test_json_member_int (JsonBuilder *b,
                          const char  *name,
                          gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
gpm_test_json_member_boolean (JsonBuilder *b,
                              const char  *name,
                              gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

void
gpm_test_json_member_double (JsonBuilder *b,
                             const char  *name,
                             double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

void
gpm_test_json_member_null (JsonBuilder *b,
                           const char  *name)
{
  json_builder_set_member_name (b, name);
  json_builder_add_null_value (b);
}

void
gpm_test_json_member_string_or_null (JsonBuilder *b,
                                     const char  *name,
                                     const char  *value)
{
  if (value != NULL)
    gpm_test_json_member_string (b, name, value);
  else
    gpm_test_json_member_null (b, name);
}

void
gpm_test_json_member_begin_array (JsonBuilder *b,
                                  const char  *name)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
}

void
gpm_test_json_member_begin_object (JsonBuilder *b,
                                   const char  *name)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
}

void
gpm_test_json_member_strings (JsonBuilder *b,
                              const char  *name,
                              GPtrArray   *strings)
{
  gpm_test_json_member_begin_array (b, name);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (strings, i));
  json_builder_end_array (b);
}
