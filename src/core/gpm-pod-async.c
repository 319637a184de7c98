/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-pod-async.c: the _async/_finish variants of gpm-pod.h's operations:
 * each runs the blocking call (gpm-pod.c) in a GTask thread with copies of
 * its inputs (secrets wiped when the task is freed), so the GUI's main
 * thread never waits on the network. */
#define G_LOG_DOMAIN "gpm-pod"

#include "config.h"

#include "gpm-pod-private.h"

typedef enum {
  OP_DISCOVER,
  OP_SIGN_IN_PASSWORD,
  OP_SIGN_IN_API,
  OP_SIGN_IN_API_SECRET,
  OP_LIST_ASPECTS,
  OP_UPLOAD_PHOTO,
  OP_CREATE_POST,
  OP_LIST_OWN_POSTS,
  OP_FIND_OWN_POST,
  OP_DELETE_POST,
  OP_FIND_OWN_POSTS,
  OP_CREATE_ASPECT,
} Op;

typedef struct {
  Op                 op;
  char              *s1, *s2, *s3;  /* inputs (secrets wiped on free) */
  GBytes            *bytes;
  GpmPodDraft       *draft;
  guint              number;
  gint64             since;
  GpmPodOpenUriFunc  open_uri;
  gpointer           open_uri_data;
} TaskData;

static void
task_data_free (gpointer p)
{
  TaskData *d = p;

  gpm_pod_secret_free (d->s1);
  gpm_pod_secret_free (d->s2);
  gpm_pod_secret_free (d->s3);
  g_clear_pointer (&d->bytes, g_bytes_unref);
  g_clear_pointer (&d->draft, gpm_pod_draft_free);
  g_free (d);
}

static void
task_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GpmPod *self = source;
  TaskData *d = task_data;
  GError *error = NULL;
  gpointer result = NULL;
  GDestroyNotify free_func = NULL;
  gboolean boolean_result = FALSE;
  gboolean is_boolean = FALSE;

  switch (d->op)
    {
    case OP_DISCOVER:
      result = gpm_pod_discover (self, cancellable, &error);
      free_func = (GDestroyNotify) gpm_pod_info_unref;
      break;
    case OP_SIGN_IN_PASSWORD:
      is_boolean = TRUE;
      boolean_result = gpm_pod_sign_in_password (self, d->s1, d->s2, d->s3, cancellable, &error);
      break;
    case OP_SIGN_IN_API:
      is_boolean = TRUE;
      boolean_result = gpm_pod_api_sign_in (self, d->open_uri, d->open_uri_data,
                                            g_task_get_context (task), cancellable, &error);
      break;
    case OP_SIGN_IN_API_SECRET:
      is_boolean = TRUE;
      boolean_result = gpm_pod_sign_in_api_secret (self, d->s1, cancellable, &error);
      break;
    case OP_LIST_ASPECTS:
      result = gpm_pod_list_aspects (self, cancellable, &error);
      free_func = (GDestroyNotify) g_ptr_array_unref;
      break;
    case OP_UPLOAD_PHOTO:
      result = gpm_pod_upload_photo (self, d->bytes, d->s1, d->s2, cancellable, &error);
      free_func = g_free;
      break;
    case OP_CREATE_POST:
      result = gpm_pod_create_post (self, d->draft, cancellable, &error);
      free_func = (GDestroyNotify) gpm_pod_post_unref;
      break;
    case OP_LIST_OWN_POSTS:
      result = gpm_pod_list_own_posts (self, d->number, cancellable, &error);
      free_func = (GDestroyNotify) g_ptr_array_unref;
      break;
    case OP_FIND_OWN_POST:
      result = gpm_pod_find_own_post (self, d->s1, d->number, cancellable, &error);
      free_func = (GDestroyNotify) gpm_pod_post_unref;
      if (result == NULL && error == NULL)
        {
          /* "not found" is a successful answer */
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      break;
    case OP_DELETE_POST:
      is_boolean = TRUE;
      boolean_result = gpm_pod_delete_post (self, d->s1, cancellable, &error);
      break;
    case OP_FIND_OWN_POSTS:
      result = gpm_pod_find_own_posts (self, d->s1, d->since, d->number, cancellable, &error);
      free_func = (GDestroyNotify) g_ptr_array_unref;
      break;
    case OP_CREATE_ASPECT:
      result = gpm_pod_create_aspect (self, d->s1, cancellable, &error);
      free_func = (GDestroyNotify) gpm_pod_aspect_unref;
      break;
    default:
      g_assert_not_reached ();
    }

  if (error)
    g_task_return_error (task, error);
  else if (is_boolean)
    g_task_return_boolean (task, boolean_result);
  else
    g_task_return_pointer (task, result, free_func);
}

static void
run_async (GpmPod              *self,
           TaskData            *data,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, task_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, task_thread);
}

static TaskData *
task_data_new (Op op)
{
  TaskData *d = g_new0 (TaskData, 1);
  d->op = op;
  return d;
}

#define CHECK_FINISH(self, result, tag, fail) \
  G_STMT_START { \
    g_return_val_if_fail (GPM_IS_POD (self), fail); \
    g_return_val_if_fail (g_task_is_valid (result, self), fail); \
    g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == (tag), fail); \
  } G_STMT_END

