/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-sign-in-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gpm-a11y.h"
#include "gpm-application.h"
#include "gpm-gui-util.h"
#include "gpm-http-probe.h"
#include "gpm-secrets.h"
#include "gpm-sign-in-dialog.h"

typedef enum {
  STEP_ADDRESS,
  STEP_PASSWORD,
  STEP_CODE,
  STEP_BROWSER,
} Step;

struct _GpmSignInDialog
{
  AdwWindow     parent_instance;

  GtkLabel     *intro_label;
  AdwEntryRow  *address_row;
  AdwEntryRow  *username_row;
  GtkWidget    *password_row;
  AdwEntryRow  *code_row;
  GtkLabel     *message_label;
  GtkSpinner   *spinner;
  GtkButton    *continue_button;
  GtkWidget    *password_instead_button;
  GtkWidget    *link_box;
  GtkLabel     *link_label;

  Step          step;
  gboolean      busy;
  gboolean      can_open_browser;
  GpmPod       *pod;
  GpmPodInfo   *info;
  GCancellable *cancellable;
  GpmPodOpenUriFunc opener;
  gpointer      opener_data;
  guint         n_remembering;  /* keyring writes in flight */
  gboolean      no_browser;     /* the pod offers the browser way, but there is none */
};

G_DEFINE_FINAL_TYPE (GpmSignInDialog, gpm_sign_in_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What went wrong, in red under the fields */
static void
show_message (GpmSignInDialog *self,
              const char      *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');
}

/* What to do next where nothing went wrong (no browser here, a new
 * permission to allow): in the same place, not in red */
static void
show_note (GpmSignInDialog *self,
           const char      *note)
{
  show_message (self, note);
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

static void
set_busy (GpmSignInDialog *self,
          gboolean         busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), !busy);
  /* Not insensitive: taking the focus away from a focused entry that way
   * makes GTK 4.8 warn. */
  gtk_editable_set_editable (GTK_EDITABLE (self->address_row), !busy && self->step == STEP_ADDRESS);
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), !busy && self->step == STEP_ADDRESS);
}

static void
set_step (GpmSignInDialog *self,
          Step             step)
{
  self->step = step;
  gtk_widget_set_visible (self->password_row, step == STEP_PASSWORD || step == STEP_CODE);
  gtk_widget_set_visible (GTK_WIDGET (self->code_row), step == STEP_CODE);
  gtk_widget_set_visible (self->password_instead_button, step == STEP_BROWSER);
  if (step != STEP_BROWSER)
    gtk_widget_set_visible (self->link_box, FALSE);

  switch (step)
    {
    case STEP_ADDRESS:
      gtk_button_set_label (self->continue_button, _("_Continue"));
      break;
    case STEP_PASSWORD:
      gtk_label_set_label (self->intro_label, _("Enter the password of your account on this pod. It is kept in your keyring, never anywhere else."));
      gtk_button_set_label (self->continue_button, _("_Sign In"));
      if (gtk_window_is_active (GTK_WINDOW (self)))
        gtk_widget_grab_focus (self->password_row);
      break;
    case STEP_CODE:
      gtk_label_set_label (self->intro_label, _("Enter the code your authenticator app shows for this pod."));
      gtk_button_set_label (self->continue_button, _("_Sign In"));
      if (gtk_window_is_active (GTK_WINDOW (self)))
        gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
      break;
    case STEP_BROWSER:
      gtk_label_set_label (self->intro_label, _("Your pod lets you sign in with your web browser: allow GPlus Migrate there, then come back. Your password is never seen by this app."));
      gtk_button_set_label (self->continue_button, _("_Open the Browser Again"));
      break;
    default:
      break;
    }
  set_busy (self, self->busy);
}

