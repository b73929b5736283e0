/* ui-test-util.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Iterates the main context until condition (data) is TRUE or timeout_ms pass; returns
 * the condition's last value. Never sleeps: a timeout source wakes the loop. */
typedef gboolean (*UiTestCondition) (gpointer data);

static gboolean
ui_test_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static inline gboolean
ui_test_wait_for (UiTestCondition condition,
                  gpointer        data,
                  guint           timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, ui_test_timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);

  return condition (data);
}

/* Called before gtk_test_init(). GTK's GL renderer on Xvfb runs Mesa's llvmpipe, whose
 * JIT registers unwind tables for its code; under ASan with fast_unwind_on_malloc=0 (as
 * build-aux/run-tests.sh sets it), a malloc inside libgcc's unwinder then unwinds again
 * and deadlocks on libgcc's own lock. The cairo renderer draws the same widgets with no
 * JIT; the tests look at widget state, not pixels. */
static inline void
ui_test_init_environment (void)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
}

/* A fixture of tests/fixtures/ui (FRAG_TEST_DATA is set by tests/meson.build). */
static inline GFile *
ui_test_fixture (const char *name)
{
  const char *root = g_getenv ("FRAG_TEST_DATA");

  g_assert_nonnull (root);
  return g_file_new_build_filename (root, "ui", name, NULL);
}

G_END_DECLS
