/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-gui-util.h: small text helpers the post list and preview share; the
 * dialogs' size. */
#pragma once

#include <glib.h>

#include <gio/gio.h>
#include <adwaita.h>

#include "gpm-post.h"

G_BEGIN_DECLS

/* Locale-formatted creation date ("15/07/2018"), or "No date". */
char       *gpm_gui_format_post_date      (GpmPost *post);
char       *gpm_gui_format_post_date_time (GpmPost *post);
char       *gpm_gui_format_audience       (GpmPost *post);
/* A short human name for a scope: "Public", "Your circles", "Family". */
const char *gpm_gui_scope_label           (const GpmScope *scope);
gboolean    gpm_gui_scope_is_private      (const GpmScope *scope);
/* Escapes text for inclusion in HTML. */
char       *gpm_gui_html_escape           (const char *text);

/* A pod or migration error in words a non-technical person understands. */
char       *gpm_gui_error_message        (const GError *error);

/* @message without raw HTTP status codes ("HTTP 422", "(error 503)"). */
char       *gpm_gui_strip_http_codes     (const char *message);

/* @window (a dialog, not shown yet) opens no wider or taller than the
 * window it belongs to (a narrow window, a phone's screen) where its
 * default size would be: its labels wrap and its rows shrink to fit. */
void        gpm_gui_fit_to_parent        (GtkWindow *window);
/* @window's width for a toast (gpm_gui_toast_new()): as laid out, or, before
 * its first layout (a takeout given on the command line that cannot be
 * opened), the width it opens with; 0 when neither is known */
int         gpm_gui_window_width         (GtkWindow *window);
/* A toast saying @title on as many lines as it takes in a window @width
 * wide (libadwaita 1.2 cuts its title short to one line: a question at its
 * end was lost at 400 px) */
AdwToast   *gpm_gui_toast_new            (const char *title,
                                          int         width);

/* Wherever @label says @name (an account, "alice@pod.example.org", or a
 * pod's address), its lines break only before its '@' and dots, never
 * in the middle of one of its parts (German's long words left a long name
 * cut mid-word); a name that fits a line is never broken. Call it once the
 * label has its text (the text gets zero-width spaces; the label's own
 * attributes are replaced). */
void        gpm_gui_label_keep_name      (GtkLabel   *label,
                                          const char *name);

/* @button's label wraps where the window is too narrow for it in one line
 * (a long translation), centered; call again after gtk_button_set_label()
 * made a new label (a mnemonic changed) */
void        gpm_gui_wrap_button_label    (GtkButton *button);

G_END_DECLS
