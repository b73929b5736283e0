/* test-ui-chat.c: the window driving a conversation end to end — a loopback model
 * server (tests/pipeline), the real history store, the local bubblewrap sandbox — and
 * the preferences window on an in-memory keyring.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "frag-application.h"
#include "frag-chat-view.h"
#include "frag-memory-keyring.h"
#include "frag-message-row.h"
#include "frag-preferences-window.h"
#include "frag-window.h"
#include "pipeline-model-server.h"
#include "ui-test-util.h"

static FragApplication *app;
static PipelineModelServer *server;
static FragMemoryKeyring *keyring;

#define COMMENTARY "A greeting, with <b>markup</b> & an ampersand that stay text."
#define CODE "print(\"hello from the sandbox\")\n"

static char *
fragment_json (const char *commentary,
               const char *code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "commentary");
  json_builder_add_string_value (builder, commentary);
  json_builder_set_member_name (builder, "template");
  json_builder_add_string_value (builder, "code-interpreter-v1");
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, "Greeting");
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, "Prints a greeting.");
  json_builder_set_member_name (builder, "additional_dependencies");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "has_additional_dependencies");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "install_dependencies_command");
  json_builder_add_string_value (builder, "");
  json_builder_set_member_name (builder, "port");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "file_path");
  json_builder_add_string_value (builder, "script.py");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
has_conversation (gpointer data)
{
  return frag_window_get_conversation (data) != NULL;
}

static FragWindow *
new_window (void)
{
  FragWindow *window = frag_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (has_conversation, window, 10000));
  return window;
}

static FragChatView *
chat_view (FragWindow *window)
{
  return FRAG_CHAT_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), FRAG_TYPE_WINDOW,
                                                        "chat_view"));
}

static gboolean
turn_is_over (gpointer data)
{
  FragConversation *conversation = frag_window_get_conversation (data);
  FragConversationPhase phase = frag_conversation_get_phase (conversation);

  return !frag_conversation_get_busy (conversation)
         && (phase == FRAG_CONVERSATION_PHASE_READY || phase == FRAG_CONVERSATION_PHASE_FAILED
             || phase == FRAG_CONVERSATION_PHASE_STOPPED);
}

static void
send (FragWindow *window,
      const char *prompt)
{
  frag_chat_view_set_prompt (chat_view (window), prompt);
  frag_chat_view_send (chat_view (window));
  /* The composer is emptied once the turn started. */
  {
    g_autofree char *left = frag_chat_view_dup_prompt (chat_view (window));

    g_assert_cmpstr (left, ==, "");
  }
  g_assert_true (ui_test_wait_for (turn_is_over, window, 90000));
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (FRAG_IS_MESSAGE_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static gboolean
rows_are_there (gpointer data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (data), rows);
  return rows->len >= 2;
}

/* The row showing message, found among the list's rows. */
static GtkWidget *
row_for (FragWindow  *window,
         FragMessage *message)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  g_assert_true (ui_test_wait_for (rows_are_there, window, 10000));
  collect_rows (GTK_WIDGET (window), rows);
  for (guint i = 0; i < rows->len; i++)
    if (frag_message_row_get_message (g_ptr_array_index (rows, i)) == message)
      return g_ptr_array_index (rows, i);
  return NULL;
}

static GtkWidget *
row_child (GtkWidget  *row,
           const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (row, FRAG_TYPE_MESSAGE_ROW, name));
}

