/* frag-history-db-private.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "frag-history-db.h"

G_BEGIN_DECLS

/* One SQLite connection and its prepared statements. Used by one thread at a time:
 * FragHistoryStore's worker, or a tool (the benchmark) that owns it outright. */
struct _FragHistoryDb
{
  sqlite3    *handle;
  char       *path;
  /* SQL text (static strings) -> sqlite3_stmt, prepared once, reset on each use. */
  GHashTable *statements;
};

/* A cached statement for sql (a string literal: the cache keys on its address),
 * reset and with its bindings cleared, or NULL with error set. Never finalize it. */
sqlite3_stmt *_frag_history_db_prepare   (FragHistoryDb  *db,
                                          const char     *sql,
                                          GError        **error);
/* Runs one or more statements that take no parameters (schema, pragmas). */
gboolean      _frag_history_db_exec      (FragHistoryDb  *db,
                                          const char     *sql,
                                          GError        **error);
/* Steps a write statement to completion. */
gboolean      _frag_history_db_step_done (FragHistoryDb  *db,
                                          sqlite3_stmt   *stmt,
                                          GError        **error);
/* Sets error from the connection's last error: FRAG_HISTORY_ERROR_CORRUPT for
 * SQLITE_CORRUPT/NOTADB, _IO for I/O, full disk and permissions, _FAILED otherwise. */
void          _frag_history_db_set_error (FragHistoryDb  *db,
                                          int             rc,
                                          GError        **error,
                                          const char     *what);
/* BEGIN IMMEDIATE when no transaction is open (*owned = TRUE); inside the caller's
 * own transaction (the benchmark's bulk load) it does nothing. */
gboolean      _frag_history_db_begin     (FragHistoryDb  *db,
                                          gboolean       *owned,
                                          GError        **error);
/* COMMIT when ok, else ROLLBACK; only for a transaction this call's begin owned.
 * Returns ok && the commit succeeded. */
gboolean      _frag_history_db_end       (FragHistoryDb  *db,
                                          gboolean        owned,
                                          gboolean        ok,
                                          GError        **error);
/* Binds UTF-8 text, or NULL. */
void          _frag_history_bind_text    (sqlite3_stmt   *stmt,
                                          int             index,
                                          const char     *text);
/* A column's text (NULL for SQL NULL), borrowed until the next step. */
const char   *_frag_history_column_text  (sqlite3_stmt   *stmt,
                                          int             column);
/* Always FALSE, with FRAG_HISTORY_ERROR_NOT_FOUND naming what and id. */
gboolean      _frag_history_db_set_not_found (GError    **error,
                                              const char *what,
                                              gint64      id);
/* frag-history-db-read.c: one conversation's row, shared with the search. */
FragConversationInfo *_frag_history_db_load_conversation_info (FragHistoryDb  *db,
                                                               gint64          conversation_id,
                                                               GError        **error);

G_END_DECLS
