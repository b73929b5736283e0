/* frag-run-panel.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-run-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-run-panel.h"

/* The log keeps the newest lines only: a chatty dev server must not grow the buffer
 * (and every relayout) without bound. */
#define MAX_LOG_LINES 2000

struct _FragRunPanel
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkSpinner        *spinner;
  GtkImage          *status_icon;
  GtkLabel          *status_label;
  GtkToggleButton   *log_button;
  GtkButton         *fix_button;
  GtkRevealer       *log_revealer;
  GtkScrolledWindow *log_scroller;
  GtkTextView       *log_view;

  /* Owned */
  GtkTextTag        *stderr_tag;
  GtkTextMark       *end_mark;
};

G_DEFINE_FINAL_TYPE (FragRunPanel, frag_run_panel, GTK_TYPE_WIDGET)

GtkWidget *
frag_run_panel_new (void)
{
  return g_object_new (FRAG_TYPE_RUN_PANEL, NULL);
}

/* What the user reads for each phase; the controller's detail (English, from the
 * layers below) is only appended where it carries a number worth seeing. */
static char *
describe_phase (FragConversationPhase  phase,
                const char            *detail)
{
  switch (phase)
    {
    case FRAG_CONVERSATION_PHASE_IDLE:
      return g_strdup ("");
    case FRAG_CONVERSATION_PHASE_SENDING:
      return g_strdup (_("Asking the model…"));
    case FRAG_CONVERSATION_PHASE_WAITING_TO_RETRY:
      return detail != NULL ? g_strdup_printf (_("The provider is busy: %s"), detail)
                            : g_strdup (_("Waiting to retry…"));
    case FRAG_CONVERSATION_PHASE_STREAMING:
      return g_strdup (_("Writing the code…"));
    case FRAG_CONVERSATION_PHASE_PREPARING_SANDBOX:
      return g_strdup (_("Creating sandbox…"));
    case FRAG_CONVERSATION_PHASE_INSTALLING:
      return g_strdup (_("Installing dependencies…"));
    case FRAG_CONVERSATION_PHASE_RUNNING:
      return g_strdup (_("Running…"));
    case FRAG_CONVERSATION_PHASE_WAITING_FOR_PORT:
      /* Translators: %s is e.g. "port 3000, attempt 4". */
      return detail != NULL ? g_strdup_printf (_("Starting server: waiting for %s…"), detail)
                            : g_strdup (_("Starting server…"));
    case FRAG_CONVERSATION_PHASE_READY:
      return g_strdup (_("Ready"));
    case FRAG_CONVERSATION_PHASE_FAILED:
      return g_strdup (_("Failed"));
    case FRAG_CONVERSATION_PHASE_STOPPED:
      return g_strdup (_("Stopped"));
    default:
      return g_strdup ("");
    }
}

void
frag_run_panel_set_phase (FragRunPanel          *self,
                          FragConversationPhase  phase,
                          const char            *detail)
{
  g_autofree char *text = NULL;
  gboolean working;
  const char *icon = NULL;

  g_return_if_fail (FRAG_IS_RUN_PANEL (self));

  text = describe_phase (phase, detail);
  working = phase != FRAG_CONVERSATION_PHASE_IDLE && phase != FRAG_CONVERSATION_PHASE_READY
            && phase != FRAG_CONVERSATION_PHASE_FAILED && phase != FRAG_CONVERSATION_PHASE_STOPPED;
  if (phase == FRAG_CONVERSATION_PHASE_READY)
    icon = "emblem-ok-symbolic";
  else if (phase == FRAG_CONVERSATION_PHASE_FAILED)
    icon = "dialog-error-symbolic";

  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), working);
  gtk_spinner_set_spinning (self->spinner, working);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (self->status_icon, icon);
}

const char *
frag_run_panel_get_status (FragRunPanel *self)
{
  g_return_val_if_fail (FRAG_IS_RUN_PANEL (self), NULL);

  return gtk_label_get_text (self->status_label);
}

void
frag_run_panel_append_log (FragRunPanel      *self,
                           FragSandboxStream  stream,
                           const char        *line)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;

  g_return_if_fail (FRAG_IS_RUN_PANEL (self));
  g_return_if_fail (line != NULL);

  buffer = gtk_text_view_get_buffer (self->log_view);
  gtk_text_buffer_get_end_iter (buffer, &end);
  if (stream == FRAG_SANDBOX_STREAM_STDERR)
    gtk_text_buffer_insert_with_tags (buffer, &end, line, -1, self->stderr_tag, NULL);
  else
    gtk_text_buffer_insert (buffer, &end, line, -1);
  gtk_text_buffer_insert (buffer, &end, "\n", 1);

  if (gtk_text_buffer_get_line_count (buffer) > MAX_LOG_LINES)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut,
                                        gtk_text_buffer_get_line_count (buffer) - MAX_LOG_LINES);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }

  /* Auto-scroll: the newest line stays in sight. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_move_mark (buffer, self->end_mark, &end);
  gtk_text_view_scroll_mark_onscreen (self->log_view, self->end_mark);
}

void
frag_run_panel_clear_log (FragRunPanel *self)
{
  g_return_if_fail (FRAG_IS_RUN_PANEL (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->log_view), "", 0);
}

void
frag_run_panel_set_can_fix (FragRunPanel *self,
                            gboolean      can_fix)
{
  g_return_if_fail (FRAG_IS_RUN_PANEL (self));

  gtk_widget_set_visible (GTK_WIDGET (self->fix_button), can_fix);
}

char *
frag_run_panel_dup_log (FragRunPanel *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (FRAG_IS_RUN_PANEL (self), NULL);

  buffer = gtk_text_view_get_buffer (self->log_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
frag_run_panel_set_log_visible (FragRunPanel *self,
                                gboolean      visible)
{
  g_return_if_fail (FRAG_IS_RUN_PANEL (self));

  gtk_toggle_button_set_active (self->log_button, visible);
}

static void
on_log_button_active_cb (FragRunPanel    *self,
                         GParamSpec      *pspec,
                         GtkToggleButton *button)
{
  gtk_revealer_set_reveal_child (self->log_revealer, gtk_toggle_button_get_active (button));
}

static void
frag_run_panel_dispose (GObject *object)
{
  FragRunPanel *self = FRAG_RUN_PANEL (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_RUN_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (frag_run_panel_parent_class)->dispose (object);
}

static void
frag_run_panel_class_init (FragRunPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = frag_run_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/frag-run-panel.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FragRunPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, FragRunPanel, status_icon);
  gtk_widget_class_bind_template_child (widget_class, FragRunPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, FragRunPanel, log_button);
  gtk_widget_class_bind_template_child (widget_class, FragRunPanel, fix_button);
  gtk_widget_class_bind_template_child (widget_class, FragRunPanel, log_revealer);
  gtk_widget_class_bind_template_child (widget_class, FragRunPanel, log_scroller);
  gtk_widget_class_bind_template_child (widget_class, FragRunPanel, log_view);
  gtk_widget_class_bind_template_callback (widget_class, on_log_button_active_cb);
}

static void
frag_run_panel_init (FragRunPanel *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;

  gtk_widget_init_template (GTK_WIDGET (self));

  buffer = gtk_text_view_get_buffer (self->log_view);
  /* The buffer owns the tag and the mark. */
  self->stderr_tag = gtk_text_buffer_create_tag (buffer, "stderr", "foreground", "#c01c28", NULL);
  gtk_text_buffer_get_end_iter (buffer, &end);
  self->end_mark = gtk_text_buffer_create_mark (buffer, "end", &end, FALSE);
}
