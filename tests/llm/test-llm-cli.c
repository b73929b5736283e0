/* test-llm-cli.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-cli.h"
#include "llm-test-server.h"
#include "llm-test-streams.h"

/* `frag generate` and `frag models` end to end: the built frag binary against loopback
 * servers, through --base-url (and OLLAMA_HOST), checking stdout, the last stderr line
 * and the exit status DESIGN.md promises. */

#define OPENAI_KEY "sk-cli-SECRET-0123456789abcdef"
#define ANTHROPIC_KEY "sk-ant-cli-SECRET-0123456789"
#define GOOGLE_KEY "AIza-cli-SECRET-0123456789"

typedef struct
{
  gboolean  done;
  int       status;
  char     *out;
  char     *err;
} Result;

static void
result_clear (Result *result)
{
  g_free (result->out);
  g_free (result->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
communicate_cb (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  Result *result = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), res, &result->out, &result->err, &error);
  g_assert_no_error (error);
  result->status = g_subprocess_get_if_exited (G_SUBPROCESS (object))
                   ? g_subprocess_get_exit_status (G_SUBPROCESS (object)) : -1;
  result->done = TRUE;
}

/* Runs frag with argv (NULL-terminated) and extra environment (NAME=VALUE…, NULL). The
 * provider keys are unset unless given. */
static void
run_frag (Result              *result,
          const char * const  *args,
          const char * const  *env)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *unset[] = { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_AI_API_KEY", "OLLAMA_HOST",
                          "MISTRAL_API_KEY", "GROQ_API_KEY", "MYLLM_API_KEY" };

  g_ptr_array_add (argv, g_build_filename (g_getenv ("FRAG_BUILD_ROOT"), "src", "cli", "frag", NULL));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
    g_subprocess_launcher_unsetenv (launcher, unset[i]);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, result);
  llm_test_wait_for (&result->done, 30000);
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

static void
assert_fragment_stdout (Result *result)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *fragment;

  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  fragment = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (fragment, "title"), ==, "Greeting");
  g_assert_cmpstr (json_object_get_string_member (fragment, "template"), ==, "code-interpreter-v1");
  g_assert_cmpstr (json_object_get_string_member (fragment, "code"), ==,
                   "print(\"h\xc3\xa9llo \xf0\x9f\x98\x80\")\nfor i in range(3):\n\tprint(i)\n");
}

static void
assert_no_secret (Result     *result,
                  const char *secret)
{
  g_assert_null (strstr (result->out, secret));
  g_assert_null (strstr (result->err, secret));
  g_assert_null (strstr (result->err, "SECRET"));
}

