/* frag-history-db.c
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
#include "frag-history-index.h"
#include "frag-history-schema.h"

/* Helpers shared by the store's files */

void
_frag_history_db_set_error (FragHistoryDb  *db,
                            int             rc,
                            GError        **error,
                            const char     *what)
{
  int code;

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = FRAG_HISTORY_ERROR_CORRUPT;
      break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = FRAG_HISTORY_ERROR_IO;
      break;
    default:
      code = FRAG_HISTORY_ERROR_FAILED;
    }
  g_set_error (error, FRAG_HISTORY_ERROR, code, "%s: %s", what,
               db != NULL && db->handle != NULL ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc));
}

sqlite3_stmt *
_frag_history_db_prepare (FragHistoryDb  *db,
                          const char     *sql,
                          GError        **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _frag_history_db_set_error (db, rc, error, "Could not query the history");
      return NULL;
    }
  g_hash_table_insert (db->statements, (gpointer)sql, stmt);
  return stmt;
}

gboolean
_frag_history_db_exec (FragHistoryDb  *db,
                       const char     *sql,
                       GError        **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _frag_history_db_set_error (db, rc, error, "Could not update the history");
      return FALSE;
    }
  return TRUE;
}

gboolean
_frag_history_db_step_done (FragHistoryDb  *db,
                            sqlite3_stmt   *stmt,
                            GError        **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _frag_history_db_set_error (db, rc, error, "Could not write to the history");
      sqlite3_reset (stmt);
      return FALSE;
    }
  /* Reset now so the statement holds no read lock until its next use. */
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
_frag_history_db_begin (FragHistoryDb  *db,
                        gboolean       *owned,
                        GError        **error)
{
  *owned = FALSE;
  if (!sqlite3_get_autocommit (db->handle))
    return TRUE;
  /* IMMEDIATE takes the write lock up front, so another process (the frag CLI while the
   * app runs) makes us wait through busy_timeout instead of failing mid-transaction. */
  if (!_frag_history_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  *owned = TRUE;
  return TRUE;
}

gboolean
_frag_history_db_end (FragHistoryDb  *db,
                      gboolean        owned,
                      gboolean        ok,
                      GError        **error)
{
  if (!owned)
    return ok;
  if (ok)
    {
      if (_frag_history_db_exec (db, "COMMIT", error))
        return TRUE;
    }
  /* Best effort: the error that made us roll back is the one to report. */
  sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

void
_frag_history_bind_text (sqlite3_stmt *stmt,
                         int           index,
                         const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

const char *
_frag_history_column_text (sqlite3_stmt *stmt,
                           int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

const char *
frag_history_db_get_path (FragHistoryDb *db)
{
  g_return_val_if_fail (db != NULL, NULL);
  return db->path;
}

gboolean
frag_history_db_begin (FragHistoryDb  *db,
                       GError        **error)
{
  return _frag_history_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
frag_history_db_commit (FragHistoryDb  *db,
                        GError        **error)
{
  return _frag_history_db_exec (db, "COMMIT", error);
}

gboolean
_frag_history_db_set_not_found (GError     **error,
                                const char  *what,
                                gint64       id)
{
  g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND,
               "No %s with id %" G_GINT64_FORMAT " in the history", what, id);
  return FALSE;
}

/* Every write to a conversation moves it to the top of the list. */
static gboolean
touch_conversation (FragHistoryDb  *db,
                    gint64          conversation_id,
                    gint64          now,
                    GError        **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = _frag_history_db_prepare (db, "UPDATE conversations SET updated = ?2 WHERE id = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!_frag_history_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) == 0)
    return _frag_history_db_set_not_found (error, "conversation", conversation_id);
  return TRUE;
}

guint
frag_history_db_interrupt_streaming (FragHistoryDb  *db,
                                     gint64          now,
                                     GError        **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "UPDATE messages SET state = 'interrupted', updated = ?1 "
                                         "WHERE state = 'streaming'", error)))
    return 0;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!_frag_history_db_step_done (db, stmt, error))
    return 0;
  return (guint)sqlite3_changes (db->handle);
}

gint64
frag_history_db_create_conversation (FragHistoryDb  *db,
                                     const char     *title,
                                     const char     *model,
                                     const char     *template_id,
                                     gint64          now,
                                     GError        **error)
{
  sqlite3_stmt *stmt;
  gboolean owned;
  gboolean ok;
  gint64 id = 0;

  if (!_frag_history_db_begin (db, &owned, error))
    return 0;
  ok = (stmt = _frag_history_db_prepare (db,
                                         "INSERT INTO conversations (title, model, template, created, updated) "
                                         "VALUES (?1, ?2, ?3, ?4, ?4)", error)) != NULL;
  if (ok)
    {
      _frag_history_bind_text (stmt, 1, title != NULL ? title : "");
      _frag_history_bind_text (stmt, 2, model);
      _frag_history_bind_text (stmt, 3, template_id);
      sqlite3_bind_int64 (stmt, 4, now);
      ok = _frag_history_db_step_done (db, stmt, error);
    }
  if (ok)
    {
      id = sqlite3_last_insert_rowid (db->handle);
      ok = _frag_history_index_conversation (db, id, title, error);
    }
  if (!_frag_history_db_end (db, owned, ok, error))
    return 0;
  return id;
}

static gboolean
insert_attachments (FragHistoryDb  *db,
                    gint64          message_id,
                    GPtrArray      *attachments,
                    GError        **error)
{
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      FragAttachment *attachment = g_ptr_array_index (attachments, i);
      sqlite3_stmt *stmt;
      gint64 blob_id;

      if ((blob_id = _frag_history_blobs_put (db, attachment->mime_type, attachment->data, error)) == 0)
        return FALSE;
      if (!(stmt = _frag_history_db_prepare (db,
                                             "INSERT INTO message_attachments (message_id, position, blob_id) "
                                             "VALUES (?1, ?2, ?3)", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_id);
      sqlite3_bind_int (stmt, 2, (int)i);
      sqlite3_bind_int64 (stmt, 3, blob_id);
      if (!_frag_history_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gint64
frag_history_db_append_message (FragHistoryDb     *db,
                                gint64             conversation_id,
                                FragMessageRole    role,
                                FragMessageState   state,
                                const char        *text,
                                const char        *model,
                                GPtrArray         *attachments,
                                gint64             now,
                                GError           **error)
{
  sqlite3_stmt *stmt;
  gboolean owned;
  gboolean ok;
  gint64 id = 0;

  if (!_frag_history_db_begin (db, &owned, error))
    return 0;
  ok = touch_conversation (db, conversation_id, now, error)
       && (stmt = _frag_history_db_prepare (db,
                                            "INSERT INTO messages (conversation_id, role, state, text, model, "
                                            "                      created, updated) "
                                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, conversation_id);
      _frag_history_bind_text (stmt, 2, frag_message_role_to_string (role));
      _frag_history_bind_text (stmt, 3, frag_message_state_to_string (state));
      _frag_history_bind_text (stmt, 4, text != NULL ? text : "");
      _frag_history_bind_text (stmt, 5, model);
      sqlite3_bind_int64 (stmt, 6, now);
      ok = _frag_history_db_step_done (db, stmt, error);
    }
  if (ok)
    {
      id = sqlite3_last_insert_rowid (db->handle);
      ok = insert_attachments (db, id, attachments, error)
           && _frag_history_index_message (db, id, conversation_id, text, error);
    }
  if (!_frag_history_db_end (db, owned, ok, error))
    return 0;
  return id;
}

/* The conversation of a message, or 0 with NOT_FOUND. */
static gint64
message_conversation (FragHistoryDb  *db,
                      gint64          message_id,
                      GError        **error)
{
  sqlite3_stmt *stmt;
  gint64 conversation_id;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db, "SELECT conversation_id FROM messages WHERE id = ?1", error)))
    return 0;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      _frag_history_db_set_not_found (error, "message", message_id);
      return 0;
    }
  if (rc != SQLITE_ROW)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read a message");
      return 0;
    }
  conversation_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return conversation_id;
}

