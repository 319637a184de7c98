/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-journal.h: the migration journal, an SQLite database (WAL) with one row
 * per post of a takeout for one pod account. It is written before and after
 * every remote step and is the only source of truth for "was this posted?".
 *
 * One database per takeout × account, under
 * $XDG_DATA_HOME/gplus-migrate/journal-HASH.sqlite. Every call is thread-safe
 * (one connection behind a mutex) and committed before it returns.
 *
 * Durability: ATTEMPTING is committed with synchronous=FULL, so it is on the
 * disk before the post request leaves; with WAL, that sync also covers every
 * earlier commit. The other writes use synchronous=NORMAL: they survive a
 * killed process at once, and a power cut from the next FULL commit or
 * gpm_journal_flush() on. Whatever a power cut loses after an attempt leaves
 * the row ATTEMPTING, which is resolved on the pod like after any crash. */
#pragma once

#include <gio/gio.h>

#include "gpm-post.h"

G_BEGIN_DECLS

#define GPM_JOURNAL_ERROR (gpm_journal_error_quark ())
typedef enum {
  GPM_JOURNAL_ERROR_DATABASE,    /* SQLite failed (message says why) */
  GPM_JOURNAL_ERROR_MISMATCH,    /* the file belongs to another takeout or account; the takeout is
                                  * not the one the journal's posts came from (gpm_journal_ensure_posts()) */
  GPM_JOURNAL_ERROR_BUSY,        /* another migration holds the journal's lock */
  GPM_JOURNAL_ERROR_NOT_FOUND,   /* no row for this post */
} GpmJournalError;
GQuark gpm_journal_error_quark (void);

/* Stored as these names in the database ("pending", "uploading", …). */
typedef enum {
  GPM_JOURNAL_STATE_PENDING,     /* nothing sent yet */
  GPM_JOURNAL_STATE_UPLOADING,   /* uploading photos; remote ids recorded one by one */
  GPM_JOURNAL_STATE_ATTEMPTING,  /* the post request may be on its way: check before retrying */
  GPM_JOURNAL_STATE_POSTED,      /* on the pod: remote id, guid, time */
  GPM_JOURNAL_STATE_FAILED,      /* gave up for now: reason */
  GPM_JOURNAL_STATE_SKIPPED,     /* not to be posted: reason (no aspect mapping, by the user) */
  GPM_JOURNAL_N_STATES
} GpmJournalState;

const char *gpm_journal_state_to_string   (GpmJournalState state);
gboolean    gpm_journal_state_from_string (const char      *str,
                                           GpmJournalState *out_state);

#define GPM_TYPE_JOURNAL_ENTRY (gpm_journal_entry_get_type ())

/* A copy of one row. */
typedef struct {
  char            *key;          /* the post's resourceName, else its entry name */
  char            *entry_name;
  gint64           created;      /* the post's creationTime, Unix seconds (0 unknown) */
  GpmJournalState  state;
  guint            attempts;     /* post requests sent (or possibly sent) */
  char            *text;         /* the exact text last sent, NULL before the first attempt */
  char            *visibility;   /* "public" or "aspect:ID:NAME", NULL before the first attempt */
  char            *remote_id;    /* POSTED: the pod's id */
  char            *guid;         /* POSTED: the pod's guid */
  gint64           posted_at;    /* POSTED: Unix seconds */
  char            *reason;       /* FAILED / SKIPPED: why, in plain words */
  gint64           updated_at;   /* Unix seconds */
  gboolean         by_user;      /* SKIPPED because the user said so: the migrator leaves it alone */
  gboolean         late;         /* ATTEMPTING: the pod may still save the post; its answer never
                                  * came (sent, a timeout, a cut connection, a kill in the middle
                                  * of the request, 502/504). FALSE once a definite answer was
                                  * recorded (gpm_journal_set_answered()) */
  gint64           attempted_at; /* ATTEMPTING: when the post request was sent, Unix seconds */
} GpmJournalEntry;

