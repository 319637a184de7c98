/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-preview.c: the preview widget: the web view and its pages, the
 * render worker that converts a post and builds its page, the archive's
 * media served to the web view, and the per-post controls (leave out, edit
 * text). The pages' HTML is gpm-preview-html.c's. */
#define G_LOG_DOMAIN "gpm-preview"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "gpm-a11y.h"
#include "gpm-convert.h"
#include "gpm-gui-util.h"
#include "gpm-journal.h"
#include "gpm-long-post.h"
#include "gpm-post-editor.h"
#include "gpm-preview.h"
#include "gpm-preview-private.h"
#include "gpm-render.h"
#include "gpm-util.h"


struct _GpmPreview
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkWidget      *mode_box;
  GtkToggleButton *diaspora_button;
  GtkToggleButton *original_button;
  GtkRevealer    *warnings_revealer;
  GtkLabel       *warnings_label;
  GtkWidget      *post_actions;
  GtkToggleButton *leave_out_button;
  GtkWidget      *edit_button;
  GtkStack       *stack;
  GtkWidget      *web_box;
  WebKitWebView  *web_view;

  GpmTakeout     *takeout;
  GpmPost        *post;
  GpmPreviewMode  mode;
  gboolean        remote_allowed;
  char           *html;
  GpmConvertSettings *convert_settings;
  GpmPlan        *plan;          /* per-post decisions: left out, edited text */
  char           *converted;     /* the current post's converted text (for the editor) */
  gboolean        updating_actions;
  guint           generation;
  gint           *latest;       /* atomic rc box: @generation for the render thread */
  /* The document in the web view: its head (CSP, style) as loaded, set once
   * it has finished loading; a post with the same head only replaces the body */
  char           *doc_head;
  gboolean        doc_ready;
  /* The @generation of the page last given to the web view to load (0: the
   * empty page that starts the web process), and the last generation
   * 'loaded' was emitted for */
  guint           page_generation;
  guint           loaded_generation;
};

/* Conversion and rendering run in one worker thread: the renderer keeps a
 * JavaScript context per thread, so one thread means it is built once. The
 * pool is exclusive: a shared pool hands its idle thread back to GLib's
 * spare threads, and a job could then run on any thread (GTask's too) and
 * build another context there (70-100 ms, and the memory of one more). */
static GThreadPool *render_pool;

G_DEFINE_FINAL_TYPE (GpmPreview, gpm_preview, GTK_TYPE_WIDGET)

enum {
  LOADED,
  POST_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Media from the archive */

char *
gpm_preview_media_uri (const char *entry_name)
{
  g_autofree char *escaped = g_uri_escape_string (entry_name, "/", FALSE);

  return g_strconcat (BASE_URI, escaped, NULL);
}

typedef struct {
  WebKitURISchemeRequest *request;
  char                   *entry;
} MediaLoad;

static void
media_load_free (gpointer data)
{
  MediaLoad *load = data;

  g_clear_object (&load->request);
  g_free (load->entry);
  g_free (load);
}

static void
media_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  MediaLoad *load = task_data;
  GError *error = NULL;
  GBytes *bytes;

  /* Media entries are read whole (photos are a few MB at most); the read
   * runs here, off the UI thread. */
  bytes = gpm_takeout_read_entry (GPM_TAKEOUT (source), load->entry, 256 * 1024 * 1024,
                                  cancellable, &error);
  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
media_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  MediaLoad *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GInputStream) stream = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *mime = NULL;
  gsize size;
  const guchar *data;

  if (bytes == NULL)
    {
      webkit_uri_scheme_request_finish_error (load->request, error);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  content_type = g_content_type_guess (load->entry, data, MIN (size, 4096), NULL);
  mime = g_content_type_get_mime_type (content_type);
  stream = g_memory_input_stream_new_from_bytes (bytes);
  webkit_uri_scheme_request_finish (load->request, stream, (gint64) size,
                                    mime ? mime : "application/octet-stream");
}

