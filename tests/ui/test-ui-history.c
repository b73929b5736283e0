/* test-ui-history.c: the history sidebar on the real store, opened by the application
 * at its default path under an isolated XDG_DATA_HOME and filled through the
 * FragHistory API: listing, search with snippets, opening, rename, delete and Undo.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "frag-application.h"
#include "frag-history-format.h"
#include "frag-history-row.h"
#include "frag-history-sidebar.h"
#include "frag-memory-keyring.h"
#include "frag-window.h"
#include "ui-test-util.h"

static FragApplication *app;

/* Titles and texts that would be markup if anything took them as such. */
#define OLD_TITLE "Zebra <b>plots</b> & charts"
#define OLD_TEXT  "Draw a <b>chart</b> & a plot of zebra sightings"
#define NEW_TITLE "Weather dashboard"
#define NEW_TEXT  "Show the weather for Lisbon"

/* ---- synchronous helpers over the async store API ------------------------------ */

typedef struct
{
  GAsyncResult *result;
} AsyncWait;

static void
on_async_done_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ((AsyncWait *)user_data)->result = g_object_ref (result);
}

static gboolean
async_is_done (gpointer data)
{
  return ((AsyncWait *)data)->result != NULL;
}

static gboolean
history_is_open (gpointer data)
{
  return frag_application_get_history (app) != NULL;
}

static FragHistory *
history (void)
{
  g_assert_true (ui_test_wait_for (history_is_open, NULL, 10000));
  return frag_application_get_history (app);
}

static GListModel *
list_stored (void)
{
  AsyncWait wait = { NULL };
  g_autoptr(GError) error = NULL;
  GListModel *model;

  frag_history_list_conversations_async (history (), 0, 1000, NULL, on_async_done_cb, &wait);
  g_assert_true (ui_test_wait_for (async_is_done, &wait, 10000));
  model = frag_history_list_conversations_finish (history (), wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return model;
}

static gint64
store_conversation (const char *title,
                    const char *text)
{
  AsyncWait wait = { NULL };
  g_autoptr(GError) error = NULL;
  gint64 id;

  frag_history_create_conversation_async (history (), title, "gpt-test", "auto", NULL,
                                          on_async_done_cb, &wait);
  g_assert_true (ui_test_wait_for (async_is_done, &wait, 10000));
  id = frag_history_create_conversation_finish (history (), wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  frag_history_append_user_message_async (history (), id, text, NULL, NULL, on_async_done_cb, &wait);
  g_assert_true (ui_test_wait_for (async_is_done, &wait, 10000));
  g_assert_cmpint (frag_history_append_user_message_finish (history (), wait.result, &error), >, 0);
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  return id;
}

/* Two conversations, the newest first: ids[0] = NEW_TITLE, ids[1] = OLD_TITLE. */
static void
populate (gint64 ids[2])
{
  g_autoptr(GListModel) existing = list_stored ();

  for (guint i = 0; i < g_list_model_get_n_items (existing); i++)
    {
      g_autoptr(FragConversationInfo) info = g_list_model_get_item (existing, i);
      AsyncWait wait = { NULL };
      g_autoptr(GError) error = NULL;

      frag_history_delete_conversation_async (history (), frag_conversation_info_get_id (info),
                                              NULL, on_async_done_cb, &wait);
      g_assert_true (ui_test_wait_for (async_is_done, &wait, 10000));
      g_assert_true (frag_history_delete_conversation_finish (history (), wait.result, &error));
      g_assert_no_error (error);
      g_object_unref (wait.result);
    }

  if (ids == NULL)
    return;
  ids[1] = store_conversation (OLD_TITLE, OLD_TEXT);
  ids[0] = store_conversation (NEW_TITLE, NEW_TEXT);
}

/* ---- the window and its sidebar -------------------------------------------------- */

static gboolean
has_conversation (gpointer data)
{
  return frag_window_get_conversation (data) != NULL;
}

static FragWindow *
new_window (void)
{
  FragWindow *window = frag_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (has_conversation, window, 10000));
  return window;
}

static FragHistorySidebar *
sidebar (FragWindow *window)
{
  return FRAG_HISTORY_SIDEBAR (gtk_widget_get_template_child (GTK_WIDGET (window), FRAG_TYPE_WINDOW,
                                                              "history_sidebar"));
}

static GObject *
sidebar_child (FragWindow *window,
               const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (sidebar (window)), FRAG_TYPE_HISTORY_SIDEBAR, name);
}

