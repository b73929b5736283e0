/* test-ui-providers.c: the user's OpenAI-compatible services — providers.json read at
 * startup (a bad file is a notice), Preferences → Providers adding and removing them,
 * their models in the window's model picker, their keys in the keyring.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "frag-application.h"
#include "frag-chat-view.h"
#include "frag-memory-keyring.h"
#include "frag-preferences-window.h"
#include "frag-providers-page.h"
#include "frag-user-providers.h"
#include "frag-window.h"
#include "ui-test-util.h"

static FragApplication *app;
static FragMemoryKeyring *keyring;
static GPtrArray *startup_notices;

static char *
write_file (const char *name,
            const char *contents)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "fragment-studio", NULL);
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* The file the application read at startup was broken: the first window is told. */
static void
test_bad_file_notice (void)
{
  gboolean found = FALSE;

  for (guint i = 0; i < startup_notices->len; i++)
    {
      const char *notice = g_ptr_array_index (startup_notices, i);

      if (strstr (notice, "Your providers were not loaded") != NULL)
        {
          g_assert_nonnull (strstr (notice, "providers.json"));
          found = TRUE;
        }
    }
  g_assert_true (found);
  /* Nothing of it was registered. */
  g_assert_null (frag_provider_registry_lookup (frag_application_get_provider_registry (app), "half-good"));
}

/* Each kind of mistake is named, and a bad file registers nothing (all or nothing). */
static void
test_load_errors (void)
{
  static const struct { const char *contents; const char *expected; } cases[] = {
    { "{\"providers\": [", "bad.json" },
    { "[]", "\"providers\" array" },
    { "{\"providers\": [{\"id\": \"ok-one\", \"baseURL\": \"http://127.0.0.1:1/v1\"},"
      " {\"id\": \"Bad Id\", \"baseURL\": \"http://x/v1\"}]}", "provider 2" },
    { "{\"providers\": [{\"id\": \"no-url\", \"baseURL\": \"ftp://x\"}]}", "baseURL" },
    { "{\"providers\": [{\"id\": \"openai\", \"baseURL\": \"http://x/v1\"}]}", "built-in" },
    { "{\"providers\": [{\"id\": \"m\", \"baseURL\": \"http://x/v1\", \"models\": [1]}]}", "models" },
  };
  g_autoptr(FragProviderRegistry) registry = frag_provider_registry_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file ("bad.json", cases[i].contents);
      g_autoptr(FragUserProviders) providers = frag_user_providers_new (registry, path);
      g_autoptr(GError) error = NULL;

      g_assert_false (frag_user_providers_load (providers, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
      g_assert_cmpuint (frag_user_providers_get_list (providers)->len, ==, 0);
    }
  g_assert_null (frag_provider_registry_lookup (registry, "ok-one"));

  /* A good one: registered, its models listed; a missing one is simply empty. */
  {
    g_autofree char *path = write_file ("good.json",
                                        "{\"providers\": [{\"id\": \"lab\", \"name\": \"Lab\","
                                        " \"baseURL\": \"http://127.0.0.1:9/v1\", \"models\": [\"a\", \"b\"]}]}");
    g_autofree char *missing = g_build_filename (g_get_user_config_dir (), "none.json", NULL);
    g_autoptr(FragUserProviders) providers = frag_user_providers_new (registry, path);
    g_autoptr(FragUserProviders) none = frag_user_providers_new (registry, missing);
    g_autoptr(GError) error = NULL;
    g_autoptr(FragModel) second = NULL;
    const FragProviderInfo *info;

    g_assert_true (frag_user_providers_load (providers, &error));
    g_assert_no_error (error);
    info = frag_provider_registry_lookup (registry, "lab");
    g_assert_nonnull (info);
    g_assert_cmpstr (info->default_base_url, ==, "http://127.0.0.1:9/v1");
    g_assert_cmpstr (info->name, ==, "Lab");
    g_assert_cmpuint (g_list_model_get_n_items (frag_user_providers_get_models (providers)), ==, 2);
    second = g_list_model_get_item (frag_user_providers_get_models (providers), 1);
    g_assert_cmpstr (frag_model_get_id (second), ==, "b");
    g_assert_cmpstr (frag_model_get_name (second), ==, "b — Lab");
    g_assert_cmpstr (frag_model_get_provider_id (second), ==, "lab");

    g_assert_true (frag_user_providers_load (none, &error));
    g_assert_cmpuint (frag_user_providers_get_list (none)->len, ==, 0);
  }
}

static gboolean
has_conversation (gpointer data)
{
  return frag_window_get_conversation (data) != NULL;
}

static FragModel *
find_picker_model (FragWindow *window,
                   const char *name)
{
  FragChatView *chat = FRAG_CHAT_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), FRAG_TYPE_WINDOW,
                                                                      "chat_view"));
  GtkDropDown *picker = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (chat), FRAG_TYPE_CHAT_VIEW,
                                                                     "model_picker"));
  GListModel *models = gtk_drop_down_get_model (picker);

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(FragModel) model = g_list_model_get_item (models, i);

      if (g_str_equal (frag_model_get_name (model), name))
        return model;
    }
  return NULL;
}

typedef struct
{
  const char *provider;
  char       *key;
  gboolean    done;
} KeyWait;

