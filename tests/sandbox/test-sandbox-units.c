/* test-sandbox-units.c: the sandbox layer's pure parts, and the result JSON contract.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-connect-envelope.h"
#include "frag-e2b-config.h"
#include "frag-e2b-errors.h"
#include "frag-e2b-process.h"
#include "frag-line-splitter.h"
#include "frag-output-tail.h"
#include "frag-port-probe.h"
#include "frag-result.h"
#include "frag-sandbox-command.h"
#include "frag-sandbox-runtime.h"

/* ---- result JSON ---------------------------------------------------------------- */

static void
test_result_json_shape (void)
{
  g_autoptr(FragResult) result = frag_result_new ("code-interpreter-v1", "ixyz", "e2b");
  FragResultItem *item = frag_result_item_new ();
  g_autofree char *json = NULL;

  frag_result_append_stdout (result, "a\n");
  frag_result_append_stderr (result, "b\n");
  item->text = g_strdup ("2");
  item->png = g_strdup ("iVBO");
  item->is_main_result = TRUE;
  frag_result_take_item (result, item);
  json = frag_result_to_json (result, FALSE);
  /* Exactly the contract's fields, in its order, null where unset. */
  g_assert_cmpstr (json, ==,
                   "{\"template\":\"code-interpreter-v1\",\"sandbox_id\":\"ixyz\",\"backend\":\"e2b\","
                   "\"stdout\":[\"a\\n\"],\"stderr\":[\"b\\n\"],\"error\":null,"
                   "\"results\":[{\"text\":\"2\",\"png\":\"iVBO\",\"is_main_result\":true}],"
                   "\"url\":null,\"exit_code\":null}");
  g_assert_false (frag_result_failed (result));
}

static void
test_result_json_round_trip (void)
{
  const char *input =
    "{\"template\":\"static-html\",\"sandbox_id\":\"local-1\",\"backend\":\"local\","
    "\"stdout\":[],\"stderr\":[\"x\"],\"error\":{\"name\":\"E\",\"value\":\"v\",\"traceback\":\"t\"},"
    "\"results\":[{\"json\":{\"a\":[1,2]},\"is_main_result\":false}],"
    "\"url\":\"http://127.0.0.1:1/\",\"exit_code\":3}";
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) result = frag_result_new_from_data (input, -1, &error);
  g_autofree char *output = NULL;

  g_assert_no_error (error);
  g_assert_true (frag_result_failed (result));
  g_assert_cmpstr (frag_result_get_error_name (result), ==, "E");
  g_assert_cmpint (frag_result_get_exit_code (result), ==, 3);
  g_assert_cmpstr (frag_result_get_url (result), ==, "http://127.0.0.1:1/");
  g_assert_null (frag_result_get_stdout (result)[0]);
  output = frag_result_to_json (result, FALSE);
  g_assert_cmpstr (output, ==, input);
}

static void
test_result_json_wrong_types (void)
{
  static const char * const bad[] = {
    "[]",
    "{\"stdout\":\"not an array\"}",
    "{\"stdout\":[1]}",
    "{\"error\":\"boom\"}",
    "{\"results\":[1]}",
    "{\"exit_code\":\"1\"}",
    "{\"url\":5}",
    "not json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FragResult) result = frag_result_new_from_data (bad[i], -1, &error);

      g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED);
      g_assert_null (result);
    }
}

/* ---- E2B config ----------------------------------------------------------------- */

static void
test_config_defaults (void)
{
  g_autoptr(FragE2bConfig) config = frag_e2b_config_new (NULL, NULL, NULL, NULL, FALSE);
  g_autofree char *port = frag_e2b_config_dup_port_url (config, "iabc", 3000, NULL);
  g_autofree char *own_domain = frag_e2b_config_dup_port_url (config, "iabc", 49983, "e2b.dev");

  g_assert_cmpstr (frag_e2b_config_get_api_url (config), ==, "https://api.e2b.app");
  g_assert_cmpstr (port, ==, "https://3000-iabc.e2b.app");
  g_assert_cmpstr (own_domain, ==, "https://49983-iabc.e2b.dev");
}

