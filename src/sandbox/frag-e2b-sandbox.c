/* frag-e2b-sandbox.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-e2b-sandbox"

#include "config.h"

#include <string.h>

#include "frag-e2b-process.h"
#include "frag-e2b-sandbox.h"
#include "frag-line-splitter.h"
#include "frag-port-probe.h"

/* Templates put the app in the default user's home (e2b-protocol.md §7). */
#define E2B_WORK_DIR "/home/user"

struct _FragE2bSandbox
{
  GObject             parent_instance;

  FragE2bClient      *client;
  char               *conversation_id;
  guint               sandbox_timeout;
  guint               port_deadline;

  FragSandboxPhase    phase;
  FragTemplate       *template_;
  FragE2bSandboxInfo *info;           /* NULL: none (yet, or any more) */
  char               *last_install;   /* replayed into a recreated sandbox */

  FragE2bProcess     *server;         /* the start_cmd we launched, while it runs */
  GCancellable       *server_cancellable;
  FragLineSplitter   *log_lines[2];
};

static void frag_e2b_sandbox_iface_init (FragSandboxInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FragE2bSandbox, frag_e2b_sandbox, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FRAG_TYPE_SANDBOX, frag_e2b_sandbox_iface_init))

enum {
  PROP_0,
  PROP_SANDBOX_TIMEOUT,
  PROP_PORT_DEADLINE,
  N_PROPS,
  PROP_SANDBOX_ID = N_PROPS,
  PROP_TEMPLATE_ID,
  PROP_BACKEND,
  PROP_PHASE,
};

static GParamSpec *properties[N_PROPS];

typedef void (*Continuation) (GTask *task);

static void
set_phase (FragE2bSandbox   *self,
           FragSandboxPhase  phase,
           const char       *detail)
{
  self->phase = phase;
  frag_sandbox_emit_phase (FRAG_SANDBOX (self), phase, detail);
}

static void
fail_task (FragE2bSandbox *self,
           GTask          *task,
           GError         *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_phase (self, FRAG_SANDBOX_PHASE_FAILED, error->message);
  g_task_return_error (task, error);
}

static void
log_stdout_line_cb (const char *line,
                    gpointer    user_data)
{
  frag_sandbox_emit_log (FRAG_SANDBOX (user_data), FRAG_SANDBOX_STREAM_STDOUT, line);
}

static void
log_stderr_line_cb (const char *line,
                    gpointer    user_data)
{
  frag_sandbox_emit_log (FRAG_SANDBOX (user_data), FRAG_SANDBOX_STREAM_STDERR, line);
}

static void
reset_log_lines (FragE2bSandbox *self)
{
  for (guint i = 0; i < 2; i++)
    {
      if (self->log_lines[i] != NULL)
        frag_line_splitter_flush (self->log_lines[i]);
      g_clear_pointer (&self->log_lines[i], frag_line_splitter_free);
    }
  self->log_lines[FRAG_SANDBOX_STREAM_STDOUT] = frag_line_splitter_new (log_stdout_line_cb, self);
  self->log_lines[FRAG_SANDBOX_STREAM_STDERR] = frag_line_splitter_new (log_stderr_line_cb, self);
}

static void
output_to_log_cb (FragE2bProcess    *process,
                  FragSandboxStream  stream,
                  const char        *chunk,
                  FragE2bSandbox    *self)
{
  frag_line_splitter_feed (self->log_lines[stream], chunk, -1);
}

/* Stops following the server we started (the process dies with the sandbox). */
static void
forget_server (FragE2bSandbox *self)
{
  if (self->server_cancellable != NULL)
    g_cancellable_cancel (self->server_cancellable);
  g_clear_object (&self->server_cancellable);
  if (self->server != NULL)
    g_signal_handlers_disconnect_by_data (self->server, self);
  g_clear_object (&self->server);
}

static void
forget_sandbox (FragE2bSandbox *self)
{
  forget_server (self);
  g_clear_pointer (&self->info, frag_e2b_sandbox_info_free);
  g_object_notify (G_OBJECT (self), "sandbox-id");
}

/* ---- create (and replay the install) ------------------------------------------- */

typedef struct
{
  Continuation  next;
  GTask        *task;   /* owned: the outer task to continue */
} CreateData;