static void
on_lookup_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  KeyWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->key = frag_keyring_lookup_key_finish (FRAG_KEYRING (source_object), result, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static gboolean
key_is (gpointer data)
{
  KeyWait *wait = data;

  return wait->done;
}

/* The key stored for provider (NULL when none), asked of the keyring. */
static char *
lookup_key (const char *provider)
{
  KeyWait wait = { provider, NULL, FALSE };

  frag_keyring_lookup_key_async (FRAG_KEYRING (keyring), provider, NULL, on_lookup_cb, &wait);
  g_assert_true (ui_test_wait_for (key_is, &wait, 10000));
  return wait.key;
}

static gboolean
key_stored (gpointer data)
{
  g_autofree char *key = lookup_key (data);

  return key != NULL;
}

static gboolean
key_gone (gpointer data)
{
  return !key_stored (data);
}

/* Add: the file is written, the provider registered, its model offered in the window's
 * picker, its key in the keyring; a bad address is refused; Remove undoes it all. */
static void
test_add_and_remove (void)
{
  FragWindow *window = frag_window_new (app);
  FragPreferencesWindow *prefs;
  FragProvidersPage *page;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = frag_provider_registry_dup_user_file_path ();
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *entry;
  FragModel *model;
  const FragProviderInfo *info;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (has_conversation, window, 10000));

  prefs = FRAG_PREFERENCES_WINDOW (frag_preferences_window_new (FRAG_KEYRING (keyring),
                                                                frag_application_get_provider_registry (app)));
  frag_preferences_window_set_user_providers (prefs, frag_application_get_user_providers (app));
  gtk_window_present (GTK_WINDOW (prefs));
  page = FRAG_PROVIDERS_PAGE (frag_preferences_window_get_providers_page (prefs));
  g_assert_nonnull (page);
  g_assert_cmpuint (frag_providers_page_get_n_rows (page), ==, 0);

  /* Refused: no name, an address that is not http(s). Nothing is written. */
  g_assert_null (frag_providers_page_add_provider (page, "  ", "http://127.0.0.1:8080/v1", "m", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (frag_providers_page_add_provider (page, "Lab", "localhost:8080", "m", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "localhost:8080"));
  g_clear_error (&error);
  g_assert_cmpuint (frag_providers_page_get_n_rows (page), ==, 0);

  id = frag_providers_page_add_provider (page, "My Server", "http://127.0.0.1:8080/v1", "tiny-model",
                                         "sk-custom-123", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "my-server");
  g_assert_cmpuint (frag_providers_page_get_n_rows (page), ==, 1);

  /* The file (never the key). */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "sk-custom-123"));
  g_assert_true (json_parser_load_from_data (parser, contents, -1, NULL));
  entry = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                                       "providers"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "id"), ==, "my-server");
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, "My Server");
  g_assert_cmpstr (json_object_get_string_member (entry, "baseURL"), ==, "http://127.0.0.1:8080/v1");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (entry, "models"), 0), ==,
                   "tiny-model");

  /* Registered, and offered in the already open window's picker. */
  info = frag_provider_registry_lookup (frag_application_get_provider_registry (app), "my-server");
  g_assert_nonnull (info);
  g_assert_cmpstr (info->default_base_url, ==, "http://127.0.0.1:8080/v1");
  model = find_picker_model (window, "tiny-model — My Server");
  g_assert_nonnull (model);
  g_assert_cmpstr (frag_model_get_provider_id (model), ==, "my-server");
  g_assert_true (ui_test_wait_for (key_stored, (gpointer)"my-server", 10000));
  {
    g_autofree char *key = lookup_key ("my-server");

    g_assert_cmpstr (key, ==, "sk-custom-123");
  }

  /* The same name again gets its own id. */
  {
    g_autofree char *second = frag_providers_page_add_provider (page, "My Server", "https://example.invalid/v1",
                                                                NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (second, ==, "my-server-2");
    g_assert_true (frag_providers_page_remove_provider (page, second, &error));
    g_assert_no_error (error);
  }

  /* Remove. */
  g_assert_true (frag_providers_page_remove_provider (page, "my-server", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (frag_providers_page_get_n_rows (page), ==, 0);
  g_assert_null (find_picker_model (window, "tiny-model — My Server"));
  g_assert_true (ui_test_wait_for (key_gone, (gpointer)"my-server", 10000));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "my-server"));
  g_assert_false (frag_providers_page_remove_provider (page, "my-server", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  g_autofree char *bad = NULL;
  int status;

  home = ui_test_isolate_home ();
  ui_test_init_environment ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Read at startup: valid JSON, but its second entry is wrong. */
  bad = write_file ("providers.json",
                    "{\"providers\": [{\"id\": \"half-good\", \"baseURL\": \"http://127.0.0.1:1/v1\"},"
                    " {\"name\": \"no id\", \"baseURL\": \"http://127.0.0.1:2/v1\"}]}");

  keyring = frag_memory_keyring_new ();
  app = frag_application_new (APP_ID ".ProvidersTest", G_APPLICATION_NON_UNIQUE);
  frag_application_set_keyring (app, FRAG_KEYRING (keyring));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  startup_notices = frag_application_take_notices (app);

  g_test_add_func ("/ui/providers/bad-file-notice", test_bad_file_notice);
  g_test_add_func ("/ui/providers/load-errors", test_load_errors);
  g_test_add_func ("/ui/providers/add-and-remove", test_add_and_remove);

  status = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_clear_pointer (&startup_notices, g_ptr_array_unref);
  g_clear_object (&app);
  g_clear_object (&keyring);

  {
    g_autoptr(GFile) root = g_file_new_for_path (home);

    ui_test_remove_tree (root);
  }

  return status;
}