static void
signed_in (GpmSignInDialog *self)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autofree char *username = gpm_pod_dup_username (self->pod);

  g_settings_set_string (settings, "last-pod", gpm_pod_get_address (self->pod));
  g_settings_set_string (settings, "last-user", username ? username : gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
  /* once per pod and account in this session (issue 17) */
  if (GPM_IS_APPLICATION (g_application_get_default ()))
    gpm_application_remember_pod (GPM_APPLICATION (g_application_get_default ()), self->pod);

  set_busy (self, FALSE);
  g_signal_emit (self, signals[SIGNED_IN], 0, self->pod);
  gtk_window_close (GTK_WINDOW (self));
}

static void
remembered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GApplication *app = g_application_get_default ();

  /* No keyring (or a locked one) only means signing in again next time. */
  if (!gpm_secrets_store_finish (result, &error))
    g_message ("The account could not be remembered in the keyring: %s", error->message);
  self->n_remembering--;
  if (app != NULL)
    g_application_release (app);
}

/* Through libsecret's own async call (no thread of ours); the application
 * is held until the keyring has it, so quitting at once does not lose it. */
static void
remember (GpmSignInDialog *self,
          GpmSecretKind    kind,
          const char      *secret)
{
  g_autofree char *username = gpm_pod_dup_username (self->pod);
  GApplication *app = g_application_get_default ();

  if (username == NULL)
    username = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
  if (app != NULL)
    g_application_hold (app);
  self->n_remembering++;
  gpm_secrets_store_async (gpm_pod_get_address (self->pod), username, kind, secret,
                           NULL, remembered_cb, g_object_ref (self));
}

gboolean
gpm_sign_in_dialog_is_remembering (GpmSignInDialog *self)
{
  g_return_val_if_fail (GPM_IS_SIGN_IN_DIALOG (self), FALSE);
  return self->n_remembering > 0;
}

/* The pod answers plain http where https was asked for: say what to type */
static void
show_http_hint (GpmSignInDialog *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  g_autofree char *hint = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *plain_address = NULL;
  const char *rest;

  rest = strstr (typed, "://") != NULL ? strstr (typed, "://") + 3 : typed;
  plain = g_strconcat ("http://", rest, NULL);
  plain_address = gpm_pod_normalize_address (plain, NULL);
  if (plain_address != NULL)
    /* a pod on this computer may be reached over plain http */
    hint = g_strdup_printf (_("This pod does not use a secure connection (https); it answers on plain http. "
                              "If it is a pod on this computer, type its address as %s."), plain);
  else
    hint = g_strdup (_("This pod does not use a secure connection (https); it answers on plain http only. "
                       "GPlus Migrate signs in over secure connections only: ask the pod's administrator."));
  show_message (self, hint);
}

static void
probe_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;

  set_busy (self, FALSE);
  if (gpm_http_probe_finish (result))
    show_http_hint (self);
  /* else a real TLS problem: its message stays */
}

static void
fail (GpmSignInDialog *self,
      const GError    *error)
{
  g_autofree char *message = gpm_gui_error_message (error);

  set_busy (self, FALSE);
  show_message (self, message);

  /* A secure connection that failed (or broke off at the handshake, which
   * reads as unreachable) may be a pod that speaks plain http only: ask
   * it, and say so instead of "certificate" */
  if ((g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TLS) ||
       g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_UNREACHABLE)) &&
      self->pod != NULL && g_str_has_prefix (gpm_pod_get_address (self->pod), "https://"))
    {
      set_busy (self, TRUE);
      gpm_http_probe_async (gpm_pod_get_address (self->pod), 5000, self->cancellable,
                            probe_done_cb, g_object_ref (self));
    }
}

/* Password sign-in */

static void
password_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gpm_pod_sign_in_password_finish (GPM_POD (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_TWO_FACTOR_NEEDED))
        {
          set_busy (self, FALSE);
          set_step (self, STEP_CODE);
          show_message (self, NULL);
          return;
        }
      if (self->step == STEP_ADDRESS)
        set_step (self, STEP_PASSWORD);   /* a remembered password no longer works */
      fail (self, error);
      return;
    }

  remember (self, GPM_SECRET_PASSWORD, gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  signed_in (self);
}

