/* test-sandbox-local.c: the local (bubblewrap) backend, with real bwrap runs.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "frag-local-sandbox.h"
#include "sandbox-test-util.h"

#define INTERPRETER "code-interpreter-v1"

typedef struct
{
  FragSandbox *sandbox;
  GPtrArray   *phases;   /* "phase" or "phase: detail" strings */
  GPtrArray   *logs;     /* "stdout: line" */
} Fixture;

static void
phase_changed_cb (FragSandbox      *sandbox,
                  FragSandboxPhase  phase,
                  const char       *detail,
                  Fixture          *fixture)
{
  g_ptr_array_add (fixture->phases, g_strdup (frag_sandbox_phase_to_string (phase)));
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
  fixture->sandbox = FRAG_SANDBOX (frag_local_sandbox_new ());
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
  g_assert_no_error (error);
  g_clear_object (&fixture->sandbox);
  g_ptr_array_unref (fixture->phases);
  g_ptr_array_unref (fixture->logs);
}

static FragResult *
run_python (Fixture    *fixture,
            const char *code)
{
  g_autoptr(FragFragment) fragment = test_fragment_new (INTERPRETER, "script.py", code);
  g_autoptr(GError) error = NULL;
  FragResult *result;

  test_ensure (fixture->sandbox, test_builtin_template (INTERPRETER), &error);
  g_assert_no_error (error);
  result = test_execute (fixture->sandbox, fragment, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static gboolean
ptr_array_has_string (GPtrArray  *array,
                      const char *string)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), string))
      return TRUE;
  return FALSE;
}

static void
test_print (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(FragResult) result = run_python (fixture, "print('hello from the sandbox')\n");
  g_autofree char *out = frag_result_dup_stdout_text (result);
  g_autofree char *sandbox_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);

  g_assert_cmpstr (out, ==, "hello from the sandbox\n");
  g_assert_true (ptr_array_has_string (fixture->logs, "stdout: hello from the sandbox"));
  g_assert_false (frag_result_has_error (result));
  g_assert_false (frag_result_failed (result));
  g_assert_cmpuint (frag_result_get_items (result)->len, ==, 0);
  g_assert_cmpstr (frag_result_get_backend (result), ==, "local");
  g_assert_cmpstr (frag_result_get_template_id (result), ==, INTERPRETER);
  g_assert_cmpstr (frag_result_get_sandbox_id (result), ==, sandbox_id);
  g_assert_true (g_str_has_prefix (sandbox_id, "local-"));
  g_assert_null (frag_result_get_url (result));

  /* The phases the UI shows, in order. */
  g_assert_true (ptr_array_has_string (fixture->phases, "creating sandbox"));
  g_assert_true (ptr_array_has_string (fixture->phases, "writing files"));
  g_assert_true (ptr_array_has_string (fixture->phases, "running"));
  g_assert_cmpstr (g_ptr_array_index (fixture->phases, fixture->phases->len - 1), ==, "ready");
  g_assert_cmpint (frag_sandbox_get_phase (fixture->sandbox), ==, FRAG_SANDBOX_PHASE_READY);
}

static void
test_stderr_and_value (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(FragResult) result = run_python (fixture,
                                             "import sys\n"
                                             "print('to stderr', file=sys.stderr)\n"
                                             "x = 20\n"
                                             "x + 22\n");
  g_autofree char *err = frag_result_dup_stderr_text (result);
  GPtrArray *items = frag_result_get_items (result);
  FragResultItem *item;

  g_assert_cmpstr (err, ==, "to stderr\n");
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_true (item->is_main_result);
  g_assert_cmpstr (item->text, ==, "42");
}

