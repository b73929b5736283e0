/* llm-test-server.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "llm-test-server.h"

struct _LlmTestServer
{
  SoupServer         *server;
  guint               port;
  /* The scripted reply. */
  guint               status;
  char               *content_type;
  GBytes             *body;
  GPtrArray          *headers;       /* name, value, name, value… */
  gsize               chunk_size;
  LlmTestEnding       ending;
  /* The last request. */
  guint               n_requests;
  char               *method;
  char               *path;
  char               *query;
  SoupMessageHeaders *request_headers;
  char               *request_body;
  JsonNode           *request_json;
  gboolean            finished;
  GSource            *pump;
  gpointer            pump_reply;
};

typedef struct
{
  LlmTestServer     *server;
  SoupServerMessage *message;
  gsize              offset;
  guint              chunks_pending;
  gboolean           all_appended;
} Reply;

static void
reply_free (Reply *reply)
{
  g_object_unref (reply->message);
  g_free (reply);
}

static void
end_reply (Reply *reply)
{
  SoupMessageBody *body = soup_server_message_get_response_body (reply->message);

  switch (reply->server->ending)
    {
    case LLM_TEST_END_COMPLETE:
      soup_message_body_complete (body);
      soup_server_message_unpause (reply->message);
      break;
    case LLM_TEST_END_DROP:
      g_socket_shutdown (soup_server_message_get_socket (reply->message), TRUE, TRUE, NULL);
      break;
    case LLM_TEST_END_HANG:
    default:
      break;
    }
}

static void
on_wrote_chunk_cb (SoupServerMessage *message,
                   Reply             *reply)
{
  if (reply->chunks_pending > 0)
    reply->chunks_pending--;
  /* Drop only once everything is on the wire, so the client sees the whole body first. */
  if (reply->all_appended && reply->chunks_pending == 0 && reply->server->ending == LLM_TEST_END_DROP)
    end_reply (reply);
}

static void
on_finished_cb (SoupServerMessage *message,
                Reply             *reply)
{
  LlmTestServer *self = reply->server;

  self->finished = TRUE;
  if (self->pump != NULL && self->pump_reply == reply)
    {
      g_source_destroy (self->pump);
      self->pump = NULL;
    }
  /* Drops the reply and, with it, its reference on the message. */
  g_object_set_data (G_OBJECT (message), "llm-test-reply", NULL);
}

static gboolean
pump_cb (gpointer user_data)
{
  Reply *reply = user_data;
  LlmTestServer *self = reply->server;
  gsize total = g_bytes_get_size (self->body);
  gsize piece = self->chunk_size > 0 ? self->chunk_size : total;
  const char *data = g_bytes_get_data (self->body, NULL);

  if (reply->offset < total)
    {
      gsize n = MIN (piece, total - reply->offset);

      soup_message_body_append (soup_server_message_get_response_body (reply->message),
                                SOUP_MEMORY_COPY, data + reply->offset, n);
      reply->chunks_pending++;
      reply->offset += n;
      soup_server_message_unpause (reply->message);
      if (reply->offset < total)
        return G_SOURCE_CONTINUE;
    }

  reply->all_appended = TRUE;
  if (self->ending != LLM_TEST_END_DROP || reply->chunks_pending == 0)
    end_reply (reply);
  self->pump = NULL;
  return G_SOURCE_REMOVE;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  LlmTestServer *self = user_data;
  SoupMessageBody *request_body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) flat = soup_message_body_flatten (request_body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (message);
  Reply *reply;

  self->n_requests++;
  self->finished = FALSE;
  g_free (self->method);
  self->method = g_strdup (soup_server_message_get_method (message));
  g_free (self->path);
  self->path = g_strdup (path);
  g_free (self->query);
  self->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (message)));
  g_clear_pointer (&self->request_headers, soup_message_headers_unref);
  self->request_headers = soup_message_headers_ref (soup_server_message_get_request_headers (message));
  g_free (self->request_body);
  self->request_body = g_strndup (g_bytes_get_data (flat, NULL), g_bytes_get_size (flat));
  g_clear_pointer (&self->request_json, json_node_unref);
  if (json_parser_load_from_data (parser, self->request_body, -1, NULL))
    self->request_json = json_node_ref (json_parser_get_root (parser));

  soup_server_message_set_status (message, self->status, NULL);
  if (self->content_type != NULL)
    soup_message_headers_replace (response_headers, "Content-Type", self->content_type);
  for (guint i = 0; i + 1 < self->headers->len; i += 2)
    soup_message_headers_append (response_headers, g_ptr_array_index (self->headers, i),
                                 g_ptr_array_index (self->headers, i + 1));
  soup_message_headers_set_encoding (response_headers, SOUP_ENCODING_CHUNKED);

  reply = g_new0 (Reply, 1);
  reply->server = self;
  reply->message = g_object_ref (message);
  g_signal_connect (message, "wrote-chunk", G_CALLBACK (on_wrote_chunk_cb), reply);
  /* reply holds a ref on message and message owns reply: the cycle is broken when the
   * message finishes. */
  g_object_set_data_full (G_OBJECT (message), "llm-test-reply", reply, (GDestroyNotify)reply_free);
  g_signal_connect (message, "finished", G_CALLBACK (on_finished_cb), reply);

  soup_server_message_pause (message);
  g_clear_pointer (&self->pump, g_source_destroy);
  self->pump = g_timeout_source_new (0);
  self->pump_reply = reply;
  g_source_set_callback (self->pump, pump_cb, reply, NULL);
  g_source_attach (self->pump, g_main_context_get_thread_default ());
  g_source_unref (self->pump);
}

