/* test-llm-openai.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-openai-provider.h"
#include "llm-test-server.h"
#include "llm-test-streams.h"

#define TEST_KEY "sk-test-SECRET-0123456789abcdef"

typedef struct
{
  LlmTestServer  *server;
  char           *base_url;
  FragGeneration *generation;
  guint           n_changed;
} Fixture;

static void
on_changed_cb (FragGeneration *generation,
               Fixture        *fixture)
{
  fixture->n_changed++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = llm_test_server_new ();
  fixture->base_url = llm_test_server_get_url (fixture->server, "/v1");
  fixture->generation = frag_generation_new ();
  g_signal_connect (fixture->generation, "changed", G_CALLBACK (on_changed_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->generation);
  g_free (fixture->base_url);
  llm_test_server_free (fixture->server);
}

static FragProvider *
new_provider (Fixture          *fixture,
              FragOpenaiFlavor  flavor)
{
  return FRAG_PROVIDER (frag_openai_provider_new (NULL, flavor, "OpenAI", fixture->base_url));
}

static void
serve_sse (Fixture    *fixture,
           const char *body,
           gsize       chunk_size)
{
  llm_test_server_set_reply (fixture->server, 200, "text/event-stream", body, -1);
  llm_test_server_set_chunk_size (fixture->server, chunk_size);
}

static JsonObject *
request_json (Fixture *fixture)
{
  return json_node_get_object (llm_test_server_get_json (fixture->server));
}

static void
assert_fragment_ok (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = frag_generation_dup_fragment (fixture->generation, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (fragment);
  g_assert_cmpstr (frag_fragment_get_title (fragment), ==, "Greeting");
  g_assert_cmpstr (frag_fragment_get_template (fragment), ==, "code-interpreter-v1");
  g_assert_cmpstr (frag_fragment_get_code (fragment), ==,
                   "print(\"h\xc3\xa9llo \xf0\x9f\x98\x80\")\nfor i in range(3):\n\tprint(i)\n");
  g_assert_cmpstr (frag_fragment_get_commentary (fragment), ==,
                   "I will print a greeting \xc3\xa9 and a \"quote\".");
  g_assert_cmpint (frag_fragment_get_port (fragment), ==, FRAG_FRAGMENT_NO_PORT);
}

static void
test_happy_path (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 3, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) schema = llm_test_fragment_schema ();
  JsonObject *json;
  JsonObject *format;
  JsonArray *messages;

  serve_sse (fixture, body, 97);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);

  /* What the server got. */
  g_assert_cmpstr (llm_test_server_get_method (fixture->server), ==, "POST");
  g_assert_cmpstr (llm_test_server_get_path (fixture->server), ==, "/v1/chat/completions");
  g_assert_cmpstr (llm_test_server_get_header (fixture->server, "Authorization"), ==, "Bearer " TEST_KEY);
  g_assert_cmpstr (llm_test_server_get_header (fixture->server, "Content-Type"), ==, "application/json");
  json = request_json (fixture);
  g_assert_cmpstr (json_object_get_string_member (json, "model"), ==, "gpt-4o");
  g_assert_true (json_object_get_boolean_member (json, "stream"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json, "stream_options"),
                                                 "include_usage"));
  messages = json_object_get_array_member (json, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==, "system");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "content"), ==,
                   "You are a skilled software engineer.");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "content"), ==,
                   "Print a greeting");
  format = json_object_get_object_member (json, "response_format");
  g_assert_cmpstr (json_object_get_string_member (format, "type"), ==, "json_schema");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (format, "json_schema"), "name"), ==,
                   "fragment");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (format, "json_schema"), "strict"));
  g_assert_true (json_node_equal (json_object_get_member (json_object_get_object_member (format, "json_schema"),
                                                          "schema"), schema));
  g_assert_false (json_object_has_member (json, "temperature"));
  g_assert_false (json_object_has_member (json, "tools"));

  /* What the generation shows. */
  assert_fragment_ok (fixture);
  g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 17);
  g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 10);
  g_assert_cmpstr (frag_generation_get_finish_reason (fixture->generation), ==, "stop");
  g_assert_cmpuint (frag_generation_get_bytes_received (fixture->generation), ==, strlen (body));
  g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, llm_test_fragment_json ());
  /* The partial object grew visibly, many times, while it streamed. */
  g_assert_cmpuint (fixture->n_changed, >, 50);
}

