/* frag-anthropic-provider.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-anthropic-provider"

#include "config.h"

#include <string.h>

#include "frag-anthropic-provider.h"
#include "frag-llm-errors.h"
#include "frag-llm-json.h"
#include "frag-llm-stream.h"
#include "frag-sse-reader.h"

#define PROVIDER_NAME "Anthropic"
#define API_VERSION "2023-06-01"
#define TOOL_NAME "fragment"

struct _FragAnthropicProvider
{
  FragHttpProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (FragAnthropicProvider, frag_anthropic_provider, FRAG_TYPE_HTTP_PROVIDER)

static void
add_text_block (JsonBuilder *builder,
                const char  *text)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "text");
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
}

static void
add_image_block (JsonBuilder *builder,
                 const char  *mime_type,
                 GBytes      *image)
{
  g_autofree char *base64 = frag_llm_base64 (image);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "image");
  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "base64");
  json_builder_set_member_name (builder, "media_type");
  json_builder_add_string_value (builder, mime_type);
  json_builder_set_member_name (builder, "data");
  json_builder_add_string_value (builder, base64);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_messages (JsonBuilder    *builder,
              FragLlmRequest *request)
{
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < frag_llm_request_get_n_messages (request); i++)
    {
      FragLlmMessage *message = frag_llm_request_get_message (request, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder,
                                     frag_llm_message_get_role (message) == FRAG_LLM_ROLE_ASSISTANT
                                     ? "assistant" : "user");
      json_builder_set_member_name (builder, "content");
      json_builder_begin_array (builder);
      for (guint j = 0; j < frag_llm_message_get_n_parts (message); j++)
        {
          if (frag_llm_message_get_part_kind (message, j) == FRAG_LLM_PART_TEXT)
            {
              const char *text = frag_llm_message_get_part_text (message, j);

              /* The API refuses empty text blocks. */
              if (*text != '\0')
                add_text_block (builder, text);
            }
          else
            {
              const char *mime_type = NULL;
              GBytes *image = frag_llm_message_get_part_image (message, j, &mime_type);

              add_image_block (builder, mime_type, image);
            }
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_forced_tool (JsonBuilder *builder,
                 JsonNode    *schema)
{
  json_builder_set_member_name (builder, "tools");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, TOOL_NAME);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, "Respond with a JSON object.");
  json_builder_set_member_name (builder, "input_schema");
  json_builder_add_value (builder, json_node_copy (schema));
  /* Without it the server buffers and validates the whole input before streaming it,
   * so a long `code` value would appear only after a long pause (spec §3.3). */
  json_builder_set_member_name (builder, "eager_input_streaming");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "tool_choice");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "tool");
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, TOOL_NAME);
  json_builder_set_member_name (builder, "disable_parallel_tool_use");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
}

static char *
build_body (FragLlmRequest *request,
            gsize          *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *system_prompt = frag_llm_request_get_system_prompt (request);
  JsonNode *schema = frag_llm_request_get_schema (request);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, frag_llm_request_get_model_id (request));
  if (!frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_MAX_TOKENS, "max_tokens", TRUE))
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, FRAG_ANTHROPIC_DEFAULT_MAX_TOKENS);
    }
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, TRUE);
  if (system_prompt != NULL && *system_prompt != '\0')
    {
      json_builder_set_member_name (builder, "system");
      json_builder_add_string_value (builder, system_prompt);
    }
  add_messages (builder, request);
  if (schema != NULL)
    add_forced_tool (builder, schema);

  /* Anthropic has no frequency or presence penalty. */
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TEMPERATURE, "temperature", FALSE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TOP_P, "top_p", FALSE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TOP_K, "top_k", TRUE);

  json_builder_end_object (builder);
  return frag_llm_json_builder_to_string (builder, length);
}