GType            gpm_journal_entry_get_type (void) G_GNUC_CONST;
GpmJournalEntry *gpm_journal_entry_copy     (const GpmJournalEntry *entry);
void             gpm_journal_entry_free     (GpmJournalEntry       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmJournalEntry, gpm_journal_entry_free)

#define GPM_TYPE_JOURNAL (gpm_journal_get_type ())
G_DECLARE_FINAL_TYPE (GpmJournal, gpm_journal, GPM, JOURNAL, GObject)

/* The key a post is journaled under: its resourceName, else its entry name. */
const char  *gpm_journal_post_key       (GpmPost *post);

/* A stable identity for a takeout, whatever its packaging (one zip, parts,
 * tgz or folder): "author:users/ID" from the posts' author, else
 * "posts:SHA256" of the sorted post keys. @posts: every GpmPost* of the
 * takeout, not only the selected ones. */
char        *gpm_journal_takeout_identity (GPtrArray *posts);

/* The account a journal belongs to, canonical: "username@host[:port]" of
 * the normalised pod address (gpm_pod_normalize_address), the user name
 * trimmed and lower-cased as diaspora does ("Alice " is alice). A
 * @username with "@" is a whole diaspora ID (what the pod says for the
 * signed-in account: gpm_pod_dup_diaspora_id(), the same however the pod's
 * address was typed) and is only trimmed and lower-cased. */
char        *gpm_journal_account_name   (const char *pod_address,
                                         const char *username);
/* The one journal of @takeout_identity for an account, wherever an earlier
 * run filed it: the rule every caller (CLI, GUI) uses.
 * @account: gpm_journal_account_name() of the pod's final address and,
 * once signed in, its diaspora ID; @typed_account: the same of the address
 * and name as typed (NULL: none), remembered as an alias so that a run
 * without signing in (status, a dry run) finds the journal too; @guid: the
 * account's person guid from the pod (NULL before signing in). Picks the
 * journal of @account kept for @guid, else one kept for @guid under
 * another name or address, else @account's own (gpm_journal_bind_account()
 * then notices that another person is behind it), else one that knows
 * @account or @typed_account as an alias. None: a new one at the default
 * path for @account when @create, else NULL without @error. */
GpmJournal  *gpm_journal_open_for_account (const char  *takeout_identity,
                                           const char  *account,
                                           const char  *typed_account,
                                           const char  *guid,
                                           gboolean     create,
                                           GError     **error);

/* $XDG_DATA_HOME/gplus-migrate/journal-HASH.sqlite, HASH from
 * @takeout_identity and @account ("user@pod.example"). */
char        *gpm_journal_default_path   (const char *takeout_identity,
                                         const char *account);

/* Opens (creating if needed, with its parent folders) the journal at @path.
 * When the file already records a takeout identity or account different from
 * those given, fails with GPM_JOURNAL_ERROR_MISMATCH. */
GpmJournal  *gpm_journal_open           (const char  *path,
                                         const char  *takeout_identity,
                                         const char  *account,
                                         GError     **error);
/* gpm_journal_open() at gpm_journal_default_path(). */
GpmJournal  *gpm_journal_open_default   (const char  *takeout_identity,
                                         const char  *account,
                                         GError     **error);

const char  *gpm_journal_get_path       (GpmJournal *self);
const char  *gpm_journal_get_account    (GpmJournal *self);
const char  *gpm_journal_get_takeout_identity (GpmJournal *self);

/* Ties the journal to the account's person guid on the pod. The first guid
 * is stored; a different one later means the account was deleted and made
 * again (or the pod was set up afresh) and nothing recorded is on it any
 * more: every row is dropped (the history keeps a "reset" event) and
 * *@out_reset is set. A NULL @guid (not known yet) changes nothing. */
gboolean     gpm_journal_bind_account   (GpmJournal  *self,
                                         const char  *guid,
                                         gboolean    *out_reset,
                                         GError     **error);

/* The guid gpm_journal_bind_account() stored, or NULL. */
char        *gpm_journal_dup_account_guid (GpmJournal *self);

