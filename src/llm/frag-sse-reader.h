/* frag-sse-reader.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A server-sent events parser (WHATWG "event stream" grammar) with no I/O: it is fed the
 * bytes of a response body as they arrive, split anywhere (between CR and LF, inside a
 * UTF-8 character, inside a field name), and queues what complete lines produce. Each
 * byte is looked at a constant number of times, so the cost of a stream is linear.
 *
 * Besides dispatched events it also reports comment lines (": keep-alive") and lines
 * that are not an SSE field at all (Gemini may send a bare JSON error body), so a
 * provider can act on them; consumers that do not care skip those kinds.
 */

typedef enum
{
  FRAG_SSE_ITEM_EVENT,       /* a dispatched event: data (and name, last id) */
  FRAG_SSE_ITEM_COMMENT,     /* a line starting with ':'; data is the text after it */
  FRAG_SSE_ITEM_OTHER_LINE,  /* a line whose field name is not event/data/id/retry */
} FragSseItemKind;

typedef struct
{
  FragSseItemKind kind;
  /* The event: field, or NULL when the event had none ("message" in WHATWG terms). */
  char           *event;
  /* For EVENT: the data: lines joined by '\n'. For COMMENT: the comment text. For
   * OTHER_LINE: the whole line. Valid UTF-8 (invalid bytes become U+FFFD) and
   * NUL-terminated; data_len excludes the terminator. */
  char           *data;
  gsize           data_len;
  /* The last event id seen so far in the stream (SSE ids persist), or NULL. */
  char           *id;
} FragSseItem;

void frag_sse_item_free (FragSseItem *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragSseItem, frag_sse_item_free)

typedef struct _FragSseReader FragSseReader;

/* Lines or events longer than this are refused (a broken or hostile server must not
 * make us buffer without bound). Far above any real chunk. */
#define FRAG_SSE_READER_DEFAULT_MAX_LINE (64 * 1024 * 1024)

FragSseReader *frag_sse_reader_new          (void);
void           frag_sse_reader_free         (FragSseReader  *self);
void           frag_sse_reader_set_max_line (FragSseReader  *self,
                                             gsize           max_line);
/* Returns FALSE (FRAG_PROVIDER_ERROR_SERVER) when a line or an event's data exceeds the
 * maximum; the reader then refuses further input. */
gboolean       frag_sse_reader_feed         (FragSseReader  *self,
                                             const char     *data,
                                             gsize           length,
                                             GError        **error);
/* End of the body: an unterminated last line is processed; an event that never got its
 * blank line is dropped (as the WHATWG rules and the SDKs do). Returns TRUE when such an
 * incomplete event was dropped, so a caller can tell a cut-off stream. */
gboolean       frag_sse_reader_end          (FragSseReader  *self);
/* The next queued item (owned by the caller), or NULL when none is complete yet. */
FragSseItem   *frag_sse_reader_pop          (FragSseReader  *self);
/* The last retry: value in milliseconds, or -1 when none was sent. */
gint64         frag_sse_reader_get_retry    (FragSseReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragSseReader, frag_sse_reader_free)

G_END_DECLS
