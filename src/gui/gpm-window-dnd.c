/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-window-dnd.c: a takeout dropped on the welcome page. */
#define G_LOG_DOMAIN "gpm-window"

#include "config.h"

#include "gpm-window-private.h"

/* Drag and drop */

gboolean
gpm_window_handle_drop (GpmWindow    *self,
                        const GValue *value)
{
  GdkFileList *file_list;
  g_autoptr(GPtrArray) files = NULL;
  GSList *list;

  g_return_val_if_fail (GPM_IS_WINDOW (self), FALSE);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  file_list = g_value_get_boxed (value);
  list = gdk_file_list_get_files (file_list);
  files = g_ptr_array_new ();
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  g_slist_free (list);

  if (files->len == 0)
    return FALSE;

  gpm_window_open_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         GpmWindow     *self)
{
  gtk_widget_remove_css_class (self->drop_box, "drop-active");
  return gpm_window_handle_drop (self, value);
}

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               GpmWindow     *self)
{
  gtk_widget_add_css_class (self->drop_box, "drop-active");
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               GpmWindow     *self)
{
  gtk_widget_remove_css_class (self->drop_box, "drop-active");
}

void
_gpm_window_dnd_init (GpmWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  g_signal_connect (target, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (target, "leave", G_CALLBACK (drop_leave_cb), self);
  gtk_widget_add_controller (self->drop_box, GTK_EVENT_CONTROLLER (target));
}
