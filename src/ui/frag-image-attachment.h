/* frag-image-attachment.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "frag-history-records.h"

G_BEGIN_DECLS

/* Images a user attaches to a prompt (the composer's Attach Image… and paste): read,
 * checked and shown as thumbnails. The bytes go to the model as they are. */

/* Larger files are refused: providers reject them (OpenAI and Anthropic cap images
 * at 20 MB and less), and they would sit base64-encoded in every later request. */
#define FRAG_IMAGE_ATTACHMENT_MAX_BYTES (20 * 1000 * 1000)

/* Reads file without blocking. Errors: G_IO_ERROR_MESSAGE_TOO_LARGE above the limit,
 * G_IO_ERROR_INVALID_DATA when it is not one of the image types, or the read's own. */
void            frag_image_attachment_load_async      (GFile                *file,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
FragAttachment *frag_image_attachment_load_finish     (GAsyncResult         *result,
                                                       GError              **error);
/* A PNG attachment of what the clipboard held. */
FragAttachment *frag_image_attachment_new_from_texture (GdkTexture          *texture);
/* A size×size picture of the image (or a generic image icon when GTK cannot decode
 * it, e.g. a WebP without the pixbuf loader): never NULL. */
GtkWidget      *frag_image_attachment_new_thumbnail   (const FragAttachment *attachment,
                                                       int                   size);

G_END_DECLS
