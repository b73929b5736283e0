/* test-core-template-catalog.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-template-catalog.h"

static char *
write_user_file (const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "fragment-studio", NULL);
  char *path = g_build_filename (dir, "templates.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_builtin_templates (void)
{
  g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new_builtin ();
  const char *expected_ids[] = {
    "code-interpreter-v1", "nextjs-developer", "vue-developer", "streamlit-developer",
    "gradio-developer", "static-html", NULL
  };
  const char * const *ids = frag_template_catalog_get_ids (catalog);
  FragTemplate *template;
  const char * const *lib;

  g_assert_true (g_strv_equal (ids, expected_ids));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 6);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (catalog)) == FRAG_TYPE_TEMPLATE);

  template = frag_template_catalog_lookup (catalog, "code-interpreter-v1");
  g_assert_cmpstr (frag_template_get_name (template), ==, "Python data analyst");
  g_assert_cmpstr (frag_template_get_file (template), ==, "script.py");
  g_assert_cmpint (frag_template_get_port (template), ==, FRAG_TEMPLATE_NO_PORT);
  g_assert_cmpint (frag_template_get_kind (template), ==, FRAG_TEMPLATE_KIND_INTERPRETER);
  g_assert_null (frag_template_get_start_cmd (template));
  g_assert_cmpstr (frag_template_get_e2b_template (template), ==, "code-interpreter-v1");
  lib = frag_template_get_lib (template);
  g_assert_cmpuint (g_strv_length ((char **) lib), ==, 7);
  g_assert_cmpstr (lib[0], ==, "python");
  g_assert_cmpstr (lib[6], ==, "plotly");
  g_assert_cmpstr (frag_template_get_instructions (template), ==,
                   "Runs code as a Jupyter notebook cell. Strong data analysis angle. "
                   "Can use complex visualisation to explain results.");

  template = frag_template_catalog_lookup (catalog, "nextjs-developer");
  g_assert_cmpint (frag_template_get_port (template), ==, 3000);
  g_assert_cmpstr (frag_template_get_file (template), ==, "pages/index.tsx");
  g_assert_cmpint (frag_template_get_kind (template), ==, FRAG_TEMPLATE_KIND_WEB);
  g_assert_cmpstr (frag_template_get_start_cmd (template), ==, "npx next dev -p $PORT -H 127.0.0.1");
  g_assert_cmpstr (frag_template_get_lib (template)[0], ==, "nextjs@14.2.5");

  template = frag_template_catalog_lookup (catalog, "vue-developer");
  g_assert_cmpint (frag_template_get_port (template), ==, 3000);
  g_assert_cmpstr (frag_template_get_file (template), ==, "app.vue");

  template = frag_template_catalog_lookup (catalog, "streamlit-developer");
  g_assert_cmpint (frag_template_get_port (template), ==, 8501);
  g_assert_nonnull (strstr (frag_template_get_start_cmd (template), "--server.port $PORT"));

  template = frag_template_catalog_lookup (catalog, "gradio-developer");
  g_assert_cmpint (frag_template_get_port (template), ==, 7860);
  g_assert_nonnull (strstr (frag_template_get_start_cmd (template), "GRADIO_SERVER_PORT=$PORT"));

  template = frag_template_catalog_lookup (catalog, "static-html");
  g_assert_cmpint (frag_template_get_port (template), ==, 8000);
  g_assert_cmpstr (frag_template_get_file (template), ==, "index.html");
  g_assert_cmpstr (frag_template_get_e2b_template (template), ==, "base");
  g_assert_cmpstr (frag_template_get_start_cmd (template), ==,
                   "python3 -m http.server $PORT --bind 127.0.0.1");

  g_assert_null (frag_template_catalog_lookup (catalog, "nope"));
}

static void
test_template_properties (void)
{
  g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new_builtin ();
  g_autoptr(FragTemplate) first = g_list_model_get_item (G_LIST_MODEL (catalog), 0);
  g_autofree char *name = NULL;
  int port = 0;

  g_object_get (first, "name", &name, "port", &port, NULL);
  g_assert_cmpstr (name, ==, "Python data analyst");
  g_assert_cmpint (port, ==, FRAG_TEMPLATE_NO_PORT);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (catalog), 6));
}

static void
test_missing_user_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new (NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 6);
}

static void
test_user_file_merged (void)
{
  g_autofree char *path = write_user_file (
    "{\"streamlit-developer\": {\"name\": \"My Streamlit\", \"file\": \"main.py\","
    "  \"instructions\": \"Mine.\", \"port\": 9000,"
    "  \"start_cmd\": \"streamlit run main.py --server.port $PORT\"},"
    " \"flask\": {\"file\": \"app.py\", \"instructions\": \"A Flask app.\","
    "  \"lib\": [\"flask\"], \"port\": 5000, \"start_cmd\": \"flask run -p $PORT\"},"
    " \"shell\": {\"file\": null, \"instructions\": \"Runs a shell script.\"}}");
  g_autoptr(GError) error = NULL;
  /* NULL picks $XDG_CONFIG_HOME/fragment-studio/templates.json, the file just written. */
  g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new (NULL, &error);
  const char *expected_ids[] = {
    "code-interpreter-v1", "nextjs-developer", "vue-developer", "streamlit-developer",
    "gradio-developer", "static-html", "flask", "shell", NULL
  };
  FragTemplate *template;

  g_assert_no_error (error);
  g_assert_true (g_strv_equal (frag_template_catalog_get_ids (catalog), expected_ids));

  template = frag_template_catalog_lookup (catalog, "streamlit-developer");
  g_assert_cmpstr (frag_template_get_name (template), ==, "My Streamlit");
  g_assert_cmpint (frag_template_get_port (template), ==, 9000);
  /* Defaults: lib empty, kind from the port, e2b_template from the id. */
  g_assert_cmpuint (g_strv_length ((char **) frag_template_get_lib (template)), ==, 0);
  g_assert_cmpint (frag_template_get_kind (template), ==, FRAG_TEMPLATE_KIND_WEB);
  g_assert_cmpstr (frag_template_get_e2b_template (template), ==, "streamlit-developer");

  template = frag_template_catalog_lookup (catalog, "flask");
  g_assert_cmpstr (frag_template_get_name (template), ==, "flask");
  g_assert_cmpstr (frag_template_get_lib (template)[0], ==, "flask");

  template = frag_template_catalog_lookup (catalog, "shell");
  g_assert_null (frag_template_get_file (template));
  g_assert_cmpint (frag_template_get_kind (template), ==, FRAG_TEMPLATE_KIND_INTERPRETER);
}

