/* test-core-fragment.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "frag-fragment.h"

static const char *known_templates[] = {
  "code-interpreter-v1", "nextjs-developer", "static-html", NULL
};

/* A complete fragment as a model returns it, with characters that need escaping. */
static const char *complete_json =
  "{\"commentary\":\"I will plot \\\"sin\\\" — with ünïcödé 😀\","
  "\"template\":\"code-interpreter-v1\","
  "\"title\":\"Sine plot\","
  "\"description\":\"Plots a sine wave.\","
  "\"additional_dependencies\":[\"scipy\",\"sympy\"],"
  "\"has_additional_dependencies\":true,"
  "\"install_dependencies_command\":\"pip install scipy sympy\","
  "\"port\":null,"
  "\"file_path\":\"script.py\","
  "\"code\":\"import numpy as np\\nprint(np.sin(1))\\n\"}";

static FragFragment *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  FragFragment *fragment = frag_fragment_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (fragment);
  return fragment;
}

static void
test_fragment_parse_fields (void)
{
  g_autoptr(FragFragment) fragment = parse_ok (complete_json);
  const char * const *deps;
  GPtrArray *files;
  const FragFragmentFile *file;

  g_assert_cmpstr (frag_fragment_get_commentary (fragment), ==,
                   "I will plot \"sin\" — with ünïcödé 😀");
  g_assert_cmpstr (frag_fragment_get_template (fragment), ==, "code-interpreter-v1");
  g_assert_cmpstr (frag_fragment_get_title (fragment), ==, "Sine plot");
  g_assert_cmpstr (frag_fragment_get_description (fragment), ==, "Plots a sine wave.");
  deps = frag_fragment_get_additional_dependencies (fragment);
  g_assert_cmpuint (g_strv_length ((char **) deps), ==, 2);
  g_assert_cmpstr (deps[0], ==, "scipy");
  g_assert_cmpstr (deps[1], ==, "sympy");
  g_assert_true (frag_fragment_get_has_additional_dependencies (fragment));
  g_assert_cmpstr (frag_fragment_get_install_dependencies_command (fragment), ==,
                   "pip install scipy sympy");
  g_assert_cmpint (frag_fragment_get_port (fragment), ==, FRAG_FRAGMENT_NO_PORT);
  g_assert_cmpstr (frag_fragment_get_file_path (fragment), ==, "script.py");
  g_assert_cmpstr (frag_fragment_get_code (fragment), ==, "import numpy as np\nprint(np.sin(1))\n");
  g_assert_false (frag_fragment_has_files (fragment));

  files = frag_fragment_get_files (fragment);
  g_assert_cmpuint (files->len, ==, 1);
  file = g_ptr_array_index (files, 0);
  g_assert_cmpstr (file->file_path, ==, "script.py");
  g_assert_cmpstr (file->code, ==, "import numpy as np\nprint(np.sin(1))\n");

  g_assert_true (frag_fragment_validate (fragment, known_templates, NULL));
}

static void
test_fragment_round_trip (void)
{
  g_autoptr(FragFragment) fragment = parse_ok (complete_json);
  g_autofree char *json = frag_fragment_to_json (fragment, FALSE);
  g_autofree char *pretty = frag_fragment_to_json (fragment, TRUE);
  g_autoptr(FragFragment) again = parse_ok (json);
  g_autoptr(FragFragment) again_pretty = parse_ok (pretty);
  g_autoptr(JsonNode) expected = json_from_string (complete_json, NULL);
  g_autoptr(JsonNode) actual = json_from_string (json, NULL);

  g_assert_true (frag_fragment_equal (fragment, again));
  g_assert_true (frag_fragment_equal (fragment, again_pretty));
  g_assert_true (json_node_equal (expected, actual));
}