static void
sign_in_with_password (GpmSignInDialog *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  set_busy (self, TRUE);
  show_message (self, NULL);
  gpm_pod_sign_in_password_async (self->pod,
                                  gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                                  gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                  self->step == STEP_CODE && *code != '\0' ? code : NULL,
                                  self->cancellable, password_done_cb, g_object_ref (self));
}

/* Browser (API) sign-in */

void
gpm_sign_in_dialog_browser_failed (GpmSignInDialog *self)
{
  const char *uri;

  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));

  uri = g_object_get_data (G_OBJECT (self), "gpm-auth-uri");
  if (self->step != STEP_BROWSER || uri == NULL)
    return;
  /* The link to copy into a browser on this computer, and the password
   * way (its button is on this step) */
  gtk_label_set_label (self->link_label, uri);
  gtk_widget_set_visible (self->link_box, TRUE);
  show_note (self, _("No web browser could be opened. Copy this link into a web browser on this computer, "
                     "or sign in with your password instead."));
}

const char *
gpm_sign_in_dialog_get_link (GpmSignInDialog *self)
{
  g_return_val_if_fail (GPM_IS_SIGN_IN_DIALOG (self), NULL);
  return gtk_widget_get_visible (self->link_box) ? gtk_label_get_label (self->link_label) : NULL;
}

static void
copy_link_cb (GpmSignInDialog *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), gtk_label_get_label (self->link_label));
}

static void
show_uri_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    {
      g_message ("The browser could not be opened: %s", error->message);
      gpm_sign_in_dialog_browser_failed (self);
    }
}

static void
open_uri_cb (const char *uri,
             gpointer    user_data)
{
  GpmSignInDialog *self = user_data;

  g_object_set_data_full (G_OBJECT (self), "gpm-auth-uri", g_strdup (uri), g_free);
  if (self->opener != NULL)
    self->opener (uri, self->opener_data);
  else
    gtk_show_uri_full (GTK_WINDOW (self), uri, GDK_CURRENT_TIME, NULL, show_uri_done_cb, g_object_ref (self));
}

static void
api_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  if (!gpm_pod_sign_in_api_finish (GPM_POD (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, GPM_POD_ERROR, GPM_POD_ERROR_NO_API))
        {
          /* the pod turned out not to have the API (its authorization
           * answered invalid_scope): the password works on every pod */
          set_busy (self, FALSE);
          set_step (self, STEP_PASSWORD);
          show_message (self, NULL);
          return;
        }
      fail (self, error);
      return;
    }

  secret = gpm_pod_dup_api_secret (self->pod);
  if (secret != NULL)
    remember (self, GPM_SECRET_API_SESSION, secret);
  gpm_secrets_free (g_steal_pointer (&secret));
  signed_in (self);
}

static void
sign_in_with_browser (GpmSignInDialog *self)
{
  set_step (self, STEP_BROWSER);
  set_busy (self, TRUE);
  show_message (self, NULL);
  gpm_pod_sign_in_api_async (self->pod, open_uri_cb, self, self->cancellable,
                             api_done_cb, g_object_ref (self));
}

/* Remembered account */

static void
api_secret_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gpm_pod_sign_in_api_secret_finish (GPM_POD (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      sign_in_with_browser (self);   /* the remembered session ended */
      return;
    }

  signed_in (self);
}

