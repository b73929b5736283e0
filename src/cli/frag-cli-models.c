/* frag-cli-models.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-cli"

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "frag-cli.h"
#include "frag-model-catalog.h"
#include "frag-provider-registry.h"

/* One row per model: the catalog's models (built-in and the user's), each with whether
 * this build can talk to its provider (Fragments' vertex provider, for one, needs OAuth
 * and is listed but not supported). */
static void
add_model_json (JsonBuilder          *builder,
                FragModel            *model,
                FragProviderRegistry *registry)
{
  const FragProviderInfo *info = frag_provider_registry_lookup (registry, frag_model_get_provider_id (model));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, frag_model_get_id (model));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, frag_model_get_name (model));
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, frag_model_get_provider (model));
  json_builder_set_member_name (builder, "providerId");
  json_builder_add_string_value (builder, frag_model_get_provider_id (model));
  json_builder_set_member_name (builder, "multiModal");
  json_builder_add_boolean_value (builder, frag_model_get_multi_modal (model));
  json_builder_set_member_name (builder, "supported");
  json_builder_add_boolean_value (builder, info != NULL);
  json_builder_set_member_name (builder, "keyEnv");
  if (info != NULL && info->key_env != NULL)
    json_builder_add_string_value (builder, info->key_env);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static void
print_model_row (FragModel            *model,
                 FragProviderRegistry *registry)
{
  const FragProviderInfo *info = frag_provider_registry_lookup (registry, frag_model_get_provider_id (model));

  printf ("%-12s %-58s %-5s %s%s\n",
          frag_model_get_provider_id (model),
          frag_model_get_id (model),
          frag_model_get_multi_modal (model) ? "yes" : "no",
          frag_model_get_name (model),
          info == NULL ? " (provider not supported)" : "");
}

int
frag_cli_models (int    argc,
                 char **argv)
{
  g_autofree char *provider_id = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) user_file_error = NULL;
  g_autoptr(FragModelCatalog) catalog = NULL;
  g_autoptr(FragProviderRegistry) registry = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  GListModel *providers;
  gboolean as_json = FALSE;
  gboolean found = FALSE;
  int status = FRAG_EXIT_OK;
  const GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_id, "Only this provider's models", "P" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "A JSON array of models instead of a table", NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "List the providers and models frag knows.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!frag_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return frag_cli_usage_error ("unexpected argument '%s'", argv[1]);

  catalog = frag_model_catalog_new (NULL, &user_file_error);
  if (user_file_error != NULL)
    g_printerr ("frag: warning: %s\n", user_file_error->message);
  registry = frag_provider_registry_new (NULL);
  providers = frag_model_catalog_get_providers (catalog);

  if (provider_id != NULL && frag_model_catalog_lookup_provider (catalog, provider_id) == NULL &&
      frag_provider_registry_lookup (registry, provider_id) == NULL)
    return frag_cli_usage_error ("unknown provider '%s'", provider_id);

  if (as_json)
    {
      builder = json_builder_new ();
      json_builder_begin_array (builder);
    }
  else
    {
      printf ("%-12s %-58s %-5s %s\n", "PROVIDER", "MODEL", "IMAGE", "NAME");
    }

  for (guint i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(FragModelProvider) provider = g_list_model_get_item (providers, i);
      const char *id = frag_model_provider_get_id (provider);
      g_autoptr(GListModel) models = NULL;

      if (provider_id != NULL && g_strcmp0 (provider_id, id) != 0)
        continue;
      models = frag_model_catalog_list_for_provider (catalog, id);
      for (guint j = 0; j < g_list_model_get_n_items (models); j++)
        {
          g_autoptr(FragModel) model = g_list_model_get_item (models, j);

          found = TRUE;
          if (as_json)
            add_model_json (builder, model, registry);
          else
            print_model_row (model, registry);
        }
    }

  if (as_json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      printf ("%s\n", text);
    }
  else if (!found && provider_id != NULL)
    {
      /* A provider that takes any model id (LM Studio, a user's service). */
      printf ("(no catalog models for %s: pass any model id with --model)\n", provider_id);
    }

  return FRAG_EXIT_OK;
}
