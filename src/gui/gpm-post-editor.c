/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-post-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-diaspora.h"
#include "gpm-gui-util.h"
#include "gpm-long-post.h"
#include "gpm-post-editor.h"
#include "gpm-util.h"

struct _GpmPostEditor
{
  AdwWindow      parent_instance;

  GtkTextBuffer *buffer;
  GtkWidget     *text_view;
  GtkLabel      *count_label;
  GtkLabel      *tag_label;
  GtkLabel      *long_label;
  GtkWidget     *save_button;
  char          *converted;
  char          *opened;      /* the text it opened with: unchanged, closing loses nothing */
  gboolean       discard;     /* the changes given up: close */
};

G_DEFINE_FINAL_TYPE (GpmPostEditor, gpm_post_editor, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
gpm_post_editor_dup_text (GpmPostEditor *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (GPM_IS_POST_EDITOR (self), NULL);
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

void
gpm_post_editor_set_text (GpmPostEditor *self,
                          const char    *text)
{
  g_return_if_fail (GPM_IS_POST_EDITOR (self));
  gtk_text_buffer_set_text (self->buffer, text ? text : "", -1);
}

/* "1,234 of N characters" (gpm_format_count(): "65,535" even where the
 * locale has no grouping), N being GPM_DIASPORA_MAX_TEXT_CHARS: diaspora*
 * refuses longer posts; and a hashtag longer than it takes (it refuses
 * those posts too), as the review will say (gpm_post_check()). Too long
 * is the splitter's rule, in bytes (a pod on MySQL keeps no more): a
 * 40,000-character Greek text is cut too, and the editor says so as the
 * preview does (gpm_long_post_dup_warning()) */
static void
buffer_changed_cb (GpmPostEditor *self)
{
  int n = gtk_text_buffer_get_char_count (self->buffer);
  g_autofree char *count = gpm_format_count (n);
  g_autofree char *max = gpm_format_count (GPM_DIASPORA_MAX_TEXT_CHARS);
  /* Translators: "1,234 of 65,535 characters", the numbers grouped as the
   * language writes them */
  g_autofree char *text = g_strdup_printf (_("%s of %s characters"), count, max);
  g_autofree char *typed = gpm_post_editor_dup_text (self);
  g_autofree char *escaped = NULL;
  g_autofree char *too_long = NULL;
  glong longest = 0;

  escaped = gpm_escape_long_hashtags (typed, NULL, &longest);
  if (longest > 0)
    {
      g_autofree char *tag = g_strdup_printf (_("A hashtag is %'ld characters long; diaspora* takes at most %d."),
                                              longest, GPM_DIASPORA_MAX_TAG_CHARS);

      gtk_label_set_label (self->tag_label, tag);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tag_label), longest > 0);
  gtk_label_set_label (self->count_label, text);
  too_long = gpm_long_post_dup_warning (typed);
  if (too_long != NULL)
    {
      gtk_label_set_label (self->long_label, too_long);
      /* a warning, not an error: it is posted all the same, cut */
      gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "warning");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->count_label), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->long_label), too_long != NULL);
}

void
gpm_post_editor_save (GpmPostEditor *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (GPM_IS_POST_EDITOR (self));

  text = gpm_post_editor_dup_text (self);
  /* The converted text unchanged is no edit: it follows the settings */
  g_signal_emit (self, signals[SAVED], 0, g_strcmp0 (text, self->converted) == 0 ? NULL : text);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_clicked_cb (GpmPostEditor *self)
{
  gpm_post_editor_save (self);
}

static void
cancel_clicked_cb (GpmPostEditor *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
close_idle_cb (gpointer data)
{
  gtk_window_close (data);
  return G_SOURCE_REMOVE;
}

static void
discard_response_cb (GpmPostEditor *self,
                     const char    *response)
{
  if (g_strcmp0 (response, "discard") != 0)
    return;
  self->discard = TRUE;
  /* Once the question has gone: it is the editor's, and closing the
   * editor within its answer left it with a parent already freed */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle_cb, g_object_ref (self), g_object_unref);
}

/* Cancel, Escape or the window's close button with the text changed: the
 * changes are given up only when the user says so (a stray Escape lost a
 * long edit without a word) */
static gboolean
gpm_post_editor_close_request (GtkWindow *window)
{
  GpmPostEditor *self = GPM_POST_EDITOR (window);
  g_autofree char *text = gpm_post_editor_dup_text (self);
  AdwMessageDialog *dialog;

  if (self->discard || g_strcmp0 (text, self->opened) == 0)
    return GTK_WINDOW_CLASS (gpm_post_editor_parent_class)->close_request != NULL
           && GTK_WINDOW_CLASS (gpm_post_editor_parent_class)->close_request (window);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Discard Your Changes?"),
                                                       _("The changes to this post’s text are lost if it is closed without saving.")));
  /* Named like its heading, for window lists and screen readers */
  gtk_window_set_title (GTK_WINDOW (dialog), _("Discard Your Changes?"));
  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Editing"), "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  gpm_a11y_fix_button_names (GTK_WIDGET (dialog));
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
reset_clicked_cb (GpmPostEditor *self)
{
  gpm_post_editor_set_text (self, self->converted);
}

