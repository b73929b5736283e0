/* frag-port-probe.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-errors.h"

G_BEGIN_DECLS

/* What one probe answer means (E2B protocol §6.3). */
typedef enum
{
  FRAG_PORT_ANSWER_READY,    /* something listens: any status but the gateway ones below */
  FRAG_PORT_ANSWER_NOT_YET,  /* refused, reset, 502 "port is not open", any other 502, 409 */
  FRAG_PORT_ANSWER_GONE,     /* 502 "The sandbox was not found": no point waiting */
} FragPortAnswer;

/* Classifies an HTTP answer from the port (or the E2B edge in front of it). body may be
 * NULL. Pure, for tests. */
FragPortAnswer frag_port_probe_classify (guint        status,
                                         const char  *body,
                                         gsize        body_length);

#define FRAG_PORT_PROBE_DEFAULT_DEADLINE_SECONDS 120

/* Waits until a web app's port answers for real, so the preview never gets a URL that
 * shows "Connection refused" / 502 "port is not open".
 *
 * It polls the URL with GET (Accept: application/json, so the E2B edge answers JSON;
 * plus E2b-Sandbox-Id / E2b-Sandbox-Port when set) with backoff from 100 ms to 1 s,
 * until an answer is READY (success), GONE (FRAG_SANDBOX_ERROR_GONE), the deadline
 * passes (FRAG_SANDBOX_ERROR_PORT_TIMEOUT, with the last status seen), or the backend
 * reports that the server process exited (FRAG_SANDBOX_ERROR_PROCESS_EXITED at once,
 * with its exit code and last stderr lines). Each attempt emits "attempt" (guint
 * attempt number from 1, const char *status of the previous answer or NULL) so the
 * backend can show "waiting for port 3000 (attempt 4)". One wait at a time. */
#define FRAG_TYPE_PORT_PROBE (frag_port_probe_get_type ())

G_DECLARE_FINAL_TYPE (FragPortProbe, frag_port_probe, FRAG, PORT_PROBE, GObject)

FragPortProbe *frag_port_probe_new                 (SoupSession          *session,
                                                    const char           *url,
                                                    int                   port);
/* 0 restores the default. */
void           frag_port_probe_set_deadline        (FragPortProbe        *self,
                                                    guint                 seconds);
/* Adds the routing headers E2B's edge (or a self-hosted one) understands. */
void           frag_port_probe_set_sandbox_id      (FragPortProbe        *self,
                                                    const char           *sandbox_id);
void           frag_port_probe_wait_async          (FragPortProbe        *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       frag_port_probe_wait_finish         (FragPortProbe        *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
/* The server process ended (while waiting, or before the wait starts): the wait fails
 * at once. last_stderr: its last stderr lines, or NULL. */
void           frag_port_probe_process_exited      (FragPortProbe        *self,
                                                    int                   exit_code,
                                                    const char           *last_stderr);
/* Something changed (the backend just started the server): go back to the shortest
 * delay, so a server that comes up fast is seen fast. */
void           frag_port_probe_reset_backoff       (FragPortProbe        *self);
/* From an "attempt" handler: do not send this attempt (the server was only just
 * started, nothing can answer yet); try again after the shortest delay. */
void           frag_port_probe_postpone_attempt    (FragPortProbe        *self);
guint          frag_port_probe_get_attempts        (FragPortProbe        *self);
/* A short description of the last answer ("connection refused", "502 port is not
 * open", "200"), NULL before the first. */
const char    *frag_port_probe_get_last_status     (FragPortProbe        *self);

G_END_DECLS
