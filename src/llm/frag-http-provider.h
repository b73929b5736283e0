/* frag-http-provider.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-llm-stream.h"
#include "frag-provider.h"

G_BEGIN_DECLS

/* The base of every provider that streams over HTTP with libsoup (OpenAI-compatible,
 * Anthropic, Gemini, Ollama). It holds what they all share, the session and the base
 * URL (both construct-only), and implements FragProvider: generate_async() creates the
 * task and hands it to the subclass's generate(), generate_finish() returns its
 * outcome. A subclass only builds the request for its wire format and its decoder, then
 * calls frag_http_provider_stream().
 */

#define FRAG_TYPE_HTTP_PROVIDER (frag_http_provider_get_type ())

G_DECLARE_DERIVABLE_TYPE (FragHttpProvider, frag_http_provider, FRAG, HTTP_PROVIDER, GObject)

struct _FragHttpProviderClass
{
  GObjectClass parent_class;

  /* Builds and sends the request, writing the stream into generation. Owns task (its
   * source object is self, its cancellable the caller's): either passes it on to
   * frag_http_provider_stream() or returns an error on it. */
  void (*generate) (FragHttpProvider *self,
                    FragLlmRequest   *request,
                    FragGeneration   *generation,
                    GTask            *task);
};

SoupSession *frag_http_provider_get_session  (FragHttpProvider          *self);
const char  *frag_http_provider_get_base_url (FragHttpProvider          *self);

/* Sends message on the provider's session and feeds its body to the decoder (see
 * frag_llm_stream_async(), which takes ownership of decoder), then returns the outcome
 * on task, whose ownership this takes. provider_name prefixes the messages; the
 * request's API key is redacted from them and its stall timeout applies. */
void         frag_http_provider_stream       (FragHttpProvider          *self,
                                              GTask                     *task,
                                              SoupMessage               *message,
                                              FragLlmRequest            *request,
                                              FragGeneration            *generation,
                                              const char                *provider_name,
                                              gboolean                   expect_event_stream,
                                              const FragLlmDecoderFuncs *funcs,
                                              gpointer                   decoder,
                                              GDestroyNotify             decoder_free);

G_END_DECLS
