/* frag-llm-errors.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-llm"

#include "config.h"

#include <string.h>

#include "frag-llm-errors.h"
#include "frag-llm-json.h"

/* Provider messages are quoted, not dumped: an HTML error page must not flood a line. */
#define MAX_MESSAGE_CHARS 400

typedef struct
{
  const char        *word;
  FragProviderError  code;
} KindWord;

/* error.type / error.code / error.status words of the providers (spec §2.6, §3.6,
 * §4.6, §5.2, §7), mapped to what the user can do about them. */
static const KindWord kind_words[] = {
  { "authentication_error", FRAG_PROVIDER_ERROR_AUTH },
  { "invalid_api_key", FRAG_PROVIDER_ERROR_AUTH },
  { "permission_error", FRAG_PROVIDER_ERROR_AUTH },
  { "PERMISSION_DENIED", FRAG_PROVIDER_ERROR_AUTH },
  { "UNAUTHENTICATED", FRAG_PROVIDER_ERROR_AUTH },
  { "rate_limit_error", FRAG_PROVIDER_ERROR_RATE_LIMITED },
  { "rate_limit_exceeded", FRAG_PROVIDER_ERROR_RATE_LIMITED },
  { "insufficient_quota", FRAG_PROVIDER_ERROR_RATE_LIMITED },
  { "RESOURCE_EXHAUSTED", FRAG_PROVIDER_ERROR_RATE_LIMITED },
  { "overloaded_error", FRAG_PROVIDER_ERROR_OVERLOADED },
  { "UNAVAILABLE", FRAG_PROVIDER_ERROR_OVERLOADED },
  { "not_found_error", FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND },
  { "model_not_found", FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND },
  { "NOT_FOUND", FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND },
  { "invalid_request_error", FRAG_PROVIDER_ERROR_BAD_REQUEST },
  { "INVALID_ARGUMENT", FRAG_PROVIDER_ERROR_BAD_REQUEST },
  { "server_error", FRAG_PROVIDER_ERROR_SERVER },
  { "api_error", FRAG_PROVIDER_ERROR_SERVER },
  { "INTERNAL", FRAG_PROVIDER_ERROR_SERVER },
};

/* What we could read out of an error body or frame. */
typedef struct
{
  char     *message;
  GPtrArray *kinds;        /* type, code, status words (borrowed from the node) */
  guint     numeric_code;  /* error.code when it is an HTTP-like number, else 0 */
  double    retry_delay;   /* Gemini RetryInfo, -1 when absent */
  gboolean  key_invalid;   /* Gemini API_KEY_INVALID */
  gboolean  spend_limit;   /* Anthropic enforced_spend_limit_reached: do not retry */
} ErrorInfo;

static void
error_info_clear (ErrorInfo *info)
{
  g_clear_pointer (&info->message, g_free);
  g_clear_pointer (&info->kinds, g_ptr_array_unref);
}

static double
parse_duration_seconds (const char *text)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return -1;
  value = g_ascii_strtod (text, &end);
  if (end == text || value < 0)
    return -1;
  return value;
}

/* Gemini's details[]: RetryInfo.retryDelay ("34.4s") and ErrorInfo.reason. */
static void
read_google_details (JsonArray *details,
                     ErrorInfo *info)
{
  for (guint i = 0; details != NULL && i < json_array_get_length (details); i++)
    {
      JsonNode *node = json_array_get_element (details, i);
      JsonObject *detail = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = frag_llm_json_get_string (detail, "@type");

      if (type == NULL)
        continue;
      if (g_str_has_suffix (type, "RetryInfo"))
        info->retry_delay = parse_duration_seconds (frag_llm_json_get_string (detail, "retryDelay"));
      if (g_strcmp0 (frag_llm_json_get_string (detail, "reason"), "API_KEY_INVALID") == 0)
        info->key_invalid = TRUE;
    }
}

static void
add_kind (ErrorInfo  *info,
          const char *word)
{
  if (word != NULL && *word != '\0')
    g_ptr_array_add (info->kinds, (gpointer)word);
}

