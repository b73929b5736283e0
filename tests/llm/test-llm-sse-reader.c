/* test-llm-sse-reader.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-errors.h"
#include "frag-sse-reader.h"

/* Only what would break the one-line rendering is escaped; other bytes stay as they are. */
static char *
escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (out, "\\n");
      else if (*p == '\r')
        g_string_append (out, "\\r");
      else if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* Feeds input cut at the given offsets and renders every item as one line of text, so
 * a whole expected stream compares in one assertion. */
static char *
render_items (FragSseReader *reader)
{
  GString *out = g_string_new (NULL);
  FragSseItem *item;

  while ((item = frag_sse_reader_pop (reader)) != NULL)
    {
      g_autofree char *escaped = escape (item->data);

      switch (item->kind)
        {
        case FRAG_SSE_ITEM_EVENT:
          g_string_append_printf (out, "event(%s)[%s]=%s\n", item->event ? item->event : "-",
                                  item->id ? item->id : "-", escaped);
          break;
        case FRAG_SSE_ITEM_COMMENT:
          g_string_append_printf (out, "comment=%s\n", escaped);
          break;
        case FRAG_SSE_ITEM_OTHER_LINE:
          g_string_append_printf (out, "other=%s\n", escaped);
          break;
        default:
          g_assert_not_reached ();
        }
      frag_sse_item_free (item);
    }
  return g_string_free (out, FALSE);
}

static char *
parse_whole (const char *input,
             gsize       length,
             gboolean   *incomplete)
{
  g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
  g_autoptr(GError) error = NULL;
  gboolean dropped;

  g_assert_true (frag_sse_reader_feed (reader, input, length, &error));
  g_assert_no_error (error);
  dropped = frag_sse_reader_end (reader);
  if (incomplete != NULL)
    *incomplete = dropped;
  return render_items (reader);
}

/* Every way of cutting the input in two and in single bytes gives the same items. */
static void
assert_split_invariant (const char *input,
                        const char *expected)
{
  gsize length = strlen (input);
  g_autofree char *whole = parse_whole (input, length, NULL);

  g_assert_cmpstr (whole, ==, expected);

  for (gsize cut = 0; cut <= length; cut++)
    {
      g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
      g_autofree char *rendered = NULL;

      g_assert_true (frag_sse_reader_feed (reader, input, cut, NULL));
      g_assert_true (frag_sse_reader_feed (reader, input + cut, length - cut, NULL));
      frag_sse_reader_end (reader);
      rendered = render_items (reader);
      g_assert_cmpstr (rendered, ==, expected);
    }

  {
    g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
    g_autofree char *rendered = NULL;

    for (gsize i = 0; i < length; i++)
      g_assert_true (frag_sse_reader_feed (reader, input + i, 1, NULL));
    frag_sse_reader_end (reader);
    rendered = render_items (reader);
    g_assert_cmpstr (rendered, ==, expected);
  }
}

static void
test_data_lines (void)
{
  assert_split_invariant ("data: {\"a\":1}\n\ndata: [DONE]\n\n",
                          "event(-)[-]={\\\"a\\\":1}\n"
                          "event(-)[-]=[DONE]\n");
}

static void
test_line_endings (void)
{
  const char *expected = "event(-)[-]=one\nevent(-)[-]=two\n";

  assert_split_invariant ("data: one\n\ndata: two\n\n", expected);
  assert_split_invariant ("data: one\r\n\r\ndata: two\r\n\r\n", expected);
  assert_split_invariant ("data: one\r\rdata: two\r\r", expected);
  /* Mixed, as a proxy may produce. */
  assert_split_invariant ("data: one\r\n\ndata: two\r\r\n", expected);
}

static void
test_cr_at_chunk_end (void)
{
  g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
  g_autofree char *rendered = NULL;

  /* "foo\r" + "\n" is one line; "foo\r" + "bar" two (the SDK decoders' tests). */
  g_assert_true (frag_sse_reader_feed (reader, "data: a\r", 8, NULL));
  g_assert_true (frag_sse_reader_feed (reader, "\n", 1, NULL));
  g_assert_true (frag_sse_reader_feed (reader, "\r", 1, NULL));
  g_assert_true (frag_sse_reader_feed (reader, "data: b\r", 8, NULL));
  g_assert_true (frag_sse_reader_feed (reader, "data: c\r", 8, NULL));
  g_assert_true (frag_sse_reader_feed (reader, "\n", 1, NULL));
  g_assert_true (frag_sse_reader_feed (reader, "\n", 1, NULL));
  rendered = render_items (reader);
  g_assert_cmpstr (rendered, ==, "event(-)[-]=a\nevent(-)[-]=b\\nc\n");
}

