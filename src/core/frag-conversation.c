/* frag-conversation.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-conversation"

#include "config.h"

#include <string.h>

#include "frag-conversation-private.h"
#include "frag-fix-prompt.h"
#include "frag-prompt.h"
#include "frag-retry-policy.h"

G_DEFINE_ENUM_TYPE (FragConversationPhase, frag_conversation_phase,
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_SENDING, "sending"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_WAITING_TO_RETRY, "waiting-to-retry"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_STREAMING, "streaming"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_PREPARING_SANDBOX, "preparing-sandbox"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_INSTALLING, "installing"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_WAITING_FOR_PORT, "waiting-for-port"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (FRAG_CONVERSATION_PHASE_STOPPED, "stopped"))

G_DEFINE_FINAL_TYPE (FragConversation, frag_conversation, G_TYPE_OBJECT)

/* Partial fragments faster than this are not worth redrawing. */
#define DEFAULT_PARTIAL_INTERVAL_MS 50

enum {
  PROP_0,
  PROP_ID,
  PROP_MESSAGES,
  PROP_PHASE,
  PROP_PHASE_DETAIL,
  PROP_BUSY,
  PROP_FRAGMENT,
  PROP_PARTIAL_FRAGMENT,
  PROP_RESULT,
  PROP_ERROR,
  PROP_CAN_FIX,
  PROP_CAN_RETRY,
  PROP_SPECULATION,
  PROP_PROVIDER_ID,
  PROP_MODEL_ID,
  PROP_TEMPLATE_ID,
  N_PROPS
};

enum {
  LOG,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const char *
frag_conversation_phase_to_string (FragConversationPhase phase)
{
  GEnumClass *klass = g_type_class_ref (FRAG_TYPE_CONVERSATION_PHASE);
  GEnumValue *value = g_enum_get_value (klass, phase);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : "unknown";
}

static void
frag_conversation_finalize (GObject *object)
{
  FragConversation *self = FRAG_CONVERSATION (object);

  g_assert (self->turn == NULL);

  _frag_conversation_clear_keep_alive (self);
  if (self->sandbox != NULL)
    {
      g_clear_signal_handler (&self->phase_handler, self->sandbox);
      g_clear_signal_handler (&self->log_handler, self->sandbox);
    }
  g_clear_object (&self->generation);
  g_clear_object (&self->provider);
  g_clear_object (&self->driver);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->history);
  g_clear_object (&self->keyring);
  g_clear_object (&self->templates);
  g_free (self->provider_id);
  g_free (self->model_id);
  g_free (self->template_id);
  frag_keyring_free_key (self->api_key);
  g_clear_object (&self->messages);
  g_free (self->phase_detail);
  g_clear_object (&self->fragment);
  g_clear_object (&self->partial_fragment);
  g_clear_object (&self->result);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (frag_conversation_parent_class)->finalize (object);
}

