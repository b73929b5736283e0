/* frag-local-sandbox.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-local-sandbox"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "frag-line-splitter.h"
#include "frag-local-sandbox.h"
#include "frag-port-bridge.h"
#include "frag-port-probe.h"
#include "frag-sandbox-files.h"
#include "frag-sandbox-process.h"
#include "frag-sandbox-runner-resources.h"
#include "frag-sandbox-runtime.h"

#define RUNNER_RESOURCE_DIR "/io/github/fragmentstudio/FragmentStudio/sandbox/runner"
#define BRIDGE_SOCKET_NAME  "port.sock"
/* bwrap's --info-fd in the child (3 is the runner's result channel). */
#define SANDBOX_INFO_FD     4

struct _FragLocalSandbox
{
  GObject              parent_instance;

  FragSandboxLauncher  launcher;
  guint                wall_seconds;
  guint                cpu_seconds;
  guint                output_limit;
  guint                port_deadline;

  FragSandboxPhase     phase;
  FragTemplate        *template_;
  char                *root_dir;     /* host: work/, runner/, run/ */
  char                *work_dir;
  char                *runner_dir;
  char                *run_dir;
  char                *sandbox_id;

  SoupSession         *session;      /* the port probe's */
  FragSandboxProcess  *server;       /* the running web app, or NULL */
  FragPortBridge      *bridge;
  FragLineSplitter    *log_lines[2];
};

static void frag_local_sandbox_iface_init (FragSandboxInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FragLocalSandbox, frag_local_sandbox, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FRAG_TYPE_SANDBOX, frag_local_sandbox_iface_init))

enum {
  PROP_0,
  PROP_WALL_SECONDS,
  PROP_CPU_SECONDS,
  PROP_OUTPUT_LIMIT,
  PROP_PORT_DEADLINE,
  N_PROPS,
  PROP_SANDBOX_ID = N_PROPS,
  PROP_TEMPLATE_ID,
  PROP_BACKEND,
  PROP_PHASE,
};

static GParamSpec *properties[N_PROPS];

static void
set_phase (FragLocalSandbox *self,
           FragSandboxPhase  phase,
           const char       *detail)
{
  self->phase = phase;
  frag_sandbox_emit_phase (FRAG_SANDBOX (self), phase, detail);
}

/* Fails the task, and says so in the phase. */
static void
fail_task (FragLocalSandbox *self,
           GTask            *task,
           GError           *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_phase (self, FRAG_SANDBOX_PHASE_FAILED, error->message);
  g_task_return_error (task, error);
}

static gboolean
running_as_root (void)
{
  return geteuid () == 0;
}

/* ---- the sandbox's directories ------------------------------------------------- */

typedef struct
{
  char *root_dir;
} CreateResult;

static void
create_result_free (CreateResult *result)
{
  g_free (result->root_dir);
  g_free (result);
}

/* The runner resource is compiled with --manual-register (an automatic constructor in
 * a static library is dropped by the linker); registering is also what initializes it,
 * so do it once, here, on first use. */
static GResource *
runner_resource (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      frag_sandbox_runner_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  return frag_sandbox_runner_get_resource ();
}

static gboolean
write_runner_files (const char  *runner_dir,
                    GError     **error)
{
  GResource *resource = runner_resource ();
  g_auto(GStrv) names = NULL;

  names = g_resource_enumerate_children (resource, RUNNER_RESOURCE_DIR, 0, error);
  if (names == NULL)
    return FALSE;
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (RUNNER_RESOURCE_DIR "/", names[i], NULL);
      g_autofree char *target = g_build_filename (runner_dir, names[i], NULL);
      g_autoptr(GBytes) bytes = g_resource_lookup_data (resource, path, 0, error);

      if (bytes == NULL
          || !g_file_set_contents_full (target, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                        G_FILE_SET_CONTENTS_NONE, 0644, error))
        return FALSE;
    }
  return TRUE;
}

