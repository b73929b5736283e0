/* frag-stored-conversation.c: what loading a conversation returns — its messages,
 * fragment versions and execution results — and their JSON for `frag history show`.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-records"

#include "config.h"

#include <string.h>

#include "frag-history-records.h"

/* FragStoredMessage */

struct _FragStoredMessage
{
  GObject           parent_instance;
  gint64            id;
  gint64            conversation_id;
  FragMessageRole   role;
  FragMessageState  state;
  char             *text;
  char             *fragment_json;
  char             *model;
  char             *error_message;
  FragTokenUsage    usage;
  GPtrArray        *attachments;
  gint64            created;
  gint64            updated;
};

G_DEFINE_FINAL_TYPE (FragStoredMessage, frag_stored_message, G_TYPE_OBJECT)

static void
frag_stored_message_finalize (GObject *object)
{
  FragStoredMessage *self = (FragStoredMessage *)object;

  g_free (self->text);
  g_free (self->fragment_json);
  g_free (self->model);
  g_free (self->error_message);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (frag_stored_message_parent_class)->finalize (object);
}

static void
frag_stored_message_class_init (FragStoredMessageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_stored_message_finalize;
}

static void
frag_stored_message_init (FragStoredMessage *self)
{
}

FragStoredMessage *
frag_stored_message_new (gint64            id,
                         gint64            conversation_id,
                         FragMessageRole   role,
                         FragMessageState  state,
                         const char       *text,
                         const char       *fragment_json,
                         const char       *model,
                         const char       *error_message,
                         FragTokenUsage    usage,
                         GPtrArray        *attachments,
                         gint64            created,
                         gint64            updated)
{
  FragStoredMessage *self = g_object_new (FRAG_TYPE_STORED_MESSAGE, NULL);

  self->id = id;
  self->conversation_id = conversation_id;
  self->role = role;
  self->state = state;
  self->text = g_strdup (text != NULL ? text : "");
  self->fragment_json = g_strdup (fragment_json);
  self->model = g_strdup (model);
  self->error_message = g_strdup (error_message);
  self->usage = usage;
  self->attachments = attachments != NULL
    ? g_ptr_array_ref (attachments)
    : g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);
  self->created = created;
  self->updated = updated;
  return self;
}

gint64
frag_stored_message_get_id (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), 0);
  return self->id;
}

gint64
frag_stored_message_get_conversation_id (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), 0);
  return self->conversation_id;
}

FragMessageRole
frag_stored_message_get_role (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), FRAG_MESSAGE_ROLE_USER);
  return self->role;
}

FragMessageState
frag_stored_message_get_state (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), FRAG_MESSAGE_STATE_COMPLETE);
  return self->state;
}

const char *
frag_stored_message_get_text (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), NULL);
  return self->text;
}

const char *
frag_stored_message_get_fragment_json (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), NULL);
  return self->fragment_json;
}

const char *
frag_stored_message_get_model (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), NULL);
  return self->model;
}

const char *
frag_stored_message_get_error_message (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), NULL);
  return self->error_message;
}

FragTokenUsage
frag_stored_message_get_usage (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), FRAG_TOKEN_USAGE_UNKNOWN);
  return self->usage;
}

GPtrArray *
frag_stored_message_get_attachments (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), NULL);
  return self->attachments;
}

gint64
frag_stored_message_get_created (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), 0);
  return self->created;
}

gint64
frag_stored_message_get_updated (FragStoredMessage *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_MESSAGE (self), 0);
  return self->updated;
}

/* FragStoredVersion */

struct _FragStoredVersion
{
  GObject            parent_instance;
  gint64             id;
  gint64             conversation_id;
  gint64             message_id;
  gint64             parent_id;
  FragVersionOrigin  origin;
  char              *fragment_json;
  gint64             created;
};

G_DEFINE_FINAL_TYPE (FragStoredVersion, frag_stored_version, G_TYPE_OBJECT)

static void
frag_stored_version_finalize (GObject *object)
{
  FragStoredVersion *self = (FragStoredVersion *)object;

  g_free (self->fragment_json);

  G_OBJECT_CLASS (frag_stored_version_parent_class)->finalize (object);
}

static void
frag_stored_version_class_init (FragStoredVersionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_stored_version_finalize;
}

static void
frag_stored_version_init (FragStoredVersion *self)
{
}

FragStoredVersion *
frag_stored_version_new (gint64             id,
                         gint64             conversation_id,
                         gint64             message_id,
                         gint64             parent_id,
                         FragVersionOrigin  origin,
                         const char        *fragment_json,
                         gint64             created)
{
  FragStoredVersion *self = g_object_new (FRAG_TYPE_STORED_VERSION, NULL);

  self->id = id;
  self->conversation_id = conversation_id;
  self->message_id = message_id;
  self->parent_id = parent_id;
  self->origin = origin;
  self->fragment_json = g_strdup (fragment_json != NULL ? fragment_json : "{}");
  self->created = created;
  return self;
}

