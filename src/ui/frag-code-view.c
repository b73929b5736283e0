/* frag-code-view.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-code-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "frag-code-view.h"

/* One file of the fragment and the buffer that holds it, edits included. */
typedef struct
{
  char            *file_path;
  GtkSourceBuffer *buffer;
} CodeFile;

struct _FragCodeView
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkBox        *file_bar;
  GtkLabel      *file_label;
  GtkDropDown   *file_chooser;
  GtkLabel      *language_label;
  GtkButton     *copy_button;
  GtkSourceView *source_view;

  /* Owned */
  GArray        *files;           /* of CodeFile, in fragment order */
  GtkStringList *file_paths;      /* the drop-down's model, same order */
};

G_DEFINE_FINAL_TYPE (FragCodeView, frag_code_view, GTK_TYPE_WIDGET)

static void
code_file_clear (CodeFile *file)
{
  g_clear_pointer (&file->file_path, g_free);
  g_clear_object (&file->buffer);
}

/* Indentation the language's own community style guide uses; anything not listed
 * gets four spaces. */
static const struct
{
  const char *language_id;
  guint       tab_width;
  gboolean    use_spaces;
} indent_styles[] = {
  { "css", 2, TRUE },
  { "go", 8, FALSE },
  { "html", 2, TRUE },
  { "js", 2, TRUE },
  { "json", 2, TRUE },
  { "jsx", 2, TRUE },
  { "makefile", 8, FALSE },
  { "scss", 2, TRUE },
  { "typescript", 2, TRUE },
  { "typescript-jsx", 2, TRUE },
  { "yaml", 2, TRUE },
};

const char *
frag_code_view_language_for_path (const char *file_path)
{
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *language = NULL;
  g_autofree char *content_type = NULL;
  const char *id;

  g_return_val_if_fail (file_path != NULL, NULL);

  /* Vue single-file components are HTML with script and style sections; GtkSourceView
   * 5.6 has no Vue language and would leave them plain. */
  if (g_str_has_suffix (file_path, ".vue"))
    return "html";

  /* Guessing the content type from the name alone reads no file. */
  content_type = g_content_type_guess (file_path, NULL, 0, NULL);
  language = gtk_source_language_manager_guess_language (manager, file_path, content_type);
  if (language == NULL)
    return NULL;

  id = gtk_source_language_get_id (language);

  /* GtkSourceView 5.6 gives *.py to both "python" (Python 2) and "python3" and picks
   * Python 2. Every template runs Python 3, whose grammar differs (print, f-strings). */
  if (g_str_equal (id, "python") && gtk_source_language_manager_get_language (manager, "python3"))
    return "python3";

  return id;
}

static void
apply_indent_style (FragCodeView      *self,
                    GtkSourceLanguage *language)
{
  const char *id = language != NULL ? gtk_source_language_get_id (language) : NULL;
  guint tab_width = 4;
  gboolean use_spaces = TRUE;

  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (indent_styles); i++)
    {
      if (g_str_equal (id, indent_styles[i].language_id))
        {
          tab_width = indent_styles[i].tab_width;
          use_spaces = indent_styles[i].use_spaces;
          break;
        }
    }

  gtk_source_view_set_tab_width (self->source_view, tab_width);
  gtk_source_view_set_indent_width (self->source_view, -1);
  gtk_source_view_set_insert_spaces_instead_of_tabs (self->source_view, use_spaces);
}

/* "Adwaita"/"Adwaita-dark" match libadwaita's colours; "classic"/"oblivion" ship with
 * every GtkSourceView, in case a distribution leaves the Adwaita schemes out. */
static GtkSourceStyleScheme *
pick_style_scheme (gboolean dark)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (manager, dark ? "Adwaita-dark" : "Adwaita");
  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (manager, dark ? "oblivion" : "classic");

  return scheme;
}

static void
apply_style_scheme (FragCodeView *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkSourceStyleScheme *scheme = pick_style_scheme (dark);
  GtkTextBuffer *shown;

  /* The style manager outlives us and may notify between dispose and finalize. */
  if (self->files == NULL)
    return;

  shown = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (shown), scheme);
  for (guint i = 0; i < self->files->len; i++)
    gtk_source_buffer_set_style_scheme (g_array_index (self->files, CodeFile, i).buffer, scheme);
}

static void
on_style_manager_dark_cb (FragCodeView    *self,
                          GParamSpec      *pspec,
                          AdwStyleManager *style_manager)
{
  apply_style_scheme (self);
}

static void
show_file (FragCodeView *self,
           guint         index)
{
  CodeFile *file;
  GtkSourceLanguage *language;

  g_assert (index < self->files->len);

  file = &g_array_index (self->files, CodeFile, index);
  language = gtk_source_buffer_get_language (file->buffer);

  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->source_view), GTK_TEXT_BUFFER (file->buffer));
  gtk_label_set_label (self->file_label, file->file_path);
  gtk_label_set_label (self->language_label,
                       language != NULL
                       ? gtk_source_language_get_name (language)
                       : _("Plain Text"));
  apply_indent_style (self, language);

  if (gtk_drop_down_get_selected (self->file_chooser) != index)
    gtk_drop_down_set_selected (self->file_chooser, index);
}

static void
on_file_chooser_selected_cb (FragCodeView *self,
                             GParamSpec   *pspec,
                             GtkDropDown  *file_chooser)
{
  guint selected = gtk_drop_down_get_selected (file_chooser);

  if (selected < self->files->len)
    show_file (self, selected);
}

