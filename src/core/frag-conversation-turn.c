/* frag-conversation-turn.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One turn of a FragConversation, as a chain of callbacks: store the prompt → begin
 * the answer → resolve the key → stream (speculating on the sandbox) → store the
 * answer and its version → run → store the result. Exactly one asynchronous step of
 * the chain is pending at any time (speculative sandbox work belongs to the sandbox
 * driver, not to the turn), so the turn is freed only by the step that ends it. */

#define G_LOG_DOMAIN "frag-conversation"

#include "config.h"

#include <string.h>

#include "frag-context-builder.h"
#include "frag-conversation-private.h"
#include "frag-error-hint.h"
#include "frag-prompt.h"
#include "frag-retry-policy.h"

/* A conversation is titled after its first prompt until a fragment gives it a name. */
#define TITLE_MAX_CHARS 60

static void begin_answer    (Turn         *turn);
static void store_prompt    (Turn         *turn);
static void start_generation (Turn        *turn);
static void run_fragment    (Turn         *turn);
static void fail_answer     (Turn         *turn,
                             const GError *error);
static void interrupt_turn  (Turn         *turn);

/* ---- the turn's life ---- */

static void
turn_free (Turn *turn)
{
  g_clear_handle_id (&turn->partial_source, g_source_remove);
  g_clear_handle_id (&turn->retry_source, g_source_remove);
  if (turn->generation != NULL)
    g_clear_signal_handler (&turn->changed_handler, turn->generation);
  if (turn->caller_handler != 0)
    g_cancellable_disconnect (turn->caller_cancellable, turn->caller_handler);
  g_clear_object (&turn->caller_cancellable);
  g_clear_object (&turn->cancellable);
  g_clear_object (&turn->user);
  g_clear_object (&turn->assistant);
  g_clear_object (&turn->request);
  g_clear_object (&turn->generation);
  g_free (turn->speculated_template);
  g_free (turn->speculated_install);
  g_clear_object (&turn->fragment);
  g_clear_error (&turn->error);
  g_object_unref (turn->self);
  g_free (turn);
}

static gboolean
stop_idle_cb (gpointer user_data)
{
  FragConversation *self = user_data;

  if (self->turn != NULL && self->turn->caller_cancellable != NULL &&
      g_cancellable_is_cancelled (self->turn->caller_cancellable))
    frag_conversation_stop (self);
  return G_SOURCE_REMOVE;
}

/* Cancelling the caller's cancellable is a stop. Deferred to an idle: stopping can end
 * the turn, which disconnects this handler, which must not happen inside it. */
static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  FragConversation *self = user_data;

  g_idle_add_full (G_PRIORITY_DEFAULT, stop_idle_cb, g_object_ref (self), g_object_unref);
}

Turn *
_frag_turn_new (FragConversation    *self,
                TurnKind             kind,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  Turn *turn = g_new0 (Turn, 1);

  g_assert (self->turn == NULL);

  turn->self = g_object_ref (self);
  turn->kind = kind;
  turn->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (turn->task, source_tag);
  /* A stop is reported as G_IO_ERROR_CANCELLED by us, not by GTask. */
  g_task_set_check_cancellable (turn->task, FALSE);
  turn->cancellable = g_cancellable_new ();
  self->turn = turn;

  if (cancellable != NULL)
    {
      turn->caller_cancellable = g_object_ref (cancellable);
      turn->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb),
                                                    self, NULL);
    }

  _frag_conversation_set_error (self, NULL, -1);
  _frag_conversation_set_partial (self, NULL);
  _frag_conversation_notify_busy (self);
  return turn;
}

/* Ends the turn: the conversation is free again and the caller hears how it went. The
 * phase and the error property are set by then. */
static void
turn_end (Turn *turn)
{
  FragConversation *self = g_object_ref (turn->self);
  g_autoptr(GTask) task = g_steal_pointer (&turn->task);
  g_autoptr(GError) error = g_steal_pointer (&turn->error);

  self->turn = NULL;
  turn_free (turn);
  _frag_conversation_notify_busy (self);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (self);
}

