/* frag-fragment.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-fragment"

#include "config.h"

#include <math.h>
#include <string.h>

#include "frag-fragment.h"

/* Field names, in the order of E2B Fragments' schema (lib/schema.ts). to_json writes them
 * in this order so a serialized fragment reads like what the model streamed. */
#define FIELD_COMMENTARY                   "commentary"
#define FIELD_TEMPLATE                     "template"
#define FIELD_TITLE                        "title"
#define FIELD_DESCRIPTION                  "description"
#define FIELD_ADDITIONAL_DEPENDENCIES      "additional_dependencies"
#define FIELD_HAS_ADDITIONAL_DEPENDENCIES  "has_additional_dependencies"
#define FIELD_INSTALL_DEPENDENCIES_COMMAND "install_dependencies_command"
#define FIELD_PORT                         "port"
#define FIELD_FILE_PATH                    "file_path"
#define FIELD_CODE                         "code"
#define FIELD_FILES                        "files"

struct _FragFragment
{
  GObject     parent_instance;

  /* Owned. A NULL string or array means the field is unset (missing from the JSON). */
  char       *commentary;
  char       *template_id;
  char       *title;
  char       *description;
  GStrv       additional_dependencies;
  char       *install_dependencies_command;
  char       *file_path;
  char       *code;
  /* The multi-file extension: NULL unless set, never empty. */
  GPtrArray  *files;
  /* What get_files() hands out when there is no extension: one entry built from
   * file_path + code, rebuilt lazily after either changes. */
  GPtrArray  *single_file;

  int         port;
  guint       has_additional_dependencies : 1;
  /* Scalars cannot be NULL, so their presence is tracked apart. */
  guint       has_additional_dependencies_set : 1;
  guint       port_set : 1;
};

G_DEFINE_FINAL_TYPE (FragFragment, frag_fragment, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (FragFragmentFile, frag_fragment_file,
                     frag_fragment_file_copy, frag_fragment_file_free)

enum {
  PROP_0,
  PROP_COMMENTARY,
  PROP_TEMPLATE,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_ADDITIONAL_DEPENDENCIES,
  PROP_HAS_ADDITIONAL_DEPENDENCIES,
  PROP_INSTALL_DEPENDENCIES_COMMAND,
  PROP_PORT,
  PROP_FILE_PATH,
  PROP_CODE,
  PROP_FILES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

FragFragmentFile *
frag_fragment_file_new (const char *file_path,
                        const char *code)
{
  FragFragmentFile *file = g_new0 (FragFragmentFile, 1);

  file->file_path = g_strdup (file_path);
  file->code = g_strdup (code);
  return file;
}

FragFragmentFile *
frag_fragment_file_copy (const FragFragmentFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);

  return frag_fragment_file_new (file->file_path, file->code);
}

void
frag_fragment_file_free (FragFragmentFile *file)
{
  if (file == NULL)
    return;
  g_free (file->file_path);
  g_free (file->code);
  g_free (file);
}

/* Property plumbing. Each setter notifies only when the value really changes, so a UI
 * bound to the fragment redraws only what moved while a reply streams in. */

static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
strv_equal_nullable (const char * const *a,
                     const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal (a, b);
}

static gboolean
files_equal (GPtrArray *a,
             GPtrArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const FragFragmentFile *fa = g_ptr_array_index (a, i);
      const FragFragmentFile *fb = g_ptr_array_index (b, i);

      if (g_strcmp0 (fa->file_path, fb->file_path) != 0 || g_strcmp0 (fa->code, fb->code) != 0)
        return FALSE;
    }
  return TRUE;
}

static GPtrArray *
copy_files (GPtrArray *files)
{
  GPtrArray *copy;

  if (files == NULL || files->len == 0)
    return NULL;
  copy = g_ptr_array_new_full (files->len, (GDestroyNotify) frag_fragment_file_free);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (copy, frag_fragment_file_copy (g_ptr_array_index (files, i)));
  return copy;
}