typedef struct
{
  FragSseReader  *reader;
  JsonParser     *parser;
  FragGeneration *generation;
  char           *message_id;
  /* The content block carrying the fragment: the first tool_use block (a thinking
   * block may come before it and is not output). */
  gint64          json_block;
  /* Without a schema there is no tool; the answer is then the text blocks. */
  gboolean        text_is_output;
} Decoder;

static void
decoder_free (gpointer data)
{
  Decoder *decoder = data;

  frag_sse_reader_free (decoder->reader);
  g_object_unref (decoder->parser);
  g_object_unref (decoder->generation);
  g_free (decoder->message_id);
  g_free (decoder);
}

static void
read_usage (Decoder    *decoder,
            JsonObject *usage)
{
  if (usage == NULL)
    return;
  /* message_delta's usage is cumulative and final, input included when present (it
   * may differ from message_start's); the AI SDK overwrites, and so do we. */
  frag_generation_set_usage (decoder->generation,
                             frag_llm_json_get_int (usage, "input_tokens", -1),
                             frag_llm_json_get_int (usage, "output_tokens", -1));
}

static gboolean
handle_event (Decoder     *decoder,
              const char  *event_name,
              JsonObject  *event,
              JsonNode    *root,
              gboolean    *done,
              GError     **error)
{
  /* Every payload repeats its event name in "type"; trust it over the event: line. */
  const char *type = frag_llm_json_get_string (event, "type");

  if (type == NULL)
    type = event_name != NULL ? event_name : "";

  if (g_str_equal (type, "message_start"))
    {
      JsonObject *message = frag_llm_json_get_object (event, "message");
      const char *id = frag_llm_json_get_string (message, "id");

      if (decoder->message_id != NULL)
        {
          /* The same id again is harmless; another id means two answers were spliced
           * (a proxy or a retry), which must not be merged (spec §9.2). */
          if (g_strcmp0 (id, decoder->message_id) == 0)
            return TRUE;
          g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
                       "%s: the stream started a second, different message", PROVIDER_NAME);
          return FALSE;
        }
      decoder->message_id = g_strdup (id != NULL ? id : "");
      read_usage (decoder, frag_llm_json_get_object (message, "usage"));
    }
  else if (g_str_equal (type, "content_block_start"))
    {
      JsonObject *block = frag_llm_json_get_object (event, "content_block");
      const char *block_type = frag_llm_json_get_string (block, "type");

      if (decoder->json_block < 0 &&
          ((g_strcmp0 (block_type, "tool_use") == 0 && !decoder->text_is_output) ||
           (g_strcmp0 (block_type, "text") == 0 && decoder->text_is_output)))
        decoder->json_block = frag_llm_json_get_int (event, "index", 0);
    }
  else if (g_str_equal (type, "content_block_delta"))
    {
      JsonObject *delta = frag_llm_json_get_object (event, "delta");
      const char *delta_type = frag_llm_json_get_string (delta, "type");
      const char *text = NULL;

      if (frag_llm_json_get_int (event, "index", 0) != decoder->json_block)
        return TRUE;
      if (g_strcmp0 (delta_type, "input_json_delta") == 0)
        text = frag_llm_json_get_string (delta, "partial_json");
      else if (g_strcmp0 (delta_type, "text_delta") == 0)
        text = frag_llm_json_get_string (delta, "text");
      if (text != NULL)
        frag_generation_append_output (decoder->generation, text, strlen (text));
    }
  else if (g_str_equal (type, "message_delta"))
    {
      const char *stop_reason = frag_llm_json_get_string (frag_llm_json_get_object (event, "delta"),
                                                          "stop_reason");

      if (stop_reason != NULL)
        frag_generation_set_finish_reason (decoder->generation, stop_reason);
      read_usage (decoder, frag_llm_json_get_object (event, "usage"));
    }
  else if (g_str_equal (type, "message_stop"))
    {
      *done = TRUE;
    }
  else if (g_str_equal (type, "error"))
    {
      double retry_after = -1;

      *error = frag_llm_error_from_stream (PROVIDER_NAME, root, &retry_after);
      if (retry_after >= 0)
        frag_generation_set_retry_after (decoder->generation, retry_after);
      return FALSE;
    }
  /* ping, content_block_stop and event types added later are ignored. */

  return TRUE;
}

