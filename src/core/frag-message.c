/* frag-message.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-message"

#include "config.h"

#include "frag-message.h"

/* The history's enums get their GTypes here, where the first GObject properties of
 * those types are: the UI binds message rows to them. */
G_DEFINE_ENUM_TYPE (FragMessageRole, frag_message_role,
  G_DEFINE_ENUM_VALUE (FRAG_MESSAGE_ROLE_USER, "user"),
  G_DEFINE_ENUM_VALUE (FRAG_MESSAGE_ROLE_ASSISTANT, "assistant"))

G_DEFINE_ENUM_TYPE (FragMessageState, frag_message_state,
  G_DEFINE_ENUM_VALUE (FRAG_MESSAGE_STATE_COMPLETE, "complete"),
  G_DEFINE_ENUM_VALUE (FRAG_MESSAGE_STATE_STREAMING, "streaming"),
  G_DEFINE_ENUM_VALUE (FRAG_MESSAGE_STATE_INTERRUPTED, "interrupted"),
  G_DEFINE_ENUM_VALUE (FRAG_MESSAGE_STATE_ERROR, "error"))

struct _FragMessage
{
  GObject           parent_instance;

  FragMessageRole   role;
  FragMessageState  state;
  char             *text;
  char             *error_message;
  char             *error_hint;
  FragFragment     *fragment;
  FragResult       *result;
  GPtrArray        *attachments;
  gint64            history_id;
  gint64            version_id;
};

G_DEFINE_FINAL_TYPE (FragMessage, frag_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROLE,
  PROP_STATE,
  PROP_TEXT,
  PROP_ERROR_MESSAGE,
  PROP_ERROR_HINT,
  PROP_FRAGMENT,
  PROP_RESULT,
  PROP_HISTORY_ID,
  PROP_VERSION_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
frag_message_finalize (GObject *object)
{
  FragMessage *self = FRAG_MESSAGE (object);

  g_free (self->text);
  g_free (self->error_message);
  g_free (self->error_hint);
  g_clear_object (&self->fragment);
  g_clear_object (&self->result);
  g_ptr_array_unref (self->attachments);

  G_OBJECT_CLASS (frag_message_parent_class)->finalize (object);
}

static void
frag_message_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FragMessage *self = FRAG_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_ERROR_HINT:
      g_value_set_string (value, self->error_hint);
      break;
    case PROP_FRAGMENT:
      g_value_set_object (value, self->fragment);
      break;
    case PROP_RESULT:
      g_value_set_object (value, self->result);
      break;
    case PROP_HISTORY_ID:
      g_value_set_int64 (value, self->history_id);
      break;
    case PROP_VERSION_ID:
      g_value_set_int64 (value, self->version_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_message_class_init (FragMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = frag_message_finalize;
  object_class->get_property = frag_message_get_property;

  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, FRAG_TYPE_MESSAGE_ROLE, FRAG_MESSAGE_ROLE_USER, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FRAG_TYPE_MESSAGE_STATE, FRAG_MESSAGE_STATE_COMPLETE, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, "", flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_ERROR_HINT] = g_param_spec_string ("error-hint", NULL, NULL, NULL, flags);
  properties[PROP_FRAGMENT] =
    g_param_spec_object ("fragment", NULL, NULL, FRAG_TYPE_FRAGMENT, flags);
  properties[PROP_RESULT] = g_param_spec_object ("result", NULL, NULL, FRAG_TYPE_RESULT, flags);
  properties[PROP_HISTORY_ID] =
    g_param_spec_int64 ("history-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_VERSION_ID] =
    g_param_spec_int64 ("version-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
frag_message_init (FragMessage *self)
{
  self->text = g_strdup ("");
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);
}

FragMessage *
frag_message_new (FragMessageRole   role,
                  FragMessageState  state,
                  const char       *text)
{
  FragMessage *self = g_object_new (FRAG_TYPE_MESSAGE, NULL);

  self->role = role;
  self->state = state;
  g_free (self->text);
  self->text = g_strdup (text != NULL ? text : "");
  return self;
}

FragMessageRole
frag_message_get_role (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), FRAG_MESSAGE_ROLE_USER);
  return self->role;
}

FragMessageState
frag_message_get_state (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), FRAG_MESSAGE_STATE_COMPLETE);
  return self->state;
}

const char *
frag_message_get_text (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), NULL);
  return self->text;
}

const char *
frag_message_get_error_message (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), NULL);
  return self->error_message;
}

const char *
frag_message_get_error_hint (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), NULL);
  return self->error_hint;
}

FragFragment *
frag_message_get_fragment (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), NULL);
  return self->fragment;
}

FragResult *
frag_message_get_result (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), NULL);
  return self->result;
}

GPtrArray *
frag_message_get_attachments (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), NULL);
  return self->attachments;
}

gint64
frag_message_get_history_id (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), 0);
  return self->history_id;
}

gint64
frag_message_get_version_id (FragMessage *self)
{
  g_return_val_if_fail (FRAG_IS_MESSAGE (self), 0);
  return self->version_id;
}

void
frag_message_set_state (FragMessage      *self,
                        FragMessageState  state)
{
  g_return_if_fail (FRAG_IS_MESSAGE (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
frag_message_set_text (FragMessage *self,
                       const char  *text)
{
  g_return_if_fail (FRAG_IS_MESSAGE (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

void
frag_message_set_error (FragMessage *self,
                        const char  *error_message,
                        const char  *error_hint)
{
  g_return_if_fail (FRAG_IS_MESSAGE (self));

  if (g_strcmp0 (self->error_message, error_message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error_message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }
  if (g_strcmp0 (self->error_hint, error_hint) != 0)
    {
      g_free (self->error_hint);
      self->error_hint = g_strdup (error_hint);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_HINT]);
    }
}

void
frag_message_set_fragment (FragMessage  *self,
                           FragFragment *fragment)
{
  g_return_if_fail (FRAG_IS_MESSAGE (self));
  g_return_if_fail (fragment == NULL || FRAG_IS_FRAGMENT (fragment));

  if (g_set_object (&self->fragment, fragment))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAGMENT]);
}

void
frag_message_set_result (FragMessage *self,
                         FragResult  *result)
{
  g_return_if_fail (FRAG_IS_MESSAGE (self));
  g_return_if_fail (result == NULL || FRAG_IS_RESULT (result));

  if (g_set_object (&self->result, result))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

void
frag_message_set_attachments (FragMessage *self,
                              GPtrArray   *attachments)
{
  g_return_if_fail (FRAG_IS_MESSAGE (self));

  g_ptr_array_set_size (self->attachments, 0);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    g_ptr_array_add (self->attachments, frag_attachment_copy (g_ptr_array_index (attachments, i)));
}

void
frag_message_set_history_id (FragMessage *self,
                             gint64       history_id)
{
  g_return_if_fail (FRAG_IS_MESSAGE (self));

  if (self->history_id == history_id)
    return;
  self->history_id = history_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_ID]);
}

void
frag_message_set_version_id (FragMessage *self,
                             gint64       version_id)
{
  g_return_if_fail (FRAG_IS_MESSAGE (self));

  if (self->version_id == version_id)
    return;
  self->version_id = version_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION_ID]);
}
