/* frag-history-store.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-history.h"

G_BEGIN_DECLS

/* FragHistory on SQLite: one connection, used by one worker thread that runs queued
 * jobs in order; every result comes back on the caller's thread-default main context.
 * Nothing here blocks the caller except closing, which waits for queued writes. */
#define FRAG_TYPE_HISTORY_STORE (frag_history_store_get_type ())

G_DECLARE_FINAL_TYPE (FragHistoryStore, frag_history_store, FRAG, HISTORY_STORE, GObject)

/* $XDG_DATA_HOME/fragment-studio/history.db */
char             *frag_history_store_dup_default_path (void);

/* Opens (creating if needed) the database at path (":memory:" for a private in-memory
 * one). See frag_history_store_get_open_notice() for a damaged file that was replaced.
 * Fails with FRAG_HISTORY_ERROR_TOO_NEW for a database of a newer version, _IO when
 * the file cannot be opened. */
void              frag_history_store_new_async        (const char           *path,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
FragHistoryStore *frag_history_store_new_finish       (GAsyncResult         *result,
                                                       GError              **error);
const char       *frag_history_store_get_path         (FragHistoryStore     *self);
/* FRAG_HISTORY_ERROR_CORRUPT when the database was damaged or not a database and was
 * moved aside (the message says where) so a new one could be started; NULL otherwise.
 * Show it to the user once. */
const GError     *frag_history_store_get_open_notice  (FragHistoryStore     *self);
/* Completes when every checkpoint and operation queued before it is written. */
void              frag_history_store_flush_async      (FragHistoryStore     *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean          frag_history_store_flush_finish     (FragHistoryStore     *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* Writes pending checkpoints and closes the database; later operations fail. Dropping
 * the last reference does the same, waiting for queued work. */
void              frag_history_store_close_async      (FragHistoryStore     *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean          frag_history_store_close_finish     (FragHistoryStore     *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
