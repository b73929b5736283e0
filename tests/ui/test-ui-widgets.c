/* test-ui-widgets.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "frag-code-view.h"
#include "frag-error-headline.h"
#include "frag-errors.h"
#include "frag-fragment-view.h"
#include "frag-web-preview.h"
#include "ui-test-util.h"

static FragFragment *
load_fixture (const char *name)
{
  g_autoptr(GFile) file = ui_test_fixture (name);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  FragFragment *fragment;

  g_assert_true (g_file_load_contents (file, NULL, &contents, &length, NULL, &error));
  g_assert_no_error (error);
  fragment = frag_fragment_new_from_data (contents, length, &error);
  g_assert_no_error (error);
  return fragment;
}

/* A widget in a window of its own, so it is realized and mapped like in the app. */
static GtkWindow *
window_with (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 800, 600);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  return window;
}

static char *
buffer_text (GtkSourceBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (buffer), &start, &end, TRUE);
}

static const char *
language_id (GtkSourceBuffer *buffer)
{
  GtkSourceLanguage *language = gtk_source_buffer_get_language (buffer);

  return language != NULL ? gtk_source_language_get_id (language) : NULL;
}

static void
test_code_view_language_for_path (void)
{
  /* GtkSourceView alone would say "python" (Python 2) for *.py. */
  g_assert_cmpstr (frag_code_view_language_for_path ("script.py"), ==, "python3");
  g_assert_cmpstr (frag_code_view_language_for_path ("app/main.py"), ==, "python3");
  g_assert_cmpstr (frag_code_view_language_for_path ("index.html"), ==, "html");
  g_assert_cmpstr (frag_code_view_language_for_path ("pages/index.tsx"), ==, "typescript-jsx");
  g_assert_cmpstr (frag_code_view_language_for_path ("app.js"), ==, "js");
  g_assert_cmpstr (frag_code_view_language_for_path ("style.css"), ==, "css");
  /* No Vue language in GtkSourceView 5.6: its HTML grammar covers the template. */
  g_assert_cmpstr (frag_code_view_language_for_path ("src/App.vue"), ==, "html");
  g_assert_null (frag_code_view_language_for_path ("LICENSE-no-extension"));
}

static void
test_code_view_single_file (void)
{
  g_autoptr(FragFragment) fragment = load_fixture ("hello-plot.json");
  FragCodeView *view = FRAG_CODE_VIEW (frag_code_view_new ());
  GtkWindow *window = window_with (GTK_WIDGET (view));
  GtkSourceBuffer *buffer;
  GtkSourceView *source_view;
  GtkWidget *file_label;
  g_autofree char *text = NULL;

  frag_code_view_set_fragment (view, fragment);
  buffer = frag_code_view_get_buffer (view);
  text = buffer_text (buffer);
  g_assert_cmpstr (text, ==, frag_fragment_get_code (fragment));
  g_assert_cmpstr (language_id (buffer), ==, "python3");
  /* Loading is not an undoable edit. */
  g_assert_false (gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (buffer)));
  g_assert_false (gtk_text_buffer_get_can_undo (GTK_TEXT_BUFFER (buffer)));

  source_view = GTK_SOURCE_VIEW (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                                FRAG_TYPE_CODE_VIEW,
                                                                "source_view"));
  g_assert_true (gtk_source_view_get_show_line_numbers (source_view));
  g_assert_true (gtk_source_view_get_highlight_current_line (source_view));
  g_assert_true (gtk_source_view_get_auto_indent (source_view));
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (source_view)));
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (source_view)));
  g_assert_cmpuint (gtk_source_view_get_tab_width (source_view), ==, 4);
  g_assert_true (gtk_source_view_get_insert_spaces_instead_of_tabs (source_view));

  file_label = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), FRAG_TYPE_CODE_VIEW,
                                                          "file_label"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (file_label)), ==, "script.py");
  g_assert_true (gtk_widget_get_visible (file_label));

  gtk_window_destroy (window);
}