static void
test_openai_ok (void)
{
  g_autoptr(LlmTestServer) server = llm_test_server_new ();
  g_autofree char *url = llm_test_server_get_url (server, "/v1");
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 4, -1);
  g_auto(Result) result = { 0 };
  const char *args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url", url,
                         "Print", "a", "greeting", NULL };
  const char *env[] = { "OPENAI_API_KEY=" OPENAI_KEY, NULL };
  JsonObject *request;

  llm_test_server_set_reply (server, 200, "text/event-stream", body, -1);
  llm_test_server_set_chunk_size (server, 64);
  run_frag (&result, args, env);
  g_assert_cmpint (result.status, ==, FRAG_EXIT_OK);
  assert_fragment_stdout (&result);
  g_assert_nonnull (strstr (result.err, "openai/gpt-4o"));
  g_assert_nonnull (strstr (last_line (result.err), "done"));
  g_assert_nonnull (strstr (last_line (result.err), "17 input / 10 output tokens"));
  assert_no_secret (&result, OPENAI_KEY);

  g_assert_cmpstr (llm_test_server_get_path (server), ==, "/v1/chat/completions");
  g_assert_cmpstr (llm_test_server_get_header (server, "Authorization"), ==, "Bearer " OPENAI_KEY);
  request = json_node_get_object (llm_test_server_get_json (server));
  /* The prompt's words were joined; core's system prompt and schema went out. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (request, "messages"), 1), "content"), ==, "Print a greeting");
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (
                              json_object_get_array_member (request, "messages"), 0), "content"),
                            "code-interpreter-v1"));
  g_assert_true (json_object_has_member (request, "response_format"));
}

static void
test_anthropic_ok_model_implies_provider (void)
{
  g_autoptr(LlmTestServer) server = llm_test_server_new ();
  g_autofree char *url = llm_test_server_get_url (server, "/v1");
  g_autofree char *body = llm_test_anthropic_stream (llm_test_fragment_json (), 4);
  g_auto(Result) result = { 0 };
  /* No --provider: the catalog knows whose model this is. */
  const char *args[] = { "generate", "--model", "claude-sonnet-4-20250514", "--base-url", url,
                         "--template", "code-interpreter-v1", "Print a greeting", NULL };
  const char *env[] = { "ANTHROPIC_API_KEY=" ANTHROPIC_KEY, NULL };

  llm_test_server_set_reply (server, 200, "text/event-stream", body, -1);
  run_frag (&result, args, env);
  g_assert_cmpint (result.status, ==, FRAG_EXIT_OK);
  assert_fragment_stdout (&result);
  g_assert_cmpstr (llm_test_server_get_path (server), ==, "/v1/messages");
  g_assert_cmpstr (llm_test_server_get_header (server, "x-api-key"), ==, ANTHROPIC_KEY);
  assert_no_secret (&result, ANTHROPIC_KEY);
}

static void
test_gemini_ok_with_image (void)
{
  g_autoptr(LlmTestServer) server = llm_test_server_new ();
  g_autofree char *url = llm_test_server_get_url (server, "/v1beta");
  g_autofree char *body = llm_test_gemini_stream (llm_test_fragment_json (), 9);
  g_autofree char *image_path = g_build_filename (g_get_tmp_dir (), "frag-cli-test.png", NULL);
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  g_auto(Result) result = { 0 };
  const char *args[] = { "generate", "--provider", "google", "--model", "models/gemini-2.0-flash",
                         "--base-url", url, "--image", image_path, "Copy this", NULL };
  const char *env[] = { "GOOGLE_AI_API_KEY=" GOOGLE_KEY, NULL };
  JsonArray *parts;

  g_assert_true (g_file_set_contents (image_path, (const char *)png, sizeof png, NULL));
  llm_test_server_set_reply (server, 200, "text/event-stream", body, -1);
  run_frag (&result, args, env);
  g_assert_cmpint (result.status, ==, FRAG_EXIT_OK);
  assert_fragment_stdout (&result);
  g_assert_cmpstr (llm_test_server_get_path (server), ==, "/v1beta/models/gemini-2.0-flash:streamGenerateContent");
  parts = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (
            json_node_get_object (llm_test_server_get_json (server)), "contents"), 0), "parts");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_array_get_object_element (parts, 1), "inlineData"), "mimeType"), ==, "image/png");
  assert_no_secret (&result, GOOGLE_KEY);
}

static void
test_ollama_ok_from_ollama_host (void)
{
  g_autoptr(LlmTestServer) server = llm_test_server_new ();
  g_autofree char *host = llm_test_server_get_url (server, "");
  g_autofree char *host_env = g_strconcat ("OLLAMA_HOST=", host + strlen ("http://"), NULL);
  g_autofree char *body = llm_test_ollama_stream (llm_test_fragment_json (), 4);
  g_auto(Result) result = { 0 };
  const char *args[] = { "generate", "--provider", "ollama", "--model", "llama3.1", "Print a greeting", NULL };
  const char *env[] = { host_env, NULL };

  llm_test_server_set_reply (server, 200, "application/x-ndjson", body, -1);
  run_frag (&result, args, env);
  g_assert_cmpint (result.status, ==, FRAG_EXIT_OK);
  assert_fragment_stdout (&result);
  g_assert_cmpstr (llm_test_server_get_path (server), ==, "/api/chat");
}

