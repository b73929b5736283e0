/* frag-memory-keyring.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-keyring.h"

G_BEGIN_DECLS

/* A FragKeyring that keeps keys in process memory: for tests of the pipeline and of
 * key resolution, never for the app. It can be told to fail like a missing Secret
 * Service does, so callers' fallback paths can be tested without D-Bus. */
#define FRAG_TYPE_MEMORY_KEYRING (frag_memory_keyring_get_type ())

G_DECLARE_FINAL_TYPE (FragMemoryKeyring, frag_memory_keyring, FRAG, MEMORY_KEYRING, GObject)

FragMemoryKeyring *frag_memory_keyring_new             (void);
/* From now on every operation fails with this error (a copy is kept); NULL heals it. */
void               frag_memory_keyring_set_failure     (FragMemoryKeyring *self,
                                                        const GError      *error);
/* How many lookups were made, so tests can tell a key came from the environment first. */
guint              frag_memory_keyring_get_n_lookups   (FragMemoryKeyring *self);

G_END_DECLS
