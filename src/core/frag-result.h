/* frag-result.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One rich output of a run: a display output or the value of the cell's last expression
 * (is_main_result). Each MIME field is NULL when absent. png and jpeg are base64 strings,
 * json is any JSON value (E2B sends an object). Plain struct, all fields owned. */
typedef struct _FragResultItem
{
  char     *text;
  char     *html;
  char     *markdown;
  char     *svg;
  char     *png;
  char     *jpeg;
  char     *latex;
  JsonNode *json;
  gboolean  is_main_result;
} FragResultItem;

#define FRAG_TYPE_RESULT_ITEM (frag_result_item_get_type ())

GType           frag_result_item_get_type         (void) G_GNUC_CONST;
FragResultItem *frag_result_item_new              (void);
FragResultItem *frag_result_item_copy             (const FragResultItem *item);
void            frag_result_item_free             (FragResultItem       *item);
/* Reads the MIME fields it knows from an object (E2B's result line, our runner's JSON);
 * unknown keys (extra, chart, data, pdf...) are ignored. Wrongly typed fields are
 * skipped rather than failing: a result is output to show, not input to trust. */
FragResultItem *frag_result_item_new_from_object  (JsonObject           *object);
JsonNode       *frag_result_item_to_json_node     (const FragResultItem *item);
/* TRUE when no MIME field is set (such an item is not worth keeping). */
gboolean        frag_result_item_is_empty         (const FragResultItem *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragResultItem, frag_result_item_free)

#define FRAG_RESULT_BACKEND_E2B   "e2b"
#define FRAG_RESULT_BACKEND_LOCAL "local"

/* The execution result of DESIGN.md ("Execution result JSON"):
 *
 *   {"template", "sandbox_id", "backend": "e2b"|"local", "stdout": [..], "stderr": [..],
 *    "error": {"name","value","traceback"}|null, "results": [{..., "is_main_result"}],
 *    "url": string|null, "exit_code": int|null}
 *
 * stdout and stderr are the chunks as they arrived (E2B sends chunks, not lines). */
#define FRAG_TYPE_RESULT (frag_result_get_type ())

G_DECLARE_FINAL_TYPE (FragResult, frag_result, FRAG, RESULT, GObject)

FragResult         *frag_result_new                (const char     *template_id,
                                                    const char     *sandbox_id,
                                                    const char     *backend);
/* Checks the contract's types: FRAG_SANDBOX_ERROR_FAILED when the node is not an object
 * or a field has the wrong JSON type. Missing fields take their empty value. */
FragResult         *frag_result_new_from_json_node (JsonNode       *node,
                                                    GError        **error);
FragResult         *frag_result_new_from_data      (const char     *data,
                                                    gssize          length,
                                                    GError        **error);
/* All nine fields, always, in the contract's order (null where unset). */
JsonNode           *frag_result_to_json_node       (FragResult     *self);
char               *frag_result_to_json            (FragResult     *self,
                                                    gboolean        pretty);

const char         *frag_result_get_template_id    (FragResult     *self);
void                frag_result_set_template_id    (FragResult     *self,
                                                    const char     *template_id);
const char         *frag_result_get_sandbox_id     (FragResult     *self);
void                frag_result_set_sandbox_id     (FragResult     *self,
                                                    const char     *sandbox_id);
const char         *frag_result_get_backend        (FragResult     *self);
void                frag_result_set_backend        (FragResult     *self,
                                                    const char     *backend);

/* NULL-terminated, never NULL. */
const char * const *frag_result_get_stdout         (FragResult     *self);
const char * const *frag_result_get_stderr         (FragResult     *self);
void                frag_result_append_stdout      (FragResult     *self,
                                                    const char     *chunk);
void                frag_result_append_stderr      (FragResult     *self,
                                                    const char     *chunk);
/* All stdout (or stderr) chunks joined; a convenience for display and tests. */
char               *frag_result_dup_stdout_text    (FragResult     *self);
char               *frag_result_dup_stderr_text    (FragResult     *self);

gboolean            frag_result_has_error          (FragResult     *self);
/* name and value are required; traceback may be NULL (stored as ""). */
void                frag_result_set_error          (FragResult     *self,
                                                    const char     *name,
                                                    const char     *value,
                                                    const char     *traceback);
void                frag_result_clear_error        (FragResult     *self);
const char         *frag_result_get_error_name     (FragResult     *self);
const char         *frag_result_get_error_value    (FragResult     *self);
const char         *frag_result_get_error_traceback (FragResult    *self);

/* Element type FragResultItem, borrowed, never NULL. */
GPtrArray          *frag_result_get_items          (FragResult     *self);
/* Takes ownership of item. */
void                frag_result_take_item          (FragResult     *self,
                                                    FragResultItem *item);

const char         *frag_result_get_url            (FragResult     *self);
void                frag_result_set_url            (FragResult     *self,
                                                    const char     *url);

gboolean            frag_result_has_exit_code      (FragResult     *self);
int                 frag_result_get_exit_code      (FragResult     *self);
void                frag_result_set_exit_code      (FragResult     *self,
                                                    int             exit_code);
void                frag_result_clear_exit_code    (FragResult     *self);

/* The run happened but the code failed: an error, or a non-zero exit code. */
gboolean            frag_result_failed             (FragResult     *self);

G_END_DECLS
