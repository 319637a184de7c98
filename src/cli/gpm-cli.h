/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-cli.h: the commands of gplus-migrate-cli, one file each (gpm-cli-NAME.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses shared by every command. */
enum {
  GPM_CLI_OK = 0,
  GPM_CLI_BAD_INPUT = 1,  /* a problem with the input; message on stderr naming the file */
  GPM_CLI_USAGE = 2,      /* wrong arguments */
};

/* Each command gets argv with argv[0] = "gplus-migrate-cli COMMAND". */
int gpm_cli_scopes  (int argc, char **argv);
int gpm_cli_select  (int argc, char **argv);
int gpm_cli_convert (int argc, char **argv);
int gpm_cli_export  (int argc, char **argv);
int gpm_cli_post    (int argc, char **argv);
int gpm_cli_status  (int argc, char **argv);

G_END_DECLS
