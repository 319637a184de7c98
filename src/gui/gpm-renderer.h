/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-renderer.h: which GSK renderer paints the windows. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* On a software OpenGL (Mesa's llvmpipe or softpipe: virtual machines,
 * remote desktops, Xvfb) GTK's GL renderer spends 100-500 ms compiling
 * shaders and painting each new view; cairo paints the same in a few ms.
 * Chooses cairo there (sets GSK_RENDERER), unless GSK_RENDERER says
 * otherwise. Call first thing in main(), before gtk_init() and before any
 * thread exists: the GL driver is asked in a forked child process.
 * Returns whether cairo was chosen. */
gboolean gpm_renderer_choose      (void);
/* Call once gtk_init() has opened the display: the child of
 * gpm_renderer_choose() held its own connection open until then (an X
 * server without clients resets and refuses connections meanwhile). */
void     gpm_renderer_choose_done (void);

G_END_DECLS
