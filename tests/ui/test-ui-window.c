/* test-ui-window.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "frag-application.h"
#include "frag-errors.h"
#include "frag-window.h"
#include "ui-test-util.h"

/* One registered application for the whole run, as the real program has; each test makes
 * and destroys its own windows. NON_UNIQUE: never hand the work to another instance. */
static FragApplication *app;

typedef struct
{
  GAsyncResult *result;
} OpenWait;

static void
on_open_done_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenWait *wait = user_data;

  wait->result = g_object_ref (result);
}

static gboolean
open_is_done (gpointer data)
{
  return ((OpenWait *)data)->result != NULL;
}

/* Opens a fixture and waits for the outcome; returns the error, or NULL on success. */
static GError *
open_fixture (FragWindow *window,
              const char *name)
{
  g_autoptr(GFile) file = ui_test_fixture (name);
  OpenWait wait = { NULL };
  GError *error = NULL;
  gboolean ok;

  frag_window_open_file_async (window, file, NULL, on_open_done_cb, &wait);
  g_assert_true (ui_test_wait_for (open_is_done, &wait, 10000));
  ok = frag_window_open_file_finish (window, wait.result, &error);
  g_assert_true (ok == (error == NULL));
  g_object_unref (wait.result);

  return error;
}

static FragWindow *
new_window (void)
{
  FragWindow *window = frag_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static char *
buffer_text (FragWindow *window)
{
  FragCodeView *code_view = frag_fragment_view_get_code_view (frag_window_get_fragment_view (window));
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (frag_code_view_get_buffer (code_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static const char *
buffer_language_id (FragWindow *window)
{
  FragCodeView *code_view = frag_fragment_view_get_code_view (frag_window_get_fragment_view (window));
  GtkSourceLanguage *language = gtk_source_buffer_get_language (frag_code_view_get_buffer (code_view));

  return language != NULL ? gtk_source_language_get_id (language) : NULL;
}

static AdwWindowTitle *
title_widget (FragWindow *window)
{
  return ADW_WINDOW_TITLE (gtk_widget_get_template_child (GTK_WIDGET (window), FRAG_TYPE_WINDOW,
                                                          "window_title"));
}

static void
assert_shows_damped_sine (FragWindow *window)
{
  FragFragment *fragment = frag_fragment_view_get_fragment (frag_window_get_fragment_view (window));
  g_autofree char *text = buffer_text (window);

  g_assert_nonnull (fragment);
  g_assert_cmpstr (frag_fragment_get_title (fragment), ==, "Damped sine wave");
  g_assert_cmpstr (text, ==, frag_fragment_get_code (fragment));
  g_assert_true (g_str_has_prefix (text, "import numpy as np\n"));
  g_assert_cmpstr (buffer_language_id (window), ==, "python3");
  g_assert_cmpstr (adw_window_title_get_title (title_widget (window)), ==, "Damped sine wave");
  g_assert_cmpstr (adw_window_title_get_subtitle (title_widget (window)), ==,
                   "Plots a damped sine wave and prints the first three peaks.");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Damped sine wave");
}

static void
test_window_starts (void)
{
  GtkWindow *window;
  FragFragmentView *view;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (FRAG_IS_WINDOW (window));

  view = frag_window_get_fragment_view (FRAG_WINDOW (window));
  g_assert_cmpint (frag_fragment_view_get_state (view), ==, FRAG_FRAGMENT_VIEW_EMPTY);
  g_assert_null (frag_fragment_view_get_fragment (view));
  g_assert_true (frag_window_is_empty (FRAG_WINDOW (window)));
  g_assert_cmpstr (gtk_window_get_title (window), ==, "Fragment Studio");
  /* gtk/help-overlay.ui was found at the resource base path. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  /* The accelerators of the primary menu's actions. */
  {
    g_auto(GStrv) open_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.open");
    g_auto(GStrv) quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");

    g_assert_cmpstr (open_accels[0], ==, "<Control>o");
    g_assert_cmpstr (quit_accels[0], ==, "<Control>q");
  }

  gtk_window_destroy (window);
}

static void
test_window_opens_fragment (void)
{
  FragWindow *window = new_window ();
  g_autoptr(GError) error = NULL;

  error = open_fixture (window, "hello-plot.json");
  g_assert_no_error (error);

  g_assert_cmpint (frag_fragment_view_get_state (frag_window_get_fragment_view (window)), ==,
                   FRAG_FRAGMENT_VIEW_FRAGMENT);
  g_assert_false (frag_window_is_empty (window));
  assert_shows_damped_sine (window);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
view_shows_fragment (gpointer data)
{
  return frag_fragment_view_get_state (data) == FRAG_FRAGMENT_VIEW_FRAGMENT;
}

/* `fragment-studio FILE.json` goes through GApplication::open. */
static void
test_window_opens_from_command_line (void)
{
  g_autoptr(GFile) file = ui_test_fixture ("hello-plot.json");
  GFile *files[] = { file };
  GtkWindow *window;

  g_application_open (G_APPLICATION (app), files, 1, "");
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (FRAG_IS_WINDOW (window));
  g_assert_true (ui_test_wait_for (view_shows_fragment,
                                   frag_window_get_fragment_view (FRAG_WINDOW (window)), 10000));
  assert_shows_damped_sine (FRAG_WINDOW (window));

  gtk_window_destroy (window);
}

/* A bad file: a specific message on the error page, and the previous fragment kept. */
static void
assert_error_keeps_previous (const char *fixture,
                             GQuark      domain,
                             int         code,
                             const char *headline,
                             const char *detail_part)
{
  FragWindow *window = new_window ();
  FragFragmentView *view = frag_window_get_fragment_view (window);
  g_autoptr(GError) error = NULL;
  GtkWidget *back_button;

  error = open_fixture (window, "hello-plot.json");
  g_assert_no_error (error);

  error = open_fixture (window, fixture);
  g_assert_error (error, domain, code);

  g_assert_cmpint (frag_fragment_view_get_state (view), ==, FRAG_FRAGMENT_VIEW_ERROR);
  g_assert_cmpstr (frag_fragment_view_get_error_headline (view), ==, headline);
  g_assert_true (g_str_has_prefix (frag_fragment_view_get_error_detail (view), "“"));
  g_assert_nonnull (strstr (frag_fragment_view_get_error_detail (view), fixture));
  g_assert_nonnull (strstr (frag_fragment_view_get_error_detail (view), detail_part));
  g_assert_nonnull (strstr (frag_fragment_view_get_error_detail (view), error->message));

  /* Nothing of the bad file got in; the previous fragment is one click away. */
  assert_shows_damped_sine (window);
  back_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                           FRAG_TYPE_FRAGMENT_VIEW,
                                                           "back_button"));
  g_assert_true (gtk_widget_get_visible (back_button));
  g_signal_emit_by_name (back_button, "clicked");
  g_assert_cmpint (frag_fragment_view_get_state (view), ==, FRAG_FRAGMENT_VIEW_FRAGMENT);
  g_assert_null (frag_fragment_view_get_error_detail (view));
  assert_shows_damped_sine (window);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_invalid_json (void)
{
  assert_error_keeps_previous ("invalid-json.json", FRAG_FRAGMENT_ERROR,
                               FRAG_FRAGMENT_ERROR_INVALID_JSON, "Not a Fragment File",
                               "not valid JSON");
}

static void
test_window_escaping_path (void)
{
  assert_error_keeps_previous ("escaping-path.json", FRAG_FRAGMENT_ERROR,
                               FRAG_FRAGMENT_ERROR_BAD_PATH, "Unsafe File Path", "../x");
}

static void
test_window_wrong_type (void)
{
  assert_error_keeps_previous ("wrong-port.json", FRAG_FRAGMENT_ERROR,
                               FRAG_FRAGMENT_ERROR_WRONG_TYPE, "Malformed Fragment", "“port”");
}

static void
test_window_missing_file (void)
{
  assert_error_keeps_previous ("no-such-file.json", G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "File Not Found", "no-such-file.json");
}

static void
test_window_unknown_template (void)
{
  assert_error_keeps_previous ("unknown-template.json", FRAG_FRAGMENT_ERROR,
                               FRAG_FRAGMENT_ERROR_UNKNOWN_TEMPLATE, "Unknown Template",
                               "no-such-template");
}

/* Without a previous fragment the error page offers no way back to one. */
static void
test_window_error_without_previous (void)
{
  FragWindow *window = new_window ();
  FragFragmentView *view = frag_window_get_fragment_view (window);
  g_autoptr(GError) error = NULL;
  GtkWidget *back_button;

  error = open_fixture (window, "invalid-json.json");
  g_assert_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_INVALID_JSON);
  g_assert_cmpint (frag_fragment_view_get_state (view), ==, FRAG_FRAGMENT_VIEW_ERROR);
  g_assert_null (frag_fragment_view_get_fragment (view));
  back_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                           FRAG_TYPE_FRAGMENT_VIEW,
                                                           "back_button"));
  g_assert_false (gtk_widget_get_visible (back_button));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Fragment Studio");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The caller's cancellable stops an open before it changes anything. */
static void
test_window_open_cancelled (void)
{
  FragWindow *window = new_window ();
  g_autoptr(GFile) file = ui_test_fixture ("hello-plot.json");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  OpenWait wait = { NULL };

  frag_window_open_file_async (window, file, cancellable, on_open_done_cb, &wait);
  g_cancellable_cancel (cancellable);
  g_assert_true (ui_test_wait_for (open_is_done, &wait, 10000));
  g_assert_false (frag_window_open_file_finish (window, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&wait.result);

  g_assert_cmpint (frag_fragment_view_get_state (frag_window_get_fragment_view (window)), ==,
                   FRAG_FRAGMENT_VIEW_EMPTY);
  g_assert_true (frag_window_is_empty (window));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Two opens in a row: the older is cancelled, only the newer shows. */
static void
test_window_newer_open_wins (void)
{
  FragWindow *window = new_window ();
  g_autoptr(GFile) bad = ui_test_fixture ("invalid-json.json");
  g_autoptr(GFile) good = ui_test_fixture ("hello-plot.json");
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GError) second_error = NULL;
  OpenWait first = { NULL };
  OpenWait second = { NULL };

  frag_window_open_file_async (window, bad, NULL, on_open_done_cb, &first);
  frag_window_open_file_async (window, good, NULL, on_open_done_cb, &second);
  g_assert_true (ui_test_wait_for (open_is_done, &first, 10000));
  g_assert_true (ui_test_wait_for (open_is_done, &second, 10000));

  g_assert_false (frag_window_open_file_finish (window, first.result, &first_error));
  g_assert_error (first_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (frag_window_open_file_finish (window, second.result, &second_error));
  g_assert_no_error (second_error);
  g_clear_object (&first.result);
  g_clear_object (&second.result);

  g_assert_cmpint (frag_fragment_view_get_state (frag_window_get_fragment_view (window)), ==,
                   FRAG_FRAGMENT_VIEW_FRAGMENT);
  assert_shows_damped_sine (window);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Closing the window while an open runs: the open does not keep the window alive, ends
 * cancelled, and nothing touches the freed window. */
static void
test_window_destroyed_during_open (void)
{
  FragWindow *window = new_window ();
  g_autoptr(GFile) file = ui_test_fixture ("hello-plot.json");
  g_autoptr(GError) error = NULL;
  OpenWait wait = { NULL };

  frag_window_open_file_async (window, file, NULL, on_open_done_cb, &wait);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);

  g_assert_true (ui_test_wait_for (open_is_done, &wait, 10000));
  /* The window is gone, so the result is read as its _finish() would read it. */
  g_assert_false (g_task_propagate_boolean (G_TASK (wait.result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&wait.result);
}

static gboolean
web_view_exists (gpointer data)
{
  return frag_web_preview_get_web_view (data) != NULL;
}

/* The preview's web view (and its processes) only exist once the preview is shown, in
 * an ephemeral session with the hardened settings. */
static void
test_window_preview_is_lazy (void)
{
  FragWindow *window = new_window ();
  FragFragmentView *view = frag_window_get_fragment_view (window);
  FragWebPreview *preview = frag_fragment_view_get_web_preview (view);
  g_autoptr(GError) error = NULL;
  WebKitWebView *web_view;
  WebKitSettings *settings;

  error = open_fixture (window, "hello-plot.json");
  g_assert_no_error (error);
  g_assert_null (frag_web_preview_get_web_view (preview));

  frag_fragment_view_show_preview (view);
  g_assert_true (ui_test_wait_for (web_view_exists, preview, 10000));
  web_view = frag_web_preview_get_web_view (preview);

  g_assert_true (webkit_network_session_is_ephemeral (webkit_web_view_get_network_session (web_view)));
  settings = webkit_web_view_get_settings (web_view);
  g_assert_false (webkit_settings_get_javascript_can_open_windows_automatically (settings));
  g_assert_false (webkit_settings_get_javascript_can_access_clipboard (settings));
  g_assert_false (webkit_settings_get_allow_file_access_from_file_urls (settings));
  g_assert_false (webkit_settings_get_allow_universal_access_from_file_urls (settings));
  g_assert_false (webkit_settings_get_enable_media_stream (settings));
  g_assert_false (webkit_settings_get_enable_webrtc (settings));
  /* Nothing runs yet, so the "nothing running" page stays up. */
  g_assert_null (frag_web_preview_get_uri (preview));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A broken templates.json of the user's does not stop the application: it starts with
 * the built-in templates and its first window tells the user. */
static void
test_application_bad_user_templates (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "fragment-studio", NULL);
  g_autofree char *path = g_build_filename (dir, "templates.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragApplication) other = NULL;
  const char * const *known;
  GtkWindow *window;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[\"not an object\"]", -1, &error));
  g_assert_no_error (error);

  /* Its own id: the first application's objects are already on the session bus. */
  other = frag_application_new (APP_ID ".BadTemplatesTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (other), NULL, &error);
  g_assert_no_error (error);
  known = frag_application_get_known_templates (other);
  g_assert_true (g_strv_contains (known, "code-interpreter-v1"));
  g_assert_true (g_strv_contains (known, "static-html"));

  g_application_activate (G_APPLICATION (other));
  window = gtk_application_get_active_window (GTK_APPLICATION (other));
  g_assert_true (FRAG_IS_WINDOW (window));
  gtk_window_destroy (window);
}

/* About Fragment Studio opens over the window, with the application's name and version. */
static void
test_application_about (void)
{
  FragWindow *window = new_window ();
  AdwAboutWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_ABOUT_WINDOW (l->data))
      about = l->data;

  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "Fragment Studio");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));

  gtk_window_destroy (GTK_WINDOW (about));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
no_windows_left (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

/* The window's size and maximized state are kept when it closes, and a new window
 * starts with them; app.quit closes the windows the same way. */
static void
test_window_keeps_size (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.fragmentstudio.FragmentStudio");
  FragWindow *window = new_window ();
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (ui_test_wait_for (no_windows_left, NULL, 10000));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  window = new_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  gtk_window_destroy (GTK_WINDOW (window));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static AdwFlap *
window_flap (FragWindow *window)
{
  return ADW_FLAP (gtk_widget_get_template_child (GTK_WIDGET (window), FRAG_TYPE_WINDOW, "flap"));
}

static gboolean
flap_unfolded (gpointer data)
{
  return !adw_flap_get_folded (window_flap (data));
}

/* Hiding the history sidebar is remembered (show-history) and a new window starts
 * without it; the flap folding away in a narrow window is not a choice and is not
 * stored. */
static void
test_window_remembers_history_sidebar (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.fragmentstudio.FragmentStudio");
  FragWindow *window;

  g_settings_set_int (settings, "window-width", 1600);
  g_settings_set_int (settings, "window-height", 900);
  window = new_window ();
  g_assert_true (ui_test_wait_for (flap_unfolded, window, 10000));
  g_assert_true (adw_flap_get_reveal_flap (window_flap (window)));
  g_assert_true (g_settings_get_boolean (settings, "show-history"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-history", NULL));
  g_assert_false (adw_flap_get_reveal_flap (window_flap (window)));
  g_assert_false (g_settings_get_boolean (settings, "show-history"));
  gtk_window_destroy (GTK_WINDOW (window));

  window = new_window ();
  g_assert_true (ui_test_wait_for (flap_unfolded, window, 10000));
  g_assert_false (adw_flap_get_reveal_flap (window_flap (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-history", NULL));
  g_assert_true (g_settings_get_boolean (settings, "show-history"));
  gtk_window_destroy (GTK_WINDOW (window));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* ---- Save Fragment As…, Export Project…, Copy Code, Open in Browser ---------------- */

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static void
on_result_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Whether a win.* action is enabled, as a button bound to it shows: the code view's Copy
 * button is lent the action for a moment (widget-class actions have no public getter). */
static gboolean
action_enabled (FragWindow *window,
                const char *action_name)
{
  FragCodeView *code_view = frag_fragment_view_get_code_view (frag_window_get_fragment_view (window));
  GtkWidget *button = (GtkWidget *)gtk_widget_get_template_child (GTK_WIDGET (code_view), FRAG_TYPE_CODE_VIEW,
                                                                   "copy_button");
  g_autofree char *previous = g_strdup (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)));
  gboolean enabled;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  enabled = gtk_widget_get_sensitive (button);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), previous);

  return enabled;
}

/* Saves the window's fragment to file and waits; returns the error, or NULL. */
static GError *
save_fragment (FragWindow *window,
               GFile      *file)
{
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  gboolean ok;

  frag_window_save_fragment_async (window, file, NULL, on_result_cb, &result);
  g_assert_true (ui_test_wait_for (result_arrived, &result, 10000));
  ok = frag_window_save_fragment_finish (window, result, &error);
  g_assert_true (ok == (error == NULL));

  return error;
}

static void
test_window_save_fragment (void)
{
  FragWindow *window = new_window ();
  FragCodeView *code_view = frag_fragment_view_get_code_view (frag_window_get_fragment_view (window));
  GtkTextBuffer *buffer;
  g_autofree char *dir = g_dir_make_tmp ("frag-save-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "damped-sine.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(FragFragment) saved = NULL;
  FragFragment *shown;
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;
  GtkTextIter end;

  /* Nothing on screen: nothing to save, and the action is off. */
  g_assert_false (action_enabled (window, "win.save-as"));
  error = save_fragment (window, file);
  g_assert_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_MISSING_FIELD);
  g_assert_false (g_file_query_exists (file, NULL));
  g_clear_error (&error);

  error = open_fixture (window, "hello-plot.json");
  g_assert_no_error (error);
  shown = frag_fragment_view_get_fragment (frag_window_get_fragment_view (window));

  /* An unsaved edit in the editor goes into the file. */
  buffer = GTK_TEXT_BUFFER (frag_code_view_get_buffer (code_view));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "print(\"edited\")\n", -1);

  error = save_fragment (window, file);
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  saved = frag_fragment_new_from_data (contents, length, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (frag_fragment_get_code (saved), "plt.show()\nprint(\"edited\")\n"));
  g_assert_cmpstr (frag_fragment_get_code (saved), !=, frag_fragment_get_code (shown));
  g_assert_cmpstr (frag_fragment_get_title (saved), ==, "Damped sine wave");
  g_assert_cmpstr (frag_fragment_get_description (saved), ==, frag_fragment_get_description (shown));
  g_assert_cmpstr (frag_fragment_get_commentary (saved), ==, frag_fragment_get_commentary (shown));
  g_assert_cmpstr (frag_fragment_get_template (saved), ==, "code-interpreter-v1");
  g_assert_cmpstr (frag_fragment_get_file_path (saved), ==, "script.py");
  g_assert_cmpint (frag_fragment_get_port (saved), ==, FRAG_FRAGMENT_NO_PORT);
  g_assert_false (frag_fragment_get_has_additional_dependencies (saved));
  g_assert_cmpstr (frag_fragment_get_install_dependencies_command (saved), ==, "");
  /* Saving did not change the fragment shown: the edit stays an edit. */
  g_assert_false (g_str_has_suffix (frag_fragment_get_code (shown), "print(\"edited\")\n"));
  /* The editor's text is the saved code. */
  {
    g_autofree char *text = buffer_text (window);

    g_assert_cmpstr (text, ==, frag_fragment_get_code (saved));
  }

  ui_test_remove_tree (folder);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_save_fragment_unwritable (void)
{
  FragWindow *window = new_window ();
  g_autofree char *dir = g_dir_make_tmp ("frag-save-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "no-such-folder", "fragment.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;

  error = open_fixture (window, "hello-plot.json");
  g_assert_no_error (error);
  g_assert_true (action_enabled (window, "win.save-as"));
  g_assert_true (action_enabled (window, "win.copy-code"));

  error = save_fragment (window, file);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (g_file_query_exists (file, NULL));
  /* The window is still fine and still shows the fragment. */
  assert_shows_damped_sine (window);

  ui_test_remove_tree (folder);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_export_needs_stored_conversation (void)
{
  FragWindow *window = new_window ();
  g_autofree char *dir = g_dir_make_tmp ("frag-export-XXXXXX", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) readme = g_file_get_child (folder, "README.md");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  error = open_fixture (window, "hello-plot.json");
  g_assert_no_error (error);
  /* An opened file is not a stored conversation: nothing to export. */
  g_assert_false (action_enabled (window, "win.export-project"));

  frag_window_export_project_async (window, folder, NULL, on_result_cb, &result);
  g_assert_true (ui_test_wait_for (result_arrived, &result, 10000));
  g_assert_false (frag_window_export_project_finish (window, result, &error));
  g_assert_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND);
  g_assert_false (g_file_query_exists (readme, NULL));

  ui_test_remove_tree (folder);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  gboolean  done;
  char     *text;
} ClipboardWait;

static void
on_clipboard_text_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ClipboardWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source_object), result, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static gboolean
clipboard_read (gpointer data)
{
  return ((ClipboardWait *)data)->done;
}

static void
test_window_copy_code (void)
{
  FragWindow *window = new_window ();
  FragCodeView *code_view = frag_fragment_view_get_code_view (frag_window_get_fragment_view (window));
  GtkTextBuffer *buffer;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ClipboardWait wait = { FALSE, NULL };
  GtkTextIter start;

  g_assert_false (action_enabled (window, "win.copy-code"));

  error = open_fixture (window, "hello-plot.json");
  g_assert_no_error (error);
  buffer = GTK_TEXT_BUFFER (frag_code_view_get_buffer (code_view));
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_insert (buffer, &start, "# mine\n", -1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-code", NULL));
  gdk_clipboard_read_text_async (clipboard, NULL, on_clipboard_text_cb, &wait);
  g_assert_true (ui_test_wait_for (clipboard_read, &wait, 10000));

  text = buffer_text (window);
  g_assert_true (g_str_has_prefix (text, "# mine\nimport numpy"));
  g_assert_cmpstr (wait.text, ==, text);
  g_free (wait.text);

  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.copy-code");
    g_auto(GStrv) save_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.save-as");

    g_assert_cmpstr (accels[0], ==, "<Shift><Control>c");
    g_assert_cmpstr (save_accels[0], ==, "<Shift><Control>s");
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_preview_open_in_browser_button (void)
{
  FragWindow *window = new_window ();
  FragWebPreview *preview = frag_fragment_view_get_web_preview (frag_window_get_fragment_view (window));
  GtkWidget *button = frag_web_preview_get_open_in_browser_button (preview);
  GVariant *target;

  g_assert_false (gtk_widget_get_visible (button));

  /* A closed loopback port: nothing answers, and no browser is launched. */
  frag_web_preview_load_uri (preview, "http://127.0.0.1:9/");
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.open-in-browser");
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button));
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "http://127.0.0.1:9/");

  frag_web_preview_clear (preview);
  g_assert_false (gtk_widget_get_visible (button));
  g_assert_null (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button)));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  home = ui_test_isolate_home ();
  ui_test_init_environment ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  app = frag_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/ui/window/starts", test_window_starts);
  g_test_add_func ("/ui/window/remembers-history-sidebar", test_window_remembers_history_sidebar);
  g_test_add_func ("/ui/window/opens-fragment", test_window_opens_fragment);
  g_test_add_func ("/ui/window/opens-from-command-line", test_window_opens_from_command_line);
  g_test_add_func ("/ui/window/invalid-json", test_window_invalid_json);
  g_test_add_func ("/ui/window/escaping-path", test_window_escaping_path);
  g_test_add_func ("/ui/window/wrong-type", test_window_wrong_type);
  g_test_add_func ("/ui/window/missing-file", test_window_missing_file);
  g_test_add_func ("/ui/window/unknown-template", test_window_unknown_template);
  g_test_add_func ("/ui/window/error-without-previous", test_window_error_without_previous);
  g_test_add_func ("/ui/window/open-cancelled", test_window_open_cancelled);
  g_test_add_func ("/ui/window/newer-open-wins", test_window_newer_open_wins);
  g_test_add_func ("/ui/window/destroyed-during-open", test_window_destroyed_during_open);
  g_test_add_func ("/ui/window/preview-is-lazy", test_window_preview_is_lazy);
  g_test_add_func ("/ui/window/keeps-size", test_window_keeps_size);
  g_test_add_func ("/ui/window/save-fragment", test_window_save_fragment);
  g_test_add_func ("/ui/window/save-fragment-unwritable", test_window_save_fragment_unwritable);
  g_test_add_func ("/ui/window/export-needs-stored-conversation",
                   test_window_export_needs_stored_conversation);
  g_test_add_func ("/ui/window/copy-code", test_window_copy_code);
  g_test_add_func ("/ui/window/preview-open-in-browser-button",
                   test_window_preview_open_in_browser_button);
  g_test_add_func ("/ui/application/about", test_application_about);
  g_test_add_func ("/ui/application/bad-user-templates", test_application_bad_user_templates);

  status = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);

  {
    g_autoptr(GFile) root = g_file_new_for_path (home);

    ui_test_remove_tree (root);
  }

  return status;
}
