/* frag-cli-keys.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "frag-cli.h"
#include "frag-secret-keyring.h"

/* `frag keys set PROVIDER` (the key comes from standard input, never from argv, where
 * any user could read it in the process list), `frag keys delete PROVIDER`,
 * `frag keys list` (providers only, never a key). */

#define MAX_KEY_BYTES 4096

/* Reads the key: the first line of stdin, without surrounding white space. On a
 * terminal it asks for it and turns echo off. NULL when there is none. */
static char *
read_key_from_stdin (const char *provider)
{
  char buffer[MAX_KEY_BYTES + 2];
  struct termios saved;
  gboolean restore = FALSE;
  char *line;
  char *key = NULL;

  if (isatty (STDIN_FILENO))
    {
      struct termios quiet;

      fprintf (stderr, "API key for %s (input hidden): ", frag_keyring_provider_display_name (provider));
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t)ECHO;
          restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  line = fgets (buffer, sizeof buffer, stdin);
  if (restore)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fprintf (stderr, "\n");
    }
  if (line != NULL)
    {
      char *stripped = g_strstrip (line);

      if (*stripped != '\0' && strlen (stripped) <= MAX_KEY_BYTES)
        key = g_strdup (stripped);
    }
  /* The stack copy goes too. */
  for (volatile char *p = buffer; p < buffer + sizeof buffer; p++)
    *p = '\0';
  return key;
}

static int
run_set (FragKeyring *keyring,
         const char  *provider)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *key = read_key_from_stdin (provider);

  if (key == NULL)
    return frag_cli_usage_error ("keys set: no key on standard input (pipe it in, e.g. from a password manager)");

  frag_keyring_store_key_async (keyring, provider, key, NULL, frag_cli_store_result_cb, &result);
  frag_keyring_free_key (key);
  if (!frag_keyring_store_key_finish (keyring, frag_cli_wait_for_result (&result), &error))
    return frag_cli_report_error (error);
  g_printerr ("Stored the %s API key in the system keyring\n", frag_keyring_provider_display_name (provider));
  return FRAG_EXIT_OK;
}

static int
run_delete (FragKeyring *keyring,
            const char  *provider)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean deleted = FALSE;

  frag_keyring_delete_key_async (keyring, provider, NULL, frag_cli_store_result_cb, &result);
  if (!frag_keyring_delete_key_finish (keyring, frag_cli_wait_for_result (&result), &deleted, &error))
    return frag_cli_report_error (error);
  if (!deleted)
    {
      g_printerr ("frag: no %s API key is stored in the system keyring\n",
                  frag_keyring_provider_display_name (provider));
      return FRAG_EXIT_FAILURE;
    }
  g_printerr ("Deleted the %s API key from the system keyring\n", frag_keyring_provider_display_name (provider));
  return FRAG_EXIT_OK;
}

static int
run_list (FragKeyring *keyring)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) providers = NULL;

  frag_keyring_list_providers_async (keyring, NULL, frag_cli_store_result_cb, &result);
  providers = frag_keyring_list_providers_finish (keyring, frag_cli_wait_for_result (&result), &error);
  if (providers == NULL)
    return frag_cli_report_error (error);
  for (guint i = 0; providers[i] != NULL; i++)
    printf ("%s\t%s\n", providers[i], frag_keyring_provider_display_name (providers[i]));
  return FRAG_EXIT_OK;
}

int
frag_cli_keys (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("set PROVIDER | delete PROVIDER | list");
  g_autoptr(FragSecretKeyring) keyring = NULL;
  const char *action;
  int status;

  g_option_context_set_summary (context,
                                "Store, delete or list API keys in the system keyring.\n"
                                "'set' reads the key from standard input, never from the command line.\n"
                                "Providers: openai, anthropic, google, mistral, groq, fireworks, togetherai,\n"
                                "xai, deepseek, ollama, e2b, or one you added.");
  if (!frag_cli_parse_options (context, &argc, &argv, &status))
    return status;

  if (argc < 2)
    return frag_cli_usage_error ("keys: which action? set, delete or list");
  action = argv[1];

  if (g_str_equal (action, "list"))
    {
      if (argc != 2)
        return frag_cli_usage_error ("keys list takes no arguments");
    }
  else if (g_str_equal (action, "set") || g_str_equal (action, "delete"))
    {
      if (argc < 3)
        return frag_cli_usage_error ("keys %s: which PROVIDER?", action);
      if (argc > 3)
        return frag_cli_usage_error (g_str_equal (action, "set")
                                       ? "keys set takes only PROVIDER: the key is read from standard input, "
                                         "never from the command line"
                                       : "keys delete takes only PROVIDER");
      if (!frag_keyring_provider_id_is_valid (argv[2]))
        return frag_cli_usage_error ("keys %s: '%s' is not a provider id (lowercase letters, digits, - and _)",
                                     action, argv[2]);
    }
  else
    return frag_cli_usage_error ("keys: unknown action '%s'", action);

  keyring = frag_secret_keyring_new ();
  if (g_str_equal (action, "list"))
    return run_list (FRAG_KEYRING (keyring));
  if (g_str_equal (action, "set"))
    return run_set (FRAG_KEYRING (keyring), argv[2]);
  return run_delete (FRAG_KEYRING (keyring), argv[2]);
}
