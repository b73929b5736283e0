/* frag-gemini-provider.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-gemini-provider"

#include "config.h"

#include <string.h>

#include "frag-gemini-provider.h"
#include "frag-llm-errors.h"
#include "frag-llm-json.h"
#include "frag-llm-stream.h"
#include "frag-sse-reader.h"

#define PROVIDER_NAME "Gemini"
/* A bare JSON error body is small; anything bigger is not one. */
#define MAX_STRAY_TEXT (64 * 1024)

struct _FragGeminiProvider
{
  FragHttpProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (FragGeminiProvider, frag_gemini_provider, FRAG_TYPE_HTTP_PROVIDER)

/* The OpenAPI 3.0 subset responseSchema takes (spec §4.3); anything else is dropped
 * here rather than silently ignored there. */
static const char * const kept_keys[] = {
  "type", "format", "description", "nullable", "enum", "maxItems", "minItems", "required",
};

static gboolean
is_null_schema (JsonNode *node)
{
  return JSON_NODE_HOLDS_OBJECT (node) &&
         g_strcmp0 (frag_llm_json_get_string (json_node_get_object (node), "type"), "null") == 0;
}

static void
convert_into (JsonObject *from,
              JsonObject *to)
{
  JsonNode *type = json_object_get_member (from, "type");
  JsonArray *any_of = frag_llm_json_get_array (from, "anyOf");
  JsonObject *properties = frag_llm_json_get_object (from, "properties");
  JsonNode *items = json_object_get_member (from, "items");

  for (guint i = 0; i < G_N_ELEMENTS (kept_keys); i++)
    if (json_object_has_member (from, kept_keys[i]) && !g_str_equal (kept_keys[i], "type"))
      json_object_set_member (to, kept_keys[i], json_node_copy (json_object_get_member (from, kept_keys[i])));

  /* "type": ["number", "null"] → "type": "number", "nullable": true. */
  if (type != NULL && JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *types = json_node_get_array (type);

      for (guint i = 0; i < json_array_get_length (types); i++)
        {
          const char *name = json_array_get_string_element (types, i);

          if (g_strcmp0 (name, "null") == 0)
            json_object_set_boolean_member (to, "nullable", TRUE);
          else if (name != NULL && !json_object_has_member (to, "type"))
            json_object_set_string_member (to, "type", name);
        }
    }
  else if (type != NULL)
    {
      json_object_set_member (to, "type", json_node_copy (type));
    }

  /* anyOf [X, {"type":"null"}] → X, nullable. */
  if (any_of != NULL)
    {
      for (guint i = 0; i < json_array_get_length (any_of); i++)
        {
          JsonNode *option = json_array_get_element (any_of, i);

          if (is_null_schema (option))
            json_object_set_boolean_member (to, "nullable", TRUE);
          else if (JSON_NODE_HOLDS_OBJECT (option) && !json_object_has_member (to, "type"))
            convert_into (json_node_get_object (option), to);
        }
    }

  if (properties != NULL)
    {
      g_autoptr(JsonObject) converted = json_object_new ();
      g_autoptr(JsonArray) ordering = json_array_new ();
      g_autoptr(GList) names = json_object_get_members (properties);

      /* json-glib keeps members in insertion order, which is the schema's order: the
       * order commentary-first streaming depends on (Gemini 2.0 needs it spelled out). */
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *property = json_object_get_member (properties, l->data);
          JsonObject *out = json_object_new ();

          if (JSON_NODE_HOLDS_OBJECT (property))
            convert_into (json_node_get_object (property), out);
          json_object_set_object_member (converted, l->data, out);
          json_array_add_string_element (ordering, l->data);
        }
      json_object_set_object_member (to, "properties", json_object_ref (converted));
      json_object_set_array_member (to, "propertyOrdering", json_array_ref (ordering));
    }

  if (items != NULL && JSON_NODE_HOLDS_OBJECT (items))
    {
      JsonObject *out = json_object_new ();

      convert_into (json_node_get_object (items), out);
      json_object_set_object_member (to, "items", out);
    }
}

