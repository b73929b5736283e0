/* frag-openai-provider.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-openai-provider"

#include "config.h"

#include <string.h>

#include "frag-llm-errors.h"
#include "frag-llm-json.h"
#include "frag-llm-stream.h"
#include "frag-openai-provider.h"
#include "frag-sse-reader.h"

/* The name of the json_schema format and of the forced tool. */
#define FRAGMENT_NAME "fragment"

struct _FragOpenaiProvider
{
  FragHttpProvider      parent_instance;

  FragOpenaiFlavor      flavor;
  FragOpenaiOutputMode  mode;
  char                 *name;
};

G_DEFINE_FINAL_TYPE (FragOpenaiProvider, frag_openai_provider, FRAG_TYPE_HTTP_PROVIDER)

/* What each flavour accepts (spec §2, §6, §7). */
typedef struct
{
  gboolean stream_options;     /* stream_options.include_usage is accepted and needed */
  gboolean image_url_string;   /* Mistral: "image_url": "data:…" rather than {url} */
  gboolean penalties;          /* frequency_penalty / presence_penalty */
  gboolean top_k;
} FlavorTraits;

static FlavorTraits
flavor_traits (FragOpenaiFlavor flavor)
{
  FlavorTraits traits = { TRUE, FALSE, TRUE, FALSE };

  switch (flavor)
    {
    case FRAG_OPENAI_FLAVOR_MISTRAL:
      /* Usage always rides on the finish chunk; penalties are not in its API. */
      traits.stream_options = FALSE;
      traits.image_url_string = TRUE;
      traits.penalties = FALSE;
      break;
    case FRAG_OPENAI_FLAVOR_GROQ:
      /* Usage comes in x_groq.usage without asking. */
      traits.stream_options = FALSE;
      break;
    case FRAG_OPENAI_FLAVOR_FIREWORKS:
    case FRAG_OPENAI_FLAVOR_TOGETHER:
    case FRAG_OPENAI_FLAVOR_OPENROUTER:
      traits.top_k = TRUE;
      break;
    case FRAG_OPENAI_FLAVOR_OPENAI:
    case FRAG_OPENAI_FLAVOR_XAI:
    case FRAG_OPENAI_FLAVOR_DEEPSEEK:
    case FRAG_OPENAI_FLAVOR_GENERIC:
    default:
      break;
    }
  return traits;
}

/* OpenAI's reasoning models: developer role, max_completion_tokens, no sampling
 * parameters (spec §2.2). */
static gboolean
is_reasoning_model (FragOpenaiProvider *self,
                    const char         *model)
{
  if (self->flavor != FRAG_OPENAI_FLAVOR_OPENAI)
    return FALSE;
  if (g_str_has_prefix (model, "gpt-5"))
    return !g_str_has_prefix (model, "gpt-5-chat");
  return g_str_has_prefix (model, "o1") || g_str_has_prefix (model, "o3") ||
         g_str_has_prefix (model, "o4");
}

/* o1-mini and o1-preview take neither a system/developer message nor response_format. */
static gboolean
is_early_o1 (FragOpenaiProvider *self,
             const char         *model)
{
  return self->flavor == FRAG_OPENAI_FLAVOR_OPENAI &&
         (g_str_has_prefix (model, "o1-mini") || g_str_has_prefix (model, "o1-preview"));
}

