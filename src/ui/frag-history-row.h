/* frag-history-row.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FRAG_TYPE_HISTORY_ROW (frag_history_row_get_type ())

G_DECLARE_FINAL_TYPE (FragHistoryRow, frag_history_row, FRAG, HISTORY_ROW, GtkWidget)

/* One row of the history sidebar. item is a FragConversationInfo (the list: title,
 * when it was updated, the model) or a FragSearchHit (the same, plus the matching
 * snippet with the matched words in bold). Its menu (the button, or a right click)
 * offers history.rename and history.delete for the conversation's id, actions the
 * sidebar installs. Titles and snippets are never taken as markup. */
GObject *frag_history_row_get_item (FragHistoryRow *self);
void     frag_history_row_set_item (FragHistoryRow *self,
                                    GObject        *item);
/* Formats "5 minutes ago" again (the sidebar does it every minute). */
void     frag_history_row_refresh  (FragHistoryRow *self);
/* The id of the conversation shown, or 0. */
gint64   frag_history_row_get_id   (FragHistoryRow *self);

G_END_DECLS
