/* frag-e2b-client.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-e2b-client"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "frag-e2b-client.h"

/* Every sandbox request runs as the template's default user; SDK 1.x always sent it. */
#define ENVD_USER_AUTHORIZATION "Basic dXNlcjo="   /* base64 ("user:") */
/* Enough for any control-plane or error answer; more is not read into memory. */
#define MAX_JSON_BYTES (4 * 1024 * 1024)
/* stdout + stderr kept from one /execute run; E2B itself does not bound what a cell
 * prints, and the result lives in memory, the UI and the history database. */
#define MAX_EXECUTE_OUTPUT_BYTES (4 * 1024 * 1024)

struct _FragE2bClient
{
  GObject        parent_instance;

  FragE2bConfig *config;
  char          *api_key;
  SoupSession   *session;
  guint          request_count;
};

G_DEFINE_FINAL_TYPE (FragE2bClient, frag_e2b_client, G_TYPE_OBJECT)

/* ---- boxed-ish structs --------------------------------------------------------- */

FragE2bSandboxInfo *
frag_e2b_sandbox_info_copy (const FragE2bSandboxInfo *info)
{
  FragE2bSandboxInfo *copy = g_new0 (FragE2bSandboxInfo, 1);

  copy->sandbox_id = g_strdup (info->sandbox_id);
  copy->template_id = g_strdup (info->template_id);
  copy->envd_version = g_strdup (info->envd_version);
  copy->access_token = g_strdup (info->access_token);
  copy->domain = g_strdup (info->domain);
  return copy;
}

void
frag_e2b_sandbox_info_free (FragE2bSandboxInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->sandbox_id);
  g_free (info->template_id);
  g_free (info->envd_version);
  g_free (info->access_token);
  g_free (info->domain);
  g_free (info);
}

void
frag_e2b_listed_sandbox_free (FragE2bListedSandbox *sandbox)
{
  if (sandbox == NULL)
    return;
  g_free (sandbox->sandbox_id);
  g_free (sandbox->template_id);
  g_free (sandbox->state);
  g_free (sandbox->started_at);
  g_clear_pointer (&sandbox->metadata, g_hash_table_unref);
  g_free (sandbox);
}

/* ---- the client ---------------------------------------------------------------- */

static void
request_queued_cb (SoupSession   *session,
                   SoupMessage   *message,
                   FragE2bClient *self)
{
  self->request_count++;
}

static void
frag_e2b_client_finalize (GObject *object)
{
  FragE2bClient *self = (FragE2bClient *)object;

  g_clear_pointer (&self->config, frag_e2b_config_unref);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (frag_e2b_client_parent_class)->finalize (object);
}

static void
frag_e2b_client_class_init (FragE2bClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = frag_e2b_client_finalize;
}

static void
frag_e2b_client_init (FragE2bClient *self)
{
}

FragE2bClient *
frag_e2b_client_new (FragE2bConfig *config,
                     const char    *api_key,
                     SoupSession   *session)
{
  FragE2bClient *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (!session || SOUP_IS_SESSION (session), NULL);

  self = g_object_new (FRAG_TYPE_E2B_CLIENT, NULL);
  self->config = frag_e2b_config_ref (config);
  self->api_key = g_strdup (api_key);
  if (session != NULL)
    self->session = g_object_ref (session);
  else
    /* No read deadline of our own beyond the I/O timeout: envd and the interpreter send
     * keepalives (50 s, 5 s) on long streams, so 90 s of silence means a dead link. */
    self->session = soup_session_new_with_options ("timeout", 90,
                                                   "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                                   NULL);
  g_signal_connect_object (self->session, "request-queued", G_CALLBACK (request_queued_cb), self, 0);
  return self;
}

FragE2bConfig *
frag_e2b_client_get_config (FragE2bClient *self)
{
  g_return_val_if_fail (FRAG_IS_E2B_CLIENT (self), NULL);
  return self->config;
}

SoupSession *
frag_e2b_client_get_session (FragE2bClient *self)
{
  g_return_val_if_fail (FRAG_IS_E2B_CLIENT (self), NULL);
  return self->session;
}

guint
frag_e2b_client_get_request_count (FragE2bClient *self)
{
  g_return_val_if_fail (FRAG_IS_E2B_CLIENT (self), 0);
  return self->request_count;
}

char *
frag_e2b_client_dup_port_url (FragE2bClient            *self,
                              const FragE2bSandboxInfo *info,
                              int                       port)
{
  g_return_val_if_fail (FRAG_IS_E2B_CLIENT (self), NULL);
  return frag_e2b_config_dup_port_url (self->config, info->sandbox_id, port, info->domain);
}

void
frag_e2b_client_add_sandbox_headers (FragE2bClient            *self,
                                     SoupMessage              *message,
                                     const FragE2bSandboxInfo *info,
                                     int                       port)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  g_autofree char *port_text = g_strdup_printf ("%d", port);

  soup_message_headers_replace (headers, "E2b-Sandbox-Id", info->sandbox_id);
  soup_message_headers_replace (headers, "E2b-Sandbox-Port", port_text);
  if (info->access_token != NULL)
    soup_message_headers_replace (headers, "X-Access-Token", info->access_token);
}

