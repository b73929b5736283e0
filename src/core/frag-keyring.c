/* frag-keyring.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-keyring"

#include "config.h"

#include <string.h>

#include "frag-keyring.h"

G_DEFINE_INTERFACE (FragKeyring, frag_keyring, G_TYPE_OBJECT)

static void
frag_keyring_default_init (FragKeyringInterface *iface)
{
}

void
frag_keyring_store_key_async (FragKeyring         *self,
                              const char          *provider,
                              const char          *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_KEYRING (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_KEYRING_GET_IFACE (self)->store_key_async (self, provider, key, cancellable, callback, user_data);
}

gboolean
frag_keyring_store_key_finish (FragKeyring   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (FRAG_IS_KEYRING (self), FALSE);
  return FRAG_KEYRING_GET_IFACE (self)->store_key_finish (self, result, error);
}

void
frag_keyring_lookup_key_async (FragKeyring         *self,
                               const char          *provider,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_KEYRING (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_KEYRING_GET_IFACE (self)->lookup_key_async (self, provider, cancellable, callback, user_data);
}

char *
frag_keyring_lookup_key_finish (FragKeyring   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (FRAG_IS_KEYRING (self), NULL);
  return FRAG_KEYRING_GET_IFACE (self)->lookup_key_finish (self, result, error);
}

void
frag_keyring_delete_key_async (FragKeyring         *self,
                               const char          *provider,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_KEYRING (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_KEYRING_GET_IFACE (self)->delete_key_async (self, provider, cancellable, callback, user_data);
}

gboolean
frag_keyring_delete_key_finish (FragKeyring   *self,
                                GAsyncResult  *result,
                                gboolean      *deleted,
                                GError       **error)
{
  g_return_val_if_fail (FRAG_IS_KEYRING (self), FALSE);
  return FRAG_KEYRING_GET_IFACE (self)->delete_key_finish (self, result, deleted, error);
}

void
frag_keyring_list_providers_async (FragKeyring         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_KEYRING (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_KEYRING_GET_IFACE (self)->list_providers_async (self, cancellable, callback, user_data);
}

GStrv
frag_keyring_list_providers_finish (FragKeyring   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (FRAG_IS_KEYRING (self), NULL);
  return FRAG_KEYRING_GET_IFACE (self)->list_providers_finish (self, result, error);
}

void
frag_keyring_free_key (char *key)
{
  if (key == NULL)
    return;
  /* A volatile walk, so the compiler cannot drop the wipe as a dead store. */
  for (volatile char *p = key; *p != '\0'; p++)
    *p = '\0';
  g_free (key);
}

typedef struct
{
  const char *id;
  const char *display_name;
  const char *env_var;      /* NULL: the provider takes no key */
} ProviderInfo;

/* E2B Fragments' providerId values plus E2B itself; names and variables per DESIGN.md. */
static const ProviderInfo known_providers[] = {
  { "openai",     "OpenAI",         "OPENAI_API_KEY" },
  { "anthropic",  "Anthropic",      "ANTHROPIC_API_KEY" },
  { "google",     "Google Gemini",  "GOOGLE_AI_API_KEY" },
  { "mistral",    "Mistral",        "MISTRAL_API_KEY" },
  { "groq",       "Groq",           "GROQ_API_KEY" },
  { "fireworks",  "Fireworks",      "FIREWORKS_API_KEY" },
  { "togetherai", "Together AI",    "TOGETHER_API_KEY" },
  { "xai",        "xAI",            "XAI_API_KEY" },
  { "deepseek",   "DeepSeek",       "DEEPSEEK_API_KEY" },
  { "ollama",     "Ollama",         NULL },
  { "e2b",        "E2B",            "E2B_API_KEY" },
};

static const ProviderInfo *
find_provider (const char *provider)
{
  if (provider == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (known_providers); i++)
    {
      if (strcmp (known_providers[i].id, provider) == 0)
        return &known_providers[i];
    }
  return NULL;
}

const char *
frag_keyring_provider_display_name (const char *provider)
{
  const ProviderInfo *info = find_provider (provider);

  g_return_val_if_fail (provider != NULL, NULL);
  return info != NULL ? info->display_name : provider;
}

