/* frag-memory-keyring.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-memory-keyring"

#include "config.h"

#include "frag-memory-keyring.h"

struct _FragMemoryKeyring
{
  GObject     parent_instance;
  /* Owned: provider id -> key (wiped when removed). */
  GHashTable *keys;
  GError     *failure;
  guint       n_lookups;
};

static void frag_memory_keyring_iface_init (FragKeyringInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FragMemoryKeyring, frag_memory_keyring, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FRAG_TYPE_KEYRING, frag_memory_keyring_iface_init))

/* GTask defers a result returned inside the _async call to the next main loop iteration,
 * so callbacks arrive asynchronously, as from a real keyring. */
static gboolean
return_failure_if_set (FragMemoryKeyring *self,
                       GTask             *task)
{
  if (self->failure == NULL)
    return FALSE;
  g_task_return_error (task, g_error_copy (self->failure));
  return TRUE;
}

static void
frag_memory_keyring_store_key_async (FragKeyring         *keyring,
                                     const char          *provider,
                                     const char          *key,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  FragMemoryKeyring *self = FRAG_MEMORY_KEYRING (keyring);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, frag_memory_keyring_store_key_async);
  if (return_failure_if_set (self, task) || g_task_return_error_if_cancelled (task))
    return;
  g_hash_table_replace (self->keys, g_strdup (provider), g_strdup (key));
  g_task_return_boolean (task, TRUE);
}

static gboolean
frag_memory_keyring_store_key_finish (FragKeyring   *keyring,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, keyring), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
frag_memory_keyring_lookup_key_async (FragKeyring         *keyring,
                                      const char          *provider,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  FragMemoryKeyring *self = FRAG_MEMORY_KEYRING (keyring);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const char *key;

  g_task_set_source_tag (task, frag_memory_keyring_lookup_key_async);
  self->n_lookups++;
  if (return_failure_if_set (self, task) || g_task_return_error_if_cancelled (task))
    return;
  key = g_hash_table_lookup (self->keys, provider);
  g_task_return_pointer (task, g_strdup (key), (GDestroyNotify)frag_keyring_free_key);
}

static char *
frag_memory_keyring_lookup_key_finish (FragKeyring   *keyring,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, keyring), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
frag_memory_keyring_delete_key_async (FragKeyring         *keyring,
                                      const char          *provider,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  FragMemoryKeyring *self = FRAG_MEMORY_KEYRING (keyring);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  gboolean deleted;

  g_task_set_source_tag (task, frag_memory_keyring_delete_key_async);
  if (return_failure_if_set (self, task) || g_task_return_error_if_cancelled (task))
    return;
  deleted = g_hash_table_remove (self->keys, provider);
  g_task_return_pointer (task, GINT_TO_POINTER (deleted ? 2 : 1), NULL);
}

static gboolean
frag_memory_keyring_delete_key_finish (FragKeyring   *keyring,
                                       GAsyncResult  *result,
                                       gboolean      *deleted,
                                       GError       **error)
{
  gpointer outcome;

  g_return_val_if_fail (g_task_is_valid (result, keyring), FALSE);
  /* 1: nothing was stored, 2: a key was deleted; NULL only with an error. */
  outcome = g_task_propagate_pointer (G_TASK (result), error);
  if (deleted != NULL)
    *deleted = GPOINTER_TO_INT (outcome) == 2;
  return outcome != NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static void
frag_memory_keyring_list_providers_async (FragKeyring         *keyring,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  FragMemoryKeyring *self = FRAG_MEMORY_KEYRING (keyring);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer provider;

  g_task_set_source_tag (task, frag_memory_keyring_list_providers_async);
  if (return_failure_if_set (self, task) || g_task_return_error_if_cancelled (task))
    return;
  g_hash_table_iter_init (&iter, self->keys);
  while (g_hash_table_iter_next (&iter, &provider, NULL))
    g_ptr_array_add (ids, g_strdup (provider));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&ids), FALSE), (GDestroyNotify)g_strfreev);
}

static GStrv
frag_memory_keyring_list_providers_finish (FragKeyring   *keyring,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, keyring), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
frag_memory_keyring_iface_init (FragKeyringInterface *iface)
{
  iface->store_key_async = frag_memory_keyring_store_key_async;
  iface->store_key_finish = frag_memory_keyring_store_key_finish;
  iface->lookup_key_async = frag_memory_keyring_lookup_key_async;
  iface->lookup_key_finish = frag_memory_keyring_lookup_key_finish;
  iface->delete_key_async = frag_memory_keyring_delete_key_async;
  iface->delete_key_finish = frag_memory_keyring_delete_key_finish;
  iface->list_providers_async = frag_memory_keyring_list_providers_async;
  iface->list_providers_finish = frag_memory_keyring_list_providers_finish;
}

static void
frag_memory_keyring_finalize (GObject *object)
{
  FragMemoryKeyring *self = (FragMemoryKeyring *)object;

  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_clear_error (&self->failure);

  G_OBJECT_CLASS (frag_memory_keyring_parent_class)->finalize (object);
}

static void
frag_memory_keyring_class_init (FragMemoryKeyringClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_memory_keyring_finalize;
}

static void
frag_memory_keyring_init (FragMemoryKeyring *self)
{
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)frag_keyring_free_key);
}

FragMemoryKeyring *
frag_memory_keyring_new (void)
{
  return g_object_new (FRAG_TYPE_MEMORY_KEYRING, NULL);
}

void
frag_memory_keyring_set_failure (FragMemoryKeyring *self,
                                 const GError      *error)
{
  g_return_if_fail (FRAG_IS_MEMORY_KEYRING (self));

  g_clear_error (&self->failure);
  if (error != NULL)
    self->failure = g_error_copy (error);
}

guint
frag_memory_keyring_get_n_lookups (FragMemoryKeyring *self)
{
  g_return_val_if_fail (FRAG_IS_MEMORY_KEYRING (self), 0);
  return self->n_lookups;
}
