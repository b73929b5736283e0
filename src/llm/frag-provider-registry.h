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

/* The user's OpenAI-compatible services, kept in
 * $XDG_CONFIG_HOME/fragment-studio/providers.json (the app's Preferences write it;
 * the app and the CLI read it at startup):
 *   {"providers": [{"id": "my-llm", "name": "My LLM", "baseURL": "http://…/v1",
 *                   "models": ["llama-3.1-8b"]}]}
 * Keys are never in the file: they are in the keyring under the provider's id. */
typedef struct
{
  char  *id;
  char  *name;
  char  *base_url;
  GStrv  models;     /* model ids, never NULL */
} FragUserProvider;

FragUserProvider *frag_user_provider_new                     (const char            *id,
                                                              const char            *name,
                                                              const char            *base_url,
                                                              const char * const    *models);
void              frag_user_provider_free                    (FragUserProvider      *provider);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragUserProvider, frag_user_provider_free)

/* The default file's path. */
char             *frag_provider_registry_dup_user_file_path  (void);
/* Reads path (NULL: the default file) and registers each entry with
 * frag_provider_registry_add_openai_compatible(). Returns the entries (element type
 * FragUserProvider; empty when the file does not exist), or NULL and a G_IO_ERROR
 * naming the file and what is wrong with it; nothing is registered then. */
GPtrArray        *frag_provider_registry_load_user_file      (FragProviderRegistry  *self,
                                                              const char            *path,
                                                              GError               **error);
/* Writes the entries to path (NULL: the default file), replacing it atomically. */
gboolean          frag_provider_registry_save_user_file      (GPtrArray             *providers,
                                                              const char            *path,
                                                              GError               **error);

G_END_DECLS
