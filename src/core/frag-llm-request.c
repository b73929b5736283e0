/* frag-llm-request.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-llm-request"

#include "config.h"

#include <string.h>

#include "frag-llm-request.h"

typedef struct
{
  FragLlmPartKind  kind;
  char            *text;       /* TEXT */
  char            *mime_type;  /* IMAGE */
  GBytes          *image;      /* IMAGE */
} Part;

struct _FragLlmMessage
{
  gatomicrefcount  ref_count;
  FragLlmRole      role;
  GPtrArray       *parts;      /* of Part */
};

G_DEFINE_BOXED_TYPE (FragLlmMessage, frag_llm_message, frag_llm_message_ref, frag_llm_message_unref)

static void
part_free (Part *part)
{
  g_free (part->text);
  g_free (part->mime_type);
  g_clear_pointer (&part->image, g_bytes_unref);
  g_free (part);
}

FragLlmMessage *
frag_llm_message_new (FragLlmRole role)
{
  FragLlmMessage *self = g_new0 (FragLlmMessage, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->role = role;
  self->parts = g_ptr_array_new_with_free_func ((GDestroyNotify)part_free);
  return self;
}

FragLlmMessage *
frag_llm_message_ref (FragLlmMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
frag_llm_message_unref (FragLlmMessage *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_ptr_array_unref (self->parts);
      g_free (self);
    }
}

FragLlmRole
frag_llm_message_get_role (FragLlmMessage *self)
{
  g_return_val_if_fail (self != NULL, FRAG_LLM_ROLE_USER);

  return self->role;
}

void
frag_llm_message_add_text (FragLlmMessage *self,
                           const char     *text)
{
  Part *part;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  part = g_new0 (Part, 1);
  part->kind = FRAG_LLM_PART_TEXT;
  part->text = g_strdup (text);
  g_ptr_array_add (self->parts, part);
}

void
frag_llm_message_add_image (FragLlmMessage *self,
                            const char     *mime_type,
                            GBytes         *image)
{
  Part *part;

  g_return_if_fail (self != NULL);
  g_return_if_fail (mime_type != NULL);
  g_return_if_fail (image != NULL);

  part = g_new0 (Part, 1);
  part->kind = FRAG_LLM_PART_IMAGE;
  part->mime_type = g_strdup (mime_type);
  part->image = g_bytes_ref (image);
  g_ptr_array_add (self->parts, part);
}

guint
frag_llm_message_get_n_parts (FragLlmMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->parts->len;
}

static Part *
get_part (FragLlmMessage *self,
          guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->parts->len, NULL);

  return g_ptr_array_index (self->parts, index);
}

FragLlmPartKind
frag_llm_message_get_part_kind (FragLlmMessage *self,
                                guint           index)
{
  Part *part = get_part (self, index);

  return part != NULL ? part->kind : FRAG_LLM_PART_TEXT;
}

const char *
frag_llm_message_get_part_text (FragLlmMessage *self,
                                guint           index)
{
  Part *part = get_part (self, index);

  return part != NULL ? part->text : NULL;
}

GBytes *
frag_llm_message_get_part_image (FragLlmMessage  *self,
                                 guint            index,
                                 const char     **mime_type)
{
  Part *part = get_part (self, index);

  if (mime_type != NULL)
    *mime_type = part != NULL ? part->mime_type : NULL;
  return part != NULL ? part->image : NULL;
}

char *
frag_llm_message_dup_text (FragLlmMessage *self)
{
  GString *text;

  g_return_val_if_fail (self != NULL, NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->parts->len; i++)
    {
      Part *part = g_ptr_array_index (self->parts, i);

      if (part->kind != FRAG_LLM_PART_TEXT)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, part->text);
    }
  return g_string_free (text, FALSE);
}

gboolean
frag_llm_message_has_images (FragLlmMessage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->parts->len; i++)
    if (((Part *)g_ptr_array_index (self->parts, i))->kind == FRAG_LLM_PART_IMAGE)
      return TRUE;
  return FALSE;
}

struct _FragLlmRequest
{
  GObject     parent_instance;

  char       *provider_id;
  char       *model_id;
  char       *system_prompt;
  GPtrArray  *messages;     /* of FragLlmMessage */
  JsonNode   *schema;
  char       *api_key;
  guint       stall_timeout_ms;
  gboolean    param_set[FRAG_LLM_N_PARAMS];
  double      param_value[FRAG_LLM_N_PARAMS];
};

G_DEFINE_FINAL_TYPE (FragLlmRequest, frag_llm_request, G_TYPE_OBJECT)

static void
wipe_key (FragLlmRequest *self)
{
  if (self->api_key != NULL)
    {
      /* explicit_bzero is not optimised away like a memset before free may be. */
      explicit_bzero (self->api_key, strlen (self->api_key));
      g_clear_pointer (&self->api_key, g_free);
    }
}

