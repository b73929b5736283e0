/* frag-port-probe.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-port-probe"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "frag-port-probe.h"

/* Backoff between attempts. E2B's edge itself spends about 1 s retrying its dial before
 * it answers "port is not open", so remote polls are naturally paced; the short first
 * delays matter for local servers, which usually bind within a few hundred ms. */
#define FIRST_DELAY_MS 100
#define MAX_DELAY_MS   1000
/* Enough of a 502 body to read the edge's JSON; an app's page is never read. */
#define MAX_BODY_BYTES 4096

struct _FragPortProbe
{
  GObject       parent_instance;

  SoupSession  *session;
  char         *url;
  int           port;
  char         *sandbox_id;
  guint         deadline_seconds;

  GTask        *task;              /* the wait in progress, or NULL */
  GMainContext *context;           /* where the wait runs */
  gulong        cancelled_id;
  GCancellable *attempt_cancellable;
  guint         deadline_id;
  guint         retry_id;
  guint         delay_ms;
  guint         attempts;
  char         *last_status;

  gboolean      postpone;          /* set by an "attempt" handler */
  gboolean      process_exited;
  int           exit_code;
  char         *last_stderr;
};

G_DEFINE_FINAL_TYPE (FragPortProbe, frag_port_probe, G_TYPE_OBJECT)

enum {
  ATTEMPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void attempt (FragPortProbe *self);

FragPortAnswer
frag_port_probe_classify (guint       status,
                          const char *body,
                          gsize       body_length)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *message;

  /* 409: the sandbox is pausing or resuming; it will answer later. */
  if (status == SOUP_STATUS_CONFLICT)
    return FRAG_PORT_ANSWER_NOT_YET;
  if (status != SOUP_STATUS_BAD_GATEWAY)
    return FRAG_PORT_ANSWER_READY;

  /* A 502 is never "ready": the edge's JSON says which kind it is; any other 502 (a bare
   * nginx page, plain text) counts as "not reachable yet" (spec §6.2). */
  if (body == NULL || body_length == 0)
    return FRAG_PORT_ANSWER_NOT_YET;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, body, body_length, NULL))
    return FRAG_PORT_ANSWER_NOT_YET;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FRAG_PORT_ANSWER_NOT_YET;
  object = json_node_get_object (root);
  if (json_object_has_member (object, "port"))
    return FRAG_PORT_ANSWER_NOT_YET;
  message = json_object_get_string_member_with_default (object, "message", "");
  if (strstr (message, "sandbox was not found") != NULL)
    return FRAG_PORT_ANSWER_GONE;
  return FRAG_PORT_ANSWER_NOT_YET;
}

static void
stop_timers (FragPortProbe *self)
{
  if (self->cancelled_id != 0 && self->task != NULL)
    g_cancellable_disconnect (g_task_get_cancellable (self->task), self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->attempt_cancellable != NULL)
    g_cancellable_cancel (self->attempt_cancellable);
  g_clear_object (&self->attempt_cancellable);
}

/* Ends the wait (exactly once) with success or error. */
static void
finish (FragPortProbe *self,
        GError        *error)
{
  g_autoptr(GTask) task = NULL;

  stop_timers (self);
  task = g_steal_pointer (&self->task);
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static GError *
process_exited_error (FragPortProbe *self)
{
  if (self->last_stderr != NULL && *self->last_stderr != '\0')
    return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED,
                        "The server exited with code %d before port %d answered:\n%s",
                        self->exit_code, self->port, self->last_stderr);
  return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED,
                      "The server exited with code %d before port %d answered",
                      self->exit_code, self->port);
}

static void
set_last_status (FragPortProbe *self,
                 char          *status)
{
  g_free (self->last_status);
  self->last_status = status;
}

static void
schedule_retry (FragPortProbe *self);

static void
handle_answer (FragPortProbe  *self,
               FragPortAnswer  answer)
{
  switch (answer)
    {
    case FRAG_PORT_ANSWER_READY:
      finish (self, NULL);
      break;
    case FRAG_PORT_ANSWER_GONE:
      finish (self, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE,
                                 "The sandbox is gone (expired or killed) while waiting for port %d",
                                 self->port));
      break;
    case FRAG_PORT_ANSWER_NOT_YET:
    default:
      schedule_retry (self);
      break;
    }
}

typedef struct
{
  FragPortProbe *self;     /* owned */
  SoupMessage   *message;  /* owned */
  GInputStream  *stream;   /* owned */
  GByteArray    *body;
} AttemptData;

static void
attempt_data_free (AttemptData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->message);
  g_clear_object (&data->stream);
  g_byte_array_unref (data->body);
  g_free (data);
}

