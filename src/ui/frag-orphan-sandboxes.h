/* frag-orphan-sandboxes.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "frag-keyring.h"

G_BEGIN_DECLS

/* E2B sandboxes tagged as this app's that no open conversation uses: left running by
 * an earlier session that crashed or lost the network while quitting. A few seconds
 * after start-up (off the main path) they are listed with the E2B key (environment or
 * keyring); when there are any, the active window shows a toast offering to stop them.
 * No key, no network: nothing is shown (a debug message only).
 *
 * Properties: "n-orphans" (guint, read-only): how many the last check found.
 */
#define FRAG_TYPE_ORPHAN_SANDBOXES (frag_orphan_sandboxes_get_type ())

G_DECLARE_FINAL_TYPE (FragOrphanSandboxes, frag_orphan_sandboxes, FRAG, ORPHAN_SANDBOXES, GObject)

/* application: whose windows' conversations count as attached (borrowed, must outlive
 * the object). */
FragOrphanSandboxes *frag_orphan_sandboxes_new            (GtkApplication       *application,
                                                           FragKeyring          *keyring);
/* Checks once, delay_ms from now (replacing a check scheduled before). */
void                 frag_orphan_sandboxes_schedule       (FragOrphanSandboxes  *self,
                                                           guint                 delay_ms);
guint                frag_orphan_sandboxes_get_n_orphans  (FragOrphanSandboxes  *self);
/* The toast offering to stop them (or reporting how that went) while it is shown, or
 * NULL. Borrowed. */
AdwToast            *frag_orphan_sandboxes_get_toast      (FragOrphanSandboxes  *self);
/* Stops what the last check found (what the toast's button does). */
void                 frag_orphan_sandboxes_stop_all       (FragOrphanSandboxes  *self);
/* Cancels the check or stops in progress. */
void                 frag_orphan_sandboxes_cancel         (FragOrphanSandboxes  *self);

G_END_DECLS