static void
test_code_view_files (void)
{
  g_autoptr(FragFragment) fragment = load_fixture ("static-site.json");
  FragCodeView *view = FRAG_CODE_VIEW (frag_code_view_new ());
  GtkWindow *window = window_with (GTK_WIDGET (view));
  g_autoptr(GPtrArray) files = NULL;
  GtkSourceView *source_view;
  GtkWidget *file_chooser;
  GtkSourceBuffer *buffer;
  GtkTextIter end;

  frag_code_view_set_fragment (view, fragment);
  source_view = GTK_SOURCE_VIEW (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                                FRAG_TYPE_CODE_VIEW,
                                                                "source_view"));
  file_chooser = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), FRAG_TYPE_CODE_VIEW,
                                                            "file_chooser"));

  /* The `files` extension wins over file_path/code; the first file shows first. */
  g_assert_true (gtk_widget_get_visible (file_chooser));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (file_chooser))),
                    ==, 3);
  g_assert_cmpstr (language_id (frag_code_view_get_buffer (view)), ==, "html");
  g_assert_cmpuint (gtk_source_view_get_tab_width (source_view), ==, 2);

  g_assert_true (frag_code_view_select_file (view, "counter.js"));
  g_assert_cmpstr (language_id (frag_code_view_get_buffer (view)), ==, "js");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (file_chooser)), ==, 2);
  g_assert_false (frag_code_view_select_file (view, "missing.js"));

  /* Picking a file in the drop-down shows it. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (file_chooser), 1);
  g_assert_cmpstr (language_id (frag_code_view_get_buffer (view)), ==, "css");

  /* Edits stay with their file across switches, and come back in dup_files(). */
  buffer = frag_code_view_get_buffer (view);
  gtk_text_buffer_get_end_iter (GTK_TEXT_BUFFER (buffer), &end);
  gtk_text_buffer_insert (GTK_TEXT_BUFFER (buffer), &end, "button { color: red; }\n", -1);
  g_assert_true (frag_code_view_select_file (view, "index.html"));

  files = frag_code_view_dup_files (view);
  g_assert_cmpuint (files->len, ==, 3);
  g_assert_cmpstr (((FragFragmentFile *)files->pdata[0])->file_path, ==, "index.html");
  g_assert_cmpstr (((FragFragmentFile *)files->pdata[1])->file_path, ==, "style.css");
  g_assert_true (g_str_has_suffix (((FragFragmentFile *)files->pdata[1])->code,
                                   "}\nbutton { color: red; }\n"));
  g_assert_cmpstr (((FragFragmentFile *)files->pdata[2])->code, ==,
                   ((FragFragmentFile *)g_ptr_array_index (frag_fragment_get_files (fragment), 2))->code);

  /* A second fragment replaces all files. */
  {
    g_autoptr(FragFragment) single = load_fixture ("hello-plot.json");
    g_autoptr(GPtrArray) now = NULL;

    frag_code_view_set_fragment (view, single);
    now = frag_code_view_dup_files (view);
    g_assert_cmpuint (now->len, ==, 1);
    g_assert_false (gtk_widget_get_visible (file_chooser));
    g_assert_cmpstr (language_id (frag_code_view_get_buffer (view)), ==, "python3");
  }

  gtk_window_destroy (window);
}

/* The editor's colours follow libadwaita's light/dark style. */
static void
test_code_view_style_scheme (void)
{
  g_autoptr(FragFragment) fragment = load_fixture ("hello-plot.json");
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  FragCodeView *view = FRAG_CODE_VIEW (frag_code_view_new ());
  GtkWindow *window = window_with (GTK_WIDGET (view));
  GtkSourceStyleScheme *scheme;

  frag_code_view_set_fragment (view, fragment);

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  scheme = gtk_source_buffer_get_style_scheme (frag_code_view_get_buffer (view));
  g_assert_cmpstr (gtk_source_style_scheme_get_id (scheme), ==, "Adwaita-dark");

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  scheme = gtk_source_buffer_get_style_scheme (frag_code_view_get_buffer (view));
  g_assert_cmpstr (gtk_source_style_scheme_get_id (scheme), ==, "Adwaita");

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (window);
}

static void
count_notify_cb (guint *count)
{
  (*count)++;
}