static void
test_config_overrides (void)
{
  g_autoptr(FragE2bConfig) domain = frag_e2b_config_new ("example.org", NULL, NULL, NULL, FALSE);
  g_autoptr(FragE2bConfig) debug = frag_e2b_config_new (NULL, NULL, NULL, NULL, TRUE);
  g_autoptr(FragE2bConfig) custom = frag_e2b_config_new (NULL, "http://127.0.0.1:9/", "http://envd:1/",
                                                         "http://{port}.{sandbox_id}.{domain}/", FALSE);
  g_autofree char *domain_port = frag_e2b_config_dup_port_url (domain, "i1", 80, NULL);
  g_autofree char *debug_port = frag_e2b_config_dup_port_url (debug, "i1", 8501, NULL);
  g_autofree char *custom_port = frag_e2b_config_dup_port_url (custom, "i1", 8501, NULL);
  g_autofree char *custom_envd = frag_e2b_config_dup_port_url (custom, "i1", 49983, NULL);

  g_assert_cmpstr (frag_e2b_config_get_api_url (domain), ==, "https://api.example.org");
  g_assert_cmpstr (domain_port, ==, "https://80-i1.example.org");
  g_assert_cmpstr (frag_e2b_config_get_api_url (debug), ==, "http://localhost:3000");
  g_assert_cmpstr (debug_port, ==, "http://localhost:8501");
  g_assert_cmpstr (frag_e2b_config_get_api_url (custom), ==, "http://127.0.0.1:9");
  g_assert_cmpstr (custom_port, ==, "http://8501.i1.e2b.app");
  g_assert_cmpstr (custom_envd, ==, "http://envd:1");
}

static void
test_config_environment (void)
{
  g_autoptr(FragE2bConfig) config = NULL;
  g_autofree char *port = NULL;

  g_setenv ("E2B_DOMAIN", "self.hosted", TRUE);
  g_setenv ("E2B_API_URL", "http://api.local:8080", TRUE);
  g_setenv ("FRAG_E2B_SANDBOX_URL", "http://127.0.0.1:8081", TRUE);
  g_unsetenv ("E2B_SANDBOX_URL");
  g_unsetenv ("E2B_DEBUG");
  config = frag_e2b_config_new_from_environment ();
  port = frag_e2b_config_dup_port_url (config, "i1", 3000, NULL);
  g_assert_cmpstr (frag_e2b_config_get_api_url (config), ==, "http://api.local:8080");
  /* No {port} in the template: one server routes by the E2b-Sandbox-* headers. */
  g_assert_cmpstr (port, ==, "http://127.0.0.1:8081");
  g_unsetenv ("E2B_DOMAIN");
  g_unsetenv ("E2B_API_URL");
  g_unsetenv ("FRAG_E2B_SANDBOX_URL");
}

/* ---- E2B errors ----------------------------------------------------------------- */

