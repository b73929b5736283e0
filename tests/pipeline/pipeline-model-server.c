/* pipeline-model-server.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pipeline-model-server.h"

typedef struct
{
  guint  status;
  char  *error_type;
  char  *error_message;
  char  *retry_after;
  char  *content;
  guint  n_chunks;
  guint  interval_ms;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->error_type);
  g_free (reply->error_message);
  g_free (reply->retry_after);
  g_free (reply->content);
  g_free (reply);
}

struct _PipelineModelServer
{
  SoupServer        *server;
  guint              port;
  EventLog          *log;
  GQueue             replies;
  guint              n_requests;
  JsonNode          *request;
  char              *auth;
  PipelineModelHook  hook;
  gpointer           hook_data;
  GPtrArray         *streams;     /* in flight, so freeing the server stops them */
};

typedef struct
{
  PipelineModelServer *server;
  SoupServerMessage   *message;
  Reply               *reply;
  guint                next;
  gsize                offset;
  guint                source;
} Stream;

#define EVENT_HEAD "data: {\"id\":\"chatcmpl-pipe\",\"object\":\"chat.completion.chunk\",\"created\":1," \
                   "\"model\":\"gpt-test\",\"choices\":["
#define EVENT_TAIL "],\"usage\":null}\n\n"

static void
stream_free (Stream *stream)
{
  g_clear_handle_id (&stream->source, g_source_remove);
  g_object_unref (stream->message);
  reply_free (stream->reply);
  g_free (stream);
}

static void
append (Stream     *stream,
        const char *text)
{
  soup_message_body_append (soup_server_message_get_response_body (stream->message), SOUP_MEMORY_COPY,
                            text, strlen (text));
  soup_server_message_unpause (stream->message);
}

static gboolean
stream_tick_cb (gpointer user_data)
{
  Stream *stream = user_data;
  Reply *reply = stream->reply;
  gsize length = strlen (reply->content);
  gsize end;
  g_autofree char *piece = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *event = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  end = stream->next + 1 >= reply->n_chunks ? length : length * (stream->next + 1) / reply->n_chunks;
  while (end < length && (reply->content[end] & 0xc0) == 0x80)
    end++;
  piece = g_strndup (reply->content + stream->offset, end - stream->offset);
  json_node_set_string (node, piece);
  quoted = json_to_string (node, FALSE);
  event = g_strdup_printf (EVENT_HEAD "{\"index\":0,\"delta\":{\"content\":%s},\"logprobs\":null,"
                           "\"finish_reason\":null}" EVENT_TAIL, quoted);
  stream->offset = end;
  stream->next++;

  if (stream->next < reply->n_chunks)
    {
      append (stream, event);
      return G_SOURCE_CONTINUE;
    }

  if (stream->server->hook != NULL)
    stream->server->hook (stream->server->hook_data);
  if (stream->server->log != NULL)
    event_log_add (stream->server->log, "model:last-chunk");
  append (stream, event);
  append (stream, EVENT_HEAD "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}" EVENT_TAIL);
  append (stream, "data: {\"id\":\"chatcmpl-pipe\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                  "\"model\":\"gpt-test\",\"choices\":[],\"usage\":{\"prompt_tokens\":120,"
                  "\"completion_tokens\":80,\"total_tokens\":200}}\n\n");
  append (stream, "data: [DONE]\n\n");
  soup_message_body_complete (soup_server_message_get_response_body (stream->message));
  soup_server_message_unpause (stream->message);
  stream->source = 0;
  return G_SOURCE_REMOVE;
}

static void
on_finished_cb (SoupServerMessage *message,
                Stream            *stream)
{
  g_ptr_array_remove (stream->server->streams, stream);
}

