/* frag-line-splitter.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-line-splitter"

#include "config.h"

#include <string.h>

#include "frag-line-splitter.h"

#define MAX_LINE_BYTES (64 * 1024)

struct _FragLineSplitter
{
  FragLineFunc func;
  gpointer     user_data;
  GString     *pending;
};

FragLineSplitter *
frag_line_splitter_new (FragLineFunc func,
                        gpointer     user_data)
{
  FragLineSplitter *self = g_new0 (FragLineSplitter, 1);

  self->func = func;
  self->user_data = user_data;
  self->pending = g_string_new (NULL);
  return self;
}

void
frag_line_splitter_free (FragLineSplitter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->pending, TRUE);
  g_free (self);
}

static void
emit (FragLineSplitter *self,
      gsize             length)
{
  g_autofree char *line = g_strndup (self->pending->str, length);
  gsize line_length = length;

  if (line_length > 0 && line[line_length - 1] == '\r')
    line[line_length - 1] = '\0';
  self->func (line, self->user_data);
}

void
frag_line_splitter_feed (FragLineSplitter *self,
                         const char       *chunk,
                         gssize            length)
{
  const char *newline;

  g_return_if_fail (self != NULL);
  g_return_if_fail (chunk != NULL);

  g_string_append_len (self->pending, chunk, length < 0 ? (gssize)strlen (chunk) : length);
  while ((newline = memchr (self->pending->str, '\n', self->pending->len)) != NULL)
    {
      gsize line_length = newline - self->pending->str;

      emit (self, line_length);
      g_string_erase (self->pending, 0, line_length + 1);
    }
  if (self->pending->len > MAX_LINE_BYTES)
    {
      gsize cut = MAX_LINE_BYTES;

      /* Cut on a character boundary. */
      while (cut > 1 && (self->pending->str[cut] & 0xC0) == 0x80)
        cut--;
      emit (self, cut);
      g_string_erase (self->pending, 0, cut);
    }
}

void
frag_line_splitter_flush (FragLineSplitter *self)
{
  g_return_if_fail (self != NULL);

  if (self->pending->len > 0)
    {
      emit (self, self->pending->len);
      g_string_truncate (self->pending, 0);
    }
}