/* An exclusive advisory lock (a .lock file next to the database, removed
 * at unlock or finalize) held until then, released by the kernel if the
 * process dies (the file stays until the next release). Only one
 * migration may write a journal at a time; readers (status) need no lock.
 * Fails with GPM_JOURNAL_ERROR_BUSY when someone else holds it. */
gboolean     gpm_journal_lock           (GpmJournal  *self,
                                         GError     **error);
void         gpm_journal_unlock         (GpmJournal  *self);

/* Adds a PENDING row for @post unless one exists (whatever its state). */
gboolean     gpm_journal_ensure_post    (GpmJournal  *self,
                                         GpmPost     *post,
                                         GError     **error);
/* gpm_journal_ensure_post() for every GpmPost* of @posts, in one transaction.
 * First checks that @posts are the takeout the journal's rows came from: a
 * post whose key the journal has with another creation time (a different
 * takeout put at the same path) fails the whole call with
 * GPM_JOURNAL_ERROR_MISMATCH and changes nothing. The same posts
 * downloaded again pass. */
gboolean     gpm_journal_ensure_posts   (GpmJournal  *self,
                                         GPtrArray   *posts,
                                         GError     **error);
/* Same, from plain values. */
gboolean     gpm_journal_ensure         (GpmJournal  *self,
                                         const char  *key,
                                         const char  *entry_name,
                                         gint64       created,
                                         GError     **error);

/* A copy of @key's row, or NULL (and GPM_JOURNAL_ERROR_NOT_FOUND). */
GpmJournalEntry *gpm_journal_lookup     (GpmJournal  *self,
                                         const char  *key,
                                         GError     **error);
/* TRUE only when @key's row is POSTED. */
gboolean     gpm_journal_is_posted      (GpmJournal  *self,
                                         const char  *key);

/* Transitions. Each is one transaction (row + history event), durable when
 * it returns. A POSTED row never changes again. An ATTEMPTING row may only go
 * to POSTED, FAILED, UPLOADING or ATTEMPTING: the caller must have checked
 * the pod for the attempt first. */
gboolean     gpm_journal_set_uploading  (GpmJournal  *self,
                                         const char  *key,
                                         GError     **error);
/* Remote id of photo @index of @key's post, uploaded to the pod. */
gboolean     gpm_journal_add_photo      (GpmJournal  *self,
                                         const char  *key,
                                         guint        index,
                                         const char  *source,
                                         const char  *remote_id,
                                         GError     **error);
/* The remote id recorded for photo @index, or NULL. */
char        *gpm_journal_get_photo      (GpmJournal  *self,
                                         const char  *key,
                                         guint        index);
/* Remote ids of @key's photos in index order (char*, owned). */
GPtrArray   *gpm_journal_get_photos     (GpmJournal  *self,
                                         const char  *key);
/* Forgets the recorded photos (when the pod no longer has them). */
gboolean     gpm_journal_clear_photos   (GpmJournal  *self,
                                         const char  *key,
                                         GError     **error);
/* Before the create-post request: stores the exact @text and @visibility,
 * counts one attempt, records its time and marks it "late" (the answer may
 * still come) until gpm_journal_set_answered(). */
gboolean     gpm_journal_set_attempting (GpmJournal  *self,
                                         const char  *key,
                                         const char  *text,
                                         const char  *visibility,
                                         GError     **error);
/* The pod answered the ATTEMPTING row's request and nothing more will come
 * of it: a refusal that saved nothing (503, 429, 4xx), or an answer after
 * which whatever it saved is visible at once (500, 403/422). The row stays
 * ATTEMPTING with its attempt time (the pod is looked at before the post
 * goes again), but is no longer "late": a restart looks once instead of
 * waiting for a late save. @why: for the history. */
gboolean     gpm_journal_set_answered   (GpmJournal  *self,
                                         const char  *key,
                                         const char  *why,
                                         GError     **error);
/* @posted_at: Unix seconds, 0 for now. */
gboolean     gpm_journal_set_posted     (GpmJournal  *self,
                                         const char  *key,
                                         const char  *remote_id,
                                         const char  *guid,
                                         gint64       posted_at,
                                         GError     **error);
