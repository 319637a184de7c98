/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-main"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "gpm-application.h"
#include "gpm-renderer.h"
#include "gpm-takeout.h"
#include "gpm-util.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GpmApplication) app = NULL;

  /* Before any thread exists (both set environment variables): the time
   * zone, and cairo to paint with on a software OpenGL (asked in a child
   * process; without a display the application reports it later) */
  gpm_takeout_setup_process (GPM_MALLOC_ARENAS_LEAN);
  gpm_renderer_choose ();

  setlocale (LC_ALL, "");
  gpm_i18n_init ();

  /* The display, while the renderer's probe still holds its own */
  gtk_init_check ();
  gpm_renderer_choose_done ();

  app = gpm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
