/* pipeline-fakes.h: a scripted FragProvider and FragSandbox for the pipeline tests.
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-provider.h"
#include "frag-sandbox.h"

G_BEGIN_DECLS

/* Both fakes write what happens to one shared log ("provider:last-chunk",
 * "sandbox:ensure code-interpreter-v1 create", ...), so tests assert the ORDER of
 * events, never timings. */
typedef struct _EventLog EventLog;

EventLog   *event_log_new            (void);
void        event_log_free           (EventLog   *log);
void        event_log_add            (EventLog   *log,
                                      const char *format,
                                      ...) G_GNUC_PRINTF (2, 3);
guint       event_log_get_length     (EventLog   *log);
const char *event_log_get            (EventLog   *log,
                                      guint       index);
/* Index of the first event starting with prefix, or -1. */
int         event_log_find           (EventLog   *log,
                                      const char *prefix);
guint       event_log_count          (EventLog   *log,
                                      const char *prefix);
/* The whole log, one event a line (for failure messages). */
char       *event_log_dump           (EventLog   *log);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EventLog, event_log_free)

/* ---- the provider ---- */

typedef enum
{
  FAKE_END_COMPLETE,      /* the stream ends normally */
  FAKE_END_DROP,          /* FRAG_PROVIDER_ERROR_NETWORK after the last chunk */
  FAKE_END_HANG,          /* never ends; only a cancel does */
} FakeEnding;

#define FAKE_TYPE_PROVIDER (fake_provider_get_type ())
G_DECLARE_FINAL_TYPE (FakeProvider, fake_provider, FAKE, PROVIDER, GObject)

FakeProvider   *fake_provider_new               (EventLog     *log);
/* The next request fails at once, before any byte, with this provider error (and this
 * Retry-After in seconds, or negative). Queued: each call scripts one more request. */
void            fake_provider_queue_failure     (FakeProvider *self,
                                                 int           code,
                                                 const char   *message,
                                                 double        retry_after);
/* The next request streams text in n_chunks pieces, one every interval_ms. */
void            fake_provider_queue_stream      (FakeProvider *self,
                                                 const char   *text,
                                                 guint         n_chunks,
                                                 guint         interval_ms,
                                                 FakeEnding    ending);
guint           fake_provider_get_n_requests    (FakeProvider *self);
/* The last request (borrowed). */
FragLlmRequest *fake_provider_get_last_request  (FakeProvider *self);
/* All text parts of the last request's turns, joined. */
char           *fake_provider_dup_request_text  (FakeProvider *self);

/* ---- the sandbox ---- */

#define FAKE_TYPE_SANDBOX (fake_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (FakeSandbox, fake_sandbox, FAKE, SANDBOX, GObject)

FakeSandbox *fake_sandbox_new                (EventLog     *log);
/* Real-time cost of each operation (a timeout: the main loop keeps running). */
void         fake_sandbox_set_delays         (FakeSandbox  *self,
                                              guint         ensure_ms,
                                              guint         install_ms,
                                              guint         execute_ms);
/* The next ensure that creates a sandbox fails with this FRAG_SANDBOX_ERROR code. */
void         fake_sandbox_fail_next_create   (FakeSandbox  *self,
                                              int           code,
                                              const char   *message);
/* The next execute fails with this FRAG_SANDBOX_ERROR code (GONE also marks the
 * sandbox dead, as an expired one is). */
void         fake_sandbox_fail_next_execute  (FakeSandbox  *self,
                                              int           code,
                                              const char   *message);
/* The sandbox expires underneath: keep-alives and the next execute find it gone. Keep-alives
 * are logged as "sandbox:keep-alive ID SECONDS". */
void         fake_sandbox_expire             (FakeSandbox  *self);
/* The next execute returns a result whose code raised NAME: VALUE. */
void         fake_sandbox_raise_next_execute (FakeSandbox  *self,
                                              const char   *name,
                                              const char   *value);
/* The fragments executed, in order (element type FragFragment). */
GPtrArray   *fake_sandbox_get_executed       (FakeSandbox  *self);
guint        fake_sandbox_get_n_created      (FakeSandbox  *self);

G_END_DECLS
