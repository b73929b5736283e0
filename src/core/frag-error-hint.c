/* frag-error-hint.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-error-hint"

#include "config.h"

#include <gio/gio.h>
#include <math.h>

#include "frag-error-hint.h"
#include "frag-errors.h"

static FragErrorAction
provider_action (FragProviderError code)
{
  switch (code)
    {
    case FRAG_PROVIDER_ERROR_NO_KEY:
    case FRAG_PROVIDER_ERROR_AUTH:
      return FRAG_ERROR_ACTION_ADD_KEY;
    case FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND:
    case FRAG_PROVIDER_ERROR_BAD_REQUEST:
    case FRAG_PROVIDER_ERROR_BAD_OUTPUT:
    case FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED:
      return FRAG_ERROR_ACTION_PICK_MODEL;
    case FRAG_PROVIDER_ERROR_RATE_LIMITED:
      return FRAG_ERROR_ACTION_WAIT;
    case FRAG_PROVIDER_ERROR_NETWORK:
      return FRAG_ERROR_ACTION_CHECK_NETWORK;
    case FRAG_PROVIDER_ERROR_OVERLOADED:
    case FRAG_PROVIDER_ERROR_SERVER:
    case FRAG_PROVIDER_ERROR_STALLED:
    case FRAG_PROVIDER_ERROR_FAILED:
    default:
      return FRAG_ERROR_ACTION_RETRY;
    }
}

static FragErrorAction
sandbox_action (FragSandboxError code)
{
  switch (code)
    {
    case FRAG_SANDBOX_ERROR_AUTH:
      return FRAG_ERROR_ACTION_ADD_KEY;
    case FRAG_SANDBOX_ERROR_TEMPLATE_NOT_FOUND:
    case FRAG_SANDBOX_ERROR_LIMIT:
    case FRAG_SANDBOX_ERROR_RATE_LIMITED:
    case FRAG_SANDBOX_ERROR_NETWORK:
    case FRAG_SANDBOX_ERROR_SERVER:
      return FRAG_ERROR_ACTION_SWITCH_TO_LOCAL;
    case FRAG_SANDBOX_ERROR_PROCESS_EXITED:
    case FRAG_SANDBOX_ERROR_PORT_TIMEOUT:
    case FRAG_SANDBOX_ERROR_TIME_LIMIT:
      return FRAG_ERROR_ACTION_FIX;
    case FRAG_SANDBOX_ERROR_MISSING_RUNTIME:
    case FRAG_SANDBOX_ERROR_UNAVAILABLE:
      return FRAG_ERROR_ACTION_SWITCH_TO_E2B;
    case FRAG_SANDBOX_ERROR_GONE:
    case FRAG_SANDBOX_ERROR_FAILED:
    default:
      return FRAG_ERROR_ACTION_RETRY;
    }
}

FragErrorAction
frag_error_get_action (const GError *error)
{
  if (error == NULL)
    return FRAG_ERROR_ACTION_NONE;
  if (error->domain == FRAG_PROVIDER_ERROR)
    return provider_action (error->code);
  if (error->domain == FRAG_SANDBOX_ERROR)
    return sandbox_action (error->code);
  if (error->domain == FRAG_FRAGMENT_ERROR)
    return FRAG_ERROR_ACTION_FIX;
  if (error->domain == FRAG_KEYRING_ERROR)
    return FRAG_ERROR_ACTION_ADD_KEY;
  return FRAG_ERROR_ACTION_NONE;
}

static char *
wait_hint (double      retry_after_seconds,
           const char *otherwise)
{
  if (retry_after_seconds > 0)
    return g_strdup_printf ("Wait %.0f s, then retry%s.", ceil (retry_after_seconds), otherwise);
  return g_strdup_printf ("Wait a minute, then retry%s.", otherwise);
}

static char *
provider_hint (FragProviderError code,
               double            retry_after_seconds)
{
  switch (code)
    {
    case FRAG_PROVIDER_ERROR_NO_KEY:
      return g_strdup ("Add an API key for this provider in Preferences (or with 'frag keys set'), "
                       "or pick a model of another provider.");
    case FRAG_PROVIDER_ERROR_AUTH:
      return g_strdup ("The provider refused the API key: add a valid one in Preferences "
                       "(or with 'frag keys set').");
    case FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND:
      return g_strdup ("Pick another model: this one is not available to your account.");
    case FRAG_PROVIDER_ERROR_BAD_REQUEST:
      return g_strdup ("Pick another model, or undo a few turns: the provider refused the request.");
    case FRAG_PROVIDER_ERROR_RATE_LIMITED:
      return wait_hint (retry_after_seconds, ", or pick a model of another provider");
    case FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED:
      return g_strdup ("The account's quota or spend limit at this provider is used up: check its "
                       "billing, or pick a model of another provider.");
    case FRAG_PROVIDER_ERROR_OVERLOADED:
      return g_strdup ("The provider is overloaded: retry in a moment or pick another model.");
    case FRAG_PROVIDER_ERROR_SERVER:
      return g_strdup ("Retry; if it keeps failing, pick another model.");
    case FRAG_PROVIDER_ERROR_NETWORK:
      return g_strdup ("Check the network connection (and the provider's base URL), then retry.");
    case FRAG_PROVIDER_ERROR_STALLED:
      return g_strdup ("The model stopped sending: retry.");
    case FRAG_PROVIDER_ERROR_BAD_OUTPUT:
      return g_strdup ("Retry, or pick a stronger model: the answer was not a usable fragment.");
    case FRAG_PROVIDER_ERROR_FAILED:
    default:
      return g_strdup ("Retry.");
    }
}

static char *
sandbox_hint (FragSandboxError code,
              double           retry_after_seconds)
{
  switch (code)
    {
    case FRAG_SANDBOX_ERROR_AUTH:
      return g_strdup ("Add a valid E2B API key in Preferences (or set E2B_API_KEY), "
                       "or switch to the local backend.");
    case FRAG_SANDBOX_ERROR_TEMPLATE_NOT_FOUND:
      return g_strdup ("This E2B account has no such template: switch to the local backend "
                       "or pick another template.");
    case FRAG_SANDBOX_ERROR_LIMIT:
      return g_strdup ("Close other E2B sandboxes, or switch to the local backend.");
    case FRAG_SANDBOX_ERROR_RATE_LIMITED:
      return wait_hint (retry_after_seconds, ", or switch to the local backend");
    case FRAG_SANDBOX_ERROR_NETWORK:
      return g_strdup ("Check the network connection, or switch to the local backend.");
    case FRAG_SANDBOX_ERROR_SERVER:
      return g_strdup ("E2B failed: retry in a moment, or switch to the local backend.");
    case FRAG_SANDBOX_ERROR_PROCESS_EXITED:
      return g_strdup ("The program stopped with an error: ask the model to fix it.");
    case FRAG_SANDBOX_ERROR_PORT_TIMEOUT:
      return g_strdup ("The app never answered on its port: ask the model to fix it.");
    case FRAG_SANDBOX_ERROR_TIME_LIMIT:
      return g_strdup ("The program ran out of time: ask the model to make it faster.");
    case FRAG_SANDBOX_ERROR_MISSING_RUNTIME:
      return g_strdup ("This computer lacks the template's runtime: switch to the E2B backend "
                       "or install it.");
    case FRAG_SANDBOX_ERROR_UNAVAILABLE:
      return g_strdup ("Local sandboxing cannot run here: switch to the E2B backend.");
    case FRAG_SANDBOX_ERROR_GONE:
      return g_strdup ("The sandbox expired: run again and a new one is created.");
    case FRAG_SANDBOX_ERROR_FAILED:
    default:
      return g_strdup ("Run again; if it keeps failing, switch backends.");
    }
}

char *
frag_error_dup_hint (const GError *error,
                     double        retry_after_seconds)
{
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  if (error->domain == FRAG_PROVIDER_ERROR)
    return provider_hint (error->code, retry_after_seconds);
  if (error->domain == FRAG_SANDBOX_ERROR)
    return sandbox_hint (error->code, retry_after_seconds);
  if (error->domain == FRAG_FRAGMENT_ERROR)
    return g_strdup ("Fix the fragment (or ask the model to), then run it again.");
  if (error->domain == FRAG_KEYRING_ERROR)
    return g_strdup ("The system keyring cannot be used: set the provider's API key "
                     "environment variable instead.");
  if (error->domain == FRAG_HISTORY_ERROR)
    return g_strdup ("The history database could not be written: check the free disk space.");
  return NULL;
}
