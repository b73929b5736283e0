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

#include "frag-fragment-private.h"

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