static void
test_custom_provider (void)
{
  g_autoptr(LlmTestServer) server = llm_test_server_new ();
  g_autofree char *url = llm_test_server_get_url (server, "/custom/v1");
  g_autofree char *body = llm_test_openai_stream (llm_test_fragment_json (), 16, -1);
  g_auto(Result) result = { 0 };
  const char *args[] = { "generate", "--provider", "myllm", "--model", "local-coder", "--base-url", url,
                         "Print a greeting", NULL };

  llm_test_server_set_reply (server, 200, "text/event-stream", body, -1);
  run_frag (&result, args, NULL);
  g_assert_cmpint (result.status, ==, FRAG_EXIT_OK);
  assert_fragment_stdout (&result);
  g_assert_cmpstr (llm_test_server_get_path (server), ==, "/custom/v1/chat/completions");
  g_assert_null (llm_test_server_get_header (server, "Authorization"));
}

typedef struct
{
  guint         status;
  const char   *body;
  LlmTestEnding ending;
  int           exit_status;
  const char   *message_part;
} FailureCase;

static const FailureCase failure_cases[] = {
  { 401, "{\"error\":{\"message\":\"Incorrect API key provided: " OPENAI_KEY "\",\"type\":\"invalid_request_error\","
    "\"code\":\"invalid_api_key\"}}", LLM_TEST_END_COMPLETE, FRAG_EXIT_AUTH, "Incorrect API key provided" },
  { 429, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o\",\"type\":\"tokens\","
    "\"code\":\"rate_limit_exceeded\"}}", LLM_TEST_END_COMPLETE, FRAG_EXIT_RATE_LIMIT, "Rate limit reached" },
  { 404, "{\"error\":{\"message\":\"The model `nope` does not exist\",\"code\":\"model_not_found\"}}",
    LLM_TEST_END_COMPLETE, FRAG_EXIT_NETWORK, "does not exist" },
  { 500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}",
    LLM_TEST_END_COMPLETE, FRAG_EXIT_NETWORK, "The server had an error" },
  { 200, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"commentary\\\":\"},\"finish_reason\":null}]}\n\n",
    LLM_TEST_END_DROP, FRAG_EXIT_NETWORK, "OpenAI: " },
  { 200, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Sure! Here is your app.\"},\"finish_reason\":null}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
    LLM_TEST_END_COMPLETE, FRAG_EXIT_BAD_OUTPUT, "JSON object" },
};

static void
test_failures (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (failure_cases); i++)
    {
      const FailureCase *c = &failure_cases[i];
      g_autoptr(LlmTestServer) server = llm_test_server_new ();
      g_autofree char *url = llm_test_server_get_url (server, "/v1");
      g_auto(Result) result = { 0 };
      const char *args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "--base-url", url,
                             "Print a greeting", NULL };
      const char *env[] = { "OPENAI_API_KEY=" OPENAI_KEY, NULL };

      g_test_message ("failure case %u", i);
      llm_test_server_set_reply (server, c->status, c->status == 200 ? "text/event-stream" : "application/json",
                                 c->body, -1);
      llm_test_server_set_ending (server, c->ending);
      run_frag (&result, args, env);
      g_assert_cmpint (result.status, ==, c->exit_status);
      g_assert_cmpstr (result.out, ==, "");
      g_assert_true (g_str_has_prefix (last_line (result.err), "frag: "));
      g_assert_nonnull (strstr (last_line (result.err), c->message_part));
      assert_no_secret (&result, OPENAI_KEY);
      if (c->exit_status == FRAG_EXIT_BAD_OUTPUT)
        g_assert_nonnull (strstr (result.err, "Sure! Here is your app."));
    }
}