static void
turn_set_error (Turn         *turn,
                const GError *error)
{
  g_clear_error (&turn->error);
  turn->error = g_error_copy (error);
}

static gboolean
turn_is_stopped (Turn *turn)
{
  return g_cancellable_is_cancelled (turn->cancellable);
}

/* Ends a turn that failed before it had an answer (storing the prompt failed). */
static void
fail_turn (Turn         *turn,
           const GError *error)
{
  _frag_conversation_set_error (turn->self, error, -1);
  _frag_conversation_set_phase (turn->self, FRAG_CONVERSATION_PHASE_FAILED, error->message);
  turn_set_error (turn, error);
  turn_end (turn);
}

/* ---- history helpers ---- */

/* Writes nobody waits for (the history runs them in order before the next ones). */
static void
answer_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!frag_history_finish_message_finish (FRAG_HISTORY (object), result, &error))
    g_warning ("Could not store the answer: %s", error->message);
}

static void
renamed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!frag_history_rename_conversation_finish (FRAG_HISTORY (object), result, &error))
    g_warning ("Could not rename the conversation: %s", error->message);
}

static FragTokenUsage
turn_usage (Turn *turn)
{
  FragTokenUsage usage = FRAG_TOKEN_USAGE_UNKNOWN;

  if (turn->generation != NULL)
    {
      usage.input_tokens = frag_generation_get_input_tokens (turn->generation);
      usage.output_tokens = frag_generation_get_output_tokens (turn->generation);
    }
  return usage;
}

/* The partial fragment's JSON as it stands, or NULL before the object began. */
static char *
dup_partial_json (Turn *turn)
{
  g_autoptr(JsonNode) node = NULL;

  if (turn->generation == NULL)
    return NULL;
  node = frag_partial_json_dup_object (frag_generation_get_partial (turn->generation));
  return node != NULL ? json_to_string (node, FALSE) : NULL;
}

static char *
title_from_prompt (const char *prompt)
{
  g_autofree char *line = g_strndup (prompt, strcspn (prompt, "\n"));

  g_strstrip (line);
  if (g_utf8_strlen (line, -1) <= TITLE_MAX_CHARS)
    return g_steal_pointer (&line);
  return g_strconcat (g_utf8_substring (line, 0, TITLE_MAX_CHARS - 1), "…", NULL);
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Turn *turn = user_data;
  FragConversation *self = turn->self;
  g_autoptr(GError) error = NULL;
  gint64 id = frag_history_create_conversation_finish (FRAG_HISTORY (object), result, &error);

  if (id <= 0)
    {
      fail_turn (turn, error);
      return;
    }
  self->id = id;
  self->titled_by_fragment = FALSE;
  g_object_notify (G_OBJECT (self), "id");
  turn->after_create (turn);
}

/* Creates the conversation in the history unless it exists, then goes on. */
static void
ensure_conversation (Turn        *turn,
                     const char  *title_source,
                     void       (*next) (gpointer turn))
{
  FragConversation *self = turn->self;
  g_autofree char *title = NULL;

  if (self->id > 0)
    {
      next (turn);
      return;
    }
  title = title_from_prompt (title_source);
  turn->after_create = next;
  frag_history_create_conversation_async (self->history, title, self->model_id, self->template_id,
                                          NULL, create_cb, turn);
}

/* ---- storing the prompt ---- */

static void
append_prompt_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Turn *turn = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = frag_history_append_user_message_finish (FRAG_HISTORY (object), result, &error);

  if (id <= 0)
    {
      fail_turn (turn, error);
      return;
    }
  frag_message_set_history_id (turn->user, id);
  if (turn_is_stopped (turn))
    {
      interrupt_turn (turn);
      return;
    }
  begin_answer (turn);
}

