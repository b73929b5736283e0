/* frag-llm-json.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-llm"

#include "config.h"

#include <math.h>
#include <string.h>

#include "frag-llm-json.h"

const char *
frag_llm_json_get_string (JsonObject *object,
                          const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
frag_llm_json_get_object (JsonObject *object,
                          const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
frag_llm_json_get_array (JsonObject *object,
                         const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

gint64
frag_llm_json_get_int (JsonObject *object,
                       const char *member,
                       gint64      fallback)
{
  JsonNode *node;
  GType type;

  if (object == NULL)
    return fallback;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      if (isfinite (value) && value == floor (value) && fabs (value) < 9e15)
        return (gint64)value;
    }
  return fallback;
}

JsonNode *
frag_llm_json_parse (JsonParser *parser,
                     const char *data,
                     gsize       length)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL ? json_node_ref (root) : NULL;
}

char *
frag_llm_system_prompt_with_schema (FragLlmRequest *request)
{
  const char *system_prompt = frag_llm_request_get_system_prompt (request);
  JsonNode *schema = frag_llm_request_get_schema (request);
  g_autofree char *schema_text = NULL;

  if (schema == NULL)
    return g_strdup (system_prompt);

  /* The wording of AI SDK 3.x's injectJsonInstruction, which E2B Fragments uses. */
  schema_text = json_to_string (schema, FALSE);
  return g_strdup_printf ("%s%sJSON schema:\n%s\n"
                          "You MUST answer with a JSON object that matches the JSON schema above.",
                          system_prompt != NULL ? system_prompt : "",
                          system_prompt != NULL && *system_prompt != '\0' ? "\n\n" : "",
                          schema_text);
}

char *
frag_llm_base64 (GBytes *bytes)
{
  gsize length = 0;
  const guchar *data = g_bytes_get_data (bytes, &length);

  return g_base64_encode (data, length);
}

char *
frag_llm_join_url (const char *base,
                   const char *path)
{
  gsize base_len = strlen (base);

  while (base_len > 0 && base[base_len - 1] == '/')
    base_len--;
  while (*path == '/')
    path++;
  return g_strdup_printf ("%.*s/%s", (int)base_len, base, path);
}

char *
frag_llm_json_builder_to_string (JsonBuilder *builder,
                                 gsize       *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

gboolean
frag_llm_json_add_param (JsonBuilder    *builder,
                         FragLlmRequest *request,
                         FragLlmParam    param,
                         const char     *member,
                         gboolean        integral)
{
  double value;

  if (!frag_llm_request_get_param (request, param, &value))
    return FALSE;
  json_builder_set_member_name (builder, member);
  if (integral)
    json_builder_add_int_value (builder, (gint64)value);
  else
    json_builder_add_double_value (builder, value);
  return TRUE;
}