static void
media_scheme_cb (WebKitURISchemeRequest *request,
                 gpointer                user_data)
{
  WebKitWebView *web_view = webkit_uri_scheme_request_get_web_view (request);
  GpmPreview *self = web_view ? g_object_get_data (G_OBJECT (web_view), "gpm-preview") : NULL;
  const char *path = webkit_uri_scheme_request_get_path (request);
  g_autoptr(GTask) task = NULL;
  MediaLoad *load;

  if (self == NULL || self->takeout == NULL || path == NULL || path[0] != '/')
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no takeout");
      webkit_uri_scheme_request_finish_error (request, error);
      return;
    }

  load = g_new0 (MediaLoad, 1);
  load->request = g_object_ref (request);
  load->entry = g_uri_unescape_string (path + 1, NULL);

  if (load->entry == NULL || gpm_takeout_lookup (self->takeout, load->entry) == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "not in the takeout");
      webkit_uri_scheme_request_finish_error (request, error);
      media_load_free (load);
      return;
    }

  task = g_task_new (self->takeout, NULL, media_done, NULL);
  g_task_set_source_tag (task, media_scheme_cb);
  g_task_set_task_data (task, load, media_load_free);
  gpm_task_run_in_thread (task, media_thread);
}

static void update_warnings (GpmPreview *self, GPtrArray *warnings);

typedef struct {
  GWeakRef            preview;
  guint               generation;
  gint               *latest;     /* the preview's newest generation, shared */
  GpmPost            *post;
  GpmTakeout         *takeout;
  GpmConvertSettings *settings;
  char               *edited;      /* the user's text for the post, NULL: the converted one */
  gboolean            remote_allowed;
  gboolean            warm_up;
  /* results */
  char               *html;
  char               *converted;
  GPtrArray          *warnings;
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_weak_ref_clear (&job->preview);
  g_clear_pointer (&job->latest, g_atomic_rc_box_release);
  g_clear_object (&job->post);
  g_clear_object (&job->takeout);
  g_clear_pointer (&job->settings, gpm_convert_settings_free);
  g_free (job->edited);
  g_free (job->converted);
  g_free (job->html);
  g_clear_pointer (&job->warnings, g_ptr_array_unref);
  g_free (job);
}

/* Showing a page. Loading each post as a new document costs WebKit a new
 * document and a navigation, and about every tenth load 200-400 ms more
 * (measured with bench-gui); the body of the document already there is
 * replaced instead when its head (the CSP and the style) is the same. */

static void show_html (GpmPreview *self);

/* Loads @html as the page of @page_generation, marked with it on its body:
 * a load's end ('load-changed') does not say which load ended, and WebKit
 * may still report the end of an earlier load after a new one was asked for
 * (it only counts as loading once the web process starts it), so the page
 * itself is asked which one it is (page_finished_cb). */
static void
load_page (GpmPreview *self,
           const char *html)
{
  const char *body = strstr (html, "<body>");
  g_autoptr(GString) marked = g_string_new (html);

  if (body != NULL)
    {
      g_autofree char *tag = g_strdup_printf ("<body data-gpm-page=\"%u\">", self->page_generation);

      g_string_erase (marked, body - html, strlen ("<body>"));
      g_string_insert (marked, body - html, tag);
    }
  webkit_web_view_load_html (self->web_view, marked->str, BASE_URI);
}

typedef struct {
  GWeakRef preview;
  guint    generation;
} BodySwap;

static void
body_swapped_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BodySwap *swap = user_data;
  g_autoptr(GpmPreview) self = g_weak_ref_get (&swap->preview);
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);

  if (self != NULL && swap->generation == self->generation && self->html != NULL)
    {
      if (value == NULL)
        {
          /* The web process went away, say: load the page whole */
          g_debug ("replacing the body failed (%s); loading the page", error->message);
          self->doc_ready = FALSE;
          g_clear_pointer (&self->doc_head, g_free);
          show_html (self);
        }
      else
        {
          self->loaded_generation = self->generation;
          g_signal_emit (self, signals[LOADED], 0);
        }
    }
  g_weak_ref_clear (&swap->preview);
  g_free (swap);
}

