/* test-llm-anthropic.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-anthropic-provider.h"
#include "llm-test-server.h"
#include "llm-test-streams.h"

#define TEST_KEY "sk-ant-api03-SECRET-0123456789abcdef"

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
  base_url = llm_test_server_get_url (fixture->server, "/v1");
  fixture->provider = FRAG_PROVIDER (frag_anthropic_provider_new (NULL, base_url));
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
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("anthropic", "claude-sonnet-4-20250514", TEST_KEY);

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
  g_autoptr(FragLlmRequest) request = frag_llm_request_new ("anthropic", "claude-sonnet-4-20250514");
  g_autoptr(FragLlmMessage) first = frag_llm_message_new (FRAG_LLM_ROLE_USER);
  g_autoptr(FragLlmMessage) answer = frag_llm_message_new (FRAG_LLM_ROLE_ASSISTANT);
  g_autoptr(FragLlmMessage) second = frag_llm_message_new (FRAG_LLM_ROLE_USER);
  g_autoptr(GBytes) image = g_bytes_new_static (png_bytes, sizeof png_bytes);
  g_autoptr(JsonNode) schema = llm_test_fragment_schema ();
  g_autofree char *body = llm_test_anthropic_stream (llm_test_fragment_json (), 6);
  g_autofree char *base64 = g_base64_encode (png_bytes, sizeof png_bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = NULL;
  JsonObject *json;
  JsonArray *messages;
  JsonArray *content;
  JsonObject *source;
  JsonObject *tool;
  JsonObject *choice;

  frag_llm_request_set_system_prompt (request, "System.");
  frag_llm_message_add_image (first, "image/png", image);
  frag_llm_message_add_text (first, "Build this");
  frag_llm_message_add_text (answer, "Commentary.");
  frag_llm_message_add_text (answer, "print(1)");
  frag_llm_message_add_text (second, "Make it blue");
  frag_llm_request_add_message (request, first);
  frag_llm_request_add_message (request, answer);
  frag_llm_request_add_message (request, second);
  frag_llm_request_set_schema (request, schema);
  frag_llm_request_set_api_key (request, TEST_KEY);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TEMPERATURE, 0.3);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TOP_K, 20);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_FREQUENCY_PENALTY, 0.3);

  llm_test_server_set_reply (fixture->server, 200, "text/event-stream", body, -1);
  llm_test_server_set_chunk_size (fixture->server, 57);
  g_assert_true (llm_test_generate (fixture->provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (llm_test_server_get_path (fixture->server), ==, "/v1/messages");
  g_assert_cmpstr (llm_test_server_get_header (fixture->server, "x-api-key"), ==, TEST_KEY);
  g_assert_cmpstr (llm_test_server_get_header (fixture->server, "anthropic-version"), ==, "2023-06-01");
  g_assert_null (llm_test_server_get_header (fixture->server, "Authorization"));

  json = json_node_get_object (llm_test_server_get_json (fixture->server));
  g_assert_cmpstr (json_object_get_string_member (json, "model"), ==, "claude-sonnet-4-20250514");
  g_assert_true (json_object_get_boolean_member (json, "stream"));
  g_assert_cmpint (json_object_get_int_member (json, "max_tokens"), ==, FRAG_ANTHROPIC_DEFAULT_MAX_TOKENS);
  g_assert_cmpstr (json_object_get_string_member (json, "system"), ==, "System.");
  g_assert_cmpfloat (json_object_get_double_member (json, "temperature"), ==, 0.3);
  g_assert_cmpint (json_object_get_int_member (json, "top_k"), ==, 20);
  g_assert_false (json_object_has_member (json, "frequency_penalty"));

  messages = json_object_get_array_member (json, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  content = json_object_get_array_member (json_array_get_object_element (messages, 0), "content");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 0), "type"), ==, "image");
  source = json_object_get_object_member (json_array_get_object_element (content, 0), "source");
  g_assert_cmpstr (json_object_get_string_member (source, "type"), ==, "base64");
  g_assert_cmpstr (json_object_get_string_member (source, "media_type"), ==, "image/png");
  g_assert_cmpstr (json_object_get_string_member (source, "data"), ==, base64);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 1), "text"), ==,
                   "Build this");
  content = json_object_get_array_member (json_array_get_object_element (messages, 1), "content");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "role"), ==,
                   "assistant");
  g_assert_cmpuint (json_array_get_length (content), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 1), "text"), ==,
                   "print(1)");

  tool = json_array_get_object_element (json_object_get_array_member (json, "tools"), 0);
  g_assert_cmpstr (json_object_get_string_member (tool, "name"), ==, "fragment");
  g_assert_true (json_node_equal (json_object_get_member (tool, "input_schema"), schema));
  choice = json_object_get_object_member (json, "tool_choice");
  g_assert_cmpstr (json_object_get_string_member (choice, "type"), ==, "tool");
  g_assert_cmpstr (json_object_get_string_member (choice, "name"), ==, "fragment");
  g_assert_true (json_object_get_boolean_member (choice, "disable_parallel_tool_use"));

  fragment = frag_generation_dup_fragment (fixture->generation, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_fragment_get_code (fragment), ==,
                   "print(\"h\xc3\xa9llo \xf0\x9f\x98\x80\")\nfor i in range(3):\n\tprint(i)\n");
  g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 849);
  g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 47);
  g_assert_cmpstr (frag_generation_get_finish_reason (fixture->generation), ==, "tool_use");
}

/* The §10.2 recording: each payload line framed as event: <type> + data:. */
static char *
frame_recorded (const char *line_end)
{
  g_autofree char *chunks = llm_test_read_fixture ("anthropic-json-tool.chunks.txt", NULL);
  g_auto(GStrv) lines = g_strsplit (chunks, "\n", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      g_string_append_printf (out, "event: %s%sdata: %s%s%s",
                              json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "type"),
                              line_end, lines[i], line_end, line_end);
    }
  /* The AI SDK's harness appends a [DONE] Anthropic never sends: it must not hurt. */
  g_string_append_printf (out, "data: [DONE]%s%s", line_end, line_end);
  return g_string_free (out, FALSE);
}

