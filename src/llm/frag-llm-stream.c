/* frag-llm-stream.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-llm"

#include "config.h"

#include <string.h>

#include "frag-errors.h"
#include "frag-llm-errors.h"
#include "frag-llm-stream.h"

/* Big reads: the body is parsed incrementally anyway, and fewer wake-ups cost less. */
#define READ_SIZE (64 * 1024)
/* An error body is only quoted; a proxy's endless page must not be read forever. */
#define MAX_ERROR_BODY (256 * 1024)

typedef struct
{
  SoupMessage               *message;
  FragGeneration            *generation;
  GInputStream              *stream;
  char                      *provider_name;
  char                      *api_key;
  const FragLlmDecoderFuncs *funcs;
  gpointer                   decoder;
  GDestroyNotify             decoder_free;
  /* Every I/O call uses this one, so the stall timer and the caller's cancellable can
   * both stop the request. */
  GCancellable              *io_cancellable;
  GCancellable              *caller_cancellable;
  gulong                     caller_cancelled_id;
  GSource                   *stall_source;
  GByteArray                *error_body;
  guint                      stall_timeout_ms;
  gboolean                   expect_event_stream;
  gboolean                   stalled;
  gboolean                   got_response;
} StreamData;

static void
stream_data_free (StreamData *data)
{
  if (data->caller_cancelled_id != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_cancelled_id);
  if (data->stall_source != NULL)
    {
      g_source_destroy (data->stall_source);
      g_source_unref (data->stall_source);
    }
  if (data->decoder_free != NULL && data->decoder != NULL)
    data->decoder_free (data->decoder);
  if (data->api_key != NULL)
    explicit_bzero (data->api_key, strlen (data->api_key));
  g_free (data->api_key);
  g_free (data->provider_name);
  g_clear_object (&data->message);
  g_clear_object (&data->generation);
  g_clear_object (&data->stream);
  g_clear_object (&data->io_cancellable);
  g_clear_object (&data->caller_cancellable);
  g_clear_pointer (&data->error_body, g_byte_array_unref);
  g_free (data);
}

static gboolean
stall_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  return callback (user_data);
}

/* A source driven only by its ready time, so restarting the timer on each chunk is one
 * field update instead of a new timeout source. */
static GSourceFuncs stall_source_funcs = {
  NULL, NULL, stall_source_dispatch, NULL, NULL, NULL,
};

static gboolean
on_stall_cb (gpointer user_data)
{
  StreamData *data = user_data;

  g_debug ("%s: no byte for %u ms, giving up", data->provider_name, data->stall_timeout_ms);
  data->stalled = TRUE;
  g_source_set_ready_time (data->stall_source, -1);
  g_cancellable_cancel (data->io_cancellable);
  return G_SOURCE_CONTINUE;
}

static void
restart_stall_timer (StreamData *data)
{
  g_source_set_ready_time (data->stall_source,
                           g_get_monotonic_time () + (gint64)data->stall_timeout_ms * 1000);
}

static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
return_error (GTask  *task,
              GError *error)
{
  StreamData *data = g_task_get_task_data (task);

  frag_llm_redact_error (error, data->api_key);
  g_task_return_error (task, error);
}

/* A failed send or read: the stall timer, the caller, or the network. */
static void
return_transport_error (GTask  *task,
                        GError *error)
{
  StreamData *data = g_task_get_task_data (task);

  if (data->stalled)
    {
      g_error_free (error);
      return_error (task, g_error_new (FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_STALLED,
                                       "%s: the stream stalled (no data for %.1f s)",
                                       data->provider_name, data->stall_timeout_ms / 1000.0));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  return_error (task, g_error_new (FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK,
                                   data->got_response
                                   ? "%s: the connection dropped during the stream: %s"
                                   : "%s: could not connect: %s",
                                   data->provider_name, error->message));
  g_error_free (error);
}

static void read_next_chunk (GTask *task);
static void read_error_body (GTask *task);

static void
return_error_response (GTask *task)
{
  StreamData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&data->error_body));
  guint status = soup_message_get_status (data->message);
  double retry_after = -1;
  GError *error;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      gboolean is_error = json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                                      g_bytes_get_size (body), NULL) &&
                          frag_llm_frame_is_error (json_parser_get_root (parser));

      if (!is_error)
        {
          return_error (task, g_error_new (FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
                                           "%s: the server answered with plain JSON instead of "
                                           "an event stream", data->provider_name));
          return;
        }
    }

  error = frag_llm_error_from_response (data->provider_name, status,
                                        soup_message_get_response_headers (data->message),
                                        body, &retry_after);
  if (retry_after >= 0)
    frag_generation_set_retry_after (data->generation, retry_after);
  return_error (task, error);
}