FragOpenaiOutputMode
frag_openai_provider_resolve_mode (FragOpenaiProvider *self,
                                   const char         *model_id)
{
  g_return_val_if_fail (FRAG_IS_OPENAI_PROVIDER (self), FRAG_OPENAI_OUTPUT_JSON_SCHEMA);
  g_return_val_if_fail (model_id != NULL, FRAG_OPENAI_OUTPUT_JSON_SCHEMA);

  if (self->mode != FRAG_OPENAI_OUTPUT_AUTO)
    return self->mode;

  switch (self->flavor)
    {
    case FRAG_OPENAI_FLAVOR_OPENAI:
      if (is_early_o1 (self, model_id))
        return FRAG_OPENAI_OUTPUT_PROMPT;
      /* Structured outputs came with gpt-4o-2024-08-06; older chat models still have
       * strict function calling. */
      if (g_str_equal (model_id, "gpt-4") || g_str_has_prefix (model_id, "gpt-4-") ||
          g_str_has_prefix (model_id, "gpt-3.5"))
        return FRAG_OPENAI_OUTPUT_TOOL;
      return FRAG_OPENAI_OUTPUT_JSON_SCHEMA;
    case FRAG_OPENAI_FLAVOR_GROQ:
      if (g_str_has_prefix (model_id, "openai/gpt-oss") ||
          g_str_has_prefix (model_id, "moonshotai/kimi-k2") ||
          g_str_has_prefix (model_id, "meta-llama/llama-4"))
        return FRAG_OPENAI_OUTPUT_JSON_SCHEMA;
      return FRAG_OPENAI_OUTPUT_JSON_OBJECT;
    case FRAG_OPENAI_FLAVOR_MISTRAL:
    case FRAG_OPENAI_FLAVOR_TOGETHER:
    case FRAG_OPENAI_FLAVOR_DEEPSEEK:
      /* As E2B Fragments' SDK does for these: JSON mode, the schema in the prompt. */
      return FRAG_OPENAI_OUTPUT_JSON_OBJECT;
    case FRAG_OPENAI_FLAVOR_FIREWORKS:
    case FRAG_OPENAI_FLAVOR_XAI:
    case FRAG_OPENAI_FLAVOR_OPENROUTER:
    case FRAG_OPENAI_FLAVOR_GENERIC:
    default:
      return FRAG_OPENAI_OUTPUT_JSON_SCHEMA;
    }
}

static void
add_user_content (JsonBuilder    *builder,
                  FlavorTraits   *traits,
                  FragLlmMessage *message,
                  const char     *prefix)
{
  guint n_parts = frag_llm_message_get_n_parts (message);

  json_builder_set_member_name (builder, "content");
  if (!frag_llm_message_has_images (message))
    {
      g_autofree char *text = frag_llm_message_dup_text (message);
      g_autofree char *full = g_strconcat (prefix != NULL ? prefix : "", text, NULL);

      json_builder_add_string_value (builder, full);
      return;
    }

  json_builder_begin_array (builder);
  if (prefix != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "text");
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, prefix);
      json_builder_end_object (builder);
    }
  for (guint i = 0; i < n_parts; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      if (frag_llm_message_get_part_kind (message, i) == FRAG_LLM_PART_TEXT)
        {
          json_builder_add_string_value (builder, "text");
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, frag_llm_message_get_part_text (message, i));
        }
      else
        {
          const char *mime_type = NULL;
          GBytes *image = frag_llm_message_get_part_image (message, i, &mime_type);
          g_autofree char *base64 = frag_llm_base64 (image);
          g_autofree char *url = g_strdup_printf ("data:%s;base64,%s", mime_type, base64);

          json_builder_add_string_value (builder, "image_url");
          json_builder_set_member_name (builder, "image_url");
          if (traits->image_url_string)
            json_builder_add_string_value (builder, url);
          else
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "url");
              json_builder_add_string_value (builder, url);
              json_builder_end_object (builder);
            }
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_messages (FragOpenaiProvider   *self,
              JsonBuilder          *builder,
              FragLlmRequest       *request,
              FragOpenaiOutputMode  mode,
              FlavorTraits         *traits)
{
  const char *model = frag_llm_request_get_model_id (request);
  g_autofree char *system_prompt = NULL;
  g_autofree char *folded_prefix = NULL;
  gboolean folded = FALSE;

  if (mode == FRAG_OPENAI_OUTPUT_JSON_OBJECT || mode == FRAG_OPENAI_OUTPUT_PROMPT)
    system_prompt = frag_llm_system_prompt_with_schema (request);
  else
    system_prompt = g_strdup (frag_llm_request_get_system_prompt (request));

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);

  if (system_prompt != NULL && *system_prompt != '\0')
    {
      if (is_early_o1 (self, model))
        {
          /* No system role at all: the instructions open the first user turn instead
           * of being dropped as the AI SDK does. */
          folded_prefix = g_strconcat (system_prompt, "\n\n", NULL);
        }
      else
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "role");
          json_builder_add_string_value (builder, is_reasoning_model (self, model) ? "developer" : "system");
          json_builder_set_member_name (builder, "content");
          json_builder_add_string_value (builder, system_prompt);
          json_builder_end_object (builder);
        }
    }

  for (guint i = 0; i < frag_llm_request_get_n_messages (request); i++)
    {
      FragLlmMessage *message = frag_llm_request_get_message (request, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      if (frag_llm_message_get_role (message) == FRAG_LLM_ROLE_ASSISTANT)
        {
          g_autofree char *text = frag_llm_message_dup_text (message);

          json_builder_add_string_value (builder, "assistant");
          json_builder_set_member_name (builder, "content");
          json_builder_add_string_value (builder, text);
        }
      else
        {
          json_builder_add_string_value (builder, "user");
          add_user_content (builder, traits, message, folded ? NULL : folded_prefix);
          folded = TRUE;
        }
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
}

static void
add_structured_output (JsonBuilder          *builder,
                       FragLlmRequest       *request,
                       FragOpenaiOutputMode  mode)
{
  JsonNode *schema = frag_llm_request_get_schema (request);

  if (schema == NULL && mode != FRAG_OPENAI_OUTPUT_JSON_OBJECT)
    return;

  switch (mode)
    {
    case FRAG_OPENAI_OUTPUT_JSON_SCHEMA:
      json_builder_set_member_name (builder, "response_format");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "json_schema");
      json_builder_set_member_name (builder, "json_schema");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, FRAGMENT_NAME);
      json_builder_set_member_name (builder, "strict");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "schema");
      json_builder_add_value (builder, json_node_copy (schema));
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      break;

    case FRAG_OPENAI_OUTPUT_TOOL:
      json_builder_set_member_name (builder, "tools");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "function");
      json_builder_set_member_name (builder, "function");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, FRAGMENT_NAME);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, "Respond with a JSON object.");
      json_builder_set_member_name (builder, "parameters");
      json_builder_add_value (builder, json_node_copy (schema));
      json_builder_set_member_name (builder, "strict");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "tool_choice");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "function");
      json_builder_set_member_name (builder, "function");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, FRAGMENT_NAME);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "parallel_tool_calls");
      json_builder_add_boolean_value (builder, FALSE);
      break;

    case FRAG_OPENAI_OUTPUT_JSON_OBJECT:
      json_builder_set_member_name (builder, "response_format");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "json_object");
      json_builder_end_object (builder);
      break;

    case FRAG_OPENAI_OUTPUT_PROMPT:
    case FRAG_OPENAI_OUTPUT_AUTO:
    default:
      break;
    }
}

