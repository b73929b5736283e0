/* frag-fragment-view.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-fragment-view"

#include "config.h"

#include "frag-fragment-view.h"

/* The fragment side of the window: an empty state, an error page, or the fragment's
 * Code and Preview pages. An error never drops the fragment: it stays in the editor
 * (edits included) behind the error page, one click away. */

struct _FragFragmentView
{
  GtkWidget              parent_instance;

  /* Template widgets */
  GtkStack              *state_stack;
  AdwStatusPage         *error_page;
  GtkButton             *back_button;
  AdwViewStack          *pages;
  FragCodeView          *code_view;
  FragWebPreview        *web_preview;
  FragResultView        *result_view;
  FragRunPanel          *run_panel;

  /* Owned */
  FragFragment          *fragment;
  char                  *error_headline;
  char                  *error_detail;

  FragFragmentViewState  state;
  gboolean               preview_shown;
};

G_DEFINE_FINAL_TYPE (FragFragmentView, frag_fragment_view, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (FragFragmentViewState, frag_fragment_view_state,
                    G_DEFINE_ENUM_VALUE (FRAG_FRAGMENT_VIEW_EMPTY, "empty"),
                    G_DEFINE_ENUM_VALUE (FRAG_FRAGMENT_VIEW_FRAGMENT, "fragment"),
                    G_DEFINE_ENUM_VALUE (FRAG_FRAGMENT_VIEW_ERROR, "error"))

enum {
  PROP_0,
  PROP_FRAGMENT,
  PROP_STATE,
  PROP_PREVIEW_SHOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (FragFragmentView      *self,
           FragFragmentViewState  state)
{
  static const char * const page_names[] = {
    [FRAG_FRAGMENT_VIEW_EMPTY] = "empty",
    [FRAG_FRAGMENT_VIEW_FRAGMENT] = "fragment",
    [FRAG_FRAGMENT_VIEW_ERROR] = "error",
  };

  gtk_stack_set_visible_child_name (self->state_stack, page_names[state]);

  if (state != FRAG_FRAGMENT_VIEW_ERROR)
    {
      g_clear_pointer (&self->error_headline, g_free);
      g_clear_pointer (&self->error_detail, g_free);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->run_panel), state == FRAG_FRAGMENT_VIEW_FRAGMENT);

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* The preview page is on screen exactly while its widget is mapped: that takes the
 * state page, the Code / Preview switch, a folded leaflet and a hidden window into
 * account at once. */
static void
update_preview_shown (FragFragmentView *self)
{
  gboolean shown = gtk_widget_get_mapped (GTK_WIDGET (self->web_preview));

  if (self->preview_shown == shown)
    return;
  self->preview_shown = shown;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW_SHOWN]);
}

gboolean
frag_fragment_view_get_preview_shown (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), FALSE);

  return self->preview_shown;
}

static void
on_back_button_clicked_cb (FragFragmentView *self,
                           GtkButton        *button)
{
  set_state (self, self->fragment != NULL ? FRAG_FRAGMENT_VIEW_FRAGMENT : FRAG_FRAGMENT_VIEW_EMPTY);
}

GtkWidget *
frag_fragment_view_new (void)
{
  return g_object_new (FRAG_TYPE_FRAGMENT_VIEW, NULL);
}

/* TRUE when the editor's buffers hold exactly the fragment's files. */
static gboolean
editor_holds (FragFragmentView *self,
              FragFragment     *fragment)
{
  g_autoptr(GPtrArray) shown = frag_code_view_dup_files (self->code_view);
  GPtrArray *files = frag_fragment_get_files (fragment);

  if (shown->len != files->len || shown->len == 0)
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    {
      FragFragmentFile *a = g_ptr_array_index (shown, i);
      FragFragmentFile *b = g_ptr_array_index (files, i);

      if (g_strcmp0 (a->file_path, b->file_path != NULL ? b->file_path : "") != 0
          || g_strcmp0 (a->code, b->code != NULL ? b->code : "") != 0)
        return FALSE;
    }
  return TRUE;
}

void
frag_fragment_view_set_fragment (FragFragmentView *self,
                                 FragFragment     *fragment)
{
  g_return_if_fail (FRAG_IS_FRAGMENT_VIEW (self));
  g_return_if_fail (FRAG_IS_FRAGMENT (fragment));

  if (self->fragment != NULL && frag_fragment_equal (self->fragment, fragment))
    {
      set_state (self, FRAG_FRAGMENT_VIEW_FRAGMENT);
      return;
    }

  g_set_object (&self->fragment, fragment);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAGMENT]);

  if (!editor_holds (self, fragment))
    frag_code_view_set_fragment (self->code_view, fragment);
  set_state (self, FRAG_FRAGMENT_VIEW_FRAGMENT);
}

FragFragment *
frag_fragment_view_get_fragment (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), NULL);

  return self->fragment;
}

void
frag_fragment_view_show_error (FragFragmentView *self,
                               const char       *headline,
                               const char       *detail)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (FRAG_IS_FRAGMENT_VIEW (self));
  g_return_if_fail (headline != NULL);
  g_return_if_fail (detail != NULL);

  /* The description is Pango markup; the detail may quote a file's content. */
  escaped = g_markup_escape_text (detail, -1);
  adw_status_page_set_title (self->error_page, headline);
  adw_status_page_set_description (self->error_page, escaped);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->fragment != NULL);

  g_free (self->error_headline);
  self->error_headline = g_strdup (headline);
  g_free (self->error_detail);
  self->error_detail = g_strdup (detail);
  set_state (self, FRAG_FRAGMENT_VIEW_ERROR);
}

