/* frag-retry-policy.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-retry"

#include "config.h"

#include <math.h>

#include "frag-errors.h"
#include "frag-retry-policy.h"

gboolean
frag_retry_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != FRAG_PROVIDER_ERROR)
    return FALSE;

  switch ((FragProviderError)error->code)
    {
    case FRAG_PROVIDER_ERROR_RATE_LIMITED:
    case FRAG_PROVIDER_ERROR_OVERLOADED:
    case FRAG_PROVIDER_ERROR_SERVER:
    case FRAG_PROVIDER_ERROR_NETWORK:
    case FRAG_PROVIDER_ERROR_STALLED:
      return TRUE;
    case FRAG_PROVIDER_ERROR_FAILED:
    case FRAG_PROVIDER_ERROR_NO_KEY:
    case FRAG_PROVIDER_ERROR_AUTH:
    case FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND:
    case FRAG_PROVIDER_ERROR_BAD_REQUEST:
    case FRAG_PROVIDER_ERROR_BAD_OUTPUT:
    case FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED:
    default:
      return FALSE;
    }
}

gboolean
frag_retry_compute_delay (guint   attempt,
                          guint   max_retries,
                          guint   base_delay_ms,
                          guint   max_delay_ms,
                          double  retry_after_seconds,
                          guint  *delay_ms)
{
  double backoff_ms;

  g_return_val_if_fail (attempt >= 1, FALSE);
  g_return_val_if_fail (delay_ms != NULL, FALSE);

  if (attempt > max_retries)
    return FALSE;

  backoff_ms = ldexp ((double)base_delay_ms, (int)MIN (attempt - 1, 16));
  if (retry_after_seconds >= 0)
    {
      double asked_ms = retry_after_seconds * 1000.0;

      /* A wait longer than the caller accepts is not retried: the error (with the
       * server's delay in its hint) is more useful than a long silence. */
      if (asked_ms > max_delay_ms)
        return FALSE;
      /* The server knows when it will take us again; our backoff is only a floor
       * when it said nothing useful (Retry-After: 0). */
      backoff_ms = asked_ms > 0 ? asked_ms : backoff_ms;
    }

  *delay_ms = (guint)MIN (backoff_ms, (double)max_delay_ms);
  return TRUE;
}
