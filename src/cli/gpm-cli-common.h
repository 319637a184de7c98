/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-cli-common.h: what several commands share: loading posts and selecting them. */
#pragma once

#include <gio/gio.h>

#include "gpm-convert.h"
#include "gpm-import.h"

G_BEGIN_DECLS

/* The selection flags of `select`, `export` and `post` (the seed's filter). */
typedef struct {
  gboolean  public_;
  gboolean  circles;
  gboolean  ext_circles;
  gboolean  essentially_public;
  char    **ids;
} GpmCliSelection;

/* GOptionEntry rows for @sel, terminated; add them with g_option_context_add_main_entries. */
GOptionEntry *gpm_cli_selection_entries (GpmCliSelection *sel);
gboolean      gpm_cli_selection_is_empty (const GpmCliSelection *sel);
void          gpm_cli_selection_clear    (GpmCliSelection *sel);
/* Adds the audience keys @sel names to @keys (not --essentially-public's,
 * which depend on the takeout: gpm_scope_index_essentially_public_keys()). */
void          gpm_cli_selection_add_keys (const GpmCliSelection *sel,
                                          GStrvBuilder          *keys);

/* The conversion options of `convert`, `export` and `post`, bound to the
 * fields of @settings (--include-location: the app's "Include the place a
 * post was written at"; off by default, the place stays private;
 * --no-archive-links). Terminated. */
GOptionEntry *gpm_cli_convert_entries (GpmConvertSettings *settings);

/* Posts and the problems met reading them, through GpmImport: from TAKEOUT
 * paths (a zip, parts, a tgz, a folder), or — with no path — from post JSON
 * file paths read on standard input, one per line, like the seed scripts. */
typedef struct {
  GpmImport     *import;    /* its takeout is NULL for a file list on stdin */
  GpmScopeIndex *index;
  GPtrArray     *problems;  /* GpmProblem* */
} GpmCliInput;

/* Options of gpm_cli_input_load() (a hidden --max-json-size), terminated. */
GOptionEntry *gpm_cli_input_entries (void);
/* Loads @input; on failure says why on stderr ("@prog: message"), leaves
 * @input cleared and returns FALSE (then exit with GPM_CLI_BAD_INPUT). */
gboolean      gpm_cli_input_load  (GpmCliInput  *input,
                                   char        **paths,
                                   const char   *prog);
void          gpm_cli_input_clear (GpmCliInput  *input);
/* At the end of a command: leaves the memory to the kernel (see the .c). */
void          gpm_cli_input_exit  (GpmCliInput  *input);
GPtrArray    *gpm_cli_input_select (GpmCliInput           *input,
                                    const GpmCliSelection *sel);

/* The index's posts plus those among @input's problems that only lost their
 * postAcl, read anyway (gpm_post_new_without_acl(): no scopes, a warning),
 * in entry-name order (in the order read from standard input): `convert`
 * shows them instead of dropping them. */
GPtrArray    *gpm_cli_input_dup_posts_with_unscoped (GpmCliInput *input);

/* What to call an entry in output: its path on disk for an extracted
 * folder, else its name inside the archive (or the path read on stdin). */
char         *gpm_cli_input_dup_display_name (GpmCliInput *input,
                                              const char  *name);
/* "gplus-migrate-cli: NAME: MESSAGE" for each problem, on stderr. */
void          gpm_cli_input_print_problems   (GpmCliInput *input);

/* Writes @node as one line of JSON to stdout. */
void          gpm_cli_print_json     (JsonNode *node,
                                      gboolean  pretty);

G_END_DECLS