static GListModel *
shown_list (FragWindow *window)
{
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (sidebar_child (window, "list_view"))));
}

static GListModel *
shown_results (FragWindow *window)
{
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (sidebar_child (window, "results_view"))));
}

static const char *
visible_page (FragWindow *window)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (sidebar_child (window, "stack")));
}

typedef struct
{
  FragWindow *window;
  guint       n_items;
  const char *page;
} ListWait;

static gboolean
list_has (gpointer data)
{
  ListWait *wait = data;

  return g_list_model_get_n_items (shown_list (wait->window)) == wait->n_items
         && g_strcmp0 (visible_page (wait->window), wait->page) == 0;
}

static void
wait_for_list (FragWindow *window,
               guint       n_items,
               const char *page)
{
  ListWait wait = { window, n_items, page };

  g_assert_true (ui_test_wait_for (list_has, &wait, 10000));
}

static gint64
shown_id (GListModel *model,
          guint       position)
{
  g_autoptr(GObject) item = g_list_model_get_item (model, position);

  if (FRAG_IS_SEARCH_HIT (item))
    return frag_conversation_info_get_id (frag_search_hit_get_conversation (FRAG_SEARCH_HIT (item)));
  return frag_conversation_info_get_id (FRAG_CONVERSATION_INFO (item));
}

