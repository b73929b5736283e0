/* frag-e2b-process.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-e2b-process"

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "frag-connect-envelope.h"
#include "frag-e2b-process.h"
#include "frag-output-tail.h"

#define READ_CHUNK           16384
/* A Connect message larger than this is not an envd event: give up, do not buffer it. */
#define MAX_ENVELOPE_BYTES   (16 * 1024 * 1024)
/* envd sends a keepalive after this many seconds of silence (§3.8). */
#define KEEPALIVE_SECONDS    "50"
#define ENVD_USER_AUTHORIZATION "Basic dXNlcjo="

struct _FragE2bProcess
{
  GObject             parent_instance;

  FragE2bClient      *client;
  FragE2bSandboxInfo *info;
  char               *command;
  GHashTable         *envs;
  char               *cwd;
  guint               timeout_ms;

  SoupMessage        *message;
  GInputStream       *stream;
  FragConnectDecoder *decoder;
  GString            *partial[2];
  FragOutputTail     *stderr_tail;
  gboolean            got_start;
  gboolean            got_end;
  int                 exit_code;
};

G_DEFINE_FINAL_TYPE (FragE2bProcess, frag_e2b_process, G_TYPE_OBJECT)

enum {
  STARTED,
  OUTPUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* envd ≥ 0.3.0 honours "stdin": false (a command that reads stdin then gets EOF instead
 * of hanging); older envd would reject it (§3.6). */
static gboolean
envd_supports_stdin_flag (const char *version)
{
  guint major = 0, minor = 0;

  if (version == NULL || sscanf (version, "%u.%u", &major, &minor) < 2)
    return FALSE;
  return major > 0 || minor >= 3;
}

char *
frag_e2b_process_dup_request_json (FragE2bProcess *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "process");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cmd");
  json_builder_add_string_value (builder, "/bin/bash");
  json_builder_set_member_name (builder, "args");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "-l");
  json_builder_add_string_value (builder, "-c");
  json_builder_add_string_value (builder, self->command);
  json_builder_end_array (builder);
  if (self->envs != NULL && g_hash_table_size (self->envs) > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      json_builder_set_member_name (builder, "envs");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, self->envs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
    }
  if (self->cwd != NULL)
    {
      json_builder_set_member_name (builder, "cwd");
      json_builder_add_string_value (builder, self->cwd);
    }
  json_builder_end_object (builder);
  if (envd_supports_stdin_flag (self->info->envd_version))
    {
      json_builder_set_member_name (builder, "stdin");
      json_builder_add_boolean_value (builder, FALSE);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
emit_output (FragE2bProcess    *self,
             FragSandboxStream  stream,
             const guint8      *bytes,
             gsize              length,
             gboolean           at_end)
{
  GString *partial = self->partial[stream];
  const char *end = NULL;
  g_autofree char *text = NULL;
  gsize valid;

  g_string_append_len (partial, (const char *)bytes, length);
  if (partial->len == 0)
    return;
  if (g_utf8_validate_len (partial->str, partial->len, &end) || at_end)
    valid = partial->len;
  else
    {
      /* Hold back only a sequence cut at the end of this chunk (§3.6: chunks may split
       * UTF-8); anything else invalid is replaced. */
      valid = end - partial->str;
      if (partial->len - valid > 3)
        valid = partial->len;
    }
  if (valid == 0)
    return;
  text = g_utf8_make_valid (partial->str, valid);
  g_string_erase (partial, 0, valid);
  if (stream == FRAG_SANDBOX_STREAM_STDERR)
    frag_output_tail_append (self->stderr_tail, text);
  g_signal_emit (self, signals[OUTPUT], 0, stream, text);
}

static void
emit_data (FragE2bProcess    *self,
           FragSandboxStream  stream,
           const char        *base64)
{
  g_autofree guchar *bytes = NULL;
  gsize length = 0;

  bytes = g_base64_decode (base64, &length);
  emit_output (self, stream, bytes, length, FALSE);
}

/* Applies one event; FALSE with error when the stream is over badly. */
static gboolean
apply_message (FragE2bProcess  *self,
               guint8           flags,
               GBytes          *payload,
               GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonObject *event;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                   "envd sent a message that is not a JSON object");
      return FALSE;
    }
  object = json_node_get_object (json_parser_get_root (parser));

  if (flags & FRAG_CONNECT_FLAG_END_STREAM)
    {
      JsonObject *end_error = json_object_has_member (object, "error")
                              ? json_object_get_object_member (object, "error") : NULL;

      if (end_error != NULL)
        {
          const char *code = json_object_get_string_member_with_default (end_error, "code", "unknown");
          const char *message = json_object_get_string_member_with_default (end_error, "message", "");

          g_set_error (error, FRAG_SANDBOX_ERROR,
                       g_str_equal (code, "unavailable") ? FRAG_SANDBOX_ERROR_GONE
                       : g_str_equal (code, "deadline_exceeded") ? FRAG_SANDBOX_ERROR_TIME_LIMIT
                       : g_str_equal (code, "unauthenticated") ? FRAG_SANDBOX_ERROR_AUTH
                       : FRAG_SANDBOX_ERROR_FAILED,
                       "The command failed in the sandbox (%s: %s)", code, message);
          return FALSE;
        }
      return TRUE;
    }

  if (!json_object_has_member (object, "event")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "event")))
    return TRUE;
  event = json_object_get_object_member (object, "event");

  if (json_object_has_member (event, "start"))
    {
      JsonObject *start = json_object_get_object_member (event, "start");

      self->got_start = TRUE;
      g_signal_emit (self, signals[STARTED], 0,
                     start != NULL ? (guint)json_object_get_int_member_with_default (start, "pid", 0) : 0);
    }
  else if (json_object_has_member (event, "data"))
    {
      JsonObject *data = json_object_get_object_member (event, "data");

      if (data != NULL && json_object_has_member (data, "stdout"))
        emit_data (self, FRAG_SANDBOX_STREAM_STDOUT, json_object_get_string_member (data, "stdout"));
      else if (data != NULL && json_object_has_member (data, "stderr"))
        emit_data (self, FRAG_SANDBOX_STREAM_STDERR, json_object_get_string_member (data, "stderr"));
      else if (data != NULL && json_object_has_member (data, "pty"))
        emit_data (self, FRAG_SANDBOX_STREAM_STDOUT, json_object_get_string_member (data, "pty"));
    }
  else if (json_object_has_member (event, "end"))
    {
      JsonObject *end = json_object_get_object_member (event, "end");

      /* Zero values are omitted: no exitCode means 0 (§3.3). */
      self->got_end = TRUE;
      self->exit_code = end != NULL ? (int)json_object_get_int_member_with_default (end, "exitCode", 0) : 0;
      emit_output (self, FRAG_SANDBOX_STREAM_STDOUT, NULL, 0, TRUE);
      emit_output (self, FRAG_SANDBOX_STREAM_STDERR, NULL, 0, TRUE);
    }
  /* keepalive and unknown events: nothing to do. */
  return TRUE;
}

