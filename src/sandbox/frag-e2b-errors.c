/* frag-e2b-errors.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-e2b-errors"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "frag-e2b-errors.h"

/* E2B's `message` from an error body: the control plane's {"code": int, "message"},
 * Connect's {"code": "not_found", "message"}, the edge's {"sandboxId", "message"}, or
 * plain text. NULL when there is nothing usable. */
static char *
extract_message (const char *body,
                 gsize       body_length)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  g_autofree char *text = NULL;

  if (body == NULL || body_length == 0)
    return NULL;
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, body, body_length, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      const char *message = json_object_get_string_member_with_default (json_node_get_object (root),
                                                                         "message", NULL);

      return message != NULL && *message != '\0' ? g_strdup (message) : NULL;
    }
  /* Plain text (the interpreter's own errors, the edge's 400s): one line, bounded. */
  text = g_utf8_make_valid (body, MIN (body_length, 300));
  g_strstrip (g_strdelimit (text, "\r\n", ' '));
  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

GError *
frag_e2b_error_from_response (FragE2bCall  call,
                              guint        status,
                              const char  *retry_after,
                              const char  *body,
                              gsize        body_length)
{
  g_autofree char *message = extract_message (body, body_length);
  const char *detail = message != NULL ? message : "no details";

  switch (status)
    {
    case 401:
    case 403:
      if (call == FRAG_E2B_CALL_CREATE || call == FRAG_E2B_CALL_SANDBOX)
        return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_AUTH,
                            "E2B refused the API key (%u: %s)", status, detail);
      return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_AUTH,
                          "The sandbox refused access (%u: %s)", status, detail);
    case 404:
      if (call == FRAG_E2B_CALL_CREATE)
        return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_TEMPLATE_NOT_FOUND,
                            "E2B has no such template (%s)", detail);
      if (call == FRAG_E2B_CALL_EXECUTE)
        return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                            "The code interpreter answered 404 (%s)", detail);
      return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE,
                          "The sandbox is gone: it expired or was killed (%s)", detail);
    case 429:
      if (message != NULL && strstr (message, "concurrent") != NULL)
        return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_LIMIT,
                            "E2B's limit of concurrent sandboxes is reached: %s", detail);
      if (retry_after != NULL && *retry_after != '\0')
        return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_RATE_LIMITED,
                            "E2B rate limit: retry after %s s (%s)", retry_after, detail);
      return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_RATE_LIMITED,
                          "E2B rate limit (%s)", detail);
    case 502:
    case 503:
      /* 49999 not listening: this sandbox has no code interpreter (§5.5). */
      if (call == FRAG_E2B_CALL_EXECUTE && message != NULL && strstr (message, "port is not open") != NULL)
        return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                            "The sandbox has no code interpreter (%u: %s)", status, detail);
      /* From the edge: the sandbox is gone (§6.2); Connect's "unavailable" means the
       * same for envd (§3.4). A closed port is the probe's business, not an error.
       * The control plane has no edge in front of it: its 502/503 are server or
       * capacity problems (§1.3), never a vanished sandbox. */
      if (call != FRAG_E2B_CALL_CREATE && call != FRAG_E2B_CALL_SANDBOX
          && (message == NULL || strstr (message, "not found") != NULL || call == FRAG_E2B_CALL_ENVD))
        return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE,
                            "The sandbox is gone: it expired or was killed (%u: %s)", status, detail);
      return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                          "E2B server error %u: %s", status, detail);
    default:
      if (status >= 500)
        return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                            "E2B server error %u: %s", status, detail);
      return g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                          "E2B refused the request (%u: %s)", status, detail);
    }
}

GError *
frag_e2b_error_from_transport (GError     *error,
                               const char *what)
{
  GError *result;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == FRAG_SANDBOX_ERROR)
    return error;
  result = g_error_new (FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_NETWORK,
                        "Cannot reach %s: %s", what, error->message);
  g_error_free (error);
  return result;
}
