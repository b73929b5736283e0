/* frag-web-preview.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-web-preview"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "frag-preview-policy.h"
#include "frag-web-preview.h"

/* The preview shows model-written pages, so it is treated as hostile (STYLE.md §13): its
 * own ephemeral network session (no cookies, cache or storage shared with anything, and
 * nothing written to disk), no file access, no clipboard, no pop-ups, no camera or
 * microphone, no downloads, and navigation confined to the sandbox's origin. */

struct _FragWebPreview
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkStack      *stack;
  AdwStatusPage *idle_page;
  AdwStatusPage *failed_page;
  GtkButton     *reload_button;
  GtkButton     *open_in_browser_button;

  /* Owned by the stack, made on first map */
  WebKitWebView *web_view;

  /* Owned */
  char          *uri;          /* what load_uri() was given, the only origin allowed */
};

G_DEFINE_FINAL_TYPE (FragWebPreview, frag_web_preview, GTK_TYPE_WIDGET)

enum {
  OPEN_EXTERNAL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One context and one ephemeral session per process, shared by every preview (as
 * Epiphany shares its web context), created the first time a preview is shown; they
 * live until the process exits. */
static WebKitWebContext *shared_web_context;
static WebKitNetworkSession *shared_network_session;

static gboolean
on_download_decide_destination_cb (WebKitDownload *download,
                                   const char     *suggested_filename,
                                   gpointer        user_data)
{
  webkit_download_cancel (download);
  return TRUE;
}

/* Downloads are refused in decide-policy already; this catches the ones a page starts
 * by other means (e.g. an <a download> click). */
static void
on_download_started_cb (WebKitNetworkSession *session,
                        WebKitDownload       *download,
                        gpointer              user_data)
{
  g_debug ("Refusing a download started by the preview");
  g_signal_connect (download, "decide-destination",
                    G_CALLBACK (on_download_decide_destination_cb), NULL);
}

static void
ensure_shared_web_session (void)
{
  if (shared_network_session != NULL)
    return;

  shared_network_session = webkit_network_session_new_ephemeral ();
  g_signal_connect (shared_network_session, "download-started",
                    G_CALLBACK (on_download_started_cb), NULL);

  shared_web_context = webkit_web_context_new ();
  webkit_web_context_set_cache_model (shared_web_context, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
}

static gboolean
decide_navigation (FragWebPreview           *self,
                   WebKitPolicyDecision     *decision,
                   WebKitPolicyDecisionType  type)
{
  WebKitNavigationAction *action;
  FragPreviewNavigation navigation;
  const char *uri;

  action = webkit_navigation_policy_decision_get_navigation_action (
      WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));

  /* WebKitGTK 6.0 does not say whether a navigation action is the page's or an iframe's;
   * judging every one as the page's is the stricter reading for pop-ups and off-site
   * links, and the same for same-origin frames. */
  navigation = type == WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION
               ? FRAG_PREVIEW_NAVIGATION_NEW_WINDOW
               : FRAG_PREVIEW_NAVIGATION_MAIN_FRAME;

  switch (frag_preview_policy_decide (self->uri, uri, navigation))
    {
    case FRAG_PREVIEW_DECISION_ALLOW:
      webkit_policy_decision_use (decision);
      break;

    case FRAG_PREVIEW_DECISION_OPEN_EXTERNALLY:
      webkit_policy_decision_ignore (decision);
      /* Only what the user clicked is offered: a page may not nag with pop-ups. */
      if (webkit_navigation_action_is_user_gesture (action))
        g_signal_emit (self, signals[OPEN_EXTERNAL], 0, uri);
      break;

    case FRAG_PREVIEW_DECISION_BLOCK:
    default:
      g_debug ("Blocked a navigation the preview does not allow");
      webkit_policy_decision_ignore (decision);
      break;
    }

  return TRUE;
}

static gboolean
on_web_view_decide_policy_cb (FragWebPreview           *self,
                              WebKitPolicyDecision     *decision,
                              WebKitPolicyDecisionType  type,
                              WebKitWebView            *web_view)
{
  switch (type)
    {
    case WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION:
    case WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION:
      return decide_navigation (self, decision, type);

    case WEBKIT_POLICY_DECISION_TYPE_RESPONSE:
      /* What WebKit cannot show would become a download. */
      if (!webkit_response_policy_decision_is_mime_type_supported (
              WEBKIT_RESPONSE_POLICY_DECISION (decision)))
        {
          webkit_policy_decision_ignore (decision);
          return TRUE;
        }
      return FALSE;

    default:
      webkit_policy_decision_ignore (decision);
      return TRUE;
    }
}

static gboolean
on_web_view_permission_request_cb (FragWebPreview          *self,
                                   WebKitPermissionRequest *request,
                                   WebKitWebView           *web_view)
{
  webkit_permission_request_deny (request);
  return TRUE;
}

static void
show_failure (FragWebPreview *self,
              const char     *title,
              const char     *detail)
{
  g_autofree char *escaped = g_markup_escape_text (detail, -1);

  adw_status_page_set_title (self->failed_page, title);
  adw_status_page_set_description (self->failed_page, escaped);
  gtk_stack_set_visible_child_name (self->stack, "failed");
}

static void
on_web_view_process_terminated_cb (FragWebPreview                  *self,
                                   WebKitWebProcessTerminationReason reason,
                                   WebKitWebView                   *web_view)
{
  if (reason == WEBKIT_WEB_PROCESS_TERMINATED_BY_API)
    return;

  show_failure (self, _("The Preview Stopped"),
                reason == WEBKIT_WEB_PROCESS_EXCEEDED_MEMORY_LIMIT
                ? _("The page used too much memory.")
                : _("The page’s web process crashed."));
}

static gboolean
on_web_view_load_failed_cb (FragWebPreview  *self,
                            WebKitLoadEvent  load_event,
                            const char      *failing_uri,
                            GError          *error,
                            WebKitWebView   *web_view)
{
  /* A newer load replaced this one, or our own policy stopped it: not a failure. */
  if (g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED)
      || g_error_matches (error, WEBKIT_POLICY_ERROR,
                          WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE))
    return FALSE;

