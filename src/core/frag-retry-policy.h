/* frag-retry-policy.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* When a failed generation is sent again by itself. Only a transient provider failure
 * (rate limit, overload, 5xx, network, stall) that happened before the model sent any
 * output is retried: once output arrived, sending again would show a different answer
 * under the one the user was reading. */

#define FRAG_RETRY_DEFAULT_MAX_RETRIES   3
/* First backoff; each later retry waits twice as long as the one before. */
#define FRAG_RETRY_DEFAULT_BASE_DELAY_MS 1000
/* A server asking us to wait longer than this is not waited for: the user sees "wait N
 * s" and decides. */
#define FRAG_RETRY_MAX_DELAY_MS          (60 * 1000)

gboolean frag_retry_error_is_transient (const GError *error);
/* The delay before retry number attempt (1 for the first retry), honouring the server's
 * Retry-After (seconds, or negative when it sent none). FALSE when attempt exceeds
 * max_retries or the server wants more than FRAG_RETRY_MAX_DELAY_MS. */
gboolean frag_retry_compute_delay      (guint         attempt,
                                        guint         max_retries,
                                        guint         base_delay_ms,
                                        guint         max_delay_ms,
                                        double        retry_after_seconds,
                                        guint        *delay_ms);

G_END_DECLS
