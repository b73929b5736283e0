/* frag-history-sidebar.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-sidebar"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "frag-history-row.h"
#include "frag-history-sidebar.h"

/* The sidebar shows at most this many conversations (most recent first) and search
 * hits: enough to scroll through, little enough to re-query after every turn. */
#define LIST_LIMIT   500
#define SEARCH_LIMIT 100

struct _FragHistorySidebar
{
  GtkWidget           parent_instance;

  /* Template widgets */
  AdwToastOverlay    *toast_overlay;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;
  GtkListView        *results_view;

  /* Owned */
  FragHistory        *history;
  FragConversation   *conversation;
  GtkCustomFilter    *hidden_filter;      /* hides deleted (or pending-delete) rows */
  GtkFilterListModel *conversations;      /* of FragConversationInfo */
  GtkFilterListModel *results;            /* of FragSearchHit */
  GtkSingleSelection *list_selection;
  GtkSingleSelection *results_selection;
  GHashTable         *hidden_ids;         /* gint64* set */
  GCancellable       *cancellable;        /* rename, delete; cancelled in dispose */
  GCancellable       *list_cancellable;   /* the newest list query */
  GCancellable       *search_cancellable; /* the newest search */
  AdwToast           *pending_toast;      /* the Undo toast of pending_delete_id */
  gint64              pending_delete_id;  /* hidden, deleted when its toast goes */
  gint64              current_id;         /* the window's conversation, 0 if unstored */
  gboolean            loaded;             /* the first list arrived */
  gboolean            syncing;            /* selection changed by us, not the user */
  guint               refresh_id;         /* the relative-times timeout, while mapped */
  guint               refresh_interval_ms;
};

#define REFRESH_INTERVAL_MS (60 * 1000)

G_DEFINE_FINAL_TYPE (FragHistorySidebar, frag_history_sidebar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HISTORY,
  PROP_CONVERSATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static FragConversationInfo *
item_info (gpointer item)
{
  if (FRAG_IS_SEARCH_HIT (item))
    return frag_search_hit_get_conversation (item);
  return FRAG_CONVERSATION_INFO (item);
}

static gboolean
is_shown_cb (gpointer item,
             gpointer user_data)
{
  FragHistorySidebar *self = user_data;
  gint64 id = frag_conversation_info_get_id (item_info (item));

  return !g_hash_table_contains (self->hidden_ids, &id);
}

static void
hide_id (FragHistorySidebar *self,
         gint64              id,
         gboolean            hidden)
{
  if (hidden)
    {
      g_hash_table_add (self->hidden_ids, g_memdup2 (&id, sizeof id));
      gtk_filter_changed (GTK_FILTER (self->hidden_filter), GTK_FILTER_CHANGE_MORE_STRICT);
    }
  else if (g_hash_table_remove (self->hidden_ids, &id))
    {
      gtk_filter_changed (GTK_FILTER (self->hidden_filter), GTK_FILTER_CHANGE_LESS_STRICT);
    }
}

static void
show_error (FragHistorySidebar *self,
            const char         *headline,
            const GError       *error)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", headline, error->message);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (markup);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
is_searching (FragHistorySidebar *self)
{
  return *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';
}

/* Which page the stack shows follows from the search text and the two models. */
static void
update_page (FragHistorySidebar *self)
{
  const char *page;

  if (is_searching (self))
    {
      /* Until the first hits arrive the previous page stays, rather than flashing
       * "No Results" while the user is still typing. */
      if (gtk_filter_list_model_get_model (self->results) == NULL)
        return;
      page = g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0 ? "results" : "no-results";
    }
  else
    {
      page = !self->loaded || g_list_model_get_n_items (G_LIST_MODEL (self->conversations)) > 0
             ? "list" : "empty";
    }

  gtk_stack_set_visible_child_name (self->stack, page);
}

/* The window's conversation is the selected row; any other row is not. */
static void
sync_selection (FragHistorySidebar *self)
{
  GListModel *model = G_LIST_MODEL (self->list_selection);
  guint position = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; self->current_id > 0 && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FragConversationInfo) info = g_list_model_get_item (model, i);

      if (frag_conversation_info_get_id (info) == self->current_id)
        {
          position = i;
          break;
        }
    }

  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->list_selection, position);
  self->syncing = FALSE;
}

static gboolean
model_has_id (GListModel *model,
              gint64      id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (frag_conversation_info_get_id (item_info (item)) == id)
        return TRUE;
    }
  return FALSE;
}

