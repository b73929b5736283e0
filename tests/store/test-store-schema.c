/* test-store-schema.c: migrations, crash recovery at open, damaged and foreign files.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "frag-history-db-private.h"
#include "frag-history-schema.h"
#include "store-test-util.h"

/* What a build at each schema version could have written, in that version's tables. */
static void
write_version_1_rows (FragHistoryDb *db)
{
  g_autoptr(GError) error = NULL;

  _frag_history_db_exec (db,
                         "INSERT INTO conversations (id, title, model, template, created, updated) "
                         "  VALUES (7, 'Pelican facts', 'gpt-4o', 'code-interpreter-v1', 1, 2);"
                         "INSERT INTO messages (id, conversation_id, role, state, text, created, updated) "
                         "  VALUES (11, 7, 'user', 'complete', 'Tell me about pelicans', 1, 1);"
                         "INSERT INTO messages (id, conversation_id, role, state, text, fragment, created, updated) "
                         "  VALUES (12, 7, 'assistant', 'streaming', 'Pelicans are large water birds', "
                         "          '{\"title\":\"Zebra plot\",\"code\":\"print(42)\"}', 2, 2);"
                         "INSERT INTO fragment_versions (id, conversation_id, message_id, origin, fragment, created) "
                         "  VALUES (21, 7, 12, 'model', '{\"title\":\"Zebra plot\",\"code\":\"print(42)\"}', 2);"
                         "INSERT INTO execution_results (id, version_id, result, created) "
                         "  VALUES (31, 21, '{\"stdout\":[\"giraffe 42\\n\"],\"results\":[]}', 2);",
                         &error);
  g_assert_no_error (error);
}

static void
assert_found (FragHistoryDb *db,
              const char    *query,
              gint64         conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = frag_history_db_search (db, query, 0, 10, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (frag_conversation_info_get_id (frag_search_hit_get_conversation (g_ptr_array_index (hits, 0))),
                   ==, conversation_id);
}

static void
test_migrate_from_every_version (void)
{
  for (int version = 0; version < FRAG_HISTORY_SCHEMA_VERSION; version++)
    {
      g_autofree char *dir = store_test_make_dir ();
      g_autofree char *path = g_build_filename (dir, "history.db", NULL);
      g_autoptr(GError) error = NULL;
      FragHistoryDb *db;

      g_test_message ("from schema %d", version);
      db = frag_history_db_open_at_version (path, version, &error);
      g_assert_no_error (error);
      g_assert_cmpint (frag_history_schema_get_version (db, NULL), ==, version);
      if (version >= 1)
        write_version_1_rows (db);
      frag_history_db_close (db);

      db = frag_history_db_open (path, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (frag_history_schema_get_version (db, NULL), ==, FRAG_HISTORY_SCHEMA_VERSION);

      if (version >= 1)
        {
          g_autoptr(FragStoredConversation) conversation = frag_history_db_load_conversation (db, 7, &error);
          FragStoredMessage *message;

          g_assert_no_error (error);
          g_assert_cmpuint (frag_stored_conversation_get_messages (conversation)->len, ==, 2);
          message = g_ptr_array_index (frag_stored_conversation_get_messages (conversation), 1);
          g_assert_cmpstr (frag_stored_message_get_text (message), ==, "Pelicans are large water birds");
          /* Rows written before the search index existed are searchable after the upgrade. */
          assert_found (db, "pelicans", 7);
          assert_found (db, "zebra", 7);
          assert_found (db, "giraffe", 7);
        }
      /* And the upgraded database takes new writes. */
      g_assert_cmpint (frag_history_db_create_conversation (db, "after", NULL, NULL, 3, &error), >, 0);
      g_assert_no_error (error);
      frag_history_db_close (db);
      store_test_rm_rf (dir);
    }
}

static void
test_streaming_becomes_interrupted (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) conversation = NULL;
  FragStoredMessage *message;
  FragHistoryDb *db;
  gint64 id, message_id;

  db = frag_history_db_open (path, NULL, &error);
  g_assert_no_error (error);
  id = frag_history_db_create_conversation (db, "crash", NULL, NULL, 1, &error);
  message_id = frag_history_db_append_message (db, id, FRAG_MESSAGE_ROLE_ASSISTANT, FRAG_MESSAGE_STATE_STREAMING,
                                               "", NULL, NULL, 1, &error);
  g_assert_true (frag_history_db_checkpoint_message (db, message_id, "partial answer", "{\"title\":\"Half",
                                                     2, &error));
  g_assert_no_error (error);
  frag_history_db_close (db);

  db = frag_history_db_open (path, NULL, &error);
  g_assert_no_error (error);
  conversation = frag_history_db_load_conversation (db, id, &error);
  g_assert_no_error (error);
  message = g_ptr_array_index (frag_stored_conversation_get_messages (conversation), 0);
  g_assert_cmpint (frag_stored_message_get_state (message), ==, FRAG_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpstr (frag_stored_message_get_text (message), ==, "partial answer");
  g_assert_cmpstr (frag_stored_message_get_fragment_json (message), ==, "{\"title\":\"Half");
  frag_history_db_close (db);
  store_test_rm_rf (dir);
}

/* The one file in dir whose name starts with "history.db.corrupt-" (and has no -wal/-shm). */
static char *
find_moved_aside (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      if (g_str_has_prefix (name, "history.db.corrupt-") && !g_str_has_suffix (name, "-wal")
          && !g_str_has_suffix (name, "-shm"))
        {
          g_assert_null (found);
          found = g_build_filename (dir, name, NULL);
        }
    }
  return found;
}

static void
assert_replaced_with_fresh (const char *dir,
                            const char *path,
                            const char *old_contents,
                            gsize       old_length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) notice = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *moved_contents = NULL;
  gsize moved_length = 0;
  FragHistoryDb *db;

  db = frag_history_db_open (path, &notice, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_error (notice, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_CORRUPT);
  g_assert_nonnull (strstr (notice->message, "damaged"));
  g_assert_nonnull (strstr (notice->message, ".corrupt-"));

  /* The old file is kept, byte for byte, under the name the notice gives. */
  moved = find_moved_aside (dir);
  g_assert_nonnull (moved);
  g_assert_nonnull (strstr (notice->message, moved));
  g_assert_true (g_file_get_contents (moved, &moved_contents, &moved_length, NULL));
  g_assert_cmpmem (moved_contents, moved_length, old_contents, old_length);

  /* The new one works. */
  g_assert_cmpint (frag_history_db_create_conversation (db, "fresh", NULL, NULL, 1, &error), ==, 1);
  g_assert_no_error (error);
  frag_history_db_close (db);
}

static void
test_garbage_file (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GString) garbage = g_string_new (NULL);

  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (garbage, "this is not a database %u\n", i);
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, NULL));

  assert_replaced_with_fresh (dir, path, garbage->str, garbage->len);
  store_test_rm_rf (dir);
}

