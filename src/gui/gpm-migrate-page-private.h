/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page-private.h: the migrate page's instance struct and what
 * its files share (gpm-migrate-page.c: the page's life and its buttons;
 * -plan.c: the statement and the aspect rows; -prepare.c: preparing a plan;
 * -run.c: a migration's progress, log, sign-in again and notification;
 * -export.c: "Export to folder"), the way GNOME Text Editor splits
 * editor-window.c. */
#pragma once

#include "gpm-journal.h"
#include "gpm-migrate-page.h"

G_BEGIN_DECLS

/* A private audience of the selection and the aspect it goes to */
typedef struct {
  char  *key;
  char  *label;
  guint  count;        /* selected private posts carrying it */
  char  *aspect;       /* mapped aspect name, NULL: skip */
} PrivateScope;

struct _GpmMigratePage
{
  GtkWidget       parent_instance;

  GtkWidget      *scrolled;
  GtkStack       *stack;
  GtkLabel       *statement_label;
  GtkWidget      *preparing_box;
  GtkLabel       *plan_message_label;
  GtkWidget      *mapping_box;
  GtkWidget      *mapping_title;
  AdwPreferencesGroup *mapping_group;
  GtkSpinButton  *delay_spin;
  GtkWidget      *start_button;
  GtkLabel       *run_title;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkLabel       *waiting_label;
  GtkWidget      *pause_button;
  GtkWidget      *stop_button;
  GtkWidget      *hide_button;
  GtkWidget      *retry_button;
  GtkWidget      *done_button;
  GtkListBox     *log_list;

  GpmPod         *pod;
  GpmTakeout     *takeout;
  GpmJournal     *journal;
  GpmMigrator    *migrator;
  GPtrArray      *posts;
  GPtrArray      *scopes;      /* PrivateScope* */
  GPtrArray      *aspects;     /* GpmPodAspect* */
  GPtrArray      *mapping_rows;
  guint           rows_idle;   /* adding mapping_rows a few at a time */
  guint           n_public;
  guint           n_nothing_own;  /* selected, left out: nothing of the user's own to post */
  guint           n_posted_before;  /* POSTED in the journal when the plan was made */
  GCancellable   *cancellable;
  GTask          *prepare_task;  /* the prepare in progress, if any */
  const char     *status;
  gboolean        exporting;
  guint           n_log_rows;
  guint           delay;
};

/* gpm-migrate-page.c */
void _gpm_migrate_page_emit_post_done      (GpmMigratePage *self,
                                            GpmPost        *post);
void _gpm_migrate_page_emit_finished       (GpmMigratePage *self);
void _gpm_migrate_page_emit_started        (GpmMigratePage *self);

/* gpm-migrate-page-plan.c */
void _gpm_migrate_page_scope_free          (PrivateScope   *scope);
void _gpm_migrate_page_update_statement    (GpmMigratePage *self);
void _gpm_migrate_page_build_mapping_rows  (GpmMigratePage *self);
void _gpm_migrate_page_remove_mapping_rows (GpmMigratePage *self);

/* gpm-migrate-page-run.c */
/* Follows the new self->migrator's progress and events */
void _gpm_migrate_page_connect_migrator    (GpmMigratePage *self);
void _gpm_migrate_page_update_progress     (GpmMigratePage *self);
void _gpm_migrate_page_clear_log           (GpmMigratePage *self);
void _gpm_migrate_page_add_log_row         (GpmMigratePage *self,
                                            const char     *title,
                                            const char     *subtitle,
                                            const char     *icon_name,
                                            const char     *icon_label);
void _gpm_migrate_page_set_running_ui      (GpmMigratePage *self,
                                            gboolean        running);
/* A desktop notification, when the desktop has a notification service */
void _gpm_migrate_page_notify_done         (GpmMigratePage *self,
                                            const char     *title,
                                            const char     *body);

/* For tests */

/* The plain statement of what will happen. */
const char *gpm_migrate_page_get_statement    (GpmMigratePage *self);
/* What went wrong while preparing the plan, "" when nothing did. */
const char *gpm_migrate_page_get_plan_message (GpmMigratePage *self);

G_END_DECLS
