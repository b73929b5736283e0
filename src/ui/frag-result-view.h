/* frag-result-view.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "frag-result.h"

G_BEGIN_DECLS

#define FRAG_TYPE_RESULT_VIEW (frag_result_view_get_type ())

G_DECLARE_FINAL_TYPE (FragResultView, frag_result_view, FRAG, RESULT_VIEW, GtkWidget)

/* The result of an interpreter run: the error (name, value, traceback), the rich
 * results (PNG/JPEG as pictures, text), stdout and stderr. All output is shown as plain
 * text; images are decoded from base64 into textures and never touch the disk. */
GtkWidget  *frag_result_view_new        (void);
/* NULL shows the "not run yet" state. */
void        frag_result_view_set_result (FragResultView *self,
                                         FragResult     *result);
FragResult *frag_result_view_get_result (FragResultView *self);
/* How many pictures the last result showed (for tests). */
guint       frag_result_view_get_n_pictures (FragResultView *self);
/* stdout as shown, or NULL when the result had none (for tests). */
const char *frag_result_view_get_stdout_text (FragResultView *self);

G_END_DECLS