  show_failure (self, _("Could Not Load the Preview"), error->message);
  return TRUE;
}

static void
on_web_view_load_changed_cb (FragWebPreview  *self,
                             WebKitLoadEvent  load_event,
                             WebKitWebView   *web_view)
{
  if (load_event == WEBKIT_LOAD_COMMITTED && self->uri != NULL)
    gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->web_view));
}

static WebKitWebView *
create_web_view (void)
{
  g_autoptr(WebKitSettings) settings = NULL;

  ensure_shared_web_session ();

  settings = webkit_settings_new_with_settings (
      "enable-developer-extras", DEVELOPMENT_BUILD,
      "javascript-can-access-clipboard", FALSE,
      "javascript-can-open-windows-automatically", FALSE,
      "enable-back-forward-navigation-gestures", FALSE,
      "allow-file-access-from-file-urls", FALSE,
      "allow-universal-access-from-file-urls", FALSE,
      "allow-top-navigation-to-data-urls", FALSE,
      "enable-media-stream", FALSE,
      "enable-webrtc", FALSE,
      NULL);

  return g_object_new (WEBKIT_TYPE_WEB_VIEW,
                       "web-context", shared_web_context,
                       "network-session", shared_network_session,
                       "settings", settings,
                       "hexpand", TRUE,
                       "vexpand", TRUE,
                       NULL);
}

