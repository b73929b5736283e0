/* frag-provider-registry.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-provider-registry"

#include "config.h"

#include <errno.h>

#include <json-glib/json-glib.h>

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

/* ---- the user's providers.json --------------------------------------------------- */

FragUserProvider *
frag_user_provider_new (const char         *id,
                        const char         *name,
                        const char         *base_url,
                        const char * const *models)
{
  FragUserProvider *provider = g_new0 (FragUserProvider, 1);

  provider->id = g_strdup (id);
  provider->name = g_strdup (name != NULL ? name : id);
  provider->base_url = g_strdup (base_url);
  provider->models = models != NULL ? g_strdupv ((char **)models) : g_new0 (char *, 1);
  return provider;
}

void
frag_user_provider_free (FragUserProvider *provider)
{
  if (provider == NULL)
    return;
  g_free (provider->id);
  g_free (provider->name);
  g_free (provider->base_url);
  g_strfreev (provider->models);
  g_free (provider);
}

char *
frag_provider_registry_dup_user_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "fragment-studio", "providers.json", NULL);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* One entry, or NULL with *problem saying what is wrong (for the error message). */
static FragUserProvider *
parse_user_provider (JsonNode  *node,
                     char     **problem)
{
  JsonObject *object;
  JsonNode *models_node;
  const char *id, *name, *base_url;
  g_autoptr(GStrvBuilder) models = g_strv_builder_new ();
  g_auto(GStrv) model_ids = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *problem = g_strdup ("not an object");
      return NULL;
    }
  object = json_node_get_object (node);
  id = member_string (object, "id");
  name = member_string (object, "name");
  base_url = member_string (object, "baseURL");
  if (id == NULL || !g_regex_match_simple ("^[a-z0-9_-]{1,64}$", id, 0, 0))
    {
      *problem = g_strdup ("\"id\" must be 1-64 lowercase letters, digits, '-' or '_'");
      return NULL;
    }
  if (base_url == NULL || !(g_str_has_prefix (base_url, "http://") || g_str_has_prefix (base_url, "https://")))
    {
      *problem = g_strdup_printf ("\"%s\": \"baseURL\" must be an http:// or https:// URL", id);
      return NULL;
    }
  models_node = json_object_get_member (object, "models");
  if (models_node != NULL && !JSON_NODE_HOLDS_NULL (models_node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (models_node))
        {
          *problem = g_strdup_printf ("\"%s\": \"models\" must be an array of model ids", id);
          return NULL;
        }
      array = json_node_get_array (models_node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *model = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (model) || json_node_get_value_type (model) != G_TYPE_STRING
              || *json_node_get_string (model) == '\0')
            {
              *problem = g_strdup_printf ("\"%s\": \"models\" must be an array of model ids", id);
              return NULL;
            }
          g_strv_builder_add (models, json_node_get_string (model));
        }
    }
  model_ids = g_strv_builder_end (models);
  return frag_user_provider_new (id, name, base_url, (const char * const *)model_ids);
}

GPtrArray *
frag_provider_registry_load_user_file (FragProviderRegistry  *self,
                                       const char            *path,
                                       GError               **error)
{
  g_autofree char *default_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_user_provider_free);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonNode *list = NULL;

  g_return_val_if_fail (FRAG_IS_PROVIDER_REGISTRY (self), NULL);

  if (path == NULL)
    path = default_path = frag_provider_registry_dup_user_file_path ();

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&providers);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    list = json_object_get_member (json_node_get_object (root), "providers");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: expected an object with a \"providers\" array", path);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      g_autofree char *problem = NULL;
      FragUserProvider *provider = parse_user_provider (json_array_get_element (json_node_get_array (list), i),
                                                        &problem);

      if (provider == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: provider %u: %s", path, i + 1, problem);
          return NULL;
        }
      g_ptr_array_add (providers, provider);
    }

  /* All or nothing: registered only once the whole file is known to be good. A
   * built-in id cannot be replaced; such an entry is reported, not half-used. */
  for (guint i = 0; i < providers->len; i++)
    {
      FragUserProvider *provider = g_ptr_array_index (providers, i);
      gint index = find_index (self, provider->id);

      if (index >= 0 && (guint)index < self->n_builtins)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: \"%s\" is a built-in provider's id", path, provider->id);
          return NULL;
        }
    }
  for (guint i = 0; i < providers->len; i++)
    {
      FragUserProvider *provider = g_ptr_array_index (providers, i);

      frag_provider_registry_add_openai_compatible (self, provider->id, provider->name,
                                                    provider->base_url, NULL);
    }
  return g_steal_pointer (&providers);
}

gboolean
frag_provider_registry_save_user_file (GPtrArray   *providers,
                                       const char  *path,
                                       GError     **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (providers != NULL, FALSE);

  if (path == NULL)
    path = default_path = frag_provider_registry_dup_user_file_path ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < providers->len; i++)
    {
      FragUserProvider *provider = g_ptr_array_index (providers, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, provider->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, provider->name);
      json_builder_set_member_name (builder, "baseURL");
      json_builder_add_string_value (builder, provider->base_url);
      json_builder_set_member_name (builder, "models");
      json_builder_begin_array (builder);
      for (guint j = 0; provider->models[j] != NULL; j++)
        json_builder_add_string_value (builder, provider->models[j]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return g_file_set_contents (path, text, -1, error);
}
