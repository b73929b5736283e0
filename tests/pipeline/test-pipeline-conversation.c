/* test-pipeline-conversation.c: FragConversation with a scripted provider, a recording
 * sandbox and the real history store on a temporary database.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "frag-conversation.h"
#include "frag-history-store.h"
#include "frag-memory-keyring.h"
#include "pipeline-fakes.h"
#include "pipeline-test-util.h"

#define TEST_KEY "sk-test-0123456789-secret"

typedef struct
{
  EventLog            *log;
  FakeProvider        *provider;
  FakeSandbox         *sandbox;
  FragHistoryStore    *store;
  FragMemoryKeyring   *keyring;
  FragTemplateCatalog *templates;
  FragConversation    *conversation;
  char                *dir;
  char                *db_path;
  GPtrArray           *phases;
  GPtrArray           *details;
  GPtrArray           *logs;
} Fixture;

static void
on_phase_cb (FragConversation *conversation,
             GParamSpec       *pspec,
             Fixture          *f)
{
  g_ptr_array_add (f->phases, g_strdup (frag_conversation_phase_to_string (frag_conversation_get_phase (conversation))));
}

static void
on_detail_cb (FragConversation *conversation,
              GParamSpec       *pspec,
              Fixture          *f)
{
  const char *detail = frag_conversation_get_phase_detail (conversation);

  if (detail != NULL)
    g_ptr_array_add (f->details, g_strdup (detail));
}

static void
on_log_cb (FragConversation  *conversation,
           FragSandboxStream  stream,
           const char        *line,
           Fixture           *f)
{
  g_ptr_array_add (f->logs, g_strdup (line));
}

static void
store_key (FragKeyring *keyring,
           const char  *provider,
           const char  *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  frag_keyring_store_key_async (keyring, provider, key, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_keyring_store_key_finish (keyring, result, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->log = event_log_new ();
  f->provider = fake_provider_new (f->log);
  f->sandbox = fake_sandbox_new (f->log);
  f->dir = g_dir_make_tmp ("pipeline-XXXXXX", NULL);
  f->db_path = g_build_filename (f->dir, "history.db", NULL);
  f->store = pipeline_test_open_store (f->db_path);
  f->keyring = frag_memory_keyring_new ();
  store_key (FRAG_KEYRING (f->keyring), "openai", TEST_KEY);
  f->templates = frag_template_catalog_new_builtin ();
  f->conversation = frag_conversation_new (FRAG_PROVIDER (f->provider), FRAG_SANDBOX (f->sandbox),
                                           FRAG_HISTORY (f->store), FRAG_KEYRING (f->keyring), f->templates);
  frag_conversation_set_provider (f->conversation, FRAG_PROVIDER (f->provider), "openai", "gpt-4o");
  /* Waits are real timeouts: scaled down so retries take milliseconds. */
  frag_conversation_set_retry_policy (f->conversation, 3, 1000, 0.001);
  frag_conversation_set_partial_interval (f->conversation, 1);
  f->phases = g_ptr_array_new_with_free_func (g_free);
  f->details = g_ptr_array_new_with_free_func (g_free);
  f->logs = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->conversation, "notify::phase", G_CALLBACK (on_phase_cb), f);
  g_signal_connect (f->conversation, "notify::phase-detail", G_CALLBACK (on_detail_cb), f);
  g_signal_connect (f->conversation, "log", G_CALLBACK (on_log_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db_path, "-shm", NULL);

  g_assert_false (frag_conversation_get_busy (f->conversation));
  g_clear_object (&f->conversation);
  if (f->store != NULL)
    pipeline_test_close_store (f->store);
  g_clear_object (&f->store);
  g_clear_object (&f->provider);
  g_clear_object (&f->sandbox);
  g_clear_object (&f->keyring);
  g_clear_object (&f->templates);
  g_unlink (f->db_path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
  g_ptr_array_unref (f->phases);
  g_ptr_array_unref (f->details);
  g_ptr_array_unref (f->logs);
  event_log_free (f->log);
}

typedef enum { OP_SEND, OP_RETRY, OP_FIX, OP_EDIT } Op;

/* Runs one turn to its end; returns its outcome. */
static gboolean
run_turn (Fixture       *f,
          Op             op,
          const char    *prompt,
          FragFragment  *edited,
          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  switch (op)
    {
    case OP_SEND:
      frag_conversation_send_async (f->conversation, prompt, NULL, NULL, pipeline_test_result_cb, &slot);
      result = pipeline_test_wait (&slot);
      return frag_conversation_send_finish (f->conversation, result, error);
    case OP_RETRY:
      frag_conversation_retry_async (f->conversation, NULL, pipeline_test_result_cb, &slot);
      result = pipeline_test_wait (&slot);
      return frag_conversation_retry_finish (f->conversation, result, error);
    case OP_FIX:
      frag_conversation_fix_async (f->conversation, NULL, pipeline_test_result_cb, &slot);
      result = pipeline_test_wait (&slot);
      return frag_conversation_fix_finish (f->conversation, result, error);
    case OP_EDIT:
    default:
      frag_conversation_run_edit_async (f->conversation, edited, NULL, pipeline_test_result_cb, &slot);
      result = pipeline_test_wait (&slot);
      return frag_conversation_run_edit_finish (f->conversation, result, error);
    }
}

static gboolean
send (Fixture     *f,
      const char  *prompt,
      GError     **error)
{
  return run_turn (f, OP_SEND, prompt, NULL, error);
}

static FragMessage *
message_at (Fixture *f,
            guint    index)
{
  GListModel *messages = frag_conversation_get_messages (f->conversation);
  g_autoptr(FragMessage) message = g_list_model_get_item (messages, index);

  g_assert_nonnull (message);
  return message;  /* the model keeps its own reference */
}

static guint
n_messages (Fixture *f)
{
  return g_list_model_get_n_items (frag_conversation_get_messages (f->conversation));
}

/* Closes the store, opens the database again and loads the conversation from it. */
static FragStoredConversation *
reopen_and_load (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FragHistoryStore) store = NULL;
  GAsyncResult *slot = NULL;
  FragStoredConversation *stored;

  pipeline_test_close_store (f->store);
  store = pipeline_test_open_store (f->db_path);
  frag_history_load_conversation_async (FRAG_HISTORY (store), frag_conversation_get_id (f->conversation),
                                        NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  stored = frag_history_load_conversation_finish (FRAG_HISTORY (store), result, &error);
  g_assert_no_error (error);
  pipeline_test_close_store (store);
  /* The conversation keeps the old (closed) store: tests reopen only at their end. */
  return stored;
}

static FragStoredMessage *
stored_message (FragStoredConversation *stored,
                guint                   index)
{
  GPtrArray *messages = frag_stored_conversation_get_messages (stored);

  g_assert_cmpuint (index, <, messages->len);
  return g_ptr_array_index (messages, index);
}

/* A second controller on the fixture's store, loaded with the conversation: what
 * reopening it in the app shows. */
static FragConversation *
load_resumed (Fixture *f,
              gint64   conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  FragConversation *resumed;

  resumed = frag_conversation_new (FRAG_PROVIDER (f->provider), FRAG_SANDBOX (f->sandbox),
                                   FRAG_HISTORY (f->store), FRAG_KEYRING (f->keyring), f->templates);
  frag_conversation_load_async (resumed, conversation_id, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_load_finish (resumed, result, &error));
  g_assert_no_error (error);
  return resumed;
}

static const char *
resumed_text (FragConversation *resumed,
              guint             index)
{
  g_autoptr(FragMessage) message = g_list_model_get_item (frag_conversation_get_messages (resumed), index);

  g_assert_nonnull (message);
  return frag_message_get_text (message);  /* the model keeps its own reference */
}

static void
assert_before (Fixture    *f,
               const char *first,
               const char *second)
{
  int a = event_log_find (f->log, first);
  int b = event_log_find (f->log, second);

  if (a < 0 || b < 0 || a >= b)
    {
      g_autofree char *dump = event_log_dump (f->log);

      g_error ("expected \"%s\" before \"%s\" in:\n%s", first, second, dump);
    }
}

static gboolean
saw_phase (Fixture    *f,
           const char *phase)
{
  for (guint i = 0; i < f->phases->len; i++)
    if (g_str_equal (g_ptr_array_index (f->phases, i), phase))
      return TRUE;
  return FALSE;
}

/* ---- happy paths ---- */

static void
test_interpreter (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy",
                                                       "print(6 * 7)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *request_text = NULL;
  FragMessage *answer;
  FragResult *result;

  fake_provider_queue_stream (f->provider, json, 30, 5, FAKE_END_COMPLETE);
  g_assert_true (send (f, "Compute six times seven", &error));
  g_assert_no_error (error);

  /* Speculation: the sandbox and the install started while the code still streamed. */
  assert_before (f, "sandbox:ensure-start code-interpreter-v1", "provider:last-chunk");
  assert_before (f, "sandbox:install-start pip install numpy", "provider:last-chunk");
  assert_before (f, "provider:done", "sandbox:execute-start");
  g_assert_cmpuint (event_log_count (f->log, "sandbox:install-start"), ==, 1);
  g_assert_cmpuint (fake_sandbox_get_n_created (f->sandbox), ==, 1);

  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  g_assert_true (saw_phase (f, "sending"));
  g_assert_true (saw_phase (f, "streaming"));
  g_assert_true (saw_phase (f, "running"));
  g_assert_null (frag_conversation_get_error (f->conversation));
  g_assert_cmpuint (n_messages (f), ==, 2);
  g_assert_cmpint (frag_message_get_role (message_at (f, 0)), ==, FRAG_MESSAGE_ROLE_USER);
  answer = message_at (f, 1);
  g_assert_cmpint (frag_message_get_state (answer), ==, FRAG_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (frag_message_get_text (answer), ==, "Here is the program you asked for.");
  g_assert_nonnull (frag_message_get_fragment (answer));
  result = frag_conversation_get_result (f->conversation);
  g_assert_nonnull (result);
  g_assert_true (frag_message_get_result (answer) == result);
  stdout_text = frag_result_dup_stdout_text (result);
  g_assert_cmpstr (stdout_text, ==, "ran script.py\n");
  g_assert_cmpstr (frag_fragment_get_template (frag_conversation_get_fragment (f->conversation)), ==,
                   "code-interpreter-v1");
  g_assert_cmpint (frag_conversation_get_version_id (f->conversation), >, 0);
  /* The install's output was forwarded. */
  g_assert_cmpuint (f->logs->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->logs, 0), ==, "installed: pip install numpy");

  /* The request: system prompt, schema, the key from the keyring, one user turn. */
  g_assert_cmpstr (frag_llm_request_get_api_key (fake_provider_get_last_request (f->provider)), ==, TEST_KEY);
  g_assert_nonnull (frag_llm_request_get_schema (fake_provider_get_last_request (f->provider)));
  request_text = fake_provider_dup_request_text (f->provider);
  g_assert_cmpstr (request_text, ==, "[user] Compute six times seven\n");

  /* Every step is in the database. */
  stored = reopen_and_load (f);
  g_assert_cmpstr (frag_conversation_info_get_title (frag_stored_conversation_get_info (stored)), ==,
                   "Test program");
  g_assert_cmpstr (frag_conversation_info_get_sandbox_id (frag_stored_conversation_get_info (stored)), ==,
                   "fake-1");
  g_assert_cmpuint (frag_stored_conversation_get_messages (stored)->len, ==, 2);
  g_assert_cmpstr (frag_stored_message_get_text (stored_message (stored, 0)), ==, "Compute six times seven");
  g_assert_cmpint (frag_stored_message_get_state (stored_message (stored, 1)), ==, FRAG_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (frag_stored_message_get_usage (stored_message (stored, 1)).output_tokens, ==, 50);
  g_assert_cmpuint (frag_stored_conversation_get_versions (stored)->len, ==, 1);
  g_assert_cmpuint (frag_stored_conversation_get_results (stored)->len, ==, 1);
  g_assert_nonnull (strstr (frag_stored_result_get_result_json (g_ptr_array_index (frag_stored_conversation_get_results (stored), 0)),
                            "ran script.py"));
  /* The key went nowhere near the database. */
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (f->db_path, &contents, NULL, NULL));
    g_assert_null (g_strstr_len (contents, -1, TEST_KEY));
  }
  g_clear_object (&f->store);
}

