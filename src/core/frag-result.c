/* frag-result.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-result"

#include "config.h"

#include "frag-errors.h"
#include "frag-result.h"

/* The MIME fields of a result item that are strings, in the order they are written. */
#define FOREACH_STRING_FIELD(X) \
  X (text)                      \
  X (html)                      \
  X (markdown)                  \
  X (svg)                       \
  X (png)                       \
  X (jpeg)                      \
  X (latex)

G_DEFINE_BOXED_TYPE (FragResultItem, frag_result_item, frag_result_item_copy, frag_result_item_free)

FragResultItem *
frag_result_item_new (void)
{
  return g_new0 (FragResultItem, 1);
}

FragResultItem *
frag_result_item_copy (const FragResultItem *item)
{
  FragResultItem *copy;

  g_return_val_if_fail (item != NULL, NULL);

  copy = frag_result_item_new ();
#define COPY_FIELD(name) copy->name = g_strdup (item->name);
  FOREACH_STRING_FIELD (COPY_FIELD)
#undef COPY_FIELD
  copy->json = item->json != NULL ? json_node_copy (item->json) : NULL;
  copy->is_main_result = item->is_main_result;
  return copy;
}

void
frag_result_item_free (FragResultItem *item)
{
  if (item == NULL)
    return;
#define FREE_FIELD(name) g_free (item->name);
  FOREACH_STRING_FIELD (FREE_FIELD)
#undef FREE_FIELD
  g_clear_pointer (&item->json, json_node_unref);
  g_free (item);
}

static char *
dup_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

FragResultItem *
frag_result_item_new_from_object (JsonObject *object)
{
  FragResultItem *item;
  JsonNode *json;
  JsonNode *is_main;

  g_return_val_if_fail (object != NULL, NULL);

  item = frag_result_item_new ();
#define READ_FIELD(name) item->name = dup_string_member (object, #name);
  FOREACH_STRING_FIELD (READ_FIELD)
#undef READ_FIELD
  json = json_object_get_member (object, "json");
  if (json != NULL && !JSON_NODE_HOLDS_NULL (json))
    item->json = json_node_copy (json);
  is_main = json_object_get_member (object, "is_main_result");
  if (is_main != NULL && JSON_NODE_HOLDS_VALUE (is_main)
      && json_node_get_value_type (is_main) == G_TYPE_BOOLEAN)
    item->is_main_result = json_node_get_boolean (is_main);
  return item;
}

JsonNode *
frag_result_item_to_json_node (const FragResultItem *item)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (item != NULL, NULL);

  json_builder_begin_object (builder);
#define WRITE_FIELD(name)                             \
  if (item->name != NULL)                             \
    {                                                 \
      json_builder_set_member_name (builder, #name);  \
      json_builder_add_string_value (builder, item->name); \
    }
  FOREACH_STRING_FIELD (WRITE_FIELD)
#undef WRITE_FIELD
  if (item->json != NULL)
    {
      json_builder_set_member_name (builder, "json");
      json_builder_add_value (builder, json_node_copy (item->json));
    }
  json_builder_set_member_name (builder, "is_main_result");
  json_builder_add_boolean_value (builder, item->is_main_result);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
frag_result_item_is_empty (const FragResultItem *item)
{
  g_return_val_if_fail (item != NULL, TRUE);

#define CHECK_FIELD(name) if (item->name != NULL) return FALSE;
  FOREACH_STRING_FIELD (CHECK_FIELD)
#undef CHECK_FIELD
  return item->json == NULL;
}

struct _FragResult
{
  GObject    parent_instance;

  char      *template_id;
  char      *sandbox_id;
  char      *backend;
  GPtrArray *stdout_chunks;  /* NULL-terminated */
  GPtrArray *stderr_chunks;  /* NULL-terminated */
  char      *error_name;     /* NULL: no error */
  char      *error_value;
  char      *error_traceback;
  GPtrArray *items;
  char      *url;
  int        exit_code;
  gboolean   has_exit_code;
};

G_DEFINE_FINAL_TYPE (FragResult, frag_result, G_TYPE_OBJECT)

static void
frag_result_finalize (GObject *object)
{
  FragResult *self = (FragResult *)object;

  g_free (self->template_id);
  g_free (self->sandbox_id);
  g_free (self->backend);
  g_ptr_array_unref (self->stdout_chunks);
  g_ptr_array_unref (self->stderr_chunks);
  g_free (self->error_name);
  g_free (self->error_value);
  g_free (self->error_traceback);
  g_ptr_array_unref (self->items);
  g_free (self->url);

  G_OBJECT_CLASS (frag_result_parent_class)->finalize (object);
}

static void
frag_result_class_init (FragResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_result_finalize;
}

static GPtrArray *
new_string_vector (void)
{
  /* A reserved size, so pdata is a valid empty NULL-terminated vector from the start
   * (with 0 it stays NULL until the first element). */
  return g_ptr_array_new_null_terminated (4, g_free, TRUE);
}

static void
frag_result_init (FragResult *self)
{
  self->stdout_chunks = new_string_vector ();
  self->stderr_chunks = new_string_vector ();
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_result_item_free);
}

