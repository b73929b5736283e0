/* frag-window.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-window"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-error-headline.h"
#include "frag-settings.h"
#include "frag-window-private.h"

G_DEFINE_FINAL_TYPE (FragWindow, frag_window, ADW_TYPE_APPLICATION_WINDOW)

/* What one open needs from start to end: the file, and the cancellable of this open,
 * which both the caller's cancellable and a later open (or dispose) cancel. The window
 * is held weakly (STYLE.md §8): an open in flight must not keep a closed window alive,
 * so the task has no source object and the window is looked up when results arrive. */
typedef struct
{
  GWeakRef      window;
  GFile        *file;
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong        caller_handler;
} OpenData;

static void
open_data_free (OpenData *data)
{
  if (data->caller_handler != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_handler);
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->file);
  g_weak_ref_clear (&data->window);
  g_free (data);
}

/* What the parse worker reads: copies, never the window. */
typedef struct
{
  GBytes  *contents;
  char   **known_templates;
} ParseData;

static void
parse_data_free (ParseData *data)
{
  g_clear_pointer (&data->contents, g_bytes_unref);
  g_clear_pointer (&data->known_templates, g_strfreev);
  g_free (data);
}

FragWindow *
frag_window_new (FragApplication *application)
{
  g_return_val_if_fail (FRAG_IS_APPLICATION (application), NULL);

  return g_object_new (FRAG_TYPE_WINDOW, "application", application, NULL);
}

FragFragmentView *
frag_window_get_fragment_view (FragWindow *self)
{
  g_return_val_if_fail (FRAG_IS_WINDOW (self), NULL);

  return self->fragment_view;
}

FragConversation *
frag_window_get_conversation (FragWindow *self)
{
  g_return_val_if_fail (FRAG_IS_WINDOW (self), NULL);

  return self->creating ? NULL : self->conversation;
}

void
frag_window_add_toast (FragWindow *self,
                       AdwToast   *toast)
{
  g_return_if_fail (FRAG_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

gboolean
frag_window_is_empty (FragWindow *self)
{
  g_return_val_if_fail (FRAG_IS_WINDOW (self), FALSE);

  return self->open_cancellable == NULL
         && frag_fragment_view_get_fragment (self->fragment_view) == NULL;
}

void
_frag_window_show_toast (FragWindow *self,
                         const char *text,
                         const char *button_label,
                         const char *action_name)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (markup);

  /* Toast titles are Pango markup; the text quotes messages from the layers below. */
  if (button_label != NULL && action_name != NULL)
    {
      adw_toast_set_button_label (toast, button_label);
      adw_toast_set_action_name (toast, action_name);
      adw_toast_set_timeout (toast, 10);
    }
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_frag_window_set_title_from_fragment (FragWindow   *self,
                                      FragFragment *fragment)
{
  const char *title = frag_fragment_get_title (fragment);
  const char *description = frag_fragment_get_description (fragment);

  if (title == NULL || *title == '\0')
    title = _("Untitled Fragment");

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, description != NULL ? description : "");
  /* The subtitle is one ellipsized line; the tooltip has the whole description. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), description);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
show_fragment (FragWindow   *self,
               FragFragment *fragment)
{
  frag_fragment_view_set_fragment (self->fragment_view, fragment);
  /* An opened file's app is not the last run's result. */
  frag_fragment_view_clear_result (self->fragment_view);
  frag_fragment_view_show_code (self->fragment_view);
  _frag_window_set_title_from_fragment (self, fragment);
  adw_leaflet_set_visible_child (self->leaflet, self->fragment_pane);
}

static void
show_open_error (FragWindow   *self,
                 GFile        *file,
                 const GError *error)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *name = g_filename_display_name (basename);
  g_autofree char *toast_text = NULL;
  g_autofree char *toast_markup = NULL;
  g_autofree char *detail = NULL;
  AdwToast *toast;

  /* Translators: the first %s is a file name, the second says what is wrong with it. */
  toast_text = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
  /* Toast titles are Pango markup; file names and messages may contain '<' or '&'. */
  toast_markup = g_markup_escape_text (toast_text, -1);
  toast = adw_toast_new (toast_markup);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);

  /* Translators: the first %s is a file name, the second says what is wrong with it. */
  detail = g_strdup_printf (_("“%s”: %s"), name, error->message);
  frag_fragment_view_show_error (self->fragment_view, frag_error_headline (error), detail);
  adw_leaflet_set_visible_child (self->leaflet, self->fragment_pane);
}

/* Runs in a worker thread: parsing and validating touch only the copies in ParseData. */
static void
parse_fragment_worker (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ParseData *data = task_data;
  g_autoptr(FragFragment) fragment = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *contents = g_bytes_get_data (data->contents, &length);

  fragment = frag_fragment_new_from_data (contents, length, &error);
  if (fragment != NULL
      && !frag_fragment_validate (fragment, (const char * const *)data->known_templates, &error))
    g_clear_object (&fragment);

  if (fragment == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&fragment), g_object_unref);
}

