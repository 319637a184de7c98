/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pod-faults.c: the diaspora* client (gpm-pod) when the pod double
 * misbehaves (server errors, rate limits, a post saved then refused, a
 * closed connection, slow or endless answers, ended sessions and tokens,
 * camo and RTL rewriting), from many threads at once, and through the
 * _async calls. */
#define G_LOG_DOMAIN "test-pod"

#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "test-pod-common.h"

/* ------------------------------------------------------------------ faults */

static const char *
post_path (GpmPod *pod)
{
  return gpm_pod_get_auth (pod) == GPM_POD_AUTH_API ? "/api/v1/posts" : "/status_messages";
}

/* @text posted with @fault (@param) on the next post request: no post comes
 * back (asserted); @error says why */
static void
post_faulted (Fixture *f, GpmPod *pod, GpmTestPodFault fault, guint param, const char *text, GError **error)
{
  g_autoptr(GpmPodPost) made = NULL;

  gpm_test_pod_inject_fault (f->tp, post_path (pod), fault, param, 1);
  made = post_public (pod, text, error);
  g_assert_null (made);
}

/* The pod answers plain_text_for_json: camo rewrites Markdown image URLs,
 * RTL-wrapped hashtags come back plain. The check still finds the post, and
 * counts posts with the same text. */
static void
test_camo_rtl (Fixture *f, gconstpointer data)
{
  static const char text[] = "Look ![a café](https://photos.example/caf%C3%A9.jpg \"t\") and "
                             "<img src=\"http://photos.example/b.png\">\n\u202b#\u200fשלום\u202c #repost";
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GpmPodPost) again = NULL;
  g_autoptr(GpmPodPost) found = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) same = NULL;

  gpm_test_pod_set_camo (f->tp, "https://camo.example", "secret");
  made = post_public (pod, text, &error);
  g_assert_no_error (error);
  own = gpm_pod_list_own_posts (pod, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (own->len, ==, 1);
  /* what the pod answers is not what was sent */
  g_assert_null (strstr (((GpmPodPost *) g_ptr_array_index (own, 0))->text, "https://photos.example"));
  g_assert_nonnull (strstr (((GpmPodPost *) g_ptr_array_index (own, 0))->text, "https://camo.example/"));
  g_assert_nonnull (strstr (((GpmPodPost *) g_ptr_array_index (own, 0))->text, "\n#שלום #repost"));

  found = gpm_pod_find_own_post (pod, text, 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->guid, ==, made->guid);
  g_assert_null (gpm_pod_find_own_post (pod, "Look ![a café](https://photos.example/other.jpg)", 20, NULL, &error));

  again = post_public (pod, text, &error);
  g_assert_no_error (error);
  same = gpm_pod_find_own_posts (pod, text, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (same->len, ==, 2);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (same, 0))->guid, ==, again->guid);
}

/* @text sent as a post limited to Friends (or public) through @pod: the post is found
 * by "did it get created?" after the pod rewrote its mentions, and only it */
static void
assert_found_after_rewrite (Fixture *f, GpmPod *pod, const char *text, gboolean is_public,
                            const char *stored_part)
{
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GpmPodPost) one = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) posts = gpm_test_pod_dup_posts (f->tp);
  g_autoptr(GPtrArray) after = NULL;
  GpmTestPodPost *stored;

  draft->is_public = is_public;
  if (!is_public)
    g_array_append_val (draft->aspect_ids, f->friends);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);
  after = gpm_test_pod_dup_posts (f->tp);
  g_assert_cmpuint (after->len, ==, posts->len + 1);
  stored = g_ptr_array_index (after, after->len - 1);
  /* the pod did rewrite it */
  g_assert_cmpstr (stored->text, !=, text);
  g_assert_nonnull (strstr (stored->text, stored_part));

  found = gpm_pod_find_own_posts (pod, text, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (found, 0))->guid, ==, made->guid);
  one = gpm_pod_find_own_post (pod, text, 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (one);
  g_assert_cmpstr (one->guid, ==, made->guid);
}

/* Mentions a user typed into a limited post are rewritten by the pod after
 * the save (status_message.rb:125-127; the test pod models it): "did it get
 * created?" must still find the post, or it would be sent twice; and a
 * text that differs elsewhere, or names somebody else, is not it. */
