/* test-sandbox-e2b.c: the E2B backend against the loopback fake (fake-e2b.py).
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fake-e2b-util.h"
#include "frag-e2b-sandbox.h"

/* Templates pointing at the fake's scenarios (its header comment lists them). */
static const char *templates_json =
  "{"
  " \"t-interp\": {\"name\": \"I\", \"kind\": \"interpreter\", \"file\": \"script.py\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"code-interpreter-v1\"},"
  " \"t-ready\": {\"name\": \"R\", \"kind\": \"web\", \"port\": 3000, \"file\": \"pages/index.tsx\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"web-ready\", \"start_cmd\": \"npx next dev -p $PORT\"},"
  " \"t-slow\": {\"name\": \"S\", \"kind\": \"web\", \"port\": 8501, \"file\": \"app.py\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"web-slow\", \"start_cmd\": null},"
  " \"t-static\": {\"name\": \"H\", \"kind\": \"web\", \"port\": 8000, \"file\": \"index.html\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"base\","
  "   \"start_cmd\": \"python3 -m http.server $PORT --bind 127.0.0.1\"},"
  " \"t-closed\": {\"name\": \"C\", \"kind\": \"web\", \"port\": 8000, \"file\": \"index.html\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"base\", \"start_cmd\": null},"
  " \"t-dies\": {\"name\": \"D\", \"kind\": \"web\", \"port\": 7860, \"file\": \"app.py\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"web-dies\", \"start_cmd\": \"python3 app.py\"},"
  " \"t-missing\": {\"name\": \"M\", \"kind\": \"interpreter\", \"file\": \"a.py\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"no-such-template\"},"
  " \"t-limit\": {\"name\": \"L\", \"kind\": \"interpreter\", \"file\": \"a.py\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"limit\"},"
  " \"t-ratelimit\": {\"name\": \"RL\", \"kind\": \"interpreter\", \"file\": \"a.py\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"ratelimit\"},"
  " \"t-boom\": {\"name\": \"B\", \"kind\": \"interpreter\", \"file\": \"a.py\", \"lib\": [],"
  "   \"instructions\": \"x\", \"e2b_template\": \"boom\"}"
  "}";

static FakeE2b *fake;

typedef struct
{
  FragE2bClient *client;
  FragSandbox   *sandbox;
  GPtrArray     *phases;
  GPtrArray     *logs;
} Fixture;

static FragTemplate *
template_for (const char *id)
{
  return test_custom_template (templates_json, id);
}

static void
phase_changed_cb (FragSandbox      *sandbox,
                  FragSandboxPhase  phase,
                  const char       *detail,
                  Fixture          *fixture)
{
  g_ptr_array_add (fixture->phases, g_strdup_printf ("%s%s%s", frag_sandbox_phase_to_string (phase),
                                                     detail != NULL ? ": " : "", detail != NULL ? detail : ""));
}

static void
log_cb (FragSandbox       *sandbox,
        FragSandboxStream  stream,
        const char        *line,
        Fixture           *fixture)
{
  g_ptr_array_add (fixture->logs, g_strdup_printf ("%s: %s",
                                                   stream == FRAG_SANDBOX_STREAM_STDOUT ? "stdout" : "stderr",
                                                   line));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *key = user_data != NULL ? user_data : FAKE_E2B_API_KEY;
  g_autoptr(JsonArray) discarded = fake_e2b_take_requests (fake);

  fixture->client = fake_e2b_client_new (fake, *key != '\0' ? key : NULL);
  fixture->sandbox = FRAG_SANDBOX (frag_e2b_sandbox_new (fixture->client, "conv-1"));
  fixture->phases = g_ptr_array_new_with_free_func (g_free);
  fixture->logs = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->sandbox, "phase-changed", G_CALLBACK (phase_changed_cb), fixture);
  g_signal_connect (fixture->sandbox, "log", G_CALLBACK (log_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  test_kill (fixture->sandbox, &error);
  g_clear_object (&fixture->sandbox);
  g_clear_object (&fixture->client);
  g_ptr_array_unref (fixture->phases);
  g_ptr_array_unref (fixture->logs);
}

static gboolean
has_string (GPtrArray  *array,
            const char *string)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), string))
      return TRUE;
  return FALSE;
}

