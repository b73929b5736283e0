/* frag-history-export.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-history-records.h"
#include "frag-template-catalog.h"

G_BEGIN_DECLS

/* Writes a conversation's latest fragment version into dir as a project someone can
 * run without Fragment Studio:
 *   - the fragment's files (paths that would leave dir are refused),
 *   - requirements.txt (Python templates) or package.json (Node templates) from the
 *     template's libraries and the fragment's additional dependencies,
 *   - README.md with the title, description, the prompts and how to install and run it,
 *   - fragment.json, and results/: output.txt (stdout, stderr, error) and the images
 *     and rich outputs of the version's latest run (result-N.png, .jpg, .svg, .html).
 * dir is created if needed; existing files of the same names are replaced.
 * FRAG_HISTORY_ERROR_NOT_FOUND when the conversation has no fragment; _IO on a write
 * error; FRAG_FRAGMENT_ERROR_BAD_PATH for an unsafe path. catalog may be NULL (the
 * template is then guessed from the file names). Blocking: call it from a thread or
 * use the _async variant. */
gboolean frag_history_export_conversation        (FragStoredConversation  *conversation,
                                                  FragTemplateCatalog     *catalog,
                                                  const char              *dir,
                                                  GError                 **error);
void     frag_history_export_conversation_async  (FragStoredConversation  *conversation,
                                                  FragTemplateCatalog     *catalog,
                                                  const char              *dir,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
gboolean frag_history_export_conversation_finish (GAsyncResult            *result,
                                                  GError                 **error);

G_END_DECLS
