/* frag-conversation-keep-alive.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-conversation"

#include "config.h"

#include "frag-conversation-private.h"

/* An E2B sandbox dies when its timeout passes, even while its web app is on screen.
 * While the UI says the preview is in use, the conversation extends that timeout now
 * and then. Only one keep-alive is in flight at a time, and it goes through the
 * sandbox driver, which holds it back while a run or a kill is under way. A local
 * sandbox has no timeout: its keep-alive succeeds at once without any work. */

#define DEFAULT_INTERVAL_MS      (60 * 1000)
#define DEFAULT_EXTEND_SECONDS   300

void
_frag_conversation_init_keep_alive (FragConversation *self)
{
  self->keep_alive_interval_ms = DEFAULT_INTERVAL_MS;
  self->keep_alive_seconds = DEFAULT_EXTEND_SECONDS;
}

void
_frag_conversation_clear_keep_alive (FragConversation *self)
{
  g_clear_handle_id (&self->keep_alive_source, g_source_remove);
}

static gboolean
wants_keep_alive (FragConversation *self)
{
  return self->preview_active && !self->closed && !self->keep_alive_gone &&
         self->driver != NULL && self->turn == NULL &&
         self->result != NULL && frag_result_get_url (self->result) != NULL;
}

static void
keep_alive_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FragConversation) self = user_data;
  g_autoptr(GError) error = NULL;

  self->keep_alive_in_flight = FALSE;
  if (!frag_sandbox_driver_keep_alive_finish (FRAG_SANDBOX_DRIVER (object), result, &error))
    {
      /* Nothing to show the user: a preview of an expired sandbox stops answering, and
       * the next run makes a new sandbox. Until a new result, nothing is kept alive. */
      if (g_error_matches (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_debug ("Not keeping the sandbox alive any more: %s", error->message);
          self->keep_alive_gone = TRUE;
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Keeping the sandbox alive failed, trying again later: %s", error->message);
    }
  _frag_conversation_update_keep_alive (self);
}

static void
send_keep_alive (FragConversation *self)
{
  if (self->keep_alive_in_flight)
    return;
  self->keep_alive_in_flight = TRUE;
  self->keep_alive_last = g_get_monotonic_time ();
  frag_sandbox_driver_keep_alive_async (self->driver, self->keep_alive_seconds, keep_alive_cb,
                                        g_object_ref (self));
}

static gboolean
keep_alive_tick_cb (gpointer user_data)
{
  FragConversation *self = user_data;

  self->keep_alive_source = 0;
  send_keep_alive (self);
  _frag_conversation_update_keep_alive (self);
  return G_SOURCE_REMOVE;
}

/* Starts, reschedules or stops the timer after anything it depends on changed. The
 * first keep-alive goes out at once, unless one went out less than an interval ago
 * (switching back and forth between the pages costs no requests). */
void
_frag_conversation_update_keep_alive (FragConversation *self)
{
  gint64 next, now;

  if (!wants_keep_alive (self))
    {
      g_clear_handle_id (&self->keep_alive_source, g_source_remove);
      return;
    }
  /* One in flight: its callback schedules the next. */
  if (self->keep_alive_source != 0 || self->keep_alive_in_flight)
    return;

  now = g_get_monotonic_time ();
  next = self->keep_alive_last == 0 ? now
                                    : self->keep_alive_last + (gint64)self->keep_alive_interval_ms * 1000;
  self->keep_alive_source = g_timeout_add (next > now ? (guint)((next - now) / 1000) : 0,
                                           keep_alive_tick_cb, self);
}

void
frag_conversation_set_preview_active (FragConversation *self,
                                      gboolean          active)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));

  active = !!active;
  if (self->preview_active == active)
    return;
  self->preview_active = active;
  _frag_conversation_update_keep_alive (self);
}

gboolean
frag_conversation_get_preview_active (FragConversation *self)
{
  g_return_val_if_fail (FRAG_IS_CONVERSATION (self), FALSE);
  return self->preview_active;
}

void
frag_conversation_set_keep_alive (FragConversation *self,
                                  guint             interval_ms,
                                  guint             extend_seconds)
{
  g_return_if_fail (FRAG_IS_CONVERSATION (self));
  g_return_if_fail (interval_ms > 0 && extend_seconds > 0);

  self->keep_alive_interval_ms = interval_ms;
  self->keep_alive_seconds = extend_seconds;
  /* The new interval applies from the next tick on. */
  g_clear_handle_id (&self->keep_alive_source, g_source_remove);
  _frag_conversation_update_keep_alive (self);
}
