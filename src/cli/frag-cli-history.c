/* frag-cli-history.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "frag-cli.h"
#include "frag-history-export.h"
#include "frag-history-store.h"

/* `frag history list|show ID|search QUERY|export ID DIR|delete ID [--db PATH] [--json]`.
 * The store is asynchronous; the command iterates the default main context until each
 * result arrives. */

#define DEFAULT_LIMIT 50
#define SNIPPET_START "«"
#define SNIPPET_END   "»"

static FragHistoryStore *
open_store (const char  *db_option,
            GError     **error)
{
  g_autofree char *path = frag_cli_db_path (db_option);

  return frag_cli_open_history (path, error);
}

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64)value;
  return TRUE;
}

static char *
format_local (gint64 unix_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_us / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* One line, at most max_chars characters, for the human table. */
static char *
one_line (const char *text,
          glong       max_chars)
{
  g_autofree char *flat = g_strdup (text != NULL ? text : "");
  g_autofree char *cut = NULL;

  g_strdelimit (flat, "\r\n\t", ' ');
  if (g_utf8_strlen (flat, -1) <= max_chars)
    return g_steal_pointer (&flat);
  cut = g_utf8_substring (flat, 0, max_chars - 1);
  return g_strconcat (cut, "…", NULL);
}

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

static void
add_info_members (JsonBuilder          *builder,
                  FragConversationInfo *info)
{
  g_autofree char *updated = frag_history_format_time (frag_conversation_info_get_updated (info));
  g_autofree char *created = frag_history_format_time (frag_conversation_info_get_created (info));

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, frag_conversation_info_get_id (info));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, frag_conversation_info_get_title (info));
  json_builder_set_member_name (builder, "updated");
  json_builder_add_string_value (builder, updated);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "model");
  if (frag_conversation_info_get_model (info) != NULL)
    json_builder_add_string_value (builder, frag_conversation_info_get_model (info));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "template");
  if (frag_conversation_info_get_template (info) != NULL)
    json_builder_add_string_value (builder, frag_conversation_info_get_template (info));
  else
    json_builder_add_null_value (builder);
}

static int
run_list (FragHistoryStore *store,
          int               limit,
          gboolean          as_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  guint n;

  frag_history_list_conversations_async (FRAG_HISTORY (store), 0, (guint)limit, NULL,
                                         frag_cli_store_result_cb, &result);
  list = frag_history_list_conversations_finish (FRAG_HISTORY (store), frag_cli_wait_for_result (&result),
                                                 &error);
  if (list == NULL)
    return frag_cli_report_error (error);

  n = g_list_model_get_n_items (list);
  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(FragConversationInfo) info = g_list_model_get_item (list, i);

          json_builder_begin_object (builder);
          add_info_members (builder, info);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      print_json (root);
      return FRAG_EXIT_OK;
    }

  if (n == 0)
    {
      printf ("No conversations yet.\n");
      return FRAG_EXIT_OK;
    }
  printf ("%6s  %-16s  %s\n", "ID", "UPDATED", "TITLE");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FragConversationInfo) info = g_list_model_get_item (list, i);
      g_autofree char *updated = format_local (frag_conversation_info_get_updated (info));
      g_autofree char *title = one_line (frag_conversation_info_get_title (info), 60);

      printf ("%6" G_GINT64_FORMAT "  %-16s  %s\n", frag_conversation_info_get_id (info), updated, title);
    }
  return FRAG_EXIT_OK;
}

