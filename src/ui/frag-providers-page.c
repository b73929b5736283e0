/* frag-providers-page.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-providers-page"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-providers-page.h"

struct _FragProvidersPage
{
  AdwPreferencesPage   parent_instance;

  /* Owned */
  FragUserProviders   *providers;
  FragKeyring         *keyring;
  GCancellable        *cancellable;
  AdwPreferencesGroup *group;
  GPtrArray           *rows;         /* the group's rows (borrowed), to remove them */
  GtkWidget           *empty_row;
};

G_DEFINE_FINAL_TYPE (FragProvidersPage, frag_providers_page, ADW_TYPE_PREFERENCES_PAGE)

static void
show_toast (FragProvidersPage *self,
            const char        *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *markup = g_markup_escape_text (text, -1);

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (markup));
  else
    g_message ("%s", text);
}

static void rebuild_rows (FragProvidersPage *self);

static void
on_remove_clicked_cb (GtkButton         *button,
                      FragProvidersPage *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (button), "provider"));
  g_autoptr(GError) error = NULL;

  if (!frag_providers_page_remove_provider (self, id, &error))
    show_toast (self, error->message);
}

static void
rebuild_rows (FragProvidersPage *self)
{
  GPtrArray *list = frag_user_providers_get_list (self->providers);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < list->len; i++)
    {
      FragUserProvider *provider = g_ptr_array_index (list, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *models = g_strjoinv (", ", provider->models);
      g_autofree char *subtitle = NULL;
      g_autofree char *title = g_markup_escape_text (provider->name, -1);

      /* Translators: a custom provider's row: its address and its models. */
      subtitle = *models != '\0' ? g_strdup_printf (_("%s · %s"), provider->base_url, models)
                                 : g_strdup (provider->base_url);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      g_free (g_steal_pointer (&title));
      title = g_markup_escape_text (subtitle, -1);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), title);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove this provider and its stored key"));
      g_object_set_data_full (G_OBJECT (remove), "provider", g_strdup (provider->id), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (self->empty_row, list->len == 0);
}

guint
frag_providers_page_get_n_rows (FragProvidersPage *self)
{
  g_return_val_if_fail (FRAG_IS_PROVIDERS_PAGE (self), 0);

  return self->rows->len;
}

/* ---- keys ----------------------------------------------------------------------- */

static void
on_key_stored_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FragProvidersPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (frag_keyring_store_key_finish (FRAG_KEYRING (source_object), result, &error))
    return;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The key was not stored: %s"), error->message);

      show_toast (self, text);
    }
}

static void
on_key_deleted_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The provider is gone either way; a key left behind is only reachable with
   * `frag keys`, so it is only logged. */
  if (!frag_keyring_delete_key_finish (FRAG_KEYRING (source_object), result, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("A removed provider's key stayed in the keyring: %s", error->message);
}

char *
frag_providers_page_add_provider (FragProvidersPage  *self,
                                  const char         *name,
                                  const char         *base_url,
                                  const char         *model_id,
                                  const char         *api_key,
                                  GError            **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (FRAG_IS_PROVIDERS_PAGE (self), NULL);

  id = frag_user_providers_add (self->providers, name, base_url, model_id, error);
  if (id == NULL)
    return NULL;
  if (api_key != NULL && *api_key != '\0')
    frag_keyring_store_key_async (self->keyring, id, api_key, self->cancellable, on_key_stored_cb,
                                  g_object_ref (self));
  rebuild_rows (self);
  return g_steal_pointer (&id);
}

gboolean
frag_providers_page_remove_provider (FragProvidersPage  *self,
                                     const char         *provider_id,
                                     GError            **error)
{
  g_return_val_if_fail (FRAG_IS_PROVIDERS_PAGE (self), FALSE);

  if (!frag_user_providers_remove (self->providers, provider_id, error))
    return FALSE;
  /* Not cancelled with the window: the key should go even if Preferences closes. */
  frag_keyring_delete_key_async (self->keyring, provider_id, NULL, on_key_deleted_cb, NULL);
  rebuild_rows (self);
  return TRUE;
}

/* ---- the Add Provider dialog -------------------------------------------------------- */

static const char *
entry_text (GtkWidget *dialog,
            const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), name)));
}

