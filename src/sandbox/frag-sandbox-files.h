/* frag-sandbox-files.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Host-side file work of the local backend. Blocking: call from a worker thread. */

/* Writes each FragFragmentFile of files under work_dir, creating parent directories.
 * Every path is checked with frag_fragment_path_is_safe() first, and a path that leads
 * through a symlink (which sandboxed code could have planted) is refused, so nothing is
 * ever written outside work_dir: FRAG_FRAGMENT_ERROR_BAD_PATH. When owner_uid is not -1
 * the new files and directories are given to that user (the sandbox's). */
gboolean frag_sandbox_files_write       (const char  *work_dir,
                                         GPtrArray   *files,
                                         int          owner_uid,
                                         GError     **error);
/* rm -rf without following symlinks. Errors are ignored (best effort clean-up). */
void     frag_sandbox_files_remove_tree (const char  *path);

G_END_DECLS
