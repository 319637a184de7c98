/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pod-content.c: what the diaspora* client (gpm-pod) sends and reads
 * back on the pod double, through the web session and API v1 alike:
 * aspects (listing, creating), posts with photos, polls and locations,
 * limited posts, the text limit, the account's own posts. */
#define G_LOG_DOMAIN "test-pod"

#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "gpm-util.h"
#include "test-pod-common.h"

/* ------------------------------------------------------ aspects and posts */

/* 22 bytes that start as a JPEG does and are none */
static GBytes *
not_a_jpeg (void)
{
  return g_bytes_new_static ("\xff\xd8\xff\xe0 not really a jpeg", 22);
}

static void
test_aspects (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  GpmPodAspect *a;

  /* more than one API page (15) */
  for (int i = 0; i < 16; i++)
    {
      g_autofree char *name = g_strdup_printf ("Circle %02d", i);
      gpm_test_pod_add_aspect (f->tp, "alice", name);
    }
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 18);
  a = g_ptr_array_index (aspects, 0);
  g_assert_cmpint (a->id, ==, f->friends);
  g_assert_cmpstr (a->name, ==, "Friends");
  a = g_ptr_array_index (aspects, 17);
  g_assert_cmpstr (a->name, ==, "Circle 15");
}

static const char *
aspects_path (GpmPod *pod)
{
  return gpm_pod_get_auth (pod) == GPM_POD_AUTH_API ? "/api/v1/aspects" : "/aspects";
}

static void
test_create_aspect (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;
  g_autoptr(GpmPodAspect) wide = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  GpmPodAspect *last;
  const char *path = aspects_path (pod);
  /* 20 characters, 40 bytes: diaspora counts characters */
  const char *twenty = "Ääääääääääääääääääää";
  const char *refused[] = { "", "   ", "Twenty-one characters", NULL };
  guint n_requests;

  /* stripped as Aspect's before_validation does */
  made = gpm_pod_create_aspect (pod, "  Old Schoolmates \t", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpstr (made->name, ==, "Old Schoolmates");
  g_assert_cmpint (made->id, >, 0);
  g_assert_cmpint (made->id, !=, f->friends);
  g_assert_cmpint (made->id, !=, f->family);

  /* it is one of the account's aspects now, last */
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 3);
  last = g_ptr_array_index (aspects, 2);
  g_assert_cmpint (last->id, ==, made->id);
  g_assert_cmpstr (last->name, ==, "Old Schoolmates");

  /* unique per account, whatever the case: the pod refuses, and the error
   * says why (the web answers an empty 422) */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GpmPodAspect) again = gpm_pod_create_aspect (pod, i == 0 ? "old schoolmates" : "FRIENDS",
                                                             NULL, &error);

      g_assert_null (again);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NAME_TAKEN);
      g_assert_nonnull (strstr (error->message, i == 0 ? "Old Schoolmates" : "Friends"));
      g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 422);
      g_clear_error (&error);
    }
  n_requests = gpm_test_pod_count_requests (f->tp, path);

  /* empty and too long: refused before sending */
  for (guint i = 0; refused[i] != NULL; i++)
    {
      g_autoptr(GpmPodAspect) none = gpm_pod_create_aspect (pod, refused[i], NULL, &error);

      g_assert_null (none);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NAME_INVALID);
      g_clear_error (&error);
    }
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, path), ==, n_requests);

  wide = gpm_pod_create_aspect (pod, twenty, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wide->name, ==, twenty);

  g_clear_pointer (&aspects, g_ptr_array_unref);
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 4);
}

/* The answer never came, but the pod made it: the aspect list says so */
static void
test_create_aspect_no_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;
  g_autoptr(GPtrArray) aspects = NULL;

  gpm_test_pod_inject_fault (f->tp, aspects_path (pod), GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, 1);
  made = gpm_pod_create_aspect (pod, "Neighbours", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpstr (made->name, ==, "Neighbours");
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 3);
  g_assert_cmpint (((GpmPodAspect *) g_ptr_array_index (aspects, 2))->id, ==, made->id);
}

