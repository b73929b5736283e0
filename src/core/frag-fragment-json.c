/* frag-fragment-json.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-fragment"

#include "config.h"

#include <math.h>
#include <string.h>

#include "frag-fragment-private.h"

/* JSON in */

/* "a string", "null", … for messages such as "must be a number or null, not a string". */
static const char *
describe_node_type (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return "a number";
    default:
      return "an unknown value";
    }
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
wrong_type (GError     **error,
            const char  *field,
            const char  *expected,
            JsonNode    *node)
{
  g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
               "Field “%s” must be %s, not %s", field, expected, describe_node_type (node));
  return FALSE;
}

/* Reads an optional string member. Absent leaves *out alone; present but not a string
 * is an error. */
static gboolean
read_string (JsonObject  *object,
             const char  *field,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);

  if (node == NULL)
    return TRUE;
  if (!node_is_string (node))
    return wrong_type (error, field, "a string", node);
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_string_array (JsonObject   *object,
                   const char   *field,
                   GStrv        *out,
                   GError      **error)
{
  JsonNode *node = json_object_get_member (object, field);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;
  guint length;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (error, field, "an array of strings", node);

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < length; i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!node_is_string (item))
        {
          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
                       "Field “%s” must be an array of strings, but item %u is %s",
                       field, i + 1, describe_node_type (item));
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_port (JsonObject  *object,
           FragFragment *self,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, FIELD_PORT);
  double value;

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      self->port = FRAG_FRAGMENT_NO_PORT;
      self->port_set = TRUE;
      return TRUE;
    }
  if (!node_is_number (node))
    return wrong_type (error, FIELD_PORT, "a number or null", node);

  /* 3000 and 3000.0 are the same port; 3000.5 or 70000 are not ports at all. */
  value = json_node_get_double (node);
  if (value != floor (value) || value < 1 || value > 65535)
    {
      g_autofree char *text = json_to_string (node, FALSE);

      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
                   "Field “%s” must be a port number from 1 to 65535 or null, not %s",
                   FIELD_PORT, text);
      return FALSE;
    }
  self->port = (int) value;
  self->port_set = TRUE;
  return TRUE;
}

static gboolean
read_files (JsonObject   *object,
            FragFragment *self,
            GError      **error)
{
  JsonNode *node = json_object_get_member (object, FIELD_FILES);
  g_autoptr(GPtrArray) files = NULL;
  JsonArray *array;
  guint length;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (error, FIELD_FILES, "an array of {file_path, code} objects", node);

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  files = g_ptr_array_new_with_free_func ((GDestroyNotify) frag_fragment_file_free);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *item_object;
      JsonNode *path_node;
      JsonNode *code_node;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
                       "Field “files” must be an array of objects, but item %u is %s",
                       i + 1, describe_node_type (item));
          return FALSE;
        }
      item_object = json_node_get_object (item);
      path_node = json_object_get_member (item_object, FIELD_FILE_PATH);
      code_node = json_object_get_member (item_object, FIELD_CODE);
      if (path_node == NULL || code_node == NULL)
        {
          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_MISSING_FIELD,
                       "Item %u of “files” is missing the required field “%s”",
                       i + 1, path_node == NULL ? FIELD_FILE_PATH : FIELD_CODE);
          return FALSE;
        }
      if (!node_is_string (path_node) || !node_is_string (code_node))
        {
          gboolean path_bad = !node_is_string (path_node);

          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
                       "Field “%s” of item %u of “files” must be a string, not %s",
                       path_bad ? FIELD_FILE_PATH : FIELD_CODE, i + 1,
                       describe_node_type (path_bad ? path_node : code_node));
          return FALSE;
        }
      g_ptr_array_add (files, frag_fragment_file_new (json_node_get_string (path_node),
                                                      json_node_get_string (code_node)));
    }
  if (files->len > 0)
    self->files = g_steal_pointer (&files);
  return TRUE;
}