static void
frag_fragment_finalize (GObject *object)
{
  FragFragment *self = (FragFragment *)object;

  g_clear_pointer (&self->commentary, g_free);
  g_clear_pointer (&self->template_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->additional_dependencies, g_strfreev);
  g_clear_pointer (&self->install_dependencies_command, g_free);
  g_clear_pointer (&self->file_path, g_free);
  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->single_file, g_ptr_array_unref);

  G_OBJECT_CLASS (frag_fragment_parent_class)->finalize (object);
}

static void
frag_fragment_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FragFragment *self = FRAG_FRAGMENT (object);

  switch (prop_id)
    {
    case PROP_COMMENTARY:
      g_value_set_string (value, self->commentary);
      break;
    case PROP_TEMPLATE:
      g_value_set_string (value, self->template_id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_ADDITIONAL_DEPENDENCIES:
      g_value_set_boxed (value, self->additional_dependencies);
      break;
    case PROP_HAS_ADDITIONAL_DEPENDENCIES:
      g_value_set_boolean (value, self->has_additional_dependencies);
      break;
    case PROP_INSTALL_DEPENDENCIES_COMMAND:
      g_value_set_string (value, self->install_dependencies_command);
      break;
    case PROP_PORT:
      g_value_set_int (value, self->port);
      break;
    case PROP_FILE_PATH:
      g_value_set_string (value, self->file_path);
      break;
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_FILES:
      g_value_set_boxed (value, self->files);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_fragment_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FragFragment *self = FRAG_FRAGMENT (object);

  switch (prop_id)
    {
    case PROP_COMMENTARY:
      frag_fragment_set_commentary (self, g_value_get_string (value));
      break;
    case PROP_TEMPLATE:
      frag_fragment_set_template (self, g_value_get_string (value));
      break;
    case PROP_TITLE:
      frag_fragment_set_title (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      frag_fragment_set_description (self, g_value_get_string (value));
      break;
    case PROP_ADDITIONAL_DEPENDENCIES:
      frag_fragment_set_additional_dependencies (self, g_value_get_boxed (value));
      break;
    case PROP_HAS_ADDITIONAL_DEPENDENCIES:
      frag_fragment_set_has_additional_dependencies (self, g_value_get_boolean (value));
      break;
    case PROP_INSTALL_DEPENDENCIES_COMMAND:
      frag_fragment_set_install_dependencies_command (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      frag_fragment_set_port (self, g_value_get_int (value));
      break;
    case PROP_FILE_PATH:
      frag_fragment_set_file_path (self, g_value_get_string (value));
      break;
    case PROP_CODE:
      frag_fragment_set_code (self, g_value_get_string (value));
      break;
    case PROP_FILES:
      frag_fragment_set_files (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name,
                 const char *blurb)
{
  return g_param_spec_string (name, NULL, blurb, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
frag_fragment_class_init (FragFragmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = frag_fragment_finalize;
  object_class->get_property = frag_fragment_get_property;
  object_class->set_property = frag_fragment_set_property;

  properties[PROP_COMMENTARY] =
    string_property ("commentary", "The model's plan, shown in the chat");
  properties[PROP_TEMPLATE] =
    string_property ("template", "The template id");
  properties[PROP_TITLE] =
    string_property ("title", "A short title");
  properties[PROP_DESCRIPTION] =
    string_property ("description", "A one-sentence description");
  properties[PROP_ADDITIONAL_DEPENDENCIES] =
    g_param_spec_boxed ("additional-dependencies", NULL,
                        "Packages to install beyond the template's",
                        G_TYPE_STRV, flags);
  properties[PROP_HAS_ADDITIONAL_DEPENDENCIES] =
    g_param_spec_boolean ("has-additional-dependencies", NULL,
                          "Whether dependencies must be installed",
                          FALSE, flags);
  properties[PROP_INSTALL_DEPENDENCIES_COMMAND] =
    string_property ("install-dependencies-command", "The command installing them");
  properties[PROP_PORT] =
    g_param_spec_int ("port", NULL, "The port the app listens on, or -1 for none",
                      FRAG_FRAGMENT_NO_PORT, 65535, FRAG_FRAGMENT_NO_PORT, flags);
  properties[PROP_FILE_PATH] =
    string_property ("file-path", "The file's path relative to the work dir");
  properties[PROP_CODE] =
    string_property ("code", "The file's content");
  properties[PROP_FILES] =
    g_param_spec_boxed ("files", NULL,
                        "The multi-file extension (GPtrArray of FragFragmentFile), or NULL",
                        G_TYPE_PTR_ARRAY, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
frag_fragment_init (FragFragment *self)
{
  self->port = FRAG_FRAGMENT_NO_PORT;
}

FragFragment *
frag_fragment_new (void)
{
  return g_object_new (FRAG_TYPE_FRAGMENT, NULL);
}

/* Accessors */

#define DEFINE_STRING_ACCESSORS(name, field, PROP)                              \
  const char *                                                                  \
  frag_fragment_get_##name (FragFragment *self)                                 \
  {                                                                             \
    g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);                       \
    return self->field;                                                         \
  }                                                                             \
                                                                                \
  void                                                                          \
  frag_fragment_set_##name (FragFragment *self,                                 \
                            const char   *value)                                \
  {                                                                             \
    g_return_if_fail (FRAG_IS_FRAGMENT (self));                                 \
    if (replace_string (&self->field, value))                                   \
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);             \
  }

DEFINE_STRING_ACCESSORS (commentary, commentary, PROP_COMMENTARY)
DEFINE_STRING_ACCESSORS (template, template_id, PROP_TEMPLATE)
DEFINE_STRING_ACCESSORS (title, title, PROP_TITLE)
DEFINE_STRING_ACCESSORS (description, description, PROP_DESCRIPTION)
DEFINE_STRING_ACCESSORS (install_dependencies_command, install_dependencies_command,
                         PROP_INSTALL_DEPENDENCIES_COMMAND)

#undef DEFINE_STRING_ACCESSORS

const char *
frag_fragment_get_file_path (FragFragment *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);
  return self->file_path;
}

void
frag_fragment_set_file_path (FragFragment *self,
                             const char   *file_path)
{
  g_return_if_fail (FRAG_IS_FRAGMENT (self));

  if (!replace_string (&self->file_path, file_path))
    return;
  g_clear_pointer (&self->single_file, g_ptr_array_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE_PATH]);
}

const char *
frag_fragment_get_code (FragFragment *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);
  return self->code;
}

void
frag_fragment_set_code (FragFragment *self,
                        const char   *code)
{
  g_return_if_fail (FRAG_IS_FRAGMENT (self));

  if (!replace_string (&self->code, code))
    return;
  g_clear_pointer (&self->single_file, g_ptr_array_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

const char * const *
frag_fragment_get_additional_dependencies (FragFragment *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);
  return (const char * const *) self->additional_dependencies;
}

void
frag_fragment_set_additional_dependencies (FragFragment       *self,
                                           const char * const *deps)
{
  g_return_if_fail (FRAG_IS_FRAGMENT (self));

  if (strv_equal_nullable ((const char * const *) self->additional_dependencies, deps))
    return;
  g_strfreev (self->additional_dependencies);
  self->additional_dependencies = g_strdupv ((char **) deps);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDITIONAL_DEPENDENCIES]);
}

gboolean
frag_fragment_get_has_additional_dependencies (FragFragment *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), FALSE);
  return self->has_additional_dependencies;
}

