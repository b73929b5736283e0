/* fuzz-ndjson-reader.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for FragNdjsonReader: each input read in one feed and in random
 * chunks (seeded by the input, so reproducible) must give the same lines, each valid
 * UTF-8, NUL-free, non-blank, without CR or LF at its end, with the length reported. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frag-ndjson-reader.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint32
next_random (guint32 *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

static void
drain (FragNdjsonReader *reader,
       GString          *out)
{
  char *line;
  gsize length = 0;

  while ((line = frag_ndjson_reader_pop (reader, &length)) != NULL)
    {
      if (length == 0 || strlen (line) != length || !g_utf8_validate (line, length, NULL) ||
          line[length - 1] == '\n' || memchr (line, '\n', length) != NULL)
        abort ();
      g_string_append_printf (out, "%" G_GSIZE_FORMAT "|", length);
      g_string_append_len (out, line, length);
      g_string_append_c (out, '\n');
      g_free (line);
    }
}

static char *
read_all (const uint8_t *data,
          size_t         size,
          gboolean       chunked)
{
  FragNdjsonReader *reader = frag_ndjson_reader_new ();
  GString *out = g_string_new (NULL);
  guint32 state = 2463534242u;
  size_t offset = 0;
  gboolean ok = TRUE;

  frag_ndjson_reader_set_max_line (reader, 4096);
  if (size >= 4)
    state ^= (guint32)data[0] | (guint32)data[1] << 8 | (guint32)data[2] << 16 | (guint32)data[3] << 24;
  if (state == 0)
    state = 1;

  while (ok && offset < size)
    {
      size_t n = size - offset;

      if (chunked)
        {
          guint32 r = next_random (&state);

          n = MIN (n, (r % 8 == 0) ? 1 + r % 512 : 1 + r % 16);
        }
      ok = frag_ndjson_reader_feed (reader, (const char *)data + offset, n, NULL);
      drain (reader, out);
      offset += n;
    }
  if (ok)
    frag_ndjson_reader_end (reader);
  drain (reader, out);
  g_string_append (out, ok ? "ok\n" : "refused\n");

  frag_ndjson_reader_free (reader);
  return g_string_free (out, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  char *whole = read_all (data, size, FALSE);
  char *chunked = read_all (data, size, TRUE);

  if (strstr (whole, "refused\n") == NULL && strstr (chunked, "refused\n") == NULL &&
      strcmp (whole, chunked) != 0)
    abort ();

  g_free (whole);
  g_free (chunked);
  return 0;
}
