/* frag-model-catalog.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-model-catalog"

#include "config.h"

#include "frag-core-data.h"
#include "frag-model-catalog.h"

/* FragModel */

struct _FragModel
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  char     *provider;
  char     *provider_id;
  gboolean  multi_modal;
};

G_DEFINE_FINAL_TYPE (FragModel, frag_model, G_TYPE_OBJECT)

enum {
  MODEL_PROP_0,
  MODEL_PROP_ID,
  MODEL_PROP_NAME,
  MODEL_PROP_PROVIDER,
  MODEL_PROP_PROVIDER_ID,
  MODEL_PROP_MULTI_MODAL,
  N_MODEL_PROPS
};

static GParamSpec *model_properties[N_MODEL_PROPS];

static void
frag_model_finalize (GObject *object)
{
  FragModel *self = (FragModel *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->provider_id, g_free);

  G_OBJECT_CLASS (frag_model_parent_class)->finalize (object);
}

static void
frag_model_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FragModel *self = FRAG_MODEL (object);

  switch (prop_id)
    {
    case MODEL_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case MODEL_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case MODEL_PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case MODEL_PROP_PROVIDER_ID:
      g_value_set_string (value, self->provider_id);
      break;
    case MODEL_PROP_MULTI_MODAL:
      g_value_set_boolean (value, self->multi_modal);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_model_class_init (FragModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = frag_model_finalize;
  object_class->get_property = frag_model_get_property;

  /* Read-only, for list rows and expressions (a GtkStringFilter on "name"). */
  model_properties[MODEL_PROP_ID] =
    g_param_spec_string ("id", NULL, "The model id sent to the provider", NULL, flags);
  model_properties[MODEL_PROP_NAME] =
    g_param_spec_string ("name", NULL, "The display name", NULL, flags);
  model_properties[MODEL_PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, "The provider's display name", NULL, flags);
  model_properties[MODEL_PROP_PROVIDER_ID] =
    g_param_spec_string ("provider-id", NULL, "The provider id", NULL, flags);
  model_properties[MODEL_PROP_MULTI_MODAL] =
    g_param_spec_boolean ("multi-modal", NULL, "Whether it accepts images", FALSE, flags);
  g_object_class_install_properties (object_class, N_MODEL_PROPS, model_properties);
}

static void
frag_model_init (FragModel *self)
{
}

FragModel *
frag_model_new (const char *id,
                const char *name,
                const char *provider,
                const char *provider_id,
                gboolean    multi_modal)
{
  FragModel *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (provider_id != NULL, NULL);

  self = g_object_new (FRAG_TYPE_MODEL, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name != NULL ? name : id);
  self->provider = g_strdup (provider != NULL ? provider : provider_id);
  self->provider_id = g_strdup (provider_id);
  self->multi_modal = !!multi_modal;
  return self;
}

const char *
frag_model_get_id (FragModel *self)
{
  g_return_val_if_fail (FRAG_IS_MODEL (self), NULL);
  return self->id;
}

const char *
frag_model_get_name (FragModel *self)
{
  g_return_val_if_fail (FRAG_IS_MODEL (self), NULL);
  return self->name;
}

const char *
frag_model_get_provider (FragModel *self)
{
  g_return_val_if_fail (FRAG_IS_MODEL (self), NULL);
  return self->provider;
}

const char *
frag_model_get_provider_id (FragModel *self)
{
  g_return_val_if_fail (FRAG_IS_MODEL (self), NULL);
  return self->provider_id;
}

gboolean
frag_model_get_multi_modal (FragModel *self)
{
  g_return_val_if_fail (FRAG_IS_MODEL (self), FALSE);
  return self->multi_modal;
}

/* FragModelProvider */

struct _FragModelProvider
{
  GObject  parent_instance;

  char    *id;
  char    *name;
};

G_DEFINE_FINAL_TYPE (FragModelProvider, frag_model_provider, G_TYPE_OBJECT)

enum {
  PROVIDER_PROP_0,
  PROVIDER_PROP_ID,
  PROVIDER_PROP_NAME,
  N_PROVIDER_PROPS
};

static GParamSpec *provider_properties[N_PROVIDER_PROPS];

static void
frag_model_provider_finalize (GObject *object)
{
  FragModelProvider *self = (FragModelProvider *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (frag_model_provider_parent_class)->finalize (object);
}

static void
frag_model_provider_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FragModelProvider *self = FRAG_MODEL_PROVIDER (object);

  switch (prop_id)
    {
    case PROVIDER_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROVIDER_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_model_provider_class_init (FragModelProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = frag_model_provider_finalize;
  object_class->get_property = frag_model_provider_get_property;

  provider_properties[PROVIDER_PROP_ID] =
    g_param_spec_string ("id", NULL, "The provider id", NULL, flags);
  provider_properties[PROVIDER_PROP_NAME] =
    g_param_spec_string ("name", NULL, "The display name", NULL, flags);
  g_object_class_install_properties (object_class, N_PROVIDER_PROPS, provider_properties);
}

static void
frag_model_provider_init (FragModelProvider *self)
{
}

const char *
frag_model_provider_get_id (FragModelProvider *self)
{
  g_return_val_if_fail (FRAG_IS_MODEL_PROVIDER (self), NULL);
  return self->id;
}

const char *
frag_model_provider_get_name (FragModelProvider *self)
{
  g_return_val_if_fail (FRAG_IS_MODEL_PROVIDER (self), NULL);
  return self->name;
}

/* Reading the file format */

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING &&
         *json_node_get_string (node) != '\0';
}

static gboolean
entry_error (GError     **error,
             const char  *source,
             const char  *what,
             guint        index,
             const char  *problem)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s: %s %u: %s", source, what, index + 1, problem);
  return FALSE;
}

static gboolean
parse_providers (JsonObject  *root,
                 const char  *source,
                 GPtrArray   *providers,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (root, "providers");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: “providers” must be an array", source);
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *object;
      FragModelProvider *provider;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return entry_error (error, source, "provider", i, "must be an object");
      object = json_node_get_object (item);
      if (!node_is_string (json_object_get_member (object, "id")))
        return entry_error (error, source, "provider", i, "“id” must be a non-empty string");
      if (!node_is_string (json_object_get_member (object, "name")))
        return entry_error (error, source, "provider", i, "“name” must be a non-empty string");

      provider = g_object_new (FRAG_TYPE_MODEL_PROVIDER, NULL);
      provider->id = g_strdup (json_object_get_string_member (object, "id"));
      provider->name = g_strdup (json_object_get_string_member (object, "name"));
      g_ptr_array_add (providers, provider);
    }
  return TRUE;
}