static void
on_list_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) gone = NULL;
  FragHistorySidebar *self;
  GHashTableIter iter;
  gint64 *id;

  model = frag_history_list_conversations_finish (FRAG_HISTORY (source_object), result, &error);
  /* A newer query, or dispose, cancelled this one: self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  g_clear_object (&self->list_cancellable);
  if (model == NULL)
    {
      show_error (self, _("Could not list the conversations"), error);
      return;
    }

  /* Deleted conversations stay hidden until a list no longer has them: then their ids
   * may be used again by new conversations. */
  gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_hash_table_iter_init (&iter, self->hidden_ids);
  while (g_hash_table_iter_next (&iter, (gpointer *)&id, NULL))
    if (*id != self->pending_delete_id && !model_has_id (model, *id))
      g_array_append_val (gone, *id);
  for (guint i = 0; i < gone->len; i++)
    g_hash_table_remove (self->hidden_ids, &g_array_index (gone, gint64, i));

  self->loaded = TRUE;
  self->syncing = TRUE;
  gtk_filter_list_model_set_model (self->conversations, model);
  self->syncing = FALSE;
  sync_selection (self);
  update_page (self);
}

static void
on_search_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  FragHistorySidebar *self;

  model = frag_history_search_finish (FRAG_HISTORY (source_object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  g_clear_object (&self->search_cancellable);
  if (model == NULL)
    {
      show_error (self, _("Could not search the conversations"), error);
      return;
    }

  self->syncing = TRUE;
  gtk_filter_list_model_set_model (self->results, model);
  gtk_single_selection_set_selected (self->results_selection, GTK_INVALID_LIST_POSITION);
  self->syncing = FALSE;
  update_page (self);
}

/* A newer query supersedes an older one: only the newest may change the list. */
static void
run_search (FragHistorySidebar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);

  if (*text == '\0' || self->history == NULL)
    {
      gtk_filter_list_model_set_model (self->results, NULL);
      update_page (self);
      return;
    }

  self->search_cancellable = g_cancellable_new ();
  frag_history_search_async (self->history, text, 0, SEARCH_LIMIT, self->search_cancellable,
                             on_search_cb, self);
}

void
frag_history_sidebar_reload (FragHistorySidebar *self)
{
  g_return_if_fail (FRAG_IS_HISTORY_SIDEBAR (self));

  if (self->history == NULL)
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  frag_history_list_conversations_async (self->history, 0, LIST_LIMIT, self->list_cancellable,
                                         on_list_cb, self);
  if (is_searching (self))
    run_search (self);
}

/* ---- opening ---------------------------------------------------------------- */

static void
open_item (FragHistorySidebar *self,
           gpointer            item)
{
  gint64 id;

  if (item == NULL)
    return;
  id = frag_conversation_info_get_id (item_info (item));
  if (id == self->current_id)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-conversation", "x", id);
}

static void
on_list_selected_cb (FragHistorySidebar *self,
                     GParamSpec         *pspec,
                     GtkSingleSelection *selection)
{
  if (self->syncing)
    return;
  open_item (self, gtk_single_selection_get_selected_item (selection));
}

static void
on_results_selected_cb (FragHistorySidebar *self,
                        GParamSpec         *pspec,
                        GtkSingleSelection *selection)
{
  if (self->syncing)
    return;
  open_item (self, gtk_single_selection_get_selected_item (selection));
}

static void
on_list_view_activate_cb (FragHistorySidebar *self,
                          guint               position,
                          GtkListView        *list_view)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->list_selection), position);

  open_item (self, item);
}

static void
on_results_view_activate_cb (FragHistorySidebar *self,
                             guint               position,
                             GtkListView        *list_view)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->results_selection), position);

  open_item (self, item);
}

/* ---- search entry ----------------------------------------------------------- */

/* GtkSearchEntry:search-delay debounces typing (150 ms). */
static void
on_search_entry_search_changed_cb (FragHistorySidebar *self,
                                   GtkSearchEntry     *entry)
{
  if (!is_searching (self))
    gtk_filter_list_model_set_model (self->results, NULL);
  run_search (self);
  update_page (self);
}

static void
on_search_entry_stop_search_cb (FragHistorySidebar *self,
                                GtkSearchEntry     *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* Enter opens the best hit. */
static void
on_search_entry_activate_cb (FragHistorySidebar *self,
                             GtkSearchEntry     *entry)
{
  g_autoptr(GObject) item = NULL;

  if (!is_searching (self) || g_list_model_get_n_items (G_LIST_MODEL (self->results)) == 0)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (self->results), 0);
  open_item (self, item);
}