static void
gpm_post_editor_finalize (GObject *object)
{
  GpmPostEditor *self = GPM_POST_EDITOR (object);

  g_free (self->converted);
  g_free (self->opened);

  G_OBJECT_CLASS (gpm_post_editor_parent_class)->finalize (object);
}

static void
gpm_post_editor_class_init (GpmPostEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->finalize = gpm_post_editor_finalize;
  window_class->close_request = gpm_post_editor_close_request;

  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* Built in code: a header bar, the text and a line under it */
static void
gpm_post_editor_init (GpmPostEditor *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *reset = gtk_button_new_with_mnemonic (_("Use the Converted _Text"));
  GtkWidget *note = gtk_label_new (_("The whole text as it will be posted, in diaspora*’s Markdown. The photos stay."));

  gtk_window_set_title (GTK_WINDOW (self), _("Edit the Post’s Text"));
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 520);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);

  self->save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save_button);
  gtk_box_append (GTK_BOX (box), header);

  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_set_margin_start (note, 12);
  gtk_widget_set_margin_end (note, 12);
  gtk_widget_set_margin_top (note, 6);
  gtk_widget_set_margin_bottom (note, 6);
  gtk_box_append (GTK_BOX (box), note);

  self->text_view = gtk_text_view_new ();
  self->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->text_view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->text_view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->text_view), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->text_view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->text_view), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("The post’s text"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->text_view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);

  /* a hashtag the pod would refuse: above the count, shown while there is one */
  self->tag_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->tag_label, 0);
  gtk_label_set_wrap (self->tag_label, TRUE);
  gtk_label_set_wrap_mode (self->tag_label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (self->tag_label), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (self->tag_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->tag_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->tag_label), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->tag_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->tag_label));

  /* a text the migrator cuts, the rest in comments: shown while it is */
  self->long_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->long_label, 0);
  gtk_label_set_wrap (self->long_label, TRUE);
  gtk_label_set_wrap_mode (self->long_label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (self->long_label), "warning");
  gtk_widget_set_margin_start (GTK_WIDGET (self->long_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->long_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->long_label), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->long_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->long_label));

  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (self->count_label), TRUE);
  gtk_label_set_xalign (self->count_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "numeric");
  /* both wrap where the window is narrow (a phone's; German is long) */
  gtk_label_set_wrap (self->count_label, TRUE);
  gtk_label_set_wrap_mode (self->count_label, PANGO_WRAP_WORD_CHAR);
  gpm_gui_wrap_button_label (GTK_BUTTON (reset));
  g_signal_connect_swapped (reset, "clicked", G_CALLBACK (reset_clicked_cb), self);
  gtk_widget_set_margin_start (bottom, 12);
  gtk_widget_set_margin_end (bottom, 12);
  gtk_widget_set_margin_top (bottom, 6);
  gtk_widget_set_margin_bottom (bottom, 6);
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (self->count_label));
  gtk_box_append (GTK_BOX (bottom), reset);
  gtk_box_append (GTK_BOX (box), bottom);

  adw_window_set_content (ADW_WINDOW (self), box);
  g_signal_connect_swapped (self->buffer, "changed", G_CALLBACK (buffer_changed_cb), self);
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
}

GpmPostEditor *
gpm_post_editor_new (GtkWindow  *parent,
                     const char *text,
                     const char *converted)
{
  GpmPostEditor *self = g_object_new (GPM_TYPE_POST_EDITOR,
                                      "transient-for", parent,
                                      "modal", TRUE,
                                      NULL);

  gpm_gui_fit_to_parent (GTK_WINDOW (self));
  self->converted = g_strdup (converted);
  gpm_post_editor_set_text (self, text != NULL ? text : converted);
  self->opened = gpm_post_editor_dup_text (self);
  buffer_changed_cb (self);
  /* Typing goes into the text at once, from its start (the focus was on
   * Cancel, the first widget) */
  {
    GtkTextIter start;

    gtk_text_buffer_get_start_iter (self->buffer, &start);
    gtk_text_buffer_place_cursor (self->buffer, &start);
  }
  gtk_window_set_focus (GTK_WINDOW (self), self->text_view);
  return self;
}