static char *
build_body (FragOpenaiProvider *self,
            FragLlmRequest     *request,
            gsize              *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *model = frag_llm_request_get_model_id (request);
  FragOpenaiOutputMode mode = frag_openai_provider_resolve_mode (self, model);
  FlavorTraits traits = flavor_traits (self->flavor);
  gboolean reasoning = is_reasoning_model (self, model);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, TRUE);
  if (traits.stream_options)
    {
      json_builder_set_member_name (builder, "stream_options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "include_usage");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }

  add_messages (self, builder, request, mode, &traits);
  add_structured_output (builder, request, mode);

  if (reasoning)
    {
      frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_MAX_TOKENS,
                               "max_completion_tokens", TRUE);
    }
  else
    {
      frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TEMPERATURE, "temperature", FALSE);
      frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TOP_P, "top_p", FALSE);
      if (traits.top_k)
        frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TOP_K, "top_k", TRUE);
      frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_MAX_TOKENS, "max_tokens", TRUE);
      if (traits.penalties)
        {
          frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_FREQUENCY_PENALTY,
                                   "frequency_penalty", FALSE);
          frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_PRESENCE_PENALTY,
                                   "presence_penalty", FALSE);
        }
    }

  json_builder_end_object (builder);
  return frag_llm_json_builder_to_string (builder, length);
}

/* The stream decoder: SSE events of chat.completion.chunk objects. */
typedef struct
{
  FragSseReader  *reader;
  JsonParser     *parser;
  FragGeneration *generation;
  char           *provider_name;
  /* The tool call whose arguments are the fragment: the first index seen (compatible
   * servers do not always start at 0). */
  gint64          tool_index;
  gboolean        done;
} Decoder;

