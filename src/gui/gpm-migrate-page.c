/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-migrate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-convert.h"
#include "gpm-export.h"
#include "gpm-gui-util.h"
#include "gpm-journal.h"
#include "gpm-migrate-page.h"
#include "gpm-secrets.h"
#include "gpm-util.h"

#define MAX_LOG_ROWS 500

typedef struct {
  char  *key;
  char  *label;
  guint  count;        /* selected private posts carrying it */
  char  *aspect;       /* mapped aspect name, NULL: skip */
} PrivateScope;

struct _GpmMigratePage
{
  GtkWidget       parent_instance;

  GtkWidget      *scrolled;
  GtkStack       *stack;
  GtkLabel       *statement_label;
  GtkWidget      *preparing_box;
  GtkLabel       *plan_message_label;
  GtkWidget      *mapping_box;
  GtkWidget      *mapping_title;
  AdwPreferencesGroup *mapping_group;
  GtkSpinButton  *delay_spin;
  GtkWidget      *start_button;
  GtkLabel       *run_title;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkLabel       *waiting_label;
  GtkWidget      *pause_button;
  GtkWidget      *stop_button;
  GtkWidget      *hide_button;
  GtkWidget      *retry_button;
  GtkWidget      *done_button;
  GtkListBox     *log_list;

  GpmPod         *pod;
  GpmTakeout     *takeout;
  GpmJournal     *journal;
  GpmMigrator    *migrator;
  GPtrArray      *posts;
  GPtrArray      *scopes;      /* PrivateScope* */
  GPtrArray      *aspects;     /* GpmPodAspect* */
  GPtrArray      *mapping_rows;
  guint           rows_idle;   /* adding mapping_rows a few at a time */
  guint           n_public;
  guint           n_posted_before;  /* POSTED in the journal when the plan was made */
  GCancellable   *cancellable;
  GTask          *prepare_task;  /* the prepare in progress, if any */
  const char     *status;
  gboolean        exporting;
  guint           n_log_rows;
  guint           delay;
};

G_DEFINE_FINAL_TYPE (GpmMigratePage, gpm_migrate_page, GTK_TYPE_WIDGET)

enum {
  CLOSE,
  POST_DONE,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
private_scope_free (PrivateScope *scope)
{
  g_free (scope->key);
  g_free (scope->label);
  g_free (scope->aspect);
  g_free (scope);
}

/* Statement */

static char *
pod_host (GpmPod *pod)
{
  const char *address = gpm_pod_get_address (pod);
  const char *host = strstr (address, "://");

  return g_strdup (host ? host + 3 : address);
}

static void
update_statement (GpmMigratePage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *host = pod_host (self->pod);
  g_autofree char *user = gpm_pod_dup_username (self->pod);
  guint n_skipped = 0;

  /* Posts without any mapped private scope are skipped */
  for (guint i = 0; i < self->posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (self->posts, i);
      GPtrArray *scopes = gpm_post_get_scopes (post);
      gboolean is_public = FALSE, mapped = FALSE;

      for (guint j = 0; scopes != NULL && j < scopes->len; j++)
        {
          const GpmScope *scope = g_ptr_array_index (scopes, j);

          if (gpm_scope_is_essentially_public (scope))
            is_public = TRUE;
          for (guint k = 0; k < self->scopes->len; k++)
            {
              PrivateScope *ps = g_ptr_array_index (self->scopes, k);
              if (ps->aspect != NULL && g_str_equal (ps->key, gpm_scope_get_key (scope)))
                mapped = TRUE;
            }
        }
      if (!is_public && !mapped)
        n_skipped++;
    }

  g_string_append_printf (text,
                          ngettext ("%u post will be published publicly on %s as %s.",
                                    "%u posts will be published publicly on %s as %s.", self->n_public),
                          self->n_public, host, user ? user : "?");

  for (guint k = 0; k < self->scopes->len; k++)
    {
      PrivateScope *ps = g_ptr_array_index (self->scopes, k);

      if (ps->aspect == NULL)
        continue;
      g_string_append_c (text, ' ');
      /* Translators: "27 posts shared with Family go to the aspect Family." */
      g_string_append_printf (text,
                              ngettext ("%u post shared with %s goes to the aspect %s.",
                                        "%u posts shared with %s go to the aspect %s.", ps->count),
                              ps->count, ps->label, ps->aspect);
    }

  if (n_skipped > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, ngettext ("%u private post is skipped.", "%u private posts are skipped.", n_skipped),
                              n_skipped);
    }

