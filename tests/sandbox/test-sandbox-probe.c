/* test-sandbox-probe.c: the port probe against a SoupServer on the loopback.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-port-probe.h"
#include "sandbox-test-util.h"

#define CLOSED_BODY "{\"sandboxId\":\"isb\",\"message\":\"The sandbox is running but port is not open\",\"port\":3000,\"code\":502}"
#define GONE_BODY   "{\"sandboxId\":\"isb\",\"message\":\"The sandbox was not found\",\"code\":502}"

typedef struct
{
  SoupServer  *server;
  SoupSession *session;
  char        *url;
  guint        not_open_answers;  /* 502 "port is not open" this many times first */
  guint        hits;
  const char  *final_body;        /* what comes after: "ok" = 200, else a 502 body */
  char        *seen_sandbox_id;
  char        *seen_port;
  char        *seen_accept;
} Fixture;

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);

  fixture->hits++;
  g_free (fixture->seen_sandbox_id);
  fixture->seen_sandbox_id = g_strdup (soup_message_headers_get_one (headers, "E2b-Sandbox-Id"));
  g_free (fixture->seen_port);
  fixture->seen_port = g_strdup (soup_message_headers_get_one (headers, "E2b-Sandbox-Port"));
  g_free (fixture->seen_accept);
  fixture->seen_accept = g_strdup (soup_message_headers_get_one (headers, "Accept"));

  if (fixture->hits <= fixture->not_open_answers)
    {
      soup_server_message_set_status (message, 502, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        CLOSED_BODY, strlen (CLOSED_BODY));
      return;
    }
  if (g_strcmp0 (fixture->final_body, "ok") == 0)
    {
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/html", SOUP_MEMORY_STATIC, "<p>app</p>", 10);
      return;
    }
  soup_server_message_set_status (message, 502, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                    fixture->final_body, strlen (fixture->final_body));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, handler_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);
  fixture->session = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->session, NULL);
  fixture->final_body = "ok";
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->session);
  g_free (fixture->url);
  g_free (fixture->seen_sandbox_id);
  g_free (fixture->seen_port);
  g_free (fixture->seen_accept);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  gint64    finished_at;
} WaitCall;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  WaitCall *call = user_data;

  call->ok = frag_port_probe_wait_finish (FRAG_PORT_PROBE (source), result, &call->error);
  call->finished_at = g_get_monotonic_time ();
  call->done = TRUE;
}

