/* frag-history.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history"

#include "config.h"

#include "frag-history.h"

G_DEFINE_INTERFACE (FragHistory, frag_history, G_TYPE_OBJECT)

static void
frag_history_default_init (FragHistoryInterface *iface)
{
}

void
frag_history_create_conversation_async (FragHistory          *self,
                                        const char           *title,
                                        const char           *model,
                                        const char           *template_id,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->create_conversation_async (self,
                                                            title,
                                                            model,
                                                            template_id,
                                                            cancellable,
                                                            callback,
                                                            user_data);
}

gint64
frag_history_create_conversation_finish (FragHistory   *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return FRAG_HISTORY_GET_IFACE (self)->create_conversation_finish (self, result, error);
}

void
frag_history_append_user_message_async (FragHistory          *self,
                                        gint64                conversation_id,
                                        const char           *text,
                                        GPtrArray            *attachments,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->append_user_message_async (self,
                                                            conversation_id,
                                                            text,
                                                            attachments,
                                                            cancellable,
                                                            callback,
                                                            user_data);
}

gint64
frag_history_append_user_message_finish (FragHistory   *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return FRAG_HISTORY_GET_IFACE (self)->append_user_message_finish (self, result, error);
}

void
frag_history_begin_assistant_message_async (FragHistory          *self,
                                            gint64                conversation_id,
                                            const char           *model,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->begin_assistant_message_async (self,
                                                                conversation_id,
                                                                model,
                                                                cancellable,
                                                                callback,
                                                                user_data);
}

gint64
frag_history_begin_assistant_message_finish (FragHistory   *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return FRAG_HISTORY_GET_IFACE (self)->begin_assistant_message_finish (self, result, error);
}

void
frag_history_checkpoint_message (FragHistory  *self,
                                 gint64        message_id,
                                 const char   *text,
                                 const char   *fragment_json)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));

  FRAG_HISTORY_GET_IFACE (self)->checkpoint_message (self, message_id, text, fragment_json);
}

void
frag_history_finish_message_async (FragHistory          *self,
                                   gint64                message_id,
                                   FragMessageState      state,
                                   const char           *text,
                                   const char           *fragment_json,
                                   const char           *error_message,
                                   FragTokenUsage        usage,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->finish_message_async (self,
                                                       message_id,
                                                       state,
                                                       text,
                                                       fragment_json,
                                                       error_message,
                                                       usage,
                                                       cancellable,
                                                       callback,
                                                       user_data);
}

gboolean
frag_history_finish_message_finish (FragHistory   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return FRAG_HISTORY_GET_IFACE (self)->finish_message_finish (self, result, error);
}

void
frag_history_add_version_async (FragHistory          *self,
                                gint64                conversation_id,
                                gint64                message_id,
                                gint64                parent_id,
                                FragVersionOrigin     origin,
                                const char           *fragment_json,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->add_version_async (self,
                                                    conversation_id,
                                                    message_id,
                                                    parent_id,
                                                    origin,
                                                    fragment_json,
                                                    cancellable,
                                                    callback,
                                                    user_data);
}

gint64
frag_history_add_version_finish (FragHistory   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return FRAG_HISTORY_GET_IFACE (self)->add_version_finish (self, result, error);
}

void
frag_history_add_result_async (FragHistory          *self,
                               gint64                version_id,
                               const char           *result_json,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->add_result_async (self,
                                                   version_id,
                                                   result_json,
                                                   cancellable,
                                                   callback,
                                                   user_data);
}

gint64
frag_history_add_result_finish (FragHistory   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return FRAG_HISTORY_GET_IFACE (self)->add_result_finish (self, result, error);
}

void
frag_history_set_sandbox_async (FragHistory          *self,
                                gint64                conversation_id,
                                const char           *backend,
                                const char           *sandbox_id,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->set_sandbox_async (self,
                                                    conversation_id,
                                                    backend,
                                                    sandbox_id,
                                                    cancellable,
                                                    callback,
                                                    user_data);
}

gboolean
frag_history_set_sandbox_finish (FragHistory   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return FRAG_HISTORY_GET_IFACE (self)->set_sandbox_finish (self, result, error);
}

void
frag_history_rename_conversation_async (FragHistory          *self,
                                        gint64                conversation_id,
                                        const char           *title,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->rename_conversation_async (self,
                                                            conversation_id,
                                                            title,
                                                            cancellable,
                                                            callback,
                                                            user_data);
}

gboolean
frag_history_rename_conversation_finish (FragHistory   *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return FRAG_HISTORY_GET_IFACE (self)->rename_conversation_finish (self, result, error);
}

void
frag_history_delete_conversation_async (FragHistory          *self,
                                        gint64                conversation_id,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->delete_conversation_async (self,
                                                            conversation_id,
                                                            cancellable,
                                                            callback,
                                                            user_data);
}

gboolean
frag_history_delete_conversation_finish (FragHistory   *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return FRAG_HISTORY_GET_IFACE (self)->delete_conversation_finish (self, result, error);
}

void
frag_history_delete_messages_from_async (FragHistory          *self,
                                         gint64                conversation_id,
                                         gint64                message_id,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->delete_messages_from_async (self,
                                                             conversation_id,
                                                             message_id,
                                                             cancellable,
                                                             callback,
                                                             user_data);
}

gboolean
frag_history_delete_messages_from_finish (FragHistory   *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return FRAG_HISTORY_GET_IFACE (self)->delete_messages_from_finish (self, result, error);
}

void
frag_history_load_conversation_async (FragHistory          *self,
                                      gint64                conversation_id,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->load_conversation_async (self,
                                                          conversation_id,
                                                          cancellable,
                                                          callback,
                                                          user_data);
}

FragStoredConversation *
frag_history_load_conversation_finish (FragHistory   *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return FRAG_HISTORY_GET_IFACE (self)->load_conversation_finish (self, result, error);
}

void
frag_history_list_conversations_async (FragHistory          *self,
                                       guint                 offset,
                                       guint                 limit,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->list_conversations_async (self,
                                                           offset,
                                                           limit,
                                                           cancellable,
                                                           callback,
                                                           user_data);
}

GListModel             *
frag_history_list_conversations_finish (FragHistory   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return FRAG_HISTORY_GET_IFACE (self)->list_conversations_finish (self, result, error);
}

void
frag_history_search_async (FragHistory          *self,
                           const char           *query,
                           guint                 offset,
                           guint                 limit,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  g_return_if_fail (FRAG_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  FRAG_HISTORY_GET_IFACE (self)->search_async (self,
                                               query,
                                               offset,
                                               limit,
                                               cancellable,
                                               callback,
                                               user_data);
}

GListModel             *
frag_history_search_finish (FragHistory   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (FRAG_IS_HISTORY (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return FRAG_HISTORY_GET_IFACE (self)->search_finish (self, result, error);
}
