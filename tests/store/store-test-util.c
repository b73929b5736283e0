/* store-test-util.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "store-test-util.h"

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

GAsyncResult *
store_test_wait (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, timed_out_cb, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
  return *slot;
}

void
store_test_result_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

FragHistoryStore *
store_test_open (const char  *path,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  frag_history_store_new_async (path, NULL, store_test_result_cb, &result);
  return frag_history_store_new_finish (store_test_wait (&result), error);
}

void
store_test_close (FragHistoryStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  frag_history_store_close_async (store, NULL, store_test_result_cb, &result);
  g_assert_true (frag_history_store_close_finish (store, store_test_wait (&result), &error));
  g_assert_no_error (error);
}

void
store_test_flush (FragHistoryStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  frag_history_store_flush_async (store, NULL, store_test_result_cb, &result);
  g_assert_true (frag_history_store_flush_finish (store, store_test_wait (&result), &error));
  g_assert_no_error (error);
}

void
store_test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

char *
store_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("frag-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
store_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          store_test_rm_rf (child);
        }
    }
  g_remove (path);
}