static void
test_web (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("static-html", NULL, "<h1>Hello</h1>", 8000);
  g_autoptr(GError) error = NULL;

  fake_provider_queue_stream (f->provider, json, 20, 2, FAKE_END_COMPLETE);
  g_assert_true (send (f, "A hello page", &error));
  g_assert_no_error (error);
  assert_before (f, "sandbox:ensure-start static-html", "provider:last-chunk");
  /* No dependencies: no install. */
  g_assert_cmpint (event_log_find (f->log, "sandbox:install"), ==, -1);
  g_assert_true (saw_phase (f, "waiting-for-port"));
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  g_assert_cmpstr (frag_result_get_url (frag_conversation_get_result (f->conversation)), ==,
                   "http://127.0.0.1:8000/fake-1");
}

static void
test_no_speculation (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy", "1", -1);
  g_autoptr(GError) error = NULL;

  frag_conversation_set_speculation (f->conversation, FALSE);
  fake_provider_queue_stream (f->provider, json, 20, 2, FAKE_END_COMPLETE);
  g_assert_true (send (f, "Sequential, please", &error));
  g_assert_no_error (error);
  assert_before (f, "provider:done", "sandbox:ensure-start");
  assert_before (f, "sandbox:ensure code-interpreter-v1 create", "sandbox:install-start");
  assert_before (f, "sandbox:install-done", "sandbox:execute-start");
}

