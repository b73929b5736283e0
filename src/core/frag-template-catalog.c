/* frag-template-catalog.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-template-catalog"

#include "config.h"

#include "frag-core-data.h"
#include "frag-template-catalog.h"

/* File format (resources/templates.json and the user's templates.json), the one of E2B
 * Fragments' lib/templates.json: an object keyed by template id, in display order.
 *
 *   "streamlit-developer": {
 *     "name": "Streamlit developer",        string, defaults to the id
 *     "lib": ["streamlit", ...],            array of strings, defaults to []
 *     "file": "app.py",                     string or null, required
 *     "instructions": "...",                string, required
 *     "port": 8501,                         1..65535 or null, defaults to null
 *     "kind": "web",                        "interpreter" | "web"; defaults to "web" when
 *                                           there is a port, else "interpreter"
 *     "start_cmd": "streamlit run ...",     string or null: a /bin/sh command line run in
 *                                           the work dir with PORT set in its environment
 *     "e2b_template": "streamlit-developer" string, defaults to the id
 *   }
 */

struct _FragTemplate
{
  GObject           parent_instance;

  char             *id;
  char             *name;
  GStrv             lib;
  char             *file;
  char             *instructions;
  char             *start_cmd;
  char             *e2b_template;
  int               port;
  FragTemplateKind  kind;
};

G_DEFINE_FINAL_TYPE (FragTemplate, frag_template, G_TYPE_OBJECT)

enum {
  TEMPLATE_PROP_0,
  TEMPLATE_PROP_ID,
  TEMPLATE_PROP_NAME,
  TEMPLATE_PROP_INSTRUCTIONS,
  TEMPLATE_PROP_PORT,
  N_TEMPLATE_PROPS
};

static GParamSpec *template_properties[N_TEMPLATE_PROPS];

static void
frag_template_finalize (GObject *object)
{
  FragTemplate *self = (FragTemplate *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->lib, g_strfreev);
  g_clear_pointer (&self->file, g_free);
  g_clear_pointer (&self->instructions, g_free);
  g_clear_pointer (&self->start_cmd, g_free);
  g_clear_pointer (&self->e2b_template, g_free);

  G_OBJECT_CLASS (frag_template_parent_class)->finalize (object);
}

static void
frag_template_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FragTemplate *self = FRAG_TEMPLATE (object);

  switch (prop_id)
    {
    case TEMPLATE_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case TEMPLATE_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case TEMPLATE_PROP_INSTRUCTIONS:
      g_value_set_string (value, self->instructions);
      break;
    case TEMPLATE_PROP_PORT:
      g_value_set_int (value, self->port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_template_class_init (FragTemplateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = frag_template_finalize;
  object_class->get_property = frag_template_get_property;

  /* Read-only, for list rows and expressions; a template never changes once loaded. */
  template_properties[TEMPLATE_PROP_ID] =
    g_param_spec_string ("id", NULL, "The template id", NULL, flags);
  template_properties[TEMPLATE_PROP_NAME] =
    g_param_spec_string ("name", NULL, "The display name", NULL, flags);
  template_properties[TEMPLATE_PROP_INSTRUCTIONS] =
    g_param_spec_string ("instructions", NULL, "What the model is told about it", NULL, flags);
  template_properties[TEMPLATE_PROP_PORT] =
    g_param_spec_int ("port", NULL, "The app's port, or -1", FRAG_TEMPLATE_NO_PORT, 65535,
                      FRAG_TEMPLATE_NO_PORT, flags);
  g_object_class_install_properties (object_class, N_TEMPLATE_PROPS, template_properties);
}

static void
frag_template_init (FragTemplate *self)
{
  self->port = FRAG_TEMPLATE_NO_PORT;
}

const char *
frag_template_get_id (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), NULL);
  return self->id;
}

const char *
frag_template_get_name (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), NULL);
  return self->name;
}

const char * const *
frag_template_get_lib (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), NULL);
  return (const char * const *) self->lib;
}

const char *
frag_template_get_file (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), NULL);
  return self->file;
}

const char *
frag_template_get_instructions (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), NULL);
  return self->instructions;
}

int
frag_template_get_port (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), FRAG_TEMPLATE_NO_PORT);
  return self->port;
}

FragTemplateKind
frag_template_get_kind (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), FRAG_TEMPLATE_KIND_INTERPRETER);
  return self->kind;
}

const char *
frag_template_get_start_cmd (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), NULL);
  return self->start_cmd;
}

const char *
frag_template_get_e2b_template (FragTemplate *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE (self), NULL);
  return self->e2b_template;
}

/* Reading the file format */

