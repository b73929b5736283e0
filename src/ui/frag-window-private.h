/* frag-window-private.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-window.h"

G_BEGIN_DECLS

struct _FragWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *chat_pane;
  GtkWidget            *fragment_pane;
  AdwWindowTitle       *window_title;
  AdwViewSwitcher      *view_switcher;
  FragFragmentView     *fragment_view;

  /* Owned */
  GSettings            *settings;
  GCancellable         *open_cancellable;     /* the open in progress, if any */
  GtkFileChooserNative *file_chooser;         /* while the Open dialog is up */
};

void _frag_window_class_actions_init (FragWindowClass *klass);

G_END_DECLS
