/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page.c: the migrate page: what will happen, the aspect for
 * each private audience, the pace, Start; then progress, pause/resume, a
 * log. Its life, its buttons and its signals are here; the rest is in
 * gpm-migrate-page-*.c (gpm-migrate-page-private.h). */
#define G_LOG_DOMAIN "gpm-migrate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-button-row.h"
#include "gpm-migrate-page-private.h"
#include "gpm-util.h"

G_DEFINE_FINAL_TYPE (GpmMigratePage, gpm_migrate_page, GTK_TYPE_WIDGET)

enum {
  CLOSE,
  POST_DONE,
  FINISHED,
  STARTED,   /* issue 17: the window keeps the app running while the run goes on */
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_gpm_migrate_page_emit_post_done (GpmMigratePage *self,
                                  GpmPost        *post)
{
  g_signal_emit (self, signals[POST_DONE], 0, post);
}

void
_gpm_migrate_page_emit_finished (GpmMigratePage *self)
{
  g_signal_emit (self, signals[FINISHED], 0);
}

void
_gpm_migrate_page_emit_started (GpmMigratePage *self)
{
  g_signal_emit (self, signals[STARTED], 0);
}

gboolean
gpm_migrate_page_is_running (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), FALSE);
  return self->cancellable != NULL;
}

void
gpm_migrate_page_stop (GpmMigratePage *self)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->migrator != NULL && !self->exporting)
    gpm_migrator_cancel (self->migrator);
  /* Before its run began: it ends here, nothing sent */
  _gpm_migrate_page_cancel_start (self);
}

void
gpm_migrate_page_set_delay (GpmMigratePage *self,
                            guint           seconds)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  self->updating_rows = TRUE;
  gtk_spin_button_set_value (self->delay_spin, seconds);
  self->updating_rows = FALSE;
  self->delay = seconds;
  if (self->plan != NULL)
    {
      gpm_plan_set_delay (self->plan, seconds);
      _gpm_migrate_page_update_statement (self);
    }
}

void
gpm_migrate_page_set_max_per_day (GpmMigratePage *self,
                                  guint           max_per_day)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  gtk_spin_button_set_value (self->max_spin, max_per_day);
}

GpmPlan *
gpm_migrate_page_get_plan (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return self->plan;
}

/* The pace the user sets: in the plan, in the duration at once, and the
 * default of the next plan (GSettings) */
static void
pace_changed_cb (GpmMigratePage *self)
{
  GSettings *settings = gpm_settings_get_default ();
  guint delay = (guint) gtk_spin_button_get_value_as_int (self->delay_spin);
  guint max_per_day = (guint) gtk_spin_button_get_value_as_int (self->max_spin);

  if (self->updating_rows || self->plan == NULL)
    return;
  self->delay = delay;
  gpm_plan_set_delay (self->plan, delay);
  gpm_plan_set_max_per_day (self->plan, max_per_day);
  if (delay >= GPM_MIGRATOR_MIN_DELAY)
    g_settings_set_uint (settings, "post-delay-seconds", delay);
  g_settings_set_uint (settings, "max-posts-per-day", max_per_day);
  /* The pace changes no count: only the duration again (a recount was a
   * walk over every post in a worker at each step of the spin button) */
  _gpm_migrate_page_update_duration (self);
  if (!gpm_migrate_page_is_running (self))
    gpm_migrate_page_save_plan (self);
}

GpmJournal *
gpm_migrate_page_get_journal (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return self->journal;
}

GpmMigrator *
gpm_migrate_page_get_migrator (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return self->migrator;
}

const char *
gpm_migrate_page_get_status (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return self->status;
}

static void
start_clicked_cb (GpmMigratePage *self)
{
  gpm_migrate_page_start (self);
}

static void
pause_clicked_cb (GpmMigratePage *self)
{
  gpm_migrate_page_toggle_pause (self);
}

/* The Pause button, and the background notification's Pause */
void
gpm_migrate_page_toggle_pause (GpmMigratePage *self)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  if (self->migrator == NULL || !gpm_migrate_page_is_running (self))
    return;

  if (g_strcmp0 (self->status, "paused") == 0)
    {
      gpm_migrator_resume (self->migrator);
      self->status = "running";
      gtk_button_set_label (GTK_BUTTON (self->pause_button), _("_Pause"));
      gtk_label_set_label (self->waiting_label, "");
    }
  else
    {
      gpm_migrator_pause (self->migrator);
      _gpm_migrate_page_stop_countdown (self);
      self->status = "paused";
      gtk_button_set_label (GTK_BUTTON (self->pause_button), _("_Resume"));
      /* (while it starts, no post is being sent yet) */
      gtk_label_set_label (self->waiting_label, gpm_migrate_page_is_starting (self) ? _("Paused before the first post.")
                                                                                 : _("Paused after the current post."));
    }
  _gpm_migrate_page_update_progress (self);
}

static void
stop_clicked_cb (GpmMigratePage *self)
{
  gpm_migrate_page_stop (self);
}

static void
close_clicked_cb (GpmMigratePage *self)
{
  /* Left for now: what was chosen is there when the user comes back */
  if (g_strcmp0 (self->status, "plan") == 0)
    gpm_migrate_page_save_plan (self);
  g_signal_emit (self, signals[CLOSE], 0);
}

