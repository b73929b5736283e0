/* frag-cli.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Exit statuses of the frag CLI (DESIGN.md, "The frag CLI"). Scripts and the
 * independent end-to-end tests depend on these numbers: never renumber them. */
typedef enum
{
  FRAG_EXIT_OK         = 0,
  FRAG_EXIT_FAILURE    = 1, /* anything not covered below (e.g. a history id not found) */
  FRAG_EXIT_USAGE      = 2,
  FRAG_EXIT_AUTH       = 3,
  FRAG_EXIT_RATE_LIMIT = 4,
  FRAG_EXIT_NETWORK    = 5, /* network or server */
  FRAG_EXIT_BAD_OUTPUT = 6, /* bad model output, an invalid fragment */
  FRAG_EXIT_SANDBOX    = 7, /* sandbox or run error */
} FragExitStatus;

/* Each subcommand gets argv with argv[0] = "frag SUBCOMMAND" and returns an exit status. */
int            frag_cli_generate          (int           argc,
                                           char        **argv);
int            frag_cli_run               (int           argc,
                                           char        **argv);
int            frag_cli_history           (int           argc,
                                           char        **argv);
int            frag_cli_keys              (int           argc,
                                           char        **argv);
int            frag_cli_models            (int           argc,
                                           char        **argv);

/* The status DESIGN.md gives for an error of any of core's domains. */
FragExitStatus frag_cli_exit_status_for_error (const GError *error);
/* Prints "frag: MESSAGE" as the last line on stderr and returns the error's status. */
int            frag_cli_report_error      (const GError *error);
/* Prints "frag: MESSAGE" (and a hint to --help) on stderr; returns FRAG_EXIT_USAGE. */
int            frag_cli_usage_error       (const char   *format,
                                           ...) G_GNUC_PRINTF (1, 2);
/* Parses a GOptionContext for a subcommand; on failure reports a usage error and
 * returns FALSE with *status set. */
gboolean       frag_cli_parse_options     (GOptionContext *context,
                                           int            *argc,
                                           char         ***argv,
                                           int            *status);
/* --db, else $XDG_DATA_HOME/fragment-studio/history.db. */
char          *frag_cli_db_path           (const char   *db_option);

/* A command waits for one asynchronous call at a time: start it with
 * frag_cli_store_result_cb and &slot (a GAsyncResult * set to NULL) as its callback and
 * user data, then frag_cli_wait_for_result (&slot) iterates the default main context
 * until the call completes and returns *slot. That is the one reference to the result:
 * release it once, either as *slot (a g_autoptr slot) or as the returned pointer. */
void           frag_cli_store_result_cb   (GObject       *object,
                                           GAsyncResult  *result,
                                           gpointer       slot);
GAsyncResult  *frag_cli_wait_for_result   (GAsyncResult **slot);

/* src/store's history (frag-history-store.h); named here only, so that users of the exit
 * statuses need not see the store's headers. */
typedef struct _FragHistoryStore FragHistoryStore;

/* Opens the history at path (prints its open notice, e.g. a damaged file moved aside,
 * as a warning) and closes it, waiting for the queued writes. */
FragHistoryStore *frag_cli_open_history    (const char        *path,
                                            GError           **error);
void              frag_cli_close_history   (FragHistoryStore  *store);

G_END_DECLS
