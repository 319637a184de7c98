/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-preview-private.h: what gpm-preview.c and gpm-preview-html.c share. */
#pragma once

#include "gpm-convert.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

#define MEDIA_SCHEME "gpm-media"
#define BASE_URI MEDIA_SCHEME ":///"

/* gpm-preview-html.c */
/* The document's head: its style, and a policy that loads nothing but the
 * archive's media (and remote images when @remote_allowed). */
void  _gpm_preview_append_head          (GString                  *html,
                                         gboolean                  remote_allowed);
/* The page of @post as it was on Google+. */
char *_gpm_preview_build_original_html  (GpmTakeout               *takeout,
                                         gboolean                  remote_allowed,
                                         GpmPost                  *post);
/* The body of @post as it will be on diaspora* (@result: its conversion);
 * what could not be shown goes to @warnings (char*). */
void  _gpm_preview_append_diaspora_body (GString                  *html,
                                         GpmPost                  *post,
                                         GpmTakeout               *takeout,
                                         const GpmConvertSettings *settings,
                                         gboolean                  remote_allowed,
                                         GpmConvertResult         *result,
                                         GPtrArray                *warnings);

G_END_DECLS
