/* frag-history-index.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-index"

#include "config.h"

#include <json-glib/json-glib.h>

#include "frag-history-index.h"
#include "frag-history-records.h"
#include "frag-history-schema.h"

/* Valid UTF-8 without the highlight markers, so a snippet's markers are only ever the
 * ones FTS5 put there. */
static char *
clean_text (const char *text)
{
  char *clean = g_utf8_make_valid (text != NULL ? text : "", -1);

  for (char *p = clean; *p != '\0'; p++)
    {
      if (*p == FRAG_SEARCH_HIGHLIGHT_START[0] || *p == FRAG_SEARCH_HIGHLIGHT_END[0])
        *p = ' ';
    }
  return clean;
}

static gboolean
index_put (FragHistoryDb  *db,
           gint64          rowid,
           gint64          conversation_id,
           gint64          message_id,
           const char     *title,
           const char     *body,
           GError        **error)
{
  g_autofree char *clean_title = clean_text (title);
  g_autofree char *clean_body = clean_text (body);
  sqlite3_stmt *stmt;

  if (!(stmt = _frag_history_db_prepare (db, "DELETE FROM search_index WHERE rowid = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (!_frag_history_db_step_done (db, stmt, error))
    return FALSE;

  if (*clean_title == '\0' && *clean_body == '\0')
    return TRUE;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "INSERT INTO search_index (rowid, title, body, conversation_id, message_id) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  _frag_history_bind_text (stmt, 2, clean_title);
  _frag_history_bind_text (stmt, 3, clean_body);
  sqlite3_bind_int64 (stmt, 4, conversation_id);
  if (message_id > 0)
    sqlite3_bind_int64 (stmt, 5, message_id);
  else
    sqlite3_bind_null (stmt, 5);
  return _frag_history_db_step_done (db, stmt, error);
}

gboolean
_frag_history_index_conversation (FragHistoryDb  *db,
                                  gint64          conversation_id,
                                  const char     *title,
                                  GError        **error)
{
  return index_put (db, FRAG_SEARCH_ROWID (conversation_id, FRAG_SEARCH_SOURCE_CONVERSATION),
                    conversation_id, 0, title, NULL, error);
}

gboolean
_frag_history_index_message (FragHistoryDb  *db,
                             gint64          message_id,
                             gint64          conversation_id,
                             const char     *text,
                             GError        **error)
{
  return index_put (db, FRAG_SEARCH_ROWID (message_id, FRAG_SEARCH_SOURCE_MESSAGE),
                    conversation_id, message_id, NULL, text, error);
}

gboolean
_frag_history_index_version (FragHistoryDb  *db,
                             gint64          version_id,
                             gint64          conversation_id,
                             gint64          message_id,
                             const char     *fragment_json,
                             GError        **error)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  _frag_history_index_fragment_text (fragment_json, &title, &body);
  return index_put (db, FRAG_SEARCH_ROWID (version_id, FRAG_SEARCH_SOURCE_VERSION),
                    conversation_id, message_id, title, body, error);
}

gboolean
_frag_history_index_result (FragHistoryDb  *db,
                            gint64          result_id,
                            gint64          conversation_id,
                            gint64          message_id,
                            const char     *result_json,
                            GError        **error)
{
  g_autofree char *body = _frag_history_index_result_text (result_json);

  return index_put (db, FRAG_SEARCH_ROWID (result_id, FRAG_SEARCH_SOURCE_RESULT),
                    conversation_id, message_id, NULL, body, error);
}

gboolean
_frag_history_index_remove_conversation (FragHistoryDb  *db,
                                         gint64          conversation_id,
                                         GError        **error)
{
  sqlite3_stmt *stmt;

  /* By rowid, which the FTS table looks up directly; a filter on its UNINDEXED
   * conversation_id column would scan every entry. */
  if (!(stmt = _frag_history_db_prepare (db,
                                         "DELETE FROM search_index WHERE rowid IN ("
                                         "  SELECT ?1 * 4 + 0"
                                         "  UNION ALL SELECT id * 4 + 1 FROM messages WHERE conversation_id = ?1"
                                         "  UNION ALL SELECT id * 4 + 2 FROM fragment_versions"
                                         "            WHERE conversation_id = ?1"
                                         "  UNION ALL SELECT r.id * 4 + 3 FROM execution_results r"
                                         "            JOIN fragment_versions v ON v.id = r.version_id"
                                         "            WHERE v.conversation_id = ?1)", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  return _frag_history_db_step_done (db, stmt, error);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *json)
{
  JsonNode *root;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_node_get_object (root);
}

static void
append_string_member (GString    *text,
                      JsonObject *object,
                      const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return;
  if (text->len > 0)
    g_string_append_c (text, '\n');
  g_string_append (text, json_node_get_string (node));
}

void
_frag_history_index_fragment_text (const char  *fragment_json,
                                   char       **title,
                                   char       **body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) title_text = g_string_new (NULL);
  g_autoptr(GString) body_text = g_string_new (NULL);
  JsonObject *object = parse_object (parser, fragment_json);
  JsonNode *files;

  if (object != NULL)
    {
      append_string_member (title_text, object, "title");
      append_string_member (body_text, object, "description");
      files = json_object_get_member (object, "files");
      if (files != NULL && JSON_NODE_HOLDS_ARRAY (files) && json_array_get_length (json_node_get_array (files)) > 0)
        {
          JsonArray *array = json_node_get_array (files);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *file = json_array_get_element (array, i);

              if (!JSON_NODE_HOLDS_OBJECT (file))
                continue;
              append_string_member (body_text, json_node_get_object (file), "file_path");
              append_string_member (body_text, json_node_get_object (file), "code");
            }
        }
      else
        {
          append_string_member (body_text, object, "file_path");
          append_string_member (body_text, object, "code");
        }
    }

  *title = g_strdup (title_text->str);
  *body = g_strdup (body_text->str);
}

static void
append_string_array (GString  *text,
                     JsonNode *node)
{
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

char *
_frag_history_index_result_text (const char *result_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *object = parse_object (parser, result_json);
  JsonNode *node;

  if (object == NULL)
    return g_strdup ("");

  /* stdout and stderr are arrays of chunks as they arrived; they join without a
   * separator because a chunk may end mid-line. */
  append_string_array (text, json_object_get_member (object, "stdout"));
  node = json_object_get_member (object, "error");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      append_string_member (text, json_node_get_object (node), "name");
      append_string_member (text, json_node_get_object (node), "value");
    }
  node = json_object_get_member (object, "results");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *results = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonNode *result = json_array_get_element (results, i);

          if (JSON_NODE_HOLDS_OBJECT (result))
            append_string_member (text, json_node_get_object (result), "text");
        }
    }
  return g_strdup (text->str);
}
