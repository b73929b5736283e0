/* frag-history-store.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-store"

#include "config.h"

#include "frag-history-db.h"
#include "frag-history-store.h"

/* Threading: the SQLite connection (db) and open_error belong to the worker thread of
 * pool, the only thread that runs jobs, one at a time, in the order they were queued.
 * Everything else is main-thread state. Each job's GTask carries copies of its
 * arguments; its result is delivered on the caller's context by GTask, and the job's
 * own reference on the task is dropped there too (release_task), so the store's last
 * reference, held by tasks, is never dropped on the worker (dispose joins the worker). */

struct _FragHistoryStore
{
  GObject        parent_instance;

  char          *path;
  GThreadPool   *pool;

  /* Worker thread only */
  FragHistoryDb *db;
  GError        *open_error;
  gboolean       closed;

  /* Written by the open job before it completes; read-only afterwards */
  GError        *open_notice;

  /* Main thread: message id -> PendingCheckpoint, written by the next flush */
  GHashTable    *pending_checkpoints;
  GSource       *checkpoint_timer;
  gint64         last_flush;
};

static void frag_history_store_iface_init (FragHistoryInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FragHistoryStore, frag_history_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FRAG_TYPE_HISTORY, frag_history_store_iface_init))

typedef void (*JobFunc) (FragHistoryStore *self,
                         GTask            *task,
                         gpointer          data);

typedef struct
{
  JobFunc         func;
  GTask          *task;       /* NULL for internal jobs (checkpoint flush, close on dispose) */
  gpointer        data;       /* for internal jobs; tasks keep theirs as task data */
  GDestroyNotify  data_free;
} Job;

/* The arguments of any operation, copied on the caller's thread. */
typedef struct
{
  gint64             id;
  gint64             other_id;
  gint64             third_id;
  char              *text;
  char              *text2;
  char              *text3;
  int                enum_value;
  FragTokenUsage     usage;
  GPtrArray         *attachments;
  guint              offset;
  guint              limit;
} Args;

static void
args_free (Args *args)
{
  g_free (args->text);
  g_free (args->text2);
  g_free (args->text3);
  g_clear_pointer (&args->attachments, g_ptr_array_unref);
  g_free (args);
}

typedef struct
{
  char *text;
  char *fragment_json;
} PendingCheckpoint;

static void
pending_checkpoint_free (PendingCheckpoint *pending)
{
  g_free (pending->text);
  g_free (pending->fragment_json);
  g_free (pending);
}

static gboolean
unref_task_cb (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
release_task (GTask *task)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, unref_task_cb, task, NULL);
  g_source_set_static_name (source, "[frag-history-store] release task");
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

static void
run_job_worker (gpointer data,
                gpointer user_data)
{
  Job *job = data;
  FragHistoryStore *self = user_data;

  if (job->task == NULL
      || !g_task_get_check_cancellable (job->task)
      || !g_task_return_error_if_cancelled (job->task))
    job->func (self, job->task, job->data);

  if (job->data_free != NULL)
    job->data_free (job->data);
  if (job->task != NULL)
    release_task (job->task);
  g_free (job);
}

static void
push_job (FragHistoryStore *self,
          GTask            *task,
          JobFunc           func,
          gpointer          data,
          GDestroyNotify    data_free)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->task = task;
  job->data = data;
  job->data_free = data_free;
  g_thread_pool_push (self->pool, job, NULL);
}

/* Creates the task of an operation with its arguments and queues it. */
static void
push_task (FragHistoryStore    *self,
           gpointer             source_tag,
           Args                *args,
           JobFunc              func,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, args, (GDestroyNotify)args_free);
  push_job (self, task, func, NULL, NULL);
}

static Args *
args_new (void)
{
  return g_new0 (Args, 1);
}

