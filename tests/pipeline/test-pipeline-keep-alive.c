/* test-pipeline-keep-alive.c: a web app's sandbox kept alive while its preview is in
 * use, with the recording fake sandbox and with the E2B backend against the loopback
 * fake E2B (POST /sandboxes/ID/timeout).
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fake-e2b-util.h"
#include "frag-conversation.h"
#include "frag-e2b-sandbox.h"
#include "frag-history-store.h"
#include "frag-memory-keyring.h"
#include "pipeline-fakes.h"
#include "pipeline-test-util.h"

#define TEST_KEY "sk-test-0123456789-secret"

/* Tiny intervals: a test sees several keep-alives in a fraction of a second. */
#define INTERVAL_MS 20
#define EXTEND_SECONDS 300

typedef struct
{
  EventLog            *log;
  FakeProvider        *provider;
  FakeSandbox         *fake_sandbox;
  FragHistoryStore    *store;
  FragMemoryKeyring   *keyring;
  FragTemplateCatalog *templates;
  FragConversation    *conversation;
  char                *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *db = NULL;
  GAsyncResult *slot = NULL;

  f->log = event_log_new ();
  f->provider = fake_provider_new (f->log);
  f->fake_sandbox = fake_sandbox_new (f->log);
  f->dir = g_dir_make_tmp ("keep-alive-XXXXXX", NULL);
  db = g_build_filename (f->dir, "history.db", NULL);
  f->store = pipeline_test_open_store (db);
  f->keyring = frag_memory_keyring_new ();
  frag_keyring_store_key_async (FRAG_KEYRING (f->keyring), "openai", TEST_KEY, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_keyring_store_key_finish (FRAG_KEYRING (f->keyring), result, &error));
  g_assert_no_error (error);
  f->templates = frag_template_catalog_new_builtin ();
}

