/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pod-common.c: see test-pod-common.h. */
#define G_LOG_DOMAIN "test-pod"

#include "test-pod-common.h"

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->tp = gpm_test_pod_new (0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->tp);
  f->alice_guid = gpm_test_pod_add_user (f->tp, "alice", PASSWORD, NULL);
  g_free (gpm_test_pod_add_user (f->tp, "bob", "bobs password", "123456"));
  f->friends = gpm_test_pod_add_aspect (f->tp, "alice", "Friends");
  f->family = gpm_test_pod_add_aspect (f->tp, "alice", "Family");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->tp);
  g_free (f->alice_guid);
}

GpmPod *
new_pod (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GpmPod *pod = gpm_pod_new (gpm_test_pod_get_url (f->tp), &error);

  g_assert_no_error (error);
  g_assert_nonnull (pod);
  return pod;
}

GpmPod *
web_pod (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GpmPod *pod = new_pod (f);

  g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
  g_assert_no_error (error);
  return pod;
}

GpmPod *
api_pod (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GpmPod *pod = new_pod (f);

  gpm_test_pod_set_browser_user (f->tp, "alice", TRUE);
  g_assert_true (gpm_pod_sign_in_api (pod, gpm_test_pod_open_in_browser, f->tp, NULL, &error));
  g_assert_no_error (error);
  return pod;
}

GpmTestPodPost *
only_post (Fixture *f, GPtrArray **keep)
{
  *keep = gpm_test_pod_dup_posts (f->tp);
  g_assert_cmpuint ((*keep)->len, ==, 1);
  return g_ptr_array_index (*keep, 0);
}

GpmPodPost *
post_public (GpmPod *pod, const char *text, GError **error)
{
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (text);

  draft->is_public = TRUE;
  return gpm_pod_create_post (pod, draft, NULL, error);
}

void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

void
pod_test_add (const char *name, GTestFixtureFunc func, gconstpointer data)
{
  g_test_add (name, Fixture, data, fixture_setup, (void (*) (Fixture *, gconstpointer)) func, fixture_teardown);
}
