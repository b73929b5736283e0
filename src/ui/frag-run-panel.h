/* frag-run-panel.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "frag-conversation.h"

G_BEGIN_DECLS

#define FRAG_TYPE_RUN_PANEL (frag_run_panel_get_type ())

G_DECLARE_FINAL_TYPE (FragRunPanel, frag_run_panel, FRAG, RUN_PANEL, GtkWidget)

/* The bar under the fragment: what the conversation is doing right now ("Creating
 * sandbox…", "Waiting for the app: port 3000, attempt 4…") with a spinner, the Run and
 * Fix It buttons (win.run-edit, win.fix), and a collapsible log of the sandbox's output
 * lines as they come (install output, a server's log). */
GtkWidget  *frag_run_panel_new           (void);
void        frag_run_panel_set_phase     (FragRunPanel          *self,
                                          FragConversationPhase  phase,
                                          const char            *detail);
void        frag_run_panel_append_log    (FragRunPanel          *self,
                                          FragSandboxStream      stream,
                                          const char            *line);
void        frag_run_panel_clear_log     (FragRunPanel          *self);
/* Shows the Fix It button (after a failed run the model may repair). */
void        frag_run_panel_set_can_fix   (FragRunPanel          *self,
                                          gboolean               can_fix);
void        frag_run_panel_set_log_visible (FragRunPanel        *self,
                                            gboolean             visible);
/* The status line as shown, and the log's whole text (for tests). */
const char *frag_run_panel_get_status    (FragRunPanel          *self);
char       *frag_run_panel_dup_log       (FragRunPanel          *self);

G_END_DECLS