/* On the worker: the open database, or FALSE after returning the reason on task. */
static gboolean
worker_check_open (FragHistoryStore *self,
                   GTask            *task)
{
  if (self->db != NULL)
    return TRUE;
  if (self->open_error != NULL)
    g_task_return_error (task, g_error_copy (self->open_error));
  else
    g_task_return_new_error (task, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_FAILED, "The history is closed");
  return FALSE;
}

static void
return_id (GTask  *task,
           gint64  id,
           GError *error)
{
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_memdup2 (&id, sizeof id), g_free);
}

static gint64
propagate_id (FragHistoryStore  *self,
              GAsyncResult      *result,
              gpointer           source_tag,
              GError           **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, 0);

  id = g_task_propagate_pointer (G_TASK (result), error);
  return id != NULL ? *id : 0;
}

static void
return_boolean (GTask    *task,
                gboolean  ok,
                GError   *error)
{
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
propagate_boolean (FragHistoryStore  *self,
                   GAsyncResult      *result,
                   gpointer           source_tag,
                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
propagate_object (FragHistoryStore  *self,
                  GAsyncResult      *result,
                  gpointer           source_tag,
                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Opening and closing */

static void
open_worker (FragHistoryStore *self,
             GTask            *task,
             gpointer          data)
{
  GError *error = NULL;

  self->db = frag_history_db_open (self->path, &self->open_notice, &error);
  if (self->db == NULL)
    {
      self->open_error = g_error_copy (error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
close_worker (FragHistoryStore *self,
              GTask            *task,
              gpointer          data)
{
  g_clear_pointer (&self->db, frag_history_db_close);
  self->closed = TRUE;
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

static void
barrier_worker (FragHistoryStore *self,
                GTask            *task,
                gpointer          data)
{
  g_task_return_boolean (task, TRUE);
}

/* Checkpoints */

static void
flush_checkpoints_worker (FragHistoryStore *self,
                          GTask            *task,
                          gpointer          data)
{
  GHashTable *pending = data;
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  gint64 now = g_get_real_time ();

  if (self->db == NULL)
    {
      g_warning ("Dropped %u streaming checkpoint(s): the history is not open", g_hash_table_size (pending));
      return;
    }

  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      PendingCheckpoint *checkpoint = value;
      g_autoptr(GError) error = NULL;

      if (!frag_history_db_checkpoint_message (self->db, *(gint64 *)key, checkpoint->text,
                                               checkpoint->fragment_json, now, &error)
          && error != NULL)
        g_warning ("Could not save a streaming message: %s", error->message);
    }
}

static void
flush_checkpoints_now (FragHistoryStore *self)
{
  GHashTable *pending;

  if (self->checkpoint_timer != NULL)
    {
      g_source_destroy (self->checkpoint_timer);
      g_clear_pointer (&self->checkpoint_timer, g_source_unref);
    }
  if (g_hash_table_size (self->pending_checkpoints) == 0)
    return;

  pending = g_steal_pointer (&self->pending_checkpoints);
  self->pending_checkpoints = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                     (GDestroyNotify)pending_checkpoint_free);
  self->last_flush = g_get_monotonic_time ();
  push_job (self, NULL, flush_checkpoints_worker, pending, (GDestroyNotify)g_hash_table_unref);
}

static gboolean
checkpoint_timer_cb (gpointer user_data)
{
  FragHistoryStore *self = user_data;

  g_clear_pointer (&self->checkpoint_timer, g_source_unref);
  flush_checkpoints_now (self);
  return G_SOURCE_REMOVE;
}

static void
frag_history_store_checkpoint_message (FragHistory *history,
                                       gint64       message_id,
                                       const char  *text,
                                       const char  *fragment_json)
{
  FragHistoryStore *self = FRAG_HISTORY_STORE (history);
  PendingCheckpoint *checkpoint;
  gint64 due;
  gint64 now;

  checkpoint = g_new0 (PendingCheckpoint, 1);
  checkpoint->text = g_strdup (text);
  checkpoint->fragment_json = g_strdup (fragment_json);
  g_hash_table_replace (self->pending_checkpoints, g_memdup2 (&message_id, sizeof message_id), checkpoint);

  if (self->checkpoint_timer != NULL)
    return;

  /* The first checkpoint of a quiet period is written at once; later ones wait until
   * the interval since the last write has passed, keeping only the newest state. */
  now = g_get_monotonic_time ();
  due = self->last_flush + FRAG_HISTORY_CHECKPOINT_INTERVAL_MS * G_TIME_SPAN_MILLISECOND;
  if (self->last_flush == 0 || now >= due)
    {
      flush_checkpoints_now (self);
      return;
    }

  self->checkpoint_timer = g_timeout_source_new ((guint)((due - now + 999) / 1000));
  g_source_set_callback (self->checkpoint_timer, checkpoint_timer_cb, self, NULL);
  g_source_set_static_name (self->checkpoint_timer, "[frag-history-store] checkpoint");
  g_source_attach (self->checkpoint_timer, g_main_context_get_thread_default ());
}

/* Operations: each is a worker, an _async that copies its arguments, and a _finish. */

static void
create_conversation_worker (FragHistoryStore *self,
                            GTask            *task,
                            gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id;

  if (!worker_check_open (self, task))
    return;
  id = frag_history_db_create_conversation (self->db, args->text, args->text2, args->text3,
                                            g_get_real_time (), &error);
  return_id (task, id, error);
}

static void
frag_history_store_create_conversation_async (FragHistory         *history,
                                              const char          *title,
                                              const char          *model,
                                              const char          *template_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  Args *args = args_new ();

  args->text = g_strdup (title);
  args->text2 = g_strdup (model);
  args->text3 = g_strdup (template_id);
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_create_conversation_async, args,
             create_conversation_worker, cancellable, callback, user_data);
}

static gint64
frag_history_store_create_conversation_finish (FragHistory   *history,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  return propagate_id (FRAG_HISTORY_STORE (history), result, frag_history_store_create_conversation_async, error);
}

static void
append_message_worker (FragHistoryStore *self,
                       GTask            *task,
                       gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id;

  if (!worker_check_open (self, task))
    return;
  id = frag_history_db_append_message (self->db, args->id, (FragMessageRole)args->enum_value,
                                       args->enum_value == FRAG_MESSAGE_ROLE_USER
                                         ? FRAG_MESSAGE_STATE_COMPLETE
                                         : FRAG_MESSAGE_STATE_STREAMING,
                                       args->text, args->text2, args->attachments,
                                       g_get_real_time (), &error);
  return_id (task, id, error);
}

static GPtrArray *
copy_attachments (GPtrArray *attachments)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    g_ptr_array_add (copy, frag_attachment_copy (g_ptr_array_index (attachments, i)));
  return copy;
}

static void
frag_history_store_append_user_message_async (FragHistory         *history,
                                              gint64               conversation_id,
                                              const char          *text,
                                              GPtrArray           *attachments,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  Args *args = args_new ();

  args->id = conversation_id;
  args->enum_value = FRAG_MESSAGE_ROLE_USER;
  args->text = g_strdup (text);
  args->attachments = copy_attachments (attachments);
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_append_user_message_async, args,
             append_message_worker, cancellable, callback, user_data);
}

static gint64
frag_history_store_append_user_message_finish (FragHistory   *history,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  return propagate_id (FRAG_HISTORY_STORE (history), result, frag_history_store_append_user_message_async, error);
}

static void
frag_history_store_begin_assistant_message_async (FragHistory         *history,
                                                  gint64               conversation_id,
                                                  const char          *model,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  Args *args = args_new ();

  args->id = conversation_id;
  args->enum_value = FRAG_MESSAGE_ROLE_ASSISTANT;
  args->text2 = g_strdup (model);
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_begin_assistant_message_async, args,
             append_message_worker, cancellable, callback, user_data);
}

static gint64
frag_history_store_begin_assistant_message_finish (FragHistory   *history,
                                                   GAsyncResult  *result,
                                                   GError       **error)
{
  return propagate_id (FRAG_HISTORY_STORE (history), result,
                       frag_history_store_begin_assistant_message_async, error);
}

static void
finish_message_worker (FragHistoryStore *self,
                       GTask            *task,
                       gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  if (!worker_check_open (self, task))
    return;
  ok = frag_history_db_finish_message (self->db, args->id, (FragMessageState)args->enum_value,
                                       args->text, args->text2, args->text3, args->usage,
                                       g_get_real_time (), &error);
  return_boolean (task, ok, error);
}

static void
frag_history_store_finish_message_async (FragHistory         *history,
                                         gint64               message_id,
                                         FragMessageState     state,
                                         const char          *text,
                                         const char          *fragment_json,
                                         const char          *error_message,
                                         FragTokenUsage       usage,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  FragHistoryStore *self = FRAG_HISTORY_STORE (history);
  Args *args = args_new ();

  /* The final state supersedes whatever checkpoint was still waiting. */
  g_hash_table_remove (self->pending_checkpoints, &message_id);

  args->id = message_id;
  args->enum_value = state;
  args->text = g_strdup (text);
  args->text2 = g_strdup (fragment_json);
  args->text3 = g_strdup (error_message);
  args->usage = usage;
  push_task (self, frag_history_store_finish_message_async, args, finish_message_worker,
             cancellable, callback, user_data);
}

static gboolean
frag_history_store_finish_message_finish (FragHistory   *history,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return propagate_boolean (FRAG_HISTORY_STORE (history), result, frag_history_store_finish_message_async, error);
}

static void
add_version_worker (FragHistoryStore *self,
                    GTask            *task,
                    gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id;

  if (!worker_check_open (self, task))
    return;
  id = frag_history_db_add_version (self->db, args->id, args->other_id, args->third_id,
                                    (FragVersionOrigin)args->enum_value, args->text,
                                    g_get_real_time (), &error);
  return_id (task, id, error);
}

static void
frag_history_store_add_version_async (FragHistory         *history,
                                      gint64               conversation_id,
                                      gint64               message_id,
                                      gint64               parent_id,
                                      FragVersionOrigin    origin,
                                      const char          *fragment_json,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Args *args = args_new ();

  args->id = conversation_id;
  args->other_id = message_id;
  args->third_id = parent_id;
  args->enum_value = origin;
  args->text = g_strdup (fragment_json);
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_add_version_async, args,
             add_version_worker, cancellable, callback, user_data);
}