static void
install_replayed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autofree CreateData *data = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&data->task);
  FragE2bSandbox *self = g_task_get_source_object (task);
  FragE2bProcess *process = FRAG_E2B_PROCESS (source);
  g_autoptr(GError) error = NULL;
  int exit_code = -1;

  g_signal_handlers_disconnect_by_data (process, self);
  reset_log_lines (self);
  if (!frag_e2b_process_run_finish (process, result, &exit_code, &error))
    {
      fail_task (self, task, g_steal_pointer (&error));
      return;
    }
  if (exit_code != 0)
    {
      fail_task (self, task, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED,
                                          "Reinstalling the dependencies in the new sandbox failed "
                                          "(exit code %d):\n%s", exit_code,
                                          frag_e2b_process_get_stderr_tail (process)));
      return;
    }
  data->next (g_steal_pointer (&task));
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CreateData *data = user_data;
  g_autoptr(GTask) task = data->task;
  Continuation next = data->next;
  FragE2bSandbox *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  FragE2bSandboxInfo *info;

  g_free (data);
  info = frag_e2b_client_create_finish (FRAG_E2B_CLIENT (source), result, &error);
  if (info == NULL)
    {
      fail_task (self, task, g_steal_pointer (&error));
      return;
    }
  forget_sandbox (self);
  self->info = info;
  g_object_notify (G_OBJECT (self), "sandbox-id");

  if (self->last_install != NULL)
    {
      g_autoptr(FragE2bProcess) process = NULL;
      CreateData *replay = g_new0 (CreateData, 1);

      set_phase (self, FRAG_SANDBOX_PHASE_INSTALLING, self->last_install);
      process = frag_e2b_process_new (self->client, self->info, self->last_install, NULL, NULL,
                                      FRAG_E2B_SANDBOX_INSTALL_TIMEOUT_MS);
      reset_log_lines (self);
      g_signal_connect_object (process, "output", G_CALLBACK (output_to_log_cb), self, 0);
      replay->next = next;
      replay->task = g_steal_pointer (&task);
      frag_e2b_process_run_async (process, g_task_get_cancellable (replay->task),
                                  install_replayed_cb, replay);
      return;
    }
  next (g_steal_pointer (&task));
}

/* Creates a sandbox for the current template (replacing whatever info we had), replays
 * the last install command, then continues with next (task), which it hands on. */
static void
create_then (FragE2bSandbox *self,
             GTask          *task,
             Continuation    next)
{
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  CreateData *data = g_new0 (CreateData, 1);

  if (self->conversation_id != NULL)
    g_hash_table_insert (metadata, (gpointer)"conversation", self->conversation_id);
  g_hash_table_insert (metadata, (gpointer)"template", (gpointer)frag_template_get_id (self->template_));

  data->next = next;
  data->task = task;
  set_phase (self, FRAG_SANDBOX_PHASE_CREATING, frag_template_get_e2b_template (self->template_));
  frag_e2b_client_create_async (self->client, frag_template_get_e2b_template (self->template_),
                                self->sandbox_timeout, metadata, g_task_get_cancellable (task),
                                created_cb, data);
}

/* ---- ensure -------------------------------------------------------------------- */

static void
ensure_created (GTask *task)
{
  FragE2bSandbox *self = g_task_get_source_object (task);

  set_phase (self, FRAG_SANDBOX_PHASE_IDLE, NULL);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
old_killed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  FragE2bSandbox *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* A failed kill of the old sandbox does not stop the new one: it expires anyway. */
  if (!frag_e2b_client_kill_finish (FRAG_E2B_CLIENT (source), result, &error))
    g_debug ("Killing the previous sandbox failed: %s", error->message);
  create_then (self, task, ensure_created);
}