static void
show_html (GpmPreview *self)
{
  const char *body = strstr (self->html, "<body>");
  const char *end = body ? g_strrstr (body, "</body>") : NULL;
  g_autofree char *head = body ? g_strndup (self->html, body - self->html) : NULL;

  if (self->doc_ready && !webkit_web_view_is_loading (self->web_view) &&
      head != NULL && end != NULL && g_strcmp0 (head, self->doc_head) == 0)
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), "");
      g_autofree char *inner = g_strndup (body + strlen ("<body>"), end - body - strlen ("<body>"));
      g_autofree char *literal = NULL;
      g_autofree char *script = NULL;
      BodySwap *swap = g_new0 (BodySwap, 1);

      json_node_set_string (node, inner);
      literal = json_to_string (node, FALSE);
      /* Laid out before it returns, at the top as a new page would be */
      script = g_strdup_printf ("document.body.innerHTML = %s; window.scrollTo (0, 0); document.body.scrollHeight",
                                literal);
      g_weak_ref_init (&swap->preview, self);
      swap->generation = self->generation;
      webkit_web_view_evaluate_javascript (self->web_view, script, -1, "gpm-preview-reader", NULL, NULL,
                                           body_swapped_cb, swap);
      return;
    }

  self->doc_ready = FALSE;
  self->page_generation = self->generation;
  g_free (self->doc_head);
  self->doc_head = g_steal_pointer (&head);
  load_page (self, self->html);
}

static gboolean
render_job_deliver (gpointer data)
{
  RenderJob *job = data;
  g_autoptr(GpmPreview) self = g_weak_ref_get (&job->preview);

  if (self == NULL || job->warm_up || job->generation != self->generation)
    return G_SOURCE_REMOVE;

  g_free (self->html);
  self->html = g_steal_pointer (&job->html);
  g_free (self->converted);
  self->converted = g_steal_pointer (&job->converted);
  update_warnings (self, job->warnings);
  gtk_stack_set_visible_child_name (self->stack, "web");
  show_html (self);

  return G_SOURCE_REMOVE;
}

/* Back to the main thread (never run here, in the worker) */
static void
deliver_in_main (RenderJob *job)
{
  gpm_main_context_post (NULL, G_PRIORITY_DEFAULT, "[gpm] preview render result",
                         render_job_deliver, job, (GDestroyNotify) render_job_free);
}

