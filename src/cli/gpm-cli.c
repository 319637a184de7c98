/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#include <glib.h>

int
main (int argc, char **argv)
{
  g_printerr ("usage: gplus-migrate-cli COMMAND …\n");
  return 2;
}
