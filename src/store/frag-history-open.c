/* frag-history-open.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-open"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "frag-errors.h"
#include "frag-history-db-private.h"
#include "frag-history-schema.h"

/* Opening the history: health check, moving a damaged file aside, pragmas, migrations
 * and crash recovery. */

#define BUSY_TIMEOUT_MS 5000

static gboolean
is_memory_path (const char *path)
{
  return g_strcmp0 (path, ":memory:") == 0;
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static FragHistoryDb *
db_new (const char  *path,
        GError     **error)
{
  g_autofree char *folder = NULL;
  FragHistoryDb *db;
  int rc;

  if (!is_memory_path (path))
    {
      folder = g_path_get_dirname (path);
      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_IO,
                       "Could not create the folder for the history %s: %s", folder, g_strerror (saved_errno));
          return NULL;
        }
    }

  db = g_new0 (FragHistoryDb, 1);
  db->path = g_strdup (path);
  db->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
  /* NOMUTEX: one thread uses the connection at a time (the store's worker). */
  rc = sqlite3_open_v2 (path, &db->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _frag_history_db_set_error (db, rc, error, "Could not open the history");
      g_prefix_error (error, "%s: ", path);
      frag_history_db_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, TRUE);
  sqlite3_busy_timeout (db->handle, BUSY_TIMEOUT_MS);
  return db;
}

void
frag_history_db_close (FragHistoryDb *db)
{
  if (db == NULL)
    return;
  /* Statements first: sqlite3_close() refuses a connection that still has some. */
  g_clear_pointer (&db->statements, g_hash_table_unref);
  if (db->handle != NULL)
    sqlite3_close (db->handle);
  g_free (db->path);
  g_free (db);
}

/* PRAGMA quick_check. FALSE with *reason when the file is damaged or not a database;
 * FALSE with error for anything else (which is not a reason to move the file). */
static gboolean
check_health (FragHistoryDb  *db,
              char          **reason,
              GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA quick_check", -1, &stmt, NULL);
  while (stmt != NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *)sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") == 0)
        continue;
      /* Keep the notice readable: the first few problems tell the story. */
      if (problems->len < 200)
        g_string_append_printf (problems, "%s%s", problems->len > 0 ? "; " : "", line);
    }

  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    {
      int primary = rc & 0xff;

      if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
        {
          *reason = g_strdup (sqlite3_errmsg (db->handle));
          sqlite3_finalize (stmt);
          return FALSE;
        }
      _frag_history_db_set_error (db, rc, error, "Could not check the history");
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);

  if (problems->len > 0)
    {
      *reason = g_strdup (problems->str);
      return FALSE;
    }
  return TRUE;
}

/* Renames path (and its -wal and -shm) to path.corrupt-YYYYMMDD-HHMMSS, adding -N when
 * that name is taken. Returns the new name of the database file. */
static char *
move_aside (const char  *path,
            GError     **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.corrupt-%s", path, stamp);

  for (guint n = 2; g_file_test (target, G_FILE_TEST_EXISTS); n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, n);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_IO,
                       "The history %s is damaged and could not be moved aside: %s",
                       path, g_strerror (saved_errno));
          return NULL;
        }
    }
  return g_steal_pointer (&target);
}

static gboolean
configure (FragHistoryDb  *db,
           GError        **error)
{
  /* WAL: readers (the CLI) never block the writer. synchronous=NORMAL in WAL mode loses
   * no committed transaction when the app crashes or is killed, only on power loss,
   * and keeps a checkpoint commit free of fsync. */
  return _frag_history_db_exec (db,
                                "PRAGMA journal_mode = WAL;"
                                "PRAGMA synchronous = NORMAL;"
                                "PRAGMA foreign_keys = ON;",
                                error);
}

FragHistoryDb *
frag_history_db_open (const char  *path,
                      GError     **notice,
                      GError     **error)
{
  g_autofree char *reason = NULL;
  g_autofree char *moved_to = NULL;
  GError *local_error = NULL;
  FragHistoryDb *db;

  g_return_val_if_fail (path != NULL, NULL);

  if ((db = db_new (path, error)) == NULL)
    return NULL;

  if (!is_memory_path (path) && !check_health (db, &reason, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          frag_history_db_close (db);
          return NULL;
        }

      /* Damaged or not a database: keep it for the user (or a recovery tool) and start
       * over, rather than refusing to work or silently overwriting it. */
      frag_history_db_close (db);
      g_message ("The history %s is damaged (%s); moving it aside", path, reason);
      if ((moved_to = move_aside (path, error)) == NULL)
        return NULL;
      if ((db = db_new (path, error)) == NULL)
        return NULL;
      g_set_error (notice, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_CORRUPT,
                   "The history database was damaged (%s). It was kept as %s and a new, empty "
                   "history was started.", reason, moved_to);
    }

  if (!frag_history_schema_migrate (db, FRAG_HISTORY_SCHEMA_VERSION, error)
      || !configure (db, error))
    {
      frag_history_db_close (db);
      return NULL;
    }

  /* Only now, after a crash: a message that was streaming when the app died keeps its
   * text and partial fragment, and says it was interrupted. */
  if (frag_history_db_interrupt_streaming (db, g_get_real_time (), &local_error) == 0 && local_error != NULL)
    {
      g_propagate_error (error, local_error);
      frag_history_db_close (db);
      return NULL;
    }

  return db;
}

FragHistoryDb *
frag_history_db_open_at_version (const char  *path,
                                 int          target_version,
                                 GError     **error)
{
  FragHistoryDb *db;

  g_return_val_if_fail (path != NULL, NULL);

  if ((db = db_new (path, error)) == NULL)
    return NULL;
  if (!frag_history_schema_migrate (db, target_version, error) || !configure (db, error))
    {
      frag_history_db_close (db);
      return NULL;
    }
  return db;
}
