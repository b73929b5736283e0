/* frag-partial-json.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-partial-json"

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "frag-partial-json.h"

/* A byte-level state machine. Every byte is looked at once: string bytes are decoded
 * straight into the field's GString, numbers and literals accumulate in a small token
 * buffer, and nested arrays/objects are JsonNodes attached to their parent the moment
 * they open (a stack of frames points at the open ones), so nothing is ever re-parsed.
 *
 * The grammar is strict RFC 8259 JSON inside the object: no comments, no single quotes,
 * no trailing commas ({"a":1,} is an error), no leading zeros, no raw control characters
 * in strings, only the standard escapes, and valid UTF-8 in strings (an invalid sequence
 * is a syntax error, as json-glib rejects it too). Two decoding choices:
 *   - a lone UTF-16 surrogate escape (\ud83d not followed by a low surrogate, or a lone
 *     low one) becomes U+FFFD, so the text stays valid UTF-8;
 *   - \u0000 becomes U+FFFD too, so every string is a plain NUL-terminated C string.
 * Integers that do not fit in 64 bits become doubles.
 *
 * Around the object, model sloppiness is tolerated: everything before the first '{' is
 * skipped (prose, a ```json fence). The rule is simply "the first '{' starts the object",
 * so prose that itself contains a '{' before the object derails it; models rarely do
 * that, and guessing harder would misfire on code-like prose. After the closing '}',
 * input is ignored (a closing fence, a sign-off).
 */

#define MAX_DEPTH 512

typedef enum
{
  STATE_PRELUDE,        /* before the first '{' */
  STATE_OBJECT_START,   /* after '{': a key or '}' */
  STATE_KEY,            /* after ',' in an object: a key */
  STATE_COLON,          /* after a key */
  STATE_VALUE,          /* after ':' or after ',' in an array */
  STATE_ARRAY_START,    /* after '[': a value or ']' */
  STATE_AFTER_VALUE,    /* ',' or the closing bracket */
  STATE_STRING,
  STATE_STRING_ESCAPE,  /* after a backslash */
  STATE_STRING_UNICODE, /* reading the 4 hex digits of \uXXXX */
  STATE_NUMBER,
  STATE_LITERAL,        /* true, false, null */
  STATE_DONE,
  STATE_ERROR,
} State;

typedef enum
{
  STRING_KEY,
  STRING_FIELD,         /* a top-level field's value: decoded into the field, visibly */
  STRING_NESTED,        /* a string inside an array or object value */
} StringRole;

typedef struct
{
  char     *name;
  /* The decoded text of a string value (also once complete), else NULL. */
  GString  *text;
  /* The complete value, or for an array/object being read, the partial container. */
  JsonNode *node;
  gboolean  complete;
} Field;

typedef struct
{
  /* Borrowed: owned by its parent container, or by the field for a field's value.
   * NULL for the top-level object, whose members are the fields. */
  JsonNode *node;
  /* Objects: the key whose value comes next. */
  char     *key;
  gboolean  is_array;
} Frame;

struct _FragPartialJson
{
  State        state;
  GArray      *frames;       /* Frame; frames[0] is the top-level object */
  GPtrArray   *fields;       /* Field, in order of appearance */
  GHashTable  *field_index;  /* name → Field, borrowed */
  Field       *current;      /* the field whose value is being read */

  /* Strings */
  StringRole   string_role;
  GString     *string_target; /* borrowed: key_buffer, current->text or nested_buffer */
  GString     *key_buffer;
  GString     *nested_buffer;
  guint32      unicode_value;
  guint        unicode_digits;
  gunichar     pending_high_surrogate; /* 0 when none */
  guchar       utf8_buffer[4];
  guint        utf8_length;
  guint        utf8_needed;
  guchar       utf8_low;     /* allowed range of the next continuation byte */
  guchar       utf8_high;

  /* Numbers and literals */
  GString     *token;
  const char  *literal;
  guint        literal_position;

  guint64      offset;       /* bytes consumed before the current chunk */
  gint64       object_start; /* offset of the top-level '{', or -1 */
  guint64      serial;
  GError      *error;
};

static void
field_free (Field *field)
{
  g_free (field->name);
  if (field->text != NULL)
    g_string_free (field->text, TRUE);
  g_clear_pointer (&field->node, json_node_unref);
  g_free (field);
}

