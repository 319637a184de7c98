/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-window-private.h: the window's instance struct and what its files
 * share (gpm-window.c: the pages and the review's wiring; -import.c:
 * recent takeouts and opening; -dnd.c: drops; -actions.c: the win.*
 * actions and their file choosers; -migration.c: the migration, the
 * offer to continue one, and the states the post list shows), the way
 * GNOME Text Editor splits editor-window.c. */
#pragma once

#include "gpm-journal.h"
#include "gpm-window.h"

G_BEGIN_DECLS

struct _GpmWindow
{
  AdwApplicationWindow  parent_instance;

  /* template */
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *drop_box;
  GtkWidget            *back_button;
  GtkWidget            *forward_button;
  GtkWidget            *open_button;
  GtkWidget            *migrate_button;
  GtkMenuButton        *primary_menu_button;
  AdwWindowTitle       *window_title;
  GtkStack             *main_stack;
  AdwStatusPage        *welcome_page;
  GtkWidget            *recent_label;
  GtkListBox           *recent_list;
  GtkProgressBar       *import_progress;
  GtkLabel             *import_posts_label;
  GtkLabel             *import_problems_label;
  GtkRevealer          *problems_revealer;
  GtkLabel             *problems_label;
  AdwLeaflet           *leaflet;
  GpmScopeSidebar      *sidebar;
  GpmPostList          *post_list;
  GpmPreview           *preview;
  GpmMigratePage       *migrate_page;

  GSettings            *settings;
  GpmImport            *import;         /* the running one, or the one shown */
  GpmImport            *shown_import;   /* the one the review page shows */
  GCancellable         *import_cancellable;
  GStrv                 import_paths;
  guint                 pulse_id;
  GtkFileChooserNative *chooser;
  GpmJournal           *state_journal;  /* what the post list's state icons show */
  /* Its rows' states, read in a worker: the migrator's worker holds the
   * journal's connection (and fsyncs under it), so the list must not ask
   * the journal while it binds rows on the main thread. */
  GHashTable           *post_states;    /* journal key → GpmJournalState + 1 */
  GHashTable           *states_pending; /* keys to read again */
  gboolean              states_full;    /* the next read takes every row */
  gboolean              states_loading;
  GCancellable         *states_cancellable;
  AdwToast             *continue_toast; /* "Continue where you left off?", while shown */
  gint64                continue_toast_added; /* when, monotonic µs */
  GpmPlan              *plan;           /* the shown takeout's migration plan (gpm_window_get_plan()) */
  GpmImport            *plan_import;    /* weak: the import self->plan is for */
  GStrv                 continue_audiences; /* the saved plan's ticked audiences, for "Continue" */
  gboolean              continuing;     /* "Continue" was pressed: the saved audiences come back */
  /* Per-post control (gpm-window-posts.c) */
  GHashTable           *post_warnings;  /* GpmPost* → GpmPostWarnings, NULL while checking */
  GCancellable         *checks_cancellable;

  /* gpm-window-background.c */
  GpmApplication       *held;           /* held by the running migration */
  GpmMigrator          *watched;        /* (weak) the running one: its progress in the notification */
  gint64                next_post_at;   /* monotonic µs of the next post while waiting, 0 none */
  GVariant             *resume;         /* the unfinished migration being resumed (a{sv}) */
  guint                 resume_retry_id; /* signing in again for it, the pod not reached yet */
  guint                 resume_files_id; /* its takeout missing: looking for it again */
  guint                 resume_retries;
  gboolean              backgrounded;   /* closed while its migration runs: hidden, not gone */
};

/* gpm-window-import.c */
void        _gpm_window_class_import_init (GtkWidgetClass *widget_class);
void        _gpm_window_import_init       (GpmWindow      *self);
void        _gpm_window_stop_pulse        (GpmWindow      *self);

/* gpm-window-dnd.c */
void        _gpm_window_dnd_init          (GpmWindow      *self);

/* gpm-window-actions.c */
void        _gpm_window_class_actions_init (GtkWidgetClass *widget_class);
void        _gpm_window_actions_init      (GpmWindow      *self);
/* Migrate… and Export… enabled as the page and the loading allow */
void        _gpm_window_update_actions    (GpmWindow      *self);

/* gpm-window-posts.c: per-post control: the plan's posts left out and
 * edited texts in the preview and the list, and the posts with warnings */
void        _gpm_window_posts_init        (GpmWindow      *self);
void        _gpm_window_posts_dispose     (GpmWindow      *self);
/* The review shows @import now: its plan in the list and preview, and the
 * check for warnings started */
void        _gpm_window_posts_show_import (GpmWindow      *self,
                                           GpmImport      *import);
/* The plan changed elsewhere (restored from the journal) */
void        _gpm_window_posts_refresh     (GpmWindow      *self);

/* gpm-window-migration.c */
void        _gpm_window_migration_init    (GpmWindow      *self);
void        _gpm_window_migration_dispose (GpmWindow      *self);
/* The journal whose states the post list shows (NULL: none); they are read
 * from it in a worker. */
void        _gpm_window_set_state_journal (GpmWindow      *self,
                                           GpmJournal     *journal);
/* A post left out or its text edited before any sign-in: kept at once in
 * the journal the plan was restored from at start (the last account's), with
 * the audiences "Continue" brings back; nothing for a plan not restored. */
void        _gpm_window_save_restored_plan (GpmWindow     *self);
/* Looks (in a worker) for the journal of @import's takeout and the last
 * account, and offers to continue when posts of it are on the pod. */
void        _gpm_window_offer_continue    (GpmWindow      *self,
                                           GpmImport      *import);

/* gpm-window-background.c */
void        _gpm_window_background_init   (GpmWindow      *self);
void        _gpm_window_background_dispose (GpmWindow     *self);
/* Closing the window while a migration runs: hides it instead (TRUE). */
gboolean    _gpm_window_background_close  (GpmWindow      *self);
/* A takeout opened to resume a migration: signs in and starts it (TRUE). */
gboolean    _gpm_window_background_imported (GpmWindow    *self);
/* The takeout of a migration being resumed could not be opened: when one
 * of its files is missing (its disk not plugged in or mounted yet at
 * login, a folder moved), says so and opens it again once it is back
 * (TRUE); FALSE when not resuming or nothing is missing. */
gboolean    _gpm_window_background_import_failed (GpmWindow *self);

/* For tests */

/* The posts with warnings found so far (NULL while the check runs). */
GHashTable *gpm_window_get_post_warnings  (GpmWindow      *self);
/* What the "Continue" of the offer to continue does, for @pod signed in:
 * the saved plan's audiences come back ticked and the plan is prepared. */
void        gpm_window_continue_migration (GpmWindow      *self,
                                           GpmPod         *pod);

/* The journal whose states the post list shows: a prepared migration's, or
 * the one found for a takeout partly moved before; NULL if none. */
GpmJournal *gpm_window_get_state_journal  (GpmWindow      *self);
/* The state the post list shows for @post (a GpmJournalState, read from the
 * journal in a worker), -1 for none yet. */
int         gpm_window_get_post_state     (GpmWindow      *self,
                                           GpmPost        *post);

G_END_DECLS