gboolean
frag_history_db_checkpoint_message (FragHistoryDb  *db,
                                    gint64          message_id,
                                    const char     *text,
                                    const char     *fragment_json,
                                    gint64          now,
                                    GError        **error)
{
  sqlite3_stmt *stmt;
  gint64 conversation_id = 0;
  gboolean owned;
  gboolean ok;
  gboolean updated = FALSE;

  if (!_frag_history_db_begin (db, &owned, error))
    return FALSE;
  ok = (stmt = _frag_history_db_prepare (db,
                                         "UPDATE messages SET text = ?2, fragment = ?3, updated = ?4 "
                                         "WHERE id = ?1 AND state = 'streaming' "
                                         "RETURNING conversation_id", error)) != NULL;
  if (ok)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, message_id);
      _frag_history_bind_text (stmt, 2, text != NULL ? text : "");
      _frag_history_bind_text (stmt, 3, fragment_json);
      sqlite3_bind_int64 (stmt, 4, now);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          conversation_id = sqlite3_column_int64 (stmt, 0);
          updated = TRUE;
          rc = sqlite3_step (stmt);
        }
      if (rc != SQLITE_DONE)
        {
          _frag_history_db_set_error (db, rc, error, "Could not save the streaming message");
          ok = FALSE;
        }
      sqlite3_reset (stmt);
    }
  if (ok && updated)
    ok = _frag_history_index_message (db, message_id, conversation_id, text, error);
  if (!_frag_history_db_end (db, owned, ok, error))
    return FALSE;
  return updated;
}