void
gpm_migrate_page_attach_header (GpmMigratePage *self,
                                AdwHeaderBar   *bar)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));
  g_return_if_fail (ADW_IS_HEADER_BAR (bar));

  adw_header_bar_pack_start (bar, self->header_back_button);
  adw_header_bar_pack_end (bar, self->header_start_button);
  if (GTK_IS_STACK (gtk_widget_get_parent (GTK_WIDGET (self))))
    g_signal_connect_object (gtk_widget_get_parent (GTK_WIDGET (self)), "notify::visible-child",
                             G_CALLBACK (_gpm_migrate_page_update_header), self, G_CONNECT_SWAPPED);
  _gpm_migrate_page_update_header (self);
}

static void
gpm_migrate_page_dispose (GObject *object)
{
  GpmMigratePage *self = GPM_MIGRATE_PAGE (object);

  /* (a start not begun goes without a word: the page is going) */
  _gpm_migrate_page_drop_start (self);
  gpm_migrate_page_stop (self);
  if (self->migrator != NULL)
    g_signal_handlers_disconnect_by_data (self->migrator, self);
  _gpm_migrate_page_stop_countdown (self);
  g_clear_handle_id (&self->rows_idle, g_source_remove);
  g_clear_handle_id (&self->person_rows_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_MIGRATE_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->prepare_task);
  _gpm_migrate_page_drop_audiences (self);
  g_clear_object (&self->migrator);
  g_clear_pointer (&self->journal, gpm_object_unref_in_worker);
  g_clear_object (&self->takeout);
  g_clear_pointer (&self->export_dir, g_free);
  g_clear_object (&self->pod);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  g_clear_pointer (&self->all_posts, g_ptr_array_unref);
  g_clear_pointer (&self->posted, g_hash_table_unref);
  g_clear_pointer (&self->recent_posted, g_array_unref);
  g_clear_pointer (&self->shown_sends, g_array_unref);
  g_clear_pointer (&self->left_counts, g_hash_table_unref);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_clear_pointer (&self->aspects, g_ptr_array_unref);
  g_clear_pointer (&self->mapping_rows, g_ptr_array_unref);
  g_clear_pointer (&self->person_rows, g_ptr_array_unref);
  g_clear_object (&self->header_back_button);
  g_clear_object (&self->header_start_button);

  G_OBJECT_CLASS (gpm_migrate_page_parent_class)->dispose (object);
}

static void
gpm_migrate_page_class_init (GpmMigratePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_migrate_page_dispose;

  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[POST_DONE] = g_signal_new ("post-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, GPM_TYPE_POST);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (GPM_TYPE_BUTTON_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-migrate-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, stack);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, statement_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, duration_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, pace_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, summary_duration_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, max_spin);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, preparing_box);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, plan_message_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, mapping_box);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, mapping_title);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, mapping_group);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, delay_spin);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, run_title);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, hide_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, run_view_pod_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, done_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, open_folder_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, log_list);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, plan_title);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, duration_box);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, done_box);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, done_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, view_pod_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, more_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, pace_group);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, pace_title);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, pace_rows);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, summary_box);
  gtk_widget_class_bind_template_callback (widget_class, start_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pause_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "open_folder_clicked_cb",
                                                G_CALLBACK (_gpm_migrate_page_open_export_folder));
  gtk_widget_class_bind_template_callback_full (widget_class, "view_pod_clicked_cb",
                                                G_CALLBACK (_gpm_migrate_page_view_pod));

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
gpm_migrate_page_init (GpmMigratePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
  /* The groups' titles and descriptions are ours (a group's own
   * description is measured four times as often), so is naming their lists */
  {
    AdwPreferencesGroup *groups[] = { self->mapping_group, self->pace_rows };
    GtkWidget *titles[] = { self->mapping_title, self->pace_title };

    for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
      {
        GObject *listbox = gtk_widget_get_template_child (GTK_WIDGET (groups[i]),
                                                          ADW_TYPE_PREFERENCES_GROUP, "listbox");

        if (GTK_IS_ACCESSIBLE (listbox))
          gtk_accessible_update_relation (GTK_ACCESSIBLE (listbox), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                          titles[i], NULL, -1);
      }
  }
  self->status = "plan";
  g_signal_connect_object (self->delay_spin, "value-changed", G_CALLBACK (pace_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->max_spin, "value-changed", G_CALLBACK (pace_changed_cb), self, G_CONNECT_SWAPPED);

  /* Back and Start live in the window's header bar (attach_header), so
   * they are in sight whatever the page's length and the window's width */
  self->header_back_button = g_object_ref_sink (gtk_button_new_from_icon_name ("go-previous-symbolic"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->header_back_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back"), -1);
  gtk_widget_set_visible (self->header_back_button, FALSE);
  g_signal_connect_object (self->header_back_button, "clicked", G_CALLBACK (close_clicked_cb), self, G_CONNECT_SWAPPED);
  self->header_start_button = g_object_ref_sink (gtk_button_new_with_mnemonic (_("_Start")));
  gpm_a11y_fix_button_names (self->header_start_button);
  gtk_widget_set_name (self->header_start_button, "start_button");
  gtk_widget_set_name (self->header_back_button, "back_button");
  gtk_widget_set_tooltip_text (self->header_start_button, _("Start moving your posts"));
  gtk_widget_add_css_class (self->header_start_button, "suggested-action");
  gtk_widget_set_visible (self->header_start_button, FALSE);
  g_signal_connect_object (self->header_start_button, "clicked", G_CALLBACK (start_clicked_cb), self, G_CONNECT_SWAPPED);

}