static char *
shown_title (GListModel *model,
             guint       position)
{
  g_autoptr(FragConversationInfo) info = g_list_model_get_item (model, position);

  return g_strdup (frag_conversation_info_get_title (info));
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (FRAG_IS_HISTORY_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* The row of the list view list_name showing conversation id, once it is drawn. */
typedef struct
{
  GtkWidget *view;
  gint64     id;
  GtkWidget *row;
} RowWait;

static gboolean
row_is_there (gpointer data)
{
  RowWait *wait = data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (wait->view, rows);
  for (guint i = 0; i < rows->len; i++)
    if (frag_history_row_get_id (g_ptr_array_index (rows, i)) == wait->id)
      {
        wait->row = g_ptr_array_index (rows, i);
        return TRUE;
      }
  return FALSE;
}

static GtkLabel *
row_label (GtkWidget  *row,
           const char *name)
{
  return GTK_LABEL (gtk_widget_get_template_child (row, FRAG_TYPE_HISTORY_ROW, name));
}

static GtkWidget *
find_row (FragWindow *window,
          const char *list_name,
          gint64      id)
{
  RowWait wait = { GTK_WIDGET (sidebar_child (window, list_name)), id, NULL };

  g_assert_true (ui_test_wait_for (row_is_there, &wait, 10000));
  return wait.row;
}

/* ---- formatting ----------------------------------------------------------------- */

static void
test_format_relative_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 3, 12, 15, 0, 0);
  struct { GTimeSpan ago; const char *expected; } cases[] = {
    { 30 * G_TIME_SPAN_SECOND, "Just now" },
    { -5 * G_TIME_SPAN_SECOND, "Just now" },
    { 5 * G_TIME_SPAN_MINUTE, "5 min ago" },
    { 2 * G_TIME_SPAN_HOUR, "13:00" },
    { 15 * G_TIME_SPAN_HOUR + 10 * G_TIME_SPAN_MINUTE, "Yesterday" },
    { 3 * G_TIME_SPAN_DAY, "Monday" },
    { 30 * G_TIME_SPAN_DAY, "February 10" },
    { 400 * G_TIME_SPAN_DAY, "February 5, 2025" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) then = g_date_time_add (now, -cases[i].ago);
      g_autofree char *text = frag_history_format_relative_time (g_date_time_to_unix (then) * G_USEC_PER_SEC,
                                                                 now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_format_snippet (void)
{
  struct { const char *snippet; const char *markup; const char *text; } cases[] = {
    { "plain", "plain", "plain" },
    { "a \002zebra\003 & <b>x</b>", "a <b>zebra</b> &amp; &lt;b&gt;x&lt;/b&gt;", "a zebra & <b>x</b>" },
    { "\002<i>\003", "<b>&lt;i&gt;</b>", "<i>" },
    /* Unbalanced markers from a truncated snippet still give valid markup. */
    { "end \002open", "end <b>open</b>", "end open" },
    { "stray\003 end", "stray end", "stray end" },
    { "", "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = frag_history_format_snippet (cases[i].snippet);
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (markup, ==, cases[i].markup);
      g_assert_true (pango_parse_markup (markup, -1, 0, NULL, &text, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* ---- the sidebar ---------------------------------------------------------------- */

static void
test_sidebar_empty (void)
{
  FragWindow *window;

  populate (NULL);
  window = new_window ();
  wait_for_list (window, 0, "empty");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Most recent first; titles are text, never markup. */
static void
test_sidebar_lists (void)
{
  gint64 ids[2];
  FragWindow *window;
  GtkWidget *row;
  g_autofree char *first = NULL;

  populate (ids);
  window = new_window ();
  wait_for_list (window, 2, "list");

  g_assert_cmpint (shown_id (shown_list (window), 0), ==, ids[0]);
  g_assert_cmpint (shown_id (shown_list (window), 1), ==, ids[1]);
  first = shown_title (shown_list (window), 0);
  g_assert_cmpstr (first, ==, NEW_TITLE);

  row = find_row (window, "list_view", ids[1]);
  g_assert_cmpstr (gtk_label_get_text (row_label (row, "title_label")), ==, OLD_TITLE);
  g_assert_false (gtk_label_get_use_markup (row_label (row, "title_label")));
  g_assert_cmpstr (gtk_label_get_text (row_label (row, "subtitle_label")), ==, "Just now · gpt-test");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (row_label (row, "snippet_label"))));

  /* A new conversation stored by the window shows up without asking. */
  {
    gint64 third = store_conversation ("Third", "Another one");

    frag_history_sidebar_reload (sidebar (window));
    wait_for_list (window, 3, "list");
    g_assert_cmpint (shown_id (shown_list (window), 0), ==, third);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  FragWindow *window;
  const char *page;
} PageWait;

static gboolean
page_is (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (visible_page (wait->window), wait->page) == 0;
}

static void
wait_for_page (FragWindow *window,
               const char *page)
{
  PageWait wait = { window, page };

  g_assert_true (ui_test_wait_for (page_is, &wait, 10000));
}

/* Typing searches (debounced); hits show their snippet with the match in bold and
 * everything else as typed; no hits is "No Results"; Escape goes back to the list. */
static void
test_sidebar_search (void)
{
  gint64 ids[2];
  FragWindow *window;
  GtkEditable *entry;
  GtkWidget *row;
  GtkLabel *snippet;

  populate (ids);
  window = new_window ();
  wait_for_list (window, 2, "list");
  entry = GTK_EDITABLE (sidebar_child (window, "search_entry"));

  /* Ctrl+F's action focuses the entry. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search-history", NULL));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (entry))
                 || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (entry)));

  gtk_editable_set_text (entry, "zebr");
  wait_for_page (window, "results");
  g_assert_cmpuint (g_list_model_get_n_items (shown_results (window)), ==, 1);
  g_assert_cmpint (shown_id (shown_results (window), 0), ==, ids[1]);

  row = find_row (window, "results_view", ids[1]);
  g_assert_cmpstr (gtk_label_get_text (row_label (row, "title_label")), ==, OLD_TITLE);
  snippet = row_label (row, "snippet_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (snippet)));
  g_assert_true (gtk_label_get_use_markup (snippet));
  /* The best match is the title: shown as typed, only the matched word in bold. */
  g_assert_cmpstr (gtk_label_get_text (snippet), ==, OLD_TITLE);
  g_assert_cmpstr (gtk_label_get_label (snippet), ==, "<b>Zebra</b> &lt;b&gt;plots&lt;/b&gt; &amp; charts");

  /* A match in a message: its text around the match, markup characters kept as text. */
  gtk_editable_set_text (entry, "sightings");
  wait_for_page (window, "results");
  g_assert_cmpint (shown_id (shown_results (window), 0), ==, ids[1]);
  row = find_row (window, "results_view", ids[1]);
  snippet = row_label (row, "snippet_label");
  g_assert_nonnull (strstr (gtk_label_get_text (snippet), "<b>chart</b> & a plot"));
  g_assert_nonnull (strstr (gtk_label_get_label (snippet), "<b>sightings</b>"));
  g_assert_null (strchr (gtk_label_get_text (snippet), '\002'));

  gtk_editable_set_text (entry, "nothingmatchesthis");
  wait_for_page (window, "no-results");

  /* The markup-looking title is searchable as text and comes back literally. */
  gtk_editable_set_text (entry, "<b>plots</b> &");
  wait_for_page (window, "results");
  g_assert_cmpint (shown_id (shown_results (window), 0), ==, ids[1]);

  g_signal_emit_by_name (entry, "stop-search");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  wait_for_page (window, "list");

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  FragWindow *window;
  gint64      id;
  guint       n_messages;
} LoadWait;

static gboolean
conversation_is_loaded (gpointer data)
{
  LoadWait *wait = data;
  FragConversation *conversation = frag_window_get_conversation (wait->window);

  return conversation != NULL && frag_conversation_get_id (conversation) == wait->id
         && g_list_model_get_n_items (frag_conversation_get_messages (conversation)) == wait->n_messages;
}

static void
select_id (FragWindow *window,
           gint64      id)
{
  GListModel *model = shown_list (window);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (shown_id (model, i) == id)
      {
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), i, TRUE);
        return;
      }
  g_assert_not_reached ();
}

static gboolean
row_1_is_selected (gpointer data)
{
  return gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (shown_list (data))) == 1;
}

/* Choosing a row loads that conversation into the chat. */
static void
test_sidebar_select_loads (void)
{
  gint64 ids[2];
  FragWindow *window;
  LoadWait wait;
  g_autoptr(FragMessage) message = NULL;

  populate (ids);
  window = new_window ();
  wait_for_list (window, 2, "list");

  select_id (window, ids[1]);
  wait = (LoadWait) { window, ids[1], 1 };
  g_assert_true (ui_test_wait_for (conversation_is_loaded, &wait, 10000));
  message = g_list_model_get_item (frag_conversation_get_messages (frag_window_get_conversation (window)), 0);
  g_assert_cmpstr (frag_message_get_text (message), ==, OLD_TEXT);

  /* The open conversation is the selected row. */
  g_assert_true (ui_test_wait_for (row_1_is_selected, window, 10000));

  /* And the other one. */
  select_id (window, ids[0]);
  wait = (LoadWait) { window, ids[0], 1 };
  g_assert_true (ui_test_wait_for (conversation_is_loaded, &wait, 10000));

  gtk_window_destroy (GTK_WINDOW (window));
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* borrowed */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

typedef struct
{
  FragWindow *window;
  gint64      id;
  const char *title;
} TitleWait;

static gboolean
title_is (gpointer data)
{
  TitleWait *wait = data;
  GListModel *model = shown_list (wait->window);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (shown_id (model, i) == wait->id)
      {
        g_autofree char *title = shown_title (model, i);

        return g_strcmp0 (title, wait->title) == 0;
      }
  return FALSE;
}

/* Rename… asks for the title in a dialog; an empty one cannot be saved. */
static void
test_sidebar_rename (void)
{
  gint64 ids[2];
  FragWindow *window;
  AdwMessageDialog *dialog;
  GtkEditable *entry;
  TitleWait wait;

  populate (ids);
  window = new_window ();
  wait_for_list (window, 2, "list");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar (window)), "history.rename", "x", ids[1]));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, OLD_TITLE);

  gtk_editable_set_text (entry, "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  gtk_editable_set_text (entry, "Renamed <i>it</i> & more");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rename"));
  adw_message_dialog_response (dialog, "rename");

  wait = (TitleWait) { window, ids[1], "Renamed <i>it</i> & more" };
  g_assert_true (ui_test_wait_for (title_is, &wait, 10000));
  {
    GtkWidget *row = find_row (window, "list_view", ids[1]);

    g_assert_cmpstr (gtk_label_get_text (row_label (row, "title_label")), ==, "Renamed <i>it</i> & more");
  }

  /* Cancel changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar (window)), "history.rename", "x", ids[0]));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Never saved");
  adw_message_dialog_response (dialog, "cancel");
  frag_history_sidebar_reload (sidebar (window));
  wait = (TitleWait) { window, ids[0], NEW_TITLE };
  g_assert_true (ui_test_wait_for (title_is, &wait, 10000));

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  gint64 id;
  gboolean present;
} StoredWait;

static gboolean
stored_is (gpointer data)
{
  StoredWait *wait = data;
  g_autoptr(GListModel) stored = list_stored ();

  for (guint i = 0; i < g_list_model_get_n_items (stored); i++)
    if (shown_id (stored, i) == wait->id)
      return wait->present;
  return !wait->present;
}

static gboolean
conversation_is_new (gpointer data)
{
  FragConversation *conversation = frag_window_get_conversation (data);

  return conversation != NULL && frag_conversation_get_id (conversation) == 0;
}

/* Delete hides the row at once with an Undo toast; Undo brings it back; the delete is
 * made when the toast goes (here: a second delete, and closing the window). Deleting the
 * open conversation starts a new one. */
static void
test_sidebar_delete (void)
{
  gint64 ids[2];
  FragWindow *window;
  LoadWait load;
  StoredWait stored;

  populate (ids);
  window = new_window ();
  wait_for_list (window, 2, "list");

  select_id (window, ids[1]);
  load = (LoadWait) { window, ids[1], 1 };
  g_assert_true (ui_test_wait_for (conversation_is_loaded, &load, 10000));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar (window)), "history.delete", "x", ids[1]));
  wait_for_list (window, 1, "list");
  g_assert_cmpint (shown_id (shown_list (window), 0), ==, ids[0]);
  g_assert_true (ui_test_wait_for (conversation_is_new, window, 10000));

  /* Undo. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar (window)), "history.undo-delete", NULL));
  wait_for_list (window, 2, "list");
  stored = (StoredWait) { ids[1], TRUE };
  g_assert_true (stored_is (&stored));

  /* Delete one, then the other: the first is deleted for good, the second waits. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar (window)), "history.delete", "x", ids[1]));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar (window)), "history.delete", "x", ids[0]));
  wait_for_list (window, 0, "empty");
  stored = (StoredWait) { ids[1], FALSE };
  g_assert_true (ui_test_wait_for (stored_is, &stored, 10000));
  stored = (StoredWait) { ids[0], TRUE };
  g_assert_true (stored_is (&stored));

  /* Closing the window does not undo the pending one. */
  gtk_window_destroy (GTK_WINDOW (window));
  stored = (StoredWait) { ids[0], FALSE };
  g_assert_true (ui_test_wait_for (stored_is, &stored, 10000));
}

