/* frag-fix-prompt.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-fix-prompt"

#include "config.h"

#include <string.h>

#include "frag-errors.h"
#include "frag-fix-prompt.h"

gboolean
frag_fix_prompt_is_fixable (FragResult   *result,
                            const GError *run_error)
{
  if (result != NULL && frag_result_failed (result))
    return TRUE;
  return g_error_matches (run_error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PROCESS_EXITED) ||
         g_error_matches (run_error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_PORT_TIMEOUT) ||
         g_error_matches (run_error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_TIME_LIMIT);
}

/* Jupyter's tracebacks are coloured with ANSI escapes; the model needs the words. */
static char *
strip_ansi (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\033' && p[1] == '[')
        {
          p += 2;
          while (*p != '\0' && !g_ascii_isalpha (*p))
            p++;
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The last max_chars bytes of text, starting at a line (or at least a character)
 * boundary, marked as cut. */
static char *
dup_tail (const char *text,
          gsize       max_chars)
{
  gsize length = strlen (text);
  const char *start;
  const char *newline;

  if (length <= max_chars)
    return g_strdup (text);

  start = g_utf8_find_next_char (text + length - max_chars - 1, NULL);
  newline = strchr (start, '\n');
  if (newline != NULL && newline[1] != '\0')
    start = newline + 1;
  return g_strconcat ("[…]\n", start, NULL);
}

static void
append_block (GString    *prompt,
              const char *heading,
              const char *text,
              gsize       max_chars)
{
  g_autofree char *clean = NULL;
  g_autofree char *tail = NULL;

  if (text == NULL)
    return;
  clean = strip_ansi (text);
  g_strchomp (clean);
  if (*clean == '\0')
    return;
  tail = dup_tail (clean, max_chars);
  g_string_append_printf (prompt, "\n\n%s:\n```\n%s\n```", heading, tail);
}

char *
frag_fix_prompt_build (FragFragment *fragment,
                       FragResult   *result,
                       const GError *run_error)
{
  GString *prompt = g_string_new (NULL);
  const char *file_path = fragment != NULL ? frag_fragment_get_file_path (fragment) : NULL;

  g_return_val_if_fail (result != NULL || run_error != NULL, NULL);

  if (file_path != NULL && *file_path != '\0')
    g_string_append_printf (prompt, "Running the code (%s) failed.", file_path);
  else
    g_string_append (prompt, "Running the code failed.");

  if (result != NULL && frag_result_has_error (result))
    g_string_append_printf (prompt, "\n\nError: %s: %s", frag_result_get_error_name (result),
                            frag_result_get_error_value (result));
  else if (result != NULL && frag_result_has_exit_code (result) && frag_result_get_exit_code (result) != 0)
    g_string_append_printf (prompt, "\n\nThe program exited with status %d.",
                            frag_result_get_exit_code (result));
  if (run_error != NULL)
    g_string_append_printf (prompt, "\n\nError: %s", run_error->message);

  if (result != NULL)
    {
      g_autofree char *stderr_text = frag_result_dup_stderr_text (result);
      g_autofree char *stdout_text = frag_result_dup_stdout_text (result);

      if (frag_result_has_error (result))
        append_block (prompt, "Traceback", frag_result_get_error_traceback (result),
                      FRAG_FIX_PROMPT_MAX_TRACEBACK_CHARS);
      append_block (prompt, "Standard error (the end)", stderr_text, FRAG_FIX_PROMPT_MAX_STDERR_CHARS);
      append_block (prompt, "Standard output (the end)", stdout_text, FRAG_FIX_PROMPT_MAX_STDOUT_CHARS);
    }

  g_string_append (prompt, "\n\nFix the code so that it runs without this error, and return the "
                           "whole corrected fragment.");
  return g_string_free (prompt, FALSE);
}
