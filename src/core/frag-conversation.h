/* frag-conversation.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-error-hint.h"
#include "frag-fragment.h"
#include "frag-generation.h"
#include "frag-history.h"
#include "frag-keyring.h"
#include "frag-message.h"
#include "frag-provider.h"
#include "frag-result.h"
#include "frag-sandbox.h"
#include "frag-template-catalog.h"

G_BEGIN_DECLS

/* Where a conversation is, for the progress line and the buttons' sensitivity. */
typedef enum
{
  FRAG_CONVERSATION_PHASE_IDLE,
  FRAG_CONVERSATION_PHASE_SENDING,            /* storing the prompt, asking the model */
  FRAG_CONVERSATION_PHASE_WAITING_TO_RETRY,   /* detail: "Retrying in 7 s (attempt 2 of 4)" */
  FRAG_CONVERSATION_PHASE_STREAMING,          /* the fragment is arriving */
  FRAG_CONVERSATION_PHASE_PREPARING_SANDBOX,
  FRAG_CONVERSATION_PHASE_INSTALLING,
  FRAG_CONVERSATION_PHASE_RUNNING,
  FRAG_CONVERSATION_PHASE_WAITING_FOR_PORT,   /* detail: the sandbox's, e.g. "port 3000, attempt 4" */
  FRAG_CONVERSATION_PHASE_READY,              /* the result is there and the code succeeded */
  FRAG_CONVERSATION_PHASE_FAILED,             /* see :error, or :result's error */
  FRAG_CONVERSATION_PHASE_STOPPED,
} FragConversationPhase;

#define FRAG_TYPE_CONVERSATION_PHASE (frag_conversation_phase_get_type ())
GType       frag_conversation_phase_get_type  (void) G_GNUC_CONST;
const char *frag_conversation_phase_to_string (FragConversationPhase phase);

/* One conversation: prompt → streamed fragment → running result, for the window and
 * for `frag generate`. It holds the messages (a GListModel of FragMessage), the current
 * fragment and its stored versions, and drives a FragProvider, a FragSandbox and a
 * FragHistory, one turn at a time, never blocking the main loop:
 *
 *   send: the prompt is stored first (nothing typed is lost), the answer streams into
 *   an assistant message (checkpointed to the history as it grows; :partial-fragment
 *   notifies at most every partial-interval ms), the fragment is validated and stored
 *   as a version, run in the sandbox and its result stored.
 *
 * Speculation (on by default): as soon as the streaming fragment's template is
 * complete the sandbox is created (or reused) for it, and as soon as its install
 * command is complete the install runs, while the code is still streaming; if the
 * model then settles on another template, or its answer turns out unusable, that work
 * is cancelled and a sandbox made for it is killed.
 *
 * Failures end in a stored, visible state: the answer in state error with the
 * provider's message and a hint (frag_error_dup_hint()), a run that could not happen
 * as a stored result with an error. Transient provider failures before any output are
 * retried with backoff (honouring Retry-After); an expired sandbox is made again.
 *
 * Each _async completes when the turn is over: TRUE once a result is there (look at
 * :result for whether the code itself failed), FALSE with the error that ended it
 * (G_IO_ERROR_CANCELLED after frag_conversation_stop(), G_IO_ERROR_BUSY while another
 * turn runs). The same state is on the properties for a UI that only binds.
 *
 * Properties: "id" (the stored conversation, 0 until the first prompt is stored),
 * "messages", "phase", "phase-detail", "busy", "fragment" (current, possibly a user
 * edit), "partial-fragment" (while streaming), "result", "error" (GError), "can-fix",
 * "can-retry", "speculation", "provider-id", "model-id", "template-id".
 * Signals: "log" (FragSandboxStream stream, const char *line), forwarded from the
 * sandbox (install output, a server's output).
 */
#define FRAG_TYPE_CONVERSATION (frag_conversation_get_type ())

G_DECLARE_FINAL_TYPE (FragConversation, frag_conversation, FRAG, CONVERSATION, GObject)

/* keyring may be NULL (keys then come from the environment or set_api_key()).
 * sandbox may be NULL: fragments are then generated and stored but never run (no
 * speculation either), as `frag generate` without --run does. */
FragConversation      *frag_conversation_new                   (FragProvider         *provider,
                                                                FragSandbox          *sandbox,
                                                                FragHistory          *history,
                                                                FragKeyring          *keyring,
                                                                FragTemplateCatalog  *templates);

/* Configuration (between turns). */
void                   frag_conversation_set_provider          (FragConversation     *self,
                                                                FragProvider         *provider,
                                                                const char           *provider_id,
                                                                const char           *model_id);
const char            *frag_conversation_get_provider_id       (FragConversation     *self);
const char            *frag_conversation_get_model_id          (FragConversation     *self);
/* A template id, or "auto" (FRAG_PROMPT_TEMPLATE_AUTO, the default). */
void                   frag_conversation_set_template_id       (FragConversation     *self,
                                                                const char           *template_id);
const char            *frag_conversation_get_template_id       (FragConversation     *self);
/* A key given explicitly (a command-line flag); it wins over the environment and the
 * keyring. Kept in memory only, wiped when replaced. */
void                   frag_conversation_set_api_key           (FragConversation     *self,
                                                                const char           *api_key);
/* FALSE for keyless services (a local server): a missing key is then not an error. */
void                   frag_conversation_set_api_key_required  (FragConversation     *self,
                                                                gboolean              required);
void                   frag_conversation_set_speculation       (FragConversation     *self,
                                                                gboolean              speculation);