static void
test_error_mapping (void)
{
  struct {
    FragE2bCall  call;
    guint        status;
    const char  *retry_after;
    const char  *body;
    int          code;
    const char  *in_message;
  } cases[] = {
    { FRAG_E2B_CALL_CREATE, 401, NULL, "{\"code\":401,\"message\":\"Invalid API key\"}", FRAG_SANDBOX_ERROR_AUTH, "Invalid API key" },
    { FRAG_E2B_CALL_CREATE, 403, NULL, "{\"code\":403,\"message\":\"you don't have access\"}", FRAG_SANDBOX_ERROR_AUTH, "access" },
    { FRAG_E2B_CALL_CREATE, 404, NULL, "{\"code\":404,\"message\":\"template 'x' not found\"}", FRAG_SANDBOX_ERROR_TEMPLATE_NOT_FOUND, "'x'" },
    { FRAG_E2B_CALL_SANDBOX, 404, NULL, "{\"code\":404,\"message\":\"Sandbox \\\"i\\\" doesn't exist\"}", FRAG_SANDBOX_ERROR_GONE, "doesn't exist" },
    { FRAG_E2B_CALL_CREATE, 429, NULL, "{\"code\":429,\"message\":\"you have reached the maximum number of concurrent E2B sandboxes (20).\"}", FRAG_SANDBOX_ERROR_LIMIT, "(20)" },
    { FRAG_E2B_CALL_SANDBOX, 429, "12", "{\"code\":429,\"message\":\"Rate limit exceeded\"}", FRAG_SANDBOX_ERROR_RATE_LIMITED, "retry after 12 s" },
    { FRAG_E2B_CALL_ENVD, 502, NULL, "{\"sandboxId\":\"i\",\"message\":\"The sandbox was not found\",\"code\":502}", FRAG_SANDBOX_ERROR_GONE, "not found" },
    { FRAG_E2B_CALL_ENVD, 401, NULL, "{\"code\":401,\"message\":\"unauthorized access\"}", FRAG_SANDBOX_ERROR_AUTH, "unauthorized" },
    { FRAG_E2B_CALL_EXECUTE, 404, NULL, "Context abc not found", FRAG_SANDBOX_ERROR_FAILED, "Context abc" },
    { FRAG_E2B_CALL_CREATE, 500, NULL, NULL, FRAG_SANDBOX_ERROR_SERVER, "500" },
    { FRAG_E2B_CALL_CREATE, 503, NULL, "{\"code\":503,\"message\":\"no capacity\"}", FRAG_SANDBOX_ERROR_SERVER, "no capacity" },
    { FRAG_E2B_CALL_CREATE, 400, NULL, "{\"code\":400,\"message\":\"Timeout must be greater than 0\"}", FRAG_SANDBOX_ERROR_FAILED, "Timeout" },
    /* The control plane has no edge: its 502/503 never mean "the sandbox is gone". */
    { FRAG_E2B_CALL_CREATE, 503, NULL, NULL, FRAG_SANDBOX_ERROR_SERVER, "503" },
    { FRAG_E2B_CALL_SANDBOX, 502, NULL, "{\"code\":502,\"message\":\"bad gateway\"}", FRAG_SANDBOX_ERROR_SERVER, "bad gateway" },
    { FRAG_E2B_CALL_EXECUTE, 502, NULL, "{\"sandboxId\":\"i\",\"message\":\"The sandbox is running but port is not open\",\"port\":49999,\"code\":502}", FRAG_SANDBOX_ERROR_FAILED, "no code interpreter" },
    { FRAG_E2B_CALL_EXECUTE, 502, NULL, "{\"sandboxId\":\"i\",\"message\":\"The sandbox was not found\",\"code\":502}", FRAG_SANDBOX_ERROR_GONE, "not found" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = frag_e2b_error_from_response (cases[i].call, cases[i].status, cases[i].retry_after,
                                                              cases[i].body,
                                                              cases[i].body != NULL ? strlen (cases[i].body) : 0);

      g_assert_error (error, FRAG_SANDBOX_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }
}

/* ---- Connect envelopes ---------------------------------------------------------- */

static void
test_envelope_encode (void)
{
  const char *json = "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-l\",\"-c\",\"echo hi\"]},\"stdin\":false}";
  g_autoptr(GBytes) bytes = frag_connect_envelope_encode (json, strlen (json));
  const guint8 *data = g_bytes_get_data (bytes, NULL);

  /* The spec's example (§3.5): 74 bytes, header 00 00 00 00 4a. */
  g_assert_cmpuint (strlen (json), ==, 74);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 79);
  g_assert_cmpmem (data, 5, "\x00\x00\x00\x00\x4a", 5);
  g_assert_cmpmem (data + 5, 74, json, 74);
}

static void
test_envelope_decode_split (void)
{
  g_autoptr(FragConnectDecoder) decoder = frag_connect_decoder_new ();
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  const char *first = "{\"event\":{\"start\":{\"pid\":1}}}";
  g_autoptr(GBytes) one = frag_connect_envelope_encode (first, strlen (first));
  guint8 end[] = { 0x02, 0, 0, 0, 2, '{', '}' };
  guint8 flags = 0xff;
  GBytes *payload = NULL;

  g_byte_array_append (stream, g_bytes_get_data (one, NULL), g_bytes_get_size (one));
  g_byte_array_append (stream, end, sizeof end);

  /* Fed one byte at a time: nothing until a whole envelope is there. */
  for (guint i = 0; i < stream->len; i++)
    {
      frag_connect_decoder_feed (decoder, stream->data + i, 1);
      if (i + 1 < g_bytes_get_size (one))
        g_assert_false (frag_connect_decoder_next (decoder, &flags, &payload));
      else if (i + 1 == g_bytes_get_size (one))
        {
          g_assert_true (frag_connect_decoder_next (decoder, &flags, &payload));
          g_assert_cmpuint (flags, ==, 0);
          g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), first, strlen (first));
          g_bytes_unref (payload);
        }
    }
  g_assert_true (frag_connect_decoder_next (decoder, &flags, &payload));
  g_assert_cmpuint (flags, ==, FRAG_CONNECT_FLAG_END_STREAM);
  g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), "{}", 2);
  g_bytes_unref (payload);
  g_assert_false (frag_connect_decoder_next (decoder, &flags, &payload));
  g_assert_cmpuint (frag_connect_decoder_get_pending (decoder), ==, 0);
}