JsonNode *
frag_gemini_convert_schema (JsonNode *schema)
{
  g_autoptr(JsonObject) converted = json_object_new ();
  JsonNode *node;

  g_return_val_if_fail (schema != NULL, NULL);

  if (JSON_NODE_HOLDS_OBJECT (schema))
    convert_into (json_node_get_object (schema), converted);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, converted);
  return node;
}

static const char *
role_name (FragLlmMessage *message)
{
  return frag_llm_message_get_role (message) == FRAG_LLM_ROLE_ASSISTANT ? "model" : "user";
}

static void
add_contents (JsonBuilder    *builder,
              FragLlmRequest *request)
{
  json_builder_set_member_name (builder, "contents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < frag_llm_request_get_n_messages (request); i++)
    {
      FragLlmMessage *message = frag_llm_request_get_message (request, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, role_name (message));
      json_builder_set_member_name (builder, "parts");
      json_builder_begin_array (builder);
      for (guint j = 0; j < frag_llm_message_get_n_parts (message); j++)
        {
          json_builder_begin_object (builder);
          if (frag_llm_message_get_part_kind (message, j) == FRAG_LLM_PART_TEXT)
            {
              json_builder_set_member_name (builder, "text");
              json_builder_add_string_value (builder, frag_llm_message_get_part_text (message, j));
            }
          else
            {
              const char *mime_type = NULL;
              GBytes *image = frag_llm_message_get_part_image (message, j, &mime_type);
              g_autofree char *base64 = frag_llm_base64 (image);

              json_builder_set_member_name (builder, "inlineData");
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "mimeType");
              json_builder_add_string_value (builder, mime_type);
              json_builder_set_member_name (builder, "data");
              json_builder_add_string_value (builder, base64);
              json_builder_end_object (builder);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *
build_body (FragLlmRequest *request,
            gsize          *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *model = frag_llm_request_get_model_id (request);
  const char *system_prompt = frag_llm_request_get_system_prompt (request);
  JsonNode *schema = frag_llm_request_get_schema (request);
  /* Gemma models refuse systemInstruction; the prompt then opens the conversation. */
  gboolean is_gemma = strstr (model, "gemma") != NULL;

  json_builder_begin_object (builder);
  if (system_prompt != NULL && *system_prompt != '\0' && !is_gemma)
    {
      json_builder_set_member_name (builder, "systemInstruction");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "parts");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, system_prompt);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  if (is_gemma && system_prompt != NULL && *system_prompt != '\0')
    {
      g_autoptr(FragLlmRequest) with_prompt = frag_llm_request_new ("google", model);
      g_autoptr(FragLlmMessage) instructions = frag_llm_message_new (FRAG_LLM_ROLE_USER);

      frag_llm_message_add_text (instructions, system_prompt);
      frag_llm_request_add_message (with_prompt, instructions);
      for (guint i = 0; i < frag_llm_request_get_n_messages (request); i++)
        frag_llm_request_add_message (with_prompt, frag_llm_request_get_message (request, i));
      add_contents (builder, with_prompt);
    }
  else
    {
      add_contents (builder, request);
    }

  json_builder_set_member_name (builder, "generationConfig");
  json_builder_begin_object (builder);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TEMPERATURE, "temperature", FALSE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TOP_P, "topP", FALSE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TOP_K, "topK", TRUE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_MAX_TOKENS, "maxOutputTokens", TRUE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_FREQUENCY_PENALTY, "frequencyPenalty", FALSE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_PRESENCE_PENALTY, "presencePenalty", FALSE);
  if (schema != NULL)
    {
      json_builder_set_member_name (builder, "responseMimeType");
      json_builder_add_string_value (builder, "application/json");
      json_builder_set_member_name (builder, "responseSchema");
      json_builder_add_value (builder, frag_gemini_convert_schema (schema));
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return frag_llm_json_builder_to_string (builder, length);
}

typedef struct
{
  FragSseReader  *reader;
  JsonParser     *parser;
  FragGeneration *generation;
  /* Lines that are not SSE fields: Gemini can answer a 200 stream with a bare
   * (often pretty-printed) JSON error body. */
  GString        *stray;
  gboolean        finished;
} Decoder;

static void
decoder_free (gpointer data)
{
  Decoder *decoder = data;

  frag_sse_reader_free (decoder->reader);
  g_object_unref (decoder->parser);
  g_object_unref (decoder->generation);
  g_string_free (decoder->stray, TRUE);
  g_free (decoder);
}

static GError *
error_from_frame (Decoder  *decoder,
                  JsonNode *root)
{
  double retry_after = -1;
  GError *error = frag_llm_error_from_stream (PROVIDER_NAME, root, &retry_after);

  if (retry_after >= 0)
    frag_generation_set_retry_after (decoder->generation, retry_after);
  return error;
}

static gboolean
handle_chunk (Decoder     *decoder,
              JsonNode    *root,
              GError     **error)
{
  JsonObject *chunk;
  JsonArray *candidates;
  JsonObject *usage;
  const char *block_reason;

  if (frag_llm_frame_is_error (root))
    {
      *error = error_from_frame (decoder, root);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;
  chunk = json_node_get_object (root);

  /* Cumulative on every chunk: the last one wins. Output = candidates + thoughts. */
  usage = frag_llm_json_get_object (chunk, "usageMetadata");
  if (usage != NULL)
    {
      gint64 candidates_tokens = frag_llm_json_get_int (usage, "candidatesTokenCount", -1);
      gint64 thought_tokens = frag_llm_json_get_int (usage, "thoughtsTokenCount", 0);

      frag_generation_set_usage (decoder->generation,
                                 frag_llm_json_get_int (usage, "promptTokenCount", -1),
                                 candidates_tokens >= 0 ? candidates_tokens + thought_tokens : -1);
    }

  candidates = frag_llm_json_get_array (chunk, "candidates");
  block_reason = frag_llm_json_get_string (frag_llm_json_get_object (chunk, "promptFeedback"), "blockReason");
  if ((candidates == NULL || json_array_get_length (candidates) == 0) && block_reason != NULL)
    {
      g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_REQUEST,
                   "%s: the prompt was blocked (%s)", PROVIDER_NAME, block_reason);
      return FALSE;
    }

  if (candidates != NULL && json_array_get_length (candidates) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (candidates, 0)))
    {
      JsonObject *candidate = json_array_get_object_element (candidates, 0);
      JsonArray *parts = frag_llm_json_get_array (frag_llm_json_get_object (candidate, "content"), "parts");
      const char *finish_reason = frag_llm_json_get_string (candidate, "finishReason");

      for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
        {
          JsonNode *node = json_array_get_element (parts, i);
          JsonObject *part = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *text = frag_llm_json_get_string (part, "text");
          JsonNode *thought = part != NULL ? json_object_get_member (part, "thought") : NULL;

          /* Thought parts are reasoning, not the answer. */
          if (thought != NULL && JSON_NODE_HOLDS_VALUE (thought) && json_node_get_boolean (thought))
            continue;
          if (text != NULL)
            frag_generation_append_output (decoder->generation, text, strlen (text));
        }
      if (finish_reason != NULL)
        {
          frag_generation_set_finish_reason (decoder->generation, finish_reason);
          decoder->finished = TRUE;
        }
    }
  return TRUE;
}

/* TRUE with *error set when the stray lines so far make up a JSON error object. */
static gboolean
stray_text_is_error (Decoder  *decoder,
                     GError  **error)
{
  g_autoptr(JsonNode) root = frag_llm_json_parse (decoder->parser, decoder->stray->str, decoder->stray->len);

  if (root == NULL || !frag_llm_frame_is_error (root))
    return FALSE;
  *error = error_from_frame (decoder, root);
  return TRUE;
}

static gboolean
drain_items (Decoder  *decoder,
             GError  **error)
{
  for (;;)
    {
      g_autoptr(FragSseItem) item = frag_sse_reader_pop (decoder->reader);
      g_autoptr(JsonNode) root = NULL;

      if (item == NULL)
        return TRUE;

      if (item->kind == FRAG_SSE_ITEM_OTHER_LINE)
        {
          if (decoder->stray->len + item->data_len < MAX_STRAY_TEXT)
            {
              g_string_append_len (decoder->stray, item->data, item->data_len);
              g_string_append_c (decoder->stray, '\n');
              if (stray_text_is_error (decoder, error))
                return FALSE;
            }
          continue;
        }
      if (item->kind != FRAG_SSE_ITEM_EVENT || item->data_len == 0)
        continue;

      root = frag_llm_json_parse (decoder->parser, item->data, item->data_len);
      if (root == NULL)
        {
          g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
                       "%s: the stream sent an event that is not JSON", PROVIDER_NAME);
          return FALSE;
        }
      if (!handle_chunk (decoder, root, error))
        return FALSE;
    }
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
  return drain_items (decoder, error);
}

static gboolean
decoder_end (gpointer   data,
             GError   **error)
{
  Decoder *decoder = data;

  frag_sse_reader_end (decoder->reader);
  if (!drain_items (decoder, error))
    return FALSE;
  /* EOF is the normal end, once a chunk said why the model stopped. */
  if (decoder->finished)
    return TRUE;
  g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK,
               "%s: the connection closed before the end of the stream (no finishReason)",
               PROVIDER_NAME);
  return FALSE;
}