static void
test_fragment_view_states (void)
{
  g_autoptr(FragFragment) fragment = load_fixture ("hello-plot.json");
  FragFragmentView *view = FRAG_FRAGMENT_VIEW (frag_fragment_view_new ());
  GtkWindow *window = window_with (GTK_WIDGET (view));
  AdwStatusPage *error_page;
  guint notifications = 0;

  g_signal_connect_swapped (view, "notify::state", G_CALLBACK (count_notify_cb), &notifications);
  g_assert_cmpint (frag_fragment_view_get_state (view), ==, FRAG_FRAGMENT_VIEW_EMPTY);

  frag_fragment_view_set_fragment (view, fragment);
  g_assert_cmpint (frag_fragment_view_get_state (view), ==, FRAG_FRAGMENT_VIEW_FRAGMENT);
  g_assert_true (frag_fragment_view_get_fragment (view) == fragment);

  /* Markup in a message is shown as text, not interpreted. */
  frag_fragment_view_show_error (view, "Headline", "bad <b>&</b> input");
  g_assert_cmpint (frag_fragment_view_get_state (view), ==, FRAG_FRAGMENT_VIEW_ERROR);
  error_page = ADW_STATUS_PAGE (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                               FRAG_TYPE_FRAGMENT_VIEW,
                                                               "error_page"));
  g_assert_cmpstr (adw_status_page_get_title (error_page), ==, "Headline");
  g_assert_cmpstr (adw_status_page_get_description (error_page), ==,
                   "bad &lt;b&gt;&amp;&lt;/b&gt; input");
  g_assert_cmpstr (frag_fragment_view_get_error_detail (view), ==, "bad <b>&</b> input");
  g_assert_true (frag_fragment_view_get_fragment (view) == fragment);

  /* A new fragment replaces the error page. */
  frag_fragment_view_set_fragment (view, fragment);
  g_assert_cmpint (frag_fragment_view_get_state (view), ==, FRAG_FRAGMENT_VIEW_FRAGMENT);
  g_assert_null (frag_fragment_view_get_error_headline (view));
  /* empty → fragment → error → fragment, each notified once. */
  g_assert_cmpuint (notifications, ==, 3);

  gtk_window_destroy (window);
}

static gboolean
preview_has_web_view (gpointer data)
{
  return frag_web_preview_get_web_view (data) != NULL;
}

/* load_uri() makes the view even before the preview is shown, and a page's
 * navigation off the allowed origin is refused. */
static void
test_web_preview_load_and_clear (void)
{
  FragWebPreview *preview = FRAG_WEB_PREVIEW (frag_web_preview_new ());
  WebKitWebView *web_view;
  GtkStack *stack;

  g_object_ref_sink (preview);
  g_assert_null (frag_web_preview_get_web_view (preview));
  frag_web_preview_load_uri (preview, "http://127.0.0.1:9/");
  g_assert_true (preview_has_web_view (preview));
  g_assert_cmpstr (frag_web_preview_get_uri (preview), ==, "http://127.0.0.1:9/");

  frag_web_preview_clear (preview);
  g_assert_null (frag_web_preview_get_uri (preview));
  stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (preview), FRAG_TYPE_WEB_PREVIEW,
                                                    "stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "idle");

  /* The view goes with its preview. */
  web_view = frag_web_preview_get_web_view (preview);
  g_object_add_weak_pointer (G_OBJECT (web_view), (gpointer *)&web_view);
  g_object_unref (preview);
  g_assert_null (web_view);
}

/* Pages the loopback servers serve. The start page tries to leave for the other server
 * (another origin, which answers fine, so only the policy can stop it), then follows a
 * same-origin link. The start page's script is a format: %s is the other origin's URI. */
static const char start_page[] =
  "<!DOCTYPE html><html><head><title>start</title></head><body><script>"
  "window.addEventListener('load', () => {"
  "  location.href = '%s';"
  "  setTimeout(() => { document.title = 'stayed'; location.href = '/second'; }, 300);"
  "});"
  "</script></body></html>";
static const char second_page[] =
  "<!DOCTYPE html><html><head><title>second</title></head><body>second</body></html>";
static const char elsewhere_page[] =
  "<!DOCTYPE html><html><head><title>escaped</title></head><body>escaped</body></html>";

static void
serve_page_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  const char *other_origin = user_data;
  g_autofree char *body = NULL;

  if (other_origin == NULL)
    body = g_strdup (elsewhere_page);
  else if (g_str_equal (path, "/second"))
    body = g_strdup (second_page);
  else
    body = g_strdup_printf (start_page, other_origin);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY, body, strlen (body));
}

static char *
listen_on_loopback (SoupServer *server)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  char *uri;

  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  return uri;
}