static void
close_stream (GInputStream *stream)
{
  /* Closing without reading the rest drops the connection; fine for a probe. */
  g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
}

static void
read_body_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AttemptData *data = user_data;
  FragPortProbe *self = data->self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint status;
  FragPortAnswer answer;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->task == NULL)
    {
      attempt_data_free (data);
      return;
    }

  if (bytes != NULL && g_bytes_get_size (bytes) > 0 && data->body->len < MAX_BODY_BYTES)
    {
      g_byte_array_append (data->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_input_stream_read_bytes_async (data->stream, MAX_BODY_BYTES - MIN (data->body->len, MAX_BODY_BYTES),
                                       G_PRIORITY_DEFAULT, self->attempt_cancellable,
                                       read_body_cb, data);
      return;
    }

  /* End of body (or a read error: classify what we have). */
  close_stream (data->stream);
  status = soup_message_get_status (data->message);
  answer = frag_port_probe_classify (status, (const char *)data->body->data, data->body->len);
  set_last_status (self, g_strdup_printf ("%u %s", status,
                                          answer == FRAG_PORT_ANSWER_NOT_YET && status == SOUP_STATUS_BAD_GATEWAY
                                          ? "port is not open" : soup_message_get_reason_phrase (data->message)));
  handle_answer (self, answer);
  attempt_data_free (data);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AttemptData *data = user_data;
  FragPortProbe *self = data->self;
  g_autoptr(GError) error = NULL;
  guint status;

  data->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->task == NULL)
    {
      if (data->stream != NULL)
        close_stream (data->stream);
      attempt_data_free (data);
      return;
    }

  if (data->stream == NULL)
    {
      /* Refused, reset, closed before headers: nothing (yet) accepts on the port. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        set_last_status (self, g_strdup ("connection refused"));
      else
        set_last_status (self, g_strdup (error->message));
      handle_answer (self, FRAG_PORT_ANSWER_NOT_YET);
      attempt_data_free (data);
      return;
    }

  status = soup_message_get_status (data->message);
  if (status != SOUP_STATUS_BAD_GATEWAY)
    {
      set_last_status (self, g_strdup_printf ("%u", status));
      close_stream (data->stream);
      handle_answer (self, frag_port_probe_classify (status, NULL, 0));
      attempt_data_free (data);
      return;
    }

  g_input_stream_read_bytes_async (data->stream, MAX_BODY_BYTES, G_PRIORITY_DEFAULT,
                                   self->attempt_cancellable, read_body_cb, data);
}

static void
attempt (FragPortProbe *self)
{
  AttemptData *data;
  SoupMessageHeaders *headers;

  g_assert (self->task != NULL);

  self->attempts++;
  self->postpone = FALSE;
  g_signal_emit (self, signals[ATTEMPT], 0, self->attempts, self->last_status);
  /* A handler may have ended the wait (cancel, process exit) or postponed this attempt. */
  if (self->task == NULL)
    return;
  if (self->postpone)
    {
      self->postpone = FALSE;
      self->delay_ms = FIRST_DELAY_MS;
      schedule_retry (self);
      return;
    }

  data = g_new0 (AttemptData, 1);
  data->self = g_object_ref (self);
  data->body = g_byte_array_new ();
  data->message = soup_message_new (SOUP_METHOD_GET, self->url);
  headers = soup_message_get_request_headers (data->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->sandbox_id != NULL)
    {
      g_autofree char *port = g_strdup_printf ("%d", self->port);

      soup_message_headers_replace (headers, "E2b-Sandbox-Id", self->sandbox_id);
      soup_message_headers_replace (headers, "E2b-Sandbox-Port", port);
    }

  g_clear_object (&self->attempt_cancellable);
  self->attempt_cancellable = g_cancellable_new ();
  soup_session_send_async (self->session, data->message, G_PRIORITY_DEFAULT,
                           self->attempt_cancellable, send_cb, data);
}

