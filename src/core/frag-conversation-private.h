/* frag-conversation-private.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-conversation.h"
#include "frag-generation.h"
#include "frag-llm-request.h"
#include "frag-sandbox-driver.h"

G_BEGIN_DECLS

typedef enum
{
  TURN_SEND,       /* a new prompt */
  TURN_RETRY,      /* a new answer to the newest prompt */
  TURN_RUN_EDIT,   /* no model: run the user's edit */
} TurnKind;

/* One turn, from the call to the callback. Owned by the conversation while it runs. */
typedef struct
{
  FragConversation *self;             /* a reference */
  TurnKind          kind;
  GTask            *task;
  GCancellable     *cancellable;      /* ours; stop() cancels it */
  GCancellable     *caller_cancellable;
  gulong            caller_handler;

  FragMessage      *user;             /* the prompt answered (NULL for a run) */
  FragMessage      *assistant;
  FragLlmRequest   *request;          /* holds the key while the turn lives */
  FragGeneration   *generation;
  gulong            changed_handler;
  guint             partial_source;
  guint             retry_source;
  guint             attempt;          /* retries made */

  /* Speculation: what was started for the streaming fragment. */
  char             *speculated_template;
  char             *speculated_install;
  /* After the model changed its template, an install command counts only once it was
   * written again: until then the parser still holds the old template's. */
  gboolean          template_changed;
  gboolean          install_rewritten;

  FragFragment     *fragment;         /* what runs */
  gint64            version_id;
  gboolean          running;          /* the sandbox part has begun */

  GError           *error;            /* what ends the turn, once known */
  /* What to do once the conversation exists in the history. */
  void            (*after_create)     (gpointer turn);
} Turn;

struct _FragConversation
{
  GObject                parent_instance;

  FragProvider          *provider;
  FragSandbox           *sandbox;          /* NULL: generate only */
  FragSandboxDriver     *driver;           /* NULL with the sandbox */
  FragHistory           *history;
  FragKeyring           *keyring;
  FragTemplateCatalog   *templates;

  char                  *provider_id;
  char                  *model_id;
  char                  *template_id;
  char                  *api_key;
  gboolean               api_key_required;
  gboolean               speculation;
  guint                  context_budget;
  guint                  max_retries;
  guint                  base_delay_ms;
  guint                  max_delay_ms;
  double                 delay_scale;
  guint                  partial_interval_ms;

  gint64                 id;
  gboolean               titled_by_fragment;
  GListStore            *messages;
  FragConversationPhase  phase;
  char                  *phase_detail;
  FragFragment          *fragment;
  gint64                 version_id;
  gboolean               fragment_is_edit;
  FragFragment          *partial_fragment;
  FragResult            *result;
  GError                *error;
  double                 error_retry_after;

  FragGeneration        *generation;       /* the current or last turn's */
  Turn                  *turn;
  gulong                 phase_handler;
  gulong                 log_handler;
  gboolean               closed;

  /* Keeping a shown web app's sandbox alive (frag-conversation-keep-alive.c). */
  gboolean               preview_active;
  guint                  keep_alive_interval_ms;
  guint                  keep_alive_seconds;
  guint                  keep_alive_source;
  gint64                 keep_alive_last;       /* monotonic time of the last one sent, or 0 */
  gboolean               keep_alive_in_flight;
  gboolean               keep_alive_gone;       /* the sandbox expired: wait for a new result */
};

/* frag-conversation.c */
void     _frag_conversation_set_phase    (FragConversation      *self,
                                          FragConversationPhase  phase,
                                          const char            *detail);
void     _frag_conversation_set_error    (FragConversation      *self,
                                          const GError          *error,
                                          double                 retry_after);
void     _frag_conversation_set_fragment (FragConversation      *self,
                                          FragFragment          *fragment,
                                          gint64                 version_id,
                                          gboolean               is_edit);
void     _frag_conversation_set_partial  (FragConversation      *self,
                                          FragFragment          *partial);
void     _frag_conversation_set_result   (FragConversation      *self,
                                          FragResult            *result);
void     _frag_conversation_notify_busy  (FragConversation      *self);

/* frag-conversation-keep-alive.c */
void     _frag_conversation_init_keep_alive   (FragConversation *self);
void     _frag_conversation_update_keep_alive (FragConversation *self);
void     _frag_conversation_clear_keep_alive  (FragConversation *self);

/* frag-conversation-turn.c */
Turn    *_frag_turn_new                  (FragConversation      *self,
                                          TurnKind               kind,
                                          gpointer               source_tag,
                                          GCancellable          *cancellable,
                                          GAsyncReadyCallback    callback,
                                          gpointer               user_data);
void     _frag_turn_start_send           (Turn                  *turn,
                                          const char            *prompt,
                                          GPtrArray             *attachments);
void     _frag_turn_start_retry          (Turn                  *turn,
                                          FragMessage           *prompt);
void     _frag_turn_start_run_edit       (Turn                  *turn,
                                          FragFragment          *edited);
void     _frag_turn_stop                 (Turn                  *turn);

G_END_DECLS