/* As root, the sandbox runs as nobody (frag-sandbox-command.h): give it its dirs. */
static gboolean
hand_to_sandbox_user (const char  *path,
                      GError     **error)
{
  if (!running_as_root ())
    return TRUE;
  if (chown (path, FRAG_SANDBOX_NOBODY_ID, FRAG_SANDBOX_NOBODY_ID) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                   "Cannot give %s to the sandbox user: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static void
create_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char *parent_dir = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *root_dir = NULL;
  g_autofree char *work_dir = NULL;
  g_autofree char *runner_dir = NULL;
  g_autofree char *run_dir = NULL;
  CreateResult *result;

  if (parent_dir == NULL)
    root_dir = g_dir_make_tmp ("frag-sandbox-XXXXXX", &error);
  else if (g_mkdir_with_parents (parent_dir, 0700) == 0)
    {
      root_dir = g_build_filename (parent_dir, "frag-sandbox-XXXXXX", NULL);
      if (g_mkdtemp (root_dir) == NULL)
        g_clear_pointer (&root_dir, g_free);
    }
  if (root_dir == NULL)
    {
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                               "Cannot make the sandbox's directory: %s",
                               error != NULL ? error->message : g_strerror (errno));
      return;
    }
  work_dir = g_build_filename (root_dir, "work", NULL);
  runner_dir = g_build_filename (root_dir, "runner", NULL);
  run_dir = g_build_filename (root_dir, "run", NULL);
  if (g_mkdir (work_dir, 0755) != 0 || g_mkdir (runner_dir, 0755) != 0 || g_mkdir (run_dir, 0700) != 0)
    {
      int saved_errno = errno;

      frag_sandbox_files_remove_tree (root_dir);
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                               "Cannot make the sandbox's directories: %s", g_strerror (saved_errno));
      return;
    }
  /* The root dir itself must be traversable by the sandbox user. */
  if (g_chmod (root_dir, 0755) != 0
      || !write_runner_files (runner_dir, &error)
      || !hand_to_sandbox_user (work_dir, &error)
      || !hand_to_sandbox_user (run_dir, &error))
    {
      frag_sandbox_files_remove_tree (root_dir);
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                               "Cannot prepare the sandbox: %s",
                               error != NULL ? error->message : g_strerror (errno));
      return;
    }

  result = g_new0 (CreateResult, 1);
  result->root_dir = g_steal_pointer (&root_dir);
  g_task_return_pointer (task, result, (GDestroyNotify)create_result_free);
}

