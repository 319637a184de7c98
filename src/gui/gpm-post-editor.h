/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-post-editor.h: editing the text a post is sent with (the whole
 * diaspora* Markdown: the converted text, hashtags and date line), kept in
 * the plan (gpm_plan_set_post_text()). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GPM_TYPE_POST_EDITOR (gpm_post_editor_get_type ())
G_DECLARE_FINAL_TYPE (GpmPostEditor, gpm_post_editor, GPM, POST_EDITOR, AdwWindow)

/* @text: the text to start from (the edited one, else the converted one);
 * @converted: the converted text, what "Use the Converted Text" goes back
 * to. ::saved (const char *text) gives the new text, NULL to go back to
 * the converted one. */
GpmPostEditor *gpm_post_editor_new      (GtkWindow  *parent,
                                         const char *text,
                                         const char *converted);
/* The text as it is in the editor now (for tests). */
char          *gpm_post_editor_dup_text (GpmPostEditor *self);
void           gpm_post_editor_set_text (GpmPostEditor *self,
                                         const char    *text);
/* Saves as the Save button does. */
void           gpm_post_editor_save     (GpmPostEditor *self);

G_END_DECLS
