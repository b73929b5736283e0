/* frag-output-tail.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-output-tail"

#include "config.h"

#include <string.h>

#include "frag-output-tail.h"

struct _FragOutputTail
{
  guint    max_lines;
  gsize    max_bytes;
  GString *text;     /* the tail itself, trimmed after each append */
  char    *result;   /* what get_text last returned */
};

FragOutputTail *
frag_output_tail_new (guint max_lines,
                      gsize max_bytes)
{
  FragOutputTail *self = g_new0 (FragOutputTail, 1);

  self->max_lines = MAX (max_lines, 1);
  self->max_bytes = MAX (max_bytes, 16);
  self->text = g_string_new (NULL);
  return self;
}

void
frag_output_tail_free (FragOutputTail *self)
{
  if (self == NULL)
    return;
  g_string_free (self->text, TRUE);
  g_free (self->result);
  g_free (self);
}

static void
trim (FragOutputTail *self)
{
  guint newlines = 0;
  gsize keep_from = 0;

  /* Walk back over max_lines complete lines (the last, unterminated one counts too). */
  for (gsize i = self->text->len; i > 0; i--)
    {
      if (self->text->str[i - 1] == '\n' && i != self->text->len)
        {
          if (++newlines >= self->max_lines)
            {
              keep_from = i;
              break;
            }
        }
    }
  if (self->text->len - keep_from > self->max_bytes)
    {
      keep_from = self->text->len - self->max_bytes;
      /* Do not start in the middle of a UTF-8 sequence. */
      while (keep_from < self->text->len && (self->text->str[keep_from] & 0xC0) == 0x80)
        keep_from++;
    }
  if (keep_from > 0)
    g_string_erase (self->text, 0, keep_from);
}

void
frag_output_tail_append (FragOutputTail *self,
                         const char     *chunk)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (chunk != NULL);

  g_string_append (self->text, chunk);
  trim (self);
}

const char *
frag_output_tail_get_text (FragOutputTail *self)
{
  gsize length;

  g_return_val_if_fail (self != NULL, NULL);

  length = self->text->len;
  while (length > 0 && (self->text->str[length - 1] == '\n' || self->text->str[length - 1] == '\r'))
    length--;
  g_free (self->result);
  self->result = g_strndup (self->text->str, length);
  return self->result;
}