static void
test_mentions_rewritten (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  const char *host = gpm_test_pod_get_url (f->tp) + strlen ("http://");
  g_autofree char *text = g_strdup_printf ("Hi @{bob@%s}, @{Carol C; carol@far.example} and "
                                           "@{dave@nowhere.example} (1+1=2)", host);
  g_autofree char *other_person = g_strdup_printf ("Hi @{bob@%s}, @{Carol C; carol@far.example} and "
                                                   "@{erin@nowhere.example} (1+1=2)", host);
  g_autofree char *other_text = g_strdup_printf ("Hi @{bob@%s}, @{Carol C; carol@far.example} and "
                                                 "@{dave@nowhere.example} (1+1=3)", host);
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) none2 = NULL;

  assert_found_after_rewrite (f, pod, text, FALSE, "@[bob](/people/");
  none = gpm_pod_find_own_posts (pod, other_person, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  none2 = gpm_pod_find_own_posts (pod, other_text, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none2->len, ==, 0);
}

/* diaspora 0.7 also writes "@{id}" of a known person as "@{Name; id}", in
 * public posts too (mentions_container.rb:10 at v0.7.18.2). */
static void
test_mentions_rewritten_07 (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = NULL;
  const char *host = gpm_test_pod_get_url (f->tp) + strlen ("http://");
  g_autofree char *text = g_strdup_printf ("Thanks @{bob@%s}!", host);
  g_autofree char *limited = g_strdup_printf ("Only friends, @{bob@%s} @{dave@nowhere.example}", host);

  gpm_test_pod_set_version (f->tp, "0.7.18.2", FALSE);
  pod = web_pod (f);
  assert_found_after_rewrite (f, pod, text, TRUE, "@{bob; bob@");
  assert_found_after_rewrite (f, pod, limited, FALSE, "@[bob](/people/");
}

/* @text posted publicly at the pod time @us */
static void
post_at (Fixture *f, GpmPod *pod, gint64 us, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;

  gpm_test_pod_set_fixed_time (f->tp, us);
  made = post_public (pod, text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
}

/* Every post in @list once, @n of them */
static void
assert_all_once (GPtrArray *list, guint n)
{
  g_autoptr(GHashTable) guids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < list->len; i++)
    g_assert_true (g_hash_table_add (guids, ((GpmPodPost *) g_ptr_array_index (list, i))->guid));
  g_assert_cmpuint (list->len, ==, n);
}

/* Posts that share a time at a page boundary (the same second on a MySQL
 * pod) are all listed: diaspora's API pager links the next page with
 * `before` = the page's oldest time (time_paginator.rb:29-32,92-94), which
 * leaves out those of that time the page had no room for. So "did it get
 * created?" finds a post that is not on the first page. Also a second
 * with more posts than a page. */
static void
test_paging_ties (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) all2 = NULL;
  g_autoptr(GPtrArray) found2 = NULL;
  gint64 t = (g_get_real_time () / G_USEC_PER_SEC - 3600) * G_USEC_PER_SEC;

  gpm_test_pod_set_mysql (f->tp, TRUE);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("older %d", i);
      post_at (f, pod, t - (100 - i) * G_USEC_PER_SEC, text);
    }
  /* three in one second; the first page (15) has room for one of them */
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("tie %d", i);
      post_at (f, pod, t + 250000, text);
    }
  for (int i = 0; i < 14; i++)
    {
      g_autofree char *text = g_strdup_printf ("newer %d", i);
      post_at (f, pod, t + (i + 1) * G_USEC_PER_SEC, text);
    }
  all = gpm_pod_list_own_posts (pod, 100, NULL, &error);
  g_assert_no_error (error);
  assert_all_once (all, 20);
  found = gpm_pod_find_own_posts (pod, "tie 2", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);

  /* more posts in one second than a page holds: the API can page them
   * (per_page up to 100); the web stream's max_time is in whole seconds
   * and its pages have 15 posts, so no client sees them all there */
  if (data != (gconstpointer) api_pod)
    return;
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *text = g_strdup_printf ("burst %d", i);
      post_at (f, pod, t + 60 * G_USEC_PER_SEC, text);
    }
  all2 = gpm_pod_list_own_posts (pod, 100, NULL, &error);
  g_assert_no_error (error);
  assert_all_once (all2, 40);
  found2 = gpm_pod_find_own_posts (pod, "older 0", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found2->len, ==, 1);
}

/* "Did it get created?" looks back as far as it is asked (not a fixed
 * number of posts), and no further. */
