/* frag-error-headline.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A short translated headline for an error, picked by its domain and code (STYLE.md §9):
 * the layers' messages are plain English detail, the headline is what the user reads
 * first, e.g. "Unsafe File Path" above "file_path “../x” escapes the work directory". */
const char *frag_error_headline (const GError *error);

G_END_DECLS