static void
test_create_aspect_not_signed_in (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = gpm_pod_create_aspect (pod, "Neighbours", NULL, &error);

  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_SIGNED_IN);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/aspects"), ==, 0);
}

/* A 0.7.18.2 pod: the same AspectsController#create on the web session */
static void
test_create_aspect_0_7 (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;

  gpm_test_pod_set_api_enabled (f->tp, FALSE);
  pod = web_pod (f);
  made = gpm_pod_create_aspect (pod, "Neighbours", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (made->name, ==, "Neighbours");
}

/* A token from before the client asked for contacts:modify */
static void
test_create_aspect_old_token (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = api_pod (f);
  g_autoptr(GpmPod) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;
  g_autoptr(GPtrArray) aspects = NULL;

  gpm_test_pod_remove_token_scope (f->tp, "contacts:modify");
  made = gpm_pod_create_aspect (pod, "Neighbours", NULL, &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NOT_PERMITTED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 403);
  g_assert_nonnull (strstr (error->message, "Sign in to the pod again"));
  g_clear_error (&error);
  /* reading still works (contacts:read) */
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 2);

  /* a new sign-in asks for the scope */
  again = api_pod (f);
  made = gpm_pod_create_aspect (again, "Neighbours", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (made->name, ==, "Neighbours");
}

/* The kept session says what it was authorized for: one kept before the
 * client asked for contacts:modify still signs in, and says it lacks it */
static void
test_api_secret_scopes (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = api_pod (f);
  g_autoptr(GpmPod) restored = new_pod (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = gpm_pod_dup_api_secret (pod);
  g_autofree char *old = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  g_assert_true (gpm_pod_api_secret_has_scopes (secret));
  g_assert_true (json_parser_load_from_data (parser, secret, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_nonnull (strstr (json_object_get_string_member (o, "scope"), "contacts:modify"));
  json_object_remove_member (o, "scope");
  old = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_false (gpm_pod_api_secret_has_scopes (old));
  g_assert_false (gpm_pod_api_secret_has_scopes (NULL));

  g_assert_true (gpm_pod_sign_in_api_secret (restored, old, NULL, &error));
  g_assert_no_error (error);
  again = gpm_pod_dup_api_secret (restored);
  g_assert_false (gpm_pod_api_secret_has_scopes (again));
}

static void
test_create_aspect_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodAspect) made = NULL;

  gpm_pod_create_aspect_async (pod, "Neighbours", NULL, store_result, &result);
  made = gpm_pod_create_aspect_finish (pod, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (made->name, ==, "Neighbours");
  g_clear_pointer (&made, gpm_pod_aspect_unref);
  g_clear_object (&result);

  gpm_pod_create_aspect_async (pod, "neighbours", NULL, store_result, &result);
  made = gpm_pod_create_aspect_finish (pod, wait_result (&result), &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NAME_TAKEN);
}

static void
test_public_post_with_photos (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = not_a_jpeg ();
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Hello from G+ #repost\n\nOriginally posted on Google+");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  GpmTestPodPost *p;

  id1 = gpm_pod_upload_photo (pod, jpeg, "a.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  id2 = gpm_pod_upload_photo (pod, jpeg, "b.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id1, !=, id2);
  photos = gpm_test_pod_dup_photos (f->tp);
  g_assert_cmpuint (photos->len, ==, 2);
  g_assert_true (((GpmTestPodPhoto *) g_ptr_array_index (photos, 0))->pending);
  g_assert_cmpuint (((GpmTestPodPhoto *) g_ptr_array_index (photos, 0))->size, ==, 22);
  g_clear_pointer (&photos, g_ptr_array_unref);

  draft->is_public = TRUE;
  g_ptr_array_add (draft->photo_ids, g_strdup (id1));
  g_ptr_array_add (draft->photo_ids, g_strdup (id2));
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made->guid);
  g_assert_true (made->is_public);
  g_assert_cmpstr (made->text, ==, draft->text);

  p = only_post (f, &posts);
  g_assert_cmpstr (p->guid, ==, made->guid);
  g_assert_cmpstr (p->text, ==, draft->text);
  g_assert_true (p->is_public);
  g_assert_cmpuint (p->photo_guids->len, ==, 2);
  g_assert_cmpuint (p->aspect_ids->len, ==, 0);
  if (!p->via_api)
    g_assert_cmpstr (p->provider_display_name, ==, "G+ repost");
  photos = gpm_test_pod_dup_photos (f->tp);
  for (guint i = 0; i < photos->len; i++)
    {
      GpmTestPodPhoto *ph = g_ptr_array_index (photos, i);
      g_assert_false (ph->pending);
      g_assert_cmpstr (ph->post_guid, ==, made->guid);
    }
}

/* diaspora's daily cleanup destroys pending photos; a post request naming
 * one is saved without it on the web (201) and refused by the API (422).
 * The answer shows how many photos the post really got, and a post can be
 * deleted (a second delete finds it gone and still succeeds). */
static void
test_photos_cleaned_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = not_a_jpeg ();
  g_autofree char *kept = NULL;
  g_autofree char *gone = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Two photos, one cleaned up");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  gone = gpm_pod_upload_photo (pod, jpeg, "gone.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  /* younger than a day: the real schedule keeps it */
  g_assert_cmpuint (gpm_test_pod_cleanup_pending_photos (f->tp, 24 * 3600), ==, 0);
  g_assert_cmpuint (gpm_test_pod_cleanup_pending_photos (f->tp, 0), ==, 1);
  kept = gpm_pod_upload_photo (pod, jpeg, "kept.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);

  draft->is_public = TRUE;
  g_ptr_array_add (draft->photo_ids, g_strdup (kept));
  g_ptr_array_add (draft->photo_ids, g_strdup (gone));
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  if (api)
    {
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
      g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 422);
      g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpint (made->n_photos, ==, 1);
  g_assert_cmpuint (only_post (f, &posts)->photo_guids->len, ==, 1);

  g_assert_true (gpm_pod_delete_post (pod, made->guid, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
  /* again, the async way: already gone is fine */
  {
    g_autoptr(GAsyncResult) result = NULL;

    gpm_pod_delete_post_async (pod, made->guid, NULL, store_result, &result);
    g_assert_true (gpm_pod_delete_post_finish (pod, wait_result (&result), &error));
    g_assert_no_error (error);
  }
}

/* An image the pod's processing cannot read: 500 on the web path (not
 * among the errors photos_controller.rb rescues), 422 through the API. */
static void
test_corrupt_image (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) corrupt = not_a_jpeg ();
  g_autofree char *id = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  gpm_test_pod_set_check_images (f->tp, TRUE);
  id = gpm_pod_upload_photo (pod, corrupt, "broken.jpg", "image/jpeg", NULL, &error);
  g_assert_null (id);
  if (api)
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  else
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, api ? 422 : 500);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, api ? "/api/v1/photos" : "/photos"), ==, 1);
}

