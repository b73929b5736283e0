/* bench-history.c: the history at the size of a heavy user's.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds 1,000 conversations with 100,000 messages (prompts, answers with code, fragment
 * versions and text outputs) in a temporary database, then measures, each next to a
 * plain `SELECT count(*)` baseline taken in the same run:
 *   - opening the store (health check, migrations, recovery) and listing the 50 most
 *     recent conversations, through FragHistoryStore as the app does it,
 *   - median and p95 of 20 FTS searches,
 *   - one streaming checkpoint (the write on the store's thread), and what calling
 *     frag_history_checkpoint_message() costs the main thread.
 * Goals: list < 20 ms, search p95 < 30 ms, checkpoint < 2 ms.
 * Usage: bench-history [DIR]  (default: a new temporary directory, removed afterwards)
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "frag-history-db.h"
#include "frag-history-store.h"

#define N_CONVERSATIONS 1000
#define N_MESSAGES      100000
#define N_SEARCHES      20

static const char * const words[] = {
  "plot", "sine", "wave", "matplotlib", "pandas", "dataframe", "chart", "react", "component", "state",
  "button", "server", "request", "python", "numpy", "array", "histogram", "scatter", "todo", "list",
  "streamlit", "gradio", "slider", "upload", "image", "filter", "sort", "csv", "json", "parse",
  "weather", "stock", "price", "moving", "average", "regression", "model", "train", "accuracy", "table",
};

static const char * const queries[] = {
  "matplotlib", "sine wave", "react component", "csv parse", "moving average", "pandas dataframe",
  "stock price", "histo", "streamlit slider", "json", "regress", "todo list", "numpy array", "upload image",
  "weather", "scatter plot", "train model", "def main", "button state", "filter sort",
};

static char *
sentence (GRand *rand,
          guint  n_words)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_words; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "",
                            words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
  return g_string_free (text, FALSE);
}

static char *
code_block (GRand *rand,
            guint  n_lines)
{
  GString *code = g_string_new ("import pandas as pd\nimport matplotlib.pyplot as plt\n\ndef main():\n");

  for (guint i = 0; i < n_lines; i++)
    {
      g_autofree char *words_line = sentence (rand, 4);

      g_string_append_printf (code, "    value_%u = compute(%u)  # %s\n", i, g_rand_int_range (rand, 0, 1000),
                              words_line);
    }
  g_string_append (code, "\nmain()\n");
  return g_string_free (code, FALSE);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
count_baseline_ms (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 start = g_get_monotonic_time ();

  sqlite3_prepare_v2 (db, "SELECT count(*) FROM messages", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, N_MESSAGES);
  sqlite3_finalize (stmt);
  return ms_since (start);
}

static void
build (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  FragHistoryDb *db = frag_history_db_open (path, NULL, &error);
  gint64 now = g_get_real_time () - (gint64)N_MESSAGES * G_USEC_PER_SEC;
  gint64 start = g_get_monotonic_time ();
  guint per_conversation = N_MESSAGES / N_CONVERSATIONS;

  g_assert_no_error (error);
  g_assert_true (frag_history_db_begin (db, &error));
  for (guint c = 0; c < N_CONVERSATIONS; c++)
    {
      g_autofree char *title = sentence (rand, 4);
      gint64 id = frag_history_db_create_conversation (db, title, "gpt-4o", "code-interpreter-v1", now, &error);

      g_assert_no_error (error);
      for (guint m = 0; m < per_conversation; m += 2)
        {
          g_autofree char *prompt = sentence (rand, g_rand_int_range (rand, 8, 40));
          g_autofree char *commentary = sentence (rand, g_rand_int_range (rand, 20, 80));
          g_autofree char *code = code_block (rand, g_rand_int_range (rand, 5, 40));
          g_autofree char *answer = g_strdup_printf ("%s\n\n```python\n%s```\n", commentary, code);
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;
          g_autofree char *fragment = NULL;
          g_autofree char *result = NULL;
          gint64 message_id, version_id;

          now += G_USEC_PER_SEC;
          frag_history_db_append_message (db, id, FRAG_MESSAGE_ROLE_USER, FRAG_MESSAGE_STATE_COMPLETE, prompt,
                                          NULL, NULL, now, &error);
          message_id = frag_history_db_append_message (db, id, FRAG_MESSAGE_ROLE_ASSISTANT,
                                                       FRAG_MESSAGE_STATE_STREAMING, "", "gpt-4o", NULL, now,
                                                       &error);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, title);
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, commentary);
          json_builder_set_member_name (builder, "file_path");
          json_builder_add_string_value (builder, "script.py");
          json_builder_set_member_name (builder, "code");
          json_builder_add_string_value (builder, code);
          json_builder_end_object (builder);
          root = json_builder_get_root (builder);
          fragment = json_to_string (root, FALSE);
          frag_history_db_finish_message (db, message_id, FRAG_MESSAGE_STATE_COMPLETE, answer, fragment, NULL,
                                          FRAG_TOKEN_USAGE_UNKNOWN, now, &error);
          /* Every fifth exchange produced a fragment version and a run. */
          if (m % 10 == 0)
            {
              version_id = frag_history_db_add_version (db, id, message_id, 0, FRAG_VERSION_ORIGIN_MODEL, fragment,
                                                        now, &error);
              result = g_strdup_printf ("{\"stdout\":[\"%s\\n\"],\"stderr\":[],\"error\":null,\"results\":[]}",
                                        title);
              frag_history_db_add_result (db, version_id, result, now, &error);
            }
          g_assert_no_error (error);
        }
    }
  g_assert_true (frag_history_db_commit (db, &error));
  frag_history_db_close (db);
  g_print ("built %d conversations, %d messages in %.1f s\n", N_CONVERSATIONS, N_MESSAGES,
           ms_since (start) / 1000.0);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static void
