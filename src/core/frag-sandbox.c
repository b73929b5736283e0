/* frag-sandbox.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-sandbox"

#include "config.h"

#include "frag-sandbox.h"

G_DEFINE_ENUM_TYPE (FragSandboxPhase, frag_sandbox_phase,
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_CREATING, "creating"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_INSTALLING, "installing"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_WRITING, "writing"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_STARTING_SERVER, "starting-server"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_WAITING_FOR_PORT, "waiting-for-port"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_PHASE_KILLED, "killed"))

G_DEFINE_ENUM_TYPE (FragSandboxStream, frag_sandbox_stream,
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_STREAM_STDOUT, "stdout"),
  G_DEFINE_ENUM_VALUE (FRAG_SANDBOX_STREAM_STDERR, "stderr"))

G_DEFINE_INTERFACE (FragSandbox, frag_sandbox, G_TYPE_OBJECT)

enum {
  PHASE_CHANGED,
  LOG,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
frag_sandbox_default_init (FragSandboxInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_string ("sandbox-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_string ("template-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_string ("backend", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_enum ("phase", NULL, NULL,
                       FRAG_TYPE_SANDBOX_PHASE, FRAG_SANDBOX_PHASE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  signals[PHASE_CHANGED] =
    g_signal_new ("phase-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, FRAG_TYPE_SANDBOX_PHASE, G_TYPE_STRING);
  signals[LOG] =
    g_signal_new ("log", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, FRAG_TYPE_SANDBOX_STREAM, G_TYPE_STRING);
}

void
frag_sandbox_ensure_async (FragSandbox         *self,
                           FragTemplate        *template_,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_SANDBOX (self));
  g_return_if_fail (FRAG_IS_TEMPLATE (template_));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  FRAG_SANDBOX_GET_IFACE (self)->ensure_async (self, template_, cancellable, callback, user_data);
}

gboolean
frag_sandbox_ensure_finish (FragSandbox   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX (self), FALSE);
  return FRAG_SANDBOX_GET_IFACE (self)->ensure_finish (self, result, error);
}

void
frag_sandbox_install_async (FragSandbox         *self,
                            const char          *command,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_SANDBOX (self));
  g_return_if_fail (command != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  FRAG_SANDBOX_GET_IFACE (self)->install_async (self, command, cancellable, callback, user_data);
}

gboolean
frag_sandbox_install_finish (FragSandbox   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX (self), FALSE);
  return FRAG_SANDBOX_GET_IFACE (self)->install_finish (self, result, error);
}

void
frag_sandbox_execute_async (FragSandbox         *self,
                            FragFragment        *fragment,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_SANDBOX (self));
  g_return_if_fail (FRAG_IS_FRAGMENT (fragment));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  FRAG_SANDBOX_GET_IFACE (self)->execute_async (self, fragment, cancellable, callback, user_data);
}

FragResult *
frag_sandbox_execute_finish (FragSandbox   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX (self), NULL);
  return FRAG_SANDBOX_GET_IFACE (self)->execute_finish (self, result, error);
}

void
frag_sandbox_keep_alive_async (FragSandbox         *self,
                               guint                seconds,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_SANDBOX (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  FRAG_SANDBOX_GET_IFACE (self)->keep_alive_async (self, seconds, cancellable, callback, user_data);
}

gboolean
frag_sandbox_keep_alive_finish (FragSandbox   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX (self), FALSE);
  return FRAG_SANDBOX_GET_IFACE (self)->keep_alive_finish (self, result, error);
}

void
frag_sandbox_kill_async (FragSandbox         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_SANDBOX (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  FRAG_SANDBOX_GET_IFACE (self)->kill_async (self, cancellable, callback, user_data);
}

gboolean
frag_sandbox_kill_finish (FragSandbox   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX (self), FALSE);
  return FRAG_SANDBOX_GET_IFACE (self)->kill_finish (self, result, error);
}

static char *
dup_string_property (FragSandbox *self,
                     const char  *name)
{
  char *value = NULL;

  g_object_get (self, name, &value, NULL);
  return value;
}

char *
frag_sandbox_dup_sandbox_id (FragSandbox *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX (self), NULL);
  return dup_string_property (self, "sandbox-id");
}

char *
frag_sandbox_dup_template_id (FragSandbox *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX (self), NULL);
  return dup_string_property (self, "template-id");
}

char *
frag_sandbox_dup_backend (FragSandbox *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX (self), NULL);
  return dup_string_property (self, "backend");
}

FragSandboxPhase
frag_sandbox_get_phase (FragSandbox *self)
{
  FragSandboxPhase phase = FRAG_SANDBOX_PHASE_IDLE;

  g_return_val_if_fail (FRAG_IS_SANDBOX (self), FRAG_SANDBOX_PHASE_IDLE);
  g_object_get (self, "phase", &phase, NULL);
  return phase;
}

/* The implementation stores the phase (it backs the "phase" property) before calling
 * this; the signal carries the detail, which a property cannot. */
void
frag_sandbox_emit_phase (FragSandbox      *self,
                         FragSandboxPhase  phase,
                         const char       *detail)
{
  g_return_if_fail (FRAG_IS_SANDBOX (self));

  g_object_notify (G_OBJECT (self), "phase");
  g_signal_emit (self, signals[PHASE_CHANGED], 0, phase, detail);
}

void
frag_sandbox_emit_log (FragSandbox       *self,
                       FragSandboxStream  stream,
                       const char        *line)
{
  g_return_if_fail (FRAG_IS_SANDBOX (self));
  g_return_if_fail (line != NULL);

  g_signal_emit (self, signals[LOG], 0, stream, line);
}

const char *
frag_sandbox_phase_to_string (FragSandboxPhase phase)
{
  switch (phase)
    {
    case FRAG_SANDBOX_PHASE_IDLE:             return "idle";
    case FRAG_SANDBOX_PHASE_CREATING:         return "creating sandbox";
    case FRAG_SANDBOX_PHASE_INSTALLING:       return "installing dependencies";
    case FRAG_SANDBOX_PHASE_WRITING:          return "writing files";
    case FRAG_SANDBOX_PHASE_RUNNING:          return "running";
    case FRAG_SANDBOX_PHASE_STARTING_SERVER:  return "starting server";
    case FRAG_SANDBOX_PHASE_WAITING_FOR_PORT: return "waiting for port";
    case FRAG_SANDBOX_PHASE_READY:            return "ready";
    case FRAG_SANDBOX_PHASE_FAILED:           return "failed";
    case FRAG_SANDBOX_PHASE_KILLED:           return "killed";
    default:                                  return "unknown";
    }
}