void
frag_history_sidebar_focus_search (FragHistorySidebar *self)
{
  g_return_if_fail (FRAG_IS_HISTORY_SIDEBAR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/* ---- rename ----------------------------------------------------------------- */

static FragConversationInfo *
find_info (FragHistorySidebar *self,
           gint64              id)
{
  GListModel *models[] = {
    gtk_filter_list_model_get_model (self->conversations),
    gtk_filter_list_model_get_model (self->results),
  };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (guint i = 0; models[m] != NULL && i < g_list_model_get_n_items (models[m]); i++)
      {
        g_autoptr(GObject) item = g_list_model_get_item (models[m], i);
        FragConversationInfo *info = item_info (item);

        if (frag_conversation_info_get_id (info) == id)
          return info;
      }
  return NULL;
}

static void
on_renamed_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  FragHistorySidebar *self;

  if (!frag_history_rename_conversation_finish (FRAG_HISTORY (source_object), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (error != NULL)
    show_error (self, _("Could not rename the conversation"), error);
  frag_history_sidebar_reload (self);
}

static void
on_rename_entry_changed_cb (AdwMessageDialog *dialog,
                            GtkEditable      *entry)
{
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "rename", *title != '\0');
}

static void
on_rename_response_cb (FragHistorySidebar *self,
                       const char         *response,
                       AdwMessageDialog   *dialog)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  gint64 id = *(gint64 *)g_object_get_data (G_OBJECT (dialog), "conversation-id");
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (!g_str_equal (response, "rename") || *title == '\0' || self->history == NULL)
    return;

  frag_history_rename_conversation_async (self->history, id, title, self->cancellable,
                                          on_renamed_cb, self);
}

static void
frag_history_sidebar_rename (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (widget);
  gint64 id = g_variant_get_int64 (param);
  FragConversationInfo *info = find_info (self, id);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;
  GtkWidget *entry;
  const char *title;

  if (info == NULL)
    return;

  title = frag_conversation_info_get_title (info);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Rename Conversation"), NULL);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), title != NULL ? title : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Title"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "conversation-id",
                          g_memdup2 (&id, sizeof id), g_free);

  g_signal_connect_object (entry, "changed", G_CALLBACK (on_rename_entry_changed_cb), dialog,
                           G_CONNECT_SWAPPED);
  /* The dialog may outlive the sidebar (the window closes under it): then the
   * response is not heard. */
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response_cb), self,
                           G_CONNECT_SWAPPED);
  on_rename_entry_changed_cb (ADW_MESSAGE_DIALOG (dialog), GTK_EDITABLE (entry));
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* ---- delete, with Undo ------------------------------------------------------ */

typedef struct
{
  FragHistorySidebar *self;   /* valid unless the delete was cancelled (dispose) */
  gint64              id;
} DeleteData;

static void
on_deleted_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree DeleteData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_history_delete_conversation_finish (FRAG_HISTORY (source_object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The row comes back: it was not deleted. */
      show_error (data->self, _("Could not delete the conversation"), error);
      hide_id (data->self, data->id, FALSE);
    }
  frag_history_sidebar_reload (data->self);
}

static void on_toast_dismissed_cb (FragHistorySidebar *self,
                                   AdwToast           *toast);

/* The pending delete becomes a real one. While disposing, nothing may call back into
 * the sidebar: the history runs the delete with no callback. */
static void
commit_pending_delete (FragHistorySidebar *self,
                       gboolean            disposing)
{
  gint64 id = self->pending_delete_id;

  if (id == 0)
    return;

  self->pending_delete_id = 0;
  if (self->pending_toast != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->pending_toast, on_toast_dismissed_cb, self);
      if (!disposing)
        adw_toast_dismiss (self->pending_toast);
      g_clear_object (&self->pending_toast);
    }
  if (self->history == NULL)
    return;

  if (disposing)
    {
      frag_history_delete_conversation_async (self->history, id, NULL, NULL, NULL);
    }
  else
    {
      DeleteData *data = g_new0 (DeleteData, 1);

      data->self = self;
      data->id = id;
      frag_history_delete_conversation_async (self->history, id, self->cancellable,
                                              on_deleted_cb, data);
    }
}

static void
on_toast_dismissed_cb (FragHistorySidebar *self,
                       AdwToast           *toast)
{
  if (toast == self->pending_toast)
    commit_pending_delete (self, FALSE);
}

static void
frag_history_sidebar_undo_delete (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (widget);
  gint64 id = self->pending_delete_id;

  if (id == 0)
    return;

  self->pending_delete_id = 0;
  if (self->pending_toast != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->pending_toast, on_toast_dismissed_cb, self);
      adw_toast_dismiss (self->pending_toast);
      g_clear_object (&self->pending_toast);
    }
  hide_id (self, id, FALSE);
  sync_selection (self);
  update_page (self);
}

