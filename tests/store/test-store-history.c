/* test-store-history.c: FragHistoryStore through the FragHistory interface.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "store-test-util.h"

/* A tiny valid PNG (1x1, red), as the interpreter returns it: canonical base64. */
#define RED_PIXEL_PNG \
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="

static gint64
create_conversation (FragHistory *history,
                     const char  *title)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  frag_history_create_conversation_async (history, title, "gpt-4o", "code-interpreter-v1", NULL,
                                          store_test_result_cb, &result);
  id = frag_history_create_conversation_finish (history, store_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
append_user_message (FragHistory *history,
                     gint64       conversation_id,
                     const char  *text,
                     GPtrArray   *attachments)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  frag_history_append_user_message_async (history, conversation_id, text, attachments, NULL,
                                          store_test_result_cb, &result);
  id = frag_history_append_user_message_finish (history, store_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
begin_assistant_message (FragHistory *history,
                         gint64       conversation_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  frag_history_begin_assistant_message_async (history, conversation_id, "gpt-4o", NULL,
                                              store_test_result_cb, &result);
  id = frag_history_begin_assistant_message_finish (history, store_test_wait (&result), &error);
  g_assert_no_error (error);
  return id;
}

static void
finish_message (FragHistory      *history,
                gint64            message_id,
                FragMessageState  state,
                const char       *text,
                const char       *fragment_json,
                const char       *error_message)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FragTokenUsage usage = { 120, 480 };

  frag_history_finish_message_async (history, message_id, state, text, fragment_json, error_message, usage,
                                     NULL, store_test_result_cb, &result);
  g_assert_true (frag_history_finish_message_finish (history, store_test_wait (&result), &error));
  g_assert_no_error (error);
}

static gint64
add_version (FragHistory       *history,
             gint64             conversation_id,
             gint64             message_id,
             gint64             parent_id,
             FragVersionOrigin  origin,
             const char        *fragment_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  frag_history_add_version_async (history, conversation_id, message_id, parent_id, origin, fragment_json,
                                  NULL, store_test_result_cb, &result);
  id = frag_history_add_version_finish (history, store_test_wait (&result), &error);
  g_assert_no_error (error);
  return id;
}

static gint64
add_result (FragHistory *history,
            gint64       version_id,
            const char  *result_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  frag_history_add_result_async (history, version_id, result_json, NULL, store_test_result_cb, &result);
  id = frag_history_add_result_finish (history, store_test_wait (&result), &error);
  g_assert_no_error (error);
  return id;
}

static FragStoredConversation *
load (FragHistory  *history,
      gint64        conversation_id,
      GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  frag_history_load_conversation_async (history, conversation_id, NULL, store_test_result_cb, &result);
  return frag_history_load_conversation_finish (history, store_test_wait (&result), error);
}

static GListModel *
list (FragHistory *history,
      guint        offset,
      guint        limit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  frag_history_list_conversations_async (history, offset, limit, NULL, store_test_result_cb, &result);
  model = frag_history_list_conversations_finish (history, store_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_list_model_get_item_type (model) == FRAG_TYPE_CONVERSATION_INFO);
  return model;
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_roundtrip (void)
{
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(FragStoredConversation) conversation = NULL;
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);
  g_autoptr(GBytes) image = g_bytes_new_static ("\x89PNG fake image bytes", 21);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) expected_result = NULL;
  g_autoptr(JsonNode) loaded_result = NULL;
  const char *fragment = "{\"title\":\"Plot\",\"template\":\"code-interpreter-v1\",\"code\":\"print(1)\"}";
  const char *result_json = "{\"template\":\"code-interpreter-v1\",\"stdout\":[\"1\\n\"],\"stderr\":[],"
                            "\"error\":null,\"results\":[{\"png\":\"" RED_PIXEL_PNG "\",\"is_main_result\":true},"
                            "{\"png\":\"not base64 at all!\",\"is_main_result\":false}],"
                            "\"url\":null,\"exit_code\":0}";
  FragHistory *history;
  FragStoredMessage *message;
  FragStoredVersion *version;
  FragAttachment *attachment;
  gint64 conversation_id, user_id, assistant_id, v1, v2, r1;

  store = store_test_open (":memory:", &error);
  g_assert_no_error (error);
  g_assert_null (frag_history_store_get_open_notice (store));
  history = FRAG_HISTORY (store);

  conversation_id = create_conversation (history, "Plots");
  g_ptr_array_add (attachments, frag_attachment_new ("image/png", image));
  user_id = append_user_message (history, conversation_id, "Plot a sine wave", attachments);
  assistant_id = begin_assistant_message (history, conversation_id);
  finish_message (history, assistant_id, FRAG_MESSAGE_STATE_COMPLETE, "Here is the plot", fragment, NULL);
  v1 = add_version (history, conversation_id, assistant_id, 0, FRAG_VERSION_ORIGIN_MODEL, fragment);
  v2 = add_version (history, conversation_id, 0, v1, FRAG_VERSION_ORIGIN_USER_EDIT,
                    "{\"title\":\"Plot\",\"code\":\"print(2)\"}");
  r1 = add_result (history, v1, result_json);
  /* The same image again: stored once (checked through the blob count below). */
  add_result (history, v2, result_json);

  conversation = load (history, conversation_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_conversation_info_get_title (frag_stored_conversation_get_info (conversation)), ==, "Plots");
  g_assert_cmpstr (frag_conversation_info_get_model (frag_stored_conversation_get_info (conversation)), ==, "gpt-4o");

  g_assert_cmpuint (frag_stored_conversation_get_messages (conversation)->len, ==, 2);
  message = g_ptr_array_index (frag_stored_conversation_get_messages (conversation), 0);
  g_assert_cmpint (frag_stored_message_get_id (message), ==, user_id);
  g_assert_cmpint (frag_stored_message_get_role (message), ==, FRAG_MESSAGE_ROLE_USER);
  g_assert_cmpint (frag_stored_message_get_state (message), ==, FRAG_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (frag_stored_message_get_text (message), ==, "Plot a sine wave");
  g_assert_cmpuint (frag_stored_message_get_attachments (message)->len, ==, 1);
  attachment = g_ptr_array_index (frag_stored_message_get_attachments (message), 0);
  g_assert_cmpstr (attachment->mime_type, ==, "image/png");
  g_assert_true (g_bytes_equal (attachment->data, image));

  message = g_ptr_array_index (frag_stored_conversation_get_messages (conversation), 1);
  g_assert_cmpint (frag_stored_message_get_role (message), ==, FRAG_MESSAGE_ROLE_ASSISTANT);
  g_assert_cmpint (frag_stored_message_get_state (message), ==, FRAG_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (frag_stored_message_get_text (message), ==, "Here is the plot");
  g_assert_cmpstr (frag_stored_message_get_fragment_json (message), ==, fragment);
  g_assert_cmpint (frag_stored_message_get_usage (message).input_tokens, ==, 120);
  g_assert_cmpint (frag_stored_message_get_usage (message).output_tokens, ==, 480);

  g_assert_cmpuint (frag_stored_conversation_get_versions (conversation)->len, ==, 2);
  version = frag_stored_conversation_get_latest_version (conversation);
  g_assert_cmpint (frag_stored_version_get_id (version), ==, v2);
  g_assert_cmpint (frag_stored_version_get_parent_id (version), ==, v1);
  g_assert_cmpint (frag_stored_version_get_message_id (version), ==, 0);
  g_assert_cmpint (frag_stored_version_get_origin (version), ==, FRAG_VERSION_ORIGIN_USER_EDIT);

  g_assert_cmpuint (frag_stored_conversation_get_results (conversation)->len, ==, 2);
  g_assert_cmpint (frag_stored_result_get_id (g_ptr_array_index (frag_stored_conversation_get_results (conversation), 0)), ==, r1);
  /* Images come back exactly as given, including the one that was not base64. */
  expected_result = parse (result_json);
  loaded_result = parse (frag_stored_result_get_result_json (g_ptr_array_index (frag_stored_conversation_get_results (conversation), 0)));
  g_assert_true (json_node_equal (expected_result, loaded_result));
}

static void
test_blob_dedup_and_collect (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  const char *result_json = "{\"results\":[{\"png\":\"" RED_PIXEL_PNG "\"}]}";
  gint64 c1, c2, v1, v2;

  {
    g_autoptr(FragHistoryStore) store = store_test_open (path, &error);
    g_autoptr(GAsyncResult) result = NULL;
    FragHistory *history = FRAG_HISTORY (store);

    g_assert_no_error (error);
    c1 = create_conversation (history, "one");
    c2 = create_conversation (history, "two");
    v1 = add_version (history, c1, 0, 0, FRAG_VERSION_ORIGIN_USER_EDIT, "{}");
    v2 = add_version (history, c2, 0, 0, FRAG_VERSION_ORIGIN_USER_EDIT, "{}");
    add_result (history, v1, result_json);
    add_result (history, v2, result_json);
    add_result (history, v2, result_json);
    frag_history_delete_conversation_async (history, c1, NULL, store_test_result_cb, &result);
    g_assert_true (frag_history_delete_conversation_finish (history, store_test_wait (&result), &error));
    g_assert_no_error (error);
    store_test_close (store);
  }

  {
    sqlite3 *raw = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT count(*) FROM blobs", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    /* Three results, one image, and the one still referenced by c2 survives c1's deletion. */
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_finalize (stmt);
    /* The stored result holds a reference, not the base64. */
    g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT count(*) FROM execution_results WHERE result LIKE '%iVBOR%'",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (raw);
  }

  store_test_rm_rf (dir);
}

static void
test_list_order_and_paging (void)
{
  g_autoptr(FragHistoryStore) store = store_test_open (":memory:", NULL);
  FragHistory *history = FRAG_HISTORY (store);
  g_autoptr(GListModel) first_page = NULL;
  g_autoptr(GListModel) second_page = NULL;
  g_autoptr(FragConversationInfo) top = NULL;
  gint64 ids[5];

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *title = g_strdup_printf ("conversation %u", i);

      ids[i] = create_conversation (history, title);
    }
  /* Writing to the oldest moves it to the top. */
  append_user_message (history, ids[0], "bump", NULL);

  first_page = list (history, 0, 3);
  g_assert_cmpuint (g_list_model_get_n_items (first_page), ==, 3);
  top = g_list_model_get_item (first_page, 0);
  g_assert_cmpint (frag_conversation_info_get_id (top), ==, ids[0]);
  second_page = list (history, 3, 3);
  g_assert_cmpuint (g_list_model_get_n_items (second_page), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FragConversationInfo) info = g_list_model_get_item (second_page, i);

      g_assert_cmpint (frag_conversation_info_get_id (info), ==, ids[2 - i]);
    }
}

