/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-renderer.h: which GSK renderer paints the windows. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* On a software OpenGL (Mesa's llvmpipe or softpipe: virtual machines,
 * remote desktops, Xvfb) GTK's GL renderer spends 100-500 ms compiling
 * shaders and painting each new view; cairo paints the same in a few ms.
 * Chooses cairo there, unless GSK_RENDERER says otherwise. Call after
 * gtk_init() and before the first window is shown, while no other thread
 * reads the environment. Returns whether cairo was chosen. */
gboolean gpm_renderer_choose (void);

G_END_DECLS