static void
test_find_since (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) target = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) none = NULL;
  const char *list_path = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API ? "/api/v1/users/" : "/people/";
  guint before;

  /* a second apart (the web stream pages by whole seconds, like diaspora's max_time) */
  gpm_test_pod_set_time_offset (f->tp, -100);
  target = post_public (pod, "the one to find", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *text = g_strdup_printf ("later post %u", i);
      g_autoptr(GpmPodPost) p = NULL;

      gpm_test_pod_set_time_offset (f->tp, -99 + (gint64) i);
      p = post_public (pod, text, &error);
      g_assert_no_error (error);
    }
  found = gpm_pod_find_own_posts (pod, "the one to find", g_get_real_time () / G_USEC_PER_SEC - 101, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (found, 0))->guid, ==, target->guid);

  before = gpm_test_pod_count_requests (f->tp, list_path);
  none = gpm_pod_find_own_posts (pod, "the one to find", g_get_real_time () / G_USEC_PER_SEC + 60, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, list_path) - before, ==, 1);
}

/* "{}" for a post request: no post named, maybe saved: uncertain, not "refused". */
static void
test_fault_empty_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;

  post_faulted (f, pod, GPM_TEST_POD_FAULT_EMPTY_ANSWER, 0, "empty answer", &error);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

static void
test_fault_server_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  guint codes[] = { 500, 502, 503, 504 };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GError) error = NULL;

      post_faulted (f, pod, GPM_TEST_POD_FAULT_STATUS, codes[i], "five hundred", &error);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER);
      g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, codes[i]);
      g_assert_true (gpm_pod_error_is_transient (error));
      g_assert_true (gpm_pod_error_is_uncertain (error));
    }
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
}

static void
test_fault_rate_limited (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG", 4);

  gpm_test_pod_inject_fault (f->tp, NULL, GPM_TEST_POD_FAULT_RATE_LIMIT, 7, 2);
  made = post_public (pod, "slow down", &error);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED);
  g_assert_cmpuint (gpm_pod_error_get_retry_after (error), ==, 7);
  /* the retry policy waits at least as long as the pod asked */
  g_assert_cmpuint (gpm_pod_retry_delay_ms (error, 0, 100, 1000, NULL), ==, 7000);
  g_clear_error (&error);
  id = gpm_pod_upload_photo (pod, png, "p.png", "image/png", NULL, &error);
  g_assert_null (id);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  /* over: it works again */
  made = post_public (pod, "slow down", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* An exception after the save: 403 (web) or 422 (API), yet the post is there. */
static void
test_fault_saved_then_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) found = NULL;
  gboolean api = gpm_pod_get_auth (pod) == GPM_POD_AUTH_API;

  post_faulted (f, pod, GPM_TEST_POD_FAULT_SAVE_THEN_STATUS, 0, "saved, then an exception", &error);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REJECTED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, api ? 422 : 403);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_clear_error (&error);
  found = gpm_pod_find_own_post (pod, "saved, then an exception", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
}

static void
test_fault_closed_after_store (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) found = NULL;

  post_faulted (f, pod, GPM_TEST_POD_FAULT_CLOSE_AFTER_STORE, 0, "did it get created?", &error);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER);
  g_assert_true (gpm_pod_error_is_uncertain (error));
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_clear_error (&error);

  /* the check before any retry finds it */
  found = gpm_pod_find_own_post (pod, "did it get created?", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

static void
test_fault_slow (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;

  gpm_pod_set_timeout (pod, 1);
  post_faulted (f, pod, GPM_TEST_POD_FAULT_SLOW, 2500, "slow pod", &error);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER);
  g_assert_true (gpm_pod_error_is_uncertain (error));
  /* the pod did store it: that is why the answer is "uncertain" */
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* An answer without end is cut at the size limit: a GET fails as not
 * understood, a post as uncertain (the pod did store it). */
static void
test_huge_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  struct rusage before, after;

  getrusage (RUSAGE_SELF, &before);
  gpm_test_pod_inject_fault (f->tp, gpm_pod_get_auth (pod) == GPM_POD_AUTH_API ? "/api/v1/aspects" : "/bookmarklet",
                             GPM_TEST_POD_FAULT_HUGE, 40, 1);
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_null (aspects);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_PROTOCOL);
  g_assert_false (gpm_pod_error_is_transient (error));
  g_clear_error (&error);

  post_faulted (f, pod, GPM_TEST_POD_FAULT_HUGE, 40, "huge answer", &error);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_ANSWER);
  g_assert_true (gpm_pod_error_is_uncertain (error));
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  getrusage (RUSAGE_SELF, &after);
  /* the pod double itself holds each 40 MiB answer twice */
  g_test_message ("max RSS %ld -> %ld KiB", before.ru_maxrss, after.ru_maxrss);
}

