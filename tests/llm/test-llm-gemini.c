/* test-llm-gemini.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-gemini-provider.h"
#include "llm-test-server.h"
#include "llm-test-streams.h"

#define TEST_KEY "AIzaSy-SECRET-0123456789abcdef"

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
  base_url = llm_test_server_get_url (fixture->server, "/v1beta");
  fixture->provider = FRAG_PROVIDER (frag_gemini_provider_new (NULL, base_url));
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
     const char  *model,
     const char  *body,
     gsize        chunk_size,
     GError     **error)
{
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("google", model, TEST_KEY);

  g_clear_object (&fixture->generation);
  fixture->generation = frag_generation_new ();
  llm_test_server_set_reply (fixture->server, 200, "text/event-stream", body, -1);
  llm_test_server_set_chunk_size (fixture->server, chunk_size);
  return llm_test_generate (fixture->provider, request, fixture->generation, NULL, error);
}

static void
test_happy_path (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FragLlmRequest) request = frag_llm_request_new ("google", "models/gemini-2.0-flash");
  g_autoptr(FragLlmMessage) first = frag_llm_message_new (FRAG_LLM_ROLE_USER);
  g_autoptr(FragLlmMessage) answer = frag_llm_message_new (FRAG_LLM_ROLE_ASSISTANT);
  g_autoptr(GBytes) image = g_bytes_new_static (png_bytes, sizeof png_bytes);
  g_autoptr(JsonNode) schema = llm_test_fragment_schema ();
  g_autofree char *body = llm_test_gemini_stream (llm_test_fragment_json (), 7);
  g_autofree char *base64 = g_base64_encode (png_bytes, sizeof png_bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = NULL;
  JsonObject *json;
  JsonObject *config;
  JsonObject *response_schema;
  JsonObject *port;
  JsonArray *contents;
  JsonArray *parts;
  JsonArray *ordering;

  frag_llm_request_set_system_prompt (request, "System.");
  frag_llm_message_add_text (first, "Build this");
  frag_llm_message_add_image (first, "image/png", image);
  frag_llm_message_add_text (answer, "Commentary.");
  frag_llm_message_add_text (answer, "print(1)");
  frag_llm_request_add_message (request, first);
  frag_llm_request_add_message (request, answer);
  frag_llm_request_set_schema (request, schema);
  frag_llm_request_set_api_key (request, TEST_KEY);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TEMPERATURE, 0.7);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TOP_P, 0.95);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TOP_K, 32);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_MAX_TOKENS, 8192);

  llm_test_server_set_reply (fixture->server, 200, "text/event-stream", body, -1);
  llm_test_server_set_chunk_size (fixture->server, 33);
  g_assert_true (llm_test_generate (fixture->provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (llm_test_server_get_path (fixture->server), ==,
                   "/v1beta/models/gemini-2.0-flash:streamGenerateContent");
  g_assert_cmpstr (llm_test_server_get_query (fixture->server), ==, "alt=sse");
  g_assert_cmpstr (llm_test_server_get_header (fixture->server, "x-goog-api-key"), ==, TEST_KEY);
  g_assert_null (strstr (llm_test_server_get_query (fixture->server), "key="));

  json = json_node_get_object (llm_test_server_get_json (fixture->server));
  g_assert_cmpstr (json_array_get_object_element (json_object_get_array_member (
                     json_object_get_object_member (json, "systemInstruction"), "parts"), 0) != NULL
                   ? json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (
                       json_object_get_object_member (json, "systemInstruction"), "parts"), 0), "text") : NULL,
                   ==, "System.");
  contents = json_object_get_array_member (json, "contents");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contents, 0), "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contents, 1), "role"), ==, "model");
  parts = json_object_get_array_member (json_array_get_object_element (contents, 0), "parts");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parts, 0), "text"), ==, "Build this");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (parts, 1),
                                                                                 "inlineData"), "data"), ==, base64);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (parts, 1),
                                                                                 "inlineData"), "mimeType"), ==, "image/png");

  config = json_object_get_object_member (json, "generationConfig");
  g_assert_cmpfloat (json_object_get_double_member (config, "temperature"), ==, 0.7);
  g_assert_cmpfloat (json_object_get_double_member (config, "topP"), ==, 0.95);
  g_assert_cmpint (json_object_get_int_member (config, "topK"), ==, 32);
  g_assert_cmpint (json_object_get_int_member (config, "maxOutputTokens"), ==, 8192);
  g_assert_cmpstr (json_object_get_string_member (config, "responseMimeType"), ==, "application/json");
  response_schema = json_object_get_object_member (config, "responseSchema");
  g_assert_false (json_object_has_member (response_schema, "additionalProperties"));
  port = json_object_get_object_member (json_object_get_object_member (response_schema, "properties"), "port");
  g_assert_cmpstr (json_object_get_string_member (port, "type"), ==, "number");
  g_assert_true (json_object_get_boolean_member (port, "nullable"));
  ordering = json_object_get_array_member (response_schema, "propertyOrdering");
  g_assert_cmpuint (json_array_get_length (ordering), ==, 10);
  g_assert_cmpstr (json_array_get_string_element (ordering, 0), ==, "commentary");
  g_assert_cmpstr (json_array_get_string_element (ordering, 9), ==, "code");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (response_schema, "required")), ==, 10);

  fragment = frag_generation_dup_fragment (fixture->generation, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_fragment_get_title (fragment), ==, "Greeting");
  g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 9);
  g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 23 + 185);
  g_assert_cmpstr (frag_generation_get_finish_reason (fixture->generation), ==, "STOP");
}

static void
test_recorded_stream (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *chunks = llm_test_read_fixture ("gemini-text.chunks.txt", NULL);
  g_auto(GStrv) lines = g_strsplit (chunks, "\n", -1);
  const char *line_ends[] = { "\r\n", "\n", "\r" };
  const gsize sizes[] = { 0, 1, 3, 64 };

  for (guint e = 0; e < G_N_ELEMENTS (line_ends); e++)
    {
      GString *body = g_string_new (NULL);

      for (guint i = 0; lines[i] != NULL; i++)
        if (*lines[i] != '\0')
          g_string_append_printf (body, "data: %s%s%s", lines[i], line_ends[e], line_ends[e]);

      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (run (fixture, "gemini-3-pro-preview", body->str, sizes[s], &error));
          g_assert_no_error (error);
          g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==,
                           "There are **3** \"r\"s in strawberry.\n\nst**r**awbe**rr**y");
          g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 23 + 185);
        }
      g_string_free (body, TRUE);
    }
  /* A bare id is a path under models/. */
  g_assert_cmpstr (llm_test_server_get_path (fixture->server), ==,
                   "/v1beta/models/gemini-3-pro-preview:streamGenerateContent");
}