static void
test_start_request (void)
{
  g_autoptr(FragE2bConfig) config = frag_e2b_config_new (NULL, NULL, NULL, NULL, FALSE);
  g_autoptr(FragE2bClient) client = frag_e2b_client_new (config, "k", NULL);
  FragE2bSandboxInfo new_envd = { .sandbox_id = (char *)"i1", .envd_version = (char *)"0.5.7" };
  FragE2bSandboxInfo old_envd = { .sandbox_id = (char *)"i1", .envd_version = (char *)"0.2.4" };
  g_autoptr(GHashTable) envs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(FragE2bProcess) server = NULL;
  g_autoptr(FragE2bProcess) old = NULL;
  g_autofree char *server_json = NULL;
  g_autofree char *old_json = NULL;

  g_hash_table_insert (envs, (gpointer)"PORT", (gpointer)"8000");
  server = frag_e2b_process_new (client, &new_envd, "python3 -m http.server $PORT", envs, "/home/user", 0);
  server_json = frag_e2b_process_dup_request_json (server);
  g_assert_cmpstr (server_json, ==,
                   "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-l\",\"-c\",\"python3 -m http.server $PORT\"],"
                   "\"envs\":{\"PORT\":\"8000\"},\"cwd\":\"/home/user\"},\"stdin\":false}");
  /* envd before 0.3.0 does not know "stdin" (§3.6). */
  old = frag_e2b_process_new (client, &old_envd, "ls", NULL, NULL, 1000);
  old_json = frag_e2b_process_dup_request_json (old);
  g_assert_cmpstr (old_json, ==, "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-l\",\"-c\",\"ls\"]}}");
}

/* ---- port probe classification ------------------------------------------------- */

static void
test_probe_classify (void)
{
  const char *closed = "{\"sandboxId\":\"i\",\"message\":\"The sandbox is running but port is not open\",\"port\":3000,\"code\":502}";
  const char *gone = "{\"sandboxId\":\"i\",\"message\":\"The sandbox was not found\",\"code\":502}";
  const char *nginx = "<html><head><title>502 Bad Gateway</title></head></html>";

  g_assert_cmpint (frag_port_probe_classify (502, closed, strlen (closed)), ==, FRAG_PORT_ANSWER_NOT_YET);
  g_assert_cmpint (frag_port_probe_classify (502, gone, strlen (gone)), ==, FRAG_PORT_ANSWER_GONE);
  g_assert_cmpint (frag_port_probe_classify (502, nginx, strlen (nginx)), ==, FRAG_PORT_ANSWER_NOT_YET);
  g_assert_cmpint (frag_port_probe_classify (502, NULL, 0), ==, FRAG_PORT_ANSWER_NOT_YET);
  g_assert_cmpint (frag_port_probe_classify (409, NULL, 0), ==, FRAG_PORT_ANSWER_NOT_YET);
  /* Anything else means something listens, even an app's own error page. */
  g_assert_cmpint (frag_port_probe_classify (200, NULL, 0), ==, FRAG_PORT_ANSWER_READY);
  g_assert_cmpint (frag_port_probe_classify (302, NULL, 0), ==, FRAG_PORT_ANSWER_READY);
  g_assert_cmpint (frag_port_probe_classify (404, NULL, 0), ==, FRAG_PORT_ANSWER_READY);
  g_assert_cmpint (frag_port_probe_classify (500, NULL, 0), ==, FRAG_PORT_ANSWER_READY);
}

/* ---- lines and tails ------------------------------------------------------------ */

static void
collect_line_cb (const char *line,
                 gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup (line));
}

static void
test_line_splitter (void)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FragLineSplitter) splitter = frag_line_splitter_new (collect_line_cb, lines);

  frag_line_splitter_feed (splitter, "one\r\ntw", -1);
  frag_line_splitter_feed (splitter, "o\n\nthr", -1);
  g_assert_cmpuint (lines->len, ==, 3);
  frag_line_splitter_flush (splitter);
  g_assert_cmpuint (lines->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "one");
  g_assert_cmpstr (g_ptr_array_index (lines, 1), ==, "two");
  g_assert_cmpstr (g_ptr_array_index (lines, 2), ==, "");
  g_assert_cmpstr (g_ptr_array_index (lines, 3), ==, "thr");
}

static void
test_line_splitter_long_line (void)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FragLineSplitter) splitter = frag_line_splitter_new (collect_line_cb, lines);
  g_autofree char *blob = g_strnfill (200 * 1024, 'x');

  frag_line_splitter_feed (splitter, blob, -1);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpuint (strlen (g_ptr_array_index (lines, 0)), ==, 64 * 1024);
}