static gboolean
decoder_feed (gpointer     data,
              const char  *bytes,
              gsize        length,
              gboolean    *done,
              GError     **error)
{
  Decoder *decoder = data;

  if (!frag_sse_reader_feed (decoder->reader, bytes, length, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(FragSseItem) item = frag_sse_reader_pop (decoder->reader);
      g_autoptr(JsonNode) root = NULL;

      if (item == NULL)
        break;
      if (item->kind != FRAG_SSE_ITEM_EVENT || item->data_len == 0)
        continue;
      /* The AI SDK's fixtures end with a [DONE] Anthropic never sends; harmless. */
      if (strcmp (item->data, "[DONE]") == 0)
        continue;

      root = frag_llm_json_parse (decoder->parser, item->data, item->data_len);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
                       "%s: the stream sent an event that is not a JSON object", PROVIDER_NAME);
          return FALSE;
        }
      if (!handle_event (decoder, item->event, json_node_get_object (root), root, done, error))
        return FALSE;
      if (*done)
        return TRUE;
    }

  return TRUE;
}

static gboolean
decoder_end (gpointer   data,
             GError   **error)
{
  Decoder *decoder = data;

  frag_sse_reader_end (decoder->reader);
  g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK,
               "%s: the connection closed before the end of the stream (no message_stop)",
               PROVIDER_NAME);
  return FALSE;
}

static const FragLlmDecoderFuncs decoder_funcs = {
  decoder_feed,
  decoder_end,
};

static void
frag_anthropic_provider_generate (FragHttpProvider *provider,
                                  FragLlmRequest   *request,
                                  FragGeneration   *generation,
                                  GTask            *task)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  const char *api_key = frag_llm_request_get_api_key (request);
  SoupMessageHeaders *headers;
  GError *error = NULL;
  Decoder *decoder;
  gsize length = 0;

  url = frag_llm_join_url (frag_http_provider_get_base_url (provider), "messages");
  body = build_body (request, &length);
  message = frag_llm_new_json_post (url, body, length, &error);
  if (message == NULL)
    {
      g_prefix_error (&error, "%s: ", PROVIDER_NAME);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  headers = soup_message_get_request_headers (message);
  /* Only x-api-key: sending an Authorization header as well is refused (spec §3.1). */
  if (api_key != NULL && *api_key != '\0')
    soup_message_headers_replace (headers, "x-api-key", api_key);
  soup_message_headers_replace (headers, "anthropic-version", API_VERSION);
  soup_message_headers_replace (headers, "Accept", "text/event-stream");

  decoder = g_new0 (Decoder, 1);
  decoder->reader = frag_sse_reader_new ();
  decoder->parser = json_parser_new_immutable ();
  decoder->generation = g_object_ref (generation);
  decoder->json_block = -1;
  decoder->text_is_output = frag_llm_request_get_schema (request) == NULL;

  frag_http_provider_stream (provider, task, message, request, generation,
                             PROVIDER_NAME, TRUE,
                             &decoder_funcs, decoder, decoder_free);
}

static void
frag_anthropic_provider_class_init (FragAnthropicProviderClass *klass)
{
  FRAG_HTTP_PROVIDER_CLASS (klass)->generate = frag_anthropic_provider_generate;
}

static void
frag_anthropic_provider_init (FragAnthropicProvider *self)
{
}

FragAnthropicProvider *
frag_anthropic_provider_new (SoupSession *session,
                             const char  *base_url)
{
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (FRAG_TYPE_ANTHROPIC_PROVIDER,
                       "session", session,
                       "base-url", base_url,
                       NULL);
}