static void
read_error_body_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StreamData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      return_transport_error (task, error);
      return;
    }

  restart_stall_timer (data);
  if (g_bytes_get_size (bytes) == 0 ||
      data->error_body->len + g_bytes_get_size (bytes) > MAX_ERROR_BODY)
    {
      gsize room = MAX_ERROR_BODY - data->error_body->len;

      g_byte_array_append (data->error_body, g_bytes_get_data (bytes, NULL),
                           MIN (room, g_bytes_get_size (bytes)));
      return_error_response (task);
      return;
    }

  g_byte_array_append (data->error_body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  read_error_body (g_steal_pointer (&task));
}

static void
read_error_body (GTask *task)
{
  StreamData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, READ_SIZE, G_PRIORITY_DEFAULT,
                                   data->io_cancellable, read_error_body_cb, task);
}

static void
read_chunk_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StreamData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gboolean done = FALSE;
  gsize length;
  const char *chunk;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      return_transport_error (task, error);
      return;
    }

  chunk = g_bytes_get_data (bytes, &length);
  if (length == 0)
    {
      if (data->funcs->end (data->decoder, &error))
        g_task_return_boolean (task, TRUE);
      else
        return_error (task, error);
      return;
    }

  restart_stall_timer (data);
  frag_generation_add_bytes_received (data->generation, length);

  if (!data->funcs->feed (data->decoder, chunk, length, &done, &error))
    {
      return_error (task, error);
      return;
    }
  if (done)
    {
      /* Anything after the end marker is ignored; dropping the stream closes the
       * connection if the server had more to say. */
      g_task_return_boolean (task, TRUE);
      return;
    }

  read_next_chunk (g_steal_pointer (&task));
}

static void
read_next_chunk (GTask *task)
{
  StreamData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, READ_SIZE, G_PRIORITY_DEFAULT,
                                   data->io_cancellable, read_chunk_cb, task);
}

static gboolean
is_json_content_type (SoupMessage *message)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                            NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StreamData *data = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  data->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (data->stream == NULL)
    {
      return_transport_error (task, error);
      return;
    }

  data->got_response = TRUE;
  restart_stall_timer (data);
  status = soup_message_get_status (data->message);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status) ||
      (data->expect_event_stream && is_json_content_type (data->message)))
    {
      data->error_body = g_byte_array_new ();
      read_error_body (g_steal_pointer (&task));
      return;
    }

  read_next_chunk (g_steal_pointer (&task));
}

void
frag_llm_stream_async (SoupSession                *session,
                       SoupMessage                *message,
                       FragGeneration             *generation,
                       const FragLlmStreamOptions *options,
                       const FragLlmDecoderFuncs  *funcs,
                       gpointer                    decoder,
                       GDestroyNotify              decoder_free,
                       GCancellable               *cancellable,
                       GAsyncReadyCallback         callback,
                       gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  StreamData *data;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (message));
  g_return_if_fail (FRAG_IS_GENERATION (generation));
  g_return_if_fail (options != NULL && options->stall_timeout_ms > 0);
  g_return_if_fail (funcs != NULL);

  data = g_new0 (StreamData, 1);
  data->message = g_object_ref (message);
  data->generation = g_object_ref (generation);
  data->provider_name = g_strdup (options->provider_name);
  data->api_key = g_strdup (options->api_key);
  data->stall_timeout_ms = options->stall_timeout_ms;
  data->expect_event_stream = options->expect_event_stream;
  data->funcs = funcs;
  data->decoder = decoder;
  data->decoder_free = decoder_free;
  data->io_cancellable = g_cancellable_new ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_llm_stream_async);
  g_task_set_task_data (task, data, (GDestroyNotify)stream_data_free);

  /* The stall timer covers the whole request, the wait for the response headers
   * included: a server that accepts and then says nothing has stalled too. */
  data->stall_source = g_source_new (&stall_source_funcs, sizeof (GSource));
  g_source_set_static_name (data->stall_source, "[frag-llm] stall timer");
  g_source_set_callback (data->stall_source, on_stall_cb, data, NULL);
  restart_stall_timer (data);
  g_source_attach (data->stall_source, g_main_context_get_thread_default ());

  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (on_caller_cancelled_cb),
                                                         g_object_ref (data->io_cancellable),
                                                         g_object_unref);
    }

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, data->io_cancellable,
                           send_cb, g_steal_pointer (&task));
}

gboolean
frag_llm_stream_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == frag_llm_stream_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

SoupSession *
frag_llm_session_new (void)
{
  return soup_session_new_with_options ("user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                        "timeout", 0,
                                        NULL);
}

SoupMessage *
frag_llm_new_json_post (const char  *url,
                        const char  *body,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage *message;
  const char *scheme;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_REQUEST,
                   "Not a usable http(s) URL: %s", url);
      return NULL;
    }

  message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  bytes = g_bytes_new (body, length);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  return message;
}