static void
frag_conversation_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FragConversation *self = FRAG_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    case PROP_PHASE_DETAIL:
      g_value_set_string (value, self->phase_detail);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, frag_conversation_get_busy (self));
      break;
    case PROP_FRAGMENT:
      g_value_set_object (value, self->fragment);
      break;
    case PROP_PARTIAL_FRAGMENT:
      g_value_set_object (value, self->partial_fragment);
      break;
    case PROP_RESULT:
      g_value_set_object (value, self->result);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_CAN_FIX:
      g_value_set_boolean (value, frag_conversation_get_can_fix (self));
      break;
    case PROP_CAN_RETRY:
      g_value_set_boolean (value, frag_conversation_get_can_retry (self));
      break;
    case PROP_SPECULATION:
      g_value_set_boolean (value, self->speculation);
      break;
    case PROP_PROVIDER_ID:
      g_value_set_string (value, self->provider_id);
      break;
    case PROP_MODEL_ID:
      g_value_set_string (value, self->model_id);
      break;
    case PROP_TEMPLATE_ID:
      g_value_set_string (value, self->template_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_conversation_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FragConversation *self = FRAG_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_SPECULATION:
      frag_conversation_set_speculation (self, g_value_get_boolean (value));
      break;
    case PROP_TEMPLATE_ID:
      frag_conversation_set_template_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_conversation_class_init (FragConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = frag_conversation_finalize;
  object_class->get_property = frag_conversation_get_property;
  object_class->set_property = frag_conversation_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_MESSAGES] = g_param_spec_object ("messages", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_PHASE] =
    g_param_spec_enum ("phase", NULL, NULL, FRAG_TYPE_CONVERSATION_PHASE,
                       FRAG_CONVERSATION_PHASE_IDLE, ro);
  properties[PROP_PHASE_DETAIL] = g_param_spec_string ("phase-detail", NULL, NULL, NULL, ro);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  properties[PROP_FRAGMENT] = g_param_spec_object ("fragment", NULL, NULL, FRAG_TYPE_FRAGMENT, ro);
  properties[PROP_PARTIAL_FRAGMENT] =
    g_param_spec_object ("partial-fragment", NULL, NULL, FRAG_TYPE_FRAGMENT, ro);
  properties[PROP_RESULT] = g_param_spec_object ("result", NULL, NULL, FRAG_TYPE_RESULT, ro);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);
  properties[PROP_CAN_FIX] = g_param_spec_boolean ("can-fix", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_RETRY] = g_param_spec_boolean ("can-retry", NULL, NULL, FALSE, ro);
  properties[PROP_SPECULATION] = g_param_spec_boolean ("speculation", NULL, NULL, TRUE, rw);
  properties[PROP_PROVIDER_ID] = g_param_spec_string ("provider-id", NULL, NULL, NULL, ro);
  properties[PROP_MODEL_ID] = g_param_spec_string ("model-id", NULL, NULL, NULL, ro);
  properties[PROP_TEMPLATE_ID] =
    g_param_spec_string ("template-id", NULL, NULL, FRAG_PROMPT_TEMPLATE_AUTO, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LOG] =
    g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, FRAG_TYPE_SANDBOX_STREAM, G_TYPE_STRING);
}

static void
frag_conversation_init (FragConversation *self)
{
  self->messages = g_list_store_new (FRAG_TYPE_MESSAGE);
  self->template_id = g_strdup (FRAG_PROMPT_TEMPLATE_AUTO);
  self->api_key_required = TRUE;
  self->speculation = TRUE;
  self->max_retries = FRAG_RETRY_DEFAULT_MAX_RETRIES;
  self->base_delay_ms = FRAG_RETRY_DEFAULT_BASE_DELAY_MS;
  self->max_delay_ms = FRAG_RETRY_MAX_DELAY_MS;
  self->delay_scale = 1.0;
  self->partial_interval_ms = DEFAULT_PARTIAL_INTERVAL_MS;
  self->error_retry_after = -1;
  _frag_conversation_init_keep_alive (self);
}

/* The sandbox's own progress becomes ours once the run part of a turn began (while the
 * answer streams, speculative work must not hide "streaming"). */
static void
on_sandbox_phase_changed_cb (FragSandbox      *sandbox,
                             FragSandboxPhase  phase,
                             const char       *detail,
                             FragConversation *self)
{
  if (self->turn == NULL || !self->turn->running)
    return;

  switch (phase)
    {
    case FRAG_SANDBOX_PHASE_CREATING:
      _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_PREPARING_SANDBOX, detail);
      break;
    case FRAG_SANDBOX_PHASE_INSTALLING:
      _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_INSTALLING, detail);
      break;
    case FRAG_SANDBOX_PHASE_WRITING:
    case FRAG_SANDBOX_PHASE_RUNNING:
    case FRAG_SANDBOX_PHASE_STARTING_SERVER:
      _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_RUNNING, detail);
      break;
    case FRAG_SANDBOX_PHASE_WAITING_FOR_PORT:
      _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_WAITING_FOR_PORT, detail);
      break;
    case FRAG_SANDBOX_PHASE_IDLE:
    case FRAG_SANDBOX_PHASE_READY:
    case FRAG_SANDBOX_PHASE_FAILED:
    case FRAG_SANDBOX_PHASE_KILLED:
    default:
      /* The turn decides what the end means. */
      break;
    }
}

static void
on_sandbox_log_cb (FragSandbox       *sandbox,
                   FragSandboxStream  stream,
                   const char        *line,
                   FragConversation  *self)
{
  g_signal_emit (self, signals[LOG], 0, stream, line);
}

