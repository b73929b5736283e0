/* frag-sandbox-driver.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-sandbox-driver"

#include "config.h"

#include "frag-sandbox-driver.h"

typedef enum
{
  OP_NONE,
  OP_ENSURE,
  OP_INSTALL,
  OP_EXECUTE,
  OP_KILL,
  OP_KEEP_ALIVE,
} OpKind;

struct _FragSandboxDriver
{
  GObject       parent_instance;

  FragSandbox  *sandbox;

  /* The target, and why it cannot be reached (cleared when the target changes). */
  FragTemplate *want_template;
  char         *want_install;
  GError       *target_error;

  /* What is in place: the template the last ensure succeeded for, in which sandbox. */
  char         *ready_template_id;
  char         *ready_sandbox_id;
  /* "sandbox-id\ncommand" of every install that succeeded. */
  GHashTable   *installed;

  /* The one operation in flight. */
  OpKind        op;
  GCancellable *op_cancellable;
  char         *op_argument;      /* template id or command */

  /* Who waits. */
  GPtrArray    *prepare_tasks;
  GTask        *execute_task;
  gboolean      execute_started;
  gboolean      execute_recovered;
  GPtrArray    *kill_tasks;
  gboolean      kill_wanted;
  gboolean      kill_only_if_new;
  gboolean      forced_kill;      /* a gone sandbox is killed before it is made again */

  char         *turn_sandbox_id;

  /* Keep-alives wait for a moment with nothing else to do; the longest asked wins. */
  GPtrArray    *keep_alive_tasks;
  guint         keep_alive_seconds;
};

G_DEFINE_FINAL_TYPE (FragSandboxDriver, frag_sandbox_driver, G_TYPE_OBJECT)

static void step (FragSandboxDriver *self);

static void
complete_tasks (GPtrArray    *tasks,
            const GError *error)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_copy (tasks, NULL, NULL);

  g_ptr_array_set_size (tasks, 0);
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
fail_execute (FragSandboxDriver *self,
              const GError      *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->execute_task);

  self->execute_started = FALSE;
  if (task != NULL)
    g_task_return_error (task, g_error_copy (error));
}

static void
frag_sandbox_driver_dispose (GObject *object)
{
  FragSandboxDriver *self = FRAG_SANDBOX_DRIVER (object);

  /* Operations in flight hold a reference: nothing can be in flight here. */
  g_assert (self->op == OP_NONE);
  g_assert (self->prepare_tasks->len == 0 && self->execute_task == NULL && self->kill_tasks->len == 0);
  g_assert (self->keep_alive_tasks->len == 0);

  G_OBJECT_CLASS (frag_sandbox_driver_parent_class)->dispose (object);
}

static void
frag_sandbox_driver_finalize (GObject *object)
{
  FragSandboxDriver *self = FRAG_SANDBOX_DRIVER (object);

  g_clear_object (&self->sandbox);
  g_clear_object (&self->want_template);
  g_free (self->want_install);
  g_clear_error (&self->target_error);
  g_free (self->ready_template_id);
  g_free (self->ready_sandbox_id);
  g_hash_table_unref (self->installed);
  g_clear_object (&self->op_cancellable);
  g_free (self->op_argument);
  g_ptr_array_unref (self->prepare_tasks);
  g_ptr_array_unref (self->kill_tasks);
  g_free (self->turn_sandbox_id);
  g_ptr_array_unref (self->keep_alive_tasks);

  G_OBJECT_CLASS (frag_sandbox_driver_parent_class)->finalize (object);
}

static void
frag_sandbox_driver_class_init (FragSandboxDriverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_sandbox_driver_dispose;
  object_class->finalize = frag_sandbox_driver_finalize;
}

static void
frag_sandbox_driver_init (FragSandboxDriver *self)
{
  self->installed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->prepare_tasks = g_ptr_array_new ();
  self->kill_tasks = g_ptr_array_new ();
  self->keep_alive_tasks = g_ptr_array_new ();
}

