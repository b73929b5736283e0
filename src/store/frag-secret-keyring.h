/* frag-secret-keyring.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsecret/secret.h>

#include "frag-keyring.h"

G_BEGIN_DECLS

/* FragKeyring on the Secret Service (GNOME Keyring, KWallet, the flatpak portal) via
 * libsecret: one item per provider, schema "io.github.fragmentstudio.FragmentStudio.ApiKey"
 * with attribute "provider", labelled "Fragment Studio: OpenAI API key" so users know
 * it in Seahorse. Every call is async and gives up after the timeout (an unlock prompt
 * nobody answers would wait forever). No Secret Service gives
 * FRAG_KEYRING_ERROR_UNAVAILABLE naming the environment variable to use instead; there
 * is deliberately no fallback to a file. */
#define FRAG_TYPE_SECRET_KEYRING (frag_secret_keyring_get_type ())

G_DECLARE_FINAL_TYPE (FragSecretKeyring, frag_secret_keyring, FRAG, SECRET_KEYRING, GObject)

#define FRAG_SECRET_KEYRING_DEFAULT_TIMEOUT_MS 20000

const SecretSchema *frag_secret_keyring_get_schema  (void);
FragSecretKeyring  *frag_secret_keyring_new         (void);
void                frag_secret_keyring_set_timeout (FragSecretKeyring *self,
                                                     guint              timeout_ms);
/* The label of the provider's item, e.g. "Fragment Studio: OpenAI API key". */
char               *frag_secret_keyring_dup_label   (const char        *provider);

G_END_DECLS