LlmTestServer *
llm_test_server_new (void)
{
  LlmTestServer *self = g_new0 (LlmTestServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->server = soup_server_new (NULL, NULL);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->status = 200;
  self->body = g_bytes_new (NULL, 0);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  g_assert_true (soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return self;
}

void
llm_test_server_free (LlmTestServer *self)
{
  if (self->pump != NULL)
    g_source_destroy (self->pump);
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_free (self->content_type);
  g_bytes_unref (self->body);
  g_ptr_array_unref (self->headers);
  g_free (self->method);
  g_free (self->path);
  g_free (self->query);
  g_clear_pointer (&self->request_headers, soup_message_headers_unref);
  g_free (self->request_body);
  g_clear_pointer (&self->request_json, json_node_unref);
  g_free (self);
}

char *
llm_test_server_get_url (LlmTestServer *self,
                         const char    *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", self->port, path);
}

void
llm_test_server_set_reply (LlmTestServer *self,
                           guint          status,
                           const char    *content_type,
                           const char    *body,
                           gssize         length)
{
  self->status = status;
  g_free (self->content_type);
  self->content_type = g_strdup (content_type);
  g_bytes_unref (self->body);
  self->body = g_bytes_new (body, length < 0 ? strlen (body) : (gsize)length);
}

void
llm_test_server_add_reply_header (LlmTestServer *self,
                                  const char    *name,
                                  const char    *value)
{
  g_ptr_array_add (self->headers, g_strdup (name));
  g_ptr_array_add (self->headers, g_strdup (value));
}

void
llm_test_server_set_chunk_size (LlmTestServer *self,
                                gsize          chunk_size)
{
  self->chunk_size = chunk_size;
}

void
llm_test_server_set_ending (LlmTestServer *self,
                            LlmTestEnding  ending)
{
  self->ending = ending;
}

guint
llm_test_server_get_n_requests (LlmTestServer *self)
{
  return self->n_requests;
}

const char *
llm_test_server_get_method (LlmTestServer *self)
{
  return self->method;
}

const char *
llm_test_server_get_path (LlmTestServer *self)
{
  return self->path;
}

const char *
llm_test_server_get_query (LlmTestServer *self)
{
  return self->query;
}

const char *
llm_test_server_get_header (LlmTestServer *self,
                            const char    *name)
{
  g_assert_nonnull (self->request_headers);
  return soup_message_headers_get_one (self->request_headers, name);
}

const char *
llm_test_server_get_body (LlmTestServer *self)
{
  return self->request_body;
}

JsonNode *
llm_test_server_get_json (LlmTestServer *self)
{
  g_assert_nonnull (self->request_json);
  return self->request_json;
}

gboolean
llm_test_server_reply_finished (LlmTestServer *self)
{
  return self->finished;
}

void
llm_test_init (int    *argc,
               char ***argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

void
llm_test_server_wait_reply_finished (LlmTestServer *self,
                                     guint          timeout_ms)
{
  llm_test_wait_for (&self->finished, timeout_ms);
}

char *
llm_test_read_fixture (const char *name,
                       gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "llm", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
llm_test_wait_for (gboolean *flag,
                   guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_wait_timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}
