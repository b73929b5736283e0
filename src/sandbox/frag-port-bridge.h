/* frag-port-bridge.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The host half of the local backend's port bridge (runner/frag_port_bridge.py is the
 * other): a TCP listener on 127.0.0.1 at a free port, each connection spliced to the
 * sandbox's Unix socket. The sandbox keeps its own network namespace (no route to the
 * host or the internet) and the preview still reaches the app. A connection made
 * before the socket exists, or while the app does not listen yet, is closed at once,
 * which the port probe reads as "not yet". */
#define FRAG_TYPE_PORT_BRIDGE (frag_port_bridge_get_type ())

G_DECLARE_FINAL_TYPE (FragPortBridge, frag_port_bridge, FRAG, PORT_BRIDGE, GObject)

FragPortBridge *frag_port_bridge_new      (const char     *socket_path,
                                           GError        **error);
guint16         frag_port_bridge_get_port (FragPortBridge *self);
/* Stops listening; connections in progress end as their peers close. */
void            frag_port_bridge_stop     (FragPortBridge *self);

G_END_DECLS
