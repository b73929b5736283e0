/* frag-context-builder.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-fragment.h"
#include "frag-llm-request.h"

G_BEGIN_DECLS

/* Context sent when nothing is known about a model's window. Small on purpose: a
 * conversation that outgrows it loses its oldest turns, not the request. */
#define FRAG_CONTEXT_DEFAULT_BUDGET_TOKENS 32000

/* The conversation as the model sees it on the next turn, compact: user prompts as
 * typed (images only on the newest prompt), each earlier fragment summarised (its
 * commentary, title, description and file path), and the newest one with its code in
 * full, as the conversation holds it now (a user edit included). Failed and interrupted
 * answers are left out; prompts left without an answer are joined to the next one, so
 * turns alternate as every provider wants. When the estimate exceeds the budget, the
 * oldest turns go first; the newest prompt and the current code always stay. */

/* A cheap estimate of the tokens of a text: about four characters each. */
guint frag_context_estimate_tokens (const char     *text);
/* The context window to fill for a model id (known families by prefix), less room for
 * the answer; FRAG_CONTEXT_DEFAULT_BUDGET_TOKENS for an unknown model. */
guint frag_context_budget_for_model (const char     *model_id);
/* Appends the turns of messages (a GListModel of FragMessage whose last user message
 * is the new prompt; an answer streaming for it may follow) to request, counting its
 * system prompt against budget_tokens. current: the fragment the code view shows (may
 * be NULL); current_is_edit: it is a user edit of the newest answer's fragment.
 * Returns the number of messages left out for the budget. */
guint frag_context_build           (FragLlmRequest *request,
                                    GListModel     *messages,
                                    FragFragment   *current,
                                    gboolean        current_is_edit,
                                    guint           budget_tokens);

G_END_DECLS
