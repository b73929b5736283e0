/* frag-connect-envelope.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-connect-envelope"

#include "config.h"

#include <string.h>

#include "frag-connect-envelope.h"

#define HEADER_SIZE 5

GBytes *
frag_connect_envelope_encode (const char *json,
                              gsize       length)
{
  guint8 *data = g_malloc (HEADER_SIZE + length);

  g_return_val_if_fail (length <= G_MAXUINT32, NULL);

  data[0] = 0;
  data[1] = (length >> 24) & 0xff;
  data[2] = (length >> 16) & 0xff;
  data[3] = (length >> 8) & 0xff;
  data[4] = length & 0xff;
  memcpy (data + HEADER_SIZE, json, length);
  return g_bytes_new_take (data, HEADER_SIZE + length);
}

struct _FragConnectDecoder
{
  GByteArray *buffer;
};

FragConnectDecoder *
frag_connect_decoder_new (void)
{
  FragConnectDecoder *self = g_new0 (FragConnectDecoder, 1);

  self->buffer = g_byte_array_new ();
  return self;
}

void
frag_connect_decoder_free (FragConnectDecoder *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->buffer);
  g_free (self);
}

void
frag_connect_decoder_feed (FragConnectDecoder *self,
                           const guint8       *data,
                           gsize               length)
{
  g_return_if_fail (self != NULL);
  g_byte_array_append (self->buffer, data, length);
}

gboolean
frag_connect_decoder_next (FragConnectDecoder  *self,
                           guint8              *flags,
                           GBytes             **payload)
{
  const guint8 *data;
  guint32 length;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->buffer->len < HEADER_SIZE)
    return FALSE;
  data = self->buffer->data;
  length = ((guint32)data[1] << 24) | ((guint32)data[2] << 16) | ((guint32)data[3] << 8) | data[4];
  if (self->buffer->len - HEADER_SIZE < length)
    return FALSE;
  *flags = data[0];
  *payload = g_bytes_new (data + HEADER_SIZE, length);
  g_byte_array_remove_range (self->buffer, 0, HEADER_SIZE + length);
  return TRUE;
}

gsize
frag_connect_decoder_get_pending (FragConnectDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->buffer->len;
}