  /* Counted in the worker that opened the journal: no journal call here,
   * on the main thread */
  if (self->journal != NULL && self->n_posted_before > 0)
    {
      g_string_append (text, "\n\n");
      g_string_append_printf (text,
                              ngettext ("%u post of this takeout is already on the pod. It will not be posted again.",
                                        "%u posts of this takeout are already on the pod. They will not be posted again.",
                                        self->n_posted_before),
                              self->n_posted_before);
    }

  gtk_label_set_label (self->statement_label, text->str);
  /* Selectable, so it can be copied; but an empty one would be an unnamed Tab stop */
  gtk_label_set_selectable (self->statement_label, text->len > 0);
}

const char *
gpm_migrate_page_get_statement (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return gtk_label_get_label (self->statement_label);
}

const char *
gpm_migrate_page_get_plan_message (GpmMigratePage *self)
{
  g_return_val_if_fail (GPM_IS_MIGRATE_PAGE (self), NULL);
  return gtk_label_get_label (self->plan_message_label);
}

void
gpm_migrate_page_map_scope (GpmMigratePage *self,
                            const char     *scope_key,
                            const char     *aspect_name)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  for (guint k = 0; self->scopes != NULL && k < self->scopes->len; k++)
    {
      PrivateScope *ps = g_ptr_array_index (self->scopes, k);

      if (!g_str_equal (ps->key, scope_key))
        continue;

      g_free (ps->aspect);
      ps->aspect = g_strdup (aspect_name);

      if (self->mapping_rows != NULL && k < self->mapping_rows->len)
        {
          AdwComboRow *row = g_ptr_array_index (self->mapping_rows, k);
          guint selected = 0;

          for (guint a = 0; aspect_name != NULL && self->aspects != NULL && a < self->aspects->len; a++)
            if (g_str_equal (((GpmPodAspect *) g_ptr_array_index (self->aspects, a))->name, aspect_name))
              selected = a + 1;
          if (adw_combo_row_get_selected (row) != selected)
            adw_combo_row_set_selected (row, selected);
        }
    }

  update_statement (self);
}

static void
combo_selected_cb (AdwComboRow    *row,
                   GParamSpec     *pspec,
                   GpmMigratePage *self)
{
  PrivateScope *ps = g_object_get_data (G_OBJECT (row), "gpm-scope");
  guint selected = adw_combo_row_get_selected (row);
  const char *aspect = NULL;

  if (selected > 0 && self->aspects != NULL && selected - 1 < self->aspects->len)
    aspect = ((GpmPodAspect *) g_ptr_array_index (self->aspects, selected - 1))->name;

  if (g_strcmp0 (ps->aspect, aspect) == 0)
    return;

  g_free (ps->aspect);
  ps->aspect = g_strdup (aspect);
  update_statement (self);
}

/* The aspect choices of a mapping row, in the row (the chosen one) and in
 * its popover. Look like libadwaita 1.2's own (a label, and in the popover
 * a check mark on the chosen one), and name each choice's list row, which
 * libadwaita's leave unnamed for screen readers. */
static void
choice_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  in_popover)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                  "icon-name", "object-select-symbolic",
                                  NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_label_set_width_chars (GTK_LABEL (label), 1);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (icon, GPOINTER_TO_INT (in_popover));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_list_item_set_child (item, box);
}

static void
choice_selected_cb (AdwComboRow *row,
                    GParamSpec  *pspec,
                    GtkListItem *item)
{
  GtkWidget *icon = gtk_widget_get_last_child (gtk_list_item_get_child (item));

  gtk_widget_set_opacity (icon, adw_combo_row_get_selected_item (row) == gtk_list_item_get_item (item) ? 1.0 : 0.0);
}

static void
choice_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                AdwComboRow              *row)
{
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (gtk_list_item_get_child (item))), text);
  gpm_a11y_label_list_item (item, text);
  g_signal_connect (row, "notify::selected-item", G_CALLBACK (choice_selected_cb), item);
  choice_selected_cb (row, NULL, item);
}

