/* frag-orphan-sandboxes.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-orphan-sandboxes"

#include "config.h"

#include <glib/gi18n.h>

#include "frag-e2b-client.h"
#include "frag-orphan-sandboxes.h"
#include "frag-window.h"

struct _FragOrphanSandboxes
{
  GObject         parent_instance;

  /* Borrowed */
  GtkApplication *application;

  /* Owned */
  FragKeyring    *keyring;
  GCancellable   *cancellable;     /* the check or the stops in progress */
  guint           check_source;
  FragE2bClient  *client;          /* made with the key the last check found */
  GPtrArray      *orphans;         /* sandbox ids (char *) */
  AdwToast       *toast;           /* while shown */
  guint           n_stopping;
  guint           n_failed;
  char           *stop_error;      /* the first failure's message */
};

G_DEFINE_FINAL_TYPE (FragOrphanSandboxes, frag_orphan_sandboxes, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_ORPHANS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
frag_orphan_sandboxes_dispose (GObject *object)
{
  FragOrphanSandboxes *self = FRAG_ORPHAN_SANDBOXES (object);

  frag_orphan_sandboxes_cancel (self);
  if (self->toast != NULL)
    g_signal_handlers_disconnect_by_data (self->toast, self);
  g_clear_object (&self->toast);
  g_clear_object (&self->client);
  g_clear_object (&self->keyring);

  G_OBJECT_CLASS (frag_orphan_sandboxes_parent_class)->dispose (object);
}

static void
frag_orphan_sandboxes_finalize (GObject *object)
{
  FragOrphanSandboxes *self = FRAG_ORPHAN_SANDBOXES (object);

  g_ptr_array_unref (self->orphans);
  g_free (self->stop_error);

  G_OBJECT_CLASS (frag_orphan_sandboxes_parent_class)->finalize (object);
}

static void
frag_orphan_sandboxes_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  FragOrphanSandboxes *self = FRAG_ORPHAN_SANDBOXES (object);

  switch (prop_id)
    {
    case PROP_N_ORPHANS:
      g_value_set_uint (value, self->orphans->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_orphan_sandboxes_class_init (FragOrphanSandboxesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = frag_orphan_sandboxes_dispose;
  object_class->finalize = frag_orphan_sandboxes_finalize;
  object_class->get_property = frag_orphan_sandboxes_get_property;

  properties[PROP_N_ORPHANS] =
    g_param_spec_uint ("n-orphans", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
frag_orphan_sandboxes_init (FragOrphanSandboxes *self)
{
  self->orphans = g_ptr_array_new_with_free_func (g_free);
}

FragOrphanSandboxes *
frag_orphan_sandboxes_new (GtkApplication *application,
                           FragKeyring    *keyring)
{
  FragOrphanSandboxes *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FRAG_IS_KEYRING (keyring), NULL);

  self = g_object_new (FRAG_TYPE_ORPHAN_SANDBOXES, NULL);
  self->application = application;
  self->keyring = g_object_ref (keyring);
  return self;
}

guint
frag_orphan_sandboxes_get_n_orphans (FragOrphanSandboxes *self)
{
  g_return_val_if_fail (FRAG_IS_ORPHAN_SANDBOXES (self), 0);
  return self->orphans->len;
}

AdwToast *
frag_orphan_sandboxes_get_toast (FragOrphanSandboxes *self)
{
  g_return_val_if_fail (FRAG_IS_ORPHAN_SANDBOXES (self), NULL);
  return self->toast;
}

void
frag_orphan_sandboxes_cancel (FragOrphanSandboxes *self)
{
  g_return_if_fail (FRAG_IS_ORPHAN_SANDBOXES (self));

  g_clear_handle_id (&self->check_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
set_orphans (FragOrphanSandboxes *self,
             GPtrArray           *orphans)
{
  guint before = self->orphans->len;

  g_ptr_array_set_size (self->orphans, 0);
  for (guint i = 0; orphans != NULL && i < orphans->len; i++)
    g_ptr_array_add (self->orphans, g_strdup (g_ptr_array_index (orphans, i)));
  if (before != self->orphans->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ORPHANS]);
}

/* ---- the toast ---------------------------------------------------------------- */

static void
on_toast_dismissed_cb (AdwToast            *toast,
                       FragOrphanSandboxes *self)
{
  g_signal_handlers_disconnect_by_data (toast, self);
  if (self->toast == toast)
    g_clear_object (&self->toast);
}

static void
on_stop_clicked_cb (AdwToast            *toast,
                    FragOrphanSandboxes *self)
{
  frag_orphan_sandboxes_stop_all (self);
}

/* The active window, or any of ours when none is active (a test, a window not yet
 * focused); NULL when none is open. */
static FragWindow *
find_window (FragOrphanSandboxes *self)
{
  GtkWindow *active = gtk_application_get_active_window (self->application);

  if (FRAG_IS_WINDOW (active))
    return FRAG_WINDOW (active);
  for (GList *l = gtk_application_get_windows (self->application); l != NULL; l = l->next)
    if (FRAG_IS_WINDOW (l->data))
      return FRAG_WINDOW (l->data);
  return NULL;
}

/* text is plain; button_label may be NULL. */
static void
show_toast (FragOrphanSandboxes *self,
            const char          *text,
            const char          *button_label)
{
  FragWindow *window = find_window (self);
  g_autofree char *markup = g_markup_escape_text (text, -1);

  if (self->toast != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->toast, self);
      adw_toast_dismiss (self->toast);
      g_clear_object (&self->toast);
    }
  if (window == NULL)
    {
      g_debug ("No window to say it in: %s", text);
      return;
    }

  self->toast = adw_toast_new (markup);
  if (button_label != NULL)
    {
      adw_toast_set_button_label (self->toast, button_label);
      /* Money may be running: the offer stays until the user answers or dismisses it. */
      adw_toast_set_timeout (self->toast, 0);
      g_signal_connect (self->toast, "button-clicked", G_CALLBACK (on_stop_clicked_cb), self);
    }
  g_signal_connect (self->toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self);
  frag_window_add_toast (window, g_object_ref (self->toast));
}

/* ---- stopping ----------------------------------------------------------------- */

static void
report_stopped (FragOrphanSandboxes *self,
                guint                n_asked)
{
  g_autofree char *text = NULL;

  if (self->n_failed == 0)
    text = g_strdup_printf (ngettext ("Stopped %u sandbox", "Stopped %u sandboxes", n_asked), n_asked);
  else
    text = g_strdup_printf (ngettext ("Could not stop %u of %u sandbox: %s",
                                      "Could not stop %u of %u sandboxes: %s", n_asked),
                            self->n_failed, n_asked, self->stop_error);
  show_toast (self, text, NULL);
}

typedef struct
{
  FragOrphanSandboxes *self;    /* a reference */
  char                *sandbox_id;
  guint                n_asked;
} StopData;

static void
kill_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  StopData *data = user_data;
  g_autoptr(FragOrphanSandboxes) self = data->self;
  g_autofree char *sandbox_id = data->sandbox_id;
  guint n_asked = data->n_asked;
  g_autoptr(GError) error = NULL;

  g_free (data);
  self->n_stopping--;
  if (!frag_e2b_client_kill_finish (FRAG_E2B_CLIENT (source), result, &error))
    {
      /* Cancelled: the application is quitting; nobody is left to tell. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Could not stop sandbox %s: %s", sandbox_id, error->message);
      self->n_failed++;
      if (self->stop_error == NULL)
        self->stop_error = g_strdup (error->message);
    }
  else
    {
      /* Stopped: no longer an orphan. */
      for (guint i = 0; i < self->orphans->len; i++)
        if (g_str_equal (g_ptr_array_index (self->orphans, i), sandbox_id))
          {
            g_ptr_array_remove_index (self->orphans, i);
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ORPHANS]);
            break;
          }
    }

  if (self->n_stopping == 0)
    report_stopped (self, n_asked);
}

void
frag_orphan_sandboxes_stop_all (FragOrphanSandboxes *self)
{
  g_autoptr(GPtrArray) ids = NULL;

  g_return_if_fail (FRAG_IS_ORPHAN_SANDBOXES (self));

  if (self->client == NULL || self->orphans->len == 0 || self->n_stopping > 0)
    return;

  frag_orphan_sandboxes_cancel (self);
  self->cancellable = g_cancellable_new ();
  self->n_failed = 0;
  g_clear_pointer (&self->stop_error, g_free);
  ids = g_ptr_array_copy (self->orphans, (GCopyFunc)g_strdup, NULL);
  g_ptr_array_set_free_func (ids, g_free);
  self->n_stopping = ids->len;
  for (guint i = 0; i < ids->len; i++)
    {
      StopData *data = g_new0 (StopData, 1);

      data->self = g_object_ref (self);
      data->sandbox_id = g_strdup (g_ptr_array_index (ids, i));
      data->n_asked = ids->len;
      frag_e2b_client_kill_async (self->client, data->sandbox_id, self->cancellable, kill_cb, data);
    }
}

/* ---- checking ----------------------------------------------------------------- */

/* The sandbox ids the open windows' conversations use. */
static GHashTable *
collect_attached (FragOrphanSandboxes *self)
{
  GHashTable *attached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (GList *l = gtk_application_get_windows (self->application); l != NULL; l = l->next)
    {
      FragConversation *conversation;
      FragSandbox *sandbox;
      char *sandbox_id;

      if (!FRAG_IS_WINDOW (l->data))
        continue;
      conversation = frag_window_get_conversation (FRAG_WINDOW (l->data));
      sandbox = conversation != NULL ? frag_conversation_get_sandbox (conversation) : NULL;
      sandbox_id = sandbox != NULL ? frag_sandbox_dup_sandbox_id (sandbox) : NULL;
      if (sandbox_id != NULL)
        g_hash_table_add (attached, sandbox_id);
    }
  return attached;
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FragOrphanSandboxes) self = user_data;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) orphans = g_ptr_array_new ();
  g_autoptr(GHashTable) attached = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  listed = frag_e2b_client_list_app_sandboxes_finish (FRAG_E2B_CLIENT (source), result, &error);
  if (listed == NULL)
    {
      /* Offline, a revoked key: this is a courtesy, not worth an error toast. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not list the E2B sandboxes: %s", error->message);
      return;
    }

  /* Attached now, not when the check started: a conversation may have made one since. */
  attached = collect_attached (self);
  for (guint i = 0; i < listed->len; i++)
    {
      FragE2bListedSandbox *sandbox = g_ptr_array_index (listed, i);

      if (!g_hash_table_contains (attached, sandbox->sandbox_id))
        g_ptr_array_add (orphans, sandbox->sandbox_id);
    }
  set_orphans (self, orphans);
  g_debug ("%u of our sandboxes are running, %u of them orphans", listed->len, orphans->len);
  if (orphans->len == 0)
    return;

  text = g_strdup_printf (ngettext ("%u sandbox from an earlier session is still running",
                                    "%u sandboxes from earlier sessions are still running",
                                    orphans->len),
                          orphans->len);
  show_toast (self, text, ngettext ("Stop It", "Stop Them", orphans->len));
}