static void
test_recorded_stream (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *line_ends[] = { "\n", "\r\n", "\r" };
  const gsize sizes[] = { 0, 1, 5, 31, 200 };

  for (guint i = 0; i < G_N_ELEMENTS (line_ends); i++)
    {
      g_autofree char *body = frame_recorded (line_ends[i]);

      for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (run (fixture, body, sizes[j], &error));
          g_assert_no_error (error);
          g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==,
                           "{\"elements\": [{\"location\": \"San Francisco\", \"temperature\": 58, "
                           "\"condition\": \"sunny\"}]}");
          g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 849);
          g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 47);
        }
    }
}

static void
test_thinking_and_duplicate_start (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *body =
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":43}}}\n\n"
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":43}}}\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"{not output\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"fragment\",\"input\":{}}}\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":1}\"}}\n\n"
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"input_tokens\":61,\"output_tokens\":9}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

  g_assert_true (run (fixture, body, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, "{\"a\":1}");
  /* message_delta's input count wins over message_start's. */
  g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 61);
}

typedef struct
{
  guint       status;
  const char *header_name;
  const char *header_value;
  const char *body;
  int         code;
  double      retry_after;
  const char *message_part;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { 401, NULL, NULL, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"},"
    "\"request_id\":\"req_1\"}", FRAG_PROVIDER_ERROR_AUTH, -1, "invalid x-api-key" },
  { 403, NULL, NULL, "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"no access\"}}",
    FRAG_PROVIDER_ERROR_AUTH, -1, "no access" },
  { 404, NULL, NULL, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: claude-x\"}}",
    FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND, -1, "model: claude-x" },
  { 429, "retry-after", "12", "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of "
    "request tokens has exceeded your per-minute rate limit\"}}", FRAG_PROVIDER_ERROR_RATE_LIMITED, 12, "per-minute" },
  { 429, "retry-after", "30", "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"spend limit\","
    "\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}}}", FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED, -1, "spend limit" },
  { 500, NULL, NULL, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}",
    FRAG_PROVIDER_ERROR_SERVER, -1, "Internal server error" },
  { 529, NULL, NULL, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
    FRAG_PROVIDER_ERROR_OVERLOADED, -1, "Overloaded" },
  { 400, NULL, NULL, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"messages: "
    "roles must alternate\"}}", FRAG_PROVIDER_ERROR_BAD_REQUEST, -1, "roles must alternate" },
};