static void
replay_recorded (Fixture    *fixture,
                 const char *stream,
                 gsize       chunk_size)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o-2024-08-06", TEST_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = NULL;

  g_clear_object (&fixture->generation);
  fixture->generation = frag_generation_new ();
  serve_sse (fixture, stream, chunk_size);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==,
                   "{\"city\":\"San Francisco\",\"units\":\"c\"}");
  g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 17);
  g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 10);
  g_assert_cmpstr (frag_generation_get_finish_reason (fixture->generation), ==, "stop");
  /* Valid JSON, but not a fragment: bad output, with the raw text kept. */
  fragment = frag_generation_dup_fragment (fixture->generation, NULL, &error);
  g_assert_null (fragment);
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT);
}

static void
test_recorded_stream (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *stream = llm_test_read_fixture ("openai-structured.sse", NULL);
  g_autofree char *crlf = llm_test_reframe (stream, "\r\n");
  g_autofree char *cr = llm_test_reframe (stream, "\r");
  /* Sizes that cut lines, CRLF pairs and JSON at different places. */
  const gsize sizes[] = { 0, 1, 2, 7, 13, 64, 333 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      replay_recorded (fixture, stream, sizes[i]);
      replay_recorded (fixture, crlf, sizes[i]);
      replay_recorded (fixture, cr, sizes[i]);
    }
}

static void
test_tool_mode (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4-turbo", TEST_KEY);
  /* A compatible server starting its tool calls at index 1. */
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 5, 1);
  g_autoptr(GError) error = NULL;
  JsonObject *json;
  JsonObject *tool;
  JsonObject *choice;

  serve_sse (fixture, body, 0);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);

  json = request_json (fixture);
  g_assert_false (json_object_has_member (json, "response_format"));
  tool = json_array_get_object_element (json_object_get_array_member (json, "tools"), 0);
  g_assert_cmpstr (json_object_get_string_member (tool, "type"), ==, "function");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (tool, "function"), "name"), ==,
                   "fragment");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (tool, "function"), "strict"));
  g_assert_true (json_object_has_member (json_object_get_object_member (tool, "function"), "parameters"));
  choice = json_object_get_object_member (json, "tool_choice");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (choice, "function"), "name"), ==,
                   "fragment");

  assert_fragment_ok (fixture);
  g_assert_cmpstr (frag_generation_get_finish_reason (fixture->generation), ==, "tool_calls");
}

static const guint8 png_bytes[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };

static FragLlmRequest *
new_image_request (const char *provider,
                   const char *model)
{
  FragLlmRequest *request = frag_llm_request_new (provider, model);
  g_autoptr(FragLlmMessage) first = frag_llm_message_new (FRAG_LLM_ROLE_USER);
  g_autoptr(FragLlmMessage) answer = frag_llm_message_new (FRAG_LLM_ROLE_ASSISTANT);
  g_autoptr(FragLlmMessage) second = frag_llm_message_new (FRAG_LLM_ROLE_USER);
  g_autoptr(GBytes) image = g_bytes_new_static (png_bytes, sizeof png_bytes);
  g_autoptr(JsonNode) schema = llm_test_fragment_schema ();

  frag_llm_request_set_system_prompt (request, "System.");
  frag_llm_message_add_text (first, "Build this");
  frag_llm_message_add_image (first, "image/png", image);
  frag_llm_message_add_text (answer, "I built it.");
  frag_llm_message_add_text (answer, "print(1)");
  frag_llm_message_add_text (second, "Make it blue");
  frag_llm_request_add_message (request, first);
  frag_llm_request_add_message (request, answer);
  frag_llm_request_add_message (request, second);
  frag_llm_request_set_schema (request, schema);
  frag_llm_request_set_api_key (request, TEST_KEY);
  return request;
}

static void
test_images_and_history (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = new_image_request ("openai", "gpt-4.1");
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 40, -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_url = NULL;
  g_autofree char *base64 = g_base64_encode (png_bytes, sizeof png_bytes);
  JsonArray *messages;
  JsonArray *content;
  JsonObject *image;

  serve_sse (fixture, body, 0);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);

  messages = json_object_get_array_member (request_json (fixture), "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 4);
  content = json_object_get_array_member (json_array_get_object_element (messages, 1), "content");
  g_assert_cmpuint (json_array_get_length (content), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 0), "type"), ==, "text");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 0), "text"), ==,
                   "Build this");
  image = json_array_get_object_element (content, 1);
  g_assert_cmpstr (json_object_get_string_member (image, "type"), ==, "image_url");
  expected_url = g_strconcat ("data:image/png;base64,", base64, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (image, "image_url"), "url"), ==,
                   expected_url);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 2), "role"), ==,
                   "assistant");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 2), "content"), ==,
                   "I built it.\nprint(1)");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 3), "content"), ==,
                   "Make it blue");
}

