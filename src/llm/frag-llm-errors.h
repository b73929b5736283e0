/* frag-llm-errors.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "frag-errors.h"

G_BEGIN_DECLS

/* Turning what a provider says went wrong into a FRAG_PROVIDER_ERROR the user can act
 * on, with the provider's own message. Every provider's error shape is recognised
 * wherever it comes from (an error response, an error event or line after a 200):
 *   OpenAI family  {"error":{"message","type","code"}}
 *   Anthropic      {"type":"error","error":{"type","message"}}
 *   Gemini         {"error":{"code","message","status","details":[…]}}
 *   Ollama         {"error":"message"}
 *   Mistral et al. {"message":…} or {"detail":…}
 */

/* An error response (non-2xx, or a JSON body where a stream was expected). body may be
 * NULL or not JSON. Sets *retry_after (seconds, or -1) from retry-after-ms, retry-after
 * (seconds or an HTTP date) or Gemini's RetryInfo.retryDelay. */
GError *frag_llm_error_from_response (const char          *provider_name,
                                      guint                status,
                                      SoupMessageHeaders  *headers,
                                      GBytes              *body,
                                      double              *retry_after);
/* An error object that arrived inside a 200 stream (the whole parsed frame). */
GError *frag_llm_error_from_stream   (const char          *provider_name,
                                      JsonNode            *frame,
                                      double              *retry_after);
/* TRUE when a parsed frame is an error in one of the shapes above. */
gboolean frag_llm_frame_is_error     (JsonNode            *frame);

/* A copy of text in which the secret, and any long enough piece of it, is replaced by
 * "[redacted]": providers quote the key they refused ("Incorrect API key provided:
 * sk-…"), and it must never reach a message, log or terminal. */
char   *frag_llm_redact              (const char          *text,
                                      const char          *secret);
/* Redacts the secret from error->message in place. */
void    frag_llm_redact_error        (GError              *error,
                                      const char          *secret);

G_END_DECLS