static void
remove_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  frag_sandbox_files_remove_tree (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
stop_server (FragLocalSandbox *self)
{
  if (self->server != NULL)
    frag_sandbox_process_kill (self->server);
  g_clear_object (&self->server);
}

/* Drops everything of the current sandbox: its processes die at once; its files are
 * removed off the main thread, in the background unless removed_cb is given, which is
 * then called (with task) once they are gone. */
static void
discard_sandbox_full (FragLocalSandbox    *self,
                      GAsyncReadyCallback  removed_cb,
                      GTask               *task)
{
  g_autoptr(GTask) remove_task = NULL;

  stop_server (self);
  if (self->bridge != NULL)
    frag_port_bridge_stop (self->bridge);
  g_clear_object (&self->bridge);
  if (self->root_dir != NULL)
    {
      remove_task = g_task_new (NULL, NULL, removed_cb, task);
      g_task_set_task_data (remove_task, g_steal_pointer (&self->root_dir), g_free);
      g_task_run_in_thread (remove_task, remove_worker);
    }
  else if (removed_cb != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  g_clear_pointer (&self->work_dir, g_free);
  g_clear_pointer (&self->runner_dir, g_free);
  g_clear_pointer (&self->run_dir, g_free);
  g_clear_pointer (&self->sandbox_id, g_free);
  g_clear_object (&self->template_);
  g_object_notify (G_OBJECT (self), "sandbox-id");
  g_object_notify (G_OBJECT (self), "template-id");
}

static void
discard_sandbox (FragLocalSandbox *self)
{
  discard_sandbox_full (self, NULL, NULL);
}

/* ---- ensure -------------------------------------------------------------------- */

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  FragLocalSandbox *self = FRAG_LOCAL_SANDBOX (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  CreateResult *created;
  g_autofree char *basename = NULL;

  created = g_task_propagate_pointer (G_TASK (result), &error);
  if (created == NULL)
    {
      fail_task (self, task, g_steal_pointer (&error));
      return;
    }

  self->root_dir = g_steal_pointer (&created->root_dir);
  create_result_free (created);
  self->work_dir = g_build_filename (self->root_dir, "work", NULL);
  self->runner_dir = g_build_filename (self->root_dir, "runner", NULL);
  self->run_dir = g_build_filename (self->root_dir, "run", NULL);
  basename = g_path_get_basename (self->root_dir);
  self->sandbox_id = g_strdup_printf ("local-%s", basename + strlen ("frag-sandbox-"));
  self->template_ = g_object_ref (g_task_get_task_data (task));
  if (g_task_return_error_if_cancelled (task))
    {
      discard_sandbox (self);
      return;
    }
  g_object_notify (G_OBJECT (self), "sandbox-id");
  g_object_notify (G_OBJECT (self), "template-id");
  set_phase (self, FRAG_SANDBOX_PHASE_IDLE, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
frag_local_sandbox_ensure_async (FragSandbox         *sandbox,
                                 FragTemplate        *template_,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  FragLocalSandbox *self = FRAG_LOCAL_SANDBOX (sandbox);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) create_task = NULL;
  const char *launcher_path;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_local_sandbox_ensure_async);
  g_task_set_task_data (task, g_object_ref (template_), g_object_unref);

  if (self->root_dir != NULL && self->template_ != NULL
      && g_strcmp0 (frag_template_get_id (self->template_), frag_template_get_id (template_)) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  launcher_path = self->launcher == FRAG_SANDBOX_LAUNCHER_BWRAP ? "/usr/bin/bwrap" : "/usr/bin/flatpak-spawn";
  if (!g_file_test (launcher_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      fail_task (self, task,
                 g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_UNAVAILABLE,
                              "The local sandbox needs %s, which is not there (%s); "
                              "or use the E2B backend", launcher_path,
                              self->launcher == FRAG_SANDBOX_LAUNCHER_BWRAP
                              ? "install the bubblewrap package" : "the Flatpak runtime lacks it"));
      return;
    }

  /* A different template: the old sandbox goes, a fresh one comes. */
  discard_sandbox (self);
  set_phase (self, FRAG_SANDBOX_PHASE_CREATING, NULL);
  create_task = g_task_new (self, cancellable, create_cb, g_steal_pointer (&task));
  /* Always get the created dir back, even when cancelled meanwhile, so it is removed. */
  g_task_set_check_cancellable (create_task, FALSE);
  /* flatpak-spawn can expose only paths inside the app's own directories (its /tmp is
   * private to it): there, sandboxes live in the app's cache dir. */
  if (self->launcher == FRAG_SANDBOX_LAUNCHER_FLATPAK_SPAWN)
    g_task_set_task_data (create_task,
                          g_build_filename (g_get_user_cache_dir (), "fragment-studio", "sandboxes", NULL),
                          g_free);
  g_task_run_in_thread (create_task, create_worker);
}

static gboolean
frag_local_sandbox_ensure_finish (FragSandbox   *sandbox,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- running one confined command ---------------------------------------------- */

static FragSandboxProcess *
new_process (FragLocalSandbox   *self,
             const char * const *command,
             const char * const *env,
             guint               wall_seconds,
             gboolean            result_channel)
{
  static const int forward_fds[] = { 3, -1 };
  FragSandboxSpec spec = {
    .work_dir = self->work_dir,
    .runner_dir = self->runner_dir,
    .run_dir = self->run_dir,
    .command = command,
    .env = env,
    .limits = {
      .cpu_seconds = self->cpu_seconds,
      .max_processes = FRAG_LOCAL_SANDBOX_DEFAULT_MAX_PROCESSES,
      .max_file_bytes = FRAG_LOCAL_SANDBOX_DEFAULT_MAX_FILE_BYTES,
      .max_memory_bytes = FRAG_LOCAL_SANDBOX_DEFAULT_MAX_MEMORY,
      .max_open_files = 1024,
    },
    .drop_root = TRUE,
    .forward_fds = result_channel ? forward_fds : NULL,
    .info_fd = self->launcher == FRAG_SANDBOX_LAUNCHER_BWRAP ? SANDBOX_INFO_FD : 0,
  };
  g_auto(GStrv) argv = frag_sandbox_command_build (self->launcher, &spec);
  FragSandboxProcess *process = frag_sandbox_process_new ((const char * const *)argv);

  frag_sandbox_process_set_wall_limit (process, wall_seconds);
  frag_sandbox_process_set_output_limit (process, self->output_limit);
  frag_sandbox_process_set_result_channel (process, result_channel);
  if (spec.info_fd > 0)
    frag_sandbox_process_set_info_channel (process, spec.info_fd);
  return process;
}

/* bwrap reports its own failures ("bwrap: Creating new namespace failed: ...") on stderr
 * with exit status 1 before anything of ours runs. */
static gboolean
launcher_failed (FragSandboxProcess *process)
{
  const char *tail = frag_sandbox_process_get_stderr_tail (process);

  return frag_sandbox_process_get_exit_code (process) == 1
         && (g_str_has_prefix (tail, "bwrap:") || g_str_has_prefix (tail, "setpriv:")
             || g_str_has_prefix (tail, "prlimit:"));
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
reset_log_lines (FragLocalSandbox *self)
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
output_to_log_cb (FragSandboxProcess *process,
                  FragSandboxStream   stream,
                  const char         *chunk,
                  FragLocalSandbox   *self)
{
  frag_line_splitter_feed (self->log_lines[stream], chunk, -1);
}

static gboolean
require_sandbox (FragLocalSandbox *self,
                 GTask            *task)
{
  if (self->root_dir != NULL)
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
  FragSandboxProcess *process = FRAG_SANDBOX_PROCESS (source);
  g_autoptr(GTask) task = user_data;
  FragLocalSandbox *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  g_signal_handlers_disconnect_by_data (process, self);
  reset_log_lines (self);
  if (!frag_sandbox_process_run_finish (process, result, &error))
    {
      fail_task (self, task, g_steal_pointer (&error));
      return;
    }
  if (launcher_failed (process))
    {
      fail_task (self, task, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_UNAVAILABLE,
                                          "The local sandbox cannot run here: %s",
                                          frag_sandbox_process_get_stderr_tail (process)));
      return;
    }
  if (frag_sandbox_process_get_timed_out (process))
    {
      fail_task (self, task, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_TIME_LIMIT,
                                          "The install command did not finish within %u s",
                                          (guint)FRAG_LOCAL_SANDBOX_DEFAULT_INSTALL_SECONDS));
      return;
    }
  if (frag_sandbox_process_get_exit_code (process) != 0)
    {
      /* The usual cause: the local sandbox has no network, so pip/npm cannot download. */
      fail_task (self, task, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED,
                                          "The install command failed (exit code %d; the local "
                                          "sandbox has no network, E2B has):\n%s",
                                          frag_sandbox_process_get_exit_code (process),
                                          frag_sandbox_process_get_stderr_tail (process)));
      return;
    }
  set_phase (self, FRAG_SANDBOX_PHASE_IDLE, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
frag_local_sandbox_install_async (FragSandbox         *sandbox,
                                  const char          *command,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FragLocalSandbox *self = FRAG_LOCAL_SANDBOX (sandbox);
  g_autoptr(GTask) task = NULL;
  g_autoptr(FragSandboxProcess) process = NULL;
  const char *argv[] = { "/bin/sh", "-c", command, NULL };

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_local_sandbox_install_async);
  if (!require_sandbox (self, task))
    return;

  set_phase (self, FRAG_SANDBOX_PHASE_INSTALLING, command);
  process = new_process (self, argv, NULL, FRAG_LOCAL_SANDBOX_DEFAULT_INSTALL_SECONDS, FALSE);
  reset_log_lines (self);
  g_signal_connect_object (process, "output", G_CALLBACK (output_to_log_cb), self, 0);
  frag_sandbox_process_run_async (process, cancellable, install_cb, g_steal_pointer (&task));
}

static gboolean
frag_local_sandbox_install_finish (FragSandbox   *sandbox,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- execute ------------------------------------------------------------------- */

typedef struct
{
  FragFragment       *fragment;
  FragResult         *result;
  FragSandboxProcess *process;
  FragPortProbe      *probe;
  int                 port;
} ExecuteData;

static void
execute_data_free (ExecuteData *data)
{
  g_clear_object (&data->fragment);
  g_clear_object (&data->result);
  g_clear_object (&data->process);
  g_clear_object (&data->probe);
  g_free (data);
}

/* The file the interpreter runs: the fragment's file_path, else its first file. */
static const char *
main_file_path (FragFragment *fragment)
{
  GPtrArray *files = frag_fragment_get_files (fragment);
  const char *file_path = frag_fragment_get_file_path (fragment);

  if (file_path != NULL && *file_path != '\0')
    return file_path;
  if (files->len > 0)
    return ((FragFragmentFile *)g_ptr_array_index (files, 0))->file_path;
  return NULL;
}

static void
interpreter_output_cb (FragSandboxProcess *process,
                       FragSandboxStream   stream,
                       const char         *chunk,
                       FragResult         *result)
{
  if (stream == FRAG_SANDBOX_STREAM_STDOUT)
    frag_result_append_stdout (result, chunk);
  else
    frag_result_append_stderr (result, chunk);
}

/* Reads the runner's fd-3 document into the result. FALSE if there is none (the
 * runner was killed before it could write it). */
static gboolean
read_runner_outcome (FragResult *result,
                     GBytes     *data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *node;

  if (data == NULL || g_bytes_get_size (data) == 0
      || !json_parser_load_from_data (parser, g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  object = json_node_get_object (json_parser_get_root (parser));
  node = json_object_get_member (object, "results");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autoptr(FragResultItem) item = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          item = frag_result_item_new_from_object (json_node_get_object (element));
          if (!frag_result_item_is_empty (item))
            frag_result_take_item (result, g_steal_pointer (&item));
        }
    }
  node = json_object_get_member (object, "error");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *error = json_node_get_object (node);

      frag_result_set_error (result,
                             json_object_get_string_member_with_default (error, "name", "Error"),
                             json_object_get_string_member_with_default (error, "value", ""),
                             json_object_get_string_member_with_default (error, "traceback", ""));
    }
  return TRUE;
}

/* The signal that ended the sandboxed command: bwrap reports a child killed by signal N
 * as exit status 128 + N. */
static int
ended_by_signal (FragSandboxProcess *process)
{
  int exit_code = frag_sandbox_process_get_exit_code (process);

  if (frag_sandbox_process_get_term_signal (process) != 0)
    return frag_sandbox_process_get_term_signal (process);
  if (exit_code > 128 && exit_code < 128 + 65)
    return exit_code - 128;
  return 0;
}

static void
interpreter_done_cb (GObject      *source,
                     GAsyncResult *res,
                     gpointer      user_data)
{
  FragSandboxProcess *process = FRAG_SANDBOX_PROCESS (source);
  g_autoptr(GTask) task = user_data;
  FragLocalSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) outcome = NULL;

  g_signal_handlers_disconnect_by_data (process, data->result);
  g_signal_handlers_disconnect_by_data (process, self);
  reset_log_lines (self);
  if (!frag_sandbox_process_run_finish (process, res, &error))
    {
      fail_task (self, task, g_steal_pointer (&error));
      return;
    }
  if (launcher_failed (process))
    {
      fail_task (self, task, g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_UNAVAILABLE,
                                          "The local sandbox cannot run here: %s",
                                          frag_sandbox_process_get_stderr_tail (process)));
      return;
    }

  outcome = frag_sandbox_process_get_result_data (process);
  read_runner_outcome (data->result, outcome);

  /* A limit overrides whatever the runner said: the run was cut short. */
  if (frag_sandbox_process_get_timed_out (process))
    {
      g_autofree char *value = g_strdup_printf ("The run took longer than %u s and was stopped",
                                                self->wall_seconds);

      frag_result_set_error (data->result, "TimeLimitExceeded", value, NULL);
    }
  else if (frag_sandbox_process_get_output_capped (process))
    {
      g_autofree char *value = g_strdup_printf ("The run printed more than %u bytes and was stopped",
                                                self->output_limit);

      frag_result_set_error (data->result, "OutputLimitExceeded", value, NULL);
    }
  else if (outcome == NULL || g_bytes_get_size (outcome) == 0)
    {
      int signal_number = ended_by_signal (process);
      g_autofree char *value = NULL;

      if (signal_number == SIGXCPU)
        value = g_strdup_printf ("The run used more than %u s of CPU time and was stopped",
                                 self->cpu_seconds);
      else
        value = g_strdup_printf ("The Python process ended (exit code %d%s%s) before reporting a result",
                                 frag_sandbox_process_get_exit_code (process),
                                 signal_number != 0 ? ", signal " : "",
                                 signal_number != 0 ? g_strsignal (signal_number) : "");
      frag_result_set_error (data->result,
                             signal_number == SIGXCPU ? "CpuTimeLimitExceeded" : "ProcessExited",
                             value, frag_sandbox_process_get_stderr_tail (process));
    }

  set_phase (self, FRAG_SANDBOX_PHASE_READY, NULL);
  g_task_return_pointer (task, g_object_ref (data->result), g_object_unref);
}

static void
start_interpreter (FragLocalSandbox *self,
                   GTask            *task)
{
  ExecuteData *data = g_task_get_task_data (task);
  const char *file_path = main_file_path (data->fragment);
  g_autofree char *inner_file = NULL;
  const char *argv[] = { "/usr/bin/python3", "-I", "@RUNNER@/frag_cell_runner.py", NULL, NULL };
  /* Agg through our inline backend (plt.show() hands figures over); one BLAS thread so
   * the process limit and the memory limit are not eaten by a thread pool. */
  const char *env[] = {
    "MPLBACKEND=module://frag_inline",
    /* In the work dir, so matplotlib builds its font cache once per sandbox, not per run. */
    "MPLCONFIGDIR=@WORK@/.cache/matplotlib",
    "PYTHONUNBUFFERED=1",
    "PYTHONDONTWRITEBYTECODE=1",
    "OPENBLAS_NUM_THREADS=1",
    "OMP_NUM_THREADS=1",
    NULL
  };

  if (file_path == NULL)
    {
      fail_task (self, task,
                 g_error_new (FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_MISSING_FIELD,
                              "The fragment has no file to run"));
      return;
    }
  inner_file = g_strconcat ("@WORK@/", file_path, NULL);
  argv[3] = inner_file;

  set_phase (self, FRAG_SANDBOX_PHASE_RUNNING, NULL);
  data->process = new_process (self, argv, env, self->wall_seconds, TRUE);
  g_signal_connect_object (data->process, "output", G_CALLBACK (interpreter_output_cb), data->result, 0);
  /* The same output, live, line by line, for a progress view during long runs. */
  reset_log_lines (self);
  g_signal_connect_object (data->process, "output", G_CALLBACK (output_to_log_cb), self, 0);
  frag_sandbox_process_run_async (data->process, g_task_get_cancellable (task),
                                  interpreter_done_cb, g_object_ref (task));
}

/* ---- web apps ------------------------------------------------------------------ */

static void
server_exited_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FragSandboxProcess *process = FRAG_SANDBOX_PROCESS (source);
  g_autoptr(FragPortProbe) probe = user_data;

  frag_sandbox_process_run_finish (process, result, NULL);
  /* Tell the probe at once: a dead server is never waited for until the deadline. */
  frag_port_probe_process_exited (probe, frag_sandbox_process_get_exit_code (process),
                                  frag_sandbox_process_get_stderr_tail (process));
}

