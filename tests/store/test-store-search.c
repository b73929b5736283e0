/* test-store-search.c: offline full-text search, including hostile queries.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "frag-fts-query.h"
#include "frag-history-db.h"

typedef struct
{
  FragHistoryDb *db;
  gint64         plots;      /* matplotlib conversation */
  gint64         web;        /* a Next.js app */
  gint64         streaming;  /* an assistant message still streaming */
  gint64         streaming_message;
} Fixture;

static gint64
add_conversation (FragHistoryDb *db,
                  const char    *title,
                  const char    *prompt,
                  const char    *answer,
                  const char    *fragment_json,
                  const char    *result_json)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 id, message_id, version_id;

  id = frag_history_db_create_conversation (db, title, "gpt-4o", "code-interpreter-v1", now, &error);
  g_assert_no_error (error);
  frag_history_db_append_message (db, id, FRAG_MESSAGE_ROLE_USER, FRAG_MESSAGE_STATE_COMPLETE, prompt, NULL, NULL,
                                  now, &error);
  g_assert_no_error (error);
  message_id = frag_history_db_append_message (db, id, FRAG_MESSAGE_ROLE_ASSISTANT, FRAG_MESSAGE_STATE_STREAMING,
                                               "", "gpt-4o", NULL, now, &error);
  g_assert_no_error (error);
  g_assert_true (frag_history_db_finish_message (db, message_id, FRAG_MESSAGE_STATE_COMPLETE, answer, fragment_json,
                                                 NULL, FRAG_TOKEN_USAGE_UNKNOWN, now, &error));
  g_assert_no_error (error);
  version_id = frag_history_db_add_version (db, id, message_id, 0, FRAG_VERSION_ORIGIN_MODEL, fragment_json, now,
                                            &error);
  g_assert_no_error (error);
  if (result_json != NULL)
    {
      frag_history_db_add_result (db, version_id, result_json, now, &error);
      g_assert_no_error (error);
    }
  return id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->db = frag_history_db_open (":memory:", NULL, &error);
  g_assert_no_error (error);

  fixture->plots = add_conversation (fixture->db, "Sine wave chart",
                                     "Plot a sine wave with matplotlib",
                                     "I'll draw it with numpy and matplotlib.",
                                     "{\"title\":\"Sine plot\",\"description\":\"A chart of sin(x)\","
                                     "\"template\":\"code-interpreter-v1\",\"file_path\":\"script.py\","
                                     "\"code\":\"import matplotlib.pyplot as plt\\nplt.plot(xs)\\nprint('amplitude')\"}",
                                     "{\"stdout\":[\"amplitude 1.0\\n\"],\"stderr\":[],\"error\":null,"
                                     "\"results\":[{\"text\":\"<Figure size 640x480>\"}]}");
  fixture->web = add_conversation (fixture->db, "Todo app",
                                   "Build a todo list in Next.js with \"quotes\" and (parens",
                                   "Here is a React component.",
                                   "{\"title\":\"Todo list\",\"description\":\"A Next.js page\","
                                   "\"template\":\"nextjs-developer\",\"files\":[{\"file_path\":\"pages/index.tsx\","
                                   "\"code\":\"export default function Home() { return <ul/> } // useState\"}]}",
                                   NULL);

  fixture->streaming = frag_history_db_create_conversation (fixture->db, "Unfinished", NULL, NULL,
                                                            g_get_real_time (), &error);
  g_assert_no_error (error);
  fixture->streaming_message = frag_history_db_append_message (fixture->db, fixture->streaming,
                                                               FRAG_MESSAGE_ROLE_ASSISTANT,
                                                               FRAG_MESSAGE_STATE_STREAMING, "", NULL, NULL,
                                                               g_get_real_time (), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  frag_history_db_close (fixture->db);
}