/* ---- one request with a small JSON answer ------------------------------------- */

typedef struct
{
  SoupMessage *message;
  FragE2bCall  call;
  const char  *what;     /* static: for network errors */
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_object (&data->message);
  g_free (data);
}

static void
send_json_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  guint status;
  const char *bytes;
  gsize length;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, frag_e2b_error_from_transport (g_steal_pointer (&error), data->what));
      return;
    }
  status = soup_message_get_status (data->message);
  bytes = g_bytes_get_data (body, &length);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      const char *retry_after = soup_message_headers_get_one (soup_message_get_response_headers (data->message),
                                                              "Retry-After");

      g_task_return_error (task, frag_e2b_error_from_response (data->call, status, retry_after,
                                                               bytes, MIN (length, MAX_JSON_BYTES)));
      return;
    }
  if (length == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  parser = json_parser_new ();
  if (length > MAX_JSON_BYTES || !json_parser_load_from_data (parser, bytes, length, &error))
    {
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                               "%s answered with something that is not JSON", data->what);
      return;
    }
  g_task_return_pointer (task, json_node_ref (json_parser_get_root (parser)),
                         (GDestroyNotify)json_node_unref);
}

/* Sends message; the task returns the answer's JSON (NULL for an empty 2xx) or the
 * mapped error. */
static void
send_json_async (FragE2bClient       *self,
                 SoupMessage         *message,
                 FragE2bCall          call,
                 const char          *what,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SendData *data = g_new0 (SendData, 1);

  g_task_set_source_tag (task, source_tag);
  data->message = g_object_ref (message);
  data->call = call;
  data->what = what;
  g_task_set_task_data (task, data, (GDestroyNotify)send_data_free);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    send_json_cb, task);
}

static SoupMessage *
control_message (FragE2bClient *self,
                 const char    *method,
                 const char    *path,
                 JsonNode      *body)
{
  g_autofree char *url = g_strconcat (frag_e2b_config_get_api_url (self->config), path, NULL);
  SoupMessage *message = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  if (message == NULL)
    return NULL;
  headers = soup_message_get_request_headers (message);
  if (self->api_key != NULL)
    soup_message_headers_replace (headers, "X-API-Key", self->api_key);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (body != NULL)
    {
      g_autofree char *json = json_to_string (body, FALSE);
      gsize length = strlen (json);

      soup_message_set_request_body_from_bytes (message, "application/json",
                                                g_bytes_new_take (g_steal_pointer (&json), length));
    }
  return message;
}

static gboolean
check_key (FragE2bClient *self,
           GTask         *task)
{
  if (self->api_key != NULL && *self->api_key != '\0')
    return TRUE;
  g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_AUTH,
                           "No E2B API key: set E2B_API_KEY (or store one with "
                           "'frag keys set e2b'), or use the local backend");
  return FALSE;
}

static gboolean
check_message (GTask       *task,
               SoupMessage *message)
{
  if (message != NULL)
    return TRUE;
  g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_FAILED,
                           "The E2B URL is not valid (check E2B_API_URL, E2B_DOMAIN, "
                           "FRAG_E2B_SANDBOX_URL)");
  return FALSE;
}

/* ---- create -------------------------------------------------------------------- */

static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FragE2bSandboxInfo) info = NULL;
  JsonObject *object;

  node = g_task_propagate_pointer (G_TASK (result), &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                               "E2B's create answer is not an object");
      return;
    }
  object = json_node_get_object (node);
  info = g_new0 (FragE2bSandboxInfo, 1);
  info->sandbox_id = dup_member (object, "sandboxID");
  info->template_id = dup_member (object, "templateID");
  info->envd_version = dup_member (object, "envdVersion");
  info->access_token = dup_member (object, "envdAccessToken");
  info->domain = dup_member (object, "domain");
  if (info->sandbox_id == NULL || *info->sandbox_id == '\0')
    {
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                               "E2B's create answer has no sandboxID");
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify)frag_e2b_sandbox_info_free);
}