static void
render_thread (gpointer data,
               gpointer user_data)
{
  RenderJob *job = data;
  g_autoptr(GpmConvertResult) result = NULL;
  GString *html;
  GPtrArray *post_warnings;

  if (job->warm_up)
    {
      gint64 t = g_get_monotonic_time ();
      g_autoptr(GError) error = NULL;

      if (!gpm_render_warm_up (&error))
        g_warning ("%s", error->message);
      g_debug ("renderer warmed up in %.1f ms", (g_get_monotonic_time () - t) / 1000.0);
      deliver_in_main (job);
      return;
    }

  /* Switched again before this job's turn (arrow keys held down): only the
   * newest post is worth converting and rendering. */
  if (job->latest != NULL && (guint) g_atomic_int_get (job->latest) != job->generation)
    {
      render_job_free (job);
      return;
    }

  job->warnings = g_ptr_array_new_with_free_func (g_free);
  result = gpm_convert_post (job->post, job->settings,
                             job->takeout ? gpm_convert_takeout_resolver : NULL, job->takeout);
  job->converted = g_strdup (result->markdown);
  if (job->edited != NULL)
    {
      /* The user's own text, as the migrator sends it: the converter's
       * length and nothing-of-yours warnings are about the text replaced */
      g_autofree char *nothing_own = NULL;

      if (result->too_long && result->warnings->len > 0)
        g_ptr_array_remove_index (result->warnings, result->warnings->len - 1);
      if (gpm_convert_post_is_nothing_own (job->post, job->settings, &nothing_own))
        for (guint i = 0; i < result->warnings->len; i++)
          if (g_strcmp0 (g_ptr_array_index (result->warnings, i), nothing_own) == 0)
            g_ptr_array_remove_index (result->warnings, i--);
      g_free (result->markdown);
      result->markdown = g_strdup (job->edited);
      g_ptr_array_add (job->warnings, g_strdup (_("You edited this post’s text: it is posted as shown.")));
      /* too long by the splitter's rule (bytes): cut as the migrator
       * cuts it, the rest in comments; said as the converter says it */
      {
        char *too_long = gpm_long_post_dup_warning (job->edited);

        if (too_long != NULL)
          g_ptr_array_add (job->warnings, too_long);
      }
    }

  post_warnings = gpm_post_get_warnings (job->post);
  for (guint i = 0; post_warnings != NULL && i < post_warnings->len; i++)
    g_ptr_array_add (job->warnings, g_strdup (g_ptr_array_index (post_warnings, i)));
  for (guint i = 0; i < result->warnings->len; i++)
    g_ptr_array_add (job->warnings, g_strdup (g_ptr_array_index (result->warnings, i)));

  html = g_string_new (NULL);
  _gpm_preview_append_head (html, job->remote_allowed);
  g_string_append (html, "<body><article class=\"diaspora\">");
  _gpm_preview_append_diaspora_body (html, job->post, job->takeout, job->settings, job->remote_allowed,
                                     result, job->warnings);
  g_string_append (html, "</article></body></html>");
  job->html = g_string_free (html, FALSE);

  deliver_in_main (job);
}

static void
push_job (RenderJob *job)
{
  if (render_pool == NULL)
    render_pool = g_thread_pool_new (render_thread, NULL, 1, TRUE, NULL);

  g_thread_pool_push (render_pool, job, NULL);
}

static void
update_warnings (GpmPreview *self,
                 GPtrArray  *warnings)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->plan != NULL && self->post != NULL &&
      gpm_plan_is_post_excluded (self->plan, gpm_journal_post_key (self->post)))
    g_string_append (text, _("You left this post out: it will not be moved."));

  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_ptr_array_index (warnings, i));
    }

  gtk_label_set_label (self->warnings_label, text->str);
  /* Selectable, so it can be copied; but an empty one would be an unnamed Tab stop */
  gtk_label_set_selectable (self->warnings_label, text->len > 0);
  gtk_revealer_set_reveal_child (self->warnings_revealer, text->len > 0);
}

/* Per-post control */

static void
update_post_actions (GpmPreview *self)
{
  gboolean excluded;

  gtk_widget_set_visible (self->post_actions, self->plan != NULL && self->post != NULL);
  if (self->plan == NULL || self->post == NULL)
    return;

  excluded = gpm_plan_is_post_excluded (self->plan, gpm_journal_post_key (self->post));
  self->updating_actions = TRUE;
  gtk_toggle_button_set_active (self->leave_out_button, excluded);
  self->updating_actions = FALSE;
  gtk_button_set_label (GTK_BUTTON (self->edit_button),
                        gpm_plan_get_post_text (self->plan, gpm_journal_post_key (self->post)) != NULL
                        ? _("_Edit Text (Edited)…") : _("_Edit Text…"));
}

static void reload (GpmPreview *self);

static void
leave_out_toggled_cb (GpmPreview *self)
{
  if (self->updating_actions || self->plan == NULL || self->post == NULL)
    return;

  gpm_plan_set_post_excluded (self->plan, gpm_journal_post_key (self->post),
                              gtk_toggle_button_get_active (self->leave_out_button));
  reload (self);
  g_signal_emit (self, signals[POST_CHANGED], 0, self->post);
}

