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

/* Called first in main(), before anything asks GLib for a user directory: the
 * application opens its history and reads the user's catalogs at startup, before
 * G_TEST_OPTION_ISOLATE_DIRS has isolated anything, so without this a test would write
 * to the real ~/.local/share/fragment-studio. Returns the directory (remove it with
 * ui_test_remove_tree() at the end). */
static inline char *
ui_test_isolate_home (void)
{
  g_autoptr(GError) error = NULL;
  char *root = g_dir_make_tmp ("frag-ui-test-XXXXXX", &error);
  static const struct { const char *variable; const char *folder; } dirs[] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (root, dirs[i].folder, NULL);

      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (dirs[i].variable, path, TRUE);
    }
  return root;
}

static inline void
ui_test_remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL)
    {
      GFile *child = NULL;

      if (!g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) || child == NULL)
        break;
      ui_test_remove_tree (child);
    }
  g_file_delete (file, NULL, NULL);
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
