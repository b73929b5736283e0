/* frag-ndjson-reader.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A newline-delimited JSON splitter (Ollama's application/x-ndjson) with no I/O: fed the
 * body's bytes as they arrive, split anywhere, it queues each complete non-blank line.
 * A line ends at LF; a CR before it is dropped. Blank lines (keep-alives) are skipped.
 * Lines are checked as UTF-8 only once whole (invalid bytes become U+FFFD). The reader
 * does not parse JSON: the provider does, so it can report its own errors. Linear cost.
 */
typedef struct _FragNdjsonReader FragNdjsonReader;

#define FRAG_NDJSON_READER_DEFAULT_MAX_LINE (64 * 1024 * 1024)

FragNdjsonReader *frag_ndjson_reader_new          (void);
void              frag_ndjson_reader_free         (FragNdjsonReader  *self);
void              frag_ndjson_reader_set_max_line (FragNdjsonReader  *self,
                                                   gsize              max_line);
/* FALSE (FRAG_PROVIDER_ERROR_SERVER) when a line exceeds the maximum; the reader then
 * refuses further input. */
gboolean          frag_ndjson_reader_feed         (FragNdjsonReader  *self,
                                                   const char        *data,
                                                   gsize              length,
                                                   GError           **error);
/* End of the body: a last line without its LF is queued too (an error line may end
 * the body that way). */
void              frag_ndjson_reader_end          (FragNdjsonReader  *self);
/* The next complete line (NUL-terminated, owned by the caller; its length in *length
 * when not NULL), or NULL when none is ready. */
char             *frag_ndjson_reader_pop          (FragNdjsonReader  *self,
                                                   gsize             *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragNdjsonReader, frag_ndjson_reader_free)

G_END_DECLS
