/* test-ui-lifecycle.c: sandboxes around the application's life, against the loopback
 * fake E2B: the orphans of earlier sessions are found and stopped from a toast, and
 * quitting waits until the open conversation's sandbox is killed.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>

#include "fake-e2b-util.h"
#include "frag-application.h"
#include "frag-memory-keyring.h"
#include "frag-window.h"
#include "ui-test-util.h"

static FakeE2b *fake;
static FragMemoryKeyring *keyring;

/* Makes a sandbox on the fake, tagged with metadata app=app_tag. Returns its id. */
static char *
create_sandbox (const char *app_tag)
{
  g_autoptr(SoupSession) session = fake_e2b_session_new ();
  g_autofree char *url = g_strconcat (fake->base_url, "/sandboxes", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autofree char *body = g_strdup_printf ("{\"templateID\":\"base\",\"timeout\":300,"
                                           "\"metadata\":{\"app\":\"%s\"}}", app_tag);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  FakeHttpCall call = { 0 };
  char *id;

  soup_message_headers_replace (soup_message_get_request_headers (message), "X-API-Key", FAKE_E2B_API_KEY);
  soup_message_set_request_body_from_bytes (message, "application/json", request);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, fake_http_cb, &call);
  test_wait_for (&call.done, 30);
  g_assert_nonnull (call.body);
  g_assert_cmpuint (soup_message_get_status (message), ==, 201);
  json_parser_load_from_data (parser, g_bytes_get_data (call.body, NULL), g_bytes_get_size (call.body), &error);
  g_assert_no_error (error);
  id = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                "sandboxID"));
  g_bytes_unref (call.body);
  return id;
}

static guint
count_deletes (const char *sandbox_id)
{
  g_autoptr(JsonArray) requests = fake_e2b_take_requests (fake);
  g_autofree char *path = g_strconcat ("/sandboxes/", sandbox_id, NULL);
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (request, "method"), "DELETE") &&
          g_str_equal (json_object_get_string_member (request, "path"), path))
        count++;
    }
  return count;
}

static gboolean
has_n_orphans (gpointer data)
{
  FragOrphanSandboxes *orphans = frag_application_get_orphan_sandboxes (data);

  return frag_orphan_sandboxes_get_n_orphans (orphans) == 2;
}

static gboolean
has_no_orphans (gpointer data)
{
  FragOrphanSandboxes *orphans = frag_application_get_orphan_sandboxes (data);

  return frag_orphan_sandboxes_get_n_orphans (orphans) == 0;
}

static gboolean
has_conversation (gpointer data)
{
  return frag_window_get_conversation (data) != NULL;
}

/* Two sandboxes of ours from "an earlier session" and one of someone else's: a toast
 * offers to stop ours, and Stop Them DELETEs exactly those. */
static void
test_orphans_found_and_stopped (void)
{
  g_autofree char *first = create_sandbox ("fragment-studio");
  g_autofree char *second = create_sandbox ("fragment-studio");
  g_autofree char *foreign = create_sandbox ("someone-else");
  g_autoptr(FragApplication) app = NULL;
  FragOrphanSandboxes *orphans;
  FragWindow *window;
  AdwToast *toast;

  app = frag_application_new (APP_ID ".OrphansTest", G_APPLICATION_NON_UNIQUE);
  frag_application_set_keyring (app, FRAG_KEYRING (keyring));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = frag_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (has_conversation, window, 10000));

  /* The check runs a few seconds after start-up. */
  orphans = frag_application_get_orphan_sandboxes (app);
  g_assert_nonnull (orphans);
  g_assert_true (ui_test_wait_for (has_n_orphans, app, 15000));
  toast = frag_orphan_sandboxes_get_toast (orphans);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "2 sandboxes from earlier sessions are still running");
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "Stop Them");
  json_array_unref (fake_e2b_take_requests (fake));

  g_signal_emit_by_name (toast, "button-clicked");
  g_assert_true (ui_test_wait_for (has_no_orphans, app, 10000));
  toast = frag_orphan_sandboxes_get_toast (orphans);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Stopped 2 sandboxes");
  {
    g_autoptr(JsonArray) requests = fake_e2b_take_requests (fake);
    g_autofree char *first_path = g_strconcat ("/sandboxes/", first, NULL);
    g_autofree char *second_path = g_strconcat ("/sandboxes/", second, NULL);
    g_autofree char *foreign_path = g_strconcat ("/sandboxes/", foreign, NULL);

    g_assert_cmpuint (fake_e2b_count (requests, "DELETE", first_path), ==, 1);
    g_assert_cmpuint (fake_e2b_count (requests, "DELETE", second_path), ==, 1);
    g_assert_cmpuint (fake_e2b_count (requests, "DELETE", foreign_path), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  /* The other app's sandbox is none of ours to stop. */
  g_assert_cmpuint (count_deletes (foreign), ==, 0);
}

/* Nothing tagged as ours is running: no toast. */
static void
test_no_orphans_no_toast (void)
{
  g_autoptr(FragApplication) app = NULL;
  FragOrphanSandboxes *orphans;
  FragWindow *window;

  app = frag_application_new (APP_ID ".NoOrphansTest", G_APPLICATION_NON_UNIQUE);
  frag_application_set_keyring (app, FRAG_KEYRING (keyring));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = frag_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  orphans = frag_application_get_orphan_sandboxes (app);
  frag_orphan_sandboxes_schedule (orphans, 0);
  g_assert_false (ui_test_wait_for (has_n_orphans, app, 1000));
  g_assert_cmpuint (frag_orphan_sandboxes_get_n_orphans (orphans), ==, 0);
  g_assert_null (frag_orphan_sandboxes_get_toast (orphans));
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  FragWindow *window;
  char       *sandbox_id;
  gboolean    ensured;
} QuitState;

static void
ensured_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  QuitState *state = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (frag_sandbox_ensure_finish (FRAG_SANDBOX (source), result, &error));
  g_assert_no_error (error);
  state->sandbox_id = frag_sandbox_dup_sandbox_id (FRAG_SANDBOX (source));
  /* What the close button does: the application quits once the window is gone. */
  gtk_window_close (GTK_WINDOW (state->window));
}

