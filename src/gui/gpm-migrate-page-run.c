/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page-run.c: a migration running: starting it, its progress
 * and log, signing in again when the session ends, and the notification
 * when it is over. */
#define G_LOG_DOMAIN "gpm-migrate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-application.h"
#include "gpm-gui-util.h"
#include "gpm-migrate-page-private.h"
#include "gpm-secrets.h"
#include "gpm-util.h"

#define MAX_LOG_ROWS 500

/* Progress */

static char *
format_eta (gint64 seconds)
{
  if (seconds < 0)
    return NULL;
  if (seconds < 60)
    return g_strdup (_("less than a minute left"));
  if (seconds < 3600)
    return g_strdup_printf (ngettext ("about %u minute left", "about %u minutes left", (guint) (seconds / 60)),
                            (guint) (seconds / 60));
  if (seconds < 48 * 3600)
    return g_strdup_printf (ngettext ("about %u hour left", "about %u hours left", (guint) (seconds / 3600)),
                            (guint) (seconds / 3600));
  return g_strdup_printf (ngettext ("about %u day left", "about %u days left", (guint) (seconds / 86400)),
                          (guint) (seconds / 86400));
}

void
_gpm_migrate_page_update_progress (GpmMigratePage *self)
{
  guint done = gpm_migrator_get_n_done (self->migrator);
  guint failed = gpm_migrator_get_n_failed (self->migrator);
  guint skipped = gpm_migrator_get_n_skipped (self->migrator);
  /* The posts the plan sends: the total never counts the skipped ones */
  guint total = MAX (self->n_expected, done + failed);
  g_autofree char *eta = format_eta (gpm_migrator_get_eta (self->migrator));
  g_autoptr(GString) text = g_string_new (NULL);

  /* Its posts still being chosen (gpm_migrate_page_start()): no total yet */
  if (self->start_task != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_label_set_label (self->progress_label, _("Starting…"));
      return;
    }

  if (g_strcmp0 (self->status, "done") == 0)
    gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  else if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) (done + failed) / total));

  g_string_append_printf (text, ngettext ("%u of %u post posted", "%u of %u posts posted", total), done, total);
  if (failed > 0)
    g_string_append_printf (text, ngettext (" · %u failed", " · %u failed", failed), failed);
  if (skipped > 0)
    g_string_append_printf (text, ngettext (" · %u skipped", " · %u skipped", skipped), skipped);
  if (eta != NULL && g_strcmp0 (self->status, "running") == 0)
    g_string_append_printf (text, " · %s", eta);

  gtk_label_set_label (self->progress_label, text->str);
}

static void
add_log_row (GpmMigratePage *self,
             const char     *title,
             const char     *subtitle,
             const char     *icon_name,
             const char     *icon_label,
             gboolean        whole)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *subtitle_label = gtk_label_new (subtitle);
  g_autofree char *a11y = g_strdup_printf ("%s: %s. %s", icon_label, title, subtitle ? subtitle : "");

  if (self->n_log_rows >= MAX_LOG_ROWS)
    {
      GtkListBoxRow *last = gtk_list_box_get_row_at_index (self->log_list, MAX_LOG_ROWS - 1);
      if (last != NULL)
        gtk_list_box_remove (self->log_list, GTK_WIDGET (last));
    }
  else
    self->n_log_rows++;
  /* Its heading follows it (a binding in the template) */
  gtk_widget_set_visible (GTK_WIDGET (self->log_list), TRUE);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0);
  if (whole)
    {
      gtk_label_set_wrap (GTK_LABEL (subtitle_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (subtitle_label), PANGO_WRAP_WORD_CHAR);
    }
  else
    {
      /* One line, ellipsized, the whole text its tooltip and in the
       * row's accessible name, as the plan's rows: wrapping, each new
       * row's subtitle was measured ~120 times in the layout that showed
       * it (the first post's five skip reasons and "Posted" were 60-100 ms
       * of text shaping, GTK 4.8) */
      gtk_label_set_ellipsize (GTK_LABEL (subtitle_label), PANGO_ELLIPSIZE_END);
      gtk_label_set_single_line_mode (GTK_LABEL (subtitle_label), TRUE);
      if (subtitle != NULL)
        gtk_widget_set_tooltip_text (subtitle_label, subtitle);
    }
  gtk_widget_add_css_class (subtitle_label, "dim-label");
  gtk_widget_add_css_class (subtitle_label, "caption");
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_tooltip_text (icon, icon_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, icon_label, -1);

  gtk_box_append (GTK_BOX (texts), title_label);
  gtk_box_append (GTK_BOX (texts), subtitle_label);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  gtk_list_box_prepend (self->log_list, row);
}

