/* bench-sandbox.c: what running a fragment costs (issue 4, point 8).
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 1. E2B: against the loopback fake (tests/sandbox/fake-e2b.py) with 50 ms added to every
 *    request, the time from "fragment complete" (the sandbox already made while the code
 *    streamed, as the pipeline does) to "preview ready" for a web fragment, and the HTTP
 *    requests it took. Baseline: the requests that cannot be avoided (one upload, one
 *    probe) times the latency.
 * 2. Local: the time to run print(1) in the bubblewrap sandbox, against running the same
 *    python3 -c 'print(1)' unconfined in the same run. Goal: under 150 ms.
 *
 * Usage: bench-sandbox PATH/TO/fake-e2b.py
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "frag-e2b-sandbox.h"
#include "frag-local-sandbox.h"

#define LATENCY_MS 50
#define ROUNDS     10

typedef struct
{
  gboolean    done;
  gboolean    ok;
  FragResult *result;
  GError     *error;
} Call;

static void
wait_for (Call *call)
{
  while (!call->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
ensure_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok = frag_sandbox_ensure_finish (FRAG_SANDBOX (source), result, &call->error);
  call->done = TRUE;
}

static void
execute_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->result = frag_sandbox_execute_finish (FRAG_SANDBOX (source), result, &call->error);
  call->ok = call->result != NULL;
  call->done = TRUE;
}

static void
kill_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->ok = frag_sandbox_kill_finish (FRAG_SANDBOX (source), result, &call->error);
  call->done = TRUE;
}

static void
ensure (FragSandbox  *sandbox,
        FragTemplate *template_)
{
  Call call = { 0 };

  frag_sandbox_ensure_async (sandbox, template_, NULL, ensure_cb, &call);
  wait_for (&call);
  if (!call.ok)
    g_error ("ensure: %s", call.error->message);
}

static double
execute_ms (FragSandbox  *sandbox,
            FragFragment *fragment)
{
  Call call = { 0 };
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  frag_sandbox_execute_async (sandbox, fragment, NULL, execute_cb, &call);
  wait_for (&call);
  elapsed = (g_get_monotonic_time () - start) / 1000.0;
  if (!call.ok)
    g_error ("execute: %s", call.error->message);
  if (frag_result_failed (call.result))
    g_error ("the fragment failed: %s", frag_result_get_error_value (call.result));
  g_object_unref (call.result);
  return elapsed;
}

static void
kill_sandbox (FragSandbox *sandbox)
{
  Call call = { 0 };

  frag_sandbox_kill_async (sandbox, NULL, kill_cb, &call);
  wait_for (&call);
  g_clear_error (&call.error);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, (int (*) (const void *, const void *))compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static FragTemplate *
template_from_json (const char *json,
                    const char *id)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FragTemplateCatalog) catalog = NULL;
  int fd = g_file_open_tmp ("bench-templates-XXXXXX.json", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
  catalog = frag_template_catalog_new (path, &error);
  g_assert_no_error (error);
  g_unlink (path);
  return g_object_ref (frag_template_catalog_lookup (catalog, id));
}

static FragFragment *
fragment_new (const char *template_id,
              const char *file_path,
              const char *code)
{
  FragFragment *fragment = frag_fragment_new ();

  frag_fragment_set_template (fragment, template_id);
  frag_fragment_set_file_path (fragment, file_path);
  frag_fragment_set_code (fragment, code);
  return fragment;
}

/* ---- 1. E2B web fragment ------------------------------------------------------- */

