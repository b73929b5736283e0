/* frag-cli-run.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-cli"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "frag-cli.h"
#include "frag-e2b-sandbox.h"
#include "frag-history-store.h"
#include "frag-local-sandbox.h"
#include "frag-secret-keyring.h"

/* `frag run [--backend local|e2b] [--db PATH] [--no-wait] [--serve-seconds N] FRAGMENT.json`
 *
 * Runs one fragment in a fresh sandbox and prints the execution result JSON (DESIGN.md)
 * as one line on stdout. Progress goes to stderr. The sandbox is killed before exit.
 *
 * Interpreter fragments: the result is printed when the run ends. Code that failed
 * (an exception) still prints its result, then "frag: Name: value" on stderr, status 7.
 * Web fragments: the result (with its url) is printed and flushed the moment the port
 * answers. A local app lives in this process, so it keeps running until SIGINT/SIGTERM
 * (status 0), or for --serve-seconds, or not at all with --no-wait; if it dies
 * meanwhile: status 7. An E2B app lives on E2B: frag exits at once and leaves the
 * sandbox serving until its E2B timeout, as E2B Fragments does (the app lists such
 * sandboxes at start-up), unless --no-wait or --serve-seconds asks for a kill.
 */

#define KEYRING_TIMEOUT_MS 5000

static const char summary[] =
  "Runs FRAGMENT.json (the fragment JSON of 'frag generate') in a sandbox and prints the\n"
  "execution result JSON on stdout.\n"
  "\n"
  "Backends: 'local' (the default: bubblewrap on this computer, no account, no network)\n"
  "or 'e2b' (E2B's cloud sandboxes; the key comes from E2B_API_KEY or 'frag keys set e2b').\n"
  "The local backend is the default even when an E2B key is set: code leaves this\n"
  "computer only when asked to with --backend e2b.\n"
  "\n"
  "Web fragments: the result is printed as soon as the app answers on its port. A local\n"
  "app then runs until interrupted (Ctrl+C / SIGTERM ends it with status 0); an E2B app\n"
  "keeps running in its sandbox until E2B's timeout while frag exits. --no-wait stops\n"
  "the app at once; --serve-seconds N keeps it N seconds, then stops it.\n"
  "\n"
  "Exit status: 0 ok, 2 usage or unreadable file, 3 E2B authentication, 4 rate limit,\n"
  "5 network, 6 invalid fragment, 7 sandbox error or the code failed.";

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  FragSandbox  *sandbox;
  FragFragment *fragment;
  FragTemplate *template_;
  FragResult   *result;
  gboolean      no_wait;
  int           serve_seconds;
  gboolean      serving;
  gboolean      interrupted;
  gboolean      finishing;
  gboolean      keep_sandbox; /* an E2B app left serving after we exit */
  int           status;
  guint         sigint_id;
  guint         sigterm_id;
  guint         serve_timer_id;
} RunState;

static void
run_state_clear (RunState *state)
{
  g_clear_handle_id (&state->sigint_id, g_source_remove);
  g_clear_handle_id (&state->sigterm_id, g_source_remove);
  g_clear_handle_id (&state->serve_timer_id, g_source_remove);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->sandbox);
  g_clear_object (&state->fragment);
  g_clear_object (&state->template_);
  g_clear_object (&state->result);
  g_clear_pointer (&state->loop, g_main_loop_unref);
}

/* ---- progress on stderr --------------------------------------------------------- */

static void
phase_changed_cb (FragSandbox      *sandbox,
                  FragSandboxPhase  phase,
                  const char       *detail,
                  RunState         *state)
{
  /* FAILED is reported once, as the last line, by whoever ends the run; KILLED comes
   * after that line and must not displace it. */
  if (phase == FRAG_SANDBOX_PHASE_FAILED || phase == FRAG_SANDBOX_PHASE_IDLE
      || phase == FRAG_SANDBOX_PHASE_KILLED)
    return;
  if (detail != NULL && phase != FRAG_SANDBOX_PHASE_READY)
    g_printerr ("[%s] %s\n", frag_sandbox_phase_to_string (phase), detail);
  else
    g_printerr ("[%s]\n", frag_sandbox_phase_to_string (phase));
}