gboolean
frag_history_db_finish_message (FragHistoryDb     *db,
                                gint64             message_id,
                                FragMessageState   state,
                                const char        *text,
                                const char        *fragment_json,
                                const char        *error_message,
                                FragTokenUsage     usage,
                                gint64             now,
                                GError           **error)
{
  sqlite3_stmt *stmt;
  gint64 conversation_id;
  gboolean owned;
  gboolean ok;

  if (!_frag_history_db_begin (db, &owned, error))
    return FALSE;
  ok = (conversation_id = message_conversation (db, message_id, error)) != 0
       && (stmt = _frag_history_db_prepare (db,
                                            "UPDATE messages SET state = ?2, text = coalesce (?3, text), "
                                            "  fragment = coalesce (?4, fragment), error_message = ?5, "
                                            "  input_tokens = ?6, output_tokens = ?7, updated = ?8 "
                                            "WHERE id = ?1 RETURNING text", error)) != NULL;
  if (ok)
    {
      g_autofree char *final_text = NULL;
      int rc;

      sqlite3_bind_int64 (stmt, 1, message_id);
      _frag_history_bind_text (stmt, 2, frag_message_state_to_string (state));
      _frag_history_bind_text (stmt, 3, text);
      _frag_history_bind_text (stmt, 4, fragment_json);
      _frag_history_bind_text (stmt, 5, error_message);
      if (usage.input_tokens >= 0)
        sqlite3_bind_int64 (stmt, 6, usage.input_tokens);
      if (usage.output_tokens >= 0)
        sqlite3_bind_int64 (stmt, 7, usage.output_tokens);
      sqlite3_bind_int64 (stmt, 8, now);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          final_text = g_strdup (_frag_history_column_text (stmt, 0));
          rc = sqlite3_step (stmt);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          _frag_history_db_set_error (db, rc, error, "Could not save the message");
          ok = FALSE;
        }
      ok = ok
           && _frag_history_index_message (db, message_id, conversation_id, final_text, error)
           && touch_conversation (db, conversation_id, now, error);
    }
  return _frag_history_db_end (db, owned, ok, error);
}