/* The model starts with one template, then repeats the key with another: the work
 * started for the first is cancelled, its sandbox killed, its install never run. */
static void
test_template_change (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *first = pipeline_test_fragment_json ("nextjs-developer", "npm install left-pad", "x", -1);
  g_autofree char *second = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy", "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *code_key;
  const char *tail;

  /* Everything of the first up to its code, then the second's fields again (a repeated
   * key takes the last value). */
  code_key = strstr (first, ",\"port\"");
  tail = strchr (second, ',') + 1;
  json = g_strdup_printf ("%.*s,%s", (int)(code_key - first), first, tail);

  fake_sandbox_set_delays (f->sandbox, 5, 200, 5);
  fake_provider_queue_stream (f->provider, json, 60, 5, FAKE_END_COMPLETE);
  g_assert_true (send (f, "Change your mind", &error));
  g_assert_no_error (error);

  assert_before (f, "sandbox:ensure nextjs-developer create fake-1", "sandbox:ensure-start code-interpreter-v1");
  /* The stale install was started in the speculative sandbox and then cancelled. */
  g_assert_cmpint (event_log_find (f->log, "sandbox:install-done npm install left-pad"), ==, -1);
  /* The first sandbox is gone, a new one runs the code with the final install. */
  g_assert_cmpint (event_log_find (f->log, "sandbox:kill fake-1"), >=, 0);
  assert_before (f, "sandbox:install-done pip install numpy in fake-2", "sandbox:execute-start fake-2");
  g_assert_cmpint (event_log_find (f->log, "sandbox:execute fake-2 code-interpreter-v1"), >=, 0);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_READY);
}