static gint64
frag_history_store_add_version_finish (FragHistory   *history,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return propagate_id (FRAG_HISTORY_STORE (history), result, frag_history_store_add_version_async, error);
}

static void
add_result_worker (FragHistoryStore *self,
                   GTask            *task,
                   gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id;

  if (!worker_check_open (self, task))
    return;
  id = frag_history_db_add_result (self->db, args->id, args->text, g_get_real_time (), &error);
  return_id (task, id, error);
}

static void
frag_history_store_add_result_async (FragHistory         *history,
                                     gint64               version_id,
                                     const char          *result_json,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  Args *args = args_new ();

  args->id = version_id;
  args->text = g_strdup (result_json);
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_add_result_async, args,
             add_result_worker, cancellable, callback, user_data);
}

static gint64
frag_history_store_add_result_finish (FragHistory   *history,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return propagate_id (FRAG_HISTORY_STORE (history), result, frag_history_store_add_result_async, error);
}

static void
set_sandbox_worker (FragHistoryStore *self,
                    GTask            *task,
                    gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  if (!worker_check_open (self, task))
    return;
  ok = frag_history_db_set_sandbox (self->db, args->id, args->text, args->text2, g_get_real_time (), &error);
  return_boolean (task, ok, error);
}

static void
frag_history_store_set_sandbox_async (FragHistory         *history,
                                      gint64               conversation_id,
                                      const char          *backend,
                                      const char          *sandbox_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Args *args = args_new ();

  args->id = conversation_id;
  args->text = g_strdup (backend);
  args->text2 = g_strdup (sandbox_id);
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_set_sandbox_async, args,
             set_sandbox_worker, cancellable, callback, user_data);
}

