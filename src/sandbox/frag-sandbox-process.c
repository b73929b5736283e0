/* frag-sandbox-process.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-sandbox-process"

#include "config.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "frag-output-tail.h"
#include "frag-sandbox-process.h"

#define READ_CHUNK          8192
#define MAX_RESULT_BYTES    (64 * 1024 * 1024)
#define RESULT_FD           3
#define INFO_STREAM         (-1)   /* ReadData.kind of the --info-fd pipe */
#define MAX_INFO_BYTES      4096

struct _FragSandboxProcess
{
  GObject       parent_instance;

  GStrv         argv;
  guint         wall_seconds;
  gsize         output_limit;
  gboolean      result_channel;

  GSubprocess  *subprocess;
  GTask        *task;
  GMainContext *context;          /* where run was called */
  GCancellable *io_cancellable;   /* our reads; cancelled on dispose */
  gulong        cancelled_id;
  guint         wall_id;
  guint         pending;          /* exit + open pipes still to finish */

  gsize         output_bytes;
  GString      *partial[2];       /* held-back incomplete UTF-8 per stream */
  FragOutputTail *stderr_tail;
  GByteArray   *result_data;
  int           info_fd;          /* child's fd number, 0: none */
  GByteArray   *info_data;
  int           sandbox_pidfd;    /* the sandbox's pid 1, or -1 */

  int           exit_code;
  int           term_signal;
  gboolean      timed_out;
  gboolean      output_capped;
  gboolean      exited;
  gboolean      kill_requested;   /* before the info arrived: kill on arrival */
};

G_DEFINE_FINAL_TYPE (FragSandboxProcess, frag_sandbox_process, G_TYPE_OBJECT)

enum {
  OUTPUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  FragSandboxProcess *self;   /* owned */
  GInputStream       *stream; /* owned */
  int                 kind;   /* FragSandboxStream, or RESULT_FD */
} ReadData;

static void read_next (ReadData *data);

static void
read_data_free (ReadData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->stream);
  g_free (data);
}