static char *
detail_to_message (JsonNode *detail)
{
  /* FastAPI-style servers: "detail" is a string or a list of {"msg": …}. */
  if (JSON_NODE_HOLDS_VALUE (detail) && json_node_get_value_type (detail) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (detail));
  if (JSON_NODE_HOLDS_ARRAY (detail))
    {
      JsonArray *array = json_node_get_array (detail);

      if (json_array_get_length (array) > 0 &&
          JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, 0)))
        return g_strdup (frag_llm_json_get_string (json_array_get_object_element (array, 0), "msg"));
    }
  return NULL;
}

static void
read_error_json (JsonNode  *root,
                 ErrorInfo *info)
{
  JsonObject *object;
  JsonObject *error_object;
  JsonNode *error_node;
  JsonNode *code_node;
  JsonNode *detail;
  const char *top_type;

  if (root == NULL)
    return;

  /* Gemini (without alt=sse) and some gateways wrap the error in a one-element array. */
  if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
    root = json_array_get_element (json_node_get_array (root), 0);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return;

  object = json_node_get_object (root);
  error_node = json_object_get_member (object, "error");
  error_object = frag_llm_json_get_object (object, "error");

  if (error_object != NULL)
    {
      JsonObject *details_object = frag_llm_json_get_object (error_object, "details");

      info->message = g_strdup (frag_llm_json_get_string (error_object, "message"));
      add_kind (info, frag_llm_json_get_string (error_object, "type"));
      add_kind (info, frag_llm_json_get_string (error_object, "status"));
      code_node = json_object_get_member (error_object, "code");
      if (code_node != NULL && JSON_NODE_HOLDS_VALUE (code_node))
        {
          if (json_node_get_value_type (code_node) == G_TYPE_STRING)
            add_kind (info, json_node_get_string (code_node));
          else
            {
              gint64 code = frag_llm_json_get_int (error_object, "code", 0);

              if (code >= 100 && code <= 599)
                info->numeric_code = (guint)code;
            }
        }
      read_google_details (frag_llm_json_get_array (error_object, "details"), info);
      if (g_strcmp0 (frag_llm_json_get_string (details_object, "error_code"),
                     "enforced_spend_limit_reached") == 0)
        info->spend_limit = TRUE;
    }
  else if (error_node != NULL && JSON_NODE_HOLDS_VALUE (error_node) &&
           json_node_get_value_type (error_node) == G_TYPE_STRING)
    {
      info->message = g_strdup (json_node_get_string (error_node));
    }

  if (info->message == NULL)
    info->message = g_strdup (frag_llm_json_get_string (object, "message"));
  if (info->message == NULL && (detail = json_object_get_member (object, "detail")) != NULL)
    info->message = detail_to_message (detail);
  /* Mistral's top-level "type" names the error; Anthropic's is just "error". */
  top_type = frag_llm_json_get_string (object, "type");
  if (g_strcmp0 (top_type, "error") != 0)
    add_kind (info, top_type);

  if (info->message != NULL && strstr (info->message, "API key not valid") != NULL)
    info->key_invalid = TRUE;
}

static FragProviderError
code_from_kinds (ErrorInfo *info)
{
  for (guint i = 0; i < info->kinds->len; i++)
    for (guint j = 0; j < G_N_ELEMENTS (kind_words); j++)
      if (g_str_equal (g_ptr_array_index (info->kinds, i), kind_words[j].word))
        return kind_words[j].code;
  return FRAG_PROVIDER_ERROR_SERVER;
}

static FragProviderError
code_from_status (guint status)
{
  if (status == 401 || status == 403)
    return FRAG_PROVIDER_ERROR_AUTH;
  if (status == 404)
    return FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND;
  if (status == 429 || status == 402)
    return FRAG_PROVIDER_ERROR_RATE_LIMITED;
  if (status == 503 || status == 529)
    return FRAG_PROVIDER_ERROR_OVERLOADED;
  if (status >= 500 || status == 408)
    return FRAG_PROVIDER_ERROR_SERVER;
  return FRAG_PROVIDER_ERROR_BAD_REQUEST;
}

/* A 429 that waiting will not cure: the account's quota or spend limit is used up
 * (llm-protocols.md §2.6, §3.6). */