static void
frag_history_sidebar_delete (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (widget);
  gint64 id = g_variant_get_int64 (param);
  FragConversationInfo *info = find_info (self, id);
  const char *title = info != NULL ? frag_conversation_info_get_title (info) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *markup = NULL;

  if (id <= 0 || id == self->pending_delete_id)
    return;

  /* One Undo at a time: an earlier pending delete happens now. */
  commit_pending_delete (self, FALSE);

  self->pending_delete_id = id;
  hide_id (self, id, TRUE);
  update_page (self);

  if (title == NULL || *title == '\0')
    title = _("Untitled Conversation");
  /* Translators: %s is a conversation's title. */
  text = g_strdup_printf (_("“%s” deleted"), title);
  /* Toast titles are markup; the title is the user's (or the model's) text. */
  markup = g_markup_escape_text (text, -1);
  self->pending_toast = g_object_ref (adw_toast_new (markup));
  adw_toast_set_button_label (self->pending_toast, _("_Undo"));
  adw_toast_set_action_name (self->pending_toast, "history.undo-delete");
  adw_toast_set_priority (self->pending_toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (self->pending_toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb),
                           self, G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, self->pending_toast);

  /* The open conversation is gone: the window starts a new one. */
  if (id == self->current_id)
    gtk_widget_activate_action (widget, "win.new-conversation", NULL);
}

/* ---- the window's conversation ---------------------------------------------- */

static void
on_conversation_id_cb (FragHistorySidebar *self,
                       GParamSpec         *pspec,
                       FragConversation   *conversation)
{
  self->current_id = frag_conversation_get_id (conversation);
  sync_selection (self);
  frag_history_sidebar_reload (self);
}

/* A turn ended: the conversation's title or updated time may have changed. */
static void
on_conversation_busy_cb (FragHistorySidebar *self,
                         GParamSpec         *pspec,
                         FragConversation   *conversation)
{
  if (!frag_conversation_get_busy (conversation))
    frag_history_sidebar_reload (self);
}