static void
choice_unbind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  AdwComboRow              *row)
{
  g_signal_handlers_disconnect_by_func (row, choice_selected_cb, item);
}

static void
remove_mapping_rows (GpmMigratePage *self)
{
  g_clear_handle_id (&self->rows_idle, g_source_remove);
  if (self->mapping_rows != NULL)
    for (guint i = 0; i < self->mapping_rows->len; i++)
      adw_preferences_group_remove (self->mapping_group, g_ptr_array_index (self->mapping_rows, i));
  g_clear_pointer (&self->mapping_rows, g_ptr_array_unref);
}

/* The row choosing the aspect of @ps, showing ps->aspect. */
static AdwComboRow *
new_mapping_row (GpmMigratePage *self,
                 PrivateScope   *ps)
{
  GtkStringList *model = gtk_string_list_new (NULL);
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autofree char *subtitle = g_strdup_printf (ngettext ("%u post", "%u posts", ps->count), ps->count);
  guint selected = 0;

  gtk_string_list_append (model, _("Skip these posts"));
  for (guint a = 0; self->aspects != NULL && a < self->aspects->len; a++)
    {
      GpmPodAspect *aspect = g_ptr_array_index (self->aspects, a);
      g_autofree char *name = g_strdup_printf (_("Aspect “%s”"), aspect->name);

      gtk_string_list_append (model, name);
      if (g_strcmp0 (ps->aspect, aspect->name) == 0)
        selected = a + 1;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ps->label);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* One line each, ellipsized (the full name is the row's accessible name
   * and tooltip): wrapping labels in rows are measured for many widths
   * on every layout, 14 rows cost ~100 ms on the first one */
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), ps->label);
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, selected);
  for (guint in_popover = 0; in_popover < 2; in_popover++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

      g_signal_connect (factory, "setup", G_CALLBACK (choice_setup_cb), GUINT_TO_POINTER (in_popover));
      g_signal_connect (factory, "bind", G_CALLBACK (choice_bind_cb), row);
      g_signal_connect (factory, "unbind", G_CALLBACK (choice_unbind_cb), row);
      if (in_popover)
        adw_combo_row_set_list_factory (row, factory);
      else
        adw_combo_row_set_factory (row, factory);
      g_object_unref (factory);
    }
  /* The lists of the chosen aspect and of the choices: named after the audience */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (GTK_WIDGET (row), ADW_TYPE_COMBO_ROW, "current")),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, ps->label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (GTK_WIDGET (row), ADW_TYPE_COMBO_ROW, "list")),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, ps->label, -1);
  g_object_unref (model);
  g_object_set_data (G_OBJECT (row), "gpm-scope", ps);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (combo_selected_cb), self, 0);
  return row;
}

/* A few rows at a time, below the redraw's priority: a frame between two
 * steps, each measuring only its new rows (a combo row costs 2-3 ms to make
 * and about as much to lay out the first time; people can be hundreds). */
#define ROWS_PER_STEP 6

static gboolean
add_rows_step (gpointer data)
{
  GpmMigratePage *self = data;

  for (guint n = 0; n < ROWS_PER_STEP && self->mapping_rows->len < self->scopes->len; n++)
    {
      AdwComboRow *row = new_mapping_row (self, g_ptr_array_index (self->scopes, self->mapping_rows->len));

      adw_preferences_group_add (self->mapping_group, GTK_WIDGET (row));
      g_ptr_array_add (self->mapping_rows, row);
    }
  if (self->mapping_rows->len < self->scopes->len)
    return G_SOURCE_CONTINUE;
  /* Shown once whole: the group laid out with some rows, then again with
   * more, measures its wrapping description far more often (GTK 4.8) */
  gtk_widget_set_visible (self->mapping_box, TRUE);
  self->rows_idle = 0;
  return G_SOURCE_REMOVE;
}

