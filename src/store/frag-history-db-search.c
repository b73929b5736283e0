/* frag-history-db-search.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-db"

#include "config.h"

#include <string.h>

#include "frag-errors.h"
#include "frag-history-db-private.h"
#include "frag-fts-query.h"
#include "frag-history-schema.h"

/* A matching entry of the search index. */
typedef struct
{
  gint64 rowid;  /* FRAG_SEARCH_ROWID () */
  double rank;   /* bm25: lower is better */
} RankedEntry;

/* A conversation's best-ranked entry. */
typedef struct
{
  gint64 conversation_id;
  gint64 rowid;
  double rank;
} BestMatch;

#define MAX_RANKED_ENTRIES 2000
#define SNIPPET_WORDS      12

/* Best first; between equal ranks, the newest entry. */
static int
compare_ranked_entries (gconstpointer a,
                        gconstpointer b)
{
  const RankedEntry *x = a;
  const RankedEntry *y = b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return (x->rowid < y->rowid) - (x->rowid > y->rowid);
}

/* Newest conversation first. */
static int
compare_best_matches_by_conversation (gconstpointer a,
                                      gconstpointer b)
{
  const BestMatch *x = a;
  const BestMatch *y = b;

  return (x->conversation_id < y->conversation_id) - (x->conversation_id > y->conversation_id);
}

/* The newest MAX_RANKED_ENTRIES entries that match, ranked, best first.
 *
 * Ranking scores each match it is given, which for a word in half the history (an
 * import every script has) would cost hundreds of milliseconds. So only the newest
 * matches are ranked: rowids grow as rows are added, and FTS5 walks them newest first,
 * scoring only the rows it returns, without reading their stored text. Rarer words are
 * ranked exactly. Titles weigh more than bodies. The matches are walked once;
 * which conversation an entry belongs to is looked up afterwards, and only for the
 * entries a page of hits needs (best_per_conversation()). */
static GArray *
rank_newest_entries (FragHistoryDb  *db,
                     const char     *fts_query,
                     GError        **error)
{
  g_autoptr(GArray) entries = g_array_sized_new (FALSE, FALSE, sizeof (RankedEntry), 256);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT rowid, rank FROM search_index "
                                         "WHERE search_index MATCH ?1 AND rank MATCH 'bm25(4.0, 1.0)' "
                                         "ORDER BY rowid DESC LIMIT ?2", error)))
    return NULL;
  _frag_history_bind_text (stmt, 1, fts_query);
  sqlite3_bind_int (stmt, 2, MAX_RANKED_ENTRIES);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RankedEntry entry = { sqlite3_column_int64 (stmt, 0), sqlite3_column_double (stmt, 1) };

      g_array_append_val (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not search the history");
      return NULL;
    }

  g_array_sort (entries, compare_ranked_entries);
  return g_steal_pointer (&entries);
}

/* The conversation an entry belongs to, from the row it indexes: a primary-key lookup
 * that reads the start of one row (the index's own copy of the conversation id sits
 * after the text, past any overflow pages). 0 when the row is gone. */
static gint64
entry_conversation (FragHistoryDb  *db,
                    gint64          rowid,
                    GError        **error)
{
  static const char * const owner_sql[] = {
    [FRAG_SEARCH_SOURCE_CONVERSATION] = "SELECT id FROM conversations WHERE id = ?1",
    [FRAG_SEARCH_SOURCE_MESSAGE] = "SELECT conversation_id FROM messages WHERE id = ?1",
    [FRAG_SEARCH_SOURCE_VERSION] = "SELECT conversation_id FROM fragment_versions WHERE id = ?1",
    [FRAG_SEARCH_SOURCE_RESULT] = "SELECT v.conversation_id FROM execution_results r "
                                  "JOIN fragment_versions v ON v.id = r.version_id WHERE r.id = ?1",
  };
  sqlite3_stmt *stmt;
  gint64 conversation_id = 0;
  int rc;

  if (!(stmt = _frag_history_db_prepare (db, owner_sql[FRAG_SEARCH_ROWID_SOURCE (rowid)], error)))
    return -1;
  sqlite3_bind_int64 (stmt, 1, FRAG_SEARCH_ROWID_ID (rowid));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    conversation_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not search the history");
      return -1;
    }
  return conversation_id;
}

/* The best-ranked entry of each conversation, best first, between equal ranks the
 * newest conversation first; at least the first n_wanted conversations (all when
 * fewer match). Entries are taken in rank order and only until n_wanted conversations
 * are known, so a page of hits looks up the conversation of a few dozen entries, not
 * of every entry ranked. */