static void
test_output_tail (void)
{
  g_autoptr(FragOutputTail) tail = frag_output_tail_new (2, 1000);
  g_autoptr(FragOutputTail) small = frag_output_tail_new (10, 16);

  g_assert_cmpstr (frag_output_tail_get_text (tail), ==, "");
  frag_output_tail_append (tail, "a\nb\n");
  frag_output_tail_append (tail, "c\nd");
  g_assert_cmpstr (frag_output_tail_get_text (tail), ==, "c\nd");
  frag_output_tail_append (tail, "\n");
  g_assert_cmpstr (frag_output_tail_get_text (tail), ==, "c\nd");

  frag_output_tail_append (small, "0123456789abcdefghij\n");
  g_assert_cmpstr (frag_output_tail_get_text (small), ==, "56789abcdefghij");
}

/* ---- the confining command lines ------------------------------------------------ */

static gboolean
argv_has (char       **argv,
          const char  *arg)
{
  return g_strv_contains ((const char * const *)argv, arg);
}

static gboolean
argv_has_pair (char       **argv,
               const char  *first,
               const char  *second)
{
  for (guint i = 0; argv[i] != NULL && argv[i + 1] != NULL; i++)
    if (g_str_equal (argv[i], first) && g_str_equal (argv[i + 1], second))
      return TRUE;
  return FALSE;
}

static FragSandboxSpec
test_spec (void)
{
  static const char * const command[] = { "/usr/bin/python3", "@RUNNER@/r.py", "@WORK@/script.py", NULL };
  static const char * const env[] = { "MPLCONFIGDIR=@WORK@/.mpl", NULL };
  static const int fds[] = { 3, -1 };
  FragSandboxSpec spec = {
    .work_dir = "/tmp/sb/work",
    .runner_dir = "/tmp/sb/runner",
    .run_dir = "/tmp/sb/run",
    .command = command,
    .env = env,
    .limits = { .cpu_seconds = 30, .max_processes = 64, .max_file_bytes = 1024, .max_memory_bytes = 2048 },
    .drop_root = FALSE,
    .forward_fds = fds,
  };

  return spec;
}

static void
test_command_bwrap (void)
{
  FragSandboxSpec spec = test_spec ();
  g_auto(GStrv) argv = frag_sandbox_command_build (FRAG_SANDBOX_LAUNCHER_BWRAP, &spec);

  g_assert_cmpstr (argv[0], ==, "/usr/bin/bwrap");
  g_assert_true (argv_has (argv, "--unshare-all"));
  g_assert_true (argv_has (argv, "--die-with-parent"));
  g_assert_true (argv_has (argv, "--new-session"));
  g_assert_true (argv_has (argv, "--clearenv"));
  g_assert_true (argv_has_pair (argv, "--cap-drop", "ALL"));
  g_assert_true (argv_has_pair (argv, "--remount-ro", "/"));
  g_assert_false (argv_has (argv, "--share-net"));
  g_assert_true (argv_has_pair (argv, "/tmp/sb/work", "/home/user"));
  g_assert_true (argv_has_pair (argv, "/tmp/sb/runner", "/opt/frag"));
  g_assert_true (argv_has_pair (argv, "HOME", "/home/user"));
  g_assert_true (argv_has_pair (argv, "MPLCONFIGDIR", "/home/user/.mpl"));
  g_assert_true (argv_has (argv, "--cpu=30:31"));
  g_assert_true (argv_has (argv, "--nproc=64"));
  g_assert_true (argv_has (argv, "/opt/frag/r.py"));
  g_assert_cmpstr (argv[g_strv_length (argv) - 1], ==, "/home/user/script.py");
  /* No host $HOME or the like bound anywhere. */
  g_assert_false (argv_has (argv, g_get_home_dir ()));
}

