/* sandbox-test-util.h: helpers shared by the sandbox suite's tests.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "frag-fragment.h"
#include "frag-sandbox.h"
#include "frag-template-catalog.h"

/* Iterates the default main context until *done is set, failing the test after
 * timeout_seconds (a hung backend must fail, not stall the suite). */
static gboolean
test_timeout_cb (gpointer user_data)
{
  g_error ("timed out waiting for an async result");
  return G_SOURCE_REMOVE;
}

static inline void
test_wait_for (gboolean *done,
               guint     timeout_seconds)
{
  guint id = g_timeout_add_seconds (timeout_seconds, test_timeout_cb, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

/* Iterates the main context for a while (letting callbacks run) without blocking in a
 * sleep; returns when check() holds or after timeout_ms. */
static gboolean
test_tick_cb (gpointer user_data)
{
  *(guint *)user_data = 0;
  return G_SOURCE_REMOVE;
}

static inline gboolean
test_wait_until (gboolean (*check) (gpointer),
                 gpointer   user_data,
                 guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (!check (user_data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      /* Nothing pending: wait on the context for a bit rather than spinning. */
      if (!g_main_context_pending (NULL))
        {
          guint tick = g_timeout_add (20, test_tick_cb, &tick);

          g_main_context_iteration (NULL, TRUE);
          g_clear_handle_id (&tick, g_source_remove);
        }
    }
  return TRUE;
}

typedef struct
{
  gboolean      done;
  gboolean      ok;
  FragResult   *result;
  GError       *error;
} TestCall;

static inline void
test_call_clear (TestCall *call)
{
  g_clear_object (&call->result);
  g_clear_error (&call->error);
  call->done = FALSE;
  call->ok = FALSE;
}

static void
test_ensure_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TestCall *call = user_data;

  call->ok = frag_sandbox_ensure_finish (FRAG_SANDBOX (source), result, &call->error);
  call->done = TRUE;
}

static void
test_install_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TestCall *call = user_data;

  call->ok = frag_sandbox_install_finish (FRAG_SANDBOX (source), result, &call->error);
  call->done = TRUE;
}

static void
test_execute_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TestCall *call = user_data;

  call->result = frag_sandbox_execute_finish (FRAG_SANDBOX (source), result, &call->error);
  call->ok = call->result != NULL;
  call->done = TRUE;
}

static void
test_keep_alive_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TestCall *call = user_data;

  call->ok = frag_sandbox_keep_alive_finish (FRAG_SANDBOX (source), result, &call->error);
  call->done = TRUE;
}

static void
test_kill_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TestCall *call = user_data;

  call->ok = frag_sandbox_kill_finish (FRAG_SANDBOX (source), result, &call->error);
  call->done = TRUE;
}

static inline gboolean
test_ensure (FragSandbox  *sandbox,
             FragTemplate *template_,
             GError      **error)
{
  TestCall call = { 0 };

  frag_sandbox_ensure_async (sandbox, template_, NULL, test_ensure_cb, &call);
  test_wait_for (&call.done, 60);
  if (call.error != NULL)
    g_propagate_error (error, g_steal_pointer (&call.error));
  return call.ok;
}

static inline gboolean
test_install (FragSandbox  *sandbox,
              const char   *command,
              GError      **error)
{
  TestCall call = { 0 };

  frag_sandbox_install_async (sandbox, command, NULL, test_install_cb, &call);
  test_wait_for (&call.done, 120);
  if (call.error != NULL)
    g_propagate_error (error, g_steal_pointer (&call.error));
  return call.ok;
}

static inline FragResult *
test_execute (FragSandbox   *sandbox,
              FragFragment  *fragment,
              GCancellable  *cancellable,
              GError       **error)
{
  TestCall call = { 0 };

  frag_sandbox_execute_async (sandbox, fragment, cancellable, test_execute_cb, &call);
  test_wait_for (&call.done, 180);
  if (call.error != NULL)
    g_propagate_error (error, g_steal_pointer (&call.error));
  return call.result;
}

static inline gboolean
test_keep_alive (FragSandbox  *sandbox,
                 guint         seconds,
                 GError      **error)
{
  TestCall call = { 0 };

  frag_sandbox_keep_alive_async (sandbox, seconds, NULL, test_keep_alive_cb, &call);
  test_wait_for (&call.done, 60);
  if (call.error != NULL)
    g_propagate_error (error, g_steal_pointer (&call.error));
  return call.ok;
}

static inline gboolean
test_kill (FragSandbox  *sandbox,
           GError      **error)
{
  TestCall call = { 0 };

  frag_sandbox_kill_async (sandbox, NULL, test_kill_cb, &call);
  test_wait_for (&call.done, 60);
  if (call.error != NULL)
    g_propagate_error (error, g_steal_pointer (&call.error));
  return call.ok;
}

static inline FragFragment *
test_fragment_new (const char *template_id,
                   const char *file_path,
                   const char *code)
{
  FragFragment *fragment = frag_fragment_new ();

  frag_fragment_set_template (fragment, template_id);
  frag_fragment_set_title (fragment, "test");
  frag_fragment_set_file_path (fragment, file_path);
  frag_fragment_set_code (fragment, code);
  return fragment;
}

/* A built-in template (resources/templates.json) by id; the catalog stays alive for the
 * test program's lifetime. */
static inline FragTemplate *
test_builtin_template (const char *id)
{
  static FragTemplateCatalog *catalog;
  FragTemplate *template_;

  if (catalog == NULL)
    catalog = frag_template_catalog_new_builtin ();
  template_ = frag_template_catalog_lookup (catalog, id);
  g_assert_nonnull (template_);
  return template_;
}

/* A template from a user-format JSON snippet, e.g.
 * {"t": {"name": "T", "kind": "web", "port": 9000, "start_cmd": "...", "file": "a"}}. */
static inline FragTemplate *
test_custom_template (const char *json,
                      const char *id)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  FragTemplateCatalog *catalog;
  FragTemplate *template_;
  int fd;

  fd = g_file_open_tmp ("frag-test-templates-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
  catalog = frag_template_catalog_new (path, &error);
  g_assert_no_error (error);
  template_ = frag_template_catalog_lookup (catalog, id);
  g_assert_nonnull (template_);
  g_object_ref (template_);
  /* The catalog may own the only other reference; keep the template alive on its own. */
  g_object_unref (catalog);
  g_unlink (path);
  return template_;
}