static void
test_rich_results (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(FragResult) result = run_python (fixture,
                                             "import matplotlib.pyplot as plt\n"
                                             "import pandas as pd\n"
                                             "plt.plot([1, 2, 3], [1, 4, 9])\n"
                                             "plt.title('squares')\n"
                                             "plt.show()\n"
                                             "pd.DataFrame({'n': [1, 2], 'sq': [1, 4]})\n");
  GPtrArray *items = frag_result_get_items (result);
  FragResultItem *figure;
  FragResultItem *table;
  g_autofree guchar *png = NULL;
  gsize png_length = 0;

  g_assert_false (frag_result_has_error (result));
  g_assert_cmpuint (items->len, ==, 2);

  figure = g_ptr_array_index (items, 0);
  g_assert_false (figure->is_main_result);
  g_assert_nonnull (figure->png);
  png = g_base64_decode (figure->png, &png_length);
  g_assert_cmpuint (png_length, >, 1000);
  g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);

  table = g_ptr_array_index (items, 1);
  g_assert_true (table->is_main_result);
  g_assert_nonnull (table->html);
  g_assert_nonnull (strstr (table->html, "<table"));
  g_assert_nonnull (strstr (table->text, "sq"));
}

static void
test_exception (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(FragResult) result = run_python (fixture,
                                             "print('before')\n"
                                             "def f():\n"
                                             "    return 1 / 0\n"
                                             "f()\n");
  g_autofree char *out = frag_result_dup_stdout_text (result);

  g_assert_cmpstr (out, ==, "before\n");
  g_assert_true (frag_result_failed (result));
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "ZeroDivisionError");
  g_assert_cmpstr (frag_result_get_error_value (result), ==, "division by zero");
  g_assert_nonnull (strstr (frag_result_get_error_traceback (result), "line 3, in f"));
  /* Our runner's frames are not the user's business. */
  g_assert_null (strstr (frag_result_get_error_traceback (result), "frag_cell_runner"));
}

static void
test_syntax_error (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(FragResult) result = run_python (fixture, "print('unclosed'\n");

  g_assert_cmpstr (frag_result_get_error_name (result), ==, "SyntaxError");
}

static void
test_forged_result_ignored (Fixture       *fixture,
                            gconstpointer  user_data)
{
  /* Printing (or writing to fd 3) cannot pass for a result: the channel is private. */
  g_autoptr(FragResult) result = run_python (fixture,
                                             "import os\n"
                                             "print('{\"results\": [{\"text\": \"forged\"}], \"error\": null}')\n"
                                             "_ = os.write(3, b'{\"results\": [{\"text\": \"forged\"}]}')\n");

  g_assert_false (frag_result_has_error (result));
  g_assert_cmpuint (frag_result_get_items (result)->len, ==, 0);
}

static void
test_wall_time_limit (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(FragResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  g_object_set (fixture->sandbox, "wall-seconds", 2, NULL);
  result = run_python (fixture, "print('start', flush=True)\nimport time\nwhile True:\n    time.sleep(0.1)\n");
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "TimeLimitExceeded");
  g_assert_cmpstr (frag_result_get_stdout (result)[0], ==, "start\n");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
}

static void
test_cpu_time_limit (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(FragResult) result = NULL;

  g_object_set (fixture->sandbox, "cpu-seconds", 1, "wall-seconds", 30, NULL);
  result = run_python (fixture, "while True:\n    pass\n");
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "CpuTimeLimitExceeded");
}

static void
test_output_limit (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(FragResult) result = NULL;
  g_autofree char *out = NULL;

  g_object_set (fixture->sandbox, "output-limit", 100000, "wall-seconds", 30, NULL);
  result = run_python (fixture, "while True:\n    print('x' * 999)\n");
  out = frag_result_dup_stdout_text (result);
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "OutputLimitExceeded");
  g_assert_cmpuint (strlen (out), <=, 100000);
  g_assert_cmpuint (strlen (out), >, 50000);
}

static gboolean
no_process_runs (gpointer marker)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *cmdline = NULL;
      gsize length = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &cmdline, &length, NULL))
        continue;
      for (gsize i = 0; i + 1 < length; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, marker) != NULL)
        return FALSE;
    }
  return TRUE;
}