static FragModelProvider *
find_provider (GPtrArray  *providers,
               const char *id)
{
  for (guint i = 0; i < providers->len; i++)
    {
      FragModelProvider *provider = g_ptr_array_index (providers, i);

      if (g_str_equal (provider->id, id))
        return provider;
    }
  return NULL;
}

/* known_providers: the providers already in the catalog, for the models of this file. */
static gboolean
parse_models (JsonObject  *root,
              const char  *source,
              GPtrArray   *known_providers,
              GPtrArray   *file_providers,
              GPtrArray   *models,
              GError     **error)
{
  JsonNode *node = json_object_get_member (root, "models");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: “models” must be an array", source);
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *member;
      FragModelProvider *provider;
      const char *provider_id;
      const char *name = NULL;
      const char *provider_name = NULL;
      gboolean multi_modal = FALSE;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return entry_error (error, source, "model", i, "must be an object");
      object = json_node_get_object (item);
      if (!node_is_string (json_object_get_member (object, "id")))
        return entry_error (error, source, "model", i, "“id” must be a non-empty string");
      if (!node_is_string (json_object_get_member (object, "providerId")))
        return entry_error (error, source, "model", i,
                            "“providerId” must be a non-empty string");

      provider_id = json_object_get_string_member (object, "providerId");
      provider = find_provider (file_providers, provider_id);
      if (provider == NULL)
        provider = find_provider (known_providers, provider_id);
      if (provider == NULL)
        {
          g_autofree char *problem =
            g_strdup_printf ("provider “%s” is not in “providers”", provider_id);
          return entry_error (error, source, "model", i, problem);
        }

      if ((member = json_object_get_member (object, "name")) != NULL)
        {
          if (!node_is_string (member))
            return entry_error (error, source, "model", i, "“name” must be a non-empty string");
          name = json_node_get_string (member);
        }
      if ((member = json_object_get_member (object, "provider")) != NULL)
        {
          if (!node_is_string (member))
            return entry_error (error, source, "model", i,
                                "“provider” must be a non-empty string");
          provider_name = json_node_get_string (member);
        }
      if ((member = json_object_get_member (object, "multiModal")) != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
            return entry_error (error, source, "model", i, "“multiModal” must be a boolean");
          multi_modal = json_node_get_boolean (member);
        }

      g_ptr_array_add (models,
                       frag_model_new (json_object_get_string_member (object, "id"), name,
                                       provider_name != NULL ? provider_name : provider->name,
                                       provider_id, multi_modal));
    }
  return TRUE;
}

