/* frag-port-bridge.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-port-bridge"

#include "config.h"

#include <gio/gunixsocketaddress.h>

#include "frag-errors.h"
#include "frag-port-bridge.h"

struct _FragPortBridge
{
  GObject          parent_instance;

  char            *socket_path;
  GSocketService  *service;
  GSocketClient   *client;
  guint16          port;
};

G_DEFINE_FINAL_TYPE (FragPortBridge, frag_port_bridge, G_TYPE_OBJECT)

static void
splice_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  /* Either side closing (or failing) ends the pair; both are closed by the splice. */
  g_io_stream_splice_finish (result, NULL);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GSocketConnection) incoming = user_data;
  g_autoptr(GSocketConnection) inside = NULL;

  inside = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, NULL);
  if (inside == NULL)
    {
      /* No socket yet (the sandbox is starting): close, the probe will try again. */
      g_io_stream_close (G_IO_STREAM (incoming), NULL, NULL);
      return;
    }
  g_io_stream_splice_async (G_IO_STREAM (incoming), G_IO_STREAM (inside),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, splice_cb, NULL);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             FragPortBridge    *self)
{
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (self->socket_path);

  g_socket_client_connect_async (self->client, G_SOCKET_CONNECTABLE (address), NULL,
                                 connect_cb, g_object_ref (connection));
  return TRUE;
}

static void
frag_port_bridge_dispose (GObject *object)
{
  FragPortBridge *self = (FragPortBridge *)object;

  frag_port_bridge_stop (self);
  g_clear_object (&self->service);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (frag_port_bridge_parent_class)->dispose (object);
}

static void
frag_port_bridge_finalize (GObject *object)
{
  FragPortBridge *self = (FragPortBridge *)object;

  g_free (self->socket_path);

  G_OBJECT_CLASS (frag_port_bridge_parent_class)->finalize (object);
}

static void
frag_port_bridge_class_init (FragPortBridgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_port_bridge_dispose;
  object_class->finalize = frag_port_bridge_finalize;
}

static void
frag_port_bridge_init (FragPortBridge *self)
{
}

FragPortBridge *
frag_port_bridge_new (const char  *socket_path,
                      GError     **error)
{
  g_autoptr(FragPortBridge) self = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (socket_path != NULL, NULL);

  self = g_object_new (FRAG_TYPE_PORT_BRIDGE, NULL);
  self->socket_path = g_strdup (socket_path);
  self->client = g_socket_client_new ();
  self->service = g_socket_service_new ();

  /* Loopback only: the app is for this desktop's preview, not the LAN. */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &local_error))
    {
      g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                   "Cannot listen on the loopback for the preview: %s", local_error->message);
      return NULL;
    }
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect_object (self->service, "incoming", G_CALLBACK (incoming_cb), self, 0);
  g_socket_service_start (self->service);
  return g_steal_pointer (&self);
}

guint16
frag_port_bridge_get_port (FragPortBridge *self)
{
  g_return_val_if_fail (FRAG_IS_PORT_BRIDGE (self), 0);
  return self->port;
}

void
frag_port_bridge_stop (FragPortBridge *self)
{
  g_return_if_fail (FRAG_IS_PORT_BRIDGE (self));

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
}
