/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-window-background.c: a migration goes on without its window (issue
 * 17). While it runs the application holds itself; closing the window
 * hides it, a notification shows the progress with Pause and Open, and
 * launching the app again shows the window. The running migration is
 * recorded in GSettings (unfinished-migration); when the app starts after
 * a crash, a logout or a reboot, it offers to go on, and goes on by itself
 * once the user agreed (resume-consent). */
#define G_LOG_DOMAIN "gpm-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-application.h"
#include "gpm-background.h"
#include "gpm-gui-util.h"
#include "gpm-migrate-page-private.h"
#include "gpm-secrets.h"
#include "gpm-util.h"
#include "gpm-window-private.h"

static GpmApplication *
get_app (GpmWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return GPM_IS_APPLICATION (app) ? GPM_APPLICATION (app) : NULL;
}

static guint
window_id (GpmWindow *self)
{
  return gtk_application_window_get_id (GTK_APPLICATION_WINDOW (self));
}

static char *
progress_id (GpmWindow *self)
{
  return g_strdup_printf ("gpm-progress-%u", window_id (self));
}

/* The progress notification */

static void
update_notification (GpmWindow *self)
{
  GpmApplication *app = get_app (self);
  GpmMigratePage *page = self->migrate_page;
  GpmMigrator *migrator = self->watched;
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;
  g_autofree char *description = NULL;
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;
  gboolean paused;
  guint wid = window_id (self);

  /* Only while the window is closed: open, it shows all that itself */
  if (app == NULL || migrator == NULL || !self->backgrounded ||
      !gpm_migrate_page_is_running (page))
    return;

  paused = g_strcmp0 (gpm_migrate_page_get_status (page), "paused") == 0;
  title = g_strdup_printf (_("Moving your posts to %s"), page->pod != NULL ? gpm_pod_get_display_name (page->pod) : "");
  done = gpm_format_count (gpm_migrator_get_n_done (migrator));
  total = gpm_format_count (gpm_migrator_get_n_total (migrator));
  /* Translators: "12 of 1,500 posted" */
  g_string_append_printf (body, _("%s of %s posted"), done, total);
  if (paused)
    g_string_append_printf (body, " · %s", _("paused"));
  else if (self->next_post_at > g_get_monotonic_time ())
    {
      guint seconds = (guint) ((self->next_post_at - g_get_monotonic_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

      /* Translators: "· next in 45 s" after "12 of 1,500 posted" */
      g_string_append (body, " · ");
      g_string_append_printf (body, _("next in %u s"), seconds);
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body->str);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_LOW);
  g_notification_set_default_action_and_target (notification, "app.open-window", "u", wid);
  g_notification_add_button_with_target (notification, paused ? _("Resume") : _("Pause"),
                                         "app.pause-migration", "u", wid);
  g_notification_add_button_with_target (notification, _("Open"), "app.open-window", "u", wid);
  description = g_strdup_printf ("%s\n%s\n%s=app.pause-migration(%u) %s=app.open-window(%u)",
                                 title, body->str, paused ? _("Resume") : _("Pause"), wid, _("Open"), wid);
  id = progress_id (self);
  gpm_application_notify (app, id, notification, description);
}

void
gpm_window_update_progress_notification (GpmWindow *self)
{
  g_return_if_fail (GPM_IS_WINDOW (self));
  update_notification (self);
}

static void
withdraw_notification (GpmWindow *self)
{
  GpmApplication *app = get_app (self);
  g_autofree char *id = progress_id (self);

  if (app != NULL)
    gpm_application_withdraw (app, id);
}

static void
waiting_cb (GpmMigrator *migrator,
            guint        seconds,
            const char  *reason,
            GpmWindow   *self)
{
  self->next_post_at = seconds > 0 ? g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC : 0;
  update_notification (self);
}

static void
visible_cb (GpmWindow *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    {
      self->backgrounded = FALSE;
      withdraw_notification (self);
    }
  else
    update_notification (self);
}

/* The record of the running migration */

static char *
record_identity (GVariant *record)
{
  const char *pod = NULL;
  const char *user = NULL;
  g_autofree const char **paths = NULL;
  g_autofree char *joined = NULL;

  if (!g_variant_lookup (record, "pod", "&s", &pod) || !g_variant_lookup (record, "user", "&s", &user) ||
      !g_variant_lookup (record, "paths", "^a&s", &paths) || paths == NULL || paths[0] == NULL)
    return NULL;
  joined = g_strjoinv ("\t", (char **) paths);
  return g_strdup_printf ("%s\t%s\t%s", pod, user, joined);
}

static GVariant *
build_record (GpmWindow *self)
{
  GpmMigratePage *page = self->migrate_page;
  g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autofree char *user = NULL;
  g_auto(GStrv) scopes = NULL;

  /* The audiences the run was started with; the rest of the plan (aspects,
   * posts left out, edited texts, pace) is in the journal, where the page
   * saved it, and comes back from there when the page prepares. */
  if (page->pod == NULL || self->import_paths == NULL)
    return NULL;
  user = gpm_pod_dup_username (page->pod);
  scopes = gpm_scope_sidebar_get_selected_keys (self->sidebar);
  g_variant_builder_add (builder, "{sv}", "pod", g_variant_new_string (gpm_pod_get_address (page->pod)));
  g_variant_builder_add (builder, "{sv}", "user", g_variant_new_string (user != NULL ? user : ""));
  g_variant_builder_add (builder, "{sv}", "api",
                         g_variant_new_boolean (gpm_pod_get_auth (page->pod) == GPM_POD_AUTH_API));
  g_variant_builder_add (builder, "{sv}", "paths",
                         g_variant_new_strv ((const char * const *) self->import_paths, -1));
  g_variant_builder_add (builder, "{sv}", "scopes",
                         g_variant_new_strv ((const char * const *) (scopes ? scopes : (GStrv) (const char *[]) { NULL }), -1));
  /* Whose takeout: another file put at the same paths (another person's
   * takeout, whose journal is another) is not resumed in the background */
  if (gpm_migrate_page_get_journal (page) != NULL)
    g_variant_builder_add (builder, "{sv}", "takeout",
                           g_variant_new_string (gpm_journal_get_takeout_identity (gpm_migrate_page_get_journal (page))));
  return g_variant_ref_sink (g_variant_builder_end (builder));
}

gboolean
gpm_window_has_unfinished_migration (void)
{
  g_autoptr(GVariant) record = g_settings_get_value (gpm_settings_get_default (), "unfinished-migration");
  g_autofree char *identity = record_identity (record);

  return identity != NULL;
}

/* The run */

static void
started_cb (GpmWindow *self)
{
  GpmApplication *app = get_app (self);
  GpmMigrator *migrator = gpm_migrate_page_get_migrator (self->migrate_page);

  if (app != NULL && self->held == NULL)
    {
      gpm_application_hold_migration (app);
      self->held = g_object_ref (app);
    }

  /* What a later start needs to go on: a resumed run keeps the record it
   * was started from (with the aspects and pace an older record names) */
  {
    g_autoptr(GVariant) record = self->resume != NULL ? g_variant_ref (self->resume) : build_record (self);

    if (record != NULL)
      g_settings_set_value (self->settings, "unfinished-migration", record);
  }
  g_clear_pointer (&self->resume, g_variant_unref);

  gpm_background_request (g_settings_get_boolean (self->settings, "start-at-login"));

  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_data (self->watched, self);
  g_set_weak_pointer (&self->watched, migrator);
  self->next_post_at = 0;
  if (migrator != NULL)
    {
      g_signal_connect_object (migrator, "waiting", G_CALLBACK (waiting_cb), self, 0);
      g_signal_connect_object (migrator, "notify::n-done", G_CALLBACK (update_notification), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (migrator, "notify::n-total", G_CALLBACK (update_notification), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (migrator, "notify::state", G_CALLBACK (update_notification), self, G_CONNECT_SWAPPED);
    }
  update_notification (self);
}

static gboolean
destroy_hidden_cb (gpointer data)
{
  g_autoptr(GpmWindow) self = data;

  if (self->backgrounded && !gpm_migrate_page_is_running (self->migrate_page))
    gtk_window_destroy (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

static void
finished_cb (GpmWindow *self)
{
  if (gpm_migrate_page_is_running (self->migrate_page))
    return;   /* an export's end, or not this run */

  withdraw_notification (self);
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_data (self->watched, self);
  g_clear_weak_pointer (&self->watched);

  /* Finished, or stopped by the user: nothing to go on with at the next
   * start (a crash, a logout or a reboot never gets here) */
  if (self->held != NULL)
    {
      g_settings_reset (self->settings, "unfinished-migration");
      gpm_application_release_migration (self->held);
      g_clear_object (&self->held);
    }

  /* Closed meanwhile: the window goes now (and with the last one, the app) */
  if (self->backgrounded)
    g_idle_add (destroy_hidden_cb, g_object_ref (self));
}

gboolean
_gpm_window_background_close (GpmWindow *self)
{
  GpmApplication *app = get_app (self);

  if (!gpm_migrate_page_is_running (self->migrate_page) || app == NULL || gpm_application_is_quitting (app))
    return FALSE;

  /* It goes on: the window only hides (the application holds itself) */
  self->backgrounded = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  return TRUE;
}

/* Going on after a restart */

static void resume_failed (GpmWindow *self, const char *why);
static void resume_later  (GpmWindow *self, const GError *error);

/* Why a resumed migration could not start that passes by itself: at login
 * the network is often not up yet, and the pod may be down for the night
 * (or its certificate expired until its admin renews it). The migrator
 * waits such things out within a run; the start waits for them too. */
static gboolean
resume_error_passes (const GError *error)
{
  /* REDIRECTED: a captive portal or a sign-on proxy in front of the pod
   * (a laptop started in a hotel): it passes as a pod down does */
  return gpm_pod_error_is_transient (error) || g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TLS) ||
         g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED);
}

static void
resume_prepared_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GpmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GpmMigratePage *page = GPM_MIGRATE_PAGE (source);

  if (!gpm_migrate_page_prepare_finish (page, result, &error))
    {
      if (self->resume != NULL && resume_error_passes (error))
        resume_later (self, error);
      else
        resume_failed (self, error->message);
      return;
    }
  self->resume_retries = 0;
  _gpm_window_set_state_journal (self, gpm_migrate_page_get_journal (page));
  if (self->resume == NULL)
    return;

  /* The journal's plan came back while preparing; a record that names
   * aspects and a pace itself (one written before the plan was saved in
   * the journal) has the last word */
  {
    g_autoptr(GVariant) aspects = g_variant_lookup_value (self->resume, "aspects", G_VARIANT_TYPE ("a{ss}"));
    guint32 delay = 0;

    for (gsize i = 0; aspects != NULL && i < g_variant_n_children (aspects); i++)
      {
        const char *key, *aspect;

        g_variant_get_child (aspects, i, "{&s&s}", &key, &aspect);
        gpm_migrate_page_map_scope (page, key, aspect);
      }
    if (g_variant_lookup (self->resume, "delay", "u", &delay))
      gpm_migrate_page_set_delay (page, delay);
  }
  gpm_migrate_page_start (page);
}

typedef struct {
  GpmWindow *window;
  GpmPod    *pod;
} SignIn;

static void
sign_in_free (SignIn *s)
{
  g_object_unref (s->window);
  g_clear_object (&s->pod);
  g_free (s);
}

static void
sign_in_closure_free (gpointer  data,
                      GClosure *closure)
{
  sign_in_free (data);
}

static void resume_signed_in (GpmWindow *self, GpmPod *pod);

static void
resume_sidebar_ready_cb (GpmScopeSidebar *sidebar,
                         SignIn          *s)
{
  if (gpm_scope_sidebar_get_roots (sidebar) == NULL)
    return;
  resume_signed_in (s->window, s->pod);
  /* (frees @s once this handler has returned) */
  g_signal_handlers_disconnect_by_func (sidebar, resume_sidebar_ready_cb, s);
}

static void
resume_signed_in (GpmWindow *self,
                  GpmPod    *pod)
{
  g_autofree const char **scopes = NULL;
  g_auto(GStrv) keys = NULL;
  GpmPlan *plan;

  if (self->shown_import == NULL || self->resume == NULL)
    return;
  {
    const char *recorded = NULL;

    if (g_variant_lookup (self->resume, "takeout", "&s", &recorded))
      {
        g_autofree char *identity = gpm_journal_takeout_identity (gpm_import_get_posts (self->shown_import));

        if (g_strcmp0 (identity, recorded) != 0)
          {
            resume_failed (self, _("The takeout in its place is not the one the migration began with (another "
                                   "person's, or another Google account's). Nothing was sent from it."));
            return;
          }
      }
  }
  /* The plan follows the sidebar's ticks, a running migration too
   * (gpm-window-migration.c); the sidebar builds its tree in a thread and,
   * once built, ticks its default selection (the essentially public
   * audiences) and announces it. A resumed run that started before then
   * lost the record's other audiences on the way (a circle's posts were
   * never sent). So it waits for the tree, and the tree shows the
   * record's audiences: what runs is what is ticked. */
  if (gpm_scope_sidebar_get_roots (self->sidebar) == NULL)
    {
      SignIn *wait = g_new0 (SignIn, 1);

      wait->window = g_object_ref (self);
      wait->pod = g_object_ref (pod);
      g_signal_connect_data (self->sidebar, "selection-changed", G_CALLBACK (resume_sidebar_ready_cb), wait,
                             sign_in_closure_free, 0);
      return;
    }
  g_variant_lookup (self->resume, "scopes", "^a&s", &scopes);
  gpm_scope_sidebar_select_keys (self->sidebar,
                                 (const char * const *) (scopes ? scopes : (const char *[]) { NULL }));
  keys = gpm_scope_sidebar_get_selected_keys (self->sidebar);
  plan = gpm_window_get_plan (self);
  gpm_plan_set_audiences (plan, (const char * const *) keys);
  gpm_migrate_page_prepare_async (self->migrate_page, pod, gpm_import_get_takeout (self->shown_import),
                                  gpm_import_get_posts (self->shown_import), plan, NULL,
                                  resume_prepared_cb, g_object_ref (self));
  gtk_stack_set_visible_child_full (self->main_stack, "migrate", GTK_STACK_TRANSITION_TYPE_NONE);
}

static void
resume_sign_in_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SignIn *s = user_data;
  g_autoptr(GError) error = NULL;
  gboolean api = gpm_pod_get_auth (s->pod) == GPM_POD_AUTH_API;
  gboolean ok = api ? gpm_pod_sign_in_api_secret_finish (s->pod, result, &error)
                    : gpm_pod_sign_in_password_finish (s->pod, result, &error);

  if (ok)
    {
      gpm_application_remember_pod (get_app (s->window), s->pod);
      resume_signed_in (s->window, s->pod);
    }
  else if (s->window->resume != NULL && resume_error_passes (error))
    resume_later (s->window, error);
  else
    resume_failed (s->window, error->message);
  sign_in_free (s);
}

static void
resume_secret_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SignIn *s = user_data;
  GVariant *record = s->window->resume;
  const char *user = NULL;
  gboolean api = FALSE;
  char *secret = gpm_secrets_lookup_finish (result, NULL);

  if (record == NULL || secret == NULL)
    {
      if (record != NULL)
        resume_failed (s->window, _("The keyring does not remember the password."));
      gpm_secrets_free (secret);
      sign_in_free (s);
      return;
    }
  g_variant_lookup (record, "user", "&s", &user);
  g_variant_lookup (record, "api", "b", &api);
  if (api)
    gpm_pod_sign_in_api_secret_async (s->pod, secret, NULL, resume_sign_in_cb, s);
  else
    gpm_pod_sign_in_password_async (s->pod, user, secret, NULL, NULL, resume_sign_in_cb, s);
  gpm_secrets_free (secret);
}

