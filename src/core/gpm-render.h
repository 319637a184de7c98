/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-render.h: diaspora* Markdown → the HTML diaspora's web front end shows for it.
 *
 * The HTML comes from diaspora's own renderer — markdown-it 8.4.2 and the plugins diaspora
 * loads, configured as its text_formatter.js does — run in JavaScriptCore. Each thread
 * gets one long-lived JavaScript context, created on first use; every function here may
 * be called from any thread.
 *
 * The result is checked in C before it is returned: it never holds script, event-handler
 * or style attributes (other than table cell alignment), javascript:/data: links or
 * elements outside the set diaspora's renderer produces, and it loads nothing from the
 * network unless the flags allow it (remote images and media are kept in a
 * `data-remote-src` attribute instead of `src`). Output that fails the check is an error
 * (GPM_RENDER_ERROR_UNSAFE), never returned.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GPM_RENDER_ERROR (gpm_render_error_quark ())

typedef enum {
  GPM_RENDER_ERROR_INVALID,  /* the Markdown is not valid UTF-8 */
  GPM_RENDER_ERROR_INIT,     /* the renderer's scripts could not be loaded */
  GPM_RENDER_ERROR_SCRIPT,   /* the renderer threw a JavaScript exception */
  GPM_RENDER_ERROR_UNSAFE,   /* the HTML failed the safety check */
} GpmRenderError;

typedef enum {
  GPM_RENDER_FLAGS_NONE         = 0,
  /* keep `src` on images from the network (http:, https:, //host) */
  GPM_RENDER_ALLOW_REMOTE_IMAGES = 1 << 0,
  /* keep `src` on the <video>/<audio> embeds diaspora appends for media links */
  GPM_RENDER_ALLOW_REMOTE_MEDIA  = 1 << 1,
} GpmRenderFlags;

/* Everything diaspora itself would show: both remote kinds allowed. */
#define GPM_RENDER_FLAGS_DIASPORA (GPM_RENDER_ALLOW_REMOTE_IMAGES | GPM_RENDER_ALLOW_REMOTE_MEDIA)

/* A person a post mentions, as diaspora hands them to its renderer: `@{Name; diaspora_id}`
 * in the text becomes a link to them. Mentions of anyone not listed stay plain `@Name`. */
typedef struct {
  const char *diaspora_id;  /* "user@pod.example" */
  const char *guid;         /* the link goes to /people/GUID ... */
  const char *name;         /* used when the text gives no name; may be NULL */
  const char *url;          /* ... or here when set; may be NULL */
} GpmRenderPerson;

GQuark gpm_render_error_quark (void);

/* Renders @markdown with no mentioned people and no remote loads.
 * Returns the HTML (free with g_free), or NULL with @error set. */
char    *gpm_render_markdown      (const char             *markdown,
                                   GError                **error);

/* Renders @markdown as diaspora would for a post mentioning @mentions (may be NULL when
 * @n_mentions is 0), seen by the user whose guid is @current_user_guid (may be NULL;
 * their own mentions get no hover card class). */
char    *gpm_render_markdown_full (const char             *markdown,
                                   GpmRenderFlags          flags,
                                   const GpmRenderPerson  *mentions,
                                   gsize                   n_mentions,
                                   const char             *current_user_guid,
                                   GError                **error);

/* Builds the calling thread's renderer (each thread has its own JavaScript context) and
 * runs a post with the common markup through it, so that the thread's first real post
 * does not pay for JavaScriptCore compiling markdown-it's code paths. For a worker that
 * renders previews: call it in that thread before the first post is asked for. */
gboolean gpm_render_warm_up       (GError                **error);

/* The C-side safety check gpm_render_markdown_full() applies to its result, exposed for
 * tests and callers that hold HTML from elsewhere. TRUE if @html is safe under @flags. */
gboolean gpm_render_check_html    (const char             *html,
                                   GpmRenderFlags          flags,
                                   GError                **error);

G_END_DECLS
