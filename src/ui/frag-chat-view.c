/* frag-chat-view.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-chat-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "frag-chat-view.h"
#include "frag-image-attachment.h"
#include "frag-message-row.h"
#include "frag-prompt.h"
#include "frag-settings.h"

struct _FragChatView
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkDropDown         *model_picker;
  GtkDropDown         *template_picker;
  GtkStack            *stack;
  GtkScrolledWindow   *scroller;
  GtkListView         *message_list;
  GtkTextView         *prompt_view;
  GtkStack            *send_stack;
  GtkButton           *attach_button;
  GtkWidget           *attachment_scroller;
  GtkBox              *attachment_box;

  /* Owned */
  GSettings           *settings;
  FragModelCatalog    *models;
  GListModel          *user_models;     /* the user's services' models, or NULL */
  GListStore          *model_sources;   /* the catalog, then user_models */
  GtkFlattenListModel *all_models;      /* what the model picker lists */
  GtkStringList       *template_names;  /* "Auto" + the templates, as the picker shows them */
  GPtrArray           *template_ids;    /* the same order: "auto", then ids */
  GListModel          *messages;
  GtkNoSelection      *selection;
  gulong               items_changed_handler;
  guint                scroll_idle_id;
  gboolean             busy;
  gboolean             restoring;       /* while the pickers are set from GSettings */
  GPtrArray           *attachments;     /* FragAttachment: images for the next prompt */
  GtkFileChooserNative *file_chooser;   /* while Attach Image… is up */
  GCancellable        *cancellable;     /* image reads; cancelled in dispose */
};

G_DEFINE_FINAL_TYPE (FragChatView, frag_chat_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_TEMPLATE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
frag_chat_view_new (void)
{
  return g_object_new (FRAG_TYPE_CHAT_VIEW, NULL);
}

/* ---- pickers ------------------------------------------------------------------ */

/* Each model reads "Name" with its provider under it, so two providers' models with the
 * same name (Llama on Groq and on Together) are told apart. */
static void
on_model_item_setup_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *provider = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (provider), 0);
  gtk_label_set_ellipsize (GTK_LABEL (provider), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (provider, "caption");
  gtk_widget_add_css_class (provider, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), provider);
  gtk_list_item_set_child (item, box);
}

static void
on_model_item_bind_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  FragModel *model = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *provider = gtk_widget_get_next_sibling (name);

  gtk_label_set_text (GTK_LABEL (name), frag_model_get_name (model));
  gtk_label_set_text (GTK_LABEL (provider), frag_model_get_provider (model));
}

FragModel *
frag_chat_view_get_model (FragChatView *self)
{
  g_return_val_if_fail (FRAG_IS_CHAT_VIEW (self), NULL);

  return gtk_drop_down_get_selected_item (self->model_picker);
}

const char *
frag_chat_view_get_template_id (FragChatView *self)
{
  guint selected;

  g_return_val_if_fail (FRAG_IS_CHAT_VIEW (self), NULL);

  selected = gtk_drop_down_get_selected (self->template_picker);
  if (self->template_ids == NULL || selected >= self->template_ids->len)
    return FRAG_PROMPT_TEMPLATE_AUTO;
  return g_ptr_array_index (self->template_ids, selected);
}

static void update_attachments_allowed (FragChatView *self);

static void
on_model_picker_selected_cb (FragChatView *self,
                             GParamSpec   *pspec,
                             GtkDropDown  *picker)
{
  FragModel *model = frag_chat_view_get_model (self);

  update_attachments_allowed (self);

  if (model != NULL && !self->restoring)
    g_settings_set_string (self->settings, FRAG_SETTINGS_LAST_MODEL, frag_model_get_id (model));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

static void
on_template_picker_selected_cb (FragChatView *self,
                                GParamSpec   *pspec,
                                GtkDropDown  *picker)
{
  if (!self->restoring)
    g_settings_set_string (self->settings, FRAG_SETTINGS_LAST_TEMPLATE,
                           frag_chat_view_get_template_id (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPLATE_ID]);
}

static void
restore_choices (FragChatView *self)
{
  g_autofree char *last_model = g_settings_get_string (self->settings, FRAG_SETTINGS_LAST_MODEL);
  g_autofree char *last_template = g_settings_get_string (self->settings, FRAG_SETTINGS_LAST_TEMPLATE);
  GListModel *list = G_LIST_MODEL (self->all_models);
  guint n = g_list_model_get_n_items (list);

  self->restoring = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FragModel) model = g_list_model_get_item (list, i);

      if (g_str_equal (frag_model_get_id (model), last_model))
        {
          gtk_drop_down_set_selected (self->model_picker, i);
          break;
        }
    }
  for (guint i = 0; self->template_ids != NULL && i < self->template_ids->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->template_ids, i), last_template))
        {
          gtk_drop_down_set_selected (self->template_picker, i);
          break;
        }
    }
  self->restoring = FALSE;
}