static void
finish_open (GTask  *task,
             GError *error)
{
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(FragWindow) self = g_weak_ref_get (&data->window);

  /* Cancelled: a newer open or dispose took over, so the window's widgets are not ours
   * to touch. Only our own cancellable is let go, if it is still the current one. */
  if (self == NULL || g_cancellable_is_cancelled (data->cancellable))
    {
      if (self != NULL && self->open_cancellable == data->cancellable)
        g_clear_object (&self->open_cancellable);
      g_clear_error (&error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                               "Opening the fragment was cancelled");
      return;
    }

  if (self->open_cancellable == data->cancellable)
    g_clear_object (&self->open_cancellable);

  if (error != NULL)
    {
      show_open_error (self, data->file, error);
      g_task_return_error (task, error);
    }
  else
    {
      g_task_return_boolean (task, TRUE);
    }
}

static void
on_fragment_parsed_cb (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(FragFragment) fragment = NULL;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  fragment = g_task_propagate_pointer (G_TASK (result), &error);
  if (fragment != NULL && !g_cancellable_is_cancelled (data->cancellable))
    {
      g_autoptr(FragWindow) self = g_weak_ref_get (&data->window);

      if (self != NULL)
        show_fragment (self, fragment);
    }

  finish_open (task, error);
}

static void
on_file_loaded_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GTask) parse_task = NULL;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(FragWindow) self = NULL;
  GtkApplication *application;
  ParseData *parse_data;
  char *contents = NULL;
  gsize length = 0;
  GError *error = NULL;

  if (!g_file_load_contents_finish (G_FILE (source_object), result, &contents, &length, NULL,
                                    &error))
    {
      finish_open (task, error);
      return;
    }

  self = g_weak_ref_get (&data->window);
  if (self == NULL || g_cancellable_is_cancelled (data->cancellable))
    {
      g_free (contents);
      finish_open (task, NULL);
      return;
    }

  application = gtk_window_get_application (GTK_WINDOW (self));

  parse_data = g_new0 (ParseData, 1);
  parse_data->contents = g_bytes_new_take (contents, length);
  if (FRAG_IS_APPLICATION (application))
    parse_data->known_templates =
      g_strdupv ((char **)frag_application_get_known_templates (FRAG_APPLICATION (application)));

  parse_task = g_task_new (NULL, data->cancellable, on_fragment_parsed_cb, g_steal_pointer (&task));
  g_task_set_source_tag (parse_task, on_file_loaded_cb);
  g_task_set_task_data (parse_task, parse_data, (GDestroyNotify)parse_data_free);
  g_task_run_in_thread (parse_task, parse_fragment_worker);
}

static void
forward_cancel_cb (GCancellable *caller_cancellable,
                   GCancellable *own_cancellable)
{
  g_cancellable_cancel (own_cancellable);
}

void
frag_window_open_file_async (FragWindow          *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (FRAG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Only the newest open may change the window. */
  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  _frag_window_conversation_dispose (self);
  self->open_cancellable = g_cancellable_new ();

  data = g_new0 (OpenData, 1);
  g_weak_ref_init (&data->window, self);
  data->file = g_object_ref (file);
  data->cancellable = g_object_ref (self->open_cancellable);
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                                                    data->cancellable, NULL);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_window_open_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify)open_data_free);

  g_file_load_contents_async (file, data->cancellable, on_file_loaded_cb, g_steal_pointer (&task));
}

