/* frag-window-lifecycle.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-window-lifecycle"

#include "config.h"

#include "frag-window-private.h"

/* Tells the conversation whether its web app is in use, so it keeps the sandbox alive
 * only then: the Preview page is on screen (mapped, so the window is shown) and the
 * window is not minimized. A window beside another one still counts: the user may be
 * watching the app while typing elsewhere. */

static gboolean
window_minimized (FragWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));

  return GDK_IS_TOPLEVEL (surface) &&
         (gdk_toplevel_get_state (GDK_TOPLEVEL (surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0;
}

void
_frag_window_update_preview_in_use (FragWindow *self)
{
  gboolean in_use;

  if (self->conversation == NULL)
    return;
  in_use = frag_fragment_view_get_preview_shown (self->fragment_view) && !window_minimized (self);
  frag_conversation_set_preview_active (self->conversation, in_use);
}

static void
on_realize_cb (FragWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));

  g_signal_connect_object (surface, "notify::state", G_CALLBACK (_frag_window_update_preview_in_use),
                           self, G_CONNECT_SWAPPED);
}

void
_frag_window_lifecycle_init (FragWindow *self)
{
  g_signal_connect_object (self->fragment_view, "notify::preview-shown",
                           G_CALLBACK (_frag_window_update_preview_in_use), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "realize", G_CALLBACK (on_realize_cb), NULL);
}
