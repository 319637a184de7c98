/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-pod-inspect.c: what tests read back from the test pod: copies of
 * its posts, photos and comments, request counts, the JSON dump; and the
 * /_test/ HTTP interface through which another process (gpm-test-pod-tool,
 * the check-*.py scripts) adds accounts and aspects, injects faults and
 * reads the dump. */
#define G_LOG_DOMAIN "gpm-test-pod"

#include <string.h>

#include "gpm-test-pod-private.h"

static gpointer
copy_string (gconstpointer src, gpointer data)
{
  return g_strdup (src);
}

static GpmTestPodPost *
post_copy (const GpmTestPodPost *p)
{
  GpmTestPodPost *c = g_new0 (GpmTestPodPost, 1);

  c->id = p->id;
  c->guid = g_strdup (p->guid);
  c->author = g_strdup (p->author);
  c->text = g_strdup (p->text);
  c->is_public = p->is_public;
  c->aspect_ids = g_array_copy (p->aspect_ids);
  c->photo_guids = g_ptr_array_copy (p->photo_guids, copy_string, NULL);
  g_ptr_array_set_free_func (c->photo_guids, g_free);
  c->poll_question = g_strdup (p->poll_question);
  c->poll_answers = g_ptr_array_copy (p->poll_answers, copy_string, NULL);
  g_ptr_array_set_free_func (c->poll_answers, g_free);
  c->location_address = g_strdup (p->location_address);
  c->latitude = p->latitude;
  c->longitude = p->longitude;
  c->provider_display_name = g_strdup (p->provider_display_name);
  c->via_api = p->via_api;
  c->request_body = g_strdup (p->request_body);
  return c;
}

static GpmTestPodPhoto *
photo_copy (const GpmTestPodPhoto *p)
{
  GpmTestPodPhoto *c = g_new0 (GpmTestPodPhoto, 1);

  *c = *p;
  c->guid = g_strdup (p->guid);
  c->author = g_strdup (p->author);
  c->post_guid = g_strdup (p->post_guid);
  return c;
}

static GpmTestPodComment *
comment_copy (const GpmTestPodComment *c)
{
  GpmTestPodComment *copy = g_memdup2 (c, sizeof *c);

  copy->guid = g_strdup (c->guid);
  copy->post_guid = g_strdup (c->post_guid);
  copy->author = g_strdup (c->author);
  copy->text = g_strdup (c->text);
  return copy;
}