FragConversation *
frag_conversation_new (FragProvider        *provider,
                       FragSandbox         *sandbox,
                       FragHistory         *history,
                       FragKeyring         *keyring,
                       FragTemplateCatalog *templates)
{
  FragConversation *self;

  g_return_val_if_fail (FRAG_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (sandbox == NULL || FRAG_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (FRAG_IS_HISTORY (history), NULL);
  g_return_val_if_fail (keyring == NULL || FRAG_IS_KEYRING (keyring), NULL);
  g_return_val_if_fail (FRAG_IS_TEMPLATE_CATALOG (templates), NULL);

  self = g_object_new (FRAG_TYPE_CONVERSATION, NULL);
  self->provider = g_object_ref (provider);
  self->history = g_object_ref (history);
  self->keyring = keyring != NULL ? g_object_ref (keyring) : NULL;
  self->templates = g_object_ref (templates);
  if (sandbox != NULL)
    {
      self->sandbox = g_object_ref (sandbox);
      self->driver = frag_sandbox_driver_new (sandbox);
      self->phase_handler = g_signal_connect (sandbox, "phase-changed",
                                              G_CALLBACK (on_sandbox_phase_changed_cb), self);
      self->log_handler = g_signal_connect (sandbox, "log", G_CALLBACK (on_sandbox_log_cb), self);
    }
  return self;
}

/* ---- configuration ---- */

void
frag_conversation_set_provider (FragConversation *self,
                                FragProvider     *provider,
                                const char       *provider_id,
                                const char       *model_id)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  g_return_if_fail (FRAG_IS_PROVIDER (provider));
  g_return_if_fail (provider_id != NULL && model_id != NULL);

  g_set_object (&self->provider, provider);
  if (g_strcmp0 (self->provider_id, provider_id) != 0)
    {
      g_free (self->provider_id);
      self->provider_id = g_strdup (provider_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_ID]);
    }
  if (g_strcmp0 (self->model_id, model_id) != 0)
    {
      g_free (self->model_id);
      self->model_id = g_strdup (model_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_ID]);
    }
}

const char *
frag_conversation_get_provider_id (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->provider_id;
}

const char *
frag_conversation_get_model_id (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->model_id;
}

void
frag_conversation_set_template_id (FragConversation *self,
                                   const char       *template_id)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));

  if (template_id == NULL)
    template_id = FRAG_PROMPT_TEMPLATE_AUTO;
  if (g_strcmp0 (self->template_id, template_id) == 0)
    return;
  g_free (self->template_id);
  self->template_id = g_strdup (template_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPLATE_ID]);
}

const char *
frag_conversation_get_template_id (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->template_id;
}

void
frag_conversation_set_api_key (FragConversation *self,
                               const char       *api_key)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));

  frag_keyring_free_key (self->api_key);
  self->api_key = g_strdup (api_key);
}

void
frag_conversation_set_api_key_required (FragConversation *self,
                                        gboolean          required)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  self->api_key_required = !!required;
}

void
frag_conversation_set_speculation (FragConversation *self,
                                   gboolean          speculation)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));

  speculation = !!speculation;
  if (self->speculation == speculation)
    return;
  self->speculation = speculation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPECULATION]);
}

gboolean
frag_conversation_get_speculation (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), FALSE);
  return self->speculation;
}

void
frag_conversation_set_context_budget (FragConversation *self,
                                      guint             tokens)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  self->context_budget = tokens;
}

void
frag_conversation_set_retry_policy (FragConversation *self,
                                    guint             max_retries,
                                    guint             base_delay_ms,
                                    double            delay_scale)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  g_return_if_fail (delay_scale >= 0);

  self->max_retries = max_retries;
  self->base_delay_ms = base_delay_ms;
  self->delay_scale = delay_scale;
}

/* The longest single wait before a retry, the server's Retry-After included; an
 * interactive caller that cannot show a countdown (the CLI) keeps it short. */
void
frag_conversation_set_retry_max_delay (FragConversation *self,
                                       guint             max_delay_ms)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  self->max_delay_ms = max_delay_ms;
}

void
frag_conversation_set_partial_interval (FragConversation *self,
                                        guint             interval_ms)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  self->partial_interval_ms = interval_ms;
}

