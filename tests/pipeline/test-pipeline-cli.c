/* test-pipeline-cli.c: `frag generate --run` end to end: the built frag against the
 * loopback model, the local bubblewrap backend and the loopback fake E2B, with the
 * history checked afterwards in the database it wrote.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fake-e2b-util.h"
#include "frag-history-store.h"
#include "pipeline-model-server.h"
#include "pipeline-test-util.h"

#define OPENAI_KEY "sk-cli-pipeline-SECRET-0123456789"

/* The exit statuses of frag-cli.h (DESIGN.md). */
#define EXIT_OK 0
#define EXIT_FAILURE_STATUS 1
#define EXIT_USAGE 2
#define EXIT_SANDBOX 7

typedef struct
{
  gboolean  done;
  int       status;
  char     *out;
  char     *err;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_free (outcome->out);
  g_free (outcome->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Outcome *outcome = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &outcome->out, &outcome->err, &error);
  g_assert_no_error (error);
  outcome->status = g_subprocess_get_if_exited (G_SUBPROCESS (object))
                    ? g_subprocess_get_exit_status (G_SUBPROCESS (object)) : -1;
  outcome->done = TRUE;
}

/* Runs the built frag; the loopback servers keep answering meanwhile (the main loop
 * runs while we wait). env: NAME=VALUE pairs, NULL-terminated; input: its stdin. */
static void
run_frag_with_input (Outcome             *outcome,
                     const char * const  *args,
                     const char * const  *env,
                     const char          *input)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                                       (input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                                      : G_SUBPROCESS_FLAGS_NONE));
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint timeout;

  g_ptr_array_add (argv, g_build_filename (g_getenv ("FRAG_BUILD_ROOT"), "src", "cli", "frag", NULL));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_unsetenv (launcher, "OPENAI_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "E2B_API_KEY");
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, input, NULL, communicate_cb, outcome);
  timeout = g_timeout_add_seconds (60, pipeline_test_timeout_cb, NULL);
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  /* What frag said, for the log of a failing test. */
  g_test_message ("frag exited with %d; stderr:\n%s", outcome->status, outcome->err);
}

static void
run_frag (Outcome             *outcome,
          const char * const  *args,
          const char * const  *env)
{
  run_frag_with_input (outcome, args, env, NULL);
}

static const char *
last_line (const char *text)
{
  static char line[4096];
  const char *end = text + strlen (text);
  const char *start;

  while (end > text && end[-1] == '\n')
    end--;
  start = end;
  while (start > text && start[-1] != '\n')
    start--;
  g_snprintf (line, sizeof line, "%.*s", (int)(end - start), start);
  return line;
}

