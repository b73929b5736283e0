/* frag-core-data.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Core's own data files (resources/: templates.json, models.json) and the user's
 * overrides of them in $XDG_CONFIG_HOME/fragment-studio/. Used by the catalogs; not
 * meant for other layers. */

/* The parsed built-in file `name` (e.g. "templates.json") from core's GResource, which
 * this registers on first use. The data is compiled in, so failure is a programming
 * error: it is reported with g_critical() and NULL returned. */
JsonNode *frag_core_data_load_builtin (const char  *name);
/* $XDG_CONFIG_HOME/fragment-studio/<name>. */
char     *frag_core_data_user_path    (const char  *name);
/* Reads and parses a user file. A missing file is not an error: TRUE with *root NULL.
 * An unreadable or non-JSON file is G_IO_ERROR_INVALID_DATA (or the read error), with
 * the path in the message. */
gboolean  frag_core_data_load_user    (const char  *path,
                                       JsonNode   **root,
                                       GError     **error);

G_END_DECLS
