/* frag-e2b-config.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where E2B lives, from the environment as E2B's SDKs read it (e2b-protocol.md §1.1) plus
 * our FRAG_E2B_SANDBOX_URL (DESIGN.md):
 *
 *   E2B_DOMAIN             base domain, default e2b.app
 *   E2B_API_URL            control plane, default https://api.<domain>
 *   E2B_DEBUG=true         control plane http://localhost:3000, ports http://localhost:<port>
 *   E2B_SANDBOX_URL        envd (port 49983) of every sandbox
 *   FRAG_E2B_SANDBOX_URL   any port of a sandbox, with {port}, {sandbox_id}, {domain};
 *                          default https://{port}-{sandbox_id}.{domain}
 *
 * The API key is not part of it: the caller passes it to the client and it goes nowhere
 * else. Immutable. */
typedef struct _FragE2bConfig FragE2bConfig;

#define FRAG_E2B_DEFAULT_DOMAIN "e2b.app"
#define FRAG_E2B_ENVD_PORT        49983
#define FRAG_E2B_INTERPRETER_PORT 49999

FragE2bConfig *frag_e2b_config_new_from_environment (void);
/* NULL arguments take the defaults above. */
FragE2bConfig *frag_e2b_config_new                  (const char          *domain,
                                                     const char          *api_url,
                                                     const char          *envd_url,
                                                     const char          *sandbox_url_template,
                                                     gboolean             debug);
FragE2bConfig *frag_e2b_config_ref                  (FragE2bConfig       *self);
void           frag_e2b_config_unref                (FragE2bConfig       *self);

/* Without a trailing slash. */
const char    *frag_e2b_config_get_api_url          (const FragE2bConfig *self);
/* The base URL (no trailing slash) of one port of a sandbox. sandbox_domain is the
 * `domain` of the create response (NULL or "": the configured domain). */
char          *frag_e2b_config_dup_port_url         (const FragE2bConfig *self,
                                                     const char          *sandbox_id,
                                                     int                  port,
                                                     const char          *sandbox_domain);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragE2bConfig, frag_e2b_config_unref)

G_END_DECLS