FragSandboxDriver *
frag_sandbox_driver_new (FragSandbox *sandbox)
{
  FragSandboxDriver *self;

  g_return_val_if_fail (FRAG_IS_SANDBOX (sandbox), NULL);

  self = g_object_new (FRAG_TYPE_SANDBOX_DRIVER, NULL);
  self->sandbox = g_object_ref (sandbox);
  return self;
}

FragSandbox *
frag_sandbox_driver_get_sandbox (FragSandboxDriver *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_DRIVER (self), NULL);
  return self->sandbox;
}

const char *
frag_sandbox_driver_get_target_id (FragSandboxDriver *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_DRIVER (self), NULL);
  return self->want_template != NULL ? frag_template_get_id (self->want_template) : NULL;
}

gboolean
frag_sandbox_driver_is_busy (FragSandboxDriver *self)
{
  g_return_val_if_fail (FRAG_IS_SANDBOX_DRIVER (self), FALSE);
  return self->op != OP_NONE;
}

static char *
install_key (const char *sandbox_id,
             const char *command)
{
  return g_strconcat (sandbox_id, "\n", command, NULL);
}

gboolean
frag_sandbox_driver_has_installed (FragSandboxDriver *self,
                                   const char        *install_command)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (FRAG_IS_SANDBOX_DRIVER (self), FALSE);

  if (self->ready_sandbox_id == NULL || install_command == NULL)
    return FALSE;
  key = install_key (self->ready_sandbox_id, install_command);
  return g_hash_table_contains (self->installed, key);
}

/* The ensure for the target happened in the sandbox that is there now (a backend that
 * recreated an expired sandbox underneath has a new id: its installs are not done). */
static gboolean
target_is_ready (FragSandboxDriver *self)
{
  g_autofree char *sandbox_id = NULL;

  if (self->ready_template_id == NULL ||
      g_strcmp0 (self->ready_template_id, frag_template_get_id (self->want_template)) != 0)
    return FALSE;
  sandbox_id = frag_sandbox_dup_sandbox_id (self->sandbox);
  if (g_strcmp0 (sandbox_id, self->ready_sandbox_id) != 0)
    {
      g_free (self->ready_sandbox_id);
      self->ready_sandbox_id = g_steal_pointer (&sandbox_id);
    }
  return self->ready_sandbox_id != NULL;
}

static void
forget_ready (FragSandboxDriver *self)
{
  g_clear_pointer (&self->ready_template_id, g_free);
  g_clear_pointer (&self->ready_sandbox_id, g_free);
}

/* Starts an operation; returns its cancellable and a reference for the callback. */
static gpointer
begin_op (FragSandboxDriver *self,
          OpKind             op,
          const char        *argument)
{
  self->op = op;
  g_clear_object (&self->op_cancellable);
  self->op_cancellable = g_cancellable_new ();
  g_free (self->op_argument);
  self->op_argument = g_strdup (argument);
  return g_object_ref (self);
}

/* Ends the operation in flight. TRUE when it was cancelled by us (its outcome is
 * stale and its error is not news). */
static gboolean
end_op (FragSandboxDriver *self)
{
  gboolean cancelled = g_cancellable_is_cancelled (self->op_cancellable);

  self->op = OP_NONE;
  g_clear_object (&self->op_cancellable);
  return cancelled;
}

static void
ensure_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FragSandboxDriver) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *template_id = g_steal_pointer (&self->op_argument);
  gboolean ok = frag_sandbox_ensure_finish (FRAG_SANDBOX (object), result, &error);
  gboolean cancelled = end_op (self);

  if (ok)
    {
      g_free (self->ready_template_id);
      self->ready_template_id = g_steal_pointer (&template_id);
      g_free (self->ready_sandbox_id);
      self->ready_sandbox_id = frag_sandbox_dup_sandbox_id (self->sandbox);
    }
  else if (!cancelled && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           self->want_template != NULL &&
           g_strcmp0 (template_id, frag_template_get_id (self->want_template)) == 0)
    {
      g_clear_error (&self->target_error);
      self->target_error = g_steal_pointer (&error);
    }
  step (self);
}

