/* frag-application.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FRAG_TYPE_APPLICATION (frag_application_get_type ())

G_DECLARE_FINAL_TYPE (FragApplication, frag_application, FRAG, APPLICATION, AdwApplication)

FragApplication    *frag_application_new                    (const char        *application_id,
                                                             GApplicationFlags  flags);
/* The ids of the templates a fragment may name (built-ins plus the user's templates.json),
 * NULL-terminated, owned by the application; valid after startup. */
const char * const *frag_application_get_known_templates    (FragApplication   *self);

G_END_DECLS
