/* bench-stream.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How much CPU `frag generate` spends per MB of streamed code, and whether that cost is
 * linear. A loopback server streams a fragment whose code is 100 KB, then 1 MB, in
 * 4-byte deltas, as fast as it can, in OpenAI and in Anthropic framing. For each run it
 * prints the CPU time (user + system) of the frag process per MB of code, and beside it
 * the floor measured in the same run: curl reading the same bytes, plus json-glib
 * parsing each event alone. Goals (issue 3): per-MB cost growth from 100 KB to 1 MB
 * ≤ 1.3×, and frag ≤ 1.5× the floor. Each figure is the best of three runs.
 *
 * Usage: bench-stream [PATH-TO-frag] (default: the frag next to this build). */

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#define DELTA_BYTES 4
#define RUNS 3

typedef struct
{
  GSocket *listener;
  GBytes  *body;       /* the response body being served now */
  GMutex   lock;
} Server;

static gboolean
read_request (GSocket *socket)
{
  GString *head = g_string_new (NULL);
  char buffer[65536];
  gssize n;
  gsize content_length = 0;
  gsize have_body;
  const char *end;
  const char *cl;

  while ((end = strstr (head->str, "\r\n\r\n")) == NULL)
    {
      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        {
          g_string_free (head, TRUE);
          return FALSE;
        }
      g_string_append_len (head, buffer, n);
    }
  have_body = head->len - (end + 4 - head->str);
  {
    g_autofree char *lower = g_ascii_strdown (head->str, head->len);

    cl = strstr (lower, "content-length:");
    if (cl != NULL)
      content_length = g_ascii_strtoull (cl + strlen ("content-length:"), NULL, 10);
  }
  while (have_body < content_length)
    {
      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        break;
      have_body += n;
    }
  g_string_free (head, TRUE);
  return TRUE;
}

static gpointer
serve_worker (gpointer user_data)
{
  Server *server = user_data;

  for (;;)
    {
      g_autoptr(GSocket) client = g_socket_accept (server->listener, NULL, NULL);
      g_autoptr(GBytes) body = NULL;
      const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
      const char *data;
      gsize length;
      gsize sent = 0;

      if (client == NULL)
        return NULL;
      if (!read_request (client))
        continue;
      g_mutex_lock (&server->lock);
      body = g_bytes_ref (server->body);
      g_mutex_unlock (&server->lock);

      data = g_bytes_get_data (body, &length);
      g_socket_send (client, head, strlen (head), NULL, NULL);
      while (sent < length)
        {
          gssize n = g_socket_send (client, data + sent, MIN ((gsize)1 << 20, length - sent), NULL, NULL);

          if (n <= 0)
            break;
          sent += n;
        }
      g_socket_shutdown (client, FALSE, TRUE, NULL);
      /* Let the client read to EOF before the socket goes. */
      while (g_socket_receive (client, (char[256]){ 0 }, 256, NULL, NULL) > 0)
        ;
      g_socket_close (client, NULL);
    }
}

static char *
json_string (const char *text,
             gsize       length)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *copy = g_strndup (text, length);

  json_node_set_string (node, copy);
  return json_to_string (node, FALSE);
}

/* A valid fragment whose code is about code_bytes long: Python with quotes, escapes
 * and newlines, like real code. */
static char *
make_fragment (gsize code_bytes)
{
  GString *code = g_string_new (NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i = 0;

  while (code->len < code_bytes)
    g_string_append_printf (code, "def f%u(x):\n    print(\"value:\\t%%d\" %% x, 'ok')  # line %u\n", i, i), i++;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "commentary");
  json_builder_add_string_value (builder, "A long program, streamed in small pieces.");
  json_builder_set_member_name (builder, "template");
  json_builder_add_string_value (builder, "code-interpreter-v1");
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, "Benchmark");
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, "Many functions.");
  json_builder_set_member_name (builder, "additional_dependencies");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "has_additional_dependencies");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "install_dependencies_command");
  json_builder_add_string_value (builder, "");
  json_builder_set_member_name (builder, "port");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "file_path");
  json_builder_add_string_value (builder, "main.py");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code->str);
  json_builder_end_object (builder);
  g_string_free (code, TRUE);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

typedef enum { FRAMING_OPENAI, FRAMING_ANTHROPIC } Framing;

