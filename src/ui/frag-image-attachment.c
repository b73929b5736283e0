/* frag-image-attachment.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-image-attachment"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "frag-image-attachment.h"

static char *
dup_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return g_strdup (basename != NULL ? basename : "?");
}

static void
on_contents_loaded_cb (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GFile *file = G_FILE (source_object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  const char *mime_type;
  gsize length;

  bytes = g_file_load_bytes_finish (file, result, NULL, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  name = dup_display_name (file);
  length = g_bytes_get_size (bytes);
  /* Checked again: the file may have grown since its size was asked. */
  if (length > FRAG_IMAGE_ATTACHMENT_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (length);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               _("“%s” is too large to attach (%s; at most 20 MB)"), name, size);
      return;
    }
  mime_type = frag_attachment_sniff_image_type (g_bytes_get_data (bytes, NULL), length);
  if (mime_type == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("“%s” is not a PNG, JPEG, WebP or GIF image"), name);
      return;
    }
  g_task_return_pointer (task, frag_attachment_new (mime_type, bytes),
                         (GDestroyNotify)frag_attachment_free);
}

static void
on_size_queried_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GFile *file = G_FILE (source_object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GCancellable *cancellable;

  info = g_file_query_info_finish (file, result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Refused before reading: a 2 GB video picked by mistake is not loaded first. */
  if (g_file_info_get_size (info) > FRAG_IMAGE_ATTACHMENT_MAX_BYTES)
    {
      g_autofree char *name = dup_display_name (file);
      g_autofree char *size = g_format_size (g_file_info_get_size (info));

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               _("“%s” is too large to attach (%s; at most 20 MB)"), name, size);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  g_file_load_bytes_async (file, cancellable, on_contents_loaded_cb, g_steal_pointer (&task));
}

void
frag_image_attachment_load_async (GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_image_attachment_load_async);
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, cancellable, on_size_queried_cb,
                           g_steal_pointer (&task));
}

FragAttachment *
frag_image_attachment_load_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == frag_image_attachment_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

FragAttachment *
frag_image_attachment_new_from_texture (GdkTexture *texture)
{
  g_autoptr(GBytes) png = NULL;

  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);

  png = gdk_texture_save_to_png_bytes (texture);
  return frag_attachment_new ("image/png", png);
}

GtkWidget *
frag_image_attachment_new_thumbnail (const FragAttachment *attachment,
                                     int                   size)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *picture;

  g_return_val_if_fail (attachment != NULL, NULL);

  texture = gdk_texture_new_from_bytes (attachment->data, &error);
  if (texture == NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("image-x-generic-symbolic");

      g_debug ("No thumbnail for a %s attachment: %s", attachment->mime_type, error->message);
      gtk_image_set_pixel_size (GTK_IMAGE (icon), size / 2);
      gtk_widget_set_size_request (icon, size, size);
      return icon;
    }

  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  /* Square thumbnails, cropped rather than letterboxed, as file choosers show them. */
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (picture, size, size);
  gtk_widget_add_css_class (picture, "attachment-thumbnail");
  return picture;
}
