/* frag-application-lifecycle.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-application"

#include "config.h"

#include "frag-application-private.h"
#include "frag-window.h"

/* Closing a conversation kills its sandbox: an E2B sandbox left running costs money
 * until its timeout, a local one leaves files behind. The application stays alive
 * (g_application_hold) until each close is done, so quitting (the last window closed,
 * Ctrl+Q) waits for the kills, but never longer than CLOSE_TIMEOUT_MS: a sandbox
 * service that does not answer must not keep the app from quitting. */

#define CLOSE_TIMEOUT_MS 5000

typedef struct
{
  FragApplication *app;          /* a reference */
  guint            timeout_id;
  gboolean         held;
} Closing;

static void
closing_release (Closing *closing)
{
  if (!closing->held)
    return;
  closing->held = FALSE;
  closing->app->n_closing--;
  g_application_release (G_APPLICATION (closing->app));
}

static gboolean
closing_timeout_cb (gpointer user_data)
{
  Closing *closing = user_data;

  closing->timeout_id = 0;
  g_warning ("A conversation's sandbox was not stopped within %u s; not waiting any longer",
             CLOSE_TIMEOUT_MS / 1000);
  closing_release (closing);
  return G_SOURCE_REMOVE;
}

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Closing *closing = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_conversation_close_finish (FRAG_CONVERSATION (source), result, &error))
    g_warning ("The conversation's sandbox could not be stopped: %s", error->message);
  g_clear_handle_id (&closing->timeout_id, g_source_remove);
  closing_release (closing);
  g_object_unref (closing->app);
  g_free (closing);
}

void
_frag_application_close_conversation (FragApplication  *self,
                                      FragConversation *conversation)
{
  Closing *closing = g_new0 (Closing, 1);

  closing->app = g_object_ref (self);
  closing->held = TRUE;
  self->n_closing++;
  g_application_hold (G_APPLICATION (self));
  closing->timeout_id = g_timeout_add (CLOSE_TIMEOUT_MS, closing_timeout_cb, closing);
  /* The close's task keeps the conversation alive until it is done. */
  frag_conversation_close_async (conversation, closed_cb, closing);
}

/* A window leaving the application (closed, or destroyed at quit) gives its
 * conversation to us to close; the window's own close of it later joins ours. */
void
_frag_application_window_leaving (FragApplication *self,
                                  GtkWindow       *window)
{
  FragConversation *conversation;

  if (!FRAG_IS_WINDOW (window))
    return;
  conversation = frag_window_get_conversation (FRAG_WINDOW (window));
  if (conversation != NULL)
    _frag_application_close_conversation (self, conversation);
}

/* At shutdown (the main loop has returned): g_application_quit() ends the loop even
 * while closes hold the application, and windows may still be open. Close what is left
 * and wait, bounded by the closes' own timeouts. */
void
_frag_application_finish_closes (FragApplication *self)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    _frag_application_window_leaving (self, l->data);
  while (self->n_closing > 0)
    g_main_context_iteration (NULL, TRUE);
}
