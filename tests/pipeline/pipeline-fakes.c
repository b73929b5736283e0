/* pipeline-fakes.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pipeline-fakes.h"

/* ---- the event log ---- */

struct _EventLog
{
  GPtrArray *events;
};

EventLog *
event_log_new (void)
{
  EventLog *log = g_new0 (EventLog, 1);

  log->events = g_ptr_array_new_with_free_func (g_free);
  return log;
}

void
event_log_free (EventLog *log)
{
  g_ptr_array_unref (log->events);
  g_free (log);
}

void
event_log_add (EventLog   *log,
               const char *format,
               ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (log->events, g_strdup_vprintf (format, args));
  va_end (args);
}

guint
event_log_get_length (EventLog *log)
{
  return log->events->len;
}

const char *
event_log_get (EventLog *log,
               guint     index)
{
  return index < log->events->len ? g_ptr_array_index (log->events, index) : NULL;
}

int
event_log_find (EventLog   *log,
                const char *prefix)
{
  for (guint i = 0; i < log->events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (log->events, i), prefix))
      return (int)i;
  return -1;
}

guint
event_log_count (EventLog   *log,
                 const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < log->events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (log->events, i), prefix))
      n++;
  return n;
}

char *
event_log_dump (EventLog *log)
{
  GString *dump = g_string_new (NULL);

  for (guint i = 0; i < log->events->len; i++)
    g_string_append_printf (dump, "  %u: %s\n", i, (char *)g_ptr_array_index (log->events, i));
  return g_string_free (dump, FALSE);
}

/* ---- the provider ---- */

typedef struct
{
  int         code;          /* >= 0: fail at once with this code */
  char       *message;
  double      retry_after;
  char       *text;
  guint       n_chunks;
  guint       interval_ms;
  FakeEnding  ending;
} Script;

static void
script_free (Script *script)
{
  g_free (script->message);
  g_free (script->text);
  g_free (script);
}

struct _FakeProvider
{
  GObject         parent_instance;
  EventLog       *log;
  GQueue          scripts;
  guint           n_requests;
  FragLlmRequest *last_request;
};

static void fake_provider_iface_init (FragProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeProvider, fake_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FRAG_TYPE_PROVIDER, fake_provider_iface_init))

typedef struct
{
  FakeProvider   *self;
  FragGeneration *generation;
  Script         *script;
  guint           next_chunk;
  guint           source;
  gsize           offset;
} Stream;

static void
stream_free (Stream *stream)
{
  g_clear_handle_id (&stream->source, g_source_remove);
  g_object_unref (stream->generation);
  script_free (stream->script);
  g_free (stream);
}