void
frag_chat_view_set_catalogs (FragChatView        *self,
                             FragModelCatalog    *models,
                             FragTemplateCatalog *templates)
{
  const char * const *ids;

  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));
  g_return_if_fail (FRAG_IS_MODEL_CATALOG (models));
  g_return_if_fail (FRAG_IS_TEMPLATE_CATALOG (templates));

  g_set_object (&self->models, models);
  self->restoring = TRUE;
  g_list_store_remove_all (self->model_sources);
  g_list_store_append (self->model_sources, models);
  if (self->user_models != NULL)
    g_list_store_append (self->model_sources, self->user_models);
  self->restoring = FALSE;

  g_clear_pointer (&self->template_ids, g_ptr_array_unref);
  self->template_ids = g_ptr_array_new_with_free_func (g_free);
  g_clear_object (&self->template_names);
  self->template_names = gtk_string_list_new (NULL);

  g_ptr_array_add (self->template_ids, g_strdup (FRAG_PROMPT_TEMPLATE_AUTO));
  /* Translators: the template picker's entry that lets the model choose. */
  gtk_string_list_append (self->template_names, _("Auto"));
  ids = frag_template_catalog_get_ids (templates);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      FragTemplate *template_ = frag_template_catalog_lookup (templates, ids[i]);

      g_ptr_array_add (self->template_ids, g_strdup (ids[i]));
      gtk_string_list_append (self->template_names, frag_template_get_name (template_));
    }

  self->restoring = TRUE;
  gtk_drop_down_set_model (self->model_picker, G_LIST_MODEL (self->all_models));
  gtk_drop_down_set_model (self->template_picker, G_LIST_MODEL (self->template_names));
  self->restoring = FALSE;
  restore_choices (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPLATE_ID]);
}

/* The user's own services' models follow the catalog's; they come and go as the user
 * adds and removes services in Preferences. */
void
frag_chat_view_set_user_models (FragChatView *self,
                                GListModel   *user_models)
{
  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));
  g_return_if_fail (user_models == NULL || G_IS_LIST_MODEL (user_models));

  self->restoring = TRUE;
  if (self->user_models != NULL)
    {
      guint position;

      if (g_list_store_find (self->model_sources, self->user_models, &position))
        g_list_store_remove (self->model_sources, position);
    }
  g_set_object (&self->user_models, user_models);
  if (user_models != NULL && self->models != NULL)
    g_list_store_append (self->model_sources, user_models);
  self->restoring = FALSE;
  /* The remembered model may be one of them. */
  restore_choices (self);
}

/* ---- messages ----------------------------------------------------------------- */

/* Follows the newest message, as chats do. On an idle: the list has not measured the new
 * row yet when items-changed arrives. GTK 4.8 has no gtk_list_view_scroll_to(). */
static gboolean
scroll_to_end_cb (gpointer user_data)
{
  FragChatView *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scroll_idle_id = 0;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  return G_SOURCE_REMOVE;
}

static void
update_stack (FragChatView *self)
{
  gboolean any = self->messages != NULL && g_list_model_get_n_items (self->messages) > 0;

  gtk_stack_set_visible_child_name (self->stack, any ? "messages" : "empty");
}

static void
on_messages_changed_cb (FragChatView *self,
                        guint         position,
                        guint         removed,
                        guint         added,
                        GListModel   *messages)
{
  update_stack (self);
  if (added > 0 && self->scroll_idle_id == 0)
    self->scroll_idle_id = g_idle_add (scroll_to_end_cb, self);
}

