/* test-pipeline-helpers.c: the pure parts of the pipeline (context, retries, the fix
 * prompt, error hints) and the sandbox driver on its own.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-context-builder.h"
#include "frag-error-hint.h"
#include "frag-fix-prompt.h"
#include "frag-message.h"
#include "frag-retry-policy.h"
#include "frag-sandbox-driver.h"
#include "pipeline-fakes.h"
#include "pipeline-test-util.h"

static FragMessage *
user_message (const char *text)
{
  return frag_message_new (FRAG_MESSAGE_ROLE_USER, FRAG_MESSAGE_STATE_COMPLETE, text);
}

static FragMessage *
answer (const char       *title,
        const char       *code,
        FragMessageState  state)
{
  FragMessage *message = frag_message_new (FRAG_MESSAGE_ROLE_ASSISTANT, state, "commentary");
  g_autoptr(FragFragment) fragment = frag_fragment_new ();

  frag_fragment_set_commentary (fragment, "commentary");
  frag_fragment_set_template (fragment, "code-interpreter-v1");
  frag_fragment_set_title (fragment, title);
  frag_fragment_set_description (fragment, "what it does");
  frag_fragment_set_file_path (fragment, "script.py");
  frag_fragment_set_code (fragment, code);
  frag_message_set_fragment (message, fragment);
  return message;
}

static char *
request_text (FragLlmRequest *request)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < frag_llm_request_get_n_messages (request); i++)
    {
      FragLlmMessage *message = frag_llm_request_get_message (request, i);
      g_autofree char *turn = frag_llm_message_dup_text (message);

      g_string_append_printf (text, "[%s] %s\n",
                              frag_llm_message_get_role (message) == FRAG_LLM_ROLE_USER ? "user" : "assistant",
                              turn);
    }
  return g_string_free (text, FALSE);
}

static void
test_context_compact (void)
{
  g_autoptr(GListStore) messages = g_list_store_new (FRAG_TYPE_MESSAGE);
  g_autoptr(FragLlmRequest) request = frag_llm_request_new ("openai", "gpt-4o");
  g_autoptr(FragMessage) m1 = user_message ("first prompt");
  g_autoptr(FragMessage) m2 = answer ("Old", "print('old code')", FRAG_MESSAGE_STATE_COMPLETE);
  g_autoptr(FragMessage) m3 = user_message ("second prompt");
  g_autoptr(FragMessage) m4 = answer ("Failed", "print('failed')", FRAG_MESSAGE_STATE_ERROR);
  g_autoptr(FragMessage) m5 = user_message ("second prompt again");
  g_autoptr(FragMessage) m6 = answer ("New", "print('new code')", FRAG_MESSAGE_STATE_COMPLETE);
  g_autoptr(FragMessage) m7 = user_message ("third prompt");
  g_autoptr(FragMessage) streaming = frag_message_new (FRAG_MESSAGE_ROLE_ASSISTANT, FRAG_MESSAGE_STATE_STREAMING, "");
  g_autofree char *text = NULL;
  guint dropped;

  for (FragMessage **m = (FragMessage *[]) { m1, m2, m3, m4, m5, m6, m7, streaming, NULL }; *m != NULL; m++)
    g_list_store_append (messages, *m);

  dropped = frag_context_build (request, G_LIST_MODEL (messages), NULL, FALSE, 100000);
  g_assert_cmpuint (dropped, ==, 0);
  text = request_text (request);
  /* Older fragment summarised, the newest in full, the failed answer left out and the
   * prompts around it joined, the streaming answer not sent. */
  g_assert_cmpstr (text, ==,
                   "[user] first prompt\n"
                   "[assistant] commentary\n[Earlier fragment \"Old\": what it does (script.py, template "
                   "code-interpreter-v1); its code is superseded by the newer one]\n"
                   "[user] second prompt\nsecond prompt again\n"
                   "[assistant] commentary\nprint('new code')\n"
                   "[user] third prompt\n");
  g_assert_null (strstr (text, "old code"));
}

