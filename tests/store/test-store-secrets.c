/* test-store-secrets.c: FragSecretKeyring against a real Secret Service, and key
 * resolution (flag > environment > keyring) with the in-memory keyring.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The keyring part needs a session bus with an unlocked gnome-keyring-daemon, as CI
 * provides (build-aux/run-tests.sh); without one it is skipped, saying so.
 */

#include "config.h"

#include "frag-memory-keyring.h"
#include "frag-secret-keyring.h"
#include "store-test-util.h"

static gboolean
secret_service_running (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return FALSE;
  if ((bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL)) == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static char *
lookup (FragKeyring  *keyring,
        const char   *provider,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  frag_keyring_lookup_key_async (keyring, provider, NULL, store_test_result_cb, &result);
  return frag_keyring_lookup_key_finish (keyring, store_test_wait (&result), error);
}

static void
test_real_keyring (void)
{
  g_autoptr(FragSecretKeyring) keyring = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) providers = NULL;
  g_autofree char *test_key = g_strdup_printf ("sk-frag-test-%08x%08x", g_random_int (), g_random_int ());
  g_autolist(SecretRetrievable) items = NULL;
  g_autofree char *label = NULL;
  char *key;
  gboolean deleted = FALSE;

  if (!secret_service_running ())
    {
      g_test_skip ("no Secret Service on the session bus (run inside dbus-run-session with gnome-keyring)");
      return;
    }
  keyring = frag_secret_keyring_new ();

  frag_keyring_store_key_async (FRAG_KEYRING (keyring), "openai", test_key, NULL, store_test_result_cb, &result);
  g_assert_true (frag_keyring_store_key_finish (FRAG_KEYRING (keyring), store_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  key = lookup (FRAG_KEYRING (keyring), "openai", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, test_key);
  frag_keyring_free_key (key);

  /* Another provider has none. */
  key = lookup (FRAG_KEYRING (keyring), "anthropic-test-none", &error);
  g_assert_no_error (error);
  g_assert_null (key);

  frag_keyring_list_providers_async (FRAG_KEYRING (keyring), NULL, store_test_result_cb, &result);
  providers = frag_keyring_list_providers_finish (FRAG_KEYRING (keyring), store_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *)providers, "openai"));
  g_clear_object (&result);

  /* The label users see in Seahorse. */
  items = secret_password_search_sync (frag_secret_keyring_get_schema (), SECRET_SEARCH_ALL, NULL, &error,
                                       "provider", "openai", NULL);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  label = secret_retrievable_get_label (items->data);
  g_assert_cmpstr (label, ==, "Fragment Studio: OpenAI API key");

  frag_keyring_delete_key_async (FRAG_KEYRING (keyring), "openai", NULL, store_test_result_cb, &result);
  g_assert_true (frag_keyring_delete_key_finish (FRAG_KEYRING (keyring), store_test_wait (&result), &deleted, &error));
  g_assert_no_error (error);
  g_assert_true (deleted);
  g_clear_object (&result);

  key = lookup (FRAG_KEYRING (keyring), "openai", &error);
  g_assert_no_error (error);
  g_assert_null (key);

  frag_keyring_delete_key_async (FRAG_KEYRING (keyring), "openai", NULL, store_test_result_cb, &result);
  g_assert_true (frag_keyring_delete_key_finish (FRAG_KEYRING (keyring), store_test_wait (&result), &deleted, &error));
  g_assert_false (deleted);
}

