/* frag-history-export.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-export"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "frag-errors.h"
#include "frag-fragment.h"
#include "frag-history-export.h"

typedef enum
{
  RUNTIME_NONE,    /* static files: nothing to install */
  RUNTIME_PYTHON,
  RUNTIME_NODE,
} Runtime;

/* The templates' "lib" lists (E2B Fragments' templates.json) mix real package names
 * with descriptions of the environment. These are the entries that are not the
 * package a package manager knows by that name. */
static const struct
{
  const char *lib;
  const char *package;   /* NULL: not a package, leave it out */
} lib_packages[] = {
  { "python",     NULL },
  { "jupyter",    NULL },
  { "request",    "requests" },
  { "html",       NULL },
  { "css",        NULL },
  { "javascript", NULL },
  { "shadcn",     NULL },
  { "nextjs",     "next" },
};

static const char *
package_for_lib (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (lib_packages); i++)
    {
      if (strcmp (lib_packages[i].lib, name) == 0)
        return lib_packages[i].package;
    }
  return name;
}

static Runtime
runtime_for_file (const char *file)
{
  if (file == NULL)
    return RUNTIME_NONE;
  if (g_str_has_suffix (file, ".py"))
    return RUNTIME_PYTHON;
  if (g_str_has_suffix (file, ".ts") || g_str_has_suffix (file, ".tsx") || g_str_has_suffix (file, ".js")
      || g_str_has_suffix (file, ".jsx") || g_str_has_suffix (file, ".vue") || g_str_has_suffix (file, ".mjs"))
    return RUNTIME_NODE;
  return RUNTIME_NONE;
}

static gboolean
write_file (const char   *dir,
            const char   *relative_path,
            const char   *contents,
            gssize        length,
            GError      **error)
{
  g_autofree char *path = g_build_filename (dir, relative_path, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_IO,
                   "Could not create %s: %s", parent, g_strerror (saved_errno));
      return FALSE;
    }
  if (!g_file_set_contents (path, contents, length, &local_error))
    {
      g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_IO,
                   "Could not write the exported project: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* "name@version" -> name and version ("latest" when absent). Scoped npm names start
 * with '@', so the version separator is the last '@' after the first character. */
static void
split_package (const char  *spec,
               char       **name,
               char       **version)
{
  const char *at = strrchr (spec, '@');

  if (at != NULL && at != spec)
    {
      *name = g_strndup (spec, at - spec);
      *version = g_strdup (at + 1);
    }
  else
    {
      *name = g_strdup (spec);
      *version = g_strdup ("latest");
    }
}

static GPtrArray *
collect_packages (FragTemplate *template,
                  FragFragment *fragment)
{
  GPtrArray *packages = g_ptr_array_new_with_free_func (g_free);
  const char * const *lib = template != NULL ? frag_template_get_lib (template) : NULL;
  const char * const *extra = frag_fragment_get_additional_dependencies (fragment);

  for (gsize i = 0; lib != NULL && lib[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *version = NULL;
      const char *package;

      split_package (lib[i], &name, &version);
      if ((package = package_for_lib (name)) == NULL)
        continue;
      g_ptr_array_add (packages, strcmp (version, "latest") == 0
                                   ? g_strdup (package)
                                   : g_strdup_printf ("%s@%s", package, version));
    }
  for (gsize i = 0; extra != NULL && extra[i] != NULL; i++)
    {
      if (!g_ptr_array_find_with_equal_func (packages, extra[i], g_str_equal, NULL))
        g_ptr_array_add (packages, g_strdup (extra[i]));
    }
  return packages;
}

static char *
requirements_txt (GPtrArray *packages)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < packages->len; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *version = NULL;

      split_package (g_ptr_array_index (packages, i), &name, &version);
      if (strcmp (version, "latest") == 0)
        g_string_append_printf (text, "%s\n", name);
      else
        g_string_append_printf (text, "%s==%s\n", name, version);
    }
  return g_string_free (text, FALSE);
}

static char *
start_command (FragTemplate *template,
               Runtime       runtime,
               const char   *main_file)
{
  const char *start_cmd = template != NULL ? frag_template_get_start_cmd (template) : NULL;
  int port = template != NULL ? frag_template_get_port (template) : FRAG_TEMPLATE_NO_PORT;
  g_autofree char *port_text = NULL;
  g_auto(GStrv) parts = NULL;

  if (start_cmd == NULL)
    {
      if (runtime == RUNTIME_PYTHON)
        return g_strdup_printf ("python3 %s", main_file);
      if (runtime == RUNTIME_NODE)
        return g_strdup_printf ("node %s", main_file);
      return g_strdup_printf ("xdg-open %s", main_file);
    }
  port_text = g_strdup_printf ("%d", port != FRAG_TEMPLATE_NO_PORT ? port : 8000);
  parts = g_strsplit (start_cmd, "$PORT", -1);
  return g_strjoinv (port_text, parts);
}

