/* frag-application-actions.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-application-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-application-private.h"
#include "frag-preferences-window.h"
#include "frag-settings.h"

/* Closes every window the way the close button does, so each saves its state; the
 * application ends when the last one is gone. */
static void
frag_application_actions_quit (GSimpleAction *action,
                               GVariant      *param,
                               gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  g_list_foreach (windows, (GFunc)g_object_ref, NULL);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);
}

static void
frag_application_actions_about (GSimpleAction *action,
                                GVariant      *param,
                                gpointer       user_data)
{
  FragApplication *self = FRAG_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Fragment Studio authors", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Fragment Studio"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Fragment Studio authors"),
                         "developers", developers,
                         "comments", _("Turn a chat with a language model into a running program."),
                         "copyright", "© 2026 The Fragment Studio authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: replace with your names, one name per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

/* page: "keys" or "sandbox", or empty for the first page. */
static void
frag_application_actions_preferences (GSimpleAction *action,
                                      GVariant      *param,
                                      gpointer       user_data)
{
  FragApplication *self = FRAG_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *page = param != NULL ? g_variant_get_string (param, NULL) : "";
  GtkWidget *window;

  window = frag_preferences_window_new (self->keyring, self->providers);
  frag_preferences_window_set_user_providers (FRAG_PREFERENCES_WINDOW (window), self->user_providers);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (*page != '\0')
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "preferences", frag_application_actions_preferences, "s" },
  { "quit", frag_application_actions_quit },
  { "about", frag_application_actions_about },
};

void
_frag_application_actions_init (FragApplication *self)
{
  g_autoptr(GAction) style_variant = NULL;

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  /* A stateful action straight from the key, so the menu's radio items need no code. */
  style_variant = g_settings_create_action (self->settings, FRAG_SETTINGS_STYLE_VARIANT);
  g_action_map_add_action (G_ACTION_MAP (self), style_variant);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences::",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-conversation",
                                         (const char *[]) { "<Control>n", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.open",
                                         (const char *[]) { "<Control>o", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.save-as",
                                         (const char *[]) { "<Control><Shift>s", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.copy-code",
                                         (const char *[]) { "<Control><Shift>c", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", NULL });
}