static void
editor_saved_cb (GpmPostEditor *editor,
                 const char    *text,
                 GpmPreview    *self)
{
  GpmPost *post = g_object_get_data (G_OBJECT (editor), "gpm-post");

  if (self->plan == NULL || post == NULL)
    return;

  gpm_plan_set_post_text (self->plan, gpm_journal_post_key (post), text);
  if (post == self->post)
    reload (self);
  g_signal_emit (self, signals[POST_CHANGED], 0, post);
}

GpmPostEditor *
gpm_preview_edit_text (GpmPreview *self)
{
  GpmPostEditor *editor;
  const char *edited;

  g_return_val_if_fail (GPM_IS_PREVIEW (self), NULL);

  if (self->plan == NULL || self->post == NULL)
    return NULL;

  edited = gpm_plan_get_post_text (self->plan, gpm_journal_post_key (self->post));
  editor = gpm_post_editor_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                edited, self->converted ? self->converted : "");
  g_object_set_data_full (G_OBJECT (editor), "gpm-post", g_object_ref (self->post), g_object_unref);
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
  return editor;
}

static void
edit_clicked_cb (GpmPreview *self)
{
  gpm_preview_edit_text (self);
}

void
gpm_preview_set_plan (GpmPreview *self,
                      GpmPlan    *plan)
{
  g_return_if_fail (GPM_IS_PREVIEW (self));

  if (g_set_object (&self->plan, plan))
    reload (self);
}

void
gpm_preview_refresh (GpmPreview *self)
{
  g_return_if_fail (GPM_IS_PREVIEW (self));
  reload (self);
}

static void
reload (GpmPreview *self)
{
  g_autoptr(GPtrArray) warnings = NULL;
  GPtrArray *post_warnings;
  RenderJob *job;

  self->generation++;
  g_atomic_int_set (self->latest, (gint) self->generation);
  update_post_actions (self);

  if (self->post == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_warnings (self, NULL);
      return;
    }

  if (self->mode == GPM_PREVIEW_DIASPORA)
    {
      job = g_new0 (RenderJob, 1);
      g_weak_ref_init (&job->preview, self);
      job->generation = self->generation;
      job->latest = g_atomic_rc_box_acquire (self->latest);
      job->post = g_object_ref (self->post);
      job->takeout = self->takeout ? g_object_ref (self->takeout) : NULL;
      job->settings = self->convert_settings ? gpm_convert_settings_copy (self->convert_settings)
                                             : gpm_convert_settings_new ();
      if (self->plan != NULL)
        job->edited = g_strdup (gpm_plan_get_post_text (self->plan, gpm_journal_post_key (self->post)));
      job->remote_allowed = self->remote_allowed;
      push_job (job);
      return;
    }

  warnings = g_ptr_array_new_with_free_func (g_free);
  post_warnings = gpm_post_get_warnings (self->post);
  for (guint i = 0; post_warnings != NULL && i < post_warnings->len; i++)
    g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (post_warnings, i)));

  g_free (self->html);
  self->html = _gpm_preview_build_original_html (self->takeout, self->remote_allowed, self->post);

  update_warnings (self, warnings);
  gtk_stack_set_visible_child_name (self->stack, "web");
  show_html (self);
}

void
gpm_preview_set_convert_settings (GpmPreview               *self,
                                  const GpmConvertSettings *settings)
{
  g_return_if_fail (GPM_IS_PREVIEW (self));

  g_clear_pointer (&self->convert_settings, gpm_convert_settings_free);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->converted, g_free);
  self->convert_settings = settings ? gpm_convert_settings_copy (settings) : NULL;
  if (self->mode == GPM_PREVIEW_DIASPORA)
    reload (self);
}

void
gpm_preview_warm_up (void)
{
  RenderJob *job = g_new0 (RenderJob, 1);

  g_weak_ref_init (&job->preview, NULL);
  job->warm_up = TRUE;
  push_job (job);
}

