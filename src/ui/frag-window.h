/* frag-window.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "frag-application.h"
#include "frag-conversation.h"
#include "frag-fragment-view.h"

G_BEGIN_DECLS

#define FRAG_TYPE_WINDOW (frag_window_get_type ())

G_DECLARE_FINAL_TYPE (FragWindow, frag_window, FRAG, WINDOW, AdwApplicationWindow)

FragWindow       *frag_window_new                (FragApplication      *application);
/* Reads and validates a fragment file off the main thread, then shows it. On failure the
 * window itself shows what went wrong (a toast and an error page) and keeps the fragment
 * it had; the callback gets the same error. A newer open cancels an older one. */
void              frag_window_open_file_async    (FragWindow           *self,
                                                  GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean          frag_window_open_file_finish   (FragWindow           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* Writes the fragment shown, with the editor's unsaved edits, as fragment JSON to file
 * (replacing it), without blocking. The window shows the outcome in a toast; the callback
 * gets the same error. FRAG_FRAGMENT_ERROR_MISSING_FIELD when no fragment is shown. */
void              frag_window_save_fragment_async  (FragWindow         *self,
                                                    GFile              *file,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean          frag_window_save_fragment_finish (FragWindow         *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);
/* Exports the stored conversation's latest version as a runnable project into folder
 * (frag_history_export_conversation_async()); a toast tells the outcome.
 * FRAG_HISTORY_ERROR_NOT_FOUND when the conversation is not in the history yet. */
void              frag_window_export_project_async  (FragWindow         *self,
                                                     GFile              *folder,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean          frag_window_export_project_finish (FragWindow         *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
/* Puts the text of the file on screen in the editor on the clipboard. */
void              frag_window_copy_code          (FragWindow           *self);
/* TRUE while the window shows no fragment and is not opening one. */
gboolean          frag_window_is_empty           (FragWindow           *self);
/* Takes ownership of toast, as adw_toast_overlay_add_toast() does. */
void              frag_window_add_toast          (FragWindow           *self,
                                                  AdwToast             *toast);
FragFragmentView *frag_window_get_fragment_view  (FragWindow           *self);
/* The conversation the chat shows, or NULL while the history is still opening. */
FragConversation *frag_window_get_conversation   (FragWindow           *self);

G_END_DECLS
