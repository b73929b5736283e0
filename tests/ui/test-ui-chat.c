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
#include "frag-image-attachment.h"
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

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The run panel's Run button. */
static GtkWidget *
run_button (FragWindow *window)
{
  FragRunPanel *panel = frag_fragment_view_get_run_panel (frag_window_get_fragment_view (window));
  GtkWidget *button = find_action_button (GTK_WIDGET (panel), "win.run-edit");

  g_assert_nonnull (button);
  return button;
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

  /* No fragment came: the fragment side stays empty (no "Untitled Fragment" with an
   * empty editor) and there is nothing to run. */
  g_assert_cmpint (frag_fragment_view_get_state (frag_window_get_fragment_view (window)), ==,
                   FRAG_FRAGMENT_VIEW_EMPTY);
  g_assert_null (frag_fragment_view_get_fragment (frag_window_get_fragment_view (window)));
  g_assert_false (gtk_widget_is_sensitive (run_button (window)));

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

/* ---- image attachments ---------------------------------------------------------- */

static void
select_model (FragWindow *window,
              const char *model_id)
{
  GtkDropDown *picker = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (chat_view (window)),
                                                                     FRAG_TYPE_CHAT_VIEW, "model_picker"));
  GListModel *models = gtk_drop_down_get_model (picker);

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(FragModel) model = g_list_model_get_item (models, i);

      if (g_str_equal (frag_model_get_id (model), model_id))
        {
          gtk_drop_down_set_selected (picker, i);
          return;
        }
    }
  g_assert_not_reached ();
}

/* A 3×2 PNG made by GTK itself, written where the test's files go. */
static GFile *
write_png (const char *name)
{
  static const guchar pixels[3 * 2 * 4] = {
    255, 0, 0, 255,  0, 255, 0, 255,  0, 0, 255, 255,
    0, 0, 0, 255,    255, 255, 255, 255,  128, 128, 128, 255,
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (pixels, sizeof pixels);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (3, 2, GDK_MEMORY_R8G8B8A8, bytes, 3 * 4);
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), name, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  return g_file_new_for_path (path);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} AttachWait;

static void
on_attached_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AttachWait *wait = user_data;

  wait->ok = frag_chat_view_attach_file_finish (FRAG_CHAT_VIEW (source_object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
attach_is_done (gpointer data)
{
  return ((AttachWait *)data)->done;
}

/* Attaches file as Attach Image… does; returns the error, or NULL. */
static GError *
attach (FragWindow *window,
        GFile      *file)
{
  AttachWait wait = { FALSE, FALSE, NULL };

  frag_chat_view_attach_file_async (chat_view (window), file, NULL, on_attached_cb, &wait);
  g_assert_true (ui_test_wait_for (attach_is_done, &wait, 10000));
  g_assert_true (wait.ok == (wait.error == NULL));
  return wait.error;
}

static GtkWidget *
chat_child (FragWindow *window,
            const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (chat_view (window)),
                                                    FRAG_TYPE_CHAT_VIEW, name));
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/* The button is off for a model that takes no images, and says why; attaching is
 * refused then too. */
static void
test_attach_needs_multimodal (void)
{
  FragWindow *window = new_window ();
  g_autoptr(GFile) png = write_png ("plain.png");
  g_autoptr(GError) error = NULL;
  GtkWidget *button = chat_child (window, "attach_button");

  select_model (window, "loopback-model");
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "does not take images"));
  error = attach (window, png);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpuint (frag_chat_view_get_attachments (chat_view (window))->len, ==, 0);

  /* A multimodal model: on; switching away removes what was attached. */
  select_model (window, "loopback-vision");
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_null (attach (window, png));
  g_assert_cmpuint (frag_chat_view_get_attachments (chat_view (window))->len, ==, 1);
  select_model (window, "loopback-model");
  g_assert_cmpuint (frag_chat_view_get_attachments (chat_view (window))->len, ==, 0);
  g_assert_false (gtk_widget_get_visible (chat_child (window, "attachment_scroller")));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Files over the limit and files that are no image are refused with a message that
 * names them. */