void
frag_history_sidebar_set_conversation (FragHistorySidebar *self,
                                       FragConversation   *conversation)
{
  g_return_if_fail (FRAG_IS_HISTORY_SIDEBAR (self));
  g_return_if_fail (conversation == NULL || FRAG_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_set_object (&self->conversation, conversation);

  self->current_id = 0;
  if (conversation != NULL)
    {
      g_signal_connect_object (conversation, "notify::id", G_CALLBACK (on_conversation_id_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (conversation, "notify::busy",
                               G_CALLBACK (on_conversation_busy_cb), self, G_CONNECT_SWAPPED);
      self->current_id = frag_conversation_get_id (conversation);
    }
  sync_selection (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

FragConversation *
frag_history_sidebar_get_conversation (FragHistorySidebar *self)
{
  g_return_val_if_fail (FRAG_IS_HISTORY_SIDEBAR (self), NULL);

  return self->conversation;
}

void
frag_history_sidebar_set_history (FragHistorySidebar *self,
                                  FragHistory        *history)
{
  g_return_if_fail (FRAG_IS_HISTORY_SIDEBAR (self));
  g_return_if_fail (history == NULL || FRAG_IS_HISTORY (history));

  if (self->history == history)
    return;

  commit_pending_delete (self, FALSE);
  g_set_object (&self->history, history);
  frag_history_sidebar_reload (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

FragHistory *
frag_history_sidebar_get_history (FragHistorySidebar *self)
{
  g_return_val_if_fail (FRAG_IS_HISTORY_SIDEBAR (self), NULL);

  return self->history;
}

/* ---- GObject ---------------------------------------------------------------- */

/* ---- relative times ---------------------------------------------------------------- */

static void
refresh_rows (GtkWidget *widget)
{
  if (FRAG_IS_HISTORY_ROW (widget))
    {
      frag_history_row_refresh (FRAG_HISTORY_ROW (widget));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    refresh_rows (child);
}

/* Only the rows that exist: a list view makes rows for what is on screen, and a row
 * bound later formats its time then. */
static gboolean
refresh_cb (gpointer user_data)
{
  FragHistorySidebar *self = user_data;

  refresh_rows (GTK_WIDGET (self->list_view));
  refresh_rows (GTK_WIDGET (self->results_view));
  return G_SOURCE_CONTINUE;
}

static void
start_refreshing (FragHistorySidebar *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_id = g_timeout_add (self->refresh_interval_ms, refresh_cb, self);
  g_source_set_name_by_id (self->refresh_id, "[frag] history relative times");
}

void
frag_history_sidebar_set_refresh_interval (FragHistorySidebar *self,
                                           guint               interval_ms)
{
  g_return_if_fail (FRAG_IS_HISTORY_SIDEBAR (self));
  g_return_if_fail (interval_ms > 0);

  self->refresh_interval_ms = interval_ms;
  if (self->refresh_id != 0)
    start_refreshing (self);
}

/* Nobody reads the times of a hidden sidebar (a closed flap, a minimized window): no
 * wake-ups then; showing it again brings them up to date at once. */
static void
frag_history_sidebar_map (GtkWidget *widget)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (widget);

  GTK_WIDGET_CLASS (frag_history_sidebar_parent_class)->map (widget);
  refresh_cb (self);
  start_refreshing (self);
}

static void
frag_history_sidebar_unmap (GtkWidget *widget)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (frag_history_sidebar_parent_class)->unmap (widget);
}

gboolean
frag_history_sidebar_get_refreshing (FragHistorySidebar *self)
{
  g_return_val_if_fail (FRAG_IS_HISTORY_SIDEBAR (self), FALSE);

  return self->refresh_id != 0;
}

static void
frag_history_sidebar_dispose (GObject *object)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);

  /* A pending delete is what the user asked for: closing the window does not undo it. */
  commit_pending_delete (self, TRUE);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->search_cancellable);

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_clear_object (&self->conversation);

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_HISTORY_SIDEBAR);

  g_clear_object (&self->list_selection);
  g_clear_object (&self->results_selection);
  g_clear_object (&self->conversations);
  g_clear_object (&self->results);
  g_clear_object (&self->hidden_filter);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (frag_history_sidebar_parent_class)->dispose (object);
}

static void
frag_history_sidebar_finalize (GObject *object)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (object);

  g_clear_pointer (&self->hidden_ids, g_hash_table_unref);

  G_OBJECT_CLASS (frag_history_sidebar_parent_class)->finalize (object);
}

static void
frag_history_sidebar_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;

    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_history_sidebar_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  FragHistorySidebar *self = FRAG_HISTORY_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      frag_history_sidebar_set_history (self, g_value_get_object (value));
      break;

    case PROP_CONVERSATION:
      frag_history_sidebar_set_conversation (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_history_sidebar_class_init (FragHistorySidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = frag_history_sidebar_dispose;
  widget_class->map = frag_history_sidebar_map;
  widget_class->unmap = frag_history_sidebar_unmap;
  object_class->finalize = frag_history_sidebar_finalize;
  object_class->get_property = frag_history_sidebar_get_property;
  object_class->set_property = frag_history_sidebar_set_property;

  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL,
                         FRAG_TYPE_HISTORY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL,
                         FRAG_TYPE_CONVERSATION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/frag-history-sidebar.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "historysidebar");
  gtk_widget_class_bind_template_child (widget_class, FragHistorySidebar, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FragHistorySidebar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FragHistorySidebar, stack);
  gtk_widget_class_bind_template_child (widget_class, FragHistorySidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, FragHistorySidebar, results_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_results_view_activate_cb);

  gtk_widget_class_install_action (widget_class, "history.rename", "x", frag_history_sidebar_rename);
  gtk_widget_class_install_action (widget_class, "history.delete", "x", frag_history_sidebar_delete);
  gtk_widget_class_install_action (widget_class, "history.undo-delete", NULL,
                                   frag_history_sidebar_undo_delete);

  g_type_ensure (FRAG_TYPE_HISTORY_ROW);
}

static void
frag_history_sidebar_init (FragHistorySidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->refresh_interval_ms = REFRESH_INTERVAL_MS;
  self->hidden_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->hidden_filter = gtk_custom_filter_new (is_shown_cb, self, NULL);

  self->conversations = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->hidden_filter)));
  self->results = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->hidden_filter)));

  self->list_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->conversations)));
  gtk_single_selection_set_autoselect (self->list_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->list_selection, TRUE);
  self->results_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_single_selection_set_autoselect (self->results_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->results_selection, TRUE);

  g_signal_connect_object (self->list_selection, "notify::selected",
                           G_CALLBACK (on_list_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->results_selection, "notify::selected",
                           G_CALLBACK (on_results_selected_cb), self, G_CONNECT_SWAPPED);
  /* A pending delete can hide the last row: the empty state then shows. */
  g_signal_connect_object (self->conversations, "items-changed", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->results, "items-changed", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->list_selection));
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (self->results_selection));
  update_page (self);
}
