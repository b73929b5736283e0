/* frag-history-blobs.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-blobs"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "frag-errors.h"
#include "frag-history-blobs.h"

/* The result fields that carry base64 binaries, and their MIME types. */
static const struct
{
  const char *member;
  const char *mime_type;
} binary_fields[] = {
  { "png",  "image/png" },
  { "jpeg", "image/jpeg" },
};

/* The member that replaces an inline value: an object, which a result's "png" never
 * is (DESIGN.md: a base64 string), so the two cannot be confused when loading. */
#define BLOB_REFERENCE_MEMBER "blob"

gint64
_frag_history_blobs_put (FragHistoryDb  *db,
                         const char     *mime_type,
                         GBytes         *data,
                         GError        **error)
{
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  sqlite3_stmt *stmt;
  gsize size = 0;
  const void *bytes = g_bytes_get_data (data, &size);
  gint64 blob_id;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "INSERT INTO blobs (sha256, mime_type, data) VALUES (?1, ?2, ?3) "
                                         "ON CONFLICT (sha256) DO NOTHING", error)))
    return 0;
  _frag_history_bind_text (stmt, 1, sha256);
  _frag_history_bind_text (stmt, 2, mime_type);
  /* A zero-length blob must still be a BLOB, not NULL (the column is NOT NULL). */
  sqlite3_bind_blob64 (stmt, 3, size > 0 ? bytes : "", size, SQLITE_STATIC);
  if (!_frag_history_db_step_done (db, stmt, error))
    return 0;

  if (!(stmt = _frag_history_db_prepare (db, "SELECT id FROM blobs WHERE sha256 = ?1", error)))
    return 0;
  _frag_history_bind_text (stmt, 1, sha256);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _frag_history_db_set_error (db, sqlite3_errcode (db->handle), error, "Could not store an image");
      sqlite3_reset (stmt);
      return 0;
    }
  blob_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return blob_id;
}

GBytes *
_frag_history_blobs_get (FragHistoryDb  *db,
                         gint64          blob_id,
                         char          **mime_type,
                         GError        **error)
{
  sqlite3_stmt *stmt;
  GBytes *bytes;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db, "SELECT data, mime_type FROM blobs WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, blob_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_CORRUPT,
                     "A stored image is missing from the history (blob %" G_GINT64_FORMAT ")", blob_id);
      else
        _frag_history_db_set_error (db, rc, error, "Could not read a stored image");
      sqlite3_reset (stmt);
      return NULL;
    }
  if (mime_type != NULL)
    *mime_type = g_strdup (_frag_history_column_text (stmt, 1));
  bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);
  return bytes;
}

static gboolean
get_blob_by_sha256 (FragHistoryDb  *db,
                    const char     *sha256,
                    char          **base64,
                    GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db, "SELECT data FROM blobs WHERE sha256 = ?1", error)))
    return FALSE;
  _frag_history_bind_text (stmt, 1, sha256);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_CORRUPT,
                     "A stored result image is missing from the history (%s)", sha256);
      else
        _frag_history_db_set_error (db, rc, error, "Could not read a stored result image");
      sqlite3_reset (stmt);
      return FALSE;
    }
  *base64 = g_base64_encode (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);
  return TRUE;
}

static JsonArray *
get_results_array (JsonParser *parser,
                   const char *json)
{
  JsonNode *root;
  JsonNode *results;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  results = json_object_get_member (json_node_get_object (root), "results");
  if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results))
    return NULL;
  return json_node_get_array (results);
}

static char *
root_to_string (JsonParser *parser)
{
  return json_to_string (json_parser_get_root (parser), FALSE);
}

char *
_frag_history_blobs_deflate_result (FragHistoryDb  *db,
                                    const char     *result_json,
                                    GArray         *blob_ids,
                                    GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *results = get_results_array (parser, result_json);

  if (results == NULL)
    return g_strdup (result_json != NULL ? result_json : "");

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *element = json_array_get_element (results, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);

      for (gsize f = 0; f < G_N_ELEMENTS (binary_fields); f++)
        {
          JsonNode *value = json_object_get_member (object, binary_fields[f].member);
          g_autoptr(JsonObject) reference = NULL;
          g_autoptr(GBytes) bytes = NULL;
          g_autofree char *canonical = NULL;
          g_autofree char *sha256 = NULL;
          const char *base64;
          guchar *decoded;
          gsize size = 0;
          gint64 blob_id;

          if (value == NULL || json_node_get_value_type (value) != G_TYPE_STRING)
            continue;
          base64 = json_node_get_string (value);
          decoded = g_base64_decode (base64, &size);
          bytes = g_bytes_new_take (decoded, size);
          canonical = g_base64_encode (decoded, size);
          if (size == 0 || strcmp (canonical, base64) != 0)
            continue;

          if ((blob_id = _frag_history_blobs_put (db, binary_fields[f].mime_type, bytes, error)) == 0)
            return NULL;
          g_array_append_val (blob_ids, blob_id);

          sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
          reference = json_object_new ();
          json_object_set_string_member (reference, BLOB_REFERENCE_MEMBER, sha256);
          json_object_set_object_member (object, binary_fields[f].member, g_steal_pointer (&reference));
        }
    }

  return root_to_string (parser);
}

char *
_frag_history_blobs_inflate_result (FragHistoryDb  *db,
                                    const char     *stored_json,
                                    GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *results = get_results_array (parser, stored_json);
  gboolean changed = FALSE;

  if (results == NULL)
    return g_strdup (stored_json != NULL ? stored_json : "");

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *element = json_array_get_element (results, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);

      for (gsize f = 0; f < G_N_ELEMENTS (binary_fields); f++)
        {
          JsonNode *value = json_object_get_member (object, binary_fields[f].member);
          JsonObject *reference;
          g_autofree char *base64 = NULL;
          const char *sha256;

          if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
            continue;
          reference = json_node_get_object (value);
          sha256 = json_object_get_string_member_with_default (reference, BLOB_REFERENCE_MEMBER, NULL);
          if (sha256 == NULL)
            continue;
          if (!get_blob_by_sha256 (db, sha256, &base64, error))
            return NULL;
          json_object_set_string_member (object, binary_fields[f].member, base64);
          changed = TRUE;
        }
    }

  if (!changed)
    return g_strdup (stored_json);
  return root_to_string (parser);
}

gboolean
_frag_history_blobs_collect (FragHistoryDb  *db,
                             GError        **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "DELETE FROM blobs WHERE"
                                         " NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.blob_id = blobs.id)"
                                         " AND NOT EXISTS (SELECT 1 FROM result_blobs r WHERE r.blob_id = blobs.id)",
                                         error)))
    return FALSE;
  return _frag_history_db_step_done (db, stmt, error);
}