static void
frame_clear (Frame *frame)
{
  g_clear_pointer (&frame->key, g_free);
}

FragPartialJson *
frag_partial_json_new (void)
{
  FragPartialJson *self = g_new0 (FragPartialJson, 1);

  self->frames = g_array_sized_new (FALSE, TRUE, sizeof (Frame), 16);
  g_array_set_clear_func (self->frames, (GDestroyNotify) frame_clear);
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->field_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->key_buffer = g_string_new (NULL);
  self->nested_buffer = g_string_new (NULL);
  self->token = g_string_new (NULL);
  self->object_start = -1;
  return self;
}

void
frag_partial_json_free (FragPartialJson *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->frames);
  g_hash_table_unref (self->field_index);
  g_ptr_array_unref (self->fields);
  g_string_free (self->key_buffer, TRUE);
  g_string_free (self->nested_buffer, TRUE);
  g_string_free (self->token, TRUE);
  g_clear_error (&self->error);
  g_free (self);
}

void
frag_partial_json_reset (FragPartialJson *self)
{
  guint64 serial;

  g_return_if_fail (self != NULL);

  serial = self->serial;
  g_array_set_size (self->frames, 0);
  g_hash_table_remove_all (self->field_index);
  g_ptr_array_set_size (self->fields, 0);
  g_string_truncate (self->key_buffer, 0);
  g_string_truncate (self->nested_buffer, 0);
  g_string_truncate (self->token, 0);
  g_clear_error (&self->error);
  self->state = STATE_PRELUDE;
  self->current = NULL;
  self->string_target = NULL;
  self->pending_high_surrogate = 0;
  self->utf8_needed = 0;
  self->utf8_length = 0;
  self->literal = NULL;
  self->offset = 0;
  self->object_start = -1;
  /* Still bumped, never rewound: a consumer comparing serials sees the reset. */
  self->serial = serial + 1;
}

/* Errors */

static gboolean G_GNUC_PRINTF (4, 5)
fail (FragPartialJson *self,
      guint64          position,
      int              code,
      const char      *format,
      ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_clear_error (&self->error);
  self->error = g_error_new (FRAG_PARTIAL_JSON_ERROR, code,
                             "Invalid JSON at byte %" G_GUINT64_FORMAT ": %s", position, problem);
  self->state = STATE_ERROR;
  return FALSE;
}

static const char *
describe_byte (guchar c,
               char   buffer[8])
{
  if (c >= 0x20 && c < 0x7f)
    g_snprintf (buffer, 8, "'%c'", c);
  else
    g_snprintf (buffer, 8, "0x%02x", c);
  return buffer;
}

/* Frames and fields */

static inline Frame *
top_frame (FragPartialJson *self)
{
  return &g_array_index (self->frames, Frame, self->frames->len - 1);
}

static void
begin_field (FragPartialJson *self)
{
  Frame *root = &g_array_index (self->frames, Frame, 0);
  Field *field = g_hash_table_lookup (self->field_index, root->key);

  if (field == NULL)
    {
      field = g_new0 (Field, 1);
      field->name = g_strdup (root->key);
      g_ptr_array_add (self->fields, field);
      g_hash_table_insert (self->field_index, field->name, field);
    }
  else
    {
      /* A repeated key: the last value wins, as in json-glib, in the first one's place. */
      if (field->text != NULL)
        g_string_free (g_steal_pointer (&field->text), TRUE);
      g_clear_pointer (&field->node, json_node_unref);
      field->complete = FALSE;
    }
  self->current = field;
  self->serial++;
}

static void
complete_field (FragPartialJson *self)
{
  Frame *root = &g_array_index (self->frames, Frame, 0);

  /* Sealed: dup_object() may then share it instead of copying it. */
  json_node_seal (self->current->node);
  self->current->complete = TRUE;
  self->current = NULL;
  g_clear_pointer (&root->key, g_free);
  self->serial++;
}

/* A complete scalar or string value: into its field, array or object. */
static void
emit_value (FragPartialJson *self,
            JsonNode        *node)
{
  Frame *frame = top_frame (self);

  if (self->frames->len == 1)
    {
      self->current->node = node;
      complete_field (self);
    }
  else if (frame->is_array)
    json_array_add_element (json_node_get_array (frame->node), node);
  else
    {
      json_object_set_member (json_node_get_object (frame->node), frame->key, node);
      g_clear_pointer (&frame->key, g_free);
    }
  self->state = STATE_AFTER_VALUE;
}