static void
test_labels_and_env_names (void)
{
  g_autofree char *label = frag_secret_keyring_dup_label ("togetherai");
  g_autofree char *custom_label = frag_secret_keyring_dup_label ("my-llm");
  g_autofree char *env = frag_keyring_dup_env_var_name ("google");
  g_autofree char *custom_env = frag_keyring_dup_env_var_name ("my-llm");
  g_autofree char *ollama_env = frag_keyring_dup_env_var_name ("ollama");

  g_assert_cmpstr (label, ==, "Fragment Studio: Together AI API key");
  g_assert_cmpstr (custom_label, ==, "Fragment Studio: my-llm API key");
  g_assert_cmpstr (env, ==, "GOOGLE_AI_API_KEY");
  g_assert_cmpstr (custom_env, ==, "MY_LLM_API_KEY");
  g_assert_null (ollama_env);
  g_assert_true (frag_keyring_provider_id_is_valid ("e2b"));
  g_assert_false (frag_keyring_provider_id_is_valid ("OpenAI"));
  g_assert_false (frag_keyring_provider_id_is_valid ("a b"));
  g_assert_false (frag_keyring_provider_id_is_valid (""));
}

static char *
resolve (FragKeyring    *keyring,
         const char     *provider,
         const char     *explicit_key,
         FragKeySource  *source,
         GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  frag_keyring_resolve_key_async (keyring, provider, explicit_key, NULL, store_test_result_cb, &result);
  return frag_keyring_resolve_key_finish (store_test_wait (&result), source, error);
}

static void
test_resolution_precedence (void)
{
  g_autoptr(FragMemoryKeyring) keyring = frag_memory_keyring_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FragKeySource source;
  char *key;

  frag_keyring_store_key_async (FRAG_KEYRING (keyring), "groq", "from-keyring", NULL, store_test_result_cb, &result);
  g_assert_true (frag_keyring_store_key_finish (FRAG_KEYRING (keyring), store_test_wait (&result), &error));

  g_setenv ("GROQ_API_KEY", "from-env", TRUE);
  key = resolve (FRAG_KEYRING (keyring), "groq", "from-flag", &source, &error);
  g_assert_cmpstr (key, ==, "from-flag");
  g_assert_cmpint (source, ==, FRAG_KEY_SOURCE_FLAG);
  frag_keyring_free_key (key);

  key = resolve (FRAG_KEYRING (keyring), "groq", NULL, &source, &error);
  g_assert_cmpstr (key, ==, "from-env");
  g_assert_cmpint (source, ==, FRAG_KEY_SOURCE_ENVIRONMENT);
  frag_keyring_free_key (key);
  g_assert_cmpuint (frag_memory_keyring_get_n_lookups (keyring), ==, 0);

  g_unsetenv ("GROQ_API_KEY");
  key = resolve (FRAG_KEYRING (keyring), "groq", "", &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "from-keyring");
  g_assert_cmpint (source, ==, FRAG_KEY_SOURCE_KEYRING);
  frag_keyring_free_key (key);

  /* Nothing anywhere: an auth error that tells the user both ways to give a key. */
  key = resolve (FRAG_KEYRING (keyring), "mistral", NULL, &source, &error);
  g_assert_null (key);
  g_assert_cmpint (source, ==, FRAG_KEY_SOURCE_NONE);
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NO_KEY);
  g_assert_nonnull (strstr (error->message, "MISTRAL_API_KEY"));
  g_assert_nonnull (strstr (error->message, "frag keys set mistral"));
  g_clear_error (&error);

  /* No keyring at all. */
  key = resolve (NULL, "xai", NULL, &source, &error);
  g_assert_null (key);
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NO_KEY);
  g_assert_nonnull (strstr (error->message, "XAI_API_KEY"));
}

static void
test_resolution_keyring_unavailable (void)
{
  g_autoptr(FragMemoryKeyring) keyring = frag_memory_keyring_new ();
  g_autoptr(GError) failure = g_error_new_literal (FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_UNAVAILABLE,
                                                   "No system keyring (Secret Service) is available");
  g_autoptr(GError) error = NULL;
  char *key;

  frag_memory_keyring_set_failure (keyring, failure);
  key = resolve (FRAG_KEYRING (keyring), "openai", NULL, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NO_KEY);
  g_assert_nonnull (strstr (error->message, "OPENAI_API_KEY"));
  g_assert_nonnull (strstr (error->message, "Secret Service"));
  g_clear_error (&error);

  /* The environment still works when the keyring does not. */
  g_setenv ("OPENAI_API_KEY", "env-key", TRUE);
  key = resolve (FRAG_KEYRING (keyring), "openai", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "env-key");
  frag_keyring_free_key (key);
  g_unsetenv ("OPENAI_API_KEY");
}

