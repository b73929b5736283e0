/* frag-llm-json.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "frag-llm-request.h"

G_BEGIN_DECLS

/* Small helpers shared by the provider clients: reading loosely typed JSON from servers
 * that each have their own idea of optional fields, and the request pieces every wire
 * format needs. */

/* Members of the wrong type read as absent: compatible servers send null, numbers as
 * strings, and so on, and a stray type must not crash a stream. */
const char *frag_llm_json_get_string (JsonObject  *object,
                                      const char  *member);
JsonObject *frag_llm_json_get_object (JsonObject  *object,
                                      const char  *member);
JsonArray  *frag_llm_json_get_array  (JsonObject  *object,
                                      const char  *member);
/* An integer member (or a whole number written as a double), else fallback. */
gint64      frag_llm_json_get_int    (JsonObject  *object,
                                      const char  *member,
                                      gint64       fallback);
/* Parses one JSON document; NULL when it is not JSON. */
JsonNode   *frag_llm_json_parse      (JsonParser  *parser,
                                      const char  *data,
                                      gsize        length);

/* The request's system prompt followed by the schema as text and an instruction to
 * follow it, as the AI SDK does for providers that cannot take the schema natively
 * (json_object mode, Ollama). The plain system prompt when there is no schema. */
char       *frag_llm_system_prompt_with_schema (FragLlmRequest *request);
/* base64 of an image part's bytes. */
char       *frag_llm_base64                     (GBytes         *bytes);
/* base + path with exactly one '/' between them (base URLs come with or without a
 * trailing slash). */
char       *frag_llm_join_url                   (const char     *base,
                                                 const char     *path);
/* Serialises a builder's root compactly. */
char       *frag_llm_json_builder_to_string     (JsonBuilder    *builder,
                                                 gsize          *length);
/* Adds "member": value for a set request parameter (as an integer when integral is
 * TRUE). Returns whether the parameter was set. */
gboolean    frag_llm_json_add_param             (JsonBuilder    *builder,
                                                 FragLlmRequest *request,
                                                 FragLlmParam    param,
                                                 const char     *member,
                                                 gboolean        integral);

G_END_DECLS
