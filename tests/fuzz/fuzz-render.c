/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for gpm-render: any input renders or fails cleanly, and nothing the
 * renderer returns or refuses is unsafe. A GPM_RENDER_ERROR_UNSAFE error means diaspora's
 * sanitizer let something through that the C-side check caught: that is a finding. */
#define G_LOG_DOMAIN "fuzz-render"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpm-render.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const GpmRenderPerson people[] = {
    { "alice@pod.example", "guid-alice", "Alice", NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *html = NULL;
  GpmRenderFlags flags;

  if (size < 1 || size > 64 * 1024)
    return 0;

  /* first byte: flags and whether the post mentions a known person */
  flags = data[0] & (GPM_RENDER_ALLOW_REMOTE_IMAGES | GPM_RENDER_ALLOW_REMOTE_MEDIA);
  markdown = g_strndup ((const char *) data + 1, size - 1);

  html = gpm_render_markdown_full (markdown, flags,
                                   (data[0] & 4) ? people : NULL, (data[0] & 4) ? 1 : 0,
                                   (data[0] & 8) ? "guid-alice" : NULL, &error);
  if (html == NULL)
    {
      g_assert_nonnull (error);
      if (g_error_matches (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_UNSAFE))
        g_error ("unsafe output for input of %zu bytes: %s", size, error->message);
      if (g_error_matches (error, GPM_RENDER_ERROR, GPM_RENDER_ERROR_INIT))
        g_error ("renderer failed to load: %s", error->message);
      return 0;
    }

  g_assert_no_error (error);
  if (!gpm_render_check_html (html, flags, &error))
    g_error ("check disagrees with itself: %s", error->message);
  return 0;
}