/* stdout of --run: the fragment JSON (pretty), then the result JSON on its last line. */
static void
split_output (const char  *out,
              JsonNode   **fragment,
              JsonNode   **result)
{
  g_autoptr(JsonParser) fragment_parser = json_parser_new ();
  g_autoptr(JsonParser) result_parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *result_line = last_line (out);
  g_autofree char *fragment_text = g_strndup (out, strstr (out, result_line) - out);

  json_parser_load_from_data (fragment_parser, fragment_text, -1, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (result_parser, result_line, -1, &error);
  g_assert_no_error (error);
  *fragment = json_node_ref (json_parser_get_root (fragment_parser));
  *result = json_node_ref (json_parser_get_root (result_parser));
}

typedef struct
{
  EventLog            *log;
  PipelineModelServer *model;
  char                *base_url;
  char                *dir;
  char                *db;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->log = event_log_new ();
  f->model = pipeline_model_server_new (f->log);
  f->base_url = pipeline_model_server_dup_base_url (f->model);
  f->dir = g_dir_make_tmp ("pipeline-cli-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "history.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db, "-shm", NULL);

  pipeline_model_server_free (f->model);
  event_log_free (f->log);
  g_unlink (f->db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
  g_free (f->base_url);
}

static FragStoredConversation *
load_stored (Fixture *f,
             gint64   id)
{
  g_autoptr(FragHistoryStore) store = pipeline_test_open_store (f->db);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  FragStoredConversation *stored;

  frag_history_load_conversation_async (FRAG_HISTORY (store), id, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  stored = frag_history_load_conversation_finish (FRAG_HISTORY (store), result, &error);
  g_assert_no_error (error);
  pipeline_test_close_store (store);
  return stored;
}

static gboolean
have_bwrap (void)
{
  if (g_file_test ("/usr/bin/bwrap", G_FILE_TEST_IS_EXECUTABLE))
    return TRUE;
  g_test_skip ("bubblewrap is not installed");
  return FALSE;
}

static void
test_run_local (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *first = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('from the cli')", -1);
  g_autofree char *second = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('second turn')", -1);
  g_auto(Outcome) outcome = { 0 };
  g_auto(Outcome) again = { 0 };
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  g_autofree char *request = NULL;
  const char *env[] = { "OPENAI_API_KEY=" OPENAI_KEY, NULL };
  JsonObject *result_object;
  const char *summary;
  gint64 id;

  if (!have_bwrap ())
    return;
  pipeline_model_server_queue_stream (f->model, first, 20, 5);
  {
    const char *args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url", f->base_url,
                           "--db", f->db, "--run", "Print", "something", NULL };

    run_frag (&outcome, args, env);
  }
  g_assert_cmpint (outcome.status, ==, EXIT_OK);
  split_output (outcome.out, &fragment, &result);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (fragment), "code"),
                                   "print('from the cli')"));
  result_object = json_node_get_object (result);
  g_assert_cmpstr (json_object_get_string_member (result_object, "backend"), ==, "local");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (result_object, "stdout"), 0),
                   ==, "from the cli\n");
  g_assert_null (strstr (outcome.err, OPENAI_KEY));
  g_assert_null (strstr (outcome.out, OPENAI_KEY));

  /* The summary line names the stored conversation. */
  summary = strstr (outcome.err, "; conversation ");
  g_assert_nonnull (summary);
  id = g_ascii_strtoll (summary + strlen ("; conversation "), NULL, 10);
  g_assert_cmpint (id, >, 0);

  /* Continuing it sends the earlier turn, code included. */
  pipeline_model_server_queue_stream (f->model, second, 10, 2);
  {
    g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    const char *args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url", f->base_url,
                           "--db", f->db, "--conversation", id_text, "--run", "Now the second", NULL };

    run_frag (&again, args, env);
  }
  g_assert_cmpint (again.status, ==, EXIT_OK);
  request = json_to_string (pipeline_model_server_get_request (f->model), FALSE);
  g_assert_nonnull (strstr (request, "print('from the cli')"));
  g_assert_nonnull (strstr (request, "Print something"));

  stored = load_stored (f, id);
  g_assert_cmpuint (frag_stored_conversation_get_messages (stored)->len, ==, 4);
  g_assert_cmpuint (frag_stored_conversation_get_versions (stored)->len, ==, 2);
  g_assert_cmpuint (frag_stored_conversation_get_results (stored)->len, ==, 2);
  g_assert_cmpstr (frag_conversation_info_get_sandbox_backend (frag_stored_conversation_get_info (stored)), ==,
                   "local");
}

static void
test_generate_only (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy", "print(1)", -1);
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *env[] = { "OPENAI_API_KEY=" OPENAI_KEY, NULL };
  const char *args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url", f->base_url,
                         "--db", f->db, "Only", "the", "code", NULL };

  pipeline_model_server_queue_stream (f->model, json, 10, 2);
  run_frag (&outcome, args, env);
  g_assert_cmpint (outcome.status, ==, EXIT_OK);
  /* stdout is exactly one fragment JSON, as before --run existed. */
  json_parser_load_from_data (parser, outcome.out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "template"),
                   ==, "code-interpreter-v1");
  g_assert_null (strstr (outcome.err, "[preparing-sandbox]"));
}

static void
test_code_fails (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1/0)", -1);
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(JsonNode) result = NULL;
  const char *env[] = { "OPENAI_API_KEY=" OPENAI_KEY, NULL };
  const char *args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url", f->base_url,
                         "--db", f->db, "--run", "--backend", "local", "Divide", NULL };

  if (!have_bwrap ())
    return;
  pipeline_model_server_queue_stream (f->model, json, 10, 2);
  run_frag (&outcome, args, env);
  g_assert_cmpint (outcome.status, ==, EXIT_SANDBOX);
  split_output (outcome.out, &fragment, &result);
  g_assert_true (json_object_has_member (json_node_get_object (result), "error"));
  g_assert_cmpstr (last_line (outcome.err), ==, "frag: ZeroDivisionError: division by zero");
}

