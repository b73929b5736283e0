/* frag-user-providers.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-provider-registry.h"

G_BEGIN_DECLS

#define FRAG_TYPE_USER_PROVIDERS (frag_user_providers_get_type ())

G_DECLARE_FINAL_TYPE (FragUserProviders, frag_user_providers, FRAG, USER_PROVIDERS, GObject)

/* The user's OpenAI-compatible services (providers.json, see frag-provider-registry.h)
 * as the app uses them: registered with the registry, their models offered in the
 * model picker ("<model> — <provider name>"), added and removed in Preferences. Every
 * change is written to the file at once. */

/* path: NULL for $XDG_CONFIG_HOME/fragment-studio/providers.json. */
FragUserProviders *frag_user_providers_new        (FragProviderRegistry  *registry,
                                                   const char            *path);
/* Reads the file and registers its services. A bad file leaves the list empty and
 * returns FALSE with an error naming it (the app shows it as a notice). */
gboolean           frag_user_providers_load       (FragUserProviders     *self,
                                                   GError               **error);
/* Element type FragUserProvider, in file order. Borrowed. */
GPtrArray         *frag_user_providers_get_list   (FragUserProviders     *self);
/* A GListModel of FragModel: one per model id of every service. */
GListModel        *frag_user_providers_get_models (FragUserProviders     *self);
/* Adds a service named name (its id made from the name, unique among all providers)
 * with one model (model_id may be NULL or empty: none yet), registers it and saves the
 * file. Returns the new id, or NULL with G_IO_ERROR_INVALID_ARGUMENT for an empty
 * name or a base URL that is not http(s), or the write's error (nothing changes). */
char              *frag_user_providers_add        (FragUserProviders     *self,
                                                   const char            *name,
                                                   const char            *base_url,
                                                   const char            *model_id,
                                                   GError               **error);
/* Removes the service and its models and saves the file. The registry keeps the
 * client until the app restarts, but nothing offers it any more. */
gboolean           frag_user_providers_remove     (FragUserProviders     *self,
                                                   const char            *provider_id,
                                                   GError               **error);

G_END_DECLS
