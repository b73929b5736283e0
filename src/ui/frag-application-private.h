/* frag-application-private.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-application.h"

G_BEGIN_DECLS

struct _FragApplication
{
  AdwApplication        parent_instance;

  /* Owned */
  GSettings            *settings;
  FragTemplateCatalog  *templates;
  FragModelCatalog     *models;
  FragProviderRegistry *providers;
  FragKeyring          *keyring;
  FragHistory          *history;           /* NULL until the store is open */
  GCancellable         *history_cancellable;
  /* What was wrong with the user's templates.json or models.json, or what happened to
   * the history database; shown once, in the first window that can show it. */
  GPtrArray            *startup_notices;   /* of char*, plain text */
};

void _frag_application_actions_init (FragApplication *self);

G_END_DECLS
