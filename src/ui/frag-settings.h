/* frag-settings.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* The schema id stays the same in the development profile (whose application id ends in
 * .Devel), so both builds share one schema file and one set of keys. */
#define FRAG_SETTINGS_SCHEMA_ID          "io.github.fragmentstudio.FragmentStudio"

/* Keys of data/io.github.fragmentstudio.FragmentStudio.gschema.xml. */
#define FRAG_SETTINGS_WINDOW_WIDTH       "window-width"
#define FRAG_SETTINGS_WINDOW_HEIGHT      "window-height"
#define FRAG_SETTINGS_WINDOW_MAXIMIZED   "window-maximized"
#define FRAG_SETTINGS_STYLE_VARIANT      "style-variant"
#define FRAG_SETTINGS_LAST_MODEL         "last-model"
#define FRAG_SETTINGS_LAST_TEMPLATE      "last-template"
#define FRAG_SETTINGS_SANDBOX_BACKEND    "sandbox-backend"
#define FRAG_SETTINGS_LAST_FOLDER        "last-folder"
#define FRAG_SETTINGS_SHOW_HISTORY       "show-history"
