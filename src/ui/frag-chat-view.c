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

  /* Owned */
  GSettings           *settings;
  FragModelCatalog    *models;
  GtkStringList       *template_names;  /* "Auto" + the templates, as the picker shows them */
  GPtrArray           *template_ids;    /* the same order: "auto", then ids */
  GListModel          *messages;
  GtkNoSelection      *selection;
  gulong               items_changed_handler;
  guint                scroll_idle_id;
  gboolean             busy;
  gboolean             restoring;       /* while the pickers are set from GSettings */
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

static void
on_model_picker_selected_cb (FragChatView *self,
                             GParamSpec   *pspec,
                             GtkDropDown  *picker)
{
  FragModel *model = frag_chat_view_get_model (self);

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
  GListModel *list = G_LIST_MODEL (self->models);
  guint n = list != NULL ? g_list_model_get_n_items (list) : 0;

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
  gtk_drop_down_set_model (self->model_picker, G_LIST_MODEL (models));
  gtk_drop_down_set_model (self->template_picker, G_LIST_MODEL (self->template_names));
  self->restoring = FALSE;
  restore_choices (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPLATE_ID]);
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
  if (self->messages != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->messages);
  g_clear_object (&self->messages);

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_CHAT_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->models);
  g_clear_object (&self->template_names);
  g_clear_pointer (&self->template_ids, g_ptr_array_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (frag_chat_view_parent_class)->dispose (object);
}

static void
frag_chat_view_class_init (FragChatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = frag_chat_view_get_property;
  object_class->dispose = frag_chat_view_dispose;

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

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (FRAG_SETTINGS_SCHEMA_ID);

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

  update_stack (self);
}