static void
lookup_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  char *secret = gpm_secrets_lookup_finish (result, &error);
  gboolean api = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "gpm-lookup-api"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (secret == NULL)
    {
      /* Nothing remembered (or no keyring): ask */
      set_busy (self, FALSE);
      if (api)
        sign_in_with_browser (self);
      else
        {
          set_step (self, STEP_PASSWORD);
          if (self->no_browser)
            show_note (self, _("Your pod offers signing in through a web browser, but none is set up on this "
                               "computer: sign in with your password."));
        }
      return;
    }

  if (api && !gpm_pod_api_secret_has_scopes (secret))
    {
      /* A session from before GPlus Migrate asked for creating aspects
       * (contacts:modify): the browser once more, for the new permission */
      sign_in_with_browser (self);
      show_note (self, _("GPlus Migrate now also asks your pod for permission to create aspects and to "
                         "comment. Allow it in your web browser."));
    }
  else if (api)
    gpm_pod_sign_in_api_secret_async (self->pod, secret, self->cancellable,
                                      api_secret_done_cb, g_object_ref (self));
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), secret);
      sign_in_with_password (self);
    }
  gpm_secrets_free (secret);
}

static void
discover_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GpmPodAuth auth;

  g_clear_pointer (&self->info, gpm_pod_info_unref);
  self->info = gpm_pod_discover_finish (GPM_POD (source), result, &error);
  if (self->info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, error);
      return;
    }

  /* The pod may live elsewhere than typed (apex → www, http → https):
   * show where, and remember that address (signed_in()). */
  {
    const char *final = gpm_pod_get_address (self->pod);
    const char *shown = g_str_has_prefix (final, "https://") ? final + strlen ("https://") : final;
    g_autofree char *typed = gpm_pod_normalize_address (gtk_editable_get_text (GTK_EDITABLE (self->address_row)),
                                                        NULL);

    if (g_strcmp0 (typed, final) != 0)
      gtk_editable_set_text (GTK_EDITABLE (self->address_row), shown);
  }
  auth = gpm_pod_choose_auth (self->info, self->can_open_browser);
  self->no_browser = !self->can_open_browser && gpm_pod_choose_auth (self->info, TRUE) == GPM_POD_AUTH_API;
  g_object_set_data (G_OBJECT (self), "gpm-lookup-api", GINT_TO_POINTER (auth == GPM_POD_AUTH_API));
  gpm_secrets_lookup_async (gpm_pod_get_address (self->pod),
                            gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                            auth == GPM_POD_AUTH_API ? GPM_SECRET_API_SESSION : GPM_SECRET_PASSWORD,
                            self->cancellable, lookup_done_cb, g_object_ref (self));
}

static void
local_probe_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;

  if (g_cancellable_is_cancelled (self->cancellable) || self->pod == NULL)
    return;
  if (gpm_http_probe_finish (result))
    {
      set_busy (self, FALSE);
      show_http_hint (self);
      return;
    }
  gpm_pod_discover_async (self->pod, self->cancellable, discover_done_cb, g_object_ref (self));
}

/* "alice@pod.example" in either field is a diaspora* ID: the user name and
 * the pod. The address keeps its scheme when it names the same pod. */
static void
split_diaspora_id (GpmSignInDialog *self)
{
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *id = strchr (username, '@') != NULL ? username
                   : (strchr (address, '@') != NULL && strstr (address, "://") == NULL) ? address : NULL;
  g_autofree char *user = NULL;
  g_autofree char *pod = NULL;
  g_autofree char *id_address = NULL;
  g_autofree char *typed_address = NULL;
  const char *at;

  if (id == NULL)
    return;
  at = strrchr (id, '@');
  if (at == id || at[1] == '\0')
    return;
  user = g_strstrip (g_strndup (id, at - id));
  pod = g_strstrip (g_strdup (at + 1));
  id_address = gpm_pod_normalize_address (pod, NULL);
  typed_address = id == address ? NULL : gpm_pod_normalize_address (address, NULL);
  if (typed_address == NULL || g_strcmp0 (typed_address, id_address) != 0)
    {
      /* the same pod over plain http (a pod on this computer) stays so */
      g_autofree char *plain = g_strconcat ("http://", pod, NULL);
      g_autofree char *plain_address = gpm_pod_normalize_address (plain, NULL);

      if (typed_address == NULL || g_strcmp0 (typed_address, plain_address) != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->address_row), pod);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), user);
}

