/* frag-history-sidebar.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "frag-conversation.h"
#include "frag-history.h"

G_BEGIN_DECLS

#define FRAG_TYPE_HISTORY_SIDEBAR (frag_history_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (FragHistorySidebar, frag_history_sidebar, FRAG, HISTORY_SIDEBAR, GtkWidget)

/* The stored conversations, most recently updated first, with a search entry that runs
 * the history's full-text search as the user types. Choosing a conversation activates
 * win.open-conversation (int64 id); deleting the one that is open activates
 * win.new-conversation. Rename and delete (with Undo) go to the history directly.
 *
 * The list follows the window's conversation (property "conversation"): it is reloaded
 * when that conversation is first stored and whenever one of its turns ends, and the
 * conversation's row is the selected one. */
void              frag_history_sidebar_set_history      (FragHistorySidebar *self,
                                                         FragHistory        *history);
FragHistory      *frag_history_sidebar_get_history      (FragHistorySidebar *self);
void              frag_history_sidebar_set_conversation (FragHistorySidebar *self,
                                                         FragConversation   *conversation);
FragConversation *frag_history_sidebar_get_conversation (FragHistorySidebar *self);
/* Queries the history again (and the search, if there is one). */
void              frag_history_sidebar_reload           (FragHistorySidebar *self);
void              frag_history_sidebar_focus_search     (FragHistorySidebar *self);

/* TRUE while the refresh timeout runs (the sidebar is mapped). */
gboolean            frag_history_sidebar_get_refreshing       (FragHistorySidebar *self);
/* How often the rows' relative times ("5 minutes ago") are formatted again while the
 * sidebar is shown: every minute (the default); tests make it short. */
void                frag_history_sidebar_set_refresh_interval (FragHistorySidebar *self,
                                                               guint               interval_ms);

G_END_DECLS
