/* bench-pipeline.c: "send" to "result ready", sequential against speculative.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scenario of issue 6: a loopback OpenAI-compatible model that streams an
 * interpreter fragment for 3 s, and a loopback fake E2B that takes 50 ms per request
 * and 2 s for the dependency install, driven through the real OpenAI provider, the
 * real E2B backend and the real history store (in memory). Sequential (speculation
 * off) waits for the whole fragment before touching the sandbox; speculative starts
 * the sandbox and the install as soon as their fields are complete, so the total
 * should be close to max(stream, sandbox work) rather than their sum. Goal: ratio
 * <= 0.70. Each mode runs ROUNDS times, alternating; the medians are compared.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "frag-conversation.h"
#include "frag-e2b-sandbox.h"
#include "frag-history-store.h"
#include "frag-provider-registry.h"
#include "pipeline-model-server.h"
#include "pipeline-test-util.h"

#define ROUNDS          3
#define STREAM_CHUNKS   60
#define CHUNK_MS        50      /* 60 x 50 ms: a 3 s stream */
#define E2B_LATENCY_MS  50
#define INSTALL_MS      2000
#define FAKE_E2B_KEY    "e2b_0123456789abcdef"
#define GOAL            0.70

typedef struct
{
  GSubprocess *process;
  char        *base_url;
} FakeE2b;

static FakeE2b *
start_fake_e2b (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (PIPELINE_TEST_DIR, "fake-e2b-slow-install.py", NULL);
  g_autofree char *latency = g_strdup_printf ("%d", E2B_LATENCY_MS);
  g_autofree char *install = g_strdup_printf ("%d", INSTALL_MS);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  FakeE2b *fake = g_new0 (FakeE2b, 1);

  fake->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                    "/usr/bin/python3", script, "--latency-ms", latency,
                                    "--install-ms", install, NULL);
  if (fake->process == NULL)
    g_error ("cannot start the fake E2B: %s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "PORT "))
    g_error ("the fake E2B did not start");
  fake->base_url = g_strdup_printf ("http://127.0.0.1:%d", atoi (line + 5));
  return fake;
}

static void
stop_fake_e2b (FakeE2b *fake)
{
  g_subprocess_force_exit (fake->process);
  g_subprocess_wait (fake->process, NULL, NULL);
  g_object_unref (fake->process);
  g_free (fake->base_url);
  g_free (fake);
}

static SoupSession *
loopback_session_new (void)
{
  SoupSession *session = soup_session_new_with_options ("timeout", 60, NULL);

  soup_session_set_proxy_resolver (session, NULL);
  return session;
}

/* One "send" on a fresh conversation and sandbox; seconds until its result. */
static double
measure (FakeE2b             *fake,
         PipelineModelServer *model,
         FragProvider        *provider,
         FragHistory         *history,
         FragTemplateCatalog *templates,
         const char          *fragment_json,
         gboolean             speculation)
{
  g_autoptr(SoupSession) session = loopback_session_new ();
  g_autoptr(FragE2bConfig) config = frag_e2b_config_new (NULL, fake->base_url, NULL, fake->base_url, FALSE);
  g_autoptr(FragE2bClient) client = frag_e2b_client_new (config, FAKE_E2B_KEY, session);
  g_autoptr(FragE2bSandbox) sandbox = frag_e2b_sandbox_new (client, NULL);
  g_autoptr(FragConversation) conversation = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  GAsyncResult *slot = NULL;
  gint64 start;
  double seconds;

  conversation = frag_conversation_new (provider, FRAG_SANDBOX (sandbox), history, NULL, templates);
  frag_conversation_set_provider (conversation, provider, "openai", "gpt-4o");
  frag_conversation_set_api_key (conversation, "sk-bench-not-a-real-key");
  frag_conversation_set_speculation (conversation, speculation);
  pipeline_model_server_queue_stream (model, fragment_json, STREAM_CHUNKS, CHUNK_MS);

  start = g_get_monotonic_time ();
  frag_conversation_send_async (conversation, "Plot a sine wave", NULL, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  if (!frag_conversation_send_finish (conversation, result, &error))
    g_error ("the run failed: %s", error->message);
  out = frag_result_dup_stdout_text (frag_conversation_get_result (conversation));
  if (g_strcmp0 (out, "bench\n") != 0)
    g_error ("unexpected output: %s", out);

  frag_conversation_close_async (conversation, pipeline_test_result_cb, &slot);
  closed = pipeline_test_wait (&slot);
  frag_conversation_close_finish (conversation, closed, NULL);
  return seconds;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (double *values)
{
  qsort (values, ROUNDS, sizeof (double), compare_doubles);
  return values[ROUNDS / 2];
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PipelineModelServer) model = NULL;
  g_autoptr(SoupSession) session = loopback_session_new ();
  g_autoptr(FragProviderRegistry) registry = frag_provider_registry_new (session);
  g_autoptr(FragProvider) provider = NULL;
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(FragTemplateCatalog) templates = frag_template_catalog_new_builtin ();
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *fragment_json = NULL;
  double sequential[ROUNDS];
  double speculative[ROUNDS];
  double ratio;
  FakeE2b *fake;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  fake = start_fake_e2b ();
  model = pipeline_model_server_new (NULL);
  base_url = pipeline_model_server_dup_base_url (model);
  provider = frag_provider_registry_create (registry, "openai", base_url, &error);
  if (provider == NULL)
    g_error ("%s", error->message);
  store = pipeline_test_open_store (":memory:");
  fragment_json = pipeline_test_fragment_json ("code-interpreter-v1", "pip install numpy matplotlib",
                                               "print('bench')", -1);

  for (guint i = 0; i < ROUNDS; i++)
    {
      sequential[i] = measure (fake, model, provider, FRAG_HISTORY (store), templates, fragment_json, FALSE);
      speculative[i] = measure (fake, model, provider, FRAG_HISTORY (store), templates, fragment_json, TRUE);
      g_print ("round %u: sequential %.2f s, speculative %.2f s\n", i + 1, sequential[i], speculative[i]);
    }

  ratio = median (speculative) / median (sequential);
  g_print ("pipeline: stream %.1f s (%d deltas), fake E2B %d ms/request + %.1f s install, median of %d\n",
           STREAM_CHUNKS * CHUNK_MS / 1000.0, STREAM_CHUNKS, E2B_LATENCY_MS, INSTALL_MS / 1000.0, ROUNDS);
  g_print ("  sequential (speculation off): %.2f s\n", median (sequential));
  g_print ("  speculative:                  %.2f s\n", median (speculative));
  g_print ("  ratio:                        %.2f (goal <= %.2f)\n", ratio, GOAL);

  pipeline_test_close_store (store);
  stop_fake_e2b (fake);
  return ratio <= GOAL ? EXIT_SUCCESS : EXIT_FAILURE;
}
