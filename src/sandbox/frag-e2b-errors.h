/* frag-e2b-errors.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "frag-errors.h"

G_BEGIN_DECLS

/* Which call an answer belongs to: a 404 means "unknown template" on create, "sandbox
 * gone" everywhere else. */
typedef enum
{
  FRAG_E2B_CALL_CREATE,
  FRAG_E2B_CALL_SANDBOX,   /* timeout, kill, info, list */
  FRAG_E2B_CALL_ENVD,      /* process, files (port 49983) */
  FRAG_E2B_CALL_EXECUTE,   /* the code interpreter (port 49999) */
} FragE2bCall;

/* A FRAG_SANDBOX_ERROR for a non-success HTTP answer (e2b-protocol.md §1.3, §3.4, §6.2):
 * 401/403 AUTH, create 404 TEMPLATE_NOT_FOUND, other 404 and 502 "sandbox was not found"
 * GONE, 429 LIMIT (concurrent sandboxes) or RATE_LIMITED (with Retry-After seconds in
 * the message), 5xx SERVER, other 4xx FAILED. The message quotes E2B's own `message`
 * (never a header, so never the key). body may be NULL. */
GError *frag_e2b_error_from_response (FragE2bCall  call,
                                      guint        status,
                                      const char  *retry_after,
                                      const char  *body,
                                      gsize        body_length);

/* A transport failure (refused, DNS, TLS, reset) as FRAG_SANDBOX_ERROR_NETWORK;
 * cancellation is passed on unchanged. Takes ownership of error. */
GError *frag_e2b_error_from_transport (GError      *error,
                                       const char  *what);

G_END_DECLS
