/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs through the real libsecret with a private gnome-keyring (see
 * run-with-keyring.sh). */
#define G_LOG_DOMAIN "test-secrets"

#include "gpm-secrets.h"

static void
test_secrets_sync (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = gpm_secrets_lookup_sync ("https://pod.example", "ada", GPM_SECRET_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  g_assert_true (gpm_secrets_store_sync ("https://pod.example", "ada", GPM_SECRET_PASSWORD,
                                         "pä$$ word", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gpm_secrets_store_sync ("https://pod.example", "ada", GPM_SECRET_API_SESSION,
                                         "{\"refresh_token\":\"r\"}", NULL, &error));
  g_assert_true (gpm_secrets_store_sync ("https://other.example", "ada", GPM_SECRET_PASSWORD,
                                         "other", NULL, &error));
  g_assert_no_error (error);

  secret = gpm_secrets_lookup_sync ("https://pod.example", "ada", GPM_SECRET_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "pä$$ word");
  gpm_secrets_free (secret);
  secret = gpm_secrets_lookup_sync ("https://pod.example", "ada", GPM_SECRET_API_SESSION, NULL, &error);
  g_assert_cmpstr (secret, ==, "{\"refresh_token\":\"r\"}");
  gpm_secrets_free (secret);
  secret = gpm_secrets_lookup_sync ("https://pod.example", "bob", GPM_SECRET_PASSWORD, NULL, &error);
  g_assert_null (secret);

  /* Storing again replaces. */
  g_assert_true (gpm_secrets_store_sync ("https://pod.example", "ada", GPM_SECRET_PASSWORD,
                                         "new", NULL, &error));
  secret = gpm_secrets_lookup_sync ("https://pod.example", "ada", GPM_SECRET_PASSWORD, NULL, &error);
  g_assert_cmpstr (secret, ==, "new");
  gpm_secrets_free (secret);

  g_assert_true (gpm_secrets_clear_sync ("https://pod.example", "ada", GPM_SECRET_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (gpm_secrets_clear_sync ("https://pod.example", "ada", GPM_SECRET_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  secret = gpm_secrets_lookup_sync ("https://pod.example", "ada", GPM_SECRET_PASSWORD, NULL, &error);
  g_assert_null (secret);
  /* The others are untouched. */
  secret = gpm_secrets_lookup_sync ("https://other.example", "ada", GPM_SECRET_PASSWORD, NULL, &error);
  g_assert_cmpstr (secret, ==, "other");
  gpm_secrets_free (secret);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_secrets_async (void)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  char *secret;

  gpm_secrets_store_async ("https://async.example", "cy", GPM_SECRET_PASSWORD, "s3cret", NULL, on_done, &result);
  g_assert_true (gpm_secrets_store_finish (wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  gpm_secrets_lookup_async ("https://async.example", "cy", GPM_SECRET_PASSWORD, NULL, on_done, &result);
  secret = gpm_secrets_lookup_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret");
  gpm_secrets_free (secret);
  g_clear_object (&result);

  gpm_secrets_clear_async ("https://async.example", "cy", GPM_SECRET_PASSWORD, NULL, on_done, &result);
  g_assert_true (gpm_secrets_clear_finish (wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  gpm_secrets_lookup_async ("https://async.example", "cy", GPM_SECRET_PASSWORD, NULL, on_done, &result);
  secret = gpm_secrets_lookup_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_clear_object (&result);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/sync", test_secrets_sync);
  g_test_add_func ("/secrets/async", test_secrets_async);

  return g_test_run ();
}