static void
test_command_flatpak (void)
{
  FragSandboxSpec spec = test_spec ();
  g_auto(GStrv) argv = frag_sandbox_command_build (FRAG_SANDBOX_LAUNCHER_FLATPAK_SPAWN, &spec);

  g_assert_cmpstr (argv[0], ==, "/usr/bin/flatpak-spawn");
  g_assert_true (argv_has (argv, "--sandbox"));
  g_assert_true (argv_has (argv, "--no-network"));
  g_assert_true (argv_has (argv, "--watch-bus"));
  g_assert_true (argv_has (argv, "--clear-env"));
  g_assert_true (argv_has (argv, "--sandbox-expose-path=/tmp/sb/work"));
  g_assert_true (argv_has (argv, "--sandbox-expose-path-ro=/tmp/sb/runner"));
  g_assert_true (argv_has (argv, "--sandbox-expose-path=/tmp/sb/run"));
  g_assert_true (argv_has (argv, "--forward-fd=3"));
  g_assert_true (argv_has (argv, "--directory=/tmp/sb/work"));
  g_assert_true (argv_has (argv, "--env=HOME=/tmp/sb/work"));
  g_assert_true (argv_has (argv, "--env=MPLCONFIGDIR=/tmp/sb/work/.mpl"));
  g_assert_false (argv_has (argv, "/usr/bin/bwrap"));
  /* No remapping in the portal's sandbox: real paths. */
  g_assert_true (argv_has (argv, "/tmp/sb/runner/r.py"));
  g_assert_cmpstr (argv[g_strv_length (argv) - 1], ==, "/tmp/sb/work/script.py");
}

static void
test_command_drop_root (void)
{
  FragSandboxSpec spec = test_spec ();
  g_auto(GStrv) argv = NULL;

  spec.drop_root = TRUE;
  argv = frag_sandbox_command_build (FRAG_SANDBOX_LAUNCHER_BWRAP, &spec);
  if (geteuid () == 0)
    {
      g_assert_cmpstr (argv[0], ==, "/usr/bin/setpriv");
      g_assert_true (argv_has (argv, "--reuid=65534"));
    }
  else
    g_assert_cmpstr (argv[0], ==, "/usr/bin/bwrap");
}

/* ---- runtimes ------------------------------------------------------------------- */

static void
test_runtime_check (void)
{
  static const char * const no_lib[] = { NULL };
  static const char * const gradio_lib[] = { "gradio", "pandas", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (frag_sandbox_runtime_check ("static-html", "python3 -m http.server $PORT", no_lib, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (frag_sandbox_runtime_check ("x", "no-such-program-frag --port $PORT", no_lib, NULL, &error));
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_MISSING_RUNTIME);
  g_assert_nonnull (strstr (error->message, "no-such-program-frag"));
  g_assert_nonnull (strstr (error->message, "E2B"));
  g_clear_error (&error);

  g_assert_false (frag_sandbox_runtime_check ("x", "npx no-such-tool-frag dev", no_lib, NULL, &error)
                  && g_file_test ("/usr/bin/npx", G_FILE_TEST_EXISTS));
  if (error != NULL)
    {
      g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_MISSING_RUNTIME);
      g_assert_nonnull (strstr (error->message, "no-such-tool-frag"));
      g_clear_error (&error);
    }

  if (!frag_sandbox_runtime_check ("gradio-developer", "GRADIO_SERVER_PORT=$PORT python3 app.py",
                                   gradio_lib, NULL, &error))
    {
      g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_MISSING_RUNTIME);
      g_assert_nonnull (strstr (error->message, "gradio"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sandbox/result/json-shape", test_result_json_shape);
  g_test_add_func ("/sandbox/result/json-round-trip", test_result_json_round_trip);
  g_test_add_func ("/sandbox/result/json-wrong-types", test_result_json_wrong_types);
  g_test_add_func ("/sandbox/e2b-config/defaults", test_config_defaults);
  g_test_add_func ("/sandbox/e2b-config/overrides", test_config_overrides);
  g_test_add_func ("/sandbox/e2b-config/environment", test_config_environment);
  g_test_add_func ("/sandbox/e2b-errors/mapping", test_error_mapping);
  g_test_add_func ("/sandbox/connect/encode", test_envelope_encode);
  g_test_add_func ("/sandbox/connect/decode-split", test_envelope_decode_split);
  g_test_add_func ("/sandbox/connect/start-request", test_start_request);
  g_test_add_func ("/sandbox/probe/classify", test_probe_classify);
  g_test_add_func ("/sandbox/lines/split", test_line_splitter);
  g_test_add_func ("/sandbox/lines/long-line", test_line_splitter_long_line);
  g_test_add_func ("/sandbox/lines/tail", test_output_tail);
  g_test_add_func ("/sandbox/command/bwrap", test_command_bwrap);
  g_test_add_func ("/sandbox/command/flatpak-spawn", test_command_flatpak);
  g_test_add_func ("/sandbox/command/drop-root", test_command_drop_root);
  g_test_add_func ("/sandbox/runtime/check", test_runtime_check);

  return g_test_run ();
}