gint64
frag_stored_version_get_id (FragStoredVersion *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_VERSION (self), 0);
  return self->id;
}

gint64
frag_stored_version_get_conversation_id (FragStoredVersion *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_VERSION (self), 0);
  return self->conversation_id;
}

gint64
frag_stored_version_get_message_id (FragStoredVersion *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_VERSION (self), 0);
  return self->message_id;
}

gint64
frag_stored_version_get_parent_id (FragStoredVersion *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_VERSION (self), 0);
  return self->parent_id;
}

FragVersionOrigin
frag_stored_version_get_origin (FragStoredVersion *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_VERSION (self), FRAG_VERSION_ORIGIN_MODEL);
  return self->origin;
}

const char *
frag_stored_version_get_fragment_json (FragStoredVersion *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_VERSION (self), NULL);
  return self->fragment_json;
}

gint64
frag_stored_version_get_created (FragStoredVersion *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_VERSION (self), 0);
  return self->created;
}

/* FragStoredResult */

struct _FragStoredResult
{
  GObject  parent_instance;
  gint64   id;
  gint64   version_id;
  char    *result_json;
  gint64   created;
};

G_DEFINE_FINAL_TYPE (FragStoredResult, frag_stored_result, G_TYPE_OBJECT)

static void
frag_stored_result_finalize (GObject *object)
{
  FragStoredResult *self = (FragStoredResult *)object;

  g_free (self->result_json);

  G_OBJECT_CLASS (frag_stored_result_parent_class)->finalize (object);
}

static void
frag_stored_result_class_init (FragStoredResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_stored_result_finalize;
}

static void
frag_stored_result_init (FragStoredResult *self)
{
}

FragStoredResult *
frag_stored_result_new (gint64      id,
                        gint64      version_id,
                        const char *result_json,
                        gint64      created)
{
  FragStoredResult *self = g_object_new (FRAG_TYPE_STORED_RESULT, NULL);

  self->id = id;
  self->version_id = version_id;
  self->result_json = g_strdup (result_json != NULL ? result_json : "{}");
  self->created = created;
  return self;
}

gint64
frag_stored_result_get_id (FragStoredResult *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_RESULT (self), 0);
  return self->id;
}

gint64
frag_stored_result_get_version_id (FragStoredResult *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_RESULT (self), 0);
  return self->version_id;
}

const char *
frag_stored_result_get_result_json (FragStoredResult *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_RESULT (self), NULL);
  return self->result_json;
}

gint64
frag_stored_result_get_created (FragStoredResult *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_RESULT (self), 0);
  return self->created;
}

/* FragStoredConversation */

struct _FragStoredConversation
{
  GObject               parent_instance;
  FragConversationInfo *info;
  GPtrArray            *messages;
  GPtrArray            *versions;
  GPtrArray            *results;
};

G_DEFINE_FINAL_TYPE (FragStoredConversation, frag_stored_conversation, G_TYPE_OBJECT)

static void
frag_stored_conversation_finalize (GObject *object)
{
  FragStoredConversation *self = (FragStoredConversation *)object;

  g_clear_object (&self->info);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);

  G_OBJECT_CLASS (frag_stored_conversation_parent_class)->finalize (object);
}

static void
frag_stored_conversation_class_init (FragStoredConversationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_stored_conversation_finalize;
}

static void
frag_stored_conversation_init (FragStoredConversation *self)
{
}

static GPtrArray *
ref_or_new_object_array (GPtrArray *array)
{
  return array != NULL ? g_ptr_array_ref (array) : g_ptr_array_new_with_free_func (g_object_unref);
}

FragStoredConversation *
frag_stored_conversation_new (FragConversationInfo *info,
                              GPtrArray            *messages,
                              GPtrArray            *versions,
                              GPtrArray            *results)
{
  FragStoredConversation *self;

  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (info), NULL);

  self = g_object_new (FRAG_TYPE_STORED_CONVERSATION, NULL);
  self->info = g_object_ref (info);
  self->messages = ref_or_new_object_array (messages);
  self->versions = ref_or_new_object_array (versions);
  self->results = ref_or_new_object_array (results);
  return self;
}

FragConversationInfo *
frag_stored_conversation_get_info (FragStoredConversation *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_CONVERSATION (self), NULL);
  return self->info;
}

GPtrArray *
frag_stored_conversation_get_messages (FragStoredConversation *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_CONVERSATION (self), NULL);
  return self->messages;
}

