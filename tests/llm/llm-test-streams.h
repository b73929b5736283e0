/* llm-test-streams.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-provider.h"

G_BEGIN_DECLS

/* Builders for the bodies each provider streams, from a fragment's JSON text cut into
 * deltas of n_chars characters (never inside a UTF-8 character: the provider sends
 * each delta as a JSON string), in that provider's real framing. */

/* A fragment that validates, with non-ASCII text and escapes in its code. */
const char *llm_test_fragment_json      (void);
/* The fragment JSON Schema of the protocol spec (tests/fixtures/llm/fragment-schema.json). */
JsonNode   *llm_test_fragment_schema    (void);

/* OpenAI chat.completion.chunk events; tool_index >= 0 streams tool-call arguments at
 * that index instead of content. Ends with a finish chunk, a choices:[] usage chunk
 * (17 in, 10 out) and data: [DONE]. */
char       *llm_test_openai_stream      (const char *json,
                                         guint       n_chars,
                                         int         tool_index);
/* Anthropic named events: message_start (input 849), a ping, a tool_use block of
 * input_json_delta pieces, message_delta (output 47), message_stop. */
char       *llm_test_anthropic_stream   (const char *json,
                                         guint       n_chars);
/* Gemini data: events with CRLF framing, cumulative usageMetadata (9 in, 23 out), and a
 * last chunk with finishReason STOP. */
char       *llm_test_gemini_stream      (const char *json,
                                         guint       n_chars);
/* Ollama NDJSON lines ending with a done:true line (26 in, 290 out). */
char       *llm_test_ollama_stream      (const char *json,
                                         guint       n_chars);

/* Converts LF line ends to CRLF or to lone CR. */
char       *llm_test_reframe            (const char *stream,
                                         const char *line_end);

/* Runs a generation on the thread-default main context until it completes (failing
 * the test after 10 s). Returns the finish result. */
gboolean    llm_test_generate           (FragProvider    *provider,
                                         FragLlmRequest  *request,
                                         FragGeneration  *generation,
                                         GCancellable    *cancellable,
                                         GError         **error);
/* A request with the spec's schema, a system prompt, one user message and the key. */
FragLlmRequest *llm_test_request_new    (const char *provider_id,
                                         const char *model_id,
                                         const char *api_key);

G_END_DECLS
