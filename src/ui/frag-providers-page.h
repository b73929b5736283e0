/* frag-providers-page.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "frag-keyring.h"
#include "frag-user-providers.h"

G_BEGIN_DECLS

#define FRAG_TYPE_PROVIDERS_PAGE (frag_providers_page_get_type ())

G_DECLARE_FINAL_TYPE (FragProvidersPage, frag_providers_page, FRAG, PROVIDERS_PAGE, AdwPreferencesPage)

/* Preferences → Providers: the user's OpenAI-compatible services, listed with a remove
 * button each, and "Add Provider…" (name, base URL, a model id, an optional key that
 * goes to the keyring under the new provider's id). */
GtkWidget *frag_providers_page_new             (FragUserProviders  *providers,
                                                FragKeyring        *keyring);
/* What the dialog's Add does. Returns the new provider's id, or NULL and the error
 * (the dialog shows it as a toast). The key, when not empty, is stored asynchronously;
 * a keyring failure is a toast. */
char      *frag_providers_page_add_provider    (FragProvidersPage  *self,
                                                const char         *name,
                                                const char         *base_url,
                                                const char         *model_id,
                                                const char         *api_key,
                                                GError            **error);
/* What a row's remove button does; its stored key is deleted too. */
gboolean   frag_providers_page_remove_provider (FragProvidersPage  *self,
                                                const char         *provider_id,
                                                GError            **error);
/* The number of rows listed (for tests). */
guint      frag_providers_page_get_n_rows      (FragProvidersPage  *self);

G_END_DECLS
