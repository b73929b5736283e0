/* frag-anthropic-provider.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-http-provider.h"

G_BEGIN_DECLS

/* Anthropic Messages (POST {base}/messages, SSE with named events ending in
 * message_stop). The fragment is forced through one tool, "fragment", whose input
 * schema is the fragment schema; its input_json_delta pieces are the output. */

#define FRAG_TYPE_ANTHROPIC_PROVIDER (frag_anthropic_provider_get_type ())

G_DECLARE_FINAL_TYPE (FragAnthropicProvider, frag_anthropic_provider, FRAG, ANTHROPIC_PROVIDER, FragHttpProvider)

/* Sent when the request sets no max tokens (the API requires a value); every current
 * Claude model accepts it. */
#define FRAG_ANTHROPIC_DEFAULT_MAX_TOKENS 8192

/* base_url is the part before /messages, e.g. https://api.anthropic.com/v1. session
 * may be NULL. */
FragAnthropicProvider *frag_anthropic_provider_new (SoupSession *session,
                                                    const char  *base_url);

G_END_DECLS