static void
build_mapping_rows (GpmMigratePage *self)
{
  remove_mapping_rows (self);
  self->mapping_rows = g_ptr_array_new ();

  /* Suggest the aspect named like the circle */
  for (guint k = 0; k < self->scopes->len; k++)
    {
      PrivateScope *ps = g_ptr_array_index (self->scopes, k);

      for (guint a = 0; ps->aspect == NULL && self->aspects != NULL && a < self->aspects->len; a++)
        {
          GpmPodAspect *aspect = g_ptr_array_index (self->aspects, a);

          if (g_utf8_collate (aspect->name, ps->label) == 0)
            ps->aspect = g_strdup (aspect->name);
        }
    }

  gtk_widget_set_visible (self->mapping_box, FALSE);
  update_statement (self);
  if (self->scopes->len > 0)
    self->rows_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_rows_step, self, NULL);
}

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

static void
update_progress (GpmMigratePage *self)
{
  guint total = gpm_migrator_get_n_total (self->migrator);
  guint done = gpm_migrator_get_n_done (self->migrator);
  guint failed = gpm_migrator_get_n_failed (self->migrator);
  guint skipped = gpm_migrator_get_n_skipped (self->migrator);
  g_autofree char *eta = format_eta (gpm_migrator_get_eta (self->migrator));
  g_autoptr(GString) text = g_string_new (NULL);

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) (done + failed + skipped) / total);

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
             const char     *icon_label)
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

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (subtitle_label), PANGO_WRAP_WORD_CHAR);
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

static void
post_finished_cb (GpmMigrator    *migrator,
                  GpmPost        *post,
                  int             state,
                  GError         *error,
                  GpmMigratePage *self)
{
  g_autofree char *date = gpm_gui_format_post_date (post);
  const char *plain = gpm_gui_post_get_plain_text (post);
  g_autofree char *snippet = g_utf8_substring (plain, 0, MIN (g_utf8_strlen (plain, -1), 80));
  g_autofree char *title = g_strdup_printf ("%s — %s", date, *snippet ? snippet : _("(No text)"));
  g_autofree char *reason = error ? gpm_gui_error_message (error) : NULL;

  g_strdelimit (title, "\n", ' ');

  switch (state)
    {
    case GPM_JOURNAL_STATE_POSTED:
      add_log_row (self, title, _("Posted"), "emblem-ok-symbolic", _("Posted"));
      break;
    case GPM_JOURNAL_STATE_SKIPPED:
      add_log_row (self, title, reason ? reason : _("Skipped"), "action-unavailable-symbolic", _("Skipped"));
      break;
    case GPM_JOURNAL_STATE_ATTEMPTING:
      add_log_row (self, title, _("Not sure whether the pod received it: it will be checked before anything is sent again."),
                   "dialog-question-symbolic", _("Unsure"));
      break;
    case GPM_JOURNAL_STATE_FAILED:
    default:
      add_log_row (self, title, reason ? reason : _("Failed"), "dialog-error-symbolic", _("Failed"));
      break;
    }

  update_progress (self);
  g_signal_emit (self, signals[POST_DONE], 0, post);
}

static void
waiting_cb (GpmMigrator    *migrator,
            guint           seconds,
            const char     *reason,
            GpmMigratePage *self)
{
  g_autofree char *text = NULL;

  if (seconds == 0)
    {
      gtk_label_set_label (self->waiting_label, "");
      return;
    }

  /* Translators: "Next post in 60 s (pacing)" */
  text = g_strdup_printf (_("Next post in %u s (%s)"), seconds, reason ? reason : "");
  gtk_label_set_label (self->waiting_label, text);
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

static void
set_running_ui (GpmMigratePage *self,
                gboolean        running)
{
  gtk_widget_set_visible (self->pause_button, running && !self->exporting);
  gtk_widget_set_visible (self->stop_button, running);
  gtk_widget_set_visible (self->hide_button, running);
  gtk_widget_set_visible (self->done_button, !running);
}

typedef struct {
  char *title;
  char *body;
} Notice;

static void
notice_free (Notice *notice)
{
  g_free (notice->title);
  g_free (notice->body);
  g_free (notice);
}

static void
has_notifier_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Notice *notice = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  GApplication *app = g_application_get_default ();
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);

  if (owned && app != NULL)
    {
      g_autoptr(GNotification) notification = g_notification_new (notice->title);

      g_notification_set_body (notification, notice->body);
      g_application_send_notification (app, "gpm-migration", notification);
    }

  notice_free (notice);
}

/* A desktop notification, when the desktop has a notification service
 * (sending one without it only logs a warning). */
