/* frag-preferences-window.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "frag-preferences-window.h"
#include "frag-providers-page.h"
#include "frag-settings.h"

struct _FragPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  FragKeyring          *keyring;
  GSettings            *settings;
  GCancellable         *cancellable;
  GHashTable           *rows;            /* provider id → AdwPasswordEntryRow (borrowed) */
  GHashTable           *stored;          /* provider ids the keyring holds a key for */
  AdwPreferencesGroup  *models_group;
  AdwComboRow          *backend_row;
  char                 *keyring_problem;
  GtkWidget            *providers_page;  /* borrowed; NULL until set_user_providers() */
};

G_DEFINE_FINAL_TYPE (FragPreferencesWindow, frag_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Carries the provider id to a keyring callback; self is only touched when the call
 * was not cancelled (the window cancels everything when it goes away). */
typedef struct
{
  FragPreferencesWindow *self;
  char                  *provider;
} KeyCall;

static KeyCall *
key_call_new (FragPreferencesWindow *self,
              const char            *provider)
{
  KeyCall *call = g_new0 (KeyCall, 1);

  call->self = self;
  call->provider = g_strdup (provider);
  return call;
}

static void
key_call_free (KeyCall *call)
{
  g_free (call->provider);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyCall, key_call_free)

static void
show_toast (FragPreferencesWindow *self,
            const char            *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (markup));
}

/* The keyring cannot be used: say so once, above the rows, with its message (which
 * names the environment variable to use instead). */
static void
set_keyring_problem (FragPreferencesWindow *self,
                     const GError          *error)
{
  g_autofree char *markup = NULL;

  g_free (self->keyring_problem);
  self->keyring_problem = g_strdup (error->message);
  markup = g_markup_escape_text (error->message, -1);
  adw_preferences_group_set_description (self->models_group, markup);
}

static void
update_row (FragPreferencesWindow *self,
            const char            *provider)
{
  AdwEntryRow *row = g_hash_table_lookup (self->rows, provider);
  GtkWidget *suffix;

  if (row == NULL)
    return;
  suffix = g_object_get_data (G_OBJECT (row), "delete-button");
  gtk_widget_set_visible (suffix, g_hash_table_contains (self->stored, provider));
  /* Never the key: the row stays empty, its title says a key is there. */
  if (g_hash_table_contains (self->stored, provider))
    gtk_widget_add_css_class (GTK_WIDGET (row), "key-stored");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "key-stored");
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), g_hash_table_contains (self->stored, provider)
                                                 ? _("A key is stored; type a new one to replace it")
                                                 : NULL);
}

static void
on_listed_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  FragPreferencesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) providers = NULL;

  providers = frag_keyring_list_providers_finish (FRAG_KEYRING (source_object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (providers == NULL)
    {
      set_keyring_problem (self, error);
      return;
    }

  for (guint i = 0; providers[i] != NULL; i++)
    {
      g_hash_table_add (self->stored, g_strdup (providers[i]));
      update_row (self, providers[i]);
    }
}

static void
on_stored_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KeyCall) call = user_data;
  g_autoptr(GError) error = NULL;
  FragPreferencesWindow *self = call->self;

  if (!frag_keyring_store_key_finish (FRAG_KEYRING (source_object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_keyring_problem (self, error);
      show_toast (self, error->message);
      return;
    }

  g_hash_table_add (self->stored, g_strdup (call->provider));
  update_row (self, call->provider);
  {
    g_autofree char *text = g_strdup_printf (_("%s key saved"),
                                             frag_keyring_provider_display_name (call->provider));
    show_toast (self, text);
  }
}

static void
on_row_apply_cb (AdwEntryRow           *row,
                 FragPreferencesWindow *self)
{
  const char *provider = g_object_get_data (G_OBJECT (row), "provider");
  g_autofree char *key = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  g_strstrip (key);
  /* The row is cleared at once: the key lives on only in the keyring. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  if (*key == '\0')
    return;

  frag_keyring_store_key_async (self->keyring, provider, key, self->cancellable,
                                on_stored_cb, key_call_new (self, provider));
  memset (key, 0, strlen (key));
}

static void
on_deleted_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KeyCall) call = user_data;
  g_autoptr(GError) error = NULL;
  FragPreferencesWindow *self = call->self;

  if (!frag_keyring_delete_key_finish (FRAG_KEYRING (source_object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_toast (self, error->message);
      return;
    }

  g_hash_table_remove (self->stored, call->provider);
  update_row (self, call->provider);
}

static void
on_delete_clicked_cb (GtkButton             *button,
                      FragPreferencesWindow *self)
{
  const char *provider = g_object_get_data (G_OBJECT (button), "provider");

  frag_keyring_delete_key_async (self->keyring, provider, self->cancellable,
                                 on_deleted_cb, key_call_new (self, provider));
}

static void
add_key_row (FragPreferencesWindow *self,
             AdwPreferencesGroup   *group,
             const char            *provider)
{
  GtkWidget *row = adw_password_entry_row_new ();
  GtkWidget *delete_button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *env_var = frag_keyring_dup_env_var_name (provider);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 frag_keyring_provider_display_name (provider));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "provider", g_strdup (provider), g_free);
  g_signal_connect (row, "apply", G_CALLBACK (on_row_apply_cb), self);

  gtk_widget_set_valign (delete_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete_button, "flat");
  gtk_widget_set_tooltip_text (delete_button, _("Delete the stored key"));
  gtk_widget_set_visible (delete_button, FALSE);
  g_object_set_data_full (G_OBJECT (delete_button), "provider", g_strdup (provider), g_free);
  g_signal_connect (delete_button, "clicked", G_CALLBACK (on_delete_clicked_cb), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), delete_button);
  g_object_set_data (G_OBJECT (row), "delete-button", delete_button);

  adw_preferences_group_add (group, row);
  g_hash_table_insert (self->rows, g_strdup (provider), row);
}

static void
build_keys_page (FragPreferencesWindow *self,
                 FragProviderRegistry  *registry)
{
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *sandbox_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_auto(GStrv) ids = frag_provider_registry_dup_ids (registry);

  adw_preferences_page_set_title (page, _("API Keys"));
  adw_preferences_page_set_icon_name (page, "dialog-password-symbolic");
  gtk_widget_set_name (GTK_WIDGET (page), "keys");

  self->models_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->models_group, _("Language Models"));
  adw_preferences_group_set_description (self->models_group,
                                         _("Keys are kept in the system keyring, never in a file"));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      const FragProviderInfo *info = frag_provider_registry_lookup (registry, ids[i]);

      /* Keyless local servers (Ollama) have nothing to store. */
      if (info->key_env == NULL)
        continue;
      add_key_row (self, self->models_group, ids[i]);
    }
  adw_preferences_page_add (page, self->models_group);

  adw_preferences_group_set_title (sandbox_group, _("Sandboxes"));
  add_key_row (self, sandbox_group, "e2b");
  adw_preferences_page_add (page, sandbox_group);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

static void
on_backend_selected_cb (AdwComboRow           *row,
                        GParamSpec            *pspec,
                        FragPreferencesWindow *self)
{
  g_settings_set_string (self->settings, FRAG_SETTINGS_SANDBOX_BACKEND,
                         adw_combo_row_get_selected (row) == 1 ? "e2b" : "local");
}

static void
build_sandbox_page (FragPreferencesWindow *self)
{
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  g_autofree char *backend = g_settings_get_string (self->settings, FRAG_SETTINGS_SANDBOX_BACKEND);

  adw_preferences_page_set_title (page, _("Sandbox"));
  adw_preferences_page_set_icon_name (page, "system-run-symbolic");
  gtk_widget_set_name (GTK_WIDGET (page), "sandbox");

  adw_preferences_group_set_title (group, _("Where Code Runs"));
  adw_preferences_group_set_description (group,
                                         _("The local sandbox needs no account and keeps code on this computer; "
                                           "E2B runs it in the cloud and needs an API key"));
  gtk_string_list_append (choices, _("This Computer (bubblewrap)"));
  gtk_string_list_append (choices, _("E2B Cloud"));
  self->backend_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->backend_row), _("Backend"));
  adw_combo_row_set_model (self->backend_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->backend_row, g_str_equal (backend, "e2b") ? 1 : 0);
  g_signal_connect (self->backend_row, "notify::selected", G_CALLBACK (on_backend_selected_cb), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->backend_row));
  adw_preferences_page_add (page, group);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