static void
test_mistral_quirks (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_MISTRAL);
  g_autoptr(FragLlmRequest) request = new_image_request ("mistral", "pixtral-large-latest");
  g_autofree char *body = NULL;
  g_autofree char *tail = llm_test_read_fixture ("mistral-text-tail.chunks.txt", NULL);
  g_auto(GStrv) lines = g_strsplit (tail, "\n", -1);
  g_autoptr(GError) error = NULL;
  JsonObject *json;
  JsonArray *messages;
  JsonObject *image;
  const char *system_prompt;

  /* Mistral's recorded ending: usage on the finish chunk, no stream_options. */
  body = g_strdup_printf ("data: %s\n\ndata: %s\n\ndata: [DONE]\n\n", lines[0], lines[1]);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TEMPERATURE, 0.5);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_PRESENCE_PENALTY, 0.1);
  serve_sse (fixture, body, 0);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);

  json = request_json (fixture);
  g_assert_false (json_object_has_member (json, "stream_options"));
  g_assert_false (json_object_has_member (json, "presence_penalty"));
  g_assert_cmpfloat (json_object_get_double_member (json, "temperature"), ==, 0.5);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json, "response_format"), "type"),
                   ==, "json_object");
  messages = json_object_get_array_member (json, "messages");
  system_prompt = json_object_get_string_member (json_array_get_object_element (messages, 0), "content");
  g_assert_true (g_str_has_prefix (system_prompt, "System.\n\nJSON schema:\n{"));
  g_assert_true (g_str_has_suffix (system_prompt, "You MUST answer with a JSON object that matches the JSON schema above."));
  image = json_array_get_object_element (json_object_get_array_member (json_array_get_object_element (messages, 1),
                                                                       "content"), 1);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (image, "image_url"), "data:image/png;base64,"));

  g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, " response.");
  g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 13);
  g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 8);
}

static void
test_reasoning_model (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "o3", TEST_KEY);
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 64, -1);
  g_autoptr(GError) error = NULL;
  JsonObject *json;

  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TEMPERATURE, 0.2);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_MAX_TOKENS, 4000);
  serve_sse (fixture, body, 0);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);

  json = request_json (fixture);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (json, "messages"), 0), "role"), ==, "developer");
  g_assert_cmpint (json_object_get_int_member (json, "max_completion_tokens"), ==, 4000);
  g_assert_false (json_object_has_member (json, "max_tokens"));
  g_assert_false (json_object_has_member (json, "temperature"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json, "response_format"), "type"),
                   ==, "json_schema");
  assert_fragment_ok (fixture);
}

static void
test_parameters (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FragProvider) openai = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragProvider) together = new_provider (fixture, FRAG_OPENAI_FLAVOR_TOGETHER);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 64, -1);
  g_autoptr(GError) error = NULL;
  JsonObject *json;

  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TEMPERATURE, 0.25);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TOP_P, 0.9);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_TOP_K, 40);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_MAX_TOKENS, 8192);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_FREQUENCY_PENALTY, 0.5);
  frag_llm_request_set_param (request, FRAG_LLM_PARAM_PRESENCE_PENALTY, -0.5);
  serve_sse (fixture, body, 0);
  g_assert_true (llm_test_generate (openai, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);
  json = request_json (fixture);
  g_assert_cmpfloat (json_object_get_double_member (json, "temperature"), ==, 0.25);
  g_assert_cmpfloat (json_object_get_double_member (json, "top_p"), ==, 0.9);
  g_assert_cmpint (json_object_get_int_member (json, "max_tokens"), ==, 8192);
  g_assert_cmpfloat (json_object_get_double_member (json, "frequency_penalty"), ==, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (json, "presence_penalty"), ==, -0.5);
  /* OpenAI has no top_k. */
  g_assert_false (json_object_has_member (json, "top_k"));

  g_clear_object (&fixture->generation);
  fixture->generation = frag_generation_new ();
  g_assert_true (llm_test_generate (together, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);
  json = request_json (fixture);
  g_assert_cmpint (json_object_get_int_member (json, "top_k"), ==, 40);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json, "response_format"), "type"),
                   ==, "json_object");
}