void
_gpm_migrate_page_add_log_row (GpmMigratePage *self,
                               const char     *title,
                               const char     *subtitle,
                               const char     *icon_name,
                               const char     *icon_label)
{
  add_log_row (self, title, subtitle, icon_name, icon_label, FALSE);
}

static void
post_finished_cb (GpmMigrator     *migrator,
                  GpmPost         *post,
                  GpmJournalState  state,
                  GError          *error,
                  GpmMigratePage  *self)
{
  g_autofree char *date = gpm_gui_format_post_date (post);
  g_autofree char *snippet = gpm_convert_dup_list_text (post, 80);
  g_autofree char *title = g_strdup_printf ("%s — %s", date, *snippet ? snippet : _("(No text)"));
  g_autofree char *reason = error ? gpm_gui_error_message (error) : NULL;

  g_strdelimit (title, "\n", ' ');

  switch (state)
    {
    case GPM_JOURNAL_STATE_POSTED:
      _gpm_migrate_page_add_log_row (self, title, _("Posted"), "emblem-ok-symbolic", _("Posted"));
      break;
    case GPM_JOURNAL_STATE_SKIPPED:
      _gpm_migrate_page_add_log_row (self, title, reason ? reason : _("Skipped"), "action-unavailable-symbolic", _("Skipped"));
      break;
    case GPM_JOURNAL_STATE_ATTEMPTING:
      /* What to act on is read whole (one wrapping row costs ~2.5 ms
       * in the layout that shows it; the skipped ones come in numbers) */
      add_log_row (self, title, _("Not sure whether the pod received it: it will be checked before anything is sent again."),
                   "dialog-question-symbolic", _("Unsure"), TRUE);
      break;
    case GPM_JOURNAL_STATE_FAILED:
    default:
      add_log_row (self, title, reason ? reason : _("Failed"), "dialog-error-symbolic", _("Failed"), TRUE);
      break;
    }

  _gpm_migrate_page_update_progress (self);
  _gpm_migrate_page_emit_post_done (self, post);
}

/* "45 s", "3 min 20 s", "5 h 12 min" */
static char *
format_wait (gint64 seconds)
{
  if (seconds < 60)
    /* Translators: a wait in seconds */
    return g_strdup_printf (_("%u s"), (guint) seconds);
  if (seconds < 3600)
    /* Translators: a wait in minutes and seconds */
    return g_strdup_printf (_("%u min %u s"), (guint) (seconds / 60), (guint) (seconds % 60));
  /* Translators: a wait in hours and minutes */
  return g_strdup_printf (_("%u h %u min"), (guint) (seconds / 3600), (guint) (seconds % 3600 / 60));
}

static void
stop_countdown (GpmMigratePage *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_pointer (&self->wait_reason, g_free);
  g_clear_pointer (&self->retry_error, g_free);
}