/* ---- the loop ---- */

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  GAsyncResult *slot = NULL;
  FragMessage *answer;

  fake_provider_queue_stream (f->provider, json, 50, 5, FAKE_END_HANG);
  frag_conversation_send_async (f->conversation, "Stop me", NULL, NULL, pipeline_test_result_cb, &slot);
  while (event_log_find (f->log, "provider:chunk 10") < 0)
    g_main_context_iteration (NULL, TRUE);
  frag_conversation_stop (f->conversation);
  result = pipeline_test_wait (&slot);
  g_assert_false (frag_conversation_send_finish (f->conversation, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_STOPPED);
  g_assert_null (frag_conversation_get_error (f->conversation));
  answer = message_at (f, 1);
  g_assert_cmpint (frag_message_get_state (answer), ==, FRAG_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpstr (frag_message_get_text (answer), ==, "Here is the program you asked for.");
  g_assert_nonnull (frag_message_get_fragment (answer));
  g_assert_cmpint (event_log_find (f->log, "sandbox:execute"), ==, -1);

  stored = reopen_and_load (f);
  g_assert_cmpint (frag_stored_message_get_state (stored_message (stored, 1)), ==, FRAG_MESSAGE_STATE_INTERRUPTED);
  g_assert_nonnull (strstr (frag_stored_message_get_fragment_json (stored_message (stored, 1)), "\"template\""));
  g_clear_object (&f->store);
}

static void
test_stop_while_running (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *slot = NULL;

  fake_sandbox_set_delays (f->sandbox, 5, 5, 10000);
  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  frag_conversation_send_async (f->conversation, "Run long", NULL, cancellable, pipeline_test_result_cb, &slot);
  while (event_log_find (f->log, "sandbox:execute-start") < 0)
    g_main_context_iteration (NULL, TRUE);
  /* The caller's cancellable stops the turn like frag_conversation_stop(). */
  g_cancellable_cancel (cancellable);
  result = pipeline_test_wait (&slot);
  g_assert_false (frag_conversation_send_finish (f->conversation, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_STOPPED);
  /* The answer itself was complete. */
  g_assert_cmpint (frag_message_get_state (message_at (f, 1)), ==, FRAG_MESSAGE_STATE_COMPLETE);
}

static void
test_retry (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;

  fake_provider_queue_failure (f->provider, FRAG_PROVIDER_ERROR_BAD_REQUEST, "Context too long", -1);
  g_assert_false (send (f, "Try twice", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_assert_true (frag_conversation_get_can_retry (f->conversation));

  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (run_turn (f, OP_RETRY, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_n_requests (f->provider), ==, 2);
  /* The failed answer left the chat; the prompt was not stored twice. */
  g_assert_cmpuint (n_messages (f), ==, 2);
  g_assert_cmpint (frag_message_get_state (message_at (f, 1)), ==, FRAG_MESSAGE_STATE_COMPLETE);

  /* The history shows what the chat showed: the replaced answer is gone there too. */
  stored = reopen_and_load (f);
  g_assert_cmpuint (frag_stored_conversation_get_messages (stored)->len, ==, 2);
  g_assert_cmpint (frag_stored_message_get_role (stored_message (stored, 0)), ==, FRAG_MESSAGE_ROLE_USER);
  g_assert_cmpint (frag_stored_message_get_state (stored_message (stored, 1)), ==, FRAG_MESSAGE_STATE_COMPLETE);
  g_clear_object (&f->store);
}

/* Asking again for the newest prompt after a complete answer: the old answer leaves the
 * context, and the code the model sees is the one before it. */
static void
test_retry_complete (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *first = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('first')", -1);
  g_autofree char *unwanted = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('unwanted')", -1);
  g_autofree char *better = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('better')", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *request_text = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;

  fake_provider_queue_stream (f->provider, first, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "one", &error));
  fake_provider_queue_stream (f->provider, unwanted, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "two", &error));
  fake_provider_queue_stream (f->provider, better, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (run_turn (f, OP_RETRY, NULL, NULL, &error));
  g_assert_no_error (error);

  request_text = fake_provider_dup_request_text (f->provider);
  g_assert_null (strstr (request_text, "unwanted"));
  g_assert_nonnull (strstr (request_text, "print('first')"));
  g_assert_true (g_str_has_suffix (request_text, "[user] two\n"));
  g_assert_cmpuint (n_messages (f), ==, 4);
  g_assert_true (g_str_has_prefix (frag_fragment_get_code (frag_conversation_get_fragment (f->conversation)),
                                   "print('better')"));

  /* Reopened, the conversation has the better answer and not the unwanted one. */
  stored = reopen_and_load (f);
  g_assert_cmpuint (frag_stored_conversation_get_messages (stored)->len, ==, 4);
  g_assert_cmpuint (frag_stored_conversation_get_versions (stored)->len, ==, 2);
  g_clear_object (&f->store);
}

static void
test_undo (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *first = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('first')", -1);
  g_autofree char *second = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('second')", -1);
  g_autofree char *third = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('third')", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *request_text = NULL;
  g_autoptr(FragConversation) resumed = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  GPtrArray *messages;
  GPtrArray *versions;

  g_assert_false (frag_conversation_undo (f->conversation));
  fake_provider_queue_stream (f->provider, first, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "one", &error));
  fake_provider_queue_stream (f->provider, second, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "two", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_messages (f), ==, 4);

  g_assert_true (frag_conversation_undo (f->conversation));
  g_assert_cmpuint (n_messages (f), ==, 2);
  g_assert_true (g_str_has_prefix (frag_fragment_get_code (frag_conversation_get_fragment (f->conversation)),
                                   "print('first')"));
  g_assert_nonnull (frag_conversation_get_result (f->conversation));

  /* Reopened, the conversation is what the chat shows: the exchange left the history. */
  resumed = load_resumed (f, frag_conversation_get_id (f->conversation));
  g_assert_cmpuint (g_list_model_get_n_items (frag_conversation_get_messages (resumed)), ==, 2);
  g_assert_cmpstr (resumed_text (resumed, 0), ==, "one");
  g_assert_true (g_str_has_prefix (frag_fragment_get_code (frag_conversation_get_fragment (resumed)),
                                   "print('first')"));
  g_assert_nonnull (frag_conversation_get_result (resumed));

  /* The undone exchange is not in the next request's context. */
  fake_provider_queue_stream (f->provider, third, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "three", &error));
  request_text = fake_provider_dup_request_text (f->provider);
  g_assert_null (strstr (request_text, "two"));
  g_assert_null (strstr (request_text, "second"));
  g_assert_nonnull (strstr (request_text, "[user] one\n[assistant] Here is the program"));
  g_assert_nonnull (strstr (request_text, "print('first')"));
  g_assert_true (g_str_has_suffix (request_text, "[user] three\n"));

  /* On disk, after reopening the database: both kept exchanges, with one version and
   * one result each, and nothing of the undone one. */
  stored = reopen_and_load (f);
  messages = frag_stored_conversation_get_messages (stored);
  g_assert_cmpuint (messages->len, ==, 4);
  g_assert_cmpstr (frag_stored_message_get_text (stored_message (stored, 0)), ==, "one");
  g_assert_cmpstr (frag_stored_message_get_text (stored_message (stored, 2)), ==, "three");
  versions = frag_stored_conversation_get_versions (stored);
  g_assert_cmpuint (versions->len, ==, 2);
  for (guint i = 0; i < versions->len; i++)
    g_assert_null (strstr (frag_stored_version_get_fragment_json (g_ptr_array_index (versions, i)), "second"));
  g_assert_cmpuint (frag_stored_conversation_get_results (stored)->len, ==, 2);
}

/* The history forgets the exchange even when the conversation is dropped right after
 * the undo (the window closed): the write does not depend on the controller. */
static void
test_undo_then_dispose (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *first = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('first')", -1);
  g_autofree char *second = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('second')", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragConversation) resumed = NULL;
  gint64 id;

  fake_provider_queue_stream (f->provider, first, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "one", &error));
  fake_provider_queue_stream (f->provider, second, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "two", &error));
  g_assert_no_error (error);
  id = frag_conversation_get_id (f->conversation);

  g_assert_true (frag_conversation_undo (f->conversation));
  g_clear_object (&f->conversation);
  /* The fixture's teardown wants a conversation. */
  f->conversation = frag_conversation_new (FRAG_PROVIDER (f->provider), FRAG_SANDBOX (f->sandbox),
                                           FRAG_HISTORY (f->store), FRAG_KEYRING (f->keyring), f->templates);

  resumed = load_resumed (f, id);
  g_assert_cmpuint (g_list_model_get_n_items (frag_conversation_get_messages (resumed)), ==, 2);
  g_assert_cmpstr (resumed_text (resumed, 0), ==, "one");
  g_assert_true (g_str_has_prefix (frag_fragment_get_code (frag_conversation_get_fragment (resumed)),
                                   "print('first')"));
}