void
frag_e2b_client_create_async (FragE2bClient       *self,
                              const char          *template_id,
                              guint                timeout_seconds,
                              GHashTable          *metadata,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(SoupMessage) message = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (FRAG_IS_E2B_CLIENT (self));
  g_return_if_fail (template_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_e2b_client_create_async);
  if (!check_key (self, task))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "templateID");
  json_builder_add_string_value (builder, template_id);
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, timeout_seconds);
  /* secure: envd then demands our X-Access-Token, so a leaked sandbox URL is not a shell. */
  json_builder_set_member_name (builder, "secure");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "allow_internet_access");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "autoPause");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, FRAG_E2B_METADATA_APP_KEY);
  json_builder_add_string_value (builder, FRAG_E2B_METADATA_APP_VALUE);
  if (metadata != NULL)
    {
      g_hash_table_iter_init (&iter, metadata);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (g_str_equal (key, FRAG_E2B_METADATA_APP_KEY))
            continue;
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, value);
        }
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  message = control_message (self, SOUP_METHOD_POST, "/sandboxes", body);
  if (!check_message (task, message))
    return;
  send_json_async (self, message, FRAG_E2B_CALL_CREATE, "the E2B API",
                   frag_e2b_client_create_async, cancellable, create_cb, g_steal_pointer (&task));
}

FragE2bSandboxInfo *
frag_e2b_client_create_finish (FragE2bClient  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- timeout, kill ------------------------------------------------------------- */

static void
no_content_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = g_task_propagate_pointer (G_TASK (result), &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
frag_e2b_client_set_timeout_async (FragE2bClient       *self,
                                   const char          *sandbox_id,
                                   guint                seconds,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (FRAG_IS_E2B_CLIENT (self));
  g_return_if_fail (sandbox_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_e2b_client_set_timeout_async);
  if (!check_key (self, task))
    return;
  json_object_set_int_member (object, "timeout", seconds);
  json_node_set_object (body, object);
  escaped = g_uri_escape_string (sandbox_id, NULL, FALSE);
  path = g_strdup_printf ("/sandboxes/%s/timeout", escaped);
  message = control_message (self, SOUP_METHOD_POST, path, body);
  if (!check_message (task, message))
    return;
  send_json_async (self, message, FRAG_E2B_CALL_SANDBOX, "the E2B API",
                   frag_e2b_client_set_timeout_async, cancellable, no_content_cb, g_steal_pointer (&task));
}

gboolean
frag_e2b_client_set_timeout_finish (FragE2bClient  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
kill_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = g_task_propagate_pointer (G_TASK (result), &error);
  /* Already gone is what we wanted. */
  if (error != NULL && !g_error_matches (error, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_GONE))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
frag_e2b_client_kill_async (FragE2bClient       *self,
                            const char          *sandbox_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (FRAG_IS_E2B_CLIENT (self));
  g_return_if_fail (sandbox_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_e2b_client_kill_async);
  if (!check_key (self, task))
    return;
  escaped = g_uri_escape_string (sandbox_id, NULL, FALSE);
  path = g_strdup_printf ("/sandboxes/%s", escaped);
  message = control_message (self, SOUP_METHOD_DELETE, path, NULL);
  if (!check_message (task, message))
    return;
  send_json_async (self, message, FRAG_E2B_CALL_SANDBOX, "the E2B API",
                   frag_e2b_client_kill_async, cancellable, kill_cb, g_steal_pointer (&task));
}

gboolean
frag_e2b_client_kill_finish (FragE2bClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- list ---------------------------------------------------------------------- */

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) sandboxes = NULL;
  JsonArray *array;

  node = g_task_propagate_pointer (G_TASK (result), &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_task_return_new_error (task, FRAG_SANDBOX_ERROR, FRAG_SANDBOX_ERROR_SERVER,
                               "E2B's sandbox list is not an array");
      return;
    }
  sandboxes = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_e2b_listed_sandbox_free);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *metadata;
      FragE2bListedSandbox *sandbox;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      sandbox = g_new0 (FragE2bListedSandbox, 1);
      sandbox->sandbox_id = dup_member (object, "sandboxID");
      sandbox->template_id = dup_member (object, "templateID");
      sandbox->state = dup_member (object, "state");
      sandbox->started_at = dup_member (object, "startedAt");
      sandbox->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      metadata = json_object_get_member (object, "metadata");
      if (metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata))
        {
          JsonObject *pairs = json_node_get_object (metadata);
          g_autoptr(GList) names = json_object_get_members (pairs);

          for (GList *l = names; l != NULL; l = l->next)
            {
              g_autofree char *value = dup_member (pairs, l->data);

              if (value != NULL)
                g_hash_table_insert (sandbox->metadata, g_strdup (l->data), g_steal_pointer (&value));
            }
        }
      if (sandbox->sandbox_id != NULL)
        g_ptr_array_add (sandboxes, sandbox);
      else
        frag_e2b_listed_sandbox_free (sandbox);
    }
  g_task_return_pointer (task, g_steal_pointer (&sandboxes), (GDestroyNotify)g_ptr_array_unref);
}