void
gpm_preview_set_takeout (GpmPreview *self,
                         GpmTakeout *takeout)
{
  g_return_if_fail (GPM_IS_PREVIEW (self));

  g_set_object (&self->takeout, takeout);
  g_clear_object (&self->post);
  reload (self);
}

void
gpm_preview_set_post (GpmPreview *self,
                      GpmPost    *post)
{
  g_return_if_fail (GPM_IS_PREVIEW (self));

  if (self->post == post)
    return;

  g_set_object (&self->post, post);
  reload (self);
}

GpmPost *
gpm_preview_get_post (GpmPreview *self)
{
  g_return_val_if_fail (GPM_IS_PREVIEW (self), NULL);
  return self->post;
}

void
gpm_preview_set_mode (GpmPreview     *self,
                      GpmPreviewMode  mode)
{
  g_return_if_fail (GPM_IS_PREVIEW (self));

  if (self->mode == mode)
    return;

  self->mode = mode;
  gtk_toggle_button_set_active (mode == GPM_PREVIEW_DIASPORA ? self->diaspora_button : self->original_button, TRUE);
  reload (self);
}

GpmPreviewMode
gpm_preview_get_mode (GpmPreview *self)
{
  g_return_val_if_fail (GPM_IS_PREVIEW (self), GPM_PREVIEW_DIASPORA);
  return self->mode;
}

void
gpm_preview_set_remote_allowed (GpmPreview *self,
                                gboolean    allowed)
{
  g_return_if_fail (GPM_IS_PREVIEW (self));

  allowed = !!allowed;
  if (self->remote_allowed == allowed)
    return;

  self->remote_allowed = allowed;
  reload (self);
}

WebKitWebView *
gpm_preview_get_web_view (GpmPreview *self)
{
  g_return_val_if_fail (GPM_IS_PREVIEW (self), NULL);
  return self->web_view;
}

const char *
gpm_preview_get_html (GpmPreview *self)
{
  g_return_val_if_fail (GPM_IS_PREVIEW (self), NULL);
  return self->html;
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);

  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, jsc_value_to_string (value), g_free);
}

void
gpm_preview_read_text_async (GpmPreview          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (GPM_IS_PREVIEW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_preview_read_text_async);
  /* An isolated world: runs even though the page's own scripts are off. */
  webkit_web_view_evaluate_javascript (self->web_view, "document.body ? document.body.innerText : ''", -1,
                                       "gpm-preview-reader", NULL, cancellable, read_text_cb, task);
}

char *
gpm_preview_read_text_finish (GpmPreview    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Policy: the preview never navigates; links go to the user's browser. */

static gboolean
decide_policy_cb (WebKitWebView            *web_view,
                  WebKitPolicyDecision     *decision,
                  WebKitPolicyDecisionType  type,
                  GpmPreview               *self)
{
  WebKitNavigationAction *action;
  WebKitURIRequest *request;
  const char *uri;

  if (type == WEBKIT_POLICY_DECISION_TYPE_RESPONSE)
    return FALSE;

  action = webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  request = webkit_navigation_action_get_request (action);
  uri = webkit_uri_request_get_uri (request);

  /* Our own load_html() */
  if (type == WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION &&
      webkit_navigation_action_get_navigation_type (action) == WEBKIT_NAVIGATION_TYPE_OTHER &&
      g_strcmp0 (uri, BASE_URI) == 0)
    {
      webkit_policy_decision_use (decision);
      return TRUE;
    }

  webkit_policy_decision_ignore (decision);

  if (webkit_navigation_action_is_user_gesture (action) && uri != NULL &&
      (g_str_has_prefix (uri, "https://") || g_str_has_prefix (uri, "http://") ||
       g_str_has_prefix (uri, "mailto:")))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
    }

  return TRUE;
}

