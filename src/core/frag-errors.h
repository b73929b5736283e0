/* frag-errors.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every layer reports through one of these domains, so core (the pipeline) and the
 * composition roots (the window, the frag CLI) can decide what to tell the user and
 * whether to retry without knowing which concrete service failed. Messages are plain
 * English for logs and the CLI; the UI picks a translated headline by domain and code.
 * No message ever contains an API key, an auth header or a whole prompt.
 */

#define FRAG_FRAGMENT_ERROR (frag_fragment_error_quark ())

typedef enum
{
  FRAG_FRAGMENT_ERROR_INVALID_JSON,     /* not JSON, or not an object */
  FRAG_FRAGMENT_ERROR_MISSING_FIELD,
  FRAG_FRAGMENT_ERROR_WRONG_TYPE,
  FRAG_FRAGMENT_ERROR_UNKNOWN_TEMPLATE,
  FRAG_FRAGMENT_ERROR_EMPTY_CODE,
  FRAG_FRAGMENT_ERROR_BAD_PATH,         /* absolute, "..", or otherwise outside the work dir */
} FragFragmentError;

#define FRAG_PARTIAL_JSON_ERROR (frag_partial_json_error_quark ())

typedef enum
{
  FRAG_PARTIAL_JSON_ERROR_SYNTAX,
  FRAG_PARTIAL_JSON_ERROR_NO_OBJECT,    /* the input ended before any '{' */
  FRAG_PARTIAL_JSON_ERROR_INCOMPLETE,   /* the input ended inside the object */
  FRAG_PARTIAL_JSON_ERROR_TOO_DEEP,
} FragPartialJsonError;

#define FRAG_PROVIDER_ERROR (frag_provider_error_quark ())

typedef enum
{
  FRAG_PROVIDER_ERROR_FAILED,
  FRAG_PROVIDER_ERROR_NO_KEY,           /* no key in flag, environment or keyring */
  FRAG_PROVIDER_ERROR_AUTH,             /* 401/403, Gemini API_KEY_INVALID */
  FRAG_PROVIDER_ERROR_MODEL_NOT_FOUND,
  FRAG_PROVIDER_ERROR_BAD_REQUEST,      /* other 4xx: the provider refused what we sent */
  FRAG_PROVIDER_ERROR_RATE_LIMITED,     /* 429, quota */
  FRAG_PROVIDER_ERROR_OVERLOADED,       /* 503, Anthropic 529 */
  FRAG_PROVIDER_ERROR_SERVER,           /* other 5xx, an error event or line after a 200 */
  FRAG_PROVIDER_ERROR_NETWORK,          /* cannot connect, or the connection dropped */
  FRAG_PROVIDER_ERROR_STALLED,          /* no byte for the idle timeout */
  FRAG_PROVIDER_ERROR_BAD_OUTPUT,       /* the stream ended, the JSON is invalid or incomplete */
  FRAG_PROVIDER_ERROR_QUOTA_EXHAUSTED,  /* 429 insufficient_quota, Anthropic's spend limit:
                                         * waiting does not help, so never retried */
} FragProviderError;

#define FRAG_SANDBOX_ERROR (frag_sandbox_error_quark ())

typedef enum
{
  FRAG_SANDBOX_ERROR_FAILED,
  FRAG_SANDBOX_ERROR_AUTH,              /* E2B 401/403: missing or bad key */
  FRAG_SANDBOX_ERROR_TEMPLATE_NOT_FOUND,
  FRAG_SANDBOX_ERROR_LIMIT,             /* concurrent sandbox limit reached */
  FRAG_SANDBOX_ERROR_RATE_LIMITED,      /* 429 */
  FRAG_SANDBOX_ERROR_GONE,              /* the sandbox expired or was killed */
  FRAG_SANDBOX_ERROR_NETWORK,
  FRAG_SANDBOX_ERROR_SERVER,            /* 5xx from the control plane or envd */
  FRAG_SANDBOX_ERROR_PROCESS_EXITED,    /* a command or server died; message has its stderr */
  FRAG_SANDBOX_ERROR_PORT_TIMEOUT,      /* the app never answered on its port */
  FRAG_SANDBOX_ERROR_TIME_LIMIT,        /* CPU or wall-time limit hit */
  FRAG_SANDBOX_ERROR_MISSING_RUNTIME,   /* local backend: streamlit/gradio/node not on the host */
  FRAG_SANDBOX_ERROR_UNAVAILABLE,       /* local backend: bubblewrap cannot run here */
} FragSandboxError;

#define FRAG_HISTORY_ERROR (frag_history_error_quark ())

typedef enum
{
  FRAG_HISTORY_ERROR_FAILED,
  FRAG_HISTORY_ERROR_NOT_FOUND,
  FRAG_HISTORY_ERROR_CORRUPT,           /* moved aside; a fresh database was created */
  FRAG_HISTORY_ERROR_TOO_NEW,           /* written by a newer version; refused */
  FRAG_HISTORY_ERROR_IO,
} FragHistoryError;

#define FRAG_KEYRING_ERROR (frag_keyring_error_quark ())

typedef enum
{
  FRAG_KEYRING_ERROR_FAILED,
  FRAG_KEYRING_ERROR_UNAVAILABLE,       /* no Secret Service; use the environment variable */
  FRAG_KEYRING_ERROR_LOCKED,
} FragKeyringError;

GQuark frag_fragment_error_quark     (void);
GQuark frag_partial_json_error_quark (void);
GQuark frag_provider_error_quark     (void);
GQuark frag_sandbox_error_quark      (void);
GQuark frag_history_error_quark      (void);
GQuark frag_keyring_error_quark      (void);

G_END_DECLS