/* When the history cannot forget the exchange, the undo still happens in the chat and
 * the failure is logged. */
static void
test_undo_history_fails (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *first = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('first')", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  fake_provider_queue_stream (f->provider, first, 3, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "one", &error));
  g_assert_no_error (error);
  pipeline_test_close_store (f->store);

  g_test_expect_message ("frag-conversation", G_LOG_LEVEL_WARNING,
                         "Could not remove messages from the history: *closed*");
  g_assert_true (frag_conversation_undo (f->conversation));
  g_assert_cmpuint (n_messages (f), ==, 0);
  g_assert_null (frag_conversation_get_fragment (f->conversation));
  /* The store answers in order: once a later request is back, the delete's answer (and
   * its warning) has been handled. */
  frag_history_store_flush_async (f->store, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_history_store_flush_finish (f->store, result, &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
}

static void
test_edit_and_run (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy", "print(1)", -1);
  g_autofree char *next = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy", "print(3)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) edited = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  g_autofree char *request_text = NULL;
  GPtrArray *versions;
  GPtrArray *executed;
  gint64 model_version;

  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "print one", &error));
  model_version = frag_conversation_get_version_id (f->conversation);

  edited = frag_fragment_copy (frag_conversation_get_fragment (f->conversation));
  frag_fragment_set_code (edited, "print('edited by hand')");
  g_assert_true (run_turn (f, OP_EDIT, NULL, edited, &error));
  g_assert_no_error (error);

  /* Same sandbox, nothing installed again. */
  g_assert_cmpuint (fake_sandbox_get_n_created (f->sandbox), ==, 1);
  g_assert_cmpuint (event_log_count (f->log, "sandbox:install-start"), ==, 1);
  executed = fake_sandbox_get_executed (f->sandbox);
  g_assert_cmpuint (executed->len, ==, 2);
  g_assert_cmpstr (frag_fragment_get_code (g_ptr_array_index (executed, 1)), ==, "print('edited by hand')");
  g_assert_cmpstr (frag_fragment_get_code (frag_conversation_get_fragment (f->conversation)), ==,
                   "print('edited by hand')");
  g_assert_cmpint (frag_conversation_get_version_id (f->conversation), >, model_version);

  /* The next prompt shows the model the current code. */
  fake_provider_queue_stream (f->provider, next, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "now print three", &error));
  request_text = fake_provider_dup_request_text (f->provider);
  g_assert_nonnull (strstr (request_text, "print('edited by hand')"));
  g_assert_nonnull (strstr (request_text, "edited the code"));

  stored = reopen_and_load (f);
  versions = frag_stored_conversation_get_versions (stored);
  g_assert_cmpuint (versions->len, ==, 3);
  g_assert_cmpint (frag_stored_version_get_origin (g_ptr_array_index (versions, 1)), ==,
                   FRAG_VERSION_ORIGIN_USER_EDIT);
  g_assert_cmpint (frag_stored_version_get_parent_id (g_ptr_array_index (versions, 1)), ==, model_version);
  g_assert_cmpint (frag_stored_version_get_message_id (g_ptr_array_index (versions, 1)), ==, 0);
  g_assert_cmpuint (frag_stored_conversation_get_results (stored)->len, ==, 3);
  g_clear_object (&f->store);
}

