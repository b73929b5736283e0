/* frag-preview-policy.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-preview-policy"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "frag-preview-policy.h"

/* An http(s) origin, normalized for comparison. */
typedef struct
{
  char *scheme;  /* "http" or "https" */
  char *host;    /* lower case, no trailing dot, IPv6 without brackets */
  int   port;    /* explicit, or the scheme's default */
} Origin;

static void
origin_clear (Origin *origin)
{
  g_clear_pointer (&origin->scheme, g_free);
  g_clear_pointer (&origin->host, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Origin, origin_clear)

/* Parses an absolute http(s) URI. GUri does the RFC 3986 work that naive string
 * comparison gets wrong: in http://127.0.0.1:3000@evil.com/ the host is evil.com. */
static gboolean
origin_parse (const char *uri,
              Origin     *origin)
{
  g_autoptr(GUri) parsed = NULL;
  const char *scheme;
  const char *host;
  gsize host_length;

  if (uri == NULL)
    return FALSE;
  /* Where RFC 3986 and the WHATWG URL standard that WebKit follows disagree, refuse:
   * GUri reads http://evil.com\@127.0.0.1/ as host 127.0.0.1 with user "evil.com\",
   * a browser as host evil.com ('\' is a '/' to it). Browsers also strip tabs and
   * newlines inside URLs. None of these belong in a URI a page navigates to. */
  for (const char *p = uri; *p != '\0'; p++)
    if (*p == '\\' || g_ascii_isspace (*p) || (guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);
  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return FALSE;

  origin->scheme = g_ascii_strdown (scheme, -1);
  host_length = strlen (host);
  if (host_length > 1 && host[host_length - 1] == '.')
    host_length--;
  origin->host = g_ascii_strdown (host, host_length);
  origin->port = g_uri_get_port (parsed);
  if (origin->port == -1)
    origin->port = g_str_equal (origin->scheme, "https") ? 443 : 80;
  return TRUE;
}

static gboolean
origin_equal (const Origin *a,
              const Origin *b)
{
  return g_str_equal (a->scheme, b->scheme) &&
         g_str_equal (a->host, b->host) &&
         a->port == b->port;
}

/* about:blank and about:srcdoc (an iframe's srcdoc), with or without a fragment. */
static gboolean
is_blank_document (const char *uri)
{
  g_autofree char *lower = g_ascii_strdown (uri, -1);
  const char *documents[] = { "about:blank", "about:srcdoc" };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      gsize length = strlen (documents[i]);

      if (strncmp (lower, documents[i], length) == 0 &&
          (lower[length] == '\0' || lower[length] == '#' || lower[length] == '?'))
        return TRUE;
    }
  return FALSE;
}

FragPreviewDecision
frag_preview_policy_decide (const char            *sandbox_url,
                            const char            *uri,
                            FragPreviewNavigation  navigation)
{
  g_auto(Origin) target = { NULL, NULL, 0 };
  g_auto(Origin) sandbox = { NULL, NULL, 0 };

  if (uri == NULL)
    return FRAG_PREVIEW_DECISION_BLOCK;

  if (is_blank_document (uri))
    return navigation == FRAG_PREVIEW_NAVIGATION_NEW_WINDOW ? FRAG_PREVIEW_DECISION_BLOCK
                                                            : FRAG_PREVIEW_DECISION_ALLOW;

  /* Not http(s), or not a URI at all: file:, data:, javascript:, blob:, … */
  if (!origin_parse (uri, &target))
    return FRAG_PREVIEW_DECISION_BLOCK;

  if (navigation == FRAG_PREVIEW_NAVIGATION_NEW_WINDOW)
    return FRAG_PREVIEW_DECISION_OPEN_EXTERNALLY;

  if (origin_parse (sandbox_url, &sandbox) && origin_equal (&target, &sandbox))
    return FRAG_PREVIEW_DECISION_ALLOW;

  return navigation == FRAG_PREVIEW_NAVIGATION_MAIN_FRAME ? FRAG_PREVIEW_DECISION_OPEN_EXTERNALLY
                                                          : FRAG_PREVIEW_DECISION_BLOCK;
}