static void
store_prompt_now (gpointer data)
{
  Turn *turn = data;

  /* Never cancelled: what the user typed is stored whatever happens next. */
  frag_history_append_user_message_async (turn->self->history, turn->self->id,
                                          frag_message_get_text (turn->user),
                                          frag_message_get_attachments (turn->user),
                                          NULL, append_prompt_cb, turn);
}

static void
store_prompt (Turn *turn)
{
  ensure_conversation (turn, frag_message_get_text (turn->user), store_prompt_now);
}

void
_frag_turn_start_send (Turn       *turn,
                       const char *prompt,
                       GPtrArray  *attachments)
{
  turn->user = frag_message_new (FRAG_MESSAGE_ROLE_USER, FRAG_MESSAGE_STATE_COMPLETE, prompt);
  frag_message_set_attachments (turn->user, attachments);
  g_list_store_append (turn->self->messages, turn->user);
  _frag_conversation_set_phase (turn->self, FRAG_CONVERSATION_PHASE_SENDING, NULL);
  store_prompt (turn);
}

void
_frag_turn_start_retry (Turn        *turn,
                        FragMessage *prompt)
{
  turn->user = g_object_ref (prompt);
  _frag_conversation_set_phase (turn->self, FRAG_CONVERSATION_PHASE_SENDING, NULL);
  /* A prompt whose storing failed the first time is stored now. */
  if (frag_message_get_history_id (prompt) == 0)
    store_prompt (turn);
  else
    begin_answer (turn);
}

/* ---- the answer ---- */

static void
key_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Turn *turn = user_data;
  FragConversation *self = turn->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *system_prompt = NULL;
  g_autoptr(JsonNode) schema = NULL;
  char *key;
  guint budget;

  key = frag_keyring_resolve_key_finish (result, NULL, &error);
  if (turn_is_stopped (turn))
    {
      frag_keyring_free_key (key);
      interrupt_turn (turn);
      return;
    }
  if (key == NULL && !(g_error_matches (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NO_KEY) &&
                       !self->api_key_required))
    {
      fail_answer (turn, error);
      return;
    }
  g_clear_error (&error);

  system_prompt = frag_prompt_build_system (self->templates, self->template_id, &error);
  if (system_prompt == NULL)
    {
      frag_keyring_free_key (key);
      fail_answer (turn, error);
      return;
    }

  schema = frag_prompt_dup_fragment_schema ();
  turn->request = frag_llm_request_new (self->provider_id, self->model_id);
  frag_llm_request_set_system_prompt (turn->request, system_prompt);
  frag_llm_request_set_schema (turn->request, schema);
  frag_llm_request_set_api_key (turn->request, key);
  frag_keyring_free_key (key);

  budget = self->context_budget > 0 ? self->context_budget : frag_context_budget_for_model (self->model_id);
  frag_context_build (turn->request, G_LIST_MODEL (self->messages), self->fragment,
                      self->fragment_is_edit, budget);
  start_generation (turn);
}

static void
begin_answer_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Turn *turn = user_data;
  FragConversation *self = turn->self;
  g_autoptr(GError) error = NULL;
  gint64 id = frag_history_begin_assistant_message_finish (FRAG_HISTORY (object), result, &error);

  if (id <= 0)
    {
      fail_answer (turn, error);
      return;
    }
  frag_message_set_history_id (turn->assistant, id);
  if (turn_is_stopped (turn))
    {
      interrupt_turn (turn);
      return;
    }
  frag_keyring_resolve_key_async (self->keyring, self->provider_id, self->api_key, turn->cancellable,
                                  key_cb, turn);
}

static void
begin_answer (Turn *turn)
{
  FragConversation *self = turn->self;

  turn->assistant = frag_message_new (FRAG_MESSAGE_ROLE_ASSISTANT, FRAG_MESSAGE_STATE_STREAMING, "");
  g_list_store_append (self->messages, turn->assistant);
  if (self->driver != NULL)
    frag_sandbox_driver_begin_turn (self->driver);
  frag_history_begin_assistant_message_async (self->history, self->id, self->model_id, NULL,
                                              begin_answer_cb, turn);
}

