/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page-private.h: the migrate page's instance struct and what
 * its files share (gpm-migrate-page.c: the page's life and its buttons;
 * -plan.c: the statement and the aspect rows; -prepare.c: preparing a plan;
 * -run.c: a migration's progress, log, sign-in again and notification;
 * -audiences.c: new ticks, their posts chosen in a worker;
 * -export.c: "Export to folder"), the way GNOME Text Editor splits
 * editor-window.c. */
#pragma once

#include "gpm-journal.h"
#include "gpm-migrate-page.h"
#include "gpm-plan.h"

G_BEGIN_DECLS

/* A private audience of the selection and its row */
typedef struct {
  char     *key;
  char     *label;
  guint     count;        /* selected private posts carrying it */
  gboolean  person;       /* a USER scope: in the people's group */
  gboolean  closed;       /* a closed community: its row says so, as the sidebar's does */
} PrivateScope;

struct _GpmMigratePage
{
  GtkWidget       parent_instance;

  GtkWidget      *scrolled;
  GtkStack       *stack;
  GtkLabel       *statement_label;
  GtkLabel       *duration_label;
  GtkLabel       *pace_label;
  GtkLabel       *summary_duration_label;
  GtkWidget      *preparing_box;
  GtkLabel       *plan_message_label;
  GtkWidget      *mapping_box;
  GtkWidget      *mapping_title;
  AdwPreferencesGroup *mapping_group;
  GtkSpinButton  *delay_spin;
  GtkSpinButton  *max_spin;
  GtkWidget      *header_back_button;
  GtkWidget      *header_start_button;
  GtkLabel       *run_title;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkLabel       *waiting_label;
  GtkWidget      *pause_button;
  GtkWidget      *stop_button;
  GtkWidget      *hide_button;
  GtkWidget      *resume_button;
  GtkWidget      *retry_button;
  GtkWidget      *run_view_pod_button; /* the finished run's, as view_pod_button is the plan's */
  GtkWidget      *done_button;
  GtkWidget      *open_folder_button;   /* after an export */
  GtkListBox     *log_list;
  /* the plan when every post it sends is on the pod already (-plan.c) */
  GtkLabel       *plan_title;
  GtkWidget      *duration_box;
  GtkWidget      *done_box;
  GtkLabel       *done_label;
  GtkWidget      *view_pod_button;
  GtkWidget      *more_button;
  GtkWidget      *pace_group;
  GtkWidget      *pace_title;
  AdwPreferencesGroup *pace_rows;
  GtkWidget      *summary_box;
  gboolean        nothing_left;  /* the last count has nothing to send: no Start */
  GHashTable     *left_counts;   /* each private audience's posts not on the pod (key → count), NULL: none is */

  GpmPod         *pod;
  GpmTakeout     *takeout;
  GpmJournal     *journal;
  GpmMigrator    *migrator;
  GpmPlan        *plan;        /* the user's decisions (shared with the window) */
  GPtrArray      *all_posts;   /* every post of the takeout */
  GPtrArray      *posts;       /* the ticked audiences' posts: what a run is given */
  GHashTable     *posted;      /* keys POSTED in the journal when the plan was made */
  GArray         *recent_posted;  /* gint64: the posted_at within 24 hours then of the posts the pod
                                   * account was sent, by any of its journals (the estimate's cap) */
  gint64          last_posted_at; /* the latest posted_at then, 0: none */
  GPtrArray      *scopes;      /* PrivateScope*, not people */
  GPtrArray      *people;      /* PrivateScope*, people */
  GPtrArray      *aspects;     /* GpmPodAspect* */
  GPtrArray      *mapping_rows;
  AdwExpanderRow *people_row;
  AdwComboRow    *people_combo;
  GPtrArray      *person_rows;
  guint           rows_idle;   /* adding mapping_rows a few at a time */
  guint           person_rows_idle;
  guint           n_expected;       /* the posts the running plan sends (the progress's total) */
  guint           count_serial;     /* the statement's latest count (-plan.c): older ones are dropped */
  gboolean        counted;          /* shown_counts holds the last count shown */
  GpmPlanCounts   shown_counts;
  GArray         *shown_sends;      /* gpm_plan_dup_run_sends() of that count: the duration's */
  GCancellable   *cancellable;
  GTask          *prepare_task;  /* the prepare in progress, if any */
  GTask          *select_task;   /* the latest ticks' posts being chosen (-audiences.c), if any */
  guint           select_serial; /* ... the generation: an older tick's result is dropped */
  GTask          *start_task;    /* a run's posts being chosen (-run.c): it has not begun yet */
  guint           start_serial;  /* ... the generation: a stopped start's result is dropped */
  const char     *status;
  gboolean        exporting;
  char           *export_dir;   /* the last export's folder */
  gboolean        aspects_failed;  /* the pod could not list them: private posts are skipped */
  gboolean        updating_rows;   /* setting rows from the plan, not the user */
  guint           n_log_rows;
  guint           delay;
  /* the countdown of the wait the migrator announced */
  guint           countdown_id;
  gint64          wait_until;    /* monotonic µs */
  char           *wait_reason;
  char           *retry_error;   /* non-NULL: the wait is a retry after this error */
};

