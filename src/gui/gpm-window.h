/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "gpm-application.h"
#include "gpm-import.h"
#include "gpm-migrate-page.h"
#include "gpm-post-list.h"
#include "gpm-preview.h"
#include "gpm-scope-sidebar.h"

G_BEGIN_DECLS

#define GPM_TYPE_WINDOW (gpm_window_get_type ())
G_DECLARE_FINAL_TYPE (GpmWindow, gpm_window, GPM, WINDOW, AdwApplicationWindow)

GpmWindow       *gpm_window_new              (GpmApplication *application);

/* Opens @files as one takeout (a zip, the parts of a multi-part set, a .tgz
 * or a folder): shows the import page, indexes in a worker thread, then the
 * review page. What a drop, the file chooser, a recent takeout and the
 * command line all call. */
void             gpm_window_open_files       (GpmWindow  *self,
                                              GFile     **files,
                                              guint       n_files);
/* The drop target's handler: @value holds a GdkFileList. */
gboolean         gpm_window_handle_drop      (GpmWindow    *self,
                                              const GValue *value);
void             gpm_window_choose_takeout   (GpmWindow  *self);
void             gpm_window_add_toast        (GpmWindow  *self,
                                              const char *message);

/* "welcome", "import", "review" or "migrate". */
const char      *gpm_window_get_page         (GpmWindow *self);
/* TRUE while a takeout is read (its first posts may be on the review page
 * already). */
gboolean         gpm_window_is_loading       (GpmWindow *self);
/* The running or finished import, NULL before the first. */
GpmImport       *gpm_window_get_import       (GpmWindow *self);
GpmScopeSidebar *gpm_window_get_sidebar      (GpmWindow *self);
GpmPostList     *gpm_window_get_post_list    (GpmWindow *self);
GpmPreview      *gpm_window_get_preview      (GpmWindow *self);
GpmMigratePage  *gpm_window_get_migrate_page (GpmWindow *self);
/* Review page: "sidebar", "posts" or "preview" (matters when narrow). */
void             gpm_window_show_pane        (GpmWindow  *self,
                                              const char *pane);
/* The posts of the ticked audiences (GpmPost*), in takeout order. */
GPtrArray       *gpm_window_dup_selected_posts (GpmWindow *self);
/* Shows the migrate page for @pod (after a sign-in) and prepares its plan
 * (gpm_migrate_page_prepare_async()); a failure is a toast and the review. */
void             gpm_window_show_migration   (GpmWindow  *self,
                                              GpmPod     *pod);
/* The migration plan of the takeout shown (gpm-plan.h; NULL without one):
 * the posts left out and the texts edited in the review go here, the
 * migrate page shows and keeps it. Main thread only. */
GpmPlan         *gpm_window_get_plan         (GpmWindow  *self);

/* A migration was running when the app last stopped (unfinished-migration). */
gboolean         gpm_window_has_unfinished_migration (void);
/* Offers to go on with it (once agreed, goes on without asking). */
void             gpm_window_offer_resume     (GpmWindow  *self);
/* The progress notification shown while the window is closed, updated now. */
void             gpm_window_update_progress_notification (GpmWindow *self);
/* Goes on with it: opens its takeout, signs in with the keyring's secret,
 * plans the same audiences, aspects and pace, and starts. */
void             gpm_window_resume_unfinished (GpmWindow *self);

G_END_DECLS
