/* frag-ollama-provider.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-ollama-provider"

#include "config.h"

#include <string.h>

#include "frag-llm-errors.h"
#include "frag-llm-json.h"
#include "frag-llm-stream.h"
#include "frag-ndjson-reader.h"
#include "frag-ollama-provider.h"

#define PROVIDER_NAME "Ollama"

struct _FragOllamaProvider
{
  FragHttpProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (FragOllamaProvider, frag_ollama_provider, FRAG_TYPE_HTTP_PROVIDER)

char *
frag_ollama_base_url_from_host (const char *host)
{
  g_autofree char *trimmed = NULL;
  const char *scheme = "http";
  const char *rest;
  const char *colon;
  const char *bracket;

  if (host == NULL || *host == '\0')
    return g_strdup (FRAG_OLLAMA_DEFAULT_BASE_URL);

  trimmed = g_strstrip (g_strdup (host));
  rest = trimmed;
  if (g_str_has_prefix (rest, "http://"))
    rest += strlen ("http://");
  else if (g_str_has_prefix (rest, "https://"))
    {
      scheme = "https";
      rest += strlen ("https://");
    }

  /* Trailing slashes and paths are kept as the user wrote them; only a missing port
   * gets Ollama's (an IPv6 literal's colons are inside brackets). */
  bracket = strrchr (rest, ']');
  colon = strchr (bracket != NULL ? bracket : rest, ':');
  if (colon != NULL)
    return g_strdup_printf ("%s://%s", scheme, rest);
  else
    {
      const char *slash = strchr (rest, '/');
      int host_len = slash != NULL ? (int)(slash - rest) : (int)strlen (rest);

      return g_strdup_printf ("%s://%.*s:%s%s", scheme, host_len, rest,
                              g_str_equal (scheme, "https") ? "443" : "11434",
                              slash != NULL ? slash : "");
    }
}

static void
add_messages (JsonBuilder    *builder,
              FragLlmRequest *request)
{
  g_autofree char *system_prompt = frag_llm_system_prompt_with_schema (request);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  if (system_prompt != NULL && *system_prompt != '\0')
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, "system");
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, system_prompt);
      json_builder_end_object (builder);
    }

  for (guint i = 0; i < frag_llm_request_get_n_messages (request); i++)
    {
      FragLlmMessage *message = frag_llm_request_get_message (request, i);
      g_autofree char *text = frag_llm_message_dup_text (message);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder,
                                     frag_llm_message_get_role (message) == FRAG_LLM_ROLE_ASSISTANT
                                     ? "assistant" : "user");
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, text);
      if (frag_llm_message_has_images (message))
        {
          /* Bare base64, no data: prefix. */
          json_builder_set_member_name (builder, "images");
          json_builder_begin_array (builder);
          for (guint j = 0; j < frag_llm_message_get_n_parts (message); j++)
            {
              GBytes *image = frag_llm_message_get_part_image (message, j, NULL);
              g_autofree char *base64 = NULL;

              if (image == NULL)
                continue;
              base64 = frag_llm_base64 (image);
              json_builder_add_string_value (builder, base64);
            }
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *
build_body (FragLlmRequest *request,
            gsize          *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *schema = frag_llm_request_get_schema (request);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, frag_llm_request_get_model_id (request));
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, TRUE);
  add_messages (builder, request);
  if (schema != NULL)
    {
      json_builder_set_member_name (builder, "format");
      json_builder_add_value (builder, json_node_copy (schema));
    }

  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "num_ctx");
  json_builder_add_int_value (builder, FRAG_OLLAMA_DEFAULT_NUM_CTX);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TEMPERATURE, "temperature", FALSE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TOP_P, "top_p", FALSE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_TOP_K, "top_k", TRUE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_MAX_TOKENS, "num_predict", TRUE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_FREQUENCY_PENALTY, "frequency_penalty", FALSE);
  frag_llm_json_add_param (builder, request, FRAG_LLM_PARAM_PRESENCE_PENALTY, "presence_penalty", FALSE);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return frag_llm_json_builder_to_string (builder, length);
}

typedef struct
{
  FragNdjsonReader *reader;
  JsonParser       *parser;
  FragGeneration   *generation;
} Decoder;

static void
decoder_free (gpointer data)
{
  Decoder *decoder = data;

  frag_ndjson_reader_free (decoder->reader);
  g_object_unref (decoder->parser);
  g_object_unref (decoder->generation);
  g_free (decoder);
}