/* An ATTEMPTING row whose post the pod stored without all of its photos:
 * records that copy (@remote_id, @guid in the row's remote_id and guid,
 * the row stays ATTEMPTING) before it is deleted, so that a process killed
 * in between deletes it on the next run. */
gboolean     gpm_journal_set_incomplete (GpmJournal  *self,
                                         const char  *key,
                                         const char  *remote_id,
                                         const char  *guid,
                                         GError     **error);
/* The incomplete copy is gone from the pod: forgets it (still ATTEMPTING). */
gboolean     gpm_journal_clear_incomplete (GpmJournal  *self,
                                           const char  *key,
                                           GError     **error);
gboolean     gpm_journal_set_failed     (GpmJournal  *self,
                                         const char  *key,
                                         const char  *reason,
                                         GError     **error);
gboolean     gpm_journal_set_skipped    (GpmJournal  *self,
                                         const char  *key,
                                         const char  *reason,
                                         GError     **error);
/* The user does not want this post moved, even when its audience is
 * selected: SKIPPED with by_user set, until gpm_journal_set_pending(). */
gboolean     gpm_journal_set_skipped_by_user (GpmJournal  *self,
                                              const char  *key,
                                              GError     **error);
/* Back to PENDING (a retry of a FAILED or SKIPPED post), keeping the
 * attempts count and the photos. Refuses POSTED and ATTEMPTING rows: an
 * attempt must be resolved by looking at the pod first. */
gboolean     gpm_journal_set_pending    (GpmJournal  *self,
                                         const char  *key,
                                         GError     **error);

/* Makes every commit so far durable against a power cut (end of a run). */
gboolean     gpm_journal_flush          (GpmJournal  *self,
                                         GError     **error);

/* Every row (GpmJournalEntry*), oldest post first. */
GPtrArray   *gpm_journal_list           (GpmJournal  *self,
                                         GError     **error);
/* The rows in @state only, oldest post first: a run's start looks for
 * the attempts a process left (a handful) among every post's row. */
GPtrArray   *gpm_journal_list_in_state  (GpmJournal       *self,
                                         GpmJournalState   state,
                                         GError          **error);
/* Rows per state; @counts has GPM_JOURNAL_N_STATES elements. */
gboolean     gpm_journal_count          (GpmJournal  *self,
                                         guint       *counts,
                                         GError     **error);
/* The posted_at (Unix seconds, gint64) of the posts marked POSTED at or
 * after @since: what holds the daily cap (the estimate's). */
GArray      *gpm_journal_posted_times_since (GpmJournal *self,
                                             gint64      since);
/* The same of every journal of this one's pod account (this one and the
 * others in the data folder with the same account, or bound to the same
 * person on the pod: other takeouts posted into it): what holds the daily
 * cap, which protects the account, the migrator's and the estimate's. Reads
 * the other journals read-only (a few files): not on the UI thread. */
GArray      *gpm_journal_account_posted_times_since (GpmJournal *self,
                                                     gint64      since);
/* Moves the posted_at of POSTED rows later than @now (Unix seconds) back
 * to @now: the wall clock was set back since they were sent. Counted as
 * sent now, they hold the daily cap for 24 hours from now, not until the
 * clock is back where it was (days without posting). The number moved. */
guint        gpm_journal_clamp_posted_at (GpmJournal *self,
                                          gint64      now);
/* The latest posted_at, 0 if nothing was posted. */
gint64       gpm_journal_last_posted_at (GpmJournal *self);
/* The keys of the posts marked POSTED (a set of strings): what is on the
 * pod already, for the plan's counts (gpm_plan_count_with_posted()). */
GHashTable  *gpm_journal_dup_posted_keys (GpmJournal *self);
/* Every row's state: key → GINT_TO_POINTER (GpmJournalState + 1) (the
 * keys copied), what gpm_journal_list() says of the states without the
 * rest of each row (77,693 whole rows held 19 MB); NULL on error. */
