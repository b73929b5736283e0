/* frag-partial-json.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-partial-json"

#include "config.h"

#include "frag-partial-json.h"