static gboolean
open_container (FragPartialJson *self,
                gboolean         is_array,
                guint64          position)
{
  Frame frame = { NULL, NULL, is_array };
  Frame *parent = top_frame (self);
  JsonNode *node;

  if (self->frames->len >= MAX_DEPTH)
    return fail (self, position, FRAG_PARTIAL_JSON_ERROR_TOO_DEEP,
                 "nested deeper than %d levels", MAX_DEPTH);

  if (is_array)
    {
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, json_array_new ());
    }
  else
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
    }

  /* Attached right away, so a partial copy shows the elements read so far. */
  if (self->frames->len == 1)
    self->current->node = node;
  else if (parent->is_array)
    json_array_add_element (json_node_get_array (parent->node), node);
  else
    {
      json_object_set_member (json_node_get_object (parent->node), parent->key, node);
      g_clear_pointer (&parent->key, g_free);
    }

  frame.node = node;
  g_array_append_val (self->frames, frame);
  self->state = is_array ? STATE_ARRAY_START : STATE_OBJECT_START;
  self->serial++;
  return TRUE;
}

static void
close_container (FragPartialJson *self)
{
  g_array_set_size (self->frames, self->frames->len - 1);
  self->serial++;
  if (self->frames->len == 0)
    {
      self->state = STATE_DONE;
      return;
    }
  if (self->frames->len == 1)
    complete_field (self);
  self->state = STATE_AFTER_VALUE;
}

/* Strings */

static void
start_string (FragPartialJson *self,
              StringRole       role)
{
  self->string_role = role;
  switch (role)
    {
    case STRING_KEY:
      g_string_truncate (self->key_buffer, 0);
      self->string_target = self->key_buffer;
      break;
    case STRING_FIELD:
      self->current->text = g_string_new (NULL);
      self->string_target = self->current->text;
      self->serial++;
      break;
    case STRING_NESTED:
    default:
      g_string_truncate (self->nested_buffer, 0);
      self->string_target = self->nested_buffer;
      break;
    }
  self->pending_high_surrogate = 0;
  self->utf8_needed = 0;
  self->state = STATE_STRING;
}

static inline void
string_grew (FragPartialJson *self)
{
  if (self->string_role == STRING_FIELD)
    self->serial++;
}

static void
append_unichar (FragPartialJson *self,
                gunichar         c)
{
  g_string_append_unichar (self->string_target, c);
  string_grew (self);
}

/* A high surrogate not followed by a low one is shown as U+FFFD. */
static inline void
flush_pending_surrogate (FragPartialJson *self)
{
  if (self->pending_high_surrogate != 0)
    {
      self->pending_high_surrogate = 0;
      append_unichar (self, 0xFFFD);
    }
}

static void
decode_code_unit (FragPartialJson *self,
                  guint32          unit)
{
  if (unit >= 0xD800 && unit <= 0xDBFF)
    {
      flush_pending_surrogate (self);
      self->pending_high_surrogate = unit;
    }
  else if (unit >= 0xDC00 && unit <= 0xDFFF)
    {
      if (self->pending_high_surrogate != 0)
        {
          gunichar c = 0x10000 + ((self->pending_high_surrogate - 0xD800) << 10) + (unit - 0xDC00);

          self->pending_high_surrogate = 0;
          append_unichar (self, c);
        }
      else
        append_unichar (self, 0xFFFD);
    }
  else
    {
      flush_pending_surrogate (self);
      append_unichar (self, unit == 0 ? 0xFFFD : unit);
    }
}

static void
end_string (FragPartialJson *self)
{
  JsonNode *node;

  flush_pending_surrogate (self);
  switch (self->string_role)
    {
    case STRING_KEY:
      g_free (top_frame (self)->key);
      top_frame (self)->key = g_strndup (self->key_buffer->str, self->key_buffer->len);
      self->state = STATE_COLON;
      return;
    case STRING_FIELD:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, self->current->text->str);
      break;
    case STRING_NESTED:
    default:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, self->nested_buffer->str);
      break;
    }
  self->string_target = NULL;
  emit_value (self, node);
}

/* One byte of a multi-byte UTF-8 sequence (RFC 3629 table: no overlong forms, no
 * surrogates, nothing above U+10FFFF). The character is appended once whole, so the
 * visible text never ends in half a character. */
