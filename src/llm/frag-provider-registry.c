/* frag-provider-registry.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-provider-registry"

#include "config.h"

#include "frag-anthropic-provider.h"
#include "frag-gemini-provider.h"
#include "frag-llm-stream.h"
#include "frag-ollama-provider.h"
#include "frag-openai-provider.h"
#include "frag-provider-registry.h"

typedef struct
{
  const char       *id;
  const char       *name;
  FragProviderKind  kind;
  FragOpenaiFlavor  flavor;
  const char       *base_url;
  const char       *key_env;
} BuiltinProvider;

/* Base URLs and key variables of DESIGN.md and the protocol spec (§0, §7). */
static const BuiltinProvider builtins[] = {
  { "openai", "OpenAI", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_OPENAI,
    "https://api.openai.com/v1", "OPENAI_API_KEY" },
  { "anthropic", "Anthropic", FRAG_PROVIDER_KIND_ANTHROPIC, 0,
    "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY" },
  { "google", "Gemini", FRAG_PROVIDER_KIND_GEMINI, 0,
    "https://generativelanguage.googleapis.com/v1beta", "GOOGLE_AI_API_KEY" },
  { "mistral", "Mistral", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_MISTRAL,
    "https://api.mistral.ai/v1", "MISTRAL_API_KEY" },
  { "groq", "Groq", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_GROQ,
    "https://api.groq.com/openai/v1", "GROQ_API_KEY" },
  { "fireworks", "Fireworks", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_FIREWORKS,
    "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY" },
  { "togetherai", "Together AI", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_TOGETHER,
    "https://api.together.xyz/v1", "TOGETHER_API_KEY" },
  { "xai", "xAI", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_XAI,
    "https://api.x.ai/v1", "XAI_API_KEY" },
  { "deepseek", "DeepSeek", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_DEEPSEEK,
    "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY" },
  { "ollama", "Ollama", FRAG_PROVIDER_KIND_OLLAMA, 0,
    FRAG_OLLAMA_DEFAULT_BASE_URL, NULL },
  { "openrouter", "OpenRouter", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_OPENROUTER,
    "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY" },
  { "lmstudio", "LM Studio", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_GENERIC,
    "http://localhost:1234/v1", NULL },
  { "ollama-openai", "Ollama (OpenAI API)", FRAG_PROVIDER_KIND_OPENAI, FRAG_OPENAI_FLAVOR_GENERIC,
    FRAG_OLLAMA_DEFAULT_BASE_URL "/v1", NULL },
};

struct _FragProviderRegistry
{
  GObject      parent_instance;

  SoupSession *session;
  GPtrArray   *infos;         /* of FragProviderInfo: built-ins, then user-added */
  guint        n_builtins;
};

G_DEFINE_FINAL_TYPE (FragProviderRegistry, frag_provider_registry, G_TYPE_OBJECT)

static void
info_free (FragProviderInfo *info)
{
  g_free (info->id);
  g_free (info->name);
  g_free (info->default_base_url);
  g_free (info->key_env);
  g_free (info);
}

static FragProviderInfo *
info_new (const char       *id,
          const char       *name,
          FragProviderKind  kind,
          int               flavor,
          const char       *base_url,
          const char       *key_env,
          gboolean          key_required)
{
  FragProviderInfo *info = g_new0 (FragProviderInfo, 1);

  info->id = g_strdup (id);
  info->name = g_strdup (name);
  info->kind = kind;
  info->openai_flavor = flavor;
  info->default_base_url = g_strdup (base_url);
  info->key_env = g_strdup (key_env);
  info->key_required = key_required;
  return info;
}

static void
frag_provider_registry_finalize (GObject *object)
{
  FragProviderRegistry *self = (FragProviderRegistry *)object;

  g_clear_object (&self->session);
  g_ptr_array_unref (self->infos);

  G_OBJECT_CLASS (frag_provider_registry_parent_class)->finalize (object);
}

static void
frag_provider_registry_class_init (FragProviderRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_provider_registry_finalize;
}

static void
frag_provider_registry_init (FragProviderRegistry *self)
{
  self->infos = g_ptr_array_new_with_free_func ((GDestroyNotify)info_free);
  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    g_ptr_array_add (self->infos, info_new (builtins[i].id, builtins[i].name, builtins[i].kind,
                                            builtins[i].flavor, builtins[i].base_url,
                                            builtins[i].key_env, builtins[i].key_env != NULL));
  self->n_builtins = self->infos->len;
}

