/* frag-message-row.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "frag-message.h"

G_BEGIN_DECLS

#define FRAG_TYPE_MESSAGE_ROW (frag_message_row_get_type ())

G_DECLARE_FINAL_TYPE (FragMessageRow, frag_message_row, FRAG, MESSAGE_ROW, GtkWidget)

/* One chat message: the user's prompt as a bubble, or the assistant's commentary with
 * its state (a spinner while streaming, "Interrupted", or the error, its hint and a
 * Retry button) and, once there is one, the fragment's title as a button that shows
 * it (win.show-version). Text is always plain: model output never becomes markup. */
GtkWidget   *frag_message_row_new         (void);
FragMessage *frag_message_row_get_message (FragMessageRow *self);
void         frag_message_row_set_message (FragMessageRow *self,
                                           FragMessage    *message);

G_END_DECLS