static void
test_run_e2b (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy",
                                                       "print('on e2b')", -1);
  FakeE2b *fake = fake_e2b_start (0);
  g_autofree char *api_url = g_strconcat ("E2B_API_URL=", fake->base_url, NULL);
  g_autofree char *sandbox_url = g_strconcat ("FRAG_E2B_SANDBOX_URL=", fake->base_url, NULL);
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(JsonNode) result = NULL;
  const char *env[] = { "OPENAI_API_KEY=" OPENAI_KEY, "E2B_API_KEY=" FAKE_E2B_API_KEY, api_url, sandbox_url, NULL };
  const char *args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url", f->base_url,
                         "--db", f->db, "--run", "--backend", "e2b", "Use E2B", NULL };

  pipeline_model_server_queue_stream (f->model, json, 20, 10);
  run_frag (&outcome, args, env);
  g_assert_cmpint (outcome.status, ==, EXIT_OK);
  split_output (outcome.out, &fragment, &result);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result), "backend"), ==, "e2b");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_node_get_object (result),
                                                                                "stdout"), 0), ==, "on e2b\n");
  /* The install's output was shown on stderr. */
  g_assert_nonnull (strstr (outcome.err, "| ran: pip install numpy"));
  g_assert_null (strstr (outcome.err, FAKE_E2B_API_KEY));
  fake_e2b_stop (fake);
}

/* An unusable default history location does not stop a generation; an explicit --db
 * that cannot be opened does. */
static void
test_history_unavailable (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print(1)", -1);
  g_auto(Outcome) unstored = { 0 };
  g_auto(Outcome) explicit_db = { 0 };
  const char *env[] = { "OPENAI_API_KEY=" OPENAI_KEY, "XDG_DATA_HOME=/dev/null", NULL };
  const char *unstored_args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url",
                                  f->base_url, "hi", NULL };
  const char *explicit_args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url",
                                  f->base_url, "--db", "/dev/null/history.db", "hi", NULL };

  pipeline_model_server_queue_stream (f->model, json, 5, 1);
  run_frag (&unstored, unstored_args, env);
  g_assert_cmpint (unstored.status, ==, EXIT_OK);
  g_assert_nonnull (strstr (unstored.err, "this exchange will not be stored"));
  g_assert_nonnull (strstr (unstored.out, "\"code-interpreter-v1\""));

  run_frag (&explicit_db, explicit_args, env);
  g_assert_cmpint (explicit_db.status, !=, EXIT_OK);
  g_assert_true (g_str_has_prefix (last_line (explicit_db.err), "frag: "));
  g_assert_cmpuint (pipeline_model_server_get_n_requests (f->model), ==, 1);
}

/* Whether any file below path holds needle; with delete_tree, deletes the tree as it goes. */
static gboolean
tree_holds (const char *path,
            const char *needle,
            gboolean    delete_tree)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  gboolean found = FALSE;
  const char *name;

  if (dir == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      found = g_file_get_contents (path, &contents, &length, NULL) &&
              g_strstr_len (contents, length, needle) != NULL;
    }
  else
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          found |= tree_holds (child, needle, delete_tree);
        }
    }
  if (delete_tree)
    g_remove (path);
  return found;
}

/* Only a Secret Service that is already running: one that D-Bus would start on demand
 * has no unlocked keyring and would prompt (headless-recipe.md, pitfalls P2-P4). */
