/* test-core-prompt.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-prompt.h"

#define HEAD \
  "You are a skilled software engineer.\n" \
  "You do not make mistakes.\n" \
  "Generate an fragment.\n" \
  "You can install additional dependencies.\n" \
  "Do not touch project dependencies files like package.json, package-lock.json, requirements.txt, etc.\n" \
  "Do not wrap code in backticks.\n" \
  "Always break the lines correctly.\n" \
  "You can use one of the following templates:\n"

static void
test_prompt_one_template (void)
{
  g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new_builtin ();
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = frag_prompt_build_system (catalog, "code-interpreter-v1", &error);
  g_autofree char *streamlit = frag_prompt_build_system (catalog, "streamlit-developer", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (prompt, ==,
                   HEAD "1. code-interpreter-v1: \"Runs code as a Jupyter notebook cell. Strong data "
                   "analysis angle. Can use complex visualisation to explain results.\". "
                   "File: script.py. Dependencies installed: python, jupyter, numpy, pandas, "
                   "matplotlib, seaborn, plotly. Port: none.");
  g_assert_cmpstr (streamlit, ==,
                   HEAD "1. streamlit-developer: \"A streamlit app that reloads automatically.\". "
                   "File: app.py. Dependencies installed: streamlit, pandas, numpy, matplotlib, "
                   "request, seaborn, plotly. Port: 8501.");
}

static void
test_prompt_auto (void)
{
  g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new_builtin ();
  g_autofree char *with_null = frag_prompt_build_system (catalog, NULL, NULL);
  g_autofree char *with_auto = frag_prompt_build_system (catalog, FRAG_PROMPT_TEMPLATE_AUTO, NULL);
  g_auto(GStrv) lines = NULL;
  guint n_lines;

  g_assert_cmpstr (with_null, ==, with_auto);
  g_assert_true (g_str_has_prefix (with_auto, HEAD));
  lines = g_strsplit (with_auto + strlen (HEAD), "\n", -1);
  n_lines = g_strv_length (lines);
  g_assert_cmpuint (n_lines, ==, 6);
  g_assert_true (g_str_has_prefix (lines[0], "1. code-interpreter-v1: "));
  g_assert_cmpstr (lines[1], ==,
                   "2. nextjs-developer: \"A Next.js 13+ app that reloads automatically. Using the "
                   "pages router.\". File: pages/index.tsx. Dependencies installed: nextjs@14.2.5, "
                   "typescript, @types/node, @types/react, @types/react-dom, postcss, tailwindcss, "
                   "shadcn. Port: 3000.");
  g_assert_cmpstr (lines[2], ==,
                   "3. vue-developer: \"A Vue.js 3+ app that reloads automatically. Only when "
                   "asked specifically for a Vue app.\". File: app.vue. Dependencies installed: "
                   "vue@latest, nuxt@3.13.0, tailwindcss. Port: 3000.");
  g_assert_cmpstr (lines[4], ==,
                   "5. gradio-developer: \"A gradio app. Gradio Blocks/Interface should be called "
                   "demo.\". File: app.py. Dependencies installed: gradio, pandas, numpy, "
                   "matplotlib, request, seaborn, plotly. Port: 7860.");
  g_assert_true (g_str_has_prefix (lines[5], "6. static-html: \""));
  g_assert_true (g_str_has_suffix (lines[5], "File: index.html. Dependencies installed: html, css, "
                                             "javascript. Port: 8000."));
}

static void
test_prompt_user_template_without_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "fragment-studio", NULL);
  g_autofree char *path = g_build_filename (dir, "templates.json", NULL);
  g_autoptr(FragTemplateCatalog) catalog = NULL;
  g_autofree char *prompt = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, "{\"shell\": {\"file\": null, \"instructions\": \"Runs bash.\"}}", -1, &error);
  g_assert_no_error (error);
  catalog = frag_template_catalog_new (NULL, &error);
  g_assert_no_error (error);
  prompt = frag_prompt_build_system (catalog, "shell", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (prompt, ==,
                   HEAD "1. shell: \"Runs bash.\". File: none. Dependencies installed: . Port: none.");
}

static void
test_prompt_unknown_template (void)
{
  g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new_builtin ();
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = frag_prompt_build_system (catalog, "cobol-developer", &error);

  g_assert_null (prompt);
  g_assert_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_UNKNOWN_TEMPLATE);
  g_assert_cmpstr (error->message, ==,
                   "Unknown template “cobol-developer” (known: code-interpreter-v1, "
                   "nextjs-developer, vue-developer, streamlit-developer, gradio-developer, "
                   "static-html)");
}

static void
test_schema (void)
{
  g_autoptr(JsonNode) schema = frag_prompt_dup_fragment_schema ();
  g_autoptr(JsonNode) again = frag_prompt_dup_fragment_schema ();
  const char * const *order = frag_prompt_get_schema_field_order ();
  JsonObject *root = json_node_get_object (schema);
  JsonObject *properties = json_object_get_object_member (root, "properties");
  JsonArray *required = json_object_get_array_member (root, "required");
  g_autoptr(GList) names = json_object_get_members (properties);
  JsonObject *port;
  JsonArray *port_type;
  guint i = 0;

  g_assert_true (json_node_equal (schema, again));
  g_assert_true (schema != again);
  g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "object");
  g_assert_false (json_object_get_boolean_member (root, "additionalProperties"));
  g_assert_cmpuint (g_strv_length ((char **) order), ==, 10);
  g_assert_cmpuint (json_array_get_length (required), ==, 10);
  for (GList *l = names; l != NULL; l = l->next, i++)
    {
      JsonObject *property = json_object_get_object_member (properties, l->data);

      /* Properties and required in schema order; each has a description; no `files`. */
      g_assert_cmpstr (l->data, ==, order[i]);
      g_assert_cmpstr (json_array_get_string_element (required, i), ==, order[i]);
      g_assert_true (json_object_has_member (property, "description"));
      g_assert_cmpuint (strlen (json_object_get_string_member (property, "description")), >, 10);
    }
  g_assert_cmpuint (i, ==, 10);
  g_assert_cmpstr (order[0], ==, "commentary");
  g_assert_cmpstr (order[9], ==, "code");

  port = json_object_get_object_member (properties, "port");
  port_type = json_object_get_array_member (port, "type");
  g_assert_cmpstr (json_array_get_string_element (port_type, 0), ==, "number");
  g_assert_cmpstr (json_array_get_string_element (port_type, 1), ==, "null");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_object_get_object_member (properties, "additional_dependencies"), "items"),
                     "type"), ==, "string");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     properties, "has_additional_dependencies"), "type"), ==, "boolean");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (properties, "code"),
                                                  "description"), ==,
                   "Code generated by the fragment. Only runnable code is allowed.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/prompt/one-template", test_prompt_one_template);
  g_test_add_func ("/core/prompt/auto", test_prompt_auto);
  g_test_add_func ("/core/prompt/user-template-without-file", test_prompt_user_template_without_file);
  g_test_add_func ("/core/prompt/unknown-template", test_prompt_unknown_template);
  g_test_add_func ("/core/prompt/schema", test_schema);

  return g_test_run ();
}
