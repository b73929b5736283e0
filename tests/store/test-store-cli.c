/* test-store-cli.c: `frag history` and `frag keys`, run as a user would run them.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "frag-secret-keyring.h"
#include "store-test-util.h"

#define RED_PIXEL_PNG \
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="

typedef struct
{
  char   *dir;
  char   *db;
  gint64  plot;
  gint64  web;
} Fixture;

/* Runs the built frag with args; returns its exit status. */
static int
run_frag (const char  *stdin_text,
          char       **out,
          char       **err,
          ...)
{
  g_autofree char *frag = g_build_filename (g_getenv ("FRAG_BUILD_ROOT"), "src", "cli", "frag", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, frag);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* The child writes where this test's isolated directories are (GLib's test
   * isolation does not export them). */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static gint64
populate (FragHistory *history,
          const char  *title,
          const char  *prompt,
          const char  *fragment,
          const char  *result_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id, message_id, version_id;

  frag_history_create_conversation_async (history, title, "gpt-4o", NULL, NULL, store_test_result_cb, &result);
  id = frag_history_create_conversation_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  frag_history_append_user_message_async (history, id, prompt, NULL, NULL, store_test_result_cb, &result);
  frag_history_append_user_message_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  frag_history_begin_assistant_message_async (history, id, "gpt-4o", NULL, store_test_result_cb, &result);
  message_id = frag_history_begin_assistant_message_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  frag_history_finish_message_async (history, message_id, FRAG_MESSAGE_STATE_COMPLETE, "Here it is.", fragment,
                                     NULL, FRAG_TOKEN_USAGE_UNKNOWN, NULL, store_test_result_cb, &result);
  frag_history_finish_message_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  frag_history_add_version_async (history, id, message_id, 0, FRAG_VERSION_ORIGIN_MODEL, fragment, NULL,
                                  store_test_result_cb, &result);
  version_id = frag_history_add_version_finish (history, store_test_wait (&result), &error);
  g_clear_object (&result);
  if (result_json != NULL)
    {
      frag_history_add_result_async (history, version_id, result_json, NULL, store_test_result_cb, &result);
      frag_history_add_result_finish (history, store_test_wait (&result), &error);
    }
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = store_test_make_dir ();
  fixture->db = g_build_filename (fixture->dir, "history.db", NULL);
  store = store_test_open (fixture->db, &error);
  g_assert_no_error (error);
  fixture->plot = populate (FRAG_HISTORY (store), "Sine plot", "Plot a sine wave\nwith a title",
                            "{\"commentary\":\"c\",\"template\":\"code-interpreter-v1\",\"title\":\"Sine\","
                            "\"description\":\"A sine chart\",\"additional_dependencies\":[\"scipy\"],"
                            "\"has_additional_dependencies\":true,\"install_dependencies_command\":\"pip install scipy\","
                            "\"port\":null,\"file_path\":\"script.py\",\"code\":\"print('sine')\\n\"}",
                            "{\"template\":\"code-interpreter-v1\",\"stdout\":[\"sine\\n\"],\"stderr\":[],"
                            "\"error\":null,\"results\":[{\"png\":\"" RED_PIXEL_PNG "\",\"is_main_result\":true}],"
                            "\"url\":null,\"exit_code\":0}");
  fixture->web = populate (FRAG_HISTORY (store), "Todo app", "Build a todo app",
                           "{\"commentary\":\"c\",\"template\":\"nextjs-developer\",\"title\":\"Todo\","
                           "\"description\":\"Todos\",\"additional_dependencies\":[],"
                           "\"has_additional_dependencies\":false,\"install_dependencies_command\":\"\","
                           "\"port\":3000,\"file_path\":\"pages/index.tsx\","
                           "\"code\":\"export default function Home() { return <ul/> }\\n\"}",
                           NULL);
  store_test_close (store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  store_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db);
}

static JsonArray *
parse_array (JsonParser *parser,
             const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_node_get_array (json_parser_get_root (parser));
}