/* The catalog */

struct _FragModelCatalog
{
  GObject     parent_instance;

  GPtrArray  *models;     /* FragModel, catalog order */
  GListStore *providers;  /* FragModelProvider */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FragModelCatalog, frag_model_catalog, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
frag_model_catalog_get_item_type (GListModel *model)
{
  return FRAG_TYPE_MODEL;
}

static guint
frag_model_catalog_get_n_items (GListModel *model)
{
  return FRAG_MODEL_CATALOG (model)->models->len;
}

static gpointer
frag_model_catalog_get_item (GListModel *model,
                             guint       position)
{
  FragModelCatalog *self = FRAG_MODEL_CATALOG (model);

  if (position >= self->models->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->models, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = frag_model_catalog_get_item_type;
  iface->get_n_items = frag_model_catalog_get_n_items;
  iface->get_item = frag_model_catalog_get_item;
}

static void
frag_model_catalog_finalize (GObject *object)
{
  FragModelCatalog *self = (FragModelCatalog *)object;

  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_object (&self->providers);

  G_OBJECT_CLASS (frag_model_catalog_parent_class)->finalize (object);
}

static void
frag_model_catalog_class_init (FragModelCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_model_catalog_finalize;
}

static void
frag_model_catalog_init (FragModelCatalog *self)
{
  self->models = g_ptr_array_new_with_free_func (g_object_unref);
  self->providers = g_list_store_new (FRAG_TYPE_MODEL_PROVIDER);
}

static GPtrArray *
providers_as_array (FragModelCatalog *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  GPtrArray *array = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (array, g_list_model_get_item (G_LIST_MODEL (self->providers), i));
  return array;
}

/* Merges one file into the catalog, all or nothing. */
static gboolean
merge_file (FragModelCatalog  *self,
            JsonNode          *root,
            const char        *source,
            GError           **error)
{
  g_autoptr(GPtrArray) known = providers_as_array (self);
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_object_unref);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: must be a JSON object with a “models” array", source);
      return FALSE;
    }
  if (!parse_providers (json_node_get_object (root), source, providers, error) ||
      !parse_models (json_node_get_object (root), source, known, providers, models, error))
    return FALSE;

  for (guint i = 0; i < providers->len; i++)
    {
      FragModelProvider *provider = g_ptr_array_index (providers, i);
      guint position = 0;
      gboolean replaced = FALSE;

      for (guint j = 0; j < known->len && !replaced; j++)
        if (g_str_equal (((FragModelProvider *) g_ptr_array_index (known, j))->id, provider->id))
          {
            position = j;
            replaced = TRUE;
          }
      if (replaced)
        g_list_store_splice (self->providers, position, 1, (gpointer *) &provider, 1);
      else
        g_list_store_append (self->providers, provider);
    }

