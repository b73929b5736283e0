/* frag-history-format.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* When a conversation was last updated, as the sidebar says it: "Just now", "5 min ago",
 * "14:03" (earlier today), "Yesterday", a weekday in the last week, then a date.
 * unix_us: UNIX microseconds; now: the local time to compare with. */
char *frag_history_format_relative_time (gint64      unix_us,
                                         GDateTime  *now);
/* A search snippet as Pango markup: every piece of text escaped, the parts between
 * FRAG_SEARCH_HIGHLIGHT_START and _END in bold. Unbalanced markers are tolerated. */
char *frag_history_format_snippet       (const char *snippet);

G_END_DECLS