static void
assert_iso8601 (const char *text)
{
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)$",
                                       text, 0, 0));
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;
  JsonObject *first;

  g_assert_cmpint (run_frag (NULL, &out, &err, "history", "list", "--db", fixture->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Sine plot"));
  g_assert_nonnull (strstr (out, "Todo app"));
  g_assert_true (strstr (out, "Todo app") < strstr (out, "Sine plot"));

  g_assert_cmpint (run_frag (NULL, &json, NULL, "history", "list", "--json", "--db", fixture->db, NULL), ==, 0);
  array = parse_array (parser, json);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  first = json_array_get_object_element (array, 0);
  g_assert_cmpint (json_object_get_int_member (first, "id"), ==, fixture->web);
  g_assert_cmpstr (json_object_get_string_member (first, "title"), ==, "Todo app");
  assert_iso8601 (json_object_get_string_member (first, "updated"));
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;
  JsonObject *hit;

  g_assert_cmpint (run_frag (NULL, &json, NULL, "history", "search", "sine wave", "--json", "--db", fixture->db,
                             NULL), ==, 0);
  array = parse_array (parser, json);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  hit = json_array_get_object_element (array, 0);
  g_assert_cmpint (json_object_get_int_member (hit, "id"), ==, fixture->plot);
  assert_iso8601 (json_object_get_string_member (hit, "updated"));
  g_assert_nonnull (strstr (json_object_get_string_member (hit, "snippet"), "«sine» «wave»"));

  g_assert_cmpint (run_frag (NULL, &out, &err, "history", "search", "todo", "--db", fixture->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Todo app"));

  /* Hostile input is just a query with no hits, never an error. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_frag (NULL, &out, NULL, "history", "search", "\"((NEAR* -", "--db", fixture->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No matches"));
}

static void
test_show (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->plot);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_cmpint (run_frag (NULL, &out, NULL, "history", "show", id, "--db", fixture->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Sine plot"));
  g_assert_nonnull (strstr (out, "Plot a sine wave"));

  g_assert_cmpint (run_frag (NULL, &json, NULL, "history", "show", id, "--json", "--db", fixture->db, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "messages")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "versions")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "results")), ==, 1);

  /* Not found: status 1 and a clear last line; bad id: usage, status 2. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_frag (NULL, NULL, &err, "history", "show", "999", "--db", fixture->db, NULL), ==, 1);
  g_assert_true (g_str_has_suffix (err, "frag: No conversation with id 999 in the history\n"));
  g_assert_cmpint (run_frag (NULL, NULL, NULL, "history", "show", "x1", "--db", fixture->db, NULL), ==, 2);
  g_assert_cmpint (run_frag (NULL, NULL, NULL, "history", "frobnicate", "--db", fixture->db, NULL), ==, 2);
  g_assert_cmpint (run_frag (NULL, NULL, NULL, "history", NULL), ==, 2);
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->plot);
  g_autofree char *web_id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->web);
  g_autofree char *out_dir = g_build_filename (fixture->dir, "export-plot", NULL);
  g_autofree char *web_dir = g_build_filename (fixture->dir, "export-web", NULL);
  g_autofree char *script = NULL;
  g_autofree char *requirements = NULL;
  g_autofree char *readme = NULL;
  g_autofree char *output = NULL;
  g_autofree char *png = NULL;
  g_autofree char *package = NULL;
  g_autofree char *page = NULL;
  g_autofree guchar *expected_png = NULL;
  g_autofree char *png_path = NULL;
  gsize png_length = 0, expected_length = 0;

  g_assert_cmpint (run_frag (NULL, NULL, NULL, "history", "export", id, out_dir, "--db", fixture->db, NULL), ==, 0);
  script = read_file (out_dir, "script.py");
  g_assert_cmpstr (script, ==, "print('sine')\n");
  requirements = read_file (out_dir, "requirements.txt");
  g_assert_nonnull (strstr (requirements, "numpy\n"));
  g_assert_nonnull (strstr (requirements, "matplotlib\n"));
  g_assert_nonnull (strstr (requirements, "scipy\n"));
  g_assert_null (strstr (requirements, "python\n"));
  readme = read_file (out_dir, "README.md");
  g_assert_nonnull (strstr (readme, "> Plot a sine wave\n> with a title\n"));
  g_assert_nonnull (strstr (readme, "pip install -r requirements.txt"));
  g_assert_nonnull (strstr (readme, "python3 script.py"));
  output = read_file (out_dir, "results/output.txt");
  g_assert_nonnull (strstr (output, "sine\n"));
  png_path = g_build_filename (out_dir, "results", "result-1.png", NULL);
  g_assert_true (g_file_get_contents (png_path, &png, &png_length, NULL));
  expected_png = g_base64_decode (RED_PIXEL_PNG, &expected_length);
  g_assert_cmpmem (png, png_length, expected_png, expected_length);

  g_assert_cmpint (run_frag (NULL, NULL, NULL, "history", "export", web_id, web_dir, "--db", fixture->db, NULL), ==, 0);
  package = read_file (web_dir, "package.json");
  g_assert_nonnull (strstr (package, "\"next\" : \"14.2.5\""));
  g_assert_nonnull (strstr (package, "npx next dev -p 3000"));
  page = read_file (web_dir, "pages/index.tsx");
  g_assert_nonnull (strstr (page, "function Home"));
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->plot);
  g_autofree char *out = NULL;

  g_assert_cmpint (run_frag (NULL, NULL, NULL, "history", "delete", id, "--db", fixture->db, NULL), ==, 0);
  g_assert_cmpint (run_frag (NULL, &out, NULL, "history", "list", "--db", fixture->db, NULL), ==, 0);
  g_assert_null (strstr (out, "Sine plot"));
  g_assert_cmpint (run_frag (NULL, NULL, NULL, "history", "delete", id, "--db", fixture->db, NULL), ==, 1);
}

static void
test_newer_database (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "newer.db", NULL);
  g_autofree char *err = NULL;
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  sqlite3_exec (raw, "PRAGMA user_version = 999", NULL, NULL, NULL);
  sqlite3_close (raw);
  g_assert_cmpint (run_frag (NULL, NULL, &err, "history", "list", "--db", path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "newer version of Fragment Studio"));
}

static gboolean
tree_contains (const char *path,
               const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        return FALSE;
      return g_strstr_len (contents, length, needle) != NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (tree_contains (child, needle))
        return TRUE;
    }
  return FALSE;
}

static void
test_keys_never_on_disk (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *key = g_strdup_printf ("sk-frag-grep-%08x%08x", g_random_int (), g_random_int ());
  g_autofree char *stdin_text = g_strdup_printf ("%s\n", key);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *dirs[] = { g_get_user_data_dir (), g_get_user_config_dir (), g_get_user_cache_dir (),
                         g_get_user_state_dir (), fixture->dir };

  /* A key on the command line is refused, and not echoed. */
  g_assert_cmpint (run_frag (NULL, NULL, &err, "keys", "set", "openai", key, NULL), ==, 2);
  g_assert_null (strstr (err, key));
  g_clear_pointer (&err, g_free);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("no session bus: the keyring part needs dbus-run-session and gnome-keyring");
      return;
    }
  g_assert_cmpint (run_frag (stdin_text, &out, &err, "keys", "set", "openai", NULL), ==, 0);
  g_assert_null (strstr (err, key));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_frag (NULL, &out, NULL, "keys", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "openai\tOpenAI\n"));
  g_assert_null (strstr (out, key));

  /* Use the history with the key stored, then look for the key everywhere we write. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_frag (NULL, &out, NULL, "history", "list", "--db", fixture->db, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  if (run_frag (NULL, NULL, &err, "history", "list", NULL) != 0)
    g_error ("frag history list (default database) failed: %s", err);
  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    g_assert_false (tree_contains (dirs[i], key));

  g_assert_cmpint (run_frag (NULL, NULL, NULL, "keys", "delete", "openai", NULL), ==, 0);
  g_assert_cmpint (run_frag (NULL, NULL, NULL, "keys", "delete", "openai", NULL), ==, 1);
  g_assert_cmpint (run_frag (NULL, NULL, NULL, "keys", "set", "Not A Provider", NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/store/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("list", test_list);
  ADD ("search", test_search);
  ADD ("show", test_show);
  ADD ("export", test_export);
  ADD ("delete", test_delete);
  ADD ("newer-database", test_newer_database);
  ADD ("keys-never-on-disk", test_keys_never_on_disk);
#undef ADD

  return g_test_run ();
}
