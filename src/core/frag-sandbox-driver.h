/* frag-sandbox-driver.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-sandbox.h"

G_BEGIN_DECLS

/* Drives one FragSandbox for a conversation towards a *target*: a template and,
 * optionally, a dependency install command. The target can be set early from a
 * fragment that is still streaming (speculation) and changed while work is under way;
 * the driver runs one sandbox operation at a time, in order, so a stale install never
 * runs in a newer sandbox and a kill never hits a sandbox made after it was asked for:
 *
 *  - set_target(): the work starts at once (ensure, then install). A new template
 *    cancels the operation in flight for the old one and drops the old install.
 *  - prepare_async(): completes once the target is in place.
 *  - execute_async(): prepares, then runs the fragment. A sandbox that turns out to be
 *    gone (FRAG_SANDBOX_ERROR_GONE) is killed, created again, re-installed and the
 *    fragment run once more, transparently.
 *  - cancel(): stops the operation in flight and forgets the target; pending calls
 *    fail with G_IO_ERROR_CANCELLED.
 *  - discard_turn_async(): cancel(), then kill the sandbox if it was created since
 *    begin_turn() (speculative work for a template the model did not keep).
 *
 * Installs are remembered per sandbox id, so the same command is not run twice in the
 * same sandbox (a later turn that repeats it finds it done).
 */
#define FRAG_TYPE_SANDBOX_DRIVER (frag_sandbox_driver_get_type ())

G_DECLARE_FINAL_TYPE (FragSandboxDriver, frag_sandbox_driver, FRAG, SANDBOX_DRIVER, GObject)

FragSandboxDriver *frag_sandbox_driver_new                (FragSandbox          *sandbox);
FragSandbox       *frag_sandbox_driver_get_sandbox        (FragSandboxDriver    *self);
/* The template id of the current target, or NULL. */
const char        *frag_sandbox_driver_get_target_id      (FragSandboxDriver    *self);
/* install_command: NULL or empty for none. */
void               frag_sandbox_driver_set_target         (FragSandboxDriver    *self,
                                                           FragTemplate         *template_,
                                                           const char           *install_command);
/* Adds (or replaces) the install command of the current target. */
void               frag_sandbox_driver_set_install        (FragSandboxDriver    *self,
                                                           const char           *install_command);
/* TRUE once the command ran successfully in the current sandbox. */
gboolean           frag_sandbox_driver_has_installed      (FragSandboxDriver    *self,
                                                           const char           *install_command);
void               frag_sandbox_driver_prepare_async      (FragSandboxDriver    *self,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean           frag_sandbox_driver_prepare_finish     (FragSandboxDriver    *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
/* The target must be the fragment's template. */
void               frag_sandbox_driver_execute_async      (FragSandboxDriver    *self,
                                                           FragFragment         *fragment,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
FragResult        *frag_sandbox_driver_execute_finish     (FragSandboxDriver    *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
void               frag_sandbox_driver_cancel             (FragSandboxDriver    *self);
void               frag_sandbox_driver_begin_turn         (FragSandboxDriver    *self);
void               frag_sandbox_driver_discard_turn_async (FragSandboxDriver    *self,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean           frag_sandbox_driver_discard_turn_finish (FragSandboxDriver   *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
/* cancel(), then kill the sandbox whatever made it. */
void               frag_sandbox_driver_kill_async         (FragSandboxDriver    *self,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean           frag_sandbox_driver_kill_finish        (FragSandboxDriver    *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
/* Extends the life of the sandbox in place to seconds from now, when nothing else is
 * under way (preparing or running a fragment keeps it alive anyway, and any of them, a
 * kill or cancel() pre-empts a keep-alive in flight: it then fails with
 * G_IO_ERROR_CANCELLED). G_IO_ERROR_NOT_FOUND when there is no sandbox; the backend's
 * error (FRAG_SANDBOX_ERROR_GONE for an expired one) otherwise. */
void               frag_sandbox_driver_keep_alive_async   (FragSandboxDriver    *self,
                                                           guint                 seconds,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean           frag_sandbox_driver_keep_alive_finish  (FragSandboxDriver    *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
/* TRUE while an operation is in flight. */
gboolean           frag_sandbox_driver_is_busy            (FragSandboxDriver    *self);

G_END_DECLS
