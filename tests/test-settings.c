/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What core declares once, seen from outside: the GSettings schema's
 * defaults and bounds are core's values (the pace); the enums properties
 * and signals carry are registered types (glib-mkenums), not plain ints. */
#define G_LOG_DOMAIN "test-settings"

#include "config.h"

#include "gpm-core-enums.h"
#include "gpm-migrator.h"
#include "gpm-test-posts.h"

/* The default pace: the migrator's, the CLI's (the same constant) and the
 * app's setting; the shortest pace the setting allows. */
static void
test_pace (void)
{
  g_autoptr(GSettingsSchema) schema = gpm_test_lookup_app_schema ();
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) bounds = NULL;
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (migrator), "delay");
  const char *type;
  guint32 min, max;

  if (schema == NULL)
    return;  /* skipped */

  g_assert_cmpuint (gpm_migrator_get_delay (migrator), ==, GPM_MIGRATOR_DEFAULT_DELAY);
  g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->default_value, ==, GPM_MIGRATOR_DEFAULT_DELAY);

  key = g_settings_schema_get_key (schema, "post-delay-seconds");
  value = g_settings_schema_key_get_default_value (key);
  g_assert_cmpuint (g_variant_get_uint32 (value), ==, GPM_MIGRATOR_DEFAULT_DELAY);

  range = g_settings_schema_key_get_range (key);
  g_variant_get (range, "(&sv)", &type, &bounds);
  g_assert_cmpstr (type, ==, "range");
  g_variant_get (bounds, "(uu)", &min, &max);
  g_assert_cmpuint (min, ==, GPM_MIGRATOR_MIN_DELAY);
  g_assert_cmpuint (GPM_MIGRATOR_DEFAULT_DELAY, >=, min);
  g_assert_cmpuint (GPM_MIGRATOR_DEFAULT_DELAY, <=, max);
}

static void
test_enums (void)
{
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  g_autoptr(GpmPod) pod = gpm_pod_new ("https://pod.example", NULL);
  GParamSpec *pspec;
  GSignalQuery query;

  g_signal_query (g_signal_lookup ("post-finished", GPM_TYPE_MIGRATOR), &query);
  g_assert_cmpuint (query.n_params, ==, 3);
  g_assert_true (query.param_types[1] == GPM_TYPE_JOURNAL_STATE);
  g_assert_true (G_TYPE_IS_ENUM (GPM_TYPE_JOURNAL_STATE));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (migrator), "state");
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_true (pspec->value_type == GPM_TYPE_MIGRATOR_STATE);

  g_assert_nonnull (pod);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (pod), "auth");
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_true (pspec->value_type == GPM_TYPE_POD_AUTH);
  {
    GpmPodAuth auth = GPM_POD_AUTH_API;

    g_object_get (pod, "auth", &auth, NULL);
    g_assert_cmpint (auth, ==, GPM_POD_AUTH_NONE);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/pace", test_pace);
  g_test_add_func ("/types/enums", test_enums);

  return g_test_run ();
}