GPtrArray *
frag_stored_conversation_get_versions (FragStoredConversation *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_CONVERSATION (self), NULL);
  return self->versions;
}

GPtrArray *
frag_stored_conversation_get_results (FragStoredConversation *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_CONVERSATION (self), NULL);
  return self->results;
}

FragStoredVersion *
frag_stored_conversation_get_latest_version (FragStoredConversation *self)
{
  g_return_val_if_fail (FRAG_IS_STORED_CONVERSATION (self), NULL);
  if (self->versions->len == 0)
    return NULL;
  return g_ptr_array_index (self->versions, self->versions->len - 1);
}

char *
frag_history_format_time (gint64 unix_us)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");
  exact = g_date_time_add (utc, unix_us % G_USEC_PER_SEC);
  local = g_date_time_to_local (exact);
  return g_date_time_format_iso8601 (local);
}

/* Parses stored JSON text into a node for the export; text that does not parse (a
 * partial fragment of an interrupted message) is kept as a string, never dropped. */
static JsonNode *
json_text_to_node (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *node;

  if (text == NULL)
    return json_node_new (JSON_NODE_NULL);
  if (json_parser_load_from_data (parser, text, -1, NULL) && json_parser_get_root (parser) != NULL)
    return json_node_copy (json_parser_get_root (parser));

  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text);
  return node;
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       unix_us)
{
  g_autofree char *text = frag_history_format_time (unix_us);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
add_optional_string (JsonBuilder *builder,
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
add_optional_id (JsonBuilder *builder,
                 const char  *name,
                 gint64       id)
{
  json_builder_set_member_name (builder, name);
  if (id > 0)
    json_builder_add_int_value (builder, id);
  else
    json_builder_add_null_value (builder);
}

static void
add_message (JsonBuilder       *builder,
             FragStoredMessage *message)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, message->id);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, frag_message_role_to_string (message->role));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, frag_message_state_to_string (message->state));
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, message->text);
  add_optional_string (builder, "model", message->model);
  add_optional_string (builder, "error", message->error_message);
  json_builder_set_member_name (builder, "fragment");
  json_builder_add_value (builder, json_text_to_node (message->fragment_json));
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "input_tokens");
  if (message->usage.input_tokens >= 0)
    json_builder_add_int_value (builder, message->usage.input_tokens);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "output_tokens");
  if (message->usage.output_tokens >= 0)
    json_builder_add_int_value (builder, message->usage.output_tokens);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < message->attachments->len; i++)
    {
      FragAttachment *attachment = g_ptr_array_index (message->attachments, i);
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (attachment->data, &size);
      g_autofree char *base64 = g_base64_encode (data, size);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mime_type");
      json_builder_add_string_value (builder, attachment->mime_type);
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, base64);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_time_member (builder, "created", message->created);
  add_time_member (builder, "updated", message->updated);
  json_builder_end_object (builder);
}

JsonNode *
frag_stored_conversation_to_json (FragStoredConversation *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  FragConversationInfo *info;

  g_return_val_if_fail (FRAG_IS_STORED_CONVERSATION (self), NULL);

  info = self->info;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, frag_conversation_info_get_id (info));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, frag_conversation_info_get_title (info));
  add_optional_string (builder, "model", frag_conversation_info_get_model (info));
  add_optional_string (builder, "template", frag_conversation_info_get_template (info));
  add_optional_string (builder, "sandbox_backend", frag_conversation_info_get_sandbox_backend (info));
  add_optional_string (builder, "sandbox_id", frag_conversation_info_get_sandbox_id (info));
  add_time_member (builder, "created", frag_conversation_info_get_created (info));
  add_time_member (builder, "updated", frag_conversation_info_get_updated (info));

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->messages->len; i++)
    add_message (builder, g_ptr_array_index (self->messages, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "versions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->versions->len; i++)
    {
      FragStoredVersion *version = g_ptr_array_index (self->versions, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, version->id);
      add_optional_id (builder, "message_id", version->message_id);
      add_optional_id (builder, "parent_id", version->parent_id);
      json_builder_set_member_name (builder, "origin");
      json_builder_add_string_value (builder, frag_version_origin_to_string (version->origin));
      json_builder_set_member_name (builder, "fragment");
      json_builder_add_value (builder, json_text_to_node (version->fragment_json));
      add_time_member (builder, "created", version->created);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->results->len; i++)
    {
      FragStoredResult *result = g_ptr_array_index (self->results, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, result->id);
      json_builder_set_member_name (builder, "version_id");
      json_builder_add_int_value (builder, result->version_id);
      json_builder_set_member_name (builder, "result");
      json_builder_add_value (builder, json_text_to_node (result->result_json));
      add_time_member (builder, "created", result->created);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