static void
test_fragment_schema_order (void)
{
  static const char *expected_order[] = {
    "commentary", "template", "title", "description", "additional_dependencies",
    "has_additional_dependencies", "install_dependencies_command", "port", "file_path",
    "code", NULL
  };
  /* Fields in a scrambled order come out in schema order. */
  g_autoptr(FragFragment) fragment =
    parse_ok ("{\"code\":\"x\",\"port\":3000,\"title\":\"t\",\"template\":\"nextjs-developer\"}");
  g_autoptr(JsonNode) node = frag_fragment_to_json_node (fragment);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GList) members = json_object_get_members (object);
  guint i = 0;

  for (GList *l = members; l != NULL; l = l->next, i++)
    g_assert_cmpstr (l->data, ==, expected_order[i]);
  g_assert_cmpuint (i, ==, 10);

  /* Unset fields are written as empty values, the port as a number. */
  g_assert_cmpstr (json_object_get_string_member (object, "commentary"), ==, "");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                         "additional_dependencies")),
                    ==, 0);
  g_assert_false (json_object_get_boolean_member (object, "has_additional_dependencies"));
  g_assert_cmpint (json_object_get_int_member (object, "port"), ==, 3000);
}

static void
test_fragment_files_extension (void)
{
  const char *json =
    "{\"commentary\":\"c\",\"template\":\"static-html\",\"title\":\"t\",\"description\":\"d\","
    "\"additional_dependencies\":[],\"has_additional_dependencies\":false,"
    "\"install_dependencies_command\":\"\",\"port\":8000,"
    "\"file_path\":\"index.html\",\"code\":\"<p>ignored</p>\","
    "\"files\":[{\"file_path\":\"index.html\",\"code\":\"<script src=app.js></script>\"},"
    "{\"file_path\":\"js/app.js\",\"code\":\"alert(1)\"}]}";
  g_autoptr(FragFragment) fragment = parse_ok (json);
  g_autoptr(FragFragment) copy = NULL;
  g_autoptr(FragFragment) again = NULL;
  g_autofree char *out = NULL;
  GPtrArray *files;
  const FragFragmentFile *file;

  g_assert_true (frag_fragment_has_files (fragment));
  g_assert_cmpint (frag_fragment_get_port (fragment), ==, 8000);
  files = frag_fragment_get_files (fragment);
  g_assert_cmpuint (files->len, ==, 2);
  file = g_ptr_array_index (files, 1);
  g_assert_cmpstr (file->file_path, ==, "js/app.js");
  g_assert_cmpstr (file->code, ==, "alert(1)");
  g_assert_true (frag_fragment_validate (fragment, known_templates, NULL));

  out = frag_fragment_to_json (fragment, FALSE);
  again = parse_ok (out);
  g_assert_true (frag_fragment_equal (fragment, again));
  copy = frag_fragment_copy (fragment);
  g_assert_true (frag_fragment_equal (fragment, copy));

  /* Clearing the extension falls back to file_path + code. */
  frag_fragment_set_files (copy, NULL);
  g_assert_false (frag_fragment_has_files (copy));
  files = frag_fragment_get_files (copy);
  g_assert_cmpuint (files->len, ==, 1);
  file = g_ptr_array_index (files, 0);
  g_assert_cmpstr (file->code, ==, "<p>ignored</p>");
  g_assert_false (frag_fragment_equal (fragment, copy));

  /* Without file_path/code, files alone are enough to be runnable. */
  {
    g_autoptr(FragFragment) only_files = parse_ok (
      "{\"commentary\":\"c\",\"template\":\"static-html\",\"title\":\"t\",\"description\":\"d\","
      "\"additional_dependencies\":[],\"has_additional_dependencies\":false,"
      "\"install_dependencies_command\":\"\",\"port\":null,"
      "\"files\":[{\"file_path\":\"index.html\",\"code\":\"<p>hi</p>\"}]}");
    g_assert_true (frag_fragment_validate (only_files, known_templates, NULL));
  }
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  GHashTable *counts = user_data;
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static guint
notify_count (GHashTable *counts,
              const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_fragment_notify_on_change_only (void)
{
  g_autoptr(FragFragment) fragment = frag_fragment_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  const char *deps[] = { "a", "b", NULL };
  const char *same_deps[] = { "a", "b", NULL };
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) frag_fragment_file_free);
  g_autofree char *code = NULL;
  int port = 0;

  g_signal_connect (fragment, "notify", G_CALLBACK (count_notify_cb), counts);

  frag_fragment_set_code (fragment, "print(1)");
  frag_fragment_set_code (fragment, "print(1)");
  g_assert_cmpuint (notify_count (counts, "code"), ==, 1);
  frag_fragment_set_code (fragment, "print(2)");
  g_assert_cmpuint (notify_count (counts, "code"), ==, 2);

  frag_fragment_set_title (fragment, NULL);
  g_assert_cmpuint (notify_count (counts, "title"), ==, 0);
  g_object_set (fragment, "title", "Hello", NULL);
  g_object_set (fragment, "title", "Hello", NULL);
  g_assert_cmpuint (notify_count (counts, "title"), ==, 1);

  frag_fragment_set_port (fragment, FRAG_FRAGMENT_NO_PORT);
  g_assert_cmpuint (notify_count (counts, "port"), ==, 0);
  frag_fragment_set_port (fragment, 8501);
  frag_fragment_set_port (fragment, 8501);
  g_assert_cmpuint (notify_count (counts, "port"), ==, 1);

  frag_fragment_set_additional_dependencies (fragment, deps);
  frag_fragment_set_additional_dependencies (fragment, same_deps);
  g_assert_cmpuint (notify_count (counts, "additional-dependencies"), ==, 1);

  frag_fragment_set_has_additional_dependencies (fragment, TRUE);
  frag_fragment_set_has_additional_dependencies (fragment, 2);
  g_assert_cmpuint (notify_count (counts, "has-additional-dependencies"), ==, 1);

  g_ptr_array_add (files, frag_fragment_file_new ("a.py", "1"));
  frag_fragment_set_files (fragment, files);
  frag_fragment_set_files (fragment, files);
  g_assert_cmpuint (notify_count (counts, "files"), ==, 1);

  g_object_get (fragment, "code", &code, "port", &port, NULL);
  g_assert_cmpstr (code, ==, "print(2)");
  g_assert_cmpint (port, ==, 8501);
}

