/* frag-fragment-private.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-fragment.h"

G_BEGIN_DECLS

/* The instance struct, shared by the class's split files: frag-fragment.c (the object and
 * its properties), frag-fragment-json.c (JSON in and out), frag-fragment-validate.c. */

/* Field names, in the order of E2B Fragments' schema (lib/schema.ts). to_json writes them
 * in this order so a serialized fragment reads like what the model streamed. */
#define FIELD_COMMENTARY                   "commentary"
#define FIELD_TEMPLATE                     "template"
#define FIELD_TITLE                        "title"
#define FIELD_DESCRIPTION                  "description"
#define FIELD_ADDITIONAL_DEPENDENCIES      "additional_dependencies"
#define FIELD_HAS_ADDITIONAL_DEPENDENCIES  "has_additional_dependencies"
#define FIELD_INSTALL_DEPENDENCIES_COMMAND "install_dependencies_command"
#define FIELD_PORT                         "port"
#define FIELD_FILE_PATH                    "file_path"
#define FIELD_CODE                         "code"
#define FIELD_FILES                        "files"

struct _FragFragment
{
  GObject     parent_instance;

  /* Owned. A NULL string or array means the field is unset (missing from the JSON). */
  char       *commentary;
  char       *template_id;
  char       *title;
  char       *description;
  GStrv       additional_dependencies;
  char       *install_dependencies_command;
  char       *file_path;
  char       *code;
  /* The multi-file extension: NULL unless set, never empty. */
  GPtrArray  *files;
  /* What get_files() hands out when there is no extension: one entry built from
   * file_path + code, rebuilt lazily after either changes. */
  GPtrArray  *single_file;

  int         port;
  guint       has_additional_dependencies : 1;
  /* Scalars cannot be NULL, so their presence is tracked apart. */
  guint       has_additional_dependencies_set : 1;
  guint       port_set : 1;
};

G_END_DECLS
