/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-preview.h: a post as it will look on diaspora*, or as it was on
 * Google+, in a WebKitWebView with page JavaScript off, media served from
 * the archive (gpm-media: URIs), links opened in the user's browser and no
 * network loads unless remote previews are allowed. */
#pragma once

#include <gtk/gtk.h>
#include <webkit/webkit.h>

#include "gpm-convert.h"
#include "gpm-plan.h"
#include "gpm-post.h"
#include "gpm-post-editor.h"
#include "gpm-takeout.h"

G_BEGIN_DECLS

#define GPM_TYPE_PREVIEW (gpm_preview_get_type ())
G_DECLARE_FINAL_TYPE (GpmPreview, gpm_preview, GPM, PREVIEW, GtkWidget)

typedef enum {
  GPM_PREVIEW_DIASPORA,   /* converted and rendered as diaspora* will show it */
  GPM_PREVIEW_ORIGINAL,   /* the Google+ post as it was */
} GpmPreviewMode;

void           gpm_preview_set_takeout        (GpmPreview     *self,
                                               GpmTakeout     *takeout);
void           gpm_preview_set_post           (GpmPreview     *self,
                                               GpmPost        *post);
GpmPost       *gpm_preview_get_post           (GpmPreview     *self);
void           gpm_preview_set_mode           (GpmPreview     *self,
                                               GpmPreviewMode  mode);
GpmPreviewMode gpm_preview_get_mode           (GpmPreview     *self);
void           gpm_preview_set_remote_allowed (GpmPreview     *self,
                                               gboolean        allowed);
/* NULL: the defaults (the seed's format). */
void           gpm_preview_set_convert_settings (GpmPreview               *self,
                                                 const GpmConvertSettings *settings);
/* Loads the renderer in its thread ahead of the first preview. */
void           gpm_preview_warm_up            (void);
/* Per-post control: with a plan, the preview offers "Leave Out" and "Edit
 * Text…" for the post shown, writes them into @plan, shows the edited text
 * and emits ::post-changed (GpmPost*). */
void           gpm_preview_set_plan           (GpmPreview     *self,
                                               GpmPlan        *plan);
/* Opens the editor for the post shown (NULL without a plan or post). */
GpmPostEditor *gpm_preview_edit_text          (GpmPreview     *self);
/* Draws the post again (the plan changed elsewhere). */
void           gpm_preview_refresh            (GpmPreview     *self);
WebKitWebView *gpm_preview_get_web_view       (GpmPreview     *self);
/* The HTML last loaded (for tests). */
const char    *gpm_preview_get_html           (GpmPreview     *self);

/* The page's visible text (document.body.innerText), read through WebKit in
 * an isolated script world: works with page JavaScript off. */
void           gpm_preview_read_text_async    (GpmPreview          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char          *gpm_preview_read_text_finish   (GpmPreview    *self,
                                               GAsyncResult  *result,
                                               GError       **error);

/* The URI the preview serves the archive entry @entry_name at. */
char          *gpm_preview_media_uri          (const char *entry_name);

G_END_DECLS
