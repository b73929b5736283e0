/* test-pipeline-integration.c: FragConversation end to end with the real services: the
 * OpenAI provider against a loopback model, the local bubblewrap backend, the E2B
 * backend against a loopback fake E2B, and the SQLite history.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fake-e2b-util.h"
#include "frag-conversation.h"
#include "frag-e2b-sandbox.h"
#include "frag-history-store.h"
#include "frag-local-sandbox.h"
#include "frag-memory-keyring.h"
#include "frag-provider-registry.h"
#include "pipeline-model-server.h"
#include "pipeline-test-util.h"

#define TEST_KEY "sk-integration-0123456789"

typedef struct
{
  EventLog             *log;
  PipelineModelServer  *model;
  FragProviderRegistry *registry;
  FragProvider         *provider;
  FragHistoryStore     *store;
  FragMemoryKeyring    *keyring;
  FragTemplateCatalog  *templates;
  char                 *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SoupSession) session = fake_e2b_session_new ();
  g_autofree char *base_url = NULL;
  g_autofree char *db = NULL;
  GAsyncResult *slot = NULL;

  f->log = event_log_new ();
  f->model = pipeline_model_server_new (f->log);
  base_url = pipeline_model_server_dup_base_url (f->model);
  /* The CLI's path: the registry's "openai" client with --base-url. */
  f->registry = frag_provider_registry_new (session);
  f->provider = frag_provider_registry_create (f->registry, "openai", base_url, &error);
  g_assert_no_error (error);
  f->dir = g_dir_make_tmp ("pipeline-it-XXXXXX", NULL);
  db = g_build_filename (f->dir, "history.db", NULL);
  f->store = pipeline_test_open_store (db);
  f->keyring = frag_memory_keyring_new ();
  frag_keyring_store_key_async (FRAG_KEYRING (f->keyring), "openai", TEST_KEY, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_keyring_store_key_finish (FRAG_KEYRING (f->keyring), result, &error));
  f->templates = frag_template_catalog_new_builtin ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "history.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  pipeline_test_close_store (f->store);
  g_clear_object (&f->store);
  g_clear_object (&f->provider);
  g_clear_object (&f->registry);
  g_clear_object (&f->keyring);
  g_clear_object (&f->templates);
  pipeline_model_server_free (f->model);
  event_log_free (f->log);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static FragConversation *
new_conversation (Fixture     *f,
                  FragSandbox *sandbox)
{
  FragConversation *conversation = frag_conversation_new (f->provider, sandbox, FRAG_HISTORY (f->store),
                                                          FRAG_KEYRING (f->keyring), f->templates);

  frag_conversation_set_provider (conversation, f->provider, "openai", "gpt-4o");
  frag_conversation_set_retry_policy (conversation, 3, 1000, 0.01);
  return conversation;
}

static gboolean
send (FragConversation  *conversation,
      const char        *prompt,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  frag_conversation_send_async (conversation, prompt, NULL, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  return frag_conversation_send_finish (conversation, result, error);
}

static void
close_conversation (FragConversation *conversation)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  frag_conversation_close_async (conversation, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_close_finish (conversation, result, &error));
  g_assert_no_error (error);
}