void
frag_chat_view_set_messages (FragChatView *self,
                             GListModel   *messages)
{
  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));
  g_return_if_fail (messages == NULL || G_IS_LIST_MODEL (messages));

  if (self->messages != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->messages);
  g_set_object (&self->messages, messages);
  gtk_no_selection_set_model (self->selection, messages);
  if (messages != NULL)
    self->items_changed_handler = g_signal_connect_object (messages, "items-changed",
                                                           G_CALLBACK (on_messages_changed_cb),
                                                           self, G_CONNECT_SWAPPED);
  update_stack (self);
}

void
frag_chat_view_set_busy (FragChatView *self,
                         gboolean      busy)
{
  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));

  self->busy = busy;
  gtk_stack_set_visible_child_name (self->send_stack, busy ? "stop" : "send");
  /* The picked model and template apply to the next turn, not to the running one. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_picker), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->template_picker), !busy);
}

/* ---- image attachments ---------------------------------------------------------- */

/* Reported where the window shows its other notices; the chat view knows no window. */
static void
show_toast (FragChatView *self,
            const char   *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *markup = g_markup_escape_text (text, -1);

  if (overlay == NULL)
    {
      g_message ("%s", text);
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (markup));
}

gboolean
frag_chat_view_get_can_attach (FragChatView *self)
{
  FragModel *model;

  g_return_val_if_fail (FRAG_IS_CHAT_VIEW (self), FALSE);

  model = frag_chat_view_get_model (self);
  return model != NULL && frag_model_get_multi_modal (model);
}

static void
on_remove_attachment_clicked_cb (GtkButton    *button,
                                 FragChatView *self)
{
  const FragAttachment *attachment = g_object_get_data (G_OBJECT (button), "attachment");
  guint index;

  if (g_ptr_array_find (self->attachments, attachment, &index))
    frag_chat_view_remove_attachment (self, index);
}

static void
rebuild_attachment_box (FragChatView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->attachment_box))))
    gtk_box_remove (self->attachment_box, child);

  for (guint i = 0; i < self->attachments->len; i++)
    {
      FragAttachment *attachment = g_ptr_array_index (self->attachments, i);
      GtkWidget *chip = gtk_overlay_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");

      gtk_overlay_set_child (GTK_OVERLAY (chip), frag_image_attachment_new_thumbnail (attachment, 64));
      gtk_widget_set_halign (remove, GTK_ALIGN_END);
      gtk_widget_set_valign (remove, GTK_ALIGN_START);
      gtk_widget_add_css_class (remove, "circular");
      gtk_widget_add_css_class (remove, "osd");
      gtk_widget_set_tooltip_text (remove, _("Remove Image"));
      g_object_set_data (G_OBJECT (remove), "attachment", attachment);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_attachment_clicked_cb), self);
      gtk_overlay_add_overlay (GTK_OVERLAY (chip), remove);
      gtk_widget_add_css_class (chip, "attachment-chip");
      gtk_box_append (self->attachment_box, chip);
    }
  gtk_widget_set_visible (self->attachment_scroller, self->attachments->len > 0);
}

GPtrArray *
frag_chat_view_get_attachments (FragChatView *self)
{
  g_return_val_if_fail (FRAG_IS_CHAT_VIEW (self), NULL);

  return self->attachments;
}

void
frag_chat_view_add_attachment (FragChatView         *self,
                               const FragAttachment *attachment)
{
  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));
  g_return_if_fail (attachment != NULL);

  g_ptr_array_add (self->attachments, frag_attachment_copy (attachment));
  rebuild_attachment_box (self);
}

void
frag_chat_view_remove_attachment (FragChatView *self,
                                  guint         index)
{
  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));
  g_return_if_fail (index < self->attachments->len);

  g_ptr_array_remove_index (self->attachments, index);
  rebuild_attachment_box (self);
}

void
frag_chat_view_clear_attachments (FragChatView *self)
{
  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));

  if (self->attachments->len == 0)
    return;
  g_ptr_array_set_size (self->attachments, 0);
  rebuild_attachment_box (self);
}

/* Images only go to models that take them: the button says why it is off, and
 * images attached for another model leave with a notice rather than silently. */
