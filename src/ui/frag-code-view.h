/* frag-code-view.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <gtksourceview/gtksource.h>

#include "frag-fragment.h"

G_BEGIN_DECLS

#define FRAG_TYPE_CODE_VIEW (frag_code_view_get_type ())

G_DECLARE_FINAL_TYPE (FragCodeView, frag_code_view, FRAG, CODE_VIEW, GtkWidget)

GtkWidget       *frag_code_view_new                  (void);
/* Puts every file of the fragment in a buffer of its own (the first one shown), with the
 * highlighting its path calls for. The buffers are editable. */
void             frag_code_view_set_fragment         (FragCodeView *self,
                                                      FragFragment *fragment);
/* The buffer on screen: the first file's after set_fragment, an empty one before. */
GtkSourceBuffer *frag_code_view_get_buffer           (FragCodeView *self);
/* Shows the file with this path; FALSE when the fragment has no such file. */
gboolean         frag_code_view_select_file          (FragCodeView *self,
                                                      const char   *file_path);
/* The files as they are now in the editor (with the user's edits), in fragment order.
 * Element type FragFragmentFile; new array, free with g_ptr_array_unref(). */
GPtrArray       *frag_code_view_dup_files            (FragCodeView *self);

/* The GtkSourceView language id for a fragment file path, or NULL when nothing fits:
 * the language GtkSourceView guesses, corrected where its guess is wrong for fragments. */
const char      *frag_code_view_language_for_path    (const char   *file_path);

G_END_DECLS