static void
maybe_complete (FragSandboxProcess *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->pending > 0 || self->task == NULL)
    return;

  g_clear_handle_id (&self->wall_id, g_source_remove);
  task = g_steal_pointer (&self->task);
  if (self->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
  self->cancelled_id = 0;
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

/* Emits the complete UTF-8 prefix of partial + chunk, keeps the incomplete tail. */
static void
emit_output (FragSandboxProcess *self,
             FragSandboxStream   stream,
             const char         *bytes,
             gsize               length,
             gboolean            at_end)
{
  GString *partial = self->partial[stream];
  const char *end = NULL;
  g_autofree char *text = NULL;
  gsize valid;

  g_string_append_len (partial, bytes, length);
  if (partial->len == 0)
    return;
  if (g_utf8_validate_len (partial->str, partial->len, &end) || at_end)
    valid = partial->len;
  else
    {
      valid = end - partial->str;
      /* Only a truncated sequence at the very end is held back (at most 3 bytes);
       * invalid bytes in the middle are replaced below. */
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

/* bwrap's info document: {"child-pid": N, ...}. */
static void
take_sandbox_pid (FragSandboxProcess *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  gint64 pid;

  if (self->info_data->len == 0
      || !json_parser_load_from_data (parser, (const char *)self->info_data->data, self->info_data->len, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  pid = json_object_get_int_member_with_default (json_node_get_object (root), "child-pid", 0);
  /* bwrap (our child, still running: it writes this right after starting the sandbox)
   * has not reaped its own child yet, so the pid cannot have been recycled. */
  if (pid > 1 && self->sandbox_pidfd < 0 && !self->exited)
    self->sandbox_pidfd = pidfd_open ((pid_t)pid, 0);
  if (self->sandbox_pidfd >= 0 && self->kill_requested)
    pidfd_send_signal (self->sandbox_pidfd, SIGKILL, NULL, 0);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ReadData *data = user_data;
  FragSandboxProcess *self = data->self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  size = bytes != NULL ? g_bytes_get_size (bytes) : 0;
  if (size == 0)
    {
      /* EOF, or an error (cancelled on dispose, or the pipe broke): the stream is done. */
      if (data->kind == INFO_STREAM)
        take_sandbox_pid (self);
      else if (data->kind != RESULT_FD && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        emit_output (self, data->kind, "", 0, TRUE);
      self->pending--;
      maybe_complete (self);
      read_data_free (data);
      return;
    }

  if (data->kind == INFO_STREAM)
    {
      if (self->info_data->len + size <= MAX_INFO_BYTES)
        g_byte_array_append (self->info_data, g_bytes_get_data (bytes, NULL), size);
    }
  else if (data->kind == RESULT_FD)
    {
      if (self->result_data->len + size <= MAX_RESULT_BYTES)
        g_byte_array_append (self->result_data, g_bytes_get_data (bytes, NULL), size);
      else
        frag_sandbox_process_kill (self);
    }
  else if (!self->output_capped)
    {
      gsize room = self->output_limit > 0 ? self->output_limit - self->output_bytes : size;

      if (self->output_limit > 0 && size >= room)
        {
          /* Keep what fits, then stop the flood: an endless print loop is contained. */
          emit_output (self, data->kind, g_bytes_get_data (bytes, NULL), room, FALSE);
          self->output_bytes += room;
          self->output_capped = TRUE;
          frag_sandbox_process_kill (self);
        }
      else
        {
          emit_output (self, data->kind, g_bytes_get_data (bytes, NULL), size, FALSE);
          self->output_bytes += size;
        }
    }
  /* After the cap, keep draining so the pipes close and the process can end. */
  read_next (data);
}

static void
read_next (ReadData *data)
{
  g_input_stream_read_bytes_async (data->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   data->self->io_cancellable, read_cb, data);
}

static void
start_reading (FragSandboxProcess *self,
               GInputStream       *stream,
               int                 kind)
{
  ReadData *data = g_new0 (ReadData, 1);

  data->self = g_object_ref (self);
  data->stream = g_object_ref (stream);
  data->kind = kind;
  self->pending++;
  read_next (data);
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FragSandboxProcess) self = user_data;
  GSubprocess *subprocess = G_SUBPROCESS (source);

  /* Without a cancellable this only fails if the process cannot be waited for. */
  g_subprocess_wait_finish (subprocess, result, NULL);
  self->exited = TRUE;
  if (g_subprocess_get_if_exited (subprocess))
    {
      self->exit_code = g_subprocess_get_exit_status (subprocess);
      self->term_signal = 0;
    }
  else if (g_subprocess_get_if_signaled (subprocess))
    {
      self->exit_code = -1;
      self->term_signal = g_subprocess_get_term_sig (subprocess);
    }
  self->pending--;
  maybe_complete (self);
}

static gboolean
wall_limit_cb (gpointer user_data)
{
  FragSandboxProcess *self = user_data;

  self->wall_id = 0;
  self->timed_out = TRUE;
  frag_sandbox_process_kill (self);
  return G_SOURCE_REMOVE;
}

static gboolean
kill_in_context_cb (gpointer user_data)
{
  frag_sandbox_process_kill (user_data);
  return G_SOURCE_REMOVE;
}

/* Runs inside g_cancellable_cancel(), on whatever thread cancels: kill from an idle on
 * the run's context. */
static void
cancelled_cb (GCancellable       *cancellable,
              FragSandboxProcess *self)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, kill_in_context_cb, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
}

void
frag_sandbox_process_run_async (FragSandboxProcess  *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  int result_pipe[2] = { -1, -1 };
  int info_pipe[2] = { -1, -1 };

  g_return_if_fail (FRAG_IS_SANDBOX_PROCESS (self));
  g_return_if_fail (self->subprocess == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_sandbox_process_run_async);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  if (self->result_channel)
    {
      if (!g_unix_open_pipe (result_pipe, FD_CLOEXEC, &error))
        {
          g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                                   "Cannot make a pipe: %s", error->message);
          return;
        }
      g_subprocess_launcher_take_fd (launcher, result_pipe[1], RESULT_FD);
    }
  if (self->info_fd > 0)
    {
      if (!g_unix_open_pipe (info_pipe, FD_CLOEXEC, &error))
        {
          if (result_pipe[0] >= 0)
            close (result_pipe[0]);
          g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                                   "Cannot make a pipe: %s", error->message);
          return;
        }
      g_subprocess_launcher_take_fd (launcher, info_pipe[1], self->info_fd);
    }

  self->subprocess = g_subprocess_launcher_spawnv (launcher, (const char * const *)self->argv, &error);
  /* The launcher closes the child's end when it is freed; free it now, or the result
   * pipe would never reach EOF. */
  g_clear_object (&launcher);
  if (self->subprocess == NULL)
    {
      if (result_pipe[0] >= 0)
        close (result_pipe[0]);
      if (info_pipe[0] >= 0)
        close (info_pipe[0]);
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_UNAVAILABLE,
                               "Cannot start the sandbox (%s): %s", self->argv[0], error->message);
      return;
    }

  self->task = g_steal_pointer (&task);
  self->context = g_main_context_ref_thread_default ();
  self->pending = 1;
  g_subprocess_wait_async (self->subprocess, NULL, wait_cb, g_object_ref (self));
  start_reading (self, g_subprocess_get_stdout_pipe (self->subprocess), FRAG_SANDBOX_STREAM_STDOUT);
  start_reading (self, g_subprocess_get_stderr_pipe (self->subprocess), FRAG_SANDBOX_STREAM_STDERR);
  if (result_pipe[0] >= 0)
    {
      g_autoptr(GInputStream) stream = g_unix_input_stream_new (result_pipe[0], TRUE);

      start_reading (self, stream, RESULT_FD);
    }
  if (info_pipe[0] >= 0)
    {
      g_autoptr(GInputStream) stream = g_unix_input_stream_new (info_pipe[0], TRUE);

      start_reading (self, stream, INFO_STREAM);
    }
  if (self->wall_seconds > 0)
    self->wall_id = g_timeout_add (self->wall_seconds * 1000, wall_limit_cb, self);
  if (cancellable != NULL)
    {
      gulong id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);

      if (self->task != NULL)
        self->cancelled_id = id;
      else
        g_cancellable_disconnect (cancellable, id);
    }
}