void
gpm_pod_discover_async (GpmPod *self, GCancellable             *cancellable,
                        GAsyncReadyCallback callback, gpointer  user_data)
{
  g_return_if_fail (GPM_IS_POD (self));
  run_async (self, task_data_new (OP_DISCOVER), gpm_pod_discover_async, cancellable, callback, user_data);
}

GpmPodInfo *
gpm_pod_discover_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_discover_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_sign_in_password_async (GpmPod *self, const char *username, const char *password,
                                const char *otp_code, GCancellable             *cancellable,
                                GAsyncReadyCallback callback, gpointer          user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  d = task_data_new (OP_SIGN_IN_PASSWORD);
  d->s1 = g_strdup (username);
  d->s2 = g_strdup (password);
  d->s3 = g_strdup (otp_code);
  run_async (self, d, gpm_pod_sign_in_password_async, cancellable, callback, user_data);
}

gboolean
gpm_pod_sign_in_password_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_sign_in_password_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_pod_sign_in_api_async (GpmPod *self, GpmPodOpenUriFunc open_uri, gpointer  open_uri_data,
                           GCancellable                                       *cancellable,
                           GAsyncReadyCallback callback, gpointer              user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (open_uri != NULL);
  d = task_data_new (OP_SIGN_IN_API);
  d->open_uri = open_uri;
  d->open_uri_data = open_uri_data;
  run_async (self, d, gpm_pod_sign_in_api_async, cancellable, callback, user_data);
}

gboolean
gpm_pod_sign_in_api_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_sign_in_api_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_pod_sign_in_api_secret_async (GpmPod *self, const char *secret, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer          user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  d = task_data_new (OP_SIGN_IN_API_SECRET);
  d->s1 = g_strdup (secret);
  run_async (self, d, gpm_pod_sign_in_api_secret_async, cancellable, callback, user_data);
}

gboolean
gpm_pod_sign_in_api_secret_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_sign_in_api_secret_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_pod_list_aspects_async (GpmPod *self, GCancellable             *cancellable,
                            GAsyncReadyCallback callback, gpointer  user_data)
{
  g_return_if_fail (GPM_IS_POD (self));
  run_async (self, task_data_new (OP_LIST_ASPECTS), gpm_pod_list_aspects_async, cancellable,
             callback, user_data);
}

GPtrArray *
gpm_pod_list_aspects_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_list_aspects_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_upload_photo_async (GpmPod *self, GBytes *data, const char *filename,
                            const char *content_type, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer  user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (data != NULL);
  d = task_data_new (OP_UPLOAD_PHOTO);
  d->bytes = g_bytes_ref (data);
  d->s1 = g_strdup (filename);
  d->s2 = g_strdup (content_type);
  run_async (self, d, gpm_pod_upload_photo_async, cancellable, callback, user_data);
}

char *
gpm_pod_upload_photo_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_upload_photo_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_create_post_async (GpmPod *self, const GpmPodDraft *draft, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer                user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (draft != NULL);
  d = task_data_new (OP_CREATE_POST);
  d->draft = gpm_pod_draft_copy (draft);
  run_async (self, d, gpm_pod_create_post_async, cancellable, callback, user_data);
}

GpmPodPost *
gpm_pod_create_post_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_create_post_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_list_own_posts_async (GpmPod *self, guint max_posts, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer       user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  d = task_data_new (OP_LIST_OWN_POSTS);
  d->number = max_posts;
  run_async (self, d, gpm_pod_list_own_posts_async, cancellable, callback, user_data);
}

GPtrArray *
gpm_pod_list_own_posts_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_list_own_posts_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_find_own_post_async (GpmPod *self, const char *text, guint   max_posts,
                             GCancellable                           *cancellable,
                             GAsyncReadyCallback callback, gpointer  user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (text != NULL);
  d = task_data_new (OP_FIND_OWN_POST);
  d->s1 = g_strdup (text);
  d->number = max_posts;
  run_async (self, d, gpm_pod_find_own_post_async, cancellable, callback, user_data);
}

GpmPodPost *
gpm_pod_find_own_post_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_find_own_post_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_delete_post_async (GpmPod *self, const char *guid, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer        user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (guid != NULL);
  d = task_data_new (OP_DELETE_POST);
  d->s1 = g_strdup (guid);
  run_async (self, d, gpm_pod_delete_post_async, cancellable, callback, user_data);
}

gboolean
gpm_pod_delete_post_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_delete_post_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_pod_find_own_posts_async (GpmPod *self, const char *text, gint64 since, guint               max_posts,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (text != NULL);
  d = task_data_new (OP_FIND_OWN_POSTS);
  d->s1 = g_strdup (text);
  d->since = since;
  d->number = max_posts;
  run_async (self, d, gpm_pod_find_own_posts_async, cancellable, callback, user_data);
}

GPtrArray *
gpm_pod_find_own_posts_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_find_own_posts_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gpm_pod_create_aspect_async (GpmPod              *self,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  TaskData *d;

  g_return_if_fail (GPM_IS_POD (self));
  g_return_if_fail (name != NULL);
  d = task_data_new (OP_CREATE_ASPECT);
  d->s1 = g_strdup (name);
  run_async (self, d, gpm_pod_create_aspect_async, cancellable, callback, user_data);
}

GpmPodAspect *
gpm_pod_create_aspect_finish (GpmPod *self, GAsyncResult *result, GError **error)
{
  CHECK_FINISH (self, result, gpm_pod_create_aspect_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
