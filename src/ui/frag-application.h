/* frag-application.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "frag-history.h"
#include "frag-keyring.h"
#include "frag-model-catalog.h"
#include "frag-orphan-sandboxes.h"
#include "frag-provider-registry.h"
#include "frag-template-catalog.h"
#include "frag-user-providers.h"

G_BEGIN_DECLS

#define FRAG_TYPE_APPLICATION (frag_application_get_type ())

G_DECLARE_FINAL_TYPE (FragApplication, frag_application, FRAG, APPLICATION, AdwApplication)

/* The application is one of the two composition roots (DESIGN.md): it owns the services
 * every window shares — the history store, the keyring, the provider registry, the
 * template and model catalogs — and picks their concrete classes. */
FragApplication      *frag_application_new                    (const char        *application_id,
                                                               GApplicationFlags  flags);
/* The ids of the templates a fragment may name (built-ins plus the user's templates.json),
 * NULL-terminated, owned by the application; valid after startup. */
const char * const   *frag_application_get_known_templates    (FragApplication   *self);
/* Valid after startup. Borrowed. */
FragTemplateCatalog  *frag_application_get_templates          (FragApplication   *self);
FragModelCatalog     *frag_application_get_models             (FragApplication   *self);
FragProviderRegistry *frag_application_get_provider_registry  (FragApplication   *self);
/* The user's OpenAI-compatible services (Preferences → Providers). */
FragUserProviders    *frag_application_get_user_providers     (FragApplication   *self);
FragKeyring          *frag_application_get_keyring            (FragApplication   *self);
/* Replaces the keyring the application would make (the Secret Service) before startup:
 * for tests, which use an in-memory one. */
void                  frag_application_set_keyring            (FragApplication   *self,
                                                               FragKeyring       *keyring);
/* The history, or NULL while it is being opened (property "history" notifies). */
FragHistory          *frag_application_get_history            (FragApplication   *self);
/* Notices about startup (a bad user file, a damaged history moved aside), each given
 * once: the caller shows them. New array of plain-text strings, possibly empty. */
GPtrArray            *frag_application_take_notices           (FragApplication   *self);
/* The check for E2B sandboxes of earlier sessions, scheduled at startup. Borrowed; NULL
 * before startup and after shutdown. */
FragOrphanSandboxes  *frag_application_get_orphan_sandboxes   (FragApplication   *self);

G_END_DECLS