static void
start_discovery (GpmSignInDialog *self)
{
  const char *address;
  const char *username;
  g_autoptr(GError) error = NULL;

  split_diaspora_id (self);
  address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));

  if (*address == '\0' || *username == '\0')
    {
      show_message (self, _("Please enter both the pod address and your user name."));
      return;
    }

  g_clear_object (&self->pod);
  self->pod = gpm_pod_new (address, &error);
  if (self->pod == NULL)
    {
      fail (self, error);
      return;
    }
  /* a refresh token the pod rotates (now or during the migration) is kept */
  gpm_secrets_follow_api_session (self->pod);

  show_message (self, NULL);
  set_busy (self, TRUE);

  /* A pod on this computer typed without a scheme (localhost:3000) often
   * speaks plain http only: asked first (a local connection, at once), it
   * gets the hint without waiting for https to fail */
  if (strstr (address, "://") == NULL)
    {
      g_autofree char *plain = g_strconcat ("http://", address, NULL);
      g_autofree char *plain_address = gpm_pod_normalize_address (plain, NULL);

      if (plain_address != NULL)
        {
          gpm_http_probe_async (address, 2000, self->cancellable, local_probe_done_cb, g_object_ref (self));
          return;
        }
    }
  gpm_pod_discover_async (self->pod, self->cancellable, discover_done_cb, g_object_ref (self));
}

static void
continue_cb (GpmSignInDialog *self)
{
  if (self->busy && self->step != STEP_BROWSER)
    return;

  switch (self->step)
    {
    case STEP_ADDRESS:
      start_discovery (self);
      break;
    case STEP_PASSWORD:
    case STEP_CODE:
      sign_in_with_password (self);
      break;
    case STEP_BROWSER:
      {
        const char *uri = g_object_get_data (G_OBJECT (self), "gpm-auth-uri");
        if (uri != NULL)
          open_uri_cb (uri, self);
      }
      break;
    default:
      break;
    }
}

static void
password_instead_cb (GpmSignInDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, FALSE);
  set_step (self, STEP_PASSWORD);
}

void
gpm_sign_in_dialog_set_address (GpmSignInDialog *self,
                                const char      *address)
{
  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address);
}

void
gpm_sign_in_dialog_set_username (GpmSignInDialog *self,
                                 const char      *username)
{
  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
}

void
gpm_sign_in_dialog_set_password (GpmSignInDialog *self,
                                 const char      *password)
{
  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
}

void
gpm_sign_in_dialog_set_code (GpmSignInDialog *self,
                             const char      *code)
{
  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), code);
}

void
gpm_sign_in_dialog_continue (GpmSignInDialog *self)
{
  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));
  continue_cb (self);
}

static void
remembered_lookup_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GpmSignInDialog) self = user_data;
  char *secret = gpm_secrets_lookup_finish (result, NULL);

  /* the keyring knows this account: sign in with it, nothing to ask */
  if (secret != NULL && self->step == STEP_ADDRESS && !self->busy)
    start_discovery (self);
  gpm_secrets_free (secret);
}

void
gpm_sign_in_dialog_sign_in_remembered (GpmSignInDialog *self)
{
  const char *address;
  const char *username;
  g_autofree char *normal = NULL;

  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));

  address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  normal = gpm_pod_normalize_address (address, NULL);
  if (normal == NULL || *username == '\0')
    return;
  /* the password or the browser's session, whichever is kept */
  gpm_secrets_lookup_async (normal, username, GPM_SECRET_PASSWORD, self->cancellable,
                            remembered_lookup_cb, g_object_ref (self));
  gpm_secrets_lookup_async (normal, username, GPM_SECRET_API_SESSION, self->cancellable,
                            remembered_lookup_cb, g_object_ref (self));
}