static void
decoder_free (gpointer data)
{
  Decoder *decoder = data;

  frag_sse_reader_free (decoder->reader);
  g_object_unref (decoder->parser);
  g_object_unref (decoder->generation);
  g_free (decoder->provider_name);
  g_free (decoder);
}

/* Keep-alives some gateways send as data ("data: : keep-alive", "data: ping"). */
static gboolean
is_keep_alive_data (const char *data)
{
  while (g_ascii_isspace (*data))
    data++;
  if (*data == '\0' || *data == ':')
    return TRUE;
  return g_ascii_strcasecmp (data, "ping") == 0;
}

static void
read_usage (Decoder    *decoder,
            JsonObject *usage)
{
  if (usage == NULL)
    return;
  frag_generation_set_usage (decoder->generation,
                             frag_llm_json_get_int (usage, "prompt_tokens", -1),
                             frag_llm_json_get_int (usage, "completion_tokens", -1));
}

static void
append_content (Decoder  *decoder,
                JsonNode *content)
{
  if (content == NULL)
    return;

  if (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (content);

      frag_generation_append_output (decoder->generation, text, strlen (text));
    }
  else if (JSON_NODE_HOLDS_ARRAY (content))
    {
      /* Magistral streams content as parts; only text parts are the answer. */
      JsonArray *parts = json_node_get_array (content);

      for (guint i = 0; i < json_array_get_length (parts); i++)
        {
          JsonNode *node = json_array_get_element (parts, i);
          JsonObject *part = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *text = frag_llm_json_get_string (part, "text");

          if (g_strcmp0 (frag_llm_json_get_string (part, "type"), "text") == 0 && text != NULL)
            frag_generation_append_output (decoder->generation, text, strlen (text));
        }
    }
}

static void
append_tool_calls (Decoder   *decoder,
                   JsonArray *tool_calls)
{
  for (guint i = 0; tool_calls != NULL && i < json_array_get_length (tool_calls); i++)
    {
      JsonNode *node = json_array_get_element (tool_calls, i);
      JsonObject *call = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 index = frag_llm_json_get_int (call, "index", 0);
      const char *arguments;

      if (call == NULL)
        continue;
      if (decoder->tool_index < 0)
        decoder->tool_index = index;
      if (index != decoder->tool_index)
        continue;
      arguments = frag_llm_json_get_string (frag_llm_json_get_object (call, "function"), "arguments");
      if (arguments != NULL)
        frag_generation_append_output (decoder->generation, arguments, strlen (arguments));
    }
}

static gboolean
handle_chunk (Decoder     *decoder,
              JsonNode    *root,
              GError     **error)
{
  JsonObject *chunk;
  JsonArray *choices;

  if (frag_llm_frame_is_error (root))
    {
      double retry_after = -1;

      *error = frag_llm_error_from_stream (decoder->provider_name, root, &retry_after);
      if (retry_after >= 0)
        frag_generation_set_retry_after (decoder->generation, retry_after);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;

  chunk = json_node_get_object (root);
  /* Any choice list may be empty: OpenAI's usage chunk, Azure's leading filter chunk. */
  choices = frag_llm_json_get_array (chunk, "choices");
  for (guint i = 0; choices != NULL && i < json_array_get_length (choices); i++)
    {
      JsonNode *node = json_array_get_element (choices, i);
      JsonObject *choice = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *delta = frag_llm_json_get_object (choice, "delta");
      const char *refusal = frag_llm_json_get_string (delta, "refusal");
      const char *finish_reason = frag_llm_json_get_string (choice, "finish_reason");

      if (choice == NULL || frag_llm_json_get_int (choice, "index", 0) != 0)
        continue;
      /* reasoning_content / reasoning deltas are thinking, not the answer: skipped. */
      if (delta != NULL)
        {
          append_content (decoder, json_object_get_member (delta, "content"));
          append_tool_calls (decoder, frag_llm_json_get_array (delta, "tool_calls"));
          if (refusal != NULL)
            frag_generation_append_refusal (decoder->generation, refusal);
        }
      if (finish_reason != NULL)
        frag_generation_set_finish_reason (decoder->generation, finish_reason);
      /* Mistral puts usage on the finish chunk, OpenAI on a chunk of its own. */
    }

  read_usage (decoder, frag_llm_json_get_object (chunk, "usage"));
  read_usage (decoder, frag_llm_json_get_object (frag_llm_json_get_object (chunk, "x_groq"), "usage"));
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
      if (item->kind != FRAG_SSE_ITEM_EVENT || is_keep_alive_data (item->data))
        continue;
      if (strcmp (item->data, "[DONE]") == 0)
        {
          decoder->done = TRUE;
          *done = TRUE;
          return TRUE;
        }

      root = frag_llm_json_parse (decoder->parser, item->data, item->data_len);
      if (root == NULL)
        {
          g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
                       "%s: the stream sent an event that is not JSON", decoder->provider_name);
          return FALSE;
        }
      if (!handle_chunk (decoder, root, error))
        return FALSE;
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
               "%s: the connection closed before the end of the stream (no [DONE])",
               decoder->provider_name);
  return FALSE;
}

