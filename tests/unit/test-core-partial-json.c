/* test-core-partial-json.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "frag-partial-json.h"

/* Documents fed in every chunking. `object` is what json-glib parses for the expected
 * value; `before`/`after` are sloppy text around it that the parser must skip. */
typedef struct
{
  const char *name;
  const char *before;
  const char *object;
  const char *after;
} Document;

static const Document documents[] = {
  { "fragment", NULL,
    "{\"commentary\":\"I'll build a \\\"hello\\\" app.\\nSteps:\\n\\t1. plot\","
    "\"template\":\"streamlit-developer\",\"title\":\"Hello\",\"description\":\"Says hi.\","
    "\"additional_dependencies\":[\"scipy\",\"sympy\"],\"has_additional_dependencies\":true,"
    "\"install_dependencies_command\":\"pip install scipy sympy\",\"port\":8501,"
    "\"file_path\":\"app.py\",\"code\":\"import streamlit as st\\nst.write(\\\"Hi \\u00e9\\\")\\n\"}",
    NULL },
  { "escapes", NULL,
    "{\"s\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t e\\u00e9 E\\u00C9 pair\\ud83d\\ude00 zh\\u4e2d\"}", NULL },
  { "raw-utf8", NULL,
    "{\"two\":\"é\",\"three\":\"€ 中文\",\"four\":\"😀🎉\",\"mixed\":\"aé€😀z\",\"key é😀\":\"v\"}", NULL },
  { "numbers", NULL,
    "{\"a\":-0,\"b\":1e-7,\"c\":12.5E+3,\"d\":9223372036854775807,\"e\":-9223372036854775808,"
    "\"f\":0,\"g\":-1.5,\"h\":[1,-2,3.25e2,0.0,1E+2,2e-0],\"i\":123456789012,\"j\":1.7976931348623157e308}",
    NULL },
  { "literals", NULL,
    "{\"t\":true,\"f\":false,\"n\":null,\"arr\":[true,false,null],\"obj\":{\"x\":null}}", NULL },
  { "empty-values", NULL, "{\"o\":{},\"a\":[],\"s\":\"\",\"nested\":[[],{},[{}]]}", NULL },
  { "empty-object", NULL, "{}", NULL },
  { "whitespace", NULL,
    "{ \n\t\"a\" :\r\n 1 , \"b\" : [ 1 , \"x\" , { \"c\" : [ ] } ] ,\"d\"\n:\n\"e\"\n}", NULL },
  { "fence", "Here is the fragment:\n```json\n",
    "{\"template\":\"static-html\",\"code\":\"<p>hi</p>\"}", "\n```\nHope this helps!" },
  { "prose", "Sure! I will write it now. ", "{\"title\":\"x\",\"port\":null}",
    " Trailing prose with a } brace and a \" quote." },
  { "nested-mix", NULL,
    "{\"files\":[{\"file_path\":\"a.py\",\"code\":\"x = [1, {2: 3}]\\n\"},"
    "{\"file_path\":\"b/c.js\",\"code\":\"const s = \\\"}\\\";\"}],\"meta\":{\"k\":{\"k\":{\"k\":[\"v\"]}}}}",
    NULL },
};

/* Fails the test unless every visible string field is valid UTF-8 and a prefix of its
 * final value. */
static void
check_strings_are_prefixes (FragPartialJson *parser,
                            JsonObject      *expected)
{
  guint n_fields = frag_partial_json_get_n_fields (parser);

  for (guint i = 0; i < n_fields; i++)
    {
      const char *name = frag_partial_json_get_field_name (parser, i);
      JsonNode *final = json_object_get_member (expected, name);
      gsize length = 0;
      const char *text = frag_partial_json_get_string (parser, name, &length);
      const char *final_text;

      g_assert_nonnull (final);
      if (text == NULL)
        continue;
      g_assert_cmpuint (strlen (text), ==, length);
      g_assert_true (g_utf8_validate_len (text, length, NULL));
      g_assert_cmpint (json_node_get_value_type (final), ==, G_TYPE_STRING);
      final_text = json_node_get_string (final);
      g_assert_cmpuint (length, <=, strlen (final_text));
      g_assert_true (strncmp (text, final_text, length) == 0);
    }
}