gboolean
_gpm_window_background_imported (GpmWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *pod = NULL;
  const char *user = NULL;
  gboolean api = FALSE;
  SignIn *s;

  if (self->resume == NULL)
    return FALSE;

  g_variant_lookup (self->resume, "pod", "&s", &pod);
  g_variant_lookup (self->resume, "user", "&s", &user);
  g_variant_lookup (self->resume, "api", "b", &api);
  s = g_new0 (SignIn, 1);
  s->window = g_object_ref (self);
  s->pod = gpm_pod_new (pod, &error);
  if (s->pod == NULL)
    {
      resume_failed (self, error->message);
      sign_in_free (s);
      return TRUE;
    }
  /* Signed in with what the keyring remembers, as the run does again */
  gpm_secrets_lookup_async (pod, user, api ? GPM_SECRET_API_SESSION : GPM_SECRET_PASSWORD,
                            NULL, resume_secret_cb, s);
  return TRUE;
}

/* The first retry after this many seconds, doubled each time up to the
 * most (the migrator's longest backoff). */
#define RESUME_RETRY_FIRST_SECONDS 5
#define RESUME_RETRY_MAX_SECONDS   300

static gboolean
resume_retry_cb (gpointer data)
{
  GpmWindow *self = data;

  self->resume_retry_id = 0;
  if (self->resume != NULL && self->shown_import != NULL)
    _gpm_window_background_imported (self);
  return G_SOURCE_REMOVE;
}