static void
test_bad_user_files (void)
{
  const struct {
    const char *contents;
    const char *message_part;
  } cases[] = {
    { "not json", "is not valid JSON" },
    { "", "is empty" },
    { "[]", "must be a JSON object keyed by template id" },
    { "{\"a\": 3}", "template “a”: must be an object" },
    { "{\"a\": {\"instructions\": \"x\"}}", "template “a”: the required field “file” is missing" },
    { "{\"a\": {\"file\": \"a.py\"}}", "template “a”: the required field “instructions” is missing" },
    { "{\"a\": {\"file\": 1, \"instructions\": \"x\"}}", "template “a”: “file” must be a string or null" },
    { "{\"a\": {\"file\": \"a\", \"instructions\": null}}", "template “a”: “instructions” must be a string" },
    { "{\"a\": {\"file\": \"a\", \"instructions\": \"x\", \"lib\": \"numpy\"}}",
      "“lib” must be an array of strings" },
    { "{\"a\": {\"file\": \"a\", \"instructions\": \"x\", \"lib\": [1]}}",
      "“lib” must be an array of strings" },
    { "{\"a\": {\"file\": \"a\", \"instructions\": \"x\", \"port\": \"80\"}}",
      "“port” must be a port number from 1 to 65535 or null" },
    { "{\"a\": {\"file\": \"a\", \"instructions\": \"x\", \"port\": 0}}",
      "“port” must be a port number from 1 to 65535 or null" },
    { "{\"a\": {\"file\": \"a\", \"instructions\": \"x\", \"kind\": \"server\"}}",
      "“kind” must be \"interpreter\" or \"web\"" },
    { "{\"a\": {\"file\": \"a\", \"instructions\": \"x\", \"kind\": \"web\"}}",
      "a web template needs a “port”" },
    { "{\"ok\": {\"file\": \"a\", \"instructions\": \"x\"}, \"b\": {\"file\": \"a\"}}",
      "template “b”" },
    { "{\"\": {\"file\": \"a\", \"instructions\": \"x\"}}", "a template id is empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_user_file (cases[i].contents);
      g_autoptr(GError) error = NULL;
      g_autoptr(FragTemplateCatalog) catalog = frag_template_catalog_new (path, &error);

      g_test_message ("case %u: %s", i, cases[i].contents);
      /* The error names the file and what is wrong, and the built-ins still load. */
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 6);
      g_assert_null (frag_template_catalog_lookup (catalog, "ok"));
    }
}

static void
test_unreadable_user_file (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "not-a-file", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FragTemplateCatalog) catalog = NULL;

  /* A directory where the file should be cannot be read. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  catalog = frag_template_catalog_new (dir, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, dir));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/template-catalog/builtin", test_builtin_templates);
  g_test_add_func ("/core/template-catalog/properties", test_template_properties);
  g_test_add_func ("/core/template-catalog/missing-user-file", test_missing_user_file);
  g_test_add_func ("/core/template-catalog/user-file-merged", test_user_file_merged);
  g_test_add_func ("/core/template-catalog/bad-user-files", test_bad_user_files);
  g_test_add_func ("/core/template-catalog/unreadable-user-file", test_unreadable_user_file);

  return g_test_run ();
}