static void
test_usage_and_key_errors (void)
{
  g_auto(Result) no_prompt = { 0 };
  g_auto(Result) unknown_provider = { 0 };
  g_auto(Result) unknown_template = { 0 };
  g_auto(Result) no_key = { 0 };
  g_auto(Result) not_image = { 0 };
  const char *no_prompt_args[] = { "generate", "--provider", "openai", NULL };
  const char *unknown_provider_args[] = { "generate", "--provider", "nope", "--model", "m", "hi", NULL };
  const char *unknown_template_args[] = { "generate", "--provider", "openai", "--template", "cobol", "hi", NULL };
  const char *no_key_args[] = { "generate", "--provider", "openai", "--model", "gpt-4o", "hi", NULL };
  const char *not_image_args[] = { "generate", "--provider", "ollama", "--model", "llava",
                                   "--image", "/etc/hostname", "hi", NULL };

  run_frag (&no_prompt, no_prompt_args, NULL);
  g_assert_cmpint (no_prompt.status, ==, FRAG_EXIT_USAGE);
  run_frag (&unknown_provider, unknown_provider_args, NULL);
  g_assert_cmpint (unknown_provider.status, ==, FRAG_EXIT_USAGE);
  run_frag (&unknown_template, unknown_template_args, NULL);
  g_assert_cmpint (unknown_template.status, ==, FRAG_EXIT_USAGE);
  run_frag (&no_key, no_key_args, NULL);
  g_assert_cmpint (no_key.status, ==, FRAG_EXIT_AUTH);
  g_assert_nonnull (strstr (last_line (no_key.err), "OPENAI_API_KEY"));
  run_frag (&not_image, not_image_args, NULL);
  g_assert_cmpint (not_image.status, ==, FRAG_EXIT_USAGE);
}

static void
test_models (void)
{
  g_auto(Result) table = { 0 };
  g_auto(Result) json = { 0 };
  g_auto(Result) unknown = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *table_args[] = { "models", NULL };
  const char *json_args[] = { "models", "--provider", "anthropic", "--json", NULL };
  const char *unknown_args[] = { "models", "--provider", "nope", NULL };
  JsonArray *models;

  run_frag (&table, table_args, NULL);
  g_assert_cmpint (table.status, ==, FRAG_EXIT_OK);
  g_assert_true (g_str_has_prefix (table.out, "PROVIDER"));
  g_assert_nonnull (strstr (table.out, "gpt-4o"));
  g_assert_nonnull (strstr (table.out, "claude-sonnet-4-20250514"));

  run_frag (&json, json_args, NULL);
  g_assert_cmpint (json.status, ==, FRAG_EXIT_OK);
  json_parser_load_from_data (parser, json.out, -1, &error);
  g_assert_no_error (error);
  models = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (models), >, 0);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *model = json_array_get_object_element (models, i);

      g_assert_cmpstr (json_object_get_string_member (model, "providerId"), ==, "anthropic");
      g_assert_true (json_object_has_member (model, "multiModal"));
      g_assert_true (json_object_get_boolean_member (model, "supported"));
    }

  run_frag (&unknown, unknown_args, NULL);
  g_assert_cmpint (unknown.status, ==, FRAG_EXIT_USAGE);
}

int
main (int   argc,
      char *argv[])
{
  llm_test_init (&argc, &argv);

  g_test_add_func ("/llm/cli/openai-ok", test_openai_ok);
  g_test_add_func ("/llm/cli/anthropic-ok-model-implies-provider", test_anthropic_ok_model_implies_provider);
  g_test_add_func ("/llm/cli/gemini-ok-with-image", test_gemini_ok_with_image);
  g_test_add_func ("/llm/cli/ollama-ok-from-ollama-host", test_ollama_ok_from_ollama_host);
  g_test_add_func ("/llm/cli/custom-provider", test_custom_provider);
  g_test_add_func ("/llm/cli/failures", test_failures);
  g_test_add_func ("/llm/cli/usage-and-key-errors", test_usage_and_key_errors);
  g_test_add_func ("/llm/cli/models", test_models);

  return g_test_run ();
}