void
frag_fragment_set_has_additional_dependencies (FragFragment *self,
                                               gboolean      has_deps)
{
  g_return_if_fail (FRAG_IS_FRAGMENT (self));

  has_deps = !!has_deps;
  self->has_additional_dependencies_set = TRUE;
  if (self->has_additional_dependencies == (guint) has_deps)
    return;
  self->has_additional_dependencies = has_deps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_ADDITIONAL_DEPENDENCIES]);
}

int
frag_fragment_get_port (FragFragment *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), FRAG_FRAGMENT_NO_PORT);
  return self->port;
}

void
frag_fragment_set_port (FragFragment *self,
                        int           port)
{
  g_return_if_fail (FRAG_IS_FRAGMENT (self));
  g_return_if_fail (port == FRAG_FRAGMENT_NO_PORT || (port >= 1 && port <= 65535));

  self->port_set = TRUE;
  if (self->port == port)
    return;
  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

GPtrArray *
frag_fragment_get_files (FragFragment *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);

  if (self->files != NULL)
    return self->files;
  if (self->single_file == NULL)
    {
      self->single_file = g_ptr_array_new_with_free_func ((GDestroyNotify) frag_fragment_file_free);
      g_ptr_array_add (self->single_file,
                       frag_fragment_file_new (self->file_path != NULL ? self->file_path : "",
                                               self->code != NULL ? self->code : ""));
    }
  return self->single_file;
}