measure_store (const char *path,
               double      baseline_ms)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(GListModel) list = NULL;
  gint64 start = g_get_monotonic_time ();
  double open_ms, list_ms;

  frag_history_store_new_async (path, NULL, result_cb, &result);
  store = frag_history_store_new_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  open_ms = ms_since (start);
  g_clear_object (&result);

  start = g_get_monotonic_time ();
  frag_history_list_conversations_async (FRAG_HISTORY (store), 0, 50, NULL, result_cb, &result);
  list = frag_history_list_conversations_finish (FRAG_HISTORY (store), wait_for (&result), &error);
  list_ms = ms_since (start);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 50);

  g_print ("open store (quick_check, migrate, recover): %7.2f ms  (%.1fx count(*))\n", open_ms,
           open_ms / baseline_ms);
  g_print ("list 50 most recent (through the store):    %7.2f ms  (%.1fx count(*))  goal < 20 ms\n", list_ms,
           list_ms / baseline_ms);
}

static void
measure_search (FragHistoryDb *db,
                double         baseline_ms)
{
  double times[N_SEARCHES];
  guint total_hits = 0;

  for (guint i = 0; i < N_SEARCHES; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) hits = NULL;
      gint64 start = g_get_monotonic_time ();

      hits = frag_history_db_search (db, queries[i], 0, 20, &error);
      times[i] = ms_since (start);
      g_assert_no_error (error);
      total_hits += hits->len;
    }
  qsort (times, N_SEARCHES, sizeof (double), compare_doubles);
  g_print ("search (20 queries, 20 hits each, %u hits): median %6.2f ms, p95 %6.2f ms, max %6.2f ms  "
           "(p95 %.1fx count(*))  goal p95 < 30 ms\n",
           total_hits, times[N_SEARCHES / 2], times[(int)(N_SEARCHES * 0.95) - 1], times[N_SEARCHES - 1],
           times[(int)(N_SEARCHES * 0.95) - 1] / baseline_ms);
}

