/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-plan.h: what the user decided about a migration, in one object the
 * CLI and the GUI both build, read and keep in the journal:
 *
 *   - the ticked audiences (scope keys, gpm_scope_get_key());
 *   - the posts left out and the posts whose text was edited (post keys,
 *     gpm_journal_post_key());
 *   - where each private audience goes: an aspect, all aspects, or skipped
 *     (never public: only PUBLIC and COMMUNITY scopes go public);
 *   - the pace (seconds between two posts, posts per day);
 *   - the options that change what is sent (own comments, location,
 *     Internet Archive links).
 *
 * The rules that follow from it live here and nowhere else: which posts a
 * run sends (gpm_plan_select_posts()), where one post goes
 * (gpm_plan_resolve_audience()), how long it takes (gpm_plan_estimate()).
 *
 * A GpmPlan is a plain value object: not thread-safe, so a worker gets its
 * own gpm_plan_copy(). Saving and loading are journal calls: in a worker
 * for the GUI (docs/HACKING.md, Threads).
 */
#pragma once

#include <gio/gio.h>

#include "gpm-convert.h"
#include "gpm-journal.h"
#include "gpm-pod.h"
#include "gpm-post.h"

G_BEGIN_DECLS

#define GPM_PLAN_ERROR (gpm_plan_error_quark ())
typedef enum {
  GPM_PLAN_ERROR_NO_AUDIENCE,    /* the post has no ACL scopes */
  GPM_PLAN_ERROR_NO_ASPECT,      /* limited post whose audiences are all skipped */
  GPM_PLAN_ERROR_EXCLUDED,       /* the user left the post out */
  GPM_PLAN_ERROR_NOTHING_OWN,    /* nothing of the user's own to post */
  GPM_PLAN_ERROR_NOT_SELECTED,   /* none of its audiences is ticked */
  GPM_PLAN_ERROR_CORRUPT,        /* a saved plan that cannot be read */
} GpmPlanError;
GQuark gpm_plan_error_quark (void);

/* Where the posts of a private audience go. */
typedef enum {
  GPM_PLAN_TARGET_SKIP,         /* not posted (the default: never public) */
  GPM_PLAN_TARGET_ASPECT,       /* to one aspect, by name */
  GPM_PLAN_TARGET_ALL_ASPECTS,  /* to every aspect of the account */
} GpmPlanTarget;

/* The audience key standing for every person (USER scope, "users/…") that
 * has no target of its own: one choice for all people, overridable per
 * person. */
#define GPM_PLAN_PEOPLE_KEY "users/*"

#define GPM_TYPE_PLAN (gpm_plan_get_type ())
G_DECLARE_FINAL_TYPE (GpmPlan, gpm_plan, GPM, PLAN, GObject)

/* An empty plan: no audience ticked, nothing left out or edited, every
 * private audience skipped, GPM_MIGRATOR_DEFAULT_DELAY, no daily cap,
 * no own comments, no location, archive links on (the CLI's and the app's
 * defaults). */
GpmPlan     *gpm_plan_new                (void);
GpmPlan     *gpm_plan_copy               (GpmPlan     *self);
/* Takes back what @saved (a plan kept in the journal) decided and @self
 * does not: every audience's target @self has none for, the posts left
 * out, the edited texts (@self's own edits win), the pace and the options;
 * the ticked audiences too when @with_audiences ("continue where you left
 * off"). */
void         gpm_plan_restore            (GpmPlan     *self,
                                          GpmPlan     *saved,
                                          gboolean     with_audiences);
/* The plan goes on with another account than the one whose saved plan it
 * was last restored from (or prepared for); @saved: that account's own
 * saved plan, NULL when it has none. Every audience's target is dropped
 * (aspects are the account's) and @saved's taken; the posts left out and
 * the texts edited that came from the other account's saved plan give way
 * to @saved's, the user's changes since stay; without @saved they all
 * stay, with the pace. The ticked audiences are left alone. */
void         gpm_plan_switch_account     (GpmPlan     *self,
                                          GpmPlan     *saved);