GHashTable  *gpm_journal_dup_states     (GpmJournal  *self,
                                         GError     **error);
/* TRUE when a row other than @except_key is POSTED with @remote (its remote
 * id or guid): a pod post already accounted for. */
gboolean     gpm_journal_remote_is_claimed (GpmJournal *self,
                                            const char *remote,
                                            const char *except_key);

/* ---- the user's own comments under a migrated post (issue 15) ----
 * One row per comment (@index: its place among the post's own comments),
 * written like a post's: ATTEMPTING with the exact text before the request
 * (durable at once), then POSTED with the pod's id, or FAILED with why. A
 * POSTED comment row never changes again. */
#define GPM_TYPE_JOURNAL_COMMENT (gpm_journal_comment_get_type ())
typedef struct {
  guint            index;
  GpmJournalState  state;       /* ATTEMPTING, POSTED or FAILED */
  char            *text;        /* the exact text last sent */
  char            *remote_id;   /* POSTED: the comment's guid on the pod */
  char            *reason;      /* FAILED: why */
  gint64           updated_at;  /* Unix seconds */
  gboolean         late;        /* ATTEMPTING: its answer never came, the pod may still save it
                                 * (as a post's; gpm_journal_set_comment_answered()) */
  gint64           attempted_at; /* ATTEMPTING: when it was sent, Unix seconds */
} GpmJournalComment;
GType              gpm_journal_comment_get_type (void) G_GNUC_CONST;
GpmJournalComment *gpm_journal_comment_copy     (const GpmJournalComment *comment);
void               gpm_journal_comment_free     (GpmJournalComment       *comment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmJournalComment, gpm_journal_comment_free)

/* The rows of @post_key's comments, by index (GpmJournalComment*). */
GPtrArray   *gpm_journal_list_comments          (GpmJournal  *self,
                                                 const char  *post_key);
gboolean     gpm_journal_set_comment_attempting (GpmJournal  *self,
                                                 const char  *post_key,
                                                 guint        index,
                                                 const char  *text,
                                                 GError     **error);
/* The pod answered the comment's attempt and nothing more will come of it
 * (like gpm_journal_set_answered() for a post): still ATTEMPTING, no
 * longer late. */
gboolean     gpm_journal_set_comment_answered   (GpmJournal  *self,
                                                 const char  *post_key,
                                                 guint        index,
                                                 const char  *why,
                                                 GError     **error);
gboolean     gpm_journal_set_comment_posted     (GpmJournal  *self,
                                                 const char  *post_key,
                                                 guint        index,
                                                 const char  *remote_id,
                                                 GError     **error);
gboolean     gpm_journal_set_comment_failed     (GpmJournal  *self,
                                                 const char  *post_key,
                                                 guint        index,
                                                 const char  *reason,
                                                 GError     **error);
/* Every own comment of @post_key was handled: later runs need not read the
 * post again. */
gboolean     gpm_journal_set_comments_done      (GpmJournal  *self,
                                                 const char  *post_key,
                                                 GError     **error);
gboolean     gpm_journal_comments_done          (GpmJournal  *self,
                                                 const char  *post_key);

/* ---- the migration plan (gpm-plan.h, issue 17) ----
 * Rows the plan module writes and reads; the journal only keeps them, so
 * that the plan lives with the record of what it sent. */
typedef struct {
  char *part;   /* "meta", "audience", "target", "excluded", "text", "pace", "option" */
  char *key;
  char *value;  /* never NULL once stored */
} GpmJournalPlanRow;
void         gpm_journal_plan_row_free  (GpmJournalPlanRow *row);
/* Replaces the kept plan with @rows (GpmJournalPlanRow*), in one transaction. */
gboolean     gpm_journal_replace_plan   (GpmJournal  *self,
                                         GPtrArray   *rows,
                                         GError     **error);
/* The kept rows, by part and key; empty when no plan was saved. */
GPtrArray   *gpm_journal_list_plan      (GpmJournal  *self,
                                         GError     **error);

G_END_DECLS