/* The wait the migrator announced, counted down every second */
static gboolean
countdown_tick (gpointer data)
{
  GpmMigratePage *self = data;
  gint64 left = (self->wait_until - g_get_monotonic_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  g_autofree char *wait = NULL;
  g_autofree char *text = NULL;

  if (left <= 0 || g_strcmp0 (self->status, "running") != 0)
    {
      if (g_strcmp0 (self->status, "running") == 0)
        gtk_label_set_label (self->waiting_label, "");
      self->countdown_id = 0;
      g_clear_pointer (&self->wait_reason, g_free);
      g_clear_pointer (&self->retry_error, g_free);
      return G_SOURCE_REMOVE;
    }
  wait = format_wait (left);
  if (self->retry_error != NULL)
    /* Translators: "The pod did not answer. Retrying in 8 s" */
    text = g_strdup_printf (_("%s Retrying in %s."), self->retry_error, wait);
  else
    /* Translators: "Next post in 60 s (Waiting 60 seconds between posts)" */
    text = g_strdup_printf (_("Next post in %s (%s)"), wait, self->wait_reason ? self->wait_reason : "");
  gtk_label_set_label (self->waiting_label, text);
  return G_SOURCE_CONTINUE;
}

static void
start_countdown (GpmMigratePage *self,
                 guint           seconds)
{
  self->wait_until = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (countdown_tick (self))
    self->countdown_id = g_timeout_add (1000, countdown_tick, self);
}

static void
waiting_cb (GpmMigrator    *migrator,
            guint           seconds,
            const char     *reason,
            GpmMigratePage *self)
{
  stop_countdown (self);
  if (seconds == 0)
    {
      gtk_label_set_label (self->waiting_label, "");
      return;
    }
  /* no raw HTTP codes in what the user reads */
  self->wait_reason = gpm_gui_strip_http_codes (reason);
  start_countdown (self, seconds);
}

/* A passing error: said as it is, with the countdown to the next try */
static void
retrying_cb (GpmMigrator    *migrator,
             guint           seconds,
             GError         *error,
             GpmMigratePage *self)
{
  g_autofree char *message = error != NULL ? gpm_gui_error_message (error) : g_strdup (_("The pod did not answer."));

  g_free (self->retry_error);
  self->retry_error = g_steal_pointer (&message);
  start_countdown (self, seconds);
}

const char *
gpm_migrate_page_get_waiting (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return gtk_label_get_label (self->waiting_label);
}

void
_gpm_migrate_page_stop_countdown (GpmMigratePage *self)
{
  stop_countdown (self);
}

static void
resign_done (GpmMigratePage *self,
             gboolean        ok,
             const GError   *error)
{
  if (self->migrator == NULL || !gpm_migrate_page_is_running (self))
    return;

  if (ok)
    {
      gtk_label_set_label (self->waiting_label, "");
      gpm_migrator_resume (self->migrator);
      return;
    }

  {
    g_autofree char *message = gpm_gui_error_message (error);
    g_autofree char *text = g_strdup_printf (_("Signed out of the pod and could not sign in again: %s "
                                               "Use Migrate… to sign in; nothing will be posted twice."),
                                             message);
    gtk_label_set_label (self->waiting_label, text);
  }
  gpm_migrator_cancel (self->migrator);
}

static void
resign_api_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GpmMigratePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = gpm_pod_sign_in_api_secret_finish (GPM_POD (source), result, &error);

  resign_done (self, ok, error);
}

static void
resign_password_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GpmMigratePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = gpm_pod_sign_in_password_finish (GPM_POD (source), result, &error);

  resign_done (self, ok, error);
}

static void
resign_lookup_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpmMigratePage) self = user_data;
  gboolean api = gpm_pod_get_auth (self->pod) == GPM_POD_AUTH_API;
  char *secret = gpm_secrets_lookup_finish (result, NULL);
  g_autofree char *username = gpm_pod_dup_username (self->pod);

  if (secret == NULL || self->migrator == NULL)
    {
      gtk_label_set_label (self->waiting_label,
                           _("Signed out of the pod. Use Migrate… to sign in again; nothing will be posted twice."));
      if (self->migrator != NULL)
        gpm_migrator_cancel (self->migrator);
      gpm_secrets_free (secret);
      return;
    }

  /* The same GpmPod signs in again; the migrator then resumes */
  if (api)
    gpm_pod_sign_in_api_secret_async (self->pod, secret, NULL, resign_api_done_cb, g_object_ref (self));
  else
    gpm_pod_sign_in_password_async (self->pod, username, secret, NULL, NULL, resign_password_done_cb,
                                    g_object_ref (self));
  gpm_secrets_free (secret);
}

/* The session ended and the pod client could not renew it: sign in again
 * with what the keyring remembers, else stop (a later run goes on). */
static void
auth_required_cb (GpmMigrator    *migrator,
                  GError         *error,
                  GpmMigratePage *self)
{
  g_autofree char *username = gpm_pod_dup_username (self->pod);
  gboolean api = gpm_pod_get_auth (self->pod) == GPM_POD_AUTH_API;

  gtk_label_set_label (self->waiting_label, _("Signing in to the pod again…"));
  gpm_secrets_lookup_async (gpm_pod_get_address (self->pod), username,
                            api ? GPM_SECRET_API_SESSION : GPM_SECRET_PASSWORD,
                            NULL, resign_lookup_cb, g_object_ref (self));
}