static void
test_thoughts_skipped (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *body =
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me think\",\"thought\":true}],\"role\":\"model\"}}]}\r\n\r\n"
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"{}\"}],\"role\":\"model\"},\"finishReason\":\"STOP\"}]}\r\n\r\n";

  g_assert_true (run (fixture, "gemini-2.5-pro", body, 0, &error));
  g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, "{}");
}

static void
test_gemma_has_no_system_instruction (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *body = llm_test_gemini_stream ("{}", 10);
  g_autoptr(GError) error = NULL;
  JsonObject *json;
  JsonArray *contents;

  g_assert_true (run (fixture, "gemma-3-27b-it", body, 0, &error));
  json = json_node_get_object (llm_test_server_get_json (fixture->server));
  g_assert_false (json_object_has_member (json, "systemInstruction"));
  contents = json_object_get_array_member (json, "contents");
  g_assert_cmpuint (json_array_get_length (contents), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (json_array_get_object_element (contents, 0), "parts"), 0), "text"),
                   ==, "You are a skilled software engineer.");
}

typedef struct
{
  guint       status;
  const char *body;
  int         code;
  double      retry_after;
  const char *message_part;
} ErrorCase;

static const ErrorCase error_cases[] = {
  /* A bad key is a 400 on Gemini. */
  { 400, "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\","
    "\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
    "\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\"}]}}",
    FRAG_PROVIDER_ERROR_AUTH, -1, "API key not valid" },
  { 400, "{\"error\":{\"code\":400,\"message\":\"Invalid JSON payload\",\"status\":\"INVALID_ARGUMENT\"}}",
    FRAG_PROVIDER_ERROR_BAD_REQUEST, -1, "Invalid JSON payload" },
  { 403, "{\"error\":{\"code\":403,\"message\":\"Permission denied\",\"status\":\"PERMISSION_DENIED\"}}",
    FRAG_PROVIDER_ERROR_AUTH, -1, "Permission denied" },
  { 404, "{\"error\":{\"code\":404,\"message\":\"models/gemini-pro is not found for API version v1beta\","
    "\"status\":\"NOT_FOUND\"}}", FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND, -1, "is not found" },
  /* The wait is in the body (RetryInfo), not a header. */
  { 429, "{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota\",\"status\":\"RESOURCE_EXHAUSTED\","
    "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[]},"
    "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"34.4s\"}]}}",
    FRAG_PROVIDER_ERROR_RATE_LIMITED, 34.4, "current quota" },
  { 500, "{\"error\":{\"code\":500,\"message\":\"Internal error\",\"status\":\"INTERNAL\"}}",
    FRAG_PROVIDER_ERROR_SERVER, -1, "Internal error" },
  { 503, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\","
    "\"status\":\"UNAVAILABLE\"}}", FRAG_PROVIDER_ERROR_OVERLOADED, -1, "overloaded" },
  /* Without alt=sse errors come wrapped in an array. */
  { 401, "[{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\","
    "\"status\":\"UNAUTHENTICATED\"}}]", FRAG_PROVIDER_ERROR_AUTH, -1, "invalid authentication" },
};