static gboolean
frag_history_store_set_sandbox_finish (FragHistory   *history,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return propagate_boolean (FRAG_HISTORY_STORE (history), result, frag_history_store_set_sandbox_async, error);
}

static void
rename_worker (FragHistoryStore *self,
               GTask            *task,
               gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  if (!worker_check_open (self, task))
    return;
  ok = frag_history_db_rename_conversation (self->db, args->id, args->text, g_get_real_time (), &error);
  return_boolean (task, ok, error);
}

static void
frag_history_store_rename_conversation_async (FragHistory         *history,
                                              gint64               conversation_id,
                                              const char          *title,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  Args *args = args_new ();

  args->id = conversation_id;
  args->text = g_strdup (title);
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_rename_conversation_async, args,
             rename_worker, cancellable, callback, user_data);
}

static gboolean
frag_history_store_rename_conversation_finish (FragHistory   *history,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  return propagate_boolean (FRAG_HISTORY_STORE (history), result,
                            frag_history_store_rename_conversation_async, error);
}

static void
delete_worker (FragHistoryStore *self,
               GTask            *task,
               gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  if (!worker_check_open (self, task))
    return;
  ok = frag_history_db_delete_conversation (self->db, args->id, &error);
  return_boolean (task, ok, error);
}

static void
frag_history_store_delete_conversation_async (FragHistory         *history,
                                              gint64               conversation_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  Args *args = args_new ();

  args->id = conversation_id;
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_delete_conversation_async, args,
             delete_worker, cancellable, callback, user_data);
}