/* ---- streaming ---- */

/* The growing fragment, for the chat (commentary), the code view and the history. */
static void
publish_partial (Turn *turn)
{
  FragConversation *self = turn->self;
  g_autoptr(JsonNode) node = frag_partial_json_dup_object (frag_generation_get_partial (turn->generation));
  g_autoptr(FragFragment) partial = NULL;
  g_autofree char *json = NULL;

  if (node == NULL)
    return;
  /* Mid-stream a field can hold a value of the wrong type the final check rejects;
   * until then there is simply nothing new to show. */
  partial = frag_fragment_new_from_json_node (node, NULL);
  if (partial == NULL)
    return;

  frag_message_set_fragment (turn->assistant, partial);
  frag_message_set_text (turn->assistant, frag_fragment_get_commentary (partial));
  _frag_conversation_set_partial (self, partial);

  json = json_to_string (node, FALSE);
  frag_history_checkpoint_message (self->history, frag_message_get_history_id (turn->assistant),
                                   frag_message_get_text (turn->assistant), json);
}

static gboolean
partial_tick_cb (gpointer user_data)
{
  Turn *turn = user_data;

  turn->partial_source = 0;
  publish_partial (turn);
  return G_SOURCE_REMOVE;
}

/* Speculation: start the sandbox for the template as soon as the model has committed
 * to one, and the install as soon as its command is whole. A template that changes
 * (the model repeats the key with another value) retargets the driver, which cancels
 * the work for the old one. */
static void
speculate (Turn *turn)
{
  FragConversation *self = turn->self;
  FragPartialJson *partial = frag_generation_get_partial (turn->generation);
  const char *template_id;
  const char *command;
  JsonNode *has_dependencies;

  if (!frag_partial_json_field_is_complete (partial, "template"))
    return;
  template_id = frag_partial_json_get_string (partial, "template", NULL);
  if (template_id == NULL)
    return;

  if (g_strcmp0 (template_id, turn->speculated_template) != 0)
    {
      FragTemplate *template_ = frag_template_catalog_lookup (self->templates, template_id);

      if (turn->speculated_template != NULL)
        {
          g_debug ("The model changed its template from %s to %s", turn->speculated_template, template_id);
          turn->template_changed = TRUE;
          turn->install_rewritten = FALSE;
        }
      g_free (turn->speculated_template);
      turn->speculated_template = g_strdup (template_id);
      g_clear_pointer (&turn->speculated_install, g_free);
      if (template_ == NULL)
        {
          /* Not a template we know: the answer will not validate; start nothing. */
          frag_sandbox_driver_cancel (self->driver);
          return;
        }
      frag_sandbox_driver_set_target (self->driver, template_, NULL);
    }

  if (turn->template_changed &&
      g_strcmp0 (frag_partial_json_get_current_field (partial), "install_dependencies_command") == 0)
    turn->install_rewritten = TRUE;
  if (turn->speculated_install != NULL || frag_sandbox_driver_get_target_id (self->driver) == NULL ||
      (turn->template_changed && !turn->install_rewritten) ||
      !frag_partial_json_field_is_complete (partial, "install_dependencies_command"))
    return;

  has_dependencies = frag_partial_json_get_node (partial, "has_additional_dependencies");
  command = frag_partial_json_get_string (partial, "install_dependencies_command", NULL);
  turn->speculated_install = g_strdup (command != NULL ? command : "");
  if (has_dependencies != NULL && JSON_NODE_HOLDS_VALUE (has_dependencies) &&
      json_node_get_value_type (has_dependencies) == G_TYPE_BOOLEAN &&
      !json_node_get_boolean (has_dependencies))
    return;
  if (command != NULL && *command != '\0')
    frag_sandbox_driver_set_install (self->driver, command);
}