static int
run_search (FragHistoryStore *store,
            const char       *query,
            int               limit,
            gboolean          as_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) hits = NULL;
  guint n;

  frag_history_search_async (FRAG_HISTORY (store), query, 0, (guint)limit, NULL, frag_cli_store_result_cb,
                             &result);
  hits = frag_history_search_finish (FRAG_HISTORY (store), frag_cli_wait_for_result (&result), &error);
  if (hits == NULL)
    return frag_cli_report_error (error);

  n = g_list_model_get_n_items (hits);
  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(FragSearchHit) hit = g_list_model_get_item (hits, i);
          g_autofree char *snippet = frag_search_hit_dup_snippet_marked (hit, SNIPPET_START, SNIPPET_END);

          json_builder_begin_object (builder);
          add_info_members (builder, frag_search_hit_get_conversation (hit));
          json_builder_set_member_name (builder, "snippet");
          json_builder_add_string_value (builder, snippet);
          json_builder_set_member_name (builder, "message_id");
          if (frag_search_hit_get_message_id (hit) > 0)
            json_builder_add_int_value (builder, frag_search_hit_get_message_id (hit));
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      print_json (root);
      return FRAG_EXIT_OK;
    }

  if (n == 0)
    {
      printf ("No matches.\n");
      return FRAG_EXIT_OK;
    }
  printf ("%6s  %-16s  %-30s  %s\n", "ID", "UPDATED", "TITLE", "MATCH");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FragSearchHit) hit = g_list_model_get_item (hits, i);
      FragConversationInfo *info = frag_search_hit_get_conversation (hit);
      g_autofree char *updated = format_local (frag_conversation_info_get_updated (info));
      g_autofree char *title = one_line (frag_conversation_info_get_title (info), 30);
      g_autofree char *marked = frag_search_hit_dup_snippet_marked (hit, SNIPPET_START, SNIPPET_END);
      g_autofree char *snippet = one_line (marked, 70);

      printf ("%6" G_GINT64_FORMAT "  %-16s  %-30s  %s\n", frag_conversation_info_get_id (info), updated, title,
              snippet);
    }
  return FRAG_EXIT_OK;
}

static FragStoredConversation *
load (FragHistoryStore  *store,
      gint64             id,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  frag_history_load_conversation_async (FRAG_HISTORY (store), id, NULL, frag_cli_store_result_cb, &result);
  return frag_history_load_conversation_finish (FRAG_HISTORY (store), frag_cli_wait_for_result (&result),
                                                error);
}

static void
print_conversation (FragStoredConversation *conversation)
{
  FragConversationInfo *info = frag_stored_conversation_get_info (conversation);
  GPtrArray *messages = frag_stored_conversation_get_messages (conversation);
  GPtrArray *versions = frag_stored_conversation_get_versions (conversation);
  GPtrArray *results = frag_stored_conversation_get_results (conversation);
  g_autofree char *created = format_local (frag_conversation_info_get_created (info));
  g_autofree char *updated = format_local (frag_conversation_info_get_updated (info));

  printf ("%s\n", frag_conversation_info_get_title (info));
  printf ("  id %" G_GINT64_FORMAT ", model %s, template %s\n", frag_conversation_info_get_id (info),
          frag_conversation_info_get_model (info) != NULL ? frag_conversation_info_get_model (info) : "-",
          frag_conversation_info_get_template (info) != NULL ? frag_conversation_info_get_template (info) : "-");
  printf ("  created %s, updated %s\n", created, updated);
  if (frag_conversation_info_get_sandbox_backend (info) != NULL)
    printf ("  sandbox %s %s\n", frag_conversation_info_get_sandbox_backend (info),
            frag_conversation_info_get_sandbox_id (info) != NULL ? frag_conversation_info_get_sandbox_id (info) : "");

  for (guint i = 0; i < messages->len; i++)
    {
      FragStoredMessage *message = g_ptr_array_index (messages, i);
      FragMessageState state = frag_stored_message_get_state (message);
      guint n_attachments = frag_stored_message_get_attachments (message)->len;

      printf ("\n[%s%s%s]", frag_message_role_to_string (frag_stored_message_get_role (message)),
              state != FRAG_MESSAGE_STATE_COMPLETE ? ", " : "",
              state != FRAG_MESSAGE_STATE_COMPLETE ? frag_message_state_to_string (state) : "");
      if (n_attachments > 0)
        printf (" (%u image%s)", n_attachments, n_attachments == 1 ? "" : "s");
      printf ("\n%s\n", frag_stored_message_get_text (message));
      if (frag_stored_message_get_error_message (message) != NULL)
        printf ("error: %s\n", frag_stored_message_get_error_message (message));
    }

  if (versions->len > 0)
    printf ("\n%u fragment version%s, %u run%s. 'frag history show %" G_GINT64_FORMAT " --json' has them all.\n",
            versions->len, versions->len == 1 ? "" : "s", results->len, results->len == 1 ? "" : "s",
            frag_conversation_info_get_id (info));
}

