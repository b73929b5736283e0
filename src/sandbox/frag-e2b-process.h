/* frag-e2b-process.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-e2b-client.h"
#include "frag-sandbox.h"

G_BEGIN_DECLS

/* One command in an E2B sandbox through envd's process.Process/Start (e2b-protocol.md
 * §3.5-3.8): `/bin/bash -l -c COMMAND` as the template's user, stdin closed, one
 * enveloped request, a Connect stream of start / data / end / keepalive events back.
 * "started" (guint pid) comes with the first event, "output" (FragSandboxStream,
 * const char *chunk) for each data event (base64 decoded, UTF-8 made valid across
 * chunk boundaries). run completes at the end event with the exit code, or with an
 * error (GONE, AUTH, NETWORK, or the end-of-stream error).
 *
 * timeout_ms: envd kills the process after it (Connect-Timeout-Ms); 0 sends no such
 * header, which is what a long-running server needs (§3.8). Cancelling run only stops
 * reading: envd keeps the process (killing the sandbox ends it). */
#define FRAG_TYPE_E2B_PROCESS (frag_e2b_process_get_type ())

G_DECLARE_FINAL_TYPE (FragE2bProcess, frag_e2b_process, FRAG, E2B_PROCESS, GObject)

/* envs: NULL or string -> string. cwd: NULL for the user's home. */
FragE2bProcess *frag_e2b_process_new              (FragE2bClient            *client,
                                                   const FragE2bSandboxInfo *info,
                                                   const char               *command,
                                                   GHashTable               *envs,
                                                   const char               *cwd,
                                                   guint                     timeout_ms);
void            frag_e2b_process_run_async        (FragE2bProcess           *self,
                                                   GCancellable             *cancellable,
                                                   GAsyncReadyCallback       callback,
                                                   gpointer                  user_data);
/* Returns the exit code in *exit_code (-1 when killed by a signal). */
gboolean        frag_e2b_process_run_finish       (FragE2bProcess           *self,
                                                   GAsyncResult             *result,
                                                   int                      *exit_code,
                                                   GError                  **error);
/* The last stderr lines, for error messages. */
const char     *frag_e2b_process_get_stderr_tail  (FragE2bProcess           *self);

/* For tests: the JSON of the Start request this process sends. */
char           *frag_e2b_process_dup_request_json (FragE2bProcess           *self);

G_END_DECLS