gint64
frag_history_db_add_version (FragHistoryDb      *db,
                             gint64              conversation_id,
                             gint64              message_id,
                             gint64              parent_id,
                             FragVersionOrigin   origin,
                             const char         *fragment_json,
                             gint64              now,
                             GError            **error)
{
  sqlite3_stmt *stmt;
  gboolean owned;
  gboolean ok;
  gint64 id = 0;

  if (!_frag_history_db_begin (db, &owned, error))
    return 0;
  ok = touch_conversation (db, conversation_id, now, error)
       && (stmt = _frag_history_db_prepare (db,
                                            "INSERT INTO fragment_versions (conversation_id, message_id, parent_id, "
                                            "                               origin, fragment, created) "
                                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, conversation_id);
      if (message_id > 0)
        sqlite3_bind_int64 (stmt, 2, message_id);
      if (parent_id > 0)
        sqlite3_bind_int64 (stmt, 3, parent_id);
      _frag_history_bind_text (stmt, 4, frag_version_origin_to_string (origin));
      _frag_history_bind_text (stmt, 5, fragment_json != NULL ? fragment_json : "{}");
      sqlite3_bind_int64 (stmt, 6, now);
      ok = _frag_history_db_step_done (db, stmt, error);
      /* A message or parent id that does not exist fails the foreign key. */
      if (!ok && sqlite3_extended_errcode (db->handle) == SQLITE_CONSTRAINT_FOREIGNKEY)
        {
          g_clear_error (error);
          g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND,
                       "The message or parent version of this fragment is not in the history");
        }
    }
  if (ok)
    {
      id = sqlite3_last_insert_rowid (db->handle);
      ok = _frag_history_index_version (db, id, conversation_id, message_id, fragment_json, error);
    }
  if (!_frag_history_db_end (db, owned, ok, error))
    return 0;
  return id;
}

gint64
frag_history_db_add_result (FragHistoryDb  *db,
                            gint64          version_id,
                            const char     *result_json,
                            gint64          now,
                            GError        **error)
{
  g_autoptr(GArray) blob_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *stored = NULL;
  sqlite3_stmt *stmt;
  gint64 conversation_id = 0;
  gint64 message_id = 0;
  gboolean owned;
  gboolean ok;
  gint64 id = 0;
  int rc;

  if (!_frag_history_db_begin (db, &owned, error))
    return 0;

  ok = (stmt = _frag_history_db_prepare (db,
                                         "SELECT conversation_id, coalesce (message_id, 0) "
                                         "FROM fragment_versions WHERE id = ?1", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, version_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          conversation_id = sqlite3_column_int64 (stmt, 0);
          message_id = sqlite3_column_int64 (stmt, 1);
        }
      else if (rc == SQLITE_DONE)
        ok = _frag_history_db_set_not_found (error, "fragment version", version_id);
      else
        {
          _frag_history_db_set_error (db, rc, error, "Could not read a fragment version");
          ok = FALSE;
        }
      sqlite3_reset (stmt);
    }

  ok = ok
       && (stored = _frag_history_blobs_deflate_result (db, result_json, blob_ids, error)) != NULL
       && touch_conversation (db, conversation_id, now, error)
       && (stmt = _frag_history_db_prepare (db,
                                            "INSERT INTO execution_results (version_id, result, created) "
                                            "VALUES (?1, ?2, ?3)", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, version_id);
      _frag_history_bind_text (stmt, 2, stored);
      sqlite3_bind_int64 (stmt, 3, now);
      ok = _frag_history_db_step_done (db, stmt, error);
    }
  if (ok)
    id = sqlite3_last_insert_rowid (db->handle);
  for (guint i = 0; ok && i < blob_ids->len; i++)
    {
      ok = (stmt = _frag_history_db_prepare (db,
                                             "INSERT OR IGNORE INTO result_blobs (result_id, blob_id) "
                                             "VALUES (?1, ?2)", error)) != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, id);
          sqlite3_bind_int64 (stmt, 2, g_array_index (blob_ids, gint64, i));
          ok = _frag_history_db_step_done (db, stmt, error);
        }
    }
  ok = ok && _frag_history_index_result (db, id, conversation_id, message_id, result_json, error);
  if (!_frag_history_db_end (db, owned, ok, error))
    return 0;
  return id;
}