static void
ensure_web_view (FragWebPreview *self)
{
  if (self->web_view != NULL)
    return;

  self->web_view = create_web_view ();
  g_signal_connect_object (self->web_view, "decide-policy",
                           G_CALLBACK (on_web_view_decide_policy_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->web_view, "permission-request",
                           G_CALLBACK (on_web_view_permission_request_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->web_view, "web-process-terminated",
                           G_CALLBACK (on_web_view_process_terminated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->web_view, "load-failed",
                           G_CALLBACK (on_web_view_load_failed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->web_view, "load-changed",
                           G_CALLBACK (on_web_view_load_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->web_view), "web");
}

/* The button activates the window's win.open-in-browser (the action its "open-external"
 * toast uses too) with the sandbox's address: shown only while there is one. */
static void
update_open_in_browser_button (FragWebPreview *self)
{
  GtkActionable *button = GTK_ACTIONABLE (self->open_in_browser_button);

  gtk_widget_set_visible (GTK_WIDGET (button), self->uri != NULL);
  /* The action takes a string: never leave it named without a target. */
  if (self->uri != NULL)
    {
      gtk_actionable_set_action_target_value (button, g_variant_new_string (self->uri));
      gtk_actionable_set_action_name (button, "win.open-in-browser");
    }
  else
    {
      gtk_actionable_set_action_name (button, NULL);
      gtk_actionable_set_action_target_value (button, NULL);
    }
}

static void
on_reload_button_clicked_cb (FragWebPreview *self,
                             GtkButton      *button)
{
  if (self->web_view == NULL || self->uri == NULL)
    return;

  webkit_web_view_load_uri (self->web_view, self->uri);
}

/* Made when first shown rather than at startup: a web view starts two helper processes,
 * which a user who only reads code never needs; once shown, it stays ready. */
static void
frag_web_preview_map (GtkWidget *widget)
{
  FragWebPreview *self = FRAG_WEB_PREVIEW (widget);

  GTK_WIDGET_CLASS (frag_web_preview_parent_class)->map (widget);

  ensure_web_view (self);
}

GtkWidget *
frag_web_preview_get_open_in_browser_button (FragWebPreview *self)
{
  g_return_val_if_fail (FRAG_IS_WEB_PREVIEW (self), NULL);

  return GTK_WIDGET (self->open_in_browser_button);
}

GtkWidget *
frag_web_preview_new (void)
{
  return g_object_new (FRAG_TYPE_WEB_PREVIEW, NULL);
}

WebKitWebView *
frag_web_preview_get_web_view (FragWebPreview *self)
{
  g_return_val_if_fail (FRAG_IS_WEB_PREVIEW (self), NULL);

  return self->web_view;
}

const char *
frag_web_preview_get_uri (FragWebPreview *self)
{
  g_return_val_if_fail (FRAG_IS_WEB_PREVIEW (self), NULL);

  return self->uri;
}

void
frag_web_preview_load_uri (FragWebPreview *self,
                           const char     *uri)
{
  g_return_if_fail (FRAG_IS_WEB_PREVIEW (self));
  g_return_if_fail (uri != NULL);

  ensure_web_view (self);
  g_free (self->uri);
  self->uri = g_strdup (uri);
  update_open_in_browser_button (self);
  webkit_web_view_load_uri (self->web_view, uri);
}

void
frag_web_preview_clear (FragWebPreview *self)
{
  g_return_if_fail (FRAG_IS_WEB_PREVIEW (self));

  g_clear_pointer (&self->uri, g_free);
  update_open_in_browser_button (self);
  gtk_stack_set_visible_child_name (self->stack, "idle");
  if (self->web_view != NULL)
    webkit_web_view_load_uri (self->web_view, "about:blank");
}

static void
frag_web_preview_dispose (GObject *object)
{
  FragWebPreview *self = FRAG_WEB_PREVIEW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FRAG_TYPE_WEB_PREVIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  self->web_view = NULL;

  G_OBJECT_CLASS (frag_web_preview_parent_class)->dispose (object);
}

static void
frag_web_preview_finalize (GObject *object)
{
  FragWebPreview *self = FRAG_WEB_PREVIEW (object);

  g_clear_pointer (&self->uri, g_free);

  G_OBJECT_CLASS (frag_web_preview_parent_class)->finalize (object);
}

static void
frag_web_preview_class_init (FragWebPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = frag_web_preview_dispose;
  object_class->finalize = frag_web_preview_finalize;
  widget_class->map = frag_web_preview_map;

  /**
   * FragWebPreview::open-external:
   * @uri: the http(s) URI the user clicked
   *
   * The user clicked a link to another site, or one that opens a new window. The
   * preview did not follow it; the window may offer to open it in the browser.
   */
  signals[OPEN_EXTERNAL] =
    g_signal_new ("open-external",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/frag-web-preview.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FragWebPreview, stack);
  gtk_widget_class_bind_template_child (widget_class, FragWebPreview, idle_page);
  gtk_widget_class_bind_template_child (widget_class, FragWebPreview, failed_page);
  gtk_widget_class_bind_template_child (widget_class, FragWebPreview, reload_button);
  gtk_widget_class_bind_template_child (widget_class, FragWebPreview, open_in_browser_button);
  gtk_widget_class_bind_template_callback (widget_class, on_reload_button_clicked_cb);
}

static void
frag_web_preview_init (FragWebPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
