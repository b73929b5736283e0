/* frag-window-export.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The user's work leaving the window: Save Fragment As… (the fragment JSON with the
 * editor's unsaved edits), Export Project… (the stored conversation as a folder that runs
 * without Fragment Studio) and Copy Code (the file on screen, to the clipboard). */

#define G_LOG_DOMAIN "frag-window-export"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "frag-errors.h"
#include "frag-history-export.h"
#include "frag-window-private.h"

/* ---- Save Fragment As… ----------------------------------------------------------- */

static char *
display_name_of (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return g_filename_display_name (basename != NULL ? basename : "");
}

static void
on_fragment_written_cb (GObject      *source_object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragWindow *self = g_task_get_source_object (task);
  GFile *file = G_FILE (source_object);
  g_autofree char *name = display_name_of (file);
  g_autofree char *text = NULL;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: the first %s is a file name, the second says what went wrong. */
          text = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
          _frag_window_show_toast (self, text, NULL, NULL);
        }
      g_task_return_error (task, error);
      return;
    }

  /* Translators: %s is a file name. */
  text = g_strdup_printf (_("Saved to “%s”"), name);
  _frag_window_show_toast (self, text, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

void
frag_window_save_fragment_async (FragWindow          *self,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FragFragment) edited = NULL;
  g_autoptr(GBytes) contents = NULL;
  char *json;

  g_return_if_fail (FRAG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* The task holds the window until the write ends: closing the window must not lose
   * the user's work halfway, and the outcome still gets its toast. */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_window_save_fragment_async);

  if (frag_fragment_view_get_fragment (self->fragment_view) == NULL)
    {
      g_task_return_new_error (task, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_MISSING_FIELD,
                               "%s", _("There is no fragment to save"));
      return;
    }

  edited = _frag_window_dup_edited_fragment (self);
  json = frag_fragment_to_json (edited, TRUE);
  contents = g_bytes_new_take (json, strlen (json));

  g_file_replace_contents_bytes_async (file, contents, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                                       on_fragment_written_cb, g_steal_pointer (&task));
}

gboolean
frag_window_save_fragment_finish (FragWindow    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (FRAG_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == frag_window_save_fragment_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* "Damped sine wave" → "damped-sine-wave.json": lower case, words joined by dashes,
 * nothing a file system could object to. */
static char *
suggest_file_name (FragFragment *fragment)
{
  const char *title = frag_fragment_get_title (fragment);
  g_autofree char *lower = g_utf8_strdown (title != NULL ? title : "", -1);
  GString *name = g_string_new (NULL);

  for (const char *p = lower; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        g_string_append_unichar (name, c);
      else if (name->len > 0 && name->str[name->len - 1] != '-')
        g_string_append_c (name, '-');
    }
  while (name->len > 0 && name->str[name->len - 1] == '-')
    g_string_truncate (name, name->len - 1);
  if (name->len == 0)
    g_string_append (name, "fragment");
  g_string_append (name, ".json");

  return g_string_free (name, FALSE);
}

static void
forget_save_chooser (FragWindow *self)
{
  if (self->save_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->save_chooser));
  g_clear_object (&self->save_chooser);
}

static void
on_save_chooser_response_cb (FragWindow           *self,
                             int                   response,
                             GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->save_chooser);

  if (file != NULL)
    frag_window_save_fragment_async (self, file, NULL, NULL, NULL);
}

static GtkFileChooserNative *
new_chooser (FragWindow           *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept_label)
{
  GtkFileChooserNative *chooser;

  /* One dialog at a time: a new one replaces the one still up. */
  forget_save_chooser (self);
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                         accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  return chooser;
}

static void
frag_window_actions_save_as (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);
  FragFragment *fragment = frag_fragment_view_get_fragment (self->fragment_view);
  g_autoptr(GtkFileFilter) json_filter = NULL;
  g_autofree char *suggested = NULL;

  if (fragment == NULL)
    return;

  self->save_chooser = new_chooser (self, _("Save Fragment As"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                    _("_Save"));

  json_filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (json_filter, _("Fragments (JSON)"));
  gtk_file_filter_add_mime_type (json_filter, "application/json");
  gtk_file_filter_add_suffix (json_filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->save_chooser), json_filter);

  suggested = suggest_file_name (fragment);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->save_chooser), suggested);

  g_signal_connect_object (self->save_chooser, "response",
                           G_CALLBACK (on_save_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
}

/* ---- Export Project… ------------------------------------------------------------- */

static void
on_project_exported_cb (GObject      *source_object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragWindow *self = g_task_get_source_object (task);
  GFile *folder = g_task_get_task_data (task);
  g_autofree char *name = display_name_of (folder);
  g_autofree char *text = NULL;
  GError *error = NULL;

  if (!frag_history_export_conversation_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: the first %s is a folder name, the second says what went wrong. */
          text = g_strdup_printf (_("Could not export to “%s”: %s"), name, error->message);
          _frag_window_show_toast (self, text, NULL, NULL);
        }
      g_task_return_error (task, error);
      return;
    }

  /* Translators: %s is a folder name. */
  text = g_strdup_printf (_("Project exported to “%s”"), name);
  _frag_window_show_toast (self, text, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_conversation_loaded_cb (GObject      *source_object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FragWindow *self = g_task_get_source_object (task);
  GFile *folder = g_task_get_task_data (task);
  g_autoptr(FragStoredConversation) stored = NULL;
  g_autofree char *path = g_file_get_path (folder);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GError *error = NULL;

  stored = frag_history_load_conversation_finish (FRAG_HISTORY (source_object), result, &error);
  if (stored == NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s says what went wrong. */
      text = g_strdup_printf (_("Could not export the project: %s"), error->message);
      _frag_window_show_toast (self, text, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }

  frag_history_export_conversation_async (stored,
                                          FRAG_IS_APPLICATION (app)
                                          ? frag_application_get_templates (FRAG_APPLICATION (app))
                                          : NULL,
                                          path, g_task_get_cancellable (task),
                                          on_project_exported_cb, g_object_ref (task));
}

void
frag_window_export_project_async (FragWindow          *self,
                                  GFile               *folder,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FragConversation *conversation;
  GtkApplication *app;
  FragHistory *history = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (FRAG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_window_export_project_async);
  g_task_set_task_data (task, g_object_ref (folder), g_object_unref);

  conversation = frag_window_get_conversation (self);
  app = gtk_window_get_application (GTK_WINDOW (self));
  if (FRAG_IS_APPLICATION (app))
    history = frag_application_get_history (FRAG_APPLICATION (app));

  /* The export writes plain files with POSIX paths; a folder only reachable through a
   * GVfs URI has none. */
  path = g_file_get_path (folder);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s",
                               _("The folder is not on this computer"));
      return;
    }

  if (conversation == NULL || history == NULL || frag_conversation_get_id (conversation) <= 0)
    {
      g_task_return_new_error (task, FRAG_HISTORY_ERROR, FRAG_HISTORY_ERROR_NOT_FOUND, "%s",
                               _("This conversation is not saved in the history yet"));
      return;
    }

  frag_history_load_conversation_async (history, frag_conversation_get_id (conversation),
                                        cancellable, on_conversation_loaded_cb,
                                        g_steal_pointer (&task));
}

gboolean
frag_window_export_project_finish (FragWindow    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (FRAG_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == frag_window_export_project_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_export_chooser_response_cb (FragWindow           *self,
                               int                   response,
                               GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) folder = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->save_chooser);

  if (folder != NULL)
    frag_window_export_project_async (self, folder, NULL, NULL, NULL);
}

static void
frag_window_actions_export_project (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *param)
{
  FragWindow *self = FRAG_WINDOW (widget);

  self->save_chooser = new_chooser (self, _("Export Project"),
                                    GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"));
  g_signal_connect_object (self->save_chooser, "response",
                           G_CALLBACK (on_export_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
}

/* ---- Copy Code ------------------------------------------------------------------- */

void
frag_window_copy_code (FragWindow *self)
{
  FragCodeView *code_view;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *code = NULL;

  g_return_if_fail (FRAG_IS_WINDOW (self));

  if (frag_fragment_view_get_fragment (self->fragment_view) == NULL)
    return;

  code_view = frag_fragment_view_get_code_view (self->fragment_view);
  buffer = GTK_TEXT_BUFFER (frag_code_view_get_buffer (code_view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  code = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), code);
  _frag_window_show_toast (self, _("Code copied"), NULL, NULL);
}

static void
frag_window_actions_copy_code (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *param)
{
  frag_window_copy_code (FRAG_WINDOW (widget));
}

/* Saving and copying need a fragment on screen; export follows the conversation
 * (frag-window-conversation.c). */
void
_frag_window_update_export_actions (FragWindow *self)
{
  gboolean shown = frag_fragment_view_get_state (self->fragment_view) == FRAG_FRAGMENT_VIEW_FRAGMENT;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-code", shown);
}

void
_frag_window_class_export_init (FragWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, frag_window_actions_save_as);
  gtk_widget_class_install_action (widget_class, "win.export-project", NULL,
                                   frag_window_actions_export_project);
  gtk_widget_class_install_action (widget_class, "win.copy-code", NULL,
                                   frag_window_actions_copy_code);
}

void
_frag_window_export_dispose (FragWindow *self)
{
  forget_save_chooser (self);
}