static void
test_error_responses (Fixture       *fixture,
                      gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(LlmTestServer) server = llm_test_server_new ();
      g_autofree char *url = llm_test_server_get_url (server, "/v1");
      g_autoptr(FragProvider) provider = FRAG_PROVIDER (frag_anthropic_provider_new (NULL, url));
      g_autoptr(FragLlmRequest) request = llm_test_request_new ("anthropic", "claude-x", TEST_KEY);
      g_autoptr(FragGeneration) generation = frag_generation_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: HTTP %u", i, c->status);
      llm_test_server_set_reply (server, c->status, "application/json", c->body, -1);
      if (c->header_name != NULL)
        llm_test_server_add_reply_header (server, c->header_name, c->header_value);
      g_assert_false (llm_test_generate (provider, request, generation, NULL, &error));
      g_assert_error (error, FRAG_PROVIDER_ERROR, c->code);
      g_assert_nonnull (strstr (error->message, c->message_part));
      g_assert_true (g_str_has_prefix (error->message, "Anthropic: "));
      g_assert_null (strstr (error->message, "SECRET"));
      g_assert_cmpfloat_with_epsilon (frag_generation_get_retry_after (generation), c->retry_after, 0.001);
    }
}

static void
test_stream_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *fragment_stream = llm_test_anthropic_stream (llm_test_fragment_json (), 8);
  g_autofree char *cut = g_strndup (fragment_stream, strlen (fragment_stream) - 60);
  g_autoptr(GError) overloaded = NULL;
  g_autoptr(GError) late = NULL;
  g_autoptr(GError) spliced = NULL;
  g_autoptr(GError) eof = NULL;
  g_autoptr(GError) garbage = NULL;
  g_autoptr(GString) late_body = g_string_new (NULL);

  /* Overloaded right after the 200. */
  g_assert_false (run (fixture,
                       "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                       "\"message\":\"Overloaded\"}}\n\n", 0, &overloaded));
  g_assert_error (overloaded, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_OVERLOADED);
  g_assert_nonnull (strstr (overloaded->message, "Overloaded"));

  /* An error after some output: what streamed stays visible. */
  g_string_append_len (late_body, fragment_stream, strstr (fragment_stream, "event: content_block_stop") - fragment_stream);
  g_string_append (late_body, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                              "\"message\":\"Internal error\"}}\n\n");
  g_assert_false (run (fixture, late_body->str, 64, &late));
  g_assert_error (late, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);
  g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, llm_test_fragment_json ());

  /* A second message with another id: two generations spliced together. */
  g_assert_false (run (fixture,
                       "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n"
                       "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\"}}\n\n",
                       0, &spliced));
  g_assert_error (spliced, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);

  /* EOF before message_stop. */
  g_assert_false (run (fixture, cut, 100, &eof));
  g_assert_error (eof, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK);
  g_assert_nonnull (strstr (eof->message, "message_stop"));

  g_assert_false (run (fixture, "event: ping\ndata: nonsense\n\n", 0, &garbage));
  g_assert_error (garbage, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);
}

static void
test_connection_dropped (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *body = llm_test_anthropic_stream (llm_test_fragment_json (), 8);
  g_autoptr(GError) error = NULL;

  body[strlen (body) / 2] = '\0';
  llm_test_server_set_ending (fixture->server, LLM_TEST_END_DROP);
  g_assert_false (run (fixture, body, 256, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("anthropic", "claude-x", TEST_KEY);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* Pings only, forever: cancel from a timer. */
  llm_test_server_set_reply (fixture->server, 200, "text/event-stream",
                             "event: ping\ndata: {\"type\":\"ping\"}\n\n", -1);
  llm_test_server_set_ending (fixture->server, LLM_TEST_END_HANG);
  g_timeout_add_once (100, (GSourceOnceFunc)g_cancellable_cancel, cancellable);
  start = g_get_monotonic_time ();
  g_assert_false (llm_test_generate (fixture->provider, request, fixture->generation, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_TIME_SPAN_SECOND);
}

static void
test_stall (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("anthropic", "claude-x", TEST_KEY);
  g_autoptr(GError) error = NULL;

  /* No byte at all after the headers. */
  llm_test_server_set_reply (fixture->server, 200, "text/event-stream", "", 0);
  llm_test_server_set_ending (fixture->server, LLM_TEST_END_HANG);
  frag_llm_request_set_stall_timeout (request, 200);
  g_assert_false (llm_test_generate (fixture->provider, request, fixture->generation, NULL, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_STALLED);
}

int
main (int   argc,
      char *argv[])
{
  llm_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/llm/anthropic/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("happy-path", test_happy_path);
  ADD ("recorded-stream", test_recorded_stream);
  ADD ("thinking-and-duplicate-start", test_thinking_and_duplicate_start);
  ADD ("error-responses", test_error_responses);
  ADD ("stream-errors", test_stream_errors);
  ADD ("connection-dropped", test_connection_dropped);
  ADD ("cancel", test_cancel);
  ADD ("stall", test_stall);
#undef ADD

  return g_test_run ();
}
