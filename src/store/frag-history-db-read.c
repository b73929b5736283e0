/* frag-history-db-read.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-db"

#include "config.h"

#include "frag-errors.h"
#include "frag-history-blobs.h"
#include "frag-history-db-private.h"

/* Loading */

#define CONVERSATION_COLUMNS \
  "id, title, model, template, sandbox_backend, sandbox_id, created, updated"

static FragConversationInfo *
conversation_from_row (sqlite3_stmt *stmt)
{
  return frag_conversation_info_new (sqlite3_column_int64 (stmt, 0),
                                     _frag_history_column_text (stmt, 1),
                                     _frag_history_column_text (stmt, 2),
                                     _frag_history_column_text (stmt, 3),
                                     _frag_history_column_text (stmt, 4),
                                     _frag_history_column_text (stmt, 5),
                                     sqlite3_column_int64 (stmt, 6),
                                     sqlite3_column_int64 (stmt, 7));
}

FragConversationInfo *
_frag_history_db_load_conversation_info (FragHistoryDb  *db,
                                         gint64          conversation_id,
                                         GError        **error)
{
  FragConversationInfo *info;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE id = ?1",
                                         error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      _frag_history_db_set_not_found (error, "conversation", conversation_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read a conversation");
      return NULL;
    }
  info = conversation_from_row (stmt);
  sqlite3_reset (stmt);
  return info;
}

static GPtrArray *
load_attachments (FragHistoryDb  *db,
                  gint64          message_id,
                  GError        **error)
{
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);
  g_autoptr(GArray) blob_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT blob_id FROM message_attachments WHERE message_id = ?1 "
                                         "ORDER BY position", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 blob_id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (blob_ids, blob_id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read a message's attachments");
      return NULL;
    }

  for (guint i = 0; i < blob_ids->len; i++)
    {
      g_autofree char *mime_type = NULL;
      g_autoptr(GBytes) data = _frag_history_blobs_get (db, g_array_index (blob_ids, gint64, i),
                                                        &mime_type, error);

      if (data == NULL)
        return NULL;
      g_ptr_array_add (attachments, frag_attachment_new (mime_type != NULL ? mime_type : "application/octet-stream",
                                                         data));
    }
  return g_steal_pointer (&attachments);
}

static GPtrArray *
load_messages (FragHistoryDb  *db,
               gint64          conversation_id,
               GError        **error)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) has_attachments = g_array_new (FALSE, FALSE, sizeof (gboolean));
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT m.id, m.role, m.state, m.text, m.fragment, m.model, m.error_message, "
                                         "  coalesce (m.input_tokens, -1), coalesce (m.output_tokens, -1), "
                                         "  m.created, m.updated, "
                                         "  EXISTS (SELECT 1 FROM message_attachments a WHERE a.message_id = m.id) "
                                         "FROM messages m WHERE m.conversation_id = ?1 ORDER BY m.id", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FragMessageRole role = FRAG_MESSAGE_ROLE_USER;
      FragMessageState state = FRAG_MESSAGE_STATE_COMPLETE;
      FragTokenUsage usage = { sqlite3_column_int64 (stmt, 7), sqlite3_column_int64 (stmt, 8) };
      gboolean attached = sqlite3_column_int (stmt, 11) != 0;

      frag_message_role_from_string (_frag_history_column_text (stmt, 1), &role);
      frag_message_state_from_string (_frag_history_column_text (stmt, 2), &state);
      g_ptr_array_add (messages,
                       frag_stored_message_new (sqlite3_column_int64 (stmt, 0), conversation_id, role, state,
                                                _frag_history_column_text (stmt, 3),
                                                _frag_history_column_text (stmt, 4),
                                                _frag_history_column_text (stmt, 5),
                                                _frag_history_column_text (stmt, 6),
                                                usage,
                                                NULL,
                                                sqlite3_column_int64 (stmt, 9),
                                                sqlite3_column_int64 (stmt, 10)));
      g_array_append_val (has_attachments, attached);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read the messages");
      return NULL;
    }

  /* Attachments are read once the message query is done: the nested queries would
   * otherwise interleave with its steps. */
  for (guint i = 0; i < messages->len; i++)
    {
      FragStoredMessage *message = g_ptr_array_index (messages, i);
      g_autoptr(GPtrArray) attachments = NULL;

      if (!g_array_index (has_attachments, gboolean, i))
        continue;
      if ((attachments = load_attachments (db, frag_stored_message_get_id (message), error)) == NULL)
        return NULL;
      g_ptr_array_extend_and_steal (frag_stored_message_get_attachments (message), g_steal_pointer (&attachments));
    }
  return g_steal_pointer (&messages);
}

