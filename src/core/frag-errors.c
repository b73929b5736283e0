/* frag-errors.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-errors"

#include "config.h"

#include "frag-errors.h"

G_DEFINE_QUARK (frag-fragment-error-quark, frag_fragment_error)
G_DEFINE_QUARK (frag-partial-json-error-quark, frag_partial_json_error)
G_DEFINE_QUARK (frag-provider-error-quark, frag_provider_error)
G_DEFINE_QUARK (frag-sandbox-error-quark, frag_sandbox_error)
G_DEFINE_QUARK (frag-history-error-quark, frag_history_error)
G_DEFINE_QUARK (frag-keyring-error-quark, frag_keyring_error)