FragProviderRegistry *
frag_provider_registry_new (SoupSession *session)
{
  FragProviderRegistry *self;

  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);

  self = g_object_new (FRAG_TYPE_PROVIDER_REGISTRY, NULL);
  self->session = session != NULL ? g_object_ref (session) : frag_llm_session_new ();
  return self;
}

static gint
find_index (FragProviderRegistry *self,
            const char           *provider_id)
{
  for (guint i = 0; i < self->infos->len; i++)
    if (g_strcmp0 (((FragProviderInfo *)g_ptr_array_index (self->infos, i))->id, provider_id) == 0)
      return (gint)i;
  return -1;
}

const FragProviderInfo *
frag_provider_registry_lookup (FragProviderRegistry *self,
                               const char           *provider_id)
{
  gint index;

  g_return_val_if_fail (FRAG_IS_PROVIDER_REGISTRY (self), NULL);

  index = find_index (self, provider_id);
  return index >= 0 ? g_ptr_array_index (self->infos, index) : NULL;
}

GStrv
frag_provider_registry_dup_ids (FragProviderRegistry *self)
{
  GStrvBuilder *builder;
  GStrv ids;

  g_return_val_if_fail (FRAG_IS_PROVIDER_REGISTRY (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->infos->len; i++)
    g_strv_builder_add (builder, ((FragProviderInfo *)g_ptr_array_index (self->infos, i))->id);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

gboolean
frag_provider_registry_add_openai_compatible (FragProviderRegistry *self,
                                              const char           *provider_id,
                                              const char           *name,
                                              const char           *base_url,
                                              const char           *key_env)
{
  gint index;
  FragProviderInfo *info;

  g_return_val_if_fail (FRAG_IS_PROVIDER_REGISTRY (self), FALSE);
  g_return_val_if_fail (provider_id != NULL && *provider_id != '\0', FALSE);
  g_return_val_if_fail (base_url != NULL, FALSE);

  index = find_index (self, provider_id);
  if (index >= 0 && (guint)index < self->n_builtins)
    return FALSE;

  /* A user's service may or may not want a key: it is sent when one is found. */
  info = info_new (provider_id, name != NULL ? name : provider_id, FRAG_PROVIDER_KIND_OPENAI,
                   FRAG_OPENAI_FLAVOR_GENERIC, base_url, key_env, FALSE);
  if (index >= 0)
    {
      info_free (g_ptr_array_index (self->infos, index));
      g_ptr_array_index (self->infos, index) = info;
    }
  else
    {
      g_ptr_array_add (self->infos, info);
    }
  return TRUE;
}

char *
frag_provider_registry_dup_base_url (FragProviderRegistry *self,
                                     const char           *provider_id)
{
  const FragProviderInfo *info;

  g_return_val_if_fail (FRAG_IS_PROVIDER_REGISTRY (self), NULL);

  info = frag_provider_registry_lookup (self, provider_id);
  if (info == NULL)
    return NULL;
  if (info->kind == FRAG_PROVIDER_KIND_OLLAMA)
    return frag_ollama_base_url_from_host (g_getenv ("OLLAMA_HOST"));
  return g_strdup (info->default_base_url);
}

FragProvider *
frag_provider_registry_create (FragProviderRegistry  *self,
                               const char            *provider_id,
                               const char            *base_url,
                               GError               **error)
{
  const FragProviderInfo *info;
  g_autofree char *url = NULL;

  g_return_val_if_fail (FRAG_IS_PROVIDER_REGISTRY (self), NULL);
  g_return_val_if_fail (provider_id != NULL, NULL);

  info = frag_provider_registry_lookup (self, provider_id);
  if (info == NULL)
    {
      g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_REQUEST,
                   "Unknown provider “%s”", provider_id);
      return NULL;
    }

  url = base_url != NULL && *base_url != '\0'
        ? g_strdup (base_url)
        : frag_provider_registry_dup_base_url (self, provider_id);

  switch (info->kind)
    {
    case FRAG_PROVIDER_KIND_ANTHROPIC:
      return FRAG_PROVIDER (frag_anthropic_provider_new (self->session, url));
    case FRAG_PROVIDER_KIND_GEMINI:
      return FRAG_PROVIDER (frag_gemini_provider_new (self->session, url));
    case FRAG_PROVIDER_KIND_OLLAMA:
      return FRAG_PROVIDER (frag_ollama_provider_new (self->session, url));
    case FRAG_PROVIDER_KIND_OPENAI:
    default:
      return FRAG_PROVIDER (frag_openai_provider_new (self->session, info->openai_flavor,
                                                      info->name, url));
    }
}
