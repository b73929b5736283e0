/* frag-message.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-fragment.h"
#include "frag-history-records.h"
#include "frag-result.h"

G_BEGIN_DECLS

#define FRAG_TYPE_MESSAGE_ROLE  (frag_message_role_get_type ())
#define FRAG_TYPE_MESSAGE_STATE (frag_message_state_get_type ())

GType frag_message_role_get_type  (void) G_GNUC_CONST;
GType frag_message_state_get_type (void) G_GNUC_CONST;

/* One chat message of a FragConversation, as the UI shows it: the items of
 * FragConversation:messages. Every property notifies, so a row bound to it follows a
 * streaming answer. Only the conversation changes a message (the setters are for it).
 *
 * Properties (read-only for the UI): "role" (FragMessageRole), "state"
 * (FragMessageState: streaming while the answer arrives, then complete, interrupted or
 * error), "text" (the user's prompt, or the assistant's commentary; for an answer the
 * model spoiled, its raw output), "error-message" and "error-hint" (what went wrong and
 * what the user can do, for state error), "fragment" (the assistant's fragment: partial
 * while streaming, then final), "result" (the run of that fragment), "history-id" (the
 * stored message's id, 0 until stored), "version-id" (the stored fragment version).
 */
#define FRAG_TYPE_MESSAGE (frag_message_get_type ())

G_DECLARE_FINAL_TYPE (FragMessage, frag_message, FRAG, MESSAGE, GObject)

FragMessage      *frag_message_new               (FragMessageRole   role,
                                                  FragMessageState  state,
                                                  const char       *text);

FragMessageRole   frag_message_get_role          (FragMessage      *self);
FragMessageState  frag_message_get_state         (FragMessage      *self);
const char       *frag_message_get_text          (FragMessage      *self);
const char       *frag_message_get_error_message (FragMessage      *self);
const char       *frag_message_get_error_hint    (FragMessage      *self);
/* Borrowed; NULL when the message has none (yet). */
FragFragment     *frag_message_get_fragment      (FragMessage      *self);
FragResult       *frag_message_get_result        (FragMessage      *self);
/* Element type FragAttachment, never NULL. Borrowed. */
GPtrArray        *frag_message_get_attachments   (FragMessage      *self);
gint64            frag_message_get_history_id    (FragMessage      *self);
gint64            frag_message_get_version_id    (FragMessage      *self);

/* For FragConversation. */
void              frag_message_set_state         (FragMessage      *self,
                                                  FragMessageState  state);
void              frag_message_set_text          (FragMessage      *self,
                                                  const char       *text);
void              frag_message_set_error         (FragMessage      *self,
                                                  const char       *error_message,
                                                  const char       *error_hint);
void              frag_message_set_fragment      (FragMessage      *self,
                                                  FragFragment     *fragment);
void              frag_message_set_result        (FragMessage      *self,
                                                  FragResult       *result);
/* Takes a copy of each FragAttachment; NULL clears them. */
void              frag_message_set_attachments   (FragMessage      *self,
                                                  GPtrArray        *attachments);
void              frag_message_set_history_id    (FragMessage      *self,
                                                  gint64            history_id);
void              frag_message_set_version_id    (FragMessage      *self,
                                                  gint64            version_id);

G_END_DECLS
