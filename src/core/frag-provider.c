/* frag-provider.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-provider"

#include "config.h"

#include "frag-provider.h"

G_DEFINE_INTERFACE (FragProvider, frag_provider, G_TYPE_OBJECT)

static void
frag_provider_default_init (FragProviderInterface *iface)
{
}

void
frag_provider_generate_async (FragProvider        *self,
                              FragLlmRequest      *request,
                              FragGeneration      *generation,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_PROVIDER (self));
  g_return_if_fail (FRAG_IS_LLM_REQUEST (request));
  g_return_if_fail (FRAG_IS_GENERATION (generation));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_PROVIDER_GET_IFACE (self)->generate_async (self, request, generation, cancellable,
                                                  callback, user_data);
}

gboolean
frag_provider_generate_finish (FragProvider  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (FRAG_IS_PROVIDER (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return FRAG_PROVIDER_GET_IFACE (self)->generate_finish (self, result, error);
}