static void
test_fix_it (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *broken = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1/0)", -1);
  g_autofree char *fixed = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *request_text = NULL;
  FragLlmRequest *request;
  g_autofree char *last_turn = NULL;

  g_assert_false (frag_conversation_get_can_fix (f->conversation));
  fake_sandbox_raise_next_execute (f->sandbox, "ZeroDivisionError", "division by zero");
  fake_provider_queue_stream (f->provider, broken, 5, 1, FAKE_END_COMPLETE);
  /* The run happened: the turn succeeds, the result carries the code's error. */
  g_assert_true (send (f, "divide", &error));
  g_assert_no_error (error);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_FAILED);
  g_assert_true (frag_result_failed (frag_conversation_get_result (f->conversation)));
  g_assert_true (frag_conversation_get_can_fix (f->conversation));

  fake_provider_queue_stream (f->provider, fixed, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (run_turn (f, OP_FIX, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  g_assert_false (frag_conversation_get_can_fix (f->conversation));

  request = fake_provider_get_last_request (f->provider);
  last_turn = frag_llm_message_dup_text (frag_llm_request_get_message (request, frag_llm_request_get_n_messages (request) - 1));
  g_assert_nonnull (strstr (last_turn, "Error: ZeroDivisionError: division by zero"));
  g_assert_nonnull (strstr (last_turn, "Traceback"));
  g_assert_null (strstr (last_turn, "\033["));
  g_assert_nonnull (strstr (last_turn, "script.py"));
  /* The broken code is in the context for the model to fix. */
  request_text = fake_provider_dup_request_text (f->provider);
  g_assert_nonnull (strstr (request_text, "print(1/0)"));
  g_assert_cmpuint (n_messages (f), ==, 4);
}

static void
test_fix_port_timeout (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("static-html", NULL, "<p>", 8000);
  g_autofree char *fixed = pipeline_test_fragment_json ("static-html", NULL, "<p>ok</p>", 8000);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  g_autofree char *last_turn = NULL;
  FragLlmRequest *request;
  GPtrArray *results;

  fake_sandbox_fail_next_execute (f->sandbox, FRAG_SANDBOX_ERROR_PORT_TIMEOUT,
                                  "The app did not answer on port 8000 within 60 s");
  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  g_assert_false (send (f, "a page", &error));
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PORT_TIMEOUT);
  g_clear_error (&error);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_FAILED);
  g_assert_cmpint (frag_conversation_get_error_action (f->conversation), ==, FRAG_ERROR_ACTION_FIX);
  g_assert_true (frag_conversation_get_can_fix (f->conversation));
  /* The failed run is visible as a result. */
  g_assert_cmpstr (frag_result_get_error_name (frag_conversation_get_result (f->conversation)), ==, "SandboxError");

  fake_provider_queue_stream (f->provider, fixed, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (run_turn (f, OP_FIX, NULL, NULL, &error));
  g_assert_no_error (error);
  request = fake_provider_get_last_request (f->provider);
  last_turn = frag_llm_message_dup_text (frag_llm_request_get_message (request, frag_llm_request_get_n_messages (request) - 1));
  g_assert_nonnull (strstr (last_turn, "did not answer on port 8000"));

  stored = reopen_and_load (f);
  results = frag_stored_conversation_get_results (stored);
  g_assert_cmpuint (results->len, ==, 2);
  g_assert_nonnull (strstr (frag_stored_result_get_result_json (g_ptr_array_index (results, 0)), "port 8000"));
  g_clear_object (&f->store);
}

/* ---- failures ---- */

static void
test_auth_error (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  g_autofree char *hint = NULL;
  FragMessage *answer;

  fake_provider_queue_failure (f->provider, FRAG_PROVIDER_ERROR_AUTH, "Incorrect API key provided", -1);
  g_assert_false (send (f, "hello", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_AUTH);
  /* Never retried. */
  g_assert_cmpuint (fake_provider_get_n_requests (f->provider), ==, 1);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_FAILED);
  g_assert_cmpint (frag_conversation_get_error_action (f->conversation), ==, FRAG_ERROR_ACTION_ADD_KEY);
  hint = frag_conversation_dup_error_hint (f->conversation);
  g_assert_nonnull (strstr (hint, "API key"));
  answer = message_at (f, 1);
  g_assert_cmpint (frag_message_get_state (answer), ==, FRAG_MESSAGE_STATE_ERROR);
  g_assert_cmpstr (frag_message_get_error_message (answer), ==, "Incorrect API key provided");
  g_assert_nonnull (strstr (frag_message_get_error_hint (answer), "API key"));
  g_assert_cmpint (event_log_find (f->log, "sandbox:"), ==, -1);

  stored = reopen_and_load (f);
  g_assert_cmpstr (frag_stored_message_get_text (stored_message (stored, 0)), ==, "hello");
  g_assert_cmpint (frag_stored_message_get_state (stored_message (stored, 1)), ==, FRAG_MESSAGE_STATE_ERROR);
  g_clear_object (&f->store);
}

static void
test_no_key (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hint = NULL;

  frag_conversation_set_provider (f->conversation, FRAG_PROVIDER (f->provider), "anthropic", "claude-x");
  g_assert_false (send (f, "hello", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NO_KEY);
  g_assert_nonnull (strstr (error->message, "ANTHROPIC_API_KEY"));
  g_assert_cmpuint (fake_provider_get_n_requests (f->provider), ==, 0);
  hint = frag_conversation_dup_error_hint (f->conversation);
  g_assert_nonnull (strstr (hint, "Add an API key"));
  g_assert_cmpint (frag_message_get_state (message_at (f, 1)), ==, FRAG_MESSAGE_STATE_ERROR);
}

static void
test_keyless_provider (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;

  frag_conversation_set_provider (f->conversation, FRAG_PROVIDER (f->provider), "my-local-llm", "m");
  frag_conversation_set_api_key_required (f->conversation, FALSE);
  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "hello", &error));
  g_assert_no_error (error);
  g_assert_null (frag_llm_request_get_api_key (fake_provider_get_last_request (f->provider)));
}

static void
test_rate_limit_retried (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;
  gboolean announced = FALSE;

  fake_provider_queue_failure (f->provider, FRAG_PROVIDER_ERROR_RATE_LIMITED, "Rate limit reached", 7);
  fake_provider_queue_failure (f->provider, FRAG_PROVIDER_ERROR_OVERLOADED, "Overloaded", -1);
  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "busy day", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_n_requests (f->provider), ==, 3);
  g_assert_true (saw_phase (f, "waiting-to-retry"));
  for (guint i = 0; i < f->details->len; i++)
    if (strstr (g_ptr_array_index (f->details, i), "retrying in 7 s (attempt 2 of 4)") != NULL)
      announced = TRUE;
  g_assert_true (announced);
  g_assert_cmpuint (n_messages (f), ==, 2);
  g_assert_cmpint (frag_message_get_state (message_at (f, 1)), ==, FRAG_MESSAGE_STATE_COMPLETE);
}

