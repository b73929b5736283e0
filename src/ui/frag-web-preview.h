/* frag-web-preview.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <webkit/webkit.h>

G_BEGIN_DECLS

#define FRAG_TYPE_WEB_PREVIEW (frag_web_preview_get_type ())

G_DECLARE_FINAL_TYPE (FragWebPreview, frag_web_preview, FRAG, WEB_PREVIEW, GtkWidget)

GtkWidget     *frag_web_preview_new          (void);
/* NULL until the preview is first shown (or something is loaded): the view and its web
 * process are made only when needed. Borrowed. */
WebKitWebView *frag_web_preview_get_web_view (FragWebPreview *self);
/* Shows the app a sandbox serves at uri. Only that origin may be navigated to; links
 * elsewhere emit FragWebPreview::open-external. */
void           frag_web_preview_load_uri     (FragWebPreview *self,
                                              const char     *uri);
/* Forgets the page and shows the "nothing running" state again. */
void           frag_web_preview_clear        (FragWebPreview *self);
/* The origin the preview currently allows (the last load_uri()), or NULL. */
const char    *frag_web_preview_get_uri      (FragWebPreview *self);
/* The "Open in Browser" button: visible while a sandbox URL is loaded, it activates
 * win.open-in-browser with that URL. Borrowed. */
GtkWidget     *frag_web_preview_get_open_in_browser_button (FragWebPreview *self);

G_END_DECLS