gboolean
frag_history_db_set_sandbox (FragHistoryDb  *db,
                             gint64          conversation_id,
                             const char     *backend,
                             const char     *sandbox_id,
                             gint64          now,
                             GError        **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "UPDATE conversations SET sandbox_backend = ?2, sandbox_id = ?3, "
                                         "  updated = ?4 WHERE id = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  _frag_history_bind_text (stmt, 2, backend);
  _frag_history_bind_text (stmt, 3, sandbox_id);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!_frag_history_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) == 0)
    return _frag_history_db_set_not_found (error, "conversation", conversation_id);
  return TRUE;
}

gboolean
frag_history_db_rename_conversation (FragHistoryDb  *db,
                                     gint64          conversation_id,
                                     const char     *title,
                                     gint64          now,
                                     GError        **error)
{
  sqlite3_stmt *stmt;
  gboolean owned;
  gboolean ok;

  if (!_frag_history_db_begin (db, &owned, error))
    return FALSE;
  ok = (stmt = _frag_history_db_prepare (db,
                                         "UPDATE conversations SET title = ?2, updated = ?3 WHERE id = ?1",
                                         error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, conversation_id);
      _frag_history_bind_text (stmt, 2, title != NULL ? title : "");
      sqlite3_bind_int64 (stmt, 3, now);
      ok = _frag_history_db_step_done (db, stmt, error);
    }
  if (ok && sqlite3_changes (db->handle) == 0)
    ok = _frag_history_db_set_not_found (error, "conversation", conversation_id);
  ok = ok && _frag_history_index_conversation (db, conversation_id, title, error);
  return _frag_history_db_end (db, owned, ok, error);
}

gboolean
frag_history_db_delete_conversation (FragHistoryDb  *db,
                                     gint64          conversation_id,
                                     GError        **error)
{
  sqlite3_stmt *stmt;
  gboolean owned;
  gboolean ok;

  if (!_frag_history_db_begin (db, &owned, error))
    return FALSE;
  ok = _frag_history_index_remove_conversation (db, conversation_id, error)
       && (stmt = _frag_history_db_prepare (db, "DELETE FROM conversations WHERE id = ?1", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, conversation_id);
      ok = _frag_history_db_step_done (db, stmt, error);
    }
  if (ok && sqlite3_changes (db->handle) == 0)
    ok = _frag_history_db_set_not_found (error, "conversation", conversation_id);
  /* Messages, versions, results and their blob links go by ON DELETE CASCADE; the
   * blobs nothing links to any more go here. */
  ok = ok && _frag_history_blobs_collect (db, error);
  return _frag_history_db_end (db, owned, ok, error);
}

/* Deleting the end of a conversation */

/* Runs a query with as many int64 parameters (?1, ?2, ?3) as it takes of first, second
 * and third, and appends its first column, row by row, to ids. */
static gboolean
collect_ids (FragHistoryDb  *db,
             const char     *sql,
             gint64          first,
             gint64          second,
             gint64          third,
             GArray         *ids,
             GError        **error)
{
  const gint64 params[] = { first, second, third };
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db, sql, error)))
    return FALSE;
  for (int i = 0; i < (int)G_N_ELEMENTS (params) && i < sqlite3_bind_parameter_count (stmt); i++)
    sqlite3_bind_int64 (stmt, i + 1, params[i]);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read the messages to delete");
      return FALSE;
    }
  return TRUE;
}

