/* bench-partial-json.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Streams fragments whose code is 10 KB, 100 KB and 1 MB through FragPartialJson in
 * chunks of 1 to 16 bytes (as a model's deltas arrive) and compares the time with one
 * json-glib parse of the whole document, measured in the same run. The parser keeps its
 * state between chunks, so the ratio must not grow with the size (the goal is < 3 at
 * every size); a parser that re-read its buffer per chunk would grow linearly. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frag-fragment.h"
#include "frag-partial-json.h"

#define MIN_SAMPLE_USEC (200 * 1000)
#define N_SAMPLES       5

/* Code that looks like what models write: Python with quotes, backslashes, tabs and a
 * little non-ASCII, so the JSON has escapes and multi-byte characters to decode. */
static char *
make_code (gsize size)
{
  static const char *lines[] = {
    "import streamlit as st\n",
    "def greet(name: str) -> str:\n",
    "\treturn f\"Hello, {name}! \\u00e9t\\u00e9 \\\\o/\"\n",
    "data = {\"temp\": [21.5, 22.0, 19.8], \"city\": \"Zürich\"}\n",
    "st.write(\"Résumé — 😀 \", greet(\"world\"))\n",
    "# A comment with 'single' and \"double\" quotes\n",
    "for i in range(10):\n    print(i, end=\"\\t\")\n",
  };
  GString *code = g_string_sized_new (size + 64);

  for (guint i = 0; code->len < size; i++)
    g_string_append (code, lines[i % G_N_ELEMENTS (lines)]);
  g_string_truncate (code, size);
  /* Do not end inside a UTF-8 character. */
  while (!g_utf8_validate_len (code->str, code->len, NULL))
    g_string_truncate (code, code->len - 1);
  return g_string_free (code, FALSE);
}

static char *
make_document (gsize code_size)
{
  g_autoptr(FragFragment) fragment = frag_fragment_new ();
  g_autofree char *code = make_code (code_size);
  const char *deps[] = { "plotly", NULL };

  frag_fragment_set_commentary (fragment, "I will write a Streamlit app that greets the user "
                                          "and shows a small table of temperatures.");
  frag_fragment_set_template (fragment, "streamlit-developer");
  frag_fragment_set_title (fragment, "Greeter");
  frag_fragment_set_description (fragment, "A Streamlit greeter.");
  frag_fragment_set_additional_dependencies (fragment, deps);
  frag_fragment_set_has_additional_dependencies (fragment, TRUE);
  frag_fragment_set_install_dependencies_command (fragment, "pip install plotly");
  frag_fragment_set_port (fragment, 8501);
  frag_fragment_set_file_path (fragment, "app.py");
  frag_fragment_set_code (fragment, code);
  return frag_fragment_to_json (fragment, FALSE);
}

/* Chunk sizes 1..16 from a fixed generator, the same for every run. */
static guint8 *
make_chunk_sizes (gsize  length,
                  gsize *n_chunks)
{
  guint8 *sizes = g_new (guint8, length);
  guint32 state = 2463534242u;
  gsize total = 0;
  gsize n = 0;

  while (total < length)
    {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      sizes[n] = 1 + state % 16;
      total += sizes[n++];
    }
  *n_chunks = n;
  return sizes;
}

static void
stream_once (const char   *document,
             gsize         length,
             const guint8 *sizes,
             gsize         n_chunks)
{
  g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
  g_autoptr(GError) error = NULL;
  gsize offset = 0;

  for (gsize i = 0; i < n_chunks; i++)
    {
      gsize chunk = MIN (sizes[i], length - offset);

      if (!frag_partial_json_feed (parser, document + offset, chunk, &error))
        g_error ("The benchmark document does not parse: %s", error->message);
      offset += chunk;
    }
  if (!frag_partial_json_finish (parser, &error))
    g_error ("The benchmark document is incomplete: %s", error->message);
}

static void
parse_once (const char *document,
            gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, document, length, &error))
    g_error ("json-glib rejects the benchmark document: %s", error->message);
}

typedef enum { STREAM, WHOLE } Method;

/* The best of N_SAMPLES samples, each repeating the work for at least MIN_SAMPLE_USEC,
 * in microseconds per run: the minimum is the figure least disturbed by other load. */
static double
measure (Method        method,
         const char   *document,
         gsize         length,
         const guint8 *sizes,
         gsize         n_chunks)
{
  double best = G_MAXDOUBLE;

  for (int sample = 0; sample < N_SAMPLES; sample++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;
      guint runs = 0;

      do
        {
          if (method == STREAM)
            stream_once (document, length, sizes, n_chunks);
          else
            parse_once (document, length);
          runs++;
          elapsed = g_get_monotonic_time () - start;
        }
      while (elapsed < MIN_SAMPLE_USEC);
      best = MIN (best, (double) elapsed / runs);
    }
  return best;
}

int
main (int   argc,
      char *argv[])
{
  const gsize code_sizes[] = { 10 * 1000, 100 * 1000, 1000 * 1000 };
  const char *labels[] = { "10 KB", "100 KB", "1 MB" };
  double worst_ratio = 0;

  printf ("Partial-JSON parser, chunks of 1-16 bytes, vs one json-glib parse of the whole\n");
  printf ("%-8s %10s %12s %16s %16s %8s\n",
          "code", "document", "chunks", "stream ms/MB", "json-glib ms/MB", "ratio");

  for (guint i = 0; i < G_N_ELEMENTS (code_sizes); i++)
    {
      g_autofree char *document = make_document (code_sizes[i]);
      gsize length = strlen (document);
      gsize n_chunks = 0;
      g_autofree guint8 *sizes = make_chunk_sizes (length, &n_chunks);
      double mb = length / (1000.0 * 1000.0);
      double stream_usec = measure (STREAM, document, length, sizes, n_chunks);
      double whole_usec = measure (WHOLE, document, length, sizes, n_chunks);
      double ratio = stream_usec / whole_usec;

      worst_ratio = MAX (worst_ratio, ratio);
      printf ("%-8s %9.0fK %12" G_GSIZE_FORMAT " %16.2f %16.2f %8.2f\n",
              labels[i], length / 1000.0, n_chunks,
              stream_usec / 1000.0 / mb, whole_usec / 1000.0 / mb, ratio);
    }
  printf ("worst ratio: %.2f (goal: < 3 at every size)\n", worst_ratio);
  return worst_ratio < 3 ? EXIT_SUCCESS : EXIT_FAILURE;
}