typedef struct
{
  GPtrArray *titles;   /* every title the page had, in order */
} TitleLog;

static void
on_title_cb (WebKitWebView *web_view,
             GParamSpec    *pspec,
             TitleLog      *log)
{
  const char *title = webkit_web_view_get_title (web_view);

  if (title != NULL && *title != '\0')
    g_ptr_array_add (log->titles, g_strdup (title));
}

/* The page settled: on the second page, or (if the policy let it out) elsewhere. */
static gboolean
page_settled (gpointer data)
{
  TitleLog *log = data;
  const char *last;

  if (log->titles->len == 0)
    return FALSE;

  last = g_ptr_array_index (log->titles, log->titles->len - 1);
  return g_str_equal (last, "second") || g_str_equal (last, "escaped");
}

static void
test_web_preview_navigation_policy (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(SoupServer) other_server = soup_server_new (NULL, NULL);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *other_uri = NULL;
  g_autofree char *start_uri = NULL;
  g_autofree char *second_uri = NULL;
  FragWebPreview *preview = FRAG_WEB_PREVIEW (frag_web_preview_new ());
  GtkWindow *window = window_with (GTK_WIDGET (preview));
  TitleLog log = { titles };
  WebKitWebView *web_view;
  GtkStack *stack;

  soup_server_add_handler (other_server, NULL, serve_page_cb, NULL, NULL);
  other_uri = listen_on_loopback (other_server);
  soup_server_add_handler (server, NULL, serve_page_cb, other_uri, NULL);
  start_uri = listen_on_loopback (server);
  second_uri = g_strconcat (start_uri, "second", NULL);

  frag_web_preview_load_uri (preview, start_uri);
  web_view = frag_web_preview_get_web_view (preview);
  g_signal_connect (web_view, "notify::title", G_CALLBACK (on_title_cb), &log);

  g_assert_true (ui_test_wait_for (page_settled, &log, 30000));
  /* The off-origin navigation was refused: the page was still there to set its title
   * and follow its same-origin link. */
  g_assert_cmpuint (titles->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, "start");
  g_assert_cmpstr (g_ptr_array_index (titles, 1), ==, "stayed");
  g_assert_cmpstr (webkit_web_view_get_uri (web_view), ==, second_uri);

  stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (preview), FRAG_TYPE_WEB_PREVIEW,
                                                    "stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "web");

  g_signal_handlers_disconnect_by_func (web_view, on_title_cb, &log);
  gtk_window_destroy (window);
}

static void
test_error_headlines (void)
{
  struct
  {
    GQuark      domain;
    int         code;
    const char *headline;
  } cases[] = {
    { FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_INVALID_JSON, "Not a Fragment File" },
    { FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_MISSING_FIELD, "Incomplete Fragment" },
    { FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH, "Unsafe File Path" },
    { FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_UNKNOWN_TEMPLATE, "Unknown Template" },
    { FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_EMPTY_CODE, "Fragment Has No Code" },
    { FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_AUTH, "API Key Rejected" },
    { FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_RATE_LIMITED, "Rate Limit Reached" },
    { FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_MISSING_RUNTIME, "Runtime Not Installed" },
    { FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_TOO_NEW, "History From a Newer Version" },
    { FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_LOCKED, "Keyring Locked" },
    { G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "File Not Found" },
    { G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "Permission Denied" },
    { G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Could Not Read File" },
    { G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "Something Went Wrong" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain, cases[i].code, "detail");

      g_assert_cmpstr (frag_error_headline (error), ==, cases[i].headline);
    }
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init_environment ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  adw_init ();
  gtk_source_init ();

  g_test_add_func ("/ui/code-view/language-for-path", test_code_view_language_for_path);
  g_test_add_func ("/ui/code-view/single-file", test_code_view_single_file);
  g_test_add_func ("/ui/code-view/files", test_code_view_files);
  g_test_add_func ("/ui/code-view/style-scheme", test_code_view_style_scheme);
  g_test_add_func ("/ui/fragment-view/states", test_fragment_view_states);
  g_test_add_func ("/ui/web-preview/load-and-clear", test_web_preview_load_and_clear);
  g_test_add_func ("/ui/web-preview/navigation-policy", test_web_preview_navigation_policy);
  g_test_add_func ("/ui/error-headline/by-domain-and-code", test_error_headlines);

  return g_test_run ();
}