static GtkSourceBuffer *
create_buffer (const char *file_path,
               const char *code)
{
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  const char *language_id = frag_code_view_language_for_path (file_path);
  GtkSourceBuffer *buffer = gtk_source_buffer_new (NULL);
  GtkTextIter start;

  if (language_id != NULL)
    {
      GtkSourceLanguage *language;

      language = gtk_source_language_manager_get_language (manager, language_id);
      gtk_source_buffer_set_language (buffer, language);
    }

  /* Loading is not an edit the user could undo. */
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (buffer), code != NULL ? code : "", -1);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (buffer));
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (buffer), FALSE);

  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (buffer), &start);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (buffer), &start);

  return buffer;
}

void
frag_code_view_set_fragment (FragCodeView *self,
                             FragFragment *fragment)
{
  GPtrArray *files;
  g_autoptr(GPtrArray) paths = NULL;

  g_return_if_fail (FRAG_IS_CODE_VIEW (self));
  g_return_if_fail (FRAG_IS_FRAGMENT (fragment));

  files = frag_fragment_get_files (fragment);
  g_array_set_size (self->files, 0);
  paths = g_ptr_array_new ();

  for (guint i = 0; i < files->len; i++)
    {
      FragFragmentFile *fragment_file = g_ptr_array_index (files, i);
      CodeFile file;

      file.file_path = g_strdup (fragment_file->file_path != NULL ? fragment_file->file_path : "");
      file.buffer = create_buffer (file.file_path, fragment_file->code);
      g_array_append_val (self->files, file);
      g_ptr_array_add (paths, file.file_path);
    }
  g_ptr_array_add (paths, NULL);

  /* Swapping the model resets the selection; show_file() sets it again. */
  gtk_string_list_splice (self->file_paths, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->file_paths)),
                          (const char * const *)paths->pdata);

  /* One file: its path as a label. Several: a drop-down to switch between them. */
  gtk_widget_set_visible (GTK_WIDGET (self->file_label), self->files->len <= 1);
  gtk_widget_set_visible (GTK_WIDGET (self->file_chooser), self->files->len > 1);

  apply_style_scheme (self);
  if (self->files->len > 0)
    show_file (self, 0);
}

GtkSourceBuffer *
frag_code_view_get_buffer (FragCodeView *self)
{
  g_return_val_if_fail (FRAG_IS_CODE_VIEW (self), NULL);

  return GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
}

gboolean
frag_code_view_select_file (FragCodeView *self,
                            const char   *file_path)
{
  g_return_val_if_fail (FRAG_IS_CODE_VIEW (self), FALSE);
  g_return_val_if_fail (file_path != NULL, FALSE);

  for (guint i = 0; i < self->files->len; i++)
    {
      if (g_str_equal (g_array_index (self->files, CodeFile, i).file_path, file_path))
        {
          show_file (self, i);
          return TRUE;
        }
    }

  return FALSE;
}

GPtrArray *
frag_code_view_dup_files (FragCodeView *self)
{
  GPtrArray *result;

  g_return_val_if_fail (FRAG_IS_CODE_VIEW (self), NULL);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_fragment_file_free);
  for (guint i = 0; i < self->files->len; i++)
    {
      CodeFile *file = &g_array_index (self->files, CodeFile, i);
      GtkTextIter start, end;
      g_autofree char *code = NULL;

      gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (file->buffer), &start, &end);
      code = gtk_text_buffer_get_text (GTK_TEXT_BUFFER (file->buffer), &start, &end, TRUE);
      g_ptr_array_add (result, frag_fragment_file_new (file->file_path, code));
    }

  return result;
}

GtkWidget *
frag_code_view_new (void)
{
  return g_object_new (FRAG_TYPE_CODE_VIEW, NULL);
}

static void
frag_code_view_dispose (GObject *object)
{
  FragCodeView *self = FRAG_CODE_VIEW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_CODE_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_pointer (&self->files, g_array_unref);
  g_clear_object (&self->file_paths);

  G_OBJECT_CLASS (frag_code_view_parent_class)->dispose (object);
}

static void
frag_code_view_class_init (FragCodeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = frag_code_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/frag-code-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "codeview");
  gtk_widget_class_bind_template_child (widget_class, FragCodeView, file_bar);
  gtk_widget_class_bind_template_child (widget_class, FragCodeView, file_label);
  gtk_widget_class_bind_template_child (widget_class, FragCodeView, file_chooser);
  gtk_widget_class_bind_template_child (widget_class, FragCodeView, language_label);
  gtk_widget_class_bind_template_child (widget_class, FragCodeView, copy_button);
  gtk_widget_class_bind_template_child (widget_class, FragCodeView, source_view);
  gtk_widget_class_bind_template_callback (widget_class, on_file_chooser_selected_cb);

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
}

static void
frag_code_view_init (FragCodeView *self)
{
  GtkSourceBuffer *empty;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->files = g_array_new (FALSE, TRUE, sizeof (CodeFile));
  g_array_set_clear_func (self->files, (GDestroyNotify)code_file_clear);

  self->file_paths = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->file_chooser, G_LIST_MODEL (self->file_paths));

  /* The view starts with a buffer of its own, so get_buffer() is never NULL. */
  empty = gtk_source_buffer_new (NULL);
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->source_view), GTK_TEXT_BUFFER (empty));
  g_object_unref (empty);
  gtk_widget_set_visible (GTK_WIDGET (self->file_chooser), FALSE);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_style_manager_dark_cb), self,
                           G_CONNECT_SWAPPED);
  apply_style_scheme (self);
}