static const FragLlmDecoderFuncs decoder_funcs = {
  decoder_feed,
  decoder_end,
};

static void
frag_openai_provider_generate (FragHttpProvider *provider,
                               FragLlmRequest   *request,
                               FragGeneration   *generation,
                               GTask            *task)
{
  FragOpenaiProvider *self = FRAG_OPENAI_PROVIDER (provider);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  const char *api_key = frag_llm_request_get_api_key (request);
  GError *error = NULL;
  Decoder *decoder;
  gsize length = 0;

  url = frag_llm_join_url (frag_http_provider_get_base_url (provider), "chat/completions");
  body = build_body (self, request, &length);
  message = frag_llm_new_json_post (url, body, length, &error);
  if (message == NULL)
    {
      g_prefix_error (&error, "%s: ", self->name);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* Local servers (LM Studio, Ollama's /v1) need no key; sending none is fine there. */
  if (api_key != NULL && *api_key != '\0')
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", api_key, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", authorization);
      explicit_bzero (authorization, strlen (authorization));
    }
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "text/event-stream");

  decoder = g_new0 (Decoder, 1);
  decoder->reader = frag_sse_reader_new ();
  decoder->parser = json_parser_new_immutable ();
  decoder->generation = g_object_ref (generation);
  decoder->provider_name = g_strdup (self->name);
  decoder->tool_index = -1;

  frag_http_provider_stream (provider, task, message, request, generation,
                             self->name, TRUE,
                             &decoder_funcs, decoder, decoder_free);
}

static void
frag_openai_provider_finalize (GObject *object)
{
  FragOpenaiProvider *self = (FragOpenaiProvider *)object;

  g_free (self->name);

  G_OBJECT_CLASS (frag_openai_provider_parent_class)->finalize (object);
}

static void
frag_openai_provider_class_init (FragOpenaiProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_openai_provider_finalize;
  FRAG_HTTP_PROVIDER_CLASS (klass)->generate = frag_openai_provider_generate;
}

static void
frag_openai_provider_init (FragOpenaiProvider *self)
{
}

FragOpenaiProvider *
frag_openai_provider_new (SoupSession      *session,
                          FragOpenaiFlavor  flavor,
                          const char       *name,
                          const char       *base_url)
{
  FragOpenaiProvider *self;

  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (FRAG_TYPE_OPENAI_PROVIDER,
                       "session", session,
                       "base-url", base_url,
                       NULL);
  self->flavor = flavor;
  self->name = g_strdup (name);
  return self;
}

const char *
frag_openai_provider_get_base_url (FragOpenaiProvider *self)
{
  g_return_val_if_fail (FRAG_IS_OPENAI_PROVIDER (self), NULL);

  return frag_http_provider_get_base_url (FRAG_HTTP_PROVIDER (self));
}

void
frag_openai_provider_set_output_mode (FragOpenaiProvider   *self,
                                      FragOpenaiOutputMode  mode)
{
  g_return_if_fail (FRAG_IS_OPENAI_PROVIDER (self));

  self->mode = mode;
}
