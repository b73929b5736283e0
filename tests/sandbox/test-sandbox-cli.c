/* test-sandbox-cli.c: `frag run` end to end (the built frag binary), both backends.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include "fake-e2b-util.h"

static FakeE2b *fake;

static char *
frag_path (void)
{
  return g_build_filename (g_getenv ("FRAG_BUILD_ROOT"), "src", "cli", "frag", NULL);
}

static char *
write_fragment (const char *template_id,
                const char *file_path,
                const char *port,
                const char *code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (g_get_tmp_dir (), "fragment.json", NULL);

  json_builder_begin_object (builder);
#define STRING(name, value) json_builder_set_member_name (builder, name); json_builder_add_string_value (builder, value);
  STRING ("commentary", "c");
  STRING ("template", template_id);
  STRING ("title", "t");
  STRING ("description", "d");
  json_builder_set_member_name (builder, "additional_dependencies");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "has_additional_dependencies");
  json_builder_add_boolean_value (builder, FALSE);
  STRING ("install_dependencies_command", "");
  json_builder_set_member_name (builder, "port");
  if (port != NULL)
    json_builder_add_int_value (builder, atoi (port));
  else
    json_builder_add_null_value (builder);
  STRING ("file_path", file_path);
  STRING ("code", code);
#undef STRING
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
  return path;
}

static GSubprocessLauncher *
launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  /* Only what a run needs; no key unless a test gives one. */
  g_subprocess_launcher_unsetenv (launcher, "E2B_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "E2B_API_URL");
  g_subprocess_launcher_unsetenv (launcher, "FRAG_E2B_SANDBOX_URL");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  /* The isolated test dirs hide the system's GSettings schemas, which GNOME's proxy
   * resolver needs; the loopback needs no proxy anyway (as tests/llm does). */
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  /* frag run records runs in the default history under XDG_DATA_HOME. */
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  return launcher;
}

/* Runs frag with args; returns its exit status, with stdout and the last stderr line. */
static int
run_frag (GSubprocessLauncher  *launcher,
          const char * const   *args,
          char                **out,
          char                **last_err_line)
{
  g_autofree char *frag = frag_path ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint n;

  g_ptr_array_add (argv, frag);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_test_message ("frag ended by signal %d; stderr:\n%s", g_subprocess_get_term_sig (process), err);
  lines = g_strsplit (g_strchomp (err), "\n", -1);
  n = g_strv_length (lines);
  *last_err_line = g_strdup (n > 0 ? lines[n - 1] : "");
  return g_subprocess_get_exit_status (process);
}

static JsonObject *
parse_object (const char *text,
              JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_local_interpreter (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *path = write_fragment ("code-interpreter-v1", "script.py", NULL, "print('hi')\n6 * 7\n");
  const char *args[] = { "run", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *result;

  g_assert_cmpint (run_frag (launcher, args, &out, &err), ==, 0);
  result = parse_object (out, parser);
  g_assert_cmpstr (json_object_get_string_member (result, "backend"), ==, "local");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (result, "stdout"), 0), ==, "hi\n");
  g_assert_true (json_object_get_null_member (result, "error"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (result, "results"), 0), "text"), ==, "42");
}

/* A run is remembered: its fragment and its output are in the history, searchable. A
 * --db that cannot be opened is an error once the run itself succeeded. */