void
frag_fragment_set_files (FragFragment *self,
                         GPtrArray    *files)
{
  g_return_if_fail (FRAG_IS_FRAGMENT (self));

  if (files != NULL && files->len == 0)
    files = NULL;
  if (files_equal (self->files, files))
    return;
  g_clear_pointer (&self->files, g_ptr_array_unref);
  self->files = copy_files (files);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILES]);
}

gboolean
frag_fragment_has_files (FragFragment *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), FALSE);
  return self->files != NULL;
}

FragFragment *
frag_fragment_copy (FragFragment *self)
{
  FragFragment *copy;

  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);

  copy = frag_fragment_new ();
  copy->commentary = g_strdup (self->commentary);
  copy->template_id = g_strdup (self->template_id);
  copy->title = g_strdup (self->title);
  copy->description = g_strdup (self->description);
  copy->additional_dependencies = g_strdupv (self->additional_dependencies);
  copy->has_additional_dependencies = self->has_additional_dependencies;
  copy->has_additional_dependencies_set = self->has_additional_dependencies_set;
  copy->install_dependencies_command = g_strdup (self->install_dependencies_command);
  copy->port = self->port;
  copy->port_set = self->port_set;
  copy->file_path = g_strdup (self->file_path);
  copy->code = g_strdup (self->code);
  copy->files = copy_files (self->files);
  return copy;
}

gboolean
frag_fragment_equal (FragFragment *a,
                     FragFragment *b)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (a), FALSE);
  g_return_val_if_fail (FRAG_IS_FRAGMENT (b), FALSE);

  return g_strcmp0 (a->commentary, b->commentary) == 0 &&
         g_strcmp0 (a->template_id, b->template_id) == 0 &&
         g_strcmp0 (a->title, b->title) == 0 &&
         g_strcmp0 (a->description, b->description) == 0 &&
         strv_equal_nullable ((const char * const *) a->additional_dependencies,
                              (const char * const *) b->additional_dependencies) &&
         a->has_additional_dependencies == b->has_additional_dependencies &&
         a->has_additional_dependencies_set == b->has_additional_dependencies_set &&
         g_strcmp0 (a->install_dependencies_command, b->install_dependencies_command) == 0 &&
         a->port == b->port &&
         a->port_set == b->port_set &&
         g_strcmp0 (a->file_path, b->file_path) == 0 &&
         g_strcmp0 (a->code, b->code) == 0 &&
         files_equal (a->files, b->files);
}

/* JSON in */

/* "a string", "null", … for messages such as "must be a number or null, not a string". */
static const char *
describe_node_type (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return "a number";
    default:
      return "an unknown value";
    }
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
wrong_type (GError     **error,
            const char  *field,
            const char  *expected,
            JsonNode    *node)
{
  g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
               "Field “%s” must be %s, not %s", field, expected, describe_node_type (node));
  return FALSE;
}

/* Reads an optional string member. Absent leaves *out alone; present but not a string
 * is an error. */
static gboolean
read_string (JsonObject  *object,
             const char  *field,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);

  if (node == NULL)
    return TRUE;
  if (!node_is_string (node))
    return wrong_type (error, field, "a string", node);
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_string_array (JsonObject   *object,
                   const char   *field,
                   GStrv        *out,
                   GError      **error)
{
  JsonNode *node = json_object_get_member (object, field);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;
  guint length;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (error, field, "an array of strings", node);

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < length; i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!node_is_string (item))
        {
          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
                       "Field “%s” must be an array of strings, but item %u is %s",
                       field, i + 1, describe_node_type (item));
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_port (JsonObject  *object,
           FragFragment *self,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, FIELD_PORT);
  double value;

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      self->port = FRAG_FRAGMENT_NO_PORT;
      self->port_set = TRUE;
      return TRUE;
    }
  if (!node_is_number (node))
    return wrong_type (error, FIELD_PORT, "a number or null", node);

  /* 3000 and 3000.0 are the same port; 3000.5 or 70000 are not ports at all. */
  value = json_node_get_double (node);
  if (value != floor (value) || value < 1 || value > 65535)
    {
      g_autofree char *text = json_to_string (node, FALSE);

      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
                   "Field “%s” must be a port number from 1 to 65535 or null, not %s",
                   FIELD_PORT, text);
      return FALSE;
    }
  self->port = (int) value;
  self->port_set = TRUE;
  return TRUE;
}