FragResult *
frag_result_new (const char *template_id,
                 const char *sandbox_id,
                 const char *backend)
{
  FragResult *self = g_object_new (FRAG_TYPE_RESULT, NULL);

  self->template_id = g_strdup (template_id);
  self->sandbox_id = g_strdup (sandbox_id);
  self->backend = g_strdup (backend);
  return self;
}

static gboolean
read_optional_string (JsonObject  *object,
                      const char  *name,
                      char       **out,
                      GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                   "Result field “%s” is not a string", name);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_string_array (JsonObject  *object,
                   const char  *name,
                   GPtrArray   *into,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto wrong_type;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        goto wrong_type;
      g_ptr_array_add (into, g_strdup (json_node_get_string (element)));
    }
  return TRUE;

wrong_type:
  g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
               "Result field “%s” is not an array of strings", name);
  return FALSE;
}

FragResult *
frag_result_new_from_json_node (JsonNode  *node,
                                GError   **error)
{
  g_autoptr(FragResult) self = NULL;
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                           "A result must be a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);
  self = frag_result_new (NULL, NULL, NULL);

  if (!read_optional_string (object, "template", &self->template_id, error)
      || !read_optional_string (object, "sandbox_id", &self->sandbox_id, error)
      || !read_optional_string (object, "backend", &self->backend, error)
      || !read_string_array (object, "stdout", self->stdout_chunks, error)
      || !read_string_array (object, "stderr", self->stderr_chunks, error)
      || !read_optional_string (object, "url", &self->url, error))
    return NULL;

  member = json_object_get_member (object, "error");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      JsonObject *error_object;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      g_autofree char *traceback = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          g_set_error_literal (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                               "Result field “error” is not an object");
          return NULL;
        }
      error_object = json_node_get_object (member);
      if (!read_optional_string (error_object, "name", &name, error)
          || !read_optional_string (error_object, "value", &value, error)
          || !read_optional_string (error_object, "traceback", &traceback, error))
        return NULL;
      frag_result_set_error (self, name != NULL ? name : "Error", value != NULL ? value : "",
                             traceback);
    }

  member = json_object_get_member (object, "results");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error_literal (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                               "Result field “results” is not an array");
          return NULL;
        }
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_set_error_literal (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                                   "Result field “results” holds a non-object");
              return NULL;
            }
          frag_result_take_item (self, frag_result_item_new_from_object (json_node_get_object (element)));
        }
    }

  member = json_object_get_member (object, "exit_code");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
        {
          g_set_error_literal (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                               "Result field “exit_code” is not an integer");
          return NULL;
        }
      frag_result_set_exit_code (self, (int)json_node_get_int (member));
    }

  return g_steal_pointer (&self);
}

FragResult *
frag_result_new_from_data (const char  *data,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                   "A result is not valid JSON: %s", parse_error->message);
      return NULL;
    }
  return frag_result_new_from_json_node (json_parser_get_root (parser), error);
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_string_vector (JsonBuilder *builder,
                   const char  *name,
                   GPtrArray   *vector)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < vector->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (vector, i));
  json_builder_end_array (builder);
}

JsonNode *
frag_result_to_json_node (FragResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);

  json_builder_begin_object (builder);
  add_nullable_string (builder, "template", self->template_id);
  add_nullable_string (builder, "sandbox_id", self->sandbox_id);
  add_nullable_string (builder, "backend", self->backend);
  add_string_vector (builder, "stdout", self->stdout_chunks);
  add_string_vector (builder, "stderr", self->stderr_chunks);

  json_builder_set_member_name (builder, "error");
  if (self->error_name != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, self->error_name);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, self->error_value);
      json_builder_set_member_name (builder, "traceback");
      json_builder_add_string_value (builder, self->error_traceback);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->items->len; i++)
    json_builder_add_value (builder, frag_result_item_to_json_node (g_ptr_array_index (self->items, i)));
  json_builder_end_array (builder);

  add_nullable_string (builder, "url", self->url);
  json_builder_set_member_name (builder, "exit_code");
  if (self->has_exit_code)
    json_builder_add_int_value (builder, self->exit_code);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
