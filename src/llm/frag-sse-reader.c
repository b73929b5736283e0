/* frag-sse-reader.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-sse-reader"

#include "config.h"

#include <string.h>

#include "frag-errors.h"
#include "frag-sse-reader.h"

struct _FragSseReader
{
  /* The unterminated tail of the input: bytes after the last line end. */
  GString  *line;
  /* The event being assembled (WHATWG "data buffer" and "event type buffer"). */
  GString  *data;
  char     *event;
  char     *last_id;
  gint64    retry;
  GQueue    items;
  gsize     max_line;
  /* The previous chunk ended with CR: an LF starting the next chunk belongs to it. */
  guint     skip_lf : 1;
  guint     seen_first_line : 1;
  guint     failed : 1;
};

void
frag_sse_item_free (FragSseItem *item)
{
  if (item == NULL)
    return;
  g_free (item->event);
  g_free (item->data);
  g_free (item->id);
  g_free (item);
}

FragSseReader *
frag_sse_reader_new (void)
{
  FragSseReader *self = g_new0 (FragSseReader, 1);

  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->retry = -1;
  self->max_line = FRAG_SSE_READER_DEFAULT_MAX_LINE;
  g_queue_init (&self->items);
  return self;
}

void
frag_sse_reader_free (FragSseReader *self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_free (self->event);
  g_free (self->last_id);
  g_queue_clear_full (&self->items, (GDestroyNotify)frag_sse_item_free);
  g_free (self);
}

void
frag_sse_reader_set_max_line (FragSseReader *self,
                              gsize          max_line)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_line > 0);

  self->max_line = max_line;
}

static void
push_item (FragSseReader   *self,
           FragSseItemKind  kind,
           const char      *text,
           gsize            length)
{
  FragSseItem *item = g_new0 (FragSseItem, 1);

  item->kind = kind;
  item->data = g_strndup (text, length);
  item->data_len = length;
  item->id = g_strdup (self->last_id);
  if (kind == FRAG_SSE_ITEM_EVENT)
    item->event = g_strdup (self->event);
  g_queue_push_tail (&self->items, item);
}

static void
dispatch_event (FragSseReader *self)
{
  /* WHATWG: no data line at all means nothing to dispatch; "data:" alone is an event
   * with empty data. The buffer holds each value followed by LF; the last LF goes. */
  if (self->data->len > 0)
    push_item (self, FRAG_SSE_ITEM_EVENT, self->data->str, self->data->len - 1);
  g_string_truncate (self->data, 0);
  g_clear_pointer (&self->event, g_free);
}

static gboolean
field_is (const char *field,
          gsize       field_len,
          const char *name)
{
  return field_len == strlen (name) && memcmp (field, name, field_len) == 0;
}

static gboolean
parse_retry (const char *value,
             gsize       length,
             gint64     *retry)
{
  gint64 result = 0;

  if (length == 0 || length > 15)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (value[i]))
        return FALSE;
      result = result * 10 + (value[i] - '0');
    }
  *retry = result;
  return TRUE;
}