static gboolean
decode_utf8_byte (FragPartialJson *self,
                  guchar           c,
                  guint64          position)
{
  if (self->utf8_needed == 0)
    {
      self->utf8_low = 0x80;
      self->utf8_high = 0xBF;
      if (c >= 0xC2 && c <= 0xDF)
        self->utf8_needed = 1;
      else if (c >= 0xE0 && c <= 0xEF)
        {
          self->utf8_needed = 2;
          if (c == 0xE0)
            self->utf8_low = 0xA0;
          else if (c == 0xED)
            self->utf8_high = 0x9F;
        }
      else if (c >= 0xF0 && c <= 0xF4)
        {
          self->utf8_needed = 3;
          if (c == 0xF0)
            self->utf8_low = 0x90;
          else if (c == 0xF4)
            self->utf8_high = 0x8F;
        }
      else
        return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                     "invalid UTF-8 byte 0x%02x in a string", c);
      flush_pending_surrogate (self);
      self->utf8_buffer[0] = c;
      self->utf8_length = 1;
      return TRUE;
    }

  if (c < self->utf8_low || c > self->utf8_high)
    return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                 "invalid UTF-8 sequence in a string");
  self->utf8_low = 0x80;
  self->utf8_high = 0xBF;
  self->utf8_buffer[self->utf8_length++] = c;
  if (--self->utf8_needed == 0)
    {
      g_string_append_len (self->string_target, (const char *) self->utf8_buffer,
                           self->utf8_length);
      string_grew (self);
    }
  return TRUE;
}

/* The length of the whole, valid UTF-8 character at data (2 to 4 bytes, RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0 when it is invalid or
 * does not end within length. */
static inline gsize
utf8_character_length (const guchar *data,
                       gsize         length)
{
  guchar c = data[0];
  guchar low = 0x80, high = 0xBF;
  gsize needed;

  if (c >= 0xC2 && c <= 0xDF)
    needed = 1;
  else if (c >= 0xE0 && c <= 0xEF)
    {
      needed = 2;
      if (c == 0xE0)
        low = 0xA0;
      else if (c == 0xED)
        high = 0x9F;
    }
  else if (c >= 0xF0 && c <= 0xF4)
    {
      needed = 3;
      if (c == 0xF0)
        low = 0x90;
      else if (c == 0xF4)
        high = 0x8F;
    }
  else
    return 0;

  if (length <= needed || data[1] < low || data[1] > high)
    return 0;
  for (gsize k = 2; k <= needed; k++)
    if (data[k] < 0x80 || data[k] > 0xBF)
      return 0;
  return needed + 1;
}

/* g_string_append_len() is not inline in GLib 2.74, and a stream appends a few bytes per
 * chunk: copy straight into the GString while it has room. */
static inline void
append_bytes (GString    *string,
              const char *bytes,
              gsize       length)
{
  if (G_UNLIKELY (string->len + length >= string->allocated_len))
    {
      g_string_append_len (string, bytes, length);
      return;
    }
  memcpy (string->str + string->len, bytes, length);
  string->len += length;
  string->str[string->len] = '\0';
}

/* ASCII bytes that stand for themselves inside a string: not a control character, not
 * the quote, not the backslash. */
static const guchar plain_ascii[128] = {
  ['\x20'] = 1, 1,  0,  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,       /* 0x20-0x2f, '"' */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                   /* 0x30-0x3f */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                   /* 0x40-0x4f */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,                   /* 0x50-0x5f, '\\' */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                   /* 0x60-0x6f */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                   /* 0x70-0x7f */
};

/* The fast path of a string: the longest run from data of plain characters (no quote,
 * backslash or control byte; whole, valid UTF-8), validated as it is scanned and
 * appended at once. Returns how many bytes were taken; 0 means the caller should go
 * byte by byte (the run starts with a special byte, or with an invalid or split UTF-8
 * sequence, which the byte-wise decoder holds or reports). */
static gsize
take_plain_run (FragPartialJson *self,
                const guchar    *data,
                gsize            length)
{
  gsize run = 0;

  while (run < length)
    {
      guchar c = data[run];

      if (c < 0x80)
        {
          if (!plain_ascii[c])
            break;
          run++;
        }
      else
        {
          gsize character = utf8_character_length (data + run, length - run);

          if (character == 0)
            break;
          run += character;
        }
    }
  if (run > 0)
    {
      append_bytes (self->string_target, (const char *) data, run);
      string_grew (self);
    }
  return run;
}

