/* test-llm-ollama.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-ollama-provider.h"
#include "llm-test-server.h"
#include "llm-test-streams.h"

static const guint8 png_bytes[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };

typedef struct
{
  LlmTestServer  *server;
  FragProvider   *provider;
  FragGeneration *generation;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *base_url = NULL;

  fixture->server = llm_test_server_new ();
  base_url = llm_test_server_get_url (fixture->server, "");
  fixture->provider = FRAG_PROVIDER (frag_ollama_provider_new (NULL, base_url));
  fixture->generation = frag_generation_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->generation);
  g_clear_object (&fixture->provider);
  llm_test_server_free (fixture->server);
}

static gboolean
run (Fixture     *fixture,
     const char  *body,
     gsize        chunk_size,
     GError     **error)
{
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("ollama", "llama3.1", NULL);

  g_clear_object (&fixture->generation);
  fixture->generation = frag_generation_new ();
  llm_test_server_set_reply (fixture->server, 200, "application/x-ndjson", body, -1);
  llm_test_server_set_chunk_size (fixture->server, chunk_size);
  return llm_test_generate (fixture->provider, request, fixture->generation, NULL, error);
}

static void
test_happy_path (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FragLlmRequest) request = frag_llm_request_new ("ollama", "llava");
  g_autoptr(FragLlmMessage) first = frag_llm_message_new (FRAG_LLM_ROLE_USER);
  g_autoptr(GBytes) image = g_bytes_new_static (png_bytes, sizeof png_bytes);
  g_autoptr(JsonNode) schema = llm_test_fragment_schema ();
  g_autofree char *body = llm_test_ollama_stream (llm_test_fragment_json (), 5);
  g_autofree char *base64 = g_base64_encode (png_bytes, sizeof png_bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = NULL;
  JsonObject *json;
  JsonObject *options;
  JsonArray *messages;
  JsonObject *user;

  frag_llm_request_set_system_prompt (request, "System.");
  frag_llm_message_add_text (first, "Build this");
  frag_llm_message_add_image (first, "image/png", image);
  frag_llm_request_add_message (request, first);
  frag_llm_request_set_schema (request, schema);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TEMPERATURE, 0.1);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_MAX_TOKENS, 2048);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TOP_K, 10);

  llm_test_server_set_reply (fixture->server, 200, "application/x-ndjson", body, -1);
  llm_test_server_set_chunk_size (fixture->server, 41);
  g_assert_true (llm_test_generate (fixture->provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (llm_test_server_get_path (fixture->server), ==, "/api/chat");
  g_assert_null (llm_test_server_get_header (fixture->server, "Authorization"));
  json = json_node_get_object (llm_test_server_get_json (fixture->server));
  g_assert_cmpstr (json_object_get_string_member (json, "model"), ==, "llava");
  g_assert_true (json_object_get_boolean_member (json, "stream"));
  g_assert_true (json_node_equal (json_object_get_member (json, "format"), schema));
  options = json_object_get_object_member (json, "options");
  g_assert_cmpfloat (json_object_get_double_member (options, "temperature"), ==, 0.1);
  g_assert_cmpint (json_object_get_int_member (options, "num_predict"), ==, 2048);
  g_assert_cmpint (json_object_get_int_member (options, "top_k"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (options, "num_ctx"), ==, FRAG_OLLAMA_DEFAULT_NUM_CTX);
  messages = json_object_get_array_member (json, "messages");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==, "system");
  /* The docs advise the schema in the prompt as well. */
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "content"),
                            "JSON schema:"));
  user = json_array_get_object_element (messages, 1);
  g_assert_cmpstr (json_object_get_string_member (user, "content"), ==, "Build this");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (user, "images"), 0), ==, base64);

  fragment = frag_generation_dup_fragment (fixture->generation, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_fragment_get_file_path (fragment), ==, "script.py");
  g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 26);
  g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 290);
  g_assert_cmpstr (frag_generation_get_finish_reason (fixture->generation), ==, "stop");
}

static void
test_recorded_stream (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *body = llm_test_read_fixture ("ollama-chat.ndjson", NULL);
  g_autofree char *crlf = llm_test_reframe (body, "\r\n");
  const gsize sizes[] = { 0, 1, 9, 100 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;

      g_assert_true (run (fixture, body, sizes[i], &error));
      g_assert_no_error (error);
      g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, "Hello, World!");
      g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 26);
      g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 290);
      g_assert_true (run (fixture, crlf, sizes[i], &error2));
      g_assert_no_error (error2);
      g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, "Hello, World!");
    }
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) mid = NULL;
  g_autoptr(GError) eof = NULL;
  g_autoptr(GError) not_found = NULL;
  g_autoptr(GError) garbage = NULL;
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("ollama", "xyz", NULL);

  /* Mid-stream error line, status still 200, no final newline. */
  g_assert_false (run (fixture,
                       "{\"message\":{\"role\":\"assistant\",\"content\":\"{\"},\"done\":false}\n"
                       "{\"error\":\"an error was encountered while running the model\"}", 0, &mid));
  g_assert_error (mid, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);
  g_assert_nonnull (strstr (mid->message, "an error was encountered while running the model"));

  g_assert_false (run (fixture, "{\"message\":{\"role\":\"assistant\",\"content\":\"{\"},\"done\":false}\n", 0, &eof));
  g_assert_error (eof, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK);

  g_assert_false (run (fixture, "not json\n", 0, &garbage));
  g_assert_error (garbage, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);

  llm_test_server_set_reply (fixture->server, 404, "application/json", "{\"error\":\"model 'xyz' not found\"}", -1);
  g_assert_false (llm_test_generate (fixture->provider, request, fixture->generation, NULL, &not_found));
  g_assert_error (not_found, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND);
  g_assert_nonnull (strstr (not_found->message, "model 'xyz' not found"));
}

static void
test_host_parsing (void)
{
  const struct { const char *host; const char *url; } cases[] = {
    { NULL, "http://127.0.0.1:11434" },
    { "", "http://127.0.0.1:11434" },
    { "0.0.0.0", "http://0.0.0.0:11434" },
    { "example.com:8080", "http://example.com:8080" },
    { "http://example.com", "http://example.com:11434" },
    { "https://example.com", "https://example.com:443" },
    { "https://example.com:9000/ollama", "https://example.com:9000/ollama" },
    { "example.com/path", "http://example.com:11434/path" },
    { "[::1]", "http://[::1]:11434" },
    { "[::1]:1234", "http://[::1]:1234" },
    { " localhost:1 ", "http://localhost:1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = frag_ollama_base_url_from_host (cases[i].host);

      g_assert_cmpstr (url, ==, cases[i].url);
    }
}

int
main (int   argc,
      char *argv[])
{
  llm_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/llm/ollama/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("happy-path", test_happy_path);
  ADD ("recorded-stream", test_recorded_stream);
  ADD ("errors", test_errors);
#undef ADD
  g_test_add_func ("/llm/ollama/host-parsing", test_host_parsing);

  return g_test_run ();
}
