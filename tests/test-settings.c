/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GSettings schema says what core says: values defined once in core
 * (the pace) are the schema's defaults and bounds too. */
#define G_LOG_DOMAIN "test-settings"

#include "config.h"

#include "gpm-migrator.h"

static GSettingsSchema *
lookup_schema (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "..", "data", NULL);
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GError) error = NULL;

  source = g_settings_schema_source_new_from_directory (dir, NULL, FALSE, &error);
  if (source == NULL)
    return NULL;
  return g_settings_schema_source_lookup (source, APP_ID, FALSE);
}

/* The default pace: the migrator's, the CLI's (the same constant) and the
 * app's setting; the shortest pace the setting allows. */
static void
test_pace (void)
{
  g_autoptr(GSettingsSchema) schema = lookup_schema ();
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) bounds = NULL;
  g_autoptr(GpmMigrator) migrator = gpm_migrator_new (NULL, NULL);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (migrator), "delay");
  const char *type;
  guint32 min, max;

  if (schema == NULL)
    {
      g_test_skip ("the compiled GSettings schema is not in the build tree");
      return;
    }

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/pace", test_pace);

  return g_test_run ();
}