static void
make_conversation (Fixture     *f,
                   FragSandbox *sandbox)
{
  f->conversation = frag_conversation_new (FRAG_PROVIDER (f->provider), sandbox, FRAG_HISTORY (f->store),
                                           FRAG_KEYRING (f->keyring), f->templates);
  frag_conversation_set_provider (f->conversation, FRAG_PROVIDER (f->provider), "openai", "gpt-4o");
  frag_conversation_set_partial_interval (f->conversation, 1);
  frag_conversation_set_keep_alive (f->conversation, INTERVAL_MS, EXTEND_SECONDS);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "history.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_clear_object (&f->conversation);
  pipeline_test_close_store (f->store);
  g_clear_object (&f->store);
  g_clear_object (&f->provider);
  g_clear_object (&f->fake_sandbox);
  g_clear_object (&f->keyring);
  g_clear_object (&f->templates);
  event_log_free (f->log);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
send_fragment (Fixture    *f,
               const char *template_id,
               int         port)
{
  g_autofree char *json = pipeline_test_fragment_json (template_id, NULL,
                                                       port >= 0 ? "<h1>Hello</h1>" : "print(1)", port);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fake_provider_queue_stream (f->provider, json, 5, 1, FAKE_END_COMPLETE);
  frag_conversation_send_async (f->conversation, "make it", NULL, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_send_finish (f->conversation, result, &error));
  g_assert_no_error (error);
}

static void
close_conversation (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  frag_conversation_close_async (f->conversation, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_close_finish (f->conversation, result, &error));
  g_assert_no_error (error);
}

typedef struct
{
  EventLog   *log;
  const char *prefix;
  guint       at_least;
} LogWait;

static gboolean
log_has_enough (gpointer data)
{
  LogWait *wait = data;

  return event_log_count (wait->log, wait->prefix) >= wait->at_least;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* Lets the main loop run for ms milliseconds (no sleeping: timeouts wake it). */
static void
run_for (guint ms)
{
  test_wait_until (never, NULL, ms);
}

static void
wait_for_log (Fixture    *f,
              const char *prefix,
              guint       at_least)
{
  LogWait wait = { f->log, prefix, at_least };

  if (!test_wait_until (log_has_enough, &wait, 10000))
    {
      g_autofree char *dump = event_log_dump (f->log);

      g_error ("expected %u × \"%s\" in:\n%s", at_least, prefix, dump);
    }
}

/* While the preview of a web app is active, its sandbox is kept alive again and again
 * with the configured extension; once inactive, no more. */
static void
test_keeps_alive_while_active (Fixture       *f,
                               gconstpointer  data)
{
  guint count;

  make_conversation (f, FRAG_SANDBOX (f->fake_sandbox));
  send_fragment (f, "static-html", 8000);
  /* Not before the UI says the preview is in use. */
  run_for (5 * INTERVAL_MS);
  g_assert_cmpuint (event_log_count (f->log, "sandbox:keep-alive"), ==, 0);

  frag_conversation_set_preview_active (f->conversation, TRUE);
  g_assert_true (frag_conversation_get_preview_active (f->conversation));
  wait_for_log (f, "sandbox:keep-alive fake-1 300", 3);

  frag_conversation_set_preview_active (f->conversation, FALSE);
  count = event_log_count (f->log, "sandbox:keep-alive");
  run_for (5 * INTERVAL_MS);
  g_assert_cmpuint (event_log_count (f->log, "sandbox:keep-alive"), ==, count);
  close_conversation (f);
}

/* An interpreter result has no URL: there is nothing on screen to keep alive. */
static void
test_interpreter_not_kept (Fixture       *f,
                           gconstpointer  data)
{
  make_conversation (f, FRAG_SANDBOX (f->fake_sandbox));
  send_fragment (f, "code-interpreter-v1", -1);
  frag_conversation_set_preview_active (f->conversation, TRUE);
  run_for (5 * INTERVAL_MS);
  g_assert_cmpuint (event_log_count (f->log, "sandbox:keep-alive"), ==, 0);
  close_conversation (f);
}

/* Showing the preview again soon after costs no request: the first keep-alive went
 * out less than an interval ago. */
static void
test_toggling_is_free (Fixture       *f,
                       gconstpointer  data)
{
  make_conversation (f, FRAG_SANDBOX (f->fake_sandbox));
  frag_conversation_set_keep_alive (f->conversation, 60 * 1000, EXTEND_SECONDS);
  send_fragment (f, "static-html", 8000);
  frag_conversation_set_preview_active (f->conversation, TRUE);
  wait_for_log (f, "sandbox:keep-alive fake-1", 1);
  for (guint i = 0; i < 3; i++)
    {
      frag_conversation_set_preview_active (f->conversation, FALSE);
      frag_conversation_set_preview_active (f->conversation, TRUE);
      run_for (INTERVAL_MS);
    }
  g_assert_cmpuint (event_log_count (f->log, "sandbox:keep-alive"), ==, 1);
  close_conversation (f);
}

/* A turn pauses the keep-alive (running keeps the sandbox busy anyway); it resumes
 * once the new result is there. */
static void
test_paused_during_turn (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *json = pipeline_test_fragment_json ("static-html", NULL, "<h1>Again</h1>", 8000);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  int started;

  make_conversation (f, FRAG_SANDBOX (f->fake_sandbox));
  send_fragment (f, "static-html", 8000);
  frag_conversation_set_preview_active (f->conversation, TRUE);
  wait_for_log (f, "sandbox:keep-alive", 1);

  /* A slow stream: many intervals pass while the turn runs. */
  fake_provider_queue_stream (f->provider, json, 10, 3 * INTERVAL_MS, FAKE_END_COMPLETE);
  frag_conversation_send_async (f->conversation, "again", NULL, NULL, pipeline_test_result_cb, &slot);
  started = (int)event_log_get_length (f->log);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_conversation_send_finish (f->conversation, result, &error));
  g_assert_no_error (error);

  for (guint i = started; i < event_log_get_length (f->log); i++)
    g_assert_false (g_str_has_prefix (event_log_get (f->log, i), "sandbox:keep-alive"));
  g_assert_cmpint (event_log_find (f->log, "sandbox:execute fake-1 static-html"), >=, 0);
  /* The same sandbox, shown again: kept alive again. */
  wait_for_log (f, "sandbox:keep-alive fake-1", 2);
  close_conversation (f);
}

/* Closing the conversation kills the sandbox; nothing keeps it alive afterwards. */
static void
test_stops_on_close (Fixture       *f,
                     gconstpointer  data)
{
  guint count;

  make_conversation (f, FRAG_SANDBOX (f->fake_sandbox));
  send_fragment (f, "static-html", 8000);
  frag_conversation_set_preview_active (f->conversation, TRUE);
  wait_for_log (f, "sandbox:keep-alive", 2);
  close_conversation (f);
  g_assert_cmpint (event_log_find (f->log, "sandbox:kill fake-1"), >=, 0);
  count = event_log_count (f->log, "sandbox:keep-alive");
  run_for (5 * INTERVAL_MS);
  g_assert_cmpuint (event_log_count (f->log, "sandbox:keep-alive"), ==, count);
}

/* A sandbox that expired is not asked again and again; the next run makes a new one
 * (transparently) and keeping alive resumes for it. */
static void
test_expired_then_recreated (Fixture       *f,
                             gconstpointer  data)
{
  make_conversation (f, FRAG_SANDBOX (f->fake_sandbox));
  send_fragment (f, "static-html", 8000);
  fake_sandbox_expire (f->fake_sandbox);
  frag_conversation_set_preview_active (f->conversation, TRUE);
  wait_for_log (f, "sandbox:keep-alive fake-1", 1);
  run_for (5 * INTERVAL_MS);
  g_assert_cmpuint (event_log_count (f->log, "sandbox:keep-alive"), ==, 1);

  send_fragment (f, "static-html", 8000);
  g_assert_cmpuint (fake_sandbox_get_n_created (f->fake_sandbox), ==, 2);
  g_assert_cmpint (frag_conversation_get_phase (f->conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  wait_for_log (f, "sandbox:keep-alive fake-2 300", 2);
  close_conversation (f);
}

/* A conversation without a sandbox (generate only) never tries. */
static void
test_no_sandbox (Fixture       *f,
                 gconstpointer  data)
{
  make_conversation (f, NULL);
  frag_conversation_set_preview_active (f->conversation, TRUE);
  run_for (3 * INTERVAL_MS);
  g_assert_cmpuint (event_log_count (f->log, "sandbox:"), ==, 0);
  close_conversation (f);
}

/* The E2B backend: each keep-alive is a POST /sandboxes/ID/timeout with the extension,
 * and the conversation's close DELETEs the sandbox. */
static void
test_e2b_timeout_requests (Fixture       *f,
                           gconstpointer  data)
{
  FakeE2b *fake = fake_e2b_start (0);
  g_autoptr(FragE2bClient) client = fake_e2b_client_new (fake, FAKE_E2B_API_KEY);
  g_autoptr(FragE2bSandbox) sandbox = frag_e2b_sandbox_new (client, NULL);
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *sandbox_id = NULL;
  g_autofree char *timeout_path = NULL;
  g_autofree char *kill_path = NULL;
  guint n_timeouts = 0;

  make_conversation (f, FRAG_SANDBOX (sandbox));
  frag_conversation_set_keep_alive (f->conversation, 50, 123);
  send_fragment (f, "static-html", 8000);
  g_assert_nonnull (frag_result_get_url (frag_conversation_get_result (f->conversation)));
  sandbox_id = frag_sandbox_dup_sandbox_id (FRAG_SANDBOX (sandbox));
  g_assert_nonnull (sandbox_id);
  timeout_path = g_strdup_printf ("/sandboxes/%s/timeout", sandbox_id);
  kill_path = g_strdup_printf ("/sandboxes/%s", sandbox_id);
  g_clear_pointer (&requests, json_array_unref);
  json_array_unref (fake_e2b_take_requests (fake));

  frag_conversation_set_preview_active (f->conversation, TRUE);
  /* Each keep-alive's request has its answer before the next goes out: wait for
   * three of them. */
  while (n_timeouts < 3)
    {
      run_for (50);
      g_clear_pointer (&requests, json_array_unref);
      requests = fake_e2b_take_requests (fake);
      for (guint i = 0; i < json_array_get_length (requests); i++)
        {
          JsonObject *request = fake_e2b_request_at (requests, i);

          if (!g_str_equal (json_object_get_string_member (request, "path"), timeout_path))
            continue;
          g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "POST");
          g_assert_cmpstr (fake_e2b_header (request, "X-API-Key"), ==, FAKE_E2B_API_KEY);
          g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (request, "body"),
                                                       "timeout"), ==, 123);
          n_timeouts++;
        }
    }

  frag_conversation_set_preview_active (f->conversation, FALSE);
  close_conversation (f);
  g_clear_pointer (&requests, json_array_unref);
  requests = fake_e2b_take_requests (fake);
  g_assert_cmpuint (fake_e2b_count (requests, "DELETE", kill_path), ==, 1);
  fake_e2b_stop (fake);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_unsetenv ("OPENAI_API_KEY");

#define ADD(path, func) \
  g_test_add ("/pipeline/keep-alive/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("while-active", test_keeps_alive_while_active);
  ADD ("interpreter-not-kept", test_interpreter_not_kept);
  ADD ("toggling-is-free", test_toggling_is_free);
  ADD ("paused-during-turn", test_paused_during_turn);
  ADD ("stops-on-close", test_stops_on_close);
  ADD ("expired-then-recreated", test_expired_then_recreated);
  ADD ("no-sandbox", test_no_sandbox);
  ADD ("e2b-timeout-requests", test_e2b_timeout_requests);
#undef ADD

  return g_test_run ();
}