static void
update_attachments_allowed (FragChatView *self)
{
  gboolean allowed = frag_chat_view_get_can_attach (self);
  FragModel *model = frag_chat_view_get_model (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button), allowed);
  if (allowed)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->attach_button), _("Attach Image…"));
    }
  else
    {
      g_autofree char *why = NULL;

      if (model != NULL)
        /* Translators: %s is a model's name, e.g. "GPT-3.5 Turbo". */
        why = g_strdup_printf (_("%s does not take images: pick a multimodal model to attach one"),
                               frag_model_get_name (model));
      else
        why = g_strdup (_("No model to send images to"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->attach_button), why);
    }

  if (!allowed && self->attachments->len > 0)
    {
      frag_chat_view_clear_attachments (self);
      show_toast (self, _("Attached images removed: this model does not take images"));
    }
}

static void
on_image_loaded_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragChatView *self = g_task_get_source_object (task);
  g_autoptr(FragAttachment) attachment = NULL;
  GError *error = NULL;

  attachment = frag_image_attachment_load_finish (result, &error);
  if (attachment == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The model may have changed while the file was read. */
  if (!frag_chat_view_get_can_attach (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "%s", _("This model does not take images"));
      return;
    }
  frag_chat_view_add_attachment (self, attachment);
  g_task_return_boolean (task, TRUE);
}

void
frag_chat_view_attach_file_async (FragChatView        *self,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_chat_view_attach_file_async);
  if (!frag_chat_view_get_can_attach (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "%s", _("This model does not take images"));
      return;
    }
  frag_image_attachment_load_async (file, cancellable, on_image_loaded_cb, g_steal_pointer (&task));
}

gboolean
frag_chat_view_attach_file_finish (FragChatView  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_attach_done_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (frag_chat_view_attach_file_finish (FRAG_CHAT_VIEW (source_object), result, &error))
    return;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (FRAG_CHAT_VIEW (source_object), error->message);
}

static void
on_file_chooser_response_cb (FragChatView         *self,
                             int                   response,
                             GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          frag_chat_view_attach_file_async (self, file, self->cancellable, on_attach_done_cb, NULL);
        }
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->file_chooser);
}

