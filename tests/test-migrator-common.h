/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-migrator-common.h: what the migrator's tests against the test pod
 * share (test-migrator-common.c). */
#pragma once

#include "gpm-journal.h"
#include "gpm-migrator.h"
#include "gpm-pod.h"
#include "gpm-test-pod.h"
#include "gpm-test-posts.h"

G_BEGIN_DECLS

typedef struct {
  GpmTestAcl acl;
  guint n_photos;
} PostSpec;

typedef struct {
  GpmTestPod *server;
  GpmPod     *pod;
  GpmJournal *journal;
  GPtrArray  *posts;
  GArray     *specs;
  gint64      family;
  gint64      friends;
  gboolean    api;
  gboolean    retried;   /* a failed post was sent again by a later run: out of order */
  guint       big_side;  /* photos that are not the PNG: portrait 2:3, long side at most this */
  gsize       big_size;  /* ... and at most this many bytes (0: any) */
} Fixture;

/* What the test's conversion adds: nothing, or a Markdown image and an
 * RTL-wrapped hashtag (which the pod answers changed), or for posts p00 and
 * p04 the same text. Back to TEXT_PLAIN at each tear-down. */
typedef enum { TEXT_PLAIN, TEXT_FANCY, TEXT_SAME } TextKind;
extern TextKind text_kind;

typedef struct {
  GAsyncResult *result;
  guint         n_started;
  guint         n_finished;
  guint         n_auth;
  guint         n_waiting;
  GPtrArray    *finished_order;   /* keys, in post-finished order */
  Fixture      *fixture;
  gboolean      cancel_after_first;
  gboolean      cancel_on_wait;
  gboolean      fail_auth;         /* on auth-required: cancel instead of signing in */
} RunState;

/* Post pNN: "Post number NN & bold". */
GpmPost     *make_post              (guint          index,
                                     const char    *created,
                                     GpmTestAcl     acl,
                                     guint          n_photos);
/* The test's conversion: deterministic text naming the post, and its photos. */
char        *test_convert           (GpmPost       *post,
                                     GPtrArray     *photos,
                                     gpointer       user_data,
                                     GError       **error);
char        *expected_text          (GpmPost       *post);
/* How many posts on the pod have exactly @text. */
guint        count_on_pod           (Fixture       *f,
                                     const char    *text);

void         fixture_sign_in        (Fixture       *f);
/* @data: TRUE for the API path, FALSE for the web session. */
void         fixture_set_up         (Fixture       *f,
                                     gconstpointer  data);
void         fixture_tear_down      (Fixture       *f,
                                     gconstpointer  data);
/* A migrator for the fixture: the test's conversion, no pacing, quick
 * retries, a 1 s settle time, the test posts' aspects mapped. */
GpmMigrator *make_migrator          (Fixture       *f);

/* Runs @migrator on the fixture's posts until it finishes (the RunState's
 * cancel_* may cancel it), counting its signals in @state. */
gboolean     run_migrator           (Fixture       *f,
                                     GpmMigrator   *migrator,
                                     RunState      *state,
                                     GError       **error);
void         run_state_clear        (RunState      *state);
/* run_migrator() that must end cancelled (the RunState's cancel_*). */
void         run_cancelled          (Fixture       *f,
                                     GpmMigrator   *migrator,
                                     RunState      *state);

/* The invariant. @only_first: how many posts (oldest first) must be there; G_MAXUINT for all. */
void         assert_pod_and_journal (Fixture       *f,
                                     guint          only_first);
/* A run to the end, then the invariant for every post. */
void         assert_complete_run    (Fixture       *f,
                                     GpmMigrator   *migrator);

G_END_DECLS