static void
test_stream_quirks (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENROUTER);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openrouter", "any/model", TEST_KEY);
  g_autofree char *fragment_stream = llm_test_openai_stream (llm_test_fragment_json (), 4, -1);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* Comments, a data-only keep-alive, an Azure-style leading chunk with empty choices,
   * leading whitespace before the JSON, a reasoning delta and an obfuscation field. */
  g_string_append (body, ": OPENROUTER PROCESSING\n\n");
  g_string_append (body, "data: {\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[],"
                         "\"prompt_filter_results\":[{\"prompt_index\":0}]}\n\n");
  g_string_append (body, ": keep-alive\n\ndata: : keep-alive\n\n");
  g_string_append (body, "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"thinking…\","
                         "\"reasoning_content\":\"more\"},\"finish_reason\":null}],\"obfuscation\":\"xyz\"}\n\n");
  g_string_append (body, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\n\\n\"},"
                         "\"finish_reason\":null}]}\n\n");
  g_string_append (body, fragment_stream);
  g_string_append (body, "data: {\"after\":\"done is ignored\"}\n\n");

  serve_sse (fixture, body->str, 11);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);
  assert_fragment_ok (fixture);
  g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 10);
}

static void
test_groq_usage (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_GROQ);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("groq", "llama-3.3-70b-versatile", TEST_KEY);
  g_autoptr(GError) error = NULL;
  const char *body =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{}\"},\"finish_reason\":null}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
    "\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":5}}}\n\n"
    "data: [DONE]\n\n";
  JsonObject *json;

  serve_sse (fixture, body, 0);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);
  json = request_json (fixture);
  g_assert_false (json_object_has_member (json, "stream_options"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json, "response_format"), "type"),
                   ==, "json_object");
  g_assert_cmpint (frag_generation_get_input_tokens (fixture->generation), ==, 31);
  g_assert_cmpint (frag_generation_get_output_tokens (fixture->generation), ==, 5);
}

static void
test_refusal (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = NULL;
  const char *body =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"\"},"
    "\"finish_reason\":null}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't help \"},\"finish_reason\":null}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"with that.\"},\"finish_reason\":null}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: [DONE]\n\n";

  serve_sse (fixture, body, 0);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);
  fragment = frag_generation_dup_fragment (fixture->generation, NULL, &error);
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT);
  g_assert_nonnull (strstr (error->message, "I can't help with that."));
}

static void
test_bad_output_keeps_raw_text (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  const char *answer = "{\"commentary\": \"cut short\", \"code\": \"print(";
  g_autofree char *body = llm_test_openai_stream (answer, 4, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = NULL;

  serve_sse (fixture, body, 0);
  g_assert_true (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_no_error (error);
  fragment = frag_generation_dup_fragment (fixture->generation, NULL, &error);
  g_assert_null (fragment);
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT);
  g_assert_cmpstr (frag_generation_get_raw_text (fixture->generation, NULL), ==, answer);
}

typedef struct
{
  guint              status;
  const char        *header_name;
  const char        *header_value;
  const char        *body;
  int                code;
  double             retry_after;
  const char        *message_part;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { 401, NULL, NULL,
    "{\"error\":{\"message\":\"Incorrect API key provided: " TEST_KEY ". You can find your API key at "
    "https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,"
    "\"code\":\"invalid_api_key\"}}",
    FRAG_PROVIDER_ERROR_AUTH, -1, "Incorrect API key provided" },
  { 403, NULL, NULL, "{\"error\":{\"message\":\"Project does not have access\",\"type\":\"permission\"}}",
    FRAG_PROVIDER_ERROR_AUTH, -1, "Project does not have access" },
  { 404, NULL, NULL,
    "{\"error\":{\"message\":\"The model `gpt-4o` does not exist or you do not have access to it.\","
    "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}",
    FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND, -1, "does not exist" },
  { 429, "retry-after", "7",
    "{\"error\":{\"message\":\"Rate limit reached for gpt-4o. Please try again in 7s.\",\"type\":\"tokens\","
    "\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
    FRAG_PROVIDER_ERROR_RATE_LIMITED, 7, "Rate limit reached" },
  { 429, "retry-after-ms", "1500",
    "{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
    FRAG_PROVIDER_ERROR_RATE_LIMITED, 1.5, "Slow down" },
  { 429, NULL, NULL,
    "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
    "\"code\":\"insufficient_quota\"}}",
    FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED, -1, "current quota" },
  { 500, NULL, NULL, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}",
    FRAG_PROVIDER_ERROR_SERVER, -1, "The server had an error" },
  { 503, NULL, NULL, "upstream connect error", FRAG_PROVIDER_ERROR_OVERLOADED, -1, "upstream connect error" },
  /* Mistral's 401 shapes. */
  { 401, NULL, NULL, "{\"detail\":\"Unauthorized\"}", FRAG_PROVIDER_ERROR_AUTH, -1, "Unauthorized" },
  { 400, NULL, NULL, "{\"object\":\"error\",\"message\":\"Invalid model\",\"type\":\"invalid_request_error\"}",
    FRAG_PROVIDER_ERROR_BAD_REQUEST, -1, "Invalid model" },
};

