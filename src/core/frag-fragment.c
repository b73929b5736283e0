/* frag-fragment.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-fragment"

#include "config.h"

#include "frag-fragment.h"
