/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-util.h: small helpers the core modules share. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Runs @func(@data) once in @context's loop, from any thread; @notify frees
 * @data afterwards. Unlike g_main_context_invoke(), never runs @func in the
 * calling thread, even when no thread owns @context: worker threads use it
 * to hand results and progress to the thread that started them. */
void gpm_main_context_post (GMainContext   *context,
                            int             priority,
                            const char     *name,
                            GSourceFunc     func,
                            gpointer        data,
                            GDestroyNotify  notify);

/* Drops a reference to @object (NULL is fine) in a worker thread: for the
 * GUI's last reference to an object whose finalize blocks on the disk (a
 * GpmJournal closing its SQLite database checkpoints the WAL). */
void gpm_object_unref_in_worker (gpointer object);

/* g_object_ref() as a GCopyFunc, for g_ptr_array_copy() of objects (a
 * cast of g_object_ref itself is a cast between function types). */
gpointer gpm_object_ref_copy (gconstpointer object,
                              gpointer      user_data);

/* g_task_run_in_thread() that never leaves the last reference to @task in
 * the worker. GTask's worker drops its own reference after it has queued
 * the callback, so when the callback runs first (the worker preempted) the
 * task, its source object and its data are finalized in the worker: a
 * window or page finalized there tears down GTK and WebKit off the main
 * thread (WebKit aborts without a word). Here the task is released in its
 * own context, after the callback; only a bookkeeping task ends in the
 * worker. @task_func gets @task as from g_task_run_in_thread(); the
 * callback may run as soon as it returns a result, so it returns last. */
void gpm_task_run_in_thread (GTask           *task,
                             GTaskThreadFunc  task_func);

/* Lenient json-glib reads for data from outside (Takeout JSON): a member of
 * the wrong type is treated as absent, never a critical. @obj may be NULL. */
JsonObject *gpm_json_get_object       (JsonObject *obj,
                                       const char *member);
JsonArray  *gpm_json_get_array        (JsonObject *obj,
                                       const char *member);
const char *gpm_json_get_string       (JsonObject *obj,
                                       const char *member,
                                       const char *fallback);
/* The @index-th element if it is an object, else NULL. */
JsonObject *gpm_json_array_get_object (JsonArray  *array,
                                       guint       index);

/* Binds the app's gettext domain (UTF-8) and makes it the default: to the
 * installed translations, or to $GPM_LOCALEDIR when set, which `meson
 * devenv` sets to the build tree's po/ so the uninstalled build from the
 * README is translated too (LANGUAGE=de). */
void gpm_i18n_init (void);

/* The wall clock (µs since the epoch, UTC) that the journal's times and
 * the migrator's pacing read: g_get_real_time() plus an offset that only
 * tests set (gpm_set_real_time_offset()), to stand for a night of
 * suspend or a clock set back without waiting for it. */
gint64 gpm_get_real_time        (void);
void   gpm_set_real_time_offset (gint64 usec);

/* @text with the '#' of every hashtag longer than diaspora* takes
 * (GPM_DIASPORA_MAX_TAG_CHARS, gpm-diaspora.h) escaped ("\#"), so the pod
 * reads it as text, not as a tag (Markdown shows "#"). *@n_escaped (may be
 * NULL): how many; *@longest (may be NULL): the longest such tag's length in
 * characters, 0 when none. @text must be valid UTF-8. */
char *gpm_escape_long_hashtags (const char *text,
                                guint      *n_escaped,
                                glong      *longest);

/* @n as the user's locale writes it, grouped by its thousands separator
 * ("65,535", "65.535"); where the locale has none (the C locale), by the
 * separator of the language the app speaks: as numbers in the app's
 * sentences are shown ("%s of %s characters"). */
char *gpm_format_count (guint64 n);

G_END_DECLS