static void
dump_json_locked (GpmTestPod *self, JsonBuilder *b)
{
  json_builder_begin_object (b);
  gpm_test_json_member_begin_array (b, "posts");
  for (guint i = 0; i < self->posts->len; i++)
    {
      StoredPost *sp = g_ptr_array_index (self->posts, i);
      GpmTestPodPost *p = sp->post;

      json_builder_begin_object (b);
      gpm_test_json_member_int (b, "id", p->id);
      gpm_test_json_member_string (b, "guid", p->guid);
      gpm_test_json_member_string (b, "author", p->author);
      gpm_test_json_member_string (b, "text", p->text);
      gpm_test_json_member_boolean (b, "public", p->is_public);
      gpm_test_json_member_begin_array (b, "aspect_ids");
      for (guint j = 0; j < p->aspect_ids->len; j++)
        json_builder_add_int_value (b, g_array_index (p->aspect_ids, gint64, j));
      json_builder_end_array (b);
      gpm_test_json_member_strings (b, "photos", p->photo_guids);
      gpm_test_json_member_string_or_null (b, "poll_question", p->poll_question);
      gpm_test_json_member_strings (b, "poll_answers", p->poll_answers);
      gpm_test_json_member_string_or_null (b, "location_address", p->location_address);
      gpm_test_json_member_double (b, "lat", p->latitude);
      gpm_test_json_member_double (b, "lng", p->longitude);
      gpm_test_json_member_string_or_null (b, "provider_display_name", p->provider_display_name);
      gpm_test_json_member_boolean (b, "via_api", p->via_api);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  gpm_test_json_member_begin_array (b, "photos");
  for (guint i = 0; i < self->photos->len; i++)
    {
      GpmTestPodPhoto *ph = g_ptr_array_index (self->photos, i);

      json_builder_begin_object (b);
      gpm_test_json_member_int (b, "id", ph->id);
      gpm_test_json_member_string (b, "guid", ph->guid);
      gpm_test_json_member_string (b, "author", ph->author);
      gpm_test_json_member_int (b, "size", ph->size);
      gpm_test_json_member_boolean (b, "pending", ph->pending);
      gpm_test_json_member_string_or_null (b, "post", ph->post_guid);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  gpm_test_json_member_begin_array (b, "comments");
  for (guint i = 0; i < self->comments->len; i++)
    {
      GpmTestPodComment *c = g_ptr_array_index (self->comments, i);

      json_builder_begin_object (b);
      gpm_test_json_member_string (b, "guid", c->guid);
      gpm_test_json_member_string (b, "post", c->post_guid);
      gpm_test_json_member_string (b, "author", c->author);
      gpm_test_json_member_string (b, "text", c->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  gpm_test_json_member_int (b, "requests", self->paths->len);
  /* each account's aspects: {"USER": [{"id", "name"}, …]} */
  gpm_test_json_member_begin_object (b, "aspects");
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->users);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        User *u = value;

        gpm_test_json_member_begin_array (b, u->username);
        for (guint i = 0; i < u->aspects->len; i++)
          {
            Aspect *a = g_ptr_array_index (u->aspects, i);

            json_builder_begin_object (b);
            _gpm_test_pod_aspect_members (b, a);
            json_builder_end_object (b);
          }
        json_builder_end_array (b);
      }
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static gboolean
fault_kind_from_string (const char *s, GpmTestPodFault *out)
{
  static const struct { const char *name; GpmTestPodFault kind; } kinds[] = {
    { "status", GPM_TEST_POD_FAULT_STATUS },
    { "rate-limit", GPM_TEST_POD_FAULT_RATE_LIMIT },
    { "slow", GPM_TEST_POD_FAULT_SLOW },
    { "close-after-store", GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE },
    { "expire-session", GPM_TEST_POD_FAULT_EXPIRE_SESSION },
    { "expire-token", GPM_TEST_POD_FAULT_EXPIRE_TOKEN },
    { "null-id", GPM_TEST_POD_FAULT_NULL_ID },
    { "huge", GPM_TEST_POD_FAULT_HUGE },
    { "cleanup-photos", GPM_TEST_POD_FAULT_CLEANUP_PHOTOS },
    { "save-then-status", GPM_TEST_POD_FAULT_SAVE_THEN_STATUS },
    { "late-save", GPM_TEST_POD_FAULT_LATE_SAVE },
    { "empty-answer", GPM_TEST_POD_FAULT_EMPTY_ANSWER },
    { "go-down", GPM_TEST_POD_FAULT_GO_DOWN },
  };

  for (guint i = 0; s && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (s, kinds[i].name))
      {
        *out = kinds[i].kind;
        return TRUE;
      }
  return FALSE;
}

void
_gpm_test_pod_handle_test_api (GpmTestPod *self, SoupServerMessage *msg, const char *method, const char *path)
{
  g_autoptr(JsonObject) body = NULL;

  if (g_str_equal (path, "/_test/dump"))
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      dump_json_locked (self, b);
      _gpm_test_pod_respond_builder (msg, 200, b);
      return;
    }
  if (!g_str_equal (method, "POST"))
    {
      _gpm_test_pod_respond (msg, 405, "text/plain", "POST only\n");
      return;
    }
  body = _gpm_test_pod_request_json (msg);
  if (body == NULL)
    {
      _gpm_test_pod_respond (msg, 400, "text/plain", "JSON body expected\n");
      return;
    }
  if (g_str_equal (path, "/_test/fault"))
    {
      GpmTestPodFault kind;

      if (!fault_kind_from_string (_gpm_test_pod_jstr (body, "kind"), &kind))
        {
          _gpm_test_pod_respond (msg, 400, "text/plain", "unknown fault kind\n");
          return;
        }
      _gpm_test_pod_inject_fault_locked (self, _gpm_test_pod_jstr (body, "path"), kind,
                                         json_object_has_member (body, "param") ? json_object_get_int_member (body, "param") : 0,
                                         json_object_has_member (body, "count") ? json_object_get_int_member (body, "count") : 1);
      _gpm_test_pod_respond (msg, 200, "application/json", "{\"ok\":true}");
    }
  else if (g_str_equal (path, "/_test/cleanup"))
    {
      g_autofree char *answer = NULL;
      gint64 older = json_object_has_member (body, "older_than") ? json_object_get_int_member (body, "older_than")
                                                                 : 24 * 3600;

      answer = g_strdup_printf ("{\"destroyed\":%u}", _gpm_test_pod_cleanup_pending_photos_locked (self, older * G_USEC_PER_SEC));
      _gpm_test_pod_respond (msg, 200, "application/json", answer);
    }
  else if (g_str_equal (path, "/_test/user"))
    {
      g_autofree char *guid = NULL;
      g_autofree char *answer = NULL;

      if (_gpm_test_pod_jstr (body, "username") == NULL || _gpm_test_pod_jstr (body, "password") == NULL)
        {
          _gpm_test_pod_respond (msg, 400, "text/plain", "username and password expected\n");
          return;
        }
      _gpm_test_pod_add_user_locked (self, _gpm_test_pod_jstr (body, "username"), _gpm_test_pod_jstr (body, "password"), _gpm_test_pod_jstr (body, "otp"), &guid);
      answer = g_strdup_printf ("{\"guid\":\"%s\"}", guid);
      _gpm_test_pod_respond (msg, 200, "application/json", answer);
    }
  else if (g_str_equal (path, "/_test/aspect"))
    {
      gint64 id;
      g_autofree char *answer = NULL;

      if (_gpm_test_pod_jstr (body, "username") == NULL || _gpm_test_pod_jstr (body, "name") == NULL
          || (id = _gpm_test_pod_add_aspect_locked (self, _gpm_test_pod_jstr (body, "username"), _gpm_test_pod_jstr (body, "name"))) < 0)
        {
          _gpm_test_pod_respond (msg, 400, "text/plain", "known username and name expected\n");
          return;
        }
      answer = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT "}", id);
      _gpm_test_pod_respond (msg, 200, "application/json", answer);
    }
  else if (g_str_equal (path, "/_test/browser"))
    {
      g_free (self->browser_user);
      self->browser_user = g_strdup (_gpm_test_pod_jstr (body, "username"));
      self->browser_approves = !json_object_has_member (body, "approve")
        || json_object_get_boolean_member (body, "approve");
      _gpm_test_pod_respond (msg, 200, "application/json", "{\"ok\":true}");
    }
  else
    _gpm_test_pod_respond (msg, 404, "text/plain", "not found\n");
}

GPtrArray *
gpm_test_pod_dup_posts (GpmTestPod *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_post_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->posts->len; i++)
    g_ptr_array_add (out, post_copy (((StoredPost *) g_ptr_array_index (self->posts, i))->post));
  g_mutex_unlock (&self->lock);
  return out;
}