/* ---- state ---- */

gint64
frag_conversation_get_id (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), 0);
  return self->id;
}

GListModel *
frag_conversation_get_messages (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return G_LIST_MODEL (self->messages);
}

FragConversationPhase
frag_conversation_get_phase (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), FRAG_CONVERSATION_PHASE_IDLE);
  return self->phase;
}

const char *
frag_conversation_get_phase_detail (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->phase_detail;
}

gboolean
frag_conversation_get_busy (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), FALSE);
  return self->turn != NULL;
}

FragFragment *
frag_conversation_get_fragment (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->fragment;
}

gint64
frag_conversation_get_version_id (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), 0);
  return self->version_id;
}

FragFragment *
frag_conversation_get_partial_fragment (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->partial_fragment;
}

FragResult *
frag_conversation_get_result (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->result;
}

const GError *
frag_conversation_get_error (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->error;
}

char *
frag_conversation_dup_error_hint (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return frag_error_dup_hint (self->error, self->error_retry_after);
}

FragErrorAction
frag_conversation_get_error_action (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), FRAG_ERROR_ACTION_NONE);
  return frag_error_get_action (self->error);
}

gboolean
frag_conversation_get_can_fix (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), FALSE);

  if (self->turn != NULL || self->fragment == NULL)
    return FALSE;
  /* A run that could not happen has a result standing for its error: the error says
   * whether the program (fixable) or the sandbox service (not) failed. */
  if (self->error != NULL)
    return frag_fix_prompt_is_fixable (NULL, self->error);
  return frag_fix_prompt_is_fixable (self->result, NULL);
}

/* The index of the newest prompt, or -1. */
static int
find_newest_prompt (FragConversation *self)
{
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->messages)); i > 0; i--)
    {
      g_autoptr(FragMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i - 1);

      if (frag_message_get_role (message) == FRAG_MESSAGE_ROLE_USER)
        return (int)i - 1;
    }
  return -1;
}

/* After answers left the chat, the code view goes back to the newest answer left,
 * with its result (a user edit of a removed answer goes with it). */
static void
restore_newest_fragment (FragConversation *self)
{
  GListModel *messages = G_LIST_MODEL (self->messages);
  g_autoptr(FragMessage) restored = NULL;

  for (guint i = g_list_model_get_n_items (messages); i > 0 && restored == NULL; i--)
    {
      g_autoptr(FragMessage) message = g_list_model_get_item (messages, i - 1);

      if (frag_message_get_role (message) == FRAG_MESSAGE_ROLE_ASSISTANT &&
          frag_message_get_state (message) == FRAG_MESSAGE_STATE_COMPLETE &&
          frag_message_get_fragment (message) != NULL)
        restored = g_steal_pointer (&message);
    }
  _frag_conversation_set_fragment (self, restored != NULL ? frag_message_get_fragment (restored) : NULL,
                                   restored != NULL ? frag_message_get_version_id (restored) : 0, FALSE);
  _frag_conversation_set_result (self, restored != NULL ? frag_message_get_result (restored) : NULL);
}

gboolean
frag_conversation_get_can_retry (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), FALSE);
  return self->turn == NULL && find_newest_prompt (self) >= 0;
}

FragSandbox *
frag_conversation_get_sandbox (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->sandbox;
}

FragGeneration *
frag_conversation_get_generation (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), NULL);
  return self->generation;
}

/* ---- for the turn ---- */

void
_frag_conversation_set_phase (FragConversation      *self,
                              FragConversationPhase  phase,
                              const char            *detail)
{
  gboolean phase_changed = self->phase != phase;

  self->phase = phase;
  if (g_strcmp0 (self->phase_detail, detail) != 0)
    {
      g_free (self->phase_detail);
      self->phase_detail = g_strdup (detail);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE_DETAIL]);
    }
  if (phase_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

void
_frag_conversation_notify_busy (FragConversation *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_FIX]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_RETRY]);
  /* A turn pauses the keep-alive; its end may resume it. */
  _frag_conversation_update_keep_alive (self);
}

void
_frag_conversation_set_error (FragConversation *self,
                              const GError     *error,
                              double            retry_after)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  self->error = error != NULL ? g_error_copy (error) : NULL;
  self->error_retry_after = retry_after;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

