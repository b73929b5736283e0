/* frag-sandbox-runtime.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-sandbox-runtime"

#include "config.h"

#include <string.h>

#include "frag-errors.h"
#include "frag-sandbox-runtime.h"

/* The sandbox's PATH (frag-sandbox-command.c), as host paths: the same, since /usr is
 * bound at /usr. */
static const char * const program_dirs[] = { "/usr/local/bin", "/usr/bin", "/bin", NULL };

/* Python web frameworks a template may name in `lib` that Debian does not package. */
static const char * const python_frameworks[] = { "streamlit", "gradio", NULL };

static gboolean
program_exists (const char *program,
                const char *work_dir)
{
  if (g_path_is_absolute (program))
    return g_str_has_prefix (program, "/usr/") && g_file_test (program, G_FILE_TEST_IS_EXECUTABLE);
  if (strchr (program, '/') != NULL)
    return FALSE;
  for (guint i = 0; program_dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (program_dirs[i], program, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return TRUE;
    }
  if (work_dir != NULL)
    {
      g_autofree char *path = g_build_filename (work_dir, "node_modules", ".bin", program, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return TRUE;
    }
  return FALSE;
}

static gboolean
python_module_exists_in (const char *dir,
                         const char *module)
{
  g_autofree char *package = g_build_filename (dir, module, NULL);
  g_autofree char *file = g_strconcat (package, ".py", NULL);

  return g_file_test (package, G_FILE_TEST_IS_DIR) || g_file_test (file, G_FILE_TEST_EXISTS);
}

/* Where /usr/bin/python3 finds third-party modules on Debian: dist-packages under
 * /usr/lib/python3 and /usr/local/lib/python3.X. */
static gboolean
python_module_exists (const char *module)
{
  g_autoptr(GDir) local = NULL;
  const char *name;

  if (python_module_exists_in ("/usr/lib/python3/dist-packages", module))
    return TRUE;
  local = g_dir_open ("/usr/local/lib", 0, NULL);
  while (local != NULL && (name = g_dir_read_name (local)) != NULL)
    {
      g_autofree char *dir = NULL;

      if (!g_str_has_prefix (name, "python3"))
        continue;
      dir = g_build_filename ("/usr/local/lib", name, "dist-packages", NULL);
      if (python_module_exists_in (dir, module))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_assignment (const char *word)
{
  const char *eq = strchr (word, '=');

  if (eq == NULL || eq == word)
    return FALSE;
  for (const char *p = word; p < eq; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
missing (GError     **error,
         const char  *template_id,
         const char  *what)
{
  g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_MISSING_RUNTIME,
               "The local sandbox cannot run the “%s” template: %s is not installed on this "
               "computer (Debian 12 packages neither streamlit nor gradio). Install it, or run "
               "this fragment with the E2B backend, which has it",
               template_id, what);
  return FALSE;
}

gboolean
frag_sandbox_runtime_check (const char          *template_id,
                            const char          *start_cmd,
                            const char * const  *lib,
                            const char          *work_dir,
                            GError             **error)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *program;
  guint i = 0;

  g_return_val_if_fail (template_id != NULL, FALSE);
  g_return_val_if_fail (start_cmd != NULL, FALSE);

  if (!g_shell_parse_argv (start_cmd, NULL, &words, &parse_error))
    {
      g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                   "The start command of “%s” cannot be parsed: %s", template_id, parse_error->message);
      return FALSE;
    }
  while (words[i] != NULL && is_assignment (words[i]))
    i++;
  program = words[i];
  if (program == NULL)
    {
      g_set_error (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                   "The start command of “%s” names no program", template_id);
      return FALSE;
    }

  if (!program_exists (program, work_dir))
    {
      g_autofree char *what = g_strdup_printf ("“%s”", program);

      return missing (error, template_id, what);
    }

  if (g_str_equal (program, "npx"))
    {
      const char *tool = NULL;

      for (guint j = i + 1; words[j] != NULL && tool == NULL; j++)
        if (words[j][0] != '-')
          tool = words[j];
      if (tool != NULL && !program_exists (tool, work_dir))
        {
          g_autofree char *what = g_strdup_printf ("the Node.js package providing “%s” "
                                                   "(npx cannot download it without network)", tool);

          return missing (error, template_id, what);
        }
    }

  if (g_str_has_prefix (program, "python") && lib != NULL)
    {
      for (guint j = 0; lib[j] != NULL; j++)
        {
          if (g_strv_contains (python_frameworks, lib[j]) && !python_module_exists (lib[j]))
            {
              g_autofree char *what = g_strdup_printf ("the Python module “%s”", lib[j]);

              return missing (error, template_id, what);
            }
        }
    }
  return TRUE;
}