/* The rows gpm_plan_save() writes, one a line ("part\tkey\tvalue", a text's
 * line breaks as \n): to compare plans, and the CLI's `post --print-plan`. */
char        *gpm_plan_dump               (GpmPlan     *self);
/* Same decisions (what gpm_plan_save() would write). */
gboolean     gpm_plan_equal              (GpmPlan     *a,
                                          GpmPlan     *b);

/* ---- audiences ---- */
/* Replaces the ticked audiences (scope keys; NULL: none). */
void         gpm_plan_set_audiences      (GpmPlan            *self,
                                          const char * const *scope_keys);
/* The ticked audiences, sorted. */
GStrv        gpm_plan_dup_audiences      (GpmPlan     *self);
void         gpm_plan_set_audience       (GpmPlan     *self,
                                          const char  *scope_key,
                                          gboolean     ticked);
gboolean     gpm_plan_has_audience       (GpmPlan     *self,
                                          const char  *scope_key);

/* ---- where private audiences go ---- */
/* @aspect_name only with GPM_PLAN_TARGET_ASPECT. @scope_key may be
 * GPM_PLAN_PEOPLE_KEY. A SKIP set here is the audience's own choice (a
 * person skipped while the other people go to an aspect). */
void          gpm_plan_set_target        (GpmPlan       *self,
                                          const char    *scope_key,
                                          GpmPlanTarget  target,
                                          const char    *aspect_name);
/* Removes the audience's own choice (a person: the people's applies). */
void          gpm_plan_unset_target      (GpmPlan       *self,
                                          const char    *scope_key);
/* Unsets every target naming an aspect that is not in @aspect_names (the
 * aspects of the account signed in; NULL-terminated): a plan restored
 * from another account's journal, or an aspect deleted on the pod since,
 * must not send a post to an aspect that does not exist (the migrator
 * would refuse the whole run). Those audiences are skipped until the user
 * chooses again. Returns how many targets were unset. */
guint         gpm_plan_drop_missing_aspects (GpmPlan            *self,
                                             const char * const *aspect_names);
/* Removes every audience's choice: everything private is skipped. */
void          gpm_plan_clear_targets     (GpmPlan       *self);
/* Whether the audience has a choice of its own. */
gboolean      gpm_plan_has_target        (GpmPlan       *self,
                                          const char    *scope_key);
/* The audience's own choice (SKIP without one); *@aspect_name (borrowed)
 * for ASPECT. */
GpmPlanTarget gpm_plan_get_target        (GpmPlan       *self,
                                          const char    *scope_key,
                                          const char   **aspect_name);
/* The choice that applies: its own, else (a person) the people's, else SKIP. */
GpmPlanTarget gpm_plan_lookup_target     (GpmPlan       *self,
                                          const char    *scope_key,
                                          const char   **aspect_name);
/* The aspect names the targets name, sorted, each once; @all_aspects (may
 * be NULL) set when an audience goes to every aspect. */
GStrv         gpm_plan_dup_target_aspects (GpmPlan      *self,
                                           gboolean     *all_aspects);
/* Shorthand for the migrator's old mapping: NULL unsets. */
void          gpm_plan_map_scope         (GpmPlan       *self,
                                          const char    *scope_key,
                                          const char    *aspect_name);

/* ---- posts ---- */
void         gpm_plan_set_post_excluded  (GpmPlan     *self,
                                          const char  *post_key,
                                          gboolean     excluded);
gboolean     gpm_plan_is_post_excluded   (GpmPlan     *self,
                                          const char  *post_key);
/* The post keys left out, sorted. */
GStrv        gpm_plan_dup_excluded       (GpmPlan     *self);
/* The Markdown to send instead of the converted text; NULL: the converted
 * text again. */
void         gpm_plan_set_post_text      (GpmPlan     *self,
                                          const char  *post_key,
                                          const char  *markdown);
/* Borrowed; NULL when not edited. */
const char  *gpm_plan_get_post_text      (GpmPlan     *self,
                                          const char  *post_key);
/* The post keys with an edited text, sorted. */
GStrv        gpm_plan_dup_edited         (GpmPlan     *self);

