/* frag-keyring.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-errors.h"

G_BEGIN_DECLS

/* Where API keys live, one per provider id ("openai", "anthropic", ..., "e2b").
 * store/'s FragSecretKeyring implements it with libsecret; FragMemoryKeyring is the
 * in-memory one for tests. Errors are FRAG_KEYRING_ERROR (UNAVAILABLE: no Secret
 * Service, LOCKED) or G_IO_ERROR_CANCELLED, and their messages name the environment
 * variable to use instead. Keys never appear in an error message or a log.
 */
#define FRAG_TYPE_KEYRING (frag_keyring_get_type ())

G_DECLARE_INTERFACE (FragKeyring, frag_keyring, FRAG, KEYRING, GObject)

struct _FragKeyringInterface
{
  GTypeInterface parent_iface;

  void      (*store_key_async)       (FragKeyring          *self,
                                      const char           *provider,
                                      const char           *key,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  gboolean  (*store_key_finish)      (FragKeyring          *self,
                                      GAsyncResult         *result,
                                      GError              **error);
  void      (*lookup_key_async)      (FragKeyring          *self,
                                      const char           *provider,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  char     *(*lookup_key_finish)     (FragKeyring          *self,
                                      GAsyncResult         *result,
                                      GError              **error);
  void      (*delete_key_async)      (FragKeyring          *self,
                                      const char           *provider,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  gboolean  (*delete_key_finish)     (FragKeyring          *self,
                                      GAsyncResult         *result,
                                      gboolean             *deleted,
                                      GError              **error);
  void      (*list_providers_async)  (FragKeyring          *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  GStrv     (*list_providers_finish) (FragKeyring          *self,
                                      GAsyncResult         *result,
                                      GError              **error);
};

/* Stores (or replaces) the provider's key. */
void        frag_keyring_store_key_async       (FragKeyring          *self,
                                                const char           *provider,
                                                const char           *key,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean    frag_keyring_store_key_finish      (FragKeyring          *self,
                                                GAsyncResult         *result,
                                                GError              **error);
/* The stored key, or NULL with no error when there is none. Free it with
 * frag_keyring_free_key(), which wipes it. */
void        frag_keyring_lookup_key_async      (FragKeyring          *self,
                                                const char           *provider,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
char       *frag_keyring_lookup_key_finish     (FragKeyring          *self,
                                                GAsyncResult         *result,
                                                GError              **error);
/* *deleted (may be NULL) tells whether a key was there. */
void        frag_keyring_delete_key_async      (FragKeyring          *self,
                                                const char           *provider,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean    frag_keyring_delete_key_finish     (FragKeyring          *self,
                                                GAsyncResult         *result,
                                                gboolean             *deleted,
                                                GError              **error);
/* The provider ids that have a stored key, sorted; never the keys. */
void        frag_keyring_list_providers_async  (FragKeyring          *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GStrv       frag_keyring_list_providers_finish (FragKeyring          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* Overwrites the key's bytes, then frees it. NULL is fine. */
void        frag_keyring_free_key              (char                 *key);

/* "OpenAI" for "openai" (the names users know from the providers' sites); an unknown
 * (user-added) provider's id is its own name. */
const char *frag_keyring_provider_display_name (const char           *provider);
/* The environment variable that holds the provider's key, as DESIGN.md lists them
 * ("OPENAI_API_KEY", "E2B_API_KEY", ...); for a user-added provider, its id upper-cased
 * with other characters as '_' plus "_API_KEY". NULL for ollama, which takes no key. */
char       *frag_keyring_dup_env_var_name      (const char           *provider);
/* A provider id is lowercase ASCII letters, digits, '-' and '_' (1-64 characters). */
gboolean    frag_keyring_provider_id_is_valid  (const char           *provider);

typedef enum
{
  FRAG_KEY_SOURCE_NONE,
  FRAG_KEY_SOURCE_FLAG,
  FRAG_KEY_SOURCE_ENVIRONMENT,
  FRAG_KEY_SOURCE_KEYRING,
} FragKeySource;

/* The key to use for provider, with DESIGN.md's precedence: explicit_key (a command-line
 * flag or a setting the caller owns) > the environment variable > the keyring (may be
 * NULL: skipped). When none has one: FRAG_PROVIDER_ERROR_NO_KEY, whose message names the
 * environment variable and `frag keys set`, and says why the keyring could not help
 * when it failed (unavailable, locked). *source (may be NULL) tells where the key came
 * from. Free the key with frag_keyring_free_key(). */
void        frag_keyring_resolve_key_async     (FragKeyring          *keyring,
                                                const char           *provider,
                                                const char           *explicit_key,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
char       *frag_keyring_resolve_key_finish    (GAsyncResult         *result,
                                                FragKeySource        *source,
                                                GError              **error);

G_END_DECLS