static void
notify_done (GpmMigratePage *self,
             const char     *title,
             const char     *body)
{
  GApplication *app = g_application_get_default ();
  GDBusConnection *bus = app ? g_application_get_dbus_connection (app) : NULL;
  Notice *notice;

  if (bus == NULL)
    return;

  notice = g_new0 (Notice, 1);
  notice->title = g_strdup (title);
  notice->body = g_strdup (body);
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "NameHasOwner", g_variant_new ("(s)", "org.freedesktop.Notifications"),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          has_notifier_cb, notice);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GpmMigratePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = gpm_migrator_run_finish (GPM_MIGRATOR (source), result, &error);
  guint failed = gpm_migrator_get_n_failed (self->migrator);
  guint done = gpm_migrator_get_n_done (self->migrator);
  g_autofree char *body = NULL;

  g_clear_object (&self->cancellable);
  self->status = ok ? "done" : "stopped";
  set_running_ui (self, FALSE);
  gtk_widget_set_visible (self->retry_button, failed > 0);
  update_progress (self);

  if (ok)
    {
      gtk_label_set_label (self->run_title, failed > 0 ? _("Finished, With Some Failures") : _("All Done"));
      gtk_label_set_label (self->waiting_label, "");
      body = g_strdup_printf (ngettext ("%u post is on your pod.", "%u posts are on your pod.", done), done);
      notify_done (self, _("Your posts have been moved"), body);
    }
  else
    {
      gtk_label_set_label (self->run_title, _("Stopped"));
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = gpm_gui_error_message (error);
          gtk_label_set_label (self->waiting_label, message);
        }
      else
        gtk_label_set_label (self->waiting_label, _("You can continue later: nothing will be posted twice."));
    }

  g_signal_emit (self, signals[FINISHED], 0);
}

/* Preparing: the journal is opened in a worker (naming the takeout reads
 * every post's author) while the pod lists its aspects; the page shows the
 * plan once both are there. */
typedef struct {
  GPtrArray  *all_posts;
  char       *account;
  guint       pending;
  GpmJournal *journal;
  guint       n_posted;
  GPtrArray  *aspects;
  GError     *journal_error;
  GError     *aspects_error;
} Prepare;

static void
prepare_free (Prepare *p)
{
  g_ptr_array_unref (p->all_posts);
  g_free (p->account);
  g_clear_pointer (&p->journal, gpm_object_unref_in_worker);
  g_clear_pointer (&p->aspects, g_ptr_array_unref);
  g_clear_error (&p->journal_error);
  g_clear_error (&p->aspects_error);
  g_free (p);
}

static void
open_journal_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Prepare *p = task_data;
  g_autofree char *identity = gpm_journal_takeout_identity (p->all_posts);
  GError *error = NULL;
  GpmJournal *journal = gpm_journal_open_default (identity, p->account, &error);
  guint counts[GPM_JOURNAL_N_STATES] = { 0 };

  if (journal == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* What the statement says is already there (p is read once this returns) */
  if (gpm_journal_count (journal, counts, NULL))
    p->n_posted = counts[GPM_JOURNAL_STATE_POSTED];
  g_task_return_pointer (task, journal, g_object_unref);
}

