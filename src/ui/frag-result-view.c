/* frag-result-view.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-result-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "frag-result-view.h"

struct _FragResultView
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkStack   *stack;
  GtkBox     *content;

  /* Owned */
  FragResult *result;
  char       *stdout_text;
  guint       n_pictures;
};

G_DEFINE_FINAL_TYPE (FragResultView, frag_result_view, GTK_TYPE_WIDGET)

GtkWidget *
frag_result_view_new (void)
{
  return g_object_new (FRAG_TYPE_RESULT_VIEW, NULL);
}

static void
clear_content (FragResultView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))))
    gtk_box_remove (self->content, child);
}

/* A heading and, under it, a widget. */
static void
add_section (FragResultView *self,
             const char     *heading,
             GtkWidget      *body)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (heading);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), body);
  gtk_box_append (self->content, box);
}

/* Output text: monospace, selectable, plain (never markup), in a card. */
static GtkWidget *
text_block (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "card");
  gtk_widget_add_css_class (label, "output-block");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* A base64 PNG or JPEG as a picture; NULL (and a debug line) when it does not decode. */
static GtkWidget *
picture_from_base64 (const char *data)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *picture;
  guchar *decoded;
  gsize length = 0;

  decoded = g_base64_decode (data, &length);
  bytes = g_bytes_new_take (decoded, length);
  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    {
      g_debug ("An image result did not decode: %s", error->message);
      return NULL;
    }

  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, -1,
                               MIN (gdk_texture_get_height (texture), 480));
  gtk_widget_add_css_class (picture, "card");
  return picture;
}

static void
add_items (FragResultView *self,
           FragResult     *result)
{
  GPtrArray *items = frag_result_get_items (result);

  for (guint i = 0; i < items->len; i++)
    {
      FragResultItem *item = g_ptr_array_index (items, i);
      GtkWidget *body = NULL;

      if (item->png != NULL)
        body = picture_from_base64 (item->png);
      else if (item->jpeg != NULL)
        body = picture_from_base64 (item->jpeg);

      if (body != NULL)
        {
          self->n_pictures++;
          add_section (self, _("Figure"), body);
          continue;
        }

      /* HTML, SVG and Markdown are shown by their text form: rendering them here would
       * need a web view per result, and E2B always sends a text form alongside. */
      if (item->text != NULL)
        add_section (self, item->is_main_result ? _("Result") : _("Output"),
                     text_block (item->text, NULL));
    }
}

void
frag_result_view_set_result (FragResultView *self,
                             FragResult     *result)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_return_if_fail (FRAG_IS_RESULT_VIEW (self));
  g_return_if_fail (result == NULL || FRAG_IS_RESULT (result));

  g_set_object (&self->result, result);
  g_clear_pointer (&self->stdout_text, g_free);
  self->n_pictures = 0;
  clear_content (self);

  if (result == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if (frag_result_has_error (result))
    {
      g_autofree char *headline = g_strdup_printf ("%s: %s", frag_result_get_error_name (result),
                                                   frag_result_get_error_value (result));
      const char *traceback = frag_result_get_error_traceback (result);
      g_autofree char *text = NULL;

      text = traceback != NULL && *traceback != '\0'
             ? g_strdup_printf ("%s\n\n%s", headline, traceback)
             : g_strdup (headline);
      add_section (self, _("Error"), text_block (text, "error"));
    }
  else if (frag_result_has_exit_code (result) && frag_result_get_exit_code (result) != 0)
    {
      g_autofree char *text = g_strdup_printf (_("The program exited with status %d."),
                                               frag_result_get_exit_code (result));

      add_section (self, _("Error"), text_block (text, "error"));
    }

  add_items (self, result);

  out = frag_result_dup_stdout_text (result);
  if (out != NULL && *out != '\0')
    {
      self->stdout_text = g_strdup (out);
      add_section (self, _("Standard Output"), text_block (out, NULL));
    }
  err = frag_result_dup_stderr_text (result);
  if (err != NULL && *err != '\0')
    add_section (self, _("Standard Error"), text_block (err, "warning"));

  if (gtk_widget_get_first_child (GTK_WIDGET (self->content)) == NULL)
    {
      GtkWidget *label = gtk_label_new (_("The code ran and printed nothing."));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (self->content, label);
    }

  gtk_stack_set_visible_child_name (self->stack, "result");
}

FragResult *
frag_result_view_get_result (FragResultView *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT_VIEW (self), NULL);

  return self->result;
}

guint
frag_result_view_get_n_pictures (FragResultView *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT_VIEW (self), 0);

  return self->n_pictures;
}

const char *
frag_result_view_get_stdout_text (FragResultView *self)
{
  g_return_val_if_fail (FRAG_IS_RESULT_VIEW (self), NULL);

  return self->stdout_text;
}

static void
frag_result_view_dispose (GObject *object)
{
  FragResultView *self = FRAG_RESULT_VIEW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_RESULT_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->result);
  g_clear_pointer (&self->stdout_text, g_free);

  G_OBJECT_CLASS (frag_result_view_parent_class)->dispose (object);
}

static void
frag_result_view_class_init (FragResultViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = frag_result_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/frag-result-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FragResultView, stack);
  gtk_widget_class_bind_template_child (widget_class, FragResultView, content);
}

static void
frag_result_view_init (FragResultView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
