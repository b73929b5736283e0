/* frag-sandbox-runtime.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether the host has what a web template's start command needs, as the local sandbox
 * sees the host (only /usr is visible, so /usr/bin, /usr/local/bin and Python modules
 * under /usr). Checks, in order: the program (after leading VAR=value words) exists;
 * for `npx TOOL`, TOOL is installed (no network inside, so npx cannot download it),
 * globally or in the work dir's node_modules/.bin; for a Python program, the Python web
 * frameworks the template lists in `lib` (streamlit, gradio) are importable.
 * FRAG_SANDBOX_ERROR_MISSING_RUNTIME names what is missing and suggests E2B. Blocking
 * (it stats files): call it from a worker thread. */
gboolean frag_sandbox_runtime_check (const char          *template_id,
                                     const char          *start_cmd,
                                     const char * const  *lib,
                                     const char          *work_dir,
                                     GError             **error);

G_END_DECLS