static gboolean
frag_history_store_delete_conversation_finish (FragHistory   *history,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  return propagate_boolean (FRAG_HISTORY_STORE (history), result,
                            frag_history_store_delete_conversation_async, error);
}

static void
delete_messages_worker (FragHistoryStore *self,
                        GTask            *task,
                        gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  if (!worker_check_open (self, task))
    return;
  ok = frag_history_db_delete_messages_from (self->db, args->id, args->other_id, g_get_real_time (), &error);
  return_boolean (task, ok, error);
}

static void
frag_history_store_delete_messages_from_async (FragHistory         *history,
                                               gint64               conversation_id,
                                               gint64               message_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  Args *args = args_new ();

  args->id = conversation_id;
  args->other_id = message_id;
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_delete_messages_from_async, args,
             delete_messages_worker, cancellable, callback, user_data);
}

static gboolean
frag_history_store_delete_messages_from_finish (FragHistory   *history,
                                                GAsyncResult  *result,
                                                GError       **error)
{
  return propagate_boolean (FRAG_HISTORY_STORE (history), result,
                            frag_history_store_delete_messages_from_async, error);
}

static void
load_worker (FragHistoryStore *self,
             GTask            *task,
             gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  FragStoredConversation *conversation;

  if (!worker_check_open (self, task))
    return;
  conversation = frag_history_db_load_conversation (self->db, args->id, &error);
  if (conversation == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, conversation, g_object_unref);
}

static void
frag_history_store_load_conversation_async (FragHistory         *history,
                                            gint64               conversation_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  Args *args = args_new ();

  args->id = conversation_id;
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_load_conversation_async, args,
             load_worker, cancellable, callback, user_data);
}

static FragStoredConversation *
frag_history_store_load_conversation_finish (FragHistory   *history,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  return propagate_object (FRAG_HISTORY_STORE (history), result,
                           frag_history_store_load_conversation_async, error);
}

