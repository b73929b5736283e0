/* frag-line-splitter.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Turns output chunks into lines for FragSandbox::log: each complete line (without its
 * "\n" or "\r\n") goes to the callback; flush() hands over an unterminated last line. A
 * line longer than 64 KiB is cut, so a program that never prints a newline cannot make
 * the buffer grow without bound. */
typedef void (*FragLineFunc) (const char *line,
                              gpointer    user_data);

typedef struct _FragLineSplitter FragLineSplitter;

FragLineSplitter *frag_line_splitter_new   (FragLineFunc      func,
                                            gpointer          user_data);
void              frag_line_splitter_free  (FragLineSplitter *self);
void              frag_line_splitter_feed  (FragLineSplitter *self,
                                            const char       *chunk,
                                            gssize            length);
void              frag_line_splitter_flush (FragLineSplitter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragLineSplitter, frag_line_splitter_free)

G_END_DECLS