static void
key_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(FragOrphanSandboxes) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FragE2bConfig) config = NULL;
  g_autoptr(SoupSession) session = NULL;
  char *key;

  key = frag_keyring_resolve_key_finish (result, NULL, &error);
  if (key == NULL)
    {
      /* No E2B account: nothing of ours can run there. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No E2B key, no orphan check: %s", error->message);
      return;
    }

  config = frag_e2b_config_new_from_environment ();
  session = soup_session_new ();
  g_clear_object (&self->client);
  self->client = frag_e2b_client_new (config, key, session);
  frag_keyring_free_key (key);
  frag_e2b_client_list_app_sandboxes_async (self->client, self->cancellable, list_cb, g_object_ref (self));
}

static gboolean
check_cb (gpointer user_data)
{
  FragOrphanSandboxes *self = user_data;

  self->check_source = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  frag_keyring_resolve_key_async (self->keyring, "e2b", NULL, self->cancellable, key_cb,
                                  g_object_ref (self));
  return G_SOURCE_REMOVE;
}

void
frag_orphan_sandboxes_schedule (FragOrphanSandboxes *self,
                                guint                delay_ms)
{
  g_return_if_fail (FRAG_IS_ORPHAN_SANDBOXES (self));

  g_clear_handle_id (&self->check_source, g_source_remove);
  self->check_source = g_timeout_add (delay_ms, check_cb, self);
}