/* Signs in and prepares again in a while, as long as it takes; says so
 * once. */
static void
resume_later (GpmWindow    *self,
              const GError *error)
{
  guint seconds = RESUME_RETRY_FIRST_SECONDS << MIN (self->resume_retries, 6);

  seconds = MIN (seconds, RESUME_RETRY_MAX_SECONDS);
  if (self->resume_retries++ == 0)
    {
      const char *pod = NULL;
      g_autofree char *message = NULL;
      AdwToast *toast;

      g_variant_lookup (self->resume, "pod", "&s", &pod);
      if (pod != NULL && strstr (pod, "://") != NULL)
        pod = strstr (pod, "://") + 3;
      /* Sent to another address (a sign-on page in front of the pod, a
       * maintenance page): the user may have to act there, in a browser,
       * so the toast says where, not only that the pod is not reached */
      if (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_REDIRECTED))
        message = g_strdup (error->message);
      else
        /* Translators: %s is the pod's address (a toast: short) */
        message = g_strdup_printf (_("Waiting for %s, which cannot be reached yet"), pod != NULL ? pod : "");
      toast = gpm_gui_toast_new (message, gpm_gui_window_width (GTK_WINDOW (self)));
      gpm_gui_label_keep_name (GTK_LABEL (adw_toast_get_custom_title (toast)), pod);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  g_debug ("Resuming the migration in %u s: %s", seconds, error->message);
  g_clear_handle_id (&self->resume_retry_id, g_source_remove);
  self->resume_retry_id = g_timeout_add_seconds (seconds, resume_retry_cb, self);
}