static GPtrArray *
load_versions (FragHistoryDb  *db,
               gint64          conversation_id,
               GError        **error)
{
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT id, coalesce (message_id, 0), coalesce (parent_id, 0), origin, "
                                         "  fragment, created "
                                         "FROM fragment_versions WHERE conversation_id = ?1 ORDER BY id", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FragVersionOrigin origin = FRAG_VERSION_ORIGIN_MODEL;

      frag_version_origin_from_string (_frag_history_column_text (stmt, 3), &origin);
      g_ptr_array_add (versions,
                       frag_stored_version_new (sqlite3_column_int64 (stmt, 0), conversation_id,
                                                sqlite3_column_int64 (stmt, 1),
                                                sqlite3_column_int64 (stmt, 2),
                                                origin,
                                                _frag_history_column_text (stmt, 4),
                                                sqlite3_column_int64 (stmt, 5)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read the fragment versions");
      return NULL;
    }
  return g_steal_pointer (&versions);
}

static GPtrArray *
load_results (FragHistoryDb  *db,
              gint64          conversation_id,
              GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT r.id, r.version_id, r.result, r.created "
                                         "FROM execution_results r JOIN fragment_versions v ON v.id = r.version_id "
                                         "WHERE v.conversation_id = ?1 ORDER BY r.id", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, frag_stored_result_new (sqlite3_column_int64 (stmt, 0),
                                                   sqlite3_column_int64 (stmt, 1),
                                                   _frag_history_column_text (stmt, 2),
                                                   sqlite3_column_int64 (stmt, 3)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read the execution results");
      return NULL;
    }

  /* Blob references are inflated once the result query is done with. */
  for (guint i = 0; i < rows->len; i++)
    {
      FragStoredResult *row = g_ptr_array_index (rows, i);
      g_autofree char *json = _frag_history_blobs_inflate_result (db, frag_stored_result_get_result_json (row),
                                                                  error);

      if (json == NULL)
        return NULL;
      g_ptr_array_add (results, frag_stored_result_new (frag_stored_result_get_id (row),
                                                        frag_stored_result_get_version_id (row),
                                                        json,
                                                        frag_stored_result_get_created (row)));
    }
  return g_steal_pointer (&results);
}

FragStoredConversation *
frag_history_db_load_conversation (FragHistoryDb  *db,
                                   gint64          conversation_id,
                                   GError        **error)
{
  g_autoptr(FragConversationInfo) info = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) results = NULL;
  FragStoredConversation *conversation = NULL;
  gboolean owned = FALSE;

  /* One read transaction, so the parts are one consistent snapshot even while another
   * process writes. */
  if (sqlite3_get_autocommit (db->handle))
    {
      if (!_frag_history_db_exec (db, "BEGIN", error))
        return NULL;
      owned = TRUE;
    }
  if ((info = _frag_history_db_load_conversation_info (db, conversation_id, error)) != NULL
      && (messages = load_messages (db, conversation_id, error)) != NULL
      && (versions = load_versions (db, conversation_id, error)) != NULL
      && (results = load_results (db, conversation_id, error)) != NULL)
    conversation = frag_stored_conversation_new (info, messages, versions, results);
  if (owned)
    sqlite3_exec (db->handle, "COMMIT", NULL, NULL, NULL);
  return conversation;
}

GPtrArray *
frag_history_db_list_conversations (FragHistoryDb  *db,
                                    guint           offset,
                                    guint           limit,
                                    GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT " CONVERSATION_COLUMNS " FROM conversations "
                                         "ORDER BY updated DESC, id DESC LIMIT ?1 OFFSET ?2", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  sqlite3_bind_int64 (stmt, 2, offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, conversation_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not list the conversations");
      return NULL;
    }
  return g_steal_pointer (&list);
}
