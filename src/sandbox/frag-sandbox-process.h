/* frag-sandbox-process.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-sandbox.h"

G_BEGIN_DECLS

/* One confined command of the local backend (an argv from frag-sandbox-command): spawns
 * it with stdin from /dev/null, streams its stdout and stderr as "output" chunks (valid
 * UTF-8; a multi-byte sequence split across reads is held back until complete),
 * optionally collects a result channel on fd 3, and enforces the two limits that need
 * a clock or a counter: wall time and total output. Either limit, kill() or cancelling
 * the run SIGKILLs the launcher (bwrap), whose --die-with-parent takes the sandbox's
 * whole pid namespace with it. run completes when the process has exited and every
 * pipe is drained. */
#define FRAG_TYPE_SANDBOX_PROCESS (frag_sandbox_process_get_type ())

G_DECLARE_FINAL_TYPE (FragSandboxProcess, frag_sandbox_process, FRAG, SANDBOX_PROCESS, GObject)

FragSandboxProcess *frag_sandbox_process_new               (const char * const   *argv);
/* 0 = none (servers). */
void                frag_sandbox_process_set_wall_limit    (FragSandboxProcess   *self,
                                                            guint                 seconds);
/* stdout + stderr bytes; 0 = none. Past it the process is killed. */
void                frag_sandbox_process_set_output_limit  (FragSandboxProcess   *self,
                                                            gsize                 bytes);
/* Open fd 3 in the child as a pipe whose content run collects (up to 64 MiB). */
void                frag_sandbox_process_set_result_channel (FragSandboxProcess  *self,
                                                             gboolean             enabled);
/* Open fd in the child as a pipe for bwrap's --info-fd: once bwrap reports the host pid
 * of the sandbox's pid 1, kill() SIGKILLs that too (through a pidfd, so a recycled pid
 * is never hit), which is what reliably ends every process in the namespace. */
void                frag_sandbox_process_set_info_channel  (FragSandboxProcess  *self,
                                                            int                  fd);
/* Fails with FRAG_SANDBOX_ERROR_UNAVAILABLE when the launcher cannot be spawned. A
 * process that runs and fails is not an error: look at the getters. */
void                frag_sandbox_process_run_async         (FragSandboxProcess   *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean            frag_sandbox_process_run_finish        (FragSandboxProcess   *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                frag_sandbox_process_kill              (FragSandboxProcess   *self);
gboolean            frag_sandbox_process_is_running        (FragSandboxProcess   *self);

/* After run: the exit code, or -1 when a signal ended it (then term_signal is set). */
int                 frag_sandbox_process_get_exit_code     (FragSandboxProcess   *self);
int                 frag_sandbox_process_get_term_signal   (FragSandboxProcess   *self);
gboolean            frag_sandbox_process_get_timed_out     (FragSandboxProcess   *self);
gboolean            frag_sandbox_process_get_output_capped (FragSandboxProcess   *self);
/* The fd-3 content, or NULL. */
GBytes             *frag_sandbox_process_get_result_data   (FragSandboxProcess   *self);
/* The last lines of stderr (at most 20 lines / 4 KiB), for error messages. */
const char         *frag_sandbox_process_get_stderr_tail   (FragSandboxProcess   *self);

G_END_DECLS
