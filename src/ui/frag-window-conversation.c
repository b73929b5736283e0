/* frag-window-conversation.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-window-conversation"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-e2b-sandbox.h"
#include "frag-error-headline.h"
#include "frag-local-sandbox.h"
#include "frag-settings.h"
#include "frag-window-private.h"

/* The window's half of the composition: it makes the FragConversation from the
 * application's services (the provider the model picker names, the sandbox backend the
 * settings name), shows the conversation's state on the chat and fragment sides, and
 * turns the user's actions into turns. The conversation does the work; nothing here
 * blocks. Turns carry self->cancellable, cancelled in dispose, so a callback that
 * arrives after the window is gone sees G_IO_ERROR_CANCELLED and touches nothing. */

static void update_actions (FragWindow *self);

static FragApplication *
get_application (FragWindow *self)
{
  return FRAG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

/* ---- showing the conversation --------------------------------------------------- */

static void
show_notices (FragWindow *self)
{
  g_autoptr(GPtrArray) notices = frag_application_take_notices (get_application (self));

  for (guint i = 0; i < notices->len; i++)
    {
      g_autofree char *markup = g_markup_escape_text (g_ptr_array_index (notices, i), -1);
      AdwToast *toast = adw_toast_new (markup);

      /* Startup notices stay until dismissed: they explain something lasting. */
      adw_toast_set_timeout (toast, 0);
      frag_window_add_toast (self, toast);
    }
}

static void
on_partial_fragment_cb (FragWindow       *self,
                        GParamSpec       *pspec,
                        FragConversation *conversation)
{
  FragFragment *partial = frag_conversation_get_partial_fragment (conversation);
  const char *code = partial != NULL ? frag_fragment_get_code (partial) : NULL;

  /* Until code arrives there is nothing to show: the previous fragment (or the empty
   * state) stays, so an answer that fails early (a provider error) leaves no
   * "Untitled Fragment" with an empty editor behind. */
  if (code == NULL || *code == '\0')
    return;
  /* The code grows in the editor as it streams (the controller throttles this). */
  frag_fragment_view_set_fragment (self->fragment_view, partial);
  _frag_window_set_title_from_fragment (self, partial);
}

static void
on_fragment_cb (FragWindow       *self,
                GParamSpec       *pspec,
                FragConversation *conversation)
{
  FragFragment *fragment = frag_conversation_get_fragment (conversation);

  if (fragment == NULL)
    return;
  frag_fragment_view_set_fragment (self->fragment_view, fragment);
  _frag_window_set_title_from_fragment (self, fragment);
  update_actions (self);
}

/* An interpreter's output goes to the Result page; a web app's URL, which the
 * controller only sets once the port probe got an answer, to the preview. */
static void
show_result (FragWindow *self,
             FragResult *result)
{
  const char *url;

  frag_result_view_set_result (frag_fragment_view_get_result_view (self->fragment_view), result);
  if (result == NULL)
    return;

  url = frag_result_get_url (result);
  if (url != NULL)
    {
      frag_web_preview_load_uri (frag_fragment_view_get_web_preview (self->fragment_view), url);
      frag_fragment_view_show_preview (self->fragment_view);
    }
  else
    {
      frag_fragment_view_show_result (self->fragment_view);
    }
}

static void
on_result_cb (FragWindow       *self,
              GParamSpec       *pspec,
              FragConversation *conversation)
{
  show_result (self, frag_conversation_get_result (conversation));
}

static void
on_phase_cb (FragWindow       *self,
             GParamSpec       *pspec,
             FragConversation *conversation)
{
  FragConversationPhase phase = frag_conversation_get_phase (conversation);
  FragRunPanel *panel = frag_fragment_view_get_run_panel (self->fragment_view);

  frag_run_panel_set_phase (panel, phase, frag_conversation_get_phase_detail (conversation));
  /* Installs and servers are where waiting happens: show what they print. */
  if (phase == FRAG_CONVERSATION_PHASE_INSTALLING || phase == FRAG_CONVERSATION_PHASE_WAITING_FOR_PORT)
    frag_run_panel_set_log_visible (panel, TRUE);
}

static void
on_busy_cb (FragWindow       *self,
            GParamSpec       *pspec,
            FragConversation *conversation)
{
  frag_chat_view_set_busy (self->chat_view, frag_conversation_get_busy (conversation));
  update_actions (self);
}

static void
on_state_changed_cb (FragWindow       *self,
                     GParamSpec       *pspec,
                     FragConversation *conversation)
{
  update_actions (self);
}

static void
on_log_cb (FragWindow        *self,
           FragSandboxStream  stream,
           const char        *line,
           FragConversation  *conversation)
{
  frag_run_panel_append_log (frag_fragment_view_get_run_panel (self->fragment_view), stream, line);
}

static void
update_actions (FragWindow *self)
{
  FragConversation *conversation = self->conversation;
  gboolean ready = conversation != NULL && !self->creating;
  gboolean busy = ready && frag_conversation_get_busy (conversation);
  FragFragment *fragment = frag_fragment_view_get_fragment (self->fragment_view);
  const char *code = fragment != NULL ? frag_fragment_get_code (fragment) : NULL;
  /* Run runs the editor's code: nothing to run without any. */
  gboolean has_fragment = code != NULL && *code != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send-prompt", ready && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry",
                                 ready && !busy && frag_conversation_get_can_retry (conversation));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.fix",
                                 ready && !busy && frag_conversation_get_can_fix (conversation));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run-edit", ready && !busy && has_fragment);
  /* Only a conversation the history holds can be exported: export reads it from there. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-project",
                                 ready && frag_conversation_get_id (conversation) > 0);
  frag_run_panel_set_can_fix (frag_fragment_view_get_run_panel (self->fragment_view),
                              ready && frag_conversation_get_can_fix (conversation));
}

/* ---- making the conversation ---------------------------------------------------- */

