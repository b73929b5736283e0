/* frag-window-actions.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-settings.h"
#include "frag-window-private.h"

static void
on_file_chooser_response_cb (FragWindow           *self,
                             int                   response,
                             GtkFileChooserNative *file_chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (file_chooser));

  g_clear_object (&self->file_chooser);

  if (file == NULL)
    return;

  {
    g_autoptr(GFile) folder = g_file_get_parent (file);

    if (folder != NULL)
      {
        g_autofree char *uri = g_file_get_uri (folder);

        g_settings_set_string (self->settings, FRAG_SETTINGS_LAST_FOLDER, uri);
      }
  }

  frag_window_open_file_async (self, file, NULL, NULL, NULL);
}

static void
frag_window_actions_open (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);
  g_autoptr(GtkFileFilter) json_filter = NULL;
  g_autoptr(GtkFileFilter) all_filter = NULL;
  g_autofree char *last_folder = NULL;

  if (self->file_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
      return;
    }

  self->file_chooser = gtk_file_chooser_native_new (_("Open Fragment"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_OPEN,
                                                    _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);

  json_filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (json_filter, _("Fragments (JSON)"));
  gtk_file_filter_add_mime_type (json_filter, "application/json");
  gtk_file_filter_add_suffix (json_filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), json_filter);

  all_filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->file_chooser), all_filter);

  last_folder = g_settings_get_string (self->settings, FRAG_SETTINGS_LAST_FOLDER);
  if (*last_folder != '\0')
    {
      g_autoptr(GFile) folder = g_file_new_for_uri (last_folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->file_chooser), folder, NULL);
    }

  g_signal_connect_object (self->file_chooser, "response",
                           G_CALLBACK (on_file_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

static void
frag_window_actions_show_chat_pane (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->chat_pane);
}

static void
frag_window_actions_show_fragment_pane (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->fragment_pane);
}

static void
frag_window_actions_toggle_history (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
frag_window_actions_search_history (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, TRUE);
  frag_history_sidebar_focus_search (self->history_sidebar);
}

/* The preview never follows links off the sandbox's origin; the user may take them to
 * the browser instead, where they get the browser's protections. */
static void
frag_window_actions_open_in_browser (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *param)
{
  const char *uri = g_variant_get_string (param, NULL);

  gtk_show_uri (GTK_WINDOW (widget), uri, GDK_CURRENT_TIME);
}

void
_frag_window_class_actions_init (FragWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, frag_window_actions_open);
  gtk_widget_class_install_action (widget_class, "win.show-chat-pane", NULL,
                                   frag_window_actions_show_chat_pane);
  gtk_widget_class_install_action (widget_class, "win.show-fragment-pane", NULL,
                                   frag_window_actions_show_fragment_pane);
  gtk_widget_class_install_action (widget_class, "win.open-in-browser", "s",
                                   frag_window_actions_open_in_browser);
  gtk_widget_class_install_action (widget_class, "win.toggle-history", NULL,
                                   frag_window_actions_toggle_history);
  gtk_widget_class_install_action (widget_class, "win.search-history", NULL,
                                   frag_window_actions_search_history);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-history", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search-history", NULL);
}