static void
test_context_budget (void)
{
  g_autoptr(GListStore) messages = g_list_store_new (FRAG_TYPE_MESSAGE);
  g_autoptr(FragLlmRequest) request = frag_llm_request_new ("openai", "gpt-4o");
  g_autoptr(FragFragment) edited = NULL;
  g_autofree char *big = g_strnfill (4000, 'x');
  g_autofree char *text = NULL;
  guint dropped;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("prompt %u %s", i, big);
      g_autoptr(FragMessage) user = user_message (prompt);
      g_autoptr(FragMessage) reply = answer ("T", "print(1)", FRAG_MESSAGE_STATE_COMPLETE);

      g_list_store_append (messages, user);
      g_list_store_append (messages, reply);
    }
  {
    g_autoptr(FragMessage) last = user_message ("the newest prompt");
    g_list_store_append (messages, last);
  }
  edited = frag_fragment_new ();
  frag_fragment_set_file_path (edited, "script.py");
  frag_fragment_set_code (edited, "print('edited')");

  /* Each old prompt is about 1000 tokens: a 2500-token budget keeps the last two. */
  frag_llm_request_set_system_prompt (request, "system");
  dropped = frag_context_build (request, G_LIST_MODEL (messages), edited, TRUE, 2500);
  g_assert_cmpuint (dropped, ==, 6);
  text = request_text (request);
  g_assert_true (g_str_has_prefix (text, "[user] prompt 3 "));
  g_assert_nonnull (strstr (text, "[The user has since edited the code; this is the current version]\nprint('edited')"));
  g_assert_true (g_str_has_suffix (text, "[user] the newest prompt\n"));

  g_assert_cmpuint (frag_context_estimate_tokens ("12345678"), ==, 2);
  g_assert_cmpuint (frag_context_estimate_tokens ("ééé"), ==, 1);
  g_assert_cmpuint (frag_context_budget_for_model ("gpt-4o-mini"), ==, 128000 - 8192);
  g_assert_cmpuint (frag_context_budget_for_model ("claude-sonnet-4-20250514"), ==, 200000 - 8192);
  g_assert_cmpuint (frag_context_budget_for_model ("some-local-model"), ==, FRAG_CONTEXT_DEFAULT_BUDGET_TOKENS);
}

static void
test_context_images (void)
{
  g_autoptr(GListStore) messages = g_list_store_new (FRAG_TYPE_MESSAGE);
  g_autoptr(FragLlmRequest) request = frag_llm_request_new ("openai", "gpt-4o");
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG", 4);
  g_autoptr(FragMessage) old = user_message ("old with image");
  g_autoptr(FragMessage) reply = answer ("T", "print(1)", FRAG_MESSAGE_STATE_COMPLETE);
  g_autoptr(FragMessage) newest = user_message ("new with image");
  FragLlmMessage *first;
  FragLlmMessage *last;

  g_ptr_array_add (attachments, frag_attachment_new ("image/png", png));
  frag_message_set_attachments (old, attachments);
  frag_message_set_attachments (newest, attachments);
  g_list_store_append (messages, old);
  g_list_store_append (messages, reply);
  g_list_store_append (messages, newest);
  frag_context_build (request, G_LIST_MODEL (messages), NULL, FALSE, 100000);

  first = frag_llm_request_get_message (request, 0);
  last = frag_llm_request_get_message (request, 2);
  g_assert_false (frag_llm_message_has_images (first));
  g_assert_cmpstr (frag_llm_message_get_part_text (first, 1), ==, "[1 image(s) were attached here]");
  g_assert_true (frag_llm_message_has_images (last));
}

