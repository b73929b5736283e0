/* frag-sse-reader.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-sse-reader"

#include "config.h"

#include "frag-sse-reader.h"