/* A GListStore is built on the worker and handed over untouched: nothing can be
 * connected to it before the caller gets it. */
static void
return_list (GTask     *task,
             GType      item_type,
             GPtrArray *items,
             GError    *error)
{
  GListStore *store;

  if (items == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  store = g_list_store_new (item_type);
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  g_ptr_array_unref (items);
  g_task_return_pointer (task, store, g_object_unref);
}

static void
list_worker (FragHistoryStore *self,
             GTask            *task,
             gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *items;

  if (!worker_check_open (self, task))
    return;
  items = frag_history_db_list_conversations (self->db, args->offset, args->limit, &error);
  return_list (task, FRAG_TYPE_CONVERSATION_INFO, items, error);
}

static void
frag_history_store_list_conversations_async (FragHistory         *history,
                                             guint                offset,
                                             guint                limit,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  Args *args = args_new ();

  args->offset = offset;
  args->limit = limit;
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_list_conversations_async, args,
             list_worker, cancellable, callback, user_data);
}

static GListModel *
frag_history_store_list_conversations_finish (FragHistory   *history,
                                              GAsyncResult  *result,
                                              GError       **error)
{
  return propagate_object (FRAG_HISTORY_STORE (history), result,
                           frag_history_store_list_conversations_async, error);
}

static void
search_worker (FragHistoryStore *self,
               GTask            *task,
               gpointer          data)
{
  Args *args = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *items;

  if (!worker_check_open (self, task))
    return;
  items = frag_history_db_search (self->db, args->text, args->offset, args->limit, &error);
  return_list (task, FRAG_TYPE_SEARCH_HIT, items, error);
}

static void
frag_history_store_search_async (FragHistory         *history,
                                 const char          *query,
                                 guint                offset,
                                 guint                limit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Args *args = args_new ();

  args->text = g_strdup (query);
  args->offset = offset;
  args->limit = limit;
  push_task (FRAG_HISTORY_STORE (history), frag_history_store_search_async, args,
             search_worker, cancellable, callback, user_data);
}

static GListModel *
frag_history_store_search_finish (FragHistory   *history,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return propagate_object (FRAG_HISTORY_STORE (history), result, frag_history_store_search_async, error);
}

static void
frag_history_store_iface_init (FragHistoryInterface *iface)
{
  iface->create_conversation_async = frag_history_store_create_conversation_async;
  iface->create_conversation_finish = frag_history_store_create_conversation_finish;
  iface->append_user_message_async = frag_history_store_append_user_message_async;
  iface->append_user_message_finish = frag_history_store_append_user_message_finish;
  iface->begin_assistant_message_async = frag_history_store_begin_assistant_message_async;
  iface->begin_assistant_message_finish = frag_history_store_begin_assistant_message_finish;
  iface->checkpoint_message = frag_history_store_checkpoint_message;
  iface->finish_message_async = frag_history_store_finish_message_async;
  iface->finish_message_finish = frag_history_store_finish_message_finish;
  iface->add_version_async = frag_history_store_add_version_async;
  iface->add_version_finish = frag_history_store_add_version_finish;
  iface->add_result_async = frag_history_store_add_result_async;
  iface->add_result_finish = frag_history_store_add_result_finish;
  iface->set_sandbox_async = frag_history_store_set_sandbox_async;
  iface->set_sandbox_finish = frag_history_store_set_sandbox_finish;
  iface->rename_conversation_async = frag_history_store_rename_conversation_async;
  iface->rename_conversation_finish = frag_history_store_rename_conversation_finish;
  iface->delete_conversation_async = frag_history_store_delete_conversation_async;
  iface->delete_conversation_finish = frag_history_store_delete_conversation_finish;
  iface->delete_messages_from_async = frag_history_store_delete_messages_from_async;
  iface->delete_messages_from_finish = frag_history_store_delete_messages_from_finish;
  iface->load_conversation_async = frag_history_store_load_conversation_async;
  iface->load_conversation_finish = frag_history_store_load_conversation_finish;
  iface->list_conversations_async = frag_history_store_list_conversations_async;
  iface->list_conversations_finish = frag_history_store_list_conversations_finish;
  iface->search_async = frag_history_store_search_async;
  iface->search_finish = frag_history_store_search_finish;
}