static void
test_error_responses (Fixture       *fixture,
                      gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
      g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
      g_autoptr(FragGeneration) generation = frag_generation_new ();
      g_autoptr(GError) error = NULL;
      LlmTestServer *server = llm_test_server_new ();
      g_autofree char *url = llm_test_server_get_url (server, "/v1");

      g_test_message ("case %u: HTTP %u", i, c->status);
      g_clear_object (&provider);
      provider = FRAG_PROVIDER (frag_openai_provider_new (NULL, FRAG_OPENAI_FLAVOR_OPENAI, "OpenAI", url));
      llm_test_server_set_reply (server, c->status,
                                 c->body[0] == '{' ? "application/json" : "text/plain", c->body, -1);
      if (c->header_name != NULL)
        llm_test_server_add_reply_header (server, c->header_name, c->header_value);

      g_assert_false (llm_test_generate (provider, request, generation, NULL, &error));
      g_assert_error (error, FRAG_PROVIDER_ERROR, c->code);
      g_assert_nonnull (strstr (error->message, c->message_part));
      g_assert_true (g_str_has_prefix (error->message, "OpenAI: "));
      g_assert_null (strstr (error->message, TEST_KEY));
      g_assert_null (strstr (error->message, "SECRET-0123"));
      g_assert_cmpfloat_with_epsilon (frag_generation_get_retry_after (generation), c->retry_after, 0.001);
      llm_test_server_free (server);
    }
}

typedef struct
{
  const char        *body;
  int                code;
  const char        *message_part;
} StreamErrorCase;

static const StreamErrorCase stream_error_cases[] = {
  /* An error frame as the very first event after a 200 (quota problems). */
  { "data: {\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
    "\"param\":null,\"code\":\"insufficient_quota\"}}\n\n",
    FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED, "current quota" },
  /* Mid-stream, after content. */
  { "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"commentary\\\":\\\"hi\"},"
    "\"finish_reason\":null}]}\n\n"
    "data: {\"error\":{\"message\":\"The server had an error processing your request.\","
    "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n",
    FRAG_PROVIDER_ERROR_SERVER, "The server had an error processing your request." },
  /* OpenRouter: a numeric code and finish_reason error. */
  { "data: {\"error\":{\"code\":502,\"message\":\"Provider returned error\"},"
    "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}]}\n\n",
    FRAG_PROVIDER_ERROR_SERVER, "Provider returned error" },
  /* EOF before [DONE]. */
  { "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{}\"},\"finish_reason\":\"stop\"}]}\n\n",
    FRAG_PROVIDER_ERROR_NETWORK, "[DONE]" },
  /* Keep-alives only, then the end. */
  { ": keep-alive\n\n: keep-alive\n\n", FRAG_PROVIDER_ERROR_NETWORK, "closed" },
  /* Not JSON. */
  { "data: <html>oops</html>\n\n", FRAG_PROVIDER_ERROR_SERVER, "not JSON" },
};

static void
test_stream_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (stream_error_cases); i++)
    {
      const StreamErrorCase *c = &stream_error_cases[i];
      g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
      g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
      g_autoptr(FragGeneration) generation = frag_generation_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("stream error case %u", i);
      serve_sse (fixture, c->body, 0);
      g_assert_false (llm_test_generate (provider, request, generation, NULL, &error));
      g_assert_error (error, FRAG_PROVIDER_ERROR, c->code);
      g_assert_nonnull (strstr (error->message, c->message_part));
    }
}

static void
test_json_instead_of_stream (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  g_autoptr(GError) error = NULL;

  llm_test_server_set_reply (fixture->server, 200, "application/json",
                             "{\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}}", -1);
  g_assert_false (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_OVERLOADED);
}