static void
probe_attempt_cb (FragPortProbe    *probe,
                  guint             attempt,
                  const char       *last_status,
                  FragLocalSandbox *self)
{
  ExecuteData *data;
  g_autofree char *detail = NULL;

  (void)last_status;
  data = g_object_get_data (G_OBJECT (probe), "frag-execute-data");
  detail = g_strdup_printf ("port %d, attempt %u", data->port, attempt);
  set_phase (self, FRAG_SANDBOX_PHASE_WAITING_FOR_PORT, detail);
}

static void
probe_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FragPortProbe *probe = FRAG_PORT_PROBE (source);
  g_autoptr(GTask) task = user_data;
  FragLocalSandbox *self = g_task_get_source_object (task);
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_signal_handlers_disconnect_by_data (probe, self);
  if (!frag_port_probe_wait_finish (probe, result, &error))
    {
      /* The server may still be running (deadline, cancel): it must not outlive its run. */
      if (self->server == data->process)
        stop_server (self);
      fail_task (self, task, g_steal_pointer (&error));
      return;
    }

  url = g_strdup_printf ("http://127.0.0.1:%u/", frag_port_bridge_get_port (self->bridge));
  frag_result_set_url (data->result, url);
  set_phase (self, FRAG_SANDBOX_PHASE_READY, url);
  g_task_return_pointer (task, g_object_ref (data->result), g_object_unref);
}