/* Numbers and literals */

static gboolean
number_is_valid (const char *s,
                 gboolean   *is_integer)
{
  const char *p = s;

  *is_integer = TRUE;
  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (g_ascii_isdigit (*p))
      p++;
  else
    return FALSE;

  if (*p == '.')
    {
      *is_integer = FALSE;
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      *is_integer = FALSE;
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

static gboolean
end_number (FragPartialJson *self,
            guint64          position)
{
  JsonNode *node;
  gboolean is_integer;

  if (!number_is_valid (self->token->str, &is_integer))
    {
      g_autofree char *shown = g_strndup (self->token->str, 40);

      return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                   "invalid number “%s”", shown);
    }

  node = json_node_new (JSON_NODE_VALUE);
  if (is_integer)
    {
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (self->token->str, NULL, 10);
      if (errno == ERANGE)
        json_node_set_double (node, g_ascii_strtod (self->token->str, NULL));
      else
        json_node_set_int (node, value);
    }
  else
    json_node_set_double (node, g_ascii_strtod (self->token->str, NULL));
  emit_value (self, node);
  return TRUE;
}

static void
end_literal (FragPartialJson *self)
{
  JsonNode *node;

  if (self->literal[0] == 'n')
    node = json_node_new (JSON_NODE_NULL);
  else
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, self->literal[0] == 't');
    }
  emit_value (self, node);
}

/* The first byte of a value. */
static gboolean
begin_value (FragPartialJson *self,
             guchar           c,
             guint64          position)
{
  char shown[8];

  if (strchr ("\"{[tfn-0123456789", c) == NULL || c == '\0')
    return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                 "expected a value, found %s", describe_byte (c, shown));
  /* A top-level field appears when its value starts, as in the AI SDK's partial objects. */
  if (self->frames->len == 1)
    begin_field (self);

  switch (c)
    {
    case '"':
      start_string (self, self->frames->len == 1 ? STRING_FIELD : STRING_NESTED);
      return TRUE;
    case '{':
      return open_container (self, FALSE, position);
    case '[':
      return open_container (self, TRUE, position);
    case 't':
      self->literal = "true";
      break;
    case 'f':
      self->literal = "false";
      break;
    case 'n':
      self->literal = "null";
      break;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      g_string_truncate (self->token, 0);
      g_string_append_c (self->token, c);
      self->state = STATE_NUMBER;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
  self->literal_position = 1;
  self->state = STATE_LITERAL;
  return TRUE;
}