static void
test_retry_policy (void)
{
  g_autoptr(GError) rate = g_error_new (FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_RATE_LIMITED, "429");
  g_autoptr(GError) auth = g_error_new (FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_AUTH, "401");
  g_autoptr(GError) sandbox = g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER, "500");
  guint delay = 0;

  g_assert_true (frag_retry_error_is_transient (rate));
  g_assert_false (frag_retry_error_is_transient (auth));
  g_assert_false (frag_retry_error_is_transient (sandbox));
  g_assert_false (frag_retry_error_is_transient (NULL));

  g_assert_true (frag_retry_compute_delay (1, 3, 1000, 60000, -1, &delay));
  g_assert_cmpuint (delay, ==, 1000);
  g_assert_true (frag_retry_compute_delay (3, 3, 1000, 60000, -1, &delay));
  g_assert_cmpuint (delay, ==, 4000);
  g_assert_false (frag_retry_compute_delay (4, 3, 1000, 60000, -1, &delay));
  g_assert_true (frag_retry_compute_delay (1, 3, 1000, 60000, 7.5, &delay));
  g_assert_cmpuint (delay, ==, 7500);
  g_assert_true (frag_retry_compute_delay (2, 3, 1000, 60000, 0, &delay));
  g_assert_cmpuint (delay, ==, 2000);
  g_assert_false (frag_retry_compute_delay (1, 3, 1000, 60000, 61, &delay));
  /* A caller's shorter ceiling turns a long Retry-After into an immediate error. */
  g_assert_false (frag_retry_compute_delay (1, 3, 1000, 5000, 7.5, &delay));
  g_assert_true (frag_retry_compute_delay (3, 3, 1000, 3000, -1, &delay));
  g_assert_cmpuint (delay, ==, 3000);
}

static void
test_fix_prompt (void)
{
  g_autoptr(FragFragment) fragment = frag_fragment_new ();
  g_autoptr(FragResult) result = frag_result_new ("code-interpreter-v1", "sb", FRAG_RESULT_BACKEND_LOCAL);
  g_autoptr(FragResult) exited = frag_result_new ("code-interpreter-v1", "sb", FRAG_RESULT_BACKEND_LOCAL);
  g_autoptr(FragResult) fine = frag_result_new ("code-interpreter-v1", "sb", FRAG_RESULT_BACKEND_LOCAL);
  g_autoptr(GError) port = g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PORT_TIMEOUT, "No answer on 3000");
  g_autoptr(GError) auth = g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_AUTH, "bad key");
  g_autoptr(GString) noise = g_string_new (NULL);
  g_autofree char *prompt = NULL;
  g_autofree char *exit_prompt = NULL;
  g_autofree char *port_prompt = NULL;

  frag_fragment_set_file_path (fragment, "app.py");
  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (noise, "noise line %u\n", i);
  frag_result_append_stderr (result, noise->str);
  frag_result_append_stderr (result, "the last words\n");
  frag_result_set_error (result, "NameError", "name 'x' is not defined", "\033[0;31mNameError\033[0m: x");
  frag_result_set_exit_code (exited, 2);
  frag_result_append_stdout (fine, "ok");

  g_assert_true (frag_fix_prompt_is_fixable (result, NULL));
  g_assert_true (frag_fix_prompt_is_fixable (exited, NULL));
  g_assert_false (frag_fix_prompt_is_fixable (fine, NULL));
  g_assert_true (frag_fix_prompt_is_fixable (NULL, port));
  g_assert_false (frag_fix_prompt_is_fixable (NULL, auth));

  prompt = frag_fix_prompt_build (fragment, result, NULL);
  g_assert_true (g_str_has_prefix (prompt, "Running the code (app.py) failed.\n\nError: NameError: name 'x' is not defined"));
  g_assert_nonnull (strstr (prompt, "Traceback:\n```\nNameError: x\n```"));
  g_assert_null (strstr (prompt, "\033"));
  /* The end of stderr is kept, the beginning cut. */
  g_assert_nonnull (strstr (prompt, "the last words"));
  g_assert_null (strstr (prompt, "noise line 0\n"));
  g_assert_nonnull (strstr (prompt, "[…]\n"));
  g_assert_cmpuint (strlen (prompt), <, FRAG_FIX_PROMPT_MAX_STDERR_CHARS + 1000);
  g_assert_true (g_str_has_suffix (prompt, "return the whole corrected fragment."));

  exit_prompt = frag_fix_prompt_build (fragment, exited, NULL);
  g_assert_nonnull (strstr (exit_prompt, "The program exited with status 2."));
  port_prompt = frag_fix_prompt_build (NULL, NULL, port);
  g_assert_true (g_str_has_prefix (port_prompt, "Running the code failed.\n\nError: No answer on 3000"));
}