gboolean
frag_window_open_file_finish (FragWindow    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (FRAG_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == frag_window_open_file_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_fragment_view_state_cb (FragWindow       *self,
                           GParamSpec       *pspec,
                           FragFragmentView *fragment_view)
{
  FragFragmentViewState state = frag_fragment_view_get_state (fragment_view);

  /* Code and Preview only mean something while a fragment is on screen. */
  gtk_widget_set_visible (GTK_WIDGET (self->view_switcher), state == FRAG_FRAGMENT_VIEW_FRAGMENT);
  _frag_window_update_export_actions (self);
}

static void
on_preview_open_external_cb (FragWindow     *self,
                             const char     *uri,
                             FragWebPreview *web_preview)
{
  g_autofree char *markup = g_markup_escape_text (uri, -1);
  g_autofree char *title = NULL;
  AdwToast *toast;

  /* Translators: %s is a web address the previewed app tried to open. */
  title = g_strdup_printf (_("The preview does not leave its app: %s"), markup);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("Open in _Browser"));
  adw_toast_set_action_name (toast, "win.open-in-browser");
  adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Beside the history, the chat's header bar is not the window's first: the sidebar's
 * header bar has the start window buttons then. */
static void
on_flap_layout_cb (FragWindow *self,
                   GParamSpec *pspec,
                   AdwFlap    *flap)
{
  gboolean beside = adw_flap_get_reveal_flap (flap) && !adw_flap_get_folded (flap);

  adw_header_bar_set_show_start_title_buttons (self->chat_header, !beside);

  /* show-history is the user's choice for a wide window. A folded flap hides (and
   * unfolding reveals) on its own: that is not remembered, and unfolding brings the
   * choice back. Not g_settings_bind(): it would store every automatic change. */
  if (self->settings == NULL)
    return;
  if (adw_flap_get_folded (flap))
    return;
  if (pspec != NULL && g_str_equal (g_param_spec_get_name (pspec), "folded"))
    adw_flap_set_reveal_flap (flap, g_settings_get_boolean (self->settings, FRAG_SETTINGS_SHOW_HISTORY));
  else
    g_settings_set_boolean (self->settings, FRAG_SETTINGS_SHOW_HISTORY, adw_flap_get_reveal_flap (flap));
}

/* Drag a fragment file onto the window to open it. */
static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            FragWindow    *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;

  frag_window_open_file_async (self, G_FILE (files->data), NULL, NULL, NULL);
  g_slist_free (files);

  return TRUE;
}

static void
restore_window_state (FragWindow *self)
{
  int width = g_settings_get_int (self->settings, FRAG_SETTINGS_WINDOW_WIDTH);
  int height = g_settings_get_int (self->settings, FRAG_SETTINGS_WINDOW_HEIGHT);

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, FRAG_SETTINGS_WINDOW_MAXIMIZED))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* Saved once, when the window closes, rather than on every step of a resize. */
static void
save_window_state (FragWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, FRAG_SETTINGS_WINDOW_MAXIMIZED,
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  /* The unmaximized size, so unmaximizing after a restart goes back to it. */
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, FRAG_SETTINGS_WINDOW_WIDTH, width);
      g_settings_set_int (self->settings, FRAG_SETTINGS_WINDOW_HEIGHT, height);
    }
  g_settings_apply (self->settings);
}

static gboolean
frag_window_close_request (GtkWindow *window)
{
  save_window_state (FRAG_WINDOW (window));

  return GTK_WINDOW_CLASS (frag_window_parent_class)->close_request (window);
}

static void
frag_window_dispose (GObject *object)
{
  FragWindow *self = FRAG_WINDOW (object);

  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  _frag_window_conversation_dispose (self);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  _frag_window_export_dispose (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_WINDOW);

  G_OBJECT_CLASS (frag_window_parent_class)->dispose (object);
}

/* GtkWindow:application is set after construction: the application's services are
 * reachable once it is. */
static void
on_application_cb (FragWindow *self,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  if (gtk_window_get_application (GTK_WINDOW (self)) == NULL || self->cancellable != NULL)
    return;

  _frag_window_conversation_init (self);
}

static void
frag_window_finalize (GObject *object)
{
  FragWindow *self = FRAG_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (frag_window_parent_class)->finalize (object);
}

static void
frag_window_class_init (FragWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = frag_window_dispose;
  object_class->finalize = frag_window_finalize;
  window_class->close_request = frag_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/frag-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FragWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, history_sidebar);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, chat_header);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, chat_pane);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, fragment_pane);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, fragment_view);
  gtk_widget_class_bind_template_child (widget_class, FragWindow, chat_view);
  gtk_widget_class_bind_template_callback (widget_class, on_fragment_view_state_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_flap_layout_cb);

  _frag_window_class_actions_init (klass);
  _frag_window_class_conversation_init (klass);
  _frag_window_class_export_init (klass);

  g_type_ensure (FRAG_TYPE_FRAGMENT_VIEW);
  g_type_ensure (FRAG_TYPE_CHAT_VIEW);
  g_type_ensure (FRAG_TYPE_HISTORY_SIDEBAR);
}

static void
frag_window_init (FragWindow *self)
{
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new (FRAG_SETTINGS_SCHEMA_ID);
  restore_window_state (self);
  adw_flap_set_reveal_flap (self->flap, g_settings_get_boolean (self->settings, FRAG_SETTINGS_SHOW_HISTORY));

  adw_view_switcher_set_stack (self->view_switcher,
                               frag_fragment_view_get_pages (self->fragment_view));
  gtk_widget_set_visible (GTK_WIDGET (self->view_switcher), FALSE);
  _frag_window_update_export_actions (self);
  /* Enabled once the conversation is in the history (frag-window-conversation.c). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-project", FALSE);

  g_signal_connect_object (frag_fragment_view_get_web_preview (self->fragment_view),
                           "open-external", G_CALLBACK (on_preview_open_external_cb), self,
                           G_CONNECT_SWAPPED);

  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop_target, "drop", G_CALLBACK (on_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_cb), NULL);

  /* A chat app opens ready to type into; otherwise the first key press lands on
   * whichever button GTK focuses first. */
  frag_chat_view_focus_composer (self->chat_view);
}