static void
finish_stream (FragE2bProcess *self)
{
  if (self->stream != NULL)
    g_input_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->stream);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragE2bProcess *self = g_task_get_source_object (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint8 flags;
  GBytes *payload;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      finish_stream (self);
      g_task_return_error (task, frag_e2b_error_from_transport (g_steal_pointer (&error), "the sandbox"));
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      /* The body ended. With an end event that is success; without one the connection
       * dropped (or the sandbox died) mid-command. */
      finish_stream (self);
      if (self->got_end)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_NETWORK,
                                 "The connection to the sandbox ended before the command did");
      return;
    }

  frag_connect_decoder_feed (self->decoder, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  while (frag_connect_decoder_next (self->decoder, &flags, &payload))
    {
      gboolean ok = apply_message (self, flags, payload, &error);

      g_bytes_unref (payload);
      if (!ok)
        {
          finish_stream (self);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (flags & FRAG_CONNECT_FLAG_END_STREAM)
        {
          finish_stream (self);
          if (self->got_end)
            g_task_return_boolean (task, TRUE);
          else
            g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                                     "envd ended the stream without the command's end");
          return;
        }
    }
  if (frag_connect_decoder_get_pending (self->decoder) > MAX_ENVELOPE_BYTES)
    {
      finish_stream (self);
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                               "envd sent an oversized message");
      return;
    }
  g_input_stream_read_bytes_async (self->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_cb, g_object_ref (task));
}

static void
error_body_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragE2bProcess *self = g_task_get_source_object (task);
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  finish_stream (self);
  g_task_return_error (task, frag_e2b_error_from_response (FRAG_E2B_CALL_ENVD,
                                                           soup_message_get_status (self->message), NULL,
                                                           body != NULL ? g_bytes_get_data (body, NULL) : NULL,
                                                           body != NULL ? g_bytes_get_size (body) : 0));
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragE2bProcess *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (self->stream == NULL)
    {
      g_task_return_error (task, frag_e2b_error_from_transport (g_steal_pointer (&error), "the sandbox"));
      return;
    }
  /* Non-200 comes from in front of the RPC (token check, edge); RPC errors arrive in
   * the end-of-stream message of a 200 (§3.5). */
  if (soup_message_get_status (self->message) != SOUP_STATUS_OK)
    {
      g_input_stream_read_bytes_async (self->stream, 64 * 1024, G_PRIORITY_DEFAULT,
                                       g_task_get_cancellable (task), error_body_cb, g_object_ref (task));
      return;
    }
  g_input_stream_read_bytes_async (self->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_cb, g_object_ref (task));
}