static void
disconnect_conversation (FragWindow *self)
{
  if (self->conversation == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->conversation, self);
  /* Closing kills its sandbox; the conversation lives until that is done. */
  if (!frag_conversation_get_busy (self->conversation))
    frag_conversation_close_async (self->conversation, NULL, NULL);
  else
    frag_conversation_stop (self->conversation);
  g_clear_object (&self->conversation);
}

/* The picked model's provider, made by the registry. FALSE (and a toast) when the
 * registry has no client for it. */
static gboolean
apply_model (FragWindow *self)
{
  FragApplication *app = get_application (self);
  FragProviderRegistry *registry = frag_application_get_provider_registry (app);
  FragModel *model = frag_chat_view_get_model (self->chat_view);
  g_autoptr(FragProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  const FragProviderInfo *info;

  if (model == NULL)
    {
      _frag_window_show_toast (self, _("No model to ask: add one to your models.json"), NULL, NULL);
      return FALSE;
    }

  provider = frag_provider_registry_create (registry, frag_model_get_provider_id (model), NULL, &error);
  if (provider == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s cannot be used: %s"),
                                               frag_model_get_name (model), error->message);

      _frag_window_show_toast (self, text, NULL, NULL);
      return FALSE;
    }

  info = frag_provider_registry_lookup (registry, frag_model_get_provider_id (model));
  frag_conversation_set_provider (self->conversation, provider, frag_model_get_provider_id (model),
                                  frag_model_get_id (model));
  frag_conversation_set_api_key_required (self->conversation, info->key_required);
  frag_conversation_set_template_id (self->conversation, frag_chat_view_get_template_id (self->chat_view));
  return TRUE;
}

typedef struct
{
  FragWindow *self;        /* valid while the task's cancellable is not cancelled */
  gint64      load_id;     /* a stored conversation to continue, or 0 */
} CreateData;