static void
resume_failed (GpmWindow  *self,
               const char *why)
{
  g_autofree char *message = g_strdup_printf (_("Could not go on moving your posts: %s Use Migrate… to sign in and continue; nothing will be posted twice."),
                                              why);

  g_clear_pointer (&self->resume, g_variant_unref);
  g_clear_handle_id (&self->resume_retry_id, g_source_remove);
  g_clear_handle_id (&self->resume_files_id, g_source_remove);
  gpm_window_add_toast (self, message);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "migrate") == 0 &&
      !gpm_migrate_page_is_running (self->migrate_page))
    gtk_stack_set_visible_child_name (self->main_stack, self->shown_import ? "review" : "welcome");
}

/* How often the takeout of a migration being resumed is looked for. */
#define RESUME_FILES_POLL_SECONDS 10

/* The first of @record's takeout files that is not there, else NULL. */
static char *
dup_missing_path (GVariant *record)
{
  g_autofree const char **paths = NULL;

  if (record == NULL || !g_variant_lookup (record, "paths", "^a&s", &paths) || paths == NULL)
    return NULL;
  for (guint i = 0; paths[i] != NULL; i++)
    if (!g_file_test (paths[i], G_FILE_TEST_EXISTS))
      return g_strdup (paths[i]);
  return NULL;
}