static void
test_openai_local (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL,
                                                       "print('hello from the sandbox')", -1);
  g_autoptr(FragLocalSandbox) sandbox = NULL;
  g_autoptr(FragConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *auth = NULL;
  JsonObject *request;

  if (!g_file_test ("/usr/bin/bwrap", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("bubblewrap is not installed");
      return;
    }
  sandbox = frag_local_sandbox_new ();
  conversation = new_conversation (f, FRAG_SANDBOX (sandbox));
  pipeline_model_server_queue_stream (f->model, json, 20, 5);

  g_assert_true (send (conversation, "Say hello", &error));
  g_assert_no_error (error);
  g_assert_cmpint (frag_conversation_get_phase (conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  out = frag_result_dup_stdout_text (frag_conversation_get_result (conversation));
  g_assert_cmpstr (out, ==, "hello from the sandbox\n");
  g_assert_cmpstr (frag_result_get_backend (frag_conversation_get_result (conversation)), ==,
                   FRAG_RESULT_BACKEND_LOCAL);

  /* What went over the wire: the key from the keyring, the model, the prompt. */
  auth = g_strdup_printf ("Bearer %s", TEST_KEY);
  g_assert_cmpstr (pipeline_model_server_get_auth (f->model), ==, auth);
  request = json_node_get_object (pipeline_model_server_get_request (f->model));
  g_assert_cmpstr (json_object_get_string_member (request, "model"), ==, "gpt-4o");
  g_assert_true (json_object_get_boolean_member (request, "stream"));

  close_conversation (conversation);
}

static void
test_openai_rate_limit (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_autoptr(FragLocalSandbox) sandbox = frag_local_sandbox_new ();
  g_autoptr(FragConversation) conversation = new_conversation (f, FRAG_SANDBOX (sandbox));
  g_autoptr(GError) error = NULL;

  if (!g_file_test ("/usr/bin/bwrap", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("bubblewrap is not installed");
      return;
    }
  pipeline_model_server_queue_error (f->model, 429, "requests", "Rate limit reached for gpt-4o", "2");
  pipeline_model_server_queue_stream (f->model, json, 5, 1);
  g_assert_true (send (conversation, "again", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pipeline_model_server_get_n_requests (f->model), ==, 2);
  g_assert_cmpint (frag_conversation_get_phase (conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  close_conversation (conversation);
}

static void
test_openai_auth (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(FragLocalSandbox) sandbox = frag_local_sandbox_new ();
  g_autoptr(FragConversation) conversation = new_conversation (f, FRAG_SANDBOX (sandbox));
  g_autoptr(GError) error = NULL;
  g_autofree char *hint = NULL;
  g_autoptr(FragMessage) answer = NULL;

  pipeline_model_server_queue_error (f->model, 401, "invalid_request_error", "Incorrect API key provided", NULL);
  g_assert_false (send (conversation, "hello", &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_AUTH);
  g_assert_null (strstr (error->message, TEST_KEY));
  g_assert_cmpuint (pipeline_model_server_get_n_requests (f->model), ==, 1);
  hint = frag_conversation_dup_error_hint (conversation);
  g_assert_nonnull (strstr (hint, "API key"));
  answer = g_list_model_get_item (frag_conversation_get_messages (conversation), 1);
  g_assert_cmpint (frag_message_get_state (answer), ==, FRAG_MESSAGE_STATE_ERROR);
}

typedef struct
{
  FakeE2b   *fake;
  JsonArray *at_last_chunk;
} Snapshot;

/* The fake E2B's request log at the moment the model sends its last delta. A separate
 * session, used synchronously: the fake answers from its own threads. */
static void
snapshot_e2b_cb (gpointer user_data)
{
  Snapshot *snapshot = user_data;
  g_autoptr(SoupSession) session = fake_e2b_session_new ();
  g_autofree char *url = g_strconcat (snapshot->fake->base_url, "/_fake/requests", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (body);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL));
  snapshot->at_last_chunk = json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static gboolean
log_has (JsonArray  *log,
         const char *method,
         const char *path_part)
{
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);

      if (g_str_equal (json_object_get_string_member (entry, "method"), method) &&
          strstr (json_object_get_string_member (entry, "path"), path_part) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_e2b_speculation (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy",
                                                       "print('e2b')", -1);
  FakeE2b *fake = fake_e2b_start (0);
  g_autoptr(FragE2bClient) client = fake_e2b_client_new (fake, FAKE_E2B_API_KEY);
  g_autoptr(FragE2bSandbox) sandbox = frag_e2b_sandbox_new (client, NULL);
  g_autoptr(FragConversation) conversation = new_conversation (f, FRAG_SANDBOX (sandbox));
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  Snapshot snapshot = { fake, NULL };

  pipeline_model_server_set_last_hook (f->model, snapshot_e2b_cb, &snapshot);
  pipeline_model_server_queue_stream (f->model, json, 40, 15);
  g_assert_true (send (conversation, "Use E2B", &error));
  g_assert_no_error (error);

  /* Before the model's last delta, E2B had made the sandbox and run the install. */
  g_assert_nonnull (snapshot.at_last_chunk);
  g_assert_true (log_has (snapshot.at_last_chunk, "POST", "/sandboxes"));
  g_assert_true (log_has (snapshot.at_last_chunk, "POST", "/process.Process/Start"));
  g_assert_false (log_has (snapshot.at_last_chunk, "POST", "/execute"));

  out = frag_result_dup_stdout_text (frag_conversation_get_result (conversation));
  g_assert_cmpstr (out, ==, "e2b\n");
  g_assert_cmpstr (frag_result_get_backend (frag_conversation_get_result (conversation)), ==,
                   FRAG_RESULT_BACKEND_E2B);

  close_conversation (conversation);
  json_array_unref (snapshot.at_last_chunk);
  fake_e2b_stop (fake);
}

/* static-html runs on E2B's "base" template: the fake starts the server when the
 * start command runs and answers on the port after two gateway errors. */
static void
test_e2b_web (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("static-html", NULL, "<h1>on e2b</h1>", 8000);
  FakeE2b *fake = fake_e2b_start (0);
  g_autoptr(FragE2bClient) client = fake_e2b_client_new (fake, FAKE_E2B_API_KEY);
  g_autoptr(FragE2bSandbox) sandbox = frag_e2b_sandbox_new (client, NULL);
  g_autoptr(FragConversation) conversation = new_conversation (f, FRAG_SANDBOX (sandbox));
  g_autoptr(GError) error = NULL;
  const char *url;

  pipeline_model_server_queue_stream (f->model, json, 10, 2);
  g_assert_true (send (conversation, "A page on E2B", &error));
  g_assert_no_error (error);
  g_assert_cmpint (frag_conversation_get_phase (conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  url = frag_result_get_url (frag_conversation_get_result (conversation));
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, fake->base_url));
  close_conversation (conversation);
  fake_e2b_stop (fake);
}

static void
test_e2b_template_missing (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("nextjs-developer", NULL, "export default 1", 3000);
  FakeE2b *fake = fake_e2b_start (0);
  g_autoptr(FragE2bClient) client = fake_e2b_client_new (fake, FAKE_E2B_API_KEY);
  g_autoptr(FragE2bSandbox) sandbox = frag_e2b_sandbox_new (client, NULL);
  g_autoptr(FragConversation) conversation = new_conversation (f, FRAG_SANDBOX (sandbox));
  g_autoptr(GError) error = NULL;

  /* The fake E2B knows no Next.js template. */
  pipeline_model_server_queue_stream (f->model, json, 5, 2);
  g_assert_false (send (conversation, "A Next.js app on E2B", &error));
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_TEMPLATE_NOT_FOUND);
  g_assert_cmpint (frag_conversation_get_error_action (conversation), ==, FRAG_ERROR_ACTION_SWITCH_TO_LOCAL);
  g_assert_nonnull (frag_conversation_get_result (conversation));
  fake_e2b_stop (fake);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_unsetenv ("OPENAI_API_KEY");
  /* The loopback servers must not be reached through a proxy. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");

#define ADD(path, func) \
  g_test_add ("/pipeline/integration/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("openai-local", test_openai_local);
  ADD ("openai-rate-limit", test_openai_rate_limit);
  ADD ("openai-auth", test_openai_auth);
  ADD ("e2b-speculation", test_e2b_speculation);
  ADD ("e2b-web", test_e2b_web);
  ADD ("e2b-template-missing", test_e2b_template_missing);
#undef ADD

  return g_test_run ();
}
