/* fuzz-sse-reader.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for FragSseReader. Each input is read twice: in one feed, and in
 * chunks of 1 to 16 bytes (sometimes larger) whose sizes come from a generator seeded
 * with the input's first bytes, so splits land between CR and LF, inside UTF-8
 * characters and inside field names. Beyond "no crash, no sanitizer report" it checks:
 *  - the chunking changes nothing: the same items, in the same order, with the same
 *    bytes, and the same "incomplete event" answer at the end;
 *  - every item's data is valid UTF-8, NUL-free, and data_len is its length.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frag-sse-reader.h"

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
check_text (const char *text,
            gsize       length)
{
  if (text == NULL)
    return;
  if (strlen (text) != length || !g_utf8_validate (text, length, NULL))
    abort ();
}

/* Appends every queued item to out, one record each. */
static void
drain (FragSseReader *reader,
       GString       *out)
{
  FragSseItem *item;

  while ((item = frag_sse_reader_pop (reader)) != NULL)
    {
      check_text (item->data, item->data_len);
      if (item->event != NULL)
        check_text (item->event, strlen (item->event));
      if (item->id != NULL)
        check_text (item->id, strlen (item->id));
      g_string_append_printf (out, "%d|%s|%s|%" G_GSIZE_FORMAT "|", item->kind,
                              item->event != NULL ? item->event : "(null)",
                              item->id != NULL ? item->id : "(null)", item->data_len);
      g_string_append_len (out, item->data, item->data_len);
      g_string_append_c (out, '\n');
      frag_sse_item_free (item);
    }
}

static char *
read_all (const uint8_t *data,
          size_t         size,
          gboolean       chunked)
{
  FragSseReader *reader = frag_sse_reader_new ();
  GString *out = g_string_new (NULL);
  guint32 state = 2463534242u;
  size_t offset = 0;
  gboolean ok = TRUE;

  /* A small limit so the over-long line path is reached too. */
  frag_sse_reader_set_max_line (reader, 4096);
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
      ok = frag_sse_reader_feed (reader, (const char *)data + offset, n, NULL);
      drain (reader, out);
      offset += n;
    }

  if (ok)
    {
      g_string_append_printf (out, "end:%d\n", frag_sse_reader_end (reader));
      drain (reader, out);
    }
  else
    {
      /* After a refusal the reader keeps refusing. */
      if (frag_sse_reader_feed (reader, "x", 1, NULL))
        abort ();
      g_string_append (out, "refused\n");
    }
  g_string_append_printf (out, "retry:%" G_GINT64_FORMAT "\n", frag_sse_reader_get_retry (reader));

  frag_sse_reader_free (reader);
  return g_string_free (out, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  char *whole = read_all (data, size, FALSE);
  char *chunked = read_all (data, size, TRUE);

  /* The refusal of an over-long line may come at a different item boundary depending
   * on where the chunks end; only compare streams that were accepted. */
  if (strstr (whole, "refused\n") == NULL && strstr (chunked, "refused\n") == NULL &&
      strcmp (whole, chunked) != 0)
    abort ();

  g_free (whole);
  g_free (chunked);
  return 0;
}
