/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs through the real libsecret with a private gnome-keyring (see
 * run-with-keyring.sh). */
#define G_LOG_DOMAIN "test-secrets"

#include "gpm-secrets.h"
#include "gpm-test-pod.h"

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

/* The keyring's API session, once it equals @want (NULL: anything but
 * @not), waiting (bounded) for the follower's store in this main context. */
static char *
wait_for_keyring (const char *pod, const char *user, const char *want, const char *not)
{
  for (int i = 0; i < 500; i++)
    {
      char *secret;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      secret = gpm_secrets_lookup_sync (pod, user, GPM_SECRET_API_SESSION, NULL, NULL);
      if (secret != NULL && (want ? g_strcmp0 (secret, want) == 0 : g_strcmp0 (secret, not) != 0))
        return secret;
      gpm_secrets_free (secret);
      g_usleep (20000);
    }
  return NULL;
}

static gpointer
list_aspects_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *aspects = gpm_pod_list_aspects (data, NULL, &error);

  g_assert_no_error (error);
  return aspects;
}

/* A refresh token the pod rotates, here during a request in another thread
 * (like the migrator's), reaches the keyring; the old one is dead. */
static void
test_follow_api_session (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) tp = gpm_test_pod_new (0, &error);
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GpmPod) again = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  g_autofree char *guid = NULL;
  char *first, *second, *current;

  g_assert_no_error (error);
  guid = gpm_test_pod_add_user (tp, "alice", "pw", NULL);
  gpm_test_pod_set_rotate_refresh_tokens (tp, TRUE);
  gpm_test_pod_set_browser_user (tp, "alice", TRUE);
  pod = gpm_pod_new (gpm_test_pod_get_url (tp), &error);
  g_assert_no_error (error);
  gpm_secrets_follow_api_session (pod);

  g_assert_true (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, tp, NULL, &error));
  g_assert_no_error (error);
  current = gpm_pod_dup_api_secret (pod);
  first = wait_for_keyring (gpm_pod_get_address (pod), "alice", current, NULL);
  g_assert_nonnull (first);
  gpm_secrets_free (current);

  /* the access token expires; the next request refreshes, in a thread */
  gpm_test_pod_inject_fault (tp, "/api/v1/aspects", GPM_TEST_POD_FAULT_EXPIRE_TOKEN, 0, 1);
  aspects = g_thread_join (g_thread_new ("worker", list_aspects_thread, pod));
  current = gpm_pod_dup_api_secret (pod);
  g_assert_cmpstr (current, !=, first);
  second = wait_for_keyring (gpm_pod_get_address (pod), "alice", current, NULL);
  g_assert_nonnull (second);
  gpm_secrets_free (current);

  /* what the keyring holds signs in; what it held before no longer does */
  again = gpm_pod_new (gpm_test_pod_get_url (tp), &error);
  g_assert_false (gpm_pod_sign_in_api_secret (again, first, NULL, &error));
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED);
  g_clear_error (&error);
  g_assert_true (gpm_pod_sign_in_api_secret (again, second, NULL, &error));
  g_assert_no_error (error);
  gpm_secrets_free (first);
  gpm_secrets_free (second);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/sync", test_secrets_sync);
  g_test_add_func ("/secrets/async", test_secrets_async);
  g_test_add_func ("/secrets/follow-api-session", test_follow_api_session);

  return g_test_run ();
}
