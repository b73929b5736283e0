/* pipeline-test-util.h: waiting for async results and building fragments.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "frag-history-store.h"

G_BEGIN_DECLS

/* A GAsyncReadyCallback keeping a reference on the result in *user_data. */
static inline void
pipeline_test_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
pipeline_test_timeout_cb (gpointer user_data)
{
  g_error ("timed out waiting for an async result");
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until *slot is set (failing after 30 s); returns
 * it, transferring the reference (to be dropped by the caller's g_autoptr). */
static inline GAsyncResult *
pipeline_test_wait (GAsyncResult **slot)
{
  guint id = g_timeout_add_seconds (30, pipeline_test_timeout_cb, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return g_steal_pointer (slot);
}

static inline FragHistoryStore *
pipeline_test_open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  FragHistoryStore *store;

  frag_history_store_new_async (path, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  store = frag_history_store_new_finish (result, &error);
  g_assert_no_error (error);
  return store;
}

static inline void
pipeline_test_close_store (FragHistoryStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  frag_history_store_close_async (store, NULL, pipeline_test_result_cb, &slot);
  result = pipeline_test_wait (&slot);
  g_assert_true (frag_history_store_close_finish (store, result, &error));
  g_assert_no_error (error);
}

/* A fragment in the schema's field order, its code long enough that the fields before
 * it complete early in a stream. install may be NULL (no dependencies); port < 0 is
 * null. */
static inline char *
pipeline_test_fragment_json (const char *template_id,
                             const char *install,
                             const char *code,
                             int         port)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) long_code = g_string_new (code);

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (long_code, "\n# line %u of the explanation of what this code does", i);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "commentary");
  json_builder_add_string_value (builder, "Here is the program you asked for.");
  json_builder_set_member_name (builder, "template");
  json_builder_add_string_value (builder, template_id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, "Test program");
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, "A program for the pipeline tests.");
  json_builder_set_member_name (builder, "additional_dependencies");
  json_builder_begin_array (builder);
  if (install != NULL)
    json_builder_add_string_value (builder, "numpy");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "has_additional_dependencies");
  json_builder_add_boolean_value (builder, install != NULL);
  json_builder_set_member_name (builder, "install_dependencies_command");
  json_builder_add_string_value (builder, install != NULL ? install : "");
  json_builder_set_member_name (builder, "port");
  if (port >= 0)
    json_builder_add_int_value (builder, port);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "file_path");
  json_builder_add_string_value (builder, port >= 0 ? "index.html" : "script.py");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, long_code->str);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

G_END_DECLS