static char *
editor_text (FragWindow *window)
{
  FragCodeView *code_view = frag_fragment_view_get_code_view (frag_window_get_fragment_view (window));
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (frag_code_view_get_buffer (code_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* A prompt becomes a user row and an assistant row, the editor shows the final code,
 * the local sandbox runs it and the Result page shows its stdout. */
static void
test_chat_send_and_run (void)
{
  FragWindow *window = new_window ();
  g_autofree char *json = fragment_json (COMMENTARY, CODE);
  FragConversation *conversation = frag_window_get_conversation (window);
  FragFragmentView *fragment_view = frag_window_get_fragment_view (window);
  GListModel *messages;
  g_autoptr(FragMessage) user = NULL;
  g_autoptr(FragMessage) assistant = NULL;
  g_autofree char *code = NULL;
  GtkWidget *row;
  FragResultView *result_view;

  pipeline_model_server_queue_stream (server, json, 12, 5);
  send (window, "Print a greeting");

  g_assert_cmpint (frag_conversation_get_phase (conversation), ==, FRAG_CONVERSATION_PHASE_READY);
  messages = frag_conversation_get_messages (conversation);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  user = g_list_model_get_item (messages, 0);
  assistant = g_list_model_get_item (messages, 1);
  g_assert_cmpint (frag_message_get_role (user), ==, FRAG_MESSAGE_ROLE_USER);
  g_assert_cmpstr (frag_message_get_text (user), ==, "Print a greeting");
  g_assert_cmpint (frag_message_get_role (assistant), ==, FRAG_MESSAGE_ROLE_ASSISTANT);

  /* The model's text is shown as it is: no markup is interpreted. */
  row = row_for (window, assistant);
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "text_label"))), ==, COMMENTARY);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (row_child (row, "text_label"))));
  g_assert_true (gtk_widget_get_visible (row_child (row, "fragment_button")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "fragment_label"))), ==, "Greeting");
  g_assert_false (gtk_widget_get_visible (row_child (row, "error_box")));
  g_assert_nonnull (row_for (window, user));

  code = editor_text (window);
  g_assert_cmpstr (code, ==, CODE);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Greeting");

  result_view = frag_fragment_view_get_result_view (fragment_view);
  g_assert_nonnull (frag_result_view_get_stdout_text (result_view));
  g_assert_nonnull (strstr (frag_result_view_get_stdout_text (result_view), "hello from the sandbox"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (frag_fragment_view_get_pages (fragment_view)),
                   ==, "result");
  g_assert_cmpstr (frag_run_panel_get_status (frag_fragment_view_get_run_panel (fragment_view)), ==, "Ready");

  /* Editing the code and pressing Run runs the edit in the same sandbox. */
  {
    FragCodeView *code_view = frag_fragment_view_get_code_view (fragment_view);

    gtk_text_buffer_set_text (GTK_TEXT_BUFFER (frag_code_view_get_buffer (code_view)),
                              "print('edited by hand')\n", -1);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run-edit", NULL));
    g_assert_true (ui_test_wait_for (turn_is_over, window, 90000));
    g_assert_cmpint (frag_conversation_get_phase (conversation), ==, FRAG_CONVERSATION_PHASE_READY);
    g_assert_nonnull (strstr (frag_result_view_get_stdout_text (result_view), "edited by hand"));
    g_free (code);
    code = editor_text (window);
    g_assert_cmpstr (code, ==, "print('edited by hand')\n");
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A rejected key: the assistant row shows the error and its hint with a Retry button,
 * and the controller asks for a key (the toast's "Add Key…"). */
static void
test_chat_auth_error (void)
{
  FragWindow *window = new_window ();
  FragConversation *conversation = frag_window_get_conversation (window);
  g_autoptr(FragMessage) assistant = NULL;
  GtkWidget *row;

  pipeline_model_server_queue_error (server, 401, "invalid_request_error",
                                     "Incorrect API key provided", NULL);
  send (window, "Anything");

  g_assert_cmpint (frag_conversation_get_phase (conversation), ==, FRAG_CONVERSATION_PHASE_FAILED);
  g_assert_cmpint (frag_conversation_get_error_action (conversation), ==, FRAG_ERROR_ACTION_ADD_KEY);
  g_assert_cmpuint (g_list_model_get_n_items (frag_conversation_get_messages (conversation)), ==, 2);
  assistant = g_list_model_get_item (frag_conversation_get_messages (conversation), 1);
  g_assert_cmpint (frag_message_get_state (assistant), ==, FRAG_MESSAGE_STATE_ERROR);

  row = row_for (window, assistant);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (row_child (row, "error_box")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (row_child (row, "error_label"))),
                            "Incorrect API key provided"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "hint_label"))), ==,
                   frag_message_get_error_hint (assistant));
  g_assert_true (gtk_widget_get_visible (row_child (row, "hint_label")));
  g_assert_true (gtk_widget_get_visible (row_child (row, "retry_button")));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* New Conversation starts an empty chat (the empty state shows again). */
static void
test_chat_new_conversation (void)
{
  FragWindow *window = new_window ();
  FragConversation *first = frag_window_get_conversation (window);
  GtkStack *stack;
  g_autofree char *json = fragment_json ("Hi.", CODE);

  stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (chat_view (window)),
                                                    FRAG_TYPE_CHAT_VIEW, "stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  pipeline_model_server_queue_stream (server, json, 4, 5);
  send (window, "Print a greeting");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "messages");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-conversation", NULL));
  g_assert_true (ui_test_wait_for (has_conversation, window, 10000));
  g_assert_true (frag_window_get_conversation (window) != first);
  g_assert_cmpuint (g_list_model_get_n_items (frag_conversation_get_messages (frag_window_get_conversation (window))),
                    ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  FragPreferencesWindow *window;
  const char            *provider;
  gboolean               stored;
} StoredWait;

static gboolean
stored_is (gpointer data)
{
  StoredWait *wait = data;

  return frag_preferences_window_is_stored (wait->window, wait->provider) == wait->stored;
}

static void
on_lookup_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **key = user_data;
  g_autoptr(GError) error = NULL;

  *key = frag_keyring_lookup_key_finish (FRAG_KEYRING (source_object), result, &error);
  g_assert_no_error (error);
  if (*key == NULL)
    *key = g_strdup ("");
}

static gboolean
string_is_set (gpointer data)
{
  return *(char **)data != NULL;
}

/* A key typed in the preferences goes to the keyring, the row is emptied (the key is
 * never shown again) and marked stored; deleting it removes it. */
