/* frag-preferences-window.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "frag-keyring.h"
#include "frag-provider-registry.h"
#include "frag-user-providers.h"

G_BEGIN_DECLS

#define FRAG_TYPE_PREFERENCES_WINDOW (frag_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (FragPreferencesWindow, frag_preferences_window, FRAG, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* API keys (one password row per provider that takes a key, plus E2B), stored in and
 * deleted from the keyring asynchronously; a stored key is never read back or shown,
 * only marked as stored. The Sandbox page picks the backend (GSettings). */
GtkWidget  *frag_preferences_window_new           (FragKeyring           *keyring,
                                                   FragProviderRegistry  *registry);
/* Adds the Providers page (frag-providers-page.h), after API Keys. */
void        frag_preferences_window_set_user_providers (FragPreferencesWindow *self,
                                                        FragUserProviders     *providers);
/* The Providers page, or NULL before set_user_providers(). */
GtkWidget  *frag_preferences_window_get_providers_page (FragPreferencesWindow *self);
/* The row of a provider's key (for tests), or NULL. */
AdwEntryRow *frag_preferences_window_get_key_row  (FragPreferencesWindow *self,
                                                   const char            *provider);
/* TRUE when the keyring said it holds a key for provider. */
gboolean    frag_preferences_window_is_stored     (FragPreferencesWindow *self,
                                                   const char            *provider);
/* The message shown when the keyring cannot be used, or NULL. */
const char *frag_preferences_window_get_keyring_problem (FragPreferencesWindow *self);

G_END_DECLS