static void
test_rename_sandbox_delete (void)
{
  g_autoptr(FragHistoryStore) store = store_test_open (":memory:", NULL);
  FragHistory *history = FRAG_HISTORY (store);
  g_autoptr(FragStoredConversation) conversation = NULL;
  g_autoptr(FragStoredConversation) gone = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FragConversationInfo *info;
  gint64 id = create_conversation (history, "old title");

  frag_history_rename_conversation_async (history, id, "new title", NULL, store_test_result_cb, &result);
  g_assert_true (frag_history_rename_conversation_finish (history, store_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  frag_history_set_sandbox_async (history, id, "local", "sbx-42", NULL, store_test_result_cb, &result);
  g_assert_true (frag_history_set_sandbox_finish (history, store_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  conversation = load (history, id, &error);
  g_assert_no_error (error);
  info = frag_stored_conversation_get_info (conversation);
  g_assert_cmpstr (frag_conversation_info_get_title (info), ==, "new title");
  g_assert_cmpstr (frag_conversation_info_get_sandbox_backend (info), ==, "local");
  g_assert_cmpstr (frag_conversation_info_get_sandbox_id (info), ==, "sbx-42");

  frag_history_delete_conversation_async (history, id, NULL, store_test_result_cb, &result);
  g_assert_true (frag_history_delete_conversation_finish (history, store_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  gone = load (history, id, &error);
  g_assert_null (gone);
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
}

static void
test_not_found (void)
{
  g_autoptr(FragHistoryStore) store = store_test_open (":memory:", NULL);
  FragHistory *history = FRAG_HISTORY (store);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 conversation_id = create_conversation (history, "real");

  frag_history_append_user_message_async (history, 9999, "lost?", NULL, NULL, store_test_result_cb, &result);
  g_assert_cmpint (frag_history_append_user_message_finish (history, store_test_wait (&result), &error), ==, 0);
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  frag_history_finish_message_async (history, 9999, FRAG_MESSAGE_STATE_COMPLETE, "x", NULL, NULL,
                                     FRAG_TOKEN_USAGE_UNKNOWN, NULL, store_test_result_cb, &result);
  g_assert_false (frag_history_finish_message_finish (history, store_test_wait (&result), &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  frag_history_add_version_async (history, conversation_id, 9999, 0, FRAG_VERSION_ORIGIN_MODEL, "{}", NULL,
                                  store_test_result_cb, &result);
  g_assert_cmpint (frag_history_add_version_finish (history, store_test_wait (&result), &error), ==, 0);
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  frag_history_add_result_async (history, 9999, "{}", NULL, store_test_result_cb, &result);
  g_assert_cmpint (frag_history_add_result_finish (history, store_test_wait (&result), &error), ==, 0);
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  frag_history_rename_conversation_async (history, 9999, "x", NULL, store_test_result_cb, &result);
  g_assert_false (frag_history_rename_conversation_finish (history, store_test_wait (&result), &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  frag_history_delete_conversation_async (history, 9999, NULL, store_test_result_cb, &result);
  g_assert_false (frag_history_delete_conversation_finish (history, store_test_wait (&result), &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  frag_history_set_sandbox_async (history, 9999, "e2b", "x", NULL, store_test_result_cb, &result);
  g_assert_false (frag_history_set_sandbox_finish (history, store_test_wait (&result), &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
}

static void
assert_stored_text (FragHistory *history,
                    gint64       conversation_id,
                    guint        index,
                    const char  *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) conversation = load (history, conversation_id, &error);
  FragStoredMessage *message;

  g_assert_no_error (error);
  message = g_ptr_array_index (frag_stored_conversation_get_messages (conversation), index);
  g_assert_cmpstr (frag_stored_message_get_text (message), ==, expected);
}

static void
test_checkpoint_coalescing (void)
{
  g_autoptr(FragHistoryStore) store = store_test_open (":memory:", NULL);
  FragHistory *history = FRAG_HISTORY (store);
  gint64 conversation_id = create_conversation (history, "streaming");
  gint64 message_id = begin_assistant_message (history, conversation_id);
  gint64 start;

  /* The first checkpoint after a quiet period is written at once. */
  frag_history_checkpoint_message (history, message_id, "Hel", "{\"title\":\"Pa");
  assert_stored_text (history, conversation_id, 0, "Hel");

  /* Within the interval, checkpoints wait and only the newest is kept... */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *text = g_strdup_printf ("Hello %u", i);

      frag_history_checkpoint_message (history, message_id, text, NULL);
    }
  /* (200 checkpoints cost the caller almost nothing: no write happens on its thread.) */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 100 * G_TIME_SPAN_MILLISECOND);
  if (g_get_monotonic_time () - start < 400 * G_TIME_SPAN_MILLISECOND)
    assert_stored_text (history, conversation_id, 0, "Hel");

  /* ...and is written once the interval has passed. */
  store_test_run_for (FRAG_HISTORY_CHECKPOINT_INTERVAL_MS + 150);
  assert_stored_text (history, conversation_id, 0, "Hello 199");

  /* finish supersedes a pending checkpoint. */
  frag_history_checkpoint_message (history, message_id, "stale", NULL);
  finish_message (history, message_id, FRAG_MESSAGE_STATE_INTERRUPTED, "Hello final", NULL, NULL);
  store_test_run_for (FRAG_HISTORY_CHECKPOINT_INTERVAL_MS + 150);
  assert_stored_text (history, conversation_id, 0, "Hello final");
  /* A checkpoint for a finished message changes nothing. */
  frag_history_checkpoint_message (history, message_id, "too late", NULL);
  store_test_flush (store);
  assert_stored_text (history, conversation_id, 0, "Hello final");
}

static void
test_pending_checkpoint_written_on_close (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  gint64 conversation_id, message_id;

  {
    FragHistoryStore *store = store_test_open (path, NULL);
    FragHistory *history = FRAG_HISTORY (store);

    conversation_id = create_conversation (history, "closing");
    message_id = begin_assistant_message (history, conversation_id);
    frag_history_checkpoint_message (history, message_id, "first", NULL);
    frag_history_checkpoint_message (history, message_id, "last words", "{\"title\":\"T");
    /* Dropping the last reference writes the pending checkpoint before closing. Finished
     * tasks give their references back from idles, so let those run. */
    g_object_add_weak_pointer (G_OBJECT (store), (gpointer *)&store);
    g_object_unref (store);
    while (store != NULL)
      g_main_context_iteration (NULL, TRUE);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FragHistoryStore) store = store_test_open (path, &error);
    g_autoptr(FragStoredConversation) conversation = load (FRAG_HISTORY (store), conversation_id, &error);
    FragStoredMessage *message;

    g_assert_no_error (error);
    message = g_ptr_array_index (frag_stored_conversation_get_messages (conversation), 0);
    g_assert_cmpstr (frag_stored_message_get_text (message), ==, "last words");
    g_assert_cmpstr (frag_stored_message_get_fragment_json (message), ==, "{\"title\":\"T");
    /* It was still streaming when the store closed: reopened, it is interrupted. */
    g_assert_cmpint (frag_stored_message_get_state (message), ==, FRAG_MESSAGE_STATE_INTERRUPTED);
    g_assert_cmpint (frag_stored_message_get_id (message), ==, message_id);
  }

  store_test_rm_rf (dir);
}

static void
test_closed_store_fails (void)
{
  g_autoptr(FragHistoryStore) store = store_test_open (":memory:", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  store_test_close (store);
  frag_history_create_conversation_async (FRAG_HISTORY (store), "x", NULL, NULL, NULL, store_test_result_cb, &result);
  g_assert_cmpint (frag_history_create_conversation_finish (FRAG_HISTORY (store), store_test_wait (&result), &error),
                   ==, 0);
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_FAILED);
}

static void
test_cancelled (void)
{
  g_autoptr(FragHistoryStore) store = store_test_open (":memory:", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) all = NULL;

  g_cancellable_cancel (cancellable);
  frag_history_create_conversation_async (FRAG_HISTORY (store), "never", NULL, NULL, cancellable,
                                          store_test_result_cb, &result);
  g_assert_cmpint (frag_history_create_conversation_finish (FRAG_HISTORY (store), store_test_wait (&result), &error),
                   ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  all = list (FRAG_HISTORY (store), 0, 10);
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 0);
}

static void
test_conversation_json (void)
{
  g_autoptr(FragHistoryStore) store = store_test_open (":memory:", NULL);
  FragHistory *history = FRAG_HISTORY (store);
  g_autoptr(FragStoredConversation) conversation = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *messages;
  gint64 id = create_conversation (history, "json");
  gint64 message_id;

  append_user_message (history, id, "hi", NULL);
  message_id = begin_assistant_message (history, id);
  finish_message (history, message_id, FRAG_MESSAGE_STATE_ERROR, "", "{\"title\":\"partial", "HTTP 500 from the provider");
  conversation = load (history, id, &error);
  g_assert_no_error (error);
  node = frag_stored_conversation_to_json (conversation);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "json");
  /* ISO 8601 with an offset or Z. */
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)$",
                                       json_object_get_string_member (object, "updated"), 0, 0));
  messages = json_object_get_array_member (object, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "state"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "error"), ==,
                   "HTTP 500 from the provider");
  /* A partial fragment that is not valid JSON is kept as text. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "fragment"), ==,
                   "{\"title\":\"partial");
}

/* Deleting the end of a conversation (undo) */

/* Canonical base64 of bytes no other result has: a blob only the undone run uses. */
#define UNDONE_IMAGE "iVBORyBvbmx5IGluIHRoZSB1bmRvbmUgcnVu"

static gboolean
delete_messages_from (FragHistory  *history,
                      gint64        conversation_id,
                      gint64        message_id,
                      GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  frag_history_delete_messages_from_async (history, conversation_id, message_id, NULL, store_test_result_cb,
                                           &result);
  return frag_history_delete_messages_from_finish (history, store_test_wait (&result), error);
}

/* The conversations whose text matches query. */
static GArray *
search_conversations (FragHistory *history,
                      const char  *query)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) hits = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  frag_history_search_async (history, query, 0, 50, NULL, store_test_result_cb, &result);
  hits = frag_history_search_finish (history, store_test_wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (hits); i++)
    {
      g_autoptr(FragSearchHit) hit = g_list_model_get_item (hits, i);
      gint64 id = frag_conversation_info_get_id (frag_search_hit_get_conversation (hit));

      g_array_append_val (ids, id);
    }
  return ids;
}

static gboolean
search_finds (FragHistory *history,
              const char  *query,
              gint64       conversation_id)
{
  g_autoptr(GArray) ids = search_conversations (history, query);

  for (guint i = 0; i < ids->len; i++)
    {
      if (g_array_index (ids, gint64, i) == conversation_id)
        return TRUE;
    }
  return FALSE;
}

/* A count(*) read by a second connection: what another process would see. */
static int
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;
  int count;

  g_assert_cmpint (sqlite3_open_v2 (path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  return count;
}

static gint64
message_id_at (FragStoredConversation *conversation,
               guint                   index)
{
  return frag_stored_message_get_id (g_ptr_array_index (frag_stored_conversation_get_messages (conversation), index));
}

static gint64
version_id_at (FragStoredConversation *conversation,
               guint                   index)
{
  return frag_stored_version_get_id (g_ptr_array_index (frag_stored_conversation_get_versions (conversation), index));
}

static void
test_delete_messages_from (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(FragStoredConversation) before = NULL;
  g_autoptr(FragStoredConversation) after = NULL;
  g_autoptr(FragStoredConversation) other = NULL;
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);
  g_autoptr(GBytes) screenshot = g_bytes_new_static ("\x89PNG attached to the undone prompt", 34);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) expected_result = NULL;
  g_autoptr(JsonNode) loaded_result = NULL;
  const char *first_fragment = "{\"title\":\"Sine\",\"template\":\"code-interpreter-v1\",\"code\":\"print('alpha')\"}";
  const char *second_fragment = "{\"title\":\"Zebra\",\"template\":\"code-interpreter-v1\",\"code\":\"print('zebracode')\"}";
  const char *kept_result = "{\"stdout\":[\"keptoutput\\n\"],\"results\":[{\"png\":\"" RED_PIXEL_PNG "\"}]}";
  /* Shares the red pixel with the kept result, and has an image of its own. */
  const char *undone_result = "{\"stdout\":[\"zebraoutput\\n\"],\"results\":[{\"png\":\"" RED_PIXEL_PNG "\"},"
                              "{\"png\":\"" UNDONE_IMAGE "\"}]}";
  g_autofree char *index_sql = NULL;
  FragHistory *history;
  gint64 c1, c2, u1, a1, v1, e1, r1, u2, a2, v2, e2, e3, other_message;
  gint64 updated;

  store = store_test_open (path, &error);
  g_assert_no_error (error);
  history = FRAG_HISTORY (store);

  /* The exchange that stays, with a user edit made before the next prompt. */
  c1 = create_conversation (history, "Undo test");
  index_sql = g_strdup_printf ("SELECT count(*) FROM search_index WHERE conversation_id = %" G_GINT64_FORMAT, c1);
  u1 = append_user_message (history, c1, "first prompt alpha", NULL);
  a1 = begin_assistant_message (history, c1);
  finish_message (history, a1, FRAG_MESSAGE_STATE_COMPLETE, "Here is alpha", first_fragment, NULL);
  v1 = add_version (history, c1, a1, 0, FRAG_VERSION_ORIGIN_MODEL, first_fragment);
  r1 = add_result (history, v1, kept_result);
  e1 = add_version (history, c1, 0, v1, FRAG_VERSION_ORIGIN_USER_EDIT,
                    "{\"title\":\"Sine\",\"code\":\"print('editedbefore')\"}");

  /* The exchange to undo: a prompt with an attachment, an answer, its run, an edit of
   * that answer and an edit of the older version made after the prompt. */
  g_ptr_array_add (attachments, frag_attachment_new ("image/png", screenshot));
  u2 = append_user_message (history, c1, "second prompt zebra", attachments);
  a2 = begin_assistant_message (history, c1);
  finish_message (history, a2, FRAG_MESSAGE_STATE_COMPLETE, "Here is zebra", second_fragment, NULL);
  v2 = add_version (history, c1, a2, e1, FRAG_VERSION_ORIGIN_MODEL, second_fragment);
  add_result (history, v2, undone_result);
  e2 = add_version (history, c1, 0, v2, FRAG_VERSION_ORIGIN_USER_EDIT,
                    "{\"title\":\"Zebra\",\"code\":\"print('editedzebra')\"}");
  add_result (history, e2, undone_result);
  e3 = add_version (history, c1, 0, v1, FRAG_VERSION_ORIGIN_USER_EDIT,
                    "{\"title\":\"Sine\",\"code\":\"print('editedafter')\"}");

  /* Another conversation, which must not be touched, written last so it tops the list. */
  c2 = create_conversation (history, "Other");
  other_message = append_user_message (history, c2, "zebra elsewhere", NULL);

  g_assert_true (search_finds (history, "zebraoutput", c1));
  g_assert_true (search_finds (history, "editedafter", c1));
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM blobs"), ==, 3);
  before = load (history, c1, &error);
  g_assert_no_error (error);
  updated = frag_conversation_info_get_updated (frag_stored_conversation_get_info (before));
  g_assert_cmpuint (frag_stored_conversation_get_versions (before)->len, ==, 5);
  g_assert_cmpint (version_id_at (before, 2), ==, v2);
  g_assert_cmpint (version_id_at (before, 3), ==, e2);
  g_assert_cmpint (version_id_at (before, 4), ==, e3);
  g_assert_cmpuint (frag_stored_conversation_get_results (before)->len, ==, 3);

  /* A message of another conversation, or none at all, is not found and nothing goes. */
  g_assert_false (delete_messages_from (history, c1, other_message, &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (delete_messages_from (history, c1, 9999, &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (delete_messages_from (history, 9999, u2, &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM messages"), ==, 5);

  g_assert_true (delete_messages_from (history, c1, u2, &error));
  g_assert_no_error (error);

  /* The earlier exchange and the edit made before the prompt are intact. */
  after = load (history, c1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frag_stored_conversation_get_messages (after)->len, ==, 2);
  g_assert_cmpint (message_id_at (after, 0), ==, u1);
  g_assert_cmpint (message_id_at (after, 1), ==, a1);
  g_assert_cmpuint (frag_stored_conversation_get_versions (after)->len, ==, 2);
  g_assert_cmpint (version_id_at (after, 0), ==, v1);
  g_assert_cmpint (version_id_at (after, 1), ==, e1);
  g_assert_cmpuint (frag_stored_conversation_get_results (after)->len, ==, 1);
  g_assert_cmpint (frag_stored_result_get_id (g_ptr_array_index (frag_stored_conversation_get_results (after), 0)),
                   ==, r1);
  g_assert_cmpstr (frag_stored_message_get_text (g_ptr_array_index (frag_stored_conversation_get_messages (after), 1)),
                   ==, "Here is alpha");
  g_assert_cmpint (frag_stored_version_get_id (frag_stored_conversation_get_latest_version (after)), ==, e1);
  /* The kept result still has its image, shared with a deleted one. */
  expected_result = parse (kept_result);
  loaded_result = parse (frag_stored_result_get_result_json (g_ptr_array_index (frag_stored_conversation_get_results (after), 0)));
  g_assert_true (json_node_equal (expected_result, loaded_result));
  /* Deleting counts as a change: the conversation moves back to the top of the list. */
  g_assert_cmpint (frag_conversation_info_get_updated (frag_stored_conversation_get_info (after)), >, updated);
  {
    g_autoptr(GListModel) all = list (history, 0, 10);
    g_autoptr(FragConversationInfo) top = g_list_model_get_item (all, 0);

    g_assert_cmpint (frag_conversation_info_get_id (top), ==, c1);
  }

  /* Search forgets the deleted text, keeps the rest, and the other conversation's. */
  g_assert_false (search_finds (history, "zebra", c1));
  g_assert_false (search_finds (history, "zebraoutput", c1));
  g_assert_false (search_finds (history, "zebracode", c1));
  g_assert_false (search_finds (history, "editedzebra", c1));
  g_assert_false (search_finds (history, "editedafter", c1));
  g_assert_true (search_finds (history, "zebra", c2));
  g_assert_true (search_finds (history, "alpha", c1));
  g_assert_true (search_finds (history, "keptoutput", c1));
  g_assert_true (search_finds (history, "editedbefore", c1));
  /* Title, u1, a1, v1, r1 and e1: one entry each, and the index matches its rows. */
  g_assert_cmpint (count_rows (path, index_sql), ==, 6);

  /* The attachment and the image only the undone runs used are gone; the red pixel stays. */
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM blobs"), ==, 1);
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM message_attachments"), ==, 0);
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM result_blobs"), ==, 1);

  other = load (history, c2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frag_stored_conversation_get_messages (other)->len, ==, 1);
  g_clear_object (&other);

  /* From the first message: the conversation stays, empty but for its title. */
  g_clear_object (&after);
  g_assert_true (delete_messages_from (history, c1, u1, &error));
  g_assert_no_error (error);
  after = load (history, c1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frag_conversation_info_get_title (frag_stored_conversation_get_info (after)), ==, "Undo test");
  g_assert_cmpuint (frag_stored_conversation_get_messages (after)->len, ==, 0);
  g_assert_cmpuint (frag_stored_conversation_get_versions (after)->len, ==, 0);
  g_assert_cmpuint (frag_stored_conversation_get_results (after)->len, ==, 0);
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM blobs"), ==, 0);
  g_assert_cmpint (count_rows (path, index_sql), ==, 1);
  g_assert_true (search_finds (history, "undo", c1));
  g_assert_false (search_finds (history, "alpha", c1));

  store_test_close (store);
  g_clear_object (&store);
  store_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/history/roundtrip", test_roundtrip);
  g_test_add_func ("/store/history/blob-dedup-and-collect", test_blob_dedup_and_collect);
  g_test_add_func ("/store/history/list-order-and-paging", test_list_order_and_paging);
  g_test_add_func ("/store/history/rename-sandbox-delete", test_rename_sandbox_delete);
  g_test_add_func ("/store/history/not-found", test_not_found);
  g_test_add_func ("/store/history/checkpoint-coalescing", test_checkpoint_coalescing);
  g_test_add_func ("/store/history/pending-checkpoint-written-on-close", test_pending_checkpoint_written_on_close);
  g_test_add_func ("/store/history/closed-store-fails", test_closed_store_fails);
  g_test_add_func ("/store/history/cancelled", test_cancelled);
  g_test_add_func ("/store/history/conversation-json", test_conversation_json);
  g_test_add_func ("/store/history/delete-messages-from", test_delete_messages_from);

  return g_test_run ();
}