static void
on_generation_changed_cb (FragGeneration *generation,
                          Turn           *turn)
{
  FragConversation *self = turn->self;

  if (self->phase == FRAG_CONVERSATION_PHASE_SENDING)
    _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_STREAMING, NULL);
  if (self->speculation && self->driver != NULL)
    speculate (turn);
  if (turn->partial_source == 0)
    turn->partial_source = g_timeout_add (self->partial_interval_ms, partial_tick_cb, turn);
}

static gboolean
retry_cb (gpointer user_data)
{
  Turn *turn = user_data;

  turn->retry_source = 0;
  start_generation (turn);
  return G_SOURCE_REMOVE;
}

/* A transient failure before any output: wait (as the server asked, or with backoff)
 * and send the same request again. FALSE when it is not worth it. */
static gboolean
schedule_retry (Turn         *turn,
                const GError *error)
{
  FragConversation *self = turn->self;
  g_autofree char *detail = NULL;
  double retry_after = frag_generation_get_retry_after (turn->generation);
  guint delay_ms;

  if (!frag_retry_error_is_transient (error) || frag_generation_get_n_deltas (turn->generation) > 0 ||
      !frag_retry_compute_delay (turn->attempt + 1, self->max_retries, self->base_delay_ms,
                                 self->max_delay_ms, retry_after,
                                 &delay_ms))
    return FALSE;

  turn->attempt++;
  detail = g_strdup_printf ("%s; retrying in %.0f s (attempt %u of %u)", error->message,
                            delay_ms / 1000.0, turn->attempt + 1, self->max_retries + 1);
  g_debug ("%s", detail);
  _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_WAITING_TO_RETRY, detail);
  turn->retry_source = g_timeout_add ((guint)(delay_ms * self->delay_scale), retry_cb, turn);
  return TRUE;
}

static void complete_answer (Turn         *turn,
                             FragFragment *fragment);

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Turn *turn = user_data;
  FragConversation *self = turn->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FragFragment) fragment = NULL;

  g_clear_signal_handler (&turn->changed_handler, turn->generation);
  g_clear_handle_id (&turn->partial_source, g_source_remove);

  if (!frag_provider_generate_finish (FRAG_PROVIDER (object), result, &error))
    {
      publish_partial (turn);
      if (turn_is_stopped (turn) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        interrupt_turn (turn);
      else if (!schedule_retry (turn, error))
        fail_answer (turn, error);
      return;
    }

  publish_partial (turn);
  fragment = frag_generation_dup_fragment (turn->generation, frag_template_catalog_get_ids (self->templates),
                                           &error);
  if (fragment == NULL)
    fail_answer (turn, error);
  else
    complete_answer (turn, fragment);
}

static void
start_generation (Turn *turn)
{
  FragConversation *self = turn->self;

  if (turn->generation != NULL)
    g_clear_signal_handler (&turn->changed_handler, turn->generation);
  g_clear_object (&turn->generation);
  turn->generation = frag_generation_new ();
  g_set_object (&self->generation, turn->generation);
  turn->changed_handler = g_signal_connect (turn->generation, "changed",
                                            G_CALLBACK (on_generation_changed_cb), turn);
  _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_SENDING, NULL);
  frag_provider_generate_async (self->provider, turn->request, turn->generation, turn->cancellable,
                                generate_cb, turn);
}

/* ---- how an answer ends ---- */

static void
interrupted_stored_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Turn *turn = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_history_finish_message_finish (FRAG_HISTORY (object), result, &error))
    g_warning ("Could not store the interrupted answer: %s", error->message);
  interrupt_turn (turn);
}