GtkWidget *
frag_preferences_window_new (FragKeyring          *keyring,
                             FragProviderRegistry *registry)
{
  FragPreferencesWindow *self;

  g_return_val_if_fail (FRAG_IS_KEYRING (keyring), NULL);
  g_return_val_if_fail (FRAG_IS_PROVIDER_REGISTRY (registry), NULL);

  self = g_object_new (FRAG_TYPE_PREFERENCES_WINDOW, NULL);
  self->keyring = g_object_ref (keyring);
  build_keys_page (self, registry);
  build_sandbox_page (self);

  frag_keyring_list_providers_async (keyring, self->cancellable, on_listed_cb, self);
  return GTK_WIDGET (self);
}

void
frag_preferences_window_set_user_providers (FragPreferencesWindow *self,
                                            FragUserProviders     *providers)
{
  g_return_if_fail (FRAG_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (FRAG_IS_USER_PROVIDERS (providers));
  g_return_if_fail (self->providers_page == NULL);

  self->providers_page = frag_providers_page_new (providers, self->keyring);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (self->providers_page));
}

GtkWidget *
frag_preferences_window_get_providers_page (FragPreferencesWindow *self)
{
  g_return_val_if_fail (FRAG_IS_PREFERENCES_WINDOW (self), NULL);

  return self->providers_page;
}

AdwEntryRow *
frag_preferences_window_get_key_row (FragPreferencesWindow *self,
                                     const char            *provider)
{
  g_return_val_if_fail (FRAG_IS_PREFERENCES_WINDOW (self), NULL);

  return g_hash_table_lookup (self->rows, provider);
}

gboolean
frag_preferences_window_is_stored (FragPreferencesWindow *self,
                                   const char            *provider)
{
  g_return_val_if_fail (FRAG_IS_PREFERENCES_WINDOW (self), FALSE);

  return g_hash_table_contains (self->stored, provider);
}

const char *
frag_preferences_window_get_keyring_problem (FragPreferencesWindow *self)
{
  g_return_val_if_fail (FRAG_IS_PREFERENCES_WINDOW (self), NULL);

  return self->keyring_problem;
}

static void
frag_preferences_window_dispose (GObject *object)
{
  FragPreferencesWindow *self = FRAG_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->keyring);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (frag_preferences_window_parent_class)->dispose (object);
}

static void
frag_preferences_window_finalize (GObject *object)
{
  FragPreferencesWindow *self = FRAG_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->stored, g_hash_table_unref);
  g_clear_pointer (&self->keyring_problem, g_free);

  G_OBJECT_CLASS (frag_preferences_window_parent_class)->finalize (object);
}

static void
frag_preferences_window_class_init (FragPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_preferences_window_dispose;
  object_class->finalize = frag_preferences_window_finalize;
}

static void
frag_preferences_window_init (FragPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (FRAG_SETTINGS_SCHEMA_ID);
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (self), FALSE);
}