static gboolean
start_sandbox_cb (gpointer user_data)
{
  QuitState *state = user_data;
  FragConversation *conversation = frag_window_get_conversation (state->window);
  g_autoptr(FragTemplateCatalog) templates = NULL;

  if (conversation == NULL)
    return G_SOURCE_CONTINUE;
  templates = frag_template_catalog_new_builtin ();
  frag_sandbox_ensure_async (frag_conversation_get_sandbox (conversation),
                             frag_template_catalog_lookup (templates, "static-html"), NULL, ensured_cb, state);
  return G_SOURCE_REMOVE;
}

static void
on_window_added_cb (GtkApplication *app,
                    GtkWindow      *window,
                    QuitState      *state)
{
  if (state->window != NULL || !FRAG_IS_WINDOW (window))
    return;
  state->window = FRAG_WINDOW (window);
  g_timeout_add (20, start_sandbox_cb, state);
}

/* The window of a conversation with an E2B sandbox closes, the main loop would end:
 * the application stays until the sandbox is killed. */
static void
test_quit_kills_sandbox (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.fragmentstudio.FragmentStudio");
  g_autoptr(FragApplication) app = NULL;
  QuitState state = { 0 };

  g_settings_set_string (settings, "sandbox-backend", "e2b");
  app = frag_application_new (APP_ID ".QuitTest", G_APPLICATION_NON_UNIQUE);
  frag_application_set_keyring (app, FRAG_KEYRING (keyring));
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added_cb), &state);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  g_assert_nonnull (state.sandbox_id);
  /* Already answered when run() returned: the quit waited for it. */
  g_assert_cmpuint (count_deletes (state.sandbox_id), ==, 1);
  g_settings_reset (settings, "sandbox-backend");
  g_free (state.sandbox_id);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *home = NULL;
  int status;

  home = ui_test_isolate_home ();
  ui_test_init_environment ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* The E2B backend and the orphan check talk to the loopback fake only. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  fake = fake_e2b_start (0);
  g_setenv ("E2B_API_KEY", FAKE_E2B_API_KEY, TRUE);
  g_setenv ("E2B_API_URL", fake->base_url, TRUE);
  g_setenv ("FRAG_E2B_SANDBOX_URL", fake->base_url, TRUE);
  keyring = frag_memory_keyring_new ();
  settings = g_settings_new ("io.github.fragmentstudio.FragmentStudio");
  g_settings_set_string (settings, "sandbox-backend", "local");

  g_test_add_func ("/ui/lifecycle/no-orphans-no-toast", test_no_orphans_no_toast);
  g_test_add_func ("/ui/lifecycle/orphans-found-and-stopped", test_orphans_found_and_stopped);
  g_test_add_func ("/ui/lifecycle/quit-kills-sandbox", test_quit_kills_sandbox);

  status = g_test_run ();

  g_clear_object (&keyring);
  fake_e2b_stop (fake);
  {
    g_autoptr(GFile) root = g_file_new_for_path (home);

    ui_test_remove_tree (root);
  }
  return status;
}