gboolean
frag_sandbox_process_run_finish (FragSandboxProcess  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_PROCESS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
frag_sandbox_process_kill (FragSandboxProcess *self)
{
  g_return_if_fail (FRAG_IS_SANDBOX_PROCESS (self));

  if (self->subprocess == NULL || self->exited)
    return;
  self->kill_requested = TRUE;
  if (self->sandbox_pidfd >= 0)
    pidfd_send_signal (self->sandbox_pidfd, SIGKILL, NULL, 0);
  g_subprocess_force_exit (self->subprocess);
}

gboolean
frag_sandbox_process_is_running (FragSandboxProcess *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_PROCESS (self), FALSE);
  return self->subprocess != NULL && !self->exited;
}

int
frag_sandbox_process_get_exit_code (FragSandboxProcess *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_PROCESS (self), -1);
  return self->exit_code;
}

int
frag_sandbox_process_get_term_signal (FragSandboxProcess *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_PROCESS (self), 0);
  return self->term_signal;
}

gboolean
frag_sandbox_process_get_timed_out (FragSandboxProcess *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_PROCESS (self), FALSE);
  return self->timed_out;
}

gboolean
frag_sandbox_process_get_output_capped (FragSandboxProcess *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_PROCESS (self), FALSE);
  return self->output_capped;
}

GBytes *
frag_sandbox_process_get_result_data (FragSandboxProcess *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_PROCESS (self), NULL);
  if (!self->result_channel)
    return NULL;
  return g_bytes_new (self->result_data->data, self->result_data->len);
}

const char *
frag_sandbox_process_get_stderr_tail (FragSandboxProcess *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_PROCESS (self), NULL);
  return frag_output_tail_get_text (self->stderr_tail);
}

void
frag_sandbox_process_set_wall_limit (FragSandboxProcess *self,
                                     guint               seconds)
{
  g_return_if_fail (FRAG_IS_SANDBOX_PROCESS (self));
  self->wall_seconds = seconds;
}

void
frag_sandbox_process_set_output_limit (FragSandboxProcess *self,
                                       gsize               bytes)
{
  g_return_if_fail (FRAG_IS_SANDBOX_PROCESS (self));
  self->output_limit = bytes;
}

void
frag_sandbox_process_set_info_channel (FragSandboxProcess *self,
                                       int                 fd)
{
  g_return_if_fail (FRAG_IS_SANDBOX_PROCESS (self));
  g_return_if_fail (fd > 2 && fd != RESULT_FD);
  self->info_fd = fd;
}

void
frag_sandbox_process_set_result_channel (FragSandboxProcess *self,
                                         gboolean            enabled)
{
  g_return_if_fail (FRAG_IS_SANDBOX_PROCESS (self));
  self->result_channel = enabled;
}

static void
frag_sandbox_process_dispose (GObject *object)
{
  FragSandboxProcess *self = (FragSandboxProcess *)object;

  /* Every pending read and the wait hold a reference, so a running process keeps this
   * object alive until it ends: owners stop a server with frag_sandbox_process_kill().
   * By the time we get here the process has ended; the kill is a no-op safety net. */
  frag_sandbox_process_kill (self);
  g_clear_handle_id (&self->wall_id, g_source_remove);
  g_cancellable_cancel (self->io_cancellable);

  G_OBJECT_CLASS (frag_sandbox_process_parent_class)->dispose (object);
}

static void
frag_sandbox_process_finalize (GObject *object)
{
  FragSandboxProcess *self = (FragSandboxProcess *)object;

  g_strfreev (self->argv);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->subprocess);
  g_clear_object (&self->io_cancellable);
  g_string_free (self->partial[0], TRUE);
  g_string_free (self->partial[1], TRUE);
  frag_output_tail_free (self->stderr_tail);
  g_byte_array_unref (self->result_data);
  g_byte_array_unref (self->info_data);
  if (self->sandbox_pidfd >= 0)
    close (self->sandbox_pidfd);

  G_OBJECT_CLASS (frag_sandbox_process_parent_class)->finalize (object);
}

static void
frag_sandbox_process_class_init (FragSandboxProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_sandbox_process_dispose;
  object_class->finalize = frag_sandbox_process_finalize;

  signals[OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, FRAG_TYPE_SANDBOX_STREAM, G_TYPE_STRING);
}

static void
frag_sandbox_process_init (FragSandboxProcess *self)
{
  self->io_cancellable = g_cancellable_new ();
  self->partial[0] = g_string_new (NULL);
  self->partial[1] = g_string_new (NULL);
  self->stderr_tail = frag_output_tail_new (20, 4096);
  self->result_data = g_byte_array_new ();
  self->info_data = g_byte_array_new ();
  self->sandbox_pidfd = -1;
  self->exit_code = -1;
}

FragSandboxProcess *
frag_sandbox_process_new (const char * const *argv)
{
  FragSandboxProcess *self;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  self = g_object_new (FRAG_TYPE_SANDBOX_PROCESS, NULL);
  self->argv = g_strdupv ((char **)argv);
  return self;
}
