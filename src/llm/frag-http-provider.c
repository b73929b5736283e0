/* frag-http-provider.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-http-provider"

#include "config.h"

#include "frag-http-provider.h"

typedef struct
{
  SoupSession *session;
  char        *base_url;
} FragHttpProviderPrivate;

enum {
  PROP_0,
  PROP_SESSION,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void frag_http_provider_iface_init (FragProviderInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (FragHttpProvider, frag_http_provider, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (FragHttpProvider)
                                  G_IMPLEMENT_INTERFACE (FRAG_TYPE_PROVIDER,
                                                         frag_http_provider_iface_init))

static void
frag_http_provider_generate_async (FragProvider        *provider,
                                   FragLlmRequest      *request,
                                   FragGeneration      *generation,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  FragHttpProvider *self = FRAG_HTTP_PROVIDER (provider);
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, frag_http_provider_generate_async);

  FRAG_HTTP_PROVIDER_GET_CLASS (self)->generate (self, request, generation, task);
}

static gboolean
frag_http_provider_generate_finish (FragProvider  *provider,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
frag_http_provider_iface_init (FragProviderInterface *iface)
{
  iface->generate_async = frag_http_provider_generate_async;
  iface->generate_finish = frag_http_provider_generate_finish;
}

static void
stream_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!frag_llm_stream_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
frag_http_provider_stream (FragHttpProvider          *self,
                           GTask                     *task,
                           SoupMessage               *message,
                           FragLlmRequest            *request,
                           FragGeneration            *generation,
                           const char                *provider_name,
                           gboolean                   expect_event_stream,
                           const FragLlmDecoderFuncs *funcs,
                           gpointer                   decoder,
                           GDestroyNotify             decoder_free)
{
  FragHttpProviderPrivate *priv = frag_http_provider_get_instance_private (self);
  FragLlmStreamOptions options = { 0 };

  options.provider_name = provider_name;
  options.api_key = frag_llm_request_get_api_key (request);
  options.stall_timeout_ms = frag_llm_request_get_stall_timeout (request);
  options.expect_event_stream = expect_event_stream;

  frag_llm_stream_async (priv->session, message, generation, &options,
                         funcs, decoder, decoder_free,
                         g_task_get_cancellable (task), stream_cb, task);
}

SoupSession *
frag_http_provider_get_session (FragHttpProvider *self)
{
  FragHttpProviderPrivate *priv = frag_http_provider_get_instance_private (self);

  g_return_val_if_fail (FRAG_IS_HTTP_PROVIDER (self), NULL);

  return priv->session;
}

const char *
frag_http_provider_get_base_url (FragHttpProvider *self)
{
  FragHttpProviderPrivate *priv = frag_http_provider_get_instance_private (self);

  g_return_val_if_fail (FRAG_IS_HTTP_PROVIDER (self), NULL);

  return priv->base_url;
}

static void
frag_http_provider_constructed (GObject *object)
{
  FragHttpProvider *self = (FragHttpProvider *)object;
  FragHttpProviderPrivate *priv = frag_http_provider_get_instance_private (self);

  G_OBJECT_CLASS (frag_http_provider_parent_class)->constructed (object);

  /* Providers built without one still get the shared transport's settings. */
  if (priv->session == NULL)
    priv->session = frag_llm_session_new ();
}

static void
frag_http_provider_finalize (GObject *object)
{
  FragHttpProvider *self = (FragHttpProvider *)object;
  FragHttpProviderPrivate *priv = frag_http_provider_get_instance_private (self);

  g_clear_object (&priv->session);
  g_free (priv->base_url);

  G_OBJECT_CLASS (frag_http_provider_parent_class)->finalize (object);
}

static void
frag_http_provider_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FragHttpProvider *self = FRAG_HTTP_PROVIDER (object);
  FragHttpProviderPrivate *priv = frag_http_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, priv->base_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_http_provider_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FragHttpProvider *self = FRAG_HTTP_PROVIDER (object);
  FragHttpProviderPrivate *priv = frag_http_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SESSION:
      priv->session = g_value_dup_object (value);
      break;
    case PROP_BASE_URL:
      priv->base_url = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_http_provider_class_init (FragHttpProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = frag_http_provider_constructed;
  object_class->finalize = frag_http_provider_finalize;
  object_class->get_property = frag_http_provider_get_property;
  object_class->set_property = frag_http_provider_set_property;

  /* NULL means a session of our own from frag_llm_session_new(). */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The part of the endpoint URL before the wire format's own path. */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
frag_http_provider_init (FragHttpProvider *self)
{
}