static gboolean
context_menu_cb (WebKitWebView       *web_view,
                 WebKitContextMenu   *menu,
                 WebKitHitTestResult *hit,
                 GpmPreview          *self)
{
  /* Keep Copy; drop everything that would navigate or inspect. */
  GList *items = g_list_copy (webkit_context_menu_get_items (menu));

  for (GList *l = items; l != NULL; l = l->next)
    {
      WebKitContextMenuAction action = webkit_context_menu_item_get_stock_action (l->data);

      if (action != WEBKIT_CONTEXT_MENU_ACTION_COPY &&
          action != WEBKIT_CONTEXT_MENU_ACTION_COPY_LINK_TO_CLIPBOARD &&
          action != WEBKIT_CONTEXT_MENU_ACTION_SELECT_ALL)
        webkit_context_menu_remove (menu, l->data);
    }
  g_list_free (items);

  return webkit_context_menu_get_n_items (menu) == 0;
}

/* The first page, loaded when the web process starts: text in the scripts
 * and styles posts use, out of sight. Laying it out makes the web process
 * look up a fallback font for each script and load it (Japanese, emoji:
 * 200-300 ms each on a slow machine), which a post's first preview in that
 * script would otherwise wait for. */
/* The page that finished loading says which it is */
static void
page_finished_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpmPreview) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);
  gint32 page;

  if (value == NULL || !jsc_value_is_number (value))
    return;
  page = jsc_value_to_int32 (value);
  /* An earlier page, or the last one not yet complete: its own end comes */
  if (page < 0 || (guint) page != self->page_generation)
    return;
  self->doc_ready = self->doc_head != NULL;
  /* Only the current post's page, once: not the empty one that starts the
   * web process (a post may be chosen while it loads), nor an older post's */
  if (self->post != NULL && self->html != NULL && self->page_generation == self->generation &&
      self->loaded_generation != self->generation)
    {
      self->loaded_generation = self->generation;
      g_signal_emit (self, signals[LOADED], 0);
    }
}

static void
load_changed_cb (WebKitWebView   *web_view,
                 WebKitLoadEvent  event,
                 GpmPreview      *self)
{
  /* The end of a load another replaced (WebKit ends it too) is not ours */
  if (event != WEBKIT_LOAD_FINISHED || webkit_web_view_is_loading (web_view))
    return;
  webkit_web_view_evaluate_javascript (web_view,
                                       "document.readyState === 'complete' && document.body"
                                       " ? Number (document.body.dataset.gpmPage) : -1",
                                       -1, "gpm-preview-reader", NULL, NULL, page_finished_cb,
                                       g_object_ref (self));
}

static void
mode_toggled_cb (GpmPreview *self)
{
  GpmPreviewMode mode = gtk_toggle_button_get_active (self->original_button)
                        ? GPM_PREVIEW_ORIGINAL : GPM_PREVIEW_DIASPORA;

  if (mode != self->mode)
    {
      self->mode = mode;
      reload (self);
    }
}

static WebKitNetworkSession *
get_session (void)
{
  static WebKitNetworkSession *session;

  /* Nothing the previews load is kept on disk. */
  if (session == NULL)
    session = webkit_network_session_new_ephemeral ();

  return session;
}

static void
ensure_scheme (WebKitWebContext *context)
{
  if (g_object_get_data (G_OBJECT (context), "gpm-media-scheme") != NULL)
    return;

  webkit_web_context_register_uri_scheme (context, MEDIA_SCHEME, media_scheme_cb, NULL, NULL);
  webkit_security_manager_register_uri_scheme_as_local (webkit_web_context_get_security_manager (context),
                                                        MEDIA_SCHEME);
  webkit_security_manager_register_uri_scheme_as_secure (webkit_web_context_get_security_manager (context),
                                                         MEDIA_SCHEME);
  g_object_set_data (G_OBJECT (context), "gpm-media-scheme", GINT_TO_POINTER (1));
}

static void
gpm_preview_dispose (GObject *object)
{
  GpmPreview *self = GPM_PREVIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_PREVIEW);
  g_clear_object (&self->post);
  g_clear_object (&self->takeout);

  G_OBJECT_CLASS (gpm_preview_parent_class)->dispose (object);
}

