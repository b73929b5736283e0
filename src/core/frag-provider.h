/* frag-provider.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-errors.h"
#include "frag-generation.h"
#include "frag-llm-request.h"

G_BEGIN_DECLS

/* A language-model service that streams one fragment. llm/ implements it for each wire
 * format (OpenAI-compatible, Anthropic, Gemini, Ollama); core's pipeline drives it, and
 * its tests drive a fake.
 *
 * generate_async() sends the request and writes the stream into the generation as it
 * arrives (output deltas, usage, finish reason), on the caller's thread-default main
 * context. generate_finish() returns TRUE when the stream ended the way the protocol
 * says it ends; the fragment itself then comes from frag_generation_dup_fragment().
 * Errors are FRAG_PROVIDER_ERROR codes with the provider's own message (never the key);
 * a rate limit also sets the generation's retry-after. Cancelling the cancellable
 * aborts the request at once with G_IO_ERROR_CANCELLED.
 */

#define FRAG_TYPE_PROVIDER (frag_provider_get_type ())

G_DECLARE_INTERFACE (FragProvider, frag_provider, FRAG, PROVIDER, GObject)

struct _FragProviderInterface
{
  GTypeInterface parent_iface;

  void     (*generate_async)  (FragProvider        *self,
                               FragLlmRequest      *request,
                               FragGeneration      *generation,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
  gboolean (*generate_finish) (FragProvider        *self,
                               GAsyncResult        *result,
                               GError             **error);
};

void     frag_provider_generate_async  (FragProvider        *self,
                                        FragLlmRequest      *request,
                                        FragGeneration      *generation,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean frag_provider_generate_finish (FragProvider        *self,
                                        GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