static void
send_error (SoupServerMessage *message,
            Reply             *reply)
{
  g_autofree char *body = g_strdup_printf ("{\"error\":{\"message\":\"%s\",\"type\":\"%s\",\"param\":null,"
                                           "\"code\":null}}", reply->error_message, reply->error_type);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  if (reply->retry_after != NULL)
    soup_message_headers_replace (headers, "Retry-After", reply->retry_after);
  soup_server_message_set_status (message, reply->status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  PipelineModelServer *self = user_data;
  g_autoptr(GBytes) flat = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  Reply *reply;
  Stream *stream;

  if (!g_str_has_suffix (path, "/chat/completions"))
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }

  self->n_requests++;
  if (self->log != NULL)
    event_log_add (self->log, "model:request %u", self->n_requests);
  g_clear_pointer (&self->request, json_node_unref);
  if (json_parser_load_from_data (parser, g_bytes_get_data (flat, NULL), g_bytes_get_size (flat), NULL))
    self->request = json_node_ref (json_parser_get_root (parser));
  g_free (self->auth);
  self->auth = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                       "Authorization"));

  reply = g_queue_pop_head (&self->replies);
  if (reply == NULL)
    {
      soup_server_message_set_status (message, 500, NULL);
      return;
    }
  if (reply->status != 200)
    {
      send_error (message, reply);
      reply_free (reply);
      return;
    }

  soup_server_message_set_status (message, 200, NULL);
  soup_message_headers_replace (headers, "Content-Type", "text/event-stream");
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  stream = g_new0 (Stream, 1);
  stream->server = self;
  stream->message = g_object_ref (message);
  stream->reply = reply;
  g_ptr_array_add (self->streams, stream);
  g_signal_connect (message, "finished", G_CALLBACK (on_finished_cb), stream);
  soup_server_message_pause (message);
  append (stream, EVENT_HEAD "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                  "\"logprobs\":null,\"finish_reason\":null}" EVENT_TAIL);
  stream->source = g_timeout_add (reply->interval_ms, stream_tick_cb, stream);
}

PipelineModelServer *
pipeline_model_server_new (EventLog *log)
{
  PipelineModelServer *self = g_new0 (PipelineModelServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->log = log;
  g_queue_init (&self->replies);
  self->streams = g_ptr_array_new_with_free_func ((GDestroyNotify)stream_free);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("cannot listen on loopback: %s", error->message);
  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return self;
}

void
pipeline_model_server_free (PipelineModelServer *self)
{
  soup_server_disconnect (self->server);
  g_ptr_array_unref (self->streams);
  g_object_unref (self->server);
  g_queue_clear_full (&self->replies, (GDestroyNotify)reply_free);
  g_clear_pointer (&self->request, json_node_unref);
  g_free (self->auth);
  g_free (self);
}

char *
pipeline_model_server_dup_base_url (PipelineModelServer *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u/v1", self->port);
}

void
pipeline_model_server_queue_stream (PipelineModelServer *self,
                                    const char          *content,
                                    guint                n_chunks,
                                    guint                interval_ms)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = 200;
  reply->content = g_strdup (content);
  reply->n_chunks = MAX (n_chunks, 1);
  reply->interval_ms = interval_ms;
  g_queue_push_tail (&self->replies, reply);
}

void
pipeline_model_server_queue_error (PipelineModelServer *self,
                                   guint                status,
                                   const char          *type,
                                   const char          *message,
                                   const char          *retry_after)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->error_type = g_strdup (type);
  reply->error_message = g_strdup (message);
  reply->retry_after = g_strdup (retry_after);
  g_queue_push_tail (&self->replies, reply);
}

void
pipeline_model_server_set_last_hook (PipelineModelServer *self,
                                     PipelineModelHook    hook,
                                     gpointer             user_data)
{
  self->hook = hook;
  self->hook_data = user_data;
}

guint
pipeline_model_server_get_n_requests (PipelineModelServer *self)
{
  return self->n_requests;
}

JsonNode *
pipeline_model_server_get_request (PipelineModelServer *self)
{
  return self->request;
}

const char *
pipeline_model_server_get_auth (PipelineModelServer *self)
{
  return self->auth;
}