static void
ensure (Fixture    *fixture,
        const char *template_id)
{
  g_autoptr(FragTemplate) template_ = template_for (template_id);
  g_autoptr(GError) error = NULL;

  test_ensure (fixture->sandbox, template_, &error);
  g_assert_no_error (error);
}

static FragResult *
run (Fixture    *fixture,
     const char *template_id,
     const char *file_path,
     const char *code,
     GError    **error)
{
  g_autoptr(FragFragment) fragment = test_fragment_new (template_id, file_path, code);

  return test_execute (fixture->sandbox, fragment, NULL, error);
}

/* ---- interpreter ---------------------------------------------------------------- */

static void
test_interpreter (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *sandbox_id = NULL;
  JsonObject *create;
  JsonObject *body;
  JsonObject *metadata;
  JsonObject *upload;
  JsonObject *execute;
  FragResultItem *figure;
  FragResultItem *main_result;
  g_autofree char *json = NULL;

  ensure (fixture, "t-interp");
  result = run (fixture, "t-interp", "script.py", "print('hello')\nprint('world')\n# fake: rich\n", &error);
  g_assert_no_error (error);
  sandbox_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);

  g_assert_cmpstr (frag_result_get_backend (result), ==, "e2b");
  g_assert_cmpstr (frag_result_get_sandbox_id (result), ==, sandbox_id);
  g_assert_cmpstr (frag_result_get_template_id (result), ==, "t-interp");
  g_assert_cmpstr (frag_result_get_stdout (result)[0], ==, "hello\n");
  g_assert_cmpstr (frag_result_get_stdout (result)[1], ==, "world\n");
  g_assert_true (has_string (fixture->logs, "stdout: hello"));
  g_assert_true (has_string (fixture->logs, "stdout: world"));
  g_assert_false (frag_result_failed (result));
  g_assert_cmpuint (frag_result_get_items (result)->len, ==, 2);
  figure = g_ptr_array_index (frag_result_get_items (result), 0);
  g_assert_false (figure->is_main_result);
  g_assert_cmpstr (figure->png, ==, "iVBORw0KGgo=");
  main_result = g_ptr_array_index (frag_result_get_items (result), 1);
  g_assert_true (main_result->is_main_result);
  g_assert_cmpstr (main_result->text, ==, "42");
  g_assert_cmpstr (main_result->html, ==, "<b>42</b>");
  g_assert_cmpstr (main_result->markdown, ==, "**42**");
  g_assert_cmpstr (main_result->svg, ==, "<svg/>");
  g_assert_cmpstr (main_result->jpeg, ==, "/9j/");
  g_assert_cmpstr (main_result->latex, ==, "$42$");
  g_assert_nonnull (main_result->json);
  json = json_to_string (main_result->json, FALSE);
  g_assert_cmpstr (json, ==, "{\"answer\":42}");

  /* On the wire: create, one upload, one execute; nothing else. */
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (json_array_get_length (requests), ==, 3);
  create = fake_e2b_request_at (requests, 0);
  g_assert_cmpstr (json_object_get_string_member (create, "path"), ==, "/sandboxes");
  g_assert_cmpstr (fake_e2b_header (create, "X-API-Key"), ==, FAKE_E2B_API_KEY);
  body = json_object_get_object_member (create, "body");
  g_assert_cmpstr (json_object_get_string_member (body, "templateID"), ==, "code-interpreter-v1");
  g_assert_true (json_object_get_boolean_member (body, "secure"));
  g_assert_cmpint (json_object_get_int_member (body, "timeout"), ==, 600);
  metadata = json_object_get_object_member (body, "metadata");
  g_assert_cmpstr (json_object_get_string_member (metadata, "app"), ==, "fragment-studio");
  g_assert_cmpstr (json_object_get_string_member (metadata, "conversation"), ==, "conv-1");
  g_assert_cmpstr (json_object_get_string_member (metadata, "template"), ==, "t-interp");

  upload = fake_e2b_request_at (requests, 1);
  g_assert_cmpstr (json_object_get_string_member (upload, "path"), ==, "/files?path=script.py&username=user");
  g_assert_cmpstr (fake_e2b_header (upload, "E2b-Sandbox-Id"), ==, sandbox_id);
  g_assert_cmpstr (fake_e2b_header (upload, "E2b-Sandbox-Port"), ==, "49983");
  g_assert_nonnull (fake_e2b_header (upload, "X-Access-Token"));
  g_assert_cmpstr (fake_e2b_header (upload, "Authorization"), ==, "Basic dXNlcjo=");
  g_assert_null (fake_e2b_header (upload, "X-API-Key"));

  execute = fake_e2b_request_at (requests, 2);
  g_assert_cmpstr (json_object_get_string_member (execute, "path"), ==, "/execute");
  g_assert_cmpstr (fake_e2b_header (execute, "E2b-Sandbox-Port"), ==, "49999");
  g_assert_null (fake_e2b_header (execute, "X-API-Key"));

  g_assert_cmpstr (g_ptr_array_index (fixture->phases, fixture->phases->len - 1), ==, "ready");
}