void
_frag_conversation_set_fragment (FragConversation *self,
                                 FragFragment     *fragment,
                                 gint64            version_id,
                                 gboolean          is_edit)
{
  self->version_id = version_id;
  self->fragment_is_edit = is_edit;
  if (g_set_object (&self->fragment, fragment))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAGMENT]);
}

void
_frag_conversation_set_partial (FragConversation *self,
                                FragFragment     *partial)
{
  if (g_set_object (&self->partial_fragment, partial))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARTIAL_FRAGMENT]);
}

void
_frag_conversation_set_result (FragConversation *self,
                               FragResult       *result)
{
  if (g_set_object (&self->result, result))
    {
      /* A new result is a new chance for a sandbox that had expired. */
      self->keep_alive_gone = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
      _frag_conversation_update_keep_alive (self);
    }
}

/* ---- turns ---- */

static gboolean
refuse_if_busy (FragConversation    *self,
                gpointer             source_tag,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  if (self->turn == NULL)
    return FALSE;
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "The conversation is busy: stop the current turn first");
  return TRUE;
}

static void
refuse (FragConversation    *self,
        gpointer             source_tag,
        GAsyncReadyCallback  callback,
        gpointer             user_data,
        GQuark               domain,
        int                  code,
        const char          *message)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_return_new_error (task, domain, code, "%s", message);
}

void
frag_conversation_send_async (FragConversation    *self,
                              const char          *prompt,
                              GPtrArray           *attachments,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Turn *turn;

  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  g_return_if_fail (prompt != NULL);
  g_return_if_fail (self->provider_id != NULL && self->model_id != NULL);

  if (refuse_if_busy (self, frag_conversation_send_async, callback, user_data))
    return;
  turn = _frag_turn_new (self, TURN_SEND, frag_conversation_send_async, cancellable, callback, user_data);
  _frag_turn_start_send (turn, prompt, attachments);
}

gboolean
frag_conversation_send_finish (FragConversation  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Nobody waits for the history to forget messages that left the chat (an undone
 * exchange, the answers a retry replaces), and the conversation may be gone by then:
 * this touches nothing but the result. */
static void
forget_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!frag_history_delete_messages_from_finish (FRAG_HISTORY (object), result, &error))
    g_warning ("Could not remove messages from the history: %s", error->message);
}

/* Removes @first and every later message of the conversation from the history. A
 * message the history never stored (storing it failed) has nothing after it there.
 * History operations run in the order they were called, so the delete follows every
 * earlier write of those messages and precedes the writes of the turn that follows. */
static void
forget_stored_from (FragConversation *self,
                    FragMessage      *first)
{
  gint64 message_id = frag_message_get_history_id (first);

  if (self->id > 0 && message_id > 0)
    frag_history_delete_messages_from_async (self->history, self->id, message_id, NULL,
                                             forget_stored_cb, NULL);
}

void
frag_conversation_retry_async (FragConversation    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(FragMessage) prompt = NULL;
  GListModel *messages;
  Turn *turn;
  int index;

  g_return_if_fail (FRAG_IS_CONVERSATION (self));

  if (refuse_if_busy (self, frag_conversation_retry_async, callback, user_data))
    return;
  index = find_newest_prompt (self);
  if (index < 0)
    {
      refuse (self, frag_conversation_retry_async, callback, user_data, G_IO_ERROR,
              G_IO_ERROR_NOT_FOUND, "There is no prompt to retry");
      return;
    }

  /* The answers to the newest prompt leave the chat; the new one takes their place. */
  messages = G_LIST_MODEL (self->messages);
  prompt = g_list_model_get_item (messages, index);
  if ((guint)index + 1 < g_list_model_get_n_items (messages))
    {
      g_autoptr(FragMessage) first_answer = g_list_model_get_item (messages, index + 1);

      /* The history forgets them too, or reopening would show both answers. */
      forget_stored_from (self, first_answer);
      g_list_store_splice (self->messages, index + 1, g_list_model_get_n_items (messages) - index - 1,
                           NULL, 0);
      restore_newest_fragment (self);
    }

  turn = _frag_turn_new (self, TURN_RETRY, frag_conversation_retry_async, cancellable, callback, user_data);
  _frag_turn_start_retry (turn, prompt);
}