static void
test_waits_through_not_open (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(FragPortProbe) probe = frag_port_probe_new (fixture->session, fixture->url, 3000);
  WaitCall call = { 0 };

  fixture->not_open_answers = 4;
  frag_port_probe_set_sandbox_id (probe, "isb");
  frag_port_probe_wait_async (probe, NULL, wait_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_no_error (call.error);
  g_assert_true (call.ok);
  /* Never handed over while the port said "not open": only the 5th answer counted. */
  g_assert_cmpuint (fixture->hits, ==, 5);
  g_assert_cmpuint (frag_port_probe_get_attempts (probe), ==, 5);
  g_assert_cmpstr (frag_port_probe_get_last_status (probe), ==, "200");
  g_assert_cmpstr (fixture->seen_sandbox_id, ==, "isb");
  g_assert_cmpstr (fixture->seen_port, ==, "3000");
  g_assert_cmpstr (fixture->seen_accept, ==, "application/json");
}

static void
test_deadline (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(FragPortProbe) probe = frag_port_probe_new (fixture->session, fixture->url, 3000);
  WaitCall call = { 0 };
  gint64 start = g_get_monotonic_time ();

  fixture->not_open_answers = G_MAXUINT;
  frag_port_probe_set_deadline (probe, 1);
  frag_port_probe_wait_async (probe, NULL, wait_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_error (call.error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PORT_TIMEOUT);
  g_assert_nonnull (strstr (call.error->message, "502 port is not open"));
  g_assert_cmpint (call.finished_at - start, >=, G_USEC_PER_SEC);
  g_assert_cmpint (call.finished_at - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&call.error);
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(FragPortProbe) probe = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;
  WaitCall call = { 0 };

  /* A port that was free a moment ago: nothing listens there. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  probe = frag_port_probe_new (fixture->session, url, port);
  frag_port_probe_set_deadline (probe, 1);
  frag_port_probe_wait_async (probe, NULL, wait_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_error (call.error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PORT_TIMEOUT);
  g_assert_nonnull (strstr (call.error->message, "connection refused"));
  g_assert_cmpuint (frag_port_probe_get_attempts (probe), >, 2);
  g_clear_error (&call.error);
}

static void
test_gone (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(FragPortProbe) probe = frag_port_probe_new (fixture->session, fixture->url, 3000);
  WaitCall call = { 0 };

  fixture->not_open_answers = 1;
  fixture->final_body = GONE_BODY;
  frag_port_probe_wait_async (probe, NULL, wait_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_error (call.error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE);
  g_assert_cmpuint (fixture->hits, ==, 2);
  g_clear_error (&call.error);
}

typedef struct
{
  FragPortProbe *probe;
  guint          exit_at_attempt;
} ExitData;

static void
attempt_cb (FragPortProbe *probe,
            guint          attempt,
            const char    *last_status,
            ExitData      *data)
{
  if (attempt == data->exit_at_attempt)
    frag_port_probe_process_exited (probe, 1, "Traceback...\nModuleNotFoundError: No module named 'flask'");
}

static void
test_process_exits (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(FragPortProbe) probe = frag_port_probe_new (fixture->session, fixture->url, 3000);
  ExitData data = { probe, 3 };
  WaitCall call = { 0 };

  fixture->not_open_answers = G_MAXUINT;
  g_signal_connect (probe, "attempt", G_CALLBACK (attempt_cb), &data);
  frag_port_probe_wait_async (probe, NULL, wait_cb, &call);
  test_wait_for (&call.done, 30);
  /* At once, with the exit code and the last stderr lines; no further attempt. */
  g_assert_error (call.error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED);
  g_assert_nonnull (strstr (call.error->message, "code 1"));
  g_assert_nonnull (strstr (call.error->message, "No module named 'flask'"));
  g_assert_cmpuint (fixture->hits, ==, 2);
  g_clear_error (&call.error);
}

static void
test_process_exited_before_wait (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(FragPortProbe) probe = frag_port_probe_new (fixture->session, fixture->url, 3000);
  WaitCall call = { 0 };

  frag_port_probe_process_exited (probe, 2, NULL);
  frag_port_probe_wait_async (probe, NULL, wait_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_error (call.error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED);
  g_assert_cmpuint (fixture->hits, ==, 0);
  g_clear_error (&call.error);
}

static void
postpone_first_cb (FragPortProbe *probe,
                   guint          attempt,
                   const char    *last_status,
                   gpointer       user_data)
{
  if (attempt == 1)
    frag_port_probe_postpone_attempt (probe);
}

static void
test_postpone (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(FragPortProbe) probe = frag_port_probe_new (fixture->session, fixture->url, 3000);
  WaitCall call = { 0 };

  g_signal_connect (probe, "attempt", G_CALLBACK (postpone_first_cb), NULL);
  frag_port_probe_wait_async (probe, NULL, wait_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_no_error (call.error);
  /* The postponed attempt sent nothing. */
  g_assert_cmpuint (frag_port_probe_get_attempts (probe), ==, 2);
  g_assert_cmpuint (fixture->hits, ==, 1);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(FragPortProbe) probe = frag_port_probe_new (fixture->session, fixture->url, 3000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  WaitCall call = { 0 };
  gint64 start = g_get_monotonic_time ();

  fixture->not_open_answers = G_MAXUINT;
  g_timeout_add_once (300, (GSourceOnceFunc)g_cancellable_cancel, cancellable);
  frag_port_probe_wait_async (probe, cancellable, wait_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (call.finished_at - start, <, 2 * G_USEC_PER_SEC);
  g_clear_error (&call.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sandbox/probe/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("waits-through-not-open", test_waits_through_not_open);
  ADD ("deadline", test_deadline);
  ADD ("connection-refused", test_connection_refused);
  ADD ("gone", test_gone);
  ADD ("process-exits", test_process_exits);
  ADD ("process-exited-before-wait", test_process_exited_before_wait);
  ADD ("postpone", test_postpone);
  ADD ("cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
