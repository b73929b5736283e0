/* frag-application-private.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-application.h"
#include "frag-template-catalog.h"

G_BEGIN_DECLS

struct _FragApplication
{
  AdwApplication       parent_instance;

  /* Owned */
  GSettings           *settings;
  FragTemplateCatalog *templates;
  /* What was wrong with the user's templates.json, shown once in the first window. */
  GError              *templates_error;
};

void _frag_application_actions_init (FragApplication *self);

G_END_DECLS