void
frag_fragment_view_show_result (FragFragmentView *self)
{
  g_return_if_fail (FRAG_IS_FRAGMENT_VIEW (self));

  adw_view_stack_set_visible_child_name (self->pages, "result");
}

FragResultView *
frag_fragment_view_get_result_view (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), NULL);

  return self->result_view;
}

FragRunPanel *
frag_fragment_view_get_run_panel (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), NULL);

  return self->run_panel;
}

void
frag_fragment_view_clear_result (FragFragmentView *self)
{
  g_return_if_fail (FRAG_IS_FRAGMENT_VIEW (self));

  frag_result_view_set_result (self->result_view, NULL);
  frag_web_preview_clear (self->web_preview);
}

FragFragmentViewState
frag_fragment_view_get_state (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), FRAG_FRAGMENT_VIEW_EMPTY);

  return self->state;
}

const char *
frag_fragment_view_get_error_headline (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), NULL);

  return self->error_headline;
}

const char *
frag_fragment_view_get_error_detail (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), NULL);

  return self->error_detail;
}

FragCodeView *
frag_fragment_view_get_code_view (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), NULL);

  return self->code_view;
}

FragWebPreview *
frag_fragment_view_get_web_preview (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), NULL);

  return self->web_preview;
}

AdwViewStack *
frag_fragment_view_get_pages (FragFragmentView *self)
{
  g_return_val_if_fail (FRAG_IS_FRAGMENT_VIEW (self), NULL);

  return self->pages;
}

void
frag_fragment_view_show_preview (FragFragmentView *self)
{
  g_return_if_fail (FRAG_IS_FRAGMENT_VIEW (self));

  adw_view_stack_set_visible_child_name (self->pages, "preview");
}

void
frag_fragment_view_show_code (FragFragmentView *self)
{
  g_return_if_fail (FRAG_IS_FRAGMENT_VIEW (self));

  adw_view_stack_set_visible_child_name (self->pages, "code");
}

static void
frag_fragment_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FragFragmentView *self = FRAG_FRAGMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_FRAGMENT:
      g_value_set_object (value, self->fragment);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PREVIEW_SHOWN:
      g_value_set_boolean (value, self->preview_shown);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_fragment_view_dispose (GObject *object)
{
  FragFragmentView *self = FRAG_FRAGMENT_VIEW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_FRAGMENT_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->fragment);

  G_OBJECT_CLASS (frag_fragment_view_parent_class)->dispose (object);
}

static void
frag_fragment_view_finalize (GObject *object)
{
  FragFragmentView *self = FRAG_FRAGMENT_VIEW (object);

  g_clear_pointer (&self->error_headline, g_free);
  g_clear_pointer (&self->error_detail, g_free);

  G_OBJECT_CLASS (frag_fragment_view_parent_class)->finalize (object);
}

static void
frag_fragment_view_class_init (FragFragmentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = frag_fragment_view_get_property;
  object_class->dispose = frag_fragment_view_dispose;
  object_class->finalize = frag_fragment_view_finalize;

  properties[PROP_FRAGMENT] =
    g_param_spec_object ("fragment", NULL, NULL,
                         FRAG_TYPE_FRAGMENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       FRAG_TYPE_FRAGMENT_VIEW_STATE, FRAG_FRAGMENT_VIEW_EMPTY,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREVIEW_SHOWN] =
    g_param_spec_boolean ("preview-shown", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/frag-fragment-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FragFragmentView, state_stack);
  gtk_widget_class_bind_template_child (widget_class, FragFragmentView, error_page);
  gtk_widget_class_bind_template_child (widget_class, FragFragmentView, back_button);
  gtk_widget_class_bind_template_child (widget_class, FragFragmentView, pages);
  gtk_widget_class_bind_template_child (widget_class, FragFragmentView, code_view);
  gtk_widget_class_bind_template_child (widget_class, FragFragmentView, web_preview);
  gtk_widget_class_bind_template_child (widget_class, FragFragmentView, result_view);
  gtk_widget_class_bind_template_child (widget_class, FragFragmentView, run_panel);
  gtk_widget_class_bind_template_callback (widget_class, on_back_button_clicked_cb);

  g_type_ensure (FRAG_TYPE_CODE_VIEW);
  g_type_ensure (FRAG_TYPE_WEB_PREVIEW);
  g_type_ensure (FRAG_TYPE_RESULT_VIEW);
  g_type_ensure (FRAG_TYPE_RUN_PANEL);
}

static void
frag_fragment_view_init (FragFragmentView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->state = FRAG_FRAGMENT_VIEW_EMPTY;
  gtk_stack_set_visible_child_name (self->state_stack, "empty");
  g_signal_connect_object (self->web_preview, "map", G_CALLBACK (update_preview_shown), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->web_preview, "unmap", G_CALLBACK (update_preview_shown), self,
                           G_CONNECT_SWAPPED);
}
