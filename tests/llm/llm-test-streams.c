/* llm-test-streams.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "llm-test-server.h"
#include "llm-test-streams.h"

const char *
llm_test_fragment_json (void)
{
  return "{\"commentary\":\"I will print a greeting \\u00e9 and a \\\"quote\\\".\","
         "\"template\":\"code-interpreter-v1\","
         "\"title\":\"Greeting\","
         "\"description\":\"Prints a greeting.\","
         "\"additional_dependencies\":[],"
         "\"has_additional_dependencies\":false,"
         "\"install_dependencies_command\":\"\","
         "\"port\":null,"
         "\"file_path\":\"script.py\","
         "\"code\":\"print(\\\"h\xc3\xa9llo \xf0\x9f\x98\x80\\\")\\nfor i in range(3):\\n\\tprint(i)\\n\"}";
}

JsonNode *
llm_test_fragment_schema (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  g_autofree char *text = llm_test_read_fixture ("fragment-schema.json", &length);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, length, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static char *
json_string (const char *text,
             gsize       length)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *copy = g_strndup (text, length);

  json_node_set_string (node, copy);
  return json_to_string (node, FALSE);
}

/* Cuts text into pieces of n_chars characters. */
static GPtrArray *
split_chars (const char *text,
             guint       n_chars)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p != '\0')
    {
      const char *end = p;

      for (guint i = 0; i < n_chars && *end != '\0'; i++)
        end = g_utf8_next_char (end);
      g_ptr_array_add (pieces, json_string (p, end - p));
      p = end;
    }
  return pieces;
}

char *
llm_test_openai_stream (const char *json,
                        guint       n_chars,
                        int         tool_index)
{
  g_autoptr(GPtrArray) pieces = split_chars (json, n_chars);
  GString *out = g_string_new (NULL);
  const char *head = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                     "\"model\":\"gpt-test\",\"choices\":[";
  const char *tail = "],\"usage\":null}\n\n";

  g_string_append_printf (out, "%s{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":%s,"
                               "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}%s",
                          head, tool_index >= 0 ? "null" : "\"\"", tail);
  if (tool_index >= 0)
    g_string_append_printf (out, "%s{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%d,"
                                 "\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                                 "{\"name\":\"fragment\",\"arguments\":\"\"}}]},"
                                 "\"logprobs\":null,\"finish_reason\":null}%s",
                            head, tool_index, tail);

  for (guint i = 0; i < pieces->len; i++)
    {
      if (tool_index >= 0)
        g_string_append_printf (out, "%s{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%d,"
                                     "\"function\":{\"arguments\":%s}}]},\"logprobs\":null,"
                                     "\"finish_reason\":null}%s",
                                head, tool_index, (char *)g_ptr_array_index (pieces, i), tail);
      else
        g_string_append_printf (out, "%s{\"index\":0,\"delta\":{\"content\":%s},\"logprobs\":null,"
                                     "\"finish_reason\":null}%s",
                                head, (char *)g_ptr_array_index (pieces, i), tail);
    }

  g_string_append_printf (out, "%s{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"%s\"}%s",
                          head, tool_index >= 0 ? "tool_calls" : "stop", tail);
  g_string_append (out, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        "\"model\":\"gpt-test\",\"choices\":[],\"usage\":{\"prompt_tokens\":17,"
                        "\"completion_tokens\":10,\"total_tokens\":27}}\n\n");
  g_string_append (out, "data: [DONE]\n\n");
  return g_string_free (out, FALSE);
}

char *
llm_test_anthropic_stream (const char *json,
                           guint       n_chars)
{
  g_autoptr(GPtrArray) pieces = split_chars (json, n_chars);
  GString *out = g_string_new (NULL);

  g_string_append (out, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
                        "{\"model\":\"claude-test\",\"id\":\"msg_1\",\"type\":\"message\",\"role\":"
                        "\"assistant\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                        "\"usage\":{\"input_tokens\":849,\"output_tokens\":10}}}\n\n");
  g_string_append (out, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"fragment\","
                        "\"input\":{}}}\n\n");
  g_string_append (out, "event: ping\ndata: {\"type\": \"ping\"}\n\n");
  g_string_append (out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n");
  for (guint i = 0; i < pieces->len; i++)
    g_string_append_printf (out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                                 "\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":%s}}\n\n",
                            (char *)g_ptr_array_index (pieces, i));
  g_string_append (out, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
  g_string_append (out, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                        "\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":47}}\n\n");
  g_string_append (out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  return g_string_free (out, FALSE);
}

char *
llm_test_gemini_stream (const char *json,
                        guint       n_chars)
{
  g_autoptr(GPtrArray) pieces = split_chars (json, n_chars);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < pieces->len; i++)
    g_string_append_printf (out, "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":%s}],"
                                 "\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,"
                                 "\"candidatesTokenCount\":%u,\"totalTokenCount\":%u},"
                                 "\"modelVersion\":\"gemini-test\",\"responseId\":\"r1\"}\r\n\r\n",
                            (char *)g_ptr_array_index (pieces, i), i + 1, i + 10);
  g_string_append (out, "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\","
                        "\"thoughtSignature\":\"EqsFCqgF\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
                        "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":23,"
                        "\"totalTokenCount\":217,\"thoughtsTokenCount\":185},\"modelVersion\":\"gemini-test\","
                        "\"responseId\":\"r1\"}\r\n\r\n");
  return g_string_free (out, FALSE);
}