static void
log_cb (FragSandbox       *sandbox,
        FragSandboxStream  stream,
        const char        *line,
        RunState          *state)
{
  g_printerr ("%s %s\n", stream == FRAG_SANDBOX_STREAM_STDOUT ? "|" : "!", line);
}

/* ---- the end -------------------------------------------------------------------- */

static void
killed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  RunState *state = user_data;
  g_autoptr(GError) error = NULL;

  /* Failing to kill is not worth a non-zero status: the sandbox expires by itself. */
  if (!frag_sandbox_kill_finish (FRAG_SANDBOX (source), result, &error))
    g_printerr ("[kill] %s\n", error->message);
  g_main_loop_quit (state->loop);
}

/* Kills the sandbox (whatever happened), then leaves the loop. */
static void
finish (RunState *state,
        int       status)
{
  if (state->finishing)
    return;
  state->finishing = TRUE;
  state->status = status;
  state->serving = FALSE;
  g_clear_handle_id (&state->serve_timer_id, g_source_remove);
  if (state->keep_sandbox)
    {
      g_main_loop_quit (state->loop);
      return;
    }
  /* Not state->cancellable: it may be cancelled already, and the kill must happen. */
  frag_sandbox_kill_async (state->sandbox, NULL, killed_cb, state);
}

static void
finish_with_error (RunState     *state,
                   const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && state->interrupted)
    {
      g_printerr ("frag: interrupted\n");
      finish (state, FRAG_EXIT_SANDBOX);
      return;
    }
  finish (state, frag_cli_report_error (error));
}

static void
print_result (FragResult *result)
{
  g_autofree char *json = frag_result_to_json (result, FALSE);

  /* One line, flushed at once: a script waiting for the URL reads it right away. */
  fputs (json, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static gboolean
signal_cb (gpointer user_data)
{
  RunState *state = user_data;

  if (state->serving)
    {
      /* The user is done with the app: a normal end. */
      g_printerr ("[stopping]\n");
      finish (state, FRAG_EXIT_OK);
      return G_SOURCE_CONTINUE;
    }
  state->interrupted = TRUE;
  g_cancellable_cancel (state->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
serve_timer_cb (gpointer user_data)
{
  RunState *state = user_data;

  state->serve_timer_id = 0;
  finish (state, FRAG_EXIT_OK);
  return G_SOURCE_REMOVE;
}

/* While serving, a server that dies ends the run with its reason. */
static void
serving_phase_cb (FragSandbox      *sandbox,
                  FragSandboxPhase  phase,
                  const char       *detail,
                  RunState         *state)
{
  if (!state->serving || phase != FRAG_SANDBOX_PHASE_FAILED)
    return;
  g_printerr ("frag: %s\n", detail != NULL ? detail : "the server stopped");
  finish (state, FRAG_EXIT_SANDBOX);
}

/* ---- the steps ------------------------------------------------------------------ */

static void
executed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunState *state = user_data;
  g_autoptr(GError) error = NULL;

  state->result = frag_sandbox_execute_finish (FRAG_SANDBOX (source), result, &error);
  if (state->result == NULL)
    {
      finish_with_error (state, error);
      return;
    }
  print_result (state->result);

  if (frag_result_failed (state->result))
    {
      if (frag_result_has_error (state->result))
        g_printerr ("frag: %s: %s\n", frag_result_get_error_name (state->result),
                    frag_result_get_error_value (state->result));
      else
        g_printerr ("frag: the code exited with status %d\n", frag_result_get_exit_code (state->result));
      finish (state, FRAG_EXIT_SANDBOX);
      return;
    }

  if (frag_result_get_url (state->result) == NULL || state->no_wait || state->serve_seconds == 0)
    {
      finish (state, FRAG_EXIT_OK);
      return;
    }

  if (state->serve_seconds < 0 && FRAG_IS_E2B_SANDBOX (state->sandbox))
    {
      g_autofree char *sandbox_id = frag_sandbox_dup_sandbox_id (state->sandbox);

      g_printerr ("[detached] sandbox %s keeps serving %s until its E2B timeout\n",
                  sandbox_id, frag_result_get_url (state->result));
      state->keep_sandbox = TRUE;
      finish (state, FRAG_EXIT_OK);
      return;
    }

  state->serving = TRUE;
  g_signal_connect (state->sandbox, "phase-changed", G_CALLBACK (serving_phase_cb), state);
  g_printerr ("[serving] %s (Ctrl+C to stop)\n", frag_result_get_url (state->result));
  if (state->serve_seconds > 0)
    state->serve_timer_id = g_timeout_add_seconds (state->serve_seconds, serve_timer_cb, state);
}

static void
execute (RunState *state)
{
  frag_sandbox_execute_async (state->sandbox, state->fragment, state->cancellable, executed_cb, state);
}

static void
installed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RunState *state = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_sandbox_install_finish (FRAG_SANDBOX (source), result, &error))
    {
      finish_with_error (state, error);
      return;
    }
  execute (state);
}

static void
ensured_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  RunState *state = user_data;
  g_autoptr(GError) error = NULL;
  const char *install = frag_fragment_get_install_dependencies_command (state->fragment);

  if (!frag_sandbox_ensure_finish (FRAG_SANDBOX (source), result, &error))
    {
      finish_with_error (state, error);
      return;
    }
  if (frag_fragment_get_has_additional_dependencies (state->fragment) && install != NULL && *install != '\0')
    frag_sandbox_install_async (state->sandbox, install, state->cancellable, installed_cb, state);
  else
    execute (state);
}

