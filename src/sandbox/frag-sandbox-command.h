/* frag-sandbox-command.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the local backend confines a command: bubblewrap on a normal host, the Flatpak
 * portal's sandboxed spawn inside a Flatpak (where bwrap cannot nest). */
typedef enum
{
  FRAG_SANDBOX_LAUNCHER_BWRAP,
  FRAG_SANDBOX_LAUNCHER_FLATPAK_SPAWN,
} FragSandboxLauncher;

/* Limits applied with prlimit inside the sandbox (after the user namespace exists, so
 * the process count is the sandbox's own, not the user's whole session). 0 = no limit.
 * The wall-time limit is not here: the backend kills the sandbox's process tree from
 * the main loop, which also serves cancellation. */
typedef struct
{
  guint   cpu_seconds;       /* RLIMIT_CPU */
  guint   max_processes;     /* RLIMIT_NPROC: a fork bomb stops here */
  guint64 max_file_bytes;    /* RLIMIT_FSIZE: no file larger (disk filling) */
  guint64 max_memory_bytes;  /* RLIMIT_AS */
  guint   max_open_files;    /* RLIMIT_NOFILE */
} FragSandboxLimits;

/* One confined command. In `command` (and `env` values), "@WORK@" stands for the work
 * dir and "@RUNNER@" for the runner dir as the sandbox sees them: /home/user and
 * /opt/frag under bwrap, the real paths under flatpak-spawn (no remapping there). */
typedef struct
{
  const char         *work_dir;        /* host path; read-write; the cwd and $HOME */
  const char         *runner_dir;      /* host path; read-only; our scripts */
  const char         *run_dir;         /* host path or NULL; read-write; the port bridge's socket */
  const char * const *command;         /* argv inside the sandbox */
  const char * const *env;             /* extra "KEY=VALUE" entries, or NULL */
  FragSandboxLimits   limits;
  /* bwrap only: start bwrap as nobody (65534) when we are root, because root's own
   * processes ignore RLIMIT_NPROC and root should not own anything a sandbox touches. */
  gboolean            drop_root;
  /* flatpak-spawn only: file descriptors to forward (besides 0-2), -1 terminated or NULL. */
  const int          *forward_fds;
  /* bwrap only: the fd bwrap writes {"child-pid": N} to (--info-fd), 0 for none. N is the
   * host pid of the sandbox's pid 1: killing it takes the whole pid namespace down,
   * which killing bwrap alone does not always do (its pid 1 can outlive it). */
  int                 info_fd;
} FragSandboxSpec;

#define FRAG_SANDBOX_INNER_WORK_DIR   "/home/user"
#define FRAG_SANDBOX_INNER_RUNNER_DIR "/opt/frag"
#define FRAG_SANDBOX_INNER_RUN_DIR    "/run/frag"
#define FRAG_SANDBOX_NOBODY_ID        65534

/* TRUE inside a Flatpak (/.flatpak-info exists). */
gboolean            frag_sandbox_command_in_flatpak       (void);
FragSandboxLauncher frag_sandbox_command_default_launcher (void);
/* The full argv to spawn on the host. */
GStrv               frag_sandbox_command_build            (FragSandboxLauncher    launcher,
                                                           const FragSandboxSpec *spec);
/* Where `dir_kind` ("@WORK@", "@RUNNER@", "@RUN@") is seen from inside. */
const char         *frag_sandbox_command_inner_path       (FragSandboxLauncher    launcher,
                                                           const FragSandboxSpec *spec,
                                                           const char            *placeholder);

G_END_DECLS