static GPtrArray *
search (Fixture    *fixture,
        const char *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *hits = frag_history_db_search (fixture->db, query, 0, 50, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

static gint64
first_hit (Fixture    *fixture,
           const char *query)
{
  g_autoptr(GPtrArray) hits = search (fixture, query);

  if (hits->len == 0)
    return 0;
  return frag_conversation_info_get_id (frag_search_hit_get_conversation (g_ptr_array_index (hits, 0)));
}

static void
test_finds_each_source (Fixture       *fixture,
                        gconstpointer  data)
{
  /* Message text, a fragment's code and description, a multi-file fragment's code,
   * stdout, a text result, and a conversation title. */
  g_assert_cmpint (first_hit (fixture, "sine wave"), ==, fixture->plots);
  g_assert_cmpint (first_hit (fixture, "pyplot"), ==, fixture->plots);
  g_assert_cmpint (first_hit (fixture, "sin(x)"), ==, fixture->plots);
  g_assert_cmpint (first_hit (fixture, "useState"), ==, fixture->web);
  g_assert_cmpint (first_hit (fixture, "amplitude 1.0"), ==, fixture->plots);
  g_assert_cmpint (first_hit (fixture, "Figure"), ==, fixture->plots);
  g_assert_cmpint (first_hit (fixture, "Todo"), ==, fixture->web);
  g_assert_cmpint (first_hit (fixture, "nothing-like-this-anywhere"), ==, 0);
}

static void
test_prefix_and_diacritics (Fixture       *fixture,
                            gconstpointer  data)
{
  /* Search as you type: the last word is a prefix. */
  g_assert_cmpint (first_hit (fixture, "matplo"), ==, fixture->plots);
  g_assert_cmpint (first_hit (fixture, "Nex"), ==, fixture->web);
  g_assert_cmpint (first_hit (fixture, "reac* comp"), ==, fixture->web);
  /* Diacritics are folded. */
  g_assert_cmpint (first_hit (fixture, "sïne"), ==, fixture->plots);
}

static void
test_one_hit_per_conversation_best_first (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  /* "chart" is in the plots' title and in a body of a new conversation. */
  id = add_conversation (fixture->db, "Unrelated", "draw me a chart of anything", "ok", "{\"title\":\"x\"}", NULL);
  hits = search (fixture, "chart");
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpint (frag_conversation_info_get_id (frag_search_hit_get_conversation (g_ptr_array_index (hits, 0))),
                   ==, fixture->plots);
  g_assert_cmpint (frag_conversation_info_get_id (frag_search_hit_get_conversation (g_ptr_array_index (hits, 1))),
                   ==, id);
  g_assert_cmpfloat (frag_search_hit_get_rank (g_ptr_array_index (hits, 0)), <=,
                     frag_search_hit_get_rank (g_ptr_array_index (hits, 1)));

  /* Paging. */
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = frag_history_db_search (fixture->db, "chart", 1, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
}

static void
test_snippet_highlight (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) hits = search (fixture, "numpy");
  g_autofree char *marked = NULL;
  FragSearchHit *hit;

  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  g_assert_nonnull (strstr (frag_search_hit_get_snippet (hit), FRAG_SEARCH_HIGHLIGHT_START "numpy" FRAG_SEARCH_HIGHLIGHT_END));
  marked = frag_search_hit_dup_snippet_marked (hit, "<b>", "</b>");
  g_assert_nonnull (strstr (marked, "with <b>numpy</b> and"));
  g_assert_cmpint (frag_search_hit_get_message_id (hit), >, 0);
}

static void
test_markers_in_text_are_neutralised (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  const char *snippet;
  guint starts = 0;

  add_conversation (fixture->db, "Control", "fake \002marker\003 then lighthouse", "ok", "{}", NULL);
  hits = search (fixture, "lighthouse");
  g_assert_cmpuint (hits->len, ==, 1);
  snippet = frag_search_hit_get_snippet (g_ptr_array_index (hits, 0));
  for (const char *p = snippet; *p != '\0'; p++)
    starts += *p == FRAG_SEARCH_HIGHLIGHT_START[0];
  g_assert_cmpuint (starts, ==, 1);
}

static void
test_hostile_queries (Fixture       *fixture,
                      gconstpointer  data)
{
  static const char * const queries[] = {
    "", " ", "\t\n", "\"", "\"\"", "\"unterminated", "'", "*", "**", "-", "--", "-sine", "sine -wave",
    "(", ")", "((sine", "sine)", "(a OR b", "NEAR", "NEAR(sine wave, 2)", "sine NEAR wave", "AND", "OR", "NOT",
    "sine AND", "OR sine", "NOT NOT", "sine AND OR NOT wave", "^sine", "title:sine", "{title body}: sine",
    "sine + wave", "'; DROP TABLE conversations; --", "\" OR 1=1 --", "%", "_", "\\", "sine*wave", "*sine",
    "🎉", "🎉 sine", "日本語", "sine\xff\xfe", "a", "ab", "\002\003", "col:\"x\"", "x\"y\"z", ":", "NEAR/3",
  };
  g_autoptr(GPtrArray) hits = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) result = NULL;
      g_autofree char *shown = g_strescape (queries[i], NULL);

      /* Escaped: the TAP log is UTF-8, and one query is not. */
      g_test_message ("query: %s", shown);
      result = search (fixture, queries[i]);
      (void)result;
    }

  /* A long query is bounded, not an error. */
  {
    g_autoptr(GString) long_query = g_string_new (NULL);
    g_autoptr(GPtrArray) result = NULL;

    for (guint i = 0; i < 2000; i++)
      g_string_append (long_query, "sine ( \" * - ");
    result = search (fixture, long_query->str);
    (void)result;
  }

  /* SQL-looking text did nothing. */
  hits = search (fixture, "sine");
  g_assert_cmpuint (hits->len, ==, 1);
}

