/* frag-message-row.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-message-row"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-image-attachment.h"
#include "frag-message-row.h"

struct _FragMessageRow
{
  GtkWidget    parent_instance;

  /* Template widgets */
  GtkBox      *box;
  GtkLabel    *author_label;
  GtkSpinner  *spinner;
  GtkLabel    *state_label;
  GtkLabel    *text_label;
  GtkBox      *image_box;
  GtkButton   *fragment_button;
  GtkLabel    *fragment_label;
  GtkBox      *error_box;
  GtkLabel    *error_label;
  GtkLabel    *hint_label;
  GtkButton   *retry_button;

  /* Owned */
  FragMessage *message;
  gulong       notify_handler;
  /* The attachments image_box shows (compared by address, never dereferenced): a
   * message notifies on every streamed change, the pictures are only made again when
   * the attachments themselves changed. */
  GPtrArray   *shown_attachments;
};

G_DEFINE_FINAL_TYPE (FragMessageRow, frag_message_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
same_attachments (GPtrArray *shown,
                  GPtrArray *attachments)
{
  guint n = attachments != NULL ? attachments->len : 0;

  if (shown->len != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_ptr_array_index (shown, i) != g_ptr_array_index (attachments, i))
      return FALSE;
  return TRUE;
}

static void
update_images (FragMessageRow *self)
{
  GPtrArray *attachments = self->message != NULL ? frag_message_get_attachments (self->message) : NULL;
  GtkWidget *child;

  if (same_attachments (self->shown_attachments, attachments))
    return;

  g_ptr_array_set_size (self->shown_attachments, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->image_box))))
    gtk_box_remove (self->image_box, child);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      const FragAttachment *attachment = g_ptr_array_index (attachments, i);

      g_ptr_array_add (self->shown_attachments, (gpointer)attachment);
      gtk_box_append (self->image_box, frag_image_attachment_new_thumbnail (attachment, 96));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->image_box), self->shown_attachments->len > 0);
}

/* The model's text goes in with gtk_label_set_text(): never parsed as markup. */
static void
update (FragMessageRow *self)
{
  FragMessage *message = self->message;
  gboolean user;
  FragMessageState state;
  FragFragment *fragment;
  const char *text;

  if (message == NULL)
    return;

  user = frag_message_get_role (message) == FRAG_MESSAGE_ROLE_USER;
  state = frag_message_get_state (message);
  fragment = frag_message_get_fragment (message);
  text = frag_message_get_text (message);

  gtk_label_set_text (self->author_label, user ? _("You") : _("Assistant"));
  if (user)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->box), "user-message");
      gtk_widget_remove_css_class (GTK_WIDGET (self->box), "assistant-message");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->box), "assistant-message");
      gtk_widget_remove_css_class (GTK_WIDGET (self->box), "user-message");
    }

  gtk_label_set_text (self->text_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->text_label), text != NULL && *text != '\0');
  update_images (self);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == FRAG_MESSAGE_STATE_STREAMING);
  gtk_spinner_set_spinning (self->spinner, state == FRAG_MESSAGE_STATE_STREAMING);

  gtk_widget_set_visible (GTK_WIDGET (self->state_label), state == FRAG_MESSAGE_STATE_INTERRUPTED);
  if (state == FRAG_MESSAGE_STATE_INTERRUPTED)
    gtk_label_set_text (self->state_label, _("Interrupted"));

  gtk_widget_set_visible (GTK_WIDGET (self->error_box), state == FRAG_MESSAGE_STATE_ERROR);
  if (state == FRAG_MESSAGE_STATE_ERROR)
    {
      const char *error_message = frag_message_get_error_message (message);
      const char *hint = frag_message_get_error_hint (message);

      gtk_label_set_text (self->error_label, error_message != NULL ? error_message : _("The request failed."));
      gtk_label_set_text (self->hint_label, hint != NULL ? hint : "");
      gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL && *hint != '\0');
    }

  /* The fragment's title once the fragment is stored: only then can it be shown again. */
  if (!user && fragment != NULL && frag_message_get_version_id (message) > 0)
    {
      const char *title = frag_fragment_get_title (fragment);

      gtk_label_set_text (self->fragment_label,
                          title != NULL && *title != '\0' ? title : _("Untitled Fragment"));
      /* Target first: a name without its int64 target would not match the action. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->fragment_button),
                                              g_variant_new_int64 (frag_message_get_version_id (message)));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->fragment_button), "win.show-version");
      gtk_widget_set_visible (GTK_WIDGET (self->fragment_button), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->fragment_button), FALSE);
    }
}

static void
on_message_notify_cb (FragMessageRow *self,
                      GParamSpec     *pspec,
                      FragMessage    *message)
{
  update (self);
}

GtkWidget *
frag_message_row_new (void)
{
  return g_object_new (FRAG_TYPE_MESSAGE_ROW, NULL);
}

FragMessage *
frag_message_row_get_message (FragMessageRow *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

void
frag_message_row_set_message (FragMessageRow *self,
                              FragMessage    *message)
{
  g_return_if_fail (FRAG_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || FRAG_IS_MESSAGE (message));

  if (self->message == message)
    return;

  if (self->message != NULL)
    g_clear_signal_handler (&self->notify_handler, self->message);
  g_set_object (&self->message, message);
  if (message != NULL)
    self->notify_handler = g_signal_connect_object (message, "notify",
                                                    G_CALLBACK (on_message_notify_cb), self,
                                                    G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
frag_message_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FragMessageRow *self = FRAG_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_message_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FragMessageRow *self = FRAG_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      frag_message_row_set_message (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_message_row_dispose (GObject *object)
{
  FragMessageRow *self = FRAG_MESSAGE_ROW (object);
  GtkWidget *child;

  if (self->message != NULL)
    g_clear_signal_handler (&self->notify_handler, self->message);
  g_clear_object (&self->message);

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_MESSAGE_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (frag_message_row_parent_class)->dispose (object);
}

static void
frag_message_row_finalize (GObject *object)
{
  FragMessageRow *self = FRAG_MESSAGE_ROW (object);

  g_ptr_array_unref (self->shown_attachments);

  G_OBJECT_CLASS (frag_message_row_parent_class)->finalize (object);
}

static void
frag_message_row_class_init (FragMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = frag_message_row_get_property;
  object_class->set_property = frag_message_row_set_property;
  object_class->dispose = frag_message_row_dispose;
  object_class->finalize = frag_message_row_finalize;

  properties[PROP_MESSAGE] =
    g_param_spec_object ("message", NULL, NULL,
                         FRAG_TYPE_MESSAGE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/frag-message-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagerow");
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, box);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, author_label);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, image_box);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, fragment_button);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, fragment_label);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, error_box);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, FragMessageRow, retry_button);
}

static void
frag_message_row_init (FragMessageRow *self)
{
  self->shown_attachments = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

