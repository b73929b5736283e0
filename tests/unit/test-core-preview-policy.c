/* test-core-preview-policy.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "frag-preview-policy.h"

#define ALLOW    FRAG_PREVIEW_DECISION_ALLOW
#define EXTERNAL FRAG_PREVIEW_DECISION_OPEN_EXTERNALLY
#define BLOCK    FRAG_PREVIEW_DECISION_BLOCK
#define MAIN     FRAG_PREVIEW_NAVIGATION_MAIN_FRAME
#define FRAME    FRAG_PREVIEW_NAVIGATION_SUBFRAME
#define WINDOW   FRAG_PREVIEW_NAVIGATION_NEW_WINDOW

typedef struct
{
  const char            *sandbox_url;
  const char            *uri;
  FragPreviewNavigation  navigation;
  FragPreviewDecision    expected;
} Case;

static void
run_cases (const Case *cases,
           guint       n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_test_message ("case %u: sandbox %s, uri %s, navigation %d", i,
                      cases[i].sandbox_url, cases[i].uri, cases[i].navigation);
      g_assert_cmpint (frag_preview_policy_decide (cases[i].sandbox_url, cases[i].uri,
                                                   cases[i].navigation),
                       ==, cases[i].expected);
    }
}

static void
test_same_origin (void)
{
  const Case cases[] = {
    { "http://127.0.0.1:3000/", "http://127.0.0.1:3000/", MAIN, ALLOW },
    { "http://127.0.0.1:3000/", "http://127.0.0.1:3000/about?x=1#top", MAIN, ALLOW },
    { "http://127.0.0.1:3000", "http://127.0.0.1:3000/_next/static/x.js", FRAME, ALLOW },
    { "http://user:pw@127.0.0.1:3000/", "http://127.0.0.1:3000/", MAIN, ALLOW },
    /* Default ports. */
    { "http://example.com/", "http://example.com:80/x", MAIN, ALLOW },
    { "https://3000-abc.e2b.app", "https://3000-abc.e2b.app:443/x", MAIN, ALLOW },
    { "https://3000-abc.e2b.app:443/", "https://3000-abc.e2b.app/", MAIN, ALLOW },
    /* Case and trailing dots. */
    { "http://LocalHost:8501", "HTTP://localhost:8501/", MAIN, ALLOW },
    { "https://3000-abc.e2b.app", "https://3000-ABC.E2B.APP./", MAIN, ALLOW },
    { "http://localhost.:8501/", "http://localhost:8501/", MAIN, ALLOW },
    /* IPv6. */
    { "http://[::1]:3000/", "http://[::1]:3000/x", MAIN, ALLOW },
    { "http://[::1]:3000/", "http://[::2]:3000/x", MAIN, EXTERNAL },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_other_origins (void)
{
  const Case cases[] = {
    { "http://127.0.0.1:3000/", "http://127.0.0.1:3001/", MAIN, EXTERNAL },
    { "http://127.0.0.1:3000/", "https://127.0.0.1:3000/", MAIN, EXTERNAL },
    { "http://127.0.0.1:3000/", "http://localhost:3000/", MAIN, EXTERNAL },
    { "http://127.0.0.1:3000/", "https://gnome.org/", MAIN, EXTERNAL },
    { "http://example.com:8080/", "http://example.com/", MAIN, EXTERNAL },
    { "https://3000-abc.e2b.app", "https://3000-abc.e2b.app.evil.com/", MAIN, EXTERNAL },
    { "https://3000-abc.e2b.app", "https://evil.com/?https://3000-abc.e2b.app", MAIN, EXTERNAL },
    /* Userinfo tricks: the host is what follows the '@'. */
    { "http://127.0.0.1:3000/", "http://127.0.0.1:3000@evil.com/", MAIN, EXTERNAL },
    { "http://127.0.0.1:3000/", "http://127.0.0.1:3000@evil.com:3000/", MAIN, EXTERNAL },
    /* An embed of another site is not loaded, nor pushed to a browser. */
    { "http://127.0.0.1:3000/", "https://www.youtube.com/embed/x", FRAME, BLOCK },
    /* Nothing runs: no origin is the sandbox's. */
    { NULL, "http://127.0.0.1:3000/", MAIN, EXTERNAL },
    { NULL, "http://127.0.0.1:3000/", FRAME, BLOCK },
    { "not a url", "http://127.0.0.1:3000/", MAIN, EXTERNAL },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_new_windows (void)
{
  const Case cases[] = {
    { "http://127.0.0.1:3000/", "http://127.0.0.1:3000/other", WINDOW, EXTERNAL },
    { "http://127.0.0.1:3000/", "https://gnome.org/", WINDOW, EXTERNAL },
    { "http://127.0.0.1:3000/", "about:blank", WINDOW, BLOCK },
    { "http://127.0.0.1:3000/", "javascript:alert(1)", WINDOW, BLOCK },
    { "http://127.0.0.1:3000/", "file:///etc/passwd", WINDOW, BLOCK },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_other_schemes (void)
{
  const Case cases[] = {
    { "http://127.0.0.1:3000/", "about:blank", MAIN, ALLOW },
    { "http://127.0.0.1:3000/", "ABOUT:BLANK", MAIN, ALLOW },
    { "http://127.0.0.1:3000/", "about:blank#x", FRAME, ALLOW },
    { "http://127.0.0.1:3000/", "about:srcdoc", FRAME, ALLOW },
    { NULL, "about:blank", MAIN, ALLOW },
    { "http://127.0.0.1:3000/", "about:blankx", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "about:config", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "file:///etc/passwd", MAIN, BLOCK },
    { "file:///tmp/", "file:///tmp/index.html", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "data:text/html,<script>alert(1)</script>", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "data:text/html,x", FRAME, BLOCK },
    { "http://127.0.0.1:3000/", "javascript:alert(1)", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "blob:http://127.0.0.1:3000/1234", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "ftp://127.0.0.1:3000/", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "ws://127.0.0.1:3000/", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "mailto:a@b.c", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "not a uri", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "/relative/path", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", "http:///no-host", MAIN, BLOCK },
    { "http://127.0.0.1:3000/", NULL, MAIN, BLOCK },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

/* Malformed authorities must never come out as the sandbox's origin. */
static void
test_tricky_authorities (void)
{
  const char *uris[] = {
    "http://127.0.0.1:3000.evil.com/",
    "http://evil.com\\@127.0.0.1:3000/",
    "http://127.0.0.1:3000\\@evil.com/",
    "http://127.0.0.1%00.evil.com:3000/",
    "http://127.0.0.1:3000:80/",
    "http://127.0.0.1:99999/",
    "http://[127.0.0.1]:3000/",
    "http://evil.com\t@127.0.0.1:3000/",
    "http://127.0.0.1:3000/\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_test_message ("uri %s", uris[i]);
      g_assert_cmpint (frag_preview_policy_decide ("http://127.0.0.1:3000/", uris[i], MAIN),
                       !=, ALLOW);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/preview-policy/same-origin", test_same_origin);
  g_test_add_func ("/core/preview-policy/other-origins", test_other_origins);
  g_test_add_func ("/core/preview-policy/new-windows", test_new_windows);
  g_test_add_func ("/core/preview-policy/other-schemes", test_other_schemes);
  g_test_add_func ("/core/preview-policy/tricky-authorities", test_tricky_authorities);

  return g_test_run ();
}