static void
test_interpreter_error (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;

  ensure (fixture, "t-interp");
  result = run (fixture, "t-interp", "script.py", "print('before')\n1/0\n", &error);
  g_assert_no_error (error);
  g_assert_true (frag_result_failed (result));
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "ZeroDivisionError");
  g_assert_cmpstr (frag_result_get_error_value (result), ==, "division by zero");
  g_assert_cmpstr (frag_result_get_stderr (result)[0], ==, "warning\n");
}

static void
test_interpreter_interrupted (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;

  ensure (fixture, "t-interp");
  result = run (fixture, "t-interp", "script.py", "print('partial')\n# fake: interrupt\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_result_get_stdout (result)[0], ==, "partial\n");
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "ExecutionInterrupted");
}

static void
test_interpreter_output_cap (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  ensure (fixture, "t-interp");
  result = run (fixture, "t-interp", "script.py", "# fake: flood\n", &error);
  g_assert_no_error (error);
  out = frag_result_dup_stdout_text (result);
  err = frag_result_dup_stderr_text (result);
  g_assert_cmpuint (strlen (out), <=, 4 * 1024 * 1024);
  g_assert_cmpuint (strlen (out), >, 3 * 1024 * 1024);
  g_assert_nonnull (strstr (err, "output truncated"));
}

/* ---- web ------------------------------------------------------------------------ */

static void
test_web_ready (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *expected = g_strdup (fake->base_url);

  ensure (fixture, "t-ready");
  result = run (fixture, "t-ready", "pages/index.tsx", "export default () => 'hi'", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_result_get_url (result), ==, expected);

  /* A server baked into the template answers at once: create, upload, one probe. */
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (json_array_get_length (requests), ==, 3);
  g_assert_cmpstr (fake_e2b_header (fake_e2b_request_at (requests, 1), "E2b-Sandbox-Port"), ==, "49983");
  g_assert_cmpstr (json_object_get_string_member (fake_e2b_request_at (requests, 1), "path"), ==,
                   "/files?path=pages%2Findex.tsx&username=user");
  g_assert_cmpstr (fake_e2b_header (fake_e2b_request_at (requests, 2), "E2b-Sandbox-Port"), ==, "3000");
  g_assert_cmpstr (fake_e2b_header (fake_e2b_request_at (requests, 2), "Accept"), ==, "application/json");
  g_assert_cmpuint (fake_e2b_count (requests, "POST", "/process.Process/Start"), ==, 0);
}

static void
test_web_slow (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autoptr(JsonArray) requests = NULL;

  ensure (fixture, "t-slow");
  result = run (fixture, "t-slow", "app.py", "import streamlit", &error);
  g_assert_no_error (error);
  g_assert_nonnull (frag_result_get_url (result));
  /* Three "port is not open" answers were waited through, never handed over. */
  g_assert_true (has_string (fixture->phases, "waiting for port: port 8501, attempt 4"));
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (json_array_get_length (requests), ==, 2 + 4);
}

