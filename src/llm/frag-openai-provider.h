/* frag-openai-provider.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-http-provider.h"

G_BEGIN_DECLS

/* OpenAI Chat Completions (POST {base}/chat/completions, SSE with data: [DONE]) and every
 * service that copies it. The flavour carries each service's differences: how the
 * fragment's structure is forced, which parameters it takes, where usage arrives, and
 * the shape of an image part. */
typedef enum
{
  FRAG_OPENAI_FLAVOR_OPENAI,
  FRAG_OPENAI_FLAVOR_MISTRAL,     /* json_object + schema in the prompt, image_url as a string */
  FRAG_OPENAI_FLAVOR_GROQ,        /* json_schema on the models that have it; x_groq.usage */
  FRAG_OPENAI_FLAVOR_FIREWORKS,
  FRAG_OPENAI_FLAVOR_TOGETHER,    /* json_object + schema in the prompt */
  FRAG_OPENAI_FLAVOR_XAI,
  FRAG_OPENAI_FLAVOR_DEEPSEEK,    /* json_object + schema in the prompt */
  FRAG_OPENAI_FLAVOR_OPENROUTER,
  FRAG_OPENAI_FLAVOR_GENERIC,     /* LM Studio, Ollama's /v1, user-added services */
} FragOpenaiFlavor;

/* How the fragment's structure is forced. */
typedef enum
{
  FRAG_OPENAI_OUTPUT_AUTO,        /* the flavour's choice for the model */
  FRAG_OPENAI_OUTPUT_JSON_SCHEMA, /* response_format json_schema, strict */
  FRAG_OPENAI_OUTPUT_TOOL,        /* one strict function tool, forced by tool_choice */
  FRAG_OPENAI_OUTPUT_JSON_OBJECT, /* response_format json_object + the schema in the prompt */
  FRAG_OPENAI_OUTPUT_PROMPT,      /* only the schema in the prompt */
} FragOpenaiOutputMode;

#define FRAG_TYPE_OPENAI_PROVIDER (frag_openai_provider_get_type ())

G_DECLARE_FINAL_TYPE (FragOpenaiProvider, frag_openai_provider, FRAG, OPENAI_PROVIDER, FragHttpProvider)

/* name is for messages ("OpenAI", "Groq"…); base_url is the part before
 * /chat/completions, e.g. https://api.openai.com/v1. session may be NULL. */
FragOpenaiProvider   *frag_openai_provider_new             (SoupSession          *session,
                                                            FragOpenaiFlavor      flavor,
                                                            const char           *name,
                                                            const char           *base_url);
const char           *frag_openai_provider_get_base_url    (FragOpenaiProvider   *self);
void                  frag_openai_provider_set_output_mode (FragOpenaiProvider   *self,
                                                            FragOpenaiOutputMode  mode);
/* The mode used for a model once AUTO is resolved. */
FragOpenaiOutputMode  frag_openai_provider_resolve_mode    (FragOpenaiProvider   *self,
                                                            const char           *model_id);

G_END_DECLS
