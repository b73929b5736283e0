/* test-core-model-catalog.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-model-catalog.h"

static char *
write_user_file (const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "fragment-studio", NULL);
  char *path = g_build_filename (dir, "models.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_builtin_models (void)
{
  g_autoptr(FragModelCatalog) catalog = frag_model_catalog_new_builtin ();
  GListModel *models = G_LIST_MODEL (catalog);
  GListModel *providers = frag_model_catalog_get_providers (catalog);
  const char *provider_ids[] = {
    "openai", "anthropic", "vertex", "google", "mistral", "groq", "fireworks", "togetherai",
    "xai", "deepseek", "ollama", NULL
  };
  FragModel *model;

  /* The 65 models of E2B Fragments' lib/models.json. */
  g_assert_cmpuint (g_list_model_get_n_items (models), ==, 65);
  g_assert_true (g_list_model_get_item_type (models) == FRAG_TYPE_MODEL);

  g_assert_cmpuint (g_list_model_get_n_items (providers), ==, g_strv_length ((char **) provider_ids));
  for (guint i = 0; provider_ids[i] != NULL; i++)
    {
      g_autoptr(FragModelProvider) provider = g_list_model_get_item (providers, i);

      g_assert_cmpstr (frag_model_provider_get_id (provider), ==, provider_ids[i]);
      g_assert_true (frag_model_catalog_lookup_provider (catalog, provider_ids[i]) == provider);
    }
  g_assert_cmpstr (frag_model_provider_get_name (frag_model_catalog_lookup_provider (catalog, "togetherai")),
                   ==, "Together AI");
  g_assert_null (frag_model_catalog_lookup_provider (catalog, "nope"));

  /* Every model's provider is listed, and (provider, id) is unique. */
  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(FragModel) item = g_list_model_get_item (models, i);

      g_assert_nonnull (frag_model_catalog_lookup_provider (catalog, frag_model_get_provider_id (item)));
      g_assert_true (frag_model_catalog_lookup (catalog, frag_model_get_provider_id (item),
                                                frag_model_get_id (item)) == item);
    }

  model = frag_model_catalog_lookup (catalog, NULL, "claude-sonnet-4-20250514");
  g_assert_cmpstr (frag_model_get_name (model), ==, "Claude Sonnet 4");
  g_assert_cmpstr (frag_model_get_provider (model), ==, "Anthropic");
  g_assert_cmpstr (frag_model_get_provider_id (model), ==, "anthropic");
  g_assert_true (frag_model_get_multi_modal (model));

  model = frag_model_catalog_lookup (catalog, "openai", "o3-mini");
  g_assert_false (frag_model_get_multi_modal (model));
  model = frag_model_catalog_lookup (catalog, "google", "models/gemini-2.0-flash");
  g_assert_cmpstr (frag_model_get_provider (model), ==, "Google Generative AI");
  g_assert_nonnull (frag_model_catalog_lookup (catalog, "fireworks",
                                               "accounts/fireworks/models/zai-org/glm-4p5"));
  g_assert_nonnull (frag_model_catalog_lookup (catalog, "ollama", "llama3.1"));
  g_assert_null (frag_model_catalog_lookup (catalog, "anthropic", "gpt-4o"));
  g_assert_null (frag_model_catalog_lookup (catalog, NULL, "no-such-model"));
}

static void
test_list_for_provider (void)
{
  g_autoptr(FragModelCatalog) catalog = frag_model_catalog_new_builtin ();
  g_autoptr(GListModel) openai = frag_model_catalog_list_for_provider (catalog, "openai");
  g_autoptr(GListModel) xai = frag_model_catalog_list_for_provider (catalog, "xai");
  g_autoptr(GListModel) none = frag_model_catalog_list_for_provider (catalog, "nope");
  g_autoptr(FragModel) first = g_list_model_get_item (openai, 0);
  g_autofree char *name = NULL;
  gboolean multi_modal = FALSE;

  g_assert_cmpuint (g_list_model_get_n_items (openai), ==, 14);
  g_assert_cmpuint (g_list_model_get_n_items (xai), ==, 6);
  g_assert_cmpuint (g_list_model_get_n_items (none), ==, 0);
  g_object_get (first, "name", &name, "multi-modal", &multi_modal, NULL);
  g_assert_cmpstr (name, ==, "GPT-5");
  g_assert_true (multi_modal);
}