static void
frag_e2b_sandbox_ensure_async (FragSandbox         *sandbox,
                               FragTemplate        *template_,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FragE2bSandbox *self = FRAG_E2B_SANDBOX (sandbox);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *old_id = NULL;

  g_task_set_source_tag (task, frag_e2b_sandbox_ensure_async);
  if (self->template_ != NULL
      && g_strcmp0 (frag_template_get_id (self->template_), frag_template_get_id (template_)) == 0)
    {
      /* Same template: reuse it, or (it expired) make a new one with the same installs. */
      if (self->info != NULL)
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
        }
      else
        create_then (self, task, ensure_created);
      return;
    }

  g_set_object (&self->template_, template_);
  g_clear_pointer (&self->last_install, g_free);
  g_object_notify (G_OBJECT (self), "template-id");
  if (self->info != NULL)
    {
      old_id = g_strdup (self->info->sandbox_id);
      forget_sandbox (self);
      frag_e2b_client_kill_async (self->client, old_id, cancellable, old_killed_cb, task);
      return;
    }
  create_then (self, task, ensure_created);
}

static gboolean
frag_e2b_sandbox_ensure_finish (FragSandbox   *sandbox,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
require_template (FragE2bSandbox *self,
                  GTask          *task)
{
  if (self->template_ != NULL)
    return TRUE;
  g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                           "No sandbox yet: ensure it for a template first");
  return FALSE;
}

/* ---- install ------------------------------------------------------------------- */

static void
install_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragE2bSandbox *self = g_task_get_source_object (task);
  FragE2bProcess *process = FRAG_E2B_PROCESS (source);
  g_autoptr(GError) error = NULL;
  int exit_code = -1;

  g_signal_handlers_disconnect_by_data (process, self);
  reset_log_lines (self);
  if (!frag_e2b_process_run_finish (process, result, &exit_code, &error))
    {
      if (g_error_matches (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE))
        forget_sandbox (self);
      fail_task (self, task, g_steal_pointer (&error));
      return;
    }
  if (exit_code != 0)
    {
      fail_task (self, task, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED,
                                          "The install command failed (exit code %d):\n%s", exit_code,
                                          frag_e2b_process_get_stderr_tail (process)));
      return;
    }
  g_free (self->last_install);
  self->last_install = g_strdup (g_task_get_task_data (task));
  set_phase (self, FRAG_SANDBOX_PHASE_IDLE, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
start_install (GTask *task)
{
  FragE2bSandbox *self = g_task_get_source_object (task);
  const char *command = g_task_get_task_data (task);
  g_autoptr(FragE2bProcess) process = NULL;

  set_phase (self, FRAG_SANDBOX_PHASE_INSTALLING, command);
  process = frag_e2b_process_new (self->client, self->info, command, NULL, NULL,
                                  FRAG_E2B_SANDBOX_INSTALL_TIMEOUT_MS);
  reset_log_lines (self);
  g_signal_connect_object (process, "output", G_CALLBACK (output_to_log_cb), self, 0);
  frag_e2b_process_run_async (process, g_task_get_cancellable (task), install_cb, task);
}

static void
frag_e2b_sandbox_install_async (FragSandbox         *sandbox,
                                const char          *command,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  FragE2bSandbox *self = FRAG_E2B_SANDBOX (sandbox);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, frag_e2b_sandbox_install_async);
  g_task_set_task_data (task, g_strdup (command), g_free);
  if (!require_template (self, task))
    {
      g_object_unref (task);
      return;
    }
  /* Installing replaces what a recreated sandbox would replay. */
  g_clear_pointer (&self->last_install, g_free);
  if (self->info == NULL)
    create_then (self, task, start_install);
  else
    start_install (task);
}

static gboolean
frag_e2b_sandbox_install_finish (FragSandbox   *sandbox,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- execute ------------------------------------------------------------------- */

typedef struct
{
  FragFragment  *fragment;
  FragResult    *result;
  GPtrArray     *files;       /* FragFragmentFile, copies */
  guint          next_file;
  gboolean       recreated;   /* one transparent recreate per run, not a loop */
  FragPortProbe *probe;
  int            port;
  char          *app_url;
} ExecuteData;

static void
execute_data_free (ExecuteData *data)
{
  g_clear_object (&data->fragment);
  g_clear_object (&data->result);
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_clear_object (&data->probe);
  g_free (data->app_url);
  g_free (data);
}

static void upload_next (GTask *task);

/* The sandbox expired or was killed underneath: make a new one and start the run over,
 * once. Returns FALSE when that was already tried (then the error stands). */
static gboolean
recreate_and_retry (GTask         *task,
                    const GError  *error)
{
  FragE2bSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);

  if (!g_error_matches (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE) || data->recreated)
    return FALSE;
  data->recreated = TRUE;
  data->next_file = 0;
  forget_sandbox (self);
  create_then (self, task, upload_next);
  return TRUE;
}