void
frag_e2b_client_list_app_sandboxes_async (FragE2bClient       *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (FRAG_IS_E2B_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_e2b_client_list_app_sandboxes_async);
  if (!check_key (self, task))
    return;
  /* metadata is itself a query string, encoded once more as one parameter (§1.8). */
  filter = g_strdup_printf ("%s=%s", FRAG_E2B_METADATA_APP_KEY, FRAG_E2B_METADATA_APP_VALUE);
  escaped = g_uri_escape_string (filter, NULL, FALSE);
  path = g_strdup_printf ("/v2/sandboxes?metadata=%s&state=running,paused&limit=100", escaped);
  message = control_message (self, SOUP_METHOD_GET, path, NULL);
  if (!check_message (task, message))
    return;
  send_json_async (self, message, FRAG_E2B_CALL_SANDBOX, "the E2B API",
                   frag_e2b_client_list_app_sandboxes_async, cancellable, list_cb, g_steal_pointer (&task));
}

GPtrArray *
frag_e2b_client_list_app_sandboxes_finish (FragE2bClient  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- upload -------------------------------------------------------------------- */

void
frag_e2b_client_upload_async (FragE2bClient            *self,
                              const FragE2bSandboxInfo *info,
                              const char               *path,
                              GBytes                   *content,
                              GCancellable             *cancellable,
                              GAsyncReadyCallback       callback,
                              gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *base = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (FRAG_IS_E2B_CLIENT (self));
  g_return_if_fail (info != NULL);
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_e2b_client_upload_async);

  base = frag_e2b_client_dup_port_url (self, info, FRAG_E2B_ENVD_PORT);
  escaped = g_uri_escape_string (path, NULL, FALSE);
  url = g_strdup_printf ("%s/files?path=%s&username=user", base, escaped);
  multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  soup_multipart_append_form_file (multipart, "file", "blob", "application/octet-stream", content);
  message = soup_message_new_from_multipart (url, multipart);
  if (!check_message (task, message))
    return;
  frag_e2b_client_add_sandbox_headers (self, message, info, FRAG_E2B_ENVD_PORT);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                ENVD_USER_AUTHORIZATION);
  send_json_async (self, message, FRAG_E2B_CALL_ENVD, "the sandbox",
                   frag_e2b_client_upload_async, cancellable, no_content_cb, g_steal_pointer (&task));
}