static void
frag_llm_request_finalize (GObject *object)
{
  FragLlmRequest *self = (FragLlmRequest *)object;

  wipe_key (self);
  g_free (self->provider_id);
  g_free (self->model_id);
  g_free (self->system_prompt);
  g_ptr_array_unref (self->messages);
  g_clear_pointer (&self->schema, json_node_unref);

  G_OBJECT_CLASS (frag_llm_request_parent_class)->finalize (object);
}

static void
frag_llm_request_class_init (FragLlmRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_llm_request_finalize;
}

static void
frag_llm_request_init (FragLlmRequest *self)
{
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_llm_message_unref);
  self->stall_timeout_ms = FRAG_LLM_DEFAULT_STALL_TIMEOUT_MS;
}

FragLlmRequest *
frag_llm_request_new (const char *provider_id,
                      const char *model_id)
{
  FragLlmRequest *self;

  g_return_val_if_fail (provider_id != NULL, NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  self = g_object_new (FRAG_TYPE_LLM_REQUEST, NULL);
  self->provider_id = g_strdup (provider_id);
  self->model_id = g_strdup (model_id);
  return self;
}

const char *
frag_llm_request_get_provider_id (FragLlmRequest *self)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), NULL);

  return self->provider_id;
}

const char *
frag_llm_request_get_model_id (FragLlmRequest *self)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), NULL);

  return self->model_id;
}

void
frag_llm_request_set_system_prompt (FragLlmRequest *self,
                                    const char     *system_prompt)
{
  g_return_if_fail (FRAG_IS_LLM_REQUEST (self));

  g_free (self->system_prompt);
  self->system_prompt = g_strdup (system_prompt);
}

const char *
frag_llm_request_get_system_prompt (FragLlmRequest *self)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), NULL);

  return self->system_prompt;
}

void
frag_llm_request_add_message (FragLlmRequest *self,
                              FragLlmMessage *message)
{
  g_return_if_fail (FRAG_IS_LLM_REQUEST (self));
  g_return_if_fail (message != NULL);

  g_ptr_array_add (self->messages, frag_llm_message_ref (message));
}

guint
frag_llm_request_get_n_messages (FragLlmRequest *self)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), 0);

  return self->messages->len;
}

FragLlmMessage *
frag_llm_request_get_message (FragLlmRequest *self,
                              guint           index)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->messages->len, NULL);

  return g_ptr_array_index (self->messages, index);
}

void
frag_llm_request_set_param (FragLlmRequest *self,
                            FragLlmParam    param,
                            double          value)
{
  g_return_if_fail (FRAG_IS_LLM_REQUEST (self));
  g_return_if_fail (param < FRAG_LLM_N_PARAMS);

  self->param_set[param] = TRUE;
  self->param_value[param] = value;
}

void
frag_llm_request_unset_param (FragLlmRequest *self,
                              FragLlmParam    param)
{
  g_return_if_fail (FRAG_IS_LLM_REQUEST (self));
  g_return_if_fail (param < FRAG_LLM_N_PARAMS);

  self->param_set[param] = FALSE;
  self->param_value[param] = 0;
}

gboolean
frag_llm_request_get_param (FragLlmRequest *self,
                            FragLlmParam    param,
                            double         *value)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), FALSE);
  g_return_val_if_fail (param < FRAG_LLM_N_PARAMS, FALSE);

  if (value != NULL)
    *value = self->param_value[param];
  return self->param_set[param];
}

void
frag_llm_request_set_schema (FragLlmRequest *self,
                             JsonNode       *schema)
{
  g_return_if_fail (FRAG_IS_LLM_REQUEST (self));

  g_clear_pointer (&self->schema, json_node_unref);
  if (schema != NULL)
    self->schema = json_node_ref (schema);
}

JsonNode *
frag_llm_request_get_schema (FragLlmRequest *self)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), NULL);

  return self->schema;
}

void
frag_llm_request_set_api_key (FragLlmRequest *self,
                              const char     *api_key)
{
  g_return_if_fail (FRAG_IS_LLM_REQUEST (self));

  wipe_key (self);
  self->api_key = g_strdup (api_key);
}

const char *
frag_llm_request_get_api_key (FragLlmRequest *self)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), NULL);

  return self->api_key;
}

void
frag_llm_request_set_stall_timeout (FragLlmRequest *self,
                                    guint           timeout_ms)
{
  g_return_if_fail (FRAG_IS_LLM_REQUEST (self));
  g_return_if_fail (timeout_ms > 0);

  self->stall_timeout_ms = timeout_ms;
}

guint
frag_llm_request_get_stall_timeout (FragLlmRequest *self)
{
  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (self), FRAG_LLM_DEFAULT_STALL_TIMEOUT_MS);

  return self->stall_timeout_ms;
}