static gboolean
read_files (JsonObject   *object,
            FragFragment *self,
            GError      **error)
{
  JsonNode *node = json_object_get_member (object, FIELD_FILES);
  g_autoptr(GPtrArray) files = NULL;
  JsonArray *array;
  guint length;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (error, FIELD_FILES, "an array of {file_path, code} objects", node);

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  files = g_ptr_array_new_with_free_func ((GDestroyNotify) frag_fragment_file_free);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *item_object;
      JsonNode *path_node;
      JsonNode *code_node;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
                       "Field “files” must be an array of objects, but item %u is %s",
                       i + 1, describe_node_type (item));
          return FALSE;
        }
      item_object = json_node_get_object (item);
      path_node = json_object_get_member (item_object, FIELD_FILE_PATH);
      code_node = json_object_get_member (item_object, FIELD_CODE);
      if (path_node == NULL || code_node == NULL)
        {
          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_MISSING_FIELD,
                       "Item %u of “files” is missing the required field “%s”",
                       i + 1, path_node == NULL ? FIELD_FILE_PATH : FIELD_CODE);
          return FALSE;
        }
      if (!node_is_string (path_node) || !node_is_string (code_node))
        {
          gboolean path_bad = !node_is_string (path_node);

          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_WRONG_TYPE,
                       "Field “%s” of item %u of “files” must be a string, not %s",
                       path_bad ? FIELD_FILE_PATH : FIELD_CODE, i + 1,
                       describe_node_type (path_bad ? path_node : code_node));
          return FALSE;
        }
      g_ptr_array_add (files, frag_fragment_file_new (json_node_get_string (path_node),
                                                      json_node_get_string (code_node)));
    }
  if (files->len > 0)
    self->files = g_steal_pointer (&files);
  return TRUE;
}

FragFragment *
frag_fragment_new_from_json_node (JsonNode  *node,
                                  GError   **error)
{
  g_autoptr(FragFragment) self = NULL;
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_INVALID_JSON,
                   "A fragment must be a JSON object, not %s", describe_node_type (node));
      return NULL;
    }
  object = json_node_get_object (node);
  self = frag_fragment_new ();

  /* Filled field by field without notifications: nobody can be connected yet. */
  if (!read_string (object, FIELD_COMMENTARY, &self->commentary, error) ||
      !read_string (object, FIELD_TEMPLATE, &self->template_id, error) ||
      !read_string (object, FIELD_TITLE, &self->title, error) ||
      !read_string (object, FIELD_DESCRIPTION, &self->description, error) ||
      !read_string_array (object, FIELD_ADDITIONAL_DEPENDENCIES,
                          &self->additional_dependencies, error))
    return NULL;

  member = json_object_get_member (object, FIELD_HAS_ADDITIONAL_DEPENDENCIES);
  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          wrong_type (error, FIELD_HAS_ADDITIONAL_DEPENDENCIES, "a boolean", member);
          return NULL;
        }
      self->has_additional_dependencies = json_node_get_boolean (member);
      self->has_additional_dependencies_set = TRUE;
    }

  if (!read_string (object, FIELD_INSTALL_DEPENDENCIES_COMMAND,
                    &self->install_dependencies_command, error) ||
      !read_port (object, self, error) ||
      !read_string (object, FIELD_FILE_PATH, &self->file_path, error) ||
      !read_string (object, FIELD_CODE, &self->code, error) ||
      !read_files (object, self, error))
    return NULL;

  return g_steal_pointer (&self);
}

FragFragment *
frag_fragment_new_from_data (const char  *data,
                             gssize       length,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_INVALID_JSON,
                   "The fragment is not valid JSON: %s", local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_INVALID_JSON,
                           "The fragment is empty");
      return NULL;
    }
  return frag_fragment_new_from_json_node (json_parser_get_root (parser), error);
}