/* Stopped: what arrived is kept, marked interrupted; the caller gets CANCELLED. */
static void
interrupt_turn (Turn *turn)
{
  FragConversation *self = turn->self;

  if (turn->assistant != NULL && frag_message_get_state (turn->assistant) == FRAG_MESSAGE_STATE_STREAMING)
    {
      g_autofree char *json = dup_partial_json (turn);

      frag_message_set_state (turn->assistant, FRAG_MESSAGE_STATE_INTERRUPTED);
      if (frag_message_get_history_id (turn->assistant) > 0)
        {
          frag_history_finish_message_async (self->history, frag_message_get_history_id (turn->assistant),
                                             FRAG_MESSAGE_STATE_INTERRUPTED,
                                             frag_message_get_text (turn->assistant), json, NULL,
                                             turn_usage (turn), NULL, interrupted_stored_cb, turn);
          return;
        }
    }

  _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_STOPPED, NULL);
  g_clear_error (&turn->error);
  turn->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stopped");
  turn_end (turn);
}

static void
discarded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Turn *turn = user_data;
  g_autoptr(GError) error = NULL;

  if (object != NULL && !frag_sandbox_driver_discard_turn_finish (FRAG_SANDBOX_DRIVER (object), result, &error))
    g_debug ("Could not kill the speculative sandbox: %s", error->message);

  _frag_conversation_set_error (turn->self, turn->error,
                                turn->generation != NULL ? frag_generation_get_retry_after (turn->generation) : -1);
  _frag_conversation_set_phase (turn->self, FRAG_CONVERSATION_PHASE_FAILED, turn->error->message);
  turn_end (turn);
}

static void
discard_speculation (Turn *turn)
{
  if (turn->self->driver != NULL)
    frag_sandbox_driver_discard_turn_async (turn->self->driver, discarded_cb, turn);
  else
    discarded_cb (NULL, NULL, turn);
}

static void
failed_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Turn *turn = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_history_finish_message_finish (FRAG_HISTORY (object), result, &error))
    g_warning ("Could not store the failed answer: %s", error->message);
  /* Speculative work for an answer that is not going to run is thrown away. */
  discard_speculation (turn);
}

/* The answer failed: it stays in the chat and the history in state error, with what
 * arrived (for output that is not a fragment, the raw text, so the user sees it). */
static void
fail_answer (Turn         *turn,
             const GError *error)
{
  FragConversation *self = turn->self;
  double retry_after = turn->generation != NULL ? frag_generation_get_retry_after (turn->generation) : -1;
  g_autofree char *hint = frag_error_dup_hint (error, retry_after);
  g_autofree char *json = dup_partial_json (turn);

  turn_set_error (turn, error);
  if (g_error_matches (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT) && turn->generation != NULL)
    {
      gsize length = 0;
      const char *raw = frag_generation_get_raw_text (turn->generation, &length);

      if (length > 0)
        frag_message_set_text (turn->assistant, raw);
    }
  frag_message_set_error (turn->assistant, error->message, hint);
  frag_message_set_state (turn->assistant, FRAG_MESSAGE_STATE_ERROR);

  if (frag_message_get_history_id (turn->assistant) > 0)
    frag_history_finish_message_async (self->history, frag_message_get_history_id (turn->assistant),
                                       FRAG_MESSAGE_STATE_ERROR, frag_message_get_text (turn->assistant),
                                       json, error->message, turn_usage (turn), NULL, failed_stored_cb, turn);
  else
    discard_speculation (turn);
}

static void
version_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Turn *turn = user_data;
  g_autoptr(GError) error = NULL;
  gint64 version_id = frag_history_add_version_finish (FRAG_HISTORY (object), result, &error);

  if (version_id <= 0)
    {
      /* The run is still worth having; only its result will not be stored. */
      g_warning ("Could not store the fragment version: %s", error->message);
      version_id = 0;
    }
  turn->version_id = version_id;
  if (turn->assistant != NULL)
    frag_message_set_version_id (turn->assistant, version_id);
  _frag_conversation_set_fragment (turn->self, turn->fragment, version_id, turn->kind == TURN_RUN_EDIT);

  if (turn_is_stopped (turn))
    interrupt_turn (turn);
  else
    run_fragment (turn);
}

