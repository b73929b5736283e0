/* frag-fragment-view.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "frag-code-view.h"
#include "frag-fragment.h"
#include "frag-result-view.h"
#include "frag-run-panel.h"
#include "frag-web-preview.h"

G_BEGIN_DECLS

typedef enum
{
  FRAG_FRAGMENT_VIEW_EMPTY,     /* nothing opened yet */
  FRAG_FRAGMENT_VIEW_FRAGMENT,  /* a fragment's code and preview */
  FRAG_FRAGMENT_VIEW_ERROR,     /* what went wrong; the last fragment is kept */
} FragFragmentViewState;

#define FRAG_TYPE_FRAGMENT_VIEW_STATE (frag_fragment_view_state_get_type ())

GType frag_fragment_view_state_get_type (void) G_GNUC_CONST;

#define FRAG_TYPE_FRAGMENT_VIEW (frag_fragment_view_get_type ())

G_DECLARE_FINAL_TYPE (FragFragmentView, frag_fragment_view, FRAG, FRAGMENT_VIEW, GtkWidget)

GtkWidget             *frag_fragment_view_new            (void);
/* Shows the fragment's code. A fragment equal to the one shown, or whose files are what
 * the editor already holds (the user's edit coming back as the current version), keeps
 * the editor as it is: cursor, scroll position and undo history. */
void                   frag_fragment_view_set_fragment   (FragFragmentView *self,
                                                          FragFragment     *fragment);
/* The fragment last set (kept while an error is shown), or NULL. Borrowed. */
FragFragment          *frag_fragment_view_get_fragment   (FragFragmentView *self);
/* Replaces the view with an error page: headline, and detail as plain text. A button
 * leads back to the fragment, which stays loaded. */
void                   frag_fragment_view_show_error     (FragFragmentView *self,
                                                          const char       *headline,
                                                          const char       *detail);
FragFragmentViewState  frag_fragment_view_get_state      (FragFragmentView *self);
/* The error page's headline and detail (plain text) while the state is ERROR, else NULL. */
const char            *frag_fragment_view_get_error_headline (FragFragmentView *self);
const char            *frag_fragment_view_get_error_detail   (FragFragmentView *self);
FragCodeView          *frag_fragment_view_get_code_view  (FragFragmentView *self);
FragWebPreview        *frag_fragment_view_get_web_preview (FragFragmentView *self);
/* The Code / Preview pages, for a view switcher. */
AdwViewStack          *frag_fragment_view_get_pages      (FragFragmentView *self);
/* TRUE while the Preview page is on screen (property "preview-shown" notifies). */
gboolean               frag_fragment_view_get_preview_shown (FragFragmentView *self);
void                   frag_fragment_view_show_preview   (FragFragmentView *self);
void                   frag_fragment_view_show_code      (FragFragmentView *self);
void                   frag_fragment_view_show_result    (FragFragmentView *self);
FragResultView        *frag_fragment_view_get_result_view (FragFragmentView *self);
FragRunPanel          *frag_fragment_view_get_run_panel  (FragFragmentView *self);
/* Forgets the last run: the result page and the preview go back to their empty states. */
void                   frag_fragment_view_clear_result   (FragFragmentView *self);

G_END_DECLS