void
_gpm_migrate_page_set_running_ui (GpmMigratePage *self,
                                  gboolean        running)
{
  gtk_widget_set_visible (self->pause_button, running && !self->exporting);
  gtk_widget_set_visible (self->stop_button, running);
  gtk_widget_set_visible (self->hide_button, running);
  gtk_widget_set_visible (self->done_button, !running);
  if (running)
    gtk_widget_set_visible (self->run_view_pod_button, FALSE);
  /* After an export: its folder, a click away */
  gtk_widget_set_visible (self->open_folder_button, !running && self->exporting && self->export_dir != NULL);
  if (running)
    gtk_widget_set_visible (self->resume_button, FALSE);
  _gpm_migrate_page_update_header (self);
}

/* A desktop notification, when the desktop has a notification service
 * (gpm_application_notify). Opening it shows this window. */
void
_gpm_migrate_page_notify_done (GpmMigratePage *self,
                               const char     *title,
                               const char     *body)
{
  GApplication *app = g_application_get_default ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autofree char *description = g_strdup_printf ("%s\n%s", title, body);

  if (!GPM_IS_APPLICATION (app))
    return;
  g_notification_set_body (notification, body);
  if (GTK_IS_APPLICATION_WINDOW (root))
    g_notification_set_default_action_and_target (notification, "app.open-window", "u",
                                                  gtk_application_window_get_id (GTK_APPLICATION_WINDOW (root)));
  gpm_application_notify (GPM_APPLICATION (app), "gpm-migration", notification, description);
}

/* The run is over (@ok), stopped or failed (@error); also a start stopped
 * before its run began (gpm_migrate_page_stop()) */
static void
run_ended (GpmMigratePage *self,
           gboolean        ok,
           const GError   *error)
{
  guint failed = gpm_migrator_get_n_failed (self->migrator);
  guint done = gpm_migrator_get_n_done (self->migrator);
  g_autofree char *body = NULL;

  g_clear_object (&self->cancellable);
  stop_countdown (self);
  self->status = ok ? "done" : "stopped";
  _gpm_migrate_page_set_running_ui (self, FALSE);
  gtk_widget_set_visible (self->retry_button, failed > 0);
  _gpm_migrate_page_update_progress (self);

  if (ok)
    {
      gtk_label_set_label (self->run_title, failed > 0 ? _("Finished, With Some Failures") : _("All Done"));
      gtk_label_set_label (self->waiting_label, "");
      body = g_strdup_printf (ngettext ("%u post is on your pod.", "%u posts are on your pod.", done), done);
      _gpm_migrate_page_notify_done (self, _("Your posts have been moved"), body);
      /* Where they are now, a click away, as the plan's "View on the Pod"
       * (the first thing offered, unless failures are to be retried) */
      if (!self->exporting && self->pod != NULL)
        {
          g_autofree char *tooltip = g_strdup_printf (_("Your profile on %s, in the web browser"),
                                                      gpm_pod_get_display_name (self->pod));

          gtk_widget_set_tooltip_text (self->run_view_pod_button, tooltip);
          if (failed > 0)
            gtk_widget_remove_css_class (self->run_view_pod_button, "suggested-action");
          else
            gtk_widget_add_css_class (self->run_view_pod_button, "suggested-action");
          gtk_widget_set_visible (self->run_view_pod_button, TRUE);
        }
    }
  else
    {
      gtk_label_set_label (self->run_title, _("Stopped"));
      /* Go on from here: the journal knows what is on the pod */
      gtk_widget_set_visible (self->resume_button, !self->exporting);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = gpm_gui_error_message (error);
          gtk_label_set_label (self->waiting_label, message);
        }
      else
        gtk_label_set_label (self->waiting_label, _("You can continue later: nothing will be posted twice."));
    }

  _gpm_migrate_page_emit_finished (self);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GpmMigratePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = gpm_migrator_run_finish (GPM_MIGRATOR (source), result, &error);

  run_ended (self, ok, error);
}

