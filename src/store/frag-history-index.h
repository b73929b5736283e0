/* frag-history-index.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-history-db-private.h"

G_BEGIN_DECLS

/* Keeps the FTS5 search_index in step with the rows it covers. Each function replaces
 * the row's entry (so calling it again after an update is right) inside the caller's
 * transaction. Indexed text never contains the snippet highlight markers. */
gboolean _frag_history_index_conversation        (FragHistoryDb  *db,
                                                  gint64          conversation_id,
                                                  const char     *title,
                                                  GError        **error);
gboolean _frag_history_index_message             (FragHistoryDb  *db,
                                                  gint64          message_id,
                                                  gint64          conversation_id,
                                                  const char     *text,
                                                  GError        **error);
gboolean _frag_history_index_version             (FragHistoryDb  *db,
                                                  gint64          version_id,
                                                  gint64          conversation_id,
                                                  gint64          message_id,
                                                  const char     *fragment_json,
                                                  GError        **error);
gboolean _frag_history_index_result              (FragHistoryDb  *db,
                                                  gint64          result_id,
                                                  gint64          conversation_id,
                                                  gint64          message_id,
                                                  const char     *result_json,
                                                  GError        **error);
/* Drops every entry of the conversation (call before deleting its rows). */
gboolean _frag_history_index_remove_conversation (FragHistoryDb  *db,
                                                  gint64          conversation_id,
                                                  GError        **error);

/* The searchable text of a fragment: its title, and its description, file paths and
 * code; of a result: stdout, text results and the error. Exposed for tests. */
void     _frag_history_index_fragment_text       (const char     *fragment_json,
                                                  char          **title,
                                                  char          **body);
char    *_frag_history_index_result_text         (const char     *result_json);

G_END_DECLS