char *
frag_keyring_dup_env_var_name (const char *provider)
{
  const ProviderInfo *info = find_provider (provider);
  GString *name;

  g_return_val_if_fail (provider != NULL, NULL);

  if (info != NULL)
    return g_strdup (info->env_var);

  name = g_string_new (NULL);
  for (const char *p = provider; *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) ? g_ascii_toupper (*p) : '_');
  g_string_append (name, "_API_KEY");
  return g_string_free (name, FALSE);
}

gboolean
frag_keyring_provider_id_is_valid (const char *provider)
{
  gsize length;

  if (provider == NULL)
    return FALSE;
  length = strlen (provider);
  if (length == 0 || length > 64)
    return FALSE;
  for (const char *p = provider; *p != '\0'; p++)
    {
      if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-' || *p == '_'))
        return FALSE;
    }
  return TRUE;
}

/* Key resolution */

typedef struct
{
  char          *provider;
  FragKeySource  source;
} ResolveData;

static void
resolve_data_free (ResolveData *data)
{
  g_free (data->provider);
  g_free (data);
}

static void
return_no_key (GTask        *task,
               const char   *provider,
               const GError *keyring_error)
{
  g_autofree char *env_var = frag_keyring_dup_env_var_name (provider);
  g_autoptr(GString) message = g_string_new (NULL);

  g_string_append_printf (message, "No API key for %s: ", frag_keyring_provider_display_name (provider));
  if (env_var != NULL)
    g_string_append_printf (message, "set %s or store one with 'frag keys set %s'", env_var, provider);
  else
    g_string_append_printf (message, "store one with 'frag keys set %s'", provider);
  if (keyring_error != NULL)
    g_string_append_printf (message, " (the system keyring could not be used: %s)", keyring_error->message);

  g_task_return_new_error (task, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NO_KEY, "%s", message->str);
}

static void
resolve_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *key;

  key = frag_keyring_lookup_key_finish (FRAG_KEYRING (object), result, &error);
  if (key != NULL)
    {
      data->source = FRAG_KEY_SOURCE_KEYRING;
      g_task_return_pointer (task, key, (GDestroyNotify)frag_keyring_free_key);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  return_no_key (task, data->provider, error);
}

void
frag_keyring_resolve_key_async (FragKeyring         *keyring,
                                const char          *provider,
                                const char          *explicit_key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ResolveData *data;
  g_autofree char *env_var = NULL;
  const char *env_value = NULL;

  g_return_if_fail (keyring == NULL || FRAG_IS_KEYRING (keyring));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_keyring_resolve_key_async);
  data = g_new0 (ResolveData, 1);
  data->provider = g_strdup (provider);
  data->source = FRAG_KEY_SOURCE_NONE;
  g_task_set_task_data (task, data, (GDestroyNotify)resolve_data_free);

  if (explicit_key != NULL && *explicit_key != '\0')
    {
      data->source = FRAG_KEY_SOURCE_FLAG;
      g_task_return_pointer (task, g_strdup (explicit_key), (GDestroyNotify)frag_keyring_free_key);
      return;
    }

  env_var = frag_keyring_dup_env_var_name (provider);
  if (env_var != NULL)
    env_value = g_getenv (env_var);
  if (env_value != NULL && *env_value != '\0')
    {
      data->source = FRAG_KEY_SOURCE_ENVIRONMENT;
      g_task_return_pointer (task, g_strdup (env_value), (GDestroyNotify)frag_keyring_free_key);
      return;
    }

  if (keyring == NULL)
    {
      return_no_key (task, provider, NULL);
      return;
    }

  frag_keyring_lookup_key_async (keyring, provider, cancellable, resolve_lookup_cb,
                                 g_steal_pointer (&task));
}

char *
frag_keyring_resolve_key_finish (GAsyncResult  *result,
                                 FragKeySource *source,
                                 GError       **error)
{
  ResolveData *data;
  char *key;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == frag_keyring_resolve_key_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  key = g_task_propagate_pointer (G_TASK (result), error);
  if (source != NULL)
    *source = key != NULL ? data->source : FRAG_KEY_SOURCE_NONE;
  return key;
}