static gboolean
stream_tick_cb (gpointer user_data)
{
  GTask *task = user_data;
  Stream *stream = g_task_get_task_data (task);
  Script *script = stream->script;
  gsize length = strlen (script->text);

  if (g_task_return_error_if_cancelled (task))
    {
      event_log_add (stream->self->log, "provider:cancelled");
      stream->source = 0;
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  if (stream->next_chunk < script->n_chunks)
    {
      gsize end = stream->next_chunk + 1 == script->n_chunks
                    ? length : length * (stream->next_chunk + 1) / script->n_chunks;

      /* Never split a UTF-8 character: a provider hands over whole strings. */
      while (end < length && (script->text[end] & 0xc0) == 0x80)
        end++;
      frag_generation_add_bytes_received (stream->generation, end - stream->offset);
      frag_generation_append_output (stream->generation, script->text + stream->offset, end - stream->offset);
      stream->offset = end;
      stream->next_chunk++;
      event_log_add (stream->self->log, stream->next_chunk == script->n_chunks ? "provider:last-chunk"
                                                                              : "provider:chunk %u",
                     stream->next_chunk);
      if (stream->next_chunk < script->n_chunks || script->ending == FAKE_END_HANG)
        return G_SOURCE_CONTINUE;
    }
  else if (script->ending == FAKE_END_HANG)
    return G_SOURCE_CONTINUE;

  stream->source = 0;
  if (script->ending == FAKE_END_DROP)
    {
      event_log_add (stream->self->log, "provider:dropped");
      g_task_return_new_error (task, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NETWORK,
                               "The connection to the test provider dropped");
    }
  else
    {
      frag_generation_set_finish_reason (stream->generation, "stop");
      frag_generation_set_usage (stream->generation, 100, 50);
      event_log_add (stream->self->log, "provider:done");
      g_task_return_boolean (task, TRUE);
    }
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static gboolean
fail_now_cb (gpointer user_data)
{
  GTask *task = user_data;
  Stream *stream = g_task_get_task_data (task);

  stream->source = 0;
  if (stream->script->retry_after >= 0)
    frag_generation_set_retry_after (stream->generation, stream->script->retry_after);
  event_log_add (stream->self->log, "provider:failed %d", stream->script->code);
  g_task_return_new_error (task, FRAG_PROVIDER_ERROR, stream->script->code, "%s", stream->script->message);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
fake_provider_generate_async (FragProvider        *provider,
                              FragLlmRequest      *request,
                              FragGeneration      *generation,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  FakeProvider *self = FAKE_PROVIDER (provider);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Stream *stream = g_new0 (Stream, 1);

  self->n_requests++;
  g_set_object (&self->last_request, request);
  event_log_add (self->log, "provider:request %u", self->n_requests);

  stream->self = self;
  stream->generation = g_object_ref (generation);
  stream->script = g_queue_pop_head (&self->scripts);
  g_assert_nonnull (stream->script);
  g_task_set_task_data (task, stream, (GDestroyNotify)stream_free);

  if (stream->script->code >= 0)
    stream->source = g_timeout_add (1, fail_now_cb, task);
  else
    stream->source = g_timeout_add (stream->script->interval_ms, stream_tick_cb, task);
}

static gboolean
fake_provider_generate_finish (FragProvider  *provider,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fake_provider_iface_init (FragProviderInterface *iface)
{
  iface->generate_async = fake_provider_generate_async;
  iface->generate_finish = fake_provider_generate_finish;
}

static void
fake_provider_finalize (GObject *object)
{
  FakeProvider *self = FAKE_PROVIDER (object);

  g_queue_clear_full (&self->scripts, (GDestroyNotify)script_free);
  g_clear_object (&self->last_request);
  G_OBJECT_CLASS (fake_provider_parent_class)->finalize (object);
}

static void
fake_provider_class_init (FakeProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_provider_finalize;
}

static void
fake_provider_init (FakeProvider *self)
{
  g_queue_init (&self->scripts);
}

FakeProvider *
fake_provider_new (EventLog *log)
{
  FakeProvider *self = g_object_new (FAKE_TYPE_PROVIDER, NULL);

  self->log = log;
  return self;
}

void
fake_provider_queue_failure (FakeProvider *self,
                             int           code,
                             const char   *message,
                             double        retry_after)
{
  Script *script = g_new0 (Script, 1);

  script->code = code;
  script->message = g_strdup (message);
  script->retry_after = retry_after;
  g_queue_push_tail (&self->scripts, script);
}

void
fake_provider_queue_stream (FakeProvider *self,
                            const char   *text,
                            guint         n_chunks,
                            guint         interval_ms,
                            FakeEnding    ending)
{
  Script *script = g_new0 (Script, 1);

  script->code = -1;
  script->retry_after = -1;
  script->text = g_strdup (text);
  script->n_chunks = MAX (n_chunks, 1);
  script->interval_ms = interval_ms;
  script->ending = ending;
  g_queue_push_tail (&self->scripts, script);
}

guint
fake_provider_get_n_requests (FakeProvider *self)
{
  return self->n_requests;
}

FragLlmRequest *
fake_provider_get_last_request (FakeProvider *self)
{
  return self->last_request;
}

char *
fake_provider_dup_request_text (FakeProvider *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; self->last_request != NULL && i < frag_llm_request_get_n_messages (self->last_request); i++)
    {
      g_autofree char *turn = frag_llm_message_dup_text (frag_llm_request_get_message (self->last_request, i));

      g_string_append_printf (text, "[%s] %s\n",
                              frag_llm_message_get_role (frag_llm_request_get_message (self->last_request, i))
                                == FRAG_LLM_ROLE_USER ? "user" : "assistant",
                              turn);
    }
  return g_string_free (text, FALSE);
}

/* ---- the sandbox ---- */

struct _FakeSandbox
{
  GObject           parent_instance;
  EventLog         *log;
  guint             ensure_ms;
  guint             install_ms;
  guint             execute_ms;
  char             *sandbox_id;
  char             *template_id;
  gboolean          dead;
  FragSandboxPhase  phase;
  guint             n_created;
  int               create_failure;
  char             *create_failure_message;
  int               execute_failure;
  char             *execute_failure_message;
  char             *raise_name;
  char             *raise_value;
  GPtrArray        *executed;
};

enum {
  PROP_0,
  PROP_SANDBOX_ID,
  PROP_TEMPLATE_ID,
  PROP_BACKEND,
  PROP_PHASE,
};

static void fake_sandbox_iface_init (FragSandboxInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeSandbox, fake_sandbox, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FRAG_TYPE_SANDBOX, fake_sandbox_iface_init))

static void
set_phase (FakeSandbox      *self,
           FragSandboxPhase  phase,
           const char       *detail)
{
  self->phase = phase;
  frag_sandbox_emit_phase (FRAG_SANDBOX (self), phase, detail);
}

typedef enum { OP_ENSURE, OP_INSTALL, OP_EXECUTE } OpKind;

typedef struct
{
  FakeSandbox  *self;
  OpKind        kind;
  FragTemplate *template_;
  char         *command;
  FragFragment *fragment;
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->template_);
  g_free (op->command);
  g_clear_object (&op->fragment);
  g_free (op);
}

static void
do_ensure (GTask *task,
           Op    *op)
{
  FakeSandbox *self = op->self;
  const char *template_id = frag_template_get_id (op->template_);

  if (self->sandbox_id != NULL && !self->dead && g_strcmp0 (self->template_id, template_id) == 0)
    {
      event_log_add (self->log, "sandbox:ensure %s reuse %s", template_id, self->sandbox_id);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->sandbox_id != NULL)
    {
      event_log_add (self->log, "sandbox:kill %s (replaced)", self->sandbox_id);
      g_clear_pointer (&self->sandbox_id, g_free);
    }
  if (self->create_failure >= 0)
    {
      int code = self->create_failure;

      self->create_failure = -1;
      event_log_add (self->log, "sandbox:ensure %s failed", template_id);
      set_phase (self, FRAG_SANDBOX_PHASE_FAILED, self->create_failure_message);
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, code, "%s", self->create_failure_message);
      return;
    }
  self->n_created++;
  self->sandbox_id = g_strdup_printf ("fake-%u", self->n_created);
  g_free (self->template_id);
  self->template_id = g_strdup (template_id);
  self->dead = FALSE;
  event_log_add (self->log, "sandbox:ensure %s create %s", template_id, self->sandbox_id);
  g_object_notify (G_OBJECT (self), "sandbox-id");
  set_phase (self, FRAG_SANDBOX_PHASE_IDLE, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
do_install (GTask *task,
            Op    *op)
{
  FakeSandbox *self = op->self;
  g_autofree char *line = g_strdup_printf ("installed: %s", op->command);

  g_assert_nonnull (self->sandbox_id);
  event_log_add (self->log, "sandbox:install-done %s in %s", op->command, self->sandbox_id);
  frag_sandbox_emit_log (FRAG_SANDBOX (self), FRAG_SANDBOX_STREAM_STDOUT, line);
  g_task_return_boolean (task, TRUE);
}

static void
do_execute (GTask *task,
            Op    *op)
{
  FakeSandbox *self = op->self;
  FragFragment *fragment = op->fragment;
  g_autoptr(FragResult) result = NULL;
  g_autofree char *out = NULL;

  g_assert_nonnull (self->sandbox_id);
  g_assert_cmpstr (self->template_id, ==, frag_fragment_get_template (fragment));
  if (self->dead)
    {
      event_log_add (self->log, "sandbox:execute %s gone", self->sandbox_id);
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE,
                               "The sandbox %s expired", self->sandbox_id);
      return;
    }
  if (self->execute_failure >= 0)
    {
      int code = self->execute_failure;

      self->execute_failure = -1;
      event_log_add (self->log, "sandbox:execute %s failed %d", self->sandbox_id, code);
      if (code == FRAG_SANDBOX_ERROR_GONE)
        {
          self->dead = TRUE;
          event_log_add (self->log, "sandbox:execute %s gone", self->sandbox_id);
        }
      set_phase (self, FRAG_SANDBOX_PHASE_FAILED, self->execute_failure_message);
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, code, "%s", self->execute_failure_message);
      return;
    }

  event_log_add (self->log, "sandbox:execute %s %s", self->sandbox_id, frag_fragment_get_template (fragment));
  g_ptr_array_add (self->executed, frag_fragment_copy (fragment));
  result = frag_result_new (self->template_id, self->sandbox_id, FRAG_RESULT_BACKEND_LOCAL);
  out = g_strdup_printf ("ran %s\n", frag_fragment_get_file_path (fragment));
  frag_result_append_stdout (result, out);
  if (frag_fragment_get_port (fragment) != FRAG_FRAGMENT_NO_PORT)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%d/%s", frag_fragment_get_port (fragment),
                                              self->sandbox_id);

      set_phase (self, FRAG_SANDBOX_PHASE_WAITING_FOR_PORT, "port, attempt 1");
      frag_result_set_url (result, url);
    }
  if (self->raise_name != NULL)
    {
      frag_result_append_stderr (result, "Traceback (most recent call last):\n");
      frag_result_set_error (result, self->raise_name, self->raise_value,
                             "\033[0;31mTraceback\033[0m\n  line 1\n");
      g_clear_pointer (&self->raise_name, g_free);
      g_clear_pointer (&self->raise_value, g_free);
    }
  set_phase (self, FRAG_SANDBOX_PHASE_READY, NULL);
  g_task_return_pointer (task, g_steal_pointer (&result), g_object_unref);
}