static void
test_error_responses (Fixture       *fixture,
                      gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(LlmTestServer) server = llm_test_server_new ();
      g_autofree char *url = llm_test_server_get_url (server, "/v1beta");
      g_autoptr(FragProvider) provider = FRAG_PROVIDER (frag_gemini_provider_new (NULL, url));
      g_autoptr(FragLlmRequest) request = llm_test_request_new ("google", "gemini-pro", TEST_KEY);
      g_autoptr(FragGeneration) generation = frag_generation_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: HTTP %u", i, c->status);
      llm_test_server_set_reply (server, c->status, "application/json; charset=UTF-8", c->body, -1);
      g_assert_false (llm_test_generate (provider, request, generation, NULL, &error));
      g_assert_error (error, FRAG_PROVIDER_ERROR, c->code);
      g_assert_nonnull (strstr (error->message, c->message_part));
      g_assert_null (strstr (error->message, "SECRET"));
      g_assert_cmpfloat_with_epsilon (frag_generation_get_retry_after (generation), c->retry_after, 0.001);
    }
}

static void
test_stream_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *fragment_stream = llm_test_gemini_stream (llm_test_fragment_json (), 16);
  g_autofree char *no_finish = g_strndup (fragment_stream, strstr (fragment_stream, "\"finishReason\"") - fragment_stream);
  g_autoptr(GError) bare = NULL;
  g_autoptr(GError) data_error = NULL;
  g_autoptr(GError) eof = NULL;
  g_autoptr(GError) blocked = NULL;
  g_autofree char *cut = NULL;

  /* A pretty-printed bare JSON error after some data, without data: prefixes. */
  g_assert_false (run (fixture, "gemini-2.0-flash",
                       "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"{\"}]}}]}\r\n\r\n"
                       "{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"The model is overloaded.\",\n"
                       "    \"status\": \"UNAVAILABLE\"\n  }\n}\n", 7, &bare));
  g_assert_error (bare, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_OVERLOADED);
  g_assert_nonnull (strstr (bare->message, "The model is overloaded."));

  g_assert_false (run (fixture, "gemini-2.0-flash",
                       "data: {\"error\":{\"code\":500,\"message\":\"Internal\",\"status\":\"INTERNAL\"}}\r\n\r\n",
                       0, &data_error));
  g_assert_error (data_error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);

  /* EOF with no finishReason: the connection dropped. */
  cut = g_strndup (no_finish, g_strrstr (no_finish, "data: ") - no_finish);
  g_assert_false (run (fixture, "gemini-2.0-flash", cut, 50, &eof));
  g_assert_error (eof, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK);

  g_assert_false (run (fixture, "gemini-2.0-flash",
                       "data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}\r\n\r\n", 0, &blocked));
  g_assert_error (blocked, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (blocked->message, "SAFETY"));
}

static void
test_truncated_output (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = NULL;
  const char *body =
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"{\\\"commentary\\\":\\\"long\"}]},"
    "\"finishReason\":\"MAX_TOKENS\"}]}\r\n\r\n";

  g_assert_true (run (fixture, "gemini-2.0-flash", body, 0, &error));
  g_assert_no_error (error);
  fragment = frag_generation_dup_fragment (fixture->generation, NULL, &error);
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT);
  g_assert_nonnull (strstr (error->message, "maximum number of output tokens"));
  g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, "{\"commentary\":\"long");
}

int
main (int   argc,
      char *argv[])
{
  llm_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/llm/gemini/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("happy-path", test_happy_path);
  ADD ("recorded-stream", test_recorded_stream);
  ADD ("thoughts-skipped", test_thoughts_skipped);
  ADD ("gemma-has-no-system-instruction", test_gemma_has_no_system_instruction);
  ADD ("error-responses", test_error_responses);
  ADD ("stream-errors", test_stream_errors);
  ADD ("truncated-output", test_truncated_output);
#undef ADD

  return g_test_run ();
}
