/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-problems-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-problem.h"
#include "gpm-gui-util.h"
#include "gpm-problems-dialog.h"

struct _GpmProblemsDialog
{
  AdwWindow   parent_instance;

  GtkLabel        *summary_label;
  GtkListBox      *list_box;
  AdwToastOverlay *toast_overlay;
  GPtrArray       *problems;
};

G_DEFINE_FINAL_TYPE (GpmProblemsDialog, gpm_problems_dialog, ADW_TYPE_WINDOW)

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  GpmProblemsDialog *self = GPM_PROBLEMS_DIALOG (widget);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; self->problems != NULL && i < self->problems->len; i++)
    {
      g_autofree char *line = gpm_problem_to_string (g_ptr_array_index (self->problems, i));
      g_string_append_printf (text, "%s\n", line);
    }

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);
  /* (nothing else shows that it happened) */
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("List copied")));
}

static void
gpm_problems_dialog_finalize (GObject *object)
{
  GpmProblemsDialog *self = GPM_PROBLEMS_DIALOG (object);

  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (gpm_problems_dialog_parent_class)->finalize (object);
}

static void
gpm_problems_dialog_class_init (GpmProblemsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = gpm_problems_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-problems-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmProblemsDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, GpmProblemsDialog, list_box);
  gtk_widget_class_bind_template_child (widget_class, GpmProblemsDialog, toast_overlay);

  gtk_widget_class_install_action (widget_class, "problems.copy", NULL, copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
gpm_problems_dialog_init (GpmProblemsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
}

GpmProblemsDialog *
gpm_problems_dialog_new (GtkWindow *parent,
                         GPtrArray *problems)
{
  GpmProblemsDialog *self = g_object_new (GPM_TYPE_PROBLEMS_DIALOG,
                                          "transient-for", parent,
                                          "modal", TRUE,
                                          NULL);
  g_autofree char *summary = NULL;
  guint n = problems ? problems->len : 0;

  gpm_gui_fit_to_parent (GTK_WINDOW (self));
  self->problems = problems ? g_ptr_array_ref (problems) : NULL;

  summary = g_strdup_printf (ngettext ("%u file or post has a problem: it could not be read, or a part of it is unknown or cannot be posted. Everything else was imported.",
                                       "%u files or posts have a problem: they could not be read, or a part of them is unknown or cannot be posted. Everything else was imported.", n), n);
  gtk_label_set_label (self->summary_label, summary);

  for (guint i = 0; i < n; i++)
    {
      const GpmProblem *problem = g_ptr_array_index (problems, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), problem->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), problem->message);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
      gtk_list_box_append (self->list_box, row);
    }

  return self;
}
