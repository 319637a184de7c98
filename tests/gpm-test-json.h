/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-json.h: a JSON member and its value in one call, for the tests'
 * JSON writers (the takeout generator's posts, the test pod's answers),
 * instead of json_builder_set_member_name() and an add_*_value() call each
 * time. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "@name": @value, in the object @b is building */
void gpm_test_json_member_string  (JsonBuilder *b,
                                   const char  *name,
                                   const char  *value);
void gpm_test_json_member_int     (JsonBuilder *b,
                                   const char  *name,
                                   gint64       value);
void gpm_test_json_member_boolean (JsonBuilder *b,
                                   const char  *name,
                                   gboolean     value);
void gpm_test_json_member_double  (JsonBuilder *b,
                                   const char  *name,
                                   double       value);
/* "@name": null */
void gpm_test_json_member_null    (JsonBuilder *b,
                                   const char  *name);
/* "@name": @value, or null when @value is NULL */
void gpm_test_json_member_string_or_null (JsonBuilder *b,
                                          const char  *name,
                                          const char  *value);

/* "@name": [ and "@name": {, in the object @b is building; closed with
 * json_builder_end_array() / json_builder_end_object() */
void gpm_test_json_member_begin_array  (JsonBuilder *b,
                                        const char  *name);
void gpm_test_json_member_begin_object (JsonBuilder *b,
                                        const char  *name);
/* "@name": [the strings in @strings] */
void gpm_test_json_member_strings (JsonBuilder *b,
                                   const char  *name,
                                   GPtrArray   *strings);

G_END_DECLS