/* gpm-migrate-page.c */
void _gpm_migrate_page_emit_post_done      (GpmMigratePage *self,
                                            GpmPost        *post);
void _gpm_migrate_page_emit_finished       (GpmMigratePage *self);
void _gpm_migrate_page_emit_started        (GpmMigratePage *self);

/* gpm-migrate-page-plan.c */
void _gpm_migrate_page_scope_free          (PrivateScope   *scope);
/* The private audiences of the plan's selection (self->scopes, ->people) */
void _gpm_migrate_page_collect_scopes      (GpmMigratePage *self);
/* The same for @plan and @posts, in any thread (the prepare's worker) */
void _gpm_migrate_page_dup_scopes          (GpmPlan        *plan,
                                            GPtrArray      *posts,
                                            GPtrArray     **out_scopes,
                                            GPtrArray     **out_people);
void _gpm_migrate_page_update_statement    (GpmMigratePage *self);
/* The pace changed: the duration again from the last count (the pace
 * changes no count), or a count if there is none yet */
void _gpm_migrate_page_update_duration     (GpmMigratePage *self);
/* "Counting the posts…" where the duration goes */
void _gpm_migrate_page_show_counting       (GpmMigratePage *self);
void _gpm_migrate_page_build_mapping_rows  (GpmMigratePage *self);
void _gpm_migrate_page_remove_mapping_rows (GpmMigratePage *self);
/* The plan a start follows: self->plan, without the targets when the
 * pod's aspects could not be listed (new reference) */
GpmPlan *_gpm_migrate_page_dup_effective_plan (GpmMigratePage *self);
/* The pace rows show the plan's */
void _gpm_migrate_page_show_pace           (GpmMigratePage *self);
/* The header bar's Back and Start: shown on the plan, while the page is */
void _gpm_migrate_page_update_header       (GpmMigratePage *self);

/* gpm-migrate-page-prepare.c */
/* The posts of @plan's ticked audiences, each once: a walk over
 * @all_posts, in any thread (new array) */
GPtrArray *_gpm_migrate_page_ticked_posts  (GpmPlan        *plan,
                                            GPtrArray      *all_posts);

/* gpm-migrate-page-audiences.c */
/* The posts of ticks still being chosen in the worker, chosen now (a start
 * or a count right after a tick); nothing when none are */
void _gpm_migrate_page_settle_audiences    (GpmMigratePage *self);
/* The ticks being chosen are dropped (a new plan is prepared) */
void _gpm_migrate_page_drop_audiences      (GpmMigratePage *self);
/* A start takes the ticks still being chosen: the plan has them, their
 * posts are to be chosen again (TRUE); FALSE when none are */
gboolean _gpm_migrate_page_take_audiences  (GpmMigratePage *self);

/* gpm-migrate-page-run.c */
/* Follows the new self->migrator's progress and events */
void _gpm_migrate_page_connect_migrator    (GpmMigratePage *self);
void _gpm_migrate_page_update_progress     (GpmMigratePage *self);
/* A start whose run has not begun (its posts being chosen) is dropped:
 * FALSE when there is none */
gboolean _gpm_migrate_page_drop_start      (GpmMigratePage *self);
/* ... and ends as a stopped run (Stop before the run began) */
void _gpm_migrate_page_cancel_start        (GpmMigratePage *self);
void _gpm_migrate_page_clear_log           (GpmMigratePage *self);
void _gpm_migrate_page_add_log_row         (GpmMigratePage *self,
                                            const char     *title,
                                            const char     *subtitle,
                                            const char     *icon_name,
                                            const char     *icon_label);
/* "View on the Pod": the account's profile on the pod in the browser */
void _gpm_migrate_page_view_pod            (GpmMigratePage *self);

/* gpm-migrate-page-export.c */
/* "Open Folder": the last export's folder in the file manager */
void _gpm_migrate_page_open_export_folder  (GpmMigratePage *self);

void _gpm_migrate_page_set_running_ui      (GpmMigratePage *self,
                                            gboolean        running);
void _gpm_migrate_page_stop_countdown      (GpmMigratePage *self);
/* A desktop notification, when the desktop has a notification service */
void _gpm_migrate_page_notify_done         (GpmMigratePage *self,
                                            const char     *title,
                                            const char     *body);

/* For tests */

/* The plain statement of what will happen. */
const char *gpm_migrate_page_get_statement    (GpmMigratePage *self);
/* What went wrong while preparing the plan, "" when nothing did. */
const char *gpm_migrate_page_get_plan_message (GpmMigratePage *self);
/* "At 100 posts a day: about 155 days, until May 12" */
const char *gpm_migrate_page_get_duration     (GpmMigratePage *self);
/* Every post the plan sends is on the pod already: said so, no Start */
gboolean gpm_migrate_page_is_all_on_pod       (GpmMigratePage *self);
/* What "View on the Pod" opens: the account's profile on the pod */
char *gpm_migrate_page_dup_profile_uri        (GpmMigratePage *self);
/* Started, its posts still being chosen: the run has not begun */
gboolean gpm_migrate_page_is_starting         (GpmMigratePage *self);
/* What the run page says it is waiting for ("Next post in 5 s …") */
const char *gpm_migrate_page_get_waiting      (GpmMigratePage *self);

G_END_DECLS