static char *
package_json (FragFragment *fragment,
              GPtrArray    *packages,
              const char   *run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = g_ascii_strdown (frag_fragment_get_title (fragment) != NULL
                                             ? frag_fragment_get_title (fragment)
                                             : "fragment", -1);

  /* npm names: lowercase, no spaces. */
  g_strdelimit (name, " \t/\\:\"'", '-');

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "private");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "scripts");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dev");
  json_builder_add_string_value (builder, run);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "dependencies");
  json_builder_begin_object (builder);
  for (guint i = 0; i < packages->len; i++)
    {
      g_autofree char *package = NULL;
      g_autofree char *version = NULL;

      split_package (g_ptr_array_index (packages, i), &package, &version);
      json_builder_set_member_name (builder, package);
      json_builder_add_string_value (builder, version);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static char *
readme (FragStoredConversation *conversation,
        FragFragment           *fragment,
        FragTemplate           *template,
        Runtime                 runtime,
        const char             *run)
{
  GString *text = g_string_new (NULL);
  GPtrArray *messages = frag_stored_conversation_get_messages (conversation);
  FragConversationInfo *info = frag_stored_conversation_get_info (conversation);
  const char *title = frag_fragment_get_title (fragment);
  const char *description = frag_fragment_get_description (fragment);

  if (title == NULL || *title == '\0')
    title = frag_conversation_info_get_title (info);
  g_string_append_printf (text, "# %s\n\n", title);
  if (description != NULL && *description != '\0')
    g_string_append_printf (text, "%s\n\n", description);

  g_string_append (text, "## Prompt\n\n");
  for (guint i = 0; i < messages->len; i++)
    {
      FragStoredMessage *message = g_ptr_array_index (messages, i);
      g_auto(GStrv) lines = NULL;

      if (frag_stored_message_get_role (message) != FRAG_MESSAGE_ROLE_USER)
        continue;
      lines = g_strsplit (frag_stored_message_get_text (message), "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        g_string_append_printf (text, "> %s\n", lines[l]);
      g_string_append (text, "\n");
    }

  g_string_append (text, "## Run it\n\n```sh\n");
  if (runtime == RUNTIME_PYTHON)
    g_string_append (text, "python3 -m venv .venv && . .venv/bin/activate\npip install -r requirements.txt\n");
  else if (runtime == RUNTIME_NODE)
    g_string_append (text, "npm install\n");
  g_string_append_printf (text, "%s\n```\n\n", run);

  if (template != NULL)
    g_string_append_printf (text, "Made with Fragment Studio, template \"%s\" (%s).\n",
                            frag_template_get_name (template), frag_template_get_id (template));
  else
    g_string_append (text, "Made with Fragment Studio.\n");
  g_string_append (text, "The last run's output, if any, is in `results/`.\n");
  return g_string_free (text, FALSE);
}

static void
append_string_array (GString    *text,
                     JsonObject *object,
                     const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) == G_TYPE_STRING)
        g_string_append (text, json_node_get_string (element));
    }
}

static gboolean
export_result (const char        *dir,
               FragStoredResult  *result,
               GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) output = g_string_new (NULL);
  JsonObject *object;
  JsonNode *node;

  if (!json_parser_load_from_data (parser, frag_stored_result_get_result_json (result), -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return TRUE;  /* nothing readable to export; the project itself is still useful */
  object = json_node_get_object (json_parser_get_root (parser));

  append_string_array (output, object, "stdout");
  if (json_object_has_member (object, "stderr"))
    {
      g_autoptr(GString) stderr_text = g_string_new (NULL);

      append_string_array (stderr_text, object, "stderr");
      if (stderr_text->len > 0)
        g_string_append_printf (output, "%s--- stderr ---\n%s", output->len > 0 ? "\n" : "", stderr_text->str);
    }
  node = json_object_get_member (object, "error");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *err = json_node_get_object (node);

      g_string_append_printf (output, "%s--- error ---\n%s: %s\n%s\n", output->len > 0 ? "\n" : "",
                              json_object_get_string_member_with_default (err, "name", ""),
                              json_object_get_string_member_with_default (err, "value", ""),
                              json_object_get_string_member_with_default (err, "traceback", ""));
    }

  node = json_object_get_member (object, "results");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *results = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonNode *element = json_array_get_element (results, i);
          JsonObject *item;
          static const struct { const char *member; const char *extension; gboolean base64; } kinds[] = {
            { "png", "png", TRUE }, { "jpeg", "jpg", TRUE }, { "svg", "svg", FALSE }, { "html", "html", FALSE },
          };

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          item = json_node_get_object (element);
          for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
            {
              const char *value = json_object_get_string_member_with_default (item, kinds[k].member, NULL);
              g_autofree char *name = NULL;

              if (value == NULL)
                continue;
              name = g_strdup_printf ("results/result-%u.%s", i + 1, kinds[k].extension);
              if (kinds[k].base64)
                {
                  gsize size = 0;
                  g_autofree guchar *data = g_base64_decode (value, &size);

                  if (!write_file (dir, name, (const char *)data, size, error))
                    return FALSE;
                }
              else if (!write_file (dir, name, value, -1, error))
                return FALSE;
            }
          if (json_object_has_member (item, "text"))
            {
              gboolean needs_newline = output->len > 0 && output->str[output->len - 1] != '\n';

              g_string_append_printf (output, "%s%s\n", needs_newline ? "\n" : "",
                                      json_object_get_string_member_with_default (item, "text", ""));
            }
        }
    }

  return write_file (dir, "results/output.txt", output->str, output->len, error);
}