static void
measure_checkpoint (FragHistoryDb *db,
                    double         baseline_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  double times[50];
  gint64 conversation_id, message_id;

  conversation_id = frag_history_db_create_conversation (db, "bench streaming", NULL, NULL, g_get_real_time (),
                                                         &error);
  message_id = frag_history_db_append_message (db, conversation_id, FRAG_MESSAGE_ROLE_ASSISTANT,
                                               FRAG_MESSAGE_STATE_STREAMING, "", NULL, NULL, g_get_real_time (),
                                               &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autofree char *more = code_block (rand, 3);
      g_autofree char *fragment = NULL;
      gint64 start;

      /* The message grows as a stream does: ~100 bytes per checkpoint, several KB by the end. */
      g_string_append (text, more);
      fragment = g_strdup_printf ("{\"title\":\"Bench\",\"code\":\"%u\"", i);
      start = g_get_monotonic_time ();
      g_assert_true (frag_history_db_checkpoint_message (db, message_id, text->str, fragment, g_get_real_time (),
                                                         &error));
      times[i] = ms_since (start);
      g_assert_no_error (error);
    }
  qsort (times, G_N_ELEMENTS (times), sizeof (double), compare_doubles);
  g_print ("checkpoint (1 transaction, text up to %zu bytes, on the store's thread): median %.3f ms, "
           "max %.3f ms  (%.2fx count(*))  goal < 2 ms\n",
           text->len, times[G_N_ELEMENTS (times) / 2], times[G_N_ELEMENTS (times) - 1],
           times[G_N_ELEMENTS (times) / 2] / baseline_ms);
}

static void
measure_checkpoint_call (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 conversation_id, message_id;
  gint64 start, worst = 0;

  frag_history_store_new_async (path, NULL, result_cb, &result);
  store = frag_history_store_new_finish (wait_for (&result), &error);
  g_clear_object (&result);
  frag_history_create_conversation_async (FRAG_HISTORY (store), "call cost", NULL, NULL, NULL, result_cb, &result);
  conversation_id = frag_history_create_conversation_finish (FRAG_HISTORY (store), wait_for (&result), &error);
  g_clear_object (&result);
  frag_history_begin_assistant_message_async (FRAG_HISTORY (store), conversation_id, NULL, NULL, result_cb, &result);
  message_id = frag_history_begin_assistant_message_finish (FRAG_HISTORY (store), wait_for (&result), &error);
  g_assert_no_error (error);

  /* What the main loop pays per streamed delta: the write itself happens elsewhere. */
  for (guint i = 0; i < 1000; i++)
    {
      gint64 one;

      g_string_append (text, "token ");
      start = g_get_monotonic_time ();
      frag_history_checkpoint_message (FRAG_HISTORY (store), message_id, text->str, NULL);
      one = g_get_monotonic_time () - start;
      worst = MAX (worst, one);
    }
  g_print ("frag_history_checkpoint_message() on the main thread: worst of 1000 calls %.3f ms "
           "(a 60 Hz frame is 16.7 ms)\n", worst / 1000.0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = argc > 1 ? g_strdup (argv[1]) : g_dir_make_tmp ("bench-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  FragHistoryDb *db;
  sqlite3 *raw = NULL;
  double baseline_ms;

  g_remove (path);
  build (path);

  g_assert_cmpint (sqlite3_open_v2 (path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  baseline_ms = count_baseline_ms (raw);
  sqlite3_close (raw);
  g_print ("baseline SELECT count(*) FROM messages: %.2f ms\n", baseline_ms);

  measure_store (path, baseline_ms);
  db = frag_history_db_open (path, NULL, &error);
  g_assert_no_error (error);
  measure_search (db, baseline_ms);
  measure_checkpoint (db, baseline_ms);
  frag_history_db_close (db);
  measure_checkpoint_call (path);

  if (argc <= 1)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_remove (path);
      g_remove (wal);
      g_remove (shm);
      g_rmdir (dir);
    }
  return 0;
}