static void
test_connection_dropped (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 4, -1);
  g_autoptr(GError) error = NULL;

  /* Half the stream, then the socket goes away. */
  body[strlen (body) / 2] = '\0';
  serve_sse (fixture, body, 512);
  llm_test_server_set_ending (fixture->server, LLM_TEST_END_DROP);
  g_assert_false (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK);
  /* What arrived stays visible. */
  g_assert_cmpuint (strlen (frag_generation_get_raw_text (fixture->generation, NULL)), >, 0);
}

static void
test_cannot_connect (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(LlmTestServer) gone = llm_test_server_new ();
  g_autofree char *url = llm_test_server_get_url (gone, "/v1");
  g_autoptr(FragProvider) provider = NULL;
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&gone, llm_test_server_free);
  provider = FRAG_PROVIDER (frag_openai_provider_new (NULL, FRAG_OPENAI_FLAVOR_OPENAI, "OpenAI", url));
  g_assert_false (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "could not connect"));
}

static void
test_bad_base_url (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FragProvider) provider =
    FRAG_PROVIDER (frag_openai_provider_new (NULL, FRAG_OPENAI_FLAVOR_GENERIC, "Custom", "ftp://example.com/v1"));
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("custom", "m", TEST_KEY);
  g_autoptr(GError) error = NULL;

  g_assert_false (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_REQUEST);
}

static void
test_stall (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* Keep-alive bytes restart the timer; then nothing more comes. */
  serve_sse (fixture, ": keep-alive\n\ndata: {\"choices\":[]}\n\n", 8);
  llm_test_server_set_ending (fixture->server, LLM_TEST_END_HANG);
  frag_llm_request_set_stall_timeout (request, 300);
  start = g_get_monotonic_time ();
  g_assert_false (llm_test_generate (provider, request, fixture->generation, NULL, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_STALLED);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
}

typedef struct
{
  GCancellable *cancellable;
  gint64        cancelled_at;
} CancelState;

static void
cancel_on_change_cb (FragGeneration *generation,
                     CancelState    *state)
{
  if (state->cancelled_at == 0)
    {
      state->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (state->cancellable);
    }
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FragProvider) provider = new_provider (fixture, FRAG_OPENAI_FLAVOR_OPENAI);
  g_autoptr(FragLlmRequest) request = llm_test_request_new ("openai", "gpt-4o", TEST_KEY);
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 4, -1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CancelState state = { cancellable, 0 };
  guint64 received;

  /* The server streams slowly and never ends; the first visible change cancels. */
  serve_sse (fixture, body, 300);
  llm_test_server_set_ending (fixture->server, LLM_TEST_END_HANG);
  g_signal_connect (fixture->generation, "changed", G_CALLBACK (cancel_on_change_cb), &state);
  g_assert_false (llm_test_generate (provider, request, fixture->generation, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* At once: well under the server's pace. */
  g_assert_cmpint (g_get_monotonic_time () - state.cancelled_at, <, G_TIME_SPAN_SECOND / 2);
  received = frag_generation_get_bytes_received (fixture->generation);
  g_assert_cmpuint (received, <, strlen (body));

  /* The connection is closed: the server sees its hanging reply end. */
  llm_test_server_wait_reply_finished (fixture->server, 5000);
}

int
main (int   argc,
      char *argv[])
{
  llm_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/llm/openai/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("happy-path", test_happy_path);
  ADD ("recorded-stream", test_recorded_stream);
  ADD ("tool-mode", test_tool_mode);
  ADD ("images-and-history", test_images_and_history);
  ADD ("mistral-quirks", test_mistral_quirks);
  ADD ("reasoning-model", test_reasoning_model);
  ADD ("parameters", test_parameters);
  ADD ("stream-quirks", test_stream_quirks);
  ADD ("groq-usage", test_groq_usage);
  ADD ("refusal", test_refusal);
  ADD ("bad-output-keeps-raw-text", test_bad_output_keeps_raw_text);
  ADD ("error-responses", test_error_responses);
  ADD ("stream-errors", test_stream_errors);
  ADD ("json-instead-of-stream", test_json_instead_of_stream);
  ADD ("connection-dropped", test_connection_dropped);
  ADD ("cannot-connect", test_cannot_connect);
  ADD ("bad-base-url", test_bad_base_url);
  ADD ("stall", test_stall);
  ADD ("cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