typedef struct
{
  const char *json;
  int         code;
  const char *message;
} ErrorCase;

#define BASE_FIELDS \
  "\"commentary\":\"c\",\"template\":\"nextjs-developer\",\"title\":\"t\",\"description\":\"d\"," \
  "\"additional_dependencies\":[],\"has_additional_dependencies\":false," \
  "\"install_dependencies_command\":\"\",\"port\":3000"

static void
test_fragment_parse_errors (void)
{
  const ErrorCase cases[] = {
    { "not json", FRAG_FRAGMENT_ERROR_INVALID_JSON, NULL },
    { "", FRAG_FRAGMENT_ERROR_INVALID_JSON, "The fragment is empty" },
    { "[1,2]", FRAG_FRAGMENT_ERROR_INVALID_JSON, "A fragment must be a JSON object, not an array" },
    { "{\"title\":3}", FRAG_FRAGMENT_ERROR_WRONG_TYPE, "Field “title” must be a string, not a number" },
    { "{\"code\":null}", FRAG_FRAGMENT_ERROR_WRONG_TYPE, "Field “code” must be a string, not null" },
    { "{\"port\":\"3000\"}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “port” must be a number or null, not a string" },
    { "{\"port\":true}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “port” must be a number or null, not a boolean" },
    { "{\"port\":70000}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “port” must be a port number from 1 to 65535 or null, not 70000" },
    { "{\"port\":0}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “port” must be a port number from 1 to 65535 or null, not 0" },
    { "{\"port\":80.5}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “port” must be a port number from 1 to 65535 or null, not 80.5" },
    { "{\"has_additional_dependencies\":\"yes\"}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “has_additional_dependencies” must be a boolean, not a string" },
    { "{\"additional_dependencies\":\"numpy\"}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “additional_dependencies” must be an array of strings, not a string" },
    { "{\"additional_dependencies\":[\"a\",{}]}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “additional_dependencies” must be an array of strings, but item 2 is an object" },
    { "{\"files\":{}}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “files” must be an array of {file_path, code} objects, not an object" },
    { "{\"files\":[1]}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “files” must be an array of objects, but item 1 is a number" },
    { "{\"files\":[{\"file_path\":\"a\"}]}", FRAG_FRAGMENT_ERROR_MISSING_FIELD,
      "Item 1 of “files” is missing the required field “code”" },
    { "{\"files\":[{\"file_path\":\"a\",\"code\":[]}]}", FRAG_FRAGMENT_ERROR_WRONG_TYPE,
      "Field “code” of item 1 of “files” must be a string, not an array" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FragFragment) fragment = frag_fragment_new_from_data (cases[i].json, -1, &error);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (fragment);
      g_assert_error (error, FRAG_FRAGMENT_ERROR, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_fragment_validation_errors (void)
{
  const ErrorCase cases[] = {
    { "{}", FRAG_FRAGMENT_ERROR_MISSING_FIELD, "Fragment is missing the required field “commentary”" },
    { "{" BASE_FIELDS ",\"file_path\":\"a.tsx\"}", FRAG_FRAGMENT_ERROR_MISSING_FIELD,
      "Fragment is missing the required field “code”" },
    { "{" BASE_FIELDS ",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_MISSING_FIELD,
      "Fragment is missing the required field “file_path”" },
    { "{\"commentary\":\"c\",\"template\":\"t\",\"title\":\"t\",\"description\":\"d\","
      "\"additional_dependencies\":[],\"install_dependencies_command\":\"\",\"port\":null,"
      "\"file_path\":\"a\",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_MISSING_FIELD,
      "Fragment is missing the required field “has_additional_dependencies”" },
    { "{\"commentary\":\"c\",\"template\":\"t\",\"title\":\"t\",\"description\":\"d\","
      "\"additional_dependencies\":[],\"has_additional_dependencies\":false,"
      "\"install_dependencies_command\":\"\",\"file_path\":\"a\",\"code\":\"x\"}",
      FRAG_FRAGMENT_ERROR_MISSING_FIELD, "Fragment is missing the required field “port”" },
    { "{\"commentary\":\"c\",\"template\":\"foo\",\"title\":\"t\",\"description\":\"d\","
      "\"additional_dependencies\":[],\"has_additional_dependencies\":false,"
      "\"install_dependencies_command\":\"\",\"port\":null,\"file_path\":\"a\",\"code\":\"x\"}",
      FRAG_FRAGMENT_ERROR_UNKNOWN_TEMPLATE,
      "Unknown template “foo” (known: code-interpreter-v1, nextjs-developer, static-html)" },
    { "{" BASE_FIELDS ",\"file_path\":\"a.tsx\",\"code\":\"\"}", FRAG_FRAGMENT_ERROR_EMPTY_CODE,
      "The fragment's code is empty" },
    { "{" BASE_FIELDS ",\"file_path\":\"a.tsx\",\"code\":\" \\n\\t \"}", FRAG_FRAGMENT_ERROR_EMPTY_CODE,
      "The fragment's code is empty" },
    { "{" BASE_FIELDS ",\"file_path\":\"../x\",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "File path “../x” leaves the work directory" },
    { "{" BASE_FIELDS ",\"file_path\":\"/etc/x\",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "File path “/etc/x” leaves the work directory" },
    { "{" BASE_FIELDS ",\"file_path\":\"a/../../x\",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "File path “a/../../x” leaves the work directory" },
    { "{" BASE_FIELDS ",\"file_path\":\"\",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "The file path is empty" },
    { "{" BASE_FIELDS ",\"file_path\":\"..\\\\x\",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "File path “..\\\\x” is not a plain relative file name" },
    { "{" BASE_FIELDS ",\"file_path\":\"a\\nb\",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "File path “a\\nb” is not a plain relative file name" },
    { "{" BASE_FIELDS ",\"file_path\":\"pages/\",\"code\":\"x\"}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "File path “pages/” is not a plain relative file name" },
    { "{" BASE_FIELDS ",\"files\":[{\"file_path\":\"ok.py\",\"code\":\"x\"},"
      "{\"file_path\":\"../evil\",\"code\":\"x\"}]}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "File path “../evil” leaves the work directory" },
    { "{" BASE_FIELDS ",\"files\":[{\"file_path\":\"a.py\",\"code\":\"x\"},"
      "{\"file_path\":\"a.py\",\"code\":\"y\"}]}", FRAG_FRAGMENT_ERROR_BAD_PATH,
      "File path “a.py” appears twice in “files”" },
    { "{" BASE_FIELDS ",\"files\":[{\"file_path\":\"a.py\",\"code\":\"\"},"
      "{\"file_path\":\"b.py\",\"code\":\"  \"}]}", FRAG_FRAGMENT_ERROR_EMPTY_CODE,
      "Every file of the fragment is empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FragFragment) fragment = parse_ok (cases[i].json);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_false (frag_fragment_validate (fragment, known_templates, &error));
      g_assert_error (error, FRAG_FRAGMENT_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* Without a template list any template id is accepted. */
  {
    g_autoptr(FragFragment) fragment = parse_ok (
      "{\"commentary\":\"c\",\"template\":\"foo\",\"title\":\"t\",\"description\":\"d\","
      "\"additional_dependencies\":[],\"has_additional_dependencies\":false,"
      "\"install_dependencies_command\":\"\",\"port\":null,\"file_path\":\"a\",\"code\":\"x\"}");
    g_assert_true (frag_fragment_validate (fragment, NULL, NULL));
  }
}

static void
test_fragment_path_is_safe (void)
{
  const char *safe[] = { "a.py", "pages/index.tsx", "./app.py", "a/./b.py", ".env", "a..b", "..a", NULL };
  const char *unsafe[] = {
    "", "/etc/passwd", "../x", "..", ".", "a/..", "a/../../x", "a/../b", "a\\b", "..\\x",
    "a/", "a/.", "tab\there", "del\x7f", "\xff\xfe", NULL
  };

  for (guint i = 0; safe[i] != NULL; i++)
    g_assert_true (frag_fragment_path_is_safe (safe[i]));
  for (guint i = 0; unsafe[i] != NULL; i++)
    {
      g_autofree char *shown = g_strescape (unsafe[i], NULL);

      g_test_message ("unsafe: %s", shown);
      g_assert_false (frag_fragment_path_is_safe (unsafe[i]));
    }
  g_assert_false (frag_fragment_path_is_safe (NULL));
}

static void
test_fragment_port_numbers (void)
{
  g_autoptr(FragFragment) integral = parse_ok ("{\"port\":3000.0}");
  g_autoptr(FragFragment) unset = parse_ok ("{}");

  g_assert_cmpint (frag_fragment_get_port (integral), ==, 3000);
  g_assert_cmpint (frag_fragment_get_port (unset), ==, FRAG_FRAGMENT_NO_PORT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/fragment/parse-fields", test_fragment_parse_fields);
  g_test_add_func ("/core/fragment/round-trip", test_fragment_round_trip);
  g_test_add_func ("/core/fragment/schema-order", test_fragment_schema_order);
  g_test_add_func ("/core/fragment/files-extension", test_fragment_files_extension);
  g_test_add_func ("/core/fragment/notify-on-change-only", test_fragment_notify_on_change_only);
  g_test_add_func ("/core/fragment/parse-errors", test_fragment_parse_errors);
  g_test_add_func ("/core/fragment/validation-errors", test_fragment_validation_errors);
  g_test_add_func ("/core/fragment/path-is-safe", test_fragment_path_is_safe);
  g_test_add_func ("/core/fragment/port-numbers", test_fragment_port_numbers);

  return g_test_run ();
}
