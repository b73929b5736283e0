/* frag-history.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-errors.h"
#include "frag-history-records.h"

G_BEGIN_DECLS

/* Where conversations are kept. The conversation pipeline writes through this interface;
 * store/'s FragHistoryStore implements it with SQLite (tests may use it on ":memory:").
 *
 * Contract for implementations:
 *  - Every _async completes on the thread-default main context of the caller and never
 *    blocks it; errors are FRAG_HISTORY_ERROR (NOT_FOUND for an unknown id) or
 *    G_IO_ERROR_CANCELLED.
 *  - Operations run in the order they were called, so a caller may issue
 *    append_user_message and then start its request without waiting for the first.
 *  - checkpoint_message is fire-and-forget and coalesced by the implementation to at
 *    most one write per message every FRAG_HISTORY_CHECKPOINT_INTERVAL_MS; a later
 *    finish_message supersedes any pending checkpoint of the same message.
 */
#define FRAG_HISTORY_CHECKPOINT_INTERVAL_MS 500

#define FRAG_TYPE_HISTORY (frag_history_get_type ())

G_DECLARE_INTERFACE (FragHistory, frag_history, FRAG, HISTORY, GObject)

struct _FragHistoryInterface
{
  GTypeInterface parent_iface;

  void                    (*create_conversation_async)   (FragHistory          *self,
                                                          const char           *title,
                                                          const char           *model,
                                                          const char           *template_id,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gint64                  (*create_conversation_finish)  (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*append_user_message_async)   (FragHistory          *self,
                                                          gint64                conversation_id,
                                                          const char           *text,
                                                          GPtrArray            *attachments,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gint64                  (*append_user_message_finish)  (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*begin_assistant_message_async) (FragHistory        *self,
                                                          gint64                conversation_id,
                                                          const char           *model,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gint64                  (*begin_assistant_message_finish) (FragHistory       *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*checkpoint_message)          (FragHistory          *self,
                                                          gint64                message_id,
                                                          const char           *text,
                                                          const char           *fragment_json);
  void                    (*finish_message_async)        (FragHistory          *self,
                                                          gint64                message_id,
                                                          FragMessageState      state,
                                                          const char           *text,
                                                          const char           *fragment_json,
                                                          const char           *error_message,
                                                          FragTokenUsage        usage,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gboolean                (*finish_message_finish)       (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*add_version_async)           (FragHistory          *self,
                                                          gint64                conversation_id,
                                                          gint64                message_id,
                                                          gint64                parent_id,
                                                          FragVersionOrigin     origin,
                                                          const char           *fragment_json,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gint64                  (*add_version_finish)          (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*add_result_async)            (FragHistory          *self,
                                                          gint64                version_id,
                                                          const char           *result_json,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gint64                  (*add_result_finish)           (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*set_sandbox_async)           (FragHistory          *self,
                                                          gint64                conversation_id,
                                                          const char           *backend,
                                                          const char           *sandbox_id,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gboolean                (*set_sandbox_finish)          (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*rename_conversation_async)   (FragHistory          *self,
                                                          gint64                conversation_id,
                                                          const char           *title,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gboolean                (*rename_conversation_finish)  (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*delete_conversation_async)   (FragHistory          *self,
                                                          gint64                conversation_id,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gboolean                (*delete_conversation_finish)  (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*delete_messages_from_async)  (FragHistory          *self,
                                                          gint64                conversation_id,
                                                          gint64                message_id,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  gboolean                (*delete_messages_from_finish) (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*load_conversation_async)     (FragHistory          *self,
                                                          gint64                conversation_id,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  FragStoredConversation *(*load_conversation_finish)    (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*list_conversations_async)    (FragHistory          *self,
                                                          guint                 offset,
                                                          guint                 limit,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  GListModel             *(*list_conversations_finish)   (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
  void                    (*search_async)                (FragHistory          *self,
                                                          const char           *query,
                                                          guint                 offset,
                                                          guint                 limit,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
  GListModel             *(*search_finish)               (FragHistory          *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
};

/* A new conversation; updated = created = now. Returns its id. */
void                    frag_history_create_conversation_async      (FragHistory          *self,
                                                                     const char           *title,
                                                                     const char           *model,
                                                                     const char           *template_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gint64                  frag_history_create_conversation_finish     (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* The user's message, committed before the callback runs: send the request after it.
 * attachments: element type FragAttachment, may be NULL. Returns the message id. */
void                    frag_history_append_user_message_async      (FragHistory          *self,
                                                                     gint64                conversation_id,
                                                                     const char           *text,
                                                                     GPtrArray            *attachments,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gint64                  frag_history_append_user_message_finish     (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* An empty assistant message in state "streaming". Returns its id. */
void                    frag_history_begin_assistant_message_async  (FragHistory          *self,
                                                                     gint64                conversation_id,
                                                                     const char           *model,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gint64                  frag_history_begin_assistant_message_finish (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* The streaming message's text and partial fragment JSON (may be NULL) so far. Cheap:
 * call it on every delta; the implementation coalesces. */
void                    frag_history_checkpoint_message             (FragHistory          *self,
                                                                     gint64                message_id,
                                                                     const char           *text,
                                                                     const char           *fragment_json);
/* Ends a message: state complete, interrupted or error (error_message then says why),
 * its final text and fragment JSON (NULL keeps what the last checkpoint wrote). */
void                    frag_history_finish_message_async           (FragHistory          *self,
                                                                     gint64                message_id,
                                                                     FragMessageState      state,
                                                                     const char           *text,
                                                                     const char           *fragment_json,
                                                                     const char           *error_message,
                                                                     FragTokenUsage        usage,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean                frag_history_finish_message_finish          (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* A fragment version. message_id: the assistant message it came from (0 for a user
 * edit); parent_id: the version it was edited from (0 for none). Returns its id. */
void                    frag_history_add_version_async              (FragHistory          *self,
                                                                     gint64                conversation_id,
                                                                     gint64                message_id,
                                                                     gint64                parent_id,
                                                                     FragVersionOrigin     origin,
                                                                     const char           *fragment_json,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gint64                  frag_history_add_version_finish             (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* An execution result (DESIGN.md's result JSON) of a version. Returns its id. */
void                    frag_history_add_result_async               (FragHistory          *self,
                                                                     gint64                version_id,
                                                                     const char           *result_json,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gint64                  frag_history_add_result_finish              (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* The sandbox the conversation runs in ("e2b" or "local" and its id; NULLs clear it). */
void                    frag_history_set_sandbox_async              (FragHistory          *self,
                                                                     gint64                conversation_id,
                                                                     const char           *backend,
                                                                     const char           *sandbox_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean                frag_history_set_sandbox_finish             (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
void                    frag_history_rename_conversation_async      (FragHistory          *self,
                                                                     gint64                conversation_id,
                                                                     const char           *title,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean                frag_history_rename_conversation_finish     (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* Deletes the conversation with its messages, versions and results. */
void                    frag_history_delete_conversation_async      (FragHistory          *self,
                                                                     gint64                conversation_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean                frag_history_delete_conversation_finish     (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* Undoes the end of a conversation: deletes message_id and every later message of
 * conversation_id, the fragment versions they produced and the results of those
 * versions, in one transaction. A user edit (a version with no message) goes with them
 * when it was made after message_id was stored or was edited from a version that goes.
 * Attachments and result images no other row uses are released, the search index
 * forgets the deleted text, and the conversation counts as updated. NOT_FOUND when
 * message_id is not a message of conversation_id. */
void                    frag_history_delete_messages_from_async     (FragHistory          *self,
                                                                     gint64                conversation_id,
                                                                     gint64                message_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean                frag_history_delete_messages_from_finish    (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
void                    frag_history_load_conversation_async        (FragHistory          *self,
                                                                     gint64                conversation_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
FragStoredConversation *frag_history_load_conversation_finish       (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* Most recently updated first. Returns a GListModel of FragConversationInfo. */
void                    frag_history_list_conversations_async       (FragHistory          *self,
                                                                     guint                 offset,
                                                                     guint                 limit,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
GListModel             *frag_history_list_conversations_finish      (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
/* Full-text search over message text, fragment titles, descriptions and code, and text
 * outputs. query is what the user typed, whatever it contains: it never causes an
 * error (an empty or punctuation-only query gives no hits). The last word matches as a
 * prefix. Best conversation first (bm25, titles weighted up; for a query matching more
 * than 2,000 entries, only the newest 2,000 are ranked); a GListModel of FragSearchHit. */
void                    frag_history_search_async                   (FragHistory          *self,
                                                                     const char           *query,
                                                                     guint                 offset,
                                                                     guint                 limit,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
GListModel             *frag_history_search_finish                  (FragHistory          *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

G_END_DECLS