static void
complete_answer (Turn         *turn,
                 FragFragment *fragment)
{
  FragConversation *self = turn->self;
  g_autofree char *json = frag_fragment_to_json (fragment, FALSE);
  gint64 message_id = frag_message_get_history_id (turn->assistant);

  turn->fragment = g_object_ref (fragment);
  frag_message_set_fragment (turn->assistant, fragment);
  frag_message_set_text (turn->assistant, frag_fragment_get_commentary (fragment));
  frag_message_set_state (turn->assistant, FRAG_MESSAGE_STATE_COMPLETE);
  _frag_conversation_set_partial (self, NULL);

  /* History operations run in order: no need to wait between these. */
  frag_history_finish_message_async (self->history, message_id, FRAG_MESSAGE_STATE_COMPLETE,
                                     frag_message_get_text (turn->assistant), json, NULL, turn_usage (turn),
                                     NULL, answer_stored_cb, NULL);
  if (!self->titled_by_fragment && frag_fragment_get_title (fragment) != NULL)
    {
      self->titled_by_fragment = TRUE;
      frag_history_rename_conversation_async (self->history, self->id, frag_fragment_get_title (fragment),
                                              NULL, renamed_cb, NULL);
    }
  frag_history_add_version_async (self->history, self->id, message_id, self->version_id,
                                  FRAG_VERSION_ORIGIN_MODEL, json, NULL, version_stored_cb, turn);
}

/* ---- running ---- */

static void
finish_run (Turn *turn)
{
  FragConversation *self = turn->self;
  FragResult *result = self->result;

  if (turn->error != NULL)
    {
      _frag_conversation_set_error (self, turn->error, -1);
      _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_FAILED, turn->error->message);
    }
  else if (result != NULL && frag_result_failed (result))
    _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_FAILED,
                                  frag_result_has_error (result) ? frag_result_get_error_value (result) : NULL);
  else
    _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_READY, result != NULL ? frag_result_get_url (result) : NULL);
  turn_end (turn);
}

static void
sandbox_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Turn *turn = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_history_set_sandbox_finish (FRAG_HISTORY (object), result, &error))
    g_warning ("Could not store the conversation's sandbox: %s", error->message);
  finish_run (turn);
}

static void
result_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Turn *turn = user_data;
  FragConversation *self = turn->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *backend = frag_sandbox_dup_backend (self->sandbox);
  g_autofree char *sandbox_id = frag_sandbox_dup_sandbox_id (self->sandbox);

  if (frag_history_add_result_finish (FRAG_HISTORY (object), result, &error) <= 0)
    g_warning ("Could not store the result: %s", error->message);
  frag_history_set_sandbox_async (self->history, self->id, backend, sandbox_id, NULL, sandbox_stored_cb, turn);
}

/* A run that could not happen still leaves a result in the history and the view: its
 * error is the sandbox's message. */
static FragResult *
result_for_error (FragConversation *self,
                  FragFragment     *fragment,
                  const GError     *error)
{
  g_autofree char *backend = frag_sandbox_dup_backend (self->sandbox);
  g_autofree char *sandbox_id = frag_sandbox_dup_sandbox_id (self->sandbox);
  FragResult *result = frag_result_new (frag_fragment_get_template (fragment), sandbox_id,
                                        backend != NULL ? backend : FRAG_RESULT_BACKEND_LOCAL);

  frag_result_set_error (result, "SandboxError", error->message, NULL);
  return result;
}