static void
test_multi_line_data (void)
{
  /* openai-node's test: the lines join with LF and still parse as JSON. */
  assert_split_invariant ("data: {\ndata: \"foo\":\ndata: \ndata:\ndata: true}\n\n",
                          "event(-)[-]={\\n\\\"foo\\\":\\n\\n\\ntrue}\n");
}

static void
test_named_events_and_ids (void)
{
  assert_split_invariant ("event: message_start\ndata: {}\n\n"
                          "id: 7\nevent: ping\ndata: {\"type\":\"ping\"}\n\n"
                          "data: after\n\n",
                          "event(message_start)[-]={}\n"
                          "event(ping)[7]={\\\"type\\\":\\\"ping\\\"}\n"
                          "event(-)[7]=after\n");
}

static void
test_comments_and_keep_alives (void)
{
  assert_split_invariant (": OPENROUTER PROCESSING\n\n:keep-alive\n"
                          "data: : keep-alive\n\n"
                          "data: x\n\n",
                          "comment=OPENROUTER PROCESSING\n"
                          "comment=keep-alive\n"
                          "event(-)[-]=: keep-alive\n"
                          "event(-)[-]=x\n");
}

static void
test_field_parsing (void)
{
  /* One leading space is dropped, not two; no colon means an empty value; "data:"
   * alone dispatches empty data; an event line with no data dispatches nothing. */
  assert_split_invariant ("data:  two spaces\n\n"
                          "data\n\n"
                          "event: lonely\n\n"
                          "data:no-space\n\n",
                          "event(-)[-]= two spaces\n"
                          "event(-)[-]=\n"
                          "event(-)[-]=no-space\n");
}

static void
test_other_lines (void)
{
  /* Gemini may send a bare JSON error body instead of data: lines. */
  assert_split_invariant ("{\n  \"error\": {\"code\": 503}\n}\n",
                          "other={\n"
                          "other=  \\\"error\\\": {\\\"code\\\": 503}\n"
                          "other=}\n");
}

static void
test_retry (void)
{
  g_autoptr(FragSseReader) reader = frag_sse_reader_new ();

  g_assert_cmpint (frag_sse_reader_get_retry (reader), ==, -1);
  g_assert_true (frag_sse_reader_feed (reader, "retry: 1500\nretry: soon\n\n", 25, NULL));
  g_assert_cmpint (frag_sse_reader_get_retry (reader), ==, 1500);
  g_assert_null (frag_sse_reader_pop (reader));
}

static void
test_utf8_split (void)
{
  /* известни split inside its characters, as the Anthropic decoder test feeds it. */
  static const char input[] = "data: \xd0\xb8\xd0\xb7\xd0\xb2\xd0\xb5\xd1\x81\xd1\x82\xd0\xbd\xd0\xb8\n\n";
  g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
  FragSseItem *item;

  g_assert_true (frag_sse_reader_feed (reader, input, 7, NULL));
  g_assert_true (frag_sse_reader_feed (reader, input + 7, 4, NULL));
  g_assert_true (frag_sse_reader_feed (reader, input + 11, strlen (input) - 12, NULL));
  g_assert_null (frag_sse_reader_pop (reader));
  g_assert_true (frag_sse_reader_feed (reader, "\n", 1, NULL));
  item = frag_sse_reader_pop (reader);
  g_assert_nonnull (item);
  g_assert_cmpstr (item->data, ==, "\xd0\xb8\xd0\xb7\xd0\xb2\xd0\xb5\xd1\x81\xd1\x82\xd0\xbd\xd0\xb8");
  frag_sse_item_free (item);
}

static void
test_unicode_line_separator_is_content (void)
{
  /* U+2028 and U+0085 are not line ends in SSE. */
  assert_split_invariant ("data: a\xe2\x80\xa8" "b\xc2\x85" "c\n\n",
                          "event(-)[-]=a\xe2\x80\xa8" "b\xc2\x85" "c\n");
}