static void
gpm_preview_finalize (GObject *object)
{
  GpmPreview *self = GPM_PREVIEW (object);

  g_free (self->html);
  g_free (self->doc_head);
  g_clear_pointer (&self->convert_settings, gpm_convert_settings_free);
  g_atomic_rc_box_release (self->latest);

  G_OBJECT_CLASS (gpm_preview_parent_class)->finalize (object);
}

static void
gpm_preview_class_init (GpmPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_preview_dispose;
  object_class->finalize = gpm_preview_finalize;

  /* Emitted when a post's page has finished loading. */
  signals[LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The user left a post out, took it back or edited its text (in the plan) */
  signals[POST_CHANGED] =
    g_signal_new ("post-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, GPM_TYPE_POST);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, box);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, mode_box);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, diaspora_button);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, original_button);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, warnings_revealer);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, stack);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, web_box);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, post_actions);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, leave_out_button);
  gtk_widget_class_bind_template_child (widget_class, GpmPreview, edit_button);
  gtk_widget_class_bind_template_callback (widget_class, leave_out_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, edit_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gpm-preview");
}

/* WebKitGTK 6.0 puts a GtkTextView of its own inside the web view, which
 * takes the keyboard focus after the page: name it like the preview. */
static void
web_view_focus_enter_cb (GtkEventControllerFocus *controller,
                         gpointer                 user_data)
{
  GtkWidget *web_view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  for (GtkWidget *child = gtk_widget_get_first_child (web_view);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TEXT_VIEW (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Post preview"), -1);
}

static void
gpm_preview_init (GpmPreview *self)
{
  WebKitSettings *settings;
  GtkEventController *focus;

  gtk_widget_init_template (GTK_WIDGET (self));
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
  self->latest = g_atomic_rc_box_new0 (gint);

  self->web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW,
                                 "network-session", get_session (),
                                 "vexpand", TRUE,
                                 NULL);
  g_object_set_data (G_OBJECT (self->web_view), "gpm-preview", self);
  ensure_scheme (webkit_web_view_get_context (self->web_view));

  settings = webkit_web_view_get_settings (self->web_view);
  webkit_settings_set_enable_javascript_markup (settings, FALSE);
  webkit_settings_set_enable_html5_local_storage (settings, FALSE);
  webkit_settings_set_enable_html5_database (settings, FALSE);
  webkit_settings_set_enable_webgl (settings, FALSE);
  webkit_settings_set_enable_page_cache (settings, FALSE);
  webkit_settings_set_enable_developer_extras (settings, FALSE);
  webkit_settings_set_javascript_can_open_windows_automatically (settings, FALSE);
  webkit_settings_set_allow_file_access_from_file_urls (settings, FALSE);
  webkit_settings_set_allow_universal_access_from_file_urls (settings, FALSE);

  g_signal_connect (self->web_view, "decide-policy", G_CALLBACK (decide_policy_cb), self);
  g_signal_connect (self->web_view, "context-menu", G_CALLBACK (context_menu_cb), self);
  g_signal_connect (self->web_view, "load-changed", G_CALLBACK (load_changed_cb), self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->web_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Post preview"), -1);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "enter", G_CALLBACK (web_view_focus_enter_cb), NULL);
  gtk_widget_add_controller (GTK_WIDGET (self->web_view), focus);
  gpm_a11y_tab_leaves (GTK_WIDGET (self->web_view));
  gtk_box_append (GTK_BOX (self->web_box), GTK_WIDGET (self->web_view));

  self->mode = GPM_PREVIEW_DIASPORA;

  /* Start the web process now, not when the first post is shown, with an
   * empty page whose body the first post then fills */
  {
    GString *html = g_string_new (NULL);

    _gpm_preview_append_head (html, self->remote_allowed);
    self->doc_head = g_strdup (html->str);
    g_string_append (html, "<body></body></html>");
    load_page (self, html->str);
    g_string_free (html, TRUE);
  }
}
