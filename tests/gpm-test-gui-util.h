/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-test-gui-util.h: helpers the UI tests and the GUI benchmark share. */
#pragma once

#include <adwaita.h>

#include "gpm-sign-in-dialog.h"
#include "gpm-test-pod.h"
#include "gpm-window.h"

G_BEGIN_DECLS

/* Initialises GTK (FALSE when there is no display) and a registered,
 * non-unique GpmApplication. */
gboolean        gpm_test_gui_init        (int *argc, char ***argv);
GpmApplication *gpm_test_gui_get_app     (void);
/* Every key of the app's settings back to its default (the memory backend
 * keeps what a test set for the tests after it: the last account's plan
 * came back with the next window). */
void            gpm_test_gui_reset_settings (void);
/* Removes what the app keeps for a user besides settings: the journals and
 * remembered accounts (XDG_DATA_HOME), the autostart file, and the keyring's
 * items of the app's schema when run-with-keyring.sh made the keyring.
 * Asserts the data and config folders are temporary ones. */
void            gpm_test_gui_reset_user_files (void);
/* g_test_add_func() for a UI test: it starts from the settings and files of
 * a new user (gpm_test_gui_reset_settings(), gpm_test_gui_reset_user_files()),
 * whichever tests ran before. */
void            gpm_test_gui_add_func    (const char *testpath,
                                          GTestFunc   test_func);
/* g_test_run() of the tests added so far: in the order added, or with
 * GPM_TEST_GUI_SHUFFLE set in an order drawn from the run's random seed
 * (the TAP output names it; --seed=SEED runs that order again). */
int             gpm_test_gui_run         (void);
/* The process when the renderer was chosen (its environment variable set):
 * its threads then and when gpm_test_gui_init() began, and whether GTK was
 * initialised. */
void            gpm_test_gui_get_renderer_choice (guint    *out_threads_at_start,
                                                  guint    *out_threads_at_choice,
                                                  gboolean *out_gtk_ready);

/* Iterates the default main context until @cond returns TRUE, at most
 * @max_seconds. Returns the last @cond value. */
typedef gboolean (*GpmTestCond) (gpointer data);
gboolean        gpm_test_gui_wait        (GpmTestCond cond,
                                          gpointer    data,
                                          guint       max_seconds);

/* Writes a takeout folder under @dir: "Takeout/Google+ Stream/Posts/…". */
typedef struct {
  const char *file;      /* "20180101 - Post.json" */
  const char *json;      /* full post JSON, or broken text */
} GpmTestPostFile;
void            gpm_test_gui_write_takeout (const char            *dir,
                                            const GpmTestPostFile *posts,
                                            guint                  n_posts);

/* What most UI tests start from: a takeout of @posts written in a new
 * temporary folder (g_dir_make_tmp() of @tmp_template; no posts written
 * when @posts is NULL) and, from gpm_test_gui_pod_takeout_new(), a test pod
 * on 127.0.0.1 (any free port). The free stops the pod and deletes the
 * folder. */
typedef struct {
  GpmTestPod *pod;       /* NULL from gpm_test_gui_takeout_new() */
  char       *tmp;       /* the temporary folder */
  char       *takeout;   /* its "Takeout" folder */
  const char *paths[2];  /* { takeout, NULL }: what a drop of it delivers */
} GpmTestGuiPodTakeout;

GpmTestGuiPodTakeout *gpm_test_gui_pod_takeout_new  (const char            *tmp_template,
                                                     const GpmTestPostFile *posts,
                                                     guint                  n_posts);
GpmTestGuiPodTakeout *gpm_test_gui_takeout_new      (const char            *tmp_template,
                                                     const GpmTestPostFile *posts,
                                                     guint                  n_posts);
void                  gpm_test_gui_pod_takeout_free (GpmTestGuiPodTakeout  *fixture);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpmTestGuiPodTakeout, gpm_test_gui_pod_takeout_free)

