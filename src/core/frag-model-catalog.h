/* frag-model-catalog.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One model of resources/models.json, E2B Fragments' format:
 *   {"id": "gpt-4o", "name": "GPT-4o", "provider": "OpenAI", "providerId": "openai",
 *    "multiModal": true}
 * multiModal decides whether the UI offers image upload. Immutable. */
#define FRAG_TYPE_MODEL (frag_model_get_type ())

G_DECLARE_FINAL_TYPE (FragModel, frag_model, FRAG, MODEL, GObject)

FragModel  *frag_model_new             (const char *id,
                                        const char *name,
                                        const char *provider,
                                        const char *provider_id,
                                        gboolean    multi_modal);
const char *frag_model_get_id          (FragModel  *self);
const char *frag_model_get_name        (FragModel  *self);
/* The provider's display name, e.g. "Google Generative AI". */
const char *frag_model_get_provider    (FragModel  *self);
/* E2B Fragments' providerId, e.g. "google": what `frag --provider` takes. */
const char *frag_model_get_provider_id (FragModel  *self);
gboolean    frag_model_get_multi_modal (FragModel  *self);

/* A provider of the catalog: id (a providerId) and display name. Immutable. */
#define FRAG_TYPE_MODEL_PROVIDER (frag_model_provider_get_type ())

G_DECLARE_FINAL_TYPE (FragModelProvider, frag_model_provider, FRAG, MODEL_PROVIDER, GObject)

const char *frag_model_provider_get_id   (FragModelProvider *self);
const char *frag_model_provider_get_name (FragModelProvider *self);

/* The built-in models merged with the user's file. A GListModel of FragModel, in file
 * order (built-ins first; a user model with the provider id and id of a built-in one
 * replaces it in place). The file also has a "providers" array of {"id", "name"},
 * which Fragments' file does not; a model's provider must be listed there. */
#define FRAG_TYPE_MODEL_CATALOG (frag_model_catalog_get_type ())

G_DECLARE_FINAL_TYPE (FragModelCatalog, frag_model_catalog, FRAG, MODEL_CATALOG, GObject)

/* Only the built-in models (resources/models.json). */
FragModelCatalog  *frag_model_catalog_new_builtin       (void);
/* Built-ins merged with user_file (NULL: $XDG_CONFIG_HOME/fragment-studio/models.json).
 * A missing user file is fine. A bad one is not fatal: the built-ins are returned and
 * *user_file_error (G_IO_ERROR) names the file and the entry that is wrong. */
FragModelCatalog  *frag_model_catalog_new               (const char        *user_file,
                                                         GError           **user_file_error);
/* provider_id may be NULL: the first model with that id. Borrowed. */
FragModel         *frag_model_catalog_lookup            (FragModelCatalog  *self,
                                                         const char        *provider_id,
                                                         const char        *id);
/* A new list of the provider's models, in catalog order. */
GListModel        *frag_model_catalog_list_for_provider (FragModelCatalog  *self,
                                                         const char        *provider_id);
/* The providers, a GListModel of FragModelProvider in file order. Borrowed. */
GListModel        *frag_model_catalog_get_providers     (FragModelCatalog  *self);
FragModelProvider *frag_model_catalog_lookup_provider   (FragModelCatalog  *self,
                                                         const char        *provider_id);

G_END_DECLS