static void
test_truncated_file (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  FragHistoryDb *db;

  db = frag_history_db_open (path, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *title = g_strdup_printf ("conversation %u with a title long enough to fill pages", i);
      gint64 id = frag_history_db_create_conversation (db, title, NULL, NULL, i, &error);

      frag_history_db_append_message (db, id, FRAG_MESSAGE_ROLE_USER, FRAG_MESSAGE_STATE_COMPLETE, title, NULL,
                                      NULL, i, &error);
      g_assert_no_error (error);
    }
  /* Fold the WAL into the main file, so truncating the file loses committed pages. */
  _frag_history_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", &error);
  g_assert_no_error (error);
  frag_history_db_close (db);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8 * 4096);
  length = length / 2;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  assert_replaced_with_fresh (dir, path, contents, length);
  store_test_rm_rf (dir);
}

static void
test_newer_version_refused (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) notice = NULL;
  g_autoptr(FragHistoryStore) store = NULL;
  gsize before_length = 0, after_length = 0;
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "CREATE TABLE future (x); PRAGMA user_version = 999;", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (raw);
  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));

  g_assert_null (frag_history_db_open (path, &notice, &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_assert_nonnull (strstr (error->message, "999"));
  g_assert_no_error (notice);
  g_clear_error (&error);

  /* Through the store, as the app and the CLI open it. */
  store = store_test_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_TOO_NEW);

  /* Never downgraded, never moved. */
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);
  g_assert_null (find_moved_aside (dir));
  store_test_rm_rf (dir);
}

static void
test_store_reports_notice (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragHistoryStore) store = NULL;
  const GError *notice;

  g_assert_true (g_file_set_contents (path, "SQLite format 3\0garbage garbage garbage", 40, NULL));
  store = store_test_open (path, &error);
  g_assert_no_error (error);
  notice = frag_history_store_get_open_notice (store);
  g_assert_error ((GError *)notice, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_CORRUPT);
  g_clear_object (&store);
  store_test_rm_rf (dir);
}

static void
test_unusable_location (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *path = g_build_filename (file, "history.db", NULL);

  /* The folder would have to be inside a regular file. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_null (frag_history_db_open (path, NULL, &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_IO);
  store_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/schema/migrate-from-every-version", test_migrate_from_every_version);
  g_test_add_func ("/store/schema/streaming-becomes-interrupted", test_streaming_becomes_interrupted);
  g_test_add_func ("/store/corrupt/garbage-file", test_garbage_file);
  g_test_add_func ("/store/corrupt/truncated-file", test_truncated_file);
  g_test_add_func ("/store/corrupt/newer-version-refused", test_newer_version_refused);
  g_test_add_func ("/store/corrupt/store-reports-notice", test_store_reports_notice);
  g_test_add_func ("/store/corrupt/unusable-location", test_unusable_location);

  return g_test_run ();
}
