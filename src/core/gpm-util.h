/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-util.h: small helpers the core modules share. */
#pragma once

#include <glib.h>

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

G_END_DECLS
