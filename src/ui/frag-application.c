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
#include "frag-history-store.h"
#include "frag-secret-keyring.h"
#include "frag-settings.h"
#include "frag-window.h"

G_DEFINE_FINAL_TYPE (FragApplication, frag_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_HISTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The orphan check waits until the first window is up and the user has looked at it. */
#define ORPHAN_CHECK_DELAY_MS 3000

/* How long a keyring call may wait (an unlock prompt nobody answers) before the
 * Preferences or a send reports the keyring as unavailable. */
#define KEYRING_TIMEOUT_MS 10000

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

FragTemplateCatalog *
frag_application_get_templates (FragApplication *self)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);

  return self->templates;
}

FragModelCatalog *
frag_application_get_models (FragApplication *self)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);

  return self->models;
}

FragProviderRegistry *
frag_application_get_provider_registry (FragApplication *self)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);

  return self->providers;
}

FragUserProviders *
frag_application_get_user_providers (FragApplication *self)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);

  return self->user_providers;
}

FragKeyring *
frag_application_get_keyring (FragApplication *self)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);

  return self->keyring;
}

void
frag_application_set_keyring (FragApplication *self,
                              FragKeyring     *keyring)
{
  g_return_if_fail (FRAG_IS_APPLICATION (self));
  g_return_if_fail (FRAG_IS_KEYRING (keyring));
  g_return_if_fail (self->settings == NULL);   /* before startup */

  g_set_object (&self->keyring, keyring);
}

FragHistory *
frag_application_get_history (FragApplication *self)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);

  return self->history;
}

GPtrArray *
frag_application_take_notices (FragApplication *self)
{
  GPtrArray *notices;

  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);

  notices = g_steal_pointer (&self->startup_notices);
  self->startup_notices = g_ptr_array_new_with_free_func (g_free);
  return notices;
}

FragOrphanSandboxes *
frag_application_get_orphan_sandboxes (FragApplication *self)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (self), NULL);

  return self->orphans;
}

static void
add_notice (FragApplication *self,
            char            *notice)
{
  g_ptr_array_add (self->startup_notices, notice);
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

static void
set_history (FragApplication *self,
             FragHistory     *history)
{
  if (g_set_object (&self->history, history))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

static void
on_memory_history_opened_cb (GObject      *source_object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(FragApplication) self = user_data;
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = frag_history_store_new_finish (result, &error);
  if (store == NULL)
    {
      /* An in-memory SQLite database failing to open is a broken installation. */
      g_critical ("Could not open an in-memory history: %s", error->message);
      return;
    }
  set_history (self, FRAG_HISTORY (store));
}

static void
on_history_opened_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FragApplication) self = user_data;
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const GError *notice;

  store = frag_history_store_new_finish (result, &error);
  if (store == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* As `frag generate` does: a history that cannot be opened (a newer version's, a
       * read-only home) does not stop the app; this session is just not remembered. */
      add_notice (self, g_strdup_printf (_("History is not being saved: %s"), error->message));
      frag_history_store_new_async (":memory:", self->history_cancellable,
                                    on_memory_history_opened_cb, g_object_ref (self));
      return;
    }

  notice = frag_history_store_get_open_notice (store);
  if (notice != NULL)
    add_notice (self, g_strdup (notice->message));
  set_history (self, FRAG_HISTORY (store));
}

/* A new window, given the one-time notices of startup (a typo in the user's
 * templates.json is seen rather than silently ignored). */
static FragWindow *
create_window (FragApplication *self)
{
  return frag_window_new (self);
}

