/* frag-history-schema.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-schema"

#include "config.h"

#include "frag-errors.h"
#include "frag-history-index.h"
#include "frag-history-schema.h"

/* Forward migrations. Entry N takes a database from user_version N-1 to N; a new
 * schema change is a new entry at the end, never an edit of a shipped one. An entry
 * has SQL, and optionally a function that moves data the SQL cannot (it runs after the
 * SQL, in the same transaction). */
typedef gboolean (*MigrateFunc) (FragHistoryDb  *db,
                                 GError        **error);

typedef struct
{
  const char  *sql;
  MigrateFunc  func;
} Migration;

/* Version 1: conversations, messages with their image attachments, fragment versions,
 * execution results; images and other large binaries live once in blobs, keyed by their
 * SHA-256, and are referenced from attachments and results. */
static const char migration_1_sql[] =
  "CREATE TABLE conversations ("
  "  id              INTEGER PRIMARY KEY,"
  "  title           TEXT NOT NULL DEFAULT '',"
  "  model           TEXT,"
  "  template        TEXT,"
  "  sandbox_backend TEXT,"
  "  sandbox_id      TEXT,"
  "  created         INTEGER NOT NULL,"
  "  updated         INTEGER NOT NULL"
  ");"
  "CREATE INDEX conversations_by_updated ON conversations (updated DESC, id DESC);"
  "CREATE TABLE messages ("
  "  id              INTEGER PRIMARY KEY,"
  "  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),"
  "  state           TEXT NOT NULL"
  "                  CHECK (state IN ('complete', 'streaming', 'interrupted', 'error')),"
  "  text            TEXT NOT NULL DEFAULT '',"
  "  fragment        TEXT,"
  "  model           TEXT,"
  "  error_message   TEXT,"
  "  input_tokens    INTEGER,"
  "  output_tokens   INTEGER,"
  "  created         INTEGER NOT NULL,"
  "  updated         INTEGER NOT NULL"
  ");"
  "CREATE INDEX messages_by_conversation ON messages (conversation_id, id);"
  "CREATE INDEX messages_streaming ON messages (id) WHERE state = 'streaming';"
  "CREATE TABLE blobs ("
  "  id              INTEGER PRIMARY KEY,"
  "  sha256          TEXT NOT NULL UNIQUE,"
  "  mime_type       TEXT NOT NULL,"
  "  data            BLOB NOT NULL"
  ");"
  "CREATE TABLE message_attachments ("
  "  message_id      INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
  "  position        INTEGER NOT NULL,"
  "  blob_id         INTEGER NOT NULL REFERENCES blobs (id),"
  "  PRIMARY KEY (message_id, position)"
  ");"
  "CREATE INDEX message_attachments_by_blob ON message_attachments (blob_id);"
  "CREATE TABLE fragment_versions ("
  "  id              INTEGER PRIMARY KEY,"
  "  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  message_id      INTEGER REFERENCES messages (id) ON DELETE SET NULL,"
  "  parent_id       INTEGER REFERENCES fragment_versions (id) ON DELETE SET NULL,"
  "  origin          TEXT NOT NULL CHECK (origin IN ('model', 'user-edit')),"
  "  fragment        TEXT NOT NULL,"
  "  created         INTEGER NOT NULL"
  ");"
  "CREATE INDEX fragment_versions_by_conversation ON fragment_versions (conversation_id, id);"
  "CREATE INDEX fragment_versions_by_message ON fragment_versions (message_id);"
  "CREATE INDEX fragment_versions_by_parent ON fragment_versions (parent_id);"
  "CREATE TABLE execution_results ("
  "  id              INTEGER PRIMARY KEY,"
  "  version_id      INTEGER NOT NULL REFERENCES fragment_versions (id) ON DELETE CASCADE,"
  "  result          TEXT NOT NULL,"
  "  created         INTEGER NOT NULL"
  ");"
  "CREATE INDEX execution_results_by_version ON execution_results (version_id, id);"
  "CREATE TABLE result_blobs ("
  "  result_id       INTEGER NOT NULL REFERENCES execution_results (id) ON DELETE CASCADE,"
  "  blob_id         INTEGER NOT NULL REFERENCES blobs (id),"
  "  PRIMARY KEY (result_id, blob_id)"
  ");"
  "CREATE INDEX result_blobs_by_blob ON result_blobs (blob_id);";