/* Runs a write statement once for each id, bound as ?1. */
static gboolean
step_for_each_id (FragHistoryDb  *db,
                  const char     *sql,
                  GArray         *ids,
                  GError        **error)
{
  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_stmt *stmt;

      if (!(stmt = _frag_history_db_prepare (db, sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      if (!_frag_history_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Drops the search entries of rows of one kind (they are keyed by the row's id). */
static gboolean
unindex_rows (FragHistoryDb     *db,
              FragSearchSource   source,
              GArray            *ids,
              GError           **error)
{
  g_autoptr(GArray) rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ids->len);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 rowid = FRAG_SEARCH_ROWID (g_array_index (ids, gint64, i), source);

      g_array_append_val (rowids, rowid);
    }
  return step_for_each_id (db, "DELETE FROM search_index WHERE rowid = ?1", rowids, error);
}

/* When message_id of conversation_id was stored, or FALSE with NOT_FOUND. */
static gboolean
message_created (FragHistoryDb  *db,
                 gint64          conversation_id,
                 gint64          message_id,
                 gint64         *created,
                 GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT created FROM messages WHERE id = ?1 AND conversation_id = ?2",
                                         error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, conversation_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *created = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND,
                   "No message with id %" G_GINT64_FORMAT " in conversation %" G_GINT64_FORMAT
                   " of the history", message_id, conversation_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read a message");
      return FALSE;
    }
  return TRUE;
}

gboolean
frag_history_db_delete_messages_from (FragHistoryDb  *db,
                                      gint64          conversation_id,
                                      gint64          message_id,
                                      gint64          now,
                                      GError        **error)
{
  g_autoptr(GArray) messages = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) versions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) results = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  gint64 since = 0;
  gboolean owned;
  gboolean ok;

  if (!_frag_history_db_begin (db, &owned, error))
    return FALSE;

  /* Messages are ordered by id, so "later" is a larger id. A version goes with the
   * message it came from. A user edit has no message: it goes when it was made after
   * the first deleted message (the store is its only writer, so its times follow the
   * order of the writes), or when it was edited from a version that goes, so an edit of
   * an undone answer goes even if the clock stepped back. Everything is read before
   * anything is deleted: the index entries are keyed by the ids of rows still there. */
  ok = message_created (db, conversation_id, message_id, &since, error)
       && collect_ids (db,
                       "SELECT id FROM messages WHERE conversation_id = ?1 AND id >= ?2 ORDER BY id",
                       conversation_id, message_id, 0, messages, error)
       && collect_ids (db,
                       "WITH RECURSIVE doomed (id) AS ("
                       "  SELECT id FROM fragment_versions WHERE conversation_id = ?1"
                       "    AND (message_id >= ?2 OR (message_id IS NULL AND created >= ?3))"
                       "  UNION"
                       "  SELECT v.id FROM fragment_versions v JOIN doomed d ON v.parent_id = d.id"
                       ") SELECT id FROM doomed ORDER BY id",
                       conversation_id, message_id, since, versions, error);
  for (guint i = 0; ok && i < versions->len; i++)
    ok = collect_ids (db, "SELECT id FROM execution_results WHERE version_id = ?1 ORDER BY id",
                      g_array_index (versions, gint64, i), 0, 0, results, error);

  ok = ok
       && unindex_rows (db, FRAG_SEARCH_SOURCE_RESULT, results, error)
       && unindex_rows (db, FRAG_SEARCH_SOURCE_VERSION, versions, error)
       && unindex_rows (db, FRAG_SEARCH_SOURCE_MESSAGE, messages, error)
       /* Results, their blob links and the messages' attachments go by ON DELETE CASCADE. */
       && step_for_each_id (db, "DELETE FROM fragment_versions WHERE id = ?1", versions, error)
       && (stmt = _frag_history_db_prepare (db,
                                            "DELETE FROM messages WHERE conversation_id = ?1 AND id >= ?2",
                                            error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, conversation_id);
      sqlite3_bind_int64 (stmt, 2, message_id);
      ok = _frag_history_db_step_done (db, stmt, error);
    }
  ok = ok
       && touch_conversation (db, conversation_id, now, error)
       && _frag_history_blobs_collect (db, error);
  return _frag_history_db_end (db, owned, ok, error);
}
