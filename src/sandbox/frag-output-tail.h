/* frag-output-tail.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The last lines of a stream (stderr of a server or an install command), kept so an
 * error can say why a process died instead of showing a blank "connection refused".
 * Bounded by a line count and a byte count, whichever is smaller. */
typedef struct _FragOutputTail FragOutputTail;

FragOutputTail *frag_output_tail_new      (guint           max_lines,
                                           gsize           max_bytes);
void            frag_output_tail_free     (FragOutputTail *self);
/* Appends a chunk (not necessarily whole lines). */
void            frag_output_tail_append   (FragOutputTail *self,
                                           const char     *chunk);
/* The kept text, without a trailing newline; "" when nothing was written. */
const char     *frag_output_tail_get_text (FragOutputTail *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragOutputTail, frag_output_tail_free)

G_END_DECLS
