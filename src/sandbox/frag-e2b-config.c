/* frag-e2b-config.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-e2b-config"

#include "config.h"

#include <string.h>

#include "frag-e2b-config.h"

struct _FragE2bConfig
{
  gatomicrefcount  ref_count;
  char            *domain;
  char            *api_url;
  char            *envd_url;               /* NULL: like any other port */
  char            *sandbox_url_template;   /* NULL: the per-port host */
  gboolean         debug;
};

static char *
strip_slash (const char *url)
{
  char *copy = g_strdup (url);
  gsize length = strlen (copy);

  while (length > 0 && copy[length - 1] == '/')
    copy[--length] = '\0';
  return copy;
}

static const char *
non_empty (const char *value)
{
  return value != NULL && *value != '\0' ? value : NULL;
}

FragE2bConfig *
frag_e2b_config_new (const char *domain,
                     const char *api_url,
                     const char *envd_url,
                     const char *sandbox_url_template,
                     gboolean    debug)
{
  FragE2bConfig *self = g_new0 (FragE2bConfig, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->domain = g_strdup (non_empty (domain) ? domain : FRAG_E2B_DEFAULT_DOMAIN);
  self->debug = debug;
  if (non_empty (api_url))
    self->api_url = strip_slash (api_url);
  else if (debug)
    self->api_url = g_strdup ("http://localhost:3000");
  else
    self->api_url = g_strdup_printf ("https://api.%s", self->domain);
  self->envd_url = non_empty (envd_url) ? strip_slash (envd_url) : NULL;
  self->sandbox_url_template = non_empty (sandbox_url_template) ? strip_slash (sandbox_url_template) : NULL;
  return self;
}

FragE2bConfig *
frag_e2b_config_new_from_environment (void)
{
  const char *debug = g_getenv ("E2B_DEBUG");

  return frag_e2b_config_new (g_getenv ("E2B_DOMAIN"), g_getenv ("E2B_API_URL"),
                              g_getenv ("E2B_SANDBOX_URL"), g_getenv ("FRAG_E2B_SANDBOX_URL"),
                              debug != NULL && g_ascii_strcasecmp (debug, "true") == 0);
}

FragE2bConfig *
frag_e2b_config_ref (FragE2bConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
frag_e2b_config_unref (FragE2bConfig *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->domain);
  g_free (self->api_url);
  g_free (self->envd_url);
  g_free (self->sandbox_url_template);
  g_free (self);
}

const char *
frag_e2b_config_get_api_url (const FragE2bConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->api_url;
}

char *
frag_e2b_config_dup_port_url (const FragE2bConfig *self,
                              const char          *sandbox_id,
                              int                  port,
                              const char          *sandbox_domain)
{
  const char *domain;
  g_autofree char *port_text = NULL;
  g_autoptr(GString) url = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (sandbox_id != NULL, NULL);

  domain = non_empty (sandbox_domain) ? sandbox_domain : self->domain;
  if (port == FRAG_E2B_ENVD_PORT && self->envd_url != NULL)
    return g_strdup (self->envd_url);
  if (self->sandbox_url_template != NULL)
    {
      port_text = g_strdup_printf ("%d", port);
      url = g_string_new (self->sandbox_url_template);
      g_string_replace (url, "{port}", port_text, 0);
      g_string_replace (url, "{sandbox_id}", sandbox_id, 0);
      g_string_replace (url, "{domain}", domain, 0);
      return g_string_free (g_steal_pointer (&url), FALSE);
    }
  if (self->debug)
    return g_strdup_printf ("http://localhost:%d", port);
  return g_strdup_printf ("https://%d-%s.%s", port, sandbox_id, domain);
}