static const FragFragmentFile *
main_file (ExecuteData *data)
{
  const char *file_path = frag_fragment_get_file_path (data->fragment);

  for (guint i = 0; file_path != NULL && i < data->files->len; i++)
    {
      FragFragmentFile *file = g_ptr_array_index (data->files, i);

      if (g_strcmp0 (file->file_path, file_path) == 0)
        return file;
    }
  return data->files->len > 0 ? g_ptr_array_index (data->files, 0) : NULL;
}

static void
interpreter_output_cb (FragSandboxStream  stream,
                       const char        *text,
                       gpointer           user_data)
{
  FragE2bSandbox *self = user_data;

  frag_line_splitter_feed (self->log_lines[stream], text, -1);
}

static void
interpreter_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  FragE2bSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  reset_log_lines (self);
  if (!frag_e2b_client_execute_finish (FRAG_E2B_CLIENT (source), result, &error))
    {
      if (recreate_and_retry (task, error))
        return;
      fail_task (self, task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  set_phase (self, FRAG_SANDBOX_PHASE_READY, NULL);
  g_task_return_pointer (task, g_object_ref (data->result), g_object_unref);
  g_object_unref (task);
}

static void
run_interpreter (GTask *task)
{
  FragE2bSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);
  const FragFragmentFile *file = main_file (data);

  /* A rerun after a recreate starts from a clean result. */
  g_clear_object (&data->result);
  data->result = frag_result_new (frag_template_get_id (self->template_), self->info->sandbox_id,
                                  FRAG_RESULT_BACKEND_E2B);
  set_phase (self, FRAG_SANDBOX_PHASE_RUNNING, NULL);
  reset_log_lines (self);
  /* self outlives the run: the task holds a reference to it. */
  frag_e2b_client_execute_async (self->client, self->info, file != NULL && file->code != NULL ? file->code : "",
                                 data->result, interpreter_output_cb, self,
                                 g_task_get_cancellable (task), interpreter_cb, task);
}

/* -- web -- */

static void
server_ended_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FragE2bSandbox) self = user_data;
  FragE2bProcess *process = FRAG_E2B_PROCESS (source);
  FragPortProbe *probe = g_object_get_data (G_OBJECT (process), "frag-probe");
  g_autoptr(GError) error = NULL;
  int exit_code = -1;

  if (!frag_e2b_process_run_finish (process, result, &exit_code, &error))
    {
      /* We stopped following it (kill, new sandbox): nothing to report. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      exit_code = -1;
    }
  if (probe != NULL)
    frag_port_probe_process_exited (probe, exit_code,
                                    error != NULL && *frag_e2b_process_get_stderr_tail (process) == '\0'
                                    ? error->message : frag_e2b_process_get_stderr_tail (process));
  if (self->server == process)
    {
      g_autofree char *detail = g_strdup_printf ("The server exited (code %d)", exit_code);

      forget_server (self);
      if (probe == NULL || self->phase == FRAG_SANDBOX_PHASE_READY)
        set_phase (self, FRAG_SANDBOX_PHASE_FAILED, detail);
    }
}

static void
start_server (FragE2bSandbox *self,
              ExecuteData    *data)
{
  g_autoptr(GHashTable) envs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const char *start_cmd = frag_template_get_start_cmd (self->template_);

  g_hash_table_insert (envs, (gpointer)"PORT", g_strdup_printf ("%d", data->port));
  set_phase (self, FRAG_SANDBOX_PHASE_STARTING_SERVER, start_cmd);
  /* No Connect-Timeout-Ms: it would be the server's lifetime (§3.8). */
  self->server = frag_e2b_process_new (self->client, self->info, start_cmd, envs, E2B_WORK_DIR, 0);
  self->server_cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (self->server), "frag-probe", g_object_ref (data->probe), g_object_unref);
  reset_log_lines (self);
  g_signal_connect_object (self->server, "output", G_CALLBACK (output_to_log_cb), self, 0);
  frag_e2b_process_run_async (self->server, self->server_cancellable, server_ended_cb, g_object_ref (self));
  /* Asking the port in the same breath as starting the server only wastes a request. */
  frag_port_probe_postpone_attempt (data->probe);
}