  for (guint i = 0; i < models->len; i++)
    {
      FragModel *model = g_ptr_array_index (models, i);
      gboolean replaced = FALSE;

      for (guint j = 0; j < self->models->len && !replaced; j++)
        {
          FragModel *existing = g_ptr_array_index (self->models, j);

          if (g_str_equal (existing->id, model->id) &&
              g_str_equal (existing->provider_id, model->provider_id))
            {
              g_ptr_array_index (self->models, j) = g_object_ref (model);
              g_object_unref (existing);
              replaced = TRUE;
            }
        }
      if (!replaced)
        g_ptr_array_add (self->models, g_object_ref (model));
    }
  return TRUE;
}

static void
load_builtin (FragModelCatalog *self)
{
  g_autoptr(JsonNode) root = frag_core_data_load_builtin ("models.json");
  g_autoptr(GError) error = NULL;

  if (root != NULL && !merge_file (self, root, "built-in models.json", &error))
    g_critical ("%s", error->message);
}

FragModelCatalog *
frag_model_catalog_new_builtin (void)
{
  FragModelCatalog *self = g_object_new (FRAG_TYPE_MODEL_CATALOG, NULL);

  load_builtin (self);
  return self;
}

FragModelCatalog *
frag_model_catalog_new (const char  *user_file,
                        GError     **user_file_error)
{
  FragModelCatalog *self;
  g_autofree char *default_path = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (user_file_error == NULL || *user_file_error == NULL, NULL);

  self = frag_model_catalog_new_builtin ();
  if (user_file == NULL)
    user_file = default_path = frag_core_data_user_path ("models.json");
  if (frag_core_data_load_user (user_file, &root, user_file_error) && root != NULL)
    merge_file (self, root, user_file, user_file_error);
  return self;
}

FragModel *
frag_model_catalog_lookup (FragModelCatalog *self,
                           const char       *provider_id,
                           const char       *id)
{
  g_return_val_if_fail (FRAG_IS_MODEL_CATALOG (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->models->len; i++)
    {
      FragModel *model = g_ptr_array_index (self->models, i);

      if (g_str_equal (model->id, id) &&
          (provider_id == NULL || g_str_equal (model->provider_id, provider_id)))
        return model;
    }
  return NULL;
}

GListModel *
frag_model_catalog_list_for_provider (FragModelCatalog *self,
                                      const char       *provider_id)
{
  GListStore *store;

  g_return_val_if_fail (FRAG_IS_MODEL_CATALOG (self), NULL);
  g_return_val_if_fail (provider_id != NULL, NULL);

  store = g_list_store_new (FRAG_TYPE_MODEL);
  for (guint i = 0; i < self->models->len; i++)
    {
      FragModel *model = g_ptr_array_index (self->models, i);

      if (g_str_equal (model->provider_id, provider_id))
        g_list_store_append (store, model);
    }
  return G_LIST_MODEL (store);
}

GListModel *
frag_model_catalog_get_providers (FragModelCatalog *self)
{
  g_return_val_if_fail (FRAG_IS_MODEL_CATALOG (self), NULL);
  return G_LIST_MODEL (self->providers);
}

FragModelProvider *
frag_model_catalog_lookup_provider (FragModelCatalog *self,
                                    const char       *provider_id)
{
  guint n;

  g_return_val_if_fail (FRAG_IS_MODEL_CATALOG (self), NULL);
  g_return_val_if_fail (provider_id != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FragModelProvider) provider = g_list_model_get_item (G_LIST_MODEL (self->providers), i);

      /* The store keeps its own reference, so the borrowed pointer stays valid. */
      if (g_str_equal (provider->id, provider_id))
        return provider;
    }
  return NULL;
}
