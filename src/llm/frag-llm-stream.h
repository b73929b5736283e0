/* frag-llm-stream.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-generation.h"

G_BEGIN_DECLS

/* The transport every provider shares: send one streaming request with libsoup, check
 * the status, then read the body chunk by chunk (never a blocking line read) and hand
 * each chunk to the provider's decoder, which writes into the generation.
 *
 * It owns the failure modes that are not about the format: an error status (its body is
 * read and mapped with frag_llm_error_from_response()), a connection that cannot be made
 * or drops, a stall (no byte for the request's stall timeout; the timer restarts on
 * every chunk, keep-alives included), and cancellation (stops at once). Every error it
 * returns has the API key redacted from its message.
 */

typedef struct
{
  /* One chunk of the body. Sets *done when the protocol's end marker was read (the rest
   * of the body is then not read). FALSE with an error ends the stream with it. */
  gboolean (*feed) (gpointer     decoder,
                    const char  *data,
                    gsize        length,
                    gboolean    *done,
                    GError     **error);
  /* The body ended without the end marker. TRUE when that is a normal end for the
   * protocol (Gemini ends on EOF), otherwise FALSE with the error to report. */
  gboolean (*end)  (gpointer     decoder,
                    GError     **error);
} FragLlmDecoderFuncs;

typedef struct
{
  const char *provider_name;  /* for messages: "OpenAI", "Anthropic"… */
  const char *api_key;        /* to redact from messages; copied and wiped */
  guint       stall_timeout_ms;
  /* A 2xx answer must be text/event-stream; an application/json one is read as an
   * error body (spec §9.1 rule 10). FALSE for NDJSON. */
  gboolean    expect_event_stream;
} FragLlmStreamOptions;

void     frag_llm_stream_async  (SoupSession                *session,
                                 SoupMessage                *message,
                                 FragGeneration             *generation,
                                 const FragLlmStreamOptions *options,
                                 const FragLlmDecoderFuncs  *funcs,
                                 gpointer                    decoder,
                                 GDestroyNotify              decoder_free,
                                 GCancellable               *cancellable,
                                 GAsyncReadyCallback         callback,
                                 gpointer                    user_data);
gboolean frag_llm_stream_finish (GAsyncResult               *result,
                                 GError                    **error);

/* The session the providers share when given none: no libsoup I/O timeout (the stall
 * timer above decides), our user agent. */
SoupSession *frag_llm_session_new (void);

/* A message POSTing a JSON body, with the headers every provider wants. */
SoupMessage *frag_llm_new_json_post (const char  *url,
                                     const char  *body,
                                     gsize        length,
                                     GError     **error);

G_END_DECLS