static inline gboolean
is_whitespace (guchar c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static gboolean
is_number_byte (guchar c)
{
  return g_ascii_isdigit (c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* Runs the machine over one chunk. Each branch consumes bytes by advancing i, or leaves
 * i alone after a state change so the next state sees the same byte (a number ends at
 * the byte after it). */
static gboolean
run (FragPartialJson *self,
     const guchar    *data,
     gsize            length)
{
  gsize i = 0;
  char shown[8];

  while (i < length)
    {
      guchar c = data[i];
      guint64 position = self->offset + i;

      switch (self->state)
        {
        case STATE_PRELUDE:
          {
            const guchar *brace = memchr (data + i, '{', length - i);
            Frame root = { NULL, NULL, FALSE };

            if (brace == NULL)
              {
                i = length;
                break;
              }
            i = brace - data;
            self->object_start = self->offset + i;
            g_array_append_val (self->frames, root);
            self->state = STATE_OBJECT_START;
            self->serial++;
            i++;
          }
          break;

        case STATE_OBJECT_START:
        case STATE_KEY:
          if (is_whitespace (c))
            i++;
          else if (c == '"')
            {
              start_string (self, STRING_KEY);
              i++;
            }
          else if (c == '}' && self->state == STATE_OBJECT_START)
            {
              close_container (self);
              i++;
            }
          else if (c == '}')
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "a comma before '}' (trailing commas are not JSON)");
          else
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "expected a key in double quotes, found %s", describe_byte (c, shown));
          break;

        case STATE_COLON:
          if (is_whitespace (c))
            i++;
          else if (c == ':')
            {
              self->state = STATE_VALUE;
              i++;
            }
          else
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "expected ':' after the key “%s”, found %s",
                         top_frame (self)->key, describe_byte (c, shown));
          break;

        case STATE_VALUE:
        case STATE_ARRAY_START:
          if (is_whitespace (c))
            i++;
          else if (c == ']' && self->state == STATE_ARRAY_START)
            {
              close_container (self);
              i++;
            }
          else if (c == ']')
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "a comma before ']' (trailing commas are not JSON)");
          else if (!begin_value (self, c, position))
            return FALSE;
          else
            i++;
          break;

        case STATE_AFTER_VALUE:
          if (is_whitespace (c))
            i++;
          else if (c == ',')
            {
              self->state = top_frame (self)->is_array ? STATE_VALUE : STATE_KEY;
              i++;
            }
          else if (c == (top_frame (self)->is_array ? ']' : '}'))
            {
              close_container (self);
              i++;
            }
          else
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "expected ',' or '%c', found %s",
                         top_frame (self)->is_array ? ']' : '}', describe_byte (c, shown));
          break;

        case STATE_STRING:
          if (self->utf8_needed == 0 && self->pending_high_surrogate == 0)
            {
              gsize taken = take_plain_run (self, data + i, length - i);

              if (taken > 0)
                {
                  i += taken;
                  break;
                }
            }
          if (self->utf8_needed > 0 && c < 0x80)
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "truncated UTF-8 sequence in a string");
          if (c == '"')
            end_string (self);
          else if (c == '\\')
            self->state = STATE_STRING_ESCAPE;
          else if (c < 0x20)
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "control character 0x%02x in a string (it must be escaped)", c);
          else if (c < 0x80)
            {
              flush_pending_surrogate (self);
              g_string_append_c (self->string_target, c);
              string_grew (self);
            }
          else if (!decode_utf8_byte (self, c, position))
            return FALSE;
          i++;
          break;

        case STATE_STRING_ESCAPE:
          {
            char decoded;

            switch (c)
              {
              case '"': decoded = '"'; break;
              case '\\': decoded = '\\'; break;
              case '/': decoded = '/'; break;
              case 'b': decoded = '\b'; break;
              case 'f': decoded = '\f'; break;
              case 'n': decoded = '\n'; break;
              case 'r': decoded = '\r'; break;
              case 't': decoded = '\t'; break;
              case 'u':
                self->unicode_value = 0;
                self->unicode_digits = 0;
                self->state = STATE_STRING_UNICODE;
                i++;
                continue;
              default:
                return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                             "invalid escape \\%c in a string",
                             c >= 0x20 && c < 0x7f ? c : '?');
              }
            flush_pending_surrogate (self);
            g_string_append_c (self->string_target, decoded);
            string_grew (self);
            self->state = STATE_STRING;
            i++;
          }
          break;

        case STATE_STRING_UNICODE:
          if (!g_ascii_isxdigit (c))
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "expected a hex digit in a \\u escape, found %s",
                         describe_byte (c, shown));
          self->unicode_value = self->unicode_value * 16 + g_ascii_xdigit_value (c);
          if (++self->unicode_digits == 4)
            {
              decode_code_unit (self, self->unicode_value);
              self->state = STATE_STRING;
            }
          i++;
          break;

        case STATE_NUMBER:
          if (is_number_byte (c))
            {
              g_string_append_c (self->token, c);
              i++;
            }
          else if (!end_number (self, position))
            return FALSE;
          break;

        case STATE_LITERAL:
          if (c != (guchar) self->literal[self->literal_position])
            return fail (self, position, FRAG_PARTIAL_JSON_ERROR_SYNTAX,
                         "expected “%s”, found %s", self->literal, describe_byte (c, shown));
          i++;
          if (self->literal[++self->literal_position] == '\0')
            end_literal (self);
          break;

        case STATE_DONE:
          /* Trailing text after the object is ignored; it is not consumed either. */
          self->offset += i;
          return TRUE;

        case STATE_ERROR:
        default:
          g_assert_not_reached ();
        }
    }

  self->offset += length;
  return TRUE;
}

gboolean
frag_partial_json_feed (FragPartialJson  *self,
                        const char       *data,
                        gsize             length,
                        GError          **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state == STATE_ERROR)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  if (self->state == STATE_DONE || length == 0)
    return TRUE;
  if (!run (self, (const guchar *) data, length))
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

