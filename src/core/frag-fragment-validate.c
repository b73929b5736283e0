/* frag-fragment-validate.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-fragment"

#include "config.h"

#include <string.h>

#include "frag-fragment-private.h"

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
