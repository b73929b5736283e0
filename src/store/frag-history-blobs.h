/* frag-history-blobs.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-history-db-private.h"

G_BEGIN_DECLS

/* Large binary content (image attachments, PNG/JPEG results) is stored once in the
 * blobs table, keyed by its SHA-256: a chart re-rendered identically on every run, or
 * the same screenshot attached twice, costs one copy. Runs inside the caller's
 * transaction. */

/* The id of the blob holding data (inserted if new). */
gint64    _frag_history_blobs_put            (FragHistoryDb  *db,
                                              const char     *mime_type,
                                              GBytes         *data,
                                              GError        **error);
/* The blob's bytes and MIME type (which may be NULL), or NULL with an error. */
GBytes   *_frag_history_blobs_get            (FragHistoryDb  *db,
                                              gint64          blob_id,
                                              char          **mime_type,
                                              GError        **error);
/* Execution result JSON with every base64 "png"/"jpeg" of results[] moved into blobs
 * and replaced by {"blob": "<sha256>"}. Appends the blob ids it references to blob_ids.
 * A value that is not canonical base64 stays inline, so inflating gives back exactly
 * the text that came in. Input that is not a JSON object is returned unchanged. */
char     *_frag_history_blobs_deflate_result (FragHistoryDb  *db,
                                              const char     *result_json,
                                              GArray         *blob_ids,
                                              GError        **error);
/* The reverse: blob references back to base64 strings. */
char     *_frag_history_blobs_inflate_result (FragHistoryDb  *db,
                                              const char     *stored_json,
                                              GError        **error);
/* Deletes blobs that no attachment or result references any more. */
gboolean  _frag_history_blobs_collect        (FragHistoryDb  *db,
                                              GError        **error);

G_END_DECLS
