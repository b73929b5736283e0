/* store-crash-helper.c: a process that streams into the history until it is killed.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: store-crash-helper DB. Writes one finished exchange, then streams an assistant
 * message through the store's checkpoints forever. It reports on stdout:
 *   "done CONVERSATION" once the finished exchange is committed,
 *   "streaming MESSAGE" once the streaming message exists,
 *   "committed N" each time N characters of the stream are known to be on disk.
 * test-store-crash kills it with SIGKILL and checks what survived.
 */

#include "config.h"

#include <stdio.h>

#include "store-test-util.h"

#define STREAM_WORD "tick "

static FragHistoryStore *store;
static GString *streamed;
static gint64 message_id;
static guint ticks;

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!frag_history_store_flush_finish (store, result, &error))
    g_error ("flush failed: %s", error->message);
  printf ("committed %u\n", GPOINTER_TO_UINT (user_data));
  fflush (stdout);
}

static gboolean
tick_cb (gpointer user_data)
{
  /* Deltas arrive every 10 ms, like tokens; the store writes at most every 500 ms. */
  g_string_append (streamed, STREAM_WORD);
  frag_history_checkpoint_message (FRAG_HISTORY (store), message_id, streamed->str, "{\"title\":\"Streaming");
  if (++ticks % 40 == 0)
    frag_history_store_flush_async (store, NULL, flushed_cb, GUINT_TO_POINTER ((guint)streamed->len));
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  FragHistory *history;
  gint64 conversation_id, assistant_id;

  if (argc != 2)
    {
      g_printerr ("usage: %s DB\n", argv[0]);
      return 2;
    }

  store = store_test_open (argv[1], &error);
  if (store == NULL)
    g_error ("open: %s", error->message);
  history = FRAG_HISTORY (store);

  frag_history_create_conversation_async (history, "Before the crash", "gpt-4o", "code-interpreter-v1", NULL,
                                          store_test_result_cb, &result);
  conversation_id = frag_history_create_conversation_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  frag_history_append_user_message_async (history, conversation_id, "Write hello world", NULL, NULL,
                                          store_test_result_cb, &result);
  frag_history_append_user_message_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  frag_history_begin_assistant_message_async (history, conversation_id, "gpt-4o", NULL,
                                              store_test_result_cb, &result);
  assistant_id = frag_history_begin_assistant_message_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  frag_history_finish_message_async (history, assistant_id, FRAG_MESSAGE_STATE_COMPLETE, "print('hello world')",
                                     "{\"title\":\"Hello\"}", NULL, FRAG_TOKEN_USAGE_UNKNOWN, NULL,
                                     store_test_result_cb, &result);
  if (!frag_history_finish_message_finish (history, store_test_wait (&result), &error))
    g_error ("finish: %s", error->message);
  g_clear_object (&result);
  printf ("done %" G_GINT64_FORMAT "\n", conversation_id);

  frag_history_append_user_message_async (history, conversation_id, "Now make it loop", NULL, NULL,
                                          store_test_result_cb, &result);
  frag_history_append_user_message_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  frag_history_begin_assistant_message_async (history, conversation_id, "gpt-4o", NULL,
                                              store_test_result_cb, &result);
  message_id = frag_history_begin_assistant_message_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  if (message_id == 0)
    g_error ("begin: %s", error->message);
  printf ("streaming %" G_GINT64_FORMAT "\n", message_id);
  fflush (stdout);

  streamed = g_string_new (NULL);
  g_timeout_add (10, tick_cb, NULL);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
}