static void
test_rate_limit_exhausted (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hint = NULL;

  for (guint i = 0; i < 4; i++)
    fake_provider_queue_failure (f->provider, FRAG_PROVIDER_ERROR_RATE_LIMITED, "Rate limit reached", 7);
  g_assert_false (send (f, "too busy", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_cmpuint (fake_provider_get_n_requests (f->provider), ==, 4);
  hint = frag_conversation_dup_error_hint (f->conversation);
  g_assert_cmpstr (hint, ==, "Wait 7 s, then retry, or pick a model of another provider.");
  g_assert_cmpint (frag_message_get_state (message_at (f, 1)), ==, FRAG_MESSAGE_STATE_ERROR);
  g_assert_cmpstr (frag_message_get_error_hint (message_at (f, 1)), ==, hint);
}

static void
test_rate_limit_too_long (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hint = NULL;

  /* A server that wants us back in ten minutes is not waited for. */
  fake_provider_queue_failure (f->provider, FRAG_PROVIDER_ERROR_RATE_LIMITED, "Quota", 600);
  g_assert_false (send (f, "later", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_cmpuint (fake_provider_get_n_requests (f->provider), ==, 1);
  hint = frag_conversation_dup_error_hint (f->conversation);
  g_assert_true (g_str_has_prefix (hint, "Wait 600 s"));
}

static void
test_dropped_stream (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  g_autofree char *partial = g_strndup (json, strlen (json) / 2);
  FragMessage *answer;

  fake_provider_queue_stream (f->provider, partial, 10, 1, FAKE_END_DROP);
  g_assert_false (send (f, "drop it", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK);
  /* Output had arrived: not retried. */
  g_assert_cmpuint (fake_provider_get_n_requests (f->provider), ==, 1);
  answer = message_at (f, 1);
  g_assert_cmpint (frag_message_get_state (answer), ==, FRAG_MESSAGE_STATE_ERROR);
  g_assert_cmpstr (frag_message_get_text (answer), ==, "Here is the program you asked for.");
  g_assert_cmpint (frag_conversation_get_error_action (f->conversation), ==, FRAG_ERROR_ACTION_CHECK_NETWORK);
  /* The speculative sandbox made for this answer was thrown away. */
  assert_before (f, "sandbox:ensure code-interpreter-v1 create fake-1", "sandbox:kill fake-1");

  stored = reopen_and_load (f);
  g_assert_cmpint (frag_stored_message_get_state (stored_message (stored, 1)), ==, FRAG_MESSAGE_STATE_ERROR);
  g_assert_nonnull (frag_stored_message_get_fragment_json (stored_message (stored, 1)));
  g_clear_object (&f->store);
}

static void
test_bad_output (Fixture       *f,
                 gconstpointer  data)
{
  const char *raw = "Sure! Here is your app: {\"template\": \"code-interpreter-v1\", \"commentary\": \"hi\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  FragMessage *answer;

  fake_provider_queue_stream (f->provider, raw, 4, 20, FAKE_END_COMPLETE);
  g_assert_false (send (f, "make an app", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT);
  answer = message_at (f, 1);
  g_assert_cmpint (frag_message_get_state (answer), ==, FRAG_MESSAGE_STATE_ERROR);
  /* The raw output is kept for the user to see. */
  g_assert_cmpstr (frag_message_get_text (answer), ==, raw);
  g_assert_cmpint (frag_conversation_get_error_action (f->conversation), ==, FRAG_ERROR_ACTION_PICK_MODEL);
  g_assert_cmpint (event_log_find (f->log, "sandbox:execute"), ==, -1);
  /* The template was complete early: a sandbox was speculated, then killed. */
  g_assert_cmpint (event_log_find (f->log, "sandbox:kill fake-1"), >=, 0);

  stored = reopen_and_load (f);
  g_assert_cmpstr (frag_stored_message_get_text (stored_message (stored, 1)), ==, raw);
  g_clear_object (&f->store);
}

static void
test_unknown_template (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("cobol-mainframe", NULL, "DISPLAY 'HI'", -1);
  g_autoptr(GError) error = NULL;

  fake_provider_queue_stream (f->provider, json, 10, 1, FAKE_END_COMPLETE);
  g_assert_false (send (f, "cobol", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT);
  /* Nothing was started for a template we do not know. */
  g_assert_cmpint (event_log_find (f->log, "sandbox:ensure"), ==, -1);
}

static void
test_sandbox_create_failure (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy", "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  g_autofree char *hint = NULL;

  fake_sandbox_fail_next_create (f->sandbox, FRAG_SANDBOX_ERROR_LIMIT, "You have reached the limit of 20 sandboxes");
  fake_provider_queue_stream (f->provider, json, 10, 1, FAKE_END_COMPLETE);
  g_assert_false (send (f, "run", &error));
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_LIMIT);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_FAILED);
  g_assert_cmpint (frag_conversation_get_error_action (f->conversation), ==, FRAG_ERROR_ACTION_SWITCH_TO_LOCAL);
  hint = frag_conversation_dup_error_hint (f->conversation);
  g_assert_nonnull (strstr (hint, "local backend"));
  g_assert_false (frag_conversation_get_can_fix (f->conversation));
  /* The answer is fine; the run failed, visibly and stored. */
  g_assert_cmpint (frag_message_get_state (message_at (f, 1)), ==, FRAG_MESSAGE_STATE_COMPLETE);
  g_assert_nonnull (frag_message_get_result (message_at (f, 1)));
  g_assert_cmpint (event_log_find (f->log, "sandbox:install-start"), ==, -1);

  stored = reopen_and_load (f);
  g_assert_cmpuint (frag_stored_conversation_get_results (stored)->len, ==, 1);
  g_assert_nonnull (strstr (frag_stored_result_get_result_json (g_ptr_array_index (frag_stored_conversation_get_results (stored), 0)),
                            "limit of 20 sandboxes"));
  g_clear_object (&f->store);
}

static void
test_sandbox_gone (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy", "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) again = NULL;

  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "first run", &error));

  /* The sandbox expired between runs: the next run makes a new one transparently. */
  fake_sandbox_fail_next_execute (f->sandbox, FRAG_SANDBOX_ERROR_GONE, "The sandbox was not found");
  again = frag_fragment_copy (frag_conversation_get_fragment (f->conversation));
  frag_fragment_set_code (again, "print(2)");
  g_assert_true (run_turn (f, OP_EDIT, NULL, again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  g_assert_cmpuint (fake_sandbox_get_n_created (f->sandbox), ==, 2);
  assert_before (f, "sandbox:execute fake-1 failed", "sandbox:ensure code-interpreter-v1 create fake-2");
  /* The dependencies are installed again in the new sandbox before the run. */
  assert_before (f, "sandbox:install-done pip install numpy in fake-2", "sandbox:execute fake-2");
}

static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  GAsyncResult *first_slot = NULL;
  GAsyncResult *second_slot = NULL;

  fake_provider_queue_stream (f->provider, json, 5, 5, FAKE_END_COMPLETE);
  frag_conversation_send_async (f->conversation, "one", NULL, NULL, pipeline_test_result_cb, &first_slot);
  g_assert_true (frag_conversation_get_busy (f->conversation));
  g_assert_false (frag_conversation_undo (f->conversation));
  frag_conversation_send_async (f->conversation, "two", NULL, NULL, pipeline_test_result_cb, &second_slot);
  second = pipeline_test_wait (&second_slot);
  g_assert_false (frag_conversation_send_finish (f->conversation, second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  first = pipeline_test_wait (&first_slot);
  g_assert_true (frag_conversation_send_finish (f->conversation, first, &error));
  g_assert_no_error (error);
}

static void
test_load (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('stored')", -1);
  g_autofree char *next = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('next')", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragConversation) resumed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *request_text = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "store this", &error));
  id = frag_conversation_get_id (f->conversation);

  resumed = frag_conversation_new (FRAG_PROVIDER (f->provider), FRAG_SANDBOX (f->sandbox),
                                   FRAG_HISTORY (f->store), FRAG_KEYRING (f->keyring), f->templates);
  frag_conversation_set_provider (resumed, FRAG_PROVIDER (f->provider), "openai", "gpt-4o");
  frag_conversation_load_async (resumed, id, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_load_finish (resumed, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (frag_conversation_get_id (resumed), ==, id);
  g_assert_cmpuint (g_list_model_get_n_items (frag_conversation_get_messages (resumed)), ==, 2);
  g_assert_true (g_str_has_prefix (frag_fragment_get_code (frag_conversation_get_fragment (resumed)), "print('stored')"));
  g_assert_nonnull (frag_conversation_get_result (resumed));
  g_clear_object (&result);

  fake_provider_queue_stream (f->provider, next, 5, 1, FAKE_END_COMPLETE);
  frag_conversation_send_async (resumed, "continue", NULL, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_send_finish (resumed, result, &error));
  request_text = fake_provider_dup_request_text (f->provider);
  g_assert_true (g_str_has_prefix (request_text, "[user] store this\n[assistant] Here is the program"));
  g_assert_nonnull (strstr (request_text, "print('stored')"));
}

static void
test_close_kills (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  g_assert_true (send (f, "run then close", &error));
  frag_conversation_close_async (f->conversation, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_close_finish (f->conversation, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event_log_find (f->log, "sandbox:kill fake-1"), >=, 0);
}

/* Without a sandbox (`frag generate` without --run): stored, never run. */
static void
test_generate_only (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy", "print(1)", -1);
  g_autoptr(FragConversation) conversation = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  conversation = frag_conversation_new (FRAG_PROVIDER (f->provider), NULL, FRAG_HISTORY (f->store),
                                        FRAG_KEYRING (f->keyring), f->templates);
  frag_conversation_set_provider (conversation, FRAG_PROVIDER (f->provider), "openai", "gpt-4o");
  g_assert_null (frag_conversation_get_generation (conversation));
  fake_provider_queue_stream (f->provider, json, 10, 2, FAKE_END_COMPLETE);
  frag_conversation_send_async (conversation, "just the code", NULL, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_send_finish (conversation, result, &error));
  g_assert_no_error (error);

  g_assert_cmpint (frag_conversation_get_phase (conversation), ==, FRAG_CONVERSATION_PHASE_IDLE);
  g_assert_nonnull (frag_conversation_get_fragment (conversation));
  g_assert_cmpint (frag_conversation_get_version_id (conversation), >, 0);
  g_assert_null (frag_conversation_get_result (conversation));
  g_assert_cmpint (event_log_find (f->log, "sandbox:"), ==, -1);
  g_assert_cmpint (frag_generation_get_output_tokens (frag_conversation_get_generation (conversation)), ==, 50);
  g_assert_false (frag_conversation_get_can_fix (conversation));
  g_clear_object (&result);

  /* Nothing to run an edit in. */
  frag_conversation_run_edit_async (conversation, frag_conversation_get_fragment (conversation), NULL,
                                    pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_false (frag_conversation_run_edit_finish (conversation, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* Keys come from the test's keyring, never from the developer's environment. */
  g_unsetenv ("OPENAI_API_KEY");
  g_unsetenv ("ANTHROPIC_API_KEY");

#define ADD(path, func) \
  g_test_add ("/pipeline/conversation/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("interpreter", test_interpreter);
  ADD ("web", test_web);
  ADD ("no-speculation", test_no_speculation);
  ADD ("template-change", test_template_change);
  ADD ("stop", test_stop);
  ADD ("stop-while-running", test_stop_while_running);
  ADD ("retry", test_retry);
  ADD ("retry-complete", test_retry_complete);
  ADD ("undo", test_undo);
  ADD ("undo-then-dispose", test_undo_then_dispose);
  ADD ("undo-history-fails", test_undo_history_fails);
  ADD ("edit-and-run", test_edit_and_run);
  ADD ("fix-it", test_fix_it);
  ADD ("fix-port-timeout", test_fix_port_timeout);
  ADD ("auth-error", test_auth_error);
  ADD ("no-key", test_no_key);
  ADD ("keyless-provider", test_keyless_provider);
  ADD ("rate-limit-retried", test_rate_limit_retried);
  ADD ("rate-limit-exhausted", test_rate_limit_exhausted);
  ADD ("rate-limit-too-long", test_rate_limit_too_long);
  ADD ("dropped-stream", test_dropped_stream);
  ADD ("bad-output", test_bad_output);
  ADD ("unknown-template", test_unknown_template);
  ADD ("sandbox-create-failure", test_sandbox_create_failure);
  ADD ("sandbox-gone", test_sandbox_gone);
  ADD ("busy", test_busy);
  ADD ("load", test_load);
  ADD ("close-kills", test_close_kills);
  ADD ("generate-only", test_generate_only);
#undef ADD

  return g_test_run ();
}