/* The no-Secret-Service paths run in subprocesses: libsecret keeps one connection to
 * the session bus per process, so each bus address needs a fresh process. */
static void
assert_unavailable_in_child (void)
{
  g_autoptr(FragSecretKeyring) keyring = frag_secret_keyring_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) providers = NULL;
  char *key;

  frag_keyring_store_key_async (FRAG_KEYRING (keyring), "openai", "sk-never-stored", NULL,
                                store_test_result_cb, &result);
  g_assert_false (frag_keyring_store_key_finish (FRAG_KEYRING (keyring), store_test_wait (&result), &error));
  g_assert_error (error, FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "OPENAI_API_KEY"));
  g_assert_null (strstr (error->message, "sk-never-stored"));
  g_printerr ("store: %s\n", error->message);
  g_clear_error (&error);
  g_clear_object (&result);

  key = lookup (FRAG_KEYRING (keyring), "anthropic", &error);
  g_assert_null (key);
  g_assert_error (error, FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "ANTHROPIC_API_KEY"));
  g_clear_error (&error);

  frag_keyring_list_providers_async (FRAG_KEYRING (keyring), NULL, store_test_result_cb, &result);
  providers = frag_keyring_list_providers_finish (FRAG_KEYRING (keyring), store_test_wait (&result), &error);
  g_assert_null (providers);
  g_assert_error (error, FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_UNAVAILABLE);
}

static void
test_no_secret_service_private_bus (void)
{
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *config_text = NULL;

  if (g_test_subprocess ())
    {
      assert_unavailable_in_child ();
      return;
    }

  /* A bus of our own with no service directories, so nothing provides (or can be
   * activated as) org.freedesktop.secrets: the standard session config would start
   * gnome-keyring-daemon, which then waits for an unlock prompt. */
  dir = store_test_make_dir ();
  config = g_build_filename (dir, "bus.conf", NULL);
  config_text = g_strdup_printf ("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                                 " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                                 "<busconfig><type>session</type><listen>unix:dir=%s</listen>"
                                 "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                                 "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n", dir);
  g_assert_true (g_file_set_contents (config, config_text, -1, NULL));
  config_arg = g_strconcat ("--config-file=", config, NULL);
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             "dbus-daemon", config_arg, "--nofork", "--print-address=1", NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  address = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_subprocess_force_exit (daemon);
  store_test_rm_rf (dir);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*No system keyring (Secret Service) is available*OPENAI_API_KEY*");
}

static void
test_no_secret_service_no_bus (void)
{
  if (g_test_subprocess ())
    {
      assert_unavailable_in_child ();
      return;
    }

  /* A bus address that leads nowhere (and no DISPLAY to autolaunch one). */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/frag-test-bus", TRUE);
  g_unsetenv ("DISPLAY");
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*No system keyring (Secret Service) is available*OPENAI_API_KEY*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/secrets/real-keyring", test_real_keyring);
  g_test_add_func ("/store/secrets/labels-and-env-names", test_labels_and_env_names);
  g_test_add_func ("/store/secrets/resolution-precedence", test_resolution_precedence);
  g_test_add_func ("/store/secrets/resolution-keyring-unavailable", test_resolution_keyring_unavailable);
  g_test_add_func ("/store/secrets/no-secret-service/private-bus", test_no_secret_service_private_bus);
  g_test_add_func ("/store/secrets/no-secret-service/no-bus", test_no_secret_service_no_bus);

  return g_test_run ();
}