gboolean               frag_conversation_get_speculation       (FragConversation     *self);
/* Tokens of context to send; 0 (the default) picks by model. */
void                   frag_conversation_set_context_budget    (FragConversation     *self,
                                                                guint                 tokens);
/* Automatic retries of transient failures, the first backoff, and a factor applied to
 * every wait (tests make it small; 1.0 in the app). */
void                   frag_conversation_set_retry_policy      (FragConversation     *self,
                                                                guint                 max_retries,
                                                                guint                 base_delay_ms,
                                                                double                delay_scale);
void                   frag_conversation_set_retry_max_delay   (FragConversation     *self,
                                                                guint                 max_delay_ms);
/* How often :partial-fragment may notify (and the history be checkpointed). */
void                   frag_conversation_set_partial_interval  (FragConversation     *self,
                                                                guint                 interval_ms);

/* State. */
gint64                 frag_conversation_get_id                (FragConversation     *self);
GListModel            *frag_conversation_get_messages          (FragConversation     *self);
FragConversationPhase  frag_conversation_get_phase             (FragConversation     *self);
const char            *frag_conversation_get_phase_detail      (FragConversation     *self);
gboolean               frag_conversation_get_busy              (FragConversation     *self);
FragFragment          *frag_conversation_get_fragment          (FragConversation     *self);
/* The stored version of :fragment, 0 when none. */
gint64                 frag_conversation_get_version_id        (FragConversation     *self);
FragFragment          *frag_conversation_get_partial_fragment  (FragConversation     *self);
FragResult            *frag_conversation_get_result            (FragConversation     *self);
const GError          *frag_conversation_get_error             (FragConversation     *self);
/* What to do about :error (see frag-error-hint.h), or NULL. */
char                  *frag_conversation_dup_error_hint        (FragConversation     *self);
FragErrorAction        frag_conversation_get_error_action      (FragConversation     *self);
gboolean               frag_conversation_get_can_fix           (FragConversation     *self);
gboolean               frag_conversation_get_can_retry         (FragConversation     *self);
FragSandbox           *frag_conversation_get_sandbox           (FragConversation     *self);
/* The generation of the current turn (or of the last one, once it ended): its byte and
 * token counters and raw text, for a progress line. NULL before the first answer. */
FragGeneration        *frag_conversation_get_generation        (FragConversation     *self);

/* Turns. */
void                   frag_conversation_send_async            (FragConversation     *self,
                                                                const char           *prompt,
                                                                GPtrArray            *attachments,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
gboolean               frag_conversation_send_finish           (FragConversation     *self,
                                                                GAsyncResult         *result,
                                                                GError              **error);
/* Asks again for the newest prompt (its failed or unwanted answer leaves the chat and
 * the context; the history keeps it). */
void                   frag_conversation_retry_async           (FragConversation     *self,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
gboolean               frag_conversation_retry_finish          (FragConversation     *self,
                                                                GAsyncResult         *result,
                                                                GError              **error);
/* After a failed run (:can-fix): sends the error and the relevant output back to the
 * model as the next prompt, then runs its answer. */
void                   frag_conversation_fix_async             (FragConversation     *self,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
gboolean               frag_conversation_fix_finish            (FragConversation     *self,
                                                                GAsyncResult         *result,
                                                                GError              **error);
/* The user's edit of the current fragment becomes a new version (origin user-edit)
 * and runs in the same sandbox; the next prompt shows the model this code. */
void                   frag_conversation_run_edit_async        (FragConversation     *self,
                                                                FragFragment         *edited,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
gboolean               frag_conversation_run_edit_finish       (FragConversation     *self,
                                                                GAsyncResult         *result,
                                                                GError              **error);
/* Cancels the stream and the run; what arrived is kept and the answer marked
 * interrupted. The turn's callback then gets G_IO_ERROR_CANCELLED. */
void                   frag_conversation_stop                  (FragConversation     *self);
/* Removes the newest prompt and everything after it from the chat, from the context
 * sent to the model and (in the background; a failure is only logged) from the
 * history, with the versions and results they produced; the current fragment goes back
 * to the one before. FALSE when busy or there is nothing to undo. */
gboolean               frag_conversation_undo                  (FragConversation     *self);

/* Continues a stored conversation: its messages, versions and results. */
void                   frag_conversation_load_async            (FragConversation     *self,
                                                                gint64                conversation_id,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
gboolean               frag_conversation_load_finish           (FragConversation     *self,
                                                                GAsyncResult         *result,
                                                                GError              **error);
/* Keep-alive (the E2B timeout of the sandbox showing a web app): while the preview is
 * active (the UI shows the app to the user) and the current result has a URL, the
 * sandbox's life is extended to extend_seconds from now every interval_ms (default
 * every 60 s, to 300 s), through the sandbox driver so it never races a run or a kill.
 * It stops when the preview is inactive, while a turn runs, after a close, and after
 * the sandbox turned out to have expired (the next run makes a new one). Becoming
 * active sends one at once unless one went out less than interval_ms ago. */
void                   frag_conversation_set_preview_active    (FragConversation     *self,
                                                                gboolean              active);
gboolean               frag_conversation_get_preview_active    (FragConversation     *self);
void                   frag_conversation_set_keep_alive        (FragConversation     *self,
                                                                guint                 interval_ms,
                                                                guint                 extend_seconds);
/* Stops any turn and kills the sandbox. */
void                   frag_conversation_close_async           (FragConversation     *self,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
gboolean               frag_conversation_close_finish          (FragConversation     *self,
                                                                GAsyncResult         *result,
                                                                GError              **error);

G_END_DECLS