static GBytes *
make_stream (const char *json,
             Framing     framing,
             guint      *n_events)
{
  GString *out = g_string_new (NULL);
  gsize length = strlen (json);

  *n_events = 0;
  if (framing == FRAMING_ANTHROPIC)
    {
      g_string_append (out, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                            "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
                            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                            "\"content_block\":{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"fragment\",\"input\":{}}}\n\n");
      *n_events += 2;
    }

  for (gsize offset = 0; offset < length; offset += DELTA_BYTES)
    {
      /* The fragment is ASCII, so 4 bytes are 4 whole characters. */
      g_autofree char *piece = json_string (json + offset, MIN ((gsize)DELTA_BYTES, length - offset));

      if (framing == FRAMING_OPENAI)
        g_string_append_printf (out, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                                     "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%s},"
                                     "\"finish_reason\":null}]}\n\n", piece);
      else
        g_string_append_printf (out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                                     "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":%s}}\n\n", piece);
      (*n_events)++;
    }

  if (framing == FRAMING_OPENAI)
    g_string_append (out, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                          "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
  else
    g_string_append (out, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                          "\"usage\":{\"output_tokens\":100}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  *n_events += 2;
  return g_string_free_to_bytes (out);
}

/* CPU seconds (user + system) of one child run, stdout and stderr discarded. */
static double
run_child_cpu (const char * const *argv,
               const char * const *env)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  GPid pid;
  int status = 0;
  struct rusage usage;

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      envp = g_environ_setenv (envp, pair[0], pair[1], TRUE);
    }
  if (!g_spawn_async (NULL, (char **)argv, envp,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &pid, &error))
    g_error ("Cannot run %s: %s", argv[0], error->message);
  if (wait4 (pid, &status, 0, &usage) < 0)
    g_error ("wait4 failed");
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s exited with status %d", argv[0], WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* json-glib alone: split the body into events and parse each data payload. */
static double
parse_events_cpu (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  const char *end = data + length;
  const char *p = data;
  double start = thread_cpu_seconds ();

  while (p < end)
    {
      const char *line_end = memchr (p, '\n', end - p);

      if (line_end == NULL)
        line_end = end;
      if (line_end - p > 6 && memcmp (p, "data: ", 6) == 0 && line_end[-1] == '}')
        if (!json_parser_load_from_data (parser, p + 6, line_end - p - 6, NULL))
          g_error ("The bench stream has an event json-glib cannot parse");
      p = line_end + 1;
    }
  return thread_cpu_seconds () - start;
}

static void
set_body (Server *server,
          GBytes *body)
{
  g_mutex_lock (&server->lock);
  g_clear_pointer (&server->body, g_bytes_unref);
  server->body = g_bytes_ref (body);
  g_mutex_unlock (&server->lock);
}

static double
best_of (double *values)
{
  double best = values[0];

  for (guint i = 1; i < RUNS; i++)
    best = MIN (best, values[i]);
  return best;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *frag = NULL;
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  const gsize sizes[] = { 100 * 1024, 1024 * 1024 };
  const char *framing_names[] = { "OpenAI", "Anthropic" };
  Server server = { 0 };
  guint port;
  double per_mb[2][2] = { { 0 } };

  g_autofree char *dir = g_path_get_dirname (argv[0]);

  frag = argc > 1 ? g_strdup (argv[1]) : g_build_filename (dir, "..", "src", "cli", "frag", NULL);
  if (!g_file_test (frag, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("No frag at %s", frag);
  if (curl == NULL)
    g_error ("curl is needed for the floor (apt-get install curl)");

  g_mutex_init (&server.lock);
  server.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (server.listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (server.listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (server.listener, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_thread_unref (g_thread_new ("bench-server", serve_worker, &server));

  printf ("bench-stream: frag generate vs floor (curl + json-glib per event), %d-byte deltas, best of %d\n",
          DELTA_BYTES, RUNS);
  printf ("%-10s %8s %9s %10s %10s %11s %11s %7s\n",
          "framing", "code", "events", "frag CPU", "floor CPU", "frag s/MB", "floor s/MB", "ratio");

  for (guint f = 0; f < 2; f++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        g_autofree char *fragment = make_fragment (sizes[s]);
        g_autofree char *base_url = NULL;
        g_autofree char *url = NULL;
        g_autoptr(GBytes) body = NULL;
        double frag_cpu[RUNS];
        double floor_cpu[RUNS];
        double code_mb = sizes[s] / (1024.0 * 1024.0);
        guint n_events = 0;

        body = make_stream (fragment, (Framing)f, &n_events);
        set_body (&server, body);
        base_url = g_strdup_printf ("http://127.0.0.1:%u/v1", port);
        url = g_strdup_printf ("%s/%s", base_url, f == FRAMING_OPENAI ? "chat/completions" : "messages");

        for (guint r = 0; r < RUNS; r++)
          {
            const char *frag_argv[] = { frag, "generate", "--provider", f == FRAMING_OPENAI ? "openai" : "anthropic",
                                        "--model", f == FRAMING_OPENAI ? "gpt-4o" : "claude-sonnet-4-20250514",
                                        "--base-url", base_url, "benchmark", NULL };
            const char *frag_env[] = { "OPENAI_API_KEY=bench", "ANTHROPIC_API_KEY=bench",
                                       "GIO_USE_PROXY_RESOLVER=dummy", NULL };
            const char *curl_argv[] = { curl, "-s", "-N", "-o", "/dev/null", "-X", "POST",
                                        "-H", "Content-Type: application/json", "-d", "{}", url, NULL };

            frag_cpu[r] = run_child_cpu (frag_argv, frag_env);
            floor_cpu[r] = run_child_cpu (curl_argv, NULL) + parse_events_cpu (body);
          }

        per_mb[f][s] = best_of (frag_cpu) / code_mb;
        printf ("%-10s %7zuK %9u %9.3fs %9.3fs %10.3fs %10.3fs %6.2fx\n",
                framing_names[f], sizes[s] / 1024, n_events, best_of (frag_cpu), best_of (floor_cpu),
                per_mb[f][s], best_of (floor_cpu) / code_mb, best_of (frag_cpu) / best_of (floor_cpu));
      }

  for (guint f = 0; f < 2; f++)
    printf ("%s: per-MB cost growth 100K → 1M: %.2fx (goal ≤ 1.3x)\n",
            framing_names[f], per_mb[f][1] / per_mb[f][0]);

  g_socket_close (server.listener, NULL);
  return 0;
}
