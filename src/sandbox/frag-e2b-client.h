/* frag-e2b-client.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "frag-e2b-config.h"
#include "frag-e2b-errors.h"
#include "frag-result.h"
#include "frag-sandbox.h"

G_BEGIN_DECLS

/* One created sandbox, as the create call returned it. access_token is the envd token
 * of a secure sandbox: sent as X-Access-Token, never logged. */
typedef struct
{
  char *sandbox_id;
  char *template_id;
  char *envd_version;
  char *access_token;
  char *domain;
} FragE2bSandboxInfo;

FragE2bSandboxInfo *frag_e2b_sandbox_info_copy (const FragE2bSandboxInfo *info);
void                frag_e2b_sandbox_info_free (FragE2bSandboxInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragE2bSandboxInfo, frag_e2b_sandbox_info_free)

/* One entry of the list call. */
typedef struct
{
  char       *sandbox_id;
  char       *template_id;
  char       *state;        /* "running" | "paused" */
  char       *started_at;   /* RFC 3339 */
  GHashTable *metadata;     /* string -> string */
} FragE2bListedSandbox;

void frag_e2b_listed_sandbox_free (FragE2bListedSandbox *sandbox);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragE2bListedSandbox, frag_e2b_listed_sandbox_free)

/* The metadata key and value that tag every sandbox this app creates, so the ones left
 * over by a crash can be found (and killed) at the next start. */
#define FRAG_E2B_METADATA_APP_KEY   "app"
#define FRAG_E2B_METADATA_APP_VALUE "fragment-studio"

/* The HTTP side of E2B: the control plane (X-API-Key), envd's /files, the code
 * interpreter's /execute (e2b-protocol.md §1, §4, §5). Process streams are
 * FragE2bProcess. Every request to a sandbox carries E2b-Sandbox-Id and
 * E2b-Sandbox-Port, and X-Access-Token when the sandbox is secure. Errors are
 * FRAG_SANDBOX_ERROR (frag-e2b-errors.h). */
#define FRAG_TYPE_E2B_CLIENT (frag_e2b_client_get_type ())

G_DECLARE_FINAL_TYPE (FragE2bClient, frag_e2b_client, FRAG, E2B_CLIENT, GObject)

/* session: NULL for a new one (system proxy settings apply). */
FragE2bClient       *frag_e2b_client_new                 (FragE2bConfig       *config,
                                                          const char          *api_key,
                                                          SoupSession         *session);
FragE2bConfig       *frag_e2b_client_get_config          (FragE2bClient       *self);
SoupSession         *frag_e2b_client_get_session         (FragE2bClient       *self);
/* HTTP requests sent on the session so far (the probe's included): for the benchmark. */
guint                frag_e2b_client_get_request_count   (FragE2bClient       *self);
/* The base URL of a port of a sandbox (frag_e2b_config_dup_port_url). */
char                *frag_e2b_client_dup_port_url        (FragE2bClient       *self,
                                                          const FragE2bSandboxInfo *info,
                                                          int                  port);
/* Adds E2b-Sandbox-Id / -Port, and X-Access-Token when the sandbox has one. */
void                 frag_e2b_client_add_sandbox_headers (FragE2bClient       *self,
                                                          SoupMessage         *message,
                                                          const FragE2bSandboxInfo *info,
                                                          int                  port);

/* POST /sandboxes: secure, internet access on, no auto-pause, timeout seconds,
 * metadata (may be NULL) plus the app tag. */
void                 frag_e2b_client_create_async        (FragE2bClient       *self,
                                                          const char          *template_id,
                                                          guint                timeout_seconds,
                                                          GHashTable          *metadata,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
FragE2bSandboxInfo  *frag_e2b_client_create_finish       (FragE2bClient       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* POST /sandboxes/ID/timeout. GONE when it does not exist any more. */
void                 frag_e2b_client_set_timeout_async   (FragE2bClient       *self,
                                                          const char          *sandbox_id,
                                                          guint                seconds,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             frag_e2b_client_set_timeout_finish  (FragE2bClient       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* DELETE /sandboxes/ID. One that does not exist is not an error. */
void                 frag_e2b_client_kill_async          (FragE2bClient       *self,
                                                          const char          *sandbox_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             frag_e2b_client_kill_finish         (FragE2bClient       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* GET /v2/sandboxes?metadata=app%3Dfragment-studio: the sandboxes this app created,
 * running or paused. Element type FragE2bListedSandbox. (First page, up to 100.) */
void                 frag_e2b_client_list_app_sandboxes_async  (FragE2bClient       *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GPtrArray           *frag_e2b_client_list_app_sandboxes_finish (FragE2bClient       *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
/* POST /files?path=PATH&username=user (multipart, field "file") on envd. */
void                 frag_e2b_client_upload_async        (FragE2bClient       *self,
                                                          const FragE2bSandboxInfo *info,
                                                          const char          *path,
                                                          GBytes              *content,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             frag_e2b_client_upload_finish       (FragE2bClient       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* Live output of a run, chunk by chunk, as it arrives. */
typedef void (*FragE2bOutputFunc) (FragSandboxStream  stream,
                                   const char        *text,
                                   gpointer           user_data);

/* POST /execute on the code interpreter: reads the NDJSON stream into `into` (stdout,
 * stderr, results with every MIME field, error), handing each stdout/stderr chunk to
 * output_func (may be NULL) as well. A stream that ends without end_of_execution leaves
 * an "ExecutionInterrupted" error in the result. */
void                 frag_e2b_client_execute_async       (FragE2bClient       *self,
                                                          const FragE2bSandboxInfo *info,
                                                          const char          *code,
                                                          FragResult          *into,
                                                          FragE2bOutputFunc    output_func,
                                                          gpointer             output_data,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             frag_e2b_client_execute_finish      (FragE2bClient       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
