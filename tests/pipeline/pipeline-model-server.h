/* pipeline-model-server.h: a loopback OpenAI-compatible model for the pipeline tests
 * and the benchmark.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pipeline-fakes.h"

G_BEGIN_DECLS

/* POST {base}/chat/completions answered in OpenAI's Chat Completions SSE format
 * (llm-protocols.md §2.4): each scripted reply is either a stream of content deltas
 * sent one every interval_ms (real time, on the main context: the client's loop keeps
 * running) or an error status with OpenAI's error body. Requests and the moment of
 * the last content delta go to the event log ("model:request", "model:last-chunk"). */
typedef struct _PipelineModelServer PipelineModelServer;

typedef void (*PipelineModelHook) (gpointer user_data);

/* log may be NULL. */
PipelineModelServer *pipeline_model_server_new            (EventLog            *log);
void                 pipeline_model_server_free           (PipelineModelServer *self);
/* http://127.0.0.1:PORT/v1: what --base-url takes. */
char                *pipeline_model_server_dup_base_url   (PipelineModelServer *self);
void                 pipeline_model_server_queue_stream   (PipelineModelServer *self,
                                                           const char          *content,
                                                           guint                n_chunks,
                                                           guint                interval_ms);
/* retry_after may be NULL. */
void                 pipeline_model_server_queue_error    (PipelineModelServer *self,
                                                           guint                status,
                                                           const char          *type,
                                                           const char          *message,
                                                           const char          *retry_after);
/* Called just before the last content delta goes out. */
void                 pipeline_model_server_set_last_hook  (PipelineModelServer *self,
                                                           PipelineModelHook    hook,
                                                           gpointer             user_data);
guint                pipeline_model_server_get_n_requests (PipelineModelServer *self);
/* The last request's JSON body (borrowed), or NULL. */
JsonNode            *pipeline_model_server_get_request    (PipelineModelServer *self);
/* The Authorization header of the last request, or NULL. */
const char          *pipeline_model_server_get_auth       (PipelineModelServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PipelineModelServer, pipeline_model_server_free)

G_END_DECLS