/* The post of @window's takeout whose content is @content (asserts one is). */
GpmPost        *gpm_test_gui_post_with   (GpmWindow  *window,
                                          const char *content);

/* Drops @paths on @window the way a drag and drop delivers them. */
gboolean        gpm_test_gui_drop_paths  (GpmWindow          *window,
                                          const char * const *paths);

/* Waits until the window reaches the review page (or gives up). */
gboolean        gpm_test_gui_wait_review (GpmWindow *window);
/* Waits until the post list has finished filtering. */
void            gpm_test_gui_wait_list   (GpmWindow *window);

/* Drops @paths and waits for the review (asserted) and its list. */
void            gpm_test_gui_open        (GpmWindow          *window,
                                          const char * const *paths);

/* gpm_test_gui_open(), then ticks every scope (the "everything" preset)
 * and waits for the list again. */
void            gpm_test_gui_open_everything (GpmWindow          *window,
                                              const char * const *paths);
/* Activates win.migrate and returns the sign-in dialog it opened (the test
 * fails if none did), told there is no web browser to open. */
GpmSignInDialog *gpm_test_gui_open_sign_in (GpmWindow *window);

/* Waits (up to a minute) until the sign-in dialog is at @step
 * ("password", …); aborts the test with the dialog's step and message if not. */
void            gpm_test_gui_wait_sign_in_step (GpmSignInDialog *dialog,
                                                const char      *step);
/* Wait conditions the UI tests share: the window shows its migrate page;
 * the migrate page's run is done or stopped. */
gboolean        gpm_test_gui_on_migrate_page (gpointer window);
gboolean        gpm_test_gui_run_ended       (gpointer page);
/* The migrate page's statement names an aspect (its plan is ready), or
 * says that everything it sends is on the pod already. */
gboolean        gpm_test_gui_statement_ready (gpointer page);
/* The first widget under @widget, itself included and depth first, that
 * @match accepts, or NULL; with @shown_only, hidden widgets and everything
 * below them are passed over. */
typedef gboolean (*GpmTestWidgetMatch) (GtkWidget *widget,
                                        gpointer   data);
GtkWidget      *gpm_test_gui_find_widget (GtkWidget          *widget,
                                          gboolean            shown_only,
                                          GpmTestWidgetMatch  match,
                                          gpointer            data);
/* Matches for it: a widget of the GType in GSIZE_TO_POINTER (type); a label
 * or button whose text contains the string @data (zero-width spaces in it
 * ignored). */
gboolean        gpm_test_gui_widget_is_type  (GtkWidget *widget,
                                              gpointer   type);
gboolean        gpm_test_gui_widget_has_text (GtkWidget *widget,
                                              gpointer   text);
/* A visible toplevel window of @type (the first listed), or NULL. */
GtkWindow      *gpm_test_gui_find_toplevel (GType type);
/* The sign-in dialog on screen, or NULL. */
GpmSignInDialog *gpm_test_gui_find_sign_in_dialog (void);

/* The app's strings in @language from now on ("de", "fr"; "C": untranslated),
 * from the catalogs the build made (LANGUAGE, as a user sets it); widgets
 * made after this call show it. */
void            gpm_test_gui_set_language (const char *language);

/* Deletes @path and everything below it (a test's temporary folder). */
void            gpm_test_rm_rf            (const char *path);

/* Fails, naming both, when two labels shown (mapped) under @root have the
 * same mnemonic: Alt and the letter then only moves the focus between them
 * instead of pressing the one meant. @what says where, for the message. */
void            gpm_test_gui_assert_mnemonics_unique (GtkWidget  *root,
                                                      const char *what);
/* The same for labels that can be shown together ("_Pause", "S_top"):
 * translated in the text domain's current language. */
void            gpm_test_gui_assert_labels_mnemonics_unique (const char * const *labels,
                                                             const char         *what);

G_END_DECLS