gboolean
frag_conversation_retry_finish (FragConversation  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
frag_conversation_fix_async (FragConversation    *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *prompt = NULL;
  Turn *turn;

  g_return_if_fail (FRAG_IS_CONVERSATION (self));

  if (refuse_if_busy (self, frag_conversation_fix_async, callback, user_data))
    return;
  if (!frag_conversation_get_can_fix (self))
    {
      refuse (self, frag_conversation_fix_async, callback, user_data, G_IO_ERROR,
              G_IO_ERROR_NOT_FOUND, "The last run did not fail: there is nothing to fix");
      return;
    }

  prompt = frag_fix_prompt_build (self->fragment, self->error != NULL ? NULL : self->result, self->error);
  turn = _frag_turn_new (self, TURN_SEND, frag_conversation_fix_async, cancellable, callback, user_data);
  _frag_turn_start_send (turn, prompt, NULL);
}

gboolean
frag_conversation_fix_finish (FragConversation  *self,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
frag_conversation_run_edit_async (FragConversation    *self,
                                  FragFragment        *edited,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  Turn *turn;

  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  g_return_if_fail (FRAG_IS_FRAGMENT (edited));

  if (refuse_if_busy (self, frag_conversation_run_edit_async, callback, user_data))
    return;
  if (self->sandbox == NULL)
    {
      refuse (self, frag_conversation_run_edit_async, callback, user_data, G_IO_ERROR,
              G_IO_ERROR_NOT_SUPPORTED, "This conversation has no sandbox to run code in");
      return;
    }
  if (!frag_fragment_validate (edited, frag_template_catalog_get_ids (self->templates), &error))
    {
      refuse (self, frag_conversation_run_edit_async, callback, user_data, error->domain, error->code,
              error->message);
      return;
    }

  turn = _frag_turn_new (self, TURN_RUN_EDIT, frag_conversation_run_edit_async, cancellable, callback,
                         user_data);
  _frag_turn_start_run_edit (turn, edited);
}

gboolean
frag_conversation_run_edit_finish (FragConversation  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
frag_conversation_stop (FragConversation *self)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));

  if (self->turn != NULL)
    _frag_turn_stop (self->turn);
}

gboolean
frag_conversation_undo (FragConversation *self)
{
  g_autoptr(FragMessage) prompt = NULL;
  GListModel *messages;
  int index;

  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), FALSE);

  if (self->turn != NULL)
    return FALSE;
  index = find_newest_prompt (self);
  if (index < 0)
    return FALSE;

  messages = G_LIST_MODEL (self->messages);
  prompt = g_list_model_get_item (messages, index);
  forget_stored_from (self, prompt);
  g_list_store_splice (self->messages, index, g_list_model_get_n_items (messages) - index, NULL, 0);
  restore_newest_fragment (self);
  _frag_conversation_set_partial (self, NULL);
  _frag_conversation_set_error (self, NULL, -1);
  _frag_conversation_set_phase (self, FRAG_CONVERSATION_PHASE_IDLE, NULL);
  _frag_conversation_notify_busy (self);
  return TRUE;
}

/* ---- loading ---- */

