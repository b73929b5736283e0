/* frag-history-db.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-history-records.h"

G_BEGIN_DECLS

/* The synchronous SQL behind FragHistoryStore: each call is one short transaction on
 * the calling thread. FragHistoryStore runs them on its worker thread; the benchmark
 * calls them directly inside one big transaction to load its data set. Nothing here
 * touches a main loop. Times are UNIX microseconds. */
typedef struct _FragHistoryDb FragHistoryDb;

/* Opens (creating it and its folder if needed) and health-checks the database, then
 * migrates it and marks messages left "streaming" by a crash as "interrupted".
 * A damaged file or one that is not a database is moved aside to
 * PATH.corrupt-YYYYMMDD-HHMMSS (with its -wal and -shm) and a fresh one is created:
 * the open succeeds and *notice (may be NULL) gets FRAG_HISTORY_ERROR_CORRUPT saying
 * where the old file went. A database from a newer version is refused with
 * FRAG_HISTORY_ERROR_TOO_NEW and left untouched. path ":memory:" is a private
 * in-memory database. */
FragHistoryDb          *frag_history_db_open                (const char         *path,
                                                             GError            **notice,
                                                             GError            **error);
/* Opens without health check, migration or recovery, at exactly the schema version
 * reached by migrating to target_version: for tests that build old databases. */
FragHistoryDb          *frag_history_db_open_at_version     (const char         *path,
                                                             int                 target_version,
                                                             GError            **error);
void                    frag_history_db_close               (FragHistoryDb      *db);
const char             *frag_history_db_get_path            (FragHistoryDb      *db);
/* How many messages the open turned from "streaming" into "interrupted". */
guint                   frag_history_db_interrupt_streaming (FragHistoryDb      *db,
                                                             gint64              now,
                                                             GError            **error);

/* An outer transaction for bulk work; the calls below then join it. */
gboolean                frag_history_db_begin               (FragHistoryDb      *db,
                                                             GError            **error);
gboolean                frag_history_db_commit              (FragHistoryDb      *db,
                                                             GError            **error);

gint64                  frag_history_db_create_conversation (FragHistoryDb      *db,
                                                             const char         *title,
                                                             const char         *model,
                                                             const char         *template_id,
                                                             gint64              now,
                                                             GError            **error);
/* attachments: element type FragAttachment, may be NULL. */
gint64                  frag_history_db_append_message      (FragHistoryDb      *db,
                                                             gint64              conversation_id,
                                                             FragMessageRole     role,
                                                             FragMessageState    state,
                                                             const char         *text,
                                                             const char         *model,
                                                             GPtrArray          *attachments,
                                                             gint64              now,
                                                             GError            **error);
/* Only a message still "streaming" is updated (FALSE, no error, otherwise). */
gboolean                frag_history_db_checkpoint_message  (FragHistoryDb      *db,
                                                             gint64              message_id,
                                                             const char         *text,
                                                             const char         *fragment_json,
                                                             gint64              now,
                                                             GError            **error);
/* text / fragment_json NULL keep the stored ones. */
gboolean                frag_history_db_finish_message      (FragHistoryDb      *db,
                                                             gint64              message_id,
                                                             FragMessageState    state,
                                                             const char         *text,
                                                             const char         *fragment_json,
                                                             const char         *error_message,
                                                             FragTokenUsage      usage,
                                                             gint64              now,
                                                             GError            **error);
gint64                  frag_history_db_add_version         (FragHistoryDb      *db,
                                                             gint64              conversation_id,
                                                             gint64              message_id,
                                                             gint64              parent_id,
                                                             FragVersionOrigin   origin,
                                                             const char         *fragment_json,
                                                             gint64              now,
                                                             GError            **error);
gint64                  frag_history_db_add_result          (FragHistoryDb      *db,
                                                             gint64              version_id,
                                                             const char         *result_json,
                                                             gint64              now,
                                                             GError            **error);
gboolean                frag_history_db_set_sandbox         (FragHistoryDb      *db,
                                                             gint64              conversation_id,
                                                             const char         *backend,
                                                             const char         *sandbox_id,
                                                             gint64              now,
                                                             GError            **error);
gboolean                frag_history_db_rename_conversation (FragHistoryDb      *db,
                                                             gint64              conversation_id,
                                                             const char         *title,
                                                             gint64              now,
                                                             GError            **error);
gboolean                frag_history_db_delete_conversation (FragHistoryDb      *db,
                                                             gint64              conversation_id,
                                                             GError            **error);
/* Deletes message_id and every later message of conversation_id with their versions
 * and results (see frag_history_delete_messages_from_async()); NOT_FOUND when
 * message_id is not a message of conversation_id. */
gboolean                frag_history_db_delete_messages_from (FragHistoryDb      *db,
                                                              gint64              conversation_id,
                                                              gint64              message_id,
                                                              gint64              now,
                                                              GError            **error);
FragStoredConversation *frag_history_db_load_conversation   (FragHistoryDb      *db,
                                                             gint64              conversation_id,
                                                             GError            **error);
/* Element type FragConversationInfo, most recently updated first. */
GPtrArray              *frag_history_db_list_conversations  (FragHistoryDb      *db,
                                                             guint               offset,
                                                             guint               limit,
                                                             GError            **error);
/* Element type FragSearchHit, best first; empty for a query with nothing to search. */
GPtrArray              *frag_history_db_search              (FragHistoryDb      *db,
                                                             const char         *query,
                                                             guint               offset,
                                                             guint               limit,
                                                             GError            **error);

G_END_DECLS