static void
test_run_recorded (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *path = write_fragment ("code-interpreter-v1", "script.py", NULL, "print('zebra crossing')\n");
  g_autofree char *dir = g_dir_make_tmp ("run-db-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "history.db", NULL);
  g_autofree char *unusable = g_build_filename (path, "history.db", NULL); /* under a file */
  const char *run_args[] = { "run", "--db", db, path, NULL };
  const char *search_args[] = { "history", "search", "zebra", "--db", db, "--json", NULL };
  const char *bad_args[] = { "run", "--db", unusable, path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *hits;

  g_assert_cmpint (run_frag (launcher, run_args, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_frag (launcher, search_args, &out, &err), ==, 0);
  json_parser_load_from_data (parser, out, -1, NULL);
  hits = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (hits), ==, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (hits, 0), "snippet"),
                            "zebra"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_frag (launcher, bad_args, &out, &err), !=, 0);
  g_assert_true (g_str_has_prefix (err, "frag: "));
  /* The result was printed before the history was touched. */
  g_assert_nonnull (strstr (out, "zebra crossing"));
}

static void
test_local_code_fails (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *path = write_fragment ("code-interpreter-v1", "script.py", NULL, "x = {}\nx['missing']\n");
  const char *args[] = { "run", "--backend", "local", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *result;

  /* The run happened: the result is printed all the same, then the error, status 7. */
  g_assert_cmpint (run_frag (launcher, args, &out, &err), ==, 7);
  result = parse_object (out, parser);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "name"), ==,
                   "KeyError");
  g_assert_cmpstr (err, ==, "frag: KeyError: 'missing'");
}

static void
test_local_web_no_wait (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *path = write_fragment ("static-html", "index.html", "8000", "<h1>hi</h1>");
  const char *args[] = { "run", "--no-wait", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *result;

  g_assert_cmpint (run_frag (launcher, args, &out, &err), ==, 0);
  result = parse_object (out, parser);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (result, "url"), "http://127.0.0.1:"));
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
} GetCall;

static void
get_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GetCall *call = user_data;

  call->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  call->done = TRUE;
}

static char *
get (const char *url)
{
  g_autoptr(SoupSession) session = fake_e2b_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  GetCall call = { 0 };
  char *text;

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, get_cb, &call);
  test_wait_for (&call.done, 30);
  if (call.body == NULL)
    return NULL;
  text = g_strndup (g_bytes_get_data (call.body, NULL), g_bytes_get_size (call.body));
  g_bytes_unref (call.body);
  return text;
}

static void
test_local_web_serves_until_sigterm (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *path = write_fragment ("static-html", "index.html", "8000", "<h1>served</h1>");
  g_autofree char *frag = frag_path ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  g_autofree char *page = NULL;
  g_autofree char *after = NULL;
  g_autofree char *url = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, frag, "run", path, NULL);
  g_assert_no_error (error);
  /* The result line arrives (flushed) while frag keeps the app running. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  url = g_strdup (json_object_get_string_member (parse_object (line, parser), "url"));
  page = get (url);
  g_assert_cmpstr (page, ==, "<h1>served</h1>");

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  after = get (url);
  g_assert_null (after);
}

static void
test_usage_errors (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *bad_path = g_build_filename (g_get_tmp_dir (), "bad.json", NULL);
  g_autofree char *unknown = write_fragment ("no-such-template", "a.py", NULL, "print(1)");
  const char *missing_file[] = { "run", "/nonexistent/fragment.json", NULL };
  const char *bad_backend[] = { "run", "--backend", "cloud", unknown, NULL };
  const char *invalid[] = { "run", bad_path, NULL };
  const char *unknown_template[] = { "run", unknown, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_frag (launcher, missing_file, &out, &err), ==, 2);
  g_assert_true (g_str_has_prefix (err, "frag: "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_frag (launcher, bad_backend, &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_file_set_contents (bad_path, "{\"template\": \"code-interpreter-v1\"}", -1, NULL);
  g_assert_cmpint (run_frag (launcher, invalid, &out, &err), ==, 6);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_frag (launcher, unknown_template, &out, &err), ==, 6);
}

static void
test_e2b (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *path = write_fragment ("code-interpreter-v1", "script.py", NULL, "print('from e2b')\n");
  const char *args[] = { "run", "--backend", "e2b", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonArray) requests = NULL;
  JsonObject *result;

  g_subprocess_launcher_setenv (launcher, "E2B_API_KEY", FAKE_E2B_API_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "E2B_API_URL", fake->base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "FRAG_E2B_SANDBOX_URL", fake->base_url, TRUE);
  g_assert_cmpint (run_frag (launcher, args, &out, &err), ==, 0);
  result = parse_object (out, parser);
  g_assert_cmpstr (json_object_get_string_member (result, "backend"), ==, "e2b");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (result, "sandbox_id"), "ifake"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (result, "stdout"), 0), ==,
                   "from e2b\n");
  /* The sandbox does not outlive the command. */
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (fake_e2b_count (requests, "DELETE", "/sandboxes/"), ==, 1);
}