static gboolean
quota_exhausted (ErrorInfo *info)
{
  if (info->spend_limit)
    return TRUE;
  for (guint i = 0; i < info->kinds->len; i++)
    if (g_str_equal (g_ptr_array_index (info->kinds, i), "insufficient_quota"))
      return TRUE;
  return FALSE;
}

static FragProviderError
classify_kind (guint      status,
               ErrorInfo *info)
{
  if (info->key_invalid)
    return FRAG_PROVIDER_ERROR_AUTH;
  /* A definite HTTP status says more than a loosely used type word, except 400, which
   * providers use for everything (Gemini's bad key included). */
  if (status >= 400 && status != 400)
    return code_from_status (status);
  if (info->numeric_code >= 400 && info->numeric_code != 400)
    return code_from_status (info->numeric_code);
  if (info->kinds->len > 0)
    return code_from_kinds (info);
  if (status == 400 || info->numeric_code == 400)
    return FRAG_PROVIDER_ERROR_BAD_REQUEST;
  return FRAG_PROVIDER_ERROR_SERVER;
}

static FragProviderError
classify (guint      status,
          ErrorInfo *info)
{
  FragProviderError code = classify_kind (status, info);

  if (code == FRAG_PROVIDER_ERROR_RATE_LIMITED && quota_exhausted (info))
    return FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED;
  return code;
}

static const char *
headline (FragProviderError code,
          ErrorInfo        *info)
{
  switch (code)
    {
    case FRAG_PROVIDER_ERROR_AUTH:
      return "authentication failed";
    case FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND:
      return "model or endpoint not found";
    case FRAG_PROVIDER_ERROR_RATE_LIMITED:
      return "rate limit exceeded";
    case FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED:
      return info->spend_limit ? "spend limit reached" : "quota exhausted";
    case FRAG_PROVIDER_ERROR_OVERLOADED:
      return "overloaded";
    case FRAG_PROVIDER_ERROR_BAD_REQUEST:
      return "request refused";
    case FRAG_PROVIDER_ERROR_SERVER:
    default:
      return "server error";
    }
}

static char *
shorten (const char *message)
{
  g_autofree char *valid = NULL;
  g_autofree char *stripped = NULL;

  if (message == NULL)
    return NULL;
  valid = g_utf8_make_valid (message, -1);
  stripped = g_strstrip (g_strdup (valid));
  if (*stripped == '\0')
    return NULL;
  if (g_utf8_strlen (stripped, -1) > MAX_MESSAGE_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (stripped, 0, MAX_MESSAGE_CHARS);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&stripped);
}

static GError *
build_error (const char *provider_name,
             guint       status,
             ErrorInfo  *info,
             double      retry_after)
{
  FragProviderError code = classify (status, info);
  g_autofree char *message = shorten (info->message);
  g_autofree char *where = NULL;
  g_autofree char *retry = NULL;

  if (status >= 100)
    where = g_strdup_printf (" (HTTP %u)", status);
  else
    where = g_strdup (" during the stream");
  if (code == FRAG_PROVIDER_ERROR_RATE_LIMITED && retry_after >= 0)
    retry = g_strdup_printf (", retry in %.0f s", MAX (1.0, retry_after));

  return g_error_new (FRAG_PROVIDER_ERROR, code, "%s: %s%s%s%s%s",
                      provider_name, headline (code, info), where,
                      retry != NULL ? retry : "",
                      message != NULL ? ": " : "",
                      message != NULL ? message : "");
}

static double
retry_after_from_headers (SoupMessageHeaders *headers)
{
  const char *value;

  if (headers == NULL)
    return -1;

  /* The AI SDK's order: the millisecond header first, then seconds or an HTTP date. */
  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (value != NULL && parse_duration_seconds (value) >= 0)
    return parse_duration_seconds (value) / 1000.0;

  value = soup_message_headers_get_one (headers, "retry-after");
  if (value == NULL)
    return -1;
  if (g_ascii_isdigit (*value))
    return parse_duration_seconds (value);
  else
    {
      g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if (when == NULL)
        return -1;
      return MAX (0.0, g_date_time_difference (when, now) / (double)G_TIME_SPAN_SECOND);
    }
}