char *
llm_test_ollama_stream (const char *json,
                        guint       n_chars)
{
  g_autoptr(GPtrArray) pieces = split_chars (json, n_chars);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < pieces->len; i++)
    g_string_append_printf (out, "{\"model\":\"llama-test\",\"created_at\":\"2024-05-04T01:59:32.077465Z\","
                                 "\"message\":{\"role\":\"assistant\",\"content\":%s},\"done\":false}\n",
                            (char *)g_ptr_array_index (pieces, i));
  g_string_append (out, "{\"model\":\"llama-test\",\"created_at\":\"2024-05-04T01:59:32.137913Z\","
                        "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                        "\"done_reason\":\"stop\",\"total_duration\":1820013000,\"prompt_eval_count\":26,"
                        "\"eval_count\":290}\n");
  return g_string_free (out, FALSE);
}

char *
llm_test_reframe (const char *stream,
                  const char *line_end)
{
  GString *out = g_string_new (NULL);

  for (const char *p = stream; *p != '\0'; p++)
    {
      if (*p == '\r' && p[1] == '\n')
        continue;
      if (*p == '\n')
        g_string_append (out, line_end);
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} RunState;

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunState *state = user_data;

  state->ok = frag_provider_generate_finish (FRAG_PROVIDER (object), result, &state->error);
  state->done = TRUE;
}

gboolean
llm_test_generate (FragProvider    *provider,
                   FragLlmRequest  *request,
                   FragGeneration  *generation,
                   GCancellable    *cancellable,
                   GError         **error)
{
  RunState state = { FALSE, FALSE, NULL };

  frag_provider_generate_async (provider, request, generation, cancellable, generate_cb, &state);
  llm_test_wait_for (&state.done, 10000);
  g_assert_true (state.ok == (state.error == NULL));
  if (state.error != NULL)
    g_propagate_error (error, state.error);
  return state.ok;
}

FragLlmRequest *
llm_test_request_new (const char *provider_id,
                      const char *model_id,
                      const char *api_key)
{
  FragLlmRequest *request = frag_llm_request_new (provider_id, model_id);
  g_autoptr(FragLlmMessage) message = frag_llm_message_new (FRAG_LLM_ROLE_USER);
  g_autoptr(JsonNode) schema = llm_test_fragment_schema ();

  frag_llm_request_set_system_prompt (request, "You are a skilled software engineer.");
  frag_llm_message_add_text (message, "Print a greeting");
  frag_llm_request_add_message (request, message);
  frag_llm_request_set_schema (request, schema);
  frag_llm_request_set_api_key (request, api_key);
  return request;
}