static gboolean
handle_line (Decoder     *decoder,
             JsonNode    *root,
             gboolean    *done,
             GError     **error)
{
  JsonObject *line;
  JsonObject *message;
  const char *content;
  JsonNode *done_node;

  /* {"error": "…"} ends a 200 stream that failed midway. */
  if (frag_llm_frame_is_error (root))
    {
      *error = frag_llm_error_from_stream (PROVIDER_NAME, root, NULL);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;

  line = json_node_get_object (root);
  /* message.thinking is reasoning; only content is the answer. The final line's
   * message may be missing. */
  message = frag_llm_json_get_object (line, "message");
  content = frag_llm_json_get_string (message, "content");
  if (content != NULL)
    frag_generation_append_output (decoder->generation, content, strlen (content));

  done_node = json_object_get_member (line, "done");
  if (done_node != NULL && JSON_NODE_HOLDS_VALUE (done_node) &&
      json_node_get_value_type (done_node) == G_TYPE_BOOLEAN && json_node_get_boolean (done_node))
    {
      const char *reason = frag_llm_json_get_string (line, "done_reason");

      frag_generation_set_finish_reason (decoder->generation, reason != NULL ? reason : "stop");
      frag_generation_set_usage (decoder->generation,
                                 frag_llm_json_get_int (line, "prompt_eval_count", -1),
                                 frag_llm_json_get_int (line, "eval_count", -1));
      *done = TRUE;
    }
  return TRUE;
}

static gboolean
drain_lines (Decoder   *decoder,
             gboolean  *done,
             GError   **error)
{
  for (;;)
    {
      gsize length = 0;
      g_autofree char *text = frag_ndjson_reader_pop (decoder->reader, &length);
      g_autoptr(JsonNode) root = NULL;

      if (text == NULL)
        return TRUE;
      root = frag_llm_json_parse (decoder->parser, text, length);
      if (root == NULL)
        {
          g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
                       "%s: the stream sent a line that is not JSON", PROVIDER_NAME);
          return FALSE;
        }
      if (!handle_line (decoder, root, done, error))
        return FALSE;
      if (*done)
        return TRUE;
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

  if (!frag_ndjson_reader_feed (decoder->reader, bytes, length, error))
    return FALSE;
  return drain_lines (decoder, done, error);
}

static gboolean
decoder_end (gpointer   data,
             GError   **error)
{
  Decoder *decoder = data;
  gboolean done = FALSE;

  /* An error line may end the body without its newline. */
  frag_ndjson_reader_end (decoder->reader);
  if (!drain_lines (decoder, &done, error))
    return FALSE;
  if (done)
    return TRUE;
  g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK,
               "%s: the connection closed before the end of the stream (no \"done\": true)",
               PROVIDER_NAME);
  return FALSE;
}

static const FragLlmDecoderFuncs decoder_funcs = {
  decoder_feed,
  decoder_end,
};

static void
frag_ollama_provider_generate (FragHttpProvider *provider,
                               FragLlmRequest   *request,
                               FragGeneration   *generation,
                               GTask            *task)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  GError *error = NULL;
  Decoder *decoder;
  gsize length = 0;

  url = frag_llm_join_url (frag_http_provider_get_base_url (provider), "api/chat");
  body = build_body (request, &length);
  message = frag_llm_new_json_post (url, body, length, &error);
  if (message == NULL)
    {
      g_prefix_error (&error, "%s: ", PROVIDER_NAME);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/x-ndjson");

  decoder = g_new0 (Decoder, 1);
  decoder->reader = frag_ndjson_reader_new ();
  decoder->parser = json_parser_new_immutable ();
  decoder->generation = g_object_ref (generation);

  frag_http_provider_stream (provider, task, message, request, generation,
                             PROVIDER_NAME, FALSE,
                             &decoder_funcs, decoder, decoder_free);
}

static void
frag_ollama_provider_class_init (FragOllamaProviderClass *klass)
{
  FRAG_HTTP_PROVIDER_CLASS (klass)->generate = frag_ollama_provider_generate;
}

static void
frag_ollama_provider_init (FragOllamaProvider *self)
{
}

FragOllamaProvider *
frag_ollama_provider_new (SoupSession *session,
                          const char  *base_url)
{
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (FRAG_TYPE_OLLAMA_PROVIDER,
                       "session", session,
                       "base-url", base_url,
                       NULL);
}