static gboolean
retry_cb (gpointer user_data)
{
  FragPortProbe *self = user_data;

  self->retry_id = 0;
  attempt (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (FragPortProbe *self)
{
  g_assert (self->retry_id == 0);

  self->retry_id = g_timeout_add (self->delay_ms, retry_cb, self);
  self->delay_ms = MIN (self->delay_ms * 3 / 2, MAX_DELAY_MS);
}

static gboolean
deadline_cb (gpointer user_data)
{
  FragPortProbe *self = user_data;

  self->deadline_id = 0;
  finish (self, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PORT_TIMEOUT,
                             "Port %d did not answer within %u s (%u attempts; last: %s)",
                             self->port, self->deadline_seconds, self->attempts,
                             self->last_status != NULL ? self->last_status : "no answer"));
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_in_context_cb (gpointer user_data)
{
  FragPortProbe *self = user_data;

  g_autoptr(GTask) task = NULL;

  if (self->task == NULL || !g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    return G_SOURCE_REMOVE;
  stop_timers (self);
  task = g_steal_pointer (&self->task);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/* Runs inside g_cancellable_cancel(), on whatever thread cancels: finish from an idle
 * on the wait's context instead (disconnecting from inside the handler would deadlock). */
static void
cancelled_cb (GCancellable  *cancellable,
              FragPortProbe *self)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, cancel_in_context_cb, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
}

void
frag_port_probe_wait_async (FragPortProbe       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FRAG_IS_PORT_PROBE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_port_probe_wait_async);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The port probe is already waiting");
      return;
    }
  if (self->process_exited)
    {
      g_task_return_error (task, process_exited_error (self));
      return;
    }

  self->task = g_steal_pointer (&task);
  self->attempts = 0;
  self->delay_ms = FIRST_DELAY_MS;
  g_clear_pointer (&self->last_status, g_free);
  /* Not g_timeout_add_seconds(): its coalescing may fire up to a second early. */
  self->deadline_id = g_timeout_add (self->deadline_seconds * 1000, deadline_cb, self);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  if (cancellable != NULL)
    {
      gulong id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);

      /* Already cancelled: the handler ran (and ended the wait) inside connect. */
      if (self->task != NULL)
        self->cancelled_id = id;
      else
        g_cancellable_disconnect (cancellable, id);
    }
  if (self->task != NULL)
    attempt (self);
}

gboolean
frag_port_probe_wait_finish (FragPortProbe  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (FRAG_IS_PORT_PROBE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
frag_port_probe_process_exited (FragPortProbe *self,
                                int            exit_code,
                                const char    *last_stderr)
{
  g_return_if_fail (FRAG_IS_PORT_PROBE (self));

  self->process_exited = TRUE;
  self->exit_code = exit_code;
  g_free (self->last_stderr);
  self->last_stderr = g_strdup (last_stderr);
  if (self->task != NULL)
    finish (self, process_exited_error (self));
}

void
frag_port_probe_reset_backoff (FragPortProbe *self)
{
  g_return_if_fail (FRAG_IS_PORT_PROBE (self));
  self->delay_ms = FIRST_DELAY_MS;
}

void
frag_port_probe_postpone_attempt (FragPortProbe *self)
{
  g_return_if_fail (FRAG_IS_PORT_PROBE (self));
  self->postpone = TRUE;
}

guint
frag_port_probe_get_attempts (FragPortProbe *self)
{
  g_return_val_if_fail (FRAG_IS_PORT_PROBE (self), 0);
  return self->attempts;
}

const char *
frag_port_probe_get_last_status (FragPortProbe *self)
{
  g_return_val_if_fail (FRAG_IS_PORT_PROBE (self), NULL);
  return self->last_status;
}

void
frag_port_probe_set_deadline (FragPortProbe *self,
                              guint          seconds)
{
  g_return_if_fail (FRAG_IS_PORT_PROBE (self));
  self->deadline_seconds = seconds > 0 ? seconds : FRAG_PORT_PROBE_DEFAULT_DEADLINE_SECONDS;
}

void
frag_port_probe_set_sandbox_id (FragPortProbe *self,
                                const char    *sandbox_id)
{
  g_return_if_fail (FRAG_IS_PORT_PROBE (self));
  g_free (self->sandbox_id);
  self->sandbox_id = g_strdup (sandbox_id);
}

static void
frag_port_probe_dispose (GObject *object)
{
  FragPortProbe *self = (FragPortProbe *)object;

  /* A task holds a reference to us, so no wait can be in progress here. */
  stop_timers (self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (frag_port_probe_parent_class)->dispose (object);
}

static void
frag_port_probe_finalize (GObject *object)
{
  FragPortProbe *self = (FragPortProbe *)object;

  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->url);
  g_free (self->sandbox_id);
  g_free (self->last_status);
  g_free (self->last_stderr);

  G_OBJECT_CLASS (frag_port_probe_parent_class)->finalize (object);
}

static void
frag_port_probe_class_init (FragPortProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_port_probe_dispose;
  object_class->finalize = frag_port_probe_finalize;

  signals[ATTEMPT] =
    g_signal_new ("attempt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
frag_port_probe_init (FragPortProbe *self)
{
  self->deadline_seconds = FRAG_PORT_PROBE_DEFAULT_DEADLINE_SECONDS;
}

FragPortProbe *
frag_port_probe_new (SoupSession *session,
                     const char  *url,
                     int          port)
{
  FragPortProbe *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (FRAG_TYPE_PORT_PROBE, NULL);
  self->session = g_object_ref (session);
  self->url = g_strdup (url);
  self->port = port;
  return self;
}
