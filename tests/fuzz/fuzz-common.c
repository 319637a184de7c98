/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-common.c: what the libFuzzer targets share (fuzz-common.h). */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <stdlib.h>

#include "fuzz-common.h"

static GLogWriterOutput
abort_on_warning (GLogLevelFlags   level,
                  const GLogField *fields,
                  gsize            n_fields,
                  gpointer         user_data)
{
  g_log_writer_standard_streams (level, fields, n_fields, user_data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

void
gpm_fuzz_abort_on_warnings (void)
{
  g_log_set_writer_func (abort_on_warning, NULL, NULL);
}