/* ---- pace ---- */
void         gpm_plan_set_delay          (GpmPlan     *self,
                                          guint        seconds);
guint        gpm_plan_get_delay          (GpmPlan     *self);
/* 0: no cap. */
void         gpm_plan_set_max_per_day    (GpmPlan     *self,
                                          guint        max_per_day);
guint        gpm_plan_get_max_per_day    (GpmPlan     *self);

/* ---- what is sent ---- */
void         gpm_plan_set_own_comments   (GpmPlan     *self,
                                          gboolean     own_comments);
gboolean     gpm_plan_get_own_comments   (GpmPlan     *self);
void         gpm_plan_set_location       (GpmPlan     *self,
                                          gboolean     location);
gboolean     gpm_plan_get_location       (GpmPlan     *self);
void         gpm_plan_set_archive_links  (GpmPlan     *self,
                                          gboolean     archive_links);
gboolean     gpm_plan_get_archive_links  (GpmPlan     *self);
/* Copies the three options above into @settings. */
void         gpm_plan_apply_to_convert_settings (GpmPlan            *self,
                                                 GpmConvertSettings *settings);

/* ---- the rules ---- */
/* Where @post goes under this plan, whatever is ticked: public
 * (gpm_post_is_essentially_public(): isPublic true, PUBLIC, or a community
 * not known to be closed), else the aspects its private audiences are
 * mapped to (@aspects: char*, each once, in scope order; @all_aspects set
 * when one audience goes to every aspect). FALSE with @error
 * (GPM_PLAN_ERROR_NO_AUDIENCE, _NO_ASPECT: naming the skipped audiences)
 * when it is not sent. Left-out and nothing-own are not looked at here. */
gboolean     gpm_plan_resolve_audience   (GpmPlan     *self,
                                          GpmPost     *post,
                                          gboolean    *is_public,
                                          GPtrArray   *aspects,
                                          gboolean    *all_aspects,
                                          GError     **error);
/* Whether @post is among the ticked audiences (any of its scope keys). */
gboolean     gpm_plan_selects_post       (GpmPlan     *self,
                                          GpmPost     *post);

/* Whether @post has nothing of the user's own to post under this plan's
 * options (gpm_convert_post_is_nothing_own()) and no text edited for it:
 * never sent. */
gboolean     gpm_plan_is_nothing_own     (GpmPlan     *self,
                                          GpmPost     *post);

/* What the plan does with @posts (GpmPost*, every post of the takeout or
 * any part of it): each post counted once. */
typedef struct {
  guint  n_selected;     /* among the ticked audiences */
  guint  n_public;       /* to send publicly */
  guint  n_limited;      /* to send to aspects */
  guint  n_skipped;      /* private, every audience of it skipped (or none known) */
  guint  n_excluded;     /* left out by the user */
  guint  n_nothing_own;  /* nothing of the user's own to post */
  guint  n_to_send;      /* n_public + n_limited */
  guint  n_posted;       /* of n_to_send, already posted (gpm_plan_count_with_posted()) */
  guint  n_public_posted;  /* of n_posted, the public ones */
} GpmPlanCounts;
void         gpm_plan_count              (GpmPlan       *self,
                                          GPtrArray     *posts,
                                          GpmPlanCounts *counts);
/* The same, knowing the keys of the posts already on the pod (@posted:
 * a set of post keys, may be NULL): n_to_send - n_posted are still to send. */
void         gpm_plan_count_with_posted  (GpmPlan       *self,
                                          GPtrArray     *posts,
                                          GHashTable    *posted,
                                          GpmPlanCounts *counts);
/* The same, and in the same walk, for each private audience of the
 * selected, not left-out posts (gpm_plan_dup_private_audiences()'s rule),
 * how many of those posts are not in @posted: added to @left (the
 * caller's table, g_str_hash with g_free keys: key → GUINT_TO_POINTER
 * (count); may be NULL). */
void         gpm_plan_count_left_per_audience (GpmPlan       *self,
                                               GPtrArray     *posts,
                                               GHashTable    *posted,
                                               GpmPlanCounts *counts,
                                               GHashTable    *left);