static void
execute_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Turn *turn = user_data;
  FragConversation *self = turn->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FragResult) run = frag_sandbox_driver_execute_finish (FRAG_SANDBOX_DRIVER (object), result, &error);
  g_autofree char *json = NULL;

  if (run == NULL && (turn_is_stopped (turn) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      interrupt_turn (turn);
      return;
    }
  if (run == NULL)
    {
      turn_set_error (turn, error);
      run = result_for_error (self, turn->fragment, error);
    }

  if (turn->assistant != NULL)
    frag_message_set_result (turn->assistant, run);
  _frag_conversation_set_result (self, run);

  if (turn->version_id <= 0)
    {
      finish_run (turn);
      return;
    }
  json = frag_result_to_json (run, FALSE);
  frag_history_add_result_async (self->history, turn->version_id, json, NULL, result_stored_cb, turn);
}

static void
execute_now (Turn *turn)
{
  FragConversation *self = turn->self;
  FragFragment *fragment = turn->fragment;
  FragTemplate *template_ = frag_template_catalog_lookup (self->templates, frag_fragment_get_template (fragment));
  const char *command = frag_fragment_get_install_dependencies_command (fragment);

  if (!frag_fragment_get_has_additional_dependencies (fragment) || command == NULL || *command == '\0')
    command = NULL;
  frag_sandbox_driver_set_target (self->driver, template_, command);
  frag_sandbox_driver_execute_async (self->driver, fragment, execute_cb, turn);
}

static void
course_change_discarded_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  Turn *turn = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_sandbox_driver_discard_turn_finish (FRAG_SANDBOX_DRIVER (object), result, &error))
    g_debug ("Could not kill the speculative sandbox: %s", error->message);
  if (turn_is_stopped (turn))
    interrupt_turn (turn);
  else
    execute_now (turn);
}

static void
run_fragment (Turn *turn)
{
  FragConversation *self = turn->self;

  if (self->sandbox == NULL)
    {
      /* Generate only: the stored fragment is the outcome. */
      _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_IDLE, NULL);
      turn_end (turn);
      return;
    }

  turn->running = TRUE;
  _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_PREPARING_SANDBOX, NULL);

  /* The model settled on another template than the one speculated on: throw that
   * work away (and the sandbox, when this turn made it) before the real run. */
  if (turn->speculated_template != NULL &&
      g_strcmp0 (turn->speculated_template, frag_fragment_get_template (turn->fragment)) != 0)
    {
      g_debug ("Discarding the speculative sandbox for %s", turn->speculated_template);
      frag_sandbox_driver_discard_turn_async (self->driver, course_change_discarded_cb, turn);
      return;
    }
  execute_now (turn);
}

/* ---- a user's edit ---- */

static void
store_edit_now (gpointer data)
{
  Turn *turn = data;
  FragConversation *self = turn->self;
  g_autofree char *json = frag_fragment_to_json (turn->fragment, FALSE);

  frag_history_add_version_async (self->history, self->id, 0, self->version_id,
                                  FRAG_VERSION_ORIGIN_USER_EDIT, json, NULL, version_stored_cb, turn);
}

void
_frag_turn_start_run_edit (Turn         *turn,
                           FragFragment *edited)
{
  const char *title = frag_fragment_get_title (edited);

  turn->fragment = frag_fragment_copy (edited);
  frag_sandbox_driver_begin_turn (turn->self->driver);
  _frag_conversation_set_phase (turn->self, FRAG_CONVERSATION_PHASE_PREPARING_SANDBOX, NULL);
  ensure_conversation (turn, title != NULL ? title : "Untitled", store_edit_now);
}

/* ---- stopping ---- */

void
_frag_turn_stop (Turn *turn)
{
  FragConversation *self = g_object_ref (turn->self);
  g_autoptr(GCancellable) cancellable = g_object_ref (turn->cancellable);
  gboolean waiting = turn->retry_source != 0;

  /* Each step may end (and free) the turn: from here on only locals are used. */
  g_clear_handle_id (&turn->retry_source, g_source_remove);
  g_cancellable_cancel (cancellable);
  if (waiting)
    interrupt_turn (turn);
  frag_sandbox_driver_cancel (self->driver);
  g_object_unref (self);
}