static void
on_dialog_response_cb (AdwMessageDialog  *dialog,
                       const char        *response,
                       FragProvidersPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (!g_str_equal (response, "add"))
    return;

  id = frag_providers_page_add_provider (self, entry_text (GTK_WIDGET (dialog), "name"),
                                         entry_text (GTK_WIDGET (dialog), "url"),
                                         entry_text (GTK_WIDGET (dialog), "model"),
                                         entry_text (GTK_WIDGET (dialog), "key"), &error);
  if (id == NULL)
    show_toast (self, error->message);
}

static GtkWidget *
add_entry (GtkWidget  *dialog,
           GtkWidget  *list,
           GtkWidget  *row,
           const char *name,
           const char *title)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  g_object_set_data (G_OBJECT (dialog), name, row);
  return row;
}

static void
on_add_clicked_cb (GtkButton         *button,
                   FragProvidersPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Add Provider"),
                                   _("An OpenAI-compatible service: a local server, a gateway, "
                                     "another cloud. Its key, if it needs one, goes to the keyring."));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  add_entry (dialog, list, adw_entry_row_new (), "name", _("Name"));
  add_entry (dialog, list, adw_entry_row_new (), "url", _("Base URL (e.g. http://localhost:8080/v1)"));
  add_entry (dialog, list, adw_entry_row_new (), "model", _("Model ID"));
  add_entry (dialog, list, adw_password_entry_row_new (), "key", _("API Key (optional)"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject ------------------------------------------------------------------------ */

GtkWidget *
frag_providers_page_new (FragUserProviders *providers,
                         FragKeyring       *keyring)
{
  FragProvidersPage *self;

  g_return_val_if_fail (FRAG_IS_USER_PROVIDERS (providers), NULL);
  g_return_val_if_fail (FRAG_IS_KEYRING (keyring), NULL);

  self = g_object_new (FRAG_TYPE_PROVIDERS_PAGE, NULL);
  self->providers = g_object_ref (providers);
  self->keyring = g_object_ref (keyring);
  rebuild_rows (self);
  return GTK_WIDGET (self);
}

static void
frag_providers_page_dispose (GObject *object)
{
  FragProvidersPage *self = FRAG_PROVIDERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->providers);
  g_clear_object (&self->keyring);

  G_OBJECT_CLASS (frag_providers_page_parent_class)->dispose (object);
}

static void
frag_providers_page_finalize (GObject *object)
{
  FragProvidersPage *self = FRAG_PROVIDERS_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (frag_providers_page_parent_class)->finalize (object);
}

static void
frag_providers_page_class_init (FragProvidersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_providers_page_dispose;
  object_class->finalize = frag_providers_page_finalize;
}

static void
frag_providers_page_init (FragProvidersPage *self)
{
  GtkWidget *add_button = gtk_button_new ();
  GtkWidget *add_content = adw_button_content_new ();

  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _("Providers"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self), "network-server-symbolic");
  gtk_widget_set_name (GTK_WIDGET (self), "providers");

  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Your Providers"));
  adw_preferences_group_set_description (self->group,
                                         _("OpenAI-compatible services you added; their models "
                                           "appear in the model picker"));
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (add_content), "list-add-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (add_content), _("Add Provider…"));
  gtk_button_set_child (GTK_BUTTON (add_button), add_content);
  gtk_widget_add_css_class (add_button, "flat");
  g_signal_connect (add_button, "clicked", G_CALLBACK (on_add_clicked_cb), self);
  adw_preferences_group_set_header_suffix (self->group, add_button);

  self->empty_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->empty_row), _("No providers added yet"));
  gtk_widget_add_css_class (self->empty_row, "dim-label");
  adw_preferences_group_add (self->group, self->empty_row);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->group);
}
