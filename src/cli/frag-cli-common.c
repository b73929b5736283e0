/* frag-cli-common.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-cli"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "frag-cli.h"
#include "frag-errors.h"
#include "frag-history-store.h"

FragExitStatus
frag_cli_exit_status_for_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, FRAG_EXIT_FAILURE);

  if (error->domain == FRAG_PROVIDER_ERROR)
    {
      switch ((FragProviderError)error->code)
        {
        case FRAG_PROVIDER_ERROR_NO_KEY:
        case FRAG_PROVIDER_ERROR_AUTH:
          return FRAG_EXIT_AUTH;
        case FRAG_PROVIDER_ERROR_RATE_LIMITED:
        case FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED:
          return FRAG_EXIT_RATE_LIMIT;
        case FRAG_PROVIDER_ERROR_BAD_OUTPUT:
          return FRAG_EXIT_BAD_OUTPUT;
        case FRAG_PROVIDER_ERROR_FAILED:
        case FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND:
        case FRAG_PROVIDER_ERROR_BAD_REQUEST:
        case FRAG_PROVIDER_ERROR_OVERLOADED:
        case FRAG_PROVIDER_ERROR_SERVER:
        case FRAG_PROVIDER_ERROR_NETWORK:
        case FRAG_PROVIDER_ERROR_STALLED:
        default:
          return FRAG_EXIT_NETWORK;
        }
    }

  if (error->domain == FRAG_SANDBOX_ERROR)
    {
      switch ((FragSandboxError)error->code)
        {
        case FRAG_SANDBOX_ERROR_AUTH:
          return FRAG_EXIT_AUTH;
        case FRAG_SANDBOX_ERROR_RATE_LIMITED:
        case FRAG_SANDBOX_ERROR_LIMIT:      /* E2B answers 429 for both (e2b-protocol §1.3) */
          return FRAG_EXIT_RATE_LIMIT;
        case FRAG_SANDBOX_ERROR_NETWORK:
        case FRAG_SANDBOX_ERROR_SERVER:     /* DESIGN: 5 is "network / server" */
          return FRAG_EXIT_NETWORK;
        default:
          return FRAG_EXIT_SANDBOX;
        }
    }

  if (error->domain == FRAG_FRAGMENT_ERROR || error->domain == FRAG_PARTIAL_JSON_ERROR)
    return FRAG_EXIT_BAD_OUTPUT;

  if (error->domain == G_OPTION_ERROR)
    return FRAG_EXIT_USAGE;

  return FRAG_EXIT_FAILURE;
}

/* One line, whatever the message holds: the contract is that the last line on stderr
 * is the human error, so embedded newlines (a provider's multi-line body) are folded. */
static void
print_error_line (const char *message)
{
  g_autofree char *line = g_strdup (message != NULL ? message : "unknown error");

  g_strdelimit (line, "\r\n", ' ');
  fflush (stdout);
  fprintf (stderr, "frag: %s\n", line);
  fflush (stderr);
}

int
frag_cli_report_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, FRAG_EXIT_FAILURE);

  print_error_line (error->message);
  return frag_cli_exit_status_for_error (error);
}

int
frag_cli_usage_error (const char *format,
                      ...)
{
  g_autofree char *message = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  line = g_strdup_printf ("%s (see 'frag --help')", message);
  print_error_line (line);
  return FRAG_EXIT_USAGE;
}

gboolean
frag_cli_parse_options (GOptionContext   *context,
                        int              *argc,
                        char           ***argv,
                        int              *status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = frag_cli_usage_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

char *
frag_cli_db_path (const char *db_option)
{
  if (db_option != NULL && *db_option != '\0')
    return g_strdup (db_option);
  return g_build_filename (g_get_user_data_dir (), "fragment-studio", "history.db", NULL);
}

void
frag_cli_store_result_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      slot)
{
  GAsyncResult **result_slot = slot;

  g_return_if_fail (*result_slot == NULL);

  *result_slot = g_object_ref (result);
}

GAsyncResult *
frag_cli_wait_for_result (GAsyncResult **slot)
{
  g_return_val_if_fail (slot != NULL, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

FragHistoryStore *
frag_cli_open_history (const char  *path,
                       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  FragHistoryStore *store;

  frag_history_store_new_async (path, NULL, frag_cli_store_result_cb, &slot);
  result = frag_cli_wait_for_result (&slot);
  store = frag_history_store_new_finish (result, error);
  if (store != NULL && frag_history_store_get_open_notice (store) != NULL)
    g_printerr ("frag: warning: %s\n", frag_history_store_get_open_notice (store)->message);
  return store;
}

void
frag_cli_close_history (FragHistoryStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  frag_history_store_close_async (store, NULL, frag_cli_store_result_cb, &slot);
  result = frag_cli_wait_for_result (&slot);
  if (!frag_history_store_close_finish (store, result, &error))
    g_printerr ("frag: warning: the history was not closed cleanly: %s\n", error->message);
}
