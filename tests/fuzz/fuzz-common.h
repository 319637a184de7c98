/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-common.h: what the libFuzzer targets share. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* From now on a GLib warning, critical or error aborts (after it is
 * written): it is a bug, and libFuzzer keeps the input that caused it. */
void gpm_fuzz_abort_on_warnings (void);

G_END_DECLS
