/* frag-template-catalog.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  FRAG_TEMPLATE_KIND_INTERPRETER, /* code runs like a notebook cell; results come back */
  FRAG_TEMPLATE_KIND_WEB,         /* a server is started; its port is previewed */
} FragTemplateKind;

#define FRAG_TEMPLATE_NO_PORT (-1)

/* One entry of resources/templates.json (or the user's templates.json): E2B Fragments'
 * fields (id, name, lib, file, instructions, port) plus the run fields (kind, start_cmd,
 * e2b_template). Immutable once loaded. */
#define FRAG_TYPE_TEMPLATE (frag_template_get_type ())

G_DECLARE_FINAL_TYPE (FragTemplate, frag_template, FRAG, TEMPLATE, GObject)

const char         *frag_template_get_id           (FragTemplate *self);
const char         *frag_template_get_name         (FragTemplate *self);
const char * const *frag_template_get_lib          (FragTemplate *self);
const char         *frag_template_get_file         (FragTemplate *self);
const char         *frag_template_get_instructions (FragTemplate *self);
int                 frag_template_get_port         (FragTemplate *self);
FragTemplateKind    frag_template_get_kind         (FragTemplate *self);
/* The command that starts the web server (web templates), with $PORT standing for the
 * port, or NULL for interpreter templates. */
const char         *frag_template_get_start_cmd    (FragTemplate *self);
/* The E2B template name to create sandboxes from (defaults to the id). */
const char         *frag_template_get_e2b_template (FragTemplate *self);

/* The built-in templates merged with the user's, in file order (built-ins first; a user
 * entry with a built-in's id replaces it). A GListModel of FragTemplate. */
#define FRAG_TYPE_TEMPLATE_CATALOG (frag_template_catalog_get_type ())

G_DECLARE_FINAL_TYPE (FragTemplateCatalog, frag_template_catalog, FRAG, TEMPLATE_CATALOG, GObject)

/* Only the built-in templates (resources/templates.json). */
FragTemplateCatalog *frag_template_catalog_new_builtin (void);
/* Built-ins merged with user_file (NULL: $XDG_CONFIG_HOME/fragment-studio/templates.json).
 * A missing user file is fine. A bad one is not fatal: the built-ins are returned and
 * *user_file_error (G_IO_ERROR) says what was wrong (file, and which entry/field). The
 * file format, Fragments' object keyed by id plus our run fields, is described at the
 * top of frag-template-catalog.c. Reads the (small) file synchronously: call it at
 * startup. */
FragTemplateCatalog *frag_template_catalog_new         (const char           *user_file,
                                                        GError              **user_file_error);
FragTemplate        *frag_template_catalog_lookup      (FragTemplateCatalog  *self,
                                                        const char           *id);
/* NULL-terminated ids in catalog order; owned by the catalog. */
const char * const  *frag_template_catalog_get_ids     (FragTemplateCatalog  *self);

G_END_DECLS