static gboolean
op_fire_cb (gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  static const char *names[] = { "ensure", "install", "execute" };

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      event_log_add (op->self->log, "sandbox:%s-cancelled %s", names[op->kind],
                     op->kind == OP_ENSURE ? frag_template_get_id (op->template_)
                     : op->kind == OP_INSTALL ? op->command : "");
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
    }
  else if (op->kind == OP_ENSURE)
    do_ensure (task, op);
  else if (op->kind == OP_INSTALL)
    do_install (task, op);
  else
    do_execute (task, op);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
start_op (FakeSandbox         *self,
          Op                  *op,
          guint                delay_ms,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  op->self = self;
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  g_timeout_add (delay_ms, op_fire_cb, task);
}

static void
fake_sandbox_ensure_async (FragSandbox         *sandbox,
                           FragTemplate        *template_,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  FakeSandbox *self = FAKE_SANDBOX (sandbox);
  Op *op = g_new0 (Op, 1);
  gboolean reuse = self->sandbox_id != NULL && !self->dead &&
                   g_strcmp0 (self->template_id, frag_template_get_id (template_)) == 0;

  event_log_add (self->log, "sandbox:ensure-start %s", frag_template_get_id (template_));
  op->kind = OP_ENSURE;
  op->template_ = g_object_ref (template_);
  if (!reuse)
    set_phase (self, FRAG_SANDBOX_PHASE_CREATING, NULL);
  start_op (self, op, reuse ? 1 : self->ensure_ms, cancellable, callback, user_data);
}