static void
check_final_state (FragPartialJson *parser,
                   JsonNode        *expected_root)
{
  JsonObject *expected = json_node_get_object (expected_root);
  g_autoptr(JsonNode) actual = frag_partial_json_dup_object (parser);
  g_autoptr(GList) names = json_object_get_members (expected);
  g_autoptr(GError) error = NULL;
  guint index = 0;

  g_assert_true (frag_partial_json_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_true (frag_partial_json_is_complete (parser));
  g_assert_null (frag_partial_json_get_current_field (parser));
  g_assert_true (json_node_equal (actual, expected_root));

  /* Fields in document order, each complete and equal to json-glib's value. */
  g_assert_cmpuint (frag_partial_json_get_n_fields (parser), ==, g_list_length (names));
  for (GList *l = names; l != NULL; l = l->next, index++)
    {
      g_assert_cmpstr (frag_partial_json_get_field_name (parser, index), ==, l->data);
      g_assert_true (frag_partial_json_field_is_complete (parser, l->data));
      g_assert_true (json_node_equal (frag_partial_json_get_node (parser, l->data),
                                      json_object_get_member (expected, l->data)));
    }
}

static void
feed_ok (FragPartialJson *parser,
         const char      *data,
         gsize            length)
{
  g_autoptr(GError) error = NULL;

  frag_partial_json_feed (parser, data, length, &error);
  g_assert_no_error (error);
}

static char *
document_text (const Document *document)
{
  return g_strconcat (document->before != NULL ? document->before : "", document->object,
                      document->after != NULL ? document->after : "", NULL);
}

static void
test_every_chunking (gconstpointer data)
{
  const Document *document = data;
  g_autofree char *text = document_text (document);
  gsize length = strlen (text);
  gsize object_start = document->before != NULL ? strlen (document->before) : 0;
  gsize object_end = object_start + strlen (document->object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) expected = json_from_string (document->object, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (expected));

  for (gsize chunk = 1; chunk <= length; chunk++)
    {
      g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
      guint64 last_serial = 0;
      guint64 start = 0, end = 0;

      for (gsize offset = 0; offset < length; offset += chunk)
        {
          guint64 serial;

          feed_ok (parser, text + offset, MIN (chunk, length - offset));
          check_strings_are_prefixes (parser, json_node_get_object (expected));
          serial = frag_partial_json_get_serial (parser);
          g_assert_cmpuint (serial, >=, last_serial);
          last_serial = serial;
        }
      check_final_state (parser, expected);
      g_assert_true (frag_partial_json_get_object_range (parser, &start, &end));
      g_assert_cmpuint (start, ==, object_start);
      g_assert_cmpuint (end, ==, object_end);
      g_assert_cmpuint (frag_partial_json_get_bytes_consumed (parser), ==, object_end);
    }

  /* Two chunks split at every offset: every place inside a character, an escape, a
   * number or a literal. */
  for (gsize split = 0; split <= length; split++)
    {
      g_autoptr(FragPartialJson) parser = frag_partial_json_new ();

      feed_ok (parser, text, split);
      check_strings_are_prefixes (parser, json_node_get_object (expected));
      feed_ok (parser, text + split, length - split);
      check_final_state (parser, expected);
    }
}

static void
test_deep_nesting (void)
{
  g_autoptr(GString) text = g_string_new ("{\"deep\":");
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(GError) error = NULL;
  Document document = { "deep", NULL, NULL, NULL };

  /* 100 levels alternating arrays and objects, with a string at the bottom. */
  for (int i = 0; i < 50; i++)
    g_string_append (text, "[{\"k\":");
  g_string_append (text, "\"bottom\"");
  for (int i = 0; i < 50; i++)
    g_string_append (text, "}]");
  g_string_append (text, ",\"after\":1}");

  expected = json_from_string (text->str, &error);
  g_assert_no_error (error);
  document.object = text->str;
  test_every_chunking (&document);
}

/* Deeper than the limit is an error, never a stack overflow; the limit itself is fine. */
static void
test_depth_limit (void)
{
  for (int extra = 0; extra <= 1; extra++)
    {
      g_autoptr(GString) text = g_string_new ("{\"a\":");
      g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
      g_autoptr(GError) error = NULL;
      /* The top-level object is level 1: 511 arrays inside reach the limit of 512. */
      int arrays = 511 + extra;

      for (int i = 0; i < arrays; i++)
        g_string_append_c (text, '[');
      for (int i = 0; i < arrays; i++)
        g_string_append_c (text, ']');
      g_string_append_c (text, '}');

      if (extra == 0)
        {
          feed_ok (parser, text->str, text->len);
          g_assert_true (frag_partial_json_is_complete (parser));
        }
      else
        {
          g_assert_false (frag_partial_json_feed (parser, text->str, text->len, &error));
          g_assert_error (error, FRAG_PARTIAL_JSON_ERROR, FRAG_PARTIAL_JSON_ERROR_TOO_DEEP);
        }
    }
}

static void
test_growing_string (void)
{
  g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
  gsize length = 0;
  guint64 serial;

  feed_ok (parser, "```json\n{\"template\":\"nextjs", strlen ("```json\n{\"template\":\"nextjs"));
  g_assert_true (frag_partial_json_has_field (parser, "template"));
  g_assert_false (frag_partial_json_field_is_complete (parser, "template"));
  g_assert_cmpstr (frag_partial_json_get_current_field (parser), ==, "template");
  g_assert_cmpstr (frag_partial_json_get_string (parser, "template", NULL), ==, "nextjs");
  g_assert_null (frag_partial_json_get_node (parser, "template"));

  feed_ok (parser, "-developer\",", strlen ("-developer\","));
  g_assert_true (frag_partial_json_field_is_complete (parser, "template"));
  g_assert_null (frag_partial_json_get_current_field (parser));
  g_assert_cmpstr (json_node_get_string (frag_partial_json_get_node (parser, "template")), ==,
                   "nextjs-developer");

  /* A key shows up as the current field at once, as a field when its value starts. */
  feed_ok (parser, "\"code\"", 6);
  g_assert_cmpstr (frag_partial_json_get_current_field (parser), ==, "code");
  g_assert_false (frag_partial_json_has_field (parser, "code"));
  feed_ok (parser, ":\"ab", 4);
  g_assert_true (frag_partial_json_has_field (parser, "code"));
  g_assert_cmpstr (frag_partial_json_get_string (parser, "code", &length), ==, "ab");
  g_assert_cmpuint (length, ==, 2);

  /* An escape split in the middle appears once whole. */
  serial = frag_partial_json_get_serial (parser);
  feed_ok (parser, "\\u00", 4);
  g_assert_cmpstr (frag_partial_json_get_string (parser, "code", NULL), ==, "ab");
  g_assert_cmpuint (frag_partial_json_get_serial (parser), ==, serial);
  feed_ok (parser, "e9", 2);
  g_assert_cmpstr (frag_partial_json_get_string (parser, "code", NULL), ==, "abé");
  g_assert_cmpuint (frag_partial_json_get_serial (parser), >, serial);

  /* So does a surrogate pair, and a raw 4-byte character split anywhere. */
  feed_ok (parser, "\\ud83d", 6);
  g_assert_cmpstr (frag_partial_json_get_string (parser, "code", NULL), ==, "abé");
  feed_ok (parser, "\\ude00", 6);
  g_assert_cmpstr (frag_partial_json_get_string (parser, "code", NULL), ==, "abé😀");
  feed_ok (parser, "\xf0\x9f", 2);
  g_assert_cmpstr (frag_partial_json_get_string (parser, "code", NULL), ==, "abé😀");
  feed_ok (parser, "\x8e", 1);
  g_assert_cmpstr (frag_partial_json_get_string (parser, "code", NULL), ==, "abé😀");
  feed_ok (parser, "\x89\"}", 3);
  g_assert_cmpstr (frag_partial_json_get_string (parser, "code", NULL), ==, "abé😀🎉");
  g_assert_true (frag_partial_json_is_complete (parser));
}

static void
test_partial_values (void)
{
  g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(JsonNode) third = NULL;
  g_autoptr(JsonNode) expected_first = json_from_string (
    "{\"title\":\"T\",\"deps\":[\"a\",\"b\",{\"x\":[]}]}", NULL);
  g_autoptr(JsonNode) expected_second = json_from_string (
    "{\"title\":\"T\",\"deps\":[\"a\",\"b\",{\"x\":[1]}],\"code\":\"pri\"}", NULL);
  g_autoptr(JsonNode) expected_third = json_from_string (
    "{\"title\":\"T\",\"deps\":[\"a\",\"b\",{\"x\":[1]}],\"code\":\"print(1)\",\"port\":3000}", NULL);
  const char *part1 = "{\"title\":\"T\",\"deps\":[\"a\",\"b\",{\"x\":[1";
  const char *part2 = "]}],\"code\":\"pri";
  const char *part3 = "nt(1)\",\"port\":30";

  feed_ok (parser, part1, strlen (part1));
  /* Open containers are shown with what they hold so far; the 1 is still being read (it
   * could become 10), so x's array is empty yet. */
  first = frag_partial_json_dup_object (parser);
  g_assert_true (json_node_equal (first, expected_first));

  feed_ok (parser, part2, strlen (part2));
  second = frag_partial_json_dup_object (parser);
  g_assert_true (json_node_equal (second, expected_second));
  /* An earlier copy does not change as the parser moves on. */
  g_assert_false (json_node_equal (first, second));

  feed_ok (parser, part3, strlen (part3));
  third = frag_partial_json_dup_object (parser);
  /* "port" has started but 30 may still become 3000: left out until it ends. */
  g_assert_true (frag_partial_json_has_field (parser, "port"));
  g_assert_false (json_object_has_member (json_node_get_object (third), "port"));
  g_assert_true (json_node_equal (second, expected_second));

  feed_ok (parser, "00}", 3);
  g_clear_pointer (&third, json_node_unref);
  third = frag_partial_json_dup_object (parser);
  g_assert_true (json_node_equal (third, expected_third));
}

typedef struct
{
  const char *input;
  const char *expected;
} Decoding;

/* Where we decide rather than follow json-glib (see frag-partial-json.c). */
static void
test_decoding_choices (void)
{
  const Decoding cases[] = {
    { "{\"s\":\"\\ud83d\"}", "\xef\xbf\xbd" },
    { "{\"s\":\"\\ud83dx\"}", "\xef\xbf\xbdx" },
    { "{\"s\":\"\\ude00\"}", "\xef\xbf\xbd" },
    { "{\"s\":\"\\ud83d\\ud83d\\ude00\"}", "\xef\xbf\xbd😀" },
    { "{\"s\":\"\\ud83d\\n\"}", "\xef\xbf\xbd\n" },
    { "{\"s\":\"\\ud83dé\"}", "\xef\xbf\xbdé" },
    { "{\"s\":\"a\\u0000b\"}", "a\xef\xbf\xbd" "b" },
    { "{\"s\":\"\\uD83D\\uDE00\"}", "😀" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize length = strlen (cases[i].input);

      for (gsize chunk = 1; chunk <= length; chunk++)
        {
          g_autoptr(FragPartialJson) parser = frag_partial_json_new ();

          for (gsize offset = 0; offset < length; offset += chunk)
            feed_ok (parser, cases[i].input + offset, MIN (chunk, length - offset));
          g_assert_true (frag_partial_json_is_complete (parser));
          g_assert_cmpstr (frag_partial_json_get_string (parser, "s", NULL), ==, cases[i].expected);
          g_assert_cmpstr (json_node_get_string (frag_partial_json_get_node (parser, "s")), ==,
                           cases[i].expected);
        }
    }

  /* Integers beyond 64 bits become doubles (json-glib 1.6 wraps them around). */
  {
    g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
    JsonNode *node;

    feed_ok (parser, "{\"big\":12345678901234567890}", 28);
    node = frag_partial_json_get_node (parser, "big");
    g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat (json_node_get_double (node), ==, 12345678901234567890.0);
  }
}

typedef struct
{
  const char *input;
  int         code;
  const char *message;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "{\"a\":\"abc", FRAG_PARTIAL_JSON_ERROR_INCOMPLETE,
    "The input ended inside the JSON object, in the field “a”" },
  { "{\"a\":1,", FRAG_PARTIAL_JSON_ERROR_INCOMPLETE, "The input ended inside the JSON object" },
  { "{", FRAG_PARTIAL_JSON_ERROR_INCOMPLETE, NULL },
  { "{\"a\":12", FRAG_PARTIAL_JSON_ERROR_INCOMPLETE, NULL },
  { "{\"a\":tr", FRAG_PARTIAL_JSON_ERROR_INCOMPLETE, NULL },
  { "{\"a\":\"\\u12", FRAG_PARTIAL_JSON_ERROR_INCOMPLETE, NULL },
  { "{\"a\":\"\xc3", FRAG_PARTIAL_JSON_ERROR_INCOMPLETE, NULL },
  { "no object here", FRAG_PARTIAL_JSON_ERROR_NO_OBJECT, "The input holds no JSON object" },
  { "", FRAG_PARTIAL_JSON_ERROR_NO_OBJECT, NULL },
  { "{\"a\":\"\\x\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 7: invalid escape \\x in a string" },
  { "{\"a\":\"\\u12G4\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 10: expected a hex digit in a \\u escape, found 'G'" },
  { "{\"a\":\"x\ny\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 7: control character 0x0a in a string (it must be escaped)" },
  { "{\"a\" 1}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 5: expected ':' after the key “a”, found '1'" },
  { "{\"a\":1,}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 7: a comma before '}' (trailing commas are not JSON)" },
  { "{\"a\":[1,]}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 8: a comma before ']' (trailing commas are not JSON)" },
  { "{\"a\":1 \"b\":2}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 7: expected ',' or '}', found '\"'" },
  { "{\"a\":[1 2]}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 8: expected ',' or ']', found '2'" },
  { "{\"a\":1]", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":[1}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":01}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, "Invalid JSON at byte 7: invalid number “01”" },
  { "{\"a\":1.}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":.5}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, "Invalid JSON at byte 5: expected a value, found '.'" },
  { "{\"a\":+1}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":-}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":1e}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":1-2}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":0x10}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":tru}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 8: expected “true”, found '}'" },
  { "{\"a\":True}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":truex}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":NaN}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{'a':1}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 1: expected a key in double quotes, found '''" },
  { "{a:1}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{/*c*/\"a\":1}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":\"\xff\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 6: invalid UTF-8 byte 0xff in a string" },
  { "{\"a\":\"\xc0\xaf\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":\"\xed\xa0\x80\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 7: invalid UTF-8 sequence in a string" },
  { "{\"a\":\"\xf4\x90\x80\x80\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":\"\xc3\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX,
    "Invalid JSON at byte 7: truncated UTF-8 sequence in a string" },
  { "{\"a\":\"\xe2\x82x\"}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "{\"a\":1 \xc3\xa9}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, "Invalid JSON at byte 7: expected ',' or '}', found 0xc3" },
  { "{\"a\"\f:1}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
  { "prose {the} real: {\"a\":1}", FRAG_PARTIAL_JSON_ERROR_SYNTAX, NULL },
};

static void
test_errors_in_every_chunking (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *error_case = &error_cases[i];
      gsize length = strlen (error_case->input);
      g_autofree char *first_message = NULL;
      g_autofree char *shown = g_strescape (error_case->input, NULL);

      g_test_message ("case %u: %s", i, shown);
      for (gsize chunk = 1; chunk <= MAX (length, 1); chunk++)
        {
          g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
          g_autoptr(GError) error = NULL;
          gboolean failed = FALSE;

          for (gsize offset = 0; offset < length && !failed; offset += chunk)
            failed = !frag_partial_json_feed (parser, error_case->input + offset,
                                              MIN (chunk, length - offset), &error);
          if (!failed)
            {
              g_assert_no_error (error);
              g_assert_false (frag_partial_json_finish (parser, &error));
            }
          g_assert_error (error, FRAG_PARTIAL_JSON_ERROR, error_case->code);
          g_assert_false (frag_partial_json_is_complete (parser));
          if (error_case->message != NULL)
            g_assert_cmpstr (error->message, ==, error_case->message);
          /* The same error whatever the chunking. */
          if (first_message == NULL)
            first_message = g_strdup (error->message);
          g_assert_cmpstr (error->message, ==, first_message);

          /* After a syntax error, further input fails with the same error. */
          if (failed)
            {
              g_autoptr(GError) again = NULL;

              g_assert_false (frag_partial_json_feed (parser, "}", 1, &again));
              g_assert_error (again, FRAG_PARTIAL_JSON_ERROR, error_case->code);
              g_assert_cmpstr (again->message, ==, error->message);
              g_clear_error (&again);
              g_assert_false (frag_partial_json_finish (parser, &again));
              g_assert_cmpstr (again->message, ==, error->message);
            }
        }
    }
}

static void
test_trailing_text_and_range (void)
{
  g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
  guint64 start = 0, end = 0;
  const char *text = "xx{\"a\":1}yy{\"b\":2}";

  g_assert_false (frag_partial_json_get_object_range (parser, &start, &end));
  feed_ok (parser, text, strlen (text));
  g_assert_true (frag_partial_json_get_object_range (parser, &start, &end));
  g_assert_cmpuint (start, ==, 2);
  g_assert_cmpuint (end, ==, 9);
  g_assert_cmpuint (frag_partial_json_get_bytes_consumed (parser), ==, 9);
  /* Anything after the object is ignored, even another object. */
  feed_ok (parser, "not json at all \xff", 17);
  g_assert_cmpuint (frag_partial_json_get_bytes_consumed (parser), ==, 9);
  g_assert_false (frag_partial_json_has_field (parser, "b"));
  g_assert_true (frag_partial_json_finish (parser, NULL));
}

static void
test_duplicate_keys (void)
{
  g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
  const char *text = "{\"a\":1,\"b\":2,\"a\":\"x\"}";
  g_autoptr(JsonNode) object = NULL;
  g_autoptr(JsonNode) expected = json_from_string (text, NULL);

  feed_ok (parser, text, strlen (text));
  g_assert_cmpuint (frag_partial_json_get_n_fields (parser), ==, 2);
  g_assert_cmpstr (frag_partial_json_get_field_name (parser, 0), ==, "a");
  g_assert_cmpstr (frag_partial_json_get_string (parser, "a", NULL), ==, "x");
  object = frag_partial_json_dup_object (parser);
  g_assert_true (json_node_equal (object, expected));
}

static void
test_reset (void)
{
  g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
  g_autoptr(GError) error = NULL;
  guint64 serial;

  g_assert_false (frag_partial_json_feed (parser, "{\"a\":x", 6, &error));
  g_assert_error (error, FRAG_PARTIAL_JSON_ERROR, FRAG_PARTIAL_JSON_ERROR_SYNTAX);
  serial = frag_partial_json_get_serial (parser);

  frag_partial_json_reset (parser);
  g_assert_cmpuint (frag_partial_json_get_serial (parser), >, serial);
  g_assert_cmpuint (frag_partial_json_get_n_fields (parser), ==, 0);
  g_assert_cmpuint (frag_partial_json_get_bytes_consumed (parser), ==, 0);
  feed_ok (parser, "{\"b\":[true]}", 12);
  g_assert_true (frag_partial_json_is_complete (parser));
  g_assert_false (frag_partial_json_has_field (parser, "a"));
  g_assert_true (frag_partial_json_field_is_complete (parser, "b"));
}

/* The state lives in the parser, not in re-reads: feeding a long string one byte at a
 * time must stay cheap. 4 MB byte by byte would take minutes if each feed re-scanned. */
static void
test_long_string_byte_by_byte (void)
{
  g_autoptr(FragPartialJson) parser = frag_partial_json_new ();
  gsize n = 4 * 1024 * 1024;
  gint64 started = g_get_monotonic_time ();
  gsize length = 0;

  feed_ok (parser, "{\"code\":\"", 9);
  for (gsize i = 0; i < n; i++)
    feed_ok (parser, (i % 64) == 63 ? ";" : "x", 1);
  feed_ok (parser, "\"}", 2);
  g_assert_true (frag_partial_json_is_complete (parser));
  frag_partial_json_get_string (parser, "code", &length);
  g_assert_cmpuint (length, ==, n);
  g_test_message ("4 MiB fed byte by byte in %.2f s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/partial-json/every-chunking/%s",
                                               documents[i].name);
      g_test_add_data_func (path, &documents[i], test_every_chunking);
    }
  g_test_add_func ("/core/partial-json/deep-nesting", test_deep_nesting);
  g_test_add_func ("/core/partial-json/depth-limit", test_depth_limit);
  g_test_add_func ("/core/partial-json/growing-string", test_growing_string);
  g_test_add_func ("/core/partial-json/partial-values", test_partial_values);
  g_test_add_func ("/core/partial-json/decoding-choices", test_decoding_choices);
  g_test_add_func ("/core/partial-json/errors", test_errors_in_every_chunking);
  g_test_add_func ("/core/partial-json/trailing-text", test_trailing_text_and_range);
  g_test_add_func ("/core/partial-json/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/core/partial-json/reset", test_reset);
  g_test_add_func ("/core/partial-json/long-string-byte-by-byte", test_long_string_byte_by_byte);

  return g_test_run ();
}
