/* fuzz-partial-json.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for FragPartialJson. Each input is parsed twice: in one feed, and in
 * chunks of 1 to 16 bytes (sometimes larger) whose sizes come from a generator seeded
 * with the input's first bytes. Beyond "no crash, no sanitizer report" it checks:
 *  - the chunking changes nothing: same success, same error message, same object;
 *  - every visible string is valid UTF-8 without an embedded NUL, after every chunk;
 *  - when the parser accepts an object, json-glib accepts the same bytes and builds an
 *    equal object. (Only in that direction: json-glib 1.6 also accepts what strict JSON
 *    does not, e.g. comments, single quotes, raw control characters, "01", "\x".) The
 *    documented differences are skipped: lone surrogate escapes and \u0000 (U+FFFD for
 *    us), and integers beyond 64 bits (doubles for us, wrapped around by json-glib).
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frag-partial-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint32
next_random (guint32 *state)
{
  /* xorshift32: deterministic, so a crashing input reproduces with the same splits. */
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

static void
check_visible_strings (FragPartialJson *parser)
{
  guint n_fields = frag_partial_json_get_n_fields (parser);

  for (guint i = 0; i < n_fields; i++)
    {
      gsize length = 0;
      const char *text = frag_partial_json_get_string (parser,
                                                       frag_partial_json_get_field_name (parser, i),
                                                       &length);

      if (text == NULL)
        continue;
      if (strlen (text) != length || !g_utf8_validate_len (text, length, NULL))
        abort ();
    }
}

/* Text json-glib decodes differently on purpose (see the file comment). */
static gboolean
has_documented_difference (const char *text,
                           gsize       length)
{
  gsize digits = 0;

  for (gsize i = 0; i < length; i++)
    {
      if (g_ascii_isdigit (text[i]))
        {
          if (++digits >= 19)
            return TRUE;
        }
      else
        digits = 0;
      if (text[i] == '\\' && i + 5 < length && text[i + 1] == 'u')
        {
          char first = g_ascii_tolower (text[i + 2]);

          if (first == 'd' && strchr ("89abcdef", g_ascii_tolower (text[i + 3])) != NULL)
            return TRUE;
          if (strncmp (text + i + 2, "0000", 4) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static void
compare_with_json_glib (FragPartialJson *parser,
                        const char      *data)
{
  g_autoptr(JsonParser) json_parser = json_parser_new_immutable ();
  g_autoptr(JsonNode) ours = NULL;
  guint64 start = 0, end = 0;

  if (!frag_partial_json_get_object_range (parser, &start, &end))
    abort ();
  if (has_documented_difference (data + start, end - start))
    return;
  if (!json_parser_load_from_data (json_parser, data + start, end - start, NULL))
    abort ();
  ours = frag_partial_json_dup_object (parser);
  if (!json_node_equal (ours, json_parser_get_root (json_parser)))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(FragPartialJson) whole = frag_partial_json_new ();
  g_autoptr(FragPartialJson) chunked = frag_partial_json_new ();
  g_autoptr(GError) whole_error = NULL;
  g_autoptr(GError) chunked_error = NULL;
  const char *text = (const char *) data;
  guint32 state = 0x9e3779b9u ^ (guint32) size;
  gboolean whole_ok;
  gboolean chunked_ok = TRUE;
  gsize offset = 0;

  for (gsize i = 0; i < MIN (size, 4); i++)
    state = state * 31 + data[i];
  if (state == 0)
    state = 1;

  whole_ok = frag_partial_json_feed (whole, text, size, &whole_error) &&
             frag_partial_json_finish (whole, &whole_error);

  while (offset < size && chunked_ok)
    {
      guint32 r = next_random (&state);
      gsize chunk = (r % 8 == 0) ? 1 + (r >> 8) % 256 : 1 + (r >> 8) % 16;

      chunk = MIN (chunk, size - offset);
      chunked_ok = frag_partial_json_feed (chunked, text + offset, chunk, &chunked_error);
      offset += chunk;
      check_visible_strings (chunked);
      if (r % 64 == 1)
        json_node_unref (frag_partial_json_dup_object (chunked));
    }
  if (chunked_ok)
    chunked_ok = frag_partial_json_finish (chunked, &chunked_error);

  if (whole_ok != chunked_ok)
    abort ();
  if (!whole_ok)
    {
      if (whole_error->code != chunked_error->code ||
          strcmp (whole_error->message, chunked_error->message) != 0)
        abort ();
      return 0;
    }

  {
    g_autoptr(JsonNode) a = frag_partial_json_dup_object (whole);
    g_autoptr(JsonNode) b = frag_partial_json_dup_object (chunked);

    if (!json_node_equal (a, b))
      abort ();
  }
  compare_with_json_glib (whole, text);
  return 0;
}