static void
test_fault_expired_session (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  guint sign_ins = gpm_test_pod_count_requests (f->tp, "/users/sign_in");

  /* renewed once with the remembered password, then the post goes through */
  gpm_test_pod_inject_fault (f->tp, "/status_messages", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 1);
  made = post_public (pod, "after the session ended", &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/users/sign_in"), ==, sign_ins + 2);

  gpm_test_pod_inject_fault (f->tp, "/bookmarklet", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 1);
  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aspects->len, ==, 2);

  /* when renewing fails too, the caller must sign in again */
  gpm_test_pod_inject_fault (f->tp, "/status_messages", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 1);
  gpm_test_pod_inject_fault (f->tp, "/users/sign_in", GPM_TEST_POD_FAULT_STATUS, 500, 1);
  g_clear_pointer (&made, gpm_pod_post_unref);
  made = post_public (pod, "fails", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_SERVER);
  g_clear_error (&error);
  gpm_test_pod_inject_fault (f->tp, "/status_messages", GPM_TEST_POD_FAULT_EXPIRE_SESSION, 0, 2);
  made = post_public (pod, "fails", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

typedef struct {
  GpmPod     *pod;
  GpmPodPost *made;
  GError     *error;
} Poster;

static gpointer
poster_thread (gpointer data)
{
  Poster *p = data;

  p->made = post_public (p->pod, "posted while the session ended", &p->error);
  return NULL;
}

/* A session renewal changes the cookie (sign-in) and the CSRF token (the
 * account page loaded after it) at different moments. A request another
 * thread makes in between must not go out with the new cookie and the old
 * token: diaspora would sign the new session out and mail the user a
 * "CSRF token fail" warning (application_controller.rb:11-19). The account
 * page is slowed down so the second request surely falls in that window. */
static void
test_renewal_csrf_race (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  guint pages = gpm_test_pod_count_requests (f->tp, "/bookmarklet");
  Poster poster = { pod };
  GThread *thread;

  gpm_test_pod_end_sessions (f->tp);
  gpm_test_pod_inject_fault (f->tp, "/bookmarklet", GPM_TEST_POD_FAULT_SLOW, 1500, 1);
  thread = g_thread_new ("poster", poster_thread, &poster);
  /* the poster has signed in again and waits for the account page */
  for (int i = 0; i < 1000 && gpm_test_pod_count_requests (f->tp, "/bookmarklet") == pages; i++)
    g_usleep (10 * 1000);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/bookmarklet"), >, pages);
  made = post_public (pod, "posted during the renewal", &error);
  g_thread_join (thread);

  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_no_error (poster.error);
  g_assert_nonnull (poster.made);
  g_clear_pointer (&poster.made, gpm_pod_post_unref);
  g_assert_cmpuint (gpm_test_pod_count_csrf_fail_mails (f->tp), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 2);
}

/* The pod moves while signed in (nginx's "return 301 https://new$request_uri"
 * in front of everything, a new domain or http → https): the client must
 * not follow a redirect by itself (libsoup would resend a POST redirected
 * 301 as a GET, which "succeeds" on a page), nor take the move for an
 * outage: every request fails with GPM_POD_ERROR_MOVED naming the new
 * address, and nothing reaches it (cookies and token belong to the old
 * one: the user signs in there). */
static void
test_moved_while_signed_in (Fixture *f, gconstpointer data)
{
  PodMaker make = (PodMaker) data;
  g_autoptr(GpmPod) pod = make (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) home = gpm_test_pod_new (0, &error);
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  g_autofree char *home_address = NULL;

  g_assert_no_error (error);
  home_address = gpm_pod_normalize_address (gpm_test_pod_get_url (home), &error);
  g_assert_no_error (error);
  gpm_test_pod_set_moved (f->tp, gpm_test_pod_get_url (home));

  made = post_public (pod, "after the move", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_MOVED);
  g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, 301);
  g_assert_nonnull (strstr (error->message, home_address));
  g_assert_false (gpm_pod_error_is_transient (error));
  g_assert_false (gpm_pod_error_is_uncertain (error));
  g_clear_error (&error);

  aspects = gpm_pod_list_aspects (pod, NULL, &error);
  g_assert_null (aspects);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_MOVED);

  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_requests (home, "/"), ==, 0);
  /* the address signed in to stays; the sign-in there is the user's */
  g_assert_cmpstr (gpm_pod_get_address (pod), !=, home_address);
}