static gboolean
resume_files_cb (gpointer data)
{
  GpmWindow *self = data;
  g_autofree char *missing = NULL;

  if (self->resume == NULL)
    {
      self->resume_files_id = 0;
      return G_SOURCE_REMOVE;
    }
  missing = dup_missing_path (self->resume);
  if (missing != NULL)
    return G_SOURCE_CONTINUE;
  self->resume_files_id = 0;
  gpm_window_resume_unfinished (self);
  return G_SOURCE_REMOVE;
}

gboolean
_gpm_window_background_import_failed (GpmWindow *self)
{
  g_autofree char *missing = dup_missing_path (self->resume);
  g_autofree char *message = NULL;

  if (missing == NULL)
    return FALSE;
  if (self->resume_files_id == 0)
    {
      g_autofree char *name = g_path_get_basename (missing);

      /* Translators: %s is the takeout's file or folder name (a toast: short) */
      message = g_strdup_printf (_("Waiting for %s: is its disk plugged in?"), name);
      gpm_window_add_toast (self, message);
      self->resume_files_id = g_timeout_add_seconds (RESUME_FILES_POLL_SECONDS, resume_files_cb, self);
    }
  return TRUE;
}

void
gpm_window_resume_unfinished (GpmWindow *self)
{
  g_autoptr(GVariant) record = NULL;
  g_autofree const char **paths = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (GPM_IS_WINDOW (self));

  record = g_settings_get_value (self->settings, "unfinished-migration");
  if (!g_variant_lookup (record, "paths", "^a&s", &paths) || paths == NULL)
    return;
  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_path (paths[i]));
  g_clear_pointer (&self->resume, g_variant_unref);
  self->resume = g_steal_pointer (&record);
  gpm_window_open_files (self, (GFile **) files->pdata, files->len);
}

