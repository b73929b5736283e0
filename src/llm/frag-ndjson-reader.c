/* frag-ndjson-reader.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-ndjson-reader"

#include "config.h"

#include <string.h>

#include "frag-errors.h"
#include "frag-ndjson-reader.h"

typedef struct
{
  char  *text;
  gsize  length;
} Line;

struct _FragNdjsonReader
{
  GString *line;     /* the unterminated tail of the input */
  GQueue   lines;    /* of Line */
  gsize    max_line;
  gboolean seen_first_line;
  gboolean failed;
};

static void
line_free (Line *line)
{
  g_free (line->text);
  g_free (line);
}

FragNdjsonReader *
frag_ndjson_reader_new (void)
{
  FragNdjsonReader *self = g_new0 (FragNdjsonReader, 1);

  self->line = g_string_new (NULL);
  self->max_line = FRAG_NDJSON_READER_DEFAULT_MAX_LINE;
  g_queue_init (&self->lines);
  return self;
}

void
frag_ndjson_reader_free (FragNdjsonReader *self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_queue_clear_full (&self->lines, (GDestroyNotify)line_free);
  g_free (self);
}

void
frag_ndjson_reader_set_max_line (FragNdjsonReader *self,
                                 gsize             max_line)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_line > 0);

  self->max_line = max_line;
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (text[i]))
      return FALSE;
  return TRUE;
}

static void
queue_line (FragNdjsonReader *self,
            const char       *text,
            gsize             length)
{
  Line *line;

  if (!self->seen_first_line)
    {
      self->seen_first_line = TRUE;
      if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
        {
          text += 3;
          length -= 3;
        }
    }

  if (length > 0 && text[length - 1] == '\r')
    length--;
  if (is_blank (text, length))
    return;

  line = g_new0 (Line, 1);
  if (g_utf8_validate_len (text, length, NULL))
    {
      line->text = g_strndup (text, length);
      line->length = length;
    }
  else
    {
      line->text = g_utf8_make_valid (text, length);
      line->length = strlen (line->text);
    }
  g_queue_push_tail (&self->lines, line);
}

static gboolean
fail_line_too_long (FragNdjsonReader  *self,
                    GError           **error)
{
  self->failed = TRUE;
  g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
               "The stream sent a line longer than %" G_GSIZE_FORMAT " bytes",
               self->max_line);
  return FALSE;
}

gboolean
frag_ndjson_reader_feed (FragNdjsonReader  *self,
                         const char        *data,
                         gsize              length,
                         GError           **error)
{
  gsize start = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (self->failed)
    return fail_line_too_long (self, error);

  while (start < length)
    {
      const char *newline = memchr (data + start, '\n', length - start);
      gsize end = newline != NULL ? (gsize)(newline - data) : length;

      if (self->line->len + (end - start) > self->max_line)
        return fail_line_too_long (self, error);

      if (newline == NULL)
        {
          g_string_append_len (self->line, data + start, length - start);
          break;
        }

      if (self->line->len > 0)
        {
          g_string_append_len (self->line, data + start, end - start);
          queue_line (self, self->line->str, self->line->len);
          g_string_truncate (self->line, 0);
        }
      else
        {
          queue_line (self, data + start, end - start);
        }
      start = end + 1;
    }

  return TRUE;
}

void
frag_ndjson_reader_end (FragNdjsonReader *self)
{
  g_return_if_fail (self != NULL);

  if (!self->failed && self->line->len > 0)
    queue_line (self, self->line->str, self->line->len);
  g_string_truncate (self->line, 0);
}

char *
frag_ndjson_reader_pop (FragNdjsonReader *self,
                        gsize            *length)
{
  Line *line;
  char *text;

  g_return_val_if_fail (self != NULL, NULL);

  line = g_queue_pop_head (&self->lines);
  if (line == NULL)
    return NULL;
  if (length != NULL)
    *length = line->length;
  text = g_steal_pointer (&line->text);
  g_free (line);
  return text;
}
