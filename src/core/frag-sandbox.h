/* frag-sandbox.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-errors.h"
#include "frag-fragment.h"
#include "frag-result.h"
#include "frag-template-catalog.h"

G_BEGIN_DECLS

/* What a sandbox is doing, for the progress line in the UI and the CLI's stderr. */
typedef enum
{
  FRAG_SANDBOX_PHASE_IDLE,             /* nothing yet, or between runs */
  FRAG_SANDBOX_PHASE_CREATING,
  FRAG_SANDBOX_PHASE_INSTALLING,       /* the fragment's install_dependencies_command */
  FRAG_SANDBOX_PHASE_WRITING,          /* writing the fragment's files */
  FRAG_SANDBOX_PHASE_RUNNING,          /* interpreter code is running */
  FRAG_SANDBOX_PHASE_STARTING_SERVER,  /* a web template's start command was launched */
  FRAG_SANDBOX_PHASE_WAITING_FOR_PORT, /* detail: "port 3000, attempt 4" */
  FRAG_SANDBOX_PHASE_READY,            /* the result (and for web, the URL) is available */
  FRAG_SANDBOX_PHASE_FAILED,           /* detail: the error message */
  FRAG_SANDBOX_PHASE_KILLED,
} FragSandboxPhase;

#define FRAG_TYPE_SANDBOX_PHASE (frag_sandbox_phase_get_type ())
GType frag_sandbox_phase_get_type (void) G_GNUC_CONST;

typedef enum
{
  FRAG_SANDBOX_STREAM_STDOUT,
  FRAG_SANDBOX_STREAM_STDERR,
} FragSandboxStream;

#define FRAG_TYPE_SANDBOX_STREAM (frag_sandbox_stream_get_type ())
GType frag_sandbox_stream_get_type (void) G_GNUC_CONST;

/* One conversation's sandbox on one backend (E2B or local bubblewrap).
 *
 * Lifecycle: ensure (create, or reuse when the template is the same; a different
 * template kills the old one first) → install (optional) → execute, any number of
 * times → kill. A sandbox that expired underneath is recreated by the next execute.
 *
 * execute writes the fragment's files, then for an interpreter template runs the code
 * and returns stdout/stderr/results/error; for a web template it (re)starts the server,
 * waits until the port answers with something other than a gateway error, and returns
 * a result whose url is set. A run that happened but whose code failed is a *result*
 * with error set (frag_result_failed()), not a GError; GErrors (FRAG_SANDBOX_ERROR) mean
 * the sandbox itself could not do the job.
 *
 * Properties (read-only): "sandbox-id" (NULL until created), "backend" ("e2b"/"local",
 * FRAG_RESULT_BACKEND_*), "phase" (FragSandboxPhase), "template-id" (the template
 * the sandbox was made for, NULL before ensure).
 * Signals: "phase-changed" (FragSandboxPhase phase, const char *detail or NULL), "log"
 * (FragSandboxStream stream, const char *line): the live output of install commands,
 * servers and interpreter runs (which also end up in the result), line by line, without
 * the newline. Both are emitted on the thread-default main context
 * of the caller of the async functions.
 */
#define FRAG_TYPE_SANDBOX (frag_sandbox_get_type ())

G_DECLARE_INTERFACE (FragSandbox, frag_sandbox, FRAG, SANDBOX, GObject)

struct _FragSandboxInterface
{
  GTypeInterface parent_iface;

  void        (*ensure_async)      (FragSandbox          *self,
                                    FragTemplate         *template_,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  gboolean    (*ensure_finish)     (FragSandbox          *self,
                                    GAsyncResult         *result,
                                    GError              **error);
  void        (*install_async)     (FragSandbox          *self,
                                    const char           *command,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  gboolean    (*install_finish)    (FragSandbox          *self,
                                    GAsyncResult         *result,
                                    GError              **error);
  void        (*execute_async)     (FragSandbox          *self,
                                    FragFragment         *fragment,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  FragResult *(*execute_finish)    (FragSandbox          *self,
                                    GAsyncResult         *result,
                                    GError              **error);
  void        (*keep_alive_async)  (FragSandbox          *self,
                                    guint                 seconds,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  gboolean    (*keep_alive_finish) (FragSandbox          *self,
                                    GAsyncResult         *result,
                                    GError              **error);
  void        (*kill_async)        (FragSandbox          *self,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  gboolean    (*kill_finish)       (FragSandbox          *self,
                                    GAsyncResult         *result,
                                    GError              **error);
};

/* Creates the sandbox for template_, or keeps the current one when it was made for the
 * same template id. */
void        frag_sandbox_ensure_async      (FragSandbox          *self,
                                            FragTemplate         *template_,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    frag_sandbox_ensure_finish     (FragSandbox          *self,
                                            GAsyncResult         *result,
                                            GError              **error);
/* Runs a dependency install command (e.g. "pip install x") in the work dir with live
 * "log" lines. Fails with FRAG_SANDBOX_ERROR_PROCESS_EXITED (message: exit code and
 * the last stderr lines) when it exits non-zero. Needs ensure first. */
void        frag_sandbox_install_async     (FragSandbox          *self,
                                            const char           *command,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    frag_sandbox_install_finish    (FragSandbox          *self,
                                            GAsyncResult         *result,
                                            GError              **error);
/* Writes the files and runs (see above). Needs ensure first. */
void        frag_sandbox_execute_async     (FragSandbox          *self,
                                            FragFragment         *fragment,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
FragResult *frag_sandbox_execute_finish    (FragSandbox          *self,
                                            GAsyncResult         *result,
                                            GError              **error);
/* Extends the sandbox's life to seconds from now (E2B timeout; local sandboxes live as
 * long as the app and succeed at once). */
void        frag_sandbox_keep_alive_async  (FragSandbox          *self,
                                            guint                 seconds,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    frag_sandbox_keep_alive_finish (FragSandbox          *self,
                                            GAsyncResult         *result,
                                            GError              **error);
/* Kills the sandbox and every process in it. Killing one that does not exist (never
 * created, already gone) succeeds. */
void        frag_sandbox_kill_async        (FragSandbox          *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    frag_sandbox_kill_finish       (FragSandbox          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Property getters (they read the implementation's properties). */
char             *frag_sandbox_dup_sandbox_id  (FragSandbox       *self);
char             *frag_sandbox_dup_template_id (FragSandbox       *self);
char             *frag_sandbox_dup_backend     (FragSandbox       *self);
FragSandboxPhase  frag_sandbox_get_phase       (FragSandbox       *self);

/* For implementations: emit the signals. */
void              frag_sandbox_emit_phase      (FragSandbox       *self,
                                                FragSandboxPhase   phase,
                                                const char        *detail);
void              frag_sandbox_emit_log        (FragSandbox       *self,
                                                FragSandboxStream  stream,
                                                const char        *line);

const char       *frag_sandbox_phase_to_string (FragSandboxPhase   phase);

G_END_DECLS
