/* frag-error-headline.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-error-headline"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "frag-error-headline.h"
#include "frag-errors.h"

static const char *
fragment_headline (int code)
{
  switch ((FragFragmentError)code)
    {
    case FRAG_FRAGMENT_ERROR_INVALID_JSON:
      return _("Not a Fragment File");
    case FRAG_FRAGMENT_ERROR_MISSING_FIELD:
      return _("Incomplete Fragment");
    case FRAG_FRAGMENT_ERROR_WRONG_TYPE:
      return _("Malformed Fragment");
    case FRAG_FRAGMENT_ERROR_UNKNOWN_TEMPLATE:
      return _("Unknown Template");
    case FRAG_FRAGMENT_ERROR_EMPTY_CODE:
      return _("Fragment Has No Code");
    case FRAG_FRAGMENT_ERROR_BAD_PATH:
      return _("Unsafe File Path");
    default:
      return _("Could Not Open Fragment");
    }
}

static const char *
provider_headline (int code)
{
  switch ((FragProviderError)code)
    {
    case FRAG_PROVIDER_ERROR_NO_KEY:
      return _("No API Key");
    case FRAG_PROVIDER_ERROR_AUTH:
      return _("API Key Rejected");
    case FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND:
      return _("Model Not Found");
    case FRAG_PROVIDER_ERROR_BAD_REQUEST:
      return _("Request Refused");
    case FRAG_PROVIDER_ERROR_RATE_LIMITED:
      return _("Rate Limit Reached");
    case FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED:
      return _("Quota Used Up");
    case FRAG_PROVIDER_ERROR_OVERLOADED:
      return _("Provider Overloaded");
    case FRAG_PROVIDER_ERROR_SERVER:
      return _("Provider Error");
    case FRAG_PROVIDER_ERROR_NETWORK:
      return _("Could Not Reach the Provider");
    case FRAG_PROVIDER_ERROR_STALLED:
      return _("The Reply Stalled");
    case FRAG_PROVIDER_ERROR_BAD_OUTPUT:
      return _("The Model’s Reply Was Not a Fragment");
    case FRAG_PROVIDER_ERROR_FAILED:
    default:
      return _("Generation Failed");
    }
}

static const char *
sandbox_headline (int code)
{
  switch ((FragSandboxError)code)
    {
    case FRAG_SANDBOX_ERROR_AUTH:
      return _("E2B API Key Rejected");
    case FRAG_SANDBOX_ERROR_TEMPLATE_NOT_FOUND:
      return _("Sandbox Template Not Found");
    case FRAG_SANDBOX_ERROR_LIMIT:
      return _("Too Many Sandboxes");
    case FRAG_SANDBOX_ERROR_RATE_LIMITED:
      return _("Rate Limit Reached");
    case FRAG_SANDBOX_ERROR_GONE:
      return _("The Sandbox Has Expired");
    case FRAG_SANDBOX_ERROR_NETWORK:
      return _("Could Not Reach the Sandbox");
    case FRAG_SANDBOX_ERROR_SERVER:
      return _("Sandbox Service Error");
    case FRAG_SANDBOX_ERROR_PROCESS_EXITED:
      return _("The Program Exited");
    case FRAG_SANDBOX_ERROR_PORT_TIMEOUT:
      return _("The App Did Not Start");
    case FRAG_SANDBOX_ERROR_TIME_LIMIT:
      return _("Time Limit Reached");
    case FRAG_SANDBOX_ERROR_MISSING_RUNTIME:
      return _("Runtime Not Installed");
    case FRAG_SANDBOX_ERROR_UNAVAILABLE:
      return _("Local Sandbox Unavailable");
    case FRAG_SANDBOX_ERROR_FAILED:
    default:
      return _("Run Failed");
    }
}

static const char *
history_headline (int code)
{
  switch ((FragHistoryError)code)
    {
    case FRAG_HISTORY_ERROR_NOT_FOUND:
      return _("Not in History");
    case FRAG_HISTORY_ERROR_CORRUPT:
      return _("History Was Damaged");
    case FRAG_HISTORY_ERROR_TOO_NEW:
      return _("History From a Newer Version");
    case FRAG_HISTORY_ERROR_IO:
    case FRAG_HISTORY_ERROR_FAILED:
    default:
      return _("Could Not Save History");
    }
}

static const char *
keyring_headline (int code)
{
  switch ((FragKeyringError)code)
    {
    case FRAG_KEYRING_ERROR_UNAVAILABLE:
      return _("No Keyring Available");
    case FRAG_KEYRING_ERROR_LOCKED:
      return _("Keyring Locked");
    case FRAG_KEYRING_ERROR_FAILED:
    default:
      return _("Keyring Error");
    }
}

static const char *
io_headline (int code)
{
  switch (code)
    {
    case G_IO_ERROR_NOT_FOUND:
      return _("File Not Found");
    case G_IO_ERROR_PERMISSION_DENIED:
      return _("Permission Denied");
    case G_IO_ERROR_IS_DIRECTORY:
      return _("Not a File");
    case G_IO_ERROR_INVALID_DATA:
      return _("Not a Fragment File");
    default:
      return _("Could Not Read File");
    }
}

const char *
frag_error_headline (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == FRAG_FRAGMENT_ERROR)
    return fragment_headline (error->code);
  if (error->domain == FRAG_PROVIDER_ERROR)
    return provider_headline (error->code);
  if (error->domain == FRAG_SANDBOX_ERROR)
    return sandbox_headline (error->code);
  if (error->domain == FRAG_HISTORY_ERROR)
    return history_headline (error->code);
  if (error->domain == FRAG_KEYRING_ERROR)
    return keyring_headline (error->code);
  if (error->domain == G_IO_ERROR)
    return io_headline (error->code);

  return _("Something Went Wrong");
}
