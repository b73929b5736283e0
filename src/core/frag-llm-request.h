/* frag-llm-request.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What one generation asks of a model, independent of the provider's wire format:
 * core builds it (system prompt, history, the fragment schema), a FragProvider turns it
 * into its own request body. */

typedef enum
{
  FRAG_LLM_ROLE_USER,
  FRAG_LLM_ROLE_ASSISTANT,
} FragLlmRole;

typedef enum
{
  FRAG_LLM_PART_TEXT,
  FRAG_LLM_PART_IMAGE,
} FragLlmPartKind;

/* One turn of the conversation: text parts and images, in order. A user turn is the
 * prompt plus its images; an assistant turn is sent back as two text parts, the
 * fragment's commentary then its code (as E2B Fragments does). Refcounted. */
typedef struct _FragLlmMessage FragLlmMessage;

#define FRAG_TYPE_LLM_MESSAGE (frag_llm_message_get_type ())

GType            frag_llm_message_get_type       (void) G_GNUC_CONST;
FragLlmMessage  *frag_llm_message_new            (FragLlmRole      role);
FragLlmMessage  *frag_llm_message_ref            (FragLlmMessage  *self);
void             frag_llm_message_unref          (FragLlmMessage  *self);
FragLlmRole      frag_llm_message_get_role       (FragLlmMessage  *self);
void             frag_llm_message_add_text       (FragLlmMessage  *self,
                                                  const char      *text);
/* image: the file's bytes (not base64); mime_type e.g. "image/png". */
void             frag_llm_message_add_image      (FragLlmMessage  *self,
                                                  const char      *mime_type,
                                                  GBytes          *image);
guint            frag_llm_message_get_n_parts    (FragLlmMessage  *self);
FragLlmPartKind  frag_llm_message_get_part_kind  (FragLlmMessage  *self,
                                                  guint            index);
/* The text of a TEXT part, else NULL. */
const char      *frag_llm_message_get_part_text  (FragLlmMessage  *self,
                                                  guint            index);
/* The bytes of an IMAGE part (borrowed), else NULL; its MIME type in *mime_type. */
GBytes          *frag_llm_message_get_part_image (FragLlmMessage  *self,
                                                  guint            index,
                                                  const char     **mime_type);
/* The text parts joined with '\n' (for providers whose turns are one string). */
char            *frag_llm_message_dup_text       (FragLlmMessage  *self);
gboolean         frag_llm_message_has_images     (FragLlmMessage  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragLlmMessage, frag_llm_message_unref)

/* Generation parameters. Each is unset until set: a provider sends only the ones that
 * are set and that it accepts. */
typedef enum
{
  FRAG_LLM_PARAM_TEMPERATURE,
  FRAG_LLM_PARAM_TOP_P,
  FRAG_LLM_PARAM_TOP_K,
  FRAG_LLM_PARAM_MAX_TOKENS,
  FRAG_LLM_PARAM_FREQUENCY_PENALTY,
  FRAG_LLM_PARAM_PRESENCE_PENALTY,
  FRAG_LLM_N_PARAMS,
} FragLlmParam;

/* No byte for this long ends the stream with FRAG_PROVIDER_ERROR_STALLED. */
#define FRAG_LLM_DEFAULT_STALL_TIMEOUT_MS 60000

#define FRAG_TYPE_LLM_REQUEST (frag_llm_request_get_type ())

G_DECLARE_FINAL_TYPE (FragLlmRequest, frag_llm_request, FRAG, LLM_REQUEST, GObject)

FragLlmRequest  *frag_llm_request_new                (const char      *provider_id,
                                                      const char      *model_id);
const char      *frag_llm_request_get_provider_id    (FragLlmRequest  *self);
const char      *frag_llm_request_get_model_id       (FragLlmRequest  *self);
void             frag_llm_request_set_system_prompt  (FragLlmRequest  *self,
                                                      const char      *system_prompt);
const char      *frag_llm_request_get_system_prompt  (FragLlmRequest  *self);
/* Appends a turn (a reference is taken). The last one is normally the user's prompt. */
void             frag_llm_request_add_message        (FragLlmRequest  *self,
                                                      FragLlmMessage  *message);
guint            frag_llm_request_get_n_messages     (FragLlmRequest  *self);
FragLlmMessage  *frag_llm_request_get_message        (FragLlmRequest  *self,
                                                      guint            index);
void             frag_llm_request_set_param          (FragLlmRequest  *self,
                                                      FragLlmParam     param,
                                                      double           value);
void             frag_llm_request_unset_param        (FragLlmRequest  *self,
                                                      FragLlmParam     param);
/* TRUE when the parameter is set; its value then in *value. */
gboolean         frag_llm_request_get_param          (FragLlmRequest  *self,
                                                      FragLlmParam     param,
                                                      double          *value);
/* The JSON Schema the output must follow (frag_prompt_dup_fragment_schema()). A
 * reference-counted copy is kept. */
void             frag_llm_request_set_schema         (FragLlmRequest  *self,
                                                      JsonNode        *schema);
JsonNode        *frag_llm_request_get_schema         (FragLlmRequest  *self);
/* The key lives only as long as the request and is wiped from memory when it goes.
 * Never log it; providers redact it from the messages they pass on. */
void             frag_llm_request_set_api_key        (FragLlmRequest  *self,
                                                      const char      *api_key);
const char      *frag_llm_request_get_api_key        (FragLlmRequest  *self);
void             frag_llm_request_set_stall_timeout  (FragLlmRequest  *self,
                                                      guint            timeout_ms);
guint            frag_llm_request_get_stall_timeout  (FragLlmRequest  *self);

G_END_DECLS