/* Both halves are in: the migrator, the aspect rows, the statement. */
static void
prepare_finish_plan (GpmMigratePage *self,
                     Prepare        *p)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autoptr(GpmConvertSettings) convert_settings = NULL;

  gpm_object_unref_in_worker (self->journal);
  self->journal = g_object_ref (p->journal);
  self->n_posted_before = p->n_posted;

  if (self->migrator != NULL)
    g_signal_handlers_disconnect_by_data (self->migrator, self);
  g_clear_object (&self->migrator);
  self->migrator = gpm_migrator_new (self->pod, self->journal);
  /* Converted with the user's settings, photos from the archive. */
  convert_settings = gpm_convert_settings_new_from_gsettings (settings);
  gpm_migrator_use_takeout (self->migrator, self->takeout, convert_settings);
  gpm_migrator_set_max_per_day (self->migrator, g_settings_get_uint (settings, "max-posts-per-day"));

  g_signal_connect_object (self->migrator, "notify::n-done", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrator, "notify::n-total", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrator, "notify::eta", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->migrator, "post-finished", G_CALLBACK (post_finished_cb), self, 0);
  g_signal_connect_object (self->migrator, "waiting", G_CALLBACK (waiting_cb), self, 0);
  g_signal_connect_object (self->migrator, "auth-required", G_CALLBACK (auth_required_cb), self, 0);

  g_clear_pointer (&self->aspects, g_ptr_array_unref);
  self->aspects = p->aspects ? g_ptr_array_ref (p->aspects) : g_ptr_array_new ();
  if (p->aspects_error != NULL)
    {
      g_autofree char *message = gpm_gui_error_message (p->aspects_error);
      g_autofree char *text = g_strdup_printf (_("The pod's aspects could not be listed, so private posts can only be skipped: %s"),
                                               message);
      gtk_label_set_label (self->plan_message_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->plan_message_label), TRUE);
    }
  gtk_widget_set_visible (self->preparing_box, FALSE);
  build_mapping_rows (self);
  gtk_widget_set_sensitive (self->start_button, TRUE);
}

/* One half of the prepare @task is done; the second completes it. */
static void
prepare_step_done (GpmMigratePage *self,
                   GTask          *task)
{
  Prepare *p = g_task_get_task_data (task);

  if (--p->pending > 0)
    return;

  if (self->prepare_task != task)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Replaced by a newer plan"));
  else if (p->journal_error != NULL)
    {
      g_clear_object (&self->prepare_task);
      gtk_widget_set_visible (self->preparing_box, FALSE);
      g_task_return_error (task, g_steal_pointer (&p->journal_error));
    }
  else
    {
      g_clear_object (&self->prepare_task);
      prepare_finish_plan (self, p);
      g_task_return_boolean (task, TRUE);
    }
}

static void
journal_opened_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Prepare *p = g_task_get_task_data (task);

  p->journal = g_task_propagate_pointer (G_TASK (result), &p->journal_error);
  prepare_step_done (GPM_MIGRATE_PAGE (source), task);
}

static void
aspects_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Prepare *p = g_task_get_task_data (task);

  p->aspects = gpm_pod_list_aspects_finish (GPM_POD (source), result, &p->aspects_error);
  prepare_step_done (g_task_get_source_object (task), task);
}

void
gpm_migrate_page_prepare_async (GpmMigratePage      *self,
                                GpmPod              *pod,
                                GpmTakeout          *takeout,
                                GPtrArray           *all_posts,
                                GPtrArray           *posts,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) journal_task = NULL;
  g_autofree char *username = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  Prepare *p;

  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));
  g_return_if_fail (GPM_IS_POD (pod));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gpm_migrate_page_prepare_async);
  if (gpm_migrate_page_is_running (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, _("A migration is already running"));
      return;
    }

  username = gpm_pod_dup_username (pod);
  p = g_new0 (Prepare, 1);
  p->all_posts = g_ptr_array_ref (all_posts);
  p->account = gpm_journal_account_name (gpm_pod_get_address (pod), username);
  p->pending = 2;
  g_task_set_task_data (task, p, (GDestroyNotify) prepare_free);
  /* A newer plan replaces one still being prepared */
  g_set_object (&self->prepare_task, task);

  g_set_object (&self->pod, pod);
  g_set_object (&self->takeout, takeout);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  self->posts = g_ptr_array_ref (posts);
  self->exporting = FALSE;
  if (self->migrator != NULL)
    g_signal_handlers_disconnect_by_data (self->migrator, self);
  g_clear_object (&self->migrator);
  g_clear_pointer (&self->journal, gpm_object_unref_in_worker);
  gpm_migrate_page_set_delay (self, g_settings_get_uint (settings, "post-delay-seconds"));

  /* Audiences: essentially public posts go public; the private scopes of
   * the others need an aspect each. */
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  self->scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) private_scope_free);
  self->n_public = 0;
  for (guint i = 0; i < posts->len; i++)
    {
      GpmPost *post = g_ptr_array_index (posts, i);
      GPtrArray *scopes = gpm_post_get_scopes (post);
      gboolean is_public = FALSE;

      for (guint j = 0; scopes != NULL && j < scopes->len; j++)
        is_public |= gpm_scope_is_essentially_public (g_ptr_array_index (scopes, j));
      if (is_public)
        {
          self->n_public++;
          continue;
        }

      for (guint j = 0; scopes != NULL && j < scopes->len; j++)
        {
          const GpmScope *scope = g_ptr_array_index (scopes, j);
          const char *key = gpm_scope_get_key (scope);
          PrivateScope *ps = g_hash_table_lookup (seen, key);

          if (ps == NULL)
            {
              ps = g_new0 (PrivateScope, 1);
              ps->key = g_strdup (key);
              ps->label = g_strdup (gpm_gui_scope_label (scope));
              g_ptr_array_add (self->scopes, ps);
              g_hash_table_insert (seen, ps->key, ps);
            }
          ps->count++;
        }
    }

  /* The plan without its aspect rows until the pod has listed them */
  g_clear_pointer (&self->aspects, g_ptr_array_unref);
  remove_mapping_rows (self);
  gtk_widget_set_visible (self->mapping_box, FALSE);
  update_statement (self);
  gtk_widget_set_visible (self->preparing_box, TRUE);
  gtk_label_set_label (self->plan_message_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->plan_message_label), FALSE);
  gtk_widget_set_sensitive (self->start_button, FALSE);
  gtk_label_set_label (self->waiting_label, "");
  self->status = "plan";
  gtk_stack_set_visible_child_name (self->stack, "plan");

  journal_task = g_task_new (self, NULL, journal_opened_cb, g_object_ref (task));
  g_task_set_source_tag (journal_task, open_journal_thread);
  g_task_set_task_data (journal_task, p, NULL);
  g_task_run_in_thread (journal_task, open_journal_thread);
  gpm_pod_list_aspects_async (pod, NULL, aspects_done_cb, g_object_ref (task));
}