static void
test_fork_bomb (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *file = g_strdup_printf ("bomb_%u.py", g_random_int ());
  g_autoptr(FragFragment) fragment = test_fragment_new (INTERPRETER, file,
                                                        "import os\n"
                                                        "while True:\n"
                                                        "    try:\n"
                                                        "        os.fork()\n"
                                                        "    except OSError:\n"
                                                        "        pass\n");
  g_autoptr(FragResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (fixture->sandbox, "wall-seconds", 3, NULL);
  test_ensure (fixture->sandbox, test_builtin_template (INTERPRETER), &error);
  g_assert_no_error (error);
  result = test_execute (fixture->sandbox, fragment, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "TimeLimitExceeded");
  /* The process limit held it, and the kill took every copy down. */
  g_assert_true (test_wait_until (no_process_runs, file, 10000));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(FragFragment) fragment = test_fragment_new (INTERPRETER, "script.py",
                                                        "import time\ntime.sleep(60)\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  gint64 start;

  test_ensure (fixture->sandbox, test_builtin_template (INTERPRETER), &error);
  g_assert_no_error (error);
  g_timeout_add_once (300, (GSourceOnceFunc)g_cancellable_cancel, cancellable);
  start = g_get_monotonic_time ();
  result = test_execute (fixture->sandbox, fragment, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

/* ---- isolation ---------------------------------------------------------------- */

static void
test_no_home (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *secret = g_build_filename (g_get_home_dir (), "secret.txt", NULL);
  g_autofree char *quoted = NULL;
  g_autofree char *code = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (g_get_home_dir (), 0700);
  g_file_set_contents (secret, "top secret", -1, &error);
  g_assert_no_error (error);
  /* g_shell_quote's single quotes are a valid Python string literal here. */
  quoted = g_shell_quote (secret);
  code = g_strdup_printf ("print(open(%s).read())\n", quoted);
  result = run_python (fixture, code);
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "FileNotFoundError");
  g_assert_null (frag_result_get_stdout (result)[0]);
  g_unlink (secret);
}

static void
test_no_write_outside (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(FragResult) result = NULL;
  g_autofree char *out = NULL;

  result = run_python (fixture,
                       "import os\n"
                       "for path in ['/usr/frag-escape', '/etc/frag-escape', '/frag-escape',\n"
                       "             '/home/user/../frag-escape', '/opt/frag/frag-escape']:\n"
                       "    try:\n"
                       "        open(path, 'w').write('x')\n"
                       "        print('WROTE', path)\n"
                       "    except OSError as e:\n"
                       "        print('refused', type(e).__name__)\n"
                       "open('/home/user/inside.txt', 'w').write('ok')\n"
                       "open('/tmp/scratch.txt', 'w').write('ok')\n"
                       "print('work dir writable')\n");
  out = frag_result_dup_stdout_text (result);
  g_assert_false (frag_result_has_error (result));
  g_test_message ("%s", out);
  g_assert_null (strstr (out, "WROTE"));
  g_assert_nonnull (strstr (out, "work dir writable"));
  g_assert_false (g_file_test ("/usr/frag-escape", G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/etc/frag-escape", G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/frag-escape", G_FILE_TEST_EXISTS));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gboolean          *connected)
{
  *connected = TRUE;
  return FALSE;
}

static void
test_no_network (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autofree char *code = NULL;
  g_autofree char *out = NULL;
  gboolean connected = FALSE;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), &connected);
  g_socket_service_start (service);

  code = g_strdup_printf ("import socket\n"
                          "for host in ['127.0.0.1', '1.1.1.1']:\n"
                          "    try:\n"
                          "        socket.create_connection((host, %u), timeout=2)\n"
                          "        print('CONNECTED', host)\n"
                          "    except OSError as e:\n"
                          "        print('refused', host, type(e).__name__)\n"
                          "socket.create_connection(('127.0.0.1', %u), timeout=2)\n",
                          port, port);
  result = run_python (fixture, code);
  out = frag_result_dup_stdout_text (result);
  g_assert_null (strstr (out, "CONNECTED"));
  g_assert_nonnull (strstr (out, "refused 127.0.0.1"));
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "ConnectionRefusedError");
  g_main_context_iteration (NULL, FALSE);
  g_assert_false (connected);
}

