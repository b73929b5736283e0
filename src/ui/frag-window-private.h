/* frag-window-private.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-chat-view.h"
#include "frag-conversation.h"
#include "frag-history-sidebar.h"
#include "frag-window.h"

G_BEGIN_DECLS

struct _FragWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwFlap              *flap;
  FragHistorySidebar   *history_sidebar;
  AdwHeaderBar         *chat_header;
  AdwLeaflet           *leaflet;
  GtkWidget            *chat_pane;
  GtkWidget            *fragment_pane;
  AdwWindowTitle       *window_title;
  AdwViewSwitcher      *view_switcher;
  FragChatView         *chat_view;
  FragFragmentView     *fragment_view;

  /* Owned */
  GSettings            *settings;
  GCancellable         *open_cancellable;     /* the open in progress, if any */
  GtkFileChooserNative *file_chooser;         /* while the Open dialog is up */
  GtkFileChooserNative *save_chooser;         /* while Save As or Export is up */
  FragConversation     *conversation;         /* NULL until the history is open */
  GCancellable         *cancellable;          /* turns and setup; cancelled in dispose */
  gboolean              creating;             /* a conversation is being made (E2B key lookup) */
};

void _frag_window_class_actions_init        (FragWindowClass *klass);
void _frag_window_class_conversation_init   (FragWindowClass *klass);
/* frag-window-export.c: Save Fragment As…, Export Project…, Copy Code */
void _frag_window_class_export_init         (FragWindowClass *klass);
void _frag_window_update_export_actions     (FragWindow      *self);
void _frag_window_export_dispose            (FragWindow      *self);
/* The fragment shown, with the editor's text (the user's unsaved edits). New reference. */
FragFragment *_frag_window_dup_edited_fragment (FragWindow   *self);
void _frag_window_conversation_init         (FragWindow      *self);
void _frag_window_conversation_dispose      (FragWindow      *self);
/* frag-window-lifecycle.c */
void _frag_window_lifecycle_init            (FragWindow      *self);
void _frag_window_update_preview_in_use     (FragWindow      *self);
void _frag_window_show_toast                (FragWindow      *self,
                                             const char      *text,
                                             const char      *button_label,
                                             const char      *action_name);
void _frag_window_set_title_from_fragment   (FragWindow      *self,
                                             FragFragment    *fragment);

G_END_DECLS