static const FragLlmDecoderFuncs decoder_funcs = {
  decoder_feed,
  decoder_end,
};

static void
frag_gemini_provider_generate (FragHttpProvider *provider,
                               FragLlmRequest   *request,
                               FragGeneration   *generation,
                               GTask            *task)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  const char *model = frag_llm_request_get_model_id (request);
  const char *api_key = frag_llm_request_get_api_key (request);
  GError *error = NULL;
  Decoder *decoder;
  gsize length = 0;

  /* Ids with a '/' are already paths (E2B Fragments' "models/gemini-…"). Always alt=sse:
   * without it the endpoint streams one JSON array instead (spec §4.1). */
  path = g_strdup_printf ("%s%s:streamGenerateContent?alt=sse",
                          strchr (model, '/') != NULL ? "" : "models/", model);
  url = frag_llm_join_url (frag_http_provider_get_base_url (provider), path);
  body = build_body (request, &length);
  message = frag_llm_new_json_post (url, body, length, &error);
  if (message == NULL)
    {
      g_prefix_error (&error, "%s: ", PROVIDER_NAME);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* The header, never ?key=: URLs end up in logs. */
  if (api_key != NULL && *api_key != '\0')
    soup_message_headers_replace (soup_message_get_request_headers (message), "x-goog-api-key", api_key);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "text/event-stream");

  decoder = g_new0 (Decoder, 1);
  decoder->reader = frag_sse_reader_new ();
  decoder->parser = json_parser_new_immutable ();
  decoder->generation = g_object_ref (generation);
  decoder->stray = g_string_new (NULL);

  frag_http_provider_stream (provider, task, message, request, generation,
                             PROVIDER_NAME, TRUE,
                             &decoder_funcs, decoder, decoder_free);
}

static void
frag_gemini_provider_class_init (FragGeminiProviderClass *klass)
{
  FRAG_HTTP_PROVIDER_CLASS (klass)->generate = frag_gemini_provider_generate;
}

static void
frag_gemini_provider_init (FragGeminiProvider *self)
{
}

FragGeminiProvider *
frag_gemini_provider_new (SoupSession *session,
                          const char  *base_url)
{
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (FRAG_TYPE_GEMINI_PROVIDER,
                       "session", session,
                       "base-url", base_url,
                       NULL);
}