/* One complete line, without its terminator, as raw bytes. */
static gboolean
process_line (FragSseReader  *self,
              const char     *raw,
              gsize           length,
              GError        **error)
{
  g_autofree char *repaired = NULL;
  const char *line = raw;
  const char *colon;
  const char *value;
  gsize field_len;
  gsize value_len;

  if (!self->seen_first_line)
    {
      self->seen_first_line = TRUE;
      if (length >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
        {
          line += 3;
          length -= 3;
        }
    }

  /* Lines are split on bytes first and only then checked, so a character split across
   * reads is whole here (CR and LF never occur inside a multi-byte sequence). */
  if (!g_utf8_validate_len (line, length, NULL))
    {
      repaired = g_utf8_make_valid (line, length);
      line = repaired;
      length = strlen (repaired);
    }

  if (length == 0)
    {
      dispatch_event (self);
      return TRUE;
    }

  colon = memchr (line, ':', length);
  if (colon == line)
    {
      value = line + 1;
      value_len = length - 1;
      if (value_len > 0 && value[0] == ' ')
        value++, value_len--;
      push_item (self, FRAG_SSE_ITEM_COMMENT, value, value_len);
      return TRUE;
    }

  if (colon != NULL)
    {
      field_len = colon - line;
      value = colon + 1;
      value_len = length - field_len - 1;
      if (value_len > 0 && value[0] == ' ')
        value++, value_len--;
    }
  else
    {
      field_len = length;
      value = line + length;
      value_len = 0;
    }

  if (field_is (line, field_len, "data"))
    {
      if (self->data->len + value_len + 1 > self->max_line)
        {
          g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
                       "The event stream sent an event larger than %" G_GSIZE_FORMAT " bytes",
                       self->max_line);
          return FALSE;
        }
      g_string_append_len (self->data, value, value_len);
      g_string_append_c (self->data, '\n');
    }
  else if (field_is (line, field_len, "event"))
    {
      g_free (self->event);
      self->event = value_len > 0 ? g_strndup (value, value_len) : NULL;
    }
  else if (field_is (line, field_len, "id"))
    {
      g_free (self->last_id);
      self->last_id = value_len > 0 ? g_strndup (value, value_len) : NULL;
    }
  else if (field_is (line, field_len, "retry"))
    {
      /* WHATWG ignores a retry value that is not all ASCII digits. */
      parse_retry (value, value_len, &self->retry);
    }
  else
    {
      push_item (self, FRAG_SSE_ITEM_OTHER_LINE, line, length);
    }

  return TRUE;
}

static gboolean
fail_line_too_long (FragSseReader  *self,
                    GError        **error)
{
  self->failed = TRUE;
  g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_SERVER,
               "The event stream sent a line longer than %" G_GSIZE_FORMAT " bytes",
               self->max_line);
  return FALSE;
}

gboolean
frag_sse_reader_feed (FragSseReader  *self,
                      const char     *data,
                      gsize           length,
                      GError        **error)
{
  gsize start = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (self->failed)
    return fail_line_too_long (self, error);

  if (length == 0)
    return TRUE;

  if (self->skip_lf)
    {
      self->skip_lf = FALSE;
      if (data[0] == '\n')
        start = 1;
    }

  while (start < length)
    {
      gsize end = start;

      while (end < length && data[end] != '\n' && data[end] != '\r')
        end++;

      if (end == length)
        {
          /* No terminator in the rest of this chunk: keep it for the next one. */
          if (self->line->len + (length - start) > self->max_line)
            return fail_line_too_long (self, error);
          g_string_append_len (self->line, data + start, length - start);
          break;
        }

      if (self->line->len > 0)
        {
          if (self->line->len + (end - start) > self->max_line)
            return fail_line_too_long (self, error);
          g_string_append_len (self->line, data + start, end - start);
          if (!process_line (self, self->line->str, self->line->len, error))
            {
              self->failed = TRUE;
              return FALSE;
            }
          g_string_truncate (self->line, 0);
        }
      else if (!process_line (self, data + start, end - start, error))
        {
          self->failed = TRUE;
          return FALSE;
        }

      if (data[end] == '\r')
        {
          /* A CR at the very end of a read is ambiguous until the next byte shows
           * whether an LF follows; the line is already complete either way. */
          if (end + 1 == length)
            self->skip_lf = TRUE;
          else if (data[end + 1] == '\n')
            end++;
        }
      start = end + 1;
    }

  return TRUE;
}

gboolean
frag_sse_reader_end (FragSseReader *self)
{
  gboolean incomplete;

  g_return_val_if_fail (self != NULL, FALSE);

  /* A last line cut by EOF is still a line (it may be a bare JSON error body), but the
   * event it belongs to never got its blank line, so it is not dispatched. */
  if (!self->failed && self->line->len > 0)
    process_line (self, self->line->str, self->line->len, NULL);
  g_string_truncate (self->line, 0);
  self->skip_lf = FALSE;

  incomplete = self->data->len > 0;
  g_string_truncate (self->data, 0);
  g_clear_pointer (&self->event, g_free);
  return incomplete;
}

FragSseItem *
frag_sse_reader_pop (FragSseReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_queue_pop_head (&self->items);
}

gint64
frag_sse_reader_get_retry (FragSseReader *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->retry;
}
