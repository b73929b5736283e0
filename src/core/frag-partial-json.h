/* frag-partial-json.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "frag-errors.h"

G_BEGIN_DECLS

/* An incremental parser for the one JSON object a model streams. Feed it bytes as they
 * arrive, split anywhere (inside a UTF-8 character, an escape such as \u00e9 or a
 * surrogate pair, a number, a literal); at any moment it tells which top-level fields
 * are complete and the growing decoded text of the string field being written. It keeps
 * its state between chunks and never re-reads what it has seen: the total cost over a
 * stream is linear in its length.
 *
 * Model sloppiness is accepted: prose or a ```json fence before the object (the first
 * '{' starts it), and any trailing text after its closing brace (ignored). Inside the
 * object the grammar is strict JSON: no trailing commas, comments, single quotes, raw
 * control characters or invalid UTF-8 in strings. Lone surrogate escapes and \u0000
 * decode to U+FFFD, so every string is valid, NUL-free UTF-8.
 */
typedef struct _FragPartialJson FragPartialJson;

FragPartialJson *frag_partial_json_new                (void);
void             frag_partial_json_free               (FragPartialJson  *self);
void             frag_partial_json_reset              (FragPartialJson  *self);

/* Returns FALSE and sets FRAG_PARTIAL_JSON_ERROR_SYNTAX (or _TOO_DEEP) on invalid input;
 * after an error, further feeds fail with the same error. */
gboolean         frag_partial_json_feed               (FragPartialJson  *self,
                                                       const char       *data,
                                                       gsize             length,
                                                       GError          **error);
/* End of input: FALSE with _NO_OBJECT or _INCOMPLETE unless the object is complete. */
gboolean         frag_partial_json_finish             (FragPartialJson  *self,
                                                       GError          **error);
/* TRUE once the top-level object's closing brace was read. */
gboolean         frag_partial_json_is_complete        (FragPartialJson  *self);
/* Bumped whenever anything observable changed (a field appeared, completed or grew), so a
 * consumer throttled to the frame clock can tell whether to redraw. */
guint64          frag_partial_json_get_serial         (FragPartialJson  *self);

/* Bytes of input taken so far: everything fed, until the object is complete; then the
 * offset just past its closing brace (what follows is trailing text, ignored). */
guint64          frag_partial_json_get_bytes_consumed (FragPartialJson  *self);
/* Where the object lies in the input fed so far: the offset of its opening brace and the
 * bytes consumed (one past the closing brace once complete). FALSE before the '{'. */
gboolean         frag_partial_json_get_object_range   (FragPartialJson  *self,
                                                       guint64          *start,
                                                       guint64          *end);

/* Top-level fields in the order they appeared (a field being written included: a field
 * appears when its value starts). A repeated key keeps its first place and takes the
 * last value, as in json-glib. */
guint            frag_partial_json_get_n_fields       (FragPartialJson  *self);
const char      *frag_partial_json_get_field_name     (FragPartialJson  *self,
                                                       guint             index);
gboolean         frag_partial_json_has_field          (FragPartialJson  *self,
                                                       const char       *name);
gboolean         frag_partial_json_field_is_complete  (FragPartialJson  *self,
                                                       const char       *name);
/* The key whose value is being read now, or NULL between fields. */
const char      *frag_partial_json_get_current_field  (FragPartialJson  *self);
/* A top-level string field's decoded text so far (valid UTF-8, NUL-terminated; a
 * character or escape split across chunks appears once it is whole). NULL when the
 * field is absent or not a string. Borrowed; valid until the next feed. */
const char      *frag_partial_json_get_string         (FragPartialJson  *self,
                                                       const char       *name,
                                                       gsize            *length);
/* A top-level field's value once it is complete (any JSON type), else NULL. Borrowed. */
JsonNode        *frag_partial_json_get_node           (FragPartialJson  *self,
                                                       const char       *name);
/* The object as it stands: complete fields as they are, the field being written with its
 * partial value (a string's prefix, an array's or object's complete elements and its open
 * containers as read so far). A number or literal still being read is left out. A new node; its cost
 * is proportional to the object's size, so call it at frame rate, not per chunk. */
JsonNode        *frag_partial_json_dup_object         (FragPartialJson  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragPartialJson, frag_partial_json_free)

G_END_DECLS