frag_result_to_json (FragResult *self,
                     gboolean    pretty)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);

  node = frag_result_to_json_node (self);
  return json_to_string (node, pretty);
}

#define DEFINE_STRING_ACCESSORS(field)                                      \
  const char *                                                              \
  frag_result_get_##field (FragResult *self)                                \
  {                                                                         \
    g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);                     \
    return self->field;                                                     \
  }                                                                         \
                                                                            \
  void                                                                      \
  frag_result_set_##field (FragResult *self,                                \
                           const char *value)                               \
  {                                                                         \
    g_return_if_fail (FRAG_IS_RESULT (self));                               \
    if (g_strcmp0 (self->field, value) == 0)                                \
      return;                                                               \
    g_free (self->field);                                                   \
    self->field = g_strdup (value);                                         \
  }

DEFINE_STRING_ACCESSORS (template_id)
DEFINE_STRING_ACCESSORS (sandbox_id)
DEFINE_STRING_ACCESSORS (backend)
DEFINE_STRING_ACCESSORS (url)

#undef DEFINE_STRING_ACCESSORS

const char * const *
frag_result_get_stdout (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);
  return (const char * const *)self->stdout_chunks->pdata;
}

const char * const *
frag_result_get_stderr (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);
  return (const char * const *)self->stderr_chunks->pdata;
}

void
frag_result_append_stdout (FragResult *self,
                           const char *chunk)
{
  g_return_if_fail (FRAG_IS_RESULT (self));
  g_return_if_fail (chunk != NULL);
  g_ptr_array_add (self->stdout_chunks, g_strdup (chunk));
}

void
frag_result_append_stderr (FragResult *self,
                           const char *chunk)
{
  g_return_if_fail (FRAG_IS_RESULT (self));
  g_return_if_fail (chunk != NULL);
  g_ptr_array_add (self->stderr_chunks, g_strdup (chunk));
}

char *
frag_result_dup_stdout_text (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);
  return g_strjoinv ("", (char **)self->stdout_chunks->pdata);
}

char *
frag_result_dup_stderr_text (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);
  return g_strjoinv ("", (char **)self->stderr_chunks->pdata);
}

gboolean
frag_result_has_error (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), FALSE);
  return self->error_name != NULL;
}

void
frag_result_set_error (FragResult *self,
                       const char *name,
                       const char *value,
                       const char *traceback)
{
  g_return_if_fail (FRAG_IS_RESULT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  frag_result_clear_error (self);
  self->error_name = g_strdup (name);
  self->error_value = g_strdup (value);
  self->error_traceback = g_strdup (traceback != NULL ? traceback : "");
}

void
frag_result_clear_error (FragResult *self)
{
  g_return_if_fail (FRAG_IS_RESULT (self));
  g_clear_pointer (&self->error_name, g_free);
  g_clear_pointer (&self->error_value, g_free);
  g_clear_pointer (&self->error_traceback, g_free);
}

const char *
frag_result_get_error_name (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);
  return self->error_name;
}

const char *
frag_result_get_error_value (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);
  return self->error_value;
}

const char *
frag_result_get_error_traceback (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);
  return self->error_traceback;
}

GPtrArray *
frag_result_get_items (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), NULL);
  return self->items;
}

void
frag_result_take_item (FragResult     *self,
                       FragResultItem *item)
{
  g_return_if_fail (FRAG_IS_RESULT (self));
  g_return_if_fail (item != NULL);
  g_ptr_array_add (self->items, item);
}

gboolean
frag_result_has_exit_code (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), FALSE);
  return self->has_exit_code;
}

int
frag_result_get_exit_code (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), 0);
  return self->exit_code;
}

void
frag_result_set_exit_code (FragResult *self,
                           int         exit_code)
{
  g_return_if_fail (FRAG_IS_RESULT (self));
  self->exit_code = exit_code;
  self->has_exit_code = TRUE;
}

void
frag_result_clear_exit_code (FragResult *self)
{
  g_return_if_fail (FRAG_IS_RESULT (self));
  self->exit_code = 0;
  self->has_exit_code = FALSE;
}

gboolean
frag_result_failed (FragResult *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT (self), FALSE);
  return self->error_name != NULL || (self->has_exit_code && self->exit_code != 0);
}
