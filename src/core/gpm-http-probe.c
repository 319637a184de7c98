/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gpm-http-probe"

#include "config.h"

#include <string.h>

#include "gpm-http-probe.h"

typedef struct {
  char  *host;
  guint  port;
  guint  timeout_ms;
} Probe;

static void
probe_free (Probe *probe)
{
  g_free (probe->host);
  g_free (probe);
}

/* Worker: one short exchange, blocking with a timeout. */
static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Probe *probe = task_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autofree char *request = NULL;
  char answer[16] = { 0 };
  gsize n_read = 0;

  g_socket_client_set_timeout (client, (probe->timeout_ms + 999) / 1000);
  connection = g_socket_client_connect_to_host (client, probe->host, probe->port, cancellable, NULL);
  if (connection == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  request = g_strdup_printf ("HEAD / HTTP/1.0\r\nHost: %s\r\nUser-Agent: GPlusMigrate\r\n\r\n", probe->host);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                                  strlen (request), NULL, cancellable, NULL) ||
      !g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (connection)), answer,
                                sizeof answer - 1, &n_read, cancellable, NULL))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  /* "400" is what nginx and Apache answer plain HTTP with on their https
   * port: that one does speak TLS */
  g_task_return_boolean (task, n_read >= 12 && strncmp (answer, "HTTP/1.", 7) == 0 &&
                               strncmp (answer + 9, "400", 3) != 0);
}

void
gpm_http_probe_async (const char          *address,
                      guint                timeout_ms,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  Probe *probe;

  g_task_set_source_tag (task, gpm_http_probe_async);
  with_scheme = strstr (address, "://") != NULL ? g_strdup (address) : g_strconcat ("https://", address, NULL);
  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  probe = g_new0 (Probe, 1);
  probe->host = g_strdup (g_uri_get_host (uri));
  probe->port = g_uri_get_port (uri) > 0 ? (guint) g_uri_get_port (uri) : 443;
  probe->timeout_ms = timeout_ms;
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  g_task_run_in_thread (task, probe_thread);
}

gboolean
gpm_http_probe_finish (GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}