static void
test_web_start_server (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *sandbox_id = NULL;
  g_autofree char *page = NULL;
  JsonObject *start = NULL;
  guint status = 0;

  ensure (fixture, "t-static");
  result = run (fixture, "t-static", "index.html", "<p>static page</p>", &error);
  g_assert_no_error (error);
  sandbox_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_assert_true (has_string (fixture->phases, "starting server: python3 -m http.server $PORT --bind 127.0.0.1"));
  g_assert_true (has_string (fixture->logs, "stderr: Serving HTTP on 127.0.0.1"));

  /* The URL serves the uploaded page. */
  page = fake_e2b_request (fake, "GET", "/", sandbox_id, 8000, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (page, ==, "<p>static page</p>");

  requests = fake_e2b_take_requests (fake);
  for (guint i = 0; i < json_array_get_length (requests); i++)
    if (g_str_equal (json_object_get_string_member (fake_e2b_request_at (requests, i), "path"),
                     "/process.Process/Start"))
      start = fake_e2b_request_at (requests, i);
  g_assert_nonnull (start);
  /* A server must not get a deadline: Connect-Timeout-Ms would be its lifetime. */
  g_assert_null (fake_e2b_header (start, "Connect-Timeout-Ms"));
  g_assert_cmpstr (fake_e2b_header (start, "Content-Type"), ==, "application/connect+json");
  g_assert_cmpstr (fake_e2b_header (start, "Connect-Protocol-Version"), ==, "1");
  g_assert_cmpstr (fake_e2b_header (start, "E2b-Sandbox-Port"), ==, "49983");
  g_assert_nonnull (fake_e2b_header (start, "X-Access-Token"));
  g_assert_cmpuint (fake_e2b_count (requests, "POST", "/process.Process/Start"), ==, 1);
}

static void
test_web_server_dies (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;

  ensure (fixture, "t-dies");
  result = run (fixture, "t-dies", "app.py", "import gradio", &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED);
  g_assert_nonnull (strstr (error->message, "code 3"));
  g_assert_nonnull (strstr (error->message, "Error: boom"));
  g_assert_null (result);
  g_assert_true (has_string (fixture->logs, "stdout: starting"));
}

static void
test_web_port_deadline (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;

  g_object_set (fixture->sandbox, "port-deadline", 2, NULL);
  ensure (fixture, "t-closed");
  result = run (fixture, "t-closed", "index.html", "<p>never served</p>", &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PORT_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "port is not open"));
  g_assert_null (result);
}

/* ---- lifecycle ------------------------------------------------------------------ */

static void
test_reuse_keep_alive_kill (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) first = NULL;
  g_autoptr(FragResult) second = NULL;
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *id = NULL;
  g_autofree char *timeout_path = NULL;
  g_autofree char *after = NULL;
  JsonObject *keep;

  ensure (fixture, "t-interp");
  first = run (fixture, "t-interp", "script.py", "print('one')", &error);
  g_assert_no_error (error);
  ensure (fixture, "t-interp");
  second = run (fixture, "t-interp", "script.py", "print('two')", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_result_get_sandbox_id (first), ==, frag_result_get_sandbox_id (second));

  test_keep_alive (fixture->sandbox, 300, &error);
  g_assert_no_error (error);
  test_kill (fixture->sandbox, &error);
  g_assert_no_error (error);
  after = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_assert_null (after);
  g_assert_cmpint (frag_sandbox_get_phase (fixture->sandbox), ==, FRAG_SANDBOX_PHASE_KILLED);

  requests = fake_e2b_take_requests (fake);
  id = g_strdup (frag_result_get_sandbox_id (first));
  timeout_path = g_strdup_printf ("/sandboxes/%s/timeout", id);
  g_assert_cmpuint (fake_e2b_count (requests, "POST", "/sandboxes"), ==, 2); /* create + timeout */
  keep = NULL;
  for (guint i = 0; i < json_array_get_length (requests); i++)
    if (g_str_equal (json_object_get_string_member (fake_e2b_request_at (requests, i), "path"), timeout_path))
      keep = fake_e2b_request_at (requests, i);
  g_assert_nonnull (keep);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (keep, "body"), "timeout"), ==, 300);
  g_assert_cmpuint (fake_e2b_count (requests, "DELETE", "/sandboxes/"), ==, 1);

  /* Killing again: nothing to do, no request. */
  test_kill (fixture->sandbox, &error);
  g_assert_no_error (error);
  g_clear_pointer (&requests, json_array_unref);
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (json_array_get_length (requests), ==, 0);
}

static void
test_template_switch (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  ensure (fixture, "t-interp");
  first = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  ensure (fixture, "t-ready");
  second = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_assert_cmpstr (first, !=, second);
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (fake_e2b_count (requests, "POST", "/sandboxes"), ==, 2);
  g_assert_cmpuint (fake_e2b_count (requests, "DELETE", "/sandboxes/"), ==, 1);
}