static void
bench_e2b (const char *fake_script)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *latency = g_strdup_printf ("%d", LATENCY_MS);
  g_autoptr(GSubprocess) fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                  &error, "/usr/bin/python3", fake_script,
                                                  "--latency-ms", latency, NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autoptr(FragE2bConfig) config = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(FragE2bClient) client = NULL;
  g_autoptr(FragTemplate) ready = NULL;
  g_autoptr(FragTemplate) started = NULL;
  struct {
    const char   *label;
    FragTemplate *template_;
    const char   *file;
    guint         min_requests;
  } cases[2];

  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%s", line + 5);
  config = frag_e2b_config_new (NULL, url, NULL, url, FALSE);
  session = soup_session_new ();
  soup_session_set_proxy_resolver (session, NULL);
  client = frag_e2b_client_new (config, "e2b_0123456789abcdef", session);

  ready = template_from_json ("{\"web\": {\"name\": \"W\", \"kind\": \"web\", \"port\": 3000, \"lib\": [],"
                              " \"file\": \"pages/index.tsx\", \"instructions\": \"x\","
                              " \"e2b_template\": \"web-ready\", \"start_cmd\": \"npx next dev\"}}", "web");
  started = template_from_json ("{\"web\": {\"name\": \"S\", \"kind\": \"web\", \"port\": 8000, \"lib\": [],"
                                " \"file\": \"index.html\", \"instructions\": \"x\", \"e2b_template\": \"base\","
                                " \"start_cmd\": \"python3 -m http.server $PORT\"}}", "web");
  cases[0].label = "server in the template";
  cases[0].template_ = ready;
  cases[0].file = "pages/index.tsx";
  cases[0].min_requests = 2;            /* upload, one probe */
  /* The fake's server takes two more "not open" answers to come up after its Start. */
  cases[1].label = "server started by us";
  cases[1].template_ = started;
  cases[1].file = "index.html";
  cases[1].min_requests = 6;            /* upload, probe (closed), Start, 2 probes (starting), probe (ready) */

  g_print ("E2B web fragment, loopback fake with %d ms per request\n", LATENCY_MS);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(FragSandbox) sandbox = FRAG_SANDBOX (frag_e2b_sandbox_new (client, "bench"));
      g_autoptr(FragFragment) fragment = fragment_new ("web", cases[c].file, "<p>bench</p>");
      guint before_create = frag_e2b_client_get_request_count (client);
      gint64 start = g_get_monotonic_time ();
      guint before_run;
      double create_ms, ready_ms, floor_ms;

      ensure (sandbox, cases[c].template_);
      create_ms = (g_get_monotonic_time () - start) / 1000.0;
      before_run = frag_e2b_client_get_request_count (client);
      ready_ms = execute_ms (sandbox, fragment);
      floor_ms = cases[c].min_requests * LATENCY_MS;
      g_print ("  %-24s create %6.1f ms (%u request)   fragment complete -> preview ready %6.1f ms, "
               "%u requests (needed: %u; floor %.0f ms; ratio %.2f)\n",
               cases[c].label, create_ms, before_run - before_create, ready_ms,
               frag_e2b_client_get_request_count (client) - before_run, cases[c].min_requests,
               floor_ms, ready_ms / floor_ms);
      kill_sandbox (sandbox);
    }
  g_subprocess_force_exit (fake);
}

/* ---- 2. local print(1) --------------------------------------------------------- */

static double
unconfined_print_ms (void)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                                     "/usr/bin/python3", "-I", "-c", "print(1)", NULL);

  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_local (void)
{
  g_autoptr(FragSandbox) sandbox = FRAG_SANDBOX (frag_local_sandbox_new ());
  g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new_builtin ();
  FragTemplate *interpreter = frag_template_catalog_lookup (catalog, "code-interpreter-v1");
  g_autoptr(FragFragment) fragment = fragment_new ("code-interpreter-v1", "script.py", "print(1)\n");
  double confined[ROUNDS], bare[ROUNDS];
  double cold_ms, confined_ms, bare_ms;
  gint64 start;

  start = g_get_monotonic_time ();
  ensure (sandbox, interpreter);
  execute_ms (sandbox, fragment);
  cold_ms = (g_get_monotonic_time () - start) / 1000.0;
  for (guint i = 0; i < ROUNDS; i++)
    {
      confined[i] = execute_ms (sandbox, fragment);
      bare[i] = unconfined_print_ms ();
    }
  confined_ms = median (confined, ROUNDS);
  bare_ms = median (bare, ROUNDS);
  g_print ("Local backend, print(1), median of %d (goal < 150 ms)\n", ROUNDS);
  g_print ("  sandboxed run %6.1f ms   (first run incl. sandbox creation %6.1f ms)\n", confined_ms, cold_ms);
  g_print ("  python3 unconfined %6.1f ms   ratio %.2f   %s\n", bare_ms, confined_ms / bare_ms,
           confined_ms < 150 ? "goal met" : "GOAL MISSED");
  kill_sandbox (sandbox);
}

int
main (int   argc,
      char *argv[])
{
  if (argc != 2)
    {
      g_printerr ("usage: %s PATH/TO/fake-e2b.py\n", argv[0]);
      return 2;
    }
  bench_e2b (argv[1]);
  if (g_file_test ("/usr/bin/bwrap", G_FILE_TEST_IS_EXECUTABLE))
    bench_local ();
  else
    g_print ("Local backend: bubblewrap is not installed; skipped\n");
  return 0;
}