GPtrArray *
gpm_test_pod_dup_photos (GpmTestPod *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_photo_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->photos->len; i++)
    g_ptr_array_add (out, photo_copy (g_ptr_array_index (self->photos, i)));
  g_mutex_unlock (&self->lock);
  return out;
}

GPtrArray *
gpm_test_pod_dup_comments (GpmTestPod *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gpm_test_pod_comment_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->comments->len; i++)
    g_ptr_array_add (out, comment_copy (g_ptr_array_index (self->comments, i)));
  g_mutex_unlock (&self->lock);
  return out;
}

guint
gpm_test_pod_count_posts (GpmTestPod *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->posts->len;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
gpm_test_pod_count_requests (GpmTestPod *self, const char *path_prefix)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->paths->len; i++)
    if (path_prefix == NULL || g_str_has_prefix (g_ptr_array_index (self->paths, i), path_prefix))
      n++;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
gpm_test_pod_count_csrf_fail_mails (GpmTestPod *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->csrf_fail_mails;
}

char *
gpm_test_pod_dump_json (GpmTestPod *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  g_mutex_lock (&self->lock);
  dump_json_locked (self, b);
  g_mutex_unlock (&self->lock);
  node = json_builder_get_root (b);
  return json_to_string (node, TRUE);
}

gboolean
gpm_test_pod_add_comment (GpmTestPod *self, const char *post_guid, const char *username, const char *text)
{
  User *u;
  StoredPost *sp = NULL;
  gboolean ok = FALSE;

  g_mutex_lock (&self->lock);
  u = _gpm_test_pod_user_by_name (self, username);
  for (guint i = 0; i < self->posts->len && u; i++)
    if (g_str_equal (((StoredPost *) g_ptr_array_index (self->posts, i))->post->guid, post_guid))
      sp = g_ptr_array_index (self->posts, i);
  if (u && sp)
    ok = _gpm_test_pod_store_comment (self, sp, u, text, FALSE) != NULL;
  g_mutex_unlock (&self->lock);
  return ok;
}

guint
gpm_test_pod_cleanup_pending_photos (GpmTestPod *self, guint older_than_seconds)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = _gpm_test_pod_cleanup_pending_photos_locked (self, (gint64) older_than_seconds * G_USEC_PER_SEC);
  g_mutex_unlock (&self->lock);
  return n;
}
