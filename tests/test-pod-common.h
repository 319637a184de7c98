/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pod-common.h: what the test-pod-*.c programs (the diaspora* client
 * against the pod double) share: a pod double with alice (aspects Friends
 * and Family) and bob (two-factor), a GpmPod on it, signed in through the
 * web session or the API, and a test registered for both (ADD_BOTH). */
#pragma once

#include <libsoup/soup.h>

#include "gpm-pod.h"
#include "gpm-test-pod.h"

G_BEGIN_DECLS

#define PASSWORD "correct horse battery staple"

typedef struct {
  GpmTestPod *tp;
  char       *alice_guid;
  gint64      friends;
  gint64      family;
} Fixture;

/* A GpmPod on the fixture's pod double, not signed in */
GpmPod         *new_pod      (Fixture *f);
/* ... signed in as alice through the web session */
GpmPod         *web_pod      (Fixture *f);
/* ... signed in as alice through the API (the browser approves) */
GpmPod         *api_pod      (Fixture *f);

typedef GpmPod *(*PodMaker) (Fixture *f);

/* The one post on the pod double (asserted); *@keep holds it */
GpmTestPodPost *only_post    (Fixture    *f,
                              GPtrArray **keep);

/* @text posted publicly through @pod: the pod's answer, or NULL and @error */
GpmPodPost     *post_public  (GpmPod      *pod,
                              const char  *text,
                              GError     **error);

/* For an _async call: keeps its result in *(GAsyncResult **) @user_data */
void            store_result (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data);
/* Iterates the default main context until *@result is set; returns it */
GAsyncResult   *wait_result  (GAsyncResult **result);

/* Registers @func with a fresh Fixture; @data is handed to it */
void            pod_test_add (const char       *name,
                              GTestFixtureFunc  func,
                              gconstpointer     data);

/* Registers @func as /pod/web/@name and /pod/api/@name: its data is the
 * PodMaker of that sign-in */
#define ADD_BOTH(name, func) \
  G_STMT_START { \
    pod_test_add ("/pod/web/" name, (GTestFixtureFunc) func, (gconstpointer) web_pod); \
    pod_test_add ("/pod/api/" name, (GTestFixtureFunc) func, (gconstpointer) api_pod); \
  } G_STMT_END

G_END_DECLS
