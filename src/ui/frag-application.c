/* frag-application.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-application"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-application-private.h"
#include "frag-settings.h"
#include "frag-window.h"

G_DEFINE_FINAL_TYPE (FragApplication, frag_application, ADW_TYPE_APPLICATION)

FragApplication *
frag_application_new (const char        *application_id,
                      GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (FRAG_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags | G_APPLICATION_HANDLES_OPEN,
                       /* The same resources serve the .Devel profile's id. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

const char * const *
frag_application_get_known_templates (FragApplication *self)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (self->templates != NULL, NULL);

  return frag_template_catalog_get_ids (self->templates);
}

static void
apply_style_variant (FragApplication *self)
{
  g_autofree char *variant = g_settings_get_string (self->settings, FRAG_SETTINGS_STYLE_VARIANT);
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (variant, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (variant, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
on_style_variant_changed_cb (FragApplication *self,
                             const char      *key,
                             GSettings       *settings)
{
  apply_style_variant (self);
}

/* A new window, given the one-time warning about the user's templates.json if that
 * could not be read, so a typo there is seen rather than silently ignored. */
static FragWindow *
create_window (FragApplication *self)
{
  FragWindow *window = frag_window_new (self);

  if (self->templates_error != NULL)
    {
      g_autofree char *title = NULL;
      g_autofree char *markup = NULL;
      AdwToast *toast;

      title = g_strdup_printf (_("Your templates were not loaded: %s"),
                               self->templates_error->message);
      /* Toast titles are markup; the message quotes a path and the file's content. */
      markup = g_markup_escape_text (title, -1);
      toast = adw_toast_new (markup);
      adw_toast_set_timeout (toast, 0);
      frag_window_add_toast (window, toast);
      g_clear_error (&self->templates_error);
    }

  return window;
}

static void
frag_application_startup (GApplication *app)
{
  FragApplication *self = FRAG_APPLICATION (app);

  G_APPLICATION_CLASS (frag_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);

  self->settings = g_settings_new (FRAG_SETTINGS_SCHEMA_ID);
  g_signal_connect_object (self->settings, "changed::" FRAG_SETTINGS_STYLE_VARIANT,
                           G_CALLBACK (on_style_variant_changed_cb), self,
                           G_CONNECT_SWAPPED);
  apply_style_variant (self);

  /* The catalog is a few kilobytes read once, before the first window exists. */
  self->templates = frag_template_catalog_new (NULL, &self->templates_error);
  if (self->templates_error != NULL)
    g_debug ("User templates not loaded: %s", self->templates_error->message);

  _frag_application_actions_init (self);
}

static void
frag_application_activate (GApplication *app)
{
  FragApplication *self = FRAG_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (create_window (self));

  gtk_window_present (window);
}

/* `fragment-studio A.json B.json`: the first file goes to an active window that shows
 * nothing yet, every other file to a window of its own. */
static void
frag_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  FragApplication *self = FRAG_APPLICATION (app);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  for (int i = 0; i < n_files; i++)
    {
      FragWindow *window = NULL;

      if (i == 0 && FRAG_IS_WINDOW (active) && frag_window_is_empty (FRAG_WINDOW (active)))
        window = FRAG_WINDOW (active);
      else
        window = create_window (self);

      frag_window_open_file_async (window, files[i], NULL, NULL, NULL);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
frag_application_shutdown (GApplication *app)
{
  FragApplication *self = FRAG_APPLICATION (app);

  g_clear_object (&self->templates);
  g_clear_error (&self->templates_error);
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (frag_application_parent_class)->shutdown (app);
}

static void
frag_application_finalize (GObject *object)
{
  FragApplication *self = FRAG_APPLICATION (object);

  g_clear_object (&self->templates);
  g_clear_error (&self->templates_error);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (frag_application_parent_class)->finalize (object);
}

static void
frag_application_class_init (FragApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = frag_application_finalize;
  app_class->startup = frag_application_startup;
  app_class->activate = frag_application_activate;
  app_class->open = frag_application_open;
  app_class->shutdown = frag_application_shutdown;
}

static void
frag_application_init (FragApplication *self)
{
}
