/* store-test-util.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-history-store.h"

G_BEGIN_DECLS

/* Waits for an async result on the default main context, failing the test after
 * 20 seconds instead of hanging. */
GAsyncResult      *store_test_wait            (GAsyncResult     **slot);
/* A GAsyncReadyCallback that stores a reference on the result into *user_data. */
void               store_test_result_cb       (GObject           *object,
                                               GAsyncResult      *result,
                                               gpointer           user_data);
FragHistoryStore  *store_test_open            (const char        *path,
                                               GError           **error);
void               store_test_close           (FragHistoryStore  *store);
void               store_test_flush           (FragHistoryStore  *store);
/* Iterates the main context for ms milliseconds (for timer-driven behaviour). */
void               store_test_run_for         (guint              ms);
/* A temporary directory for the test, removed by the caller with store_test_rm_rf. */
char              *store_test_make_dir        (void);
void               store_test_rm_rf           (const char        *path);

G_END_DECLS