static void
test_invalid_utf8_replaced (void)
{
  g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
  g_autoptr(FragSseItem) item = NULL;

  g_assert_true (frag_sse_reader_feed (reader, "data: a\xff" "b\0c\n\n", 13, NULL));
  item = frag_sse_reader_pop (reader);
  g_assert_cmpstr (item->data, ==, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
  g_assert_cmpuint (item->data_len, ==, strlen (item->data));
  g_assert_true (g_utf8_validate (item->data, -1, NULL));
}

static void
test_bom (void)
{
  assert_split_invariant ("\xef\xbb\xbf" "data: x\n\n", "event(-)[-]=x\n");
  /* Only at the very start: later it is content. */
  assert_split_invariant ("data: x\n\n\xef\xbb\xbf" "data: y\n\n",
                          "event(-)[-]=x\nother=\xef\xbb\xbf" "data: y\n");
}

static void
test_eof_drops_partial_event (void)
{
  gboolean incomplete = FALSE;
  g_autofree char *rendered = NULL;
  g_autofree char *rendered2 = NULL;

  rendered = parse_whole ("data: a\n\ndata: cut", 18, &incomplete);
  g_assert_cmpstr (rendered, ==, "event(-)[-]=a\n");
  g_assert_true (incomplete);

  rendered2 = parse_whole ("data: a\n\n", 9, &incomplete);
  g_assert_cmpstr (rendered2, ==, "event(-)[-]=a\n");
  g_assert_false (incomplete);
}

static void
test_escaped_newlines_are_data (void)
{
  assert_split_invariant ("data: {\"content\":\"my long\\n\\ncontent\"}\n\n",
                          "event(-)[-]={\\\"content\\\":\\\"my long\\\\n\\\\ncontent\\\"}\n");
}

static void
test_max_line (void)
{
  g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  frag_sse_reader_set_max_line (reader, 16);
  g_assert_true (frag_sse_reader_feed (reader, "data: 0123456789\n", 17, NULL));
  g_assert_false (frag_sse_reader_feed (reader, "data: 0123456789abcdef", 22, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);
  g_assert_false (frag_sse_reader_feed (reader, "\n\n", 2, &error2));
  g_assert_error (error2, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);
}

static void
test_max_event (void)
{
  g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
  g_autoptr(GError) error = NULL;

  frag_sse_reader_set_max_line (reader, 20);
  g_assert_true (frag_sse_reader_feed (reader, "data: 0123456789\n", 17, NULL));
  g_assert_false (frag_sse_reader_feed (reader, "data: 0123456789\n", 17, &error));
  g_assert_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER);
}

static void
test_linear_cost (void)
{
  /* 4 MB in one unterminated data line fed a byte at a time, then 50k tiny events fed
   * in one go: quadratic buffering would take minutes, linear takes milliseconds. */
  g_autoptr(FragSseReader) reader = frag_sse_reader_new ();
  g_autoptr(FragSseItem) item = NULL;
  GString *many = g_string_new (NULL);
  gint64 start = g_get_monotonic_time ();
  guint n_events = 0;
  FragSseItem *next;

  g_assert_true (frag_sse_reader_feed (reader, "data: ", 6, NULL));
  for (guint i = 0; i < 4 * 1024 * 1024; i++)
    g_assert_true (frag_sse_reader_feed (reader, "x", 1, NULL));
  g_assert_true (frag_sse_reader_feed (reader, "\n\n", 2, NULL));
  item = frag_sse_reader_pop (reader);
  g_assert_cmpuint (item->data_len, ==, 4 * 1024 * 1024);

  for (guint i = 0; i < 50000; i++)
    g_string_append (many, "data: {\"c\":\"abcd\"}\n\n");
  g_assert_true (frag_sse_reader_feed (reader, many->str, many->len, NULL));
  while ((next = frag_sse_reader_pop (reader)) != NULL)
    {
      n_events++;
      frag_sse_item_free (next);
    }
  g_assert_cmpuint (n_events, ==, 50000);
  g_string_free (many, TRUE);
  /* Generous bound for sanitizer builds on a loaded machine. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_TIME_SPAN_SECOND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/llm/sse/data-lines", test_data_lines);
  g_test_add_func ("/llm/sse/line-endings", test_line_endings);
  g_test_add_func ("/llm/sse/cr-at-chunk-end", test_cr_at_chunk_end);
  g_test_add_func ("/llm/sse/multi-line-data", test_multi_line_data);
  g_test_add_func ("/llm/sse/named-events-and-ids", test_named_events_and_ids);
  g_test_add_func ("/llm/sse/comments-and-keep-alives", test_comments_and_keep_alives);
  g_test_add_func ("/llm/sse/field-parsing", test_field_parsing);
  g_test_add_func ("/llm/sse/other-lines", test_other_lines);
  g_test_add_func ("/llm/sse/retry", test_retry);
  g_test_add_func ("/llm/sse/utf8-split", test_utf8_split);
  g_test_add_func ("/llm/sse/unicode-line-separator", test_unicode_line_separator_is_content);
  g_test_add_func ("/llm/sse/invalid-utf8", test_invalid_utf8_replaced);
  g_test_add_func ("/llm/sse/bom", test_bom);
  g_test_add_func ("/llm/sse/eof-drops-partial-event", test_eof_drops_partial_event);
  g_test_add_func ("/llm/sse/escaped-newlines", test_escaped_newlines_are_data);
  g_test_add_func ("/llm/sse/max-line", test_max_line);
  g_test_add_func ("/llm/sse/max-event", test_max_event);
  g_test_add_func ("/llm/sse/linear-cost", test_linear_cost);

  return g_test_run ();
}
