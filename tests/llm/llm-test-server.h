/* llm-test-server.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A loopback HTTP server for the provider tests: it records each request it gets and
 * answers with a scripted reply, streamed in chunks on separate main-loop turns, then
 * ends it cleanly, drops the connection, or leaves it hanging. It runs on the test's
 * thread-default main context, as the client does. */

typedef enum
{
  LLM_TEST_END_COMPLETE,  /* the body ends normally */
  LLM_TEST_END_DROP,      /* the socket is shut down after the last chunk */
  LLM_TEST_END_HANG,      /* the body never ends */
} LlmTestEnding;

typedef struct _LlmTestServer LlmTestServer;

LlmTestServer      *llm_test_server_new                 (void);
void                llm_test_server_free                (LlmTestServer *self);
/* http://127.0.0.1:PORT followed by path (which may be ""). */
char               *llm_test_server_get_url             (LlmTestServer *self,
                                                         const char    *path);
void                llm_test_server_set_reply           (LlmTestServer *self,
                                                         guint          status,
                                                         const char    *content_type,
                                                         const char    *body,
                                                         gssize         length);
void                llm_test_server_add_reply_header    (LlmTestServer *self,
                                                         const char    *name,
                                                         const char    *value);
/* The body goes out in pieces of this many bytes, one per main-loop turn (0: whole). */
void                llm_test_server_set_chunk_size      (LlmTestServer *self,
                                                         gsize          chunk_size);
void                llm_test_server_set_ending          (LlmTestServer *self,
                                                         LlmTestEnding  ending);

guint               llm_test_server_get_n_requests      (LlmTestServer *self);
/* The last request. */
const char         *llm_test_server_get_method          (LlmTestServer *self);
const char         *llm_test_server_get_path            (LlmTestServer *self);
const char         *llm_test_server_get_query           (LlmTestServer *self);
const char         *llm_test_server_get_header          (LlmTestServer *self,
                                                         const char    *name);
const char         *llm_test_server_get_body            (LlmTestServer *self);
/* The body parsed as JSON (asserted to be), borrowed. */
JsonNode           *llm_test_server_get_json            (LlmTestServer *self);
/* TRUE once the server saw the client go away (or finished the reply). */
gboolean            llm_test_server_reply_finished      (LlmTestServer *self);
/* Runs the main context until the reply finished (the client went away, for a hanging
 * one), failing the test after timeout_ms. */
void                llm_test_server_wait_reply_finished (LlmTestServer *self,
                                                         guint          timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LlmTestServer, llm_test_server_free)

/* g_test_init() with isolated directories, plus GIO's dummy proxy resolver: a system
 * proxy (or GNOME's resolver reading GSettings schemas the isolated dirs hide) must
 * not stand between the client and the loopback server. Children (the frag CLI)
 * inherit it. */
void                llm_test_init                       (int           *argc,
                                                         char        ***argv);

/* Reads tests/fixtures/llm/NAME (asserted to exist). */
char               *llm_test_read_fixture               (const char    *name,
                                                         gsize         *length);
/* Runs the thread-default main context until *flag is TRUE, failing the test after
 * timeout_ms. */
void                llm_test_wait_for                   (gboolean      *flag,
                                                         guint          timeout_ms);

G_END_DECLS