/* Version 2: offline full-text search. One FTS5 table over conversation titles, message
 * text, fragment versions (title, then description and code) and text outputs, with
 * prefix indexes for search-as-you-type. Rows already stored are indexed by
 * backfill_search_index(). */
static const char migration_2_sql[] =
  "CREATE VIRTUAL TABLE search_index USING fts5 ("
  "  title,"
  "  body,"
  "  conversation_id UNINDEXED,"
  "  message_id UNINDEXED,"
  "  tokenize = 'unicode61 remove_diacritics 2',"
  "  prefix = '2 3'"
  ");";

static gboolean
backfill_search_index (FragHistoryDb  *db,
                       GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db, "SELECT id, title FROM conversations", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!_frag_history_index_conversation (db, sqlite3_column_int64 (stmt, 0),
                                             _frag_history_column_text (stmt, 1), error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    goto failed;

  if (!(stmt = _frag_history_db_prepare (db, "SELECT id, conversation_id, text FROM messages", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!_frag_history_index_message (db, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                                        _frag_history_column_text (stmt, 2), error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    goto failed;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT id, conversation_id, message_id, fragment "
                                         "FROM fragment_versions", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!_frag_history_index_version (db, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                                        sqlite3_column_int64 (stmt, 2), _frag_history_column_text (stmt, 3),
                                        error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    goto failed;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT r.id, v.conversation_id, v.message_id, r.result "
                                         "FROM execution_results r "
                                         "JOIN fragment_versions v ON v.id = r.version_id", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!_frag_history_index_result (db, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                                       sqlite3_column_int64 (stmt, 2), _frag_history_column_text (stmt, 3),
                                       error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    goto failed;

  return TRUE;

failed:
  _frag_history_db_set_error (db, rc, error, "Could not index the stored history");
  return FALSE;
}

static const Migration migrations[] = {
  { migration_1_sql, NULL },
  { migration_2_sql, backfill_search_index },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == FRAG_HISTORY_SCHEMA_VERSION);

int
frag_history_schema_get_version (FragHistoryDb  *db,
                                 GError        **error)
{
  sqlite3_stmt *stmt;
  int version;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db, "PRAGMA user_version", error)))
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _frag_history_db_set_error (db, rc, error, "Could not read the history's schema version");
      return -1;
    }
  version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return version;
}

gboolean
frag_history_schema_migrate (FragHistoryDb  *db,
                             int             target_version,
                             GError        **error)
{
  int version;

  g_return_val_if_fail (target_version >= 0 && target_version <= FRAG_HISTORY_SCHEMA_VERSION, FALSE);

  if ((version = frag_history_schema_get_version (db, error)) < 0)
    return FALSE;

  if (version > FRAG_HISTORY_SCHEMA_VERSION)
    {
      g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_TOO_NEW,
                   "The history database %s was written by a newer version of Fragment Studio "
                   "(schema %d; this version knows up to %d). Update Fragment Studio to open it; "
                   "it was left unchanged.",
                   db->path, version, FRAG_HISTORY_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < target_version; version++)
    {
      const Migration *migration = &migrations[version];
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      gboolean owned = FALSE;
      gboolean ok;

      if (!_frag_history_db_begin (db, &owned, error))
        return FALSE;
      ok = _frag_history_db_exec (db, migration->sql, error)
           && (migration->func == NULL || migration->func (db, error))
           && _frag_history_db_exec (db, set_version, error);
      if (!_frag_history_db_end (db, owned, ok, ok ? error : NULL))
        {
          g_prefix_error (error, "Could not upgrade the history to schema %d: ", version + 1);
          return FALSE;
        }
      g_debug ("History schema upgraded to version %d", version + 1);
    }

  return TRUE;
}