static void
probe_attempt_cb (FragPortProbe  *probe,
                  guint           attempt,
                  const char     *last_status,
                  GTask          *task)
{
  FragE2bSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);
  g_autofree char *detail = g_strdup_printf ("port %d, attempt %u", data->port, attempt);

  /* The first answer said nothing listens: the template has no server running (none
   * baked into its snapshot, or it died), so start ours. */
  if (attempt == 2 && self->server == NULL && frag_template_get_start_cmd (self->template_) != NULL)
    start_server (self, data);
  set_phase (self, FRAG_SANDBOX_PHASE_WAITING_FOR_PORT, detail);
}

static void
probe_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  FragE2bSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_signal_handlers_disconnect_by_data (source, task);
  if (self->server != NULL)
    g_object_set_data (G_OBJECT (self->server), "frag-probe", NULL);
  if (!frag_port_probe_wait_finish (FRAG_PORT_PROBE (source), result, &error))
    {
      fail_task (self, task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  g_clear_object (&data->result);
  data->result = frag_result_new (frag_template_get_id (self->template_), self->info->sandbox_id,
                                  FRAG_RESULT_BACKEND_E2B);
  frag_result_set_url (data->result, data->app_url);
  set_phase (self, FRAG_SANDBOX_PHASE_READY, data->app_url);
  g_task_return_pointer (task, g_object_ref (data->result), g_object_unref);
  g_object_unref (task);
}

static void
run_web (GTask *task)
{
  FragE2bSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);

  data->port = frag_fragment_get_port (data->fragment);
  if (data->port == FRAG_FRAGMENT_NO_PORT)
    data->port = frag_template_get_port (self->template_);
  if (data->port <= 0 || data->port > 65535)
    {
      fail_task (self, task, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                                          "The fragment has no port to preview"));
      g_object_unref (task);
      return;
    }
  /* The url is the port's URL exactly as the template expands it, like Fragments'
   * "https://" + getHost(port) (e2b-protocol §7b): no path appended. */
  g_free (data->app_url);
  data->app_url = frag_e2b_client_dup_port_url (self->client, self->info, data->port);
  g_clear_object (&data->probe);
  data->probe = frag_port_probe_new (frag_e2b_client_get_session (self->client), data->app_url, data->port);
  frag_port_probe_set_sandbox_id (data->probe, self->info->sandbox_id);
  frag_port_probe_set_deadline (data->probe, self->port_deadline);
  g_signal_connect (data->probe, "attempt", G_CALLBACK (probe_attempt_cb), task);
  if (self->server != NULL)
    g_object_set_data_full (G_OBJECT (self->server), "frag-probe", g_object_ref (data->probe), g_object_unref);
  frag_port_probe_wait_async (data->probe, g_task_get_cancellable (task), probe_cb, task);
}

/* -- files -- */

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  FragE2bSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!frag_e2b_client_upload_finish (FRAG_E2B_CLIENT (source), result, &error))
    {
      if (recreate_and_retry (task, error))
        return;
      fail_task (self, task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  data->next_file++;
  upload_next (task);
}

static void
upload_next (GTask *task)
{
  FragE2bSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);
  FragFragmentFile *file;
  g_autoptr(GBytes) content = NULL;

  if (data->next_file == 0)
    set_phase (self, FRAG_SANDBOX_PHASE_WRITING, NULL);
  if (data->next_file >= data->files->len)
    {
      if (frag_template_get_kind (self->template_) == FRAG_TEMPLATE_KIND_WEB)
        run_web (task);
      else
        run_interpreter (task);
      return;
    }
  file = g_ptr_array_index (data->files, data->next_file);
  content = g_bytes_new (file->code != NULL ? file->code : "", file->code != NULL ? strlen (file->code) : 0);
  frag_e2b_client_upload_async (self->client, self->info, file->file_path, content,
                                g_task_get_cancellable (task), uploaded_cb, task);
}