static void
start_web (FragLocalSandbox *self,
           GTask            *task)
{
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *port_env = NULL;
  g_autofree char *probe_url = NULL;
  const char *start_cmd = frag_template_get_start_cmd (self->template_);
  const char *argv[] = {
    "/usr/bin/python3", "-I", "@RUNNER@/frag_port_bridge.py", "@RUN@/" BRIDGE_SOCKET_NAME,
    NULL, "--", "/bin/sh", "-c", start_cmd, NULL
  };
  const char *env[] = { NULL, "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1", NULL };

  data->port = frag_fragment_get_port (data->fragment);
  if (data->port == FRAG_FRAGMENT_NO_PORT)
    data->port = frag_template_get_port (self->template_);
  if (data->port <= 0 || data->port > 65535 || start_cmd == NULL)
    {
      fail_task (self, task,
                 g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                              "The template “%s” has no port or start command to run a web app",
                              frag_template_get_id (self->template_)));
      return;
    }

  if (self->bridge == NULL)
    {
      g_autofree char *socket_path = g_build_filename (self->run_dir, BRIDGE_SOCKET_NAME, NULL);

      self->bridge = frag_port_bridge_new (socket_path, &error);
      if (self->bridge == NULL)
        {
          fail_task (self, task, g_steal_pointer (&error));
          return;
        }
    }

  /* A new fragment for a running app: restart it on the new files (the simplest reload
   * that works for every framework). */
  stop_server (self);

  port_text = g_strdup_printf ("%d", data->port);
  port_env = g_strdup_printf ("PORT=%d", data->port);
  argv[4] = port_text;
  env[0] = port_env;
  set_phase (self, FRAG_SANDBOX_PHASE_STARTING_SERVER, start_cmd);
  data->process = new_process (self, argv, env, 0, FALSE);
  /* A server logs for as long as it lives; its output is streamed, never kept. */
  frag_sandbox_process_set_output_limit (data->process, 0);
  self->server = g_object_ref (data->process);
  reset_log_lines (self);
  g_signal_connect_object (data->process, "output", G_CALLBACK (output_to_log_cb), self, 0);

  probe_url = g_strdup_printf ("http://127.0.0.1:%u/", frag_port_bridge_get_port (self->bridge));
  data->probe = frag_port_probe_new (self->session, probe_url, data->port);
  frag_port_probe_set_deadline (data->probe, self->port_deadline);
  g_object_set_data (G_OBJECT (data->probe), "frag-execute-data", data);
  g_signal_connect_object (data->probe, "attempt", G_CALLBACK (probe_attempt_cb), self, 0);

  frag_sandbox_process_run_async (data->process, NULL, server_exited_cb, g_object_ref (data->probe));
  frag_port_probe_wait_async (data->probe, g_task_get_cancellable (task), probe_done_cb, g_object_ref (task));
}