gboolean
frag_history_export_conversation (FragStoredConversation  *conversation,
                                  FragTemplateCatalog     *catalog,
                                  const char              *dir,
                                  GError                 **error)
{
  FragStoredVersion *version;
  FragStoredResult *last_result = NULL;
  g_autoptr(FragFragment) fragment = NULL;
  g_autoptr(GPtrArray) packages = NULL;
  g_autofree char *run = NULL;
  g_autofree char *readme_text = NULL;
  g_autofree char *fragment_text = NULL;
  FragTemplate *template = NULL;
  GPtrArray *files;
  GPtrArray *results;
  const char *main_file = NULL;
  Runtime runtime;

  g_return_val_if_fail (FRAG_IS_STORED_CONVERSATION (conversation), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if ((version = frag_stored_conversation_get_latest_version (conversation)) == NULL)
    {
      g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND,
                   "Conversation %" G_GINT64_FORMAT " has no fragment to export",
                   frag_conversation_info_get_id (frag_stored_conversation_get_info (conversation)));
      return FALSE;
    }
  if ((fragment = frag_fragment_new_from_data (frag_stored_version_get_fragment_json (version), -1, error)) == NULL)
    return FALSE;

  /* Check every path before writing anything. */
  files = frag_fragment_get_files (fragment);
  for (guint i = 0; i < files->len; i++)
    {
      FragFragmentFile *file = g_ptr_array_index (files, i);

      if (!frag_fragment_path_is_safe (file->file_path))
        {
          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                       "The fragment's file path \"%s\" would be written outside %s", file->file_path, dir);
          return FALSE;
        }
      if (main_file == NULL)
        main_file = file->file_path;
    }
  if (main_file == NULL)
    {
      g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND,
                   "The conversation's fragment has no file to export");
      return FALSE;
    }

  if (catalog != NULL && frag_fragment_get_template (fragment) != NULL)
    template = frag_template_catalog_lookup (catalog, frag_fragment_get_template (fragment));
  runtime = runtime_for_file (template != NULL ? frag_template_get_file (template) : main_file);

  for (guint i = 0; i < files->len; i++)
    {
      FragFragmentFile *file = g_ptr_array_index (files, i);

      if (!write_file (dir, file->file_path, file->code != NULL ? file->code : "", -1, error))
        return FALSE;
    }

  packages = collect_packages (template, fragment);
  run = start_command (template, runtime, main_file);
  if (runtime == RUNTIME_PYTHON)
    {
      g_autofree char *requirements = requirements_txt (packages);

      if (!write_file (dir, "requirements.txt", requirements, -1, error))
        return FALSE;
    }
  else if (runtime == RUNTIME_NODE)
    {
      g_autofree char *manifest = package_json (fragment, packages, run);

      g_free (run);
      run = g_strdup ("npm run dev");
      if (!write_file (dir, "package.json", manifest, -1, error))
        return FALSE;
    }

  readme_text = readme (conversation, fragment, template, runtime, run);
  fragment_text = frag_fragment_to_json (fragment, TRUE);
  if (!write_file (dir, "README.md", readme_text, -1, error)
      || !write_file (dir, "fragment.json", fragment_text, -1, error))
    return FALSE;

  results = frag_stored_conversation_get_results (conversation);
  for (guint i = 0; i < results->len; i++)
    {
      FragStoredResult *result = g_ptr_array_index (results, i);

      if (frag_stored_result_get_version_id (result) == frag_stored_version_get_id (version))
        last_result = result;
    }
  if (last_result != NULL && !export_result (dir, last_result, error))
    return FALSE;

  return TRUE;
}

typedef struct
{
  FragStoredConversation *conversation;
  FragTemplateCatalog    *catalog;
  char                   *dir;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->conversation);
  g_clear_object (&data->catalog);
  g_free (data->dir);
  g_free (data);
}

static void
export_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (frag_history_export_conversation (data->conversation, data->catalog, data->dir, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
frag_history_export_conversation_async (FragStoredConversation *conversation,
                                        FragTemplateCatalog    *catalog,
                                        const char             *dir,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (FRAG_IS_STORED_CONVERSATION (conversation));
  g_return_if_fail (dir != NULL);

  /* The records are immutable and the catalog is read-only once loaded, so the thread
   * may share them. */
  data = g_new0 (ExportData, 1);
  data->conversation = g_object_ref (conversation);
  data->catalog = catalog != NULL ? g_object_ref (catalog) : NULL;
  data->dir = g_strdup (dir);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_history_export_conversation_async);
  g_task_set_task_data (task, data, (GDestroyNotify)export_data_free);
  g_task_run_in_thread (task, export_worker);
}

gboolean
frag_history_export_conversation_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
