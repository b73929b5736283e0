/* frag-secret-keyring.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-secret-keyring"

#include "config.h"

#include "frag-secret-keyring.h"

struct _FragSecretKeyring
{
  GObject parent_instance;
  guint   timeout_ms;
};

static void frag_secret_keyring_iface_init (FragKeyringInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FragSecretKeyring, frag_secret_keyring, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FRAG_TYPE_KEYRING, frag_secret_keyring_iface_init))

const SecretSchema *
frag_secret_keyring_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.fragmentstudio.FragmentStudio.ApiKey", SECRET_SCHEMA_NONE,
    {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

char *
frag_secret_keyring_dup_label (const char *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return g_strdup_printf ("Fragment Studio: %s API key", frag_keyring_provider_display_name (provider));
}

/* One call to libsecret: the caller's task, and our own cancellable that fires when the
 * caller cancels or the timeout passes, whichever comes first. */
typedef struct
{
  GTask        *task;
  char         *provider;
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *timeout;
  gboolean      timed_out;
  guint         timeout_ms;
} Call;

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     gpointer      user_data)
{
  GCancellable *cancellable = user_data;

  g_cancellable_cancel (cancellable);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Call *call = user_data;

  call->timed_out = TRUE;
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static Call *
call_new (FragSecretKeyring   *self,
          const char          *provider,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  Call *call = g_new0 (Call, 1);

  call->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (call->task, source_tag);
  call->provider = g_strdup (provider);
  call->timeout_ms = self->timeout_ms;
  call->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      call->caller_cancellable = g_object_ref (cancellable);
      call->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                    g_object_ref (call->cancellable), g_object_unref);
    }
  call->timeout = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (call->timeout, timeout_cb, call, NULL);
  g_source_set_static_name (call->timeout, "[frag-secret-keyring] timeout");
  g_source_attach (call->timeout, g_task_get_context (call->task));
  return call;
}

/* Ends the call: returns nothing itself, but takes the task back for the caller to
 * return on, and frees the rest. */
static GTask *
call_finish (Call *call)
{
  GTask *task = call->task;

  g_source_destroy (call->timeout);
  g_source_unref (call->timeout);
  if (call->caller_cancellable != NULL)
    {
      g_cancellable_disconnect (call->caller_cancellable, call->caller_handler);
      g_object_unref (call->caller_cancellable);
    }
  g_object_unref (call->cancellable);
  g_free (call->provider);
  g_free (call);
  return task;
}

/* libsecret's error, turned into what the user can act on. The original message is
 * kept (it never holds a secret) and the environment variable is named. */
static GError *
map_error (Call   *call,
           GError *error)
{
  g_autofree char *env_var = call->provider != NULL ? frag_keyring_dup_env_var_name (call->provider) : NULL;
  g_autofree char *instead = env_var != NULL
    ? g_strdup_printf ("set %s in the environment instead", env_var)
    : g_strdup ("use the provider's environment variable instead (e.g. OPENAI_API_KEY)");
  GError *mapped;

  if (call->timed_out)
    mapped = g_error_new (FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_UNAVAILABLE,
                          "The system keyring did not answer within %u s (it may be waiting for an "
                          "unlock prompt); %s",
                          call->timeout_ms / 1000, instead);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  else if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    mapped = g_error_new (FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_LOCKED,
                          "The system keyring is locked (%s); unlock it, or %s",
                          error->message, instead);
  else
    mapped = g_error_new (FRAG_KEYRING_ERROR, FRAG_KEYRING_ERROR_UNAVAILABLE,
                          "No system keyring (Secret Service) is available (%s); %s. "
                          "Fragment Studio never stores keys in a file.",
                          error->message, instead);
  g_error_free (error);
  return mapped;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  gboolean ok = secret_password_store_finish (result, &error);
  GError *mapped = ok ? NULL : map_error (call, error);
  g_autoptr(GTask) task = call_finish (call);

  if (mapped != NULL)
    g_task_return_error (task, mapped);
  else
    g_task_return_boolean (task, TRUE);
}

static void
frag_secret_keyring_store_key_async (FragKeyring         *keyring,
                                     const char          *provider,
                                     const char          *key,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  FragSecretKeyring *self = FRAG_SECRET_KEYRING (keyring);
  Call *call = call_new (self, provider, frag_secret_keyring_store_key_async, cancellable, callback, user_data);
  g_autofree char *label = frag_secret_keyring_dup_label (provider);

  secret_password_store (frag_secret_keyring_get_schema (), SECRET_COLLECTION_DEFAULT, label, key,
                         call->cancellable, store_cb, call,
                         "provider", provider,
                         NULL);
}

static gboolean
frag_secret_keyring_store_key_finish (FragKeyring   *keyring,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, keyring), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);
  GError *mapped = error != NULL ? map_error (call, error) : NULL;
  g_autoptr(GTask) task = call_finish (call);

  if (mapped != NULL)
    {
      g_task_return_error (task, mapped);
      return;
    }
  /* Our copy is wiped by frag_keyring_free_key(); libsecret's by secret_password_free(). */
  g_task_return_pointer (task, g_strdup (secret), (GDestroyNotify)frag_keyring_free_key);
  secret_password_free (secret);
}