/* A sandbox found gone: kill what is left of it (killing a gone one succeeds), then
 * the next steps create, install and run again. Once per execute. */
static gboolean
recover_from_gone (FragSandboxDriver *self,
                   const GError      *error)
{
  if (!g_error_matches (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE) || self->execute_recovered)
    return FALSE;

  g_debug ("The sandbox is gone; making a new one");
  self->execute_recovered = TRUE;
  self->execute_started = FALSE;
  forget_ready (self);
  self->kill_wanted = TRUE;
  self->kill_only_if_new = FALSE;
  self->forced_kill = TRUE;
  return TRUE;
}

static void
install_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FragSandboxDriver) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_steal_pointer (&self->op_argument);
  gboolean ok = frag_sandbox_install_finish (FRAG_SANDBOX (object), result, &error);
  gboolean cancelled = end_op (self);

  if (ok && self->ready_sandbox_id != NULL)
    g_hash_table_add (self->installed, install_key (self->ready_sandbox_id, command));
  else if (!ok && !cancelled && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           g_strcmp0 (command, self->want_install) == 0 &&
           !recover_from_gone (self, error))
    {
      g_clear_error (&self->target_error);
      self->target_error = g_steal_pointer (&error);
    }
  step (self);
}

static void
execute_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FragSandboxDriver) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) run = frag_sandbox_execute_finish (FRAG_SANDBOX (object), result, &error);
  gboolean cancelled = end_op (self);
  g_autoptr(GTask) task = NULL;

  g_clear_pointer (&self->op_argument, g_free);
  if (self->execute_task == NULL)
    {
      /* cancel() already answered the caller. */
      step (self);
      return;
    }
  if (run == NULL && !cancelled && recover_from_gone (self, error))
    {
      step (self);
      return;
    }

  task = g_steal_pointer (&self->execute_task);
  self->execute_started = FALSE;
  if (run != NULL)
    g_task_return_pointer (task, g_steal_pointer (&run), g_object_unref);
  else if (cancelled)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The run was stopped");
  else
    g_task_return_error (task, g_steal_pointer (&error));
  step (self);
}

static void
kill_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FragSandboxDriver) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = frag_sandbox_kill_finish (FRAG_SANDBOX (object), result, &error);

  end_op (self);
  g_clear_pointer (&self->op_argument, g_free);
  forget_ready (self);
  if (self->forced_kill)
    {
      /* Part of a recovery: a failed kill of a gone sandbox is no reason to stop. */
      self->forced_kill = FALSE;
      if (!ok)
        g_debug ("Killing the gone sandbox failed: %s", error->message);
    }
  else
    complete_tasks (self->kill_tasks, ok ? NULL : error);
  step (self);
}

static void
keep_alive_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FragSandboxDriver) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = frag_sandbox_keep_alive_finish (FRAG_SANDBOX (object), result, &error);
  gboolean cancelled = end_op (self);

  if (!ok && cancelled && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Pre-empted by real work: how the request ended is not news. */
      g_clear_error (&error);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The keep-alive gave way to other work");
    }
  complete_tasks (self->keep_alive_tasks, ok ? NULL : error);
  step (self);
}

/* A keep-alive runs only when nobody waits for a sandbox to be prepared or to run:
 * those extend its life anyway, and must not queue behind an HTTP round trip. */
static gboolean
start_keep_alive_if_wanted (FragSandboxDriver *self)
{
  g_autofree char *sandbox_id = NULL;
  guint seconds = self->keep_alive_seconds;
  gpointer ref;

  if (self->keep_alive_tasks->len == 0 || self->prepare_tasks->len > 0 || self->execute_task != NULL)
    return FALSE;

  self->keep_alive_seconds = 0;
  sandbox_id = frag_sandbox_dup_sandbox_id (self->sandbox);
  if (sandbox_id == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                             "There is no sandbox to keep alive");

      complete_tasks (self->keep_alive_tasks, error);
      return FALSE;
    }
  ref = begin_op (self, OP_KEEP_ALIVE, NULL);
  frag_sandbox_keep_alive_async (self->sandbox, seconds, self->op_cancellable, keep_alive_cb, ref);
  return TRUE;
}

