/* frag-provider-registry.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-provider.h"

G_BEGIN_DECLS

/* Which client speaks to a provider id: E2B Fragments' providerIds (openai, anthropic,
 * google, mistral, groq, fireworks, togetherai, xai, deepseek, ollama), a few more
 * OpenAI-compatible services (openrouter, lmstudio, ollama's /v1 as ollama-openai), and
 * user-added OpenAI-compatible services (name + base URL). The composition roots (the
 * CLI, the application) create providers here; core only sees FragProvider. */

typedef enum
{
  FRAG_PROVIDER_KIND_OPENAI,     /* Chat Completions and compatible services */
  FRAG_PROVIDER_KIND_ANTHROPIC,
  FRAG_PROVIDER_KIND_GEMINI,
  FRAG_PROVIDER_KIND_OLLAMA,     /* native /api/chat */
} FragProviderKind;

typedef struct
{
  char             *id;
  char             *name;            /* for messages: "OpenAI", "Groq"… */
  FragProviderKind  kind;
  int               openai_flavor;   /* a FragOpenaiFlavor, for KIND_OPENAI */
  /* The part of the endpoint URL before the endpoint path (DESIGN.md, --base-url). */
  char             *default_base_url;
  /* Where the key comes from in the environment, or NULL for keyless local servers. */
  char             *key_env;
  gboolean          key_required;
} FragProviderInfo;

#define FRAG_TYPE_PROVIDER_REGISTRY (frag_provider_registry_get_type ())

G_DECLARE_FINAL_TYPE (FragProviderRegistry, frag_provider_registry, FRAG, PROVIDER_REGISTRY, GObject)

/* session: shared by every provider created here; NULL makes one. */
FragProviderRegistry   *frag_provider_registry_new                   (SoupSession           *session);
/* NULL when the id is unknown. Borrowed. */
const FragProviderInfo *frag_provider_registry_lookup                (FragProviderRegistry  *self,
                                                                      const char            *provider_id);
/* The ids, built-ins first, then user-added ones in the order they were added. */
GStrv                   frag_provider_registry_dup_ids               (FragProviderRegistry  *self);
/* A user's OpenAI-compatible service. key_env may be NULL (no key, or the key is given
 * another way). Replaces an earlier user entry with the same id; built-ins cannot be
 * replaced (FALSE). */
gboolean                frag_provider_registry_add_openai_compatible (FragProviderRegistry  *self,
                                                                      const char            *provider_id,
                                                                      const char            *name,
                                                                      const char            *base_url,
                                                                      const char            *key_env);
/* The base URL used when none is given: the default, or for Ollama what OLLAMA_HOST
 * names. */
char                   *frag_provider_registry_dup_base_url          (FragProviderRegistry  *self,
                                                                      const char            *provider_id);
/* A client for the provider; base_url (may be NULL) replaces its default base. An
 * unknown id is FRAG_PROVIDER_ERROR_BAD_REQUEST. */
FragProvider           *frag_provider_registry_create                (FragProviderRegistry  *self,
                                                                      const char            *provider_id,
                                                                      const char            *base_url,
                                                                      GError               **error);

G_END_DECLS
