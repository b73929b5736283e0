/* frag-fts-query.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-fts-query"

#include "config.h"

#include <string.h>

#include "frag-fts-query.h"

/* Bounds the work one query can ask of FTS5. */
#define MAX_WORDS      16
#define MAX_WORD_BYTES 128

static gboolean
has_searchable_char (const char *word)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_isalnum (g_utf8_get_char (p)))
        return TRUE;
    }
  return FALSE;
}

static char *
truncate_word (const char *word)
{
  const char *end = word;

  /* Cut at a character boundary, never inside a UTF-8 sequence. */
  while (*end != '\0')
    {
      const char *next = g_utf8_next_char (end);

      if ((gsize)(next - word) > MAX_WORD_BYTES)
        break;
      end = next;
    }
  return g_strndup (word, end - word);
}

char *
frag_fts_query_sanitize (const char *user_query)
{
  g_autofree char *valid = NULL;
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) query = g_string_new (NULL);
  const char *p;

  if (user_query == NULL)
    return NULL;

  valid = g_utf8_make_valid (user_query, -1);

  /* Split on Unicode white space. */
  p = valid;
  while (*p != '\0' && words->len < MAX_WORDS)
    {
      const char *start;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p > start)
        g_ptr_array_add (words, g_strndup (start, p - start));
    }

  for (guint i = 0; i < words->len; i++)
    {
      g_autofree char *word = truncate_word (g_ptr_array_index (words, i));
      gsize length = strlen (word);
      gboolean is_last = i + 1 == words->len;
      gboolean prefix = FALSE;

      while (length > 0 && word[length - 1] == '*')
        {
          word[--length] = '\0';
          prefix = TRUE;
        }
      if (!has_searchable_char (word))
        continue;
      /* One-letter prefixes would match most of the index: only from two characters. */
      if (is_last && g_utf8_strlen (word, -1) >= 2)
        prefix = TRUE;

      if (query->len > 0)
        g_string_append_c (query, ' ');
      g_string_append_c (query, '"');
      for (const char *c = word; *c != '\0'; c++)
        {
          if (*c == '"')
            g_string_append (query, "\"\"");
          else
            g_string_append_c (query, *c);
        }
      g_string_append_c (query, '"');
      if (prefix)
        g_string_append_c (query, '*');
    }

  if (query->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&query), FALSE);
}

typedef struct
{
  char     *folded;   /* case-folded */
  gboolean  prefix;
} Term;

typedef struct
{
  gsize    start;     /* byte offsets in the text */
  gsize    end;
  gboolean match;
} Word;

/* Runs of letters and digits, as unicode61 splits text into tokens. */
static GArray *
split_words (const char *text)
{
  GArray *words = g_array_new (FALSE, FALSE, sizeof (Word));
  const char *p = text;

  while (*p != '\0')
    {
      Word word = { 0, 0, FALSE };

      while (*p != '\0' && !g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (*p == '\0')
        break;
      word.start = p - text;
      while (*p != '\0' && g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      word.end = p - text;
      g_array_append_val (words, word);
    }
  return words;
}

static void
term_clear (Term *term)
{
  g_free (term->folded);
}

/* The query's tokens; those of a prefix word (the last, or one typed with '*') match
 * as prefixes. */
static GArray *
query_terms (const char *user_query)
{
  g_autofree char *valid = g_utf8_make_valid (user_query != NULL ? user_query : "", -1);
  g_auto(GStrv) words = g_strsplit_set (valid, " \t\n\r\f\v", -1);
  GArray *terms = g_array_new (FALSE, FALSE, sizeof (Term));
  guint last = 0;

  g_array_set_clear_func (terms, (GDestroyNotify)term_clear);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (has_searchable_char (words[i]))
        last = i;
    }
  for (guint i = 0; words[i] != NULL && i < MAX_WORDS * 4; i++)
    {
      g_autoptr(GArray) tokens = NULL;
      gsize length = strlen (words[i]);
      gboolean prefix = (length > 0 && words[i][length - 1] == '*') || (i == last && g_utf8_strlen (words[i], -1) >= 2);

      if (!has_searchable_char (words[i]))
        continue;
      tokens = split_words (words[i]);
      for (guint t = 0; t < tokens->len; t++)
        {
          Word *token = &g_array_index (tokens, Word, t);
          Term term;

          term.folded = g_utf8_casefold (words[i] + token->start, token->end - token->start);
          /* Like FTS5, only a phrase's last token is a prefix. */
          term.prefix = prefix && t + 1 == tokens->len;
          g_array_append_val (terms, term);
        }
    }
  return terms;
}

static gboolean
word_matches (const char *text,
              Word       *word,
              GArray     *terms)
{
  g_autofree char *folded = g_utf8_casefold (text + word->start, word->end - word->start);

  for (guint i = 0; i < terms->len; i++)
    {
      Term *term = &g_array_index (terms, Term, i);

      if (term->prefix ? g_str_has_prefix (folded, term->folded) : strcmp (folded, term->folded) == 0)
        return TRUE;
    }
  return FALSE;
}

char *
frag_fts_query_highlight (const char *user_query,
                          const char *text,
                          guint       n_words,
                          const char *highlight_start,
                          const char *highlight_end)
{
  g_autoptr(GArray) terms = query_terms (user_query);
  g_autoptr(GArray) words = NULL;
  g_autoptr(GString) snippet = g_string_new (NULL);
  guint first_match = 0;
  gboolean found = FALSE;
  guint from, to;
  gsize cursor;

  g_return_val_if_fail (n_words > 0, NULL);

  if (text == NULL || *text == '\0')
    return g_strdup ("");
  words = split_words (text);
  if (words->len == 0)
    return g_strdup ("");

  for (guint i = 0; i < words->len; i++)
    {
      Word *word = &g_array_index (words, Word, i);

      word->match = word_matches (text, word, terms);
      if (word->match && !found)
        {
          first_match = i;
          found = TRUE;
        }
    }

  /* A third of the window before the first match, the rest after it. */
  from = first_match > n_words / 3 ? first_match - n_words / 3 : 0;
  to = MIN (words->len, from + n_words);
  if (to - from < n_words && to == words->len)
    from = to > n_words ? to - n_words : 0;

  if (from > 0)
    g_string_append (snippet, "…");
  cursor = g_array_index (words, Word, from).start;
  for (guint i = from; i < to; i++)
    {
      Word *word = &g_array_index (words, Word, i);

      g_string_append_len (snippet, text + cursor, word->start - cursor);
      if (word->match)
        g_string_append (snippet, highlight_start);
      g_string_append_len (snippet, text + word->start, word->end - word->start);
      if (word->match)
        g_string_append (snippet, highlight_end);
      cursor = word->end;
    }
  if (to < words->len)
    g_string_append (snippet, "…");
  else
    g_string_append (snippet, text + cursor);

  return g_string_free (g_steal_pointer (&snippet), FALSE);
}