/* The order posts are sent in: oldest first (creationTime), undated ones
 * last, then by entry name and key. A GCompareFunc for g_ptr_array_sort()
 * of GpmPost*. */
gint         gpm_plan_compare_posts      (gconstpointer a,
                                          gconstpointer b);

/* The posts a run sends, oldest first, each once (a post shared with two
 * circles too): among the ticked audiences, not left out, not nothing-own,
 * and public or with at least one audience mapped. New array (GpmPost*,
 * referenced). */
GPtrArray   *gpm_plan_select_posts       (GpmPlan     *self,
                                          GPtrArray   *posts);

/* The private audiences of the selected, not left-out posts that need a
 * target, as scope keys in first-seen order, with the number of such posts
 * carrying each (@counts: guint per key, may be NULL). */
GStrv        gpm_plan_dup_private_audiences (GpmPlan   *self,
                                             GPtrArray *posts,
                                             GArray    *counts);

/* Seconds from @now until @n_posts posts are sent at the plan's pace
 * (delay between two posts, at most max-per-day in any 24 hours), and the
 * moment that is (@end, may be NULL). 0 posts: 0 and @now. */
gint64       gpm_plan_estimate           (GpmPlan     *self,
                                          guint        n_posts,
                                          GDateTime   *now,
                                          GDateTime  **end);
/* How long a run takes: the one estimate of the app (the CLI's dry run,
 * the plan page, the migrator's time left all ask it). @sends (from
 * gpm_plan_dup_sends(), the one count of what a run sends) from its
 * element @from on, in the run's order: each post a run sends followed by
 * its extra sends (the element less one), every send @delay_seconds after
 * the one before (after @last_sent, Unix seconds, 0: none), the posts (not
 * their extra sends) at most @cap in any 24 hours (0: no cap) counting
 * @recent (gint64: the posted_at of the posts the pod account was sent
 * before, by any journal of it, gpm_journal_account_posted_times_since();
 * any order; later than @now counts as @now; may be NULL). Seconds from
 * @now (Unix seconds) until the last send. Linear in the sends; no
 * allocation beyond the cap. */
gint64       gpm_plan_estimate_sends     (guint         delay_seconds,
                                          guint         cap,
                                          GArray       *sends,
                                          guint         from,
                                          GArray       *recent,
                                          gint64        last_sent,
                                          gint64        now);
/* Of @sends (gpm_plan_dup_sends()) from @from on, the posts a run sends. */
guint        gpm_plan_count_sent         (GArray       *sends,
                                          guint         from);
/* What a run sends of each of @posts, in the order given (the run's:
 * gpm_plan_compare_posts(), each once): 0 for a post it does not send (no
 * audience with somewhere to go, left out, nothing of the user's own and
 * no edited text: the migrator's rule, _gpm_migrator_make_item(); on the
 * pod already, its key in @posted (may be NULL); or seen before in @posts),
 * else 1 + gpm_plan_post_extra_sends(). The posts are the ones the run is
 * given (the ticked audiences'): their audience is not asked again. A new
 * array of guint, one per post. Any thread; no post is read again. */
GArray      *gpm_plan_dup_sends          (GpmPlan      *self,
                                          GPtrArray    *posts,
                                          GHashTable   *posted,
                                          gboolean      own_comments);
/* gpm_plan_dup_sends() of @posts in any order, duplicates too: of a copy
 * sorted in the run's order. */
GArray      *gpm_plan_dup_run_sends      (GpmPlan      *self,
                                          GPtrArray    *posts,
                                          GHashTable   *posted,
                                          gboolean      own_comments);
/* The sends after @post itself: its own comments (with @own_comments,
 * counted at indexing) and the parts after the first of a text over
 * diaspora*'s limit: the split's own count (gpm_long_post_count_parts(),
 * by the bytes) of the text edited in @self for it, else of its content's
 * Markdown (converted only when the content is long enough to need it). */
