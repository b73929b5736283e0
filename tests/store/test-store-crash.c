/* test-store-crash.c: a writer killed with SIGKILL mid-stream loses only its last moments.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "store-test-util.h"

static char *
read_line (GDataInputStream *input)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, store_test_result_cb, &result);
  line = g_data_input_stream_read_line_finish_utf8 (input, store_test_wait (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
test_sigkill_mid_stream (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *helper = g_build_filename (g_getenv ("FRAG_BUILD_ROOT"), "tests", "store",
                                              "store-crash-helper", NULL);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(FragStoredConversation) conversation = NULL;
  gint64 conversation_id = 0, message_id = 0;
  guint committed = 0;
  FragStoredMessage *message;
  GPtrArray *messages;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, helper, path, NULL);
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  while (committed < 3 * 40 * 5)
    {
      g_autofree char *line = read_line (input);

      if (g_str_has_prefix (line, "done "))
        conversation_id = g_ascii_strtoll (line + 5, NULL, 10);
      else if (g_str_has_prefix (line, "streaming "))
        message_id = g_ascii_strtoll (line + 10, NULL, 10);
      else if (g_str_has_prefix (line, "committed "))
        committed = (guint)g_ascii_strtoull (line + 10, NULL, 10);
    }
  g_assert_cmpint (conversation_id, >, 0);
  g_assert_cmpint (message_id, >, 0);

  /* Mid-stream: checkpoints keep coming every 10 ms while it dies. */
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait_async (child, NULL, store_test_result_cb, &result);
  g_assert_true (g_subprocess_wait_finish (child, store_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  store = store_test_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (frag_history_store_get_open_notice (store));
  g_clear_object (&result);
  frag_history_load_conversation_async (FRAG_HISTORY (store), conversation_id, NULL, store_test_result_cb, &result);
  conversation = frag_history_load_conversation_finish (FRAG_HISTORY (store), store_test_wait (&result), &error);
  g_assert_no_error (error);

  /* The history before the stream is intact. */
  g_assert_cmpstr (frag_conversation_info_get_title (frag_stored_conversation_get_info (conversation)), ==,
                   "Before the crash");
  messages = frag_stored_conversation_get_messages (conversation);
  g_assert_cmpuint (messages->len, ==, 4);
  g_assert_cmpstr (frag_stored_message_get_text (g_ptr_array_index (messages, 0)), ==, "Write hello world");
  g_assert_cmpstr (frag_stored_message_get_text (g_ptr_array_index (messages, 1)), ==, "print('hello world')");
  g_assert_cmpint (frag_stored_message_get_state (g_ptr_array_index (messages, 1)), ==,
                   FRAG_MESSAGE_STATE_COMPLETE);
  /* The user's message was committed before the stream began. */
  g_assert_cmpstr (frag_stored_message_get_text (g_ptr_array_index (messages, 2)), ==, "Now make it loop");

  /* The streaming message kept at least what was known committed, and is interrupted. */
  message = g_ptr_array_index (messages, 3);
  g_assert_cmpint (frag_stored_message_get_id (message), ==, message_id);
  g_assert_cmpint (frag_stored_message_get_state (message), ==, FRAG_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpuint (strlen (frag_stored_message_get_text (message)), >=, committed);
  g_assert_true (g_str_has_prefix (frag_stored_message_get_text (message), "tick tick tick "));
  g_assert_cmpstr (frag_stored_message_get_fragment_json (message), ==, "{\"title\":\"Streaming");

  g_clear_object (&store);
  store_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/crash/sigkill-mid-stream", test_sigkill_mid_stream);

  return g_test_run ();
}