gboolean
frag_e2b_client_upload_finish (FragE2bClient  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- execute (NDJSON) ---------------------------------------------------------- */

typedef struct
{
  SoupMessage      *message;
  GDataInputStream *lines;
  FragResult       *into;
  FragE2bOutputFunc output_func;
  gpointer          output_data;
  gboolean          ended;
  gsize             output_bytes;
  gboolean          truncated;
} ExecuteData;

static void
execute_data_free (ExecuteData *data)
{
  g_clear_object (&data->message);
  g_clear_object (&data->lines);
  g_clear_object (&data->into);
  g_free (data);
}

/* One NDJSON line of §5.2; unknown types are ignored. */
static void
apply_execute_line (ExecuteData *data,
                    const char  *line,
                    gsize        length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *type;

  if (!json_parser_load_from_data (parser, line, length, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  type = json_object_get_string_member_with_default (object, "type", "");

  if (g_str_equal (type, "stdout") || g_str_equal (type, "stderr"))
    {
      const char *text = json_object_get_string_member_with_default (object, "text", "");

      data->output_bytes += strlen (text);
      if (data->output_bytes > MAX_EXECUTE_OUTPUT_BYTES)
        {
          if (!data->truncated)
            frag_result_append_stderr (data->into, "\n[output truncated: the run printed more than 4 MiB]\n");
          data->truncated = TRUE;
        }
      else
        {
          FragSandboxStream stream = type[3] == 'o' ? FRAG_SANDBOX_STREAM_STDOUT : FRAG_SANDBOX_STREAM_STDERR;

          if (stream == FRAG_SANDBOX_STREAM_STDOUT)
            frag_result_append_stdout (data->into, text);
          else
            frag_result_append_stderr (data->into, text);
          if (data->output_func != NULL)
            data->output_func (stream, text, data->output_data);
        }
    }
  else if (g_str_equal (type, "result"))
    {
      g_autoptr(FragResultItem) item = frag_result_item_new_from_object (object);

      if (!frag_result_item_is_empty (item))
        frag_result_take_item (data->into, g_steal_pointer (&item));
    }
  else if (g_str_equal (type, "error"))
    frag_result_set_error (data->into,
                           json_object_get_string_member_with_default (object, "name", "Error"),
                           json_object_get_string_member_with_default (object, "value", ""),
                           json_object_get_string_member_with_default (object, "traceback", ""));
  else if (g_str_equal (type, "end_of_execution"))
    data->ended = TRUE;
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, &length, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* The connection broke mid-run: keep what arrived, say it was cut. */
      line = NULL;
    }
  if (line == NULL)
    {
      if (!data->ended)
        frag_result_set_error (data->into, "ExecutionInterrupted",
                               "The code interpreter's stream ended before the run finished "
                               "(the sandbox may have expired or restarted)", NULL);
      g_input_stream_close_async (G_INPUT_STREAM (data->lines), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (length > 0)
    apply_execute_line (data, line, length);
  if (data->ended)
    {
      g_input_stream_close_async (G_INPUT_STREAM (data->lines), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_data_input_stream_read_line_async (data->lines, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       read_line_cb, g_object_ref (task));
}

static void
execute_error_body_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  const char *bytes = body != NULL ? g_bytes_get_data (body, NULL) : NULL;
  gsize length = body != NULL ? g_bytes_get_size (body) : 0;

  g_task_return_error (task, frag_e2b_error_from_response (FRAG_E2B_CALL_EXECUTE,
                                                           soup_message_get_status (data->message),
                                                           NULL, bytes, length));
}

static void
execute_send_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExecuteData *data = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, frag_e2b_error_from_transport (g_steal_pointer (&error), "the sandbox"));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (data->message)))
    {
      g_input_stream_read_bytes_async (stream, 64 * 1024, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       execute_error_body_cb, g_object_ref (task));
      return;
    }
  data->lines = g_data_input_stream_new (stream);
  g_data_input_stream_set_newline_type (data->lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_data_input_stream_read_line_async (data->lines, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       read_line_cb, g_object_ref (task));
}

void
frag_e2b_client_execute_async (FragE2bClient            *self,
                               const FragE2bSandboxInfo *info,
                               const char               *code,
                               FragResult               *into,
                               FragE2bOutputFunc         output_func,
                               gpointer                  output_data,
                               GCancellable             *cancellable,
                               GAsyncReadyCallback       callback,
                               gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *json = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  ExecuteData *data;
  gsize length;

  g_return_if_fail (FRAG_IS_E2B_CLIENT (self));
  g_return_if_fail (info != NULL);
  g_return_if_fail (code != NULL);
  g_return_if_fail (FRAG_IS_RESULT (into));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_e2b_client_execute_async);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  json = json_to_string (body, FALSE);
  length = strlen (json);

  base = frag_e2b_client_dup_port_url (self, info, FRAG_E2B_INTERPRETER_PORT);
  url = g_strconcat (base, "/execute", NULL);
  data = g_new0 (ExecuteData, 1);
  data->into = g_object_ref (into);
  data->output_func = output_func;
  data->output_data = output_data;
  data->message = soup_message_new (SOUP_METHOD_POST, url);
  g_task_set_task_data (task, data, (GDestroyNotify)execute_data_free);
  if (!check_message (task, data->message))
    return;
  frag_e2b_client_add_sandbox_headers (self, data->message, info, FRAG_E2B_INTERPRETER_PORT);
  soup_message_set_request_body_from_bytes (data->message, "application/json",
                                            g_bytes_new_take (g_steal_pointer (&json), length));
  soup_session_send_async (self->session, data->message, G_PRIORITY_DEFAULT, cancellable,
                           execute_send_cb, g_steal_pointer (&task));
}

gboolean
frag_e2b_client_execute_finish (FragE2bClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