static int
run_show (FragHistoryStore *store,
          gint64            id,
          gboolean          as_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FragStoredConversation) conversation = load (store, id, &error);

  if (conversation == NULL)
    return frag_cli_report_error (error);
  if (as_json)
    {
      g_autoptr(JsonNode) node = frag_stored_conversation_to_json (conversation);

      print_json (node);
    }
  else
    print_conversation (conversation);
  return FRAG_EXIT_OK;
}

static int
run_export (FragHistoryStore *store,
            gint64            id,
            const char       *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) catalog_error = NULL;
  g_autoptr(FragStoredConversation) conversation = load (store, id, &error);
  g_autoptr(FragTemplateCatalog) catalog = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (conversation == NULL)
    return frag_cli_report_error (error);
  catalog = frag_template_catalog_new (NULL, &catalog_error);
  if (catalog_error != NULL)
    g_printerr ("frag: note: %s\n", catalog_error->message);

  frag_history_export_conversation_async (conversation, catalog, dir, NULL, frag_cli_store_result_cb,
                                          &result);
  if (!frag_history_export_conversation_finish (frag_cli_wait_for_result (&result), &error))
    return frag_cli_report_error (error);
  g_printerr ("Exported conversation %" G_GINT64_FORMAT " to %s\n", id, dir);
  return FRAG_EXIT_OK;
}

static int
run_delete (FragHistoryStore *store,
            gint64            id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  frag_history_delete_conversation_async (FRAG_HISTORY (store), id, NULL, frag_cli_store_result_cb, &result);
  if (!frag_history_delete_conversation_finish (FRAG_HISTORY (store), frag_cli_wait_for_result (&result),
                                                &error))
    return frag_cli_report_error (error);
  g_printerr ("Deleted conversation %" G_GINT64_FORMAT "\n", id);
  return FRAG_EXIT_OK;
}

int
frag_cli_history (int    argc,
                  char **argv)
{
  g_autofree char *db = NULL;
  gboolean as_json = FALSE;
  int limit = DEFAULT_LIMIT;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The history database (default: the app's)", "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print JSON instead of a table", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most N conversations (list, search; default 50)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("list | show ID | search QUERY | export ID DIR | delete ID");
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *action;
  gint64 id = 0;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Browse the conversations stored by Fragment Studio.\n"
                                "Search matches are marked " SNIPPET_START "like this" SNIPPET_END ".");
  if (!frag_cli_parse_options (context, &argc, &argv, &status))
    return status;

  if (argc < 2)
    return frag_cli_usage_error ("history: which action? list, show, search, export or delete");
  action = argv[1];
  if (limit < 1)
    return frag_cli_usage_error ("history: --limit must be at least 1");

  if (g_str_equal (action, "list"))
    {
      if (argc != 2)
        return frag_cli_usage_error ("history list takes no arguments");
    }
  else if (g_str_equal (action, "search"))
    {
      if (argc != 3)
        return frag_cli_usage_error ("history search takes one QUERY (quote it if it has spaces)");
    }
  else if (g_str_equal (action, "show") || g_str_equal (action, "delete") || g_str_equal (action, "export"))
    {
      int expected = g_str_equal (action, "export") ? 4 : 3;

      if (argc != expected)
        return frag_cli_usage_error ("history %s takes %s", action, expected == 4 ? "ID DIR" : "ID");
      if (!parse_id (argv[2], &id))
        return frag_cli_usage_error ("history %s: '%s' is not a conversation id", action, argv[2]);
    }
  else
    return frag_cli_usage_error ("history: unknown action '%s'", action);

  if ((store = open_store (db, &error)) == NULL)
    return frag_cli_report_error (error);

  if (g_str_equal (action, "list"))
    return run_list (store, limit, as_json);
  if (g_str_equal (action, "search"))
    return run_search (store, argv[2], limit, as_json);
  if (g_str_equal (action, "show"))
    return run_show (store, id, as_json);
  if (g_str_equal (action, "export"))
    return run_export (store, id, argv[3]);
  return run_delete (store, id);
}