static void
frag_e2b_sandbox_execute_async (FragSandbox         *sandbox,
                                FragFragment        *fragment,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  FragE2bSandbox *self = FRAG_E2B_SANDBOX (sandbox);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *files = frag_fragment_get_files (fragment);
  ExecuteData *data;

  g_task_set_source_tag (task, frag_e2b_sandbox_execute_async);
  if (!require_template (self, task))
    {
      g_object_unref (task);
      return;
    }

  data = g_new0 (ExecuteData, 1);
  data->fragment = g_object_ref (fragment);
  data->files = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_fragment_file_free);
  g_task_set_task_data (task, data, (GDestroyNotify)execute_data_free);
  for (guint i = 0; i < files->len; i++)
    {
      FragFragmentFile *file = g_ptr_array_index (files, i);

      /* envd would write wherever it is told: refuse before anything is sent. */
      if (file->file_path == NULL || !frag_fragment_path_is_safe (file->file_path))
        {
          fail_task (self, task, g_error_new (FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                                              "Refusing to write “%s”: the path leaves the work dir",
                                              file->file_path != NULL ? file->file_path : "(none)"));
          g_object_unref (task);
          return;
        }
      g_ptr_array_add (data->files, frag_fragment_file_copy (file));
    }

  /* Expired earlier (keep-alive found it gone): a new one, transparently. */
  if (self->info == NULL)
    {
      data->recreated = TRUE;
      create_then (self, task, upload_next);
      return;
    }
  upload_next (task);
}

static FragResult *
frag_e2b_sandbox_execute_finish (FragSandbox   *sandbox,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- keep alive, kill ---------------------------------------------------------- */

static void
keep_alive_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragE2bSandbox *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!frag_e2b_client_set_timeout_finish (FRAG_E2B_CLIENT (source), result, &error))
    {
      /* Gone: the next run makes a new one; say so to the caller all the same. */
      if (g_error_matches (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE))
        forget_sandbox (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
frag_e2b_sandbox_keep_alive_async (FragSandbox         *sandbox,
                                   guint                seconds,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  FragE2bSandbox *self = FRAG_E2B_SANDBOX (sandbox);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, frag_e2b_sandbox_keep_alive_async);
  if (self->info == NULL)
    {
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE,
                               "There is no sandbox to keep alive");
      return;
    }
  frag_e2b_client_set_timeout_async (self->client, self->info->sandbox_id, seconds, cancellable,
                                     keep_alive_cb, g_steal_pointer (&task));
}