/* F9's action shows and hides the sidebar. */
static void
test_sidebar_toggle (void)
{
  FragWindow *window = new_window ();
  AdwFlap *flap = ADW_FLAP (gtk_widget_get_template_child (GTK_WIDGET (window), FRAG_TYPE_WINDOW, "flap"));
  gboolean revealed = adw_flap_get_reveal_flap (flap);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-history", NULL));
  g_assert_true (adw_flap_get_reveal_flap (flap) != revealed);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-history", NULL));
  g_assert_true (adw_flap_get_reveal_flap (flap) == revealed);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  GtkLabel   *label;
  const char *text;
} LabelWait;

static gboolean
label_is (gpointer data)
{
  LabelWait *wait = data;

  return g_strcmp0 (gtk_label_get_text (wait->label), wait->text) == 0;
}

/* While shown, the sidebar formats the rows' relative times again on a timer (every
 * minute; short here); hidden, it does not wake up. */
static void
test_sidebar_refreshes_times (void)
{
  gint64 ids[2];
  FragWindow *window;
  AdwFlap *flap;
  GtkWidget *row;
  LabelWait wait;

  populate (ids);
  window = new_window ();
  flap = ADW_FLAP (gtk_widget_get_template_child (GTK_WIDGET (window), FRAG_TYPE_WINDOW, "flap"));
  adw_flap_set_reveal_flap (flap, TRUE);
  wait_for_list (window, 2, "list");
  g_assert_true (frag_history_sidebar_get_refreshing (sidebar (window)));
  frag_history_sidebar_set_refresh_interval (sidebar (window), 20);

  /* A stale text is replaced by the formatted time at the next tick. */
  row = find_row (window, "list_view", ids[1]);
  gtk_label_set_text (row_label (row, "subtitle_label"), "stale");
  wait = (LabelWait) { row_label (row, "subtitle_label"), "Just now · gpt-test" };
  g_assert_true (ui_test_wait_for (label_is, &wait, 5000));

  /* Hidden: no timer. */
  gtk_widget_set_visible (GTK_WIDGET (sidebar (window)), FALSE);
  g_assert_false (frag_history_sidebar_get_refreshing (sidebar (window)));
  gtk_widget_set_visible (GTK_WIDGET (sidebar (window)), TRUE);
  g_assert_true (frag_history_sidebar_get_refreshing (sidebar (window)));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(FragMemoryKeyring) keyring = NULL;
  g_autofree char *home = NULL;
  int status;

  home = ui_test_isolate_home ();
  ui_test_init_environment ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  settings = g_settings_new ("io.github.fragmentstudio.FragmentStudio");
  g_settings_set_string (settings, "sandbox-backend", "local");

  keyring = frag_memory_keyring_new ();
  app = frag_application_new (APP_ID ".HistoryTest", G_APPLICATION_NON_UNIQUE);
  frag_application_set_keyring (app, FRAG_KEYRING (keyring));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/ui/history/format/relative-time", test_format_relative_time);
  g_test_add_func ("/ui/history/format/snippet", test_format_snippet);
  g_test_add_func ("/ui/history/sidebar/empty", test_sidebar_empty);
  g_test_add_func ("/ui/history/sidebar/lists", test_sidebar_lists);
  g_test_add_func ("/ui/history/sidebar/search", test_sidebar_search);
  g_test_add_func ("/ui/history/sidebar/select-loads", test_sidebar_select_loads);
  g_test_add_func ("/ui/history/sidebar/rename", test_sidebar_rename);
  g_test_add_func ("/ui/history/sidebar/delete", test_sidebar_delete);
  g_test_add_func ("/ui/history/sidebar/toggle", test_sidebar_toggle);
  g_test_add_func ("/ui/history/sidebar/refreshes-times", test_sidebar_refreshes_times);

  status = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);

  {
    g_autoptr(GFile) root = g_file_new_for_path (home);

    ui_test_remove_tree (root);
  }

  return status;
}
