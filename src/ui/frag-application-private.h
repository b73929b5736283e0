/* frag-application-private.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-application.h"
#include "frag-conversation.h"
#include "frag-orphan-sandboxes.h"

G_BEGIN_DECLS

struct _FragApplication
{
  AdwApplication        parent_instance;

  /* Owned */
  GSettings            *settings;
  FragTemplateCatalog  *templates;
  FragModelCatalog     *models;
  FragProviderRegistry *providers;
  FragUserProviders    *user_providers;    /* providers.json, registered with providers */
  FragKeyring          *keyring;
  FragHistory          *history;           /* NULL until the store is open */
  GCancellable         *history_cancellable;
  /* What was wrong with the user's templates.json or models.json, or what happened to
   * the history database; shown once, in the first window that can show it. */
  GPtrArray            *startup_notices;   /* of char*, plain text */
  /* E2B sandboxes left running by earlier sessions (frag-orphan-sandboxes.c). */
  FragOrphanSandboxes  *orphans;
  /* Conversations being closed that hold the application (frag-application-lifecycle.c). */
  guint                 n_closing;
};

void _frag_application_actions_init        (FragApplication  *self);

/* frag-application-lifecycle.c */
void _frag_application_close_conversation  (FragApplication  *self,
                                            FragConversation *conversation);
void _frag_application_window_leaving      (FragApplication  *self,
                                            GtkWindow        *window);
void _frag_application_finish_closes       (FragApplication  *self);

G_END_DECLS
