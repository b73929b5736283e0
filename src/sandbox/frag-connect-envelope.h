/* frag-connect-envelope.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Connect protocol envelopes for server-streaming calls (e2b-protocol.md §3.5): one flag
 * byte (0x01 compressed, 0x02 end of stream), a 4-byte big-endian length, the JSON. */
#define FRAG_CONNECT_FLAG_COMPRESSED 0x01
#define FRAG_CONNECT_FLAG_END_STREAM 0x02

/* Frames one message. */
GBytes *frag_connect_envelope_encode (const char *json,
                                      gsize       length);

/* Splits a byte stream into envelopes whatever the read boundaries: feed what arrives,
 * then take complete messages until next() returns FALSE. */
typedef struct _FragConnectDecoder FragConnectDecoder;

FragConnectDecoder *frag_connect_decoder_new  (void);
void                frag_connect_decoder_free (FragConnectDecoder *self);
void                frag_connect_decoder_feed (FragConnectDecoder *self,
                                               const guint8       *data,
                                               gsize               length);
/* The next complete envelope: its flags and payload (owned by the caller). */
gboolean            frag_connect_decoder_next (FragConnectDecoder *self,
                                               guint8             *flags,
                                               GBytes            **payload);
/* Bytes held that do not (yet) make a whole envelope. */
gsize               frag_connect_decoder_get_pending (FragConnectDecoder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragConnectDecoder, frag_connect_decoder_free)

G_END_DECLS