gboolean
frag_partial_json_finish (FragPartialJson  *self,
                          GError          **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (self->state)
    {
    case STATE_DONE:
      return TRUE;
    case STATE_ERROR:
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    case STATE_PRELUDE:
      g_set_error_literal (error, FRAG_PARTIAL_JSON_ERROR, FRAG_PARTIAL_JSON_ERROR_NO_OBJECT,
                           "The input holds no JSON object");
      return FALSE;
    default:
      if (self->current != NULL)
        g_set_error (error, FRAG_PARTIAL_JSON_ERROR, FRAG_PARTIAL_JSON_ERROR_INCOMPLETE,
                     "The input ended inside the JSON object, in the field “%s”",
                     self->current->name);
      else
        g_set_error_literal (error, FRAG_PARTIAL_JSON_ERROR, FRAG_PARTIAL_JSON_ERROR_INCOMPLETE,
                             "The input ended inside the JSON object");
      return FALSE;
    }
}

gboolean
frag_partial_json_is_complete (FragPartialJson *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->state == STATE_DONE;
}

guint64
frag_partial_json_get_serial (FragPartialJson *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->serial;
}

guint64
frag_partial_json_get_bytes_consumed (FragPartialJson *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->offset;
}

gboolean
frag_partial_json_get_object_range (FragPartialJson *self,
                                    guint64         *start,
                                    guint64         *end)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->object_start < 0)
    return FALSE;
  if (start != NULL)
    *start = (guint64) self->object_start;
  if (end != NULL)
    *end = self->offset;
  return TRUE;
}

guint
frag_partial_json_get_n_fields (FragPartialJson *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->fields->len;
}

const char *
frag_partial_json_get_field_name (FragPartialJson *self,
                                  guint            index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->fields->len, NULL);

  return ((Field *) g_ptr_array_index (self->fields, index))->name;
}

gboolean
frag_partial_json_has_field (FragPartialJson *self,
                             const char      *name)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return g_hash_table_contains (self->field_index, name);
}

gboolean
frag_partial_json_field_is_complete (FragPartialJson *self,
                                     const char      *name)
{
  Field *field;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  field = g_hash_table_lookup (self->field_index, name);
  return field != NULL && field->complete;
}

const char *
frag_partial_json_get_current_field (FragPartialJson *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->frames->len == 0 || self->state == STATE_ERROR)
    return NULL;
  /* From the key's closing quote until its value is complete. */
  return g_array_index (self->frames, Frame, 0).key;
}

const char *
frag_partial_json_get_string (FragPartialJson *self,
                              const char      *name,
                              gsize           *length)
{
  Field *field;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  field = g_hash_table_lookup (self->field_index, name);
  if (field == NULL || field->text == NULL)
    {
      if (length != NULL)
        *length = 0;
      return NULL;
    }
  if (length != NULL)
    *length = field->text->len;
  return field->text->str;
}

JsonNode *
frag_partial_json_get_node (FragPartialJson *self,
                            const char      *name)
{
  Field *field;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  field = g_hash_table_lookup (self->field_index, name);
  return field != NULL && field->complete ? field->node : NULL;
}

/* json_node_copy() shares the object or array of a container node; a value still being
 * built must be copied all the way down, or the caller would watch it change. */
static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObject *object_copy = json_object_new ();
        g_autoptr(GList) names = json_object_get_members (object); /* in insertion order */

        for (GList *l = names; l != NULL; l = l->next)
          json_object_set_member (object_copy, l->data,
                                  deep_copy (json_object_get_member (object, l->data)));
        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, object_copy);
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);
        JsonArray *array_copy = json_array_sized_new (length);

        for (guint i = 0; i < length; i++)
          json_array_add_element (array_copy, deep_copy (json_array_get_element (array, i)));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, array_copy);
        return copy;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

JsonNode *
frag_partial_json_dup_object (FragPartialJson *self)
{
  JsonObject *object;
  JsonNode *root;

  g_return_val_if_fail (self != NULL, NULL);

  object = json_object_new ();
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->complete)
        json_object_set_member (object, field->name, json_node_copy (field->node));
      else if (field->text != NULL)
        json_object_set_string_member (object, field->name, field->text->str);
      else if (field->node != NULL)
        json_object_set_member (object, field->name, deep_copy (field->node));
      /* A number or literal still being read is left out: "3" may yet become "3000". */
    }
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, object);
  return root;
}