static FragMessage *
message_from_stored (FragStoredMessage *stored)
{
  FragMessageState state = frag_stored_message_get_state (stored);
  const char *fragment_json = frag_stored_message_get_fragment_json (stored);
  FragMessage *message;

  /* A message still "streaming" in the database was cut off when the app stopped. */
  if (state == FRAG_MESSAGE_STATE_STREAMING)
    state = FRAG_MESSAGE_STATE_INTERRUPTED;
  message = frag_message_new (frag_stored_message_get_role (stored), state,
                              frag_stored_message_get_text (stored));
  frag_message_set_history_id (message, frag_stored_message_get_id (stored));
  frag_message_set_attachments (message, frag_stored_message_get_attachments (stored));
  if (frag_stored_message_get_error_message (stored) != NULL)
    frag_message_set_error (message, frag_stored_message_get_error_message (stored), NULL);
  if (fragment_json != NULL)
    {
      g_autoptr(FragFragment) fragment = frag_fragment_new_from_data (fragment_json, -1, NULL);

      frag_message_set_fragment (message, fragment);
    }
  return message;
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragConversation *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) stored = NULL;
  /* gint64 ids to borrowed messages. */
  g_autoptr(GHashTable) by_history_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) version_messages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  FragStoredVersion *latest;
  GPtrArray *rows;

  stored = frag_history_load_conversation_finish (FRAG_HISTORY (object), result, &error);
  if (stored == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  rows = frag_stored_conversation_get_messages (stored);
  for (guint i = 0; i < rows->len; i++)
    {
      FragMessage *message = message_from_stored (g_ptr_array_index (rows, i));
      gint64 history_id = frag_message_get_history_id (message);

      g_ptr_array_add (loaded, message);
      g_hash_table_insert (by_history_id, g_memdup2 (&history_id, sizeof history_id), message);
    }

  /* Each answer's version, and each version's newest result. */
  rows = frag_stored_conversation_get_versions (stored);
  for (guint i = 0; i < rows->len; i++)
    {
      FragStoredVersion *version = g_ptr_array_index (rows, i);
      gint64 message_id = frag_stored_version_get_message_id (version);
      FragMessage *message = message_id != 0 ? g_hash_table_lookup (by_history_id, &message_id) : NULL;

      if (message != NULL)
        {
          g_autoptr(FragFragment) fragment =
            frag_fragment_new_from_data (frag_stored_version_get_fragment_json (version), -1, NULL);
          gint64 version_id = frag_stored_version_get_id (version);

          frag_message_set_version_id (message, version_id);
          if (fragment != NULL)
            frag_message_set_fragment (message, fragment);
          g_hash_table_insert (version_messages, g_memdup2 (&version_id, sizeof version_id), message);
        }
    }
  rows = frag_stored_conversation_get_results (stored);
  latest = frag_stored_conversation_get_latest_version (stored);
  for (guint i = 0; i < rows->len; i++)
    {
      FragStoredResult *row = g_ptr_array_index (rows, i);
      gint64 version_id = frag_stored_result_get_version_id (row);
      FragMessage *message = g_hash_table_lookup (version_messages, &version_id);
      g_autoptr(FragResult) run = frag_result_new_from_data (frag_stored_result_get_result_json (row), -1, NULL);

      if (run == NULL)
        continue;
      if (message != NULL)
        frag_message_set_result (message, run);
      if (latest != NULL && version_id == frag_stored_version_get_id (latest))
        _frag_conversation_set_result (self, run);
    }

  g_list_store_splice (self->messages, 0, g_list_model_get_n_items (G_LIST_MODEL (self->messages)),
                       loaded->pdata, loaded->len);
  if (latest != NULL)
    {
      g_autoptr(FragFragment) fragment =
        frag_fragment_new_from_data (frag_stored_version_get_fragment_json (latest), -1, NULL);

      _frag_conversation_set_fragment (self, fragment, frag_stored_version_get_id (latest),
                                       frag_stored_version_get_origin (latest) == FRAG_VERSION_ORIGIN_USER_EDIT);
    }
  self->id = frag_conversation_info_get_id (frag_stored_conversation_get_info (stored));
  self->titled_by_fragment = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
  _frag_conversation_notify_busy (self);
  g_task_return_boolean (task, TRUE);
}

void
frag_conversation_load_async (FragConversation    *self,
                              gint64               conversation_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  g_return_if_fail (conversation_id > 0);

  if (refuse_if_busy (self, frag_conversation_load_async, callback, user_data))
    return;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_conversation_load_async);
  frag_history_load_conversation_async (self->history, conversation_id, cancellable, load_cb, task);
}

gboolean
frag_conversation_load_finish (FragConversation  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- closing ---- */

static void
close_kill_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_sandbox_driver_kill_finish (FRAG_SANDBOX_DRIVER (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
frag_conversation_close_async (FragConversation    *self,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FRAG_IS_CONVERSATION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, frag_conversation_close_async);
  self->closed = TRUE;
  _frag_conversation_update_keep_alive (self);
  frag_conversation_stop (self);
  if (self->driver == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  frag_sandbox_driver_kill_async (self->driver, close_kill_cb, task);
}

gboolean
frag_conversation_close_finish (FragConversation  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