/* ---- the write step, then the run ---------------------------------------------- */

typedef struct
{
  char      *work_dir;
  GPtrArray *files;
  char      *start_cmd;   /* web templates: checked for a runtime */
  char      *template_id;
  GStrv      lib;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->work_dir);
  g_ptr_array_unref (data->files);
  g_free (data->start_cmd);
  g_free (data->template_id);
  g_strfreev (data->lib);
  g_free (data);
}

static void
write_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  g_autoptr(GError) error = NULL;

  if (data->start_cmd != NULL
      && !frag_sandbox_runtime_check (data->template_id, data->start_cmd,
                                      (const char * const *)data->lib, data->work_dir, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!frag_sandbox_files_write (data->work_dir, data->files,
                                 running_as_root () ? FRAG_SANDBOX_NOBODY_ID : -1, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  FragLocalSandbox *self = FRAG_LOCAL_SANDBOX (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail_task (self, task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (frag_template_get_kind (self->template_) == FRAG_TEMPLATE_KIND_WEB)
    start_web (self, task);
  else
    start_interpreter (self, task);
}

static void
frag_local_sandbox_execute_async (FragSandbox         *sandbox,
                                  FragFragment        *fragment,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FragLocalSandbox *self = FRAG_LOCAL_SANDBOX (sandbox);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) write_task = NULL;
  ExecuteData *data;
  WriteData *write_data;
  GPtrArray *files;
  gboolean web;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_local_sandbox_execute_async);
  if (!require_sandbox (self, task))
    return;

  data = g_new0 (ExecuteData, 1);
  data->fragment = g_object_ref (fragment);
  data->result = frag_result_new (frag_template_get_id (self->template_), self->sandbox_id,
                                  FRAG_RESULT_BACKEND_LOCAL);
  g_task_set_task_data (task, data, (GDestroyNotify)execute_data_free);

  web = frag_template_get_kind (self->template_) == FRAG_TEMPLATE_KIND_WEB;
  files = frag_fragment_get_files (fragment);
  write_data = g_new0 (WriteData, 1);
  write_data->work_dir = g_strdup (self->work_dir);
  write_data->files = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_fragment_file_free);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (write_data->files, frag_fragment_file_copy (g_ptr_array_index (files, i)));
  write_data->template_id = g_strdup (frag_template_get_id (self->template_));
  write_data->start_cmd = web ? g_strdup (frag_template_get_start_cmd (self->template_)) : NULL;
  write_data->lib = g_strdupv ((char **)frag_template_get_lib (self->template_));

  set_phase (self, FRAG_SANDBOX_PHASE_WRITING, NULL);
  write_task = g_task_new (self, cancellable, write_cb, g_steal_pointer (&task));
  g_task_set_task_data (write_task, write_data, (GDestroyNotify)write_data_free);
  g_task_run_in_thread (write_task, write_worker);
}

static FragResult *
frag_local_sandbox_execute_finish (FragSandbox   *sandbox,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- keep alive, kill ---------------------------------------------------------- */

static void
frag_local_sandbox_keep_alive_async (FragSandbox         *sandbox,
                                     guint                seconds,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (sandbox, cancellable, callback, user_data);

  /* A local sandbox has no expiry: it lives until killed or the app quits. */
  g_task_set_source_tag (task, frag_local_sandbox_keep_alive_async);
  g_task_return_boolean (task, TRUE);
}

static gboolean
frag_local_sandbox_keep_alive_finish (FragSandbox   *sandbox,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_task_return_boolean (task, TRUE);
}

static void
frag_local_sandbox_kill_async (FragSandbox         *sandbox,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FragLocalSandbox *self = FRAG_LOCAL_SANDBOX (sandbox);
  GTask *task = g_task_new (sandbox, cancellable, callback, user_data);

  g_task_set_source_tag (task, frag_local_sandbox_kill_async);
  if (self->root_dir != NULL)
    set_phase (self, FRAG_SANDBOX_PHASE_KILLED, NULL);
  /* Done when the files are gone too: a caller about to exit (frag run, the app
   * quitting) leaves nothing behind. */
  discard_sandbox_full (self, removed_cb, task);
}

static gboolean
frag_local_sandbox_kill_finish (FragSandbox   *sandbox,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sandbox), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ------------------------------------------------------------------- */

static void
frag_local_sandbox_iface_init (FragSandboxInterface *iface)
{
  iface->ensure_async = frag_local_sandbox_ensure_async;
  iface->ensure_finish = frag_local_sandbox_ensure_finish;
  iface->install_async = frag_local_sandbox_install_async;
  iface->install_finish = frag_local_sandbox_install_finish;
  iface->execute_async = frag_local_sandbox_execute_async;
  iface->execute_finish = frag_local_sandbox_execute_finish;
  iface->keep_alive_async = frag_local_sandbox_keep_alive_async;
  iface->keep_alive_finish = frag_local_sandbox_keep_alive_finish;
  iface->kill_async = frag_local_sandbox_kill_async;
  iface->kill_finish = frag_local_sandbox_kill_finish;
}

static void
frag_local_sandbox_dispose (GObject *object)
{
  FragLocalSandbox *self = (FragLocalSandbox *)object;

  /* Nothing outlives the object: the app quitting or a conversation closing kills it. */
  discard_sandbox (self);
  for (guint i = 0; i < 2; i++)
    g_clear_pointer (&self->log_lines[i], frag_line_splitter_free);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (frag_local_sandbox_parent_class)->dispose (object);
}

static void
frag_local_sandbox_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FragLocalSandbox *self = FRAG_LOCAL_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_WALL_SECONDS:
      g_value_set_uint (value, self->wall_seconds);
      break;
    case PROP_CPU_SECONDS:
      g_value_set_uint (value, self->cpu_seconds);
      break;
    case PROP_OUTPUT_LIMIT:
      g_value_set_uint (value, self->output_limit);
      break;
    case PROP_PORT_DEADLINE:
      g_value_set_uint (value, self->port_deadline);
      break;
    case PROP_SANDBOX_ID:
      g_value_set_string (value, self->sandbox_id);
      break;
    case PROP_TEMPLATE_ID:
      g_value_set_string (value, self->template_ != NULL ? frag_template_get_id (self->template_) : NULL);
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
frag_local_sandbox_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FragLocalSandbox *self = FRAG_LOCAL_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_WALL_SECONDS:
      self->wall_seconds = g_value_get_uint (value);
      break;
    case PROP_CPU_SECONDS:
      self->cpu_seconds = g_value_get_uint (value);
      break;
    case PROP_OUTPUT_LIMIT:
      self->output_limit = g_value_get_uint (value);
      break;
    case PROP_PORT_DEADLINE:
      self->port_deadline = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_local_sandbox_class_init (FragLocalSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_local_sandbox_dispose;
  object_class->get_property = frag_local_sandbox_get_property;
  object_class->set_property = frag_local_sandbox_set_property;

  properties[PROP_WALL_SECONDS] =
    g_param_spec_uint ("wall-seconds", NULL, "Wall-time limit of one interpreter run",
                       1, G_MAXUINT, FRAG_LOCAL_SANDBOX_DEFAULT_WALL_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_CPU_SECONDS] =
    g_param_spec_uint ("cpu-seconds", NULL, "CPU-time limit of one process (0: none)",
                       0, G_MAXUINT, FRAG_LOCAL_SANDBOX_DEFAULT_CPU_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTPUT_LIMIT] =
    g_param_spec_uint ("output-limit", NULL, "Bytes of stdout + stderr one run may print",
                       1, G_MAXUINT, FRAG_LOCAL_SANDBOX_DEFAULT_OUTPUT_BYTES,
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
frag_local_sandbox_init (FragLocalSandbox *self)
{
  self->launcher = frag_sandbox_command_default_launcher ();
  self->phase = FRAG_SANDBOX_PHASE_IDLE;
  /* The probe talks to our own loopback bridge only; no proxy, short I/O timeout. */
  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 5, NULL);
  soup_session_set_proxy_resolver (self->session, NULL);
}

FragLocalSandbox *
frag_local_sandbox_new (void)
{
  return g_object_new (FRAG_TYPE_LOCAL_SANDBOX, NULL);
}

void
frag_local_sandbox_set_launcher (FragLocalSandbox    *self,
                                 FragSandboxLauncher  launcher)
{
  g_return_if_fail (FRAG_IS_LOCAL_SANDBOX (self));
  self->launcher = launcher;
}

const char *
frag_local_sandbox_get_work_dir (FragLocalSandbox *self)
{
  g_return_val_if_fail (FRAG_IS_LOCAL_SANDBOX (self), NULL);
  return self->work_dir;
}