static gboolean
fake_sandbox_boolean_finish (FragSandbox   *sandbox,
                             GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fake_sandbox_install_async (FragSandbox         *sandbox,
                            const char          *command,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FakeSandbox *self = FAKE_SANDBOX (sandbox);
  Op *op = g_new0 (Op, 1);

  event_log_add (self->log, "sandbox:install-start %s in %s", command, self->sandbox_id);
  op->kind = OP_INSTALL;
  op->command = g_strdup (command);
  set_phase (self, FRAG_SANDBOX_PHASE_INSTALLING, command);
  start_op (self, op, self->install_ms, cancellable, callback, user_data);
}

static void
fake_sandbox_execute_async (FragSandbox         *sandbox,
                            FragFragment        *fragment,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FakeSandbox *self = FAKE_SANDBOX (sandbox);
  Op *op = g_new0 (Op, 1);

  event_log_add (self->log, "sandbox:execute-start %s", self->sandbox_id);
  op->kind = OP_EXECUTE;
  op->fragment = g_object_ref (fragment);
  set_phase (self, FRAG_SANDBOX_PHASE_RUNNING, NULL);
  start_op (self, op, self->execute_ms, cancellable, callback, user_data);
}

static FragResult *
fake_sandbox_execute_finish (FragSandbox   *sandbox,
                             GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_sandbox_keep_alive_async (FragSandbox         *sandbox,
                               guint                seconds,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FakeSandbox *self = FAKE_SANDBOX (sandbox);
  g_autoptr(GTask) task = g_task_new (sandbox, cancellable, callback, user_data);

  event_log_add (self->log, "sandbox:keep-alive %s %u", self->sandbox_id != NULL ? self->sandbox_id : "none",
                 seconds);
  if (self->sandbox_id == NULL || self->dead)
    {
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE, "The sandbox expired");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
fake_sandbox_kill_async (FragSandbox         *sandbox,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  FakeSandbox *self = FAKE_SANDBOX (sandbox);
  g_autoptr(GTask) task = g_task_new (sandbox, cancellable, callback, user_data);

  event_log_add (self->log, "sandbox:kill %s", self->sandbox_id != NULL ? self->sandbox_id : "none");
  if (self->sandbox_id != NULL)
    {
      g_clear_pointer (&self->sandbox_id, g_free);
      g_clear_pointer (&self->template_id, g_free);
      g_object_notify (G_OBJECT (self), "sandbox-id");
      set_phase (self, FRAG_SANDBOX_PHASE_KILLED, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static void
fake_sandbox_iface_init (FragSandboxInterface *iface)
{
  iface->ensure_async = fake_sandbox_ensure_async;
  iface->ensure_finish = fake_sandbox_boolean_finish;
  iface->install_async = fake_sandbox_install_async;
  iface->install_finish = fake_sandbox_boolean_finish;
  iface->execute_async = fake_sandbox_execute_async;
  iface->execute_finish = fake_sandbox_execute_finish;
  iface->keep_alive_async = fake_sandbox_keep_alive_async;
  iface->keep_alive_finish = fake_sandbox_boolean_finish;
  iface->kill_async = fake_sandbox_kill_async;
  iface->kill_finish = fake_sandbox_boolean_finish;
}

static void
fake_sandbox_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FakeSandbox *self = FAKE_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_SANDBOX_ID:
      g_value_set_string (value, self->sandbox_id);
      break;
    case PROP_TEMPLATE_ID:
      g_value_set_string (value, self->template_id);
      break;
    case PROP_BACKEND:
      g_value_set_string (value, FRAG_RESULT_BACKEND_LOCAL);
      break;
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fake_sandbox_finalize (GObject *object)
{
  FakeSandbox *self = FAKE_SANDBOX (object);

  g_free (self->sandbox_id);
  g_free (self->template_id);
  g_free (self->create_failure_message);
  g_free (self->execute_failure_message);
  g_free (self->raise_name);
  g_free (self->raise_value);
  g_ptr_array_unref (self->executed);
  G_OBJECT_CLASS (fake_sandbox_parent_class)->finalize (object);
}

static void
fake_sandbox_class_init (FakeSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fake_sandbox_get_property;
  object_class->finalize = fake_sandbox_finalize;
  g_object_class_override_property (object_class, PROP_SANDBOX_ID, "sandbox-id");
  g_object_class_override_property (object_class, PROP_TEMPLATE_ID, "template-id");
  g_object_class_override_property (object_class, PROP_BACKEND, "backend");
  g_object_class_override_property (object_class, PROP_PHASE, "phase");
}

static void
fake_sandbox_init (FakeSandbox *self)
{
  self->ensure_ms = 5;
  self->install_ms = 5;
  self->execute_ms = 5;
  self->create_failure = -1;
  self->execute_failure = -1;
  self->executed = g_ptr_array_new_with_free_func (g_object_unref);
}

FakeSandbox *
fake_sandbox_new (EventLog *log)
{
  FakeSandbox *self = g_object_new (FAKE_TYPE_SANDBOX, NULL);

  self->log = log;
  return self;
}

void
fake_sandbox_set_delays (FakeSandbox *self,
                         guint        ensure_ms,
                         guint        install_ms,
                         guint        execute_ms)
{
  self->ensure_ms = ensure_ms;
  self->install_ms = install_ms;
  self->execute_ms = execute_ms;
}

void
fake_sandbox_fail_next_create (FakeSandbox *self,
                               int          code,
                               const char  *message)
{
  self->create_failure = code;
  g_free (self->create_failure_message);
  self->create_failure_message = g_strdup (message);
}

void
fake_sandbox_fail_next_execute (FakeSandbox *self,
                                int          code,
                                const char  *message)
{
  self->execute_failure = code;
  g_free (self->execute_failure_message);
  self->execute_failure_message = g_strdup (message);
}

void
fake_sandbox_expire (FakeSandbox *self)
{
  self->dead = TRUE;
}

void
fake_sandbox_raise_next_execute (FakeSandbox *self,
                                 const char  *name,
                                 const char  *value)
{
  g_free (self->raise_name);
  g_free (self->raise_value);
  self->raise_name = g_strdup (name);
  self->raise_value = g_strdup (value);
}

GPtrArray *
fake_sandbox_get_executed (FakeSandbox *self)
{
  return self->executed;
}

guint
fake_sandbox_get_n_created (FakeSandbox *self)
{
  return self->n_created;
}
