/* test-llm-ndjson-reader.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-errors.h"
#include "frag-ndjson-reader.h"

static char *
render_lines (FragNdjsonReader *reader)
{
  GString *out = g_string_new (NULL);
  char *line;
  gsize length;

  while ((line = frag_ndjson_reader_pop (reader, &length)) != NULL)
    {
      g_assert_cmpuint (length, ==, strlen (line));
      g_string_append_printf (out, "<%s>", line);
      g_free (line);
    }
  return g_string_free (out, FALSE);
}

static void
assert_split_invariant (const char *input,
                        const char *expected)
{
  gsize length = strlen (input);

  for (gsize cut = 0; cut <= length; cut++)
    {
      g_autoptr(FragNdjsonReader) reader = frag_ndjson_reader_new ();
      g_autofree char *rendered = NULL;

      g_assert_true (frag_ndjson_reader_feed (reader, input, cut, NULL));
      g_assert_true (frag_ndjson_reader_feed (reader, input + cut, length - cut, NULL));
      frag_ndjson_reader_end (reader);
      rendered = render_lines (reader);
      g_assert_cmpstr (rendered, ==, expected);
    }

  {
    g_autoptr(FragNdjsonReader) reader = frag_ndjson_reader_new ();
    g_autofree char *rendered = NULL;

    for (gsize i = 0; i < length; i++)
      g_assert_true (frag_ndjson_reader_feed (reader, input + i, 1, NULL));
    frag_ndjson_reader_end (reader);
    rendered = render_lines (reader);
    g_assert_cmpstr (rendered, ==, expected);
  }
}

static void
test_lines (void)
{
  assert_split_invariant ("{\"a\":1}\n{\"b\":2}\n", "<{\"a\":1}><{\"b\":2}>");
}

static void
test_crlf_and_blank_lines (void)
{
  assert_split_invariant ("{\"a\":1}\r\n\r\n  \n{\"b\":2}\r\n", "<{\"a\":1}><{\"b\":2}>");
}

static void
test_last_line_without_newline (void)
{
  assert_split_invariant ("{\"a\":1}\n{\"error\":\"boom\"}", "<{\"a\":1}><{\"error\":\"boom\"}>");
}

static void
test_utf8 (void)
{
  assert_split_invariant ("{\"c\":\"\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80\"}\n",
                          "<{\"c\":\"\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80\"}>");
}

static void
test_invalid_utf8_and_bom (void)
{
  g_autoptr(FragNdjsonReader) reader = frag_ndjson_reader_new ();
  g_autofree char *rendered = NULL;

  g_assert_true (frag_ndjson_reader_feed (reader, "\xef\xbb\xbf{\"a\":\"\xff\"}\n", 13, NULL));
  rendered = render_lines (reader);
  g_assert_cmpstr (rendered, ==, "<{\"a\":\"\xef\xbf\xbd\"}>");
}

static void
test_max_line (void)
{
  g_autoptr(FragNdjsonReader) reader = frag_ndjson_reader_new ();
  g_autoptr(GError) error = NULL;

  frag_ndjson_reader_set_max_line (reader, 8);
  g_assert_true (frag_ndjson_reader_feed (reader, "{\"a\":1}\n", 8, NULL));
  g_assert_false (frag_ndjson_reader_feed (reader, "{\"abcdefgh\":1}", 14, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);
}

static void
test_linear_cost (void)
{
  g_autoptr(FragNdjsonReader) reader = frag_ndjson_reader_new ();
  gint64 start = g_get_monotonic_time ();
  gsize length = 0;
  g_autofree char *line = NULL;

  for (guint i = 0; i < 4 * 1024 * 1024; i++)
    g_assert_true (frag_ndjson_reader_feed (reader, "x", 1, NULL));
  g_assert_true (frag_ndjson_reader_feed (reader, "\n", 1, NULL));
  line = frag_ndjson_reader_pop (reader, &length);
  g_assert_cmpuint (length, ==, 4 * 1024 * 1024);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_TIME_SPAN_SECOND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/llm/ndjson/lines", test_lines);
  g_test_add_func ("/llm/ndjson/crlf-and-blank-lines", test_crlf_and_blank_lines);
  g_test_add_func ("/llm/ndjson/last-line-without-newline", test_last_line_without_newline);
  g_test_add_func ("/llm/ndjson/utf8", test_utf8);
  g_test_add_func ("/llm/ndjson/invalid-utf8-and-bom", test_invalid_utf8_and_bom);
  g_test_add_func ("/llm/ndjson/max-line", test_max_line);
  g_test_add_func ("/llm/ndjson/linear-cost", test_linear_cost);

  return g_test_run ();
}
