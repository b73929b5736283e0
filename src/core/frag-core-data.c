/* frag-core-data.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-core-data"

#include "config.h"

#include <gio/gio.h>

#include "resources/frag-core-resources.h"

#include "frag-core-data.h"

#define CORE_RESOURCE_PATH RESOURCE_PATH "/core/"

/* The resource is compiled with --manual-register: an automatic constructor in a static
 * library is dropped by the linker when nothing references it (STYLE.md §14), so core
 * registers it itself, once, on first use. (frag_core_get_resource() is NULL until
 * then: registering is what initializes the static resource.) */
static void
ensure_registered (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      frag_core_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

JsonNode *
frag_core_data_load_builtin (const char *name)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  gsize size = 0;
  const char *data;

  g_return_val_if_fail (name != NULL, NULL);

  ensure_registered ();
  path = g_strconcat (CORE_RESOURCE_PATH, name, NULL);
  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    {
      g_critical ("Built-in data %s is missing: %s", path, error->message);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &size);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, &error))
    {
      g_critical ("Built-in data %s is not valid JSON: %s", path, error->message);
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

char *
frag_core_data_user_path (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_build_filename (g_get_user_config_dir (), "fragment-studio", name, NULL);
}

gboolean
frag_core_data_load_user (const char  *path,
                          JsonNode   **root,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);

  *root = NULL;
  /* A settings-sized file read once at startup, before any window shows. */
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot read %s: %s", path, local_error->message);
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not valid JSON: %s", path, local_error->message);
      return FALSE;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is empty", path);
      return FALSE;
    }
  *root = json_node_ref (json_parser_get_root (parser));
  return TRUE;
}