/* What stands in front of the pod sends every request elsewhere for a
 * while (302, 303, 307: a single sign-on proxy whose session ended, a
 * maintenance page, a move for a while): no request follows it (a POST
 * becomes no GET, nothing reaches that address), none takes it for an
 * ended session (only the pod's own sign-in page says so: no renewal, no
 * sign-in asked for), none for a move: GPM_POD_ERROR_REDIRECTED naming the
 * address. The old client took a 302 to another host for an unreadable
 * answer (an outage to wait for without end). When it is gone, the same
 * session goes on. */
static void
test_redirected_while_signed_in (Fixture *f, gconstpointer data)
{
  PodMaker make = (PodMaker) data;
  g_autoptr(GpmPod) pod = make (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmTestPod) sso = gpm_test_pod_new (0, &error);
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) aspects = NULL;
  g_autofree char *sso_address = NULL;
  const guint statuses[] = { 302, 303, 307 };
  guint renewals;

  g_assert_no_error (error);
  sso_address = gpm_pod_normalize_address (gpm_test_pod_get_url (sso), &error);
  g_assert_no_error (error);
  renewals = gpm_test_pod_count_requests (f->tp, "/users/sign_in") +
             gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens");

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      gpm_test_pod_set_redirected (f->tp, gpm_test_pod_get_url (sso), statuses[i], NULL);
      made = post_public (pod, "behind the proxy", &error);
      g_assert_null (made);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED);
      g_assert_cmpuint (gpm_pod_error_get_http_status (error), ==, statuses[i]);
      g_assert_nonnull (strstr (error->message, sso_address));
      g_assert_false (gpm_pod_error_is_transient (error));
      g_clear_error (&error);

      aspects = gpm_pod_list_aspects (pod, NULL, &error);
      g_assert_null (aspects);
      g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED);
      g_clear_error (&error);
    }

  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_requests (sso, "/"), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/users/sign_in") +
                    gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens"), ==, renewals);
  g_assert_cmpint (gpm_pod_get_auth (pod), !=, GPM_POD_AUTH_NONE);

  gpm_test_pod_set_redirected (f->tp, NULL, 0, NULL);
  made = post_public (pod, "the proxy is gone", &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* The pod reached at another name than its configured one (localhost for
 * 127.0.0.1): diaspora sends an ended session to its sign-in page on the
 * configured host (config/application.rb:71-72; the test pod's redirects
 * name its own address). That is no redirect elsewhere but the session's
 * end, renewed as before, and the post goes. */
static void
test_session_ended_sign_in_elsewhere (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (gpm_test_pod_get_url (f->tp), G_URI_FLAGS_NONE, NULL);
  g_autofree char *local = g_strdup_printf ("http://localhost:%d", g_uri_get_port (uri));
  g_autoptr(GpmPod) pod = gpm_pod_new (local, &error);
  g_autoptr(GpmPodPost) made = NULL;
  guint sign_ins;

  g_assert_no_error (error);
  g_assert_true (gpm_pod_sign_in_password (pod, "alice", PASSWORD, NULL, NULL, &error));
  g_assert_no_error (error);
  sign_ins = gpm_test_pod_count_requests (f->tp, "/users/sign_in");
  gpm_test_pod_end_sessions (f->tp);
  made = post_public (pod, "after the session ended", &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/users/sign_in"), >, sign_ins);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

typedef struct {
  GpmPod  *pod;
  gboolean ok;
  GError  *error;
} SignerIn;

static gpointer
sign_in_thread (gpointer data)
{
  SignerIn *s = data;

  s->ok = gpm_pod_sign_in_password (s->pod, "alice", PASSWORD, NULL, NULL, &s->error);
  return NULL;
}

/* A new interactive sign-in (the user signs in again on the same pod, say
 * after the app asked for it) changes the cookie and the CSRF token at
 * different moments too. Another thread's request in between must wait for
 * both, as during a renewal: with the new cookie and no (or the old) token
 * diaspora signs the new session out and mails a warning
 * (application_controller.rb:11-19); without a session it would fail. */
static void
test_sign_in_csrf_race (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  guint pages = gpm_test_pod_count_requests (f->tp, "/bookmarklet");
  SignerIn signer = { pod };
  GThread *thread;

  gpm_test_pod_inject_fault (f->tp, "/bookmarklet", GPM_TEST_POD_FAULT_SLOW, 1500, 1);
  thread = g_thread_new ("signer", sign_in_thread, &signer);
  /* the new sign-in is done; its account page (the token) is on the way */
  for (int i = 0; i < 1000 && gpm_test_pod_count_requests (f->tp, "/bookmarklet") == pages; i++)
    g_usleep (10 * 1000);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/bookmarklet"), >, pages);
  made = post_public (pod, "posted during a new sign-in", &error);
  g_thread_join (thread);

  g_assert_no_error (signer.error);
  g_assert_true (signer.ok);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpuint (gpm_test_pod_count_csrf_fail_mails (f->tp), ==, 0);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

typedef struct {
  GpmPod     *pod;
  GpmTestPod *tp;
  char       *secret;   /* NULL: in the browser */
  gboolean    ok;
  GError     *error;
} ApiSignerIn;

static gpointer
api_sign_in_thread (gpointer data)
{
  ApiSignerIn *s = data;

  if (s->secret != NULL)
    s->ok = gpm_pod_sign_in_api_secret (s->pod, s->secret, NULL, &s->error);
  else
    s->ok = gpm_pod_sign_in_api (s->pod, gpm_test_pod_open_in_browser, s->tp, NULL, &s->error);
  return NULL;
}

/* Runs @signer's sign-in in a thread with its token request slowed, and
 * posts from this one while that request is on the way: the post must wait
 * for the sign-in and go out with its new access token (one token
 * request in all), not with the old one or none, which sends it to renew
 * the session itself in the middle of the sign-in. */
static void
post_during_api_sign_in (Fixture     *f,
                         ApiSignerIn *signer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  guint tokens = gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens");
  GThread *thread;

  gpm_test_pod_inject_fault (f->tp, "/api/openid_connect/access_tokens", GPM_TEST_POD_FAULT_SLOW, 1500, 1);
  thread = g_thread_new ("signer", api_sign_in_thread, signer);
  for (int i = 0; i < 1000 && gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens") == tokens; i++)
    g_usleep (10 * 1000);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens"), >, tokens);
  made = post_public (signer->pod, "posted during the sign-in", &error);
  g_thread_join (thread);

  g_assert_no_error (signer->error);
  g_assert_true (signer->ok);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens"), ==, tokens + 1);
  g_assert_cmpint (gpm_pod_get_auth (signer->pod), ==, GPM_POD_AUTH_API);
}

/* The session kept in the keyring taken up again (the app's start) while
 * another thread posts, with a provider that rotates refresh tokens: the
 * post sent without a token meanwhile renewed with the same refresh
 * token, which the sign-in's own refresh had used up (the post failed,
 * "sign in again"). */
static void
test_api_secret_sign_in_race (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = api_pod (f);
  g_autofree char *secret = gpm_pod_dup_api_secret (pod);
  ApiSignerIn signer = { pod, f->tp, secret };

  g_assert_nonnull (secret);
  gpm_test_pod_set_rotate_refresh_tokens (f->tp, TRUE);
  post_during_api_sign_in (f, &signer);
}

/* A new sign-in in the browser while the old access token has expired
 * (an hour passed, diaspora's default lifetime): the post another thread
 * makes meanwhile renewed the old session at the same time (two token
 * requests, the old client's tokens stored around the new ones'). */
static void
test_api_sign_in_race (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = NULL;
  ApiSignerIn signer = { NULL, f->tp, NULL };

  gpm_test_pod_set_token_lifetime (f->tp, 1);
  pod = api_pod (f);
  g_usleep (1100 * 1000);
  gpm_test_pod_set_token_lifetime (f->tp, 3600);
  signer.pod = pod;
  post_during_api_sign_in (f, &signer);
}

/* The person stream answers an ended session too, with the public posts
 * only (diaspora's people_controller.rb:10, lib/stream/person.rb:17-19):
 * "did it get created?" for a limited post must not take that for "not
 * there" (it would be sent twice). The session is confirmed, renewed, and
 * the listing made again; when it cannot be renewed the look fails. */
static void
test_find_after_session_ended (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("for friends only");
  g_autoptr(GpmPodPost) made = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) none = NULL;
  gint64 since = g_get_real_time () / G_USEC_PER_SEC - 60;

  g_array_append_val (draft->aspect_ids, f->friends);
  made = gpm_pod_create_post (pod, draft, NULL, &error);
  g_assert_no_error (error);

  gpm_test_pod_end_sessions (f->tp);
  found = gpm_pod_find_own_posts (pod, "for friends only", since, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((GpmPodPost *) g_ptr_array_index (found, 0))->guid, ==, made->guid);

  /* the password changed on the pod: no answer rather than a wrong one */
  gpm_test_pod_set_password (f->tp, "alice", "a new one");
  none = gpm_pod_find_own_posts (pod, "for friends only", since, 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED);
}

static void
test_fault_expired_token (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = api_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;
  g_autofree char *before = gpm_pod_dup_api_secret (pod);
  guint refreshes = gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens");

  gpm_test_pod_inject_fault (f->tp, "/api/v1/posts", GPM_TEST_POD_FAULT_EXPIRE_TOKEN, 0, 1);
  made = post_public (pod, "after the token expired", &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpuint (gpm_test_pod_count_requests (f->tp, "/api/openid_connect/access_tokens"), ==,
                    refreshes + 1);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
  g_clear_pointer (&made, gpm_pod_post_unref);

  /* a pod that keeps refusing: EXPIRED, nothing posted */
  gpm_test_pod_inject_fault (f->tp, "/api/v1/posts", GPM_TEST_POD_FAULT_EXPIRE_TOKEN, 0, 2);
  made = post_public (pod, "refused", &error);
  g_assert_null (made);
  g_assert_error (error, GPM_POD_ERROR, GPM_POD_ERROR_EXPIRED);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

static void
test_csrf_needed (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = web_pod (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpmPodPost) made = NULL;

  /* the client sends the session's CSRF token: a post goes through, and
   * the pod's CSRF check is real (a bad token ends the session, which the
   * client renews) */
  made = post_public (pod, "with token", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gpm_test_pod_count_posts (f->tp), ==, 1);
}

/* ------------------------------------------------------------ many threads */

typedef struct {
  GpmPod *pod;
  int     worker;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  for (int i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("worker %d post %d", w->worker, i);
      g_autoptr(GpmPodPost) made = post_public (w->pod, text, &error);

      g_assert_no_error (error);
      g_assert_nonnull (made);
    }
  return NULL;
}

/* One GpmPod used from several threads at once (the blocking calls). */
static void
test_threads (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = ((PodMaker) data) (f);
  Worker workers[4];
  GThread *threads[4];
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GHashTable) texts = g_hash_table_new (g_str_hash, g_str_equal);

  /* an ended session in the middle: renewed while others post */
  gpm_test_pod_inject_fault (f->tp, NULL, gpm_pod_get_auth (pod) == GPM_POD_AUTH_API
                                          ? GPM_TEST_POD_FAULT_EXPIRE_TOKEN : GPM_TEST_POD_FAULT_EXPIRE_SESSION,
                             0, 1);
  for (int i = 0; i < 4; i++)
    {
      workers[i].pod = pod;
      workers[i].worker = i;
      threads[i] = g_thread_new ("worker", worker_thread, &workers[i]);
    }
  for (int i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  posts = gpm_test_pod_dup_posts (f->tp);
  g_assert_cmpuint (posts->len, ==, 20);
  for (guint i = 0; i < posts->len; i++)
    g_hash_table_add (texts, ((GpmTestPodPost *) g_ptr_array_index (posts, i))->text);
  g_assert_cmpuint (g_hash_table_size (texts), ==, 20);
}

/* ------------------------------------------------------------------- async */

typedef struct {
  GMainLoop  *loop;
  GpmPod     *pod;
  GpmTestPod *tp;
  GError     *error;
  char       *photo;
  GpmPodPost *post;
  GPtrArray  *aspects;
} AsyncState;

static void
on_post (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;

  s->post = gpm_pod_create_post_finish (GPM_POD (source), result, &s->error);
  g_main_loop_quit (s->loop);
}

static void
on_photo (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;
  g_autoptr(GpmPodDraft) draft = gpm_pod_draft_new ("async post");

  s->photo = gpm_pod_upload_photo_finish (GPM_POD (source), result, &s->error);
  if (s->photo == NULL)
    {
      g_main_loop_quit (s->loop);
      return;
    }
  g_ptr_array_add (draft->photo_ids, g_strdup (s->photo));
  g_array_append_val (draft->aspect_ids, ((GpmPodAspect *) g_ptr_array_index (s->aspects, 1))->id);
  gpm_pod_create_post_async (s->pod, draft, NULL, on_post, s);
}

static void
on_aspects (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;
  g_autoptr(GBytes) data = g_bytes_new_static ("GIF89a", 6);

  s->aspects = gpm_pod_list_aspects_finish (GPM_POD (source), result, &s->error);
  if (s->aspects == NULL)
    {
      g_main_loop_quit (s->loop);
      return;
    }
  gpm_pod_upload_photo_async (s->pod, data, "x.gif", "image/gif", NULL, on_photo, s);
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;

  if (!gpm_pod_sign_in_password_finish (GPM_POD (source), result, &s->error))
    {
      g_main_loop_quit (s->loop);
      return;
    }
  gpm_pod_list_aspects_async (s->pod, NULL, on_aspects, s);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  AsyncState s = { 0 };
  g_autoptr(GPtrArray) posts = NULL;
  GpmTestPodPost *p;

  s.loop = g_main_loop_new (NULL, FALSE);
  s.pod = new_pod (f);
  s.tp = f->tp;
  gpm_pod_sign_in_password_async (s.pod, "alice", PASSWORD, NULL, NULL, on_signed_in, &s);
  g_main_loop_run (s.loop);
  g_assert_no_error (s.error);
  g_assert_nonnull (s.post);
  p = only_post (f, &posts);
  g_assert_cmpstr (p->text, ==, "async post");
  g_assert_false (p->is_public);
  g_assert_cmpint (g_array_index (p->aspect_ids, gint64, 0), ==, f->family);
  g_assert_cmpuint (p->photo_guids->len, ==, 1);

  g_main_loop_unref (s.loop);
  g_object_unref (s.pod);
  g_free (s.photo);
  gpm_pod_post_unref (s.post);
  g_ptr_array_unref (s.aspects);
}

static void
count_and_open (const char *uri, gpointer user_data)
{
  int *opened = g_object_get_data (G_OBJECT (user_data), "opened");

  /* called on the caller's main context */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*opened)++;
  gpm_test_pod_open_in_browser (uri, user_data);
}

static void
test_api_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GpmPod) pod = new_pod (f);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int opened = 0;
  gboolean ok;

  g_object_set_data (G_OBJECT (f->tp), "opened", &opened);
  gpm_test_pod_set_browser_user (f->tp, "alice", TRUE);
  gpm_pod_sign_in_api_async (pod, count_and_open, f->tp, NULL, store_result, &result);
  ok = gpm_pod_sign_in_api_finish (pod, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (opened, ==, 1);
  g_assert_cmpint (gpm_pod_get_auth (pod), ==, GPM_POD_AUTH_API);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  pod_test_add ("/pod/web/csrf", (GTestFixtureFunc) test_csrf_needed, NULL);
  pod_test_add ("/pod/web/expired-session", (GTestFixtureFunc) test_fault_expired_session, NULL);
  pod_test_add ("/pod/web/renewal-csrf-race", (GTestFixtureFunc) test_renewal_csrf_race, NULL);
  pod_test_add ("/pod/web/session-ended-sign-in-elsewhere", (GTestFixtureFunc) test_session_ended_sign_in_elsewhere, NULL);
  pod_test_add ("/pod/web/sign-in-csrf-race", (GTestFixtureFunc) test_sign_in_csrf_race, NULL);
  pod_test_add ("/pod/web/find-after-session-ended", (GTestFixtureFunc) test_find_after_session_ended, NULL);
  pod_test_add ("/pod/web/async", (GTestFixtureFunc) test_async, NULL);
  pod_test_add ("/pod/api/sign-in-async", (GTestFixtureFunc) test_api_async, NULL);
  pod_test_add ("/pod/api/expired-token", (GTestFixtureFunc) test_fault_expired_token, NULL);
  pod_test_add ("/pod/api/secret-sign-in-token-race", (GTestFixtureFunc) test_api_secret_sign_in_race, NULL);
  pod_test_add ("/pod/api/sign-in-token-race", (GTestFixtureFunc) test_api_sign_in_race, NULL);
  ADD_BOTH ("camo-rtl", test_camo_rtl);
  ADD_BOTH ("mentions-rewritten", test_mentions_rewritten);
  pod_test_add ("/pod/web/mentions-rewritten-0.7", (GTestFixtureFunc) test_mentions_rewritten_07, NULL);
  ADD_BOTH ("find-since", test_find_since);
  ADD_BOTH ("paging-ties", test_paging_ties);
  ADD_BOTH ("fault-empty-answer", test_fault_empty_answer);
  ADD_BOTH ("moved-while-signed-in", test_moved_while_signed_in);
  ADD_BOTH ("redirected-while-signed-in", test_redirected_while_signed_in);
  ADD_BOTH ("fault-server-errors", test_fault_server_errors);
  ADD_BOTH ("fault-rate-limited", test_fault_rate_limited);
  ADD_BOTH ("fault-closed-after-store", test_fault_closed_after_store);
  ADD_BOTH ("fault-saved-then-refused", test_fault_saved_then_refused);
  ADD_BOTH ("fault-slow", test_fault_slow);
  ADD_BOTH ("huge-answer", test_huge_answer);
  ADD_BOTH ("threads", test_threads);

  return g_test_run ();
}