/* JSON out */

JsonNode *
frag_fragment_to_json_node (FragFragment *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  const char * const *deps;

  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);

  /* Unset fields are written as their empty values, so the output always has the
   * schema's ten fields and a consumer of the JSON never meets a missing key. */
  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, FIELD_COMMENTARY);
  json_builder_add_string_value (builder, self->commentary != NULL ? self->commentary : "");
  json_builder_set_member_name (builder, FIELD_TEMPLATE);
  json_builder_add_string_value (builder, self->template_id != NULL ? self->template_id : "");
  json_builder_set_member_name (builder, FIELD_TITLE);
  json_builder_add_string_value (builder, self->title != NULL ? self->title : "");
  json_builder_set_member_name (builder, FIELD_DESCRIPTION);
  json_builder_add_string_value (builder, self->description != NULL ? self->description : "");

  json_builder_set_member_name (builder, FIELD_ADDITIONAL_DEPENDENCIES);
  json_builder_begin_array (builder);
  deps = (const char * const *) self->additional_dependencies;
  for (guint i = 0; deps != NULL && deps[i] != NULL; i++)
    json_builder_add_string_value (builder, deps[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, FIELD_HAS_ADDITIONAL_DEPENDENCIES);
  json_builder_add_boolean_value (builder, self->has_additional_dependencies);
  json_builder_set_member_name (builder, FIELD_INSTALL_DEPENDENCIES_COMMAND);
  json_builder_add_string_value (builder, self->install_dependencies_command != NULL
                                          ? self->install_dependencies_command : "");
  json_builder_set_member_name (builder, FIELD_PORT);
  if (self->port == FRAG_FRAGMENT_NO_PORT)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, self->port);
  json_builder_set_member_name (builder, FIELD_FILE_PATH);
  json_builder_add_string_value (builder, self->file_path != NULL ? self->file_path : "");
  json_builder_set_member_name (builder, FIELD_CODE);
  json_builder_add_string_value (builder, self->code != NULL ? self->code : "");

  if (self->files != NULL)
    {
      json_builder_set_member_name (builder, FIELD_FILES);
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->files->len; i++)
        {
          const FragFragmentFile *file = g_ptr_array_index (self->files, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, FIELD_FILE_PATH);
          json_builder_add_string_value (builder, file->file_path != NULL ? file->file_path : "");
          json_builder_set_member_name (builder, FIELD_CODE);
          json_builder_add_string_value (builder, file->code != NULL ? file->code : "");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
frag_fragment_to_json (FragFragment *self,
                       gboolean      pretty)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), NULL);

  node = frag_fragment_to_json_node (self);
  return json_to_string (node, pretty);
}

/* Validation */

/* Why a path is refused, for a message that says so. */
typedef enum
{
  PATH_OK,
  PATH_EMPTY,
  PATH_ESCAPES,       /* absolute, or a ".." component */
  PATH_NOT_A_FILE,    /* a directory ("a/", "."), a backslash, a control character */
} PathVerdict;

static PathVerdict
judge_path (const char *path)
{
  const char *component;

  if (path == NULL || *path == '\0')
    return PATH_EMPTY;
  if (*path == '/')
    return PATH_ESCAPES;
  if (!g_utf8_validate (path, -1, NULL))
    return PATH_NOT_A_FILE;

  component = path;
  while (component != NULL)
    {
      const char *slash = strchr (component, '/');
      gsize length = slash != NULL ? (gsize) (slash - component) : strlen (component);

      /* Rejecting every ".." (even "a/../b", which stays inside) keeps the rule simple
       * and obviously right; no template needs one. */
      if (length == 2 && component[0] == '.' && component[1] == '.')
        return PATH_ESCAPES;
      component = slash != NULL ? slash + 1 : NULL;
    }

  /* Backslashes are separators to some tools and a way to smuggle "..\..\" past us;
   * control characters have no business in a file name. */
  for (const char *p = path; *p != '\0'; p++)
    if (*p == '\\' || (guchar) *p < 0x20 || *p == 0x7f)
      return PATH_NOT_A_FILE;
  /* A directory is not a file we can write. */
  if (g_str_has_suffix (path, "/") || strcmp (path, ".") == 0 || g_str_has_suffix (path, "/."))
    return PATH_NOT_A_FILE;
  return PATH_OK;
}