gboolean
gpm_migrate_page_prepare_finish (GpmMigratePage  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gpm_migrate_page_start (GpmMigratePage *self)
{
  GSettings *settings = gpm_settings_get_default ();
  GtkWidget *child;
  guint delay;

  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));
  g_return_if_fail (self->migrator != NULL);

  if (gpm_migrate_page_is_running (self))
    return;

  delay = self->delay;
  if (delay >= 20)
    g_settings_set_uint (settings, "post-delay-seconds", delay);
  gpm_migrator_set_delay (self->migrator, delay);

  for (guint k = 0; k < self->scopes->len; k++)
    {
      PrivateScope *ps = g_ptr_array_index (self->scopes, k);
      gpm_migrator_map_scope (self->migrator, ps->key, ps->aspect);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->log_list))) != NULL)
    gtk_list_box_remove (self->log_list, child);
  self->n_log_rows = 0;

  self->status = "running";
  gtk_label_set_label (self->run_title, _("Moving Your Posts"));
  gtk_button_set_label (GTK_BUTTON (self->pause_button), _("_Pause"));
  gtk_label_set_label (self->waiting_label, "");
  gtk_widget_set_visible (self->retry_button, FALSE);
  set_running_ui (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_stack_set_visible_child_name (self->stack, "run");

  self->cancellable = g_cancellable_new ();
  gpm_migrator_run_async (self->migrator, self->posts, self->cancellable, run_done_cb, g_object_ref (self));
  update_progress (self);
}

/* Export */

static void
export_progress_cb (guint       done,
                    guint       total,
                    const char *entry,
                    gpointer    user_data)
{
  GpmMigratePage *self = user_data;
  g_autofree char *text = g_strdup_printf (ngettext ("%u of %u post written", "%u of %u posts written", total),
                                           done, total);

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  gtk_label_set_label (self->progress_label, text);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpmMigratePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  gboolean ok = gpm_export_posts_finish (result, &problems, &error);

  g_clear_object (&self->cancellable);
  self->status = ok ? "done" : "stopped";
  set_running_ui (self, FALSE);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const GpmProblem *problem = g_ptr_array_index (problems, i);
      add_log_row (self, problem->name, problem->message, "dialog-warning-symbolic", _("Problem"));
    }

  if (ok)
    {
      gtk_label_set_label (self->run_title, _("Export Finished"));
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      notify_done (self, _("Your posts have been exported"), gtk_label_get_label (self->progress_label));
    }
  else
    {
      gtk_label_set_label (self->run_title, _("Export Stopped"));
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->waiting_label, error->message);
    }

  g_signal_emit (self, signals[FINISHED], 0);
}

