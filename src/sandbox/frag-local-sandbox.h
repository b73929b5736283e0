/* frag-local-sandbox.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-sandbox.h"
#include "frag-sandbox-command.h"

G_BEGIN_DECLS

/* Defaults of the local backend's limits (properties of the same names override them).
 * Wall time: the whole run, killed from the main loop (pid namespace and all).
 * CPU time, processes, file size, memory: prlimit inside the sandbox.
 * Output: stdout + stderr of one run; past it the run is stopped. */
#define FRAG_LOCAL_SANDBOX_DEFAULT_WALL_SECONDS    60
#define FRAG_LOCAL_SANDBOX_DEFAULT_INSTALL_SECONDS 300
#define FRAG_LOCAL_SANDBOX_DEFAULT_CPU_SECONDS     30
#define FRAG_LOCAL_SANDBOX_DEFAULT_MAX_PROCESSES   64
#define FRAG_LOCAL_SANDBOX_DEFAULT_MAX_FILE_BYTES  (256 * 1024 * 1024)
#define FRAG_LOCAL_SANDBOX_DEFAULT_MAX_MEMORY      (G_GUINT64_CONSTANT (4) * 1024 * 1024 * 1024)
#define FRAG_LOCAL_SANDBOX_DEFAULT_OUTPUT_BYTES    (1024 * 1024)

/* The local backend (DESIGN.md "Backends"): bubblewrap (or flatpak-spawn --sandbox in a
 * Flatpak) around a private work dir, mounted as /home/user, that lives as long as the
 * sandbox; every run is a fresh confined process in it. No network at all: a web app's
 * port is reached through a Unix-socket bridge (frag-port-bridge.h), never by sharing
 * the host's network namespace.
 *
 * Interpreter templates run the fragment's file with the notebook-cell runner (last
 * expression and matplotlib figures as rich results). Note: unlike E2B's Jupyter
 * kernel, variables do not survive from one run to the next; files in the work dir do.
 * Web templates run the template's start_cmd with PORT set, when its runtime exists on
 * the host (FRAG_SANDBOX_ERROR_MISSING_RUNTIME otherwise). */
#define FRAG_TYPE_LOCAL_SANDBOX (frag_local_sandbox_get_type ())

G_DECLARE_FINAL_TYPE (FragLocalSandbox, frag_local_sandbox, FRAG, LOCAL_SANDBOX, GObject)

FragLocalSandbox *frag_local_sandbox_new          (void);
/* Tests build the Flatpak command line without being in a Flatpak. */
void              frag_local_sandbox_set_launcher (FragLocalSandbox    *self,
                                                   FragSandboxLauncher  launcher);
/* The host path of the work dir (NULL before ensure). */
const char       *frag_local_sandbox_get_work_dir (FragLocalSandbox    *self);

G_END_DECLS