static void
test_expired_recreated (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) before = NULL;
  g_autoptr(FragResult) after = NULL;
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *answer = NULL;
  guint status = 0;

  ensure (fixture, "t-interp");
  test_install (fixture->sandbox, "pip install left-pad", &error);
  g_assert_no_error (error);
  g_assert_true (has_string (fixture->logs, "stdout: ran: pip install left-pad"));
  before = run (fixture, "t-interp", "script.py", "print('one')", &error);
  g_assert_no_error (error);
  first_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);

  /* It expires behind our back. */
  path = g_strdup_printf ("/sandboxes/%s", first_id);
  answer = fake_e2b_request (fake, "DELETE", path, NULL, 0, &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&requests, json_array_unref);
  requests = fake_e2b_take_requests (fake);

  /* The next run makes a new one, replays the install, and succeeds. */
  after = run (fixture, "t-interp", "script.py", "print('two')", &error);
  g_assert_no_error (error);
  second_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_assert_cmpstr (first_id, !=, second_id);
  g_assert_cmpstr (frag_result_get_sandbox_id (after), ==, second_id);
  g_assert_cmpstr (frag_result_get_stdout (after)[0], ==, "two\n");
  g_clear_pointer (&requests, json_array_unref);
  requests = fake_e2b_take_requests (fake);
  /* upload (502 gone), create, install replay, upload, execute */
  g_assert_cmpuint (fake_e2b_count (requests, "POST", "/sandboxes"), ==, 1);
  g_assert_cmpuint (fake_e2b_count (requests, "POST", "/process.Process/Start"), ==, 1);
  g_assert_cmpuint (fake_e2b_count (requests, "POST", "/files"), ==, 2);
  g_assert_cmpuint (json_array_get_length (requests), ==, 5);
}

static void
test_keep_alive_gone (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *second_id = NULL;

  ensure (fixture, "t-interp");
  first_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  path = g_strdup_printf ("/sandboxes/%s", first_id);
  answer = fake_e2b_request (fake, "DELETE", path, NULL, 0, NULL);
  test_keep_alive (fixture->sandbox, 300, &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE);
  g_clear_error (&error);
  result = run (fixture, "t-interp", "script.py", "print('back')", &error);
  g_assert_no_error (error);
  second_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_assert_cmpstr (first_id, !=, second_id);
}

static void
test_install_fails (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) requests = NULL;
  JsonObject *start;

  ensure (fixture, "t-interp");
  test_install (fixture->sandbox, "exit 2", &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED);
  g_assert_nonnull (strstr (error->message, "exit code 2"));
  g_assert_nonnull (strstr (error->message, "failing on purpose"));
  requests = fake_e2b_take_requests (fake);
  start = fake_e2b_request_at (requests, json_array_get_length (requests) - 1);
  /* An install has a deadline (unlike a server). */
  g_assert_cmpstr (fake_e2b_header (start, "Connect-Timeout-Ms"), ==, "300000");
  g_assert_cmpstr (fake_e2b_header (start, "Keepalive-Ping-Interval"), ==, "50");
}

typedef struct
{
  gboolean   done;
  GPtrArray *listed;
  GError    *error;
} ListCall;

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ListCall *call = user_data;

  call->listed = frag_e2b_client_list_app_sandboxes_finish (FRAG_E2B_CLIENT (source), result, &call->error);
  call->done = TRUE;
}

