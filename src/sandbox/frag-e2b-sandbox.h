/* frag-e2b-sandbox.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-e2b-client.h"
#include "frag-sandbox.h"

G_BEGIN_DECLS

/* E2B Fragments creates sandboxes with a 10 minute life; so do we, and keep-alive
 * extends it while the preview is in use. */
#define FRAG_E2B_SANDBOX_DEFAULT_TIMEOUT_SECONDS 600
/* envd kills an install command after this (Connect-Timeout-Ms). */
#define FRAG_E2B_SANDBOX_INSTALL_TIMEOUT_MS      (300 * 1000)

/* The E2B backend: one conversation's sandbox in E2B's cloud (e2b-protocol.md §7, done
 * better). Created tagged with metadata {app, conversation, template}; reused across the
 * conversation's fragments (same template); recreated transparently when it expired or
 * was killed underneath (the last install command is replayed). Interpreter fragments
 * run through the code interpreter's /execute; web fragments are written and the app's
 * port is probed before the URL is handed over: a template whose server is baked into
 * its snapshot answers at once, otherwise (the port answers "not open") the template's
 * start_cmd is started through envd, with no deadline, its output streamed as "log". */
#define FRAG_TYPE_E2B_SANDBOX (frag_e2b_sandbox_get_type ())

G_DECLARE_FINAL_TYPE (FragE2bSandbox, frag_e2b_sandbox, FRAG, E2B_SANDBOX, GObject)

/* conversation_id: stored in the sandbox's metadata (may be NULL). */
FragE2bSandbox *frag_e2b_sandbox_new        (FragE2bClient  *client,
                                             const char     *conversation_id);
/* A sandbox on the E2B the environment names (E2B_API_URL, E2B_DOMAIN, …; DESIGN.md),
 * with api_key (NULL: the first call reports the missing key with what to set). */
FragE2bSandbox *frag_e2b_sandbox_new_from_environment (const char *api_key,
                                                       const char *conversation_id);
FragE2bClient  *frag_e2b_sandbox_get_client (FragE2bSandbox *self);

G_END_DECLS