static gboolean
secret_service_running (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return FALSE;
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

/* A full run with the key in the keyring only: frag finds it there, sends it to the
 * provider, and writes it nowhere — not in the history, the config, the cache. */
static void
test_keyring_key_full_run (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *key = g_strdup_printf ("sk-keyring-only-%08x%08x", g_random_int (), g_random_int ());
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", key);
  g_autofree char *key_line = g_strdup_printf ("%s\n", key);
  g_autofree char *json = pipeline_test_fragment_json ("code-interpreter-v1", NULL, "print('keyring')", -1);
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_autofree char *env_data = g_strdup_printf ("XDG_DATA_HOME=%s/data", home);
  g_autofree char *env_config = g_strdup_printf ("XDG_CONFIG_HOME=%s/config", home);
  g_autofree char *env_cache = g_strdup_printf ("XDG_CACHE_HOME=%s/cache", home);
  g_autofree char *env_state = g_strdup_printf ("XDG_STATE_HOME=%s/state", home);
  const char *env[] = { env_data, env_config, env_cache, env_state, NULL };
  const char *set_args[] = { "keys", "set", "openai", NULL };
  const char *delete_args[] = { "keys", "delete", "openai", NULL };
  g_auto(Outcome) stored = { 0 };
  g_auto(Outcome) generated = { 0 };
  g_auto(Outcome) listed = { 0 };
  g_auto(Outcome) deleted = { 0 };

  if (!secret_service_running ())
    {
      g_test_skip ("needs a session bus with a running, unlocked keyring (dbus-run-session + gnome-keyring)");
      return;
    }
  if (!have_bwrap ())
    return;

  run_frag_with_input (&stored, set_args, env, key_line);
  g_assert_cmpint (stored.status, ==, EXIT_OK);

  pipeline_model_server_queue_stream (f->model, json, 10, 2);
  {
    /* The default history location (under the throw-away XDG_DATA_HOME), no --db. */
    const char *args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url", f->base_url,
                           "--run", "Use", "the", "keyring", NULL };

    run_frag (&generated, args, env);
  }
  g_assert_cmpint (generated.status, ==, EXIT_OK);
  g_assert_cmpstr (pipeline_model_server_get_auth (f->model), ==, bearer);
  g_assert_null (strstr (generated.out, key));
  g_assert_null (strstr (generated.err, key));
  {
    const char *args[] = { "history", "list", "--json", NULL };

    run_frag (&listed, args, env);
  }
  g_assert_cmpint (listed.status, ==, EXIT_OK);
  g_assert_nonnull (strstr (listed.out, "\"title\""));

  run_frag (&deleted, delete_args, env);
  g_assert_cmpint (deleted.status, ==, EXIT_OK);
  /* The database, its WAL, the config and cache dirs: the key is in none of them. */
  g_assert_false (tree_holds (home, key, TRUE));
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_auto(Outcome) backend_alone = { 0 };
  g_auto(Outcome) bad_backend = { 0 };
  g_auto(Outcome) bad_id = { 0 };
  g_auto(Outcome) unknown_id = { 0 };
  const char *env[] = { "OPENAI_API_KEY=" OPENAI_KEY, NULL };
  const char *backend_alone_args[] = { "generate", "--provider", "openai", "--backend", "e2b", "hi", NULL };
  const char *bad_backend_args[] = { "generate", "--provider", "openai", "--run", "--backend", "cloud", "hi", NULL };
  const char *bad_id_args[] = { "generate", "--provider", "openai", "--base-url", f->base_url, "--db", f->db,
                                "--conversation", "abc", "hi", NULL };
  const char *unknown_id_args[] = { "generate", "--provider", "openai", "--base-url", f->base_url, "--db", f->db,
                                    "--conversation", "4242", "hi", NULL };

  run_frag (&backend_alone, backend_alone_args, env);
  g_assert_cmpint (backend_alone.status, ==, EXIT_USAGE);
  run_frag (&bad_backend, bad_backend_args, env);
  g_assert_cmpint (bad_backend.status, ==, EXIT_USAGE);
  run_frag (&bad_id, bad_id_args, env);
  g_assert_cmpint (bad_id.status, ==, EXIT_USAGE);
  run_frag (&unknown_id, unknown_id_args, env);
  g_assert_cmpint (unknown_id.status, ==, EXIT_FAILURE_STATUS);
  g_assert_true (g_str_has_prefix (last_line (unknown_id.err), "frag: "));
  /* Nothing was asked of the model. */
  g_assert_cmpuint (pipeline_model_server_get_n_requests (f->model), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

#define ADD(path, func) \
  g_test_add ("/pipeline/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("run-local", test_run_local);
  ADD ("generate-only", test_generate_only);
  ADD ("code-fails", test_code_fails);
  ADD ("run-e2b", test_run_e2b);
  ADD ("history-unavailable", test_history_unavailable);
  ADD ("usage", test_usage);
  ADD ("keyring-key-full-run", test_keyring_key_full_run);
#undef ADD

  return g_test_run ();
}
