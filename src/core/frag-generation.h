/* frag-generation.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "frag-fragment.h"
#include "frag-partial-json.h"

G_BEGIN_DECLS

/* The observable state of one streaming generation. A FragProvider writes into it as
 * bytes arrive (the model's text or tool-argument deltas, usage, the finish reason); the
 * pipeline and the UI watch it: "changed" fires when the partial fragment grew, the
 * properties notify as the counters move. Everything happens on the thread that runs
 * the provider's main context.
 *
 * The model's output goes straight into an incremental FragPartialJson, so the cost of
 * the whole stream is linear in its length; the raw text is kept too, so a bad answer
 * can be shown as it came.
 */

#define FRAG_TYPE_GENERATION (frag_generation_get_type ())

G_DECLARE_FINAL_TYPE (FragGeneration, frag_generation, FRAG, GENERATION, GObject)

/* Unknown token counts and no retry delay read as this. */
#define FRAG_GENERATION_UNKNOWN (-1)

FragGeneration  *frag_generation_new                  (void);

/* Reading. */
FragPartialJson *frag_generation_get_partial          (FragGeneration  *self);
const char      *frag_generation_get_raw_text         (FragGeneration  *self,
                                                       gsize           *length);
guint64          frag_generation_get_bytes_received   (FragGeneration  *self);
/* Number of output deltas received (roughly the tokens streamed so far). */
guint64          frag_generation_get_n_deltas         (FragGeneration  *self);
gint64           frag_generation_get_input_tokens     (FragGeneration  *self);
gint64           frag_generation_get_output_tokens    (FragGeneration  *self);
/* The provider's own finish reason ("stop", "length", "tool_use", "STOP"…), or NULL. */
const char      *frag_generation_get_finish_reason    (FragGeneration  *self);
/* What the model said instead of answering (OpenAI's refusal), or NULL. */
const char      *frag_generation_get_refusal          (FragGeneration  *self);
/* Seconds to wait before retrying after a rate limit, or FRAG_GENERATION_UNKNOWN. */
double           frag_generation_get_retry_after      (FragGeneration  *self);
/* The finished output as a validated fragment. FRAG_PROVIDER_ERROR_BAD_OUTPUT when the
 * text is not a complete JSON object, lacks a field, or (when known_templates is not
 * NULL) names another template; the raw text stays available for the UI to show. */
FragFragment    *frag_generation_dup_fragment         (FragGeneration      *self,
                                                       const char * const  *known_templates,
                                                       GError             **error);

/* Writing: for FragProvider implementations. */
void             frag_generation_append_output        (FragGeneration  *self,
                                                       const char      *text,
                                                       gsize            length);
void             frag_generation_add_bytes_received   (FragGeneration  *self,
                                                       gsize            n_bytes);
/* A negative count leaves that figure as it was. */
void             frag_generation_set_usage            (FragGeneration  *self,
                                                       gint64           input_tokens,
                                                       gint64           output_tokens);
void             frag_generation_set_finish_reason    (FragGeneration  *self,
                                                       const char      *finish_reason);
void             frag_generation_append_refusal       (FragGeneration  *self,
                                                       const char      *text);
void             frag_generation_set_retry_after      (FragGeneration  *self,
                                                       double           seconds);

G_END_DECLS
