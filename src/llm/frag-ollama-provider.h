/* frag-ollama-provider.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-http-provider.h"

G_BEGIN_DECLS

/* Ollama's native chat API (POST {base}/api/chat, NDJSON lines ending with one that has
 * "done": true). No key. The fragment schema goes in `format` and, as Ollama's docs
 * advise, in the prompt too. */

#define FRAG_TYPE_OLLAMA_PROVIDER (frag_ollama_provider_get_type ())

G_DECLARE_FINAL_TYPE (FragOllamaProvider, frag_ollama_provider, FRAG, OLLAMA_PROVIDER, FragHttpProvider)

#define FRAG_OLLAMA_DEFAULT_BASE_URL "http://127.0.0.1:11434"
/* Ollama's default context (4k tokens on small GPUs) cuts a long system prompt. */
#define FRAG_OLLAMA_DEFAULT_NUM_CTX 16384

/* base_url is the server root, e.g. http://127.0.0.1:11434. session may be NULL. */
FragOllamaProvider *frag_ollama_provider_new       (SoupSession *session,
                                                    const char  *base_url);
/* The server root OLLAMA_HOST names ("host", "host:port", "http://host:port", with
 * Ollama's defaults: http, port 11434), or the default when host is NULL or empty. */
char               *frag_ollama_base_url_from_host (const char  *host);

G_END_DECLS