void
_gpm_migrate_page_clear_log (GpmMigratePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->log_list))) != NULL)
    gtk_list_box_remove (self->log_list, child);
  self->n_log_rows = 0;
  /* No empty box under "Log": hidden until a row comes */
  gtk_widget_set_visible (GTK_WIDGET (self->log_list), FALSE);
}

void
_gpm_migrate_page_connect_migrator (GpmMigratePage *self)
{
  g_signal_connect_object (self->migrator, "notify::n-done", G_CALLBACK (_gpm_migrate_page_update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrator, "notify::n-total", G_CALLBACK (_gpm_migrate_page_update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrator, "notify::eta", G_CALLBACK (_gpm_migrate_page_update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrator, "post-finished", G_CALLBACK (post_finished_cb), self, 0);
  g_signal_connect_object (self->migrator, "waiting", G_CALLBACK (waiting_cb), self, 0);
  g_signal_connect_object (self->migrator, "auth-required", G_CALLBACK (auth_required_cb), self, 0);
  g_signal_connect_object (self->migrator, "retrying", G_CALLBACK (retrying_cb), self, 0);
}

/* Starting a run. Which posts it sends and how many (gpm_plan_count(),
 * the progress's total) is a walk over every ticked post, 0.5 s at
 * 100,000: a worker does it on copies, the page says the run is starting
 * meanwhile (running for the rest of the app: no second Start, no new
 * plan, closing and quitting ask or hide as for a run), and the latest
 * start's result alone is taken. */
typedef struct {
  guint      serial;     /* self->start_serial when it began: a stop or a new start drops it */
  GpmPlan   *plan;       /* what the run follows (the effective plan), a copy */
  GPtrArray *all_posts;
  GPtrArray *ticked;     /* the ticked posts: the page's, or chosen here (@chosen) */
  gboolean   chosen;     /* ticks whose posts were still being chosen: chosen here */
  /* out */
  GPtrArray *run_posts;
  guint      n_to_send;
} Start;

static void
start_free (Start *s)
{
  g_clear_object (&s->plan);
  g_ptr_array_unref (s->all_posts);
  g_clear_pointer (&s->ticked, g_ptr_array_unref);
  g_clear_pointer (&s->run_posts, g_ptr_array_unref);
  g_free (s);
}

/* What a run is given: the ticked posts, less those with nothing of the
 * user's own (the plan says how many; the migrator would only skip them) */
static GPtrArray *
run_posts (GpmPlan   *plan,
           GPtrArray *posts)
{
  GPtrArray *run = g_ptr_array_new_full (posts->len, g_object_unref);

  for (guint i = 0; i < posts->len; i++)
    if (!gpm_plan_is_nothing_own (plan, g_ptr_array_index (posts, i)))
      g_ptr_array_add (run, g_object_ref (g_ptr_array_index (posts, i)));
  return run;
}

static void
start_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Start *s = task_data;
  GpmPlanCounts counts;

  if (s->chosen)
    s->ticked = _gpm_migrate_page_ticked_posts (s->plan, s->all_posts);
  s->run_posts = run_posts (s->plan, s->ticked);
  gpm_plan_count (s->plan, s->ticked, &counts);
  s->n_to_send = counts.n_to_send;
  g_task_return_boolean (task, TRUE);
}

static void start_done_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data);

/* The run's posts and count, from the plan as it is now, in a worker;
 * with @choose, the ticked posts too (ticks whose choosing was dropped) */
static void
begin_start (GpmMigratePage *self,
             gboolean        choose)
{
  g_autoptr(GTask) task = NULL;
  Start *s = g_new0 (Start, 1);

  s->serial = ++self->start_serial;
  /* What the page shows is what runs */
  gpm_plan_set_delay (self->plan, self->delay);
  s->plan = _gpm_migrate_page_dup_effective_plan (self);
  /* ... and what a tick meanwhile is compared with (-audiences.c) */
  gpm_migrator_use_plan (self->migrator, s->plan);
  s->all_posts = g_ptr_array_ref (self->all_posts);
  s->chosen = choose || self->posts == NULL;
  if (!s->chosen)
    s->ticked = g_ptr_array_ref (self->posts);

  task = g_task_new (self, NULL, start_done_cb, NULL);
  g_task_set_source_tag (task, begin_start);
  g_task_set_task_data (task, s, (GDestroyNotify) start_free);
  g_set_object (&self->start_task, task);
  gpm_task_run_in_thread (task, start_thread);
}

static gboolean
same_audiences (GpmPlan *a,
                GpmPlan *b)
{
  g_auto(GStrv) in_a = gpm_plan_dup_audiences (a);
  g_auto(GStrv) in_b = gpm_plan_dup_audiences (b);

  return g_strv_equal ((const char * const *) in_a, (const char * const *) in_b);
}

static void
start_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GpmMigratePage *self = GPM_MIGRATE_PAGE (source);
  Start *s = g_task_get_task_data (G_TASK (result));
  g_autoptr(GpmPlan) now = NULL;

  /* Stopped, started again, or the page gone: dropped */
  if (s->serial != self->start_serial || self->start_task == NULL || self->plan == NULL)
    return;
  g_clear_object (&self->start_task);

  gpm_plan_set_delay (self->plan, self->delay);
  now = _gpm_migrate_page_dup_effective_plan (self);
  /* The posts chosen here are the page's while its ticks are these (the
   * ticks of a run change with the posts, -audiences.c) */
  if (s->chosen && same_audiences (now, s->plan))
    {
      g_clear_pointer (&self->posts, g_ptr_array_unref);
      self->posts = g_ptr_array_ref (s->ticked);
    }
  /* A pace changed meanwhile changes no post */
  gpm_plan_set_delay (s->plan, gpm_plan_get_delay (now));
  gpm_plan_set_max_per_day (s->plan, gpm_plan_get_max_per_day (now));
  /* The plan changed meanwhile (new ticks taken, a post left out, an
   * aspect): the run starts with it, chosen again */
  if (!gpm_plan_equal (now, s->plan))
    {
      begin_start (self, FALSE);
      return;
    }

  gpm_migrator_use_plan (self->migrator, now);
  self->n_expected = s->n_to_send;
  gpm_migrator_run_async (self->migrator, s->run_posts, self->cancellable, run_done_cb, g_object_ref (self));
  /* Paused while starting: it waits before its first post */
  if (g_strcmp0 (self->status, "paused") == 0)
    gpm_migrator_pause (self->migrator);
  _gpm_migrate_page_update_progress (self);
}