static void
test_preferences_store_key (void)
{
  FragPreferencesWindow *prefs;
  AdwEntryRow *row;
  StoredWait wait;
  char *key = NULL;

  prefs = FRAG_PREFERENCES_WINDOW (frag_preferences_window_new (FRAG_KEYRING (keyring),
                                                                frag_application_get_provider_registry (app)));
  gtk_window_present (GTK_WINDOW (prefs));
  row = frag_preferences_window_get_key_row (prefs, "openai");
  g_assert_nonnull (row);
  g_assert_nonnull (frag_preferences_window_get_key_row (prefs, "e2b"));
  g_assert_null (frag_preferences_window_get_key_row (prefs, "ollama"));

  gtk_editable_set_text (GTK_EDITABLE (row), "sk-test-1234");
  g_signal_emit_by_name (row, "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");

  wait = (StoredWait) { prefs, "openai", TRUE };
  g_assert_true (ui_test_wait_for (stored_is, &wait, 10000));
  frag_keyring_lookup_key_async (FRAG_KEYRING (keyring), "openai", NULL, on_lookup_cb, &key);
  g_assert_true (ui_test_wait_for (string_is_set, &key, 10000));
  g_assert_cmpstr (key, ==, "sk-test-1234");
  frag_keyring_free_key (key);

  /* A second window learns what is stored from the keyring's list. */
  {
    FragPreferencesWindow *other;
    StoredWait other_wait;

    other = FRAG_PREFERENCES_WINDOW (frag_preferences_window_new (FRAG_KEYRING (keyring),
                                                                  frag_application_get_provider_registry (app)));
    other_wait = (StoredWait) { other, "openai", TRUE };
    g_assert_true (ui_test_wait_for (stored_is, &other_wait, 10000));
    gtk_window_destroy (GTK_WINDOW (other));
  }

  /* Delete. */
  {
    GtkWidget *delete_button = g_object_get_data (G_OBJECT (row), "delete-button");

    g_assert_true (gtk_widget_get_visible (delete_button));
    g_signal_emit_by_name (delete_button, "clicked");
    wait.stored = FALSE;
    g_assert_true (ui_test_wait_for (stored_is, &wait, 10000));
    g_assert_false (gtk_widget_get_visible (delete_button));
  }

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static gboolean
problem_is_shown (gpointer data)
{
  return frag_preferences_window_get_keyring_problem (data) != NULL;
}

/* No Secret Service: the page says so, with the keyring's message (which names the
 * environment variable to use instead). */
static void
test_preferences_no_keyring (void)
{
  g_autoptr(FragMemoryKeyring) broken = frag_memory_keyring_new ();
  g_autoptr(GError) failure = g_error_new (FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_UNAVAILABLE,
                                           "No Secret Service: set OPENAI_API_KEY instead");
  FragPreferencesWindow *prefs;

  frag_memory_keyring_set_failure (broken, failure);
  prefs = FRAG_PREFERENCES_WINDOW (frag_preferences_window_new (FRAG_KEYRING (broken),
                                                                frag_application_get_provider_registry (app)));
  g_assert_true (ui_test_wait_for (problem_is_shown, prefs, 10000));
  g_assert_nonnull (strstr (frag_preferences_window_get_keyring_problem (prefs), "OPENAI_API_KEY"));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* A user-added OpenAI-compatible provider and its model, as a user's models.json
 * declares them. */
static void
write_user_models (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "fragment-studio", NULL);
  g_autofree char *path = g_build_filename (dir, "models.json", NULL);
  g_autoptr(GError) error = NULL;
  const char *contents =
    "{\"providers\": [{\"id\": \"loopback\", \"name\": \"Loopback\"}],"
    " \"models\": [{\"id\": \"loopback-model\", \"name\": \"Loopback Model\","
    " \"provider\": \"Loopback\", \"providerId\": \"loopback\", \"multiModal\": false}]}";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *home = NULL;
  int status;

  home = ui_test_isolate_home ();
  ui_test_init_environment ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  write_user_models ();
  settings = g_settings_new ("io.github.fragmentstudio.FragmentStudio");
  g_settings_set_string (settings, "last-model", "loopback-model");
  g_settings_set_string (settings, "sandbox-backend", "local");

  server = pipeline_model_server_new (NULL);
  base_url = pipeline_model_server_dup_base_url (server);
  keyring = frag_memory_keyring_new ();

  app = frag_application_new (APP_ID ".ChatTest", G_APPLICATION_NON_UNIQUE);
  frag_application_set_keyring (app, FRAG_KEYRING (keyring));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_assert_true (frag_provider_registry_add_openai_compatible (frag_application_get_provider_registry (app),
                                                               "loopback", "Loopback", base_url, NULL));

  g_test_add_func ("/ui/chat/send-and-run", test_chat_send_and_run);
  g_test_add_func ("/ui/chat/auth-error", test_chat_auth_error);
  g_test_add_func ("/ui/chat/new-conversation", test_chat_new_conversation);
  g_test_add_func ("/ui/preferences/store-key", test_preferences_store_key);
  g_test_add_func ("/ui/preferences/no-keyring", test_preferences_no_keyring);

  status = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  g_clear_object (&keyring);
  pipeline_model_server_free (server);

  {
    g_autoptr(GFile) root = g_file_new_for_path (home);

    ui_test_remove_tree (root);
  }

  return status;
}