static void
test_list (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *id = NULL;
  g_autoptr(JsonArray) requests = NULL;
  gboolean found = FALSE;
  ListCall call = { 0 };

  ensure (fixture, "t-interp");
  id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  frag_e2b_client_list_app_sandboxes_async (fixture->client, NULL, list_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_no_error (call.error);
  for (guint i = 0; i < call.listed->len; i++)
    {
      FragE2bListedSandbox *sandbox = g_ptr_array_index (call.listed, i);

      g_assert_cmpstr (g_hash_table_lookup (sandbox->metadata, "app"), ==, "fragment-studio");
      if (g_str_equal (sandbox->sandbox_id, id))
        {
          found = TRUE;
          g_assert_cmpstr (g_hash_table_lookup (sandbox->metadata, "conversation"), ==, "conv-1");
          g_assert_cmpstr (sandbox->state, ==, "running");
        }
    }
  g_assert_true (found);
  g_ptr_array_unref (call.listed);

  requests = fake_e2b_take_requests (fake);
  g_assert_cmpstr (json_object_get_string_member (fake_e2b_request_at (requests, 1), "path"), ==,
                   "/v2/sandboxes?metadata=app%3Dfragment-studio&state=running,paused&limit=100");
}

/* ---- errors --------------------------------------------------------------------- */

static void
expect_ensure_error (Fixture    *fixture,
                     const char *template_id,
                     int         code,
                     const char *fragment_of_message)
{
  g_autoptr(FragTemplate) template_ = template_for (template_id);
  g_autoptr(GError) error = NULL;

  test_ensure (fixture->sandbox, template_, &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, code);
  if (fragment_of_message != NULL)
    g_assert_nonnull (strstr (error->message, fragment_of_message));
  /* The key never shows. */
  g_assert_null (strstr (error->message, FAKE_E2B_API_KEY));
  g_assert_cmpint (frag_sandbox_get_phase (fixture->sandbox), ==, FRAG_SANDBOX_PHASE_FAILED);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  user_data)
{
  expect_ensure_error (fixture, "t-missing", FRAG_SANDBOX_ERROR_TEMPLATE_NOT_FOUND, "no-such-template");
  expect_ensure_error (fixture, "t-limit", FRAG_SANDBOX_ERROR_LIMIT, "concurrent");
  expect_ensure_error (fixture, "t-ratelimit", FRAG_SANDBOX_ERROR_RATE_LIMITED, "retry after 7 s");
  expect_ensure_error (fixture, "t-boom", FRAG_SANDBOX_ERROR_SERVER, "500");
}

static void
test_bad_key (Fixture       *fixture,
              gconstpointer  user_data)
{
  expect_ensure_error (fixture, "t-interp", FRAG_SANDBOX_ERROR_AUTH, "Invalid API key");
}

static void
test_no_key (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(JsonArray) requests = NULL;

  expect_ensure_error (fixture, "t-interp", FRAG_SANDBOX_ERROR_AUTH, "E2B_API_KEY");
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (json_array_get_length (requests), ==, 0);
}

static void
test_unreachable (void)
{
  g_autoptr(FragE2bConfig) config = frag_e2b_config_new (NULL, "http://127.0.0.1:1", NULL, NULL, FALSE);
  g_autoptr(SoupSession) session = fake_e2b_session_new ();
  g_autoptr(FragE2bClient) client = frag_e2b_client_new (config, FAKE_E2B_API_KEY, session);
  g_autoptr(FragE2bSandbox) sandbox = frag_e2b_sandbox_new (client, NULL);
  g_autoptr(FragTemplate) template_ = template_for ("t-interp");
  g_autoptr(GError) error = NULL;

  test_ensure (FRAG_SANDBOX (sandbox), template_, &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_NETWORK);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  fake = fake_e2b_start (0);

#define ADD(path, func) \
  g_test_add ("/sandbox/e2b/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("interpreter", test_interpreter);
  ADD ("interpreter-error", test_interpreter_error);
  ADD ("interpreter-interrupted", test_interpreter_interrupted);
  ADD ("interpreter-output-cap", test_interpreter_output_cap);
  ADD ("web/ready", test_web_ready);
  ADD ("web/slow", test_web_slow);
  ADD ("web/start-server", test_web_start_server);
  ADD ("web/server-dies", test_web_server_dies);
  ADD ("web/port-deadline", test_web_port_deadline);
  ADD ("reuse-keep-alive-kill", test_reuse_keep_alive_kill);
  ADD ("template-switch", test_template_switch);
  ADD ("expired-recreated", test_expired_recreated);
  ADD ("keep-alive-gone", test_keep_alive_gone);
  ADD ("install-fails", test_install_fails);
  ADD ("list", test_list);
  ADD ("errors", test_errors);
#undef ADD
  g_test_add ("/sandbox/e2b/bad-key", Fixture, "e2b_bad", fixture_set_up, test_bad_key, fixture_tear_down);
  g_test_add ("/sandbox/e2b/no-key", Fixture, "", fixture_set_up, test_no_key, fixture_tear_down);
  g_test_add_func ("/sandbox/e2b/unreachable", test_unreachable);

  status = g_test_run ();
  fake_e2b_stop (fake);
  return status;
}