/* Real work wants the sandbox: a keep-alive in flight gives way. */
static void
preempt_keep_alive (FragSandboxDriver *self)
{
  if (self->op == OP_KEEP_ALIVE)
    g_cancellable_cancel (self->op_cancellable);
}

static gboolean
start_kill_if_wanted (FragSandboxDriver *self)
{
  g_autofree char *sandbox_id = NULL;

  if (!self->kill_wanted)
    return FALSE;
  self->kill_wanted = FALSE;
  sandbox_id = frag_sandbox_dup_sandbox_id (self->sandbox);
  if (self->kill_only_if_new &&
      (sandbox_id == NULL || g_strcmp0 (sandbox_id, self->turn_sandbox_id) == 0))
    {
      /* Nothing was made for this turn: nothing to clean up. */
      complete_tasks (self->kill_tasks, NULL);
      return FALSE;
    }
  /* Never cancelled: a kill that was asked for must happen. */
  frag_sandbox_kill_async (self->sandbox, NULL, kill_cb, begin_op (self, OP_KILL, NULL));
  return TRUE;
}

static void
step (FragSandboxDriver *self)
{
  if (self->op != OP_NONE)
    return;
  if (start_kill_if_wanted (self))
    return;
  if (start_keep_alive_if_wanted (self))
    return;

  if (self->want_template == NULL)
    {
      if (self->prepare_tasks->len > 0 || self->execute_task != NULL)
        {
          g_autoptr(GError) error = g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                                                 "No template was chosen for the sandbox");

          complete_tasks (self->prepare_tasks, error);
          fail_execute (self, error);
        }
      return;
    }

  if (self->target_error != NULL)
    {
      complete_tasks (self->prepare_tasks, self->target_error);
      fail_execute (self, self->target_error);
      return;
    }

  if (!target_is_ready (self))
    {
      const char *template_id = frag_template_get_id (self->want_template);

      gpointer ref = begin_op (self, OP_ENSURE, template_id);

      frag_sandbox_ensure_async (self->sandbox, self->want_template, self->op_cancellable,
                                 ensure_cb, ref);
      return;
    }

  if (self->want_install != NULL && !frag_sandbox_driver_has_installed (self, self->want_install))
    {
      gpointer ref = begin_op (self, OP_INSTALL, self->want_install);

      frag_sandbox_install_async (self->sandbox, self->want_install, self->op_cancellable,
                                  install_cb, ref);
      return;
    }

  complete_tasks (self->prepare_tasks, NULL);

  if (self->execute_task != NULL && !self->execute_started)
    {
      FragFragment *fragment = g_task_get_task_data (self->execute_task);
      gpointer ref = begin_op (self, OP_EXECUTE, NULL);

      self->execute_started = TRUE;
      frag_sandbox_execute_async (self->sandbox, fragment, self->op_cancellable, execute_cb, ref);
    }
}

/* Cancels the operation in flight when it works for something no longer wanted. */
static void
cancel_stale_op (FragSandboxDriver *self)
{
  gboolean stale = FALSE;

  if (self->op == OP_ENSURE)
    stale = self->want_template == NULL ||
            g_strcmp0 (self->op_argument, frag_template_get_id (self->want_template)) != 0;
  else if (self->op == OP_INSTALL)
    stale = g_strcmp0 (self->op_argument, self->want_install) != 0;

  if (stale)
    g_cancellable_cancel (self->op_cancellable);
}

static void
set_install (FragSandboxDriver *self,
             const char        *install_command)
{
  if (install_command != NULL && *install_command == '\0')
    install_command = NULL;
  if (g_strcmp0 (self->want_install, install_command) == 0)
    return;
  g_free (self->want_install);
  self->want_install = g_strdup (install_command);
  g_clear_error (&self->target_error);
}

