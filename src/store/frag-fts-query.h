/* frag-fts-query.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Turns whatever a user typed into a search box into an FTS5 query that cannot fail to
 * parse: each word becomes a quoted string ("" escaping any quote inside), so FTS5
 * syntax (AND, OR, NOT, NEAR, -, ^, :, parentheses, column filters) is just text. Words
 * are ANDed. The last word, and any word typed with a trailing '*', match as prefixes
 * (search as you type). Words with no letter or digit are dropped; NULL when nothing
 * searchable is left. The result is bound as a parameter, never spliced into SQL. */
char *frag_fts_query_sanitize  (const char *user_query);

/* A snippet of text around the first word the query matches: about n_words words,
 * "…" where it was cut, each matching word between highlight_start and highlight_end.
 * Words match as FTS5's unicode61 tokenizer sees them (runs of letters and digits,
 * case-insensitive); the query's prefix words also match longer words. Computed here
 * rather than with FTS5's snippet(), which re-runs the whole query for every hit and
 * costs milliseconds per hit for a prefix of a common word. Text without a match gives
 * its first n_words words. */
char *frag_fts_query_highlight (const char *user_query,
                                const char *text,
                                guint       n_words,
                                const char *highlight_start,
                                const char *highlight_end);

G_END_DECLS