static gboolean
frag_e2b_sandbox_keep_alive_finish (FragSandbox   *sandbox,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
kill_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragE2bSandbox *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!frag_e2b_client_kill_finish (FRAG_E2B_CLIENT (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_phase (self, FRAG_SANDBOX_PHASE_KILLED, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
frag_e2b_sandbox_kill_async (FragSandbox         *sandbox,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FragE2bSandbox *self = FRAG_E2B_SANDBOX (sandbox);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *sandbox_id = NULL;

  g_task_set_source_tag (task, frag_e2b_sandbox_kill_async);
  if (self->info == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  sandbox_id = g_strdup (self->info->sandbox_id);
  forget_sandbox (self);
  frag_e2b_client_kill_async (self->client, sandbox_id, cancellable, kill_cb, g_steal_pointer (&task));
}

static gboolean
frag_e2b_sandbox_kill_finish (FragSandbox   *sandbox,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ------------------------------------------------------------------- */

static void
frag_e2b_sandbox_iface_init (FragSandboxInterface *iface)
{
  iface->ensure_async = frag_e2b_sandbox_ensure_async;
  iface->ensure_finish = frag_e2b_sandbox_ensure_finish;
  iface->install_async = frag_e2b_sandbox_install_async;
  iface->install_finish = frag_e2b_sandbox_install_finish;
  iface->execute_async = frag_e2b_sandbox_execute_async;
  iface->execute_finish = frag_e2b_sandbox_execute_finish;
  iface->keep_alive_async = frag_e2b_sandbox_keep_alive_async;
  iface->keep_alive_finish = frag_e2b_sandbox_keep_alive_finish;
  iface->kill_async = frag_e2b_sandbox_kill_async;
  iface->kill_finish = frag_e2b_sandbox_kill_finish;
}

static void
frag_e2b_sandbox_dispose (GObject *object)
{
  FragE2bSandbox *self = (FragE2bSandbox *)object;

  /* The remote sandbox is not killed here (that needs the main loop and an answer):
   * owners kill it on close and quit; one that slips through expires, and the startup
   * cleanup lists it. */
  forget_server (self);
  for (guint i = 0; i < 2; i++)
    g_clear_pointer (&self->log_lines[i], frag_line_splitter_free);
  g_clear_object (&self->template_);

  G_OBJECT_CLASS (frag_e2b_sandbox_parent_class)->dispose (object);
}

static void
frag_e2b_sandbox_finalize (GObject *object)
{
  FragE2bSandbox *self = (FragE2bSandbox *)object;

  g_clear_object (&self->client);
  g_free (self->conversation_id);
  frag_e2b_sandbox_info_free (self->info);
  g_free (self->last_install);

  G_OBJECT_CLASS (frag_e2b_sandbox_parent_class)->finalize (object);
}

static void
frag_e2b_sandbox_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FragE2bSandbox *self = FRAG_E2B_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_SANDBOX_TIMEOUT:
      g_value_set_uint (value, self->sandbox_timeout);
      break;
    case PROP_PORT_DEADLINE:
      g_value_set_uint (value, self->port_deadline);
      break;
    case PROP_SANDBOX_ID:
      g_value_set_string (value, self->info != NULL ? self->info->sandbox_id : NULL);
      break;
    case PROP_TEMPLATE_ID:
      g_value_set_string (value, self->template_ != NULL ? frag_template_get_id (self->template_) : NULL);
      break;
    case PROP_BACKEND:
      g_value_set_string (value, FRAG_RESULT_BACKEND_E2B);
      break;
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_e2b_sandbox_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FragE2bSandbox *self = FRAG_E2B_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_SANDBOX_TIMEOUT:
      self->sandbox_timeout = g_value_get_uint (value);
      break;
    case PROP_PORT_DEADLINE:
      self->port_deadline = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_e2b_sandbox_class_init (FragE2bSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_e2b_sandbox_dispose;
  object_class->finalize = frag_e2b_sandbox_finalize;
  object_class->get_property = frag_e2b_sandbox_get_property;
  object_class->set_property = frag_e2b_sandbox_set_property;

  properties[PROP_SANDBOX_TIMEOUT] =
    g_param_spec_uint ("sandbox-timeout", NULL, "Seconds a new sandbox lives unless kept alive",
                       1, G_MAXUINT, FRAG_E2B_SANDBOX_DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT_DEADLINE] =
    g_param_spec_uint ("port-deadline", NULL, "Seconds a web app has to answer on its port",
                       1, G_MAXUINT, FRAG_PORT_PROBE_DEFAULT_DEADLINE_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_SANDBOX_ID, "sandbox-id");
  g_object_class_override_property (object_class, PROP_TEMPLATE_ID, "template-id");
  g_object_class_override_property (object_class, PROP_BACKEND, "backend");
  g_object_class_override_property (object_class, PROP_PHASE, "phase");
}

static void
frag_e2b_sandbox_init (FragE2bSandbox *self)
{
  self->phase = FRAG_SANDBOX_PHASE_IDLE;
}

FragE2bSandbox *
frag_e2b_sandbox_new_from_environment (const char *api_key,
                                       const char *conversation_id)
{
  g_autoptr(FragE2bConfig) config = frag_e2b_config_new_from_environment ();
  g_autoptr(FragE2bClient) client = frag_e2b_client_new (config, api_key, NULL);

  return frag_e2b_sandbox_new (client, conversation_id);
}

FragE2bSandbox *
frag_e2b_sandbox_new (FragE2bClient *client,
                      const char    *conversation_id)
{
  FragE2bSandbox *self;

  g_return_val_if_fail (FRAG_IS_E2B_CLIENT (client), NULL);

  self = g_object_new (FRAG_TYPE_E2B_SANDBOX, NULL);
  self->client = g_object_ref (client);
  self->conversation_id = g_strdup (conversation_id);
  return self;
}

FragE2bClient *
frag_e2b_sandbox_get_client (FragE2bSandbox *self)
{
  g_return_val_if_fail (FRAG_IS_E2B_SANDBOX (self), NULL);
  return self->client;
}