static void
test_punctuation_is_text (Fixture       *fixture,
                          gconstpointer  data)
{
  /* Operators in what the user typed are words, not syntax: the quote and the
   * unbalanced parenthesis are punctuation around words that are there. */
  g_assert_cmpint (first_hit (fixture, "\"quotes\" (parens"), ==, fixture->web);
  g_assert_cmpint (first_hit (fixture, "todo -list"), ==, fixture->web);
  g_assert_cmpint (first_hit (fixture, "Todo OR nothingsuchword"), ==, 0);
}

static void
test_checkpoint_and_delete_update_index (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (first_hit (fixture, "xylophone"), ==, 0);
  g_assert_true (frag_history_db_checkpoint_message (fixture->db, fixture->streaming_message, "a xylophone tune",
                                                     NULL, g_get_real_time (), &error));
  g_assert_no_error (error);
  g_assert_cmpint (first_hit (fixture, "xylophone"), ==, fixture->streaming);
  /* A newer checkpoint replaces the entry. */
  g_assert_true (frag_history_db_checkpoint_message (fixture->db, fixture->streaming_message, "a marimba tune",
                                                     NULL, g_get_real_time (), &error));
  g_assert_cmpint (first_hit (fixture, "xylophone"), ==, 0);
  g_assert_cmpint (first_hit (fixture, "marimba"), ==, fixture->streaming);

  g_assert_true (frag_history_db_rename_conversation (fixture->db, fixture->web, "Shopping list", g_get_real_time (),
                                                      &error));
  g_assert_cmpint (first_hit (fixture, "shopping"), ==, fixture->web);

  g_assert_true (frag_history_db_delete_conversation (fixture->db, fixture->plots, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first_hit (fixture, "matplotlib"), ==, 0);
  g_assert_cmpint (first_hit (fixture, "amplitude"), ==, 0);
}

static gint64
hit_conversation (GPtrArray *hits,
                  guint      index)
{
  return frag_conversation_info_get_id (frag_search_hit_get_conversation (g_ptr_array_index (hits, index)));
}

static void
test_newest_matches_ranked_once_per_conversation (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) past = NULL;
  gint64 ids[30];
  guint offset;

  /* 30 conversations of 80 matching messages: 2,400 entries, more than are ranked. The
   * messages are alike, and rank alike, but for five of one conversation, which say the
   * word more often: the best one most often. */
  g_assert_true (frag_history_db_begin (fixture->db, &error));
  for (guint c = 0; c < G_N_ELEMENTS (ids); c++)
    {
      g_autofree char *title = g_strdup_printf ("Batch %u", c);

      ids[c] = frag_history_db_create_conversation (fixture->db, title, NULL, NULL, c, &error);
      g_assert_no_error (error);
      for (guint m = 0; m < 80; m++)
        {
          const char *more = c != 20 || m < 40 || m > 44 ? "" : m == 40 ? " filler filler" : " filler";
          g_autofree char *text = g_strdup_printf ("filler %u%s", m, more);

          frag_history_db_append_message (fixture->db, ids[c], FRAG_MESSAGE_ROLE_USER,
                                          FRAG_MESSAGE_STATE_COMPLETE, text, NULL, NULL, c, &error);
          g_assert_no_error (error);
        }
    }
  g_assert_true (frag_history_db_commit (fixture->db, &error));

  /* The newest 2,000 entries are those of the last 25 conversations: each is one hit,
   * best first, the one with the strongest entries on top (once, with the snippet of
   * its best entry), then equal ranks newest conversation first. */
  all = frag_history_db_search (fixture->db, "filler", 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 25);
  g_assert_cmpint (hit_conversation (all, 0), ==, ids[20]);
  g_assert_nonnull (strstr (frag_search_hit_get_snippet (g_ptr_array_index (all, 0)), "40"));
  for (guint i = 1, c = 29; i < all->len; i++, c--)
    {
      if (c == 20)
        c--;
      g_assert_cmpint (hit_conversation (all, i), ==, ids[c]);
      g_assert_cmpfloat (frag_search_hit_get_rank (g_ptr_array_index (all, i - 1)), <=,
                         frag_search_hit_get_rank (g_ptr_array_index (all, i)));
    }

  /* Pages are that list, cut; past its end they are empty. */
  for (offset = 0; offset <= all->len; offset += 7)
    {
      g_autoptr(GPtrArray) page = frag_history_db_search (fixture->db, "filler", offset, 7, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->len, ==, MIN (7, all->len - offset));
      for (guint i = 0; i < page->len; i++)
        g_assert_cmpint (hit_conversation (page, i), ==, hit_conversation (all, offset + i));
    }
  past = frag_history_db_search (fixture->db, "filler", G_MAXUINT - 1, G_MAXUINT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (past->len, ==, 0);
}

static void
test_sanitize (void)
{
  static const struct
  {
    const char *input;
    const char *expected;
  } cases[] = {
    { "hello", "\"hello\"*" },
    { "hello world", "\"hello\" \"world\"*" },
    { "pyth* code", "\"pyth\"* \"code\"*" },
    { "a", "\"a\"" },
    { "say \"hi\"", "\"say\" \"\"\"hi\"\"\"*" },
    { "NEAR(a b)", "\"NEAR(a\" \"b)\"*" },
    { "- * ( ) \" ", NULL },
    { "", NULL },
    { NULL, NULL },
    { "🎉", NULL },
    { "sine -wave", "\"sine\" \"-wave\"*" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *query = frag_fts_query_sanitize (cases[i].input);

      g_assert_cmpstr (query, ==, cases[i].expected);
    }
}

static void
test_highlight (void)
{
  g_autofree char *simple = frag_fts_query_highlight ("sine wa", "I'll plot a Sine wave now", 12, "[", "]");
  g_autofree char *cut = frag_fts_query_highlight ("needle", "one two three four five six seven eight nine "
                                                   "ten needle eleven twelve thirteen fourteen fifteen sixteen",
                                                   6, "[", "]");
  g_autofree char *none = frag_fts_query_highlight ("absent", "alpha beta gamma", 2, "[", "]");
  g_autofree char *hostile = frag_fts_query_highlight ("\"((*", "text", 5, "[", "]");

  g_assert_cmpstr (simple, ==, "I'll plot a [Sine] [wave] now");
  g_assert_cmpstr (cut, ==, "…nine ten [needle] eleven twelve thirteen…");
  g_assert_cmpstr (none, ==, "alpha beta…");
  g_assert_cmpstr (hostile, ==, "text");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/search/sanitize", test_sanitize);
  g_test_add_func ("/store/search/highlight", test_highlight);
#define ADD(path, func) \
  g_test_add ("/store/search/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("finds-each-source", test_finds_each_source);
  ADD ("prefix-and-diacritics", test_prefix_and_diacritics);
  ADD ("one-hit-per-conversation-best-first", test_one_hit_per_conversation_best_first);
  ADD ("snippet-highlight", test_snippet_highlight);
  ADD ("markers-in-text-are-neutralised", test_markers_in_text_are_neutralised);
  ADD ("hostile-queries", test_hostile_queries);
  ADD ("punctuation-is-text", test_punctuation_is_text);
  ADD ("checkpoint-and-delete-update-index", test_checkpoint_and_delete_update_index);
  ADD ("newest-matches-ranked-once-per-conversation", test_newest_matches_ranked_once_per_conversation);
#undef ADD

  return g_test_run ();
}