/* The object */

static void
frag_history_store_dispose (GObject *object)
{
  FragHistoryStore *self = (FragHistoryStore *)object;

  if (self->pool != NULL)
    {
      /* Whatever the user typed or the model streamed last still gets written, then
       * the connection closes on its own thread; this waits for both. */
      flush_checkpoints_now (self);
      push_job (self, NULL, close_worker, NULL, NULL);
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
    }

  G_OBJECT_CLASS (frag_history_store_parent_class)->dispose (object);
}

static void
frag_history_store_finalize (GObject *object)
{
  FragHistoryStore *self = (FragHistoryStore *)object;

  g_assert (self->db == NULL);
  g_clear_pointer (&self->pending_checkpoints, g_hash_table_unref);
  g_clear_error (&self->open_error);
  g_clear_error (&self->open_notice);
  g_free (self->path);

  G_OBJECT_CLASS (frag_history_store_parent_class)->finalize (object);
}

static void
frag_history_store_class_init (FragHistoryStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_history_store_dispose;
  object_class->finalize = frag_history_store_finalize;
}

static void
frag_history_store_init (FragHistoryStore *self)
{
  self->pending_checkpoints = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                     (GDestroyNotify)pending_checkpoint_free);
}

char *
frag_history_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "fragment-studio", "history.db", NULL);
}

void
frag_history_store_new_async (const char          *path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(FragHistoryStore) self = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (FRAG_TYPE_HISTORY_STORE, NULL);
  self->path = g_strdup (path);
  self->pool = g_thread_pool_new (run_job_worker, self, 1, TRUE, &error);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_history_store_new_async);
  if (self->pool == NULL)
    {
      g_task_return_new_error (task, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_FAILED,
                               "Could not start the history thread: %s", error->message);
      g_object_unref (task);
      return;
    }
  push_job (self, task, open_worker, NULL, NULL);
}

FragHistoryStore *
frag_history_store_new_finish (GAsyncResult  *result,
                               GError       **error)
{
  GObject *self;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == frag_history_store_new_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  self = g_task_get_source_object (G_TASK (result));
  return FRAG_HISTORY_STORE (g_object_ref (self));
}

const char *
frag_history_store_get_path (FragHistoryStore *self)
{
  g_return_val_if_fail (FRAG_IS_HISTORY_STORE (self), NULL);
  return self->path;
}

const GError *
frag_history_store_get_open_notice (FragHistoryStore *self)
{
  g_return_val_if_fail (FRAG_IS_HISTORY_STORE (self), NULL);
  return self->open_notice;
}

void
frag_history_store_flush_async (FragHistoryStore    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FRAG_IS_HISTORY_STORE (self));

  flush_checkpoints_now (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_history_store_flush_async);
  push_job (self, task, barrier_worker, NULL, NULL);
}

gboolean
frag_history_store_flush_finish (FragHistoryStore  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  return propagate_boolean (self, result, frag_history_store_flush_async, error);
}

void
frag_history_store_close_async (FragHistoryStore    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FRAG_IS_HISTORY_STORE (self));

  flush_checkpoints_now (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_history_store_close_async);
  /* Once asked for, the close happens: a half-closed store helps nobody. */
  g_task_set_check_cancellable (task, FALSE);
  push_job (self, task, close_worker, NULL, NULL);
}

gboolean
frag_history_store_close_finish (FragHistoryStore  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  return propagate_boolean (self, result, frag_history_store_close_async, error);
}