/* An E2B app lives on E2B: frag prints its URL and exits, leaving the sandbox serving
 * (no DELETE) until E2B's timeout. */
static void
test_e2b_web_detaches (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *path = write_fragment ("fake-web", "pages/index.tsx", "3000", "export default () => null;\n");
  g_autofree char *config_dir = g_build_filename (g_get_user_config_dir (), "fragment-studio", NULL);
  g_autofree char *templates = g_build_filename (config_dir, "templates.json", NULL);
  const char *args[] = { "run", "--backend", "e2b", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *result;

  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  g_file_set_contents (templates,
                       "{\"fake-web\": {\"name\": \"Fake web\", \"lib\": [], \"file\": \"pages/index.tsx\","
                       " \"instructions\": \"x\", \"port\": 3000, \"kind\": \"web\","
                       " \"start_cmd\": null, \"e2b_template\": \"web-slow\"}}", -1, &error);
  g_assert_no_error (error);
  g_subprocess_launcher_setenv (launcher, "E2B_API_KEY", FAKE_E2B_API_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "E2B_API_URL", fake->base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "FRAG_E2B_SANDBOX_URL", fake->base_url, TRUE);
  g_assert_cmpint (run_frag (launcher, args, &out, &err), ==, 0);
  g_unlink (templates);

  result = parse_object (out, parser);
  g_assert_cmpstr (json_object_get_string_member (result, "backend"), ==, "e2b");
  g_assert_nonnull (json_object_get_string_member (result, "url"));
  g_assert_nonnull (strstr (err, "keeps serving"));
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (fake_e2b_count (requests, "DELETE", "/sandboxes/"), ==, 0);
}

static void
test_e2b_errors (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *path = write_fragment ("code-interpreter-v1", "script.py", NULL, "print(1)\n");
  const char *args[] = { "run", "--backend", "e2b", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_setenv (launcher, "E2B_API_URL", fake->base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "FRAG_E2B_SANDBOX_URL", fake->base_url, TRUE);
  /* No key anywhere (no session bus, so no keyring either): authentication, 3. */
  g_assert_cmpint (run_frag (launcher, args, &out, &err), ==, 3);
  g_assert_nonnull (strstr (err, "E2B_API_KEY"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A wrong key: 3, and the key is not printed. */
  g_subprocess_launcher_setenv (launcher, "E2B_API_KEY", "e2b_bad", TRUE);
  g_assert_cmpint (run_frag (launcher, args, &out, &err), ==, 3);
  g_assert_null (strstr (err, "e2b_bad"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Nothing listening: network, 5. */
  g_subprocess_launcher_setenv (launcher, "E2B_API_KEY", FAKE_E2B_API_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "E2B_API_URL", "http://127.0.0.1:1", TRUE);
  g_assert_cmpint (run_frag (launcher, args, &out, &err), ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  fake = fake_e2b_start (0);

  g_test_add_func ("/sandbox/cli/local-interpreter", test_local_interpreter);
  g_test_add_func ("/sandbox/cli/run-recorded", test_run_recorded);
  g_test_add_func ("/sandbox/cli/local-code-fails", test_local_code_fails);
  g_test_add_func ("/sandbox/cli/local-web-no-wait", test_local_web_no_wait);
  g_test_add_func ("/sandbox/cli/local-web-serves-until-sigterm", test_local_web_serves_until_sigterm);
  g_test_add_func ("/sandbox/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/sandbox/cli/e2b", test_e2b);
  g_test_add_func ("/sandbox/cli/e2b-errors", test_e2b_errors);
  g_test_add_func ("/sandbox/cli/e2b-web-detaches", test_e2b_web_detaches);

  status = g_test_run ();
  fake_e2b_stop (fake);
  return status;
}
