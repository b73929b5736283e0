/* frag-history-schema.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include "frag-history-db-private.h"

G_BEGIN_DECLS

/* The newest schema this build knows (PRAGMA user_version). */
#define FRAG_HISTORY_SCHEMA_VERSION 2

/* FTS rows are keyed by a rowid derived from the row they index, so a checkpoint can
 * replace its message's entry without a scan: rowid = id * 4 + kind. */
typedef enum
{
  FRAG_SEARCH_SOURCE_CONVERSATION = 0,  /* the conversation's title */
  FRAG_SEARCH_SOURCE_MESSAGE      = 1,  /* a message's text */
  FRAG_SEARCH_SOURCE_VERSION      = 2,  /* a fragment version: title, description, code */
  FRAG_SEARCH_SOURCE_RESULT       = 3,  /* an execution's text output */
} FragSearchSource;

#define FRAG_SEARCH_ROWID(id, source) ((gint64)(id) * 4 + (source))
#define FRAG_SEARCH_ROWID_ID(rowid)     ((rowid) / 4)
#define FRAG_SEARCH_ROWID_SOURCE(rowid) ((FragSearchSource)((rowid) % 4))

/* Brings a database at any earlier version (0: empty) forward to target_version, one
 * migration per transaction, each setting user_version as it commits. Tests pass an
 * intermediate target to create a database as an older build left it. */
gboolean frag_history_schema_migrate     (FragHistoryDb  *db,
                                          int             target_version,
                                          GError        **error);
/* PRAGMA user_version, or -1 with error set. */
int      frag_history_schema_get_version (FragHistoryDb  *db,
                                          GError        **error);

G_END_DECLS
