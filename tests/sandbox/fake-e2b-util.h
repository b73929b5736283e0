/* fake-e2b-util.h: start tests/sandbox/fake-e2b.py and talk to it.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "frag-e2b-client.h"
#include "sandbox-test-util.h"

#define FAKE_E2B_API_KEY "e2b_0123456789abcdef"

typedef struct
{
  GSubprocess *process;
  guint16      port;
  char        *base_url;
} FakeE2b;

/* Starts the fake (it exits when our end of its stdin closes, even if we crash).
 * latency_ms: added before every answer (0: none). */
static inline FakeE2b *
fake_e2b_start (guint latency_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "sandbox", "fake-e2b.py", NULL);
  g_autofree char *latency = g_strdup_printf ("%u", latency_ms);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  FakeE2b *fake = g_new0 (FakeE2b, 1);

  fake->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                    "/usr/bin/python3", script, "--latency-ms", latency, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  fake->port = (guint16)atoi (line + 5);
  fake->base_url = g_strdup_printf ("http://127.0.0.1:%u", fake->port);
  return fake;
}

static inline void
fake_e2b_stop (FakeE2b *fake)
{
  g_subprocess_force_exit (fake->process);
  g_subprocess_wait (fake->process, NULL, NULL);
  g_object_unref (fake->process);
  g_free (fake->base_url);
  g_free (fake);
}

/* A session that does not consult the desktop's proxy settings (tests have none). */
static inline SoupSession *
fake_e2b_session_new (void)
{
  SoupSession *session = soup_session_new_with_options ("timeout", 30, NULL);

  soup_session_set_proxy_resolver (session, NULL);
  return session;
}

static inline FragE2bClient *
fake_e2b_client_new (FakeE2b    *fake,
                     const char *api_key)
{
  g_autoptr(FragE2bConfig) config = frag_e2b_config_new (NULL, fake->base_url, NULL, fake->base_url, FALSE);
  g_autoptr(SoupSession) session = fake_e2b_session_new ();

  return frag_e2b_client_new (config, api_key, session);
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
  guint     status;
} FakeHttpCall;

static void
fake_http_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FakeHttpCall *call = user_data;

  call->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  call->done = TRUE;
}

/* An HTTP request to the fake, run on the main loop (the code under test shares it).
 * Returns the body; *status the status (0 on a transport error). */
static inline char *
fake_e2b_request (FakeE2b    *fake,
                  const char *method,
                  const char *path,
                  const char *sandbox_id,
                  int         port,
                  guint      *status)
{
  g_autoptr(SoupSession) session = fake_e2b_session_new ();
  g_autofree char *url = g_strconcat (fake->base_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  FakeHttpCall call = { 0 };
  char *text;

  soup_message_headers_replace (headers, "X-API-Key", FAKE_E2B_API_KEY);
  if (sandbox_id != NULL)
    {
      g_autofree char *port_text = g_strdup_printf ("%d", port);

      soup_message_headers_replace (headers, "E2b-Sandbox-Id", sandbox_id);
      soup_message_headers_replace (headers, "E2b-Sandbox-Port", port_text);
    }
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, fake_http_cb, &call);
  test_wait_for (&call.done, 30);
  if (status != NULL)
    *status = call.body != NULL ? soup_message_get_status (message) : 0;
  if (call.body == NULL)
    return NULL;
  text = g_strndup (g_bytes_get_data (call.body, NULL), g_bytes_get_size (call.body));
  g_bytes_unref (call.body);
  return text;
}

/* The fake's request log (a JSON array of {method, path, headers, body?}), then cleared. */
static inline JsonArray *
fake_e2b_take_requests (FakeE2b *fake)
{
  g_autofree char *text = fake_e2b_request (fake, "GET", "/_fake/requests", NULL, 0, NULL);
  g_autofree char *reset = fake_e2b_request (fake, "POST", "/_fake/reset", NULL, 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static inline JsonObject *
fake_e2b_request_at (JsonArray *requests,
                     guint      index)
{
  g_assert_cmpuint (index, <, json_array_get_length (requests));
  return json_array_get_object_element (requests, index);
}

static inline const char *
fake_e2b_header (JsonObject *request,
                 const char *name)
{
  JsonObject *headers = json_object_get_object_member (request, "headers");

  return json_object_get_string_member_with_default (headers, name, NULL);
}

/* How many logged requests have this method and a path starting with prefix. */
static inline guint
fake_e2b_count (JsonArray  *requests,
                const char *method,
                const char *prefix)
{
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (request, "method"), method)
          && g_str_has_prefix (json_object_get_string_member (request, "path"), prefix))
        count++;
    }
  return count;
}