void
gpm_migrate_page_export (GpmMigratePage *self,
                         GpmTakeout     *takeout,
                         GPtrArray      *posts,
                         const char     *dir)
{
  g_autoptr(GpmConvertSettings) settings = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *where = NULL;
  GtkWidget *child;

  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  if (gpm_migrate_page_is_running (self))
    return;

  settings = gpm_convert_settings_new_from_gsettings (gpm_settings_get_default ());
  file = g_file_new_for_path (dir);
  where = g_file_get_parse_name (file);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->log_list))) != NULL)
    gtk_list_box_remove (self->log_list, child);
  self->n_log_rows = 0;

  self->exporting = TRUE;
  self->status = "running";
  gtk_label_set_label (self->run_title, _("Exporting Your Posts"));
  gtk_label_set_label (self->waiting_label, where);
  gtk_widget_set_visible (self->retry_button, FALSE);
  set_running_ui (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  export_progress_cb (0, posts->len, NULL, self);
  gtk_stack_set_visible_child_name (self->stack, "run");

  self->cancellable = g_cancellable_new ();
  gpm_export_posts_async (takeout, posts, dir, settings, export_progress_cb, self,
                          self->cancellable, export_done_cb, g_object_ref (self));
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
}

void
gpm_migrate_page_set_delay (GpmMigratePage *self,
                            guint           seconds)
{
  g_return_if_fail (GPM_IS_MIGRATE_PAGE (self));

  gtk_spin_button_set_value (self->delay_spin, seconds);
  self->delay = seconds;
}

static void
delay_changed_cb (GpmMigratePage *self)
{
  self->delay = (guint) gtk_spin_button_get_value_as_int (self->delay_spin);
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
  if (self->migrator == NULL)
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
      self->status = "paused";
      gtk_button_set_label (GTK_BUTTON (self->pause_button), _("_Resume"));
      gtk_label_set_label (self->waiting_label, _("Paused after the current post."));
    }
  update_progress (self);
}

static void
stop_clicked_cb (GpmMigratePage *self)
{
  gpm_migrate_page_stop (self);
}

static void
close_clicked_cb (GpmMigratePage *self)
{
  g_signal_emit (self, signals[CLOSE], 0);
}

static void
gpm_migrate_page_dispose (GObject *object)
{
  GpmMigratePage *self = GPM_MIGRATE_PAGE (object);

  gpm_migrate_page_stop (self);
  if (self->migrator != NULL)
    g_signal_handlers_disconnect_by_data (self->migrator, self);
  g_clear_handle_id (&self->rows_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), GPM_TYPE_MIGRATE_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->prepare_task);
  g_clear_object (&self->migrator);
  g_clear_pointer (&self->journal, gpm_object_unref_in_worker);
  g_clear_object (&self->takeout);
  g_clear_object (&self->pod);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->aspects, g_ptr_array_unref);
  g_clear_pointer (&self->mapping_rows, g_ptr_array_unref);

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

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-migrate-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, stack);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, statement_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, preparing_box);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, plan_message_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, mapping_box);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, mapping_title);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, mapping_group);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, delay_spin);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, start_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, run_title);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, hide_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, done_button);
  gtk_widget_class_bind_template_child (widget_class, GpmMigratePage, log_list);
  gtk_widget_class_bind_template_callback (widget_class, start_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pause_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
gpm_migrate_page_init (GpmMigratePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
  /* The group's title and description are ours (its own description is
   * measured four times as often), so is naming its list */
  {
    GObject *listbox = gtk_widget_get_template_child (GTK_WIDGET (self->mapping_group),
                                                      ADW_TYPE_PREFERENCES_GROUP, "listbox");

    if (GTK_IS_ACCESSIBLE (listbox))
      gtk_accessible_update_relation (GTK_ACCESSIBLE (listbox), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      self->mapping_title, NULL, -1);
  }
  self->status = "plan";
  g_signal_connect_object (self->delay_spin, "value-changed", G_CALLBACK (delay_changed_cb), self, G_CONNECT_SWAPPED);
}
