/* frag-user-providers.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-user-providers"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-model-catalog.h"
#include "frag-user-providers.h"

struct _FragUserProviders
{
  GObject               parent_instance;

  FragProviderRegistry *registry;
  char                 *path;        /* NULL: the default file */
  GPtrArray            *list;        /* FragUserProvider */
  GListStore           *models;      /* FragModel */
};

G_DEFINE_FINAL_TYPE (FragUserProviders, frag_user_providers, G_TYPE_OBJECT)

FragUserProviders *
frag_user_providers_new (FragProviderRegistry *registry,
                         const char           *path)
{
  FragUserProviders *self;

  g_return_val_if_fail (FRAG_IS_PROVIDER_REGISTRY (registry), NULL);

  self = g_object_new (FRAG_TYPE_USER_PROVIDERS, NULL);
  self->registry = g_object_ref (registry);
  self->path = g_strdup (path);
  return self;
}

static FragModel *
model_new (FragUserProvider *provider,
           const char       *model_id)
{
  /* Translators: a model of a user-added service in the model picker, e.g.
   * "llama-3.1-8b — My Server". */
  g_autofree char *name = g_strdup_printf (_("%s — %s"), model_id, provider->name);

  /* Whether a custom model takes images is not known: no image upload for it. */
  return frag_model_new (model_id, name, provider->name, provider->id, FALSE);
}

static void
rebuild_models (FragUserProviders *self)
{
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->list->len; i++)
    {
      FragUserProvider *provider = g_ptr_array_index (self->list, i);

      for (guint j = 0; provider->models[j] != NULL; j++)
        g_ptr_array_add (models, model_new (provider, provider->models[j]));
    }
  /* One items-changed: the picker keeps its selection when it can. */
  g_list_store_splice (self->models, 0, g_list_model_get_n_items (G_LIST_MODEL (self->models)),
                       models->pdata, models->len);
}

gboolean
frag_user_providers_load (FragUserProviders  *self,
                          GError            **error)
{
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (FRAG_IS_USER_PROVIDERS (self), FALSE);

  list = frag_provider_registry_load_user_file (self->registry, self->path, error);
  if (list == NULL)
    return FALSE;
  g_clear_pointer (&self->list, g_ptr_array_unref);
  self->list = g_steal_pointer (&list);
  rebuild_models (self);
  return TRUE;
}

GPtrArray *
frag_user_providers_get_list (FragUserProviders *self)
{
  g_return_val_if_fail (FRAG_IS_USER_PROVIDERS (self), NULL);

  return self->list;
}

GListModel *
frag_user_providers_get_models (FragUserProviders *self)
{
  g_return_val_if_fail (FRAG_IS_USER_PROVIDERS (self), NULL);

  return G_LIST_MODEL (self->models);
}

/* "My Server 2" → "my-server-2"; made unique against every provider the registry
 * knows (built-ins included: "OpenAI" becomes "openai-2"). */
static char *
make_id (FragUserProviders *self,
         const char        *name)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  GString *slug = g_string_new (NULL);
  g_autofree char *base = NULL;
  char *id;

  for (const char *p = ascii; *p != '\0' && slug->len < 48; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, g_ascii_tolower (*p));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);
  if (slug->len == 0)
    g_string_append (slug, "custom");
  base = g_string_free (slug, FALSE);

  id = g_strdup (base);
  for (guint n = 2; frag_provider_registry_lookup (self->registry, id) != NULL; n++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%u", base, n);
    }
  return id;
}

static gboolean
is_http_url (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL
         && (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
         && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

char *
frag_user_providers_add (FragUserProviders  *self,
                         const char         *name,
                         const char         *base_url,
                         const char         *model_id,
                         GError            **error)
{
  g_autofree char *clean_name = NULL;
  g_autofree char *clean_url = NULL;
  g_autofree char *clean_model = NULL;
  g_autofree char *id = NULL;
  const char *models[2] = { NULL, NULL };
  FragUserProvider *provider;

  g_return_val_if_fail (FRAG_IS_USER_PROVIDERS (self), NULL);

  clean_name = g_strstrip (g_strdup (name != NULL ? name : ""));
  clean_url = g_strstrip (g_strdup (base_url != NULL ? base_url : ""));
  clean_model = g_strstrip (g_strdup (model_id != NULL ? model_id : ""));
  if (*clean_name == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("The provider needs a name"));
      return NULL;
    }
  if (!is_http_url (clean_url))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an http:// or https:// address"), clean_url);
      return NULL;
    }

  id = make_id (self, clean_name);
  if (*clean_model != '\0')
    models[0] = clean_model;
  provider = frag_user_provider_new (id, clean_name, clean_url, models);
  g_ptr_array_add (self->list, provider);
  if (!frag_provider_registry_save_user_file (self->list, self->path, error))
    {
      g_ptr_array_remove_index (self->list, self->list->len - 1);
      return NULL;
    }
  frag_provider_registry_add_openai_compatible (self->registry, id, clean_name, clean_url, NULL);
  rebuild_models (self);
  return g_steal_pointer (&id);
}

gboolean
frag_user_providers_remove (FragUserProviders  *self,
                            const char         *provider_id,
                            GError            **error)
{
  g_return_val_if_fail (FRAG_IS_USER_PROVIDERS (self), FALSE);
  g_return_val_if_fail (provider_id != NULL, FALSE);

  for (guint i = 0; i < self->list->len; i++)
    {
      FragUserProvider *provider = g_ptr_array_index (self->list, i);

      if (g_str_equal (provider->id, provider_id))
        {
          /* Saved without it first: on a write error the list stays as the file is. */
          g_autoptr(FragUserProvider) removed = g_ptr_array_steal_index (self->list, i);

          if (!frag_provider_registry_save_user_file (self->list, self->path, error))
            {
              g_ptr_array_insert (self->list, i, g_steal_pointer (&removed));
              return FALSE;
            }
          rebuild_models (self);
          return TRUE;
        }
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No provider “%s”"), provider_id);
  return FALSE;
}

static void
frag_user_providers_finalize (GObject *object)
{
  FragUserProviders *self = FRAG_USER_PROVIDERS (object);

  g_clear_object (&self->registry);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->list, g_ptr_array_unref);
  g_clear_object (&self->models);

  G_OBJECT_CLASS (frag_user_providers_parent_class)->finalize (object);
}

static void
frag_user_providers_class_init (FragUserProvidersClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_user_providers_finalize;
}

static void
frag_user_providers_init (FragUserProviders *self)
{
  self->list = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_user_provider_free);
  self->models = g_list_store_new (FRAG_TYPE_MODEL);
}
