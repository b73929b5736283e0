/* frag-history-row.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-row"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-history-format.h"
#include "frag-history-records.h"
#include "frag-history-row.h"

struct _FragHistoryRow
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkWidget     *box;
  GtkLabel      *title_label;
  GtkLabel      *snippet_label;
  GtkLabel      *subtitle_label;
  GtkMenuButton *menu_button;

  /* Owned */
  GObject       *item;
};

G_DEFINE_FINAL_TYPE (FragHistoryRow, frag_history_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static FragConversationInfo *
get_info (FragHistoryRow *self)
{
  if (FRAG_IS_SEARCH_HIT (self->item))
    return frag_search_hit_get_conversation (FRAG_SEARCH_HIT (self->item));
  if (FRAG_IS_CONVERSATION_INFO (self->item))
    return FRAG_CONVERSATION_INFO (self->item);
  return NULL;
}

GObject *
frag_history_row_get_item (FragHistoryRow *self)
{
  g_return_val_if_fail (FRAG_IS_HISTORY_ROW (self), NULL);

  return self->item;
}

gint64
frag_history_row_get_id (FragHistoryRow *self)
{
  FragConversationInfo *info;

  g_return_val_if_fail (FRAG_IS_HISTORY_ROW (self), 0);

  info = get_info (self);
  return info != NULL ? frag_conversation_info_get_id (info) : 0;
}

static GMenuModel *
build_menu (gint64 id)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) rename = g_menu_item_new (_("_Rename…"), NULL);
  g_autoptr(GMenuItem) delete = g_menu_item_new (_("_Delete"), NULL);

  g_menu_item_set_action_and_target_value (rename, "history.rename", g_variant_new_int64 (id));
  g_menu_item_set_action_and_target_value (delete, "history.delete", g_variant_new_int64 (id));
  g_menu_append_item (menu, rename);
  g_menu_append_item (menu, delete);

  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
update (FragHistoryRow *self)
{
  FragConversationInfo *info = get_info (self);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GMenuModel) menu = NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  const char *title;
  const char *model;

  if (info == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->subtitle_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->snippet_label), FALSE);
      gtk_menu_button_set_menu_model (self->menu_button, NULL);
      return;
    }

  title = frag_conversation_info_get_title (info);
  if (title == NULL || *title == '\0')
    title = _("Untitled Conversation");
  gtk_label_set_text (self->title_label, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), title);

  now = g_date_time_new_now_local ();
  when = frag_history_format_relative_time (frag_conversation_info_get_updated (info), now);
  model = frag_conversation_info_get_model (info);
  if (model != NULL && *model != '\0')
    /* Translators: when a conversation was updated, then the model it used. */
    subtitle = g_strdup_printf (_("%s · %s"), when, model);
  else
    subtitle = g_steal_pointer (&when);
  gtk_label_set_text (self->subtitle_label, subtitle);

  if (FRAG_IS_SEARCH_HIT (self->item))
    {
      const char *snippet = frag_search_hit_get_snippet (FRAG_SEARCH_HIT (self->item));
      g_autofree char *markup = frag_history_format_snippet (snippet);

      gtk_label_set_markup (self->snippet_label, markup);
      gtk_widget_set_visible (GTK_WIDGET (self->snippet_label), snippet != NULL && *snippet != '\0');
    }
  else
    {
      gtk_label_set_text (self->snippet_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->snippet_label), FALSE);
    }

  menu = build_menu (frag_conversation_info_get_id (info));
  gtk_menu_button_set_menu_model (self->menu_button, menu);
}

void
frag_history_row_refresh (FragHistoryRow *self)
{
  g_return_if_fail (FRAG_IS_HISTORY_ROW (self));

  update (self);
}


void
frag_history_row_set_item (FragHistoryRow *self,
                           GObject        *item)
{
  g_return_if_fail (FRAG_IS_HISTORY_ROW (self));
  g_return_if_fail (item == NULL || FRAG_IS_CONVERSATION_INFO (item) || FRAG_IS_SEARCH_HIT (item));

  if (!g_set_object (&self->item, item))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

/* A right click (or a long press) opens the same menu as the button. */
static void
on_secondary_click_cb (GtkGestureClick *gesture,
                       int              n_press,
                       double           x,
                       double           y,
                       FragHistoryRow  *self)
{
  if (self->item == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (self->menu_button);
}

static void
on_long_press_cb (GtkGestureLongPress *gesture,
                  double               x,
                  double               y,
                  FragHistoryRow      *self)
{
  if (self->item == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (self->menu_button);
}

static void
frag_history_row_dispose (GObject *object)
{
  FragHistoryRow *self = FRAG_HISTORY_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_HISTORY_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (frag_history_row_parent_class)->dispose (object);
}

static void
frag_history_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FragHistoryRow *self = FRAG_HISTORY_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_history_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FragHistoryRow *self = FRAG_HISTORY_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      frag_history_row_set_item (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_history_row_class_init (FragHistoryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = frag_history_row_dispose;
  object_class->get_property = frag_history_row_get_property;
  object_class->set_property = frag_history_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         G_TYPE_OBJECT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/frag-history-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "historyrow");
  gtk_widget_class_bind_template_child (widget_class, FragHistoryRow, box);
  gtk_widget_class_bind_template_child (widget_class, FragHistoryRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, FragHistoryRow, snippet_label);
  gtk_widget_class_bind_template_child (widget_class, FragHistoryRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, FragHistoryRow, menu_button);
}

static void
frag_history_row_init (FragHistoryRow *self)
{
  GtkGesture *click;
  GtkGesture *long_press;

  gtk_widget_init_template (GTK_WIDGET (self));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  long_press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_long_press_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (long_press));
}