static void
start (RunState *state)
{
  g_signal_connect (state->sandbox, "phase-changed", G_CALLBACK (phase_changed_cb), state);
  g_signal_connect (state->sandbox, "log", G_CALLBACK (log_cb), state);
  frag_sandbox_ensure_async (state->sandbox, state->template_, state->cancellable, ensured_cb, state);
}

/* ---- the E2B key ---------------------------------------------------------------- */

static void
key_resolved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RunState *state = user_data;
  g_autoptr(GError) error = NULL;
  char *key;

  key = frag_keyring_resolve_key_finish (result, NULL, &error);
  /* No key anywhere: the E2B backend's first call says which variable to set. */
  if (key == NULL)
    g_debug ("No E2B key: %s", error->message);
  state->sandbox = FRAG_SANDBOX (frag_e2b_sandbox_new_from_environment (key, NULL));
  frag_keyring_free_key (key);
  start (state);
}

/* Configuration precedence: environment, then the keyring (DESIGN.md). */
static void
start_e2b (RunState *state)
{
  g_autoptr(FragSecretKeyring) keyring = frag_secret_keyring_new ();

  frag_secret_keyring_set_timeout (keyring, KEYRING_TIMEOUT_MS);
  frag_keyring_resolve_key_async (FRAG_KEYRING (keyring), "e2b", NULL, NULL, key_resolved_cb, state);
}

/* ---- the history ----------------------------------------------------------------- */

/* Waits for one history call; returns its id, or 0 with error set. */
typedef gint64 (*HistoryFinishFunc) (FragHistory *history, GAsyncResult *result, GError **error);

static gint64
wait_for_id (FragHistory        *history,
             GAsyncResult      **slot,
             HistoryFinishFunc   finish_func,
             GError            **error)
{
  g_autoptr(GAsyncResult) result = frag_cli_wait_for_result (slot);

  *slot = NULL; /* the reference is result's now */
  return finish_func (history, result, error);
}

/* A run is remembered like a generated fragment, so its output is searchable offline:
 * a conversation named after the fragment, the fragment as its version, the result.
 * Not being able to store it spoils nothing already printed; it only matters (an error
 * status) when --db named the database and the run itself succeeded. The last stderr
 * line stays the run's own error when the code failed. */