static void
on_conversation_loaded_cb (GObject      *source_object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  FragWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (frag_conversation_load_finish (FRAG_CONVERSATION (source_object), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  _frag_window_show_toast (self, error->message, NULL, NULL);
}

static void
install_conversation (FragWindow  *self,
                      FragSandbox *sandbox,
                      gint64       load_id)
{
  FragApplication *app = get_application (self);
  g_autoptr(FragProvider) placeholder = NULL;
  FragModel *model = frag_chat_view_get_model (self->chat_view);
  FragProviderRegistry *registry = frag_application_get_provider_registry (app);
  const char *provider_id = model != NULL ? frag_model_get_provider_id (model) : "openai";
  g_autoptr(GError) error = NULL;

  /* A conversation needs a provider from the start; the picked one is applied again at
   * each send, so a model chosen later takes effect. */
  placeholder = frag_provider_registry_create (registry, provider_id, NULL, &error);
  if (placeholder == NULL)
    placeholder = frag_provider_registry_create (registry, "openai", NULL, NULL);

  self->conversation = frag_conversation_new (placeholder, sandbox,
                                              frag_application_get_history (app),
                                              frag_application_get_keyring (app),
                                              frag_application_get_templates (app));
  self->creating = FALSE;

  g_signal_connect_object (self->conversation, "notify::partial-fragment",
                           G_CALLBACK (on_partial_fragment_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "notify::fragment",
                           G_CALLBACK (on_fragment_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "notify::result",
                           G_CALLBACK (on_result_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "notify::phase",
                           G_CALLBACK (on_phase_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "notify::phase-detail",
                           G_CALLBACK (on_phase_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "notify::busy",
                           G_CALLBACK (on_busy_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "notify::can-fix",
                           G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "notify::can-retry",
                           G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "notify::id",
                           G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conversation, "log",
                           G_CALLBACK (on_log_cb), self, G_CONNECT_SWAPPED);

  frag_history_sidebar_set_conversation (self->history_sidebar, self->conversation);
  frag_chat_view_set_messages (self->chat_view, frag_conversation_get_messages (self->conversation));
  frag_chat_view_set_busy (self->chat_view, FALSE);
  update_actions (self);
  _frag_window_update_preview_in_use (self);

  if (load_id > 0)
    frag_conversation_load_async (self->conversation, load_id, self->cancellable,
                                  on_conversation_loaded_cb, self);
}

static void
on_e2b_key_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CreateData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FragE2bSandbox) sandbox = NULL;
  char *key;

  key = frag_keyring_resolve_key_finish (result, NULL, &error);
  if (key == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (data);
      return;
    }
  /* Without a key the backend reports it (with its hint) at the first run. */
  if (key == NULL)
    g_debug ("No E2B key yet: %s", error->message);

  sandbox = frag_e2b_sandbox_new_from_environment (key, NULL);
  frag_keyring_free_key (key);
  install_conversation (data->self, FRAG_SANDBOX (sandbox), data->load_id);
  g_free (data);
}

/* A new conversation with the backend the settings name; load_id continues a stored
 * one (after the backend changed, or from the history). */
static void
create_conversation (FragWindow *self,
                     gint64      load_id)
{
  FragApplication *app = get_application (self);
  g_autofree char *backend = NULL;

  if (frag_application_get_history (app) == NULL)
    return;

  disconnect_conversation (self);
  frag_fragment_view_clear_result (self->fragment_view);
  frag_run_panel_clear_log (frag_fragment_view_get_run_panel (self->fragment_view));

  backend = g_settings_get_string (self->settings, FRAG_SETTINGS_SANDBOX_BACKEND);
  if (g_str_equal (backend, "e2b"))
    {
      CreateData *data = g_new0 (CreateData, 1);

      data->self = self;
      data->load_id = load_id;
      self->creating = TRUE;
      update_actions (self);
      frag_keyring_resolve_key_async (frag_application_get_keyring (app), "e2b", NULL,
                                      self->cancellable, on_e2b_key_cb, data);
      return;
    }

  {
    g_autoptr(FragLocalSandbox) sandbox = frag_local_sandbox_new ();

    install_conversation (self, FRAG_SANDBOX (sandbox), load_id);
  }
}

static void
on_history_ready_cb (FragWindow      *self,
                     GParamSpec      *pspec,
                     FragApplication *app)
{
  frag_history_sidebar_set_history (self->history_sidebar, frag_application_get_history (app));
  show_notices (self);
  if (self->conversation == NULL && !self->creating)
    create_conversation (self, 0);
}

static void
on_backend_changed_cb (FragWindow *self,
                       const char *key,
                       GSettings  *settings)
{
  gint64 id;

  if (self->conversation == NULL || frag_conversation_get_busy (self->conversation))
    return;
  /* The same conversation continues on the other backend: reloaded from the history. */
  id = frag_conversation_get_id (self->conversation);
  create_conversation (self, id);
}

/* ---- turns ---------------------------------------------------------------------- */

static void
show_turn_error (FragWindow   *self,
                 const GError *error)
{
  const char *headline = frag_error_headline (error);
  const char *button = NULL;
  const char *action = NULL;
  g_autofree char *text = NULL;

  switch (frag_conversation_get_error_action (self->conversation))
    {
    case FRAG_ERROR_ACTION_ADD_KEY:
      button = _("_Add Key…");
      action = "win.add-key";
      break;
    case FRAG_ERROR_ACTION_SWITCH_TO_LOCAL:
      button = _("Use _Local Sandbox");
      action = "win.use-local-sandbox";
      break;
    case FRAG_ERROR_ACTION_SWITCH_TO_E2B:
      button = _("Use _E2B");
      action = "win.use-e2b-sandbox";
      break;
    case FRAG_ERROR_ACTION_RETRY:
    case FRAG_ERROR_ACTION_WAIT:
    case FRAG_ERROR_ACTION_CHECK_NETWORK:
      button = _("_Retry");
      action = "win.retry";
      break;
    case FRAG_ERROR_ACTION_FIX:
      button = _("_Fix It");
      action = "win.fix";
      break;
    case FRAG_ERROR_ACTION_PICK_MODEL:
    case FRAG_ERROR_ACTION_NONE:
    default:
      break;
    }

  text = g_strdup_printf ("%s: %s", headline, error->message);
  _frag_window_show_toast (self, text, button, action);
}

static void
on_turn_done_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  FragWindow *self = user_data;
  gboolean ok;

  /* Every turn _finish has the same shape; send's reads them all. */
  ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (ok)
    return;
  /* Stopped by the user, or the window is gone: nothing to report (and no self). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->conversation != FRAG_CONVERSATION (source_object))
    return;

  show_turn_error (self, error);
}

static void
start_turn (FragWindow *self)
{
  frag_fragment_view_clear_result (self->fragment_view);
  frag_run_panel_clear_log (frag_fragment_view_get_run_panel (self->fragment_view));
}

static void
frag_window_send_prompt (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);
  const char *prompt = g_variant_get_string (param, NULL);

  if (self->conversation == NULL || frag_conversation_get_busy (self->conversation))
    return;
  if (!apply_model (self))
    return;

  start_turn (self);
  frag_chat_view_set_prompt (self->chat_view, "");
  /* The conversation copies the images into the prompt's message; the composer then
   * starts empty for the next one. */
  frag_conversation_send_async (self->conversation, prompt,
                                frag_chat_view_get_attachments (self->chat_view),
                                self->cancellable, on_turn_done_cb, self);
  frag_chat_view_clear_attachments (self->chat_view);
}

static void
frag_window_stop (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  if (self->conversation != NULL)
    frag_conversation_stop (self->conversation);
}

static void
frag_window_retry (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  if (self->conversation == NULL || !frag_conversation_get_can_retry (self->conversation))
    return;
  if (!apply_model (self))
    return;

  start_turn (self);
  frag_conversation_retry_async (self->conversation, self->cancellable, on_turn_done_cb, self);
}

static void
frag_window_fix (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  if (self->conversation == NULL || !frag_conversation_get_can_fix (self->conversation))
    return;
  if (!apply_model (self))
    return;

  start_turn (self);
  frag_conversation_fix_async (self->conversation, self->cancellable, on_turn_done_cb, self);
}

/* The fragment on screen with the editor's text: the files extension when it has one,
 * otherwise its single file_path + code. */
FragFragment *
_frag_window_dup_edited_fragment (FragWindow *self)
{
  FragFragment *shown = frag_fragment_view_get_fragment (self->fragment_view);
  FragCodeView *code_view = frag_fragment_view_get_code_view (self->fragment_view);
  g_autoptr(GPtrArray) files = frag_code_view_dup_files (code_view);
  FragFragment *edited = frag_fragment_copy (shown);

  if (frag_fragment_has_files (shown))
    {
      frag_fragment_set_files (edited, files);
    }
  else if (files->len > 0)
    {
      FragFragmentFile *file = g_ptr_array_index (files, 0);

      frag_fragment_set_code (edited, file->code);
    }

  return edited;
}

static void
frag_window_run_edit (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);
  g_autoptr(FragFragment) edited = NULL;

  if (self->conversation == NULL || frag_conversation_get_busy (self->conversation)
      || frag_fragment_view_get_fragment (self->fragment_view) == NULL)
    return;

  edited = _frag_window_dup_edited_fragment (self);
  start_turn (self);
  frag_conversation_run_edit_async (self->conversation, edited, self->cancellable,
                                    on_turn_done_cb, self);
}

/* A fragment button in the chat: that message's fragment and its result. */
static void
frag_window_show_version (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);
  gint64 version_id = g_variant_get_int64 (param);
  GListModel *messages;

  if (self->conversation == NULL)
    return;

  messages = frag_conversation_get_messages (self->conversation);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(FragMessage) message = g_list_model_get_item (messages, i);

      if (frag_message_get_version_id (message) != version_id
          || frag_message_get_fragment (message) == NULL)
        continue;

      frag_fragment_view_set_fragment (self->fragment_view, frag_message_get_fragment (message));
      _frag_window_set_title_from_fragment (self, frag_message_get_fragment (message));
      frag_fragment_view_clear_result (self->fragment_view);
      if (frag_message_get_result (message) != NULL)
        show_result (self, frag_message_get_result (message));
      else
        frag_fragment_view_show_code (self->fragment_view);
      adw_leaflet_set_visible_child (self->leaflet, self->fragment_pane);
      return;
    }
}

static void
frag_window_new_conversation (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  create_conversation (self, 0);
  frag_chat_view_focus_composer (self->chat_view);
  adw_leaflet_set_visible_child (self->leaflet, self->chat_pane);
}

/* A conversation chosen in the history sidebar replaces the one in the chat. */
static void
frag_window_open_conversation (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);
  gint64 id = g_variant_get_int64 (param);

  if (id <= 0)
    return;
  if (self->conversation != NULL && frag_conversation_get_id (self->conversation) == id)
    return;

  create_conversation (self, id);
  adw_leaflet_set_visible_child (self->leaflet, self->chat_pane);
  /* Over a narrow window the sidebar covers the chat: it goes once a choice is made. */
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
}

static void
frag_window_use_local_sandbox (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *param)
{
  g_settings_set_string (FRAG_WINDOW (widget)->settings, FRAG_SETTINGS_SANDBOX_BACKEND, "local");
}

static void
frag_window_use_e2b_sandbox (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  g_settings_set_string (FRAG_WINDOW (widget)->settings, FRAG_SETTINGS_SANDBOX_BACKEND, "e2b");
}

static void
frag_window_add_key (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", g_variant_new_string ("keys"));
}

void
_frag_window_class_conversation_init (FragWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.send-prompt", "s", frag_window_send_prompt);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, frag_window_stop);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, frag_window_retry);
  gtk_widget_class_install_action (widget_class, "win.fix", NULL, frag_window_fix);
  gtk_widget_class_install_action (widget_class, "win.run-edit", NULL, frag_window_run_edit);
  gtk_widget_class_install_action (widget_class, "win.show-version", "x", frag_window_show_version);
  gtk_widget_class_install_action (widget_class, "win.new-conversation", NULL,
                                   frag_window_new_conversation);
  gtk_widget_class_install_action (widget_class, "win.open-conversation", "x",
                                   frag_window_open_conversation);
  gtk_widget_class_install_action (widget_class, "win.use-local-sandbox", NULL,
                                   frag_window_use_local_sandbox);
  gtk_widget_class_install_action (widget_class, "win.use-e2b-sandbox", NULL,
                                   frag_window_use_e2b_sandbox);
  gtk_widget_class_install_action (widget_class, "win.add-key", NULL, frag_window_add_key);

  /* Ctrl+Enter in the editor runs the edit; the composer handles its own Enter first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "win.run-edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "win.run-edit", NULL);
}

void
_frag_window_conversation_init (FragWindow *self)
{
  FragApplication *app = get_application (self);

  g_assert (app != NULL);

  self->cancellable = g_cancellable_new ();

  frag_chat_view_set_catalogs (self->chat_view, frag_application_get_models (app),
                               frag_application_get_templates (app));
  frag_chat_view_set_user_models (self->chat_view,
                                  frag_user_providers_get_models (frag_application_get_user_providers (app)));
  g_signal_connect_object (app, "notify::history", G_CALLBACK (on_history_ready_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::" FRAG_SETTINGS_SANDBOX_BACKEND,
                           G_CALLBACK (on_backend_changed_cb), self, G_CONNECT_SWAPPED);
  _frag_window_lifecycle_init (self);
  on_history_ready_cb (self, NULL, app);
}

void
_frag_window_conversation_dispose (FragWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  disconnect_conversation (self);
  g_clear_object (&self->cancellable);
}
