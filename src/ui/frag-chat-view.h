/* frag-chat-view.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "frag-history-records.h"
#include "frag-model-catalog.h"
#include "frag-template-catalog.h"

G_BEGIN_DECLS

#define FRAG_TYPE_CHAT_VIEW (frag_chat_view_get_type ())

G_DECLARE_FINAL_TYPE (FragChatView, frag_chat_view, FRAG, CHAT_VIEW, GtkWidget)

/* The chat side: the model and template pickers, the messages (or the empty state
 * while there are none) and the composer. It only displays: sending activates
 * win.send-prompt with the text, the Stop button win.stop; the window owns the turns.
 * The pickers remember their choice in GSettings (last-model, last-template). */
GtkWidget    *frag_chat_view_new                  (void);
void          frag_chat_view_set_catalogs         (FragChatView        *self,
                                                   FragModelCatalog    *models,
                                                   FragTemplateCatalog *templates);
/* More models for the picker, after the catalog's: a GListModel of FragModel (the
 * user's services', FragUserProviders), or NULL. */
void          frag_chat_view_set_user_models      (FragChatView        *self,
                                                   GListModel          *user_models);
/* A GListModel of FragMessage (FragConversation:messages), or NULL. */
void          frag_chat_view_set_messages         (FragChatView        *self,
                                                   GListModel          *messages);
/* While busy the composer keeps its text but shows Stop instead of Send. */
void          frag_chat_view_set_busy             (FragChatView        *self,
                                                   gboolean             busy);
/* The model picked, or NULL when the catalog is empty. Borrowed. */
FragModel    *frag_chat_view_get_model            (FragChatView        *self);
/* A template id or "auto". */
const char   *frag_chat_view_get_template_id      (FragChatView        *self);
/* The composer's text (for tests and the window); set_prompt replaces it. */
char         *frag_chat_view_dup_prompt           (FragChatView        *self);
void          frag_chat_view_set_prompt           (FragChatView        *self,
                                                   const char          *prompt);
/* Sends what the composer holds, as Enter does. */
void          frag_chat_view_send                 (FragChatView        *self);
void          frag_chat_view_focus_composer       (FragChatView        *self);

/* Images for the next prompt (element type FragAttachment, borrowed): only while the
 * picked model is multimodal; picking another model removes them with a notice. */
gboolean      frag_chat_view_get_can_attach       (FragChatView        *self);
GPtrArray    *frag_chat_view_get_attachments      (FragChatView        *self);
/* Takes a copy. */
void          frag_chat_view_add_attachment       (FragChatView        *self,
                                                   const FragAttachment *attachment);
void          frag_chat_view_remove_attachment    (FragChatView        *self,
                                                   guint                index);
void          frag_chat_view_clear_attachments    (FragChatView        *self);
/* What Attach Image… does with each chosen file: reads it (refusing files over
 * FRAG_IMAGE_ATTACHMENT_MAX_BYTES and non-images) and adds it. The button's own
 * callback shows the error as a toast. */
void          frag_chat_view_attach_file_async    (FragChatView        *self,
                                                   GFile               *file,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean      frag_chat_view_attach_file_finish   (FragChatView        *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