static char *
text_body_message (GBytes *body)
{
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;

  if (data == NULL || length == 0)
    return NULL;
  /* A plain-text or HTML body (a proxy's error page): quote its start. */
  return g_utf8_make_valid (data, MIN (length, (gsize)MAX_MESSAGE_CHARS * 4));
}

GError *
frag_llm_error_from_response (const char         *provider_name,
                              guint               status,
                              SoupMessageHeaders *headers,
                              GBytes             *body,
                              double             *retry_after)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  ErrorInfo info = { NULL, g_ptr_array_new (), 0, -1, FALSE, FALSE };
  double delay;
  GError *error;

  if (body != NULL && g_bytes_get_size (body) > 0)
    root = frag_llm_json_parse (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  read_error_json (root, &info);
  if (info.message == NULL && root == NULL)
    info.message = text_body_message (body);
  if (info.message == NULL)
    info.message = g_strdup (soup_status_get_phrase (status));

  delay = retry_after_from_headers (headers);
  if (delay < 0)
    delay = info.retry_delay;
  if (info.spend_limit)
    delay = -1;
  if (retry_after != NULL)
    *retry_after = delay;

  error = build_error (provider_name, status, &info, delay);
  error_info_clear (&info);
  return error;
}

gboolean
frag_llm_frame_is_error (JsonNode *frame)
{
  JsonObject *object;

  if (frame == NULL || !JSON_NODE_HOLDS_OBJECT (frame))
    return FALSE;
  object = json_node_get_object (frame);
  if (g_strcmp0 (frag_llm_json_get_string (object, "type"), "error") == 0)
    return TRUE;
  /* "error": null appears on some compatible servers' normal chunks. */
  return json_object_has_member (object, "error") &&
         !JSON_NODE_HOLDS_NULL (json_object_get_member (object, "error"));
}

GError *
frag_llm_error_from_stream (const char *provider_name,
                            JsonNode   *frame,
                            double     *retry_after)
{
  ErrorInfo info = { NULL, g_ptr_array_new (), 0, -1, FALSE, FALSE };
  GError *error;

  read_error_json (frame, &info);
  if (info.message == NULL)
    info.message = g_strdup ("the stream reported an error");
  if (info.spend_limit)
    info.retry_delay = -1;
  if (retry_after != NULL)
    *retry_after = info.retry_delay;

  error = build_error (provider_name, 0, &info, info.retry_delay);
  error_info_clear (&info);
  return error;
}

char *
frag_llm_redact (const char *text,
                 const char *secret)
{
  g_autofree gboolean *covered = NULL;
  g_autofree char *needle = NULL;
  GString *result;
  gsize text_len;
  gsize secret_len;
  gsize window;

  if (text == NULL)
    return NULL;
  if (secret == NULL || *secret == '\0')
    return g_strdup (text);

  text_len = strlen (text);
  secret_len = strlen (secret);
  /* Any 12 consecutive bytes of the key count as the key: a provider may quote it cut
   * or wrapped. Shorter keys are matched whole. */
  window = MIN (secret_len, (gsize)12);
  if (text_len < window)
    return g_strdup (text);

  covered = g_new0 (gboolean, text_len);
  needle = g_malloc (window + 1);
  for (gsize k = 0; k + window <= secret_len; k++)
    {
      const char *hit = text;

      memcpy (needle, secret + k, window);
      needle[window] = '\0';
      while ((hit = strstr (hit, needle)) != NULL)
        {
          for (gsize j = 0; j < window; j++)
            covered[(hit - text) + j] = TRUE;
          hit++;
        }
    }

  result = g_string_new (NULL);
  for (gsize i = 0; i < text_len; i++)
    {
      if (!covered[i])
        g_string_append_c (result, text[i]);
      else if (i == 0 || !covered[i - 1])
        g_string_append (result, "[redacted]");
    }
  return g_string_free (result, FALSE);
}

void
frag_llm_redact_error (GError     *error,
                       const char *secret)
{
  char *redacted;

  if (error == NULL || secret == NULL || *secret == '\0')
    return;
  redacted = frag_llm_redact (error->message, secret);
  g_free (error->message);
  error->message = redacted;
}