static GArray *
best_per_conversation (FragHistoryDb  *db,
                       GArray         *entries,
                       guint           n_wanted,
                       GError        **error)
{
  g_autoptr(GArray) best = g_array_new (FALSE, FALSE, sizeof (BestMatch));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint start = 0;

  while (start < entries->len && best->len < n_wanted)
    {
      double rank = g_array_index (entries, RankedEntry, start).rank;
      guint first_new = best->len;
      guint end;

      /* A run of equal ranks is taken whole, so which conversations make the page does
       * not depend on where the run was cut. */
      for (end = start; end < entries->len && g_array_index (entries, RankedEntry, end).rank == rank; end++)
        {
          RankedEntry *entry = &g_array_index (entries, RankedEntry, end);
          BestMatch match = { 0, entry->rowid, entry->rank };

          if ((match.conversation_id = entry_conversation (db, entry->rowid, error)) < 0)
            return NULL;
          /* The newest entry of the run is a conversation's first, and the one kept. */
          if (match.conversation_id == 0 || g_hash_table_contains (seen, &match.conversation_id))
            continue;
          g_hash_table_add (seen, g_memdup2 (&match.conversation_id, sizeof match.conversation_id));
          g_array_append_val (best, match);
        }
      if (best->len - first_new > 1)
        qsort (&g_array_index (best, BestMatch, first_new), best->len - first_new, sizeof (BestMatch),
               compare_best_matches_by_conversation);
      start = end;
    }
  return g_steal_pointer (&best);
}

static FragSearchHit *
search_hit_new (FragHistoryDb    *db,
                const char       *query,
                const BestMatch  *match,
                GError          **error)
{
  g_autoptr(FragConversationInfo) info = NULL;
  g_autofree char *snippet = NULL;
  gint64 message_id = 0;
  sqlite3_stmt *stmt;
  int rc;

  /* A plain rowid lookup: no MATCH, so no second run of the query. */
  if (!(stmt = _frag_history_db_prepare (db,
                                         "SELECT title, body, coalesce (message_id, 0) "
                                         "FROM search_index WHERE rowid = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, match->rowid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *title = _frag_history_column_text (stmt, 0);
      const char *body = _frag_history_column_text (stmt, 1);
      g_autofree char *title_snippet = frag_fts_query_highlight (query, title, SNIPPET_WORDS,
                                                                 FRAG_SEARCH_HIGHLIGHT_START,
                                                                 FRAG_SEARCH_HIGHLIGHT_END);

      /* The title when the match is there, else the body around the match. */
      if (strstr (title_snippet, FRAG_SEARCH_HIGHLIGHT_START) != NULL || body == NULL || *body == '\0')
        snippet = g_steal_pointer (&title_snippet);
      else
        snippet = frag_fts_query_highlight (query, body, SNIPPET_WORDS,
                                            FRAG_SEARCH_HIGHLIGHT_START, FRAG_SEARCH_HIGHLIGHT_END);
      message_id = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _frag_history_db_set_error (db, rc, error, "Could not search the history");
      return NULL;
    }

  if ((info = _frag_history_db_load_conversation_info (db, match->conversation_id, error)) == NULL)
    return NULL;
  return frag_search_hit_new (info, snippet, message_id, match->rank);
}

GPtrArray *
frag_history_db_search (FragHistoryDb  *db,
                        const char     *query,
                        guint           offset,
                        guint           limit,
                        GError        **error)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GArray) best = NULL;
  g_autofree char *fts_query = frag_fts_query_sanitize (query);
  gboolean owned = FALSE;
  gboolean ok;

  if (fts_query == NULL)
    return g_steal_pointer (&hits);

  /* One read transaction, so the hits' snippets and conversations come from the
   * snapshot that ranked them even while another process writes. */
  if (sqlite3_get_autocommit (db->handle))
    {
      if (!_frag_history_db_exec (db, "BEGIN", error))
        return NULL;
      owned = TRUE;
    }
  ok = (entries = rank_newest_entries (db, fts_query, error)) != NULL
       && (best = best_per_conversation (db, entries, limit > G_MAXUINT - offset ? G_MAXUINT : offset + limit,
                                         error)) != NULL;
  /* Snippets only for the page of hits shown, not for every matching entry. */
  for (guint i = offset; ok && i < best->len && i - offset < limit; i++)
    {
      FragSearchHit *hit = search_hit_new (db, query, &g_array_index (best, BestMatch, i), error);

      if (hit != NULL)
        g_ptr_array_add (hits, hit);
      ok = hit != NULL;
    }
  if (owned)
    sqlite3_exec (db->handle, "COMMIT", NULL, NULL, NULL);
  return ok ? g_steal_pointer (&hits) : NULL;
}