static void
frag_secret_keyring_lookup_key_async (FragKeyring         *keyring,
                                      const char          *provider,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  FragSecretKeyring *self = FRAG_SECRET_KEYRING (keyring);
  Call *call = call_new (self, provider, frag_secret_keyring_lookup_key_async, cancellable, callback, user_data);

  secret_password_lookup (frag_secret_keyring_get_schema (), call->cancellable, lookup_cb, call,
                          "provider", provider,
                          NULL);
}

static char *
frag_secret_keyring_lookup_key_finish (FragKeyring   *keyring,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, keyring), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  gboolean deleted = secret_password_clear_finish (result, &error);
  GError *mapped = error != NULL ? map_error (call, error) : NULL;
  g_autoptr(GTask) task = call_finish (call);

  if (mapped != NULL)
    g_task_return_error (task, mapped);
  else
    g_task_return_int (task, deleted ? 1 : 0);
}

static void
frag_secret_keyring_delete_key_async (FragKeyring         *keyring,
                                      const char          *provider,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  FragSecretKeyring *self = FRAG_SECRET_KEYRING (keyring);
  Call *call = call_new (self, provider, frag_secret_keyring_delete_key_async, cancellable, callback, user_data);

  secret_password_clear (frag_secret_keyring_get_schema (), call->cancellable, clear_cb, call,
                         "provider", provider,
                         NULL);
}

static gboolean
frag_secret_keyring_delete_key_finish (FragKeyring   *keyring,
                                       GAsyncResult  *result,
                                       gboolean      *deleted,
                                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize outcome;

  g_return_val_if_fail (g_task_is_valid (result, keyring), FALSE);

  outcome = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (deleted != NULL)
    *deleted = outcome == 1;
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  GList *items = secret_password_search_finish (result, &error);
  GError *mapped = error != NULL ? map_error (call, error) : NULL;
  g_autoptr(GTask) task = call_finish (call);
  g_autoptr(GPtrArray) providers = NULL;

  if (mapped != NULL)
    {
      g_task_return_error (task, mapped);
      return;
    }

  providers = g_ptr_array_new ();
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *provider = attributes != NULL ? g_hash_table_lookup (attributes, "provider") : NULL;
      gboolean seen = FALSE;

      if (provider == NULL)
        continue;
      for (guint i = 0; i < providers->len && !seen; i++)
        seen = g_strcmp0 (g_ptr_array_index (providers, i), provider) == 0;
      if (!seen)
        g_ptr_array_add (providers, g_strdup (provider));
    }
  g_list_free_full (items, g_object_unref);

  g_ptr_array_sort (providers, compare_strings);
  g_ptr_array_add (providers, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&providers), FALSE), (GDestroyNotify)g_strfreev);
}

static void
frag_secret_keyring_list_providers_async (FragKeyring         *keyring,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  FragSecretKeyring *self = FRAG_SECRET_KEYRING (keyring);
  Call *call = call_new (self, NULL, frag_secret_keyring_list_providers_async, cancellable, callback, user_data);

  /* Attributes only: no unlock and no secret is loaded to list who has a key. */
  secret_password_search (frag_secret_keyring_get_schema (), SECRET_SEARCH_ALL, call->cancellable,
                          search_cb, call,
                          NULL);
}

static GStrv
frag_secret_keyring_list_providers_finish (FragKeyring   *keyring,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, keyring), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
frag_secret_keyring_iface_init (FragKeyringInterface *iface)
{
  iface->store_key_async = frag_secret_keyring_store_key_async;
  iface->store_key_finish = frag_secret_keyring_store_key_finish;
  iface->lookup_key_async = frag_secret_keyring_lookup_key_async;
  iface->lookup_key_finish = frag_secret_keyring_lookup_key_finish;
  iface->delete_key_async = frag_secret_keyring_delete_key_async;
  iface->delete_key_finish = frag_secret_keyring_delete_key_finish;
  iface->list_providers_async = frag_secret_keyring_list_providers_async;
  iface->list_providers_finish = frag_secret_keyring_list_providers_finish;
}

static void
frag_secret_keyring_class_init (FragSecretKeyringClass *klass)
{
}

static void
frag_secret_keyring_init (FragSecretKeyring *self)
{
  self->timeout_ms = FRAG_SECRET_KEYRING_DEFAULT_TIMEOUT_MS;
}

FragSecretKeyring *
frag_secret_keyring_new (void)
{
  return g_object_new (FRAG_TYPE_SECRET_KEYRING, NULL);
}

void
frag_secret_keyring_set_timeout (FragSecretKeyring *self,
                                 guint              timeout_ms)
{
  g_return_if_fail (FRAG_IS_SECRET_KEYRING (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}