static void
on_attach_button_clicked_cb (FragChatView *self,
                             GtkButton    *button)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->file_chooser != NULL)
    return;

  gtk_file_filter_set_name (filter, _("Images (PNG, JPEG, WebP, GIF)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_filter_add_mime_type (filter, "image/gif");
  /* Suffixes too: where shared-mime-info is missing, MIME types match nothing. */
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");
  gtk_file_filter_add_suffix (filter, "webp");
  gtk_file_filter_add_suffix (filter, "gif");

  self->file_chooser = gtk_file_chooser_native_new (_("Attach Image"),
                                                    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                    GTK_FILE_CHOOSER_ACTION_OPEN,
                                                    _("_Attach"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->file_chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  g_signal_connect_object (self->file_chooser, "response",
                           G_CALLBACK (on_file_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

static void
on_clipboard_texture_cb (GObject      *source_object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(FragChatView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(FragAttachment) attachment = NULL;

  texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source_object), result, &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, _("The pasted image could not be read"));
      return;
    }
  attachment = frag_image_attachment_new_from_texture (texture);
  if (g_bytes_get_size (attachment->data) > FRAG_IMAGE_ATTACHMENT_MAX_BYTES)
    {
      show_toast (self, _("The pasted image is too large to attach (at most 20 MB)"));
      return;
    }
  if (frag_chat_view_get_can_attach (self))
    frag_chat_view_add_attachment (self, attachment);
}

/* An image on the clipboard is attached instead of pasted as nothing; text pastes as
 * usual. */
static void
on_prompt_paste_cb (GtkTextView  *text_view,
                    FragChatView *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (text_view));
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (!gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE)
      || gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    return;

  g_signal_stop_emission_by_name (text_view, "paste-clipboard");
  if (!frag_chat_view_get_can_attach (self))
    {
      show_toast (self, _("This model does not take images"));
      return;
    }
  gdk_clipboard_read_texture_async (clipboard, self->cancellable, on_clipboard_texture_cb,
                                    g_object_ref (self));
}

/* ---- composer ----------------------------------------------------------------- */

char *
frag_chat_view_dup_prompt (FragChatView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (FRAG_IS_CHAT_VIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (self->prompt_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
frag_chat_view_set_prompt (FragChatView *self,
                           const char   *prompt)
{
  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view),
                            prompt != NULL ? prompt : "", -1);
}

void
frag_chat_view_focus_composer (FragChatView *self)
{
  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}

void
frag_chat_view_send (FragChatView *self)
{
  g_autofree char *prompt = NULL;

  g_return_if_fail (FRAG_IS_CHAT_VIEW (self));

  /* Enter while a reply streams does nothing: the text stays for the next turn. */
  if (self->busy)
    return;

  prompt = frag_chat_view_dup_prompt (self);
  if (*g_strstrip (prompt) == '\0')
    return;

  /* The window clears the composer once the turn has really started. */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.send-prompt", "s", prompt);
}

static void
on_send_button_clicked_cb (FragChatView *self,
                           GtkButton    *button)
{
  frag_chat_view_send (self);
}

/* Enter (or Ctrl+Enter) sends; Shift+Enter is a new line, as in chat apps. */
static gboolean
on_prompt_key_pressed_cb (GtkEventControllerKey *controller,
                          guint                  keyval,
                          guint                  keycode,
                          GdkModifierType        state,
                          FragChatView          *self)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;
  if ((state & GDK_SHIFT_MASK) != 0)
    return FALSE;

  frag_chat_view_send (self);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------------ */

static void
frag_chat_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FragChatView *self = FRAG_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, frag_chat_view_get_model (self));
      break;

    case PROP_TEMPLATE_ID:
      g_value_set_string (value, frag_chat_view_get_template_id (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_chat_view_dispose (GObject *object)
{
  FragChatView *self = FRAG_CHAT_VIEW (object);
  GtkWidget *child;

  g_clear_handle_id (&self->scroll_idle_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->file_chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
      g_clear_object (&self->file_chooser);
    }
  if (self->messages != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->messages);
  g_clear_object (&self->messages);

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_CHAT_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->models);
  g_clear_object (&self->user_models);
  g_clear_object (&self->all_models);
  g_clear_object (&self->model_sources);
  g_clear_object (&self->template_names);
  g_clear_pointer (&self->template_ids, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (frag_chat_view_parent_class)->dispose (object);
}

static void
frag_chat_view_finalize (GObject *object)
{
  FragChatView *self = FRAG_CHAT_VIEW (object);

  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (frag_chat_view_parent_class)->finalize (object);
}

static void
frag_chat_view_class_init (FragChatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = frag_chat_view_get_property;
  object_class->dispose = frag_chat_view_dispose;
  object_class->finalize = frag_chat_view_finalize;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         FRAG_TYPE_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEMPLATE_ID] =
    g_param_spec_string ("template-id", NULL, NULL,
                         FRAG_PROMPT_TEMPLATE_AUTO,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/frag-chat-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, model_picker);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, template_picker);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, stack);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, scroller);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, message_list);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, send_stack);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, attach_button);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, attachment_scroller);
  gtk_widget_class_bind_template_child (widget_class, FragChatView, attachment_box);
  gtk_widget_class_bind_template_callback (widget_class, on_attach_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_model_picker_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_template_picker_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_send_button_clicked_cb);

  g_type_ensure (FRAG_TYPE_MESSAGE_ROW);
}

static void
frag_chat_view_init (FragChatView *self)
{
  GtkListItemFactory *model_factory;
  GtkEventController *keys;
  g_autoptr(GtkExpression) name_expression = NULL;

  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (FRAG_SETTINGS_SCHEMA_ID);
  self->model_sources = g_list_store_new (G_TYPE_LIST_MODEL);
  /* The flatten model owns a reference to its sources; this one is kept for edits. */
  self->all_models = gtk_flatten_list_model_new (G_LIST_MODEL (g_object_ref (self->model_sources)));

  self->selection = gtk_no_selection_new (NULL);
  gtk_list_view_set_model (self->message_list, GTK_SELECTION_MODEL (self->selection));

  model_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (model_factory, "setup", G_CALLBACK (on_model_item_setup_cb), NULL);
  g_signal_connect (model_factory, "bind", G_CALLBACK (on_model_item_bind_cb), NULL);
  gtk_drop_down_set_factory (self->model_picker, model_factory);
  g_object_unref (model_factory);
  /* Typing in the popover filters by model name. */
  name_expression = gtk_property_expression_new (FRAG_TYPE_MODEL, NULL, "name");
  gtk_drop_down_set_expression (self->model_picker, name_expression);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_prompt_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->prompt_view), keys);
  g_signal_connect (self->prompt_view, "paste-clipboard", G_CALLBACK (on_prompt_paste_cb), self);

  update_stack (self);
  update_attachments_allowed (self);
}
