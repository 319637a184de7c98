/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page.h: what will happen, the aspect for each private
 * audience, the pace, Start; then progress, pause/resume, a log with
 * failures and a retry. Also runs "Export to folder" with the same progress. */
#pragma once

#include <adwaita.h>

#include "gpm-migrator.h"
#include "gpm-plan.h"
#include "gpm-pod.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

#define GPM_TYPE_MIGRATE_PAGE (gpm_migrate_page_get_type ())
G_DECLARE_FINAL_TYPE (GpmMigratePage, gpm_migrate_page, GPM, MIGRATE_PAGE, GtkWidget)

/* Shows @plan (its ticked audiences: the selection; kept and changed by
 * the page: the window's) for @takeout (@all_posts: every post of it) on
 * @pod: at once what needs no waiting, then, once the journal is open (in
 * a worker) and the pod has listed its aspects, the aspect rows and Start;
 * the plan is then saved in the journal. A newer call replaces one still
 * in progress (which then fails as cancelled). */
void         gpm_migrate_page_prepare_async  (GpmMigratePage      *self,
                                              GpmPod              *pod,
                                              GpmTakeout          *takeout,
                                              GPtrArray           *all_posts,
                                              GpmPlan             *plan,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     gpm_migrate_page_prepare_finish (GpmMigratePage      *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void         gpm_migrate_page_start         (GpmMigratePage  *self);
/* Exports @posts to @dir, showing the progress. */
void         gpm_migrate_page_export        (GpmMigratePage  *self,
                                             GpmTakeout      *takeout,
                                             GPtrArray       *posts,
                                             const char      *dir);
gboolean     gpm_migrate_page_is_running    (GpmMigratePage  *self);
/* Stops after the current step (nothing is left half done). */
void         gpm_migrate_page_stop          (GpmMigratePage  *self);
/* Maps a private scope key to an aspect name, NULL to skip (what the combo rows do). */
void         gpm_migrate_page_map_scope     (GpmMigratePage  *self,
                                             const char      *scope_key,
                                             const char      *aspect_name);
/* The same for any target (GPM_PLAN_PEOPLE_KEY: every person without a
 * choice of their own). */
void         gpm_migrate_page_set_target    (GpmMigratePage  *self,
                                             const char      *scope_key,
                                             GpmPlanTarget    target,
                                             const char      *aspect_name);
/* The plan shown (NULL before the first prepare). */
GpmPlan     *gpm_migrate_page_get_plan      (GpmMigratePage  *self);
/* The ticked audiences changed (the sidebar); their posts are chosen in a
 * worker. Before Start: the plan has them at once, TRUE. During a run: the
 * posts not sent yet follow them (TRUE, the plan is saved), or, when the
 * run cannot take the change, FALSE and @error says why. Newer ticks
 * before the posts are chosen replace these: G_IO_ERROR_CANCELLED. */
void         gpm_migrate_page_update_audiences_async  (GpmMigratePage      *self,
                                                       const char * const  *scope_keys,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean     gpm_migrate_page_update_audiences_finish (GpmMigratePage      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* Keeps the page's plan in its journal now (gpm_plan_save_async(): in a
 * worker, one save at a time per journal, the last one asked for last);
 * nothing without a prepared plan. */
void         gpm_migrate_page_save_plan        (GpmMigratePage     *self);
/* Shows the header bar's Back and Start in @bar (the window's): on the
 * plan only, while the page is shown. */
void         gpm_migrate_page_attach_header (GpmMigratePage  *self,
                                             AdwHeaderBar    *bar);
/* Seconds between two posts for the next start; values under the
 * preferences' minimum are only taken from here (tests, benchmarks). */
void         gpm_migrate_page_set_delay     (GpmMigratePage  *self,
                                             guint            seconds);
/* Posts per 24 hours for the next start (1 to 10000, as in preferences). */
void         gpm_migrate_page_set_max_per_day (GpmMigratePage *self,
                                               guint           max_per_day);
GpmMigrator *gpm_migrate_page_get_migrator  (GpmMigratePage  *self);
/* Pauses a running migration after the current step, or resumes a paused one. */
void         gpm_migrate_page_toggle_pause  (GpmMigratePage  *self);
/* The journal of the prepared migration, NULL before. */
GpmJournal  *gpm_migrate_page_get_journal   (GpmMigratePage  *self);
/* "plan", "running", "paused", "done" or "stopped". */
const char  *gpm_migrate_page_get_status    (GpmMigratePage  *self);

/* Signals: "close" (the user is done with the page),
 *          "started" (a migration run started: gpm_migrate_page_start),
 *          "post-done" (GpmPost *post: its journal state changed),
 *          "finished" (the run or export ended). */

G_END_DECLS
