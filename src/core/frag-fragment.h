/* frag-fragment.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "frag-errors.h"

G_BEGIN_DECLS

/* One file of a fragment. A fragment has either the classic single file_path + code of
 * E2B Fragments' schema, or (our extension) a non-empty `files` array that wins over them.
 */
typedef struct _FragFragmentFile
{
  char *file_path;
  char *code;
} FragFragmentFile;

#define FRAG_TYPE_FRAGMENT_FILE (frag_fragment_file_get_type ())

GType             frag_fragment_file_get_type (void) G_GNUC_CONST;
FragFragmentFile *frag_fragment_file_new      (const char             *file_path,
                                               const char             *code);
FragFragmentFile *frag_fragment_file_copy     (const FragFragmentFile *file);
void              frag_fragment_file_free     (FragFragmentFile       *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragFragmentFile, frag_fragment_file_free)

#define FRAG_TYPE_FRAGMENT (frag_fragment_get_type ())

G_DECLARE_FINAL_TYPE (FragFragment, frag_fragment, FRAG, FRAGMENT, GObject)

/* Port value meaning JSON null (no port exposed). */
#define FRAG_FRAGMENT_NO_PORT (-1)

FragFragment       *frag_fragment_new                              (void);
/* Reads the object's fields, checking only JSON types (FRAG_FRAGMENT_ERROR_WRONG_TYPE,
 * _INVALID_JSON). Missing fields stay unset; frag_fragment_validate() reports them.
 * Unknown fields are ignored. */
FragFragment       *frag_fragment_new_from_json_node               (JsonNode      *node,
                                                                    GError       **error);
FragFragment       *frag_fragment_new_from_data                    (const char    *data,
                                                                    gssize         length,
                                                                    GError       **error);
FragFragment       *frag_fragment_copy                             (FragFragment  *self);
/* Same fields, same values (and the same fields unset). */
gboolean            frag_fragment_equal                            (FragFragment  *a,
                                                                    FragFragment  *b);
/* The fragment JSON of DESIGN.md: all ten fields in schema order (port as number or
 * null), plus `files` when the fragment has them. */
JsonNode           *frag_fragment_to_json_node                     (FragFragment  *self);
char               *frag_fragment_to_json                          (FragFragment  *self,
                                                                    gboolean       pretty);
/* Complete and runnable? Missing required field, empty code, a path that escapes the
 * work dir (absolute, "..", backslashes, NUL) and, when known_templates is given, a
 * template id that is not in it. */
gboolean            frag_fragment_validate                         (FragFragment  *self,
                                                                    const char * const *known_templates,
                                                                    GError       **error);
/* Whether a relative path stays inside the work dir ("a/b.py" yes; "../x", "/etc/x",
 * "a/../../x", "" no). Used by the sandbox backends before writing any file. */
gboolean            frag_fragment_path_is_safe                     (const char    *path);

const char         *frag_fragment_get_commentary                   (FragFragment  *self);
void                frag_fragment_set_commentary                   (FragFragment  *self,
                                                                    const char    *commentary);
const char         *frag_fragment_get_template                     (FragFragment  *self);
void                frag_fragment_set_template                     (FragFragment  *self,
                                                                    const char    *template_id);
const char         *frag_fragment_get_title                        (FragFragment  *self);
void                frag_fragment_set_title                        (FragFragment  *self,
                                                                    const char    *title);
const char         *frag_fragment_get_description                  (FragFragment  *self);
void                frag_fragment_set_description                  (FragFragment  *self,
                                                                    const char    *description);
const char * const *frag_fragment_get_additional_dependencies      (FragFragment  *self);
void                frag_fragment_set_additional_dependencies      (FragFragment  *self,
                                                                    const char * const *deps);
gboolean            frag_fragment_get_has_additional_dependencies  (FragFragment  *self);
void                frag_fragment_set_has_additional_dependencies  (FragFragment  *self,
                                                                    gboolean       has_deps);
const char         *frag_fragment_get_install_dependencies_command (FragFragment  *self);
void                frag_fragment_set_install_dependencies_command (FragFragment  *self,
                                                                    const char    *command);
/* FRAG_FRAGMENT_NO_PORT when the port is null or unset. */
int                 frag_fragment_get_port                         (FragFragment  *self);
void                frag_fragment_set_port                         (FragFragment  *self,
                                                                    int            port);
const char         *frag_fragment_get_file_path                    (FragFragment  *self);
void                frag_fragment_set_file_path                    (FragFragment  *self,
                                                                    const char    *file_path);
const char         *frag_fragment_get_code                         (FragFragment  *self);
void                frag_fragment_set_code                         (FragFragment  *self,
                                                                    const char    *code);
/* The files to write, never NULL: the `files` extension when set, otherwise one entry
 * made of file_path + code (empty when those are unset). Borrowed, element type
 * FragFragmentFile. */
GPtrArray          *frag_fragment_get_files                        (FragFragment  *self);
/* Sets the multi-file extension (NULL or empty clears it). Takes a copy. */
void                frag_fragment_set_files                        (FragFragment  *self,
                                                                    GPtrArray     *files);
/* TRUE when the fragment carries the multi-file `files` extension. */
gboolean            frag_fragment_has_files                        (FragFragment  *self);

G_END_DECLS