FragFragment *
frag_fragment_new_from_json_node (JsonNode  *node,
                                  GError   **error)
{
  g_autoptr(FragFragment) self = NULL;
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_INVALID_JSON,
                   "A fragment must be a JSON object, not %s", describe_node_type (node));
      return NULL;
    }
  object = json_node_get_object (node);
  self = frag_fragment_new ();

  /* Filled field by field without notifications: nobody can be connected yet. */
  if (!read_string (object, FIELD_COMMENTARY, &self->commentary, error) ||
      !read_string (object, FIELD_TEMPLATE, &self->template_id, error) ||
      !read_string (object, FIELD_TITLE, &self->title, error) ||
      !read_string (object, FIELD_DESCRIPTION, &self->description, error) ||
      !read_string_array (object, FIELD_ADDITIONAL_DEPENDENCIES,
                          &self->additional_dependencies, error))
    return NULL;

  member = json_object_get_member (object, FIELD_HAS_ADDITIONAL_DEPENDENCIES);
  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          wrong_type (error, FIELD_HAS_ADDITIONAL_DEPENDENCIES, "a boolean", member);
          return NULL;
        }
      self->has_additional_dependencies = json_node_get_boolean (member);
      self->has_additional_dependencies_set = TRUE;
    }

  if (!read_string (object, FIELD_INSTALL_DEPENDENCIES_COMMAND,
                    &self->install_dependencies_command, error) ||
      !read_port (object, self, error) ||
      !read_string (object, FIELD_FILE_PATH, &self->file_path, error) ||
      !read_string (object, FIELD_CODE, &self->code, error) ||
      !read_files (object, self, error))
    return NULL;

  return g_steal_pointer (&self);
}

FragFragment *
frag_fragment_new_from_data (const char  *data,
                             gssize       length,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_INVALID_JSON,
                   "The fragment is not valid JSON: %s", local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_INVALID_JSON,
                           "The fragment is empty");
      return NULL;
    }
  return frag_fragment_new_from_json_node (json_parser_get_root (parser), error);
}

/* JSON out */

JsonNode *
frag_fragment_to_json_node (FragFragment *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  const char * const *deps;

  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);

  /* Unset fields are written as their empty values, so the output always has the
   * schema's ten fields and a consumer of the JSON never meets a missing key. */
  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, FIELD_COMMENTARY);
  json_builder_add_string_value (builder, self->commentary != NULL ? self->commentary : "");
  json_builder_set_member_name (builder, FIELD_TEMPLATE);
  json_builder_add_string_value (builder, self->template_id != NULL ? self->template_id : "");
  json_builder_set_member_name (builder, FIELD_TITLE);
  json_builder_add_string_value (builder, self->title != NULL ? self->title : "");
  json_builder_set_member_name (builder, FIELD_DESCRIPTION);
  json_builder_add_string_value (builder, self->description != NULL ? self->description : "");

  json_builder_set_member_name (builder, FIELD_ADDITIONAL_DEPENDENCIES);
  json_builder_begin_array (builder);
  deps = (const char * const *) self->additional_dependencies;
  for (guint i = 0; deps != NULL && deps[i] != NULL; i++)
    json_builder_add_string_value (builder, deps[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, FIELD_HAS_ADDITIONAL_DEPENDENCIES);
  json_builder_add_boolean_value (builder, self->has_additional_dependencies);
  json_builder_set_member_name (builder, FIELD_INSTALL_DEPENDENCIES_COMMAND);
  json_builder_add_string_value (builder, self->install_dependencies_command != NULL
                                          ? self->install_dependencies_command : "");
  json_builder_set_member_name (builder, FIELD_PORT);
  if (self->port == FRAG_FRAGMENT_NO_PORT)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, self->port);
  json_builder_set_member_name (builder, FIELD_FILE_PATH);
  json_builder_add_string_value (builder, self->file_path != NULL ? self->file_path : "");
  json_builder_set_member_name (builder, FIELD_CODE);
  json_builder_add_string_value (builder, self->code != NULL ? self->code : "");

  if (self->files != NULL)
    {
      json_builder_set_member_name (builder, FIELD_FILES);
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->files->len; i++)
        {
          const FragFragmentFile *file = g_ptr_array_index (self->files, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, FIELD_FILE_PATH);
          json_builder_add_string_value (builder, file->file_path != NULL ? file->file_path : "");
          json_builder_set_member_name (builder, FIELD_CODE);
          json_builder_add_string_value (builder, file->code != NULL ? file->code : "");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
frag_fragment_to_json (FragFragment *self,
                       gboolean      pretty)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);

  node = frag_fragment_to_json_node (self);
  return json_to_string (node, pretty);
}