guint        gpm_plan_post_extra_sends   (GpmPlan      *self,
                                          GpmPost      *post,
                                          gboolean      own_comments);
/* The up-front estimate of a run of @posts (any order; the ones on the pod
 * by @journal, may be NULL, take no time): gpm_plan_dup_run_sends() with
 * the plan's own-comments option, then gpm_plan_estimate_sends() at the
 * plan's pace after @journal's last post, the cap counting the posts its
 * pod account was sent in the last 24 hours by any of its journals.
 * Seconds from @now (Unix seconds); @n_posts (may be NULL): the posts it
 * sends. Reads the journals: not on the UI thread. */
gint64       gpm_plan_estimate_run       (GpmPlan      *self,
                                          GPtrArray    *posts,
                                          GpmJournal   *journal,
                                          gint64        now,
                                          guint        *n_posts);
/* "about 155 days, until May 12" and gpm_plan_describe_estimate()'s
 * sentence for a run of @n_posts that takes @seconds
 * (gpm_plan_estimate_sends()). */
char        *gpm_plan_describe_end_seconds (GpmPlan    *self,
                                            guint       n_posts,
                                            gint64      seconds,
                                            GDateTime  *now);
char        *gpm_plan_describe_seconds   (GpmPlan      *self,
                                          guint         n_posts,
                                          gint64        seconds,
                                          GDateTime    *now);
/* Its two halves: "At 100 posts a day" (or "One post every 60 seconds"
 * when the cap does not bind), and "about 155 days, until May 12". */
char        *gpm_plan_describe_pace      (GpmPlan     *self,
                                          guint        n_posts);
/* The estimate in words: "At 100 posts a day: about 155 days, until May 12"
 * (the date in the user's locale; the year only when it is not @now's). */
char        *gpm_plan_describe_estimate  (GpmPlan     *self,
                                          guint        n_posts,
                                          GDateTime   *now);

/* ---- the journal ---- */
/* Writes the whole plan into @journal (one transaction, replacing the
 * plan kept before). */
gboolean     gpm_plan_save               (GpmPlan     *self,
                                          GpmJournal  *journal,
                                          GError     **error);
/* gpm_plan_save() in a worker, of a copy of @self taken now (the caller
 * goes on changing the plan meanwhile); @journal is released in the worker.
 * Saves into one journal file, from any caller, are written one at a time
 * in the order asked: a request made while another is being written waits,
 * and replaces a request still waiting, whose callback then reports the
 * newer state's save. So the state asked for last is the one kept; a
 * failed save does not stop the next; saves into other journals do not
 * wait. @cancellable only cancels the answer: the state is written.
 * @callback NULL: a failure is logged (g_warning). */
void         gpm_plan_save_async         (GpmPlan             *self,
                                          GpmJournal          *journal,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean     gpm_plan_save_finish        (GpmPlan             *self,
                                          GAsyncResult        *result,
                                          GError             **error);
/* Blocks until every gpm_plan_save_async() asked for so far is written
 * (their callbacks are not run): for quitting, so that a decision just
 * made is not lost with the process. */
void         gpm_plan_wait_saves         (void);
/* The plan kept in @journal; NULL without @error when it has none. */
GpmPlan     *gpm_plan_load               (GpmJournal  *journal,
                                          GError     **error);

/* The journal of @all_posts' takeout for an account: the one rule the CLI
 * and the GUI open it by (gpm_journal_open_for_account()). With @pod
 * signed in: the account as the pod names it, remembered under the name
 * typed too (@typed_user, may be NULL), created when missing and bound to
 * the account's guid (gpm_journal_bind_account(): @out_reset says the
 * account was made again and the rows were dropped). With @pod NULL (a dry
 * run, a status): the account @typed_address + @typed_user, and only an
 * existing journal: NULL without @error when there is none. Blocking:
 * call from a worker. */
GpmJournal  *gpm_plan_open_journal       (GpmPod      *pod,
                                          const char  *typed_address,
                                          const char  *typed_user,
                                          GPtrArray   *all_posts,
                                          gboolean    *out_reset,
                                          GError     **error);

G_END_DECLS