static void
test_not_root_inside (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(FragResult) result = run_python (fixture,
                                             "import os\n"
                                             "status = open('/proc/self/status').read()\n"
                                             "print([l for l in status.splitlines() if l.startswith('CapEff')][0])\n"
                                             "print(len([p for p in os.listdir('/proc') if p.isdigit()]) < 10)\n");
  g_autofree char *out = frag_result_dup_stdout_text (result);

  /* No capabilities, and only the sandbox's own processes in /proc. */
  g_assert_cmpstr (out, ==, "CapEff:\t0000000000000000\nTrue\n");
}

static void
test_bad_path (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(FragFragment) fragment = test_fragment_new (INTERPRETER, "../escape.py", "print(1)");
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;

  test_ensure (fixture->sandbox, test_builtin_template (INTERPRETER), &error);
  g_assert_no_error (error);
  result = test_execute (fixture->sandbox, fragment, NULL, &error);
  g_assert_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH);
  g_assert_null (result);
  g_assert_cmpint (frag_sandbox_get_phase (fixture->sandbox), ==, FRAG_SANDBOX_PHASE_FAILED);
}

/* ---- lifecycle ----------------------------------------------------------------- */

static gboolean
path_gone (gpointer path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_reuse_and_kill (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(FragResult) first = run_python (fixture, "open('state.txt', 'w').write('kept')\n");
  g_autofree char *first_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_autofree char *work_dir = g_strdup (frag_local_sandbox_get_work_dir (FRAG_LOCAL_SANDBOX (fixture->sandbox)));
  g_autoptr(FragResult) second = run_python (fixture, "open('state.txt').read()\n");
  g_autofree char *second_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_autoptr(FragFragment) fragment = test_fragment_new (INTERPRETER, "script.py", "print(1)");
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) after_kill = NULL;
  g_autofree char *killed_id = NULL;

  /* The same template reuses the sandbox: same id, files kept. */
  g_assert_cmpstr (first_id, ==, second_id);
  g_assert_cmpstr (((FragResultItem *)g_ptr_array_index (frag_result_get_items (second), 0))->text, ==, "kept");

  test_kill (fixture->sandbox, &error);
  g_assert_no_error (error);
  killed_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_assert_null (killed_id);
  g_assert_cmpint (frag_sandbox_get_phase (fixture->sandbox), ==, FRAG_SANDBOX_PHASE_KILLED);
  after_kill = test_execute (fixture->sandbox, fragment, NULL, &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED);
  g_assert_null (after_kill);
  g_clear_error (&error);

  /* Its files go too (in the background). */
  g_assert_true (test_wait_until (path_gone, work_dir, 10000));

  /* Keep-alive is a no-op that succeeds; killing twice is fine. */
  test_keep_alive (fixture->sandbox, 300, &error);
  g_assert_no_error (error);
  test_kill (fixture->sandbox, &error);
  g_assert_no_error (error);
}

static void
test_template_switch (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(FragResult) result = run_python (fixture, "1");
  g_autofree char *first_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  g_autofree char *second_id = NULL;
  g_autofree char *template_id = NULL;
  g_autoptr(GError) error = NULL;

  test_ensure (fixture->sandbox, test_builtin_template ("static-html"), &error);
  g_assert_no_error (error);
  second_id = frag_sandbox_dup_sandbox_id (fixture->sandbox);
  template_id = frag_sandbox_dup_template_id (fixture->sandbox);
  g_assert_cmpstr (first_id, !=, second_id);
  g_assert_cmpstr (template_id, ==, "static-html");
}

static void
test_install_command (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  test_ensure (fixture->sandbox, test_builtin_template (INTERPRETER), &error);
  g_assert_no_error (error);
  test_install (fixture->sandbox, "echo installing; echo warning >&2", &error);
  g_assert_no_error (error);
  g_assert_true (ptr_array_has_string (fixture->logs, "stdout: installing"));
  g_assert_true (ptr_array_has_string (fixture->logs, "stderr: warning"));
  g_assert_true (ptr_array_has_string (fixture->phases, "installing dependencies"));

  test_install (fixture->sandbox, "echo 'no network here' >&2; exit 4", &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED);
  g_assert_nonnull (strstr (error->message, "exit code 4"));
  g_assert_nonnull (strstr (error->message, "no network here"));
}