void
frag_sandbox_driver_set_target (FragSandboxDriver *self,
                                FragTemplate      *template_,
                                const char        *install_command)
{
  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));
  g_return_if_fail (FRAG_IS_TEMPLATE (template_));

  if (self->want_template == NULL ||
      g_strcmp0 (frag_template_get_id (self->want_template), frag_template_get_id (template_)) != 0)
    {
      g_set_object (&self->want_template, template_);
      g_clear_error (&self->target_error);
    }
  set_install (self, install_command);
  cancel_stale_op (self);
  preempt_keep_alive (self);
  step (self);
}

void
frag_sandbox_driver_set_install (FragSandboxDriver *self,
                                 const char        *install_command)
{
  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));
  g_return_if_fail (self->want_template != NULL);

  set_install (self, install_command);
  cancel_stale_op (self);
  preempt_keep_alive (self);
  step (self);
}

void
frag_sandbox_driver_prepare_async (FragSandboxDriver   *self,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, frag_sandbox_driver_prepare_async);
  g_ptr_array_add (self->prepare_tasks, task);
  preempt_keep_alive (self);
  step (self);
}

gboolean
frag_sandbox_driver_prepare_finish (FragSandboxDriver  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
frag_sandbox_driver_execute_async (FragSandboxDriver   *self,
                                   FragFragment        *fragment,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));
  g_return_if_fail (FRAG_IS_FRAGMENT (fragment));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, frag_sandbox_driver_execute_async);
  if (self->execute_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "A run is already under way");
      return;
    }
  g_task_set_task_data (task, g_object_ref (fragment), g_object_unref);
  self->execute_task = g_steal_pointer (&task);
  self->execute_started = FALSE;
  self->execute_recovered = FALSE;
  preempt_keep_alive (self);
  step (self);
}

FragResult *
frag_sandbox_driver_execute_finish (FragSandboxDriver  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
frag_sandbox_driver_cancel (FragSandboxDriver *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));

  g_clear_object (&self->want_template);
  g_clear_pointer (&self->want_install, g_free);
  g_clear_error (&self->target_error);
  if (self->op == OP_ENSURE || self->op == OP_INSTALL || self->op == OP_EXECUTE ||
      self->op == OP_KEEP_ALIVE)
    g_cancellable_cancel (self->op_cancellable);

  error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stopped");
  complete_tasks (self->prepare_tasks, error);
  fail_execute (self, error);
  complete_tasks (self->keep_alive_tasks, error);
  self->keep_alive_seconds = 0;
}

void
frag_sandbox_driver_begin_turn (FragSandboxDriver *self)
{
  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));

  g_free (self->turn_sandbox_id);
  self->turn_sandbox_id = frag_sandbox_dup_sandbox_id (self->sandbox);
}

static void
queue_kill (FragSandboxDriver   *self,
            gboolean             only_if_new,
            gpointer             source_tag,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  frag_sandbox_driver_cancel (self);
  g_ptr_array_add (self->kill_tasks, task);
  /* An unconditional kill wins over a conditional one queued with it. */
  self->kill_only_if_new = self->kill_wanted ? (self->kill_only_if_new && only_if_new) : only_if_new;
  self->kill_wanted = TRUE;
  step (self);
}

void
frag_sandbox_driver_discard_turn_async (FragSandboxDriver   *self,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));
  queue_kill (self, TRUE, frag_sandbox_driver_discard_turn_async, callback, user_data);
}

gboolean
frag_sandbox_driver_discard_turn_finish (FragSandboxDriver  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
frag_sandbox_driver_kill_async (FragSandboxDriver   *self,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));
  queue_kill (self, FALSE, frag_sandbox_driver_kill_async, callback, user_data);
}

gboolean
frag_sandbox_driver_kill_finish (FragSandboxDriver  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
frag_sandbox_driver_keep_alive_async (FragSandboxDriver   *self,
                                      guint                seconds,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FRAG_IS_SANDBOX_DRIVER (self));
  g_return_if_fail (seconds > 0);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, frag_sandbox_driver_keep_alive_async);
  g_ptr_array_add (self->keep_alive_tasks, task);
  self->keep_alive_seconds = MAX (self->keep_alive_seconds, seconds);
  step (self);
}

gboolean
frag_sandbox_driver_keep_alive_finish (FragSandboxDriver  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
