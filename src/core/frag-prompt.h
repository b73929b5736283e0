/* frag-prompt.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "frag-errors.h"
#include "frag-template-catalog.h"

G_BEGIN_DECLS

/* The template choice that offers the model every template of the catalog. */
#define FRAG_PROMPT_TEMPLATE_AUTO "auto"

/* E2B Fragments' system prompt (lib/prompt.ts): the fixed instructions, then one line per
 * offered template with its instructions, file, installed libraries and port. template_id
 * is a catalog id, or NULL / FRAG_PROMPT_TEMPLATE_AUTO for all templates. An unknown id
 * is FRAG_FRAGMENT_ERROR_UNKNOWN_TEMPLATE. */
char               *frag_prompt_build_system              (FragTemplateCatalog  *catalog,
                                                           const char           *template_id,
                                                           GError              **error);
/* One template's line, without its "N. " number. */
char               *frag_prompt_describe_template         (FragTemplate         *template);
/* The fragment's JSON Schema (specs/llm-protocols.md §1): the ten fields of E2B
 * Fragments' schema with their descriptions, all required, additionalProperties false,
 * port typed ["number","null"]. Providers derive their variants from it. A new node.
 * (The multi-file `files` extension is deliberately not in it: strict structured output
 * would then either force it or reject it.) */
JsonNode           *frag_prompt_dup_fragment_schema       (void);
/* The ten field names in schema order, NULL-terminated (static). */
const char * const *frag_prompt_get_schema_field_order    (void);

G_END_DECLS