gboolean
frag_fragment_path_is_safe (const char *path)
{
  return judge_path (path) == PATH_OK;
}

static gboolean
check_path (const char  *path,
            GError     **error)
{
  /* The path comes from the model: shown escaped so a control character cannot garble a
   * terminal or a log line. */
  g_autofree char *shown = path != NULL ? g_strescape (path, NULL) : NULL;

  switch (judge_path (path))
    {
    case PATH_OK:
      return TRUE;
    case PATH_EMPTY:
      g_set_error_literal (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                           "The file path is empty");
      return FALSE;
    case PATH_ESCAPES:
      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                   "File path “%s” leaves the work directory", shown);
      return FALSE;
    case PATH_NOT_A_FILE:
    default:
      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                   "File path “%s” is not a plain relative file name", shown);
      return FALSE;
    }
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gboolean
missing_field (GError     **error,
               const char  *field)
{
  g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_MISSING_FIELD,
               "Fragment is missing the required field “%s”", field);
  return FALSE;
}

gboolean
frag_fragment_validate (FragFragment       *self,
                        const char * const *known_templates,
                        GError            **error)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Schema order, so the first problem reported is the first one a reader meets. With
   * the multi-file extension, file_path and code are not needed: `files` wins. */
  if (self->commentary == NULL)
    return missing_field (error, FIELD_COMMENTARY);
  if (self->template_id == NULL)
    return missing_field (error, FIELD_TEMPLATE);
  if (self->title == NULL)
    return missing_field (error, FIELD_TITLE);
  if (self->description == NULL)
    return missing_field (error, FIELD_DESCRIPTION);
  if (self->additional_dependencies == NULL)
    return missing_field (error, FIELD_ADDITIONAL_DEPENDENCIES);
  if (!self->has_additional_dependencies_set)
    return missing_field (error, FIELD_HAS_ADDITIONAL_DEPENDENCIES);
  if (self->install_dependencies_command == NULL)
    return missing_field (error, FIELD_INSTALL_DEPENDENCIES_COMMAND);
  if (!self->port_set)
    return missing_field (error, FIELD_PORT);
  if (self->files == NULL && self->file_path == NULL)
    return missing_field (error, FIELD_FILE_PATH);
  if (self->files == NULL && self->code == NULL)
    return missing_field (error, FIELD_CODE);

  if (known_templates != NULL && !g_strv_contains (known_templates, self->template_id))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) known_templates);
      g_autofree char *shown = g_strescape (self->template_id, NULL);

      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_UNKNOWN_TEMPLATE,
                   "Unknown template “%s” (known: %s)", shown, known);
      return FALSE;
    }

  if (self->files == NULL)
    {
      if (!check_path (self->file_path, error))
        return FALSE;
      if (is_blank (self->code))
        {
          g_set_error_literal (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_EMPTY_CODE,
                               "The fragment's code is empty");
          return FALSE;
        }
      return TRUE;
    }

  for (guint i = 0; i < self->files->len; i++)
    {
      const FragFragmentFile *file = g_ptr_array_index (self->files, i);

      if (!check_path (file->file_path, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        {
          const FragFragmentFile *earlier = g_ptr_array_index (self->files, j);

          if (g_strcmp0 (earlier->file_path, file->file_path) == 0)
            {
              g_autofree char *shown = g_strescape (file->file_path, NULL);

              g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                           "File path “%s” appears twice in “files”", shown);
              return FALSE;
            }
        }
    }
  /* One empty file is legitimate (an __init__.py, a .gitkeep), but a fragment whose
   * every file is empty runs nothing. */
  for (guint i = 0; i < self->files->len; i++)
    {
      const FragFragmentFile *file = g_ptr_array_index (self->files, i);

      if (file->code != NULL && !is_blank (file->code))
        return TRUE;
    }
  g_set_error_literal (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_EMPTY_CODE,
                       "Every file of the fragment is empty");
  return FALSE;
}