static void
test_user_file_merged (void)
{
  g_autofree char *path = write_user_file (
    "{\"providers\": [{\"id\": \"lmstudio\", \"name\": \"LM Studio\"}],"
    " \"models\": ["
    "  {\"id\": \"qwen2.5-coder\", \"providerId\": \"lmstudio\"},"
    "  {\"id\": \"gpt-4o\", \"name\": \"My GPT-4o\", \"provider\": \"OpenAI\","
    "   \"providerId\": \"openai\", \"multiModal\": false},"
    "  {\"id\": \"llama3.3\", \"name\": \"Llama 3.3\", \"providerId\": \"ollama\"}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(FragModelCatalog) catalog = frag_model_catalog_new (NULL, &error);
  GListModel *models = G_LIST_MODEL (catalog);
  g_autoptr(FragModel) last = NULL;
  FragModel *model;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (models), ==, 67);
  g_assert_cmpuint (g_list_model_get_n_items (frag_model_catalog_get_providers (catalog)), ==, 12);

  model = frag_model_catalog_lookup (catalog, "openai", "gpt-4o");
  g_assert_cmpstr (frag_model_get_name (model), ==, "My GPT-4o");
  g_assert_false (frag_model_get_multi_modal (model));

  /* Defaults: the name is the id, the provider's name comes from the providers list. */
  model = frag_model_catalog_lookup (catalog, "lmstudio", "qwen2.5-coder");
  g_assert_cmpstr (frag_model_get_name (model), ==, "qwen2.5-coder");
  g_assert_cmpstr (frag_model_get_provider (model), ==, "LM Studio");
  g_assert_false (frag_model_get_multi_modal (model));

  last = g_list_model_get_item (models, 66);
  g_assert_cmpstr (frag_model_get_id (last), ==, "llama3.3");
  g_assert_cmpstr (frag_model_get_provider (last), ==, "Ollama");
}

static void
test_bad_user_files (void)
{
  const struct {
    const char *contents;
    const char *message_part;
  } cases[] = {
    { "{", "is not valid JSON" },
    { "[]", "must be a JSON object with a “models” array" },
    { "{\"models\": {}}", "“models” must be an array" },
    { "{\"providers\": 1}", "“providers” must be an array" },
    { "{\"providers\": [{\"id\": \"x\"}]}", "provider 1: “name” must be a non-empty string" },
    { "{\"providers\": [\"x\"]}", "provider 1: must be an object" },
    { "{\"models\": [1]}", "model 1: must be an object" },
    { "{\"models\": [{\"providerId\": \"openai\"}]}", "model 1: “id” must be a non-empty string" },
    { "{\"models\": [{\"id\": \"a\"}]}", "model 1: “providerId” must be a non-empty string" },
    { "{\"models\": [{\"id\": \"a\", \"providerId\": \"openai\"}, {\"id\": \"b\", \"providerId\": \"nope\"}]}",
      "model 2: provider “nope” is not in “providers”" },
    { "{\"models\": [{\"id\": \"a\", \"providerId\": \"openai\", \"multiModal\": \"yes\"}]}",
      "model 1: “multiModal” must be a boolean" },
    { "{\"models\": [{\"id\": \"a\", \"providerId\": \"openai\", \"name\": 3}]}",
      "model 1: “name” must be a non-empty string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_user_file (cases[i].contents);
      g_autoptr(GError) error = NULL;
      g_autoptr(FragModelCatalog) catalog = frag_model_catalog_new (path, &error);

      g_test_message ("case %u: %s", i, cases[i].contents);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
      /* Not fatal: the built-ins, and nothing of the bad file. */
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 65);
      g_assert_null (frag_model_catalog_lookup (catalog, NULL, "a"));
    }
}

static void
test_missing_user_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragModelCatalog) catalog = frag_model_catalog_new (NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 65);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/model-catalog/builtin", test_builtin_models);
  g_test_add_func ("/core/model-catalog/list-for-provider", test_list_for_provider);
  g_test_add_func ("/core/model-catalog/user-file-merged", test_user_file_merged);
  g_test_add_func ("/core/model-catalog/bad-user-files", test_bad_user_files);
  g_test_add_func ("/core/model-catalog/missing-user-file", test_missing_user_file);

  return g_test_run ();
}
