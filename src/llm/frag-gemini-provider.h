/* frag-gemini-provider.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-http-provider.h"

G_BEGIN_DECLS

/* Google Gemini (POST {base}/models/{id}:streamGenerateContent?alt=sse). The stream has
 * no end marker: it ends when the connection closes after a chunk with a finishReason.
 * The fragment is forced with responseMimeType + responseSchema (the OpenAPI subset). */

#define FRAG_TYPE_GEMINI_PROVIDER (frag_gemini_provider_get_type ())

G_DECLARE_FINAL_TYPE (FragGeminiProvider, frag_gemini_provider, FRAG, GEMINI_PROVIDER, FragHttpProvider)

/* base_url is the part before /models, e.g.
 * https://generativelanguage.googleapis.com/v1beta. session may be NULL. */
FragGeminiProvider *frag_gemini_provider_new           (SoupSession *session,
                                                        const char  *base_url);
/* The JSON Schema rewritten into Gemini's responseSchema dialect: nullable instead of a
 * null type, no additionalProperties, propertyOrdering in the properties' order. */
JsonNode           *frag_gemini_convert_schema          (JsonNode    *schema);

G_END_DECLS