const char *
gpm_sign_in_dialog_get_step (GpmSignInDialog *self)
{
  static const char *names[] = { "address", "password", "code", "browser" };

  g_return_val_if_fail (GPM_IS_SIGN_IN_DIALOG (self), NULL);

  if (self->busy && self->step != STEP_BROWSER)
    return "busy";
  return names[self->step];
}

const char *
gpm_sign_in_dialog_get_message (GpmSignInDialog *self)
{
  g_return_val_if_fail (GPM_IS_SIGN_IN_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : "";
}

void
gpm_sign_in_dialog_set_can_open_browser (GpmSignInDialog *self,
                                         gboolean         can)
{
  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));
  self->can_open_browser = can;
}

void
gpm_sign_in_dialog_set_uri_opener (GpmSignInDialog   *self,
                                   GpmPodOpenUriFunc  func,
                                   gpointer           user_data)
{
  g_return_if_fail (GPM_IS_SIGN_IN_DIALOG (self));
  /* an opener is a browser */
  self->can_open_browser = func != NULL || self->can_open_browser;
  self->opener = func;
  self->opener_data = user_data;
}

static void
gpm_sign_in_dialog_dispose (GObject *object)
{
  GpmSignInDialog *self = GPM_SIGN_IN_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->pod);
  g_clear_pointer (&self->info, gpm_pod_info_unref);

  G_OBJECT_CLASS (gpm_sign_in_dialog_parent_class)->dispose (object);
}

static void
gpm_sign_in_dialog_class_init (GpmSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gpm_sign_in_dialog_dispose;

  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, GPM_TYPE_POD);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/gpm-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, code_row);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, continue_button);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, password_instead_button);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, link_box);
  gtk_widget_class_bind_template_child (widget_class, GpmSignInDialog, link_label);
  gtk_widget_class_bind_template_callback (widget_class, copy_link_cb);
  gtk_widget_class_bind_template_callback (widget_class, continue_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_instead_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* The row's text is what takes the focus: name it after the row */
static void
label_entry_row (AdwPreferencesRow *row)
{
  gpm_a11y_label_editable (GTK_EDITABLE (row), adw_preferences_row_get_title (row));
}

static void
gpm_sign_in_dialog_init (GpmSignInDialog *self)
{
  GSettings *settings = gpm_settings_get_default ();
  g_autofree char *pod = g_settings_get_string (settings, "last-pod");
  g_autofree char *user = g_settings_get_string (settings, "last-user");

  gtk_widget_init_template (GTK_WIDGET (self));
  gpm_a11y_fix_button_names (GTK_WIDGET (self));
  label_entry_row (ADW_PREFERENCES_ROW (self->address_row));
  label_entry_row (ADW_PREFERENCES_ROW (self->username_row));
  label_entry_row (ADW_PREFERENCES_ROW (self->password_row));
  label_entry_row (ADW_PREFERENCES_ROW (self->code_row));

  self->cancellable = g_cancellable_new ();
  /* Without an https: handler there is no browser to open: the password
   * way at once (gpm_pod_choose_auth()) */
  {
    g_autoptr(GAppInfo) browser = g_app_info_get_default_for_uri_scheme ("https");

    self->can_open_browser = browser != NULL;
  }
  gtk_button_set_use_underline (self->continue_button, TRUE);
  /* Long translations wrap in a narrow window */
  gpm_gui_wrap_button_label (self->continue_button);
  gpm_gui_wrap_button_label (GTK_BUTTON (self->password_instead_button));
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), pod);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), user);
  set_step (self, STEP_ADDRESS);
}

GpmSignInDialog *
gpm_sign_in_dialog_new (GtkWindow *parent)
{
  GpmSignInDialog *self = g_object_new (GPM_TYPE_SIGN_IN_DIALOG, "transient-for", parent, NULL);

  gpm_gui_fit_to_parent (GTK_WINDOW (self));
  return self;
}