static void
test_error_hints (void)
{
  static const struct
  {
    GQuark          (*domain) (void);
    int             code;
    FragErrorAction action;
    const char     *words;
  } cases[] = {
    { frag_provider_error_quark, FRAG_PROVIDER_ERROR_NO_KEY, FRAG_ERROR_ACTION_ADD_KEY, "Add an API key" },
    { frag_provider_error_quark, FRAG_PROVIDER_ERROR_AUTH, FRAG_ERROR_ACTION_ADD_KEY, "valid one" },
    { frag_provider_error_quark, FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND, FRAG_ERROR_ACTION_PICK_MODEL, "Pick another model" },
    { frag_provider_error_quark, FRAG_PROVIDER_ERROR_RATE_LIMITED, FRAG_ERROR_ACTION_WAIT, "Wait 3 s" },
    { frag_provider_error_quark, FRAG_PROVIDER_ERROR_NETWORK, FRAG_ERROR_ACTION_CHECK_NETWORK, "network" },
    { frag_provider_error_quark, FRAG_PROVIDER_ERROR_BAD_OUTPUT, FRAG_ERROR_ACTION_PICK_MODEL, "stronger model" },
    { frag_sandbox_error_quark, FRAG_SANDBOX_ERROR_AUTH, FRAG_ERROR_ACTION_ADD_KEY, "E2B API key" },
    { frag_sandbox_error_quark, FRAG_SANDBOX_ERROR_LIMIT, FRAG_ERROR_ACTION_SWITCH_TO_LOCAL, "local backend" },
    { frag_sandbox_error_quark, FRAG_SANDBOX_ERROR_RATE_LIMITED, FRAG_ERROR_ACTION_SWITCH_TO_LOCAL, "Wait 3 s" },
    { frag_sandbox_error_quark, FRAG_SANDBOX_ERROR_PORT_TIMEOUT, FRAG_ERROR_ACTION_FIX, "fix it" },
    { frag_sandbox_error_quark, FRAG_SANDBOX_ERROR_MISSING_RUNTIME, FRAG_ERROR_ACTION_SWITCH_TO_E2B, "E2B backend" },
    { frag_sandbox_error_quark, FRAG_SANDBOX_ERROR_GONE, FRAG_ERROR_ACTION_RETRY, "run again" },
  };
  g_autoptr(GError) cancelled = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new (cases[i].domain (), cases[i].code, "message");
      g_autofree char *hint = frag_error_dup_hint (error, 2.4);

      g_assert_cmpint (frag_error_get_action (error), ==, cases[i].action);
      g_assert_nonnull (hint);
      if (strstr (hint, cases[i].words) == NULL)
        g_error ("hint for case %u lacks \"%s\": %s", i, cases[i].words, hint);
    }
  g_assert_null (frag_error_dup_hint (cancelled, -1));
  g_assert_null (frag_error_dup_hint (NULL, -1));
  g_assert_cmpint (frag_error_get_action (NULL), ==, FRAG_ERROR_ACTION_NONE);
}

/* ---- the sandbox driver ---- */