static void
frag_application_startup (GApplication *app)
{
  FragApplication *self = FRAG_APPLICATION (app);
  g_autofree char *history_path = NULL;
  GError *error = NULL;

  G_APPLICATION_CLASS (frag_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);

  self->settings = g_settings_new (FRAG_SETTINGS_SCHEMA_ID);
  g_signal_connect_object (self->settings, "changed::" FRAG_SETTINGS_STYLE_VARIANT,
                           G_CALLBACK (on_style_variant_changed_cb), self,
                           G_CONNECT_SWAPPED);
  apply_style_variant (self);

  /* The catalogs are a few kilobytes read once, before the first window exists. */
  self->templates = frag_template_catalog_new (NULL, &error);
  if (error != NULL)
    add_notice (self, g_strdup_printf (_("Your templates were not loaded: %s"), error->message));
  g_clear_error (&error);
  self->models = frag_model_catalog_new (NULL, &error);
  if (error != NULL)
    add_notice (self, g_strdup_printf (_("Your models were not loaded: %s"), error->message));
  g_clear_error (&error);

  self->providers = frag_provider_registry_new (NULL);
  self->user_providers = frag_user_providers_new (self->providers, NULL);
  if (!frag_user_providers_load (self->user_providers, &error))
    add_notice (self, g_strdup_printf (_("Your providers were not loaded: %s"), error->message));
  g_clear_error (&error);

  if (self->keyring == NULL)
    {
      FragSecretKeyring *keyring = frag_secret_keyring_new ();

      frag_secret_keyring_set_timeout (keyring, KEYRING_TIMEOUT_MS);
      self->keyring = FRAG_KEYRING (keyring);
    }

  history_path = frag_history_store_dup_default_path ();
  self->history_cancellable = g_cancellable_new ();
  frag_history_store_new_async (history_path, self->history_cancellable,
                                on_history_opened_cb, g_object_ref (self));

  self->orphans = frag_orphan_sandboxes_new (GTK_APPLICATION (self), self->keyring);
  frag_orphan_sandboxes_schedule (self->orphans, ORPHAN_CHECK_DELAY_MS);

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
on_history_closed_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  gboolean *closed = user_data;
  g_autoptr(GError) error = NULL;

  if (!frag_history_store_close_finish (FRAG_HISTORY_STORE (source_object), result, &error))
    g_warning ("The history was not closed cleanly: %s", error->message);
  *closed = TRUE;
}

/* Writes the last checkpoints before the process ends. The main loop has already
 * returned when shutdown runs, so waiting here holds up nothing the user sees. */
static void
close_history (FragApplication *self)
{
  gboolean closed = FALSE;

  g_cancellable_cancel (self->history_cancellable);
  if (!FRAG_IS_HISTORY_STORE (self->history))
    return;

  frag_history_store_close_async (FRAG_HISTORY_STORE (self->history), NULL,
                                  on_history_closed_cb, &closed);
  while (!closed)
    g_main_context_iteration (NULL, TRUE);
}

static void
frag_application_shutdown (GApplication *app)
{
  FragApplication *self = FRAG_APPLICATION (app);

  if (self->orphans != NULL)
    frag_orphan_sandboxes_cancel (self->orphans);
  g_clear_object (&self->orphans);
  /* Before the history: a run stopped by a close still writes its outcome. */
  _frag_application_finish_closes (self);
  close_history (self);
  g_clear_object (&self->history);
  g_clear_object (&self->history_cancellable);
  g_clear_object (&self->templates);
  g_clear_object (&self->models);
  g_clear_object (&self->user_providers);
  g_clear_object (&self->providers);
  g_clear_object (&self->keyring);
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (frag_application_parent_class)->shutdown (app);
}

static void
frag_application_window_removed (GtkApplication *app,
                                 GtkWindow      *window)
{
  /* Held before the parent releases the window's hold, so the last window leaving
   * does not end the main loop before its sandbox is stopped. */
  _frag_application_window_leaving (FRAG_APPLICATION (app), window);

  GTK_APPLICATION_CLASS (frag_application_parent_class)->window_removed (app, window);
}

static void
frag_application_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FragApplication *self = FRAG_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_application_finalize (GObject *object)
{
  FragApplication *self = FRAG_APPLICATION (object);

  g_clear_object (&self->history);
  g_clear_object (&self->history_cancellable);
  g_clear_object (&self->templates);
  g_clear_object (&self->models);
  g_clear_object (&self->user_providers);
  g_clear_object (&self->providers);
  g_clear_object (&self->keyring);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->startup_notices, g_ptr_array_unref);
  g_clear_object (&self->orphans);

  G_OBJECT_CLASS (frag_application_parent_class)->finalize (object);
}

static void
frag_application_class_init (FragApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->get_property = frag_application_get_property;
  object_class->finalize = frag_application_finalize;
  app_class->startup = frag_application_startup;
  app_class->activate = frag_application_activate;
  app_class->open = frag_application_open;
  app_class->shutdown = frag_application_shutdown;
  GTK_APPLICATION_CLASS (klass)->window_removed = frag_application_window_removed;

  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL,
                         FRAG_TYPE_HISTORY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
frag_application_init (FragApplication *self)
{
  self->startup_notices = g_ptr_array_new_with_free_func (g_free);
}
