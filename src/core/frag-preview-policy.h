/* frag-preview-policy.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the preview WebView does with a navigation request (STYLE.md §13). The preview
 * shows model-generated apps: they may navigate within their own server, nothing else. */
typedef enum
{
  FRAG_PREVIEW_DECISION_ALLOW,           /* load it in the preview */
  FRAG_PREVIEW_DECISION_OPEN_EXTERNALLY, /* ignore it; offer "Open in Browser" */
  FRAG_PREVIEW_DECISION_BLOCK,           /* ignore it */
} FragPreviewDecision;

typedef enum
{
  FRAG_PREVIEW_NAVIGATION_MAIN_FRAME,    /* the page itself navigates */
  FRAG_PREVIEW_NAVIGATION_SUBFRAME,      /* an iframe navigates */
  FRAG_PREVIEW_NAVIGATION_NEW_WINDOW,    /* target=_blank, window.open() */
} FragPreviewNavigation;

/* A pure function of its arguments, for WebKit's decide-policy handler:
 *  - same origin as sandbox_url (scheme, host and port, with the default ports 80/443,
 *    host compared case-insensitively and without a trailing dot), or about:blank /
 *    about:srcdoc: ALLOW, except in a new window;
 *  - any other http(s) URI: OPEN_EXTERNALLY in the main frame or a new window, BLOCK in
 *    an iframe (nothing would be gained by opening an embed in a browser);
 *  - everything else (file:, data:, javascript:, blob:, other schemes, unparsable):
 *    BLOCK.
 * sandbox_url is the running app's URL, or NULL when none runs. */
FragPreviewDecision frag_preview_policy_decide (const char            *sandbox_url,
                                                const char            *uri,
                                                FragPreviewNavigation  navigation);

G_END_DECLS