static void
resume_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    GpmWindow        *self)
{
  g_autoptr(GVariant) record = g_settings_get_value (self->settings, "unfinished-migration");
  g_autofree char *identity = record_identity (record);

  if (identity == NULL)
    return;
  if (g_strcmp0 (response, "continue") == 0)
    {
      g_auto(GStrv) consent = g_settings_get_strv (self->settings, "resume-consent");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) updated = NULL;

      g_strv_builder_addv (builder, (const char **) consent);
      if (!g_strv_contains ((const char * const *) consent, identity))
        g_strv_builder_add (builder, identity);
      updated = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "resume-consent", (const char * const *) updated);
      gpm_window_resume_unfinished (self);
    }
  else if (g_strcmp0 (response, "forget") == 0)
    g_settings_reset (self->settings, "unfinished-migration");
}

void
gpm_window_offer_resume (GpmWindow *self)
{
  g_autoptr(GVariant) record = NULL;
  g_autofree char *identity = NULL;
  g_auto(GStrv) consent = NULL;
  const char *pod = NULL;
  const char *user = NULL;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  g_return_if_fail (GPM_IS_WINDOW (self));

  record = g_settings_get_value (self->settings, "unfinished-migration");
  identity = record_identity (record);
  if (identity == NULL || self->import != NULL || gpm_migrate_page_is_running (self->migrate_page))
    return;

  /* Agreed once: it goes on by itself from then on */
  consent = g_settings_get_strv (self->settings, "resume-consent");
  if (g_strv_contains ((const char * const *) consent, identity))
    {
      gpm_window_resume_unfinished (self);
      return;
    }

  g_variant_lookup (record, "pod", "&s", &pod);
  g_variant_lookup (record, "user", "&s", &user);
  if (strstr (pod, "://") != NULL)
    pod = strstr (pod, "://") + 3;
  body = g_strdup_printf (_("Moving your posts to %s as %s stopped before it was finished (the computer was "
                            "restarted, or the app closed). Go on where it stopped? Nothing will be posted twice, "
                            "and from now on it goes on by itself when the app starts."),
                          pod, user);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Go On Moving Your Posts?"), body));
  gtk_window_set_title (GTK_WINDOW (dialog), _("Go On Moving Your Posts?"));
  adw_message_dialog_add_responses (dialog, "forget", _("_Not Now"), "continue", _("_Go On"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "continue", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "continue");
  adw_message_dialog_set_close_response (dialog, "later");
  g_signal_connect_object (dialog, "response", G_CALLBACK (resume_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_gpm_window_background_init (GpmWindow *self)
{
  g_signal_connect_object (self->migrate_page, "started", G_CALLBACK (started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrate_page, "finished", G_CALLBACK (finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::visible", G_CALLBACK (visible_cb), NULL);
}

void
_gpm_window_background_dispose (GpmWindow *self)
{
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_data (self->watched, self);
  g_clear_weak_pointer (&self->watched);
  g_clear_handle_id (&self->resume_retry_id, g_source_remove);
  g_clear_handle_id (&self->resume_files_id, g_source_remove);
  g_clear_pointer (&self->resume, g_variant_unref);
  if (self->held != NULL)
    gpm_application_release_migration (self->held);
  g_clear_object (&self->held);
}