/* A proxy's body limit (nginx client_max_body_size): 413, once. */
static void
test_body_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (64 * 1024), 64 * 1024);
  g_autofree char *id = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  gpm_test_pod_set_body_limit (f->tp, 32 * 1024);
  id = gpm_pod_upload_photo (pod, big, "big.jpg", "image/jpeg", NULL, &error);
  g_assert_null (id);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 413);
  /* no second try the raw way: it is just as large */
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, api ? "/api/v1/photos" : "/photos"), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
}

/* The web path takes photo ids that are attached to another post away
 * from it (no pending filter); the API refuses them. */
static void
test_photos_moved (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = not_a_jpeg ();
  g_autofree char *id = NULL;
  g_autoptr(GpmPodDraft) first = gpm_pod_draft_new ("First");
  g_autoptr(GpmPodDraft) second = gpm_pod_draft_new ("Second");
  g_autoptr(GpmPodPost) a = NULL;
  g_autoptr(GpmPodPost) b = NULL;
  g_autoptr(GPtrArray) own = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  id = gpm_pod_upload_photo (pod, jpeg, "a.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  first->is_public = second->is_public = TRUE;
  g_ptr_array_add (first->photo_ids, g_strdup (id));
  g_ptr_array_add (second->photo_ids, g_strdup (id));
  a = gpm_pod_create_post (pod, first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->n_photos, ==, 1);
  b = gpm_pod_create_post (pod, second, NULL, &error);
  if (api)
    {
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (b->n_photos, ==, 1);
  own = gpm_pod_list_own_posts (pod, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (own->len, ==, 2);
  for (guint i = 0; i < own->len; i++)
    {
      GpmPodPost *p = g_ptr_array_index (own, i);

      g_assert_cmpint (p->n_photos, ==, g_str_equal (p->guid, b->guid) ? 1 : 0);
    }
}

/* A pod that refuses the multipart form gets the raw upload (diaspy's way). */
/* Takeout names with accents and ( ) [ ] ' = @ ; reach the pod as files:
 * the test pod parses Content-Disposition the way rack 2.2 does. */
static void
test_photo_file_names (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GBytes) jpeg = not_a_jpeg ();
  const char *names[] = { "Été à Paris(1).jpg", "[x] l'été=@;.JPEG", "Фото (2).png", "日本.jpg",
                          "a \"quoted\" \\ name.jpg", "(1)", "" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *id = gpm_pod_upload_photo (pod, jpeg, names[i], "image/jpeg", NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (id);
    }
  {
    g_autoptr(GPtrArray) photos = gpm_test_pod_dup_photos (f->tp);
    g_assert_cmpuint (photos->len, ==, G_N_ELEMENTS (names));
  }
}

static void
test_upload_file_name (void)
{
  struct { const char *in, *out; } cases[] = {
    { "Été à Paris(1).jpg", "Ete_a_Paris_1.jpg" },
    { "[x] l'été=@;.JPEG", "x_l_ete.jpeg" },
    { "Takeout/Google+ Stream/Photos/IMG_0001.JPG", "IMG_0001.jpg" },
    { "日本.jpg", "photo.jpg" },
    { "", "photo" },
    { "no extension", "no_extension" },
    { "archive.tar.gz", "archive.tar.gz" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = gpm_pod_upload_file_name (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

/* diaspora takes a photo by its name's extension (jpg jpeg png gif; CarrierWave,
 * app/uploaders/unprocessed_image.rb): a name without one, or with another,
 * gets its type's. The test pod refuses the others, as diaspora does
 * (test_photo_file_names uploads "(1)" and ""). */
static void
test_photo_file_name (void)
{
  struct { const char *in, *type, *out; } cases[] = {
    { "IMG_0001.jpg", "image/jpeg", "IMG_0001.jpg" },
    { "IMG_0001.JPEG", "image/jpeg", "IMG_0001.JPEG" },
    { "IMG_0001.png", "image/jpeg", "IMG_0001.png" },        /* the pod reads the bytes */
    { "IMG_0001", "image/jpeg", "IMG_0001.jpg" },
    { "(1)", "image/png", "(1).png" },
    { "scan.jfif", "image/jpeg", "scan.jpg" },
    { "Mr. Smith at home", "image/gif", "Mr. Smith at home.gif" },
    { "", "image/jpeg", "photo.jpg" },
    { "drawing.bmp", "image/bmp", "drawing.bmp" },           /* no type the pod takes: as it is */
    { "blob", "application/octet-stream", "blob" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = gpm_pod_photo_file_name (cases[i].in, cases[i].type);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_web_raw_upload (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xe0 raw", 8);
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) photos = NULL;

  gpm_test_pod_inject_fault (f->tp, "/photos", GPM_TEST_POD_FAULT_STATUS, 422, 1);
  id = gpm_pod_upload_photo (pod, jpeg, "raw.jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  photos = gpm_test_pod_dup_photos (f->tp);
  g_assert_cmpuint (photos->len, ==, 1);
  g_assert_cmpuint (((GpmTestPodPhoto *) g_ptr_array_index (photos, 0))->size, ==, 8);
  g_assert_true (((GpmTestPodPhoto *) g_ptr_array_index (photos, 0))->pending);

  /* refused both ways: the first refusal is reported */
  g_clear_pointer (&id, g_free);
  gpm_test_pod_inject_fault (f->tp, "/photos", GPM_TEST_POD_FAULT_STATUS, 422, 2);
  id = gpm_pod_upload_photo (pod, jpeg, "raw.jpg", "image/jpeg", NULL, &error);
  g_assert_null (id);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "raw.jpg"));
  g_clear_error (&error);

  /* an empty file: photos_controller answers 200 with success false */
  {
    g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
    id = gpm_pod_upload_photo (pod, empty, "empty.jpg", "image/jpeg", NULL, &error);
    g_assert_null (id);
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
    g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 200);
    g_assert_nonnull (strstr (error->message, "Are you sure an image was added?"));
  }
}

static void
test_limited_post (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Only for family");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  GpmTestPodPost *p;

  /* no aspect: refused before anything is sent */
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_clear_error (&error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);

  /* an aspect that is not the account's: the pod refuses */
  {
    gint64 bogus = 987654;
    g_array_append_val (draft->aspect_ids, bogus);
    made = gpm_pod_create_post (pod, draft, NULL, &error);
    g_assert_null (made);
    g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
    g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 422);
    g_clear_error (&error);
    g_array_set_size (draft->aspect_ids, 0);
  }

  g_array_append_val (draft->aspect_ids, f->family);
  g_array_append_val (draft->aspect_ids, f->friends);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (made->is_public);
  p = only_post (f, &posts);
  g_assert_false (p->is_public);
  g_assert_cmpuint (p->aspect_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (p->aspect_ids, gint64, 0), ==, f->family);
  g_assert_cmpint (g_array_index (p->aspect_ids, gint64, 1), ==, f->friends);
}

static void
test_poll_and_location (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Which one?");
  g_autoptr(GpmPodDraft) copy = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  GpmTestPodPost *p;

  draft->is_public = TRUE;
  draft->poll_question = g_strdup ("Tea or coffee?");
  g_ptr_array_add (draft->poll_answers, g_strdup ("Tea"));
  g_ptr_array_add (draft->poll_answers, g_strdup ("Coffee"));
  draft->location_address = g_strdup ("Kiel, Germany");
  draft->has_coordinates = TRUE;
  draft->latitude = 54.3233;
  draft->longitude = 10.1228;
  copy = gpm_pod_draft_copy (draft);
  made = gpm_pod_create_post (pod, copy, NULL, &error);
  g_assert_no_error (error);
  p = only_post (f, &posts);
  g_assert_cmpstr (p->poll_question, ==, "Tea or coffee?");
  g_assert_cmpuint (p->poll_answers->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (p->poll_answers, 1), ==, "Coffee");
  g_assert_cmpstr (p->location_address, ==, "Kiel, Germany");
  g_assert_cmpfloat_with_epsilon (p->latitude, 54.3233, 1e-9);
  g_assert_cmpfloat_with_epsilon (p->longitude, 10.1228, 1e-9);
  /* Fixed precision, never %.17g's 54.323300000000003. */
  g_assert_true (strstr (p->request_body, "54.323300,10.122800") != NULL       /* web: location_coords */
                 || strstr (p->request_body, "\"lat\":54.323300,\"lng\":10.122800") != NULL);  /* API */
  g_assert_null (strstr (p->request_body, "54.3233000"));
}

/* diaspora validates every poll answer's presence and at least two of them
 * (app/models/poll_answer.rb:10, poll.rb:16,23-25); a post whose poll does
 * not validate is not saved (web: rendered with "id": null; API: 422 for a
 * blank answer, posts_controller.rb:91-93). The migrator sends only
 * answers with words (test-migrator /migrator/poll-location). */
static void
test_poll_blank_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Which one?");
  g_autoptr(GpmPodPost) made = NULL;

  draft->is_public = TRUE;
  draft->poll_question = g_strdup ("Tea or coffee?");
  g_ptr_array_add (draft->poll_answers, g_strdup ("Tea"));
  g_ptr_array_add (draft->poll_answers, g_strdup ("  "));
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_null (made);
  g_assert_nonnull (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
  g_clear_error (&error);

  /* on MySQL an answer holds 255 characters (poll_answers.answer is a
   * string column): the migrator cuts longer ones */
  gpm_test_pod_set_mysql (f->tp, TRUE);
  g_free (g_ptr_array_index (draft->poll_answers, 1));
  g_ptr_array_index (draft->poll_answers, 1) = g_strnfill (256, 'c');
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_null (made);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_free (g_ptr_array_index (draft->poll_answers, 1));
  g_ptr_array_index (draft->poll_answers, 1) = g_strnfill (255, 'c');
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* diaspora drops a location without coordinates without a word
 * (app/models/location.rb:5): the test pod does too, and saves the post. */
static void
test_location_without_coordinates (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("Somewhere");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  GpmTestPodPost *p;

  draft->is_public = TRUE;
  draft->location_address = g_strdup ("Kiel harbour");
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  p = only_post (f, &posts);
  g_assert_cmpstr (p->text, ==, "Somewhere");
  g_assert_nonnull (strstr (p->request_body, "Kiel harbour"));
  g_assert_null (p->location_address);
}

static char *
text_of_length (glong chars)
{
  GString *s = g_string_new (NULL);

  /* multi-byte characters: the limit is in characters, not bytes */
  for (glong i = 0; i < chars; i++)
    g_string_append (s, i % 2 ? "ä" : "a");
  return g_string_free (s, FALSE);
}

static void
test_text_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *max = text_of_length (GPM_DIASPORA_MAX_TEXT_CHARS);
  g_autofree char *over = text_of_length (GPM_DIASPORA_MAX_TEXT_CHARS + 1);
  g_autoptr(GpmPodPost) made = NULL;
  guint sent;

  sent = gpm_test_pod_count_requests (f->tp, NULL);
  made = post_public (pod, over, &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_TEXT_TOO_LONG);
  g_assert_false (gpm_pod_error_is_transient (error));
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, NULL), ==, sent);
  g_clear_error (&error);

  made = post_public (pod, max, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* A hashtag over 255 characters fails the post on diaspora*
 * (lib/diaspora/taggable.rb:17-20; the test pod answers it unsaved): the
 * client says so without sending it (not "too long"); with its '#'
 * escaped (what the converter does) the post goes through. */
static void
test_long_hashtag (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("A tag #");
  g_autofree char *escaped = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GpmPodPost) comment = NULL;
  g_autoptr(GPtrArray) keep = NULL;
  guint n = 0;
  guint sent;

  for (int i = 0; i < 256; i++)
    g_string_append (text, "ü");
  g_string_append (text, " and #ok");
  sent = gpm_test_pod_count_requests (f->tp, NULL);
  made = post_public (pod, text->str, &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "hashtag"));
  g_assert_false (gpm_pod_error_is_transient (error));
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, NULL), ==, sent);
  g_clear_error (&error);

  escaped = gpm_escape_long_hashtags (text->str, &n, NULL);
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (g_str_has_prefix (escaped, "A tag \\#ü"));
  made = post_public (pod, escaped, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpstr (only_post (f, &keep)->text, ==, escaped);

  /* comments are taggable too (app/models/comment.rb:14,20) */
  comment = gpm_pod_create_comment (pod, made->guid, text->str, NULL, &error);
  g_assert_null (comment);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
}

static void
test_null_id (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;

  gpm_test_pod_inject_fault (f->tp, NULL, GPM_TEST_POD_FAULT_NULL_ID, 0, 1);
  made = post_public (pod, "stored nothing", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_TEXT_TOO_LONG);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
}

static void
test_own_posts (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GpmPodPost) found = NULL;

  for (int i = 0; i < 20; i++)
    {
      g_autofree char *text = g_strdup_printf ("post number %d\n", i);
      g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (text);
      g_autoptr(GpmPodPost) made = NULL;

      draft->is_public = i % 2 == 0;
      if (!draft->is_public)
        g_array_append_val (draft->aspect_ids, f->friends);
      made = gpm_pod_create_post (pod, draft, NULL, &error);
      g_assert_no_error (error);
      /* distinct seconds are not needed: pages overlap by design */
    }
  mine = gpm_pod_list_own_posts (pod, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 10);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (mine, 0))->text, ==, "post number 19\n");

  /* the newest match, trailing whitespace and \r ignored */
  found = gpm_pod_find_own_post (pod, "post number 17\r\n", 15, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_false (found->is_public);
  g_clear_pointer (&found, gpm_pod_post_unref);
  found = gpm_pod_find_own_post (pod, "never posted", 15, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

static void
test_own_posts_paging (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = NULL;

  for (int i = 0; i < 18; i++)
    {
      g_autofree char *text = g_strdup_printf ("paged %d", i);
      g_autoptr(GpmPodPost) made = post_public (pod, text, &error);

      g_assert_no_error (error);
      if (i == 2)
        g_usleep (1100 * 1000); /* web paging is by whole seconds (max_time) */
    }
  mine = gpm_pod_list_own_posts (pod, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 18);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (mine, 17))->text, ==, "paged 0");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pod/upload-file-name", test_upload_file_name);
  g_test_add_func ("/pod/photo-file-name", test_photo_file_name);
  pod_test_add ("/pod/web/raw-upload", (GTestFixtureFunc) test_web_raw_upload, NULL);
  ADD_BOTH ("aspects", test_aspects);
  ADD_BOTH ("create-aspect", test_create_aspect);
  ADD_BOTH ("create-aspect-no-answer", test_create_aspect_no_answer);
  ADD_BOTH ("create-aspect-async", test_create_aspect_async);
  pod_test_add ("/pod/create-aspect-not-signed-in", (GTestFixtureFunc) test_create_aspect_not_signed_in, NULL);
  pod_test_add ("/pod/web/create-aspect-0.7", (GTestFixtureFunc) test_create_aspect_0_7, NULL);
  pod_test_add ("/pod/api/create-aspect-old-token", (GTestFixtureFunc) test_create_aspect_old_token, NULL);
  pod_test_add ("/pod/api/secret-scopes", (GTestFixtureFunc) test_api_secret_scopes, NULL);
  ADD_BOTH ("public-post-with-photos", test_public_post_with_photos);
  ADD_BOTH ("photo-file-names", test_photo_file_names);
  ADD_BOTH ("photos-cleaned-up", test_photos_cleaned_up);
  ADD_BOTH ("photos-moved", test_photos_moved);
  ADD_BOTH ("corrupt-image", test_corrupt_image);
  ADD_BOTH ("body-limit", test_body_limit);
  ADD_BOTH ("limited-post", test_limited_post);
  ADD_BOTH ("poll-and-location", test_poll_and_location);
  ADD_BOTH ("poll-blank-answer", test_poll_blank_answer);
  ADD_BOTH ("location-without-coordinates", test_location_without_coordinates);
  ADD_BOTH ("text-limit", test_text_limit);
  ADD_BOTH ("long-hashtag", test_long_hashtag);
  ADD_BOTH ("null-id", test_null_id);
  ADD_BOTH ("own-posts", test_own_posts);
  ADD_BOTH ("own-posts-paging", test_own_posts_paging);

  return g_test_run ();
}