void
frag_e2b_process_run_async (FragE2bProcess      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *json = NULL;
  SoupMessageHeaders *headers;

  g_return_if_fail (FRAG_IS_E2B_PROCESS (self));
  g_return_if_fail (self->message == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_e2b_process_run_async);

  base = frag_e2b_client_dup_port_url (self->client, self->info, FRAG_E2B_ENVD_PORT);
  url = g_strconcat (base, "/process.Process/Start", NULL);
  self->message = soup_message_new (SOUP_METHOD_POST, url);
  if (self->message == NULL)
    {
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                               "The sandbox URL is not valid (check FRAG_E2B_SANDBOX_URL)");
      return;
    }
  frag_e2b_client_add_sandbox_headers (self->client, self->message, self->info, FRAG_E2B_ENVD_PORT);
  headers = soup_message_get_request_headers (self->message);
  soup_message_headers_replace (headers, "Connect-Protocol-Version", "1");
  soup_message_headers_replace (headers, "Keepalive-Ping-Interval", KEEPALIVE_SECONDS);
  soup_message_headers_replace (headers, "Authorization", ENVD_USER_AUTHORIZATION);
  if (self->timeout_ms > 0)
    {
      g_autofree char *timeout = g_strdup_printf ("%u", self->timeout_ms);

      soup_message_headers_replace (headers, "Connect-Timeout-Ms", timeout);
    }
  json = frag_e2b_process_dup_request_json (self);
  soup_message_set_request_body_from_bytes (self->message, "application/connect+json",
                                            frag_connect_envelope_encode (json, strlen (json)));
  soup_session_send_async (frag_e2b_client_get_session (self->client), self->message,
                           G_PRIORITY_DEFAULT, cancellable, send_cb, g_steal_pointer (&task));
}

gboolean
frag_e2b_process_run_finish (FragE2bProcess  *self,
                             GAsyncResult    *result,
                             int             *exit_code,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (exit_code != NULL)
    *exit_code = self->exit_code;
  return TRUE;
}

const char *
frag_e2b_process_get_stderr_tail (FragE2bProcess *self)
{
  g_return_val_if_fail (FRAG_IS_E2B_PROCESS (self), NULL);
  return frag_output_tail_get_text (self->stderr_tail);
}

static void
frag_e2b_process_finalize (GObject *object)
{
  FragE2bProcess *self = (FragE2bProcess *)object;

  g_clear_object (&self->client);
  frag_e2b_sandbox_info_free (self->info);
  g_free (self->command);
  g_clear_pointer (&self->envs, g_hash_table_unref);
  g_free (self->cwd);
  g_clear_object (&self->message);
  g_clear_object (&self->stream);
  frag_connect_decoder_free (self->decoder);
  g_string_free (self->partial[0], TRUE);
  g_string_free (self->partial[1], TRUE);
  frag_output_tail_free (self->stderr_tail);

  G_OBJECT_CLASS (frag_e2b_process_parent_class)->finalize (object);
}

static void
frag_e2b_process_class_init (FragE2bProcessClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_e2b_process_finalize;

  signals[STARTED] =
    g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, FRAG_TYPE_SANDBOX_STREAM, G_TYPE_STRING);
}

static void
frag_e2b_process_init (FragE2bProcess *self)
{
  self->decoder = frag_connect_decoder_new ();
  self->partial[0] = g_string_new (NULL);
  self->partial[1] = g_string_new (NULL);
  self->stderr_tail = frag_output_tail_new (20, 4096);
  self->exit_code = -1;
}

FragE2bProcess *
frag_e2b_process_new (FragE2bClient            *client,
                      const FragE2bSandboxInfo *info,
                      const char               *command,
                      GHashTable               *envs,
                      const char               *cwd,
                      guint                     timeout_ms)
{
  FragE2bProcess *self;

  g_return_val_if_fail (FRAG_IS_E2B_CLIENT (client), NULL);
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (command != NULL, NULL);

  self = g_object_new (FRAG_TYPE_E2B_PROCESS, NULL);
  self->client = g_object_ref (client);
  self->info = frag_e2b_sandbox_info_copy (info);
  self->command = g_strdup (command);
  self->envs = envs != NULL ? g_hash_table_ref (envs) : NULL;
  self->cwd = g_strdup (cwd);
  self->timeout_ms = timeout_ms;
  return self;
}