static int
record_run (RunState   *state,
            const char *db_option,
            int         status)
{
  g_autofree char *path = frag_cli_db_path (db_option);
  g_autofree char *fragment_json = frag_fragment_to_json (state->fragment, FALSE);
  g_autofree char *result_json = frag_result_to_json (state->result, FALSE);
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  FragHistory *history;
  gint64 conversation_id;
  gint64 version_id;

  store = frag_cli_open_history (path, &error);
  if (store != NULL)
    {
      history = FRAG_HISTORY (store);
      frag_history_create_conversation_async (history, frag_fragment_get_title (state->fragment), NULL,
                                              frag_fragment_get_template (state->fragment), NULL,
                                              frag_cli_store_result_cb, &slot);
      conversation_id = wait_for_id (history, &slot, frag_history_create_conversation_finish, &error);
      if (conversation_id > 0)
        {
          frag_history_add_version_async (history, conversation_id, 0, 0, FRAG_VERSION_ORIGIN_USER_EDIT,
                                          fragment_json, NULL, frag_cli_store_result_cb, &slot);
          version_id = wait_for_id (history, &slot, frag_history_add_version_finish, &error);
          if (version_id > 0)
            {
              frag_history_add_result_async (history, version_id, result_json, NULL,
                                             frag_cli_store_result_cb, &slot);
              wait_for_id (history, &slot, frag_history_add_result_finish, &error);
            }
        }
      frag_cli_close_history (store);
    }

  if (error == NULL || status != FRAG_EXIT_OK)
    {
      if (error != NULL)
        g_debug ("The run was not stored: %s", error->message);
      return status;
    }
  if (db_option != NULL)
    return frag_cli_report_error (error);
  g_printerr ("frag: warning: the run was not stored in the history: %s\n", error->message);
  return status;
}

/* ---- reading the fragment ------------------------------------------------------- */

static gboolean
load_fragment (RunState    *state,
               const char  *path,
               int         *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) catalog_error = NULL;
  g_autoptr(FragTemplateCatalog) catalog = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      *status = frag_cli_usage_error ("cannot read %s: %s", path, error->message);
      return FALSE;
    }
  catalog = frag_template_catalog_new (NULL, &catalog_error);
  if (catalog_error != NULL)
    g_printerr ("frag: ignoring your templates.json: %s\n", catalog_error->message);

  state->fragment = frag_fragment_new_from_data (contents, length, &error);
  if (state->fragment == NULL
      || !frag_fragment_validate (state->fragment, frag_template_catalog_get_ids (catalog), &error))
    {
      g_prefix_error (&error, "%s: ", path);
      *status = frag_cli_report_error (error);
      return FALSE;
    }
  state->template_ = g_object_ref (frag_template_catalog_lookup (catalog,
                                                                 frag_fragment_get_template (state->fragment)));
  return TRUE;
}

int
frag_cli_run (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *db = NULL;
  g_auto(GStrv) files = NULL;
  gboolean no_wait = FALSE;
  int serve_seconds = -1;
  int status = FRAG_EXIT_OK;
  RunState state = { 0 };
  const GOptionEntry entries[] = {
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &backend, "Sandbox: local (default) or e2b", "BACKEND" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "History database (default: $XDG_DATA_HOME/fragment-studio/history.db)", "PATH" },
    { "no-wait", 0, 0, G_OPTION_ARG_NONE, &no_wait,
      "Web fragments: print the result and stop the app at once", NULL },
    { "serve-seconds", 0, 0, G_OPTION_ARG_INT, &serve_seconds,
      "Web fragments: keep the app running this long after it is ready", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FRAGMENT.json" },
    { NULL }
  };

  context = g_option_context_new (NULL); /* G_OPTION_REMAINING names FRAGMENT.json */
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!frag_cli_parse_options (context, &argc, &argv, &status))
    return status;
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return frag_cli_usage_error ("'frag run' takes exactly one FRAGMENT.json");
  if (backend != NULL && !g_str_equal (backend, "local") && !g_str_equal (backend, "e2b"))
    return frag_cli_usage_error ("unknown backend '%s' (local or e2b)", backend);

  if (!load_fragment (&state, files[0], &status))
    {
      run_state_clear (&state);
      return status;
    }

  state.loop = g_main_loop_new (NULL, FALSE);
  state.cancellable = g_cancellable_new ();
  state.no_wait = no_wait;
  state.serve_seconds = serve_seconds;
  state.sigint_id = g_unix_signal_add (SIGINT, signal_cb, &state);
  state.sigterm_id = g_unix_signal_add (SIGTERM, signal_cb, &state);

  if (backend != NULL && g_str_equal (backend, "e2b"))
    start_e2b (&state);
  else
    {
      state.sandbox = FRAG_SANDBOX (frag_local_sandbox_new ());
      start (&state);
    }

  g_main_loop_run (state.loop);
  status = state.status;
  if (state.result != NULL)
    status = record_run (&state, db, status);
  run_state_clear (&state);
  return status;
}