static void
test_attach_refuses (void)
{
  FragWindow *window = new_window ();
  g_autofree char *big_path = g_build_filename (g_get_user_cache_dir (), "huge.png", NULL);
  g_autofree char *text_path = g_build_filename (g_get_user_cache_dir (), "notes.png", NULL);
  g_autoptr(GFile) big = g_file_new_for_path (big_path);
  g_autoptr(GFile) text = g_file_new_for_path (text_path);
  g_autoptr(GFile) missing = g_file_new_build_filename (g_get_user_cache_dir (), "missing.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = NULL;

  select_model (window, "loopback-vision");

  /* Sparse: 21 MB of nothing, made without writing them. */
  out = g_file_replace (big, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_seekable_truncate (G_SEEKABLE (out), FRAG_IMAGE_ATTACHMENT_MAX_BYTES + 1000000, NULL, &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
  g_assert_no_error (error);
  error = attach (window, big);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.png"));
  g_assert_nonnull (strstr (error->message, "20 MB"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (text_path, "just some text, named like an image", -1, &error));
  error = attach (window, text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "notes.png"));
  g_clear_error (&error);

  error = attach (window, missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_assert_cmpuint (frag_chat_view_get_attachments (chat_view (window))->len, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* An attached PNG shows as a removable thumbnail, goes to the model with the prompt
 * (an image_url data: part of the user's message) and shows in the user's row. */
static void
test_attach_and_send (void)
{
  FragWindow *window = new_window ();
  g_autoptr(GFile) png = write_png ("picture.png");
  g_autoptr(GFile) second = write_png ("second.png");
  g_autofree char *json = fragment_json ("Drawn.", CODE);
  FragConversation *conversation = frag_window_get_conversation (window);
  g_autoptr(FragMessage) user = NULL;
  g_autofree char *png_contents = NULL;
  g_autofree char *expected_url = NULL;
  g_autofree char *base64 = NULL;
  gsize png_length;
  GtkWidget *box = chat_child (window, "attachment_box");
  JsonArray *messages;
  JsonArray *parts;
  JsonObject *last;
  gboolean found = FALSE;
  GtkWidget *row;

  select_model (window, "loopback-vision");
  g_assert_null (attach (window, png));
  g_assert_null (attach (window, second));
  g_assert_true (gtk_widget_get_visible (chat_child (window, "attachment_scroller")));
  g_assert_cmpuint (count_children (box), ==, 2);

  /* The second one's remove button (its thumbnail's overlay). */
  {
    GtkWidget *chip = gtk_widget_get_last_child (box);
    GtkWidget *remove = gtk_widget_get_last_child (chip);

    g_assert_true (GTK_IS_BUTTON (remove));
    g_signal_emit_by_name (remove, "clicked");
  }
  g_assert_cmpuint (frag_chat_view_get_attachments (chat_view (window))->len, ==, 1);
  g_assert_cmpuint (count_children (box), ==, 1);

  pipeline_model_server_queue_stream (server, json, 4, 5);
  send (window, "Describe this picture");

  /* The composer starts empty again. */
  g_assert_cmpuint (frag_chat_view_get_attachments (chat_view (window))->len, ==, 0);
  g_assert_false (gtk_widget_get_visible (chat_child (window, "attachment_scroller")));

  /* The request: the last user message has the text and the image as a data: URL. */
  g_assert_true (g_file_load_contents (png, NULL, &png_contents, &png_length, NULL, NULL));
  base64 = g_base64_encode ((const guchar *)png_contents, png_length);
  expected_url = g_strconcat ("data:image/png;base64,", base64, NULL);
  messages = json_object_get_array_member (json_node_get_object (pipeline_model_server_get_request (server)),
                                           "messages");
  last = json_array_get_object_element (messages, json_array_get_length (messages) - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "role"), ==, "user");
  parts = json_object_get_array_member (last, "content");
  g_assert_nonnull (parts);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);

      if (g_strcmp0 (json_object_get_string_member (part, "type"), "image_url") == 0)
        {
          JsonObject *image_url = json_object_get_object_member (part, "image_url");

          g_assert_cmpstr (json_object_get_string_member (image_url, "url"), ==, expected_url);
          found = TRUE;
        }
    }
  g_assert_true (found);

  /* The stored prompt keeps it, and its row shows the thumbnail. */
  user = g_list_model_get_item (frag_conversation_get_messages (conversation), 0);
  g_assert_cmpuint (frag_message_get_attachments (user)->len, ==, 1);
  row = row_for (window, user);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (row_child (row, "image_box")));
  g_assert_cmpuint (count_children (row_child (row, "image_box")), ==, 1);

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
    " \"provider\": \"Loopback\", \"providerId\": \"loopback\", \"multiModal\": false},"
    " {\"id\": \"loopback-vision\", \"name\": \"Loopback Vision\","
    " \"provider\": \"Loopback\", \"providerId\": \"loopback\", \"multiModal\": true}]}";

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
  g_test_add_func ("/ui/chat/attach-needs-multimodal", test_attach_needs_multimodal);
  g_test_add_func ("/ui/chat/attach-refuses", test_attach_refuses);
  g_test_add_func ("/ui/chat/attach-and-send", test_attach_and_send);
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
