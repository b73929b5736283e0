/* frag-history-records.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-records"

#include "config.h"

#include <string.h>

#include "frag-history-records.h"

/* Name tables: the strings are what the database stores, so never change them. */

static const char * const role_names[] = { "user", "assistant" };
static const char * const state_names[] = { "complete", "streaming", "interrupted", "error" };
static const char * const origin_names[] = { "model", "user-edit" };

static gboolean
lookup_name (const char * const *names,
             gsize               n_names,
             const char         *name,
             int                *value)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < n_names; i++)
    {
      if (strcmp (names[i], name) == 0)
        {
          *value = (int)i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
frag_message_role_to_string (FragMessageRole role)
{
  g_return_val_if_fail ((gsize)role < G_N_ELEMENTS (role_names), NULL);
  return role_names[role];
}

gboolean
frag_message_role_from_string (const char      *name,
                               FragMessageRole *role)
{
  int value;

  if (!lookup_name (role_names, G_N_ELEMENTS (role_names), name, &value))
    return FALSE;
  *role = (FragMessageRole)value;
  return TRUE;
}

const char *
frag_message_state_to_string (FragMessageState state)
{
  g_return_val_if_fail ((gsize)state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

gboolean
frag_message_state_from_string (const char       *name,
                                FragMessageState *state)
{
  int value;

  if (!lookup_name (state_names, G_N_ELEMENTS (state_names), name, &value))
    return FALSE;
  *state = (FragMessageState)value;
  return TRUE;
}

const char *
frag_version_origin_to_string (FragVersionOrigin origin)
{
  g_return_val_if_fail ((gsize)origin < G_N_ELEMENTS (origin_names), NULL);
  return origin_names[origin];
}

gboolean
frag_version_origin_from_string (const char        *name,
                                 FragVersionOrigin *origin)
{
  int value;

  if (!lookup_name (origin_names, G_N_ELEMENTS (origin_names), name, &value))
    return FALSE;
  *origin = (FragVersionOrigin)value;
  return TRUE;
}

/* FragAttachment */

G_DEFINE_BOXED_TYPE (FragAttachment, frag_attachment, frag_attachment_copy, frag_attachment_free)

FragAttachment *
frag_attachment_new (const char *mime_type,
                     GBytes     *data)
{
  FragAttachment *attachment;

  g_return_val_if_fail (mime_type != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  attachment = g_new0 (FragAttachment, 1);
  attachment->mime_type = g_strdup (mime_type);
  attachment->data = g_bytes_ref (data);
  return attachment;
}

FragAttachment *
frag_attachment_copy (const FragAttachment *attachment)
{
  g_return_val_if_fail (attachment != NULL, NULL);
  return frag_attachment_new (attachment->mime_type, attachment->data);
}

void
frag_attachment_free (FragAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->mime_type);
  g_bytes_unref (attachment->data);
  g_free (attachment);
}

const char *
frag_attachment_sniff_image_type (const guchar *data,
                                  gsize         length)
{
  if (data == NULL)
    return NULL;
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "image/jpeg";
  if (length >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "image/gif";
  if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  return NULL;
}

/* FragConversationInfo */

struct _FragConversationInfo
{
  GObject  parent_instance;
  gint64   id;
  char    *title;
  char    *model;
  char    *template_id;
  char    *sandbox_backend;
  char    *sandbox_id;
  gint64   created;
  gint64   updated;
};

G_DEFINE_FINAL_TYPE (FragConversationInfo, frag_conversation_info, G_TYPE_OBJECT)

enum {
  INFO_PROP_0,
  INFO_PROP_ID,
  INFO_PROP_TITLE,
  INFO_PROP_MODEL,
  INFO_PROP_TEMPLATE,
  INFO_PROP_UPDATED,
  INFO_N_PROPS
};

static GParamSpec *info_properties[INFO_N_PROPS];

static void
frag_conversation_info_finalize (GObject *object)
{
  FragConversationInfo *self = (FragConversationInfo *)object;

  g_free (self->title);
  g_free (self->model);
  g_free (self->template_id);
  g_free (self->sandbox_backend);
  g_free (self->sandbox_id);

  G_OBJECT_CLASS (frag_conversation_info_parent_class)->finalize (object);
}

static void
frag_conversation_info_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  FragConversationInfo *self = FRAG_CONVERSATION_INFO (object);

  switch (prop_id)
    {
    case INFO_PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case INFO_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case INFO_PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case INFO_PROP_TEMPLATE:
      g_value_set_string (value, self->template_id);
      break;
    case INFO_PROP_UPDATED:
      g_value_set_int64 (value, self->updated);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_conversation_info_class_init (FragConversationInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = frag_conversation_info_finalize;
  object_class->get_property = frag_conversation_info_get_property;

  info_properties[INFO_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  info_properties[INFO_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  info_properties[INFO_PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  info_properties[INFO_PROP_TEMPLATE] =
    g_param_spec_string ("template", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  info_properties[INFO_PROP_UPDATED] =
    g_param_spec_int64 ("updated", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, INFO_N_PROPS, info_properties);
}

static void
frag_conversation_info_init (FragConversationInfo *self)
{
}

FragConversationInfo *
frag_conversation_info_new (gint64      id,
                            const char *title,
                            const char *model,
                            const char *template_id,
                            const char *sandbox_backend,
                            const char *sandbox_id,
                            gint64      created,
                            gint64      updated)
{
  FragConversationInfo *self = g_object_new (FRAG_TYPE_CONVERSATION_INFO, NULL);

  self->id = id;
  self->title = g_strdup (title != NULL ? title : "");
  self->model = g_strdup (model);
  self->template_id = g_strdup (template_id);
  self->sandbox_backend = g_strdup (sandbox_backend);
  self->sandbox_id = g_strdup (sandbox_id);
  self->created = created;
  self->updated = updated;
  return self;
}

gint64
frag_conversation_info_get_id (FragConversationInfo *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (self), 0);
  return self->id;
}

const char *
frag_conversation_info_get_title (FragConversationInfo *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (self), NULL);
  return self->title;
}

const char *
frag_conversation_info_get_model (FragConversationInfo *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (self), NULL);
  return self->model;
}

const char *
frag_conversation_info_get_template (FragConversationInfo *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (self), NULL);
  return self->template_id;
}

const char *
frag_conversation_info_get_sandbox_backend (FragConversationInfo *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (self), NULL);
  return self->sandbox_backend;
}

const char *
frag_conversation_info_get_sandbox_id (FragConversationInfo *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (self), NULL);
  return self->sandbox_id;
}

gint64
frag_conversation_info_get_created (FragConversationInfo *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (self), 0);
  return self->created;
}

gint64
frag_conversation_info_get_updated (FragConversationInfo *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (self), 0);
  return self->updated;
}

/* FragSearchHit */

struct _FragSearchHit
{
  GObject               parent_instance;
  FragConversationInfo *conversation;
  char                 *snippet;
  gint64                message_id;
  double                rank;
};

G_DEFINE_FINAL_TYPE (FragSearchHit, frag_search_hit, G_TYPE_OBJECT)

enum {
  HIT_PROP_0,
  HIT_PROP_CONVERSATION,
  HIT_PROP_SNIPPET,
  HIT_N_PROPS
};

static GParamSpec *hit_properties[HIT_N_PROPS];

static void
frag_search_hit_finalize (GObject *object)
{
  FragSearchHit *self = (FragSearchHit *)object;

  g_clear_object (&self->conversation);
  g_free (self->snippet);

  G_OBJECT_CLASS (frag_search_hit_parent_class)->finalize (object);
}

static void
frag_search_hit_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FragSearchHit *self = FRAG_SEARCH_HIT (object);

  switch (prop_id)
    {
    case HIT_PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;
    case HIT_PROP_SNIPPET:
      g_value_set_string (value, self->snippet);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_search_hit_class_init (FragSearchHitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = frag_search_hit_finalize;
  object_class->get_property = frag_search_hit_get_property;

  hit_properties[HIT_PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, FRAG_TYPE_CONVERSATION_INFO,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  hit_properties[HIT_PROP_SNIPPET] =
    g_param_spec_string ("snippet", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, HIT_N_PROPS, hit_properties);
}

static void
frag_search_hit_init (FragSearchHit *self)
{
}

FragSearchHit *
frag_search_hit_new (FragConversationInfo *conversation,
                     const char           *snippet,
                     gint64                message_id,
                     double                rank)
{
  FragSearchHit *self;

  g_return_val_if_fail (FRAG_IS_CONVERSATION_INFO (conversation), NULL);

  self = g_object_new (FRAG_TYPE_SEARCH_HIT, NULL);
  self->conversation = g_object_ref (conversation);
  self->snippet = g_strdup (snippet != NULL ? snippet : "");
  self->message_id = message_id;
  self->rank = rank;
  return self;
}

FragConversationInfo *
frag_search_hit_get_conversation (FragSearchHit *self)
{
  g_return_val_if_fail (FRAG_IS_SEARCH_HIT (self), NULL);
  return self->conversation;
}

const char *
frag_search_hit_get_snippet (FragSearchHit *self)
{
  g_return_val_if_fail (FRAG_IS_SEARCH_HIT (self), NULL);
  return self->snippet;
}

char *
frag_search_hit_dup_snippet_marked (FragSearchHit *self,
                                    const char    *start,
                                    const char    *end)
{
  GString *marked;

  g_return_val_if_fail (FRAG_IS_SEARCH_HIT (self), NULL);
  g_return_val_if_fail (start != NULL && end != NULL, NULL);

  marked = g_string_new (NULL);
  for (const char *p = self->snippet; *p != '\0'; p++)
    {
      if (*p == FRAG_SEARCH_HIGHLIGHT_START[0])
        g_string_append (marked, start);
      else if (*p == FRAG_SEARCH_HIGHLIGHT_END[0])
        g_string_append (marked, end);
      else
        g_string_append_c (marked, *p);
    }
  return g_string_free (marked, FALSE);
}

gint64
frag_search_hit_get_message_id (FragSearchHit *self)
{
  g_return_val_if_fail (FRAG_IS_SEARCH_HIT (self), 0);
  return self->message_id;
}

double
frag_search_hit_get_rank (FragSearchHit *self)
{
  g_return_val_if_fail (FRAG_IS_SEARCH_HIT (self), 0.0);
  return self->rank;
}