static gboolean
entry_error (GError     **error,
             const char  *source,
             const char  *id,
             const char  *problem)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s: template “%s”: %s", source, id, problem);
  return FALSE;
}

static gboolean
member_is_type (JsonNode *node,
                GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* A string member that may be absent (→ fallback) or null (→ NULL) when allow_null. */
static gboolean
read_optional_string (JsonObject  *object,
                      const char  *member,
                      const char  *fallback,
                      gboolean     allow_null,
                      char       **out,
                      const char  *source,
                      const char  *id,
                      GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      *out = g_strdup (fallback);
      return TRUE;
    }
  if (allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (!member_is_type (node, G_TYPE_STRING))
    {
      g_autofree char *problem = g_strdup_printf ("“%s” must be a string%s", member,
                                                  allow_null ? " or null" : "");
      return entry_error (error, source, id, problem);
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static FragTemplate *
template_from_json (const char  *id,
                    JsonNode    *node,
                    const char  *source,
                    GError     **error)
{
  g_autoptr(FragTemplate) self = NULL;
  JsonObject *object;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      entry_error (error, source, id, "must be an object");
      return NULL;
    }
  object = json_node_get_object (node);

  self = g_object_new (FRAG_TYPE_TEMPLATE, NULL);
  self->id = g_strdup (id);

  if (!json_object_has_member (object, "file"))
    {
      entry_error (error, source, id, "the required field “file” is missing");
      return NULL;
    }
  if (!json_object_has_member (object, "instructions"))
    {
      entry_error (error, source, id, "the required field “instructions” is missing");
      return NULL;
    }
  if (!read_optional_string (object, "name", id, FALSE, &self->name, source, id, error) ||
      !read_optional_string (object, "file", NULL, TRUE, &self->file, source, id, error) ||
      !read_optional_string (object, "instructions", NULL, FALSE, &self->instructions,
                             source, id, error) ||
      !read_optional_string (object, "start_cmd", NULL, TRUE, &self->start_cmd,
                             source, id, error) ||
      !read_optional_string (object, "e2b_template", id, FALSE, &self->e2b_template,
                             source, id, error))
    return NULL;

  member = json_object_get_member (object, "lib");
  if (member == NULL)
    self->lib = g_new0 (char *, 1);
  else if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      entry_error (error, source, id, "“lib” must be an array of strings");
      return NULL;
    }
  else
    {
      JsonArray *array = json_node_get_array (member);
      guint length = json_array_get_length (array);

      self->lib = g_new0 (char *, length + 1);
      for (guint i = 0; i < length; i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!member_is_type (item, G_TYPE_STRING))
            {
              entry_error (error, source, id, "“lib” must be an array of strings");
              return NULL;
            }
          self->lib[i] = g_strdup (json_node_get_string (item));
        }
    }

  member = json_object_get_member (object, "port");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      gint64 port;

      if (!member_is_type (member, G_TYPE_INT64) ||
          (port = json_node_get_int (member)) < 1 || port > 65535)
        {
          entry_error (error, source, id, "“port” must be a port number from 1 to 65535 or null");
          return NULL;
        }
      self->port = (int) port;
    }

  member = json_object_get_member (object, "kind");
  if (member == NULL)
    self->kind = self->port != FRAG_TEMPLATE_NO_PORT ? FRAG_TEMPLATE_KIND_WEB
                                                     : FRAG_TEMPLATE_KIND_INTERPRETER;
  else if (member_is_type (member, G_TYPE_STRING) &&
           g_str_equal (json_node_get_string (member), "web"))
    self->kind = FRAG_TEMPLATE_KIND_WEB;
  else if (member_is_type (member, G_TYPE_STRING) &&
           g_str_equal (json_node_get_string (member), "interpreter"))
    self->kind = FRAG_TEMPLATE_KIND_INTERPRETER;
  else
    {
      entry_error (error, source, id, "“kind” must be \"interpreter\" or \"web\"");
      return NULL;
    }

  /* A web app with no port could never be previewed. */
  if (self->kind == FRAG_TEMPLATE_KIND_WEB && self->port == FRAG_TEMPLATE_NO_PORT)
    {
      entry_error (error, source, id, "a web template needs a “port”");
      return NULL;
    }
  if (self->kind == FRAG_TEMPLATE_KIND_INTERPRETER)
    g_clear_pointer (&self->start_cmd, g_free);

  return g_steal_pointer (&self);
}

/* Appends the templates of one file to `templates` (an id → position index keeps a
 * user entry with a built-in's id in the built-in's place). All or nothing: on error
 * `templates` is left as it was. */
