/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-migrate-page-plan.c: the plan shown before a migration starts: the
 * plain statement of what will happen and a row per private audience to
 * choose its aspect. */
#define G_LOG_DOMAIN "gpm-migrate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-migrate-page-private.h"

void
_gpm_migrate_page_scope_free (PrivateScope *scope)
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

void
_gpm_migrate_page_update_statement (GpmMigratePage *self)
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
  if (self->n_nothing_own > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              ngettext ("%u post has nothing of yours to post (a reshare of someone else’s words) and is left out.",
                                        "%u posts have nothing of yours to post (reshares of someone else’s words) and are left out.",
                                        self->n_nothing_own),
                              self->n_nothing_own);
    }

  {
    GSettings *settings = gpm_settings_get_default ();

    g_string_append (text, "\n\n");
    if (g_settings_get_boolean (settings, "include-own-comments"))
      g_string_append (text, _("The comments you wrote under these posts follow each post, with their dates. "
                               "Other people’s comments are never copied."));
    else
      g_string_append (text, _("Your own comments under these posts stay behind: a reply can read oddly without "
                               "the comments it answered. Preferences can bring them along."));
    if (g_settings_get_boolean (settings, "archive-google-plus-links"))
      {
        g_string_append_c (text, ' ');
        g_string_append (text, _("Links to your earlier posts will point to their copies on the pod, other Google+ "
                                 "addresses to the Internet Archive."));
      }
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

  _gpm_migrate_page_update_statement (self);
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
  _gpm_migrate_page_update_statement (self);
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

void
_gpm_migrate_page_remove_mapping_rows (GpmMigratePage *self)
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

void
_gpm_migrate_page_build_mapping_rows (GpmMigratePage *self)
{
  _gpm_migrate_page_remove_mapping_rows (self);
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
  _gpm_migrate_page_update_statement (self);
  if (self->scopes->len > 0)
    self->rows_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_rows_step, self, NULL);
}