/* ---- web templates ------------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  GBytes   *body;
} HttpCall;

static void
http_get_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  HttpCall *call = user_data;

  call->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  call->done = TRUE;
}

/* Async: the port bridge is served by this thread's main loop. */
static char *
http_get (const char *url,
          guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  HttpCall call = { 0 };
  char *text;

  soup_session_set_proxy_resolver (session, NULL);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, http_get_cb, &call);
  test_wait_for (&call.done, 30);
  if (call.body == NULL)
    {
      *status = 0;
      return NULL;
    }
  *status = soup_message_get_status (message);
  text = g_strndup (g_bytes_get_data (call.body, NULL), g_bytes_get_size (call.body));
  g_bytes_unref (call.body);
  return text;
}

static void
test_static_html (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(FragFragment) fragment = test_fragment_new ("static-html", "index.html",
                                                        "<html><title>Hi</title><p>from the sandbox</p></html>");
  g_autoptr(FragFragment) second = test_fragment_new ("static-html", "index.html",
                                                      "<html><p>version two</p></html>");
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  g_autoptr(FragResult) result2 = NULL;
  g_autofree char *body = NULL;
  g_autofree char *body2 = NULL;
  g_autofree char *after = NULL;
  g_autofree char *work_dir = NULL;
  guint status = 0;

  test_ensure (fixture->sandbox, test_builtin_template ("static-html"), &error);
  g_assert_no_error (error);
  work_dir = g_strdup (frag_local_sandbox_get_work_dir (FRAG_LOCAL_SANDBOX (fixture->sandbox)));
  result = test_execute (fixture->sandbox, fragment, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (frag_result_get_url (result));
  g_assert_true (g_str_has_prefix (frag_result_get_url (result), "http://127.0.0.1:"));
  g_assert_true (ptr_array_has_string (fixture->phases, "starting server"));
  g_assert_true (ptr_array_has_string (fixture->phases, "waiting for port"));

  /* The URL answers with the page the moment it is handed over. */
  body = http_get (frag_result_get_url (result), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (body, "from the sandbox"));

  /* A new fragment in the same sandbox: new content behind a working URL. */
  result2 = test_execute (fixture->sandbox, second, NULL, &error);
  g_assert_no_error (error);
  body2 = http_get (frag_result_get_url (result2), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (body2, "version two"));

  /* Killed: nothing answers any more. */
  test_kill (fixture->sandbox, &error);
  g_assert_no_error (error);
  after = http_get (frag_result_get_url (result2), &status);
  g_assert_cmpuint (status, ==, 0);
  /* Every process of the sandbox is gone, its pid 1 included (bwrap's command line
   * names the work dir). */
  g_assert_true (test_wait_until (no_process_runs, work_dir, 10000));
}

static void
test_server_dies (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(FragTemplate) template_ = test_custom_template (
    "{\"dying-web\": {\"name\": \"Dies\", \"kind\": \"web\", \"port\": 9000, \"instructions\": \"test\", \"lib\": [], \"file\": \"app.txt\","
    " \"start_cmd\": \"echo starting; echo 'Error: address in use' >&2; exit 3\"}}", "dying-web");
  g_autoptr(FragFragment) fragment = test_fragment_new ("dying-web", "app.txt", "x");
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;
  gint64 start;

  test_ensure (fixture->sandbox, template_, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  result = test_execute (fixture->sandbox, fragment, NULL, &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED);
  g_assert_nonnull (strstr (error->message, "code 3"));
  g_assert_nonnull (strstr (error->message, "address in use"));
  g_assert_null (result);
  /* At once, not at the probe's deadline. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_true (ptr_array_has_string (fixture->logs, "stdout: starting"));
}

static void
test_port_deadline (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(FragTemplate) template_ = test_custom_template (
    "{\"silent-web\": {\"name\": \"Silent\", \"kind\": \"web\", \"port\": 9000, \"instructions\": \"test\", \"lib\": [], \"file\": \"app.txt\","
    " \"start_cmd\": \"sleep 600\"}}", "silent-web");
  g_autoptr(FragFragment) fragment = test_fragment_new ("silent-web", "app.txt", "x");
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = NULL;

  g_object_set (fixture->sandbox, "port-deadline", 2, NULL);
  test_ensure (fixture->sandbox, template_, &error);
  g_assert_no_error (error);
  result = test_execute (fixture->sandbox, fragment, NULL, &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PORT_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "9000"));
  g_assert_null (result);
  /* The server that never answered was stopped. */
  g_assert_true (test_wait_until (no_process_runs, (gpointer)"sleep 600", 10000));
}

static void
test_missing_runtime (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const char * const ids[] = { "streamlit-developer", "gradio-developer" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(FragFragment) fragment = test_fragment_new (ids[i], "app.py", "print(1)");
      g_autoptr(GError) error = NULL;
      g_autoptr(FragResult) result = NULL;

      test_ensure (fixture->sandbox, test_builtin_template (ids[i]), &error);
      g_assert_no_error (error);
      result = test_execute (fixture->sandbox, fragment, NULL, &error);
      if (error == NULL)
        {
          /* This host has the runtime after all: then it must have worked. */
          g_assert_nonnull (frag_result_get_url (result));
          continue;
        }
      g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_MISSING_RUNTIME);
      g_assert_nonnull (strstr (error->message, "E2B"));
      g_assert_nonnull (strstr (error->message, ids[i][0] == 's' ? "streamlit" : "gradio"));
    }
}

static void
test_launcher_missing (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  if (g_file_test ("/usr/bin/flatpak-spawn", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("flatpak-spawn is installed here");
      return;
    }
  /* Outside a Flatpak there is no portal to spawn with: a clear error, no sandbox. */
  frag_local_sandbox_set_launcher (FRAG_LOCAL_SANDBOX (fixture->sandbox), FRAG_SANDBOX_LAUNCHER_FLATPAK_SPAWN);
  test_ensure (fixture->sandbox, test_builtin_template (INTERPRETER), &error);
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "flatpak-spawn"));
  g_assert_cmpint (frag_sandbox_get_phase (fixture->sandbox), ==, FRAG_SANDBOX_PHASE_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (!g_file_test ("/usr/bin/bwrap", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("bubblewrap is not installed");
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add ("/sandbox/local/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("print", test_print);
  ADD ("stderr-and-value", test_stderr_and_value);
  ADD ("rich-results", test_rich_results);
  ADD ("exception", test_exception);
  ADD ("syntax-error", test_syntax_error);
  ADD ("forged-result-ignored", test_forged_result_ignored);
  ADD ("limit/wall-time", test_wall_time_limit);
  ADD ("limit/cpu-time", test_cpu_time_limit);
  ADD ("limit/output", test_output_limit);
  ADD ("limit/fork-bomb", test_fork_bomb);
  ADD ("cancel", test_cancel);
  ADD ("isolation/no-home", test_no_home);
  ADD ("isolation/no-write-outside", test_no_write_outside);
  ADD ("isolation/no-network", test_no_network);
  ADD ("isolation/no-capabilities", test_not_root_inside);
  ADD ("bad-path", test_bad_path);
  ADD ("reuse-and-kill", test_reuse_and_kill);
  ADD ("template-switch", test_template_switch);
  ADD ("install", test_install_command);
  ADD ("web/static-html", test_static_html);
  ADD ("web/server-dies", test_server_dies);
  ADD ("web/port-deadline", test_port_deadline);
  ADD ("web/missing-runtime", test_missing_runtime);
  ADD ("launcher-missing", test_launcher_missing);
#undef ADD

  return g_test_run ();
}