static gboolean
parse_templates (JsonNode    *root,
                 const char  *source,
                 GPtrArray   *templates,
                 GError     **error)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: must be a JSON object keyed by template id", source);
      return FALSE;
    }
  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *id = l->data;
      FragTemplate *template;

      if (*id == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: a template id is empty", source);
          return FALSE;
        }
      template = template_from_json (id, json_object_get_member (object, id), source, error);
      if (template == NULL)
        return FALSE;
      g_ptr_array_add (parsed, template);
    }

  for (guint i = 0; i < parsed->len; i++)
    {
      FragTemplate *template = g_ptr_array_index (parsed, i);
      gboolean replaced = FALSE;

      for (guint j = 0; j < templates->len && !replaced; j++)
        {
          FragTemplate *existing = g_ptr_array_index (templates, j);

          if (g_str_equal (existing->id, template->id))
            {
              g_ptr_array_index (templates, j) = g_object_ref (template);
              g_object_unref (existing);
              replaced = TRUE;
            }
        }
      if (!replaced)
        g_ptr_array_add (templates, g_object_ref (template));
    }
  return TRUE;
}

/* The catalog */

struct _FragTemplateCatalog
{
  GObject    parent_instance;

  GPtrArray *templates;  /* FragTemplate, in catalog order */
  GStrv      ids;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FragTemplateCatalog, frag_template_catalog, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
frag_template_catalog_get_item_type (GListModel *model)
{
  return FRAG_TYPE_TEMPLATE;
}

static guint
frag_template_catalog_get_n_items (GListModel *model)
{
  return FRAG_TEMPLATE_CATALOG (model)->templates->len;
}

static gpointer
frag_template_catalog_get_item (GListModel *model,
                                guint       position)
{
  FragTemplateCatalog *self = FRAG_TEMPLATE_CATALOG (model);

  if (position >= self->templates->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->templates, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = frag_template_catalog_get_item_type;
  iface->get_n_items = frag_template_catalog_get_n_items;
  iface->get_item = frag_template_catalog_get_item;
}

static void
frag_template_catalog_finalize (GObject *object)
{
  FragTemplateCatalog *self = (FragTemplateCatalog *)object;

  g_clear_pointer (&self->templates, g_ptr_array_unref);
  g_clear_pointer (&self->ids, g_strfreev);

  G_OBJECT_CLASS (frag_template_catalog_parent_class)->finalize (object);
}

static void
frag_template_catalog_class_init (FragTemplateCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_template_catalog_finalize;
}

static void
frag_template_catalog_init (FragTemplateCatalog *self)
{
  self->templates = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
load_builtin (FragTemplateCatalog *self)
{
  g_autoptr(JsonNode) root = frag_core_data_load_builtin ("templates.json");
  g_autoptr(GError) error = NULL;

  if (root != NULL && !parse_templates (root, "built-in templates.json", self->templates, &error))
    g_critical ("%s", error->message);
}

static void
index_ids (FragTemplateCatalog *self)
{
  self->ids = g_new0 (char *, self->templates->len + 1);
  for (guint i = 0; i < self->templates->len; i++)
    self->ids[i] = g_strdup (((FragTemplate *) g_ptr_array_index (self->templates, i))->id);
}

FragTemplateCatalog *
frag_template_catalog_new_builtin (void)
{
  FragTemplateCatalog *self = g_object_new (FRAG_TYPE_TEMPLATE_CATALOG, NULL);

  load_builtin (self);
  index_ids (self);
  return self;
}

FragTemplateCatalog *
frag_template_catalog_new (const char  *user_file,
                           GError     **user_file_error)
{
  FragTemplateCatalog *self = g_object_new (FRAG_TYPE_TEMPLATE_CATALOG, NULL);
  g_autofree char *default_path = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (user_file_error == NULL || *user_file_error == NULL, NULL);

  load_builtin (self);
  if (user_file == NULL)
    user_file = default_path = frag_core_data_user_path ("templates.json");
  if (frag_core_data_load_user (user_file, &root, user_file_error) && root != NULL)
    parse_templates (root, user_file, self->templates, user_file_error);
  index_ids (self);
  return self;
}

FragTemplate *
frag_template_catalog_lookup (FragTemplateCatalog *self,
                              const char          *id)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE_CATALOG (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->templates->len; i++)
    {
      FragTemplate *template = g_ptr_array_index (self->templates, i);

      if (g_str_equal (template->id, id))
        return template;
    }
  return NULL;
}

const char * const *
frag_template_catalog_get_ids (FragTemplateCatalog *self)
{
  g_return_val_if_fail (FRAG_IS_TEMPLATE_CATALOG (self), NULL);
  return (const char * const *) self->ids;
}