static void
driver_result_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static void
test_driver_retarget (void)
{
  g_autoptr(EventLog) log = event_log_new ();
  g_autoptr(FakeSandbox) sandbox = fake_sandbox_new (log);
  g_autoptr(FragSandboxDriver) driver = frag_sandbox_driver_new (FRAG_SANDBOX (sandbox));
  g_autoptr(FragTemplateCatalog) templates = frag_template_catalog_new_builtin ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fake_sandbox_set_delays (sandbox, 30, 30, 5);
  frag_sandbox_driver_begin_turn (driver);
  frag_sandbox_driver_set_target (driver, frag_template_catalog_lookup (templates, "nextjs-developer"),
                                  "npm install x");
  g_assert_true (frag_sandbox_driver_is_busy (driver));
  /* Retargeted while the first ensure is in flight: it is cancelled, its install
   * dropped; the second runs only after the first settled. */
  frag_sandbox_driver_set_target (driver, frag_template_catalog_lookup (templates, "code-interpreter-v1"),
                                  "pip install y");
  frag_sandbox_driver_prepare_async (driver, driver_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_sandbox_driver_prepare_finish (driver, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event_log_find (log, "sandbox:ensure-cancelled nextjs-developer"), ==, 1);
  g_assert_cmpint (event_log_find (log, "sandbox:install-start npm"), ==, -1);
  g_assert_cmpint (event_log_find (log, "sandbox:install-done pip install y in fake-1"), >, 0);
  g_assert_true (frag_sandbox_driver_has_installed (driver, "pip install y"));
  g_clear_object (&result);

  /* Cancel fails what waits; discard kills only what this turn made. */
  frag_sandbox_driver_discard_turn_async (driver, driver_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_sandbox_driver_discard_turn_finish (driver, result, &error));
  g_assert_cmpint (event_log_find (log, "sandbox:kill fake-1"), >, 0);
  g_clear_object (&result);

  frag_sandbox_driver_prepare_async (driver, driver_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_false (frag_sandbox_driver_prepare_finish (driver, result, &error));
  g_assert_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED);
}

static void
test_driver_keeps_old_sandbox (void)
{
  g_autoptr(EventLog) log = event_log_new ();
  g_autoptr(FakeSandbox) sandbox = fake_sandbox_new (log);
  g_autoptr(FragSandboxDriver) driver = frag_sandbox_driver_new (FRAG_SANDBOX (sandbox));
  g_autoptr(FragTemplateCatalog) templates = frag_template_catalog_new_builtin ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  frag_sandbox_driver_set_target (driver, frag_template_catalog_lookup (templates, "code-interpreter-v1"), NULL);
  frag_sandbox_driver_prepare_async (driver, driver_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_sandbox_driver_prepare_finish (driver, result, &error));
  g_clear_object (&result);

  /* A later turn reuses the sandbox: discarding that turn must not kill it. */
  frag_sandbox_driver_begin_turn (driver);
  frag_sandbox_driver_set_target (driver, frag_template_catalog_lookup (templates, "code-interpreter-v1"), NULL);
  frag_sandbox_driver_discard_turn_async (driver, driver_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_sandbox_driver_discard_turn_finish (driver, result, &error));
  g_assert_cmpint (event_log_find (log, "sandbox:kill"), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pipeline/context/compact", test_context_compact);
  g_test_add_func ("/pipeline/context/budget", test_context_budget);
  g_test_add_func ("/pipeline/context/images", test_context_images);
  g_test_add_func ("/pipeline/retry/policy", test_retry_policy);
  g_test_add_func ("/pipeline/fix-prompt/build", test_fix_prompt);
  g_test_add_func ("/pipeline/error-hint/actions", test_error_hints);
  g_test_add_func ("/pipeline/driver/retarget", test_driver_retarget);
  g_test_add_func ("/pipeline/driver/keeps-old-sandbox", test_driver_keeps_old_sandbox);

  return g_test_run ();
}
