/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpm-http-probe.h: does an address speak plain HTTP? (issue 17)
 *
 * A pod typed without a scheme is reached over https. When its server
 * only speaks plain HTTP (a development pod on localhost:3000, a server
 * without TLS), the TLS handshake fails in a way that reads like a broken
 * certificate; asking the same host and port for plain HTTP tells the two
 * apart, so the user can be told to type http:// (allowed for a pod on
 * this computer) instead. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Connects to the host and port of @address (a pod address, https:// by
 * default, port 443 when none), sends a HEAD request and finishes TRUE when
 * the answer starts like an HTTP/1.x status line other than 400 (which web
 * servers answer plain HTTP with on their https port). Bounded by @timeout_ms. */
void      gpm_http_probe_async  (const char          *address,
                                 guint                timeout_ms,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean  gpm_http_probe_finish (GAsyncResult        *result);

G_END_DECLS