gboolean
_gpm_migrate_page_drop_start (GpmMigratePage *self)
{
  if (self->start_task == NULL)
    return FALSE;
  g_clear_object (&self->start_task);
  self->start_serial++;
  return TRUE;
}

void
_gpm_migrate_page_cancel_start (GpmMigratePage *self)
{
  g_autoptr(GError) error = NULL;

  if (!_gpm_migrate_page_drop_start (self))
    return;
  /* Nothing was sent: stopped as a run is */
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Stopped"));
  run_ended (self, FALSE, error);
}

gboolean
gpm_migrate_page_is_starting (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), FALSE);
  return self->start_task != NULL;
}

void
gpm_migrate_page_start (GpmMigratePage *self)
{
  gboolean choose;

  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));
  g_return_if_fail (self->migrator != NULL);

  if (gpm_migrate_page_is_running (self))
    return;

  /* Ticks of a moment ago whose posts are still being chosen: the plan
   * takes them, the start's worker chooses their posts */
  choose = _gpm_migrate_page_take_audiences (self);
  gpm_plan_set_delay (self->plan, self->delay);
  /* kept for the next start of the app */
  gpm_migrate_page_save_plan (self);

  _gpm_migrate_page_clear_log (self);
  stop_countdown (self);

  /* Running from here (is_running()): the posts are chosen in the worker */
  self->cancellable = g_cancellable_new ();
  self->status = "running";
  self->n_expected = 0;
  begin_start (self, choose);
  gtk_label_set_label (self->run_title, _("Moving Your Posts"));
  gtk_button_set_label (GTK_BUTTON (self->pause_button), _("_Pause"));
  gtk_label_set_label (self->waiting_label, "");
  gtk_widget_set_visible (self->retry_button, FALSE);
  _gpm_migrate_page_set_running_ui (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_stack_set_visible_child_name (self->stack, "run");
  _gpm_migrate_page_update_progress (self);
  _gpm_migrate_page_emit_started (self);
}
